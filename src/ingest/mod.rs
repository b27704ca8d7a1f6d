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
pub mod probe;
pub mod records;
pub mod rejections;
mod rows;
pub mod stream;
pub mod values;
#[cfg(feature = "xlsx")]
pub mod xlsx;

use crate::error::{Error, ErrorKind, Result};
use crate::intern::Interner;
use crate::money::Micros;
use crate::options::Options;
use cell::Record;
use columns::{map_roles, Role};
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

/// Columns beyond this many that play no role are not dimensions (with a warning): every
/// dimension costs memory per line, so a header of thousands of columns must not multiply the
/// work of every row.
pub const MAX_DIMENSIONS: usize = 256;
