//! Field-name kinds: a string in a field whose *name* marks it as personal data (`full_name`,
//! `dob`, `passport_no`, `password`) is reported as that kind even when no pattern matches its
//! value, as Amazon Macie and presidio-structured do. Field names are compared by their letters
//! and digits, case-folded (`firstName`, `first_name` and `FIRST-NAME` are one name). The table
//! is configurable (config file `[field_names]`).
//!
//! Each kind has a value check, so that a `name` field holding a tool name (`get_weather`) or a
//! placeholder (`N/A`, `<redacted>`) is not reported.

use std::collections::HashMap;

/// The built-in table: field name (any spelling) → kind.
pub const BUILTIN: &[(&str, &str)] = &[
    ("name", "person_name"),
    ("full_name", "person_name"),
    ("first_name", "person_name"),
    ("last_name", "person_name"),
    ("middle_name", "person_name"),
    ("given_name", "person_name"),
    ("family_name", "person_name"),
    ("surname", "person_name"),
    ("maiden_name", "person_name"),
    ("customer_name", "person_name"),
    ("patient_name", "person_name"),
    ("contact_name", "person_name"),
    ("employee_name", "person_name"),
    ("address", "street_address"),
    ("street_address", "street_address"),
    ("home_address", "street_address"),
    ("mailing_address", "street_address"),
    ("billing_address", "street_address"),
    ("shipping_address", "street_address"),
    ("address_line_1", "street_address"),
    ("address_line_2", "street_address"),
    ("address1", "street_address"),
    ("address2", "street_address"),
    ("street", "street_address"),
    ("dob", "date_of_birth"),
    ("date_of_birth", "date_of_birth"),
    ("birth_date", "date_of_birth"),
    ("birthdate", "date_of_birth"),
    ("birthday", "date_of_birth"),
    ("ssn", "us_ssn"),
    ("social_security_number", "us_ssn"),
    ("passport", "passport_number"),
    ("passport_number", "passport_number"),
    ("passport_no", "passport_number"),
    ("drivers_license", "drivers_license"),
    ("driver_license", "drivers_license"),
    ("drivers_license_number", "drivers_license"),
    ("national_id", "national_id"),
    ("national_id_number", "national_id"),
    ("password", "secret"),
    ("passwd", "secret"),
    ("pwd", "secret"),
    ("passphrase", "secret"),
    ("api_key", "secret"),
    ("apikey", "secret"),
    ("client_secret", "secret"),
    ("secret_key", "secret"),
    ("access_token", "secret"),
    ("refresh_token", "secret"),
    ("private_key", "secret"),
];

/// Values that mean "no value" in any field.
const EMPTY_VALUES: &[&str] = &[
    "null",
    "none",
    "nil",
    "n/a",
    "na",
    "unknown",
    "redacted",
    "[redacted]",
    "<redacted>",
    "anonymous",
    "tbd",
    "-",
    "test",
];

#[derive(Debug)]
pub struct FieldKinds {
    /// Loose field name → index into `kinds`.
    /// Looked up for every keyed string: hashed with FNV-1a, not SipHash (the names are the
    /// configuration's, not an attacker's).
    names: HashMap<String, usize, Fnv>,
    kinds: Vec<String>,
    /// Per first byte of a listed loose name: bit `len.min(63)` for each length such a name
    /// has, so that most keys are ruled out before the table is looked up.
    shapes: Box<[u64; 256]>,
}

/// A field name's letters and digits, lowercased: `firstName` → `firstname`.
pub fn loose_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Default for FieldKinds {
    fn default() -> Self {
        FieldKinds::new(BUILTIN.iter().map(|&(n, k)| (n.to_string(), k.to_string())))
    }
}

impl FieldKinds {
    /// No field-name kinds.
    pub fn none() -> Self {
        FieldKinds::new(std::iter::empty())
    }

