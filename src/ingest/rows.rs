//! The row reader: one pass over data rows into typed columns, keeping each cell's parse
//! state and the evidence for the column-wide decisions ([`super::decisions`]).

use super::cell::{Cell, Record};
use super::columns::{Mapping, Role};
use super::rejections::{sample_text, Reason, Rejections};
use super::values::plain_number;
use super::{Dimension, OrderKeys, MAX_DIMENSIONS, NO_TIME};
use crate::error::{Error, ErrorKind, Result};
use crate::intern::Interner;
use crate::money::{self, money_from_f64, parse_money, Money, Separators};
use crate::options::Options;
use crate::time::{parse_time, Time};

/// Sentinels for a cell's parse state, stored in the value vectors themselves.
pub(super) const BLANK: i64 = NO_TIME;
pub(super) const BAD: i64 = i64::MIN + 1;
pub(super) const PENDING: i64 = i64::MIN + 2;

pub(super) fn is_sentinel(v: i64) -> bool {
    v <= PENDING
}

/// Order times must fall in [1900-01-01, 2200-01-01) (see [`Reason::TimeOutOfRange`]).
pub(super) const MIN_TIME: i64 = -2_208_988_800;
pub(super) const MAX_TIME: i64 = 7_258_118_400;

/// The money columns whose decimal convention is decided per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MoneyColumn {
    Amount,
    Quantity,
    UnitPrice,
    /// Netted out of the amount (issue 13): blank is 0.
    Refunded,
}

/// The pass over data rows: typed values, parse states and the evidence for column-wide
/// decisions (date order, decimal comma, numeric time columns).
pub(super) struct RowReader {
    pub(super) names: Vec<String>,
    /// Whether each column's header cell was empty (or the file has no header).
    pub(super) unnamed: Vec<bool>,
    pub(super) mapping: Mapping,
    pub(super) customer_col: Option<usize>,
    pub(super) time_col: Option<usize>,
    pub(super) order_col: Option<usize>,
    pub(super) status_col: Option<usize>,
    pub(super) money_columns: Vec<(MoneyColumn, usize)>,
    pub(super) rows: u64,
    pub(super) customers: Interner,
    pub(super) customer: Vec<u32>,
    pub(super) time: Vec<i64>,
    /// Per money column, the value or a sentinel.
    pub(super) money: Vec<Vec<i64>>,
    pub(super) order_ids: Option<(OrderKeys, Vec<u64>)>,
    /// Status values (number 0 is blank) and each line's value number.
    pub(super) statuses: Interner,
    pub(super) status: Vec<u32>,
    /// Dimension columns, by column. A dimension's `of_line` only grows up to its last
    /// non-blank value; `finish` pads it with blanks.
    pub(super) dims: Vec<(usize, Dimension)>,
    /// Columns that play no role but were left out beyond [`MAX_DIMENSIONS`].
    pub(super) dims_dropped: usize,
    pub(super) line: Vec<u64>,
    pub(super) missing_customer: Vec<bool>,
    pub(super) pending_times: Vec<(u32, Time)>,
    /// Time cells that are plain numbers (serial dates? epoch?), decided per column.
    pub(super) pending_numbers: Vec<(u32, f64)>,
    pub(super) pending_money: Vec<(u32, usize, Box<[u8]>)>,
    pub(super) separators: Vec<[u64; 2]>,
    /// Rows rejected for their structure (ragged, repeated header), in row order.
    pub(super) structural: Vec<(u32, Reason)>,
    /// Raw text of bad cells for the first rows that have one: (row, column, text).
    pub(super) bad_texts: Vec<(u32, usize, String)>,
    /// Whether the file has a header (so that a repeated one can be recognised).
    pub(super) has_header: bool,
    /// `asOf`, when given and readable (for the far-future warning).
    pub(super) as_of: Option<i64>,
    pub(super) scratch: Vec<u8>,
    /// The column read where the customer cell is blank (issue 13), and the rows it served.
    pub(super) customer_fallback: Option<usize>,
    pub(super) fallback_rows: u64,
    /// Why each role's column was chosen.
    pub(super) choices: Vec<super::columns::Choice>,
    /// Time cells that are dates without a year: (row, month, day, seconds), decided for the
    /// column ([`super::yearless`]), and the first one's text.
    pub(super) pending_yearless: Vec<(u32, u8, u8, u32)>,
    pub(super) first_yearless: Option<(u32, String)>,
}

/// Column index meaning "the record's extra fields" in [`RowReader::bad_texts`].
pub(super) const EXTRA_FIELDS: usize = usize::MAX;

