//! BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): fit and
//! per-customer predictions (SPEC §9).

use super::optim::{self, Objective, Search, Settings, Start};
use super::special::{
    digamma, expected_while_alive, expected_while_alive_many, ln_gamma, log_add_exp,
};
use super::{in_interior, valid_customer, DistinctTriples, Fit, FitData, FitError};

/// BG/NBD parameters: purchase rates λ ~ Gamma(shape `r`, rate `alpha`), dropout probability
/// after each purchase p ~ Beta(`a`, `b`). `alpha` is in the fitting unit (e.g. weeks).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BgNbd {
    /// Shape of the Gamma distribution of purchase rates.
    pub r: f64,
    /// Rate (inverse scale) of the Gamma distribution of purchase rates, in fitting units.
    pub alpha: f64,
    /// First shape of the Beta distribution of the dropout probability.
    pub a: f64,
    /// Second shape of the Beta distribution of the dropout probability.
    pub b: f64,
}

impl BgNbd {
    fn valid(&self) -> bool {
        [self.r, self.alpha, self.a, self.b]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
    }

    /// ln of P(x purchases, last at t_x, observed for T | parameters): one customer's
    /// contribution to the BG/NBD log-likelihood (FHL 2005, eq. 6),
    /// ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
    /// + ln[(α+T)^−(r+x) + δ_{x>0} a/(b+x−1) (α+t_x)^−(r+x)].
    ///
    /// `NaN` for invalid parameters or data (x not a whole number ≥ 0, t_x outside [0, T]).
    pub fn log_likelihood(&self, x: f64, tx: f64, t: f64) -> f64 {
        if !self.valid() || !valid_customer(x, tx, t) {
            return f64::NAN;
        }
        let BgNbd { r, alpha, a, b } = *self;
        let k = r + x;
        let head = ln_gamma(k) - ln_gamma(r) + r * alpha.ln() + ln_gamma(a + b) + ln_gamma(b + x)
            - ln_gamma(b)
            - ln_gamma(a + b + x);
        let a3 = -k * (alpha + t).ln();
        if x > 0.0 {
            let a4 = a.ln() - (b + x - 1.0).ln() - k * (alpha + tx).ln();
            head + log_add_exp(a3, a4)
        } else {
            head + a3
        }
    }

    /// P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^(r+x)) (FHL 2005,
    /// eq. 11). A customer with x = 0 cannot have dropped out (dropout follows a purchase), so
    /// this is 1. `NaN` for invalid parameters or data.
    pub fn p_alive(&self, x: f64, tx: f64, t: f64) -> f64 {
        if !self.valid() || !valid_customer(x, tx, t) {
            return f64::NAN;
        }
        if x == 0.0 {
            return 1.0;
        }
        let BgNbd { r, alpha, a, b } = *self;
        // ln[(α+T)/(α+t_x)] = ln1p((T − t_x)/(α + t_x))
        let ln_odds = a.ln() - (b + x - 1.0).ln() + (r + x) * ((t - tx) / (alpha + tx)).ln_1p();
        1.0 / (1.0 + ln_odds.exp())
    }

    /// E[Y(horizon) | x, t_x, T]: expected purchases in the next `horizon` units of a customer
    /// with history (x, t_x, T) (FHL 2005, eq. 10). Evaluated as P(alive) times a positive-term
    /// rearrangement of the ₂F₁ series, which stays accurate at a = 1 and a + b + x ≤ 1 where
    /// the textbook form is 0/0. `NaN` for invalid parameters, data or a negative horizon.
    pub fn conditional_expected_purchases(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        if !(horizon.is_finite() && horizon >= 0.0) {
            return f64::NAN;
        }
        let alive = self.p_alive(x, tx, t);
        if !alive.is_finite() {
            return f64::NAN;
        }
        if alive == 0.0 || horizon == 0.0 {
            return 0.0;
        }
        alive * expected_while_alive(self.r + x, self.a, self.b + x, self.alpha + t, horizon)
    }