    /// A table from (field name, kind) pairs; a later pair for the same name wins, and an
    /// empty kind removes the name.
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut by_name: HashMap<String, String> = HashMap::new();
        for (name, kind) in pairs {
            let name = loose_name(&name);
            if name.is_empty() {
                continue;
            }
            if kind.is_empty() {
                by_name.remove(&name);
            } else {
                by_name.insert(name, kind);
            }
        }
        let mut kinds: Vec<String> = by_name.values().cloned().collect();
        kinds.sort();
        kinds.dedup();
        let names: HashMap<String, usize, Fnv> = by_name
            .into_iter()
            .map(|(n, k)| {
                let i = kinds.iter().position(|x| *x == k).unwrap_or(0);
                (n, i)
            })
            .collect();
        let mut shapes = Box::new([0u64; 256]);
        for n in names.keys() {
            shapes[usize::from(n.as_bytes()[0])] |= 1 << n.len().min(63);
        }
        FieldKinds {
            names,
            kinds,
            shapes,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The kinds field names map to, in index order.
    pub fn kinds(&self) -> &[String] {
        &self.kinds
    }

    /// Whether a raw JSON record may have a listed field: whether one of its keys (a string
    /// followed by `:`) has a listed loose name. Every `:` is looked at. In valid JSON, one
    /// that follows a closing quote (blanks aside) follows a key: a quote inside a string is
    /// escaped, after an odd number of backslashes, so a `:` after one (JSON written into a
    /// string value: `"{\"city\": \"Paris\"}"`) is passed over. The key is the bytes back to
    /// the quote before; one with an escape in it (a backslash: the key may not be what its
    /// bytes spell) counts as listed.
    pub fn may_contain(&self, raw: &[u8]) -> bool {
        if self.names.is_empty() {
            return false;
        }
        memchr::memchr_iter(b':', raw).any(|colon| {
            let before = raw[..colon].trim_ascii_end();
            let Some((&b'"', inner)) = before.split_last() else {
                return false;
            };
            if inner.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1 {
                return false;
            }
            let Some(open) = memchr::memrchr(b'"', inner) else {
                return false;
            };
            let key = &inner[open + 1..];
            if key.contains(&b'\\') || inner[..open].last() == Some(&b'\\') {
                return true;
            }
            match std::str::from_utf8(key) {
                Ok(key) => self.listed(key).is_some(),
                Err(_) => true,
            }
        })
    }

    /// The kind index of field `key` when its loose name is listed, and whether that name is
    /// the bare `name`.
    fn listed(&self, key: &str) -> Option<(usize, bool)> {
        if self.names.is_empty() {
            return None;
        }
        // Most keys are plain ASCII words (`content`, `role`): their loose name is their
        // lowercase self, and one table lookup rules most of them out before it is built.
        if key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let first = key.as_bytes().first()?.to_ascii_lowercase();
            if self.shapes[usize::from(first)] >> key.len().min(63) & 1 == 0 {
                return None;
            }
        }
        // The loose name, on the stack for ASCII keys (this runs for every keyed string).
        let mut buf = [0u8; 64];
        let mut n = 0;
        let owned;
        let name: &str = if key.is_ascii() && key.len() <= buf.len() {
            for b in key.bytes().filter(u8::is_ascii_alphanumeric) {
                buf[n] = b.to_ascii_lowercase();
                n += 1;
            }
            if n == 0 || self.shapes[usize::from(buf[0])] >> n.min(63) & 1 == 0 {
                return None;
            }
            std::str::from_utf8(&buf[..n]).unwrap_or_default()
        } else {
            owned = loose_name(key);
            &owned
        };
        let &k = self.names.get(name)?;
        Some((k, name == "name"))
    }

    /// The kind index for a value in field `key`, and the span of `value` to report, when the
    /// field name is listed and the value looks like that kind.
    pub fn check(&self, key: &str, value: &str) -> Option<(usize, usize, usize)> {
        let (k, bare_name) = self.listed(key)?;
        let trimmed = value.trim();
        if trimmed.is_empty()
            || trimmed.len() > 512
            || EMPTY_VALUES.iter().any(|e| e.eq_ignore_ascii_case(trimmed))
            || is_redacted(trimmed)
        {
            return None;
        }
        let start = value.len() - value.trim_start().len();
        let ok = match self.kinds[k].as_str() {
            // A bare `name` is also what tools, models and files are called: only a full
            // name (two or more capitalised words) counts there.
            "person_name" => person_name(trimmed, if bare_name { 2 } else { 1 }),
            "street_address" => trimmed.chars().any(char::is_alphabetic) && trimmed.contains(' '),
            "date_of_birth" => {
                trimmed.len() <= 40 && trimmed.chars().filter(char::is_ascii_digit).count() >= 2
            }
            "us_ssn" => {
                trimmed.chars().filter(char::is_ascii_digit).count() >= 4
                    && trimmed
                        .chars()
                        .all(|c| c.is_ascii_digit() || " -".contains(c))
            }
            "passport_number" | "drivers_license" | "national_id" => {
                (5..=24).contains(&trimmed.len())
                    && trimmed.chars().any(|c| c.is_ascii_digit())
                    && trimmed
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || " -".contains(c))
            }
            "secret" => secret(trimmed),
            _ => true,
        };
        ok.then_some((k, start, start + trimmed.len()))
    }
}

