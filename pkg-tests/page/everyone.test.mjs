// The page for everyone (issue 14): axe-core finds no serious or critical violation on the
// rendered report (document and the element's shadow root; en, zh, dark); the keyboard reaches
// every heat cell's details and never loses its focus ring under the sticky nav; the report
// prints whole to an A4 PDF; a phone shows every chart's text inside its chart without
// horizontal scrolling; after one visit the page analyses a file with the network off.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, openPage, check, waitForResults, golden, dropFile, uiFormat, SHOTS, ROOT } from "./harness.mjs";

const AXE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const LOCALE = { en: "en-US", zh: "zh-CN" };

let env;
let tmp;
before(async () => {
  env = await start();
  tmp = mkdtempSync(join(tmpdir(), "cohortlens-everyone-"));
});
after(async () => { await env?.stop(); });

const lens = (page, css) => page.locator(`cohort-lens ${css}`);

/** The serious and critical axe violations of the page as it is (shadow DOM included). */
async function axeViolations(page) {
  // Evaluated through the DevTools protocol: the page's CSP allows no injected <script>.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const { violations } = await window.axe.run(document, { resultTypes: ["violations"] });
    return violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} — ${n.failureSummary.replace(/\s+/g, " ")}`).join(" | ")}`);
  });
}

for (const [lang, colorScheme] of [["en", "light"], ["zh", "light"], ["en", "dark"]]) {
  test(`axe-core: no serious or critical violation on the sample report (${lang}, ${colorScheme})`, async () => {
    const page = await openPage(env, `/?lang=${lang}`, { locale: LOCALE[lang], colorScheme });
    try {
      await waitForResults(page, 1, 60_000);
      // The heat cells really are coloured (a contrast check of blank cells would prove nothing).
      const fills = await lens(page, "table[data-table=cohorts] td.c:not(.null)").evaluateAll((tds) => new Set(tds.map((td) => getComputedStyle(td).backgroundColor)).size);
      assert.ok(fills > 20, `heat fills: ${fills}`);
      assert.deepEqual(await axeViolations(page), []);
      check(page, env);
    } finally {
      await page.close();
    }
  });
}

test("axe-core: the empty page (before a file) has no serious or critical violation", async () => {
  const page = await openPage(env, "/?sample=0");
  try {
    await lens(page, ".empty").waitFor();
    assert.deepEqual(await axeViolations(page), []);
    check(page, env);
  } finally {
    await page.close();
  }
});

