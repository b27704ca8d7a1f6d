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

/// A status change within an order (docs/refunds.md, rule 1), worked by hand:
/// - order 1 (a): logged paid, then refunded with the amount repeated: reversed (a non-buyer);
/// - order 2 (b): paid 100, then a refunded line of −30: a partial refund the amounts net, so
///   the order stays a purchase of 70;
/// - order 4 (c): paid, then refunded with a blank amount: reversed, so c's first purchase is
///   order 5 (February);
/// - order 6 (d): paid, refunded, paid again: the last status counts; still a purchase.
const STATUS_LOG: &str = "\
order_id,customer_id,order_date,amount,status
1,a,2024-01-05,100,paid
1,a,2024-01-07,100,refunded
2,b,2024-01-05,100,paid
2,b,2024-01-07,-30,refunded
3,b,2024-02-01,50,paid
4,c,2024-01-10,80,paid
4,c,2024-01-12,,refunded
5,c,2024-02-10,40,paid
6,d,2024-01-10,60,paid
6,d,2024-01-11,,refunded
6,d,2024-01-12,,paid
";

#[test]
fn refunds_status_change_within_an_order() {
    let off = analyze(STATUS_LOG.as_bytes(), &Options::default()).expect("report");
    assert_eq!(off.summary.customers, 4);
    assert_eq!(off.summary.purchases, 6);
    assert_eq!(off.summary.revenue, Some(500.0));

    let on = analyze(STATUS_LOG.as_bytes(), &options(r#"{"matchRefunds": true}"#)).unwrap();
    assert_eq!(on.summary.customers, 3);
    assert_eq!(on.summary.non_buyers, 1);
    assert_eq!(on.summary.purchases, 4);
    assert_eq!(on.summary.orders, off.summary.orders);
    // the reversed orders keep their summed amounts in revenue (SPEC §11), as without matching
    assert_eq!(on.summary.revenue, Some(500.0));
    assert_eq!(
        on.summary.average_order_value,
        Some((70.0 + 50.0 + 40.0 + 60.0) / 4.0)
    );
    assert_eq!(
        cohort_sizes(&on),
        vec![("2024-01".to_string(), 2), ("2024-02".to_string(), 1)]
    );
    assert!(on
        .ingest
        .warnings
        .iter()
        .any(|w| w.starts_with("2 purchases were reversed by refunds")));

    // without an amount column the status rule still applies (every order is otherwise a
    // purchase, SPEC §1); order 2's refunded line no longer carries −30, so it is a status
    // change too: orders 1, 2 and 4 are reversed
    let no_amount = options(
        r#"{"matchRefunds": true, "mapping": {"order": "order_id", "customer": "customer_id",
            "time": "order_date", "status": "status"}}"#,
    );
    let plain: String = STATUS_LOG
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{},{},{},{}\n", f[0], f[1], f[2], f[4])
        })
        .collect();
    let r = analyze(plain.as_bytes(), &no_amount).expect("report");
    assert_eq!(r.summary.revenue, None);
    assert_eq!(r.summary.purchases, 3);
    assert_eq!(r.summary.non_buyers, 1);

    // which statuses count as cancelled is the analysis's choice: with only "void" cancelled,
    // nothing changed status to a cancelled one
    let void = options(r#"{"matchRefunds": true, "cancelledStatuses": ["void"]}"#);
    let r = analyze(STATUS_LOG.as_bytes(), &void).expect("report");
    assert_eq!(r.summary.purchases, 6);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// With matchRefunds, adding to an existing customer an order logged paid and then
    /// refunded (one order id, the amount repeated or blank on the second line) changes no
    /// count; only revenue grows by the order's summed amount (SPEC §11).
    #[test]
    fn refunds_status_log_changes_no_count(
        orders in prop::collection::vec((0u8..6, 0u32..300, 1u32..500), 1..40),
        pick in 0usize..40,
        at in 0u32..300,
        later in 0u32..30,
        repeated in any::<bool>(),
    ) {
        let date = |d: u32| {
            let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
                + chrono::Days::new(u64::from(d));
            day.format("%Y-%m-%d").to_string()
        };
        let mut csv = String::from("order_id,customer_id,order_date,amount,status\n");
        for (i, &(c, d, amount)) in orders.iter().enumerate() {
            csv.push_str(&format!("o{i},c{c},{},{amount},paid\n", date(d)));
        }
        let opts = options(r#"{"matchRefunds": true, "asOf": "2025-06-01"}"#);
        let base = analyze(csv.as_bytes(), &opts).expect("report");
        let customer = orders[pick % orders.len()].0;
        let amount = 1 + pick;
        let second = if repeated { amount.to_string() } else { String::new() };
        csv.push_str(&format!("log,c{customer},{},{amount},paid\n", date(at)));
        csv.push_str(&format!("log,c{customer},{},{second},refunded\n", date(at + later)));
        let added = analyze(csv.as_bytes(), &opts).expect("report");
        let without_revenue = |r: &Report| {
            let mut v = counts(r);
            v["revenue"] = serde_json::Value::Null;
            v
        };
        prop_assert_eq!(without_revenue(&base), without_revenue(&added));
        prop_assert_eq!(added.summary.orders, base.summary.orders + 1);
        let grew = added.summary.revenue.unwrap() - base.summary.revenue.unwrap();
        let expected = if repeated { 2 * amount } else { amount };
        prop_assert!((grew - expected as f64).abs() < 1e-6);
    }
}
