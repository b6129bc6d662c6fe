//! Parquet: rows, row groups and field paths through every nesting, written by pyarrow
//! (`fixtures/parquet/make_fixtures.py`) and by arrow-rs; bad files; interop with pyarrow.

mod common;
use arrow_array::builder::{ListBuilder, StringBuilder, StringDictionaryBuilder, StructBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{Array, ArrayRef, Int64Array, LargeStringArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Fields, Schema};
use common::*;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde_json::Value;
use std::sync::Arc;

fn located(fs: &[Value], value: &str) -> (u64, u64, String) {
    let f = by_value(fs, value);
    assert!(
        f.get("line").is_none() && f.get("byte_start").is_none(),
        "{f}"
    );
    (
        f["row"].as_u64().unwrap(),
        f["row_group"].as_u64().unwrap(),
        f["field"].as_str().unwrap().to_string(),
    )
}

#[test]
fn pyarrow_chat_dataset_rows_and_paths() {
    let (report, code) = scan_json(&["--show-values", "fixtures/parquet/chat_snappy.parquet"]);
    assert_eq!(code, 1);
    let fs = findings(&report);
    assert_eq!(fs.len(), 5, "{fs:#?}");
    // Row groups hold 3 rows: rows 0-2, 3-5, 6.
    assert_eq!(
        located(&fs, "ines.moreau@free.fr"),
        (0, 0, "messages[1].content".into())
    );
    assert_eq!(
        located(&fs, "+44 20 7946 0018"),
        (4, 1, "messages[1].content".into())
    );
    assert_eq!(
        located(&fs, "4556 7375 8689 9855"),
        (5, 1, "messages[2].content".into())
    );
    assert_eq!(
        located(&fs, "93.184.216.34"),
        (5, 1, "messages[2].content".into())
    );
    assert_eq!(
        located(&fs, "zoe.keller@bluewin.ch"),
        (6, 2, "messages[0].content".into())
    );
    // start/end are code points in the value: "Zoë from Zürich: zoe.keller@bluewin.ch".
    let f = by_value(&fs, "zoe.keller@bluewin.ch");
    assert_eq!(
        (f["start"].as_u64(), f["end"].as_u64()),
        (Some(17), Some(38))
    );
    assert_eq!(report["summary"]["rows_scanned"], 7);
    assert_eq!(report["summary"]["files_scanned"], 1);
}

#[test]
fn pyarrow_every_string_type_and_nesting() {
    let (report, _) = scan_json(&["--show-values", "fixtures/parquet/mixed_zstd.parquet"]);
    let fs = findings(&report);
    for (value, expected) in [
        ("ana.souza@uol.com.br", (0, 0, "email")), // large_string
        ("81.2.69.160", (0, 0, "meta.ip")),        // struct
        ("+49 30 901820", (0, 0, "attrs.phone")),  // map value
        ("2001:4860:4860::8888", (1, 0, "notes")), // string_view
        ("tom.weber@posteo.de", (1, 0, "meta.device.owner")), // nested struct
        ("kim.lee@naver.com", (3, 1, "tags[0]")),  // list<string>
        ("85.214.132.117", (3, 1, "pair[1]")),     // fixed_size_list
        ("dev.patel@rediffmail.com", (4, 2, "email")),
        ("(212) 736-0147", (4, 2, "notes")),
    ] {
        let (row, rg, field) = located(&fs, value);
        assert_eq!((row, rg, field.as_str()), expected, "{value}");
    }
    // A dictionary-encoded column: one dictionary value, found in each row that uses it.
    let source: Vec<(u64, u64)> = fs
        .iter()
        .filter(|f| f["field"] == "source")
        .map(|f| (f["row"].as_u64().unwrap(), f["row_group"].as_u64().unwrap()))
        .collect();
    assert_eq!(source, vec![(1, 0), (4, 2)]);
    let key = by_value(&fs, "lena.fischer@gmx.de");
    assert_eq!(key["in_key"], true);
    assert_eq!(key["row"], 3);
    assert!(
        !fs.iter().any(|f| f["field"] == "blob"),
        "binary skipped by default"
    );
    assert!(
        !fs.iter().any(|f| f["field"] == "meta.ip" && f["row"] == 4),
        "1.2.3 is not an IP"
    );

    let (with_binary, _) = scan_json(&[
        "--show-values",
        "--scan-binary",
        "fixtures/parquet/mixed_zstd.parquet",
    ]);
    let fs = findings(&with_binary);
    assert_eq!(located(&fs, "max.mustermann@web.de"), (1, 0, "blob".into()));
}

#[test]
fn dictionary_column_values_are_scanned_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dict.parquet");
    let mut b = StringDictionaryBuilder::<Int32Type>::new();
    for v in [
        "plain",
        "reach me: ola.nordmann@online.no",
        "plain",
        "reach me: ola.nordmann@online.no",
    ] {
        b.append_value(v);
    }
    b.append_null();
    let schema = Arc::new(Schema::new(vec![Field::new(
        "note",
        DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
        true,
    )]));
    let batch =
        RecordBatch::try_new(schema.clone(), vec![Arc::new(b.finish()) as ArrayRef]).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let (report, _) = scan_json(&[path.to_str().unwrap()]);
    let rows: Vec<u64> = findings(&report)
        .iter()
        .map(|f| f["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, vec![1, 3]);
}

/// An arrow-rs file: 1000 rows in row groups of 128, a chat `messages` column, a LargeUtf8
/// column and an int column; zstd.
fn write_arrow_rs_chat(path: &std::path::Path) {
    let message_fields = Fields::from(vec![
        Field::new("role", DataType::Utf8, true),
        Field::new("content", DataType::Utf8, true),
    ]);
    let mut messages = ListBuilder::new(StructBuilder::from_fields(message_fields.clone(), 1000));
    let mut ids = Vec::new();
    let mut large = Vec::new();
    for row in 0..1000u32 {
        let sb = messages.values();
        for (turn, role) in ["user", "assistant"].iter().enumerate() {
            let content = match (row, turn) {
                (777, 1) => "Sure, write to hanna.virtanen@elisa.fi".to_string(),
                (130, 0) => "my number is +31 20 123 4567".to_string(),
                _ => format!("turn {turn} of record {row}, nothing personal"),
            };
            sb.field_builder::<StringBuilder>(0)
                .unwrap()
                .append_value(role);
            sb.field_builder::<StringBuilder>(1)
                .unwrap()
                .append_value(content);
            sb.append(true);
        }
        messages.append(true);
        ids.push(i64::from(row));
        large.push(if row == 999 {
            Some("last: 2a01:4f8:c17:b8f::2".to_string())
        } else {
            None
        });
    }
    let messages = messages.finish();
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("messages", messages.data_type().clone(), true),
        Field::new("extra", DataType::LargeUtf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(ids)) as ArrayRef,
            Arc::new(messages),
            Arc::new(LargeStringArray::from(large)),
        ],
    )
    .unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(128))
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn arrow_rs_written_file_with_many_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chat.parquet");
    write_arrow_rs_chat(&path);
    let p = path.to_str().unwrap();
    let (report, code) = scan_json(&["--show-values", p]);
    assert_eq!(code, 1);
    let fs = findings(&report);
    assert_eq!(fs.len(), 3, "{fs:#?}");
    assert_eq!(
        located(&fs, "+31 20 123 4567"),
        (130, 1, "messages[0].content".into())
    );
    assert_eq!(
        located(&fs, "hanna.virtanen@elisa.fi"),
        (777, 6, "messages[1].content".into())
    );
    assert_eq!(
        located(&fs, "2a01:4f8:c17:b8f::2"),
        (999, 7, "extra".into())
    );
    assert_eq!(report["summary"]["rows_scanned"], 1000);
    // Parallel across row groups: the same output whatever the thread count.
    let one = run(&["scan", "-q", "--format", "jsonl", "-j", "1", p]);
    let two = run(&["scan", "-q", "--format", "jsonl", "-j", "2", p]);
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn column_names_are_context() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flat.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("phone", DataType::Utf8, true),
        Field::new("order_id", DataType::Utf8, true),
        Field::new("client_ip", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec!["4155552671"])) as ArrayRef,
            // Not the phone's digits: a repeat of an accepted value in the same row would count.
            Arc::new(StringArray::from(vec!["4155552672"])),
            Arc::new(StringArray::from(vec!["(415) 555-2671"])),
        ],
    )
    .unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let (report, _) = scan_json(&[path.to_str().unwrap()]);
    let fs = findings(&report);
    let fields: Vec<(&str, &str)> = fs
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap(),
                f["confidence"].as_str().unwrap(),
            )
        })
        .collect();
    // Bare digits are a phone only in a phone-named column; a phone-shaped value in a column
    // named for something else keeps its base confidence.
    assert_eq!(fields, vec![("phone", "medium"), ("client_ip", "medium")]);
}

