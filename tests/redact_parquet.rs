//! `piiscan redact` on Parquet: same schema, rows, row groups, codecs and key-value metadata;
//! only string values change (checked with arrow-rs always, and leaf by leaf with pyarrow when
//! it is installed); rows can be dropped; the clean copy scans clean.

mod common;
use arrow_array::builder::{ListBuilder, StringBuilder, StructBuilder};
use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Fields, Schema};
use common::*;
use parquet::arrow::arrow_reader::ArrowReaderMetadata;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// 300 chat rows in row groups of 64, zstd, with a `huggingface` metadata entry; row 7 holds
/// a card number, rows 3 and 250 an email address.
fn write_chat(path: &Path) {
    let fields = Fields::from(vec![
        Field::new("role", DataType::Utf8, false),
        Field::new("content", DataType::Utf8, true),
    ]);
    let mut messages = ListBuilder::new(StructBuilder::from_fields(fields, 300));
    for row in 0..300u32 {
        let sb = messages.values();
        let content = match row {
            3 | 250 => format!("write to tove.lind{row}@telia.se"),
            7 => "card 4000 0566 5566 5556 please".to_string(),
            _ => format!("record {row}, nothing personal"),
        };
        sb.field_builder::<StringBuilder>(0)
            .unwrap()
            .append_value("user");
        sb.field_builder::<StringBuilder>(1)
            .unwrap()
            .append_value(content);
        sb.append(true);
        messages.append(true);
    }
    let messages = messages.finish();
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("messages", messages.data_type().clone(), true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from_iter_values(0..300)) as ArrayRef,
            Arc::new(messages),
        ],
    )
    .unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(64))
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_key_value_metadata(Some(vec![KeyValue::new(
            "huggingface".to_string(),
            r#"{"info": {"features": {}}}"#.to_string(),
        )]))
        .build();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// What must survive redaction: arrow schema, row counts per row group, codec per column,
/// key-value metadata other than the writer's own arrow schema.
/// (arrow fields, rows per row group, codec per column, key-value metadata).
type Shape = (String, Vec<i64>, Vec<String>, Vec<(String, Option<String>)>);

fn shape(path: &Path) -> Shape {
    let meta =
        ArrowReaderMetadata::load(&std::fs::File::open(path).unwrap(), Default::default()).unwrap();
    let pm = meta.metadata();
    let groups = pm.row_groups().iter().map(|g| g.num_rows()).collect();
    let codecs = pm.row_groups()[0]
        .columns()
        .iter()
        .map(|c| format!("{:?}", c.compression()))
        .collect();
    let mut kv: Vec<(String, Option<String>)> = pm
        .file_metadata()
        .key_value_metadata()
        .map(|kv| {
            kv.iter()
                .filter(|e| e.key != "ARROW:schema")
                .map(|e| (e.key.clone(), e.value.clone()))
                .collect()
        })
        .unwrap_or_default();
    kv.sort();
    (format!("{:?}", meta.schema().fields()), groups, codecs, kv)
}

