//! The scan summary: what was read, what was found, what went wrong.

use crate::findings::{Confidence, Finding, InputError, Skipped};
use serde::Serialize;
use std::collections::BTreeMap;

/// At most this many input errors are listed (all are counted).
pub const MAX_LISTED_ERRORS: usize = 1000;

#[derive(Debug, Clone, Serialize)]
pub struct FingerprintInfo {
    /// `hmac-sha256/128`: HMAC-SHA256 truncated to 128 bits, hex.
    pub algorithm: &'static str,
    /// False when no secret key was given: short values can then be brute-forced.
    pub keyed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub piiscan_version: &'static str,
    pub files_scanned: u64,
    pub files_with_findings: u64,
    pub files_skipped: u64,
    pub bytes_scanned: u64,
    /// Bytes of data URI payloads (base64 images) in the bytes scanned that were not searched
    /// (`--scan-data-uris` searches them).
    pub data_uri_bytes_skipped: u64,
    pub lines_scanned: u64,
    /// Parquet rows read.
    pub rows_scanned: u64,
    pub findings: u64,
    pub findings_by_kind: BTreeMap<String, u64>,
    pub findings_by_confidence: BTreeMap<Confidence, u64>,
    pub min_confidence: Confidence,
    /// Matches left out because their confidence is below `min_confidence`.
    pub below_min_confidence: u64,
    /// Matches left out because their value is on an allow list (built-in placeholders
    /// such as `user@example.com`, or `--allow` files).
    pub allowed: u64,
    pub error_count: u64,
    pub errors: Vec<InputError>,
    pub skipped: Vec<Skipped>,
    pub fingerprint: FingerprintInfo,
    pub threads: usize,
    pub elapsed_ms: u64,
}

impl Summary {
    pub fn new(min_confidence: Confidence, keyed: bool, threads: usize) -> Self {
        Summary {
            piiscan_version: env!("CARGO_PKG_VERSION"),
            files_scanned: 0,
            files_with_findings: 0,
            files_skipped: 0,
            bytes_scanned: 0,
            data_uri_bytes_skipped: 0,
            lines_scanned: 0,
            rows_scanned: 0,
            findings: 0,
            findings_by_kind: BTreeMap::new(),
            findings_by_confidence: BTreeMap::new(),
            min_confidence,
            below_min_confidence: 0,
            allowed: 0,
            error_count: 0,
            errors: Vec::new(),
            skipped: Vec::new(),
            fingerprint: FingerprintInfo {
                algorithm: "hmac-sha256/128",
                keyed,
            },
            threads,
            elapsed_ms: 0,
        }
    }

    pub fn count_finding(&mut self, f: &Finding) {
        self.findings += 1;
        match self.findings_by_kind.get_mut(&*f.kind) {
            Some(n) => *n += 1,
            None => {
                self.findings_by_kind.insert(f.kind.to_string(), 1);
            }
        }
        *self.findings_by_confidence.entry(f.confidence).or_default() += 1;
    }

    /// Records an error; returns whether it is within the listed ones (and should be printed).
    pub fn add_error(&mut self, e: InputError) -> bool {
        self.error_count += 1;
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(e);
            return true;
        }
        false
    }
}
