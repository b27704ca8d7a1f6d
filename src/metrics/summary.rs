//! `summary` (SPEC §2, §3 rate 1, §11).

use super::{ratio, to_f64, Context};
use crate::period::format_time;
use crate::report::Summary;

/// Headline figures.
pub fn summary(cx: &Context) -> Summary {
    let orders = cx.orders;
    let buyers = &cx.customers.buyers;
    let n = buyers.len() as f64;
    let purchases: u64 = buyers.iter().map(|b| u64::from(b.purchases)).sum();
    let repeaters = buyers.iter().filter(|b| b.purchases >= 2).count() as f64;
    let revenue: i128 = orders.amount.iter().map(|&a| i128::from(a)).sum();
    let buyer_revenue: i128 = buyers.iter().map(|b| b.revenue).sum();
    let purchase_amounts: i128 = cx
        .customers
        .units
        .iter()
        .map(|u| i128::from(u.amount))
        .sum();
    Summary {
        customers: buyers.len() as u64,
        non_buyers: cx.customers.non_buyers as u64,
        orders: orders.len() as u64,
        purchases,
        revenue: cx.money(revenue),
        first_order: orders.time.iter().min().map(|&t| format_time(t)),
        last_order: orders.time.iter().max().map(|&t| format_time(t)),
        as_of: format_time(orders.as_of),
        repurchase_rate: ratio(repeaters, n),
        purchases_per_customer: ratio(purchases as f64, n),
        revenue_per_customer: cx.money(buyer_revenue).and_then(|r| ratio(r, n)),
        average_order_value: cx
            .money(purchase_amounts)
            .and_then(|_| ratio(to_f64(purchase_amounts), purchases as f64)),
    }
}
