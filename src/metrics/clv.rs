//! `clv`: per-customer (x, t_x, T) in the fitting unit, the BG/NBD and Gamma-Gamma fits, and
//! per-customer predictions and summaries (SPEC §9). The math is in [`crate::clv`].

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::rfm::segment_names;
use super::{ratio, to_f64, Context};
use crate::clv::{fit_gamma_gamma, warm_start_sample, FitData, FitError, GammaGamma, Model};
use crate::clv::{BgNbd, Fit, ParetoNbd};
use crate::customers::Buyer;
use crate::options::{ClvModel, ClvUnit, CountBy, Options, Split};
use crate::period::{day_of, format_time, Periods, DAY};
use crate::report::{
    BgNbdFit, Calibration, CalibrationGroup, Clv, ClvCustomer, ClvGroup, ClvTotals, GammaGammaFit,
    Holdout, HoldoutScore, ParetoNbdFit, UsedModel,
};

/// A buyer's purchase-day summary in whole days (SPEC §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Days {
    /// Repeat purchase days: distinct purchase days − 1.
    x: u32,
    /// Last purchase day − first purchase day.
    tx: i64,
    /// Last observed day − first purchase day.
    t: i64,
}

/// Predictions of one day triple (NaN where a model gives none).
#[derive(Debug, Clone, Copy)]
struct Prediction {
    p_alive: f64,
    expected: f64,
    p30: f64,
    p90: f64,
    expected90: f64,
    /// Discounted expected purchases over the horizon: CLV per unit of value.
    per_value: f64,
}

/// Warnings in English and Chinese.
type Warnings = Vec<(String, String)>;

/// A calibration check with both models' holdout scores, or the warning saying why there is
/// none.
type Checked = Result<(Calibration, Holdout), (String, String)>;

/// The options the fits and the per-buyer predictions depend on (the orders being the same).
#[derive(Debug, Clone, Copy, PartialEq)]
struct FitKey {
    unit: ClvUnit,
    horizon: Option<u32>,
    discount_rate: f64,
    count_by: CountBy,
    model: ClvModel,
    split: Option<Split>,
    /// The orders themselves change with refund matching.
    refunds: Option<u32>,
}

impl FitKey {
    fn of(options: &Options) -> FitKey {
        FitKey {
            unit: options.clv_unit,
            horizon: options.horizon,
            discount_rate: options.discount_rate,
            count_by: options.count_by,
            model: options.clv_model,
            split: options.split().ok().flatten(),
            refunds: options.match_refunds.then_some(options.refund_window_days),
        }
    }
}

/// The costly part of the CLV section, which a re-run with other options reuses while the
/// options it depends on are unchanged (a grain, a segment scheme, a silent threshold…): the
/// fits, the per-buyer table, and the calibration check of the split.
#[derive(Debug, Clone)]
pub struct ClvFitted {
    key: FitKey,
    model: UsedModel,
    bg: Option<Fit<BgNbd>>,
    pareto: Option<Fit<ParetoNbd>>,
    gg: Option<Fit<GammaGamma>>,
    /// Warnings of the fit: a model that could not be fitted, the choice of `auto`.
    fit_warnings: Warnings,
    repeat: u64,
    /// Every buyer's CLV figures (the exports read them).
    pub table: ClvTable,
    calibration: Option<Checked>,
}

/// The CLV section and what a re-run may reuse, or `None` with a warning (English, Chinese)
/// saying why. `previous` is the last analysis' of the same orders.
pub fn clv_section(
    cx: &Context,
    segments: &[usize],
    previous: Option<&ClvFitted>,
    kept: Option<Kept>,
) -> (Option<(Clv, ClvFitted)>, Warnings) {
    let key = FitKey::of(cx.options);
    let (fitted, kept) = match previous.filter(|p| p.key == key) {
        Some(p) => (p.clone(), kept),
        None => match fit(cx, key) {
            Ok(f) => (f, None),
            Err(w) => return (None, vec![w]),
        },
    };
    section(cx, segments, fitted, kept)
}

/// The section of a previous analysis of the same customers, with its options: where the fits
/// are the same, a part whose options did not change is taken from it.
pub type Kept<'a> = (&'a Clv, &'a Options);

