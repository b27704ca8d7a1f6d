// The public API over the wasm exports, shared by the browser (index.js) and Node (node.js)
// entry points. Everything here is plain JS; the engine lives in cohortlens_wasm.js/.wasm.

/** An Error with a stable `code`, as the engine throws them. */
function inputError(message, code = "BadInput") {
  const error = new Error(message);
  error.name = "CohortlensError";
  error.code = code;
  error.line = null;
  error.column = null;
  return error;
}

const isZh = (locale) => String(locale ?? "").toLowerCase().startsWith("zh");

/**
 * Whether this context refuses to compile WebAssembly at all: a Content-Security-Policy without
 * 'wasm-unsafe-eval' in script-src (or 'unsafe-eval') does. Probed with the smallest module
 * (8 bytes, compiled synchronously, which every context allows when wasm is allowed).
 */
function wasmRefused() {
  if (typeof WebAssembly !== "object") return false;
  try {
    new WebAssembly.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    return false;
  } catch {
    return true;
  }
}

/**
 * The error of a module that could not be loaded, with a stable code: `CspBlocked` when the
 * page's (or worker's) Content-Security-Policy refuses WebAssembly, naming the directive to add,
 * else `WasmLoadFailed` (the .wasm could not be fetched or compiled; the cause is kept).
 */
export function loadError(cause, kind, locale) {
  if (cause?.code) return cause;
  const zh = isZh(locale);
  let error;
  if (wasmRefused()) {
    error = inputError(
      zh
        ? "页面的内容安全策略（Content-Security-Policy）禁止编译 WebAssembly，cohortlens 无法运行。请在 CSP 的 script-src 指令中加入 'wasm-unsafe-eval'，例如：script-src 'self' 'wasm-unsafe-eval'（页面和 worker 脚本的响应头都需要）。"
        : "The page's Content-Security-Policy does not allow WebAssembly to be compiled, so cohortlens cannot run. Add 'wasm-unsafe-eval' to the script-src directive, e.g. script-src 'self' 'wasm-unsafe-eval' (on the page's and the worker script's responses).",
      "CspBlocked",
    );
  } else {
    const file = `cohortlens_${kind}_bg.wasm`;
    const why = cause?.message ?? String(cause);
    error = inputError(
      zh ? `无法加载分析引擎（${file}）：${why}` : `the analysis engine (${file}) could not be loaded: ${why}`,
      "WasmLoadFailed",
    );
  }
  error.cause = cause;
  return error;
}

/**
 * The error of a wasm call that trapped: `OutOfMemory` when its memory had grown past 1 GB
 * (wasm32 ends at 4 GB, and a browser may refuse to grow it sooner), else `Internal`. The
 * instance is dead then (a module cannot be instantiated twice in one JS context): every later
 * call fails with the same code and `fatal: true`. The worker client starts a new worker; a page
 * that calls the API on its main thread must be reloaded.
 */
function trapError(cause, memoryBytes, locale) {
  const zh = isZh(locale);
  const gb = (memoryBytes / 2 ** 30).toFixed(1);
  const error = memoryBytes >= 2 ** 30
    ? inputError(
      zh
        ? `分析所需内存超出了页面可用的上限（已达 ${gb} GB）：请缩短时间范围或减少列，或使用命令行版本`
        : `the analysis needs more memory than this page can have (${gb} GB reached): analyse a shorter period or fewer columns, or use the command-line version`,
      "OutOfMemory",
    )
    : inputError(
      zh ? `分析引擎意外停止：${cause?.message ?? cause}；可以重试` : `the analysis engine stopped unexpectedly: ${cause?.message ?? cause}; try again`,
      "Internal",
    );
  error.cause = cause;
  error.fatal = true;
  return error;
}

/** File, Blob, ArrayBuffer, typed array, DataView or string → Uint8Array. */
export async function toBytes(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) {
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  if (typeof input === "string") return new TextEncoder().encode(input);
  if (input && typeof input.arrayBuffer === "function") {
    return new Uint8Array(await input.arrayBuffer());
  }
  throw inputError(
    "analyze() takes a File, Blob, ArrayBuffer, Uint8Array or string",
  );
}

/**
 * Result rows as objects (`[{ part, key, i1, … }]`) → CSV text with a header of their keys: only
 * a change of form, the engine reads and checks the table. null/undefined → an empty cell.
 */
function rowsToCsv(rows) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r ?? {})))];
  const cell = (v) => {
    const text = v == null ? "" : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.map(cell).join(","), ...rows.map((r) => columns.map((c) => cell(r?.[c])).join(","))].join("\n") + "\n";
}

