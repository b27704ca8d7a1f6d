//! Pareto/NBD (Schmittlein, Morrison & Colombo 1987): fit and per-customer predictions
//! (SPEC §9.1). The likelihood, P(alive) and the conditional expectation follow Fader & Hardie's
//! note on implementing the model and Fader, Hardie & Lee (2005, "RFM and CLV").
//!
//! Purchase rate λ ~ Gamma(r, α) and dropout rate μ ~ Gamma(s, β), the lifetime exponential.
//! Every expression reduces to the integral J(y) = ∫_y^∞ (α+u)^−p (β+u)^−q du, evaluated as
//! (p+q−1)·J(y) = (α+y)^−p (β+y)^(1−q) ₂F₁(1, p; p+q; z), z = (α−β)/(α+y) when α ≥ β (and the
//! mirror image when α < β) — the Euler transform of the paper's ₂F₁(r+s+x, s+1; r+s+x+1; ·).
//! In this form every series term is positive and the term ratio is below z < 1, so it neither
//! overflows nor cancels for large x (the numerical trouble of the untransformed series).

use super::optim::{self, Objective, Search, Start};
use super::special::{digamma, ln_gamma};
use super::{in_interior, valid_customer, DistinctTriples, Fit, FitData, FitError};

/// Pareto/NBD parameters: purchase rates λ ~ Gamma(shape `r`, rate `alpha`), dropout rates
/// μ ~ Gamma(shape `s`, rate `beta`). `alpha` and `beta` are in the fitting unit.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ParetoNbd {
    /// Shape of the Gamma distribution of purchase rates.
    pub r: f64,
    /// Rate of the Gamma distribution of purchase rates, in fitting units.
    pub alpha: f64,
    /// Shape of the Gamma distribution of dropout rates.
    pub s: f64,
    /// Rate of the Gamma distribution of dropout rates, in fitting units.
    pub beta: f64,
}

/// Most terms of one series; past them the remainder is estimated as a geometric tail with the
/// last term ratio. Only z within ~1 % of 1 needs that many — parameters far from any optimum
/// of real data (one rate thousands of times the other), which a fit leaves or reports as
/// having no interior maximum — so the cap bounds the cost of such evaluations.
const MAX_TERMS: usize = 1_000;

/// ln H and its partial derivatives in (e, c, z), H = ₂F₁(1, e; c; z) = Σ (e)ₙ/(c)ₙ zⁿ for
/// 0 ≤ z < 1 and 0 < e < c (every term positive, term ratio (e+n)/(c+n)·z < z).
fn ln_h(e: f64, c: f64, z: f64) -> (f64, f64, f64, f64) {
    if z <= 0.0 {
        return (0.0, 0.0, 0.0, e / c);
    }
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    let (mut se, mut sc) = (0.0f64, 0.0f64); // Σ_{k<n} 1/(e+k), Σ_{k<n} 1/(c+k)
    let (mut de, mut dc, mut dz) = (0.0f64, 0.0f64, 0.0f64);
    let mut n = 0.0f64;
    let mut converged = false;
    let mut ratio = z;
    for _ in 0..MAX_TERMS {
        let (ie, ic) = (1.0 / (e + n), 1.0 / (c + n));
        se += ie;
        sc += ic;
        ratio = (e + n) * ic * z;
        term *= ratio;
        n += 1.0;
        sum += term;
        de += term * se;
        dc -= term * sc;
        dz += term * n;
        // remainder of Σ n·tₙ is below tₙ·(n+1)·z/(1−z)²
        if term * (n + 1.0) <= 1e-17 * sum * (1.0 - z) * (1.0 - z) {
            converged = true;
            break;
        }
    }
    if !converged {
        let q = ratio / (1.0 - ratio);
        sum += term * q;
        de += term * se * q;
        dc -= term * sc * q;
        dz += term * (n * q + q * q);
    }
    (sum.ln(), de / sum, dc / sum, dz / (z * sum))
}

