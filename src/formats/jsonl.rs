//! The JSON Lines reader. A record is parsed only when its raw bytes can hold a finding
//! (the detector's anchor prefilter); then every string value and key is decoded and scanned,
//! with its field path. A record that is not valid JSON (or not UTF-8) is reported with its
//! line number and scanned as text, so nothing is missed.

use super::emit::{count_chars, ByteMap, Emitter, Location, Parts};
use super::json::{self, Seg, Str};
use super::lines::lines;
use super::text;
use crate::detect::Scratch;
use crate::findings::InputError;
use std::sync::Arc;

/// Scans a chunk of a JSON Lines file that starts at byte `base` of the file.
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
    let mut segs: Vec<Seg<'_>> = Vec::new();
    let mut decoded = String::new();
    let mut key_buf = String::new();
    let mut line_no = 0u64;
    for (off, line) in lines(data) {
        // Between records: hand on a full part (a record's findings never straddle two parts,
        // so a malformed record can take its own back).
        if !parts.checkpoint() {
            return;
        }
        let out = &mut parts.cur;
        out.lines += 1;
        line_no += 1;
        let line_base = base + off as u64;
        if line.iter().all(u8::is_ascii_whitespace) || !em.detector.may_contain(line) {
            continue;
        }
        scratch.new_record();
        // Why the record has to be read as text instead, if it does.
        // The SIMD check first (most records are valid); the standard one says where not.
        let utf8 = simdutf8::basic::from_utf8(line).or_else(|_| std::str::from_utf8(line));
        let problem = match utf8 {
            Err(e) => Some(format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1)),
            Ok(text) => {
                let mark = (
                    out.findings.len(),
                    out.below_threshold,
                    scratch.data_uri_bytes(),
                );
                let walked = json::walk(line, &mut segs, &mut |s: &Str<'_>, p: &[Seg<'_>]| {
                    let value: &str = if s.escaped {
                        json::decode_into(s.raw, &mut decoded);
                        &decoded
                    } else {
                        &text[s.offset..s.offset + s.raw.len()]
                    };
                    let key = if s.is_key {
                        None
                    } else {
                        last_key(text, p, &mut key_buf)
                    };
                    matches.clear();
                    em.detector.detect(value, key, scratch, &mut matches);
                    if matches.is_empty() {
                        return false;
                    }
                    let field = if s.is_key {
                        let mut with_key = p.to_vec();
                        with_key.push(Seg::Key {
                            raw: s.raw,
                            escaped: s.escaped,
                            flagged: true,
                        });
                        json::render_path(&with_key, em.show_values)
                    } else {
                        json::render_path(p, em.show_values)
                    };
                    let file_off = line_base + s.offset as u64;
                    let loc = Location {
                        line: Some(line_no),
                        field: Some(&field),
                        in_key: s.is_key,
                        bytes: if s.escaped {
                            ByteMap::Escaped(file_off, s.raw)
                        } else {
                            ByteMap::Direct(file_off)
                        },
                        ..Location::default()
                    };
                    em.emit(value, &matches, &loc, path, out);
                    true
                });
                match walked {
                    Ok(()) => None,
                    Err(e) => {
                        // Findings from the part that parsed are found again as text.
                        out.findings.truncate(mark.0);
                        out.below_threshold = mark.1;
                        scratch.rewind_data_uri_bytes(mark.2);
                        let column = count_chars(&line[..e.offset.min(line.len())]) + 1;
                        Some(format!("invalid JSON at column {column}: {}", e.message))
                    }
                }
            }
        };
        if let Some(problem) = problem {
            out.errors.push(InputError::at_line(
                path,
                line_no,
                format!("{problem} (record scanned as text)"),
            ));
            text::scan_line(
                em,
                path,
                line,
                line_no,
                line_base,
                scratch,
                &mut matches,
                out,
            );
        }
    }
}

/// The name of the innermost object key on the path (the field a value sits in).
/// Only an escaped key is decoded (into `buf`); a plain one is borrowed from the record,
/// `text`, which the path's keys were read from: already checked as UTF-8, so the key is
/// sliced out of it rather than checked again.
pub(crate) fn last_key<'r, 'a: 'r, 'b: 'r>(
    text: &'a str,
    path: &[Seg<'a>],
    buf: &'b mut String,
) -> Option<&'r str> {
    let (raw, escaped) = path.iter().rev().find_map(|s| match *s {
        Seg::Key { raw, escaped, .. } => Some((raw, escaped)),
        Seg::Index(_) => None,
    })?;
    if escaped {
        json::decode_into(raw, buf);
        return Some(buf.as_str());
    }
    // Where `raw` lies in `text`; a slice between two quotes starts and ends on char
    // boundaries, so `get` hands back the same bytes as a str.
    let start = (raw.as_ptr() as usize).checked_sub(text.as_ptr() as usize);
    match start.and_then(|start| text.get(start..start + raw.len())) {
        Some(key) => Some(key),
        None => std::str::from_utf8(raw).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each value's key, as `last_key` gives it from the record: plain keys are slices of the
    /// record (non-ASCII ones too), escaped ones are decoded; a key from elsewhere is checked.
    #[test]
    fn last_key_is_the_innermost_key_of_the_record() {
        let text = r#"{"role":"user","Straße":["x",{"a\u00dfb":"y"}],"z":{"k":"v"}}"#;
        let mut segs = Vec::new();
        let mut keys = Vec::new();
        let mut buf = String::new();
        json::walk(
            text.as_bytes(),
            &mut segs,
            &mut |s: &Str<'_>, p: &[Seg<'_>]| {
                if !s.is_key {
                    keys.push(last_key(text, p, &mut buf).map(str::to_string));
                }
                false
            },
        )
        .unwrap();
        let want = [Some("role"), Some("Straße"), Some("aßb"), Some("k")];
        assert_eq!(keys, want.map(|k| k.map(str::to_string)));
        let elsewhere = [Seg::Key {
            raw: "Straße".as_bytes(),
            escaped: false,
            flagged: false,
        }];
        assert_eq!(last_key("other", &elsewhere, &mut buf), Some("Straße"));
        assert_eq!(last_key(text, &[Seg::Index(0)], &mut buf), None);
    }
}
