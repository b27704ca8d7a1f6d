// UX defects of issue 9 (item 7), in English and Chinese: no English left in the zh UI's
// download buttons, money KPIs that fit their cards at desktop and phone widths, a CLV segment
// chart whose title says what it shows when the file has no amount column, and a mapping error
// that names the page's "column settings".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, openPage, check, waitForResults, golden, setOptions, pickFile, unstickNav, uiFormat, SHOTS } from "./harness.mjs";

let env;
let tmp;
before(async () => {
  env = await start();
  tmp = mkdtempSync(join(tmpdir(), "cohortlens-ux-"));
});
after(async () => { await env?.stop(); });

const lens = (page, css) => page.locator(`cohort-lens ${css}`);
const LOCALE = { en: "en-US", zh: "zh-CN" };

const TEXT = {
  en: {
    csvLong: "⤓ CSV (every metric, one row per cohort and period)",
    customersCsv: "⤓ CSV",
    arrow: "⤓ Arrow",
    segExpected: "Expected purchases per customer, by segment",
    segClv: "Mean CLV per customer, by segment",
  },
  zh: {
    csvLong: "⤓ CSV（全部指标，每个同期群每个周期一行）",
    customersCsv: "⤓ CSV",
    arrow: "⤓ Arrow 数据文件",
    segExpected: "各客户类别的人均预期购买次数",
    segClv: "各客户类别的人均 CLV",
  },
};

/**
 * The CDNOW sample with every amount ×300: the CLV total and the silent customers' revenue
 * run into the tens of millions (the engine fits CLV on it; synthetic data is too regular).
 */
function bigMoneyFile() {
  const g = golden("cdnow_sample_amount");
  const text = readFileSync(g.file, "utf8").split("\n")
    .map((l) => l.replace(/(\S+)\s*$/, (_, a) => (Number(a) * 300).toFixed(2))).join("\n");
  const file = join(tmp, "big-money.txt");
  writeFileSync(file, text);
  return { file, options: g.options };
}

/** Every KPI whose value is wider than its card, as [name, text] pairs. */
function overflowingKpis(page) {
  return page.evaluate(() => {
    const root = document.querySelector("cohort-lens").shadowRoot;
    return [...root.querySelectorAll(".kpi")]
      .filter((k) => {
        const v = k.querySelector(".value");
        const card = k.getBoundingClientRect();
        const r = v.getBoundingClientRect();
        return v.scrollWidth > v.clientWidth + 1 || r.right > card.right + 0.5 || r.left < card.left - 0.5;
      })
      .map((k) => [k.dataset.kpi, k.querySelector(".value").textContent]);
  });
}

