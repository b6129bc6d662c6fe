//! Payment cards: 13–19 digits, consistent grouping, Luhn checksum and a known issuer
//! prefix with a length that issuer uses (Mastercard 2-series included).

use super::Verdict;

/// The fewest and the most digits of a card number ([`check`] rejects a candidate with fewer
/// or more).
pub const MIN_DIGITS: usize = 13;
pub const MAX_DIGITS: usize = 19;

pub fn check(candidate: &str) -> Option<Verdict> {
    // The digits, on the stack (the engine calls this for every long digit run).
    let mut buf = [0u8; MAX_DIGITS];
    let mut n = 0;
    for d in candidate.bytes().filter(u8::is_ascii_digit) {
        *buf.get_mut(n)? = d;
        n += 1;
    }
    let digits = &buf[..n];
    if n < MIN_DIGITS || !grouping_ok(candidate) {
        return None;
    }
    if digits.iter().all(|&d| d == digits[0]) || !luhn_valid(digits) {
        return None;
    }
    // Issuer ranges change (Mastercard's 2-series arrived in 2017): a Luhn-valid number with a
    // banking or travel major industry identifier (3–6) but no known range still counts when
    // card words are near it.
    let brand = card_brand(digits);
    if brand.is_none() && !(b'3'..=b'6').contains(&digits[0]) {
        return None;
    }
    let mut v = Verdict::new(String::from_utf8(digits.to_vec()).ok()?);
    v.requires_context = brand.is_none();
    v.attributes
        .push(("card_brand", brand.unwrap_or("unknown")));
    Some(v)
}

/// Either no separators, or one kind of separator (space or dash) between groups of 4–6 digits
/// (the last group 1–6), as people write `4111 1111 1111 1111` or `3782-822463-10005`.
fn grouping_ok(candidate: &str) -> bool {
    // One pass over the bytes (the engine calls this for every long digit run): the first
    // separator sets the kind, and each group must be complete when the next one starts.
    let mut sep = None;
    let mut group = 0;
    for &b in candidate.as_bytes() {
        if b == b' ' || b == b'-' {
            if *sep.get_or_insert(b) != b || !(4..=6).contains(&group) {
                return false;
            }
            group = 0;
        } else {
            group += 1;
        }
    }
    sep.is_none() || (1..=6).contains(&group)
}

/// Whether [`check`] rejects every candidate starting at `bytes[start]` for its grouping
/// (see [`grouping_ok`]): a candidate holds [`MIN_DIGITS`] digits, so it holds every digit
/// group before the one where the count reaches them, whole, each with the space or dash after
/// it; when one of those groups is not of 4–6 digits, or its separator is not the first one's,
/// every candidate is rejected (`641-2024876-7871816`: a group of 3). Any other byte after a
/// group ends the walk without a claim.
pub fn rejects_every_at(bytes: &[u8], start: usize) -> bool {
    let (mut i, mut digits, mut sep) = (start, 0, None);
    loop {
        let run = i;
        i = super::digits_end(bytes, i);
        digits += i - run;
        if i == run || digits >= MIN_DIGITS {
            return false;
        }
        match bytes.get(i) {
            Some(&s @ (b' ' | b'-')) => {
                if *sep.get_or_insert(s) != s || !(4..=6).contains(&(i - run)) {
                    return true;
                }
            }
            _ => return false,
        }
        i += 1;
    }
}

/// The Luhn (mod 10) checksum over ASCII digits given as bytes `b'0'..=b'9'`.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