    /// E[Y(horizon) | alive, x, T]: the expected purchases of a customer known to be alive; it
    /// does not depend on t_x, so callers with many customers can share it per (x, T).
    /// [`BgNbd::conditional_expected_purchases`] = [`BgNbd::p_alive`] × this.
    pub fn expected_purchases_if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        let valid =
            horizon.is_finite() && horizon >= 0.0 && self.valid() && valid_customer(x, 0.0, t);
        if !valid {
            return f64::NAN;
        }
        if horizon == 0.0 {
            return 0.0;
        }
        expected_while_alive(self.r + x, self.a, self.b + x, self.alpha + t, horizon)
    }

    /// [`BgNbd::conditional_expected_purchases`] at horizons 1, 2, …, `horizon` (index i − 1
    /// holds E[Y(i)]), sharing the series coefficients across horizons.
    pub(crate) fn conditional_expected_purchases_steps(
        &self,
        horizon: u32,
        x: f64,
        tx: f64,
        t: f64,
    ) -> Vec<f64> {
        let alive = self.p_alive(x, tx, t);
        let steps: Vec<f64> = (1..=horizon).map(f64::from).collect();
        if !alive.is_finite() {
            return vec![f64::NAN; steps.len()];
        }
        if alive == 0.0 {
            return vec![0.0; steps.len()];
        }
        expected_while_alive_many(self.r + x, self.a, self.b + x, self.alpha + t, &steps)
            .into_iter()
            .map(|e| alive * e)
            .collect()
    }

    /// Unconditional E[X(t)]: expected repeat purchases in the first `t` units of a new
    /// customer (FHL 2005, eq. 9). `NaN` for invalid parameters or a negative `t`.
    pub fn expected_purchases(&self, t: f64) -> f64 {
        if !(self.valid() && t.is_finite() && t >= 0.0) {
            return f64::NAN;
        }
        expected_while_alive(self.r, self.a, self.b, self.alpha, t)
    }

    /// P(at least one purchase in (T, T + horizon] | alive, x, T) = 1 − ((α+T)/(α+T+horizon))^(r+x).
    /// `NaN` for invalid input.
    pub fn buys_if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        let valid =
            horizon.is_finite() && horizon >= 0.0 && self.valid() && valid_customer(x, 0.0, t);
        if !valid {
            return f64::NAN;
        }
        -(-(self.r + x) * (horizon / (self.alpha + t)).ln_1p()).exp_m1()
    }

    /// P(at least one purchase in (T, T + horizon] | x, t_x, T)
    /// = P(alive) · (1 − ((α+T)/(α+T+horizon))^(r+x)): the complement of the y = 0 case of
    /// the BG/NBD conditional PMF (Fader & Hardie note). An alive customer's rate given the
    /// history is Gamma(r+x, α+T), and a dead one buys nothing. `NaN` for invalid input.
    pub fn p_at_least_one(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        if !(horizon.is_finite() && horizon >= 0.0) {
            return f64::NAN;
        }
        let alive = self.p_alive(x, tx, t);
        if !alive.is_finite() {
            return f64::NAN;
        }
        // 1 − ((α+T)/(α+T+horizon))^(r+x), accurate for short horizons
        let buys_if_alive = -(-(self.r + x) * (horizon / (self.alpha + t)).ln_1p()).exp_m1();
        alive * buys_if_alive
    }
}

/// Unique (x, t_x, T) triples with multiplicities, indexed into tables of distinct x values and
/// distinct times so that each likelihood evaluation costs one ln Γ/ψ set per distinct x, one
/// logarithm per distinct time and one exp + ln1p per distinct triple.
struct Compressed {
    /// distinct x values, ascending
    xs: Vec<f64>,
    /// customers per distinct x
    x_counts: Vec<f64>,
    /// distinct times (t_x and T values), ascending
    times: Vec<f64>,
    /// (x index, t_x time index, T time index, multiplicity), x ascending
    rows: Vec<(usize, usize, usize, f64)>,
    /// number of customers
    n: f64,
    /// Σ x
    sum_x: f64,
    /// Σ T
    sum_t: f64,
}

