//! Customer lists behind the figures (segments, grid cells, groups, lists, CLV deciles,
//! products): each selection holds exactly the customers its figure counts, and its exports
//! (CSV, xlsx) carry them with headers in the asked language and formula-like cells
//! neutralised.

use cohortlens::export::Format;
use cohortlens::selection::Selection;
use cohortlens::{Analysis, Options};

fn golden(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(name)
}

fn run(data: &str, options: &str) -> Analysis {
    let bytes = std::fs::read(golden(data)).unwrap();
    let options = Options::from_json(&std::fs::read_to_string(golden(options)).unwrap()).unwrap();
    Analysis::run(&bytes, &options).unwrap()
}

fn selection(json: serde_json::Value) -> Selection {
    serde_json::from_value(json).unwrap()
}

fn count(a: &Analysis, json: serde_json::Value) -> u64 {
    a.select(&selection(json)).unwrap().len() as u64
}

#[test]
fn each_selection_holds_the_customers_its_figure_counts() {
    let a = run(
        "golden/synthetic_5k.csv",
        "golden/synthetic_5k.options.json",
    );
    let r = &a.report;
    for s in &r.rfm.segments {
        assert_eq!(
            count(&a, serde_json::json!({ "segment": s.segment })),
            s.customers,
            "{}",
            s.segment
        );
    }
    for (ri, row) in r.rfm.grid.iter().enumerate() {
        for (fi, &n) in row.iter().enumerate() {
            let cell = serde_json::json!({ "cell": { "r": ri + 1, "f": fi + 1 } });
            assert_eq!(count(&a, cell), n);
        }
    }
    for b in &r.breakdowns {
        for g in &b.groups {
            let group =
                serde_json::json!({ "group": { "dimension": b.dimension, "value": g.value } });
            assert_eq!(
                count(&a, group),
                g.customers,
                "{} = {}",
                b.dimension,
                g.value
            );
        }
    }
    assert_eq!(
        count(&a, serde_json::json!({ "list": "silent" })),
        r.churn.silent
    );
    assert_eq!(
        count(&a, serde_json::json!({ "list": "overdue" })),
        r.churn.overdue_count
    );
    assert_eq!(
        count(&a, serde_json::json!({ "list": "winback" })),
        r.winback.customers
    );
    // The ten deciles partition the buyers, the sizes differing by at most one.
    let mut all: Vec<usize> = Vec::new();
    for d in 1..=10 {
        let rows = a
            .select(&selection(serde_json::json!({ "decile": d })))
            .unwrap();
        assert!(rows.len().abs_diff(r.summary.customers as usize / 10) <= 1);
        all.extend(rows);
    }
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len() as u64, r.summary.customers);
    // Every buyer, and no selector twice.
    assert_eq!(count(&a, serde_json::json!({})), r.summary.customers);
    assert!(a
        .select(&selection(
            serde_json::json!({ "list": "silent", "decile": 1 })
        ))
        .is_err());
}

#[test]
fn cn8_classes_are_selectable_under_rf10_and_the_top_decile_is_the_most_valuable() {
    let a = run(
        "golden/synthetic_5k.csv",
        "golden/synthetic_5k.options.json",
    );
    let cn8: u64 = [
        "importantValue",
        "importantDevelop",
        "importantKeep",
        "importantRetain",
        "generalValue",
        "generalDevelop",
        "generalKeep",
        "generalRetain",
    ]
    .iter()
    .map(|s| count(&a, serde_json::json!({ "segment": s })))
    .sum();
    assert_eq!(cn8, a.report.summary.customers);
    let top = a
        .customer_list(
            &selection(serde_json::json!({ "decile": 1 })),
            0,
            usize::MAX,
        )
        .unwrap();
    let rest = a
        .customer_list(
            &selection(serde_json::json!({ "decile": 2 })),
            0,
            usize::MAX,
        )
        .unwrap();
    let least_top = top
        .rows
        .iter()
        .filter_map(|r| r.clv)
        .fold(f64::INFINITY, f64::min);
    let most_rest = rest.rows.iter().filter_map(|r| r.clv).fold(0.0, f64::max);
    assert!(least_top >= most_rest, "{least_top} < {most_rest}");
}

#[test]
fn product_selections_match_the_products_section() {
    let a = run("golden/lines.csv", "golden-next/lines.options.json");
    let p = a.report.products.as_ref().unwrap();
    for row in &p.first_product {
        let first = serde_json::json!({ "product": row.product, "as": "first" });
        assert_eq!(count(&a, first), row.customers, "{}", row.product);
    }
    for row in &p.repeat {
        let buyers = serde_json::json!({ "product": row.product });
        let repeat = serde_json::json!({ "product": row.product, "as": "repeat" });
        assert_eq!(count(&a, buyers), row.buyers, "{}", row.product);
        assert_eq!(count(&a, repeat), row.repeat_buyers, "{}", row.product);
    }
    assert_eq!(
        count(&a, serde_json::json!({ "product": "no such product" })),
        0
    );
}

