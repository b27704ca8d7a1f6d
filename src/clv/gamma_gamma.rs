//! Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves";
//! Fader & Hardie note "The Gamma-Gamma model of monetary value"), SPEC §9.

use super::optim::{self, Objective, Search, Settings, Start};
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

/// Customers grouped by x: per group the count, Σ ln z̄ and Σ ln x, and per (x, z̄) row x·z̄
/// and how many customers it stands for.
struct Data {
    /// (x, customers, Σ ln z̄ over them) per distinct x, ascending
    groups: Vec<(f64, f64, f64)>,
    /// (group index, x·z̄, customers) per row, grouped
    rows: Vec<(usize, f64, f64)>,
    n: f64,
    /// mean of the customers' z̄ (sets the money scale of γ)
    mean_value: f64,
}

/// `customers`: (x, z̄) rows with the customers each stands for (1 for one customer's own).
fn prepare(customers: impl ExactSizeIterator<Item = ((f64, f64), u64)>) -> Result<Data, FitError> {
    let mut kept: Vec<(f64, f64, f64)> = Vec::with_capacity(customers.len());
    let mut rows = 0;
    for (index, ((x, mean), count)) in customers.enumerate() {
        rows = index + 1;
        if !x.is_finite() || !mean.is_finite() || x < 0.0 || x.fract() != 0.0 {
            return Err(FitError::InvalidInput { index });
        }
        // SPEC §9: fitted on customers with x ≥ 1 and a positive mean; others carry no
        // information about spend and are skipped.
        if valid_customer(x, mean) && count > 0 {
            kept.push((x + 0.0, mean, count as f64));
        }
    }
    if rows == 0 {
        return Err(FitError::Empty);
    }
    if kept.is_empty() {
        return Err(FitError::NoRepeatCustomers);
    }
    kept.sort_unstable_by(|u, v| u.0.total_cmp(&v.0).then(u.1.total_cmp(&v.1)));
    let mut groups: Vec<(f64, f64, f64)> = Vec::new();
    let mut rows = Vec::with_capacity(kept.len());
    for &(x, mean, count) in &kept {
        if groups.last().is_none_or(|g| g.0 != x) {
            groups.push((x, 0.0, 0.0));
        }
        let gi = groups.len() - 1;
        if let Some(g) = groups.last_mut() {
            g.1 += count;
            g.2 += count * mean.ln();
        }
        rows.push((gi, x * mean, count));
    }
    let n = kept.iter().map(|c| c.2).sum::<f64>();
    let mean_value = kept.iter().map(|c| c.2 * c.1).sum::<f64>() / n;
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
        for &(gi, xm, count) in &d.rows {
            let s = gamma + xm;
            if let Some(a) = self.acc.get_mut(gi) {
                a.0 += count * s.ln();
                a.1 += count / s;
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
    gtol: 1e-12,
    xtol: 1e-8,
    gtol_stall: 1e-7,
    max_iter: 1000,
    max_step: 2.0,
    bound: 16.0,
};

/// Fit Gamma-Gamma by maximum likelihood on (x, z̄) pairs: x repeat transactions with mean
/// value z̄. Pairs with x = 0 or z̄ ≤ 0 are skipped (SPEC §9 fits on x ≥ 1 and a positive
/// mean). BFGS on ln(p, q, γ) from fixed starts tried in turn; deterministic.
///
/// # Errors
/// [`FitError::Empty`] for no input, [`FitError::InvalidInput`] for a non-finite value or a
/// negative or fractional x, [`FitError::NoRepeatCustomers`] when no pair qualifies,
/// [`FitError::NoInteriorMaximum`] when p or q ends outside [1e-4, 1e4] (SPEC §9),
/// [`FitError::NotConverged`] if the optimiser stalls.
pub fn fit_gamma_gamma(customers: &[(f64, f64)]) -> Result<Fit<GammaGamma>, FitError> {
    fit(prepare(customers.iter().map(|&c| (c, 1)))?)
}

/// [`fit_gamma_gamma`] from distinct (x, z̄) pairs with the customers each stands for (a
/// warehouse summary's counted rows), without writing every customer out.
///
/// # Errors
/// As [`fit_gamma_gamma`]; `InvalidInput`'s index is the row's.
pub(crate) fn fit_gamma_gamma_counted(
    pairs: &[((f64, f64), u64)],
) -> Result<Fit<GammaGamma>, FitError> {
    fit(prepare(pairs.iter().copied())?)
}

fn fit(data: Data) -> Result<Fit<GammaGamma>, FitError> {
    let mut obj = GgObjective {
        data: &data,
        acc: vec![(0.0, 0.0); data.groups.len()],
    };
    // θ = ln(p, q, γ/mean): p = 1, q = 2, γ = mean z̄ gives population mean pγ/(q−1) = mean z̄;
    // the other starts (tried only if a run fails) keep that mean with other shapes.
    let starts = [
        [0.0, 2f64.ln(), 0.0],
        [4f64.ln(), 4f64.ln(), 0.75f64.ln()],
        [0.5f64.ln(), 10f64.ln(), 18f64.ln()],
    ];
    let interior = |theta: &[f64; 3]| {
        let [p, q, _] = theta.map(f64::exp);
        in_interior(p) && in_interior(q)
    };
    let m = match optim::multi_start(&mut obj, &starts.map(Start::from), &SETTINGS, interior) {
        Search::Found(m) => m,
        Search::Diverged => return Err(FitError::NoInteriorMaximum),
        Search::Failed => return Err(FitError::NotConverged),
    };
    let [p, q, gamma] = obj.params(&m.x);
    if !(in_interior(p) && in_interior(q) && gamma.is_finite() && gamma > 0.0) {
        return Err(FitError::NoInteriorMaximum);
    }
    Ok(Fit {
        params: GammaGamma { p, q, gamma },
        log_likelihood: -m.f * data.n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<(f64, f64)> {
        (0..150u32)
            .map(|i| {
                let x = f64::from(1 + i % 6);
                let m = 5.0 + f64::from((i * 37) % 101) * 0.9;
                (x, m)
            })
            .collect()
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let data = prepare(sample().into_iter().map(|c| (c, 1))).expect("valid sample");
        let mut obj = GgObjective {
            data: &data,
            acc: vec![(0.0, 0.0); data.groups.len()],
        };
        for theta in [[0.3, 0.8, 0.1], [1.5, 2.0, 1.0], [-0.5, 0.2, -1.0]] {
            let (_, g) = obj.eval(&theta).expect("finite");
            for i in 0..3 {
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
            let [p, q, gamma] = obj.params(&theta);
            let gg = GammaGamma { p, q, gamma };
            let total: f64 = sample().iter().map(|&(x, m)| gg.log_likelihood(x, m)).sum();
            let f = obj.eval(&theta).expect("finite").0;
            assert!((-f * data.n - total).abs() < 1e-10 * total.abs());
        }
    }

    #[test]
    fn counted_pairs_fit_as_the_customers_written_out() {
        // Customers whose typical spend differs (what Gamma-Gamma describes), each pair
        // standing for 1–4 customers.
        let counted: Vec<((f64, f64), u64)> = (0..300u32)
            .map(|i| {
                let x = f64::from(1 + i % 6);
                let typical = 4.0 + f64::from((i * 53) % 97) * f64::from(1 + i % 3);
                let noise = 1.0 + 0.4 * (f64::from((i * 7) % 11) - 5.0) / 5.0 / x.sqrt();
                ((x, typical * noise), 1 + u64::from(i % 4))
            })
            .collect();
        let written: Vec<(f64, f64)> = counted
            .iter()
            .flat_map(|&(c, n)| std::iter::repeat_n(c, n as usize))
            .collect();
        let a = fit_gamma_gamma_counted(&counted).expect("fits");
        let b = fit_gamma_gamma(&written).expect("fits");
        let close = |u: f64, v: f64| (u - v).abs() <= 1e-9 * v.abs();
        assert!(close(a.params.p, b.params.p), "{a:?} {b:?}");
        assert!(close(a.params.q, b.params.q), "{a:?} {b:?}");
        assert!(close(a.params.gamma, b.params.gamma), "{a:?} {b:?}");
        assert!(close(a.log_likelihood, b.log_likelihood), "{a:?} {b:?}");
        // Rows that stand for nobody change nothing.
        let mut with_empty = counted.clone();
        with_empty.push(((2.0, 1e6), 0));
        assert_eq!(fit_gamma_gamma_counted(&with_empty), Ok(a));
    }

    #[test]
    fn fit_skips_customers_without_repeat_value() {
        let mut with_extra = sample();
        with_extra.extend([(0.0, 0.0), (0.0, 12.0), (3.0, 0.0)]);
        assert_eq!(fit_gamma_gamma(&with_extra), fit_gamma_gamma(&sample()));
    }
}