/**
 * A cheap check of an input's first bytes against the magic numbers of the formats only the
 * full module reads (a zip container, Arrow's file magic, an IPC stream's continuation marker,
 * a legacy .xls compound file; an HTML table is told by probe() only),
 * kept for callers of this public export. The package itself does not use it: which module
 * reads a file is decided by the engine's probe() (its `format`).
 */
export function needsFull(head) {
  const b = head instanceof Uint8Array ? head : new Uint8Array(head ?? []);
  const starts = (...m) => m.every((x, i) => b[i] === x);
  return starts(0x50, 0x4b, 0x03, 0x04) || starts(0x41, 0x52, 0x52, 0x4f, 0x57, 0x31) || starts(0xff, 0xff, 0xff, 0xff)
    || starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1);
}

/**
 * Builds the API over two wasm modules: `load("core")` resolves to the lean module (delimited
 * text, CSV export), `load("full")` to the one that also reads xlsx/Arrow and exports Arrow.
 * Each is loaded on first use only, so a page analysing CSV never downloads the full one.
 * A loaded module is `{ glue, memory }`.
 */
export function makeApi(loadModule) {
  let core = null;
  // Every failure to load a module leaves as a coded Error in the caller's language.
  const load = (kind, locale) => loadModule(kind).catch((e) => {
    throw loadError(e, kind, locale);
  });
  const init = async (options = {}) => {
    core = await load("core", options?.locale);
  };
  /**
   * The module that reads these bytes (and exports `format`): the engine's probe tells the file's
   * format; workbooks (xlsx, xls, ods), HTML tables and Arrow need the full module. Bytes the
   * probe cannot read go to the core
   * module, whose analysis reports why.
   */
  async function kindFor(bytes, format, locale) {
    if (format === "arrow") return "full";
    let found = null;
    try {
      const module = await load("core", locale);
      found = guarded("core", module, locale, (glue) => glue.probe(bytes.subarray(0, 65536), {}));
    } catch (e) {
      if (e?.code === "CspBlocked" || e?.code === "WasmLoadFailed") throw e;
    }
    return found?.format != null && found.format !== "csv" ? "full" : "core";
  }

  // The error of each module whose instance trapped: it stays dead (see trapError).
  const dead = {};

  /** Calls into a module; a trap (out of memory, or a bug) becomes a coded, fatal Error. */
  function guarded(kind, module, locale, call) {
    if (dead[kind]) throw dead[kind];
    try {
      return call(module.glue);
    } catch (e) {
      if (typeof WebAssembly === "object" && e instanceof WebAssembly.RuntimeError) {
        dead[kind] = trapError(e, module.memory?.buffer.byteLength ?? 0, locale);
        throw dead[kind];
      }
      throw e;
    }
  }

  async function analyze(input, options = {}) {
    const bytes = await toBytes(input);
    const kind = await kindFor(bytes, null, options?.locale);
    const module = await load(kind, options?.locale);
    return guarded(kind, module, options?.locale, (glue) => glue.analyze(bytes, options ?? {}));
  }

  async function exportCustomers(input, options = {}, format = "csv") {
    const bytes = await toBytes(input);
    const kind = await kindFor(bytes, format, options?.locale);
    const module = await load(kind, options?.locale);
    return guarded(kind, module, options?.locale, (glue) => glue.exportCustomers(bytes, options ?? {}, format));
  }

  /**
   * A first look at a file for a column chooser: format, encoding, delimiter, header, the
   * mapping the analysis would use with the candidate columns per role, and a few rows. Reads
   * only the first 64 KB (of a File, only those are read from disk).
   */
  async function probe(input, options = {}) {
    const head = input && typeof input.slice === "function" && typeof input.arrayBuffer === "function"
      ? new Uint8Array(await input.slice(0, 65536).arrayBuffer())
      : (await toBytes(input)).subarray(0, 65536);
    const module = await load("core", options?.locale);
    return guarded("core", module, options?.locale, (glue) => glue.probe(head, options ?? {}));
  }

  /** The options of a named preset ("page": what <cohort-lens> uses; "engine": none). */
  async function presetOptions(name) {
    const module = await load("core");
    return guarded("core", module, null, (glue) => glue.presetOptions(name));
  }

  /**
   * The summary query (README "Your warehouse") for `options` in `dialect` ("spark" | "duckdb")
   * over `source`: the orders table and its columns by role. The warehouse path is in the full
   * module only (it would add about 60 KB gzipped to the core one).
   */
  async function warehouseSql(options, dialect, source) {
    const module = await load("full", options?.locale);
    return guarded("full", module, options?.locale, (glue) => glue.warehouseSql(options ?? {}, dialect, source));
  }

  /**
   * The Report from the warehouse SQL's result with the options the SQL was generated from: the
   * one long table as CSV (text, bytes, Blob, File), or its rows as objects from a JS warehouse
   * client.
   */
  async function analyzeSummary(tables, options = {}) {
    const bytes = Array.isArray(tables) ? new TextEncoder().encode(rowsToCsv(tables)) : await toBytes(tables);
    const module = await load("full", options?.locale);
    return guarded("full", module, options?.locale, (glue) => glue.analyzeSummary(bytes, options ?? {}));
  }

  class Analyzer {
    #inner;
    #kind;
    #module;
    #locale;

    /**
     * A streaming analysis in the core module (needs `await init()` first). For workbooks,
     * Arrow input or Arrow export use `await createAnalyzer(options, { full: true })`.
     * `size`, the file's bytes when known, sizes the engine's tables up front.
     */
    constructor(options = {}, module = core, kind = "core", size = undefined) {
      if (!module) {
        throw inputError(
          "cohortlens is not initialised: `await init()` before `new Analyzer()`, or use `await createAnalyzer()`",
          "NotInitialised",
        );
      }
      this.#kind = kind;
      this.#module = module;
      this.#locale = options?.locale;
      this.#inner = this.#call((glue) => new glue.Analyzer(options ?? {}, size));
    }

    #call(call) {
      return guarded(this.#kind, this.#module, this.#locale, () => call(this.#module.glue));
    }

    /**
     * Parses a chunk at once (only an unfinished record's bytes are kept); returns the bytes
     * consumed so far. Throws at the first problem that stops the analysis.
     */
    push(chunk) {
      if (!(chunk instanceof Uint8Array)) {
        throw inputError("Analyzer.push() takes a Uint8Array chunk");
      }
      return this.#call(() => this.#inner.push(chunk));
    }

    /** Bytes consumed so far. */
    get bytesConsumed() {
      return this.#inner.bytesConsumed;
    }

    /** Data rows parsed so far (delimited text; workbooks and Arrow are read by finish()). */
    get rows() {
      return this.#inner.rows;
    }

    /** The Report of everything pushed. */
    finish() {
      return this.#call(() => this.#inner.finish());
    }

    /**
     * After finish(): the Report with other options, computed from the orders already parsed
     * (grains, windows, RFM, breakdowns, silent days, CLV settings, locale…). `null` when the
     * options change what is read (mapping, header, delimiter, encoding, sheet, asOf): analyse
     * the file again then.
     */
    rerun(options = {}) {
      this.#locale = options?.locale;
      return this.#call(() => this.#inner.rerun(options ?? {}));
    }

    /** Seconds spent in each phase of the finished analysis ({ingest, orders, metrics, clv, total}). */
    get timings() {
      return this.#inner.timings;
    }

    /**
     * The customers of a selection (after finish(); the options of the last run, filters
     * included): `{ count, rows }`, rows sorted by revenue descending (ties by customer id), at
     * most `limit` from `offset`. A selection is one of `{ segment }`, `{ cell: { r, f } }`,
     * `{ group: { dimension, value } }`, `{ list: "silent" | "overdue" | "winback" }`,
     * `{ decile }`, `{ product, as: "first" | "buyers" | "repeat" }`, or `{}` (every buyer).
     */
    customers(selection = {}, { limit = 100, offset = 0 } = {}) {
      return this.#call(() => this.#inner.customers(selection ?? {}, offset, limit));
    }

    /**
     * The per-customer table as "csv", "xlsx" or "arrow" bytes (after finish()). With a
     * `selection` (as customers(), plus `locale: "en" | "zh"` for the headers and segment
     * names), only its customers; cells that start like a formula are neutralised.
     */
    exportCustomers(format = "csv", selection = undefined) {
      return this.#call(() => (selection == null
        ? this.#inner.exportCustomers(format)
        : this.#inner.exportCustomers(format, selection)));
    }

    /** Frees the wasm memory now rather than at garbage collection. */
    free() {
      this.#inner.free();
    }
  }

  /**
   * A streaming analysis; `{ full: true }` for workbooks, Arrow input or Arrow export;
   * `{ size }` the file's bytes, when known.
   */
  async function createAnalyzer(options = {}, { full = false, size } = {}) {
    const kind = full ? "full" : "core";
    return new Analyzer(options, await load(kind, options?.locale), kind, size);
  }

  return { init, analyze, exportCustomers, probe, presetOptions, warehouseSql, analyzeSummary, Analyzer, createAnalyzer };
}
