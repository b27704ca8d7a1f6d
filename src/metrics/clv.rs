//! `clv`: per-customer (x, t_x, T) in the fitting unit, the BG/NBD and Gamma-Gamma fits, and
//! per-customer predictions and summaries (SPEC §9). The math is in [`crate::clv`].

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::rfm::segment_names;
use super::{ratio, to_f64, Context};
use crate::clv::{clv, fit_bgnbd, fit_gamma_gamma, FitError, GammaGamma};
use crate::customers::Buyer;
use crate::ingest::values::{parse_time, Time};
use crate::options::ClvUnit;
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

/// Predictions of one buyer (NaN where a model gives none).
#[derive(Debug, Clone, Copy)]
struct Prediction {
    p_alive: f64,
    expected: f64,
    p30: f64,
    p90: f64,
    expected90: f64,
}

/// The CLV section, or `None` with a warning (English, Chinese) saying why.
pub fn clv_section(cx: &Context, segments: &[usize]) -> (Option<Clv>, Vec<(String, String)>) {
    let mut warnings = Vec::new();
    let buyers = &cx.customers.buyers;
    let unit_days = match cx.options.clv_unit {
        ClvUnit::Week => 7.0,
        ClvUnit::Day => 1.0,
    };
    let horizon = cx.options.horizon.unwrap_or(match cx.options.clv_unit {
        ClvUnit::Week => 52,
        ClvUnit::Day => 364,
    });
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
    let bg = match fit_bgnbd(&triples) {
        Ok(fit) => fit,
        Err(e) => {
            warnings.push(fit_warning("BG/NBD", e));
            return (None, warnings);
        }
    };
    let gg = if cx.orders.has_amount {
        let pairs: Vec<(f64, f64)> = days
            .iter()
            .zip(&monetary)
            .filter_map(|(d, m)| Some((f64::from(d.x), (*m)?)))
            .collect();
        match fit_gamma_gamma(&pairs) {
            Ok(fit) => Some(fit),
            Err(e) => {
                warnings.push(fit_warning("Gamma-Gamma", e));
                None
            }
        }
    } else {
        None
    };

    // Predictions depend only on the day triple, and the costly series only on (x, T):
    // compute each distinct one once.
    let model = bg.params;
    let mut if_alive: FxHashMap<(u32, i64), (f64, f64)> = FxHashMap::default();
    let mut cache: FxHashMap<Days, Prediction> = FxHashMap::default();
    let mut predict = |d: Days| {
        *cache.entry(d).or_insert_with(|| {
            let (x, tx, t) = (f64::from(d.x), unit(d.tx), unit(d.t));
            let p_alive = model.p_alive(x, tx, t);
            let (expected_alive, expected_alive_90) =
                *if_alive.entry((d.x, d.t)).or_insert_with(|| {
                    (
                        model.expected_purchases_if_alive(f64::from(horizon), x, t),
                        model.expected_purchases_if_alive(90.0 / unit_days, x, t),
                    )
                });
            Prediction {
                p_alive,
                expected: p_alive * expected_alive,
                p30: model.p_at_least_one(30.0 / unit_days, x, tx, t),
                p90: model.p_at_least_one(90.0 / unit_days, x, tx, t),
                expected90: p_alive * expected_alive_90,
            }
        })
    };
    let value_model: Option<GammaGamma> = gg.map(|f| f.params);
    // CLV is linear in the value per purchase: Σ (E[X(i)] − E[X(i−1)])·value·discount_i.
    // The discounted expected purchases depend on the day triple only.
    let discount_rate = cx.options.discount_rate;
    let mut discounted: FxHashMap<Days, f64> = FxHashMap::default();
    let customers: Vec<ClvCustomer> = buyers
        .iter()
        .zip(&days)
        .zip(&monetary)
        .map(|((b, &d), &m)| {
            let p = predict(d);
            let x = f64::from(d.x);
            let value = value_model.map(|g| g.expected_average_value(x, m.unwrap_or(0.0)));
            let lifetime = value.map(|v| {
                let per_unit_value = if discount_rate == 0.0 {
                    p.expected
                } else {
                    *discounted.entry(d).or_insert_with(|| {
                        let (tx, t) = (unit(d.tx), unit(d.t));
                        clv(&model, x, tx, t, 1.0, horizon, unit_days, discount_rate)
                    })
                };
                per_unit_value * v
            });
            ClvCustomer {
                customer: cx.orders.customers.text(b.customer),
                x,
                tx: unit(d.tx),
                t: unit(d.t),
                p_alive: p.p_alive,
                expected_purchases: p.expected,
                p_purchase_30d: finite(p.p30),
                p_purchase_90d: finite(p.p90),
                expected_purchases_90d: finite(p.expected90),
                monetary_value: m,
                expected_value: value.and_then(finite),
                clv: lifetime.and_then(finite),
            }
        })
        .collect();

    let names = segment_names(cx.options.rfm_segments);
    let by_segment = summarise(
        &customers,
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
        &customers,
        |i| grain.index_of(buyers[i].first),
        |k| grain.label(k),
    );
    let repeat = days.iter().filter(|d| d.x >= 1).count() as u64;
    let totals = ClvTotals {
        mean_p_alive: ratio(
            customers.iter().map(|c| c.p_alive).sum(),
            customers.len() as f64,
        ),
        expected_purchases: customers.iter().map(|c| c.expected_purchases).sum(),
        expected_purchases_90d: customers
            .iter()
            .filter_map(|c| c.expected_purchases_90d)
            .sum(),
        clv: gg.map(|_| customers.iter().filter_map(|c| c.clv).sum()),
    };
    let mut p_alive_histogram = [0u64; 10];
    for c in &customers {
        if c.p_alive.is_finite() {
            p_alive_histogram[((c.p_alive * 10.0) as usize).min(9)] += 1;
        }
    }

    let calibration = match cx.options.calibration_split.as_deref() {
        Some(split) => match calibration(cx, split, unit_days) {
            Ok(c) => Some(c),
            Err(w) => {
                warnings.push(w);
                None
            }
        },
        None => None,
    };
    (
        Some(Clv {
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
        }),
        warnings,
    )
}

