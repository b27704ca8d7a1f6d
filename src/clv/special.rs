//! Special functions used by the CLV models: ln Γ, digamma, the Gauss hypergeometric series
//! and the BG/NBD "expected purchases while alive" integral.
//!
//! Nothing here panics: out-of-domain arguments give `NaN` or `None`.

/// ln Γ(x) for x > 0 (the only arguments the models use).
#[inline]
pub(crate) fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// Digamma ψ(x) = d/dx ln Γ(x) for x > 0; `NaN` otherwise.
///
/// Upward recurrence to x ≥ 10, then the asymptotic series through the B₁₂ term
/// (truncation error below 1e-15).
pub(crate) fn digamma(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return f64::NAN;
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * 691.0 / 32760.0)))));
    acc + x.ln() - 0.5 * inv - series
}

/// ln(eᵘ + eᵛ) without overflow or underflow.
#[inline]
pub(crate) fn log_add_exp(u: f64, v: f64) -> f64 {
    let (hi, lo) = if u >= v { (u, v) } else { (v, u) };
    if lo == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// Most series terms summed before the remainder is estimated geometrically.
const MAX_TERMS: usize = 2_000_000;

/// The Gauss hypergeometric function ₂F₁(a, b; c; z) by its power series, for |z| < 1.
///
/// Returns `None` when an argument is not finite, |z| ≥ 1, c is a non-positive integer (the
/// series is undefined), or the series overflows. Summation stops once the remainder bound
/// |term|·ρ/(1 − ρ) (ρ the current term ratio) falls below 1e-16 of the sum; after two million
/// terms the remainder is added as a geometric tail. A terminating series (a or b a non-positive
/// integer) is summed exactly.
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if !(a.is_finite() && b.is_finite() && c.is_finite() && z.is_finite()) || z.abs() >= 1.0 {
        return None;
    }
    if c <= 0.0 && c.fract() == 0.0 {
        return None;
    }
    if z == 0.0 {
        return Some(1.0);
    }
    let mut term = 1.0_f64;
    let mut sum = 1.0_f64;
    // Past this index every factor (a+n), (b+n), (c+n) has a fixed sign, so the term ratio
    // varies smoothly and the remainder bound is valid.
    let regular_from = a.abs().max(b.abs()).max(c.abs()) + 2.0;
    let mut n = 0.0_f64;
    for _ in 0..MAX_TERMS {
        let ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        term *= ratio;
        sum += term;
        n += 1.0;
        if !sum.is_finite() {
            return None;
        }
        if term == 0.0 {
            return Some(sum);
        }
        if n > regular_from && ratio.abs() < 1.0 {
            let tail = term.abs() * ratio.abs() / (1.0 - ratio.abs());
            if tail <= 1e-16 * sum.abs() {
                return Some(sum);
            }
        }
    }
    let ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
    if ratio.abs() < 1.0 {
        Some(sum + term * ratio / (1.0 - ratio))
    } else {
        None
    }
}

