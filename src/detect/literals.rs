//! Every occurrence of a set of literals, optionally ignoring ASCII case, found with a SIMD
//! prefilter. A case-insensitive automaton cannot use aho-corasick's packed (Teddy) searcher
//! and walks every byte; so a literal to be matched ignoring case is searched by each ASCII
//! case variant of its first few bytes, case-sensitively, and the whole literal is compared
//! at each position found. Used for rule anchor literals and context words.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
use std::collections::HashMap;

/// The first bytes of a literal by which it is looked up at a position found; for a
/// case-insensitive literal, also the bytes searched in all their case variants (at most
/// 2^3 = 8 each, so a few words stay within the packed searcher's limits).
const FOLD_PREFIX: usize = 3;

/// Spans shorter than this are first checked against the literals' first two bytes (see
/// [`Bigrams`]): on a field name or a short value that costs a few instructions per byte,
/// where a search call costs more than that whoever searches.
const SHORT_SPAN: usize = 64;

/// The first two bytes of every searched key, as a 64 Ki-bit table: a position can start an
/// occurrence only where its byte pair is in the table.
#[derive(Debug, Clone)]
pub struct Bigrams(Box<[u64; 1024]>);

impl Bigrams {
    /// `None` when a key is a single byte (no pair to look for).
    fn new(keys: &[Vec<u8>]) -> Option<Self> {
        let mut t = Box::new([0u64; 1024]);
        for k in keys {
            let &[a, b, ..] = k.as_slice() else {
                return None;
            };
            let i = usize::from(a) << 8 | usize::from(b);
            t[i / 64] |= 1 << (i % 64);
        }
        Some(Bigrams(t))
    }

    /// Whether a pair in the table starts in `hay[span]` (the pair may end past it).
    pub fn any_in(&self, hay: &[u8], span: std::ops::Range<usize>) -> bool {
        let end = span.end.min(hay.len().saturating_sub(1));
        (span.start..end).any(|i| self.contains(hay[i], hay[i + 1]))
    }

    /// Per byte: whether a pair in the table starts with it.
    pub fn firsts(&self) -> [bool; 256] {
        let mut out = [false; 256];
        for (a, row) in self.0.chunks_exact(4).enumerate() {
            out[a] = row.iter().any(|&w| w != 0);
        }
        out
    }

    /// Whether the pair `a b` is in the table.
    #[inline(always)]
    pub fn contains(&self, a: u8, b: u8) -> bool {
        let k = usize::from(a) << 8 | usize::from(b);
        self.0[k / 64] >> (k % 64) & 1 == 1
    }

    /// The table of both sets' pairs.
    pub fn union(&self, other: &Bigrams) -> Bigrams {
        let mut t = self.0.clone();
        for (w, o) in t.iter_mut().zip(other.0.iter()) {
            *w |= o;
        }
        Bigrams(t)
    }
}

#[derive(Debug, Clone)]
pub struct LiteralSet {
    /// The searched keys, case-sensitive: the literals, or for a folding set the case variants
    /// of their prefixes.
    keys: Keys,
    /// Literals by their first bytes (at most [`FOLD_PREFIX`], ASCII-lowercased when folding,
    /// packed by [`key`]), sorted: every literal occurring at a position is found under a
    /// prefix of the text there.
    by_prefix: Vec<(u32, Vec<usize>)>,
    literals: Vec<Vec<u8>>,
    /// Per literal: whether it matches ignoring ASCII case.
    folds: Vec<bool>,
    /// Whether any literal does (a position found is then also looked up by its lowercase
    /// prefix).
    any_fold: bool,
    /// The searched keys' first two bytes, unless a key is one byte long.
    bigrams: Option<Bigrams>,
}

