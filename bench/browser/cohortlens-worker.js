// Worker side of the cohortlens engine module (cohortlens-engine.js): the package's
// createAnalyzer fed by File.stream(), chunk by chunk as it is read, as js/worker.js does,
// plus the timings the benchmark reports. Served next to the shared harness by bench/compare.mjs.
//   in:  { type: "init" } | { type: "run", file: File, options }
//   out: { type: "ready", ms } | { type: "report", report, timings, rows, chunks, ms, sentAt }
//        | { type: "error", error: { name, message, code } }
import { init, createAnalyzer } from "/pkg/index.js";

const now = () => performance.timeOrigin + performance.now(); // comparable across threads

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "init") {
      const t = performance.now();
      await init();
      postMessage({ type: "ready", ms: performance.now() - t });
    } else if (data.type === "run") {
      const file = data.file;
      const t0 = performance.now();
      const analyzer = await createAnalyzer(data.options ?? {}, { size: file.size });
      const t1 = performance.now();
      const reader = file.stream().getReader();
      let chunks = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        analyzer.push(value);
        chunks++;
      }
      const t2 = performance.now();
      const rows = analyzer.rows; // rows parsed by the pushes (read before finish())
      const report = analyzer.finish();
      const t3 = performance.now();
      const timings = analyzer.timings;
      analyzer.free();
      const ms = { create: t1 - t0, read_push: t2 - t1, finish: t3 - t2 };
      postMessage({ type: "report", report, timings, rows, chunks, ms, sentAt: now() });
    }
  } catch (e) {
    postMessage({ type: "error", error: { name: e?.name ?? "Error", message: e?.message ?? String(e), code: e?.code ?? null } });
  }
};
