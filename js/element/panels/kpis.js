import { h } from "../format.js";
import { card, kpi, moneyKpi } from "./common.js";

// ---------------------------------------------------------------------------------------- KPIs

export const kpiPanel = {
  id: "kpis",
  title: (t) => t("kpi.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const s = report.summary;
    const c = report.churn;
    // Under filters, the figures are those of the orders kept: say so where they are read.
    const kept = report.filter;
    const note = kept ? h("p", { class: "small filter-note", dataset: { filtered: "" } }, t("kpi.filtered", { kept: f.int(kept.keptOrders), total: f.int(kept.keptOrders + kept.excludedOrders) })) : null;
    return card(ctx, "kpis", t("kpi.title"), null, null, note,
      h("div", { class: "kpis" },
        kpi("customers", t("kpi.customers"), s.customers, f.int(s.customers), s.nonBuyers ? t("kpi.customers.note", { n: f.int(s.nonBuyers) }) : null),
        kpi("repurchaseRate", t("kpi.repurchaseRate"), s.repurchaseRate, f.pct(s.repurchaseRate), t("kpi.repurchaseRate.note"), true),
        kpi("purchasesPerCustomer", t("kpi.purchasesPerCustomer"), s.purchasesPerCustomer, f.dec2(s.purchasesPerCustomer), t("kpi.purchasesPerCustomer.note", { n: f.int(s.purchases) })),
        moneyKpi(ctx, "averageOrderValue", t("kpi.averageOrderValue"), s.averageOrderValue, t("kpi.averageOrderValue.note")),
        moneyKpi(ctx, "revenuePerCustomer", t("kpi.revenuePerCustomer"), s.revenuePerCustomer, s.revenue != null ? t("kpi.revenuePerCustomer.note", { v: f.money(s.revenue) }) : null),
        kpi("silentShare", t("kpi.silentShare"), c.silentShare, f.pct(c.silentShare), t("kpi.silentShare.note", { n: f.int(c.silent), d: f.int(c.silentDays) }))));
  },
};
