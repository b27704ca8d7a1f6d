//! The Report (SPEC §10): field names are part of the contract and never change.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ingest::Sample;

/// Everything `analyze` computes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// What was read and how.
    pub ingest: IngestReport,
    /// Headline figures.
    pub summary: Summary,
    /// Repurchase rates and churn per period (§3, §8).
    pub rates: Rates,
    /// Cohort table (§4).
    pub cohorts: Cohorts,
    /// Repurchase funnel and time to repurchase (§5).
    pub funnel: Funnel,
    /// RFM grid and segments (§6).
    pub rfm: Rfm,
    /// Breakdowns by dimension (§7).
    pub breakdowns: Vec<Breakdown>,
    /// Two-group comparisons (§7).
    pub comparisons: Vec<Comparison>,
    /// Silent and overdue customers (§8).
    pub churn: Churn,
    /// Predictive CLV (§9), `null` when it cannot be fitted.
    pub clv: Option<Clv>,
    /// Repurchase by product (§12), `null` unless a product column is mapped.
    pub products: Option<ProductsReport>,
    /// Win-back (§13).
    pub winback: Winback,
    /// Each dimension's most frequent values over every order (not only the filtered ones),
    /// for a page's filter pickers.
    pub dimensions: Vec<DimensionValues>,
    /// How many orders the filters kept (docs/filters.md); `null` without filters.
    pub filter: Option<FilterSummary>,
    /// For a Report made from a warehouse summary (README "Your warehouse"): which sections
    /// equal the file path's and which do not, and why; `null` for a file.
    pub warehouse: Option<WarehouseNote>,
}

/// `warehouse`: how a Report made from warehouse summary tables relates to the file path's.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WarehouseNote {
    /// Sections with the same figures as the file path would give.
    pub exact: Vec<String>,
    /// Sections that differ, each with the reason.
    pub approximate: Vec<WarehouseGap>,
}

/// A section of a warehouse Report that differs from the file path's.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WarehouseGap {
    /// The section's name in the Report.
    pub section: String,
    /// What differs, and why (in the options' locale).
    pub why: String,
}

/// `products` (§12).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProductsReport {
    /// The product column.
    pub column: String,
    /// Repurchase by the products of the first purchase.
    pub first_product: Vec<FirstProduct>,
    /// Repeat buyers of each product and its 复购周期.
    pub repeat: Vec<ProductRepeat>,
    /// What customers with a first product bought in their second purchase.
    pub next: Vec<ProductNext>,
}

/// A row of `products.firstProduct` (§12).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FirstProduct {
    /// The product.
    pub product: String,
    /// Customers whose first purchase contains it.
    pub customers: u64,
    /// Share of them with ≥ 2 purchases.
    pub repurchase_rate: Option<f64>,
    /// 95 % Wilson interval of the rate.
    pub ci_low: Option<f64>,
    /// 95 % Wilson interval of the rate.
    pub ci_high: Option<f64>,
    /// Their revenue (§2) per customer.
    pub revenue_per_customer: Option<f64>,
    /// Median days from first to second purchase (§5).
    pub median_days_to_second: Option<f64>,
}

/// A row of `products.repeat` (§12).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProductRepeat {
    /// The product.
    pub product: String,
    /// Customers with ≥ 1 purchase containing it.
    pub buyers: u64,
    /// Customers with ≥ 2 purchases containing it.
    pub repeat_buyers: u64,
    /// repeatBuyers / buyers.
    pub repeat_rate: Option<f64>,
    /// Days from a purchase containing it to the customer's next purchase containing it.
    pub cycle_days: Option<Quartiles>,
}

/// Median and quartiles (linear interpolation, §5).
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Quartiles {
    /// Median.
    pub median: f64,
    /// 25th percentile.
    pub p25: f64,
    /// 75th percentile.
    pub p75: f64,
}

/// A row of `products.next` (§12).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProductNext {
    /// The first product.
    pub product: String,
    /// Customers with it in their first purchase and a second purchase.
    pub customers: u64,
    /// The 5 products most often in their second purchase.
    pub top: Vec<NextProduct>,
}

/// One product of a second purchase (§12).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NextProduct {
    /// The product.
    pub product: String,
    /// Customers with it in their second purchase.
    pub customers: u64,
    /// customers / the row's customers.
    pub share: Option<f64>,
}

