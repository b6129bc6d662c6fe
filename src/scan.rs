//! The scan pipeline. Files are split into work units (a newline-aligned chunk of a JSON Lines
//! or text file, or a Parquet row group); units run on a rayon pool, a bounded number ahead of
//! the writer, and hand their results on in small parts that are emitted strictly in order. So
//! output is the same whatever the thread count or chunk size, and memory is bounded by what
//! the units may hold for the writer (`backlog`) rather than by the size of the input.

use crate::backlog::Backlog;
use crate::detect::{AllowList, Detector, FieldKinds, Scratch, ValidationEnv};
use crate::error::{Error, Result};
use crate::findings::{Confidence, FingerprintKey, InputError, Skipped};
use crate::formats::discover::{discover, InputFile};
use crate::formats::emit::{ChunkResult, Emitter, Parts, PART_FINDINGS};
use crate::formats::parquet::{self, ParquetPlan};
use crate::formats::{jsonl, lines, looks_binary, text, Format};
use crate::report::{Sink, Summary, MAX_LISTED_ERRORS};
use crate::rules::RuleSet;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::VecDeque;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::time::Instant;

/// Parts the unit being written may have waiting for the writer before it blocks.
const PARTS_IN_FLIGHT: usize = 2;

/// Items (findings and errors) the units after the one being written may hold together before
/// they block. On text dense with personal data (`gen_corpus 16 dense`: a finding every 23
/// bytes, 180,000 in a 4 MiB chunk) a two-thread scan peaked at 51–78 MB RssAnon with this
/// (two runs), 21 MB when each unit could hold only two parts (and the second thread then
/// mostly waited).
const ITEMS_AHEAD: usize = 1 << 16;

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
    /// Field names whose values are reported whole (`full_name`, `dob`).
    pub fields: FieldKinds,
    /// Values never reported.
    pub allow: AllowList,
    pub key: FingerprintKey,
    pub show_values: bool,
    pub min_confidence: Confidence,
    /// Per-kind thresholds that replace `min_confidence` for their kinds.
    pub thresholds: std::collections::BTreeMap<String, Confidence>,
    /// Also scan Parquet binary columns (as UTF-8 where valid).
    pub scan_binary: bool,
    /// Also scan the base64 payloads of data URIs as text (see [`crate::detect::opaque`]).
    pub scan_data_uris: bool,
    pub progress: bool,
}

impl ScanOptions {
    /// The defaults of `piiscan scan PATHS`: built-in rules, field names and placeholders,
    /// default phone regions, an unkeyed fingerprint, masked values, one thread per core.
    pub fn new(paths: Vec<PathBuf>) -> crate::error::Result<Self> {
        Ok(Self::with_rules(paths, RuleSet::builtin()?))
    }

    /// The same defaults with `rules` (compiling rules is most of a small scan's start-up: a
    /// caller with its own set does not compile the built-in one as well).
    pub fn with_rules(paths: Vec<PathBuf>, rules: RuleSet) -> Self {
        ScanOptions {
            paths,
            input_format: None,
            threads: 0,
            chunk_size: DEFAULT_CHUNK_SIZE,
            rules,
            env: ValidationEnv::default(),
            fields: FieldKinds::default(),
            allow: AllowList::placeholders(),
            key: FingerprintKey::unkeyed(),
            show_values: false,
            min_confidence: Confidence::Low,
            thresholds: Default::default(),
            scan_binary: false,
            scan_data_uris: false,
            progress: false,
        }
    }
}

/// Where notices and errors are shown as the scan goes (stderr in the binary).
pub trait Diagnostics {
    fn error(&mut self, e: &InputError);
    fn skipped(&mut self, s: &Skipped);
    /// A remark about the scan as a whole.
    fn note(&mut self, _message: &str) {}
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
    run_holding(opts, sink, diag, ITEMS_AHEAD)
}

