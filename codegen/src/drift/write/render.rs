//! New spec entries, rendered in the spec's style (`spec/README.md`): one field per line in
//! flow style while it fits in [`super::outline::MAX_LINE`] characters (a block otherwise), keys in the
//! language's order, [`DOC_MARKER`] wherever a doc belongs, and the spec's mixins and operator
//! sets ([`Reuse`]) wherever the fields or operators are theirs.

use super::outline::{entry_lines, list, scalar, Attrs, Form};
use crate::drift::shape::{number_text, Event, Field, FilterField, Operation, Schema};
use crate::drift::DOC_MARKER;
use crate::model::{FilterKind, FilterOp};
use crate::source::SourceFile;
use indexmap::IndexMap;

/// The spec's mixins and operator sets, to write new entries with them as a person would.
#[derive(Debug, Default)]
pub(crate) struct Reuse {
    /// Each mixin's fields as drift compares them (docs aside), longest mixin first.
    mixins: Vec<(String, Vec<(String, Field)>)>,
    /// Each operator set's operators, longest first.
    sets: Vec<(String, Vec<String>)>,
}

impl Reuse {
    /// The mixins and operator sets of the loaded (expanded) spec.
    pub fn of(files: &[SourceFile]) -> Reuse {
        let mut reuse = Reuse::default();
        for file in files {
            for (name, set) in &file.spec.mixins {
                let fields = set
                    .0
                    .iter()
                    .map(|(field, def)| {
                        (field.clone(), crate::drift::spec::field(def, def.required))
                    })
                    .collect();
                reuse.mixins.push((name.clone(), fields));
            }
            for (name, ops) in &file.spec.operator_sets {
                reuse.sets.push((name.clone(), ops.clone()));
            }
        }
        // Longest first, so that a mixin that spreads another wins over it; stable by name.
        reuse
            .mixins
            .sort_by_key(|(_, fields)| std::cmp::Reverse(fields.len()));
        reuse
            .sets
            .sort_by_key(|(_, ops)| std::cmp::Reverse(ops.len()));
        reuse
    }

    /// The mixin whose fields start `fields`, with its length.
    fn mixin_at(&self, fields: &[(&String, &Field)]) -> Option<(&str, usize)> {
        self.mixins.iter().find_map(|(name, theirs)| {
            let matches = !theirs.is_empty()
                && theirs.len() <= fields.len()
                && theirs
                    .iter()
                    .zip(fields)
                    .all(|((a, x), (b, y))| a == *b && x == *y);
            matches.then_some((name.as_str(), theirs.len()))
        })
    }

    /// `ops` with the first run equal to an operator set named by the set instead.
    pub fn name_sets(&self, ops: Vec<String>) -> Vec<String> {
        for (name, set) in &self.sets {
            if let Some(at) = ops.windows(set.len()).position(|run| run == set.as_slice()) {
                let mut named = ops[..at].to_vec();
                named.push(name.clone());
                named.extend_from_slice(&ops[at + set.len()..]);
                return named;
            }
        }
        ops
    }

    /// `ops` with every operator set's name replaced by its operators.
    pub fn expand_sets(&self, ops: &[String]) -> Vec<String> {
        let mut expanded = Vec::with_capacity(ops.len());
        for op in ops {
            match self.sets.iter().find(|(name, _)| name == op) {
                Some((_, set)) => expanded.extend(set.iter().cloned()),
                None => expanded.push(op.clone()),
            }
        }
        expanded
    }
}

/// The keys of a file, an event, an endpoint and a filter field, in the order the spec writes
/// them: the language's own lists. Schemas and fields have their own below: the files write
/// `custom_data` before `fields`, and a field's `doc` after its flags and bounds.
pub(crate) use crate::ast::keys::{
    ENDPOINT as ENDPOINT_ORDER, EVENT as EVENT_ORDER, FILE as FILE_ORDER,
    FILTER_FIELD as FILTER_FIELD_ORDER,
};
pub(crate) const SCHEMA_ORDER: &[&str] =
    &["doc", "custom_data", "deprecated", "fields", "enum", "type"];
