//! Predictive customer lifetime value: BG/NBD and Gamma-Gamma (SPEC §9).
//!
//! Pure math on per-customer summaries, in the fitting unit (weeks or days):
//!
//! - [`fit_bgnbd`] fits [`BgNbd`] on (x, t_x, T) = (repeat purchase days, time of the last
//!   purchase, age), all measured from the first purchase; [`BgNbd`] then gives
//!   [`BgNbd::p_alive`], [`BgNbd::conditional_expected_purchases`],
//!   [`BgNbd::expected_purchases`] and [`BgNbd::p_at_least_one`].
//! - [`fit_gamma_gamma`] fits [`GammaGamma`] on (x, mean repeat value);
//!   [`GammaGamma::expected_average_value`] gives each customer's expected value per purchase.
//! - [`clv`] combines them over a horizon with an annual discount rate.
//!
//! Fits maximise the likelihood over log-parameters with BFGS on the analytic gradient from
//! fixed starting points, so they are deterministic. Nothing here panics: invalid input gives
//! an `Err` from the fits and `NaN` from the predictions (serde_json writes `NaN` as `null`).
//!
//! ```
//! use cohortlens::clv::{clv, fit_bgnbd, BgNbd, GammaGamma};
//!
//! // The published CDNOW parameters (Fader, Hardie & Lee 2005), in weeks.
//! let bg = BgNbd { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
//! let (x, tx, t) = (2.0, 30.43, 38.86); // 2 repeat purchases, the last at week 30.43 of 38.86
//! let expected = bg.conditional_expected_purchases(39.0, x, tx, t);
//! assert!((expected - 1.226).abs() < 1e-3);
//! let gg = GammaGamma { p: 6.25, q: 3.74, gamma: 15.44 };
//! let value = gg.expected_average_value(x, 22.345); // mean of the repeat purchases: $22.345
//! let lifetime = clv(&bg, x, tx, t, value, 39, 7.0, 0.0);
//! assert!((lifetime - expected * value).abs() < 1e-9);
//!
//! // Fitting: one (x, t_x, T) per customer. Small samples often have no interior maximum.
//! let customers = [(2.0, 30.4, 38.9), (0.0, 0.0, 38.9), (1.0, 20.0, 30.0), (0.0, 0.0, 12.0)];
//! match fit_bgnbd(&customers) {
//!     Ok(fit) => println!("{:?}, LL {}", fit.params, fit.log_likelihood),
//!     Err(e) => println!("no fit: {e}"),
//! }
//! ```

mod bgnbd;
mod gamma_gamma;
mod optim;
mod pareto;
mod special;

pub use bgnbd::{fit_bgnbd, BgNbd};
pub(crate) use gamma_gamma::fit_gamma_gamma_counted;
pub use gamma_gamma::{fit_gamma_gamma, GammaGamma};
pub use pareto::{fit_pareto_nbd, ParetoNbd};
pub use special::hyp2f1;

use std::fmt;

/// Checks one customer's (x, t_x, T): x a whole number ≥ 0, 0 ≤ t_x ≤ T, all finite.
fn valid_customer(x: f64, tx: f64, t: f64) -> bool {
    x.is_finite()
        && tx.is_finite()
        && t.is_finite()
        && x >= 0.0
        && x.fract() == 0.0
        && tx >= 0.0
        && tx <= t
}

/// The distinct (x, t_x, T) of a fit, checked, sorted, with how many customers have each
/// (t_x is 0 for x = 0, −0.0 read as 0.0), and the sums Σx and ΣT over all customers: what
/// both BG/NBD and Pareto/NBD compress. Customers share triples often (whole days of a few
/// years), so they are counted in a hash map and only the distinct ones are sorted. Sorted and
/// summed in that order, so that no fit depends on the order of customers in the file.
fn distinct_triples(customers: &[(f64, f64, f64)]) -> Result<DistinctTriples, FitError> {
    if customers.is_empty() {
        return Err(FitError::Empty);
    }
    for (index, &(x, tx, t)) in customers.iter().enumerate() {
        if !valid_customer(x, tx, t) {
            return Err(FitError::InvalidInput { index });
        }
    }
    let mut counts: rustc_hash::FxHashMap<TripleKey, u32> = Default::default();
    for &(x, tx, t) in customers {
        *counts.entry(triple_key(x, tx, t)).or_insert(0) += 1;
    }
    let rows = counts.into_iter().map(|(k, n)| (k, f64::from(n))).collect();
    counted_triples(rows)
}

