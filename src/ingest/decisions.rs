//! The column-wide decisions taken once every row is read (SPEC §11): numeric time columns,
//! day/month order, each money column's decimal convention; then each row's fate (accepted,
//! or rejected with the first failing reason) and the warnings about outlying dates.

use super::columns::Role;
use super::rejections::{sample_text, Reason, Rejections, Sample};
use super::rows::{
    is_sentinel, MoneyColumn, RowReader, BAD, BLANK, EXTRA_FIELDS, MAX_TIME, MIN_TIME,
};
use super::{retain_kept, Dimension, IngestInfo, Lines, MAX_DIMENSIONS};
use crate::money::{self, parse_money, Micros, Money, Separators};
use crate::period::{format_time, DAY};
use crate::time::{DayMonth, NumericTime, Time};

impl RowReader {
    /// Column-wide decisions, then the rows' fates: accepted lines or counted rejections.
    pub(super) fn finish(mut self, info: &mut IngestInfo) -> Lines {
        info.rows = self.rows;
        info.mapping = self
            .mapping
            .columns
            .iter()
            .map(|(&role, &c)| (role, self.names[c].clone()))
            .collect();
        info.choices = std::mem::take(&mut self.choices);
        info.customer_fallback = self
            .customer_fallback
            .map(|c| (self.names[c].clone(), self.fallback_rows));
        if self.dims_dropped > 0 {
            info.warnings.push((
                format!(
                    "{} columns beyond the first {MAX_DIMENSIONS} that play no role are not used as dimensions",
                    self.dims_dropped
                ),
                format!(
                    "除前 {MAX_DIMENSIONS} 列外，另有 {} 个无角色的列未用作维度",
                    self.dims_dropped
                ),
            ));
        }

        self.decide_numeric_times(info);

        // Date order (SPEC §11).
        let order = self.decide_date_order(info);
        for &(row, t) in &self.pending_times {
            let v = t.resolve(order).unwrap_or(BAD);
            if v == BAD && self.bad_texts.len() < 2 * Rejections::SAMPLES {
                if let Some(c) = self.time_col {
                    let text = match t {
                        Time::Ambiguous { a, b, year, .. } => format!("{a}/{b}/{year}"),
                        Time::Exact(_) => String::new(),
                    };
                    self.bad_texts.push((row, c, text));
                }
            }
            if let Some(slot) = self.time.get_mut(row as usize) {
                *slot = v;
            }
        }

        // Decimal convention per money column (SPEC §11).
        let conventions: Vec<Separators> = self
            .separators
            .iter()
            .map(|&[dot, comma]| {
                if comma > dot {
                    Separators::DecimalComma
                } else {
                    Separators::DecimalDot
                }
            })
            .collect();
        for (row, k, text) in std::mem::take(&mut self.pending_money) {
            let conv = conventions.get(k).copied();
            let v = match parse_money(&text, conv) {
                Some(Money::Exact(v, _)) => v,
                _ => BAD,
            };
            if v == BAD && self.bad_texts.len() < 2 * Rejections::SAMPLES {
                if let Some(&(_, col)) = self.money_columns.get(k) {
                    self.bad_texts.push((row, col, sample_text(&text)));
                }
            }
            if let Some(slot) = self.money.get_mut(k).and_then(|m| m.get_mut(row as usize)) {
                *slot = v;
            }
        }

        let has_order = self.order_ids.is_some();
        let time_column = self
            .time_col
            .map(|c| self.names[c].clone())
            .unwrap_or_default();
        let name = |c: Option<usize>| {
            c.and_then(|c| self.names.get(c).cloned())
                .unwrap_or_default()
        };
        // Rows are visited in line order, so once SAMPLES rows are rejected no later text can
        // be reported.
        let bad_text = |rejected_so_far: u64, row: u32, col: usize| {
            if rejected_so_far >= Rejections::SAMPLES as u64 {
                return String::new();
            }
            self.bad_texts
                .iter()
                .find(|(r, c, _)| *r == row && *c == col)
                .map(|(_, _, t)| t.clone())
                .unwrap_or_default()
        };

        let n = self.rows as usize;
        let mut keep = vec![false; n];
        let mut amounts: Vec<Micros> =
            Vec::with_capacity(if self.money.is_empty() { 0 } else { n });
        let mut structural = self.structural.iter().peekable();
        let (mut too_early, mut too_late) = (0u64, 0u64);
        #[allow(clippy::needless_range_loop)] // `row` indexes several parallel columns.
        for row in 0..n {
            let line = self.line[row];
            let reject =
                |rej: &mut Rejections, reason: Reason, col: Option<usize>, text: String| {
                    rej.add(Sample {
                        line,
                        column: name(col),
                        text,
                        reason,
                    });
                };
            let time_col = self.time_col;
            if let Some(&(_, reason)) = structural.next_if(|&&(r, _)| r as usize == row) {
                let (col, text) = match reason {
                    Reason::RaggedRow | Reason::UnclosedQuote => (
                        None,
                        bad_text(info.rejections.total(), row as u32, EXTRA_FIELDS),
                    ),
                    _ => (self.customer_col, name(self.customer_col)),
                };
                reject(&mut info.rejections, reason, col, text);
                continue;
            }
            if self.missing_customer[row] {
                reject(
                    &mut info.rejections,
                    Reason::MissingCustomer,
                    self.customer_col,
                    String::new(),
                );
                continue;
            }
            match self.time[row] {
                BLANK if !has_order => {
                    reject(
                        &mut info.rejections,
                        Reason::MissingTime,
                        time_col,
                        String::new(),
                    );
                    continue;
                }
                BAD => {
                    let text = time_col
                        .map(|c| bad_text(info.rejections.total(), row as u32, c))
                        .unwrap_or_default();
                    reject(&mut info.rejections, Reason::BadTime, time_col, text);
                    continue;
                }
                t if t != BLANK && !(MIN_TIME..MAX_TIME).contains(&t) => {
                    if t < MIN_TIME {
                        too_early += 1;
                    } else {
                        too_late += 1;
                    }
                    let text = if info.rejections.total() < Rejections::SAMPLES as u64 {
                        format_time(t)
                    } else {
                        String::new()
                    };
                    reject(&mut info.rejections, Reason::TimeOutOfRange, time_col, text);
                    continue;
                }
                _ => {}
            }
            // Money: blank is 0 with an order role (continuation lines), else missing.
            let mut amount: i128 = 1;
            let mut refunded: i128 = 0;
            let mut failed = None;
            let mut scale_down = false;
            for (k, &(kind, col)) in self.money_columns.iter().enumerate() {
                let v = self.money[k][row];
                let v = match v {
                    BLANK if has_order || kind == MoneyColumn::Refunded => 0,
                    BLANK => {
                        failed = Some((Reason::MissingAmount, col, String::new()));
                        break;
                    }
                    v if is_sentinel(v) => {
                        failed = Some((
                            Reason::BadAmount,
                            col,
                            bad_text(info.rejections.total(), row as u32, col),
                        ));
                        break;
                    }
                    v => v,
                };
                if kind == MoneyColumn::Refunded {
                    // A refund is written as a positive amount or a negative one.
                    refunded = i128::from(v).abs();
                    continue;
                }
                amount *= i128::from(v);
                scale_down = k > 0;
            }
            if scale_down {
                // quantity × unit price: both in micros, so the product is in micros².
                let q = amount / i128::from(money::MICROS);
                let r = amount % i128::from(money::MICROS);
                amount = q + if 2 * r.abs() >= i128::from(money::MICROS) {
                    r.signum()
                } else {
                    0
                };
            }
            let amount = i64::try_from(amount - refunded).ok();
            if failed.is_none() && amount.is_none() {
                let col = self.money_columns.first().map_or(0, |m| m.1);
                failed = Some((
                    Reason::BadAmount,
                    col,
                    bad_text(info.rejections.total(), row as u32, col),
                ));
            }
            if let Some((reason, col, text)) = failed {
                reject(&mut info.rejections, reason, Some(col), text);
                continue;
            }
            keep[row] = true;
            if !self.money.is_empty() {
                amounts.push(amount.unwrap_or(0));
            }
        }
        if too_early + too_late > 0 {
            info.warnings.push((
                format!(
                    "{too_early} rows dated before 1900-01-01 and {too_late} dated 2200-01-01 or later were rejected (timeOutOfRange): such dates are placeholders or typos"
                ),
                format!(
                    "{too_early} 行日期早于 1900-01-01，{too_late} 行日期不早于 2200-01-01，已拒绝（timeOutOfRange）：这类日期通常是占位值或输入错误"
                ),
            ));
        }
        self.warn_outlying_times(&keep, info);

        let has_amount = !self.money.is_empty();
        let kept = keep.iter().filter(|&&k| k).count();
        let unnamed = &self.unnamed;
        let product_column = self.mapping.get(Role::Product);
        let mut product = None;
        let dims: Vec<Dimension> = self
            .dims
            .into_iter()
            .filter_map(|(c, mut d)| {
                // A column with neither a name nor any value carries nothing (Excel's trailing
                // empty columns): it is no dimension.
                if d.values.len() == 1 && unnamed.get(c).copied().unwrap_or(true) {
                    return None;
                }
                let mut of_line = std::mem::take(&mut d.of_line);
                of_line.resize(n, 0);
                d.of_line = retain_kept(of_line, &keep);
                Some((c, d))
            })
            .enumerate()
            .map(|(k, (c, d))| {
                if Some(c) == product_column {
                    product = Some(k);
                }
                d
            })
            .collect();
        Lines {
            customer: retain_kept(self.customer, &keep),
            // BLANK and NO_TIME are the same sentinel: blank times stay blank for the merge.
            time: retain_kept(self.time, &keep),
            amount: if has_amount { amounts } else { vec![0; kept] },
            has_amount,
            order: self.order_ids.map(|(_, v)| retain_kept(v, &keep)),
            status: retain_kept(self.status, &keep),
            statuses: self.statuses,
            product,
            dims,
            line: retain_kept(self.line, &keep),
            customers: self.customers,
            time_column,
        }
    }

