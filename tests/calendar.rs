//! Calendar traps through the public API (SPEC §1, §4, §10, §11): ISO week 53, leap days, month,
//! quarter and year ends, the Sunday/Monday boundary of weekly cohorts, `asOf` at a period
//! boundary, UTC offsets that must be dropped, relative 30-day "months" across February; and the
//! CLI's output under different `TZ` settings.

mod common;

use std::ffi::OsStr;

use cohortlens::report::CohortCell;
use cohortlens::{analyze, Analysis, Options, Report};

fn report(csv: &str, options: &str) -> Report {
    let options = Options::from_json(options).expect("options");
    analyze(csv.as_bytes(), &options).unwrap_or_else(|e| panic!("{}: {e}", e.code()))
}

fn cohort_labels(r: &Report) -> Vec<(&str, u64)> {
    r.cohorts
        .rows
        .iter()
        .map(|row| (row.cohort.as_str(), row.size))
        .collect()
}

/// (active, orders, partial) of every cell of a cohort row; `None` for absent cells.
fn cells(r: &Report, cohort: &str) -> Vec<Option<(u64, u64, bool)>> {
    let row = r
        .cohorts
        .rows
        .iter()
        .find(|row| row.cohort == cohort)
        .unwrap_or_else(|| panic!("no cohort {cohort}: {:?}", cohort_labels(r)));
    row.cells
        .iter()
        .map(|c| {
            c.as_ref()
                .map(|c: &CohortCell| (c.active, c.orders, c.partial))
        })
        .collect()
}

fn periods(r: &Report) -> Vec<(&str, u64, u64)> {
    r.rates
        .periods
        .iter()
        .map(|p| (p.period.as_str(), p.buyers, p.repeat_buyers))
        .collect()
}

const HEADER: &str = "customer_id,order_date,amount\n";

