//! `piiscan eval`: the matching rule and the counts, on a tiny hand-checked case.

mod common;
use common::*;

#[test]
fn counts_follow_the_matching_rule() {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels.jsonl");
    std::fs::write(
        &labels,
        [
            r#"{"file": "chat.jsonl", "line": 1, "type": "PHONE", "value": "+44 20 7946 0958"}"#,
            r#"{"file": "chat.jsonl", "line": 1, "type": "EMAIL", "value": "a.b@mail.de"}"#,
            r#"{"file": "chat.jsonl", "line": 2, "type": "CARD", "value": "4111 1111 1111 1111"}"#,
            r#"{"file": "chat.jsonl", "line": 3, "type": "EMAIL", "value": "x@example.com", "placeholder": true}"#,
            r#"{"file": "data.parquet", "line": 0, "type": "IP", "value": "81.169.145.12"}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let findings = dir.path().join("findings.jsonl");
    std::fs::write(
        &findings,
        [
            // TP: a partial overlap covering half of each value.
            r#"{"path": "data/chat.jsonl", "line": 1, "kind": "phone", "value": "20 7946 0958"}"#,
            // TP, then a duplicate of the same occurrence: FP.
            r#"{"path": "data/chat.jsonl", "line": 1, "kind": "email", "value": "mailto:a.b@mail.de"}"#,
            r#"{"path": "data/chat.jsonl", "line": 1, "kind": "email", "value": "a.b@mail.de"}"#,
            // A fragment of less than half the card: FP, and the card is an FN. (8 of 16
            // digits would be exactly half, which matches.)
            r#"{"path": "data/chat.jsonl", "line": 2, "kind": "payment_card", "value": "4111 111"}"#,
            // Only matches an ignored placeholder: not counted.
            r#"{"path": "data/chat.jsonl", "line": 3, "kind": "email", "value": "x@example.com"}"#,
            // Parquet rows match `line`.
            r#"{"path": "data/data.parquet", "row": 0, "kind": "ip_address", "value": "81.169.145.12"}"#,
            r#"{"path": "data/chat.jsonl", "line": 4, "kind": "secret", "value": "AKIA..."}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let r = run(&[
        "eval",
        findings.to_str().unwrap(),
        "--labels",
        labels.to_str().unwrap(),
        "--ignore-placeholders",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let row = |t: &str| -> Vec<String> {
        let line = r
            .stdout
            .lines()
            .find(|l| l.starts_with(t))
            .unwrap_or_else(|| panic!("{t}: {}", r.stdout));
        line.split_whitespace()
            .skip(1)
            .take(5)
            .map(String::from)
            .collect()
    };
    // labels, found, TP, FP, FN
    assert_eq!(row("PHONE"), ["1", "1", "1", "0", "0"]);
    assert_eq!(row("EMAIL"), ["1", "2", "1", "1", "0"]);
    assert_eq!(row("CARD"), ["1", "1", "0", "1", "1"]);
    assert_eq!(row("IP"), ["1", "1", "1", "0", "0"]);
    assert_eq!(row("micro"), ["4", "5", "3", "2", "1"]);
    assert!(r.stdout.contains("other kinds (not scored): secret=1"));
}

#[test]
fn scores_a_real_scan_of_the_labelled_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("f.json");
    let scan = run(&[
        "scan",
        "-q",
        "--format",
        "json",
        "--show-values",
        "-o",
        out.to_str().unwrap(),
        "fixtures/labeled/records.jsonl",
    ]);
    assert_eq!(scan.code, 1);
    let r = run(&[
        "eval",
        out.to_str().unwrap(),
        "--labels",
        "fixtures/labeled/labels.jsonl",
    ]);
    assert_eq!(r.code, 0);
    let micro = r.stdout.lines().find(|l| l.starts_with("micro")).unwrap();
    let recall: f64 = micro.split_whitespace().nth(7).unwrap().parse().unwrap();
    assert!(recall >= 0.95, "{}", r.stdout);
}
