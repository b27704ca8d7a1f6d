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
  let filling = true;
  const done = () => {
    filling = false;
    removeEventListener("beforeprint", finish);
    table.removeAttribute("aria-busy");
  };
  const finish = () => {
    add(Infinity);
    done();
  };
  addEventListener("beforeprint", finish);
  table.setAttribute("aria-busy", "true");
  (async () => {
    while (filling) {
      await afterNextFrame();
      if (!filling) return;
      if (!table.isConnected) return done();
      add(SLICE_CELLS);
      if (i >= rows.length) done();
    }
  })();
}

/**
 * Rows a scroll box of rows holds beyond those in view, above and below; and the fewest rows
 * a table must have to be drawn so (fewer are drawn whole, at once).
 */
const OVERSCAN = 12;
const VIRTUAL_MIN = 60;
/**
 * Cells a table drawn in part adds in a frame: a box scrolled far shows its rows over a few
 * frames (a frame that made and laid out a box's height of heat rows, 1,700 cells, took
 * 100–180 ms at load 7 on 2 cores).
 */
const FRAME_CELLS = 800;
/** The drawn-in-part tables: what their grid's keyboard asks of them (see rowWindow). */
const windows = new WeakMap();
/** The drawn-in-part tables in the page: printing draws each whole. */
const partial = new Set();
addEventListener("beforeprint", () => {
  for (const w of partial) w.whole();
});

/**
 * Fills the body of `table` (inside the scroll box `box`) with `make(row, i)` (a <tr>) of each
 * of `rows`, drawing only the rows in view of the box and OVERSCAN more either side; spacer
 * rows of the same height stand for the rest, so the box scrolls as far as for the whole table
 * and each scroll, or frame, lays out a few dozen rows whatever the table's size (a day-grain
 * heatmap of 16,500 cells, drawn whole in slices, made each frame lay out the whole table:
 * 50–100 ms). Rows are made once, on first view; the row holding the grid's tab stop (or focus)
 * stays drawn wherever the box is scrolled to. Rows carry aria-rowindex and the table
 * aria-rowcount. Printing (and a render for print) draws every row.
 */