/// What redaction leaves behind (`<EMAIL>`, `<DATE_OF_BIRTH_10>`, `<EMAIL_3fa9…>`, a mask
/// such as `******-**`): not personal data, so a clean copy scans clean.
fn is_redacted(v: &str) -> bool {
    let tag = v.len() > 2
        && v.starts_with('<')
        && v.ends_with('>')
        && v[1..v.len() - 1].bytes().all(|b| {
            b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || (b'a'..=b'f').contains(&b)
        });
    tag || (v.contains('*')
        && !v.chars().any(|c| c.is_alphabetic())
        && v.chars().filter(char::is_ascii_digit).count() <= 4)
}

/// One to six words, each a capitalised run of letters (with `'`, `-` or `.`), or a lowercase
/// particle (`van`, `de`); at least `min_words` capitalised words.
fn person_name(v: &str, min_words: usize) -> bool {
    const PARTICLES: &[&str] = &[
        "de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "du", "dos",
        "bin", "al", "y",
    ];
    let words: Vec<&str> = v.split_whitespace().collect();
    if words.len() > 6 || v.len() > 100 {
        return false;
    }
    let mut capitalised = 0;
    for w in &words {
        if PARTICLES.contains(w) {
            continue;
        }
        let mut chars = w.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        if !first.is_uppercase() || !w.chars().all(|c| c.is_alphabetic() || "'-.’".contains(c)) {
            return false;
        }
        capitalised += 1;
    }
    capitalised >= min_words
}

/// A value that could be a credential: no spaces, four or more characters, not a template
/// (`${DB_PASSWORD}`, `{{ secret }}`, `<password>`) or a mask (`********`).
fn secret(v: &str) -> bool {
    let first = v.chars().next().unwrap_or(' ');
    let template =
        v.starts_with("${") || v.starts_with("{{") || (v.starts_with('<') && v.ends_with('>'));
    v.chars().count() >= 4
        && !v.contains(char::is_whitespace)
        && !v.chars().all(|c| c == first)
        && !template
}

/// FNV-1a: a fast hash for short keys.
#[derive(Debug, Clone, Copy, Default)]
struct Fnv;

impl std::hash::BuildHasher for Fnv {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(key: &str, value: &str) -> Option<String> {
        let f = FieldKinds::default();
        f.check(key, value).map(|(k, _, _)| f.kinds()[k].clone())
    }

    #[test]
    fn names_in_any_spelling() {
        assert_eq!(kind_of("firstName", "Ada").as_deref(), Some("person_name"));
        assert_eq!(kind_of("FIRST_NAME", "Ada").as_deref(), Some("person_name"));
        assert_eq!(
            kind_of("name", "Ada Lovelace").as_deref(),
            Some("person_name")
        );
        assert_eq!(
            kind_of("full_name", "Ludwig van Beethoven").as_deref(),
            Some("person_name")
        );
        assert_eq!(
            kind_of("DOB", "1815-12-10").as_deref(),
            Some("date_of_birth")
        );
        assert_eq!(kind_of("password", "hunter22").as_deref(), Some("secret"));
        assert_eq!(
            kind_of("passport_no", "X1234567").as_deref(),
            Some("passport_number")
        );
    }

    #[test]
    fn values_that_do_not_fit_the_field() {
        assert_eq!(kind_of("name", "get_weather"), None);
        assert_eq!(
            kind_of("name", "Paris"),
            None,
            "a bare name needs two words"
        );
        assert_eq!(kind_of("name", "gpt-4o"), None);
        assert_eq!(kind_of("first_name", "N/A"), None);
        assert_eq!(kind_of("password", "********"), None);
        assert_eq!(kind_of("password", "${DB_PASSWORD}"), None);
        assert_eq!(kind_of("ssn", "unknown"), None);
        assert_eq!(kind_of("content", "Ada Lovelace"), None);
        assert_eq!(kind_of("username", "Ada Lovelace"), None);
        assert_eq!(
            kind_of("dob", "<DATE_OF_BIRTH_10>"),
            None,
            "a redaction tag"
        );
        assert_eq!(kind_of("password", "******-**"), None, "a mask");
        assert_eq!(kind_of("ssn", "***-**-6789"), None, "a mask keeping a tail");
    }

