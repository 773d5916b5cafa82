//! The outline of a spec file: its mappings and their keys with positions, read in one linear
//! pass over the YAML events of libyaml-safer (libyaml, the parser serde_yaml runs too, ported
//! to safe Rust, so both read the same YAML).
//!
//! serde_yaml then reads the same text into the AST; the outline says what serde cannot:
//! where any key path is (for every diagnostic), which keys a mapping repeats (serde_yaml keeps
//! the last silently), every key the language does not know (serde stops at the first), and
//! text that no generated file can hold (control characters, text-direction overrides).

use crate::ast::keys;
use indexmap::IndexMap;
use libyaml_safer::{EventData, MappingStyle, Parser, ScalarStyle};
use std::borrow::Cow;

/// A 1-based line and column (in characters).
pub type Position = (usize, usize);

/// Nesting deeper than this is not kept (spec files nest about eight levels); serde_yaml
/// refuses such files anyway, and a deep tree would overflow the stack when dropped.
const MAX_DEPTH: usize = 64;

/// A YAML node of the outline.
#[derive(Debug, Clone)]
pub enum Node {
    Mapping(Mapping),
    Sequence(Vec<Node>),
    /// A scalar: its text, and whether it is plain (unquoted) and empty, i.e. YAML's null.
    Scalar {
        value: String,
        null: bool,
    },
    /// An alias (`*name`), not expanded.
    Alias,
}

/// A mapping: its entries in file order, the first of any repeated key.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// Written in flow style (`{ a: 1, b: 2 }`).
    pub flow: bool,
    pub entries: IndexMap<String, Entry>,
}

/// A mapping entry: where its key is, and its value.
#[derive(Debug, Clone)]
pub struct Entry {
    pub at: Position,
    pub value: Node,
}

/// A key written twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The path of the mapping (keys, and `[i]` for sequence items).
    pub path: Vec<String>,
    pub key: String,
    pub first: Position,
    pub second: Position,
}

/// A character no generated file can hold, found in a key or value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadChar {
    pub path: Vec<String>,
    pub at: Position,
    pub char: char,
}

/// The outline of one file.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// The document's root node; `None` when the YAML does not parse (serde_yaml says why).
    root: Option<Node>,
    pub duplicates: Vec<Duplicate>,
    pub bad_chars: Vec<BadChar>,
}

/// A node under construction.
enum Frame {
    Mapping {
        mapping: Mapping,
        /// The key read, waiting for its value.
        key: Option<(String, Position)>,
    },
    Sequence(Vec<Node>),
    /// Deeper than [`MAX_DEPTH`]: read but not kept.
    Skipped,
}

