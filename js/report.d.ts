// Generated from the Rust types (src/report.rs, src/options.rs, src/selection.rs,
// src/warehouse/mod.rs and the types they use) by `make types`: do not edit. `cargo test`
// fails while this file differs from what they give.
// Field names follow SPEC.md §10; index.d.ts re-exports these types.

/** Everything `analyze` computes. */
export type Report = {
  /** What was read and how. */
  ingest: IngestReport,
  /** Headline figures. */
  summary: Summary,
  /** Repurchase rates and churn per period (§3, §8). */
  rates: Rates,
  /** Cohort table (§4). */
  cohorts: Cohorts,
  /** Repurchase funnel and time to repurchase (§5). */
  funnel: Funnel,
  /** RFM grid and segments (§6). */
  rfm: Rfm,
  /** Breakdowns by dimension (§7). */
  breakdowns: Array<Breakdown>,
  /** Two-group comparisons (§7). */
  comparisons: Array<Comparison>,
  /** Silent and overdue customers (§8). */
  churn: Churn,
  /** Predictive CLV (§9), `null` when it cannot be fitted. */
  clv: Clv | null,
  /** Repurchase by product (§12), `null` unless a product column is mapped. */
  products: ProductsReport | null,
  /** Win-back (§13). */
  winback: Winback,
  /**
   * Each dimension's most frequent values over every order (not only the filtered ones),
   * for a page's filter pickers.
   */
  dimensions: Array<DimensionValues>,
  /** How many orders the filters kept (docs/filters.md); `null` without filters. */
  filter: FilterSummary | null,
  /**
   * For a Report made from a warehouse summary (README "Your warehouse"): which sections
   * equal the file path's and which do not, and why; `null` for a file.
   */
  warehouse: WarehouseNote | null,
};

/** `ingest` (§10). */
export type IngestReport = {
  /** Data rows. */
  rows: number,
  /** Rows accepted. */
  accepted: number,
  /** Rejected rows by reason. */
  rejected: { [key in Reason]?: number },
  /** The first rejected rows. */
  samples: Array<Sample>,
  /** Role → column. */
  mapping: { [key in Role]?: string },
  /**
   * Format read: `"csv"` (any delimited text), `"xlsx"`, `"xls"`, `"ods"`, `"html"` (an HTML
   * table saved as "xls") or `"arrow"`.
   */
  format: "csv" | "xlsx" | "xls" | "ods" | "html" | "arrow",
  /** The sheet read, for a workbook (`null` otherwise). */
  sheet: string | null,
  /** Encoding used. */
  encoding: string,
  /** Delimiter used (empty for xlsx and Arrow). */
  delimiter: string,
  /** `YMD`, `DMY` or `MDY`. */
  dateOrder: "YMD" | "DMY" | "MDY",
  /** Warnings, in the options' locale. */
  warnings: Array<string>,
  /** Why each role's column was chosen, with the runner-up (issue 13). */
  choices: Array<ColumnChoice>,
  /**
   * The column read where the customer cell is blank, and on how many rows it was
   * (`null` without one).
   */
  customerFallback: CustomerFallback | null,
  /**
   * The status values found (the most frequent 100), with whether each makes an order a
   * non-purchase; empty without a status column.
   */
  statuses: Array<StatusValue>,
};

/** One reported rejected row. */
export type Sample = {
  /** 1-based physical line where the record starts. */
  line: number,
  /** Column whose cell failed. */
  column: string,
  /** The cell as written. */
  text: string,
  /** Why. */
  reason: Reason,
};

/** Why a role's column was chosen, in the options' locale (`ingest.choices`, issue 13). */
export type ColumnChoice = {
  /** The role. */
  role: Role,
  /** The column chosen. */
  column: string,
  /** Why it won: its header, and what its values showed in the first rows. */
  reason: string,
  /** The next-best column (`null` when it was the only candidate). */
  runnerUp: string | null,
  /** Why the runner-up lost. */
  runnerUpReason: string | null,
};

/** The column that stood in for blank customer cells (`ingest.customerFallback`). */
export type CustomerFallback = {
  /** Its name. */
  column: string,
  /** Rows whose customer came from it. */
  rows: number,
};

/** Why a row was rejected (SPEC §11: one per row, the first failing check in this order). */
export type Reason = "raggedRow" | "repeatedHeader" | "missingCustomer" | "missingTime" | "badTime" | "missingAmount" | "badAmount" | "timeOutOfRange" | "unclosedQuote";

