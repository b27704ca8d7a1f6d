//! Bad input: every error has a stable code and a message in English and Chinese; rejected rows
//! are counted by reason with their line numbers; pathological files finish in time linear in
//! their size; arbitrary bytes give a Report or an Error, never a panic, with
//! `accepted + rejected == rows`; every input the fuzzer ever crashed on stays a test.

use std::time::{Duration, Instant};

use cohortlens::{analyze, Error, Locale, Options, Report};
use proptest::prelude::*;
use serde_json::json;

fn data(folder: &str, name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(folder)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn error_of(bytes: &[u8], options: &str) -> Error {
    match analyze(bytes, &Options::from_json(options).unwrap()) {
        Ok(r) => panic!("expected an error, got a Report of {} rows", r.ingest.rows),
        Err(e) => e,
    }
}

/// The error's code, after checking that both messages are there and the Chinese one is
/// Chinese.
fn code(e: &Error) -> &'static str {
    let (en, zh) = (e.message(Locale::En), e.message(Locale::Zh));
    assert!(!en.is_empty() && en != zh, "en: {en}");
    assert!(
        zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "zh: {zh}"
    );
    e.code()
}

fn bad(name: &str) -> &'static str {
    code(&error_of(&data("bad", name), "{}"))
}

/// The Report's row counts add up (SPEC §1: nothing is dropped silently).
fn rows_add_up(r: &Report) {
    let rejected: u64 = r.ingest.rejected.values().sum();
    assert_eq!(
        r.ingest.accepted + rejected,
        r.ingest.rows,
        "{:?}",
        r.ingest
    );
}

#[test]
fn empty_files() {
    assert_eq!(bad("empty.csv"), "EmptyFile");
    assert_eq!(bad("blank_lines.csv"), "EmptyFile");
}

#[test]
fn header_only() {
    let e = error_of(&data("bad", "header_only.csv"), "{}");
    assert_eq!(code(&e), "HeaderOnly");
    assert_eq!(e.position().line, Some(1));
}

/// The message lists the columns the file has and the names that were tried.
#[test]
fn no_customer_or_time_column() {
    let e = error_of(&data("bad", "no_customer.csv"), "{}");
    assert_eq!(code(&e), "NoCustomerColumn");
    for part in ["\"sku\"", "\"order_date\"", "customer id", "买家会员名"] {
        assert!(e.message(Locale::En).contains(part), "{part}: {e}");
        assert!(e.message(Locale::Zh).contains(part), "{part}: zh");
    }
    let e = error_of(&data("bad", "no_time.csv"), "{}");
    assert_eq!(code(&e), "NoTimeColumn");
    assert!(e.message(Locale::En).contains("order date"), "{e}");
    assert!(e.message(Locale::En).contains("\"sku\""), "{e}");
}

#[test]
fn binary_files() {
    for name in ["image.png", "archive.zip", "orders.csv.gz", "nul_bytes.csv"] {
        assert_eq!(bad(name), "BinaryFile", "{name}");
    }
    // A legacy .xls is read by the full build (issue 13); this one is an empty compound file.
    #[cfg(feature = "xlsx")]
    assert_eq!(bad("old_excel.xls"), "BadXlsx");
    // The NUL is on line 2.
    let e = error_of(&data("bad", "nul_bytes.csv"), "{}");
    assert_eq!(e.position().line, Some(2));
}

#[cfg(all(feature = "xlsx", feature = "arrow"))]
#[test]
fn corrupt_xlsx_and_arrow() {
    assert_eq!(bad("truncated.xlsx"), "BadXlsx");
    assert_eq!(bad("damaged_sheet.xlsx"), "BadXlsx");
    assert_eq!(bad("truncated.arrows"), "BadArrow");
    // A shared-string table that claims 1.8 billion strings (calamine would reserve them all).
    let forged = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/regressions/xlsx-shared-strings-count-oom"),
    )
    .unwrap();
    let e = error_of(&forged[3..], "{}");
    assert_eq!(code(&e), "BadXlsx");
    assert!(e.to_string().contains("1832914108"), "{e}");
    // A file that starts like Arrow and is nothing else.
    assert_eq!(code(&error_of(b"ARROW1\0\0garbage", "{}")), "BadArrow");
    assert_eq!(
        code(&error_of(b"\xff\xff\xff\xff\x08\0\0\0zzzzzzzz", "{}")),
        "BadArrow"
    );
}

