//! `clv`: per-customer (x, t_x, T) in the fitting unit, the BG/NBD and Gamma-Gamma fits, and
//! per-customer predictions and summaries (SPEC §9). The math is in [`crate::clv`].

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::rfm::segment_names;
use super::{ratio, to_f64, Context};
use crate::clv::{clv, fit_bgnbd, fit_gamma_gamma, FitError, GammaGamma};
use crate::clv::{BgNbd, Fit};
use crate::customers::Buyer;
use crate::options::{ClvUnit, CountBy, Options, Split};
use crate::period::{day_of, format_time, DAY};
use crate::report::{
    BgNbdFit, Calibration, CalibrationGroup, Clv, ClvCustomer, ClvGroup, ClvTotals, GammaGammaFit,
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

/// A calibration check, or the warning saying why there is none.
type Checked = Result<Calibration, (String, String)>;

/// The options the fits and the per-buyer predictions depend on (the orders being the same).
#[derive(Debug, Clone, Copy, PartialEq)]
struct FitKey {
    unit: ClvUnit,
    horizon: Option<u32>,
    discount_rate: f64,
    count_by: CountBy,
}

impl FitKey {
    fn of(options: &Options) -> FitKey {
        FitKey {
            unit: options.clv_unit,
            horizon: options.horizon,
            discount_rate: options.discount_rate,
            count_by: options.count_by,
        }
    }
}

/// The costly part of the CLV section, which a re-run with other options reuses while the
/// options it depends on are unchanged (a grain, a segment scheme, a silent threshold…): the
/// fits, the per-buyer table, and the calibration check of one split.
#[derive(Debug, Clone)]
pub struct ClvFitted {
    key: FitKey,
    bg: Fit<BgNbd>,
    gg: Option<Fit<GammaGamma>>,
    gg_warning: Option<(String, String)>,
    repeat: u64,
    /// Every buyer's CLV figures (the exports read them).
    pub table: ClvTable,
    calibration: Option<(Split, Checked)>,
}

/// The CLV section and what a re-run may reuse, or `None` with a warning (English, Chinese)
/// saying why. `previous` is the last analysis' of the same orders.
pub fn clv_section(
    cx: &Context,
    segments: &[usize],
    previous: Option<&ClvFitted>,
) -> (Option<(Clv, ClvFitted)>, Warnings) {
    let key = FitKey::of(cx.options);
    let fitted = match previous.filter(|p| p.key == key) {
        Some(p) => p.clone(),
        None => match fit(cx, key) {
            Ok(f) => f,
            Err(w) => return (None, vec![w]),
        },
    };
    section(cx, segments, fitted)
}

/// Fits both models and predicts every buyer.
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
    let unit = |d: i64| d as f64 / unit_days;
    let triples: Vec<(f64, f64, f64)> = days
        .iter()
        .map(|d| (f64::from(d.x), unit(d.tx), unit(d.t)))
        .collect();
    let bg = fit_bgnbd(&triples).map_err(|e| fit_warning(("BG/NBD", "BG/NBD"), e))?;
    let mut gg_warning = None;
    let gg = if cx.orders.has_amount {
        let pairs: Vec<(f64, f64)> = days
            .iter()
            .zip(&monetary)
            .filter_map(|(d, m)| Some((f64::from(d.x), (*m)?)))
            .collect();
        match fit_gamma_gamma(&pairs) {
            Ok(fit) => Some(fit),
            Err(e) => {
                gg_warning = Some(fit_warning(("Gamma-Gamma", "Gamma-Gamma"), e));
                None
            }
        }
    } else {
        None
    };
    let table = ClvTable::new(
        cx,
        &days,
        monetary,
        bg.params,
        gg.map(|f| f.params),
        unit_days,
        horizon,
    );
    Ok(ClvFitted {
        key,
        bg,
        gg,
        gg_warning,
        repeat: days.iter().filter(|d| d.x >= 1).count() as u64,
        table,
        calibration: None,
    })
}

