//! Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves";
//! Fader & Hardie note "The Gamma-Gamma model of monetary value"), SPEC §9.

use super::optim::{self, Objective, Outcome, Settings};
use super::special::{digamma, ln_gamma};
use super::{in_interior, Fit, FitError};

/// Gamma-Gamma parameters: each transaction value ~ Gamma(shape `p`, rate ν), with
/// ν ~ Gamma(shape `q`, rate `gamma`) across customers.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GammaGamma {
    /// Shape of the per-transaction value distribution.
    pub p: f64,
    /// Shape of the Gamma distribution of ν across customers.
    pub q: f64,
    /// Rate of the Gamma distribution of ν across customers (in money units).
    pub gamma: f64,
}

fn valid_customer(x: f64, mean: f64) -> bool {
    x.is_finite() && mean.is_finite() && x >= 1.0 && x.fract() == 0.0 && mean > 0.0
}

impl GammaGamma {
    fn valid(&self) -> bool {
        [self.p, self.q, self.gamma]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
    }

    /// One customer's contribution to the log-likelihood, from x ≥ 1 transactions with mean
    /// value z̄ (the density of z̄):
    /// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄).
    /// `NaN` for invalid parameters, x not a whole number ≥ 1, or z̄ ≤ 0.
    pub fn log_likelihood(&self, x: f64, mean: f64) -> f64 {
        if !self.valid() || !valid_customer(x, mean) {
            return f64::NAN;
        }
        let GammaGamma { p, q, gamma } = *self;
        let px = p * x;
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
            + q * gamma.ln()
            + (px - 1.0) * mean.ln()
            + px * x.ln()
            - (px + q) * (gamma + x * mean).ln()
    }

    /// Expected average transaction value E[Z | x, z̄] = (γ + x·z̄)·p / (p·x + q − 1) for
    /// x ≥ 1; for x = 0 the population mean p·γ/(q − 1). `NaN` when the denominator is not
    /// positive (q ≤ 1: no finite mean), for invalid parameters, a negative or fractional x, or
    /// (when x ≥ 1) a non-finite or negative z̄. For x = 0, `mean` is ignored.
    pub fn expected_average_value(&self, x: f64, mean: f64) -> f64 {
        if !self.valid() || !x.is_finite() || x < 0.0 || x.fract() != 0.0 {
            return f64::NAN;
        }
        let GammaGamma { p, q, gamma } = *self;
        let (num, den) = if x == 0.0 {
            (p * gamma, q - 1.0)
        } else {
            if !(mean.is_finite() && mean >= 0.0) {
                return f64::NAN;
            }
            ((gamma + x * mean) * p, p * x + q - 1.0)
        };
        if den > 0.0 {
            num / den
        } else {
            f64::NAN
        }
    }
}

/// Customers grouped by x: per group the count, Σ ln z̄ and Σ ln x, and per customer x·z̄.
struct Data {
    /// (x, customers, Σ ln z̄ over them) per distinct x, ascending
    groups: Vec<(f64, f64, f64)>,
    /// (group index, x·z̄) per customer, grouped
    rows: Vec<(usize, f64)>,
    n: f64,
    /// mean of the customers' z̄ (sets the money scale of γ)
    mean_value: f64,
}

fn prepare(customers: &[(f64, f64)]) -> Result<Data, FitError> {
    if customers.is_empty() {
        return Err(FitError::Empty);
    }
    let mut kept: Vec<(f64, f64)> = Vec::with_capacity(customers.len());
    for (index, &(x, mean)) in customers.iter().enumerate() {
        if !x.is_finite() || !mean.is_finite() || x < 0.0 || x.fract() != 0.0 {
            return Err(FitError::InvalidInput { index });
        }
        // SPEC §9: fitted on customers with x ≥ 1 and a positive mean; others carry no
        // information about spend and are skipped.
        if valid_customer(x, mean) {
            kept.push((x + 0.0, mean));
        }
    }
    if kept.is_empty() {
        return Err(FitError::NoRepeatCustomers);
    }
    kept.sort_unstable_by(|u, v| u.0.total_cmp(&v.0).then(u.1.total_cmp(&v.1)));
    let mut groups: Vec<(f64, f64, f64)> = Vec::new();
    let mut rows = Vec::with_capacity(kept.len());
    for &(x, mean) in &kept {
        if groups.last().is_none_or(|g| g.0 != x) {
            groups.push((x, 0.0, 0.0));
        }
        let gi = groups.len() - 1;
        if let Some(g) = groups.last_mut() {
            g.1 += 1.0;
            g.2 += mean.ln();
        }
        rows.push((gi, x * mean));
    }
    let n = kept.len() as f64;
    let mean_value = kept.iter().map(|c| c.1).sum::<f64>() / n;
    Ok(Data {
        groups,
        rows,
        n,
        mean_value,
    })
}

