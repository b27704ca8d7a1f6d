//! `cohorts`: acquisition cohorts by `cohortGrain`, calendar or relative periods, with
//! right-censoring, rolling retention, revenue and the LTV curve (SPEC §4, §11).

use super::rates::grain_name;
use super::{ratio, to_f64, Context};
use crate::options::Alignment;
use crate::period::{Periods, DAY};
use crate::report::{AverageCell, CohortCell, CohortRow, Cohorts};

/// Per-cohort accumulators, one slot per period index k = 0..=K.
struct Acc {
    size: u64,
    active: Vec<u64>,
    /// Buyers whose last purchase is in period k (suffix sums give rolling retention).
    last_active: Vec<u64>,
    /// Relative alignment: buyers whose last eligible period is k (suffix sums: eligible).
    last_eligible: Vec<u64>,
    /// Relative alignment: some buyer's last eligible period k ends after `E`.
    partial: Vec<bool>,
    orders: Vec<u64>,
    revenue: Vec<i128>,
}

impl Acc {
    fn new(slots: usize) -> Acc {
        Acc {
            size: 0,
            active: vec![0; slots],
            last_active: vec![0; slots],
            last_eligible: vec![0; slots],
            partial: vec![false; slots],
            orders: vec![0; slots],
            revenue: vec![0; slots],
        }
    }
}

/// At most this many cells in the table: a mistyped year (0202, 2204) must not make a
/// day-grain table of billions of cells and exhaust the page's memory.
pub const MAX_CELLS: usize = 1_000_000;

