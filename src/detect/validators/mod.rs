//! Validators: plain functions that accept or reject a regex candidate, looking at the candidate
//! and its surroundings, and give the normalized value that fingerprints are computed from.

mod address;
mod card;
mod date;
mod email;
mod iban;
mod ip;
mod mac;
mod nino;
mod phone;
mod phone_meta;
mod ssn;

pub use card::{card_brand, luhn_valid};
pub use phone::{parse_regions, PhoneRegions, DEFAULT_REGIONS};

use crate::findings::Confidence;
use std::ops::Range;

/// True when a digit candidate is part of a longer token: `ORD-2019-915531`, `641-2024876-7871816`,
/// the first groups of `4953 6400 4628 1275`, or digits right after a `+` that the candidate
/// does not include (`ZIP+4 94105-1234`).
#[inline]
pub(crate) fn glued_to_token(text: &str, span: &Range<usize>, candidate: &str) -> bool {
    let b = text.as_bytes();
    if glued_before(b, span.start) {
        return true;
    }
    // A space glues digit groups only to a candidate that is itself spaced (`4953 6400`).
    let spaced = || {
        candidate
            .as_bytes()
            .get(1..)
            .is_some_and(|c| c.contains(&b' '))
    };
    let (start, end) = (span.start, span.end);
    if space_glued_before(b, start) && spaced() {
        return true;
    }
    match b.get(end) {
        Some(b'-' | b'.' | b'/') => b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric),
        Some(b' ') => b.get(end + 1).is_some_and(u8::is_ascii_digit) && spaced(),
        _ => false,
    }
}

/// Whether every candidate starting at `bytes[start]` (a digit) and ending where a run of
/// digits ends holds fewer than `min` digits, more than `max`, or is glued to the token after
/// it (a `-`, `.` or `/` and then a letter or digit: see [`glued_to_token`]), for a validator
/// that rejects all three. The runs are walked while one or two of ` -./` and a digit come
/// between them; any other byte there, or a third separator, ends the walk without a claim (a
/// candidate could go on through it; the bound keeps each start's walk short).
/// `641-2024876-7871816` for a phone number: 3 digits, 10 glued to `-7871816`, then 17.
#[inline]
fn short_glued_or_long(bytes: &[u8], start: usize, min: usize, max: usize) -> bool {
    let (mut i, mut digits) = (start, 0);
    loop {
        let run = i;
        i = digits_end(bytes, i);
        if i == run {
            return false;
        }
        digits += i - run;
        if digits > max {
            return true;
        }
        let glued = matches!(bytes.get(i), Some(b'-' | b'.' | b'/'))
            && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
        if digits >= min && !glued {
            return false;
        }
        let seps = i;
        i = separators_end(bytes, i);
        if i == seps {
            return false;
        }
    }
}

/// Where the run of ASCII digits from `bytes[i]` ends (`i` where there is none). The claims of
/// [`Validator::rejects_every_at`] walk a candidate's digit groups with it.
#[inline]
fn digits_end(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// Where the one or two separators (` -./`) between two of a number's digit groups end, from
/// `bytes[i]` (`i` where there is none): the walks of [`Validator::rejects_every_at`] go no
/// further between groups.
#[inline]
fn separators_end(bytes: &[u8], i: usize) -> usize {
    let mut e = i;
    while e - i < 2 && matches!(bytes.get(e), Some(b' ' | b'-' | b'.' | b'/')) {
        e += 1;
    }
    e
}

/// A digit and one space right before `start`: [`glued_to_token`] calls a candidate starting
/// there glued when it holds a space itself (`6400` in `4953 6400 4628`).
#[inline]
pub(crate) fn space_glued_before(b: &[u8], start: usize) -> bool {
    start >= 2 && b[start - 1] == b' ' && b[start - 2].is_ascii_digit()
}

/// The half of [`glued_to_token`] that needs only the candidate's start: every candidate
/// starting at `start` is glued when this holds (right after a `+`, or after `-`, `.` or `/`
/// that follows a letter or digit).
#[inline]
pub(crate) fn glued_before(b: &[u8], start: usize) -> bool {
    match start.checked_sub(1).map(|i| b[i]) {
        Some(b'+') => true,
        Some(b'-' | b'.' | b'/') => start
            .checked_sub(2)
            .is_some_and(|j| b[j].is_ascii_alphanumeric()),
        _ => false,
    }
}

/// What a validator says about an accepted candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The canonical form of the value (lowercased email, E.164 phone, digits of a card).
    pub normalized: String,
    /// Replaces the rule's base confidence when set.
    pub confidence: Option<Confidence>,
    /// The most confidence context may raise this match to (a private IP stays `low`).
    pub cap: Option<Confidence>,
    /// Keep the match only if one of the rule's context words (or the field name) supports it.
    pub requires_context: bool,
    /// Facts about the value reported with it (`ip_scope`, `card_brand`).
    pub attributes: Vec<(&'static str, &'static str)>,
}