/** A column's role in an order line. */
export type Role = "customer" | "time" | "amount" | "order" | "status" | "quantity" | "unitPrice" | "refundedAmount" | "product";

/** `summary` (§2, §3, §11). */
export type Summary = {
  /** Buyers: customers with ≥ 1 purchase. */
  customers: number,
  /** Customers with orders but no purchase. */
  nonBuyers: number,
  /** Orders before `E`, purchases or not. */
  orders: number,
  /** Purchases in the counting unit. */
  purchases: number,
  /** Sum of all orders before `E`. */
  revenue: number | null,
  /** First order. */
  firstOrder: string | null,
  /** Last order before `E`. */
  lastOrder: string | null,
  /** `E`. */
  asOf: string,
  /** Customers with ≥ 2 purchases / customers. */
  repurchaseRate: number | null,
  /** Purchases / customers. */
  purchasesPerCustomer: number | null,
  /** Buyers' revenue / customers. */
  revenuePerCustomer: number | null,
  /** Purchase amounts / purchases. */
  averageOrderValue: number | null,
};

/** `rates` (§3). */
export type Rates = {
  /** `periodGrain`. */
  grain: Grain,
  /** One entry per period, empty periods included. */
  periods: Array<PeriodRates>,
};

/** One period of `rates`. */
export type PeriodRates = {
  /** Label. */
  period: string,
  /** Customers buying in the period. */
  buyers: number,
  /** Customers with ≥ 2 purchases in the period. */
  repeatBuyers: number,
  /** repeatBuyers / buyers. */
  periodRepurchaseRate: number | null,
  /** Buyers whose first purchase is before the period. */
  returningBuyers: number,
  /** returningBuyers / buyers. */
  returningRate: number | null,
  /** Bought in the previous period and not in this one / bought in the previous one. */
  churnRate: number | null,
  /**
   * Customers who bought in the previous period and not in this one (the churn rate's
   * numerator; `null` for the first period): the lifecycle's lapsed customers.
   */
  churned: number | null,
};

/** `cohorts` (§4). */
export type Cohorts = {
  /** `cohortGrain`. */
  grain: Grain,
  /** `cohortAlignment`. */
  alignment: Alignment,
  /** One row per cohort that acquired customers. */
  rows: Array<CohortRow>,
  /** Weighted average over cohorts. */
  average: Array<AverageCell>,
};

/** One cohort. */
export type CohortRow = {
  /** Label of the acquisition period. */
  cohort: string,
  /** Customers acquired. */
  size: number,
  /** Cells k = 0..K; `null` when absent. */
  cells: Array<CohortCell | null>,
};

/** One cohort cell. */
export type CohortCell = {
  /** Period index. */
  k: number,
  /** Customers with ≥ 1 purchase in period k. */
  active: number,
  /** active / eligible. */
  retention: number | null,
  /** Customers with a purchase in any period ≥ k. */
  rollingActive: number,
  /** Orders of any kind in period k. */
  orders: number,
  /** Revenue in period k. */
  revenue: number | null,
  /** Σ revenue[0..=k] / size. */
  cumulativeRevenuePerCustomer: number | null,
  /** Customers observed for the whole of period k's start. */
  eligible: number,
  /** Whether the period ends after `E`. */
  partial: boolean,
};

/** One cell of the average row. */
export type AverageCell = {
  /** Period index. */
  k: number,
  /** Σ active / Σ eligible. */
  retention: number | null,
  /** Σ eligible. */
  eligible: number,
};

/** `funnel` (§5). */
export type Funnel = {
  /** Steps n = 1..=funnelDepth. */
  steps: Array<FunnelStep>,
  /** Repurchase within d days of the first purchase. */
  repurchaseWithin: Array<RepurchaseWithin>,
  /** First → second gap histogram. */
  histogram: Array<HistogramBin>,
};

/** One funnel step. */
export type FunnelStep = {
  /** n. */
  n: number,
  /** Customers with ≥ n purchases. */
  reached: number,
  /** reached[n + 1] / reached[n]. */
  conversion: number | null,
  /** Days between purchase n and n + 1. */
  gapDays: GapStats,
};

/** Summary of gaps in days. */
export type GapStats = {
  /** Median. */
  median: number | null,
  /** 25th percentile. */
  p25: number | null,
  /** 75th percentile. */
  p75: number | null,
  /** Mean. */
  mean: number | null,
};

