//! The order table: lines merged into orders (SPEC §1, §11), observation end `E`, and one
//! sort by (customer, time). Columnar: customer ids interned to `u32`, times as `i64`.

use crate::ingest::values::is_cancelled_status;
use crate::ingest::{retain_kept, Lines, OrderKeys, Reason, Sample, NO_TIME};
use std::sync::Arc;

use crate::intern::Interner;
use crate::money::Micros;
use crate::period::{day_of, DAY};

/// A dimension's value per order.
#[derive(Debug, Clone)]
pub struct DimColumn {
    /// Column name.
    pub name: String,
    /// Distinct values; number 0 is blank (shared by the filtered views of the orders).
    pub values: Arc<Interner>,
    /// Value number of each order.
    pub of_order: Vec<u32>,
}

/// All orders before `E`, sorted by (customer, time, file order).
#[derive(Debug, Clone)]
pub struct Orders {
    /// Customer ids (every customer seen, including ones with no order before `E`; shared by
    /// the filtered views of the orders).
    pub customers: Arc<Interner>,
    /// Customer of each order.
    pub customer: Vec<u32>,
    /// Time of each order (earliest line).
    pub time: Vec<i64>,
    /// Amount of each order (sum of lines), micros; 0 without an amount.
    pub amount: Vec<Micros>,
    /// Whether each order is a purchase (SPEC §1).
    pub purchase: Vec<bool>,
    /// Status values written in the file (number 0 is blank).
    pub statuses: Arc<Interner>,
    /// Status value number of each order: the first non-blank among its lines.
    pub status: Vec<u32>,
    /// Status value number of each order's last non-blank line without a negative amount:
    /// where it differs from `status`, the status changed within the order (`matchRefunds`,
    /// docs/refunds.md).
    pub final_status: Vec<u32>,
    /// Which status values make an order a non-purchase, by value number.
    pub cancelled: Vec<bool>,
    /// The products of each order, when a product column is mapped (SPEC §12).
    pub products: Option<Products>,
    /// Dimension values per order.
    pub dims: Vec<DimColumn>,
    /// Whether amounts exist.
    pub has_amount: bool,
    /// Customer `c`'s orders are `starts[c]..starts[c + 1]`.
    pub starts: Vec<usize>,
    /// Observation end `E` (seconds).
    pub as_of: i64,
}

/// Each order's distinct products: value numbers of the product dimension.
#[derive(Debug, Clone)]
pub struct Products {
    /// The dimension that is the product column (its values name the products).
    pub dim: usize,
    /// `codes[span.0..span.0 + span.1]` are an order's products, one entry per order.
    pub span: Vec<(u32, u32)>,
    /// Product value numbers, order by order.
    pub codes: Vec<u32>,
}

impl Products {
    /// The distinct products of order `o` (value numbers, none blank).
    pub fn of_order(&self, o: usize) -> &[u32] {
        let (start, len) = self.span.get(o).copied().unwrap_or((0, 0));
        self.codes
            .get(start as usize..(start + len) as usize)
            .unwrap_or_default()
    }
}

/// Which status values make an order a non-purchase: the caller's list (values compared as
/// written, trimmed), or the recognised words of COLUMNS.md.
pub fn cancelled_statuses(statuses: &Interner, list: Option<&[String]>) -> Vec<bool> {
    (0..statuses.len() as u32)
        .map(|v| {
            let value = statuses.get(v);
            !value.is_empty()
                && match list {
                    Some(list) => list.iter().any(|l| l.trim().as_bytes() == value),
                    None => is_cancelled_status(value),
                }
        })
        .collect()
}

impl Orders {
    /// The order range of customer `c`.
    pub fn of_customer(&self, c: usize) -> std::ops::Range<usize> {
        let start = self.starts.get(c).copied().unwrap_or(0);
        let end = self.starts.get(c + 1).copied().unwrap_or(start);
        start..end
    }