/// A data URI's payload in a Parquet cell is cut out as in JSON Lines: the cell's other text
/// is scanned and the summary counts the payload.
#[test]
fn data_uri_payloads_in_cells_are_not_searched() {
    // An AWS key id between `+` and `/`: found only when the payload is scanned.
    const PAYLOAD: &str = "iVBORw0KGgo+AKIAQWERTYUIOPASDFG2/AAAA==";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("images.parquet");
    let schema = Arc::new(Schema::new(vec![Field::new("image", DataType::Utf8, true)]));
    let cell = format!("data:image/png;base64,{PAYLOAD} sent by bob@corp.com");
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(StringArray::from(vec![cell.as_str(), cell.as_str()])) as ArrayRef],
    )
    .unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let path = path.to_str().unwrap();
    let rows_and_values = |args: &[&str]| -> (Vec<(u64, String)>, Value) {
        let (report, _) = scan_json(args);
        let found = findings(&report)
            .iter()
            .map(|f| {
                (
                    f["row"].as_u64().unwrap(),
                    f["value"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        (found, report["summary"]["data_uri_bytes_skipped"].clone())
    };
    let email = |row| (row, "bob@corp.com".to_string());
    let key = |row| (row, "AKIAQWERTYUIOPASDFG2".to_string());
    assert_eq!(
        rows_and_values(&["--show-values", path]),
        (vec![email(0), email(1)], Value::from(2 * PAYLOAD.len()))
    );
    assert_eq!(
        rows_and_values(&["--show-values", "--scan-data-uris", path]),
        (vec![key(0), email(0), key(1), email(1)], Value::from(0))
    );
}

#[test]
fn bad_parquet_files_are_reported_and_the_rest_scanned() {
    let r = run(&[
        "scan",
        "-q",
        "--format",
        "json",
        "fixtures/parquet/bad",
        "fixtures/parquet/chat_snappy.parquet",
    ]);
    assert_eq!(r.code, 2);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let errors = report["summary"]["errors"].as_array().unwrap();
    let by_path = |p: &str| {
        errors
            .iter()
            .find(|e| e["path"] == p)
            .unwrap_or_else(|| panic!("{p}: {errors:#?}"))
    };
    assert!(
        by_path("fixtures/parquet/bad/not_parquet.parquet")["message"]
            .as_str()
            .unwrap()
            .contains("not a readable Parquet file")
    );
    assert!(by_path("fixtures/parquet/bad/truncated.parquet")
        .get("row_group")
        .is_none());
    let corrupt = by_path("fixtures/parquet/bad/corrupt_page.parquet");
    assert_eq!(corrupt["row_group"], 1);
    assert!(r.stderr.contains("corrupt_page.parquet: row group 1:"));
    // The corrupt file's other row groups and the good file are still scanned.
    let fs = findings(&report);
    let rows = |p: &str| -> Vec<u64> {
        fs.iter()
            .filter(|f| f["path"] == p)
            .map(|f| f["row"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(
        rows("fixtures/parquet/bad/corrupt_page.parquet"),
        vec![0, 6]
    );
    assert_eq!(
        rows("fixtures/parquet/chat_snappy.parquet"),
        vec![0, 4, 5, 5, 6]
    );
    assert!(!r.stdout.contains("not.really@parquet.de"));
}

#[test]
fn rows_and_paths_agree_with_pyarrow() {
    let dir = tempfile::tempdir().unwrap();
    let arrow_rs = dir.path().join("chat.parquet");
    write_arrow_rs_chat(&arrow_rs);
    for file in [
        "fixtures/parquet/chat_snappy.parquet".to_string(),
        "fixtures/parquet/mixed_zstd.parquet".to_string(),
        arrow_rs.to_string_lossy().into_owned(),
        "../shared/eval/data/chat.parquet".to_string(),
        "../shared/eval/data/flat.parquet".to_string(),
    ] {
        if file.starts_with("../shared") && !root().join(&file).exists() {
            continue;
        }
        let Some(leaves) = pyarrow_leaves(&file) else {
            return;
        };
        let (report, _) = scan_json(&["--show-values", &file]);
        let fs = findings(&report);
        assert!(!fs.is_empty(), "{file}");
        for f in fs.iter().filter(|f| f["in_key"] != true) {
            let hit = leaves.iter().any(|l| {
                l["row"] == f["row"]
                    && l["field"] == f["field"]
                    && l["value"]
                        .as_str()
                        .unwrap()
                        .contains(f["value"].as_str().unwrap())
            });
            assert!(
                hit,
                "{file}: pyarrow has no string at row {} {} holding {}",
                f["row"], f["field"], f["value"]
            );
        }
    }
}
