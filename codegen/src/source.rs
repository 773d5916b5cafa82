//! Stage 1, load: reads spec files into [`SourceFile`]s.
//!
//! This is the only module that knows the spec is YAML (and which YAML library reads it), so
//! the library can be swapped without touching the later stages. It also reads YAML OpenAPI
//! documents for [`crate::drift`], as JSON values ([`parse_yaml_value`]).

use crate::ast::{keys, SpecFile};
use crate::diagnostic::{Diagnostic, Diagnostics};
use serde_yaml::{Mapping, Value};
use std::path::Path;

/// One parsed spec file: its area name, its text (for positions) and its contents.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// How diagnostics name the file, e.g. `spec/channels.yaml`.
    pub display_path: String,
    /// The area: the file stem, e.g. `channels`.
    pub area: String,
    /// The raw text, used to find line numbers for diagnostics.
    pub text: String,
    /// The parsed contents.
    pub spec: SpecFile,
}

/// Reads every `*.yaml` file directly in `dir`, in name order.
pub fn load_dir(dir: &Path) -> Result<Vec<SourceFile>, Diagnostics> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_problem(dir, &e))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| io_problem(dir, &e))?.path();
        if path.extension().is_some_and(|ext| ext == "yaml") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| io_problem(&path, &e))?;
        inputs.push((path.display().to_string(), text));
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
    let error = match serde_yaml::from_str::<SpecFile>(&text) {
        Ok(spec) => {
            return Ok(SourceFile {
                display_path,
                area,
                text,
                spec,
            })
        }
        Err(error) => error,
    };
    let mut problems = Vec::new();
    // serde stops at the first unknown key: list them all, then any other problem.
    let unknown = serde_yaml::from_str::<Value>(&text)
        .map(|value| unknown_keys(&value))
        .unwrap_or_default();
    let locator = Locator { text: &text };
    for (path, key, allowed) in &unknown {
        let mut full: Vec<&str> = path.iter().map(String::as_str).collect();
        full.push(key);
        problems.push(Diagnostic {
            file: display_path.clone(),
            position: locator.locate(&full),
            key_path: full.join("."),
            message: format!("unknown key `{key}`, expected {}", expected(allowed)),
        });
    }
    let is_unknown_key = error.to_string().contains("unknown field");
    if unknown.is_empty() || !is_unknown_key {
        problems.push(yaml_problem(display_path, &error));
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

fn yaml_problem(file: String, error: &serde_yaml::Error) -> Diagnostic {
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
        message,
    }
}

fn io_problem(path: &Path, error: &std::io::Error) -> Diagnostics {
    Diagnostics(vec![Diagnostic {
        file: path.display().to_string(),
        position: None,
        key_path: String::new(),
        message: format!("cannot read: {error}"),
    }])
}

impl SourceFile {
    /// Finds the line and column of a key path such as `["endpoints", "X", "path"]` in the
    /// file's text, following the indentation of block mappings.
    pub fn locate(&self, key_path: &[&str]) -> Option<(usize, usize)> {
        Locator { text: &self.text }.locate(key_path)
    }
}

/// Finds key paths in the text of a YAML file.
struct Locator<'a> {
    text: &'a str,
}

impl Locator<'_> {
    /// Finds the line and column of a key path by following the indentation of block
    /// mappings; keys written in flow style (`{ type: x }`) are found on their parent's line.
    /// Returns the deepest position found.
    fn locate(&self, key_path: &[&str]) -> Option<(usize, usize)> {
        let lines: Vec<&str> = self.text.lines().collect();
        let mut found: Option<(usize, usize)> = None;
        let mut start = 0;
        let mut parent_indent: Option<usize> = None;
        'segments: for segment in key_path {
            if let Some((line, column)) = found {
                // A flow mapping on the parent's line: look for `segment:` inside it.
                let text = lines[line - 1];
                if let Some(brace) = text[column - 1..].find('{') {
                    let inner = &text[column - 1 + brace..];
                    if let Some(at) = find_key(inner, segment) {
                        found = Some((line, column + brace + at));
                        break 'segments;
                    }
                }
            }
            for (index, text) in lines.iter().enumerate().skip(start) {
                let trimmed = text.trim_start();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                let indent = text.len() - trimmed.len();
                if parent_indent.is_some_and(|p| indent <= p) {
                    break 'segments;
                }
                if key_matches(trimmed, segment) {
                    found = Some((index + 1, indent + 1));
                    start = index + 1;
                    parent_indent = Some(indent);
                    continue 'segments;
                }
            }
            break;
        }
        found
    }
}

