//! Bytes → typed order lines: decoding, delimiter, header, role mapping, value parsing and
//! rejected rows (SPEC §1, §11; COLUMNS.md).

pub mod columns;
pub mod decode;
pub mod records;
pub mod values;

use std::collections::BTreeMap;

use csv::ByteRecord;
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::intern::Interner;
use crate::options::Options;
use columns::{map_roles, Mapping, Role};
use records::{for_each_record, sniff, Delimiter};
use values::{
    clean, is_cancelled_status, parse_money, parse_time, DayMonth, Micros, Money, Separators, Time,
};

/// Why a row was rejected (SPEC §11: one per row, the first failing check in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
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
    /// Encoding used.
    pub encoding: String,
    /// Delimiter used.
    pub delimiter: String,
    /// `"YMD"`, `"DMY"` or `"MDY"`.
    pub date_order: &'static str,
    /// Warnings in English and Chinese.
    pub warnings: Vec<(String, String)>,
    /// Rejected rows.
    pub rejections: Rejections,
}

/// Reads an orders file.
pub fn read(bytes: &[u8], options: &Options) -> Result<(Lines, IngestInfo)> {
    let decoded = decode::decode(bytes, options.encoding.as_deref())?;
    let text: &[u8] = &decoded.text;
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::new(
            ErrorKind::EmptyFile,
            "the file is empty",
            "文件是空的",
        ));
    }
    let delimiter = match options.delimiter.as_deref() {
        Some(d) => Delimiter::from_option(d)?,
        None => sniff(text),
    };
    let mut reader: Option<RowReader> = None;
    let mut header_line = None;
    for_each_record(text, delimiter, |line, record| match &mut reader {
        Some(r) => r.push(line, record),
        None => {
            if is_blank(record) {
                return Ok(());
            }
            let names: Vec<String> = if options.header {
                header_line = Some(line);
                record
                    .iter()
                    .enumerate()
                    .map(|(i, cell)| {
                        let name = String::from_utf8_lossy(clean(cell)).into_owned();
                        if name.is_empty() {
                            (i + 1).to_string()
                        } else {
                            name
                        }
                    })
                    .collect()
            } else {
                (1..=record.len()).map(|i| i.to_string()).collect()
            };
            let mapping = map_roles(&names, options.mapping.as_ref())?;
            // Room for about half as many customers as the file has lines, so that the
            // customer table rarely grows (a full rehash of a big table is costly).
            let lines_estimate = text.len() / (line_length(text) + 1);
            let mut r = RowReader::new(names, mapping, lines_estimate);
            if !options.header {
                r.push(line, record)?;
            }
            reader = Some(r);
            Ok(())
        }
    })?;
    let Some(reader) = reader else {
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
        .at(header_line, None));
    }
    let mut info = IngestInfo {
        encoding: decoded.encoding.to_string(),
        delimiter: delimiter.name(),
        ..IngestInfo::default()
    };
    let lines = reader.finish(&mut info);
    Ok((lines, info))
}

/// Mean length of the first lines of `text`.
fn line_length(text: &[u8]) -> usize {
    let head = &text[..text.len().min(64 * 1024)];
    let lines = head.iter().filter(|&&c| c == b'\n').count().max(1);
    head.len() / lines
}

/// The items of `v` whose `keep` flag is set, compacted in place.
fn retain_kept<T>(mut v: Vec<T>, keep: &[bool]) -> Vec<T> {
    let mut i = 0;
    v.retain(|_| {
        i += 1;
        keep.get(i - 1).copied().unwrap_or(false)
    });
    v
}

fn is_blank(record: &ByteRecord) -> bool {
    record.iter().all(|f| clean(f).is_empty())
}

/// Sentinels for a cell's parse state, stored in the value vectors themselves.
const BLANK: i64 = NO_TIME;
const BAD: i64 = i64::MIN + 1;
const PENDING: i64 = i64::MIN + 2;

fn is_sentinel(v: i64) -> bool {
    v <= PENDING
}

/// The money columns whose decimal convention is decided per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MoneyColumn {
    Amount,
    Quantity,
    UnitPrice,
}

/// The pass over data rows: typed values, parse states and the evidence for column-wide
/// decisions (date order, decimal comma).
struct RowReader {
    names: Vec<String>,
    mapping: Mapping,
    money_columns: Vec<(MoneyColumn, usize)>,
    rows: u64,
    customers: Interner,
    customer: Vec<u32>,
    time: Vec<i64>,
    /// Per money column, the value or a sentinel.
    money: Vec<Vec<i64>>,
    order_ids: Option<(OrderKeys, Vec<u64>)>,
    status: Vec<Status>,
    dims: Vec<(usize, Dimension)>,
    line: Vec<u64>,
    missing_customer: Vec<bool>,
    pending_times: Vec<(u32, Time)>,
    pending_money: Vec<(u32, usize, Box<[u8]>)>,
    separators: Vec<[u64; 2]>,
    /// Raw text of bad cells for the first rows that have one: (row, column, text).
    bad_texts: Vec<(u32, usize, String)>,
}