/// [`run`], the units after the one being written holding at most `items_ahead` items.
fn run_holding(
    opts: ScanOptions,
    sink: &mut dyn Sink,
    diag: &mut dyn Diagnostics,
    items_ahead: usize,
) -> Result<Summary> {
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
        Detector::new(opts.rules, opts.env)
            .with_fields(opts.fields)
            .scan_data_uris(opts.scan_data_uris),
        opts.allow,
        opts.key.clone(),
        opts.show_values,
        opts.min_confidence,
    )
    .with_thresholds(&opts.thresholds);
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
    let window = (threads * 4).max(4);
    let mut failed: Option<Error> = None;
    let cancel = AtomicBool::new(false);
    let (mut line_offset, mut file_has_findings) = (0u64, false);
    // Ordered streaming: up to `window` units run ahead; each hands its results on in parts
    // through a channel of its own, and this thread drains the oldest unit first. What the
    // units hold for this thread is bounded (see `Backlog`): the oldest unit
    // PARTS_IN_FLIGHT × PART_FINDINGS items, the others `items_ahead` together, whatever the
    // size of a file or a row group. Units start in spawn order (rayon's injector is FIFO),
    // so the oldest always runs.
    let backlog = Backlog::new(units.len(), PARTS_IN_FLIGHT * PART_FINDINGS, items_ahead);
    let items = |part: &ChunkResult| (part.findings.len() + part.errors.len()).max(1);
    pool.in_place_scope(|scope| {
        let mut pending: VecDeque<(usize, &Unit, Receiver<ChunkResult>)> = VecDeque::new();
        let mut next = units.iter().enumerate();
        loop {
            while pending.len() < window {
                let Some((i, u)) = next.next() else { break };
                let (tx, rx) = channel::<ChunkResult>();
                let (emitter, files, plans, cancel) = (&emitter, &files, &plans, &cancel);
                let backlog = &backlog;
                scope.spawn(move |_| {
                    let mut send = |part: ChunkResult| {
                        backlog.reserve(i, items(&part)) && tx.send(part).is_ok()
                    };
                    let mut parts = Parts::new(&mut send).with_cancel(cancel);
                    let file = &files[u.file];
                    let plan = plans[u.file].as_ref();
                    // A panic while reading (the Parquet decoder asserts on some corrupt data)
                    // costs this unit, not the scan: it becomes an input error.
                    let mut scratch = Scratch::default();
                    let read = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        scan_unit(
                            emitter,
                            file,
                            plan,
                            u,
                            scan_binary,
                            &mut scratch,
                            &mut parts,
                        );
                    }));
                    if let Err(panic) = read {
                        parts
                            .cur
                            .errors
                            .push(panic_error(file, plan.is_some(), u, panic.as_ref()));
                    }
                    parts.cur.data_uri_bytes += scratch.data_uri_bytes();
                    parts.flush();
                });
                pending.push_back((i, u, rx));
            }
            let Some((i, u, rx)) = pending.pop_front() else {
                break;
            };
            backlog.write(i);
            if u.chunk == 0 {
                line_offset = 0;
                file_has_findings = false;
            }
            let (mut unit_lines, mut scanned) = (0u64, false);
            for mut r in rx.iter() {
                let held = items(&r);
                for f in &mut r.findings {
                    f.line = f.line.map(|l| l + line_offset);
                    summary.count_finding(f);
                    if let Err(e) = sink.finding(f) {
                        failed = Some(Error::Output(e));
                        cancel.store(true, Ordering::Relaxed);
                        break;
                    }
                }
                if failed.is_some() {
                    break;
                }
                for mut e in r.errors {
                    e.line = e.line.map(|l| l + line_offset);
                    if summary.error_count < MAX_LISTED_ERRORS as u64 {
                        diag.error(&e);
                    }
                    summary.add_error(e);
                }
                for s in r.skipped {
                    diag.skipped(&s);
                    summary.files_skipped += 1;
                    summary.skipped.push(s);
                }
                file_has_findings |= !r.findings.is_empty();
                unit_lines += r.lines;
                scanned |= r.scanned;
                summary.bytes_scanned += r.bytes;
                summary.data_uri_bytes_skipped += r.data_uri_bytes;
                summary.lines_scanned += r.lines;
                summary.rows_scanned += r.rows;
                summary.below_min_confidence += r.below_threshold;
                summary.allowed += r.allowed;
                backlog.written(held);
            }
            if failed.is_some() {
                // Dropping the receivers makes the running units stop at their next part,
                // and those waiting to hand one on give up.
                backlog.stop();
                pending.clear();
                break;
            }
            line_offset += unit_lines;
            if u.chunk + 1 == u.chunks && scanned {
                summary.files_scanned += 1;
                summary.files_with_findings += u64::from(file_has_findings);
            }
            bar.inc(files[u.file].size / u.chunks as u64);
        }
    });
    bar.finish_and_clear();
    if let Some(e) = failed {
        return Err(e);
    }
    if summary.error_count > MAX_LISTED_ERRORS as u64 {
        diag.note(&format!(
            "{} more errors not shown (the summary counts them all)",
            summary.error_count - MAX_LISTED_ERRORS as u64
        ));
    }
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

