//! Excel workbooks (`.xlsx`): the first sheet, or `options.sheet`, read cell by cell (calamine's
//! streaming cell reader, so a sheet is never materialised as a dense grid), as records for the
//! shared row reader. Numbers stay numbers; date-formatted cells become exact timestamps,
//! rounded to the nearest second (SPEC §11), in either of Excel's date systems.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use super::cell::{Cell, SparseRecord};
use super::{Driver, IngestInfo, Lines};
use crate::error::{Error, ErrorKind, Result};
use crate::options::Options;
use crate::time::excel_serial_seconds;

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
    check_shared_strings(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad_xlsx)?;
    let sheets = book.sheet_names();
    let sheet = pick_sheet(&sheets, options.sheet.as_deref())?;
    let is_1904 = book.has_1904_epoch();
    let mut cells = book.worksheet_cells_reader(&sheet).map_err(bad_xlsx)?;
    // Rows of about 40 bytes of XML each is a low guess; the estimate only sizes tables.
    let mut driver = Driver::new(options.clone(), (bytes.len() / 40).min(1 << 22));
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

/// calamine reserves room for as many shared strings as the workbook claims (`uniqueCount`)
/// before reading one: a forged count exhausts memory, which aborts the wasm instance (found by
/// fuzzing). A count the part cannot hold is refused: every string takes at least
/// `<si><t/></si>` (13 bytes), and the part is no longer than its declared size, nor than
/// deflate's best ratio (1032:1) allows from the whole input.
fn check_shared_strings(bytes: &[u8]) -> Result<()> {
    use std::io::Read;
    // A broken archive is calamine's to report.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let parts: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok())
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
        .collect();
    for name in parts {
        let Ok(mut part) = archive.by_name(&name) else {
            continue;
        };
        let room = part.size().min(bytes.len() as u64 * 1032) / 13 + 1;
        // Read up to the end of the `sst` start tag (normally the first hundred bytes).
        let mut head: Vec<u8> = Vec::new();
        let mut chunk = [0u8; 8192];
        let tag = loop {
            let n = part.read(&mut chunk).unwrap_or(0);
            if n == 0 {
                break None;
            }
            head.extend_from_slice(&chunk[..n]);
            match sst_tag(&head) {
                Some(Ok(tag)) => break Some(tag),
                Some(Err(start)) => {
                    head.drain(..start);
                }
                None => {
                    let keep = head.len().saturating_sub(8);
                    head.drain(..keep);
                }
            }
        };
        if let Some(count) = tag.and_then(|t| unique_count(&head[t])) {
            if count > room {
                return Err(Error::new(
                    ErrorKind::BadXlsx,
                    format!("the Excel workbook cannot be read: its shared-string table claims {count} strings, more than it can hold"),
                    format!("无法读取该 Excel 工作簿：其共享字符串表声称有 {count} 个字符串，超出其容量"),
                ));
            }
        }
    }
    Ok(())
}

/// Where the `sst` start tag is in `head`: `Some(Ok(range))` when complete, `Some(Err(start))`
/// when it starts at `start` but its `>` is still to come, `None` when not seen.
fn sst_tag(head: &[u8]) -> Option<std::result::Result<std::ops::Range<usize>, usize>> {
    let at = head
        .windows(4)
        .position(|w| (w[0] == b'<' || w[0] == b':') && &w[1..] == b"sst")?;
    let start = head[..=at].iter().rposition(|&c| c == b'<').unwrap_or(at);
    Some(match head[at..].iter().position(|&c| c == b'>') {
        Some(end) => Ok(start..at + end + 1),
        None => Err(start),
    })
}

