// CLV speed (issue "Predictive CLV", Speed): the CLV section (BG/NBD + Gamma-Gamma fits and
// every customer's predictions) on ~100 k customers, natively (CLI --timings) and in headless
// Chromium (the package's core wasm module in a page). Medians over RUNS runs.
//
//   make site && node bench/clv.mjs [RUNS]
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
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

const native = [];
let customers = 0;
for (let i = 0; i < runs; i++) {
  const out = execFileSync(analyze, [file, "--timings"], { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] });
  customers = JSON.parse(out).clv.fitCustomers;
}
for (let i = 0; i < runs; i++) {
  const r = execFileSync("sh", ["-c", `${analyze} ${file} --timings 2>&1 >/dev/null`], { encoding: "utf8" });
  native.push(JSON.parse(r).clv);
}

copyFileSync(file, `${SITE}/bench-orders.csv`);
const env = await start();
const browser = [];
for (let i = 0; i < runs; i++) {
  const page = await openPage(env, "/?sample=0");
  const t = await page.evaluate(async () => {
    const { createAnalyzer } = await import("/pkg/index.js");
    const bytes = new Uint8Array(await (await fetch("/bench-orders.csv")).arrayBuffer());
    const analyzer = await createAnalyzer({});
    analyzer.push(bytes);
    analyzer.finish();
    return analyzer.timings;
  });
  browser.push(t.clv);
  await page.close();
}
await env.stop();
console.log(`${file}: ${customers} customers; CLV section (fits + predictions), median of ${runs}:`);
console.log(`  native ${median(native).toFixed(3)} s; headless Chromium (wasm) ${median(browser).toFixed(3)} s`);
