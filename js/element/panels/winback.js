import { h } from "../format.js";
import { lineChart, stackedColumnChart } from "../charts.js";
import { card, figure, tableBlock, kpi, openButton } from "./common.js";

// ----------------------------------------------------------------------- win-back (SPEC §13)
//
// Beside the silent customers: the 唤醒 rate per period (lapsed customers who came back), how
// many customers ever came back after a lapse and the gap they had, and a lifecycle view per
// period (new, returning, reactivated, lapsed) drawn from figures of the Report:
//   new         = rates.buyers − rates.returningBuyers (buyers whose first purchase is in p, §3)
//   reactivated = winback.reactivated (§13; they are returning buyers of p)
//   returning   = rates.returningBuyers − reactivated
//   lapsed      = buyers of p−1 who did not buy in p: rates.churned (§8)

/** The lifecycle counts per period, from `rates` and `winback` (matched by period label). */
export function lifecycle(report) {
  const wb = new Map((report.winback?.periods ?? []).map((p) => [p.period, p]));
  const P = report.rates.periods;
  return P.map((p) => {
    const w = wb.get(p.period);
    const reactivated = w ? w.reactivated : null;
    return {
      period: p.period,
      new: p.buyers - p.returningBuyers,
      returning: reactivated == null ? p.returningBuyers : p.returningBuyers - reactivated,
      reactivated,
      lapsed: p.churned ?? null,
    };
  });
}

export const winbackPanel = {
  id: "winback",
  title: (t) => t("wb.title"),
  when: (ctx) => ctx.report?.winback != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const wb = report.winback;
    const th = ctx.theme;
    const P = wb.periods;
    const gap = wb.gapDays;
    const rateChart = lineChart([
      { label: t("wb.rate"), color: th.series[2], points: P.map((p, i) => [i, p.rate]), dots: P.length <= 40 },
    ], {
      title: t("wb.rateChart"),
      xLabels: P.map((p) => p.period),
      yFormat: f.pct,
      yMax: Math.min(1, Math.max(0.05, ...P.map((p) => p.rate ?? 0))),
      width: ctx.half,
      height: 280,
    }, th);
    const life = lifecycle(report);
    const series = [
      { label: t("wb.life.new"), key: "new", color: th.series[0] },
      { label: t("wb.life.returning"), key: "returning", color: th.series[1] },
      { label: t("wb.life.reactivated"), key: "reactivated", color: th.series[2] },
      { label: t("wb.life.lapsed"), key: "lapsed", color: th.series[3], negative: true },
    ];
    const lifeChart = stackedColumnChart(life.map((l) => ({ label: l.period, key: l.period, values: [l.new, l.returning, l.reactivated, l.lapsed] })),
      { series, format: f.int, title: t("wb.lifeChart"), width: ctx.half, height: 280 }, th);
    const table = tableBlock(ctx, {
      title: t("wb.rateChart"),
      tall: true,
      name: "winback-periods",
      columns: [
        { label: t("period.period"), get: (p) => p.period, text: true },
        { label: t("wb.lapsed"), get: (p) => p.lapsed, fmt: f.int },
        { label: t("wb.reactivated"), get: (p) => p.reactivated, fmt: f.int },
        { label: t("wb.rate"), get: (p) => p.rate, fmt: f.pct },
      ],
      rows: P,
      rowData: (p) => ({ period: p.period }),
    });
    const lifeTable = tableBlock(ctx, {
      title: t("wb.lifeChart"),
      tall: true,
      name: "lifecycle",
      columns: [
        { label: t("period.period"), get: (l) => l.period, text: true },
        ...series.map((se) => ({ label: se.label, get: (l) => l[se.key], fmt: f.int })),
      ],
      rows: life,
      rowData: (l) => ({ period: l.period }),
    });
    return card(ctx, "winback", t("wb.title"), t("wb.subtitle", { d: f.int(wb.silentDays) }), null,
      h("div", { class: "kpis" },
        kpi("winbackCustomers", t("wb.customers"), wb.customers, f.int(wb.customers)),
        kpi("winbackShare", t("wb.share"), wb.share, f.pct(wb.share)),
        kpi("winbackGap", t("wb.gap"), gap?.median ?? null, gap ? f.int(gap.median) : "", gap ? t("wb.gapRange", { p25: f.int(gap.p25), p75: f.int(gap.p75) }) : null)),
      h("div", { class: "list-buttons" }, wb.customers > 0 ? openButton(ctx, ["⋯ ", t("wb.open", { n: f.int(wb.customers) })], {
        selection: { list: "winback" },
        title: t("wb.listTitle"),
        facts: [[t("wb.customers"), f.int(wb.customers)], [t("wb.share"), f.pct(wb.share)], [t("wb.gap"), gap ? f.int(gap.median) : "–"]],
      }, "btn small") : null),
      h("div", { class: "cols" },
        figure(ctx, "winback-rate", t("wb.rateChart"), rateChart),
        figure(ctx, "lifecycle", t("wb.lifeChart"), lifeChart, t("wb.lifeNote"))),
      h("div", { class: "cols" }, table, lifeTable));
  },
};
