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

/// The options a summary's figures are made with (those its SQL writes into the query), as
/// JSON: every option but those the tab applies to the result (the CLV unit, horizon,
/// discount, model and list length, the locale) and those of reading a file.
pub fn summary_options(options: &Options) -> Result<serde_json::Value> {
    const IN_THE_TAB: [&str; 14] = [
        "mapping",
        "header",
        "delimiter",
        "encoding",
        "sheet",
        "locale",
        "assumeYear",
        "clvUnit",
        "horizon",
        "discountRate",
        "calibrationSplit",
        "clvCustomerLimit",
        "clvModel",
        "refundWindowDays",
    ];
    let mut json = serde_json::to_value(options).map_err(|e| {
        Error::new(
            ErrorKind::BadOptions,
            format!("the options cannot be written as JSON: {e}"),
            format!("选项无法写成 JSON：{e}"),
        )
    })?;
    if let Some(map) = json.as_object_mut() {
        for key in IN_THE_TAB {
            map.remove(key);
        }
    }
    Ok(json)
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

/// One row of the orders table `--orders-out` writes ([`Source::of_orders`]): an order and one
/// of its products (the order alone when it has none), the amount on its first row only;
/// `seq` keeps the file's order of orders at the same instant (§11).
struct OrderRow {
    customer: String,
    order: i64,
    time: i64,
    amount: i64,
    status: String,
    product: String,
    dims: Vec<String>,
}

/// The rows of the orders table of an analysis, in order.
fn order_rows(analysis: &Analysis) -> impl Iterator<Item = OrderRow> + '_ {
    let orders = &analysis.orders;
    (0..orders.len()).flat_map(move |o| {
        let products: Vec<String> = match &orders.products {
            Some(p) => {
                let names = &orders.dims[p.dim].values;
                p.of_order(o).iter().map(|&v| names.text(v)).collect()
            }
            None => Vec::new(),
        };
        let lines = products.len().max(1);
        (0..lines).map(move |line| OrderRow {
            customer: orders.customers.text(orders.customer[o]),
            order: o as i64,
            time: orders.time[o],
            amount: if line == 0 { orders.amount[o] } else { 0 },
            status: orders.statuses.text(orders.status[o]),
            product: products.get(line).cloned().unwrap_or_default(),
            dims: orders
                .dims
                .iter()
                .map(|d| d.values.text(d.of_order[o]))
                .collect(),
        })
    })
}

/// The orders table's column names: the canonical ones, then the dimensions by their names.
fn order_columns(analysis: &Analysis) -> Vec<String> {
    let canonical = [
        "cl_customer",
        "cl_order",
        "cl_seq",
        "cl_time",
        "cl_amount",
        "cl_status",
        "cl_product",
    ];
    canonical
        .iter()
        .map(|c| c.to_string())
        .chain(analysis.orders.dims.iter().map(|d| d.name.clone()))
        .collect()
}

/// The cleaned, typed orders of an analysis as CSV, for a warehouse or DuckDB to load
/// (`--orders-out FILE.csv`): the rows of [`order_rows`], the time as `YYYY-MM-DD HH:MM:SS`
/// and the amount as an exact decimal.
pub fn orders_csv(analysis: &Analysis) -> Vec<u8> {
    let mut out = String::new();
    for (i, name) in order_columns(analysis).iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_cell(&mut out, name);
    }
    out.push('\n');
    for row in order_rows(analysis) {
        csv_cell(&mut out, &row.customer);
        out.push_str(&format!(
            ",{o},{o},{},{},",
            format_time(row.time).replace('T', " "),
            decimal(row.amount),
            o = row.order
        ));
        csv_cell(&mut out, &row.status);
        out.push(',');
        csv_cell(&mut out, &row.product);
        for d in &row.dims {
            out.push(',');
            csv_cell(&mut out, d);
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// The same table as an Arrow IPC file (`--orders-out FILE.arrow`), typed: `cl_order` and
/// `cl_seq` Int64, `cl_time` a timestamp in microseconds without a zone (the wall clock),
/// `cl_amount` Decimal128(38, 6), the rest UTF-8.
#[cfg(feature = "arrow")]
pub fn orders_arrow(analysis: &Analysis) -> Result<Vec<u8>> {
    use std::sync::Arc;

    use arrow_array::TimestampMicrosecondArray;
    use arrow_array::{ArrayRef, Decimal128Array, Int64Array, RecordBatch, StringArray};
    use arrow_ipc::writer::FileWriter;
    use arrow_schema::{DataType, Field, Schema, TimeUnit};

    let fail = |e: arrow_schema::ArrowError| {
        Error::new(
            ErrorKind::BadArrow,
            format!("cannot write the orders as Arrow: {e}"),
            format!("无法将订单写成 Arrow：{e}"),
        )
    };
    let rows: Vec<OrderRow> = order_rows(analysis).collect();
    let text = |f: &dyn Fn(&OrderRow) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
    };
    let order: ArrayRef = Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.order)));
    let mut arrays: Vec<ArrayRef> = vec![
        text(&|r| &r.customer),
        order.clone(),
        order,
        Arc::new(TimestampMicrosecondArray::from_iter_values(
            rows.iter().map(|r| r.time * 1_000_000),
        )),
        Arc::new(
            Decimal128Array::from_iter_values(rows.iter().map(|r| i128::from(r.amount)))
                .with_precision_and_scale(38, 6)
                .map_err(fail)?,
        ),
        text(&|r| &r.status),
        text(&|r| &r.product),
    ];
    for d in 0..analysis.orders.dims.len() {
        arrays.push(text(&|r| &r.dims[d]));
    }
    let types = [
        DataType::Utf8,
        DataType::Int64,
        DataType::Int64,
        DataType::Timestamp(TimeUnit::Microsecond, None),
        DataType::Decimal128(38, 6),
    ];
    let fields: Vec<Field> = order_columns(analysis)
        .iter()
        .enumerate()
        .map(|(i, name)| Field::new(name, types.get(i).cloned().unwrap_or(DataType::Utf8), false))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(fail)?;
    let mut writer = FileWriter::try_new(Vec::new(), &schema).map_err(fail)?;
    writer.write(&batch).map_err(fail)?;
    writer.finish().map_err(fail)?;
    writer.into_inner().map_err(fail)
}

/// The summary query for `options` in `dialect`, over `source`.
pub fn warehouse_sql(options: &Options, dialect: Dialect, source: &Source) -> Result<String> {
    sql::generate(options, dialect, source, sql::CLV_ROWS)
}
