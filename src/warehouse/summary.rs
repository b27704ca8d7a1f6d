//! The Report from the summary tables the warehouse SQL returns ([`super::sql`]): one long
//! CSV table, each row a `part` with keys, integers, floats and exact amounts. The rules are
//! the metrics' own (SPEC §2–§9, §12–§13); what a summary cannot hold is said in the Report's
//! `warehouse` note.

use std::collections::BTreeMap;

use super::sql::COLUMNS;
use crate::clv::{fit_gamma_gamma_counted, warm_start_sample_counted, FitData};
use crate::error::{Error, ErrorKind, Result};
use crate::metrics::breakdown::{self, wilson, OTHER};
use crate::metrics::rates::{grain_name, MAX_PERIODS};
use crate::metrics::rfm::{self, rf10_name, segment_names, CN8};
use crate::metrics::{ratio, to_f64};
use crate::options::{
    Alignment, Attribution, BreakdownSpec, ClvModel, ClvUnit, Options, RfmScheme,
};
use crate::period::{format_time, DAY};
use crate::report::*;

/// The largest integer a summary cell may hold (2^53 − 1, the Report's exact integers): sums
/// of such values are taken saturating, so no row, however many, overflows.
const MAX_INTEGER: i64 = (1 << 53) - 1;

/// One row of the result.
#[derive(Debug, Clone, Default)]
struct Row {
    /// The row's line in the summary (the header is line 1).
    line: u64,
    key: Option<String>,
    key2: Option<String>,
    i: [Option<i64>; 8],
    f: [Option<f64>; 4],
    m: [Option<i128>; 2],
}

impl Row {
    fn int(&self, n: usize) -> i64 {
        self.i[n - 1].unwrap_or(0)
    }
    fn count(&self, n: usize) -> u64 {
        self.int(n).max(0) as u64
    }
    fn float(&self, n: usize) -> Option<f64> {
        self.f[n - 1]
    }
    fn money(&self, n: usize) -> i128 {
        self.m[n - 1].unwrap_or(0)
    }
    fn key(&self) -> String {
        self.key.clone().unwrap_or_default()
    }
}

fn bad(en: String, zh: String) -> Error {
    Error::new(ErrorKind::BadSummary, en, zh)
}

/// A cell whose number the warehouse SQL cannot have written.
fn out_of_range(row: &Row, column: &str, text: &str) -> Error {
    bad(
        format!(
            "summary row {}, column {column}: {text:?} is out of range: it must be the result table of the warehouse SQL",
            row.line
        ),
        format!(
            "汇总第 {} 行，列 {column}：{text:?} 超出范围：应为仓库 SQL 的结果表",
            row.line
        ),
    )
    .at(Some(row.line), Some(column))
}

/// Times (epoch seconds) the engine reads: years 1 to 9999, as `asOf` (SPEC §1).
fn check_time(row: &Row, n: usize) -> Result<()> {
    // 0001-01-01 and 10000-01-01 as seconds.
    const RANGE: std::ops::Range<i64> = -62_135_596_800..253_402_300_800;
    match row.i[n - 1] {
        Some(t) if !RANGE.contains(&t) => Err(out_of_range(row, COLUMNS[2 + n], &t.to_string())),
        _ => Ok(()),
    }
}

/// An exact decimal (`-12.345`, `1e3` refused) → micros.
fn micros(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 6
        || whole.len() > 30
    {
        return None;
    }
    let whole: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut frac: i128 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    for _ in fraction.len()..6 {
        frac *= 10;
    }
    let value = whole * 1_000_000 + frac;
    Some(if negative { -value } else { value })
}

/// The records of a CSV text (RFC 4180 quoting, comma-separated), each as its fields.
fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut reader = csv_core::Reader::new();
    let mut input = bytes;
    let (mut out, mut ends) = (vec![0u8; 1 << 16], vec![0usize; 64]);
    // csv_core fills `out` and `ends` from these positions; a record's field ends count from
    // the start of its output, across the calls that grow the buffers.
    let (mut out_len, mut ends_len) = (0, 0);
    let mut records = Vec::new();
    loop {
        let (result, read, written, n_ends) =
            reader.read_record(input, &mut out[out_len..], &mut ends[ends_len..]);
        input = &input[read..];
        out_len += written;
        ends_len += n_ends;
        match result {
            csv_core::ReadRecordResult::InputEmpty => {}
            csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::Record => {
                let mut start = 0;
                let fields = ends[..ends_len]
                    .iter()
                    .map(|&end| {
                        let field = String::from_utf8_lossy(&out[start..end]).into_owned();
                        start = end;
                        field
                    })
                    .collect();
                records.push(fields);
                (out_len, ends_len) = (0, 0);
            }
            csv_core::ReadRecordResult::End => break,
        }
    }
    records
}

/// The sum of counts (negative ones as 0), saturating.
fn total(counts: impl Iterator<Item = i64>) -> u64 {
    counts.fold(0u64, |sum, v| sum.saturating_add(v.max(0) as u64))
}

/// The parts of a summary, by name.
struct Parts(BTreeMap<String, Vec<Row>>);

