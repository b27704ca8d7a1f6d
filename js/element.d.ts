// Types of the <cohort-lens> custom element (import "cohortlens/element").
import type { Input, Options, Report, ErrorCode, Probe, CustomerSelection, CustomerList, SummaryRow } from "./index.js";

/**
 * `detail` of `cohort-lens-view` and the value of `view`: the filters and settings chosen on the
 * page, never data (a page may keep it in its URL; the demo page keeps it in the hash).
 */
export interface CohortLensView {
  /** Which orders the figures cover: calendar days `YYYY-MM-DD` (inclusive), dimension values, a least order amount. */
  filters?: { from?: string; to?: string; dimensions?: Record<string, string[]>; minOrderAmount?: number };
  silentDays?: Options["silentDays"];
  overdueFactor?: Options["overdueFactor"];
  countBy?: Options["countBy"];
  periodGrain?: Options["periodGrain"];
  cohortGrain?: Options["cohortGrain"];
  cohortAlignment?: Options["cohortAlignment"];
  /** The status values treated as cancelled/refunded (absent: the engine's recognition). */
  cancelledStatuses?: Options["cancelledStatuses"];
  rfmSegments?: Options["rfmSegments"];
}

/** `detail` of `cohort-lens-progress`. */
export interface CohortLensProgress {
  phase: "read" | "analyze";
  /** Bytes read so far. */
  loaded: number;
  /** Input size in bytes (0 when unknown). */
  total: number;
}

/** `detail` of `cohort-lens-error`: the engine's error (message in the element's language). */
export interface CohortLensErrorDetail {
  /** An engine ErrorCode, or "FetchFailed" (src), "WorkerFailed", "Internal". */
  code: ErrorCode | "FetchFailed" | "WorkerFailed" | "Internal";
  message: string;
  /** 1-based line of the input (header = 1), or null. */
  line: number | null;
  /** Column name, or null. */
  column: string | null;
}

/** What a panel receives; see PANELS in element/panels/index.js (one module per panel). */
export interface CohortLensPanelContext {
  lang: "en" | "zh";
  t(key: string, params?: Record<string, string | number>): string;
  report: Report | null;
  error: CohortLensErrorDetail | null;
  /** The engine's probe of the input (null until it arrives, or when the file cannot be probed). */
  probe: Probe | null;
  /** The input's column names as the engine reads them (the probe's header). */
  columns: string[];
  /** The options of the run (effectiveOptions). */
  options: Options;
  /** Changes options and re-runs the analysis on the same input. */
  setOption(patch: Partial<Options>): void;
  [key: string]: unknown;
}

/** A section of the element. */
export interface CohortLensPanel {
  id: string;
  title(t: CohortLensPanelContext["t"]): string;
  when(ctx: CohortLensPanelContext): boolean;
  render(ctx: CohortLensPanelContext): Node;
}

/**
 * `<cohort-lens>`: drop-in retention and repurchase analytics. Set `file`/`data` or the `src`
 * attribute (same-origin URL), optionally `options`; the `lang` attribute ("en" | "zh", default
 * from the document or `navigator.language`) picks the UI language and engine messages.
 *
 * Events (bubbling, composed): `cohort-lens-progress`, `cohort-lens-report` (detail: Report),
 * `cohort-lens-error` (detail: CohortLensErrorDetail), `cohort-lens-view` (detail:
 * CohortLensView, when a filter or setting changes on the page).
 *
 * Theming custom properties: `--cohort-lens-font`, `--cohort-lens-text`, `--cohort-lens-muted`,
 * `--cohort-lens-bg`, `--cohort-lens-surface`, `--cohort-lens-border`, `--cohort-lens-grid`,
 * `--cohort-lens-track`, `--cohort-lens-accent`, `--cohort-lens-heat`, `--cohort-lens-good`,
 * `--cohort-lens-bad`, `--cohort-lens-radius`, `--cohort-lens-series-1` … `-4`.
 */
export class CohortLens extends HTMLElement {
  /** The panels in render order; push an object to add a section. */
  static panels: CohortLensPanel[];
  /** The input; setting it starts a run (cancelling one in progress). */
  file: Input | null;
  /** Same as `file`. */
  data: Input | null;
  /**
   * The warehouse SQL's result (see `analyzeSummary`), made with `options`; setting it renders
   * the Report from it, with a note of which sections equal an orders file's.
   */
  summary: Input | SummaryRow[] | null;
  /** Same-origin URL of an export (reflects the `src` attribute). */
  src: string;
  /**
   * Analysis options; setting them re-runs on the same input. Unlike analyze(), the element runs
   * the CLV calibration check by default (`calibrationSplit: "auto"`); set `calibrationSplit` to
   * a date, or to null to turn it off.
   */
  options: Options | (Omit<Options, "calibrationSplit"> & { calibrationSplit?: string | null });
  /**
   * The options of the next run: the engine's "page" preset (`presetOptions("page")`), under
   * `options`, under changes made in the UI, with the element's language as locale unless given.
   * A warehouse `summary` takes no preset: its options are those its SQL was generated with.
   */
  readonly effectiveOptions: Options;
  /** The last Report, or null. */
  readonly report: Report | null;
  /** The last error, or null. */
  readonly error: CohortLensErrorDetail | null;
  /** True while a run is in progress. */
  readonly running: boolean;
  /** Re-runs the analysis of the current input. */
  rerun(): void;
  /** Stops the run in progress. */
  cancel(): void;
  /**
   * The filters and settings chosen on the page; setting it replaces them and re-runs (from the
   * parsed orders). A new file drops the filters and status choices of the previous one.
   */
  view: CohortLensView;
  /**
   * The per-customer table of the last analysis (its filters applied); with a selection only its
   * customers, headers and segment names in `selection.locale`.
   */
  exportCustomers(format?: "csv" | "xlsx" | "arrow", selection?: CustomerSelection & { locale?: "en" | "zh" }): Promise<Uint8Array>;
  /** The customers of a selection in the last analysis, revenue descending. */
  customers(selection?: CustomerSelection, page?: { limit?: number; offset?: number }): Promise<CustomerList>;
}

declare global {
  interface HTMLElementTagNameMap {
    "cohort-lens": CohortLens;
  }
  interface HTMLElementEventMap {
    "cohort-lens-progress": CustomEvent<CohortLensProgress>;
    "cohort-lens-report": CustomEvent<Report>;
    "cohort-lens-error": CustomEvent<CohortLensErrorDetail>;
    "cohort-lens-view": CustomEvent<CohortLensView>;
  }
}
