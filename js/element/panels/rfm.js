import { h } from "../format.js";
import { barChart } from "../charts.js";
import { heatRamp } from "../colors.js";
import { card, segmented, csvButton, figure, tableBlock, detailsLine, segName, openButton } from "./common.js";

// ------------------------------------------------------------------------------------------ RFM

export const rfmPanel = {
  id: "rfm",
  title: (t) => t("rfm.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const rfm = report.rfm;
    const total = rfm.grid.flat().reduce((a, b) => a + b, 0);
    const max = Math.max(1, ...rfm.grid.flat());
    // The segment of each cell is the engine's (rf10); cn8 segments do not follow the R×F grid.
    const cellSegment = (R, F) => rfm.gridSegments?.[R - 1]?.[F - 1] ?? null;
    const ramp = heatRamp({ low: ctx.theme.track, high: ctx.theme.heat, share: 0.85, text: ctx.theme.text });
    const grid = h("table", { class: "rfm", dataset: { table: "rfm-grid" } },
      h("caption", { class: "sr-only" }, t("rfm.grid")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "h axis-title" }, "R \\ F"),
        [1, 2, 3, 4, 5].map((F) => h("th", { scope: "col", class: "h" }, `F${F}`)))),
      h("tbody", {}, [5, 4, 3, 2, 1].map((R) => h("tr", {},
        h("th", { scope: "row", class: "h" }, `R${R}`),
        [1, 2, 3, 4, 5].map((F) => {
          const n = rfm.grid[R - 1][F - 1];
          const x = n / max;
          const seg = cellSegment(R, F);
          const cell = h("td", {
            class: "cell",
            dataset: { r: String(R), f: String(F), value: String(n), ...(seg ? { segment: seg } : {}) },
            title: `R${R} F${F}: ${f.int(n)} (${f.pct(total ? n / total : null)})` + (seg ? ` · ${segName(ctx, seg)}` : ""),
          }, openButton(ctx, [h("b", {}, f.int(n)), h("span", {}, f.pct(total ? n / total : null)), seg ? h("span", {}, segName(ctx, seg)) : null], {
            selection: { cell: { r: R, f: F } },
            title: `R${R} F${F}` + (seg ? ` · ${segName(ctx, seg)}` : ""),
            facts: [[t("rfm.customers"), f.int(n)], [t("rfm.share"), f.pct(total ? n / total : null)]],
          }, "cell-open"));
          const { background, color } = ramp(x);
          cell.style.backgroundColor = background;
          cell.style.color = color;
          return cell;
        })))));
    const gridCsv = () => ({ header: ["R \\ F", "F1", "F2", "F3", "F4", "F5"], rows: [5, 4, 3, 2, 1].map((R) => [`R${R}`, ...rfm.grid[R - 1]]) });

    const segs = rfm.segments;
    const chart = barChart(segs.map((s) => ({
      label: segName(ctx, s.segment),
      values: [s.share, s.revenueShare],
      notes: [f.pct(s.share), f.pct(s.revenueShare)],
    })), {
      series: [{ label: t("rfm.share"), color: ctx.theme.series[0] }, { label: t("rfm.revenueShare"), color: ctx.theme.series[1] }],
      format: f.pct, max: Math.max(0.01, ...segs.flatMap((s) => [s.share ?? 0, s.revenueShare ?? 0])), title: t("rfm.chart"), width: ctx.half,
    }, ctx.theme);
    const table = tableBlock(ctx, {
      name: `rfm-segments-${rfm.scheme}`,
      columns: [
        { label: t("rfm.segment"), get: (s) => segName(ctx, s.segment), text: true },
        { label: t("rfm.customers"), get: (s) => s.customers, fmt: f.int },
        { label: t("rfm.share"), get: (s) => s.share, fmt: f.pct },
        { label: t("rfm.revenue"), get: (s) => s.revenue, fmt: f.money },
        { label: t("rfm.revenueShare"), get: (s) => s.revenueShare, fmt: f.pct },
        { label: t("rfm.meanRecency"), get: (s) => s.meanRecency, fmt: f.dec1 },
        { label: t("rfm.meanFrequency"), get: (s) => s.meanFrequency, fmt: f.dec2 },
        { label: t("rfm.meanMonetary"), get: (s) => s.meanMonetary, fmt: f.money },
        { label: t("rfm.repurchaseRate"), get: (s) => s.repurchaseRate, fmt: f.pct },
      ],
      rows: segs,
      rowData: (s) => ({ segment: s.segment }),
      open: (s) => ({
        selection: { segment: s.segment },
        title: segName(ctx, s.segment),
        facts: [[t("rfm.customers"), f.int(s.customers)], [t("rfm.share"), f.pct(s.share)], [t("rfm.revenue"), f.money(s.revenue)],
          [t("rfm.revenueShare"), f.pct(s.revenueShare)], [t("rfm.meanRecency"), f.dec1(s.meanRecency)], [t("rfm.repurchaseRate"), f.pct(s.repurchaseRate)]],
      }),
    });
    const controls = [segmented(ctx, t("rfm.scheme"), rfm.scheme, [["rf10", t("scheme.rf10")], ["cn8", t("scheme.cn8")]], (v) => ctx.setOption({ rfmSegments: v }), "rfm-scheme")];
    const exportButtons = h("div", { class: "subhead" }, h("span", { class: "small muted" }, t("rfm.customerTable")),
      h("span", { class: "dl" },
        h("button", { type: "button", class: "btn small", title: t("dl.customersCsvTitle"), dataset: { download: "customers-csv" }, onclick: () => ctx.exportCustomers("csv") }, "⤓ ", t("dl.csv")),
        h("button", { type: "button", class: "btn small", title: t("dl.arrowTitle"), dataset: { download: "customers-arrow" }, onclick: () => ctx.exportCustomers("arrow") }, "⤓ ", t("dl.arrow"))));
    return card(ctx, "rfm", t("rfm.title"), t("rfm.subtitle"), controls,
      h("div", { class: "cols" },
        h("div", {}, h("div", { class: "subhead" }, h("h3", {}, t("rfm.grid")), csvButton(ctx, "rfm-grid", gridCsv)), grid,
          detailsLine(ctx, grid, "td.cell", (td) => td.title),
          h("p", { class: "small muted", dataset: {} }, `${t("rfm.r")} ↓ · ${t("rfm.f")} →`)),
        figure(ctx, "rfm-segments", t("rfm.chart"), chart)),
      table,
      exportButtons);
  },
};
