// The banner of a Report made from a warehouse summary (report.warehouse): which sections equal
// the file path's and which do not, with the engine's reason (in the run's language).
import { h } from "../format.js";

/** Report section → the title of the panel that shows it. */
const TITLES = {
  summary: "kpi.title", rates: "period.title", cohorts: "cohort.title", funnel: "funnel.title",
  rfm: "rfm.title", breakdowns: "bd.title", comparisons: "cmp.title", churn: "churn.title",
  clv: "clv.title", products: "prod.title", winback: "wb.title", ingest: "data.title",
};

export const warehousePanel = {
  id: "warehouse",
  nav: false,
  title: (t) => t("wh.title"),
  when: (ctx) => ctx.report?.warehouse != null,
  render(ctx) {
    const { t, report } = ctx;
    const name = (section) => (TITLES[section] ? t(TITLES[section]) : section);
    const { exact, approximate } = report.warehouse;
    return h("section", { class: "banner", id: "panel-warehouse", role: "note", dataset: { panel: "warehouse" } },
      h("p", {}, h("b", {}, t("wh.title")), " ", t("wh.about")),
      h("p", { dataset: { warehouse: "exact" } }, t("wh.exact"), " ", exact.map(name).join(", ")),
      approximate.length
        ? h("ul", { dataset: { warehouse: "approximate" } }, approximate.map((g) => h("li", {}, h("b", {}, name(g.section)), ": ", g.why)))
        : null);
  },
};
