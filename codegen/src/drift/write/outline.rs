//! Text-level editing of a spec file, so that an edit reads like a hand edit: lines that are
//! not touched stay byte for byte, comments and order included.
//!
//! Spec files are block mappings whose leaves are scalars, flow mappings
//! (`{ type: string, doc: ... }`) or flow lists (`[a, b]`), one per line, or block sequences
//! and folded scalars (`>-`) where a line would be longer than [`MAX_LINE`] (the style of
//! `spec/README.md`). [`Text`] finds a key path by indentation, and replaces, inserts or
//! removes whole lines; [`Attrs`] edits the keys of one entry whatever its form (a bare type,
//! a flow mapping, or a block), keeping the keys in the language's canonical order.

/// The longest line a spec file holds, in characters (`spec/README.md`, "Writing style").
pub(crate) const MAX_LINE: usize = 100;

/// The lines of one key of a block mapping at `indent`: `key: value` while it fits; a list one
/// item per line when it does not, and an `enum:` list always; a longer scalar folded (`>-`).
pub(crate) fn entry_lines(indent: usize, key: &str, value: &str) -> Vec<String> {
    let pad = " ".repeat(indent);
    let line = format!("{pad}{key}: {value}");
    let long = line.chars().count() > MAX_LINE;
    if value.starts_with('[') && (key == "enum" || long) {
        let items = split_list(value);
        if !items.is_empty() {
            let mut lines = vec![format!("{pad}{key}:")];
            lines.extend(items.iter().map(|item| format!("{pad}  - {item}")));
            return lines;
        }
    }
    if long && !value.starts_with(['{', '[']) {
        if let Some(folded) = fold(&unquote(value), MAX_LINE.saturating_sub(indent + 2)) {
            let mut lines = vec![format!("{pad}{key}: >-")];
            lines.extend(folded.iter().map(|part| format!("{pad}  {part}")));
            return lines;
        }
    }
    vec![line]
}

/// A text as the lines of a folded block scalar (`>-`), each at most `width` characters where
/// its words allow; `None` for a text that folding would change (line breaks, tabs, runs of
/// spaces, spaces at either end).
fn fold(text: &str, width: usize) -> Option<Vec<String>> {
    let plain_words = !text.is_empty()
        && text.trim() == text
        && !text.contains("  ")
        && !text.contains(['\n', '\t', '\r']);
    if !plain_words {
        return None;
    }
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    Some(lines)
}

/// A spec file as lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    pub lines: Vec<String>,
}

/// A key of a block mapping: its line, the line after its last content line, its indent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node {
    pub line: usize,
    pub end: usize,
    pub indent: usize,
}

/// Splits `key: value` (or `"quoted key": value`) into the key and the value text.
fn split_key(trimmed: &str) -> Option<(String, &str)> {
    if let Some(rest) = trimmed.strip_prefix('"') {
        let mut escaped = false;
        for (at, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    let after = rest[at + 1..].strip_prefix(':')?;
                    let key = crate::source::parse_yaml_value(&format!("\"{}\"", &rest[..at]))
                        .ok()?
                        .as_str()?
                        .to_owned();
                    return Some((key, after.trim()));
                }
                _ => escaped = false,
            }
        }
        return None;
    }
    if let Some(rest) = trimmed.strip_prefix('\'') {
        let end = rest.find('\'')?;
        let after = rest[end + 1..].strip_prefix(':')?;
        return Some((rest[..end].to_owned(), after.trim()));
    }
    let colon = trimmed
        .char_indices()
        .find(|&(at, c)| c == ':' && trimmed[at + 1..].chars().next().is_none_or(|n| n == ' '))?
        .0;
    Some((trimmed[..colon].to_owned(), trimmed[colon + 1..].trim()))
}

fn is_content(line: &str) -> bool {
    let rest = &line.as_bytes()[indent_of(line)..];
    !rest.is_empty() && rest[0] != b'#'
}

/// Spec files indent with spaces.
fn indent_of(line: &str) -> usize {
    line.bytes()
        .take_while(|&b| b == b' ' || b == b'\t')
        .count()
}