#[test]
fn iso_week_53_spans_the_new_year() {
    let csv = format!(
        "{HEADER}\
         a,2020-12-31 10:00:00,10\n\
         a,2021-01-03 23:59:59,10\n\
         b,2021-01-04 00:00:00,10\n\
         c,2021-01-03 12:00:00,10\n\
         d,2021-01-10 23:59:59,10\n"
    );
    let r = report(&csv, r#"{"cohortGrain": "week", "periodGrain": "week"}"#);
    // 2020-12-31 (Thu) and 2021-01-03 (Sun) are in ISO week 2020-W53, Monday 2020-12-28;
    // 2021-01-04 (Mon) starts 2021-W01.
    assert_eq!(cohort_labels(&r), [("2020-12-28", 2), ("2021-01-04", 2)]);
    assert_eq!(r.summary.as_of, "2021-01-11T00:00:00");
    // The second week ends exactly at E: complete, not partial.
    assert_eq!(
        cells(&r, "2020-12-28"),
        [Some((2, 3, false)), Some((0, 0, false))]
    );
    assert_eq!(cells(&r, "2021-01-04"), [Some((2, 2, false)), None]);
    assert_eq!(
        periods(&r),
        [("2020-12-28", 2, 1), ("2021-01-04", 2, 0)],
        "a bought twice in week 53"
    );
    assert_eq!(r.rates.periods[1].churn_rate, Some(1.0));

    // Years are calendar years, not ISO week-years: 2021-01-03 is in 2021.
    let r = report(&csv, r#"{"cohortGrain": "year", "periodGrain": "year"}"#);
    assert_eq!(cohort_labels(&r), [("2020", 1), ("2021", 3)]);
    assert_eq!(periods(&r), [("2020", 1, 0), ("2021", 4, 0)]);
    let r = report(&csv, r#"{"cohortGrain": "day"}"#);
    assert_eq!(
        cohort_labels(&r),
        [
            ("2020-12-31", 1),
            ("2021-01-03", 1),
            ("2021-01-04", 1),
            ("2021-01-10", 1)
        ]
    );
}

#[test]
fn week_starts_around_other_year_ends_and_before_1970() {
    let csv = format!(
        "{HEADER}\
         a,2015-12-31 12:00:00,10\n\
         b,2010-01-03 12:00:00,10\n\
         c,2026-01-01 12:00:00,10\n\
         d,2027-01-01 12:00:00,10\n\
         e,1969-12-31 23:59:59,10\n\
         f,2024-12-30 00:00:00,10\n"
    );
    let r = report(&csv, r#"{"cohortGrain": "week", "periodGrain": "year"}"#);
    assert_eq!(
        cohort_labels(&r),
        [
            ("1969-12-29", 1),
            ("2009-12-28", 1),
            ("2015-12-28", 1),
            ("2024-12-30", 1),
            ("2025-12-29", 1),
            ("2026-12-28", 1)
        ]
    );
}

#[test]
fn leap_day_last_second_is_in_february() {
    let csv = format!(
        "{HEADER}\
         a,2024-02-29 23:59:59,10\n\
         a,2024-03-01 00:00:00,10\n\
         b,2024-02-28 00:00:00,10\n"
    );
    let r = report(&csv, "{}");
    assert_eq!(cohort_labels(&r), [("2024-02", 2)]);
    assert_eq!(r.summary.as_of, "2024-03-02T00:00:00");
    // March ends after E = 2024-03-02: partial.
    assert_eq!(
        cells(&r, "2024-02"),
        [Some((2, 2, false)), Some((1, 1, true))]
    );
    assert_eq!(periods(&r), [("2024-02", 2, 0), ("2024-03", 1, 0)]);

    let r = report(&csv, r#"{"cohortGrain": "day", "periodGrain": "day"}"#);
    assert_eq!(cohort_labels(&r), [("2024-02-28", 1), ("2024-02-29", 1)]);
    assert_eq!(
        cells(&r, "2024-02-29"),
        [Some((1, 1, false)), Some((1, 1, false)), None]
    );
    assert_eq!(
        periods(&r),
        [
            ("2024-02-28", 1, 0),
            ("2024-02-29", 1, 0),
            ("2024-03-01", 1, 0)
        ]
    );

    // Relative days: one second later is still a's day 0, which ends at 1 March 23:59:59,
    // before E; day 1 ends after E; day 2 starts after E. (Three cells: b's first purchase,
    // 28 February 00:00, reaches k = 2.)
    let r = report(
        &csv,
        r#"{"cohortGrain": "day", "cohortAlignment": "relative"}"#,
    );
    assert_eq!(
        cells(&r, "2024-02-29"),
        [Some((1, 2, false)), Some((0, 0, true)), None]
    );

    // asOf on 1 March: the order at E is ignored (with a warning), February is complete.
    let r = report(&csv, r#"{"asOf": "2024-03-01"}"#);
    assert_eq!(r.summary.as_of, "2024-03-01T00:00:00");
    assert_eq!(r.summary.orders, 2);
    assert_eq!(r.summary.last_order.as_deref(), Some("2024-02-29T23:59:59"));
    assert_eq!(r.summary.repurchase_rate, Some(0.0));
    assert_eq!(cells(&r, "2024-02"), [Some((2, 2, false))]);
    assert_eq!(
        r.ingest.accepted, 3,
        "orders at or after E are accepted rows"
    );
    assert!(
        !r.ingest.warnings.is_empty(),
        "ignored orders give a warning"
    );
}

#[test]
fn month_quarter_and_year_ends() {
    let csv = format!(
        "{HEADER}\
         a,2024-03-31 23:59:59,10\n\
         a,2024-04-01 00:00:00,10\n\
         b,2023-12-31 23:59:59,10\n\
         c,2024-06-30 23:59:59,10\n\
         c,2024-07-01 00:00:00,10\n"
    );
    let r = report(
        &csv,
        r#"{"cohortGrain": "quarter", "periodGrain": "quarter"}"#,
    );
    assert_eq!(r.summary.as_of, "2024-07-02T00:00:00");
    assert_eq!(
        cohort_labels(&r),
        [("2023-Q4", 1), ("2024-Q1", 1), ("2024-Q2", 1)]
    );
    assert_eq!(
        cells(&r, "2023-Q4"),
        [
            Some((1, 1, false)),
            Some((0, 0, false)),
            Some((0, 0, false)),
            Some((0, 0, true))
        ]
    );
    assert_eq!(
        cells(&r, "2024-Q1"),
        [
            Some((1, 1, false)),
            Some((1, 1, false)),
            Some((0, 0, true)),
            None
        ]
    );
    assert_eq!(
        cells(&r, "2024-Q2"),
        [Some((1, 1, false)), Some((1, 1, true)), None, None]
    );
    assert_eq!(
        periods(&r),
        [
            ("2023-Q4", 1, 0),
            ("2024-Q1", 1, 0),
            ("2024-Q2", 2, 0),
            ("2024-Q3", 1, 0)
        ]
    );

    let r = report(&csv, r#"{"cohortGrain": "month", "periodGrain": "year"}"#);
    assert_eq!(
        cohort_labels(&r),
        [("2023-12", 1), ("2024-03", 1), ("2024-06", 1)]
    );
    assert_eq!(periods(&r), [("2023", 1, 0), ("2024", 2, 2)]);
    assert_eq!(
        cells(&r, "2024-03")[..2],
        [Some((1, 1, false)), Some((1, 1, false))]
    );
}

#[test]
fn sunday_night_and_monday_morning_are_different_weeks() {
    let csv = format!(
        "{HEADER}\
         a,2024-03-10 23:59:59,10\n\
         a,2024-03-11 00:00:00,10\n\
         b,2024-03-11 00:00:00,10\n"
    );
    let r = report(&csv, r#"{"cohortGrain": "week", "periodGrain": "week"}"#);
    assert_eq!(cohort_labels(&r), [("2024-03-04", 1), ("2024-03-11", 1)]);
    assert_eq!(
        cells(&r, "2024-03-04"),
        [Some((1, 1, false)), Some((1, 1, true))]
    );
    assert_eq!(periods(&r), [("2024-03-04", 1, 0), ("2024-03-11", 2, 0)]);
    assert_eq!(r.rates.periods[1].returning_buyers, 1);

    // Relative weeks count 7 days from the first purchase: one second later is week 0.
    let r = report(
        &csv,
        r#"{"cohortGrain": "week", "cohortAlignment": "relative"}"#,
    );
    assert_eq!(cells(&r, "2024-03-04"), [Some((1, 2, true))]);
    let cell = r.cohorts.rows[0].cells[0].as_ref().unwrap();
    assert_eq!((cell.eligible, cell.rolling_active), (1, 1));
}

#[test]
fn as_of_on_a_month_boundary() {
    let csv = format!(
        "{HEADER}\
         a,2024-01-15 10:00:00,10\n\
         a,2024-02-10 10:00:00,10\n\
         a,2024-03-05 10:00:00,10\n"
    );
    // February ends exactly at E: complete; March starts at E: absent, and not a period.
    let r = report(&csv, r#"{"asOf": "2024-03-01"}"#);
    assert_eq!(
        cells(&r, "2024-01"),
        [Some((1, 1, false)), Some((1, 1, false))]
    );
    assert_eq!(periods(&r), [("2024-01", 1, 0), ("2024-02", 1, 0)]);
    assert_eq!(r.summary.orders, 2);

    // One second later March exists, partial and empty.
    let r = report(&csv, r#"{"asOf": "2024-03-01T00:00:01"}"#);
    assert_eq!(
        cells(&r, "2024-01"),
        [Some((1, 1, false)), Some((1, 1, false)), Some((0, 0, true))]
    );
    assert_eq!(
        periods(&r),
        [("2024-01", 1, 0), ("2024-02", 1, 0), ("2024-03", 0, 0)]
    );
    assert_eq!(r.rates.periods[2].churn_rate, Some(1.0));
    assert_eq!(r.rates.periods[2].period_repurchase_rate, None);

    // Mid-month E: February is partial.
    let r = report(&csv, r#"{"asOf": "2024-02-29T12:00:00"}"#);
    assert_eq!(
        cells(&r, "2024-01"),
        [Some((1, 1, false)), Some((1, 1, true))]
    );
}

#[test]
fn utc_offsets_are_dropped_not_applied() {
    // In UTC these would be 1 February 04:30 and 31 January 16:30: the months would swap.
    let csv = format!(
        "{HEADER}\
         a,2024-01-31 23:30:00 -0500,10\n\
         b,2024-02-01 00:30:00 +0800,10\n\
         c,2024-02-01T00:30:00+08:00,10\n\
         d,2024-01-31T23:30:00Z,10\n"
    );
    let r = report(&csv, r#"{"cohortGrain": "day"}"#);
    assert_eq!(cohort_labels(&r), [("2024-01-31", 2), ("2024-02-01", 2)]);
    assert_eq!(
        r.summary.first_order.as_deref(),
        Some("2024-01-31T23:30:00")
    );
    assert_eq!(r.summary.last_order.as_deref(), Some("2024-02-01T00:30:00"));
    assert_eq!(r.summary.as_of, "2024-02-02T00:00:00");
}

#[test]
fn relative_months_are_30_days_across_a_leap_february() {
    let csv = format!(
        "{HEADER}\
         a,2024-01-31 12:00:00,10\n\
         a,2024-03-01 12:00:00,10\n\
         b,2024-01-31 12:00:00,10\n\
         b,2024-03-01 11:59:59,10\n"
    );
    // a: exactly 30 days later → k = 1; b: one second short → k = 0.
    let r = report(&csv, r#"{"cohortAlignment": "relative"}"#);
    assert_eq!(
        cells(&r, "2024-01"),
        [Some((2, 3, false)), Some((1, 1, true))]
    );
    let k1 = r.cohorts.rows[0].cells[1].as_ref().unwrap();
    assert_eq!(k1.eligible, 2, "first + 30 d = 1 March 12:00 < E = 2 March");
    assert_eq!(k1.retention, Some(0.5));
    // Calendar months: January → March is k = 2.
    let r = report(&csv, "{}");
    assert_eq!(
        cells(&r, "2024-01"),
        [Some((2, 2, false)), Some((0, 0, false)), Some((2, 2, true))]
    );
}

#[test]
fn recency_is_whole_calendar_days() {
    let csv = format!(
        "{HEADER}\
         a,2024-03-10 23:59:59,10\n\
         b,2024-03-01 00:00:00,10\n"
    );
    let recency = |options: &str| -> Vec<(String, String)> {
        let a = Analysis::run(csv.as_bytes(), &Options::from_json(options).unwrap()).unwrap();
        let text = String::from_utf8(a.customers_csv().unwrap()).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let (c, r) = (
            header.iter().position(|&h| h == "customer").unwrap(),
            header.iter().position(|&h| h == "recency").unwrap(),
        );
        let mut out: Vec<(String, String)> = lines
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[c].to_string(), f[r].to_string())
            })
            .collect();
        out.sort();
        out
    };
    let want = |a: &str, b: &str| vec![("a".to_string(), a.to_string()), ("b".into(), b.into())];
    // E = 2024-03-11 00:00: one second after a's purchase is still one whole day.
    assert_eq!(recency("{}"), want("1", "10"));
    // Mid-day E: dates, not hours.
    assert_eq!(
        recency(r#"{"asOf": "2024-03-11T18:00:00"}"#),
        want("1", "10")
    );
}

// ---------------------------------------------------------------------------------------------
// Time zones: the engine keeps wall-clock times, so the process's TZ must not matter.
// ---------------------------------------------------------------------------------------------

/// Named zones (from tzdata) and POSIX rules (need no tzdata, so the test cannot silently fall
/// back to UTC on a system without zoneinfo).
const ZONES: [&str; 7] = [
    "UTC",
    "Asia/Shanghai",
    "America/New_York",
    "Pacific/Kiritimati",
    "CST-8",
    "EST5EDT,M3.2.0,M11.1.0",
    "<-12>12",
];

#[test]
fn cli_output_is_byte_identical_in_every_time_zone() {
    let dir = common::golden_dir();
    for name in ["lines", "tiny"] {
        let data = dir.join(format!("{name}.csv"));
        let options = dir.join(format!("{name}.options.json"));
        let args = [
            data.as_os_str(),
            OsStr::new("--options"),
            options.as_os_str(),
        ];
        let outputs: Vec<(&str, Vec<u8>)> = ZONES
            .iter()
            .map(|tz| {
                let out = common::run_cli(&args, &[("TZ", tz)]);
                assert!(
                    out.status.success(),
                    "{name} under TZ={tz}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                (*tz, out.stdout)
            })
            .collect();
        for (tz, out) in &outputs[1..] {
            assert!(
                *out == outputs[0].1,
                "{name}: stdout under TZ={tz} differs from TZ={}",
                outputs[0].0
            );
        }
        // And equal to the library's own serialisation in this process.
        let report = analyze(
            &std::fs::read(&data).unwrap(),
            &Options::from_json(&std::fs::read_to_string(&options).unwrap()).unwrap(),
        )
        .unwrap();
        let want = format!("{}\n", serde_json::to_string(&report).unwrap());
        assert_eq!(String::from_utf8_lossy(&outputs[0].1), want, "{name}");
        if name == "lines" {
            // `-0500` is dropped: the wall clock as written, not UTC.
            assert_eq!(
                report.summary.first_order.as_deref(),
                Some("2024-01-07T00:56:35")
            );
        }
    }
}
