//! Detectors as data. A rule is a TOML file (`patterns/*.toml`, embedded at compile time; more
//! with `--rules DIR`) with an id, the PII kind it reports, a regex, prefilter anchors, an optional
//! validator, context words, a base confidence and examples that must / must not match.
//! This module parses and compiles rules; [`crate::detect`] runs them.

mod builtin;
pub(crate) mod check;
mod deny;
pub(crate) mod entries;
pub mod factors;
mod list;
pub mod needs;
pub mod shape;
mod spec;

pub use check::{check_rules, CheckFailure};
pub use deny::DenyList;
pub use list::write_list;
pub use spec::{Boundary, ContextSpec, PrefilterSpec, RuleSpec};

use crate::detect::Validator;
use crate::error::{Error, Result};
use crate::findings::Confidence;
use std::path::Path;

/// A rule ready to run: spec plus compiled regex and byte tables.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub confidence: Confidence,
    pub priority: i32,
    pub boundary: Boundary,
    pub regex: regex::Regex,
    /// The same regex anchored at both ends: used to re-check shortened candidates.
    pub full_regex: regex::Regex,
    pub validator: Option<Validator>,
    /// Bytes one of which occurs in every match.
    pub anchor_bytes: Box<[bool; 256]>,
    /// Multi-byte literals one of which occurs in every match (alternative to `anchor_bytes`).
    pub anchor_literals: Vec<String>,
    /// Bytes a match may consist of; `None` means the regex runs over the whole string.
    pub charset: Option<Box<[bool; 256]>>,
    /// A candidate region must contain one of these literals before the regex runs.
    pub region_contains: Vec<String>,
    /// Literals one of which every match contains, read off the regex (see
    /// [`factors`]); empty when none are known.
    pub required: Vec<Vec<u8>>,
    /// The fewest bytes and ASCII digits a match can have (from the regex, and for digits
    /// also the validator, so the bytes are at least the digits and separators): shorter or
    /// digit-poorer regions are skipped without the regex.
    pub min_len: usize,
    pub min_digits: usize,
    /// The fewest separators (bytes other than ASCII letters and digits) a match can have.
    pub min_seps: usize,
    /// The counts of separator bytes one of which every match holds (see [`needs`]).
    pub needs: Option<needs::Needs>,
    /// Every match starts with one of the anchor bytes (and the regex has no look-around):
    /// a region then starts at its anchor, since a match starting earlier in the run would
    /// start at an earlier anchor, already searched.
    pub starts_at_anchor: bool,
    /// Every byte a match can contain is in `charset`: a match never leaves its run of
    /// charset bytes.
    pub within_charset: bool,
    /// The bytes every match starts with (look-around allowed), when known: a search can
    /// begin with an anchored attempt at the first of them (see `detect::engine`).
    pub start_bytes: Option<Box<[bool; 256]>>,
    /// The bytes every match starts with, when the regex has no look-around (whether a match
    /// starts at a position then does not depend on the bytes before it); `None` also when
    /// it can match the empty string or start with a non-ASCII byte.
    pub first_bytes: Option<Box<[bool; 256]>>,
    pub context: ContextSpec,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    /// Where the rule came from (`builtin:email.toml` or a file path).
    pub source: String,
}