    /// Number of orders.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Whether there are no orders.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// The orders with `keep` set, as a table of their own: customer starts fixed, and `E`
    /// the given one or, when `None`, the day after the last kept order's day (SPEC §1, as if
    /// the file held only these orders).
    pub fn filtered(&self, keep: &[bool], as_of: Option<i64>) -> Orders {
        fn pick<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
            v.iter()
                .zip(keep)
                .filter(|(_, &k)| k)
                .map(|(&x, _)| x)
                .collect()
        }
        let mut starts = Vec::with_capacity(self.starts.len());
        starts.push(0);
        let mut kept = 0;
        for c in 0..self.customers.len() {
            kept += self.of_customer(c).filter(|&o| keep[o]).count();
            starts.push(kept);
        }
        let time = pick(&self.time, keep);
        let last = time.iter().copied().max();
        Orders {
            customers: Arc::clone(&self.customers),
            customer: pick(&self.customer, keep),
            amount: pick(&self.amount, keep),
            purchase: pick(&self.purchase, keep),
            statuses: Arc::clone(&self.statuses),
            status: pick(&self.status, keep),
            final_status: pick(&self.final_status, keep),
            cancelled: self.cancelled.clone(),
            products: self.products.as_ref().map(|p| Products {
                dim: p.dim,
                span: pick(&p.span, keep),
                codes: p.codes.clone(),
            }),
            dims: self
                .dims
                .iter()
                .map(|d| DimColumn {
                    name: d.name.clone(),
                    values: Arc::clone(&d.values),
                    of_order: pick(&d.of_order, keep),
                })
                .collect(),
            has_amount: self.has_amount,
            starts,
            as_of: as_of.unwrap_or_else(|| last.map_or(self.as_of, |t| (day_of(t) + 1) * DAY)),
            time,
        }
    }

    /// Treats the status values `cancelled` (by value number) as non-purchases and fixes each
    /// order's purchase flag (SPEC §1).
    pub fn set_cancelled(&mut self, cancelled: Vec<bool>) {
        let has_amount = self.has_amount;
        self.purchase = self
            .status
            .iter()
            .zip(&self.amount)
            .map(|(&s, &a)| {
                !cancelled.get(s as usize).copied().unwrap_or(false) && (!has_amount || a > 0)
            })
            .collect();
        self.cancelled = cancelled;
    }
}

/// The orders, and what the merge rejected or warns about (for the Report's `ingest`).
pub struct Merged {
    /// The orders.
    pub orders: Orders,
    /// Lines of orders that have no time on any line (`missingTime`), in customer order.
    pub rejected: Vec<Sample>,
    /// Warnings in English and Chinese.
    pub warnings: Vec<(String, String)>,
}

