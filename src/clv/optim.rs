//! A small deterministic BFGS minimiser with a strong-Wolfe line search (Nocedal & Wright,
//! *Numerical Optimization*, algorithms 3.5, 3.6 and 6.1), used on log-parameters.

/// An objective: value and gradient at a point, or `None` where it is not finite.
pub(crate) trait Objective<const N: usize> {
    fn eval(&mut self, x: &[f64; N]) -> Option<(f64, [f64; N])>;
}

/// How a minimisation ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Outcome {
    /// The gradient norm fell below the tolerance, or no further decrease was possible at a
    /// point whose gradient is small.
    Converged,
    /// A coordinate left the box |xᵢ| ≤ `bound` (the supremum is at infinity).
    Diverged,
    /// Iteration limit or a stall far from a stationary point.
    Stalled,
}

/// Result of [`minimize`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Minimum<const N: usize> {
    pub x: [f64; N],
    pub f: f64,
    pub outcome: Outcome,
    /// The final inverse Hessian approximation, when it has had at least N updates (a good
    /// starting matrix for a nearby problem).
    pub inv_hessian: Option<[[f64; N]; N]>,
}

/// A starting point, optionally with an inverse Hessian approximation to trust from the start.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Start<const N: usize> {
    pub x: [f64; N],
    pub inv_hessian: Option<[[f64; N]; N]>,
}

impl<const N: usize> From<[f64; N]> for Start<N> {
    fn from(x: [f64; N]) -> Self {
        Start {
            x,
            inv_hessian: None,
        }
    }
}

/// Settings for [`minimize`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// Converged when max |∂f/∂xᵢ| ≤ this.
    pub gtol: f64,
    /// Converged when the quasi-Newton step −H⁻¹∇f (once H has had N updates) has no
    /// coordinate larger than this: the distance to the optimum in x.
    pub xtol: f64,
    /// Accept a stall (no further decrease possible in floating point) as convergence when
    /// max |∂f/∂xᵢ| ≤ this, or the quasi-Newton step is below 1000 · `xtol`.
    pub gtol_stall: f64,
    /// Give up past this many iterations.
    pub max_iter: usize,
    /// Largest change of any coordinate in one step.
    pub max_step: f64,
    /// Stop as diverged when any |xᵢ| exceeds this.
    pub bound: f64,
}

fn dot<const N: usize>(u: &[f64; N], v: &[f64; N]) -> f64 {
    u.iter().zip(v).map(|(a, b)| a * b).sum()
}

fn inf_norm<const N: usize>(u: &[f64; N]) -> f64 {
    u.iter().fold(0.0_f64, |m, v| m.max(v.abs()))
}

fn axpy<const N: usize>(x: &[f64; N], t: f64, p: &[f64; N]) -> [f64; N] {
    let mut out = *x;
    for (o, d) in out.iter_mut().zip(p) {
        *o += t * d;
    }
    out
}

struct Point<const N: usize> {
    t: f64,
    x: [f64; N],
    f: f64,
    g: [f64; N],
    /// directional derivative g·p
    d: f64,
}

/// Evaluate along the ray; a non-finite objective is reported as `None`.
fn probe<const N: usize, O: Objective<N>>(
    obj: &mut O,
    x0: &[f64; N],
    p: &[f64; N],
    t: f64,
) -> Option<Point<N>> {
    let x = axpy(x0, t, p);
    let (f, g) = obj.eval(&x)?;
    if !f.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let d = dot(&g, p);
    Some(Point { t, x, f, g, d })
}

/// Minimiser of the cubic through (t0, f0, d0), (t1, f1, d1), kept inside the interval with a
/// safeguard; bisection when the cubic is degenerate.
fn cubic_step(t0: f64, f0: f64, d0: f64, t1: f64, f1: f64, d1: f64) -> f64 {
    let (lo, hi) = if t0 < t1 { (t0, t1) } else { (t1, t0) };
    let mid = 0.5 * (t0 + t1);
    let d1_ = d0 + d1 - 3.0 * (f0 - f1) / (t0 - t1);
    let disc = d1_ * d1_ - d0 * d1;
    if disc.is_nan() || disc < 0.0 {
        return mid;
    }
    let d2 = (t1 - t0).signum() * disc.sqrt();
    let denom = d1 - d0 + 2.0 * d2;
    if denom == 0.0 || !denom.is_finite() {
        return mid;
    }
    let t = t1 - (t1 - t0) * (d1 + d2 - d1_) / denom;
    let margin = 0.1 * (hi - lo);
    if !t.is_finite() || t < lo + margin || t > hi - margin {
        mid
    } else {
        t
    }
}

