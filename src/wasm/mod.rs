//! The JavaScript binding: the only module that names `JsValue`, `js_sys` or `wasm_bindgen`.
//! Bytes come in as `Uint8Array`, the Report leaves as a plain object (SPEC §10 names, `null`
//! for absent values), errors leave as real `Error`s with a stable `code`.
//!
//! Options and the Report cross as JSON text (`JSON.stringify` / `JSON.parse`) rather than
//! object by object: one code path with the native engine (the same `Options::from_json`, so
//! unknown option names are rejected the same way), and a Report with hundreds of thousands of
//! per-customer rows is built by the engine's JSON parser instead of one JS call per field.

use js_sys::{Object, Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::analysis::{self, Analysis};
use crate::error::{Error, ErrorKind, Locale};
use crate::export::Format;
use crate::options::Options;
use crate::selection::Selection;
#[cfg(feature = "warehouse")]
use crate::warehouse::{self, Dialect, Source};

#[cfg(not(feature = "encoding-tables"))]
pub(crate) mod text;

/// Installs the panic hook once. A panic is a bug (no input may reach one), but if it happens
/// the console says where.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Seconds from the JS clock (`Date.now`, millisecond resolution; `Instant` is unavailable).
fn clock() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// A JS `Error` with `code`, `line` and `column` (or `null`), message in the locale.
fn js_error(e: &Error, locale: Locale) -> JsValue {
    let err = js_sys::Error::new(e.message(locale));
    err.set_name("CohortlensError");
    let set = |key: &str, value: JsValue| {
        // Setting a property on a fresh Error object cannot fail.
        let _ = Reflect::set(&err, &JsValue::from_str(key), &value);
    };
    set("code", JsValue::from_str(e.code()));
    let position = e.position();
    set(
        "line",
        position
            .line
            .map_or(JsValue::NULL, |l| JsValue::from_f64(l as f64)),
    );
    set(
        "column",
        position
            .column
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str),
    );
    err.into()
}

/// Options from a JS object (`undefined`/`null` → defaults), validated.
fn options_from(value: JsValue) -> Result<Options, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Options::default());
    }
    // The locale, read first, so that even a bad-options error speaks the caller's language.
    let locale = Reflect::get(&value, &JsValue::from_str("locale"))
        .ok()
        .and_then(|l| l.as_string())
        .map_or(Locale::En, |l| {
            if l.starts_with("zh") {
                Locale::Zh
            } else {
                Locale::En
            }
        });
    let text = JSON::stringify(&value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| {
            js_error(
                &Error::new(
                    ErrorKind::BadOptions,
                    "options must be a plain JSON-like object",
                    "选项必须是普通的 JSON 对象",
                ),
                locale,
            )
        })?;
    Options::from_json(&text).map_err(|e| js_error(&e, locale))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    JSON::parse(&text)
}

/// `analyze(bytes, options?)`: the Report of an orders file.
#[wasm_bindgen(js_name = analyze)]
pub fn analyze_js(bytes: &[u8], options: JsValue) -> Result<JsValue, JsValue> {
    let options = options_from(options)?;
    let analysis =
        Analysis::run_timed(bytes, &options, &clock).map_err(|e| js_error(&e, options.locale()))?;
    to_js(&analysis.report)
}

/// A streaming analysis: `push` chunks as they arrive (e.g. from `File.stream()`; each is
/// parsed at once and let go), then `finish()` for the Report; afterwards `rerun(options)`
/// recomputes the Report with other options from the parsed orders, and `exportCustomers`
/// gives the per-customer table.
#[wasm_bindgen]
pub struct Analyzer {
    options: Options,
    streaming: Option<analysis::Analyzer>,
    /// The clock's time at construction: the ingest phase runs from then.
    started: f64,
    consumed: u64,
    analysis: Option<Analysis>,
}

