//! A strict (RFC 8259), zero-copy reader for one JSON Lines record. It walks the value, hands
//! every string (object keys too) to a visitor with its field path and its raw position in the
//! line, and never builds a tree. Escaped strings are decoded on demand, and decoded offsets map
//! back to raw offsets so findings get exact byte positions even inside `\uXXXX` escapes.

/// One step of a field path.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    /// An object key, raw (still escaped) bytes; `flagged` when the key itself held a finding.
    Key {
        raw: &'a [u8],
        escaped: bool,
        flagged: bool,
    },
    Index(usize),
}

/// A string token: its raw bytes between the quotes and their offset in the line.
#[derive(Debug, Clone, Copy)]
pub struct Str<'a> {
    pub raw: &'a [u8],
    pub offset: usize,
    pub escaped: bool,
    pub is_key: bool,
}

/// Where and why a record is not valid JSON. The message never quotes the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub message: &'static str,
}

/// Nesting deeper than this is refused (hostile inputs must not exhaust the stack).
pub const MAX_DEPTH: usize = 256;

/// Walks one record; `visit` sees every string with the path leading to it and returns whether
/// it found something (a key that did is flagged in the path of its value).
pub fn walk<'a, F>(line: &'a [u8], path: &mut Vec<Seg<'a>>, visit: &mut F) -> Result<(), JsonError>
where
    F: FnMut(&Str<'a>, &[Seg<'a>]) -> bool,
{
    path.clear();
    let mut p = Parser {
        b: line,
        i: 0,
        controls: crate::detect::bytesearch::has_control(line),
    };
    p.ws();
    p.value(0, path, visit)?;
    p.ws();
    if p.i != line.len() {
        return Err(p.err("unexpected data after the JSON value"));
    }
    Ok(())
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    /// Whether the record holds a control byte anywhere (most hold none: strings then end at
    /// the next `"` or `\\`, found by a faster search).
    controls: bool,
}

impl<'a> Parser<'a> {
    fn err(&self, message: &'static str) -> JsonError {
        JsonError {
            offset: self.i,
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn value<F>(
        &mut self,
        depth: usize,
        path: &mut Vec<Seg<'a>>,
        visit: &mut F,
    ) -> Result<(), JsonError>
    where
        F: FnMut(&Str<'a>, &[Seg<'a>]) -> bool,
    {
        match self.peek() {
            Some(b'{') => self.object(depth, path, visit),
            Some(b'[') => self.array(depth, path, visit),
            Some(b'"') => {
                let s = self.string(false)?;
                visit(&s, path);
                Ok(())
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("expected a JSON value")),
            None => Err(self.err("unexpected end of record")),
        }
    }

    /// Enters an object or array at its opening bracket; true when it is empty (and consumed).
    fn open(&mut self, depth: usize, close: u8) -> Result<bool, JsonError> {
        if depth >= MAX_DEPTH {
            return Err(self.err("nesting deeper than 256 levels"));
        }
        self.i += 1;
        self.ws();
        if self.peek() == Some(close) {
            self.i += 1;
            return Ok(true);
        }
        Ok(false)
    }

    fn object<F>(
        &mut self,
        depth: usize,
        path: &mut Vec<Seg<'a>>,
        visit: &mut F,
    ) -> Result<(), JsonError>
    where
        F: FnMut(&Str<'a>, &[Seg<'a>]) -> bool,
    {
        if self.open(depth, b'}')? {
            return Ok(());
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a string key"));
            }
            let key = self.string(true)?;
            let flagged = visit(&key, path);
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.err("expected ':' after a key"));
            }
            self.i += 1;
            self.ws();
            path.push(Seg::Key {
                raw: key.raw,
                escaped: key.escaped,
                flagged,
            });
            self.value(depth + 1, path, visit)?;
            path.pop();
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.err("expected ',' or '}' in an object")),
            }
        }
    }

    fn array<F>(
        &mut self,
        depth: usize,
        path: &mut Vec<Seg<'a>>,
        visit: &mut F,
    ) -> Result<(), JsonError>
    where
        F: FnMut(&Str<'a>, &[Seg<'a>]) -> bool,
    {
        if self.open(depth, b']')? {
            return Ok(());
        }
        let mut index = 0;
        loop {
            self.ws();
            path.push(Seg::Index(index));
            self.value(depth + 1, path, visit)?;
            path.pop();
            index += 1;
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.err("expected ',' or ']' in an array")),
            }
        }
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), JsonError> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(self.err("invalid literal (expected true, false or null)"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), JsonError> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.err("invalid number: digits expected after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number: digits expected in exponent"));
            }
        }
        Ok(())
    }

    /// Reads a string starting at the opening quote; validates escapes and control characters.
    fn string(&mut self, is_key: bool) -> Result<Str<'a>, JsonError> {
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        loop {
            let Some(pos) =
                crate::detect::bytesearch::find_string_special(self.b, self.i, self.controls)
            else {
                self.i = self.b.len();
                return Err(self.err("unterminated string"));
            };
            self.i = pos;
            match self.b[self.i] {
                b'"' => {
                    let s = Str {
                        raw: &self.b[start..self.i],
                        offset: start,
                        escaped,
                        is_key,
                    };
                    self.i += 1;
                    return Ok(s);
                }
                b'\\' => {
                    escaped = true;
                    self.i += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            let hex = self.b.get(self.i + 1..self.i + 5);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                return Err(self.err("invalid \\u escape"));
                            }
                            self.i += 5;
                        }
                        _ => return Err(self.err("invalid escape in string")),
                    }
                }
                _ => return Err(self.err("control character in string")),
            }
        }
    }
}

