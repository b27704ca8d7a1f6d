// The golden README's comparison: lists matched by natural keys, integers exactly, floats within
// a relative tolerance. Returns a list of differences.
const KEYS = ["period", "cohort", "k", "n", "days", "fromDays", "segment", "dimension", "value", "customer", "line"];

export function compare(got, want, rel = 1e-9, path = "report", diffs = []) {
  if (typeof want === "number" && typeof got === "number") {
    if (Number.isInteger(want) && Number.isInteger(got)) {
      if (got !== want) diffs.push(`${path}: got ${got}, want ${want}`);
    } else {
      const tol = rel * Math.max(Math.abs(got), Math.abs(want));
      if (Math.abs(got - want) > tol && Math.abs(got - want) > 1e-12) diffs.push(`${path}: got ${got}, want ${want}`);
    }
  } else if (Array.isArray(want)) {
    if (!Array.isArray(got)) return diffs.push(`${path}: got ${JSON.stringify(got)}`), diffs;
    if (got.length !== want.length) diffs.push(`${path}: got ${got.length} items, want ${want.length}`);
    // Lists of objects match by their natural key; lists with null items (cohort cells) by position.
    const objects = want.every((w) => w && typeof w === "object" && !Array.isArray(w));
    const key = objects && want.length > 0 && KEYS.find((k) => k in want[0]);
    want.forEach((w, i) => {
      const g = key ? got.find((x) => x && x[key] === w[key]) : got[i];
      const p = key ? `${path}[${key}=${JSON.stringify(w[key])}]` : `${path}[${i}]`;
      if (g === undefined) diffs.push(`${p}: missing`);
      else compare(g, w, rel, p, diffs);
    });
  } else if (want && typeof want === "object") {
    if (!got || typeof got !== "object") return diffs.push(`${path}: got ${JSON.stringify(got)}`), diffs;
    for (const k of Object.keys(want)) {
      if (!(k in got)) diffs.push(`${path}.${k}: missing`);
      else compare(got[k], want[k], rel, `${path}.${k}`, diffs);
    }
  } else if (got !== want) {
    diffs.push(`${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  return diffs;
}

/** A copy of a report without `clv` (compared at the fit tolerance) and the fields the golden
 * README leaves implementation-defined. */
export function comparable(report) {
  const copy = structuredClone(report);
  delete copy.clv;
  delete copy.ingest.warnings;
  delete copy.ingest.encoding;
  return copy;
}
