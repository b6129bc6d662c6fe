//! `piiscan redact`: clean copies of JSON Lines and text, operators, the manifest, and the
//! promises about inputs and interrupted runs.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const TEXT_INPUTS: &[&str] = &[
    "chat",
    "text",
    "logs",
    "nested",
    "fields",
    "labeled/records.jsonl",
    "bad/malformed.jsonl",
    "bad/invalid_utf8.txt",
];

fn redact(args: &[&str]) -> Run {
    let mut all = vec!["redact"];
    all.extend_from_slice(args);
    run(&all)
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&read(dir.join("redaction-manifest.json"))).unwrap()
}

/// A JSON line with every string's contents removed: structure, key order and non-string
/// values, byte for byte.
fn skeleton(line: &str) -> String {
    let re = regex::Regex::new(r#""(?:[^"\\]|\\.)*""#).unwrap();
    re.replace_all(line, "\"\"").into_owned()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn round_trip_finds_nothing_and_keeps_the_structure() {
    let out = tempfile::tempdir().unwrap();
    let clean = out.path().join("clean");
    let inputs: Vec<String> = TEXT_INPUTS.iter().map(|p| fixture(p)).collect();
    let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    args.extend(["-o", clean.to_str().unwrap()]);
    let r = redact(&args);
    // The deliberately broken fixtures are reported (exit 2) and still redacted.
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("malformed.jsonl:"), "{}", r.stderr);
    assert!(r.stderr.contains("invalid_utf8.txt:"), "{}", r.stderr);
    let m = manifest(&clean);
    let files = m["files"].as_array().unwrap();
    assert!(files.len() >= 8);
    assert!(files.iter().all(|f| f["status"] == "written"), "{files:#?}");
    let replaced: u64 = files
        .iter()
        .flat_map(|f| f["replacements"].as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert!(replaced > 100, "{replaced} replacements");

    // Scanning the clean copies with the same rules finds nothing (the manifest aside).
    let outputs: Vec<String> = files
        .iter()
        .map(|f| f["output"].as_str().unwrap().to_string())
        .collect();
    let mut scan_args: Vec<&str> = outputs.iter().map(String::as_str).collect();
    scan_args.push("--show-values");
    let (report, _) = scan_json(&scan_args);
    assert_eq!(findings(&report), Vec::<Value>::new());

    // JSON Lines keep their structure; records and line counts are kept.
    for f in files {
        let (input, output) = (f["input"].as_str().unwrap(), f["output"].as_str().unwrap());
        let a = String::from_utf8_lossy(&read(root().join(input))).into_owned();
        let b = String::from_utf8_lossy(&read(output)).into_owned();
        assert_eq!(a.lines().count(), b.lines().count(), "{input}");
        assert_eq!(f["records_in"], f["records_out"]);
        if input.ends_with(".jsonl") {
            for (x, y) in a.lines().zip(b.lines()) {
                if serde_json::from_str::<Value>(x).is_ok() {
                    serde_json::from_str::<Value>(y).expect("output line parses");
                    assert_eq!(skeleton(x), skeleton(y));
                }
            }
        }
    }
    // Inputs are untouched (their hashes are in the manifest).
    for f in files {
        let input = read(root().join(f["input"].as_str().unwrap()));
        let digest = sha256_hex(&input);
        assert_eq!(f["input_sha256"], digest.as_str());
        assert_eq!(
            f["output_sha256"],
            sha256_hex(&read(f["output"].as_str().unwrap())).as_str()
        );
    }
    // The manifest holds no raw value.
    let text = String::from_utf8(read(clean.join("redaction-manifest.json"))).unwrap();
    assert!(!text.contains("bob.smith@gmx.net") && !text.contains('@'));
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn operators_numbered_mask_hash_and_drop() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"a": "mail ann@corp.io and bob@corp.io, again ann@corp.io", "n": 1.5, "ok": true}"#,
            "\n",
            r#"{"card": "4242 4242 4242 4242", "phone": "call +1 415-555-2671"}"#,
            "\n",
            r#"{"pay": "card 4000 0566 5566 5556 on file"}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = |name: &str| dir.path().join(name);
    let lines = |d: &Path| -> Vec<String> {
        String::from_utf8(read(d.join("in.jsonl")))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };

    let r = redact(&[
        input.to_str().unwrap(),
        "-o",
        out("n").to_str().unwrap(),
        "--numbered",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        lines(&out("n"))[0],
        r#"{"a": "mail <EMAIL_1> and <EMAIL_2>, again <EMAIL_1>", "n": 1.5, "ok": true}"#
    );

    let r = redact(&[
        input.to_str().unwrap(),
        "-o",
        out("m").to_str().unwrap(),
        "--operator",
        "mask",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        lines(&out("m"))[1],
        r#"{"card": "**** **** **** 4242", "phone": "call +* ***-***-**71"}"#
    );

    // hash needs a secret key.
    let r = redact(&[
        input.to_str().unwrap(),
        "-o",
        out("h").to_str().unwrap(),
        "--operator",
        "hash",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("secret key"), "{}", r.stderr);
    assert!(!out("h").exists(), "nothing written");
    let key = dir.path().join("team.key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef").unwrap();
    let hashed = |name: &str| {
        let r = redact(&[
            input.to_str().unwrap(),
            "-o",
            out(name).to_str().unwrap(),
            "--operator",
            "hash",
            "--key-file",
            key.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        lines(&out(name))[0].clone()
    };
    let first = hashed("h1");
    assert!(first.contains("<EMAIL_"), "{first}");
    assert_eq!(first, hashed("h2"), "stable across runs");

    // Dropping records and limiting kinds.
    let r = redact(&[
        input.to_str().unwrap(),
        "-o",
        out("d").to_str().unwrap(),
        "--kinds",
        "email",
        "--drop-records-with",
        "payment_card",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let kept = lines(&out("d"));
    assert_eq!(kept.len(), 1);
    assert!(kept[0].contains("<EMAIL>"));
    let f = &manifest(&out("d"))["files"][0];
    assert_eq!(f["records_in"], 3);
    assert_eq!(f["records_out"], 1);
    assert_eq!(f["dropped_records"], 2);
    assert_eq!(f["replacements"]["email"], 3);
}

#[test]
fn inputs_are_protected_and_outputs_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("sub")).unwrap();
    std::fs::write(data.join("sub/a.txt"), "mail ann@corp.io\n").unwrap();
    let before = read(data.join("sub/a.txt"));
    for bad in [data.clone(), data.join("clean")] {
        let r = redact(&[data.to_str().unwrap(), "-o", bad.to_str().unwrap()]);
        assert_eq!(r.code, 2);
        assert!(
            r.stderr.contains("inputs are never modified"),
            "{}",
            r.stderr
        );
    }
    let clean = dir.path().join("clean");
    assert_eq!(
        redact(&[data.to_str().unwrap(), "-o", clean.to_str().unwrap()]).code,
        0
    );
    assert_eq!(
        read(clean.join("sub/a.txt")),
        b"mail <EMAIL>\n",
        "tree mirrored"
    );
    let again = redact(&[data.to_str().unwrap(), "-o", clean.to_str().unwrap()]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    let forced = redact(&[
        data.to_str().unwrap(),
        "-o",
        clean.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(forced.code, 0);
    assert_eq!(read(data.join("sub/a.txt")), before);
}

#[test]
fn per_kind_operators_from_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(
        &input,
        "ann@corp.io paid with 4242 4242 4242 4242, call +1 415-555-2671\n",
    )
    .unwrap();
    let config = dir.path().join("piiscan.toml");
    std::fs::write(
        &config,
        "operator = \"replace\"\n[operators]\npayment_card = \"mask\"\nphone = \"drop-record\"\n",
    )
    .unwrap();
    let clean = dir.path().join("clean");
    let r = redact(&[
        input.to_str().unwrap(),
        "-o",
        clean.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read(clean.join("in.txt")), b"", "the phone drops the line");
    std::fs::write(&config, "[operators]\npayment_card = \"mask\"\n").unwrap();
    let r = redact(&[
        input.to_str().unwrap(),
        "-o",
        clean.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        String::from_utf8(read(clean.join("in.txt"))).unwrap(),
        "<EMAIL> paid with **** **** **** 4242, call <PHONE>\n"
    );
    std::fs::write(&config, "[operators]\nemail = \"shred\"\n").unwrap();
    let r = redact(&[
        input.to_str().unwrap(),
        "-o",
        dir.path().join("other").to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown operator"), "{}", r.stderr);
    let r = redact(&[
        input.to_str().unwrap(),
        "-o",
        dir.path().join("other").to_str().unwrap(),
        "--kinds",
        "emial",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown kind 'emial'"), "{}", r.stderr);
}

/// Each replacement can free context for the next value; past the last pass the whole string
/// goes, so a clean copy still scans clean.
#[test]
fn a_chain_of_context_ends_clean() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("dates.txt");
    std::fs::write(&input, "born 1/2/80 1/2/81 1/2/82 1/2/83 1/2/84 1/2/85\n").unwrap();
    let clean = dir.path().join("clean");
    let r = redact(&[
        input.to_str().unwrap(),
        "-o",
        clean.to_str().unwrap(),
        "--operator",
        "mask",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (report, code) = scan_json(&[clean.join("dates.txt").to_str().unwrap()]);
    assert_eq!((code, &report["summary"]["findings"]), (0, &Value::from(0)));
}

#[test]
fn dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    let r = redact(&[&fixture("text"), "-o", clean.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("notes.md: dry-run"), "{}", r.stdout);
    assert!(r.stdout.contains("email 2, phone 2"), "{}", r.stdout);
    assert!(!clean.exists());
}

#[test]
fn an_interrupted_run_leaves_no_file_under_its_final_name() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    let out = piiscan()
        .env("PIISCAN_REDACT_FAIL_AFTER", "2")
        .args([
            "redact",
            &fixture("chat/finetune.jsonl"),
            "-o",
            clean.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let left: Vec<PathBuf> = files_under(&clean);
    let names: Vec<String> = left
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["redaction-manifest.json"],
        "no output, no temp file"
    );
    let m = manifest(&clean);
    assert_eq!(m["files"][0]["status"], "failed");
    assert!(m["files"][0].get("output").is_none());
}

/// The shared development corpus, when present: no finding survives in the clean copies.
#[test]
fn shared_corpus_round_trip() {
    let data = root().join("../shared/eval/data");
    if !data.exists() {
        eprintln!("skipped: ../shared/eval/data not present");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    let names = [
        "app.log",
        "chat.jsonl",
        "prompts.jsonl",
        "chat.parquet",
        "flat.parquet",
    ];
    let inputs: Vec<String> = names
        .iter()
        .map(|f| data.join(f).to_string_lossy().into_owned())
        .collect();
    let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    args.extend(["-o", clean.to_str().unwrap()]);
    let r = redact(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let outputs: Vec<String> = names
        .iter()
        .map(|n| clean.join(n).to_string_lossy().into_owned())
        .collect();
    let outputs: Vec<&str> = outputs.iter().map(String::as_str).collect();
    let (report, _) = scan_json(&outputs);
    assert_eq!(report["summary"]["findings"], 0);
}
