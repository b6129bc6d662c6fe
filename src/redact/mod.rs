//! `piiscan redact`: clean copies of JSON Lines and text files, mirrored under an output
//! directory, with a manifest (`redaction-manifest.json`) that says per file what changed and
//! never holds a raw value.
//!
//! Inputs are never modified: an output directory equal to or inside an input is refused, and
//! every output is written to a temporary file beside its destination and renamed into place
//! only when complete, so an interrupted run leaves no half file under a final name. Existing
//! outputs are not replaced without `force`.
//!
//! Parquet files keep their schema, row groups, codecs and key-value metadata ([`parquet`]).

pub mod operators;
mod parquet;
mod records;

pub use operators::{mask_keeping_tail, Operator, Policy};

use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::findings::{InputError, Skipped};
use crate::formats::discover::{discover, InputFile};
use crate::formats::emit::Emitter;
use crate::formats::{looks_binary, Format};
use crate::report::Output;
use crate::scan::ScanOptions;
use operators::FileState;
use rayon::prelude::*;
use records::{Counts, Outcome, Work};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The manifest's file name in the output directory.
pub const MANIFEST: &str = "redaction-manifest.json";

/// Test hook: fail after writing this many records of a file (checks that an interrupted run
/// leaves no file under its final name).
const FAIL_AFTER_ENV: &str = "PIISCAN_REDACT_FAIL_AFTER";

pub struct RedactOptions {
    /// Inputs, rules, allow lists, thresholds, key and threads (as for `scan`).
    pub scan: ScanOptions,
    pub out_dir: PathBuf,
    pub policy: Policy,
    /// Replace existing outputs.
    pub force: bool,
    /// Count what would change; write nothing.
    pub dry_run: bool,
}

/// What happened to one input file.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub input: String,
    /// Where the clean copy is (absent in a dry run and for files that failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    pub format: &'static str,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_sha256: Option<String>,
    pub records_in: u64,
    pub records_out: u64,
    pub dropped_records: u64,
    /// Replaced values per kind.
    pub replacements: Counts,
    pub errors: Vec<InputError>,
}

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub piiscan_version: &'static str,
    pub dry_run: bool,
    pub files: Vec<FileReport>,
    pub skipped: Vec<Skipped>,
    /// Inputs that could not be read at all.
    pub errors: Vec<InputError>,
}

impl Manifest {
    pub fn error_count(&self) -> usize {
        self.errors.len() + self.files.iter().map(|f| f.errors.len()).sum::<usize>()
    }
}

