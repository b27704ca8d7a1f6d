import { h } from "../format.js";

// ------------------------------------------------------------------------------ amount banner
//
// Without an amount column every monetary figure is null (SPEC §1): a banner says which figures
// need one and offers the file's columns that could hold it: the probe's numeric columns.

export const amountPanel = {
  id: "amount",
  nav: false,
  title: (t) => t("amount.title"),
  // A warehouse summary's columns were chosen in its SQL: nothing to choose here.
  when: (ctx) => ctx.report != null && ctx.report.warehouse == null && ctx.report.ingest.mapping.amount == null,
  render(ctx) {
    const { t, report } = ctx;
    const mapping = report.ingest.mapping;
    const used = new Set(Object.values(mapping));
    const offered = [];
    // The probe's numeric columns that play no role (and amount synonyms); without them (a
    // workbook, or no probe) the columns no role uses.
    const numeric = [...(ctx.probe?.candidates?.amount ?? []), ...(ctx.probe?.numeric ?? [])];
    for (const c of numeric.length ? numeric : ctx.columns) {
      if (!used.has(c) && !offered.includes(c)) offered.push(c);
    }
    const sel = h("select", { dataset: { focus: "amount-column", amount: "column" } },
      h("option", { value: "" }, t("amount.choose")),
      offered.map((c) => h("option", { value: c }, c)));
    const use = h("button", {
      type: "button", class: "btn small primary", dataset: { focus: "amount-use" },
      onclick: () => { if (sel.value) ctx.setOption({ mapping: { ...mapping, amount: sel.value } }); },
    }, t("amount.use"));
    return h("section", { class: "banner", id: "panel-amount", role: "note", dataset: { panel: "amount" } },
      h("p", {}, h("b", {}, t("amount.title")), " ", t("amount.needs")),
      offered.length ? h("div", { class: "controls" }, h("label", { class: "field" }, t("amount.column"), sel), use) : null);
  },
};
