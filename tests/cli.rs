//! The CLI contract (`examples/analyze.rs`):
//! `analyze INPUT [--options FILE.json] [--pretty]` prints the Report as JSON on stdout; on
//! failure it prints one line `error[CODE]: message` on stderr, nothing on stdout, and exits
//! with status 2 — CODE is the engine's error code, `Usage` for bad arguments, `Io` for a file
//! that cannot be read. Plus the per-customer CSV export of the library.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use cohortlens::{analyze, Analysis, Options};
use serde_json::Value;

fn golden(name: &str) -> PathBuf {
    common::golden_dir().join(name)
}

fn run(args: &[&OsStr]) -> Output {
    common::run_cli(args, &[])
}

/// A scratch file with `contents`, unique to this test run and name (under cargo's
/// `target/tmp`, not the system's temporary directory).
fn scratch(name: &str, contents: &[u8]) -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Asserts the failure shape and returns the stderr line's message after `error[CODE]: `.
fn failure(out: &Output, code: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "exit status; stderr: {stderr}");
    assert!(out.stdout.is_empty(), "stdout must be empty on failure");
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr:?}");
    assert!(stderr.ends_with('\n'));
    let prefix = format!("error[{code}]: ");
    assert!(
        stderr.starts_with(&prefix),
        "want {prefix:?}…, got {stderr:?}"
    );
    stderr[prefix.len()..].trim_end().to_string()
}

