//! How many of each separator byte a match of a rule's regex must hold, read off its syntax
//! tree as a few alternatives: a MAC address needs five `:`, or five `-`, or two `.`; an IPv6
//! address two `:`. A region that holds none of the alternatives' counts holds no match, and
//! is passed over without the regex (a UUID's four dashes, an order number's two, a version's
//! dots). Finer than [`super::shape::Shape::min_seps`], which counts all separators together
//! and takes the least over alternatives (two, for a MAC address).

use regex_syntax::hir::{Class, Hir, HirKind};

/// At most this many separator bytes are counted per rule.
const TRACKED: usize = 4;

/// At most this many alternatives are kept; more fold into their least counts.
const MAX_OPTIONS: usize = 8;

type Counts = [u32; TRACKED];

/// The separator counts every match of a regex holds one of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    /// Per byte: what it adds to the counts, packed 16 bits per counted byte (so counting a
    /// byte is one addition, with no store to reload at the next byte).
    add: Box<[u64; 256]>,
    /// Every match holds at least the counts of one of these (none of them all zero).
    options: Vec<Counts>,
}

impl Needs {
    /// The needs of `hir`; `None` when some match may hold none of the counted bytes, or the
    /// regex holds none as a literal (nothing is then ruled out).
    pub fn of(hir: &Hir) -> Option<Needs> {
        let mut bytes = Vec::new();
        tracked(hir, &mut bytes);
        if bytes.is_empty() {
            return None;
        }
        let mut slot = [0u8; 256];
        let mut add = Box::new([0u64; 256]);
        for (i, &b) in bytes.iter().enumerate() {
            slot[usize::from(b)] = i as u8 + 1;
            add[usize::from(b)] = 1 << (16 * i);
        }
        let options = options(hir, &slot);
        if options.iter().any(|o| o.iter().all(|&n| n == 0)) {
            return None;
        }
        Some(Needs { add, options })
    }

    /// Whether `bytes` hold the counts of one of the alternatives (whether a match can lie
    /// within them). Bytes too many to count in 16 bits are taken to hold them.
    pub fn met_by(&self, bytes: &[u8]) -> bool {
        if bytes.len() > usize::from(u16::MAX) {
            return true;
        }
        let packed = bytes
            .iter()
            .fold(0u64, |c, &b| c + self.add[usize::from(b)]);
        let have = |i: usize| u32::from((packed >> (16 * i)) as u16);
        self.options
            .iter()
            .any(|o| (0..TRACKED).all(|i| o[i] <= have(i)))
    }
}

/// Collects the separator bytes (ASCII, not a letter or digit) `h` matches as a literal or a
/// class of one byte, at most [`TRACKED`] of them, in the order met.
fn tracked(h: &Hir, bytes: &mut Vec<u8>) {
    let mut add = |b: u8| {
        if b.is_ascii()
            && !b.is_ascii_alphanumeric()
            && !bytes.contains(&b)
            && bytes.len() < TRACKED
        {
            bytes.push(b);
        }
    };
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => lit.0.iter().for_each(|&b| add(b)),
        HirKind::Class(class) => {
            if let Some(b) = single_byte(class) {
                add(b);
            }
        }
        HirKind::Repetition(rep) => tracked(&rep.sub, bytes),
        HirKind::Capture(cap) => tracked(&cap.sub, bytes),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            parts.iter().for_each(|p| tracked(p, bytes))
        }
    }
}

/// The byte of a class that holds exactly one (`[:]`, `\.`), if it does.
fn single_byte(class: &Class) -> Option<u8> {
    let (lo, hi) = match class {
        Class::Unicode(c) => match c.ranges() {
            [r] => (u32::from(r.start()), u32::from(r.end())),
            _ => return None,
        },
        Class::Bytes(c) => match c.ranges() {
            [r] => (u32::from(r.start()), u32::from(r.end())),
            _ => return None,
        },
    };
    (lo == hi && lo < 0x80).then_some(lo as u8)
}

