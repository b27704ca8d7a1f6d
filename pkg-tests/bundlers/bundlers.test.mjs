// The package as a front-end developer gets it: `npm pack` of pkg/, installed into a tiny app
// (app/: `analyze()` and `<cohort-lens>`), built with each bundler exactly as the README's
// "Install and bundle" section says (the per-bundler line is read from the README), run in
// headless Chromium. Both the API on the page's thread and the element (in its worker) must
// give the golden Report of one fixture, with no failed request and no console error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as netServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";
import { compare, comparable } from "../node/compare.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const WORK = join(HERE, "work");
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const FIXTURE = "tiny";
const GOLDEN = join(ROOT, "examples/data/golden");

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const section = readme.split(/^## /m).find((s) => s.startsWith("Install and bundle")) ?? "";
/** The README's one line for a bundler: its table row `| name | \`line\` |` (null for "nothing …"). */
function readmeStep(name) {
  const row = section.split("\n").find((l) => l.startsWith(`| ${name} |`));
  assert.ok(row, `README "Install and bundle" has no row for ${name}`);
  const cell = row.split("|")[2].trim();
  if (cell.startsWith("nothing")) return null;
  const code = cell.match(/^`([^`]+)`/);
  assert.ok(code, `README ${name} step is "nothing …" or one \`line\`: ${cell}`);
  return code[1];
}
/** The README's Content-Security-Policy line (the policy the built apps are served with). */
const CSP = readme.match(/^Content-Security-Policy: (.+)$/m)?.[1];

let browser;
before(() => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const tarball = execFileSync("npm", ["pack", process.env.COHORTLENS_PKG ?? join(ROOT, "pkg"), "--pack-destination", WORK, "--silent"], { encoding: "utf8" }).trim().split("\n").pop();
  writeFileSync(join(WORK, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", join(WORK, tarball)], { cwd: WORK });
});
before(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });
});
after(async () => { await browser?.close(); });

/** A fresh copy of the app (WORK/<name>/); the package resolves from WORK/node_modules. */
function app(name) {
  const dir = join(WORK, name);
  cpSync(join(HERE, "app"), dir, { recursive: true });
  return dir;
}

/** Serves a built app's folder with the README's CSP; returns { base, close }. */
async function serveDist(dist) {
  assert.ok(CSP, "README has no `Content-Security-Policy: …` line");
  cpSync(join(HERE, "app/favicon.ico"), join(dist, "favicon.ico"));
  const server = await serve(dist, 0, { csp: CSP });
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((done) => server.close(done)) };
}

function freePort() {
  return new Promise((done) => {
    const s = netServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => done(port)); });
  });
}

const fixture = {
  bytes: readFileSync(join(GOLDEN, `${FIXTURE}.csv`)),
  // The golden Report assumes the engine's default for every option it does not name; the
  // element's "page" preset turns refund matching on (docs/refunds.md), so say it is off.
  options: { matchRefunds: false, ...JSON.parse(readFileSync(join(GOLDEN, `${FIXTURE}.options.json`), "utf8")) },
  report: JSON.parse(readFileSync(join(GOLDEN, `${FIXTURE}.report.json`), "utf8")),
};

/** Opens the app, runs analyze() and the element on the fixture, checks both against the golden. */
async function checkApp(url) {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 30_000 });
    const out = JSON.parse(await page.evaluate(async ([b64, options]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      let api;
      try {
        api = { report: await window.cohortlensApp.analyze(bytes, options) };
      } catch (e) {
        api = { error: { message: e.message, code: e.code ?? null } };
      }
      const element = await window.cohortlensApp.element(bytes, options);
      return JSON.stringify({ api, element });
    }, [fixture.bytes.toString("base64"), fixture.options]));
    assert.ok(out.api.report, `analyze() failed: ${JSON.stringify(out.api.error)}`);
    assert.deepEqual(compare(comparable(out.api.report), comparable(fixture.report)), [], "analyze() report");
    assert.equal(out.element.type, "cohort-lens-report", `the element failed: ${JSON.stringify(out.element.detail)}`);
    assert.deepEqual(compare(comparable(out.element.detail), comparable(fixture.report)), [], "element report");
    // The element rendered it (its KPI shows the golden customer count).
    const customers = await page.evaluate(() => document.querySelector("cohort-lens").shadowRoot.querySelector("#panel-kpis [data-kpi=customers]")?.dataset.value);
    assert.equal(customers, String(fixture.report.summary.customers));
    assert.deepEqual(problems, [], "failed requests or console errors");
  } finally {
    await context.close();
  }
}

