//! The `piiscan` binary: parses arguments and calls the library. Exit codes: 0 nothing found,
//! 1 findings at or above `--min-confidence`, 2 an error (bad arguments, unreadable input,
//! malformed records) — errors win over findings.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use piiscan::config::Config;
use piiscan::detect::validators::{parse_regions, ValidationEnv, DEFAULT_REGIONS};
use piiscan::detect::{AllowList, FieldKinds};
use piiscan::findings::{Confidence, FingerprintKey, KEY_ENV};
use piiscan::formats::Format;
use piiscan::redact::{self, Operator, Policy, RedactOptions};
use piiscan::report::{writer_for, Output, OutputFormat};
use piiscan::rules::{check_rules, write_list, DenyList, RuleSet};
use piiscan::scan::{self, ScanOptions, Stderr, DEFAULT_CHUNK_SIZE};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "piiscan",
    version,
    about = "Find personal data (PII) in ML datasets before training."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files and directories for personal data.
    Scan(Box<ScanArgs>),
    /// Write redacted copies of JSON Lines and text files under an output directory, with a
    /// manifest (redaction-manifest.json). Exit 0 when every file was written, 2 on errors.
    Redact(Box<RedactArgs>),
    /// Score a findings file (JSON Lines or JSON, scanned with --show-values) against labels:
    /// precision, recall and F1 per kind.
    Eval {
        /// The findings to score.
        #[arg(value_name = "FINDINGS")]
        findings: PathBuf,
        /// Labels, JSON Lines of {"file", "line", "type", "value", "placeholder"?}.
        #[arg(long, value_name = "FILE")]
        labels: PathBuf,
        /// Leave out labels marked "placeholder" (allowed by default when scanning).
        #[arg(long)]
        ignore_placeholders: bool,
    },
    /// List or check the detection rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List the rules in use.
    List {
        #[command(flatten)]
        rules: RulesArg,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run every rule's examples; exit 1 if one does not behave.
    Check {
        #[command(flatten)]
        rules: RulesArg,
    },
}