impl Parts {
    fn read(bytes: &[u8]) -> Result<Parts> {
        let records = csv_records(bytes);
        let mut records = records
            .into_iter()
            .filter(|r| r.iter().any(|f| !f.is_empty()));
        let header = records.next().ok_or_else(|| {
            bad(
                "the summary is empty: it must be the result table of the warehouse SQL, saved as CSV with its header".into(),
                "汇总为空：应为仓库 SQL 的结果表，存为带表头的 CSV".into(),
            )
        })?;
        let position = |name: &str| header.iter().position(|h| h.trim() == name);
        let columns: Vec<usize> = COLUMNS
            .iter()
            .map(|c| {
                position(c).ok_or_else(|| {
                    bad(
                        format!("the summary has no column {c:?}: it must be the result table of the warehouse SQL"),
                        format!("汇总缺少列 {c:?}：应为仓库 SQL 的结果表"),
                    )
                })
            })
            .collect::<Result<_>>()?;
        let mut parts: BTreeMap<String, Vec<Row>> = BTreeMap::new();
        for (line, record) in records.enumerate() {
            let cell = |c: usize| record.get(columns[c]).map(|s| s.trim()).unwrap_or("");
            let fail = |c: usize| {
                let column = COLUMNS[c];
                bad(
                    format!(
                        "summary row {}, column {column}: {:?} is not a number",
                        line + 2,
                        cell(c)
                    ),
                    format!(
                        "汇总第 {} 行，列 {column}：{:?} 不是数字",
                        line + 2,
                        cell(c)
                    ),
                )
                .at(Some(line as u64 + 2), Some(column))
            };
            let text = |c: usize| Some(cell(c).to_string()).filter(|s| !s.is_empty());
            let mut row = Row {
                line: line as u64 + 2,
                key: text(1),
                key2: text(2),
                ..Row::default()
            };
            for n in 0..8 {
                let c = 3 + n;
                if !cell(c).is_empty() {
                    let value: i64 = cell(c).parse().map_err(|_| fail(c))?;
                    if !(-MAX_INTEGER..=MAX_INTEGER).contains(&value) {
                        return Err(out_of_range(&row, COLUMNS[c], cell(c)));
                    }
                    row.i[n] = Some(value);
                }
            }
            for n in 0..4 {
                let c = 11 + n;
                if !cell(c).is_empty() {
                    row.f[n] = Some(match cell(c) {
                        "NaN" | "nan" => f64::NAN,
                        s => s.parse().map_err(|_| fail(c))?,
                    });
                }
            }
            for n in 0..2 {
                let c = 15 + n;
                if !cell(c).is_empty() {
                    row.m[n] = Some(micros(cell(c)).ok_or_else(|| fail(c))?);
                }
            }
            parts.entry(cell(0).to_string()).or_default().push(row);
        }
        Ok(Parts(parts))
    }

    fn get(&self, name: &str) -> &[Row] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }

    fn one(&self, name: &str) -> Result<&Row> {
        self.get(name).first().ok_or_else(|| {
            bad(
                format!("the summary has no {name:?} row: it must be the whole result of the warehouse SQL"),
                format!("汇总缺少 {name:?} 行：应为仓库 SQL 的完整结果"),
            )
        })
    }
}

/// The grids the SQL binned the CLV statistics on (`sql::clv`): 1 day and 0 are exact.
#[derive(Clone, Copy)]
struct ClvBinning {
    days: i64,
    value_millionths: i64,
}

impl ClvBinning {
    fn of(parts: &Parts) -> ClvBinning {
        let widest = |part: &str, n: usize| parts.get(part).iter().map(|r| r.int(n)).max();
        ClvBinning {
            days: widest("clv_days", 5).unwrap_or(1),
            value_millionths: widest("clv_value", 3).unwrap_or(0),
        }
    }
}

/// What the Report built from a summary can and cannot say: the sections that equal the file
/// path's, and those that do not, with why (in the options' language: a page shows it as is).
fn note(locale: crate::Locale, binning: ClvBinning) -> WarehouseNote {
    let say = |en: &str, zh: &str| if locale == crate::Locale::Zh { zh } else { en }.to_string();
    let mut clv_why = say(
        "fitted from the compressed (x, t_x, T) counts and (x, repeat value) pairs: the same likelihood as the file path, so the same optimum to the optimiser's tolerance; per-customer figures (customers, totals, bySegment, byCohort, pAliveHistogram) and the calibration check need every customer and are left out",
        "由压缩的 (x, t_x, T) 计数和 (x, 复购金额) 对拟合：与文件路径相同的似然，因此在优化器容差内得到相同的最优解；逐客户的数字（customers、totals、bySegment、byCohort、pAliveHistogram）和校准检验需要每位客户，因此省略",
    );
    if binning.days > 1 {
        clv_why.push_str(&if locale == crate::Locale::Zh {
            format!("。顾客太多，精确的 (x, t_x, T) 无法放进小结果：t_x 和 T 按 {} 天分格，每格取其顾客的平均值，因此 BG/NBD 和 Pareto/NBD 的拟合是近似的（README「Your warehouse」给出误差界）", binning.days)
        } else {
            format!(". Too many distinct (x, t_x, T) for a small result: t_x and T are binned to {}-day cells, each at its customers' mean, so the BG/NBD and Pareto/NBD fits are approximate (README \"Your warehouse\" gives the bound)", binning.days)
        });
    }
    if binning.value_millionths > 0 {
        let percent = binning.value_millionths as f64 / 1e4;
        clv_why.push_str(&if locale == crate::Locale::Zh {
            format!("。复购金额按相对宽度 {percent}% 分格，每格取其顾客的平均值，因此 Gamma-Gamma 拟合是近似的")
        } else {
            format!(". The repeat totals are binned to cells {percent}% wide, each at its customers' mean, so the Gamma-Gamma fit is approximate")
        });
    }
    WarehouseNote {
        exact: [
            "summary", "rates", "cohorts", "funnel", "rfm", "breakdowns", "comparisons", "churn",
            "products", "winback",
        ]
        .map(String::from)
        .to_vec(),
        approximate: vec![
            WarehouseGap {
                section: "clv".into(),
                why: clv_why,
            },
            WarehouseGap {
                section: "ingest".into(),
                why: say(
                    "the warehouse reads typed columns: no rows are rejected, and encoding, delimiter and date order do not apply",
                    "仓库读取的是有类型的列：不会拒绝任何行，编码、分隔符和日期顺序均不适用",
                ),
            },
        ],
    }
}

