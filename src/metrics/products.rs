//! `products`: repurchase by product (SPEC §12). A product belongs to a line; a purchase's
//! products are the distinct products over its orders' lines (the day's orders with
//! `countBy: "day"`).

use rustc_hash::FxHashMap;

use super::breakdown::wilson;
use super::{median, percentile, rank_by_count, ratio, Context};
use crate::customers::Buyer;
use crate::options::CountBy;
use crate::orders::Products;
use crate::period::day_of;
use crate::report::{
    FirstProduct, NextProduct, ProductNext, ProductRepeat, ProductsReport, Quartiles,
};

/// Products of the second purchase listed per `next` row.
const NEXT_TOP: usize = 5;

/// The `products` section, `None` without a product column.
pub fn products(cx: &Context) -> Option<ProductsReport> {
    let products = cx.orders.products.as_ref()?;
    let names = &cx.orders.dims.get(products.dim)?.values;
    let n_values = names.len();
    let max_groups = cx.options.max_groups as usize;
    let mut purchases = PurchaseProducts::default();

    // One pass: first products, and every product's buyers and cycles.
    let mut first: Vec<FirstTally> = vec![FirstTally::default(); n_values];
    let mut repeat: Vec<RepeatTally> = vec![RepeatTally::default(); n_values];
    // Per product, within the current buyer: purchases containing it and the last one's time.
    let mut seen: Vec<(u32, i64)> = vec![(0, 0); n_values];
    let mut touched: Vec<u32> = Vec::new();
    for b in &cx.customers.buyers {
        purchases.fill(cx, products, b);
        let days_to_second = cx.customers.gap_days(b, 1);
        for &p in purchases.of(0) {
            let t = &mut first[p as usize];
            t.customers += 1;
            t.revenue += b.revenue;
            if let Some(days) = days_to_second {
                t.repeaters += 1;
                t.days_to_second.push(days);
            }
        }
        for u in 0..purchases.len() {
            let time = purchases.times[u];
            for &p in purchases.of(u) {
                let (count, last) = &mut seen[p as usize];
                if *count == 0 {
                    touched.push(p);
                } else {
                    repeat[p as usize]
                        .cycles
                        .push((time - *last) as f64 / 86_400.0);
                }
                *count += 1;
                *last = time;
            }
        }
        for &p in &touched {
            let t = &mut repeat[p as usize];
            t.buyers += 1;
            if seen[p as usize].0 >= 2 {
                t.repeat_buyers += 1;
            }
            seen[p as usize] = (0, 0);
        }
        touched.clear();
    }
    drop(seen);

    let top = |count: &dyn Fn(u32) -> u64| -> Vec<u32> {
        let mut counted: Vec<(u32, u64)> = (1..n_values as u32)
            .map(|p| (p, count(p)))
            .filter(|&(_, n)| n > 0)
            .collect();
        rank_by_count(&mut counted, names, max_groups);
        counted.into_iter().map(|(p, _)| p).collect()
    };
    let first_top = top(&|p| first[p as usize].customers);
    let repeat_top = top(&|p| repeat[p as usize].buyers);

    // A second pass for the chosen first products: what their second purchase held.
    let row_of: FxHashMap<u32, usize> =
        first_top.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let mut next_customers = vec![0u64; first_top.len()];
    let mut next_counts: Vec<FxHashMap<u32, u64>> = vec![FxHashMap::default(); first_top.len()];
    for b in cx.customers.buyers.iter().filter(|b| b.purchases >= 2) {
        purchases.fill(cx, products, b);
        for &p in purchases.of(0) {
            if let Some(&row) = row_of.get(&p) {
                next_customers[row] += 1;
                for &q in purchases.of(1) {
                    *next_counts[row].entry(q).or_default() += 1;
                }
            }
        }
    }

    let text = |p: u32| names.text(p);
    let first_product = first_top
        .iter()
        .map(|&p| {
            let t = &mut first[p as usize];
            let n = t.customers as f64;
            let ci = wilson(t.repeaters as f64, n);
            FirstProduct {
                product: text(p),
                customers: t.customers,
                repurchase_rate: ratio(t.repeaters as f64, n),
                ci_low: ci.map(|c| c.0),
                ci_high: ci.map(|c| c.1),
                revenue_per_customer: cx.money(t.revenue).and_then(|r| ratio(r, n)),
                median_days_to_second: median(&mut t.days_to_second),
            }
        })
        .collect();
    let repeat = repeat_top
        .iter()
        .map(|&p| {
            let t = &mut repeat[p as usize];
            ProductRepeat {
                product: text(p),
                buyers: t.buyers,
                repeat_buyers: t.repeat_buyers,
                repeat_rate: ratio(t.repeat_buyers as f64, t.buyers as f64),
                cycle_days: quartiles(&mut t.cycles),
            }
        })
        .collect();
    let next = first_top
        .iter()
        .enumerate()
        .map(|(row, &p)| {
            let customers = next_customers[row];
            let mut top: Vec<(u32, u64)> = next_counts[row].iter().map(|(&q, &n)| (q, n)).collect();
            rank_by_count(&mut top, names, NEXT_TOP);
            ProductNext {
                product: text(p),
                customers,
                top: top
                    .into_iter()
                    .map(|(q, n)| NextProduct {
                        product: text(q),
                        customers: n,
                        share: ratio(n as f64, customers as f64),
                    })
                    .collect(),
            }
        })
        .collect();
    Some(ProductsReport {
        column: cx.orders.dims[products.dim].name.clone(),
        first_product,
        repeat,
        next,
    })
}

