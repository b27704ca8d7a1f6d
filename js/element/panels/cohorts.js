import { h } from "../format.js";
import { lineChart } from "../charts.js";
import { heatRamp } from "../colors.js";
import { card, select, segmented, csvButton, figure, tableWrap, rowWindow, rovingGrid, detailsLine, GRAINS } from "./common.js";

// -------------------------------------------------------------------------------------- cohorts

const METRICS = ["retention", "active", "revenue", "cumulativeRevenuePerCustomer"];
const MAX_ROWS = 150;
const MAX_COLS = 110;

function kLabel(ctx, grain, k) {
  return ctx.t(`k.${grain}`, { k });
}

export const cohortPanel = {
  id: "cohorts",
  title: (t) => t("cohort.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const co = report.cohorts;
    const metric = ctx.view.cohortMetric ?? "retention";
    const hasMoney = report.summary.revenue != null;
    const metrics = METRICS.filter((m) => hasMoney || (m !== "revenue" && m !== "cumulativeRevenuePerCustomer"));
    const Kall = Math.max(0, ...co.rows.map((r) => r.cells.length));
    // Day cohorts over years would be hundreds of thousands of cells: the table shows the
    // latest MAX_ROWS cohorts and the first MAX_COLS periods; the CSV has every cell.
    const K = Math.min(Kall, MAX_COLS);
    const shownRows = co.rows.slice(-MAX_ROWS);
    const clipped = shownRows.length < co.rows.length || K < Kall;
    const fmt = { retention: f.pct, active: f.int, revenue: f.int, cumulativeRevenuePerCustomer: f.money }[metric];
    const value = (cell) => (cell == null ? null : cell[metric]);

    // Colour scale: retention and active by share of eligible; money by the largest value.
    const share = (cell) => (cell.eligible ? cell.active / cell.eligible : 0);
    let max = 0;
    for (const r of co.rows) for (const c of r.cells) {
      if (!c) continue;
      if (metric === "retention" || metric === "active") { if (c.k > 0) max = Math.max(max, share(c)); }
      else if (metric === "revenue") { if (c.k > 0) max = Math.max(max, c.revenue ?? 0); }
      else max = Math.max(max, c.cumulativeRevenuePerCustomer ?? 0);
    }
    // Fills from the surface to 88 % of the heat colour; the text colour is chosen per fill.
    const ramp = heatRamp({ low: ctx.theme.surface, high: ctx.theme.heat, share: 0.88, text: ctx.theme.text });
    const intensity = (c) => {
      const v = metric === "retention" || metric === "active" ? share(c) : (c[metric] ?? 0);
      return max > 0 ? Math.max(0, Math.min(1, v / max)) : 0;
    };

    const head = h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, t("cohort.cohort")),
      h("th", { scope: "col" }, t("cohort.size")),
      Array.from({ length: K }, (_, k) => h("th", { scope: "col" }, kLabel(ctx, co.grain, k)))));
    const bodyRow = (row) => h("tr", { dataset: { cohort: row.cohort } },
      h("th", { scope: "row" }, row.cohort),
      h("td", { dataset: { value: String(row.size) } }, f.int(row.size)),
      Array.from({ length: K }, (_, k) => {
        const c = row.cells[k];
        if (c == null) return h("td", { class: "c null", dataset: { k: String(k), value: "" } });
        const v = value(c);
        return h("td", {
          class: `c h${ramp(intensity(c)).step}${c.partial ? " partial" : ""}`,
          dataset: { k: String(k), value: v == null ? "" : String(v) },
        }, fmt(v));
      }));

    // Footer: weighted-average retention (the engine's), totals for counts and money.
    let footLabel;
    let foot;
    if (metric === "retention") {
      footLabel = t("cohort.average");
      foot = Array.from({ length: K }, (_, k) => co.average[k]?.retention ?? null).map((v) => ({ v, text: f.pct(v) }));
    } else if (metric === "cumulativeRevenuePerCustomer") {
      footLabel = t("cohort.average");
      foot = Array.from({ length: K }, (_, k) => {
        let num = 0; let den = 0;
        for (const r of co.rows) { const c = r.cells[k]; if (c && c.cumulativeRevenuePerCustomer != null) { num += c.cumulativeRevenuePerCustomer * r.size; den += r.size; } }
        const v = den ? num / den : null;
        return { v, text: f.money(v) };
      });
    } else {
      footLabel = "Σ";
      foot = Array.from({ length: K }, (_, k) => {
        let sum = 0; let any = false;
        for (const r of co.rows) { const c = r.cells[k]; if (c && c[metric] != null) { sum += c[metric]; any = true; } }
        return { v: any ? sum : null, text: any ? fmt(sum) : "" };
      });
    }
    const totalSize = co.rows.reduce((a, r) => a + r.size, 0);
    const tfoot = h("tfoot", {}, h("tr", { dataset: { average: metric } },
      h("td", {}, footLabel), h("td", {}, f.int(totalSize)),
      foot.map((x, k) => h("td", { dataset: { k: String(k), value: x.v == null ? "" : String(x.v) } }, x.text))));

    const table = h("table", { class: "heat", role: "grid", "aria-label": `${t("cohort.title")}: ${t(`metric.${metric}`)}`, dataset: { table: "cohorts", metric } }, head, h("tbody"), tfoot);
    // A class per step of the ramp (h0–h100), every step's colours set on the table before its
    // rows are drawn: cells of a step share their style (an inline style per cell cost its own
    // parse and style match), and rows drawn later change nothing the drawn ones inherit.
    for (let step = 0; step <= 100; step++) {
      const fill = ramp(step / 100);
      table.style.setProperty(`--heat-bg-${step}`, fill.background);
      table.style.setProperty(`--heat-fg-${step}`, fill.color);
    }
    const box = tableWrap(ctx, table, table.getAttribute("aria-label"), true, { focusable: false });
    rowWindow(table, box, shownRows, bodyRow);
    // A cell's details are written when it is pointed at or focused: thousands of cells need
    // not format them up front.
    const byCohort = new Map(shownRows.map((r) => [r.cohort, r]));
    const describe = (td) => {
      const row = byCohort.get(td.parentElement.dataset.cohort);
      const k = Number(td.dataset.k);
      const c = row?.cells[k];
      const where = `${row.cohort} · ${kLabel(ctx, co.grain, k)}`;
      if (!c) return `${where}: ${t("cohort.noData")}`;
      return `${where}: ${t("metric.retention")} ${f.pct(c.retention)} (${f.int(c.active)} / ${f.int(c.eligible)})` +
        (hasMoney ? ` · ${t("metric.revenue")} ${f.money(c.revenue)}` : "") + (c.partial ? ` · * ${t("cohort.partial")}` : "");
    };
    table.style.setProperty("--cols", String(K + 2));
    rovingGrid(table, "td.c");
    const details = detailsLine(ctx, table, "td.c", describe);
    const csvMatrix = () => ({
      header: [t("cohort.cohort"), t("cohort.size"), ...Array.from({ length: Kall }, (_, k) => kLabel(ctx, co.grain, k))],
      rows: co.rows.map((r) => [r.cohort, r.size, ...Array.from({ length: Kall }, (_, k) => value(r.cells[k]))]),
    });
    const csvLong = () => ({
      header: ["cohort", "size", "k", "active", "retention", "rollingActive", "orders", "revenue", "cumulativeRevenuePerCustomer", "eligible", "partial"],
      rows: co.rows.flatMap((r) => r.cells.filter(Boolean).map((c) => [r.cohort, r.size, c.k, c.active, c.retention, c.rollingActive, c.orders, c.revenue, c.cumulativeRevenuePerCustomer, c.eligible, c.partial])),
    });

    const controls = [
      select(ctx, t("cohort.grain"), co.grain, GRAINS.map((g) => [g, t(`grain.${g}`)]), (g) => ctx.setOption({ cohortGrain: g }), "cohort-grain"),
      segmented(ctx, t("cohort.alignment"), co.alignment, [["calendar", t("alignment.calendar")], ["relative", t("alignment.relative")]], (a) => ctx.setOption({ cohortAlignment: a }), "cohort-alignment"),
      segmented(ctx, t("cohort.metric"), metric, metrics.map((m) => [m, t(`metric.${m}`)]), (m) => ctx.setView({ cohortMetric: m }, "cohorts"), "cohort-metric"),
    ];

    // Retention curves: the latest 24 cohorts, older ones fainter, and the weighted average.
    const shown = co.rows.slice(-24);
    const series = shown.map((r, i) => ({
      label: r.cohort,
      color: ctx.theme.series[0],
      width: 1.4,
      opacity: 0.18 + 0.5 * ((i + 1) / shown.length),
      points: r.cells.map((c, k) => [k, c?.retention ?? null]),
    }));
    series.push({ label: t("cohort.average"), color: ctx.theme.text, width: 3, dots: K <= 30, points: co.average.map((a) => [a.k, a.retention]) });
    const curves = lineChart(series, {
      title: t("cohort.curves"),
      yMax: 1,
      yFormat: f.pct,
      xTitle: t(`k.axis.${co.grain}`),
      legend: [{ label: t("cohort.average"), color: ctx.theme.text, line: true, width: 3 }, { label: t("cohort.cohort"), color: ctx.theme.series[0], line: true, width: 1.4 }],
      width: ctx.width,
      height: 320,
    }, ctx.theme);
    const curvesNote = t("cohort.curves.note") + (co.rows.length > shown.length ? " " + t("cohort.curves.more", { n: shown.length, total: co.rows.length }) : "");

    return card(ctx, "cohorts", t("cohort.title"), t("cohort.subtitle"), controls,
      h("div", { class: "subhead" }, h("h3", {}, t(`metric.${metric}`)),
        h("span", { class: "dl" }, csvButton(ctx, `cohorts-${metric}`, csvMatrix), csvButton(ctx, "cohorts-all", csvLong, t("dl.csvLong")))),
      co.rows.length
        ? box
        : h("p", { class: "muted" }, t("cohort.empty")),
      co.rows.length ? details : null,
      clipped ? h("p", { class: "small muted more" }, t("cohort.clipped", { rows: f.int(shownRows.length), total: f.int(co.rows.length), cols: f.int(K), all: f.int(Kall) })) : null,
      h("div", { class: "legend" },
        h("span", {}, h("span", { class: "swatch partial" }), "* ", t("cohort.partial"))),
      co.rows.length ? figure(ctx, "retention-curves", t("cohort.curves"), curves, curvesNote) : null);
  },
};
