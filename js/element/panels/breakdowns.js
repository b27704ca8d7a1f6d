import { h } from "../format.js";
import { intervalChart, intervalBar } from "../charts.js";
import { card, select, figure, tableBlock, groupLabel } from "./common.js";

// ----------------------------------------------------------------------------------- breakdowns

export const breakdownPanel = {
  id: "breakdowns",
  title: (t) => t("bd.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const mapped = new Set(Object.values(report.ingest.mapping));
    const dims = report.breakdowns.map((b) => b.dimension);
    for (const c of ctx.columns) if (!mapped.has(c) && !dims.includes(c)) dims.push(c);
    if (!dims.length) return card(ctx, "breakdowns", t("bd.title"), t("bd.subtitle"), null, h("p", { class: "muted" }, t("bd.none")));
    const current = dims.includes(ctx.view.bdDimension) ? ctx.view.bdDimension : dims[0];
    const bd = report.breakdowns.find((b) => b.dimension === current);
    const choose = (d) => {
      if (!report.breakdowns.some((b) => b.dimension === d)) {
        const list = (ctx.options.breakdowns ?? report.breakdowns.map((b) => ({ dimension: b.dimension, attribution: b.attribution })));
        ctx.setView({ bdDimension: d }, null);
        ctx.setOption({ breakdowns: [...list, d] });
      } else ctx.setView({ bdDimension: d }, "breakdowns");
    };
    const controls = [select(ctx, t("bd.dimension"), current, dims.map((d) => [d, d]), choose, "bd-dimension")];
    if (!bd) return card(ctx, "breakdowns", t("bd.title"), t("bd.subtitle"), controls, h("p", { class: "muted" }, "…"));

    const overall = report.summary.repurchaseRate;
    const chart = intervalChart(bd.groups.map((g) => ({
      label: groupLabel(ctx, g.value), value: g.repurchaseRate, low: g.ciLow, high: g.ciHigh,
      note: `${f.pct(g.repurchaseRate)} · n=${f.int(g.customers)}`,
    })), { format: f.pct, ref: { x: overall }, title: t("bd.chart", { dim: current }), width: ctx.width }, ctx.theme);
    const table = tableBlock(ctx, {
      name: `breakdown-${current}`,
      columns: [
        { label: t("bd.value"), get: (g) => groupLabel(ctx, g.value), csv: (g) => g.value, text: true },
        { label: t("bd.customers"), get: (g) => g.customers, fmt: f.int },
        { label: t("bd.repurchaseRate"), get: (g) => g.repurchaseRate, fmt: f.pct },
        { label: t("bd.interval"), get: (g) => g.ciLow, csv: (g) => (g.ciLow == null ? null : `${g.ciLow}–${g.ciHigh}`),
          node: (g) => h("span", { title: `${f.pct(g.ciLow)} – ${f.pct(g.ciHigh)}` }, intervalBar(g.repurchaseRate, g.ciLow, g.ciHigh, ctx.theme), " ", h("span", { class: "small muted" }, g.ciLow == null ? "" : `${f.pct(g.ciLow)}–${f.pct(g.ciHigh)}`)) },
        { label: t("bd.purchasesPerCustomer"), get: (g) => g.purchasesPerCustomer, fmt: f.dec2 },
        { label: t("bd.revenuePerCustomer"), get: (g) => g.revenuePerCustomer, fmt: f.money },
        { label: t("bd.medianDaysToSecond"), get: (g) => g.medianDaysToSecond, fmt: f.dec1 },
      ],
      rows: bd.groups,
      rowData: (g) => ({ group: g.value }),
      // The engine's group, "(blank)" and "(other)" included.
      open: (g) => ({
        selection: { group: { dimension: current, value: g.value } },
        title: `${current}: ${groupLabel(ctx, g.value)}`,
        facts: [[t("bd.customers"), f.int(g.customers)], [t("bd.repurchaseRate"), f.pct(g.repurchaseRate)],
          [t("bd.revenuePerCustomer"), f.money(g.revenuePerCustomer)], [t("bd.medianDaysToSecond"), f.dec1(g.medianDaysToSecond)]],
      }),
    });
    const comps = report.comparisons;
    const compTable = comps.length ? tableBlock(ctx, {
      title: t("cmp.title"),
      name: "comparisons",
      columns: [
        { label: t("cmp.pair"), get: (c) => `${c.dimension}: ${groupLabel(ctx, c.a)} vs ${groupLabel(ctx, c.b)}`, text: true },
        { label: t("cmp.rateA"), get: (c) => c.rateA, fmt: f.pct },
        { label: t("cmp.rateB"), get: (c) => c.rateB, fmt: f.pct },
        { label: t("cmp.difference"), get: (c) => c.difference, fmt: f.pp },
        { label: t("cmp.interval"), get: (c) => c.ciLow, csv: (c) => (c.ciLow == null ? null : `${c.ciLow}–${c.ciHigh}`), node: (c) => (c.ciLow == null ? "" : `${f.pp(c.ciLow)} … ${f.pp(c.ciHigh)}`) },
        { label: t("cmp.pValue"), get: (c) => c.pValue, node: (c) => h("span", { class: c.pValue != null && c.pValue < 0.05 ? "sig" : null, title: c.pValue != null && c.pValue < 0.05 ? t("cmp.significant") : null }, f.pvalue(c.pValue), c.pValue != null && c.pValue < 0.05 ? " ✓" : "") },
      ],
      rows: comps,
    }) : null;
    return card(ctx, "breakdowns", t("bd.title"), `${t("bd.subtitle")} ${t("bd.attribution", { a: t(`attribution.${bd.attribution}`) })}`, controls,
      figure(ctx, `breakdown-${current}`, t("bd.chart", { dim: current }), chart, t("bd.ref", { v: f.pct(overall) })),
      table,
      compTable);
  },
};