    /// Plain numbers in the time column: Excel serial dates, or Unix time in seconds or
    /// milliseconds, whichever kind most of them fit (SPEC §11: decided for the column, and
    /// reported). Numbers that do not fit the chosen kind are bad times.
    fn decide_numeric_times(&mut self, info: &mut IngestInfo) {
        if self.pending_numbers.is_empty() {
            return;
        }
        let mut counts = [0u64; 3];
        for &(_, v) in &self.pending_numbers {
            if let Some(kind) = NumericTime::of(v) {
                counts[kind as usize] += 1;
            }
        }
        let best = NumericTime::ALL
            .into_iter()
            .max_by_key(|&k| (counts[k as usize], std::cmp::Reverse(k)))
            .filter(|&k| counts[k as usize] > 0);
        let column = self
            .time_col
            .map(|c| self.names[c].clone())
            .unwrap_or_default();
        let total = self.pending_numbers.len() as u64;
        let mut misfits = 0u64;
        for &(row, v) in &self.pending_numbers {
            let t = best.and_then(|k| k.seconds(v));
            if t.is_none() {
                misfits += 1;
                if self.bad_texts.len() < 2 * Rejections::SAMPLES {
                    if let Some(c) = self.time_col {
                        self.bad_texts.push((row, c, format!("{v}")));
                    }
                }
            }
            if let Some(slot) = self.time.get_mut(row as usize) {
                *slot = t.unwrap_or(BAD);
            }
        }
        match best {
            Some(kind) => info.warnings.push((
                format!(
                    "time column {column:?}: {} plain numbers were read as {}{}",
                    total - misfits,
                    kind.en(),
                    if misfits > 0 {
                        format!("; {misfits} other numbers could not be and were rejected (badTime)")
                    } else {
                        String::new()
                    }
                ),
                format!(
                    "时间列 {column:?}：{} 个纯数字按{}读取{}",
                    total - misfits,
                    kind.zh(),
                    if misfits > 0 {
                        format!("；另有 {misfits} 个数字无法如此读取，已拒绝（badTime）")
                    } else {
                        String::new()
                    }
                ),
            )),
            None => info.warnings.push((
                format!(
                    "time column {column:?}: {total} plain numbers are neither Excel serial dates nor Unix times in a plausible range and were rejected (badTime)"
                ),
                format!(
                    "时间列 {column:?}：{total} 个纯数字既不是合理范围内的 Excel 序列日期，也不是 Unix 时间戳，已拒绝（badTime）"
                ),
            )),
        }
    }

