// Every golden input, delivered to the demo page both through the file picker (setInputFiles)
// and as a real drop event, with its options.json set on the element: the rendered KPIs, cohort
// cells, funnel, RFM grid and period table must equal the golden report — the raw numbers in
// data-value attributes and the text as the UI formats it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { start, openPage, check, waitForResults, golden, setOptions, dropFile, pickFile, close, uiFormat, SHOTS } from "./harness.mjs";

const NAMES = ["tiny", "lines", "retail_like", "synthetic_5k", "cn_gbk", "cdnow_sample"];

let env;
before(async () => { env = await start(); });
after(async () => { await env?.stop(); });

/** Everything the checks read from the shadow DOM, in one round trip. */
function readRendered(page) {
  return page.evaluate(() => {
    const root = document.querySelector("cohort-lens").shadowRoot;
    const kpis = {};
    for (const k of root.querySelectorAll("#panel-kpis [data-kpi]")) {
      kpis[k.dataset.kpi] = { value: k.dataset.value, text: k.querySelector(".value").textContent };
    }
    const table = root.querySelector("table[data-table=cohorts]");
    // A long heatmap holds only the rows in view of its box; printing draws every row.
    dispatchEvent(new Event("beforeprint"));
    const rows = [...table.querySelectorAll("tbody tr[data-cohort]")].map((tr) => ({
      cohort: tr.dataset.cohort,
      label: tr.cells[0].textContent,
      size: tr.cells[1].dataset.value,
      cells: [...tr.querySelectorAll("td.c")].map((td) => ({
        k: Number(td.dataset.k), value: td.dataset.value, text: td.textContent,
        partial: td.classList.contains("partial"), isNull: td.classList.contains("null"),
      })),
    }));
    const average = [...table.querySelectorAll("tfoot td[data-k]")].map((td) => ({ value: td.dataset.value, text: td.textContent }));
    const funnel = [...root.querySelectorAll("table[data-table=funnel] tbody tr")].map((tr) => ({ n: tr.dataset.n, reached: tr.cells[1].dataset.value }));
    const grid = [...root.querySelectorAll("[data-table=rfm-grid] .cell")].map((c) => ({ r: Number(c.dataset.r), f: Number(c.dataset.f), n: Number(c.dataset.value) }));
    const periods = [...root.querySelectorAll("table[data-table=periods] tbody tr")].map((tr) => ({
      period: tr.dataset.period, buyers: tr.cells[1].dataset.value, rate: tr.cells[3].dataset.value ?? null, churn: tr.cells[6].dataset.value ?? null,
    }));
    const clv = root.querySelector("#panel-clv");
    return {
      kpis, rows, average, funnel, grid, periods,
      clv: clv && { fitCustomers: clv.querySelector("[data-kpi=clvFitCustomers]")?.dataset.value, topRows: clv.querySelectorAll("table[data-table=clv-top] tbody tr").length },
    };
  });
}

const num = (s) => (s === "" || s == null ? null : Number(s));