fn key_matches(trimmed: &str, key: &str) -> bool {
    [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("'{key}':"),
    ]
    .iter()
    .any(|k| trimmed.starts_with(k.as_str()))
}

fn find_key(text: &str, key: &str) -> Option<usize> {
    let needle = format!("{key}:");
    let mut from = 0;
    while let Some(at) = text[from..].find(&needle) {
        let at = from + at;
        let before = text[..at].chars().next_back();
        if matches!(before, Some('{') | Some(' ') | Some(',')) {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// An unknown key: the path of its mapping, the key, and the keys that mapping accepts.
type UnknownKey = (Vec<String>, String, &'static [&'static str]);

/// Every key of the file that the language does not know, in file order.
fn unknown_keys(file: &Value) -> Vec<UnknownKey> {
    let mut found = Vec::new();
    let Some(root) = file.as_mapping() else {
        return found;
    };
    check_keys(root, keys::FILE, &[], &mut found);
    let section = |name: &str| root.get(name).and_then(Value::as_mapping);
    for (name, allowed) in [("permissions", keys::PERMISSION), ("events", keys::EVENT)] {
        for (entry, value) in section(name).into_iter().flatten() {
            if let Some(map) = value.as_mapping() {
                check_keys(
                    map,
                    allowed,
                    &[name.to_owned(), key_text(entry)],
                    &mut found,
                );
            }
        }
    }
    for (entry, value) in section("endpoints").into_iter().flatten() {
        let Some(map) = value.as_mapping() else {
            continue;
        };
        let path = vec!["endpoints".to_owned(), key_text(entry)];
        check_keys(map, keys::ENDPOINT, &path, &mut found);
        if let Some(body) = map.get("body").and_then(Value::as_mapping) {
            check_keys(
                body,
                keys::BODY,
                &[path.clone(), vec!["body".to_owned()]].concat(),
                &mut found,
            );
        }
        if let Some(pagination) = map.get("pagination").and_then(Value::as_mapping) {
            check_keys(
                pagination,
                keys::PAGINATION,
                &[path.clone(), vec!["pagination".to_owned()]].concat(),
                &mut found,
            );
        }
        for params in ["path_params", "query"] {
            check_fields(
                map.get(params),
                &[path.clone(), vec![params.to_owned()]].concat(),
                &mut found,
            );
        }
    }
    for (entry, value) in section("schemas").into_iter().flatten() {
        let Some(map) = value.as_mapping() else {
            continue;
        };
        let path = vec!["schemas".to_owned(), key_text(entry)];
        check_keys(map, keys::SCHEMA, &path, &mut found);
        check_fields(
            map.get("fields"),
            &[path, vec!["fields".to_owned()]].concat(),
            &mut found,
        );
    }
    found
}

fn check_fields(fields: Option<&Value>, path: &[String], found: &mut Vec<UnknownKey>) {
    for (name, field) in fields.and_then(Value::as_mapping).into_iter().flatten() {
        if let Some(map) = field.as_mapping() {
            let field_path = [path.to_vec(), vec![key_text(name)]].concat();
            check_keys(map, keys::FIELD, &field_path, found);
            let filter = map.get("filter").and_then(Value::as_mapping);
            for (entry, value) in filter.into_iter().flatten() {
                if let Some(entry_map) = value.as_mapping() {
                    let entry_path = [
                        field_path.clone(),
                        vec!["filter".to_owned(), key_text(entry)],
                    ];
                    check_keys(entry_map, keys::FILTER_FIELD, &entry_path.concat(), found);
                }
            }
        }
    }
}

fn check_keys(
    map: &Mapping,
    allowed: &'static [&'static str],
    path: &[String],
    found: &mut Vec<UnknownKey>,
) {
    for key in map.keys() {
        let key = key_text(key);
        if !allowed.contains(&key.as_str()) {
            found.push((path.to_vec(), key, allowed));
        }
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
}
