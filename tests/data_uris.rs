//! Data URIs (`data:image/png;base64,…`, as in OpenAI-style vision fine-tuning files): their
//! base64 payloads are not scanned unless `--scan-data-uris` (or the config) asks, and a
//! redacted copy keeps them byte for byte.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

/// Base64 with an AWS key id in it that is not glued to the rest (`+` and `/` around it): a
/// coincidence of the alphabet that a scan of the payload reports.
const PAYLOAD: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+AKIAQWERTYUIOPASDFG2/YPhfDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

fn vision_jsonl(dir: &Path) -> String {
    let record = serde_json::json!({"messages": [
        {"role": "user", "content": [
            {"type": "text", "text": "Receipt for bob@corp.com, what is the total?"},
            {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{PAYLOAD}")}}
        ]},
        {"role": "assistant", "content": "The total is 41.90 EUR."}
    ]});
    let path = dir.join("vision.jsonl");
    std::fs::write(&path, format!("{record}\n{record}\n")).unwrap();
    path.to_string_lossy().into_owned()
}

/// (line, field, kind, value) of each finding.
fn found(report: &Value) -> Vec<(u64, String, String, String)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["field"].as_str().unwrap().to_string(),
                f["kind"].as_str().unwrap().to_string(),
                f["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn email(line: u64) -> (u64, String, String, String) {
    (
        line,
        "messages[0].content[0].text".into(),
        "email".into(),
        "bob@corp.com".into(),
    )
}

fn key(line: u64) -> (u64, String, String, String) {
    (
        line,
        "messages[0].content[1].image_url.url".into(),
        "secret".into(),
        "AKIAQWERTYUIOPASDFG2".into(),
    )
}

#[test]
fn payloads_are_skipped_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let input = vision_jsonl(dir.path());
    let (report, code) = scan_json(&["--show-values", &input]);
    assert_eq!(code, 1);
    assert_eq!(found(&report), [email(1), email(2)]);
    // The summary says how much was not searched.
    let skipped = 2 * PAYLOAD.len() as u64;
    assert_eq!(report["summary"]["data_uri_bytes_skipped"], skipped);
    let text = run(&["scan", &input]);
    assert!(
        text.stdout
            .contains(&format!("{skipped} bytes of data URI payloads")),
        "{}",
        text.stdout
    );

    let (report, code) = scan_json(&["--show-values", "--scan-data-uris", &input]);
    assert_eq!(code, 1);
    assert_eq!(found(&report), [email(1), key(1), email(2), key(2)]);
    assert_eq!(report["summary"]["data_uri_bytes_skipped"], 0);
    // The offsets of a finding in a payload are those of the whole string.
    let f = &findings(&report)[1];
    let url = format!("data:image/png;base64,{PAYLOAD}");
    let at = url.find("AKIA").unwrap() as u64;
    assert_eq!(
        (f["start"].as_u64(), f["end"].as_u64()),
        (Some(at), Some(at + 20))
    );

    let config = dir.path().join("piiscan.toml");
    std::fs::write(&config, "scan_data_uris = true\n").unwrap();
    let (report, _) = scan_json(&[
        "--show-values",
        "--config",
        config.to_str().unwrap(),
        &input,
    ]);
    assert_eq!(found(&report), [email(1), key(1), email(2), key(2)]);
}

#[test]
fn payloads_in_text_lines_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("page.md");
    std::fs::write(
        &input,
        format!("Contact ![logo](data:image/png;base64,{PAYLOAD}) bob@corp.com\n"),
    )
    .unwrap();
    let input = input.to_str().unwrap();
    let values = |args: &[&str]| -> Vec<String> {
        let (report, _) = scan_json(args);
        findings(&report)
            .iter()
            .map(|f| f["value"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(values(&["--show-values", input]), ["bob@corp.com"]);
    // Offsets after a payload are those of the whole line.
    let (report, _) = scan_json(&[input]);
    let line = std::fs::read_to_string(input).unwrap();
    let at = line.find("bob@corp.com").unwrap() as u64;
    assert_eq!(findings(&report)[0]["start"], at);
    assert_eq!(findings(&report)[0]["end"], at + 12);
    assert_eq!(
        values(&["--show-values", "--scan-data-uris", input]),
        ["AKIAQWERTYUIOPASDFG2", "bob@corp.com"]
    );
}

#[test]
fn redacted_copies_keep_payloads_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let input = vision_jsonl(dir.path());
    let out = dir.path().join("clean");
    let r = run(&["redact", &input, "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let clean = String::from_utf8(read(out.join("vision.jsonl"))).unwrap();
    for line in clean.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let parts = &record["messages"][0]["content"];
        assert_eq!(
            parts[1]["image_url"]["url"],
            format!("data:image/png;base64,{PAYLOAD}")
        );
        let text = parts[0]["text"].as_str().unwrap();
        assert!(
            !text.contains("bob@corp.com") && text.starts_with("Receipt for <"),
            "{text}"
        );
    }
}

#[test]
fn a_malformed_record_counts_its_payload_once() {
    // The record is scanned as JSON up to the error, then again as text.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.jsonl");
    std::fs::write(
        &input,
        format!(
            "{{\"url\": \"data:image/png;base64,{PAYLOAD}\"}}\n\
             {{\"url\": \"data:image/png;base64,{PAYLOAD}\", \"mail\": \"bob@corp.com\" oops}}\n"
        ),
    )
    .unwrap();
    let (report, code) = scan_json(&["--show-values", input.to_str().unwrap()]);
    assert_eq!(code, 2, "a malformed record is an error");
    let found = findings(&report);
    let values: Vec<&str> = found.iter().map(|f| f["value"].as_str().unwrap()).collect();
    assert_eq!(values, ["bob@corp.com"]);
    assert_eq!(
        report["summary"]["data_uri_bytes_skipped"],
        2 * PAYLOAD.len() as u64
    );
}

#[test]
fn a_field_named_like_personal_data_is_not_reported_whole_for_a_payload() {
    // The field name would report the whole value; a finding never holds a payload byte, so
    // only the rules search the text around it.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("fields.jsonl");
    std::fs::write(
        &input,
        format!("{{\"password\": \"data:;base64,{PAYLOAD}\"}}\n{{\"password\": \"hunter2!\"}}\n"),
    )
    .unwrap();
    let (report, _) = scan_json(&["--show-values", input.to_str().unwrap()]);
    let lines: Vec<u64> = findings(&report)
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2]);
}

#[test]
fn a_redacted_header_keeps_its_payload() {
    // The card in the header (`name=<CREDIT_CARD>`) is replaced in the first pass; later passes and a scan of the
    // clean copy still cut the payload out (and so do not report the key inside it).
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doc.jsonl");
    let url = format!("data:application/pdf;name=4111111111111111;base64,{PAYLOAD}");
    std::fs::write(&input, format!("{}\n", serde_json::json!({ "file": url }))).unwrap();
    let out = dir.path().join("clean");
    let r = run(&[
        "redact",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let clean: Value = serde_json::from_slice(&read(out.join("doc.jsonl"))).unwrap();
    let file = clean["file"].as_str().unwrap();
    assert!(!file.contains("4111111111111111"), "{file}");
    assert!(file.ends_with(&format!(";base64,{PAYLOAD}")), "{file}");
    let (report, code) = scan_json(&[out.join("doc.jsonl").to_str().unwrap()]);
    assert_eq!((code, findings(&report).len()), (0, 0), "{report}");
}
