//! The values found in the file, for a page's pickers: each dimension's most frequent values
//! (`dimensions`) and the status values with whether they cancel (`ingest.statuses`). Counted
//! over every order, so that the pickers stay put while filters change.

use super::rank_by_count;
use crate::intern::Interner;
use crate::orders::Orders;
use crate::report::{DimensionValues, StatusValue, ValueCount};

/// Values listed per column.
const LISTED: usize = 100;

/// Each dimension's most frequent non-blank values.
pub fn dimension_values(orders: &Orders) -> Vec<DimensionValues> {
    orders
        .dims
        .iter()
        .map(|d| {
            let counts = count(&d.of_order, d.values.len());
            DimensionValues {
                column: d.name.clone(),
                distinct: counts.iter().skip(1).filter(|&&n| n > 0).count() as u64,
                values: most_frequent(&counts, &d.values)
                    .into_iter()
                    .map(|(v, orders)| ValueCount {
                        value: d.values.text(v),
                        orders,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The status values written, with whether each makes an order a non-purchase now.
pub fn status_values(orders: &Orders) -> Vec<StatusValue> {
    let counts = count(&orders.status, orders.statuses.len());
    most_frequent(&counts, &orders.statuses)
        .into_iter()
        .map(|(v, n)| StatusValue {
            value: orders.statuses.text(v),
            orders: n,
            cancelled: orders.cancelled.get(v as usize).copied().unwrap_or(false),
        })
        .collect()
}

fn count(of_order: &[u32], n: usize) -> Vec<u64> {
    let mut counts = vec![0u64; n];
    for &v in of_order {
        if let Some(c) = counts.get_mut(v as usize) {
            *c += 1;
        }
    }
    counts
}

/// Non-blank value numbers with a count, count descending then value ascending, at most
/// [`LISTED`].
fn most_frequent(counts: &[u64], names: &Interner) -> Vec<(u32, u64)> {
    let mut found: Vec<(u32, u64)> = counts
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, &n)| n > 0)
        .map(|(v, &n)| (v as u32, n))
        .collect();
    rank_by_count(&mut found, names, LISTED);
    found
}
