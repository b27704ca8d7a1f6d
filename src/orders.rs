//! The order table: lines merged into orders (SPEC §1, §11), observation end `E`, and one
//! sort by (customer, time). Columnar: customer ids interned to `u32`, times as `i64`.

use rustc_hash::FxHashMap;

use crate::ingest::values::Micros;
use crate::ingest::{Dimension, IngestInfo, Lines, Reason, Sample, Status, NO_TIME};
use crate::intern::Interner;
use crate::period::{day_of, DAY};

/// A dimension's value per order.
#[derive(Debug, Clone)]
pub struct DimColumn {
    /// Column name.
    pub name: String,
    /// Distinct values; number 0 is blank.
    pub values: Interner,
    /// Value number of each order.
    pub of_order: Vec<u32>,
}

/// All orders before `E`, sorted by (customer, time, file order).
#[derive(Debug, Clone)]
pub struct Orders {
    /// Customer ids (every customer seen, including ones with no order before `E`).
    pub customers: Interner,
    /// Customer of each order.
    pub customer: Vec<u32>,
    /// Time of each order (earliest line).
    pub time: Vec<i64>,
    /// Amount of each order (sum of lines), micros; 0 without an amount.
    pub amount: Vec<Micros>,
    /// Whether each order is a purchase (SPEC §1).
    pub purchase: Vec<bool>,
    /// Dimension values per order.
    pub dims: Vec<DimColumn>,
    /// Whether amounts exist.
    pub has_amount: bool,
    /// Customer `c`'s orders are `starts[c]..starts[c + 1]`.
    pub starts: Vec<usize>,
    /// Observation end `E` (seconds).
    pub as_of: i64,
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
}

/// Merges lines into orders, fixes `E` (`as_of`, or the day after the last order's day), drops
/// orders at or after `E` (with a warning) and sorts. Lines of orders without any time are
/// rejected here (SPEC §11).
pub fn build(lines: Lines, as_of: Option<i64>, info: &mut IngestInfo) -> Orders {
    let Lines {
        customers,
        customer,
        time,
        amount,
        has_amount,
        order,
        status,
        dims,
        line,
        time_column,
    } = lines;
    let n_lines = customer.len();
    // 1. Merge lines sharing (customer, order id); a blank order id is an order of its own.
    let mut merged = Merged::with_capacity(n_lines, dims.len());
    match &order {
        None => {
            for i in 0..n_lines {
                merged.push_line(i, &customer, &time, &amount, &status, &dims);
            }
        }
        Some(order) => {
            let mut index: FxHashMap<(u32, u32), u32> = FxHashMap::default();
            let mut order_of_line = Vec::with_capacity(n_lines);
            for i in 0..n_lines {
                let key = (customer[i], order[i]);
                let existing = if key.1 == 0 {
                    None
                } else {
                    index.get(&key).copied()
                };
                let o = match existing {
                    Some(o) => {
                        merged.add_line(o as usize, i, &time, &amount, &status, &dims);
                        o
                    }
                    None => {
                        let o = merged.push_line(i, &customer, &time, &amount, &status, &dims);
                        if key.1 != 0 {
                            index.insert(key, o);
                        }
                        o
                    }
                };
                order_of_line.push(o);
            }
            // An order with no time on any line has all its lines rejected (SPEC §11).
            for (i, &o) in order_of_line.iter().enumerate() {
                if merged.time[o as usize] == NO_TIME {
                    info.rejections.add(Sample {
                        line: line[i],
                        column: time_column.clone(),
                        text: String::new(),
                        reason: Reason::MissingTime,
                    });
                }
            }
        }
    }

    // 2. E: the caller's, or the calendar day after the last order's day.
    let last = merged.time.iter().copied().filter(|&t| t != NO_TIME).max();
    let as_of = as_of.unwrap_or_else(|| last.map_or(0, |t| (day_of(t) + 1) * DAY));
    let ignored = merged
        .time
        .iter()
        .filter(|&&t| t != NO_TIME && t >= as_of)
        .count();
    if ignored > 0 {
        info.warnings.push((
            format!("{ignored} orders at or after asOf ignored"),
            format!("{ignored} 个订单在观察截止时间（asOf）当时或之后，已忽略"),
        ));
    }

    // 3. Sort by (customer, time, file order): bucket by customer, then a stable sort of each
    // bucket by time (exports are mostly in time order, so these sorts are nearly free).
    let n_customers = customers.len();
    let mut starts = vec![0usize; n_customers + 1];
    let keep = |o: usize| merged.time[o] != NO_TIME && merged.time[o] < as_of;
    for o in 0..merged.time.len() {
        if keep(o) {
            starts[merged.customer[o] as usize + 1] += 1;
        }
    }
    for c in 0..n_customers {
        starts[c + 1] += starts[c];
    }
    let total = starts[n_customers];
    let mut next = starts.clone();
    let mut perm = vec![0u32; total];
    for o in 0..merged.time.len() {
        if keep(o) {
            let c = merged.customer[o] as usize;
            perm[next[c]] = o as u32;
            next[c] += 1;
        }
    }
    for c in 0..n_customers {
        let bucket = &mut perm[starts[c]..starts[c + 1]];
        if bucket
            .windows(2)
            .any(|w| merged.time[w[0] as usize] > merged.time[w[1] as usize])
        {
            bucket.sort_by_key(|&o| merged.time[o as usize]);
        }
    }

    let gather_i64 = |v: &[i64]| perm.iter().map(|&o| v[o as usize]).collect::<Vec<_>>();
    let purchase: Vec<bool> = perm
        .iter()
        .map(|&o| {
            let o = o as usize;
            merged.status[o] != Status::Cancelled && (!has_amount || merged.amount[o] > 0)
        })
        .collect();
    Orders {
        customer: perm.iter().map(|&o| merged.customer[o as usize]).collect(),
        time: gather_i64(&merged.time),
        amount: gather_i64(&merged.amount),
        purchase,
        dims: dims
            .into_iter()
            .zip(merged.dims)
            .map(|(d, of_order)| DimColumn {
                name: d.name,
                values: d.values,
                of_order: perm.iter().map(|&o| of_order[o as usize]).collect(),
            })
            .collect(),
        has_amount,
        starts,
        as_of,
        customers,
    }
}