/// How the keys are searched: aho-corasick's packed (SIMD) searcher where it has one for them,
/// called directly, without the automaton's set-up on every call (most strings are searched
/// once and hold no literal); the automaton otherwise.
#[derive(Debug, Clone)]
enum Keys {
    /// One key (`::`): `memchr`'s substring search, faster than a packed searcher of one.
    One(memchr::memmem::Finder<'static>),
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl LiteralSet {
    /// `None` when there are no (non-empty) literals.
    pub fn new<S: AsRef<[u8]>>(literals: &[S], fold: bool) -> Option<Self> {
        let mixed: Vec<(&[u8], bool)> = literals.iter().map(|l| (l.as_ref(), fold)).collect();
        Self::mixed(&mixed)
    }

    /// A set of literals each matched ignoring ASCII case or not (`true`: ignoring), searched
    /// in one pass.
    pub fn mixed(literals: &[(&[u8], bool)]) -> Option<Self> {
        let folds: Vec<bool> = literals.iter().map(|&(_, fold)| fold).collect();
        let literals: Vec<Vec<u8>> = literals.iter().map(|&(l, _)| l.to_vec()).collect();
        let mut keys: Vec<Vec<u8>> = Vec::new();
        let mut by_prefix: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, lit) in literals.iter().enumerate() {
            if lit.is_empty() {
                continue;
            }
            let fold = folds[i];
            let prefix = &lit[..lit.len().min(FOLD_PREFIX)];
            let prefix = if fold {
                prefix.to_ascii_lowercase()
            } else {
                prefix.to_vec()
            };
            if fold {
                keys.extend(case_variants(&prefix));
            } else {
                keys.push(lit.clone());
            }
            by_prefix.entry(key(&prefix)).or_default().push(i);
        }
        if keys.is_empty() {
            return None;
        }
        keys.sort();
        keys.dedup();
        let bigrams = Bigrams::new(&keys);
        let mut by_prefix: Vec<(u32, Vec<usize>)> = by_prefix.into_iter().collect();
        by_prefix.sort_unstable();
        // Leftmost-first so the packed searcher can be used; every literal at a position
        // found is then compared there (see `for_each`).
        let packed = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&keys)
            .build();
        let keys = match packed {
            _ if keys.len() == 1 => Keys::One(memchr::memmem::Finder::new(&keys[0]).into_owned()),
            Some(p) => Keys::Packed(p),
            None => Keys::Automaton(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(&keys)
                    .ok()?,
            ),
        };
        Some(LiteralSet {
            keys,
            by_prefix,
            literals,
            any_fold: folds.iter().any(|&f| f),
            folds,
            bigrams,
        })
    }

    /// Whether a literal may occur in `hay` (no false negatives).
    pub fn may_occur(&self, hay: &[u8]) -> bool {
        if !self.may_start_in(hay, 0..hay.len()) {
            return false;
        }
        self.next(hay, 0).is_some()
    }

    /// Where the first occurrence starting at `at` or later starts.
    pub fn first_from(&self, hay: &[u8], at: usize) -> Option<usize> {
        let mut first = None;
        self.for_each(hay, at..hay.len(), |start, _| {
            first = Some(start);
            true
        });
        first
    }

    /// Calls `f(start, literal index)` for every occurrence starting in `hay[span]`, by start
    /// and at one start by literal index (overlapping occurrences included), until `f`
    /// returns `true`; returns whether it did.
    pub fn for_each(
        &self,
        hay: &[u8],
        span: std::ops::Range<usize>,
        mut f: impl FnMut(usize, usize) -> bool,
    ) -> bool {
        if !self.may_start_in(hay, span.clone()) {
            return false;
        }
        let mut at = span.start;
        let mut here: Vec<usize> = Vec::new();
        while at <= span.end.min(hay.len()) {
            let Some(pos) = self.next(hay, at) else {
                return false;
            };
            if pos >= span.end {
                return false;
            }
            at = pos + 1;
            here.clear();
            // A literal is listed under its prefix: as written, or lowercase if it folds.
            let (mut raw, mut lower) = ([0u8; FOLD_PREFIX], [0u8; FOLD_PREFIX]);
            for n in 1..=FOLD_PREFIX.min(hay.len() - pos) {
                raw[n - 1] = hay[pos + n - 1];
                lower[n - 1] = raw[n - 1].to_ascii_lowercase();
                let folded = self.any_fold && lower[..n] != raw[..n];
                for prefix in [&raw[..n], &lower[..n]]
                    .into_iter()
                    .take(1 + usize::from(folded))
                {
                    if let Ok(found) = self.by_prefix.binary_search_by_key(&key(prefix), |e| e.0) {
                        let lits = &self.by_prefix[found].1;
                        here.extend(lits.iter().filter(|&&i| self.is_at(hay, pos, i)));
                    }
                }
            }
            here.sort_unstable();
            if here.iter().any(|&i| f(pos, i)) {
                return true;
            }
        }
        false
    }

    /// Where the first key occurrence at or after `at` starts.
    #[inline]
    fn next(&self, hay: &[u8], at: usize) -> Option<usize> {
        match &self.keys {
            Keys::One(f) => f.find(hay.get(at..)?).map(|k| at + k),
            Keys::Packed(p) => p
                .find_in(hay, aho_corasick::Span::from(at..hay.len()))
                .map(|m| m.start()),
            Keys::Automaton(ac) => ac
                .find(Input::new(hay).span(at..hay.len()))
                .map(|m| m.start()),
        }
    }