pub(crate) const FIELD_ORDER: &[&str] = &[
    "type",
    "required",
    "nullable",
    "enum",
    "min",
    "max",
    "min_len",
    "max_len",
    "min_items",
    "max_items",
    "default",
    "deprecated",
    "client_side_only",
    "from_connection",
    "doc",
    "filter",
    "sort",
    "sort_combinations",
];

/// A key as the spec writes it: quoted where YAML needs it, and under `filter:` when it has a
/// dot (`"user.id"`), as the files do.
pub(crate) fn key(name: &str, in_filter: bool) -> String {
    let plain = scalar(name, false);
    if plain == name && !(in_filter && name.contains('.')) {
        plain
    } else {
        serde_json::to_string(name).expect("a string serializes")
    }
}

/// A list of strings as a flow list.
pub(crate) fn strings(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| scalar(item, true)).collect();
    list(&items)
}

/// Sort combinations as a flow list of lists.
pub(crate) fn combinations(all: &[Vec<String>]) -> String {
    let items: Vec<String> = all.iter().map(|c| strings(c)).collect();
    list(&items)
}

/// The operators of a filter field the spec language can say on its type, in its order.
pub(crate) fn filter_ops(field: &FilterField) -> Vec<String> {
    let kind = FilterKind::parse(&field.ty);
    FilterOp::ALL
        .iter()
        .filter(|(name, op)| {
            field.ops.iter().any(|o| o == name) && kind.is_none_or(|kind| kind.allows(*op))
        })
        .map(|(name, _)| (*name).to_owned())
        .collect()
}

/// One filter field's lines (one, unless it is too long), its operators with the spec's sets.
pub(crate) fn filter_field_lines(
    name: &str,
    field: &FilterField,
    indent: usize,
    reuse: &Reuse,
) -> Vec<String> {
    let mut attrs = Attrs::new(Form::Flow);
    attrs.set("type", Some(field.ty.clone()), FILTER_FIELD_ORDER);
    let ops = reuse.name_sets(filter_ops(field));
    attrs.set("ops", Some(list(&ops)), FILTER_FIELD_ORDER);
    attrs.render(&key(name, true), indent)
}

/// The lines under a field's `filter:`; fields of a type the spec language does not know are
/// left out (`Writer::note_unsaid` says so).
pub(crate) fn filter_lines(
    filter: &IndexMap<String, FilterField>,
    indent: usize,
    reuse: &Reuse,
) -> Vec<String> {
    filter
        .iter()
        .filter(|(_, field)| FilterKind::parse(&field.ty).is_some())
        .flat_map(|(name, field)| filter_field_lines(name, field, indent, reuse))
        .collect()
}

/// Sets a field's attributes from what the documents say; `doc` adds the marker.
pub(crate) fn set_field(attrs: &mut Attrs, field: &Field, indent: usize, reuse: &Reuse) {
    let order = FIELD_ORDER;
    attrs.set("type", Some(field.ty.clone()), order);
    let flag = |on: bool| on.then(|| "true".to_owned());
    attrs.set("required", flag(field.required), order);
    attrs.set("nullable", flag(field.nullable), order);
    let string = field.ty == "string";
    attrs.set(
        "enum",
        field.values.as_ref().filter(|_| string).map(|v| strings(v)),
        order,
    );
    let b = &field.bounds;
    for (name, value) in [("min", b.min), ("max", b.max)] {
        attrs.set(name, value.map(number_text), order);
    }
    for (name, value) in [
        ("min_len", b.min_len),
        ("max_len", b.max_len),
        ("min_items", b.min_items),
        ("max_items", b.max_items),
    ] {
        attrs.set(name, value.map(|v| v.to_string()), order);
    }
    attrs.set(
        "default",
        field.default.as_deref().map(|d| default_text(field, d)),
        order,
    );
    attrs.set("deprecated", flag(field.deprecated), order);
    attrs.set("client_side_only", flag(field.client_side_only), order);
    if attrs.get("doc").is_none() {
        attrs.set("doc", Some(DOC_MARKER.to_owned()), order);
    }
    if let Some(filter) = &field.filter {
        attrs.set_nested("filter", filter_lines(filter, indent + 4, reuse), order);
    }
    attrs.set("sort", field.sort.as_ref().map(|s| strings(s)), order);
    attrs.set(
        "sort_combinations",
        field.sort_combinations.as_ref().map(|c| combinations(c)),
        order,
    );
}