/// A triple's bits, ordered as the numbers are: +0.0 for −0.0 (every value is then ≥ 0, so
/// the bit patterns sort as the numbers do), t_x = 0 for x = 0.
type TripleKey = (u64, u64, u64);

fn triple_key(x: f64, tx: f64, t: f64) -> TripleKey {
    let tx = if x == 0.0 { 0.0 } else { tx };
    (
        (x + 0.0).to_bits(),
        (tx + 0.0).to_bits(),
        (t + 0.0).to_bits(),
    )
}

/// [`DistinctTriples`] from valid triples counted in any order (a triple may come more than
/// once: its counts add up).
fn counted_triples(mut rows: Vec<(TripleKey, f64)>) -> Result<DistinctTriples, FitError> {
    rows.sort_unstable_by_key(|r| r.0);
    let mut merged: Vec<(f64, f64, f64, f64)> = Vec::with_capacity(rows.len());
    let mut last = None;
    for ((x, tx, t), n) in rows {
        match merged.last_mut() {
            Some(row) if last == Some((x, tx, t)) => row.3 += n,
            _ => {
                let v = f64::from_bits;
                merged.push((v(x), v(tx), v(t), n));
            }
        }
        last = Some((x, tx, t));
    }
    if merged.is_empty() {
        return Err(FitError::Empty);
    }
    if !merged.iter().any(|r| r.0 >= 1.0) {
        return Err(FitError::NoRepeatCustomers);
    }
    let sum_x = merged.iter().map(|r| r.0 * r.3).sum();
    let sum_t = merged.iter().map(|r| r.2 * r.3).sum();
    let n = merged.iter().map(|r| r.3).sum();
    Ok(DistinctTriples {
        rows: merged,
        n,
        sum_x,
        sum_t,
    })
}

/// Customers in the subsample that warm-starts a large fit.
const SUBSAMPLE: usize = 10_000;

/// Above twice [`SUBSAMPLE`] customers, a systematic subsample (every k-th customer) whose
/// optimum, with its inverse Hessian, starts the full fit of either model: the objective is a
/// mean, so its curvature is the same, and the full data then needs only a few iterations.
pub(crate) fn warm_start_sample<T: Copy>(customers: &[T]) -> Option<Vec<T>> {
    (customers.len() > 2 * SUBSAMPLE).then(|| {
        let stride = customers.len().div_ceil(SUBSAMPLE);
        customers.iter().step_by(stride).copied().collect()
    })
}

/// [`warm_start_sample`] of the customers that `rows` count (each value repeated its count, in
/// order), without writing them all out: a warehouse summary's counted statistics.
pub(crate) fn warm_start_sample_counted<T: Copy>(rows: &[(T, u64)]) -> Option<Vec<T>> {
    let n: u64 = rows.iter().map(|r| r.1).sum();
    (n > 2 * SUBSAMPLE as u64).then(|| {
        let stride = n.div_ceil(SUBSAMPLE as u64);
        let mut sample = Vec::with_capacity(SUBSAMPLE);
        // `next` is the position (in the written-out list) of the next customer taken.
        let (mut next, mut end) = (0u64, 0u64);
        for &(value, count) in rows {
            end += count;
            while next < end {
                sample.push(value);
                next += stride;
            }
        }
        sample
    })
}

/// Customers' (x, t_x, T) checked and counted once for both BG/NBD and Pareto/NBD (SPEC §9.1
/// fits both): the distinct triples and, for many customers, the warm-start subsample's.
pub struct FitData {
    all: DistinctTriples,
    warm: Option<DistinctTriples>,
}

impl FitData {
    /// One (x, t_x, T) per customer, in fitting units.
    ///
    /// # Errors
    /// As [`fit_bgnbd`]: [`FitError::Empty`], [`FitError::InvalidInput`],
    /// [`FitError::NoRepeatCustomers`].
    pub fn new(customers: &[(f64, f64, f64)]) -> Result<FitData, FitError> {
        Ok(FitData {
            all: distinct_triples(customers)?,
            warm: warm_start_sample(customers).and_then(|s| distinct_triples(&s).ok()),
        })
    }