/// Orders in file order of their first line, while merging.
struct Merged {
    customer: Vec<u32>,
    time: Vec<i64>,
    amount: Vec<Micros>,
    status: Vec<Status>,
    dims: Vec<Vec<u32>>,
}

impl Merged {
    fn with_capacity(n: usize, n_dims: usize) -> Merged {
        Merged {
            customer: Vec::with_capacity(n),
            time: Vec::with_capacity(n),
            amount: Vec::with_capacity(n),
            status: Vec::with_capacity(n),
            dims: (0..n_dims).map(|_| Vec::with_capacity(n)).collect(),
        }
    }

    fn push_line(
        &mut self,
        i: usize,
        customer: &[u32],
        time: &[i64],
        amount: &[Micros],
        status: &[Status],
        dims: &[Dimension],
    ) -> u32 {
        let o = self.time.len() as u32;
        self.customer.push(customer[i]);
        self.time.push(time[i]);
        self.amount.push(amount[i]);
        self.status.push(status[i]);
        for (column, dim) in self.dims.iter_mut().zip(dims) {
            column.push(dim.of_line[i]);
        }
        o
    }

    /// Adds line `i` to order `o`: amounts sum, the earliest time wins, status and dimension
    /// values are the first non-blank in file order (SPEC §1, §11).
    fn add_line(
        &mut self,
        o: usize,
        i: usize,
        time: &[i64],
        amount: &[Micros],
        status: &[Status],
        dims: &[Dimension],
    ) {
        let t = time[i];
        if t != NO_TIME && (self.time[o] == NO_TIME || t < self.time[o]) {
            self.time[o] = t;
        }
        self.amount[o] = self.amount[o].saturating_add(amount[i]);
        if self.status[o] == Status::Blank {
            self.status[o] = status[i];
        }
        for (column, dim) in self.dims.iter_mut().zip(dims) {
            if column[o] == 0 {
                column[o] = dim.of_line[i];
            }
        }
    }
}