impl Text {
    pub fn parse(text: &str) -> Text {
        Text {
            lines: text.lines().map(str::to_owned).collect(),
        }
    }

    pub fn render(&self) -> String {
        let mut out = self.lines.join("\n");
        out.push('\n');
        out
    }

    /// The line after the last content line of the entry starting at `line`.
    fn end_of(&self, line: usize, indent: usize) -> usize {
        let mut end = line + 1;
        for (index, text) in self.lines.iter().enumerate().skip(line + 1) {
            if !is_content(text) {
                continue;
            }
            if indent_of(text) <= indent {
                break;
            }
            end = index + 1;
        }
        end
    }

    /// The lines of the keys directly under `parent` (the whole file when `None`): their
    /// index and indent, in order.
    fn key_lines(&self, parent: Option<Node>) -> impl Iterator<Item = (usize, usize)> + '_ {
        let (start, end, parent_indent) = match parent {
            Some(node) => (node.line + 1, node.end, Some(node.indent)),
            None => (0, self.lines.len(), None),
        };
        let mut indent = None;
        (start..end)
            .filter(|&index| is_content(&self.lines[index]))
            .map(|index| (index, indent_of(&self.lines[index])))
            .take_while(move |&(_, here)| parent_indent.is_none_or(|p| here > p))
            .filter(move |&(_, here)| here == *indent.get_or_insert(here))
    }

    fn node(&self, line: usize, indent: usize) -> Node {
        Node {
            line,
            end: self.end_of(line, indent),
            indent,
        }
    }

    /// The keys directly under `parent` (the whole file when `None`), in order.
    pub fn children(&self, parent: Option<Node>) -> Vec<(String, Node)> {
        self.key_lines(parent)
            .filter_map(|(index, here)| {
                let (key, _) = split_key(&self.lines[index][here..])?;
                Some((key, self.node(index, here)))
            })
            .collect()
    }

    /// The node at a key path.
    pub fn find(&self, path: &[&str]) -> Option<Node> {
        let mut node = None;
        for segment in path {
            node = Some(self.child(node, segment)?);
        }
        node
    }

    /// The key `key` directly under `parent` (the file when `None`).
    fn child(&self, parent: Option<Node>, key: &str) -> Option<Node> {
        self.key_lines(parent).find_map(|(index, here)| {
            let trimmed = &self.lines[index][here..];
            // Cheap test first: the key, or a quoted key, starts the line.
            let candidate = trimmed.starts_with(key) || trimmed.starts_with(['"', '\'']);
            (candidate && split_key(trimmed).is_some_and(|(found, _)| found == key))
                .then(|| self.node(index, here))
        })
    }

    /// The inline value of a key's line (empty for a block).
    pub fn value(&self, node: Node) -> &str {
        split_key(self.lines[node.line].trim_start()).map_or("", |(_, value)| value)
    }

    /// The key as written on its line, with its quotes.
    pub fn raw_key(&self, node: Node) -> String {
        let trimmed = self.lines[node.line].trim_start();
        let value = self.value(node);
        let without = trimmed[..trimmed.len() - value.len()].trim_end();
        without.strip_suffix(':').unwrap_or(without).to_owned()
    }

    /// Replaces the lines of a node with others.
    pub fn replace(&mut self, node: Node, lines: Vec<String>) {
        self.lines.splice(node.line..node.end, lines);
    }

    pub fn insert(&mut self, at: usize, lines: Vec<String>) {
        self.lines.splice(at..at, lines);
    }

    /// Whether the entries of a section are separated by blank lines.
    pub fn spaced(&self, section: Node) -> bool {
        let children = self.children(Some(section));
        children.windows(2).any(|pair| {
            self.lines[pair[0].1.end..pair[1].1.line]
                .iter()
                .any(|line| line.trim().is_empty())
        })
    }

    /// Inserts an entry's lines into `section` after `after` (or first), separated as the
    /// section's other entries are.
    pub fn insert_entry(
        &mut self,
        section: Node,
        after: Option<&str>,
        lines: Vec<String>,
        spaced: bool,
    ) {
        let children = self.children(Some(section));
        let position = match after {
            Some(key) => children.iter().position(|(k, _)| k == key).map(|i| i + 1),
            None => Some(0),
        }
        .unwrap_or(children.len());
        let mut block = lines;
        if position < children.len() {
            let at = children[position].1.line;
            // Keep the comment lines right above the next entry with it.
            let mut at = at;
            while at > section.line + 1 && self.lines[at - 1].trim_start().starts_with('#') {
                at -= 1;
            }
            if spaced {
                block.push(String::new());
            }
            self.insert(at, block);
        } else {
            let at = children
                .last()
                .map_or(section.line + 1, |(_, node)| node.end);
            if spaced && !children.is_empty() {
                block.insert(0, String::new());
            }
            self.insert(at, block);
        }
    }

    /// Makes sure a top-level section exists (in the file's canonical order) and returns it.
    pub fn section(&mut self, name: &str, order: &[&str]) -> Node {
        if let Some(node) = self.find(&[name]) {
            if node.end > node.line + 1 || !self.value(node).is_empty() {
                return self.normalize_empty(node);
            }
            return node;
        }
        let top = self.children(None);
        let rank = |key: &str| order.iter().position(|k| *k == key).unwrap_or(order.len());
        let after = top.iter().rev().find(|(key, _)| rank(key) < rank(name));
        let at = after.map_or(0, |(_, node)| node.end);
        let mut block = vec![format!("{name}:")];
        if at > 0 {
            block.insert(0, String::new());
        }
        if at < self.lines.len() && after.is_some() {
            // Blank line before the following section, as the files have.
            if self.lines.get(at).is_some_and(|l| !l.trim().is_empty()) {
                block.push(String::new());
            }
        }
        self.insert(at, block);
        self.find(&[name]).expect("the section was just written")
    }

    /// `events: {}` written inline becomes a block key.
    fn normalize_empty(&mut self, node: Node) -> Node {
        if self.value(node) == "{}" {
            let key = self.raw_key(node);
            let indent = " ".repeat(node.indent);
            self.lines[node.line] = format!("{indent}{key}:");
        }
        Node {
            end: self.end_of(node.line, node.indent),
            ..node
        }
    }

    /// Makes sure `key` exists as a block under `parent`, at its place in `order`, and
    /// returns it.
    pub fn block(&mut self, parent: Node, key: &str, order: &[&str]) -> Node {
        let children = self.children(Some(parent));
        if let Some((_, node)) = children.iter().find(|(k, _)| k == key) {
            return self.normalize_empty(*node);
        }
        let indent = children
            .first()
            .map_or(parent.indent + 2, |(_, node)| node.indent);
        let at = insertion_line(&children, key, order).unwrap_or(parent.line + 1);
        self.insert(at, vec![format!("{}{key}:", " ".repeat(indent))]);
        self.children(Some(Node {
            end: self.end_of(parent.line, parent.indent),
            ..parent
        }))
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, node)| node)
        .expect("the block was just written")
    }

    /// Reads the keys of an entry (a field, an event, an endpoint, ...).
    pub fn attrs(&self, node: Node) -> Attrs {
        let value = self.value(node);
        if value.starts_with('{') {
            return Attrs {
                form: Form::Flow,
                items: split_flow(value)
                    .into_iter()
                    .map(|(key, value)| Attr {
                        key,
                        value,
                        nested: Vec::new(),
                    })
                    .collect(),
            };
        }
        if !value.is_empty() {
            return Attrs {
                form: Form::Bare,
                items: vec![Attr {
                    key: "type".to_owned(),
                    value: value.to_owned(),
                    nested: Vec::new(),
                }],
            };
        }
        let items = self
            .children(Some(node))
            .into_iter()
            .map(|(key, child)| {
                let value = self.value(child).to_owned();
                let nested = self.lines[child.line + 1..child.end].to_vec();
                match self.sequence(child) {
                    // A block sequence is read as the flow list it stands for.
                    Some(items) if value.is_empty() => Attr {
                        key,
                        value: list(&items),
                        nested: Vec::new(),
                    },
                    _ => Attr { key, value, nested },
                }
            })
            .collect();
        Attrs {
            form: Form::Block,
            items,
        }
    }

    /// The items of a block sequence under a key (`enum:` with `- a` lines), as written.
    fn sequence(&self, node: Node) -> Option<Vec<String>> {
        let lines = &self.lines[node.line + 1..node.end];
        let items: Vec<String> = lines
            .iter()
            .filter(|line| is_content(line))
            .map(|line| line.trim_start().strip_prefix("- ").map(str::to_owned))
            .collect::<Option<_>>()?;
        (!items.is_empty()).then_some(items)
    }

    /// Writes an entry's keys back in its form (a bare type stays bare while it has only a
    /// type; a flow mapping that gains a nested block becomes a block).
    pub fn set_attrs(&mut self, node: Node, attrs: &Attrs) {
        let key = self.raw_key(node);
        let lines = attrs.render(&key, node.indent);
        self.replace(node, lines);
    }

    /// The value of one key of an entry, as written.
    pub fn get_key(&self, node: Node, key: &str) -> Option<String> {
        self.attrs(node).get(key).map(str::to_owned)
    }

    /// Sets (or with `None` removes) one key of an entry. In a block only that key's line
    /// changes (or is inserted at its place in `order`); a one-line entry is rewritten.
    pub fn set_key(&mut self, node: Node, key: &str, value: Option<String>, order: &[&str]) {
        let value_text = self.value(node);
        if !value_text.is_empty() && value_text != "{}" {
            let mut attrs = self.attrs(node);
            attrs.set(key, value, order);
            self.set_attrs(node, &attrs);
            return;
        }
        let node = self.normalize_empty(node);
        let children = self.children(Some(node));
        let existing = children.iter().find(|(k, _)| k == key).map(|(_, n)| *n);
        let indent = children.first().map_or(node.indent + 2, |(_, n)| n.indent);
        match (existing, value) {
            (Some(child), Some(value)) => {
                let raw = self.raw_key(child);
                self.replace(child, entry_lines(child.indent, &raw, &value));
            }
            (Some(child), None) => {
                self.lines.drain(child.line..child.end);
            }
            (None, Some(value)) => {
                let at = insertion_line(&children, key, order).unwrap_or(node.line + 1);
                self.insert(at, entry_lines(indent, key, &value));
            }
            (None, None) => {}
        }
    }

    /// Edits the flow list under one key of an entry (created when missing, removed when it
    /// ends up empty).
    pub fn edit_list(
        &mut self,
        node: Node,
        key: &str,
        order: &[&str],
        edit: impl FnOnce(&mut Vec<String>),
    ) {
        let mut items = self
            .get_key(node, key)
            .map(|value| split_list(&value))
            .unwrap_or_default();
        edit(&mut items);
        let value = (!items.is_empty()).then(|| list(&items));
        self.set_key(node, key, value, order);
    }
}