    #[test]
    fn the_table_is_configurable() {
        let f = FieldKinds::new(
            BUILTIN
                .iter()
                .map(|&(n, k)| (n.to_string(), k.to_string()))
                .chain([
                    ("kunde".to_string(), "person_name".to_string()),
                    ("name".to_string(), String::new()),
                ]),
        );
        assert!(f.check("Kunde", "Erika Mustermann").is_some());
        assert!(f.check("name", "Erika Mustermann").is_none());
        assert!(f.may_contain(br#"{"KUNDE": "x"}"#));
    }

    /// Every listed name is found in every spelling, whatever its first letter and length
    /// (names of 63 letters and more share one length bit), and a name of another length
    /// with the same first letter is not.
    #[test]
    fn names_are_ruled_out_by_first_letter_and_length_only_when_unlisted() {
        let long = "customer".repeat(8);
        let f = FieldKinds::new(
            BUILTIN
                .iter()
                .map(|&(n, k)| (n.to_string(), k.to_string()))
                .chain([
                    (long.clone(), "person_name".to_string()),
                    ("Straße".to_string(), "street_address".to_string()),
                    ("7digits".to_string(), "national_id".to_string()),
                ]),
        );
        let value = |kind: &str| match kind {
            "person_name" => "Erika Mustermann",
            "street_address" => "12 Main Street",
            "date_of_birth" => "1815-12-10",
            "us_ssn" => "123-45-6789",
            "secret" => "hunter22x",
            _ => "X1234567",
        };
        for (name, kind) in BUILTIN.iter().copied().chain([
            (long.as_str(), "person_name"),
            ("Straße", "street_address"),
            ("7digits", "national_id"),
        ]) {
            for key in [
                name.to_string(),
                name.to_ascii_uppercase(),
                format!("-{name}-"),
            ] {
                let found = f.check(&key, value(kind));
                assert_eq!(
                    found.map(|(k, _, _)| f.kinds()[k].as_str()),
                    Some(kind),
                    "{key}"
                );
            }
        }
        assert!(f.check(&format!("{long}x"), "Erika Mustermann").is_none());
        assert!(f.check("customers_name", "Erika Mustermann").is_none());
        assert!(f.check("__", "Erika Mustermann").is_none());
    }

    #[test]
    fn span_is_the_trimmed_value() {
        let f = FieldKinds::default();
        assert_eq!(
            f.check("surname", "  Lovelace ").map(|(_, s, e)| (s, e)),
            Some((2, 10))
        );
    }

    /// The keys of a parsed JSON value, at any depth.
    fn keys_of(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    out.push(k.clone());
                    keys_of(v, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| keys_of(v, out)),
            _ => {}
        }
    }

    /// A raw record may hold a listed field exactly when one of its keys is listed, in any
    /// spelling (`api_key` too, whose first letters `apik` are not in it), whatever its
    /// values say (`first`, `name:` in prose, JSON written into a string); a key with an
    /// escape counts as listed.
    #[test]
    fn raw_records_may_hold_a_listed_field_when_a_key_is_listed() {
        let f = FieldKinds::default();
        let keys = [
            "api_key",
            "API-KEY",
            "apiKey",
            "first_name",
            "First Name",
            "dob",
            "e_mail",
            "content",
            "role",
            "firstly",
            "name_",
            "names",
            "ÉMAIL",
            "api\\u005fkey",
            "x\\\"y",
            "a\\\\",
        ];
        let values = [
            "the first name: Ada",
            "street: 1 Main St",
            "say \\\"dob\\\": no",
            "12:30",
            "\\\"api_key\\\":",
            "{\\\"first_name\\\" : \\\"Ada\\\"}",
            "ends in a backslash \\\\",
            "\\\\\\\"dob\\\\\\\":",
            "",
        ];
        let mut next = crate::testing::xorshift(0x6b65_7973);
        for _ in 0..20_000 {
            let mut rec = String::from("{");
            for i in 0..next() % 4 {
                let key = keys[next() % keys.len()];
                let value = values[next() % values.len()];
                let blank = [" ", "", "\t", "\n "][next() % 4];
                let inner = match next() % 3 {
                    0 => format!("\"{value}\""),
                    1 => format!("[\"{value}\", {{\"role\"{blank}: \"{value}\"}}]"),
                    _ => format!("{{\"content\":\"{value}\"}}"),
                };
                let sep = if i > 0 { "," } else { "" };
                rec.push_str(&format!("{sep}\"{key}\"{blank}:{blank}{inner}"));
            }
            rec.push('}');
            let parsed: serde_json::Value = serde_json::from_str(&rec).expect(&rec);
            let mut found = Vec::new();
            keys_of(&parsed, &mut found);
            let listed = found.iter().any(|k| f.listed(k).is_some());
            // Exact but for keys with an escape, which count as listed.
            let escaped_key = keys.iter().any(|k| k.contains('\\') && rec.contains(k));
            assert_eq!(
                f.may_contain(rec.as_bytes()),
                listed || escaped_key,
                "{rec}"
            );
        }
        assert!(!FieldKinds::none().may_contain(br#"{"name": "Ada Lovelace"}"#));
    }
}
