// How long the widget takes to show the Report of a warehouse summary (issue 12, "the widget
// renders it in ≤ 1 s"): on the demo page in headless Chromium, `<cohort-lens>.summary` is set
// to the result CSV of the warehouse SQL (bench/warehouse.sh), and the time is taken from that
// assignment until its Report event, and until every panel is drawn (nothing aria-busy).
// Prints medians over RUNS runs, each in a new page.
//
//   ROWS=50000000 bench/warehouse.sh && make site && \
//     node bench/summary.mjs bench/out/warehouse/result_50000000.csv [RUNS]
import { existsSync, readFileSync } from "node:fs";
import { start, openPage } from "../pkg-tests/page/harness.mjs";

const file = process.argv[2] ?? "bench/out/warehouse/result_1000000.csv";
const runs = Number(process.argv[3] ?? process.env.RUNS ?? 5);
if (!existsSync(file)) {
  console.error(`no ${file}: run bench/warehouse.sh first`);
  process.exit(2);
}
const csv = readFileSync(file, "utf8");
const options = JSON.parse(readFileSync("bench/warehouse/options.json", "utf8"));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const env = await start();
const results = [];
try {
  for (let i = 0; i < runs; i++) {
    const page = await openPage(env, "/?sample=0");
    try {
      const r = await page.evaluate(async ([options, csv]) => {
        const el = document.querySelector("cohort-lens");
        const root = el.shadowRoot;
        const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const results = () => window.__events.filter((e) => e.type !== "cohort-lens-progress");
        const t0 = performance.now();
        el.options = options;
        el.summary = csv;
        while (results().length === 0) await new Promise((r) => setTimeout(r, 5));
        const t1 = performance.now();
        const last = results().at(-1);
        while (root.querySelector("[aria-busy=true]")) await new Promise((r) => setTimeout(r, 5));
        await frames();
        return {
          type: last.type,
          error: last.type === "cohort-lens-error" ? String(last.detail?.message ?? JSON.stringify(last.detail)) : undefined,
          customers: last.detail.summary?.customers,
          report: (t1 - t0) / 1000,
          drawn: (performance.now() - t0) / 1000,
        };
      }, [options, csv]);
      if (r.type !== "cohort-lens-report") throw new Error(`no Report: ${JSON.stringify(r)}`);
      results.push(r);
      console.error(`run ${i + 1}: report ${r.report.toFixed(3)} s, drawn ${r.drawn.toFixed(3)} s`);
    } finally {
      await page.close();
    }
  }
} finally {
  await env.stop();
}
console.log(JSON.stringify({
  file,
  bytes: csv.length,
  customers: results[0].customers,
  runs,
  report_s_median: +median(results.map((r) => r.report)).toFixed(3),
  drawn_s_median: +median(results.map((r) => r.drawn)).toFixed(3),
}));