/// The input error for a reader that panicked (a bug in a decoder on corrupt data).
fn panic_error(
    file: &InputFile,
    parquet: bool,
    u: &Unit,
    panic: &(dyn std::any::Any + Send),
) -> InputError {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    let message = format!("reader failed on corrupt or unsupported data: {what}");
    if parquet {
        InputError {
            row_group: Some(u.chunk as u64),
            ..InputError::file(&file.display, message)
        }
    } else {
        InputError::file(&file.display, format!("{message} (chunk {})", u.chunk))
    }
}

/// Scans one unit: a Parquet row group, or a chunk of a JSON Lines or text file.
fn scan_unit(
    em: &Emitter,
    file: &InputFile,
    plan: Option<&Result<ParquetPlan, String>>,
    u: &Unit,
    scan_binary: bool,
    scratch: &mut Scratch,
    parts: &mut Parts<'_>,
) {
    #[cfg(test)]
    if file.display.contains("__panic__") {
        panic!("test hook: reader panic");
    }
    match plan {
        Some(Ok(plan)) => parquet::scan_row_group(
            em,
            &file.display,
            &file.path,
            plan,
            u.chunk,
            scan_binary,
            scratch,
            parts,
        ),
        Some(Err(message)) => parts
            .cur
            .errors
            .push(InputError::file(&file.display, message.clone())),
        None => scan_chunk(em, file, u, scratch, parts),
    }
}

