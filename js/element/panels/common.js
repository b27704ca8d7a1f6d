// The building blocks every panel of <cohort-lens> draws with: cards, selects, switches, tables
// with a CSV download, chart figures with PNG/SVG downloads, KPIs, and the display names of
// engine values (segments, breakdown groups, delimiters). Everything from the file is rendered
// as text.

import { h, saveCsv, saveBlob, ordinal, intlLocale } from "../format.js";
import { svgText, svgToPng } from "../charts.js";

// ------------------------------------------------------------------------------ building blocks

/**
 * A section card with a title, subtitle, controls and body. Its heading takes focus (tabindex
 * -1) when the section nav jumps to it.
 */
export function card(ctx, id, title, subtitle, controls, ...body) {
  return h("section", { class: "card", id: `panel-${id}`, "aria-labelledby": `h-${id}`, dataset: { panel: id } },
    h("div", { class: "card-head" },
      h("div", { class: "titles" }, h("h2", { id: `h-${id}`, tabindex: "-1" }, title), subtitle ? h("p", {}, subtitle) : null),
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
  const row = (r, i) => h("tr", rowData ? { dataset: rowData(r, i) } : null, columns.map((c, j) => {
    const raw = c.get(r);
    let content = c.node ? c.node(r) : c.fmt ? c.fmt(raw) : raw == null ? "" : String(raw);
    // A row that opens its customer list: its first cell is a button (keyboard and screen readers).
    if (j === 0 && open && open(r)) content = openButton(ctx, content, open(r));
    const attrs = { class: c.text ? "text" : null, dataset: typeof raw === "number" ? { value: String(raw) } : null };
    return j === 0 ? h("th", { scope: "row", ...attrs, class: "text" }, content) : h("td", attrs, content);
  }));
  const tfoot = foot ? h("tfoot", {}, h("tr", {}, foot.map((v, j) => h("td", { class: j === 0 ? "text" : null }, v ?? "")))) : null;
  const table = h("table", { dataset: { table: name } }, head, h("tbody"), tfoot);
  fillRows(table, rows, row);
  return h("div", { class: "table-block" },
    h("div", { class: "subhead" }, title ? h("h3", {}, title) : h("span"), csvButton(ctx, name, () => ({ header: columns.map((c) => c.label), rows: rows.map((r) => columns.map((c) => c.csv ? c.csv(r) : c.get(r))) }))),
    tableWrap(ctx, table, title ?? columns[0].label, tall || rows.length > 16),
    note ? h("p", { class: "small muted more" }, note) : null);
}

/**
 * The scroll box of a table: a labelled region that takes focus, so that a keyboard can scroll
 * it (`focusable: false` when the table holds its own tab stop, as a grid does).
 */
export function tableWrap(ctx, table, label, tall, { focusable = true } = {}) {
  return h("div", { class: `table-wrap${tall ? " tall" : ""}`, role: "region", "aria-label": label, tabindex: focusable ? "0" : null }, table);
}

/**
 * Cells a long table draws at a time: its first slice fills a tall box about full, and one
 * slice takes about 10 ms to make and as long again to lay out and paint.
 */
const SLICE_CELLS = 1500;
/** The tables still filling, each with the function that draws the rest of it at once. */
const filling = new WeakMap();

/**
 * Resolves in a task after the page's next frame: a slice per frame, so that each frame lays
 * out and paints one slice's rows, not all those appended since the last one. (A hidden page
 * has no frames: its tables fill once it is shown.)
 */
const afterNextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

/**
 * Fills the body of `table` with `make(row, i)` (a <tr>) of each of `rows`, a slice of about
 * SLICE_CELLS cells per frame (thousands of cells drawn in one task froze the page for over
 * half a second). The table is aria-busy until it is whole. A table replaced by a newer render
 * (no longer in the page) stops filling; printing, which needs every row, draws the rest at
 * once, as does a render for print.
 */
export function fillRows(table, rows, make) {
  const body = table.tBodies[0];
  let i = 0;
  const add = (cells) => {
    const slice = document.createDocumentFragment();
    for (let n = 0; i < rows.length && n < cells; i++) {
      const tr = make(rows[i], i);
      n += tr.cells.length;
      slice.append(tr);
    }
    body.append(slice);
  };
  add(matchMedia("print").matches ? Infinity : SLICE_CELLS);
  if (i >= rows.length) return;
  const done = () => {
    filling.delete(table);
    removeEventListener("beforeprint", finish);
    table.removeAttribute("aria-busy");
  };
  const finish = () => {
    add(Infinity);
    done();
  };
  filling.set(table, finish);
  addEventListener("beforeprint", finish);
  table.setAttribute("aria-busy", "true");
  (async () => {
    while (filling.has(table)) {
      await afterNextFrame();
      if (!filling.has(table)) return;
      if (!table.isConnected) return done();
      add(SLICE_CELLS);
      if (i >= rows.length) done();
    }
  })();
}

/**
 * A data grid's keyboard: one cell (matching `selector`) is the table's only tab stop, arrow
 * keys, Home/End (Ctrl: of the table) and PageUp/PageDown move it, and a click or tap makes
 * the cell clicked the current one. Rows appended later join in; a move past the rows drawn so
 * far draws the rest of a table still filling.
 */
export function rovingGrid(table, selector) {
  table.querySelector(`tbody ${selector}`)?.setAttribute("tabindex", "0");
  const move = (to) => {
    if (!to) return;
    for (const c of table.querySelectorAll(`${selector}[tabindex]`)) c.removeAttribute("tabindex");
    to.tabIndex = 0;
    to.focus();
  };
  table.addEventListener("keydown", (e) => {
    const cell = e.target.closest?.(selector);
    if (!cell) return;
    let rows = [...table.tBodies[0].rows];
    const cellsOf = (tr) => [...tr.querySelectorAll(selector)];
    const row = cellsOf(cell.parentElement);
    const r = rows.indexOf(cell.parentElement);
    const k = row.indexOf(cell);
    const at = (ri, ki) => {
      // A row past the ones drawn so far (a long table still filling): draw the rest first.
      if (ri >= rows.length && filling.has(table)) {
        filling.get(table)();
        rows = [...table.tBodies[0].rows];
      }
      const cells = cellsOf(rows[Math.max(0, Math.min(rows.length - 1, ri))]);
      return cells[Math.max(0, Math.min(cells.length - 1, ki))];
    };
    const next = {
      ArrowLeft: () => row[k - 1],
      ArrowRight: () => row[k + 1],
      ArrowUp: () => at(r - 1, k),
      ArrowDown: () => at(r + 1, k),
      PageUp: () => at(r - 10, k),
      PageDown: () => at(r + 10, k),
      Home: () => (e.ctrlKey ? at(0, 0) : row[0]),
      End: () => (e.ctrlKey ? at(Infinity, Infinity) : row.at(-1)),
    }[e.key];
    if (!next) return;
    e.preventDefault();
    move(next());
  });
  table.addEventListener("click", (e) => {
    const cell = e.target.closest?.(selector);
    if (cell && table.contains(cell) && !cell.hasAttribute("tabindex")) move(cell);
  });
}

/**
 * A line under a table that tells the details of the cell (matching `selector`) under the
 * pointer or holding focus: what a tooltip shows a mouse, for keyboard and touch too.
 */
export function detailsLine(ctx, table, selector, describe) {
  const line = h("p", { class: "cell-details small", "aria-live": "polite" }, ctx.t("cell.hint"));
  const show = (e) => {
    const cell = e.target.closest?.(selector);
    if (!cell || !table.contains(cell)) return;
    const text = describe(cell);
    if (text) line.textContent = text;
  };
  table.addEventListener("focusin", show);
  table.addEventListener("mouseover", show);
  return line;
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