const C1: f64 = 1e-4;
const C2: f64 = 0.9;

/// Hager & Zhang's approximate Wolfe conditions, for steps whose change in f is below what
/// f can resolve in floating point: f no more than a rounding error above f0, and the
/// directional derivative reduced to within (2δ − 1)·d0 ≥ d ≥ C2·d0 (δ = 0.1). Near the
/// optimum the gradient stays accurate after f has stopped resolving progress, so this lets
/// the search converge to the precision of the gradient.
fn approx_wolfe<const N: usize>(cur: &Point<N>, f0: f64, d0: f64) -> bool {
    cur.f <= f0 + 1e-14 * f0.abs() && cur.d >= C2 * d0 && cur.d <= -0.8 * d0
}

/// Strong-Wolfe line search from `start` (t = 0) along `p` with first trial `t1`.
fn line_search<const N: usize, O: Objective<N>>(
    obj: &mut O,
    start: &Point<N>,
    p: &[f64; N],
    t1: f64,
) -> Option<Point<N>> {
    let x0 = start.x;
    let (f0, d0) = (start.f, start.d);
    let mut prev = Point {
        t: 0.0,
        x: x0,
        f: f0,
        g: start.g,
        d: d0,
    };
    let mut t = t1;
    for i in 0..30 {
        let cur = match probe(obj, &x0, p, t) {
            Some(c) => c,
            None => {
                // Not finite there: shrink towards the last good point.
                t = prev.t + 0.25 * (t - prev.t);
                if t - prev.t <= 1e-16 * t1 {
                    return None;
                }
                continue;
            }
        };
        if approx_wolfe(&cur, f0, d0) {
            return Some(cur);
        }
        if cur.f > f0 + C1 * cur.t * d0 || (i > 0 && cur.f >= prev.f) {
            return zoom(obj, &x0, p, f0, d0, prev, cur);
        }
        if cur.d.abs() <= -C2 * d0 {
            return Some(cur);
        }
        if cur.d >= 0.0 {
            return zoom(obj, &x0, p, f0, d0, cur, prev);
        }
        let next = 2.0 * cur.t;
        prev = cur;
        t = next;
    }
    // Still descending after many expansions: take the best point found.
    (prev.t > 0.0).then_some(prev)
}

fn zoom<const N: usize, O: Objective<N>>(
    obj: &mut O,
    x0: &[f64; N],
    p: &[f64; N],
    f0: f64,
    d0: f64,
    mut lo: Point<N>,
    mut hi: Point<N>,
) -> Option<Point<N>> {
    for _ in 0..20 {
        let t = cubic_step(lo.t, lo.f, lo.d, hi.t, hi.f, hi.d);
        if (hi.t - lo.t).abs() <= 1e-14 * lo.t.abs().max(hi.t.abs()) {
            break;
        }
        let Some(cur) = probe(obj, x0, p, t) else {
            hi = Point {
                t,
                x: hi.x,
                f: f64::INFINITY,
                g: hi.g,
                d: f64::NAN,
            };
            // cubic_step falls back to bisection when values are not finite
            continue;
        };
        if approx_wolfe(&cur, f0, d0) {
            return Some(cur);
        }
        if cur.f > f0 + C1 * cur.t * d0 || cur.f >= lo.f {
            hi = cur;
        } else {
            if cur.d.abs() <= -C2 * d0 {
                return Some(cur);
            }
            if cur.d * (hi.t - lo.t) >= 0.0 {
                hi = lo;
            }
            lo = cur;
        }
    }
    // Interval exhausted: the low end is the best sufficient-decrease point found, if any.
    (lo.t > 0.0 && lo.f < f0).then_some(lo)
}