/** What has focus (through shadow roots), its box, its focus ring and the sticky nav's bottom. */
function focused(page) {
  return page.evaluate(async () => {
    // As the user sees it once the page has scrolled.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    const nav = document.querySelector("cohort-lens").shadowRoot.querySelector("nav");
    return {
      what: `${el.tagName.toLowerCase()}${el.type ? `[${el.type}]` : ""}${el.id ? `#${el.id}` : ""}${el.className ? `.${String(el.className).split(" ").join(".")}` : ""} “${(el.textContent ?? "").trim().slice(0, 30)}”`,
      type: el.getAttribute("type"),
      inNav: Boolean(nav?.contains(el)),
      top: r.top,
      bottom: r.bottom,
      ring: (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== "none",
      navTop: nav ? nav.getBoundingClientRect().top : 0,
      navBottom: nav ? nav.getBoundingClientRect().bottom : 0,
      viewport: innerHeight,
    };
  });
}

test("keyboard: every tab stop shows its focus and stays clear of the sticky nav; the heat grid and the nav chips", async () => {
  const page = await openPage(env, "/", { height: 760 });
  try {
    const [result] = await waitForResults(page, 1, 60_000);
    const stops = [];
    // Forward through the whole page, then back: Shift+Tab is where focus used to hide under the nav.
    for (const key of ["Tab", "Shift+Tab"]) {
      let first = null;
      for (let i = 0; i < 400; i++) {
        await page.keyboard.press(key);
        const f = await focused(page);
        // Past the last stop focus leaves the page (body) or wraps round to the first.
        if (f.what === first || f.what.startsWith("body")) break;
        first ??= f.what;
        stops.push({ key, ...f });
        assert.notEqual(f.type, "file", `${key} stopped on the hidden file input`);
        assert.ok(f.ring, `${key}: no focus ring on ${f.what}`);
        assert.ok(f.bottom > 0 && f.top < f.viewport, `${key}: ${f.what} is out of view (${f.top}–${f.bottom})`);
        if (!f.inNav) assert.ok(f.bottom <= f.navTop + 1 || f.top >= f.navBottom - 1, `${key}: ${f.what} (${f.top}–${f.bottom}) is under the sticky nav (${f.navTop}–${f.navBottom})`);
      }
    }
    assert.ok(stops.length > 40, `tab stops: ${stops.length}`);
    // The whole heatmap is one tab stop.
    assert.equal(stops.filter((s) => s.key === "Tab" && s.what.startsWith("td.c")).length, 1);

    // The heat grid: arrows move the one focusable cell; the details line follows it.
    const co = result.detail.cohorts;
    const f = uiFormat("en");
    const cell = lens(page, "table[data-table=cohorts] td.c[tabindex='0']");
    await cell.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    const at = await lens(page, "table[data-table=cohorts] td.c[tabindex='0']").evaluate((td) => ({ cohort: td.parentElement.dataset.cohort, k: Number(td.dataset.k), focused: td.getRootNode().activeElement === td }));
    assert.deepEqual(at, { cohort: co.rows[1].cohort, k: 1, focused: true });
    assert.equal(await lens(page, "table[data-table=cohorts] td.c[tabindex]").count(), 1);
    const c = co.rows[1].cells[1];
    assert.match(await lens(page, "#panel-cohorts .cell-details").textContent(),
      new RegExp(`^${co.rows[1].cohort} · .*: Retention ${f.pct(c.retention).replace(".", "\\.")} \\(${f.int(c.active)} / ${f.int(c.eligible)}\\)`));
    await page.keyboard.press("End");
    assert.equal(await lens(page, "table[data-table=cohorts] td.c[tabindex='0']").getAttribute("data-k"), String(Math.min(110, Math.max(...co.rows.map((r) => r.cells.length))) - 1));
    // A tap (a click) on another cell shows its details too.
    const other = co.rows.at(-1);
    await lens(page, `table[data-table=cohorts] tr[data-cohort="${other.cohort}"] td.c[data-k="0"]`).click();
    assert.match(await lens(page, "#panel-cohorts .cell-details").textContent(), new RegExp(`^${other.cohort} · `));
    // The RFM grid's details line follows focus too (the pointer out of the way: it shows what
    // the pointer is over as well).
    await page.mouse.move(0, 0);
    await lens(page, "table[data-table=rfm-grid] td[data-r='5'][data-f='1'] button").focus();
    assert.match(await lens(page, "#panel-rfm .cell-details").textContent(), /^R5 F1: /);

    // A nav chip moves focus to its section's heading.
    const rfmChip = lens(page, "nav button").filter({ hasText: /^RFM/ });
    await rfmChip.first().click();
    await page.waitForFunction(() => document.querySelector("cohort-lens").shadowRoot.activeElement?.id === "h-rfm");
    check(page, env);
  } finally {
    await page.close();
  }
});

for (const lang of ["en", "zh"]) {
  test(`a phone (390×844): no horizontal overflow, every chart's text inside its chart, room for the heatmap's data (${lang})`, async () => {
    const page = await openPage(env, `/?lang=${lang}`, { locale: LOCALE[lang], width: 390, height: 844 });
    try {
      await waitForResults(page, 1, 60_000);
      const doc = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.ok(doc.scroll <= doc.client, `the page scrolls sideways: ${doc.scroll} > ${doc.client}`);
      const outside = await page.evaluate(() => {
        const root = document.querySelector("cohort-lens").shadowRoot;
        const out = [];
        for (const svg of root.querySelectorAll("figure svg")) {
          const box = svg.getBoundingClientRect();
          for (const text of svg.querySelectorAll("text")) {
            const r = text.getBoundingClientRect();
            if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)) {
              out.push(`${svg.closest("figure").dataset.chart}: “${text.textContent}”`);
            }
          }
        }
        return out;
      });
      assert.deepEqual(outside, []);
      // RFM cell labels stay in their cells.
      const spill = await lens(page, "table[data-table=rfm-grid] td.cell").evaluateAll((tds) => tds.filter((td) => td.scrollWidth > td.clientWidth + 1).map((td) => td.textContent));
      assert.deepEqual(spill, []);
      // At least three periods show beside the cohort labels.
      const room = await lens(page, "#panel-cohorts .table-wrap").evaluate((wrap) => {
        const label = wrap.querySelector("tbody th").getBoundingClientRect().width;
        const cell = wrap.querySelector("td.c").getBoundingClientRect().width;
        return (wrap.clientWidth - label) / cell;
      });
      assert.ok(room >= 3, `data columns beside the labels: ${room.toFixed(1)}`);
      await page.screenshot({ path: join(SHOTS, `phone-${lang}.png`), fullPage: true });
      check(page, env);
    } finally {
      await page.close();
    }
  });
}

