// Issue 10 on the page, in Chromium: from numbers to action. A click on a segment opens its
// customer list, downloaded as CSV and .xlsx with zh headers; customer ids that look like
// formulas are neutralised in both downloads; a filter chip changes the numbers and survives a
// reload (the URL hash keeps the view); the product and win-back panels render for the Shopify
// line-item fixture. Screenshots of each in en and zh go to target/screenshots.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { inflateRawSync } from "node:zlib";
import { start, openPage, check, waitForResults, setOptions, pickFile, unstickNav, uiFormat, ROOT, SITE, SHOTS } from "./harness.mjs";

let env;
let tmp;
before(async () => {
  env = await start();
  tmp = mkdtempSync(join(tmpdir(), "cohortlens-actions-"));
});
after(async () => { await env?.stop(); });

const lens = (page, css) => page.locator(`cohort-lens ${css}`);
const LOCALE = { en: "en-US", zh: "zh-CN" };
// The repository's copies of the shared golden sets (a test keeps them in sync).
const GOLDEN_DATA = resolve(ROOT, "examples/data");

/** The entries of a zip file (stored or deflated), by name, as Buffers. */
function unzip(buf) {
  const out = {};
  // End of central directory: the last signature 0x06054b50.
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, "a zip file");
  let p = buf.readUInt32LE(eocd + 16);
  const n = buf.readUInt16LE(eocd + 10);
  for (let i = 0; i < n; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    const lNameLen = buf.readUInt16LE(local + 26);
    const lExtraLen = buf.readUInt16LE(local + 28);
    const data = buf.subarray(local + 30 + lNameLen + lExtraLen, local + 30 + lNameLen + lExtraLen + size);
    out[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Every text of a workbook's first sheet, row by row (shared strings and inline strings). */
function xlsxRows(buf) {
  const files = unzip(buf);
  const unescape = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, d) => String.fromCharCode(Number(d))).replace(/&#x([0-9a-f]+);/gi, (_, x) => String.fromCharCode(parseInt(x, 16))).replace(/&amp;/g, "&");
  const texts = (xml) => [...xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t\s*\/>/g)].map((m) => unescape(m[1] ?? ""));
  const shared = files["xl/sharedStrings.xml"] ? [...files["xl/sharedStrings.xml"].toString("utf8").matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1]).join("")) : [];
  const sheetName = Object.keys(files).filter((k) => /^xl\/worksheets\/sheet\d+\.xml$/.test(k)).sort()[0];
  assert.ok(sheetName, `a worksheet in ${Object.keys(files).join(", ")}`);
  const sheet = files[sheetName].toString("utf8");
  const rows = [];
  for (const r of sheet.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)) {
    const cells = [];
    for (const c of r[1].matchAll(/<c([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1];
      const inner = c[2] ?? "";
      const type = /\st="([^"]+)"/.exec(attrs)?.[1];
      const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
      if (/<f[\s>]/.test(inner)) cells.push({ formula: true, text: unescape(/<f[^>]*>([\s\S]*?)<\/f>/.exec(inner)?.[1] ?? "") });
      else if (type === "s") cells.push({ text: shared[Number(v)] });
      else if (type === "inlineStr") cells.push({ text: texts(inner).join("") });
      else if (type === "str") cells.push({ text: unescape(v ?? "") });
      else cells.push({ number: v == null ? null : Number(v) });
    }
    rows.push(cells);
  }
  return rows;
}

