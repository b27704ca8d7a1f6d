//! Parameter recovery and speed of the CLV fits (SPEC §9) on data simulated from known
//! BG/NBD and Gamma-Gamma processes with a seeded RNG.

use cohortlens::clv::{fit_bgnbd, fit_gamma_gamma, BgNbd, GammaGamma};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Distribution, Exp, Gamma};
use std::time::Instant;

const TRUE_BG: BgNbd = BgNbd {
    r: 0.6,
    alpha: 8.0,
    a: 0.8,
    b: 4.0,
};
const TRUE_GG: GammaGamma = GammaGamma {
    p: 4.0,
    q: 3.0,
    gamma: 60.0,
};

/// Per customer (x, t_x, T) in weeks and, for x ≥ 1, (x, mean repeat value).
struct Sample {
    bg: Vec<(f64, f64, f64)>,
    gg: Vec<(f64, f64)>,
}

/// `n` customers born uniformly 52–104 weeks before the end of observation. Each has a rate
/// λ ~ Gamma(r, α), a dropout probability p ~ Beta(a, b) applied after every repeat purchase
/// (never at the first), and a spend scale ν ~ Gamma(q, γ) with each repeat purchase worth
/// Gamma(p, ν). Times are continuous.
fn simulate(n: usize, seed: u64) -> Sample {
    let mut rng = SmallRng::seed_from_u64(seed);
    let rate = Gamma::new(TRUE_BG.r, 1.0 / TRUE_BG.alpha).expect("valid gamma");
    let dropout = Beta::new(TRUE_BG.a, TRUE_BG.b).expect("valid beta");
    let spend_scale = Gamma::new(TRUE_GG.q, 1.0 / TRUE_GG.gamma).expect("valid gamma");
    let mut bg = Vec::with_capacity(n);
    let mut gg = Vec::with_capacity(n);
    for _ in 0..n {
        let lambda: f64 = rate.sample(&mut rng);
        let p: f64 = dropout.sample(&mut rng);
        let nu: f64 = spend_scale.sample(&mut rng);
        let age: f64 = rng.random_range(52.0..104.0);
        let (mut t, mut x, mut tx, mut spent) = (0.0, 0.0, 0.0, 0.0);
        if let (Ok(gap), Ok(value)) = (Exp::new(lambda), Gamma::new(TRUE_GG.p, 1.0 / nu)) {
            loop {
                t += gap.sample(&mut rng);
                if t > age {
                    break;
                }
                x += 1.0;
                tx = t;
                spent += value.sample(&mut rng);
                if rng.random::<f64>() < p {
                    break;
                }
            }
        }
        bg.push((x, tx, age));
        if x > 0.0 {
            gg.push((x, spent / x));
        }
    }
    Sample { bg, gg }
}

fn within(name: &str, got: f64, truth: f64, tol: f64) {
    let rel = got / truth - 1.0;
    assert!(
        rel.abs() <= tol,
        "{name} = {got}, truth {truth} ({:+.2}%)",
        rel * 100.0
    );
}

/// Sample size: the fit's relative standard errors for this design, from the observed
/// information at the truth, are at 100,000 customers r 0.58 %, α 0.83 %, a 2.2 %, b 2.9 %,
/// and (75,000 repeat customers) p 1.8 %, q 0.73 %, γ 2.4 %. With 300,000 customers b's is
/// 1.7 % and γ's 1.4 %, so a 5 % band is at least 3 standard errors for every parameter.
/// Checked over seeds 1–30 (release build): all 30 pass, the largest errors being
/// r 0.8 %, α 1.2 %, a 3.4 %, b 3.3 %, p 2.9 %, q 0.8 %, γ 4.1 %. The seed below is simply
/// today's date. SmallRng is deterministic for the locked `rand` version on 64-bit targets.
const CUSTOMERS: usize = 300_000;

#[test]
fn clv_recovers_simulated_parameters() {
    let start = Instant::now();
    let sample = simulate(CUSTOMERS, 20_251_122);
    let simulated = start.elapsed();
    let bg = fit_bgnbd(&sample.bg).expect("BG/NBD fit");
    let gg = fit_gamma_gamma(&sample.gg).expect("Gamma-Gamma fit");
    eprintln!(
        "simulated {CUSTOMERS} in {simulated:?}, fitted in {:?}: {:?} {:?}",
        start.elapsed() - simulated,
        bg.params,
        gg.params
    );
    let p = bg.params;
    within("r", p.r, TRUE_BG.r, 0.05);
    within("alpha", p.alpha, TRUE_BG.alpha, 0.05);
    within("a", p.a, TRUE_BG.a, 0.05);
    within("b", p.b, TRUE_BG.b, 0.05);
    let g = gg.params;
    within("p", g.p, TRUE_GG.p, 0.05);
    within("q", g.q, TRUE_GG.q, 0.05);
    within("gamma", g.gamma, TRUE_GG.gamma, 0.05);
    // the maximum is at least as high as the truth
    let ll_truth: f64 = sample
        .bg
        .iter()
        .map(|&(x, tx, t)| TRUE_BG.log_likelihood(x, tx, t))
        .sum();
    assert!(bg.log_likelihood >= ll_truth);
    let ll_truth: f64 = sample
        .gg
        .iter()
        .map(|&(x, m)| TRUE_GG.log_likelihood(x, m))
        .sum();
    assert!(gg.log_likelihood >= ll_truth);
}
