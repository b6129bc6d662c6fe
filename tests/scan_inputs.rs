//! Text files, directories, bad inputs, exit codes, outputs and determinism.

mod common;
use common::*;
use serde_json::Value;

#[test]
fn text_lines_unicode_and_no_trailing_newline() {
    let (report, code) = scan_json(&[
        "--show-values",
        "fixtures/logs/app.log",
        "fixtures/text/notes.md",
    ]);
    assert_eq!(code, 1);
    let fs = findings(&report);
    let last = by_value(&fs, "fe80::6178:1c1a:98fe:8720");
    assert_eq!(last["line"], 6, "last line has no newline");
    assert!(last.get("field").is_none());
    let log = read(root().join("fixtures/logs/app.log"));
    let card = by_value(&fs, "3782-822463-10005");
    let (bs, be) = (
        card["byte_start"].as_u64().unwrap() as usize,
        card["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&log[bs..be], b"3782-822463-10005");

    let notes = String::from_utf8(read(root().join("fixtures/text/notes.md"))).unwrap();
    let jp = by_value(&fs, "taro.yamada@docomo.ne.jp");
    assert_eq!(jp["line"], 3);
    let line = notes.lines().nth(2).unwrap();
    let (s, e) = (
        jp["start"].as_u64().unwrap() as usize,
        jp["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        line.chars().skip(s).take(e - s).collect::<String>(),
        "taro.yamada@docomo.ne.jp"
    );
    assert_eq!(by_value(&fs, "03-1234-5678")["kind"], "phone");
    // Line 4 holds only look-alikes; log line 4 is a version string, line 5 an account id.
    assert!(fs
        .iter()
        .all(|f| !(f["path"] == "fixtures/text/notes.md" && f["line"] == 4)));
    assert!(fs
        .iter()
        .all(|f| !(f["path"] == "fixtures/logs/app.log" && (f["line"] == 4 || f["line"] == 5))));
}

#[test]
fn directories_are_walked_in_order_skipping_hidden_and_binary() {
    let (report, code) = scan_json(&["fixtures/"]);
    assert_eq!(code, 2, "fixtures/bad holds malformed input");
    let paths: Vec<String> = findings(&report)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "output ordered by path");
    assert!(paths.contains(&"fixtures/nested/deeper/records.ndjson".to_string()));
    let skipped = report["summary"]["skipped"].as_array().unwrap();
    let reasons: Vec<(String, String)> = skipped
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().into(),
                s["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(reasons
        .iter()
        .any(|(p, r)| p == "fixtures/nested/.cache.jsonl" && r == "hidden"));
    assert!(reasons
        .iter()
        .any(|(p, r)| p == "fixtures/bad/blob.bin" && r.starts_with("binary")));
    assert!(!paths
        .iter()
        .any(|p| p.contains(".cache") || p.contains("blob")));
    assert_eq!(report["summary"]["files_skipped"], 2);
}

#[test]
fn invalid_utf8_is_reported_and_the_rest_scanned() {
    let (report, code) = scan_json(&["--show-values", "fixtures/bad/invalid_utf8.txt"]);
    assert_eq!(code, 2);
    let e = &report["summary"]["errors"][0];
    assert_eq!(e["line"], 2);
    assert!(e["message"].as_str().unwrap().contains("UTF-8"));
    let fs = findings(&report);
    let f = by_value(&fs, "jan.novak@seznam.cz");
    assert_eq!(f["line"], 2);
    // Offsets as in lossy decoding: each invalid sequence is one U+FFFD.
    let bytes = read(root().join("fixtures/bad/invalid_utf8.txt"));
    let line = String::from_utf8_lossy(bytes.split(|&b| b == b'\n').nth(1).unwrap()).into_owned();
    let (s, e2) = (
        f["start"].as_u64().unwrap() as usize,
        f["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        line.chars().skip(s).take(e2 - s).collect::<String>(),
        "jan.novak@seznam.cz"
    );
    let (bs, be) = (
        f["byte_start"].as_u64().unwrap() as usize,
        f["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&bytes[bs..be], b"jan.novak@seznam.cz");
}

#[test]
fn empty_file_scans_clean() {
    let (report, code) = scan_json(&["fixtures/empty.jsonl"]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(report["summary"]["findings"], 0);
}

#[test]
fn exit_codes() {
    assert_eq!(run(&["scan", "-q", "fixtures/chat/clean.jsonl"]).code, 0);
    assert_eq!(run(&["scan", "-q", "fixtures/logs/app.log"]).code, 1);
    let missing = run(&["scan", "-q", "fixtures/logs/app.log", "no/such/file.jsonl"]);
    assert_eq!(missing.code, 2, "errors win over findings");
    assert!(missing.stderr.contains("no/such/file.jsonl"));
    assert!(
        missing.stdout.contains("app.log"),
        "the other file is still scanned"
    );
    assert_eq!(
        run(&["scan", "--format", "yaml", "fixtures"]).code,
        2,
        "bad arguments"
    );
    assert_eq!(run(&["scan"]).code, 2, "no path");
}

#[test]
fn min_confidence_filters_output_and_exit_code() {
    // (415) 555-2671 is medium (no context word); everything else in line 8 is high.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("one.txt");
    std::fs::write(&p, "office (415) 555-2671\n").unwrap();
    let p = p.to_str().unwrap();
    let (low, code) = scan_json(&[p]);
    assert_eq!((findings(&low).len(), code), (1, 1));
    assert_eq!(findings(&low)[0]["confidence"], "medium");
    let (high, code) = scan_json(&["--min-confidence", "high", p]);
    assert_eq!((findings(&high).len(), code), (0, 0));
    assert_eq!(high["summary"]["below_min_confidence"], 1);
}

#[test]
fn values_are_masked_unless_asked_for() {
    let raw_values = [
        "lea.dubois@orange.fr",
        "+33 6 12 34 56 78",
        "4532 0151 1283 0366",
        "81.169.145.12",
        "anna.berg@posteo.de",
        "88.27.113.45",
    ];
    for format in ["text", "json", "jsonl"] {
        let r = run(&["scan", "--format", format, "fixtures/chat/finetune.jsonl"]);
        for v in raw_values {
            assert!(!r.stdout.contains(v), "{format} output leaks {v}");
            assert!(!r.stderr.contains(v), "{format} stderr leaks {v}");
        }
    }
    let shown = run(&[
        "scan",
        "--format",
        "jsonl",
        "--show-values",
        "fixtures/chat/finetune.jsonl",
    ]);
    assert!(raw_values.iter().all(|v| shown.stdout.contains(v)));
    let masked = run(&["scan", "--format", "jsonl", "fixtures/chat/finetune.jsonl"]);
    assert!(masked.stdout.contains("\"value\":\"l***@o***.fr\""));
    assert!(masked.stdout.contains("\"value\":\"**** **** **** 0366\""));
}

#[test]
fn fingerprints_are_keyed_stable_and_cross_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "mail Lea.Dubois@Orange.fr\n").unwrap();
    std::fs::write(
        dir.path().join("b.jsonl"),
        "{\"m\": \"lea.dubois@orange.fr\"}\n",
    )
    .unwrap();
    let key = dir.path().join("team.key");
    std::fs::write(&key, "s3cret\n").unwrap();
    let d = dir.path().to_str().unwrap();
    let fps = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["--key-file", key.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push(d);
        let (r, _) = scan_json(&args);
        findings(&r)
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let a = fps(&[]);
    assert_eq!(a.len(), 2);
    assert_eq!(
        a[0], a[1],
        "same address, different case and file: same fingerprint"
    );
    assert_eq!(a, fps(&[]), "stable across runs");
    let (unkeyed, _) = scan_json(&[d]);
    assert_ne!(findings(&unkeyed)[0]["fingerprint"].as_str().unwrap(), a[0]);
    assert_eq!(unkeyed["summary"]["fingerprint"]["keyed"], false);
    let env = piiscan()
        .env("PIISCAN_FINGERPRINT_KEY", "s3cret")
        .args(["scan", "--format", "jsonl", "-q", d])
        .output()
        .unwrap();
    let first: Value =
        serde_json::from_str(String::from_utf8_lossy(&env.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(
        first["fingerprint"].as_str().unwrap(),
        a[0],
        "env var and key file agree"
    );
}

#[test]
fn output_file_is_written_atomically_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("findings.jsonl");
    let r = run(&[
        "scan",
        "-q",
        "--format",
        "jsonl",
        "-o",
        out.to_str().unwrap(),
        "fixtures/logs/app.log",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 7);
    for l in text.lines() {
        serde_json::from_str::<Value>(l).expect("each line is JSON");
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");

    let input = dir.path().join("data.jsonl");
    std::fs::write(&input, "{\"a\": \"x@mail.de\"}\n").unwrap();
    let before = read(&input);
    let r = run(&[
        "scan",
        "-q",
        "-o",
        input.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("overwrite an input"));
    assert_eq!(read(&input), before, "input untouched");
    let r = run(&[
        "scan",
        "-q",
        "-o",
        input.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(
        r.code, 2,
        "an existing file inside a scanned directory is an input too"
    );
}

#[test]
fn same_output_whatever_threads_and_chunk_size() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.jsonl");
    let mut data = String::new();
    let chat = String::from_utf8(read(root().join("fixtures/chat/finetune.jsonl"))).unwrap();
    for i in 0..300 {
        data.push_str(&chat);
        data.push_str(&format!(
            "{{\"n\": {i}, \"ip\": \"81.169.{}.{}\"}}\n",
            i % 200,
            i % 250 + 1
        ));
    }
    std::fs::write(&big, &data).unwrap();
    let b = big.to_str().unwrap();
    let base = run(&["scan", "-q", "--format", "jsonl", "-j", "1", b]);
    for (threads, chunk) in [("2", "4096"), ("3", "777"), ("2", "64")] {
        let other = run(&[
            "scan",
            "-q",
            "--format",
            "jsonl",
            "-j",
            threads,
            "--chunk-size",
            chunk,
            b,
        ]);
        assert_eq!(
            base.stdout, other.stdout,
            "-j {threads} --chunk-size {chunk}"
        );
        assert_eq!(base.stderr, other.stderr);
    }
    let lines: Vec<Value> = base
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let per_copy = run(&[
        "scan",
        "-q",
        "--format",
        "jsonl",
        "fixtures/chat/finetune.jsonl",
    ])
    .stdout
    .lines()
    .count();
    assert_eq!(lines.len(), 300 * (per_copy + 1));
    let last = lines.last().unwrap();
    assert_eq!(last["line"], 300 * 9, "line numbers continue across chunks");
    assert_eq!(last["path"], b);
}

#[test]
fn text_output_for_people() {
    let r = run(&["scan", "fixtures/logs/app.log"]);
    assert!(
        r.stdout
            .starts_with("fixtures/logs/app.log:1:38: email (high) m***@t***.es\n"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("7 findings (email 1, ip_address 4, payment_card 1, phone 1) in 1 of 1 file"));
}