/** One `repurchaseWithin` entry. */
export type RepurchaseWithin = {
  /** d. */
  days: number,
  /** Customers with first + d days ≤ E. */
  eligible: number,
  /** Of them, second purchase within d days. */
  repurchased: number,
  /** repurchased / eligible. */
  rate: number | null,
};

/** One histogram bin `[fromDays, toDays)`. */
export type HistogramBin = {
  /** Lower bound, days. */
  fromDays: number,
  /** Upper bound, days; `null` for the open last bin. */
  toDays: number | null,
  /** Customers. */
  customers: number,
};

/** `rfm` (§6). */
export type Rfm = {
  /** `rfmSegments`. */
  scheme: RfmScheme,
  /** grid\[R-1\]\[F-1\] customers. */
  grid: [[number, number, number, number, number], [number, number, number, number, number], [number, number, number, number, number], [number, number, number, number, number], [number, number, number, number, number]],
  /**
   * With `rf10`, the segment of each grid cell (gridSegments\[R-1\]\[F-1\]), so that a page
   * labels the grid without restating the scheme; `null` with `cn8`, whose segments depend
   * on monetary too.
   */
  gridSegments: Array<Array<string>> | null,
  /** Every segment of the scheme, in its order. */
  segments: Array<Segment>,
};

/** One RFM segment. */
export type Segment = {
  /** Name. */
  segment: string,
  /** Customers. */
  customers: number,
  /** Share of customers. */
  share: number | null,
  /** Revenue of its customers. */
  revenue: number | null,
  /** Share of buyers' revenue. */
  revenueShare: number | null,
  /** Mean recency (days). */
  meanRecency: number | null,
  /** Mean frequency. */
  meanFrequency: number | null,
  /** Mean monetary. */
  meanMonetary: number | null,
  /** Share with ≥ 2 purchases. */
  repurchaseRate: number | null,
};

/** One breakdown (§7). */
export type Breakdown = {
  /** Column name. */
  dimension: string,
  /** `first` or `mode`. */
  attribution: Attribution,
  /** Groups, largest first, `(other)` last. */
  groups: Array<Group>,
};

/** One breakdown group. */
export type Group = {
  /** Value, `(blank)` or `(other)`. */
  value: string,
  /** Customers. */
  customers: number,
  /** Share with ≥ 2 purchases. */
  repurchaseRate: number | null,
  /** 95 % Wilson interval, low. */
  ciLow: number | null,
  /** 95 % Wilson interval, high. */
  ciHigh: number | null,
  /** Mean purchases. */
  purchasesPerCustomer: number | null,
  /** Mean revenue. */
  revenuePerCustomer: number | null,
  /** Median days from first to second purchase. */
  medianDaysToSecond: number | null,
};

/** One comparison (§7). */
export type Comparison = {
  /** Column name. */
  dimension: string,
  /** `first` or `mode`. */
  attribution: Attribution,
  /** Value of group A. */
  a: string,
  /** Value of group B. */
  b: string,
  /** Customers in A. */
  customersA: number,
  /** Repeat customers in A. */
  repeatA: number,
  /** Repurchase rate of A. */
  rateA: number | null,
  /** Customers in B. */
  customersB: number,
  /** Repeat customers in B. */
  repeatB: number,
  /** Repurchase rate of B. */
  rateB: number | null,
  /** rateA − rateB. */
  difference: number | null,
  /** Newcombe hybrid score interval, low. */
  ciLow: number | null,
  /** Newcombe hybrid score interval, high. */
  ciHigh: number | null,
  /** Two-sided p-value of the pooled two-proportion z-test. */
  pValue: number | null,
};

/** `churn` (§8). */
export type Churn = {
  /** `silentDays`. */
  silentDays: number,
  /** Customers with recency > silentDays. */
  silent: number,
  /** silent / customers. */
  silentShare: number | null,
  /** Revenue of silent customers. */
  silentRevenue: number | null,
  /**
   * The most valuable silent customers (revenue descending, ties by id; at most
   * `listLimit`): the list to hand to a win-back campaign. Every one is in the exports.
   */
  silentCustomers: Array<SilentCustomer>,
  /** `overdueFactor`: overdue means more than this many median gaps since the last purchase. */
  overdueFactor: number,
  /** Overdue customers before `listLimit`. */
  overdueCount: number,
  /** The most valuable overdue customers. */
  overdue: Array<Overdue>,
};

