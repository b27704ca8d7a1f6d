//! cohortlens: retention and repurchase analytics over order exports.
#![deny(missing_docs)]

pub mod clv;
