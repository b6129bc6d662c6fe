//! Redacting one record: a JSON Lines record keeps its structure, key order and non-string
//! values byte for byte, and only the contents of strings that hold findings change
//! (re-encoded as JSON); a text line keeps everything around the replaced spans.

use super::operators::{Action, FileState, Policy};
use crate::detect::{Match, Scratch};
use crate::formats::emit::Emitter;
use crate::formats::json::{self, Seg, Str};
use crate::formats::jsonl::last_key;
use std::collections::BTreeMap;

/// The outcome for one record.
pub enum Outcome {
    /// Written as is or with replacements.
    Keep,
    /// Left out (a finding of a drop-record kind).
    Drop,
}

/// Replacements per kind, for the manifest.
pub type Counts = BTreeMap<String, u64>;

/// Buffers reused across records.
#[derive(Default)]
pub struct Work {
    pub scratch: Scratch,
    matches: Vec<Match>,
    decoded: String,
    key_buf: String,
    edits: Vec<(usize, usize, String)>,
}

/// Replaces the reported matches in `text`; returns the new text, or `None` when nothing
/// changed, or `Err(())` when the record must be dropped.
fn redact_str(
    em: &Emitter,
    policy: &Policy,
    state: &mut FileState,
    text: &str,
    matches: &mut [Match],
    counts: &mut Counts,
) -> Result<Option<String>, ()> {
    // Longest first among those starting together; a match inside an earlier one is covered
    // by it (a whole field reported by name holds the patterns found in it).
    matches.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut out = String::new();
    let mut at = 0;
    let mut changed = false;
    let mut pending = Counts::new();
    for m in matches.iter() {
        if m.start < at || !em.reports(text, m) {
            continue;
        }
        let kind = em.kind_of(m);
        match policy.act(kind, &text[m.start..m.end], &m.normalized, state) {
            Action::Keep => {}
            Action::DropRecord => return Err(()),
            Action::Replace(with) => {
                out.push_str(&text[at..m.start]);
                out.push_str(&with);
                at = m.end;
                changed = true;
                *pending.entry(kind.to_string()).or_default() += 1;
            }
        }
    }
    for (k, n) in pending {
        *counts.entry(k).or_default() += n;
    }
    if !changed {
        return Ok(None);
    }
    out.push_str(&text[at..]);
    Ok(Some(out))
}

/// Passes over a string: a redaction can move context (with the birth date in `born
/// 1978-02-14, admitted 2023-04-03` replaced, "born" is closest to the second date), so the
/// result is scanned again until nothing more is found: scanning a clean copy with the same
/// rules finds nothing.
const MAX_PASSES: usize = 4;

/// Detects and redacts `text` until it is clean (or [`MAX_PASSES`]). The payloads of data URIs
/// the scan does not search are copied unchanged: the pieces between them are redacted each on
/// its own, as the scan searches them (a redaction in a header, `name=<CREDIT_CARD>.pdf`, must
/// not make a later pass take the payload for text).
#[allow(clippy::too_many_arguments)]
pub(super) fn redact_until_clean(
    em: &Emitter,
    policy: &Policy,
    state: &mut FileState,
    text: &str,
    key: Option<&str>,
    scratch: &mut Scratch,
    matches: &mut Vec<Match>,
    counts: &mut Counts,
) -> Result<Option<String>, ()> {
    // Most strings hold no payload: the first search says so (it counts what it cuts out),
    // and its matches are the first pass's.
    let cut = scratch.data_uri_bytes();
    matches.clear();
    em.detector.detect(text, key, scratch, matches);
    if scratch.data_uri_bytes() == cut {
        return redact_piece(
            em,
            policy,
            state,
            text,
            key,
            Pass::Found,
            scratch,
            matches,
            counts,
        );
    }
    let payloads = em.detector.data_uri_payloads(text);
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut from = 0;
    let end = text.len()..text.len();
    for payload in payloads.iter().chain([&end]) {
        let piece = &text[from..payload.start];
        match redact_piece(
            em,
            policy,
            state,
            piece,
            key,
            Pass::Piece,
            scratch,
            matches,
            counts,
        )? {
            Some(new) => {
                out.push_str(&new);
                changed = true;
            }
            None => out.push_str(piece),
        }
        out.push_str(&text[payload.clone()]);
        from = payload.end;
    }
    Ok(changed.then_some(out))
}

/// What [`redact_piece`] is given.
#[derive(Clone, Copy, PartialEq)]
enum Pass {
    /// A whole string without payloads, whose first pass's matches are already found.
    Found,
    /// A piece between payloads, searched without the field-name check, as the scan searches
    /// it.
    Piece,
}

