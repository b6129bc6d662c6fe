//! Context words: whole words near a match, or tokens of the field name it sits in, that make a
//! match more (or less) likely to be personal data.

use super::literals::LiteralSet;
use super::region::is_word;
use crate::rules::ContextSpec;

#[derive(Debug)]
pub struct Context {
    positive: Option<LiteralSet>,
    /// The positive words that hold no other one as a whole word, for [`Context::could_support`].
    support: Option<LiteralSet>,
    negative: Option<LiteralSet>,
    key_words: Vec<String>,
    /// The byte lengths (below 64) of the key words, as bits: most field names are ruled out
    /// by their length alone.
    key_lens: u64,
    drop_before: Vec<String>,
    window: usize,
}

/// What the surroundings of a match say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    None,
    Raise,
    Lower,
    /// The word right before the match says it is not personal data.
    Drop,
}

impl Context {
    pub fn new(spec: &ContextSpec) -> Self {
        let key_words: Vec<String> = spec.field_words.iter().map(|w| w.to_lowercase()).collect();
        Context {
            positive: LiteralSet::new(&spec.words, true),
            support: LiteralSet::new(&holding_no_other(&spec.words), true),
            negative: LiteralSet::new(&spec.negative_words, true),
            key_lens: key_words
                .iter()
                .map(String::len)
                .filter(|&n| n < 64)
                .fold(0, |m, n| m | 1 << n),
            key_words,
            drop_before: spec.drop_before.iter().map(|w| w.to_lowercase()).collect(),
            window: spec.window,
        }
    }

    /// Looks at `window` bytes either side of `text[start..end]` and at the field name `key`.
    #[cfg(test)]
    pub fn signal(&self, text: &str, start: usize, end: usize, key: Option<&str>) -> Signal {
        self.signal_within(text, start, end, key, 0..text.len())
    }

    /// Whether anything in `text` or the field name `key` could support a match: a positive
    /// word anywhere in the text, or a field word in the key. A rule whose context is required
    /// is not run at all on a string where this is false.
    pub fn could_support(&self, text: &str, key: Option<&str>) -> bool {
        if key.is_some_and(|k| self.key_names_field(k)) {
            return true;
        }
        // A text holds a positive word as a whole word exactly when it holds one of these.
        self.support
            .as_ref()
            .is_some_and(|words| has_word(words, text, 0, text.len()))
    }

    /// Whether the field name `key`, or a token of it, is one of the rule's field words (which
    /// are lowercase).
    fn key_names_field(&self, key: &str) -> bool {
        if self.key_words.is_empty() {
            return false;
        }
        let is = |t: &str| {
            if t.is_ascii() {
                (t.len() >= 64 || self.key_lens >> t.len() & 1 == 1)
                    && self.key_words.iter().any(|w| w.eq_ignore_ascii_case(t))
            } else {
                let t = t.to_lowercase();
                self.key_words.contains(&t)
            }
        };
        // A key of lower-case ASCII letters and digits (`content`) is its own only token.
        if key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return is(key);
        }
        is(key) || key_tokens(key).any(is)
    }

    /// Looks at `window` bytes either side of `text[start..end]` and at the field name `key`,
    /// with the word search kept inside `limits` (the gap between a match and its neighbours,
    /// when context words support only the closest match).
    pub fn signal_within(
        &self,
        text: &str,
        start: usize,
        end: usize,
        key: Option<&str>,
        limits: std::ops::Range<usize>,
    ) -> Signal {
        if !self.drop_before.is_empty() {
            if let Some(w) = previous_word(text, start) {
                if self.drop_before.iter().any(|d| d.eq_ignore_ascii_case(w)) {
                    return Signal::Drop;
                }
            }
        }
        if self.positive.is_none() && self.negative.is_none() && self.key_words.is_empty() {
            return Signal::None;
        }
        let lo = floor_boundary(text, start.saturating_sub(self.window).max(limits.start));
        let hi = ceil_boundary(text, (end + self.window).min(text.len()).min(limits.end));
        let windows = [(lo, start), (end, hi)];
        if let Some(neg) = &self.negative {
            if windows.iter().any(|&(a, b)| has_word(neg, text, a, b)) {
                return Signal::Lower;
            }
        }
        if let Some(pos) = &self.positive {
            if windows.iter().any(|&(a, b)| has_word(pos, text, a, b)) {
                return Signal::Raise;
            }
        }
        if key.is_some_and(|k| self.key_names_field(k)) {
            return Signal::Raise;
        }
        Signal::None
    }
}