/// The line to insert `key` at among `children`, after the last one that comes before it in
/// `order`; `None` when it comes first.
fn insertion_line(children: &[(String, Node)], key: &str, order: &[&str]) -> Option<usize> {
    let rank = |k: &str| order.iter().position(|o| *o == k).unwrap_or(order.len());
    children
        .iter()
        .rev()
        .find(|(k, _)| rank(k) <= rank(key))
        .map(|(_, node)| node.end)
        .or_else(|| children.first().map(|(_, node)| node.line))
}

/// How an entry is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// `field: string`.
    Bare,
    /// `field: { type: string, doc: ... }`.
    Flow,
    /// One key per line below the entry.
    Block,
}

/// One key of an entry: its inline value and, in block form, the lines nested under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attr {
    pub key: String,
    pub value: String,
    pub nested: Vec<String>,
}

/// The keys of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attrs {
    pub form: Form,
    pub items: Vec<Attr>,
}

impl Attrs {
    /// A new entry in flow form.
    pub fn new(form: Form) -> Attrs {
        Attrs {
            form,
            items: Vec::new(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|a| a.key == key)
            .map(|a| a.value.as_str())
    }

    /// Sets (or with `None` removes) a key, new keys at their place in `order`.
    pub fn set(&mut self, key: &str, value: Option<String>, order: &[&str]) {
        let existing = self.items.iter().position(|a| a.key == key);
        match (existing, value) {
            (Some(at), Some(value)) => {
                self.items[at].value = value;
                self.items[at].nested.clear();
            }
            (Some(at), None) => {
                self.items.remove(at);
            }
            (None, Some(value)) => {
                let rank = |k: &str| order.iter().position(|o| *o == k).unwrap_or(order.len());
                let at = self
                    .items
                    .iter()
                    .rposition(|a| rank(&a.key) <= rank(key))
                    .map_or(0, |i| i + 1);
                self.items.insert(
                    at,
                    Attr {
                        key: key.to_owned(),
                        value,
                        nested: Vec::new(),
                    },
                );
            }
            (None, None) => {}
        }
        if self.form == Form::Bare && (self.items.len() != 1 || self.items[0].key != "type") {
            self.form = Form::Flow;
        }
    }

    /// Sets a key to a nested block (e.g. `filter:`), which makes the entry a block.
    pub fn set_nested(&mut self, key: &str, nested: Vec<String>, order: &[&str]) {
        self.set(key, Some(String::new()), order);
        if let Some(attr) = self.items.iter_mut().find(|a| a.key == key) {
            attr.nested = nested;
        }
        self.form = Form::Block;
    }

    /// The entry's lines, its key written as `key` at `indent`.
    pub fn render(&self, key: &str, indent: usize) -> Vec<String> {
        let pad = " ".repeat(indent);
        match self.form {
            Form::Bare => vec![format!("{pad}{key}: {}", self.items[0].value)],
            Form::Flow => {
                let inner: Vec<String> = self
                    .items
                    .iter()
                    .map(|a| format!("{}: {}", a.key, a.value))
                    .collect();
                let line = format!("{pad}{key}: {{ {} }}", inner.join(", "));
                if line.chars().count() <= MAX_LINE {
                    return vec![line];
                }
                // Too long for one line: one key per line.
                let block = Attrs {
                    form: Form::Block,
                    items: self.items.clone(),
                };
                block.render(key, indent)
            }
            Form::Block => {
                let mut lines = vec![format!("{pad}{key}:")];
                let inner = " ".repeat(indent + 2);
                for attr in &self.items {
                    if attr.value.is_empty() {
                        lines.push(format!("{inner}{}:", attr.key));
                    } else if attr.nested.is_empty() {
                        lines.extend(entry_lines(indent + 2, &attr.key, &attr.value));
                    } else {
                        lines.push(format!("{inner}{}: {}", attr.key, attr.value));
                    }
                    lines.extend(attr.nested.iter().cloned());
                }
                lines
            }
        }
    }
}

/// Splits a flow mapping or list at its top-level commas: `{ a: 1, b: [x, y] }` →
/// `["a: 1", "b: [x, y]"]`. Quotes and nested brackets are respected.
fn split_top(inner: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut current = String::new();
    for c in inner.chars() {
        match quote {
            Some(q) => {
                if c == '\\' && q == '"' && !escaped {
                    escaped = true;
                } else {
                    if c == q && !escaped {
                        quote = None;
                    }
                    escaped = false;
                }
                current.push(c);
            }
            None => match c {
                '"' | '\'' => {
                    quote = Some(c);
                    current.push(c);
                }
                '[' | '{' => {
                    depth += 1;
                    current.push(c);
                }
                ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    current.push(c);
                }
                ',' if depth == 0 => parts.push(std::mem::take(&mut current)),
                _ => current.push(c),
            },
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The key/value pairs of a one-line flow mapping, values as written.
pub(crate) fn split_flow(text: &str) -> Vec<(String, String)> {
    let inner = text
        .trim()
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or("");
    split_top(inner)
        .into_iter()
        .filter_map(|part| split_key(&part).map(|(key, value)| (key, value.to_owned())))
        .collect()
}

/// The items of a one-line flow list, as written.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    let inner = text
        .trim()
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or("");
    split_top(inner)
}

/// A flow list of items as written.
pub(crate) fn list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// A string as a YAML scalar: plain where YAML reads it back as the same string, in a flow
/// collection (`flow`) or as a block value, double-quoted otherwise.
pub(crate) fn scalar(text: &str, flow: bool) -> String {
    let plain_ok = !text.is_empty()
        && text.trim() == text
        && !(flow && text.contains([',', '[', ']', '{', '}']))
        && {
            let probe = if flow {
                format!("{{ k: {text} }}")
            } else {
                format!("k: {text}")
            };
            crate::source::parse_yaml_value(&probe)
                .ok()
                .and_then(|v| v.get("k").and_then(|k| k.as_str().map(|s| s == text)))
                .unwrap_or(false)
        };
    if plain_ok {
        text.to_owned()
    } else {
        serde_json::to_string(text).expect("a string serializes")
    }
}

/// The text of a scalar as YAML reads it (quotes removed).
pub(crate) fn unquote(raw: &str) -> String {
    crate::source::parse_yaml_value(&format!("k: {raw}"))
        .ok()
        .and_then(|v| v.get("k").cloned())
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
        .unwrap_or_else(|| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "doc: Things.\n\n# About events.\nevents:\n  a.b:\n    doc: A.\n\nschemas:\n  S:\n    doc: \"S, an object.\"\n    fields:\n      x: { type: string, doc: \"X, y.\" }\n      y: int32\n      f:\n        type: map<json>\n        filter:\n          \"u.id\": { type: string, ops: [eq] }\n\n  T:\n    doc: T.\n    enum: [a, b]\n";

    #[test]
    fn finds_keys_by_indentation() {
        let text = Text::parse(FILE);
        let node = text.find(&["schemas", "S", "fields", "x"]).unwrap();
        assert_eq!(node.line, 11);
        assert_eq!(text.value(node), "{ type: string, doc: \"X, y.\" }");
        let filter = text
            .find(&["schemas", "S", "fields", "f", "filter", "u.id"])
            .unwrap();
        assert_eq!(text.raw_key(filter), "\"u.id\"");
        let s = text.find(&["schemas", "S"]).unwrap();
        assert_eq!((s.line, s.end), (8, 17));
        assert!(text.spaced(text.find(&["schemas"]).unwrap()));
        assert!(text.find(&["schemas", "S", "nope"]).is_none());
    }

    #[test]
    fn nothing_is_written_longer_than_a_line() {
        let order = ["type", "required", "enum", "doc"];
        let mut attrs = Attrs::new(Form::Flow);
        attrs.set("type", Some("string".into()), &order);
        attrs.set("enum", Some("[flag, block]".into()), &order);
        let doc = "Which of the many, many things this field might hold the server holds today. "
            .repeat(2);
        attrs.set("doc", Some(scalar(doc.trim(), true)), &order);
        let lines = attrs.render("behavior", 6);
        assert_eq!(
            lines[..5],
            [
                "      behavior:",
                "        type: string",
                "        enum:",
                "          - flag",
                "          - block"
            ]
        );
        assert_eq!(lines[5], "        doc: >-");
        assert!(
            lines.iter().all(|l| l.chars().count() <= MAX_LINE),
            "{lines:#?}"
        );
        // The folded doc reads back as the same text.
        let value = crate::source::parse_yaml_value(&lines.join("\n")).unwrap();
        assert_eq!(value["behavior"]["doc"], doc.trim());
        assert_eq!(
            value["behavior"]["enum"],
            serde_json::json!(["flag", "block"])
        );
        // Short entries stay on one line; a text folding would change stays as it is.
        assert_eq!(
            entry_lines(4, "events", "[a.b, c.d]"),
            ["    events: [a.b, c.d]"]
        );
        let spaced = format!("\"{}  two spaces\"", "x".repeat(100));
        assert_eq!(entry_lines(4, "doc", &spaced).len(), 1);
    }

    #[test]
    fn block_sequences_are_edited_as_lists() {
        let file =
            "schemas:\n  T:\n    doc: T.\n    enum:\n      - a\n      - b\n\n  U:\n    doc: U.\n";
        let mut text = Text::parse(file);
        let node = text.find(&["schemas", "T"]).unwrap();
        assert_eq!(text.get_key(node, "enum").as_deref(), Some("[a, b]"));
        text.edit_list(node, "enum", &["doc", "enum"], |items| {
            items.push("c".into())
        });
        assert_eq!(
            text.render(),
            file.replace("      - b\n", "      - b\n      - c\n")
        );
    }

    #[test]
    fn edits_keep_other_lines_and_the_canonical_order() {
        let mut text = Text::parse(FILE);
        let order = ["type", "required", "nullable", "doc"];
        let x = text.find(&["schemas", "S", "fields", "x"]).unwrap();
        let mut attrs = text.attrs(x);
        attrs.set("required", Some("true".into()), &order);
        text.set_attrs(x, &attrs);
        let y = text.find(&["schemas", "S", "fields", "y"]).unwrap();
        let mut attrs = text.attrs(y);
        assert_eq!(attrs.form, Form::Bare);
        attrs.set("nullable", Some("true".into()), &order);
        text.set_attrs(y, &attrs);
        let rendered = text.render();
        assert!(rendered.contains("      x: { type: string, required: true, doc: \"X, y.\" }\n"));
        assert!(rendered.contains("      y: { type: int32, nullable: true }\n"));
        assert_eq!(rendered.lines().count(), FILE.lines().count());
    }

    #[test]
    fn entries_go_in_between_with_the_sections_spacing() {
        let mut text = Text::parse(FILE);
        let schemas = text.find(&["schemas"]).unwrap();
        text.insert_entry(
            schemas,
            Some("S"),
            vec!["  R:".into(), "    doc: R.".into(), "    fields: {}".into()],
            true,
        );
        let events = text.section("events", &["doc", "events", "endpoints", "schemas"]);
        text.insert_entry(
            events,
            None,
            vec!["  a.a:".into(), "    doc: A.".into()],
            false,
        );
        let endpoints = text.section("endpoints", &["doc", "events", "endpoints", "schemas"]);
        assert_eq!(text.lines[endpoints.line], "endpoints:");
        let rendered = text.render();
        assert!(rendered.contains("\n  S:\n"), "{rendered}");
        assert!(rendered.contains("fields: {}\n\n  T:\n"), "{rendered}");
        assert!(
            rendered.contains("filter:\n          \"u.id\": { type: string, ops: [eq] }\n\n  R:\n"),
            "{rendered}"
        );
        assert!(
            rendered.contains("# About events.\nevents:\n  a.a:\n    doc: A.\n  a.b:\n"),
            "{rendered}"
        );
        assert!(
            rendered.contains("    doc: A.\n\nendpoints:\n\nschemas:\n"),
            "{rendered}"
        );
    }

    #[test]
    fn flow_values_split_at_top_level_commas() {
        assert_eq!(
            split_flow("{ type: string, ops: [eq, in], doc: \"a, b\" }"),
            [
                ("type".to_owned(), "string".to_owned()),
                ("ops".to_owned(), "[eq, in]".to_owned()),
                ("doc".to_owned(), "\"a, b\"".to_owned())
            ]
        );
        assert_eq!(split_list("[[a], [b, c]]"), ["[a]", "[b, c]"]);
        assert_eq!(split_list("[]"), Vec::<String>::new());
    }

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("Get channel", false), "Get channel");
        assert_eq!(scalar("a, b", true), "\"a, b\"");
        assert_eq!(scalar("a, b", false), "a, b");
        assert_eq!(scalar("*", false), "\"*\"");
        assert_eq!(scalar("true", true), "\"true\"");
        assert_eq!(scalar("key: value", false), "\"key: value\"");
        assert_eq!(unquote("\"a, b\""), "a, b");
    }
}
