// The README's minimal Content-Security-Policy, exactly: the demo page and the embed example are
// served with it as a header on every response (a page's <meta> policy does not reach its module
// worker, which takes the policy of its own response) and with their own <meta> policies removed,
// so nothing else applies. Everything must work, the PNG export of a chart included.
// Then plain `default-src 'self'` (no 'wasm-unsafe-eval'): the failure must be clean — a real
// Error with code CspBlocked, in the page's language, naming the directive to add, and the
// element must not offer the column-mapping panel.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../../scripts/serve.mjs";
import { start, openPage, check, waitForResults, ROOT, SITE } from "./harness.mjs";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const MINIMAL = readme.match(/^Content-Security-Policy: (.+)$/m)?.[1];

let env, dir;
const servers = [];
before(async () => {
  env = await start();
  dir = mkdtempSync(join(tmpdir(), "cohortlens-csp-"));
  cpSync(SITE, dir, { recursive: true });
  for (const page of ["index.html", "embed.html"]) {
    const file = join(dir, page);
    const html = readFileSync(file, "utf8");
    const stripped = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n?/i, "");
    assert.notEqual(stripped, html, `${page} had a <meta> CSP to remove`);
    writeFileSync(file, stripped);
  }
});
after(async () => {
  for (const s of servers) await new Promise((done) => s.close(done));
  await env?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The site (meta policies removed) served with `csp` as the header of every response. */
async function site(csp) {
  const server = await serve(dir, 0, { csp });
  servers.push(server);
  return { browser: env.browser, base: `http://127.0.0.1:${server.address().port}` };
}

test("the README documents one minimal policy", () => {
  assert.ok(MINIMAL, "README has a `Content-Security-Policy: …` line");
  assert.match(MINIMAL, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(MINIMAL, /unsafe-inline|'unsafe-eval'|\*/);
});

test("under exactly the README's policy: the demo page renders the sample and exports a PNG chart", async () => {
  const s = await site(MINIMAL);
  const page = await openPage(s, "/");
  try {
    const headerCsp = await page.evaluate(async () => (await fetch("/pkg/worker.js")).headers.get("content-security-policy"));
    assert.equal(headerCsp, MINIMAL, "the worker's response carries the policy");
    assert.equal(await page.locator("meta[http-equiv=Content-Security-Policy]").count(), 0);
    const [result] = await waitForResults(page);
    assert.equal(result.type, "cohort-lens-report", JSON.stringify(result.detail).slice(0, 300));
    const [d] = await Promise.all([page.waitForEvent("download"), page.locator("cohort-lens figure[data-chart] [data-download=png]").first().click()]);
    const png = readFileSync(await d.path());
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG");
    // The silent list is the Report's, rendered with it.
    await page.locator("cohort-lens table[data-table=silent-customers]").waitFor();
    check(page, s);
  } finally {
    await page.close();
  }
});

test("under exactly the README's policy: examples/embed.html renders its src", async () => {
  const s = await site(MINIMAL);
  const page = await openPage(s, "/embed.html", { locale: "zh-CN" });
  try {
    const [result] = await waitForResults(page);
    assert.equal(result.type, "cohort-lens-report", JSON.stringify(result.detail).slice(0, 300));
    assert.equal(await page.locator("cohort-lens #panel-kpis [data-kpi=customers]").getAttribute("data-value"), String(result.detail.summary.customers));
    check(page, s);
  } finally {
    await page.close();
  }
});

for (const [lang, locale, words] of [["en", "en-US", /Content-Security-Policy/], ["zh", "zh-CN", /内容安全策略/]]) {
  test(`under default-src 'self' alone: CspBlocked, in ${lang}, naming the directive; no mapping panel`, async () => {
    const s = await site("default-src 'self'");
    const page = await openPage(s, "/", { locale });
    try {
      const [result] = await waitForResults(page);
      assert.equal(result.type, "cohort-lens-error");
      assert.equal(result.detail.code, "CspBlocked");
      assert.match(result.detail.message, words);
      assert.match(result.detail.message, /'wasm-unsafe-eval'/);
      assert.match(result.detail.message, /script-src/);
      const box = page.locator("cohort-lens .error");
      assert.equal(await box.getAttribute("data-code"), "CspBlocked");
      assert.equal(await box.locator(".message .text").textContent(), result.detail.message);
      // No column mapping can fix this: neither the data panel nor its selects are offered.
      assert.equal(await page.locator("cohort-lens #panel-data").count(), 0);
      assert.equal(await page.locator("cohort-lens select[data-role]").count(), 0);

      // The API on the page's own thread: a real Error with the code, in the options' language.
      const api = await page.evaluate(async (locale) => {
        const { analyze } = await import("/pkg/index.js");
        try {
          await analyze("customer_id,order_date\na,2024-01-01\n", { locale });
          return { ok: true };
        } catch (e) {
          return { isError: e instanceof Error, name: e.name, code: e.code, message: e.message };
        }
      }, lang);
      assert.equal(api.isError, true, JSON.stringify(api));
      assert.equal(api.code, "CspBlocked");
      assert.match(api.message, words);
      assert.match(api.message, /script-src/);
      assert.match(api.message, /'wasm-unsafe-eval'/);
      // The violations themselves were reported (nothing else went wrong).
      const other = page.log.errors.filter((e) => !/Content Security Policy|CSP violation|WebAssembly/i.test(e));
      assert.deepEqual(other, []);
    } finally {
      await page.close();
    }
  });
}
