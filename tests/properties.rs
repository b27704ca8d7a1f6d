//! Property tests: random small order files, analysed by the engine and by a brute-force
//! reference written here straight from SPEC.md (§1–§6, §8, §11). The reference does its calendar
//! arithmetic with chrono (ISO weeks from `iso_week`, months with `checked_add_months`), so the
//! engine's own integer calendar is never trusted.
//!
//! Generated files: 1–12 customers with 1–8 orders each over 1–3 years (random seconds, some
//! snapped to midnight, 23:59:59 or month ends); amounts positive, zero and negative, with `$`,
//! `¥` and thousands separators; cancelled/refunded statuses (English and Chinese); with an
//! `order_id`, orders of 1–3 lines in shuffled file order (blank times and amounts on some
//! lines, the same order number reused by other customers); padded, tab-prefixed and `="…"`
//! cells; ISO, offset, date-only, `YYYY/M/D` and month- or day-first `a/b/yyyy` times; comma,
//! semicolon, tab or pipe delimiters, CRLF, a BOM, quoted fields with delimiters and newlines;
//! rejected rows of every reason and all-empty records. Options vary every grain, alignment,
//! `countBy`, `asOf` (date or timestamp), `funnelDepth` and `repurchaseWindows`.
//!
//! Compared: ingest (rows, accepted, rejected by reason, samples' line/column/reason, mapping,
//! dateOrder, delimiter), summary, the rates table, every cohort cell and the average row,
//! the funnel (reached, conversion, gap statistics, repurchaseWithin, histogram), silent
//! customers, the RFM grid, rf10 segment counts and each customer's exported scores.
//!
//! A second group of properties feeds arbitrary and mutated bytes: `analyze` must return `Ok` or
//! `Err`, never panic, and an `Ok` report must account for every row.
//!
//! `PROPTEST_CASES=N` overrides the (small) default number of cases for a deeper run.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Weekday};
use cohortlens::period::Grain;
use cohortlens::{Analysis, Options, Report};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

// ---------------------------------------------------------------------------------------------
// Generated cases
// ---------------------------------------------------------------------------------------------

/// Customer ids. `C01`/`c01`/`c1` are distinct customers (ids are case-sensitive, §11).
const POOL: [&str; 13] = [
    "c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09", "C01", "c1", "客户7", "x y",
];
/// Status values and whether they make the order a non-purchase (COLUMNS.md).
const STATUSES: [(&str, bool); 8] = [
    ("paid", false),
    ("completed", false),
    ("refunded", true),
    ("cancelled", true),
    ("交易成功", false),
    ("已取消", true),
    ("wc-failed", true),
    ("pending", false),
];
/// Dimension values; quoted fields with the delimiter and with a newline (RFC 4180).
const CHANNELS: [&str; 5] = ["web", "app", "", "web, mobile", "two\nlines"];
/// Start dates of the generated windows: around an ISO week 53, a leap day, a year end.
const BASES: [(i32, u32, u32); 4] = [(2019, 11, 3), (2020, 12, 1), (2023, 10, 15), (2015, 12, 20)];
/// How a time cell is written; the reference derives the wall-clock time each one means.
/// The last two are `a/b/yyyy` and `a/b/yy` shapes, used in files with a slash date order
/// (month-first or day-first, see [`SLASH_FORMATS`]); elsewhere they fall back to the first.
const TIME_FORMATS: [&str; 9] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",                // date only: 00:00:00
    "%Y-%m-%d %H:%M:%S -0500", // offset dropped
    "%Y/%-m/%-d %H:%M",        // no seconds
    "%Y-%m-%dT%H:%M:%S+08:00", // offset dropped
    "%Y-%m-%d %H:%M:%S",
    "(slash, 4-digit year)",
    "(slash, 2-digit year)",
];
/// [MDY, DMY] × [4-digit year with seconds, 2-digit year without].
const SLASH_FORMATS: [[&str; 2]; 2] = [
    ["%m/%d/%Y %H:%M:%S", "%-m/%-d/%y %H:%M"],
    ["%d/%m/%Y %H:%M:%S", "%-d/%-m/%y %H:%M"],
];
const DELIMITERS: [char; 4] = [',', ';', '\t', '|'];
const DAY: i64 = 86_400;

#[derive(Debug, Clone)]
struct GLine {
    /// Seconds after the order's time (lines after the first only).
    delta: i64,
    /// Blank time cell (order-id files, lines after the first only).
    blank_time: bool,
    /// Amount in cents; `None` writes a blank cell.
    cents: Option<i64>,
    status: Option<usize>,
    channel: usize,
    format: usize,
    /// 0–3 plain, 4 thousands separators, 5 `$`, 6 `¥` and thousands separators.
    money_style: usize,
    /// 0–4 plain, 5 padded with spaces, 6 a leading tab, 7 the Excel guard `="…"` (on the
    /// customer, time and amount cells).
    id_style: usize,
}

#[derive(Debug, Clone)]
struct GOrder {
    /// Seconds after the customer's start.
    gap: i64,
    /// 0–5 none, 6 midnight, 7 23:59:59, 8 last second of the month, 9 first second of it.
    snap: usize,
    lines: Vec<GLine>,
}

#[derive(Debug, Clone)]
struct GCustomer {
    start: i64,
    orders: Vec<GOrder>,
}

#[derive(Debug, Clone)]
struct GJunk {
    /// 0 blank customer, 1 bad time, 2 blank time, 3 bad amount, 4 all-empty record.
    kind: usize,
    customer: usize,
    secs: i64,
}

#[derive(Debug, Clone)]
struct GOptions {
    cohort_grain: usize,
    period_grain: usize,
    relative: bool,
    count_by_day: bool,
    /// Seconds after the window start (may fall before it) and whether to write a time.
    as_of: Option<(i64, bool)>,
    funnel_depth: u32,
    windows: Vec<u32>,
}

#[derive(Debug, Clone)]
struct Case {
    base: usize,
    span_years: i64,
    with_order_id: bool,
    rotate: usize,
    customers: Vec<GCustomer>,
    junk: Vec<GJunk>,
    seed: u64,
    crlf: bool,
    bom: bool,
    delimiter: usize,
    /// 0: no slash dates, 1: month-first, 2: day-first.
    slash: usize,
    options: GOptions,
}

