//! Aligned tables and JSON documents.

use std::fmt::{self, Write};

use permgate::{Permission, Release, gate::GateInfo, text::Escaped};
use serde::Serialize;

use crate::input::{Failure, Problem};

/// The version of every `--json` schema; bumped only when a field changes
/// meaning or goes away.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// Appends a line to a `String` (writing to a `String` cannot fail).
macro_rules! line {
    ($out:expr) => {{
        $out.push('\n');
    }};
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}
pub(crate) use line;

/// Writes `rows` as a table: every column but the last padded to its widest
/// cell, two spaces apart, each line after `indent`. `header`, when given,
/// is the first row. Cells are printed as given: text from a document must
/// already be escaped ([`escaped`]), so widths are those of the escaped text.
pub(crate) fn table(out: &mut String, indent: &str, header: Option<&[&str]>, rows: &[Vec<String>]) {
    table_capped(out, indent, header, rows, &[]);
}

/// [`table`], with column `n` padded to at most `caps[n]` characters (none
/// past the end of `caps`): a longer cell runs over, two spaces before the
/// next, rather than widening every line (paths of the Platform API run to
/// 174 characters, most are under 80).
pub(crate) fn table_capped(
    out: &mut String,
    indent: &str,
    header: Option<&[&str]>,
    rows: &[Vec<String>],
    caps: &[usize],
) {
    let header: Option<Vec<String>> = header.map(|cells| cells.iter().map(|c| (*c).to_owned()).collect());
    let all: Vec<&Vec<String>> = header.iter().chain(rows).collect();
    let columns = all.iter().map(|row| row.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|n| {
            let widest = all
                .iter()
                .filter_map(|row| row.get(n))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0);
            caps.get(n).map_or(widest, |cap| widest.min(*cap))
        })
        .collect();
    for row in all {
        let mut text = String::from(indent);
        for (n, cell) in row.iter().enumerate() {
            if n + 1 == row.len() {
                text.push_str(cell);
            } else {
                let width = widths.get(n).copied().unwrap_or(0);
                let _ = write!(text, "{cell:<width$}  ");
            }
        }
        line!(out, "{}", text.trim_end());
    }
}

/// `3.15`, or `-` when there is none.
pub(crate) fn release_text(release: Option<Release>) -> String {
    release.map_or_else(|| "-".to_owned(), |r| r.to_string())
}

/// A gate as `list gates` and the audits' `gate_info` write it: the
/// library's gate, with the keys of it the Platform API removed, whether
/// that removed the feature, and why holding it may not be enough.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GateListing {
    #[serde(flatten)]
    pub(crate) gate: &'static GateInfo,
    pub(crate) removed_from_platform: Vec<Permission<'static>>,
    pub(crate) feature_removed: bool,
    pub(crate) incomplete: Option<&'static str>,
}

impl From<&'static GateInfo> for GateListing {
    fn from(gate: &'static GateInfo) -> Self {
        GateListing {
            gate,
            removed_from_platform: gate.removed_from_platform().collect(),
            feature_removed: gate.feature_removed(),
            incomplete: gate.incomplete,
        }
    }
}

/// A report with the schema's version first.
#[derive(Serialize)]
struct Versioned<'a, R> {
    format_version: u32,
    #[serde(flatten)]
    report: &'a R,
}

/// A command's one report: its table (`Display`), or with `json` its JSON
/// document (`Serialize`, after `format_version`).
pub(crate) fn render<R: fmt::Display + Serialize>(report: &R, json: bool) -> Result<String, Failure> {
    if json {
        json_document(&Versioned {
            format_version: FORMAT_VERSION,
            report,
        })
    } else {
        Ok(report.to_string())
    }
}

/// Text from a document (a name, a key, a value, a file name), escaped for
/// printing: it cannot forge lines or alter the terminal.
pub(crate) fn escaped(text: &str) -> String {
    Escaped(text).to_string()
}

/// The key of a permission, escaped (an organization's catalog adds keys).
pub(crate) fn key(permission: Permission<'_>) -> String {
    escaped(permission.key())
}

/// The label of a permission, escaped, or empty.
pub(crate) fn label(permission: Permission<'_>) -> String {
    escaped(permission.label().unwrap_or_default())
}

/// A JSON document, pretty, with a final newline.
pub(crate) fn json_document<T: Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Problem::new(format!("cannot write JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// `1 permission`, `2 permissions`.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Under a list of gates: the keys of each that the Platform API removed,
/// which `check` does not require, and the gates it refuses because every
/// key they name was removed. Nothing when no gate names a removed key.
pub(crate) fn removed_gates(out: &mut String, gates: &[&GateInfo]) {
    let rows: Vec<Vec<String>> = gates
        .iter()
        .filter_map(|gate| {
            let keys: Vec<String> = gate.removed_from_platform().map(key).collect();
            let keys = keys.join(", ");
            let note = if gate.feature_removed() {
                format!("the feature no longer exists: every key was removed ({keys})")
            } else if keys.is_empty() {
                return None;
            } else {
                keys
            };
            Some(vec![gate.name.to_owned(), note])
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    line!(out);
    line!(out, "removed from the Platform API, so not required:");
    table(out, "  ", None, &rows);
}
