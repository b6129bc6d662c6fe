//! The Parquet reader. [`plan`] reads a file's footer once and chooses the leaf columns worth
//! decoding: string leaves (and binary ones with `--scan-binary`), plus the keys of any map whose
//! values are chosen; every other column is skipped by projection and never decompressed.
//! [`scan_row_group`] then reads one row group in bounded batches and walks every value through
//! lists, structs, maps and dictionaries, reporting the same field paths as JSON Lines
//! (`messages[2].content`) and the row as pandas/pyarrow count it.

use super::emit::{Emitter, Location, Parts};
use super::json::{render_path, Seg};
use crate::detect::{Match, Scratch};
use crate::findings::InputError;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, OffsetSizeTrait, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::basic::{ConvertedType, LogicalType, Type as Physical};
use parquet::schema::types::Type as SchemaType;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// Decoded bytes a batch aims at: small enough to bound memory, far below the 2 GiB offset
/// limit of 32-bit string arrays.
const BATCH_BYTES: u64 = 32 << 20;
const MAX_BATCH_ROWS: u64 = 8192;

/// What [`plan`] learned from a file's footer.
pub struct ParquetPlan {
    meta: ArrowReaderMetadata,
    /// `None` when the file has no column worth scanning.
    projection: Option<ProjectionMask>,
    /// Index of the first row of each row group.
    row_group_starts: Vec<u64>,
}

impl ParquetPlan {
    pub fn row_groups(&self) -> usize {
        self.row_group_starts.len()
    }
}

/// Reads the footer of `path`. The error is a message for the user (no input bytes in it).
pub fn plan(path: &Path, scan_binary: bool) -> Result<ParquetPlan, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let meta = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let schema = meta.metadata().file_metadata().schema_descr_ptr();
    let mut selected = Vec::new();
    collect_leaves(schema.root_schema(), scan_binary, &mut 0, &mut selected);
    selected.sort_unstable();
    let projection = (!selected.is_empty()).then(|| ProjectionMask::leaves(&schema, selected));
    let mut start = 0u64;
    let row_group_starts = meta
        .metadata()
        .row_groups()
        .iter()
        .map(|rg| {
            let s = start;
            start += rg.num_rows().max(0) as u64;
            s
        })
        .collect();
    Ok(ParquetPlan {
        meta,
        projection,
        row_group_starts,
    })
}

fn is_string_leaf(t: &SchemaType) -> bool {
    let info = t.get_basic_info();
    matches!(
        info.logical_type_ref(),
        Some(LogicalType::String | LogicalType::Enum | LogicalType::Json)
    ) || matches!(
        info.converted_type(),
        ConvertedType::UTF8 | ConvertedType::ENUM | ConvertedType::JSON
    )
}

fn leaf_wanted(t: &SchemaType, scan_binary: bool) -> bool {
    match t.get_physical_type() {
        Physical::BYTE_ARRAY => is_string_leaf(t) || scan_binary,
        // Fixed-length bytes are decimals, UUIDs or float16 unless unannotated.
        Physical::FIXED_LEN_BYTE_ARRAY => {
            scan_binary
                && t.get_basic_info().logical_type_ref().is_none()
                && t.get_basic_info().converted_type() == ConvertedType::NONE
        }
        _ => false,
    }
}

/// Depth-first over the schema (leaves are numbered in that order). Returns the leaves of the
/// subtree; a map with any chosen leaf gets all its leaves, so keys come with their values.
fn collect_leaves(
    t: &SchemaType,
    scan_binary: bool,
    next: &mut usize,
    selected: &mut Vec<usize>,
) -> Vec<usize> {
    if t.is_primitive() {
        let idx = *next;
        *next += 1;
        if leaf_wanted(t, scan_binary) {
            selected.push(idx);
        }
        return vec![idx];
    }
    let before = selected.len();
    let mut all = Vec::new();
    for f in t.get_fields() {
        all.extend(collect_leaves(f, scan_binary, next, selected));
    }
    let info = t.get_basic_info();
    let is_map = matches!(
        info.converted_type(),
        ConvertedType::MAP | ConvertedType::MAP_KEY_VALUE
    ) || matches!(info.logical_type_ref(), Some(LogicalType::Map));
    if is_map && selected.len() > before {
        for i in &all {
            if !selected.contains(i) {
                selected.push(*i);
            }
        }
    }
    all
}

