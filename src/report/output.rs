//! Where a report goes: stdout, or a file written atomically (a temporary file beside it,
//! renamed over the destination only when the report is complete). Special files such as
//! `/dev/null` or a pipe are written directly, since they cannot be replaced by a rename.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

pub enum Output {
    Stdout(BufWriter<io::Stdout>),
    Direct(BufWriter<File>),
    Atomic {
        file: BufWriter<File>,
        temp: PathBuf,
        dest: PathBuf,
        committed: bool,
    },
}

impl Output {
    /// `None` or `-` is stdout.
    pub fn open(dest: Option<&Path>) -> Result<Output> {
        let Some(dest) = dest.filter(|d| d.as_os_str() != "-") else {
            return Ok(Output::Stdout(BufWriter::new(io::stdout())));
        };
        if let Ok(m) = std::fs::metadata(dest) {
            if m.is_dir() {
                return Err(Error::Config(format!("{}: is a directory", dest.display())));
            }
            if !m.is_file() {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(dest)
                    .map_err(|e| Error::io(dest, e))?;
                return Ok(Output::Direct(BufWriter::new(f)));
            }
        }
        let dir = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.piiscan-{}.tmp", std::process::id()));
        let f = File::create(&temp).map_err(|e| Error::io(&temp, e))?;
        Ok(Output::Atomic {
            file: BufWriter::new(f),
            temp,
            dest: dest.to_path_buf(),
            committed: false,
        })
    }

    /// Flushes and, for a file, renames it into place.
    pub fn commit(mut self) -> Result<()> {
        self.flush().map_err(Error::Output)?;
        if let Output::Atomic {
            file,
            temp,
            dest,
            committed,
        } = &mut self
        {
            file.get_ref().sync_all().map_err(Error::Output)?;
            std::fs::rename(&*temp, &*dest).map_err(|e| Error::io(&*dest, e))?;
            *committed = true;
        }
        Ok(())
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::Direct(w) => w.write(buf),
            Output::Atomic { file, .. } => file.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::Direct(w) => w.write_all(buf),
            Output::Atomic { file, .. } => file.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::Direct(w) => w.flush(),
            Output::Atomic { file, .. } => file.flush(),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Output::Atomic {
            temp,
            committed: false,
            ..
        } = self
        {
            let _ = std::fs::remove_file(temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.jsonl");
        let mut o = Output::open(Some(&dest)).unwrap();
        o.write_all(b"data").unwrap();
        assert!(!dest.exists());
        o.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"data");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn abandoned_output_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.json");
        std::fs::write(&dest, "old").unwrap();
        {
            let mut o = Output::open(Some(&dest)).unwrap();
            o.write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read(&dest).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dev_null_is_written_directly() {
        let mut o = Output::open(Some(Path::new("/dev/null"))).unwrap();
        o.write_all(b"x").unwrap();
        o.commit().unwrap();
        assert!(Path::new("/dev/null").exists());
    }
}
