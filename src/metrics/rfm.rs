//! `rfm`: recency / frequency / monetary scores, the 5×5 grid and the segment maps `rf10`
//! and `cn8` (SPEC §6, §11).

use super::{ratio, to_f64, Context};
use crate::customers::Buyer;
use crate::options::{RfmScheme, RfmScoring};
use crate::report::{Rfm, Segment};

/// One buyer's raw R, F, M and scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scores {
    /// Recency in whole days.
    pub recency: i64,
    /// Purchases.
    pub frequency: u32,
    /// Revenue (micros).
    pub monetary: i128,
    /// R score 1–5.
    pub r: u8,
    /// F score 1–5.
    pub f: u8,
    /// M score 1–5.
    pub m: u8,
}

/// An inclusive score range.
type Scores15 = (u8, u8);

/// `rf10` segments in report order, with the (R, F) ranges of each.
const RF10: [(&str, Scores15, Scores15); 10] = [
    ("champions", (5, 5), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("potentialLoyalists", (4, 5), (2, 3)),
    ("newCustomers", (5, 5), (1, 1)),
    ("promising", (4, 4), (1, 1)),
    ("needAttention", (3, 3), (3, 3)),
    ("aboutToSleep", (3, 3), (1, 2)),
    ("cantLoseThem", (1, 2), (5, 5)),
    ("atRisk", (1, 2), (3, 4)),
    ("hibernating", (1, 2), (1, 2)),
];

/// `cn8` classes in report order, by (R high, F high, M high).
pub(crate) const CN8: [(&str, (bool, bool, bool)); 8] = [
    ("importantValue", (true, true, true)),
    ("importantDevelop", (true, false, true)),
    ("importantKeep", (false, true, true)),
    ("importantRetain", (false, false, true)),
    ("generalValue", (true, true, false)),
    ("generalDevelop", (true, false, false)),
    ("generalKeep", (false, true, false)),
    ("generalRetain", (false, false, false)),
];

/// Quantile score: `min(5, 1 + floor(5·w/n))`, w = customers strictly worse (SPEC §6).
/// One sort; equal values share w, so ties share a score.
fn quantile_scores<T: Ord + Copy>(values: &[T], worse_is_larger: bool) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_unstable_by_key(|&i| values[i as usize]);
    let mut scores = vec![0u8; n];
    let mut start = 0;
    while start < n {
        let v = values[order[start] as usize];
        let end = start + order[start..].partition_point(|&i| values[i as usize] == v);
        // Worse = smaller values (all before the run) or larger ones (all after it).
        let w = if worse_is_larger { n - end } else { start };
        let score = (1 + 5 * w / n).min(5) as u8;
        for &i in &order[start..end] {
            scores[i as usize] = score;
        }
        start = end;
    }
    scores
}

/// Threshold score: position = cuts ≤ value (SPEC §11).
fn threshold_position(cuts: &[f64], value: f64) -> u8 {
    cuts.iter().filter(|&&c| c <= value).count() as u8
}

/// Every buyer's scores, in buyer order.
pub fn scores(cx: &Context) -> Vec<Scores> {
    let buyers = &cx.customers.buyers;
    let recency: Vec<i64> = buyers.iter().map(|b| cx.recency(b.last)).collect();
    let frequency: Vec<u32> = buyers.iter().map(|b| b.purchases).collect();
    let monetary: Vec<i128> = buyers
        .iter()
        .map(|b| if cx.orders.has_amount { b.revenue } else { 0 })
        .collect();
    let (r, f, m) = match &cx.options.rfm_scoring {
        RfmScoring::Quantile => (
            quantile_scores(&recency, true),
            quantile_scores(&frequency, false),
            quantile_scores(&monetary, false),
        ),
        RfmScoring::Thresholds(t) => (
            recency
                .iter()
                .map(|&v| 5 - threshold_position(&t.recency, v as f64).min(4))
                .collect(),
            frequency
                .iter()
                .map(|&v| 1 + threshold_position(&t.frequency, f64::from(v)).min(4))
                .collect(),
            monetary
                .iter()
                .map(|&v| 1 + threshold_position(&t.monetary, to_f64(v)).min(4))
                .collect(),
        ),
    };
    (0..buyers.len())
        .map(|i| Scores {
            recency: recency[i],
            frequency: frequency[i],
            monetary: monetary[i],
            r: r[i],
            f: f[i],
            m: m[i],
        })
        .collect()
}