/// The `uniqueCount` attribute of a tag (the largest, if repeated); absurdly long numbers
/// saturate.
fn unique_count(tag: &[u8]) -> Option<u64> {
    const NAME: &[u8] = b"uniqueCount";
    let mut best = None;
    let mut i = 0;
    while let Some(p) = tag[i..].windows(NAME.len()).position(|w| w == NAME) {
        let mut j = i + p + NAME.len();
        i = j;
        let skip = |j: &mut usize| {
            while tag.get(*j).is_some_and(u8::is_ascii_whitespace) {
                *j += 1;
            }
        };
        skip(&mut j);
        if tag.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        skip(&mut j);
        if !matches!(tag.get(j), Some(b'"' | b'\'')) {
            continue;
        }
        j += 1;
        let digits = tag[j..].iter().take_while(|c| c.is_ascii_digit());
        let n = digits.fold(0u64, |n, &d| {
            n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
        });
        best = best.max(Some(n));
    }
    best
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

/// Reads a legacy `.xls` or an `.ods` workbook (issue 13): the sheet as a range of cells (these
/// formats have no cell-by-cell reader in calamine), each row a record for the shared reader.
pub fn read_legacy(bytes: &[u8], ods: bool, options: &Options) -> Result<(Lines, IngestInfo)> {
    use calamine::{Data, Ods, Xls};
    fn bad(e: impl std::fmt::Display) -> Error {
        Error::new(
            ErrorKind::BadXlsx,
            format!("the workbook cannot be read (damaged, or protected by a password): {e}"),
            format!("无法读取该工作簿（文件损坏或有密码保护）：{e}"),
        )
    }
    let (sheet, range) = if ods {
        let mut book: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(bad)?;
        let sheet = pick_sheet(&book.sheet_names(), options.sheet.as_deref())?;
        let range = book.worksheet_range(&sheet).map_err(bad)?;
        (sheet, range)
    } else {
        let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(bad)?;
        let sheet = pick_sheet(&book.sheet_names(), options.sheet.as_deref())?;
        let range = book.worksheet_range(&sheet).map_err(bad)?;
        (sheet, range)
    };
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut driver = Driver::new(options.clone(), range.height());
    for (i, row) in range.rows().enumerate() {
        let values: Vec<(usize, Value)> = row
            .iter()
            .enumerate()
            .filter_map(|(c, d)| {
                let v = match d {
                    Data::Empty => return None,
                    Data::Int(i) => Value::Int(*i),
                    Data::Float(f) => Value::Float(*f),
                    Data::String(s) => Value::Borrowed(s),
                    Data::Bool(b) => Value::Borrowed(if *b { "TRUE" } else { "FALSE" }),
                    Data::DateTime(d) if d.is_datetime() => {
                        match excel_serial_seconds(d.as_f64(), false) {
                            Some(t) => Value::Time(t),
                            None => Value::Float(d.as_f64()),
                        }
                    }
                    Data::DateTime(d) => Value::Float(d.as_f64()),
                    Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Borrowed(s),
                    Data::Error(e) => Value::Owned(e.to_string()),
                };
                Some((left as usize + c, v))
            })
            .collect();
        let record = SparseRecord {
            cells: values.iter().map(|(c, v)| (*c, v.cell())).collect(),
        };
        driver.record(u64::from(top) + i as u64 + 1, &record)?;
    }
    driver.finish(IngestInfo {
        format: if ods { "ods" } else { "xls" },
        sheet: Some(sheet),
        encoding: "utf-8".into(),
        ..IngestInfo::default()
    })
}

fn bad_xlsx(e: XlsxError) -> Error {
    Error::new(
        ErrorKind::BadXlsx,
        format!("the Excel workbook cannot be read: {e}"),
        format!("无法读取该 Excel 工作簿：{e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_string_counts_are_found() {
        let head =
            br#"<?xml version="1.0"?><x:sst xmlns:x="m" count = "4" uniqueCount = '00012'><si>"#;
        let tag = sst_tag(head).unwrap().unwrap();
        assert_eq!(unique_count(&head[tag]), Some(12));
        assert_eq!(sst_tag(b"<?xml?><sst uniq"), Some(Err(7)));
        assert_eq!(sst_tag(b"<?xml?><ss"), None);
        assert_eq!(
            unique_count(b"<sst uniqueCount=\"99999999999999999999999999\">"),
            Some(u64::MAX)
        );
        assert_eq!(unique_count(b"<sst count=\"3\">"), None);
    }

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