/// Refuses a summary made with other options than `options` (where it records them: a result
/// of an older query does not): its figures would be labelled with the wrong grains,
/// thresholds or windows.
fn check_options(parts: &Parts, options: &Options) -> Result<()> {
    let Some(row) = parts.get("options").first() else {
        return Ok(());
    };
    let made: serde_json::Value = serde_json::from_str(&row.key()).map_err(|e| {
        bad(
            format!(
                "the summary's options row on line {} is not JSON: {e}",
                row.line
            ),
            format!("汇总第 {} 行的选项不是 JSON：{e}", row.line),
        )
    })?;
    let given = super::summary_options(options)?;
    let differ: Vec<&str> = match (made.as_object(), given.as_object()) {
        (Some(made), Some(given)) => {
            let mut keys: Vec<&str> = made
                .keys()
                .chain(given.keys())
                .map(String::as_str)
                .filter(|k| made.get(*k) != given.get(*k))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        }
        _ => vec!["(all)"],
    };
    if differ.is_empty() {
        return Ok(());
    }
    let names = differ.join(", ");
    Err(Error::new(
        ErrorKind::BadOptions,
        format!("this summary was made by SQL for other options ({names} differ): give the options its SQL was generated with, or generate the SQL again for these options and run it"),
        format!("此汇总由另一组选项生成的 SQL 得出（{names} 不同）：请使用生成该 SQL 时的选项，或按这些选项重新生成 SQL 并运行"),
    ))
}

/// The Report from the warehouse SQL's result (CSV bytes, header included) and the options the
/// SQL was generated from.
pub fn analyze_summary(bytes: &[u8], options: &Options) -> Result<Report> {
    options.validate()?;
    let parts = Parts::read(bytes)?;
    check_options(&parts, options)?;
    let summary_row = parts.one("summary")?;
    let times = parts.one("times")?;
    for n in 1..=4 {
        check_time(times, n)?;
    }
    for part in ["silent_list", "overdue"] {
        for row in parts.get(part) {
            check_time(row, 1)?;
        }
    }
    let has_amount = summary_row.int(6) == 1;
    let money = |m: i128| has_amount.then(|| to_f64(m));
    let customers = summary_row.count(1);
    let n = customers as f64;
    let e = times.int(4);
    let first_purchase = times.i[2];
    let purchases = summary_row.count(4);
    let summary = Summary {
        customers,
        non_buyers: summary_row.count(2).saturating_sub(customers),
        orders: summary_row.count(3),
        purchases,
        revenue: money(summary_row.money(1)),
        first_order: times.i[0].map(format_time),
        last_order: times.i[1].map(format_time),
        as_of: format_time(e),
        repurchase_rate: ratio(summary_row.count(5) as f64, n),
        purchases_per_customer: ratio(purchases as f64, n),
        revenue_per_customer: money(summary_row.money(2)).and_then(|r| ratio(r, n)),
        average_order_value: money(times.money(1)).and_then(|r| ratio(r, purchases as f64)),
    };
    let mut warnings: Vec<(String, String)> = Vec::new();
    let rates = rates(&parts, options, first_purchase, e, &mut warnings);
    let cohorts = cohorts(&parts, options, first_purchase, e, money)?;
    let funnel = funnel(&parts, options);
    let (rfm, class_name) = rfm(&parts, options, customers, summary_row.money(2), money);
    let breakdowns = breakdowns(&parts, options, money);
    let comparisons = comparisons(&parts, options);
    let churn = churn(&parts, options, customers, money, &class_name);
    let products = products(&parts, options, money);
    let winback = winback(&parts, options, first_purchase, e, customers);
    let clv = clv(&parts, options, customers, &mut warnings)?;
    let locale = options.locale();
    Ok(Report {
        ingest: IngestReport {
            rows: summary.orders,
            accepted: summary.orders,
            rejected: BTreeMap::new(),
            samples: Vec::new(),
            mapping: options.mapping.clone().unwrap_or_default(),
            format: "summary".into(),
            sheet: None,
            encoding: String::new(),
            delimiter: String::new(),
            date_order: String::new(),
            warnings: warnings
                .into_iter()
                .map(|(en, zh)| if locale == crate::Locale::Zh { zh } else { en })
                .collect(),
            choices: Vec::new(),
            customer_fallback: None,
            statuses: Vec::new(),
        },
        summary,
        rates,
        cohorts,
        funnel,
        rfm,
        breakdowns,
        comparisons,
        churn,
        clv,
        products,
        winback,
        dimensions: Vec::new(),
        filter: None,
        warehouse: Some(note(locale, ClvBinning::of(&parts))),
    })
}

/// The shown periods of `rates` and `winback` (as `rates::period_span`).
fn span(options: &Options, first_purchase: Option<i64>, e: i64) -> Option<(i64, i64, bool)> {
    let grain = options.period_grain;
    let first = first_purchase?;
    let p_last = grain.index_of(e - 1).max(grain.index_of(first));
    let p_first = grain.index_of(first);
    let p0 = p_first.max(p_last - (MAX_PERIODS - 1));
    Some((p0, p_last, p0 > p_first))
}

