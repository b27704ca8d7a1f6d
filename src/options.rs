//! The options of one analysis: how to read the file and which figures to compute. One object,
//! the same in Rust, JSON and JS (camelCase names, SPEC §1–§11 give each default).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Locale, Result};
use crate::period::Grain;
use crate::time::{parse_time, Time};

/// Everything `analyze` can be told. Every field has the default SPEC.md gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Options {
    /// Role → column name. When given, it is the whole mapping: no role is guessed.
    #[cfg_attr(
        test,
        ts(as = "Option<BTreeMap<crate::ingest::columns::Role, String>>")
    )]
    pub mapping: Option<BTreeMap<String, String>>,
    /// Whether the first line names the columns (default true).
    pub header: bool,
    /// A single character, or `"whitespace"` for runs of spaces/tabs; sniffed when absent.
    pub delimiter: Option<String>,
    /// A WHATWG encoding label; detected when absent.
    pub encoding: Option<String>,
    /// The sheet of an Excel workbook to read: its name, or its 1-based position; default the
    /// first sheet.
    pub sheet: Option<String>,
    /// Language of error messages and warnings: `"en"` (default) or `"zh"`.
    pub locale: Option<String>,
    /// Counting unit for purchases: one per order, or one per customer-day.
    pub count_by: CountBy,
    /// Observation end `E`: a date or timestamp; default the day after the last order's day.
    pub as_of: Option<String>,
    /// The year of the first order when the time column writes dates without a year
    /// (`11月18日`, `Nov 18`); later dates move to the next year when they go back in the
    /// calendar (docs/mapping.md §8).
    pub assume_year: Option<i32>,
    /// Grain of the period table (§3, §8).
    pub period_grain: Grain,
    /// Grain of the cohort table (§4).
    pub cohort_grain: Grain,
    /// Calendar or relative cohort periods (§4).
    pub cohort_alignment: Alignment,
    /// Number of funnel steps (§5).
    pub funnel_depth: u32,
    /// Windows in days for `repurchaseWithin` (§5).
    pub repurchase_windows: Vec<u32>,
    /// Quantile scores or explicit thresholds (§6).
    pub rfm_scoring: RfmScoring,
    /// Segment map (§6).
    pub rfm_segments: RfmScheme,
    /// Default attribution of breakdowns (§7).
    pub attribution: Attribution,
    /// Which breakdowns; default every dimension column (§7).
    pub breakdowns: Option<Vec<BreakdownSpec>>,
    /// Groups kept per breakdown before the rest merge into `(other)` (§7).
    pub max_groups: u32,
    /// Two-group comparisons (§7).
    pub compare: Vec<CompareSpec>,
    /// Recency in whole days beyond which a customer is silent (§8).
    pub silent_days: u32,
    /// Overdue when days since last > this × own median gap (§8).
    pub overdue_factor: f64,
    /// Length of the overdue list (§8).
    pub list_limit: u32,
    /// Fitting unit of the CLV models (§9).
    pub clv_unit: ClvUnit,
    /// CLV horizon in `clvUnit`s; default 52 weeks or 364 days (§9).
    pub horizon: Option<u32>,
    /// Yearly discount rate of CLV (§9).
    pub discount_rate: f64,
    /// Calibration check of the CLV model: a split date `YYYY-MM-DD` (fit on purchases before
    /// it, compare predicted with actual purchases from it to `E`), or `"auto"` (the last
    /// third of the observation window). Absent: no check.
    pub calibration_split: Option<String>,
    /// Keep only this many customers in `clv.customers`, the most valuable first (by CLV, or by
    /// expected purchases without amounts): [`Options::CLV_CUSTOMER_LIMIT`] unless given, so
    /// that the Report's size does not grow with the customers. `null`: every customer, in file
    /// order. The per-customer exports always hold every customer.
    pub clv_customer_limit: Option<u32>,
    /// Which model predicts (§9.1): `"bgnbd"` (default), `"paretoNbd"`, or `"auto"` (the one
    /// with the lower holdout error; needs `calibrationSplit`).
    pub clv_model: ClvModel,
    /// Match refunds and cancellations to the purchases they reverse, which then stop being
    /// purchases (docs/refunds.md). Default false.
    pub match_refunds: bool,
    /// Days after a purchase within which a refund of the same amount reverses it
    /// (`matchRefunds`; default 90).
    pub refund_window_days: u32,
    /// The status values that make an order a non-purchase (§1), as written in the file;
    /// absent: the values COLUMNS.md recognises.
    pub cancelled_statuses: Option<Vec<String>>,
    /// Which orders the figures cover (docs/filters.md); absent: every order.
    pub filters: Option<Filters>,
}