fn cents() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => 1..20_000i64,
        2 => select(vec![1_000i64, 2_500, 4_999]),
        1 => Just(0i64),
        1 => -5_000..0i64,
    ]
}

fn line() -> impl Strategy<Value = GLine> {
    (
        -DAY..2 * DAY,
        prop::bool::weighted(0.3),
        prop::option::weighted(0.9, cents()),
        prop::option::weighted(0.3, 0..STATUSES.len()),
        0..CHANNELS.len(),
        0..TIME_FORMATS.len(),
        0..7usize,
        0..8usize,
    )
        .prop_map(
            |(delta, blank_time, cents, status, channel, format, money_style, id_style)| GLine {
                delta,
                blank_time,
                cents,
                status,
                channel,
                format,
                money_style,
                id_style,
            },
        )
}

fn order() -> impl Strategy<Value = GOrder> {
    (
        prop_oneof![0..3_600i64, 0..3 * DAY, 0..400 * DAY],
        0..10usize,
        prop::option::weighted(0.85, 0..STATUSES.len()),
        vec(line(), 1..=3),
    )
        .prop_map(|(gap, snap, status, mut lines)| {
            lines[0].delta = 0;
            lines[0].blank_time = false;
            lines[0].status = status;
            GOrder { gap, snap, lines }
        })
}

fn customer() -> impl Strategy<Value = GCustomer> {
    (0..3 * 365 * DAY, vec(order(), 1..=8)).prop_map(|(start, orders)| GCustomer { start, orders })
}

fn junk() -> impl Strategy<Value = GJunk> {
    (0..5usize, 0..POOL.len(), 0..3 * 365 * DAY).prop_map(|(kind, customer, secs)| GJunk {
        kind,
        customer,
        secs,
    })
}

fn options() -> impl Strategy<Value = GOptions> {
    (
        0..5usize,
        0..5usize,
        any::<bool>(),
        any::<bool>(),
        prop::option::weighted(0.35, (-20 * DAY..1_500 * DAY, any::<bool>())),
        1..=6u32,
        vec(select(vec![0u32, 1, 7, 30, 60, 90, 365]), 0..4),
    )
        .prop_map(
            |(cohort_grain, period_grain, relative, count_by_day, as_of, funnel_depth, windows)| {
                GOptions {
                    cohort_grain,
                    period_grain,
                    relative,
                    count_by_day,
                    as_of,
                    funnel_depth,
                    windows,
                }
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    (
        (0..BASES.len(), 1..=3i64, any::<bool>(), 0..POOL.len()),
        vec(customer(), 1..=12),
        vec(junk(), 0..=3),
        (
            any::<u64>(),
            any::<bool>(),
            prop::bool::weighted(0.2),
            prop_oneof![3 => Just(0usize), 1 => 1..DELIMITERS.len()],
            0..3usize,
        ),
        options(),
    )
        .prop_map(
            |(
                (base, span_years, with_order_id, rotate),
                customers,
                junk,
                (seed, crlf, bom, delimiter, slash),
                options,
            )| {
                Case {
                    base,
                    span_years,
                    with_order_id,
                    rotate,
                    customers,
                    junk,
                    seed,
                    crlf,
                    bom,
                    delimiter,
                    slash,
                    options,
                }
            },
        )
}

// ---------------------------------------------------------------------------------------------
// The case as a file, and the model the reference reads
// ---------------------------------------------------------------------------------------------

/// One order as SPEC §1 defines it, after merging its lines.
#[derive(Debug, Clone)]
struct MOrder {
    customer: usize,
    time: NaiveDateTime,
    cents: i64,
    cancelled: bool,
    /// File position of the order's first line (tie-break of equal times).
    first_pos: usize,
}

#[derive(Debug)]
struct Model {
    orders: Vec<MOrder>,
    rows: u64,
    rejected: BTreeMap<String, u64>,
    as_of: Option<NaiveDateTime>,
    with_order_id: bool,
    date_order: &'static str,
    delimiter: char,
    samples: Vec<(u64, String, String)>,
}

/// A line of the file before shuffling: its cells and what it means.
struct Row {
    cells: Vec<String>,
    /// (customer, order number within the customer) of an accepted line.
    order: Option<(usize, usize)>,
    time: Option<NaiveDateTime>,
    cents: i64,
    status: Option<usize>,
    /// The rejection reason, for rejected rows; `Some("")` for an all-empty record.
    rejected: Option<&'static str>,
    /// Whether the time is written `a/b/yyyy`.
    slash: bool,
    /// The physical line where the record starts (header = 1), set when written.
    line: u64,
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap()
}

fn month_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap()
}

fn snap(t: NaiveDateTime, snap: usize) -> NaiveDateTime {
    let d = t.date();
    match snap {
        6 => midnight(d),
        7 => d.and_hms_opt(23, 59, 59).unwrap(),
        8 => {
            midnight(month_start(d).checked_add_months(Months::new(1)).unwrap())
                - TimeDelta::seconds(1)
        }
        9 => midnight(month_start(d)),
        _ => t,
    }
}

/// The wall-clock time a cell written with `format` means (SPEC §1), `slash` being the file's
/// slash date order.
fn written(t: NaiveDateTime, format: usize, slash: usize) -> (String, NaiveDateTime) {
    let pattern = match (format, slash) {
        (7 | 8, 0) => TIME_FORMATS[0],
        (7 | 8, _) => SLASH_FORMATS[slash - 1][format - 7],
        _ => TIME_FORMATS[format],
    };
    let text = t.format(pattern).to_string();
    let meant = if pattern == "%Y-%m-%d" {
        midnight(t.date())
    } else if pattern.contains("%S") {
        t
    } else {
        t.date().and_hms_opt(t.hour(), t.minute(), 0).unwrap()
    };
    (text, meant)
}

fn money(cents: i64, style: usize) -> String {
    if cents == 0 && style < 4 {
        return "0".into();
    }
    let sign = if cents < 0 { "-" } else { "" };
    let units = (cents.abs() / 100).to_string();
    let units = if style == 4 || style == 6 {
        // Thousands separators: 1234567 → 1,234,567.
        let digits: Vec<char> = units.chars().collect();
        let mut out = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(*c);
        }
        out
    } else {
        units
    };
    let currency = match style {
        5 => "$",
        6 => "¥",
        _ => "",
    };
    format!("{sign}{currency}{units}.{:02}", cents.abs() % 100)
}

