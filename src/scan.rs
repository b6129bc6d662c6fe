//! The scan pipeline. Files are split into work units (a whole file, or a newline-aligned chunk
//! of a large one); units run on a rayon pool in bounded windows and their results are emitted
//! strictly in order, so output is the same whatever the thread count or chunk size, and memory
//! is bounded by one window of results rather than by the input size.

use crate::detect::{Detector, Scratch, ValidationEnv};
use crate::error::{Error, Result};
use crate::findings::{Confidence, FingerprintKey, InputError, Skipped};
use crate::formats::discover::{discover, InputFile};
use crate::formats::emit::{ChunkResult, Emitter};
use crate::formats::parquet::{self, ParquetPlan};
use crate::formats::{jsonl, lines, looks_binary, text, Format};
use crate::report::{Sink, Summary};
use crate::rules::RuleSet;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Default size of the chunks a large file is split into.
pub const DEFAULT_CHUNK_SIZE: u64 = 4 << 20;

pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub input_format: Option<Format>,
    /// 0 means one per core.
    pub threads: usize,
    pub chunk_size: u64,
    pub rules: RuleSet,
    pub env: ValidationEnv,
    pub key: FingerprintKey,
    pub show_values: bool,
    pub min_confidence: Confidence,
    /// Also scan Parquet binary columns (as UTF-8 where valid).
    pub scan_binary: bool,
    pub progress: bool,
}

/// Where notices and errors are shown as the scan goes (stderr in the binary).
pub trait Diagnostics {
    fn error(&mut self, e: &InputError);
    fn skipped(&mut self, s: &Skipped);
}

/// Prints errors and notices to stderr; notices only when not quiet.
pub struct Stderr {
    pub quiet: bool,
}

impl Diagnostics for Stderr {
    fn error(&mut self, e: &InputError) {
        let _ = writeln!(std::io::stderr(), "piiscan: error: {e}");
    }
    fn skipped(&mut self, s: &Skipped) {
        if !self.quiet {
            let _ = writeln!(
                std::io::stderr(),
                "piiscan: skipped {}: {}",
                s.path,
                s.reason
            );
        }
    }
}

struct Unit {
    file: usize,
    chunk: usize,
    chunks: usize,
}

/// Refuses an output path that is one of the inputs or an existing file below an input
/// directory: piiscan never overwrites what it reads.
pub fn refuse_input_as_output(output: &std::path::Path, inputs: &[PathBuf]) -> Result<()> {
    let Ok(out) = std::fs::canonicalize(output) else {
        return Ok(()); // does not exist yet: it cannot be an input
    };
    for input in inputs {
        if let Ok(inp) = std::fs::canonicalize(input) {
            if out == inp || out.starts_with(&inp) {
                return Err(Error::Config(format!(
                    "{}: the output would overwrite an input file",
                    output.display()
                )));
            }
        }
    }
    Ok(())
}

