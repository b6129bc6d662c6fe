//! The benchmark corpus: OpenAI-style chat records (system, user, assistant turns) of technical
//! prose with version numbers, dates, hashes, order ids and UUIDs (digits that are *not*
//! personal data), and about one PII value (email, phone, IPv4, payment card) per 2 KB.
//! Deterministic: the same size always gives the same bytes, so runs on different machines
//! scan the same data. Shared by `benches/throughput.rs`, `benches/micro.rs` and
//! `examples/gen_corpus.rs` (which `benches/compare.sh` runs).
#![allow(dead_code)]

use std::io::Write;

/// A small deterministic generator (xorshift).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
}

pub const PROSE: &[&str] = &[
    "Gradient descent updates the parameters in the direction that reduces the loss.",
    "The main idea is to split the problem into smaller pieces that are easier to test.",
    "Before deploying, make sure the migration has been applied to the staging database.",
    "Cosine similarity measures the angle between two vectors, not their length.",
    "Build 10.0.19041.1 failed at 2024-02-01T09:25:16Z, see commit cab5f57b464838c68ed98fea7d2f2e6e20060ade.",
    "Order 641-2024876-7871816 shipped on 2023-03-22; the invoice total was $1,299.99.",
    "Learning rate warmup often stabilises the first few hundred steps of training.",
    "Request 835ebecc-0944-4cd7-a2ab-e5817883090b took 231 ms on v1.2.3.",
];

/// A Luhn-valid 16-digit Visa number, written in groups of four.
fn card(r: &mut Rng) -> String {
    let mut d: Vec<u32> = std::iter::once(4)
        .chain((0..14).map(|_| (r.next() % 10) as u32))
        .collect();
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 0 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    d.push((10 - sum % 10) % 10);
    let s: String = d.iter().map(|x| char::from(b'0' + *x as u8)).collect();
    format!("{} {} {} {}", &s[0..4], &s[4..8], &s[8..12], &s[12..16])
}

/// One PII value; every one of them is a finding of the default rules.
pub fn pii(r: &mut Rng) -> String {
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
        3 => card(r),
        _ => format!("030 {}", r.digits(8)),
    }
}

/// Chat records of (user, assistant) text, about `target` bytes as JSON Lines.
pub struct Records {
    r: Rng,
    size: usize,
    target: usize,
    since_pii: usize,
}

pub fn records(target: usize) -> Records {
    Records {
        r: Rng(0x9E37_79B9_7F4A_7C15),
        size: 0,
        target,
        since_pii: 0,
    }
}

impl Iterator for Records {
    type Item = (String, String);
    fn next(&mut self) -> Option<(String, String)> {
        if self.size >= self.target {
            return None;
        }
        let r = &mut self.r;
        let mut user = String::new();
        let mut assistant = String::new();
        for _ in 0..3 {
            user.push_str(r.pick(PROSE));
            user.push(' ');
            assistant.push_str(r.pick(PROSE));
            assistant.push(' ');
        }
        self.since_pii += user.len() + assistant.len();
        if self.since_pii >= 2048 {
            user.push_str(&format!("You can reach me at {}.", pii(r)));
            self.since_pii = 0;
        }
        self.size += user.len() + assistant.len() + 100;
        Some((user, assistant))
    }
}

/// One record as a JSON line (with its newline). Every third record is written with
/// `ensure_ascii`-style escapes (`\u0040` for `@`), as Python's `json.dumps` writes them.
pub fn jsonl_line(i: usize, user: &str, assistant: &str, out: &mut Vec<u8>) {
    let record = serde_json::json!({"messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": user},
        {"role": "assistant", "content": assistant},
    ]});
    let mut line = serde_json::to_string(&record).unwrap_or_default();
    if i % 3 == 0 {
        line = line.replace('@', "\\u0040");
    }
    out.extend_from_slice(line.as_bytes());
    out.push(b'\n');
}