impl RowReader {
    pub(super) fn new(
        names: Vec<String>,
        unnamed: Vec<bool>,
        mapping: Mapping,
        rows_estimate: usize,
        options: &Options,
    ) -> RowReader {
        let mut money_columns = Vec::new();
        if let Some(c) = mapping.get(Role::Amount) {
            money_columns.push((MoneyColumn::Amount, c));
        } else if let (Some(q), Some(p)) =
            (mapping.get(Role::Quantity), mapping.get(Role::UnitPrice))
        {
            money_columns.push((MoneyColumn::Quantity, q));
            money_columns.push((MoneyColumn::UnitPrice, p));
        }
        if let (false, Some(r)) = (money_columns.is_empty(), mapping.get(Role::RefundedAmount)) {
            money_columns.push((MoneyColumn::Refunded, r));
        }
        let dim_columns: Vec<usize> = (0..names.len())
            .filter(|&c| !mapping.has_column(c))
            .collect();
        let dims_dropped = dim_columns.len().saturating_sub(MAX_DIMENSIONS);
        let dims = dim_columns
            .into_iter()
            .take(MAX_DIMENSIONS)
            .map(|c| {
                let values = Interner::blank_first();
                (
                    c,
                    Dimension {
                        name: names[c].clone(),
                        values,
                        of_line: Vec::new(),
                    },
                )
            })
            .collect();
        let order_ids = mapping
            .get(Role::Order)
            .map(|_| (OrderKeys::default(), Vec::new()));
        let as_of = options
            .as_of
            .as_deref()
            .and_then(|a| match parse_time(a.trim().as_bytes()) {
                Some(Time::Exact(t)) => Some(t),
                _ => None,
            });
        let rows_estimate = rows_estimate.min(1 << 24);
        RowReader {
            money: vec![Vec::new(); money_columns.len()],
            separators: vec![[0, 0]; money_columns.len()],
            money_columns,
            customer_col: mapping.get(Role::Customer),
            time_col: mapping.get(Role::Time),
            order_col: mapping.get(Role::Order),
            status_col: mapping.get(Role::Status),
            names,
            unnamed,
            mapping,
            rows: 0,
            customers: Interner::with_capacity(rows_estimate / 2),
            customer: Vec::with_capacity(rows_estimate),
            time: Vec::with_capacity(rows_estimate),
            order_ids,
            statuses: Interner::blank_first(),
            status: Vec::new(),
            dims,
            dims_dropped,
            line: Vec::new(),
            missing_customer: Vec::new(),
            pending_times: Vec::new(),
            pending_numbers: Vec::new(),
            pending_money: Vec::new(),
            structural: Vec::new(),
            bad_texts: Vec::new(),
            has_header: options.header,
            as_of,
            scratch: Vec::new(),
            customer_fallback: None,
            fallback_rows: 0,
            choices: Vec::new(),
            pending_yearless: Vec::new(),
            first_yearless: None,
        }
    }

    pub(super) fn note_bad(&mut self, row: u32, column: usize, raw: &[u8]) {
        // Only the first rejected rows are reported, so only their texts are kept.
        if self.bad_texts.len() < 2 * Rejections::SAMPLES {
            self.bad_texts.push((row, column, sample_text(raw)));
        }
    }

    /// The number of the next data row.
    fn next_row(&mut self) -> Result<u32> {
        let row = u32::try_from(self.rows).map_err(|_| {
            Error::new(
                ErrorKind::BadCsv,
                "the file has more than 4 billion rows",
                "文件超过 40 亿行",
            )
        })?;
        self.rows += 1;
        Ok(row)
    }