fn csv_field(s: &str, delimiter: char) -> String {
    if s.contains([delimiter, '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn id_cell(id: &str, style: usize) -> String {
    match style {
        5 => format!("  {id} "),
        6 => format!("\t{id}"),
        7 => format!("=\"{id}\""),
        _ => id.to_string(),
    }
}

impl Case {
    fn start(&self) -> NaiveDateTime {
        let (y, m, d) = BASES[self.base];
        midnight(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn span(&self) -> i64 {
        self.span_years * 365 * DAY
    }

    fn id(&self, customer: usize) -> &'static str {
        POOL[(customer + self.rotate) % POOL.len()]
    }

    /// The options as JSON, spelled as SPEC.md names them.
    fn options_json(&self) -> String {
        let o = &self.options;
        let grains = ["day", "week", "month", "quarter", "year"];
        let mut json = serde_json::json!({
            "cohortGrain": grains[o.cohort_grain],
            "periodGrain": grains[o.period_grain],
            "cohortAlignment": if o.relative { "relative" } else { "calendar" },
            "countBy": if o.count_by_day { "day" } else { "order" },
            "funnelDepth": o.funnel_depth,
        });
        if !o.windows.is_empty() {
            json["repurchaseWindows"] = serde_json::json!(o.windows);
        }
        if let Some(text) = self.as_of_text() {
            json["asOf"] = serde_json::json!(text);
        }
        json.to_string()
    }

    fn as_of_text(&self) -> Option<String> {
        let (secs, with_time) = self.options.as_of?;
        let t =
            self.start() + TimeDelta::seconds(secs.rem_euclid(self.span() + 420 * DAY) - 20 * DAY);
        Some(if with_time {
            t.format("%Y-%m-%dT%H:%M:%S").to_string()
        } else {
            t.format("%Y-%m-%d").to_string()
        })
    }

    fn as_of(&self) -> Option<NaiveDateTime> {
        let text = self.as_of_text()?;
        Some(
            NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S")
                .or_else(|_| NaiveDate::parse_from_str(&text, "%Y-%m-%d").map(midnight))
                .unwrap(),
        )
    }

    /// The CSV bytes and the model of what they hold.
    fn materialise(&self) -> (Vec<u8>, Model) {
        let start = self.start();
        let mut rows: Vec<Row> = Vec::new();
        for (c, gc) in self.customers.iter().enumerate() {
            for (j, go) in gc.orders.iter().enumerate() {
                let base = snap(
                    start + TimeDelta::seconds(gc.start % self.span() + go.gap),
                    go.snap,
                );
                let lines = if self.with_order_id {
                    &go.lines[..]
                } else {
                    &go.lines[..1]
                };
                for gl in lines {
                    let (amount_text, cents, rejected) = match gl.cents {
                        Some(v) => (money(v, gl.money_style), v, None),
                        None if self.with_order_id => (String::new(), 0, None),
                        None => (String::new(), 0, Some("missingAmount")),
                    };
                    // Rejected rows keep to ISO dates: whether their values count as date order
                    // evidence is not this test's question.
                    let format = if rejected.is_some() { 0 } else { gl.format };
                    let slash = !gl.blank_time && self.slash > 0 && format >= 7;
                    let (time_text, time) = if gl.blank_time {
                        (String::new(), None)
                    } else {
                        let (text, meant) =
                            written(base + TimeDelta::seconds(gl.delta), format, self.slash);
                        (text, Some(meant))
                    };
                    let guard = |text: String| {
                        if gl.id_style == 7 && !text.is_empty() {
                            format!("=\"{text}\"")
                        } else {
                            text
                        }
                    };
                    let (time_text, amount_text) = (guard(time_text), guard(amount_text));
                    let mut cells = vec![id_cell(self.id(c), gl.id_style)];
                    if self.with_order_id {
                        // Order numbers restart per customer: `o0` of two customers are two orders.
                        cells.push(format!("o{j}"));
                    }
                    cells.extend([
                        time_text,
                        amount_text,
                        gl.status.map_or("", |s| STATUSES[s].0).to_string(),
                        CHANNELS[gl.channel].to_string(),
                    ]);
                    rows.push(Row {
                        cells,
                        order: rejected.is_none().then_some((c, j)),
                        time,
                        cents,
                        status: gl.status,
                        rejected,
                        slash,
                        line: 0,
                    });
                }
            }
        }
        for (n, junk) in self.junk.iter().enumerate() {
            let t = start + TimeDelta::seconds(junk.secs % self.span());
            let mut customer = self.id(junk.customer).to_string();
            let mut time = t.format("%Y-%m-%d %H:%M:%S").to_string();
            let mut amount = "10.00".to_string();
            let reason = match junk.kind {
                0 => {
                    customer = "  ".into();
                    "missingCustomer"
                }
                1 => {
                    time = "2023-02-30 10:00:00".into();
                    "badTime"
                }
                2 => {
                    time = String::new();
                    "missingTime"
                }
                3 => {
                    amount = "??".into();
                    "badAmount"
                }
                _ => "",
            };
            let mut cells = vec![customer];
            if self.with_order_id {
                cells.push(format!("junk{n}"));
            }
            cells.extend([time, amount, "paid".into(), "web".into()]);
            if reason.is_empty() {
                cells.iter_mut().for_each(String::clear);
            }
            rows.push(Row {
                cells,
                order: None,
                time: None,
                cents: 0,
                status: None,
                rejected: Some(reason),
                slash: false,
                line: 0,
            });
        }
        rows.shuffle(&mut StdRng::seed_from_u64(self.seed));

        // Date order (§11): day-first is settled only by a day > 12; otherwise the file is read
        // month-first, so a day-first 05/03 means 3 May.
        let slashed = rows.iter().any(|r| r.slash);
        let settled = rows.iter().any(|r| r.slash && r.time.unwrap().day() > 12);
        let date_order = match self.slash {
            _ if !slashed => "YMD",
            2 if settled => "DMY",
            _ => "MDY",
        };
        if self.slash == 2 && !settled {
            for row in rows.iter_mut().filter(|r| r.slash) {
                let t = row.time.unwrap();
                let swapped = NaiveDate::from_ymd_opt(t.year(), t.day(), t.month()).unwrap();
                row.time = Some(swapped.and_time(t.time()));
            }
        }

        let newline = if self.crlf { "\r\n" } else { "\n" };
        let delimiter = DELIMITERS[self.delimiter];
        let mut text = String::new();
        if self.bom {
            text.push('\u{feff}');
        }
        let header: &[&str] = if self.with_order_id {
            &[
                "customer_id",
                "order_id",
                "order_date",
                "amount",
                "status",
                "channel",
            ]
        } else {
            &["customer_id", "order_date", "amount", "status", "channel"]
        };
        text.push_str(&header.join(&delimiter.to_string()));
        text.push_str(newline);
        let mut line = 2;
        for row in &mut rows {
            let cells: Vec<String> = row.cells.iter().map(|c| csv_field(c, delimiter)).collect();
            let record = cells.join(&delimiter.to_string());
            text.push_str(&record);
            text.push_str(newline);
            row.line = line;
            line += 1 + record.matches('\n').count() as u64;
        }
        // Rejected rows in file order: (line, column, reason).
        let samples = rows
            .iter()
            .filter_map(|r| match r.rejected {
                Some("") | None => None,
                Some(reason) => {
                    let column = match reason {
                        "missingCustomer" => "customer_id",
                        "missingTime" | "badTime" => "order_date",
                        _ => "amount",
                    };
                    Some((r.line, column.to_string(), reason.to_string()))
                }
            })
            .collect();

        // Merge lines into orders: amount = sum, time = earliest line, status = first non-blank
        // in file order (SPEC §1, §11).
        let mut merged: BTreeMap<(usize, usize), MOrder> = BTreeMap::new();
        let mut statuses: BTreeMap<(usize, usize), Option<usize>> = BTreeMap::new();
        let mut rejected: BTreeMap<String, u64> = BTreeMap::new();
        let mut count = 0u64;
        for (pos, row) in rows.iter().enumerate() {
            match row.rejected {
                Some("") => continue,
                Some(reason) => *rejected.entry(reason.to_string()).or_default() += 1,
                None => {}
            }
            count += 1;
            let Some(key) = row.order else { continue };
            let o = merged.entry(key).or_insert(MOrder {
                customer: key.0,
                time: NaiveDateTime::MAX,
                cents: 0,
                cancelled: false,
                first_pos: pos,
            });
            o.cents += row.cents;
            if let Some(t) = row.time {
                o.time = o.time.min(t);
            }
            let status = statuses.entry(key).or_insert(None);
            if status.is_none() {
                *status = row.status;
            }
        }
        let orders = merged
            .into_iter()
            .map(|(key, mut o)| {
                assert!(
                    o.time < NaiveDateTime::MAX,
                    "generated orders always have a time"
                );
                o.cancelled = statuses[&key].is_some_and(|s| STATUSES[s].1);
                o
            })
            .collect();
        let model = Model {
            orders,
            rows: count,
            rejected,
            as_of: self.as_of(),
            with_order_id: self.with_order_id,
            date_order,
            delimiter,
            samples,
        };
        (text.into_bytes(), model)
    }
}

// ---------------------------------------------------------------------------------------------
// Calendar, with chrono
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum G {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

const GRAINS: [(G, &str, i64); 5] = [
    (G::Day, "day", 1),
    (G::Week, "week", 7),
    (G::Month, "month", 30),
    (G::Quarter, "quarter", 91),
    (G::Year, "year", 365),
];

/// First day of the period holding `d`.
fn period_start(g: G, d: NaiveDate) -> NaiveDate {
    match g {
        G::Day => d,
        G::Week => {
            let w = d.iso_week();
            NaiveDate::from_isoywd_opt(w.year(), w.week(), Weekday::Mon).unwrap()
        }
        G::Month => month_start(d),
        G::Quarter => NaiveDate::from_ymd_opt(d.year(), (d.month() - 1) / 3 * 3 + 1, 1).unwrap(),
        G::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap(),
    }
}

/// First day of the k-th period after the one starting at `start`.
fn advance(g: G, start: NaiveDate, k: i64) -> NaiveDate {
    let months = |n: i64| start.checked_add_months(Months::new(n as u32)).unwrap();
    match g {
        G::Day => start + TimeDelta::days(k),
        G::Week => start + TimeDelta::days(7 * k),
        G::Month => months(k),
        G::Quarter => months(3 * k),
        G::Year => months(12 * k),
    }
}

/// Periods from the one starting at `a` to the one starting at `b`.
fn periods_between(g: G, a: NaiveDate, b: NaiveDate) -> i64 {
    let months = i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
    match g {
        G::Day => (b - a).num_days(),
        G::Week => (b - a).num_days() / 7,
        G::Month => months,
        G::Quarter => months / 3,
        G::Year => months / 12,
    }
}

fn label(g: G, start: NaiveDate) -> String {
    match g {
        G::Day | G::Week => start.format("%Y-%m-%d").to_string(),
        G::Month => start.format("%Y-%m").to_string(),
        G::Quarter => format!("{:04}-Q{}", start.year(), (start.month() - 1) / 3 + 1),
        G::Year => format!("{:04}", start.year()),
    }
}

fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

// ---------------------------------------------------------------------------------------------
// The reference
// ---------------------------------------------------------------------------------------------

struct Buyer {
    customer: usize,
    /// Purchases in the counting unit: (time, cents).
    units: Vec<(NaiveDateTime, i64)>,
    /// Every order before E, in time order.
    orders: Vec<MOrder>,
    revenue: i64,
    first: NaiveDateTime,
    last: NaiveDateTime,
}

#[derive(Default)]
struct Diffs(Vec<String>);

impl Diffs {
    fn eq<T: PartialEq + Debug>(&mut self, path: &str, got: T, want: T) {
        if got != want {
            self.0.push(format!("{path}: got {got:?}, want {want:?}"));
        }
    }

    fn close(&mut self, path: &str, got: Option<f64>, want: Option<f64>) {
        let ok = match (got, want) {
            (Some(g), Some(w)) => (g - w).abs() <= 1e-9 * g.abs().max(w.abs()).max(1.0),
            (None, None) => true,
            _ => false,
        };
        if !ok {
            self.0.push(format!("{path}: got {got:?}, want {want:?}"));
        }
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0).then(|| a / b)
}

/// numpy's default percentile (linear interpolation between closest ranks).
fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

/// Quantile score (§6): min(5, 1 + floor(5·w/n)), w = customers strictly worse.
fn quantile_scores<T: PartialOrd>(values: &[T], worse: impl Fn(&T, &T) -> bool) -> Vec<usize> {
    let n = values.len();
    values
        .iter()
        .map(|v| {
            let w = values.iter().filter(|x| worse(x, v)).count();
            (1 + 5 * w / n).min(5)
        })
        .collect()
}

/// An inclusive range of scores.
type Scores = (usize, usize);

/// rf10 (§6): (segment, R range, F range), in report order.
const RF10: [(&str, Scores, Scores); 10] = [
    ("champions", (5, 5), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("potentialLoyalists", (4, 5), (2, 3)),
    ("newCustomers", (5, 5), (1, 1)),
    ("promising", (4, 4), (1, 1)),
    ("needAttention", (3, 3), (3, 3)),
    ("aboutToSleep", (3, 3), (1, 2)),
    ("cantLoseThem", (1, 2), (5, 5)),
    ("atRisk", (1, 2), (3, 4)),
    ("hibernating", (1, 2), (1, 2)),
];

/// One row of the per-customer export: (recency, purchases, [r, f, m], segment).
type Exported = (i64, usize, [usize; 3], String);

/// Compares the engine's Report and per-customer export (customer id → row) with the
/// reference; returns every difference.
fn check_report(
    case: &Case,
    model: &Model,
    r: &Report,
    export: &BTreeMap<String, Exported>,
) -> Vec<String> {
    let mut d = Diffs::default();
    let o = &case.options;
    let (cg, cohort_grain, length) = GRAINS[o.cohort_grain];
    let (pg, period_grain, _) = GRAINS[o.period_grain];

    // Ingest (§1, §11).
    let rejected_total: u64 = model.rejected.values().sum();
    d.eq("ingest.rows", r.ingest.rows, model.rows);
    d.eq(
        "ingest.accepted",
        r.ingest.accepted,
        model.rows - rejected_total,
    );
    d.eq("ingest.rejected", &r.ingest.rejected, &model.rejected);
    let mut mapping: BTreeMap<String, String> = [
        ("customer", "customer_id"),
        ("time", "order_date"),
        ("amount", "amount"),
        ("status", "status"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    if model.with_order_id {
        mapping.insert("order".into(), "order_id".into());
    }
    d.eq("ingest.mapping", &r.ingest.mapping, &mapping);
    d.eq(
        "ingest.dateOrder",
        r.ingest.date_order.as_str(),
        model.date_order,
    );
    let samples: Vec<(u64, String, String)> = r
        .ingest
        .samples
        .iter()
        .map(|s| (s.line, s.column.clone(), s.reason.name().to_string()))
        .collect();
    d.eq("ingest.samples", samples, model.samples.clone());
    // The delimiter as the Report spells it: the character, or `\t` written out.
    let tab = model.delimiter == '\t' && r.ingest.delimiter == "\\t";
    if r.ingest.delimiter != model.delimiter.to_string() && !tab {
        d.0.push(format!(
            "ingest.delimiter: got {:?}, want {:?}",
            r.ingest.delimiter, model.delimiter
        ));
    }

    // E: asOf, or the day after the last order's day; orders at or after E are ignored (§1).
    let last_any = model
        .orders
        .iter()
        .map(|o| o.time)
        .max()
        .expect("some order");
    let e = model
        .as_of
        .unwrap_or_else(|| midnight(last_any.date() + TimeDelta::days(1)));
    let kept: Vec<&MOrder> = model.orders.iter().filter(|o| o.time < e).collect();

    // Customers (§2) and purchases in the counting unit (§1).
    let mut by_customer: BTreeMap<usize, Vec<MOrder>> = BTreeMap::new();
    for o in &kept {
        by_customer
            .entry(o.customer)
            .or_default()
            .push((*o).clone());
    }
    let o_by_day = o.count_by_day;
    let mut buyers: Vec<Buyer> = Vec::new();
    let mut non_buyers = 0u64;
    for (customer, mut orders) in by_customer {
        orders.sort_by_key(|o| (o.time, o.first_pos));
        let mut units: Vec<(NaiveDateTime, i64)> = Vec::new();
        for o in orders.iter().filter(|o| o.cents > 0 && !o.cancelled) {
            match units.last_mut() {
                // With `countBy: "day"`, purchases on one calendar day are one (§1).
                Some(last) if o_by_day && last.0.date() == o.time.date() => last.1 += o.cents,
                _ => units.push((o.time, o.cents)),
            }
        }
        if units.is_empty() {
            non_buyers += 1;
            continue;
        }
        buyers.push(Buyer {
            customer,
            first: units[0].0,
            last: units[units.len() - 1].0,
            revenue: orders.iter().map(|o| o.cents).sum(),
            units,
            orders,
        });
    }
    let n = buyers.len();
    let nf = n as f64;

    // Summary (§2, §3, §11).
    let s = &r.summary;
    let purchases: usize = buyers.iter().map(|b| b.units.len()).sum();
    let repeaters = buyers.iter().filter(|b| b.units.len() >= 2).count();
    d.eq("summary.customers", s.customers, n as u64);
    d.eq("summary.nonBuyers", s.non_buyers, non_buyers);
    d.eq("summary.orders", s.orders, kept.len() as u64);
    d.eq("summary.purchases", s.purchases, purchases as u64);
    d.close(
        "summary.revenue",
        s.revenue,
        Some(kept.iter().map(|o| o.cents).sum::<i64>() as f64 / 100.0),
    );
    d.eq("summary.asOf", s.as_of.clone(), stamp(e));
    d.eq(
        "summary.firstOrder",
        s.first_order.clone(),
        kept.iter().map(|o| o.time).min().map(stamp),
    );
    d.eq(
        "summary.lastOrder",
        s.last_order.clone(),
        kept.iter().map(|o| o.time).max().map(stamp),
    );
    d.close(
        "summary.repurchaseRate",
        s.repurchase_rate,
        ratio(repeaters as f64, nf),
    );
    d.close(
        "summary.purchasesPerCustomer",
        s.purchases_per_customer,
        ratio(purchases as f64, nf),
    );
    let purchase_cents: i64 = buyers.iter().flat_map(|b| &b.units).map(|u| u.1).sum();
    d.close(
        "summary.averageOrderValue",
        s.average_order_value,
        ratio(purchase_cents as f64 / 100.0, purchases as f64),
    );
    let buyer_cents: i64 = buyers.iter().map(|b| b.revenue).sum();
    d.close(
        "summary.revenuePerCustomer",
        s.revenue_per_customer,
        ratio(buyer_cents as f64 / 100.0, nf),
    );

    // Rates and churn per period (§3, §8, §11).
    d.eq("rates.grain", r.rates.grain.as_str(), period_grain);
    if n == 0 {
        d.eq("rates.periods.len", r.rates.periods.len(), 0);
        d.eq("cohorts.rows.len", r.cohorts.rows.len(), 0);
    } else {
        let first_all = buyers.iter().map(|b| b.first).min().unwrap();
        let p0 = period_start(pg, first_all.date());
        let p_end = period_start(pg, (e - TimeDelta::seconds(1)).date()).max(p0);
        let count = periods_between(pg, p0, p_end) + 1;
        d.eq("rates.periods.len", r.rates.periods.len() as i64, count);
        let mut previous: BTreeSet<usize> = BTreeSet::new();
        for i in 0..count {
            let start = advance(pg, p0, i);
            let in_p = |t: NaiveDateTime| period_start(pg, t.date()) == start;
            let mut now = BTreeSet::new();
            let (mut repeat, mut returning) = (0u64, 0u64);
            for (bi, b) in buyers.iter().enumerate() {
                let k = b.units.iter().filter(|u| in_p(u.0)).count();
                if k > 0 {
                    now.insert(bi);
                    repeat += u64::from(k >= 2);
                    returning += u64::from(b.first < midnight(start));
                }
            }
            let buyers_p = now.len() as f64;
            let churned = previous.difference(&now).count() as f64;
            let want_churn = if i == 0 {
                None
            } else {
                ratio(churned, previous.len() as f64)
            };
            let path = format!("rates.periods[{i}]");
            let Some(got) = r.rates.periods.get(i as usize) else {
                break;
            };
            d.eq(
                &format!("{path}.period"),
                got.period.clone(),
                label(pg, start),
            );
            d.eq(&format!("{path}.buyers"), got.buyers, now.len() as u64);
            d.eq(&format!("{path}.repeatBuyers"), got.repeat_buyers, repeat);
            d.eq(
                &format!("{path}.returningBuyers"),
                got.returning_buyers,
                returning,
            );
            d.close(
                &format!("{path}.periodRepurchaseRate"),
                got.period_repurchase_rate,
                ratio(repeat as f64, buyers_p),
            );
            d.close(
                &format!("{path}.returningRate"),
                got.returning_rate,
                ratio(returning as f64, buyers_p),
            );
            d.close(&format!("{path}.churnRate"), got.churn_rate, want_churn);
            previous = now;
        }

        check_cohorts(&mut d, cg, cohort_grain, length, o.relative, e, &buyers, r);
    }

    // Funnel (§5).
    let depth = o.funnel_depth as usize;
    d.eq("funnel.steps.len", r.funnel.steps.len(), depth);
    for (i, step) in r.funnel.steps.iter().enumerate() {
        let k = i + 1;
        let reached = |k: usize| buyers.iter().filter(|b| b.units.len() >= k).count();
        let path = format!("funnel.steps[n={k}]");
        d.eq(&format!("{path}.n"), step.n as usize, k);
        d.eq(
            &format!("{path}.reached"),
            step.reached as usize,
            reached(k),
        );
        d.close(
            &format!("{path}.conversion"),
            step.conversion,
            ratio(reached(k + 1) as f64, reached(k) as f64),
        );
        let mut gaps: Vec<f64> = buyers
            .iter()
            .filter(|b| b.units.len() > k)
            .map(|b| (b.units[k].0 - b.units[k - 1].0).num_seconds() as f64 / 86_400.0)
            .collect();
        gaps.sort_by(f64::total_cmp);
        let g = &step.gap_days;
        d.close(&format!("{path}.median"), g.median, percentile(&gaps, 0.5));
        d.close(&format!("{path}.p25"), g.p25, percentile(&gaps, 0.25));
        d.close(&format!("{path}.p75"), g.p75, percentile(&gaps, 0.75));
        d.close(
            &format!("{path}.mean"),
            g.mean,
            ratio(gaps.iter().sum::<f64>(), gaps.len() as f64),
        );
    }
    let windows: Vec<u32> = if o.windows.is_empty() {
        vec![7, 30, 60, 90, 180, 365]
    } else {
        o.windows.clone()
    };
    d.eq(
        "funnel.repurchaseWithin.len",
        r.funnel.repurchase_within.len(),
        windows.len(),
    );
    for (w, &days) in r.funnel.repurchase_within.iter().zip(&windows) {
        let window = TimeDelta::days(i64::from(days));
        let eligible: Vec<&Buyer> = buyers.iter().filter(|b| b.first + window <= e).collect();
        let repurchased = eligible
            .iter()
            .filter(|b| b.units.len() >= 2 && b.units[1].0 - b.first <= window)
            .count();
        let path = format!("funnel.repurchaseWithin[days={days}]");
        d.eq(&format!("{path}.days"), w.days, days);
        d.eq(
            &format!("{path}.eligible"),
            w.eligible as usize,
            eligible.len(),
        );
        d.eq(
            &format!("{path}.repurchased"),
            w.repurchased as usize,
            repurchased,
        );
        d.close(
            &format!("{path}.rate"),
            w.rate,
            ratio(repurchased as f64, eligible.len() as f64),
        );
    }
    let edges = [0i64, 1, 7, 14, 30, 60, 90, 180, 365];
    let mut histogram = [0u64; 9];
    for b in buyers.iter().filter(|b| b.units.len() >= 2) {
        let gap = (b.units[1].0 - b.units[0].0).num_seconds();
        let bin = edges.iter().rposition(|&x| gap >= x * DAY).unwrap();
        histogram[bin] += 1;
    }
    let got: Vec<(u32, Option<u32>, u64)> = r
        .funnel
        .histogram
        .iter()
        .map(|h| (h.from_days, h.to_days, h.customers))
        .collect();
    let want: Vec<(u32, Option<u32>, u64)> = (0..9)
        .map(|i| {
            (
                edges[i] as u32,
                edges.get(i + 1).map(|&x| x as u32),
                histogram[i],
            )
        })
        .collect();
    d.eq("funnel.histogram", got, want);

    // RFM (§6): quantile scores, the grid and the rf10 segments.
    let recency: Vec<i64> = buyers
        .iter()
        .map(|b| (e.date() - b.last.date()).num_days().max(1))
        .collect();
    let frequency: Vec<usize> = buyers.iter().map(|b| b.units.len()).collect();
    let monetary: Vec<i64> = buyers.iter().map(|b| b.revenue).collect();
    // Silent customers (§8): recency > silentDays (default 90).
    let silent: Vec<usize> = (0..n).filter(|&i| recency[i] > 90).collect();
    d.eq("churn.silent", r.churn.silent as usize, silent.len());
    d.close(
        "churn.silentRevenue",
        r.churn.silent_revenue,
        Some(silent.iter().map(|&i| buyers[i].revenue).sum::<i64>() as f64 / 100.0),
    );
    d.close(
        "churn.silentShare",
        r.churn.silent_share,
        ratio(silent.len() as f64, nf),
    );
    let rs = quantile_scores(&recency, |x, v| x > v);
    let fs = quantile_scores(&frequency, |x, v| x < v);
    // Exact money: equal revenues are ties (§11).
    let ms = quantile_scores(&monetary, |x, v| x < v);
    let mut grid = [[0u64; 5]; 5];
    let mut segments = [0u64; 10];
    d.eq("export.rows", export.len(), n);
    for i in 0..n {
        grid[rs[i] - 1][fs[i] - 1] += 1;
        let seg = RF10
            .iter()
            .position(|(_, (r0, r1), (f0, f1))| {
                (*r0..=*r1).contains(&rs[i]) && (*f0..=*f1).contains(&fs[i])
            })
            .expect("rf10 covers every pair");
        segments[seg] += 1;
        let id = case.id(buyers[i].customer);
        let want = (
            recency[i],
            frequency[i],
            [rs[i], fs[i], ms[i]],
            RF10[seg].0.to_string(),
        );
        d.eq(&format!("export[{id}]"), export.get(id), Some(&want));
    }
    d.eq("rfm.grid", r.rfm.grid, grid);
    let got: Vec<(String, u64)> = r
        .rfm
        .segments
        .iter()
        .map(|s| (s.segment.clone(), s.customers))
        .collect();
    let want: Vec<(String, u64)> = RF10
        .iter()
        .zip(segments)
        .map(|((name, _, _), c)| (name.to_string(), c))
        .collect();
    d.eq("rfm.segments", got, want);
    d.0
}

/// The cohort table (§4, §11).
#[allow(clippy::too_many_arguments)]
fn check_cohorts(
    d: &mut Diffs,
    g: G,
    grain: &str,
    length_days: i64,
    relative: bool,
    e: NaiveDateTime,
    buyers: &[Buyer],
    r: &Report,
) {
    let c = &r.cohorts;
    d.eq("cohorts.grain", c.grain.as_str(), grain);
    d.eq(
        "cohorts.alignment",
        c.alignment.as_str(),
        if relative { "relative" } else { "calendar" },
    );
    let length = TimeDelta::days(length_days);
    let mut cohorts: BTreeMap<NaiveDate, Vec<&Buyer>> = BTreeMap::new();
    for b in buyers {
        cohorts
            .entry(period_start(g, b.first.date()))
            .or_default()
            .push(b);
    }
    let earliest = *cohorts.keys().next().unwrap();
    let first_all = buyers.iter().map(|b| b.first).min().unwrap();
    // K: the last index with a cell that is not absent, which the earliest cohort reaches.
    let mut k_max = 0i64;
    if relative {
        while first_all + length * (k_max as i32 + 1) < e {
            k_max += 1;
        }
    } else {
        while midnight(advance(g, earliest, k_max + 1)) < e {
            k_max += 1;
        }
    }
    // Period index of time t for a buyer (negative before the cohort / first purchase).
    let index = |cs: NaiveDate, b: &Buyer, t: NaiveDateTime| -> i64 {
        if relative {
            (t - b.first).num_seconds().div_euclid(length.num_seconds())
        } else {
            periods_between(g, cs, period_start(g, t.date()))
        }
    };
    d.eq("cohorts.rows.len", c.rows.len(), cohorts.len());
    let labels: Vec<String> = c.rows.iter().map(|row| row.cohort.clone()).collect();
    let want_labels: Vec<String> = cohorts.keys().map(|&cs| label(g, cs)).collect();
    d.eq("cohorts.rows[*].cohort", labels, want_labels);
    let mut avg_active = vec![0u64; k_max as usize + 1];
    let mut avg_eligible = vec![0u64; k_max as usize + 1];
    for (&cs, members) in &cohorts {
        let name = label(g, cs);
        let Some(row) = c.rows.iter().find(|row| row.cohort == name) else {
            continue;
        };
        let path = format!("cohorts.rows[cohort={name}]");
        let size = members.len() as u64;
        d.eq(&format!("{path}.size"), row.size, size);
        d.eq(
            &format!("{path}.cells.len"),
            row.cells.len() as i64,
            k_max + 1,
        );
        let mut cumulative = 0i64;
        for (k, got) in row.cells.iter().enumerate() {
            let ki = k as i64;
            let path = format!("{path}.cells[{k}]");
            let orders: Vec<&MOrder> = members
                .iter()
                .flat_map(|b| b.orders.iter().filter(move |o| index(cs, b, o.time) == ki))
                .collect();
            let revenue: i64 = orders.iter().map(|o| o.cents).sum();
            cumulative += revenue;
            let active = members
                .iter()
                .filter(|b| b.units.iter().any(|u| index(cs, b, u.0) == ki))
                .count() as u64;
            let rolling_later = members
                .iter()
                .filter(|b| b.units.iter().any(|u| index(cs, b, u.0) >= ki))
                .count() as u64;
            let (eligible, partial) = if relative {
                let eligible: Vec<&&Buyer> = members
                    .iter()
                    .filter(|b| b.first + length * (k as i32) < e)
                    .collect();
                let partial = eligible
                    .iter()
                    .any(|b| b.first + length * (k as i32 + 1) > e);
                (eligible.len() as u64, partial)
            } else if midnight(advance(g, cs, ki)) >= e {
                (0, false)
            } else {
                (size, midnight(advance(g, cs, ki + 1)) > e)
            };
            let Some(cell) = got else {
                if eligible != 0 {
                    d.0.push(format!(
                        "{path}: got null, want a cell (eligible {eligible})"
                    ));
                }
                continue;
            };
            if eligible == 0 {
                d.0.push(format!("{path}: got a cell, want null"));
                continue;
            }
            avg_active[k] += active;
            avg_eligible[k] += eligible;
            d.eq(&format!("{path}.k"), cell.k as usize, k);
            d.eq(&format!("{path}.active"), cell.active, active);
            d.eq(&format!("{path}.eligible"), cell.eligible, eligible);
            d.eq(&format!("{path}.partial"), cell.partial, partial);
            d.close(
                &format!("{path}.retention"),
                cell.retention,
                ratio(active as f64, eligible as f64),
            );
            let rolling = if k == 0 { eligible } else { rolling_later };
            d.eq(
                &format!("{path}.rollingActive"),
                cell.rolling_active,
                rolling,
            );
            d.eq(
                &format!("{path}.orders"),
                cell.orders as usize,
                orders.len(),
            );
            d.close(
                &format!("{path}.revenue"),
                cell.revenue,
                Some(revenue as f64 / 100.0),
            );
            d.close(
                &format!("{path}.cumulativeRevenuePerCustomer"),
                cell.cumulative_revenue_per_customer,
                Some(cumulative as f64 / 100.0 / size as f64),
            );
        }
    }
    d.eq("cohorts.average.len", c.average.len() as i64, k_max + 1);
    for (k, cell) in c.average.iter().enumerate().take(avg_active.len()) {
        let path = format!("cohorts.average[{k}]");
        d.eq(&format!("{path}.k"), cell.k as usize, k);
        d.eq(&format!("{path}.eligible"), cell.eligible, avg_eligible[k]);
        d.close(
            &format!("{path}.retention"),
            cell.retention,
            ratio(avg_active[k] as f64, avg_eligible[k] as f64),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(common::proptest_config(96))]

    /// Every checked figure equals the brute-force reference's.
    #[test]
    fn report_matches_reference(case in case()) {
        let (bytes, model) = case.materialise();
        let options_json = case.options_json();
        let options = Options::from_json(&options_json).expect("generated options are valid");
        let result = Analysis::run(&bytes, &options);
        let text = String::from_utf8_lossy(&bytes);
        if model.orders.is_empty() {
            // Every row rejected (blank amounts without an order column).
            let e = result.err().map(|e| e.code());
            prop_assert_eq!(e, Some("AllRowsRejected"), "\n{}", text);
            return Ok(());
        }
        let analysis = match result {
            Ok(a) => a,
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "analyze failed: {} {e}\noptions: {options_json}\n{text}",
                    e.code()
                )))
            }
        };
        let export = exported(&analysis.customers_csv().expect("customers CSV"));
        let diffs = check_report(&case, &model, &analysis.report, &export);
        prop_assert!(
            diffs.is_empty(),
            "{} differences:\n  {}\noptions: {}\ncsv:\n{}",
            diffs.len(),
            diffs.join("\n  "),
            options_json,
            text
        );
    }
}

/// The per-customer export, by customer id.
fn exported(csv: &[u8]) -> BTreeMap<String, Exported> {
    let mut reader = csv::Reader::from_reader(csv);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column in {header:?}"))
    };
    let (c, recency, purchases, r, f, m, segment) = (
        col("customer"),
        col("recency"),
        col("purchases"),
        col("r"),
        col("f"),
        col("m"),
        col("segment"),
    );
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            let num = |i: usize| row[i].parse::<usize>().unwrap();
            let scores = [num(r), num(f), num(m)];
            let value = (
                row[recency].parse().unwrap(),
                num(purchases),
                scores,
                row[segment].to_string(),
            );
            (row[c].to_string(), value)
        })
        .collect()
}

/// `Ok` or `Err`, never a panic; an `Ok` report accounts for every row, and its exports work.
fn total(bytes: &[u8], options: &Options) -> Result<(), TestCaseError> {
    match Analysis::run(bytes, options) {
        Ok(a) => {
            let i = &a.report.ingest;
            let rejected: u64 = i.rejected.values().sum();
            prop_assert_eq!(i.accepted + rejected, i.rows, "ingest totals: {:?}", i);
            prop_assert!(i.accepted > 0);
            prop_assert!(serde_json::to_string(&a.report).is_ok());
            prop_assert!(a.customers_csv().is_ok());
        }
        Err(e) => prop_assert!(!e.code().is_empty() && !e.to_string().is_empty()),
    }
    Ok(())
}

/// Bytes that CSV and date parsers find interesting.
const ALPHABET: &[u8] = b",,,;\t\n\n\r\"\"= -:/.0123456789012345678920Tcustomer_idorderdateamount\xef\xbb\xbf\xe5\xb9\xb4\xff\x00";

proptest! {
    #![proptest_config(common::proptest_config(128))]

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop_oneof![vec(any::<u8>(), 0..300), vec(select(ALPHABET.to_vec()), 0..300)],
        prefix in select(vec![
            "",
            "customer_id,order_date,amount\n",
            "customer_id,order_id,order_date,amount,status\n",
            "\u{feff}customer_id;order_date;amount\r\n",
        ]),
    ) {
        let mut input = prefix.as_bytes().to_vec();
        input.extend_from_slice(&bytes);
        total(&input, &Options::default())?;
    }

    #[test]
    fn mutated_csv_never_panics(
        case in case(),
        mutations in vec((any::<Index>(), 0..5usize, any::<u8>(), select(ALPHABET.to_vec())), 1..6),
    ) {
        let (mut bytes, _) = case.materialise();
        for (at, op, byte, interesting) in mutations {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes[i] = interesting,
                2 => bytes.insert(i, interesting),
                3 => {
                    bytes.remove(i);
                }
                _ => bytes.truncate(i),
            }
        }
        total(&bytes, &Options::default())?;
        // The case's options too, with yearly grains: a mutated year (2020 → 9020) would give
        // millions of daily cells, a cost question rather than a correctness one.
        let mut options = Options::from_json(&case.options_json()).unwrap();
        options.cohort_grain = Grain::Year;
        options.period_grain = Grain::Year;
        total(&bytes, &options)?;
    }
}
