//! The line syntax shared by allow and deny lists:
//!
//! ```text
//! # comment
//! value                 an exact value, any kind
//! kind:value            an exact value of one kind
//! /regex/               a regex, any kind
//! kind:/regex/          a regex of one kind
//! ```
//!
//! A `kind:` prefix is lowercase letters and `_`; `fe80::1` is a value, not kind `fe80`.

use crate::error::{Error, Result};
use std::path::Path;

/// One entry of a list file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry<'a> {
    Exact {
        kind: Option<&'a str>,
        value: &'a str,
    },
    /// A regex (the caller compiles it).
    Regex {
        kind: Option<&'a str>,
        regex: &'a str,
    },
}

/// Parses one line; `Ok(None)` for blank lines and comments.
pub fn parse(line: &str) -> std::result::Result<Option<Entry<'_>>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (kind, rest) = match line.split_once(':') {
        Some((k, rest))
            if !k.is_empty()
                && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                && !rest.is_empty()
                && !rest.starts_with(':') =>
        {
            (Some(k), rest)
        }
        _ => (None, line),
    };
    if let Some(regex) = rest.strip_prefix('/').and_then(|r| r.strip_suffix('/')) {
        return Ok(Some(Entry::Regex { kind, regex }));
    }
    Ok(Some(Entry::Exact {
        kind,
        value: rest.trim(),
    }))
}

/// Feeds every line of `path` to `add`; an error names the file and line.
pub fn load(
    path: &Path,
    mut add: impl FnMut(&str) -> std::result::Result<(), String>,
) -> Result<()> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    for (i, line) in text.lines().enumerate() {
        add(line).map_err(|m| Error::Config(format!("{}:{}: {m}", path.display(), i + 1)))?;
    }
    Ok(())
}