/// ln H alone (no derivatives), H = ₂F₁(1, e; c; z) as in [`ln_h`].
fn ln_h_value(e: f64, c: f64, z: f64) -> f64 {
    if z <= 0.0 {
        return 0.0;
    }
    let (mut term, mut sum, mut ratio) = (1.0f64, 1.0f64, z);
    let mut n = 0.0f64;
    for _ in 0..MAX_TERMS {
        ratio = (e + n) / (c + n) * z;
        term *= ratio;
        n += 1.0;
        sum += term;
        if term <= 1e-17 * sum * (1.0 - z) {
            return sum.ln();
        }
    }
    (sum + term * ratio / (1.0 - ratio)).ln()
}

/// [`ln_tail`]'s value alone.
fn ln_tail_value(p: f64, q: f64, alpha: f64, beta: f64, y: f64) -> f64 {
    let (ay, by) = (alpha + y, beta + y);
    if alpha >= beta {
        -p * ay.ln() + (1.0 - q) * by.ln() + ln_h_value(p, p + q, (alpha - beta) / ay)
    } else {
        -q * by.ln() + (1.0 - p) * ay.ln() + ln_h_value(q, p + q, (beta - alpha) / by)
    }
}

/// P(alive | x, t_x, T) = P(T)/M with M as in [`customer_terms`] (values only).
fn p_alive_value(m: &ParetoNbd, x: f64, tx: f64, t: f64) -> f64 {
    let ParetoNbd { r, alpha, s, beta } = *m;
    let rho = r + x;
    let lp = -rho * (alpha + t).ln() - s * (beta + t).ln();
    let vx = ln_tail_value(rho, s + 1.0, alpha, beta, tx);
    let vt = ln_tail_value(rho, s + 1.0, alpha, beta, t);
    let k = (s / (rho + s)).ln();
    let top = lp.max(k + vx);
    let inner = (lp - top).exp() + (k + vx - top).exp() - (k + vt - top).exp();
    let ln_m = top + inner.max(f64::MIN_POSITIVE).ln();
    (lp - ln_m).exp().min(1.0)
}

/// ln[(p+q−1)·J(y)], J(y) = ∫_y^∞ (α+u)^−p (β+u)^−q du, and its partial derivatives in
/// (p, α, q, β) (the order of (r, α, s, β)). Needs p, q > 0, p + q > 1, α, β > 0, y ≥ 0.
fn ln_tail(p: f64, q: f64, alpha: f64, beta: f64, y: f64) -> (f64, [f64; 4]) {
    let (ay, by) = (alpha + y, beta + y);
    let (lay, lby) = (ay.ln(), by.ln());
    let c = p + q;
    if alpha >= beta {
        let z = (alpha - beta) / ay;
        let (lh, he, hc, hz) = ln_h(p, c, z);
        let v = -p * lay + (1.0 - q) * lby + lh;
        (
            v,
            [
                -lay + he + hc,
                -p / ay + hz * by / (ay * ay),
                -lby + hc,
                (1.0 - q) / by - hz / ay,
            ],
        )
    } else {
        let z = (beta - alpha) / by;
        let (lh, he, hc, hz) = ln_h(q, c, z);
        let v = -q * lby + (1.0 - p) * lay + lh;
        (
            v,
            [
                -lay + hc,
                (1.0 - p) / ay - hz / by,
                -lby + he + hc,
                -q / by + hz * ay / (by * by),
            ],
        )
    }
}

/// ln Γ(r+x) − ln Γ(r) and ψ(r+x) − ψ(r): the part of a customer's terms that depends on x
/// only (shared by every customer with the same x).
fn x_terms(r: f64, x: f64) -> (f64, f64) {
    (ln_gamma(r + x) - ln_gamma(r), digamma(r + x) - digamma(r))
}

