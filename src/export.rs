//! The per-customer table (RFM scores and segment; CLV columns once fitted) as CSV or Arrow
//! IPC bytes (SPEC §10: "exportable as CSV and as Arrow IPC").

use crate::error::{Error, ErrorKind, Result};

/// One column of the customer table.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Text, e.g. the customer id or segment.
    Text(Vec<String>),
    /// Whole numbers.
    Int(Vec<i64>),
    /// Numbers; `None` is absent (no amount column, no fit).
    Float(Vec<Option<f64>>),
}

/// A named, columnar table, one row per buyer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// (name, values) in output order.
    pub columns: Vec<(&'static str, Column)>,
}

/// Output format of [`Table::encode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV with a header line, UTF-8, `\n` line ends; text cells that start like
    /// a formula are neutralised (see `write_text`).
    Csv,
    /// Arrow IPC stream (readable by `apache-arrow`'s `tableFromIPC`).
    Arrow,
}

impl Format {
    /// `"csv"` or `"arrow"`.
    pub fn from_name(name: &str) -> Result<Format> {
        match name {
            "csv" => Ok(Format::Csv),
            "arrow" => Ok(Format::Arrow),
            _ => Err(Error::new(
                ErrorKind::BadOptions,
                format!("unknown export format {name:?}: use \"csv\" or \"arrow\""),
                format!("未知导出格式 {name:?}：请用 \"csv\" 或 \"arrow\""),
            )),
        }
    }
}

/// A text cell of a CSV file: quoted when it holds a comma, quote or line break (RFC 4180),
/// and neutralised when it starts like a formula (`=`, `+`, `-`, `@`, tab or CR): values from
/// the file are data, and Excel would run `=HYPERLINK(…)` as one (CSV injection), so such a
/// cell gets a leading `'`, which Excel shows as text.
fn write_text(out: &mut Vec<u8>, text: &str) {
    let formula = matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    let quote = formula
        || text
            .bytes()
            .any(|c| matches!(c, b',' | b'"' | b'\n' | b'\r'));
    if quote {
        out.push(b'"');
    }
    if formula {
        out.push(b'\'');
    }
    for c in text.bytes() {
        if c == b'"' {
            out.push(b'"');
        }
        out.push(c);
    }
    if quote {
        out.push(b'"');
    }
}

#[cfg_attr(not(feature = "arrow"), allow(dead_code))]
fn export_error(e: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::BadCsv,
        format!("cannot write the export: {e}"),
        format!("无法写出导出文件：{e}"),
    )
}

impl Table {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| match c {
            Column::Text(v) => v.len(),
            Column::Int(v) => v.len(),
            Column::Float(v) => v.len(),
        })
    }

    /// The table as bytes in a format.
    pub fn encode(&self, format: Format) -> Result<Vec<u8>> {
        match format {
            Format::Csv => self.to_csv(),
            #[cfg(feature = "arrow")]
            Format::Arrow => self.to_arrow(),
            #[cfg(not(feature = "arrow"))]
            Format::Arrow => Err(Error::new(
                ErrorKind::FormatUnavailable,
                "this build has no Arrow export (the full build has)",
                "此版本不支持 Arrow 导出（完整版本支持）",
            )),
        }
    }

    fn to_csv(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(64 * (self.rows() + 1));
        let names = self.columns.iter().map(|(name, _)| *name);
        for (k, name) in names.enumerate() {
            if k > 0 {
                out.push(b',');
            }
            write_text(&mut out, name);
        }
        out.extend_from_slice(b"\n");
        for i in 0..self.rows() {
            for (k, (_, column)) in self.columns.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                match column {
                    Column::Text(v) => write_text(&mut out, v.get(i).map_or("", String::as_str)),
                    Column::Int(v) => {
                        if let Some(x) = v.get(i) {
                            out.extend_from_slice(x.to_string().as_bytes());
                        }
                    }
                    Column::Float(v) => {
                        if let Some(x) = v.get(i).copied().flatten() {
                            out.extend_from_slice(x.to_string().as_bytes());
                        }
                    }
                }
            }
            out.extend_from_slice(b"\n");
        }
        Ok(out)
    }

    #[cfg(feature = "arrow")]
    fn to_arrow(&self) -> Result<Vec<u8>> {
        use std::sync::Arc;

        use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
        use arrow_ipc::writer::StreamWriter;
        use arrow_schema::{DataType, Field, Schema};

        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|(name, column)| match column {
                Column::Text(_) => Field::new(*name, DataType::Utf8, false),
                Column::Int(_) => Field::new(*name, DataType::Int64, false),
                Column::Float(_) => Field::new(*name, DataType::Float64, true),
            })
            .collect();
        let arrays: Vec<ArrayRef> = self
            .columns
            .iter()
            .map(|(_, column)| -> ArrayRef {
                match column {
                    Column::Text(v) => Arc::new(StringArray::from_iter_values(v)),
                    Column::Int(v) => Arc::new(Int64Array::from(v.clone())),
                    Column::Float(v) => Arc::new(Float64Array::from(v.clone())),
                }
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(export_error)?;
        let mut writer = StreamWriter::try_new(Vec::new(), &schema).map_err(export_error)?;
        writer.write(&batch).map_err(export_error)?;
        writer.finish().map_err(export_error)?;
        writer.into_inner().map_err(export_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralised() {
        let table = Table {
            columns: vec![
                (
                    "customer",
                    Column::Text(
                        [
                            "=HYPERLINK(\"http://x\",\"y\")",
                            "+cmd|' /C calc'!A0",
                            "@SUM(1+1)",
                            "-2",
                            "a,b",
                            "say \"hi\"",
                            "plain",
                            "\tx",
                        ]
                        .map(String::from)
                        .to_vec(),
                    ),
                ),
                ("n", Column::Int(vec![1, -2, 3, 4, 5, 6, 7, 8])),
                (
                    "v",
                    Column::Float(vec![
                        Some(-1.5),
                        None,
                        Some(0.25),
                        None,
                        None,
                        None,
                        None,
                        None,
                    ]),
                ),
            ],
        };
        let csv = String::from_utf8(table.encode(Format::Csv).unwrap()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "customer,n,v");
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,-1.5"
        );
        assert_eq!(lines[2], "\"'+cmd|' /C calc'!A0\",-2,");
        assert_eq!(lines[3], "\"'@SUM(1+1)\",3,0.25");
        assert_eq!(lines[4], "\"'-2\",4,");
        assert_eq!(lines[5], "\"a,b\",5,");
        assert_eq!(lines[6], "\"say \"\"hi\"\"\",6,");
        assert_eq!(lines[7], "plain,7,");
        assert_eq!(lines[8], "\"'\tx\",8,");
        // An independent reader gets the neutralised texts back.
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let first: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        assert_eq!(first[0], "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(first[4], "a,b");
    }
}
