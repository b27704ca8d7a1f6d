// The README's ```html embed snippet, as written: put into a copy of the built site (the package
// is at /pkg/ there, not /node_modules/cohortlens/), with tiny.csv as the file it names, and
// served with the site's strict CSP. The element must load the file and render its report.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../../scripts/serve.mjs";
import { start, openPage, check, waitForResults, golden, uiFormat, ROOT, SITE } from "./harness.mjs";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const snippet = readme.match(/```html\n([\s\S]*?)```/)?.[1];

let env, dir, server, site;
before(async () => {
  env = await start();
  dir = mkdtempSync(join(tmpdir(), "cohortlens-readme-"));
  cpSync(SITE, dir, { recursive: true });
  server = await serve(dir, 0);
  site = { browser: env.browser, base: `http://127.0.0.1:${server.address().port}` };
});
after(async () => {
  if (server) await new Promise((done) => server.close(done));
  await env?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("README html snippet: renders the report of the file it names, under the site's CSP", async () => {
  assert.ok(snippet, "README.md has no ```html block");
  assert.match(snippet, /\/node_modules\/cohortlens\/element\.js/, "snippet loads the element from the package");
  const src = snippet.match(/<cohort-lens\b[^>]*\bsrc="([^"]+)"/)?.[1];
  assert.ok(src?.startsWith("/"), "snippet's <cohort-lens> names a same-origin src");
  const lang = snippet.match(/<cohort-lens\b[^>]*\blang="([^"]+)"/)?.[1] ?? "en";

  const tiny = golden("tiny");
  cpSync(tiny.file, join(dir, src));
  const html = snippet.replaceAll("/node_modules/cohortlens/", "/pkg/");
  writeFileSync(join(dir, "readme.html"), `<!doctype html>\n<meta charset="utf-8">\n<title>README snippet</title>\n<link rel="icon" href="icon.svg" type="image/svg+xml">\n${html}`);

  const page = await openPage(site, "/readme.html");
  try {
    const [result] = await waitForResults(page, 1);
    assert.equal(result.type, "cohort-lens-report", `expected a report, got ${JSON.stringify(result.detail)}`);
    // The element matches refunds (its "page" preset, docs/refunds.md): tiny's c07 has its only
    // purchase reversed, one buyer fewer than the engine-default golden.
    const buyers = tiny.report.summary.customers - 1;
    assert.equal(result.detail.summary.customers, buyers);

    const kpi = await page.evaluate(() => {
      const k = document.querySelector("cohort-lens").shadowRoot.querySelector("#panel-kpis [data-kpi=customers]");
      return k && { value: k.dataset.value, text: k.querySelector(".value").textContent };
    });
    assert.deepEqual(kpi, { value: String(buyers), text: uiFormat(lang).int(buyers) });

    // The page and the file it names are this test's own; everything else must be the site's.
    const own = new Set([`${site.base}/readme.html`, `${site.base}${src}`]);
    assert.ok(page.log.requests.includes(`${site.base}${src}`), `the element fetched ${src}`);
    check({ log: { errors: page.log.errors, requests: page.log.requests.filter((u) => !own.has(u)) } }, site);
  } finally {
    await page.close();
  }
});
