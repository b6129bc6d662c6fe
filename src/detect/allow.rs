//! Allow lists: values that are never reported. Built-in placeholders (documentation addresses
//! and numbers) are allowed unless switched off; users add exact values and regexes from files.
//!
//! File format, one entry per line (`#` starts a comment line):
//!
//! ```text
//! alice@corp.example          exact value, any kind
//! email:support@corp.example  exact value of one kind
//! /@corp\.example$/           regex on the normalized value, any kind
//! phone:/^\+1800/             regex for one kind
//! ```
//!
//! Exact values compare loosely (letters and digits only, case-folded), so `+1 415 555 2671`
//! allows `(415) 555-2671`; regexes run on the normalized value (lowercased email, E.164 phone,
//! card digits, canonical IP) and on the raw value's letters and digits.

use crate::error::Result;
use crate::rules::entries::{self, Entry};
use regex::Regex;
use std::collections::HashMap;
use std::path::Path;

/// The built-in placeholders: `example.com/.org/.net` addresses, `127.0.0.1`, `0.0.0.0`, `::1`,
/// and the fictional NANP range `555-0100`–`555-0199`.
const PLACEHOLDERS: &[(&str, &str)] = &[
    (
        "email",
        r"^[^@]+@(?:[a-z0-9-]+\.)*example\.(?:com|org|net)$",
    ),
    ("ip_address", r"^(?:127\.0\.0\.1|0\.0\.0\.0|::1)$"),
    ("phone", r"^\+?1?[0-9]{3}55501[0-9]{2}$"),
];

#[derive(Debug, Default)]
pub struct AllowList {
    /// Exact values in their loose form, each with the kinds it is allowed for (`None`: any).
    exact: HashMap<String, Vec<Option<String>>>,
    patterns: Vec<(Option<String>, Regex)>,
}

