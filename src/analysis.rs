//! The whole pipeline: bytes → lines → orders → customers → every metric → [`Report`].

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::customers::{self, Customers};
use crate::error::{Error, ErrorKind, Locale, Result};
use crate::export::{Column, Format, Table};
use crate::filters;
use crate::ingest::stream::Ingest;
use crate::ingest::IngestInfo;
use crate::metrics::{
    breakdown, churn, clv, cohort, funnel, products, rates, rfm, summary, values, winback, Context,
};
use crate::options::Options;
use crate::orders::{self, Orders};
use crate::period::format_time;
use crate::report::{FilterSummary, IngestReport, Report, StatusValue, Timings};

/// A finished analysis: the Report and the per-customer facts behind it (for exports and for
/// re-running the metrics with other options without reading the file again).
pub struct Analysis {
    /// The Report.
    pub report: Report,
    /// Seconds spent in each phase.
    pub timings: Timings,
    /// The CLV fits and every buyer's CLV figures (the Report lists the top
    /// `clvCustomerLimit`; a re-run reuses the fits while their options are unchanged).
    pub(crate) clv_fitted: Option<clv::ClvFitted>,
    /// Every order (re-runs start from them).
    pub(crate) orders: Arc<Orders>,
    /// What `matchRefunds` changed in `orders` (undone before a re-run).
    pub(crate) refunds: orders::RefundMatches,
    /// The orders the filters kept, when there are filters: the figures are theirs.
    pub(crate) view: Option<Arc<Orders>>,
    pub(crate) customers: Arc<Customers>,
    pub(crate) scores: Arc<Vec<rfm::Scores>>,
    pub(crate) segments: Arc<Vec<usize>>,
    pub(crate) options: Options,
    /// What the ingest and the order merge saw (the Report's `ingest` before the metrics'
    /// warnings), kept for re-runs.
    ingest: IngestInfo,
    /// The period and cohort tables' warnings, kept with them for re-runs that keep them.
    table_warnings: TableWarnings,
}

/// A warning in English and Chinese.
type Warning = (String, String);

/// The warnings the period table and the cohort table may give.
#[derive(Clone, Default)]
struct TableWarnings {
    rates: Option<Warning>,
    cohorts: Option<Warning>,
}

/// The orders and customers the sections are computed over, with what the Report says of them
/// (shared, not copied, with the analyses re-run from it).
struct Base {
    orders: Arc<Orders>,
    refunds: orders::RefundMatches,
    view: Option<Arc<Orders>>,
    customers: Arc<Customers>,
    /// What was read, before `matchRefunds`' warnings (kept for re-runs).
    ingest: IngestInfo,
    statuses: Vec<StatusValue>,
    dimensions: Vec<crate::report::DimensionValues>,
    filter: Option<FilterSummary>,
}

/// Analyses an orders file (CSV or whitespace-separated text) with the given options.
pub fn analyze(bytes: &[u8], options: &Options) -> Result<Report> {
    Analysis::run(bytes, options).map(|a| a.report)
}

/// A source of monotonic time in seconds, for the Report's phase timings. The core cannot
/// read a clock on every platform (`std::time::Instant` panics in wasm32-unknown-unknown), so
/// the caller lends one; [`Analysis::run`] uses `Instant` where it exists.
pub type Clock<'a> = &'a dyn Fn() -> f64;

/// Seconds since the first call (`Instant`; natively only).
#[cfg(not(target_arch = "wasm32"))]
pub fn native_clock() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

/// No clock in wasm32-unknown-unknown: the binding lends `Date.now`.
#[cfg(target_arch = "wasm32")]
pub fn native_clock() -> f64 {
    0.0
}

/// A streaming analysis: [`Analyzer::push`] the file's chunks as they arrive (each is parsed
/// at once and let go), then [`Analyzer::finish`].
pub struct Analyzer {
    options: Options,
    as_of: Option<i64>,
    ingest: Ingest,
}