fn index_of(sorted: &[f64], v: f64) -> Option<usize> {
    sorted.binary_search_by(|p| p.total_cmp(&v)).ok()
}

fn compress(data: &DistinctTriples) -> Result<Compressed, FitError> {
    let DistinctTriples {
        rows: distinct,
        n,
        sum_x,
        sum_t,
    } = data;
    let (n, sum_x, sum_t) = (*n, *sum_x, *sum_t);
    let mut xs: Vec<f64> = distinct.iter().map(|c| c.0).collect();
    xs.dedup();
    let mut times: Vec<f64> = distinct.iter().flat_map(|c| [c.1, c.2]).collect();
    times.sort_unstable_by(f64::total_cmp);
    times.dedup();
    let mut x_counts = vec![0.0; xs.len()];
    let mut rows: Vec<(usize, usize, usize, f64)> = Vec::with_capacity(distinct.len());
    for &(x, tx, t, count) in distinct {
        let (Some(xi), Some(txi), Some(ti)) =
            (index_of(&xs, x), index_of(&times, tx), index_of(&times, t))
        else {
            return Err(FitError::NotConverged);
        };
        rows.push((xi, txi, ti, count));
        x_counts[xi] += count;
    }
    Ok(Compressed {
        xs,
        x_counts,
        times,
        rows,
        n,
        sum_x,
        sum_t,
    })
}

/// Mean negative log-likelihood and its gradient in θ = ln(r, α·rate, a, b), where `rate` is
/// the data's mean purchase rate Σx/ΣT: scaling α makes θ free of the time unit.
struct BgObjective<'a> {
    data: &'a Compressed,
    rate: f64,
    // scratch, one entry per distinct time / x
    ln_time: Vec<f64>,
    inv_time: Vec<f64>,
    pi4_by_x: Vec<f64>,
}

impl<'a> BgObjective<'a> {
    fn new(data: &'a Compressed, rate: f64) -> Self {
        BgObjective {
            data,
            rate,
            ln_time: vec![0.0; data.times.len()],
            inv_time: vec![0.0; data.times.len()],
            pi4_by_x: vec![0.0; data.xs.len()],
        }
    }

