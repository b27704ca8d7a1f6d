//! Property tests of the CLV module (SPEC §9): no input reaches a panic, predictions stay in
//! range, and the conditional expectation agrees with the textbook formula (FHL 2005 eq. 10,
//! evaluated with the public ₂F₁ series) wherever that formula is regular.

use cohortlens::clv::{clv, fit_bgnbd, fit_gamma_gamma, hyp2f1, BgNbd, GammaGamma};
use proptest::prelude::*;

/// Any f64, including NaN, infinities, zeros and negatives.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(1.0),
        Just(1e-300),
        Just(1e300),
        -1e6..1e6f64,
        any::<f64>(),
    ]
}

/// Parameters inside the interior range [1e-4, 1e4], log-uniform.
fn param() -> impl Strategy<Value = f64> {
    (-9.2..9.2f64).prop_map(f64::exp)
}

/// A valid customer (x, t_x, T) in weeks.
fn customer() -> impl Strategy<Value = (f64, f64, f64)> {
    (0u32..60, 0.0..1.0f64, 0.0..200.0f64).prop_map(|(x, frac, t)| {
        let x = f64::from(x);
        (x, if x == 0.0 { 0.0 } else { frac * t }, t)
    })
}

proptest! {
    // No regression files: failures print the minimal input, which belongs in a unit test.
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn clv_predictions_never_panic(
        r in any_f64(), alpha in any_f64(), a in any_f64(), b in any_f64(),
        x in any_f64(), tx in any_f64(), t in any_f64(), h in any_f64(),
        p in any_f64(), q in any_f64(), g in any_f64(), m in any_f64(),
    ) {
        let bg = BgNbd { r, alpha, a, b };
        let _ = bg.log_likelihood(x, tx, t);
        let _ = bg.p_alive(x, tx, t);
        let _ = bg.conditional_expected_purchases(h, x, tx, t);
        let _ = bg.expected_purchases(h);
        let _ = bg.p_at_least_one(h, x, tx, t);
        let _ = clv(&bg, x, tx, t, m, 5, 7.0, 0.1);
        let gg = GammaGamma { p, q, gamma: g };
        let _ = gg.expected_average_value(x, m);
        let _ = gg.log_likelihood(x, m);
        let _ = hyp2f1(r, alpha, a, x);
    }

    #[test]
    fn clv_fits_never_panic(
        rows in prop::collection::vec((any_f64(), any_f64(), any_f64()), 0..40),
    ) {
        let _ = fit_bgnbd(&rows);
        let pairs: Vec<(f64, f64)> = rows.iter().map(|&(x, m, _)| (x, m)).collect();
        let _ = fit_gamma_gamma(&pairs);
    }

    #[test]
    fn clv_fits_on_valid_small_data_never_panic(
        rows in prop::collection::vec(customer(), 1..60),
        values in prop::collection::vec(0.01..500.0f64, 60),
    ) {
        if let Ok(fit) = fit_bgnbd(&rows) {
            let p = fit.params;
            prop_assert!([p.r, p.a, p.b].iter().all(|v| (1e-4..=1e4).contains(v)));
            prop_assert!(fit.log_likelihood.is_finite());
        }
        let pairs: Vec<(f64, f64)> =
            rows.iter().zip(&values).map(|(&(x, _, _), &m)| (x, m)).collect();
        if let Ok(fit) = fit_gamma_gamma(&pairs) {
            prop_assert!((1e-4..=1e4).contains(&fit.params.p));
            prop_assert!((1e-4..=1e4).contains(&fit.params.q));
        }
    }

    #[test]
    fn clv_predictions_in_range(
        r in param(), alpha in param(), a in param(), b in param(),
        (x, tx, t) in customer(), h in 0.0..400.0f64,
    ) {
        let bg = BgNbd { r, alpha, a, b };
        let alive = bg.p_alive(x, tx, t);
        prop_assert!((0.0..=1.0).contains(&alive), "pAlive {alive}");
        let e = bg.conditional_expected_purchases(h, x, tx, t);
        prop_assert!(e.is_finite() && e >= 0.0, "E {e}");
        // E[Y] ≤ P(alive)·(r+x)·h/(α+T): an alive customer's posterior mean rate is
        // (r+x)/(α+T) and dropout only lowers it
        prop_assert!(e <= alive * (r + x) * h / (alpha + t) * (1.0 + 1e-9) + 1e-300);
        let once = bg.p_at_least_one(h, x, tx, t);
        prop_assert!((0.0..=1.0).contains(&once) && once <= alive * (1.0 + 1e-12));
        // monotone in the horizon, up to rounding: with r + x in the thousands the series is
        // rescaled by e^(−(r+x)·ln(1+s)) and keeps ~12 digits
        let e2 = bg.conditional_expected_purchases(h + 1.0, x, tx, t);
        prop_assert!(e2 >= e * (1.0 - 1e-10), "not monotone: {e} then {e2}");
    }

    #[test]
    fn clv_conditional_expectation_matches_equation_10(
        r in 0.05..5.0f64, alpha in 0.5..50.0f64, a in 0.05..5.0f64, b in 0.05..20.0f64,
        (x, tx, t) in customer(), h in 0.5..104.0f64,
    ) {
        let c = a + b + x - 1.0;
        // eq. 10 is 0/0 at a = 1 and undefined for c ∈ {0, −1, …}; keep clear of both
        prop_assume!((a - 1.0).abs() > 0.05 && c > 0.05);
        let k = r + x;
        let z = h / (alpha + t + h);
        let f = hyp2f1(k, b + x, c, z);
        prop_assume!(f.is_some());
        let f = f.unwrap_or(f64::NAN);
        let bg = BgNbd { r, alpha, a, b };
        let eq10 = bg.p_alive(x, tx, t) * c / (a - 1.0)
            * (1.0 - ((alpha + t) / (alpha + t + h)).powf(k) * f);
        let got = bg.conditional_expected_purchases(h, x, tx, t);
        // eq. 10 itself loses ~|c/(a−1)|·ε·₂F₁ to cancellation
        let slack = 1e-12 * (c / (a - 1.0)).abs() * f.abs().max(1.0);
        prop_assert!((got - eq10).abs() <= 1e-8 * eq10.abs() + slack,
            "{got} vs eq.10 {eq10}");
    }
}