test("print: A4 landscape, controls hidden, every cohort row whole in the PDF, a sane page count", async () => {
  const page = await openPage(env, "/");
  try {
    const [result] = await waitForResults(page, 1, 60_000);
    const co = result.detail.cohorts;
    const f = uiFormat("en");
    // The printed layout at the width of the page's landscape A4 (297 mm less 10 mm margins, at
    // 96 px per inch).
    await page.setViewportSize({ width: 1047, height: 700 });
    await page.emulateMedia({ media: "print" });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const layout = await page.evaluate(() => {
      const root = document.querySelector("cohort-lens").shadowRoot;
      const shown = (el) => el && el.getBoundingClientRect().height > 0;
      const heat = root.querySelector("table[data-table=cohorts]").getBoundingClientRect();
      return {
        controls: [...root.querySelectorAll("nav, .controls, .dl, select")].filter(shown).length + [...document.querySelectorAll("header .actions, .hint")].filter(shown).length,
        head: root.querySelector(".print-head")?.innerText ?? "",
        heatRight: heat.right,
        widest: Math.max(...[...root.querySelectorAll("figure svg")].map((s) => s.getBoundingClientRect().right)),
        page: document.documentElement.clientWidth,
      };
    });
    assert.equal(layout.controls, 0, "controls are hidden in print");
    assert.ok(layout.heatRight <= layout.page, `the heatmap is wider than the page: ${layout.heatRight} > ${layout.page}`);
    assert.ok(layout.widest <= layout.page, `a chart is wider than the page: ${layout.widest}`);
    assert.match(layout.head, /sample-orders\.csv|orders\.csv/);
    assert.match(layout.head, new RegExp(`Orders from ${result.detail.summary.firstOrder.slice(0, 10)}`));

    const pdf = join(tmp, "report.pdf");
    writeFileSync(pdf, await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true }));
    const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
    assert.match(info, /Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)/, "A4 landscape (the page's @page size)");
    const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
    assert.ok(pages >= 4 && pages <= 30, `pages: ${pages}`);
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(text.split("\f").length - 1, pages);
    // Page 1 names the file and the dates.
    assert.match(text.split("\f")[0], /orders\.csv[\s\S]*Orders from/);
    // Every cohort row, whole: its label, size, first and last value on one line.
    const lines = text.split("\n");
    for (const row of co.rows) {
      const values = row.cells.filter(Boolean).map((c) => f.pct(c.retention));
      const line = lines.find((l) => new RegExp(`^\\s*${row.cohort}\\s+${f.int(row.size).replace(",", "\\,")}\\s`).test(l));
      assert.ok(line, `cohort ${row.cohort} is not in the PDF`);
      const cells = line.trim().split(/\s+/).slice(2);
      assert.deepEqual(cells.filter((c) => c !== "*").map((c) => c.replace(/\*$/, "")), values, `cohort ${row.cohort}: the row is not whole`);
    }
    // Pictures of the first pages, to look at.
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "4", pdf, join(SHOTS, "print")]);
    check(page, env);
  } finally {
    await page.close();
  }
});

test("offline: after one visit the page says so, and with the network off it reloads and analyses a file", async () => {
  const g = golden("tiny");
  const page = await openPage(env, "/?sample=0", { serviceWorkers: "allow" });
  try {
    await page.locator("#offline").waitFor({ state: "visible", timeout: 60_000 });
    assert.equal(await page.locator("#offline").textContent(), " Ready offline: you can disconnect and keep working.");
    // An app manifest that Chromium reads without error (installability itself is not checked
    // in a test's private context, where Chromium never offers to install).
    const cdp = await page.context().newCDPSession(page);
    const manifest = await cdp.send("Page.getAppManifest");
    assert.match(manifest.url, /\/manifest\.webmanifest$/);
    assert.deepEqual(manifest.errors, []);
    assert.equal(JSON.parse(manifest.data).display, "standalone");
    await page.context().setOffline(true);
    await page.reload();
    await lens(page, ".empty").waitFor();
    await dropFile(page, g.file);
    const [r] = await waitForResults(page, 1, 60_000);
    assert.equal(r.type, "cohort-lens-report");
    assert.equal(r.detail.summary.orders, g.report.summary.orders);
    await lens(page, "#panel-kpis").waitFor();
    assert.equal(await page.locator("#offline").isVisible(), true);
    check(page, env);
  } finally {
    await page.close();
  }
});