/** RFC 4180 CSV text → rows of cells (a BOM dropped). */
function parseCsv(text) {
  text = text.replace(/^\uFEFF/, "");
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === "\"" && text[i + 1] === "\"") { cell += "\""; i++; } else if (ch === "\"") quoted = false; else cell += ch;
    } else if (ch === "\"") quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; } else if (ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
      if (ch === "\r") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** Clicks a download button and returns the downloaded file's bytes and name. */
async function download(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent("download"), locator.click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

const CJK = /[\u4e00-\u9fff]/;
const FORMULA = /^[=+\-@\t\r]/;

for (const lang of ["zh", "en"]) {
  test(`a click on an RFM segment opens its customers; CSV and xlsx downloads with ${lang} headers`, async () => {
    const page = await openPage(env, `/?lang=${lang}`, { locale: LOCALE[lang] });
    try {
      const [result] = await waitForResults(page, 1, 60_000);
      assert.equal(result.type, "cohort-lens-report");
      const report = result.detail;
      const seg = report.rfm.segments.filter((s) => s.customers > 0).sort((a, b) => b.customers - a.customers)[0];
      await lens(page, `table[data-table^=rfm-segments] tr[data-segment="${seg.segment}"] button[data-open]`).click();
      const dialog = lens(page, "dialog.customers[open]");
      await dialog.waitFor();
      await dialog.locator("[data-list=count][data-value]").waitFor();
      assert.equal(Number(await dialog.locator("[data-list=count]").getAttribute("data-value")), seg.customers, "the list holds the segment's customers");
      const rows = dialog.locator("table[data-table=customer-list] tbody tr");
      assert.equal(await rows.count(), Math.min(50, seg.customers));
      // Revenue descending, the engine's order.
      const revenues = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.cells[3].dataset.value)));
      for (let i = 1; i < revenues.length; i++) assert.ok(revenues[i - 1] >= revenues[i], "sorted by revenue");
      // The key facts of the segment above the list.
      assert.match(await dialog.locator("dl.list-facts").textContent(), new RegExp(uiFormat(lang).int(seg.customers).replace(/[.,]/g, "\\$&")));
      await dialog.screenshot({ path: join(SHOTS, `actions-segment-list-${lang}.png`) });

      const csv = await download(page, dialog.locator("button[data-download=list-csv]"));
      assert.match(csv.name, new RegExp(`segment-${seg.segment}\\.csv$`));
      const table = parseCsv(csv.bytes.toString("utf8"));
      assert.equal(csv.bytes[0], 0xef, "CSV starts with a UTF-8 BOM");
      const header = table[0];
      if (lang === "zh") assert.ok(header.every((h) => CJK.test(h) || /^[A-Z()\s]+$/.test(h)), `zh headers: ${header}`);
      else assert.ok(!header.some((h) => CJK.test(h)), `en headers: ${header}`);
      const body = table.slice(1).filter((r) => r.length > 1);
      assert.equal(body.length, seg.customers, "every customer of the segment is in the CSV");
      // The CSV holds exactly the list's customers (the engine's whole list, not only the rows shown).
      const all = await page.evaluate((sel) => document.querySelector("cohort-lens").customers(sel, { limit: 1_000_000 }), { segment: seg.segment });
      assert.equal(all.count, seg.customers);
      assert.deepEqual(body.map((r) => r[0]).sort(), all.rows.map((r) => r.customer).sort());

      const xlsx = await download(page, dialog.locator("button[data-download=list-xlsx]"));
      assert.match(xlsx.name, /\.xlsx$/);
      assert.equal(xlsx.bytes.subarray(0, 2).toString("latin1"), "PK", "an xlsx is a zip");
      const sheet = xlsxRows(xlsx.bytes);
      const xHeader = sheet[0].map((c) => c.text);
      assert.deepEqual(xHeader, header, "the workbook's headers are the CSV's");
      assert.equal(sheet.filter((r) => r.length > 1).length - 1, seg.customers);
      // Segment names in the page's language.
      const segName = await lens(page, `table[data-table^=rfm-segments] tr[data-segment="${seg.segment}"] th`).textContent();
      // zh: the page's names; en: the engine's segment names, as the English export always wrote them.
      const segCol = header.indexOf(lang === "zh" ? "客户分群" : "segment");
      assert.ok(segCol >= 0, `a segment column in ${header}`);
      const want = lang === "zh" ? segName : seg.segment;
      assert.ok(body.every((r) => r[segCol] === want), `segment names ${want}: ${body.slice(0, 3).map((r) => r[segCol])}`);
      if (lang === "zh") assert.ok(CJK.test(segName));
      // Escape closes the dialog and focus returns to the page.
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      check(page, env);
    } finally {
      await page.close();
    }
  });
}

