// cohortlens engine module for ../shared/bench/browser/harness.js (served by bench/compare.mjs
// as /browser/engines/cohortlens.js). init() starts a module worker and loads the package's core
// wasm module in it (start-up, reported apart); run() posts the picked File to the worker, which
// streams File.stream() into the package's createAnalyzer (each chunk parsed as it arrives) and
// posts the Report back: the time measured is file chosen -> Report in the page.
// Phases: create (createAnalyzer), read_push (File.stream() into push, reading overlaps
// parsing), finish (finish(): the rest of the analysis), to_page (the Report's structured clone
// to the page); extra.timings are the engine's own Analyzer.timings (seconds).
let worker;
let pending = null;

function call(msg) {
  return new Promise((resolve, reject) => {
    pending = { resolve, reject };
    worker.postMessage(msg);
  });
}

export async function init() {
  worker = new Worker("/browser/engines/cohortlens-worker.js", { type: "module" });
  worker.onmessage = ({ data }) => {
    const p = pending;
    pending = null;
    if (!p) return;
    if (data.type === "error") p.reject(Object.assign(new Error(`${data.error.code ?? data.error.name}: ${data.error.message}`), data.error));
    else p.resolve({ ...data, receivedAt: performance.timeOrigin + performance.now() });
  };
  worker.onerror = (e) => {
    const p = pending;
    pending = null;
    p?.reject(new Error(`worker error: ${e.message}`));
  };
  const r = await call({ type: "init" });
  return { wasm_init_ms: r.ms };
}

export async function run(file, opts, T) {
  // The element's options: the default clvCustomerLimit (200) keeps the Report bounded.
  const options = opts.options ? JSON.parse(opts.options) : {};
  const r = await T.time("analyze", () => call({ type: "run", file, options }));
  Object.assign(T.ms, Object.fromEntries(Object.entries(r.ms).map(([k, v]) => [`w_${k}`, v])));
  T.ms.to_page = r.receivedAt - r.sentAt;
  const report = r.report;
  const extra = {
    timings: r.timings,
    rows: r.rows,
    chunks: r.chunks,
    // for the cross-check against DuckDB's funnel (buyers, all customers)
    customers: report.summary.customers,
    non_buyers: report.summary.nonBuyers,
    orders: report.summary.orders,
    accepted: report.ingest.accepted,
    rejected: report.ingest.rejected,
  };
  return { results: null, extra };
}
