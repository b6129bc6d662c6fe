//! Parquet redaction: the clean copy has the same schema (nested types and nullability), the
//! same row groups (one output row group per input row group), the same compression codec per
//! column and the file's key-value metadata (e.g. the `huggingface` features entry). Only string
//! values change; a row holding a drop-record kind is removed (a row group left empty then
//! disappears).

use super::operators::{FileState, Policy};
use super::records::{redact_until_clean, Counts};
use crate::detect::{Match, Scratch};
use crate::formats::emit::Emitter;
use arrow_array::cast::AsArray;
use arrow_array::{
    Array, ArrayRef, FixedSizeListArray, GenericListArray, LargeStringArray, MapArray,
    OffsetSizeTrait, RecordBatch, StringArray, StringViewArray, StructArray,
};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

const BATCH_ROWS: usize = 4096;

/// Per-file redaction state.
pub struct Redactor<'a> {
    pub em: &'a Emitter,
    pub policy: &'a Policy,
    pub state: FileState,
    pub counts: Counts,
    scratch: Scratch,
    matches: Vec<Match>,
    /// Test hook: fail once this many rows are written.
    pub fail_after: Option<u64>,
    /// Per row of the current batch: the values accepted so far in that row. Columns are
    /// redacted one after another, so within a row values are still seen in the order `scan`
    /// sees them, and a value accepted with context vouches for its repeats in later columns.
    row_memory: Vec<Vec<(usize, String)>>,
    /// Set while dictionary values (shared by many rows) are redacted.
    no_row: bool,
}

/// Counts of one file.
pub struct Stats {
    pub rows_in: u64,
    pub rows_out: u64,
}

impl<'a> Redactor<'a> {
    pub fn new(em: &'a Emitter, policy: &'a Policy) -> Self {
        Redactor {
            em,
            policy,
            state: FileState::default(),
            counts: Counts::new(),
            scratch: Scratch::default(),
            matches: Vec::new(),
            fail_after: None,
            row_memory: Vec::new(),
            no_row: false,
        }
    }

    /// Redacts `path` into `out`; returns the row counts. `out` receives the whole file.
    pub fn file<W: Write + Send>(&mut self, path: &Path, out: W) -> Result<(Stats, W), String> {
        let open = || File::open(path).map_err(|e| format!("cannot open: {e}"));
        let meta = ArrowReaderMetadata::load(&open()?, Default::default())
            .map_err(|e| format!("not a readable Parquet file: {e}"))?;
        let pmeta = meta.metadata().clone();
        let mut props = WriterProperties::builder().set_max_row_group_row_count(None);
        if pmeta.num_row_groups() > 0 {
            for col in pmeta.row_group(0).columns() {
                props = props.set_column_compression(col.column_path().clone(), col.compression());
            }
        }
        let kv: Vec<_> = pmeta
            .file_metadata()
            .key_value_metadata()
            .map(|kv| {
                kv.iter()
                    .filter(|e| e.key != "ARROW:schema")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if !kv.is_empty() {
            props = props.set_key_value_metadata(Some(kv));
        }
        let schema = meta.schema().clone();
        let mut writer = ArrowWriter::try_new(out, schema, Some(props.build()))
            .map_err(|e| format!("cannot write: {e}"))?;
        let mut stats = Stats {
            rows_in: 0,
            rows_out: 0,
        };
        for rg in 0..pmeta.num_row_groups() {
            let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(open()?, meta.clone())
                .with_row_groups(vec![rg])
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| format!("row group {rg}: {e}"))?;
            for batch in reader {
                let batch = batch.map_err(|e| format!("row group {rg}: cannot decode: {e}"))?;
                stats.rows_in += batch.num_rows() as u64;
                let clean = self.batch(&batch)?;
                stats.rows_out += clean.num_rows() as u64;
                writer
                    .write(&clean)
                    .map_err(|e| format!("cannot write: {e}"))?;
                if self.fail_after.is_some_and(|n| stats.rows_out >= n) {
                    return Err("PIISCAN_REDACT_FAIL_AFTER reached".to_string());
                }
            }
            // One output row group per input row group.
            writer.flush().map_err(|e| format!("cannot write: {e}"))?;
        }
        let out = writer
            .into_inner()
            .map_err(|e| format!("cannot write: {e}"))?;
        Ok((stats, out))
    }

    fn batch(&mut self, batch: &RecordBatch) -> Result<RecordBatch, String> {
        let n = batch.num_rows();
        let rows: Vec<usize> = (0..n).collect();
        let mut drop = vec![false; n];
        self.row_memory.clear();
        self.row_memory.resize(n, Vec::new());
        let schema = batch.schema();
        let mut columns = Vec::with_capacity(batch.num_columns());
        for (field, column) in schema.fields().iter().zip(batch.columns()) {
            columns.push(self.array(column, field.name(), &rows, &mut drop));
        }
        let clean = RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())?;
        if !drop.iter().any(|&d| d) {
            return Ok(clean);
        }
        let keep: arrow_array::BooleanArray = drop.iter().map(|&d| Some(!d)).collect();
        arrow_select::filter::filter_record_batch(&clean, &keep).map_err(|e| e.to_string())
    }

