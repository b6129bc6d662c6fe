//! What the detector does not look into: the base64 payloads of data URIs
//! (`data:image/png;base64,iVBORw0KGgo…`), which fill multimodal chat files (OpenAI-style
//! `image_url` parts) and web dumps. A payload is encoded binary data: a "match" inside one is
//! a coincidence of its alphabet, never personal data written as text, and scanning it costs
//! as much as scanning prose. The header (`data:image/png;base64,`) is scanned; the payload is
//! cut out, and the text on either side is scanned as its own piece, so no finding holds a
//! payload byte.

use memchr::memmem;

use std::ops::Range;

/// The marker every base64 data URI holds between its header and its payload.
const MARKER: &[u8] = b";base64,";

/// A byte every marker holds, which the detector may know as an anchor byte.
pub const MARKER_ANCHOR: u8 = b'6';

/// The shortest data URI with a payload: `data:;base64,` and one byte.
const SHORTEST: usize = 14;

/// The most bytes a header's media type and parameters may take before the marker
/// (`data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;name=x.xlsx`).
const MAX_HEADER: usize = 256;

/// Finds the payloads of base64 data URIs.
#[derive(Debug, Clone)]
pub struct DataUris {
    marker: memmem::Finder<'static>,
}

impl Default for DataUris {
    fn default() -> Self {
        DataUris {
            marker: memmem::Finder::new(MARKER).into_owned(),
        }
    }
}

impl DataUris {
    /// The next payload in `text` at or after `from`: the base64 characters after a
    /// `data:[<media type>][;<parameter>]*;base64,` header (the scheme in any case), with their
    /// `=` padding. A marker without such a header, or with no base64 character after it, is
    /// not one (`;base64,` in prose, or an empty payload).
    #[inline]
    pub fn next(&self, text: &[u8], from: usize) -> Option<Range<usize>> {
        // Most strings are too short to hold one (`data:;base64,` and a byte). After a payload
        // the next header may begin inside it: the rest needs only a marker and a byte.
        let least = if from == 0 {
            SHORTEST
        } else {
            MARKER.len() + 1
        };
        if text.len().saturating_sub(from) < least {
            return None;
        }
        self.search(text, from)
    }

    /// The payloads in `text` from `first` on (a payload [`DataUris::next`] found), in order.
    pub fn from_first<'a>(
        &'a self,
        text: &'a [u8],
        first: Range<usize>,
    ) -> impl Iterator<Item = Range<usize>> + 'a {
        std::iter::successors(Some(first), move |p| self.next(text, p.end))
    }

    fn search(&self, text: &[u8], mut from: usize) -> Option<Range<usize>> {
        // The substring search looks for two of the marker's bytes at their distance apart
        // at once (vectorised), so neither code full of `;` nor prose full of digits makes it
        // stop often.
        while let Some(i) = self.marker.find(text.get(from..)?) {
            let marker = from + i;
            from = marker + MARKER.len();
            if !has_header(&text[..marker]) {
                continue;
            }
            let start = marker + MARKER.len();
            let end = start + base64_run(&text[start..]);
            if end == start {
                continue;
            }
            let padded = text[end..]
                .iter()
                .take(2)
                .take_while(|&&b| b == b'=')
                .count();
            return Some(start..end + padded);
        }
        None
    }
}

/// Whether `before` (the text up to a marker) ends with `data:` and a media type with its
/// parameters: bytes of [`is_header`], at most [`MAX_HEADER`] of them.
fn has_header(before: &[u8]) -> bool {
    // The header and the `:` before it.
    let kept = before.len().saturating_sub(MAX_HEADER + 1);
    let Some(colon) = before[kept..].iter().rposition(|&b| !is_header(b)) else {
        return false;
    };
    let colon = kept + colon;
    before[colon] == b':'
        && colon >= 4
        && before[colon - 4..colon].eq_ignore_ascii_case(b"data")
        && (colon == 4 || !before[colon - 5].is_ascii_alphanumeric())
}

/// A byte of a media type or its parameters (RFC 2045 token bytes, `/`, `;` and `=`), or `<`
/// and `>`: a redaction tag (`name=<CREDIT_CARD>.pdf`) leaves the header a header, so a clean
/// copy's payloads are cut out as the original's were.
fn is_header(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~/;=<>".contains(&b)
}

/// How many bytes `text` starts with are of the base64 alphabet: 32 at a time while whole
/// blocks are (a payload is thousands of bytes; the block test compiles to vector compares).
fn base64_run(text: &[u8]) -> usize {
    let blocks = text.chunks_exact(32);
    let whole = blocks
        .take_while(|block| block.iter().fold(true, |all, &b| all & is_base64(b)))
        .count()
        * 32;
    whole
        + text[whole..]
            .iter()
            .position(|&b| !is_base64(b))
            .unwrap_or(text.len() - whole)
}

