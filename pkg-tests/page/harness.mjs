// Shared set-up of the page tests: one Chromium (Debian's, driven by playwright-core) and one
// static server over the built site (target/site, or $COHORTLENS_SITE). Every page opened with
// openPage() records console errors, page errors and requests; check(page) asserts that none
// of them happened and that every request stayed on the page's own static files.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { serve } from "../../scripts/serve.mjs";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SITE = resolve(ROOT, process.env.COHORTLENS_SITE ?? "target/site");
export const GOLDEN = join(ROOT, "examples/data/golden");
export const SHOTS = join(ROOT, "target/screenshots");

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Paths the site may load: the shell, the package, the samples. Nothing else, ever. */
const ALLOWED = /^\/(|index\.html|app\.js|styles\.css|icon\.svg|lock\.svg|embed\.html|embed\.css|sw\.js|precache\.json|manifest\.webmanifest|pkg\/(?:element\/(?:panels\/)?)?[\w.-]+|sample\/[\w.-]+)$/;

export async function start() {
  assert.ok(existsSync(join(SITE, "index.html")), `no site at ${SITE}: run \`make site\` first`);
  assert.ok(existsSync(join(SITE, "pkg/element.js")), `no pkg/element.js in ${SITE}`);
  mkdirSync(SHOTS, { recursive: true });
  const server = await serve(SITE, 0);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    browser,
    async stop() {
      await browser.close();
      await new Promise((done) => server.close(done));
    },
  };
}

/**
 * A fresh context and page (locale sets navigator.language). Records console errors, page
 * errors, CSP violations and every request; events of the element are kept in window.__events.
 */
export async function openPage(env, path = "/?sample=0", { locale = "en-US", width = 1280, height = 900, serviceWorkers = "block", colorScheme = "light" } = {}) {
  // The page's service worker only where a test asks for it (offline use): elsewhere it would
  // fetch the whole site again for every page opened.
  const context = await env.browser.newContext({ locale, viewport: { width, height }, acceptDownloads: true, serviceWorkers, colorScheme });
  const page = await context.newPage();
  const log = { errors: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() === "error") log.errors.push(`console: ${m.text()}`);
    if (m.type() === "warning" && m.text().startsWith("cohort-lens:")) log.errors.push(`warning: ${m.text()}`);
  });
  page.on("pageerror", (e) => log.errors.push(`pageerror: ${e.message}`));
  page.on("request", (r) => log.requests.push(r.url()));
  await page.addInitScript(() => {
    window.__events = [];
    // Every message the page posts to a worker (its type), to check what the element asks for.
    window.__workerCalls = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (data, ...rest) {
      window.__workerCalls.push({ type: data?.type ?? null, at: performance.now() });
      return post.call(this, data, ...rest);
    };
    for (const type of ["cohort-lens-progress", "cohort-lens-report", "cohort-lens-error"]) {
      document.addEventListener(type, (e) => window.__events.push({ type, detail: e.detail, at: performance.now() }));
    }
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(env.base + path);
  page.log = log;
  page.close = ((close) => async () => { await close.call(page); await context.close(); })(page.close);
  return page;
}

/** No console or page errors, and every request went to the site's own static files. */
export function check(page, env, { allowErrors = false } = {}) {
  if (!allowErrors) assert.deepEqual(page.log.errors, [], "console/page errors");
  for (const url of page.log.requests) {
    if (url.startsWith("blob:") || url.startsWith("data:")) continue;
    const u = new URL(url);
    assert.equal(u.origin, env.base, `request left the page's origin: ${url}`);
    assert.match(u.pathname, ALLOWED, `request for something other than the site's static files: ${url}`);
  }
}

/** Waits until the element has emitted `n` report or error events in total; returns them. */
export async function waitForResults(page, n = 1, timeout = 30_000) {
  await page.waitForFunction((n) => window.__events.filter((e) => e.type !== "cohort-lens-progress").length >= n, n, { timeout });
  // Let the element finish rendering the panels of that result (drawn a panel a task, and a
  // long table over a few frames, aria-busy meanwhile).
  await page.waitForFunction(() => [...document.querySelectorAll("cohort-lens")].every((el) => !el.shadowRoot?.querySelector("[aria-busy]")), null, { timeout });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  // As JSON text: a Report is plain JSON, and Playwright's own serialisation of a few MB of
  // objects takes about ten times as long.
  return JSON.parse(await page.evaluate(() => JSON.stringify(window.__events.filter((e) => e.type !== "cohort-lens-progress"))));
}

export function golden(name) {
  const file = readdirSync(GOLDEN).find((f) => f.startsWith(`${name}.`) && !f.endsWith(".json"));
  return {
    name,
    file: join(GOLDEN, file),
    options: JSON.parse(readFileSync(join(GOLDEN, `${name}.options.json`), "utf8")),
    report: JSON.parse(readFileSync(join(GOLDEN, `${name}.report.json`), "utf8")),
  };
}

/** Sets the element's options (no run starts while it has no input). */
export async function setOptions(page, options) {
  await page.evaluate((o) => { document.querySelector("cohort-lens").options = o; }, options);
}

/** Delivers a file as a real drop: dragenter, dragover and drop with a DataTransfer holding it. */
export async function dropFile(page, path, name = path.split("/").pop(), target = "body") {
  const b64 = readFileSync(path).toString("base64");
  await page.evaluate(([b64, name, target]) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: "text/csv" }));
    const el = document.querySelector(target);
    for (const type of ["dragenter", "dragover", "drop"]) {
      el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true, composed: true }));
    }
  }, [b64, name, target]);
}

/** Chooses a file with the page's file picker. */
export async function pickFile(page, path) {
  await page.setInputFiles("#file", path);
}

/** Makes the sticky section nav static, so element screenshots are not overlapped by it. */
export async function unstickNav(page) {
  await page.evaluate(() => {
    const nav = document.querySelector("cohort-lens")?.shadowRoot?.querySelector("nav");
    if (nav) nav.style.position = "static";
  });
}

/** Equal within a relative 1e-9 (the golden reports' float tolerance), null only to null. */
export function close(actual, expected, what) {
  if (expected == null) return assert.ok(actual == null, `${what}: expected null, got ${actual}`);
  assert.ok(actual != null, `${what}: expected ${expected}, got null`);
  const tol = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual}`);
}

/** The formatters of the UI, rebuilt in Node with the same Intl options. */
export function uiFormat(lang = "en") {
  const loc = lang === "zh" ? "zh-CN" : "en-US";
  const make = (o) => { const nf = new Intl.NumberFormat(loc, o); return (v) => (v == null ? "" : nf.format(v)); };
  return {
    int: make({ maximumFractionDigits: 0 }),
    pct: make({ style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    dec2: make({ minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    money: make({ minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  };
}
