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

/// The corpus as records of (user, assistant) turns.
fn corpus(target: usize) -> Vec<(String, String)> {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = Vec::new();
    let mut size = 0;
    let mut since_pii = 0usize;
    while size < target {
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
        size += user.len() + assistant.len() + 100;
        out.push((user, assistant));
    }
    out
}

fn to_jsonl(records: &[(String, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (user, assistant)) in records.iter().enumerate() {
        let record = serde_json::json!({"messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": user},
            {"role": "assistant", "content": assistant},
        ]});
        let mut line = serde_json::to_string(&record).unwrap_or_default();
        if i % 3 == 0 {
            // ensure_ascii-style escaping, as Python's json.dumps writes it.
            line = line.replace('@', "\\u0040");
        }
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

fn write_parquet(records: &[(String, String)], path: &std::path::Path) {
    use arrow_array::builder::{ListBuilder, StringBuilder, StructBuilder};
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Fields, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    let fields = Fields::from(vec![
        Field::new("role", DataType::Utf8, true),
        Field::new("content", DataType::Utf8, true),
    ]);
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(4096))
        .build();
    let mut writer = None;
    for chunk in records.chunks(4096) {
        let mut messages =
            ListBuilder::new(StructBuilder::from_fields(fields.clone(), chunk.len()));
        for (user, assistant) in chunk {
            let sb = messages.values();
            for (role, content) in [
                ("system", "You are a helpful assistant."),
                ("user", user),
                ("assistant", assistant),
            ] {
                sb.field_builder::<StringBuilder>(0)
                    .expect("role")
                    .append_value(role);
                sb.field_builder::<StringBuilder>(1)
                    .expect("content")
                    .append_value(content);
                sb.append(true);
            }
            messages.append(true);
        }
        let messages = messages.finish();
        let schema = Arc::new(Schema::new(vec![Field::new(
            "messages",
            arrow_array::Array::data_type(&messages).clone(),
            true,
        )]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(messages) as ArrayRef])
            .expect("batch");
        let w = writer.get_or_insert_with(|| {
            ArrowWriter::try_new(
                std::fs::File::create(path).expect("create"),
                schema,
                Some(props.clone()),
            )
            .expect("writer")
        });
        w.write(&batch).expect("write");
    }
    if let Some(w) = writer {
        w.close().expect("close");
    }
}

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
    let records = corpus(mb << 20);
    let data = to_jsonl(&records);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&data))
        .expect("write corpus");
    let size = data.len() as f64 / 1e6;
    drop(data);
    let pq_path = dir.path().join("chat.parquet");
    write_parquet(&records, &pq_path);
    drop(records);

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
