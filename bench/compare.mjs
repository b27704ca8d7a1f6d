// cohortlens against DuckDB-WASM in headless Chromium, same page, same file (issue 8, Targets).
//
//   make site && node bench/compare.mjs                       # 1 M rows, RUNS=5 pairs
//   ROWS=1000000,5000000 RUNS=3 node bench/compare.mjs
//   ENGINES=cohortlens node bench/compare.mjs                 # one engine only
//
// Serves (127.0.0.1 only, COOP/COEP like ../shared/bench/browser/server.mjs) the shared harness
// page ../shared/bench/browser/index.html with both engine modules:
//   /browser/, /sql/       ../shared/bench (harness, DuckDB-WASM engine, the workload's SQL)
//   /browser/engines/cohortlens*.js   bench/browser/ (this repo's engine module and its worker)
//   /node_modules/         this repo's node_modules (@duckdb/duckdb-wasm, apache-arrow: devDependencies)
//   /pkg/                  the built package (pkg/, from `make pkg` or `make site`)
// For each row count: the file bench/out/orders_<ROWS>.csv (made by examples/gen_orders.rs, seed
// 42, if missing; the same file for both engines), then RUNS pairs of runs, the engines
// interleaved (the order alternates), one fresh Chromium per run (Debian's /usr/bin/chromium,
// never downloaded). Per run: benchInit (start-up), the file input set, benchRun (file chosen ->
// results in the page, phase timings); renderer memory from /proc (see rendererMemory).
// Prints per-run lines, medians and ratios; writes bench/out/compare_<ROWS>.json and .md.
import { chromium } from "playwright-core";
import http from "node:http";
import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SHARED = resolve(ROOT, "../shared/bench");
const PKG = resolve(ROOT, process.env.COHORTLENS_PKG ?? "pkg");
const OUT = join(ROOT, "bench/out");
const ROWS = (process.env.ROWS ?? "1000000").split(",").map(Number);
const RUNS = Number(process.env.RUNS ?? 5);
const ENGINES = (process.env.ENGINES ?? "cohortlens,duckdb-wasm").split(",");
const TIMEOUT = Number(process.env.TIMEOUT_S ?? 300) * 1000;
// As pkg-tests/page/harness.mjs.
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

for (const [what, path] of [["the shared harness", join(SHARED, "browser/harness.js")], ["DuckDB-WASM (npm install)", join(ROOT, "node_modules/@duckdb/duckdb-wasm/dist/duckdb-eh.wasm")], ["the package (make site)", join(PKG, "index.js")]]) {
  if (!existsSync(path)) {
    console.error(`bench/compare.mjs: ${what} not found: ${path}`);
    process.exit(2);
  }
}

// --- server -------------------------------------------------------------------------------
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".sql": "text/plain; charset=utf-8", ".json": "application/json", ".map": "application/json", ".d.ts": "text/plain" };
function route(pathname) {
  const m = pathname.match(/^\/browser\/engines\/(cohortlens(-worker)?)\.js$/);
  if (m) return join(ROOT, "bench/browser", m[2] ? "cohortlens-worker.js" : "cohortlens-engine.js");
  for (const [prefix, dir] of [["/node_modules/", join(ROOT, "node_modules")], ["/pkg/", PKG], ["/browser/", join(SHARED, "browser")], ["/sql/", join(SHARED, "sql")]]) {
    if (pathname.startsWith(prefix)) {
      const file = resolve(dir, "." + pathname.slice(prefix.length - 1));
      return file.startsWith(dir + "/") ? file : null;
    }
  }
  return null;
}
const server = http.createServer((req, res) => {
  const file = route(decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname));
  let st;
  try { st = file && statSync(file); } catch {}
  if (!st?.isFile()) { res.writeHead(404); res.end("not found"); return; }
  res.writeHead(200, {
    "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
    "Content-Length": st.size,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
  });
  createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const BASE = `http://127.0.0.1:${server.address().port}`;

// --- renderer memory ----------------------------------------------------------------------
/**
 * The renderer processes of the (one) browser: descendants of this Node process whose command line has
 * --type=renderer (dedicated workers, hence both engines' wasm, run inside the page's renderer).
 * Returns the largest VmRSS and the largest VmHWM (the kernel's peak RSS of a process) among
 * them, KB: the page's renderer, not summed with the idle one of the first about:blank (that
 * would count the shared Chromium binary twice).
 */
function rendererMemory(browserPid) {
  const parent = new Map();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const under = (pid) => { for (let p = pid, n = 0; p > 1 && n < 20; p = parent.get(p), n++) if (p === browserPid) return true; return false; };
  let rss = 0, hwm = 0, count = 0;
  for (const pid of parent.keys()) {
    if (!under(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer")) continue;
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      rss = Math.max(rss, Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0));
      hwm = Math.max(hwm, Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0));
      count++;
    } catch {}
  }
  return { rss, hwm, count };
}

