import { h } from "../format.js";
import { card, openButton } from "./common.js";

// ---------------------------------------------------------------------------- CLV deciles
//
// The customers of each CLV decile (1 = the top 10 % by CLV), listed by the engine on a click:
// who to look after first. Shown when CLV was fitted.

export const decilePanel = {
  id: "deciles",
  title: (t) => t("dec.title"),
  when: (ctx) => ctx.report?.clv != null,
  render(ctx) {
    const { t } = ctx;
    const money = ctx.report.clv.totals?.clv != null;
    const buttons = Array.from({ length: 10 }, (_, i) => {
      const d = i + 1;
      const label = d === 1 ? t("dec.top") : t("dec.range", { a: (d - 1) * 10, b: d * 10 });
      return openButton(ctx, label, { selection: { decile: d }, title: t("dec.listTitle", { label }) }, "btn small decile");
    });
    return card(ctx, "deciles", t("dec.title"), t(money ? "dec.subtitle" : "dec.subtitleExpected"), null,
      h("div", { class: "list-buttons deciles", role: "group", "aria-label": t("dec.title") }, buttons));
  },
};
