//! cohortlens: retention and repurchase analytics over order exports.
//!
//! ```
//! let csv = b"customer_id,order_date,amount\nc1,2024-01-03,10\nc1,2024-02-05,12\nc2,2024-01-09,7\n";
//! let report = cohortlens::analyze(csv, &cohortlens::Options::default()).unwrap();
//! assert_eq!(report.summary.customers, 2);
//! assert_eq!(report.summary.repurchase_rate, Some(0.5));
//! ```
#![deny(missing_docs)]

pub mod analysis;
pub mod clv;
pub mod customers;
pub mod error;
pub mod export;
pub mod filters;
pub mod ingest;
pub mod intern;
pub mod metrics;
pub mod money;
pub mod options;
pub mod orders;
pub mod period;
pub mod report;
pub mod selection;
pub mod time;
#[cfg(test)]
mod typescript;
pub mod warehouse;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use analysis::{analyze, Analysis};
pub use error::{Error, ErrorKind, Locale, Result};
pub use options::Options;
pub use report::Report;
