//! Stage 1, load: reads spec files into [`SourceFile`]s.
//!
//! This is the only module that knows the spec is YAML (and which YAML library reads it), so
//! the library can be swapped without touching the later stages.

use crate::ast::SpecFile;
use crate::diagnostic::{Diagnostic, Diagnostics};
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
    let mut files = Vec::with_capacity(inputs.len());
    let mut problems = Diagnostics::default();
    for (display_path, text) in inputs {
        let area = Path::new(&display_path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match serde_yaml::from_str::<SpecFile>(&text) {
            Ok(spec) => files.push(SourceFile {
                display_path,
                area,
                text,
                spec,
            }),
            Err(error) => problems.push(yaml_problem(display_path, &error)),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        problems.sort();
        Err(problems)
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
    /// file's text by following the indentation of block mappings; keys written in flow style
    /// (`{ type: x }`) are found on their parent's line. Returns the deepest position found.
    pub fn locate(&self, key_path: &[&str]) -> Option<(usize, usize)> {
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
