//! The figures of SPEC §2–§8, one module each, over the sorted orders and customer facts.

pub mod breakdown;
pub mod churn;
pub mod clv;
pub mod cohort;
pub mod funnel;
pub mod products;
pub mod rates;
pub mod rfm;
pub mod summary;
pub mod values;
pub mod winback;

use crate::customers::Customers;
use crate::intern::Interner;
use crate::options::Options;
use crate::orders::Orders;
use crate::period::day_of;

/// What every metric reads.
pub struct Context<'a> {
    /// Orders before `E`.
    pub orders: &'a Orders,
    /// Customer facts.
    pub customers: &'a Customers,
    /// The analysis options.
    pub options: &'a Options,
}

impl Context<'_> {
    /// Money in the Report: exact micros → nearest f64; `None` without an amount column.
    pub fn money(&self, micros: i128) -> Option<f64> {
        self.orders.has_amount.then(|| to_f64(micros))
    }

    /// Recency of a buyer: whole days from the date of `last` to the date of `E` (SPEC §6).
    pub fn recency(&self, last: i64) -> i64 {
        (day_of(self.orders.as_of) - day_of(last)).max(1)
    }
}

/// Exact micros → the nearest f64 (exact division when |micros| < 2^53).
pub fn to_f64(micros: i128) -> f64 {
    micros as f64 / 1e6
}

/// a / b, `None` for a zero denominator (SPEC §11).
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0).then(|| a / b)
}

/// Percentile `q` ∈ [0, 1] of sorted values by linear interpolation between closest ranks
/// (numpy's default).
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let pos = q * last as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(last);
    let t = pos - lo as f64;
    let (a, b) = (*sorted.get(lo)?, *sorted.get(hi)?);
    // numpy's lerp, which is exact at both ends.
    Some(if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    })
}

/// Keeps the `limit` values with the highest counts, count descending then value ascending
/// (byte order of UTF-8 is code-point order): the ranking of every "top N by count" list. One
/// function for all of them keeps one sort in the wasm module.
pub fn rank_by_count(items: &mut Vec<(u32, u64)>, names: &Interner, limit: usize) {
    let order = |a: &(u32, u64), b: &(u32, u64)| {
        b.1.cmp(&a.1)
            .then_with(|| names.get(a.0).cmp(names.get(b.0)))
    };
    if items.len() > limit {
        items.select_nth_unstable_by(limit, order);
        items.truncate(limit);
    }
    items.sort_unstable_by(order);
}

/// Mean of values, `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    ratio(values.iter().sum(), values.len() as f64)
}

/// Sorts values for [`percentile`]: in the total order equal values are the same bits, so an
/// unstable sort gives the stable one's result (one sort for every percentile in the module).
pub fn sort_values(values: &mut [f64]) {
    values.sort_unstable_by(f64::total_cmp);
}

/// Median of unsorted values.
pub fn median(values: &mut [f64]) -> Option<f64> {
    sort_values(values);
    percentile(values, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_like_numpy() {
        let v = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(percentile(&v, 0.5), Some(3.0));
        assert_eq!(percentile(&v, 0.25), Some(1.75));
        assert_eq!(percentile(&v, 0.75), Some(5.0));
        assert_eq!(percentile(&[7.0], 0.25), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn zero_denominators_give_none() {
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(mean(&[]), None);
    }
}
