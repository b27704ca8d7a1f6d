// Types of the cohortlens package. Field names follow SPEC.md §10 exactly.

/** Anything `analyze` reads: the bytes of an orders export (CSV, TSV, whitespace-separated). */
export type Input = File | Blob | ArrayBuffer | ArrayBufferView | Uint8Array | string;

export type Grain = "day" | "week" | "month" | "quarter" | "year";
export type Role = "customer" | "time" | "amount" | "order" | "status" | "quantity" | "unitPrice";
export type Attribution = "first" | "mode";

/** Every option, all optional; defaults as in SPEC.md. */
export interface Options {
  /** Role → column name. When given it is the whole mapping (nothing is guessed). */
  mapping?: Partial<Record<Role, string>>;
  /** Whether the first line names the columns (default true). */
  header?: boolean;
  /** One character, or "whitespace" for runs of spaces/tabs; sniffed when absent. */
  delimiter?: string;
  /** A WHATWG encoding label ("utf-8", "gb18030", "gbk", "utf-16le", …); detected when absent. */
  encoding?: string;
  /** Sheet name of an .xlsx file (default: the first sheet). */
  sheet?: string;
  /** Language of error messages and warnings (default "en"). */
  locale?: "en" | "zh" | string;
  /** Counting unit of purchases (default "order"). */
  countBy?: "order" | "day";
  /** Observation end E, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (default: the day after the last order's day). */
  asOf?: string;
  periodGrain?: Grain;
  cohortGrain?: Grain;
  cohortAlignment?: "calendar" | "relative";
  /** Funnel steps (default 5). */
  funnelDepth?: number;
  /** Days for repurchaseWithin (default [7, 30, 60, 90, 180, 365]). */
  repurchaseWindows?: number[];
  /** "quantile" (default) or 4 ascending cut points per metric. */
  rfmScoring?: "quantile" | { recency: number[]; frequency: number[]; monetary: number[] };
  rfmSegments?: "rf10" | "cn8";
  attribution?: Attribution;
  /** Dimensions to break down by (default: every dimension column). */
  breakdowns?: Array<string | { dimension: string; attribution?: Attribution }>;
  /** Groups kept per breakdown before "(other)" (default 20). */
  maxGroups?: number;
  compare?: Array<{ dimension: string; a: string; b: string; attribution?: Attribution }>;
  /** Recency in days beyond which a customer is silent (default 90). */
  silentDays?: number;
  /** Overdue when days since last > factor × own median gap (default 2). */
  overdueFactor?: number;
  /** Length of the overdue list (default 200). */
  listLimit?: number;
  clvUnit?: "week" | "day";
  /** CLV horizon in clvUnits (default 52 weeks or 364 days). */
  horizon?: number;
  /** Yearly discount rate for CLV (default 0). */
  discountRate?: number;
  /** CLV calibration check: split date "YYYY-MM-DD" or "auto" (last third of the window). */
  calibrationSplit?: string;
  /**
   * Keep only this many customers (the most valuable) in clv.customers: 200 unless given, so
   * the Report stays small whatever the file; `null` lists every customer. Exports keep all.
   */
  clvCustomerLimit?: number | null;
}

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
  /** The engine stopped unexpectedly (a bug): the next call starts it afresh. */
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
}

export interface RejectedSample { line: number; column: string; text: string; reason: string }