/// Median and quartiles of unsorted values, `None` when there are none.
pub fn quartiles(values: &mut [f64]) -> Option<Quartiles> {
    super::sort_values(values);
    Some(Quartiles {
        median: percentile(values, 0.5)?,
        p25: percentile(values, 0.25)?,
        p75: percentile(values, 0.75)?,
    })
}

#[derive(Clone, Default)]
struct FirstTally {
    customers: u64,
    repeaters: u64,
    revenue: i128,
    days_to_second: Vec<f64>,
}

#[derive(Clone, Default)]
struct RepeatTally {
    buyers: u64,
    repeat_buyers: u64,
    cycles: Vec<f64>,
}

/// One buyer's purchases in the counting unit with their distinct products (reused buffers).
#[derive(Default)]
pub(crate) struct PurchaseProducts {
    codes: Vec<u32>,
    spans: Vec<(usize, usize)>,
    times: Vec<i64>,
}

impl PurchaseProducts {
    /// Reads buyer `b`'s purchases: the same grouping as `customers::build` (a new purchase
    /// per purchase order, or per calendar day with `countBy: "day"`).
    pub(crate) fn fill(&mut self, cx: &Context, products: &Products, b: &Buyer) {
        self.codes.clear();
        self.spans.clear();
        self.times.clear();
        let orders = cx.orders;
        for o in b.orders.clone() {
            if !orders.purchase[o] {
                continue;
            }
            let t = orders.time[o];
            let same = cx.options.count_by == CountBy::Day
                && self.times.last().is_some_and(|&u| day_of(u) == day_of(t));
            if !same {
                self.close();
                self.spans.push((self.codes.len(), self.codes.len()));
                self.times.push(t);
            }
            self.codes.extend_from_slice(products.of_order(o));
        }
        self.close();
    }

    /// Drops repeated products of the last purchase (a day's orders may share some); a
    /// purchase's products are few, so a scan beats a sort.
    fn close(&mut self) {
        let end = self.codes.len();
        if let Some(span) = self.spans.last_mut() {
            let mut kept = span.0;
            for i in span.0..end {
                let code = self.codes[i];
                if !self.codes[span.0..kept].contains(&code) {
                    self.codes[kept] = code;
                    kept += 1;
                }
            }
            span.1 = kept;
            self.codes.truncate(kept);
        }
    }

    /// Number of purchases.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The products of purchase `u` (0-based), empty beyond the last.
    pub(crate) fn of(&self, u: usize) -> &[u32] {
        self.spans
            .get(u)
            .and_then(|&(a, b)| self.codes.get(a..b))
            .unwrap_or_default()
    }
}