/// Fits the models, picks the one to use (SPEC §9.1) and predicts every buyer.
fn fit(cx: &Context, key: FitKey) -> Result<ClvFitted, (String, String)> {
    let buyers = &cx.customers.buyers;
    let (unit_days, horizon) = unit_and_horizon(cx.options);
    // D: the last observed day, date(E − 1 s).
    let last_day = day_of(cx.orders.as_of - 1);
    let mut days = Vec::with_capacity(buyers.len());
    let mut monetary: Vec<Option<f64>> = Vec::with_capacity(buyers.len());
    for b in buyers {
        let (d, m) = purchase_days(cx, b, last_day);
        days.push(d);
        monetary.push(m);
    }
    let distinct = DistinctDays::count(&days);
    let in_units = |d: &Days| {
        (
            f64::from(d.x),
            d.tx as f64 / unit_days,
            d.t as f64 / unit_days,
        )
    };
    let repeat = days.iter().filter(|d| d.x >= 1).count() as u64;
    let span_days = buyers
        .iter()
        .map(|b| b.first)
        .min()
        .map_or(0, |first| last_day - day_of(first) + 1);
    let explain = |model: (&str, &str), e: FitError| {
        fit_warning(model, e, buyers.len() as u64, repeat, span_days)
    };
    let mut fit_warnings: Warnings = Vec::new();
    let data = FitData::counted(
        distinct
            .triples
            .iter()
            .map(in_units)
            .zip(distinct.counts.iter().copied()),
        warm_start_sample(&days).map(|s| s.iter().map(in_units).collect()),
    );
    let (bg, pareto) = fit_both(data);
    let calibration = key.split.map(|split| calibration(cx, split, unit_days));
    let used = match key.model {
        ClvModel::Bgnbd => UsedModel::Bgnbd,
        ClvModel::ParetoNbd => UsedModel::ParetoNbd,
        ClvModel::Auto => {
            let (model, why) = choose(calibration.as_ref(), bg.is_ok(), pareto.is_ok());
            fit_warnings.push(why);
            model
        }
    };
    if let (ClvModel::Auto, Err(e), Err(_)) = (key.model, &bg, &pareto) {
        return Err(explain(("BG/NBD, Pareto/NBD", "BG/NBD、Pareto/NBD"), *e));
    }
    let model = match (used, &bg, &pareto) {
        (UsedModel::Bgnbd, Ok(f), _) => Model::BgNbd(f.params),
        (UsedModel::ParetoNbd, _, Ok(f)) => Model::ParetoNbd(f.params),
        (UsedModel::Bgnbd, Err(e), _) => return Err(explain(("BG/NBD", "BG/NBD"), *e)),
        (UsedModel::ParetoNbd, _, Err(e)) => return Err(explain(("Pareto/NBD", "Pareto/NBD"), *e)),
    };
    // The other model's failure is worth a word only when it was a candidate.
    if key.model == ClvModel::Auto {
        if let Err(e) = &bg {
            fit_warnings.push(explain(("BG/NBD", "BG/NBD"), *e));
        }
        if let Err(e) = &pareto {
            fit_warnings.push(explain(("Pareto/NBD", "Pareto/NBD"), *e));
        }
    }
    let gg = if cx.orders.has_amount {
        let pairs: Vec<(f64, f64)> = days
            .iter()
            .zip(&monetary)
            .filter_map(|(d, m)| Some((f64::from(d.x), (*m)?)))
            .collect();
        match fit_gamma_gamma(&pairs) {
            Ok(fit) => Some(fit),
            Err(e) => {
                fit_warnings.push(explain(("Gamma-Gamma", "Gamma-Gamma"), e));
                None
            }
        }
    } else {
        None
    };
    let table = ClvTable::new(
        cx,
        distinct,
        monetary,
        model,
        gg.map(|f| f.params),
        unit_days,
        horizon,
    );
    Ok(ClvFitted {
        key,
        model: used,
        bg: bg.ok(),
        pareto: pareto.ok(),
        gg,
        fit_warnings,
        repeat,
        table,
        calibration,
    })
}