// --- one run --------------------------------------------------------------------------------
async function runOnce(engine, file) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });
  const pid = process.pid; // playwright-core spawns Chromium as a child of this process; one browser at a time
  let peakRss = 0, peakHwm = 0;
  const sample = () => {
    const m = rendererMemory(pid);
    peakRss = Math.max(peakRss, m.rss);
    peakHwm = Math.max(peakHwm, m.hwm);
  };
  const sampler = setInterval(sample, 50);
  const result = { engine };
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
    page.on("crash", () => errors.push("renderer crashed (page 'crash' event)"));
    await page.goto(`${BASE}/browser/index.html`);
    await page.waitForFunction(() => window.benchReady === true);
    const init = await page.evaluate((engine) => window.benchInit({ engine }), engine);
    result.init_s = init.init_ms / 1000;
    result.info = init.info;
    await page.setInputFiles("#file", file);
    try {
      const r = await page.evaluate((engine) => window.benchRun({ engine }), engine, { timeout: TIMEOUT });
      result.run_s = r.ms.total / 1000;
      result.phases = Object.fromEntries(Object.entries(r.ms).filter(([k]) => k !== "total").map(([k, v]) => [k, v / 1000]));
      result.extra = r.extra;
      if (r.results) result.check = { customers_total: r.results.funnel.customers_total, buyers: r.results.funnel.ge[0], cohorts: Object.keys(r.results.cohorts.sizes).length };
      result.jsHeapMb = r.memory ? r.memory.usedJSHeapSize / 1e6 : null;
    } catch (e) {
      result.error = String(e.message ?? e).split("\n")[0];
      if (errors.length) result.error += ` [${errors.join("; ")}]`;
    }
    sample();
  } finally {
    clearInterval(sampler);
    await browser.close().catch(() => {});
  }
  result.rendererPeakMb = Math.max(peakRss, peakHwm) * 1024 / 1e6;
  result.rendererPeakSampledMb = peakRss * 1024 / 1e6;
  return result;
}

// --- main -----------------------------------------------------------------------------------
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const ua = await (async () => { const b = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS }); const v = b.version(); await b.close(); return v; })();
const duckVersion = JSON.parse(readFileSync(join(ROOT, "node_modules/@duckdb/duckdb-wasm/package.json"), "utf8")).version;
mkdirSync(OUT, { recursive: true });
const all = [];
const md = [`Chromium ${ua} headless, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}; DuckDB-WASM ${duckVersion} (eh bundle, 1 thread); medians of ${RUNS} interleaved pairs, one fresh browser per run.`, "",
  "| rows (file) | cohortlens: file chosen → Report (phases) | + start-up | DuckDB-WASM incl. start-up (run + start-up) | ratio DuckDB incl. start-up / cohortlens (median of pairs) | same, both incl. start-up | renderer peak cohortlens / DuckDB |",
  "|---|---|---:|---|---:|---:|---|"];
