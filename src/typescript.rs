//! `js/report.d.ts`: the TypeScript declarations of the Report and the Options, generated from
//! the Rust types so that the package's types cannot drift from what the engine serialises.
//!
//! ts-rs derives `TS` on these types under `cfg(test)` only (a dev-dependency): the library and
//! the wasm modules are built without it. ts-rs follows the serde attributes in use (renames,
//! `rename_all`, untagged enums); where serde says more than ts-rs reads, a `ts` attribute beside
//! it says the same (`RfmScoring`'s `try_from`/`into` spelling, strings that carry an enum's
//! name, `Option` fields that may be left out of an input object).
//!
//! `make types` rewrites the file; [`report_d_ts_is_current`] fails while it is stale. The
//! package tests check the declarations against real Reports (`tsc --strict`).

use std::any::TypeId;
use std::collections::BTreeSet;

use ts_rs::{Config, TS};

use crate::ingest::columns::{ColumnChoice, CustomerFallback, Role};
use crate::ingest::{Reason, Sample};
use crate::options::{
    Alignment, Attribution, BreakdownSpec, ClvModel, ClvUnit, CompareSpec, CountBy, Filters,
    Options, RfmScheme, RfmScoring, RfmThresholds,
};
use crate::period::Grain;
use crate::report::*;
use crate::selection::{
    CustomerList, CustomerRow, GridCell, GroupKey, ListName, ProductAs, Selection,
};
use crate::warehouse::Source;

/// The committed file, relative to the crate root.
const PATH: &str = "js/report.d.ts";

/// Set (to anything) by `make types`: write the file instead of comparing.
const WRITE: &str = "COHORTLENS_WRITE_TYPES";

const HEADER: &str = "\
// Generated from the Rust types (src/report.rs, src/options.rs, src/selection.rs,
// src/warehouse/mod.rs and the types they use) by `make types`: do not edit. `cargo test`
// fails while this file differs from what they give.
// Field names follow SPEC.md §10; index.d.ts re-exports these types.
";

/// One declaration: its docs, then `export type …`.
struct Decl {
    name: String,
    text: String,
    deps: Vec<(TypeId, String)>,
    id: TypeId,
}

fn decl<T: TS + 'static>(cfg: &Config) -> Decl {
    let mut text = T::docs().unwrap_or_default();
    text.push_str("export ");
    text.push_str(&T::decl(cfg));
    Decl {
        name: T::ident(cfg),
        text,
        deps: T::dependencies(cfg)
            .into_iter()
            .map(|d| (d.type_id, d.ts_name))
            .collect(),
        id: TypeId::of::<T>(),
    }
}

/// A `#[serde(default)]` struct as the JS API takes it (`Options`, `Filters`, `Selection`):
/// every field may be left out (and an `Option` field may also be `null`).
fn partial<T: TS + 'static>(cfg: &Config) -> Decl {
    let mut d = decl::<T>(cfg);
    let docs = T::docs().unwrap_or_default();
    let docs = docs.replacen(
        "\n */\n",
        "\n * Each may be left out (the struct is `#[serde(default)]`).\n */\n",
        1,
    );
    d.text = format!(
        "{docs}export type {} = Partial<{}>;",
        T::ident(cfg),
        T::inline(cfg)
    );
    d
}

