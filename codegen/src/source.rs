//! Stage 1, load: reads spec files into [`SourceFile`]s.
//!
//! This module and `outline.rs` are the only ones that know the spec is YAML (and which YAML
//! libraries read it), so the libraries can be swapped without touching the later stages.
//! serde_yaml reads each file into the AST; the outline (`outline.rs`, one pass over the same
//! text's YAML events) gives every key's position, repeated keys and unknown keys. This module
//! also reads YAML OpenAPI documents for [`crate::drift`], as JSON values ([`parse_yaml_value`]).

use crate::ast::SpecFile;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::outline::Outline;
use serde_yaml::Value;
use std::collections::HashMap;
use std::path::Path;

/// One parsed spec file: its area name, its text (for positions) and its contents.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// How diagnostics name the file, e.g. `spec/channels.yaml`.
    pub display_path: String,
    /// The area: the file stem, e.g. `channels`.
    pub area: String,
    /// The raw text.
    pub text: String,
    /// The parsed contents.
    pub spec: SpecFile,
    /// Where each key is, for diagnostics.
    outline: Outline,
    /// The spread key (`...Name`) that brought each field of a schema, by schema and field
    /// name, so that diagnostics about such a field point at its spread (`reuse.rs`).
    pub(crate) spreads: HashMap<(String, String), String>,
}

/// Reads every `*.yaml` file directly in `dir`, in name order.
///
/// A folder without any is an error (generating from it would delete the whole client), and
/// so are files that look like spec files but would be skipped (`.yml`, `.YAML`) and files
/// that are not UTF-8: the spec is read whole or not at all.
pub fn load_dir(dir: &Path) -> Result<Vec<SourceFile>, Diagnostics> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_problem(dir, &e))?;
    let mut paths = Vec::new();
    let mut problems = Diagnostics::default();
    for entry in entries {
        let path = entry.map_err(|e| io_problem(dir, &e))?.path();
        let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or("");
        if extension == "yaml" {
            paths.push(path);
        } else if ["yaml", "yml"]
            .iter()
            .any(|e| extension.eq_ignore_ascii_case(e))
        {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            problems.push(file_problem(
                &path,
                None,
                format!("spec files end in `.yaml`, so this file would be skipped; rename it to `{stem}.yaml`"),
            ));
        }
    }
    paths.sort();
    if paths.is_empty() && problems.is_empty() {
        problems.push(file_problem(
            dir,
            None,
            "no spec files (`*.yaml`) in this folder; nothing was generated or deleted".to_owned(),
        ));
    }
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = std::fs::read(&path).map_err(|e| io_problem(&path, &e))?;
        match String::from_utf8(bytes) {
            Ok(text) => inputs.push((path.display().to_string(), text)),
            Err(error) => {
                let bytes = error.as_bytes();
                let valid = error.utf8_error().valid_up_to();
                let before = String::from_utf8_lossy(&bytes[..valid]);
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                problems.push(file_problem(
                    &path,
                    Some((line, column)),
                    format!(
                        "the file is not UTF-8 (byte 0x{:02X} here); save it as UTF-8",
                        bytes[valid]
                    ),
                ));
            }
        }
    }
    if !problems.is_empty() {
        // Report the other files' problems too.
        if let Err(more) = load_texts(inputs) {
            more.0
                .into_iter()
                .for_each(|problem| problems.push(problem));
        }
        problems.sort();
        return Err(problems);
    }
    load_texts(inputs)
}

/// Parses spec texts given as `(display path, text)` pairs; the area is the path's file stem.
/// Reports the problems of every file, not just the first broken one.
pub fn load_texts(inputs: Vec<(String, String)>) -> Result<Vec<SourceFile>, Diagnostics> {
    // Files parse independently, so they parse on every core.
    let parsed = crate::parallel::map(inputs, |(_, text)| text.len(), load_text);
    let mut files = Vec::with_capacity(parsed.len());
    let mut problems = Diagnostics::default();
    for result in parsed {
        match result {
            Ok(file) => files.push(file),
            Err(found) => found.into_iter().for_each(|problem| problems.push(problem)),
        }
    }
    if problems.is_empty() {
        // Mixins and operator sets are shared across files: expanded once all are read.
        crate::reuse::expand(&mut files)
            .into_iter()
            .for_each(|problem| problems.push(problem));
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        problems.sort();
        Err(problems)
    }
}