/// One customer's log-likelihood terms: ln L and its gradient in (r, α, s, β), and P(alive).
/// `xt` is [`x_terms`]`(r, x)`.
fn customer_terms(m: &ParetoNbd, x: f64, tx: f64, t: f64, xt: (f64, f64)) -> (f64, [f64; 4], f64) {
    let rho = m.r + x;
    let tail_x = ln_tail(rho, m.s + 1.0, m.alpha, m.beta, tx);
    let tail_t = ln_tail(rho, m.s + 1.0, m.alpha, m.beta, t);
    terms_with_tails(m, x, t, xt, tail_x, tail_t)
}

/// [`customer_terms`] given [`ln_tail`]`(r+x, s+1, α, β, ·)` at t_x and at T (shared by every
/// customer with the same x and t_x, or x and T).
fn terms_with_tails(
    m: &ParetoNbd,
    x: f64,
    t: f64,
    xt: (f64, f64),
    (vx, dvx): (f64, [f64; 4]),
    (vt, dvt): (f64, [f64; 4]),
) -> (f64, [f64; 4], f64) {
    let ParetoNbd { r, alpha, s, beta } = *m;
    let rho = r + x;
    let a = rho + s;
    let (lat, lbt) = ((alpha + t).ln(), (beta + t).ln());
    // ln P(T) = −ρ ln(α+T) − s ln(β+T): survived to T with x purchases
    let lp = -rho * lat - s * lbt;
    let dlp = [-lat, -rho / (alpha + t), -lbt, -s / (beta + t)];
    // s·∫_{t_x}^T (α+y)^−ρ (β+y)^−(s+1) dy = (s/a)(e^{v_x} − e^{v_T}): dropped out in (t_x, T)
    let k = (s / a).ln();
    let dk = [-1.0 / a, 0.0, 1.0 / s - 1.0 / a, 0.0];
    // ln M with M = e^{lp} + e^{k+vx} − e^{k+vt} (the difference is ≥ 0 mathematically)
    let top = lp.max(k + vx);
    let inner = (lp - top).exp() + (k + vx - top).exp() - (k + vt - top).exp();
    let ln_m = top + inner.max(f64::MIN_POSITIVE).ln();
    let (wp, wx, wt) = (
        (lp - ln_m).exp(),
        (k + vx - ln_m).exp(),
        (k + vt - ln_m).exp(),
    );
    let head = xt.0 + r * alpha.ln() + s * beta.ln();
    let dhead = [xt.1 + alpha.ln(), r / alpha, beta.ln(), s / beta];
    let mut g = [0.0; 4];
    for i in 0..4 {
        g[i] = dhead[i] + wp * dlp[i] + (wx - wt) * dk[i] + wx * dvx[i] - wt * dvt[i];
    }
    (head + ln_m, g, wp.min(1.0))
}

impl ParetoNbd {
    fn valid(&self) -> bool {
        [self.r, self.alpha, self.s, self.beta]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
    }

    /// ln L(r, α, s, β | x, t_x, T): one customer's contribution to the Pareto/NBD
    /// log-likelihood. `NaN` for invalid parameters or data.
    pub fn log_likelihood(&self, x: f64, tx: f64, t: f64) -> f64 {
        if !self.valid() || !valid_customer(x, tx, t) {
            return f64::NAN;
        }
        customer_terms(self, x, tx, t, x_terms(self.r, x)).0
    }

    /// P(alive at T | x, t_x, T) (Fader & Hardie's note, eq. 18). Unlike BG/NBD it falls with
    /// silence for one-time buyers too. `NaN` for invalid parameters or data.
    pub fn p_alive(&self, x: f64, tx: f64, t: f64) -> f64 {
        if !self.valid() || !valid_customer(x, tx, t) {
            return f64::NAN;
        }
        p_alive_value(self, x, tx, t)
    }

