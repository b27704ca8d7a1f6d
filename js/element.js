// <cohort-lens>: the whole cohortlens analytics UI as a custom element (shadow DOM).
//
//   <script type="module" src="cohortlens/element.js"></script>
//   <cohort-lens lang="zh" src="/exports/orders.csv"></cohort-lens>
//
//   el.file = file;             // File | Blob | ArrayBuffer | Uint8Array | string (also el.data)
//   el.options = {cohortGrain: "week"};
//   el.summary = csv;           // the warehouse SQL's result (README "Your warehouse"), with
//                               // el.options the options the SQL was generated from
//   el.addEventListener("cohort-lens-report", (e) => console.log(e.detail.summary));
//
// Parsing and analysis run in a module Web Worker (./worker.js, through ./client.js); a new
// input cancels the run in progress by terminating the worker. Nothing is sent anywhere: the
// worker reads the bytes locally and the only fetches are the worker, the wasm beside it and a
// same-origin `src`. Everything the element knows of the data comes from the engine: the file's
// columns from its probe, every figure and list from the Report, its defaults from the "page"
// preset. The element translates and draws.

import { WorkerClient } from "./client.js";
import { translator, normalizeLang } from "./element/i18n.js";
import { formatters, formatTime, fileStem, saveBlob, h } from "./element/format.js";
import { styleSheet } from "./element/styles.js";
import { PANELS } from "./element/panels/index.js";
import { openCustomerList } from "./element/customers.js";

/**
 * The options a page's view consists of (what `view` reads and sets, and a demo page keeps in
 * its URL hash): filters and settings, never data.
 */
const VIEW_KEYS = ["filters", "silentDays", "overdueFactor", "countBy", "periodGrain", "cohortGrain", "cohortAlignment", "cancelledStatuses", "rfmSegments"];
/** View options that name the file's values (dimension values, status values): a new file drops them. */
const FILE_KEYS = ["filters", "cancelledStatuses"];

/**
 * The width in CSS px charts are drawn at for print: between an A4 page's text width in
 * portrait (690) and in landscape (1020), so that their text prints at 8–12 px on either.
 */
const PRINT_WIDTH = 900;

/** The engine's "page" preset (calibrationSplit "auto", …), asked of a worker once per page. */
let pagePreset = null;

/** Chart colours, resolved from the element's custom properties at render time. */
function readTheme(el) {
  const cs = el.isConnected ? getComputedStyle(el) : null;
  const v = (name, fallback) => (cs?.getPropertyValue(name).trim() || fallback);
  return {
    font: v("--_font", "system-ui, sans-serif"),
    text: v("--_text", "#1d2430"),
    muted: v("--_muted", "#5d6878"),
    surface: v("--_surface", "#ffffff"),
    grid: v("--_grid", "#edf0f5"),
    track: v("--_track", "#eef2f7"),
    heat: v("--_heat", "#2f6fed"),
    series: [
      v("--cohort-lens-series-1", v("--_accent", "#2f6fed")),
      v("--cohort-lens-series-2", "#e8833a"),
      v("--cohort-lens-series-3", "#2a9d6f"),
      v("--cohort-lens-series-4", "#c23b2e"),
    ],
  };
}

function inputSize(input) {
  if (Array.isArray(input)) return 0; // a summary's rows as objects
  return input?.size ?? input?.byteLength ?? (typeof input === "string" ? input.length : 0);
}

export class CohortLens extends HTMLElement {
  static observedAttributes = ["lang", "src"];

  /** The panels rendered, in order; an embedder may push its own ({id, title, when, render}). */
  static panels = PANELS;