/// Merges lines into orders, fixes `E` (`as_of`, or the day after the last order's day), drops
/// orders at or after `E` (with a warning) and sorts. Lines of orders without any time are
/// rejected here (SPEC §11).
///
/// Lines are first bucketed by customer (a counting sort), so merging by order id happens
/// within one customer's few lines: no table over all orders is needed.
pub fn build(lines: Lines, as_of: Option<i64>, cancelled: Option<&[String]>) -> Merged {
    let mut rejected = Vec::new();
    let mut warnings = Vec::new();
    let n_customers = lines.customers.len();
    let n_lines = lines.customer.len();
    let line_starts = bucket_starts(&lines.customer, n_customers);
    let mut by_customer = vec![0u32; n_lines];
    let mut next = line_starts.clone();
    for (i, &c) in lines.customer.iter().enumerate() {
        by_customer[next[c as usize]] = i as u32;
        next[c as usize] += 1;
    }
    drop(next);

    let mut out = Builder::with_capacity(n_lines, lines.dims.len(), lines.product.is_some());
    let mut starts = Vec::with_capacity(n_customers + 1);
    starts.push(0);
    let mut scratch = Scratch::default();
    for c in 0..n_customers {
        let bucket = &by_customer[line_starts[c]..line_starts[c + 1]];
        out.merge_customer(c as u32, bucket, &lines, &mut scratch, &mut rejected);
        starts.push(out.time.len());
    }
    drop(by_customer);

    // E: the caller's, or the calendar day after the last order's day.
    let last = out.time.iter().copied().filter(|&t| t != NO_TIME).max();
    let as_of = as_of.unwrap_or_else(|| last.map_or(0, |t| (day_of(t) + 1) * DAY));
    let ignored = out
        .time
        .iter()
        .filter(|&&t| t != NO_TIME && t >= as_of)
        .count();
    if ignored > 0 {
        warnings.push((
            format!("{ignored} orders at or after asOf ignored"),
            format!("{ignored} 个订单在观察截止时间（asOf）当时或之后，已忽略"),
        ));
    }
    out.keep_before(as_of, &mut starts);

    let products = lines.product.map(|dim| Products {
        dim,
        span: out.product_span,
        codes: out.product_codes,
    });
    let cancelled = cancelled_statuses(&lines.statuses, cancelled);
    let mut orders = Orders {
        customer: out.customer,
        time: out.time,
        amount: out.amount,
        purchase: Vec::new(),
        statuses: Arc::new(lines.statuses),
        status: out.status,
        final_status: out.final_status,
        cancelled: Vec::new(),
        products,
        dims: lines
            .dims
            .into_iter()
            .zip(out.dims)
            .map(|(d, of_order)| DimColumn {
                name: d.name,
                values: Arc::new(d.values),
                of_order,
            })
            .collect(),
        has_amount: lines.has_amount,
        starts,
        as_of,
        customers: Arc::new(lines.customers),
    };
    orders.set_cancelled(cancelled);
    Merged {
        orders,
        rejected,
        warnings,
    }
}

/// `starts[c]..starts[c + 1]` = positions of customer `c` after a counting sort.
fn bucket_starts(customer: &[u32], n: usize) -> Vec<usize> {
    let mut starts = vec![0usize; n + 1];
    for &c in customer {
        starts[c as usize + 1] += 1;
    }
    for c in 0..n {
        starts[c + 1] += starts[c];
    }
    starts
}

/// Reused per-customer buffers.
#[derive(Default)]
struct Scratch {
    /// Order key of each of the customer's orders so far.
    keys: Vec<u64>,
    /// Local order index of each line of the bucket.
    order_of_line: Vec<u32>,
    /// Lines sorted by order key (for customers with many lines).
    sorted: Vec<u32>,
    /// Permutation of the customer's orders into time order.
    perm: Vec<u32>,
    /// (order, product) pairs of the customer's lines.
    pairs: Vec<(u32, u32)>,
}

/// The order columns being built, customer by customer, each customer's orders in time order.
struct Builder {
    customer: Vec<u32>,
    time: Vec<i64>,
    amount: Vec<Micros>,
    status: Vec<u32>,
    final_status: Vec<u32>,
    dims: Vec<Vec<u32>>,
    /// Each order's products in `product_codes` (only with a product column).
    product_span: Vec<(u32, u32)>,
    product_codes: Vec<u32>,
    with_products: bool,
    /// Index of each order's first line (file order), the tie-break of equal times.
    first_line: Vec<u32>,
}

impl Builder {
    fn with_capacity(n: usize, n_dims: usize, with_products: bool) -> Builder {
        Builder {
            customer: Vec::with_capacity(n),
            time: Vec::with_capacity(n),
            amount: Vec::with_capacity(n),
            status: Vec::with_capacity(n),
            final_status: Vec::with_capacity(n),
            dims: (0..n_dims).map(|_| Vec::with_capacity(n)).collect(),
            product_span: Vec::new(),
            product_codes: Vec::new(),
            with_products,
            first_line: Vec::with_capacity(n),
        }
    }

