//! Dates without a year in the time column (`11月18日`, `Nov 18`; issue 13, docs/mapping.md §8).
//!
//! The rows are taken in file order (a hand-kept ledger is written as the orders come): a date
//! more than 31 days earlier in the calendar than the previous yearless date starts the next
//! year. The year of the first such date comes from, in this order:
//! 1. `options.assumeYear`;
//! 2. the column's own dates that have a year: the nearest one before the first yearless row
//!    (else the nearest after it);
//! 3. `options.asOf`: the last yearless date is the latest that falls before it.
//!
//! Without any of them the file is refused with `NoYear`, which asks for `assumeYear`. A date
//! that does not exist in its year (29 February) is a bad time. A warning says what was done.

use super::rows::{is_sentinel, RowReader, BAD};
use super::IngestInfo;
use crate::error::{Error, ErrorKind, Result};
use crate::period::{checked_days_from_ymd, ymd, DAY};

impl RowReader {
    /// Gives every yearless time cell its year, or fails when nothing says which.
    pub(super) fn decide_years(
        &mut self,
        assume_year: Option<i32>,
        info: &mut IngestInfo,
    ) -> Result<()> {
        let Some((first_row, first_text)) = self.first_yearless.clone() else {
            return Ok(());
        };
        let column = self
            .time_col
            .and_then(|c| self.names.get(c).cloned())
            .unwrap_or_default();
        // Year offsets from the order of the rows.
        let mut offsets = Vec::with_capacity(self.pending_yearless.len());
        let mut offset = 0i32;
        let mut previous: Option<i32> = None;
        for &(_, m, d, _) in &self.pending_yearless {
            let doy = i32::from(m) * 31 + i32::from(d);
            if previous.is_some_and(|p| doy < p - 31) {
                offset += 1;
            }
            previous = Some(doy);
            offsets.push(offset);
        }
        // A dated row's (year, day-of-year index) for the anchor.
        let dated = |row: usize| -> Option<(i32, i32)> {
            let t = *self.time.get(row)?;
            if is_sentinel(t) {
                return None;
            }
            let (y, m, d) = ymd(t.div_euclid(DAY));
            Some((i32::try_from(y).ok()?, (m * 31 + d) as i32))
        };
        let first = first_row as usize;
        let first_doy = self
            .pending_yearless
            .first()
            .map_or(0, |&(_, m, d, _)| i32::from(m) * 31 + i32::from(d));
        let (base, source_en, source_zh) = if let Some(y) = assume_year {
            (
                y,
                "the option assumeYear".to_string(),
                "选项 assumeYear".to_string(),
            )
        } else if let Some(y) = (0..first)
            .rev()
            .find_map(dated)
            // A dated row before: the yearless date follows it (in its year or the next).
            .map(|(y, doy)| if first_doy < doy - 31 { y + 1 } else { y })
            .or_else(|| {
                // A dated row after: the yearless date precedes it.
                (first + 1..self.time.len())
                    .find_map(dated)
                    .map(|(y, doy)| if first_doy > doy + 31 { y - 1 } else { y })
            })
        {
            (
                y,
                "the column's dates that have a year".to_string(),
                "该列中带年份的日期".to_string(),
            )
        } else if let Some(as_of) = self.as_of {
            let (last_m, last_d) = self
                .pending_yearless
                .last()
                .map_or((1, 1), |&(_, m, d, _)| (m, d));
            let (y, _, _) = ymd(as_of.div_euclid(DAY));
            let mut base = i32::try_from(y).unwrap_or(2000) - offset;
            let last = checked_days_from_ymd(
                i64::from(base + offset),
                i64::from(last_m),
                i64::from(last_d),
            );
            if last.is_none_or(|d| d * DAY >= as_of) {
                base -= 1;
            }
            (base, "asOf".to_string(), "asOf".to_string())
        } else {
            let line = self.line.get(first).copied();
            return Err(Error::new(
                ErrorKind::NoYear,
                format!(
                    "time column {column:?}: dates such as {first_text:?} have no year, and nothing in the file says which: set the option assumeYear to the year of the first order (for example {{\"assumeYear\": 2024}})"
                ),
                format!(
                    "时间列 {column:?}：日期（如 {first_text:?}）没有年份，文件中也无法推断：请把选项 assumeYear 设为第一笔订单的年份（例如 {{\"assumeYear\": 2024}}）"
                ),
            )
            .at(line, Some(&column)));
        };
        let mut bad = 0u64;
        let pending = std::mem::take(&mut self.pending_yearless);
        for (k, &(row, m, d, secs)) in pending.iter().enumerate() {
            let year = base + offsets[k];
            let t = checked_days_from_ymd(i64::from(year), i64::from(m), i64::from(d))
                .map(|day| day * DAY + i64::from(secs));
            if t.is_none() {
                bad += 1;
                if let Some(c) = self.time_col {
                    self.note_bad(row, c, format!("{m}/{d}").as_bytes());
                }
            }
            if let Some(slot) = self.time.get_mut(row as usize) {
                *slot = t.unwrap_or(BAD);
            }
        }
        let n = pending.len();
        let last = base + offset;
        let years = if offset == 0 {
            base.to_string()
        } else {
            format!("{base}–{last}")
        };
        info.warnings.push((
            format!(
                "time column {column:?}: {n} dates have no year (such as {first_text:?}); read as {years} from {source_en}, the year moving on where the dates go back in the calendar (row order){}",
                if bad > 0 { format!("; {bad} do not exist in their year (badTime)") } else { String::new() }
            ),
            format!(
                "时间列 {column:?}：{n} 个日期没有年份（如 {first_text:?}）；根据{source_zh}按 {years} 年读取，日期在日历上倒退时进入下一年（按行顺序）{}",
                if bad > 0 { format!("；{bad} 个日期在该年不存在（badTime）") } else { String::new() }
            ),
        ));
        Ok(())
    }
}