/// `winback` (§13).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Winback {
    /// The lapse threshold in whole days (`silentDays`).
    pub silent_days: u32,
    /// Customers with a purchase more than `silentDays` after their previous one.
    pub customers: u64,
    /// customers / summary.customers.
    pub share: Option<f64>,
    /// Those gaps in whole days, one per such purchase.
    pub gap_days: Option<Quartiles>,
    /// Lapsed and reactivated customers per period of `rates`.
    pub periods: Vec<WinbackPeriod>,
}

/// One period of `winback.periods` (§13).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WinbackPeriod {
    /// Period label.
    pub period: String,
    /// Customers lapsed at the period's start (with a purchase before it).
    pub lapsed: u64,
    /// Those of them buying in the period.
    pub reactivated: u64,
    /// reactivated / lapsed.
    pub rate: Option<f64>,
}

/// A dimension's most frequent values (`dimensions`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DimensionValues {
    /// The column.
    pub column: String,
    /// Distinct non-blank values.
    pub distinct: u64,
    /// The most frequent 100 non-blank values, orders descending, then value ascending.
    pub values: Vec<ValueCount>,
}

/// A value and how many orders carry it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ValueCount {
    /// The value as written.
    pub value: String,
    /// Orders with it.
    pub orders: u64,
}

/// `filter`: what the filters kept (docs/filters.md).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FilterSummary {
    /// Orders passing every filter.
    pub kept_orders: u64,
    /// Orders left out.
    pub excluded_orders: u64,
}

/// A status value found in the file (`ingest.statuses`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StatusValue {
    /// The value as written.
    pub value: String,
    /// Orders with it.
    pub orders: u64,
    /// Whether it makes an order a non-purchase in this analysis (`cancelledStatuses`).
    pub cancelled: bool,
}

/// Seconds spent in each phase of one analysis (0 where the platform lent no clock). Kept out
/// of the Report so that a Report depends on its input and options only.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Timings {
    /// Decoding, tokenising and typing the rows.
    pub ingest: f64,
    /// Merging into orders, sorting, customer facts.
    pub orders: f64,
    /// SPEC §2–§8.
    pub metrics: f64,
    /// SPEC §9 (fits and predictions).
    pub clv: f64,
    /// The whole analysis.
    pub total: f64,
}

/// `ingest` (§10).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct IngestReport {
    /// Data rows.
    pub rows: u64,
    /// Rows accepted.
    pub accepted: u64,
    /// Rejected rows by reason.
    #[cfg_attr(test, ts(as = "BTreeMap<crate::ingest::Reason, u64>"))]
    pub rejected: BTreeMap<String, u64>,
    /// The first rejected rows.
    pub samples: Vec<Sample>,
    /// Role → column.
    #[cfg_attr(test, ts(as = "BTreeMap<crate::ingest::columns::Role, String>"))]
    pub mapping: BTreeMap<String, String>,
    /// Format read: `"csv"` (any delimited text), `"xlsx"`, `"xls"`, `"ods"`, `"html"` (an HTML
    /// table saved as "xls") or `"arrow"`.
    #[cfg_attr(
        test,
        ts(type = r#""csv" | "xlsx" | "xls" | "ods" | "html" | "arrow""#)
    )]
    pub format: String,
    /// The sheet read, for a workbook (`null` otherwise).
    pub sheet: Option<String>,
    /// Encoding used.
    pub encoding: String,
    /// Delimiter used (empty for xlsx and Arrow).
    pub delimiter: String,
    /// `YMD`, `DMY` or `MDY`.
    #[cfg_attr(test, ts(type = r#""YMD" | "DMY" | "MDY""#))]
    pub date_order: String,
    /// Warnings, in the options' locale.
    pub warnings: Vec<String>,
    /// Why each role's column was chosen, with the runner-up (issue 13).
    pub choices: Vec<crate::ingest::columns::ColumnChoice>,
    /// The column read where the customer cell is blank, and on how many rows it was
    /// (`null` without one).
    pub customer_fallback: Option<crate::ingest::columns::CustomerFallback>,
    /// The status values found (the most frequent 100), with whether each makes an order a
    /// non-purchase; empty without a status column.
    pub statuses: Vec<StatusValue>,
}

