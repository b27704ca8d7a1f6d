// The customer list of a selection (an RFM segment or grid cell, a cn8 class, a breakdown group,
// the silent / overdue / won-back customers, a CLV decile, a product's buyers): a modal dialog
// with the count, the key facts of what was clicked, the first customers (the engine's rows,
// revenue descending) and one-click CSV and .xlsx downloads written by the engine in the UI's
// language. Values from the file are rendered as text.

import { h, formatTime } from "./format.js";
import { segName } from "./panels/common.js";

/** Rows fetched per page of the list. */
const PAGE = 50;

/** A file-name part for a selection ("segment-atRisk", "cell-r5-f1", "product-first-Green-Tea"). */
export function selectionName(selection) {
  const clean = (v) => String(v).replace(/[^\p{L}\p{N}._-]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "x";
  if (selection.segment) return `segment-${clean(selection.segment)}`;
  if (selection.cell) return `cell-r${selection.cell.r}-f${selection.cell.f}`;
  if (selection.group) return `group-${clean(selection.group.dimension)}-${clean(selection.group.value)}`;
  if (selection.list) return `${selection.list}-customers`;
  if (selection.decile) return `clv-decile-${selection.decile}`;
  if (selection.product) return `product-${selection.as}-${clean(selection.product)}`;
  return "customers";
}

/**
 * Opens the list of `selection` in a modal dialog. `title`: what was clicked (text); `facts`:
 * [[label, text]] shown above the list (the Report's figures of that row).
 */
export function openCustomerList(ctx, selection, title, facts = []) {
  const { t, f } = ctx;
  const root = ctx.downloadRoot;
  root.querySelector("dialog.customers")?.remove();
  const titleId = "customers-title";
  const status = h("p", { class: "small muted", role: "status", "aria-live": "polite", dataset: { list: "status" } }, t("list.loading"));
  const count = h("p", { class: "list-count", dataset: { list: "count" } });
  const error = h("p", { class: "neg", role: "alert", hidden: true });
  const body = h("tbody");
  const showClv = { pAlive: false, clv: false };
  const headRow = h("tr");
  const table = h("table", { dataset: { table: "customer-list" } }, h("thead", {}, headRow), body);
  const more = h("button", { type: "button", class: "btn small", hidden: true, dataset: { list: "more" } }, t("list.more"));
  const name = selectionName(selection);
  const download = (format, label, titleText) => h("button", {
    type: "button", class: "btn small", title: titleText, dataset: { download: `list-${format}` },
    onclick: async (e) => {
      const btn = e.currentTarget ?? null;
      try {
        btn?.setAttribute("aria-busy", "true");
        await ctx.exportSelection(format, selection, name);
      } catch (err) {
        error.hidden = false;
        error.textContent = err?.message ?? String(err);
      } finally {
        btn?.removeAttribute("aria-busy");
      }
    },
  }, "⤓ ", label);
  const close = h("button", { type: "button", class: "btn small close", "aria-label": t("list.close"), dataset: { list: "close" } }, "✕");
  const dialog = h("dialog", { class: "customers", "aria-labelledby": titleId, dataset: { selection: JSON.stringify(selection) } },
    h("div", { class: "dialog-head" }, h("h2", { id: titleId }, title), close),
    facts.length ? h("dl", { class: "list-facts" }, facts.map(([label, text]) => h("div", {}, h("dt", {}, label), h("dd", {}, text)))) : null,
    h("div", { class: "subhead" }, count,
      h("span", { class: "dl" },
        download("csv", t("list.csv"), t("list.csvTitle")),
        download("xlsx", t("list.xlsx"), t("list.xlsxTitle")))),
    error,
    h("div", { class: "table-wrap tall" }, table),
    h("div", { class: "list-foot" }, status, more));
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  // A click on the backdrop (outside the dialog's box) closes it too.
  dialog.addEventListener("click", (e) => {
    if (e.target !== dialog) return;
    const r = dialog.getBoundingClientRect();
    if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) dialog.close();
  });
  root.append(dialog);
  dialog.showModal();

  let loaded = 0;
  let total = 0;
  const columns = () => [
    [t("list.customer"), "text"], [t("list.lastPurchase"), "text"], [t("list.purchases")], [t("list.revenue")],
    [t("list.segment"), "text"], [t("list.cn8"), "text"],
    ...(showClv.pAlive ? [[t("list.pAlive")]] : []), ...(showClv.clv ? [[t("list.clv")]] : []),
  ];
  const renderHead = () => headRow.replaceChildren(...columns().map(([label, cls]) => h("th", { scope: "col", class: cls ?? null }, label)));
  const row = (r) => h("tr", { dataset: { customer: r.customer } },
    h("th", { scope: "row", class: "text" }, r.customer),
    h("td", { class: "text nowrap" }, formatTime(r.lastPurchase)),
    h("td", { dataset: { value: String(r.purchases) } }, f.int(r.purchases)),
    h("td", { dataset: { value: r.revenue == null ? "" : String(r.revenue) } }, f.money(r.revenue)),
    h("td", { class: "text" }, segName(ctx, r.segment)),
    h("td", { class: "text" }, r.cn8 == null ? "" : segName(ctx, r.cn8)),
    showClv.pAlive ? h("td", {}, f.pct(r.pAlive)) : null,
    showClv.clv ? h("td", {}, f.money(r.clv)) : null);

  async function load() {
    more.hidden = true;
    status.textContent = t("list.loading");
    try {
      const { count: n, rows } = await ctx.customers(selection, { limit: PAGE, offset: loaded });
      if (!dialog.isConnected) return;
      total = n;
      if (loaded === 0) {
        showClv.pAlive = rows.some((r) => r.pAlive != null);
        showClv.clv = rows.some((r) => r.clv != null);
        renderHead();
      }
      body.append(...rows.map(row));
      loaded += rows.length;
      count.textContent = t("list.count", { n: f.int(total) });
      count.dataset.value = String(total);
      status.textContent = total === 0 ? t("list.empty") : t("list.shown", { shown: f.int(loaded), total: f.int(total) });
      more.hidden = loaded >= total || rows.length === 0;
    } catch (err) {
      if (!dialog.isConnected) return;
      status.textContent = "";
      error.hidden = false;
      error.textContent = err?.message ?? String(err);
    }
  }
  more.addEventListener("click", load);
  renderHead();
  load();
  close.focus();
  return dialog;
}