/// `clvModel: "auto"`: the model with the lower holdout error (ties: BG/NBD), or the one that
/// could be fitted; with the reason, in English and Chinese.
fn choose(
    calibration: Option<&Checked>,
    bg_fits: bool,
    pareto_fits: bool,
) -> (UsedModel, (String, String)) {
    let scores = calibration.and_then(|c| c.as_ref().ok()).map(|(_, h)| h);
    let (bg_mae, pareto_mae) = (
        scores.and_then(|h| h.bgnbd.as_ref()).map(|s| s.mae),
        scores.and_then(|h| h.pareto_nbd.as_ref()).map(|s| s.mae),
    );
    match (bg_fits, pareto_fits, bg_mae, pareto_mae) {
        (true, true, Some(b), Some(p)) => {
            let model = if p < b {
                UsedModel::ParetoNbd
            } else {
                UsedModel::Bgnbd
            };
            let (name, name_zh) = match model {
                UsedModel::Bgnbd => ("BG/NBD", "BG/NBD"),
                UsedModel::ParetoNbd => ("Pareto/NBD", "Pareto/NBD"),
            };
            (
                model,
                (
                    format!(
                        "CLV: {name} chosen: on the holdout its predictions are off by {:.3} purchases per customer on average (BG/NBD {b:.3}, Pareto/NBD {p:.3})",
                        b.min(p)
                    ),
                    format!(
                        "客户价值（CLV）：选用 {name_zh}：在验证期内其预测平均每位客户偏差 {:.3} 次购买（BG/NBD {b:.3}，Pareto/NBD {p:.3}）",
                        b.min(p)
                    ),
                ),
            )
        }
        (false, true, _, _) | (true, true, None, Some(_)) => (
            UsedModel::ParetoNbd,
            (
                "CLV: Pareto/NBD used: BG/NBD could not be compared with it".into(),
                "客户价值（CLV）：使用 Pareto/NBD：BG/NBD 无法与之比较".into(),
            ),
        ),
        (true, true, None, None) => (
            UsedModel::Bgnbd,
            (
                "CLV: clvModel \"auto\" compares the models on a calibration check (calibrationSplit), and there is none; BG/NBD used"
                    .into(),
                "客户价值（CLV）：clvModel \"auto\" 需要校准检验（calibrationSplit）才能比较模型，但此处没有；已使用 BG/NBD"
                    .into(),
            ),
        ),
        _ => (
            UsedModel::Bgnbd,
            (
                "CLV: BG/NBD used: Pareto/NBD could not be compared with it".into(),
                "客户价值（CLV）：使用 BG/NBD：Pareto/NBD 无法与之比较".into(),
            ),
        ),
    }
}