/// Scans row group `rg` of the file at `path`, handing findings on through `parts`.
#[allow(clippy::too_many_arguments)]
pub fn scan_row_group(
    em: &Emitter,
    display: &Arc<str>,
    path: &Path,
    plan: &ParquetPlan,
    rg: usize,
    scan_binary: bool,
    scratch: &mut Scratch,
    parts: &mut Parts<'_>,
) {
    parts.cur.scanned = true;
    let Some(mask) = &plan.projection else {
        return;
    };
    if rg >= plan.row_groups() {
        return;
    }
    let error = |message: String| InputError {
        row_group: Some(rg as u64),
        ..InputError::file(display, message)
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            parts.cur.errors.push(error(format!("cannot open: {e}")));
            return;
        }
    };
    let rg_meta = plan.meta.metadata().row_group(rg);
    let rows = rg_meta.num_rows().max(0) as u64;
    let per_row = (rg_meta.total_byte_size().max(1) as u64 / rows.max(1)).max(1);
    let batch_rows = (BATCH_BYTES / per_row).clamp(1, MAX_BATCH_ROWS) as usize;
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, plan.meta.clone())
        .with_projection(mask.clone())
        .with_row_groups(vec![rg])
        .with_batch_size(batch_rows)
        .build();
    let reader = match reader {
        Ok(r) => r,
        Err(e) => {
            parts.cur.errors.push(error(format!("cannot read: {e}")));
            return;
        }
    };
    let mut walker = Walker {
        em,
        display,
        scratch,
        matches: Vec::new(),
        parts,
        row: plan.row_group_starts[rg],
        row_group: rg as u64,
        scan_binary,
    };
    for batch in reader {
        match batch {
            Ok(batch) => {
                if !walker.batch(&batch) {
                    return;
                }
            }
            Err(e) => {
                let row = walker.row;
                walker
                    .parts
                    .cur
                    .errors
                    .push(error(format!("cannot decode (at row {row}): {e}")));
                return;
            }
        }
    }
}

struct Walker<'e, 's, 'p> {
    em: &'e Emitter,
    display: &'e Arc<str>,
    scratch: &'s mut Scratch,
    matches: Vec<Match>,
    parts: &'s mut Parts<'p>,
    row: u64,
    row_group: u64,
    scan_binary: bool,
}

/// The key at `idx` of a dictionary's keys array, whatever its integer type.
fn dict_key(keys: &dyn Array, idx: usize) -> Option<usize> {
    if keys.is_null(idx) {
        return None;
    }
    let k = match keys.data_type() {
        DataType::Int8 => keys.as_primitive::<Int8Type>().value(idx) as i64,
        DataType::Int16 => keys.as_primitive::<Int16Type>().value(idx) as i64,
        DataType::Int32 => keys.as_primitive::<Int32Type>().value(idx) as i64,
        DataType::Int64 => keys.as_primitive::<Int64Type>().value(idx),
        DataType::UInt8 => keys.as_primitive::<UInt8Type>().value(idx) as i64,
        DataType::UInt16 => keys.as_primitive::<UInt16Type>().value(idx) as i64,
        DataType::UInt32 => keys.as_primitive::<UInt32Type>().value(idx) as i64,
        DataType::UInt64 => keys.as_primitive::<UInt64Type>().value(idx) as i64,
        _ => return None,
    };
    usize::try_from(k).ok()
}

/// A string value of a map key or a column, if the array holds strings.
fn string_at(array: &dyn Array, idx: usize) -> Option<&str> {
    if array.is_null(idx) {
        return None;
    }
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string::<i32>().value(idx)),
        DataType::LargeUtf8 => Some(array.as_string::<i64>().value(idx)),
        DataType::Utf8View => Some(array.as_string_view().value(idx)),
        _ => None,
    }
}

/// The child values of a list array and the range of element `idx` in them.
fn list_bounds<O: OffsetSizeTrait>(array: &dyn Array, idx: usize) -> (&dyn Array, usize, usize) {
    let list = array.as_list::<O>();
    let offsets = list.value_offsets();
    (
        list.values().as_ref(),
        offsets[idx].as_usize(),
        offsets[idx + 1].as_usize(),
    )
}

fn key_seg(name: &str) -> Seg<'_> {
    Seg::Key {
        raw: name.as_bytes(),
        escaped: false,
        flagged: false,
    }
}

