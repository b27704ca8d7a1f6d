// Module Web Worker: probes a file (the engine's own decision of format, encoding, delimiter and
// header, posted for the page's column chooser), then streams it into the engine, chunk by
// chunk as it is read (each chunk is parsed at once, so reading overlaps parsing and the file is
// never held whole), and posts progress, the Report or an error. The parsed orders stay here: a
// "rerun" with other options recomputes the Report without reading the file again. The page side
// of this protocol is client.js (ids, pending calls; a run is cancelled by terminating the
// worker).
//
//   in:  { id, type: "analyze", input: File | Blob | ArrayBuffer | Uint8Array | string, options }
//        { id, type: "rerun", options }                    (the last input, other options)
//        { id, type: "export", format: "csv" | "xlsx" | "arrow", selection? }
//                                                          (the last finished analysis; with a
//                                                           selection only its customers, headers
//                                                           in selection.locale)
//        { id, type: "customers", selection, limit, offset }  (the customers of a selection)
//        { id, type: "preset", name }                      (presetOptions(name))
//        { id, type: "summary", input, options }           (analyzeSummary: the warehouse
//                                                           SQL's result; nothing to re-run or
//                                                           export afterwards)
//   out: { id, type: "probe", probe }                      (an analysis' first event; null when
//                                                           the file cannot be probed)
//        { id, type: "progress", phase: "read" | "analyze", loaded, total, rows }
//        { id, type: "cohortRows", rows }                (the Report's first cohort rows, in
//                                                           parts before a large Report)
//        { id, type: "report", report, seconds }           (with the rest of its cohort rows)
//        { id, type: "export", bytes }                     (bytes transferred)
//        { id, type: "customers", count, rows }
//        { id, type: "preset", options }
//        { id, type: "error", error: { name, message, code, line, column } }
import { analyzeSummary, createAnalyzer, presetOptions, probe } from "./index.js";
import { toBytes } from "./api.js";

let last = null;
let lastRun = null;
/** Whether `last` is the full module's (xlsx/Arrow input), and a full-module copy made for an export. */
let lastFull = false;
let fullCopy = null;

function plainError(e) {
  return {
    name: e?.name ?? "Error",
    message: e?.message ?? String(e),
    code: e?.code ?? "Internal",
    line: e?.line ?? null,
    column: e?.column ?? null,
    // The engine's instance trapped: this worker can do no more (the client starts another).
    fatal: e?.fatal === true,
  };
}

/** Lets the previous file's parsed orders go: a new run, even a failed one, leaves nothing of
 * them to re-run or export. */
function forgetLast() {
  last?.free();
  last = null;
  lastRun = null;
  fullCopy?.free();
  fullCopy = null;
}

async function analyze(id, input, options) {
  const started = performance.now();
  forgetLast();
  // The engine's first look at the file, with the options that decide how it is read (not the
  // mapping: the probe proposes one). It tells the format: the full module (workbooks, HTML
  // tables, Arrow) is
  // fetched only for those. A file it cannot read is left to the analysis to report.
  const reading = { encoding: options?.encoding, delimiter: options?.delimiter, header: options?.header, locale: options?.locale };
  for (const k of Object.keys(reading)) if (reading[k] == null) delete reading[k];
  const found = await probe(input, reading).catch(() => null);
  postMessage({ id, type: "probe", probe: found });
  const full = found?.format != null && found.format !== "csv";
  const total = input?.size ?? input?.byteLength ?? input?.length ?? 0;
  const analyzer = await createAnalyzer(options ?? {}, { full, size: total });
  const progress = (phase, loaded) =>
    postMessage({ id, type: "progress", phase, loaded, total, rows: analyzer.rows });
  if (input && typeof input.stream === "function") {
    const reader = input.stream().getReader();
    let lastPost = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const loaded = analyzer.push(value);
      if (performance.now() - lastPost > 50) {
        progress("read", loaded);
        lastPost = performance.now();
      }
    }
  } else {
    analyzer.push(await toBytes(input));
  }
  progress("analyze", analyzer.bytesConsumed);
  const report = analyzer.finish();
  last = analyzer;
  lastFull = full;
  lastRun = { input, options };
  postReport(id, report, (performance.now() - started) / 1000);
}