/// Mean negative log-likelihood in θ = ln(p, q, γ/scale), scale = mean z̄ (unit-free θ).
struct GgObjective<'a> {
    data: &'a Data,
    /// Σ (p x + q)/(γ + x z̄) per group (scratch)
    acc: Vec<(f64, f64)>,
}

impl GgObjective<'_> {
    fn params(&self, theta: &[f64; 3]) -> [f64; 3] {
        let [p, q, g] = theta.map(f64::exp);
        [p, q, g * self.data.mean_value]
    }
}

impl Objective<3> for GgObjective<'_> {
    fn eval(&mut self, theta: &[f64; 3]) -> Option<(f64, [f64; 3])> {
        let [p, q, gamma] = self.params(theta);
        let d = self.data;
        let ln_g = gamma.ln();
        // per group: Σ ln(γ + x z̄) and Σ 1/(γ + x z̄)
        self.acc.iter_mut().for_each(|v| *v = (0.0, 0.0));
        for &(gi, xm) in &d.rows {
            let s = gamma + xm;
            if let Some(a) = self.acc.get_mut(gi) {
                a.0 += s.ln();
                a.1 += 1.0 / s;
            }
        }
        let (lg_q, dg_q) = (ln_gamma(q), digamma(q));
        let mut ll = 0.0;
        let mut g = [0.0; 3];
        for (&(x, w, sum_ln_m), &(sum_ln_s, sum_inv_s)) in d.groups.iter().zip(&self.acc) {
            let px = p * x;
            let (dg_pxq, dg_px) = (digamma(px + q), digamma(px));
            ll += w * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_g + px * x.ln())
                + (px - 1.0) * sum_ln_m
                - (px + q) * sum_ln_s;
            g[0] += x * (w * (dg_pxq - dg_px + x.ln()) + sum_ln_m - sum_ln_s);
            g[1] += w * (dg_pxq - dg_q + ln_g) - sum_ln_s;
            g[2] += w * q / gamma - (px + q) * sum_inv_s;
        }
        if !ll.is_finite() || g.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let n = d.n;
        Some((-ll / n, [-g[0] * p / n, -g[1] * q / n, -g[2] * gamma / n]))
    }
}

const SETTINGS: Settings = Settings {
    gtol: 1e-11,
    gtol_stall: 1e-7,
    max_iter: 1000,
    max_step: 2.0,
    bound: 16.0,
};

/// Fit Gamma-Gamma by maximum likelihood on (x, z̄) pairs: x repeat transactions with mean
/// value z̄. Pairs with x = 0 or z̄ ≤ 0 are skipped (SPEC §9 fits on x ≥ 1 and a positive
/// mean). BFGS on ln(p, q, γ) from two fixed starts; deterministic.
///
/// # Errors
/// [`FitError::Empty`] for no input, [`FitError::InvalidInput`] for a non-finite value or a
/// negative or fractional x, [`FitError::NoRepeatCustomers`] when no pair qualifies,
/// [`FitError::NoInteriorMaximum`] when p or q ends outside [1e-4, 1e4] (SPEC §9),
/// [`FitError::NotConverged`] if the optimiser stalls.
pub fn fit_gamma_gamma(customers: &[(f64, f64)]) -> Result<Fit<GammaGamma>, FitError> {
    let data = prepare(customers)?;
    let mut obj = GgObjective {
        data: &data,
        acc: vec![(0.0, 0.0); data.groups.len()],
    };
    // θ = ln(p, q, γ/mean): p = 1, q = 2, γ = mean z̄ gives population mean pγ/(q−1) = mean z̄;
    // the second start has the same mean with more concentrated spend.
    let starts = [[0.0, 2f64.ln(), 0.0], [4f64.ln(), 4f64.ln(), 0.75f64.ln()]];
    let mut best: Option<optim::Minimum<3>> = None;
    let mut diverged = false;
    for start in starts {
        let Some(m) = optim::minimize(&mut obj, start, &SETTINGS) else {
            continue;
        };
        match m.outcome {
            Outcome::Converged => {
                if best.is_none_or(|b| m.f < b.f) {
                    best = Some(m);
                }
            }
            Outcome::Diverged => diverged = true,
            Outcome::Stalled => {}
        }
    }
    let Some(m) = best else {
        return Err(if diverged {
            FitError::NoInteriorMaximum
        } else {
            FitError::NotConverged
        });
    };
    let [p, q, gamma] = obj.params(&m.x);
    if !(in_interior(p) && in_interior(q)) || !(gamma.is_finite() && gamma > 0.0) {
        return Err(FitError::NoInteriorMaximum);
    }
    Ok(Fit {
        params: GammaGamma { p, q, gamma },
        log_likelihood: -m.f * data.n,
    })
}
