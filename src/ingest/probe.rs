//! A first look at a file for a page's column chooser: its format, encoding, delimiter, header,
//! the role mapping the analysis would use with the other candidate columns per role, and a
//! few rows. It takes the first bytes of the file (64 KB are plenty) and decides exactly as the
//! ingest does, so a page never guesses the encoding or the delimiter on its own.

use std::collections::BTreeMap;

use serde::Serialize;

use super::cell::{Cell, Record, TextRecord};
use super::columns::{candidates, choose, ColumnChoice, Mapping, Role};
use super::decode::Decoding;
use super::detect::{self, Format};
use super::records::{Fields, Sink, Tokenizer};
use super::stream::HEAD;
use super::Reason;
use crate::error::Result;
use crate::money::parse_money;
use crate::options::Options;

/// Rows shown after the header.
pub const SAMPLE_ROWS: usize = 5;

/// What [`probe`] found.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    /// `"csv"` (any delimited text), `"xlsx"`, `"xls"`, `"ods"`, `"html"` (an HTML table saved
    /// as "xls") or `"arrow"`. Workbooks, HTML tables and Arrow are read whole
    /// by the analysis: their header comes with the Report (`ingest.mapping`), not from here.
    pub format: String,
    /// The text encoding (delimited text only).
    pub encoding: Option<String>,
    /// The delimiter, or `"whitespace"` (delimited text only).
    pub delimiter: Option<String>,
    /// Column names (position numbers `1`, `2`, … for unnamed columns or without a header).
    pub header: Vec<String>,
    /// Role → the column the analysis would use (roles without a column are absent).
    pub mapping: BTreeMap<String, String>,
    /// Role → every column whose name fits the role, best first.
    pub candidates: BTreeMap<String, Vec<String>>,
    /// The first data rows, as text.
    pub rows: Vec<Vec<String>>,
    /// Why each role's column was chosen, from the rows in the first 64 KB (issue 13).
    pub choices: Vec<ColumnChoice>,
    /// Columns playing no role whose sample values all read as money: what a page can offer
    /// when no amount column is mapped.
    pub numeric: Vec<String>,
}

