//! `piiscan eval`: precision, recall and F1 per kind of a findings file against labels.
//!
//! Labels are JSON Lines `{"file", "line", "type", "value", "placeholder"?}` (`line` is the
//! 1-based line for line formats, the 0-based row for Parquet). Findings are piiscan's JSON
//! Lines or JSON report, scanned with `--show-values`. A finding matches a label when the file
//! base names, the line (or row) and the type agree and the values overlap: with case folded
//! and everything but letters and digits removed, their longest common substring covers at
//! least half of each (`+44 20 7946 0958` found as `20 7946 0958` matches). Matching is one to
//! one, best overlap first; duplicates are false positives.

use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

/// The label type a finding kind is scored as (`None`: not scored).
pub fn label_type(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "email" => "EMAIL",
        "phone" => "PHONE",
        "ip_address" => "IP",
        "payment_card" => "CARD",
        "iban" => "IBAN",
        "us_ssn" => "SSN",
        "uk_nino" => "NINO",
        "date_of_birth" => "DOB",
        "street_address" => "ADDRESS",
        _ => return None,
    })
}

#[derive(Debug, Clone)]
struct Item {
    file: String,
    line: u64,
    kind: String,
    value: String,
}

/// Counts for one type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The result of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub by_type: BTreeMap<String, Counts>,
    /// Findings of kinds that have no label type, by kind.
    pub other_kinds: BTreeMap<String, u64>,
}

impl Report {
    pub fn micro(&self) -> Counts {
        self.by_type
            .values()
            .fold(Counts::default(), |a, c| Counts {
                tp: a.tp + c.tp,
                fp: a.fp + c.fp,
                fn_: a.fn_ + c.fn_,
            })
    }

    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{:<8} {:>7} {:>7} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}\n",
            "type", "labels", "found", "TP", "FP", "FN", "P", "R", "F1"
        );
        let row = |out: &mut String, name: &str, c: &Counts| {
            let _ = writeln!(
                out,
                "{:<8} {:>7} {:>7} {:>6} {:>6} {:>6} {:>7.3} {:>7.3} {:>7.3}",
                name,
                c.tp + c.fn_,
                c.tp + c.fp,
                c.tp,
                c.fp,
                c.fn_,
                c.precision(),
                c.recall(),
                c.f1()
            );
        };
        for (t, c) in &self.by_type {
            row(&mut out, t, c);
        }
        row(&mut out, "micro", &self.micro());
        if !self.other_kinds.is_empty() {
            let others: Vec<String> = self
                .other_kinds
                .iter()
                .map(|(k, n)| format!("{k}={n}"))
                .collect();
            let _ = writeln!(out, "other kinds (not scored): {}", others.join(", "));
        }
        out
    }
}

fn norm(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn longest_common_substring(a: &[char], b: &[char]) -> usize {
    let mut best = 0;
    let mut prev = vec![0usize; b.len() + 1];
    for x in a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            if x == y {
                cur[j + 1] = prev[j] + 1;
                best = best.max(cur[j + 1]);
            }
        }
        prev = cur;
    }
    best
}

/// How well two values overlap (0 when they do not match under the rule above).
fn overlap(a: &str, b: &str) -> f64 {
    let (a, b) = (norm(a), norm(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let l = longest_common_substring(&a, &b);
    if 2 * l >= a.len() && 2 * l >= b.len() {
        l as f64 / a.len().max(b.len()) as f64
    } else {
        0.0
    }
}

fn base_name(p: &str) -> String {
    Path::new(p)
        .file_name()
        .map_or_else(|| p.to_string(), |n| n.to_string_lossy().into_owned())
}

/// A `--format json` report's `findings`, or the objects of a JSON Lines file.
fn read_json_values(path: &Path) -> Result<Vec<Value>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    if let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(&text) {
        if let Some(Value::Array(items)) = doc.get("findings") {
            return Ok(items.clone());
        }
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|e| Error::Config(format!("{}:{}: not JSON: {e}", path.display(), i + 1)))
        })
        .collect()
}

/// Findings and labels are compared within one (file, line or row, type).
type GroupKey = (String, u64, String);

