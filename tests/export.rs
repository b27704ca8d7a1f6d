//! The per-customer export (CSV and Arrow IPC) carries the RFM and CLV columns of the Report.

use cohortlens::export::Format;
use cohortlens::{Analysis, Options};

fn golden(name: &str) -> String {
    format!("{}/examples/data/golden/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A golden fixture's options with every customer in `clv.customers` (`clvCustomerLimit: null`).
fn unlimited(name: &str) -> Options {
    let mut options: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(golden(name)).unwrap()).unwrap();
    options["clvCustomerLimit"] = serde_json::Value::Null;
    Options::from_json(&options.to_string()).unwrap()
}

#[test]
fn csv_and_arrow_exports_carry_clv_columns() {
    let bytes = std::fs::read(golden("synthetic_5k.csv")).unwrap();
    let options = unlimited("synthetic_5k.options.json");
    let analysis = Analysis::run(&bytes, &options).unwrap();
    let clv = analysis.report.clv.as_ref().unwrap();

    let csv = String::from_utf8(analysis.customer_table().encode(Format::Csv).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for column in [
        "customer",
        "segment",
        "pAlive",
        "expectedPurchases",
        "pPurchase90d",
        "clv",
    ] {
        assert!(header.iter().any(|h| h == column), "{column} in {header:?}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), clv.customers.len());
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, c) in rows.iter().zip(&clv.customers) {
        assert_eq!(&row[at("customer")], c.customer);
        let p: f64 = row[at("pAlive")].parse().unwrap();
        assert_eq!(p, c.p_alive, "{}", c.customer);
        let v: Option<f64> = row[at("clv")].parse().ok();
        assert_eq!(v, c.clv, "{}", c.customer);
    }

    let arrow = analysis.customer_table().encode(Format::Arrow).unwrap();
    let reader =
        arrow_ipc::reader::StreamReader::try_new(std::io::Cursor::new(arrow), None).unwrap();
    let batches: Vec<_> = reader.map(Result::unwrap).collect();
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(total, clv.customers.len());
    let schema = batches[0].schema();
    assert!(schema.field_with_name("pAlive").is_ok() && schema.field_with_name("clv").is_ok());
}

/// Expected purchases in the next 90 days: the BG/NBD conditional expectation at 90 days, never
/// above the one over the (52-week) horizon.
#[test]
fn expected_purchases_in_90_days() {
    use cohortlens::clv::BgNbd;
    let bytes = std::fs::read(golden("synthetic_5k.csv")).unwrap();
    let options =
        Options::from_json(&std::fs::read_to_string(golden("synthetic_5k.options.json")).unwrap())
            .unwrap();
    let report = cohortlens::analyze(&bytes, &options).unwrap();
    let clv = report.clv.unwrap();
    let f = clv.bgnbd.as_ref().expect("BG/NBD fit");
    let model = BgNbd {
        r: f.r,
        alpha: f.alpha,
        a: f.a,
        b: f.b,
    };
    for c in &clv.customers {
        let e90 = c.expected_purchases_90d.unwrap();
        let want = model.conditional_expected_purchases(90.0 / 7.0, c.x, c.tx, c.t);
        assert!(
            (e90 - want).abs() <= 1e-9 * want.max(1.0),
            "{}: {e90} vs {want}",
            c.customer
        );
        assert!(e90 <= c.expected_purchases + 1e-12);
    }
}

/// `clvCustomerLimit` keeps the Report small (the most valuable customers, in order) while the
/// P(alive) histogram and the exports still cover every customer.
#[test]
fn clv_customer_limit_keeps_the_most_valuable_and_exports_keep_all() {
    let bytes = std::fs::read(golden("synthetic_5k.csv")).unwrap();
    let mut options: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(golden("synthetic_5k.options.json")).unwrap(),
    )
    .unwrap();
    let full = cohortlens::analyze(&bytes, &unlimited("synthetic_5k.options.json")).unwrap();
    // By default the Report lists the 200 most valuable.
    let default =
        cohortlens::analyze(&bytes, &Options::from_json(&options.to_string()).unwrap()).unwrap();
    assert_eq!(default.clv.unwrap().customers.len(), 200);
    options["clvCustomerLimit"] = 25.into();
    let analysis =
        Analysis::run(&bytes, &Options::from_json(&options.to_string()).unwrap()).unwrap();
    let (all, top) = (full.clv.unwrap(), analysis.report.clv.as_ref().unwrap());
    assert_eq!(top.customers.len(), 25);
    let mut want: Vec<_> = all.customers.iter().collect();
    want.sort_by(|a, b| {
        b.clv
            .unwrap()
            .total_cmp(&a.clv.unwrap())
            .then(a.customer.cmp(&b.customer))
    });
    let ids = |v: &[&cohortlens::report::ClvCustomer]| {
        v.iter().map(|c| c.customer.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&top.customers.iter().collect::<Vec<_>>()),
        ids(&want[..25])
    );
    assert_eq!(top.p_alive_histogram, all.p_alive_histogram);
    assert_eq!(
        top.p_alive_histogram.iter().sum::<u64>(),
        all.customers.len() as u64
    );
    assert_eq!(analysis.customer_table().rows(), all.customers.len());
}

/// `churn.silentCustomers` is the per-customer table's silent rows (recency above silentDays),
/// revenue descending, ties by id, at most listLimit; `rfm.gridSegments` names each row's
/// rf10 segment from its R and F.
#[test]
fn silent_customers_and_grid_segments_agree_with_the_customer_table() {
    let bytes = std::fs::read(golden("synthetic_5k.csv")).unwrap();
    let mut options: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(golden("synthetic_5k.options.json")).unwrap(),
    )
    .unwrap();
    options["listLimit"] = 50.into();
    options["rfmSegments"] = "rf10".into();
    let analysis =
        Analysis::run(&bytes, &Options::from_json(&options.to_string()).unwrap()).unwrap();
    let report = &analysis.report;
    let csv = analysis.customer_table().encode(Format::Csv).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let silent_days = i64::from(report.churn.silent_days);
    let mut silent: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| r[at("recency")].parse::<i64>().unwrap() > silent_days)
        .collect();
    assert_eq!(silent.len() as u64, report.churn.silent);
    assert!(silent.len() > 50, "the list is cut at listLimit");
    let revenue = |r: &csv::StringRecord| r[at("revenue")].parse::<f64>().unwrap();
    silent.sort_by(|a, b| {
        revenue(b)
            .total_cmp(&revenue(a))
            .then_with(|| a[at("customer")].cmp(&b[at("customer")]))
    });
    let listed = &report.churn.silent_customers;
    assert_eq!(listed.len(), 50);
    for (want, got) in silent.iter().zip(listed) {
        assert_eq!(got.customer, &want[at("customer")]);
        assert_eq!(got.recency, want[at("recency")].parse::<i64>().unwrap());
        assert_eq!(got.segment, &want[at("segment")]);
        assert_eq!(got.revenue, Some(revenue(want)));
        assert_eq!(got.last_purchase, &want[at("lastPurchase")]);
    }
    let grid = report.rfm.grid_segments.as_ref().unwrap();
    for r in &rows {
        let (rr, ff): (usize, usize) = (r[at("r")].parse().unwrap(), r[at("f")].parse().unwrap());
        assert_eq!(grid[rr - 1][ff - 1], &r[at("segment")]);
    }
    options["rfmSegments"] = "cn8".into();
    let cn8 =
        cohortlens::analyze(&bytes, &Options::from_json(&options.to_string()).unwrap()).unwrap();
    assert!(cn8.rfm.grid_segments.is_none());
}
