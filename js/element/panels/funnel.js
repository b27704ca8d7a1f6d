import { h } from "../format.js";
import { barChart, columnChart } from "../charts.js";
import { card, figure, tableBlock, nth } from "./common.js";

// --------------------------------------------------------------------------------------- funnel

export const funnelPanel = {
  id: "funnel",
  title: (t) => t("funnel.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const fu = report.funnel;
    const first = fu.steps[0]?.reached ?? 0;
    const bars = barChart(fu.steps.map((s) => ({
      label: nth(ctx, s.n),
      values: [s.reached],
      notes: [`${f.int(s.reached)} · ${f.pct(first ? s.reached / first : null)}`],
    })), { series: [{ label: t("funnel.reached"), color: ctx.theme.series[0] }], format: f.int, title: t("funnel.chart"), width: ctx.width }, ctx.theme);

    const steps = tableBlock(ctx, {
      name: "funnel",
      columns: [
        { label: t("funnel.step"), get: (s) => nth(ctx, s.n), text: true },
        { label: t("funnel.reached"), get: (s) => s.reached, fmt: f.int },
        { label: t("funnel.share"), get: (s) => (first ? s.reached / first : null), fmt: f.pct },
        { label: t("funnel.conversion"), get: (s) => s.conversion, fmt: f.pct },
        { label: t("funnel.gapMedian"), get: (s) => s.gapDays.median, fmt: f.dec1 },
        { label: t("funnel.gapIqr"), get: (s) => (s.gapDays.p25 == null ? null : `${f.dec1(s.gapDays.p25)} – ${f.dec1(s.gapDays.p75)}`), csv: (s) => (s.gapDays.p25 == null ? null : `${s.gapDays.p25}–${s.gapDays.p75}`) },
        { label: t("funnel.gapMean"), get: (s) => s.gapDays.mean, fmt: f.dec1 },
      ],
      rows: fu.steps,
      rowData: (s) => ({ n: String(s.n) }),
    });

    const within = fu.repurchaseWithin;
    const withinChart = barChart(within.map((w) => ({
      label: t("within.daysN", { d: f.int(w.days) }),
      values: [w.rate],
      notes: [w.rate == null ? "–" : `${f.pct(w.rate)} (${f.int(w.repurchased)}/${f.int(w.eligible)})`],
    })), { series: [{ label: t("within.rate"), color: ctx.theme.series[1] }], format: f.pct, max: Math.max(0.05, ...within.map((w) => w.rate ?? 0)), title: t("within.title"), width: ctx.half }, ctx.theme);
    const withinTable = tableBlock(ctx, {
      name: "repurchase-within",
      columns: [
        { label: t("within.days"), get: (w) => w.days, fmt: (d) => t("within.daysN", { d: f.int(d) }) },
        { label: t("within.eligible"), get: (w) => w.eligible, fmt: f.int },
        { label: t("within.repurchased"), get: (w) => w.repurchased, fmt: f.int },
        { label: t("within.rate"), get: (w) => w.rate, fmt: f.pct },
      ],
      rows: within,
      note: t("within.note"),
    });

    const binLabel = (b) => (b.toDays == null ? t("hist.open", { from: f.int(b.fromDays) }) : `${f.int(b.fromDays)}–${f.int(b.toDays)}`);
    const hist = columnChart(fu.histogram.map((b) => ({ label: binLabel(b), value: b.customers })), { format: f.int, xTitle: t("hist.bin"), title: t("hist.title"), width: ctx.half }, ctx.theme);
    const histTable = tableBlock(ctx, {
      name: "gap-histogram",
      columns: [
        { label: t("hist.bin"), get: (b) => binLabel(b), text: true },
        { label: t("hist.customers"), get: (b) => b.customers, fmt: f.int },
      ],
      rows: fu.histogram,
    });

    return card(ctx, "funnel", t("funnel.title"), t("funnel.subtitle"), null,
      figure(ctx, "funnel", t("funnel.chart"), bars),
      steps,
      h("div", { class: "cols" },
        h("div", {}, figure(ctx, "repurchase-within", t("within.title"), withinChart), withinTable),
        h("div", {}, figure(ctx, "gap-histogram", t("hist.title"), hist), histTable)));
  },
};