/// `summary` (§2, §3, §11).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Buyers: customers with ≥ 1 purchase.
    pub customers: u64,
    /// Customers with orders but no purchase.
    pub non_buyers: u64,
    /// Orders before `E`, purchases or not.
    pub orders: u64,
    /// Purchases in the counting unit.
    pub purchases: u64,
    /// Sum of all orders before `E`.
    pub revenue: Option<f64>,
    /// First order.
    pub first_order: Option<String>,
    /// Last order before `E`.
    pub last_order: Option<String>,
    /// `E`.
    pub as_of: String,
    /// Customers with ≥ 2 purchases / customers.
    pub repurchase_rate: Option<f64>,
    /// Purchases / customers.
    pub purchases_per_customer: Option<f64>,
    /// Buyers' revenue / customers.
    pub revenue_per_customer: Option<f64>,
    /// Purchase amounts / purchases.
    pub average_order_value: Option<f64>,
}

/// `rates` (§3).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Rates {
    /// `periodGrain`.
    #[cfg_attr(test, ts(as = "crate::period::Grain"))]
    pub grain: String,
    /// One entry per period, empty periods included.
    pub periods: Vec<PeriodRates>,
}

/// One period of `rates`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PeriodRates {
    /// Label.
    pub period: String,
    /// Customers buying in the period.
    pub buyers: u64,
    /// Customers with ≥ 2 purchases in the period.
    pub repeat_buyers: u64,
    /// repeatBuyers / buyers.
    pub period_repurchase_rate: Option<f64>,
    /// Buyers whose first purchase is before the period.
    pub returning_buyers: u64,
    /// returningBuyers / buyers.
    pub returning_rate: Option<f64>,
    /// Bought in the previous period and not in this one / bought in the previous one.
    pub churn_rate: Option<f64>,
    /// Customers who bought in the previous period and not in this one (the churn rate's
    /// numerator; `null` for the first period): the lifecycle's lapsed customers.
    pub churned: Option<u64>,
}

/// `cohorts` (§4).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Cohorts {
    /// `cohortGrain`.
    #[cfg_attr(test, ts(as = "crate::period::Grain"))]
    pub grain: String,
    /// `cohortAlignment`.
    #[cfg_attr(test, ts(as = "crate::options::Alignment"))]
    pub alignment: String,
    /// One row per cohort that acquired customers.
    pub rows: Vec<CohortRow>,
    /// Weighted average over cohorts.
    pub average: Vec<AverageCell>,
}

/// One cohort.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CohortRow {
    /// Label of the acquisition period.
    pub cohort: String,
    /// Customers acquired.
    pub size: u64,
    /// Cells k = 0..K; `null` when absent.
    pub cells: Vec<Option<CohortCell>>,
}

/// One cohort cell.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CohortCell {
    /// Period index.
    pub k: u32,
    /// Customers with ≥ 1 purchase in period k.
    pub active: u64,
    /// active / eligible.
    pub retention: Option<f64>,
    /// Customers with a purchase in any period ≥ k.
    pub rolling_active: u64,
    /// Orders of any kind in period k.
    pub orders: u64,
    /// Revenue in period k.
    pub revenue: Option<f64>,
    /// Σ revenue[0..=k] / size.
    pub cumulative_revenue_per_customer: Option<f64>,
    /// Customers observed for the whole of period k's start.
    pub eligible: u64,
    /// Whether the period ends after `E`.
    pub partial: bool,
}

/// One cell of the average row.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AverageCell {
    /// Period index.
    pub k: u32,
    /// Σ active / Σ eligible.
    pub retention: Option<f64>,
    /// Σ eligible.
    pub eligible: u64,
}

/// `funnel` (§5).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Funnel {
    /// Steps n = 1..=funnelDepth.
    pub steps: Vec<FunnelStep>,
    /// Repurchase within d days of the first purchase.
    pub repurchase_within: Vec<RepurchaseWithin>,
    /// First → second gap histogram.
    pub histogram: Vec<HistogramBin>,
}

/// One funnel step.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FunnelStep {
    /// n.
    pub n: u32,
    /// Customers with ≥ n purchases.
    pub reached: u64,
    /// reached[n + 1] / reached[n].
    pub conversion: Option<f64>,
    /// Days between purchase n and n + 1.
    pub gap_days: GapStats,
}

/// Summary of gaps in days.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GapStats {
    /// Median.
    pub median: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// Mean.
    pub mean: Option<f64>,
}

