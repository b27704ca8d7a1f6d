//! Arbitrary bytes and arbitrary options through the whole engine: `analyze` must return a
//! Report or an Error, never panic, hang or blow up memory, and the Report's row counts must
//! add up (`accepted + Σ rejected == rows`).
//!
//! Input layout: when the bytes contain a NUL, everything before the first NUL is the options
//! JSON and the rest is the file; otherwise the whole input is the file (default options).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (options_json, file) = match data.iter().position(|&b| b == 0) {
        Some(p) => (Some(&data[..p]), &data[p + 1..]),
        None => (None, data),
    };
    let options = match options_json {
        Some(json) => match cohortlens::Options::from_json(&String::from_utf8_lossy(json)) {
            Ok(o) => o,
            // Bad options are fine: the file still goes through with the defaults.
            Err(_) => cohortlens::Options::default(),
        },
        None => cohortlens::Options::default(),
    };
    if let Ok(report) = cohortlens::analyze(file, &options) {
        let rejected: u64 = report.ingest.rejected.values().sum();
        assert_eq!(report.ingest.accepted + rejected, report.ingest.rows);
        // The Report must always serialise (no NaN keys, no failing Serialize impl).
        serde_json::to_vec(&report).expect("report serialises");
    }
});