#[test]
fn lists_come_by_revenue_in_pages() {
    let a = run(
        "golden/synthetic_5k.csv",
        "golden/synthetic_5k.options.json",
    );
    let silent = selection(serde_json::json!({ "list": "silent" }));
    let all = a.customer_list(&silent, 0, usize::MAX).unwrap();
    assert_eq!(all.count, a.report.churn.silent);
    let revenue: Vec<f64> = all.rows.iter().map(|r| r.revenue.unwrap()).collect();
    assert!(revenue.windows(2).all(|w| w[0] >= w[1]));
    let page = a.customer_list(&silent, 10, 5).unwrap();
    assert_eq!(page.count, all.count);
    let ids = |rows: &[cohortlens::selection::CustomerRow]| -> Vec<String> {
        rows.iter().map(|r| r.customer.clone()).collect()
    };
    assert_eq!(ids(&page.rows), ids(&all.rows[10..15]));
    assert!(all.rows.iter().all(|r| r.p_alive.is_some()));
    // The export holds the list, in the list's order.
    let csv = a.export_selection(Format::Csv, &silent).unwrap();
    let exported: Vec<String> = csv::Reader::from_reader(csv.as_slice())
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(exported, ids(&all.rows));
}

/// The order file of the CSV-injection payloads: ids Excel would run as formulas. (A leading
/// tab or CR cannot reach an id: cells are trimmed, SPEC §11; the writer's unit test covers
/// them.)
const PAYLOADS: [&str; 5] = [
    "=HYPERLINK(\"http://x\",\"y\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "plain",
];

fn injection_analysis() -> Analysis {
    let mut csv = String::from("customer,date,amount\n");
    for (i, id) in PAYLOADS.iter().enumerate() {
        let quoted = format!("\"{}\"", id.replace('"', "\"\""));
        csv.push_str(&format!("{quoted},2024-01-0{},{}\n", i + 1, 10 + i));
        csv.push_str(&format!("{quoted},2024-03-0{},{}\n", i + 1, 20 + i));
    }
    let options = Options::from_json(
        r#"{"mapping":{"customer":"customer","time":"date","amount":"amount"}}"#,
    )
    .unwrap();
    Analysis::run(csv.as_bytes(), &options).unwrap()
}

#[test]
fn csv_exports_neutralise_formulas_and_speak_chinese() {
    let a = injection_analysis();
    let zh = selection(serde_json::json!({ "locale": "zh" }));
    let bytes = a.export_selection(Format::Csv, &zh).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..3], ["客户", "首次购买时间", "最近购买时间"]);
    let segment = header.iter().position(|h| h == "客户分群").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    for id in PAYLOADS {
        let formula = matches!(id.as_bytes()[0], b'=' | b'+' | b'-' | b'@');
        let want = if formula {
            format!("'{id}")
        } else {
            id.to_string()
        };
        assert!(ids.contains(&want.as_str()), "{want:?} in {ids:?}");
    }
    assert!(rows
        .iter()
        .all(|r| r[segment].chars().any(|c| c > '\u{2e80}')));
}

#[cfg(feature = "xlsx")]
#[test]
fn xlsx_exports_open_as_workbooks_with_the_same_cells() {
    use calamine::{Data, Reader, Xlsx};
    let a = injection_analysis();
    let en = Selection::default();
    let bytes = a.export_selection(Format::Xlsx, &en).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("customers").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let csv = a.export_selection(Format::Csv, &en).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        rows[0].iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        header
    );
    for (record, row) in reader.records().map(Result::unwrap).zip(&rows[1..]) {
        for (k, cell) in row.iter().enumerate() {
            match cell {
                Data::String(s) => assert_eq!(s, &record[k]),
                Data::Float(x) => assert_eq!(*x, record[k].parse::<f64>().unwrap()),
                Data::Int(x) => assert_eq!(x.to_string(), record[k]),
                Data::Empty => assert_eq!(&record[k], ""),
                other => panic!("unexpected cell {other:?}"),
            }
        }
    }
    assert_eq!(rows.len(), PAYLOADS.len() + 1);
    assert!(rows[1..]
        .iter()
        .any(|r| r[0] == Data::String("'=HYPERLINK(\"http://x\",\"y\")".into())));
}
