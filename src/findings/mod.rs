//! The findings model: what a scan reports. Its JSON form is a public, documented interface
//! (see README "Findings JSON"); fields are only ever added, never renamed.

mod fingerprint;
mod mask;

pub use fingerprint::{FingerprintKey, KEY_ENV};
pub use mask::mask_value;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// How sure a detector is that a match is real personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn raised(self) -> Self {
        match self {
            Confidence::Low => Confidence::Medium,
            _ => Confidence::High,
        }
    }
    pub fn lowered(self) -> Self {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Confidence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Confidence::Low),
            "medium" => Ok(Confidence::Medium),
            "high" => Ok(Confidence::High),
            _ => Err(format!(
                "unknown confidence '{s}' (expected low, medium or high)"
            )),
        }
    }
}

/// One occurrence of personal data.
///
/// Offsets: `start`/`end` count Unicode code points inside the decoded string value (JSON) or the
/// line (text); `byte_start`/`byte_end` are byte offsets in the file, covering the raw bytes of
/// the match (escape sequences included when the value was JSON-escaped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub path: Arc<str>,
    /// 1-based line number, for line-oriented formats (JSON Lines, text).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u64>,
    /// 0-based row index in the file (Parquet), counted as pandas and pyarrow count.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub row: Option<u64>,
    /// 0-based row group of the row (Parquet).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub row_group: Option<u64>,
    /// JSON path of the string inside the record (`messages[2].content`); absent for text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
    /// True when the match is inside an object key rather than a value.
    #[serde(skip_serializing_if = "is_false", default)]
    pub in_key: bool,
    pub kind: Arc<str>,
    pub rule: Arc<str>,
    pub confidence: Confidence,
    pub start: u64,
    pub end: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub byte_start: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub byte_end: Option<u64>,
    /// The value, masked unless the user asked for raw values.
    pub value: String,
    /// Keyed hash of the normalized value: equal values give equal fingerprints under one key.
    pub fingerprint: String,
    /// Facts about the value: `ip_scope` (`public`, `private`, `loopback`, `link_local`,
    /// `documentation`, …) for IP addresses, `card_brand` for cards.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub attributes: BTreeMap<String, String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A problem with one input (unreadable file, malformed line, invalid UTF-8). The scan goes on;
/// the exit code reports it. Messages never contain the offending bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    pub path: Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u64>,
    /// The Parquet row group the problem is in, where known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub row_group: Option<u64>,
    pub message: String,
}

impl InputError {
    /// A problem with a whole file (no line or row group).
    pub fn file(path: &Arc<str>, message: impl Into<String>) -> Self {
        InputError {
            path: path.clone(),
            line: None,
            row_group: None,
            message: message.into(),
        }
    }

    /// A problem on one line.
    pub fn at_line(path: &Arc<str>, line: u64, message: impl Into<String>) -> Self {
        InputError {
            line: Some(line),
            ..Self::file(path, message)
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(g) = self.row_group {
            write!(f, ": row group {g}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A file that was deliberately not scanned (hidden, binary, unsupported format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: Arc<str>,
    pub reason: String,
}