    /// Warnings for times far from all the others, which are kept but move the observation
    /// window: with `asOf`, orders more than a year after it; without, a few orders (at most
    /// 1 % + 1) separated from the rest by a year with no order at all, before or after them.
    fn warn_outlying_times(&self, keep: &[bool], info: &mut IngestInfo) {
        const YEAR: i64 = 31_556_952; // 365.2425 days
        let kept = || {
            self.time
                .iter()
                .zip(keep)
                .filter(|&(&t, &k)| k && t != BLANK)
                .map(|(&t, _)| t)
        };
        if let Some(as_of) = self.as_of {
            let late = kept()
                .filter(|&t| t >= as_of.saturating_add(365 * DAY))
                .count();
            if late > 0 {
                info.warnings.push((
                    format!("{late} orders are dated more than a year after asOf: check the dates"),
                    format!("{late} 个订单的日期比 asOf 晚一年以上：请检查日期"),
                ));
            }
            return;
        }
        let (Some(min), Some(max)) = (kept().min(), kept().max()) else {
            return;
        };
        if max - min < 3 * YEAR {
            return;
        }
        let buckets = ((max - min) / YEAR + 1) as usize;
        let mut counts = vec![0u64; buckets];
        for t in kept() {
            counts[((t - min) / YEAR) as usize] += 1;
        }
        let total: u64 = counts.iter().sum();
        let few = |n: u64| n <= total / 100 + 1;
        // The last run of non-empty years, and the first.
        let top_start = counts.iter().rposition(|&c| c == 0).map(|p| p + 1);
        let bottom_end = counts.iter().position(|&c| c == 0);
        if let Some(start) = top_start {
            let n: u64 = counts[start..].iter().sum();
            if few(n) {
                let from = min + start as i64 * YEAR;
                let first = kept().filter(|&t| t >= from).min().unwrap_or(max);
                let before = kept().filter(|&t| t < from).max().unwrap_or(min);
                info.warnings.push((
                    format!(
                        "{n} orders from {} on are more than a year after all the others (latest {}): they move the end of observation; check them or set asOf",
                        format_time(first),
                        format_time(before)
                    ),
                    format!(
                        "{n} 个订单（自 {} 起）比其余订单（最晚 {}）晚一年以上：它们会推迟观察截止时间，请检查或设置 asOf",
                        format_time(first),
                        format_time(before)
                    ),
                ));
            }
        }
        if let Some(end) = bottom_end {
            let n: u64 = counts[..end].iter().sum();
            if few(n) {
                let to = min + end as i64 * YEAR;
                let last = kept().filter(|&t| t < to).max().unwrap_or(min);
                let after = kept().filter(|&t| t >= to).min().unwrap_or(max);
                info.warnings.push((
                    format!(
                        "{n} orders up to {} are more than a year before all the others (earliest {}): check the dates",
                        format_time(last),
                        format_time(after)
                    ),
                    format!(
                        "{n} 个订单（至 {}）比其余订单（最早 {}）早一年以上：请检查日期",
                        format_time(last),
                        format_time(after)
                    ),
                ));
            }
        }
    }

