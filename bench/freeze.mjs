// Is the page still responsive while it draws a large table (issue 14, "No long freezes")? A
// generated orders file is picked on the demo page in headless Chromium; once its report is
// drawn, the cohort grain is switched to day (hundreds of daily cohorts, the heatmap's 150 × 110
// cells), and the longest main-thread task from the switch until every table is whole is
// taken from a PerformanceObserver of "longtask" entries (tasks over 50 ms; 0 when there was
// none), and how long after the Report every table is whole. The longest task's thread (CPU)
// time comes from a Chromium trace of the same span: on a loaded machine a task's wall time is
// mostly waiting for a core. The heatmap draws only the rows in view of its box: "cells drawn"
// are those in the page, of the table's rows (aria-rowcount).
// Prints medians over RUNS runs.
//
//   make site && node bench/freeze.mjs [FILE] [RUNS]
//   (FILE defaults to bench/out/orders_700000.csv, 45 MB:
//    cargo run --release --example gen_orders -- 700000 --out bench/out/orders_700000.csv)
import { existsSync } from "node:fs";
import { start, openPage } from "../pkg-tests/page/harness.mjs";

const file = process.argv[2] ?? "bench/out/orders_700000.csv";
const runs = Number(process.argv[3] ?? process.env.RUNS ?? 5);
if (!existsSync(file)) {
  console.error(`no ${file}: cargo run --release --example gen_orders -- 700000 --out ${file}`);
  process.exit(2);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const env = await start();
const results = [];
for (let i = 0; i < runs; i++) {
  const page = await openPage(env, "/?sample=0");
  await page.setInputFiles("#file", file);
  await page.waitForFunction(() => window.__events.some((e) => e.type !== "cohort-lens-progress"), null, { timeout: 120_000 });
  await page.waitForFunction(() => !document.querySelector("cohort-lens").shadowRoot.querySelector("[aria-busy=true]"), null, { timeout: 60_000 });
  await env.browser.startTracing(page, { categories: ["toplevel"] });
  const r = await page.evaluate(async () => {
    const root = document.querySelector("cohort-lens").shadowRoot;
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    await frames();
    const tasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
    const reports = () => window.__events.filter((e) => e.type === "cohort-lens-report").length;
    const n = reports();
    const t0 = performance.now();
    // As a user does it: the select has focus (the element gives it back after drawing).
    const select = root.querySelector("#panel-cohorts select");
    select.focus();
    select.value = "day";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    while (reports() === n) await new Promise((r) => setTimeout(r, 5));
    const report = window.__events.findLast((e) => e.type === "cohort-lens-report");
    // Whole: no panel or table still being drawn.
    while (root.querySelector("[aria-busy=true]")) await new Promise((r) => setTimeout(r, 5));
    await frames();
    const t1 = performance.now();
    const after = tasks.filter((t) => t.start + t.duration >= t0);
    return {
      grain: report.detail.cohorts.grain,
      cohorts: report.detail.cohorts.rows.length,
      cells: root.querySelectorAll("table[data-table=cohorts] td.c").length,
      rows: Number(root.querySelector("table[data-table=cohorts]").getAttribute("aria-rowcount") ?? 0) - 2,
      longest: Math.max(0, ...after.map((t) => t.duration)),
      whole: t1 - report.at,
      longTasks: after.length,
    };
  });
  const trace = JSON.parse((await env.browser.stopTracing()).toString("utf8"));
  const events = trace.traceEvents ?? trace;
  const mains = new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  r.cpu = Math.max(0, ...events.filter((e) => e.ph === "X" && e.name === "ThreadControllerImpl::RunTask" && mains.has(`${e.pid}:${e.tid}`) && e.tdur != null).map((e) => e.tdur / 1000));
  if (r.grain !== "day") throw new Error(`grain change failed: ${JSON.stringify(r)}`);
  results.push(r);
  console.log(`run ${i + 1}: ${r.cohorts} day cohorts, ${r.cells} heat cells drawn of ${r.rows} rows; longest task ${r.longest.toFixed(0)} ms (${r.cpu.toFixed(0)} ms CPU), ${r.longTasks} tasks over 50 ms; whole ${r.whole.toFixed(0)} ms after the report`);
  await page.close();
}
await env.stop();
const pick = (k) => median(results.map((r) => r[k]));
console.log(`\nmedian of ${runs} (${file}): longest main-thread task ${pick("longest").toFixed(0)} ms (worst ${Math.max(...results.map((r) => r.longest)).toFixed(0)} ms), in CPU time ${pick("cpu").toFixed(0)} ms (worst ${Math.max(...results.map((r) => r.cpu)).toFixed(0)} ms), tables whole ${pick("whole").toFixed(0)} ms after the report`);
