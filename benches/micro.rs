//! Micro-benchmarks (divan): the detector per rule family on chat prose, the JSON record
//! walker alone, and whole scans per input format. Throughput is in bytes of input.
//!
//!     cargo bench --bench micro                 # all
//!     cargo bench --bench micro -- detect       # one group (divan filters by name)
//!
//! `cargo test` does not run benches; `cargo bench --bench micro -- --test` runs each once.

#[path = "common/corpus.rs"]
mod corpus;

use divan::counter::BytesCount;
use divan::Bencher;
use piiscan::detect::{Detector, FieldKinds, Match, Scratch, ValidationEnv};
use piiscan::rules::{Rule, RuleSet};
use std::sync::LazyLock;

fn main() {
    divan::main();
}

/// Rule families: name and the rule ids in it (`all` is every builtin rule).
const FAMILIES: &[&str] = &[
    "all", "email", "phone", "ip", "card", "iban", "ssn", "secrets", "context",
];

fn in_family(family: &str, rule: &Rule) -> bool {
    match family {
        "all" => true,
        "email" => rule.id == "email",
        "phone" => rule.id == "phone",
        "ip" => rule.kind == "ip_address" || rule.id == "mac_address",
        "card" => rule.id == "payment_card",
        "iban" => rule.id == "iban",
        "ssn" => rule.id == "us_ssn" || rule.id == "uk_nino",
        "secrets" => rule.kind == "secret" || rule.id == "url_with_credentials",
        // Rules that lean on context words: dates of birth and street addresses.
        "context" => rule.id == "date_of_birth" || rule.id == "street_address",
        _ => false,
    }
}

/// About 256 KB of chat prose (the corpus generator's user and assistant turns, ~1 PII value
/// per 2 KB) with one value of every other family every 8 KB, as one string per turn.
static PROSE: LazyLock<Vec<String>> = LazyLock::new(|| {
    let extra = [
        "My IBAN is DE89 3704 0044 0532 0130 00.",
        "SSN: 536-22-1234, NI number QQ 12 34 56 A.",
        "use key sk_live_4eC39HqLyjWDarjtT1zdp7dc and password=hunter2hunter2",
        "I was born on 12 March 1985 and live at 42 Elm Street, Springfield, IL 62704.",
        "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 in https://bob:s3cret@example.com",
    ];
    let mut out = Vec::new();
    let mut size = 0;
    for (i, (user, assistant)) in corpus::records(256 << 10).enumerate() {
        let user = if i % 12 == 0 {
            format!("{user} {}", extra[(i / 12) % extra.len()])
        } else {
            user
        };
        size += user.len() + assistant.len();
        out.push(user);
        out.push(assistant);
    }
    assert!(size > 200 << 10);
    out
});

fn detector(family: &str) -> Detector {
    let mut rules = RuleSet::builtin().expect("builtin rules");
    rules.retain(|r| in_family(family, r));
    Detector::new(rules, ValidationEnv::default()).with_fields(FieldKinds::default())
}

/// The detector on decoded strings (no JSON, no report), per rule family.
#[divan::bench(args = FAMILIES)]
fn detect(bencher: Bencher, family: &str) {
    let det = detector(family);
    let texts = &*PROSE;
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut scratch = Scratch::default();
    let mut out: Vec<Match> = Vec::new();
    bencher.counter(BytesCount::new(bytes)).bench_local(|| {
        let mut found = 0;
        for t in texts {
            scratch.new_record();
            out.clear();
            det.detect(t, Some("content"), &mut scratch, &mut out);
            found += out.len();
        }
        found
    });
}

/// 4 MB of corpus JSON Lines.
static JSONL: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut out = Vec::new();
    corpus::write_jsonl(4 << 20, &mut out).expect("in memory");
    out
});

/// The JSON record walker alone: every string of every record visited, nothing detected.
#[divan::bench]
fn json_walk(bencher: Bencher) {
    let data = &*JSONL;
    let mut path = Vec::new();
    bencher
        .counter(BytesCount::new(data.len()))
        .bench_local(|| {
            let mut strings = 0usize;
            for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                piiscan::formats::json::walk(line, &mut path, &mut |_, _| {
                    strings += 1;
                    false
                })
                .expect("valid JSON");
            }
            strings
        });
}

/// Input files for the format benchmarks, written once into a temporary directory.
struct Files {
    _dir: tempfile::TempDir,
    jsonl: std::path::PathBuf,
    text: std::path::PathBuf,
    parquet: std::path::PathBuf,
    dense: std::path::PathBuf,
}