    /// E[purchases in (T, T+horizon] | alive at T, x, T]
    /// = (r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+horizon))^(s−1)] (the limit ln at s = 1).
    /// It does not depend on t_x. `NaN` for invalid input.
    pub fn expected_purchases_if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        if !(self.valid() && valid_customer(x, 0.0, t) && horizon.is_finite() && horizon >= 0.0) {
            return f64::NAN;
        }
        let ParetoNbd { r, alpha, s, beta } = *self;
        let l = (horizon / (beta + t)).ln_1p();
        let sm1 = s - 1.0;
        // [1 − e^{−(s−1)l}]/(s−1), → l as s → 1
        let f = if sm1.abs() < 1e-9 {
            l
        } else {
            -(-sm1 * l).exp_m1() / sm1
        };
        (r + x) * (beta + t) / (alpha + t) * f
    }

    /// E[purchases in (T, T+horizon] | x, t_x, T] = P(alive) × the expectation if alive.
    pub fn conditional_expected_purchases(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        self.p_alive(x, tx, t) * self.expected_purchases_if_alive(horizon, x, t)
    }

    /// Unconditional E[X(t)] of a new customer: r·β/(α(s−1))·[1 − (β/(β+t))^(s−1)].
    pub fn expected_purchases(&self, t: f64) -> f64 {
        self.expected_purchases_if_alive(t, 0.0, 0.0)
    }

    /// P(at least one purchase in (T, T+horizon] | x, t_x, T) = P(alive) ·
    /// ∫_0^horizon E[λe^{−λu}] E[e^{−μu}] du with λ ~ Gamma(r+x, α+T), μ ~ Gamma(s, β+T)
    /// (the rates of a customer alive at T). `NaN` for invalid input.
    pub fn p_at_least_one(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        if !(horizon.is_finite() && horizon >= 0.0) {
            return f64::NAN;
        }
        let alive = self.p_alive(x, tx, t);
        if !alive.is_finite() {
            return f64::NAN;
        }
        alive * self.buys_if_alive(horizon, x, t)
    }

    /// P(at least one purchase in (T, T+horizon] | alive at T, x, T); it does not depend on t_x.
    /// `NaN` for invalid input.
    pub fn buys_if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        if !(self.valid() && valid_customer(x, 0.0, t) && horizon.is_finite() && horizon >= 0.0) {
            return f64::NAN;
        }
        if horizon == 0.0 {
            return 0.0;
        }
        let ParetoNbd { r, alpha, s, beta } = *self;
        let rho = r + x;
        // ρ(α+T)^ρ(β+T)^s [J(T) − J(T+h)] with p = ρ+1, q = s, p+q−1 = ρ+s
        let scale = rho * (alpha + t).ln() + s * (beta + t).ln();
        let v0 = ln_tail_value(rho + 1.0, s, alpha, beta, t);
        let v1 = ln_tail_value(rho + 1.0, s, alpha, beta, t + horizon);
        (rho / (rho + s) * ((v0 + scale).exp() - (v1 + scale).exp())).clamp(0.0, 1.0)
    }
}

/// Unique (x, t_x, T) triples with multiplicities.
struct Compressed {
    rows: Vec<(f64, f64, f64, f64)>,
    /// Per row, the positions in `pairs` of its (x, t_x) and (x, T).
    row_pairs: Vec<(u32, u32)>,
    /// Distinct (x, time) pairs: the likelihood's series depend on nothing else.
    pairs: Vec<(f64, f64)>,
    n: f64,
    sum_x: f64,
    sum_t: f64,
}

fn compress(data: &DistinctTriples) -> Compressed {
    let DistinctTriples {
        rows,
        n,
        sum_x,
        sum_t,
    } = data;
    let mut index: rustc_hash::FxHashMap<(u64, u64), u32> = rustc_hash::FxHashMap::default();
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    let mut pair = |x: f64, y: f64| {
        *index.entry((x.to_bits(), y.to_bits())).or_insert_with(|| {
            pairs.push((x, y));
            (pairs.len() - 1) as u32
        })
    };
    let row_pairs = rows
        .iter()
        .map(|&(x, tx, t, _)| (pair(x, tx), pair(x, t)))
        .collect();
    Compressed {
        rows: rows.clone(),
        row_pairs,
        pairs,
        n: *n,
        sum_x: *sum_x,
        sum_t: *sum_t,
    }
}

