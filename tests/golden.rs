//! Every golden fixture's Report equals the reference implementation's: floats within 1e-9
//! relative, and values under `clv` that come from a fit within 1e-3 (golden README). Warnings
//! and the spelling of the encoding are implementation-defined and not compared.

mod common;

use cohortlens::analyze;
use serde_json::Value;

fn check(name: &str) {
    let dir = common::golden_dir();
    let (_, data) = common::fixtures()
        .into_iter()
        .find(|(n, _)| n == name)
        .expect("fixture");
    let bytes = std::fs::read(data).unwrap();
    let options = common::golden_options(name);
    let report = analyze(&bytes, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut got = serde_json::to_value(&report).unwrap();
    let mut want: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("{name}.report.json"))).unwrap(),
    )
    .unwrap();
    let (got_clv, want_clv) = (got["clv"].take(), want["clv"].take());
    for v in [&mut got, &mut want] {
        let o = v.as_object_mut().unwrap();
        o.remove("clv");
        let ingest = o["ingest"].as_object_mut().unwrap();
        ingest.remove("warnings");
        ingest.remove("encoding");
    }
    let mut diffs = Vec::new();
    common::compare(name, &got, &want, 1e-9, &mut diffs);
    common::compare(
        &format!("{name}.clv"),
        &got_clv,
        &want_clv,
        1e-3,
        &mut diffs,
    );
    // What does not come from a fit is exact: (x, t_x, T) and the mean repeat value.
    if let (Some(g), Some(w)) = (
        got_clv["customers"].as_array(),
        want_clv["customers"].as_array(),
    ) {
        let exact = |v: &[Value]| -> Value {
            v.iter()
                .map(|c| {
                    serde_json::json!({"customer": c["customer"], "x": c["x"], "tx": c["tx"],
                        "T": c["T"], "monetaryValue": c["monetaryValue"]})
                })
                .collect()
        };
        common::compare(
            &format!("{name}.clv.customers"),
            &exact(g),
            &exact(w),
            1e-9,
            &mut diffs,
        );
    }
    assert!(
        diffs.is_empty(),
        "{} differences, first ones:\n{}",
        diffs.len(),
        diffs
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn tiny() {
    check("tiny");
}

#[test]
fn lines() {
    check("lines");
}

#[test]
fn retail_like() {
    check("retail_like");
}

#[test]
fn synthetic_5k() {
    check("synthetic_5k");
}

#[test]
fn cdnow_sample() {
    check("cdnow_sample");
}

#[test]
fn cdnow_sample_amount() {
    check("cdnow_sample_amount");
}

#[test]
fn cn_gbk() {
    check("cn_gbk");
}

/// SPEC §12–§13: the `products` and `winback` sections of a golden input with the options of
/// `golden-next` equal the reference implementation's. Ranked lists are compared in order
/// (their order is part of the definition: count descending, then value ascending).
fn check_next(name: &str) {
    let (_, data) = common::fixtures()
        .into_iter()
        .find(|(n, _)| n == name)
        .expect("fixture");
    let bytes = std::fs::read(data).unwrap();
    let next = common::golden_next_dir();
    let text = std::fs::read_to_string(next.join(format!("{name}.options.json"))).unwrap();
    let options = cohortlens::Options::from_json(&text).unwrap();
    let report = analyze(&bytes, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
    let got = serde_json::to_value(&report).unwrap();
    let want: Value = serde_json::from_str(
        &std::fs::read_to_string(next.join(format!("{name}.report.json"))).unwrap(),
    )
    .unwrap();
    let mut diffs = Vec::new();
    for section in ["products", "winback"] {
        assert!(got.get(section).is_some(), "{name}: no {section} section");
        common::compare(
            &format!("{name}.{section}"),
            &got[section],
            &want[section],
            1e-9,
            &mut diffs,
        );
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn lines_products_and_winback() {
    check_next("lines");
}

#[test]
fn retail_like_products_and_winback() {
    check_next("retail_like");
}

#[test]
fn cn_gbk_products_and_winback() {
    check_next("cn_gbk");
}

#[test]
fn synthetic_5k_products_and_winback() {
    check_next("synthetic_5k");
}

/// The copies in the repository are the shared golden sets (`golden`, `golden-next`), byte
/// for byte, when `../shared` exists.
#[test]
fn golden_copy_matches_shared() {
    for (shared, ours) in [
        ("golden", common::golden_dir()),
        ("golden-next", common::golden_next_dir()),
    ] {
        copy_matches(shared, &ours);
    }
}

fn copy_matches(folder: &str, ours: &std::path::Path) {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(folder);
    if !shared.exists() {
        eprintln!("../shared/{folder} not present; copy check skipped");
        return;
    }
    let names = |dir: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(ours), names(&shared), "{folder}: file lists differ");
    for name in names(&shared) {
        assert!(
            std::fs::read(shared.join(&name)).unwrap() == std::fs::read(ours.join(&name)).unwrap(),
            "{name} differs from ../shared/{folder}; copy it again"
        );
    }
}

/// The comparator itself notices a changed count, a float beyond tolerance and a missing item.
#[test]
fn comparator_catches_differences() {
    let want: Value =
        serde_json::json!({"a": 1, "b": 0.5, "rows": [{"k": 0, "v": 1.0}, {"k": 1, "v": 2.0}]});
    let mut diffs = Vec::new();
    common::compare("r", &want, &want, 1e-9, &mut diffs);
    assert!(diffs.is_empty());
    for got in [
        serde_json::json!({"a": 2, "b": 0.5, "rows": [{"k": 0, "v": 1.0}, {"k": 1, "v": 2.0}]}),
        serde_json::json!({"a": 1, "b": 0.5000001, "rows": [{"k": 0, "v": 1.0}, {"k": 1, "v": 2.0}]}),
        serde_json::json!({"a": 1, "b": 0.5, "rows": [{"k": 0, "v": 1.0}]}),
        serde_json::json!({"a": 1, "b": null, "rows": [{"k": 0, "v": 1.0}, {"k": 1, "v": 2.0}]}),
    ] {
        let mut diffs = Vec::new();
        common::compare("r", &got, &want, 1e-9, &mut diffs);
        assert!(!diffs.is_empty(), "{got}");
    }
}