fn rates(
    parts: &Parts,
    options: &Options,
    first_purchase: Option<i64>,
    e: i64,
    warnings: &mut Vec<(String, String)>,
) -> Rates {
    let grain = options.period_grain;
    let Some((p0, p_last, cut)) = span(options, first_purchase, e) else {
        return Rates {
            grain: grain_name(grain),
            periods: Vec::new(),
        };
    };
    if cut {
        warnings.push((
            format!("rates: only the last {MAX_PERIODS} periods are shown"),
            format!("各期复购率：仅显示最近的 {MAX_PERIODS} 个周期"),
        ));
    }
    let by_period: BTreeMap<i64, &Row> = parts.get("rate").iter().map(|r| (r.int(1), r)).collect();
    let count = |p: i64, n: usize| by_period.get(&p).map_or(0, |r| r.count(n));
    let periods = (p0..=p_last)
        .map(|p| {
            let buyers = count(p, 2) as f64;
            let before = count(p - 1, 2);
            PeriodRates {
                period: grain.label(p),
                buyers: count(p, 2),
                repeat_buyers: count(p, 3),
                period_repurchase_rate: ratio(count(p, 3) as f64, buyers),
                returning_buyers: count(p, 4),
                returning_rate: ratio(count(p, 4) as f64, buyers),
                // Who bought in p − 1 and again in p are some of p − 1's buyers.
                churn_rate: (p > p0)
                    .then(|| ratio(before.saturating_sub(count(p, 5)) as f64, before as f64))
                    .flatten(),
                churned: (p > p0).then(|| before.saturating_sub(count(p, 5))),
            }
        })
        .collect();
    Rates {
        grain: grain_name(grain),
        periods,
    }
}

fn cohorts(
    parts: &Parts,
    options: &Options,
    first_purchase: Option<i64>,
    e: i64,
    money: impl Fn(i128) -> Option<f64>,
) -> Result<Cohorts> {
    let grain = options.cohort_grain;
    let alignment = options.cohort_alignment;
    let mut table = Cohorts {
        grain: grain_name(grain),
        alignment: match alignment {
            Alignment::Calendar => "calendar",
            Alignment::Relative => "relative",
        }
        .into(),
        rows: Vec::new(),
        average: Vec::new(),
    };
    let Some(first) = first_purchase else {
        return Ok(table);
    };
    let length = grain.relative_days() * DAY;
    let c_min = grain.index_of(first);
    // Every cohort starts from a first purchase in [first, E): another index is no cohort.
    let c_max = grain.index_of(e - 1).max(c_min);
    for part in [
        "cohort_active",
        "cohort_orders",
        "cohort_last",
        "cohort_eligible",
    ] {
        for r in parts.get(part) {
            if !(c_min..=c_max).contains(&r.int(1)) {
                return Err(out_of_range(r, "i1", &r.int(1).to_string()));
            }
        }
    }
    let k_max = match alignment {
        Alignment::Calendar => grain.index_of(e - 1) - c_min,
        Alignment::Relative => (e - first - 1).div_euclid(length),
    }
    .max(0);
    // (cohort, k) → value, per part.
    let cells = |part: &str, n: usize| -> BTreeMap<(i64, i64), i64> {
        parts
            .get(part)
            .iter()
            .map(|r| ((r.int(1), r.int(2)), r.int(n)))
            .collect()
    };
    let active = cells("cohort_active", 3);
    let orders = cells("cohort_orders", 3);
    let revenue: BTreeMap<(i64, i64), i128> = parts
        .get("cohort_orders")
        .iter()
        .map(|r| ((r.int(1), r.int(2)), r.money(1)))
        .collect();
    let last = cells("cohort_last", 3);
    let last_eligible = cells("cohort_eligible", 3);
    let partial = cells("cohort_eligible", 4);
    let mut cohorts: Vec<i64> = last.keys().map(|&(c, _)| c).collect();
    cohorts.dedup();
    let slots =
        (k_max + 1).min((crate::metrics::cohort::MAX_CELLS / cohorts.len().max(1)).max(1) as i64);
    let mut avg_active = vec![0u64; slots as usize];
    let mut avg_eligible = vec![0u64; slots as usize];
    let get = |m: &BTreeMap<(i64, i64), i64>, c: i64, k: i64| {
        m.get(&(c, k)).copied().unwrap_or(0).max(0) as u64
    };
    for &c in &cohorts {
        let size: u64 = total(last.range((c, i64::MIN)..=(c, i64::MAX)).map(|(_, &v)| v));
        // Suffix sums: rolling retention and (relative) eligible customers.
        let suffix = |m: &BTreeMap<(i64, i64), i64>, k: i64| -> u64 {
            total(m.range((c, k)..=(c, i64::MAX)).map(|(_, &v)| v))
        };
        let mut cumulative: i128 = 0;
        let mut row = Vec::with_capacity(slots as usize);
        for k in 0..slots {
            cumulative = cumulative.saturating_add(revenue.get(&(c, k)).copied().unwrap_or(0));
            let (eligible, is_partial) = match alignment {
                Alignment::Calendar => {
                    if grain.start_of(c + k) >= e {
                        row.push(None);
                        continue;
                    }
                    (size, grain.start_of(c + k + 1) > e)
                }
                Alignment::Relative => {
                    let eligible = suffix(&last_eligible, k);
                    if eligible == 0 {
                        row.push(None);
                        continue;
                    }
                    (eligible, get(&partial, c, k) > 0)
                }
            };
            let act = get(&active, c, k);
            avg_active[k as usize] = avg_active[k as usize].saturating_add(act);
            avg_eligible[k as usize] = avg_eligible[k as usize].saturating_add(eligible);
            row.push(Some(CohortCell {
                k: k as u32,
                active: act,
                retention: ratio(act as f64, eligible as f64),
                rolling_active: if k == 0 { eligible } else { suffix(&last, k) },
                orders: get(&orders, c, k),
                revenue: money(revenue.get(&(c, k)).copied().unwrap_or(0)),
                cumulative_revenue_per_customer: money(cumulative)
                    .and_then(|_| ratio(to_f64(cumulative), size as f64)),
                eligible,
                partial: is_partial,
            }));
        }
        table.rows.push(CohortRow {
            cohort: grain.label(c),
            size,
            cells: row,
        });
    }
    table.average = (0..slots as usize)
        .map(|k| AverageCell {
            k: k as u32,
            retention: ratio(avg_active[k] as f64, avg_eligible[k] as f64),
            eligible: avg_eligible[k],
        })
        .collect();
    Ok(table)
}

