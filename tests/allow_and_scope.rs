//! Allow lists (built-in placeholders, `--allow FILE`) and IP scope attributes.

mod common;
use common::*;

fn data(dir: &tempfile::TempDir) -> String {
    let p = dir.path().join("docs.txt");
    std::fs::write(
        &p,
        "Docs: write to john.doe@example.com or admin@mail.example.org, ping 127.0.0.1 or ::1,\n\
         call (212) 555-0147. Real: ana.lima@uol.com.br, +44 20 7946 0018, 81.169.145.12\n",
    )
    .unwrap();
    p.to_string_lossy().into_owned()
}

fn values(report: &serde_json::Value) -> Vec<String> {
    findings(report)
        .iter()
        .map(|f| f["value"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn placeholders_are_allowed_by_default_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let p = data(&dir);
    let (report, _) = scan_json(&["--show-values", &p]);
    assert_eq!(
        values(&report),
        vec!["ana.lima@uol.com.br", "+44 20 7946 0018", "81.169.145.12"]
    );
    assert_eq!(report["summary"]["allowed"], 5);
    let (all, _) = scan_json(&["--show-values", "--no-default-allow", &p]);
    let all = values(&all);
    for v in [
        "john.doe@example.com",
        "admin@mail.example.org",
        "127.0.0.1",
        "::1",
        "(212) 555-0147",
    ] {
        assert!(all.contains(&v.to_string()), "{v} in {all:?}");
    }
}

#[test]
fn allow_files_take_exact_values_and_regexes() {
    let dir = tempfile::tempdir().unwrap();
    let p = data(&dir);
    let allow = dir.path().join("allow.txt");
    std::fs::write(
        &allow,
        "# known test data\n+44 20 7946 0018\nemail:/@uol\\.com\\.br$/\n",
    )
    .unwrap();
    let (report, code) = scan_json(&["--show-values", "--allow", allow.to_str().unwrap(), &p]);
    assert_eq!(values(&report), vec!["81.169.145.12"]);
    assert_eq!(code, 1);
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "ok@x.de\n/(/\n").unwrap();
    let r = run(&["scan", "--allow", bad.to_str().unwrap(), &p]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.txt:2") && r.stderr.contains("regex"),
        "{}",
        r.stderr
    );
}

#[test]
fn non_public_ips_are_low_with_their_scope() {
    let (report, _) = scan_json(&["--show-values", "fixtures/logs/app.log"]);
    let fs = findings(&report);
    let private = by_value(&fs, "10.0.0.7");
    assert_eq!(private["confidence"], "low");
    assert_eq!(private["attributes"]["ip_scope"], "private");
    let public = by_value(&fs, "134.254.95.16");
    assert_eq!(public["confidence"], "high");
    assert_eq!(public["attributes"]["ip_scope"], "public");
    let link_local = by_value(&fs, "fe80::6178:1c1a:98fe:8720");
    assert_eq!(link_local["attributes"]["ip_scope"], "link_local");
    let card = by_value(&fs, "3782-822463-10005");
    assert_eq!(card["attributes"]["card_brand"], "amex");
    // A CI gate that ignores private addresses.
    let (gate, _) = scan_json(&["--min-confidence", "medium", "fixtures/logs/app.log"]);
    assert!(findings(&gate)
        .iter()
        .all(|f| f["attributes"]["ip_scope"] != "private"));
}
