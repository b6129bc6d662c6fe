//! Reports: writers for findings (`text` for people, `json` and `jsonl` for programs), the scan
//! summary, and atomic output files.

mod output;
mod summary;
mod writers;

pub use output::Output;
pub use summary::{FingerprintInfo, Summary, MAX_LISTED_ERRORS};
pub use writers::{writer_for, OutputFormat, Sink};