impl Analyzer {
    /// A new analysis; the options are checked here, before any byte is read.
    pub fn new(options: &Options) -> Result<Analyzer> {
        Analyzer::with_ingest(options, Ingest::new(options))
    }

    /// The same, told the file's size (the tables are sized up front).
    pub fn with_size_hint(options: &Options, size: u64) -> Result<Analyzer> {
        Analyzer::with_ingest(options, Ingest::with_size_hint(options, size))
    }

    fn with_ingest(options: &Options, ingest: Ingest) -> Result<Analyzer> {
        options.validate()?;
        let as_of = options.as_of_time()?;
        Ok(Analyzer {
            options: options.clone(),
            as_of,
            ingest,
        })
    }

    /// Parses a chunk. An error is final: `finish` returns it too.
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        self.ingest.push(chunk)
    }

    /// Bytes pushed so far.
    pub fn bytes_consumed(&self) -> u64 {
        self.ingest.bytes_consumed()
    }

    /// Data rows parsed so far (text input; workbooks and Arrow are read at `finish`).
    pub fn rows(&self) -> u64 {
        self.ingest.rows()
    }

    /// Every phase after the last chunk; `started` is the clock's time when the first chunk
    /// came (the ingest phase runs from then).
    pub fn finish(&mut self, clock: Clock, started: f64) -> Result<Analysis> {
        let (lines, mut info) = self.ingest.finish()?;
        let merged = orders::build(
            lines,
            self.as_of,
            self.options.cancelled_statuses.as_deref(),
        );
        for sample in merged.rejected {
            info.rejections.add(sample);
        }
        info.warnings.extend(merged.warnings);
        let orders = merged.orders;
        let ingested = clock();
        let mut analysis = Analysis::from_orders(orders, info, &self.options, None, clock)?;
        analysis.timings.ingest = ingested - started;
        analysis.timings.total += ingested - started;
        Ok(analysis)
    }
}

/// Options that change what is read from the file or which orders are kept: a change of any
/// other option re-runs the metrics over the orders already parsed ([`Analysis::rerun`]).
fn same_orders(a: &Options, b: &Options) -> bool {
    a.mapping == b.mapping
        && a.header == b.header
        && a.delimiter == b.delimiter
        && a.encoding == b.encoding
        && a.sheet == b.sheet
        && a.as_of == b.as_of
        && a.assume_year == b.assume_year
}

/// Options that change which purchases the customers have: a re-run with the same ones keeps
/// the customers, and every section whose own options did not change.
fn same_customers(a: &Options, b: &Options) -> bool {
    a.filters == b.filters
        && a.cancelled_statuses == b.cancelled_statuses
        && a.match_refunds == b.match_refunds
        && a.refund_window_days == b.refund_window_days
        && a.count_by == b.count_by
}

/// The previous analysis when the options a part of the Report reads are unchanged: that part
/// can be taken from it.
fn unchanged<'a, K: PartialEq>(
    previous: Option<&'a Analysis>,
    options: &Options,
    reads: impl Fn(&Options) -> K,
) -> Option<&'a Analysis> {
    previous.filter(|p| reads(&p.options) == reads(options))
}

impl Analysis {
    /// Runs the pipeline and keeps what the exports need.
    pub fn run(bytes: &[u8], options: &Options) -> Result<Analysis> {
        Analysis::run_timed(bytes, options, &native_clock)
    }

    /// [`Analysis::run`] with the clock that times its phases (`report.timings`).
    pub fn run_timed(bytes: &[u8], options: &Options, clock: Clock) -> Result<Analysis> {
        let started = clock();
        let mut analyzer = Analyzer::with_size_hint(options, bytes.len() as u64)?;
        analyzer.push(bytes)?;
        analyzer.finish(clock, started)
    }

    /// Whether [`Analysis::rerun`] can serve `options` from the orders already parsed.
    pub fn can_rerun(&self, options: &Options) -> bool {
        same_orders(&self.options, options)
    }