/// The section from the fitted models: summaries, the listed customers, the calibration check.
/// `kept` is the section of the same fits over the same customers (a re-run), whose parts are
/// taken where the options they read did not change.
fn section(
    cx: &Context,
    segments: &[usize],
    fitted: ClvFitted,
    kept: Option<Kept>,
) -> (Option<(Clv, ClvFitted)>, Warnings) {
    let mut warnings: Warnings = fitted.fit_warnings.clone();
    let buyers = &cx.customers.buyers;
    let (_, horizon) = unit_and_horizon(cx.options);
    let (gg, table) = (fitted.gg, &fitted.table);
    let n = table.len();
    let o = cx.options;
    let kept_if = |unchanged: fn(&Options, &Options) -> bool| {
        kept.filter(|(_, previous)| unchanged(previous, o))
            .map(|(clv, _)| clv)
    };
    // each buyer's CLV once, when a part needs it: the totals and both summaries read it
    let values = std::cell::OnceCell::new();
    let clv = || values.get_or_init(|| (0..n).map(|i| table.clv(i)).collect::<Vec<_>>());
    let by_segment =
        match kept_if(|a, b| a.rfm_scoring == b.rfm_scoring && a.rfm_segments == b.rfm_segments) {
            Some(k) => k.by_segment.clone(),
            None => {
                let names = segment_names(o.rfm_segments);
                summarise(
                    table,
                    clv(),
                    |i| segments[i] as i64,
                    |k| {
                        names
                            .get(k as usize)
                            .copied()
                            .unwrap_or_default()
                            .to_string()
                    },
                )
            }
        };
    let by_cohort = match kept_if(|a, b| a.cohort_grain == b.cohort_grain) {
        Some(k) => k.by_cohort.clone(),
        None => {
            let grain = o.cohort_grain;
            let first = buyers
                .iter()
                .map(|b| b.first)
                .min()
                .unwrap_or(cx.orders.as_of);
            let periods = Periods::new(grain, first, cx.orders.as_of - 1);
            summarise(
                table,
                clv(),
                |i| periods.index_of(buyers[i].first),
                |k| grain.label(k),
            )
        }
    };
    let repeat = fitted.repeat;
    // What the fits alone give.
    let (totals, p_alive_histogram) = match kept_if(|_, _| true) {
        Some(k) => (k.totals.clone(), k.p_alive_histogram),
        None => {
            let totals = ClvTotals {
                mean_p_alive: ratio((0..n).map(|i| table.prediction(i).p_alive).sum(), n as f64),
                expected_purchases: (0..n).map(|i| table.prediction(i).expected).sum(),
                expected_purchases_90d: (0..n)
                    .filter_map(|i| finite(table.prediction(i).expected90))
                    .sum(),
                clv: gg.map(|_| clv().iter().flatten().sum()),
            };
            let mut p_alive_histogram = [0u64; 10];
            for i in 0..n {
                let p = table.prediction(i).p_alive;
                if p.is_finite() {
                    p_alive_histogram[((p * 10.0) as usize).min(9)] += 1;
                }
            }
            (totals, p_alive_histogram)
        }
    };
    // The Report lists the most valuable `clvCustomerLimit` (every buyer, in file order,
    // without one); the per-customer exports read the table.
    let customers = match kept_if(|a, b| a.clv_customer_limit == b.clv_customer_limit) {
        Some(k) => k.customers.clone(),
        None => {
            let listed: Vec<usize> = match o.clv_customer_limit {
                Some(limit) => table.most_valuable(limit as usize, &cx.orders.customers),
                None => (0..n).collect(),
            };
            listed
                .into_iter()
                .map(|i| table.customer(i, &cx.orders.customers))
                .collect()
        }
    };

    // (A split that is no date was refused with the options.)
    let (calibration, holdout) = match fitted.calibration.clone() {
        Some(Ok((c, h))) => (Some(c), Some(h)),
        Some(Err(w)) => {
            warnings.push(w);
            (None, None)
        }
        None => (None, None),
    };
    (
        Some((
            Clv {
                unit: match cx.options.clv_unit {
                    ClvUnit::Week => "week",
                    ClvUnit::Day => "day",
                }
                .into(),
                model: fitted.model,
                bgnbd: fitted.bg.map(bg_fit),
                pareto_nbd: fitted.pareto.map(pareto_fit),
                holdout,
                gamma_gamma: gg.map(|f| GammaGammaFit {
                    p: f.params.p,
                    q: f.params.q,
                    gamma: f.params.gamma,
                    log_likelihood: f.log_likelihood,
                }),
                horizon,
                discount_rate: cx.options.discount_rate,
                fit_customers: buyers.len() as u64,
                repeat_customers: repeat,
                calibration,
                p_alive_histogram,
                totals,
                by_segment,
                by_cohort,
                customers,
            },
            fitted,
        )),
        warnings,
    )
}

fn bg_fit(f: Fit<BgNbd>) -> BgNbdFit {
    BgNbdFit {
        r: f.params.r,
        alpha: f.params.alpha,
        a: f.params.a,
        b: f.params.b,
        log_likelihood: f.log_likelihood,
    }
}

fn pareto_fit(f: Fit<ParetoNbd>) -> ParetoNbdFit {
    ParetoNbdFit {
        r: f.params.r,
        alpha: f.params.alpha,
        s: f.params.s,
        beta: f.params.beta,
        log_likelihood: f.log_likelihood,
    }
}

/// The fitting unit in days and the horizon in units (SPEC §9).
fn unit_and_horizon(options: &Options) -> (f64, u32) {
    let unit_days = match options.clv_unit {
        ClvUnit::Week => 7.0,
        ClvUnit::Day => 1.0,
    };
    let horizon = options.horizon.unwrap_or(match options.clv_unit {
        ClvUnit::Week => 52,
        ClvUnit::Day => 364,
    });
    (unit_days, horizon)
}

/// Every buyer's CLV figures, compactly: predictions depend only on the day triple, so each
/// distinct triple is predicted once and each buyer keeps its triple's number and its mean
/// repeat value; expected value and CLV follow from those on demand (CLV is linear in the
/// value per purchase). A buyer costs 12 bytes here, whatever the number of figures.
#[derive(Debug, Clone)]
pub struct ClvTable {
    /// Buyer `i`'s customer number.
    customer: Vec<u32>,
    /// Buyer `i`'s day triple, as an index into `triples` / `predictions`.
    of_buyer: Vec<u32>,
    /// Buyer `i`'s mean repeat-day value (NaN when none).
    monetary: Vec<f64>,
    triples: Vec<Days>,
    predictions: Vec<Prediction>,
    value_model: Option<GammaGamma>,
    unit_days: f64,
}

