//! Detection quality on the project's own labelled records (`fixtures/labeled`, built by
//! `make_labeled.py` from `source.txt`): per-kind precision and recall must stay at or above
//! the floor. Matching: same line and kind, equal values after dropping everything but letters
//! and digits, one finding per label.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;

const FLOOR: f64 = 0.95;

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[test]
fn labelled_records_meet_the_precision_and_recall_floor() {
    let (report, _) = scan_json(&["--show-values", "fixtures/labeled/records.jsonl"]);
    // Kinds the labels cover (the mapping `piiscan eval` uses); others (mac_address, secret,
    // …) are not scored here.
    let kind_of = piiscan::eval::label_type;
    let mut found: Vec<(u64, &str, String)> = findings(&report)
        .iter()
        .filter_map(|f| {
            Some((
                f["line"].as_u64().unwrap(),
                kind_of(f["kind"].as_str().unwrap())?,
                norm(f["value"].as_str().unwrap()),
            ))
        })
        .collect();
    let labels: Vec<Value> = String::from_utf8(read(root().join("fixtures/labeled/labels.jsonl")))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(labels.len() > 80);
    let mut tp: BTreeMap<&str, f64> = BTreeMap::new();
    let mut n_labels: BTreeMap<&str, f64> = BTreeMap::new();
    let mut missed = Vec::new();
    for l in &labels {
        let kind = l["type"].as_str().unwrap();
        *n_labels.entry(kind).or_default() += 1.0;
        let key = (
            l["line"].as_u64().unwrap(),
            kind,
            norm(l["value"].as_str().unwrap()),
        );
        match found.iter().position(|f| *f == key) {
            Some(i) => {
                found.swap_remove(i);
                *tp.entry(kind).or_default() += 1.0;
            }
            None => missed.push(l["value"].clone()),
        }
    }
    let mut fp: BTreeMap<&str, f64> = BTreeMap::new();
    for (_, kind, _) in &found {
        *fp.entry(kind).or_default() += 1.0;
    }
    for (kind, n) in &n_labels {
        let t = tp.get(kind).copied().unwrap_or(0.0);
        let f = fp.get(kind).copied().unwrap_or(0.0);
        let (precision, recall) = (t / (t + f).max(1.0), t / n);
        assert!(
            precision >= FLOOR && recall >= FLOOR,
            "{kind}: precision {precision:.3}, recall {recall:.3}; missed {missed:?}; false positives {found:?}"
        );
    }
}

#[test]
fn labelled_fixture_is_generated_from_its_source() {
    // records.jsonl must be what make_labeled.py writes: one record per non-comment line.
    let source = String::from_utf8(read(root().join("fixtures/labeled/source.txt"))).unwrap();
    let records = source
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count();
    let written = String::from_utf8(read(root().join("fixtures/labeled/records.jsonl"))).unwrap();
    assert_eq!(
        written.lines().count(),
        records,
        "run fixtures/labeled/make_labeled.py"
    );
}