impl Walker<'_, '_, '_> {
    /// Walks the rows of a batch; false when the receiver is gone (stop reading).
    fn batch(&mut self, batch: &RecordBatch) -> bool {
        let schema = batch.schema();
        let mut path: Vec<Seg<'_>> = Vec::new();
        for r in 0..batch.num_rows() {
            self.scratch.new_record();
            for (field, column) in schema.fields().iter().zip(batch.columns()) {
                path.clear();
                path.push(key_seg(field.name()));
                self.visit(column.as_ref(), r, &mut path);
            }
            self.row += 1;
            self.parts.cur.rows += 1;
            if !self.parts.checkpoint() {
                return false;
            }
        }
        true
    }

    fn visit<'b>(&mut self, array: &'b dyn Array, idx: usize, path: &mut Vec<Seg<'b>>) {
        if array.is_null(idx) {
            return;
        }
        match array.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                if let Some(s) = string_at(array, idx) {
                    self.scan(s, path, false);
                }
            }
            DataType::Binary => self.scan_bytes(array.as_binary::<i32>().value(idx), path),
            DataType::LargeBinary => self.scan_bytes(array.as_binary::<i64>().value(idx), path),
            DataType::BinaryView => self.scan_bytes(array.as_binary_view().value(idx), path),
            DataType::FixedSizeBinary(_) => {
                self.scan_bytes(array.as_fixed_size_binary().value(idx), path)
            }
            DataType::Dictionary(_, _) => {
                let d = array.as_any_dictionary();
                if let Some(k) = dict_key(d.keys(), idx) {
                    if k < d.values().len() {
                        self.visit(d.values().as_ref(), k, path);
                    }
                }
            }
            DataType::List(_) => {
                let (values, start, end) = list_bounds::<i32>(array, idx);
                self.elements(values, start, end, path);
            }
            DataType::LargeList(_) => {
                let (values, start, end) = list_bounds::<i64>(array, idx);
                self.elements(values, start, end, path);
            }
            DataType::FixedSizeList(_, _) => {
                let l = array.as_fixed_size_list();
                let start = l.value_offset(idx) as usize;
                let len = l.value_length() as usize;
                self.elements(l.values().as_ref(), start, start + len, path);
            }
            DataType::Struct(fields) => {
                let s = array.as_struct();
                for (f, child) in fields.iter().zip(s.columns()) {
                    path.push(key_seg(f.name()));
                    self.visit(child.as_ref(), idx, path);
                    path.pop();
                }
            }
            DataType::Map(_, _) => {
                let m = array.as_map();
                let offs = m.value_offsets();
                let (keys, values) = (m.keys().as_ref(), m.values().as_ref());
                for j in offs[idx] as usize..offs[idx + 1] as usize {
                    match string_at(keys, j) {
                        Some(k) => {
                            let flagged = self.scan(k, path, true);
                            path.push(Seg::Key {
                                raw: k.as_bytes(),
                                escaped: false,
                                flagged,
                            });
                        }
                        None => path.push(Seg::Index(j - offs[idx] as usize)),
                    }
                    self.visit(values, j, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn elements<'b>(
        &mut self,
        values: &'b dyn Array,
        start: usize,
        end: usize,
        path: &mut Vec<Seg<'b>>,
    ) {
        for j in start..end {
            path.push(Seg::Index(j - start));
            self.visit(values, j, path);
            path.pop();
        }
    }

    fn scan_bytes(&mut self, bytes: &[u8], path: &[Seg<'_>]) {
        if !self.scan_binary {
            return;
        }
        for chunk in bytes.utf8_chunks() {
            if !chunk.valid().is_empty() {
                self.scan(chunk.valid(), path, false);
            }
        }
    }

    /// Scans one string; `is_key` for a map key (its path gets the key, flagged). Returns whether
    /// anything was found.
    fn scan(&mut self, value: &str, path: &[Seg<'_>], is_key: bool) -> bool {
        self.parts.cur.bytes += value.len() as u64;
        let key = if is_key {
            None
        } else {
            path.iter().rev().find_map(|s| match *s {
                Seg::Key { raw, .. } => std::str::from_utf8(raw).ok(),
                Seg::Index(_) => None,
            })
        };
        self.matches.clear();
        self.em
            .detector
            .detect(value, key, self.scratch, &mut self.matches);
        if self.matches.is_empty() {
            return false;
        }
        let field = if is_key {
            let mut with_key = path.to_vec();
            with_key.push(Seg::Key {
                raw: value.as_bytes(),
                escaped: false,
                flagged: true,
            });
            render_path(&with_key, self.em.show_values)
        } else {
            render_path(path, self.em.show_values)
        };
        let loc = Location {
            row: Some(self.row),
            row_group: Some(self.row_group),
            field: Some(&field),
            in_key: is_key,
            ..Location::default()
        };
        self.em.emit(
            value,
            &self.matches,
            &loc,
            self.display,
            &mut self.parts.cur,
        );
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::emit::tests::{collect_parts, emitter};
    use crate::formats::emit::PART_FINDINGS;
    use arrow_array::{ArrayRef, StringArray};
    use arrow_schema::{Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;

    #[test]
    fn one_large_row_group_is_handed_on_in_bounded_parts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dense.parquet");
        let rows = 20_000;
        let emails: Vec<String> = (0..rows).map(|i| format!("user{i}@mail.de")).collect();
        let schema = Arc::new(Schema::new(vec![Field::new(
            "email",
            DataType::Utf8,
            false,
        )]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(StringArray::from(emails)) as ArrayRef],
        )
        .unwrap();
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(rows))
            .build();
        let mut w =
            ArrowWriter::try_new(File::create(&path).unwrap(), schema, Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();

        let plan = plan(&path, false).unwrap();
        assert_eq!(plan.row_groups(), 1);
        let em = emitter();
        let display: Arc<str> = Arc::from("dense.parquet");
        let parts =
            collect_parts(|s, p| scan_row_group(&em, &display, &path, &plan, 0, false, s, p));
        assert!(parts.len() >= 4, "{} parts", parts.len());
        assert!(parts.iter().all(|p| p.findings.len() <= PART_FINDINGS));
        assert_eq!(parts.iter().map(|p| p.findings.len()).sum::<usize>(), rows);
        assert_eq!(parts.iter().map(|p| p.rows).sum::<u64>(), rows as u64);
        let last = parts.iter().rev().find_map(|p| p.findings.last()).unwrap();
        assert_eq!(last.row, Some(rows as u64 - 1));
    }
}