/// A default as YAML: numbers and booleans as they are, strings as strings.
pub(crate) fn default_text(field: &Field, value: &str) -> String {
    let scalar_type = matches!(
        field.ty.as_str(),
        "bool" | "int32" | "int64" | "float" | "double"
    );
    if scalar_type && value.parse::<f64>().is_ok()
        || (field.ty == "bool" && (value == "true" || value == "false"))
    {
        value.to_owned()
    } else {
        scalar(value, true)
    }
}

/// A new field or parameter line (or block, with a filter).
pub(crate) fn field_lines(name: &str, field: &Field, indent: usize, reuse: &Reuse) -> Vec<String> {
    let mut attrs = Attrs::new(Form::Flow);
    set_field(&mut attrs, field, indent, reuse);
    attrs.render(&key(name, false), indent)
}

/// A new endpoint.
pub(crate) fn endpoint_lines(name: &str, operation: &Operation, reuse: &Reuse) -> Vec<String> {
    let mut lines = vec![format!("  {}:", key(name, false))];
    let summary = operation
        .summary
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(DOC_MARKER);
    lines.extend(entry_lines(4, "summary", &scalar(summary, false)));
    lines.push(format!("    doc: {DOC_MARKER}"));
    lines.push(format!("    method: {}", operation.method));
    lines.push(format!("    path: {}", scalar(&operation.path, false)));
    if !operation.path_params.is_empty() {
        lines.push("    path_params:".to_owned());
        for (param, field) in &operation.path_params {
            let field = Field {
                required: false,
                ..field.clone()
            };
            lines.extend(field_lines(param, &field, 6, reuse));
        }
    }
    if !operation.query.is_empty() {
        lines.push("    query:".to_owned());
        for (param, field) in &operation.query {
            lines.extend(field_lines(param, field, 6, reuse));
        }
    }
    if let Some(body) = &operation.body {
        if body.multipart {
            lines.push(format!(
                "    body: {{ schema: {}, content: multipart }}",
                body.schema
            ));
        } else {
            lines.push(format!("    body: {}", body.schema));
        }
    }
    if let Some(response) = &operation.response {
        lines.push(format!("    response: {response}"));
    }
    lines.push(format!("    status: {}", operation.status.unwrap_or(200)));
    if operation.server_side_only {
        lines.push("    server_side_only: true".to_owned());
    }
    if operation.client_side_only {
        lines.push("    client_side_only: true".to_owned());
    }
    if !operation.events.is_empty() {
        lines.extend(entry_lines(4, "events", &strings(&operation.events)));
    }
    if operation.deprecated {
        lines.push("    deprecated: true".to_owned());
    }
    lines
}

