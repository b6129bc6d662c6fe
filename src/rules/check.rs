//! `piiscan rules check`: every rule's examples must match and its negative examples must not.
//!
//! An example is matched exactly as written, or, when it marks values with `«…»`, the rule must
//! find exactly the marked values in the unmarked text. A negative example must yield nothing.

use super::RuleSet;
use crate::detect::{Detector, Scratch, ValidationEnv};

/// One example that did not behave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailure {
    pub rule: String,
    pub example: String,
    pub expected: Vec<String>,
    pub found: Vec<String>,
}

/// Splits `a «b» c` into the text `a b c` and the expected values `["b"]`.
pub(crate) fn parse_example(example: &str) -> (String, Vec<String>) {
    if !example.contains('«') {
        return (example.to_string(), vec![example.to_string()]);
    }
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut rest = example;
    while let Some(open) = rest.find('«') {
        text.push_str(&rest[..open]);
        let after = &rest[open + '«'.len_utf8()..];
        let close = after.find('»').unwrap_or(after.len());
        text.push_str(&after[..close]);
        expected.push(after[..close].to_string());
        rest = after.get(close + '»'.len_utf8()..).unwrap_or("");
    }
    text.push_str(rest);
    (text, expected)
}

/// Runs every rule's examples with that rule alone; returns the failures.
pub fn check_rules(set: &RuleSet, env: &ValidationEnv) -> Vec<CheckFailure> {
    let mut failures = Vec::new();
    let mut scratch = Scratch::default();
    for (i, rule) in set.rules().iter().enumerate() {
        let detector = Detector::new(set.single(i), env.clone());
        let mut run = |text: &str| -> Vec<String> {
            let mut out = Vec::new();
            // Every example is a record of its own.
            scratch.new_record();
            detector.detect(text, None, &mut scratch, &mut out);
            out.iter()
                .map(|m| text[m.start..m.end].to_string())
                .collect()
        };
        for ex in &rule.examples {
            let (text, expected) = parse_example(ex);
            let found = run(&text);
            if found != expected {
                failures.push(CheckFailure {
                    rule: rule.id.clone(),
                    example: ex.clone(),
                    expected,
                    found,
                });
            }
        }
        for ex in &rule.negative_examples {
            let found = run(ex);
            if !found.is_empty() {
                failures.push(CheckFailure {
                    rule: rule.id.clone(),
                    example: ex.clone(),
                    expected: Vec::new(),
                    found,
                });
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_markers() {
        assert_eq!(
            parse_example("plain"),
            ("plain".into(), vec!["plain".into()])
        );
        assert_eq!(
            parse_example("a «b» c «d»"),
            ("a b c d".into(), vec!["b".into(), "d".into()])
        );
    }

    #[test]
    fn builtin_rules_pass_their_examples() {
        let set = RuleSet::builtin().unwrap();
        let failures = check_rules(&set, &ValidationEnv::default());
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn a_wrong_example_is_reported() {
        let text = r#"id = "digits"
kind = "digits"
regex = '[0-9]{4}'
examples = ["12345", "«1234»"]
negative_examples = ["abcd", "9999"]
[prefilter]
bytes = "[0-9]"
charset = "[0-9]"
"#;
        let mut set = RuleSet::default();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("d.toml"), text).unwrap();
        set.load_dir(dir.path()).unwrap();
        let f = check_rules(&set, &ValidationEnv::default());
        let bad: Vec<&str> = f.iter().map(|f| f.example.as_str()).collect();
        assert_eq!(bad, vec!["12345", "9999"]);
    }
}
