//! The streaming ingest gives the Report of the whole file, wherever the chunks end: inside
//! quoted fields, inside multi-byte UTF-8 and GB18030 characters, between `\r` and `\n`.

mod common;

use std::path::PathBuf;

use cohortlens::analysis::Analyzer;
use cohortlens::{Analysis, Options};
use proptest::prelude::*;

fn clock() -> f64 {
    0.0
}

/// The Report (as JSON text, timings excluded) or the error code, of `bytes` pushed in the
/// given chunk sizes (cycled).
fn streamed(bytes: &[u8], options: &Options, sizes: &[usize]) -> String {
    let mut analyzer = match Analyzer::new(options) {
        Ok(a) => a,
        Err(e) => return format!("error {}", e.code()),
    };
    let mut rest = bytes;
    let mut k = 0;
    while !rest.is_empty() {
        let n = sizes[k % sizes.len()].clamp(1, rest.len());
        k += 1;
        if let Err(e) = analyzer.push(&rest[..n]) {
            return format!("error {} {:?}", e.code(), e.position().line);
        }
        rest = &rest[n..];
    }
    match analyzer.finish(&clock, 0.0) {
        Ok(a) => serde_json::to_string(&a.report).unwrap(),
        Err(e) => format!("error {} {:?}", e.code(), e.position().line),
    }
}

fn whole(bytes: &[u8], options: &Options) -> String {
    match Analysis::run_timed(bytes, options, &clock) {
        Ok(a) => serde_json::to_string(&a.report).unwrap(),
        Err(e) => format!("error {} {:?}", e.code(), e.position().line),
    }
}

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(path)
}

#[test]
fn every_fixture_gives_the_same_report_in_chunks_of_1_7_64k_and_whole() {
    let mut inputs: Vec<(PathBuf, Options)> = common::fixtures()
        .into_iter()
        .map(|(name, path)| {
            let options =
                std::fs::read_to_string(common::golden_dir().join(format!("{name}.options.json")))
                    .unwrap();
            (path, Options::from_json(&options).unwrap())
        })
        .collect();
    for entry in std::fs::read_dir(data("formats"))
        .unwrap()
        .chain(std::fs::read_dir(data("bad")).unwrap())
    {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e != "py") {
            inputs.push((path, Options::default()));
        }
    }
    assert!(inputs.len() > 30);
    for (path, options) in inputs {
        let bytes = std::fs::read(&path).unwrap();
        let want = whole(&bytes, &options);
        for sizes in [
            &[1usize][..],
            &[7],
            &[64 * 1024],
            &[bytes.len()],
            &[3, 1, 4096, 2],
        ] {
            if sizes == [1] && bytes.len() > 300_000 {
                continue; // the byte-by-byte run of the big CDNOW file is covered by 7
            }
            let got = streamed(&bytes, &options, sizes);
            assert!(
                got == want,
                "{} in chunks of {sizes:?} differs from the whole file:\n{}\n{}",
                path.display(),
                &got[..got.len().min(400)],
                &want[..want.len().min(400)]
            );
        }
    }
}

/// A messy orders file: quoted fields with delimiters, line ends and quotes inside, Chinese
/// text, CRLF and LF line ends, blank lines, bad dates and amounts, ambiguous day/month dates.
fn messy_text(rows: &[(u8, u16, u8, bool, u8)]) -> String {
    let mut s = String::from("客户,下单时间,\"实付金额\",备注\r\n");
    for (i, &(c, cents, day, crlf, note)) in rows.iter().enumerate() {
        let customer = match c % 5 {
            0 => format!("张三{c}"),
            1 => format!("\"buyer, {c}\""),
            2 => format!("c{c}"),
            3 => format!("\"李\"\"四\"\"{c}\""),
            _ => format!("€{c}"),
        };
        let time = match i % 7 {
            5 => "not a date".to_string(),
            6 => format!("{}/3/2024", 1 + day % 28),
            _ => format!(
                "2024-{:02}-{:02} 10:{:02}",
                1 + day % 12,
                1 + day % 28,
                i % 60
            ),
        };
        let amount = if i % 11 == 10 {
            "¥abc".to_string()
        } else {
            format!("¥{}.{:02}", cents / 100, cents % 100)
        };
        let note = match note % 4 {
            0 => String::new(),
            1 => "\"多行\n备注，含逗号\"".to_string(),
            2 => "普通".to_string(),
            _ => "\"say \"\"hi\"\"\r\nok\"".to_string(),
        };
        s.push_str(&format!("{customer},{time},{amount},{note}"));
        s.push_str(if crlf { "\r\n" } else { "\n" });
        if i % 13 == 12 {
            s.push('\n');
        }
    }
    s
}