fn funnel(parts: &Parts, options: &Options) -> Funnel {
    let depth = options.funnel_depth as usize;
    // Buyers by purchases (capped at depth + 1) → reached[n] = buyers with ≥ n.
    let mut with = vec![0u64; depth + 2];
    for r in parts.get("reached") {
        if let Some(slot) = with.get_mut(r.int(1).clamp(0, depth as i64 + 1) as usize) {
            *slot = slot.saturating_add(r.count(2));
        }
    }
    let reached = |n: usize| total(with[n..].iter().map(|&v| v as i64));
    let gaps: BTreeMap<i64, &Row> = parts.get("gap").iter().map(|r| (r.int(1), r)).collect();
    let steps = (1..=depth)
        .map(|n| {
            let g = gaps.get(&(n as i64));
            FunnelStep {
                n: n as u32,
                reached: reached(n),
                conversion: ratio(reached(n + 1) as f64, reached(n) as f64),
                gap_days: GapStats {
                    median: g.and_then(|r| r.float(1)),
                    p25: g.and_then(|r| r.float(2)),
                    p75: g.and_then(|r| r.float(3)),
                    mean: g.and_then(|r| r.float(4)),
                },
            }
        })
        .collect();
    let within: BTreeMap<i64, &Row> = parts.get("within").iter().map(|r| (r.int(1), r)).collect();
    let repurchase_within = options
        .repurchase_windows
        .iter()
        .map(|&d| {
            let r = within.get(&i64::from(d));
            let eligible = r.map_or(0, |r| r.count(2));
            let repurchased = r.map_or(0, |r| r.count(3));
            RepurchaseWithin {
                days: d,
                eligible,
                repurchased,
                rate: ratio(repurchased as f64, eligible as f64),
            }
        })
        .collect();
    const BINS: [u32; 9] = [0, 1, 7, 14, 30, 60, 90, 180, 365];
    let bins: BTreeMap<i64, u64> = parts
        .get("histogram")
        .iter()
        .map(|r| (r.int(1), r.count(2)))
        .collect();
    let histogram = BINS
        .iter()
        .enumerate()
        .map(|(i, &from)| HistogramBin {
            from_days: from,
            to_days: BINS.get(i + 1).copied(),
            customers: bins.get(&(i as i64)).copied().unwrap_or(0),
        })
        .collect();
    Funnel {
        steps,
        repurchase_within,
        histogram,
    }
}

/// The segment of an (R, F, cn8 class) row: its index in the scheme's list.
type ClassName = Box<dyn Fn(&Row, usize, usize, usize) -> usize>;

fn rfm(
    parts: &Parts,
    options: &Options,
    customers: u64,
    total_revenue: i128,
    money: impl Fn(i128) -> Option<f64>,
) -> (Rfm, ClassName) {
    let scheme = options.rfm_segments;
    let names = segment_names(scheme);
    // (R, F, class bits) → the segment's index.
    let segment_of: ClassName = match scheme {
        RfmScheme::Rf10 => {
            let names = names.clone();
            Box::new(move |_, r, f, _| {
                let name = rf10_name(r as u8, f as u8);
                names.iter().position(|n| *n == name).unwrap_or(0)
            })
        }
        RfmScheme::Cn8 => Box::new(|_, _, _, bits| {
            let key = (bits & 4 != 0, bits & 2 != 0, bits & 1 != 0);
            CN8.iter()
                .position(|(_, k)| *k == key)
                .unwrap_or(CN8.len() - 1)
        }),
    };
    let mut grid = [[0u64; 5]; 5];
    // Per segment: customers, Σ recency, Σ frequency, repeaters, revenue.
    let mut tally = vec![(0u64, 0i64, 0i64, 0u64, 0i128); names.len()];
    for row in parts.get("rfm") {
        let (r, f) = (
            row.int(1).clamp(1, 5) as usize,
            row.int(2).clamp(1, 5) as usize,
        );
        grid[r - 1][f - 1] = grid[r - 1][f - 1].saturating_add(row.count(4));
        let k = segment_of(row, r, f, row.int(3).max(0) as usize);
        if let Some(t) = tally.get_mut(k) {
            t.0 = t.0.saturating_add(row.count(4));
            t.1 = t.1.saturating_add(row.int(5));
            t.2 = t.2.saturating_add(row.int(6));
            t.3 = t.3.saturating_add(row.count(7));
            t.4 = t.4.saturating_add(row.money(1));
        }
    }
    let n = customers as f64;
    let segments = names
        .iter()
        .zip(&tally)
        .map(|(name, &(count, sum_r, sum_f, repeaters, revenue))| {
            let c = count as f64;
            Segment {
                segment: (*name).to_string(),
                customers: count,
                share: ratio(c, n),
                revenue: money(revenue),
                revenue_share: money(revenue).and_then(|r| ratio(r, to_f64(total_revenue))),
                mean_recency: ratio(sum_r as f64, c),
                mean_frequency: ratio(sum_f as f64, c),
                mean_monetary: money(revenue).and_then(|r| ratio(r, c)),
                repurchase_rate: ratio(repeaters as f64, c),
            }
        })
        .collect();
    (rfm::section(scheme, grid, segments), segment_of)
}

/// The breakdown specs in the options' order: (dimension, attribution).
fn breakdown_specs(options: &Options) -> Vec<(String, Attribution)> {
    options
        .breakdowns
        .iter()
        .flatten()
        .map(|s| match s {
            BreakdownSpec::Name(n) => (n.clone(), options.attribution),
            BreakdownSpec::Full {
                dimension,
                attribution,
            } => (
                dimension.clone(),
                attribution.unwrap_or(options.attribution),
            ),
        })
        .collect()
}

fn attribution_name(a: Attribution) -> String {
    match a {
        Attribution::First => "first",
        Attribution::Mode => "mode",
    }
    .into()
}

