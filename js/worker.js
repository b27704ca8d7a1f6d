// Module Web Worker: streams a file into the engine, chunk by chunk as it is read (each chunk is
// parsed at once, so reading overlaps parsing and the file is never held whole), and posts
// progress, the Report or an error. The parsed orders stay here: a "rerun" with other options
// recomputes the Report without reading the file again. The page cancels a run by terminating
// the worker.
//
//   in:  { id, type: "analyze", input: File | Blob | ArrayBuffer | Uint8Array | string, options }
//        { id, type: "rerun", options }                    (the last input, other options)
//        { id, type: "export", format: "csv" | "arrow" }   (the last finished analysis)
//   out: { id, type: "progress", phase: "read" | "analyze", loaded, total, rows }
//        { id, type: "report", report, seconds }
//        { id, type: "export", bytes }                     (bytes transferred)
//        { id, type: "error", error: { name, message, code, line, column } }
import { createAnalyzer, exportCustomers } from "./index.js";
import { needsFull, toBytes } from "./api.js";

let last = null;
let lastRun = null;

function plainError(e) {
  return {
    name: e?.name ?? "Error",
    message: e?.message ?? String(e),
    code: e?.code ?? "Internal",
    line: e?.line ?? null,
    column: e?.column ?? null,
  };
}

async function analyze(id, input, options) {
  const started = performance.now();
  // The full module (xlsx, Arrow) is fetched only when the file starts like one.
  const head = typeof input?.slice === "function" && typeof input?.arrayBuffer === "function"
    ? new Uint8Array(await input.slice(0, 8).arrayBuffer())
    : await toBytes(input).then((b) => b.subarray(0, 8));
  const total = input?.size ?? input?.byteLength ?? input?.length ?? 0;
  const analyzer = await createAnalyzer(options ?? {}, { full: needsFull(head), size: total });
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
  last?.free();
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
    } else {
      throw Object.assign(new Error(`unknown worker message type ${type}`), { code: "BadOptions" });
    }
  } catch (e) {
    postMessage({ id, type: "error", error: plainError(e) });
  }
};
