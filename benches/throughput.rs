//! End-to-end scan throughput on a generated OpenAI-style chat corpus (~1 PII value per 2 KB),
//! as JSON Lines (a third of records `\u`-escaped) and as Parquet (`messages` column,
//! snappy, row groups of 4096 rows), each measured against a baseline taken in the same run:
//! for JSONL counting newlines with memchr over the mapped file (what `wc -l` does), for Parquet
//! decoding the same columns with arrow-rs and doing nothing with them.
//!
//!     cargo bench --bench throughput                  # 64 MB corpus
//!     PIISCAN_BENCH_MB=256 cargo bench --bench throughput
//!
//! Machines here are shared and noisy: compare the ratios, not the absolute MB/s.

use piiscan::findings::Finding;
use piiscan::redact::{self, Operator, Policy, RedactOptions};
use piiscan::report::{Sink, Summary};
use piiscan::scan::{self, Diagnostics, ScanOptions};
#[path = "common/corpus.rs"]
mod corpus;

use std::time::{Duration, Instant};

/// Decodes every column of the Parquet file and returns the rows read (the Parquet baseline).
fn decode_parquet(path: &std::path::Path) -> u64 {
    let file = std::fs::File::open(path).expect("open");
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("reader")
        .with_batch_size(4096)
        .build()
        .expect("build");
    reader.map(|b| b.expect("batch").num_rows() as u64).sum()
}

struct CountSink(u64);
impl Sink for CountSink {
    fn finding(&mut self, _: &Finding) -> std::io::Result<()> {
        self.0 += 1;
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}

struct Quiet;
impl Diagnostics for Quiet {
    fn error(&mut self, _: &piiscan::findings::InputError) {}
    fn skipped(&mut self, _: &piiscan::findings::Skipped) {}
}

/// Redacts `path` into `clean` with the default policy; returns the values replaced.
fn redact_with<'a>(
    path: &'a std::path::Path,
    clean: &'a std::path::Path,
) -> impl FnMut() -> u64 + 'a {
    move || {
        let opts = RedactOptions {
            scan: ScanOptions {
                threads: 1,
                ..ScanOptions::new(vec![path.to_path_buf()]).expect("rules")
            },
            out_dir: clean.to_path_buf(),
            policy: Policy {
                default: Operator::Replace,
                per_kind: Default::default(),
                kinds: None,
                drop_records_with: Vec::new(),
                numbered: false,
                keep_tail: None,
                key: piiscan::findings::FingerprintKey::unkeyed(),
            },
            force: true,
            dry_run: false,
        };
        let m = redact::run(opts).expect("redact");
        m.files[0].replacements.values().sum::<u64>()
    }
}

fn best_of<T: Default>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = T::default();
    for _ in 0..runs {
        let t = Instant::now();
        out = std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    (best, out)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` runs benches with no such flag: stay cheap.
    let benching = std::env::args().any(|a| a == "--bench");
    let mb: usize = std::env::var("PIISCAN_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 64 } else { 1 });
    let runs = if benching { 3 } else { 1 };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("chat.jsonl");
    let size = {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create corpus"));
        let n = corpus::write_jsonl(mb << 20, &mut f).expect("write corpus");
        std::io::Write::flush(&mut f).expect("write corpus");
        n as f64 / 1e6
    };
    let pq_path = dir.path().join("chat.parquet");
    corpus::write_parquet(mb << 20, &pq_path).expect("write parquet corpus");

    let file = std::fs::File::open(&path).expect("open");
    // SAFETY: a private temporary file nobody else writes.
    let map = unsafe { memmap2::Mmap::map(&file) }.expect("map");
    let (t_base, lines) = best_of(runs, || memchr::memchr_iter(b'\n', &map).count() as u64);

    let scan_with = |path: &std::path::Path, threads: usize| {
        let path = path.to_path_buf();
        move || {
            let opts = ScanOptions {
                threads,
                ..ScanOptions::new(vec![path.clone()]).expect("rules")
            };
            let mut sink = CountSink(0);
            let summary = scan::run(opts, &mut sink, &mut Quiet).expect("scan");
            (sink.0, summary.bytes_scanned)
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (t1, (found, _)) = best_of(runs, scan_with(&path, 1));
    let (tn, (found_n, _)) = best_of(runs, scan_with(&path, cores));
    assert_eq!(found, found_n, "same findings whatever the thread count");
    // Redaction of the same file (one file: one thread), written to a temporary directory.
    let clean = dir.path().join("clean");
    let (tr, replaced) = best_of(runs, redact_with(&path, &clean));

    let rate = |mb: f64, t: Duration| mb / t.as_secs_f64();
    println!(
        "JSONL: {size:.1} MB, {lines} lines, {found} findings ({replaced} replaced by redact); best of {runs}"
    );
    println!("{:<34} {:>10} {:>12}", "", "MB/s", "vs baseline");
    println!(
        "{:<34} {:>10.0} {:>12}",
        "baseline (memchr newlines)",
        rate(size, t_base),
        "1.00"
    );
    for (name, t) in [
        ("piiscan scan, 1 thread".to_string(), t1),
        (format!("piiscan scan, {cores} threads"), tn),
        ("piiscan redact, 1 thread".to_string(), tr),
    ] {
        println!(
            "{name:<34} {:>10.1} {:>12.4}",
            rate(size, t),
            t_base.as_secs_f64() / t.as_secs_f64()
        );
    }
    println!(
        "scaling 1 -> {cores} threads: {:.2}x",
        t1.as_secs_f64() / tn.as_secs_f64()
    );

    // Parquet: MB/s of decoded string data.
    let (t_decode, rows) = best_of(runs, || decode_parquet(&pq_path));
    let (p1, (pfound, strings)) = best_of(runs, scan_with(&pq_path, 1));
    let (pn, (pfound_n, _)) = best_of(runs, scan_with(&pq_path, cores));
    assert_eq!(
        (pfound, pfound_n),
        (found, found),
        "Parquet finds what JSONL finds"
    );
    let smb = strings as f64 / 1e6;
    let file_mb = std::fs::metadata(&pq_path).map_or(0, |m| m.len()) as f64 / 1e6;
    println!();
    println!(
        "Parquet: {file_mb:.1} MB file, {rows} rows, {smb:.1} MB of strings, {pfound} findings"
    );
    println!("{:<34} {:>10} {:>12}", "", "MB/s", "vs baseline");
    println!(
        "{:<34} {:>10.0} {:>12}",
        "baseline (arrow-rs decode, 1 thr)",
        rate(smb, t_decode),
        "1.00"
    );
    let (pr, preplaced) = best_of(runs, redact_with(&pq_path, &clean));
    assert_eq!(
        preplaced, replaced,
        "Parquet redaction replaces what JSONL redaction does"
    );
    for (name, t) in [
        ("piiscan scan, 1 thread".to_string(), p1),
        (format!("piiscan scan, {cores} threads"), pn),
        ("piiscan redact, 1 thread".to_string(), pr),
    ] {
        println!(
            "{name:<34} {:>10.1} {:>12.4}",
            rate(smb, t),
            t_decode.as_secs_f64() / t.as_secs_f64()
        );
    }
}