fn hex4(h: &[u8]) -> u32 {
    h.iter().fold(0, |acc, &c| {
        acc * 16 + char::from(c).to_digit(16).unwrap_or(0)
    })
}

/// One decoded unit of a validated raw string: the char it yields and the raw bytes it used.
fn unit(raw: &[u8], i: usize) -> (Option<char>, usize) {
    if raw[i] != b'\\' {
        return (None, 1);
    }
    match raw[i + 1] {
        b'u' => {
            let hi = hex4(&raw[i + 2..i + 6]);
            if (0xD800..0xDC00).contains(&hi)
                && raw.get(i + 6) == Some(&b'\\')
                && raw.get(i + 7) == Some(&b'u')
                && raw.len() >= i + 12
            {
                let lo = hex4(&raw[i + 8..i + 12]);
                if (0xDC00..0xE000).contains(&lo) {
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    return (char::from_u32(c), 12);
                }
            }
            // A lone surrogate decodes to U+FFFD, as lossy UTF-16 decoding does.
            (Some(char::from_u32(hi).unwrap_or('\u{FFFD}')), 6)
        }
        b'n' => (Some('\n'), 2),
        b't' => (Some('\t'), 2),
        b'r' => (Some('\r'), 2),
        b'b' => (Some('\u{8}'), 2),
        b'f' => (Some('\u{c}'), 2),
        other => (Some(char::from(other)), 2),
    }
}

/// Decodes a validated raw string (from [`walk`], on valid UTF-8) into `out`.
pub fn decode_into(raw: &[u8], out: &mut String) {
    out.clear();
    let mut i = 0;
    let mut plain = 0;
    while i < raw.len() {
        let (c, n) = unit(raw, i);
        if let Some(c) = c {
            out.push_str(std::str::from_utf8(&raw[plain..i]).unwrap_or("\u{FFFD}"));
            out.push(c);
            plain = i + n;
        }
        i += n;
    }
    out.push_str(std::str::from_utf8(&raw[plain..]).unwrap_or("\u{FFFD}"));
}

/// Maps a byte offset in the decoded string to the offset in `raw` where that byte's unit
/// starts (or `raw.len()` at the end).
pub fn raw_offset(raw: &[u8], decoded: usize) -> usize {
    RawCursor::new(raw).advance_to(decoded)
}

/// Maps increasing decoded offsets to raw offsets in one pass over `raw` (findings come sorted,
/// so mapping all of them costs one walk, not one walk each).
pub struct RawCursor<'a> {
    raw: &'a [u8],
    i: usize,
    produced: usize,
}

impl<'a> RawCursor<'a> {
    pub fn new(raw: &'a [u8]) -> Self {
        RawCursor {
            raw,
            i: 0,
            produced: 0,
        }
    }

    /// The raw offset of decoded offset `decoded`, which must not be less than the last one.
    pub fn advance_to(&mut self, decoded: usize) -> usize {
        while self.i < self.raw.len() && self.produced < decoded {
            let (c, n) = unit(self.raw, self.i);
            self.produced += c.map_or(1, char::len_utf8);
            self.i += n;
        }
        self.i
    }
}

