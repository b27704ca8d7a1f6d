//! Bytes → typed order lines: format detection (text, Excel `.xlsx`, Arrow IPC), decoding,
//! delimiter, header, role mapping, value parsing and rejected rows (SPEC §1, §11; COLUMNS.md).
//!
//! Every format produces the same stream of records ([`cell::Record`]) for one row reader, so
//! column-wide decisions (date order, decimal comma, numeric time columns) and rejections are
//! the same whatever the file was.
//!
//! The parts, in the order bytes meet them: [`stream`] (chunks in, format detection),
//! [`detect`], [`decode`] (bytes → text), [`records`] (text → records, unclosed quotes),
//! [`columns`] (header → roles), `rows` (records → typed columns, per-cell parse states),
//! `decisions` (column-wide decisions at the end, each row's fate), [`rejections`]; [`xlsx`]
//! and [`arrow`] read their formats into the same row reader.
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
mod decisions;
pub mod decode;
pub mod detect;
#[cfg(feature = "xlsx")]
pub mod html;
mod order_level;
pub mod probe;
pub mod records;
pub mod rejections;
mod rows;
pub mod stream;
pub mod values;
#[cfg(feature = "xlsx")]
pub mod xlsx;
mod yearless;

use crate::error::{Error, ErrorKind, Result};
use crate::intern::Interner;
use crate::money::Micros;
use crate::options::Options;
use cell::Record;
use columns::{choose, Choice, ColumnStats, Role};
pub use rejections::{Reason, Rejections, Sample};
use rows::RowReader;

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
    /// Status values written in the file; number 0 is blank.
    pub statuses: Interner,
    /// Status value number of each line.
    pub status: Vec<u32>,
    /// The dimension that is also the product column (SPEC §12), when one is mapped.
    pub product: Option<usize>,
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
    /// Format read: `"csv"` (any delimited text), `"xlsx"`, `"xls"`, `"ods"`, `"html"` or
    /// `"arrow"`.
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
    /// Why each role's column was chosen (issue 13).
    pub choices: Vec<Choice>,
    /// The column that stood in for a blank customer cell, and on how many rows.
    pub customer_fallback: Option<(String, u64)>,
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
///
/// Without an explicit mapping the roles are chosen on evidence (issue 13): the first
/// [`EVIDENCE_ROWS`] data rows after the header are held (at most [`EVIDENCE_BYTES`] of text),
/// their values decide the mapping ([`columns::choose`]), then they are read like every later row.
pub(crate) struct Driver {
    options: Options,
    reader: Option<RowReader>,
    header_line: Option<u64>,
    lines_estimate: usize,
    pending: Option<Pending>,
}

/// Data rows held until the mapping is decided.
struct Pending {
    names: Vec<String>,
    unnamed: Vec<bool>,
    events: Vec<Held>,
    bytes: usize,
}

enum Held {
    Row(u64, OwnedRecord),
    Reject(u64, Reason, Vec<u8>),
}

/// Rows looked at before the mapping is decided.
pub const EVIDENCE_ROWS: usize = 1000;
/// Text held at most before the mapping is decided.
pub const EVIDENCE_BYTES: usize = 4 << 20;

/// An owned copy of a record (for the rows held while the mapping is decided): its non-blank
/// cells by column, and its width.
#[derive(Debug, Default)]
struct OwnedRecord {
    cells: Vec<(usize, OwnedCell)>,
    len: usize,
}

#[derive(Debug)]
enum OwnedCell {
    Text(Box<[u8]>),
    Other(cell::Cell<'static>),
}

impl OwnedRecord {
    fn of<R: Record + ?Sized>(record: &R) -> (OwnedRecord, usize) {
        let mut bytes = 0;
        let mut cells = Vec::new();
        let mut c = 0;
        while let Some(i) = record.non_blank_from(c) {
            let owned = match record.cell(i) {
                cell::Cell::Text(t) => {
                    bytes += t.len();
                    OwnedCell::Text(t.into())
                }
                cell::Cell::Int(v) => OwnedCell::Other(cell::Cell::Int(v)),
                cell::Cell::Float(v) => OwnedCell::Other(cell::Cell::Float(v)),
                cell::Cell::Time(v) => OwnedCell::Other(cell::Cell::Time(v)),
                cell::Cell::Decimal(v, s) => OwnedCell::Other(cell::Cell::Decimal(v, s)),
            };
            bytes += 32;
            cells.push((i, owned));
            c = i + 1;
        }
        let len = record.len();
        (OwnedRecord { cells, len }, bytes)
    }
}

impl Record for OwnedRecord {
    fn len(&self) -> usize {
        self.len
    }