/** The Report of a warehouse summary; the previous file's parsed orders are let go. */
async function summary(id, input, options) {
  const started = performance.now();
  forgetLast();
  const report = await analyzeSummary(input, options ?? {});
  postReport(id, report, (performance.now() - started) / 1000);
}

/** Cohort cells per message of a Report's cohort rows (postReport). */
const CELLS_PER_MESSAGE = 20_000;

/**
 * Posts a Report, its cohort rows first in parts of about CELLS_PER_MESSAGE cells and the
 * Report after them with the rest (client.js joins them): the page reads each message in a
 * task of its own, and day cohorts read in one message (hundreds of thousands of cells) held
 * its main thread for half a second.
 */
function postReport(id, report, seconds) {
  let rows = [];
  let cells = 0;
  for (const row of report.cohorts.rows) {
    rows.push(row);
    cells += row.cells.length;
    if (cells >= CELLS_PER_MESSAGE) {
      postMessage({ id, type: "cohortRows", rows });
      rows = [];
      cells = 0;
    }
  }
  postMessage({ id, type: "report", report: { ...report, cohorts: { ...report.cohorts, rows } }, seconds });
}

/** The last input with other options: from the parsed orders when the options allow it. */
async function rerun(id, options) {
  if (!last) throw Object.assign(new Error("no finished analysis to re-run"), { code: "NoReport" });
  const started = performance.now();
  const report = last.rerun(options ?? {});
  if (report === null) return analyze(id, lastRun.input, options);
  lastRun = { input: lastRun.input, options };
  // A copy made for an export has the old options (filters): made again when next needed.
  fullCopy?.free();
  fullCopy = null;
  postReport(id, report, (performance.now() - started) / 1000);
}

/** Reads the last input again in the full module with the last options (an Arrow export after a core-module run). */
async function fullAnalyzer() {
  if (lastFull) return last;
  if (fullCopy) return fullCopy;
  const analyzer = await createAnalyzer(lastRun.options ?? {}, { full: true });
  analyzer.push(await toBytes(lastRun.input));
  analyzer.finish();
  fullCopy = analyzer;
  return analyzer;
}

/** The export of the last analysis; Arrow is written by the full module only. */
async function exportFrom(format, selection) {
  const write = (analyzer) => (selection == null ? analyzer.exportCustomers(format) : analyzer.exportCustomers(format, selection));
  if (format === "arrow") return write(await fullAnalyzer());
  try {
    return write(last);
  } catch (e) {
    // A format only the full module writes: the same export from a full-module copy.
    if (e?.code !== "FormatUnavailable" || lastFull) throw e;
    return write(await fullAnalyzer());
  }
}

self.onmessage = async ({ data }) => {
  const { id, type } = data ?? {};
  try {
    if (type === "analyze") {
      await analyze(id, data.input, data.options);
    } else if (type === "summary") {
      await summary(id, data.input, data.options);
    } else if (type === "rerun") {
      await rerun(id, data.options);
    } else if (type === "export") {
      if (!last) throw Object.assign(new Error("no finished analysis to export"), { code: "BadOptions" });
      const format = data.format ?? "csv";
      const bytes = await exportFrom(format, data.selection ?? null);
      postMessage({ id, type: "export", bytes }, [bytes.buffer]);
    } else if (type === "customers") {
      if (!last) throw Object.assign(new Error("no finished analysis to list customers of"), { code: "BadOptions" });
      const { count, rows } = last.customers(data.selection ?? {}, { limit: data.limit ?? 100, offset: data.offset ?? 0 });
      postMessage({ id, type: "customers", count, rows });
    } else if (type === "preset") {
      postMessage({ id, type: "preset", options: await presetOptions(data.name) });
    } else {
      throw Object.assign(new Error(`unknown worker message type ${type}`), { code: "BadOptions" });
    }
  } catch (e) {
    postMessage({ id, type: "error", error: plainError(e) });
  }
};
