// Boundary tests shared by wasm_node.rs and wasm_browser.rs: options parsing, the shape of
// thrown errors, the streaming Analyzer and exports, through the exported JS functions.

use cohortlens::wasm::{analyze_js, export_customers_js, preset_options, probe, Analyzer};
use js_sys::{Error, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const TINY: &[u8] = include_bytes!("../../examples/data/golden/tiny.csv");
const TINY_OPTIONS: &str = include_str!("../../examples/data/golden/tiny.options.json");
const LINES: &[u8] = include_bytes!("../../examples/data/golden/lines.csv");
const LINES_OPTIONS: &str = include_str!("../../examples/data/golden/lines.options.json");

fn json(text: &str) -> JsValue {
    JSON::parse(text).expect("valid JSON")
}

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        Reflect::get(&v, &JsValue::from_str(key)).expect("property")
    })
}

fn stringify(value: &JsValue) -> String {
    JSON::stringify(value).expect("stringify").into()
}

/// The thrown value is a real Error with the code; returns it.
fn expect_error(result: Result<JsValue, JsValue>, code: &str) -> Error {
    let thrown = result.expect_err("an error");
    assert!(
        thrown.is_instance_of::<Error>(),
        "thrown value is not an Error"
    );
    assert_eq!(get(&thrown, "code").as_string().as_deref(), Some(code));
    thrown.unchecked_into()
}

#[wasm_bindgen_test]
fn golden_options_object_is_accepted_and_report_is_plain_object() {
    let report = analyze_js(TINY, json(TINY_OPTIONS)).unwrap();
    assert_eq!(get(&report, "summary.customers").as_f64(), Some(11.0));
    assert_eq!(get(&report, "summary.nonBuyers").as_f64(), Some(1.0));
    assert_eq!(get(&report, "ingest.rejected.badTime").as_f64(), Some(1.0));
    // Absent values are null, not undefined; maps are objects.
    assert!(get(&report, "clv").is_null());
    let cells = get(&report, "cohorts.rows");
    let last_row = Reflect::get(&cells, &JsValue::from_f64(3.0)).unwrap();
    let trailing = Reflect::get(&get(&last_row, "cells"), &JsValue::from_f64(3.0)).unwrap();
    assert!(trailing.is_null(), "absent cohort cells are null");
    assert_eq!(
        get(&report, "ingest.mapping.customer")
            .as_string()
            .as_deref(),
        Some("customer_id")
    );
}

#[wasm_bindgen_test]
fn undefined_options_mean_defaults() {
    let report = analyze_js(TINY, JsValue::UNDEFINED).unwrap();
    assert_eq!(
        get(&report, "cohorts.grain").as_string().as_deref(),
        Some("month")
    );
    assert_eq!(
        get(&report, "rfm.scheme").as_string().as_deref(),
        Some("rf10")
    );
}

#[wasm_bindgen_test]
fn bad_options_are_errors_with_a_code() {
    for bad in [
        r#"{"cohortGrian": "week"}"#,
        r#"{"cohortGrain": "fortnight"}"#,
        r#"{"funnelDepth": 0}"#,
        r#"{"rfmScoring": {"recency": [1, 2], "frequency": [1,2,3,4], "monetary": [1,2,3,4]}}"#,
        r#"{"asOf": "next tuesday"}"#,
        r#"{"mapping": {"buyer": "customer_id"}}"#,
    ] {
        expect_error(analyze_js(TINY, json(bad)), "BadOptions");
    }
}