#[derive(Args)]
struct RulesArg {
    /// A directory of extra rule files (*.toml); a rule with a built-in id replaces it.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

#[derive(Args)]
struct ScanArgs {
    /// Files and directories to scan (directories recursively).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["text", "json", "jsonl"])]
    format: String,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Report raw values instead of masked ones.
    #[arg(long)]
    show_values: bool,
    /// Also scan Parquet binary columns (their valid UTF-8 parts).
    #[arg(long)]
    scan_binary: bool,
    /// Split files larger than this many bytes into chunks scanned in parallel.
    #[arg(long, default_value_t = DEFAULT_CHUNK_SIZE, value_name = "BYTES")]
    chunk_size: u64,
    #[command(flatten)]
    detection: DetectionArgs,
}

#[derive(Args)]
struct RedactArgs {
    /// Files and directories to redact (directories recursively).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Directory the clean copies are written to (mirroring the input tree); must not be an
    /// input or inside one.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// What a value becomes: a type tag, a mask keeping a tail, a keyed pseudonym, or the
    /// removal of its record [default: replace, or the config file's].
    #[arg(long, value_parser = ["replace", "mask", "hash", "drop-record"])]
    operator: Option<String>,
    /// Redact only these kinds (comma-separated); others are left as they are.
    #[arg(long, value_name = "KIND,..", value_delimiter = ',')]
    kinds: Option<Vec<String>>,
    /// Remove every record (JSON Lines record, text line) holding one of these kinds.
    #[arg(long, value_name = "KIND,..", value_delimiter = ',')]
    drop_records_with: Vec<String>,
    /// Number replacements per distinct value within a file: <EMAIL_1>, <EMAIL_2>.
    #[arg(long)]
    numbered: bool,
    /// Letters and digits `mask` keeps at the end [default: 4 for cards, IBANs and SSNs, 2 for
    /// phones, 0 otherwise].
    #[arg(long, value_name = "N")]
    keep: Option<usize>,
    /// Replace existing output files.
    #[arg(long)]
    force: bool,
    /// Print what would change (counts per file and kind); write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    detection: DetectionArgs,
}

/// What is detected and reported: shared by `scan` and `redact`.
#[derive(Args)]
struct DetectionArgs {
    /// Settings file (TOML: thresholds per kind, regions, allow/deny lists, field names,
    /// redaction operators); flags given here win over it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Report only findings at or above this confidence (and exit 1 only for them)
    /// [default: low, or the config file's].
    #[arg(long, value_parser = ["low", "medium", "high"])]
    min_confidence: Option<String>,
    /// Read every file as this format instead of choosing by extension.
    #[arg(long, value_name = "FORMAT", value_parser = ["jsonl", "text", "parquet"])]
    input_format: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    threads: usize,
    #[command(flatten)]
    rules: RulesArg,
    /// Regions tried for phone numbers written without +country code, in order
    /// [default: US,GB,DE,FR,ES,IT,NL,BR,IN,JP, or the config file's].
    #[arg(long, value_name = "CC,CC,..")]
    region: Option<String>,
    /// Never report values listed in FILE (exact values or /regexes/, optionally `kind:`-prefixed;
    /// repeatable).
    #[arg(long, value_name = "FILE")]
    allow: Vec<PathBuf>,
    /// Always report values listed in FILE (same syntax as --allow; kind `deny_list` unless
    /// `kind:`-prefixed; repeatable).
    #[arg(long, value_name = "FILE")]
    deny: Vec<PathBuf>,
    /// Report documentation placeholders too (user@example.com, 127.0.0.1, 0.0.0.0, ::1,
    /// 555-01xx numbers), which are allowed by default.
    #[arg(long)]
    no_default_allow: bool,
    /// Do not report values just because their field is named like personal data
    /// (`full_name`, `dob`, `password`; see the README).
    #[arg(long)]
    no_field_names: bool,
    /// Scan the base64 payloads of data URIs (`data:image/png;base64,…`) as text too; by
    /// default they are skipped, as encoded binary data holds no personal data as text.
    #[arg(long)]
    scan_data_uris: bool,
    /// Secret key for value fingerprints and `hash` pseudonyms (else $PIISCAN_FINGERPRINT_KEY;
    /// scan falls back to a public key, redact refuses to hash without a key).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// No progress bar and no notices about skipped files.
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // A closed stdout (`piiscan scan … | head`) ends the scan without a message; the report
        // was not delivered, so the exit code is that of an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(2),
        Err(e) => {
            eprintln!("piiscan: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => run_scan(*args),
        Command::Redact(args) => run_redact(*args),
        Command::Eval {
            findings,
            labels,
            ignore_placeholders,
        } => {
            let report = piiscan::eval::evaluate(&findings, &labels, ignore_placeholders)?;
            print!("{}", report.to_text());
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules {
            command: RulesCommand::List { rules, json },
        } => {
            let set = RuleSet::load(rules.rules.as_deref())?;
            write_list(&set, json, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules {
            command: RulesCommand::Check { rules },
        } => {
            let set = RuleSet::load(rules.rules.as_deref())?;
            let failures = check_rules(&set, &ValidationEnv::default());
            for f in &failures {
                println!(
                    "FAIL {}: {:?}: expected {:?}, found {:?}",
                    f.rule, f.example, f.expected, f.found
                );
            }
            let examples: usize = set
                .rules()
                .iter()
                .map(|r| r.examples.len() + r.negative_examples.len())
                .sum();
            println!(
                "{} rules, {} examples: {} passed, {} failed",
                set.len(),
                examples,
                examples - failures.len(),
                failures.len()
            );
            Ok(if failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// Scan options from the shared flags and the config file (flags win).
fn detection_options(d: &DetectionArgs, paths: Vec<PathBuf>) -> Result<(ScanOptions, Config)> {
    let config = match &d.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let min_confidence: Confidence = match &d.min_confidence {
        Some(c) => c.parse().map_err(anyhow::Error::msg)?,
        None => config.min_confidence.unwrap_or(Confidence::Low),
    };
    let input_format = d
        .input_format
        .as_deref()
        .map(str::parse::<Format>)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let regions = match (&d.region, &config.regions) {
        (Some(r), _) => r.clone(),
        (None, Some(list)) => list.join(","),
        (None, None) => DEFAULT_REGIONS.to_string(),
    };
    let phone_regions = parse_regions(&regions)
        .map_err(anyhow::Error::msg)
        .context("phone regions")?;
    let key = FingerprintKey::from_sources(d.key_file.as_deref())?;
    let mut allow = if d.no_default_allow || config.default_allow == Some(false) {
        AllowList::default()
    } else {
        AllowList::placeholders()
    };
    for entry in &config.allow {
        allow
            .add(entry)
            .map_err(|m| anyhow::anyhow!("config allow {entry:?}: {m}"))?;
    }
    for file in config.allow_files.iter().chain(&d.allow) {
        allow.load(file)?;
    }
    let mut deny = DenyList::default();
    for entry in &config.deny {
        deny.add(entry)
            .map_err(|m| anyhow::anyhow!("config deny {entry:?}: {m}"))?;
    }
    for file in config.deny_files.iter().chain(&d.deny) {
        deny.load(file)?;
    }
    let mut rules = RuleSet::load(d.rules.rules.as_deref().or(config.rules.as_deref()))?;
    rules.add_deny(&deny)?;
    let fields = if d.no_field_names || config.field_names == Some(false) {
        FieldKinds::none()
    } else {
        FieldKinds::new(
            piiscan::detect::fields::BUILTIN
                .iter()
                .map(|&(n, k)| (n.to_string(), k.to_string()))
                .chain(config.fields.clone()),
        )
    };
    let opts = ScanOptions {
        paths,
        input_format,
        threads: d.threads,
        env: ValidationEnv { phone_regions },
        fields,
        allow,
        key,
        min_confidence,
        thresholds: config.thresholds.clone(),
        scan_data_uris: d.scan_data_uris || config.scan_data_uris == Some(true),
        progress: !d.quiet && std::io::stderr().is_terminal(),
        ..ScanOptions::with_rules(Vec::new(), rules)
    };
    Ok((opts, config))
}

fn run_scan(args: ScanArgs) -> Result<ExitCode> {
    let format: OutputFormat = args.format.parse().map_err(anyhow::Error::msg)?;
    if let Some(out) = &args.output {
        piiscan::scan::refuse_input_as_output(out, &args.paths)?;
    }
    let (opts, _) = detection_options(&args.detection, args.paths)?;
    if !opts.key.is_keyed() && !args.detection.quiet {
        eprintln!(
            "piiscan: note: fingerprints use a public key; set {KEY_ENV} or --key-file to keep them secret"
        );
    }
    let opts = ScanOptions {
        chunk_size: args.chunk_size,
        show_values: args.show_values,
        scan_binary: args.scan_binary,
        ..opts
    };
    let mut output = Output::open(args.output.as_deref())?;
    let mut sink = writer_for(format, Box::new(&mut output));
    let summary = scan::run(
        opts,
        sink.as_mut(),
        &mut Stderr {
            quiet: args.detection.quiet,
        },
    )?;
    drop(sink);
    output.commit()?;
    Ok(if summary.error_count > 0 {
        ExitCode::from(2)
    } else if summary.findings > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_redact(args: RedactArgs) -> Result<ExitCode> {
    let (opts, config) = detection_options(&args.detection, args.paths)?;
    let parse_op = |s: &str| s.parse::<Operator>().map_err(anyhow::Error::msg);
    let default = match (&args.operator, &config.operator) {
        (Some(op), _) | (None, Some(op)) => parse_op(op)?,
        (None, None) => Operator::Replace,
    };
    let mut per_kind = std::collections::BTreeMap::new();
    for (kind, op) in &config.operators {
        per_kind.insert(kind.clone(), parse_op(op).context("config [operators]")?);
    }
    // A misspelt kind would silently redact nothing.
    let known: std::collections::BTreeSet<&str> = opts
        .rules
        .rules()
        .iter()
        .map(|r| r.kind.as_str())
        .chain(opts.fields.kinds().iter().map(String::as_str))
        .collect();
    for kind in args
        .kinds
        .iter()
        .flatten()
        .chain(&args.drop_records_with)
        .chain(per_kind.keys())
    {
        if !known.contains(kind.as_str()) {
            anyhow::bail!(
                "unknown kind '{kind}' (known: {})",
                known.iter().copied().collect::<Vec<_>>().join(", ")
            );
        }
    }
    let hashes = default == Operator::Hash || per_kind.values().any(|&o| o == Operator::Hash);
    if hashes && !opts.key.is_keyed() {
        anyhow::bail!(
            "the hash operator needs a secret key: --key-file FILE or {KEY_ENV} (a public key would make pseudonyms reversible)"
        );
    }
    let policy = Policy {
        default,
        per_kind,
        kinds: args.kinds,
        drop_records_with: args.drop_records_with,
        numbered: args.numbered || config.numbered == Some(true),
        keep_tail: args.keep,
        key: opts.key.clone(),
    };
    let manifest = redact::run(RedactOptions {
        scan: opts,
        out_dir: args.output.clone(),
        policy,
        force: args.force,
        dry_run: args.dry_run,
    })?;
    let mut stdout = std::io::stdout().lock();
    for f in &manifest.files {
        let counts: Vec<String> = f
            .replacements
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        writeln!(
            stdout,
            "{}: {} ({} records in, {} out, {} dropped; replaced: {})",
            f.input,
            f.status,
            f.records_in,
            f.records_out,
            f.dropped_records,
            if counts.is_empty() {
                "none".to_string()
            } else {
                counts.join(", ")
            }
        )?;
    }
    for e in manifest
        .errors
        .iter()
        .chain(manifest.files.iter().flat_map(|f| &f.errors))
    {
        match e.line {
            Some(l) => eprintln!("piiscan: {}:{l}: {}", e.path, e.message),
            None => eprintln!("piiscan: {}: {}", e.path, e.message),
        }
    }
    if !args.dry_run {
        writeln!(
            stdout,
            "manifest: {}",
            args.output.join(redact::MANIFEST).display()
        )?;
    }
    Ok(if manifest.error_count() > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