    fn decide_date_order(&self, info: &mut IngestInfo) -> DayMonth {
        if self.pending_times.is_empty() {
            info.date_order = "YMD";
            return DayMonth::MonthFirst;
        }
        let (mut dmy, mut mdy) = (0u64, 0u64);
        for (_, t) in &self.pending_times {
            match t.evidence() {
                Some(DayMonth::DayFirst) => dmy += 1,
                Some(DayMonth::MonthFirst) => mdy += 1,
                None => {}
            }
        }
        let order = if dmy > mdy {
            DayMonth::DayFirst
        } else {
            DayMonth::MonthFirst
        };
        info.date_order = if order == DayMonth::DayFirst {
            "DMY"
        } else {
            "MDY"
        };
        if dmy > 0 && mdy > 0 {
            info.warnings.push((
                format!("dates: {dmy} values read day-first and {mdy} month-first; the majority, {}, was used", info.date_order),
                format!("日期：{dmy} 个值为日在前，{mdy} 个值为月在前；按多数采用 {}", info.date_order),
            ));
        } else if dmy == 0 && mdy == 0 {
            info.warnings.push((
                "dates: no value shows whether dates are day-first or month-first; month-first (MDY) was assumed".into(),
                "日期：无法判断日期是日在前还是月在前；按月在前（MDY）处理".into(),
            ));
        }
        order
    }
}