fn breakdowns(
    parts: &Parts,
    options: &Options,
    money: impl Fn(i128) -> Option<f64>,
) -> Vec<Breakdown> {
    breakdown_specs(options)
        .into_iter()
        .enumerate()
        .map(|(i, (dimension, attribution))| {
            let mut rows: Vec<&Row> = parts
                .get("group")
                .iter()
                .filter(|r| r.int(1) == i as i64)
                .collect();
            // Customers descending, then value ascending; `(other)` (no key) last (SPEC §11).
            rows.sort_by(|a, b| {
                a.key
                    .is_none()
                    .cmp(&b.key.is_none())
                    .then(b.count(2).cmp(&a.count(2)))
                    .then(a.key.cmp(&b.key))
            });
            let groups = rows
                .into_iter()
                .map(|r| {
                    let n = r.count(2) as f64;
                    let (ci_low, ci_high) = wilson(r.count(3) as f64, n).unzip();
                    Group {
                        value: r.key.clone().unwrap_or_else(|| OTHER.to_string()),
                        customers: r.count(2),
                        repurchase_rate: ratio(r.count(3) as f64, n),
                        ci_low,
                        ci_high,
                        purchases_per_customer: ratio(r.count(4) as f64, n),
                        revenue_per_customer: money(r.money(1)).and_then(|m| ratio(m, n)),
                        median_days_to_second: r.float(1),
                    }
                })
                .collect();
            Breakdown {
                dimension,
                attribution: attribution_name(attribution),
                groups,
            }
        })
        .collect()
}

fn comparisons(parts: &Parts, options: &Options) -> Vec<Comparison> {
    let rows: BTreeMap<i64, &Row> = parts.get("compare").iter().map(|r| (r.int(1), r)).collect();
    options
        .compare
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let r = rows.get(&(i as i64));
            let c = |n: usize| r.map_or(0, |r| r.count(n));
            let attribution = spec.attribution.unwrap_or(options.attribution);
            breakdown::comparison(spec, attribution, (c(2), c(3)), (c(4), c(5)))
        })
        .collect()
}

fn churn(
    parts: &Parts,
    options: &Options,
    customers: u64,
    money: impl Fn(i128) -> Option<f64>,
    segment_of: &ClassName,
) -> Churn {
    let names = segment_names(options.rfm_segments);
    let silent = parts.get("silent").first();
    let silent_count = silent.map_or(0, |r| r.count(1));
    let by_revenue = |a: &&Row, b: &&Row| b.money(1).cmp(&a.money(1)).then(a.key.cmp(&b.key));
    let mut silent_list: Vec<&Row> = parts.get("silent_list").iter().collect();
    silent_list.sort_by(by_revenue);
    let mut overdue: Vec<&Row> = parts.get("overdue").iter().collect();
    overdue.sort_by(by_revenue);
    Churn {
        silent_days: options.silent_days,
        silent: silent_count,
        silent_share: ratio(silent_count as f64, customers as f64),
        silent_revenue: money(silent.map_or(0, |r| r.money(1))),
        silent_customers: silent_list
            .into_iter()
            .map(|r| {
                let (rs, fs) = (r.int(4).clamp(1, 5) as usize, r.int(5).clamp(1, 5) as usize);
                SilentCustomer {
                    customer: r.key(),
                    last_purchase: format_time(r.int(1)),
                    recency: r.int(2),
                    purchases: r.count(3),
                    revenue: money(r.money(1)),
                    segment: names
                        .get(segment_of(r, rs, fs, r.int(6).max(0) as usize))
                        .map_or_else(String::new, |s| (*s).to_string()),
                }
            })
            .collect(),
        overdue_factor: options.overdue_factor,
        overdue_count: parts.get("overdue_count").first().map_or(0, |r| r.count(1)),
        overdue: overdue
            .into_iter()
            .map(|r| {
                let since = r.float(1).unwrap_or(0.0);
                let median_gap = r.float(2).unwrap_or(0.0);
                Overdue {
                    customer: r.key(),
                    last_purchase: format_time(r.int(1)),
                    days_since_last: since,
                    median_gap_days: median_gap,
                    purchases: r.count(2),
                    revenue: money(r.money(1)),
                    overdue_ratio: ratio(since, median_gap),
                }
            })
            .collect(),
    }
}

fn products(
    parts: &Parts,
    options: &Options,
    money: impl Fn(i128) -> Option<f64>,
) -> Option<ProductsReport> {
    let column = options.mapping.as_ref()?.get("product")?.clone();
    let by_count =
        |n: usize| move |a: &&Row, b: &&Row| b.count(n).cmp(&a.count(n)).then(a.key.cmp(&b.key));
    let mut first: Vec<&Row> = parts.get("first_product").iter().collect();
    first.sort_by(by_count(1));
    let mut repeat: Vec<&Row> = parts.get("product_repeat").iter().collect();
    repeat.sort_by(by_count(1));
    let next_customers: BTreeMap<String, u64> = parts
        .get("next_customers")
        .iter()
        .map(|r| (r.key(), r.count(1)))
        .collect();
    let quartiles = |r: &Row| {
        Some(Quartiles {
            median: r.float(1)?,
            p25: r.float(2)?,
            p75: r.float(3)?,
        })
    };
    Some(ProductsReport {
        column,
        first_product: first
            .iter()
            .map(|r| {
                let n = r.count(1) as f64;
                let ci = wilson(r.count(2) as f64, n);
                FirstProduct {
                    product: r.key(),
                    customers: r.count(1),
                    repurchase_rate: ratio(r.count(2) as f64, n),
                    ci_low: ci.map(|c| c.0),
                    ci_high: ci.map(|c| c.1),
                    revenue_per_customer: money(r.money(1)).and_then(|m| ratio(m, n)),
                    median_days_to_second: r.float(1),
                }
            })
            .collect(),
        repeat: repeat
            .iter()
            .map(|r| ProductRepeat {
                product: r.key(),
                buyers: r.count(1),
                repeat_buyers: r.count(2),
                repeat_rate: ratio(r.count(2) as f64, r.count(1) as f64),
                cycle_days: quartiles(r),
            })
            .collect(),
        next: first
            .iter()
            .map(|f| {
                let product = f.key();
                let customers = next_customers.get(&product).copied().unwrap_or(0);
                let mut top: Vec<&Row> = parts
                    .get("next_product")
                    .iter()
                    .filter(|r| r.key.as_deref() == Some(product.as_str()))
                    .collect();
                top.sort_by(|a, b| b.count(1).cmp(&a.count(1)).then(a.key2.cmp(&b.key2)));
                ProductNext {
                    product,
                    customers,
                    top: top
                        .into_iter()
                        .map(|r| NextProduct {
                            product: r.key2.clone().unwrap_or_default(),
                            customers: r.count(1),
                            share: ratio(r.count(1) as f64, customers as f64),
                        })
                        .collect(),
                }
            })
            .collect(),
    })
}

