//! `piiscan rules list|check` and custom rule directories.

mod common;
use common::*;

#[test]
fn builtin_rules_pass_rules_check() {
    let r = run(&["rules", "check"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains(" 0 failed"));
}

#[test]
fn rules_list_shows_every_builtin_rule() {
    let r = run(&["rules", "list", "--json"]);
    assert_eq!(r.code, 0);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let ids: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in ["email", "phone", "ipv4", "ipv6", "payment_card"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
}

fn write_rule(dir: &std::path::Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body).unwrap();
}

const EMPLOYEE_ID: &str = r#"
id = "employee_id"
kind = "employee_id"
regex = 'EMP-[0-9]{6}'
confidence = "high"
examples = ["EMP-123456", "badge «EMP-000042» lost"]
negative_examples = ["EMP-12"]
[prefilter]
literals = ["EMP-"]
"#;

#[test]
fn custom_rules_add_kinds_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    write_rule(dir.path(), "employee.toml", EMPLOYEE_ID);
    let d = dir.path().to_str().unwrap();
    assert_eq!(run(&["rules", "check", "--rules", d]).code, 0);
    let data = dir.path().join("hr.log");
    std::fs::write(&data, "badge EMP-004711 issued\n").unwrap();
    let (report, code) = scan_json(&["--rules", d, "--show-values", data.to_str().unwrap()]);
    assert_eq!(code, 1);
    let f = &findings(&report)[0];
    assert_eq!(
        (f["kind"].as_str(), f["value"].as_str()),
        (Some("employee_id"), Some("EMP-004711"))
    );
}

#[test]
fn a_rule_whose_examples_fail_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    write_rule(
        dir.path(),
        "bad.toml",
        &EMPLOYEE_ID.replace("\"EMP-12\"", "\"EMP-999999\""),
    );
    let r = run(&["rules", "check", "--rules", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("FAIL employee_id") && r.stdout.contains("EMP-999999"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_custom_rule_overrides_a_builtin_by_id() {
    let dir = tempfile::tempdir().unwrap();
    // An email rule that only knows one domain.
    write_rule(
        dir.path(),
        "email.toml",
        r#"
id = "email"
kind = "email"
regex = '[a-z.]+@corp\.example'
[prefilter]
bytes = "[@]"
"#,
    );
    let data = dir.path().join("x.txt");
    std::fs::write(&data, "a.b@corp.example and c@gmail.com\n").unwrap();
    let (report, _) = scan_json(&[
        "--rules",
        dir.path().to_str().unwrap(),
        "--show-values",
        data.to_str().unwrap(),
    ]);
    let values: Vec<String> = findings(&report)
        .iter()
        .map(|f| f["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(values, vec!["a.b@corp.example"]);
}

#[test]
fn broken_rule_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write_rule(
        dir.path(),
        "broken.toml",
        "id = \"x\"\nkind = \"x\"\nregex = '(['\n[prefilter]\nbytes = \"[x]\"\n",
    );
    let r = run(&[
        "scan",
        "--rules",
        dir.path().to_str().unwrap(),
        "fixtures/logs",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("broken.toml") && r.stderr.contains("regex"),
        "{}",
        r.stderr
    );
}