impl Outline {
    /// Reads the outline of a YAML text. Never fails: a text that is not YAML has no root.
    pub fn read(text: &str) -> Outline {
        let mut outline = Outline::default();
        // libyaml-safer 0.3 panics when a backslash inside a double-quoted scalar is the last
        // character of the text (it reads the escaped character without checking that there is
        // one). A final line break, which YAML ignores, means a backslash is never last.
        let text = if text.ends_with('\n') {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(format!("{text}\n"))
        };
        let mut input = text.as_bytes();
        let mut parser = Parser::new();
        parser.set_input_string(&mut input);
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            let Ok(event) = parser.parse() else {
                outline.root = None;
                return outline;
            };
            let at = (
                event.start_mark.line as usize + 1,
                event.start_mark.column as usize + 1,
            );
            let node = match event.data {
                EventData::StreamEnd | EventData::DocumentEnd { .. } => return outline,
                EventData::MappingStart { style, .. } => {
                    stack.push(if stack.len() >= MAX_DEPTH {
                        Frame::Skipped
                    } else {
                        Frame::Mapping {
                            mapping: Mapping {
                                flow: style == MappingStyle::Flow,
                                entries: IndexMap::new(),
                            },
                            key: None,
                        }
                    });
                    continue;
                }
                EventData::SequenceStart { .. } => {
                    stack.push(if stack.len() >= MAX_DEPTH {
                        Frame::Skipped
                    } else {
                        Frame::Sequence(Vec::new())
                    });
                    continue;
                }
                EventData::MappingEnd | EventData::SequenceEnd => match stack.pop() {
                    Some(Frame::Mapping { mapping, .. }) => Some(Node::Mapping(mapping)),
                    Some(Frame::Sequence(items)) => Some(Node::Sequence(items)),
                    Some(Frame::Skipped) | None => None,
                },
                EventData::Scalar { value, style, .. } => {
                    if let Some(char) = value.chars().find(|c| unwritable(*c)) {
                        let path = path_of(&stack);
                        outline.bad_chars.push(BadChar { path, at, char });
                    }
                    let null = style == ScalarStyle::Plain && value.is_empty();
                    Some(Node::Scalar { value, null })
                }
                EventData::Alias { .. } => Some(Node::Alias),
                EventData::StreamStart { .. } | EventData::DocumentStart { .. } => continue,
            };
            let Some(node) = node else {
                continue;
            };
            outline.add(&mut stack, node, at);
        }
    }

    /// Places a finished node: as the root, a sequence item, a mapping key or its value.
    fn add(&mut self, stack: &mut [Frame], node: Node, at: Position) {
        let Some((top, outer)) = stack.split_last_mut() else {
            self.root = Some(node);
            return;
        };
        match top {
            Frame::Sequence(items) => items.push(node),
            Frame::Skipped => {}
            Frame::Mapping { mapping, key } => match key.take() {
                None => {
                    let text = match node {
                        Node::Scalar { value, .. } => value,
                        Node::Mapping(_) => "{...}".to_owned(),
                        Node::Sequence(_) => "[...]".to_owned(),
                        Node::Alias => "*alias".to_owned(),
                    };
                    *key = Some((text, at));
                }
                Some((text, key_at)) => {
                    if let Some(first) = mapping.entries.get(&text) {
                        self.duplicates.push(Duplicate {
                            path: path_of(outer),
                            key: text,
                            first: first.at,
                            second: key_at,
                        });
                    } else {
                        let entry = Entry {
                            at: key_at,
                            value: node,
                        };
                        mapping.entries.insert(text, entry);
                    }
                }
            },
        }
    }

    /// The line and column of a key path such as `["endpoints", "X", "path"]`: of its deepest
    /// key found (the whole path when it exists).
    pub fn locate(&self, key_path: &[&str]) -> Option<Position> {
        let mut node = self.root.as_ref()?;
        let mut found = None;
        for key in key_path {
            let Node::Mapping(mapping) = node else {
                break;
            };
            let Some(entry) = mapping.entries.get(*key) else {
                break;
            };
            found = Some(entry.at);
            node = &entry.value;
        }
        found
    }

    /// Every key of the file that the spec language does not know, in file order.
    pub fn unknown_keys(&self) -> Vec<UnknownKey> {
        let mut found = Vec::new();
        let Some(Node::Mapping(root)) = &self.root else {
            return found;
        };
        check_keys(root, keys::FILE, &[], &mut found);
        let section = |name: &str| match root.entries.get(name).map(|e| &e.value) {
            Some(Node::Mapping(mapping)) => Some(mapping),
            _ => None,
        };
        for (name, allowed) in [("permissions", keys::PERMISSION), ("events", keys::EVENT)] {
            for (entry, map) in mappings(section(name)) {
                check_keys(map, allowed, &[name, entry], &mut found);
            }
        }
        for (entry, map) in mappings(section("endpoints")) {
            let path = ["endpoints", entry];
            check_keys(map, keys::ENDPOINT, &path, &mut found);
            for (key, allowed) in [("body", keys::BODY), ("pagination", keys::PAGINATION)] {
                if let Some(Node::Mapping(inner)) = map.entries.get(key).map(|e| &e.value) {
                    check_keys(inner, allowed, &[&path[..], &[key]].concat(), &mut found);
                }
            }
            for params in ["path_params", "query"] {
                check_fields(map, params, &path, &mut found);
            }
        }
        for (entry, map) in mappings(section("schemas")) {
            let path = ["schemas", entry];
            check_keys(map, keys::SCHEMA, &path, &mut found);
            check_fields(map, "fields", &path, &mut found);
        }
        for (entry, map) in mappings(section("mixins")) {
            check_field_set(map, &["mixins", entry], &mut found);
        }
        found
    }
}

/// An unknown key: the path of its mapping, the key, the keys that mapping accepts, and a hint
/// when the key looks like the rest of an unquoted value cut at a comma.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    pub path: Vec<String>,
    pub key: String,
    pub at: Position,
    pub allowed: &'static [&'static str],
    pub hint: Option<String>,
}

/// The entries of a mapping whose values are mappings, with their keys.
fn mappings(section: Option<&Mapping>) -> impl Iterator<Item = (&str, &Mapping)> {
    section
        .into_iter()
        .flat_map(|mapping| &mapping.entries)
        .filter_map(|(key, entry)| match &entry.value {
            Node::Mapping(map) => Some((key.as_str(), map)),
            _ => None,
        })
}

/// The fields (or parameters) under `key` of `owner`, and their filters.
fn check_fields(owner: &Mapping, key: &str, path: &[&str], found: &mut Vec<UnknownKey>) {
    if let Some(Node::Mapping(fields)) = owner.entries.get(key).map(|e| &e.value) {
        check_field_set(fields, &[path, &[key]].concat(), found);
    }
}

