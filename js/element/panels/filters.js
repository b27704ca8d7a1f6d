import { h } from "../format.js";
import { card, GRAINS, groupLabel } from "./common.js";

// ------------------------------------------------------------------------- filters and settings
//
// Filters select orders (the engine's `filters` option: a date range, dimension values, a
// minimum order amount); each shows as a removable chip and a change re-runs from the parsed
// orders. Settings are the options a merchant tunes (silent days, overdue factor, counting unit,
// grains, alignment, which status values count as cancelled). The element lists what the
// engine reports (report.dimensions, report.ingest.statuses) and decides nothing itself.

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filters in force, as the options give them (never null). */
function current(ctx) {
  const fl = ctx.options.filters ?? {};
  return { from: fl.from ?? null, to: fl.to ?? null, dimensions: { ...(fl.dimensions ?? {}) }, minOrderAmount: fl.minOrderAmount ?? null };
}

/** Options' filters from a filter state: absent parts left out, none at all → undefined. */
function toOption(fl) {
  const out = {};
  if (fl.from) out.from = fl.from;
  if (fl.to) out.to = fl.to;
  const dims = Object.fromEntries(Object.entries(fl.dimensions ?? {}).filter(([, v]) => v?.length));
  if (Object.keys(dims).length) out.dimensions = dims;
  if (fl.minOrderAmount != null && Number.isFinite(fl.minOrderAmount)) out.minOrderAmount = fl.minOrderAmount;
  return Object.keys(out).length ? out : undefined;
}

function chip(ctx, key, label, onremove) {
  return h("span", { class: "fchip", dataset: { chip: key } },
    h("span", {}, label),
    h("button", { type: "button", class: "x", "aria-label": ctx.t("filter.remove", { what: label }), dataset: { focus: `chip-${key}`, remove: key }, onclick: onremove }, "×"));
}

/** A date input that commits after a pause (typing changes it once per keystroke). */
function dateInput(ctx, name, value, commit) {
  let timer = null;
  const run = () => {
    clearTimeout(timer);
    timer = null;
    const v = input.value;
    if (v === "" || DATE.test(v)) { if ((v || null) !== value) commit(v || null); }
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(run, 600); };
  const input = h("input", {
    type: "date", value: value ?? "", dataset: { focus: `filter-${name}`, filter: name },
    oninput: later, onchange: later, onkeydown: (e) => { if (e.key === "Enter") run(); }, onblur: () => { if (timer) run(); },
  });
  return input;
}

function numberInput(ctx, name, value, { min, step, placeholder }, commit) {
  const input = h("input", {
    type: "number", value: value == null ? "" : String(value), min: min == null ? null : String(min), step: step ?? "any",
    placeholder: placeholder ?? null, inputmode: "decimal", dataset: { focus: name, setting: name },
    onchange: () => {
      const v = input.value.trim() === "" ? null : Number(input.value);
      if (v != null && (!Number.isFinite(v) || (min != null && v < min))) { input.setAttribute("aria-invalid", "true"); return; }
      input.removeAttribute("aria-invalid");
      if (v !== value) commit(v);
    },
  });
  return input;
}

function field(label, control, cls) {
  return h("label", { class: `field${cls ? ` ${cls}` : ""}` }, label, control);
}

function settingSelect(ctx, key, label, value, options) {
  const sel = h("select", { dataset: { focus: `setting-${key}`, setting: key }, onchange: (e) => ctx.setOption({ [key]: e.target.value }) },
    options.map(([v, l]) => h("option", { value: v, selected: v === value }, l)));
  return field(label, sel);
}