/// Streams about `target` bytes of vision chat JSONL into `w` (OpenAI-style: the user's
/// content is a text part and an image part, a data URI holding `image` bytes of base64 of
/// random bytes, as a compressed image is); the text is the corpus's. Returns the bytes
/// written.
pub fn write_vision_jsonl(target: usize, image: usize, w: &mut impl Write) -> std::io::Result<u64> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut r = Rng(0x2545_F491_4F6C_DD1D);
    let mut total = 0u64;
    for (user, assistant) in records(usize::MAX) {
        if total as usize >= target {
            break;
        }
        let payload: String = (0..image)
            .map(|_| char::from(ALPHABET[(r.next() % 64) as usize]))
            .collect();
        let record = serde_json::json!({"messages": [
            {"role": "user", "content": [
                {"type": "text", "text": user},
                {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{payload}")}},
            ]},
            {"role": "assistant", "content": assistant},
        ]});
        let mut line = serde_json::to_vec(&record).unwrap_or_default();
        line.push(b'\n');
        w.write_all(&line)?;
        total += line.len() as u64;
    }
    Ok(total)
}

/// Streams about `target` bytes of corpus as JSON Lines into `w`; returns the bytes written.
pub fn write_jsonl(target: usize, w: &mut impl Write) -> std::io::Result<u64> {
    let mut records = records(target).enumerate();
    write_buffered(w, |buf| {
        let Some((i, (user, assistant))) = records.next() else {
            return false;
        };
        jsonl_line(i, &user, &assistant, buf);
        true
    })
}

/// Writes what `fill` appends to the buffer, a MiB at a time, until it returns false; returns
/// the bytes written.
fn write_buffered(
    w: &mut impl Write,
    mut fill: impl FnMut(&mut Vec<u8>) -> bool,
) -> std::io::Result<u64> {
    let mut buf = Vec::with_capacity(1 << 20);
    let mut total = 0u64;
    while fill(&mut buf) {
        if buf.len() >= 1 << 20 {
            w.write_all(&buf)?;
            total += buf.len() as u64;
            buf.clear();
        }
    }
    w.write_all(&buf)?;
    Ok(total + buf.len() as u64)
}

/// Dense personal data, as in a contact export or a support log: text lines of two PII values
/// each (`Contact jan.khan07@gmx.de, or +44 7400 123456.`), a finding every ~25 bytes.
pub fn write_dense_text(target: usize, w: &mut impl Write) -> std::io::Result<u64> {
    let mut r = Rng(0x5eed_de45);
    let mut size = 0;
    write_buffered(w, |buf| {
        if size >= target {
            return false;
        }
        let (a, b) = (pii(&mut r), pii(&mut r));
        let line = format!("Contact {a}, or {b}.\n");
        size += line.len();
        buf.extend_from_slice(line.as_bytes());
        true
    })
}

/// Writes the same records as Parquet: one `messages` column (list of struct role, content),
/// snappy, row groups of 4096 rows, as HuggingFace datasets store chat data.
pub fn write_parquet(
    target: usize,
    path: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
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
    let mut it = records(target).peekable();
    while it.peek().is_some() {
        let chunk: Vec<(String, String)> = it.by_ref().take(4096).collect();
        let mut messages =
            ListBuilder::new(StructBuilder::from_fields(fields.clone(), chunk.len()));
        for (user, assistant) in &chunk {
            let sb = messages.values();
            for (role, content) in [
                ("system", "You are a helpful assistant."),
                ("user", user.as_str()),
                ("assistant", assistant.as_str()),
            ] {
                sb.field_builder::<StringBuilder>(0)
                    .ok_or("role builder")?
                    .append_value(role);
                sb.field_builder::<StringBuilder>(1)
                    .ok_or("content builder")?
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
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(messages) as ArrayRef])?;
        if writer.is_none() {
            writer = Some(ArrowWriter::try_new(
                std::fs::File::create(path)?,
                schema,
                Some(props.clone()),
            )?);
        }
        if let Some(w) = writer.as_mut() {
            w.write(&batch)?;
        }
    }
    if let Some(w) = writer {
        w.close()?;
    }
    Ok(())
}