    fn push_line(&mut self, c: u32, i: usize, lines: &Lines) {
        self.customer.push(c);
        self.time.push(lines.time[i]);
        self.amount.push(lines.amount[i]);
        self.status.push(lines.status[i]);
        self.final_status.push(lines.status[i]);
        for (column, dim) in self.dims.iter_mut().zip(&lines.dims) {
            column.push(dim.of_line[i]);
        }
        self.first_line.push(i as u32);
    }

    /// Adds line `i` to order `o`: amounts sum, the earliest time wins, status and dimension
    /// values are the first non-blank in file order (SPEC §1, §11).
    fn add_line(&mut self, o: usize, i: usize, lines: &Lines) {
        let t = lines.time[i];
        if t != NO_TIME && (self.time[o] == NO_TIME || t < self.time[o]) {
            self.time[o] = t;
        }
        self.amount[o] = self.amount[o].saturating_add(lines.amount[i]);
        if self.status[o] == 0 {
            self.status[o] = lines.status[i];
        }
        // A negative line is a refund the amounts already net (rule 1), not a status change.
        if lines.status[i] != 0 && lines.amount[i] >= 0 {
            self.final_status[o] = lines.status[i];
        }
        for (column, dim) in self.dims.iter_mut().zip(&lines.dims) {
            if column[o] == 0 {
                column[o] = dim.of_line[i];
            }
        }
    }

    /// Merges one customer's lines (in file order) into orders and sorts them by time.
    fn merge_customer(
        &mut self,
        c: u32,
        bucket: &[u32],
        lines: &Lines,
        scratch: &mut Scratch,
        rejected: &mut Vec<Sample>,
    ) {
        let base = self.time.len();
        let Some(keys) = &lines.order else {
            for &i in bucket {
                self.push_line(c, i as usize, lines);
            }
            if self.with_products {
                scratch.order_of_line.clear();
                scratch.order_of_line.extend(0..bucket.len() as u32);
                self.collect_products(base, bucket, lines, scratch);
            }
            self.sort_by_time(base, scratch);
            return;
        };
        scratch.keys.clear();
        scratch.order_of_line.clear();
        if bucket.len() <= 32 {
            for &i in bucket {
                let key = keys[i as usize];
                let found = (key != OrderKeys::BLANK)
                    .then(|| scratch.keys.iter().position(|&k| k == key))
                    .flatten();
                let o = match found {
                    Some(o) => {
                        self.add_line(base + o, i as usize, lines);
                        o
                    }
                    None => {
                        self.push_line(c, i as usize, lines);
                        scratch.keys.push(key);
                        scratch.keys.len() - 1
                    }
                };
                scratch.order_of_line.push(o as u32);
            }
        } else {
            // Many lines: group equal keys by a stable sort instead of a quadratic scan.
            scratch.sorted.clear();
            scratch.sorted.extend(0..bucket.len() as u32);
            scratch
                .sorted
                .sort_by_key(|&j| keys[bucket[j as usize] as usize]);
            scratch.order_of_line.resize(bucket.len(), 0);
            let mut previous: Option<u64> = None;
            for &j in &scratch.sorted {
                let i = bucket[j as usize] as usize;
                let key = keys[i];
                if key != OrderKeys::BLANK && previous == Some(key) {
                    self.add_line(self.time.len() - 1, i, lines);
                } else {
                    self.push_line(c, i, lines);
                }
                previous = Some(key);
                scratch.order_of_line[j as usize] = (self.time.len() - 1 - base) as u32;
            }
        }
        if self.with_products {
            self.collect_products(base, bucket, lines, scratch);
        }
        // An order with no time on any line has all its lines rejected (SPEC §11).
        for (j, &o) in scratch.order_of_line.iter().enumerate() {
            if self.time[base + o as usize] == NO_TIME {
                let i = bucket[j] as usize;
                rejected.push(Sample {
                    line: lines.line[i],
                    column: lines.time_column.clone(),
                    text: String::new(),
                    reason: Reason::MissingTime,
                });
            }
        }
        self.sort_by_time(base, scratch);
    }