    /// The same from the distinct triples with their customer counts (any order), and the
    /// subsample [`warm_start_sample`] takes of the customers: what [`FitData::new`] gives for
    /// those customers, without counting them again.
    pub(crate) fn counted(
        triples: impl Iterator<Item = ((f64, f64, f64), u32)>,
        sample: Option<Vec<(f64, f64, f64)>>,
    ) -> Result<FitData, FitError> {
        let mut rows = Vec::new();
        for (index, ((x, tx, t), n)) in triples.enumerate() {
            if !valid_customer(x, tx, t) {
                return Err(FitError::InvalidInput { index });
            }
            if n > 0 {
                rows.push((triple_key(x, tx, t), f64::from(n)));
            }
        }
        Ok(FitData {
            all: counted_triples(rows)?,
            warm: sample.and_then(|s| distinct_triples(&s).ok()),
        })
    }

    /// [`fit_bgnbd`] of these customers.
    ///
    /// # Errors
    /// As [`fit_bgnbd`].
    pub fn fit_bgnbd(&self) -> Result<Fit<BgNbd>, FitError> {
        bgnbd::fit(self)
    }

    /// [`fit_pareto_nbd`] of these customers.
    ///
    /// # Errors
    /// As [`fit_pareto_nbd`].
    pub fn fit_pareto_nbd(&self) -> Result<Fit<ParetoNbd>, FitError> {
        pareto::fit(self)
    }
}

/// What [`distinct_triples`] returns.
struct DistinctTriples {
    /// (x, t_x, T, customers), ascending
    rows: Vec<(f64, f64, f64, f64)>,
    /// number of customers
    n: f64,
    /// Σ x over customers
    sum_x: f64,
    /// Σ T over customers
    sum_t: f64,
}

/// Fitted parameters with the maximised log-likelihood.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fit<P> {
    /// The maximum-likelihood parameters.
    pub params: P,
    /// The total log-likelihood at `params` (sum over customers).
    pub log_likelihood: f64,
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FitError {
    /// No customers were given.
    Empty,
    /// The customer at this position has a non-finite value, a negative or fractional
    /// purchase count, or (BG/NBD) t_x outside [0, T].
    InvalidInput {
        /// Zero-based position in the input slice.
        index: usize,
    },
    /// No customer has a repeat purchase (x ≥ 1; for Gamma-Gamma also a positive mean).
    NoRepeatCustomers,
    /// The likelihood has no interior maximum: a fitted r, a or b (p or q for Gamma-Gamma)
    /// lies outside [1e-4, 1e4] (SPEC §9).
    NoInteriorMaximum,
    /// The optimiser stopped without reaching a stationary point.
    NotConverged,
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitError::Empty => write!(f, "no customers to fit"),
            FitError::InvalidInput { index } => {
                write!(f, "customer {index} has an invalid value for the model")
            }
            FitError::NoRepeatCustomers => write!(f, "no customer has a repeat purchase"),
            FitError::NoInteriorMaximum => write!(
                f,
                "the likelihood has no interior maximum (a parameter outside [1e-4, 1e4])"
            ),
            FitError::NotConverged => write!(f, "the optimiser did not converge"),
        }
    }
}

impl std::error::Error for FitError {}

/// Lower end of the parameter range that counts as an interior maximum (SPEC §9).
pub const PARAM_MIN: f64 = 1e-4;
/// Upper end of the parameter range that counts as an interior maximum (SPEC §9).
pub const PARAM_MAX: f64 = 1e4;

fn in_interior(v: f64) -> bool {
    (PARAM_MIN..=PARAM_MAX).contains(&v)
}

/// Longest discounted [`clv`] horizon, in unit steps (over 270 years in days): each step is
/// evaluated, so this bounds the work and memory a caller's option can ask for.
pub const MAX_DISCOUNTED_STEPS: u32 = 100_000;

