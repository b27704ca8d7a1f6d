//! Bounded output: a mistyped year cannot make the Report (and the page's memory) explode.

use cohortlens::{analyze, Options};

#[test]
fn mistyped_years_give_bounded_tables_with_warnings() {
    let mut csv =
        String::from("customer_id,order_date,amount\nc0,1901-01-01,10\nc0,2199-12-30,12\n");
    for day in 1..=20 {
        csv.push_str(&format!("d{day},2024-05-{day:02},3\n"));
    }
    let options = Options::from_json(r#"{"cohortGrain": "day", "periodGrain": "day"}"#).unwrap();
    let report = analyze(csv.as_bytes(), &options).unwrap();
    let cells: usize = report.cohorts.rows.iter().map(|r| r.cells.len()).sum();
    assert_eq!(report.cohorts.rows.len(), 21);
    assert!(cells <= 1_000_000, "{cells} cells");
    assert!(report.rates.periods.len() <= 20_000);
    let warnings = report.ingest.warnings.join("\n");
    assert!(warnings.contains("cohorts:"), "{warnings}");
    assert!(warnings.contains("rates:"), "{warnings}");
    // The periods shown are the most recent ones, ending at the last order.
    assert_eq!(
        report.rates.periods.last().map(|p| p.period.as_str()),
        Some("2199-12-30")
    );
}