    /// The distinct non-blank products over each of the customer's orders' lines (SPEC §12):
    /// `scratch.order_of_line` gives each line of `bucket` its order, counted from `base`.
    fn collect_products(
        &mut self,
        base: usize,
        bucket: &[u32],
        lines: &Lines,
        scratch: &mut Scratch,
    ) {
        self.product_span.resize(self.time.len(), (0, 0));
        let Some(column) = lines.product.and_then(|d| lines.dims.get(d)) else {
            return;
        };
        scratch.pairs.clear();
        for (j, &o) in scratch.order_of_line.iter().enumerate() {
            let code = column.of_line.get(bucket[j] as usize).copied().unwrap_or(0);
            if code != 0 {
                scratch.pairs.push((o, code));
            }
        }
        scratch.pairs.sort_unstable();
        scratch.pairs.dedup();
        let mut k = 0;
        while k < scratch.pairs.len() {
            let o = scratch.pairs[k].0;
            let start = self.product_codes.len() as u32;
            while k < scratch.pairs.len() && scratch.pairs[k].0 == o {
                self.product_codes.push(scratch.pairs[k].1);
                k += 1;
            }
            let len = self.product_codes.len() as u32 - start;
            self.product_span[base + o as usize] = (start, len);
        }
    }

    /// Sorts orders `base..` by (time, first line) unless they already are.
    fn sort_by_time(&mut self, base: usize, scratch: &mut Scratch) {
        let key = |o: usize| (self.time[o], self.first_line[o]);
        if (base + 1..self.time.len()).all(|o| key(o - 1) <= key(o)) {
            return;
        }
        scratch.perm.clear();
        scratch.perm.extend(base as u32..self.time.len() as u32);
        scratch.perm.sort_by_key(|&o| key(o as usize));
        let perm = &scratch.perm;
        fn apply<T: Copy>(v: &mut [T], base: usize, perm: &[u32]) {
            let reordered: Vec<T> = perm.iter().map(|&o| v[o as usize]).collect();
            v[base..].copy_from_slice(&reordered);
        }
        apply(&mut self.time, base, perm);
        apply(&mut self.amount, base, perm);
        apply(&mut self.status, base, perm);
        apply(&mut self.final_status, base, perm);
        apply(&mut self.first_line, base, perm);
        if self.with_products {
            apply(&mut self.product_span, base, perm);
        }
        for column in &mut self.dims {
            apply(column, base, perm);
        }
    }

    /// Keeps orders with a time before `E`, fixing the customer starts.
    fn keep_before(&mut self, as_of: i64, starts: &mut [usize]) {
        let keep: Vec<bool> = self
            .time
            .iter()
            .map(|&t| t != NO_TIME && t < as_of)
            .collect();
        if keep.iter().all(|&k| k) {
            return;
        }
        let mut kept = 0;
        let mut c = 0;
        for (o, &k) in keep.iter().enumerate() {
            while c + 1 < starts.len() && starts[c + 1] <= o {
                c += 1;
                starts[c] = kept;
            }
            kept += usize::from(k);
        }
        for s in starts.iter_mut().skip(c + 1) {
            *s = kept;
        }
        self.customer = retain_kept(std::mem::take(&mut self.customer), &keep);
        self.time = retain_kept(std::mem::take(&mut self.time), &keep);
        self.amount = retain_kept(std::mem::take(&mut self.amount), &keep);
        self.status = retain_kept(std::mem::take(&mut self.status), &keep);
        self.final_status = retain_kept(std::mem::take(&mut self.final_status), &keep);
        if self.with_products {
            self.product_span = retain_kept(std::mem::take(&mut self.product_span), &keep);
        }
        for column in &mut self.dims {
            *column = retain_kept(std::mem::take(column), &keep);
        }
    }
}