/** Evaluates a README config line (an object literal or `key: value` pairs) in the app's folder. */
async function configFrom(line, dir) {
  if (!line) return {};
  const file = join(dir, "readme-config.mjs");
  // The imports the README's Rollup line names (its section shows them above the table).
  const imports = [
    /\bnodeResolve\(/.test(line) ? 'import { nodeResolve } from "@rollup/plugin-node-resolve";' : "",
    /\bcohortlens\(/.test(line) ? 'import cohortlens from "cohortlens/rollup";' : "",
  ].join("\n");
  writeFileSync(file, `${imports}\nexport default { ${line} };\n`);
  return (await import(file)).default;
}

test("Vite: production build", async () => {
  const { build } = await import("vite");
  const dir = app("vite-build");
  const extra = await configFrom(readmeStep("Vite"), dir);
  await build({ root: dir, configFile: false, logLevel: "error", ...extra, build: { outDir: "dist", ...extra.build } });
  const site = await serveDist(join(dir, "dist"));
  try { await checkApp(`${site.base}/`); } finally { await site.close(); }
});

test("Vite: dev server", async () => {
  const { createServer } = await import("vite");
  const dir = app("vite-dev");
  const extra = await configFrom(readmeStep("Vite"), dir);
  const port = await freePort();
  const server = await createServer({ root: dir, configFile: false, logLevel: "error", ...extra, server: { host: "127.0.0.1", port, strictPort: true, hmr: false } });
  await server.listen();
  try { await checkApp(`http://127.0.0.1:${port}/`); } finally { await server.close(); }
});

test("webpack 5", async () => {
  const webpack = (await import("webpack")).default;
  const dir = app("webpack");
  const extra = await configFrom(readmeStep("webpack"), dir);
  const stats = await new Promise((done, fail) => webpack({
    mode: "production", context: dir, entry: "./main.js", output: { path: join(dir, "dist"), filename: "main.js" }, ...extra,
  }).run((err, stats) => (err ? fail(err) : done(stats))));
  assert.ok(!stats.hasErrors(), stats.toString("errors-only"));
  cpSync(join(dir, "index.html"), join(dir, "dist/index.html"));
  const site = await serveDist(join(dir, "dist"));
  try { await checkApp(`${site.base}/`); } finally { await site.close(); }
});

test("esbuild", async () => {
  const dir = app("esbuild");
  // The README's command line, run as written (from the app's folder).
  const line = readmeStep("esbuild");
  assert.ok(line?.startsWith("npx esbuild "), `README esbuild line: ${line}`);
  const bin = join(HERE, "node_modules/.bin/esbuild");
  execFileSync("bash", ["-c", `${line.replace(/^npx esbuild/, JSON.stringify(bin))} --log-level=warning`], { cwd: dir, stdio: "inherit" });
  cpSync(join(dir, "index.html"), join(dir, "dist/index.html"));
  const site = await serveDist(join(dir, "dist"));
  try { await checkApp(`${site.base}/`); } finally { await site.close(); }
});

test("Rollup", async () => {
  const { rollup } = await import("rollup");
  const { nodeResolve } = await import("@rollup/plugin-node-resolve");
  const dir = app("rollup");
  const extra = await configFrom(readmeStep("Rollup"), dir);
  const bundle = await rollup({ input: join(dir, "main.js"), plugins: [nodeResolve()], ...extra });
  await bundle.write({ dir: join(dir, "dist"), format: "es", ...extra.output });
  await bundle.close();
  cpSync(join(dir, "index.html"), join(dir, "dist/index.html"));
  const site = await serveDist(join(dir, "dist"));
  try { await checkApp(`${site.base}/`); } finally { await site.close(); }
});