fn redact(args: &[&str]) -> Run {
    let mut all = vec!["redact"];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn parquet_keeps_schema_row_groups_codecs_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("chat.parquet");
    write_chat(&input);
    let clean = dir.path().join("clean");
    let inputs = [
        input.to_str().unwrap().to_string(),
        fixture("parquet/chat_snappy.parquet"),
        fixture("parquet/mixed_zstd.parquet"),
    ];
    let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    args.extend(["-o", clean.to_str().unwrap()]);
    let r = redact(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (src, name) in [
        (input.clone(), "chat.parquet"),
        (
            root().join("fixtures/parquet/chat_snappy.parquet"),
            "chat_snappy.parquet",
        ),
        (
            root().join("fixtures/parquet/mixed_zstd.parquet"),
            "mixed_zstd.parquet",
        ),
    ] {
        let out = clean.join(name);
        assert_eq!(shape(&src), shape(&out), "{name}");
        // Nothing left to find.
        let (report, code) = scan_json(&[out.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {report:#}");
        // pyarrow's view, when installed: same arrow schema, rows, row groups and metadata…
        if let Some(same) = pyarrow_same_shape(&src, &out) {
            assert!(
                same,
                "{name}: pyarrow sees a different schema, row count or metadata"
            );
        }
        // …and every string leaf is either untouched or redacted.
        if let (Some(a), Some(b)) = (pyarrow_leaves(&src), pyarrow_leaves(&out)) {
            assert_eq!(a.len(), b.len(), "{name}");
            let mut changed = 0;
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x["row"], y["row"]);
                // A map key holding personal data is redacted too, which shows in the path.
                if x["field"] != y["field"] {
                    assert!(y["field"].as_str().unwrap().contains('<'), "{y}");
                }
                if x["value"] != y["value"] {
                    changed += 1;
                    assert!(y["value"].as_str().unwrap().contains('<'), "{y}");
                }
            }
            assert!(changed > 0, "{name}");
        }
    }
    let shape_kv = shape(&clean.join("chat.parquet")).3;
    assert_eq!(shape_kv[0].0, "huggingface");
    let m: Value = serde_json::from_slice(&read(clean.join("redaction-manifest.json"))).unwrap();
    let f = &m["files"][0];
    assert_eq!(f["records_in"], 300);
    assert_eq!(f["replacements"]["email"], 2);
    assert_eq!(f["replacements"]["payment_card"], 1);
}

#[test]
fn parquet_rows_can_be_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("chat.parquet");
    write_chat(&input);
    let clean = dir.path().join("clean");
    let r = redact(&[
        input.to_str().unwrap(),
        "-o",
        clean.to_str().unwrap(),
        "--drop-records-with",
        "payment_card",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, groups, _, _) = shape(&clean.join("chat.parquet"));
    assert_eq!(
        groups,
        vec![63, 64, 64, 64, 44],
        "row 7 is gone, boundaries kept"
    );
    let m: Value = serde_json::from_slice(&read(clean.join("redaction-manifest.json"))).unwrap();
    assert_eq!(m["files"][0]["records_out"], 299);
    assert_eq!(m["files"][0]["dropped_records"], 1);
}

/// A value accepted with context vouches for its bare repeats in later columns of the same
/// row, as in `scan`; columns are redacted one after another, rows keep their own memory.
#[test]
fn parquet_repeats_in_a_row_are_redacted_like_scan_reports_them() {
    use arrow_array::StringArray;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("rows.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("question", DataType::Utf8, true),
        Field::new("answer", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec!["my SSN is 218198778", "hello"])) as ArrayRef,
            Arc::new(StringArray::from(vec![
                "noted: 218198778",
                "noted: 218198778",
            ])),
        ],
    )
    .unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&input).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let (report, _) = scan_json(&[input.to_str().unwrap()]);
    assert_eq!(report["summary"]["findings"], 2, "row 0 twice, row 1 not");
    let clean = dir.path().join("clean");
    let r = redact(&[input.to_str().unwrap(), "-o", clean.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m: Value = serde_json::from_slice(&read(clean.join("redaction-manifest.json"))).unwrap();
    assert_eq!(m["files"][0]["replacements"]["us_ssn"], 2);
    let (report, code) = scan_json(&[clean.join("rows.parquet").to_str().unwrap()]);
    assert_eq!((code, &report["summary"]["findings"]), (0, &Value::from(0)));
}

/// Map keys name their values, as in `scan`: a `password` entry is a secret.
#[test]
fn parquet_map_values_are_named_by_their_keys() {
    use arrow_array::builder::MapBuilder;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("attrs.parquet");
    let mut b = MapBuilder::new(None, StringBuilder::new(), StringBuilder::new());
    b.keys().append_value("password");
    b.values().append_value("hunter22x");
    b.keys().append_value("theme");
    b.values().append_value("dark");
    b.append(true).unwrap();
    let attrs = b.finish();
    let schema = Arc::new(Schema::new(vec![Field::new(
        "attrs",
        attrs.data_type().clone(),
        true,
    )]));
    let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(attrs) as ArrayRef]).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&input).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let (report, _) = scan_json(&[input.to_str().unwrap()]);
    assert_eq!(report["summary"]["findings"], 1);
    let clean = dir.path().join("clean");
    let r = redact(&[input.to_str().unwrap(), "-o", clean.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (report, code) = scan_json(&[clean.join("attrs.parquet").to_str().unwrap()]);
    assert_eq!((code, &report["summary"]["findings"]), (0, &Value::from(0)));
    assert_eq!(shape(&input), shape(&clean.join("attrs.parquet")));
}

/// pyarrow's verdict on two files' arrow schema, row counts per row group and key-value
/// metadata (bar the writer's own `ARROW:schema`), or `None` without python3 + pyarrow.
fn pyarrow_same_shape(a: &Path, b: &Path) -> Option<bool> {
    const SCRIPT: &str = r#"
import sys, pyarrow.parquet as pq
fa, fb = pq.ParquetFile(sys.argv[1]), pq.ParquetFile(sys.argv[2])
ma, mb = fa.metadata, fb.metadata
kv = lambda m: {k: v for k, v in (m.metadata or {}).items() if k != b"ARROW:schema"}
rg = lambda m: [m.row_group(i).num_rows for i in range(m.num_row_groups)]
same = (fa.schema_arrow.remove_metadata().equals(fb.schema_arrow.remove_metadata())
        and ma.num_rows == mb.num_rows and rg(ma) == rg(mb) and kv(ma) == kv(mb))
print("same" if same else "different")
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(a)
        .arg(b)
        .output()
        .ok()?;
    if !out.status.success() {
        if std::env::var_os("PIISCAN_REQUIRE_PYARROW").is_some() {
            panic!("python3 with pyarrow is required (PIISCAN_REQUIRE_PYARROW is set)");
        }
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).trim() == "same")
}