    /// Total log-likelihood at (r, α, a, b) and its gradient in those parameters.
    fn log_likelihood(&mut self, r: f64, alpha: f64, a: f64, b: f64) -> Option<(f64, [f64; 4])> {
        let d = self.data;
        for ((lt, it), &v) in self
            .ln_time
            .iter_mut()
            .zip(&mut self.inv_time)
            .zip(&d.times)
        {
            let s = alpha + v;
            *lt = s.ln();
            *it = 1.0 / s;
        }
        self.pi4_by_x.iter_mut().for_each(|v| *v = 0.0);
        let (ln_a, lg_ab, dg_ab) = (a.ln(), ln_gamma(a + b), digamma(a + b));
        let (lg_r, dg_r, lg_b, dg_b) = (ln_gamma(r), digamma(r), ln_gamma(b), digamma(b));

        let mut ll = d.n * r * alpha.ln();
        let mut g = [d.n * alpha.ln(), d.n * r / alpha, 0.0, 0.0];
        // per distinct x: ln Γ(r+x) − ln Γ(r) + ln B(a, b+x) − ln B(a, b) and derivatives
        for (&x, &w) in d.xs.iter().zip(&d.x_counts) {
            ll +=
                w * (ln_gamma(r + x) - lg_r + lg_ab + ln_gamma(b + x) - lg_b - ln_gamma(a + b + x));
            let dg_abx = digamma(a + b + x);
            g[0] += w * (digamma(r + x) - dg_r);
            g[2] += w * (dg_ab - dg_abx);
            g[3] += w * (dg_ab + digamma(b + x) - dg_b - dg_abx);
        }
        // per distinct x > 0: ln a − ln(b+x−1)
        let mut last_x = usize::MAX;
        let mut c4 = 0.0;
        for &(xi, txi, ti, w) in &d.rows {
            let (Some(&x), Some(&lt_t), Some(&it_t)) =
                (d.xs.get(xi), self.ln_time.get(ti), self.inv_time.get(ti))
            else {
                return None;
            };
            let k = r + x;
            let a3 = -k * lt_t;
            if x == 0.0 {
                ll += w * a3;
                g[0] -= w * lt_t;
                g[1] -= w * k * it_t;
                continue;
            }
            if xi != last_x {
                c4 = ln_a - (b + x - 1.0).ln();
                last_x = xi;
            }
            let (Some(&lt_x), Some(&it_x)) = (self.ln_time.get(txi), self.inv_time.get(txi)) else {
                return None;
            };
            let a4 = c4 - k * lt_x;
            // log-sum-exp with π3 = e^{a3}/(e^{a3}+e^{a4}), π4 = 1 − π3
            let (lse, pi4) = if a3 >= a4 {
                let e = (a4 - a3).exp();
                (a3 + e.ln_1p(), e / (1.0 + e))
            } else {
                let e = (a3 - a4).exp();
                (a4 + e.ln_1p(), 1.0 / (1.0 + e))
            };
            let pi3 = 1.0 - pi4;
            ll += w * lse;
            g[0] -= w * (pi3 * lt_t + pi4 * lt_x);
            g[1] -= w * k * (pi3 * it_t + pi4 * it_x);
            if let Some(acc) = self.pi4_by_x.get_mut(xi) {
                *acc += w * pi4;
            }
        }
        for (&x, &s) in d.xs.iter().zip(&self.pi4_by_x) {
            if x > 0.0 {
                g[2] += s / a;
                g[3] -= s / (b + x - 1.0);
            }
        }
        (ll.is_finite() && g.iter().all(|v| v.is_finite())).then_some((ll, g))
    }
}

impl BgObjective<'_> {
    fn params(&self, theta: &[f64; 4]) -> [f64; 4] {
        let [r, alpha, a, b] = theta.map(f64::exp);
        [r, alpha / self.rate, a, b]
    }
}

impl Objective<4> for BgObjective<'_> {
    fn eval(&mut self, theta: &[f64; 4]) -> Option<(f64, [f64; 4])> {
        let [r, alpha, a, b] = self.params(theta);
        let (ll, g) = self.log_likelihood(r, alpha, a, b)?;
        let n = self.data.n;
        // minimise −LL/n; chain rule d/dlnθ = θ d/dθ
        Some((
            -ll / n,
            [
                -g[0] * r / n,
                -g[1] * alpha / n,
                -g[2] * a / n,
                -g[3] * b / n,
            ],
        ))
    }
}

pub(crate) const SETTINGS: Settings = Settings {
    gtol: 1e-12,
    xtol: 1e-8,
    gtol_stall: 1e-7,
    max_iter: 1000,
    max_step: 2.0,
    // e^16 ≈ 8.9e6: far enough outside [1e-4, 1e4] that a run reaching it is unbounded.
    bound: 16.0,
};

/// Fit BG/NBD by maximum likelihood (Fader, Hardie & Lee 2005) on one (x, t_x, T) triple per
/// customer, in fitting units: x = repeat purchases, t_x = time of the last purchase, T = age,
/// all measured from the first purchase.
///
/// The customers are compressed to unique triples with counts first, so the cost grows with
/// the number of distinct triples; above 20,000 customers a systematic subsample is fitted
/// first and its optimum starts the full fit. The mean log-likelihood is maximised over ln(r, α, a, b)
/// by BFGS on its analytic gradient, from fixed starting points tried in turn until one
/// converges to an interior point (deterministic).
///
/// # Errors
/// [`FitError::Empty`] for no customers, [`FitError::InvalidInput`] for a non-finite value,
/// a fractional or negative x, or t_x outside [0, T]; [`FitError::NoRepeatCustomers`] when no
/// customer has x ≥ 1; [`FitError::NoInteriorMaximum`] when a fitted r, a or b lies
/// outside [1e-4, 1e4] (SPEC §9); [`FitError::NotConverged`] if the optimiser stalls.
pub fn fit_bgnbd(customers: &[(f64, f64, f64)]) -> Result<Fit<BgNbd>, FitError> {
    FitData::new(customers)?.fit_bgnbd()
}

