//! Arrow IPC input (stream or file format): an `apache-arrow` table (`tableToIPC`) or a
//! DuckDB-WASM result, as records for the shared row reader. Columns are named by the schema;
//! strings are text, integers and floats stay numbers, decimals stay exact, and dates and
//! timestamps convert exactly to seconds (sub-second parts are dropped, as in text).
//!
//! A timestamp with a time zone is an instant; the wall clock is what SPEC §1 wants, so a fixed
//! offset (`+08:00`) is applied, `UTC` needs none, and a named zone, which would need a zone
//! database, is read as UTC with a warning.

use std::io::Cursor;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal32Type, Decimal64Type, Float32Type, Float64Type,
    Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_ipc::reader::{FileReader, StreamReader};
use arrow_schema::{ArrowError, DataType, TimeUnit};

use super::cell::Cell;
use super::{Driver, IngestInfo, Lines};
use crate::error::{Error, ErrorKind, Result};
use crate::options::Options;
use crate::period::DAY;

/// One column of a batch, typed once per batch.
enum Column<'a> {
    /// Cells read as blank: the `Null` type, an empty dictionary, or an unsupported type.
    Blank,
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    Utf8View(&'a arrow_array::StringViewArray),
    Binary(&'a arrow_array::BinaryArray),
    LargeBinary(&'a arrow_array::LargeBinaryArray),
    Bool(&'a arrow_array::BooleanArray),
    /// Any integer type that fits `i64`, read through a function.
    Int(&'a dyn Array, fn(&dyn Array, usize) -> i64),
    UInt64(&'a arrow_array::UInt64Array),
    Float(&'a dyn Array, fn(&dyn Array, usize) -> f64),
    Decimal(&'a dyn Array, fn(&dyn Array, usize) -> i128, i8),
    /// Seconds since 1970 through a function, plus the offset of a fixed time zone.
    Time(&'a dyn Array, fn(&dyn Array, usize) -> i64, i64),
    Dictionary(&'a dyn Array, Vec<usize>, Box<Column<'a>>),
}

impl<'a> Column<'a> {
    fn cell(&self, i: usize) -> Cell<'a> {
        match self {
            Column::Blank => Cell::BLANK,
            Column::Utf8(a) if !a.is_null(i) => Cell::Text(a.value(i).as_bytes()),
            Column::LargeUtf8(a) if !a.is_null(i) => Cell::Text(a.value(i).as_bytes()),
            Column::Utf8View(a) if !a.is_null(i) => Cell::Text(a.value(i).as_bytes()),
            Column::Binary(a) if !a.is_null(i) => Cell::Text(a.value(i)),
            Column::LargeBinary(a) if !a.is_null(i) => Cell::Text(a.value(i)),
            Column::Bool(a) if !a.is_null(i) => {
                Cell::Text(if a.value(i) { b"true" } else { b"false" })
            }
            Column::Int(a, f) if !a.is_null(i) => Cell::Int(f(*a, i)),
            Column::UInt64(a) if !a.is_null(i) => match i64::try_from(a.value(i)) {
                Ok(v) => Cell::Int(v),
                Err(_) => Cell::Float(a.value(i) as f64),
            },
            Column::Float(a, f) if !a.is_null(i) => Cell::Float(f(*a, i)),
            Column::Decimal(a, f, scale) if !a.is_null(i) => Cell::Decimal(f(*a, i), *scale),
            Column::Time(a, f, offset) if !a.is_null(i) => {
                Cell::Time(f(*a, i).saturating_add(*offset))
            }
            Column::Dictionary(a, keys, values) if !a.is_null(i) => {
                keys.get(i).map_or(Cell::BLANK, |&k| values.cell(k))
            }
            _ => Cell::BLANK,
        }
    }
}

/// Reads Arrow IPC: the file format when `file`, else the stream format.
pub fn read(bytes: &[u8], file: bool, options: &Options) -> Result<(Lines, IngestInfo)> {
    let batches = if file {
        // A file is magic + padding, a stream (ending in an end-of-stream marker), then a
        // footer: reading the stream part needs no trust in the footer's offsets.
        read_stream(bytes.get(8..).unwrap_or_default())
            .or_else(|_| read_file(bytes))
            .map_err(bad_arrow)?
    } else {
        read_stream(bytes).map_err(bad_arrow)?
    };
    let (schema, batches) = batches;
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    if names.is_empty() {
        return Err(Error::new(
            ErrorKind::EmptyFile,
            "the Arrow table has no columns",
            "Arrow 表没有列",
        ));
    }
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut driver = Driver::with_names(options.clone(), names.clone(), rows)?;
    let mut warnings = Vec::new();
    for field in schema.fields().iter() {
        if let Some((en, zh)) = unsupported(field.data_type()) {
            warnings.push((
                format!(
                    "column {:?} has Arrow type {}, {en}",
                    field.name(),
                    field.data_type()
                ),
                format!(
                    "列 {:?} 的 Arrow 类型为 {}，{zh}",
                    field.name(),
                    field.data_type()
                ),
            ));
        }
        if let DataType::Timestamp(_, Some(tz)) = field.data_type() {
            if zone_offset(tz.as_ref()).is_none() {
                warnings.push((
                    format!(
                        "column {:?}: time zone {tz:?} is not applied; times are read as UTC wall clock",
                        field.name()
                    ),
                    format!("列 {:?}：未应用时区 {tz:?}，时间按 UTC 读取", field.name()),
                ));
            }
        }
    }
    let mut line: u64 = 0;
    let mut cells: Vec<Cell> = Vec::with_capacity(names.len());
    for batch in &batches {
        let columns: Vec<Column> = batch.columns().iter().map(|a| column(a.as_ref())).collect();
        for i in 0..batch.num_rows() {
            line += 1;
            cells.clear();
            cells.extend(columns.iter().map(|c| c.cell(i)));
            driver.record(line, cells.as_slice())?;
        }
    }
    let mut info = IngestInfo {
        format: "arrow",
        encoding: "utf-8".into(),
        ..IngestInfo::default()
    };
    info.warnings = warnings;
    driver.finish(info)
}

type Batches = (arrow_schema::SchemaRef, Vec<RecordBatch>);

fn read_stream(bytes: &[u8]) -> std::result::Result<Batches, ArrowError> {
    let reader = StreamReader::try_new(Cursor::new(bytes), None)?;
    let schema = reader.schema();
    let batches = reader.collect::<std::result::Result<Vec<_>, _>>()?;
    Ok((schema, batches))
}

fn read_file(bytes: &[u8]) -> std::result::Result<Batches, ArrowError> {
    let reader = FileReader::try_new(Cursor::new(bytes), None)?;
    let schema = reader.schema();
    let batches = reader.collect::<std::result::Result<Vec<_>, _>>()?;
    Ok((schema, batches))
}

fn bad_arrow(e: ArrowError) -> Error {
    Error::new(
        ErrorKind::BadArrow,
        format!("the Arrow IPC data cannot be read: {e}"),
        format!("无法读取该 Arrow IPC 数据：{e}"),
    )
}

/// Why a type is read as blank, or `None` when it is read.
fn unsupported(t: &DataType) -> Option<(&'static str, &'static str)> {
    match t {
        DataType::Dictionary(_, v) => unsupported(v),
        _ if matches!(column_kind(t), Kind::Unsupported) => Some((
            "which is not read: its cells are blank",
            "无法读取，其单元格按空白处理",
        )),
        _ => None,
    }
}

enum Kind {
    Supported,
    Unsupported,
}

fn column_kind(t: &DataType) -> Kind {
    match t {
        DataType::Null
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(_, _)
        | DataType::Decimal64(_, _)
        | DataType::Decimal128(_, _)
        | DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(_, _) => Kind::Supported,
        DataType::Dictionary(_, v) => column_kind(v),
        _ => Kind::Unsupported,
    }
}

/// The offset in seconds of a fixed time zone (`UTC`, `Z`, `+08:00`, `-0500`), `None` for a
/// named zone.
fn zone_offset(tz: &str) -> Option<i64> {
    let tz = tz.trim();
    if tz.eq_ignore_ascii_case("utc") || tz == "Z" || tz.eq_ignore_ascii_case("etc/utc") {
        return Some(0);
    }
    let (sign, rest) = match tz.as_bytes().first()? {
        b'+' => (1, &tz[1..]),
        b'-' => (-1, &tz[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = digits[2..].parse().ok()?;
    (h < 24 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

fn column(a: &dyn Array) -> Column<'_> {
    macro_rules! int {
        ($t:ty) => {
            Column::Int(a, |a, i| i64::from(a.as_primitive::<$t>().value(i)))
        };
    }
    match a.data_type() {
        DataType::Utf8 => Column::Utf8(a.as_string::<i32>()),
        DataType::LargeUtf8 => Column::LargeUtf8(a.as_string::<i64>()),
        DataType::Utf8View => Column::Utf8View(a.as_string_view()),
        DataType::Binary => Column::Binary(a.as_binary::<i32>()),
        DataType::LargeBinary => Column::LargeBinary(a.as_binary::<i64>()),
        DataType::Boolean => Column::Bool(a.as_boolean()),
        DataType::Int8 => int!(Int8Type),
        DataType::Int16 => int!(Int16Type),
        DataType::Int32 => int!(Int32Type),
        DataType::Int64 => int!(Int64Type),
        DataType::UInt8 => int!(UInt8Type),
        DataType::UInt16 => int!(UInt16Type),
        DataType::UInt32 => int!(UInt32Type),
        DataType::UInt64 => Column::UInt64(a.as_primitive::<UInt64Type>()),
        DataType::Float32 => Column::Float(a, |a, i| {
            f64::from(a.as_primitive::<Float32Type>().value(i))
        }),
        DataType::Float64 => Column::Float(a, |a, i| a.as_primitive::<Float64Type>().value(i)),
        DataType::Decimal32(_, s) => Column::Decimal(
            a,
            |a, i| i128::from(a.as_primitive::<Decimal32Type>().value(i)),
            *s,
        ),
        DataType::Decimal64(_, s) => Column::Decimal(
            a,
            |a, i| i128::from(a.as_primitive::<Decimal64Type>().value(i)),
            *s,
        ),
        DataType::Decimal128(_, s) => {
            Column::Decimal(a, |a, i| a.as_primitive::<Decimal128Type>().value(i), *s)
        }
        DataType::Date32 => Column::Time(
            a,
            |a, i| i64::from(a.as_primitive::<Date32Type>().value(i)) * DAY,
            0,
        ),
        DataType::Date64 => Column::Time(
            a,
            |a, i| a.as_primitive::<Date64Type>().value(i).div_euclid(1000),
            0,
        ),
        DataType::Timestamp(unit, tz) => {
            let offset = tz.as_deref().and_then(zone_offset).unwrap_or(0);
            let f: fn(&dyn Array, usize) -> i64 = match unit {
                TimeUnit::Second => |a, i| a.as_primitive::<TimestampSecondType>().value(i),
                TimeUnit::Millisecond => |a, i| {
                    a.as_primitive::<TimestampMillisecondType>()
                        .value(i)
                        .div_euclid(1000)
                },
                TimeUnit::Microsecond => |a, i| {
                    a.as_primitive::<TimestampMicrosecondType>()
                        .value(i)
                        .div_euclid(1_000_000)
                },
                TimeUnit::Nanosecond => |a, i| {
                    a.as_primitive::<TimestampNanosecondType>()
                        .value(i)
                        .div_euclid(1_000_000_000)
                },
            };
            Column::Time(a, f, offset)
        }
        DataType::Dictionary(_, _) => {
            let dict = a.as_any_dictionary();
            let values: &ArrayRef = dict.values();
            if values.is_empty() {
                // No value to point at: every key is null or invalid.
                return Column::Blank;
            }
            Column::Dictionary(a, dict.normalized_keys(), Box::new(column(values.as_ref())))
        }
        _ => Column::Blank,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_zones_only() {
        assert_eq!(zone_offset("UTC"), Some(0));
        assert_eq!(zone_offset("+08:00"), Some(8 * 3600));
        assert_eq!(zone_offset("-0530"), Some(-(5 * 3600 + 30 * 60)));
        assert_eq!(zone_offset("Asia/Shanghai"), None);
        assert_eq!(zone_offset("+99:00"), None);
        assert_eq!(zone_offset("+"), None);
    }
}
