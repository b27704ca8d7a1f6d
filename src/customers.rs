//! One pass over the sorted orders → per-customer facts (SPEC §2) and each buyer's purchases
//! in the counting unit (SPEC §1 `countBy`).

use std::ops::Range;

use crate::options::CountBy;
use crate::orders::Orders;
use crate::period::day_of;

/// A customer with at least one purchase before `E`.
#[derive(Debug, Clone)]
pub struct Buyer {
    /// Customer number in [`Orders::customers`].
    pub customer: u32,
    /// Time of the first purchase.
    pub first: i64,
    /// Time of the last purchase.
    pub last: i64,
    /// Purchases in the counting unit.
    pub purchases: u32,
    /// Sum of all their orders' amounts before `E`, refunds included (micros).
    pub revenue: i128,
    /// Their purchases in [`Customers::units`].
    pub units: Range<usize>,
    /// Their orders in [`Orders`].
    pub orders: Range<usize>,
}

/// A purchase in the counting unit: one order, or one customer-day of purchase orders
/// (24 bytes: there is one per purchase).
#[derive(Debug, Clone, Copy)]
pub struct Unit {
    /// Earliest time.
    pub time: i64,
    /// Summed amount (micros; a customer-day's sum saturates at ±9.2 × 10¹² currency units).
    pub amount: i64,
    /// The earliest order (its dimension values are the unit's).
    pub order: u32,
}

/// Per-customer facts.
#[derive(Debug, Clone)]
pub struct Customers {
    /// Buyers, in order of first appearance in the file.
    pub buyers: Vec<Buyer>,
    /// Customers with orders before `E` but no purchase.
    pub non_buyers: usize,
    /// Every buyer's purchases, in time order, grouped by buyer.
    pub units: Vec<Unit>,
}

impl Customers {
    /// The purchases of a buyer.
    pub fn units_of(&self, buyer: &Buyer) -> &[Unit] {
        self.units.get(buyer.units.clone()).unwrap_or_default()
    }

    /// Gap in days between purchase `n` and `n + 1` (1-based `n`), if the buyer has them.
    pub fn gap_days(&self, buyer: &Buyer, n: usize) -> Option<f64> {
        let units = self.units_of(buyer);
        let a = units.get(n.checked_sub(1)?)?;
        let b = units.get(n)?;
        Some((b.time - a.time) as f64 / 86_400.0)
    }
}

/// Builds the customer facts in one pass.
pub fn build(orders: &Orders, count_by: CountBy) -> Customers {
    // At most one buyer per customer: no growth (a doubled table of 80-byte buyers was the
    // largest allocation of a 1 M-row analysis).
    let mut buyers = Vec::with_capacity(orders.customers.len());
    let mut units: Vec<Unit> = Vec::with_capacity(orders.len());
    let mut non_buyers = 0;
    for c in 0..orders.customers.len() {
        let range = orders.of_customer(c);
        if range.is_empty() {
            continue;
        }
        let start = units.len();
        let mut revenue: i128 = 0;
        for o in range.clone() {
            revenue += i128::from(orders.amount[o]);
            if !orders.purchase[o] {
                continue;
            }
            let t = orders.time[o];
            let amount = orders.amount[o];
            let mine = units.len() > start;
            match units.last_mut() {
                Some(last)
                    if mine && count_by == CountBy::Day && day_of(last.time) == day_of(t) =>
                {
                    last.amount = last.amount.saturating_add(amount);
                }
                _ => units.push(Unit {
                    time: t,
                    amount,
                    order: o as u32,
                }),
            }
        }
        let mine = &units[start..];
        match (mine.first(), mine.last()) {
            (Some(first), Some(last)) => buyers.push(Buyer {
                customer: c as u32,
                first: first.time,
                last: last.time,
                purchases: mine.len() as u32,
                revenue,
                units: start..units.len(),
                orders: range,
            }),
            _ => non_buyers += 1,
        }
    }
    Customers {
        buyers,
        non_buyers,
        units,
    }
}