#[wasm_bindgen]
impl Analyzer {
    /// A new analyzer with the given options; `size` (the file's bytes, optional) sizes its
    /// tables up front.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, size: Option<f64>) -> Result<Analyzer, JsValue> {
        let options = options_from(options)?;
        let streaming = match size {
            Some(size) if size > 0.0 => analysis::Analyzer::with_size_hint(&options, size as u64),
            _ => analysis::Analyzer::new(&options),
        }
        .map_err(|e| js_error(&e, options.locale()))?;
        Ok(Analyzer {
            started: clock(),
            streaming: Some(streaming),
            consumed: 0,
            analysis: None,
            options,
        })
    }

    /// Parses a chunk of the file; returns the bytes consumed so far. Throws at the first
    /// problem that stops the analysis (no customer column, a binary file…).
    pub fn push(&mut self, chunk: &[u8]) -> Result<f64, JsValue> {
        let locale = self.options.locale();
        let streaming = self.streaming.as_mut().ok_or_else(|| {
            js_error(
                &Error::new(
                    ErrorKind::BadOptions,
                    "push() after finish(): start a new Analyzer",
                    "finish() 之后不能再 push()：请新建一个 Analyzer",
                ),
                locale,
            )
        })?;
        check_memory().map_err(|e| js_error(&e, locale))?;
        streaming.push(chunk).map_err(|e| js_error(&e, locale))?;
        self.consumed = streaming.bytes_consumed();
        Ok(self.consumed as f64)
    }

    /// Bytes consumed so far.
    #[wasm_bindgen(getter, js_name = bytesConsumed)]
    pub fn bytes_consumed(&self) -> f64 {
        self.consumed as f64
    }

    /// Data rows parsed so far (delimited text; workbooks and Arrow are read at `finish`).
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> f64 {
        self.streaming.as_ref().map_or(0, |s| s.rows()) as f64
    }

    /// Analyses everything pushed and returns the Report.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let locale = self.options.locale();
        let mut streaming = self.streaming.take().ok_or_else(|| {
            js_error(
                &Error::new(
                    ErrorKind::BadOptions,
                    "finish() was already called",
                    "finish() 已经调用过",
                ),
                locale,
            )
        })?;
        let analysis = streaming
            .finish(&clock, self.started)
            .map_err(|e| js_error(&e, locale))?;
        drop(streaming);
        let report = to_js(&analysis.report);
        self.analysis = Some(analysis);
        report
    }

    /// The Report with other options, from the orders already parsed (no byte is read
    /// again): grains, windows, scoring, breakdowns, CLV settings, locale… Returns `null` when
    /// the options change what is read or kept (mapping, header, delimiter, encoding, sheet,
    /// asOf): the file must then be analysed again.
    pub fn rerun(&mut self, options: JsValue) -> Result<JsValue, JsValue> {
        let options = options_from(options)?;
        let locale = options.locale();
        let analysis = self.analysis.as_ref().ok_or_else(|| {
            js_error(
                &Error::new(
                    ErrorKind::BadOptions,
                    "rerun() needs a finished analysis: call finish() first",
                    "rerun() 需要先完成分析：请先调用 finish()",
                ),
                locale,
            )
        })?;
        match analysis
            .rerun(&options, &clock)
            .map_err(|e| js_error(&e, locale))?
        {
            None => Ok(JsValue::NULL),
            Some(again) => {
                let report = to_js(&again.report);
                self.analysis = Some(again);
                self.options = options;
                report
            }
        }
    }

    /// Seconds spent in each phase of the finished analysis (`null` before `finish`).
    #[wasm_bindgen(getter)]
    pub fn timings(&self) -> Result<JsValue, JsValue> {
        match &self.analysis {
            Some(a) => to_js(&a.timings),
            None => Ok(JsValue::NULL),
        }
    }

    /// The per-customer table as `"csv"`, `"xlsx"` or `"arrow"` (IPC stream) bytes, after
    /// `finish`: every buyer, or the customers of `selection` (a segment, grid cell, group,
    /// list, CLV decile or product; see `Selection`) with headers in its `locale`.
    #[wasm_bindgen(js_name = exportCustomers)]
    pub fn export_customers(&self, format: &str, selection: JsValue) -> Result<Vec<u8>, JsValue> {
        let locale = self.options.locale();
        let format = Format::from_name(format).map_err(|e| js_error(&e, locale))?;
        let selection = selection_from(selection, locale)?;
        self.finished(locale)?
            .export_selection(format, &selection)
            .map_err(|e| js_error(&e, locale))
    }

    /// `{ count, rows }`: the customers of `selection` (see `exportCustomers`), revenue
    /// descending, `limit` of them (default 100) from `offset`; after `finish`.
    pub fn customers(
        &self,
        selection: JsValue,
        offset: Option<f64>,
        limit: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let locale = self.options.locale();
        let selection = selection_from(selection, locale)?;
        let list = self
            .finished(locale)?
            .customer_list(
                &selection,
                offset.unwrap_or(0.0).max(0.0) as usize,
                limit.unwrap_or(100.0).max(0.0) as usize,
            )
            .map_err(|e| js_error(&e, locale))?;
        to_js(&list)
    }
}

impl Analyzer {
    /// The finished analysis, or a clear error before `finish`.
    fn finished(&self, locale: Locale) -> Result<&Analysis, JsValue> {
        self.analysis.as_ref().ok_or_else(|| {
            js_error(
                &Error::new(
                    ErrorKind::BadOptions,
                    "customer lists and exports need a finished analysis: call finish() first",
                    "客户名单和导出需要先完成分析：请先调用 finish()",
                ),
                locale,
            )
        })
    }
}

/// The JSON text of a JS value (empty when it has none, which the JSON reader then refuses).
fn json_text(value: &JsValue) -> String {
    JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default()
}

/// A selection from a JS object (`undefined`/`null` → every buyer).
fn selection_from(value: JsValue, locale: Locale) -> Result<Selection, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Selection::default());
    }
    serde_json::from_str(&json_text(&value)).map_err(|e| {
        js_error(
            &Error::new(
                ErrorKind::BadOptions,
                format!("invalid selection: {e}"),
                format!("选择无效：{e}"),
            ),
            locale,
        )
    })
}

