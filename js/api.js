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
 * Builds the API for one wasm module. `ready()` resolves once the module is initialised;
 * `wasm` is the wasm-bindgen glue module.
 */
export function makeApi(wasm, ready) {
  let initialised = false;
  const init = async () => {
    await ready();
    initialised = true;
  };

  async function analyze(input, options = {}) {
    await init();
    return wasm.analyze(await toBytes(input), options ?? {});
  }

  async function exportCustomers(input, options = {}, format = "csv") {
    await init();
    return wasm.exportCustomers(await toBytes(input), options ?? {}, format);
  }

  class Analyzer {
    #inner;

    /** Needs `await init()` first (or use `createAnalyzer`). */
    constructor(options = {}) {
      if (!initialised) {
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

    /** The per-customer table as "csv" or "arrow" bytes (after finish()). */
    exportCustomers(format = "csv") {
      return this.#inner.exportCustomers(format);
    }

    /** Frees the wasm memory now rather than at garbage collection. */
    free() {
      this.#inner.free();
    }
  }

  async function createAnalyzer(options = {}) {
    await init();
    return new Analyzer(options);
  }

  return { init, analyze, exportCustomers, Analyzer, createAnalyzer };
}