/** One silent customer (recency above `silentDays`). */
export type SilentCustomer = {
  /** Customer id. */
  customer: string,
  /** Last purchase. */
  lastPurchase: string,
  /** Whole days from the last purchase to `E` (the RFM recency). */
  recency: number,
  /** Purchases. */
  purchases: number,
  /** Revenue. */
  revenue: number | null,
  /** RFM segment. */
  segment: string,
};

/** One overdue customer. */
export type Overdue = {
  /** Customer id. */
  customer: string,
  /** Last purchase. */
  lastPurchase: string,
  /** (E − last) in days. */
  daysSinceLast: number,
  /** Median of own gaps in days. */
  medianGapDays: number,
  /** Purchases. */
  purchases: number,
  /** Revenue. */
  revenue: number | null,
  /** daysSinceLast / medianGapDays. */
  overdueRatio: number | null,
};

/** `clv` (§9). */
export type Clv = {
  /** `clvUnit`. */
  unit: ClvUnit,
  /** The model whose P(alive) and expected purchases the per-customer figures use (§9.1). */
  model: UsedModel,
  /** BG/NBD fit (`null` when it has no interior maximum and another model is used). */
  bgnbd: BgNbdFit | null,
  /** Pareto/NBD fit (§9.1), `null` when it has no interior maximum. */
  paretoNbd: ParetoNbdFit | null,
  /** Both models scored on the holdout after `calibrationSplit` (§9.1), `null` without one. */
  holdout: Holdout | null,
  /** Gamma-Gamma fit. */
  gammaGamma: GammaGammaFit | null,
  /** Horizon in units. */
  horizon: number,
  /** Yearly discount rate. */
  discountRate: number,
  /** Customers in the fit. */
  fitCustomers: number,
  /** Customers with x ≥ 1. */
  repeatCustomers: number,
  /** Predicted vs actual purchases after a split date (`calibrationSplit`), `null` without one. */
  calibration: Calibration | null,
  /** Customers by P(alive) in ten bins [0, 0.1), …, [0.9, 1]. */
  pAliveHistogram: [number, number, number, number, number, number, number, number, number, number],
  /** Totals over every customer (also when `customers` is limited). */
  totals: ClvTotals,
  /** Expected purchases and CLV per RFM segment. */
  bySegment: Array<ClvGroup>,
  /** Expected purchases and CLV per acquisition cohort (`cohortGrain`). */
  byCohort: Array<ClvGroup>,
  /** Per customer. */
  customers: Array<ClvCustomer>,
};

/** The CLV model used for the predictions (§9.1). */
export type UsedModel = "bgnbd" | "paretoNbd";

/** BG/NBD parameters. */
export type BgNbdFit = {
  /** r. */
  r: number,
  /** α. */
  alpha: number,
  /** a. */
  a: number,
  /** b. */
  b: number,
  /** Log-likelihood at the fit. */
  logLikelihood: number,
};

/** Pareto/NBD parameters (§9.1). */
export type ParetoNbdFit = {
  /** r. */
  r: number,
  /** α. */
  alpha: number,
  /** s. */
  s: number,
  /** β. */
  beta: number,
  /** Log-likelihood at the fit. */
  logLikelihood: number,
};

/** `clv.holdout` (§9.1): each model fitted before the split, scored on the holdout. */
export type Holdout = {
  /** BG/NBD's score, `null` when it could not be fitted on the calibration period. */
  bgnbd: HoldoutScore | null,
  /** Pareto/NBD's score, `null` when it could not be fitted on the calibration period. */
  paretoNbd: HoldoutScore | null,
};

/** One model's holdout error. */
export type HoldoutScore = {
  /**
   * Mean over the non-empty frequency groups of |predicted − actual| holdout repeat purchase
   * days per customer (the gap between the calibration chart's lines).
   */
  mae: number,
  /** Predicted holdout repeat purchase days, all customers. */
  predicted: number,
  /** Actual holdout repeat purchase days, all customers. */
  actual: number,
};

/** Gamma-Gamma parameters. */
export type GammaGammaFit = {
  /** p. */
  p: number,
  /** q. */
  q: number,
  /** γ. */
  gamma: number,
  /** Log-likelihood at the fit. */
  logLikelihood: number,
};

