//! What every match of a rule's regex must have, read off the regex's syntax tree: its
//! shortest length, its fewest ASCII digits and its fewest separators (bytes that are not ASCII
//! letters or digits), the bytes it can start with, and the bytes it can contain at all. The
//! engine checks a candidate region against the counts before running the regex, which on
//! prose full of short numbers (`231 ms`, `v1.2.3`, hex hashes) spares almost every regex
//! call; a rule whose matches start with its anchor byte searches only from the anchor on.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Lower bounds that hold for every match of a regex.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    /// Bytes in the shortest match.
    pub min_len: usize,
    /// ASCII digits in the match with the fewest.
    pub min_digits: usize,
    /// Separators (bytes other than ASCII letters and digits) in the match with the fewest.
    pub min_seps: usize,
}

/// What a rule reads off its regex, from one parse of it.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub shape: Shape,
    /// See [`first_bytes`].
    pub first_bytes: Option<[bool; 256]>,
    /// See [`start_bytes`].
    pub start_bytes: Option<[bool; 256]>,
    /// See [`bytes`].
    pub bytes: Option<[bool; 256]>,
    /// See [`super::factors`].
    pub required: Vec<Vec<u8>>,
    /// See [`super::needs`].
    pub needs: Option<super::needs::Needs>,
}

/// All the facts of `pattern` (none, and a shape that rules nothing out, if it does not parse:
/// the `regex` crate reports that error).
pub fn facts(pattern: &str) -> Facts {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return Facts::default();
    };
    let start_bytes = first_of(&hir);
    Facts {
        shape: Shape {
            min_len: hir.properties().minimum_len().unwrap_or(0),
            min_digits: min_count(&hir, &|b| b.is_ascii_digit()),
            min_seps: min_count(&hir, &|b| !b.is_ascii_alphanumeric()),
        },
        first_bytes: start_bytes.filter(|_| hir.properties().look_set().is_empty()),
        start_bytes,
        bytes: {
            let mut set = [false; 256];
            all_of(&hir, &mut set).map(|()| set)
        },
        required: super::factors::required(&hir),
        needs: super::needs::Needs::of(&hir),
    }
}

/// The shape of `pattern`.
pub fn of(pattern: &str) -> Shape {
    facts(pattern).shape
}

/// The bytes a match of `pattern` can start with, when known: `None` if the pattern does not
/// parse, holds a look-around assertion (`\b`, `^`: its result depends on the bytes before the
/// match), can match the empty string, or can start with a non-ASCII character.
pub fn first_bytes(pattern: &str) -> Option<[bool; 256]> {
    facts(pattern).first_bytes
}

/// The bytes a match of `pattern` can start with, look-around assertions allowed (they decide
/// whether a match may start at a position, not with which byte): `None` if the pattern does
/// not parse, can match the empty string, or can start with a non-ASCII character.
pub fn start_bytes(pattern: &str) -> Option<[bool; 256]> {
    facts(pattern).start_bytes
}

/// Every byte a match of `pattern` can contain, when all are ASCII: `None` if the pattern
/// does not parse or can match a non-ASCII character.
pub fn bytes(pattern: &str) -> Option<[bool; 256]> {
    facts(pattern).bytes
}

/// Adds every byte `h` can match to `set`; `None` when one is not ASCII.
fn all_of(h: &Hir, set: &mut [bool; 256]) -> Option<()> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(()),
        HirKind::Literal(lit) => lit.0.iter().try_for_each(|&b| add_byte(b, set)),
        HirKind::Class(class) => add_class(class, set),
        HirKind::Repetition(rep) => all_of(&rep.sub, set),
        HirKind::Capture(cap) => all_of(&cap.sub, set),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            parts.iter().try_for_each(|p| all_of(p, set))
        }
    }
}

/// Adds `b` to `set`; `None` when it is not ASCII.
fn add_byte(b: u8, set: &mut [bool; 256]) -> Option<()> {
    b.is_ascii().then(|| set[usize::from(b)] = true)
}

