// The building blocks every panel of <cohort-lens> draws with: cards, selects, switches, tables
// with a CSV download, chart figures with PNG/SVG downloads, KPIs, and the display names of
// engine values (segments, breakdown groups, delimiters). Everything from the file is rendered
// as text.

import { h, saveCsv, saveBlob, ordinal, intlLocale } from "../format.js";
import { svgText, svgToPng } from "../charts.js";

// ------------------------------------------------------------------------------ building blocks

/** A section card with a title, subtitle, controls and body. */
export function card(ctx, id, title, subtitle, controls, ...body) {
  return h("section", { class: "card", id: `panel-${id}`, "aria-labelledby": `h-${id}`, dataset: { panel: id } },
    h("div", { class: "card-head" },
      h("div", { class: "titles" }, h("h2", { id: `h-${id}` }, title), subtitle ? h("p", {}, subtitle) : null),
      controls ? h("div", { class: "controls" }, controls) : null),
    ...body);
}

/** A labelled <select>. options: [[value, label]]; onchange(value). */
export function select(ctx, label, value, options, onchange, key) {
  const sel = h("select", { dataset: { focus: key }, onchange: (e) => onchange(e.target.value) },
    options.map(([v, l]) => h("option", { value: v, selected: v === value }, l)));
  return h("label", { class: "field" }, label, sel);
}

/** A segmented switch of buttons (aria-pressed). */
export function segmented(ctx, label, value, options, onchange, key) {
  return h("div", { class: "field", role: "group", "aria-label": label },
    h("span", { class: "field-label small muted" }, label),
    h("div", { class: "seg" }, options.map(([v, l]) =>
      h("button", { type: "button", "aria-pressed": String(v === value), dataset: { focus: `${key}-${v}`, value: v }, onclick: () => v !== value && onchange(v) }, l))));
}

/** A download button group: CSV, or PNG + SVG for a chart. */
export function csvButton(ctx, name, build, label) {
  return h("button", {
    type: "button", class: "btn small", title: ctx.t("dl.csvTitle"), dataset: { download: "csv", name },
    onclick: () => { const { header, rows } = build(); saveCsv(header, rows, `${ctx.stem}-${name}.csv`, ctx.downloadRoot); },
  }, "⤓ ", label ?? ctx.t("dl.csv"));
}

export function chartButtons(ctx, name, svg) {
  return h("span", { class: "dl" },
    h("button", {
      type: "button", class: "btn small", title: ctx.t("dl.pngTitle"), dataset: { download: "png", name },
      onclick: async () => {
        try { saveBlob(await svgToPng(svg), `${ctx.stem}-${name}.png`, ctx.downloadRoot); } catch (e) { console.warn(e); }
      },
    }, "⤓ ", ctx.t("dl.png")),
    h("button", {
      type: "button", class: "btn small", title: ctx.t("dl.svgTitle"), dataset: { download: "svg", name },
      onclick: () => saveBlob(new Blob([svgText(svg)], { type: "image/svg+xml" }), `${ctx.stem}-${name}.svg`, ctx.downloadRoot),
    }, "⤓ ", ctx.t("dl.svg")));
}

/** A chart figure with a caption and PNG/SVG downloads. */
export function figure(ctx, name, title, svg, note) {
  return h("figure", { dataset: { chart: name } },
    h("figcaption", {}, h("span", { class: "t" }, title), chartButtons(ctx, name, svg)),
    h("div", { class: "chart" }, svg),
    note ? h("p", { class: "small muted" }, note) : null);
}

/**
 * A table with a title bar and a CSV download. columns: [{label, get(row) → raw, fmt?(raw) →
 * text, text?: true (left-aligned text), node?(row) → Node}]. CSV cells are the raw values.
 */
