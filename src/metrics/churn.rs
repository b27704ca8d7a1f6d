//! `churn`: silent customers and the overdue list (SPEC §8, §11). Per-period churn is in
//! `rates`.

use super::rfm::segment_names;
use super::{median, ratio, Context};
use crate::customers::Buyer;
use crate::period::format_time;
use crate::report::{Churn, Overdue, SilentCustomer};

/// Whether buyer `b` is overdue (§8): ≥ 2 purchases and days since the last beyond
/// `overdueFactor` × the median of their own gaps; then (days since last, median gap).
/// `gaps` is a reused buffer.
pub fn overdue_days(cx: &Context, b: &Buyer, gaps: &mut Vec<f64>) -> Option<(f64, f64)> {
    if b.purchases < 2 {
        return None;
    }
    gaps.clear();
    gaps.extend(
        cx.customers
            .units_of(b)
            .windows(2)
            .map(|w| (w[1].time - w[0].time) as f64 / 86_400.0),
    );
    let median_gap = median(gaps)?;
    let since = (cx.orders.as_of - b.last) as f64 / 86_400.0;
    (since > cx.options.overdue_factor * median_gap).then_some((since, median_gap))
}

/// Whether buyer `b` is silent (§8): recency in whole days beyond `silentDays`.
pub fn is_silent(cx: &Context, b: &Buyer) -> bool {
    cx.recency(b.last) > i64::from(cx.options.silent_days)
}

/// Silent and overdue customers; `segments` is each buyer's RFM segment.
pub fn churn(cx: &Context, segments: &[usize]) -> Churn {
    let buyers = &cx.customers.buyers;
    let silent_days = cx.options.silent_days;
    let mut silent = 0u64;
    let mut silent_revenue: i128 = 0;
    // (revenue, buyer, days since last, median gap): the list's text is made only for the
    // customers it shows.
    let mut overdue: Vec<(i128, usize, f64, f64)> = Vec::new();
    let mut gaps: Vec<f64> = Vec::new();
    // (revenue, buyer, recency) of every silent customer; only the listed ones get text.
    let mut silent_list: Vec<(i128, usize, i64)> = Vec::new();
    for (i, b) in buyers.iter().enumerate() {
        let recency = cx.recency(b.last);
        if is_silent(cx, b) {
            silent += 1;
            silent_revenue += b.revenue;
            silent_list.push((b.revenue, i, recency));
        }
        if let Some((since, median_gap)) = overdue_days(cx, b, &mut gaps) {
            overdue.push((b.revenue, i, since, median_gap));
        }
    }
    // Revenue descending, ties by customer id (SPEC §11).
    let id = |i: usize| cx.orders.customers.get(buyers[i].customer);
    overdue.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| id(a.1).cmp(id(b.1))));
    let limit = cx.options.list_limit as usize;
    let by_revenue = |a: &(i128, usize, i64), b: &(i128, usize, i64)| {
        b.0.cmp(&a.0).then_with(|| id(a.1).cmp(id(b.1)))
    };
    if limit < silent_list.len() {
        silent_list.select_nth_unstable_by(limit, by_revenue);
        silent_list.truncate(limit);
    }
    silent_list.sort_by(by_revenue);
    let names = segment_names(cx.options.rfm_segments);
    let overdue_count = overdue.len() as u64;
    overdue.truncate(cx.options.list_limit as usize);
    Churn {
        silent_days,
        silent,
        silent_share: ratio(silent as f64, buyers.len() as f64),
        silent_revenue: cx.money(silent_revenue),
        silent_customers: silent_list
            .into_iter()
            .map(|(_, i, recency)| {
                let b = &buyers[i];
                SilentCustomer {
                    customer: cx.orders.customers.text(b.customer),
                    last_purchase: format_time(b.last),
                    recency,
                    purchases: u64::from(b.purchases),
                    revenue: cx.money(b.revenue),
                    segment: segments
                        .get(i)
                        .and_then(|&k| names.get(k))
                        .map_or_else(String::new, |s| (*s).to_string()),
                }
            })
            .collect(),
        overdue_factor: cx.options.overdue_factor,
        overdue_count,
        overdue: overdue
            .into_iter()
            .map(|(_, i, since, median_gap)| {
                let b = &buyers[i];
                Overdue {
                    customer: cx.orders.customers.text(b.customer),
                    last_purchase: format_time(b.last),
                    days_since_last: since,
                    median_gap_days: median_gap,
                    purchases: u64::from(b.purchases),
                    revenue: cx.money(b.revenue),
                    overdue_ratio: ratio(since, median_gap),
                }
            })
            .collect(),
    }
}
