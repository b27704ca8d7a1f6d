// Types of the worker client (import "cohortlens/client"): the page side of worker.js.
import type { Options, Probe, Report, Input, CustomerSelection, CustomerRow } from "./index.js";

/** An event of a call: the engine's probe of the input, or progress. */
export type WorkerEvent =
  | { id: string; type: "probe"; probe: Probe | null }
  | { id: string; type: "progress"; phase: "read" | "analyze"; loaded: number; total: number; rows: number };

export class WorkerClient {
  /** `onFailure(error)`: the worker failed outside any call. */
  constructor(options?: { onFailure?: (error: Error & { code: string }) => void });
  /** Whether a worker is running (it keeps the parsed orders of its last analysis). */
  readonly started: boolean;
  call(type: "analyze", fields: { input: Input; options?: Options }, onEvent?: (e: WorkerEvent) => void): Promise<{ id: string; type: "report"; report: Report; seconds: number }>;
  call(type: "rerun", fields: { options?: Options }, onEvent?: (e: WorkerEvent) => void): Promise<{ id: string; type: "report"; report: Report; seconds: number }>;
  /** The last analysis' customer table; with a selection only its customers (headers in `selection.locale`). */
  call(type: "export", fields: { format: "csv" | "xlsx" | "arrow"; selection?: CustomerSelection & { locale?: "en" | "zh" } }): Promise<{ id: string; type: "export"; bytes: Uint8Array }>;
  /** The customers of a selection in the last analysis (sorted by revenue descending). */
  call(type: "customers", fields: { selection: CustomerSelection; limit?: number; offset?: number }): Promise<{ id: string; type: "customers"; count: number; rows: CustomerRow[] }>;
  call(type: "preset", fields: { name: "page" | "engine" }): Promise<{ id: string; type: "preset"; options: Options }>;
  /** Terminates the worker; pending calls reject with code "Cancelled". */
  cancel(): void;
}