/// `probe(bytes, options?)`: format, encoding, delimiter, header, the proposed mapping with the
/// candidate columns per role, and the first rows of a file (its first 64 KB suffice).
#[wasm_bindgen]
pub fn probe(bytes: &[u8], options: JsValue) -> Result<JsValue, JsValue> {
    let options = options_from(options)?;
    let found =
        crate::ingest::probe::probe(bytes, &options).map_err(|e| js_error(&e, options.locale()))?;
    to_js(&found)
}

/// `presetOptions(name)`: the options of a named preset (`"page"`, `"engine"`), to lay under a
/// caller's own.
#[wasm_bindgen(js_name = presetOptions)]
pub fn preset_options(name: &str) -> Result<JsValue, JsValue> {
    let preset = crate::options::preset(name).ok_or_else(|| {
        js_error(
            &Error::new(
                ErrorKind::BadOptions,
                format!("unknown preset {name:?}: use \"page\" or \"engine\""),
                format!("未知预设 {name:?}：请使用 \"page\" 或 \"engine\""),
            ),
            Locale::En,
        )
    })?;
    to_js(&preset)
}

/// `warehouseSql(options, dialect, source)`: the summary query for `options` in `dialect`
/// (`"spark"` or `"duckdb"`) over `source`, the table and its columns by role (README "Your
/// warehouse").
#[cfg(feature = "warehouse")]
#[wasm_bindgen(js_name = warehouseSql)]
pub fn warehouse_sql_js(
    options: JsValue,
    dialect: &str,
    source: JsValue,
) -> Result<String, JsValue> {
    let options = options_from(options)?;
    let locale = options.locale();
    let dialect = Dialect::parse(dialect).map_err(|e| js_error(&e, locale))?;
    let source = source_from(source, locale)?;
    warehouse::warehouse_sql(&options, dialect, &source).map_err(|e| js_error(&e, locale))
}

/// A warehouse source from a JS object; missing or malformed is a `BadOptions` error.
#[cfg(feature = "warehouse")]
fn source_from(value: JsValue, locale: Locale) -> Result<Source, JsValue> {
    let bad = |en: String, zh: String| js_error(&Error::new(ErrorKind::BadOptions, en, zh), locale);
    if value.is_undefined() || value.is_null() {
        return Err(bad(
            "warehouseSql needs a source: { table, customer, time, amount?, order?, status?, product?, seq?, dimensions? }".into(),
            "warehouseSql 需要 source：{ table, customer, time, amount?, order?, status?, product?, seq?, dimensions? }".into(),
        ));
    }
    serde_json::from_str(&json_text(&value)).map_err(|e| {
        bad(
            format!("invalid warehouse source: {e}"),
            format!("仓库 source 无效：{e}"),
        )
    })
}

/// `analyzeSummary(bytes, options?)`: the Report from the warehouse SQL's result table (CSV),
/// with the options the SQL was generated from.
#[cfg(feature = "warehouse")]
#[wasm_bindgen(js_name = analyzeSummary)]
pub fn analyze_summary_js(bytes: &[u8], options: JsValue) -> Result<JsValue, JsValue> {
    let options = options_from(options)?;
    let report =
        warehouse::analyze_summary(bytes, &options).map_err(|e| js_error(&e, options.locale()))?;
    to_js(&report)
}

/// The wasm memory's size in bytes.
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    core::arch::wasm32::memory_size(0) as f64 * 65536.0
}

/// wasm32 memory ends at 4 GB and browsers may refuse to grow it sooner: a failed allocation
/// then kills the instance (`unreachable`). Past this size the analysis stops with a clear
/// `OutOfMemory` instead, while it still can.
const MEMORY_LIMIT: f64 = 3.0 * 1024.0 * 1024.0 * 1024.0;

fn check_memory() -> Result<(), Error> {
    let bytes = memory_bytes();
    if bytes < MEMORY_LIMIT {
        return Ok(());
    }
    let gb = bytes / (1024.0 * 1024.0 * 1024.0);
    Err(Error::new(
        ErrorKind::OutOfMemory,
        format!("the analysis needs more memory than this page can have ({gb:.1} GB reached): analyse a shorter period or fewer columns, or use the command-line version"),
        format!("分析所需内存超出了页面可用的上限（已达 {gb:.1} GB）：请缩短时间范围或减少列，或使用命令行版本"),
    ))
}

/// `exportCustomers(bytes, options, format)`: analyse and return the per-customer table.
#[wasm_bindgen(js_name = exportCustomers)]
pub fn export_customers_js(
    bytes: &[u8],
    options: JsValue,
    format: &str,
) -> Result<Vec<u8>, JsValue> {
    let options = options_from(options)?;
    let locale = options.locale();
    let format = Format::from_name(format).map_err(|e| js_error(&e, locale))?;
    Analysis::run(bytes, &options)
        .and_then(|a| a.customer_table().encode(format))
        .map_err(|e| js_error(&e, locale))
}

/// A plain object describing the build, for diagnostics.
#[wasm_bindgen]
pub fn version() -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(
        &o,
        &JsValue::from_str("version"),
        &JsValue::from_str(env!("CARGO_PKG_VERSION")),
    );
    o.into()
}