/// [`fit_bgnbd`] of prepared customers: the subsample's optimum starts the full fit.
pub(super) fn fit(data: &FitData) -> Result<Fit<BgNbd>, FitError> {
    let warm = data
        .warm
        .as_ref()
        .and_then(|d| compress(d).ok())
        .and_then(|d| fit_compressed(&d, None).ok());
    fit_compressed(&compress(&data.all)?, warm).map(|(fit, _)| fit)
}

type InvHessian = Option<[[f64; 4]; 4]>;

fn fit_compressed(
    data: &Compressed,
    warm: Option<(Fit<BgNbd>, InvHessian)>,
) -> Result<(Fit<BgNbd>, InvHessian), FitError> {
    // α is optimised as α·rate, so the starts below are unit-free: r = 1, a = 1, b = 1 with
    // r/α equal to the mean purchase rate, then differently shaped starts in case a run
    // fails.
    let rate = data.sum_x / data.sum_t;
    if !(rate.is_finite() && rate > 0.0) {
        return Err(FitError::NoInteriorMaximum);
    }
    let mut obj = BgObjective::new(data, rate);
    let mut starts: Vec<Start<4>> = Vec::with_capacity(4);
    if let Some((Fit { params: w, .. }, inv_hessian)) = warm {
        starts.push(Start {
            x: [w.r.ln(), (w.alpha * rate).ln(), w.a.ln(), w.b.ln()],
            inv_hessian,
        });
    }
    starts.extend(
        [
            [0.0, 0.0, 0.0, 0.0],
            [(0.3f64).ln(), (0.3f64).ln(), (0.5f64).ln(), (3.0f64).ln()],
            [(3.0f64).ln(), (3.0f64).ln(), (2.0f64).ln(), (10.0f64).ln()],
        ]
        .map(Start::from),
    );
    let interior = |theta: &[f64; 4]| {
        let [r, _, a, b] = theta.map(f64::exp);
        [r, a, b].into_iter().all(in_interior)
    };
    let m = match optim::multi_start(&mut obj, &starts, &SETTINGS, interior) {
        Search::Found(m) => m,
        Search::Diverged => return Err(FitError::NoInteriorMaximum),
        Search::Failed => return Err(FitError::NotConverged),
    };
    let [r, alpha, a, b] = obj.params(&m.x);
    // SPEC §9 bounds r, a and b; α carries the time unit and only has to be finite.
    if !([r, a, b].into_iter().all(in_interior) && alpha.is_finite() && alpha > 0.0) {
        return Err(FitError::NoInteriorMaximum);
    }
    let fit = Fit {
        params: BgNbd { r, alpha, a, b },
        log_likelihood: -m.f * data.n,
    };
    Ok((fit, m.inv_hessian))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::distinct_triples;

    /// 3,000 customers simulated from BG/NBD(r 0.5, α 6, a 0.7, b 3), observed 30–60 weeks,
    /// times rounded to days so that triples repeat.
    fn sample() -> Vec<(f64, f64, f64)> {
        use rand::rngs::SmallRng;
        use rand::{Rng, SeedableRng};
        use rand_distr::{Beta, Distribution, Gamma};
        let mut rng = SmallRng::seed_from_u64(11);
        let (Ok(rate), Ok(dropout)) = (Gamma::new(0.5, 1.0 / 6.0), Beta::new(0.7, 3.0)) else {
            return Vec::new();
        };
        (0..3000)
            .map(|_| {
                let lambda: f64 = rate.sample(&mut rng);
                let p: f64 = dropout.sample(&mut rng);
                let age = f64::from(rng.random_range(210u32..420)) / 7.0;
                let (mut t, mut x, mut tx) = (0.0, 0.0, 0.0);
                loop {
                    t += -(1.0 - rng.random::<f64>()).ln() / lambda;
                    if t > age {
                        break;
                    }
                    x += 1.0;
                    tx = (t * 7.0).floor() / 7.0;
                    if rng.random::<f64>() < p {
                        break;
                    }
                }
                (x, tx, age)
            })
            .collect()
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let data =
            compress(&distinct_triples(&sample()).expect("valid sample")).expect("valid sample");
        let mut obj = BgObjective::new(&data, data.sum_x / data.sum_t);
        for theta in [
            [0.1, -0.3, 0.2, 0.5],
            [-1.5, 1.0, -0.7, 2.0],
            [2.0, 2.0, 1.0, -1.0],
        ] {
            let (_, g) = obj.eval(&theta).expect("finite");
            for i in 0..4 {
                let h = 1e-6;
                let (mut up, mut down) = (theta, theta);
                up[i] += h;
                down[i] -= h;
                let fu = obj.eval(&up).expect("finite").0;
                let fd = obj.eval(&down).expect("finite").0;
                let num = (fu - fd) / (2.0 * h);
                assert!(
                    (g[i] - num).abs() < 1e-7 * (1.0 + num.abs()),
                    "{i}: {} vs {num}",
                    g[i]
                );
            }
        }
    }

    #[test]
    fn objective_matches_per_customer_log_likelihood() {
        let customers = sample();
        let data =
            compress(&distinct_triples(&customers).expect("valid sample")).expect("valid sample");
        let rate = data.sum_x / data.sum_t;
        let mut obj = BgObjective::new(&data, rate);
        let theta = [0.1, -0.3, 0.2, 0.5];
        let [r, alpha, a, b] = obj.params(&theta);
        let bg = BgNbd { r, alpha, a, b };
        let total: f64 = customers
            .iter()
            .map(|&(x, tx, t)| bg.log_likelihood(x, tx, t))
            .sum();
        let f = obj.eval(&theta).expect("finite").0;
        assert!((-f * data.n - total).abs() < 1e-10 * total.abs());
        // compression: fewer rows than customers, multiplicities add up
        assert!(data.rows.len() < customers.len());
        assert_eq!(data.rows.iter().map(|r| r.3).sum::<f64>(), data.n);
    }

    #[test]
    fn fit_is_deterministic_and_unit_free() {
        let weeks = sample();
        let days: Vec<(f64, f64, f64)> = weeks
            .iter()
            .map(|&(x, tx, t)| (x, tx * 7.0, t * 7.0))
            .collect();
        let w = fit_bgnbd(&weeks).expect("fit");
        assert_eq!(fit_bgnbd(&weeks), Ok(w));
        let d = fit_bgnbd(&days).expect("fit");
        // the same model in days: α scales by 7, r, a, b unchanged; LL shifts by
        // −Σ x·ln 7 (the density of the purchase times is per day instead of per week)
        assert!((d.params.r / w.params.r - 1.0).abs() < 1e-6);
        assert!((d.params.alpha / (7.0 * w.params.alpha) - 1.0).abs() < 1e-6);
        assert!((d.params.a / w.params.a - 1.0).abs() < 1e-6);
        assert!((d.params.b / w.params.b - 1.0).abs() < 1e-6);
        let sum_x: f64 = weeks.iter().map(|c| c.0).sum();
        let shift = d.log_likelihood - (w.log_likelihood - sum_x * 7f64.ln());
        assert!(shift.abs() < 1e-6 * w.log_likelihood.abs(), "{shift}");
    }
}
