// The page side of the worker protocol (worker.js is the other side): one module Web Worker,
// started on the first call; every call gets an id and a pending promise; events of a call
// (progress, probe) go to its callback; cancel() terminates the worker and rejects what is
// pending. <cohort-lens> runs its analyses through it; an app may too:
//
//   import { WorkerClient } from "cohortlens/client";
//   const client = new WorkerClient();
//   const { report } = await client.call("analyze", { input: file, options }, (event) => …);
//
// Calls and their answers (see worker.js):
//   analyze { input, options }  → report { report, seconds }   events: probe { probe }, progress
//   rerun { options }           → report { report, seconds }   events: as analyze when re-read
//   (a large Report's cohort rows come before it in parts, cohortRows { rows }: joined here)
//   export { format, selection? } → export { bytes }          ("csv" | "xlsx" | "arrow")
//   customers { selection, limit, offset } → customers { count, rows }
//   preset { name }             → preset { options }
//   summary { input, options }  → report { report, seconds }   (a warehouse summary)
// A failed call rejects with an Error carrying the engine's { code, line, column }; a worker
// that cannot start or dies rejects every pending call with code "WorkerFailed".

/** The answer types that end a call; any other message of a call is an event. */
const FINAL = new Set(["report", "export", "customers", "preset", "error"]);

function coded(fields) {
  return Object.assign(new Error(fields.message ?? String(fields)), { code: "Internal", line: null, column: null, ...fields });
}

export class WorkerClient {
  #worker = null;
  #seq = 0;
  #pending = new Map();
  #onFailure;

  /** `onFailure(error)`: called when the worker fails outside any call (rare). */
  constructor({ onFailure } = {}) {
    this.#onFailure = onFailure ?? null;
  }

  /** Whether a worker is running (it keeps the parsed orders of its last analysis). */
  get started() {
    return this.#worker != null;
  }

  /**
   * Posts `{ id, type, ...fields }` and resolves with the call's final answer (the message
   * object); `onEvent(message)` gets its progress and probe events. `transfer` as postMessage's.
   */
  call(type, fields = {}, onEvent = null, transfer = []) {
    const worker = this.#start();
    const id = `${type}-${++this.#seq}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onEvent });
      worker.postMessage({ id, type, ...fields }, transfer);
    });
  }

  /** Stops the worker (a run in progress never answers); pending calls reject with "Cancelled". */
  cancel() {
    this.#stop(coded({ message: "cancelled", code: "Cancelled" }));
  }

  #start() {
    if (this.#worker) return this.#worker;
    // Written literally at the call site: the pattern bundlers (Vite, webpack) recognise to build
    // the worker with its imports; a URL kept in a variable is not followed. This module sits
    // beside worker.js in the package, so the relative URL holds wherever the package is.
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    worker.onmessage = (e) => this.#receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault?.();
      if (worker !== this.#worker) return;
      const error = coded({ message: e.message || "the analysis worker failed to start", code: "WorkerFailed" });
      const had = this.#pending.size;
      this.#stop(error);
      if (!had) this.#onFailure?.(error);
    };
    this.#worker = worker;
    return worker;
  }

  #stop(error) {
    this.#worker?.terminate();
    this.#worker = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }

  #receive(msg) {
    const p = msg && this.#pending.get(msg.id);
    if (!p) return;
    // Parts are joined by concat, not push(...)/unshift(...): spread arguments live on the
    // stack, and V8 runs out of it between 110,000 and 200,000 (day cohorts reach 110,000).
    if (msg.type === "cohortRows") {
      p.cohortRows = (p.cohortRows ?? []).concat(msg.rows);
      return;
    }
    if (!FINAL.has(msg.type)) {
      p.onEvent?.(msg);
      return;
    }
    this.#pending.delete(msg.id);
    if (msg.type === "report" && p.cohortRows) msg.report.cohorts.rows = p.cohortRows.concat(msg.report.cohorts.rows);
    if (msg.type === "error") {
      // A trapped engine is dead in that worker: the next request starts a new one.
      if (msg.error?.fatal) {
        this.#worker?.terminate();
        this.#worker = null;
      }
      p.reject(coded(msg.error));
    } else p.resolve(msg);
  }
}