    /// The metrics again with other options over the same parsed orders (grains, windows,
    /// scoring, breakdowns, CLV settings, locale…): no byte is read again. `None` when the
    /// options change what is read or kept (mapping, header, delimiter, encoding, sheet,
    /// `asOf`): then the file must be analysed again.
    pub fn rerun(&self, options: &Options, clock: Clock) -> Result<Option<Analysis>> {
        if !self.can_rerun(options) {
            return Ok(None);
        }
        options.validate()?;
        let started = clock();
        if same_customers(&self.options, options) {
            let base = Base {
                orders: Arc::clone(&self.orders),
                refunds: self.refunds.clone(),
                view: self.view.clone(),
                customers: Arc::clone(&self.customers),
                ingest: self.ingest.clone(),
                statuses: self.report.ingest.statuses.clone(),
                dimensions: self.report.dimensions.clone(),
                filter: self.report.filter.clone(),
            };
            let analysis = Analysis::from_base(
                base,
                options,
                Some(self),
                self.clv_fitted.as_ref(),
                started,
                clock,
            )?;
            return Ok(Some(analysis));
        }
        let mut orders = Orders::clone(&self.orders);
        self.refunds.undo(&mut orders);
        // The fits are reused only while they are fits of the same purchases.
        let same_purchases = self.options.filters == options.filters
            && self.options.cancelled_statuses == options.cancelled_statuses;
        let mut analysis = Analysis::from_orders(
            orders,
            self.ingest.clone(),
            options,
            self.clv_fitted.as_ref().filter(|_| same_purchases),
            clock,
        )?;
        analysis.timings.orders += clock() - started - analysis.timings.total;
        Ok(Some(analysis))
    }

    /// Every phase from the merged orders on (SPEC §2–§13), over the orders the filters keep.
    fn from_orders(
        orders: Orders,
        info: IngestInfo,
        options: &Options,
        previous_clv: Option<&clv::ClvFitted>,
        clock: Clock,
    ) -> Result<Analysis> {
        let start = clock();
        let base = Analysis::base(orders, info, options)?;
        Analysis::from_base(base, options, None, previous_clv, start, clock)
    }

    /// The orders the figures are of and their customers: refunds matched, filters applied.
    fn base(mut orders: Orders, mut info: IngestInfo, options: &Options) -> Result<Base> {
        let accepted = info.rows - info.rejections.total();
        if accepted == 0 {
            let first = info.rejections.samples().first().cloned();
            let (line, column) = first
                .as_ref()
                .map_or((None, None), |s| (Some(s.line), Some(s.column.clone())));
            let counts: Vec<String> = info
                .rejections
                .counts
                .iter()
                .map(|(r, n)| format!("{n} {}", r.name()))
                .collect();
            let (en, zh) = match &first {
                Some(s) => {
                    let (why_en, why_zh) = s.reason.describe();
                    let column = if s.column.is_empty() {
                        String::new()
                    } else {
                        format!(", column {:?}", s.column)
                    };
                    let column_zh = if s.column.is_empty() {
                        String::new()
                    } else {
                        format!("，列 {:?}", s.column)
                    };
                    (
                        format!(
                            "all {} rows were rejected ({}). The first: line {}{column}, text {:?}: {why_en} ({})",
                            info.rows,
                            counts.join(", "),
                            s.line,
                            s.text,
                            s.reason.name()
                        ),
                        format!(
                            "全部 {} 行都被拒绝（{}）。第一个：第 {} 行{column_zh}，内容 {:?}：{why_zh}（{}）",
                            info.rows,
                            counts.join("，"),
                            s.line,
                            s.text,
                            s.reason.name()
                        ),
                    )
                }
                None => (
                    format!("all {} rows were rejected", info.rows),
                    format!("全部 {} 行都被拒绝", info.rows),
                ),
            };
            return Err(Error::new(ErrorKind::AllRowsRejected, en, zh).at(line, column.as_deref()));
        }
        let ingest = info;
        let cancelled =
            orders::cancelled_statuses(&orders.statuses, options.cancelled_statuses.as_deref());
        if cancelled != orders.cancelled {
            orders.set_cancelled(cancelled);
        }
        // Refunds are matched over every order, before any filter (docs/refunds.md).
        let refunds = if options.match_refunds {
            orders::match_refunds(&mut orders, options.refund_window_days)
        } else {
            orders::RefundMatches::default()
        };
        let statuses = values::status_values(&orders);
        let dimensions = values::dimension_values(&orders);
        let view = match options.filters.as_ref().filter(|f| !f.is_empty()) {
            Some(f) => Some(orders.filtered(&filters::keep(&orders, f)?, options.as_of_time()?)),
            None => None,
        };
        let filter = view.as_ref().map(|v| FilterSummary {
            kept_orders: v.len() as u64,
            excluded_orders: (orders.len() - v.len()) as u64,
        });
        let customers = customers::build(view.as_ref().unwrap_or(&orders), options.count_by);
        Ok(Base {
            orders: Arc::new(orders),
            refunds,
            view: view.map(Arc::new),
            customers: Arc::new(customers),
            ingest,
            statuses,
            dimensions,
            filter,
        })
    }

