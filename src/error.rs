//! Library error types. Per-file input problems (a malformed line, an unreadable file) are not
//! errors of this kind: they are recorded as [`crate::findings::InputError`] and the scan goes on.

use std::path::PathBuf;

/// An error that stops an operation (bad rule file, bad configuration, failed output).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("rule file {file}: {message}")]
    Rule { file: String, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Config(String),
    #[error("writing output: {0}")]
    Output(#[source] std::io::Error),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