/// Reads one chunk of a JSON Lines or text file. Errors opening or mapping the file are
/// reported once, by chunk 0.
fn scan_chunk(
    em: &Emitter,
    file: &InputFile,
    u: &Unit,
    scratch: &mut Scratch,
    parts: &mut Parts<'_>,
) {
    let fail = |parts: &mut Parts<'_>, message: String| {
        if u.chunk == 0 {
            parts
                .cur
                .errors
                .push(InputError::file(&file.display, message));
        }
    };
    let f = match std::fs::File::open(&file.path) {
        Ok(f) => f,
        Err(e) => return fail(parts, format!("cannot open: {e}")),
    };
    let len = match f.metadata() {
        Ok(m) => m.len(),
        Err(e) => return fail(parts, format!("cannot read metadata: {e}")),
    };
    if len == 0 {
        parts.cur.scanned = true;
        return;
    }
    // SAFETY: the map is read-only and private to this unit. As with any memory map, a file
    // truncated by another process while it is being read can fault; piiscan never writes
    // its inputs.
    let map = match unsafe { memmap2::Mmap::map(&f) } {
        Ok(m) => m,
        Err(e) => return fail(parts, format!("cannot map: {e}")),
    };
    let data: &[u8] = &map;
    if looks_binary(data) {
        if u.chunk == 0 {
            parts.cur.skipped.push(Skipped {
                path: file.display.clone(),
                reason: "binary (NUL byte in the first 8 KiB)".into(),
            });
        }
        return;
    }
    let range = lines::chunk_range(data, u.chunk, u.chunks);
    let base = range.start as u64;
    let chunk = &data[range];
    match file.format {
        Format::Jsonl => jsonl::scan(em, &file.display, chunk, base, scratch, parts),
        // Parquet files are read by row group (`scan_unit`); only text is left here.
        Format::Text | Format::Parquet => {
            text::scan(em, &file.display, chunk, base, scratch, parts)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Finding;

    #[derive(Default)]
    struct Collect(Vec<Finding>);
    impl Sink for Collect {
        fn finding(&mut self, f: &Finding) -> std::io::Result<()> {
            self.0.push(f.clone());
            Ok(())
        }
        fn finish(&mut self, _: &Summary) -> std::io::Result<()> {
            Ok(())
        }
    }

    struct Silent;
    impl Diagnostics for Silent {
        fn error(&mut self, _: &InputError) {}
        fn skipped(&mut self, _: &Skipped) {}
    }

    fn options(paths: Vec<PathBuf>) -> ScanOptions {
        ScanOptions {
            threads: 2,
            show_values: true,
            ..ScanOptions::new(paths).unwrap()
        }
    }

    #[test]
    fn a_panicking_reader_costs_its_unit_not_the_scan() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.txt", "b__panic__.txt", "c.txt"] {
            std::fs::write(dir.path().join(name), "write to jo.hansen@online.no\n").unwrap();
        }
        let mut sink = Collect::default();
        let summary = run(
            options(vec![dir.path().to_path_buf()]),
            &mut sink,
            &mut Silent,
        )
        .unwrap();
        let files: Vec<String> = sink
            .0
            .iter()
            .map(|f| f.path.rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(files, vec!["a.txt", "c.txt"]);
        assert_eq!(summary.error_count, 1);
        assert!(summary.errors[0].path.ends_with("b__panic__.txt"));
        assert!(
            summary.errors[0].message.contains("reader failed"),
            "{}",
            summary.errors[0].message
        );
    }

    /// Units after the one being written that wait for the writer (a budget of 50 items, spent
    /// by one part) still hand on everything, in order: the output is the one-thread output.
    #[test]
    fn units_waiting_for_the_writer_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data: String = (0..6000)
            .map(|i| {
                format!(
                    "Contact u{i}@mail.de, or 81.169.{}.{}.\n",
                    i % 200,
                    i % 250 + 1
                )
            })
            .collect();
        std::fs::write(dir.path().join("dense.txt"), &data).unwrap();
        let scan = |threads: usize, chunk_size: u64, items_ahead: usize| {
            let opts = ScanOptions {
                threads,
                chunk_size,
                ..options(vec![dir.path().to_path_buf()])
            };
            let mut sink = Collect::default();
            run_holding(opts, &mut sink, &mut Silent, items_ahead).unwrap();
            sink.0
                .iter()
                .map(|f| (f.line, f.start, f.kind.to_string(), f.value.clone()))
                .collect::<Vec<_>>()
        };
        let base = scan(1, DEFAULT_CHUNK_SIZE, ITEMS_AHEAD);
        assert_eq!(base.len(), 12_000);
        for (threads, chunk_size) in [(2, 4096), (3, 20_000), (4, 1 << 20)] {
            assert!(
                scan(threads, chunk_size, 50) == base,
                "{threads} threads, chunks of {chunk_size}"
            );
        }
    }

    struct FailingSink(usize);
    impl Sink for FailingSink {
        fn finding(&mut self, _: &Finding) -> std::io::Result<()> {
            self.0 += 1;
            Err(std::io::Error::other("disk full"))
        }
        fn finish(&mut self, _: &Summary) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_output_stops_the_scan_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let data: String = (0..50_000).map(|i| format!("u{i}@mail.de\n")).collect();
        for name in ["a.txt", "b.txt", "c.txt"] {
            std::fs::write(dir.path().join(name), &data).unwrap();
        }
        let mut opts = options(vec![dir.path().to_path_buf()]);
        opts.chunk_size = 4096;
        let mut sink = FailingSink(0);
        let err = run(opts, &mut sink, &mut Silent).unwrap_err();
        assert!(err.to_string().contains("disk full"));
        assert_eq!(sink.0, 1, "nothing written after the first failure");
    }
}