/** One customer's CLV figures. */
export type ClvCustomer = {
  /** Customer id. */
  customer: string,
  /** Repeat purchase days. */
  x: number,
  /** Time of last purchase in units. */
  tx: number,
  /** Observation time in units. */
  T: number,
  /** P(alive). */
  pAlive: number,
  /** Expected purchases over the horizon. */
  expectedPurchases: number,
  /** Probability of at least one purchase in the next 30 days. */
  pPurchase30d: number | null,
  /** Probability of at least one purchase in the next 90 days. */
  pPurchase90d: number | null,
  /** Expected purchases in the next 90 days. */
  expectedPurchases90d: number | null,
  /** Mean repeat-day value. */
  monetaryValue: number | null,
  /** Gamma-Gamma expected average value. */
  expectedValue: number | null,
  /** CLV over the horizon. */
  clv: number | null,
};

/** Population summary of one group of customers. */
export type ClvGroup = {
  /** Segment name or cohort label. */
  group: string,
  /** Customers. */
  customers: number,
  /** Sum of expected purchases over the horizon. */
  expectedPurchases: number,
  /** Mean expected purchases. */
  meanExpectedPurchases: number | null,
  /** Sum of CLV (`null` without amounts or Gamma-Gamma). */
  clv: number | null,
  /** Mean CLV. */
  meanClv: number | null,
};

/**
 * The calibration check: the model fitted on purchases before `split`, its predictions for
 * the holdout period `[split, E)` against what customers actually bought.
 */
export type Calibration = {
  /** Start of the holdout period. */
  split: string,
  /** Holdout length in `clvUnit`s. */
  holdout: number,
  /** BG/NBD fitted on the calibration period (`null` when it has no interior maximum). */
  bgnbd: BgNbdFit | null,
  /** Pareto/NBD fitted on the calibration period (`null` when it has no interior maximum). */
  paretoNbd: ParetoNbdFit | null,
  /** Customers acquired before the split. */
  customers: number,
  /** Sum of BG/NBD's predicted holdout purchases (repeat purchase days); 0 without the fit. */
  predicted: number,
  /** Sum of Pareto/NBD's predicted holdout purchases, `null` without the fit. */
  predictedParetoNbd: number | null,
  /** Sum of actual holdout purchase days. */
  actual: number,
  /** By calibration-period frequency x = 0, 1, …, 6 and "7+". */
  groups: Array<CalibrationGroup>,
};

/** One frequency group of the calibration check. */
export type CalibrationGroup = {
  /** Repeat purchase days in the calibration period: `"0"` … `"6"`, `"7+"`. */
  frequency: string,
  /** Customers. */
  customers: number,
  /** Mean predicted holdout purchases per customer (BG/NBD). */
  predicted: number | null,
  /** Mean predicted holdout purchases per customer (Pareto/NBD). */
  predictedParetoNbd: number | null,
  /** Mean actual holdout purchases per customer. */
  actual: number | null,
};

/** Sums and means over every customer of the CLV section. */
export type ClvTotals = {
  /** Mean P(alive). */
  meanPAlive: number | null,
  /** Expected purchases over the horizon. */
  expectedPurchases: number,
  /** Expected purchases in the next 90 days. */
  expectedPurchases90d: number,
  /** CLV over the horizon (`null` without Gamma-Gamma). */
  clv: number | null,
};

/** `products` (§12). */
export type ProductsReport = {
  /** The product column. */
  column: string,
  /** Repurchase by the products of the first purchase. */
  firstProduct: Array<FirstProduct>,
  /** Repeat buyers of each product and its 复购周期. */
  repeat: Array<ProductRepeat>,
  /** What customers with a first product bought in their second purchase. */
  next: Array<ProductNext>,
};

/** A row of `products.firstProduct` (§12). */
export type FirstProduct = {
  /** The product. */
  product: string,
  /** Customers whose first purchase contains it. */
  customers: number,
  /** Share of them with ≥ 2 purchases. */
  repurchaseRate: number | null,
  /** 95 % Wilson interval of the rate. */
  ciLow: number | null,
  /** 95 % Wilson interval of the rate. */
  ciHigh: number | null,
  /** Their revenue (§2) per customer. */
  revenuePerCustomer: number | null,
  /** Median days from first to second purchase (§5). */
  medianDaysToSecond: number | null,
};

/** A row of `products.repeat` (§12). */
export type ProductRepeat = {
  /** The product. */
  product: string,
  /** Customers with ≥ 1 purchase containing it. */
  buyers: number,
  /** Customers with ≥ 2 purchases containing it. */
  repeatBuyers: number,
  /** repeatBuyers / buyers. */
  repeatRate: number | null,
  /** Days from a purchase containing it to the customer's next purchase containing it. */
  cycleDays: Quartiles | null,
};