#[test]
fn a_closed_multi_line_cell_on_a_last_line_without_a_line_end_is_a_row() {
    for text in [
        "customer,date,note\nc1,2024-01-02,\"a\nb\"",
        "customer,date,note\r\nc1,2024-01-02,\"a\r\nb\"\r\nc2,2024-01-03,\"x\ny\"",
    ] {
        for sizes in [&[1usize][..], &[5], &[text.len()]] {
            let report: serde_json::Value =
                serde_json::from_str(&streamed(text.as_bytes(), &Options::default(), sizes))
                    .unwrap();
            assert_eq!(
                report["ingest"]["rejected"],
                serde_json::json!({}),
                "{text:?}"
            );
            assert!(report["ingest"]["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|w| !w.as_str().unwrap().contains("quote")));
        }
    }
}

/// Pads a text past the 64 KB head with rows of its own shape, so that chunks meet the
/// tokenizer and not only the head buffer.
fn padded(text: &str, pad_rows: usize) -> String {
    let mut s = String::from(text);
    for i in 0..pad_rows {
        s.push_str(&format!(
            "pad{},2024-02-{:02} 09:00,\"1,{:02}\",\"多行\n{i}\"\r\n",
            i % 97,
            1 + i % 28,
            i % 100
        ));
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn chunk_boundaries_never_change_the_report(
        rows in prop::collection::vec((any::<u8>(), any::<u16>(), any::<u8>(), any::<bool>(), any::<u8>()), 1..60),
        sizes in prop::collection::vec(1usize..4000, 1..8),
        gb18030 in any::<bool>(),
        unclosed in any::<bool>(),
        long in any::<bool>(),
        final_newline in any::<bool>(),
    ) {
        let mut text = padded(&messy_text(&rows), if long { 2_600 } else { 0 });
        if !final_newline {
            text = text.trim_end().to_string();
        }
        if unclosed {
            // A quote opened on the second row and never closed.
            let at = text.find("\r\n").unwrap() + 2;
            text.insert(at, '"');
        }
        let bytes = if gb18030 {
            encoding_rs::GB18030.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        };
        let options = Options::default();
        let want = whole(&bytes, &options);
        prop_assert_eq!(streamed(&bytes, &options, &sizes), want);
    }
}

#[test]
fn an_unclosed_quote_rejects_its_row_and_reads_the_rest() {
    let mut csv = String::from("customer,date,amount\nc0,\"2024-01-01,5\n");
    for i in 1..10_000 {
        csv.push_str(&format!(
            "c{},2024-01-{:02},{}\n",
            i % 300,
            1 + i % 28,
            i % 50 + 1
        ));
    }
    let report = Analysis::run(csv.as_bytes(), &Options::default())
        .unwrap()
        .report;
    let ingest = serde_json::to_value(&report.ingest).unwrap();
    assert_eq!(ingest["rows"], 10_000);
    assert_eq!(ingest["accepted"], 9_999);
    assert_eq!(ingest["rejected"]["unclosedQuote"], 1);
    assert_eq!(ingest["samples"][0]["line"], 2);
    assert_eq!(ingest["samples"][0]["text"], "c0,\"2024-01-01,5");
    let warning = ingest["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("line 2") && warning.contains("9999 lines"),
        "{warning}"
    );
}

#[test]
fn an_unclosed_quote_in_the_header_is_an_error_with_its_line() {
    let e = Analysis::run(
        b"customer,\"date\namount\nc1,2024-01-01,5\n",
        &Options::default(),
    )
    .err()
    .unwrap();
    assert_eq!((e.code(), e.position().line), ("UnclosedQuote", Some(1)));
}

#[test]
fn a_file_that_turns_from_ascii_to_gb18030_after_the_first_chunk_is_gb18030() {
    let mut text = String::from("customer,date,amount\n");
    for i in 0..5_000 {
        text.push_str(&format!("c{i},2024-01-02,3\n"));
    }
    text.push_str("张三,2024-01-03,4\n");
    let bytes = encoding_rs::GB18030.encode(&text).0.into_owned();
    let want = whole(&bytes, &Options::default());
    assert!(want.contains("\"encoding\":\"gb18030\""));
    assert_eq!(streamed(&bytes, &Options::default(), &[1000]), want);
}

#[test]
fn unclosed_quotes_are_recovered_from_and_a_huge_one_is_an_error() {
    // The quote on line 2 pairs with the one on line 4 (one record, a bad time); the one on
    // line 6 never closes: that row is rejected and lines 7 and 8 are read.
    let few = "customer,date,amount\nc1,\"2024-01-02,3\nc2,2024-01-02,3\nc3,\"2024-01-02,3\nc4,2024-01-02,3\nc5,\"2024-01-02,3\nc6,2024-01-02,3\nc7,2024-01-02,3\n";
    let report = Analysis::run(few.as_bytes(), &Options::default())
        .unwrap()
        .report;
    let ingest = serde_json::to_value(&report.ingest).unwrap();
    assert_eq!(ingest["rejected"]["unclosedQuote"], 1, "{ingest}");
    assert_eq!(ingest["rejected"]["badTime"], 1, "{ingest}");
    assert_eq!(ingest["accepted"], 3, "{ingest}");
    assert_eq!(ingest["samples"][1]["line"], 6);

    // Beyond 64 MB swallowed the rows after it are not read again: the error names the line.
    let mut big = String::from("customer,date,amount\nc1,2024-01-02,3\nc2,\"2024-01-02,3\n");
    let row = "c3,2024-01-02,3\n";
    big.push_str(&row.repeat((65 << 20) / row.len()));
    // It stops as soon as the open row passes 64 MB, before it takes the memory.
    let mut analyzer = Analyzer::new(&Options::default()).unwrap();
    let e = big
        .as_bytes()
        .chunks(1 << 20)
        .find_map(|chunk| analyzer.push(chunk).err())
        .expect("an error while pushing");
    assert_eq!((e.code(), e.position().line), ("UnclosedQuote", Some(3)));
    assert_eq!(
        analyzer.finish(&clock, 0.0).err().map(|e| e.code()),
        Some("UnclosedQuote")
    );
}

/// A re-run over the same customers keeps every section whose options did not change and
/// computes the others again: one option changed at a time, each re-run from the one before
/// (so kept sections come from re-runs too), every Report equals a fresh analysis's.
#[test]
fn a_rerun_keeps_only_the_sections_its_options_leave_alone() {
    let thresholds = serde_json::json!({
        "recency": [20, 60, 120, 240], "frequency": [2, 3, 4, 6], "monetary": [50, 100, 200, 400]
    });
    let steps: Vec<(&str, serde_json::Value)> = vec![
        ("periodGrain", "week".into()),
        ("cohortGrain", "quarter".into()),
        ("cohortAlignment", "relative".into()),
        ("funnelDepth", 3.into()),
        ("repurchaseWindows", serde_json::json!([14, 45])),
        ("rfmSegments", "cn8".into()),
        ("rfmScoring", thresholds),
        ("attribution", "mode".into()),
        ("maxGroups", 2.into()),
        ("compare", serde_json::json!([])),
        ("breakdowns", serde_json::json!([])),
        ("silentDays", 30.into()),
        ("overdueFactor", 1.5.into()),
        ("listLimit", 3.into()),
        ("locale", "zh".into()),
        ("clvCustomerLimit", 5.into()),
        ("horizon", 10.into()),
        ("discountRate", 0.2.into()),
        ("clvUnit", "day".into()),
        ("calibrationSplit", "auto".into()),
        ("clvModel", "paretoNbd".into()),
        ("periodGrain", "month".into()),
    ];
    for (name, path) in common::fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let options = common::golden_options(&name);
        let first = Analysis::run(&bytes, &options).unwrap();
        let mut json = serde_json::to_value(&options).unwrap();
        let mut last = first.rerun(&options, &clock).unwrap().expect("same orders");
        for (option, value) in &steps {
            json[*option] = value.clone();
            let changed = Options::from_json(&json.to_string()).unwrap();
            let again = last.rerun(&changed, &clock).unwrap().expect("same orders");
            let fresh = Analysis::run(&bytes, &changed).unwrap();
            let differing = differing_sections(&again.report, &fresh.report);
            assert!(
                differing.is_empty(),
                "{name}: {option}: {differing:?} differ"
            );
            assert!(
                again.customers_csv().unwrap() == fresh.customers_csv().unwrap(),
                "{name}: {option}: the per-customer table"
            );
            last = again;
        }
        let back = last.rerun(&options, &clock).unwrap().expect("same orders");
        let differing = differing_sections(&back.report, &first.report);
        assert!(differing.is_empty(), "{name}: back: {differing:?} differ");
    }
}

/// The Report's sections (its top-level fields) that differ between two Reports.
fn differing_sections(
    a: &cohortlens::report::Report,
    b: &cohortlens::report::Report,
) -> Vec<String> {
    let (a, b) = (
        serde_json::to_value(a).unwrap(),
        serde_json::to_value(b).unwrap(),
    );
    let (a, b) = (a.as_object().unwrap(), b.as_object().unwrap());
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// Re-running the metrics over the parsed orders gives the Report of a fresh analysis with the
/// new options; options that change what is read are refused (`None`).
#[test]
fn rerun_equals_a_fresh_analysis() {
    for (name, path) in common::fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let options = common::golden_options(&name);
        let first = Analysis::run(&bytes, &options).unwrap();
        let mut changed = serde_json::to_value(&options).unwrap();
        changed["cohortGrain"] = "week".into();
        changed["periodGrain"] = "quarter".into();
        changed["rfmSegments"] = "cn8".into();
        changed["silentDays"] = 30.into();
        changed["locale"] = "zh".into();
        changed["clvCustomerLimit"] = 10.into();
        let changed = Options::from_json(&changed.to_string()).unwrap();
        let again = first.rerun(&changed, &clock).unwrap().expect("same orders");
        let fresh = Analysis::run(&bytes, &changed).unwrap();
        assert_eq!(
            serde_json::to_string(&again.report).unwrap(),
            serde_json::to_string(&fresh.report).unwrap(),
            "{name}"
        );
        assert_eq!(again.customer_table().rows(), fresh.customer_table().rows());
        // Options the CLV fits depend on fit again; others reuse them: both equal a fresh run.
        let mut refit = serde_json::to_value(&changed).unwrap();
        refit["clvUnit"] = "day".into();
        refit["calibrationSplit"] = "auto".into();
        let refit = Options::from_json(&refit.to_string()).unwrap();
        let third = again.rerun(&refit, &clock).unwrap().expect("same orders");
        assert_eq!(
            serde_json::to_string(&third.report).unwrap(),
            serde_json::to_string(&Analysis::run(&bytes, &refit).unwrap().report).unwrap(),
            "{name} refit"
        );
        let fourth = third.rerun(&changed, &clock).unwrap().expect("same orders");
        assert_eq!(
            serde_json::to_string(&fourth.report).unwrap(),
            serde_json::to_string(&fresh.report).unwrap(),
            "{name} back"
        );
        let mut moved = serde_json::to_value(&options).unwrap();
        moved["asOf"] = "2020-01-01".into();
        let moved = Options::from_json(&moved.to_string()).unwrap();
        assert!(first.rerun(&moved, &clock).unwrap().is_none(), "{name}");
    }
}
