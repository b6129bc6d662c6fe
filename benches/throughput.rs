//! End-to-end scan throughput on a generated OpenAI-style chat JSONL corpus (~1 PII value per
//! 2 KB, a third of records `\u`-escaped), measured against a baseline taken in the same run:
//! counting newlines with memchr over the same mapped file (what `wc -l` does).
//!
//!     cargo bench --bench throughput                  # 64 MB corpus
//!     PIISCAN_BENCH_MB=256 cargo bench --bench throughput
//!
//! Machines here are shared and noisy: compare the ratios, not the absolute MB/s.

use piiscan::detect::ValidationEnv;
use piiscan::findings::{Confidence, Finding, FingerprintKey};
use piiscan::report::{Sink, Summary};
use piiscan::rules::RuleSet;
use piiscan::scan::{self, Diagnostics, ScanOptions};
use std::io::Write;
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift), so every run scans the same bytes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
}

const PROSE: &[&str] = &[
    "Gradient descent updates the parameters in the direction that reduces the loss.",
    "The main idea is to split the problem into smaller pieces that are easier to test.",
    "Before deploying, make sure the migration has been applied to the staging database.",
    "Cosine similarity measures the angle between two vectors, not their length.",
    "Build 10.0.19041.1 failed at 2024-02-01T09:25:16Z, see commit cab5f57b464838c68ed98fea7d2f2e6e20060ade.",
    "Order 641-2024876-7871816 shipped on 2023-03-22; the invoice total was $1,299.99.",
    "Learning rate warmup often stabilises the first few hundred steps of training.",
    "Request 835ebecc-0944-4cd7-a2ab-e5817883090b took 231 ms on v1.2.3.",
];

fn pii(r: &mut Rng) -> String {
    match r.next() % 5 {
        0 => format!(
            "{}.{}{}@{}",
            r.pick(&["anna", "jan", "lea", "omar"]),
            r.pick(&["berg", "roux", "khan"]),
            r.digits(2),
            r.pick(&["gmx.de", "orange.fr", "mail.com"])
        ),
        1 => format!("+44 7400 {}", r.digits(6)),
        2 => format!(
            "{}.{}.{}.{}",
            11 + r.next() % 200,
            r.next() % 250,
            r.next() % 250,
            1 + r.next() % 250
        ),
        3 => "4532 0151 1283 0366".to_string(),
        _ => format!("030 {}", r.digits(8)),
    }
}

fn corpus(target: usize) -> Vec<u8> {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = Vec::with_capacity(target + 4096);
    let mut since_pii = 0usize;
    while out.len() < target {
        let mut user = String::new();
        let mut assistant = String::new();
        for _ in 0..3 {
            user.push_str(r.pick(PROSE));
            user.push(' ');
            assistant.push_str(r.pick(PROSE));
            assistant.push(' ');
        }
        since_pii += user.len() + assistant.len();
        if since_pii >= 2048 {
            user.push_str(&format!("You can reach me at {}.", pii(&mut r)));
            since_pii = 0;
        }
        let record = serde_json::json!({"messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": user},
            {"role": "assistant", "content": assistant},
        ]});
        let mut line = serde_json::to_string(&record).unwrap_or_default();
        if r.next() % 3 == 0 {
            // ensure_ascii-style escaping, as Python's json.dumps writes it.
            line = line.replace('@', "\\u0040").replace('é', "\\u00e9");
        }
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
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

fn best_of(runs: usize, mut f: impl FnMut() -> u64) -> (Duration, u64) {
    let mut best = Duration::MAX;
    let mut out = 0;
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
    let data = corpus(mb << 20);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&data))
        .expect("write corpus");
    let size = data.len() as f64 / 1e6;
    drop(data);

    let file = std::fs::File::open(&path).expect("open");
    // SAFETY: a private temporary file nobody else writes.
    let map = unsafe { memmap2::Mmap::map(&file) }.expect("map");
    let (t_base, lines) = best_of(runs, || memchr::memchr_iter(b'\n', &map).count() as u64);

    let scan_with = |threads: usize| {
        let path = path.clone();
        move || {
            let opts = ScanOptions {
                paths: vec![path.clone()],
                input_format: None,
                threads,
                chunk_size: scan::DEFAULT_CHUNK_SIZE,
                rules: RuleSet::builtin().expect("rules"),
                env: ValidationEnv::default(),
                key: FingerprintKey::unkeyed(),
                show_values: false,
                min_confidence: Confidence::Low,
                progress: false,
            };
            let mut sink = CountSink(0);
            scan::run(opts, &mut sink, &mut Quiet).expect("scan");
            sink.0
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (t1, found) = best_of(runs, scan_with(1));
    let (tn, found_n) = best_of(runs, scan_with(cores));
    assert_eq!(found, found_n, "same findings whatever the thread count");

    let rate = |t: Duration| size / t.as_secs_f64();
    println!("corpus: {size:.1} MB, {lines} lines, {found} findings; best of {runs}");
    println!("{:<28} {:>10} {:>12}", "", "MB/s", "vs baseline");
    println!(
        "{:<28} {:>10.0} {:>12}",
        "baseline (memchr newlines)",
        rate(t_base),
        "1.00"
    );
    for (name, t) in [
        ("piiscan scan, 1 thread".to_string(), t1),
        (format!("piiscan scan, {cores} threads"), tn),
    ] {
        println!(
            "{name:<28} {:>10.1} {:>12.4}",
            rate(t),
            t_base.as_secs_f64() / t.as_secs_f64()
        );
    }
    println!(
        "scaling 1 -> {cores} threads: {:.2}x",
        t1.as_secs_f64() / tn.as_secs_f64()
    );
}