/// Customer lifetime value over `horizon` unit steps (SPEC §9):
/// Σ_{i=1..horizon} (E[X(i)] − E[X(i−1)]) · `value` · (1 + `discount_rate`)^(−i·`unit_days`/365),
/// where E[X(i)] = [`BgNbd::conditional_expected_purchases`]`(i, x, tx, t)` and `value` is the
/// expected value per purchase ([`GammaGamma::expected_average_value`]).
///
/// `discount_rate` is per year; `unit_days` is the length of one fitting unit in days (7 for
/// weeks). With no discount the sum telescopes to E[X(horizon)] · value. `NaN` for invalid
/// input (non-finite value, `unit_days` ≤ 0, `discount_rate` ≤ −1, or invalid customer data),
/// and for a discounted horizon over [`MAX_DISCOUNTED_STEPS`] steps.
#[allow(clippy::too_many_arguments)]
pub fn clv(
    bg: &BgNbd,
    x: f64,
    tx: f64,
    t: f64,
    value: f64,
    horizon: u32,
    unit_days: f64,
    discount_rate: f64,
) -> f64 {
    let valid = value.is_finite()
        && unit_days.is_finite()
        && unit_days > 0.0
        && discount_rate.is_finite()
        && discount_rate > -1.0;
    if !valid {
        return f64::NAN;
    }
    if discount_rate == 0.0 {
        return bg.conditional_expected_purchases(f64::from(horizon), x, tx, t) * value;
    }
    if horizon > MAX_DISCOUNTED_STEPS {
        return f64::NAN;
    }
    // per-step discount factor (1 + d)^(−unitDays/365)
    let step = -(unit_days / 365.0) * discount_rate.ln_1p();
    let mut total = 0.0;
    let mut previous = 0.0;
    for (e, i) in bg
        .conditional_expected_purchases_steps(horizon, x, tx, t)
        .into_iter()
        .zip(1..=horizon)
    {
        if !e.is_finite() {
            return f64::NAN;
        }
        total += (e - previous) * (step * f64::from(i)).exp();
        previous = e;
    }
    total * value
}

/// The model whose predictions a CLV section uses (SPEC §9.1): one interface over BG/NBD and
/// Pareto/NBD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// BG/NBD (Fader, Hardie & Lee 2005).
    BgNbd(BgNbd),
    /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
    ParetoNbd(ParetoNbd),
}

impl Model {
    /// P(alive | x, t_x, T).
    pub fn p_alive(&self, x: f64, tx: f64, t: f64) -> f64 {
        match self {
            Model::BgNbd(m) => m.p_alive(x, tx, t),
            Model::ParetoNbd(m) => m.p_alive(x, tx, t),
        }
    }

