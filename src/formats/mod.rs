//! Inputs: finding files ([`discover`]), choosing a reader by format, splitting large files into
//! newline-aligned chunks ([`lines`]), and the readers that turn a chunk or a row group into
//! findings ([`jsonl`], [`text`], [`parquet`], all through [`emit`]). [`json`] is the JSON
//! tokenizer and field-path renderer.

pub mod discover;
pub mod emit;
pub mod json;
pub mod jsonl;
pub mod lines;
pub mod parquet;
pub mod text;

use std::path::Path;

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON Lines: one JSON value per line, every string (keys too) decoded and scanned.
    Jsonl,
    /// Plain text, scanned line by line.
    Text,
    /// Apache Parquet: every string value, nested ones included.
    Parquet,
}

impl Format {
    /// `.jsonl` / `.ndjson` are JSON Lines, `.parquet` Parquet; everything else is text.
    pub fn from_path(path: &Path) -> Format {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "jsonl" | "ndjson" => Format::Jsonl,
            "parquet" => Format::Parquet,
            _ => Format::Text,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Text => "text",
            Format::Parquet => "parquet",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "text" | "txt" => Ok(Format::Text),
            "parquet" => Ok(Format::Parquet),
            _ => Err(format!(
                "unknown input format '{s}' (expected jsonl, text or parquet)"
            )),
        }
    }
}

/// Like git and ripgrep: a NUL byte in the first 8 KiB marks a binary file.
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(8192)]).is_some()
}
