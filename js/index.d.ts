// Types of the cohortlens package. Field names follow SPEC.md §10 exactly.

/** Anything `analyze` reads: the bytes of an orders export (CSV, TSV, whitespace-separated). */
export type Input = File | Blob | ArrayBuffer | ArrayBufferView | Uint8Array | string;

// Report, Options and the types they use are generated from the Rust types (`make types`).
export * from "./report.js";
import type { ColumnChoice, Options, Report, Role, Sample, Timings } from "./report.js";

/** A rejected row as listed in `report.ingest.samples` (the former name of `Sample`). */
export type RejectedSample = Sample;

/** Stable error codes. */
export type ErrorCode =
  | "EmptyFile" | "HeaderOnly" | "NoCustomerColumn" | "NoTimeColumn" | "UnknownColumn"
  | "BadEncoding" | "UnknownEncoding" | "BinaryFile" | "BadOptions" | "AllRowsRejected"
  | "BadCsv" | "BadXlsx" | "BadArrow" | "UnknownSheet" | "FormatUnavailable" | "BadInput"
  | "NotInitialised"
  /** A quoted field opens and never closes, and what it swallows is too long to read again. */
  | "UnclosedQuote"
  /** The analysis needs more memory than the page can have (the message says how much). */
  | "OutOfMemory"
  /** The time column writes dates without a year and the file does not say which: set `assumeYear`. */
  | "NoYear"
  /** The engine stopped unexpectedly (a bug); with `fatal` the instance is dead (see CohortlensError.fatal). */
  | "Internal"
  /** The Content-Security-Policy refuses WebAssembly: add 'wasm-unsafe-eval' to script-src. */
  | "CspBlocked"
  /** A wasm module could not be fetched or compiled (e.g. not served beside the package's JS). */
  | "WasmLoadFailed"
  | (string & {});

/** What every failure throws: a real Error with a stable code and, when known, a position. */
export interface CohortlensError extends Error {
  name: "CohortlensError";
  code: ErrorCode;
  /** 1-based line of the input (header = 1), or null. */
  line: number | null;
  /** Column name, or null. */
  column: string | null;
  /**
   * Set on OutOfMemory / Internal from a trapped engine: that engine instance is dead (the
   * element's worker is restarted by itself; on the main thread, reload the page).
   */
  fatal?: boolean;
}

/** Loads the core wasm module (done automatically by analyze/exportCustomers/createAnalyzer). */
export function init(options?: Pick<Options, "locale">): Promise<void>;

/** The Report of an orders export. Throws a CohortlensError on bad input. */
export function analyze(input: Input, options?: Options): Promise<Report>;

/** Analyses and returns the per-customer table (RFM scores, segment) as CSV or Arrow IPC bytes. */
export function exportCustomers(input: Input, options?: Options, format?: "csv" | "arrow"): Promise<Uint8Array>;

/**
 * Streaming analysis: push chunks (e.g. from File.stream()), each parsed at once (the file is
 * never held whole), then finish(). Needs init() first, or use createAnalyzer().
 */
export class Analyzer {
  constructor(options?: Options);
  /** Parses a chunk; returns the bytes consumed so far. Throws at the first fatal problem. */
  push(chunk: Uint8Array): number;
  readonly bytesConsumed: number;
  /** Data rows parsed so far (delimited text; workbooks and Arrow are read by finish()). */
  readonly rows: number;
  finish(): Report;
  /**
   * After finish(): the Report with other options from the orders already parsed, without
   * reading the file again; null when the options change what is read (mapping, header,
   * delimiter, encoding, sheet, asOf).
   */
  rerun(options?: Options): Report | null;
  /** Seconds spent in each phase of the finished analysis (null before finish()). */
  readonly timings: Timings | null;
  exportCustomers(format?: "csv" | "arrow"): Uint8Array;
  free(): void;
}

/**
 * A streaming Analyzer; `{ full: true }` for workbooks, Arrow input or Arrow export; `size`:
 * the file's bytes when known (sizes the engine's tables up front).
 */
export function createAnalyzer(options?: Options, module?: { full?: boolean; size?: number }): Promise<Analyzer>;

/** What probe() finds at the start of a file. */
export interface Probe {
  /** "csv" (any delimited text), "xlsx", "xls", "ods", "html" (an HTML table saved as "xls") or "arrow" (all but csv are read whole by the full module: their header comes with the Report). */
  format: "csv" | "xlsx" | "xls" | "ods" | "html" | "arrow";
  encoding: string | null;
  /** The delimiter, or "whitespace". */
  delimiter: string | null;
  /** Column names (position numbers for unnamed columns or without a header). */
  header: string[];
  /** Role → the column the analysis would use. */
  mapping: Partial<Record<Role, string>>;
  /** Role → every column whose name fits the role, best first. */
  candidates: Partial<Record<Role, string[]>>;
  /** The first data rows as text. */
  rows: string[][];
  /** Why each role's column was chosen (from the rows in the first 64 KB), with the runner-up. */
  choices: ColumnChoice[];
}

/**
 * A first look at a file (only its first 64 KB are read): format, encoding, delimiter, header,
 * the mapping the analysis would use and candidate columns per role, a few rows.
 */
export function probe(input: Input, options?: Options): Promise<Probe>;

/** The options of a named preset: "page" (what <cohort-lens> uses) or "engine" (none). */
export function presetOptions(name: "page" | "engine"): Promise<Options>;

/**
 * A cheap magic-number check: whether an input's first bytes look like a format only the full
 * module reads (a zip container such as xlsx, Arrow IPC). The package itself decides with
 * `probe()` (its `format`); this stays for existing callers.
 */
export function needsFull(head: Uint8Array | ArrayBuffer): boolean;