for (const rows of ROWS) {
  const file = join(OUT, `orders_${rows}.csv`);
  if (!existsSync(file)) {
    console.error(`== generating ${file}`);
    execFileSync("cargo", ["run", "--quiet", "--release", "--example", "gen_orders", "--", String(rows), "--seed", "42", "--out", file], { stdio: "inherit", cwd: ROOT });
  }
  const mb = statSync(file).size / 1e6;
  execFileSync("cat", [file], { stdio: ["ignore", "ignore", "inherit"] }); // into the page cache, for both alike
  console.error(`== ${rows} rows, ${f(mb, 1)} MB: ${RUNS} pairs (${ENGINES.join(", ")}), load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 ? [...ENGINES].reverse() : ENGINES;
    const pair = {};
    for (const engine of order) {
      const r = await runOnce(engine, file);
      r.rows = rows; r.pair = i;
      pair[engine] = r;
      runs.push(r);
      all.push(r);
      const ph = r.phases ? Object.entries(r.phases).map(([k, v]) => `${k} ${f(v)}`).join(", ") : "";
      const t = r.extra?.timings ? ` | Analyzer.timings ${Object.entries(r.extra.timings).map(([k, v]) => `${k} ${f(v)}`).join(", ")}` : "";
      const chk = r.check ? ` | customers ${r.check.customers_total}, buyers ${r.check.buyers}` : r.extra?.customers != null ? ` | buyers ${r.extra.customers}, non-buyers ${r.extra.non_buyers}, rows ${r.extra.rows}` : "";
      console.error(r.error
        ? `  pair ${i + 1} ${engine}: FAILED after start-up ${f(r.init_s)} s: ${r.error}; renderer peak ${f(r.rendererPeakMb, 0)} MB`
        : `  pair ${i + 1} ${engine}: ${f(r.run_s)} s (+ start-up ${f(r.init_s)} s) [${ph}]${t}${chk}; renderer peak ${f(r.rendererPeakMb, 0)} MB`);
    }
    const c = pair.cohortlens, d = pair["duckdb-wasm"];
    if (c && d && !c.error && !d.error) {
      c.ratio = (d.run_s + d.init_s) / c.run_s;
      c.ratioBothStartup = (d.run_s + d.init_s) / (c.run_s + c.init_s);
      c.ratioRunOnly = d.run_s / c.run_s;
    }
  }
  const of = (e) => runs.filter((r) => r.engine === e);
  const ok = (e) => of(e).filter((r) => !r.error);
  const med = (e, k) => median(ok(e).map(k));
  const cl = ok("cohortlens"), dk = ok("duckdb-wasm");
  const clPh = cl.length ? Object.keys(cl[0].phases).map((k) => `${k} ${f(med("cohortlens", (r) => r.phases[k]))}`).join(", ") : "";
  const clT = cl.length && cl[0].extra?.timings ? Object.keys(cl[0].extra.timings).map((k) => `${k} ${f(med("cohortlens", (r) => r.extra.timings[k]))}`).join(", ") : "";
  const dkPh = dk.length ? Object.keys(dk[0].phases).map((k) => `${k} ${f(med("duckdb-wasm", (r) => r.phases[k]))}`).join(", ") : "";
  const fails = (e) => of(e).length - ok(e).length;
  const clCell = cl.length ? `**${f(med("cohortlens", (r) => r.run_s))} s** (${clPh}; Analyzer.timings: ${clT})` : "";
  const clFail = fails("cohortlens") ? ` fails ${fails("cohortlens")}/${of("cohortlens").length}: ${[...new Set(of("cohortlens").filter((r) => r.error).map((r) => r.error))].join(" / ")}` : "";
  const dkFail = fails("duckdb-wasm") ? ` fails ${fails("duckdb-wasm")}/${of("duckdb-wasm").length}: ${[...new Set(of("duckdb-wasm").filter((r) => r.error).map((r) => r.error))].join(" / ")}` : "";
  const dkCell = dk.length ? `**${f(med("duckdb-wasm", (r) => r.run_s + r.init_s))} s** (${f(med("duckdb-wasm", (r) => r.run_s))} + ${f(med("duckdb-wasm", (r) => r.init_s))}; ${dkPh})` : "";
  const ratio = median(cl.map((r) => r.ratio));
  const ratio2 = median(cl.map((r) => r.ratioBothStartup));
  const peak = (e) => (of(e).length ? `${f(median(of(e).map((r) => r.rendererPeakMb)), 0)}` : "–");
  const line = `| ${rows.toLocaleString("en")} (${f(mb, 0)} MB) | ${clCell}${clFail} | ${cl.length ? f(med("cohortlens", (r) => r.init_s)) + " s" : "–"} | ${dkCell}${dkFail} | ${Number.isFinite(ratio) ? `**${f(ratio)}×**` : "–"} | ${Number.isFinite(ratio2) ? `${f(ratio2)}×` : "–"} | ${peak("cohortlens")} / ${peak("duckdb-wasm")} MB |`;
  md.push(line);
  console.error(line);
}
md.push("", `Renderer peak: the largest VmRSS (sampled every 50 ms from /proc) or VmHWM of the browser's --type=renderer processes (i.e. the page's renderer, its workers included); a crashed renderer's VmHWM is lost, so its figure is the last sample. Failed runs count in the peak median.`);
writeFileSync(join(OUT, `compare_${ROWS.join("_")}.json`), JSON.stringify(all, null, 1));
writeFileSync(join(OUT, `compare_${ROWS.join("_")}.md`), md.join("\n") + "\n");
console.log(md.join("\n"));
server.close();