/** Median and quartiles (linear interpolation, §5). */
export type Quartiles = {
  /** Median. */
  median: number,
  /** 25th percentile. */
  p25: number,
  /** 75th percentile. */
  p75: number,
};

/** A row of `products.next` (§12). */
export type ProductNext = {
  /** The first product. */
  product: string,
  /** Customers with it in their first purchase and a second purchase. */
  customers: number,
  /** The 5 products most often in their second purchase. */
  top: Array<NextProduct>,
};

/** One product of a second purchase (§12). */
export type NextProduct = {
  /** The product. */
  product: string,
  /** Customers with it in their second purchase. */
  customers: number,
  /** customers / the row's customers. */
  share: number | null,
};

/** `winback` (§13). */
export type Winback = {
  /** The lapse threshold in whole days (`silentDays`). */
  silentDays: number,
  /** Customers with a purchase more than `silentDays` after their previous one. */
  customers: number,
  /** customers / summary.customers. */
  share: number | null,
  /** Those gaps in whole days, one per such purchase. */
  gapDays: Quartiles | null,
  /** Lapsed and reactivated customers per period of `rates`. */
  periods: Array<WinbackPeriod>,
};

/** One period of `winback.periods` (§13). */
export type WinbackPeriod = {
  /** Period label. */
  period: string,
  /** Customers lapsed at the period's start (with a purchase before it). */
  lapsed: number,
  /** Those of them buying in the period. */
  reactivated: number,
  /** reactivated / lapsed. */
  rate: number | null,
};

/** A dimension's most frequent values (`dimensions`). */
export type DimensionValues = {
  /** The column. */
  column: string,
  /** Distinct non-blank values. */
  distinct: number,
  /** The most frequent 100 non-blank values, orders descending, then value ascending. */
  values: Array<ValueCount>,
};

/** A value and how many orders carry it. */
export type ValueCount = {
  /** The value as written. */
  value: string,
  /** Orders with it. */
  orders: number,
};

/** `filter`: what the filters kept (docs/filters.md). */
export type FilterSummary = {
  /** Orders passing every filter. */
  keptOrders: number,
  /** Orders left out. */
  excludedOrders: number,
};

/** `warehouse`: how a Report made from warehouse summary tables relates to the file path's. */
export type WarehouseNote = {
  /** Sections with the same figures as the file path would give. */
  exact: Array<string>,
  /** Sections that differ, each with the reason. */
  approximate: Array<WarehouseGap>,
};

/** A section of a warehouse Report that differs from the file path's. */
export type WarehouseGap = {
  /** The section's name in the Report. */
  section: string,
  /** What differs, and why (in the options' locale). */
  why: string,
};

/** A status value found in the file (`ingest.statuses`). */
export type StatusValue = {
  /** The value as written. */
  value: string,
  /** Orders with it. */
  orders: number,
  /** Whether it makes an order a non-purchase in this analysis (`cancelledStatuses`). */
  cancelled: boolean,
};

/**
 * Seconds spent in each phase of one analysis (0 where the platform lent no clock). Kept out
 * of the Report so that a Report depends on its input and options only.
 */
export type Timings = {
  /** Decoding, tokenising and typing the rows. */
  ingest: number,
  /** Merging into orders, sorting, customer facts. */
  orders: number,
  /** SPEC §2–§8. */
  metrics: number,
  /** SPEC §9 (fits and predictions). */
  clv: number,
  /** The whole analysis. */
  total: number,
};

/**
 * Everything `analyze` can be told. Every field has the default SPEC.md gives it.
 * Each may be left out (the struct is `#[serde(default)]`).
 */
