//! Helpers shared by the CLI tests.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> String {
    root()
        .join("fixtures")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// `piiscan` with a fixed key and no inherited key variable, run from the crate root.
pub fn piiscan() -> Command {
    let mut c = Command::cargo_bin("piiscan").expect("binary built");
    c.current_dir(root()).env_remove("PIISCAN_FINGERPRINT_KEY");
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    let out = piiscan().args(args).output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `scan --format json` with `args` and returns the parsed report and exit code.
pub fn scan_json(args: &[&str]) -> (Value, i32) {
    let mut all = vec!["scan", "--format", "json", "--quiet"];
    all.extend_from_slice(args);
    let r = run(&all);
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json output: {e}\n{}\nstderr: {}", r.stdout, r.stderr));
    (v, r.code)
}

pub fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

/// The single finding with this raw value (needs `--show-values`).
pub fn by_value<'a>(fs: &'a [Value], value: &str) -> &'a Value {
    let hits: Vec<&Value> = fs.iter().filter(|f| f["value"] == value).collect();
    assert_eq!(hits.len(), 1, "exactly one finding {value:?} in {fs:#?}");
    hits[0]
}

pub fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path).expect("readable")
}

/// Every non-null string leaf of a Parquet file as pyarrow sees it (`tests/pyarrow_leaves.py`:
/// `{"row", "field", "value"}`), or `None` when python3 with pyarrow is not installed. CI
/// installs it and sets PIISCAN_REQUIRE_PYARROW=1, which makes its absence a failure.
pub fn pyarrow_leaves(path: impl AsRef<Path>) -> Option<Vec<Value>> {
    let out = std::process::Command::new("python3")
        .arg(root().join("tests/pyarrow_leaves.py"))
        .arg(path.as_ref())
        .output();
    match out {
        Ok(o) if o.status.success() => Some(
            String::from_utf8(o.stdout)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
        ),
        _ if std::env::var_os("PIISCAN_REQUIRE_PYARROW").is_some() => {
            panic!("python3 with pyarrow is required (PIISCAN_REQUIRE_PYARROW is set)")
        }
        _ => {
            eprintln!("skipping pyarrow check: python3 with pyarrow not found");
            None
        }
    }
}
