//! Phone numbers, validated against libphonenumber's metadata (the `phonenumber` crate).
//! `+`-prefixed numbers are validated for whatever region their country code names; national
//! numbers are tried against a list of default regions (`--region`). Shape checks come first,
//! so dates, decimals, version strings and times are rejected before any parsing.

use super::phone_meta::{region_index, siblings, valid_international, valid_national};
use super::Verdict;

/// Regions national-format numbers are tried against, in order (indices into the metadata).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneRegions(Vec<usize>);

/// NANP, UK, DE, FR, ES, IT, NL, BR, IN, JP.
pub const DEFAULT_REGIONS: &str = "US,GB,DE,FR,ES,IT,NL,BR,IN,JP";

impl Default for PhoneRegions {
    fn default() -> Self {
        parse_regions(DEFAULT_REGIONS).expect("default regions are valid")
    }
}

/// Parses a comma-separated list of ISO 3166 region codes (`US,GB,DE`). The regions that
/// share a listed region's country code follow the listed ones (`US` brings the rest of the
/// North American Numbering Plan, Canada included).
pub fn parse_regions(list: &str) -> Result<PhoneRegions, String> {
    let mut listed = Vec::new();
    for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let idx = region_index(&code.to_ascii_uppercase())
            .ok_or_else(|| format!("unknown region code '{code}'"))?;
        listed.push(idx);
    }
    if listed.is_empty() {
        return Err("no region codes given".into());
    }
    let mut out = listed.clone();
    for &i in &listed {
        for s in siblings(i) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    Ok(PhoneRegions(out))
}

/// The fewest digits of a phone number (ITU-T E.164 numbers in use have 7 to 15).
pub const MIN_DIGITS: usize = 7;

/// The most digits of a phone number (E.164's limit; [`check`] rejects a candidate with more).
pub const MAX_DIGITS: usize = 15;

/// Checks a candidate (the engine has already ruled out one glued to a longer token: see
/// [`super::Validator::check`]).
pub fn check(candidate: &str, regions: &PhoneRegions) -> Option<Verdict> {
    let shape = Shape::of(candidate)?;
    if !shape.plus && shape.groups == 1 && looks_like_unix_time(candidate) {
        return None;
    }
    // Four dotted groups that make an IPv4 address (`98.57.99.193`) are an address, whether
    // or not some region's numbering plan also holds their digits: known without the
    // metadata's regexes, which such a candidate would otherwise go through region by region.
    if !shape.plus && shape.groups == 4 && candidate.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    // The digits, on the stack: the shape holds at most 15.
    let mut buf = [0u8; MAX_DIGITS];
    let mut n = 0;
    for d in candidate.bytes().filter(u8::is_ascii_digit) {
        *buf.get_mut(n)? = d;
        n += 1;
    }
    let digits = std::str::from_utf8(&buf[..n]).ok()?;
    let normalized = if shape.plus {
        valid_international(digits)?
    } else {
        regions
            .0
            .iter()
            .find_map(|&r| valid_national(r, digits, shape.breaks()))?
    };
    // A bare run of digits is as likely an id as a phone number: keep it only where a phone
    // word or field name says it is one.
    Some(Verdict {
        requires_context: !shape.plus && shape.groups == 1,
        ..Verdict::new(normalized)
    })
}

