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
export function makeApi(load) {
  let core = null;
  const init = async () => {
    core = await load("core");
  };
  const moduleFor = (bytes, format) => load(needsFull(bytes.subarray(0, 8)) || format === "arrow" ? "full" : "core");

  async function analyze(input, options = {}) {
    const bytes = await toBytes(input);
    return (await moduleFor(bytes)).analyze(bytes, options ?? {});
  }

  async function exportCustomers(input, options = {}, format = "csv") {
    const bytes = await toBytes(input);
    return (await moduleFor(bytes, format)).exportCustomers(bytes, options ?? {}, format);
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
    return new Analyzer(options, await load(full ? "full" : "core"));
  }

  return { init, analyze, exportCustomers, Analyzer, createAnalyzer };
}