/// An ordered set of compiled rules. Rule ids are unique.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// The rules shipped in `patterns/`.
    pub fn builtin() -> Result<Self> {
        let mut set = RuleSet::default();
        for (name, text) in builtin::FILES {
            set.upsert(compile(text, &format!("builtin:{name}"))?);
        }
        Ok(set)
    }

    /// The built-in rules plus, when given, those of `extra_dir` (which add or replace by id).
    pub fn load(extra_dir: Option<&Path>) -> Result<Self> {
        let mut set = Self::builtin()?;
        if let Some(dir) = extra_dir {
            set.load_dir(dir)?;
        }
        Ok(set)
    }

    /// Adds every `*.toml` in `dir`; a rule with an existing id replaces it.
    pub fn load_dir(&mut self, dir: &Path) -> Result<()> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        if paths.is_empty() {
            return Err(Error::Config(format!(
                "{}: no rule files (*.toml) found",
                dir.display()
            )));
        }
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
            self.upsert(compile(&text, &p.display().to_string())?);
        }
        Ok(())
    }

    /// Adds the rules that report the entries of a deny list.
    pub fn add_deny(&mut self, deny: &DenyList) -> Result<()> {
        for rule in deny.rules()? {
            self.upsert(rule);
        }
        Ok(())
    }

    fn upsert(&mut self, rule: Rule) {
        match self.rules.iter_mut().find(|r| r.id == rule.id) {
            Some(slot) => *slot = rule,
            None => self.rules.push(rule),
        }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Keeps the rules `keep` returns true for (benchmarks of one rule family use it).
    pub fn retain(&mut self, keep: impl FnMut(&Rule) -> bool) {
        self.rules.retain(keep);
    }

    /// A set holding only the rule at `index` (used to check a rule's own examples).
    pub fn single(&self, index: usize) -> RuleSet {
        RuleSet {
            rules: vec![self.rules[index].clone()],
        }
    }
}

fn rule_err(source: &str, message: impl Into<String>) -> Error {
    Error::Rule {
        file: source.to_string(),
        message: message.into(),
    }
}

/// Parses and compiles one rule file.
pub fn compile(text: &str, source: &str) -> Result<Rule> {
    let spec: RuleSpec = toml::from_str(text).map_err(|e| rule_err(source, e.to_string()))?;
    compile_spec(spec, source)
}

/// Compiles a parsed rule.
pub fn compile_spec(spec: RuleSpec, source: &str) -> Result<Rule> {
    let valid_id = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    };
    if !valid_id(&spec.id) || !valid_id(&spec.kind) {
        return Err(rule_err(
            source,
            "id and kind must be lowercase letters, digits, '_' or '-'",
        ));
    }
    let regex =
        regex::Regex::new(&spec.regex).map_err(|e| rule_err(source, format!("regex: {e}")))?;
    let full_regex = regex::Regex::new(&format!("^(?:{})$", spec.regex))
        .map_err(|e| rule_err(source, format!("regex: {e}")))?;
    let validator = match &spec.validator {
        None => None,
        Some(name) => Some(
            Validator::from_name(name)
                .ok_or_else(|| rule_err(source, format!("unknown validator '{name}'")))?,
        ),
    };
    let pf = &spec.prefilter;
    let anchor_bytes = match &pf.bytes {
        Some(class) => byte_class(class).map_err(|m| rule_err(source, m))?,
        None => Box::new([false; 256]),
    };
    if pf.literals.iter().any(String::is_empty) {
        return Err(rule_err(
            source,
            "prefilter.literals must not be empty strings",
        ));
    }
    if !anchor_bytes.iter().any(|&b| b) && pf.literals.is_empty() {
        return Err(rule_err(
            source,
            "prefilter needs `bytes` or `literals`: without an anchor the rule would never run",
        ));
    }
    let charset = match &pf.charset {
        Some(class) => {
            let set = byte_class(class).map_err(|m| rule_err(source, m))?;
            if set[usize::from(b'\n')] || set[128..].iter().any(|&b| b) {
                return Err(rule_err(
                    source,
                    "prefilter.charset must be ASCII and must not contain a newline",
                ));
            }
            let missing =
                (0..=255u8).find(|&b| anchor_bytes[usize::from(b)] && !set[usize::from(b)]);
            if let Some(b) = missing {
                return Err(rule_err(
                    source,
                    format!(
                        "anchor byte {:?} is not in prefilter.charset",
                        char::from(b)
                    ),
                ));
            }
            Some(set)
        }
        None => None,
    };
    let facts = shape::facts(&spec.regex);
    let (shape, first_bytes) = (facts.shape, facts.first_bytes);
    // Not for validators that look at the whole region (it would start elsewhere).
    let starts_at_anchor = pf.literals.is_empty()
        && !validator.is_some_and(|v: Validator| v.anchored_to_region())
        && first_bytes.is_some_and(|first| {
            (0..256).all(|b| !first[b] || anchor_bytes[b]) && first.iter().any(|&f| f)
        });
    let within_charset = charset.as_deref().is_some_and(|cs| {
        facts
            .bytes
            .is_some_and(|bytes| (0..256).all(|b| !bytes[b] || cs[b]))
    });
    let min_digits = shape
        .min_digits
        .max(validator.map_or(0, |v: Validator| v.min_digits()));
    Ok(Rule {
        // Digits and separators are distinct bytes.
        min_len: shape.min_len.max(min_digits + shape.min_seps),
        min_digits,
        min_seps: shape.min_seps,
        starts_at_anchor,
        within_charset,
        required: facts.required,
        needs: facts.needs,
        start_bytes: facts.start_bytes.map(Box::new),
        first_bytes: first_bytes.map(Box::new),
        name: if spec.name.is_empty() {
            spec.id.clone()
        } else {
            spec.name.clone()
        },
        description: spec.description.clone(),
        confidence: spec.confidence,
        priority: spec.priority,
        boundary: spec.boundary,
        regex,
        full_regex,
        validator,
        anchor_bytes,
        anchor_literals: pf.literals.clone(),
        charset,
        region_contains: pf.region_contains.clone(),
        context: spec.context.clone(),
        examples: spec.examples.clone(),
        negative_examples: spec.negative_examples.clone(),
        source: source.to_string(),
        id: spec.id,
        kind: spec.kind,
    })
}