/// One `repurchaseWithin` entry.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RepurchaseWithin {
    /// d.
    pub days: u32,
    /// Customers with first + d days ≤ E.
    pub eligible: u64,
    /// Of them, second purchase within d days.
    pub repurchased: u64,
    /// repurchased / eligible.
    pub rate: Option<f64>,
}

/// One histogram bin `[fromDays, toDays)`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HistogramBin {
    /// Lower bound, days.
    pub from_days: u32,
    /// Upper bound, days; `null` for the open last bin.
    pub to_days: Option<u32>,
    /// Customers.
    pub customers: u64,
}

/// `rfm` (§6).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Rfm {
    /// `rfmSegments`.
    #[cfg_attr(test, ts(as = "crate::options::RfmScheme"))]
    pub scheme: String,
    /// grid\[R-1\]\[F-1\] customers.
    pub grid: [[u64; 5]; 5],
    /// With `rf10`, the segment of each grid cell (gridSegments\[R-1\]\[F-1\]), so that a page
    /// labels the grid without restating the scheme; `null` with `cn8`, whose segments depend
    /// on monetary too.
    pub grid_segments: Option<Vec<Vec<String>>>,
    /// Every segment of the scheme, in its order.
    pub segments: Vec<Segment>,
}

/// One RFM segment.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    /// Name.
    pub segment: String,
    /// Customers.
    pub customers: u64,
    /// Share of customers.
    pub share: Option<f64>,
    /// Revenue of its customers.
    pub revenue: Option<f64>,
    /// Share of buyers' revenue.
    pub revenue_share: Option<f64>,
    /// Mean recency (days).
    pub mean_recency: Option<f64>,
    /// Mean frequency.
    pub mean_frequency: Option<f64>,
    /// Mean monetary.
    pub mean_monetary: Option<f64>,
    /// Share with ≥ 2 purchases.
    pub repurchase_rate: Option<f64>,
}

/// One breakdown (§7).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Breakdown {
    /// Column name.
    pub dimension: String,
    /// `first` or `mode`.
    #[cfg_attr(test, ts(as = "crate::options::Attribution"))]
    pub attribution: String,
    /// Groups, largest first, `(other)` last.
    pub groups: Vec<Group>,
}

/// One breakdown group.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// Value, `(blank)` or `(other)`.
    pub value: String,
    /// Customers.
    pub customers: u64,
    /// Share with ≥ 2 purchases.
    pub repurchase_rate: Option<f64>,
    /// 95 % Wilson interval, low.
    pub ci_low: Option<f64>,
    /// 95 % Wilson interval, high.
    pub ci_high: Option<f64>,
    /// Mean purchases.
    pub purchases_per_customer: Option<f64>,
    /// Mean revenue.
    pub revenue_per_customer: Option<f64>,
    /// Median days from first to second purchase.
    pub median_days_to_second: Option<f64>,
}

/// One comparison (§7).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Column name.
    pub dimension: String,
    /// `first` or `mode`.
    #[cfg_attr(test, ts(as = "crate::options::Attribution"))]
    pub attribution: String,
    /// Value of group A.
    pub a: String,
    /// Value of group B.
    pub b: String,
    /// Customers in A.
    pub customers_a: u64,
    /// Repeat customers in A.
    pub repeat_a: u64,
    /// Repurchase rate of A.
    pub rate_a: Option<f64>,
    /// Customers in B.
    pub customers_b: u64,
    /// Repeat customers in B.
    pub repeat_b: u64,
    /// Repurchase rate of B.
    pub rate_b: Option<f64>,
    /// rateA − rateB.
    pub difference: Option<f64>,
    /// Newcombe hybrid score interval, low.
    pub ci_low: Option<f64>,
    /// Newcombe hybrid score interval, high.
    pub ci_high: Option<f64>,
    /// Two-sided p-value of the pooled two-proportion z-test.
    pub p_value: Option<f64>,
}

