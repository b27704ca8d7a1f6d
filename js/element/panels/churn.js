import { h, formatTime } from "../format.js";
import { card, tableBlock, kpi, moneyKpi, segName, openButton } from "./common.js";

// ----------------------------------------------------------------------------------------- churn

/**
 * Under a list the engine cut at listLimit: how many are shown, and the whole per-customer table
 * (each customer's recency, segment and purchases, from the engine's export) for the rest. The
 * table's own CSV button exports the rows shown.
 */
function moreNote(ctx, shown, total) {
  const { t, f } = ctx;
  return h("span", {}, t("churn.listShown", { shown: f.int(shown), total: f.int(total) }), " ",
    h("button", { type: "button", class: "btn small", title: t("dl.customersCsvTitle"), dataset: { download: "customers-csv-all" }, onclick: () => ctx.exportCustomers("csv") }, "⤓ ", t("churn.customerTable")));
}

export const churnPanel = {
  id: "churn",
  title: (t) => t("churn.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const c = report.churn;
    // The engine's list (SPEC §8): the most valuable silent customers, at most listLimit.
    const silent = c.silentCustomers;
    const silentBlock = silent.length ? tableBlock(ctx, {
      title: t("churn.silentList", { d: f.int(c.silentDays), n: f.int(silent.length) }),
      name: "silent-customers",
      columns: [
        { label: t("churn.customer"), get: (r) => r.customer, text: true },
        { label: t("churn.lastPurchase"), get: (r) => r.lastPurchase, fmt: formatTime },
        { label: t("churn.recency"), get: (r) => r.recency, fmt: f.int },
        { label: t("churn.purchases"), get: (r) => r.purchases, fmt: f.int },
        { label: t("churn.revenue"), get: (r) => r.revenue, fmt: f.money },
        { label: t("churn.segment"), get: (r) => segName(ctx, r.segment), csv: (r) => r.segment, text: true },
      ],
      rows: silent,
      rowData: (r) => ({ customer: r.customer }),
      note: c.silent > silent.length ? moreNote(ctx, silent.length, c.silent) : null,
    }) : h("p", { class: "small muted" }, t("churn.none"));
    const overdue = c.overdue.length ? tableBlock(ctx, {
      title: t("churn.overdueList", { f: f.sig(c.overdueFactor), n: f.int(c.overdue.length) }),
      name: "overdue-customers",
      columns: [
        { label: t("churn.customer"), get: (r) => r.customer, text: true },
        { label: t("churn.lastPurchase"), get: (r) => r.lastPurchase, fmt: formatTime },
        { label: t("churn.daysSinceLast"), get: (r) => r.daysSinceLast, fmt: f.dec1 },
        { label: t("churn.medianGapDays"), get: (r) => r.medianGapDays, fmt: f.dec1 },
        { label: t("churn.purchases"), get: (r) => r.purchases, fmt: f.int },
        { label: t("churn.revenue"), get: (r) => r.revenue, fmt: f.money },
        { label: t("churn.overdueRatio"), get: (r) => r.overdueRatio, fmt: (v) => (v == null ? "" : `${f.dec1(v)}×`) },
      ],
      rows: c.overdue,
      note: c.overdueCount > c.overdue.length ? moreNote(ctx, c.overdue.length, c.overdueCount) : null,
    }) : h("p", { class: "small muted" }, t("churn.none"));
    const lists = h("div", { class: "list-buttons" },
      openButton(ctx, ["⋯ ", t("churn.openSilent", { n: f.int(c.silent) })], {
        selection: { list: "silent" },
        title: t("churn.silentTitle", { d: f.int(c.silentDays) }),
        facts: [[t("churn.silent"), f.int(c.silent)], [t("churn.silentShare"), f.pct(c.silentShare)], [t("churn.silentRevenue"), f.money(c.silentRevenue)]],
      }, "btn small"),
      openButton(ctx, ["⋯ ", t("churn.openOverdue", { n: f.int(c.overdueCount) })], {
        selection: { list: "overdue" },
        title: t("churn.overdueTitle", { f: f.sig(c.overdueFactor) }),
        facts: [[t("churn.overdueCount"), f.int(c.overdueCount)]],
      }, "btn small"));
    return card(ctx, "churn", t("churn.title"), t("churn.subtitle"), null,
      h("div", { class: "kpis" },
        kpi("silent", t("churn.silent"), c.silent, f.int(c.silent), `> ${f.int(c.silentDays)} ${ctx.lang === "zh" ? "天" : "days"}`),
        kpi("silentShareChurn", t("churn.silentShare"), c.silentShare, f.pct(c.silentShare)),
        moneyKpi(ctx, "silentRevenue", t("churn.silentRevenue"), c.silentRevenue),
        kpi("overdueCount", t("churn.overdueCount"), c.overdueCount, f.int(c.overdueCount))),
      lists,
      silentBlock,
      overdue);
  },
};