/// `path` made absolute without requiring it to exist: the nearest existing ancestor is
/// resolved (symbolic links included) and the rest appended.
fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = std::fs::canonicalize(cur) {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

/// The output path of `file`, found below the command-line path it came from.
fn output_path(file: &InputFile, roots: &[PathBuf], out_dir: &Path) -> PathBuf {
    for root in roots {
        if root.is_dir() {
            if let Ok(rel) = file.path.strip_prefix(root) {
                let clean: PathBuf = rel
                    .components()
                    .filter(|c| matches!(c, Component::Normal(_)))
                    .collect();
                return out_dir.join(clean);
            }
        }
    }
    out_dir.join(file.path.file_name().unwrap_or_default())
}

/// Runs a redaction; the manifest is written to the output directory unless `dry_run`.
pub fn run(opts: RedactOptions) -> Result<Manifest> {
    let out_abs = resolved(&opts.out_dir);
    for input in &opts.scan.paths {
        let inp = resolved(input);
        if out_abs == inp || out_abs.starts_with(&inp) {
            return Err(Error::Config(format!(
                "{}: the output directory is (inside) the input {}; inputs are never modified",
                opts.out_dir.display(),
                input.display()
            )));
        }
    }
    let found = discover(&opts.scan.paths, opts.scan.input_format);
    let targets: Vec<PathBuf> = found
        .files
        .iter()
        .map(|f| output_path(f, &opts.scan.paths, &opts.out_dir))
        .collect();
    // No output may land on an input (`redact data/a.jsonl -o data --force`).
    let inputs: std::collections::HashSet<PathBuf> =
        found.files.iter().map(|f| resolved(&f.path)).collect();
    for t in targets
        .iter()
        .chain(std::iter::once(&opts.out_dir.join(MANIFEST)))
    {
        if inputs.contains(&resolved(t)) {
            return Err(Error::Config(format!(
                "{}: the output would overwrite an input; inputs are never modified",
                t.display()
            )));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for t in &targets {
        if !seen.insert(t) {
            return Err(Error::Config(format!(
                "two inputs would be written to {}; redact them separately",
                t.display()
            )));
        }
    }
    if !opts.force && !opts.dry_run {
        let existing: Vec<String> = targets
            .iter()
            .chain(std::iter::once(&opts.out_dir.join(MANIFEST)))
            .filter(|t| t.exists())
            .map(|t| t.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(Error::Config(format!(
                "{} output file(s) exist ({}{}); use --force to replace them",
                existing.len(),
                existing[0],
                if existing.len() > 1 { ", …" } else { "" }
            )));
        }
    }
    let scan = opts.scan;
    let emitter = Emitter::new(
        Detector::new(scan.rules, scan.env)
            .with_fields(scan.fields)
            .scan_data_uris(scan.scan_data_uris),
        scan.allow,
        scan.key,
        false,
        scan.min_confidence,
    )
    .with_thresholds(&scan.thresholds);
    let threads = if scan.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        scan.threads
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Config(format!("cannot start {threads} threads: {e}")))?;
    let fail_after: Option<u64> = std::env::var(FAIL_AFTER_ENV)
        .ok()
        .and_then(|v| v.parse().ok());
    let job = Job {
        em: &emitter,
        policy: &opts.policy,
        dry_run: opts.dry_run,
        fail_after,
    };
    let files: Vec<FileReport> = pool.install(|| {
        found
            .files
            .par_iter()
            .zip(targets.par_iter())
            .map(|(f, t)| job.file(f, t))
            .collect()
    });
    let manifest = Manifest {
        piiscan_version: env!("CARGO_PKG_VERSION"),
        dry_run: opts.dry_run,
        files,
        skipped: found.skipped,
        errors: found.errors,
    };
    if !opts.dry_run {
        std::fs::create_dir_all(&opts.out_dir).map_err(|e| Error::io(&opts.out_dir, e))?;
        let path = opts.out_dir.join(MANIFEST);
        let mut out = Output::open(Some(&path))?;
        serde_json::to_writer_pretty(&mut out, &manifest)
            .map_err(|e| Error::Output(std::io::Error::other(e)))?;
        out.write_all(b"\n").map_err(Error::Output)?;
        out.commit()?;
    }
    Ok(manifest)
}

struct Job<'a> {
    em: &'a Emitter,
    policy: &'a Policy,
    dry_run: bool,
    fail_after: Option<u64>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Job<'_> {
    fn file(&self, f: &InputFile, target: &Path) -> FileReport {
        let mut report = FileReport {
            input: f.display.to_string(),
            output: None,
            format: match f.format {
                Format::Jsonl => "jsonl",
                Format::Text => "text",
                Format::Parquet => "parquet",
            },
            status: "failed",
            input_sha256: None,
            output_sha256: None,
            records_in: 0,
            records_out: 0,
            dropped_records: 0,
            replacements: Counts::new(),
            errors: Vec::new(),
        };
        let fail = |report: &mut FileReport, msg: String| {
            report.errors.push(InputError::file(&f.display, msg));
        };
        if f.format == Format::Parquet {
            return self.parquet(f, target, report);
        }
        let file = match std::fs::File::open(&f.path) {
            Ok(file) => file,
            Err(e) => {
                fail(&mut report, format!("cannot read: {e}"));
                return report;
            }
        };
        let map;
        let data: &[u8] = if f.size == 0 {
            &[]
        } else {
            // SAFETY: read-only map of a file piiscan does not write; see `scan` for the
            // caveat about files truncated by another process.
            map = match unsafe { memmap2::Mmap::map(&file) } {
                Ok(m) => m,
                Err(e) => {
                    fail(&mut report, format!("cannot map: {e}"));
                    return report;
                }
            };
            &map
        };
        if looks_binary(data) {
            report.status = "skipped";
            fail(&mut report, "binary file (NUL byte); not copied".into());
            return report;
        }
        report.input_sha256 = Some(hex(&Sha256::digest(data)));
        match self.write(f, data, target, &mut report) {
            Ok(()) => {
                report.status = if self.dry_run { "dry-run" } else { "written" };
                if !self.dry_run {
                    report.output = Some(target.display().to_string());
                }
            }
            Err(e) => {
                report.output_sha256 = None;
                fail(&mut report, format!("not written: {e}"));
            }
        }
        report
    }

    /// Redacts `data` record by record into `target` (atomically), or only counts in a dry run.
    fn write(
        &self,
        f: &InputFile,
        data: &[u8],
        target: &Path,
        report: &mut FileReport,
    ) -> std::result::Result<(), String> {
        let mut out = if self.dry_run {
            None
        } else {
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            Some(Output::open(Some(target)).map_err(|e| e.to_string())?)
        };
        let mut hasher = Sha256::new();
        let mut work = Work::default();
        let mut state = FileState::default();
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
        let path: &Arc<str> = &f.display;
        let mut pos = 0;
        let mut line_no = 0u64;
        while pos < data.len() {
            let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |k| pos + k);
            let next = (end + 1).min(data.len());
            let mut body_end = end;
            if body_end > pos && data[body_end - 1] == b'\r' {
                body_end -= 1;
            }
            let (line, terminator) = (&data[pos..body_end], &data[body_end..next]);
            pos = next;
            line_no += 1;
            report.records_in += 1;
            let start = buf.len();
            let outcome = if f.format == Format::Jsonl && !line.iter().all(u8::is_ascii_whitespace)
            {
                match records::json_line(
                    self.em,
                    self.policy,
                    &mut state,
                    line,
                    &mut work,
                    &mut report.replacements,
                    &mut buf,
                ) {
                    Ok(o) => o,
                    Err(e) => {
                        buf.truncate(start);
                        report.errors.push(InputError::at_line(
                            path,
                            line_no,
                            format!(
                                "invalid JSON at byte {}: {} (record redacted as text)",
                                e.offset + 1,
                                e.message
                            ),
                        ));
                        self.text(line, &mut state, &mut work, report, &mut buf)
                    }
                }
            } else {
                if let Err(e) = std::str::from_utf8(line) {
                    report.errors.push(InputError::at_line(
                        path,
                        line_no,
                        format!(
                            "invalid UTF-8 at byte {} (invalid bytes kept as they are)",
                            e.valid_up_to() + 1
                        ),
                    ));
                }
                self.text(line, &mut state, &mut work, report, &mut buf)
            };
            match outcome {
                Outcome::Drop => {
                    buf.truncate(start);
                    report.dropped_records += 1;
                }
                Outcome::Keep => {
                    buf.extend_from_slice(terminator);
                    report.records_out += 1;
                }
            }
            if self.fail_after.is_some_and(|n| report.records_out >= n) {
                return Err(format!("{FAIL_AFTER_ENV} reached"));
            }
            if buf.len() >= 1 << 16 {
                flush(&mut buf, &mut hasher, out.as_mut())?;
            }
        }
        flush(&mut buf, &mut hasher, out.as_mut())?;
        if let Some(out) = out {
            out.commit().map_err(|e| e.to_string())?;
            report.output_sha256 = Some(hex(&hasher.finalize()));
        }
        Ok(())
    }

    fn parquet(&self, f: &InputFile, target: &Path, mut report: FileReport) -> FileReport {
        let mut hasher = Sha256::new();
        let hashed = std::fs::File::open(&f.path).and_then(|mut file| {
            std::io::copy(&mut file, &mut hasher)?;
            Ok(())
        });
        if let Err(e) = hashed {
            report
                .errors
                .push(InputError::file(&f.display, format!("cannot read: {e}")));
            return report;
        }
        report.input_sha256 = Some(hex(&hasher.finalize()));
        let mut redactor = parquet::Redactor::new(self.em, self.policy);
        redactor.fail_after = self.fail_after;
        let result = if self.dry_run {
            redactor
                .file(&f.path, std::io::sink())
                .map(|(stats, _)| (stats, None))
        } else {
            (|| {
                if let Some(dir) = target.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                }
                let out = Output::open(Some(target)).map_err(|e| e.to_string())?;
                let (stats, w) = redactor.file(
                    &f.path,
                    Hashing {
                        out,
                        hasher: Sha256::new(),
                    },
                )?;
                w.out.commit().map_err(|e| e.to_string())?;
                Ok((stats, Some(hex(&w.hasher.finalize()))))
            })()
        };
        match result {
            Ok((stats, sha)) => {
                report.records_in = stats.rows_in;
                report.records_out = stats.rows_out;
                report.dropped_records = stats.rows_in - stats.rows_out;
                report.replacements = redactor.counts;
                report.output_sha256 = sha;
                report.status = if self.dry_run { "dry-run" } else { "written" };
                if !self.dry_run {
                    report.output = Some(target.display().to_string());
                }
            }
            Err(e) => report
                .errors
                .push(InputError::file(&f.display, format!("not written: {e}"))),
        }
        report
    }

    fn text(
        &self,
        line: &[u8],
        state: &mut FileState,
        work: &mut Work,
        report: &mut FileReport,
        buf: &mut Vec<u8>,
    ) -> Outcome {
        records::text_line(
            self.em,
            self.policy,
            state,
            line,
            work,
            &mut report.replacements,
            buf,
        )
    }
}

fn flush(
    buf: &mut Vec<u8>,
    hasher: &mut Sha256,
    out: Option<&mut Output>,
) -> std::result::Result<(), String> {
    hasher.update(&buf[..]);
    if let Some(out) = out {
        out.write_all(buf).map_err(|e| e.to_string())?;
    }
    buf.clear();
    Ok(())
}

/// A writer that hashes what passes through it.
struct Hashing {
    out: Output,
    hasher: Sha256,
}

impl Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
