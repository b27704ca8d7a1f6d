//! `breakdowns` and `comparisons`: customers grouped by a dimension's value, repurchase rates
//! with Wilson intervals, and two-group differences with Newcombe intervals and a z-test
//! (SPEC §7, §11).

use super::{median, ratio, Context};
use crate::error::{Error, ErrorKind, Result};
use crate::options::{Attribution, BreakdownSpec, CompareSpec};
use crate::orders::DimColumn;
use crate::report::{Breakdown, Comparison, Group};

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Label of the blank value.
pub const BLANK: &str = "(blank)";
/// Label of the merged small groups.
pub const OTHER: &str = "(other)";

/// The value number each buyer is attributed to.
pub(crate) fn attribute(cx: &Context, dim: &DimColumn, attribution: Attribution) -> Vec<u32> {
    cx.customers
        .buyers
        .iter()
        .map(|b| {
            let units = cx.customers.units_of(b);
            let value = |u: &crate::customers::Unit| {
                dim.of_order.get(u.order as usize).copied().unwrap_or(0)
            };
            match attribution {
                Attribution::First => units.first().map_or(0, value),
                Attribution::Mode => {
                    // Most purchases (counting unit, blanks included); ties → seen earliest.
                    let mut counts: Vec<(u32, u32)> = Vec::new();
                    for u in units {
                        let v = value(u);
                        match counts.iter_mut().find(|(x, _)| *x == v) {
                            Some((_, n)) => *n += 1,
                            None => counts.push((v, 1)),
                        }
                    }
                    let best = counts.iter().map(|&(_, n)| n).max().unwrap_or(0);
                    counts
                        .iter()
                        .find(|&&(_, n)| n == best)
                        .map_or(0, |&(v, _)| v)
                }
            }
        })
        .collect()
}

pub(crate) fn find_dimension<'a>(cx: &'a Context, name: &str) -> Result<&'a DimColumn> {
    cx.orders
        .dims
        .iter()
        .find(|d| d.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = cx.orders.dims.iter().map(|d| d.name.as_str()).collect();
            Error::new(
                ErrorKind::UnknownColumn,
                format!("no dimension column {name:?}; dimensions are {names:?}"),
                format!("没有维度列 {name:?}；可用维度：{names:?}"),
            )
            .at(None, Some(name))
        })
}

pub(crate) fn label(dim: &DimColumn, v: u32) -> String {
    if v == 0 {
        BLANK.to_string()
    } else {
        dim.values.text(v)
    }
}

/// Totals of one group of buyers.
#[derive(Default)]
struct Tally {
    customers: u64,
    repeaters: u64,
    purchases: u64,
    revenue: i128,
    gaps: Vec<f64>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.customers += other.customers;
        self.repeaters += other.repeaters;
        self.purchases += other.purchases;
        self.revenue += other.revenue;
        self.gaps.extend(other.gaps);
    }

    fn group(mut self, cx: &Context, value: String) -> Group {
        let n = self.customers as f64;
        let (ci_low, ci_high) = wilson(self.repeaters as f64, n).unzip();
        Group {
            value,
            customers: self.customers,
            repurchase_rate: ratio(self.repeaters as f64, n),
            ci_low,
            ci_high,
            purchases_per_customer: ratio(self.purchases as f64, n),
            revenue_per_customer: cx.money(self.revenue).and_then(|r| ratio(r, n)),
            median_days_to_second: median(&mut self.gaps),
        }
    }
}

fn tallies(cx: &Context, dim: &DimColumn, values: &[u32]) -> Vec<(u32, Tally)> {
    // one slot per value number: they are dense, 0 (blank) first
    let mut by_value: Vec<Tally> = Vec::new();
    by_value.resize_with(dim.values.len().max(1), Tally::default);
    for (b, &v) in cx.customers.buyers.iter().zip(values) {
        let v = v as usize;
        if v >= by_value.len() {
            by_value.resize_with(v + 1, Tally::default);
        }
        let t = &mut by_value[v];
        t.customers += 1;
        t.purchases += u64::from(b.purchases);
        t.revenue += b.revenue;
        if b.purchases >= 2 {
            t.repeaters += 1;
        }
        if let Some(g) = cx.customers.gap_days(b, 1) {
            t.gaps.push(g);
        }
    }
    (0u32..)
        .zip(by_value)
        .filter(|(_, t)| t.customers > 0)
        .collect()
}

fn attribution_name(a: Attribution) -> String {
    match a {
        Attribution::First => "first",
        Attribution::Mode => "mode",
    }
    .into()
}

