//! Shared test helpers: golden fixture paths and a Report comparator with the golden README's
//! rules (lists matched by natural keys, integers exact, floats within a relative tolerance).
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// The repository's copy of the golden fixtures.
pub fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/golden")
}

/// Every golden fixture: (name, data file).
pub fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(golden_dir()).expect("golden dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".options.json") {
            let data = std::fs::read_dir(golden_dir())
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| {
                    let n = p.file_name().unwrap().to_string_lossy().to_string();
                    n.starts_with(&format!("{stem}.")) && !n.ends_with(".json")
                })
                .expect("data file");
            out.push((stem.to_string(), data));
        }
    }
    out.sort();
    out
}

const KEYS: [&str; 11] = [
    "period",
    "cohort",
    "k",
    "n",
    "days",
    "fromDays",
    "segment",
    "dimension",
    "value",
    "customer",
    "line",
];

/// Compares `got` with `want`; pushes a description of each difference to `diffs`.
pub fn compare(path: &str, got: &Value, want: &Value, rel: f64, diffs: &mut Vec<String>) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            if w.is_i64() || w.is_u64() {
                if g.as_f64() != w.as_f64() {
                    diffs.push(format!("{path}: got {g}, want {w}"));
                }
            } else {
                let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
                let tol = rel * g.abs().max(w.abs()).max(1e-300);
                if (g - w).abs() > tol && (g - w).abs() > 1e-12 {
                    diffs.push(format!("{path}: got {g}, want {w}"));
                }
            }
        }
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                match g.get(k) {
                    Some(gv) => compare(&format!("{path}.{k}"), gv, wv, rel, diffs),
                    None => diffs.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            let key = w
                .first()
                .and_then(Value::as_object)
                .and_then(|o| KEYS.iter().find(|k| o.contains_key(**k)));
            match key {
                Some(key) => {
                    if g.len() != w.len() {
                        diffs.push(format!("{path}: got {} items, want {}", g.len(), w.len()));
                    }
                    for wi in w {
                        let kv = &wi[*key];
                        let p = format!("{path}[{key}={kv}]");
                        match g.iter().find(|gi| &gi[*key] == kv) {
                            Some(gi) => compare(&p, gi, wi, rel, diffs),
                            None => diffs.push(format!("{p}: missing")),
                        }
                    }
                }
                None => {
                    if g.len() != w.len() {
                        diffs.push(format!("{path}: got {} items, want {}", g.len(), w.len()));
                    }
                    for (i, (gi, wi)) in g.iter().zip(w).enumerate() {
                        compare(&format!("{path}[{i}]"), gi, wi, rel, diffs);
                    }
                }
            }
        }
        _ => {
            if got != want {
                diffs.push(format!("{path}: got {got}, want {want}"));
            }
        }
    }
}