    /// The sections (SPEC §2–§13) over the base's customers. `kept` is a previous analysis of
    /// the same customers (a re-run): each section whose options did not change is taken from
    /// it instead of computed again. The orders phase is timed from `start`.
    fn from_base(
        base: Base,
        options: &Options,
        kept: Option<&Analysis>,
        previous_clv: Option<&clv::ClvFitted>,
        start: f64,
        clock: Clock,
    ) -> Result<Analysis> {
        let mut timings = Timings::default();
        let mut lap = {
            let mut last = start;
            move || {
                let now = clock();
                let seconds = now - last;
                last = now;
                seconds
            }
        };
        let Base {
            orders,
            refunds,
            view,
            customers,
            ingest,
            statuses,
            dimensions,
            filter,
        } = base;
        timings.orders = lap();
        let seen = view.as_ref().unwrap_or(&orders);
        let cx = Context {
            orders: seen,
            customers: &customers,
            options,
        };
        let scores = match unchanged(kept, options, |o| o.rfm_scoring.clone()) {
            Some(k) => Arc::clone(&k.scores),
            None => Arc::new(rfm::scores(&cx)),
        };
        let segments = match unchanged(kept, options, |o| (o.rfm_scoring.clone(), o.rfm_segments)) {
            Some(k) => Arc::clone(&k.segments),
            None => Arc::new(rfm::segment_of(
                options.rfm_segments,
                &scores,
                orders.has_amount,
            )),
        };
        // Each section with the options it reads besides the customers (SPEC §3–§8, §12–§13).
        let (rates, rates_warning) = match unchanged(kept, options, |o| o.period_grain) {
            Some(k) => (k.report.rates.clone(), k.table_warnings.rates.clone()),
            None => rates::rates(&cx),
        };
        let (cohorts, cohort_warning) =
            match unchanged(kept, options, |o| (o.cohort_grain, o.cohort_alignment)) {
                Some(k) => (k.report.cohorts.clone(), k.table_warnings.cohorts.clone()),
                None => cohort::cohorts(&cx),
            };
        let summary = match kept {
            Some(k) => k.report.summary.clone(),
            None => summary::summary(&cx),
        };
        let funnel = match unchanged(kept, options, |o| {
            (o.funnel_depth, o.repurchase_windows.clone())
        }) {
            Some(k) => k.report.funnel.clone(),
            None => funnel::funnel(&cx),
        };
        let rfm = match unchanged(kept, options, |o| (o.rfm_scoring.clone(), o.rfm_segments)) {
            Some(k) => k.report.rfm.clone(),
            None => rfm::rfm(&cx, &scores, &segments),
        };
        let breakdowns = match unchanged(kept, options, |o| {
            (o.attribution, o.breakdowns.clone(), o.max_groups)
        }) {
            Some(k) => k.report.breakdowns.clone(),
            None => breakdown::breakdowns(&cx)?,
        };
        let comparisons = match unchanged(kept, options, |o| (o.attribution, o.compare.clone())) {
            Some(k) => k.report.comparisons.clone(),
            None => breakdown::comparisons(&cx)?,
        };
        let churn = match unchanged(kept, options, |o| {
            (
                o.rfm_scoring.clone(),
                o.rfm_segments,
                o.silent_days,
                o.overdue_factor,
                o.list_limit,
            )
        }) {
            Some(k) => k.report.churn.clone(),
            None => churn::churn(&cx, &segments),
        };
        let products = match unchanged(kept, options, |o| o.max_groups) {
            Some(k) => k.report.products.clone(),
            None => products::products(&cx),
        };
        let winback = match unchanged(kept, options, |o| (o.period_grain, o.silent_days)) {
            Some(k) => k.report.winback.clone(),
            None => winback::winback(&cx),
        };
        timings.metrics = lap();
        let kept_clv = kept.and_then(|k| k.report.clv.as_ref().map(|c| (c, &k.options)));
        let (clv, clv_warnings) = clv::clv_section(&cx, &segments, previous_clv, kept_clv);
        let (clv, clv_fitted) = clv.unzip();
        timings.clv = lap();
        timings.total = clock() - start;
        let accepted = ingest.rows - ingest.rejections.total();
        let mut info = ingest.clone();
        info.warnings.extend(refund_warnings(&refunds));
        info.warnings
            .extend(rates_warning.iter().chain(&cohort_warning).cloned());
        info.warnings.extend(clv_warnings);
        let report = Report {
            summary,
            rates,
            cohorts,
            funnel,
            rfm,
            breakdowns,
            comparisons,
            churn,
            clv,
            products,
            winback,
            dimensions,
            filter,
            warehouse: None,
            ingest: ingest_report(info, accepted, statuses, options.locale()),
        };
        Ok(Analysis {
            report,
            timings,
            clv_fitted,
            orders,
            refunds,
            view,
            customers,
            scores,
            segments,
            options: options.clone(),
            ingest,
            table_warnings: TableWarnings {
                rates: rates_warning,
                cohorts: cohort_warning,
            },
        })
    }