/// What [`match_refunds`] changed, and how to undo it (a re-run with other options starts from
/// the orders as merged).
#[derive(Debug, Clone, Default)]
pub struct RefundMatches {
    /// Purchases fully reversed by a refund: no longer purchases.
    pub reversed: u64,
    /// Refunds booked on the purchase they partly reverse (its amount reduced).
    pub partial: u64,
    /// (order, amount before, purchase before) of every order changed, to restore.
    undo: Vec<(usize, Micros, bool)>,
}

impl RefundMatches {
    /// Puts the orders back as they were before [`match_refunds`].
    pub fn undo(&self, orders: &mut Orders) {
        for &(o, amount, purchase) in self.undo.iter().rev() {
            if let (Some(a), Some(p)) = (orders.amount.get_mut(o), orders.purchase.get_mut(o)) {
                *a = amount;
                *p = purchase;
            }
        }
    }
}

/// Refunds that reverse a purchase of the same customer (option `matchRefunds`, rule in
/// docs/refunds.md). Every non-purchase order with a negative amount is a refund; in time
/// order, each is matched to the earliest purchase not yet reversed that lies at most
/// `window_days` before it (or at the same time) and whose amount equals the refund's with
/// the sign changed: that purchase stops being a purchase (its money and the refund's still
/// net in revenue). Without such a purchase, the earliest one in the window whose amount
/// exceeds the refund takes the refund (its amount reduced, the refund's set to 0; it stays a
/// purchase). Lines of one order were already netted by the merge; an order whose status
/// changed to a cancelled one on a later line is reversed first. Only that status rule applies
/// without an amount column.
pub fn match_refunds(orders: &mut Orders, window_days: u32) -> RefundMatches {
    let mut out = RefundMatches::default();
    // Rule 1: an order whose status changed to a cancelled one on a later line was reversed
    // within the order (a status log: paid, then refunded), whatever its amounts say.
    for o in 0..orders.len() {
        let last = orders.final_status[o];
        let cancelled = orders
            .cancelled
            .get(last as usize)
            .copied()
            .unwrap_or(false);
        if orders.purchase[o] && last != orders.status[o] && cancelled {
            out.undo.push((o, orders.amount[o], true));
            orders.purchase[o] = false;
            out.reversed += 1;
        }
    }
    if !orders.has_amount {
        return out;
    }
    let window = i64::from(window_days) * DAY;
    let n_customers = orders.starts.len().saturating_sub(1);
    let mut purchases: Vec<usize> = Vec::new();
    for c in 0..n_customers {
        let range = orders.of_customer(c);
        if !range
            .clone()
            .any(|o| !orders.purchase[o] && orders.amount[o] < 0)
        {
            continue;
        }
        purchases.clear();
        // the first purchase that may still lie in a later refund's window
        let mut from = 0;
        for o in range {
            if orders.purchase[o] {
                purchases.push(o);
                continue;
            }
            let refund = orders.amount[o];
            if refund >= 0 {
                continue;
            }
            let (time, target) = (orders.time[o], refund.saturating_neg());
            while from < purchases.len() && orders.time[purchases[from]] < time - window {
                from += 1;
            }
            let live = |p: &&usize| orders.purchase[**p];
            let candidates = || purchases[from..].iter().filter(live);
            if let Some(&p) = candidates().find(|&&p| orders.amount[p] == target) {
                out.undo.push((p, orders.amount[p], true));
                orders.purchase[p] = false;
                out.reversed += 1;
            } else if let Some(&p) = candidates().find(|&&p| orders.amount[p] > target) {
                out.undo.push((p, orders.amount[p], true));
                out.undo.push((o, refund, false));
                orders.amount[p] -= target;
                orders.amount[o] = 0;
                out.partial += 1;
            }
        }
    }
    out
}