/// Evaluates a regex byte class such as `[0-9 ()+.-]` for every byte value.
fn byte_class(class: &str) -> std::result::Result<Box<[bool; 256]>, String> {
    let re = regex::bytes::Regex::new(&format!("(?-u)^{class}$"))
        .map_err(|e| format!("byte class {class:?}: {e}"))?;
    let mut set = Box::new([false; 256]);
    for b in 0..=255u8 {
        set[usize::from(b)] = re.is_match(&[b]);
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_compile_with_unique_ids() {
        let set = RuleSet::builtin().unwrap();
        assert!(set.len() >= 5);
        let mut ids: Vec<_> = set.rules().iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), set.len());
    }

    #[test]
    fn every_pattern_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = builtin::FILES.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(
            on_disk, embedded,
            "add new pattern files to src/rules/builtin.rs"
        );
    }

    #[test]
    fn byte_class_evaluates_ranges() {
        let set = byte_class("[0-9 +-]").unwrap();
        assert!(set[usize::from(b'5')] && set[usize::from(b' ')] && set[usize::from(b'-')]);
        assert!(!set[usize::from(b'a')] && !set[0xC3]);
    }

    #[test]
    fn bad_rules_are_rejected_with_the_file_name() {
        let base = r#"id = "x"
kind = "x"
regex = '[0-9]+'
[prefilter]
bytes = "[0-9]"
"#;
        assert!(compile(base, "ok.toml").is_ok());
        let bad_regex = base.replace("[0-9]+'", "[0-9+'");
        let err = compile(&bad_regex, "bad.toml").unwrap_err().to_string();
        assert!(err.contains("bad.toml") && err.contains("regex"), "{err}");
        let no_anchor = base.replace("bytes = \"[0-9]\"", "");
        assert!(compile(&no_anchor, "a.toml")
            .unwrap_err()
            .to_string()
            .contains("anchor"));
        let bad_validator = format!("validator = \"nope\"\n{base}");
        assert!(compile(&bad_validator, "v.toml")
            .unwrap_err()
            .to_string()
            .contains("nope"));
        let upper = base.replace("id = \"x\"", "id = \"X\"");
        assert!(compile(&upper, "u.toml").is_err());
        let unknown_field = format!("colour = \"red\"\n{base}");
        assert!(compile(&unknown_field, "f.toml").is_err());
    }
}
