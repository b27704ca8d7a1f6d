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

use crate::analysis::Analysis;
use crate::error::{Error, ErrorKind, Locale};
use crate::export::Format;
use crate::options::Options;

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

/// A streaming analysis: `push` chunks as they arrive (e.g. from `File.stream()`), then
/// `finish()` for the Report; `exportCustomers` afterwards for the per-customer table.
#[wasm_bindgen]
pub struct Analyzer {
    options: Options,
    bytes: Vec<u8>,
    analysis: Option<Analysis>,
}

#[wasm_bindgen]
impl Analyzer {
    /// A new analyzer with the given options.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Analyzer, JsValue> {
        Ok(Analyzer {
            options: options_from(options)?,
            bytes: Vec::new(),
            analysis: None,
        })
    }

    /// Adds a chunk of the file; returns the bytes consumed so far.
    pub fn push(&mut self, chunk: &[u8]) -> f64 {
        self.bytes.extend_from_slice(chunk);
        self.bytes.len() as f64
    }

    /// Bytes consumed so far.
    #[wasm_bindgen(getter, js_name = bytesConsumed)]
    pub fn bytes_consumed(&self) -> f64 {
        self.bytes.len() as f64
    }

    /// Analyses everything pushed and returns the Report.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let bytes = std::mem::take(&mut self.bytes);
        let analysis = Analysis::run_timed(&bytes, &self.options, &clock)
            .map_err(|e| js_error(&e, self.options.locale()))?;
        let report = to_js(&analysis.report);
        self.analysis = Some(analysis);
        report
    }

    /// Seconds spent in each phase of the finished analysis (`null` before `finish`).
    #[wasm_bindgen(getter)]
    pub fn timings(&self) -> Result<JsValue, JsValue> {
        match &self.analysis {
            Some(a) => to_js(&a.timings),
            None => Ok(JsValue::NULL),
        }
    }

    /// The per-customer table as `"csv"` or `"arrow"` (IPC stream) bytes; after `finish`.
    #[wasm_bindgen(js_name = exportCustomers)]
    pub fn export_customers(&self, format: &str) -> Result<Vec<u8>, JsValue> {
        let locale = self.options.locale();
        let format = Format::from_name(format).map_err(|e| js_error(&e, locale))?;
        let analysis = self.analysis.as_ref().ok_or_else(|| {
            js_error(
                &Error::new(
                    ErrorKind::BadOptions,
                    "exportCustomers needs a finished analysis: call finish() first",
                    "exportCustomers 需要先完成分析：请先调用 finish()",
                ),
                locale,
            )
        })?;
        analysis
            .customer_table()
            .encode(format)
            .map_err(|e| js_error(&e, locale))
    }
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
