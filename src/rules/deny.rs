//! Deny lists: values that are always reported, whatever the rules say (a customer's name, an
//! internal project code, a list of employee ids). Same file syntax as allow lists:
//!
//! ```text
//! Erika Mustermann            exact value, reported as kind `deny_list`
//! person_name:Erika Mustermann  exact value, reported as `person_name`
//! /PRJ-[0-9]{4}/              regex, kind `deny_list`
//! employee_id:/E[0-9]{6}/     regex of a kind
//! ```
//!
//! Exact values match case-insensitively as whole words, with any run of whitespace where the
//! value has a space. Each list becomes ordinary rules (id `deny_list…`, high confidence, a
//! priority above every built-in rule), so deny-listed values go through the same engine,
//! masking, allow lists and reports as everything else. Exact values are found by the
//! literal prefilter; a regex entry is run over every string, so prefer exact values.

use super::entries::{self, Entry};
use super::{compile_spec, ContextSpec, PrefilterSpec, Rule, RuleSpec};
use crate::error::Result;
use crate::findings::Confidence;
use std::collections::BTreeMap;
use std::path::Path;

const DEFAULT_KIND: &str = "deny_list";
const PRIORITY: i32 = 1000;

#[derive(Debug, Default, Clone)]
pub struct DenyList {
    /// Kind → exact values.
    exact: BTreeMap<String, Vec<String>>,
    /// (kind, regex) in file order.
    patterns: Vec<(String, String)>,
}

impl DenyList {
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.patterns.is_empty()
    }

    /// Adds the entries of a deny file.
    pub fn load(&mut self, path: &Path) -> Result<()> {
        entries::load(path, |line| self.add(line))
    }

    /// Adds one entry in the file syntax ([`entries`]); blank lines and comments are ignored.
    pub fn add(&mut self, line: &str) -> std::result::Result<(), String> {
        match entries::parse(line)? {
            None => {}
            Some(Entry::Regex { kind, regex }) => {
                regex::Regex::new(regex).map_err(|e| format!("bad regex: {e}"))?;
                self.patterns
                    .push((kind.unwrap_or(DEFAULT_KIND).to_string(), regex.to_string()));
            }
            Some(Entry::Exact { kind, value }) => {
                if value.is_empty() {
                    return Err("empty value".into());
                }
                self.exact
                    .entry(kind.unwrap_or(DEFAULT_KIND).to_string())
                    .or_default()
                    .push(value.to_string());
            }
        }
        Ok(())
    }

    /// The rules that report this list: one per kind of exact values, one per regex.
    pub fn rules(&self) -> Result<Vec<Rule>> {
        let mut rules = Vec::new();
        for (kind, values) in &self.exact {
            let alternatives: Vec<String> = values
                .iter()
                .map(|v| {
                    v.split_whitespace()
                        .map(regex::escape)
                        .collect::<Vec<_>>()
                        .join(r"\s+")
                })
                .collect();
            // Every match holds the value's first word: that is the literal anchor.
            let mut literals: Vec<String> = values
                .iter()
                .filter_map(|v| v.split_whitespace().next().map(str::to_string))
                .collect();
            literals.sort();
            literals.dedup();
            let spec = spec(
                id_for(kind, None),
                kind,
                format!("(?i:{})", alternatives.join("|")),
                PrefilterSpec {
                    literals,
                    ..PrefilterSpec::default()
                },
            );
            rules.push(compile_spec(spec, "deny list")?);
        }
        for (i, (kind, re)) in self.patterns.iter().enumerate() {
            let spec = spec(
                id_for(kind, Some(i + 1)),
                kind,
                re.clone(),
                PrefilterSpec {
                    bytes: Some(r"[\x00-\xFF]".to_string()),
                    ..PrefilterSpec::default()
                },
            );
            rules.push(compile_spec(spec, "deny list")?);
        }
        Ok(rules)
    }
}

fn id_for(kind: &str, regex_no: Option<usize>) -> String {
    let base = if kind == DEFAULT_KIND {
        DEFAULT_KIND.to_string()
    } else {
        format!("{DEFAULT_KIND}-{kind}")
    };
    match regex_no {
        Some(n) => format!("{base}-re{n}"),
        None => base,
    }
}

fn spec(id: String, kind: &str, regex: String, prefilter: PrefilterSpec) -> RuleSpec {
    RuleSpec {
        name: format!("Deny list ({kind})"),
        description: "A value on a user deny list.".to_string(),
        id,
        kind: kind.to_string(),
        regex,
        validator: None,
        confidence: Confidence::High,
        priority: PRIORITY,
        boundary: Default::default(),
        prefilter,
        context: ContextSpec::default(),
        examples: Vec::new(),
        negative_examples: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Detector, Scratch, ValidationEnv};
    use crate::rules::RuleSet;

    fn found(deny: &DenyList, text: &str) -> Vec<(String, String)> {
        let mut set = RuleSet::default();
        set.add_deny(deny).unwrap();
        let d = Detector::new(set, ValidationEnv::default());
        let mut out = Vec::new();
        d.detect(text, None, &mut Scratch::default(), &mut out);
        out.iter()
            .map(|m| {
                (
                    d.rules()[m.rule].kind.clone(),
                    text[m.start..m.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn exact_values_match_whole_words_in_any_case() {
        let mut deny = DenyList::default();
        for line in [
            "# people",
            "Erika Mustermann",
            "person_name:Max Payne",
            "codename:Bluebird",
        ] {
            deny.add(line).unwrap();
        }
        assert_eq!(
            found(
                &deny,
                "ERIKA  mustermann met max payne about BLUEBIRD; Bluebirds fly"
            ),
            vec![
                ("deny_list".to_string(), "ERIKA  mustermann".to_string()),
                ("person_name".to_string(), "max payne".to_string()),
                ("codename".to_string(), "BLUEBIRD".to_string()),
            ]
        );
    }

    #[test]
    fn regex_entries() {
        let mut deny = DenyList::default();
        deny.add("project:/PRJ-[0-9]{4}/").unwrap();
        assert_eq!(
            found(&deny, "see PRJ-0042 and XPRJ-0043"),
            vec![("project".to_string(), "PRJ-0042".to_string())]
        );
        assert!(deny.add("/(/").is_err());
        assert!(deny.add("kind:").is_ok(), "a bare `kind:` is a value");
    }
}