/// Copies of the `limit` customers with the highest CLV (expected purchases where there is
/// none), most valuable first, ties by customer id (`clvCustomerLimit`).
pub fn most_valuable(customers: &[ClvCustomer], limit: usize) -> Vec<ClvCustomer> {
    let key = |c: &ClvCustomer| c.clv.unwrap_or(c.expected_purchases);
    let mut order: Vec<&ClvCustomer> = customers.iter().collect();
    let by_value = |a: &&ClvCustomer, b: &&ClvCustomer| {
        key(b)
            .total_cmp(&key(a))
            .then_with(|| a.customer.cmp(&b.customer))
    };
    if limit < order.len() {
        order.select_nth_unstable_by(limit, by_value);
        order.truncate(limit);
    }
    order.sort_by(by_value);
    order.into_iter().cloned().collect()
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
            repeat_total += u.amount;
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
    customers: &[ClvCustomer],
    key: impl Fn(usize) -> i64,
    label: impl Fn(i64) -> String,
) -> Vec<ClvGroup> {
    let mut groups: BTreeMap<i64, (u64, f64, f64, bool)> = BTreeMap::new();
    for (i, c) in customers.iter().enumerate() {
        let g = groups.entry(key(i)).or_insert((0, 0.0, 0.0, true));
        g.0 += 1;
        g.1 += c.expected_purchases;
        match c.clv {
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

fn fit_warning(model: &str, e: FitError) -> (String, String) {
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
    (format!("clv: {model} {en}"), format!("clv：{model} {zh}"))
}

/// The calibration check (SPEC §9 model, issue "Predictive CLV": predicted vs actual purchases
/// in a holdout period, per frequency group): fit on what was known before `split`, predict
/// the repeat purchase days of `[split, E)`, and count the real ones.
fn calibration(cx: &Context, split: &str, unit_days: f64) -> Result<Calibration, (String, String)> {
    let e = cx.orders.as_of;
    let buyers = &cx.customers.buyers;
    let first = buyers.iter().map(|b| b.first).min().unwrap_or(e);
    let split = match split {
        // The last third of the observation window, at a day boundary.
        "auto" => (day_of(e - (e - first) / 3)) * DAY,
        date => match parse_time(date.trim().as_bytes()) {
            Some(Time::Exact(t)) => t,
            _ => {
                return Err((
                    format!(
                        "clv: calibrationSplit {date:?} is not a date (YYYY-MM-DD) or \"auto\""
                    ),
                    format!("clv：calibrationSplit {date:?} 不是日期（YYYY-MM-DD）或 \"auto\""),
                ))
            }
        },
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
    let fit = fit_bgnbd(&triples).map_err(|e| fit_warning("BG/NBD (calibration period)", e))?;
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
