//! piiscan — find personal data (PII) in machine-learning datasets.
//!
//! The crate mirrors the data flow of a scan:
//!
//! * [`rules`] — detectors as data: TOML rule files (`patterns/`), compiled and checked.
//! * [`detect`] — the detection engine: anchor prefilter, regex, validators, context, overlaps.
//! * [`formats`] — input discovery and readers (JSON Lines, text), chunking of large files.
//! * [`findings`] — the public findings model (the stable JSON interface), masking, fingerprints.
//! * [`report`] — writers for findings (`text`, `json`, `jsonl`) and the scan summary.
//! * [`scan`] — the parallel pipeline that ties them together.
//! * [`redact`] — clean copies of JSON Lines and text files, and their manifest.
//! * [`config`] — the config file (`--config`): thresholds, regions, allow/deny lists, fields.
//! * [`eval`] — scoring a findings file against labels (`piiscan eval`).
//!
//! The binary (`src/main.rs`) only parses arguments and calls [`scan::run`] or [`rules`].

mod backlog;
pub mod config;
pub mod detect;
pub mod error;
pub mod eval;
pub mod findings;
pub mod formats;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scan;
#[cfg(test)]
mod testing;

pub use error::{Error, Result};