/// Looks at the first bytes of a file (all of it when shorter than 64 KB).
pub fn probe(bytes: &[u8], options: &Options) -> Result<Probe> {
    let head = &bytes[..bytes.len().min(HEAD)];
    let complete = bytes.len() < HEAD;
    let mut found = Probe {
        format: "csv".into(),
        encoding: None,
        delimiter: None,
        header: Vec::new(),
        mapping: BTreeMap::new(),
        candidates: BTreeMap::new(),
        rows: Vec::new(),
        choices: Vec::new(),
        numeric: Vec::new(),
    };
    if detect::read_whole(head) {
        found.format = match detect::detect(bytes).unwrap_or(Format::Xlsx) {
            Format::ArrowFile | Format::ArrowStream => "arrow",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Html => "html",
            _ => "xlsx",
        }
        .into();
        return Ok(found);
    }
    detect::detect(head)?;
    let mut decoding = Decoding::for_head(head, options.encoding.as_deref())?;
    let mut text = Vec::new();
    decoding.decode(head, complete, &mut |t| {
        text.extend_from_slice(t);
        Ok(())
    })?;
    found.encoding = Some(decoding.name().to_string());
    let mut records = Collect::default();
    let mut tokenizer = Tokenizer::for_head(&text, options.delimiter.as_deref(), &mut records, 0)?;
    found.delimiter = Some(tokenizer.delimiter().name());
    tokenizer.feed(&text, &mut records)?;
    if complete {
        tokenizer.finish(&mut records, &mut Vec::new())?;
    }
    let mut rows = records.rows.into_iter();
    let width = |rows: &[Vec<String>]| rows.iter().map(Vec::len).max().unwrap_or(0);
    found.header = if options.header {
        rows.next()
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                if name.is_empty() {
                    (i + 1).to_string()
                } else {
                    name
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let evidence: Vec<TextRecord> = rows.map(TextRecord).collect();
    found.rows = evidence
        .iter()
        .take(SAMPLE_ROWS)
        .map(|r| r.0.clone())
        .collect();
    if !options.header {
        found.header = (1..=width(&found.rows)).map(|i| i.to_string()).collect();
    }
    // The same choice as the analysis, on the rows at hand (a page shows it before the
    // analysis; with no customer or time column the mapping is left partial).
    let stats = |c| Some(super::rows_stats(evidence.iter(), c));
    let covers = |a: usize, b: usize| {
        evidence
            .iter()
            .filter(|r| r.cell(a).is_blank() && !r.cell(b).is_blank())
            .count() as u64
    };
    let chosen = match choose(&found.header, options.mapping.as_ref(), &stats, &covers) {
        Ok(chosen) => chosen,
        Err(e) if e.code() == "UnknownColumn" || e.code() == "BadOptions" => return Err(e),
        Err(_) => super::columns::Chosen {
            mapping: super::columns::propose(&found.header, options.mapping.as_ref())?,
            ..Default::default()
        },
    };
    let zh = options.locale() == crate::error::Locale::Zh;
    found.choices = chosen.choices.iter().map(|c| c.report(zh)).collect();
    let mut mapping = chosen.mapping;
    // The engine never maps a product column itself (SPEC §12); the probe proposes the best
    // synonym for the page to offer.
    if options.mapping.is_none() {
        if let Some(&c) = candidates(&found.header, Role::Product).first() {
            mapping.columns.insert(Role::Product, c);
        }
    }
    found.numeric = numeric_columns(&found.header, &found.rows, &mapping);
    for role in Role::ALL.into_iter().chain([Role::Product]) {
        if let Some(c) = mapping.get(role) {
            found
                .mapping
                .insert(role.name().into(), found.header[c].clone());
        }
        let fits = candidates(&found.header, role);
        if !fits.is_empty() {
            found.candidates.insert(
                role.name().into(),
                fits.into_iter().map(|c| found.header[c].clone()).collect(),
            );
        }
    }
    Ok(found)
}

/// Columns that play no role (the product aside) and whose non-blank sample values all read as
/// money, at least one of them.
fn numeric_columns(header: &[String], rows: &[Vec<String>], mapping: &Mapping) -> Vec<String> {
    header
        .iter()
        .enumerate()
        .filter(|&(c, _)| !mapping.has_column(c))
        .filter(|&(c, _)| {
            let mut cells = rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .peekable();
            cells.peek().is_some() && cells.all(|v| parse_money(v.as_bytes(), None).is_some())
        })
        .map(|(_, name)| name.clone())
        .collect()
}

/// The first non-blank records as text (header names cut at 256 characters, as the ingest).
#[derive(Default)]
struct Collect {
    rows: Vec<Vec<String>>,
}

impl Sink for Collect {
    fn expect_lines(&mut self, _: usize) {}

    fn record(&mut self, _: u64, record: &Fields) -> Result<()> {
        if self.rows.len() > super::EVIDENCE_ROWS || record.is_blank() {
            return Ok(());
        }
        let mut scratch = Vec::new();
        let cells = (0..record.len())
            .map(|c| {
                let text = Cell::text(record.cell(c), &mut scratch);
                String::from_utf8_lossy(text).chars().take(256).collect()
            })
            .collect();
        self.rows.push(cells);
        Ok(())
    }

    fn reject_row(&mut self, _: u64, _: Reason, _: &[u8]) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shop_export_is_probed_as_the_ingest_reads_it() {
        let csv = "\u{feff}订单号;买家会员名;付款时间;实付金额\n1;张三;2024-01-02 10:00;12,50\n2;李四;2024-01-03 11:00;3,99\n";
        let p = probe(csv.as_bytes(), &Options::default()).unwrap();
        assert_eq!(p.format, "csv");
        assert_eq!(p.encoding.as_deref(), Some("utf-8"));
        assert_eq!(p.delimiter.as_deref(), Some(";"));
        assert_eq!(p.header, ["订单号", "买家会员名", "付款时间", "实付金额"]);
        assert_eq!(p.mapping["customer"], "买家会员名");
        assert_eq!(p.mapping["time"], "付款时间");
        assert_eq!(p.mapping["amount"], "实付金额");
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0], ["1", "张三", "2024-01-02 10:00", "12,50"]);
        assert!(!p.mapping.contains_key("product"));
    }

    #[test]
    fn a_product_column_is_proposed_and_numeric_columns_offered() {
        // (`dollar_value`, CDNOW's name, is an amount synonym since issue 13: a name no
        // synonym knows.)
        let csv = "Email,Created at,Lineitem name,net_usd,Note\na@x,2024-01-02,Tea,12.50,hi\nb@x,2024-01-03,Cup,\"1,234.50\",\n";
        let p = probe(csv.as_bytes(), &Options::default()).unwrap();
        assert_eq!(p.mapping["product"], "Lineitem name");
        assert!(!p.mapping.contains_key("amount"));
        assert_eq!(p.numeric, ["net_usd"]);
    }

    #[test]
    fn gbk_and_candidates_and_no_header() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("客户,email,下单时间\nc1,a@x,2024-01-02\n");
        let p = probe(&gbk, &Options::default()).unwrap();
        assert_eq!(p.encoding.as_deref(), Some("gb18030"));
        assert_eq!(p.mapping["customer"], "客户");
        assert!(p.candidates["customer"].contains(&"email".to_string()));
        let options = Options {
            header: false,
            ..Options::default()
        };
        let p = probe(b"c1 2024-01-02 3\nc2 2024-01-03 4\n", &options).unwrap();
        assert_eq!(p.delimiter.as_deref(), Some("whitespace"));
        assert_eq!(p.header, ["1", "2", "3"]);
        assert_eq!(p.rows.len(), 2);
    }

    #[test]
    fn a_cut_head_drops_its_unfinished_record_and_binary_files_are_refused() {
        let mut csv = String::from("customer,date\n");
        while csv.len() < HEAD + 100 {
            csv.push_str("c1,2024-01-02\n");
        }
        let p = probe(&csv.as_bytes()[..HEAD], &Options::default()).unwrap();
        assert_eq!(p.rows.len(), SAMPLE_ROWS);
        assert_eq!(
            probe(b"\x89PNG\r\n\x1a\n....", &Options::default())
                .err()
                .map(|e| e.code()),
            Some("BinaryFile")
        );
        assert_eq!(
            probe(b"PK\x03\x04..xl/", &Options::default())
                .unwrap()
                .format,
            "xlsx"
        );
    }
}
