//! The SQL that turns a warehouse's order table into the summary tables (one long result,
//! [`super::summary`] reads it back). Every rule cited is SPEC's; where SQL cannot say a rule
//! the way the file path does, the difference is named in the README ("Your warehouse").
//!
//! The query reads times as epoch seconds and days as `floor(seconds / 86400)`, so the
//! calendar arithmetic is the engine's (`period.rs`): period indices are the same numbers,
//! and the engine labels them.

use super::{Dialect, Source};
use crate::error::{Error, ErrorKind, Result};
use crate::ingest::values::CANCELLED_WORDS;
use crate::options::{
    Alignment, Attribution, BreakdownSpec, CountBy, Options, RfmScheme, RfmScoring,
};
use crate::period::Grain;

/// The columns of the one result table, in order: part name, two text keys, eight integers,
/// four floats and three exact amounts (DECIMAL(38,6): micros, as the engine sums money).
pub const COLUMNS: [&str; 17] = [
    "part", "key", "key2", "i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8", "f1", "f2", "f3", "f4",
    "m1", "m2",
];

/// One part of the result: `SELECT` list items by column name, and the rest of the query.
struct Part<'a> {
    name: &'a str,
    values: Vec<(&'a str, String)>,
    from: String,
}

/// Writes SQL for one dialect.
struct Writer<'a> {
    dialect: Dialect,
    options: &'a Options,
    source: &'a Source,
}