/// Alternatives of counts, one of which every match of `h` holds at least.
fn options(h: &Hir, slot: &[u8; 256]) -> Vec<Counts> {
    let one = |b: u8| {
        let mut c = Counts::default();
        if let Some(i) = usize::from(slot[usize::from(b)]).checked_sub(1) {
            c[i] = 1;
        }
        c
    };
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![Counts::default()],
        HirKind::Literal(lit) => vec![lit.0.iter().fold(Counts::default(), |c, &b| add(c, one(b)))],
        // A class of several bytes may match one that is not counted.
        HirKind::Class(class) => vec![single_byte(class).map_or(Counts::default(), one)],
        HirKind::Repetition(rep) => {
            // Each repeat holds one of the sub-alternatives: at least their least counts, and
            // exactly one alternative's counts where there is one.
            let sub = least(&options(&rep.sub, slot));
            vec![sub.map(|n| n.saturating_mul(rep.min))]
        }
        HirKind::Capture(cap) => options(&cap.sub, slot),
        HirKind::Concat(parts) => parts.iter().fold(vec![Counts::default()], |acc, p| {
            let next = options(p, slot);
            let sums: Vec<Counts> = acc
                .iter()
                .flat_map(|a| next.iter().map(move |n| add(*a, *n)))
                .collect();
            bounded(sums)
        }),
        HirKind::Alternation(alts) => bounded(alts.iter().flat_map(|a| options(a, slot)).collect()),
    }
}

fn add(a: Counts, b: Counts) -> Counts {
    std::array::from_fn(|i| a[i].saturating_add(b[i]))
}

/// The counts every one of `options` holds at least.
fn least(options: &[Counts]) -> Counts {
    std::array::from_fn(|i| options.iter().map(|o| o[i]).min().unwrap_or(0))
}