/// A byte of the standard base64 alphabet (not its padding), without branches.
#[inline(always)]
fn is_base64(b: u8) -> bool {
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let digit = b.wrapping_sub(b'0') < 10;
    letter | digit | (b == b'+') | (b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payloads(text: &str) -> Vec<&str> {
        let d = DataUris::default();
        let Some(first) = d.next(text.as_bytes(), 0) else {
            return Vec::new();
        };
        d.from_first(text.as_bytes(), first)
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn finds_payloads_after_a_data_header() {
        assert_eq!(
            payloads("data:image/png;base64,iVBORw0K+/9="),
            ["iVBORw0K+/9="]
        );
        assert_eq!(
            payloads("![x](DATA:image/jpeg;name=a.jpg;base64,AAAA==) and <img src=\"data:;base64,QUJD\">"),
            ["AAAA==", "QUJD"]
        );
        // The padding is at most two `=`; what follows the payload is not part of it.
        assert_eq!(payloads("data:text/plain;base64,QQ===x"), ["QQ=="]);
        assert_eq!(payloads("data:a/b;base64,QUJD call 415-555-2671"), ["QUJD"]);
        assert_eq!(
            payloads("data:a/b;name=<EMAIL_1>.txt;base64,QUJD"),
            ["QUJD"]
        );
    }

    #[test]
    fn base64_runs_end_at_the_first_other_byte() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for b in 0..=255u8 {
            assert_eq!(is_base64(b), alphabet.contains(&b), "byte {b}");
        }
        // Every length around the block size, with the first other byte at every place.
        for len in 0..100 {
            let run: Vec<u8> = (0..len).map(|i| alphabet[i * 7 % 64]).collect();
            assert_eq!(base64_run(&run), len);
            for stop in [b'=', b'-', b'"', b' ', 0x80] {
                let mut text = run.clone();
                text.push(stop);
                text.extend_from_slice(b"QUJD");
                assert_eq!(base64_run(&text), len, "{len} then {stop}");
            }
        }
    }

    #[test]
    fn a_marker_without_a_header_is_not_a_payload() {
        assert!(payloads("encode it with ;base64,QUJD").is_empty());
        assert!(payloads("metadata:image/png;base64,QUJD").is_empty());
        assert!(payloads("data: image/png;base64,QUJD").is_empty());
        assert!(payloads("data:image/png;base64, QUJD").is_empty());
        assert!(payloads("data:image/png;base64,").is_empty());
        let long = format!("data:{};base64,QUJD", "a".repeat(MAX_HEADER + 1));
        assert!(payloads(&long).is_empty());
        let longest = format!("data:{};base64,QUJD", "a".repeat(MAX_HEADER));
        assert_eq!(payloads(&longest), ["QUJD"]);
        let glued = format!("xdata:{};base64,QUJD", "a".repeat(MAX_HEADER));
        assert!(payloads(&glued).is_empty());
    }

    /// The payloads as a regular expression defines them, for comparison.
    fn by_regex<'t>(re: &regex::Regex, text: &'t str) -> Vec<&'t str> {
        // Left to right, the leftmost payload starting after the last one (its header may lie
        // in the last payload: `data:;base64,DATA:;base64,QUJD` holds two).
        let mut out = Vec::new();
        let mut from = 0;
        loop {
            let next = (0..text.len())
                .filter(|&i| text.is_char_boundary(i))
                .filter_map(|i| re.captures_at(text, i))
                .map(|c| c.get(1).unwrap())
                .filter(|m| m.start() >= from)
                .min_by_key(|m| m.start());
            let Some(m) = next else { break };
            out.push(m.as_str());
            from = m.end();
        }
        out
    }

    #[test]
    fn payloads_are_what_the_regex_says() {
        // Texts built from the pieces a header, a marker and a payload are made of, and the
        // bytes that break them.
        let pieces = [
            "data:",
            "data:",
            "DATA:",
            "Data:",
            ";base64,",
            ";base64,",
            ";base64,",
            "image/png",
            "a",
            "QUJD",
            "QUJD",
            "+/9",
            "==",
            "=",
            " ",
            ":",
            ";",
            ",",
            "<x>",
            "meta",
            "-",
            "\"",
            "\n",
            "\u{e9}",
        ];
        let re = regex::Regex::new(
            r"(?:^|[^A-Za-z0-9])(?i:data):[A-Za-z0-9!#$%&'*+\-.^_`|~/;=<>]{0,256};base64,([A-Za-z0-9+/]+={0,2})",
        )
        .unwrap();
        let mut r: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut checked = 0;
        for _ in 0..10_000 {
            let mut text = String::new();
            for _ in 0..(r % 12 + 1) {
                r ^= r << 13;
                r ^= r >> 7;
                r ^= r << 17;
                text.push_str(pieces[(r % pieces.len() as u64) as usize]);
            }
            let found = payloads(&text);
            checked += found.len();
            assert_eq!(found, by_regex(&re, &text), "{text:?}");
        }
        assert!(checked > 400, "{checked}");
    }
}
