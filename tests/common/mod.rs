//! Shared test helpers: golden fixture paths and a Report comparator with the golden README's
//! rules (lists matched by natural keys, integers exact, floats within a relative tolerance).
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// Proptest's settings for this repository: `cases` unless `PROPTEST_CASES` says otherwise, and
/// no regression files written next to the tests (other people work in this tree).
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// The repository's copy of the golden fixtures.
pub fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/golden")
}

/// The repository's copy of the expected §12–§13 sections (`golden-next`).
pub fn golden_next_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/golden-next")
}

/// A golden fixture's options, with every customer listed in `clv.customers` as the golden
/// Reports do (the engine lists the most valuable 200 unless told otherwise).
pub fn golden_options(name: &str) -> cohortlens::Options {
    let text = std::fs::read_to_string(golden_dir().join(format!("{name}.options.json"))).unwrap();
    let mut options: Value = serde_json::from_str(&text).unwrap();
    options["clvCustomerLimit"] = Value::Null;
    cohortlens::Options::from_json(&options.to_string()).unwrap()
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

/// The `analyze` example binary (the CLI), built once per test binary.
///
/// It runs `cargo build --example analyze` with the cargo that runs the tests (`$CARGO`), in the
/// same profile family (`--release` when the tests are optimised), and takes the executable's
/// path from cargo's JSON messages, so `CARGO_TARGET_DIR`, `build.target-dir` and a configured
/// `--target` are all respected. `cargo test` has usually built the example already and this is
/// a no-op check; `cargo test --test cli` on a fresh clone builds just the example. Cargo
/// releases its build lock before it runs test binaries (checked with cargo 1.95), so this does
/// not wait on the outer `cargo test`; should some cargo hold the lock, the build is abandoned
/// after [`CLI_BUILD_TIMEOUT`] with an explanation instead of hanging.
pub fn analyze_cli() -> &'static std::path::Path {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(build_analyze_cli)
}

/// How long [`analyze_cli`] waits for `cargo build --example analyze`.
pub const CLI_BUILD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(900);

fn build_analyze_cli() -> PathBuf {
    use std::io::Read;
    use std::process::{Command, Stdio};

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--example", "analyze", "--message-format=json"])
        .arg("--manifest-path")
        .arg(&manifest)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let mut child = cmd
        .spawn()
        .expect("cannot run cargo to build the analyze example");
    // Drain both pipes on threads: cargo's JSON messages can exceed a pipe's buffer.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for cargo") {
            break status;
        }
        if started.elapsed() > CLI_BUILD_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`cargo build --example analyze` did not finish in {CLI_BUILD_TIMEOUT:?} \
                 (a cargo holding the target directory's lock?). Build it first with \
                 `cargo build --example analyze` and re-run the tests.\n{}",
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    assert!(
        status.success(),
        "`cargo build --example analyze` failed ({status}):\n{stderr}"
    );
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "analyze")
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "example"))
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo reported no analyze executable:\n{stdout}\n{stderr}"))
}

/// Runs the CLI with `args` and extra environment variables.
pub fn run_cli(args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(analyze_cli());
    cmd.args(args).stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("cannot run the analyze CLI")
}