export function rowWindow(table, box, rows, make) {
  const body = table.tBodies[0];
  if (rows.length < VIRTUAL_MIN || matchMedia("print").matches) {
    body.append(...rows.map(make));
    return;
  }
  const made = new Map();
  const rowOf = (i) => {
    let tr = made.get(i);
    if (!tr) {
      tr = make(rows[i], i);
      tr.setAttribute("aria-rowindex", String(i + 2));
      tr.dataset.row = String(i);
      made.set(i, tr);
    }
    return tr;
  };
  table.setAttribute("aria-rowcount", String(rows.length + 2));
  table.tHead?.rows[0]?.setAttribute("aria-rowindex", "1");
  table.tFoot?.rows[0]?.setAttribute("aria-rowindex", String(rows.length + 2));
  const span = String(rowOf(0).cells.length);
  // Until a row is measured: the height of a heat row (13 px text, 5 px padding, 1 px border).
  let rowHeight = 30;
  let from = 0;
  let to = Math.min(rows.length, 20);
  const budget = Math.max(1, Math.floor(FRAME_CELLS / Number(span)));
  /** Whether rows from–to are all drawn (else the next frame draws more). */
  let complete = false;
  const spacer = (n) => {
    const td = h("td", { colspan: span });
    td.style.height = `${n * rowHeight}px`;
    return h("tr", { class: "spacer", "aria-hidden": "true" }, td);
  };
  const indexOf = (tr) => (tr?.dataset.row == null ? -1 : Number(tr.dataset.row));
  /**
   * Draws rows from–to, the tab stop's and the focused cell's (and `also`), spacers between; at
   * most `fresh` rows not drawn yet, those in `view` first, then those nearest it.
   */
  const draw = ({ also = -1, fresh = Infinity, view = [from, to] } = {}) => {
    const keep = new Set([also, indexOf(body.querySelector("[tabindex='0']")?.parentElement), indexOf(table.getRootNode().activeElement?.closest?.("tr"))]);
    keep.delete(-1);
    const drawn = new Set([...body.rows].map(indexOf));
    const order = [];
    for (let i = view[0]; i < view[1]; i++) order.push(i);
    for (let d = 1; view[0] - d >= from || view[1] - 1 + d < to; d++) {
      if (view[0] - d >= from) order.push(view[0] - d);
      if (view[1] - 1 + d < to) order.push(view[1] - 1 + d);
    }
    complete = true;
    for (const i of order) {
      if (drawn.has(i)) keep.add(i);
      else if (fresh > 0) { keep.add(i); fresh--; }
      else complete = false;
    }
    // Rows that stay are never moved (a moved row would lose focus): the others go, then the
    // missing ones and fresh spacers are put in between.
    for (const tr of [...body.rows]) if (!keep.has(indexOf(tr))) tr.remove();
    let at = body.firstElementChild;
    let last = -1;
    for (const i of [...keep].sort((a, b) => a - b)) {
      if (i > last + 1) body.insertBefore(spacer(i - last - 1), at);
      const tr = rowOf(i);
      if (tr === at) at = at.nextElementSibling;
      else body.insertBefore(tr, at);
      last = i;
    }
    if (last < rows.length - 1) body.append(spacer(rows.length - 1 - last));
  };
  /** The rows in view of the box (measured, as the page is laid out when it scrolls). */
  const follow = () => {
    if (!table.isConnected) return;
    const drawn = body.querySelector("tr[data-row]");
    if (drawn) rowHeight = drawn.getBoundingClientRect().height || rowHeight;
    const first = Math.max(0, Math.floor((box.scrollTop - (table.tHead?.offsetHeight ?? 0)) / rowHeight));
    const last = Math.min(rows.length, first + Math.ceil(box.clientHeight / rowHeight) + 1);
    // Drawn again only when the rows in view come near an edge of those drawn.
    const roomAbove = from === 0 || first - from >= OVERSCAN / 3;
    const roomBelow = to === rows.length || to - last >= OVERSCAN / 3;
    if (complete && first >= from && last <= to && roomAbove && roomBelow) return;
    from = Math.max(0, first - OVERSCAN);
    to = Math.min(rows.length, last + OVERSCAN);
    draw({ fresh: budget, view: [first, last] });
    if (!complete) nextFrame();
  };
  let queued = false;
  const nextFrame = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      follow();
    });
  };
  box.addEventListener("scroll", nextFrame, { passive: true });
  const w = {
    count: rows.length,
    indexOf,
    /** Row i, drawn (and kept drawn while it holds the tab stop). */
    rowAt: (i) => {
      draw({ also: i, fresh: 0 });
      return rowOf(i);
    },
    /** Every row, for print; the box no longer follows. */
    whole: () => {
      partial.delete(w);
      from = 0;
      to = rows.length;
      draw();
      complete = true;
    },
  };
  for (const other of partial) if (!other.connected()) partial.delete(other);
  w.connected = () => table.isConnected;
  partial.add(w);
  windows.set(table, w);
  draw({ fresh: budget });
  // The rest of the box and the overscan below it, in the next frames.
  nextFrame();
}

/**
 * A data grid's keyboard: one cell (matching `selector`) is the table's only tab stop, arrow
 * keys, Home/End (Ctrl: of the table) and PageUp/PageDown move it, and a click or tap makes
 * the cell clicked the current one. A table drawn in part (rowWindow) draws the row moved to.
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
    const win = windows.get(table);
    const domRows = win ? null : [...table.tBodies[0].rows];
    const count = win ? win.count : domRows.length;
    const rowAt = (i) => (win ? win.rowAt(i) : domRows[i]);
    const cellsOf = (tr) => [...tr.querySelectorAll(selector)];
    const row = cellsOf(cell.parentElement);
    const r = win ? win.indexOf(cell.parentElement) : domRows.indexOf(cell.parentElement);
    const k = row.indexOf(cell);
    const at = (ri, ki) => {
      const cells = cellsOf(rowAt(Math.max(0, Math.min(count - 1, ri))));
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