export type Options = Partial<{
  /** Role → column name. When given, it is the whole mapping: no role is guessed. */
  mapping: { [key in Role]?: string } | null,
  /** Whether the first line names the columns (default true). */
  header: boolean,
  /** A single character, or `"whitespace"` for runs of spaces/tabs; sniffed when absent. */
  delimiter: string | null,
  /** A WHATWG encoding label; detected when absent. */
  encoding: string | null,
  /**
   * The sheet of an Excel workbook to read: its name, or its 1-based position; default the
   * first sheet.
   */
  sheet: string | null,
  /** Language of error messages and warnings: `"en"` (default) or `"zh"`. */
  locale: string | null,
  /** Counting unit for purchases: one per order, or one per customer-day. */
  countBy: CountBy,
  /** Observation end `E`: a date or timestamp; default the day after the last order's day. */
  asOf: string | null,
  /**
   * The year of the first order when the time column writes dates without a year
   * (`11月18日`, `Nov 18`); later dates move to the next year when they go back in the
   * calendar (docs/mapping.md §8).
   */
  assumeYear: number | null,
  /** Grain of the period table (§3, §8). */
  periodGrain: Grain,
  /** Grain of the cohort table (§4). */
  cohortGrain: Grain,
  /** Calendar or relative cohort periods (§4). */
  cohortAlignment: Alignment,
  /** Number of funnel steps (§5). */
  funnelDepth: number,
  /** Windows in days for `repurchaseWithin` (§5). */
  repurchaseWindows: Array<number>,
  /** Quantile scores or explicit thresholds (§6). */
  rfmScoring: RfmScoring,
  /** Segment map (§6). */
  rfmSegments: RfmScheme,
  /** Default attribution of breakdowns (§7). */
  attribution: Attribution,
  /** Which breakdowns; default every dimension column (§7). */
  breakdowns: Array<BreakdownSpec> | null,
  /** Groups kept per breakdown before the rest merge into `(other)` (§7). */
  maxGroups: number,
  /** Two-group comparisons (§7). */
  compare: Array<CompareSpec>,
  /** Recency in whole days beyond which a customer is silent (§8). */
  silentDays: number,
  /** Overdue when days since last > this × own median gap (§8). */
  overdueFactor: number,
  /** Length of the overdue list (§8). */
  listLimit: number,
  /** Fitting unit of the CLV models (§9). */
  clvUnit: ClvUnit,
  /** CLV horizon in `clvUnit`s; default 52 weeks or 364 days (§9). */
  horizon: number | null,
  /** Yearly discount rate of CLV (§9). */
  discountRate: number,
  /**
   * Calibration check of the CLV model: a split date `YYYY-MM-DD` (fit on purchases before
   * it, compare predicted with actual purchases from it to `E`), or `"auto"` (the last
   * third of the observation window). Absent: no check.
   */
  calibrationSplit: string | null,
  /**
   * Keep only this many customers in `clv.customers`, the most valuable first (by CLV, or by
   * expected purchases without amounts): [`Options::CLV_CUSTOMER_LIMIT`] unless given, so
   * that the Report's size does not grow with the customers. `null`: every customer, in file
   * order. The per-customer exports always hold every customer.
   */
  clvCustomerLimit: number | null,
  /**
   * Which model predicts (§9.1): `"bgnbd"` (default), `"paretoNbd"`, or `"auto"` (the one
   * with the lower holdout error; needs `calibrationSplit`).
   */
  clvModel: ClvModel,
  /**
   * Match refunds and cancellations to the purchases they reverse, which then stop being
   * purchases (docs/refunds.md). Default false.
   */
  matchRefunds: boolean,
  /**
   * Days after a purchase within which a refund of the same amount reverses it
   * (`matchRefunds`; default 90).
   */
  refundWindowDays: number,
  /**
   * The status values that make an order a non-purchase (§1), as written in the file;
   * absent: the values COLUMNS.md recognises.
   */
  cancelledStatuses: Array<string> | null,
  /** Which orders the figures cover (docs/filters.md); absent: every order. */
  filters: Filters | null,
}>;

/** Counting unit of purchases (§1). */
export type CountBy = "order" | "day";

/** A calendar grain (SPEC §4; weeks start on Monday, ISO 8601). */
export type Grain = "day" | "week" | "month" | "quarter" | "year";

/** Cohort period alignment (§4). */
export type Alignment = "calendar" | "relative";

/** RFM scoring (§6): quantile scores or 4 ascending cut points per metric. */
export type RfmScoring = "quantile" | RfmThresholds;

/** Explicit RFM cut points, 4 ascending values per metric. */
export type RfmThresholds = {
  /** Recency cut points in days. */
  recency: Array<number>,
  /** Frequency cut points in purchases. */
  frequency: Array<number>,
  /** Monetary cut points in money. */
  monetary: Array<number>,
};

/** RFM segment map (§6). */
export type RfmScheme = "rf10" | "cn8";

/** Which dimension value a customer is grouped by (§7). */
export type Attribution = "first" | "mode";

/** One breakdown: a dimension name, optionally with its own attribution. */
export type BreakdownSpec = string | {
  /** Column name. */
  dimension: string,
  /** Attribution for this breakdown. */
  attribution?: Attribution | null,
};

/** One comparison of two groups of a dimension (§7). */
export type CompareSpec = {
  /** Column name. */
  dimension: string,
  /** Value of group A. */
  a: string,
  /** Value of group B. */
  b: string,
  /** Attribution; default `options.attribution`. */
  attribution?: Attribution | null,
};

