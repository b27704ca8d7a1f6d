//! Excel workbooks (`.xlsx`): the first sheet, or `options.sheet`, read cell by cell (calamine's
//! streaming cell reader, so a sheet is never materialised as a dense grid), as records for the
//! shared row reader. Numbers stay numbers; date-formatted cells become exact timestamps,
//! rounded to the nearest second (SPEC §11), in either of Excel's date systems.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use super::cell::{Cell, SparseRecord};
use super::detect::binary;
use super::values::excel_serial_seconds;
use super::{Driver, IngestInfo, Lines};
use crate::error::{Error, ErrorKind, Result};
use crate::options::Options;

/// Excel's grid: columns A–XFD, rows 1–1,048,576.
const MAX_COLUMNS: u32 = 16_384;
const MAX_ROWS: u32 = 1_048_576;

/// A cell value that owns its text when the workbook does not (inline strings, errors).
enum Value<'a> {
    Borrowed(&'a str),
    Owned(String),
    Int(i64),
    Float(f64),
    Time(i64),
}

impl Value<'_> {
    fn cell(&self) -> Cell<'_> {
        match self {
            Value::Borrowed(s) => Cell::Text(s.as_bytes()),
            Value::Owned(s) => Cell::Text(s.as_bytes()),
            Value::Int(i) => Cell::Int(*i),
            Value::Float(f) => Cell::Float(*f),
            Value::Time(t) => Cell::Time(*t),
        }
    }
}

/// Reads a workbook.
pub fn read(bytes: &[u8], options: &Options) -> Result<(Lines, IngestInfo)> {
    if !contains(bytes, b"xl/") {
        return Err(
            if contains(&bytes[..bytes.len().min(256)], b"opendocument.spreadsheet") {
                binary(
                    "an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV",
                    "OpenDocument 电子表格（.ods）：请另存为 .xlsx 或 CSV",
                )
            } else {
                binary(
                    "a zip archive that is not an Excel workbook",
                    "不是 Excel 工作簿的 zip 压缩包",
                )
            },
        );
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad_xlsx)?;
    let sheets = book.sheet_names();
    let sheet = pick_sheet(&sheets, options.sheet.as_deref())?;
    let is_1904 = book.has_1904_epoch();
    let mut cells = book.worksheet_cells_reader(&sheet).map_err(bad_xlsx)?;
    // Rows of about 40 bytes of XML each is a low guess; the estimate only sizes tables.
    let mut driver = Driver::new(options, (bytes.len() / 40).min(1 << 22));
    let mut row: Vec<(usize, Value)> = Vec::new();
    let mut row_number: Option<u32> = None;
    let flush = |driver: &mut Driver, row: &mut Vec<(usize, Value)>, number: u32| {
        // Cells of a row normally come in column order; a repeated cell keeps its first value.
        row.sort_by_key(|&(c, _)| c);
        row.dedup_by_key(|&mut (c, _)| c);
        let record = SparseRecord {
            cells: row.iter().map(|(c, v)| (*c, v.cell())).collect(),
        };
        let result = driver.record(u64::from(number) + 1, &record);
        row.clear();
        result
    };
    while let Some(cell) = cells.next_cell().map_err(bad_xlsx)? {
        let (r, c) = cell.get_position();
        if c >= MAX_COLUMNS || r >= MAX_ROWS {
            // No workbook Excel wrote has such a cell (calamine wraps absurd references): its
            // column would name millions of empty columns.
            return Err(Error::new(
                ErrorKind::BadXlsx,
                format!(
                    "the sheet has a cell outside Excel's grid (row {}, column {})",
                    u64::from(r) + 1,
                    u64::from(c) + 1
                ),
                format!(
                    "工作表中有超出 Excel 表格范围的单元格（第 {} 行，第 {} 列）",
                    u64::from(r) + 1,
                    u64::from(c) + 1
                ),
            ));
        }
        let Some(value) = value(cell.get_value(), is_1904) else {
            continue;
        };
        if row_number != Some(r) {
            if let Some(number) = row_number {
                flush(&mut driver, &mut row, number)?;
            }
            row_number = Some(r);
        }
        row.push((c as usize, value));
    }
    if let Some(number) = row_number {
        flush(&mut driver, &mut row, number)?;
    }
    driver.finish(IngestInfo {
        format: "xlsx",
        sheet: Some(sheet),
        encoding: "utf-8".into(),
        ..IngestInfo::default()
    })
}

/// The cell's value, `None` when empty.
fn value<'a>(data: &DataRef<'a>, is_1904: bool) -> Option<Value<'a>> {
    Some(match data {
        DataRef::Empty => return None,
        DataRef::Int(i) => Value::Int(*i),
        DataRef::Float(f) => Value::Float(*f),
        DataRef::String(s) => Value::Owned(s.clone()),
        DataRef::SharedString(s) => Value::Borrowed(s),
        DataRef::Bool(b) => Value::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(d) if d.is_datetime() => {
            match excel_serial_seconds(d.as_f64(), is_1904) {
                Some(t) => Value::Time(t),
                None => Value::Float(d.as_f64()),
            }
        }
        DataRef::DateTime(d) => Value::Float(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Owned(s.clone()),
        DataRef::Error(e) => Value::Owned(e.to_string()),
    })
}

/// The sheet to read: `wanted` by name (exact, then ignoring case and surrounding spaces), or
/// by 1-based position; the first sheet when not given.
fn pick_sheet(sheets: &[String], wanted: Option<&str>) -> Result<String> {
    let Some(wanted) = wanted else {
        return sheets.first().cloned().ok_or_else(|| {
            Error::new(
                ErrorKind::EmptyFile,
                "the workbook has no sheets",
                "工作簿中没有工作表",
            )
        });
    };
    let norm = |s: &str| s.trim().to_lowercase();
    sheets
        .iter()
        .find(|s| *s == wanted)
        .or_else(|| sheets.iter().find(|s| norm(s) == norm(wanted)))
        .or_else(|| {
            let n: usize = wanted.trim().parse().ok()?;
            sheets.get(n.checked_sub(1)?)
        })
        .cloned()
        .ok_or_else(|| {
            let list = format!("{sheets:?}");
            Error::new(
                ErrorKind::UnknownSheet,
                format!("the workbook has no sheet {wanted:?}; its sheets are {list}"),
                format!("工作簿中没有工作表 {wanted:?}；现有工作表：{list}"),
            )
        })
}

fn bad_xlsx(e: XlsxError) -> Error {
    Error::new(
        ErrorKind::BadXlsx,
        format!("the Excel workbook cannot be read: {e}"),
        format!("无法读取该 Excel 工作簿：{e}"),
    )
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_by_name_case_or_position() {
        let sheets = vec!["Orders".to_string(), "Refunds".to_string()];
        assert_eq!(pick_sheet(&sheets, None).unwrap(), "Orders");
        assert_eq!(pick_sheet(&sheets, Some("refunds ")).unwrap(), "Refunds");
        assert_eq!(pick_sheet(&sheets, Some("2")).unwrap(), "Refunds");
        let e = pick_sheet(&sheets, Some("3")).unwrap_err();
        assert_eq!(e.code(), "UnknownSheet");
        assert!(e.to_string().contains("Refunds"), "{e}");
        assert_eq!(pick_sheet(&[], None).unwrap_err().code(), "EmptyFile");
    }
}
