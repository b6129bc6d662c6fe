//! `piiscan rules list`: the loaded rules, as a table or JSON.

use super::RuleSet;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    kind: &'a str,
    name: &'a str,
    confidence: crate::findings::Confidence,
    validator: Option<&'static str>,
    source: &'a str,
    description: &'a str,
}

pub fn write_list(set: &RuleSet, json: bool, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<Row<'_>> = set
        .rules()
        .iter()
        .map(|r| Row {
            id: &r.id,
            kind: &r.kind,
            name: &r.name,
            confidence: r.confidence,
            validator: r.validator.map(|v| v.name()),
            source: &r.source,
            description: &r.description,
        })
        .collect();
    if json {
        serde_json::to_writer_pretty(&mut *out, &rows).map_err(io::Error::other)?;
        return writeln!(out);
    }
    writeln!(
        out,
        "{:<16} {:<14} {:<8} {:<14} NAME",
        "ID", "KIND", "CONF", "VALIDATOR"
    )?;
    for r in rows {
        writeln!(
            out,
            "{:<16} {:<14} {:<8} {:<14} {}",
            r.id,
            r.kind,
            r.confidence,
            r.validator.unwrap_or("-"),
            r.name
        )?;
    }
    Ok(())
}