/// Expected number of purchases in the next `t` units of a customer known to be alive now,
/// whose purchase rate λ ~ Gamma(k, base) and dropout probability p ~ Beta(a, bb):
/// E_p[(1 − (1 + p·t/base)^(−k)) / p].
///
/// This is the BG/NBD conditional expectation (Fader, Hardie & Lee 2005, eq. 10) without the
/// P(alive) factor, (c/(a−1))·[1 − (1−z)^k ₂F₁(k, bb; c; z)] with c = a + bb − 1 and
/// z = t/(base + t). Writing (1−z)^(−k) = Σ (k)ₙ zⁿ/n! and subtracting the ₂F₁ series term by
/// term gives a series of positive terms only:
///
/// (1−z)^k Σ_{n≥1} (k)ₙ/n! · zⁿ · Gₙ,  Gₙ = Σ_{j<n} (bb)ⱼ/(c+1)ⱼ,
///
/// with no cancellation, no removable singularity at a = 1 or c ∈ {0, −1, …} (c + 1 = a + bb
/// is always positive), and terms kept finite by rescaling. Returns `NaN` for invalid arguments.
pub(crate) fn expected_while_alive(k: f64, a: f64, bb: f64, base: f64, t: f64) -> f64 {
    let valid = k > 0.0 && a > 0.0 && bb > 0.0 && base > 0.0 && t >= 0.0;
    if !(valid && k.is_finite() && a.is_finite() && bb.is_finite() && base.is_finite()) {
        return f64::NAN;
    }
    if t == 0.0 {
        return 0.0;
    }
    if t == f64::INFINITY {
        // E[1/p]: finite only for a > 1.
        return if a > 1.0 {
            (a + bb - 1.0) / (a - 1.0)
        } else {
            f64::INFINITY
        };
    }
    let s = t / base;
    // ln(1 − z) = −ln(1 + s)
    let l = -s.ln_1p();
    let z = s / (1.0 + s);
    let c = a + bb - 1.0;

    // term_n = A_n·G_n with A_n = (k)_n zⁿ/n!, G_n = G_{n−1} + Q_{n−1}, Q_j = (bb)_j/(c+1)_j.
    // Everything is scaled by e^(−log_scale) to stay finite.
    const RESCALE: f64 = 1e200;
    let ln_rescale = RESCALE.ln();
    let mut log_scale = 0.0_f64;
    let mut big_a = k * z; // A_1
    let mut q = 1.0_f64; // Q_0 (unscaled: Q_j ≤ 1 always)
    let mut g = 1.0_f64; // G_1 = Q_0
    let mut sum = big_a * g;
    let mut n = 1.0_f64;
    let mut converged = false;
    let mut ratio = z;
    for _ in 0..MAX_TERMS {
        // step n → n+1
        q *= (bb + n - 1.0) / (c + n); // Q_n
        let g_next = g + q;
        let a_next = big_a * (k + n) / (n + 1.0) * z;
        let prev = big_a * g;
        let term = a_next * g_next;
        ratio = if prev > 0.0 { term / prev } else { 0.0 };
        big_a = a_next;
        g = g_next;
        sum += term;
        n += 1.0;
        if term == 0.0 {
            converged = true;
            break;
        }
        let rho = ratio.max(z);
        if n > k + 2.0 && rho < 1.0 && term * rho / (1.0 - rho) <= 1e-17 * sum {
            converged = true;
            break;
        }
        if sum > RESCALE {
            sum /= RESCALE;
            big_a /= RESCALE;
            log_scale += ln_rescale;
        }
    }
    let h = if converged {
        (k * l + log_scale).exp() * sum
    } else {
        // Only when k/(1 − z) is enormous (e.g. T = 0 with a tiny α and a long horizon):
        // quadrature, else the series with a geometric estimate of its remainder.
        let q = expected_while_alive_quadrature(k, a, bb, s);
        let rho = ratio.max(z);
        if q.is_finite() {
            q
        } else if rho < 1.0 {
            (k * l + log_scale).exp() * (sum + big_a * g * rho / (1.0 - rho))
        } else {
            f64::NAN
        }
    };
    if !h.is_finite() {
        return f64::NAN;
    }
    // 0 ≤ (1 − (1+ps)^−k)/p ≤ k·s for every p (Bernoulli), so clamp rounding noise.
    h.clamp(0.0, k * s)
}