/// `churn` (§8).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Churn {
    /// `silentDays`.
    pub silent_days: u32,
    /// Customers with recency > silentDays.
    pub silent: u64,
    /// silent / customers.
    pub silent_share: Option<f64>,
    /// Revenue of silent customers.
    pub silent_revenue: Option<f64>,
    /// The most valuable silent customers (revenue descending, ties by id; at most
    /// `listLimit`): the list to hand to a win-back campaign. Every one is in the exports.
    pub silent_customers: Vec<SilentCustomer>,
    /// `overdueFactor`: overdue means more than this many median gaps since the last purchase.
    pub overdue_factor: f64,
    /// Overdue customers before `listLimit`.
    pub overdue_count: u64,
    /// The most valuable overdue customers.
    pub overdue: Vec<Overdue>,
}

/// One silent customer (recency above `silentDays`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SilentCustomer {
    /// Customer id.
    pub customer: String,
    /// Last purchase.
    pub last_purchase: String,
    /// Whole days from the last purchase to `E` (the RFM recency).
    pub recency: i64,
    /// Purchases.
    pub purchases: u64,
    /// Revenue.
    pub revenue: Option<f64>,
    /// RFM segment.
    pub segment: String,
}

/// One overdue customer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Overdue {
    /// Customer id.
    pub customer: String,
    /// Last purchase.
    pub last_purchase: String,
    /// (E − last) in days.
    pub days_since_last: f64,
    /// Median of own gaps in days.
    pub median_gap_days: f64,
    /// Purchases.
    pub purchases: u64,
    /// Revenue.
    pub revenue: Option<f64>,
    /// daysSinceLast / medianGapDays.
    pub overdue_ratio: Option<f64>,
}

/// `clv` (§9).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Clv {
    /// `clvUnit`.
    #[cfg_attr(test, ts(as = "crate::options::ClvUnit"))]
    pub unit: String,
    /// The model whose P(alive) and expected purchases the per-customer figures use (§9.1).
    pub model: UsedModel,
    /// BG/NBD fit (`null` when it has no interior maximum and another model is used).
    pub bgnbd: Option<BgNbdFit>,
    /// Pareto/NBD fit (§9.1), `null` when it has no interior maximum.
    pub pareto_nbd: Option<ParetoNbdFit>,
    /// Both models scored on the holdout after `calibrationSplit` (§9.1), `null` without one.
    pub holdout: Option<Holdout>,
    /// Gamma-Gamma fit.
    pub gamma_gamma: Option<GammaGammaFit>,
    /// Horizon in units.
    pub horizon: u32,
    /// Yearly discount rate.
    pub discount_rate: f64,
    /// Customers in the fit.
    pub fit_customers: u64,
    /// Customers with x ≥ 1.
    pub repeat_customers: u64,
    /// Predicted vs actual purchases after a split date (`calibrationSplit`), `null` without one.
    pub calibration: Option<Calibration>,
    /// Customers by P(alive) in ten bins [0, 0.1), …, [0.9, 1].
    pub p_alive_histogram: [u64; 10],
    /// Totals over every customer (also when `customers` is limited).
    pub totals: ClvTotals,
    /// Expected purchases and CLV per RFM segment.
    pub by_segment: Vec<ClvGroup>,
    /// Expected purchases and CLV per acquisition cohort (`cohortGrain`).
    pub by_cohort: Vec<ClvGroup>,
    /// Per customer.
    pub customers: Vec<ClvCustomer>,
}

/// BG/NBD parameters.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BgNbdFit {
    /// r.
    pub r: f64,
    /// α.
    pub alpha: f64,
    /// a.
    pub a: f64,
    /// b.
    pub b: f64,
    /// Log-likelihood at the fit.
    pub log_likelihood: f64,
}

/// The CLV model used for the predictions (§9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum UsedModel {
    /// BG/NBD.
    Bgnbd,
    /// Pareto/NBD.
    ParetoNbd,
}

/// Pareto/NBD parameters (§9.1).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ParetoNbdFit {
    /// r.
    pub r: f64,
    /// α.
    pub alpha: f64,
    /// s.
    pub s: f64,
    /// β.
    pub beta: f64,
    /// Log-likelihood at the fit.
    pub log_likelihood: f64,
}

/// `clv.holdout` (§9.1): each model fitted before the split, scored on the holdout.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Holdout {
    /// BG/NBD's score, `null` when it could not be fitted on the calibration period.
    pub bgnbd: Option<HoldoutScore>,
    /// Pareto/NBD's score, `null` when it could not be fitted on the calibration period.
    pub pareto_nbd: Option<HoldoutScore>,
}