/// Mean negative log-likelihood in θ = ln(r, α·rate, s, β·rate), `rate` = Σx/ΣT (unit-free).
struct ParetoObjective<'a> {
    data: &'a Compressed,
    rate: f64,
    /// scratch: [`ln_tail`] of each pair
    tails: Vec<(f64, [f64; 4])>,
}

impl ParetoObjective<'_> {
    fn params(&self, theta: &[f64; 4]) -> ParetoNbd {
        let [r, alpha, s, beta] = theta.map(f64::exp);
        ParetoNbd {
            r,
            alpha: alpha / self.rate,
            s,
            beta: beta / self.rate,
        }
    }
}

impl Objective<4> for ParetoObjective<'_> {
    fn eval(&mut self, theta: &[f64; 4]) -> Option<(f64, [f64; 4])> {
        let m = self.params(theta);
        if !m.valid() {
            return None;
        }
        let mut ll = 0.0;
        let mut g = [0.0; 4];
        self.tails.clear();
        self.tails.extend(
            self.data
                .pairs
                .iter()
                .map(|&(x, y)| ln_tail(m.r + x, m.s + 1.0, m.alpha, m.beta, y)),
        );
        let (mut last_x, mut xt) = (f64::NAN, (0.0, 0.0));
        for (&(x, _, t, w), &(px, pt)) in self.data.rows.iter().zip(&self.data.row_pairs) {
            // rows are sorted by x
            if x != last_x {
                xt = x_terms(m.r, x);
                last_x = x;
            }
            let (Some(&tail_x), Some(&tail_t)) =
                (self.tails.get(px as usize), self.tails.get(pt as usize))
            else {
                return None;
            };
            let (l, gi, _) = terms_with_tails(&m, x, t, xt, tail_x, tail_t);
            ll += w * l;
            for (acc, v) in g.iter_mut().zip(gi) {
                *acc += w * v;
            }
        }
        let n = self.data.n;
        let scale = [m.r, m.alpha, m.s, m.beta];
        let grad = [0, 1, 2, 3].map(|i| -g[i] * scale[i] / n);
        (ll.is_finite() && grad.iter().all(|v| v.is_finite())).then_some((-ll / n, grad))
    }
}

/// Fit Pareto/NBD by maximum likelihood on one (x, t_x, T) triple per customer, in fitting
/// units (SPEC §9.1), like [`super::fit_bgnbd`]: BFGS on the analytic gradient of the mean
/// log-likelihood over ln(r, α, s, β), from fixed starts (deterministic); above 20,000
/// customers a systematic subsample's optimum starts the full fit.
///
/// # Errors
/// As [`super::fit_bgnbd`]; [`FitError::NoInteriorMaximum`] when a fitted r or s lies outside
/// [1e-4, 1e4] (α and β carry the time unit and need only be finite and positive).
pub fn fit_pareto_nbd(customers: &[(f64, f64, f64)]) -> Result<Fit<ParetoNbd>, FitError> {
    FitData::new(customers)?.fit_pareto_nbd()
}

/// [`fit_pareto_nbd`] of prepared customers: the subsample's optimum starts the full fit.
pub(super) fn fit(data: &FitData) -> Result<Fit<ParetoNbd>, FitError> {
    let warm = data
        .warm
        .as_ref()
        .and_then(|d| fit_compressed(&compress(d), None).ok());
    fit_compressed(&compress(&data.all), warm).map(|(fit, _)| fit)
}

type InvHessian = Option<[[f64; 4]; 4]>;

