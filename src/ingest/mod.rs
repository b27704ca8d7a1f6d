//! Bytes → typed order lines: format detection (text, Excel `.xlsx`, Arrow IPC), decoding,
//! delimiter, header, role mapping, value parsing and rejected rows (SPEC §1, §11; COLUMNS.md).
//!
//! Every format produces the same stream of records ([`cell::Record`]) for one row reader, so
//! column-wide decisions (date order, decimal comma, numeric time columns) and rejections are
//! the same whatever the file was.
//!
//! Decisions beyond SPEC.md, each reported in `ingest` (warnings in English and Chinese):
//! - **Format** by content: `PK\x03\x04` → xlsx; `ARROW1` or `0xFFFFFFFF` → Arrow IPC; images,
//!   archives, PDF, old `.xls`, Parquet… → `BinaryFile`; NULs in the first 64 KB of text that
//!   is not UTF-16 → `BinaryFile`. `ingest.format` says which (`csv`, `xlsx`, `arrow`).
//! - **Numeric time columns**: time cells that are plain numbers and no date (`YYYYMMDD` is a
//!   date, always) are read, for the whole column, as the kind most of them fit: Excel serials
//!   (20000–80000), Unix seconds (1e8–5e9) or milliseconds (1e11–5e12); the others are
//!   `badTime`. Epoch values have no zone: their UTC wall clock is used.
//! - **Time window**: order times before 1900-01-01 or from 2200-01-01 on are rejected as
//!   `timeOutOfRange` (they are placeholders such as `0001-01-01`, `9999-12-31`, and would
//!   stretch every period table over centuries), with a warning. Kept, with a warning: orders
//!   more than a year after `asOf`; without `asOf`, a few orders (≤ 1 % + 1) separated from all
//!   the others by a whole year without orders (a typo such as 2124 for 2024 moves `E`).
//! - **Structure**: a record with more fields than the header is `raggedRow` when an extra
//!   field holds something (an extra empty field is harmless); fewer fields are blank cells.
//!   The header repeated mid-file (customer and time cells equal to their column names) is
//!   `repeatedHeader`. Both are checked before the SPEC §11 reasons.
//! - **Dimensions**: at most [`MAX_DIMENSIONS`] columns; a column with neither a header name
//!   nor any value (Excel's trailing empty columns) is no dimension.

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod cell;
pub mod columns;
pub mod decode;
pub mod detect;
pub mod records;
pub mod stream;
pub mod values;
#[cfg(feature = "xlsx")]
pub mod xlsx;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::intern::Interner;
use crate::money::{self, money_from_f64, parse_money, Micros, Money, Separators};
use crate::options::Options;
use crate::period::{format_time, DAY};
use crate::time::{parse_time, DayMonth, NumericTime, Time};
use cell::{Cell, Record};
use columns::{map_roles, Mapping, Role};
use values::{is_cancelled_status, plain_number};

/// Why a row was rejected (SPEC §11: one per row, the first failing check in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// `raggedRow`: the record has more fields than the header, and an extra one is not blank
    /// (typically an unquoted delimiter inside a value, which shifts every later cell). Fewer
    /// fields than the header are normal: the missing cells are blank.
    RaggedRow,
    /// `repeatedHeader`: the header line again in the middle of the file (files concatenated
    /// with their headers): its customer and time cells are the header's names.
    RepeatedHeader,
    /// The customer cell is empty.
    MissingCustomer,
    /// The time cell is empty (and no other line of the order has one).
    MissingTime,
    /// The time cannot be read as a date.
    BadTime,
    /// The amount cell is empty (without an order column).
    MissingAmount,
    /// The amount cannot be read as a number.
    BadAmount,
    /// `timeOutOfRange`: the time is before 1900-01-01 or from 2200-01-01 on: no order can be
    /// that old, and such values (`0001-01-01`, `9999-12-31`) are placeholders for "no date".
    /// Checked after `badTime`, before the amount.
    TimeOutOfRange,
    /// `unclosedQuote`: a quoted field opens on this row and never closes, swallowing every
    /// later line; the lines after it are read on their own (see [`records`]).
    UnclosedQuote,
}