#[wasm_bindgen_test]
fn input_errors_carry_code_line_column_and_locale() {
    expect_error(analyze_js(b"", JsValue::UNDEFINED), "EmptyFile");
    let header_only = expect_error(
        analyze_js(b"customer_id,order_date\n", JsValue::UNDEFINED),
        "HeaderOnly",
    );
    assert_eq!(get(&header_only, "line").as_f64(), Some(1.0));
    let unknown = expect_error(
        analyze_js(
            TINY,
            json(r#"{"mapping": {"customer": "nope", "time": "order_date"}}"#),
        ),
        "UnknownColumn",
    );
    assert_eq!(get(&unknown, "column").as_string().as_deref(), Some("nope"));
    let en = expect_error(
        analyze_js(b"foo,bar\n1,2\n", JsValue::UNDEFINED),
        "NoCustomerColumn",
    );
    assert!(String::from(en.message()).contains("\"foo\""));
    let zh = expect_error(
        analyze_js(b"foo,bar\n1,2\n", json(r#"{"locale": "zh"}"#)),
        "NoCustomerColumn",
    );
    assert!(
        String::from(zh.message()).contains("找不到"),
        "{}",
        String::from(zh.message())
    );
    let rejected = expect_error(
        analyze_js(b"customer_id,order_date\n,2024-01-01\n", JsValue::UNDEFINED),
        "AllRowsRejected",
    );
    assert_eq!(get(&rejected, "line").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
fn streaming_analyzer_equals_analyze_for_every_chunk_size() {
    for (bytes, options) in [(TINY, TINY_OPTIONS), (LINES, LINES_OPTIONS)] {
        let whole = stringify(&analyze_js(bytes, json(options)).unwrap());
        for size in [1, 2, 3, 7, 64, 1000, bytes.len()] {
            let mut analyzer = Analyzer::new(json(options), None).unwrap();
            let mut consumed = 0.0;
            for chunk in bytes.chunks(size) {
                consumed = analyzer.push(chunk).unwrap();
            }
            assert_eq!(consumed, bytes.len() as f64);
            assert_eq!(
                stringify(&analyzer.finish().unwrap()),
                whole,
                "chunk size {size}"
            );
        }
    }
}

/// A generated file of several megabytes (quoted fields with commas and line ends, Chinese
/// text, CRLF) streamed in small chunks gives the Report of the whole file.
#[wasm_bindgen_test]
fn a_multi_megabyte_file_streams_in_small_chunks() {
    let mut csv = String::from("客户,下单时间,金额,备注\r\n");
    let mut i = 0u64;
    while csv.len() < 4 << 20 {
        let note = match i % 3 {
            0 => "\"多行\n备注, 含逗号\"",
            1 => "普通",
            _ => "",
        };
        csv.push_str(&format!(
            "买家{},2024-{:02}-{:02} 10:{:02},{}.{:02},{note}\r\n",
            i * 7919 % 20_000,
            1 + i % 12,
            1 + i % 28,
            i % 60,
            i % 300,
            i % 100
        ));
        i += 1;
    }
    let bytes = csv.as_bytes();
    let whole = stringify(&analyze_js(bytes, JsValue::UNDEFINED).unwrap());
    let mut analyzer = Analyzer::new(JsValue::UNDEFINED, Some(bytes.len() as f64)).unwrap();
    for chunk in bytes.chunks(4099) {
        analyzer.push(chunk).unwrap();
    }
    assert_eq!(analyzer.rows(), i as f64);
    let report = analyzer.finish().unwrap();
    assert_eq!(stringify(&report), whole);
    assert_eq!(get(&report, "ingest.rows").as_f64(), Some(i as f64));
}

/// `rerun` recomputes the Report from the parsed orders with other options, and returns
/// `null` for options that change what is read.
#[wasm_bindgen_test]
fn rerun_gives_the_report_of_the_new_options_without_reading_again() {
    let mut analyzer = Analyzer::new(json(TINY_OPTIONS), None).unwrap();
    analyzer.push(TINY).unwrap();
    analyzer.finish().unwrap();
    let mut weekly: serde_json::Value = serde_json::from_str(TINY_OPTIONS).unwrap();
    weekly["cohortGrain"] = "week".into();
    weekly["periodGrain"] = "week".into();
    weekly["rfmSegments"] = "cn8".into();
    weekly["locale"] = "zh".into();
    let weekly = weekly.to_string();
    let rerun = analyzer.rerun(json(&weekly)).unwrap();
    assert_eq!(
        stringify(&rerun),
        stringify(&analyze_js(TINY, json(&weekly)).unwrap())
    );
    assert_ne!(
        stringify(&rerun),
        stringify(&analyze_js(TINY, json(TINY_OPTIONS)).unwrap())
    );
    let remapped = r#"{"mapping": {"customer": "order_id"}}"#;
    assert!(analyzer.rerun(json(remapped)).unwrap().is_null());
    assert!(analyzer.push(TINY).is_err(), "push after finish");
}

#[wasm_bindgen_test]
fn exports_are_csv_and_arrow_bytes() {
    let mut analyzer = Analyzer::new(json(TINY_OPTIONS), None).unwrap();
    assert!(
        analyzer
            .export_customers("csv", JsValue::UNDEFINED)
            .is_err(),
        "export before finish"
    );
    analyzer.push(TINY).unwrap();
    analyzer.finish().unwrap();
    let csv = String::from_utf8(
        analyzer
            .export_customers("csv", JsValue::UNDEFINED)
            .unwrap(),
    )
    .unwrap();
    assert!(csv.starts_with("customer,firstPurchase,lastPurchase,purchases,revenue"));
    assert_eq!(csv.lines().count(), 12);
    let arrow = analyzer
        .export_customers("arrow", JsValue::UNDEFINED)
        .unwrap();
    assert_eq!(
        &arrow[..4],
        &[0xFF; 4],
        "Arrow IPC stream continuation marker"
    );
    let free = export_customers_js(TINY, json(TINY_OPTIONS), "csv").unwrap();
    assert_eq!(String::from_utf8(free).unwrap(), csv);
    assert!(export_customers_js(TINY, JsValue::UNDEFINED, "xml").is_err());
}

/// A segment's customers cross as `{ count, rows }` and as an xlsx workbook with Chinese
/// headers; a filter is a re-run; a bad selection is a `BadOptions` Error.
#[wasm_bindgen_test]
fn selections_list_and_export_the_customers_behind_a_figure() {
    let mut analyzer = Analyzer::new(json(LINES_OPTIONS), None).unwrap();
    analyzer.push(LINES).unwrap();
    let report = analyzer.finish().unwrap();
    let segment = get(&report, "rfm.segments");
    let first: JsValue = js_sys::Array::from(&segment)
        .iter()
        .find(|s| get(s, "customers").as_f64().unwrap_or(0.0) > 1.0)
        .expect("a segment with customers");
    let name = get(&first, "segment").as_string().unwrap();
    let selection = json(&format!(r#"{{"segment": "{name}", "locale": "zh"}}"#));
    let list = analyzer
        .customers(selection.clone(), None, Some(1.0))
        .unwrap();
    assert_eq!(
        get(&list, "count").as_f64(),
        get(&first, "customers").as_f64()
    );
    assert_eq!(js_sys::Array::from(&get(&list, "rows")).length(), 1);
    let xlsx = analyzer.export_customers("xlsx", selection).unwrap();
    assert_eq!(&xlsx[..2], b"PK");
    let csv = analyzer
        .export_customers("csv", json(r#"{"list": "silent", "locale": "zh"}"#))
        .unwrap();
    assert!(String::from_utf8(csv)
        .unwrap()
        .starts_with("客户,首次购买时间"));
    expect_error(
        analyzer.customers(json(r#"{"segment": "nope"}"#), None, None),
        "BadOptions",
    );
    expect_error(
        analyzer.customers(json(r#"{"colour": "red"}"#), None, None),
        "BadOptions",
    );
    let mut filtered: serde_json::Value = serde_json::from_str(LINES_OPTIONS).unwrap();
    filtered["filters"] = serde_json::json!({ "from": "2024-03-01" });
    let rerun = analyzer.rerun(json(&filtered.to_string())).unwrap();
    assert!(get(&rerun, "filter.excludedOrders").as_f64().unwrap() > 0.0);
    assert_eq!(
        stringify(&get(&rerun, "summary")),
        stringify(&get(
            &analyze_js(LINES, json(&filtered.to_string())).unwrap(),
            "summary"
        ))
    );
}

/// `probe` tells a page the header and the mapping the analysis will use; `presetOptions`
/// gives the page's defaults.
#[wasm_bindgen_test]
fn probe_and_presets_cross_as_plain_objects() {
    let found = probe(TINY, JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&found, "format").as_string().as_deref(), Some("csv"));
    assert_eq!(get(&found, "delimiter").as_string().as_deref(), Some(","));
    assert_eq!(
        get(&found, "mapping.customer").as_string().as_deref(),
        Some("customer_id")
    );
    assert!(js_sys::Array::is_array(&get(&found, "header")));
    let page = preset_options("page").unwrap();
    assert_eq!(
        get(&page, "calibrationSplit").as_string().as_deref(),
        Some("auto")
    );
    assert_eq!(get(&page, "clvModel").as_string().as_deref(), Some("auto"));
    assert_eq!(get(&page, "matchRefunds").as_bool(), Some(true));
    let err: Error = preset_options("nope").unwrap_err().dyn_into().unwrap();
    assert_eq!(
        Reflect::get(&err, &"code".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("BadOptions")
    );
}
