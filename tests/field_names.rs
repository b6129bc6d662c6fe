//! Fields whose name marks them as personal data are reported whole, in JSONL and Parquet.

mod common;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray, StructArray};
use arrow_schema::{DataType, Field, Schema};
use common::*;
use parquet::arrow::ArrowWriter;
use std::sync::Arc;

fn located(report: &serde_json::Value) -> Vec<(u64, String, String, String)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().or(f["row"].as_u64()).unwrap(),
                f["field"].as_str().unwrap().to_string(),
                f["kind"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(line: u64, field: &str, kind: &str) -> (u64, String, String, String) {
    (line, field.into(), kind.into(), "field_name".into())
}

#[test]
fn jsonl_fields_named_like_personal_data() {
    let (report, code) = scan_json(&[&fixture("fields/customers.jsonl")]);
    assert_eq!(code, 1);
    assert_eq!(
        located(&report),
        vec![
            row(1, "customer.first_name", "person_name"),
            row(1, "customer.lastName", "person_name"),
            row(1, "customer.dob", "date_of_birth"),
            row(1, "customer.password", "secret"),
            row(3, "name", "person_name"),
            row(3, "address", "street_address"),
            row(4, "profile.passport_no", "passport_number"),
        ],
        "tool names, placeholders, templates and one-word `name`s are not reported"
    );
    // Values stay masked.
    let fs = findings(&report);
    assert!(fs
        .iter()
        .all(|f| f["value"] != "Lovelace" && f["value"] != "hunter22"));
}

/// Whether a record is read for its fields depends on its keys only: a key whose first
/// letters are split by a separator (`api_key`) is found in a record with no digit or `@`,
/// and prose that says `first name:` in a value does not make a field of it.
#[test]
fn listed_keys_are_found_in_records_without_anchors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.jsonl");
    std::fs::write(
        &path,
        concat!(
            "{\"api_key\": \"ZkJvQxLmPwRtYbNqHsVcXdFgJkLzAb\"}\n",
            "{\"content\": \"my first name: Ada Lovelace\", \"role\": \"user\"}\n",
            "{\"meta\": {\"Full-Name\" : \"Ada Lovelace\"}}\n",
        ),
    )
    .unwrap();
    let (report, code) = scan_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        located(&report),
        vec![
            row(1, "api_key", "secret"),
            row(3, r#"meta["Full-Name"]"#, "person_name"),
        ]
    );
}

#[test]
fn field_names_can_be_switched_off() {
    let (report, code) = scan_json(&["--no-field-names", &fixture("fields/customers.jsonl")]);
    assert_eq!(code, 0);
    assert!(findings(&report).is_empty());
}

#[test]
fn parquet_columns_named_like_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.parquet");
    let inner = Arc::new(StructArray::from(vec![
        (
            Arc::new(Field::new("surname", DataType::Utf8, true)),
            Arc::new(StringArray::from(vec![Some("Hopper"), None])) as ArrayRef,
        ),
        (
            Arc::new(Field::new("birthDate", DataType::Utf8, true)),
            Arc::new(StringArray::from(vec![Some("1906-12-09"), Some("")])) as ArrayRef,
        ),
    ]));
    let schema = Arc::new(Schema::new(vec![
        Field::new("full_name", DataType::Utf8, true),
        Field::new("person", inner.data_type().clone(), true),
        Field::new("text", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec![
                Some("Grace Hopper"),
                Some("Alan Turing"),
            ])) as ArrayRef,
            inner,
            Arc::new(StringArray::from(vec![Some("Grace Hopper"), None])),
        ],
    )
    .unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let (report, _) = scan_json(&["--show-values", path.to_str().unwrap()]);
    assert_eq!(
        located(&report),
        vec![
            row(0, "full_name", "person_name"),
            row(0, "person.surname", "person_name"),
            // A value the rules recognise is reported by its rule, once.
            (
                0,
                "person.birthDate".into(),
                "date_of_birth".into(),
                "date_of_birth".into()
            ),
            row(1, "full_name", "person_name"),
        ]
    );
    assert_eq!(findings(&report)[3]["value"], "Alan Turing");
}
