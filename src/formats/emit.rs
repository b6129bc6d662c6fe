//! Turning engine matches inside one decoded string into [`Finding`]s: code-point offsets,
//! file byte offsets (through JSON escapes), masking, fingerprints and the confidence floor.

use super::json;
use crate::detect::{AllowList, Detector, Match};
use crate::findings::{mask_value, Confidence, Finding, FingerprintKey, InputError, Skipped};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Everything a reader needs to report findings; shared by all threads.
pub struct Emitter {
    pub detector: Detector,
    /// Values never reported (placeholders, user allow lists).
    pub allow: AllowList,
    pub key: FingerprintKey,
    pub show_values: bool,
    pub min_confidence: Confidence,
    /// Per `Match::rule`: the least confidence reported (`min_confidence` or a per-kind
    /// threshold).
    min_by_rule: Vec<Confidence>,
    kinds: Vec<Arc<str>>,
    rule_ids: Vec<Arc<str>>,
}

impl Emitter {
    pub fn new(
        detector: Detector,
        allow: AllowList,
        key: FingerprintKey,
        show_values: bool,
        min_confidence: Confidence,
    ) -> Self {
        let (kinds, rule_ids) = detector
            .kinds_and_ids()
            .into_iter()
            .map(|(k, id)| (Arc::from(k), Arc::from(id)))
            .unzip();
        let kinds: Vec<Arc<str>> = kinds;
        Emitter {
            min_by_rule: vec![min_confidence; kinds.len()],
            detector,
            allow,
            key,
            show_values,
            min_confidence,
            kinds,
            rule_ids,
        }
    }
}

impl Emitter {
    /// Per-kind thresholds that replace `min_confidence` for their kinds.
    pub fn with_thresholds(
        mut self,
        thresholds: &std::collections::BTreeMap<String, Confidence>,
    ) -> Self {
        for (kind, min) in self.kinds.iter().zip(self.min_by_rule.iter_mut()) {
            if let Some(&t) = thresholds.get(&**kind) {
                *min = t;
            }
        }
        self
    }
}

impl Emitter {
    /// The kind a match reports.
    pub fn kind_of(&self, m: &Match) -> &Arc<str> {
        &self.kinds[m.rule]
    }