/// Every declaration of the file, in this order.
fn declarations(cfg: &Config) -> Vec<Decl> {
    vec![
        decl::<Report>(cfg),
        decl::<IngestReport>(cfg),
        decl::<Sample>(cfg),
        decl::<ColumnChoice>(cfg),
        decl::<CustomerFallback>(cfg),
        decl::<Reason>(cfg),
        decl::<Role>(cfg),
        decl::<Summary>(cfg),
        decl::<Rates>(cfg),
        decl::<PeriodRates>(cfg),
        decl::<Cohorts>(cfg),
        decl::<CohortRow>(cfg),
        decl::<CohortCell>(cfg),
        decl::<AverageCell>(cfg),
        decl::<Funnel>(cfg),
        decl::<FunnelStep>(cfg),
        decl::<GapStats>(cfg),
        decl::<RepurchaseWithin>(cfg),
        decl::<HistogramBin>(cfg),
        decl::<Rfm>(cfg),
        decl::<Segment>(cfg),
        decl::<Breakdown>(cfg),
        decl::<Group>(cfg),
        decl::<Comparison>(cfg),
        decl::<Churn>(cfg),
        decl::<SilentCustomer>(cfg),
        decl::<Overdue>(cfg),
        decl::<Clv>(cfg),
        decl::<UsedModel>(cfg),
        decl::<BgNbdFit>(cfg),
        decl::<ParetoNbdFit>(cfg),
        decl::<Holdout>(cfg),
        decl::<HoldoutScore>(cfg),
        decl::<GammaGammaFit>(cfg),
        decl::<ClvCustomer>(cfg),
        decl::<ClvGroup>(cfg),
        decl::<Calibration>(cfg),
        decl::<CalibrationGroup>(cfg),
        decl::<ClvTotals>(cfg),
        decl::<ProductsReport>(cfg),
        decl::<FirstProduct>(cfg),
        decl::<ProductRepeat>(cfg),
        decl::<Quartiles>(cfg),
        decl::<ProductNext>(cfg),
        decl::<NextProduct>(cfg),
        decl::<Winback>(cfg),
        decl::<WinbackPeriod>(cfg),
        decl::<DimensionValues>(cfg),
        decl::<ValueCount>(cfg),
        decl::<FilterSummary>(cfg),
        decl::<WarehouseNote>(cfg),
        decl::<WarehouseGap>(cfg),
        decl::<StatusValue>(cfg),
        decl::<Timings>(cfg),
        partial::<Options>(cfg),
        decl::<CountBy>(cfg),
        decl::<Grain>(cfg),
        decl::<Alignment>(cfg),
        decl::<RfmScoring>(cfg),
        decl::<RfmThresholds>(cfg),
        decl::<RfmScheme>(cfg),
        decl::<Attribution>(cfg),
        decl::<BreakdownSpec>(cfg),
        decl::<CompareSpec>(cfg),
        decl::<ClvUnit>(cfg),
        decl::<ClvModel>(cfg),
        partial::<Filters>(cfg),
        decl::<Source>(cfg),
        partial::<Selection>(cfg),
        decl::<GridCell>(cfg),
        decl::<GroupKey>(cfg),
        decl::<ListName>(cfg),
        decl::<ProductAs>(cfg),
        decl::<CustomerList>(cfg),
        decl::<CustomerRow>(cfg),
    ]
}

/// ts-rs writes one field a line at column 0 and closes with `, };`: indent by nesting, and
/// write a one-line doc comment on one line.
fn layout(text: &str) -> String {
    let text = text.replace(", }", ",\n}");
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut joined = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i] == "/**" && lines.get(i + 2) == Some(&"*/") && lines[i + 1].starts_with("* ") {
            joined.push(format!("/** {} */", &lines[i + 1][2..]));
            i += 3;
        } else {
            joined.push(lines[i].to_string());
            i += 1;
        }
    }
    let mut out = String::new();
    let mut depth = 0usize;
    for line in &joined {
        let line = line.as_str();
        let comment = line.starts_with("/**") || line.starts_with('*');
        if !comment && line.starts_with('}') {
            depth = depth.saturating_sub(1);
        }
        let indent = "  ".repeat(depth) + if line.starts_with('*') { " " } else { "" };
        out.push_str(&indent);
        out.push_str(line);
        out.push('\n');
        if !comment {
            let opens = line.matches('{').count();
            let closes = line.matches('}').count() - usize::from(line.starts_with('}'));
            depth = (depth + opens).saturating_sub(closes);
        }
    }
    out
}

/// The text of `js/report.d.ts`.
pub fn report_d_ts() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = declarations(&cfg);
    let listed: BTreeSet<TypeId> = decls.iter().map(|d| d.id).collect();
    for d in &decls {
        for (id, name) in &d.deps {
            assert!(
                listed.contains(id),
                "{} uses {name}, which src/typescript.rs does not declare: add it to declarations()",
                d.name
            );
        }
    }
    let mut out = String::from(HEADER);
    for d in &decls {
        out.push('\n');
        out.push_str(&layout(&d.text));
    }
    out
}

#[test]
fn report_d_ts_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(PATH);
    let want = report_d_ts();
    if std::env::var_os(WRITE).is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let line = have
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(have.lines().count().min(want.lines().count()));
        panic!(
            "{PATH} is stale: it differs from what the Rust types give (first difference at \
             line {}). Run `make types` to regenerate it, and commit it.",
            line + 1
        );
    }
}
