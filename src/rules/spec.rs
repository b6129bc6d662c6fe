//! The on-disk form of a rule (TOML), documented field by field in `patterns/README.md`.

use crate::findings::Confidence;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub regex: String,
    #[serde(default)]
    pub validator: Option<String>,
    #[serde(default = "default_confidence")]
    pub confidence: Confidence,
    /// Wins overlaps with lower-priority matches (an email beats the phone number inside it).
    #[serde(default)]
    pub priority: i32,
    /// What may not touch either end of a match: `word` (letters, digits, `_`; the default)
    /// or `alnum` (letters and digits: `bob@x.io_old` still holds `bob@x.io`).
    #[serde(default)]
    pub boundary: Boundary,
    pub prefilter: PrefilterSpec,
    #[serde(default)]
    pub context: ContextSpec,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// See [`RuleSpec::boundary`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Boundary {
    #[default]
    Word,
    Alnum,
}

fn default_confidence() -> Confidence {
    Confidence::Medium
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefilterSpec {
    /// A regex byte class (`"[0-9]"`, `"[@]"`): every match contains one of these bytes.
    #[serde(default)]
    pub bytes: Option<String>,
    /// Literals, one of which occurs in every match (`"::"`, `"AKIA"`).
    #[serde(default)]
    pub literals: Vec<String>,
    /// A regex byte class of every byte a match can contain. The regex runs only on the run of
    /// such bytes around an anchor. Without it the regex runs over the whole string.
    #[serde(default)]
    pub charset: Option<String>,
    /// The run around an anchor must contain one of these literals (`"."` for IPv4).
    #[serde(default)]
    pub region_contains: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    /// Whole words that, near a match, raise confidence one level.
    #[serde(default)]
    pub words: Vec<String>,
    /// Field names (JSON keys, Parquet columns; matched by token: `client_ip` → `client`,
    /// `ip`) that raise confidence one level. Kept apart from `words`: a `text` column says
    /// nothing, though "text me" does.
    #[serde(default)]
    pub field_words: Vec<String>,
    /// Whole words that, near a match, lower confidence one level.
    #[serde(default)]
    pub negative_words: Vec<String>,
    /// Words that, as the word right before a match, mean it is not personal data
    /// (`Windows 10.0.0.1` is a version, not an address). Such matches are dropped.
    #[serde(default)]
    pub drop_before: Vec<String>,
    /// Report a match only when `words` or `field_words` support it (`date_of_birth`: a date
    /// is a birth date only next to "born" or in a `dob` field).
    #[serde(default)]
    pub required: bool,
    /// How many bytes before and after a match are searched for context words.
    #[serde(default = "default_window")]
    pub window: usize,
}

impl Default for ContextSpec {
    fn default() -> Self {
        ContextSpec {
            words: Vec::new(),
            field_words: Vec::new(),
            negative_words: Vec::new(),
            drop_before: Vec::new(),
            required: false,
            window: default_window(),
        }
    }
}

fn default_window() -> usize {
    48
}