/// The words of `words` that do not hold another of them as a whole word, ignoring ASCII case
/// (`date of birth` holds `birth`): wherever one of `words` occurs as a whole word, so does
/// one of these (the word held is bounded inside it by non-word bytes, and at its ends by what
/// bounds the word holding it).
fn holding_no_other(words: &[String]) -> Vec<&str> {
    // The comparison is quadratic: a long list (a rule file's gazetteer) is kept as it is.
    if words.len() > 256 {
        return words.iter().map(String::as_str).collect();
    }
    let holds = |w: &[u8], v: &[u8]| {
        v.len() < w.len()
            && (0..=w.len() - v.len()).any(|k| {
                w[k..k + v.len()].eq_ignore_ascii_case(v)
                    && (k == 0 || !is_word(w[k - 1]))
                    && (k + v.len() == w.len() || !is_word(w[k + v.len()]))
            })
    };
    words
        .iter()
        .filter(|w| {
            !words
                .iter()
                .any(|v| !v.is_empty() && holds(w.as_bytes(), v.as_bytes()))
        })
        .map(String::as_str)
        .collect()
}

/// A word of `words` inside `text[a..b]` with no word character right before or after it.
fn has_word(words: &LiteralSet, text: &str, a: usize, b: usize) -> bool {
    let bytes = text.as_bytes();
    words.for_each(bytes, a..b, |s, k| {
        let e = s + words.len(k);
        e <= b && (s == 0 || !is_word(bytes[s - 1])) && (e >= bytes.len() || !is_word(bytes[e]))
    })
}

