//! `--config` (thresholds per kind, regions, deny/allow entries, field names) and deny lists.

mod common;
use common::*;

fn kinds_and_values(report: &serde_json::Value) -> Vec<(String, String)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const RECORD: &str = r#"{"text": "erika mustermann called from 020 7946 0958 about PRJ-1234; hosts 10.0.0.1 and 8.8.8.8", "kunde": "Hans Meier"}
"#;

#[test]
fn config_file_sets_thresholds_regions_deny_lists_and_fields() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("piiscan.toml"),
        r#"
regions = ["GB"]
deny = ["person_name:Erika Mustermann"]
deny_files = ["deny.txt"]
[thresholds]
ip_address = "high"
[fields]
kunde = "person_name"
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("deny.txt"),
        "# codes\nproject:/PRJ-[0-9]{4}/\n",
    )
    .unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, RECORD).unwrap();
    let config = dir.path().join("piiscan.toml");
    let (report, code) = scan_json(&[
        "--show-values",
        "--config",
        config.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        kinds_and_values(&report),
        vec![
            ("person_name".into(), "erika mustermann".into()),
            ("phone".into(), "020 7946 0958".into()),
            ("project".into(), "PRJ-1234".into()),
            // The private 10.0.0.1 is `low`, under the ip_address threshold.
            ("ip_address".into(), "8.8.8.8".into()),
            ("person_name".into(), "Hans Meier".into()),
        ]
    );
    assert_eq!(report["summary"]["below_min_confidence"], 1);

    // Flags win over the file: with US numbers only, the London number is not a phone.
    let (report, _) = scan_json(&[
        "--show-values",
        "--config",
        config.to_str().unwrap(),
        "--region",
        "US",
        "--min-confidence",
        "high",
        input.to_str().unwrap(),
    ]);
    assert_eq!(
        kinds_and_values(&report),
        vec![
            ("person_name".into(), "erika mustermann".into()),
            ("project".into(), "PRJ-1234".into()),
            ("ip_address".into(), "8.8.8.8".into()),
        ]
    );
}

#[test]
fn deny_file_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let deny = dir.path().join("deny.txt");
    std::fs::write(&deny, "Bluebird\n").unwrap();
    let input = dir.path().join("notes.txt");
    std::fs::write(&input, "Project BLUEBIRD ships; bluebirds sing\n").unwrap();
    let (report, code) = scan_json(&["--deny", deny.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(code, 1);
    let fs = findings(&report);
    assert_eq!(fs.len(), 1, "whole words only: {fs:#?}");
    assert_eq!(fs[0]["kind"], "deny_list");
    assert_eq!(fs[0]["rule"], "deny_list");
    assert_ne!(fs[0]["value"], "BLUEBIRD", "masked like every other value");
}

#[test]
fn bad_config_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[thresholds]\nphone = \"very\"\n").unwrap();
    let r = run(&[
        "scan",
        "--config",
        config.to_str().unwrap(),
        &fixture("empty.jsonl"),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.toml"), "{}", r.stderr);
}
