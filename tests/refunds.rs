//! Refunds that reverse a purchase (`matchRefunds`, docs/refunds.md): a hand-worked fixture and
//! a property — adding a purchase and its exact reversal changes no count.

use cohortlens::{analyze, Analysis, Options, Report};
use proptest::prelude::*;

fn fixture() -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/data/refunds.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn options(json: &str) -> Options {
    Options::from_json(json).expect("options")
}

fn cohort_sizes(report: &Report) -> Vec<(String, u64)> {
    report
        .cohorts
        .rows
        .iter()
        .map(|r| (r.cohort.clone(), r.size))
        .collect()
}

/// Worked by hand (docs/refunds.md, "Worked example"):
/// - c1: 100 then −100 the next day: reversed, c1 has no purchase left (a non-buyer);
/// - c2: 50, 80, −80: the 80 is reversed; one purchase;
/// - c3: 60 (Jan 15), 60 (Mar 1), −60 (Mar 2): the earliest matching purchase in the 90-day
///   window is Jan 15's, so c3's first purchase becomes Mar 1 (cohort 2024-03);
/// - c4: 200, −50 (partial: the purchase becomes 150, the refund 0), 30: two purchases;
/// - c5: 40 (Jan 1), 25, −40 (May 1, 121 days after the 40): outside the window, two purchases;
/// - c6: two purchases of 70 at the same instant, −70: the first in file order is reversed;
/// - c7: −30 before its purchase of 30: a refund never reverses a later purchase.
#[test]
fn refunds_hand_worked_fixture() {
    let bytes = fixture();
    let off = analyze(&bytes, &Options::default()).expect("report");
    assert_eq!(off.summary.customers, 7);
    assert_eq!(off.summary.purchases, 12);
    assert_eq!(off.summary.repurchase_rate, Some(5.0 / 7.0));
    assert_eq!(off.summary.revenue, Some(385.0));

    let on = analyze(&bytes, &options(r#"{"matchRefunds": true}"#)).expect("report");
    let s = &on.summary;
    assert_eq!(s.customers, 6);
    assert_eq!(s.non_buyers, 1);
    assert_eq!(s.purchases, 8);
    assert_eq!(s.orders, off.summary.orders);
    assert_eq!(s.repurchase_rate, Some(2.0 / 6.0));
    // money nets as before; the partial refund moved into the purchase it reduces
    assert_eq!(s.revenue, Some(385.0));
    assert_eq!(s.average_order_value, Some(455.0 / 8.0));
    assert_eq!(
        cohort_sizes(&on),
        vec![
            ("2024-01".to_string(), 4),
            ("2024-02".to_string(), 1),
            ("2024-03".to_string(), 1)
        ]
    );
    let warnings = &on.ingest.warnings;
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("4 purchases were reversed by refunds")),
        "{warnings:?}"
    );
    assert!(warnings.iter().any(|w| w.starts_with("1 partial refunds")));

    // a 30-day window: c3's Jan 15 purchase is 47 days before the refund, so Mar 1's is
    // reversed instead and c3 stays in the January cohort
    let short = analyze(
        &bytes,
        &options(r#"{"matchRefunds": true, "refundWindowDays": 30}"#),
    )
    .expect("report");
    assert_eq!(short.summary.purchases, 8);
    assert_eq!(cohort_sizes(&short)[0], ("2024-01".to_string(), 5));

    // Chinese warnings
    let zh = analyze(
        &bytes,
        &options(r#"{"matchRefunds": true, "locale": "zh"}"#),
    )
    .unwrap();
    assert!(zh.ingest.warnings.iter().any(|w| w.contains("退款冲销")));
}

/// A re-run starts from the orders as merged: switching matchRefunds on, off and on again gives
/// the reports of fresh analyses.
#[test]
fn refunds_rerun_undoes_the_matching() {
    let bytes = fixture();
    let on = options(r#"{"matchRefunds": true}"#);
    let first = Analysis::run(&bytes, &on).expect("analysis");
    let clock = || 0.0;
    let off = first
        .rerun(&Options::default(), &clock)
        .expect("ok")
        .expect("same orders");
    assert_eq!(off.report.summary.purchases, 12);
    let again = off.rerun(&on, &clock).expect("ok").expect("same orders");
    assert_eq!(again.report.summary.purchases, 8);
    assert_eq!(
        serde_json::to_value(&again.report.summary).unwrap(),
        serde_json::to_value(&first.report.summary).unwrap()
    );
}

/// The counts that a purchase and its exact reversal must leave unchanged.
fn counts(r: &Report) -> serde_json::Value {
    serde_json::json!({
        "customers": r.summary.customers,
        "nonBuyers": r.summary.non_buyers,
        "purchases": r.summary.purchases,
        "revenue": r.summary.revenue,
        "repurchaseRate": r.summary.repurchase_rate,
        "periods": r.rates.periods.iter().map(|p| (p.buyers, p.repeat_buyers)).collect::<Vec<_>>(),
        "cohorts": r.cohorts.rows.iter().map(|row| (
            row.cohort.clone(),
            row.size,
            row.cells.iter().map(|c| c.as_ref().map(|c| c.active)).collect::<Vec<_>>(),
        )).collect::<Vec<_>>(),
        "funnel": r.funnel.steps.iter().map(|s| s.reached).collect::<Vec<_>>(),
        "grid": r.rfm.grid,
        "silent": r.churn.silent,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// With matchRefunds, adding to an existing customer a purchase and its exact reversal
    /// within the window changes no count (and no revenue).
    #[test]
    fn refunds_purchase_and_reversal_change_no_count(
        orders in prop::collection::vec((0u8..6, 0u32..300, 1u32..500), 1..40),
        pick in 0usize..40,
        at in 0u32..300,
        after in 0u32..=90,
        cents in 1u32..100,
    ) {
        let mut csv = String::from("customer_id,order_date,amount\n");
        let date = |d: u32| {
            let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
                + chrono::Days::new(u64::from(d));
            day.format("%Y-%m-%d").to_string()
        };
        for &(c, d, amount) in &orders {
            csv.push_str(&format!("c{c},{},{amount}\n", date(d)));
        }
        let opts = options(r#"{"matchRefunds": true, "asOf": "2025-06-01"}"#);
        let base = analyze(csv.as_bytes(), &opts).expect("report");
        // an existing customer; whole-unit base amounts never equal the added one's (.cents)
        let customer = orders[pick % orders.len()].0;
        let amount = format!("{}.{cents:02}", 1 + pick);
        csv.push_str(&format!("c{customer},{},{amount}\n", date(at)));
        csv.push_str(&format!("c{customer},{},-{amount}\n", date(at + after)));
        let added = analyze(csv.as_bytes(), &opts).expect("report");
        prop_assert_eq!(counts(&base), counts(&added));
        prop_assert_eq!(added.summary.orders, base.summary.orders + 2);
    }
}