    /// False when no occurrence can start in `hay[span]`, told by the byte pairs in a short
    /// span; true otherwise.
    fn may_start_in(&self, hay: &[u8], span: std::ops::Range<usize>) -> bool {
        match &self.bigrams {
            Some(b) if span.len() < SHORT_SPAN => b.any_in(hay, span),
            _ => true,
        }
    }

    /// The first two bytes of every occurrence's position, unless a key is one byte long:
    /// no occurrence starts where the pair there is not in the table.
    pub fn pairs(&self) -> Option<&Bigrams> {
        self.bigrams.as_ref()
    }

    /// The length of literal `i`.
    pub fn len(&self, i: usize) -> usize {
        self.literals[i].len()
    }

    /// Whether literal `i` occurs at `pos`.
    fn is_at(&self, hay: &[u8], pos: usize, i: usize) -> bool {
        let lit = &self.literals[i];
        hay.get(pos..pos + lit.len()).is_some_and(|t| {
            if self.folds[i] {
                t.eq_ignore_ascii_case(lit)
            } else {
                t == lit.as_slice()
            }
        })
    }
}

/// A prefix of at most [`FOLD_PREFIX`] bytes packed into an integer (length in the top byte).
fn key(prefix: &[u8]) -> u32 {
    prefix
        .iter()
        .fold(u32::try_from(prefix.len()).unwrap_or(0) << 24, |k, &b| {
            (k & 0xff00_0000) | ((k << 8) & 0x00ff_ffff) | u32::from(b)
        })
}

