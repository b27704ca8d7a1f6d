//! The CLV calibration check (predicted vs actual holdout purchases per frequency group).

use cohortlens::{analyze, Options};
use serde_json::Value;

fn golden(name: &str) -> Value {
    let path = format!("{}/examples/data/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Fitting on CDNOW purchases before 1997-10-01 is exactly the golden (paper) fit, and the
/// predicted holdout purchases (39 weeks to 1998-07-01) are the golden per-customer expected
/// purchases (horizon 39) summed. The model under-predicts this sample's holdout by about 12 %
/// (1,653 vs 1,882 repeat purchase days): a real model error, shown to the user as such.
#[test]
fn cdnow_calibration_fit_is_the_paper_fit_and_predicts_the_holdout() {
    let bytes = std::fs::read(format!(
        "{}/examples/data/golden/cdnow_sample.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut options: Value = golden("cdnow_sample.options.json");
    options["asOf"] = "1998-07-01".into();
    options["calibrationSplit"] = "1997-10-01".into();
    let options = Options::from_json(&options.to_string()).unwrap();
    let report = serde_json::to_value(analyze(&bytes, &options).unwrap()).unwrap();
    let calibration = &report["clv"]["calibration"];
    let want = &golden("cdnow_sample.report.json")["clv"]["bgnbd"];
    for p in ["r", "alpha", "a", "b", "logLikelihood"] {
        let (g, w) = (
            calibration["bgnbd"][p].as_f64().unwrap(),
            want[p].as_f64().unwrap(),
        );
        assert!((g - w).abs() <= 1e-3 * w.abs(), "{p}: {g} vs {w}");
    }
    assert_eq!(calibration["customers"], 2357);
    assert_eq!(calibration["split"], "1997-10-01T00:00:00");
    let (predicted, actual) = (
        calibration["predicted"].as_f64().unwrap(),
        calibration["actual"].as_f64().unwrap(),
    );
    let golden_predicted: f64 = golden("cdnow_sample.report.json")["clv"]["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["expectedPurchases"].as_f64().unwrap())
        .sum();
    assert!((predicted - golden_predicted).abs() < 1e-3 * golden_predicted);
    assert_eq!(actual, 1882.0);
    assert!(
        (predicted - actual).abs() / actual < 0.15,
        "{predicted} vs {actual}"
    );
    let groups = calibration["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 8);
    assert_eq!(groups[7]["frequency"], "7+");
    let customers: u64 = groups
        .iter()
        .map(|g| g["customers"].as_u64().unwrap())
        .sum();
    assert_eq!(customers, 2357);
    // More past purchases, more future ones: the model and the data agree on the ordering.
    let mean = |i: usize, k: &str| groups[i][k].as_f64().unwrap();
    assert!(mean(0, "actual") < mean(3, "actual") && mean(0, "predicted") < mean(3, "predicted"));
}

#[test]
fn auto_split_and_bad_splits() {
    let bytes = std::fs::read(format!(
        "{}/examples/data/golden/synthetic_5k.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut options: Value = golden("synthetic_5k.options.json");
    options["calibrationSplit"] = "auto".into();
    let report = analyze(&bytes, &Options::from_json(&options.to_string()).unwrap()).unwrap();
    let calibration = report
        .clv
        .as_ref()
        .and_then(|c| c.calibration.as_ref())
        .unwrap();
    // asOf 2025-01-01, first purchase 2023-01-01: the last third starts on 2024-05-02.
    assert_eq!(calibration.split, "2024-05-02T00:00:00");
    // A split that is no date is refused with the options, like a bad asOf.
    options["calibrationSplit"] = "tomorrow".into();
    let e = Options::from_json(&options.to_string()).err().unwrap();
    assert_eq!(e.code(), "BadOptions");
    assert!(
        e.to_string()
            .contains("calibrationSplit \"tomorrow\" is not a date"),
        "{e}"
    );
    let mut bad_as_of = options.clone();
    bad_as_of["asOf"] = "tomorrow".into();
    bad_as_of["calibrationSplit"] = Value::Null;
    let as_of = Options::from_json(&bad_as_of.to_string()).err().unwrap();
    assert_eq!(
        as_of.to_string().replace("asOf", "calibrationSplit"),
        e.to_string()
    );
    // A date outside the observation window only leaves the check out, with a warning.
    for bad in ["2030-01-01", "2020-01-01"] {
        options["calibrationSplit"] = bad.into();
        let report = analyze(&bytes, &Options::from_json(&options.to_string()).unwrap()).unwrap();
        assert!(report.clv.as_ref().unwrap().calibration.is_none());
        assert!(
            report
                .ingest
                .warnings
                .iter()
                .any(|w| w.contains("calibration")),
            "{bad}"
        );
    }
}