/// Parses one spec file, or lists everything wrong with it.
fn load_text((display_path, text): (String, String)) -> Result<SourceFile, Vec<Diagnostic>> {
    let area = Path::new(&display_path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let outline = Outline::read(&text);
    let mut problems = Vec::new();
    let diagnostic = |path: &[String], position, message: String| Diagnostic {
        file: display_path.clone(),
        position: Some(position),
        key_path: path.join("."),
        message,
    };
    for duplicate in &outline.duplicates {
        let mut path = duplicate.path.clone();
        path.push(duplicate.key.clone());
        let (line, column) = duplicate.first;
        problems.push(diagnostic(
            &path,
            duplicate.second,
            format!(
                "`{}` is written twice in this mapping (first at line {line} column {column}); YAML keeps only one, so remove or rename one of them",
                duplicate.key
            ),
        ));
    }
    for bad in &outline.bad_chars {
        problems.push(diagnostic(
            &bad.path,
            bad.at,
            format!(
                "the text holds the character U+{:04X}, which a doc comment or name of the generated code cannot hold; remove it",
                u32::from(bad.char)
            ),
        ));
    }
    let error = match serde_yaml::from_str::<SpecFile>(&text) {
        Ok(spec) if problems.is_empty() => {
            return Ok(SourceFile {
                display_path,
                area,
                text,
                spec,
                outline,
                spreads: HashMap::new(),
            })
        }
        Ok(_) => return Err(problems),
        Err(error) => error,
    };
    // serde stops at the first unknown key: list them all, then any other problem.
    let unknown = outline.unknown_keys();
    for found in &unknown {
        let mut path = found.path.clone();
        path.push(found.key.clone());
        let mut message = format!(
            "unknown key `{}`, expected {}",
            found.key,
            expected(found.allowed)
        );
        if let Some(hint) = &found.hint {
            message.push_str("; ");
            message.push_str(hint);
        }
        problems.push(diagnostic(&path, found.at, message));
    }
    let serde_message = error.to_string();
    let is_unknown_key = serde_message.contains("unknown field");
    let is_duplicate = serde_message.contains("duplicate field");
    let explained =
        (is_unknown_key && !unknown.is_empty()) || (is_duplicate && !outline.duplicates.is_empty());
    if !explained {
        problems.push(yaml_problem(display_path.clone(), &text, &error));
    }
    Err(problems)
}

/// Parses a YAML document of any shape (an OpenAPI document, for `drift`) into a JSON value,
/// with mapping keys as strings (`200:` becomes `"200"`). The error names the line and column.
pub fn parse_yaml_value(text: &str) -> Result<serde_json::Value, String> {
    let value: Value = serde_yaml::from_str(text).map_err(|error| {
        let mut message = error.to_string();
        if let Some(at) = message.rfind(" at line ") {
            message.truncate(at);
        }
        match error.location() {
            Some(l) => format!("{}:{}: {message}", l.line(), l.column()),
            None => message,
        }
    })?;
    Ok(yaml_to_json(value))
}

fn yaml_to_json(value: Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
        }
        Value::String(s) => serde_json::Value::String(s),
        Value::Sequence(items) => items.into_iter().map(yaml_to_json).collect(),
        Value::Mapping(map) => serde_json::Value::Object(
            map.into_iter()
                .map(|(key, value)| (key_text(&key), yaml_to_json(value)))
                .collect(),
        ),
        Value::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn yaml_problem(file: String, text: &str, error: &serde_yaml::Error) -> Diagnostic {
    let position = error.location().map(|l| (l.line(), l.column()));
    let mut message = error.to_string();
    // serde_yaml appends " at line L column C"; the position is shown in front instead.
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    // It also prefixes the key path ("endpoints.X: ..."): split it off into the key path.
    let (key_path, message) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (path.to_owned(), rest.to_owned()),
        _ => (String::new(), message),
    };
    Diagnostic {
        file,
        position,
        key_path,
        message: clearer(message, text, position),
    }
}

