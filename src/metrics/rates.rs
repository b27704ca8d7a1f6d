//! `rates`: the per-period repurchase rate, returning rate (SPEC §3) and churn (§8).

use super::{ratio, Context};
use crate::period::Periods;
use crate::report::{PeriodRates, Rates};

/// At most this many periods: a mistyped year must not make millions of rows.
pub const MAX_PERIODS: i64 = 20_000;

/// First and last period index, and the warning when periods were left out.
pub type PeriodSpan = (i64, i64, Option<(String, String)>);

/// The `periodGrain` periods of `rates` (and `winback`): `(p0, p_last)`, the first and last
/// period index shown, from the first purchase to the last instant before `E`, at most
/// [`MAX_PERIODS`] (the last ones, with a warning). `None` without a purchase.
pub fn period_span(cx: &Context) -> Option<PeriodSpan> {
    let grain = cx.options.period_grain;
    let first = cx.customers.buyers.iter().map(|b| b.first).min()?;
    let p_last = grain
        .index_of(cx.orders.as_of - 1)
        .max(grain.index_of(first));
    let p_first = grain.index_of(first);
    let p0 = p_first.max(p_last - (MAX_PERIODS - 1));
    let warning = (p0 > p_first).then(|| {
        (
            format!("rates: {} periods is too many; only the last {MAX_PERIODS} are shown (check for mistyped years, or use a coarser periodGrain)", p_last - p_first + 1),
            format!("各期复购率：{} 个周期过多；仅显示最近的 {MAX_PERIODS} 个（请检查是否有年份输错，或使用更粗的 periodGrain）", p_last - p_first + 1),
        )
    });
    Some((p0, p_last, warning))
}

/// One entry per `periodGrain` period of [`period_span`].
pub fn rates(cx: &Context) -> (Rates, Option<(String, String)>) {
    let grain = cx.options.period_grain;
    let buyers = &cx.customers.buyers;
    let grain_name = grain_name(grain);
    let Some((p0, p_last, warning)) = period_span(cx) else {
        return (
            Rates {
                grain: grain_name,
                periods: Vec::new(),
            },
            None,
        );
    };
    let len = (p_last - p0 + 1) as usize;
    let periods = Periods::new(grain, grain.start_of(p0), cx.orders.as_of - 1);
    let mut buyers_in = vec![0u64; len];
    let mut repeat = vec![0u64; len];
    let mut returning = vec![0u64; len];
    // stayed[p] = customers buying in both p − 1 and p.
    let mut stayed = vec![0u64; len];
    for b in buyers {
        let first_period = periods.index_of(b.first);
        let mut current: Option<(i64, u32)> = None;
        let mut previous: Option<i64> = None;
        let mut close = |p: i64, n: u32, previous: Option<i64>| {
            let Ok(i) = usize::try_from(p - p0) else {
                return;
            };
            if let Some(slot) = buyers_in.get_mut(i) {
                *slot += 1;
                if n >= 2 {
                    repeat[i] += 1;
                }
                if p > first_period {
                    returning[i] += 1;
                }
                if previous == Some(p - 1) {
                    stayed[i] += 1;
                }
            }
        };
        for u in cx.customers.units_of(b) {
            let p = periods.index_of(u.time);
            match current {
                Some((q, n)) if q == p => current = Some((q, n + 1)),
                Some((q, n)) => {
                    close(q, n, previous);
                    previous = Some(q);
                    current = Some((p, 1));
                }
                None => current = Some((p, 1)),
            }
        }
        if let Some((q, n)) = current {
            close(q, n, previous);
        }
    }
    let periods = (0..len)
        .map(|i| {
            let b = buyers_in[i] as f64;
            PeriodRates {
                period: grain.label(p0 + i as i64),
                buyers: buyers_in[i],
                repeat_buyers: repeat[i],
                period_repurchase_rate: ratio(repeat[i] as f64, b),
                returning_buyers: returning[i],
                returning_rate: ratio(returning[i] as f64, b),
                churn_rate: i.checked_sub(1).and_then(|j| {
                    let before = buyers_in[j] as f64;
                    ratio(before - stayed[i] as f64, before)
                }),
                churned: i.checked_sub(1).map(|j| buyers_in[j] - stayed[i]),
            }
        })
        .collect();
    (
        Rates {
            grain: grain_name,
            periods,
        },
        warning,
    )
}

/// The option spelling of a grain.
pub fn grain_name(grain: crate::period::Grain) -> String {
    match grain {
        crate::period::Grain::Day => "day",
        crate::period::Grain::Week => "week",
        crate::period::Grain::Month => "month",
        crate::period::Grain::Quarter => "quarter",
        crate::period::Grain::Year => "year",
    }
    .to_string()
}