/// Which orders an analysis covers (docs/filters.md). Each filter selects orders, after line
/// merging; an order must pass every filter given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Filters {
    /// First calendar day, `YYYY-MM-DD`, included.
    pub from: Option<String>,
    /// Last calendar day, `YYYY-MM-DD`, included.
    pub to: Option<String>,
    /// Dimension column → the values an order's value must be one of.
    pub dimensions: BTreeMap<String, Vec<String>>,
    /// The least order amount (the order's merged amount); needs an amount.
    pub min_order_amount: Option<f64>,
}

impl Filters {
    /// Whether no filter is given (every order passes).
    pub fn is_empty(&self) -> bool {
        self.from.is_none()
            && self.to.is_none()
            && self.dimensions.is_empty()
            && self.min_order_amount.is_none()
    }

    /// `from` and `to` as the seconds of the first instant passing and the first after the
    /// range (checked by [`Options::validate`]).
    pub fn time_range(&self) -> Result<(Option<i64>, Option<i64>)> {
        let from = self
            .from
            .as_deref()
            .map(|t| parse_date("filters.from", t))
            .transpose()?;
        let to = self
            .to
            .as_deref()
            .map(|t| {
                parse_date("filters.to", t)
                    .map(|t| (crate::period::day_of(t) + 1) * crate::period::DAY)
            })
            .transpose()?;
        Ok((from, to))
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mapping: None,
            header: true,
            delimiter: None,
            encoding: None,
            sheet: None,
            locale: None,
            count_by: CountBy::Order,
            as_of: None,
            assume_year: None,
            period_grain: Grain::Month,
            cohort_grain: Grain::Month,
            cohort_alignment: Alignment::Calendar,
            funnel_depth: 5,
            repurchase_windows: vec![7, 30, 60, 90, 180, 365],
            rfm_scoring: RfmScoring::Quantile,
            rfm_segments: RfmScheme::Rf10,
            attribution: Attribution::First,
            breakdowns: None,
            max_groups: 20,
            compare: Vec::new(),
            silent_days: 90,
            overdue_factor: 2.0,
            list_limit: 200,
            clv_unit: ClvUnit::Week,
            horizon: None,
            discount_rate: 0.0,
            calibration_split: None,
            clv_customer_limit: Some(Options::CLV_CUSTOMER_LIMIT),
            clv_model: ClvModel::Bgnbd,
            match_refunds: false,
            refund_window_days: 90,
            cancelled_statuses: None,
            filters: None,
        }
    }
}

/// Counting unit of purchases (§1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CountBy {
    /// Every purchase order counts once.
    Order,
    /// A customer's purchases on one calendar day count once.
    Day,
}

/// Cohort period alignment (§4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Alignment {
    /// Periods of the calendar.
    Calendar,
    /// Periods of fixed length from each customer's first purchase.
    Relative,
}

/// RFM scoring (§6): quantile scores or 4 ascending cut points per metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(try_from = "RfmScoringRepr", into = "RfmScoringRepr")]
#[cfg_attr(test, ts(type = r#""quantile" | RfmThresholds"#))]
pub enum RfmScoring {
    /// `"quantile"`.
    Quantile,
    /// Explicit thresholds.
    Thresholds(RfmThresholds),
}

/// The JSON spelling of [`RfmScoring`]: the string `"quantile"` or a thresholds object.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum RfmScoringRepr {
    Name(String),
    Thresholds(RfmThresholds),
}