impl Reason {
    /// The Report's name of the reason.
    pub fn name(self) -> &'static str {
        match self {
            Reason::MissingCustomer => "missingCustomer",
            Reason::MissingTime => "missingTime",
            Reason::BadTime => "badTime",
            Reason::MissingAmount => "missingAmount",
            Reason::BadAmount => "badAmount",
            Reason::RaggedRow => "raggedRow",
            Reason::RepeatedHeader => "repeatedHeader",
            Reason::TimeOutOfRange => "timeOutOfRange",
            Reason::UnclosedQuote => "unclosedQuote",
        }
    }
}

/// One reported rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sample {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// Column whose cell failed.
    pub column: String,
    /// The cell as written.
    pub text: String,
    /// Why.
    pub reason: Reason,
}

/// Rejected rows: counted by reason, the first [`Rejections::SAMPLES`] kept by line.
#[derive(Debug, Clone, Default)]
pub struct Rejections {
    /// Count per reason.
    pub counts: BTreeMap<Reason, u64>,
    samples: Vec<Sample>,
}

impl Rejections {
    /// How many rejected rows are reported in full.
    pub const SAMPLES: usize = 100;

    /// Records one rejected row.
    pub fn add(&mut self, sample: Sample) {
        *self.counts.entry(sample.reason).or_insert(0) += 1;
        self.samples.push(sample);
        // Keep memory bounded: only the lowest lines can ever be reported.
        if self.samples.len() >= 4 * Self::SAMPLES {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.samples.sort_by_key(|s| s.line);
        self.samples.truncate(Self::SAMPLES);
    }

    /// Total rejected rows.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// The first samples, by line.
    pub fn samples(&mut self) -> &[Sample] {
        self.trim();
        &self.samples
    }
}

/// Status of an order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No status written.
    Blank,
    /// A status that leaves the order a purchase (if its amount is positive).
    Normal,
    /// Cancelled, refunded, unpaid…: the order is a non-purchase (COLUMNS.md).
    Cancelled,
}

/// A dimension column: every column that plays no role (SPEC §1).
#[derive(Debug, Clone)]
pub struct Dimension {
    /// Column name.
    pub name: String,
    /// Distinct values; number 0 is the blank value.
    pub values: Interner,
    /// Value number of each line.
    pub of_line: Vec<u32>,
}

/// Order ids as `u64` keys, equal exactly when the ids are equal: plain decimal numbers (no
/// leading zero, up to 18 digits) are their own key, so the common case needs no hashing;
/// other ids are interned and tagged with the top bit. The blank id is [`OrderKeys::BLANK`].
#[derive(Debug, Default)]
pub struct OrderKeys {
    others: Interner,
}

impl OrderKeys {
    /// The key of a blank order id: such a line is an order of its own.
    pub const BLANK: u64 = u64::MAX;

    /// The key of a cleaned order id.
    pub fn key(&mut self, id: &[u8]) -> u64 {
        match id {
            [] => Self::BLANK,
            [b'1'..=b'9', rest @ ..] if rest.len() < 18 && rest.iter().all(u8::is_ascii_digit) => {
                id.iter().fold(0u64, |k, &d| k * 10 + u64::from(d - b'0'))
            }
            b"0" => 0,
            _ => (1 << 63) | u64::from(self.others.intern(id)),
        }
    }
}

/// A time that no line of an order had (only with an `order` role).
pub const NO_TIME: i64 = i64::MIN;