fn fit_compressed(
    data: &Compressed,
    warm: Option<(Fit<ParetoNbd>, InvHessian)>,
) -> Result<(Fit<ParetoNbd>, InvHessian), FitError> {
    let rate = data.sum_x / data.sum_t;
    if !(rate.is_finite() && rate > 0.0) {
        return Err(FitError::NoInteriorMaximum);
    }
    let mut obj = ParetoObjective {
        data,
        rate,
        tails: Vec::new(),
    };
    let mut starts: Vec<Start<4>> = Vec::with_capacity(4);
    if let Some((Fit { params: w, .. }, inv_hessian)) = warm {
        starts.push(Start {
            x: [
                w.r.ln(),
                (w.alpha * rate).ln(),
                w.s.ln(),
                (w.beta * rate).ln(),
            ],
            inv_hessian,
        });
    }
    starts.extend(
        [
            [0.0, 0.0, 0.0, 0.0],
            [(0.5f64).ln(), (0.5f64).ln(), (0.5f64).ln(), (5.0f64).ln()],
            [(3.0f64).ln(), (3.0f64).ln(), (2.0f64).ln(), (20.0f64).ln()],
        ]
        .map(Start::from),
    );
    let interior = |theta: &[f64; 4]| {
        let [r, _, s, _] = theta.map(f64::exp);
        in_interior(r) && in_interior(s)
    };
    let m = match optim::multi_start(&mut obj, &starts, &super::bgnbd::SETTINGS, interior) {
        Search::Found(m) => m,
        Search::Diverged => return Err(FitError::NoInteriorMaximum),
        Search::Failed => return Err(FitError::NotConverged),
    };
    let p = obj.params(&m.x);
    let finite_rates = [p.alpha, p.beta].iter().all(|v| v.is_finite() && *v > 0.0);
    if !(in_interior(p.r) && in_interior(p.s) && finite_rates) {
        return Err(FitError::NoInteriorMaximum);
    }
    Ok((
        Fit {
            params: p,
            log_likelihood: -m.f * data.n,
        },
        m.inv_hessian,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::distinct_triples;

    const PAPER: ParetoNbd = ParetoNbd {
        r: 0.553,
        alpha: 10.578,
        s: 0.606,
        beta: 11.669,
    };

    /// ∫_{t_x}^T by composite Simpson on a fine grid in ln(α+y): the reference for the series.
    fn brute_likelihood(m: &ParetoNbd, x: f64, tx: f64, t: f64) -> f64 {
        let ParetoNbd { r, alpha, s, beta } = *m;
        let f = |y: f64| (alpha + y).powf(-(r + x)) * (beta + y).powf(-(s + 1.0));
        let n = 20_000;
        let h = (t - tx) / n as f64;
        let mut integral = 0.0;
        if h > 0.0 {
            for i in 0..=n {
                let w = if i == 0 || i == n {
                    1.0
                } else if i % 2 == 1 {
                    4.0
                } else {
                    2.0
                };
                integral += w * f(tx + h * i as f64);
            }
            integral *= h / 3.0;
        }
        let c = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln();
        c + ((alpha + t).powf(-(r + x)) * (beta + t).powf(-s) + s * integral).ln()
    }

    #[test]
    fn likelihood_matches_direct_integration() {
        for m in [
            PAPER,
            ParetoNbd {
                alpha: 20.0,
                ..PAPER
            },
            ParetoNbd {
                beta: 30.0,
                s: 2.5,
                ..PAPER
            },
        ] {
            for (x, tx, t) in [
                (0.0, 0.0, 30.0),
                (2.0, 30.43, 38.86),
                (10.0, 5.0, 70.0),
                (1.0, 3.0, 3.0),
            ] {
                let got = m.log_likelihood(x, tx, t);
                let want = brute_likelihood(&m, x, tx, t);
                assert!(
                    (got - want).abs() < 1e-9 * want.abs().max(1.0),
                    "{m:?} {x} {tx} {t}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let customers = [
            (0.0, 0.0, 30.0),
            (2.0, 30.43, 38.86),
            (10.0, 5.0, 70.0),
            (40.0, 60.0, 75.0),
            (1.0, 0.0, 12.0),
        ];
        let data = compress(&distinct_triples(&customers).expect("valid"));
        let mut obj = ParetoObjective {
            data: &data,
            rate: data.sum_x / data.sum_t,
            tails: Vec::new(),
        };
        for theta in [
            [0.1, -0.3, 0.2, 0.5],
            [-1.5, 1.0, -0.7, 2.0],
            [0.5, 0.5, 0.5, 0.5],
            [2.0, -1.0, 1.0, -2.0],
        ] {
            let (_, g) = obj.eval(&theta).expect("finite");
            for i in 0..4 {
                let h = 1e-6;
                let (mut up, mut down) = (theta, theta);
                up[i] += h;
                down[i] -= h;
                let num = (obj.eval(&up).expect("finite").0 - obj.eval(&down).expect("finite").0)
                    / (2.0 * h);
                assert!(
                    (g[i] - num).abs() < 1e-6 * (1.0 + num.abs()),
                    "{theta:?} {i}: {} vs {num}",
                    g[i]
                );
            }
        }
    }

    #[test]
    fn predictions_are_consistent() {
        // x = 0 at T = 0 is a new customer
        for t in [1.0, 39.0, 78.0] {
            let u = PAPER.expected_purchases(t);
            let c = PAPER.conditional_expected_purchases(t, 0.0, 0.0, 0.0);
            assert!((u - c).abs() < 1e-12 * u.max(1.0));
        }
        // one-time buyers lose P(alive) with silence (BG/NBD keeps them at 1)
        let young = PAPER.p_alive(0.0, 0.0, 5.0);
        let old = PAPER.p_alive(0.0, 0.0, 70.0);
        assert!(0.0 < old && old < young && young < 1.0, "{young} {old}");
        // P(≥1 in h) is below P(alive), rises with h, and matches 1 − e^{−λh}-style limits
        let a = PAPER.p_at_least_one(4.0, 2.0, 30.43, 38.86);
        let b = PAPER.p_at_least_one(13.0, 2.0, 30.43, 38.86);
        let alive = PAPER.p_alive(2.0, 30.43, 38.86);
        assert!(0.0 < a && a < b && b < alive, "{a} {b} {alive}");
        // P(≥1 in h | alive) by direct integration of ∫ E[λe^{−λu}]E[e^{−μu}] du
        let (x, t, h) = (2.0, 38.86, 13.0);
        let (k, ka, ks, kb) = (PAPER.r + x, PAPER.alpha + t, PAPER.s, PAPER.beta + t);
        let n = 20_000;
        let step = h / n as f64;
        let mut direct = 0.0;
        for i in 0..n {
            let u = (i as f64 + 0.5) * step;
            direct += k / ka * (ka / (ka + u)).powf(k + 1.0) * (kb / (kb + u)).powf(ks) * step;
        }
        assert!(
            (b / alive - direct).abs() < 1e-7,
            "{} vs {direct}",
            b / alive
        );
        // invalid input
        assert!(PAPER.p_alive(1.0, 3.0, 2.0).is_nan());
        assert!(ParetoNbd { s: -1.0, ..PAPER }
            .p_alive(1.0, 1.0, 2.0)
            .is_nan());
        assert!(PAPER.expected_purchases(f64::NAN).is_nan());
    }

    #[test]
    fn large_x_is_finite() {
        for x in [100.0, 1000.0, 5000.0] {
            let ll = PAPER.log_likelihood(x, 70.0, 77.0);
            let p = PAPER.p_alive(x, 10.0, 77.0);
            assert!(ll.is_finite() && (0.0..=1.0).contains(&p), "{x}: {ll} {p}");
        }
        let m = ParetoNbd {
            alpha: 0.01,
            ..PAPER
        };
        assert!(m.log_likelihood(300.0, 1.0, 77.0).is_finite());
    }
}