/// Whether [`check`] rejects every candidate starting at `bytes[start]` (a digit) and ending
/// where a run of digits ends, as the engine's candidates do (the regex takes whole runs, and
/// shorter cuts end at word ends). A candidate needs [`MIN_DIGITS`] digits, so it holds every
/// digit group before the one where the count reaches them, whole, with the separators between
/// them; [`Shape::of`] rejects it when those hold
/// - a dot and a group of one digit (dotted numbers have groups of two digits or more): a digit
///   followed by a dot (`0.1234`, an embedding's values: this one holds for every end), or a
///   version (`10.0.19041.1`);
/// - or, in the first three groups, a date joined by one dash, dot or slash (`2023-03-22`,
///   `14.02.1978`; the third group is whole because the candidate ends at a run's end).
pub fn rejects_every_at(bytes: &[u8], start: usize) -> bool {
    if !bytes.get(start).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    if bytes.get(start + 1) == Some(&b'.') {
        return true;
    }
    let (mut i, mut digits, mut n) = (start, 0, 0);
    let (mut dot, mut short) = (false, false);
    // The first three groups (length, value), and the separator written after the first two.
    let mut groups = [(0usize, 0u32); 3];
    let mut after = [0u8; 2];
    loop {
        let run = i;
        let mut value = 0u32;
        while let Some(&d) = bytes.get(i).filter(|d| d.is_ascii_digit()) {
            value = value.saturating_mul(10).saturating_add(u32::from(d - b'0'));
            i += 1;
        }
        digits += i - run;
        if let Some(g) = groups.get_mut(n) {
            *g = (i - run, value);
        }
        n += 1;
        if digits >= MIN_DIGITS {
            break;
        }
        short |= i - run < 2;
        // One or two separators, then the next group (parentheses and the rest: no claim).
        let seps = i;
        i = super::separators_end(bytes, i);
        if i == seps || !bytes.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        dot |= bytes[seps..i].contains(&b'.');
        if let Some(a) = after.get_mut(n - 1) {
            *a = bytes[i - 1];
        }
        if dot && short {
            return true;
        }
    }
    n >= 3 && after[0] == after[1] && matches!(after[0], b'-' | b'.' | b'/') && is_date(groups)
}

/// Whether three digit groups (length, value) make a date: year, month, day, or day and month
/// in either order, then year.
fn is_date(g: [(usize, u32); 3]) -> bool {
    let year = |v: u32| (1900..=2099).contains(&v);
    let month = |v: u32| (1..=12).contains(&v);
    let day = |v: u32| (1..=31).contains(&v);
    let [(a, x), (b, y), (c, z)] = g;
    match (a, b, c) {
        (4, 2, 2) => year(x) && month(y) && day(z),
        (2, 2, 4) => year(z) && ((day(x) && month(y)) || (month(x) && day(y))),
        _ => false,
    }
}

/// Unix seconds (10 digits) or milliseconds (13 digits) from 2001 to 2033 written bare.
fn looks_like_unix_time(digits: &str) -> bool {
    matches!(digits.len(), 10 | 13) && digits.starts_with('1')
}

/// At most this many digit groups: each holds a digit, and a number has at most 15 (a
/// candidate with more groups is rejected like one with too many digits).
const MAX_GROUPS: usize = 16;

/// The written shape of a candidate (on the stack: it is taken for every candidate).
#[derive(Debug)]
struct Shape {
    plus: bool,
    groups: usize,
    /// Digit counts after which a separator was written (the first `groups - 1`).
    breaks: [usize; MAX_GROUPS],
}

impl Shape {
    fn breaks(&self) -> &[usize] {
        &self.breaks[..self.groups.saturating_sub(1)]
    }