impl RowReader {
    fn new(names: Vec<String>, mapping: Mapping, rows_estimate: usize) -> RowReader {
        let mut money_columns = Vec::new();
        if let Some(c) = mapping.get(Role::Amount) {
            money_columns.push((MoneyColumn::Amount, c));
        } else if let (Some(q), Some(p)) =
            (mapping.get(Role::Quantity), mapping.get(Role::UnitPrice))
        {
            money_columns.push((MoneyColumn::Quantity, q));
            money_columns.push((MoneyColumn::UnitPrice, p));
        }
        let dims = (0..names.len())
            .filter(|&c| !mapping.has_column(c))
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
        RowReader {
            money: vec![Vec::new(); money_columns.len()],
            separators: vec![[0, 0]; money_columns.len()],
            money_columns,
            names,
            mapping,
            rows: 0,
            customers: Interner::with_capacity(rows_estimate / 2),
            customer: Vec::with_capacity(rows_estimate),
            time: Vec::with_capacity(rows_estimate),
            order_ids,
            status: Vec::new(),
            dims,
            line: Vec::new(),
            missing_customer: Vec::new(),
            pending_times: Vec::new(),
            pending_money: Vec::new(),
            bad_texts: Vec::new(),
        }
    }

    fn note_bad(&mut self, row: u32, column: usize, raw: &[u8]) {
        // Only the first rejected rows are reported, so only their texts are kept.
        if self.bad_texts.len() < 2 * Rejections::SAMPLES {
            self.bad_texts
                .push((row, column, String::from_utf8_lossy(raw).into_owned()));
        }
    }

    fn push(&mut self, line: u64, record: &ByteRecord) -> Result<()> {
        if is_blank(record) {
            return Ok(());
        }
        let row = u32::try_from(self.rows).map_err(|_| {
            Error::new(
                ErrorKind::BadCsv,
                "the file has more than 4 billion rows",
                "文件超过 40 亿行",
            )
        })?;
        self.rows += 1;
        let raw = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or_default();
        let customer_cell = clean(raw(self.mapping.get(Role::Customer)));
        self.missing_customer.push(customer_cell.is_empty());
        self.customer.push(self.customers.intern(customer_cell));

        let time_col = self.mapping.get(Role::Time);
        let time_cell = clean(raw(time_col));
        let t = if time_cell.is_empty() {
            BLANK
        } else {
            match parse_time(time_cell) {
                Some(Time::Exact(t)) => t,
                Some(amb) => {
                    self.pending_times.push((row, amb));
                    PENDING
                }
                None => {
                    if let Some(c) = time_col {
                        self.note_bad(row, c, raw(time_col));
                    }
                    BAD
                }
            }
        };
        self.time.push(t);

        for k in 0..self.money_columns.len() {
            let col = self.money_columns[k].1;
            let cell = clean(raw(Some(col)));
            let v = if cell.is_empty() {
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
                    None => {
                        self.note_bad(row, col, raw(Some(col)));
                        BAD
                    }
                }
            };
            if let Some(values) = self.money.get_mut(k) {
                values.push(v);
            }
        }

        if let Some((ids, of_line)) = &mut self.order_ids {
            of_line.push(ids.key(clean(raw(self.mapping.get(Role::Order)))));
        }
        let status_cell = clean(raw(self.mapping.get(Role::Status)));
        self.status.push(if status_cell.is_empty() {
            Status::Blank
        } else if is_cancelled_status(status_cell) {
            Status::Cancelled
        } else {
            Status::Normal
        });
        for (c, dim) in &mut self.dims {
            let v = dim.values.intern(clean(record.get(*c).unwrap_or_default()));
            dim.of_line.push(v);
        }
        self.line.push(line);
        Ok(())
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

        // Date order (SPEC §11).
        let order = self.decide_date_order(info);
        for &(row, t) in &self.pending_times {
            let v = t.resolve(order).unwrap_or(BAD);
            if v == BAD && self.bad_texts.len() < 2 * Rejections::SAMPLES {
                if let Some(c) = self.mapping.get(Role::Time) {
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
            if let Some(slot) = self.money.get_mut(k).and_then(|m| m.get_mut(row as usize)) {
                *slot = v;
            }
        }

        let has_order = self.order_ids.is_some();
        let time_column = self
            .mapping
            .get(Role::Time)
            .map(|c| self.names[c].clone())
            .unwrap_or_default();
        let name = |c: Option<usize>| c.map(|c| self.names[c].clone()).unwrap_or_default();
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
            let time_col = self.mapping.get(Role::Time);
            if self.missing_customer[row] {
                reject(
                    &mut info.rejections,
                    Reason::MissingCustomer,
                    self.mapping.get(Role::Customer),
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
                let q = amount / i128::from(values::MICROS);
                let r = amount % i128::from(values::MICROS);
                amount = q + if 2 * r.abs() >= i128::from(values::MICROS) {
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

        let has_amount = !self.money.is_empty();
        let kept = keep.iter().filter(|&&k| k).count();
        Lines {
            customer: retain_kept(self.customer, &keep),
            // BLANK and NO_TIME are the same sentinel: blank times stay blank for the merge.
            time: retain_kept(self.time, &keep),
            amount: if has_amount { amounts } else { vec![0; kept] },
            has_amount,
            order: self.order_ids.map(|(_, v)| retain_kept(v, &keep)),
            status: retain_kept(self.status, &keep),
            dims: self
                .dims
                .into_iter()
                .map(|(_, mut d)| {
                    d.of_line = retain_kept(std::mem::take(&mut d.of_line), &keep);
                    d
                })
                .collect(),
            line: retain_kept(self.line, &keep),
            customers: self.customers,
            time_column,
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