    /// The orders the figures are of: the filtered ones when there are filters.
    pub(crate) fn seen(&self) -> &Orders {
        self.view.as_ref().unwrap_or(&self.orders)
    }

    /// The per-customer table: one row per buyer with RFM scores and segment.
    pub fn customer_table(&self) -> Table {
        let names = rfm::segment_names(self.options.rfm_segments);
        let buyers = &self.customers.buyers;
        let money = |m: i128| self.seen().has_amount.then(|| crate::metrics::to_f64(m));
        let scores = &self.scores;
        let mut table = Table {
            columns: vec![
                (
                    "customer",
                    Column::Text(
                        buyers
                            .iter()
                            .map(|b| self.seen().customers.text(b.customer))
                            .collect(),
                    ),
                ),
                (
                    "firstPurchase",
                    Column::Text(buyers.iter().map(|b| format_time(b.first)).collect()),
                ),
                (
                    "lastPurchase",
                    Column::Text(buyers.iter().map(|b| format_time(b.last)).collect()),
                ),
                (
                    "purchases",
                    Column::Int(buyers.iter().map(|b| i64::from(b.purchases)).collect()),
                ),
                (
                    "revenue",
                    Column::Float(buyers.iter().map(|b| money(b.revenue)).collect()),
                ),
                (
                    "recency",
                    Column::Int(scores.iter().map(|s| s.recency).collect()),
                ),
                (
                    "r",
                    Column::Int(scores.iter().map(|s| i64::from(s.r)).collect()),
                ),
                (
                    "f",
                    Column::Int(scores.iter().map(|s| i64::from(s.f)).collect()),
                ),
                (
                    "m",
                    Column::Int(scores.iter().map(|s| i64::from(s.m)).collect()),
                ),
                (
                    "segment",
                    Column::Text(
                        self.segments
                            .iter()
                            .map(|&k| names.get(k).copied().unwrap_or_default().to_string())
                            .collect(),
                    ),
                ),
            ],
        };
        // CLV columns (SPEC §9), one row per buyer in the same order; absent without a fit.
        if let Some(fitted) = &self.clv_fitted {
            table.columns.extend(
                fitted
                    .table
                    .columns()
                    .into_iter()
                    .map(|(name, values)| (name, Column::Float(values))),
            );
        }
        table
    }