/// Every ASCII case variant of `bytes`.
fn case_variants(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![Vec::with_capacity(bytes.len())];
    for &b in bytes {
        let (lo, up) = (b.to_ascii_lowercase(), b.to_ascii_uppercase());
        if lo == up {
            out.iter_mut().for_each(|v| v.push(b));
        } else {
            out = out
                .into_iter()
                .flat_map(|v| {
                    let mut w = v.clone();
                    let mut v = v;
                    v.push(lo);
                    w.push(up);
                    [v, w]
                })
                .collect();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every occurrence by brute force, as `for_each` reports them.
    fn naive(lits: &[&str], fold: bool, hay: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for pos in 0..hay.len() {
            for (i, l) in lits.iter().enumerate() {
                if let Some(t) = hay.as_bytes().get(pos..pos + l.len()) {
                    if (fold && t.eq_ignore_ascii_case(l.as_bytes())) || t == l.as_bytes() {
                        out.push((pos, i));
                    }
                }
            }
        }
        out
    }

    fn all(set: &LiteralSet, hay: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        set.for_each(hay.as_bytes(), 0..hay.len(), |p, i| {
            out.push((p, i));
            false
        });
        out
    }

    #[test]
    fn finds_every_occurrence_like_brute_force() {
        let lits = [
            "pwd", "Pwd", "password", "pass", "a", "ab", "abc", "abcd", "::", ":",
        ];
        let hays = [
            "my PassWord=x pwd PWD pWd",
            "abcdabcabab a",
            "dead:beef::1 :::",
            "passpasswordpassw",
            "",
            "ÄpwdÉ password",
        ];
        for fold in [false, true] {
            let set = LiteralSet::new(&lits, fold).unwrap();
            for hay in hays {
                assert_eq!(
                    all(&set, hay),
                    naive(&lits, fold, hay),
                    "{hay:?} fold={fold}"
                );
            }
        }
    }

    /// Both ways of searching the keys, the packed searcher and the automaton (for more keys
    /// than the packed searcher takes), find every occurrence, in long haystacks too.
    #[test]
    fn packed_and_automaton_searches_find_every_occurrence() {
        let few: Vec<String> = ["pwd", "password", "sk-", "eyJ", "::", "Bearer "]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let many: Vec<String> = (0..300)
            .map(|i| format!("k{i:03}"))
            .chain(few.iter().cloned())
            .collect();
        let hay =
            "x PassWord=1 pwd k007 K299 sk-abc eyJhb dead::beef bearer BEARER k3000 ".repeat(20);
        // The packed searcher exists on x86_64 and aarch64, for up to 64 keys (aho-corasick's
        // limit for it); 306 keys go to the automaton.
        let simd = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));
        let one = vec!["::".to_string()];
        for (lits, packed) in [(&few, simd), (&many, false), (&one, false)] {
            let lits: Vec<&str> = lits.iter().map(String::as_str).collect();
            for fold in [false, true] {
                let set = LiteralSet::new(&lits, fold).unwrap();
                if lits.len() == 1 {
                    assert!(matches!(set.keys, Keys::One(_)), "fold={fold}");
                } else if packed {
                    assert!(matches!(set.keys, Keys::Packed(_)), "fold={fold}");
                } else if lits.len() > 64 && !fold {
                    assert!(matches!(set.keys, Keys::Automaton(_)), "fold={fold}");
                }
                let found = all(&set, &hay);
                assert!(
                    found.len() >= 20 * lits.len().min(4),
                    "fold={fold}: {}",
                    found.len()
                );
                assert_eq!(found, naive(&lits, fold, &hay), "fold={fold}");
            }
        }
    }

    /// In one set, literals that fold match in any ASCII case and the others only as written,
    /// whatever the other literals sharing their prefix do.
    #[test]
    fn mixed_sets_fold_only_their_folding_literals() {
        let lits: [(&[u8], bool); 7] = [
            (b"pwd", true),
            (b"PWD_", false),
            (b"password", true),
            (b"pass", false),
            (b"AKIA", false),
            (b"akia", true),
            (b"sk-", false),
        ];
        let set = LiteralSet::mixed(&lits).unwrap();
        let hays = [
            "PWD_ pwd PwD_ PASS pass Pass PassWord AKIA akia Akia SK- sk- aKiA",
            "passwordpwdPWD_akiaAKIApass",
            "",
            "ÄpwdÉ PASSWORD",
        ];
        for hay in hays {
            let mut want = Vec::new();
            for pos in 0..hay.len() {
                for (i, &(l, fold)) in lits.iter().enumerate() {
                    if let Some(t) = hay.as_bytes().get(pos..pos + l.len()) {
                        if t == l || (fold && t.eq_ignore_ascii_case(l)) {
                            want.push((pos, i));
                        }
                    }
                }
            }
            assert_eq!(all(&set, hay), want, "{hay:?}");
        }
        assert_eq!(all(&set, "Pass PASS"), [], "`pass` only as written");
        assert_eq!(all(&set, "AkIa").len(), 1, "`akia` folds, `AKIA` does not");
    }

    /// Short spans go through the byte-pair table first: it must not lose an occurrence,
    /// including one that starts on the span's last byte and ends past it.
    #[test]
    fn short_spans_lose_no_occurrence() {
        let lits = ["pwd", "Pwd", "password", "::", "sk-", "eyJ"];
        let pieces = [
            "pw", "d", "Pass", "word", ":", "sk", "-", "ey", "J", "x", " ", "PWD",
        ];
        for fold in [false, true] {
            let set = LiteralSet::new(&lits, fold).unwrap();
            assert!(set.bigrams.is_some(), "no one-byte literal");
            let mut n = 0;
            for a in pieces {
                for b in pieces {
                    for c in pieces {
                        let hay = format!("{a}{b}{c}");
                        assert_eq!(all(&set, &hay), naive(&lits, fold, &hay), "{hay:?}");
                        for cut in 0..hay.len() {
                            let mut got = Vec::new();
                            set.for_each(hay.as_bytes(), 0..cut, |p, i| {
                                got.push((p, i));
                                false
                            });
                            let mut want = naive(&lits, fold, &hay);
                            want.retain(|&(p, _)| p < cut);
                            assert_eq!(got, want, "{hay:?} up to {cut}");
                        }
                        let holds = !naive(&lits, fold, &hay).is_empty();
                        n += usize::from(holds);
                        assert!(set.may_occur(hay.as_bytes()) || !holds, "{hay:?}");
                    }
                }
            }
            assert!(n > 50, "the hays hold literals ({n})");
        }
    }

    #[test]
    fn span_and_early_stop() {
        let set = LiteralSet::new(&["born", "dob"], true).unwrap();
        let hay = b"DOB: x, Born y, dob";
        let mut seen = Vec::new();
        let stopped = set.for_each(hay, 1..15, |p, i| {
            seen.push((p, i));
            i == 0
        });
        assert!(stopped);
        assert_eq!(seen, vec![(8, 0)], "DOB at 0 is outside the span");
        assert!(set.may_occur(b"xxBORNxx"));
        assert!(!set.may_occur(b"nothing here"));
        assert!(LiteralSet::new(&[""], true).is_none());
    }

    #[test]
    fn case_variants_of_letters_only() {
        let mut v = case_variants(b"a-b");
        v.sort();
        assert_eq!(
            v,
            vec![
                b"A-B".to_vec(),
                b"A-b".to_vec(),
                b"a-B".to_vec(),
                b"a-b".to_vec()
            ]
        );
    }
}
