//! `winback`: lapsed customers who came back (SPEC §13). A customer is lapsed at an instant
//! when their latest purchase before it lies more than `silentDays` whole days earlier.

use super::products::quartiles;
use super::rates::period_span;
use super::{ratio, Context};
use crate::period::day_of;
use crate::report::{Winback, WinbackPeriod};

/// The `winback` section: per period of `rates`, the customers lapsed at its start and those
/// of them buying in it; and every purchase that ended a lapse.
pub fn winback(cx: &Context) -> Winback {
    let silent = i64::from(cx.options.silent_days);
    let grain = cx.options.period_grain;
    let span = period_span(cx);
    let (p0, p_last) = span.as_ref().map_or((0, -1), |s| (s.0, s.1));
    let len = (p_last - p0 + 1).max(0) as usize;
    // The first day of each period, ascending: lookups are binary searches, not calendar
    // arithmetic per purchase.
    let first_day: Vec<i64> = (0..len as i64)
        .map(|i| day_of(grain.start_of(p0 + i)))
        .collect();
    // lapsed as a difference array over periods; reactivated directly.
    let mut lapsed_delta = vec![0i64; len + 1];
    let mut reactivated = vec![0u64; len];
    // The periods whose first day lies in days lo..=hi (hi: the last period when None).
    let periods_starting = |lo: i64, hi: Option<i64>| -> Option<(usize, usize)> {
        let a = first_day.partition_point(|&d| d < lo);
        let z = hi.map_or(len, |hi| first_day.partition_point(|&d| d <= hi));
        (a < z).then(|| (a, z - 1))
    };
    // The period holding day `d`, if shown.
    let period_of = |d: i64| first_day.partition_point(|&s| s <= d).checked_sub(1);
    let mut customers = 0u64;
    let mut gaps: Vec<f64> = Vec::new();
    for b in &cx.customers.buyers {
        let units = cx.customers.units_of(b);
        let mut came_back = false;
        for (i, u) in units.iter().enumerate() {
            let day = day_of(u.time);
            let next = units.get(i + 1).map(|n| n.time);
            // Lapsed at the start of every period starting from day + silent + 1 up to the
            // next purchase's day (its own period included when it starts by then).
            if let Some((a, z)) = periods_starting(day + silent + 1, next.map(day_of)) {
                lapsed_delta[a] += 1;
                lapsed_delta[z + 1] -= 1;
            }
            let Some(next) = next else { continue };
            let gap = day_of(next) - day;
            if gap > silent {
                came_back = true;
                gaps.push(gap as f64);
                if let Some(q) = period_of(day_of(next)) {
                    if first_day[q] > day + silent {
                        reactivated[q] += 1;
                    }
                }
            }
        }
        customers += u64::from(came_back);
    }
    let mut lapsed = 0i64;
    let periods = (0..len)
        .map(|i| {
            lapsed += lapsed_delta[i];
            let n = lapsed.max(0) as u64;
            WinbackPeriod {
                period: grain.label(p0 + i as i64),
                lapsed: n,
                reactivated: reactivated[i],
                rate: ratio(reactivated[i] as f64, n as f64),
            }
        })
        .collect();
    Winback {
        silent_days: cx.options.silent_days,
        customers,
        share: ratio(customers as f64, cx.customers.buyers.len() as f64),
        gap_days: quartiles(&mut gaps),
        periods,
    }
}