/// The segment of each buyer: an index into the scheme's segment list.
pub fn segment_of(scheme: RfmScheme, scores: &[Scores], has_amount: bool) -> Vec<usize> {
    match scheme {
        RfmScheme::Rf10 => scores
            .iter()
            .map(|s| {
                RF10.iter()
                    .position(|(_, (r0, r1), (f0, f1))| {
                        (*r0..=*r1).contains(&s.r) && (*f0..=*f1).contains(&s.f)
                    })
                    .unwrap_or(RF10.len() - 1)
            })
            .collect(),
        RfmScheme::Cn8 => {
            let n = scores.len() as f64;
            let mean_r = scores.iter().map(|s| s.recency as f64).sum::<f64>() / n;
            let mean_f = scores.iter().map(|s| f64::from(s.frequency)).sum::<f64>() / n;
            let mean_m = scores.iter().map(|s| to_f64(s.monetary)).sum::<f64>() / n;
            scores
                .iter()
                .map(|s| {
                    let key = (
                        (s.recency as f64) < mean_r,
                        f64::from(s.frequency) > mean_f,
                        has_amount && to_f64(s.monetary) > mean_m,
                    );
                    CN8.iter()
                        .position(|(_, k)| *k == key)
                        .unwrap_or(CN8.len() - 1)
                })
                .collect()
        }
    }
}

/// The rf10 segment of an (R, F) score pair (SPEC §6).
pub(crate) fn rf10_name(r: u8, f: u8) -> &'static str {
    RF10.iter()
        .find(|(_, (r0, r1), (f0, f1))| (*r0..=*r1).contains(&r) && (*f0..=*f1).contains(&f))
        .or(RF10.last())
        .map_or("", |s| s.0)
}

/// A segment's Chinese name (as the page shows it), for exports in Chinese.
pub fn zh_segment_name(name: &str) -> &str {
    match name {
        "champions" => "冠军客户",
        "loyal" => "忠诚客户",
        "potentialLoyalists" => "潜力客户",
        "newCustomers" => "新客户",
        "promising" => "有望客户",
        "needAttention" => "需关注",
        "aboutToSleep" => "即将沉睡",
        "cantLoseThem" => "不能失去",
        "atRisk" => "流失风险",
        "hibernating" => "沉睡客户",
        "importantValue" => "重要价值客户",
        "importantDevelop" => "重要发展客户",
        "importantKeep" => "重要保持客户",
        "importantRetain" => "重要挽留客户",
        "generalValue" => "一般价值客户",
        "generalDevelop" => "一般发展客户",
        "generalKeep" => "一般保持客户",
        "generalRetain" => "一般挽留客户",
        other => other,
    }
}

/// Names of a scheme's segments, in report order.
pub fn segment_names(scheme: RfmScheme) -> Vec<&'static str> {
    match scheme {
        RfmScheme::Rf10 => RF10.iter().map(|s| s.0).collect(),
        RfmScheme::Cn8 => CN8.iter().map(|s| s.0).collect(),
    }
}

/// The RFM section.
pub fn rfm(cx: &Context, scores: &[Scores], segments: &[usize]) -> Rfm {
    let buyers: &[Buyer] = &cx.customers.buyers;
    let scheme = cx.options.rfm_segments;
    let mut grid = [[0u64; 5]; 5];
    for s in scores {
        let (r, f) = (
            usize::from(s.r.clamp(1, 5)) - 1,
            usize::from(s.f.clamp(1, 5)) - 1,
        );
        grid[r][f] += 1;
    }
    let names = segment_names(scheme);
    let n = buyers.len() as f64;
    let total_revenue: i128 = buyers.iter().map(|b| b.revenue).sum();
    let segments = names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let members: Vec<usize> = (0..buyers.len()).filter(|&i| segments[i] == k).collect();
            let count = members.len() as f64;
            let revenue: i128 = members.iter().map(|&i| buyers[i].revenue).sum();
            let sum_r: f64 = members.iter().map(|&i| scores[i].recency as f64).sum();
            let sum_f: f64 = members
                .iter()
                .map(|&i| f64::from(scores[i].frequency))
                .sum();
            let repeaters = members
                .iter()
                .filter(|&&i| buyers[i].purchases >= 2)
                .count();
            Segment {
                segment: (*name).to_string(),
                customers: members.len() as u64,
                share: ratio(count, n),
                revenue: cx.money(revenue),
                revenue_share: cx
                    .money(revenue)
                    .and_then(|r| ratio(r, to_f64(total_revenue))),
                mean_recency: ratio(sum_r, count),
                mean_frequency: ratio(sum_f, count),
                mean_monetary: cx.money(revenue).and_then(|r| ratio(r, count)),
                repurchase_rate: ratio(repeaters as f64, count),
            }
        })
        .collect();
    section(scheme, grid, segments)
}

/// The section from its grid and segments: the scheme's name and, for rf10, the segment of
/// each R×F cell (SPEC §6). Shared with the warehouse summary.
pub(crate) fn section(scheme: RfmScheme, grid: [[u64; 5]; 5], segments: Vec<Segment>) -> Rfm {
    let grid_segments = (scheme == RfmScheme::Rf10).then(|| {
        (1..=5u8)
            .map(|r| (1..=5u8).map(|f| rf10_name(r, f).to_string()).collect())
            .collect()
    });
    Rfm {
        scheme: match scheme {
            RfmScheme::Rf10 => "rf10",
            RfmScheme::Cn8 => "cn8",
        }
        .into(),
        grid,
        grid_segments,
        segments,
    }
}