impl Writer<'_> {
    fn ident(&self, name: &str) -> String {
        match self.dialect {
            Dialect::Duckdb => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    fn text(&self, value: &str) -> String {
        match self.dialect {
            Dialect::Duckdb => format!("'{}'", value.replace('\'', "''")),
            // Spark reads backslash escapes in literals, and '' is two adjacent literals.
            Dialect::Spark => format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }

    /// Epoch seconds of a timestamp column (wall clock as written, SPEC §1).
    fn seconds(&self, column: &str) -> String {
        match self.dialect {
            Dialect::Duckdb => format!("CAST(floor(epoch(CAST({column} AS TIMESTAMP))) AS BIGINT)"),
            // With the session time zone UTC (the script's first statement), a timestamp's
            // instant is its wall clock.
            Dialect::Spark => format!("unix_seconds(CAST({column} AS TIMESTAMP))"),
        }
    }

    /// The date of day number `day` (days since 1970-01-01).
    fn date(&self, day: &str) -> String {
        match self.dialect {
            Dialect::Duckdb => format!("(DATE '1970-01-01' + CAST({day} AS INTEGER))"),
            Dialect::Spark => format!("date_add(DATE '1970-01-01', CAST({day} AS INT))"),
        }
    }

    /// The day number of a date.
    fn day_of_date(&self, date: &str) -> String {
        match self.dialect {
            Dialect::Duckdb => format!("date_diff('day', DATE '1970-01-01', {date})"),
            Dialect::Spark => format!("datediff({date}, DATE '1970-01-01')"),
        }
    }

    fn percentile(&self, value: &str, q: f64) -> String {
        // Both are linear interpolation between closest ranks, numpy's default (SPEC §5).
        match self.dialect {
            Dialect::Duckdb => format!("quantile_cont({value}, {q})"),
            Dialect::Spark => format!("percentile({value}, {q})"),
        }
    }

    fn row_id(&self) -> &'static str {
        match self.dialect {
            Dialect::Duckdb => "CAST(row_number() OVER () AS STRING)",
            Dialect::Spark => "CAST(monotonically_increasing_id() AS STRING)",
        }
    }

    /// Period index of day number `day` (`Grain::index_of`).
    fn period(&self, grain: Grain, day: &str) -> String {
        let date = self.date(day);
        match grain {
            Grain::Day => format!("({day})"),
            Grain::Week => format!("CAST(floor(({day} + 3) / 7) AS BIGINT)"),
            Grain::Month => format!("(year({date}) * 12 + month({date}) - 1)"),
            Grain::Quarter => {
                format!("(year({date}) * 4 + CAST(floor((month({date}) - 1) / 3) AS BIGINT))")
            }
            Grain::Year => format!("CAST(year({date}) AS BIGINT)"),
        }
    }

    /// First day number of the period with index `index` (`Grain::start_of`).
    fn period_start(&self, grain: Grain, index: &str) -> String {
        let ymd = |per_year: i64, months: i64| {
            self.day_of_date(&format!(
                "make_date(CAST(floor({index} / {per_year}) AS INT), \
                 CAST(({index} - {per_year} * floor({index} / {per_year})) * {months} + 1 AS INT), 1)"
            ))
        };
        match grain {
            Grain::Day => format!("({index})"),
            Grain::Week => format!("({index} * 7 - 3)"),
            Grain::Month => ymd(12, 1),
            Grain::Quarter => ymd(4, 3),
            Grain::Year => self.day_of_date(&format!("make_date(CAST({index} AS INT), 1, 1)")),
        }
    }

    fn part(&self, part: &Part) -> String {
        let items: Vec<String> = COLUMNS
            .iter()
            .map(|&c| {
                let ty = match c.as_bytes()[0] {
                    b'p' | b'k' => "STRING",
                    b'i' => "BIGINT",
                    b'f' => "DOUBLE",
                    _ => "DECIMAL(38,6)",
                };
                let value = if c == "part" {
                    self.text(part.name)
                } else {
                    part.values
                        .iter()
                        .find(|(name, _)| *name == c)
                        .map_or_else(|| "NULL".to_string(), |(_, v)| v.clone())
                };
                format!("CAST({value} AS {ty}) AS {c}")
            })
            .collect();
        format!("SELECT {} {}", items.join(", "), part.from)
    }
}

/// A dimension used by a breakdown or a comparison: its column number in `cl_src` (`dim0`…).
fn dimension_index(names: &mut Vec<String>, name: &str) -> usize {
    match names.iter().position(|n| n == name) {
        Some(i) => i,
        None => {
            names.push(name.to_string());
            names.len() - 1
        }
    }
}

fn unsupported(what: &str, zh: &str) -> Error {
    Error::new(
        ErrorKind::BadOptions,
        format!("{what} is not available in warehouse SQL; analyse the file instead"),
        format!("仓库 SQL 不支持{zh}；请直接分析文件"),
    )
}

/// The query for `options` over `source`, in `dialect`, with CLV parts of at most `clv_rows`
/// rows each ([`CLV_ROWS`] unless a test or a caller wants them smaller or larger).
pub fn generate(
    options: &Options,
    dialect: Dialect,
    source: &Source,
    clv_rows: u64,
) -> Result<String> {
    options.validate()?;
    if options.filters.as_ref().is_some_and(|f| !f.is_empty()) {
        return Err(unsupported("options.filters", " options.filters"));
    }
    if options.match_refunds {
        return Err(unsupported("options.matchRefunds", " options.matchRefunds"));
    }
    let w = Writer {
        dialect,
        options,
        source,
    };
    let o = options;
    let day = 86_400;
    let id = |n: &str| w.ident(n);

    // Breakdown and comparison specs: (dimension number, attribution).
    let mut dims: Vec<String> = Vec::new();
    let breakdowns: Vec<(String, usize, Attribution)> = match &o.breakdowns {
        Some(list) => list
            .iter()
            .map(|s| match s {
                BreakdownSpec::Name(n) => (n.clone(), o.attribution),
                BreakdownSpec::Full {
                    dimension,
                    attribution,
                } => (dimension.clone(), attribution.unwrap_or(o.attribution)),
            })
            .map(|(n, a)| (n.clone(), dimension_index(&mut dims, &n), a))
            .collect(),
        None => source
            .dimensions
            .keys()
            .map(|n| (n.clone(), dimension_index(&mut dims, n), o.attribution))
            .collect(),
    };
    let compares: Vec<(usize, Attribution)> = o
        .compare
        .iter()
        .map(|c| {
            (
                dimension_index(&mut dims, &c.dimension),
                c.attribution.unwrap_or(o.attribution),
            )
        })
        .collect();

    let mut ctes: Vec<(String, String)> = Vec::new();
    let mut cte = |name: &str, body: String| ctes.push((name.to_string(), body));

    // §1: the source rows, trimmed; a blank customer or a missing time is no order.
    let col = |c: &str| id(c);
    let text_of = |c: &Option<String>| {
        c.as_ref().map_or_else(
            || "''".to_string(),
            |c| format!("coalesce(trim(CAST({} AS STRING)), '')", col(c)),
        )
    };
    let customer = format!("trim(CAST({} AS STRING))", col(&source.customer));
    let mut select = vec![
        format!("{customer} AS customer"),
        match &source.order {
            Some(c) => format!("CAST({} AS STRING) AS order_id", col(c)),
            None => format!("{} AS order_id", w.row_id()),
        },
        match &source.seq {
            Some(c) => format!("CAST({} AS BIGINT) AS seq", col(c)),
            None => "CAST(0 AS BIGINT) AS seq".to_string(),
        },
        format!("{} AS ts", w.seconds(&col(&source.time))),
        match &source.amount {
            Some(c) => format!("coalesce(CAST({} AS DECIMAL(38,6)), 0) AS amount", col(c)),
            None => "CAST(0 AS DECIMAL(38,6)) AS amount".to_string(),
        },
        format!("{} AS status", text_of(&source.status)),
        format!("{} AS product", text_of(&source.product)),
    ];
    for (i, name) in dims.iter().enumerate() {
        let column = source.dimensions.get(name).cloned().unwrap_or(name.clone());
        select.push(format!("{} AS dim{i}", text_of(&Some(column))));
    }
    cte(
        "cl_src",
        format!(
            "SELECT {} FROM {} WHERE {customer} <> '' AND {} IS NOT NULL",
            select.join(", "),
            source.table,
            col(&source.time)
        ),
    );

    // §1, §11: lines sharing an order id are one order: amount = sum, time = earliest line,
    // status and dimensions = the first non-blank value in line order.
    let first_non_blank =
        |c: &str| format!("coalesce(min_by({c}, seq) FILTER (WHERE {c} <> ''), '') AS {c}");
    let mut merged = vec![
        "customer".to_string(),
        "order_id".into(),
        "min(ts) AS ts".into(),
        "min(seq) AS seq".into(),
        "sum(amount) AS amount".into(),
        first_non_blank("status"),
    ];
    merged.extend((0..dims.len()).map(|i| first_non_blank(&format!("dim{i}"))));
    cte(
        "cl_merged",
        format!(
            "SELECT {} FROM cl_src GROUP BY customer, order_id",
            merged.join(", ")
        ),
    );
    // E: `asOf`, or the day after the last order's day (§1).
    cte(
        "cl_e",
        match o.as_of_time()? {
            Some(e) => format!("SELECT CAST({e} AS BIGINT) AS e"),
            None => format!(
                "SELECT (CAST(floor(max(ts) / {day}) AS BIGINT) + 1) * {day} AS e FROM cl_merged"
            ),
        },
    );
    // Purchases (§1): amount > 0 and a status that does not cancel.
    let cancelled = match &o.cancelled_statuses {
        Some(list) => {
            let values: Vec<String> = list.iter().map(|v| w.text(v.trim())).collect();
            if values.is_empty() {
                "FALSE".to_string()
            } else {
                format!("status IN ({})", values.join(", "))
            }
        }
        None => format!(
            "lower(status) IN ({})",
            CANCELLED_WORDS.map(|v| w.text(v)).join(", ")
        ),
    };
    let positive = if source.amount.is_some() {
        "amount > 0 AND "
    } else {
        ""
    };
    let unit_key = match o.count_by {
        CountBy::Order => "order_id",
        CountBy::Day => "CAST(CAST(floor(ts / 86400) AS BIGINT) AS STRING)",
    };
    cte(
        "cl_orders",
        format!(
            "SELECT m.*, CAST(floor(m.ts / {day}) AS BIGINT) AS day, \
             CASE WHEN {positive}NOT ({cancelled}) THEN 1 ELSE 0 END AS purchase, \
             {unit_key} AS ukey \
             FROM cl_merged m CROSS JOIN cl_e WHERE m.ts < cl_e.e"
        ),
    );
    // The counting unit (§1 countBy): a purchase order, or a customer's purchase day (its
    // time the earliest, its amount the sum, its dimensions the earliest order's).
    let dim_cols: String = (0..dims.len()).map(|i| format!(", dim{i}")).collect();
    cte(
        "cl_unit_rows",
        match o.count_by {
            // An order is already one row of cl_orders.
            CountBy::Order => format!(
                "SELECT customer, ukey, ts, day, seq, order_id{dim_cols}, amount AS unit_amount \
                 FROM cl_orders WHERE purchase = 1"
            ),
            CountBy::Day => format!(
                "SELECT * FROM (SELECT customer, ukey, ts, day, seq, order_id{dim_cols}, \
                 sum(amount) OVER (PARTITION BY customer, ukey) AS unit_amount, \
                 row_number() OVER (PARTITION BY customer, ukey ORDER BY ts, seq, order_id) AS rn \
                 FROM cl_orders WHERE purchase = 1) t WHERE rn = 1"
            ),
        },
    );
    // Each purchase with its number n, the customer's first purchase time, and the times of
    // the purchase before, the one before that and the next (§3, §4, §5, §8, §9, §13): one
    // window (one sort by customer and time) that every section below reads, so none of them
    // joins the purchases to the customers again.
    let order_units = "PARTITION BY customer ORDER BY ts, seq, order_id";
    cte(
        "cl_units",
        format!(
            "SELECT customer, ukey, ts, day, unit_amount AS amount{dim_cols}, \
             row_number() OVER ({order_units}) AS n, \
             first_value(ts) OVER ({order_units}) AS first_ts, \
             lag(ts) OVER ({order_units}) AS prev_ts, \
             lag(ts, 2) OVER ({order_units}) AS prev2_ts, \
             lead(ts) OVER ({order_units}) AS next_ts, \
             lead(day) OVER ({order_units}) AS next_day \
             FROM cl_unit_rows"
        ),
    );
    // Orders that are no purchase (refunds, cancellations): few, and what revenue and the
    // customers who never bought add to the buyers' purchases.
    cte(
        "cl_other",
        "SELECT customer, sum(amount) AS amount FROM cl_orders WHERE purchase = 0 GROUP BY customer"
            .into(),
    );
    // §2: each buyer's facts, with the first purchase's dimension values and the gap to the
    // second purchase in seconds; §9's x (distinct purchase days − 1: days rise with time, so
    // a new day is a purchase on another day than the one before), t_x and T in days, and
    // the value of the repeat purchase days.
    let first_dims: String = (0..dims.len())
        .map(|i| format!(", max(CASE WHEN n = 1 THEN dim{i} END) AS first_dim{i}"))
        .collect();
    let first_day = format!("CAST(floor(first_ts / {day}) AS BIGINT)");
    let prev_day = format!("CAST(floor(prev_ts / {day}) AS BIGINT)");
    cte(
        "cl_buyers",
        format!(
            "SELECT customer, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS purchases, \
             max(CASE WHEN n = 1 THEN next_ts - ts END) AS gap1, sum(amount) AS purchased, \
             count(*) FILTER (WHERE prev_ts IS NOT NULL AND day <> {prev_day}) AS x, \
             max(day) - min(day) AS tx, \
             sum(CASE WHEN day <> {first_day} THEN amount ELSE 0 END) AS repeat_total{first_dims} \
             FROM cl_units GROUP BY customer"
        ),
    );
    // §6 recency: whole days from the date of the last purchase to the date of E, at least 1.
    cte(
        "cl_cust",
        format!(
            "SELECT b.*, b.purchased + coalesce(r.amount, 0) AS revenue, \
             greatest(CAST(1 AS BIGINT), CAST(floor(cl_e.e / {day}) AS BIGINT) - CAST(floor(b.last_ts / {day}) AS BIGINT)) AS recency, \
             CAST(floor((cl_e.e - 1) / {day}) AS BIGINT) - CAST(floor(b.first_ts / {day}) AS BIGINT) AS t, \
             CASE WHEN b.purchases >= 2 THEN 1 ELSE 0 END AS repeater \
             FROM cl_buyers b LEFT JOIN cl_other r ON r.customer = b.customer CROSS JOIN cl_e"
        ),
    );
    cte(
        "cl_totals",
        "SELECT count(*) AS orders, sum(amount) AS amount, min(ts) AS first, max(ts) AS last \
         FROM cl_orders"
            .into(),
    );

    let mut parts: Vec<Part> = Vec::new();
    // The options the figures are made with, so that the engine can tell a summary read
    // with other options (`summary::check_options`).
    parts.push(Part {
        name: "options",
        values: vec![("key", w.text(&super::summary_options(o)?.to_string()))],
        from: String::new(),
    });
    // §2 summary, and the times the engine needs (first/last order, first purchase, E).
    parts.push(Part {
        name: "summary",
        values: vec![
            ("i1", "(SELECT count(*) FROM cl_cust)".into()),
            // Customers: the buyers and those whose orders are none of them purchases.
            (
                "i2",
                "(SELECT count(*) FROM cl_cust) + (SELECT count(*) FROM cl_other \
                 WHERE customer NOT IN (SELECT customer FROM cl_buyers))"
                    .into(),
            ),
            ("i3", "(SELECT orders FROM cl_totals)".into()),
            ("i4", "(SELECT sum(purchases) FROM cl_cust)".into()),
            ("i5", "(SELECT sum(repeater) FROM cl_cust)".into()),
            ("m1", "(SELECT amount FROM cl_totals)".into()),
            ("m2", "(SELECT sum(revenue) FROM cl_cust)".into()),
            ("i6", if source.amount.is_some() { "1" } else { "0" }.into()),
        ],
        from: String::new(),
    });
    parts.push(Part {
        name: "times",
        values: vec![
            ("i1", "(SELECT first FROM cl_totals)".into()),
            ("i2", "(SELECT last FROM cl_totals)".into()),
            ("i3", "(SELECT min(first_ts) FROM cl_cust)".into()),
            ("i4", "(SELECT e FROM cl_e)".into()),
            ("m1", "(SELECT sum(purchased) FROM cl_cust)".into()),
        ],
        from: String::new(),
    });

    // §3 per period: buyers, repeat buyers, returning buyers, and those who also bought in
    // the period before (churn, §8).
    let pg = o.period_grain;
    let p_of = |day: &str| w.period(pg, day);
    // A purchase is its customer's first in its period when the one before fell in another
    // period, and the second when the one before was the first; the customer also bought in
    // the period before when the purchase before fell in it (purchases are in time order).
    let day_of = |ts: &str| format!("CAST(floor({ts} / {day}) AS BIGINT)");
    let first_in_period = "(pp IS NULL OR pp <> p)";
    parts.push(Part {
        name: "rate",
        values: vec![
            ("i1", "p".into()),
            ("i2", format!("count(*) FILTER (WHERE {first_in_period})")),
            (
                "i3",
                "count(*) FILTER (WHERE pp = p AND (pp2 IS NULL OR pp2 <> p))".into(),
            ),
            (
                "i4",
                format!("count(*) FILTER (WHERE {first_in_period} AND p > pf)"),
            ),
            ("i5", "count(*) FILTER (WHERE pp = p - 1)".into()),
        ],
        from: format!(
            "FROM (SELECT {} AS p, {} AS pp, {} AS pp2, {} AS pf FROM cl_units) t GROUP BY p",
            p_of("day"),
            p_of(&day_of("prev_ts")),
            p_of(&day_of("prev2_ts")),
            p_of(&day_of("first_ts"))
        ),
    });

    // §4 cohorts: period k of a time for a buyer of cohort c.
    let cg = o.cohort_grain;
    let length = cg.relative_days() * day;
    let cohort = w.period(cg, &format!("CAST(floor(c.first_ts / {day}) AS BIGINT)"));
    let k_of = |ts: &str| match o.cohort_alignment {
        Alignment::Calendar => format!(
            "({} - {cohort})",
            w.period(cg, &format!("CAST(floor({ts} / {day}) AS BIGINT)"))
        ),
        Alignment::Relative => {
            format!("CAST(floor(({ts} - c.first_ts) / {length}) AS BIGINT)")
        }
    };
    parts.push(Part {
        name: "cohort_active",
        values: vec![
            ("i1", "cc".into()),
            ("i2", "k".into()),
            ("i3", "count(*)".into()),
        ],
        // A buyer is active in k once: at the first purchase in k (k rises with time).
        from: format!(
            "FROM (SELECT {cohort} AS cc, {} AS k, {} AS pk FROM cl_units c) t \
             WHERE pk IS NULL OR pk <> k GROUP BY cc, k",
            k_of("c.ts"),
            k_of("c.prev_ts")
        ),
    });
    parts.push(Part {
        name: "cohort_orders",
        values: vec![
            ("i1", "cc".into()),
            ("i2", "k".into()),
            ("i3", "count(*)".into()),
            ("m1", "sum(amount)".into()),
        ],
        from: format!(
            "FROM (SELECT {cohort} AS cc, {} AS k, o.amount FROM cl_orders o \
             JOIN cl_cust c ON c.customer = o.customer) t WHERE k >= 0 GROUP BY cc, k",
            k_of("o.ts")
        ),
    });
    // Rolling retention (§4): buyers by the period of their last purchase.
    parts.push(Part {
        name: "cohort_last",
        values: vec![("i1", "cc".into()), ("i2", "k".into()), ("i3", "count(*)".into())],
        from: format!(
            "FROM (SELECT {cohort} AS cc, greatest(CAST(0 AS BIGINT), {}) AS k FROM cl_cust c) t GROUP BY cc, k",
            k_of("c.last_ts")
        ),
    });
    if o.cohort_alignment == Alignment::Relative {
        // Right-censoring (§4): eligible for k while first + k·L < E; the last such k, and
        // whether its window ends after E.
        parts.push(Part {
            name: "cohort_eligible",
            values: vec![
                ("i1", "cc".into()),
                ("i2", "k".into()),
                ("i3", "count(*)".into()),
                ("i4", "sum(partial)".into()),
            ],
            from: format!(
                "FROM (SELECT {cohort} AS cc, CAST(floor((cl_e.e - c.first_ts - 1) / {length}) AS BIGINT) AS k, \
                 CASE WHEN c.first_ts + (CAST(floor((cl_e.e - c.first_ts - 1) / {length}) AS BIGINT) + 1) * {length} > cl_e.e \
                 THEN 1 ELSE 0 END AS partial FROM cl_cust c CROSS JOIN cl_e) t GROUP BY cc, k"
            ),
        });
    }

    // §5 funnel: purchases per buyer (capped past the depth), gaps per step, windows, bins.
    let depth = i64::from(o.funnel_depth);
    parts.push(Part {
        name: "reached",
        values: vec![("i1", "p".into()), ("i2", "count(*)".into())],
        from: format!(
            "FROM (SELECT least(purchases, CAST({} AS BIGINT)) AS p FROM cl_cust) t GROUP BY p",
            depth + 1
        ),
    });
    let gap_days = "(next_ts - ts) / CAST(86400 AS DOUBLE)";
    parts.push(Part {
        name: "gap",
        values: vec![
            ("i1", "n".into()),
            ("i2", "count(*)".into()),
            ("f1", w.percentile(gap_days, 0.5)),
            ("f2", w.percentile(gap_days, 0.25)),
            ("f3", w.percentile(gap_days, 0.75)),
            ("f4", format!("avg({gap_days})")),
        ],
        from: format!("FROM cl_units WHERE next_ts IS NOT NULL AND n <= {depth} GROUP BY n"),
    });
    for &d in &o.repurchase_windows {
        let window = i64::from(d) * day;
        parts.push(Part {
            name: "within",
            values: vec![
                ("i1", d.to_string()),
                ("i2", "count(*)".into()),
                ("i3", format!("count(*) FILTER (WHERE c.gap1 <= {window})")),
            ],
            from: format!("FROM cl_cust c CROSS JOIN cl_e WHERE c.first_ts + {window} <= cl_e.e"),
        });
    }
    const BINS: [i64; 9] = [0, 1, 7, 14, 30, 60, 90, 180, 365];
    let bin = BINS
        .iter()
        .enumerate()
        .rev()
        .map(|(i, &edge)| format!("WHEN gap1 >= {} THEN {i}", edge * day))
        .collect::<Vec<_>>()
        .join(" ");
    parts.push(Part {
        name: "histogram",
        values: vec![("i1", "b".into()), ("i2", "count(*)".into())],
        from: format!(
            "FROM (SELECT CASE {bin} ELSE 0 END AS b FROM cl_cust WHERE gap1 IS NOT NULL) t GROUP BY b"
        ),
    });

    // §6 RFM scores: quantile (w = customers strictly worse, from the value counts) or
    // thresholds (§11); cn8 compares with the mean exactly (value × n against the sum).
    let has_amount = source.amount.is_some();
    let monetary = if has_amount {
        "revenue"
    } else {
        "CAST(0 AS DECIMAL(38,6))"
    };
    cte(
        "cl_rfm_values",
        format!("SELECT c.*, {monetary} AS monetary FROM cl_cust c"),
    );
    let scores = match &o.rfm_scoring {
        RfmScoring::Quantile => {
            for (name, value, order) in [
                ("cl_worse_r", "recency", "DESC"),
                ("cl_worse_f", "purchases", "ASC"),
                ("cl_worse_m", "monetary", "ASC"),
            ] {
                cte(
                    name,
                    format!(
                        "SELECT v, sum(c) OVER (ORDER BY v {order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - c AS w \
                         FROM (SELECT {value} AS v, count(*) AS c FROM cl_rfm_values GROUP BY {value}) t"
                    ),
                );
            }
            let score = |t: &str| {
                format!("least(CAST(5 AS BIGINT), 1 + CAST(floor(5 * {t}.w / n.n) AS BIGINT))")
            };
            cte(
                "cl_scores",
                format!(
                    "SELECT x.*, {} AS r, {} AS f, {} AS m FROM cl_rfm_values x \
                     JOIN cl_worse_r wr ON wr.v = x.recency JOIN cl_worse_f wf ON wf.v = x.purchases \
                     JOIN cl_worse_m wm ON wm.v = x.monetary \
                     CROSS JOIN (SELECT count(*) AS n FROM cl_rfm_values) n",
                    score("wr"),
                    score("wf"),
                    score("wm")
                ),
            );
            "cl_scores"
        }
        RfmScoring::Thresholds(t) => {
            let position = |cuts: &[f64], value: &str| {
                let terms: Vec<String> = cuts
                    .iter()
                    .map(|c| {
                        format!("CASE WHEN CAST({value} AS DOUBLE) >= {c:?} THEN 1 ELSE 0 END")
                    })
                    .collect();
                format!(
                    "least(CAST(4 AS BIGINT), CAST({} AS BIGINT))",
                    terms.join(" + ")
                )
            };
            cte(
                "cl_scores",
                format!(
                    "SELECT x.*, 5 - {} AS r, 1 + {} AS f, 1 + {} AS m FROM cl_rfm_values x",
                    position(&t.recency, "x.recency"),
                    position(&t.frequency, "x.purchases"),
                    position(&t.monetary, "x.monetary")
                ),
            );
            "cl_scores"
        }
    };
    let class = match o.rfm_segments {
        RfmScheme::Rf10 => "0".to_string(),
        RfmScheme::Cn8 => {
            let m_high = if has_amount {
                "CASE WHEN s.monetary * t.n > t.sm THEN 1 ELSE 0 END"
            } else {
                "0"
            };
            format!(
                "(CASE WHEN s.recency * t.n < t.sr THEN 4 ELSE 0 END) + \
                 (CASE WHEN s.purchases * t.n > t.sf THEN 2 ELSE 0 END) + {m_high}"
            )
        }
    };
    cte(
        "cl_segmented",
        format!(
            "SELECT s.*, {class} AS class FROM {scores} s CROSS JOIN \
             (SELECT count(*) AS n, sum(recency) AS sr, sum(purchases) AS sf, sum(monetary) AS sm FROM cl_rfm_values) t"
        ),
    );
    parts.push(Part {
        name: "rfm",
        values: vec![
            ("i1", "r".into()),
            ("i2", "f".into()),
            ("i3", "class".into()),
            ("i4", "count(*)".into()),
            ("i5", "sum(recency)".into()),
            ("i6", "sum(purchases)".into()),
            ("i7", "sum(repeater)".into()),
            ("m1", "sum(revenue)".into()),
        ],
        from: "FROM cl_segmented GROUP BY r, f, class".into(),
    });

    // §8 silent customers, and the top `listLimit` of them by revenue (ties by id, §11).
    let silent = i64::from(o.silent_days);
    let limit = o.list_limit;
    parts.push(Part {
        name: "silent",
        values: vec![("i1", "count(*)".into()), ("m1", "sum(revenue)".into())],
        from: format!("FROM cl_cust WHERE recency > {silent}"),
    });
    parts.push(Part {
        name: "silent_list",
        values: vec![
            ("key", "customer".into()),
            ("i1", "last_ts".into()),
            ("i2", "recency".into()),
            ("i3", "purchases".into()),
            ("i4", "r".into()),
            ("i5", "f".into()),
            ("i6", "class".into()),
            ("m1", "revenue".into()),
        ],
        from: format!(
            "FROM (SELECT * FROM cl_segmented WHERE recency > {silent} \
             ORDER BY revenue DESC, customer LIMIT {limit}) t"
        ),
    });
    // §8 overdue: days since the last purchase beyond overdueFactor × the median own gap.
    cte(
        "cl_overdue",
        format!(
            "SELECT c.customer, c.last_ts, c.purchases, c.revenue, g.median_gap, \
             (cl_e.e - c.last_ts) / CAST(86400 AS DOUBLE) AS since FROM cl_cust c \
             JOIN (SELECT customer, {} AS median_gap FROM cl_units WHERE next_ts IS NOT NULL GROUP BY customer) g \
             ON g.customer = c.customer CROSS JOIN cl_e \
             WHERE (cl_e.e - c.last_ts) / CAST(86400 AS DOUBLE) > {:?} * g.median_gap",
            w.percentile(gap_days, 0.5),
            o.overdue_factor
        ),
    );
    parts.push(Part {
        name: "overdue_count",
        values: vec![("i1", "count(*)".into())],
        from: "FROM cl_overdue".into(),
    });
    parts.push(Part {
        name: "overdue",
        values: vec![
            ("key", "customer".into()),
            ("i1", "last_ts".into()),
            ("i2", "purchases".into()),
            ("f1", "since".into()),
            ("f2", "median_gap".into()),
            ("m1", "revenue".into()),
        ],
        from: format!(
            "FROM (SELECT * FROM cl_overdue ORDER BY revenue DESC, customer LIMIT {limit}) t"
        ),
    });

    // §7 breakdowns and comparisons: each buyer's value (first purchase, or the most
    // frequent over purchases, ties → seen earliest), blank written "(blank)".
    let mut attributions: Vec<(usize, Attribution)> = breakdowns
        .iter()
        .map(|b| (b.1, b.2))
        .chain(compares.iter().copied())
        .collect();
    attributions.sort_by_key(|&(d, a)| (d, a == Attribution::Mode));
    attributions.dedup();
    let attr_name = |d: usize, a: Attribution| {
        format!(
            "cl_attr{d}_{}",
            if a == Attribution::Mode {
                "mode"
            } else {
                "first"
            }
        )
    };
    for &(d, a) in &attributions {
        let body = match a {
            Attribution::First => format!(
                "SELECT c.*, c.first_dim{d} AS v FROM cl_cust c"
            ),
            Attribution::Mode => format!(
                "SELECT c.*, t.v FROM cl_cust c JOIN \
                 (SELECT customer, v, row_number() OVER (PARTITION BY customer ORDER BY cnt DESC, seen) AS pick \
                  FROM (SELECT customer, dim{d} AS v, count(*) AS cnt, min(n) AS seen FROM cl_units GROUP BY customer, dim{d}) x) t \
                 ON t.customer = c.customer AND t.pick = 1"
            ),
        };
        cte(&attr_name(d, a), body);
    }
    let max_groups = o.max_groups;
    for (i, (_, d, a)) in breakdowns.iter().enumerate() {
        let label = "CASE WHEN v = '' THEN '(blank)' ELSE v END";
        let name = format!("cl_groups{i}");
        cte(
            &name,
            format!(
                "SELECT a.*, CASE WHEN g.rank_ <= {max_groups} THEN g.label END AS grp FROM \
                 (SELECT x.*, {label} AS label FROM {} x) a JOIN \
                 (SELECT label, row_number() OVER (ORDER BY count(*) DESC, label) AS rank_ FROM \
                  (SELECT {label} AS label FROM {}) y GROUP BY label) g ON g.label = a.label",
                attr_name(*d, *a),
                attr_name(*d, *a)
            ),
        );
        parts.push(Part {
            name: "group",
            values: vec![
                ("key", "grp".into()),
                ("i1", i.to_string()),
                ("i2", "count(*)".into()),
                ("i3", "sum(repeater)".into()),
                ("i4", "sum(purchases)".into()),
                ("f1", w.percentile("gap1 / CAST(86400 AS DOUBLE)", 0.5)),
                ("m1", "sum(revenue)".into()),
            ],
            from: format!("FROM {name} GROUP BY grp"),
        });
    }
    for (i, (spec, &(d, a))) in o.compare.iter().zip(&compares).enumerate() {
        let is = |value: &str| {
            format!(
                "CASE WHEN v = '' THEN {} ELSE v = {} END",
                if value == "(blank)" || value.is_empty() {
                    "TRUE"
                } else {
                    "FALSE"
                },
                w.text(value)
            )
        };
        parts.push(Part {
            name: "compare",
            values: vec![
                ("i1", i.to_string()),
                ("i2", format!("count(*) FILTER (WHERE {})", is(&spec.a))),
                (
                    "i3",
                    format!("count(*) FILTER (WHERE repeater = 1 AND {})", is(&spec.a)),
                ),
                ("i4", format!("count(*) FILTER (WHERE {})", is(&spec.b))),
                (
                    "i5",
                    format!("count(*) FILTER (WHERE repeater = 1 AND {})", is(&spec.b)),
                ),
            ],
            from: format!("FROM {}", attr_name(d, a)),
        });
    }

    // §13 win-back: after each purchase a customer is lapsed from the first period starting
    // on or after day + silentDays + 1 through the period of the next purchase (or the last
    // period); the engine adds up these spans (the same difference array as `winback.rs`).
    let p_last = p_of(&format!("CAST(floor((cl_e.e - 1) / {day}) AS BIGINT)"));
    let lapse_day = format!("(u.day + {})", silent + 1);
    let p_lapse = p_of(&lapse_day);
    let ceil_period = format!(
        "(CASE WHEN {} < {lapse_day} THEN {p_lapse} + 1 ELSE {p_lapse} END)",
        w.period_start(pg, &p_lapse)
    );
    cte(
        "cl_lapses",
        format!(
            "SELECT * FROM (SELECT u.customer, u.next_day, {ceil_period} AS a, \
             CASE WHEN u.next_day IS NULL THEN {p_last} ELSE {} END AS z \
             FROM cl_units u CROSS JOIN cl_e) t WHERE a <= z",
            p_of("u.next_day")
        ),
    );
    parts.push(Part {
        name: "lapse_start",
        values: vec![("i1", "a".into()), ("i2", "count(*)".into())],
        from: "FROM cl_lapses GROUP BY a".into(),
    });
    parts.push(Part {
        name: "lapse_end",
        values: vec![
            ("i1", "z".into()),
            ("i2", "count(*)".into()),
            ("i3", "count(*) FILTER (WHERE next_day IS NOT NULL)".into()),
        ],
        from: "FROM cl_lapses GROUP BY z".into(),
    });
    let winback_gap = "CAST(next_day - day AS DOUBLE)";
    parts.push(Part {
        name: "winback",
        values: vec![
            ("i1", "count(DISTINCT customer)".into()),
            ("f1", w.percentile(winback_gap, 0.5)),
            ("f2", w.percentile(winback_gap, 0.25)),
            ("f3", w.percentile(winback_gap, 0.75)),
        ],
        from: format!("FROM cl_units WHERE next_day - day > {silent}"),
    });

    if source.product.is_some() {
        products(&w, &mut cte, &mut parts);
    }
    clv(&w, &mut cte, &mut parts, clv_rows);

    let mut sql = String::new();
    if dialect == Dialect::Spark {
        sql.push_str("SET spark.sql.session.timeZone=UTC;\n");
    }
    sql.push_str(&format!(
        "-- cohortlens {} summary query (README \"Your warehouse\"). Its result is one table; save it as CSV.\n",
        dialect.name()
    ));
    sql.push_str("WITH\n");
    sql.push_str(
        &ctes
            .iter()
            .map(|(name, body)| format!("{name} AS (\n  {body}\n)"))
            .collect::<Vec<_>>()
            .join(",\n"),
    );
    sql.push('\n');
    sql.push_str(
        &parts
            .iter()
            .map(|p| w.part(p))
            .collect::<Vec<_>>()
            .join("\nUNION ALL\n"),
    );
    sql.push_str(";\n");
    Ok(sql)
}

/// A CTE sink: (name, body).
type Cte<'a> = dyn FnMut(&str, String) + 'a;

/// §12 products: each purchase's distinct products (the day's orders' with `countBy: "day"`),
/// first products, every product's buyers and cycles, and what the second purchase held.
fn products(w: &Writer, cte: &mut Cte, parts: &mut Vec<Part>) {
    let max_groups = w.options.max_groups;
    cte(
        "cl_unit_products",
        "SELECT DISTINCT u.customer, u.n, u.ts, s.product FROM cl_src s \
         JOIN cl_orders o ON o.customer = s.customer AND o.order_id = s.order_id AND o.purchase = 1 \
         JOIN cl_units u ON u.customer = o.customer AND u.ukey = o.ukey \
         WHERE s.product <> ''"
            .into(),
    );
    cte(
        "cl_first_products",
        format!(
            "SELECT * FROM (SELECT p.product, count(*) AS customers, sum(c.repeater) AS repeaters, \
             sum(c.revenue) AS revenue, {} AS median_second \
             FROM cl_unit_products p JOIN cl_cust c ON c.customer = p.customer WHERE p.n = 1 \
             GROUP BY p.product) t ORDER BY customers DESC, product LIMIT {max_groups}",
            w.percentile("c.gap1 / CAST(86400 AS DOUBLE)", 0.5)
        ),
    );
    parts.push(Part {
        name: "first_product",
        values: vec![
            ("key", "product".into()),
            ("i1", "customers".into()),
            ("i2", "repeaters".into()),
            ("f1", "median_second".into()),
            ("m1", "revenue".into()),
        ],
        from: "FROM cl_first_products".into(),
    });
    cte(
        "cl_product_cycles",
        "SELECT customer, product, \
         (lead(ts) OVER (PARTITION BY customer, product ORDER BY n) - ts) / CAST(86400 AS DOUBLE) AS cycle \
         FROM cl_unit_products"
            .into(),
    );
    let cycle = "cycle";
    parts.push(Part {
        name: "product_repeat",
        values: vec![
            ("key", "product".into()),
            ("i1", "buyers".into()),
            ("i2", "repeat_buyers".into()),
            ("f1", "median_cycle".into()),
            ("f2", "p25_cycle".into()),
            ("f3", "p75_cycle".into()),
        ],
        from: format!(
            "FROM (SELECT b.product, b.buyers, b.repeat_buyers, q.median_cycle, q.p25_cycle, q.p75_cycle FROM \
             (SELECT product, count(*) AS buyers, count(*) FILTER (WHERE k >= 2) AS repeat_buyers FROM \
              (SELECT customer, product, count(*) AS k FROM cl_unit_products GROUP BY customer, product) x \
              GROUP BY product ORDER BY buyers DESC, product LIMIT {max_groups}) b \
             LEFT JOIN (SELECT product, {} AS median_cycle, {} AS p25_cycle, {} AS p75_cycle \
              FROM cl_product_cycles WHERE cycle IS NOT NULL GROUP BY product) q ON q.product = b.product) t",
            w.percentile(cycle, 0.5),
            w.percentile(cycle, 0.25),
            w.percentile(cycle, 0.75)
        ),
    });
    // For the listed first products: buyers with a second purchase, and the products of it.
    parts.push(Part {
        name: "next_customers",
        values: vec![("key", "f.product".into()), ("i1", "count(*)".into())],
        from:
            "FROM cl_first_products f JOIN cl_unit_products p ON p.product = f.product AND p.n = 1 \
               JOIN cl_cust c ON c.customer = p.customer AND c.purchases >= 2 GROUP BY f.product"
                .into(),
    });
    parts.push(Part {
        name: "next_product",
        values: vec![
            ("key", "product".into()),
            ("key2", "next_product".into()),
            ("i1", "customers".into()),
        ],
        from: "FROM (SELECT product, next_product, customers, \
               row_number() OVER (PARTITION BY product ORDER BY customers DESC, next_product) AS rank_ FROM \
               (SELECT f.product, s.product AS next_product, count(*) AS customers \
                FROM cl_first_products f JOIN cl_unit_products p ON p.product = f.product AND p.n = 1 \
                JOIN cl_unit_products s ON s.customer = p.customer AND s.n = 2 \
                GROUP BY f.product, s.product) x) t WHERE rank_ <= 5"
            .into(),
    });
}

/// The most rows each CLV part of the result may have before it is binned (README "Your
/// warehouse"): 50,000 rows are about 2.5 MB of CSV, so both parts stay well below 10 MB.
pub const CLV_ROWS: u64 = 50_000;

/// The grids tried for t_x and T, in days, finest first: 1 is exact.
const DAY_GRIDS: [i64; 7] = [1, 2, 4, 7, 14, 28, 56];

/// The relative widths tried for a repeat customer's total value, in millionths, finest first:
/// 0 is exact.
const VALUE_GRIDS: [i64; 5] = [0, 500, 2_000, 10_000, 50_000];

/// The finest grid of `grids` whose cells (`key(grid)` with x) number at most `rows`, or the
/// coarsest: a one-row table `cl_{name}_grid` with the column `g`.
fn finest_grid(cte: &mut Cte, name: &str, grids: &[i64], rows: u64, key: impl Fn(&str) -> String) {
    let levels: Vec<String> = grids
        .iter()
        .map(|g| {
            format!(
                "SELECT CAST({g} AS BIGINT) AS g, count(*) AS n FROM \
                 (SELECT DISTINCT x, {} FROM cl_{name}_exact) t",
                key(&g.to_string())
            )
        })
        .collect();
    cte(
        &format!("cl_{name}_grid"),
        format!(
            "SELECT coalesce(min(g) FILTER (WHERE n <= {rows}), max(g)) AS g FROM ({}) t",
            levels.join(" UNION ALL ")
        ),
    );
}

/// §9 CLV inputs, compressed: buyers per distinct (x, t_x, T) in days, and per distinct
/// (x, total value of the repeat purchase days) for Gamma-Gamma. Exact while the distinct
/// rows number at most `clv_rows`; past that, t_x and T are binned on the finest grid of
/// days that fits (each cell carries its buyers' mean t_x and T), and the totals on the
/// finest relative grid (each cell carries its buyers' mean total). The summary says so.
fn clv(w: &Writer, cte: &mut Cte, parts: &mut Vec<Part>, clv_rows: u64) {
    cte(
        "cl_days_exact",
        "SELECT x, tx, t, count(*) AS c FROM cl_cust GROUP BY x, tx, t".into(),
    );
    let cell = |g: &str| format!("floor(tx / {g}), floor(t / {g})");
    finest_grid(cte, "days", &DAY_GRIDS, clv_rows, cell);
    // Only a binned cell needs its mean (an exact one is its own days).
    let mean = |v: &str| format!("CASE WHEN g > 1 THEN CAST(sum({v} * c) AS DOUBLE) / sum(c) END");
    parts.push(Part {
        name: "clv_days",
        values: vec![
            ("i1", "x".into()),
            ("i2", "CAST(floor(tx / g) AS BIGINT) * g".into()),
            ("i3", "CAST(floor(t / g) AS BIGINT) * g".into()),
            ("i4", "sum(c)".into()),
            ("i5", "g".into()),
            ("f1", mean("tx")),
            ("f2", mean("t")),
        ],
        from: format!(
            "FROM cl_days_exact CROSS JOIN cl_days_grid GROUP BY x, {}, g",
            cell("g")
        ),
    });
    if w.source.amount.is_some() {
        cte(
            "cl_value_exact",
            "SELECT x, repeat_total, count(*) AS c FROM cl_cust \
             WHERE x >= 1 AND repeat_total > 0 GROUP BY x, repeat_total"
                .into(),
        );
        // A cell of relative width g millionths: the same floor of ln(total) / ln(1 + g/1e6).
        let bucket = |g: &str| {
            format!(
                "CASE WHEN {g} = 0 THEN repeat_total ELSE CAST(0 AS DECIMAL(38,6)) END, \
                 CASE WHEN {g} = 0 THEN 0 ELSE floor(ln(CAST(repeat_total AS DOUBLE)) / ln(1 + greatest({g}, 1) / 1e6)) END"
            )
        };
        finest_grid(cte, "value", &VALUE_GRIDS, clv_rows, bucket);
        parts.push(Part {
            name: "clv_value",
            values: vec![
                ("i1", "x".into()),
                ("i2", "sum(c)".into()),
                ("i3", "g".into()),
                (
                    "m1",
                    "CASE WHEN g = 0 THEN min(repeat_total) \
                     ELSE CAST(sum(repeat_total * c) / sum(c) AS DECIMAL(38,6)) END"
                        .into(),
                ),
            ],
            from: format!(
                "FROM cl_value_exact CROSS JOIN cl_value_grid GROUP BY x, {}, g",
                bucket("g")
            ),
        });
    }
}
