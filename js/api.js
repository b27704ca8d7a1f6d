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
 * Whether bytes need the full module (workbooks and Arrow IPC; the core module reads
 * delimited text): a zip container, Arrow's file magic, or an IPC stream's continuation marker.
 */
export function needsFull(head) {
  const b = head instanceof Uint8Array ? head : new Uint8Array(head ?? []);
  const starts = (...m) => m.every((x, i) => b[i] === x);
  return starts(0x50, 0x4b, 0x03, 0x04) || starts(0x41, 0x52, 0x52, 0x4f, 0x57, 0x31) || starts(0xff, 0xff, 0xff, 0xff);
}

/**
 * Builds the API over two wasm modules: `load("core")` resolves to the lean module (delimited
 * text, CSV export), `load("full")` to the one that also reads xlsx/Arrow and exports Arrow.
 * Each is loaded on first use only, so a page analysing CSV never downloads the full one.
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
  const moduleFor = (bytes, format, locale) =>
    load(needsFull(bytes.subarray(0, 8)) || format === "arrow" ? "full" : "core", locale);

  async function analyze(input, options = {}) {
    const bytes = await toBytes(input);
    return (await moduleFor(bytes, null, options?.locale)).analyze(bytes, options ?? {});
  }

  async function exportCustomers(input, options = {}, format = "csv") {
    const bytes = await toBytes(input);
    return (await moduleFor(bytes, format, options?.locale)).exportCustomers(bytes, options ?? {}, format);
  }

  class Analyzer {
    #inner;

    /**
     * A streaming analysis in the core module (needs `await init()` first). For workbooks,
     * Arrow input or Arrow export use `await createAnalyzer(options, { full: true })`.
     */
    constructor(options = {}, wasm = core) {
      if (!wasm) {
        throw inputError(
          "cohortlens is not initialised: `await init()` before `new Analyzer()`, or use `await createAnalyzer()`",
          "NotInitialised",
        );
      }
      this.#inner = new wasm.Analyzer(options ?? {});
    }

    /** Adds a chunk; returns the bytes consumed so far. */
    push(chunk) {
      if (!(chunk instanceof Uint8Array)) {
        throw inputError("Analyzer.push() takes a Uint8Array chunk");
      }
      return this.#inner.push(chunk);
    }

    /** Bytes consumed so far. */
    get bytesConsumed() {
      return this.#inner.bytesConsumed;
    }

    /** The Report of everything pushed. */
    finish() {
      return this.#inner.finish();
    }

    /** Seconds spent in each phase of the finished analysis ({ingest, orders, metrics, clv, total}). */
    get timings() {
      return this.#inner.timings;
    }

    /** The per-customer table as "csv" or "arrow" bytes (after finish()). */
    exportCustomers(format = "csv") {
      return this.#inner.exportCustomers(format);
    }

    /** Frees the wasm memory now rather than at garbage collection. */
    free() {
      this.#inner.free();
    }
  }

  /** A streaming analysis; `{ full: true }` for workbooks, Arrow input or Arrow export. */
  async function createAnalyzer(options = {}, { full = false } = {}) {
    return new Analyzer(options, await load(full ? "full" : "core", options?.locale));
  }

  return { init, analyze, exportCustomers, Analyzer, createAnalyzer };
}
