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
pub(crate) fn glued_to_token(text: &str, span: &Range<usize>, candidate: &str) -> bool {
    let b = text.as_bytes();
    let internal = |c: u8| candidate.as_bytes()[1..].contains(&c);
    let glued = |sep: u8, beyond: Option<&u8>| match sep {
        b'-' | b'.' | b'/' => beyond.is_some_and(u8::is_ascii_alphanumeric),
        b' ' => internal(b' ') && beyond.is_some_and(u8::is_ascii_digit),
        _ => false,
    };
    let before = span
        .start
        .checked_sub(1)
        .map(|i| (b[i], i.checked_sub(1).and_then(|j| b.get(j))));
    let after = b.get(span.end).map(|&c| (c, b.get(span.end + 1)));
    before.is_some_and(|(c, beyond)| c == b'+' || glued(c, beyond))
        || after.is_some_and(|(c, beyond)| glued(c, beyond))
}

/// Runs `check` on `text[span]` unless the candidate is part of a longer token.
pub(crate) fn unglued(
    text: &str,
    span: Range<usize>,
    check: impl Fn(&str) -> Option<Verdict>,
) -> Option<Verdict> {
    let candidate = &text[span.clone()];
    if glued_to_token(text, &span, candidate) {
        return None;
    }
    check(candidate)
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
        match self {
            Validator::Email => email::check(text, span, region),
            Validator::Ipv4 => ip::check_v4(text, span, region),
            Validator::Ipv6 => ip::check_v6(text, span, region),
            Validator::PaymentCard => unglued(text, span, card::check),
            Validator::Phone => phone::check(text, span, &env.phone_regions),
            Validator::Iban => unglued(text, span, iban::check),
            Validator::MacAddress => mac::check(text, span, region),
            Validator::UsSsn => unglued(text, span, ssn::check),
            Validator::UkNino => nino::check(&text[span]),
            Validator::Date => unglued(text, span, date::check),
            Validator::StreetAddress => address::check(&text[span]),
        }
    }
}
