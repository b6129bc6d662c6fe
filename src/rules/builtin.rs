//! The rule files shipped in `patterns/`, embedded in the binary. A unit test fails if a file
//! in `patterns/` is missing here.

pub const FILES: &[(&str, &str)] = &[
    (
        "aws_access_key_id.toml",
        include_str!("../../patterns/aws_access_key_id.toml"),
    ),
    (
        "bearer_token.toml",
        include_str!("../../patterns/bearer_token.toml"),
    ),
    (
        "date_of_birth.toml",
        include_str!("../../patterns/date_of_birth.toml"),
    ),
    ("email.toml", include_str!("../../patterns/email.toml")),
    (
        "github_token.toml",
        include_str!("../../patterns/github_token.toml"),
    ),
    ("iban.toml", include_str!("../../patterns/iban.toml")),
    ("ipv4.toml", include_str!("../../patterns/ipv4.toml")),
    ("ipv6.toml", include_str!("../../patterns/ipv6.toml")),
    ("jwt.toml", include_str!("../../patterns/jwt.toml")),
    (
        "mac_address.toml",
        include_str!("../../patterns/mac_address.toml"),
    ),
    (
        "openai_api_key.toml",
        include_str!("../../patterns/openai_api_key.toml"),
    ),
    (
        "password_assignment.toml",
        include_str!("../../patterns/password_assignment.toml"),
    ),
    (
        "payment_card.toml",
        include_str!("../../patterns/payment_card.toml"),
    ),
    ("phone.toml", include_str!("../../patterns/phone.toml")),
    (
        "private_key.toml",
        include_str!("../../patterns/private_key.toml"),
    ),
    (
        "slack_token.toml",
        include_str!("../../patterns/slack_token.toml"),
    ),
    (
        "stripe_key.toml",
        include_str!("../../patterns/stripe_key.toml"),
    ),
    (
        "url_with_credentials.toml",
        include_str!("../../patterns/url_with_credentials.toml"),
    ),
    (
        "street_address.toml",
        include_str!("../../patterns/street_address.toml"),
    ),
    ("uk_nino.toml", include_str!("../../patterns/uk_nino.toml")),
    ("us_ssn.toml", include_str!("../../patterns/us_ssn.toml")),
];