/// `options` without duplicates, folded into their least counts when there are too many.
fn bounded(mut options: Vec<Counts>) -> Vec<Counts> {
    options.sort_unstable();
    options.dedup();
    if options.len() > MAX_OPTIONS {
        vec![least(&options)]
    } else {
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(pattern: &str) -> Option<Needs> {
        Needs::of(&regex_syntax::Parser::new().parse(pattern).unwrap())
    }

    fn met(pattern: &str, text: &str) -> bool {
        needs(pattern).unwrap().met_by(text.as_bytes())
    }

    #[test]
    fn alternatives_keep_their_own_separators() {
        let mac = r"(?:[0-9A-F]{2}:){5}[0-9A-F]{2}|(?:[0-9A-F]{2}-){5}[0-9A-F]{2}|(?:[0-9A-F]{4}\.){2}[0-9A-F]{4}";
        assert!(met(mac, "00:1A:2B:3C:4D:5E"));
        assert!(met(mac, "00-1A-2B-3C-4D-5E"));
        assert!(met(mac, "0050.56c0.0008"));
        assert!(
            !met(mac, "835ebecc-0944-4cd7-a2ab-e5817883090b"),
            "four dashes"
        );
        assert!(!met(mac, "00:1A-2B:3C-4D:5E"), "mixed: five of neither");
        assert!(!met(mac, "v10.19041"), "one dot");
        assert!(met(mac, "a.b.c"), "counts only: two dots are enough");
    }

    #[test]
    fn repeats_multiply_and_optional_parts_add_nothing() {
        assert!(met(r"(?:[0-9]{0,4}:){2,7}(?:\.[0-9])?", "9:9:"));
        assert!(!met(r"(?:[0-9]{0,4}:){2,7}(?:\.[0-9])?", "9:9.9"));
        assert!(!met(r"[0-9]+(?:\.[0-9]+){3}", "1.2.3"));
        assert!(met(r"[0-9]+(?:\.[0-9]+){3}", "1.2.3.4"));
        assert!(
            !met(r"a(?:-|\.)b-c", "a.bc"),
            "the dash after b is needed either way"
        );
        assert!(met(r"a(?:-|\.)b-c", "a.b-c"));
    }

    #[test]
    fn nothing_is_ruled_out_where_a_match_can_lack_every_counted_byte() {
        assert_eq!(needs(r"[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{9}"), None);
        assert_eq!(needs(r"\+?[0-9]+"), None);
        assert_eq!(needs(r"[0-9]+"), None, "no separator at all");
        assert_eq!(needs(r"[ .-][0-9]"), None, "a class of three separators");
        assert!(needs(r"[0-9]-[0-9]").is_some());
    }

    #[test]
    fn many_alternatives_fold_into_their_least_counts() {
        // Nine alternatives, each a different count of dashes: folded, at least one.
        let p = (1..=9).map(|n| "-".repeat(n)).collect::<Vec<_>>().join("|");
        let n = needs(&p).unwrap();
        assert_eq!(n.options, vec![[1, 0, 0, 0]]);
        assert!(n.met_by(b"-"));
        assert!(!n.met_by(b"x"));
    }

    #[test]
    fn at_most_four_bytes_are_counted() {
        let n = needs(r"a:b;c,d!e\?f").unwrap();
        assert_eq!(n.options, vec![[1, 1, 1, 1]]);
        assert!(n.met_by(b":;,!"), "the fifth separator is not counted");
    }

    #[test]
    fn counts_do_not_spill_into_each_other() {
        let n = needs(r"a-b:c").unwrap();
        assert!(
            !n.met_by(&[b'-'; 65_535]),
            "the most dashes counted are no colon"
        );
        assert!(
            n.met_by(&[b'-'; 65_536]),
            "more bytes than counted: taken to hold them"
        );
        let mut both = vec![b'-'; 65_534];
        both.push(b':');
        assert!(n.met_by(&both));
    }

    /// Every match of every builtin rule's regex meets its needs: in the rule's examples and
    /// negative examples, and in thousands of variants of them with bytes replaced, dropped
    /// or repeated (near misses of the separators, like a MAC address with one colon less).
    #[test]
    fn every_match_of_the_builtin_rules_meets_their_needs() {
        let set = crate::rules::RuleSet::builtin().unwrap();
        let mut next = crate::testing::xorshift(0x6e65_6564);
        let (mut ruled, mut checked) = (0, 0);
        for rule in set.rules() {
            let Some(needs) = &rule.needs else {
                continue;
            };
            ruled += 1;
            let texts: Vec<String> = rule
                .examples
                .iter()
                .chain(&rule.negative_examples)
                .map(|e| crate::rules::check::parse_example(e).0)
                .collect();
            let alphabet: Vec<u8> = texts
                .iter()
                .flat_map(|t| t.bytes())
                .filter(u8::is_ascii)
                .collect();
            for text in &texts {
                for _ in 0..400 {
                    let mut b = text.as_bytes().to_vec();
                    for _ in 0..1 + next() % 3 {
                        let i = next() % b.len().max(1);
                        match next() % 3 {
                            0 if i < b.len() => b[i] = alphabet[next() % alphabet.len()],
                            1 if i < b.len() => drop(b.remove(i)),
                            _ => b.insert(i, *b.get(i).unwrap_or(&b'-')),
                        }
                    }
                    let Ok(variant) = String::from_utf8(b) else {
                        continue;
                    };
                    for m in rule
                        .regex
                        .find_iter(&variant)
                        .chain(rule.regex.find_iter(text))
                    {
                        assert!(
                            needs.met_by(m.as_str().as_bytes()),
                            "{}: {:?}",
                            rule.id,
                            m.as_str()
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(ruled >= 5, "rules with needs: {ruled}");
        assert!(checked > 10_000, "matches checked: {checked}");
    }
}
