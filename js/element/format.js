// Formatting, CSV in and out, downloads and the header reader of <cohort-lens>. No DOM
// rendering here except the helpers that build elements with textContent only.

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

// ----------------------------------------------------------------------------------- CSV in

/** Parses RFC 4180 CSV text into arrays of strings (quotes, embedded commas and newlines). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let i = 0;
  let quoted = false;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ",") { row.push(field); field = ""; i++; continue; }
    if (c === "\r" || c === "\n") {
      row.push(field); rows.push(row); row = []; field = "";
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      continue;
    }
    field += c; i++;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** CSV text with a header line → array of objects. */
export function csvObjects(text) {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.filter((r) => r.length > 1 || r[0] !== "").map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
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

// ---------------------------------------------------------------------------- header reader

const ROLE_NAMES = new Set(["customer", "time", "amount", "order", "status", "quantity", "unitPrice"]);
export const ROLES = [...ROLE_NAMES];

/** Guesses the text encoding of a prefix of the file, as the engine would (BOM, UTF-8, else GB18030). */
function guessEncoding(bytes) {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  try {
    // A prefix may cut a multi-byte character: decode all but the last 3 bytes strictly.
    new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - 3)));
    return "utf-8";
  } catch {
    return "gb18030";
  }
}

/** Splits the first record of delimited text (quotes honoured, may span lines). */
function firstRecord(text, delimiter) {
  if (delimiter === "whitespace") {
    const line = text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
    return line.trim().split(/[ \t]+/);
  }
  const fields = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"' && field.trim() === "") { quoted = true; field = ""; }
    else if (c === delimiter) { fields.push(field); field = ""; }
    else if (c === "\n" || c === "\r") { if (fields.length || field) break; }
    else field += c;
  }
  fields.push(field);
  return fields;
}

/** Most likely delimiter of the first line: , ; tab | or runs of spaces. */
function sniffDelimiter(text) {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  let best = ",";
  let bestCount = 0;
  for (const d of [",", ";", "\t", "|"]) {
    const count = line.split(d).length - 1;
    if (count > bestCount) { best = d; bestCount = count; }
  }
  if (bestCount === 0 && /\S[ \t]+\S/.test(line.trim())) return "whitespace";
  return best;
}

/** Strips the Excel guard ="…", quotes and whitespace from a header name. */
function cleanName(s) {
  let v = String(s).replace(/^\uFEFF/, "").trim();
  const m = /^="(.*)"$/.exec(v);
  if (m) v = m[1];
  return v.trim();
}

/**
 * The column names of an input, read in JS so that the mapping selects exist even when the
 * engine rejected the file (e.g. NoCustomerColumn). `hint` may carry {encoding, delimiter,
 * header} from a report or the options. Header-less files name columns "1", "2", ….
 * Returns [] for inputs it cannot read (e.g. .xlsx).
 */
export async function readColumns(input, hint = {}) {
  return (await readHeader(input, hint)).columns;
}

/** As readColumns, with the encoding and delimiter used: {columns, encoding, delimiter}. */
export async function readHeader(input, hint = {}) {
  const none = { columns: [], encoding: null, delimiter: null };
  let bytes;
  try {
    if (typeof input === "string") bytes = new TextEncoder().encode(input.slice(0, 65536));
    else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input, 0, Math.min(65536, input.byteLength));
    else if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, Math.min(65536, input.byteLength));
    else if (input && typeof input.slice === "function") bytes = new Uint8Array(await input.slice(0, 65536).arrayBuffer());
    else return none;
  } catch {
    return none;
  }
  // Zip (xlsx), Arrow or other binary: the report's mapping will have to do.
  if ((bytes[0] === 0x50 && bytes[1] === 0x4b) || bytes.subarray(0, 1024).includes(0) && !/^utf-16/i.test(hint.encoding ?? "")) return none;
  let text;
  let encoding = hint.encoding || guessEncoding(bytes);
  try {
    text = new TextDecoder(encoding).decode(bytes);
  } catch {
    encoding = "utf-8";
    text = new TextDecoder("utf-8").decode(bytes);
  }
  text = text.replace(/^\uFEFF/, "");
  const delimiter = hint.delimiter || sniffDelimiter(text);
  const fields = firstRecord(text, delimiter);
  const columns = hint.header === false ? fields.map((_, i) => String(i + 1)) : fields.map(cleanName).filter((n) => n !== "");
  return { columns, encoding, delimiter };
}

// ---------------------------------------------------------------------------- periods (CLV)

/** The SPEC period label of a "YYYY-MM-DD…" timestamp at a grain (ISO weeks start Monday). */
export function periodLabel(ts, grain) {
  const y = Number(ts.slice(0, 4));
  const m = Number(ts.slice(5, 7));
  const d = Number(ts.slice(8, 10));
  switch (grain) {
    case "year": return String(y);
    case "quarter": return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
    case "month": return ts.slice(0, 7);
    case "day": return ts.slice(0, 10);
    default: {
      const t = Date.UTC(y, m - 1, d);
      const dow = (new Date(t).getUTCDay() + 6) % 7;
      return new Date(t - dow * 86400000).toISOString().slice(0, 10);
    }
  }
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