/// The accepted order lines, in file order, with typed values.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    /// Customer ids.
    pub customers: Interner,
    /// Customer number of each line.
    pub customer: Vec<u32>,
    /// Time of each line (seconds), [`NO_TIME`] when blank.
    pub time: Vec<i64>,
    /// Amount of each line in micros (0 without an amount).
    pub amount: Vec<Micros>,
    /// Whether there is an amount (an amount column, or quantity and unit price).
    pub has_amount: bool,
    /// Order key of each line, when there is an `order` role (see [`OrderKeys`]).
    pub order: Option<Vec<u64>>,
    /// Status of each line.
    pub status: Vec<Status>,
    /// Dimension columns.
    pub dims: Vec<Dimension>,
    /// Physical line of each line.
    pub line: Vec<u64>,
    /// Name of the time column (for rejected-row samples).
    pub time_column: String,
}

/// What the ingest decided and saw, for the Report.
#[derive(Debug, Clone, Default)]
pub struct IngestInfo {
    /// Data rows (records that are not all empty).
    pub rows: u64,
    /// Role → column name.
    pub mapping: Vec<(Role, String)>,
    /// Format read: `"csv"` (any delimited text), `"xlsx"` or `"arrow"`.
    pub format: &'static str,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// Encoding used.
    pub encoding: String,
    /// Delimiter used (empty for xlsx and Arrow).
    pub delimiter: String,
    /// `"YMD"`, `"DMY"` or `"MDY"`.
    pub date_order: &'static str,
    /// Warnings in English and Chinese.
    pub warnings: Vec<(String, String)>,
    /// Rejected rows.
    pub rejections: Rejections,
}

/// Reads a whole orders file: the format is detected from the bytes (SPEC §11, COLUMNS.md).
/// [`stream::Ingest`] does the same chunk by chunk.
pub fn read(bytes: &[u8], options: &Options) -> Result<(Lines, IngestInfo)> {
    let mut ingest = stream::Ingest::with_size_hint(options, bytes.len() as u64);
    ingest.push(bytes)?;
    ingest.finish()
}

pub(crate) fn empty_file() -> Error {
    Error::new(ErrorKind::EmptyFile, "the file is empty", "文件是空的")
}

/// Records of any format → the row reader: the header (or position names), the role mapping,
/// then data rows.
pub(crate) struct Driver {
    options: Options,
    reader: Option<RowReader>,
    header_line: Option<u64>,
    lines_estimate: usize,
}

impl Driver {
    /// A driver that takes the first non-blank record as the header (unless `header: false`).
    pub(crate) fn new(options: Options, lines_estimate: usize) -> Driver {
        Driver {
            options,
            reader: None,
            header_line: None,
            lines_estimate,
        }
    }

    /// A driver for a format whose columns are named outside the records (Arrow's schema).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn with_names(
        options: Options,
        names: Vec<String>,
        lines_estimate: usize,
    ) -> Result<Driver> {
        let unnamed = names.iter().map(String::is_empty).collect();
        let names = names
            .into_iter()
            .enumerate()
            .map(|(i, n)| if n.is_empty() { (i + 1).to_string() } else { n })
            .collect::<Vec<_>>();
        let mapping = map_roles(&names, options.mapping.as_ref())?;
        let reader = RowReader::new(names, unnamed, mapping, lines_estimate, &options);
        Ok(Driver {
            options,
            reader: Some(reader),
            header_line: None,
            lines_estimate,
        })
    }

    /// Data rows read so far.
    pub(crate) fn rows(&self) -> u64 {
        self.reader.as_ref().map_or(0, |r| r.rows)
    }

    /// Takes one record; `line` is its 1-based physical line (or sheet row).
    pub(crate) fn record<R: Record + ?Sized>(&mut self, line: u64, record: &R) -> Result<()> {
        if let Some(r) = &mut self.reader {
            return r.push(line, record);
        }
        if record.is_blank() {
            return Ok(());
        }
        // Header cells are names: at most 256 characters shown, whatever the cell holds.
        let width = record.len();
        let (names, unnamed): (Vec<String>, Vec<bool>) = if self.options.header {
            self.header_line = Some(line);
            (0..width)
                .map(|i| {
                    let name = record.cell(i).to_text();
                    let name: String = name.chars().take(256).collect();
                    if name.is_empty() {
                        ((i + 1).to_string(), true)
                    } else {
                        (name, false)
                    }
                })
                .unzip()
        } else {
            (1..=width).map(|i| (i.to_string(), true)).unzip()
        };
        let mapping = map_roles(&names, self.options.mapping.as_ref())?;
        let mut r = RowReader::new(names, unnamed, mapping, self.lines_estimate, &self.options);
        if !self.options.header {
            r.push(line, record)?;
        }
        self.reader = Some(r);
        Ok(())
    }

    /// Column-wide decisions and the rows' fates.
    pub(crate) fn finish(self, mut info: IngestInfo) -> Result<(Lines, IngestInfo)> {
        let Some(reader) = self.reader else {
            return Err(Error::new(
                ErrorKind::EmptyFile,
                "the file has no rows",
                "文件没有数据行",
            ));
        };
        if reader.rows == 0 {
            return Err(Error::new(
                ErrorKind::HeaderOnly,
                "the file has a header but no data rows",
                "文件只有表头，没有数据行",
            )
            .at(self.header_line, None));
        }
        let lines = reader.finish(&mut info);
        Ok((lines, info))
    }
}

