//! The config file (`piiscan scan --config piiscan.toml`): the settings a team keeps with its
//! dataset or CI job instead of on the command line. Command-line flags win over the file;
//! list flags (`--allow`, `--deny`) add to it. Relative paths are relative to the file.
//!
//! ```toml
//! min_confidence = "low"          # the default threshold
//! operator = "replace"            # redact: default operator
//! numbered = true                 # redact: <EMAIL_1>, <EMAIL_2>
//! regions = ["US", "GB", "DE"]    # phone regions for numbers written without +country code
//! rules = "rules/"                # extra rule files
//! default_allow = true            # documentation placeholders are allowed
//! allow = ["alice@corp.example", "ip_address:/^10\\./"]
//! allow_files = ["allow.txt"]
//! deny = ["person_name:Erika Mustermann"]
//! deny_files = ["deny.txt"]
//! field_names = true              # report fields named like personal data
//! scan_data_uris = false          # skip the base64 payloads of data URIs
//!
//! [thresholds]                    # per-kind minimum confidence
//! phone = "medium"
//! ip_address = "high"
//!
//! [fields]                        # field name -> kind; "" removes a built-in name
//! kunde = "person_name"
//! name = ""
//!
//! [operators]                     # redact: per-kind operators
//! payment_card = "mask"
//! email = "hash"
//! ```

use crate::error::{Error, Result};
use crate::findings::Confidence;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub min_confidence: Option<Confidence>,
    pub regions: Option<Vec<String>>,
    pub rules: Option<PathBuf>,
    pub default_allow: Option<bool>,
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub allow_files: Vec<PathBuf>,
    #[serde(default)]
    pub deny: Vec<String>,
    #[serde(default)]
    pub deny_files: Vec<PathBuf>,
    pub field_names: Option<bool>,
    /// Scan the base64 payloads of data URIs as text too.
    pub scan_data_uris: Option<bool>,
    /// Kind → minimum confidence reported for it.
    #[serde(default)]
    pub thresholds: BTreeMap<String, Confidence>,
    /// Field name → kind (empty: remove).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// `redact`: the default operator (`replace`, `mask`, `hash`, `drop-record`).
    pub operator: Option<String>,
    /// `redact`: operators per kind.
    #[serde(default)]
    pub operators: BTreeMap<String, String>,
    /// `redact`: numbered replacements (`<EMAIL_1>`).
    pub numbered: Option<bool>,
}

impl Config {
    /// Reads a config file; relative paths in it are made relative to its directory.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let rebase = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        if let Some(r) = config.rules.as_mut() {
            rebase(r);
        }
        config.allow_files.iter_mut().for_each(rebase);
        config.deny_files.iter_mut().for_each(rebase);
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_file_parses_and_paths_are_rebased() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("piiscan.toml");
        std::fs::write(
            &path,
            r#"
min_confidence = "medium"
regions = ["GB", "FR"]
allow_files = ["allow.txt"]
deny = ["Erika Mustermann"]
[thresholds]
phone = "high"
[fields]
kunde = "person_name"
"#,
        )
        .unwrap();
        let c = Config::load(&path).unwrap();
        assert_eq!(c.min_confidence, Some(Confidence::Medium));
        assert_eq!(
            c.regions.as_deref(),
            Some(&["GB".to_string(), "FR".to_string()][..])
        );
        assert_eq!(c.allow_files, vec![dir.path().join("allow.txt")]);
        assert_eq!(c.thresholds.get("phone"), Some(&Confidence::High));
        assert_eq!(
            c.fields.get("kunde").map(String::as_str),
            Some("person_name")
        );
    }

    #[test]
    fn unknown_keys_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "min_confidense = \"low\"\n").unwrap();
        let e = Config::load(&path).unwrap_err().to_string();
        assert!(e.contains("c.toml") && e.contains("min_confidense"), "{e}");
    }
}
