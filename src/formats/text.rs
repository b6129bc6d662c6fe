//! The text reader: every line is scanned as is. A line that is not valid UTF-8 is reported
//! and its valid parts are still scanned, with offsets as in lossy decoding (each invalid
//! sequence counts as one U+FFFD).

use super::emit::{count_chars, ByteMap, ChunkResult, Emitter, Location, Parts};
use super::lines::lines;
use crate::detect::{Match, Scratch};
use crate::findings::InputError;
use std::sync::Arc;

/// Scans a chunk of a text file that starts at byte `base` of the file.
pub fn scan(
    em: &Emitter,
    path: &Arc<str>,
    data: &[u8],
    base: u64,
    scratch: &mut Scratch,
    parts: &mut Parts<'_>,
) {
    parts.cur.bytes = data.len() as u64;
    parts.cur.scanned = true;
    let mut matches = Vec::new();
    let mut line_no = 0u64;
    for (off, line) in lines(data) {
        line_no += 1;
        parts.cur.lines += 1;
        if line.is_empty() {
            continue;
        }
        let out = &mut parts.cur;
        let invalid = scan_line(
            em,
            path,
            line,
            line_no,
            base + off as u64,
            scratch,
            &mut matches,
            out,
        );
        if let Some(at) = invalid {
            out.errors.push(InputError::at_line(
                path,
                line_no,
                format!(
                    "invalid UTF-8 at byte {} of the line (valid parts scanned)",
                    at + 1
                ),
            ));
        }
        if !parts.checkpoint() {
            return;
        }
    }
}

/// Scans one line as text (also used for JSON Lines records that are not valid JSON). Returns
/// the offset of the first invalid UTF-8 byte, if any (the line is validated only here).
#[allow(clippy::too_many_arguments)]
pub fn scan_line(
    em: &Emitter,
    path: &Arc<str>,
    line: &[u8],
    line_no: u64,
    line_base: u64,
    scratch: &mut Scratch,
    matches: &mut Vec<Match>,
    out: &mut ChunkResult,
) -> Option<usize> {
    scratch.new_record();
    // Searches a valid part of the line that starts at file byte `byte_base` and character
    // `cp_base` of the line.
    let mut search = |valid: &str, byte_base: u64, cp_base: u64| {
        matches.clear();
        em.detector.detect(valid, None, scratch, matches);
        if !matches.is_empty() {
            let loc = Location {
                line: Some(line_no),
                cp_base,
                bytes: ByteMap::Direct(byte_base),
                ..Location::default()
            };
            em.emit(valid, matches, &loc, path, out);
        }
    };
    // Most lines are valid UTF-8: one SIMD check, one search, and no character counting.
    if let Ok(text) = simdutf8::basic::from_utf8(line) {
        search(text, line_base, 0);
        return None;
    }
    let (mut seg_off, mut cp_base) = (0usize, 0u64);
    let mut first_invalid = None;
    for chunk in line.utf8_chunks() {
        if !chunk.invalid().is_empty() && first_invalid.is_none() {
            first_invalid = Some(seg_off + chunk.valid().len());
        }
        let valid = chunk.valid();
        search(valid, line_base + seg_off as u64, cp_base);
        cp_base += count_chars(valid.as_bytes()) + u64::from(!chunk.invalid().is_empty());
        seg_off += valid.len() + chunk.invalid().len();
    }
    first_invalid
}