/// Adds the bytes of `class` to `set`; `None` when one is not ASCII.
fn add_class(class: &Class, set: &mut [bool; 256]) -> Option<()> {
    let mut ranges = |rs: &mut dyn Iterator<Item = (u32, u32)>| {
        for (lo, hi) in rs {
            if hi >= 0x80 {
                return None;
            }
            (lo..=hi).for_each(|b| set[b as usize] = true);
        }
        Some(())
    };
    match class {
        Class::Unicode(c) => ranges(
            &mut c
                .ranges()
                .iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end()))),
        ),
        Class::Bytes(c) => ranges(
            &mut c
                .ranges()
                .iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end()))),
        ),
    }
}

fn first_of(hir: &Hir) -> Option<[bool; 256]> {
    let mut set = [false; 256];
    match first(hir, &mut set)? {
        true => None,
        false => Some(set),
    }
}

/// Adds the possible first bytes of `h` to `set`; returns whether `h` can match the empty
/// string (so what follows it can start the match), or `None` when a first byte is not ASCII.
fn first(h: &Hir, set: &mut [bool; 256]) -> Option<bool> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(true),
        HirKind::Literal(lit) => add_byte(*lit.0.first()?, set).map(|()| false),
        HirKind::Class(class) => add_class(class, set).map(|()| false),
        HirKind::Repetition(rep) => Some(first(&rep.sub, set)? || rep.min == 0),
        HirKind::Capture(cap) => first(&cap.sub, set),
        HirKind::Concat(parts) => {
            for p in parts {
                if !first(p, set)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        HirKind::Alternation(alts) => {
            let mut empty = false;
            for a in alts {
                empty |= first(a, set)?;
            }
            Some(empty)
        }
    }
}

/// The fewest bytes satisfying `is` in any match of `h`.
fn min_count(h: &Hir, is: &dyn Fn(u8) -> bool) -> usize {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => 0,
        HirKind::Literal(lit) => lit.0.iter().filter(|&&b| is(b)).count(),
        HirKind::Class(class) => usize::from(all_bytes(class, is)),
        HirKind::Repetition(rep) => usize::try_from(rep.min)
            .map_or(usize::MAX, |n| n.saturating_mul(min_count(&rep.sub, is))),
        HirKind::Capture(cap) => min_count(&cap.sub, is),
        HirKind::Concat(parts) => parts
            .iter()
            .map(|p| min_count(p, is))
            .fold(0, usize::saturating_add),
        HirKind::Alternation(alts) => alts.iter().map(|a| min_count(a, is)).min().unwrap_or(0),
    }
}