test("customer ids that look like formulas are neutralised in the list's CSV and xlsx downloads", async () => {
  const payloads = ["=HYPERLINK(\"http://example.invalid/x\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1+1", "\r=2+2"];
  const quote = (s) => `"${s.replace(/"/g, "\"\"")}"`;
  const lines = ["customer,date,amount"];
  // Each payload customer bought twice, long ago (silent); others keep the file recent.
  payloads.forEach((p, i) => {
    lines.push(`${quote(p)},2023-0${i + 1}-03,${10 + i}`);
    lines.push(`${quote(p)},2023-0${i + 1}-20,${20 + i}`);
  });
  for (let i = 0; i < 20; i++) lines.push(`c${i},2024-06-${String(1 + i).padStart(2, "0")},5`);
  const file = join(tmp, "injection.csv");
  writeFileSync(file, lines.join("\n") + "\n");
  const page = await openPage(env, "/?sample=0", { locale: "zh-CN" });
  try {
    await pickFile(page, file);
    const [result] = await waitForResults(page);
    assert.equal(result.type, "cohort-lens-report", JSON.stringify(result.detail).slice(0, 300));
    assert.ok(result.detail.churn.silent >= payloads.length);
    await lens(page, "#panel-churn button[data-open='{\"list\":\"silent\"}']").click();
    const dialog = lens(page, "dialog.customers[open]");
    await dialog.locator("[data-list=count][data-value]").waitFor();
    // In the page the ids are text, exactly as in the file (trimmed as every cell is).
    const shown = await dialog.locator("tbody th").allTextContents();
    for (const p of ["=HYPERLINK(\"http://example.invalid/x\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]) assert.ok(shown.includes(p), `${p} shown as text: ${shown}`);
    assert.equal(await dialog.locator("a").count(), 0, "no link made of a value");
    await dialog.screenshot({ path: join(SHOTS, "actions-injection-zh.png") });

    const csv = parseCsv((await download(page, dialog.locator("button[data-download=list-csv]"))).bytes.toString("utf8"));
    const ids = csv.slice(1).filter((r) => r.length > 1).map((r) => r[0]);
    assert.equal(ids.length, result.detail.churn.silent);
    for (const row of csv) for (const cell of row) assert.doesNotMatch(cell, FORMULA, `CSV cell not neutralised: ${JSON.stringify(cell)}`);
    for (const p of ["=HYPERLINK(\"http://example.invalid/x\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]) {
      assert.ok(ids.includes(`'${p}`), `${p} written as '${p} in the CSV: ${JSON.stringify(ids)}`);
    }

    const sheet = xlsxRows((await download(page, dialog.locator("button[data-download=list-xlsx]"))).bytes);
    for (const row of sheet) {
      for (const c of row) {
        assert.ok(!c.formula, `a formula cell in the workbook: ${c.text}`);
        if (c.text != null) assert.doesNotMatch(c.text, FORMULA, `xlsx cell not neutralised: ${JSON.stringify(c.text)}`);
      }
    }
    const xIds = sheet.slice(1).map((r) => r[0]?.text);
    for (const p of ["=HYPERLINK(\"http://example.invalid/x\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]) {
      assert.ok(xIds.includes(`'${p}`), `${p} neutralised in the xlsx: ${JSON.stringify(xIds)}`);
    }
    check(page, env);
  } finally {
    await page.close();
  }
});

for (const lang of ["en", "zh"]) {
  test(`a filter chip changes the numbers, is kept in the URL hash and survives a reload (${lang})`, async () => {
    const page = await openPage(env, `/?lang=${lang}`, { locale: LOCALE[lang] });
    try {
      const [first] = await waitForResults(page, 1, 60_000);
      assert.equal(first.type, "cohort-lens-report");
      assert.equal(first.detail.filter ?? null, null, "no filter at first");
      const channel = first.detail.dimensions.find((d) => d.column === "channel");
      assert.ok(channel, `the sample's channel dimension: ${first.detail.dimensions.map((d) => d.column)}`);
      const value = channel.values[0].value;
      await lens(page, "#panel-filters select[data-filter=dimension]").selectOption("channel");
      const before = await page.evaluate(() => window.__workerCalls.map((c) => c.type));
      await lens(page, `#panel-filters fieldset[data-values=channel] input[data-value="${value}"]`).check();
      const [, second] = await waitForResults(page, 2);
      const filtered = second.detail;
      // A re-run, not a re-parse.
      const after = await page.evaluate(() => window.__workerCalls.map((c) => c.type));
      assert.deepEqual(after.slice(before.length), ["rerun"]);
      assert.deepEqual(filtered.filter, { keptOrders: channel.values[0].orders, excludedOrders: first.detail.summary.orders - channel.values[0].orders });
      assert.ok(filtered.summary.customers < first.detail.summary.customers, "fewer customers with the filter");
      const f = uiFormat(lang);
      const kpi = lens(page, "#panel-kpis [data-kpi=customers] .value");
      assert.equal(await kpi.textContent(), f.int(filtered.summary.customers));
      const chip = lens(page, `#panel-filters [data-chip="dim:channel=${value}"]`);
      assert.match(await chip.textContent(), new RegExp(`channel = ${value}`));
      // The hash holds the view (filters and settings), never data rows.
      const hash = await page.evaluate(() => decodeURIComponent(location.hash));
      assert.match(hash, /^#view=/);
      assert.deepEqual(JSON.parse(hash.slice(6)), { filters: { dimensions: { channel: [value] } } });
      await unstickNav(page);
      await lens(page, "#panel-filters").screenshot({ path: join(SHOTS, `actions-filters-${lang}.png`) });

      // A settings change joins the filter in the hash.
      await lens(page, "#panel-filters details[data-settings] summary").click();
      await lens(page, "#panel-filters input[data-setting=setting-silentDays]").fill("60");
      await lens(page, "#panel-filters input[data-setting=setting-silentDays]").press("Enter");
      const [, , third] = await waitForResults(page, 3);
      assert.equal(third.detail.churn.silentDays, 60);
      assert.equal(third.detail.winback.silentDays, 60);
      await lens(page, "#panel-filters").screenshot({ path: join(SHOTS, `actions-settings-${lang}.png`) });

      await page.reload();
      await page.evaluate(() => { window.__events = window.__events ?? []; });
      const [again] = await waitForResults(page, 1, 60_000);
      assert.deepEqual(again.detail.filter, filtered.filter, "the filter is applied again after a reload");
      assert.equal(again.detail.summary.customers, filtered.summary.customers);
      assert.equal(again.detail.churn.silentDays, 60);
      assert.equal(await lens(page, "#panel-kpis [data-kpi=customers] .value").textContent(), f.int(filtered.summary.customers));
      await lens(page, `#panel-filters [data-chip="dim:channel=${value}"]`).waitFor();

      // Removing the chip restores the numbers of the whole file.
      await lens(page, `#panel-filters [data-chip="dim:channel=${value}"] button[data-remove]`).click();
      const [, none] = await waitForResults(page, 2);
      assert.equal(none.detail.filter, null);
      assert.equal(none.detail.summary.customers, first.detail.summary.customers);
      assert.deepEqual(JSON.parse(decodeURIComponent(await page.evaluate(() => location.hash)).slice(6)), { silentDays: 60 });
      check(page, env);
    } finally {
      await page.close();
    }
  });
}

for (const lang of ["en", "zh"]) {
  test(`product and win-back panels for the Shopify line-item fixture (${lang})`, async () => {
    const options = JSON.parse(readFileSync(join(GOLDEN_DATA, "golden-next/lines.options.json"), "utf8"));
    const expected = JSON.parse(readFileSync(join(GOLDEN_DATA, "golden-next/lines.report.json"), "utf8"));
    const page = await openPage(env, "/?sample=0", { locale: LOCALE[lang] });
    try {
      await setOptions(page, options);
      await pickFile(page, join(GOLDEN_DATA, "golden/lines.csv"));
      const [result] = await waitForResults(page);
      assert.equal(result.type, "cohort-lens-report", JSON.stringify(result.detail).slice(0, 300));
      const p = result.detail.products;
      assert.equal(p.column, "Lineitem name");
      assert.deepEqual(p.firstProduct.map((g) => g.product), expected.products.firstProduct.map((g) => g.product));
      const f = uiFormat(lang);
      const first = lens(page, "table[data-table=products-first] tbody tr");
      assert.deepEqual(await first.evaluateAll((trs) => trs.map((tr) => tr.dataset.product)), p.firstProduct.map((g) => g.product));
      assert.equal(await first.first().locator("td").nth(1).textContent(), f.pct(p.firstProduct[0].repurchaseRate));
      const repeat = lens(page, "table[data-table=products-repeat] tbody tr");
      assert.equal(await repeat.count(), p.repeat.length);
      // 复购周期: the engine's median days between purchases of the same product.
      assert.equal(Number(await repeat.first().locator("td").nth(3).getAttribute("data-value")), p.repeat[0].cycleDays.median);
      assert.equal(await lens(page, "table[data-table=products-next] tbody tr").count(), p.next.length);
      // Product names are text ("Oolong \"Reserve\" 50g", "Teapot, cast iron").
      const names = await lens(page, "table[data-table=products-next] .next").evaluateAll((els) => els.map((e) => e.dataset.product));
      assert.ok(names.includes("Oolong \"Reserve\" 50g"), names.join(" | "));
      assert.equal(await lens(page, "figure[data-chart=products-first] svg").count(), 1);

      // Win-back beside the silent customers, with the lifecycle chart.
      const wb = result.detail.winback;
      assert.equal(await lens(page, "#panel-winback [data-kpi=winbackCustomers]").getAttribute("data-value"), String(wb.customers));
      assert.equal(await lens(page, "table[data-table=winback-periods] tbody tr").count(), wb.periods.length);
      assert.equal(await lens(page, "figure[data-chart=lifecycle] svg rect[data-series=new]").count() > 0, true);
      const order = await page.evaluate(() => [...document.querySelector("cohort-lens").shadowRoot.querySelectorAll("section[data-panel]")].map((s) => s.dataset.panel));
      assert.equal(order.indexOf("winback"), order.indexOf("churn") + 1, `win-back beside churn: ${order}`);

      // A product row opens its first buyers.
      const g = p.firstProduct[0];
      await first.first().locator("button[data-open]").click();
      const dialog = lens(page, "dialog.customers[open]");
      await dialog.locator("[data-list=count][data-value]").waitFor();
      assert.equal(Number(await dialog.locator("[data-list=count]").getAttribute("data-value")), g.customers);
      await page.keyboard.press("Escape");

      await unstickNav(page);
      await lens(page, "#panel-products").screenshot({ path: join(SHOTS, `actions-products-${lang}.png`) });
      await lens(page, "#panel-winback").screenshot({ path: join(SHOTS, `actions-winback-${lang}.png`) });
      check(page, env);
    } finally {
      await page.close();
    }
  });
}

const FOLD = {
  en: (n) => `${n} rows without a customer were set aside`,
  zh: (n) => `${n} 行缺少客户，已搁置`,
};

for (const lang of ["en", "zh"]) {
  test(`without an amount column a banner offers the file's columns; ingest details fold under one line (${lang})`, async () => {
    const options = JSON.parse(readFileSync(join(ROOT, "examples/data/golden/cdnow_sample.options.json"), "utf8"));
    const page = await openPage(env, "/?sample=0", { locale: LOCALE[lang] });
    try {
      await setOptions(page, options);
      await pickFile(page, join(ROOT, "examples/data/golden/cdnow_sample.txt"));
      const [result] = await waitForResults(page);
      assert.equal(result.detail.ingest.mapping.amount, undefined);
      const banner = lens(page, "[data-panel=amount]");
      await banner.waitFor();
      // The banner comes before the key figures, which come before the data panel.
      const order = await page.evaluate(() => [...document.querySelector("cohort-lens").shadowRoot.querySelectorAll("[data-panel]")].map((s) => s.dataset.panel));
      assert.ok(order.indexOf("amount") < order.indexOf("kpis") && order.indexOf("kpis") < order.indexOf("data"), order.join());
      // The probe's numeric columns that play no role (read as the worker reads the file).
      const { probe } = await import(pathToFileURL(join(SITE, "pkg/node.js")).href);
      const found = await probe(readFileSync(join(ROOT, "examples/data/golden/cdnow_sample.txt")), { header: false, delimiter: "whitespace" });
      assert.ok(found.numeric.includes("5"), `numeric columns: ${found.numeric}`);
      const offered = await banner.locator("select option").evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      assert.deepEqual(offered, found.numeric.filter((c) => !Object.values(result.detail.ingest.mapping).includes(c)), "the numeric columns no role uses");
      await banner.screenshot({ path: join(SHOTS, `actions-amount-banner-${lang}.png`) });
      await banner.locator("select").selectOption("5");
      await banner.locator("button").click();
      const [, second] = await waitForResults(page, 2);
      assert.equal(second.detail.ingest.mapping.amount, "5");
      assert.ok(second.detail.summary.revenue > 0);
      assert.equal(await lens(page, "[data-panel=amount]").count(), 0, "no banner once an amount is mapped");
      check(page, env);
    } finally {
      await page.close();
    }
    // Rows set aside: one line, the details folded below it.
    const retail = JSON.parse(readFileSync(join(ROOT, "examples/data/golden/retail_like.options.json"), "utf8"));
    const page2 = await openPage(env, "/?sample=0", { locale: LOCALE[lang] });
    try {
      await setOptions(page2, retail);
      await pickFile(page2, join(ROOT, "examples/data/golden/retail_like.csv"));
      const [r] = await waitForResults(page2);
      const n = r.detail.ingest.rejected.missingCustomer;
      assert.ok(n > 0);
      const summary = lens(page2, "#panel-data summary[data-fold=ingest]");
      assert.match(await summary.textContent(), new RegExp(FOLD[lang](uiFormat(lang).int(n)).replace(/[.,()]/g, "\\$&")));
      assert.equal(await lens(page2, "#panel-data details.fold").getAttribute("open"), null, "folded");
      assert.equal(await lens(page2, "table[data-table=rejected-rows]").isVisible(), false);
      await summary.click();
      assert.equal(await lens(page2, "table[data-table=rejected-rows]").isVisible(), true);
      await unstickNav(page2);
      await lens(page2, "#panel-data").screenshot({ path: join(SHOTS, `actions-ingest-fold-${lang}.png`) });
      check(page2, env);
    } finally {
      await page2.close();
    }
  });
}

test("the column settings offer the probe's product column; one click turns the product panels on", async () => {
  const retail = JSON.parse(readFileSync(join(ROOT, "examples/data/golden/retail_like.options.json"), "utf8"));
  const page = await openPage(env, "/?sample=0");
  try {
    await setOptions(page, retail);
    await pickFile(page, join(ROOT, "examples/data/golden/retail_like.csv"));
    const [first] = await waitForResults(page);
    assert.equal(first.detail.products, null, "the engine never maps a product column by itself");
    assert.equal(await lens(page, "#panel-products").count(), 0);
    const offer = lens(page, "#panel-data button[data-proposed]");
    assert.equal(await offer.getAttribute("data-proposed"), "Description");
    await offer.click();
    const [, second] = await waitForResults(page, 2);
    assert.equal(second.detail.ingest.mapping.product, "Description");
    assert.equal(second.detail.products.column, "Description");
    await lens(page, "#panel-products table[data-table=products-first]").waitFor();
    assert.equal(await lens(page, "select[data-role=product]").inputValue(), "Description");
    check(page, env);
  } finally {
    await page.close();
  }
});

test("every opener's list holds the customers of its figure: grid cell, breakdown group, silent, overdue, CLV decile", async () => {
  const page = await openPage(env, "/");
  try {
    const [result] = await waitForResults(page, 1, 60_000);
    const report = result.detail;
    const dialog = lens(page, "dialog.customers[open]");
    const countOf = async (opener) => {
      await opener.click();
      await dialog.locator("[data-list=count][data-value]").waitFor();
      const n = Number(await dialog.locator("[data-list=count]").getAttribute("data-value"));
      await dialog.locator("button[data-list=close]").click();
      await dialog.waitFor({ state: "detached" });
      return n;
    };
    // The fullest R×F cell.
    let best = [1, 1];
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) if (report.rfm.grid[r - 1][f - 1] > report.rfm.grid[best[0] - 1][best[1] - 1]) best = [r, f];
    assert.equal(await countOf(lens(page, `table[data-table=rfm-grid] td[data-r="${best[0]}"][data-f="${best[1]}"] button`)), report.rfm.grid[best[0] - 1][best[1] - 1]);
    const bd = report.breakdowns[0];
    const g = bd.groups[0];
    assert.equal(await countOf(lens(page, `table[data-table="breakdown-${bd.dimension}"] tr[data-group="${g.value}"] button[data-open]`)), g.customers);
    assert.equal(await countOf(lens(page, "#panel-churn button[data-open='{\"list\":\"silent\"}']")), report.churn.silent);
    assert.equal(await countOf(lens(page, "#panel-churn button[data-open='{\"list\":\"overdue\"}']")), report.churn.overdueCount);
    assert.ok(report.clv, "the sample fits CLV");
    const deciles = [];
    for (let d = 1; d <= 10; d++) deciles.push(await countOf(lens(page, `#panel-deciles button[data-open='{"decile":${d}}']`)));
    assert.equal(deciles.reduce((a, b) => a + b, 0), report.summary.customers, `the deciles partition the buyers: ${deciles}`);
    assert.ok(Math.max(...deciles) - Math.min(...deciles) <= 1, `tenths: ${deciles}`);
    check(page, env);
  } finally {
    await page.close();
  }
});

test("settings: a cancelled status unticked counts its orders (amounts > 0) as purchases; a date range chip", async () => {
  const page = await openPage(env, "/");
  try {
    const [first] = await waitForResults(page, 1, 60_000);
    const statuses = first.detail.ingest.statuses;
    // The sample's cancelled orders keep positive amounts (its refunds are negative).
    const cancelled = statuses.find((s) => s.cancelled && s.value === "cancelled");
    assert.ok(cancelled, `the sample's statuses: ${JSON.stringify(statuses)}`);
    await lens(page, "#panel-filters details[data-settings] summary").click();
    await lens(page, "#panel-filters input[data-status=cancelled]").uncheck();
    const [, second] = await waitForResults(page, 2);
    assert.equal(second.detail.ingest.statuses.find((s) => s.value === "cancelled").cancelled, false);
    assert.equal(second.detail.summary.purchases, first.detail.summary.purchases + cancelled.orders, "cancelled orders with an amount are purchases now");
    assert.deepEqual(JSON.parse(decodeURIComponent(await page.evaluate(() => location.hash)).slice(6)).cancelledStatuses, statuses.filter((s) => s.cancelled && s.value !== "cancelled").map((s) => s.value));
    await lens(page, "#panel-filters button[data-focus=st-reset]").click();
    const [, , third] = await waitForResults(page, 3);
    assert.equal(third.detail.summary.purchases, first.detail.summary.purchases);

    await lens(page, "#panel-filters input[data-filter=from]").fill("2024-01-01");
    await lens(page, "#panel-filters input[data-filter=from]").press("Enter");
    const [, , , fourth] = await waitForResults(page, 4);
    assert.ok(fourth.detail.filter.excludedOrders > 0);
    assert.ok(fourth.detail.summary.firstOrder >= "2024-01-01", fourth.detail.summary.firstOrder);
    await lens(page, "#panel-filters [data-chip=dates]").waitFor();
    await lens(page, "#panel-kpis [data-filtered]").waitFor();
    check(page, env);
  } finally {
    await page.close();
  }
});

test("a shared link whose filter names a column this file lacks shows the engine's error and a way out", async () => {
  const view = { filters: { dimensions: { nosuch: ["x"] } }, silentDays: 45 };
  const page = await openPage(env, `/#view=${encodeURIComponent(JSON.stringify(view))}`);
  try {
    const [error] = await waitForResults(page, 1, 60_000);
    assert.equal(error.type, "cohort-lens-error");
    assert.equal(error.detail.code, "UnknownColumn");
    await lens(page, "button[data-focus=error-clear-filters]").click();
    const [, report] = await waitForResults(page, 2, 60_000);
    assert.equal(report.type, "cohort-lens-report");
    assert.equal(report.detail.filter, null);
    assert.equal(report.detail.churn.silentDays, 45, "the settings of the link stay");
    assert.deepEqual(JSON.parse(decodeURIComponent(await page.evaluate(() => location.hash)).slice(6)), { silentDays: 45 });
    check(page, env);
  } finally {
    await page.close();
  }
});