/// [`expected_while_alive`] at every horizon in `ts` (each ≥ 0), for one customer: the series
/// (1−z)^k Σ cₙ zⁿ has coefficients cₙ = (k)ₙ/n!·Gₙ that do not depend on the horizon, so they
/// are computed once (enough for the largest z) and each horizon costs one Horner pass.
/// Falls back to one [`expected_while_alive`] call per horizon when the coefficients would need
/// rescaling or more than 100,000 terms.
pub(crate) fn expected_while_alive_many(
    k: f64,
    a: f64,
    bb: f64,
    base: f64,
    ts: &[f64],
) -> Vec<f64> {
    let pointwise = || {
        ts.iter()
            .map(|&t| expected_while_alive(k, a, bb, base, t))
            .collect()
    };
    let valid = k > 0.0 && a > 0.0 && bb > 0.0 && base > 0.0;
    let finite = k.is_finite() && a.is_finite() && bb.is_finite() && base.is_finite();
    let t_max = ts.iter().fold(0.0_f64, |m, &t| m.max(t));
    if !(valid && finite && t_max.is_finite()) || ts.iter().any(|t| t.is_nan() || *t < 0.0) {
        return pointwise();
    }
    if t_max == 0.0 {
        return vec![0.0; ts.len()];
    }
    let s_max = t_max / base;
    let z_max = s_max / (1.0 + s_max);
    let c = a + bb - 1.0;
    let mut coef: Vec<f64> = Vec::new();
    // same recurrences as expected_while_alive: P_n = (k)_n/n!, Q, G
    let mut pn = k;
    let mut q = 1.0_f64;
    let mut g = 1.0_f64;
    let mut zn = z_max;
    let mut sum_at_max = pn * g * zn;
    coef.push(pn * g);
    let mut n = 1.0_f64;
    let mut converged = false;
    while coef.len() < 100_000 {
        q *= (bb + n - 1.0) / (c + n);
        g += q;
        pn *= (k + n) / (n + 1.0);
        zn *= z_max;
        let cn = pn * g;
        let prev = coef.last().copied().unwrap_or(0.0) * zn / z_max;
        let term = cn * zn;
        coef.push(cn);
        sum_at_max += term;
        n += 1.0;
        if sum_at_max.is_nan() || sum_at_max >= 1e250 || !cn.is_finite() {
            return pointwise();
        }
        if term == 0.0 {
            converged = true;
            break;
        }
        let ratio = if prev > 0.0 { term / prev } else { 0.0 };
        let rho = ratio.max(z_max);
        if n > k + 2.0 && rho < 1.0 && term * rho / (1.0 - rho) <= 1e-17 * sum_at_max {
            converged = true;
            break;
        }
    }
    if !converged {
        return pointwise();
    }
    ts.iter()
        .map(|&t| {
            if t == 0.0 {
                return 0.0;
            }
            let s = t / base;
            let z = s / (1.0 + s);
            // Horner: Σ_{n≥1} c_n zⁿ = z·(c_1 + z·(c_2 + …))
            let poly = coef.iter().rev().fold(0.0, |acc, &cn| acc * z + cn) * z;
            let h = (-k * s.ln_1p()).exp() * poly;
            if h.is_finite() {
                h.clamp(0.0, k * s)
            } else {
                expected_while_alive(k, a, bb, base, t)
            }
        })
        .collect()
}

/// The same expectation as [`expected_while_alive`] by tanh-sinh quadrature of
/// ∫₀¹ (1 − (1+ps)^−k)/p · Beta(p; a, bb) dp after the substitution p = u^(1/a), which removes
/// the p^(a−1) endpoint singularity. Used where the series would need too many terms.
pub(crate) fn expected_while_alive_quadrature(k: f64, a: f64, bb: f64, s: f64) -> f64 {
    let ln_norm = a.ln() + ln_gamma(a) + ln_gamma(bb) - ln_gamma(a + bb);
    let integrand = |u: f64, one_minus_u: f64| -> f64 {
        let ln_u = if u < 0.5 {
            u.ln()
        } else {
            (-one_minus_u).ln_1p()
        };
        let p = (ln_u / a).exp();
        let one_minus_p = -(ln_u / a).exp_m1();
        let f = if p == 0.0 {
            k * s
        } else {
            -(-k * (p * s).ln_1p()).exp_m1() / p
        };
        if one_minus_p <= 0.0 {
            return 0.0;
        }
        let w = ((bb - 1.0) * one_minus_p.ln() - ln_norm).exp();
        f * w
    };
    // A fallback for extreme inputs: accept what the quadrature can resolve.
    match tanh_sinh01(integrand, 1e-12) {
        Some((v, change)) if change <= 1e-6 => v,
        _ => f64::NAN,
    }
}