export const filterPanel = {
  id: "filters",
  title: (t) => t("filter.title"),
  when: (ctx) => ctx.report != null,
  render(ctx) {
    const { t, f, report } = ctx;
    const fl = current(ctx);
    const set = (patch) => ctx.setOption({ filters: toOption({ ...fl, ...patch }) });

    // The chips of the filters in force.
    const chips = [];
    if (fl.from || fl.to) {
      const label = fl.from && fl.to ? t("filter.chip.range", { from: fl.from, to: fl.to }) : fl.from ? t("filter.chip.from", { from: fl.from }) : t("filter.chip.to", { to: fl.to });
      chips.push(chip(ctx, "dates", label, () => set({ from: null, to: null })));
    }
    for (const [column, values] of Object.entries(fl.dimensions)) {
      for (const v of values) {
        chips.push(chip(ctx, `dim:${column}=${v}`, `${column} = ${groupLabel(ctx, v)}`, () => {
          set({ dimensions: { ...fl.dimensions, [column]: values.filter((x) => x !== v) } });
        }));
      }
    }
    if (fl.minOrderAmount != null) {
      chips.push(chip(ctx, "minOrderAmount", t("filter.chip.min", { v: f.money(fl.minOrderAmount) }), () => set({ minOrderAmount: null })));
    }
    const kept = report.filter;
    const summary = kept
      ? h("p", { class: "small filter-summary", dataset: { kept: String(kept.keptOrders), excluded: String(kept.excludedOrders) } },
        t("filter.kept", { kept: f.int(kept.keptOrders), total: f.int(kept.keptOrders + kept.excludedOrders), excluded: f.int(kept.excludedOrders) }))
      : null;
    const chipRow = h("div", { class: "chips", role: "list", "aria-label": t("filter.active") },
      // An empty list still holds an item: the words that say there is no filter.
      chips.length ? chips.map((c) => h("span", { role: "listitem" }, c)) : h("span", { role: "listitem", class: "small muted" }, t("filter.none")),
      chips.length > 1 ? h("button", { type: "button", class: "btn small", dataset: { focus: "filter-clear" }, onclick: () => ctx.setOption({ filters: undefined }) }, t("filter.clear")) : null);

    // Adding filters: dates, dimension values, minimum amount.
    // The breakdowns' dimensions first (the ones a merchant looks at), then the file's order.
    const bdDims = new Set(report.breakdowns.map((b) => b.dimension));
    const dims = [...(report.dimensions ?? [])].sort((a, b) => Number(bdDims.has(b.column)) - Number(bdDims.has(a.column)));
    // No column is open until one is chosen (or one is filtered already).
    const dimCol = dims.some((d) => d.column === ctx.view.filterDimension) ? ctx.view.filterDimension
      : dims.find((d) => fl.dimensions[d.column]?.length)?.column ?? null;
    const dim = dims.find((d) => d.column === dimCol);
    const chosen = new Set(fl.dimensions[dimCol] ?? []);
    const valueBox = dim ? h("fieldset", { class: "values", dataset: { values: dimCol } },
      h("legend", { class: "sr-only" }, t("filter.values", { dim: dimCol })),
      dim.values.map((v) => h("label", { class: "check" },
        h("input", {
          type: "checkbox", checked: chosen.has(v.value), value: v.value, dataset: { focus: `fv-${dimCol}-${v.value}`, value: v.value },
          onchange: (e) => {
            const next = new Set(chosen);
            if (e.target.checked) next.add(v.value); else next.delete(v.value);
            set({ dimensions: { ...fl.dimensions, [dimCol]: dim.values.map((x) => x.value).filter((x) => next.has(x)) } });
          },
        }),
        h("span", {}, groupLabel(ctx, v.value)), h("span", { class: "small muted" }, ` ${f.int(v.orders)}`))),
      dim.distinct > dim.values.length ? h("p", { class: "small muted" }, t("filter.moreValues", { shown: f.int(dim.values.length), total: f.int(dim.distinct) })) : null)
      : null;
    const hasAmount = report.ingest.mapping.amount != null;
    const add = h("div", { class: "filter-add" },
      h("div", { class: "filter-row" },
        field(t("filter.from"), dateInput(ctx, "from", fl.from, (v) => set({ from: v }))),
        field(t("filter.to"), dateInput(ctx, "to", fl.to, (v) => set({ to: v }))),
        hasAmount ? field(t("filter.minAmount"), numberInput(ctx, "filter-min", fl.minOrderAmount, { min: null, placeholder: "0" }, (v) => set({ minOrderAmount: v }))) : null,
        dims.length ? field(t("filter.dimension"), h("select", { dataset: { focus: "filter-dimension", filter: "dimension" }, onchange: (e) => ctx.setView({ filterDimension: e.target.value || null }, "filters") },
          h("option", { value: "", selected: dimCol == null }, t("filter.chooseDimension")),
          dims.map((d) => h("option", { value: d.column, selected: d.column === dimCol }, d.column)))) : null),
      valueBox);

    // Settings.
    const o = ctx.options;
    const churn = report.churn;
    const statuses = report.ingest.statuses ?? [];
    const cancelled = new Set(statuses.filter((s) => s.cancelled).map((s) => s.value));
    const statusBox = statuses.length ? h("fieldset", { class: "values statuses", dataset: { setting: "cancelledStatuses" } },
      h("legend", {}, t("settings.cancelled")),
      statuses.map((st) => h("label", { class: "check" },
        h("input", {
          type: "checkbox", checked: st.cancelled, value: st.value, dataset: { focus: `st-${st.value}`, status: st.value },
          onchange: (e) => {
            const next = new Set(cancelled);
            if (e.target.checked) next.add(st.value); else next.delete(st.value);
            ctx.setOption({ cancelledStatuses: statuses.map((x) => x.value).filter((x) => next.has(x)) });
          },
        }),
        h("span", {}, st.value === "" ? t("bd.blank") : st.value), h("span", { class: "small muted" }, ` ${f.int(st.orders)}`))),
      o.cancelledStatuses != null ? h("button", { type: "button", class: "btn small", dataset: { focus: "st-reset" }, onclick: () => ctx.setOption({ cancelledStatuses: undefined }) }, t("settings.cancelledReset")) : null)
      : h("p", { class: "small muted" }, t("settings.noStatus"));
    // A warehouse summary was computed with the options its SQL was generated for (the engine
    // refuses others): its settings are shown as they were, not offered for change.
    const fromSummary = report.warehouse != null;
    const settings = h("details", {
      class: "settings", open: ctx.view.settingsOpen === true || fromSummary, dataset: { settings: "" },
      ontoggle: (e) => ctx.setView({ settingsOpen: e.currentTarget?.open ?? false }, null),
    },
    h("summary", {}, t("settings.title")),
    fromSummary ? h("p", { class: "small muted", dataset: { settingsLocked: "" } }, t("settings.fromSummary")) : null,
    h("fieldset", { class: "settings-fields", disabled: fromSummary },
    h("legend", { class: "sr-only" }, t("settings.title")),
    h("div", { class: "filter-row" },
      field(t("settings.silentDays"), numberInput(ctx, "setting-silentDays", churn.silentDays, { min: 1, step: "1" }, (v) => ctx.setOption({ silentDays: v == null ? undefined : Math.round(v) }))),
      field(t("settings.overdueFactor"), numberInput(ctx, "setting-overdueFactor", churn.overdueFactor, { min: 0, step: "0.1" }, (v) => ctx.setOption({ overdueFactor: v == null ? undefined : v }))),
      settingSelect(ctx, "countBy", t("settings.countBy"), o.countBy ?? "order", [["order", t("settings.countBy.order")], ["day", t("settings.countBy.day")]]),
      settingSelect(ctx, "periodGrain", t("settings.periodGrain"), report.rates.grain, GRAINS.map((g) => [g, t(`grain.${g}`)])),
      settingSelect(ctx, "cohortGrain", t("settings.cohortGrain"), report.cohorts.grain, GRAINS.map((g) => [g, t(`grain.${g}`)])),
      settingSelect(ctx, "cohortAlignment", t("settings.cohortAlignment"), report.cohorts.alignment, [["calendar", t("alignment.calendar")], ["relative", t("alignment.relative")]])),
    statusBox));

    // The warehouse SQL takes no filters: a summary has none to add.
    return card(ctx, "filters", t("filter.title"), t("filter.subtitle"), null, chipRow, summary, fromSummary ? null : add, settings);
  },
};
