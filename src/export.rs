//! The per-customer table (RFM scores and segment; CLV columns once fitted) as CSV, xlsx or
//! Arrow IPC bytes (SPEC §10: "exportable as CSV and as Arrow IPC"; xlsx for merchants).

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
    /// An Excel workbook of one sheet (Office Open XML), text cells neutralised as in CSV.
    Xlsx,
}

impl Format {
    /// `"csv"` or `"arrow"`.
    pub fn from_name(name: &str) -> Result<Format> {
        match name {
            "csv" => Ok(Format::Csv),
            "arrow" => Ok(Format::Arrow),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(Error::new(
                ErrorKind::BadOptions,
                format!("unknown export format {name:?}: use \"csv\", \"xlsx\" or \"arrow\""),
                format!("未知导出格式 {name:?}：请用 \"csv\"、\"xlsx\" 或 \"arrow\""),
            )),
        }
    }
}

/// A text cell of a CSV file: quoted when it holds a comma, quote or line break (RFC 4180),
/// and neutralised when it starts like a formula (`=`, `+`, `-`, `@`, tab or CR): values from
/// the file are data, and Excel would run `=HYPERLINK(…)` as one (CSV injection), so such a
/// cell gets a leading `'`, which Excel shows as text.
fn write_text(out: &mut Vec<u8>, text: &str) {
    let formula = starts_like_formula(text);
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

/// Whether a text cell starts like a formula: `=`, `+`, `-`, `@`, tab or CR (OWASP's list
/// for CSV injection).
fn starts_like_formula(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
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

    /// The rows `rows` (indices, in that order) as a table of their own.
    pub fn rows_at(&self, rows: &[usize]) -> Table {
        fn pick<T: Clone + Default>(v: &[T], rows: &[usize]) -> Vec<T> {
            rows.iter()
                .map(|&i| v.get(i).cloned().unwrap_or_default())
                .collect()
        }
        Table {
            columns: self
                .columns
                .iter()
                .map(|(name, column)| {
                    let picked = match column {
                        Column::Text(v) => Column::Text(pick(v, rows)),
                        Column::Int(v) => Column::Int(pick(v, rows)),
                        Column::Float(v) => Column::Float(pick(v, rows)),
                    };
                    (*name, picked)
                })
                .collect(),
        }
    }

    /// The table with its column names in Chinese (the names of [`zh_header`]).
    pub fn with_zh_headers(mut self) -> Table {
        for (name, _) in &mut self.columns {
            *name = zh_header(name);
        }
        self
    }

    /// The table as bytes in a format.
    pub fn encode(&self, format: Format) -> Result<Vec<u8>> {
        match format {
            Format::Csv => self.to_csv(),
            Format::Xlsx => Ok(self.to_xlsx()),
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

    /// One sheet of inline strings and numbers, in a zip of stored entries: the smallest
    /// workbook Excel, LibreOffice and calamine open, written without a zip or xlsx crate in
    /// the core module (its size counts).
    fn to_xlsx(&self) -> Vec<u8> {
        let mut sheet = String::with_capacity(96 * (self.rows() + 1));
        sheet.push_str(concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
            r#"<sheetData>"#
        ));
        let text_cell = |sheet: &mut String, text: &str| {
            sheet.push_str(r#"<c t="inlineStr"><is><t xml:space="preserve">"#);
            if starts_like_formula(text) {
                sheet.push('\'');
            }
            xml_escape(sheet, text);
            sheet.push_str("</t></is></c>");
        };
        sheet.push_str("<row>");
        for (name, _) in &self.columns {
            text_cell(&mut sheet, name);
        }
        sheet.push_str("</row>");
        for i in 0..self.rows() {
            sheet.push_str("<row>");
            for (_, column) in &self.columns {
                match column {
                    Column::Text(v) => text_cell(&mut sheet, v.get(i).map_or("", String::as_str)),
                    Column::Int(v) => match v.get(i) {
                        Some(x) => sheet.push_str(&format!("<c><v>{x}</v></c>")),
                        None => sheet.push_str("<c/>"),
                    },
                    Column::Float(v) => match v.get(i).copied().flatten() {
                        Some(x) if x.is_finite() => sheet.push_str(&format!("<c><v>{x}</v></c>")),
                        _ => sheet.push_str("<c/>"),
                    },
                }
            }
            sheet.push_str("</row>");
        }
        sheet.push_str("</sheetData></worksheet>");
        let mut zip = StoredZip::default();
        zip.add(
            "[Content_Types].xml",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
                r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
                r#"<Default Extension="xml" ContentType="application/xml"/>"#,
                r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
                r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
                r#"</Types>"#
            )
            .as_bytes(),
        );
        zip.add(
            "_rels/.rels",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#,
                r#"</Relationships>"#
            )
            .as_bytes(),
        );
        zip.add(
            "xl/workbook.xml",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
                r#"<sheets><sheet name="customers" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            )
            .as_bytes(),
        );
        zip.add(
            "xl/_rels/workbook.xml.rels",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
                r#"</Relationships>"#
            )
            .as_bytes(),
        );
        zip.add("xl/worksheets/sheet1.xml", sheet.as_bytes());
        zip.finish()
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

/// Text for XML character data: `&`, `<`, `>` and CR escaped; characters XML 1.0 forbids
/// (control characters other than tab, CR and LF) dropped.
fn xml_escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A raw CR would be read back as a line feed (XML end-of-line handling).
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// The zip checksum (CRC-32, IEEE polynomial, reflected). Its 1 KB table is built per call:
/// a crate's precomputed 16 KB of tables would be incompressible weight in the wasm module, and
/// an export's few hundred KB take microseconds either way.
fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (n, entry) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *entry = c;
    }
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// A zip archive of stored (uncompressed) entries, as much of the format as an xlsx needs.
#[derive(Default)]
struct StoredZip {
    out: Vec<u8>,
    /// Central directory records.
    directory: Vec<u8>,
    entries: u16,
}

impl StoredZip {
    /// Fixed DOS time and date of every entry: 1980-01-01 00:00 (exports depend on data only).
    const DOS_DATE: u16 = (1 << 5) | 1;

    fn add(&mut self, name: &str, data: &[u8]) {
        let crc = crc32(data);
        let offset = self.out.len() as u32;
        let size = data.len() as u32;
        let name = name.as_bytes();
        // Local file header.
        self.out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        self.out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        self.out.extend_from_slice(&0x0800u16.to_le_bytes()); // flags: UTF-8 names
        self.out.extend_from_slice(&0u16.to_le_bytes()); // stored
        self.out.extend_from_slice(&0u16.to_le_bytes()); // time
        self.out.extend_from_slice(&Self::DOS_DATE.to_le_bytes());
        self.out.extend_from_slice(&crc.to_le_bytes());
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out
            .extend_from_slice(&(name.len() as u16).to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes()); // extra
        self.out.extend_from_slice(name);
        self.out.extend_from_slice(data);
        // Central directory record.
        let d = &mut self.directory;
        d.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        d.extend_from_slice(&20u16.to_le_bytes()); // version made by
        d.extend_from_slice(&20u16.to_le_bytes()); // version needed
        d.extend_from_slice(&0x0800u16.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&Self::DOS_DATE.to_le_bytes());
        d.extend_from_slice(&crc.to_le_bytes());
        d.extend_from_slice(&size.to_le_bytes());
        d.extend_from_slice(&size.to_le_bytes());
        d.extend_from_slice(&(name.len() as u16).to_le_bytes());
        d.extend_from_slice(&[0; 12]); // extra, comment, disk, internal and external attributes
        d.extend_from_slice(&offset.to_le_bytes());
        d.extend_from_slice(name);
        self.entries += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let start = self.out.len() as u32;
        let size = self.directory.len() as u32;
        self.out.append(&mut self.directory);
        self.out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        self.out.extend_from_slice(&[0; 4]); // disk numbers
        self.out.extend_from_slice(&self.entries.to_le_bytes());
        self.out.extend_from_slice(&self.entries.to_le_bytes());
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out.extend_from_slice(&start.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes()); // comment
        self.out
    }
}

/// The Chinese name of a customer-table column (the English name when there is none).
pub fn zh_header(name: &'static str) -> &'static str {
    match name {
        "customer" => "客户",
        "firstPurchase" => "首次购买时间",
        "lastPurchase" => "最近购买时间",
        "purchases" => "购买次数",
        "revenue" => "消费金额",
        "recency" => "距最近购买天数",
        "r" => "R 分",
        "f" => "F 分",
        "m" => "M 分",
        "segment" => "客户分群",
        "pAlive" => "活跃概率",
        "expectedPurchases" => "预计购买次数",
        "pPurchase30d" => "30 天内购买概率",
        "pPurchase90d" => "90 天内购买概率",
        "expectedPurchases90d" => "90 天预计购买次数",
        "expectedValue" => "预计客单价",
        "clv" => "客户终身价值",
        other => other,
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

    #[test]
    fn crc32_is_the_zip_checksum() {
        // The check value of CRC-32/ISO-HDLC, and the empty input.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[cfg(feature = "xlsx")]
    #[test]
    fn xlsx_cells_are_escaped_and_formulas_neutralised() {
        use calamine::{Data, Reader, Xlsx};
        let table = Table {
            columns: vec![(
                "id",
                Column::Text(
                    ["\tx", "\rx", "<b>&amp;</b>", "bell\u{7}", "-1"]
                        .map(String::from)
                        .to_vec(),
                ),
            )],
        };
        let bytes = table.encode(Format::Xlsx).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("customers").unwrap();
        let cells: Vec<Data> = sheet.rows().map(|r| r[0].clone()).collect();
        let text = |s: &str| Data::String(s.into());
        assert_eq!(
            cells,
            [
                text("id"),
                text("'\tx"),
                text("'\rx"),
                text("<b>&amp;</b>"),
                text("bell"),
                text("'-1")
            ]
        );
    }
}