fn winback(
    parts: &Parts,
    options: &Options,
    first_purchase: Option<i64>,
    e: i64,
    customers: u64,
) -> Winback {
    let grain = options.period_grain;
    let (p0, p_last) = span(options, first_purchase, e).map_or((0, -1), |s| (s.0, s.1));
    // Lapsed: a difference array over periods (as `winback.rs`).
    let mut delta: BTreeMap<i64, i64> = BTreeMap::new();
    for r in parts.get("lapse_start") {
        let d = delta.entry(r.int(1).max(p0)).or_default();
        *d = d.saturating_add(r.int(2));
    }
    let mut reactivated: BTreeMap<i64, u64> = BTreeMap::new();
    for r in parts.get("lapse_end") {
        let d = delta.entry(r.int(1).saturating_add(1)).or_default();
        *d = d.saturating_sub(r.int(2));
        let back = reactivated.entry(r.int(1)).or_default();
        *back = back.saturating_add(r.count(3));
    }
    let before: i64 = delta
        .range(..p0)
        .fold(0, |sum, (_, &v)| sum.saturating_add(v));
    let mut lapsed = before;
    let periods = (p0..=p_last)
        .map(|p| {
            lapsed = lapsed.saturating_add(delta.get(&p).copied().unwrap_or(0));
            let n = lapsed.max(0) as u64;
            let back = reactivated.get(&p).copied().unwrap_or(0);
            WinbackPeriod {
                period: grain.label(p),
                lapsed: n,
                reactivated: back,
                rate: ratio(back as f64, n as f64),
            }
        })
        .collect();
    let row = parts.get("winback").first();
    let came_back = row.map_or(0, |r| r.count(1));
    Winback {
        silent_days: options.silent_days,
        customers: came_back,
        share: ratio(came_back as f64, customers as f64),
        gap_days: row.and_then(|r| {
            Some(Quartiles {
                median: r.float(1)?,
                p25: r.float(2)?,
                p75: r.float(3)?,
            })
        }),
        periods,
    }
}

/// The fits' data from counted (x, t_x, T) rows, in the sorted order whose written-out list the
/// warm start subsamples; `None` when the fits have nothing to work on (their warning says so).
fn counted_fit_data(triples: &[((f64, f64, f64), u64)]) -> Result<Option<FitData>> {
    let mut rows = Vec::with_capacity(triples.len());
    for &(t, n) in triples {
        let n = u32::try_from(n).map_err(|_| {
            bad(
                format!("a clv_days row counts {n} customers, more than one summary can hold"),
                format!("某个 clv_days 行共计 {n} 位客户，超出单个汇总的上限"),
            )
        })?;
        rows.push((t, n));
    }
    Ok(FitData::counted(rows.into_iter(), warm_start_sample_counted(triples)).ok())
}