    fn cell(&self, c: usize) -> cell::Cell<'_> {
        match self.cells.binary_search_by_key(&c, |&(i, _)| i) {
            Ok(i) => match &self.cells[i].1 {
                OwnedCell::Text(t) => cell::Cell::Text(t),
                OwnedCell::Other(v) => *v,
            },
            Err(_) => cell::Cell::BLANK,
        }
    }

    fn is_blank(&self) -> bool {
        self.cells.is_empty()
    }

    fn non_blank_from(&self, from: usize) -> Option<usize> {
        let start = self.cells.partition_point(|&(c, _)| c < from);
        self.cells.get(start).map(|&(c, _)| c)
    }
}

/// The evidence of column `c` over the held rows.
fn column_stats(events: &[Held], c: usize) -> ColumnStats {
    rows_stats(
        events.iter().filter_map(|e| match e {
            Held::Row(_, r) => Some(r),
            Held::Reject(..) => None,
        }),
        c,
    )
}

/// Held rows where column `a` is blank and column `b` is not.
fn covers(events: &[Held], a: usize, b: usize) -> u64 {
    let mut scratch = Vec::new();
    events
        .iter()
        .filter(|e| match e {
            Held::Row(_, r) => r.cell(a).is_blank() && !r.cell(b).text(&mut scratch).is_empty(),
            Held::Reject(..) => false,
        })
        .count() as u64
}

/// The evidence of column `c` over some records.
pub(crate) fn rows_stats<'a, R: Record + 'a>(
    rows: impl Iterator<Item = &'a R>,
    c: usize,
) -> ColumnStats {
    use crate::money::parse_money;
    use crate::time::{parse_time, NumericTime};
    let mut stats = ColumnStats::default();
    // Distinct values by the interner the ingest already has (no other hash map in the core
    // module), counted by id.
    let mut distinct = Interner::default();
    let mut counts: Vec<u64> = Vec::new();
    let mut scratch = Vec::new();
    for record in rows {
        stats.rows += 1;
        let cell = record.cell(c);
        let text = cell.text(&mut scratch);
        if text.is_empty() {
            stats.blank += 1;
            continue;
        }
        let (date, money) = match cell {
            cell::Cell::Time(_) => (true, false),
            cell::Cell::Int(_) | cell::Cell::Float(_) | cell::Cell::Decimal(..) => {
                let v = values::plain_number(text);
                (v.is_some_and(|v| NumericTime::of(v).is_some()), true)
            }
            cell::Cell::Text(_) => (
                parse_time(text).is_some()
                    || values::plain_number(text).is_some_and(|v| NumericTime::of(v).is_some()),
                parse_money(text, None).is_some(),
            ),
        };
        stats.dates += u64::from(date);
        stats.money += u64::from(money);
        let id = distinct.intern(text) as usize;
        if id >= counts.len() {
            counts.resize(id + 1, 0);
        }
        counts[id] += 1;
    }
    stats.distinct = counts.len() as u64;
    // The most frequent value; ties go to the one seen first.
    if let Some((id, &n)) = counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
    {
        let v = distinct.get(id as u32);
        stats.top = (String::from_utf8_lossy(v).chars().take(40).collect(), n);
    }
    stats
}

