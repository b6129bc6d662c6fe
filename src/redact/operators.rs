//! What a redacted value becomes: a type tag (`<EMAIL>`, or `<EMAIL_1>` numbered per distinct
//! value within a file), a mask that keeps a tail (`**** **** **** 4242`), a keyed pseudonym
//! (`<EMAIL_3fa9…>`, the finding's fingerprint, stable across files and runs), or the removal
//! of the whole record.

use crate::findings::FingerprintKey;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Replace,
    Mask,
    Hash,
    DropRecord,
}

impl FromStr for Operator {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "replace" => Ok(Operator::Replace),
            "mask" => Ok(Operator::Mask),
            "hash" => Ok(Operator::Hash),
            "drop-record" => Ok(Operator::DropRecord),
            _ => Err(format!(
                "unknown operator '{s}' (replace, mask, hash, drop-record)"
            )),
        }
    }
}

/// How each kind is redacted.
#[derive(Clone)]
pub struct Policy {
    pub default: Operator,
    pub per_kind: BTreeMap<String, Operator>,
    /// Only these kinds are redacted (all when `None`).
    pub kinds: Option<Vec<String>>,
    /// Records holding any of these kinds are dropped, whatever the operator.
    pub drop_records_with: Vec<String>,
    /// `<EMAIL_1>` instead of `<EMAIL>`.
    pub numbered: bool,
    /// Alphanumerics `mask` keeps at the end (else: card, IBAN, SSN 4; phone 2; others 0).
    pub keep_tail: Option<usize>,
    pub key: FingerprintKey,
}

/// What to do with one finding.
pub enum Action {
    Keep,
    Replace(String),
    DropRecord,
}

/// Per-file state: the numbers handed out by `--numbered`.
#[derive(Default)]
pub struct FileState {
    numbers: HashMap<(String, String), usize>,
    next: HashMap<String, usize>,
}

impl Policy {
    pub fn operator_for(&self, kind: &str) -> Option<Operator> {
        if self.drop_records_with.iter().any(|k| k == kind) {
            return Some(Operator::DropRecord);
        }
        if self
            .kinds
            .as_ref()
            .is_some_and(|ks| !ks.iter().any(|k| k == kind))
        {
            return None;
        }
        Some(*self.per_kind.get(kind).unwrap_or(&self.default))
    }

    /// What `raw` (normalized `normalized`) of `kind` becomes.
    pub fn act(&self, kind: &str, raw: &str, normalized: &str, state: &mut FileState) -> Action {
        let tag = kind.to_ascii_uppercase();
        match self.operator_for(kind) {
            None => Action::Keep,
            Some(Operator::DropRecord) => Action::DropRecord,
            Some(Operator::Replace) if self.numbered => {
                let key = (kind.to_string(), normalized.to_string());
                let n = match state.numbers.get(&key) {
                    Some(&n) => n,
                    None => {
                        let next = state.next.entry(kind.to_string()).or_insert(0);
                        *next += 1;
                        state.numbers.insert(key, *next);
                        *next
                    }
                };
                Action::Replace(format!("<{tag}_{n}>"))
            }
            Some(Operator::Replace) => Action::Replace(format!("<{tag}>")),
            Some(Operator::Hash) => Action::Replace(format!(
                "<{tag}_{}>",
                self.key.fingerprint(kind, normalized)
            )),
            Some(Operator::Mask) => {
                let keep = self.keep_tail.unwrap_or(match kind {
                    "payment_card" | "iban" | "us_ssn" => 4,
                    "phone" => 2,
                    _ => 0,
                });
                Action::Replace(mask_keeping_tail(raw, keep))
            }
        }
    }
}

/// Every letter and digit becomes `*` except the last `keep` of them; separators stay.
pub fn mask_keeping_tail(raw: &str, keep: usize) -> String {
    let total = raw.chars().filter(|c| c.is_alphanumeric()).count();
    let mut seen = 0;
    raw.chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                return c;
            }
            seen += 1;
            if seen > total.saturating_sub(keep) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(default: Operator) -> Policy {
        Policy {
            default,
            per_kind: BTreeMap::new(),
            kinds: None,
            drop_records_with: Vec::new(),
            numbered: false,
            keep_tail: None,
            key: FingerprintKey::secret(b"k"),
        }
    }

    fn text(a: Action) -> String {
        match a {
            Action::Replace(s) => s,
            Action::Keep => "KEEP".into(),
            Action::DropRecord => "DROP".into(),
        }
    }

    #[test]
    fn masks_keep_their_tail_and_separators() {
        assert_eq!(
            mask_keeping_tail("4242 4242 4242 4242", 4),
            "**** **** **** 4242"
        );
        assert_eq!(
            mask_keeping_tail("+1 (415) 555-2671", 2),
            "+* (***) ***-**71"
        );
        assert_eq!(mask_keeping_tail("jo@x.io", 0), "**@*.**");
        let p = policy(Operator::Mask);
        let mut st = FileState::default();
        assert_eq!(
            text(p.act(
                "payment_card",
                "4242-4242-4242-4242",
                "4242424242424242",
                &mut st
            )),
            "****-****-****-4242"
        );
    }

    #[test]
    fn numbered_tags_are_per_distinct_value() {
        let mut p = policy(Operator::Replace);
        p.numbered = true;
        let mut st = FileState::default();
        let mut tag = |k: &str, v: &str| text(p.act(k, v, v, &mut st));
        assert_eq!(tag("email", "a@x.io"), "<EMAIL_1>");
        assert_eq!(tag("email", "b@x.io"), "<EMAIL_2>");
        assert_eq!(tag("email", "a@x.io"), "<EMAIL_1>");
        assert_eq!(tag("phone", "+1"), "<PHONE_1>");
    }

    #[test]
    fn hashes_are_keyed_and_stable() {
        let p = policy(Operator::Hash);
        let mut st = FileState::default();
        let a = text(p.act("email", "A@x.io", "a@x.io", &mut st));
        let b = text(p.act("email", "a@X.io", "a@x.io", &mut st));
        assert_eq!(a, b);
        assert_eq!(
            a,
            format!("<EMAIL_{}>", p.key.fingerprint("email", "a@x.io"))
        );
        let other = Policy {
            key: FingerprintKey::secret(b"other"),
            ..policy(Operator::Hash)
        };
        assert_ne!(a, text(other.act("email", "A@x.io", "a@x.io", &mut st)));
    }

    #[test]
    fn kinds_and_drop_lists() {
        let mut p = policy(Operator::Replace);
        p.kinds = Some(vec!["email".into()]);
        p.drop_records_with = vec!["payment_card".into()];
        let mut st = FileState::default();
        assert_eq!(text(p.act("phone", "x", "x", &mut st)), "KEEP");
        assert_eq!(text(p.act("email", "x", "x", &mut st)), "<EMAIL>");
        assert_eq!(text(p.act("payment_card", "x", "x", &mut st)), "DROP");
    }
}