/// Renders a path as `messages[2].content`; keys that are not identifiers as `["a b"]`; keys
/// that held a finding as `["***"]` unless `show_values`. The empty path (a bare string) is `$`.
pub fn render_path(path: &[Seg<'_>], show_values: bool) -> String {
    if path.is_empty() {
        return "$".to_string();
    }
    let mut out = String::new();
    let mut buf = String::new();
    for seg in path {
        match *seg {
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            Seg::Key {
                raw,
                escaped,
                flagged,
            } => {
                if flagged && !show_values {
                    out.push_str("[\"***\"]");
                    continue;
                }
                let key = if escaped {
                    decode_into(raw, &mut buf);
                    buf.as_str()
                } else {
                    std::str::from_utf8(raw).unwrap_or("\u{FFFD}")
                };
                let ident = key
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                    && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if ident {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                } else {
                    out.push('[');
                    out.push_str(&serde_json::to_string(key).unwrap_or_default());
                    out.push(']');
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(line: &str) -> Result<Vec<(String, String, bool)>, JsonError> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        let mut buf = String::new();
        walk(
            line.as_bytes(),
            &mut path,
            &mut |s: &Str<'_>, p: &[Seg<'_>]| {
                decode_into(s.raw, &mut buf);
                out.push((render_path(p, true), buf.clone(), s.is_key));
                false
            },
        )?;
        Ok(out)
    }

    #[test]
    fn paths_of_nested_strings() {
        let got = strings(r#"{"messages":[{"role":"user","content":"hi"}],"meta":{"a b":["x"]}}"#)
            .unwrap();
        let values: Vec<(String, String)> = got
            .iter()
            .filter(|(_, _, k)| !k)
            .map(|(p, v, _)| (p.clone(), v.clone()))
            .collect();
        assert_eq!(
            values,
            vec![
                ("messages[0].role".into(), "user".into()),
                ("messages[0].content".into(), "hi".into()),
                ("meta[\"a b\"][0]".into(), "x".into()),
            ]
        );
        assert!(got.iter().any(|(p, v, k)| *k && v == "a b" && p == "meta"));
        assert_eq!(strings(r#""top""#).unwrap()[0].0, "$");
    }

    #[test]
    fn escapes_decode() {
        let got = strings(r#"["\nbob\u0040x.com \ud83d\ude00 \u00e9 \/ \"q\" \ud800"]"#).unwrap();
        assert_eq!(got[0].1, "\nbob@x.com \u{1F600} é / \"q\" \u{FFFD}");
    }

    #[test]
    fn raw_offsets_map_through_escapes() {
        let raw = br#"a\u0040b\nc"#;
        let mut s = String::new();
        decode_into(raw, &mut s);
        assert_eq!(s, "a@b\nc");
        assert_eq!(raw_offset(raw, 0), 0);
        assert_eq!(raw_offset(raw, 1), 1); // '@' starts at the escape
        assert_eq!(raw_offset(raw, 2), 7); // 'b'
        assert_eq!(raw_offset(raw, 4), 10); // 'c' after "\n"
        assert_eq!(raw_offset(raw, 5), raw.len());
        let raw = "é\\u00e9x".as_bytes();
        assert_eq!(raw_offset(raw, 4), 8); // after "é" (2 bytes) and "\u00e9" (decoded 2 bytes)
    }

    #[test]
    fn agrees_with_serde_json_on_validity() {
        let cases = [
            "{}",
            "[]",
            "1",
            "-0.5e+3",
            "\"x\"",
            "true",
            "null",
            " {\"a\" : [1, 2 ,{}] } ",
            "{",
            "}",
            "[1,]",
            "{\"a\":1,}",
            "{a:1}",
            "01",
            "1.",
            "-",
            ".5",
            "1e",
            "tru",
            "\"\\x\"",
            "\"\\u12\"",
            "\"a\tb\"",
            "[1 2]",
            "{\"a\" 1}",
            "{} {}",
            "\"",
            "[\"a\"",
            "nul",
            "[-]",
            "{\"a\":}",
            "[1e5,2E-3,0.0]",
            "\"\\ud800\"",
            // A control byte outside strings (whitespace) or inside one, far from the start.
            "\t{\"a\":\t\"b\"}\t",
            "[\"a string longer than one search step\", \"then a control \u{1} byte\"]",
            "[\"a string longer than one search step\",\t\"then a tab\tinside\"]",
            "[\"\\\\\", \"\\\"\", \"x\"]",
        ];
        for c in cases {
            let ours = walk(
                c.as_bytes(),
                &mut Vec::new(),
                &mut |_: &Str<'_>, _: &[Seg<'_>]| false,
            )
            .is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(c).is_ok();
            // serde_json rejects lone surrogates; we accept them as U+FFFD (lossy, like Python).
            if c == "\"\\ud800\"" {
                assert!(ours);
                continue;
            }
            assert_eq!(ours, theirs, "{c:?}");
        }
    }

    #[test]
    fn errors_have_offsets_and_depth_is_bounded() {
        let e = walk(
            b"{\"a\":1,}",
            &mut Vec::new(),
            &mut |_: &Str<'_>, _: &[Seg<'_>]| false,
        )
        .unwrap_err();
        assert_eq!(e.offset, 7);
        let deep = "[".repeat(10_000);
        let e = walk(
            deep.as_bytes(),
            &mut Vec::new(),
            &mut |_: &Str<'_>, _: &[Seg<'_>]| false,
        )
        .unwrap_err();
        assert!(e.message.contains("nesting"));
    }

    #[test]
    fn flagged_keys_are_masked_in_paths() {
        let path = [
            Seg::Key {
                raw: b"emails",
                escaped: false,
                flagged: false,
            },
            Seg::Key {
                raw: b"bob@x.com",
                escaped: false,
                flagged: true,
            },
        ];
        assert_eq!(render_path(&path, false), "emails[\"***\"]");
        assert_eq!(render_path(&path, true), "emails[\"bob@x.com\"]");
    }
}