impl ClvTable {
    #[allow(clippy::too_many_arguments)]
    fn new(
        cx: &Context,
        distinct: DistinctDays,
        monetary: Vec<Option<f64>>,
        model: Model,
        value_model: Option<GammaGamma>,
        unit_days: f64,
        horizon: u32,
    ) -> ClvTable {
        let unit = |d: i64| d as f64 / unit_days;
        let discount_rate = cx.options.discount_rate;
        // per (x, T): expected purchases over the horizon and 90 days, P(≥1) in 30 and 90 days,
        // each of a customer known to be alive
        let mut if_alive: FxHashMap<(u32, i64), [f64; 4]> = FxHashMap::default();
        let predictions = distinct
            .triples
            .iter()
            .map(|&d| {
                let (x, tx, t) = (f64::from(d.x), unit(d.tx), unit(d.t));
                let p_alive = model.p_alive(x, tx, t);
                let [expected_alive, expected_alive_90, buys30, buys90] =
                    *if_alive.entry((d.x, d.t)).or_insert_with(|| {
                        [
                            model.expected_purchases_if_alive(f64::from(horizon), x, t),
                            model.expected_purchases_if_alive(90.0 / unit_days, x, t),
                            model.buys_if_alive(30.0 / unit_days, x, t),
                            model.buys_if_alive(90.0 / unit_days, x, t),
                        ]
                    });
                let expected = p_alive * expected_alive;
                // The discounted expected purchases over the horizon: CLV per unit of value.
                let per_value = if discount_rate == 0.0 {
                    expected
                } else {
                    model.discounted_purchases(x, tx, t, horizon, unit_days, discount_rate)
                };
                Prediction {
                    p_alive,
                    expected,
                    p30: p_alive * buys30,
                    p90: p_alive * buys90,
                    expected90: p_alive * expected_alive_90,
                    per_value,
                }
            })
            .collect();
        ClvTable {
            customer: cx.customers.buyers.iter().map(|b| b.customer).collect(),
            of_buyer: distinct.of_buyer,
            monetary: monetary
                .into_iter()
                .map(|m| m.unwrap_or(f64::NAN))
                .collect(),
            triples: distinct.triples,
            predictions,
            value_model,
            unit_days,
        }
    }

    /// Number of buyers.
    pub fn len(&self) -> usize {
        self.of_buyer.len()
    }

    /// Whether there are no buyers.
    pub fn is_empty(&self) -> bool {
        self.of_buyer.is_empty()
    }

    fn prediction(&self, i: usize) -> &Prediction {
        &self.predictions[self.of_buyer[i] as usize]
    }

    /// Buyer `i`'s P(alive), `None` when not finite.
    pub fn p_alive(&self, i: usize) -> Option<f64> {
        finite(self.prediction(i).p_alive)
    }

    fn monetary(&self, i: usize) -> Option<f64> {
        let m = self.monetary[i];
        (!m.is_nan()).then_some(m)
    }

    /// Gamma-Gamma expected average value of buyer `i`'s purchases (unfinished values: NaN).
    fn value(&self, i: usize) -> Option<f64> {
        let x = f64::from(self.triples[self.of_buyer[i] as usize].x);
        self.value_model
            .map(|g| g.expected_average_value(x, self.monetary(i).unwrap_or(0.0)))
    }

    /// Buyer `i`'s CLV over the horizon, when finite.
    pub fn clv(&self, i: usize) -> Option<f64> {
        self.value(i)
            .map(|v| self.prediction(i).per_value * v)
            .and_then(finite)
    }

    /// Buyer `i`'s row of `clv.customers`.
    pub fn customer(&self, i: usize, ids: &crate::intern::Interner) -> ClvCustomer {
        let d = self.triples[self.of_buyer[i] as usize];
        let p = self.prediction(i);
        let unit = |v: i64| v as f64 / self.unit_days;
        ClvCustomer {
            customer: ids.text(self.customer[i]),
            x: f64::from(d.x),
            tx: unit(d.tx),
            t: unit(d.t),
            p_alive: p.p_alive,
            expected_purchases: p.expected,
            p_purchase_30d: finite(p.p30),
            p_purchase_90d: finite(p.p90),
            expected_purchases_90d: finite(p.expected90),
            monetary_value: self.monetary(i),
            expected_value: self.value(i).and_then(finite),
            clv: self.clv(i),
        }
    }

