//! Secrets pasted into prompt logs, MAC addresses and URLs with credentials, end to end.

mod common;
use common::*;

const SECRETS: [&str; 8] = [
    "AKIAZ7VX3QW2RT5YU6IO",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "xoxb-2048571234-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "sk_live_51H8xYzAbCdEfGhIjKlMnOpQr",
    "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3i",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "postgres://admin:s3cr3t@db.internal.corp",
    "-----BEGIN RSA PRIVATE KEY-----",
];

fn prompt_log(dir: &tempfile::TempDir) -> String {
    let p = dir.path().join("prompts.jsonl");
    let record = serde_json::json!({
        "prompt": format!(
            "my keys: {} {} {} {} {}\nAuthorization: Bearer {}\ndb {} and\n{}\nMIIEpAIBAAKCAQEA\n",
            SECRETS[0], SECRETS[1], SECRETS[2], SECRETS[3], SECRETS[4], SECRETS[5], SECRETS[6], SECRETS[7]
        ),
        "device": {"mac": "a4:83:e7:12:9f:0c", "build": "00:1A:2B:3C:4D:5E:6F"},
    });
    std::fs::write(&p, format!("{record}\n")).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn secrets_are_found_with_their_rule() {
    let dir = tempfile::tempdir().unwrap();
    let p = prompt_log(&dir);
    let (report, code) = scan_json(&["--show-values", &p]);
    assert_eq!(code, 1);
    let fs = findings(&report);
    let rules: Vec<(&str, &str)> = fs
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rules,
        // json! writes keys in order: `device` before `prompt`.
        vec![
            ("mac_address", "mac_address"),
            ("secret", "aws_access_key_id"),
            ("secret", "github_token"),
            ("secret", "slack_token"),
            ("secret", "stripe_key"),
            ("secret", "openai_api_key"),
            ("secret", "jwt"),
            ("url_with_credentials", "url_with_credentials"),
            ("secret", "private_key"),
        ],
        "{fs:#?}"
    );
    for s in SECRETS {
        assert!(fs.iter().any(|f| f["value"] == s), "{s}");
    }
    assert_eq!(by_value(&fs, "a4:83:e7:12:9f:0c")["field"], "device.mac");
}

#[test]
fn secrets_never_reach_a_masked_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = prompt_log(&dir);
    for format in ["text", "json", "jsonl"] {
        let r = run(&["scan", "--format", format, &p]);
        for s in SECRETS {
            let tail = &s[s.len() - 12..];
            assert!(!r.stdout.contains(tail), "{format} leaks {s}");
        }
    }
}

#[test]
fn password_assignments_in_text_logs() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    std::fs::write(&p, "login ok user=ana password=Tr0ub4dor&3 from 81.169.145.12\nreset your password via the link\n").unwrap();
    let (report, _) = scan_json(&["--show-values", p.to_str().unwrap()]);
    let fs = findings(&report);
    let pw = by_value(&fs, "password=Tr0ub4dor&3");
    assert_eq!(
        (pw["kind"].as_str(), pw["line"].as_u64()),
        (Some("secret"), Some(1))
    );
    assert!(fs.iter().all(|f| f["line"] == 1));
}