    /// Expected purchases in the next `horizon` units of a customer known to be alive.
    pub fn expected_purchases_if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        match self {
            Model::BgNbd(m) => m.expected_purchases_if_alive(horizon, x, t),
            Model::ParetoNbd(m) => m.expected_purchases_if_alive(horizon, x, t),
        }
    }

    /// P(at least one purchase in the next `horizon` units | alive): shared by every customer
    /// with the same x and T.
    pub fn buys_if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        match self {
            Model::BgNbd(m) => m.buys_if_alive(horizon, x, t),
            Model::ParetoNbd(m) => m.buys_if_alive(horizon, x, t),
        }
    }

    /// Conditional expected purchases in the next `horizon` units.
    pub fn conditional_expected_purchases(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        match self {
            Model::BgNbd(m) => m.conditional_expected_purchases(horizon, x, tx, t),
            Model::ParetoNbd(m) => m.conditional_expected_purchases(horizon, x, tx, t),
        }
    }

    /// P(at least one purchase in the next `horizon` units).
    pub fn p_at_least_one(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        match self {
            Model::BgNbd(m) => m.p_at_least_one(horizon, x, tx, t),
            Model::ParetoNbd(m) => m.p_at_least_one(horizon, x, tx, t),
        }
    }

    /// [`clv`] per unit of value with this model: the discounted expected purchases over
    /// `horizon` unit steps (SPEC §9). `NaN` for invalid input.
    pub fn discounted_purchases(
        &self,
        x: f64,
        tx: f64,
        t: f64,
        horizon: u32,
        unit_days: f64,
        discount_rate: f64,
    ) -> f64 {
        match self {
            Model::BgNbd(m) => clv(m, x, tx, t, 1.0, horizon, unit_days, discount_rate),
            Model::ParetoNbd(m) => {
                let valid = unit_days.is_finite()
                    && unit_days > 0.0
                    && discount_rate.is_finite()
                    && discount_rate > -1.0;
                if !valid {
                    return f64::NAN;
                }
                if discount_rate == 0.0 {
                    return m.conditional_expected_purchases(f64::from(horizon), x, tx, t);
                }
                if horizon > MAX_DISCOUNTED_STEPS {
                    return f64::NAN;
                }
                let alive = m.p_alive(x, tx, t);
                let step = -(unit_days / 365.0) * discount_rate.ln_1p();
                let (mut total, mut previous) = (0.0, 0.0);
                for i in 1..=horizon {
                    let e = alive * m.expected_purchases_if_alive(f64::from(i), x, t);
                    if !e.is_finite() {
                        return f64::NAN;
                    }
                    total += (e - previous) * (step * f64::from(i)).exp();
                    previous = e;
                }
                total
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_sample_is_the_written_out_lists_sample() {
        for (rows, expect_none) in [
            (vec![(1u32, 7u64), (2, 19_993), (3, 5)], false),
            (vec![(1, 20_000)], true),
            (vec![(4, 1), (5, 30_000), (6, 1), (7, 12_345)], false),
        ] {
            let written: Vec<u32> = rows
                .iter()
                .flat_map(|&(v, c)| std::iter::repeat_n(v, c as usize))
                .collect();
            assert_eq!(
                warm_start_sample_counted(&rows),
                warm_start_sample(&written)
            );
            assert_eq!(warm_start_sample(&written).is_none(), expect_none);
        }
    }

    /// FHL 2005 parameters for the CDNOW sample.
    const PAPER: BgNbd = BgNbd {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };

    #[test]
    fn clv_paper_conditional_expectation() {
        // FHL 2005 §5: x = 2, t_x = 30.43, T = 38.86, next 39 weeks → 1.226
        let e = PAPER.conditional_expected_purchases(39.0, 2.0, 30.43, 38.86);
        assert!((e - 1.226).abs() < 5e-4, "{e}");
    }

    #[test]
    fn clv_paper_unconditional_expectation_is_consistent() {
        // E[X(t)] equals the conditional expectation of a customer with x = 0 at T = 0.
        for &t in &[1.0, 10.0, 39.0, 78.0] {
            let u = PAPER.expected_purchases(t);
            let c = PAPER.conditional_expected_purchases(t, 0.0, 0.0, 0.0);
            assert!((u - c).abs() < 1e-14 * u.max(1.0));
        }
        // and increases with t
        assert!(PAPER.expected_purchases(39.0) < PAPER.expected_purchases(78.0));
    }

    #[test]
    fn clv_gamma_gamma_paper_first_ten() {
        // Gamma-Gamma from the cdnow_sample_amount golden; first ten customers (x, mean repeat
        // value), and the expected average values as printed to 2 decimals.
        let gg = GammaGamma {
            p: 6.249570972679317,
            q: 3.744225018083555,
            gamma: 15.443525643230972,
        };
        let customers = [
            (2.0, 22.345),
            (1.0, 11.77),
            (0.0, 0.0),
            (0.0, 0.0),
            (0.0, 0.0),
            (7.0, 73.74142857142857),
            (1.0, 11.77),
            (0.0, 0.0),
            (2.0, 25.55),
            (0.0, 0.0),
        ];
        let want = [
            24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17,
        ];
        for (&(x, m), &w) in customers.iter().zip(&want) {
            let v = gg.expected_average_value(x, m);
            assert!((v - w).abs() < 0.005, "x={x} m={m}: {v} vs {w}");
        }
    }

    #[test]
    fn clv_p_alive_and_at_least_one() {
        assert_eq!(PAPER.p_alive(0.0, 0.0, 20.0), 1.0);
        let p = PAPER.p_alive(2.0, 30.43, 38.86);
        // customer 0001 of the CDNOW golden (same parameters to 3 decimals)
        assert!((p - 0.7266).abs() < 1e-3, "{p}");
        // x = 0 at T = 0: P(≥1 in t) = 1 − (α/(α+t))^r
        let q = PAPER.p_at_least_one(39.0, 0.0, 0.0, 0.0);
        let want = 1.0 - (PAPER.alpha / (PAPER.alpha + 39.0)).powf(PAPER.r);
        assert!((q - want).abs() < 1e-15);
        // bounded by P(alive) and monotone in the horizon
        let a = PAPER.p_at_least_one(10.0, 2.0, 30.43, 38.86);
        let b = PAPER.p_at_least_one(50.0, 2.0, 30.43, 38.86);
        assert!(0.0 < a && a < b && b < p);
        assert_eq!(PAPER.p_at_least_one(0.0, 2.0, 30.43, 38.86), 0.0);
    }

    #[test]
    fn clv_discounting() {
        let (x, tx, t) = (2.0, 30.43, 38.86);
        let undiscounted = clv(&PAPER, x, tx, t, 10.0, 52, 7.0, 0.0);
        let e52 = PAPER.conditional_expected_purchases(52.0, x, tx, t);
        assert!((undiscounted - 10.0 * e52).abs() < 1e-12);
        // the telescoping sum with a tiny rate approaches the undiscounted value
        let tiny = clv(&PAPER, x, tx, t, 10.0, 52, 7.0, 1e-12);
        assert!((tiny - undiscounted).abs() < 1e-9);
        let d = clv(&PAPER, x, tx, t, 10.0, 52, 7.0, 0.1);
        // every increment is discounted by a factor in [1.1^−1, 1]
        assert!(d < undiscounted && d > undiscounted / 1.1);
        assert!(clv(&PAPER, x, tx, t, 10.0, 52, 7.0, -1.0).is_nan());
        assert!(clv(&PAPER, x, tx, t, f64::NAN, 52, 7.0, 0.0).is_nan());
        assert_eq!(clv(&PAPER, x, tx, t, 10.0, 0, 7.0, 0.1), 0.0);
        assert!(clv(&PAPER, x, tx, t, 10.0, u32::MAX, 7.0, 0.1).is_nan());
        assert!(clv(&PAPER, x, tx, t, 10.0, u32::MAX, 7.0, 0.0).is_finite());
    }

    #[test]
    fn clv_predictions_reject_bad_input_without_panicking() {
        let bad = BgNbd { r: -1.0, ..PAPER };
        assert!(bad.p_alive(1.0, 1.0, 2.0).is_nan());
        assert!(PAPER.p_alive(1.0, 3.0, 2.0).is_nan()); // t_x > T
        assert!(PAPER.p_alive(0.5, 1.0, 2.0).is_nan()); // fractional x
        assert!(PAPER.p_alive(f64::INFINITY, 1.0, 2.0).is_nan());
        assert!(PAPER
            .conditional_expected_purchases(-1.0, 1.0, 1.0, 2.0)
            .is_nan());
        assert!(PAPER.expected_purchases(f64::NAN).is_nan());
        assert!(PAPER.log_likelihood(1.0, 1.0, f64::NAN).is_nan());
        let gg = GammaGamma {
            p: 1.0,
            q: 0.5,
            gamma: 1.0,
        };
        assert!(gg.expected_average_value(0.0, 0.0).is_nan()); // q ≤ 1: no population mean
        assert!(gg.log_likelihood(0.0, 1.0).is_nan());
    }

    #[test]
    fn clv_fit_errors() {
        assert_eq!(fit_bgnbd(&[]), Err(FitError::Empty));
        assert_eq!(
            fit_bgnbd(&[(0.0, 0.0, 5.0), (0.0, 0.0, 3.0)]),
            Err(FitError::NoRepeatCustomers)
        );
        assert_eq!(
            fit_bgnbd(&[(1.0, 1.0, 5.0), (1.0, 6.0, 5.0)]),
            Err(FitError::InvalidInput { index: 1 })
        );
        assert_eq!(
            fit_bgnbd(&[(1.0, f64::NAN, 5.0)]),
            Err(FitError::InvalidInput { index: 0 })
        );
        assert_eq!(fit_gamma_gamma(&[]), Err(FitError::Empty));
        assert_eq!(
            fit_gamma_gamma(&[(0.0, 0.0), (2.0, 0.0)]),
            Err(FitError::NoRepeatCustomers)
        );
        assert_eq!(
            fit_gamma_gamma(&[(1.0, 3.0), (1.5, 2.0)]),
            Err(FitError::InvalidInput { index: 1 })
        );
    }
}