    pub(super) fn push<R: Record + ?Sized>(&mut self, line: u64, record: &R) -> Result<()> {
        if record.is_blank() {
            return Ok(());
        }
        let row = self.next_row()?;
        let mut scratch = std::mem::take(&mut self.scratch);
        let cell = |c: Option<usize>| c.map_or(Cell::BLANK, |c| record.cell(c));

        // More fields than the header: rejected if any extra one holds something (SPEC §1:
        // nothing is dropped silently).
        let width = self.names.len();
        if record.len() > width {
            if let Some(extra) = record.non_blank_from(width) {
                self.structural.push((row, Reason::RaggedRow));
                let text = record.cell(extra).text(&mut scratch).to_vec();
                self.note_bad(row, EXTRA_FIELDS, &text);
            }
        }

        let mut customer_cell = cell(self.customer_col).text(&mut scratch);
        if customer_cell.is_empty() {
            if let Some(c) = self.customer_fallback {
                customer_cell = record.cell(c).text(&mut scratch);
                self.fallback_rows += u64::from(!customer_cell.is_empty());
            }
        }
        self.missing_customer.push(customer_cell.is_empty());
        self.customer.push(self.customers.intern(customer_cell));

        let t = match cell(self.time_col) {
            // (A time that collides with a sentinel is far outside any plausible range.)
            Cell::Time(t) => t.max(PENDING + 1),
            Cell::Float(v) if v.fract() != 0.0 => {
                self.pending_numbers.push((row, v));
                PENDING
            }
            time_cell => {
                let text = time_cell.text(&mut scratch);
                if text.is_empty() {
                    BLANK
                } else {
                    match parse_time(text) {
                        Some(Time::Exact(t)) => t,
                        Some(amb) => {
                            self.pending_times.push((row, amb));
                            PENDING
                        }
                        None => {
                            let text = text.to_vec();
                            self.time_not_parsed(row, record, &text, &mut scratch)
                        }
                    }
                }
            }
        };
        self.time.push(t);

        for k in 0..self.money_columns.len() {
            let col = self.money_columns[k].1;
            let v = match record.cell(col) {
                Cell::Int(i) => i.checked_mul(money::MICROS).unwrap_or(BAD),
                Cell::Float(f) => money_from_f64(f).unwrap_or(BAD),
                Cell::Decimal(v, scale) => Cell::decimal_micros(v, scale).unwrap_or(BAD),
                Cell::Time(_) => BAD,
                Cell::Text(raw) => {
                    let cell = super::values::clean(raw);
                    if cell.is_empty() {
                        BLANK
                    } else {
                        match parse_money(cell, None) {
                            Some(Money::Exact(v, seps)) => {
                                match seps {
                                    Some(Separators::DecimalDot) => self.separators[k][0] += 1,
                                    Some(Separators::DecimalComma) => self.separators[k][1] += 1,
                                    None => {}
                                }
                                v
                            }
                            Some(Money::Ambiguous) => {
                                self.pending_money.push((row, k, cell.into()));
                                PENDING
                            }
                            None => BAD,
                        }
                    }
                }
            };
            if v == BAD {
                let text = record.cell(col).text(&mut scratch).to_vec();
                self.note_bad(row, col, &text);
            }
            if let Some(values) = self.money.get_mut(k) {
                values.push(v);
            }
        }

        if let Some((ids, of_line)) = &mut self.order_ids {
            let id = cell(self.order_col).text(&mut scratch);
            of_line.push(ids.key(id));
        }
        let status_cell = cell(self.status_col).text(&mut scratch);
        // Blank is status number 0: no lookup for files without a status column.
        self.status.push(if status_cell.is_empty() {
            0
        } else {
            self.statuses.intern(status_cell)
        });
        let len = record.len();
        for (c, dim) in &mut self.dims {
            if *c >= len {
                break;
            }
            let value = record.cell(*c).text(&mut scratch);
            if value.is_empty() {
                continue;
            }
            let v = dim.values.intern(value);
            if dim.of_line.len() < row as usize {
                dim.of_line.resize(row as usize, 0);
            }
            dim.of_line.push(v);
        }
        self.line.push(line);
        self.scratch = scratch;
        Ok(())
    }

    /// A row rejected before its cells could be read (see [`Driver::reject_row`]).
    pub(super) fn reject_row(&mut self, line: u64, reason: Reason, text: &[u8]) -> Result<()> {
        let row = self.next_row()?;
        self.structural.push((row, reason));
        self.note_bad(row, EXTRA_FIELDS, text);
        self.missing_customer.push(true);
        self.customer.push(self.customers.intern(b""));
        self.time.push(BAD);
        for values in &mut self.money {
            values.push(BLANK);
        }
        if let Some((_, of_line)) = &mut self.order_ids {
            of_line.push(OrderKeys::BLANK);
        }
        self.status.push(0);
        self.line.push(line);
        Ok(())
    }

    /// A non-empty time cell that is no date: a plain number (decided per column in `finish`),
    /// the header repeated, or a bad time.
    #[cold]
    fn time_not_parsed<R: Record + ?Sized>(
        &mut self,
        row: u32,
        record: &R,
        text: &[u8],
        scratch: &mut Vec<u8>,
    ) -> i64 {
        if let Some(v) = plain_number(text) {
            self.pending_numbers.push((row, v));
            return PENDING;
        }
        if let Some((m, d, secs)) = crate::time::parse_yearless(text) {
            if self.first_yearless.is_none() {
                self.first_yearless = Some((row, String::from_utf8_lossy(text).into_owned()));
            }
            self.pending_yearless.push((row, m, d, secs));
            return PENDING;
        }
        if self.has_header {
            let same = |col: Option<usize>, scratch: &mut Vec<u8>| {
                col.is_some_and(|c| {
                    record.cell(c).text(scratch) == self.names[c].as_bytes() && !self.unnamed[c]
                })
            };
            let ragged = self.structural.last().is_some_and(|&(r, _)| r == row);
            if !ragged && same(self.time_col, scratch) && same(self.customer_col, scratch) {
                self.structural.push((row, Reason::RepeatedHeader));
                return BAD;
            }
        }
        if let Some(c) = self.time_col {
            self.note_bad(row, c, text);
        }
        BAD
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::{checked_days_from_ymd, format_time, DAY};

    #[test]
    fn time_window_constants_are_the_dates_they_say() {
        assert_eq!(
            checked_days_from_ymd(1900, 1, 1).map(|d| d * DAY),
            Some(MIN_TIME)
        );
        assert_eq!(
            checked_days_from_ymd(2200, 1, 1).map(|d| d * DAY),
            Some(MAX_TIME)
        );
    }

    #[test]
    fn extreme_times_can_be_shown() {
        // Arrow timestamps can hold any i64: samples of rejected ones must still format.
        for t in [i64::MAX, PENDING + 1, MIN_TIME - 1, MAX_TIME] {
            assert!(!format_time(t).is_empty());
        }
    }
}