  #root;
  #input = null;
  #inputName = null;
  /** Whether the input is a warehouse summary (the SQL's result), not an orders file. */
  #isSummary = false;
  #options = {};
  #ui = {}; // options changed through the UI (grain, alignment, mapping, scheme, breakdowns, calibration split)
  #view = { cohortMetric: "retention", bdDimension: null };
  #client = new WorkerClient({ onFailure: (e) => this.#fail(e) });
  #seq = 0;
  #runId = 0;
  #running = false;
  /** The input the worker holds parsed orders of (after a finished run). */
  #analysed = null;
  #scheduled = false;
  #progress = null;
  #report = null;
  #error = null;
  #seconds = null;
  /** The engine's probe of the current input (columns, encoding, delimiter, proposed mapping). */
  #probe = null;
  #srcLoaded = null;
  #sections = new Map();
  /** The render in progress: its context, the panels it has still to draw, the focused control. */
  #todo = null;
  /** The ids of the panels in view (their slots intersect the viewport). */
  #inView = new Set();
  #slotsInView = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) this.#inView.add(e.target.dataset.slot);
      else this.#inView.delete(e.target.dataset.slot);
    }
  });
  #cancelled = false;
  /** Stops the media listeners of a connected element. */
  #media = null;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    this.#root.adoptedStyleSheets = [styleSheet()];
    this.#root.addEventListener("focusin", () => requestAnimationFrame(() => this.#clearOfNav()));
    this.addEventListener("dragover", (e) => {
      if (![...(e.dataTransfer?.types ?? [])].includes("Files")) return;
      e.preventDefault();
      e.stopPropagation();
      this.#root.querySelector(".empty")?.classList.add("over");
    });
    this.addEventListener("dragleave", () => this.#root.querySelector(".empty")?.classList.remove("over"));
    this.addEventListener("drop", (e) => {
      const file = e.dataTransfer?.files?.[0];
      if (!file) return;
      e.preventDefault();
      e.stopPropagation();
      this.file = file;
    });
  }

  connectedCallback() {
    // Printing draws the charts at the page's width; a change of colour scheme recolours the
    // heat cells (their fills and text colours are computed from the theme).
    this.#media = new AbortController();
    for (const query of ["print", "(prefers-color-scheme: dark)"]) {
      matchMedia(query).addEventListener("change", () => this.#render(), { signal: this.#media.signal });
    }
    // A printed report is whole.
    addEventListener("beforeprint", () => this.#drawAll(), { signal: this.#media.signal });
    this.#render();
    if (this.hasAttribute("src") && this.#srcLoaded !== this.getAttribute("src")) this.#loadSrc(this.getAttribute("src"));
  }

  disconnectedCallback() {
    this.#media?.abort();
    // Leave the worker alive across moves in the DOM; a removed element stops its run.
    queueMicrotask(() => {
      if (!this.isConnected) this.#stopWorker();
    });
  }

  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    if (name === "src") {
      if (value && this.isConnected) this.#loadSrc(value);
    } else if (name === "lang") {
      this.#render();
      // Engine messages (errors, warnings, a summary's note) are in the run's language: refresh them.
      if (this.#input && (this.#error || this.#report?.ingest.warnings.length || this.#report?.warehouse)) this.#schedule();
    }
  }

  // ------------------------------------------------------------------------------- public API

  /** The input (File, Blob, ArrayBuffer, Uint8Array or string); setting it starts a run. */
  get file() { return this.#isSummary ? null : this.#input; }
  set file(value) { this.#setInput(value, value?.name ?? null); }
  /** Same as `file`. */
  get data() { return this.file; }
  set data(value) { this.#setInput(value, value?.name ?? null); }
  /**
   * The warehouse SQL's result (CSV text, bytes, Blob, File, or its rows as objects), made with
   * `options`; setting it renders the Report the engine makes of it.
   */
  get summary() { return this.#isSummary ? this.#input : null; }
  set summary(value) { this.#setInput(value, value?.name ?? "summary.csv", true); }

  /** A same-origin URL of an orders export, fetched and analysed. */
  get src() { return this.getAttribute("src") ?? ""; }
  set src(value) { this.setAttribute("src", value); }

  /** Analysis options (SPEC); changing them re-runs on the same input. */
  get options() { return this.#options; }
  set options(value) {
    this.#options = { ...(value ?? {}) };
    if (this.#input) this.#schedule();
  }

  /** The last Report, or null. */
  get report() { return this.#report; }
  /** The last error ({code, message, line, column}), or null. */
  get error() { return this.#error; }
  /** True while a run is in progress. */
  get running() { return this.#running; }
  /**
   * The options of the next run: the engine's "page" preset (presetOptions("page"), e.g. the CLV
   * calibration check with calibrationSplit "auto"; null in `options` turns one off), under
   * `options`, under the changes made in the UI; the locale is the element's language unless
   * given. A warehouse summary takes no preset: its figures are those of the options its SQL
   * was made with, and the preset's refund matching and calibration check need the orders.
   */
  get effectiveOptions() {
    const preset = this.#isSummary ? {} : pagePreset ?? {};
    const o = { ...preset, ...this.#options, ...this.#ui };
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    if (!("locale" in o)) o.locale = this.#lang();
    return o;
  }

  /** Re-runs the analysis of the current input. */
  rerun() { if (this.#input) this.#schedule(); }

  /**
   * The view: the filters and settings chosen on the page (filters, silentDays, overdueFactor,
   * countBy, grains, alignment, cancelledStatuses, rfmSegments), never data. Setting it replaces
   * them (and re-runs when there is an input); `cohort-lens-view` is emitted when they change
   * on the page. A page may keep it in its URL (the demo page keeps it in the hash).
   */
  get view() {
    const v = {};
    for (const k of VIEW_KEYS) if (this.#ui[k] !== undefined) v[k] = structuredClone(this.#ui[k]);
    return v;
  }
  set view(value) {
    for (const k of VIEW_KEYS) {
      if (value && value[k] !== undefined && value[k] !== null) this.#ui[k] = structuredClone(value[k]);
      else delete this.#ui[k];
    }
    if (this.#input) this.#schedule(); else this.#render();
  }

  /** Stops the run in progress (its report never arrives). */
  cancel() {
    if (!this.#running) return;
    this.#stopWorker();
    this.#running = false;
    this.#cancelled = true;
    this.#progress = null;
    this.#renderStatus();
  }

  /**
   * The per-customer table (RFM scores, segment; CLV columns when fitted) as "csv", "xlsx" or
   * "arrow" bytes; with a selection (`{ segment }`, `{ cell }`, `{ group }`, `{ list }`,
   * `{ decile }`, `{ product, as }`, and `locale`), only its customers. The last run's filters apply.
   */
  exportCustomers(format = "csv", selection = undefined) {
    if (!this.#report || !this.#client.started) return Promise.reject(Object.assign(new Error("no finished analysis"), { code: "NoReport" }));
    return this.#client.call("export", selection == null ? { format } : { format, selection }).then((msg) => msg.bytes);
  }

  /** The customers of a selection in the last run: `{ count, rows }` (revenue descending). */
  customers(selection = {}, { limit = 100, offset = 0 } = {}) {
    if (!this.#report || !this.#client.started) return Promise.reject(Object.assign(new Error("no finished analysis"), { code: "NoReport" }));
    return this.#client.call("customers", { selection, limit, offset }).then(({ count, rows }) => ({ count, rows }));
  }

  // --------------------------------------------------------------------------------- running

  #lang() {
    return normalizeLang(this.getAttribute("lang") || document.documentElement.lang || navigator.language);
  }

  #setInput(value, name, summary = false) {
    this.#isSummary = summary && value != null;
    if (value == null) {
      this.#stopWorker();
      this.#input = null;
      this.#report = null;
      this.#error = null;
      this.#running = false;
      this.#render();
      return;
    }
    const replacing = this.#input != null;
    this.#input = value;
    this.#inputName = name ?? (typeof value === "string" ? "data.csv" : "data");
    // The mapping and added breakdowns belong to the previous file; view preferences stay.
    delete this.#ui.mapping;
    delete this.#ui.breakdowns;
    delete this.#ui.calibrationSplit;
    // Filters and status choices name the previous file's values (a view set before the first
    // file, e.g. from a shared link, is kept for it).
    if (replacing && FILE_KEYS.some((k) => k in this.#ui)) {
      for (const k of FILE_KEYS) delete this.#ui[k];
      this.#emit("cohort-lens-view", this.view);
    }
    this.#view.bdDimension = null;
    this.#probe = null;
    this.#schedule();
  }

  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#run();
    });
  }

  #stopWorker() {
    this.#client.cancel();
  }

  /** The "page" preset, asked of the worker on the first run (the engine's defaults for a page). */
  async #preset() {
    if (pagePreset) return;
    try {
      pagePreset = (await this.#client.call("preset", { name: "page" })).options ?? {};
    } catch (e) {
      // An engine that cannot load fails the analysis too, which reports why (in the run's
      // language); a stopped or broken worker ends the run here.
      if (e.code === "Cancelled" || e.code === "WorkerFailed") throw e;
    }
  }

  async #run() {
    const input = this.#input;
    if (input == null) return;
    // The same input after a finished analysis: the worker re-runs the metrics from the orders
    // it parsed (or reads the file again when the options change what is read).
    const again = !this.#running && this.#client.started && this.#analysed === input && this.#report;
    // A run in progress is cancelled: its worker is terminated and a fresh one started.
    if (this.#running) this.#stopWorker();
    const id = ++this.#seq;
    this.#runId = id;
    this.#running = true;
    this.#cancelled = false;
    this.#progress = { phase: "read", loaded: 0, total: inputSize(input) };
    this.#renderStatus();
    this.#emit("cohort-lens-progress", { ...this.#progress });
    const current = () => this.#runId === id && this.#running;
    try {
      await this.#preset();
      if (!current()) return;
      const options = this.effectiveOptions;
      this.#analysed = this.#isSummary ? null : input;
      const onEvent = (msg) => { if (current()) this.#onEvent(msg, input); };
      // A summary has no parsed orders to re-run from: the engine reads it again (it is small).
      const msg = this.#isSummary
        ? await this.#client.call("summary", { input, options }, onEvent)
        : again
          ? await this.#client.call("rerun", { options }, onEvent)
          : await this.#client.call("analyze", { input, options }, onEvent);
      if (!current()) return;
      this.#running = false;
      this.#progress = null;
      this.#report = msg.report;
      this.#error = null;
      this.#seconds = msg.seconds;
      this.#render();
      this.#emit("cohort-lens-report", msg.report);
    } catch (e) {
      // A cancelled run (a new input, cancel(), removal from the page) ends silently.
      if (!current()) return;
      if (e.code === "Cancelled") {
        this.#running = false;
        this.#progress = null;
        return;
      }
      this.#fail(e);
    }
  }

  /** Progress of the run, and the engine's probe of its input (the columns for the mapping selects). */
  #onEvent(msg, input) {
    if (msg.type === "progress") {
      this.#progress = { phase: msg.phase, loaded: msg.loaded, total: msg.total, rows: msg.rows };
      this.#renderStatus();
      this.#emit("cohort-lens-progress", { ...this.#progress });
    } else if (msg.type === "probe" && input === this.#input) {
      this.#probe = msg.probe;
      if (this.#report || this.#error) {
        this.#renderPanel("data");
        this.#renderPanel("breakdowns");
      }
    }
  }

  #fail(error) {
    this.#running = false;
    this.#progress = null;
    this.#report = null;
    this.#error = { code: error.code ?? "Internal", message: error.message ?? String(error), line: error.line ?? null, column: error.column ?? null };
    this.#render();
    this.#emit("cohort-lens-error", { ...this.#error });
  }

  async #loadSrc(src) {
    this.#srcLoaded = src;
    let url;
    try {
      url = new URL(src, document.baseURI);
    } catch {
      this.#fail({ code: "BadInput", message: `src is not a URL: ${src}` });
      return;
    }
    if (url.origin !== location.origin) {
      this.#fail({ code: "BadInput", message: this.#lang() === "zh" ? `src 必须与页面同源：${url.href}` : `src must be a same-origin URL: ${url.href}` });
      return;
    }
    this.#progress = { phase: "read", loaded: 0, total: 0 };
    this.#renderStatus();
    try {
      const res = await fetch(url, { credentials: "same-origin" });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${url.pathname}`);
      const blob = await res.blob();
      if (this.getAttribute("src") !== src) return;
      const name = decodeURIComponent(url.pathname.split("/").pop() || "data.csv");
      this.#setInput(new File([blob], name, { type: blob.type }), name);
    } catch (e) {
      this.#fail({ code: "FetchFailed", message: e.message });
    }
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  // ------------------------------------------------------------------------------- rendering

  #context() {
    const lang = this.#lang();
    // Charts are drawn at the width they will have (they scale down, never up); in print, at
    // about a page's width, so that their text prints at about its size.
    const width = matchMedia("print").matches ? PRINT_WIDTH : Math.round(Math.max(320, Math.min(1240, (this.clientWidth || 1000) - 44)));
    const half = width >= 748 ? Math.floor((width - 28) / 2) : width;
    return {
      width,
      half,
      lang,
      t: translator(lang),
      f: formatters(lang),
      theme: readTheme(this),
      report: this.#report,
      error: this.#error,
      probe: this.#probe,
      columns: this.#probe?.header ?? [],
      options: this.effectiveOptions,
      ui: this.#ui,
      view: this.#view,
      fileName: this.#inputName,
      fileSize: inputSize(this.#input),
      stem: fileStem(this.#inputName),
      downloadRoot: this.#root,
      setOption: (patch) => {
        for (const [k, v] of Object.entries(patch)) {
          if (v === undefined) delete this.#ui[k];
          else this.#ui[k] = v;
        }
        this.#schedule();
        if (Object.keys(patch).some((k) => VIEW_KEYS.includes(k))) this.#emit("cohort-lens-view", this.view);
      },
      /** Opens the customer list of a selection (a dialog with CSV and .xlsx downloads). */
      openCustomers: (selection, title, facts) => openCustomerList(this.#context(), selection, title, facts),
      customers: (selection, page) => this.customers(selection, page),
      exportSelection: async (format, selection, name) => {
        const bytes = await this.exportCustomers(format, { ...selection, locale: this.#lang() });
        const stem = fileStem(this.#inputName);
        const file = `${stem}-${name}`;
        if (format === "csv") saveBlob(new Blob(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? [bytes] : ["\uFEFF", bytes], { type: "text/csv;charset=utf-8" }), `${file}.csv`, this.#root);
        else saveBlob(new Blob([bytes], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }), `${file}.xlsx`, this.#root);
      },
      /** Changes view state (no re-run) and re-renders one panel (or none: null). */
      setView: (patch, panelId) => {
        Object.assign(this.#view, patch);
        if (panelId) this.#renderPanel(panelId);
      },
      exportCustomers: async (format) => {
        try {
          const bytes = await this.exportCustomers(format);
          const stem = fileStem(this.#inputName);
          if (format === "csv") saveBlob(new Blob(["\uFEFF", bytes], { type: "text/csv;charset=utf-8" }), `${stem}-customers.csv`, this.#root);
          else saveBlob(new Blob([bytes], { type: "application/vnd.apache.arrow.stream" }), `${stem}-customers.arrows`, this.#root);
        } catch (e) {
          console.warn(e);
        }
      },
    };
  }

  #render() {
    if (!this.isConnected) return;
    const ctx = this.#context();
    const { t } = ctx;
    const focusKey = this.#root.activeElement?.dataset?.focus;
    const nodes = [h("div", { class: "status", role: "status", "aria-live": "polite" })];
    if (this.#report) nodes.push(this.#printHead(ctx));
    if (this.#error) nodes.push(this.#errorBox(ctx));
    if (!this.#input && !this.#running && !this.#error) nodes.push(this.#emptyState(ctx));
    // A banner (nav: false) is no section to jump to.
    const visible = CohortLens.panels.filter((p) => p.nav !== false && safeWhen(p, ctx));
    if (this.#report && visible.length > 1) {
      nodes.push(h("nav", { "aria-label": t("nav.label") }, visible.map((p) =>
        h("button", { type: "button", class: "chip", onclick: () => this.#jumpTo(p.id) }, p.title(t)))));
    }
    // The panels' slots stay (and show the last render until each is drawn again): the page
    // keeps its height and scroll position, and the focused control its place.
    let panels = this.#root.querySelector(":scope > .panels");
    const ids = CohortLens.panels.map((p) => p.id);
    if (!panels || ids.join() !== [...this.#sections.keys()].join()) {
      panels?.remove();
      panels = h("div", { class: "panels" });
      this.#sections.clear();
      this.#slotsInView.disconnect();
      for (const id of ids) {
        const slot = h("div", { dataset: { slot: id } });
        this.#sections.set(id, slot);
        this.#slotsInView.observe(slot);
        panels.append(slot);
      }
    }
    for (const el of [...this.#root.children]) if (el !== panels) el.remove();
    this.#root.prepend(...nodes);
    if (!panels.isConnected) this.#root.append(panels);
    this.#renderStatus();
    // The panel with focus and those in view first, then the rest in page order, one panel a
    // task (drawn all in one, a new Report held the main thread for a quarter of a second);
    // printing draws them all at once. Panels with nothing to show are emptied now.
    const todo = [];
    for (const p of CohortLens.panels) {
      const slot = this.#sections.get(p.id);
      if (!safeWhen(p, ctx)) {
        slot.replaceChildren();
        slot.removeAttribute("aria-busy");
      } else {
        todo.push(p);
        slot.setAttribute("aria-busy", "true");
      }
    }
    const focused = this.#root.activeElement?.closest("[data-slot]")?.dataset.slot;
    const rank = (p) => (p.id === focused ? 2 : this.#inView.has(p.id) ? 1 : 0);
    todo.sort((a, b) => rank(b) - rank(a));
    this.#todo = { ctx, panels: todo, focusKey };
    if (matchMedia("print").matches) this.#drawAll();
    else this.#drawNext();
  }

  /** Draws the next panel of the render in progress, and the one after it in a later task. */
  #drawNext() {
    const todo = this.#todo;
    const panel = todo?.panels.shift();
    if (!panel) return;
    this.#draw(panel, todo);
    if (todo.panels.length) nextTask().then(() => { if (this.#todo === todo && this.isConnected) this.#drawNext(); });
    else this.#todo = null;
  }

  /** Draws every panel still to draw at once (printing, a jump to a section). */
  #drawAll() {
    const todo = this.#todo;
    this.#todo = null;
    for (const panel of todo?.panels ?? []) this.#draw(panel, todo);
  }

  #draw(panel, { ctx, focusKey }) {
    const slot = this.#sections.get(panel.id);
    slot.replaceChildren(renderSafely(panel, ctx));
    slot.removeAttribute("aria-busy");
    // The control that had focus was redrawn: it takes focus again, where it was (no scroll:
    // scrolling it into view would lay out the page just drawn, in this task).
    if (focusKey && this.#root.activeElement == null) slot.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus({ preventScroll: true });
  }

  /**
   * Focus that landed under the sticky nav scrolls clear of it: scroll-margin covers most
   * stops, but not a nav wrapped onto three rows, nor a date input's inner fields.
   */
  #clearOfNav() {
    const nav = this.#root.querySelector("nav");
    const el = this.#root.activeElement;
    if (!nav || !el || nav.contains(el)) return;
    const n = nav.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    if (r.top < n.bottom && r.bottom > n.top) window.scrollBy(0, r.top - n.bottom - 12);
  }

  /** A nav chip: the section scrolls into view and its heading takes focus. */
  #jumpTo(id) {
    this.#drawAll();
    const section = this.#root.getElementById(`panel-${id}`);
    if (!section) return;
    const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
    section.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "start" });
    section.querySelector("h2")?.focus({ preventScroll: true });
  }

  #renderPanel(id) {
    const slot = this.#sections.get(id);
    const panel = CohortLens.panels.find((p) => p.id === id);
    if (!slot || !panel) return;
    if (this.#todo) this.#todo.panels = this.#todo.panels.filter((p) => p !== panel);
    slot.removeAttribute("aria-busy");
    const ctx = this.#context();
    const focusKey = this.#root.activeElement?.dataset?.focus;
    slot.replaceChildren(...(safeWhen(panel, ctx) ? [renderSafely(panel, ctx)] : []));
    if (focusKey) this.#root.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
  }

  #renderStatus() {
    const el = this.#root.querySelector(".status");
    if (!el) return;
    // Not this.#context(): its width would lay out the page just drawn, in this task.
    const t = translator(this.#lang());
    const f = formatters(this.#lang());
    const name = this.#inputName ?? "";
    const children = [];
    if (this.#progress) {
      const { phase, loaded, total, rows } = this.#progress;
      const pct = total ? Math.min(1, loaded / total) : 0;
      const reading = phase === "read" && total > 0;
      // Rows are counted as they are parsed, while the file is still being read.
      const readingText = rows > 0
        ? t("status.readingRows", { name, pct: f.pct(pct).replace(/\.\d/, ""), rows: f.int(rows) })
        : t("status.reading", { name, pct: f.pct(pct).replace(/\.\d/, "") });
      children.push(h("span", {}, reading ? readingText : t("status.analyzing", { name })));
      const bar = h("div", { class: `progress${reading ? "" : " indeterminate"}`, role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": reading ? String(Math.round(pct * 100)) : null });
      const fill = h("div");
      fill.style.width = `${(pct * 100).toFixed(1)}%`;
      bar.append(fill);
      children.push(bar, h("button", { type: "button", class: "btn small", onclick: () => this.cancel() }, t("status.cancel")));
    } else if (this.#cancelled) {
      children.push(h("span", {}, t("status.cancelled")));
    } else if (this.#report) {
      children.push(h("span", { class: "file" }, name), h("span", {}, `${f.bytes(inputSize(this.#input))} · ${t("status.analysedIn", { seconds: f.dec2(this.#seconds) })}`), h("span", { class: "private", title: t("status.privacy") }, lockIcon(), t("status.local")));
    } else if (this.#error && this.#input) {
      children.push(h("span", { class: "file" }, name), h("span", {}, f.bytes(inputSize(this.#input))));
    }
    el.replaceChildren(...children);
    el.hidden = children.length === 0;
    this.#root.querySelector(".panels")?.classList.toggle("busy", this.#running);
  }

  /** What a printed report says first (print only): the file, its dates and the options in use. */
  #printHead(ctx) {
    const { t, report } = ctx;
    const { summary, cohorts, rates, rfm } = report;
    return h("div", { class: "print-head", "aria-hidden": "true" },
      h("p", { class: "file" }, this.#inputName ?? ""),
      h("p", {}, [
        `${t("data.range")} ${formatTime(summary.firstOrder)} ${t("data.to")} ${formatTime(summary.lastOrder)}`,
        `${t("cohort.grain")}: ${t(`grain.${cohorts.grain}`)} (${t(`alignment.${cohorts.alignment}`)})`,
        `${t("period.grain")}: ${t(`grain.${rates.grain}`)}`,
        `${t("rfm.scheme")}: ${t(`scheme.${rfm.scheme}`)}`,
      ].join(" · ")));
  }

  #errorBox(ctx) {
    const { t } = ctx;
    const e = this.#error;
    const where = [e.line != null ? t("error.line", { line: e.line }) : null, e.column != null ? t("error.column", { column: e.column }) : null].filter(Boolean).join(", ");
    const hintKey = `error.hint.${e.code}`;
    const hint = t(hintKey);
    return h("div", { class: "error", role: "alert", dataset: { code: e.code } },
      h("h2", {}, t("error.title")),
      h("p", { class: "message" }, h("span", { class: "code", title: t("error.code") }, e.code), h("span", { class: "text" }, e.message)),
      where ? h("p", { class: "where" }, where) : null,
      hint !== hintKey ? h("p", { class: "hint" }, hint) : null,
      // A view from a link may name what this file lacks (a column, statuses): a way out.
      this.#ui.filters || this.#ui.cancelledStatuses
        ? h("p", {}, h("button", { type: "button", class: "btn small", dataset: { focus: "error-clear-filters" }, onclick: () => ctx.setOption({ filters: undefined, cancelledStatuses: undefined }) }, t("filter.clearAfterError")))
        : null);
  }

  #emptyState(ctx) {
    const { t } = ctx;
    // The button is the one tab stop; the file input itself stays hidden and out of the tab order.
    const input = h("input", { type: "file", class: "sr-only", tabindex: "-1", "aria-hidden": "true", accept: ".csv,.tsv,.txt,.xlsx,.xls,.ods,.htm,.html,.arrow,.arrows,text/csv,text/plain", onchange: (e) => { if (e.target.files[0]) this.file = e.target.files[0]; } });
    return h("div", { class: "empty" },
      h("p", {}, t("status.idle")),
      h("p", { class: "small" }, t("status.privacy")),
      h("div", { class: "pick" }, input, h("button", { type: "button", class: "btn primary", onclick: () => input.click() }, t("status.choose"))));
  }
}

/** Resolves in a new task (a message to itself: not throttled in a hidden page, as timers are). */
function nextTask() {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => resolve();
    port2.postMessage(null);
  });
}

/** A small padlock (SVG, so no emoji font is needed). */
function lockIcon() {
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "12");
  svg.setAttribute("height", "12");
  svg.setAttribute("aria-hidden", "true");
  const body = document.createElementNS(NS, "rect");
  for (const [k, v] of Object.entries({ x: 2.5, y: 7, width: 11, height: 8, rx: 2, fill: "currentColor" })) body.setAttribute(k, v);
  const shackle = document.createElementNS(NS, "path");
  for (const [k, v] of Object.entries({ d: "M5 7V5a3 3 0 0 1 6 0v2", fill: "none", stroke: "currentColor", "stroke-width": 1.8 })) shackle.setAttribute(k, v);
  svg.append(body, shackle);
  return svg;
}

function safeWhen(panel, ctx) {
  try {
    return Boolean(panel.when(ctx));
  } catch (e) {
    console.warn(`cohort-lens: panel ${panel.id}`, e);
    return false;
  }
}

/** A panel that throws must not take the others down: it renders as an empty card. */
function renderSafely(panel, ctx) {
  try {
    return panel.render(ctx);
  } catch (e) {
    console.warn(`cohort-lens: panel ${panel.id} failed`, e);
    return h("section", { class: "card", dataset: { panel: panel.id } }, h("h2", {}, panel.title(ctx.t)));
  }
}

if (!customElements.get("cohort-lens")) customElements.define("cohort-lens", CohortLens);