/// Minimise `obj` from `start` by BFGS. Deterministic.
pub(crate) fn minimize<const N: usize, O: Objective<N>>(
    obj: &mut O,
    start: Start<N>,
    settings: &Settings,
) -> Option<Minimum<N>> {
    let x0 = start.x;
    let (f, g) = obj.eval(&x0)?;
    if !f.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut cur = Point {
        t: 0.0,
        x: x0,
        f,
        g,
        d: 0.0,
    };
    let identity = {
        let mut m = [[0.0; N]; N];
        for (i, row) in m.iter_mut().enumerate() {
            if let Some(v) = row.get_mut(i) {
                *v = 1.0;
            }
        }
        m
    };
    // inverse Hessian approximation and the number of updates since it was last reset
    let (mut h, mut updates) = match start.inv_hessian {
        Some(h0) if h0.iter().flatten().all(|v| v.is_finite()) => (h0, N),
        _ => (identity, 0usize),
    };
    let mut tiny_steps = 0usize;
    let done = |x: [f64; N], f: f64, outcome, h: [[f64; N]; N], updates: usize| {
        Some(Minimum {
            x,
            f,
            outcome,
            inv_hessian: (updates >= N).then_some(h),
        })
    };
    for _ in 0..settings.max_iter {
        if inf_norm(&cur.g) <= settings.gtol {
            return done(cur.x, cur.f, Outcome::Converged, h, updates);
        }
        let mut p = [0.0; N];
        for (pi, row) in p.iter_mut().zip(&h) {
            *pi = -dot(row, &cur.g);
        }
        let mut d = dot(&p, &cur.g);
        if d.is_nan() || d >= 0.0 {
            h = identity;
            updates = 0;
            p = cur.g.map(|v| -v);
            d = dot(&p, &cur.g);
        }
        let newton_ok = updates >= N;
        let pn = inf_norm(&p);
        if newton_ok && pn <= settings.xtol {
            return done(cur.x, cur.f, Outcome::Converged, h, updates);
        }
        cur.d = d;
        cur.t = 0.0;
        let t1 = if pn > settings.max_step {
            settings.max_step / pn
        } else {
            1.0
        };
        let Some(next) = line_search(obj, &cur, &p, t1) else {
            if updates == 0 {
                let outcome = if inf_norm(&cur.g) <= settings.gtol_stall {
                    Outcome::Converged
                } else {
                    Outcome::Stalled
                };
                return done(cur.x, cur.f, outcome, h, updates);
            }
            if newton_ok && pn <= 1e3 * settings.xtol {
                // at the floating-point floor of f, already close to the optimum
                return done(cur.x, cur.f, Outcome::Converged, h, updates);
            }
            h = identity;
            updates = 0;
            continue;
        };
        let mut s = [0.0; N];
        let mut y = [0.0; N];
        for i in 0..N {
            if let (Some(si), Some(yi), Some(xn), Some(xo), Some(gn), Some(go)) = (
                s.get_mut(i),
                y.get_mut(i),
                next.x.get(i),
                cur.x.get(i),
                next.g.get(i),
                cur.g.get(i),
            ) {
                *si = xn - xo;
                *yi = gn - go;
            }
        }
        let sy = dot(&s, &y);
        let yy = dot(&y, &y);
        if sy > 1e-12 * dot(&s, &s).sqrt() * yy.sqrt() && sy > 0.0 {
            if updates == 0 {
                // Scale the initial inverse Hessian (Nocedal & Wright eq. 6.20).
                let scale = sy / yy;
                for row in h.iter_mut() {
                    for v in row.iter_mut() {
                        *v *= scale;
                    }
                }
            }
            updates += 1;
            // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
            let rho = 1.0 / sy;
            let mut hy = [0.0; N];
            for (o, row) in hy.iter_mut().zip(&h) {
                *o = dot(row, &y);
            }
            let yhy = dot(&y, &hy);
            for (i, row) in h.iter_mut().enumerate() {
                for (j, v) in row.iter_mut().enumerate() {
                    let (si, sj) = (s.get(i).copied(), s.get(j).copied());
                    let (hyi, hyj) = (hy.get(i).copied(), hy.get(j).copied());
                    if let (Some(si), Some(sj), Some(hyi), Some(hyj)) = (si, sj, hyi, hyj) {
                        *v += -rho * (hyi * sj + si * hyj) + (rho * rho * yhy + rho) * si * sj;
                    }
                }
            }
        }
        // Progress at the floating-point floor of f: stop rather than crawl.
        let negligible = cur.f - next.f <= 1e-15 * (1.0 + cur.f.abs());
        cur = next;
        if negligible {
            tiny_steps += 1;
            if tiny_steps >= 3 && newton_ok && pn <= 1e3 * settings.xtol {
                return done(cur.x, cur.f, Outcome::Converged, h, updates);
            }
            if tiny_steps >= 5 {
                let outcome = if inf_norm(&cur.g) <= settings.gtol_stall {
                    Outcome::Converged
                } else {
                    Outcome::Stalled
                };
                return done(cur.x, cur.f, outcome, h, updates);
            }
        } else {
            tiny_steps = 0;
        }
        if cur.x.iter().any(|v| v.abs() > settings.bound) {
            return done(cur.x, cur.f, Outcome::Diverged, h, updates);
        }
    }
    let outcome = if inf_norm(&cur.g) <= settings.gtol_stall {
        Outcome::Converged
    } else {
        Outcome::Stalled
    };
    done(cur.x, cur.f, outcome, h, updates)
}