    /// One export column per figure, in buyer order: (name, values).
    pub fn columns(&self) -> Vec<(&'static str, Vec<Option<f64>>)> {
        let n = self.len();
        let per = |f: &dyn Fn(usize) -> Option<f64>| (0..n).map(f).collect::<Vec<_>>();
        vec![
            ("pAlive", per(&|i| finite(self.prediction(i).p_alive))),
            (
                "expectedPurchases",
                per(&|i| finite(self.prediction(i).expected)),
            ),
            ("pPurchase30d", per(&|i| finite(self.prediction(i).p30))),
            ("pPurchase90d", per(&|i| finite(self.prediction(i).p90))),
            (
                "expectedPurchases90d",
                per(&|i| finite(self.prediction(i).expected90)),
            ),
            ("expectedValue", per(&|i| self.value(i).and_then(finite))),
            ("clv", per(&|i| self.clv(i))),
        ]
    }

    /// The `limit` buyers with the highest CLV (expected purchases where there is none), most
    /// valuable first, ties by customer id (`clvCustomerLimit`).
    pub fn most_valuable(&self, limit: usize, ids: &crate::intern::Interner) -> Vec<usize> {
        // One key for all: CLV when values are modelled (a buyer without a finite one last),
        // else expected purchases.
        let key = |i: usize| match self.value_model {
            Some(_) => self.clv(i).unwrap_or(f64::NEG_INFINITY),
            None => self.prediction(i).expected,
        };
        let mut order: Vec<(f64, usize)> = (0..self.len()).map(|i| (key(i), i)).collect();
        let by_value = |a: &(f64, usize), b: &(f64, usize)| {
            b.0.total_cmp(&a.0)
                .then_with(|| ids.get(self.customer[a.1]).cmp(ids.get(self.customer[b.1])))
        };
        if limit < order.len() {
            order.select_nth_unstable_by(limit, by_value);
            order.truncate(limit);
        }
        order.sort_by(by_value);
        order.into_iter().map(|(_, i)| i).collect()
    }
}

/// The buyers' distinct day triples: each is fitted with its count and predicted once.
struct DistinctDays {
    /// Buyer `i`'s triple, as an index into `triples`.
    of_buyer: Vec<u32>,
    /// In order of first appearance.
    triples: Vec<Days>,
    /// Buyers per triple.
    counts: Vec<u32>,
}

impl DistinctDays {
    fn count(days: &[Days]) -> DistinctDays {
        let mut index: FxHashMap<Days, u32> = FxHashMap::default();
        let (mut triples, mut counts) = (Vec::new(), Vec::new());
        let of_buyer = days
            .iter()
            .map(|&d| {
                let i = *index.entry(d).or_insert_with(|| {
                    triples.push(d);
                    counts.push(0);
                    (triples.len() - 1) as u32
                });
                counts[i as usize] += 1;
                i
            })
            .collect();
        DistinctDays {
            of_buyer,
            triples,
            counts,
        }
    }
}

/// Both models fitted on the same customers (SPEC §9.1 reports both).
fn fit_both(
    data: Result<FitData, FitError>,
) -> (
    Result<Fit<BgNbd>, FitError>,
    Result<Fit<ParetoNbd>, FitError>,
) {
    match data {
        Ok(d) => (d.fit_bgnbd(), d.fit_pareto_nbd()),
        Err(e) => (Err(e), Err(e)),
    }
}