/// Runs a scan, writing findings to `sink` in order; returns the summary (also given to `sink`).
pub fn run(opts: ScanOptions, sink: &mut dyn Sink, diag: &mut dyn Diagnostics) -> Result<Summary> {
    let started = Instant::now();
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Config(format!("cannot start {threads} threads: {e}")))?;
    let emitter = Emitter::new(
        Detector::new(opts.rules, opts.env),
        opts.key.clone(),
        opts.show_values,
        opts.min_confidence,
    );
    let mut summary = Summary::new(opts.min_confidence, opts.key.is_keyed(), threads);

    let found = discover(&opts.paths, opts.input_format);
    for e in found.errors {
        diag.error(&e);
        summary.add_error(e);
    }
    for s in found.skipped {
        diag.skipped(&s);
        summary.files_skipped += 1;
        summary.skipped.push(s);
    }
    let files = found.files;
    // Parquet footers are read up front (in parallel): a file is split into its row groups.
    let plans: Vec<Option<Result<ParquetPlan, String>>> = pool.install(|| {
        files
            .par_iter()
            .map(|f| {
                (f.format == Format::Parquet).then(|| parquet::plan(&f.path, opts.scan_binary))
            })
            .collect()
    });
    let chunk_size = opts.chunk_size.max(1);
    let units: Vec<Unit> = files
        .iter()
        .enumerate()
        .flat_map(|(i, f)| {
            let chunks = match &plans[i] {
                Some(Ok(plan)) => plan.row_groups().max(1),
                Some(Err(_)) => 1,
                None => f.size.div_ceil(chunk_size).max(1) as usize,
            };
            (0..chunks).map(move |c| Unit {
                file: i,
                chunk: c,
                chunks,
            })
        })
        .collect();
    let scan_binary = opts.scan_binary;

    let total: u64 = files.iter().map(|f| f.size).sum();
    let bar = progress_bar(opts.progress, total);
    let window = (threads * 8).max(8);
    let (mut line_offset, mut file_has_findings) = (0u64, false);
    for batch in units.chunks(window) {
        let results: Vec<ChunkResult> = pool.install(|| {
            batch
                .par_iter()
                .map_init(Scratch::default, |scratch, u| {
                    let file = &files[u.file];
                    match &plans[u.file] {
                        Some(Ok(plan)) => parquet::scan_row_group(
                            &emitter,
                            &file.display,
                            &file.path,
                            plan,
                            u.chunk,
                            scan_binary,
                            scratch,
                        ),
                        Some(Err(message)) => ChunkResult {
                            errors: vec![InputError::file(&file.display, message.clone())],
                            ..ChunkResult::default()
                        },
                        None => scan_unit(&emitter, file, u, scratch),
                    }
                })
                .collect()
        });
        for (u, mut r) in batch.iter().zip(results) {
            if u.chunk == 0 {
                line_offset = 0;
                file_has_findings = false;
            }
            for f in &mut r.findings {
                f.line = f.line.map(|l| l + line_offset);
                summary.count_finding(f);
                sink.finding(f).map_err(Error::Output)?;
            }
            for mut e in r.errors {
                e.line = e.line.map(|l| l + line_offset);
                diag.error(&e);
                summary.add_error(e);
            }
            for s in r.skipped {
                diag.skipped(&s);
                summary.files_skipped += 1;
                summary.skipped.push(s);
            }
            file_has_findings |= !r.findings.is_empty();
            line_offset += r.lines;
            summary.bytes_scanned += r.bytes;
            summary.lines_scanned += r.lines;
            summary.rows_scanned += r.rows;
            summary.below_min_confidence += r.below_threshold;
            if u.chunk + 1 == u.chunks && r.scanned {
                summary.files_scanned += 1;
                summary.files_with_findings += u64::from(file_has_findings);
            }
            bar.inc(files[u.file].size / u.chunks as u64);
        }
    }
    bar.finish_and_clear();
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    sink.finish(&summary).map_err(Error::Output)?;
    Ok(summary)
}

fn progress_bar(enabled: bool, total: u64) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Reads one chunk of a JSON Lines or text file. Errors opening or mapping the file are
/// reported once, by chunk 0.
fn scan_unit(em: &Emitter, file: &InputFile, u: &Unit, scratch: &mut Scratch) -> ChunkResult {
    let fail = |message: String| ChunkResult {
        errors: if u.chunk == 0 {
            vec![InputError::file(&file.display, message)]
        } else {
            Vec::new()
        },
        ..ChunkResult::default()
    };
    let f = match std::fs::File::open(&file.path) {
        Ok(f) => f,
        Err(e) => return fail(format!("cannot open: {e}")),
    };
    let len = match f.metadata() {
        Ok(m) => m.len(),
        Err(e) => return fail(format!("cannot read metadata: {e}")),
    };
    if len == 0 {
        return ChunkResult {
            scanned: true,
            ..ChunkResult::default()
        };
    }
    // SAFETY: the map is read-only and private to this unit. As with any memory map, a file
    // truncated by another process while it is being read can fault; piiscan never writes
    // its inputs.
    let map = match unsafe { memmap2::Mmap::map(&f) } {
        Ok(m) => m,
        Err(e) => return fail(format!("cannot map: {e}")),
    };
    let data: &[u8] = &map;
    if looks_binary(data) {
        return ChunkResult {
            skipped: if u.chunk == 0 {
                vec![Skipped {
                    path: file.display.clone(),
                    reason: "binary (NUL byte in the first 8 KiB)".into(),
                }]
            } else {
                Vec::new()
            },
            ..ChunkResult::default()
        };
    }
    let range = lines::chunk_range(data, u.chunk, u.chunks);
    let base = range.start as u64;
    let chunk = &data[range];
    match file.format {
        Format::Jsonl => jsonl::scan(em, &file.display, chunk, base, scratch),
        // Parquet files are read by row group in `run`; only text is left here.
        Format::Text | Format::Parquet => text::scan(em, &file.display, chunk, base, scratch),
    }
}