/// Every requested breakdown (default: every dimension column).
pub fn breakdowns(cx: &Context) -> Result<Vec<Breakdown>> {
    let default = cx.options.attribution;
    let specs: Vec<(String, Attribution)> = match &cx.options.breakdowns {
        Some(list) => list
            .iter()
            .map(|s| match s {
                BreakdownSpec::Name(n) => (n.clone(), default),
                BreakdownSpec::Full {
                    dimension,
                    attribution,
                } => (dimension.clone(), attribution.unwrap_or(default)),
            })
            .collect(),
        None => cx
            .orders
            .dims
            .iter()
            .map(|d| (d.name.clone(), default))
            .collect(),
    };
    specs
        .into_iter()
        .map(|(name, attribution)| {
            let dim = find_dimension(cx, &name)?;
            let values = attribute(cx, dim, attribution);
            let mut groups: Vec<(String, Tally)> = tallies(cx, dim, &values)
                .into_iter()
                .map(|(v, t)| (label(dim, v), t))
                .collect();
            groups.sort_by(|(va, a), (vb, b)| b.customers.cmp(&a.customers).then(va.cmp(vb)));
            let keep = cx.options.max_groups as usize;
            let mut out: Vec<Group> = Vec::with_capacity(keep + 1);
            let mut other: Option<Tally> = None;
            for (i, (value, tally)) in groups.into_iter().enumerate() {
                if i < keep {
                    out.push(tally.group(cx, value));
                } else {
                    other.get_or_insert_with(Tally::default).add(tally);
                }
            }
            if let Some(other) = other {
                out.push(other.group(cx, OTHER.to_string()));
            }
            Ok(Breakdown {
                dimension: name,
                attribution: attribution_name(attribution),
                groups: out,
            })
        })
        .collect()
}

/// Every requested comparison.
pub fn comparisons(cx: &Context) -> Result<Vec<Comparison>> {
    cx.options
        .compare
        .iter()
        .map(|spec| {
            let attribution = spec.attribution.unwrap_or(cx.options.attribution);
            let dim = find_dimension(cx, &spec.dimension)?;
            let values = attribute(cx, dim, attribution);
            let count = |wanted: &str| {
                let (mut n, mut x) = (0u64, 0u64);
                for (b, &v) in cx.customers.buyers.iter().zip(&values) {
                    let matches = if v == 0 {
                        wanted == BLANK || wanted.is_empty()
                    } else {
                        dim.values.get(v) == wanted.as_bytes()
                    };
                    if matches {
                        n += 1;
                        if b.purchases >= 2 {
                            x += 1;
                        }
                    }
                }
                (n, x)
            };
            Ok(comparison(
                spec,
                attribution,
                count(&spec.a),
                count(&spec.b),
            ))
        })
        .collect()
}

/// One comparison (SPEC §7) from each group's (customers, repeat customers): the rates, their
/// difference with its 95 % Newcombe interval and the pooled two-proportion p-value; an empty
/// group leaves the difference, interval and p-value `null` (SPEC §11).
pub fn comparison(
    spec: &CompareSpec,
    attribution: Attribution,
    (na, xa): (u64, u64),
    (nb, xb): (u64, u64),
) -> Comparison {
    let (n1, x1, n2, x2) = (na as f64, xa as f64, nb as f64, xb as f64);
    let both = na > 0 && nb > 0;
    let (ci_low, ci_high) = if both { newcombe(x1, n1, x2, n2) } else { None }.unzip();
    Comparison {
        dimension: spec.dimension.clone(),
        attribution: attribution_name(attribution),
        a: spec.a.clone(),
        b: spec.b.clone(),
        customers_a: na,
        repeat_a: xa,
        rate_a: ratio(x1, n1),
        customers_b: nb,
        repeat_b: xb,
        rate_b: ratio(x2, n2),
        difference: both.then(|| x1 / n1 - x2 / n2),
        ci_low,
        ci_high,
        p_value: both.then(|| two_proportion_p(x1, n1, x2, n2)),
    }
}

/// 95 % Wilson score interval for x successes in n trials.
pub fn wilson(x: f64, n: f64) -> Option<(f64, f64)> {
    if n <= 0.0 {
        return None;
    }
    let p = x / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Newcombe's hybrid score interval (method 10) for p1 − p2.
pub fn newcombe(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<(f64, f64)> {
    let (l1, u1) = wilson(x1, n1)?;
    let (l2, u2) = wilson(x2, n2)?;
    let (p1, p2) = (x1 / n1, x2 / n2);
    let d = p1 - p2;
    Some((
        d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    ))
}

/// Two-sided p-value of the pooled two-proportion z-test; 1 when the pooled proportion is 0
/// or 1 (SPEC §11).
pub fn two_proportion_p(x1: f64, n1: f64, x2: f64, n2: f64) -> f64 {
    let pooled = (x1 + x2) / (n1 + n2);
    if pooled <= 0.0 || pooled >= 1.0 {
        return 1.0;
    }
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    let z = (x1 / n1 - x2 / n2) / se;
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_of_two_in_six() {
        // Computed by hand: centre 0.39838…, half 0.30161…
        let (lo, hi) = wilson(2.0, 6.0).unwrap();
        assert!((lo - 0.096_771_411_105_780_41).abs() < 1e-12, "{lo}");
        assert!((hi - 0.700_006_684_861_608).abs() < 1e-12, "{hi}");
        assert_eq!(wilson(0.0, 0.0), None);
    }

    #[test]
    fn pooled_extremes_give_p_of_one() {
        assert_eq!(two_proportion_p(0.0, 5.0, 0.0, 7.0), 1.0);
        assert_eq!(two_proportion_p(5.0, 5.0, 7.0, 7.0), 1.0);
        let p = two_proportion_p(2.0, 6.0, 2.0, 2.0);
        assert!((p - 0.102_470_434_859_749_37).abs() < 1e-12, "{p}");
    }
}