impl TryFrom<RfmScoringRepr> for RfmScoring {
    type Error = String;
    fn try_from(repr: RfmScoringRepr) -> std::result::Result<Self, String> {
        match repr {
            RfmScoringRepr::Name(name) if name == "quantile" => Ok(RfmScoring::Quantile),
            RfmScoringRepr::Name(name) => Err(format!(
                "unknown rfmScoring {name:?}: expected \"quantile\" or thresholds"
            )),
            RfmScoringRepr::Thresholds(t) => Ok(RfmScoring::Thresholds(t)),
        }
    }
}

impl From<RfmScoring> for RfmScoringRepr {
    fn from(scoring: RfmScoring) -> Self {
        match scoring {
            RfmScoring::Quantile => RfmScoringRepr::Name("quantile".into()),
            RfmScoring::Thresholds(t) => RfmScoringRepr::Thresholds(t),
        }
    }
}

/// Explicit RFM cut points, 4 ascending values per metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RfmThresholds {
    /// Recency cut points in days.
    pub recency: Vec<f64>,
    /// Frequency cut points in purchases.
    pub frequency: Vec<f64>,
    /// Monetary cut points in money.
    pub monetary: Vec<f64>,
}

/// RFM segment map (§6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum RfmScheme {
    /// The 10-segment map on (R, F) scores.
    Rf10,
    /// The 8 classes of Chinese CRM on above/below-mean R, F, M.
    Cn8,
}

/// Which dimension value a customer is grouped by (§7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Attribution {
    /// The value on the first purchase.
    First,
    /// The most frequent value over the customer's purchases.
    Mode,
}

/// One breakdown: a dimension name, optionally with its own attribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(untagged)]
pub enum BreakdownSpec {
    /// Just the dimension's column name.
    Name(String),
    /// Dimension and attribution.
    Full {
        /// Column name.
        dimension: String,
        /// Attribution for this breakdown.
        #[cfg_attr(test, ts(optional = nullable))]
        attribution: Option<Attribution>,
    },
}

/// One comparison of two groups of a dimension (§7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CompareSpec {
    /// Column name.
    pub dimension: String,
    /// Value of group A.
    pub a: String,
    /// Value of group B.
    pub b: String,
    /// Attribution; default `options.attribution`.
    #[cfg_attr(test, ts(optional = nullable))]
    pub attribution: Option<Attribution>,
}

/// Fitting unit of the CLV models (§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ClvUnit {
    /// 7 days.
    Week,
    /// 1 day.
    Day,
}

/// The CLV model option (§9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ClvModel {
    /// BG/NBD (Fader, Hardie & Lee 2005).
    Bgnbd,
    /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
    ParetoNbd,
    /// The model with the lower holdout error on the calibration split.
    Auto,
}

/// A named preset: the options a kind of page asks for unless its caller says otherwise, as a
/// JSON object to lay under the caller's options. `"page"` is what the `<cohort-lens>` element
/// and the demo page use: every panel, including the CLV calibration check
/// (`calibrationSplit: "auto"`), the CLV model chosen on it (`clvModel: "auto"`) and refunds
/// matched to the purchases they reverse (`matchRefunds`); `"engine"` is the plain defaults
/// (an empty object).
pub fn preset(name: &str) -> Option<serde_json::Value> {
    match name {
        "engine" => Some(serde_json::json!({})),
        "page" => Some(serde_json::json!({
            "calibrationSplit": "auto",
            "clvModel": "auto",
            "matchRefunds": true
        })),
        _ => None,
    }
}

/// The calibration split (SPEC §9 calibration check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// The last third of the observation window.
    Auto,
    /// This time (seconds).
    At(i64),
}

/// A date option (`asOf`, `calibrationSplit`): a date or timestamp in an unambiguous
/// (year-first) shape; anything else is the same `BadOptions` error for every such option.
fn parse_date(name: &str, text: &str) -> Result<i64> {
    match parse_time(text.trim().as_bytes()) {
        Some(Time::Exact(t)) => Ok(t),
        _ => Err(Error::new(
            ErrorKind::BadOptions,
            format!("{name} {text:?} is not a date: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"),
            format!("{name} {text:?} 不是日期：请写成 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM:SS"),
        )),
    }
}