/// Scores `findings` (a piiscan report) against `labels`.
pub fn evaluate(findings: &Path, labels: &Path, ignore_placeholders: bool) -> Result<Report> {
    let mut report = Report::default();
    let mut expected: Vec<Item> = Vec::new();
    let mut placeholders: Vec<Item> = Vec::new();
    for l in read_json_values(labels)? {
        let item = Item {
            file: base_name(l["file"].as_str().unwrap_or_default()),
            line: l["line"].as_u64().unwrap_or(0),
            kind: l["type"].as_str().unwrap_or_default().to_string(),
            value: l["value"].as_str().unwrap_or_default().to_string(),
        };
        if ignore_placeholders && l["placeholder"] == true {
            placeholders.push(item);
        } else {
            expected.push(item);
        }
    }
    // Types the labels never use are not scored (a corpus without DOB labels says nothing
    // about dates of birth); they are counted with the other kinds.
    let label_types: std::collections::HashSet<&str> = expected
        .iter()
        .chain(&placeholders)
        .map(|l| l.kind.as_str())
        .collect();
    let mut found: Vec<Item> = Vec::new();
    for f in read_json_values(findings)? {
        let kind = f["kind"].as_str().unwrap_or_default();
        let Some(t) = label_type(kind).filter(|t| label_types.contains(t)) else {
            *report.other_kinds.entry(kind.to_string()).or_default() += 1;
            continue;
        };
        let line = f["line"]
            .as_u64()
            .or_else(|| f["row"].as_u64())
            .unwrap_or(0);
        found.push(Item {
            file: base_name(f["path"].as_str().unwrap_or_default()),
            line,
            kind: t.to_string(),
            value: f["value"].as_str().unwrap_or_default().to_string(),
        });
    }
    let label_files: std::collections::HashSet<&str> = expected
        .iter()
        .chain(&placeholders)
        .map(|l| l.file.as_str())
        .collect();
    // Findings in files the labels do not cover (the labels file itself…) are not scored.
    found.retain(|f| label_files.contains(f.file.as_str()));

    let mut groups: HashMap<GroupKey, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (i, f) in found.iter().enumerate() {
        groups
            .entry((f.file.clone(), f.line, f.kind.clone()))
            .or_default()
            .0
            .push(i);
    }
    for (i, l) in expected.iter().enumerate() {
        groups
            .entry((l.file.clone(), l.line, l.kind.clone()))
            .or_default()
            .1
            .push(i);
    }
    for ((_, _, kind), (fs, ls)) in groups {
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for &f in &fs {
            for &l in &ls {
                let o = overlap(&found[f].value, &expected[l].value);
                if o > 0.0 {
                    pairs.push((o, f, l));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (mut used_f, mut used_l) = (Vec::new(), Vec::new());
        for (_, f, l) in pairs {
            if !used_f.contains(&f) && !used_l.contains(&l) {
                used_f.push(f);
                used_l.push(l);
            }
        }
        // A finding that only matches an ignored placeholder is neither right nor wrong.
        let unmatched_f = fs
            .iter()
            .filter(|f| !used_f.contains(f))
            .filter(|&&f| {
                !placeholders.iter().any(|p| {
                    p.file == found[f].file
                        && p.line == found[f].line
                        && p.kind == kind
                        && overlap(&found[f].value, &p.value) > 0.0
                })
            })
            .count();
        let c = report.by_type.entry(kind).or_default();
        c.tp += used_f.len() as u64;
        c.fp += unmatched_f as u64;
        c.fn_ += (ls.len() - used_l.len()) as u64;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_rule() {
        assert!(overlap("+44 20 7946 0958", "20 7946 0958") > 0.0);
        assert!(overlap("mailto:john.doe@mail.de", "john.doe@mail.de") > 0.0);
        assert_eq!(
            overlap("mailto:a@b.de", "a@b.de"),
            0.0,
            "`mailto` is more than half"
        );
        assert_eq!(
            overlap("4111 111", "4111 1111 1111 1111"),
            0.0,
            "less than half"
        );
        assert!(
            overlap("4111 1111", "4111 1111 1111 1111") > 0.0,
            "exactly half matches"
        );
        assert_eq!(
            overlap("write to a@b.de please now", "a@b.de"),
            0.0,
            "a sentence"
        );
        assert_eq!(overlap("x", ""), 0.0);
    }

    #[test]
    fn counts_and_ratios() {
        let c = Counts {
            tp: 8,
            fp: 2,
            fn_: 2,
        };
        assert!((c.precision() - 0.8).abs() < 1e-9 && (c.recall() - 0.8).abs() < 1e-9);
        assert!((c.f1() - 0.8).abs() < 1e-9);
        assert_eq!(Counts::default().f1(), 0.0);
    }
}
