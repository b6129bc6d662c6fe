//! Turning engine matches inside one decoded string into [`Finding`]s: code-point offsets,
//! file byte offsets (through JSON escapes), masking, fingerprints and the confidence floor.

use super::json;
use crate::detect::{Detector, Match};
use crate::findings::{mask_value, Confidence, Finding, FingerprintKey, InputError, Skipped};
use std::sync::Arc;

/// Everything a reader needs to report findings; shared by all threads.
pub struct Emitter {
    pub detector: Detector,
    pub key: FingerprintKey,
    pub show_values: bool,
    pub min_confidence: Confidence,
    kinds: Vec<Arc<str>>,
    rule_ids: Vec<Arc<str>>,
}

impl Emitter {
    pub fn new(
        detector: Detector,
        key: FingerprintKey,
        show_values: bool,
        min_confidence: Confidence,
    ) -> Self {
        let kinds = detector
            .rules()
            .iter()
            .map(|r| Arc::from(r.kind.as_str()))
            .collect();
        let rule_ids = detector
            .rules()
            .iter()
            .map(|r| Arc::from(r.id.as_str()))
            .collect();
        Emitter {
            detector,
            key,
            show_values,
            min_confidence,
            kinds,
            rule_ids,
        }
    }
}

/// How offsets in a decoded string map to byte offsets in the file.
#[derive(Clone, Copy, Default)]
pub enum ByteMap<'a> {
    /// The string is the file's bytes from `base` on.
    Direct(u64),
    /// The string was decoded from the JSON-escaped `raw`, which starts at `base` in the file.
    Escaped(u64, &'a [u8]),
    /// No byte offsets (decoded Parquet values).
    #[default]
    None,
}

impl ByteMap<'_> {
    fn map(self, offset: usize) -> Option<u64> {
        match self {
            ByteMap::Direct(base) => Some(base + offset as u64),
            ByteMap::Escaped(base, raw) => Some(base + json::raw_offset(raw, offset) as u64),
            ByteMap::None => None,
        }
    }
}

/// Where a string sits: line (relative to the chunk) or row and row group, field path, code
/// points before it (for a segment of a lossily decoded line), and its byte mapping.
#[derive(Default)]
pub struct Location<'a> {
    pub line: Option<u64>,
    pub row: Option<u64>,
    pub row_group: Option<u64>,
    pub field: Option<&'a str>,
    pub in_key: bool,
    pub cp_base: u64,
    pub bytes: ByteMap<'a>,
}

/// The results of scanning one chunk (or one whole small file).
#[derive(Debug, Default)]
pub struct ChunkResult {
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    pub skipped: Vec<Skipped>,
    /// Lines in the chunk; finding and error line numbers are relative to the chunk until the
    /// pipeline adds the lines of earlier chunks.
    pub lines: u64,
    /// Parquet rows read.
    pub rows: u64,
    pub bytes: u64,
    pub below_threshold: u64,
    /// True when the file was read (not skipped or unreadable).
    pub scanned: bool,
}

impl Emitter {
    /// Appends findings for `matches` (sorted by start) found in `text`.
    pub fn emit(
        &self,
        text: &str,
        matches: &[Match],
        loc: &Location<'_>,
        path: &Arc<str>,
        out: &mut ChunkResult,
    ) {
        let (mut at_byte, mut at_cp) = (0usize, 0u64);
        let mut cp = |to: usize| -> u64 {
            at_cp += count_chars(&text.as_bytes()[at_byte..to]);
            at_byte = to;
            at_cp
        };
        for m in matches {
            let start = cp(m.start);
            let end = cp(m.end);
            if m.confidence < self.min_confidence {
                out.below_threshold += 1;
                continue;
            }
            let kind = &self.kinds[m.rule];
            let raw_value = &text[m.start..m.end];
            out.findings.push(Finding {
                path: path.clone(),
                line: loc.line,
                row: loc.row,
                row_group: loc.row_group,
                field: loc.field.map(str::to_string),
                in_key: loc.in_key,
                kind: kind.clone(),
                rule: self.rule_ids[m.rule].clone(),
                confidence: m.confidence,
                start: loc.cp_base + start,
                end: loc.cp_base + end,
                byte_start: loc.bytes.map(m.start),
                byte_end: loc.bytes.map(m.end),
                value: if self.show_values {
                    raw_value.to_string()
                } else {
                    mask_value(kind, raw_value)
                },
                fingerprint: self.key.fingerprint(kind, &m.normalized),
            });
        }
    }
}

/// Code points in valid UTF-8 bytes: every byte that is not a continuation byte.
pub fn count_chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}