impl Driver {
    /// A driver that takes the first non-blank record as the header (unless `header: false`).
    pub(crate) fn new(options: Options, lines_estimate: usize) -> Driver {
        Driver {
            options,
            reader: None,
            header_line: None,
            lines_estimate,
            pending: None,
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
        let mut driver = Driver::new(options, lines_estimate);
        driver.start(names, unnamed)?;
        Ok(driver)
    }

    /// The header is known: the mapping now when it is explicit, else after the first rows.
    /// Files whose header names no customer or no time column fail at once.
    fn start(&mut self, names: Vec<String>, unnamed: Vec<bool>) -> Result<()> {
        let by_name = choose(&names, self.options.mapping.as_ref(), &|_| None, &|_, _| 0)?;
        if self.options.mapping.is_some() {
            self.begin_reading(names, unnamed, by_name, Vec::new())?;
        } else {
            self.pending = Some(Pending {
                names,
                unnamed,
                events: Vec::new(),
                bytes: 0,
            });
        }
        Ok(())
    }

    /// Decides the mapping on the held rows, then reads them.
    fn decide(&mut self) -> Result<()> {
        let Some(p) = self.pending.take() else {
            return Ok(());
        };
        let events = p.events;
        let chosen = choose(
            &p.names,
            None,
            &|c| Some(column_stats(&events, c)),
            &|a, b| covers(&events, a, b),
        )?;
        self.begin_reading(p.names, p.unnamed, chosen, events)
    }

    fn begin_reading(
        &mut self,
        names: Vec<String>,
        unnamed: Vec<bool>,
        chosen: columns::Chosen,
        events: Vec<Held>,
    ) -> Result<()> {
        let mut r = RowReader::new(
            names,
            unnamed,
            chosen.mapping,
            self.lines_estimate,
            &self.options,
        );
        r.customer_fallback = chosen.customer_fallback;
        r.choices = chosen.choices;
        for e in events {
            match e {
                Held::Row(line, record) => r.push(line, &record)?,
                Held::Reject(line, reason, text) => r.reject_row(line, reason, &text)?,
            }
        }
        self.reader = Some(r);
        Ok(())
    }

    /// Data rows read so far.
    pub(crate) fn rows(&self) -> u64 {
        match (&self.reader, &self.pending) {
            (Some(r), _) => r.rows,
            (None, Some(p)) => p.events.len() as u64,
            (None, None) => 0,
        }
    }

    /// Takes one record; `line` is its 1-based physical line (or sheet row).
    pub(crate) fn record<R: Record + ?Sized>(&mut self, line: u64, record: &R) -> Result<()> {
        if let Some(r) = &mut self.reader {
            return r.push(line, record);
        }
        if record.is_blank() {
            return Ok(());
        }
        if let Some(p) = &mut self.pending {
            let (owned, bytes) = OwnedRecord::of(record);
            p.events.push(Held::Row(line, owned));
            p.bytes += bytes;
            if p.events.len() >= EVIDENCE_ROWS || p.bytes >= EVIDENCE_BYTES {
                self.decide()?;
            }
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
        self.start(names, unnamed)?;
        if !self.options.header {
            self.record(line, record)?;
        }
        Ok(())
    }

    /// Column-wide decisions and the rows' fates.
    pub(crate) fn finish(mut self, mut info: IngestInfo) -> Result<(Lines, IngestInfo)> {
        self.decide()?;
        let Some(mut reader) = self.reader else {
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
        reader.decide_years(self.options.assume_year, &mut info)?;
        let mut lines = reader.finish(&mut info);
        order_level::take_order_amounts_once(&mut lines, &mut info);
        warn_set_aside(&mut info);
        Ok((lines, info))
    }
}

/// Warnings (issue 13) when more than 10 % of the rows are set aside for one reason, and when
/// another column stood in for blank customer cells.
fn warn_set_aside(info: &mut IngestInfo) {
    let rows = info.rows.max(1);
    let customer = info
        .mapping
        .iter()
        .find(|(r, _)| *r == Role::Customer)
        .map(|(_, c)| c.clone())
        .unwrap_or_default();
    for (&reason, &n) in &info.rejections.counts {
        if n * 10 > rows {
            let (en, zh) = reason.describe();
            let pct = (n * 100 + rows / 2) / rows;
            info.warnings.push((
                format!(
                    "{n} of {} rows ({pct} %) were set aside because {en} ({}): check the column settings",
                    info.rows,
                    reason.name()
                ),
                format!(
                    "{} 行中有 {n} 行（{pct} %）因{zh}被搁置（{}）：请检查列设置",
                    info.rows,
                    reason.name()
                ),
            ));
        }
    }
    if let Some((fallback, n)) = &info.customer_fallback {
        if *n > 0 {
            info.warnings.push((
                format!(
                    "{n} rows with a blank {customer:?} were assigned to a customer by their {fallback:?}"
                ),
                format!("{n} 行的 {customer:?} 为空，已按 {fallback:?} 识别客户"),
            ));
        }
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
        if let Some(p) = &mut self.pending {
            p.bytes += text.len();
            p.events.push(Held::Reject(line, reason, text.to_vec()));
            return Ok(());
        }
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

/// Columns beyond this many that play no role are not dimensions (with a warning): every
/// dimension costs memory per line, so a header of thousands of columns must not multiply the
/// work of every row.
pub const MAX_DIMENSIONS: usize = 256;