    /// The per-customer table as CSV bytes.
    pub fn customers_csv(&self) -> Result<Vec<u8>> {
        self.customer_table().encode(Format::Csv)
    }
}

/// What `matchRefunds` changed, in English and Chinese.
fn refund_warnings(refunds: &orders::RefundMatches) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if refunds.reversed > 0 {
        let n = refunds.reversed;
        warnings.push((
            format!("{n} purchases were reversed by refunds and are not counted (matchRefunds)"),
            format!("{n} 笔购买已被退款冲销，不计入统计（matchRefunds）"),
        ));
    }
    if refunds.partial > 0 {
        let n = refunds.partial;
        warnings.push((
            format!(
                "{n} partial refunds reduced the amount of the purchase they refund (matchRefunds)"
            ),
            format!("{n} 笔部分退款已从对应购买的金额中扣除（matchRefunds）"),
        ));
    }
    warnings
}

fn ingest_report(
    mut info: IngestInfo,
    accepted: u64,
    statuses: Vec<StatusValue>,
    locale: Locale,
) -> IngestReport {
    let rejected: BTreeMap<String, u64> = info
        .rejections
        .counts
        .iter()
        .map(|(r, &n)| (r.name().to_string(), n))
        .collect();
    IngestReport {
        rows: info.rows,
        accepted,
        rejected,
        samples: info.rejections.samples().to_vec(),
        mapping: info
            .mapping
            .iter()
            .map(|(role, column)| (role.name().to_string(), column.clone()))
            .collect(),
        format: info.format.to_string(),
        sheet: info.sheet,
        encoding: info.encoding,
        delimiter: info.delimiter,
        date_order: info.date_order.to_string(),
        warnings: info
            .warnings
            .into_iter()
            .map(|(en, zh)| if locale == Locale::Zh { zh } else { en })
            .collect(),
        choices: info
            .choices
            .iter()
            .map(|c| c.report(locale == Locale::Zh))
            .collect(),
        customer_fallback: info
            .customer_fallback
            .map(|(column, rows)| crate::ingest::columns::CustomerFallback { column, rows }),
        statuses,
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn phases_are_timed_with_the_lent_clock_and_the_report_does_not_depend_on_it() {
        let csv = b"customer_id,order_date\nc1,2024-01-01\nc1,2024-02-01\nc2,2024-01-05\n";
        let ticks = Cell::new(0.0);
        let clock = || {
            ticks.set(ticks.get() + 1.0);
            ticks.get()
        };
        let timed = Analysis::run_timed(csv, &Options::default(), &clock).unwrap();
        let t = &timed.timings;
        assert_eq!((t.ingest, t.orders, t.metrics, t.clv), (1.0, 1.0, 1.0, 1.0));
        assert!(t.total >= 4.0);
        let plain = Analysis::run(csv, &Options::default()).unwrap();
        assert_eq!(
            serde_json::to_string(&timed.report).unwrap(),
            serde_json::to_string(&plain.report).unwrap()
        );
    }
}
