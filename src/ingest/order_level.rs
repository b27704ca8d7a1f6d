//! Order-level amounts written on every line of the order (issue 13; the rule is in
//! `docs/mapping.md`): some exports (a WooCommerce order-export plugin among them) write the
//! order's total on each of its line items, so that summing the lines counts it once per line.
//!
//! The amount column is read as the order's when, over the whole file:
//! - an `order` and an `amount` column are mapped (not quantity × unit price);
//! - at least two orders have two or more lines with a non-zero amount, all equal;
//! - no order has two non-zero line amounts that differ (that file sums its lines);
//! - in at least one such order the lines differ in another column (product, SKU…): they are
//!   different items, not the same line written twice.
//!
//! Then each order's amount is taken once: the first line with a non-zero amount keeps it, the
//! order's later lines count 0. Shopify's layout (the total on the first line only, blank on the
//! others) has no order with two non-zero amounts, so it is never changed.

use std::collections::HashMap;

use super::columns::Role;
use super::{IngestInfo, Lines, OrderKeys};

/// Applies the rule to `lines` (in place) and says so in `info.warnings` when it applied.
pub(super) fn take_order_amounts_once(lines: &mut Lines, info: &mut IngestInfo) {
    let Some(orders) = &lines.order else { return };
    let amount_column = match info.mapping.iter().find(|(r, _)| *r == Role::Amount) {
        Some((_, c)) => c.clone(),
        None => return,
    };
    if !lines.has_amount {
        return;
    }
    // Per order: the first line with a non-zero amount, how many such lines, whether they differ.
    struct Seen {
        first: usize,
        repeats: u32,
        differ: bool,
    }
    let mut seen: HashMap<(u32, u64), Seen> = HashMap::new();
    for (i, (&key, &amount)) in orders.iter().zip(&lines.amount).enumerate() {
        if key == OrderKeys::BLANK || amount == 0 {
            continue;
        }
        let s = seen.entry((lines.customer[i], key)).or_insert(Seen {
            first: i,
            repeats: 0,
            differ: false,
        });
        s.repeats += 1;
        s.differ |= lines.amount[s.first] != amount;
    }
    if seen.values().any(|s| s.differ) {
        return;
    }
    let repeated: Vec<&Seen> = seen.values().filter(|s| s.repeats >= 2).collect();
    if repeated.len() < 2 {
        return;
    }
    // Lines of one order that differ in another column: different items.
    let dims = &lines.dims;
    let mut first_value: HashMap<(u32, u64), usize> = HashMap::new();
    let mut distinct_items = None;
    'lines: for (i, &key) in orders.iter().enumerate() {
        let k = (lines.customer[i], key);
        if seen.get(&k).is_none_or(|s| s.repeats < 2) {
            continue;
        }
        let first = *first_value.entry(k).or_insert(i);
        for d in dims {
            if d.of_line[i] != d.of_line[first] {
                distinct_items = Some(d.name.clone());
                break 'lines;
            }
        }
    }
    let Some(item_column) = distinct_items else {
        return;
    };
    let orders_changed = repeated.len();
    let firsts: HashMap<(u32, u64), usize> = seen
        .iter()
        .filter(|(_, s)| s.repeats >= 2)
        .map(|(&k, s)| (k, s.first))
        .collect();
    let mut lines_zeroed = 0u64;
    for (i, &key) in orders.iter().enumerate() {
        if let Some(&first) = firsts.get(&(lines.customer[i], key)) {
            if i != first && lines.amount[i] != 0 {
                lines.amount[i] = 0;
                lines_zeroed += 1;
            }
        }
    }
    info.warnings.push((
        format!(
            "amount column {amount_column:?}: {orders_changed} orders carry the same amount on each of their lines (which differ in {item_column:?}): it is the order's amount, counted once per order ({lines_zeroed} repeats not added)"
        ),
        format!(
            "金额列 {amount_column:?}：{orders_changed} 个订单的每一行都写着相同的金额（各行的 {item_column:?} 不同）：这是订单金额，每个订单只计一次（{lines_zeroed} 个重复值未累加）"
        ),
    ));
}
