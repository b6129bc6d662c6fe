//! Literals one of which every match of a regex contains (its required factors), read off the
//! regex's syntax tree. A street address always holds a street type (` Street`, ` Ave`, …): a
//! string without any of them holds no address, and the engine skips the rule's search there
//! with one literal search instead of a regex search of the string.
//!
//! The sets are exact in one direction only: a match always contains a member, a member may
//! occur without a match. Where the tree gives no useful set (a class of many bytes at every
//! step: `[0-9]{9}`), there is none.

use regex_syntax::hir::{Class, Hir, HirKind};

/// At most this many literals in a set: a larger one makes a weak and slow filter.
const MAX_SET: usize = 64;

/// Literals are cut to this many bytes: a match containing a literal contains its prefixes.
const MAX_LEN: usize = 8;

/// Classes of at most this many characters are spelled out (`[Ss]`, `[NSEW]`).
const MAX_CLASS: usize = 4;

/// Repetitions up to this many times are spelled out (`\.?`, `[0-9]{1,2}` of a small class).
const MAX_REPEAT: u32 = 3;

type Set = Vec<Vec<u8>>;

/// The required factors of `hir`, shortest-first and with none containing another; empty when
/// no set is known (or every match can be empty).
pub fn required(hir: &Hir) -> Set {
    required_of(hir).and_then(minimal).unwrap_or_default()
}

/// A set one of whose members every match of `h` contains.
fn required_of(h: &Hir) -> Option<Set> {
    match h.kind() {
        HirKind::Capture(c) => required_of(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required_of(&r.sub),
        HirKind::Alternation(branches) => {
            let mut all = Set::new();
            for b in branches {
                all.extend(required_of(b)?);
                // Too many to shrink back under the limit (a deny list of thousands of names):
                // given up before the other branches are looked at.
                if all.len() > 4 * MAX_SET {
                    return None;
                }
            }
            minimal(all)
        }
        HirKind::Concat(children) => {
            let mut best = None;
            for c in children {
                best = better(best, required_of(c));
            }
            // Runs of adjacent children whose whole language is known: every match holds one
            // of the concatenations (` ` then `Street` then `.` or nothing).
            let exact: Vec<Option<Set>> = children.iter().map(exact).collect();
            for i in 0..exact.len() {
                let mut run = Some(vec![Vec::new()]);
                for e in &exact[i..] {
                    run = run.zip(e.as_ref()).and_then(|(a, b)| product(&a, b));
                    let Some(r) = &run else { break };
                    if r.iter().all(|l| !l.is_empty()) {
                        best = better(best, Some(r.clone()));
                    }
                }
            }
            best
        }
        _ => exact(h).filter(|s| s.iter().all(|l| !l.is_empty())),
    }
}

/// Every string `h` matches, when there are at most [`MAX_SET`] (cut to [`MAX_LEN`] bytes).
fn exact(h: &Hir) -> Option<Set> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(l) => Some(vec![cut(l.0.to_vec())]),
        HirKind::Class(c) => class(c),
        HirKind::Capture(c) => exact(&c.sub),
        HirKind::Repetition(r) => {
            let max = r.max.filter(|&m| m <= MAX_REPEAT)?;
            let sub = exact(&r.sub)?;
            let mut all = Set::new();
            let mut times = vec![Vec::new()];
            for n in 0..=max {
                if n >= r.min {
                    all.extend(times.iter().cloned());
                }
                if n < max {
                    times = product(&times, &sub)?;
                }
            }
            dedup(all)
        }
        HirKind::Concat(children) => children
            .iter()
            .try_fold(vec![Vec::new()], |acc, c| product(&acc, &exact(c)?)),
        HirKind::Alternation(branches) => {
            let mut all = Set::new();
            for b in branches {
                all.extend(exact(b)?);
            }
            dedup(all)
        }
    }
}

/// The characters of a small class, UTF-8 encoded.
fn class(c: &Class) -> Option<Set> {
    let mut out = Set::new();
    match c {
        Class::Unicode(u) => {
            for r in u.ranges() {
                for ch in r.start()..=r.end() {
                    if out.len() == MAX_CLASS {
                        return None;
                    }
                    out.push(ch.to_string().into_bytes());
                }
            }
        }
        Class::Bytes(b) => {
            for r in b.ranges() {
                for byte in r.start()..=r.end() {
                    if out.len() == MAX_CLASS {
                        return None;
                    }
                    out.push(vec![byte]);
                }
            }
        }
    }
    Some(out)
}

/// Every `a` followed by every `b`, unless there would be more than [`MAX_SET`].
fn product(a: &Set, b: &Set) -> Option<Set> {
    if a.len() * b.len() > MAX_SET {
        return None;
    }
    let mut out = Set::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut l = x.clone();
            l.extend_from_slice(y);
            out.push(cut(l));
        }
    }
    dedup(out)
}