/// serde_yaml's messages, said plainly where they mislead: a tab reads "found character that
/// cannot start any token", and a number too large for its type "invalid type: string".
fn clearer(message: String, text: &str, position: Option<(usize, usize)>) -> String {
    let char_at = position.and_then(|(line, column)| {
        text.lines()
            .nth(line.checked_sub(1)?)?
            .chars()
            .nth(column.checked_sub(1)?)
    });
    if message.contains("cannot start any token") && char_at == Some('\t') {
        return "a tab: YAML does not allow tabs in indentation (or anywhere outside quotes); use spaces".to_owned();
    }
    if let Some(rest) = message.strip_prefix("invalid type: string \"") {
        if let Some((number, expected)) = rest.split_once("\", expected ") {
            let numeric = number.parse::<f64>().is_ok()
                && number
                    .chars()
                    .all(|c| c.is_ascii_digit() || "+-.eE".contains(c));
            if numeric {
                return format!("the number `{number}` is out of range for {expected}");
            }
        }
    }
    message
}

fn io_problem(path: &Path, error: &std::io::Error) -> Diagnostics {
    Diagnostics(vec![file_problem(
        path,
        None,
        format!("cannot read: {error}"),
    )])
}

fn file_problem(path: &Path, position: Option<(usize, usize)>, message: String) -> Diagnostic {
    Diagnostic {
        file: path.display().to_string(),
        position,
        key_path: String::new(),
        message,
    }
}

impl SourceFile {
    /// Finds the line and column of a key path such as `["endpoints", "X", "path"]` in the
    /// file (of its deepest key found).
    /// A field that a spread brought is located at its spread.
    pub fn locate(&self, key_path: &[&str]) -> Option<(usize, usize)> {
        if let ["schemas", schema, "fields", field, ..] = key_path {
            let key = ((*schema).to_owned(), (*field).to_owned());
            if let Some(spread) = self.spreads.get(&key) {
                return self.outline.locate(&["schemas", schema, "fields", spread]);
            }
        }
        self.outline.locate(key_path)
    }
}

