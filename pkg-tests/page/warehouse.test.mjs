// Issue 12 in the element: `.summary` set to the warehouse SQL's committed DuckDB result for tiny
// renders its Report with the warehouse note (en, then zh), values from the summary as text only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { start, openPage, check, waitForResults, golden, ROOT, SITE } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env?.stop(); });

const lens = (page, css) => page.locator(`cohort-lens ${css}`);
const HOSTILE = "<img src=x onerror=window.__pwned=1>";

test("<cohort-lens>.summary renders the Report of a warehouse summary with its note (en, zh)", async () => {
  const tiny = golden("tiny");
  // A silent customer's id (a summary value) made hostile: it must show as text.
  const csv = readFileSync(join(ROOT, "tests/data/warehouse/tiny.summary.csv"), "utf8").replace("silent_list,c04,", `silent_list,${HOSTILE},`);
  const page = await openPage(env, "/?sample=0");
  try {
    await page.evaluate(([options, csv]) => {
      const el = document.querySelector("cohort-lens");
      el.setAttribute("lang", "en");
      el.options = options;
      el.summary = csv;
    }, [tiny.options, csv]);
    const [result] = await waitForResults(page);
    assert.equal(result.type, "cohort-lens-report", JSON.stringify(result.detail).slice(0, 300));
    const report = result.detail;
    assert.equal(report.summary.customers, tiny.report.summary.customers);
    assert.equal(report.cohorts.rows.length, tiny.report.cohorts.rows.length);
    assert.ok(report.warehouse, "the Report says it came from a summary");
    assert.equal(await page.evaluate(() => document.querySelector("cohort-lens").summary != null && document.querySelector("cohort-lens").file === null), true);

    const note = lens(page, "#panel-warehouse");
    assert.equal(await note.count(), 1);
    const text = await note.textContent();
    assert.match(text, /From your warehouse/);
    assert.match(text, /Cohorts/, "exact sections named by their panels' titles");
    assert.ok(text.includes(report.warehouse.approximate.find((g) => g.section === "clv").why), "the engine's reason for CLV");
    for (const id of ["kpis", "cohorts", "funnel"]) assert.equal(await lens(page, `#panel-${id}`).count(), 1, `panel ${id}`);

    // Its settings were fixed by the SQL (the engine refuses others): shown, locked, explained;
    // no filters to add (the SQL takes none).
    assert.equal(await lens(page, "[data-settings-locked]").count(), 1, "the settings say why they are locked");
    const settingControls = lens(page, "details[data-settings] select, details[data-settings] input");
    assert.ok(await settingControls.count() >= 4);
    assert.deepEqual([...new Set(await settingControls.evaluateAll((els) => els.map((e) => e.matches(":disabled"))))], [true]);
    assert.equal(await lens(page, ".filter-add").count(), 0, "no filter inputs for a summary");

    const silent = await lens(page, "table[data-table=silent-customers] tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.customer));
    assert.ok(silent.includes(HOSTILE), "the hostile id is listed");
    assert.equal(await page.evaluate(() => document.querySelector("cohort-lens").shadowRoot.querySelectorAll("img").length), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);

    // In Chinese the run is made again: the element's words and the engine's reason in Chinese.
    await page.evaluate(() => document.querySelector("cohort-lens").setAttribute("lang", "zh"));
    await waitForResults(page, 2);
    const zh = await lens(page, "#panel-warehouse").textContent();
    assert.match(zh, /来自您的数据仓库/);
    assert.match(zh, /每位客户/);
    check(page, env);
  } finally {
    await page.close();
  }
});

test("<cohort-lens>.summary of today's SQL, which records its options, renders under the page's preset", async () => {
  // The options row the SQL writes (what DuckDB returns for it), from the package's own SQL.
  const tiny = golden("tiny");
  const { warehouseSql } = await import(pathToFileURL(join(SITE, "pkg/node.js")).href);
  const source = { table: "orders", customer: "customer_id", time: "order_date", amount: "amount", order: "order_id", status: "status" };
  const sql = await warehouseSql(tiny.options, "duckdb", source);
  const made = /CAST\('options' AS STRING\) AS part, CAST\('((?:[^']|'')*)' AS STRING\) AS key/.exec(sql)?.[1]?.replaceAll("''", "'");
  assert.ok(made, "the SQL writes its options");
  // part, key, then 15 empty cells (key2, i1…i8, f1…f4, m1, m2)
  const row = `options,"${made.replaceAll('"', '""')}"${",".repeat(15)}`;
  const csv = readFileSync(join(ROOT, "tests/data/warehouse/tiny.summary.csv"), "utf8").replace("\n", `\n${row}\n`);
  const page = await openPage(env, "/?sample=0");
  try {
    await page.evaluate(([options, csv]) => {
      const el = document.querySelector("cohort-lens");
      el.options = options;
      el.summary = csv;
    }, [tiny.options, csv]);
    const [result] = await waitForResults(page);
    // The page preset's matchRefunds (which SQL cannot do) must not make it "other options".
    assert.equal(result.type, "cohort-lens-report", JSON.stringify(result.detail).slice(0, 300));
    assert.equal(result.detail.summary.customers, tiny.report.summary.customers);
    const effective = await page.evaluate(() => document.querySelector("cohort-lens").effectiveOptions);
    assert.equal(effective.matchRefunds, undefined, "no page preset under a summary");
    check(page, env);
  } finally {
    await page.close();
  }
});
