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
    /// RFC 4180 CSV with a header line, UTF-8.
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
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(self.columns.iter().map(|(name, _)| *name))
            .map_err(export_error)?;
        let mut row: Vec<String> = Vec::with_capacity(self.columns.len());
        for i in 0..self.rows() {
            row.clear();
            for (_, column) in &self.columns {
                row.push(match column {
                    Column::Text(v) => v.get(i).cloned().unwrap_or_default(),
                    Column::Int(v) => v.get(i).map(i64::to_string).unwrap_or_default(),
                    Column::Float(v) => v
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|x| x.to_string())
                        .unwrap_or_default(),
                });
            }
            out.write_record(&row).map_err(export_error)?;
        }
        out.into_inner().map_err(|e| export_error(e.error()))
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
