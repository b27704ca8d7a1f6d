import { h } from "../format.js";
import { lineChart } from "../charts.js";
import { card, select, figure, tableBlock, GRAINS } from "./common.js";

// -------------------------------------------------------------------------------------- periods

export const periodPanel = {
  id: "periods",
  title: (t) => t("period.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const r = report.rates;
    const P = r.periods;
    const th = ctx.theme;
    const chart = lineChart([
      { label: t("period.periodRepurchaseRate"), color: th.series[0], points: P.map((p, i) => [i, p.periodRepurchaseRate]), dots: P.length <= 40 },
      { label: t("period.returningRate"), color: th.series[1], points: P.map((p, i) => [i, p.returningRate]), dots: P.length <= 40 },
      { label: t("period.churnRate"), color: th.series[3], dash: "6 4", points: P.map((p, i) => [i, p.churnRate]) },
    ], {
      title: t("period.chart"),
      xLabels: P.map((p) => p.period),
      yFormat: f.pct,
      yMax: Math.min(1, Math.max(0.05, report.summary.repurchaseRate ?? 0, ...P.flatMap((p) => [p.periodRepurchaseRate ?? 0, p.returningRate ?? 0, p.churnRate ?? 0]))),
      ref: { y: report.summary.repurchaseRate, color: th.muted },
      legend: [
        { label: t("period.periodRepurchaseRate"), color: th.series[0], line: true },
        { label: t("period.returningRate"), color: th.series[1], line: true },
        { label: t("period.churnRate"), color: th.series[3], line: true, dash: "6 4" },
        { label: t("period.overall"), color: th.muted, line: true, dash: "5 4" },
      ],
      height: 320,
      width: ctx.width,
    }, th);
    const table = tableBlock(ctx, {
      name: "periods",
      columns: [
        { label: t("period.period"), get: (p) => p.period, text: true },
        { label: t("period.buyers"), get: (p) => p.buyers, fmt: f.int },
        { label: t("period.repeatBuyers"), get: (p) => p.repeatBuyers, fmt: f.int },
        { label: t("period.periodRepurchaseRate"), get: (p) => p.periodRepurchaseRate, fmt: f.pct },
        { label: t("period.returningBuyers"), get: (p) => p.returningBuyers, fmt: f.int },
        { label: t("period.returningRate"), get: (p) => p.returningRate, fmt: f.pct },
        { label: t("period.churnRate"), get: (p) => p.churnRate, fmt: f.pct },
      ],
      rows: P,
      rowData: (p) => ({ period: p.period }),
    });
    const controls = [select(ctx, t("period.grain"), r.grain, GRAINS.map((g) => [g, t(`grain.${g}`)]), (g) => ctx.setOption({ periodGrain: g }), "period-grain")];
    return card(ctx, "periods", t("period.title"), t("period.subtitle", { grain: t(`grainN.${r.grain}`) }), controls,
      h("p", { class: "small" }, t("period.overall"), ": ", h("b", { dataset: { value: String(report.summary.repurchaseRate ?? "") } }, f.pct(report.summary.repurchaseRate))),
      figure(ctx, "period-rates", t("period.chart"), chart),
      table);
  },
};