impl Options {
    /// Customers listed in `clv.customers` by default (the most valuable).
    pub const CLV_CUSTOMER_LIMIT: u32 = 200;

    /// Options from a JSON text (the shape of a golden `*.options.json`).
    pub fn from_json(text: &str) -> Result<Options> {
        let options: Options = serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::BadOptions,
                format!("invalid options: {e}"),
                format!("选项无效：{e}"),
            )
        })?;
        options.validate()?;
        Ok(options)
    }

    /// Checks the values serde cannot: ranges and list lengths.
    pub fn validate(&self) -> Result<()> {
        let bad = |en: String, zh: String| Err(Error::new(ErrorKind::BadOptions, en, zh));
        if let RfmScoring::Thresholds(t) = &self.rfm_scoring {
            for (name, cuts) in [
                ("recency", &t.recency),
                ("frequency", &t.frequency),
                ("monetary", &t.monetary),
            ] {
                let ascending = cuts.windows(2).all(|w| w[0] <= w[1]);
                if cuts.len() != 4 || !ascending || cuts.iter().any(|c| !c.is_finite()) {
                    return bad(
                        format!("rfmScoring.{name} must be 4 ascending numbers"),
                        format!("rfmScoring.{name} 必须是 4 个递增的数"),
                    );
                }
            }
        }
        if !(1..=100).contains(&self.funnel_depth) {
            return bad(
                "funnelDepth must be between 1 and 100".into(),
                "funnelDepth 必须在 1 到 100 之间".into(),
            );
        }
        if self.max_groups == 0 {
            return bad(
                "maxGroups must be at least 1".into(),
                "maxGroups 至少为 1".into(),
            );
        }
        if !self.overdue_factor.is_finite() || self.overdue_factor < 0.0 {
            return bad(
                "overdueFactor must be a number ≥ 0".into(),
                "overdueFactor 必须是 ≥ 0 的数".into(),
            );
        }
        if !self.discount_rate.is_finite() || self.discount_rate <= -1.0 {
            return bad(
                "discountRate must be a number > -1".into(),
                "discountRate 必须是 > -1 的数".into(),
            );
        }
        if self.horizon.is_some_and(|h| h == 0 || h > 100_000) {
            return bad(
                "horizon must be between 1 and 100000".into(),
                "horizon 必须在 1 到 100000 之间".into(),
            );
        }
        if self.refund_window_days > 36_500 {
            return bad(
                "refundWindowDays must be between 0 and 36500".into(),
                "refundWindowDays 必须在 0 到 36500 之间".into(),
            );
        }
        self.as_of_time()?;
        self.split()?;
        if let Some(filters) = &self.filters {
            filters.time_range()?;
            if filters
                .min_order_amount
                .is_some_and(|m| !m.is_finite() || m.abs() > 1e15)
            {
                return bad(
                    "filters.minOrderAmount must be a number".into(),
                    "filters.minOrderAmount 必须是数字".into(),
                );
            }
        }
        Ok(())
    }

    /// `asOf` as seconds (checked by [`Options::validate`]).
    pub fn as_of_time(&self) -> Result<Option<i64>> {
        self.as_of
            .as_deref()
            .map(|text| parse_date("asOf", text))
            .transpose()
    }

    /// `calibrationSplit`: `"auto"` or a date, as seconds (checked by [`Options::validate`]).
    pub fn split(&self) -> Result<Option<Split>> {
        self.calibration_split
            .as_deref()
            .map(|text| match text.trim() {
                "auto" => Ok(Split::Auto),
                _ => parse_date("calibrationSplit", text).map(Split::At),
            })
            .transpose()
    }

    /// The locale of messages.
    pub fn locale(&self) -> Locale {
        match self.locale.as_deref() {
            Some(l) if l.starts_with("zh") => Locale::Zh,
            _ => Locale::En,
        }
    }
}
