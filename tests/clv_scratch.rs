use cohortlens::clv::{fit_bgnbd, fit_gamma_gamma};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Distribution, Exp, Gamma};

fn sim(n: usize, seed: u64) -> (Vec<(f64, f64, f64)>, Vec<(f64, f64)>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let lam = Gamma::new(0.6, 1.0 / 8.0).unwrap();
    let pd = Beta::new(0.8, 4.0).unwrap();
    let nu = Gamma::new(3.0, 1.0 / 60.0).unwrap();
    let mut bg = Vec::new();
    let mut gg = Vec::new();
    for _ in 0..n {
        let l: f64 = lam.sample(&mut rng);
        let p: f64 = pd.sample(&mut rng);
        let t_obs: f64 = rng.random_range(52.0..104.0);
        let v: f64 = nu.sample(&mut rng);
        let val = Gamma::new(4.0, 1.0 / v).unwrap();
        let ex = Exp::new(l).unwrap();
        let (mut t, mut x, mut tx, mut sum) = (0.0, 0.0, 0.0, 0.0);
        loop {
            t += ex.sample(&mut rng);
            if t > t_obs {
                break;
            }
            x += 1.0;
            tx = t;
            sum += val.sample(&mut rng);
            if rng.random::<f64>() < p {
                break;
            }
        }
        bg.push((x, tx, t_obs));
        if x > 0.0 {
            gg.push((x, sum / x));
        }
    }
    (bg, gg)
}

#[test]
fn scratch() {
    for &n in &[50_000usize] {
        for seed in 4..=4u64 {
            let (bg, gg) = sim(n, seed);
            let t0 = std::time::Instant::now();
            let f = fit_bgnbd(&bg).unwrap().params;
            let t1 = t0.elapsed();
            let g = fit_gamma_gamma(&gg).unwrap().params;
            println!("n={n} seed={seed} r {:+.3} alpha {:+.3} a {:+.3} b {:+.3} | p {:+.3} q {:+.3} g {:+.3}  ({:?}, ngg={})",
                f.r/0.6-1.0, f.alpha/8.0-1.0, f.a/0.8-1.0, f.b/4.0-1.0, g.p/4.0-1.0, g.q/3.0-1.0, g.gamma/60.0-1.0, t1, gg.len());
        }
    }
}
