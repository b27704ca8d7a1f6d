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

use rustc_hash::FxHashMap;

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
    // Order ids that only grow along the file (one line per order, numbered as written) never
    // repeat: no order has two lines, and the table below is not needed.
    let mut keys = orders
        .iter()
        .zip(&lines.amount)
        .filter(|&(&key, &amount)| key != OrderKeys::BLANK && amount != 0)
        .map(|(&key, _)| key);
    if let Some(first) = keys.next() {
        let mut previous = first;
        if keys.all(|key| std::mem::replace(&mut previous, key) < key) {
            return;
        }
    }
    // Per order (customer, order key) with a non-zero amount: its first such line, how many
    // such lines, whether their amounts differ. One map from order to its slot in `seen`.
    struct Seen {
        first: usize,
        repeats: u32,
        differ: bool,
    }
    let mut slot: FxHashMap<(u32, u64), usize> = FxHashMap::default();
    let mut seen: Vec<Seen> = Vec::new();
    let mut slot_of_line: Vec<Option<usize>> = vec![None; orders.len()];
    for (i, (&key, &amount)) in orders.iter().zip(&lines.amount).enumerate() {
        if key == OrderKeys::BLANK || amount == 0 {
            continue;
        }
        let k = *slot.entry((lines.customer[i], key)).or_insert_with(|| {
            seen.push(Seen {
                first: i,
                repeats: 0,
                differ: false,
            });
            seen.len() - 1
        });
        let s = &mut seen[k];
        s.repeats += 1;
        s.differ |= lines.amount[s.first] != amount;
        slot_of_line[i] = Some(k);
    }
    if seen.iter().any(|s| s.differ) {
        return;
    }
    let orders_changed = seen.iter().filter(|s| s.repeats >= 2).count();
    if orders_changed < 2 {
        return;
    }
    // Lines of one order that differ in another column: different items. (Lines with a zero
    // amount belong to no slot: only the repeated lines are compared.)
    let dims = &lines.dims;
    let repeated_slot = |i: usize| slot_of_line[i].filter(|&k| seen[k].repeats >= 2);
    let item_column = (0..orders.len())
        .filter_map(|i| Some((i, seen[repeated_slot(i)?].first)))
        .find_map(|(i, first)| {
            dims.iter()
                .find(|d| d.of_line[i] != d.of_line[first])
                .map(|d| d.name.clone())
        });
    let Some(item_column) = item_column else {
        return;
    };
    let mut lines_zeroed = 0u64;
    for i in 0..orders.len() {
        if let Some(k) = repeated_slot(i) {
            if i != seen[k].first {
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