/// A new schema; `fields` are those to write (an event payload leaves out `type`), a run of
/// them that a mixin holds as its spread.
pub(crate) fn schema_lines(
    name: &str,
    schema: &Schema,
    skip_type: bool,
    reuse: &Reuse,
) -> Vec<String> {
    let mut lines = vec![format!("  {}:", key(name, false))];
    lines.push(format!("    doc: {DOC_MARKER}"));
    match schema {
        Schema::Enum(values) => lines.extend(entry_lines(4, "enum", &strings(values))),
        Schema::Alias(ty) => lines.push(format!("    type: {ty}")),
        Schema::Object(object) => {
            if object.custom_data {
                lines.push("    custom_data: true".to_owned());
            }
            if object.deprecated {
                lines.push("    deprecated: true".to_owned());
            }
            let fields: Vec<_> = object
                .fields
                .iter()
                .filter(|(field, _)| !(skip_type && field.as_str() == "type"))
                .collect();
            if fields.is_empty() {
                lines.push("    fields: {}".to_owned());
            } else {
                lines.push("    fields:".to_owned());
                let mut at = 0;
                while at < fields.len() {
                    if let Some((mixin, length)) = reuse.mixin_at(&fields[at..]) {
                        lines.push(format!("      {}{mixin}:", crate::ast::SPREAD));
                        at += length;
                    } else {
                        let (field, def) = fields[at];
                        lines.extend(field_lines(field, def, 6, reuse));
                        at += 1;
                    }
                }
            }
        }
    }
    lines
}

/// A new event, in block form or as one line.
pub(crate) fn event_lines(event_type: &str, event: &Event, one_line: bool) -> Vec<String> {
    let mut attrs = Attrs::new(if one_line { Form::Flow } else { Form::Block });
    attrs.set("payload", event.payload.clone(), EVENT_ORDER);
    attrs.set(
        "client_side",
        event.client_side.then(|| "true".to_owned()),
        EVENT_ORDER,
    );
    attrs.set("doc", Some(DOC_MARKER.to_owned()), EVENT_ORDER);
    attrs.render(&key(event_type, false), 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reuse() -> Reuse {
        let text = "doc: x\nmixins:\n  Timing:\n    duration: { type: string, required: true, doc: T. }\n  Stamps:\n    created_at: datetime\n    ...Timing:\noperator_sets:\n  standard: [eq, in, gt]\nschemas:\n  S:\n    doc: x\n    fields:\n      ...Stamps:\n  Q:\n    doc: x\n    fields:\n      f:\n        type: map<json>\n        filter:\n          a: { type: string, ops: [standard] }\n";
        let files = crate::source::load_texts(vec![("a.yaml".into(), text.into())]).unwrap();
        Reuse::of(&files)
    }

    #[test]
    fn new_schemas_spread_the_mixins_their_fields_match() {
        let field = |ty: &str, required: bool| Field {
            ty: ty.to_owned(),
            required,
            ..Field::default()
        };
        let object = |fields: Vec<(&str, Field)>| {
            Schema::Object(crate::drift::shape::Object {
                fields: fields.into_iter().map(|(n, f)| (n.to_owned(), f)).collect(),
                custom_data: false,
                deprecated: false,
            })
        };
        let reuse = reuse();
        let lines = schema_lines(
            "New",
            &object(vec![
                ("id", field("string", true)),
                ("created_at", field("datetime", false)),
                ("duration", field("string", true)),
            ]),
            false,
            &reuse,
        );
        assert_eq!(
            lines[3..],
            [
                "      id: { type: string, required: true, doc: TODO(drift) }",
                "      ...Stamps:"
            ]
        );
        // Alone, the shorter mixin; with another attribute, none.
        let alone = schema_lines(
            "New",
            &object(vec![("duration", field("string", true))]),
            false,
            &reuse,
        );
        assert_eq!(alone[3..], ["      ...Timing:"]);
        let other = schema_lines(
            "New",
            &object(vec![("duration", field("string", false))]),
            false,
            &reuse,
        );
        assert_eq!(
            other[3..],
            ["      duration: { type: string, doc: TODO(drift) }"]
        );
    }

    #[test]
    fn operator_lists_name_the_sets_they_hold() {
        let reuse = reuse();
        let ops = |list: &[&str]| list.iter().map(|o| (*o).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            reuse.name_sets(ops(&["eq", "in", "gt", "q"])),
            ops(&["standard", "q"])
        );
        assert_eq!(reuse.name_sets(ops(&["eq", "gt"])), ops(&["eq", "gt"]));
        assert_eq!(
            reuse.expand_sets(&ops(&["standard", "q"])),
            ops(&["eq", "in", "gt", "q"])
        );
    }
}