    /// Whether a match in `text` would be reported: not allowed, and at or above its
    /// threshold (what `redact` acts on).
    pub fn reports(&self, text: &str, m: &Match) -> bool {
        let kind = &self.kinds[m.rule];
        m.confidence >= self.min_by_rule[m.rule]
            && !self
                .allow
                .allows(kind, &text[m.start..m.end], &m.normalized)
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

/// Maps the (increasing) offsets of one string's findings to file offsets.
enum ByteMapper<'a> {
    Direct(u64),
    Escaped(u64, json::RawCursor<'a>),
    None,
}

impl<'a> ByteMapper<'a> {
    fn new(map: ByteMap<'a>) -> Self {
        match map {
            ByteMap::Direct(base) => ByteMapper::Direct(base),
            ByteMap::Escaped(base, raw) => ByteMapper::Escaped(base, json::RawCursor::new(raw)),
            ByteMap::None => ByteMapper::None,
        }
    }

    fn map(&mut self, offset: usize) -> Option<u64> {
        match self {
            ByteMapper::Direct(base) => Some(*base + offset as u64),
            ByteMapper::Escaped(base, cursor) => Some(*base + cursor.advance_to(offset) as u64),
            ByteMapper::None => None,
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

/// The results of scanning (part of) one chunk of a file, or one Parquet row group.
#[derive(Debug, Default)]
pub struct ChunkResult {
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    pub skipped: Vec<Skipped>,
    /// Lines read for this part. Finding and error line numbers are relative to the start of
    /// the chunk until the pipeline adds the lines of the file's earlier chunks.
    pub lines: u64,
    /// Parquet rows read.
    pub rows: u64,
    pub bytes: u64,
    pub below_threshold: u64,
    /// Bytes of data URI payloads not scanned.
    pub data_uri_bytes: u64,
    /// Matches left out because they are on an allow list.
    pub allowed: u64,
    /// True when the file was read (not skipped or unreadable).
    pub scanned: bool,
}

/// A reader hands its results on in parts of about this many findings, so no unit of work
/// holds more than that however dense the personal data is.
pub const PART_FINDINGS: usize = 4096;

/// Where a reader puts its results: `cur` fills up and is handed on (in order) at record
/// boundaries, through `send`, which returns false once nobody is listening any more.
pub struct Parts<'a> {
    pub cur: ChunkResult,
    send: &'a mut dyn FnMut(ChunkResult) -> bool,
    closed: bool,
    cancel: Option<&'a AtomicBool>,
}

impl<'a> Parts<'a> {
    pub fn new(send: &'a mut dyn FnMut(ChunkResult) -> bool) -> Self {
        Parts {
            cur: ChunkResult::default(),
            send,
            closed: false,
            cancel: None,
        }
    }

    /// Also stop reading as soon as `cancel` is set (the report could not be written).
    pub fn with_cancel(mut self, cancel: &'a AtomicBool) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// Called between records: hands the part on if it is full (of findings or of errors).
    /// False means stop reading.
    pub fn checkpoint(&mut self) -> bool {
        if self.cur.findings.len() >= PART_FINDINGS || self.cur.errors.len() >= PART_FINDINGS {
            self.flush();
        }
        !self.closed && !self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Hands on what has been collected (also when empty: it may carry counts and errors).
    pub fn flush(&mut self) {
        let part = std::mem::take(&mut self.cur);
        if !self.closed && !(self.send)(part) {
            self.closed = true;
        }
    }
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
        let mut bytes = ByteMapper::new(loc.bytes);
        let mut cp = |to: usize| -> u64 {
            at_cp += count_chars(&text.as_bytes()[at_byte..to]);
            at_byte = to;
            at_cp
        };
        for m in matches {
            let start = cp(m.start);
            let end = cp(m.end);
            let kind = &self.kinds[m.rule];
            let raw_value = &text[m.start..m.end];
            if self.allow.allows(kind, raw_value, &m.normalized) {
                out.allowed += 1;
                continue;
            }
            if m.confidence < self.min_by_rule[m.rule] {
                out.below_threshold += 1;
                continue;
            }
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
                byte_start: bytes.map(m.start),
                byte_end: bytes.map(m.end),
                value: if self.show_values {
                    raw_value.to_string()
                } else {
                    mask_value(kind, raw_value)
                },
                fingerprint: self.key.fingerprint(kind, &m.normalized),
                attributes: m
                    .attributes
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            });
        }
    }
}

/// Code points in valid UTF-8 bytes: every byte that is not a continuation byte.
pub fn count_chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::detect::{Detector, Scratch, ValidationEnv};
    use crate::rules::RuleSet;

    pub(crate) fn emitter() -> Emitter {
        Emitter::new(
            Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default()),
            crate::detect::AllowList::placeholders(),
            FingerprintKey::unkeyed(),
            false,
            Confidence::Low,
        )
    }

    /// Runs `scan` with a `Parts` that records every part handed on.
    pub(crate) fn collect_parts(
        scan: impl FnOnce(&mut Scratch, &mut Parts<'_>),
    ) -> Vec<ChunkResult> {
        let mut got = Vec::new();
        let mut send = |p: ChunkResult| {
            got.push(p);
            true
        };
        let mut parts = Parts::new(&mut send);
        scan(&mut Scratch::default(), &mut parts);
        parts.flush();
        got
    }

    #[test]
    fn dense_jsonl_is_handed_on_in_bounded_parts() {
        let em = emitter();
        let data: String = (0..10_000)
            .map(|i| format!("{{\"m\": \"user{i}@mail.de\"}}\n"))
            .collect();
        let path: Arc<str> = Arc::from("dense.jsonl");
        let parts =
            collect_parts(|s, p| super::super::jsonl::scan(&em, &path, data.as_bytes(), 0, s, p));
        assert!(parts.len() >= 3, "{} parts", parts.len());
        assert!(parts.iter().all(|p| p.findings.len() <= PART_FINDINGS));
        assert_eq!(
            parts.iter().map(|p| p.findings.len()).sum::<usize>(),
            10_000
        );
        assert_eq!(parts.iter().map(|p| p.lines).sum::<u64>(), 10_000);
        let last = parts.iter().rev().find_map(|p| p.findings.last()).unwrap();
        assert_eq!(last.line, Some(10_000), "line numbers run on across parts");
    }

    #[test]
    fn a_closed_receiver_stops_the_reader() {
        let em = emitter();
        let data: String = (0..20_000).map(|i| format!("u{i}@mail.de\n")).collect();
        let path: Arc<str> = Arc::from("dense.txt");
        let mut calls = 0;
        let mut send = |_: ChunkResult| {
            calls += 1;
            false
        };
        let mut parts = Parts::new(&mut send);
        super::super::text::scan(
            &em,
            &path,
            data.as_bytes(),
            0,
            &mut Scratch::default(),
            &mut parts,
        );
        parts.flush();
        assert_eq!(calls, 1, "one refused part, then the reader stopped");
    }
}