/// The fields of a field mapping at `path` (a schema's `fields:`, a mixin), and their filters.
fn check_field_set(fields: &Mapping, path: &[&str], found: &mut Vec<UnknownKey>) {
    for (name, field) in mappings(Some(fields)) {
        let field_path = [path, &[name]].concat();
        check_keys(field, keys::FIELD, &field_path, found);
        for (entry, map) in mappings(match field.entries.get("filter").map(|e| &e.value) {
            Some(Node::Mapping(filter)) => Some(filter),
            _ => None,
        }) {
            let entry_path = [&field_path[..], &["filter", entry]].concat();
            check_keys(map, keys::FILTER_FIELD, &entry_path, found);
        }
    }
}

fn check_keys(
    map: &Mapping,
    allowed: &'static [&'static str],
    path: &[&str],
    found: &mut Vec<UnknownKey>,
) {
    let mut previous: Option<(&str, &Node)> = None;
    for (key, entry) in &map.entries {
        if !allowed.contains(&key.as_str()) {
            // `{ doc: Timeout, in milliseconds. }`: the comma ended the doc, and the rest became
            // a key without a value.
            let cut_value = match (&entry.value, previous) {
                (
                    Node::Scalar { null: true, .. },
                    Some((before, Node::Scalar { null: false, .. })),
                ) if map.flow => Some(before),
                _ => None,
            };
            found.push(UnknownKey {
                path: path.iter().map(|s| s.to_string()).collect(),
                key: key.clone(),
                at: entry.at,
                allowed,
                hint: cut_value.map(|before| format!("if it is the rest of `{before}`'s value, quote that value: inside `{{ }}` a comma ends an unquoted value (`{before}: \"..., {key}\"`)")),
            });
        }
        previous = Some((key, &entry.value));
    }
}

/// The path of the node being built: the keys (and `[i]` sequence items) of the open frames.
fn path_of(stack: &[Frame]) -> Vec<String> {
    stack
        .iter()
        .filter_map(|frame| match frame {
            Frame::Mapping { key, .. } => key.as_ref().map(|(key, _)| key.clone()),
            Frame::Sequence(items) => Some(format!("[{}]", items.len())),
            Frame::Skipped => None,
        })
        .collect()
}

/// A character that no doc comment or name of the generated code may hold: control characters
/// other than newline and tab (a NUL, a bare carriage return), and the text-direction overrides
/// that rustc refuses in comments.
fn unwritable(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_located_in_block_and_flow_style() {
        let outline = Outline::read(
            "doc: x\nschemas:\n  S:\n    fields: { a: 1, \"b.c\": { type: x } }\n  é: 1\n",
        );
        assert_eq!(outline.locate(&["schemas", "S", "fields"]), Some((4, 5)));
        assert_eq!(
            outline.locate(&["schemas", "S", "fields", "b.c"]),
            Some((4, 21))
        );
        assert_eq!(
            outline.locate(&["schemas", "S", "fields", "b.c", "type"]),
            Some((4, 30))
        );
        // The deepest key found.
        assert_eq!(outline.locate(&["schemas", "S", "nothing"]), Some((3, 3)));
        assert_eq!(outline.locate(&["schemas", "é"]), Some((5, 3)));
        assert_eq!(outline.locate(&["nothing"]), None);
    }

    #[test]
    fn repeated_keys_name_both_places() {
        let outline = Outline::read("a:\n  b: 1\n  c: [{ x: 1, x: 2 }]\n  b: 2\na: 3\n");
        let found: Vec<(String, String, Position, Position)> = outline
            .duplicates
            .iter()
            .map(|d| (d.path.join("."), d.key.clone(), d.first, d.second))
            .collect();
        assert_eq!(
            found,
            [
                ("a.c.[0]".to_owned(), "x".to_owned(), (3, 9), (3, 15)),
                ("a".to_owned(), "b".to_owned(), (2, 3), (4, 3)),
                (String::new(), "a".to_owned(), (1, 1), (5, 1)),
            ]
        );
    }

    #[test]
    fn unwritable_characters_are_found() {
        let outline = Outline::read("doc: \"a\\0b\"\nx: \"\\u202e\"\nok: \"line\\nbreak\\ttab\"\n");
        let found: Vec<(Position, char)> =
            outline.bad_chars.iter().map(|b| (b.at, b.char)).collect();
        assert_eq!(found, [((1, 6), '\0'), ((2, 4), '\u{202e}')]);
    }

    #[test]
    fn deep_nesting_and_broken_yaml_are_harmless() {
        let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(Outline::read(&deep).locate(&["a"]).is_none());
        let broken = Outline::read("a: [1,\n");
        assert!(broken.locate(&["a"]).is_none());
        // Found by the property tests (`client::fuzz`): an escape cut off by the end of the text.
        for cut in ["\"\\", "a: \"b\\", "a: \"b\\\n"] {
            assert!(Outline::read(cut).locate(&["a"]).is_none(), "{cut:?}");
        }
    }
}