function assertMatchesGolden(got, report, lang) {
  const f = uiFormat(lang);
  const s = report.summary;
  const expected = {
    customers: [s.customers, f.int],
    repurchaseRate: [s.repurchaseRate, f.pct],
    purchasesPerCustomer: [s.purchasesPerCustomer, f.dec2],
    averageOrderValue: [s.averageOrderValue, f.money],
    revenuePerCustomer: [s.revenuePerCustomer, f.money],
    silentShare: [report.churn.silentShare, f.pct],
  };
  for (const [kpi, [value, fmt]] of Object.entries(expected)) {
    assert.ok(got.kpis[kpi], `KPI ${kpi} rendered`);
    close(num(got.kpis[kpi].value), value, `KPI ${kpi}`);
    assert.equal(got.kpis[kpi].text, value == null ? "–" : fmt(value), `KPI ${kpi} text`);
  }

  const co = report.cohorts;
  assert.deepEqual(got.rows.map((r) => r.cohort), co.rows.map((r) => r.cohort), "cohort rows");
  co.rows.forEach((row, i) => {
    const g = got.rows[i];
    assert.equal(g.label, row.cohort);
    assert.equal(Number(g.size), row.size, `size of ${row.cohort}`);
    assert.equal(g.cells.length, row.cells.length, `cells of ${row.cohort}`);
    row.cells.forEach((cell, k) => {
      const c = g.cells[k];
      const what = `cohort ${row.cohort} k=${k}`;
      assert.equal(c.k, k);
      if (cell == null) {
        assert.ok(c.isNull && c.value === "" && c.text === "", `${what}: absent cell renders empty`);
        return;
      }
      close(num(c.value), cell.retention, `${what} retention`);
      assert.equal(c.text, f.pct(cell.retention), `${what} text`);
      assert.equal(c.partial, cell.partial, `${what} partial`);
    });
  });
  co.average.forEach((a, k) => {
    close(num(got.average[k]?.value), a.retention, `average k=${k}`);
    assert.equal(got.average[k].text, f.pct(a.retention), `average k=${k} text`);
  });

  assert.deepEqual(got.funnel.map((x) => Number(x.reached)), report.funnel.steps.map((x) => x.reached), "funnel reached");
  for (const { r, f: F, n } of got.grid) assert.equal(n, report.rfm.grid[r - 1][F - 1], `RFM grid R${r} F${F}`);
  assert.equal(got.grid.length, 25);
  assert.deepEqual(got.periods.map((p) => p.period), report.rates.periods.map((p) => p.period), "periods");
  report.rates.periods.forEach((p, i) => {
    assert.equal(Number(got.periods[i].buyers), p.buyers, `buyers ${p.period}`);
    close(num(got.periods[i].rate), p.periodRepurchaseRate, `period rate ${p.period}`);
    close(num(got.periods[i].churn), p.churnRate, `churn ${p.period}`);
  });
}

for (const name of NAMES) {
  for (const how of ["picker", "drop"]) {
    // The Chinese file is dropped on a Chinese-language page: numbers formatted for zh-CN.
    const lang = name === "cn_gbk" && how === "drop" ? "zh" : "en";
    test(`${name} via ${how === "picker" ? "setInputFiles" : "a drop event"} renders the golden numbers (${lang})`, async () => {
      const g = golden(name);
      const page = await openPage(env, "/?sample=0", { locale: lang === "zh" ? "zh-CN" : "en-US" });
      try {
        // The golden reports assume the engine's defaults for every option they do not name;
        // the page's preset turns refund matching on (docs/refunds.md), so say it is off here.
        await setOptions(page, { matchRefunds: false, ...g.options });
        if (how === "picker") await pickFile(page, g.file);
        else await dropFile(page, g.file);
        const results = await waitForResults(page);
        assert.equal(results.length, 1);
        assert.equal(results[0].type, "cohort-lens-report", `expected a report, got ${JSON.stringify(results[0].detail).slice(0, 300)}`);
        assert.equal(results[0].detail.summary.customers, g.report.summary.customers, "report event detail is the Report");
        const got = await readRendered(page);
        assertMatchesGolden(got, g.report, lang);
        // The CLV panel exists exactly when the report has a clv section (tiny's fit has none).
        const clv = results[0].detail.clv;
        assert.equal(got.clv != null, clv != null, "CLV panel iff report.clv");
        assert.equal(clv != null, g.report.clv != null, "report.clv null exactly when the golden's is");
        if (clv) {
          assert.equal(Number(got.clv.fitCustomers), g.report.clv.fitCustomers, "CLV customers fitted");
          assert.equal(got.clv.topRows, Math.min(50, clv.customers.length));
        }
        if (how === "drop") await page.screenshot({ path: join(SHOTS, `golden-${name}-${lang}.png`) });
        check(page, env);
      } finally {
        await page.close();
      }
    });
  }
}