impl records::Sink for Driver {
    fn expect_lines(&mut self, lines: usize) {
        self.lines_estimate = lines;
    }

    fn record(&mut self, line: u64, record: &records::Fields) -> Result<()> {
        Driver::record(self, line, record)
    }

    /// A row that cannot be read as a record at all (an unclosed quote): rejected for
    /// `reason` with `text`. Before the header there is no row to reject: the file cannot be
    /// read, and the error says where.
    fn reject_row(&mut self, line: u64, reason: Reason, text: &[u8]) -> Result<()> {
        match &mut self.reader {
            Some(r) => r.reject_row(line, reason, text),
            None => Err(Error::new(
                ErrorKind::UnclosedQuote,
                format!("a quote opened in the header on line {line} is never closed"),
                format!("第 {line} 行表头中的引号没有闭合"),
            )
            .at(Some(line), None)),
        }
    }
}

/// The items of `v` whose `keep` flag is set, compacted in place.
pub(crate) fn retain_kept<T>(mut v: Vec<T>, keep: &[bool]) -> Vec<T> {
    let mut i = 0;
    v.retain(|_| {
        i += 1;
        keep.get(i - 1).copied().unwrap_or(false)
    });
    v
}

/// Sentinels for a cell's parse state, stored in the value vectors themselves.
const BLANK: i64 = NO_TIME;
const BAD: i64 = i64::MIN + 1;
const PENDING: i64 = i64::MIN + 2;

fn is_sentinel(v: i64) -> bool {
    v <= PENDING
}

/// Order times must fall in [1900-01-01, 2200-01-01) (see [`Reason::TimeOutOfRange`]).
const MIN_TIME: i64 = -2_208_988_800;
const MAX_TIME: i64 = 7_258_118_400;

/// Columns beyond this many that play no role are not dimensions (with a warning): every
/// dimension costs memory per line, so a header of thousands of columns must not multiply the
/// work of every row.
pub const MAX_DIMENSIONS: usize = 256;

/// Rejected-row samples show at most this many bytes of a cell.
const SAMPLE_TEXT: usize = 200;

/// The money columns whose decimal convention is decided per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MoneyColumn {
    Amount,
    Quantity,
    UnitPrice,
}

