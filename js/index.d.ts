// Types of the cohortlens package. Field names follow SPEC.md §10 exactly.

/** Anything `analyze` reads: the bytes of an orders export (CSV, TSV, whitespace-separated). */
export type Input = File | Blob | ArrayBuffer | ArrayBufferView | Uint8Array | string;

// Report, Options and the types they use are generated from the Rust types (`make types`).
export * from "./report.js";
import type { ColumnChoice, Options, Report, Role, Sample, Timings, CustomerList, GridCell, GroupKey, ListName, ProductAs, WarehouseSource } from "./report.js";

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
  /** A warehouse summary is not the result table of the warehouse SQL (README "Your warehouse"). */
  | "BadSummary"
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

/** Analyses and returns the per-customer table (RFM scores, segment) as CSV or Arrow IPC bytes (every customer; for a selection use Analyzer.exportCustomers). */
export function exportCustomers(input: Input, options?: Options, format?: "csv" | "arrow"): Promise<Uint8Array>;

/** A SQL dialect `warehouseSql` writes. */
export type WarehouseDialect = "spark" | "duckdb";

/**
 * The summary query (README "Your warehouse") for `options` in `dialect`, over `source` (the
 * orders table and its columns by role). Throws a CohortlensError with code "BadOptions" for an
 * unknown dialect, a missing or malformed source, or options SQL cannot compute.
 */
export function warehouseSql(options: Options, dialect: WarehouseDialect, source: WarehouseSource): Promise<string>;

/** One row of the warehouse SQL's result as a JS warehouse client returns it. */
export type SummaryRow = Record<string, string | number | bigint | null | undefined>;

/**
 * The Report from the warehouse SQL's result (its one long table: CSV as Spark/DuckDB export
 * it, or its rows as objects), with the options the SQL was generated from. `report.warehouse`
 * says which sections equal an orders file's. Throws a CohortlensError ("BadSummary") when the
 * table is not that result.
 */
export function analyzeSummary(tables: Input | SummaryRow[], options?: Options): Promise<Report>;

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
  /**
   * The customers of a selection, from the last run (its options and filters): `count` in all,
   * `rows` sorted by revenue descending (ties by customer id), at most `limit` (default 100)
   * from `offset` (default 0).
   */
  customers(selection?: CustomerSelection, page?: { limit?: number; offset?: number }): CustomerList;
  /**
   * The per-customer table (RFM scores and segment; CLV columns when fitted) as CSV, `.xlsx` or
   * Arrow IPC bytes. With a selection, only its customers, with headers and segment names in
   * `selection.locale`. Text cells that start with `=`, `+`, `-`, `@`, a tab or a CR are
   * neutralised (CSV injection). Arrow is written by the full module (re-read when needed).
   */
  exportCustomers(format?: "csv" | "xlsx" | "arrow", selection?: CustomerSelection & { locale?: "en" | "zh" }): Uint8Array;
  free(): void;
}

/**
 * Which customers a list or an export holds: one key (none: every buyer).
 * - `segment`: an RFM segment of either scheme (rf10 or cn8 names; they never clash);
 * - `cell`: an R×F grid cell (scores 1–5);
 * - `group`: a breakdown group, with that breakdown's attribution;
 * - `list`: the silent (§8), overdue (§8) or won-back (§13) customers;
 * - `decile`: a CLV decile, 1 = the top 10 % by CLV;
 * - `product` with `as`: customers whose first purchase has it, who bought it, or who bought it
 *   in two purchases or more (§12).
 */
export type CustomerSelection =
  | { segment: string }
  | { cell: GridCell }
  | { group: GroupKey }
  | { list: ListName }
  | { decile: number }
  | { product: string; as?: ProductAs }
  | Record<string, never>;


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
  /** Role → the column the analysis would use; `product` is only proposed (the engine never maps one itself). */
  mapping: Partial<Record<Role, string>>;
  /** Role → every column whose name fits the role, best first. */
  candidates: Partial<Record<Role, string[]>>;
  /** The first data rows as text. */
  rows: string[][];
  /**
   * Columns that play no role (the product aside) whose sample values all read as numbers: what
   * a page offers as the amount column when none is mapped.
   */
  numeric: string[];
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
