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
//        { id, type: "export", format: "csv" | "arrow" }   (the last finished analysis)
//        { id, type: "preset", name }                      (presetOptions(name))
//   out: { id, type: "probe", probe }                      (an analysis' first event; null when
//                                                           the file cannot be probed)
//        { id, type: "progress", phase: "read" | "analyze", loaded, total, rows }
//        { id, type: "report", report, seconds }
//        { id, type: "export", bytes }                     (bytes transferred)
//        { id, type: "preset", options }
//        { id, type: "error", error: { name, message, code, line, column } }
import { createAnalyzer, exportCustomers, presetOptions, probe } from "./index.js";
import { toBytes } from "./api.js";

let last = null;
let lastRun = null;

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

async function analyze(id, input, options) {
  const started = performance.now();
  // A failed analysis leaves nothing to re-run or export (not the previous file's).
  last?.free();
  last = null;
  lastRun = null;
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
  lastRun = { input, options };
  postMessage({ id, type: "report", report, seconds: (performance.now() - started) / 1000 });
}

/** The last input with other options: from the parsed orders when the options allow it. */
async function rerun(id, options) {
  if (!last) throw Object.assign(new Error("no finished analysis to re-run"), { code: "NoReport" });
  const started = performance.now();
  const report = last.rerun(options ?? {});
  if (report === null) return analyze(id, lastRun.input, options);
  lastRun = { input: lastRun.input, options };
  postMessage({ id, type: "report", report, seconds: (performance.now() - started) / 1000 });
}

self.onmessage = async ({ data }) => {
  const { id, type } = data ?? {};
  try {
    if (type === "analyze") {
      await analyze(id, data.input, data.options);
    } else if (type === "rerun") {
      await rerun(id, data.options);
    } else if (type === "export") {
      if (!last) throw Object.assign(new Error("no finished analysis to export"), { code: "BadOptions" });
      const format = data.format ?? "csv";
      // An Arrow export after a core-module run is redone by the full module.
      const bytes = format === "arrow"
        ? await exportCustomers(lastRun.input, lastRun.options, "arrow")
        : last.exportCustomers(format);
      postMessage({ id, type: "export", bytes }, [bytes.buffer]);
    } else if (type === "preset") {
      postMessage({ id, type: "preset", options: await presetOptions(data.name) });
    } else {
      throw Object.assign(new Error(`unknown worker message type ${type}`), { code: "BadOptions" });
    }
  } catch (e) {
    postMessage({ id, type: "error", error: plainError(e) });
  }
};