for (const lang of ["en", "zh"]) {
  test(`download buttons and the CLV chart title without an amount column (${lang})`, async () => {
    const g = golden("cdnow_sample"); // no amount column: CLV is expected purchases only
    const page = await openPage(env, "/?sample=0", { locale: LOCALE[lang] });
    try {
      await setOptions(page, g.options);
      await pickFile(page, g.file);
      const [result] = await waitForResults(page);
      assert.equal(result.type, "cohort-lens-report");
      assert.equal(result.detail.ingest.mapping.amount, undefined);
      assert.ok(result.detail.clv?.bySegment?.length, "the report has CLV by segment");
      assert.equal(result.detail.clv.totals?.clv ?? null, null, "no CLV without amounts");

      const t = TEXT[lang];
      assert.equal(await lens(page, "button[data-name=cohorts-all]").textContent(), t.csvLong);
      assert.equal(await lens(page, "button[data-download=customers-csv]").textContent(), t.customersCsv);
      assert.equal(await lens(page, "button[data-download=customers-arrow]").textContent(), t.arrow);
      assert.ok((await lens(page, "button[data-download=customers-arrow]").getAttribute("title")).length > 10);
      const seg = lens(page, "figure[data-chart=clv-by-segment]");
      assert.equal(await seg.locator("figcaption .t").textContent(), t.segExpected);
      assert.equal(await seg.locator("svg title").first().textContent(), t.segExpected);
      assert.doesNotMatch(await seg.locator("svg").textContent(), /CLV/, "the chart does not call expected purchases CLV");
      assert.equal(await lens(page, "[data-kpi=clvTotal]").count(), 0);
      if (lang === "zh") {
        // Every button label of the element is Chinese apart from format names and acronyms
        // (CSV, PNG, Arrow, RFM, CLV): no English word in lower case.
        const labels = await page.evaluate(() => [...document.querySelector("cohort-lens").shadowRoot.querySelectorAll("button")]
          .map((b) => b.textContent).filter((s) => /[a-z]{2,}/.test(s.replace(/Arrow/g, ""))));
        assert.deepEqual(labels, [], "button labels in English in the zh UI");
      }
      await unstickNav(page);
      await lens(page, "#panel-clv").screenshot({ path: join(SHOTS, `ux-clv-no-amount-${lang}.png`) });
      check(page, env);
    } finally {
      await page.close();
    }
  });

  test(`money KPIs in the millions fit their cards at 1280 and 390 px (${lang})`, async () => {
    const { file, options } = bigMoneyFile();
    for (const width of [1280, 390]) {
      const page = await openPage(env, "/?sample=0", { locale: LOCALE[lang], width, height: 900 });
      try {
        await setOptions(page, options);
        await pickFile(page, file);
        const [result] = await waitForResults(page);
        assert.equal(result.type, "cohort-lens-report");
        const total = result.detail.clv?.totals?.clv;
        assert.ok(total >= 1e6, `CLV total in the millions (${total})`);
        const kpi = lens(page, "[data-kpi=clvTotal]");
        const exact = uiFormat(lang).money(total);
        const compact = new Intl.NumberFormat(LOCALE[lang], { notation: "compact", maximumSignificantDigits: 3 }).format(total);
        assert.equal(await kpi.locator(".value").textContent(), compact);
        assert.equal(await kpi.locator(".value").getAttribute("title"), exact, "the exact amount as tooltip");
        assert.equal(Number(await kpi.getAttribute("data-value")), total);
        if (lang === "zh") assert.match(compact, /万/);
        // Below a million the amount is exact.
        const aov = result.detail.summary.averageOrderValue;
        assert.ok(aov < 1e6);
        assert.equal(await lens(page, "[data-kpi=averageOrderValue] .value").textContent(), uiFormat(lang).money(aov));
        assert.deepEqual(await overflowingKpis(page), [], `KPIs overflowing at ${width} px`);
        await unstickNav(page);
        await lens(page, "#panel-clv .kpis").screenshot({ path: join(SHOTS, `ux-kpis-clv-${lang}-${width}.png`) });
        await lens(page, "#panel-kpis").screenshot({ path: join(SHOTS, `ux-kpis-${lang}-${width}.png`) });
        check(page, env);
      } finally {
        await page.close();
      }
    }
  });
}

test("a file the engine cannot map points the merchant to the column settings the page shows (en and zh)", async () => {
  const file = join(tmp, "odd-names.csv");
  writeFileSync(file, "who,when,paid\na,2024-01-01,10\na,2024-02-01,12\nb,2024-01-05,7\n");
  const panel = { en: /column settings/i, zh: /列设置/ };
  for (const lang of ["en", "zh"]) {
    const page = await openPage(env, "/?sample=0", { locale: LOCALE[lang] });
    try {
      await pickFile(page, file);
      const [result] = await waitForResults(page);
      assert.equal(result.detail.code, "NoCustomerColumn");
      // The engine's message names the panel by the name the page gives it.
      assert.match(result.detail.message, panel[lang]);
      assert.match(await lens(page, "#panel-data h3").first().textContent(), panel[lang]);
      assert.equal(await lens(page, "select[data-role=customer]").count(), 1);
      assert.match(await lens(page, ".error .hint").textContent(), lang === "zh" ? /请在下方选择客户列/ : /Pick the customer column below/);
      check(page, env);
    } finally {
      await page.close();
    }
  }
});

test("the default sample's KPI cards fit at 390 px (en and zh)", async () => {
  for (const lang of ["en", "zh"]) {
    const page = await openPage(env, "/", { locale: LOCALE[lang], width: 390, height: 900 });
    try {
      await waitForResults(page);
      assert.deepEqual(await overflowingKpis(page), [], `KPIs overflowing (${lang})`);
      check(page, env);
    } finally {
      await page.close();
    }
  }
});