/// The cohort table, and a warning (English, Chinese) when it had to be cut to
/// [`MAX_CELLS`] cells.
pub fn cohorts(cx: &Context) -> (Cohorts, Option<(String, String)>) {
    let grain = cx.options.cohort_grain;
    let alignment = cx.options.cohort_alignment;
    let e = cx.orders.as_of;
    let buyers = &cx.customers.buyers;
    let length = grain.relative_days() * DAY;
    let mut table = Cohorts {
        grain: grain_name(grain),
        alignment: match alignment {
            Alignment::Calendar => "calendar",
            Alignment::Relative => "relative",
        }
        .into(),
        rows: Vec::new(),
        average: Vec::new(),
    };
    let Some(first) = buyers.iter().map(|b| b.first).min() else {
        return (table, None);
    };
    let c_min = grain.index_of(first);
    // K: the last period index any customer of the earliest cohort can reach before E.
    let k_max = match alignment {
        Alignment::Calendar => grain.index_of(e - 1) - c_min,
        Alignment::Relative => (e - first - 1).div_euclid(length),
    }
    .max(0);
    let periods = Periods::new(grain, first, e - 1);
    let mut cohort_periods: Vec<i64> = buyers.iter().map(|b| periods.index_of(b.first)).collect();
    cohort_periods.sort_unstable();
    cohort_periods.dedup();
    let wanted = usize::try_from(k_max)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let slots = wanted.min((MAX_CELLS / cohort_periods.len().max(1)).max(1));
    let warning = (slots < wanted).then(|| {
        (
            format!(
                "cohorts: {} cohorts × {wanted} periods is too large a table; only periods k = 0..{} are shown (check for mistyped years, or use a coarser cohortGrain)",
                cohort_periods.len(),
                slots - 1
            ),
            format!(
                "同期群：{} 个同期群 × {wanted} 个周期的表格过大；仅显示 k = 0..{}（请检查是否有年份输错，或使用更粗的 cohortGrain）",
                cohort_periods.len(),
                slots - 1
            ),
        )
    });
    // Period index of time t for a buyer acquired at `first` in cohort period `c`.
    let index = |c: i64, first: i64, t: i64| -> i64 {
        match alignment {
            Alignment::Calendar => periods.index_of(t) - c,
            Alignment::Relative => (t - first).div_euclid(length),
        }
    };

    // one accumulator per cohort, in cohort order
    let mut accs: Vec<(i64, Acc)> = cohort_periods
        .iter()
        .map(|&c| (c, Acc::new(slots)))
        .collect();
    for b in buyers {
        let c = periods.index_of(b.first);
        let Some((_, acc)) = cohort_periods
            .binary_search(&c)
            .ok()
            .and_then(|i| accs.get_mut(i))
        else {
            continue;
        };
        acc.size += 1;
        let mut last_k = -1;
        for u in cx.customers.units_of(b) {
            let k = index(c, b.first, u.time);
            if k != last_k {
                if let Some(slot) = acc.active.get_mut(k as usize) {
                    *slot += 1;
                }
                last_k = k;
            }
        }
        if let Some(slot) = acc.last_active.get_mut(last_k.max(0) as usize) {
            *slot += 1;
        }
        if alignment == Alignment::Relative {
            // Eligible for k while first + k·L < E (SPEC §4 right-censoring).
            let last_eligible = (e - b.first - 1).div_euclid(length);
            if let Ok(k) = usize::try_from(last_eligible) {
                if let Some(slot) = acc.last_eligible.get_mut(k) {
                    *slot += 1;
                }
                if b.first + (last_eligible + 1) * length > e {
                    if let Some(slot) = acc.partial.get_mut(k) {
                        *slot = true;
                    }
                }
            }
        }
        for o in b.orders.clone() {
            let k = index(c, b.first, cx.orders.time[o]);
            if let Ok(k) = usize::try_from(k) {
                if let Some(slot) = acc.orders.get_mut(k) {
                    *slot += 1;
                    acc.revenue[k] += i128::from(cx.orders.amount[o]);
                }
            }
        }
    }

    let mut avg_active = vec![0u64; slots];
    let mut avg_eligible = vec![0u64; slots];
    for &(c, ref acc) in &accs {
        let mut cells = Vec::with_capacity(slots);
        let mut rolling = 0u64;
        let mut eligible_tail = 0u64;
        let rolling_from: Vec<u64> = (0..slots)
            .rev()
            .map(|k| {
                rolling += acc.last_active[k];
                rolling
            })
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let eligible_from: Vec<u64> = (0..slots)
            .rev()
            .map(|k| {
                eligible_tail += acc.last_eligible[k];
                eligible_tail
            })
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let mut cumulative: i128 = 0;
        for k in 0..slots {
            cumulative += acc.revenue[k];
            let (eligible, partial) = match alignment {
                Alignment::Calendar => {
                    let start = grain.start_of(c + k as i64);
                    if start >= e {
                        cells.push(None);
                        continue;
                    }
                    (acc.size, grain.start_of(c + k as i64 + 1) > e)
                }
                Alignment::Relative => {
                    if eligible_from[k] == 0 {
                        cells.push(None);
                        continue;
                    }
                    (eligible_from[k], acc.partial[k])
                }
            };
            avg_active[k] += acc.active[k];
            avg_eligible[k] += eligible;
            cells.push(Some(CohortCell {
                k: k as u32,
                active: acc.active[k],
                retention: ratio(acc.active[k] as f64, eligible as f64),
                // At k = 0 every eligible customer is active by definition (SPEC §11).
                rolling_active: if k == 0 { eligible } else { rolling_from[k] },
                orders: acc.orders[k],
                revenue: cx.money(acc.revenue[k]),
                cumulative_revenue_per_customer: cx
                    .money(cumulative)
                    .and_then(|_| ratio(to_f64(cumulative), acc.size as f64)),
                eligible,
                partial,
            }));
        }
        table.rows.push(CohortRow {
            cohort: grain.label(c),
            size: acc.size,
            cells,
        });
    }
    table.average = (0..slots)
        .map(|k| AverageCell {
            k: k as u32,
            retention: ratio(avg_active[k] as f64, avg_eligible[k] as f64),
            eligible: avg_eligible[k],
        })
        .collect();
    (table, warning)
}