/// A value's letters and digits, lowercase: the form exact entries are compared in.
fn loose(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Calls `f` with [`loose`]`(s)`, made on the stack for a short ASCII value (most values: the
/// allow list is asked about every finding).
fn with_loose<T>(s: &str, f: impl FnOnce(&str) -> T) -> T {
    let mut buf = [0u8; 128];
    if s.is_ascii() && s.len() <= buf.len() {
        let mut n = 0;
        for b in s.bytes().filter(u8::is_ascii_alphanumeric) {
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        }
        // ASCII letters and digits are UTF-8; for ASCII, `loose` keeps and lowercases the same.
        if let Ok(l) = std::str::from_utf8(&buf[..n]) {
            return f(l);
        }
    }
    f(&loose(s))
}

impl AllowList {
    /// The built-in placeholders.
    pub fn placeholders() -> Self {
        let mut list = AllowList::default();
        for (kind, re) in PLACEHOLDERS {
            let re = Regex::new(re).expect("built-in placeholder patterns compile");
            list.patterns.push((Some(kind.to_string()), re));
        }
        list
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.patterns.is_empty()
    }

    /// Adds the entries of an allow file.
    pub fn load(&mut self, path: &Path) -> Result<()> {
        entries::load(path, |line| self.add(line))
    }

    /// Adds one entry in the file syntax ([`entries`]); blank lines and comments are ignored.
    pub fn add(&mut self, line: &str) -> std::result::Result<(), String> {
        match entries::parse(line)? {
            None => {}
            Some(Entry::Regex { kind, regex }) => {
                let re = Regex::new(regex).map_err(|e| format!("bad regex: {e}"))?;
                self.patterns.push((kind.map(str::to_string), re));
            }
            Some(Entry::Exact { kind, value }) => {
                let value = loose(value);
                if value.is_empty() {
                    return Err("empty value".into());
                }
                let kinds = self.exact.entry(value).or_default();
                let kind = kind.map(str::to_string);
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
        }
        Ok(())
    }

    /// Whether a finding of `kind` with this raw and normalized value is allowed. Asked about
    /// every finding: it allocates nothing for a short ASCII value.
    pub fn allows(&self, kind: &str, raw: &str, normalized: &str) -> bool {
        let listed = |v: &str| {
            self.exact
                .get(v)
                .is_some_and(|kinds| kinds.iter().any(|k| k.as_deref().is_none_or(|k| k == kind)))
        };
        let patterns = || {
            self.patterns
                .iter()
                .filter(|(k, _)| k.as_deref().is_none_or(|k| k == kind))
                .map(|(_, re)| re)
        };
        if self.exact.is_empty() && patterns().next().is_none() {
            return false;
        }
        // The raw value's loose form is made once, for the exact entries and the patterns.
        with_loose(raw, |raw| {
            (!self.exact.is_empty() && (listed(raw) || with_loose(normalized, listed)))
                || patterns().any(|re| re.is_match(normalized) || re.is_match(raw))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        let a = AllowList::placeholders();
        assert!(a.allows("email", "John@Example.com", "john@example.com"));
        assert!(a.allows("email", "x@mail.example.org", "x@mail.example.org"));
        assert!(!a.allows("email", "x@example.co", "x@example.co"));
        assert!(!a.allows("email", "x@notexample.com", "x@notexample.com"));
        assert!(a.allows("ip_address", "127.0.0.1", "127.0.0.1"));
        assert!(a.allows("ip_address", "::1", "::1"));
        assert!(!a.allows("ip_address", "127.0.0.2", "127.0.0.2"));
        assert!(a.allows("phone", "(212) 555-0147", "+12125550147"));
        assert!(!a.allows("phone", "(212) 555-0247", "+12125550247"));
        assert!(
            a.allows("phone", "(555) 555-0123", "+555555550123"),
            "whatever region validated it"
        );
        assert!(
            !a.allows("email", "127.0.0.1", "127.0.0.1"),
            "kinds are kept apart"
        );
    }

    #[test]
    fn user_entries() {
        let mut a = AllowList::default();
        for line in [
            "# team addresses",
            "",
            "+1 415 555 2671",
            "email:Support@Corp.io",
            "/^anna\\./",
            "ip_address:/^10\\./",
        ] {
            a.add(line).unwrap();
        }
        assert!(a.allows("phone", "(415) 555-2671", "+14155552671"));
        assert!(a.allows("email", "support@corp.io", "support@corp.io"));
        assert!(
            !a.allows("phone", "support@corp.io", "support@corp.io"),
            "kind-specific"
        );
        assert!(a.allows("email", "anna.berg@x.de", "anna.berg@x.de"));
        assert!(a.allows("ip_address", "10.1.2.3", "10.1.2.3"));
        assert!(!a.allows("ip_address", "11.1.2.3", "11.1.2.3"));
        assert!(a.add("/(/").is_err());
        let mut v6 = AllowList::default();
        v6.add("fe80::1").unwrap();
        assert!(
            v6.allows("ip_address", "fe80::1", "fe80::1"),
            "an IPv6 value is not a kind prefix"
        );
    }

    /// The loose form made on the stack is the one made in a `String`: for ASCII values short
    /// and long (past the buffer), and for values with other characters.
    #[test]
    fn loose_forms_agree() {
        let long = "Ab-1.".repeat(40);
        let values = [
            "",
            "John.Doe@Example.COM",
            "+1 (415) 555-2671",
            "--..--",
            long.as_str(),
            "Jürgen.Groß@Straße.de",
            "ΑΒΓ-123",
        ];
        for v in values {
            assert_eq!(with_loose(v, str::to_string), loose(v), "{v:?}");
        }
        assert_eq!(with_loose("Jo.Hansen@X.no", str::to_string), "johansenxno");
        let mut a = AllowList::default();
        a.add(&long).unwrap();
        a.add("email:Jürgen.Groß@Straße.de").unwrap();
        assert!(a.allows("phone", &long.to_uppercase(), "x"));
        assert!(a.allows("email", "jürgen.groß@straße.de", "x"));
        assert!(
            !a.allows("phone", "jürgen.groß@straße.de", "x"),
            "kind-specific"
        );
    }
}