fn success(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "status {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "nothing on stderr on success");
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn os(p: &Path) -> &OsStr {
    p.as_os_str()
}

#[test]
fn prints_the_report_of_tiny() {
    let data = golden("tiny.csv");
    let options = golden("tiny.options.json");
    let out = run(&[os(&data), OsStr::new("--options"), os(&options)]);
    let report = success(&out);
    assert_eq!(report["summary"]["customers"], 11);
    assert_eq!(report["summary"]["nonBuyers"], 1);
    assert_eq!(report["ingest"]["rows"], 27);
    // Exactly the library's serialisation, one line, newline-terminated.
    let want = analyze(
        &std::fs::read(&data).unwrap(),
        &Options::from_json(&std::fs::read_to_string(&options).unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{}\n", serde_json::to_string(&want).unwrap())
    );
}

#[test]
fn pretty_prints_the_same_report() {
    let data = golden("tiny.csv");
    let options = golden("tiny.options.json");
    let compact = success(&run(&[os(&data), OsStr::new("--options"), os(&options)]));
    // Flags in either order.
    let out = run(&[
        OsStr::new("--pretty"),
        os(&data),
        OsStr::new("--options"),
        os(&options),
    ]);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(text.lines().count() > 100, "pretty output is indented");
    assert_eq!(success(&out), compact);
}

#[test]
fn default_options_map_tiny_by_column_names() {
    let report = success(&run(&[os(&golden("tiny.csv"))]));
    assert_eq!(report["summary"]["customers"], 11);
    assert_eq!(report["ingest"]["mapping"]["customer"], "customer_id");
    assert_eq!(report["ingest"]["mapping"]["order"], "order_id");
}

#[test]
fn missing_input_file() {
    let path = std::env::temp_dir().join("cohortlens-no-such-file-4f1c.csv");
    let message = failure(&run(&[os(&path)]), "Io");
    assert!(
        message.contains(&*path.to_string_lossy()),
        "names the file: {message}"
    );
}

#[test]
fn missing_options_file() {
    let missing = std::env::temp_dir().join("cohortlens-no-such-options-4f1c.json");
    let out = run(&[
        os(&golden("tiny.csv")),
        OsStr::new("--options"),
        os(&missing),
    ]);
    let message = failure(&out, "Io");
    assert!(message.contains(&*missing.to_string_lossy()), "{message}");
}

#[test]
fn empty_file() {
    let path = scratch("empty.csv", b"");
    failure(&run(&[os(&path)]), "EmptyFile");
    let path = scratch("blank.csv", b"  \n\r\n\t\n");
    failure(&run(&[os(&path)]), "EmptyFile");
}

#[test]
fn header_only_file() {
    let path = scratch("header.csv", b"customer_id,order_date,amount\n");
    failure(&run(&[os(&path)]), "HeaderOnly");
}

#[test]
fn no_customer_column_lists_the_columns() {
    let path = scratch(
        "nocustomer.csv",
        b"sku,order_date,amount\nA-1,2024-01-03,10\nB-2,2024-01-04,12\n",
    );
    let message = failure(&run(&[os(&path)]), "NoCustomerColumn");
    for column in ["sku", "order_date", "amount"] {
        assert!(message.contains(column), "lists {column}: {message}");
    }
}

#[test]
fn every_row_rejected() {
    let path = scratch(
        "rejected.csv",
        b"customer_id,order_date,amount\n,2024-01-03,10\nc1,not a date,10\n",
    );
    let message = failure(&run(&[os(&path)]), "AllRowsRejected");
    assert!(
        message.contains("line 2"),
        "points at the first line: {message}"
    );
    // The whole first rejection: column, text and the reason in words (issue 13).
    for part in [
        "column \"customer_id\"",
        "text \"\"",
        "the customer cell is empty",
        "1 missingCustomer, 1 badTime",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
}

#[test]
fn bad_options() {
    let data = golden("tiny.csv");
    for (name, json) in [
        ("syntax.json", "{bad"),
        ("unknown.json", r#"{"cohortGrian": "week"}"#),
        ("grain.json", r#"{"cohortGrain": "fortnight"}"#),
        ("range.json", r#"{"funnelDepth": 0}"#),
        ("asof.json", r#"{"asOf": "next tuesday"}"#),
        (
            "thresholds.json",
            r#"{"rfmScoring": {"recency": [1, 2], "frequency": [1, 2, 3, 4], "monetary": [1, 2, 3, 4]}}"#,
        ),
    ] {
        let options = scratch(name, json.as_bytes());
        let out = run(&[os(&data), OsStr::new("--options"), os(&options)]);
        failure(&out, "BadOptions");
    }
}

#[test]
fn usage_errors() {
    failure(&run(&[]), "Usage");
    let data = golden("tiny.csv");
    failure(&run(&[os(&data), OsStr::new("--frobnicate")]), "Usage");
    failure(&run(&[os(&data), OsStr::new("--options")]), "Usage");
    failure(&run(&[os(&data), os(&data)]), "Usage");
}

/// rf10 segment names (SPEC §6), in report order.
const RF10: [&str; 10] = [
    "champions",
    "loyal",
    "potentialLoyalists",
    "newCustomers",
    "promising",
    "needAttention",
    "aboutToSleep",
    "cantLoseThem",
    "atRisk",
    "hibernating",
];

#[test]
fn customers_csv_export_of_tiny() {
    let options =
        Options::from_json(&std::fs::read_to_string(golden("tiny.options.json")).unwrap()).unwrap();
    let analysis = Analysis::run(&std::fs::read(golden("tiny.csv")).unwrap(), &options).unwrap();
    let bytes = analysis.customers_csv().unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for column in ["customer", "purchases", "recency", "r", "f", "m", "segment"] {
        assert!(header.iter().any(|h| h == column), "{column} in {header:?}");
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 11, "one row per buyer");

    // The buyers of tiny: c10 only cancelled (a nonBuyer), c13's only row was rejected.
    let mut ids: Vec<&str> = rows.iter().map(|r| &r[col("customer")]).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        ["c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09", "c11", "c12"]
    );

    // Segments are rf10 names, and agree with the Report's grid, segment counts and purchases.
    let report = &analysis.report;
    let mut grid = [[0u64; 5]; 5];
    let mut segments = [0u64; 10];
    let mut purchases = 0u64;
    for row in &rows {
        let segment = &row[col("segment")];
        let s = RF10
            .iter()
            .position(|&n| n == segment)
            .unwrap_or_else(|| panic!("{segment:?} is not an rf10 segment"));
        segments[s] += 1;
        let score = |name: &str| -> usize { row[col(name)].parse().unwrap() };
        for name in ["r", "f", "m"] {
            assert!((1..=5).contains(&score(name)), "{name} score of {:?}", &row);
        }
        grid[score("r") - 1][score("f") - 1] += 1;
        purchases += row[col("purchases")].parse::<u64>().unwrap();
    }
    assert_eq!(grid, report.rfm.grid);
    let want: Vec<(&str, u64)> = report
        .rfm
        .segments
        .iter()
        .map(|s| (s.segment.as_str(), s.customers))
        .collect();
    let got: Vec<(&str, u64)> = RF10.iter().copied().zip(segments).collect();
    assert_eq!(got, want);
    assert_eq!(purchases, report.summary.purchases);
}

/// `--customers` writes every buyer (the Report lists the 200 most valuable); the format
/// follows the extension, and an unknown one is a usage error before any work.
#[test]
fn customers_flag_writes_the_whole_per_customer_table() {
    let data = golden("synthetic_5k.csv");
    let options = golden("synthetic_5k.options.json");
    let dir = scratch("placeholder", b"");
    let csv_path = dir.with_file_name("customers.csv");
    let report = success(&run(&[
        os(&data),
        OsStr::new("--options"),
        os(&options),
        OsStr::new("--customers"),
        os(&csv_path),
    ]));
    assert_eq!(report["clv"]["customers"].as_array().unwrap().len(), 200);
    let analysis = Analysis::run(
        &std::fs::read(&data).unwrap(),
        &Options::from_json(&std::fs::read_to_string(&options).unwrap()).unwrap(),
    )
    .unwrap();
    let buyers = analysis.customer_table().rows() as u64;
    assert!(buyers > 4000);
    let csv = std::fs::read(&csv_path).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    assert!(reader.headers().unwrap().iter().any(|h| h == "clv"));
    assert_eq!(reader.records().count() as u64, buyers);

    let arrow_path = dir.with_file_name("customers.arrow");
    success(&run(&[
        os(&data),
        OsStr::new("--options"),
        os(&options),
        OsStr::new("--customers"),
        os(&arrow_path),
    ]));
    let arrow = std::fs::read(&arrow_path).unwrap();
    let reader =
        arrow_ipc::reader::StreamReader::try_new(std::io::Cursor::new(arrow), None).unwrap();
    let rows: usize = reader.map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(rows as u64, buyers);

    let out = run(&[os(&data), OsStr::new("--customers"), OsStr::new("out.xls")]);
    failure(&out, "Usage");
}

/// `--select` writes the customers behind one figure, in the asked language; xlsx by the
/// extension; a bad selection is the engine's `BadOptions`.
#[test]
fn select_flag_exports_the_customers_behind_a_figure() {
    let data = golden("synthetic_5k.csv");
    let options = golden("synthetic_5k.options.json");
    let dir = scratch("placeholder", b"");
    let csv_path = dir.with_file_name("silent.csv");
    let report = success(&run(&[
        os(&data),
        OsStr::new("--options"),
        os(&options),
        OsStr::new("--customers"),
        os(&csv_path),
        OsStr::new("--select"),
        OsStr::new(r#"{"list": "silent", "locale": "zh"}"#),
    ]));
    let csv = std::fs::read(&csv_path).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    assert_eq!(&reader.headers().unwrap()[0], "客户");
    assert_eq!(
        reader.records().count() as u64,
        report["churn"]["silent"].as_u64().unwrap()
    );
    let xlsx_path = dir.with_file_name("top.xlsx");
    success(&run(&[
        os(&data),
        OsStr::new("--options"),
        os(&options),
        OsStr::new("--customers"),
        os(&xlsx_path),
        OsStr::new("--select"),
        OsStr::new(r#"{"decile": 1}"#),
    ]));
    assert_eq!(&std::fs::read(&xlsx_path).unwrap()[..2], b"PK");
    let out = run(&[
        os(&data),
        OsStr::new("--customers"),
        os(&xlsx_path),
        OsStr::new("--select"),
        OsStr::new(r#"{"segment": "nobody"}"#),
    ]);
    failure(&out, "BadOptions");
    failure(
        &run(&[os(&data), OsStr::new("--select"), OsStr::new("{}")]),
        "Usage",
    );
}

/// `--orders-out FILE.csv` writes, beside the table, the `--source` that says which of its
/// columns hold data: tiny has an amount (found by its column name, no mapping in the options)
/// and no product, and the SQL over that source sums the amount.
#[test]
fn orders_out_writes_its_source_for_the_sql() {
    let out_csv = scratch("tiny-orders.csv", b"");
    let out = run(&[
        os(&golden("tiny.csv")),
        "--orders-out".as_ref(),
        os(&out_csv),
    ]);
    success(&out);
    let header = std::fs::read_to_string(&out_csv).unwrap();
    assert!(header.starts_with("cl_customer,cl_order,cl_seq,cl_time,cl_amount"));
    let source_path = out_csv.with_file_name("tiny-orders.source.json");
    let source: Value =
        serde_json::from_str(&std::fs::read_to_string(&source_path).unwrap()).unwrap();
    assert_eq!(source["table"], "orders");
    assert_eq!(source["amount"], "cl_amount");
    assert_eq!(source["product"], Value::Null);

    let with_source = run(&[
        "--sql".as_ref(),
        "duckdb".as_ref(),
        "--source".as_ref(),
        os(&source_path),
    ]);
    assert!(with_source.status.success());
    let sql = String::from_utf8_lossy(&with_source.stdout);
    assert!(sql.contains("\"cl_amount\""), "the amount column is read");
    // without it the options alone do not say that the table has an amount
    let without = run(&["--sql".as_ref(), "duckdb".as_ref()]);
    assert!(!String::from_utf8_lossy(&without.stdout).contains("\"cl_amount\""));
}
