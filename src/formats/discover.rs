//! Turning command-line paths into the list of files to scan: directories are walked
//! recursively in sorted order, hidden entries and symbolic links inside directories are
//! skipped with a notice, and each file gets a format from its extension.

use super::Format;
use crate::findings::{InputError, Skipped};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file to scan.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path as reported: as given on the command line, joined with the path below it.
    pub display: Arc<str>,
    pub size: u64,
    pub format: Format,
}

/// What discovery found: files in order, plus notices and errors.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<InputFile>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<InputError>,
}

fn display(p: &Path) -> Arc<str> {
    Arc::from(p.to_string_lossy().as_ref())
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// Expands `paths` in command-line order; `forced` overrides the format of every file.
pub fn discover(paths: &[PathBuf], forced: Option<Format>) -> Discovery {
    let mut d = Discovery::default();
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => d
                .errors
                .push(InputError::file(&display(p), format!("cannot read: {e}"))),
            Ok(m) if m.is_dir() => walk_dir(p, forced, &mut d),
            Ok(m) => add_file(p, m.len(), forced, &mut d),
        }
    }
    d
}

fn add_file(p: &Path, size: u64, forced: Option<Format>, d: &mut Discovery) {
    let format = forced.unwrap_or_else(|| Format::from_path(p));
    d.files.push(InputFile {
        path: p.to_path_buf(),
        display: display(p),
        size,
        format,
    });
}

fn walk_dir(dir: &Path, forced: Option<Format>, d: &mut Discovery) {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            d.errors.push(InputError::file(
                &display(dir),
                format!("cannot read directory: {e}"),
            ));
            return;
        }
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => children.push(e.path()),
            Err(e) => d.errors.push(InputError::file(
                &display(dir),
                format!("cannot read directory entry: {e}"),
            )),
        }
    }
    children.sort();
    for child in children {
        if is_hidden(&child) {
            d.skipped.push(Skipped {
                path: display(&child),
                reason: "hidden".into(),
            });
            continue;
        }
        match std::fs::symlink_metadata(&child) {
            Err(e) => d.errors.push(InputError::file(
                &display(&child),
                format!("cannot read: {e}"),
            )),
            Ok(m) if m.file_type().is_symlink() => d.skipped.push(Skipped {
                path: display(&child),
                reason: "symbolic link (name it on the command line to scan it)".into(),
            }),
            Ok(m) if m.is_dir() => walk_dir(&child, forced, d),
            Ok(m) if m.is_file() => add_file(&child, m.len(), forced, d),
            Ok(_) => d.skipped.push(Skipped {
                path: display(&child),
                reason: "not a regular file".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_and_skips_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for f in ["b.txt", "a.jsonl", "sub/c.log", ".env", ".git/config"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let d = discover(&[root.to_path_buf()], None);
        let names: Vec<String> = d
            .files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, vec!["a.jsonl", "b.txt", "sub/c.log"]);
        assert_eq!(d.files[0].format, Format::Jsonl);
        assert_eq!(d.skipped.len(), 2);
        assert!(d.errors.is_empty());
    }

    #[test]
    fn missing_path_is_an_error_and_the_rest_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "x").unwrap();
        let d = discover(&[dir.path().join("nope"), f], Some(Format::Jsonl));
        assert_eq!(d.errors.len(), 1);
        assert_eq!(d.files.len(), 1);
        assert_eq!(d.files[0].format, Format::Jsonl);
    }
}
