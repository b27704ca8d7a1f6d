// <cohort-lens>: the whole cohortlens analytics UI as a custom element (shadow DOM).
//
//   <script type="module" src="cohortlens/element.js"></script>
//   <cohort-lens lang="zh" src="/exports/orders.csv"></cohort-lens>
//
//   el.file = file;             // File | Blob | ArrayBuffer | Uint8Array | string (also el.data)
//   el.options = {cohortGrain: "week"};
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
import { formatters, fileStem, saveBlob, h } from "./element/format.js";
import { styleSheet } from "./element/styles.js";
import { PANELS } from "./element/panels/index.js";

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
    series: [
      v("--cohort-lens-series-1", v("--_accent", "#2f6fed")),
      v("--cohort-lens-series-2", "#e8833a"),
      v("--cohort-lens-series-3", "#2a9d6f"),
      v("--cohort-lens-series-4", "#c23b2e"),
    ],
  };
}

function inputSize(input) {
  return input?.size ?? input?.byteLength ?? (typeof input === "string" ? input.length : 0);
}

export class CohortLens extends HTMLElement {
  static observedAttributes = ["lang", "src"];

  /** The panels rendered, in order; an embedder may push its own ({id, title, when, render}). */
  static panels = PANELS;

  #root;
  #input = null;
  #inputName = null;
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
  #cancelled = false;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    this.#root.adoptedStyleSheets = [styleSheet()];
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
    this.#render();
    if (this.hasAttribute("src") && this.#srcLoaded !== this.getAttribute("src")) this.#loadSrc(this.getAttribute("src"));
  }

  disconnectedCallback() {
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
      // Engine messages (errors, warnings) are in the run's language: refresh them.
      if (this.#input && (this.#error || this.#report?.ingest.warnings.length)) this.#schedule();
    }
  }

  // ------------------------------------------------------------------------------- public API

  /** The input (File, Blob, ArrayBuffer, Uint8Array or string); setting it starts a run. */
  get file() { return this.#input; }
  set file(value) { this.#setInput(value, value?.name ?? null); }
  /** Same as `file`. */
  get data() { return this.#input; }
  set data(value) { this.#setInput(value, value?.name ?? null); }

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
   * given.
   */
  get effectiveOptions() {
    const o = { ...(pagePreset ?? {}), ...this.#options, ...this.#ui };
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    if (!("locale" in o)) o.locale = this.#lang();
    return o;
  }

  /** Re-runs the analysis of the current input. */
  rerun() { if (this.#input) this.#schedule(); }

  /** Stops the run in progress (its report never arrives). */
  cancel() {
    if (!this.#running) return;
    this.#stopWorker();
    this.#running = false;
    this.#cancelled = true;
    this.#progress = null;
    this.#renderStatus();
  }

  /** The per-customer table (RFM scores, segment; CLV columns when fitted) as CSV or Arrow IPC bytes. */
  exportCustomers(format = "csv") {
    if (!this.#report || !this.#client.started) return Promise.reject(Object.assign(new Error("no finished analysis"), { code: "NoReport" }));
    return this.#client.call("export", { format }).then((msg) => msg.bytes);
  }

  // --------------------------------------------------------------------------------- running

  #lang() {
    return normalizeLang(this.getAttribute("lang") || document.documentElement.lang || navigator.language);
  }

  #setInput(value, name) {
    if (value == null) {
      this.#stopWorker();
      this.#input = null;
      this.#report = null;
      this.#error = null;
      this.#running = false;
      this.#render();
      return;
    }
    this.#input = value;
    this.#inputName = name ?? (typeof value === "string" ? "data.csv" : "data");
    // The mapping and added breakdowns belong to the previous file; view preferences stay.
    delete this.#ui.mapping;
    delete this.#ui.breakdowns;
    delete this.#ui.calibrationSplit;
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
      this.#analysed = input;
      const onEvent = (msg) => { if (current()) this.#onEvent(msg, input); };
      const msg = again
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
    // Charts are drawn at the width they will have (they scale down, never up).
    const width = Math.round(Math.max(320, Math.min(1240, (this.clientWidth || 1000) - 44)));
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
    if (this.#error) nodes.push(this.#errorBox(ctx));
    if (!this.#input && !this.#running && !this.#error) nodes.push(this.#emptyState(ctx));
    this.#sections.clear();
    const visible = CohortLens.panels.filter((p) => safeWhen(p, ctx));
    if (this.#report && visible.length > 1) {
      nodes.push(h("nav", { "aria-label": t("nav.label") }, visible.map((p) =>
        h("button", { type: "button", class: "chip", onclick: () => this.#root.getElementById(`panel-${p.id}`)?.scrollIntoView({ behavior: "smooth", block: "start" }) }, p.title(t)))));
    }
    const panels = h("div", { class: "panels" });
    for (const p of CohortLens.panels) {
      const slot = h("div", { dataset: { slot: p.id } });
      this.#sections.set(p.id, slot);
      panels.append(slot);
      if (safeWhen(p, ctx)) slot.append(renderSafely(p, ctx));
    }
    nodes.push(panels);
    this.#root.replaceChildren(...nodes);
    this.#renderStatus();
    if (focusKey) this.#root.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
  }

  #renderPanel(id) {
    const slot = this.#sections.get(id);
    const panel = CohortLens.panels.find((p) => p.id === id);
    if (!slot || !panel) return;
    const ctx = this.#context();
    const focusKey = this.#root.activeElement?.dataset?.focus;
    slot.replaceChildren(...(safeWhen(panel, ctx) ? [renderSafely(panel, ctx)] : []));
    if (focusKey) this.#root.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
  }

  #renderStatus() {
    const el = this.#root.querySelector(".status");
    if (!el) return;
    const { t, f } = this.#context();
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
      hint !== hintKey ? h("p", { class: "hint" }, hint) : null);
  }

  #emptyState(ctx) {
    const { t } = ctx;
    const input = h("input", { type: "file", id: "pick", class: "sr-only", accept: ".csv,.tsv,.txt,.xlsx,.xls,.ods,.htm,.html,.arrow,.arrows,text/csv,text/plain", onchange: (e) => { if (e.target.files[0]) this.file = e.target.files[0]; } });
    return h("div", { class: "empty" },
      h("p", {}, t("status.idle")),
      h("p", { class: "small" }, t("status.privacy")),
      h("div", { class: "pick" }, input, h("label", { for: "pick", class: "btn primary", tabindex: "0", onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } } }, t("status.choose"))));
  }
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