    fn of(s: &str) -> Option<Shape> {
        let b = s.as_bytes();
        let plus = b.first() == Some(&b'+');
        let body = if plus { &b[1..] } else { b };
        // Digit groups as byte ranges of `body`, and the separator written after each.
        let mut groups = [(0usize, 0usize); MAX_GROUPS];
        let mut after = [0u8; MAX_GROUPS];
        let (mut n_groups, mut n_after) = (0, 0);
        let (mut slashes, mut dots, mut dashes) = (0, false, false);
        let (mut run_start, mut open, mut sep_len) = (None, 0i32, 0usize);
        for (i, &c) in body.iter().enumerate() {
            match c {
                b'0'..=b'9' => {
                    if run_start.is_none() {
                        run_start = Some(i);
                    }
                    sep_len = 0;
                    continue;
                }
                b'(' => open += 1,
                b')' => open -= 1,
                b' ' | b'-' | b'.' | b'/' => {
                    slashes += usize::from(c == b'/');
                    dots |= c == b'.';
                    dashes |= c == b'-';
                }
                _ => return None,
            }
            if !(0..=1).contains(&open) {
                return None;
            }
            sep_len += 1;
            if sep_len > 2 {
                return None;
            }
            if let Some(start) = run_start.take() {
                *groups.get_mut(n_groups)? = (start, i);
                n_groups += 1;
                after[n_after] = c;
                n_after += 1;
            } else if n_after > 0 && c != b'(' && c != b')' {
                after[n_after - 1] = c;
            }
        }
        if let Some(start) = run_start {
            *groups.get_mut(n_groups)? = (start, body.len());
            n_groups += 1;
        }
        let groups = &groups[..n_groups];
        let after = &after[..n_after];
        if open != 0 {
            return None;
        }
        let len = |g: &(usize, usize)| g.1 - g.0;
        let digits: usize = groups.iter().map(len).sum();
        if !(MIN_DIGITS..=15).contains(&digits) {
            return None;
        }
        // One slash separates a German-style area code (`030/12345678`); more make a date.
        if slashes > 1 {
            return None;
        }
        if dots && dashes {
            return None;
        }
        // Dotted numbers: at least three groups of two or more digits (`06.12.34.56.78`),
        // which rules out decimals and version strings.
        if dots && (groups.len() < 3 || groups.iter().any(|g| len(g) < 2)) {
            return None;
        }
        // A date anywhere (`2024-02-01 14`, `01.02.2024`): three groups joined by the same
        // dash, dot or slash whose values make a date.
        let value = |g: &(usize, usize)| -> u32 {
            body[g.0..g.1].iter().fold(0u32, |acc, &d| {
                acc.saturating_mul(10).saturating_add(u32::from(d - b'0'))
            })
        };
        for w in 0..groups.len().saturating_sub(2) {
            let (s1, s2) = (after[w], after[w + 1]);
            if s1 != s2 || !matches!(s1, b'-' | b'.' | b'/') {
                continue;
            }
            let g = |k: usize| (len(&groups[w + k]), value(&groups[w + k]));
            if is_date([g(0), g(1), g(2)]) {
                return None;
            }
        }
        // 3-2-4 is the layout of US Social Security numbers, not of any national phone format
        // of the default regions.
        if !plus && groups.len() == 3 && groups.iter().map(len).eq([3, 2, 4]) {
            return None;
        }
        let mut breaks = [0; MAX_GROUPS];
        let mut total = 0;
        for (k, g) in groups.iter().enumerate() {
            total += len(g);
            breaks[k] = total;
        }
        Some(Shape {
            plus,
            groups: groups.len(),
            breaks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `rejects_every_at` says so, `check` rejects every candidate from there that ends
    /// where a run of digits ends (after a digit with no digit next), and every candidate at
    /// all from a digit followed by a dot, in generated texts of digits, dots and the other
    /// bytes of phone numbers, and in numbers it accepts (`415.555.2671`: a start there must not
    /// be claimed). Versions and dates are claimed.
    #[test]
    fn rejects_every_at_rejects_every_candidate() {
        let regions = PhoneRegions::default();
        let mut texts: Vec<String> = [
            "0.1234 -0.5678 0.9012 -0.3456 0.7890 1.2345 -9.8765",
            "415.555.2671",
            "06.12.34.56.78",
            "1.415.555.2671",
            "7.5 415 555 2671",
            "+1 415.555.2671",
            "Build 10.0.19041.1 failed",
            "shipped on 2023-03-22 at 10",
            "born 14.02.1978, 02/14/1978 555 1234",
            "2023-13-22 1234, 2023-03 221234",
        ]
        .map(String::from)
        .to_vec();
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let alphabet = b"0123456789012...   -/()+";
        for _ in 0..3000 {
            let n = 1 + next() % 30;
            texts.push(
                (0..n)
                    .map(|_| char::from(alphabet[next() % alphabet.len()]))
                    .collect(),
            );
        }
        let (mut claimed, mut longer) = (0, 0);
        for t in &texts {
            let b = t.as_bytes();
            for start in (0..b.len()).filter(|&s| rejects_every_at(b, s)) {
                claimed += 1;
                let dot_next = b.get(start + 1) == Some(&b'.');
                longer += usize::from(!dot_next);
                let run_end = |e: usize| {
                    b[e - 1].is_ascii_digit() && b.get(e).is_none_or(|c| !c.is_ascii_digit())
                };
                for end in (start + 1..=b.len()).filter(|&e| dot_next || run_end(e)) {
                    assert!(
                        check(&t[start..end], &regions).is_none(),
                        "{:?}",
                        &t[start..end]
                    );
                }
            }
        }
        assert!(claimed > 1000, "{claimed} starts claimed");
        assert!(
            longer > 100,
            "{longer} claimed past a first group of one digit"
        );
        for (text, start) in [("10.0.19041.1", 0), ("2023-03-22", 0), ("14.02.1978 12", 0)] {
            assert!(rejects_every_at(text.as_bytes(), start), "{text}");
        }
        for text in [
            "415.555.2671",
            "2023-13-22 1234",
            "415-555-2671",
            "2023-03 221234",
            "2023-03/22 1",
        ] {
            assert!(!rejects_every_at(text.as_bytes(), 0), "{text}");
        }
        assert!(check("415.555.2671", &regions).is_some());
    }

    fn ok(s: &str) -> bool {
        run(s).is_some()
    }

    fn run(s: &str) -> Option<Verdict> {
        check(s, &PhoneRegions::default())
    }

    #[test]
    fn accepts_numbers_as_people_write_them() {
        for n in [
            "+1 415-555-2671",
            "(415) 555-2671",
            "415.555.2671",
            "+44 20 7946 0958",
            "020 7946 0958",
            "+44 7400 123456",
            "030 12345678",
            "+49 1512 3456789",
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "06.12.34.56.78",
            "612 34 56 78",
            "+34 612 345 678",
            "06 6982 1234",
            "+39 347 123 4567",
            "06-12345678",
            "+31 20 123 4567",
            "(11) 96123-8115",
            "+55 11 96123-8115",
            "+91 98765 43210",
            "098765 43210",
            "03-1234-5678",
            "090-1234-5678",
            "+81 90 1234 5678",
            "416-813-0176",  // Toronto: NANP, not US
            "(06975) 80604", // German area code in parentheses
        ] {
            assert!(ok(n), "{n}");
        }
    }

    #[test]
    fn ipv4_addresses_are_not_phone_numbers() {
        // Each of these is a valid number somewhere in the default regions when its dots
        // are not read as an address's.
        for ip in ["98.57.99.193", "93.241.13.161", "90.175.74.59"] {
            assert_eq!(run(ip), None, "{ip}");
            assert!(run(&ip.replace('.', " ")).is_some(), "{ip} with spaces");
        }
        // Dotted numbers that are not addresses are still read as numbers.
        assert!(run("06.12.34.56.78").is_some());
        assert!(run("415.555.2671").is_some());
    }

    #[test]
    fn normalizes_to_e164() {
        let v = run("(415) 555-2671").unwrap();
        assert_eq!(v.normalized, "+14155552671");
        let v = run("+44 20 7946 0958").unwrap();
        assert_eq!(v.normalized, "+442079460958");
    }

    #[test]
    fn bare_digits_need_context() {
        assert!(run("4155552671").unwrap().requires_context);
        assert!(!run("415 555 2671").unwrap().requires_context);
        assert!(!run("+14155552671").unwrap().requires_context);
    }

    #[test]
    fn parts_of_longer_tokens_are_not_phones() {
        let env = super::super::ValidationEnv::default();
        let inside = |text: &str, cand: &str| {
            let s = text.find(cand).unwrap();
            let span = s..s + cand.len();
            super::super::Validator::Phone
                .check(text, span.clone(), span, &env)
                .is_some()
        };
        assert!(!inside("order ORD-2019-915531", "2019-915531"));
        assert!(!inside("order 641-2024876-7871816 shipped", "641-2024876"));
        assert!(!inside("ref 4953 6400 4628 1275", "4953 6400 4628"));
        assert!(!inside("ZIP+4 94105-1234", "4 94105-1234"));
        assert!(inside("call 415-555-2671 2024", "415-555-2671"));
        assert!(inside("call 2024 415-555-2671", "415-555-2671"));
    }

    #[test]
    fn rejects_lookalikes() {
        for n in [
            "2024-02-01",
            "01.02.2024",
            "3.14159265",
            "10.0.19041.1",
            "1685211392", // unix seconds
            "123456",     // too short
            "1234567890123456",
            "+1 (55) (5) 123",
            "12:30:45",
            "2023-11-08 14",
            "14 2023-11-08",
            "073-93-9176",       // SSN layout
            "12345678901-12-12", // a group too long for a date value (no overflow)
        ] {
            assert!(!ok(n), "{n}");
        }
    }

    #[test]
    fn regions_parse() {
        let r = parse_regions("us, gb").unwrap();
        assert_eq!(
            r.0[..2],
            [region_index("US").unwrap(), region_index("GB").unwrap()]
        );
        assert!(
            r.0.contains(&region_index("CA").unwrap()),
            "NANP siblings follow"
        );
        assert!(parse_regions("XX").is_err());
    }
}
