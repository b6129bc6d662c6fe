//! JSON Lines: fields, escapes, keys, malformed records, exact offsets.

mod common;
use common::*;
use serde_json::Value;

fn chat() -> (Vec<Value>, Value, i32) {
    let (report, code) = scan_json(&["--show-values", "fixtures/chat/finetune.jsonl"]);
    (findings(&report), report, code)
}

/// The decoded string the finding points into: line `line`, field path `field`.
fn field_text(file: &str, line: u64, field: &str) -> String {
    let text = String::from_utf8(read(root().join(file))).unwrap();
    let record: Value = serde_json::from_str(text.lines().nth(line as usize - 1).unwrap()).unwrap();
    let mut cur = &record;
    for part in field
        .replace('[', ".")
        .replace(']', "")
        .split('.')
        .filter(|p| !p.is_empty())
    {
        cur = match part.parse::<usize>() {
            Ok(i) => &cur[i],
            Err(_) => &cur[part],
        };
    }
    cur.as_str().expect("string field").to_string()
}

#[test]
fn findings_carry_path_line_field_kind_and_offsets() {
    let (fs, _, code) = chat();
    assert_eq!(code, 2, "line 6 is malformed: errors win over findings");
    let f = by_value(&fs, "lea.dubois@orange.fr");
    assert_eq!(f["path"], "fixtures/chat/finetune.jsonl");
    assert_eq!(f["line"], 1);
    assert_eq!(f["field"], "messages[1].content");
    assert_eq!(f["kind"], "email");
    assert_eq!(f["rule"], "email");
    assert_eq!(f["confidence"], "high");
    // Code-point offsets inside the decoded field.
    let text = field_text("fixtures/chat/finetune.jsonl", 1, "messages[1].content");
    let (s, e) = (
        f["start"].as_u64().unwrap() as usize,
        f["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        text.chars().skip(s).take(e - s).collect::<String>(),
        "lea.dubois@orange.fr"
    );
    // Byte offsets in the file.
    let bytes = read(root().join("fixtures/chat/finetune.jsonl"));
    let (bs, be) = (
        f["byte_start"].as_u64().unwrap() as usize,
        f["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&bytes[bs..be], b"lea.dubois@orange.fr");
}

#[test]
fn escapes_are_decoded_before_matching() {
    let (fs, _, _) = chat();
    // "Line one\nbob.smith\u0040gmx.net": not "nbob.smith@…", and found through \u0040.
    let f = by_value(&fs, "bob.smith@gmx.net");
    assert_eq!(f["line"], 3);
    assert_eq!(f["start"], 9, "after 'Line one' and the decoded newline");
    let bytes = read(root().join("fixtures/chat/finetune.jsonl"));
    let (bs, be) = (
        f["byte_start"].as_u64().unwrap() as usize,
        f["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &bytes[bs..be],
        br"bob.smith\u0040gmx.net",
        "raw span covers the escape"
    );
    assert!(!fs
        .iter()
        .any(|f| f["value"].as_str().unwrap().starts_with("nbob")));
}

#[test]
fn unicode_offsets_count_code_points() {
    let (fs, _, _) = chat();
    let f = by_value(&fs, "juergen.weiss@web.de");
    let text = field_text("fixtures/chat/finetune.jsonl", 4, "messages[0].content");
    let (s, e) = (
        f["start"].as_u64().unwrap() as usize,
        f["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        text.chars().skip(s).take(e - s).collect::<String>(),
        "juergen.weiss@web.de"
    );
    assert!(
        text.find("juergen").unwrap() > s,
        "the emoji and umlauts are multi-byte"
    );
}

#[test]
fn nested_fields_and_array_indices() {
    let (fs, _, _) = chat();
    assert_eq!(by_value(&fs, "81.169.145.12")["field"], "meta.client_ip");
    let v6 = by_value(&fs, "2a02:8106:21:6f03::1");
    assert_eq!(v6["field"], "meta.tags[1]");
    assert_eq!(v6["kind"], "ip_address");
    assert_eq!(v6["rule"], "ipv6");
}

#[test]
fn keys_are_scanned_and_masked_in_paths() {
    let (fs, _, _) = chat();
    let key = by_value(&fs, "anna.berg@posteo.de");
    assert_eq!(key["in_key"], true);
    let phone = by_value(&fs, "0151 23456789");
    assert_eq!(phone["field"], "contacts[\"anna.berg@posteo.de\"].note");

    let (masked, _) = scan_json(&["fixtures/chat/finetune.jsonl"]);
    let masked = findings(&masked);
    let note = masked
        .iter()
        .find(|f| f["field"].as_str().is_some_and(|p| p.ends_with(".note")))
        .unwrap();
    assert_eq!(
        note["field"], "contacts[\"***\"].note",
        "a key holding PII is masked in paths"
    );
}

#[test]
fn malformed_record_is_reported_and_still_scanned_as_text() {
    let (fs, report, code) = chat();
    assert_eq!(code, 2);
    let errors = report["summary"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["line"], 6);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("invalid JSON"));
    assert!(
        !errors[0]["message"].as_str().unwrap().contains("88.27"),
        "errors never quote input"
    );
    let ip = by_value(&fs, "88.27.113.45");
    assert_eq!(ip["line"], 6);
    assert!(ip.get("field").is_none(), "scanned as text: no field");
    assert_eq!(report["summary"]["error_count"], 1);
}

#[test]
fn hard_negatives_in_chat_records_stay_quiet() {
    let (fs, _, _) = chat();
    assert!(
        fs.iter().all(|f| f["line"] != 2 && f["line"] != 7),
        "{fs:#?}"
    );
    let (clean, code) = scan_json(&["fixtures/chat/clean.jsonl"]);
    assert_eq!(findings(&clean), Vec::<Value>::new());
    assert_eq!(code, 0);
}

#[test]
fn every_kind_of_issue_two_is_found() {
    let (fs, _, _) = chat();
    for (value, kind) in [
        ("+33 6 12 34 56 78", "phone"),
        ("030 12345678", "phone"),
        ("(415) 555-2671", "phone"),
        ("4532 0151 1283 0366", "payment_card"),
        ("5555-4444-3333-1111", "payment_card"),
    ] {
        assert_eq!(by_value(&fs, value)["kind"], kind, "{value}");
    }
}

#[test]
fn bad_records_elsewhere_do_not_stop_the_file() {
    let (report, code) = scan_json(&["--show-values", "fixtures/bad/malformed.jsonl"]);
    assert_eq!(code, 2);
    let lines: Vec<u64> = report["summary"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 3, 4]);
    let fs = findings(&report);
    assert_eq!(
        by_value(&fs, "sven.larsen@outlook.dk")["field"],
        "ok",
        "record after the bad ones"
    );
    assert_eq!(
        by_value(&fs, "cut.off@web.de")["line"],
        4,
        "truncated record still scanned"
    );
}

#[test]
fn invalid_utf8_in_a_record_is_located_and_the_record_scanned_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("chat.jsonl");
    let mut data = b"{\"text\": \"mail ana.ruiz@gmail.com\"}\n{\"text\": \"caf".to_vec();
    data.extend_from_slice(b"\xC3\x28 mail jan.berg@web.de\"}\n{\"text\": \"ok\"}\n");
    std::fs::write(&p, &data).unwrap();
    let (report, code) = scan_json(&["--show-values", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    let errors = report["summary"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["line"], 2);
    assert_eq!(
        errors[0]["message"],
        "invalid UTF-8 at byte 14 (record scanned as text)"
    );
    let fs = findings(&report);
    assert_eq!(by_value(&fs, "ana.ruiz@gmail.com")["field"], "text");
    let jan = by_value(&fs, "jan.berg@web.de");
    assert_eq!(jan["line"], 2);
    assert!(jan.get("field").is_none(), "scanned as text: no field");
}

#[test]
fn input_format_override_reads_any_file_as_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("data.txt");
    std::fs::write(&p, "{\"user\": \"x\\u0040mail.de\"}\n").unwrap();
    let (as_text, _) = scan_json(&["--show-values", p.to_str().unwrap()]);
    assert!(
        findings(&as_text).is_empty(),
        "as text, \\u0040 is not an @"
    );
    let (as_jsonl, code) = scan_json(&[
        "--show-values",
        "--input-format",
        "jsonl",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(findings(&as_jsonl)[0]["value"], "x@mail.de");
    assert_eq!(findings(&as_jsonl)[0]["field"], "user");
}

#[test]
fn only_phone_like_field_names_vouch_for_bare_digits() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fields.jsonl");
    std::fs::write(
        &p,
        "{\"text\": \"views: 4155552671\"}\n{\"phone\": \"4155552671\"}\n{\"contact\": {\"mobileNumber\": \"4155552671\"}}\n",
    )
    .unwrap();
    let (report, _) = scan_json(&[p.to_str().unwrap()]);
    let lines: Vec<u64> = findings(&report)
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        vec![2, 3],
        "a `text` field says nothing about a number in it"
    );
}

/// A value accepted with context words vouches for its repeats later in the same record, and
/// only there.
#[test]
fn a_value_seen_with_context_counts_again_in_the_same_record() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("repeat.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"messages": [{"role": "user", "content": "My SSN is 218198778."}, {"role": "assistant", "content": "Noted: 218198778."}]}"#,
            "\n",
            r#"{"messages": [{"role": "assistant", "content": "Noted: 218198778."}]}"#,
            "\n",
        ),
    )
    .unwrap();
    let (report, _) = scan_json(&["--show-values", input.to_str().unwrap()]);
    let got: Vec<(u64, String)> = findings(&report)
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "messages[0].content".to_string()),
            (1, "messages[1].content".to_string())
        ]
    );
}