/// [`redact_until_clean`] on a whole string without payloads, or on a piece between them.
#[allow(clippy::too_many_arguments)]
fn redact_piece(
    em: &Emitter,
    policy: &Policy,
    state: &mut FileState,
    text: &str,
    key: Option<&str>,
    given: Pass,
    scratch: &mut Scratch,
    matches: &mut Vec<Match>,
    counts: &mut Counts,
) -> Result<Option<String>, ()> {
    let mut current: Option<String> = None;
    for pass in 0..=MAX_PASSES {
        let t = current.as_deref().unwrap_or(text);
        match given {
            Pass::Found if pass == 0 => {}
            Pass::Found => {
                matches.clear();
                em.detector.detect(t, key, scratch, matches);
            }
            Pass::Piece => {
                matches.clear();
                em.detector.detect_piece(t, key, scratch, matches);
            }
        }
        if matches.is_empty() {
            break;
        }
        if pass == MAX_PASSES {
            // Still not clean after every pass (a chain of context, or a replacement that a
            // custom rule reports): nothing of the string is kept.
            if let Some(m) = matches.iter().find(|m| em.reports(t, m)) {
                let kind = em.kind_of(m).to_string();
                if policy.operator_for(&kind).is_some() {
                    *counts.entry(kind).or_default() += 1;
                    current = Some("<REDACTED>".to_string());
                }
            }
            break;
        }
        match redact_str(em, policy, state, t, matches, counts)? {
            Some(new) => current = Some(new),
            None => break,
        }
    }
    Ok(current)
}

/// Redacts a line of text into `out` (invalid UTF-8 bytes are kept as they are).
pub fn text_line(
    em: &Emitter,
    policy: &Policy,
    state: &mut FileState,
    line: &[u8],
    work: &mut Work,
    counts: &mut Counts,
    out: &mut Vec<u8>,
) -> Outcome {
    work.scratch.new_record();
    let start = out.len();
    let mut record_counts = Counts::new();
    for chunk in line.utf8_chunks() {
        let valid = chunk.valid();
        match redact_until_clean(
            em,
            policy,
            state,
            valid,
            None,
            &mut work.scratch,
            &mut work.matches,
            &mut record_counts,
        ) {
            Err(()) => {
                out.truncate(start);
                return Outcome::Drop;
            }
            Ok(Some(new)) => out.extend_from_slice(new.as_bytes()),
            Ok(None) => out.extend_from_slice(valid.as_bytes()),
        }
        out.extend_from_slice(chunk.invalid());
    }
    merge(counts, record_counts);
    Outcome::Keep
}

fn merge(into: &mut Counts, from: Counts) {
    for (k, n) in from {
        *into.entry(k).or_default() += n;
    }
}

/// Redacts a JSON Lines record into `out`. `Err` when it is not valid JSON (the caller then
/// redacts it as text and reports it).
pub fn json_line(
    em: &Emitter,
    policy: &Policy,
    state: &mut FileState,
    line: &[u8],
    work: &mut Work,
    counts: &mut Counts,
    out: &mut Vec<u8>,
) -> Result<Outcome, json::JsonError> {
    let Ok(text) = std::str::from_utf8(line) else {
        return Err(json::JsonError {
            offset: 0,
            message: "invalid UTF-8",
        });
    };
    work.scratch.new_record();
    work.edits.clear();
    let mut record_counts = Counts::new();
    let mut drop = false;
    let mut segs: Vec<Seg<'_>> = Vec::new();
    let Work {
        scratch,
        matches,
        decoded,
        key_buf,
        edits,
    } = work;
    json::walk(line, &mut segs, &mut |s: &Str<'_>, p: &[Seg<'_>]| {
        if drop {
            return false;
        }
        let value: &str = if s.escaped {
            json::decode_into(s.raw, decoded);
            decoded
        } else {
            &text[s.offset..s.offset + s.raw.len()]
        };
        let key = if s.is_key {
            None
        } else {
            last_key(text, p, key_buf)
        };
        match redact_until_clean(
            em,
            policy,
            state,
            value,
            key,
            scratch,
            matches,
            &mut record_counts,
        ) {
            Err(()) => drop = true,
            Ok(Some(new)) => {
                let quoted = serde_json::to_string(&new).unwrap_or_default();
                let inner = quoted[1..quoted.len() - 1].to_string();
                edits.push((s.offset, s.offset + s.raw.len(), inner));
            }
            Ok(None) => return false,
        }
        true
    })?;
    if drop {
        return Ok(Outcome::Drop);
    }
    let mut at = 0;
    for (s, e, with) in edits.iter() {
        out.extend_from_slice(&line[at..*s]);
        out.extend_from_slice(with.as_bytes());
        at = *e;
    }
    out.extend_from_slice(&line[at..]);
    merge(counts, record_counts);
    Ok(Outcome::Keep)
}
