//! Fuzzed worksheet XML (and shared strings) inside an otherwise valid workbook, so the fuzzer
//! reaches the sheet reader instead of stopping at zip checksums: `analyze` must return a
//! Report or an Error, never panic, and the Report's rows must add up.
//!
//! Input layout: shared strings XML, a NUL, sheet XML; without a NUL the whole input is the
//! sheet and the workbook has no shared strings.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const STYLES: &str = r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>"#;

fn workbook(shared: Option<&[u8]>, sheet: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut part = |name: &str, bytes: &[u8]| {
        zip.start_file(name, stored).unwrap();
        zip.write_all(bytes).unwrap();
    };
    part("[Content_Types].xml", CONTENT_TYPES.as_bytes());
    part("_rels/.rels", RELS.as_bytes());
    part("xl/workbook.xml", WORKBOOK.as_bytes());
    part("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes());
    part("xl/styles.xml", STYLES.as_bytes());
    if let Some(shared) = shared {
        part("xl/sharedStrings.xml", shared);
    }
    part("xl/worksheets/sheet1.xml", sheet);
    zip.finish().unwrap().into_inner()
}

fuzz_target!(|data: &[u8]| {
    let (shared, sheet) = match data.iter().position(|&b| b == 0) {
        Some(p) => (Some(&data[..p]), &data[p + 1..]),
        None => (None, data),
    };
    let bytes = workbook(shared, sheet);
    if let Ok(report) = cohortlens::analyze(&bytes, &cohortlens::Options::default()) {
        let rejected: u64 = report.ingest.rejected.values().sum();
        assert_eq!(report.ingest.accepted + rejected, report.ingest.rows);
    }
});
