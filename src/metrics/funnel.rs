//! `funnel`: reached / conversion per purchase count, gaps between purchases, repurchase
//! within d days with right-censoring, and the first → second gap histogram (SPEC §5).

use super::{mean, percentile, ratio, Context};
use crate::period::DAY;
use crate::report::{Funnel, FunnelStep, GapStats, HistogramBin, RepurchaseWithin};

/// Histogram bin edges in days; the last bin is open.
const BINS: [u32; 9] = [0, 1, 7, 14, 30, 60, 90, 180, 365];

/// The funnel.
pub fn funnel(cx: &Context) -> Funnel {
    let buyers = &cx.customers.buyers;
    let depth = cx.options.funnel_depth as usize;
    // reached[n] for n = 1..=depth + 1 (the last one only for the last conversion).
    let mut reached = vec![0u64; depth + 2];
    let mut gaps: Vec<Vec<f64>> = vec![Vec::new(); depth + 1];
    for b in buyers {
        let p = (b.purchases as usize).min(depth + 1);
        for slot in reached.iter_mut().take(p + 1).skip(1) {
            *slot += 1;
        }
        for (n, slot) in gaps.iter_mut().enumerate().skip(1) {
            match cx.customers.gap_days(b, n) {
                Some(g) => slot.push(g),
                None => break,
            }
        }
    }
    let steps = (1..=depth)
        .map(|n| {
            let g = &mut gaps[n];
            super::sort_values(g);
            FunnelStep {
                n: n as u32,
                reached: reached[n],
                conversion: ratio(reached[n + 1] as f64, reached[n] as f64),
                gap_days: GapStats {
                    median: percentile(g, 0.5),
                    p25: percentile(g, 0.25),
                    p75: percentile(g, 0.75),
                    mean: mean(g),
                },
            }
        })
        .collect();

    let e = cx.orders.as_of;
    let repurchase_within = cx
        .options
        .repurchase_windows
        .iter()
        .map(|&d| {
            let window = i64::from(d) * DAY;
            let (mut eligible, mut repurchased) = (0u64, 0u64);
            for b in buyers {
                if b.first + window <= e {
                    eligible += 1;
                    let units = cx.customers.units_of(b);
                    if units
                        .get(1)
                        .is_some_and(|second| second.time - b.first <= window)
                    {
                        repurchased += 1;
                    }
                }
            }
            RepurchaseWithin {
                days: d,
                eligible,
                repurchased,
                rate: ratio(repurchased as f64, eligible as f64),
            }
        })
        .collect();

    let mut counts = [0u64; BINS.len()];
    for b in buyers {
        if let Some(g) = cx.customers.gap_days(b, 1) {
            let bin = BINS
                .iter()
                .rposition(|&edge| g >= f64::from(edge))
                .unwrap_or(0);
            counts[bin] += 1;
        }
    }
    let histogram = BINS
        .iter()
        .enumerate()
        .map(|(i, &from)| HistogramBin {
            from_days: from,
            to_days: BINS.get(i + 1).copied(),
            customers: counts[i],
        })
        .collect();
    Funnel {
        steps,
        repurchase_within,
        histogram,
    }
}
