//! Finding writers. `jsonl`: one finding per line. `json`: one document
//! `{"findings": [...], "summary": {...}}`, streamed. `text`: one line per finding and a summary.

use super::Summary;
use crate::findings::Finding;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Jsonl,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(OutputFormat::Text),
            "json" => Ok(OutputFormat::Json),
            "jsonl" => Ok(OutputFormat::Jsonl),
            _ => Err(format!(
                "unknown format '{s}' (expected text, json or jsonl)"
            )),
        }
    }
}

/// Receives findings in order, then the summary.
pub trait Sink {
    fn finding(&mut self, f: &Finding) -> io::Result<()>;
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// A sink writing `format` to `out`. Each finding is formatted into a buffer and written with
/// one call: the formatter's many small writes then stay out of `out`'s dynamic dispatch.
pub fn writer_for<'w>(format: OutputFormat, out: Box<dyn Write + 'w>) -> Box<dyn Sink + 'w> {
    let buf = Vec::with_capacity(512);
    match format {
        OutputFormat::Text => Box::new(TextSink { out, buf }),
        OutputFormat::Json => Box::new(JsonSink { out, buf, count: 0 }),
        OutputFormat::Jsonl => Box::new(JsonlSink { out, buf }),
    }
}

fn json_err(e: serde_json::Error) -> io::Error {
    io::Error::other(e)
}

struct JsonlSink<'w> {
    out: Box<dyn Write + 'w>,
    buf: Vec<u8>,
}

impl Sink for JsonlSink<'_> {
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, f).map_err(json_err)?;
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)
    }
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

struct JsonSink<'w> {
    out: Box<dyn Write + 'w>,
    buf: Vec<u8>,
    count: u64,
}

impl Sink for JsonSink<'_> {
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(if self.count == 0 {
            b"{\"findings\":[\n"
        } else {
            b",\n"
        });
        self.count += 1;
        serde_json::to_writer(&mut self.buf, f).map_err(json_err)?;
        self.out.write_all(&self.buf)
    }
    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out.write_all(if self.count == 0 {
            b"{\"findings\":["
        } else {
            b"\n"
        })?;
        self.out.write_all(b"],\n\"summary\":")?;
        serde_json::to_writer_pretty(&mut self.out, summary).map_err(json_err)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

struct TextSink<'w> {
    out: Box<dyn Write + 'w>,
    buf: Vec<u8>,
}

impl Sink for TextSink<'_> {
    /// `path:line:column: kind (confidence) value` for text; for a JSON field
    /// `path:line field: kind (confidence) value` (`field (key)` when the match is a key); for
    /// Parquet `path:row N field: …`.
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        let b = &mut self.buf;
        b.clear();
        write!(b, "{}", f.path)?;
        if let Some(l) = f.line {
            write!(b, ":{l}")?;
        }
        if let Some(r) = f.row {
            write!(b, ":row {r}")?;
        }
        match &f.field {
            Some(field) => write!(b, " {field}{}", if f.in_key { " (key)" } else { "" })?,
            None => write!(b, ":{}", f.start + 1)?,
        }
        writeln!(b, ": {} ({}) {}", f.kind, f.confidence, f.value)?;
        self.out.write_all(b)
    }
    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        let kinds: Vec<String> = s
            .findings_by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        writeln!(
            self.out,
            "\n{} finding{}{} in {} of {} file{} ({} bytes, {} lines); {} skipped, {} error{}",
            s.findings,
            if s.findings == 1 { "" } else { "s" },
            if kinds.is_empty() {
                String::new()
            } else {
                format!(" ({})", kinds.join(", "))
            },
            s.files_with_findings,
            s.files_scanned,
            if s.files_scanned == 1 { "" } else { "s" },
            s.bytes_scanned,
            s.lines_scanned,
            s.files_skipped,
            s.error_count,
            if s.error_count == 1 { "" } else { "s" },
        )?;
        if s.data_uri_bytes_skipped > 0 {
            writeln!(
                self.out,
                "{} bytes of data URI payloads (base64 images) not searched (--scan-data-uris searches them)",
                s.data_uri_bytes_skipped
            )?;
        }
        if s.allowed > 0 {
            writeln!(
                self.out,
                "{} allowed (placeholders or --allow) not reported",
                s.allowed
            )?;
        }
        if s.below_min_confidence > 0 {
            writeln!(
                self.out,
                "{} more below the confidence threshold (--min-confidence {} or the config's per-kind thresholds)",
                s.below_min_confidence, s.min_confidence
            )?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Confidence;

    fn finding() -> Finding {
        serde_json::from_str(
            r#"{"path":"a.jsonl","line":3,"field":"messages[0].content","kind":"email",
            "rule":"email","confidence":"high","start":4,"end":20,
            "value":"j***@example.com","fingerprint":"ab12"}"#,
        )
        .unwrap()
    }

    fn written(format: OutputFormat, n: usize) -> String {
        let mut out = Vec::new();
        {
            let mut sink = writer_for(format, Box::new(&mut out));
            for _ in 0..n {
                sink.finding(&finding()).unwrap();
            }
            sink.finish(&Summary::new(Confidence::Low, false, 1))
                .unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    /// Each format's bytes for a finding, written through the per-finding buffer.
    #[test]
    fn formats_write_each_finding_whole() {
        let line = r#"{"path":"a.jsonl","line":3,"field":"messages[0].content","kind":"email","rule":"email","confidence":"high","start":4,"end":20,"value":"j***@example.com","fingerprint":"ab12"}"#;
        assert_eq!(written(OutputFormat::Jsonl, 2), format!("{line}\n{line}\n"));
        let json = written(OutputFormat::Json, 2);
        assert!(json.starts_with(&format!(
            "{{\"findings\":[\n{line},\n{line}\n],\n\"summary\":"
        )));
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(doc["findings"].as_array().map(Vec::len), Some(2));
        let text = written(OutputFormat::Text, 1);
        assert!(
            text.starts_with("a.jsonl:3 messages[0].content: email (high) j***@example.com\n"),
            "{text}"
        );
    }

    /// A write that fails is an error of the finding being written, in every format.
    #[test]
    fn a_failing_write_is_reported() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        for format in [OutputFormat::Text, OutputFormat::Json, OutputFormat::Jsonl] {
            let mut sink = writer_for(format, Box::new(Full));
            let err = sink.finding(&finding()).unwrap_err();
            assert_eq!(err.to_string(), "disk full", "{format:?}");
        }
    }
}