export interface Report {
  ingest: {
    rows: number; accepted: number; rejected: Record<string, number>; samples: RejectedSample[];
    mapping: Partial<Record<Role, string>>;
    /** "csv" (any delimited text), "xlsx" or "arrow". */
    format: "csv" | "xlsx" | "arrow";
    /** The sheet read, for a workbook. */
    sheet: string | null;
    encoding: string; delimiter: string;
    dateOrder: "YMD" | "DMY" | "MDY"; warnings: string[];
  };
  summary: {
    customers: number; nonBuyers: number; orders: number; purchases: number;
    revenue: number | null; firstOrder: string | null; lastOrder: string | null; asOf: string;
    repurchaseRate: number | null; purchasesPerCustomer: number | null;
    revenuePerCustomer: number | null; averageOrderValue: number | null;
  };
  rates: {
    grain: Grain;
    periods: Array<{
      period: string; buyers: number; repeatBuyers: number; periodRepurchaseRate: number | null;
      returningBuyers: number; returningRate: number | null; churnRate: number | null;
    }>;
  };
  cohorts: {
    grain: Grain; alignment: "calendar" | "relative";
    rows: Array<{ cohort: string; size: number; cells: Array<CohortCell | null> }>;
    average: Array<{ k: number; retention: number | null; eligible: number }>;
  };
  funnel: {
    steps: Array<{
      n: number; reached: number; conversion: number | null;
      gapDays: { median: number | null; p25: number | null; p75: number | null; mean: number | null };
    }>;
    repurchaseWithin: Array<{ days: number; eligible: number; repurchased: number; rate: number | null }>;
    histogram: Array<{ fromDays: number; toDays: number | null; customers: number }>;
  };
  rfm: {
    scheme: "rf10" | "cn8";
    /** grid[R-1][F-1]: customers with those scores. */
    grid: number[][];
    /** With rf10: the segment of each grid cell, gridSegments[R-1][F-1]; null with cn8. */
    gridSegments: string[][] | null;
    segments: Array<{
      segment: string; customers: number; share: number | null; revenue: number | null;
      revenueShare: number | null; meanRecency: number | null; meanFrequency: number | null;
      meanMonetary: number | null; repurchaseRate: number | null;
    }>;
  };
  breakdowns: Array<{
    dimension: string; attribution: Attribution;
    groups: Array<{
      value: string; customers: number; repurchaseRate: number | null; ciLow: number | null;
      ciHigh: number | null; purchasesPerCustomer: number | null; revenuePerCustomer: number | null;
      medianDaysToSecond: number | null;
    }>;
  }>;
  comparisons: Array<{
    dimension: string; attribution: Attribution; a: string; b: string;
    customersA: number; repeatA: number; rateA: number | null;
    customersB: number; repeatB: number; rateB: number | null;
    difference: number | null; ciLow: number | null; ciHigh: number | null; pValue: number | null;
  }>;
  churn: {
    silentDays: number; silent: number; silentShare: number | null; silentRevenue: number | null;
    /** The most valuable silent customers (revenue descending, at most listLimit). */
    silentCustomers: Array<{
      customer: string; lastPurchase: string; recency: number; purchases: number;
      revenue: number | null; segment: string;
    }>;
    /** Overdue means more than overdueFactor median gaps since the last purchase. */
    overdueFactor: number;
    overdueCount: number;
    overdue: Array<{
      customer: string; lastPurchase: string; daysSinceLast: number; medianGapDays: number;
      purchases: number; revenue: number | null; overdueRatio: number | null;
    }>;
  };
  clv: Clv | null;
}

export interface CohortCell {
  k: number; active: number; retention: number | null; rollingActive: number; orders: number;
  revenue: number | null; cumulativeRevenuePerCustomer: number | null; eligible: number;
  partial: boolean;
}

export interface Clv {
  unit: "week" | "day";
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
  gammaGamma: { p: number; q: number; gamma: number; logLikelihood: number } | null;
  horizon: number; discountRate: number; fitCustomers: number; repeatCustomers: number;
  /** Predicted vs actual purchases after calibrationSplit (null without it). */
  calibration: {
    split: string; holdout: number;
    bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
    customers: number; predicted: number; actual: number;
    groups: Array<{ frequency: string; customers: number; predicted: number | null; actual: number | null }>;
  } | null;
  /** Customers by P(alive) in ten bins [0, 0.1) … [0.9, 1], over every customer. */
  pAliveHistogram: number[];
  /** Over every customer (also when `customers` is limited by clvCustomerLimit). */
  totals: { meanPAlive: number | null; expectedPurchases: number; expectedPurchases90d: number; clv: number | null };
  /** Expected purchases and CLV per RFM segment / per acquisition cohort. */
  bySegment: ClvGroup[];
  byCohort: ClvGroup[];
  customers: Array<{
    customer: string; x: number; tx: number; T: number; pAlive: number;
    expectedPurchases: number;
    /** Probability of at least one purchase in the next 30 / 90 days. */
    pPurchase30d: number | null; pPurchase90d: number | null;
    /** Expected purchases in the next 90 days. */
    expectedPurchases90d: number | null;
    monetaryValue: number | null; expectedValue: number | null;
    clv: number | null;
  }>;
}

export interface ClvGroup {
  group: string; customers: number; expectedPurchases: number;
  meanExpectedPurchases: number | null; clv: number | null; meanClv: number | null;
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
  readonly timings: { ingest: number; orders: number; metrics: number; clv: number; total: number } | null;
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
  /** "csv" (any delimited text), "xlsx" or "arrow" (those are read whole by the analysis: their header comes with the Report). */
  format: "csv" | "xlsx" | "arrow";
  encoding: string | null;
  /** The delimiter, or "whitespace". */
  delimiter: string | null;
  /** Column names (position numbers for unnamed columns or without a header). */
  header: string[];
  /** Role → the column the analysis would use. */
  mapping: Partial<Record<"customer" | "time" | "amount" | "order" | "status" | "quantity" | "unitPrice", string>>;
  /** Role → every column whose name fits the role, best first. */
  candidates: Partial<Record<"customer" | "time" | "amount" | "order" | "status" | "quantity" | "unitPrice", string[]>>;
  /** The first data rows as text. */
  rows: string[][];
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