/// One model's holdout error.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HoldoutScore {
    /// Mean over the non-empty frequency groups of |predicted − actual| holdout repeat purchase
    /// days per customer (the gap between the calibration chart's lines).
    pub mae: f64,
    /// Predicted holdout repeat purchase days, all customers.
    pub predicted: f64,
    /// Actual holdout repeat purchase days, all customers.
    pub actual: u64,
}

/// Gamma-Gamma parameters.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GammaGammaFit {
    /// p.
    pub p: f64,
    /// q.
    pub q: f64,
    /// γ.
    pub gamma: f64,
    /// Log-likelihood at the fit.
    pub log_likelihood: f64,
}

/// One customer's CLV figures.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClvCustomer {
    /// Customer id.
    pub customer: String,
    /// Repeat purchase days.
    pub x: f64,
    /// Time of last purchase in units.
    pub tx: f64,
    /// Observation time in units.
    #[serde(rename = "T")]
    pub t: f64,
    /// P(alive).
    pub p_alive: f64,
    /// Expected purchases over the horizon.
    pub expected_purchases: f64,
    /// Probability of at least one purchase in the next 30 days.
    #[serde(rename = "pPurchase30d")]
    pub p_purchase_30d: Option<f64>,
    /// Probability of at least one purchase in the next 90 days.
    #[serde(rename = "pPurchase90d")]
    pub p_purchase_90d: Option<f64>,
    /// Expected purchases in the next 90 days.
    #[serde(rename = "expectedPurchases90d")]
    pub expected_purchases_90d: Option<f64>,
    /// Mean repeat-day value.
    pub monetary_value: Option<f64>,
    /// Gamma-Gamma expected average value.
    pub expected_value: Option<f64>,
    /// CLV over the horizon.
    pub clv: Option<f64>,
}

/// Population summary of one group of customers.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClvGroup {
    /// Segment name or cohort label.
    pub group: String,
    /// Customers.
    pub customers: u64,
    /// Sum of expected purchases over the horizon.
    pub expected_purchases: f64,
    /// Mean expected purchases.
    pub mean_expected_purchases: Option<f64>,
    /// Sum of CLV (`null` without amounts or Gamma-Gamma).
    pub clv: Option<f64>,
    /// Mean CLV.
    pub mean_clv: Option<f64>,
}

/// The calibration check: the model fitted on purchases before `split`, its predictions for
/// the holdout period `[split, E)` against what customers actually bought.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Calibration {
    /// Start of the holdout period.
    pub split: String,
    /// Holdout length in `clvUnit`s.
    pub holdout: f64,
    /// BG/NBD fitted on the calibration period (`null` when it has no interior maximum).
    pub bgnbd: Option<BgNbdFit>,
    /// Pareto/NBD fitted on the calibration period (`null` when it has no interior maximum).
    pub pareto_nbd: Option<ParetoNbdFit>,
    /// Customers acquired before the split.
    pub customers: u64,
    /// Sum of BG/NBD's predicted holdout purchases (repeat purchase days); 0 without the fit.
    pub predicted: f64,
    /// Sum of Pareto/NBD's predicted holdout purchases, `null` without the fit.
    pub predicted_pareto_nbd: Option<f64>,
    /// Sum of actual holdout purchase days.
    pub actual: u64,
    /// By calibration-period frequency x = 0, 1, …, 6 and "7+".
    pub groups: Vec<CalibrationGroup>,
}

/// One frequency group of the calibration check.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CalibrationGroup {
    /// Repeat purchase days in the calibration period: `"0"` … `"6"`, `"7+"`.
    pub frequency: String,
    /// Customers.
    pub customers: u64,
    /// Mean predicted holdout purchases per customer (BG/NBD).
    pub predicted: Option<f64>,
    /// Mean predicted holdout purchases per customer (Pareto/NBD).
    pub predicted_pareto_nbd: Option<f64>,
    /// Mean actual holdout purchases per customer.
    pub actual: Option<f64>,
}

/// Sums and means over every customer of the CLV section.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClvTotals {
    /// Mean P(alive).
    pub mean_p_alive: Option<f64>,
    /// Expected purchases over the horizon.
    pub expected_purchases: f64,
    /// Expected purchases in the next 90 days.
    pub expected_purchases_90d: f64,
    /// CLV over the horizon (`null` without Gamma-Gamma).
    pub clv: Option<f64>,
}