/// (x, t_x, T) in days and the mean value of the repeat purchase days (SPEC §9: each day's
/// value is the sum of that day's purchases; the first purchase day is excluded).
fn purchase_days(cx: &Context, b: &Buyer, last_day: i64) -> (Days, Option<f64>) {
    let first = day_of(b.first);
    let mut x = 0u32;
    let mut previous = first;
    let mut repeat_total: i128 = 0;
    for u in cx.customers.units_of(b) {
        let day = day_of(u.time);
        if day != previous {
            x += 1;
            previous = day;
        }
        if day != first {
            repeat_total += i128::from(u.amount);
        }
    }
    let days = Days {
        x,
        tx: day_of(b.last) - first,
        t: last_day - first,
    };
    let mean = (cx.orders.has_amount && x >= 1)
        .then(|| to_f64(repeat_total) / f64::from(x))
        .filter(|m| *m > 0.0);
    (days, mean)
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Per-group totals and means of expected purchases and CLV; groups in key order (segment
/// order, cohort order), labelled by `label`.
fn summarise(
    table: &ClvTable,
    clv: &[Option<f64>],
    key: impl Fn(usize) -> i64,
    label: impl Fn(i64) -> String,
) -> Vec<ClvGroup> {
    let mut groups: BTreeMap<i64, (u64, f64, f64, bool)> = BTreeMap::new();
    for i in 0..table.len() {
        let g = groups.entry(key(i)).or_insert((0, 0.0, 0.0, true));
        g.0 += 1;
        g.1 += table.prediction(i).expected;
        match clv.get(i).copied().flatten() {
            Some(v) => g.2 += v,
            None => g.3 = false,
        }
    }
    groups
        .into_iter()
        .map(|(k, (n, expected, total_clv, has_clv))| ClvGroup {
            group: label(k),
            customers: n,
            expected_purchases: expected,
            mean_expected_purchases: ratio(expected, n as f64),
            clv: has_clv.then_some(total_clv),
            mean_clv: if has_clv {
                ratio(total_clv, n as f64)
            } else {
                None
            },
        })
        .collect()
}

/// A fit's failure for the Report's warnings, in words a merchant can act on: what the data
/// lacks and what would help. `model` is its (English, Chinese) name; `buyers`, `repeat` and
/// `span_days` describe the data that was fitted.
fn fit_warning(
    model: (&str, &str),
    e: FitError,
    buyers: u64,
    repeat: u64,
    span_days: i64,
) -> (String, String) {
    let facts_en = format!(
        "{repeat} of {buyers} customers came back on another day, over {span_days} days of history"
    );
    let facts_zh =
        format!("{buyers} 位客户中有 {repeat} 位在另一天再次购买，历史跨度 {span_days} 天");
    let (en, zh) = match e {
        FitError::NoRepeatCustomers => (
            format!(
                "cannot be estimated: no customer bought again on another day ({facts_en}). It needs customers who buy more than once: export a longer period"
            ),
            format!("无法估计：没有客户在另一天再次购买（{facts_zh}）。模型需要多次购买的客户：请导出更长时间段的订单"),
        ),
        FitError::NoInteriorMaximum if repeat < 100 => (
            format!(
                "cannot be estimated: too few repeat customers ({facts_en}); it usually needs at least 100 customers who bought again. More history (a longer period) or more customers will help"
            ),
            format!("无法估计：复购客户太少（{facts_zh}）；通常至少需要 100 位复购客户。导出更长时间段或更多客户的订单会有帮助"),
        ),
        FitError::NoInteriorMaximum => (
            format!(
                "cannot be estimated: the purchase pattern does not fit this model ({facts_en}), for example when nearly everyone buys again at a steady pace or nearly no one does. Try the other model (clvModel), a longer period, or the day unit"
            ),
            format!("无法估计：购买规律与该模型不符（{facts_zh}），例如几乎所有客户都稳定复购或几乎没有复购。可尝试另一个模型（clvModel）、更长的时间段或按天计算"),
        ),
        _ => (
            format!("cannot be estimated: the fit did not settle ({facts_en}). A longer period usually helps"),
            format!("无法估计：拟合未收敛（{facts_zh}）。导出更长时间段通常会有帮助"),
        ),
    };
    (
        format!("CLV: {} {en}", model.0),
        format!("客户价值（CLV）：{} {zh}", model.1),
    )
}

/// The calibration check (SPEC §9 model, issue "Predictive CLV": predicted vs actual purchases
/// in a holdout period, per frequency group): fit on what was known before `split`, predict
/// the repeat purchase days of `[split, E)`, and count the real ones.
fn calibration(cx: &Context, split: Split, unit_days: f64) -> Checked {
    let e = cx.orders.as_of;
    let buyers = &cx.customers.buyers;
    let first = buyers.iter().map(|b| b.first).min().unwrap_or(e);
    let split = match split {
        // The last third of the observation window, at a day boundary.
        Split::Auto => (day_of(e - (e - first) / 3)) * DAY,
        Split::At(t) => t,
    };
    if split <= first || split >= e {
        return Err((
            "clv: the calibration split must fall after the first purchase and before asOf".into(),
            "clv：校准分割日期必须在首次购买之后、观察截止（asOf）之前".into(),
        ));
    }
    let last_day = day_of(split - 1);
    let unit = |d: i64| d as f64 / unit_days;
    let mut rows: Vec<(Days, u64)> = Vec::new();
    for b in buyers.iter().filter(|b| b.first < split) {
        let first_day = day_of(b.first);
        let (mut x, mut last, mut actual) = (0u32, first_day, 0u64);
        let mut previous = first_day;
        for u in cx.customers.units_of(b) {
            let day = day_of(u.time);
            if day == previous {
                continue;
            }
            previous = day;
            if u.time < split {
                x += 1;
                last = day;
            } else {
                actual += 1;
            }
        }
        rows.push((
            Days {
                x,
                tx: last - first_day,
                t: last_day - first_day,
            },
            actual,
        ));
    }
    let triples: Vec<(f64, f64, f64)> = rows
        .iter()
        .map(|(d, _)| (f64::from(d.x), unit(d.tx), unit(d.t)))
        .collect();
    let (bg, pareto) = fit_both(FitData::new(&triples));
    if let (Err(e), Err(_)) = (&bg, &pareto) {
        let repeat = rows.iter().filter(|(d, _)| d.x >= 1).count() as u64;
        let span = day_of(split - 1) - day_of(first) + 1;
        return Err(fit_warning(
            (
                "BG/NBD, Pareto/NBD (calibration period)",
                "BG/NBD、Pareto/NBD（校准期）",
            ),
            *e,
            rows.len() as u64,
            repeat,
            span,
        ));
    }
    let holdout = (e - split) as f64 / DAY as f64 / unit_days;
    const GROUPS: usize = 8;
    // per group: customers, BG/NBD predicted, Pareto/NBD predicted, actual
    let mut groups = [(0u64, 0.0f64, 0.0f64, 0u64); GROUPS];
    let models = [
        bg.as_ref().ok().map(|f| Model::BgNbd(f.params)),
        pareto.as_ref().ok().map(|f| Model::ParetoNbd(f.params)),
    ];
    // Customers share (x, t_x, T) often: each distinct one is predicted once.
    let mut predicted: FxHashMap<Days, (f64, f64)> = FxHashMap::default();
    for ((d, actual), &(x, tx, t)) in rows.iter().zip(&triples) {
        let g = &mut groups[(d.x as usize).min(GROUPS - 1)];
        let (bg_predicted, pareto_predicted) = *predicted.entry(*d).or_insert_with(|| {
            let predict = |m: &Option<Model>| {
                m.map(|m| m.conditional_expected_purchases(holdout, x, tx, t))
                    .filter(|v| v.is_finite())
                    .unwrap_or(0.0)
            };
            (predict(&models[0]), predict(&models[1]))
        });
        g.0 += 1;
        g.1 += bg_predicted;
        g.2 += pareto_predicted;
        g.3 += actual;
    }
    let actual: u64 = groups.iter().map(|g| g.3).sum();
    // mean over non-empty groups of |mean predicted − mean actual|
    let score = |pick: fn(&(u64, f64, f64, u64)) -> f64| {
        let used: Vec<f64> = groups
            .iter()
            .filter(|g| g.0 > 0)
            .map(|g| ((pick(g) - g.3 as f64) / g.0 as f64).abs())
            .collect();
        HoldoutScore {
            mae: used.iter().sum::<f64>() / used.len().max(1) as f64,
            predicted: groups.iter().map(pick).sum(),
            actual,
        }
    };
    let scores = Holdout {
        bgnbd: bg.is_ok().then(|| score(|g| g.1)),
        pareto_nbd: pareto.is_ok().then(|| score(|g| g.2)),
    };
    let calibration = Calibration {
        split: format_time(split),
        holdout,
        bgnbd: bg.ok().map(bg_fit),
        pareto_nbd: pareto.as_ref().ok().copied().map(pareto_fit),
        customers: rows.len() as u64,
        predicted: groups.iter().map(|g| g.1).sum(),
        predicted_pareto_nbd: pareto.is_ok().then(|| groups.iter().map(|g| g.2).sum()),
        actual,
        groups: groups
            .iter()
            .enumerate()
            .map(
                |(i, &(n, predicted, predicted_pareto, actual))| CalibrationGroup {
                    frequency: if i == GROUPS - 1 {
                        format!("{i}+")
                    } else {
                        i.to_string()
                    },
                    customers: n,
                    predicted: ratio(predicted, n as f64),
                    predicted_pareto_nbd: if models[1].is_some() {
                        ratio(predicted_pareto, n as f64)
                    } else {
                        None
                    },
                    actual: ratio(actual as f64, n as f64),
                },
            )
            .collect(),
    };
    Ok((calibration, scores))
}