/// True when the class is not empty and the first byte of every character it holds satisfies
/// `is` (a non-ASCII character's first byte is not an ASCII letter or digit, as needed).
fn all_bytes(class: &Class, is: &dyn Fn(u8) -> bool) -> bool {
    let all =
        |lo: u32, hi: u32| (lo..=hi.min(0x7F)).all(|c| is(c as u8)) && (hi < 0x80 || is(0x80));
    match class {
        Class::Unicode(c) => {
            !c.ranges().is_empty()
                && c.ranges()
                    .iter()
                    .all(|r| all(u32::from(r.start()), u32::from(r.end())))
        }
        Class::Bytes(c) => {
            !c.ranges().is_empty()
                && c.ranges()
                    .iter()
                    .all(|r| all(u32::from(r.start()), u32::from(r.end())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_a_match_can_contain() {
        let set = bytes(r"[0-9]{3}-(?:ab|C)\.?").unwrap();
        let want: Vec<u8> = b"0123456789-abC.".to_vec();
        for b in 0..=255u8 {
            assert_eq!(
                set[usize::from(b)],
                want.contains(&b),
                "{:?}",
                char::from(b)
            );
        }
        assert!(
            bytes(r"\d").is_none(),
            "a Unicode digit class holds non-ASCII digits"
        );
        assert!(bytes(r"(?i)k").is_none(), "the Kelvin sign folds to k");
        assert!(bytes("é").is_none());
        assert!(bytes("(").is_none());
    }

    #[test]
    fn counts_digits_through_repeats_alternations_and_groups() {
        assert_eq!(of(r"[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{9}").min_digits, 9);
        assert_eq!(of(r"(?:[0-9]{3}[ -]?){2}").min_digits, 6);
        assert_eq!(of(r"\d\d").min_digits, 0, "\\d is Unicode: not ASCII-only");
        assert_eq!(of(r"(?-u:\d)\d?").min_digits, 1);
        assert_eq!(of(r"[A-Z]{2}[0-9]{2}").min_digits, 2);
        assert_eq!(of(r"[0-9A-F]{4}").min_digits, 0);
        assert_eq!(of(r"ab12").min_digits, 2);
        assert_eq!(of(r"a|1").min_digits, 0);
        assert_eq!(of(r"x*").min_digits, 0);
    }

    #[test]
    fn counts_separators() {
        assert_eq!(
            of(r"(?:[0-9A-F]{2}:){5}[0-9A-F]{2}|(?:[0-9A-F]{4}\.){2}[0-9A-F]{4}").min_seps,
            2
        );
        assert_eq!(of(r"[0-9]+(?:\.[0-9]+){3}").min_seps, 3);
        assert_eq!(of(r"[^a-z]").min_seps, 0, "holds ASCII digits");
        assert_eq!(
            of(r"[^A-Za-z0-9]").min_seps,
            1,
            "non-ASCII characters count"
        );
        assert_eq!(of(r"a\sb").min_seps, 1);
        assert_eq!(of(r"[0-9]{9}").min_seps, 0);
    }

    #[test]
    fn min_len_is_the_shortest_match() {
        assert_eq!(of(r"[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{9}").min_len, 9);
        assert_eq!(of(r"a?").min_len, 0);
        assert_eq!(of(r"(").min_len, 0, "unparsable: rules nothing out");
    }

    fn firsts(pattern: &str) -> Option<String> {
        first_bytes(pattern).map(|set| {
            (0..=255u8)
                .filter(|&b| set[usize::from(b)])
                .map(char::from)
                .collect()
        })
    }

    #[test]
    fn first_bytes_of_a_match() {
        assert_eq!(
            firsts(r"[0-9]{1,5} [A-Z][a-z]+").as_deref(),
            Some("0123456789")
        );
        assert_eq!(firsts(r"\+?[0-9]").as_deref(), Some("+0123456789"));
        assert_eq!(firsts(r"(?:ab|c)d|e").as_deref(), Some("ace"));
        assert_eq!(firsts(r"x?y*z").as_deref(), Some("xyz"));
        assert_eq!(firsts(r"(?i-u)k").as_deref(), Some("Kk"));
        assert_eq!(firsts(r"(?i)k"), None, "the Kelvin sign is a Unicode k");
        assert_eq!(
            firsts(r"\bk"),
            None,
            "a look-around depends on the bytes before"
        );
        assert_eq!(firsts(r"a?"), None, "can match empty");
        assert_eq!(firsts(r"é|a"), None, "non-ASCII first byte");
        assert_eq!(firsts(r"\d"), None, "Unicode digits");
        assert_eq!(firsts(r"("), None);
    }

    #[test]
    fn start_bytes_allow_look_around() {
        let starts = |p: &str| {
            start_bytes(p).map(|set| {
                (0..=255u8)
                    .filter(|&b| set[usize::from(b)])
                    .map(char::from)
                    .collect::<String>()
            })
        };
        assert_eq!(starts(r"(?-u)\bk").as_deref(), Some("k"));
        assert_eq!(starts(r"^\+?[0-9]").as_deref(), Some("+0123456789"));
        assert_eq!(starts(r"(?-u)\b"), None, "matches empty");
        assert_eq!(starts(r"é|a"), None);
    }

    /// The bounds must never reject a real match: check them on every builtin rule's examples.
    #[test]
    fn bounds_hold_for_every_builtin_example_match() {
        let set = crate::rules::RuleSet::builtin().unwrap();
        for rule in set.rules() {
            let shape = of(rule.regex.as_str());
            for ex in &rule.examples {
                for m in rule.regex.find_iter(ex) {
                    let count = |f: fn(&u8) -> bool| m.as_str().bytes().filter(f).count();
                    let digits = count(u8::is_ascii_digit);
                    let seps = count(|b| !b.is_ascii_alphanumeric());
                    assert!(m.len() >= shape.min_len, "{}: {:?}", rule.id, m.as_str());
                    assert!(digits >= shape.min_digits, "{}: {:?}", rule.id, m.as_str());
                    assert!(seps >= shape.min_seps, "{}: {:?}", rule.id, m.as_str());
                }
            }
        }
    }
}