/// The section from the fitted models: summaries, the listed customers, the calibration check.
fn section(
    cx: &Context,
    segments: &[usize],
    mut fitted: ClvFitted,
) -> (Option<(Clv, ClvFitted)>, Warnings) {
    let mut warnings: Warnings = fitted.gg_warning.iter().cloned().collect();
    let buyers = &cx.customers.buyers;
    let (unit_days, horizon) = unit_and_horizon(cx.options);
    let (bg, gg, table) = (fitted.bg, fitted.gg, &fitted.table);
    let model = bg.params;
    let n = table.len();
    let names = segment_names(cx.options.rfm_segments);
    let by_segment = summarise(
        table,
        |i| segments[i] as i64,
        |k| {
            names
                .get(k as usize)
                .copied()
                .unwrap_or_default()
                .to_string()
        },
    );
    let grain = cx.options.cohort_grain;
    let by_cohort = summarise(
        table,
        |i| grain.index_of(buyers[i].first),
        |k| grain.label(k),
    );
    let repeat = fitted.repeat;
    let totals = ClvTotals {
        mean_p_alive: ratio((0..n).map(|i| table.prediction(i).p_alive).sum(), n as f64),
        expected_purchases: (0..n).map(|i| table.prediction(i).expected).sum(),
        expected_purchases_90d: (0..n)
            .filter_map(|i| finite(table.prediction(i).expected90))
            .sum(),
        clv: gg.map(|_| (0..n).filter_map(|i| table.clv(i)).sum()),
    };
    let mut p_alive_histogram = [0u64; 10];
    for i in 0..n {
        let p = table.prediction(i).p_alive;
        if p.is_finite() {
            p_alive_histogram[((p * 10.0) as usize).min(9)] += 1;
        }
    }
    // The Report lists the most valuable `clvCustomerLimit` (every buyer, in file order,
    // without one); the per-customer exports read the table.
    let listed: Vec<usize> = match cx.options.clv_customer_limit {
        Some(limit) => table.most_valuable(limit as usize, &cx.orders.customers),
        None => (0..n).collect(),
    };
    let customers = listed
        .into_iter()
        .map(|i| table.customer(i, &cx.orders.customers))
        .collect();

    // (A split that is no date was refused with the options.) The check of the same split is
    // reused.
    let calibration = match cx.options.split().ok().flatten() {
        Some(split) => {
            let checked = match fitted.calibration.take() {
                Some((s, result)) if s == split => result,
                _ => calibration(cx, split, unit_days),
            };
            fitted.calibration = Some((split, checked.clone()));
            match checked {
                Ok(c) => Some(c),
                Err(w) => {
                    warnings.push(w);
                    None
                }
            }
        }
        None => None,
    };
    (
        Some((
            Clv {
                unit: match cx.options.clv_unit {
                    ClvUnit::Week => "week",
                    ClvUnit::Day => "day",
                }
                .into(),
                bgnbd: BgNbdFit {
                    r: model.r,
                    alpha: model.alpha,
                    a: model.a,
                    b: model.b,
                    log_likelihood: bg.log_likelihood,
                },
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
        days: &[Days],
        monetary: Vec<Option<f64>>,
        model: crate::clv::BgNbd,
        value_model: Option<GammaGamma>,
        unit_days: f64,
        horizon: u32,
    ) -> ClvTable {
        let unit = |d: i64| d as f64 / unit_days;
        let discount_rate = cx.options.discount_rate;
        let mut index: FxHashMap<Days, u32> = FxHashMap::default();
        let mut if_alive: FxHashMap<(u32, i64), (f64, f64)> = FxHashMap::default();
        let mut triples = Vec::new();
        let mut predictions = Vec::new();
        let of_buyer = days
            .iter()
            .map(|&d| {
                *index.entry(d).or_insert_with(|| {
                    let (x, tx, t) = (f64::from(d.x), unit(d.tx), unit(d.t));
                    let p_alive = model.p_alive(x, tx, t);
                    let (expected_alive, expected_alive_90) =
                        *if_alive.entry((d.x, d.t)).or_insert_with(|| {
                            (
                                model.expected_purchases_if_alive(f64::from(horizon), x, t),
                                model.expected_purchases_if_alive(90.0 / unit_days, x, t),
                            )
                        });
                    let expected = p_alive * expected_alive;
                    // The discounted expected purchases over the horizon: CLV per unit of value.
                    let per_value = if discount_rate == 0.0 {
                        expected
                    } else {
                        clv(&model, x, tx, t, 1.0, horizon, unit_days, discount_rate)
                    };
                    triples.push(d);
                    predictions.push(Prediction {
                        p_alive,
                        expected,
                        p30: model.p_at_least_one(30.0 / unit_days, x, tx, t),
                        p90: model.p_at_least_one(90.0 / unit_days, x, tx, t),
                        expected90: p_alive * expected_alive_90,
                        per_value,
                    });
                    (triples.len() - 1) as u32
                })
            })
            .collect();
        ClvTable {
            customer: cx.customers.buyers.iter().map(|b| b.customer).collect(),
            of_buyer,
            monetary: monetary
                .into_iter()
                .map(|m| m.unwrap_or(f64::NAN))
                .collect(),
            triples,
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
    key: impl Fn(usize) -> i64,
    label: impl Fn(i64) -> String,
) -> Vec<ClvGroup> {
    let mut groups: BTreeMap<i64, (u64, f64, f64, bool)> = BTreeMap::new();
    for i in 0..table.len() {
        let g = groups.entry(key(i)).or_insert((0, 0.0, 0.0, true));
        g.0 += 1;
        g.1 += table.prediction(i).expected;
        match table.clv(i) {
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

/// A fit's failure for the Report's warnings; `model` is its (English, Chinese) name.
fn fit_warning(model: (&str, &str), e: FitError) -> (String, String) {
    let (en, zh) = match e {
        FitError::NoInteriorMaximum => (
            "likelihood has no interior maximum (fit ran to a boundary)",
            "似然函数没有内部最大值（拟合落在边界上）",
        ),
        FitError::NoRepeatCustomers => (
            "no customer has a repeat purchase day",
            "没有客户在另一天再次购买",
        ),
        _ => ("the fit did not converge", "拟合未收敛"),
    };
    (
        format!("CLV: {} {en}", model.0),
        format!("客户价值（CLV）：{} {zh}", model.1),
    )
}

/// The calibration check (SPEC §9 model, issue "Predictive CLV": predicted vs actual purchases
/// in a holdout period, per frequency group): fit on what was known before `split`, predict
/// the repeat purchase days of `[split, E)`, and count the real ones.
fn calibration(
    cx: &Context,
    split: Split,
    unit_days: f64,
) -> Result<Calibration, (String, String)> {
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
    let fit = fit_bgnbd(&triples)
        .map_err(|e| fit_warning(("BG/NBD (calibration period)", "BG/NBD（校准期）"), e))?;
    let model = fit.params;
    let holdout = (e - split) as f64 / DAY as f64 / unit_days;
    const GROUPS: usize = 8;
    let mut groups = [(0u64, 0.0f64, 0u64); GROUPS];
    for ((d, actual), (x, tx, t)) in rows.iter().zip(&triples) {
        let predicted = model.conditional_expected_purchases(holdout, *x, *tx, *t);
        let g = &mut groups[(d.x as usize).min(GROUPS - 1)];
        g.0 += 1;
        g.1 += if predicted.is_finite() {
            predicted
        } else {
            0.0
        };
        g.2 += actual;
    }
    Ok(Calibration {
        split: format_time(split),
        holdout,
        bgnbd: BgNbdFit {
            r: model.r,
            alpha: model.alpha,
            a: model.a,
            b: model.b,
            log_likelihood: fit.log_likelihood,
        },
        customers: rows.len() as u64,
        predicted: groups.iter().map(|g| g.1).sum(),
        actual: groups.iter().map(|g| g.2).sum(),
        groups: groups
            .iter()
            .enumerate()
            .map(|(i, &(n, predicted, actual))| CalibrationGroup {
                frequency: if i == GROUPS - 1 {
                    format!("{i}+")
                } else {
                    i.to_string()
                },
                customers: n,
                predicted: ratio(predicted, n as f64),
                actual: ratio(actual as f64, n as f64),
            })
            .collect(),
    })
}