/// A cell's text for a rejected-row sample: lossy UTF-8, at most [`SAMPLE_TEXT`] bytes.
fn sample_text(raw: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(&raw[..raw.len().min(SAMPLE_TEXT + 4)]).into_owned();
    if text.len() > SAMPLE_TEXT {
        let mut end = SAMPLE_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

/// The pass over data rows: typed values, parse states and the evidence for column-wide
/// decisions (date order, decimal comma, numeric time columns).
struct RowReader {
    names: Vec<String>,
    /// Whether each column's header cell was empty (or the file has no header).
    unnamed: Vec<bool>,
    mapping: Mapping,
    customer_col: Option<usize>,
    time_col: Option<usize>,
    order_col: Option<usize>,
    status_col: Option<usize>,
    money_columns: Vec<(MoneyColumn, usize)>,
    rows: u64,
    customers: Interner,
    customer: Vec<u32>,
    time: Vec<i64>,
    /// Per money column, the value or a sentinel.
    money: Vec<Vec<i64>>,
    order_ids: Option<(OrderKeys, Vec<u64>)>,
    status: Vec<Status>,
    /// Dimension columns, by column. A dimension's `of_line` only grows up to its last
    /// non-blank value; `finish` pads it with blanks.
    dims: Vec<(usize, Dimension)>,
    /// Columns that play no role but were left out beyond [`MAX_DIMENSIONS`].
    dims_dropped: usize,
    line: Vec<u64>,
    missing_customer: Vec<bool>,
    pending_times: Vec<(u32, Time)>,
    /// Time cells that are plain numbers (serial dates? epoch?), decided per column.
    pending_numbers: Vec<(u32, f64)>,
    pending_money: Vec<(u32, usize, Box<[u8]>)>,
    separators: Vec<[u64; 2]>,
    /// Rows rejected for their structure (ragged, repeated header), in row order.
    structural: Vec<(u32, Reason)>,
    /// Raw text of bad cells for the first rows that have one: (row, column, text).
    bad_texts: Vec<(u32, usize, String)>,
    /// Whether the file has a header (so that a repeated one can be recognised).
    has_header: bool,
    /// `asOf`, when given and readable (for the far-future warning).
    as_of: Option<i64>,
    scratch: Vec<u8>,
}

/// Column index meaning "the record's extra fields" in [`RowReader::bad_texts`].
const EXTRA_FIELDS: usize = usize::MAX;

impl RowReader {
    fn new(
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
        let dim_columns: Vec<usize> = (0..names.len())
            .filter(|&c| !mapping.has_column(c))
            .collect();
        let dims_dropped = dim_columns.len().saturating_sub(MAX_DIMENSIONS);
        let dims = dim_columns
            .into_iter()
            .take(MAX_DIMENSIONS)
            .map(|c| {
                let mut values = Interner::default();
                values.intern(b"");
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
        }
    }

    fn note_bad(&mut self, row: u32, column: usize, raw: &[u8]) {
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

    fn push<R: Record + ?Sized>(&mut self, line: u64, record: &R) -> Result<()> {
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

        let customer_cell = cell(self.customer_col).text(&mut scratch);
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
                    let cell = values::clean(raw);
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
        self.status.push(if status_cell.is_empty() {
            Status::Blank
        } else if is_cancelled_status(status_cell) {
            Status::Cancelled
        } else {
            Status::Normal
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
    fn reject_row(&mut self, line: u64, reason: Reason, text: &[u8]) -> Result<()> {
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
        self.status.push(Status::Blank);
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

    /// Column-wide decisions, then the rows' fates: accepted lines or counted rejections.
    fn finish(mut self, info: &mut IngestInfo) -> Lines {
        info.rows = self.rows;
        info.mapping = self
            .mapping
            .columns
            .iter()
            .map(|(&role, &c)| (role, self.names[c].clone()))
            .collect();
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
            let mut failed = None;
            let mut scale_down = false;
            for (k, &(_, col)) in self.money_columns.iter().enumerate() {
                let v = self.money[k][row];
                let v = match v {
                    BLANK if has_order => 0,
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
            let amount = i64::try_from(amount).ok();
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
                Some(d)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::checked_days_from_ymd;

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

    #[test]
    fn sample_texts_are_bounded() {
        let long = "价".repeat(500);
        let t = sample_text(long.as_bytes());
        assert!(
            t.len() <= SAMPLE_TEXT + 3 && t.ends_with('…'),
            "{}",
            t.len()
        );
        assert_eq!(sample_text(b"short"), "short");
    }
}