/// ∫₀¹ g(u) du by tanh-sinh (double exponential) quadrature, refined level by level (up to
/// 12 halvings of the step) until two successive estimates agree to `rel_tol`. `g` receives
/// (u, 1 − u), both accurate near the ends. Returns the estimate with the relative change of
/// the last refinement (an error estimate), or `None` when the sum is not finite.
fn tanh_sinh01(g: impl Fn(f64, f64) -> f64, rel_tol: f64) -> Option<(f64, f64)> {
    use std::f64::consts::FRAC_PI_2;
    // Terms beyond |t| = 6.5 have u or 1 − u below 1e-300.
    const T_MAX: f64 = 6.5;
    let node = |t: f64| -> f64 {
        let v = FRAC_PI_2 * t.sinh();
        let e = (-2.0 * v.abs()).exp();
        // u and 1 − u without cancellation
        let (small, large) = (e / (1.0 + e), 1.0 / (1.0 + e));
        let (u, one_minus_u) = if v >= 0.0 {
            (large, small)
        } else {
            (small, large)
        };
        if u <= 0.0 || one_minus_u <= 0.0 {
            return 0.0;
        }
        // du/dt = (π/4) cosh t · sech²(v), written with e = e^(−2|v|)
        let weight = FRAC_PI_2 * t.cosh() * 2.0 * e / ((1.0 + e) * (1.0 + e));
        g(u, one_minus_u) * weight
    };
    let mut h = 0.5_f64;
    let mut sum = node(0.0);
    let mut j = 1.0_f64;
    while j * h <= T_MAX {
        sum += node(j * h) + node(-j * h);
        j += 1.0;
    }
    let mut estimate = sum * h;
    let mut change = f64::INFINITY;
    for level in 1..=12 {
        h *= 0.5;
        // new nodes: odd multiples of h
        let mut j = 1.0_f64;
        while j * h <= T_MAX {
            sum += node(j * h) + node(-j * h);
            j += 2.0;
        }
        let next = sum * h;
        if !next.is_finite() {
            return None;
        }
        change = (next - estimate).abs() / next.abs().max(f64::MIN_POSITIVE);
        estimate = next;
        if level >= 3 && change <= rel_tol {
            break;
        }
    }
    Some((estimate, change))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_known_values() {
        let euler = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + euler).abs() < 1e-14);
        assert!((digamma(0.5) + euler + 2.0 * 2f64.ln()).abs() < 1e-14);
        assert!((digamma(10.0) - 2.251_752_589_066_721).abs() < 1e-14);
        // recurrence ψ(x+1) = ψ(x) + 1/x at a tiny argument
        let x = 1e-4;
        assert!(((digamma(x + 1.0) - digamma(x)) * x - 1.0).abs() < 1e-12);
        assert!(digamma(0.0).is_nan());
        assert!(digamma(f64::NAN).is_nan());
    }

    #[test]
    fn digamma_matches_numeric_derivative_of_lgamma() {
        for &x in &[0.013_f64, 0.3, 0.9, 2.5, 7.7, 12.0, 150.0, 4321.0] {
            let h = 1e-5 * x.max(1.0);
            let num = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!((digamma(x) - num).abs() < 1e-6 * (1.0 + num.abs()), "x={x}");
        }
    }

    #[test]
    fn hyp2f1_closed_forms() {
        // 2F1(1,1;2;z) = −ln(1−z)/z
        for &z in &[-0.9, -0.3, 0.1, 0.5, 0.9, 0.99] {
            let f = hyp2f1(1.0, 1.0, 2.0, z).unwrap_or(f64::NAN);
            let exact = -(-z).ln_1p() / z;
            assert!(
                (f - exact).abs() < 1e-13 * exact.abs(),
                "z={z}: {f} vs {exact}"
            );
        }
        // 2F1(a,b;b;z) = (1−z)^−a
        let f = hyp2f1(0.7, 2.5, 2.5, 0.8).unwrap_or(f64::NAN);
        assert!((f - 0.2f64.powf(-0.7)).abs() < 1e-13);
        // terminating: 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
        let (b, c, z) = (1.5, 3.0, 0.4);
        let exact = 1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0));
        assert!((hyp2f1(-2.0, b, c, z).unwrap_or(f64::NAN) - exact).abs() < 1e-15);
        assert_eq!(hyp2f1(1.0, 1.0, 0.0, 0.5), None);
        assert_eq!(hyp2f1(1.0, 1.0, -3.0, 0.5), None);
        assert_eq!(hyp2f1(1.0, 1.0, 2.0, 1.0), None);
        assert_eq!(hyp2f1(f64::NAN, 1.0, 2.0, 0.5), None);
    }

    #[test]
    fn expected_while_alive_matches_brute_force() {
        // includes a = 1 exactly and a + bb − 1 ≤ 0 (both removable singularities of eq. 10)
        let cases = [
            (2.243, 0.793, 4.426, 43.27, 39.0),
            (0.5, 1.0, 3.0, 10.0, 52.0),
            (0.3, 0.3, 0.5, 2.0, 20.0),
            (5.5, 5.3, 27.4, 9.0, 52.0),
            (1.2, 2.5, 1.2, 1.0, 364.0),
        ];
        for &(k, a, bb, base, t) in &cases {
            let got = expected_while_alive(k, a, bb, base, t);
            let want = expected_while_alive_quadrature(k, a, bb, t / base);
            assert!(
                (got - want).abs() < 1e-10 * want,
                "{k} {a} {bb} {base} {t}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn expected_while_alive_matches_equation_10() {
        // Where eq. 10 is regular (a ≠ 1, c not a non-positive integer) the literal formula
        // with the general series agrees.
        for &(k, a, bb, base, t) in &[
            (2.243, 0.793, 4.426, 43.27, 39.0),
            (0.6, 1.7, 4.0, 8.0, 104.0),
            (3.0, 0.5, 0.2, 0.5, 10.0),
        ] {
            let c = a + bb - 1.0;
            let z = t / (base + t);
            let f = hyp2f1(k, bb, c, z).unwrap_or(f64::NAN);
            let eq10 = c / (a - 1.0) * (1.0 - (base / (base + t)).powf(k) * f);
            let got = expected_while_alive(k, a, bb, base, t);
            assert!((got - eq10).abs() < 1e-10 * eq10.abs(), "{got} vs {eq10}");
        }
    }

    #[test]
    fn expected_while_alive_many_matches_pointwise() {
        let ts: Vec<f64> = (0..=60).map(f64::from).collect();
        for &(k, a, bb, base) in &[
            (2.243, 0.793, 4.426, 43.27),
            (0.5, 1.0, 3.0, 1.0),
            (0.3, 0.3, 0.5, 2.0),
            (40.0, 5.3, 27.4, 9.0),
            (3000.0, 2.0, 1.0, 0.5), // needs rescaling: falls back to pointwise
        ] {
            let many = expected_while_alive_many(k, a, bb, base, &ts);
            assert_eq!(many.len(), ts.len());
            for (&t, &m) in ts.iter().zip(&many) {
                let one = expected_while_alive(k, a, bb, base, t);
                assert!(
                    (m - one).abs() <= 1e-12 * one.abs(),
                    "{k} {a} {bb} {base} {t}: {m} vs {one}"
                );
            }
        }
        assert!(expected_while_alive_many(1.0, 1.0, 1.0, 1.0, &[f64::NAN, 1.0])[0].is_nan());
        assert!(expected_while_alive_many(1.0, 1.0, 1.0, 1.0, &[]).is_empty());
    }

    #[test]
    fn expected_while_alive_edges() {
        assert_eq!(expected_while_alive(1.0, 1.0, 1.0, 1.0, 0.0), 0.0);
        assert!(expected_while_alive(f64::NAN, 1.0, 1.0, 1.0, 1.0).is_nan());
        assert!(expected_while_alive(1.0, 1.0, 1.0, 0.0, 1.0).is_nan());
        assert!(expected_while_alive(1.0, 1.0, 1.0, 1.0, -1.0).is_nan());
        let lim = expected_while_alive(1.0, 2.0, 3.0, 1.0, f64::INFINITY);
        assert!((lim - 4.0).abs() < 1e-15);
        // extreme but valid: z very close to 1 and huge a still give finite values
        for &(k, a, bb, base, t) in &[
            (1e-4, 1e-4, 1e-4, 1e-4, 1e4),
            (1e4, 1e4, 1e4, 1e-4, 1e4),
            (0.5, 1e4, 1e-4, 1.0, 1e4),
            (1e4, 1e-4, 1e4, 1e4, 1e-4),
        ] {
            let v = expected_while_alive(k, a, bb, base, t);
            assert!(v.is_finite() && v >= 0.0, "{k} {a} {bb} {base} {t}: {v}");
        }
    }
}