static FILES: LazyLock<Files> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let jsonl = dir.path().join("chat.jsonl");
    std::fs::write(&jsonl, &*JSONL).expect("write");
    let text = dir.path().join("chat.txt");
    let lines: String = corpus::records(4 << 20)
        .flat_map(|(u, a)| [u, a])
        .map(|l| l + "\n")
        .collect();
    std::fs::write(&text, lines).expect("write");
    let parquet = dir.path().join("chat.parquet");
    corpus::write_parquet(4 << 20, &parquet).expect("write");
    let dense = dir.path().join("dense.txt");
    let mut f = std::fs::File::create(&dense).expect("create");
    corpus::write_dense_text(1 << 20, &mut f).expect("write");
    Files {
        _dir: dir,
        jsonl,
        text,
        parquet,
        dense,
    }
});

struct Count;
impl piiscan::report::Sink for Count {
    fn finding(&mut self, _: &piiscan::findings::Finding) -> std::io::Result<()> {
        Ok(())
    }
    fn finish(&mut self, _: &piiscan::report::Summary) -> std::io::Result<()> {
        Ok(())
    }
}

struct Quiet;
impl piiscan::scan::Diagnostics for Quiet {
    fn error(&mut self, _: &piiscan::findings::InputError) {}
    fn skipped(&mut self, _: &piiscan::findings::Skipped) {}
}

/// A whole one-thread scan (reader, detector, findings) of ~4 MB of input per format, and of
/// 1 MB of text dense with personal data (`dense`: a finding every ~25 bytes, where the cost
/// per finding shows: validation, context, allow list, fingerprint).
#[divan::bench(args = ["jsonl", "text", "parquet", "dense"])]
fn scan_format(bencher: Bencher, format: &str) {
    let files = &*FILES;
    let path = match format {
        "jsonl" => &files.jsonl,
        "text" => &files.text,
        "dense" => &files.dense,
        _ => &files.parquet,
    };
    // Bytes scanned: the file for JSONL and text, the decoded strings for Parquet (its
    // compressed size says little: the corpus's repeated prose compresses ~40x).
    let opts = piiscan::scan::ScanOptions {
        threads: 1,
        ..piiscan::scan::ScanOptions::new(vec![path.clone()]).expect("rules")
    };
    let size = piiscan::scan::run(opts, &mut Count, &mut Quiet)
        .expect("scan")
        .bytes_scanned as usize;
    bencher
        .counter(BytesCount::new(size))
        .with_inputs(|| piiscan::scan::ScanOptions {
            threads: 1,
            ..piiscan::scan::ScanOptions::new(vec![path.clone()]).expect("rules")
        })
        .bench_local_values(|opts| {
            piiscan::scan::run(opts, &mut Count, &mut Quiet)
                .expect("scan")
                .findings
        });
}

/// Shapes that are slow by nature, kept here so a change that makes them quadratic shows:
/// space-separated digits (token ids written as text: every group is a phone candidate), an
/// embedding written as text (decimals, all in a phone number's charset: each value's start
/// is ruled out as a phone number's),
/// a long run of `a-` before an `@` (one email candidate region), and many numbers before
/// the one street address at the end of a long line (every house-number anchor looks ahead),
/// and many house numbers before the only street-type word of a line (each anchor asks where
/// the next required literal is). And an image as a data URI (64 KB of base64, as in vision
/// fine-tuning files), cut out by default and scanned as text with `--scan-data-uris`
/// (`data_uri_scanned`, the baseline for it).
#[divan::bench(args = [
    "digit_vector",
    "float_vector",
    "data_uri",
    "data_uri_scanned",
    "long_email_region",
    "numbers_before_address",
    "numbers_before_street_word",
])]
fn hostile(bencher: Bencher, shape: &str) {
    let mut r = corpus::Rng(7);
    let line: String = match shape {
        "digit_vector" => (0..512)
            .map(|_| (r.next() % 10).to_string())
            .collect::<Vec<_>>()
            .join(" "),
        // An embedding written as text: every value is in a phone number's charset.
        "float_vector" => (0..256)
            .map(|_| {
                let v = r.next() % 40_000;
                let sign = if v % 2 == 0 { "-" } else { "" };
                format!("{sign}{}.{:04}", v / 20_000, v % 10_000)
            })
            .collect::<Vec<_>>()
            .join(" "),
        "numbers_before_address" => format!("{}ship to 42 Main Street", "12 x 3-4 ".repeat(500)),
        "numbers_before_street_word" => format!("{}Status", "12; ".repeat(2500)),
        "data_uri" | "data_uri_scanned" => {
            const ALPHABET: &[u8] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let payload: String = (0..65_536)
                .map(|_| char::from(ALPHABET[(r.next() % 64) as usize]))
                .collect();
            format!("data:image/png;base64,{payload}")
        }
        _ => format!("{}@x.io", "a-".repeat(2000)),
    };
    let det = detector("all").scan_data_uris(shape == "data_uri_scanned");
    let mut scratch = Scratch::default();
    let mut out: Vec<Match> = Vec::new();
    bencher
        .counter(BytesCount::new(line.len()))
        .bench_local(|| {
            scratch.new_record();
            out.clear();
            det.detect(&line, None, &mut scratch, &mut out);
            out.len()
        });
}