/// The word before `start`, across at most three separator characters (`Windows 1.2.3.4`,
/// `version: 1.2.3.4`).
fn previous_word(text: &str, start: usize) -> Option<&str> {
    let b = text.as_bytes();
    let mut end = start;
    let mut skipped = 0;
    while end > 0 && !b[end - 1].is_ascii_alphanumeric() {
        end -= 1;
        skipped += 1;
        if skipped > 3 {
            return None;
        }
    }
    let mut s = end;
    while s > 0 && b[s - 1].is_ascii_alphanumeric() {
        s -= 1;
    }
    (s < end).then(|| &text[s..end])
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Tokens of a field name as written, compared lowercased: `client_ip` → `client`, `ip`;
/// `phoneNumber` → `phone`, `Number`. Borrowed from the name: this runs for every keyed string.
fn key_tokens(key: &str) -> impl Iterator<Item = &str> + '_ {
    let mut chars = key.char_indices().peekable();
    std::iter::from_fn(move || {
        while chars.next_if(|&(_, c)| !c.is_alphanumeric()).is_some() {}
        let (start, first) = chars.next()?;
        let mut end = start + first.len_utf8();
        let mut prev_lower = first.is_lowercase() || first.is_ascii_digit();
        while let Some((i, c)) =
            chars.next_if(|&(_, c)| c.is_alphanumeric() && !(c.is_uppercase() && prev_lower))
        {
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
            end = i + c.len_utf8();
        }
        Some(&key[start..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(words: &[&str], neg: &[&str]) -> Context {
        Context::new(&ContextSpec {
            words: words.iter().map(|s| s.to_string()).collect(),
            field_words: vec!["ip".into(), "phone".into()],
            negative_words: neg.iter().map(|s| s.to_string()).collect(),
            drop_before: vec!["windows".into(), "version".into()],
            window: 20,
            ..ContextSpec::default()
        })
    }

    #[test]
    fn words_holding_another_are_left_to_it() {
        let words: Vec<String> = [
            "born",
            "date of birth",
            "Birth date",
            "birthdate",
            "birth",
            "d.o.b",
            "dob",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            holding_no_other(&words),
            ["born", "birthdate", "birth", "d.o.b", "dob"]
        );
    }

    /// Whether a text could support a match is the same with the shorter list: every text of
    /// generated pieces, with the positive words whole, glued or cut.
    #[test]
    fn could_support_is_any_positive_word_in_the_text() {
        let words = [
            "born",
            "date of birth",
            "birth date",
            "birthdate",
            "birth",
            "né",
            "d.o.b",
        ];
        let c = ctx(&words, &[]);
        let pieces = [
            "date", " of", " ", "birth", "Birth", "x", "day", "née", "n", "é", "d.o", ".b", "born",
            "-", "_",
        ];
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let (mut yes, mut no) = (0, 0);
        for _ in 0..20_000 {
            let text: String = (0..next() % 8)
                .map(|_| pieces[next() % pieces.len()])
                .collect();
            let all = c
                .positive
                .as_ref()
                .is_some_and(|p| has_word(p, &text, 0, text.len()));
            assert_eq!(c.could_support(&text, None), all, "{text:?}");
            if all {
                yes += 1;
            } else {
                no += 1;
            }
        }
        assert!(yes > 1000 && no > 1000, "{yes} {no}");
    }

    #[test]
    fn drop_before_looks_at_the_previous_word_only() {
        let c = ctx(&[], &[]);
        assert_eq!(
            c.signal("running on Windows 4.14.23.191", 19, 30, None),
            Signal::Drop
        );
        assert_eq!(c.signal("version: 1.2.3.4", 9, 16, None), Signal::Drop);
        assert_eq!(
            c.signal("Windows host at 10.1.2.3", 16, 24, None),
            Signal::None
        );
        assert_eq!(previous_word("ip: 1.2.3.4", 4), Some("ip"));
        assert_eq!(previous_word("ip ---- 1.2.3.4", 8), None, "too far");
        assert_eq!(previous_word("1.2.3.4", 0), None);
    }

    #[test]
    fn whole_words_in_window() {
        let c = ctx(&["phone", "tel"], &["order"]);
        let t = "my Phone: 555 0100";
        assert_eq!(c.signal(t, 10, 18, None), Signal::Raise);
        let t = "my telephone 555 0100";
        assert_eq!(
            c.signal(t, 13, 21, None),
            Signal::None,
            "tel inside telephone"
        );
        let t = "order 555 0100";
        assert_eq!(c.signal(t, 6, 14, None), Signal::Lower);
        let far = format!("phone {} 555 0100", "x".repeat(40));
        assert_eq!(c.signal(&far, far.len() - 8, far.len(), None), Signal::None);
    }

    #[test]
    fn field_name_tokens() {
        let c = ctx(&["ip", "phone"], &[]);
        assert_eq!(c.signal("1.2.3.4", 0, 7, Some("client_ip")), Signal::Raise);
        assert_eq!(
            c.signal("1.2.3.4", 0, 7, Some("phoneNumber")),
            Signal::Raise
        );
        assert_eq!(c.signal("1.2.3.4", 0, 7, Some("zip")), Signal::None);
        let words_only = ctx(&["text"], &[]);
        assert_eq!(
            words_only.signal("555 0100", 0, 8, Some("text")),
            Signal::None,
            "a text column"
        );
        let toks: Vec<_> = key_tokens("userIPAddress_v2").collect();
        for (key, want) in [
            ("userIPAddress_v2", &["user", "IPAddress", "v2"][..]),
            ("client_ip", &["client", "ip"]),
            ("phoneNumber", &["phone", "Number"]),
            ("__x__Y", &["x", "Y"]),
            ("aB1cD", &["a", "B1c", "D"]),
            ("ABC", &["ABC"]),
            ("a--b", &["a", "b"]),
            ("", &[]),
            ("content", &["content"]),
            ("DOB_2", &["DOB", "2"]),
            ("téléphoneNuméro", &["téléphone", "Numéro"]),
        ] {
            assert_eq!(key_tokens(key).collect::<Vec<_>>(), want, "{key:?}");
        }
        let c = ctx(&[], &[]);
        assert!(
            c.key_names_field("TéléPhone"),
            "a non-ASCII name's `Phone` token"
        );
        assert!(!c.key_names_field("téléphone") && !c.key_names_field("zip"));
        assert!(c.key_names_field("Client-IP") && c.key_names_field("PHONE_number"));
        assert!(toks.contains(&"user") && toks.contains(&"v2"));
    }

    /// Field names compared by length first, and keys of one lower-case token compared whole,
    /// find what comparing every token with every word finds.
    #[test]
    fn field_words_of_any_length_and_case() {
        let (long, edge, past) = ("x".repeat(70), "y".repeat(63), "y".repeat(64));
        let c = Context::new(&ContextSpec {
            field_words: vec![
                "Phone".into(),
                "ip".into(),
                long.clone(),
                edge.clone(),
                "téléphone".into(),
            ],
            ..ContextSpec::default()
        });
        for (key, want) in [
            ("phone", true),
            ("phone2", false),
            ("phones", false),
            ("ip", true),
            ("i", false),
            ("ip4", false),
            ("clientIp", true),
            ("CLIENT_IP", true),
            (long.as_str(), true),
            (&long[1..], false),
            (edge.as_str(), true),
            (past.as_str(), false),
            ("TÉLÉPHONE", true),
            ("Téléphone_2", true),
            ("", false),
        ] {
            assert_eq!(c.key_names_field(key), want, "{key:?}");
        }
    }

    #[test]
    fn windows_respect_utf8() {
        let c = ctx(&["tél"], &[]);
        let t = "é".repeat(30) + " 0612345678";
        let s = t.len() - 10;
        assert_eq!(c.signal(&t, s, t.len(), None), Signal::None);
    }
}
