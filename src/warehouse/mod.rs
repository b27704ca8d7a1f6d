//! The merchant's warehouse computes, the engine reports: SQL for Spark and DuckDB that turns
//! an order table into a few small aggregate tables ([`sql`]), and the Report from those
//! tables ([`summary`]). The data never leaves the warehouse; only the aggregates reach the
//! merchant's own browser.

pub mod sql;
pub mod summary;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::error::{Error, ErrorKind, Result};
use crate::options::Options;
use crate::period::format_time;

pub use summary::analyze_summary;

/// A SQL dialect the generated query is written in (each one tested by running it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Apache Spark SQL (Databricks, `spark-sql`, PySpark).
    Spark,
    /// DuckDB.
    Duckdb,
}

impl Dialect {
    /// The dialect of a name: `"spark"` or `"duckdb"`.
    pub fn parse(name: &str) -> Result<Dialect> {
        match name {
            "spark" => Ok(Dialect::Spark),
            "duckdb" => Ok(Dialect::Duckdb),
            other => Err(Error::new(
                ErrorKind::BadOptions,
                format!("unknown SQL dialect {other:?}: use \"spark\" or \"duckdb\""),
                format!("未知的 SQL 方言 {other:?}：请用 \"spark\" 或 \"duckdb\""),
            )),
        }
    }

    /// The dialect's name.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Spark => "spark",
            Dialect::Duckdb => "duckdb",
        }
    }
}

/// Where the orders are in the warehouse: a table (or view) and its columns by role. One row
/// is an order line; lines sharing an `order` id (within a customer) are one order (SPEC §1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "WarehouseSource"))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Source {
    /// The table, written into the query as given (`db.orders`, a quoted name…).
    pub table: String,
    /// Customer id column.
    pub customer: String,
    /// Order time column: a TIMESTAMP (or DATE), wall clock as the shop wrote it.
    pub time: String,
    /// Amount column (a number), if any.
    #[cfg_attr(test, ts(optional = nullable))]
    pub amount: Option<String>,
    /// Order id column, if any: without it every row is an order.
    #[cfg_attr(test, ts(optional = nullable))]
    pub order: Option<String>,
    /// Status column, if any.
    #[cfg_attr(test, ts(optional = nullable))]
    pub status: Option<String>,
    /// Product column (SPEC §12), if any.
    #[cfg_attr(test, ts(optional = nullable))]
    pub product: Option<String>,
    /// A column giving the lines' order as in a file (integers), if any; ties at the same
    /// instant are otherwise broken by order id.
    #[cfg_attr(test, ts(optional = nullable))]
    pub seq: Option<String>,
    /// Dimension name (as the options name it) → column, where they differ.
    #[serde(default)]
    #[cfg_attr(test, ts(as = "Option<BTreeMap<String, String>>", optional))]
    pub dimensions: BTreeMap<String, String>,
}

impl Source {
    /// The table [`orders_csv`] writes for an analysis, named `table`: its canonical columns
    /// (`cl_customer`, `cl_order`, …) and the dimensions by their own names.
    pub fn of_orders(analysis: &Analysis, table: &str) -> Source {
        let orders = &analysis.orders;
        Source {
            table: table.to_string(),
            customer: "cl_customer".into(),
            time: "cl_time".into(),
            amount: orders.has_amount.then(|| "cl_amount".into()),
            order: Some("cl_order".into()),
            status: Some("cl_status".into()),
            product: orders.products.as_ref().map(|_| "cl_product".into()),
            seq: Some("cl_seq".into()),
            dimensions: BTreeMap::new(),
        }
    }
}

/// A CSV cell, quoted when it must be.
fn csv_cell(out: &mut String, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// Micros as an exact decimal with six places.
fn decimal(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let m = micros.unsigned_abs();
    format!("{sign}{}.{:06}", m / 1_000_000, m % 1_000_000)
}

/// The cleaned, typed orders of an analysis as CSV, for a warehouse or DuckDB to load
/// (`--orders-out`): one row per order and product (one row when it has none), the amount on
/// its first row only; `cl_seq` keeps the file's order of orders at the same instant (§11).
/// Each row is a line of [`Source::of_orders`]'s table.
pub fn orders_csv(analysis: &Analysis) -> Vec<u8> {
    let orders = &analysis.orders;
    let mut out =
        String::from("cl_customer,cl_order,cl_seq,cl_time,cl_amount,cl_status,cl_product");
    for d in &orders.dims {
        out.push(',');
        csv_cell(&mut out, &d.name);
    }
    out.push('\n');
    for o in 0..orders.len() {
        let products: Vec<String> = match &orders.products {
            Some(p) => {
                let names = &orders.dims[p.dim].values;
                p.of_order(o).iter().map(|&v| names.text(v)).collect()
            }
            None => Vec::new(),
        };
        let rows = products.len().max(1);
        for line in 0..rows {
            csv_cell(&mut out, &orders.customers.text(orders.customer[o]));
            out.push_str(&format!(
                ",{o},{o},{},{},",
                format_time(orders.time[o]).replace('T', " "),
                if line == 0 {
                    decimal(orders.amount[o])
                } else {
                    decimal(0)
                }
            ));
            csv_cell(&mut out, &orders.statuses.text(orders.status[o]));
            out.push(',');
            csv_cell(&mut out, products.get(line).map_or("", String::as_str));
            for d in &orders.dims {
                out.push(',');
                csv_cell(&mut out, &d.values.text(d.of_order[o]));
            }
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// The summary query for `options` in `dialect`, over `source`.
pub fn warehouse_sql(options: &Options, dialect: Dialect, source: &Source) -> Result<String> {
    sql::generate(options, dialect, source)
}
