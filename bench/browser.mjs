// The in-browser benchmark (issue "widget", Speed): a generated orders file picked on the demo
// page in headless Chromium; time from the file input's change to the report event and to the
// report rendered, the page's longest frame gap meanwhile (is the UI responsive?), and the
// peak resident memory of the whole Chromium process tree and of the page's renderer; then the
// time of changing the cohort grain after the report (the element re-runs the metrics from the
// orders its worker parsed) to the new report rendered. The longest main-thread task comes from a
// PerformanceObserver of "longtask" entries (tasks over 50 ms; 0 when there was none).
// Prints medians over RUNS runs.
//
//   make site && node bench/browser.mjs [FILE] [RUNS]
//   (FILE defaults to bench/out/orders_1000000.csv; make it with bench/run.sh or gen_orders)
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { start, openPage } from "../pkg-tests/page/harness.mjs";

const file = process.argv[2] ?? "bench/out/orders_1000000.csv";
const runs = Number(process.argv[3] ?? process.env.RUNS ?? 5);
if (!existsSync(file)) {
  console.error(`no ${file}: cargo run --release --example gen_orders -- 1000000 --out ${file}`);
  process.exit(2);
}

/** Resident memory (KB) of every Chromium process (the benchmark's browser is the only one). */
function chromiumRss() {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (!/^Name:\s+chrom/m.test(status)) continue;
      total += Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    } catch {}
  }
  return total;
}

/** The largest VmRSS or VmHWM (KB) of a Chromium renderer process (--type=renderer). */
function rendererPeak() {
  let peak = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("--type=renderer")) continue;
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (!/^Name:\s+chrom/m.test(status)) continue;
      peak = Math.max(peak, Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0), Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0));
    } catch {}
  }
  return peak;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const env = await start();
const results = [];
for (let i = 0; i < runs; i++) {
  const page = await openPage(env, "/?sample=0");
  await page.evaluate(() => {
    window.__gap = 0;
    let last = performance.now();
    const tick = (now) => {
      window.__gap = Math.max(window.__gap, now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
    document.querySelector("#file").addEventListener("change", () => {
      window.__changed = performance.now();
      window.__gap = 0;
    });
  });
  let peak = 0, rpeak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, chromiumRss()); rpeak = Math.max(rpeak, rendererPeak()); }, 50);
  const before = chromiumRss();
  await page.setInputFiles("#file", file);
  await page.waitForFunction(() => window.__events.some((e) => e.type !== "cohort-lens-progress"), null, { timeout: 120_000 });
  // Only the event's type and time cross to Node: the Report itself is tens of MB here.
  const reportAt = await page.evaluate(() => {
    const e = window.__events.find((x) => x.type !== "cohort-lens-progress");
    return { type: e.type, at: e.at, error: e.type === "cohort-lens-error" ? e.detail : null };
  });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const rendered = await page.evaluate(() => performance.now());
  const { changed, gap, longtask } = await page.evaluate(() => ({
    changed: window.__changed,
    gap: window.__gap,
    longtask: Math.max(0, ...window.__longtasks.filter((t) => t.start + t.duration >= window.__changed).map((t) => t.duration)),
  }));
  if (reportAt.type !== "cohort-lens-report") throw new Error(`run failed: ${JSON.stringify(reportAt.error)}`);
  // Changing the cohort grain after the report: change event -> next report event -> rendered.
  const grain = await page.evaluate(async () => {
    const lens = document.querySelector("cohort-lens");
    const select = lens.shadowRoot.querySelector("#panel-cohorts select");
    if (!select) throw new Error("no grain select in #panel-cohorts");
    const reports = () => window.__events.filter((e) => e.type === "cohort-lens-report").length;
    const n = reports();
    window.__gap = 0;
    const t0 = performance.now();
    select.value = "week";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    while (reports() === n && window.__events.filter((e) => e.type === "cohort-lens-error").length === 0) {
      await new Promise((r) => setTimeout(r, 1));
    }
    const e = window.__events.findLast((x) => x.type !== "cohort-lens-progress");
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const t2 = performance.now();
    const longtask = Math.max(0, ...window.__longtasks.filter((t) => t.start + t.duration >= t0).map((t) => t.duration));
    return { type: e.type, grain: e.detail?.cohorts?.grain, report: e.at - t0, rendered: t2 - t0, longtask, gap: window.__gap };
  });
  clearInterval(sampler);
  if (grain.type !== "cohort-lens-report" || grain.grain !== "week") throw new Error(`grain change failed: ${JSON.stringify(grain)}`);
  const result = {
    report: (reportAt.at - changed) / 1000,
    rendered: (rendered - changed) / 1000,
    longestFrameMs: gap,
    longestTaskMs: longtask,
    grainReportMs: grain.report,
    grainRenderedMs: grain.rendered,
    grainLongestTaskMs: grain.longtask,
    peakMb: peak / 1024,
    rendererPeakMb: rpeak / 1024,
    baselineMb: before / 1024,
  };
  results.push(result);
  console.log(`run ${i + 1}: report ${result.report.toFixed(2)} s, rendered ${result.rendered.toFixed(2)} s, longest frame ${gap.toFixed(0)} ms, longest task ${longtask.toFixed(0)} ms; grain -> week: report ${grain.report.toFixed(0)} ms, rendered ${grain.rendered.toFixed(0)} ms (longest task ${grain.longtask.toFixed(0)} ms); peak RSS ${result.peakMb.toFixed(0)} MB (idle ${result.baselineMb.toFixed(0)} MB), renderer ${result.rendererPeakMb.toFixed(0)} MB`);
  await page.close();
}
await env.stop();
const pick = (k) => median(results.map((r) => r[k]));
console.log(`\nmedian of ${runs} (${file}): report ${pick("report").toFixed(2)} s, rendered ${pick("rendered").toFixed(2)} s, longest frame ${pick("longestFrameMs").toFixed(0)} ms, longest task ${pick("longestTaskMs").toFixed(0)} ms (worst ${Math.max(...results.map((r) => r.longestTaskMs)).toFixed(0)} ms); grain change: report ${pick("grainReportMs").toFixed(0)} ms, rendered ${pick("grainRenderedMs").toFixed(0)} ms, longest task ${pick("grainLongestTaskMs").toFixed(0)} ms; peak RSS ${pick("peakMb").toFixed(0)} MB (all Chromium processes), renderer ${pick("rendererPeakMb").toFixed(0)} MB`);