    /// One string of batch row `row`: its replacement, or `None`; marks the row for a
    /// drop-record kind.
    fn value(
        &mut self,
        v: &str,
        key: Option<&str>,
        row: usize,
        drop: &mut [bool],
    ) -> Option<String> {
        let remembered = !self.no_row && row < self.row_memory.len();
        if remembered {
            self.scratch.swap_record(&mut self.row_memory[row]);
        } else {
            self.scratch.new_record();
        }
        let result = redact_until_clean(
            self.em,
            self.policy,
            &mut self.state,
            v,
            key,
            &mut self.scratch,
            &mut self.matches,
            &mut self.counts,
        );
        if remembered {
            self.scratch.swap_record(&mut self.row_memory[row]);
        }
        match result {
            Ok(new) => new,
            Err(()) => {
                drop[row] = true;
                None
            }
        }
    }

    /// The array with its strings redacted; `rows[i]` is the batch row of element `i`.
    fn array(&mut self, a: &ArrayRef, key: &str, rows: &[usize], drop: &mut [bool]) -> ArrayRef {
        match a.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                self.strings(a, &|_| Some(key), rows, drop)
            }
            DataType::Dictionary(_, _) => {
                let d = a.as_any_dictionary();
                let keys = d.normalized_keys();
                let values = d.values().clone();
                // A dictionary value belongs to every row that uses it.
                let mut value_drop = vec![false; values.len()];
                let value_rows: Vec<usize> = (0..values.len()).collect();
                let was = std::mem::replace(&mut self.no_row, true);
                let clean = self.array(&values, key, &value_rows, &mut value_drop);
                self.no_row = was;
                for (i, &k) in keys.iter().enumerate() {
                    if !a.is_null(i) && value_drop.get(k).copied().unwrap_or(false) {
                        drop[rows[i]] = true;
                    }
                }
                if Arc::ptr_eq(&clean, &values) {
                    a.clone()
                } else {
                    d.with_values(clean)
                }
            }
            DataType::List(_) => self.list::<i32>(a.as_list::<i32>(), key, rows, drop),
            DataType::LargeList(_) => self.list::<i64>(a.as_list::<i64>(), key, rows, drop),
            DataType::FixedSizeList(field, size) => {
                let l = a.as_fixed_size_list();
                let n = *size as usize;
                let child_rows: Vec<usize> =
                    (0..l.values().len()).map(|i| rows[i / n.max(1)]).collect();
                let values = self.array(l.values(), key, &child_rows, drop);
                Arc::new(FixedSizeListArray::new(
                    field.clone(),
                    *size,
                    values,
                    l.nulls().cloned(),
                ))
            }
            DataType::Struct(fields) => {
                let s = a.as_struct();
                let children: Vec<ArrayRef> = fields
                    .iter()
                    .zip(s.columns())
                    .map(|(f, c)| self.array(c, f.name(), rows, drop))
                    .collect();
                Arc::new(StructArray::new(
                    fields.clone(),
                    children,
                    s.nulls().cloned(),
                ))
            }
            DataType::Map(field, ordered) => {
                let m = a.as_map();
                let child_rows = child_rows(m.value_offsets(), rows, m.entries().len());
                let (keys, values) = (m.keys().clone(), m.values().clone());
                let DataType::Struct(entry_fields) = m.entries().data_type().clone() else {
                    return a.clone();
                };
                // As in `scan`: a key is a string of its own (no field name); a string value
                // has its key as field name.
                let clean_keys = match keys.data_type() {
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                        self.strings(&keys, &|_| None, &child_rows, drop)
                    }
                    _ => keys.clone(),
                };
                let key_at = |i: usize| -> Option<&str> {
                    match keys.data_type() {
                        DataType::Utf8 => Some(keys.as_string::<i32>().value(i)),
                        DataType::LargeUtf8 => Some(keys.as_string::<i64>().value(i)),
                        DataType::Utf8View => Some(keys.as_string_view().value(i)),
                        _ => None,
                    }
                };
                let clean_values = match values.data_type() {
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                        self.strings(&values, &key_at, &child_rows, drop)
                    }
                    _ => {
                        let name = entry_fields.get(1).map_or("value", |f| f.name().as_str());
                        self.array(&values, name, &child_rows, drop)
                    }
                };
                let entries = StructArray::new(
                    entry_fields.clone(),
                    vec![clean_keys, clean_values],
                    m.entries().nulls().cloned(),
                );
                Arc::new(MapArray::new(
                    field.clone(),
                    m.offsets().clone(),
                    entries,
                    m.nulls().cloned(),
                    *ordered,
                ))
            }
            _ => a.clone(),
        }
    }

    /// A string array with each element redacted; `key_at(i)` is element `i`'s field name.
    fn strings<'k>(
        &mut self,
        a: &ArrayRef,
        key_at: &dyn Fn(usize) -> Option<&'k str>,
        rows: &[usize],
        drop: &mut [bool],
    ) -> ArrayRef {
        let get = |i: usize| -> Option<&str> {
            if a.is_null(i) {
                return None;
            }
            Some(match a.data_type() {
                DataType::Utf8 => a.as_string::<i32>().value(i),
                DataType::LargeUtf8 => a.as_string::<i64>().value(i),
                _ => a.as_string_view().value(i),
            })
        };
        let mut changed = false;
        let values: Vec<Option<String>> = (0..a.len())
            .map(|i| {
                get(i).map(|v| match self.value(v, key_at(i), rows[i], drop) {
                    Some(new) => {
                        changed = true;
                        new
                    }
                    None => v.to_string(),
                })
            })
            .collect();
        if !changed {
            return a.clone();
        }
        match a.data_type() {
            DataType::Utf8 => Arc::new(StringArray::from(values)),
            DataType::LargeUtf8 => Arc::new(LargeStringArray::from(values)),
            _ => Arc::new(StringViewArray::from(values)),
        }
    }

    fn list<O: OffsetSizeTrait>(
        &mut self,
        l: &GenericListArray<O>,
        key: &str,
        rows: &[usize],
        drop: &mut [bool],
    ) -> ArrayRef {
        let child_rows = child_rows(l.value_offsets(), rows, l.values().len());
        let values = self.array(l.values(), key, &child_rows, drop);
        let (DataType::List(field) | DataType::LargeList(field)) = l.data_type() else {
            return Arc::new(l.clone());
        };
        Arc::new(GenericListArray::<O>::new(
            field.clone(),
            l.offsets().clone(),
            values,
            l.nulls().cloned(),
        ))
    }
}

/// The row of each child element, from list offsets.
fn child_rows<O: OffsetSizeTrait>(offsets: &[O], rows: &[usize], len: usize) -> Vec<usize> {
    let mut out = vec![0; len];
    for (i, w) in offsets.windows(2).enumerate() {
        let (s, e) = (w[0].as_usize(), w[1].as_usize());
        for slot in out.iter_mut().take(e.min(len)).skip(s) {
            *slot = rows[i];
        }
    }
    out
}
