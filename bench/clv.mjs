// CLV speed (issues "Predictive CLV" and 11, Speed): the CLV section (BG/NBD, Pareto/NBD and
// Gamma-Gamma fits and every customer's predictions) on ~100 k customers, natively (CLI
// --timings) and in headless Chromium (the package's core wasm module in a page). Medians over
// RUNS runs, with the engine's default options and with the page's CLV options (clvModel "auto"
// on the automatic calibration split, so four BG/NBD and Pareto/NBD fits, and matchRefunds).
//
//   make site && node bench/clv.mjs [RUNS]
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { start, openPage, SITE } from "../pkg-tests/page/harness.mjs";

const runs = Number(process.argv[2] ?? process.env.RUNS ?? 5);
const rows = 185_000; // ~100 k customers with gen_orders' repeat rate
const file = `bench/out/orders_${rows}.csv`;
mkdirSync("bench/out", { recursive: true });
if (!existsSync(file)) {
  execFileSync("cargo", ["run", "--quiet", "--release", "--example", "gen_orders", "--", String(rows), "--out", file], { stdio: "inherit" });
}
execFileSync("cargo", ["build", "--quiet", "--release", "--example", "analyze"], { stdio: "inherit" });
const analyze = `${process.env.CARGO_TARGET_DIR ?? "target"}/release/examples/analyze`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const PAGE = { clvModel: "auto", calibrationSplit: "auto", matchRefunds: true };
const pageOptions = "bench/out/clv-page-options.json";
writeFileSync(pageOptions, JSON.stringify(PAGE));
const out = execFileSync(analyze, [file], { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] });
const customers = JSON.parse(out).clv.fitCustomers;
const nativeRuns = (extra) => {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = execFileSync("sh", ["-c", `${analyze} ${file} ${extra} --timings 2>&1 >/dev/null`], { encoding: "utf8" });
    times.push(JSON.parse(r).clv);
  }
  return times;
};
const native = nativeRuns("");
const nativePage = nativeRuns(`--options ${pageOptions}`);

copyFileSync(file, `${SITE}/bench-orders.csv`);
const env = await start();
const browserRuns = async (options) => {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const page = await openPage(env, "/?sample=0");
    const t = await page.evaluate(async (options) => {
      const { createAnalyzer } = await import("/pkg/index.js");
      const bytes = new Uint8Array(await (await fetch("/bench-orders.csv")).arrayBuffer());
      const analyzer = await createAnalyzer(options);
      analyzer.push(bytes);
      analyzer.finish();
      return analyzer.timings;
    }, options);
    times.push(t.clv);
    await page.close();
  }
  return times;
};
const browser = await browserRuns({});
const browserPage = await browserRuns(PAGE);
await env.stop();
console.log(`${file}: ${customers} customers; CLV section (fits + predictions), median of ${runs}:`);
console.log(`  default options (BG/NBD, Pareto/NBD, Gamma-Gamma): native ${median(native).toFixed(3)} s; headless Chromium (wasm) ${median(browser).toFixed(3)} s`);
console.log(`  page options (${JSON.stringify(PAGE)}): native ${median(nativePage).toFixed(3)} s; headless Chromium (wasm) ${median(browserPage).toFixed(3)} s`);
