// The in-browser benchmark (issue "widget", Speed): a generated orders file picked on the demo
// page in headless Chromium; time from the file input's change to the report event and to the
// report rendered, the page's longest frame gap meanwhile (is the UI responsive?), and the
// peak resident memory of the whole Chromium process tree. Prints medians over RUNS runs.
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
    document.querySelector("#file").addEventListener("change", () => {
      window.__changed = performance.now();
      window.__gap = 0;
    });
  });
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, chromiumRss()); }, 50);
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
  clearInterval(sampler);
  const { changed, gap } = await page.evaluate(() => ({ changed: window.__changed, gap: window.__gap }));
  if (reportAt.type !== "cohort-lens-report") throw new Error(`run failed: ${JSON.stringify(reportAt.error)}`);
  const result = {
    report: (reportAt.at - changed) / 1000,
    rendered: (rendered - changed) / 1000,
    longestFrameMs: gap,
    peakMb: peak / 1024,
    baselineMb: before / 1024,
  };
  results.push(result);
  console.log(`run ${i + 1}: report ${result.report.toFixed(2)} s, rendered ${result.rendered.toFixed(2)} s, longest frame ${gap.toFixed(0)} ms, peak RSS ${result.peakMb.toFixed(0)} MB (idle ${result.baselineMb.toFixed(0)} MB)`);
  await page.close();
}
await env.stop();
const pick = (k) => median(results.map((r) => r[k]));
console.log(`\nmedian of ${runs} (${file}): report ${pick("report").toFixed(2)} s, rendered ${pick("rendered").toFixed(2)} s, longest frame ${pick("longestFrameMs").toFixed(0)} ms, peak RSS ${pick("peakMb").toFixed(0)} MB`);
