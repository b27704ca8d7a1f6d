import { h } from "../format.js";
import { intervalChart, intervalBar } from "../charts.js";
import { card, figure, tableBlock, openButton } from "./common.js";

// ------------------------------------------------------------------------ products (SPEC §12)
//
// Shown when the Report has `products` (a product column is named: mapping.product). Repurchase
// by first product with its interval, per product repeat buyers and 复购周期 (the median days
// between purchases of the same product: when to remind), and what first buyers buy next.

/** A small bar of a share (CSSOM width: the CSP forbids style attributes). */
function shareBar(share) {
  const fill = h("span");
  fill.style.width = `${Math.round((share ?? 0) * 100)}%`;
  return h("span", { class: "bar", "aria-hidden": "true" }, fill);
}

export const productPanel = {
  id: "products",
  title: (t) => t("prod.title"),
  when: (ctx) => ctx.report?.products != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const p = report.products;
    const overall = report.summary.repurchaseRate;
    const first = p.firstProduct;
    const chart = first.length ? intervalChart(first.map((g) => ({
      label: g.product, value: g.repurchaseRate, low: g.ciLow, high: g.ciHigh,
      note: `${f.pct(g.repurchaseRate)} · n=${f.int(g.customers)}`,
    })), { format: f.pct, ref: { x: overall }, title: t("prod.firstChart"), width: ctx.width }, ctx.theme) : null;
    const firstTable = tableBlock(ctx, {
      title: t("prod.first"),
      name: "products-first",
      columns: [
        { label: t("prod.product"), get: (g) => g.product, text: true },
        { label: t("prod.customers"), get: (g) => g.customers, fmt: f.int },
        { label: t("prod.repurchaseRate"), get: (g) => g.repurchaseRate, fmt: f.pct },
        { label: t("bd.interval"), get: (g) => g.ciLow, csv: (g) => (g.ciLow == null ? null : `${g.ciLow}–${g.ciHigh}`),
          node: (g) => h("span", { title: `${f.pct(g.ciLow)} – ${f.pct(g.ciHigh)}` }, intervalBar(g.repurchaseRate, g.ciLow, g.ciHigh, ctx.theme), " ", h("span", { class: "small muted" }, g.ciLow == null ? "" : `${f.pct(g.ciLow)}–${f.pct(g.ciHigh)}`)) },
        { label: t("bd.revenuePerCustomer"), get: (g) => g.revenuePerCustomer, fmt: f.money },
        { label: t("bd.medianDaysToSecond"), get: (g) => g.medianDaysToSecond, fmt: f.dec1 },
      ],
      rows: first,
      rowData: (g) => ({ product: g.product }),
      open: (g) => ({
        selection: { product: g.product, as: "first" },
        title: t("prod.listFirst", { p: g.product }),
        facts: [[t("prod.customers"), f.int(g.customers)], [t("prod.repurchaseRate"), f.pct(g.repurchaseRate)], [t("bd.revenuePerCustomer"), f.money(g.revenuePerCustomer)]],
      }),
    });

    const cycle = (c) => (c == null ? "" : f.dec1(c.median));
    const repeatTable = tableBlock(ctx, {
      title: t("prod.repeat"),
      name: "products-repeat",
      columns: [
        { label: t("prod.product"), get: (g) => g.product, text: true },
        { label: t("prod.buyers"), get: (g) => g.buyers, fmt: f.int },
        { label: t("prod.repeatBuyers"), get: (g) => g.repeatBuyers, fmt: f.int,
          node: (g) => (g.repeatBuyers > 0 ? openButton(ctx, f.int(g.repeatBuyers), {
            selection: { product: g.product, as: "repeat" },
            title: t("prod.listRepeat", { p: g.product }),
            facts: [[t("prod.repeatBuyers"), f.int(g.repeatBuyers)], [t("prod.repeatRate"), f.pct(g.repeatRate)], [t("prod.cycle"), cycle(g.cycleDays)]],
          }) : f.int(g.repeatBuyers)) },
        { label: t("prod.repeatRate"), get: (g) => g.repeatRate, fmt: f.pct },
        { label: t("prod.cycle"), get: (g) => g.cycleDays?.median ?? null, fmt: f.dec1 },
        { label: t("prod.cycleRange"), get: (g) => g.cycleDays?.p25 ?? null, csv: (g) => (g.cycleDays ? `${g.cycleDays.p25}–${g.cycleDays.p75}` : null),
          node: (g) => (g.cycleDays ? `${f.dec1(g.cycleDays.p25)}–${f.dec1(g.cycleDays.p75)}` : "") },
      ],
      rows: p.repeat,
      rowData: (g) => ({ product: g.product }),
      open: (g) => ({
        selection: { product: g.product, as: "buyers" },
        title: t("prod.listBuyers", { p: g.product }),
        facts: [[t("prod.buyers"), f.int(g.buyers)], [t("prod.repeatRate"), f.pct(g.repeatRate)], [t("prod.cycle"), cycle(g.cycleDays)]],
      }),
    });

    const nextTable = tableBlock(ctx, {
      title: t("prod.next"),
      name: "products-next",
      columns: [
        { label: t("prod.firstProduct"), get: (r) => r.product, text: true },
        { label: t("prod.secondBuyers"), get: (r) => r.customers, fmt: f.int },
        { label: t("prod.nextTop"), get: (r) => r.top.map((q) => `${q.product} ${f.pct(q.share)}`).join(" · "), text: true,
          csv: (r) => r.top.map((q) => `${q.product} (${q.customers}; ${q.share})`).join("; "),
          node: (r) => h("span", { class: "next-list" }, r.top.map((q) => h("span", { class: "next", dataset: { product: q.product, value: String(q.share) }, title: `${q.product}: ${f.int(q.customers)} (${f.pct(q.share)})` },
            shareBar(q.share), " ", q.product, " ", h("span", { class: "small muted" }, f.pct(q.share))))) },
      ],
      rows: p.next,
      rowData: (r) => ({ product: r.product }),
    });

    return card(ctx, "products", t("prod.title"), t("prod.subtitle", { column: p.column }), null,
      chart ? figure(ctx, "products-first", t("prod.firstChart"), chart, t("bd.ref", { v: f.pct(overall) })) : null,
      firstTable,
      h("p", { class: "small muted" }, t("prod.cycleNote")),
      repeatTable,
      nextTable);
  },
};
