//! The rule files shipped in `patterns/`, embedded in the binary. A unit test fails if a file
//! in `patterns/` is missing here.

pub const FILES: &[(&str, &str)] = &[
    ("email.toml", include_str!("../../patterns/email.toml")),
    ("iban.toml", include_str!("../../patterns/iban.toml")),
    ("ipv4.toml", include_str!("../../patterns/ipv4.toml")),
    ("ipv6.toml", include_str!("../../patterns/ipv6.toml")),
    (
        "payment_card.toml",
        include_str!("../../patterns/payment_card.toml"),
    ),
    ("phone.toml", include_str!("../../patterns/phone.toml")),
    ("us_ssn.toml", include_str!("../../patterns/us_ssn.toml")),
];