/// Issuer by prefix range and the lengths it issues (ISO/IEC 7812 IIN ranges as published by
/// the networks). Returns `None` for numbers no network issues.
pub fn card_brand(digits: &[u8]) -> Option<&'static str> {
    let len = digits.len();
    let prefix = |n: usize| -> u32 {
        digits[..n]
            .iter()
            .fold(0, |acc, &d| acc * 10 + u32::from(d - b'0'))
    };
    let (p2, p3, p4, p6) = (prefix(2), prefix(3), prefix(4), prefix(6));
    let brands: [(&str, bool, &[usize]); 12] = [
        ("visa", digits[0] == b'4', &[13, 16, 19]),
        ("amex", p2 == 34 || p2 == 37, &[15]),
        (
            "mastercard",
            (51..=55).contains(&p2) || (2221..=2720).contains(&p4),
            &[16],
        ),
        ("mir", (2200..=2204).contains(&p4), &[16, 17, 18, 19]),
        (
            "discover",
            p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6),
            &[16, 17, 18, 19],
        ),
        ("jcb", (3528..=3589).contains(&p4), &[16, 17, 18, 19]),
        (
            "diners",
            (300..=305).contains(&p3) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39,
            &[14, 15, 16, 17, 18, 19],
        ),
        (
            "unionpay",
            p2 == 62 || (8100..=8171).contains(&p4),
            &[16, 17, 18, 19],
        ),
        (
            "maestro",
            [5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].contains(&p4),
            &[13, 14, 15, 16, 17, 18, 19],
        ),
        (
            "rupay",
            p2 == 60 || p3 == 508 || p2 == 81 || p2 == 82,
            &[16],
        ),
        ("troy", p4 == 9792, &[16]),
        (
            "verve",
            (506099..=506198).contains(&p6) || (650002..=650027).contains(&p6),
            &[16, 18, 19],
        ),
    ];
    brands
        .iter()
        .find(|(_, matches, lens)| *matches && lens.contains(&len))
        .map(|(name, _, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_cards_of_each_brand() {
        for (n, brand) in [
            ("4111111111111111", "visa"),
            ("4222222222222", "visa"),
            ("5555555555554444", "mastercard"),
            ("2223003122003222", "mastercard"),
            ("2720999999999996", "mastercard"),
            ("378282246310005", "amex"),
            ("6011111111111117", "discover"),
            ("3530111333300000", "jcb"),
            ("36227206271667", "diners"),
            ("6200000000000005", "unionpay"),
            ("2200000000000004", "mir"),
        ] {
            assert!(check(n).is_some(), "{n}");
            assert_eq!(card_brand(n.as_bytes()), Some(brand), "{n}");
        }
    }

    #[test]
    fn accepts_grouped_forms() {
        assert!(check("4111 1111 1111 1111").is_some());
        assert!(check("4111-1111-1111-1111").is_some());
        assert!(check("3782-822463-10005").is_some());
        assert_eq!(
            check("5555 5555 5555 4444").unwrap().normalized,
            "5555555555554444"
        );
    }

    /// `grouping_ok` against its definition (split at the one kind of separator; groups of
    /// 4–6 digits, the last 1–6) on every string of up to six pieces, each a run of 1, 2 or 4
    /// digits, a space or a dash.
    #[test]
    fn grouping_is_its_definition() {
        let definition = |c: &str| {
            let (space, dash) = (c.contains(' '), c.contains('-'));
            if space && dash {
                return false;
            }
            if !space && !dash {
                return true;
            }
            let groups: Vec<&str> = c.split(if space { ' ' } else { '-' }).collect();
            let (last, rest) = groups.split_last().unwrap();
            rest.iter().all(|g| (4..=6).contains(&g.len())) && (1..=6).contains(&last.len())
        };
        let mut texts = vec![String::new()];
        let mut newest = texts.clone();
        for _ in 0..6 {
            newest = newest
                .iter()
                .flat_map(|t| ["1", "11", "1111", " ", "-"].map(|p| format!("{t}{p}")))
                .collect();
            texts.extend(newest.iter().cloned());
        }
        let (mut grouped, mut split) = (0, 0);
        for t in &texts {
            assert_eq!(grouping_ok(t), definition(t), "{t:?}");
            grouped += usize::from(grouping_ok(t));
            split += usize::from(grouping_ok(t) && t.contains([' ', '-']));
        }
        assert!(texts.len() > 19_000, "{} texts", texts.len());
        assert!(
            split > 300,
            "{grouped} grouped, {split} of them with separators"
        );
    }

    #[test]
    fn rejects_invalid() {
        for n in [
            "4111111111111112", // Luhn
            "1234567812345670", // Luhn ok, no issuer starts with 1
            "8888888888888888",
            "1700000000008",           // unix millis shape, Luhn-valid, no issuer
            "0000000000000000",        // all zeros
            "4111 1111-1111 1111",     // mixed separators
            "41 11 11 11 11 11 11 11", // groups of 2
            "555555555555444",         // Mastercard needs 16 digits
            "2721000000000004",        // just past the 2-series range
            "411111111111",            // 12 digits
        ] {
            assert!(check(n).is_none(), "{n}");
        }
    }

    #[test]
    fn nineteen_digits_at_most() {
        assert!(
            check("4111111111111111110").is_some(),
            "19 digits, Luhn-valid"
        );
        assert!(check("4111 1111 1111 1111 110").is_some());
        assert!(
            check("41111111111111111115").is_none(),
            "20 digits, Luhn-valid"
        );
        assert!(check("4111 1111 1111 1111 1115").is_none());
    }

    #[test]
    fn unknown_issuer_needs_context() {
        let v = check("3595832958941990").unwrap(); // Luhn-valid, 35xx outside JCB's range
        assert!(v.requires_context);
        assert!(!check("4111111111111111").unwrap().requires_context);
        assert!(
            check("7595832958941991").is_none(),
            "Luhn-valid, but 7 is no card industry"
        );
    }

    /// The card validator on `t[span]`, with the glue check every validator call makes.
    fn glued_check(t: &str, span: std::ops::Range<usize>) -> Option<super::super::Verdict> {
        let env = super::super::ValidationEnv::default();
        super::super::Validator::PaymentCard.check(t, span.clone(), span, &env)
    }

    #[test]
    fn digits_after_plus_are_not_cards() {
        let t = "call +4915123454105";
        assert!(
            check(&t[6..]).is_some(),
            "Luhn-valid Visa length on its own"
        );
        assert!(glued_check(t, 6..t.len()).is_none());
    }

    #[test]
    fn digits_inside_a_longer_number_are_not_cards() {
        let t = "IBAN DE64 6022 8037 8298 6432 80";
        let s = t.find("6022").unwrap();
        assert!(check(&t[s..s + 19]).is_some(), "Luhn-valid on its own");
        assert!(glued_check(t, s..s + 19).is_none());
    }

    #[test]
    fn luhn_known_values() {
        assert!(luhn_valid(b"79927398713"));
        assert!(!luhn_valid(b"79927398710"));
    }
}