fn cut(mut l: Vec<u8>) -> Vec<u8> {
    l.truncate(MAX_LEN);
    l
}

fn dedup(mut s: Set) -> Option<Set> {
    s.sort();
    s.dedup();
    (s.len() <= MAX_SET).then_some(s)
}

/// `s` without the members that contain another member (an occurrence of the longer is one of
/// the shorter), shortest first; `None` when it is too large.
fn minimal(mut s: Set) -> Option<Set> {
    s.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
    s.dedup();
    // The comparison below is quadratic.
    if s.len() > 4 * MAX_SET {
        return None;
    }
    let mut out: Set = Vec::new();
    for l in s {
        if !out.iter().any(|m| contains(&l, m)) {
            out.push(l);
        }
    }
    (out.len() <= MAX_SET).then_some(out)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// The more selective set: the longer shortest member, then the fewer members.
fn better(a: Option<Set>, b: Option<Set>) -> Option<Set> {
    let score = |s: &Set| {
        let shortest = s.iter().map(Vec::len).min().unwrap_or(0);
        (shortest, std::cmp::Reverse(s.len()))
    };
    match (a, b) {
        (Some(a), Some(b)) => Some(if score(&b) > score(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(pattern: &str) -> Vec<String> {
        let hir = regex_syntax::Parser::new().parse(pattern).unwrap();
        required(&hir)
            .into_iter()
            .map(|l| String::from_utf8(l).unwrap())
            .collect()
    }

    #[test]
    fn literals_every_match_contains() {
        assert_eq!(of("[0-9]+ (?:Street|St|Ave)\\.?"), [" St", " Ave"]);
        assert_eq!(of("[0-9]{3}-[0-9]{4}"), ["-"]);
        assert_eq!(of("(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}"), [":"]);
        assert_eq!(of("x[0-9]+(?:ab|cd)"), ["ab", "cd"]);
        assert_eq!(of("(?:foo[0-9]|bar[0-9])"), ["bar", "foo"]);
        assert_eq!(of("(?i)pw[0-9]"), ["PW", "Pw", "pW", "pw"]);
        assert_eq!(of("Street|St"), ["St"]);
    }

    #[test]
    fn no_set_where_a_match_needs_none() {
        assert!(of("[0-9]{9}").is_empty());
        assert!(of("(?:abc)?[0-9]+").is_empty());
        assert!(of("abc|[0-9]+").is_empty(), "a branch without a literal");
        assert!(of("a*").is_empty());
        assert!(of("").is_empty());
    }

    /// A deny list of thousands of names, ignoring case: too many literals to be of use, given
    /// up after a few branches (comparing them all pairwise took seconds at start-up).
    #[test]
    fn large_alternations_give_up() {
        let letter = |i: usize| char::from(b'a' + (i % 26) as u8);
        let names: Vec<String> = (0..3000)
            .map(|i| {
                format!(
                    "{}{}{} {}",
                    letter(i),
                    letter(i / 26),
                    letter(i / 676),
                    letter(i * 7)
                )
            })
            .collect();
        let got = of(&format!("(?i:{})", names.join("|")));
        assert!(got.is_empty(), "{got:?}");
        assert_eq!(of("(?:abc|abd|xyz)[0-9]"), ["abc", "abd", "xyz"]);
    }

    #[test]
    fn long_literals_are_cut() {
        assert_eq!(of("[0-9]-----BEGIN KEY"), ["-----BEG"]);
    }

    /// Every match of each pattern, over generated strings, contains a member of its set.
    #[test]
    fn every_match_contains_a_member() {
        let patterns = [
            "[0-9]{1,5}(?: [A-Z][a-z]+){1,2} (?:Street|St|Avenue|Ave)\\.?(?:, [A-Z]{2})?",
            "(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{1,4}",
            "[0-9]+(?:st|nd|rd|th)? (?:Jan|Feb)[a-z]*",
            "(?:ab|c)(?:de|f)?g",
            "[0-9]{2}-?[0-9]{2}-[0-9A-Z]{2}",
        ];
        let words = [
            "12", "Main", "Street", "St", "Ave", "Avenue", ".", ",", " ", "CA", "fe80", ":", "::",
            "1st", "Jan", "Feb", "ruary", "ab", "c", "de", "f", "g", "GB", "82", "WEST", "1234",
        ];
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut matched = 0;
        for p in patterns {
            let set = of(p);
            assert!(!set.is_empty(), "{p}");
            let re = regex::Regex::new(p).unwrap();
            for _ in 0..10_000 {
                let text: String = (0..next() % 12)
                    .map(|_| words[next() % words.len()])
                    .collect();
                for m in re.find_iter(&text) {
                    matched += 1;
                    assert!(
                        set.iter().any(|l| m.as_str().contains(l.as_str())),
                        "{p}: {:?} holds none of {set:?}",
                        m.as_str()
                    );
                }
            }
        }
        assert!(matched > 500, "{matched} matches");
    }
}