impl Verdict {
    pub fn new(normalized: String) -> Self {
        Verdict {
            normalized,
            confidence: None,
            cap: None,
            requires_context: false,
            attributes: Vec::new(),
        }
    }
}

/// Settings validators need (phone regions).
#[derive(Debug, Clone, Default)]
pub struct ValidationEnv {
    pub phone_regions: PhoneRegions,
}

/// The validators a rule can name in its `validator` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    Email,
    Iban,
    Ipv4,
    Ipv6,
    MacAddress,
    PaymentCard,
    Phone,
    UsSsn,
    UkNino,
    Date,
    StreetAddress,
}

impl Validator {
    pub const ALL: [Validator; 11] = [
        Validator::Email,
        Validator::Iban,
        Validator::Ipv4,
        Validator::Ipv6,
        Validator::MacAddress,
        Validator::PaymentCard,
        Validator::Phone,
        Validator::UsSsn,
        Validator::UkNino,
        Validator::Date,
        Validator::StreetAddress,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Validator::Email => "email",
            Validator::Iban => "iban",
            Validator::Ipv4 => "ipv4",
            Validator::Ipv6 => "ipv6",
            Validator::MacAddress => "mac_address",
            Validator::PaymentCard => "payment_card",
            Validator::Phone => "phone",
            Validator::UsSsn => "us_ssn",
            Validator::UkNino => "uk_nino",
            Validator::Date => "date",
            Validator::StreetAddress => "street_address",
        }
    }

    /// True for validators that accept only a match filling its region from its start (an
    /// email address is the whole run of address characters): the engine then makes one
    /// attempt per region. These are the validators that look at the region at all.
    pub fn anchored_to_region(self) -> bool {
        matches!(
            self,
            Validator::Email | Validator::Ipv4 | Validator::Ipv6 | Validator::MacAddress
        )
    }

    /// For a validator [`anchored_to_region`](Self::anchored_to_region): false when it rejects
    /// every candidate in `text[region]`, told from the region alone (an IP address must be
    /// the whole region: see [`ip::region_could_pass_v4`]). True where it cannot tell.
    pub fn region_could_pass(self, text: &str, region: Range<usize>) -> bool {
        match self {
            Validator::Ipv4 => ip::region_could_pass_v4(text, region),
            Validator::Ipv6 => ip::region_could_pass_v6(text, region),
            _ => true,
        }
    }

    /// True for validators that reject every candidate [`glued_to_token`] calls part of a
    /// longer token ([`Validator::check`] checks it, after the validator's own checks): the
    /// engine rules such candidates out before it asks the validator.
    pub fn rejects_glued(self) -> bool {
        matches!(
            self,
            Validator::Phone
                | Validator::PaymentCard
                | Validator::Iban
                | Validator::UsSsn
                | Validator::Date
        )
    }

    /// True when this validator rejects every candidate that starts at `bytes[start]` and
    /// ends where a run of digits ends (the engine's candidates do), however far it reaches:
    /// the engine then searches from the next start. For a phone number: a digit followed by
    /// a dot (a decimal, `0.1234`, an embedding's values), a version (`10.0.19041.1`) or a date
    /// (`2023-03-22`), never a dotted phone number (see [`phone::rejects_every_at`]).
    ///
    /// For a validator that rejects glued candidates and knows how many digits a candidate
    /// may hold, also where every run end from `start` leaves too few digits, is glued to what
    /// follows, or leaves too many ([`short_glued_or_long`]: the order number
    /// `641-2024876-7871816` for a phone number or an SSN); and for a payment card, where the
    /// first groups are not grouped as cards are ([`card::rejects_every_at`]: `641-2024876-…`
    /// again).
    pub fn rejects_every_at(self, bytes: &[u8], start: usize) -> bool {
        let digits = |(min, max)| short_glued_or_long(bytes, start, min, max);
        match self {
            Validator::Phone => {
                phone::rejects_every_at(bytes, start)
                    || digits((phone::MIN_DIGITS, phone::MAX_DIGITS))
            }
            Validator::PaymentCard => {
                card::rejects_every_at(bytes, start) || digits((card::MIN_DIGITS, card::MAX_DIGITS))
            }
            Validator::UsSsn => digits((ssn::DIGITS, ssn::DIGITS)),
            _ => false,
        }
    }

    /// The fewest ASCII digits a candidate this validator accepts can have.
    pub fn min_digits(self) -> usize {
        match self {
            Validator::Phone => phone::MIN_DIGITS,
            _ => 0,
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }

    /// Checks `text[span]`; `region` is the run of charset bytes the candidate was found in.
    pub fn check(
        self,
        text: &str,
        span: Range<usize>,
        region: Range<usize>,
        env: &ValidationEnv,
    ) -> Option<Verdict> {
        let verdict = match self {
            Validator::Email => email::check(text, span.clone(), region),
            Validator::Ipv4 => ip::check_v4(text, span.clone(), region),
            Validator::Ipv6 => ip::check_v6(text, span.clone(), region),
            Validator::PaymentCard => card::check(&text[span.clone()]),
            Validator::Phone => phone::check(&text[span.clone()], &env.phone_regions),
            Validator::Iban => iban::check(&text[span.clone()]),
            Validator::MacAddress => mac::check(text, span.clone(), region),
            Validator::UsSsn => ssn::check(&text[span.clone()]),
            Validator::UkNino => nino::check(&text[span.clone()]),
            Validator::Date => date::check(&text[span.clone()]),
            Validator::StreetAddress => address::check(&text[span.clone()]),
        }?;
        // Checked last: the engine rules glued candidates out before it asks (see
        // `rejects_glued`), so this only decides for other callers.
        let glued = self.rejects_glued() && glued_to_token(text, &span, &text[span.clone()]);
        (!glued).then_some(verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{check::parse_example, RuleSet};

    /// `glued_to_token` against its definition, byte by byte, on every span of generated
    /// texts of digits, letters and the bytes that glue.
    #[test]
    fn glued_to_token_is_its_definition() {
        let mut next = crate::testing::xorshift(0x6c75_6564);
        let alphabet = b"a1 -./+";
        let (mut glued, mut free) = (0, 0);
        for _ in 0..3_000 {
            let len = 1 + next() % 9;
            let text: String = (0..len)
                .map(|_| char::from(alphabet[next() % alphabet.len()]))
                .collect();
            let b = text.as_bytes();
            for start in 0..len {
                for end in start + 1..=len {
                    let spaced = text[start + 1..end].contains(' ');
                    let at = |i: Option<usize>| i.and_then(|i| b.get(i).copied());
                    let (b1, b2) = (at(start.checked_sub(1)), at(start.checked_sub(2)));
                    let (a1, a2) = (at(Some(end)), at(Some(end + 1)));
                    let sep = |c: Option<u8>| matches!(c, Some(b'-' | b'.' | b'/'));
                    let alnum = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                    let digit = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_digit());
                    let want = b1 == Some(b'+')
                        || (sep(b1) && alnum(b2))
                        || (b1 == Some(b' ') && digit(b2) && spaced)
                        || (sep(a1) && alnum(a2))
                        || (a1 == Some(b' ') && digit(a2) && spaced);
                    let got = glued_to_token(&text, &(start..end), &text[start..end]);
                    assert_eq!(got, want, "{text:?} {start}..{end}");
                    glued += usize::from(got);
                    free += usize::from(!got);
                }
            }
        }
        assert!(glued > 1_000 && free > 1_000, "{glued} glued, {free} not");
    }

    /// Where [`Validator::rejects_every_at`] claims a start, [`Validator::check`] rejects
    /// every candidate from there that ends where a run of digits ends: in generated texts of
    /// digit groups and the bytes between them, and in the example values of the built-in
    /// rules alone and glued to digit groups (values the validators accept, whose starts must
    /// not be claimed). The order number of the corpus is claimed for a phone number, a card
    /// and an SSN.
    #[test]
    fn claimed_starts_reject_every_candidate() {
        let env = ValidationEnv::default();
        let mut texts: Vec<String> = Vec::new();
        for rule in RuleSet::builtin().unwrap().rules() {
            for example in &rule.examples {
                for value in parse_example(example).1 {
                    for (pre, post) in [("", ""), ("12-", ""), ("", " 1"), ("7 ", "-0"), ("", "5")]
                    {
                        texts.push(format!("{pre}{value}{post}"));
                    }
                }
            }
        }
        let seps = [" ", "-", ".", "/", "  ", "- ", "-a", "(", ") ", "+", "x"];
        let mut next = crate::testing::xorshift(0x636c_6169_6d73);
        for _ in 0..6_000 {
            let mut t = String::new();
            for g in 0..1 + next() % 6 {
                if g > 0 {
                    t.push_str(seps[next() % seps.len()]);
                }
                for _ in 0..1 + next() % 8 {
                    t.push(char::from(b'0' + (next() % 10) as u8));
                }
            }
            texts.push(t);
        }
        let mut claimed = [0usize; Validator::ALL.len()];
        for (v, claimed) in Validator::ALL.into_iter().zip(&mut claimed) {
            for t in &texts {
                let b = t.as_bytes();
                let run_end = |e: usize| {
                    b[e - 1].is_ascii_digit() && b.get(e).is_none_or(|c| !c.is_ascii_digit())
                };
                for start in (0..b.len()).filter(|&s| v.rejects_every_at(b, s)) {
                    *claimed += 1;
                    for end in (start + 1..=b.len()).filter(|&e| run_end(e)) {
                        let span = start..end;
                        assert!(
                            v.check(t, span.clone(), span, &env).is_none(),
                            "{}: {:?} in {t:?}",
                            v.name(),
                            &t[start..end]
                        );
                    }
                }
            }
        }
        let of = |v: Validator| claimed[Validator::ALL.iter().position(|&w| w == v).unwrap()];
        for v in [Validator::Phone, Validator::PaymentCard, Validator::UsSsn] {
            assert!(of(v) > 1_000, "{}: {} starts claimed", v.name(), of(v));
            assert!(
                v.rejects_every_at(b"641-2024876-7871816", 0),
                "{}",
                v.name()
            );
        }
        // Named starts: claimed (`true`) or not.
        for (v, text, claimed) in [
            (Validator::PaymentCard, "4111 1111 1111 1111", false),
            (Validator::PaymentCard, "3782-822463-10005", false),
            (Validator::PaymentCard, "4111111111111111-1", false),
            (Validator::PaymentCard, "4111 111111111111", false),
            (Validator::PaymentCard, "411 1111 1111 1111", true),
            (Validator::PaymentCard, "4111 1111-1111 1111", true),
            (Validator::PaymentCard, "4111 1111111 1111", true),
            (Validator::Phone, "415-555-2671-1", false),
            (Validator::Phone, "061234567890123 5", false),
            (Validator::Phone, "415-555-2671-123456", true),
            (Validator::Phone, "415 555-2671/012345", true),
            (Validator::UsSsn, "651-40-9363", false),
            (Validator::UsSsn, "651-40-9363 1", false),
            (Validator::UsSsn, "651-40-9363-2", true),
            (Validator::UsSsn, "65140936 31", true),
        ] {
            let got = v.rejects_every_at(text.as_bytes(), 0);
            assert_eq!(got, claimed, "{}: {text}", v.name());
        }
    }

    /// Where [`Validator::region_could_pass`] says no, [`Validator::check`] rejects every
    /// candidate in the region: every span of every region of generated texts and of
    /// addresses written with trailing dots and neighbours, for each validator that is
    /// anchored to its region. Versions and times are ruled out.
    #[test]
    fn regions_that_cannot_pass_hold_nothing_accepted() {
        let env = ValidationEnv::default();
        let mut texts: Vec<String> = [
            "192.168.1.20",
            "8.8.8.8..",
            "x 10.0.0.1.",
            "fe80::1",
            "2001:db8::8a2e:370:7334.",
            "::ffff:1.2.3.4",
            "1:2:3:4:5:6:7:8",
            "0:0:0:0:0:ffff:192.168.1.20.",
            "a4:83:e7:12:9f:0c",
            "a.b@example.com.",
        ]
        .map(String::from)
        .to_vec();
        let alphabet = b"0123456789abcdef:.::..-@ ";
        let mut next = crate::testing::xorshift(0x7265_6769_6f6e);
        for _ in 0..1_500 {
            let n = 1 + next() % 12;
            texts.push(
                (0..n)
                    .map(|_| char::from(alphabet[next() % alphabet.len()]))
                    .collect(),
            );
        }
        let anchored = Validator::ALL
            .into_iter()
            .filter(|v| v.anchored_to_region());
        let (mut ruled_out, mut accepted) = (0, 0);
        for v in anchored {
            for t in &texts {
                for rs in 0..t.len() {
                    for re in rs + 1..=t.len() {
                        if v.region_could_pass(t, rs..re) {
                            for e in rs + 1..=re {
                                accepted += usize::from(v.check(t, rs..e, rs..re, &env).is_some());
                            }
                            continue;
                        }
                        ruled_out += 1;
                        for (s, e) in (rs..re).flat_map(|s| (s + 1..=re).map(move |e| (s, e))) {
                            assert!(
                                v.check(t, s..e, rs..re, &env).is_none(),
                                "{}: {:?} in region {:?}",
                                v.name(),
                                &t[s..e],
                                &t[rs..re]
                            );
                        }
                    }
                }
            }
        }
        assert!(
            ruled_out > 10_000 && accepted > 20,
            "{ruled_out} ruled out, {accepted} accepted"
        );
        for (v, region) in [
            (Validator::Ipv4, "10.0.19041.1"),
            (Validator::Ipv6, "09:25:16"),
        ] {
            assert!(!v.region_could_pass(region, 0..region.len()), "{region}");
        }
        for (v, region) in [
            (Validator::Ipv4, "10.0.0.1.."),
            (Validator::Ipv6, "fe80::1."),
        ] {
            assert!(v.region_could_pass(region, 0..region.len()), "{region}");
        }
    }

    /// The engine rules out glued candidates before validating them where a validator
    /// [`rejects_glued`](Validator::rejects_glued): each such validator does reject every
    /// example value of its rules glued on either side, and accepts most of them alone.
    #[test]
    fn glued_candidates_are_rejected_by_the_validators_that_say_so() {
        let env = ValidationEnv::default();
        let set = RuleSet::builtin().unwrap();
        let (mut tried, mut accepted) = (0, 0);
        for rule in set.rules() {
            let Some(v) = rule.validator.filter(|v| v.rejects_glued()) else {
                continue;
            };
            for example in &rule.examples {
                for value in parse_example(example).1 {
                    let span = 1..1 + value.len();
                    let alone = format!(" {value} ");
                    accepted += usize::from(v.check(&alone, span.clone(), span, &env).is_some());
                    let spaced = value[1..].contains(' ');
                    let glues = [
                        ("A-", "", true),
                        ("7.", "", true),
                        ("x/", "", true),
                        ("+", "", true),
                        ("", "-7", false),
                        ("", ".a", false),
                        ("", "/B", false),
                        ("9 ", "", false),
                        ("", " 9", false),
                    ];
                    for (pre, post, before) in glues {
                        if pre.starts_with('9') || post.ends_with('9') {
                            // A space glues only a candidate with a space of its own.
                            if !spaced {
                                continue;
                            }
                        }
                        let text = format!("{pre}{value}{post}");
                        let span = pre.len()..pre.len() + value.len();
                        assert!(glued_to_token(&text, &span, &value), "{text}");
                        assert_eq!(glued_before(text.as_bytes(), span.start), before, "{text}");
                        assert!(
                            v.check(&text, span.clone(), span, &env).is_none(),
                            "{}: {text:?} is glued",
                            rule.id
                        );
                        tried += 1;
                    }
                }
            }
        }
        assert!(
            tried > 100 && accepted > 20,
            "{tried} tried, {accepted} accepted"
        );
    }
}
