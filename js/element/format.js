// Formatting, CSV out (table downloads), downloads and the element builder of <cohort-lens>:
// display only. Reading a file (encoding, delimiter, header) is the engine's: see probe().

/** Intl locale for a UI language. */
export function intlLocale(lang) {
  return lang === "zh" ? "zh-CN" : "en-US";
}

/**
 * Number formatters for one language. Every one returns "" for null/undefined/NaN, so an
 * absent value renders as an empty cell (SPEC §10: absent is null, never 0).
 */
export function formatters(lang) {
  const loc = intlLocale(lang);
  const make = (opts) => {
    const nf = new Intl.NumberFormat(loc, opts);
    return (v) => (v == null || Number.isNaN(v) ? "" : nf.format(v));
  };
  const pct = make({ style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return {
    int: make({ maximumFractionDigits: 0 }),
    pct,
    /** Percentage points, signed (a difference of two rates). */
    pp: (v) => (v == null ? "" : (v > 0 ? "+" : v < 0 ? "−" : "") + pct(Math.abs(v))),
    money: make({ minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    dec1: make({ minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    dec2: make({ minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    dec3: make({ minimumFractionDigits: 3, maximumFractionDigits: 3 }),
    sig: make({ maximumSignificantDigits: 4 }),
    compact: make({ notation: "compact", maximumFractionDigits: 1 }),
    pvalue: (v) => (v == null ? "" : v < 0.001 ? "< 0.001" : new Intl.NumberFormat(loc, { maximumFractionDigits: 3, minimumFractionDigits: 3 }).format(v)),
    bytes: (n) => {
      if (n == null) return "";
      const units = ["B", "KB", "MB", "GB"];
      let i = 0;
      while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
      return new Intl.NumberFormat(loc, { maximumFractionDigits: i ? 1 : 0 }).format(n) + " " + units[i];
    },
  };
}

/** "2024-03-05T14:02:00" → "2024-03-05 14:02" (midnight → the date alone). */
export function formatTime(ts) {
  if (ts == null) return "";
  const s = String(ts);
  const [date, time] = s.split("T");
  if (!time || time === "00:00:00") return date;
  return `${date} ${time.slice(0, 5)}`;
}

/** English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st. */
export function ordinal(n) {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

// ---------------------------------------------------------------------------------- CSV out

/** Cells a spreadsheet would run as a formula get a leading apostrophe (CSV injection). */
function csvCell(v) {
  if (v == null) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (typeof v === "boolean") return v ? "true" : "false";
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV text, CRLF line ends. */
export function toCsv(header, rows) {
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

// -------------------------------------------------------------------------------- downloads

/** Saves a Blob under a file name through a temporary object URL (nothing leaves the page). */
export function saveBlob(blob, filename, root = document.body) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  a.hidden = true;
  root.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** CSV with a UTF-8 BOM, so that Excel on Chinese Windows shows 中文 correctly. */
export function saveCsv(header, rows, filename, root) {
  saveBlob(new Blob(["\uFEFF", toCsv(header, rows)], { type: "text/csv;charset=utf-8" }), filename, root);
}

/** A safe file-name stem from a file name: no extension, no path or odd characters. */
export function fileStem(name) {
  const base = String(name ?? "cohortlens").replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "");
  return base.replace(/[^\p{L}\p{N}._-]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "cohortlens";
}

// ----------------------------------------------------------------------------- DOM helpers

/**
 * h("div", {class: "x", onclick: fn, dataset: {...}}, ...children): builds an element. Strings
 * become text nodes; attributes are set with setAttribute; nothing is ever parsed as HTML.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === "dataset") Object.assign(el.dataset, v);
      else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else if (k in el && typeof v !== "string") el[k] = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}