/// Result of [`multi_start`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Search<const N: usize> {
    /// A converged minimum: the first one accepted by `interior`, else the best converged one.
    Found(Minimum<N>),
    /// No run converged and at least one left the box: the supremum is at infinity.
    Diverged,
    /// No run converged.
    Failed,
}

/// Minimise from each start in turn until a run converges to a point `interior` accepts.
/// Deterministic.
pub(crate) fn multi_start<const N: usize, O: Objective<N>>(
    obj: &mut O,
    starts: &[Start<N>],
    settings: &Settings,
    interior: impl Fn(&[f64; N]) -> bool,
) -> Search<N> {
    let mut best: Option<Minimum<N>> = None;
    let mut diverged = false;
    for &start in starts {
        let Some(m) = minimize(obj, start, settings) else {
            continue;
        };
        match m.outcome {
            Outcome::Converged if interior(&m.x) => return Search::Found(m),
            Outcome::Converged => {
                if best.is_none_or(|b| m.f < b.f) {
                    best = Some(m);
                }
            }
            Outcome::Diverged => diverged = true,
            Outcome::Stalled => {}
        }
    }
    match best {
        Some(m) => Search::Found(m),
        None if diverged => Search::Diverged,
        None => Search::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rosenbrock;
    impl Objective<2> for Rosenbrock {
        fn eval(&mut self, x: &[f64; 2]) -> Option<(f64, [f64; 2])> {
            let [a, b] = *x;
            let f = (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2);
            let g = [
                -2.0 * (1.0 - a) - 400.0 * a * (b - a * a),
                200.0 * (b - a * a),
            ];
            Some((f, g))
        }
    }

    #[test]
    fn bfgs_solves_rosenbrock() {
        let s = Settings {
            gtol: 1e-10,
            xtol: 1e-10,
            gtol_stall: 1e-6,
            max_iter: 500,
            max_step: 10.0,
            bound: 50.0,
        };
        let m = minimize(&mut Rosenbrock, [-1.2, 1.0].into(), &s).expect("finite start");
        assert_eq!(m.outcome, Outcome::Converged);
        assert!((m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8);
    }

    struct Runaway;
    impl Objective<1> for Runaway {
        fn eval(&mut self, x: &[f64; 1]) -> Option<(f64, [f64; 1])> {
            // decreasing forever: e^(−x)
            let e = (-x[0]).exp();
            Some((e, [-e]))
        }
    }

    #[test]
    fn bfgs_reports_divergence() {
        let s = Settings {
            gtol: 1e-14,
            xtol: 1e-14,
            gtol_stall: 1e-14,
            max_iter: 500,
            max_step: 3.0,
            bound: 20.0,
        };
        let m = minimize(&mut Runaway, [0.0].into(), &s).expect("finite start");
        assert_eq!(m.outcome, Outcome::Diverged);
    }
}