#[test]
fn encodings_that_cannot_be_read() {
    let latin1 = data("bad", "latin1.csv");
    assert_eq!(code(&error_of(&latin1, "{}")), "BadEncoding");
    assert_eq!(
        code(&error_of(&latin1, r#"{"encoding": "klingon"}"#)),
        "UnknownEncoding"
    );
    // Told the right encoding, the file reads.
    let r = analyze(
        &latin1,
        &Options::from_json(r#"{"encoding": "latin1"}"#).unwrap(),
    )
    .unwrap();
    assert_eq!(r.ingest.encoding, "windows-1252");
    assert_eq!(r.ingest.accepted, 1);
}

#[test]
fn every_row_rejected() {
    let e = error_of(&data("bad", "all_rejected.csv"), "{}");
    assert_eq!(code(&e), "AllRowsRejected");
    assert_eq!(e.position().line, Some(2));
    assert_eq!(e.position().column.as_deref(), Some("customer_id"));
}

/// `bad_rows.csv`, line by line (header = line 1):
///  2 accepted · 3 blank customer → missingCustomer · 4 month 13 → badTime · 5 "twelve" →
///  badAmount · 6 blank time → missingTime · 7 blank amount → missingAmount · 8 an extra
///  "surplus" field → raggedRow · 9 the header again → repeatedHeader · 10 1899-12-31 and
///  11 9999-12-31 → timeOutOfRange (with a warning) · 12 an extra but empty field → accepted ·
///  13 a field short (blank channel) → accepted · 14 1970-01-01, decades before the rest →
///  accepted with a warning. 13 rows, 4 accepted.
#[test]
fn rejected_rows_are_counted_with_lines_and_reasons() {
    let r = analyze(&data("bad", "bad_rows.csv"), &Options::default()).unwrap();
    rows_add_up(&r);
    assert_eq!((r.ingest.rows, r.ingest.accepted), (13, 4));
    let counts = serde_json::to_value(&r.ingest.rejected).unwrap();
    assert_eq!(
        counts,
        json!({"missingCustomer": 1, "badTime": 1, "badAmount": 1, "missingTime": 1,
               "missingAmount": 1, "raggedRow": 1, "repeatedHeader": 1, "timeOutOfRange": 2})
    );
    let samples: Vec<(u64, &str, &str, String)> = r
        .ingest
        .samples
        .iter()
        .map(|s| {
            let reason = serde_json::to_value(s.reason).unwrap();
            (
                s.line,
                s.column.as_str(),
                s.text.as_str(),
                reason.as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        (3, "customer_id", "", "missingCustomer"),
        (4, "order_date", "2024-13-45 10:00:00", "badTime"),
        (5, "amount", "twelve", "badAmount"),
        (6, "order_date", "", "missingTime"),
        (7, "amount", "", "missingAmount"),
        (8, "", "surplus", "raggedRow"),
        (9, "customer_id", "customer_id", "repeatedHeader"),
        (10, "order_date", "1899-12-31T23:59:59", "timeOutOfRange"),
        (11, "order_date", "9999-12-31T00:00:00", "timeOutOfRange"),
    ];
    let want: Vec<(u64, &str, &str, String)> = want
        .iter()
        .map(|&(l, c, t, r)| (l, c, t, r.to_string()))
        .collect();
    assert_eq!(samples, want);
    let warnings = r.ingest.warnings.join("\n");
    assert!(warnings.contains("before 1900-01-01"), "{warnings}");
    assert!(
        warnings.contains("more than a year before all the others"),
        "{warnings}"
    );
    assert_eq!(
        r.summary.first_order.as_deref(),
        Some("1970-01-01T00:00:00")
    );
    // The same warnings in Chinese.
    let zh = analyze(
        &data("bad", "bad_rows.csv"),
        &Options::from_json(r#"{"locale": "zh"}"#).unwrap(),
    )
    .unwrap();
    assert!(zh
        .ingest
        .warnings
        .iter()
        .any(|w| w.contains("早于 1900-01-01")));
}

/// In a workbook too: a value beyond the header's columns (one of them in Excel's last column,
/// XFD) makes the row ragged, and the header repeated on sheet row 4 is counted as such. Rows:
/// 2 c1 ✓, 3 c2 + "stray note" ✗ ragged, 4 header ✗, 5 c1 ✓, 6 "far away" in XFD ✗ ragged,
/// 7 c3 with text date and ¥ amount ✓.
#[cfg(feature = "xlsx")]
#[test]
fn ragged_rows_and_repeated_header_in_a_sheet() {
    let r = analyze(&data("bad", "ragged_sheet.xlsx"), &Options::default()).unwrap();
    rows_add_up(&r);
    assert_eq!((r.ingest.rows, r.ingest.accepted), (6, 3));
    let lines: Vec<(u64, String)> = r
        .ingest
        .samples
        .iter()
        .map(|s| (s.line, s.text.clone()))
        .collect();
    assert_eq!(
        lines,
        [
            (3, "stray note".to_string()),
            (4, "customer_id".to_string()),
            (6, "far away".to_string())
        ]
    );
    assert_eq!(r.ingest.rejected.get("raggedRow"), Some(&2));
    assert_eq!(r.ingest.rejected.get("repeatedHeader"), Some(&1));
    assert_eq!(r.summary.revenue, Some(80.0));
}

/// A date far after all the others (a typo for 2024) is kept, but said to move `asOf`; with
/// an explicit `asOf`, orders more than a year after it are pointed out.
#[test]
fn far_future_dates_are_warned_about() {
    let csv =
        b"customer_id,order_date\nc1,2024-01-05\nc2,2024-02-05\nc1,2024-03-05\nc3,2124-03-05\n";
    let r = analyze(csv, &Options::default()).unwrap();
    assert_eq!(r.ingest.accepted, 4);
    assert!(
        r.ingest
            .warnings
            .iter()
            .any(|w| w.contains("1 orders from 2124-03-05T00:00:00 on are more than a year after")),
        "{:?}",
        r.ingest.warnings
    );
    let r = analyze(
        csv,
        &Options::from_json(r#"{"asOf": "2024-04-01"}"#).unwrap(),
    )
    .unwrap();
    assert!(r
        .ingest
        .warnings
        .iter()
        .any(|w| w.contains("more than a year after asOf")));
}

/// Mixed numbers in a time column: the column is read as the kind most of them fit (here
/// epoch seconds); the Excel serial that does not fit is a bad time, and the warning says so.
#[test]
fn numeric_time_column_with_misfits() {
    let csv = b"customer_id,order_date\nc1,1704103200\nc2,1704189600\nc3,45292.5\nc4,19970101\n";
    let r = analyze(csv, &Options::default()).unwrap();
    rows_add_up(&r);
    assert_eq!(
        r.ingest.accepted, 3,
        "19970101 stays a date: {:?}",
        r.ingest
    );
    assert_eq!(r.ingest.rejected.get("badTime"), Some(&1));
    assert!(r
        .ingest
        .warnings
        .iter()
        .any(|w| w.contains("1 other numbers")));
}

/// Ragged rows and repeated headers in an xlsx sheet are counted the same way.
#[cfg(feature = "arrow")]
#[test]
fn header_only_and_empty_structured_inputs() {
    // An Arrow stream with a schema and no rows is header-only.
    let stream = data("formats", "same.arrows");
    // Keep the schema message only: its length prefix says where it ends.
    let len = u32::from_le_bytes([stream[4], stream[5], stream[6], stream[7]]) as usize;
    let mut schema_only = stream[..8 + len].to_vec();
    schema_only.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    assert_eq!(code(&error_of(&schema_only, "{}")), "HeaderOnly");
}

fn timed<T>(what: &str, limit: Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < limit, "{what} took {took:?}");
    out
}

/// Budgets are generous (debug builds, a busy machine); what they catch is quadratic work,
/// which on these sizes takes minutes.
const BUDGET: Duration = Duration::from_secs(60);

#[test]
fn a_10_mb_single_line() {
    // No newline at all: one giant header cell, named in the error (cut to 256 characters).
    let line = vec![b'a'; 10 << 20];
    let e = timed("10 MB header", BUDGET, || error_of(&line, "{}"));
    assert_eq!(code(&e), "NoCustomerColumn");
    assert!(e.message(Locale::En).len() < 4000);
    // A header, then one 10 MB data line: its amount is bad, the row is rejected, and the
    // sample shows the start of the cell only.
    let mut file = b"customer_id,order_date,amount\nc1,2024-01-01,".to_vec();
    file.extend(std::iter::repeat_n(b'9', 10 << 20));
    file.extend_from_slice(b"\nc2,2024-01-02,5\n");
    let r = timed("10 MB data line", BUDGET, || {
        analyze(&file, &Options::default()).unwrap()
    });
    rows_add_up(&r);
    assert_eq!(r.ingest.rejected.get("badAmount"), Some(&1));
    assert!(r.ingest.samples[0].text.len() <= 204);
}

#[test]
fn a_file_of_only_quotes() {
    for n in [10 << 20, (10 << 20) + 1] {
        let file = vec![b'"'; n];
        let result = timed("quotes", BUDGET, || analyze(&file, &Options::default()));
        assert!(result.is_err());
    }
}

#[test]
fn deeply_repeated_delimiters() {
    // A header of two names and two million empty columns, then rows with as many commas:
    // the empty columns are no dimensions and no row is ragged.
    let mut file = b"customer_id,order_date".to_vec();
    file.extend(std::iter::repeat_n(b',', 2_000_000));
    file.push(b'\n');
    for i in 0..3 {
        file.extend_from_slice(format!("c{i},2024-01-0{}", i + 1).as_bytes());
        file.extend(std::iter::repeat_n(b',', 2_000_000));
        file.push(b'\n');
    }
    let r = timed("wide header", BUDGET, || {
        analyze(&file, &Options::default()).unwrap()
    });
    rows_add_up(&r);
    assert_eq!(r.ingest.accepted, 3);
    assert!(r.breakdowns.is_empty());
    // Lines of nothing but delimiters are not rows; a row with two million more fields than
    // the header and a value at the end is one ragged row.
    let mut file = b"customer_id,order_date\nc1,2024-01-01\n".to_vec();
    for _ in 0..200_000 {
        file.extend_from_slice(b",,,,,,,,,,\n");
    }
    file.extend_from_slice(b"c2,2024-01-02");
    file.extend(std::iter::repeat_n(b';', 1));
    file.extend(std::iter::repeat_n(b',', 2_000_000));
    file.extend_from_slice(b"x\n");
    let r = timed("delimiter lines", BUDGET, || {
        analyze(&file, &Options::default()).unwrap()
    });
    rows_add_up(&r);
    assert_eq!((r.ingest.rows, r.ingest.accepted), (2, 1));
    assert_eq!(r.ingest.rejected.get("raggedRow"), Some(&1));
    // Semicolons and tabs repeated without end in a header-less file.
    let file = [b';'; 5 << 20].to_vec();
    let e = timed("semicolons", BUDGET, || {
        error_of(
            &file,
            r#"{"header": false, "mapping": {"customer": "1", "time": "2"}}"#,
        )
    });
    assert_eq!(code(&e), "EmptyFile");
}

#[test]
fn a_million_distinct_customers_with_one_order_each() {
    // Debug builds take a tenth of the rows; the release build (`cargo test --release`) the
    // full million.
    let n: u32 = if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    };
    let mut file = String::from("customer_id,order_date,amount\n");
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        file.push_str(&format!(
            "cust{i:07},2024-{month:02}-{day:02} 10:00:00,{}.5\n",
            i % 90
        ));
    }
    let r = timed("a million customers", BUDGET * 2, || {
        analyze(file.as_bytes(), &Options::default()).unwrap()
    });
    rows_add_up(&r);
    assert_eq!(r.summary.customers + r.summary.non_buyers, u64::from(n));
    assert_eq!(r.summary.repurchase_rate, Some(0.0));
}

/// Splits a fuzz input like the fuzz target: options JSON before the first NUL, file after.
fn run_fuzz_input(input: &[u8]) {
    let (options, file) = match input.iter().position(|&b| b == 0) {
        Some(p) => (
            Options::from_json(&String::from_utf8_lossy(&input[..p])).unwrap_or_default(),
            &input[p + 1..],
        ),
        None => (Options::default(), input),
    };
    if let Ok(report) = analyze(file, &options) {
        rows_add_up(&report);
        serde_json::to_vec(&report).unwrap();
    }
}

/// Every input that ever crashed, hung or exhausted the fuzzer (`tests/regressions/`), plus the
/// fuzzer's seeds, through the engine: no panic, and the counts add up.
#[test]
fn fuzz_regressions() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for dir in ["tests/regressions", "fuzz/seeds"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let input = std::fs::read(&path).unwrap();
            timed(&path.display().to_string(), BUDGET, || {
                run_fuzz_input(&input)
            });
            n += 1;
        }
    }
    assert!(n > 0);
}

/// Text made of the pieces real exports are made of, in any order.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(&b","[..]),
        Just(&b";"[..]),
        Just(&b"\t"[..]),
        Just(&b"\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"\""[..]),
        Just(&b"=\""[..]),
        Just(&b"customer_id"[..]),
        Just(&b"order_date"[..]),
        Just(&b"amount"[..]),
        Just(&b"order_id"[..]),
        Just(&b"status"[..]),
        Just(&b"c1"[..]),
        Just(&b"c2"[..]),
        Just(&b"2024-03-05 14:02"[..]),
        Just(&b"3/5/2024"[..]),
        Just(&b"25/12/2023"[..]),
        Just(&b"19970101"[..]),
        Just(&b"1709640000"[..]),
        Just(&b"45356.5"[..]),
        Just("2024年3月5日".as_bytes()),
        Just(&b"1,234.50"[..]),
        Just(&b"12,5"[..]),
        Just(&b"(3.00)"[..]),
        Just("¥99".as_bytes()),
        Just(&b"refunded"[..]),
        Just(&b"0001-01-01"[..]),
        Just(&b"9999-12-31"[..]),
        Just(&b" "[..]),
    ];
    prop::collection::vec(token, 0..80).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any bytes: a Report or an Error, and a Report's rows add up.
    #[test]
    fn any_bytes_give_a_report_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(r) = analyze(&bytes, &Options::default()) {
            rows_add_up(&r);
        }
    }

    /// Export-like text, with and without a header, and with an order column.
    #[test]
    fn export_like_text_adds_up(text in csvish(), header in any::<bool>()) {
        for options in [
            json!({ "header": header }),
            json!({"header": false, "mapping": {"customer": "1", "time": "2", "amount": "3", "order": "4"}}),
        ] {
            let options = Options::from_json(&options.to_string()).unwrap();
            match analyze(&text, &options) {
                Ok(r) => rows_add_up(&r),
                Err(e) => prop_assert!(!e.code().is_empty()),
            }
        }
    }
}
