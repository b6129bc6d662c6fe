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
use std::collections::HashSet;
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
    exact: HashSet<(Option<String>, String)>,
    patterns: Vec<(Option<String>, Regex)>,
}

fn loose(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
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
                self.exact.insert((kind.map(str::to_string), value));
            }
        }
        Ok(())
    }

    /// Whether a finding of `kind` with this raw and normalized value is allowed.
    pub fn allows(&self, kind: &str, raw: &str, normalized: &str) -> bool {
        if !self.exact.is_empty() {
            for v in [loose(raw), loose(normalized)] {
                if self.exact.contains(&(None, v.clone()))
                    || self.exact.contains(&(Some(kind.to_string()), v))
                {
                    return true;
                }
            }
        }
        if self.patterns.is_empty() {
            return false;
        }
        let raw = loose(raw);
        self.patterns.iter().any(|(k, re)| {
            k.as_deref().is_none_or(|k| k == kind) && (re.is_match(normalized) || re.is_match(&raw))
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
}