export function tableBlock(ctx, { title, name, columns, rows, foot, tall, rowData, note, open }) {
  const head = h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.text ? "text" : null }, c.label))));
  const body = h("tbody", {}, rows.map((r, i) => h("tr", rowData ? { dataset: rowData(r, i) } : null, columns.map((c, j) => {
    const raw = c.get(r);
    let content = c.node ? c.node(r) : c.fmt ? c.fmt(raw) : raw == null ? "" : String(raw);
    // A row that opens its customer list: its first cell is a button (keyboard and screen readers).
    if (j === 0 && open && open(r)) content = openButton(ctx, content, open(r));
    const attrs = { class: c.text ? "text" : null, dataset: typeof raw === "number" ? { value: String(raw) } : null };
    return j === 0 ? h("th", { scope: "row", ...attrs, class: "text" }, content) : h("td", attrs, content);
  }))));
  const tfoot = foot ? h("tfoot", {}, h("tr", {}, foot.map((v, j) => h("td", { class: j === 0 ? "text" : null }, v ?? "")))) : null;
  const table = h("table", { dataset: { table: name } }, head, body, tfoot);
  return h("div", { class: "table-block" },
    h("div", { class: "subhead" }, title ? h("h3", {}, title) : h("span"), csvButton(ctx, name, () => ({ header: columns.map((c) => c.label), rows: rows.map((r) => columns.map((c) => c.csv ? c.csv(r) : c.get(r))) }))),
    h("div", { class: `table-wrap${tall || rows.length > 16 ? " tall" : ""}` }, table),
    note ? h("p", { class: "small muted more" }, note) : null);
}

/**
 * A button that opens the customer list of `target` ({ selection, title, facts }); `content` is
 * its label. data-open holds the selection as JSON.
 */
export function openButton(ctx, content, target, cls = "rowlink") {
  return h("button", {
    type: "button", class: cls, title: ctx.t("list.open"), dataset: { open: JSON.stringify(target.selection) },
    onclick: () => ctx.openCustomers(target.selection, target.title, target.facts ?? []),
  }, content);
}

export function kpi(name, label, value, text, note, accent, title) {
  return h("div", { class: `kpi${accent ? " accent" : ""}`, dataset: { kpi: name, value: value == null ? "" : String(value) } },
    h("div", { class: "label" }, label),
    h("div", { class: "value", title: title ?? null }, text === "" ? "–" : text),
    note ? h("div", { class: "note" }, note) : null);
}

/**
 * A money KPI that fits its card: the exact amount below a million, else three significant
 * digits in the language's compact notation (9.32M, 932万) with the exact amount as tooltip.
 */
export function moneyKpi(ctx, name, label, value, note, accent) {
  const exact = ctx.f.money(value);
  if (value == null || Math.abs(value) < 1e6) return kpi(name, label, value, exact, note, accent);
  const compact = new Intl.NumberFormat(intlLocale(ctx.lang), { notation: "compact", maximumSignificantDigits: 3 }).format(value);
  return kpi(name, label, value, compact, note, accent, exact);
}

/** Display text of a breakdown value: the engine's (blank)/(other) in the UI language. */
export function groupLabel(ctx, v) {
  if (v === "(blank)") return ctx.t("bd.blank");
  if (v === "(other)") return ctx.t("bd.other");
  return v;
}

export function segName(ctx, seg) {
  const k = `seg.${seg}`;
  const s = ctx.t(k);
  return s === k ? seg : s;
}

export function nth(ctx, n) {
  if (ctx.lang === "zh") return ctx.t("funnel.nth", { n });
  const k = `funnel.nth.${n}`;
  const s = ctx.t(k);
  return s === k ? `${ordinal(n)} purchase` : s;
}

export function delimiterName(ctx, d) {
  if (!d) return "–";
  if (d === "whitespace") return ctx.t("data.whitespace");
  if (d === "\t") return ctx.t("data.tab");
  return `“${d}”`;
}

export const GRAINS = ["day", "week", "month", "quarter", "year"];