/// "`a`", "`a` or `b`", "one of `a`, `b`, `c`", as serde words it.
fn expected(allowed: &[&str]) -> String {
    let quoted: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        other => serde_yaml::to_string(other)
            .map(|t| t.trim().to_owned())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::keys;

    /// The key lists in `ast::keys` are exactly the keys serde accepts for each struct.
    #[test]
    fn key_lists_match_the_structs() {
        let cases: [(&str, &[&str]); 9] = [
            ("bogus: 1", keys::FILE),
            ("doc: x\npermissions: { P: { bogus: 1 } }", keys::PERMISSION),
            ("doc: x\nevents: { e.x: { bogus: 1 } }", keys::EVENT),
            ("doc: x\nendpoints: { E: { bogus: 1 } }", keys::ENDPOINT),
            (
                "doc: x\nendpoints: { E: { pagination: { bogus: 1 } } }",
                keys::PAGINATION,
            ),
            (
                "doc: x\nendpoints: { E: { body: { bogus: 1 } } }",
                keys::BODY,
            ),
            ("doc: x\nschemas: { S: { bogus: 1 } }", keys::SCHEMA),
            (
                "doc: x\nschemas: { S: { doc: x, fields: { f: { bogus: 1 } } } }",
                keys::FIELD,
            ),
            (
                "doc: x\nschemas: { S: { doc: x, fields: { f: { type: x, filter: { a: { bogus: 1 } } } } } }",
                keys::FILTER_FIELD,
            ),
        ];
        for (text, allowed) in cases {
            let error = serde_yaml::from_str::<SpecFile>(text)
                .expect_err(text)
                .to_string();
            assert!(
                error.contains(&format!("expected {}", expected(allowed))),
                "{text}: {error}"
            );
        }
    }

    #[test]
    fn yaml_documents_become_json_values_with_string_keys() {
        let value = parse_yaml_value("responses:\n  200: { ok: true, n: 1.5 }\n").unwrap();
        assert_eq!(value["responses"]["200"]["ok"], true);
        assert_eq!(value["responses"]["200"]["n"], 1.5);
        let error = parse_yaml_value("a: [1,\n").unwrap_err();
        assert!(error.starts_with("2:"), "{error}");
    }

    #[test]
    fn every_unknown_key_of_a_file_is_reported() {
        let text = "doc: x\nendpont: {}\nschemas:\n  S:\n    doc: x\n    feilds: {}\n    fields:\n      a: { type: string, requird: true }\n";
        let problems = load_texts(vec![("a.yaml".into(), text.into())]).unwrap_err();
        let shown: Vec<String> = problems
            .0
            .iter()
            .map(|p| format!("{:?} {}", p.position, p.key_path))
            .collect();
        assert_eq!(
            shown,
            [
                "Some((2, 1)) endpont",
                "Some((6, 5)) schemas.S.feilds",
                "Some((8, 26)) schemas.S.fields.a.requird"
            ],
            "{problems}"
        );
    }

    /// A fresh folder under the temporary directory, removed by the caller.
    fn folder(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("codegen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn an_empty_or_missing_folder_is_an_error() {
        let dir = folder("empty");
        std::fs::write(dir.join("README.md"), "not a spec").unwrap();
        let problems = load_dir(&dir).unwrap_err().to_string();
        assert!(problems.contains("no spec files"), "{problems}");
        std::fs::remove_dir_all(&dir).unwrap();
        let problems = load_dir(&dir).unwrap_err().to_string();
        assert!(problems.contains("cannot read"), "{problems}");
    }

    #[test]
    fn yml_files_and_non_utf8_files_are_refused_with_a_place() {
        let dir = folder("odd-files");
        std::fs::write(dir.join("good.yaml"), "doc: Fine.\n").unwrap();
        std::fs::write(dir.join("skipped.yml"), "doc: Would be skipped.\n").unwrap();
        std::fs::write(
            dir.join("latin1.yaml"),
            b"doc: ok\nschemas:\n  Caf\xe9: {}\n",
        )
        .unwrap();
        let problems = load_dir(&dir).unwrap_err();
        let shown: Vec<String> = problems
            .0
            .iter()
            .map(|p| format!("{:?} {}", p.position, p.message))
            .collect();
        assert_eq!(shown.len(), 2, "{problems}");
        assert!(
            shown[0].starts_with("Some((3, 6)) the file is not UTF-8 (byte 0xE9 here)"),
            "{shown:?}"
        );
        assert!(
            shown[1].contains("rename it to `skipped.yaml`"),
            "{shown:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let load = |text: &str| {
            load_texts(vec![("a.yaml".into(), text.into())])
                .unwrap_err()
                .0
                .into_iter()
                .map(|p| format!("{:?} {}: {}", p.position, p.key_path, p.message))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            load("doc: x\nschemas:\n\tS: {}\n"),
            ["Some((3, 1)) : a tab: YAML does not allow tabs in indentation (or anywhere outside quotes); use spaces"]
        );
        assert_eq!(
            load(
                "doc: x\nschemas:\n  S: { doc: x, fields: { n: { type: double, max: 1e400 } } }\n"
            ),
            ["Some((3, 50)) schemas.S.fields.n.max: the number `1e400` is out of range for f64"]
        );
        let comma = load("doc: x\nschemas:\n  S: { doc: Timeout, in ms., fields: {} }\n");
        assert_eq!(comma.len(), 1, "{comma:?}");
        assert!(
            comma[0].contains("if it is the rest of `doc`'s value, quote that value"),
            "{comma:?}"
        );
        assert_eq!(
            load("doc: x\nschemas:\n  S: { doc: x, fields: {} }\n  S: { doc: y, fields: {} }\n"),
            ["Some((4, 3)) schemas.S: `S` is written twice in this mapping (first at line 3 column 3); YAML keeps only one, so remove or rename one of them"]
        );
    }
}