/** Fitting unit of the CLV models (§9). */
export type ClvUnit = "week" | "day";

/** The CLV model option (§9.1). */
export type ClvModel = "bgnbd" | "paretoNbd" | "auto";

/**
 * Which orders an analysis covers (docs/filters.md). Each filter selects orders, after line
 * merging; an order must pass every filter given.
 * Each may be left out (the struct is `#[serde(default)]`).
 */
export type Filters = Partial<{
  /** First calendar day, `YYYY-MM-DD`, included. */
  from: string | null,
  /** Last calendar day, `YYYY-MM-DD`, included. */
  to: string | null,
  /** Dimension column → the values an order's value must be one of. */
  dimensions: { [key in string]: Array<string> },
  /** The least order amount (the order's merged amount); needs an amount. */
  minOrderAmount: number | null,
}>;

/**
 * Where the orders are in the warehouse: a table (or view) and its columns by role. One row
 * is an order line; lines sharing an `order` id (within a customer) are one order (SPEC §1).
 */
export type WarehouseSource = {
  /** The table, written into the query as given (`db.orders`, a quoted name…). */
  table: string,
  /** Customer id column. */
  customer: string,
  /** Order time column: a TIMESTAMP (or DATE), wall clock as the shop wrote it. */
  time: string,
  /** Amount column (a number), if any. */
  amount?: string | null,
  /** Order id column, if any: without it every row is an order. */
  order?: string | null,
  /** Status column, if any. */
  status?: string | null,
  /** Product column (SPEC §12), if any. */
  product?: string | null,
  /**
   * A column giving the lines' order as in a file (integers), if any; ties at the same
   * instant are otherwise broken by order id.
   */
  seq?: string | null,
  /** Dimension name (as the options name it) → column, where they differ. */
  dimensions?: { [key in string]: string },
};

/**
 * Which customers: at most one of the fields (none: every buyer). `locale` names the
 * language of exported headers and segment names.
 * Each may be left out (the struct is `#[serde(default)]`).
 */
export type Selection = Partial<{
  /** An rf10 segment or cn8 class name (`"champions"`, `"importantValue"`, …). */
  segment: string | null,
  /** An R×F grid cell. */
  cell: GridCell | null,
  /** A breakdown group (its `attribution` as in the Report's breakdown of that dimension). */
  group: GroupKey | null,
  /** A list of §8 or §13. */
  list: ListName | null,
  /** A tenth of the buyers by CLV, 1 = the most valuable (§9; needs a fit). */
  decile: number | null,
  /** Buyers of a product (§12; needs `mapping.product`); `as` says which. */
  product: string | null,
  /**
   * With `product`: `"first"` (in their first purchase), `"buyers"` (default: in any
   * purchase) or `"repeat"` (in ≥ 2 purchases).
   */
  as: ProductAs | null,
  /** `"en"` (default) or `"zh"`: the export's headers and segment names. */
  locale: string | null,
}>;

/** An R×F grid cell, scores 1–5. */
export type GridCell = {
  /** R score. */
  r: number,
  /** F score. */
  f: number,
};

/** A breakdown group. */
export type GroupKey = {
  /** The dimension column. */
  dimension: string,
  /** The group's value as the Report writes it (`(blank)`, `(other)` included). */
  value: string,
};

/** A customer list of the Report. */
export type ListName = "silent" | "overdue" | "winback";

/** Which buyers of a product. */
export type ProductAs = "first" | "buyers" | "repeat";

/** A page of a selection's customers, by revenue descending (ties by customer id). */
export type CustomerList = {
  /** Customers in the selection. */
  count: number,
  /** The requested page of them. */
  rows: Array<CustomerRow>,
};

/** A customer's key facts. */
export type CustomerRow = {
  /** Customer id. */
  customer: string,
  /** First purchase, `YYYY-MM-DDTHH:MM:SS`. */
  firstPurchase: string,
  /** Last purchase. */
  lastPurchase: string,
  /** Purchases (counting unit). */
  purchases: number,
  /** Revenue (§2), `null` without an amount. */
  revenue: number | null,
  /** Segment in the options' `rfmSegments` scheme. */
  segment: string,
  /** cn8 class. */
  cn8: string,
  /** P(alive), `null` without a CLV fit. */
  pAlive: number | null,
  /** CLV, `null` without a fit or an amount. */
  clv: number | null,
};