fn clv(
    parts: &Parts,
    options: &Options,
    customers: u64,
    warnings: &mut Vec<(String, String)>,
) -> Result<Option<Clv>> {
    let unit_days = match options.clv_unit {
        ClvUnit::Week => 7.0,
        ClvUnit::Day => 1.0,
    };
    // The compressed statistics count customers: no more than the summary's buyers.
    fn counted(parts: &Parts, part: &str, n: usize, customers: u64) -> Result<u64> {
        let count = total(parts.get(part).iter().map(|r| r.int(n)));
        match usize::try_from(count) {
            Ok(_) if count <= customers => Ok(count),
            _ => Err(bad(
                format!("the summary's {part} rows count {count} customers, more than its {customers} buyers (or than memory holds): it must be the result table of the warehouse SQL"),
                format!("汇总的 {part} 行共计 {count} 位客户，多于其 {customers} 位购买客户（或超出内存）：应为仓库 SQL 的结果表"),
            )),
        }
    }
    // A warehouse returns rows in any order (Spark's parts): sorted, the customers the fits
    // see are the same whatever that order (their warm start subsamples every k-th one).
    let sorted = |part: &str, key: fn(&Row) -> (i64, i128, i64)| {
        let mut rows: Vec<&Row> = parts.get(part).iter().collect();
        rows.sort_unstable_by_key(|r| key(r));
        rows
    };
    counted(parts, "clv_days", 4, customers)?;
    // The BG/NBD and Pareto/NBD fits take the counted triples as they are (one row per
    // distinct triple, however many buyers it holds).
    let mut triples: Vec<((f64, f64, f64), u64)> = Vec::new();
    for r in sorted("clv_days", |r| (r.int(1), r.int(2).into(), r.int(3))) {
        // The cell's mean t_x and T in days where the SQL wrote them (a binned summary), else
        // its exact days.
        let days = |f: usize, i: usize| match r.float(f) {
            Some(d) if d.is_finite() && d >= 0.0 => Ok(d),
            Some(_) => Err(bad(
                format!(
                    "the summary's clv_days row on line {} has a negative or non-finite f{f}",
                    r.line
                ),
                format!("汇总第 {} 行的 clv_days 的 f{f} 为负数或非有限数", r.line),
            )),
            None => Ok(r.int(i) as f64),
        };
        let t = (
            r.int(1) as f64,
            days(1, 2)? / unit_days,
            days(2, 3)? / unit_days,
        );
        triples.push((t, r.count(4)));
    }
    let repeat = parts
        .get("clv_days")
        .iter()
        .filter(|r| r.int(1) >= 1)
        .map(|r| r.int(4));
    let repeat = total(repeat);
    counted(parts, "clv_value", 2, customers)?;
    // Gamma-Gamma, too, takes the counted (x, mean value) rows as they are.
    let mut pairs: Vec<((f64, f64), u64)> = Vec::new();
    for r in sorted("clv_value", |r| (r.int(1), r.money(1), 0)) {
        // Repeat customers only (x ≥ 1): a mean over no repeat purchase is no number.
        if r.int(1) < 1 {
            continue;
        }
        let x = r.int(1) as f64;
        let mean = to_f64(r.money(1)) / x;
        pairs.push(((x, mean), r.count(2)));
    }
    let data = counted_fit_data(&triples)?;
    let bg = data.as_ref().and_then(|d| d.fit_bgnbd().ok());
    let pareto = data.as_ref().and_then(|d| d.fit_pareto_nbd().ok());
    let used = match options.clv_model {
        ClvModel::ParetoNbd => UsedModel::ParetoNbd,
        _ => UsedModel::Bgnbd,
    };
    if options.clv_model == ClvModel::Auto {
        warnings.push((
            "CLV: clvModel \"auto\" needs every customer's holdout; from a warehouse summary BG/NBD is used".into(),
            "客户价值（CLV）：clvModel \"auto\" 需要每位客户的验证期数据；仓库汇总下使用 BG/NBD".into(),
        ));
    }
    let fitted = match used {
        UsedModel::Bgnbd => bg.is_some(),
        UsedModel::ParetoNbd => pareto.is_some(),
    };
    if !fitted {
        warnings.push((
            "CLV: the model has no interior maximum on these customers".into(),
            "客户价值（CLV）：该模型在这些客户上没有内部最大值".into(),
        ));
        return Ok(None);
    }
    let gg = (!pairs.is_empty())
        .then(|| fit_gamma_gamma_counted(&pairs).ok())
        .flatten();
    let horizon = options.horizon.unwrap_or(match options.clv_unit {
        ClvUnit::Week => 52,
        ClvUnit::Day => 364,
    });
    Ok(Some(Clv {
        unit: match options.clv_unit {
            ClvUnit::Week => "week",
            ClvUnit::Day => "day",
        }
        .into(),
        model: used,
        bgnbd: bg.map(|f| BgNbdFit {
            r: f.params.r,
            alpha: f.params.alpha,
            a: f.params.a,
            b: f.params.b,
            log_likelihood: f.log_likelihood,
        }),
        pareto_nbd: pareto.map(|f| ParetoNbdFit {
            r: f.params.r,
            alpha: f.params.alpha,
            s: f.params.s,
            beta: f.params.beta,
            log_likelihood: f.log_likelihood,
        }),
        holdout: None,
        gamma_gamma: gg.map(|f| GammaGammaFit {
            p: f.params.p,
            q: f.params.q,
            gamma: f.params.gamma,
            log_likelihood: f.log_likelihood,
        }),
        horizon,
        discount_rate: options.discount_rate,
        fit_customers: customers,
        repeat_customers: repeat,
        calibration: None,
        p_alive_histogram: [0; 10],
        totals: ClvTotals::default(),
        by_segment: Vec::new(),
        by_cohort: Vec::new(),
        customers: Vec::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_exactly() {
        assert_eq!(micros("10.1"), Some(10_100_000));
        assert_eq!(micros("-0.000001"), Some(-1));
        assert_eq!(micros("12"), Some(12_000_000));
        assert_eq!(micros("1e3"), None);
        assert_eq!(micros("1.0000001"), None);
    }

    #[test]
    fn a_summary_read_with_other_options_is_refused_naming_them() {
        let made = Options::from_json(r#"{"silentDays": 30, "periodGrain": "week"}"#).unwrap();
        let key = super::super::summary_options(&made).unwrap().to_string();
        let csv = format!(
            "part,key,key2,i1,i2,i3,i4,i5,i6,i7,i8,f1,f2,f3,f4,m1,m2\noptions,\"{}\",,,,,,,,,,,,,,,\n",
            key.replace('"', "\"\"")
        );
        let other =
            Options::from_json(r#"{"silentDays": 60, "periodGrain": "week", "horizon": 10}"#)
                .unwrap();
        let e = analyze_summary(csv.as_bytes(), &other).unwrap_err();
        assert_eq!(e.code(), "BadOptions");
        assert!(e.to_string().contains("(silentDays differ)"), "{e}");
        // The same options, and those the tab applies (horizon), pass this check and go on to
        // the next one: the summary row is missing.
        let same =
            Options::from_json(r#"{"silentDays": 30, "periodGrain": "week", "horizon": 10}"#)
                .unwrap();
        let e = analyze_summary(csv.as_bytes(), &same).unwrap_err();
        assert_eq!(e.code(), "BadSummary", "{e}");
    }

    #[test]
    fn a_summary_without_its_header_is_refused_with_a_reason() {
        let e = analyze_summary(b"a,b\n1,2\n", &Options::default()).unwrap_err();
        assert_eq!(e.code(), "BadSummary");
        assert!(e.to_string().contains("no column \"part\""), "{e}");
    }
}
