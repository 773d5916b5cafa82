//! Walks two validated specs side by side and lists what changed, each change classified by
//! [`classify`](super::classify).
//!
//! Every kind of definition is compared through a list of attributes (key and value as text),
//! built by one function per kind (`endpoint_attributes`, `field_attributes`, ...): supporting
//! a new spec key is one line there, and until `classify` has a rule for it, changes to it get
//! the conservative fallback rules. Sets (events and permissions of an operation, enum values)
//! are compared element by element. Docs and summaries are not compared: they do not change
//! the contract.

use super::classify::{self as rules, Usage};
use super::{renames, shape, Change, ChangeKind, Entity, Group};
use crate::ast::{
    Deprecation, EndpointDef, EventDef, FieldDef, PaginationDef, PermissionDef, SchemaDef,
};
use crate::model::{self, SchemaKind};
use crate::source::SourceFile;
use crate::types::TypeExpr;
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};

/// One side of the comparison: the definitions of a validated spec by name, its lowered
/// model, and which way each schema travels.
pub(super) struct Side<'a> {
    pub(super) endpoints: IndexMap<&'a str, &'a EndpointDef>,
    pub(super) schemas: IndexMap<&'a str, &'a SchemaDef>,
    events: IndexMap<&'a str, &'a EventDef>,
    permissions: IndexMap<&'a str, &'a PermissionDef>,
    usage: HashMap<String, Usage>,
    model_schemas: HashMap<String, model::Schema>,
    model_endpoints: HashMap<String, model::Endpoint>,
}

impl<'a> Side<'a> {
    /// Indexes a spec that passed validation.
    pub(super) fn new(files: &'a [SourceFile]) -> Side<'a> {
        let mut side = Side {
            endpoints: IndexMap::new(),
            schemas: IndexMap::new(),
            events: IndexMap::new(),
            permissions: IndexMap::new(),
            usage: HashMap::new(),
            model_schemas: HashMap::new(),
            model_endpoints: HashMap::new(),
        };
        for file in files {
            let spec = &file.spec;
            side.endpoints
                .extend(spec.endpoints.iter().map(|(k, v)| (k.as_str(), v)));
            side.schemas
                .extend(spec.schemas.iter().map(|(k, v)| (k.as_str(), v)));
            side.events
                .extend(spec.events.iter().map(|(k, v)| (k.as_str(), v)));
            side.permissions
                .extend(spec.permissions.iter().map(|(k, v)| (k.as_str(), v)));
        }
        let api = crate::lower::lower(files);
        for area in api.areas {
            for schema in area.schemas {
                side.model_schemas.insert(schema.spec_name.clone(), schema);
            }
            for endpoint in area.endpoints {
                side.model_endpoints.insert(endpoint.name.clone(), endpoint);
            }
        }
        side.usage = usages(&side);
        side
    }

    fn usage(&self, schema: &str) -> Usage {
        self.usage.get(schema).copied().unwrap_or(Usage::Unused)
    }
}

/// Which way each schema travels: the schemas reachable from request roots (bodies, query
/// and path parameters) and from response roots (responses, event payloads).
fn usages(side: &Side<'_>) -> HashMap<String, Usage> {
    let mut requests: Vec<String> = Vec::new();
    let mut responses: Vec<String> = Vec::new();
    for def in side.endpoints.values() {
        requests.extend(def.body.iter().map(|b| b.schema.clone()));
        for field in def.path_params.values().chain(def.query.values()) {
            requests.extend(refs(&field.ty));
        }
        responses.push(def.response.clone());
    }
    responses.extend(
        side.events
            .values()
            .filter_map(|e| event_payload(e))
            .map(str::to_owned),
    );
    let reach = |roots: Vec<String>| {
        let mut seen: HashSet<String> = HashSet::new();
        let mut stack = roots;
        while let Some(name) = stack.pop() {
            if let Some(def) = side.schemas.get(name.as_str()) {
                if seen.insert(name.clone()) {
                    for field in def.fields.iter().flat_map(|f| f.values()) {
                        stack.extend(refs(&field.ty));
                    }
                    stack.extend(def.alias.iter().flat_map(|a| refs(a)));
                }
            }
        }
        seen
    };
    let (requests, responses) = (reach(requests), reach(responses));
    side.schemas
        .keys()
        .map(|name| {
            let usage = match (requests.contains(*name), responses.contains(*name)) {
                (true, true) => Usage::Both,
                (true, false) => Usage::Request,
                (false, true) => Usage::Response,
                (false, false) => Usage::Unused,
            };
            (name.to_string(), usage)
        })
        .collect()
}

fn refs(ty: &str) -> Vec<String> {
    TypeExpr::parse(ty)
        .map(|t| t.refs().into_iter().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The payload schema of an event, when the spec documents it.
fn event_payload(def: &EventDef) -> Option<&str> {
    def.payload.as_deref()
}

/// A comparable attribute: its key, as in the spec language, and its value as text (`None`
/// when absent).
type Attr = (&'static str, Option<String>);

/// The attributes of an operation that the diff compares.
fn endpoint_attributes(def: &EndpointDef) -> Vec<Attr> {
    vec![
        ("method", Some(def.method.clone())),
        ("path", Some(def.path.clone())),
        (
            "body",
            def.body.as_ref().map(|body| match body.content {
                crate::ast::BodyContent::Json => body.schema.clone(),
                crate::ast::BodyContent::Multipart => format!("{}{MULTIPART}", body.schema),
            }),
        ),
        ("response", Some(def.response.clone())),
        ("status", Some(def.status.unwrap_or(200).to_string())),
        ("server_side_only", Some(def.server_side_only.to_string())),
        ("client_side_only", Some(def.client_side_only.to_string())),
        ("deprecated", deprecation(&def.deprecated)),
        (
            "pagination",
            def.pagination.as_ref().map(pagination_summary),
        ),
    ]
}

/// `pagination:` as one line, every key spelled out (defaults included), so that any change
/// to how the client pages shows as a before/after pair.
fn pagination_summary(def: &PaginationDef) -> String {
    let or = |value: &Option<String>, default: &str| value.clone().unwrap_or(default.to_owned());
    let position = match def.style.as_str() {
        "offset" => format!("offset {}", or(&def.offset, "offset")),
        _ => format!("next {}", or(&def.next, "next")),
    };
    format!(
        "{} in {}: items {}, limit {}, {position}",
        def.style,
        def.location,
        def.items,
        or(&def.limit, "limit")
    )
}

/// The attributes of a field or parameter that the diff compares (inline enum values are
/// compared one by one).
pub(super) fn field_attributes(def: &FieldDef) -> Vec<Attr> {
    let count = |value: Option<u64>| value.map(|v| v.to_string());
    vec![
        ("type", Some(field_type(def))),
        ("required", Some(def.required.to_string())),
        ("nullable", Some(def.nullable.to_string())),
        ("min", def.bounds.min.map(number)),
        ("max", def.bounds.max.map(number)),
        ("min_len", count(def.bounds.min_len)),
        ("max_len", count(def.bounds.max_len)),
        ("min_items", count(def.bounds.min_items)),
        ("max_items", count(def.bounds.max_items)),
        ("default", def.default.as_ref().map(ToString::to_string)),
        ("deprecated", deprecation(&def.deprecated)),
        ("client_side_only", Some(def.client_side_only.to_string())),
        ("from_connection", Some(def.from_connection.to_string())),
    ]
}

/// The attributes of a schema that the diff compares (fields and enum values are compared
/// one by one).
fn schema_attributes(def: &SchemaDef) -> Vec<Attr> {
    vec![
        ("kind", Some(schema_kind(def).to_owned())),
        ("type", def.alias.clone()),
        ("custom_data", Some(def.custom_data.to_string())),
        ("deprecated", deprecation(&def.deprecated)),
    ]
}

/// The attributes of an event type that the diff compares.
fn event_attributes(def: &EventDef) -> Vec<Attr> {
    vec![
        ("payload", event_payload(def).map(str::to_owned)),
        ("client_side", Some(def.client_side.to_string())),
    ]
}

/// The attributes of a permission that the diff compares.
fn permission_attributes(def: &PermissionDef) -> Vec<Attr> {
    vec![("resource", Some(def.resource.clone()))]
}

fn deprecation(value: &Option<Deprecation>) -> Option<String> {
    Deprecation::note(value).map(|reason| reason.unwrap_or_else(|| "true".to_owned()))
}

fn number(value: f64) -> String {
    format!("{value}")
}

/// A field's type as the diff shows it: the type expression, or `enum` for an inline enum.
fn field_type(def: &FieldDef) -> String {
    if def.values.is_some() {
        "enum".to_owned()
    } else {
        def.ty.trim().to_owned()
    }
}

fn schema_kind(def: &SchemaDef) -> &'static str {
    if def.values.is_some() {
        "enum"
    } else if def.alias.is_some() {
        "alias"
    } else {
        "object"
    }
}

fn schema_summary(def: &SchemaDef) -> String {
    match &def.alias {
        Some(alias) if def.values.is_none() => format!("alias of {alias}"),
        _ => schema_kind(def).to_owned(),
    }
}

fn field_summary(def: &FieldDef, holder: Holder) -> String {
    let presence = match holder {
        Holder::Path => "path",
        _ if def.required => "required",
        _ => "optional",
    };
    let nullable = if def.nullable { ", nullable" } else { "" };
    format!("{presence}{nullable} {}", field_type(def))
}

fn operation_summary(def: &EndpointDef) -> String {
    format!("{} {}", def.method, def.path)
}

/// Pairs up the attributes of two versions of one thing and calls `changed` for each that
/// differs.
fn each_difference(
    before: Vec<Attr>,
    after: Vec<Attr>,
    mut changed: impl FnMut(&'static str, Option<String>, Option<String>),
) {
    for ((key, old), (_, new)) in before.into_iter().zip(after) {
        if old != new {
            changed(key, old, new);
        }
    }
}

/// Where a set of fields sits: an object's fields, or an operation's parameters. The Rust
/// rules differ (parameters are method arguments or a query struct that may appear or go).
#[derive(Clone, Copy)]
enum Holder {
    Object,
    Query { before: bool, after: bool },
    Path,
}

/// A set of fields as written and as lowered.
struct Fields<'a> {
    defs: &'a IndexMap<String, FieldDef>,
    model: &'a [model::Field],
}

impl Fields<'_> {
    fn rust_type(&self, wire: &str) -> Option<String> {
        self.model
            .iter()
            .find(|f| f.wire_name == wire)
            .map(crate::emit::field_type_text)
    }

    fn optional_in_rust(&self, wire: &str) -> bool {
        self.model
            .iter()
            .find(|f| f.wire_name == wire)
            .is_none_or(|f| !f.required || f.nullable)
    }
}

/// What the changes of one field set are about.
struct Scope {
    group: Group,
    entity: Entity,
    /// The location prefix, e.g. `ChannelResponse` or `DeleteChannel.query`.
    owner: String,
    usage: Usage,
    holder: Holder,
}

/// Both sides, for the comparisons that look across them.
#[derive(Clone, Copy)]
struct Sides<'s, 'a> {
    base: &'s Side<'a>,
    head: &'s Side<'a>,
}

impl Sides<'_, '_> {
    /// True when an attribute that names a type (`type`, `response`, `body`, `payload`)
    /// changed to a type of exactly the same JSON: only the Rust name changed.
    fn same_json(&self, key: &str, before: Option<&str>, after: Option<&str>) -> bool {
        let (Some(before), Some(after)) = (before, after) else {
            return false;
        };
        let same =
            |before: &str, after: &str| shape::same_type(self.base, self.head, before, after);
        match key {
            "type" | "response" | "payload" => same(before, after),
            "body" => {
                let (old_schema, new_schema) = (
                    before.strip_suffix(MULTIPART),
                    after.strip_suffix(MULTIPART),
                );
                match (old_schema, new_schema) {
                    (Some(before), Some(after)) => same(before, after),
                    (None, None) => same(before, after),
                    _ => false, // JSON on one side, multipart on the other
                }
            }
            _ => false,
        }
    }
}

/// How `body` marks a multipart body.
const MULTIPART: &str = " (multipart)";

/// Compares two versions of a field set. `renamed` pairs the path parameters renamed in place
/// (old, new); they are compared with each other, not reported as removed and added.
fn compare_fields(
    out: &mut Vec<Change>,
    sides: Sides<'_, '_>,
    scope: &Scope,
    (base, head): (&Fields<'_>, &Fields<'_>),
    renamed: &[(String, String)],
) {
    let at = |name: &str| format!("{}.{name}", scope.owner);
    let new = |kind, name: &str| {
        Change::new(scope.group, scope.entity, kind, at(name)).usage(scope.usage)
    };
    let renamed_from = |name: &str| {
        renamed
            .iter()
            .find(|(_, new)| new == name)
            .map_or(name.to_owned(), |(old, _)| old.clone())
    };
    for (name, def) in base.defs {
        if !head.defs.contains_key(name) && !renamed.iter().any(|(old, _)| old == name) {
            let wire = match scope.holder {
                Holder::Path => &rules::PATH_PARAM_REMOVED,
                _ => rules::field_removed(scope.usage),
            };
            let rust = match scope.holder {
                _ if def.from_connection => &rules::RUST_CONNECTION_PARAM,
                Holder::Path | Holder::Query { after: false, .. } => &rules::RUST_SIGNATURE_CHANGED,
                _ => &rules::RUST_FIELD_REMOVED,
            };
            out.push(
                new(ChangeKind::Removed, name)
                    .values(Some(field_summary(def, scope.holder)), None)
                    .rules(wire, rust),
            );
        }
    }
    for (name, def) in head.defs {
        let old_name = renamed_from(name);
        let Some(old) = base.defs.get(&old_name) else {
            let wire = match scope.holder {
                Holder::Path => &rules::PATH_PARAM_ADDED,
                _ => rules::field_added(def.required, scope.usage),
            };
            let rust = match scope.holder {
                _ if def.from_connection => &rules::RUST_CONNECTION_PARAM,
                Holder::Path | Holder::Query { before: false, .. } => {
                    &rules::RUST_SIGNATURE_CHANGED
                }
                _ if !head.optional_in_rust(name) => &rules::RUST_CONSTRUCTOR_CHANGED,
                _ => &rules::RUST_FIELD_ADDED,
            };
            out.push(
                new(ChangeKind::Added, name)
                    .values(None, Some(field_summary(def, scope.holder)))
                    .rules(wire, rust),
            );
            continue;
        };
        if old_name != *name {
            out.push(
                new(ChangeKind::Changed, name)
                    .attribute("name")
                    .values(Some(old_name.clone()), Some(name.clone()))
                    .rules(&rules::PATH_PARAM_RENAMED, &rules::RUST_ARGUMENT_RENAMED),
            );
        }
        let (rust_before, rust_after) = (base.rust_type(&old_name), head.rust_type(name));
        let rust_type_changed = rust_before != rust_after;
        let mut rust_type_reported = false;
        let is_path = matches!(scope.holder, Holder::Path);
        each_difference(
            field_attributes(old),
            field_attributes(def),
            |key, before, after| {
                if is_path && key == "required" {
                    return; // path parameters are always required, whatever the file says
                }
                let wire = if sides.same_json(key, before.as_deref(), after.as_deref()) {
                    &rules::NO_WIRE_CHANGE
                } else {
                    rules::field_attribute(key, before.as_deref(), after.as_deref(), scope.usage)
                };
                let rust = if is_path && rust_type_changed && key != "deprecated" {
                    &rules::RUST_SIGNATURE_CHANGED
                } else {
                    rules::field_attribute_rust(key, before.as_deref(), rust_type_changed)
                };
                rust_type_reported |= rust.impact == rules::Release::Major;
                out.push(
                    new(ChangeKind::Changed, name)
                        .attribute(key)
                        .values(before, after)
                        .rules(wire, rust),
                );
            },
        );
        if rust_type_changed && !rust_type_reported {
            // The Rust type changed although the field did not, e.g. it became boxed because
            // a type it holds now holds its owner.
            out.push(
                new(ChangeKind::Changed, name)
                    .attribute("rust type")
                    .values(rust_before, rust_after)
                    .rules(&rules::NO_WIRE_CHANGE, &rules::RUST_TYPE_CHANGED),
            );
        }
        compare_query_keys(out, scope, &at(name), old, def);
        if let (Some(old_values), Some(new_values)) = (&old.values, &def.values) {
            compare_values(
                out,
                scope.group,
                at(name),
                scope.usage,
                old_values,
                new_values,
            );
        }
    }
}

/// The `filter:` and `sort:` lists of a field present on both sides, entry by entry. A list
/// that appears or goes changes the field's Rust type, which is reported with the field.
fn compare_query_keys(
    out: &mut Vec<Change>,
    scope: &Scope,
    location: &str,
    before: &FieldDef,
    after: &FieldDef,
) {
    let new = |entity, kind, name: &str| {
        Change::new(scope.group, entity, kind, format!("{location}.{name}")).usage(scope.usage)
    };
    if let (Some(old), Some(head)) = (&before.filter, &after.filter) {
        let summary =
            |entry: &crate::ast::FilterFieldDef| format!("{} [{}]", entry.ty, entry.ops.join(", "));
        for (name, entry) in old.iter().filter(|(name, _)| !head.contains_key(*name)) {
            out.push(
                new(Entity::FilterField, ChangeKind::Removed, name)
                    .values(Some(summary(entry)), None)
                    .rules(
                        &rules::FILTER_FIELD_REMOVED,
                        &rules::RUST_FILTER_FIELD_REMOVED,
                    ),
            );
        }
        for (name, entry) in head {
            let Some(previous) = old.get(name) else {
                out.push(
                    new(Entity::FilterField, ChangeKind::Added, name)
                        .values(None, Some(summary(entry)))
                        .rules(&rules::FILTER_FIELD_ADDED, &rules::RUST_FILTER_FIELD_ADDED),
                );
                continue;
            };
            if previous.ty != entry.ty {
                out.push(
                    new(Entity::FilterField, ChangeKind::Changed, name)
                        .attribute("type")
                        .values(Some(previous.ty.clone()), Some(entry.ty.clone()))
                        .rules(
                            &rules::FILTER_FIELD_TYPE_CHANGED,
                            &rules::RUST_FILTER_VALUE_TYPE_CHANGED,
                        ),
                );
            }
            for op in previous.ops.iter().filter(|op| !entry.ops.contains(op)) {
                out.push(
                    new(Entity::FilterField, ChangeKind::Changed, name)
                        .attribute("ops")
                        .values(Some(op.clone()), None)
                        .rules(
                            &rules::FILTER_OPERATOR_REMOVED,
                            &rules::RUST_FILTER_OPERATOR_REMOVED,
                        ),
                );
            }
            for op in entry.ops.iter().filter(|op| !previous.ops.contains(op)) {
                out.push(
                    new(Entity::FilterField, ChangeKind::Changed, name)
                        .attribute("ops")
                        .values(None, Some(op.clone()))
                        .rules(
                            &rules::FILTER_OPERATOR_ADDED,
                            &rules::RUST_FILTER_OPERATOR_ADDED,
                        ),
                );
            }
        }
    }
    if let (Some(old), Some(head)) = (&before.sort, &after.sort) {
        for name in old.iter().filter(|name| !head.contains(name)) {
            out.push(
                new(Entity::SortField, ChangeKind::Removed, name)
                    .values(Some(name.clone()), None)
                    .rules(&rules::SORT_FIELD_REMOVED, &rules::RUST_VARIANT_REMOVED),
            );
        }
        for name in head.iter().filter(|name| !old.contains(name)) {
            out.push(
                new(Entity::SortField, ChangeKind::Added, name)
                    .values(None, Some(name.clone()))
                    .rules(&rules::SORT_FIELD_ADDED, &rules::RUST_VARIANT_ADDED),
            );
        }
    }
}

fn compare_values(
    out: &mut Vec<Change>,
    group: Group,
    location: String,
    usage: Usage,
    before: &[String],
    after: &[String],
) {
    let new = |kind| Change::new(group, Entity::EnumValue, kind, location.clone()).usage(usage);
    for value in before.iter().filter(|v| !after.contains(v)) {
        out.push(
            new(ChangeKind::Removed)
                .values(Some(value.clone()), None)
                .rules(
                    rules::enum_value_removed(usage),
                    &rules::RUST_VARIANT_REMOVED,
                ),
        );
    }
    for value in after.iter().filter(|v| !before.contains(v)) {
        out.push(
            new(ChangeKind::Added)
                .values(None, Some(value.clone()))
                .rules(&rules::ENUM_VALUE_ADDED, &rules::RUST_VARIANT_ADDED),
        );
    }
}

/// Compares two validated specs.
pub(super) fn compare(base: &Side<'_>, head: &Side<'_>) -> Vec<Change> {
    let sides = Sides { base, head };
    let mut out = Vec::new();
    operations(&mut out, sides);
    schemas(&mut out, sides);
    events(&mut out, sides);
    permissions(&mut out, base, head);
    out
}

fn operations(out: &mut Vec<Change>, sides: Sides<'_, '_>) {
    let Sides { base, head } = sides;
    let op = |kind, name: &str| Change::new(Group::Operations, Entity::Operation, kind, name);
    let renamed = renames::operations(base, head);
    for (name, def) in &base.endpoints {
        if !head.endpoints.contains_key(name) && !renamed.iter().any(|(old, _)| old == name) {
            out.push(
                op(ChangeKind::Removed, name)
                    .values(Some(operation_summary(def)), None)
                    .rules(&rules::OPERATION_REMOVED, &rules::RUST_ITEM_REMOVED),
            );
        }
    }
    for (name, def) in &head.endpoints {
        let old_name = renamed
            .iter()
            .find(|(_, new)| new == name)
            .map_or(*name, |(old, _)| *old);
        let Some(old) = base.endpoints.get(old_name) else {
            out.push(
                op(ChangeKind::Added, name)
                    .values(None, Some(operation_summary(def)))
                    .rules(&rules::OPERATION_ADDED, &rules::RUST_ITEM_ADDED),
            );
            continue;
        };
        if old_name != *name {
            out.push(
                op(ChangeKind::Changed, name)
                    .attribute("name")
                    .values(Some(old_name.to_owned()), Some(name.to_string()))
                    .rules(&rules::OPERATION_RENAMED, &rules::RUST_ITEM_RENAMED),
            );
        }
        let placeholders = renames::placeholders(&old.path, &def.path);
        each_difference(
            endpoint_attributes(old),
            endpoint_attributes(def),
            |key, before, after| {
                let (old_value, new_value) = (before.as_deref(), after.as_deref());
                if key == "path" && placeholders.is_some() {
                    return; // only placeholder names changed: reported as parameter renames
                }
                let wire = if sides.same_json(key, old_value, new_value) {
                    &rules::NO_WIRE_CHANGE
                } else {
                    rules::operation_attribute(key, old_value, new_value)
                };
                let rust = rules::operation_attribute_rust(key, old_value, new_value);
                out.push(
                    op(ChangeKind::Changed, name)
                        .attribute(key)
                        .values(before, after)
                        .rules(wire, rust),
                );
            },
        );
        let sets = [
            (
                Entity::OperationEvent,
                &old.events,
                &def.events,
                [
                    &rules::OPERATION_EVENT_REMOVED,
                    &rules::OPERATION_EVENT_ADDED,
                ],
            ),
            (
                Entity::OperationPermission,
                &old.permissions,
                &def.permissions,
                [
                    &rules::OPERATION_PERMISSION_REMOVED,
                    &rules::OPERATION_PERMISSION_ADDED,
                ],
            ),
        ];
        for (entity, before, after, [removed, added]) in sets {
            let new = |kind| Change::new(Group::Operations, entity, kind, *name);
            for item in before.iter().filter(|i| !after.contains(i)) {
                out.push(
                    new(ChangeKind::Removed)
                        .values(Some(item.clone()), None)
                        .rules(removed, &rules::RUST_DOCS_ONLY),
                );
            }
            for item in after.iter().filter(|i| !before.contains(i)) {
                out.push(
                    new(ChangeKind::Added)
                        .values(None, Some(item.clone()))
                        .rules(added, &rules::RUST_DOCS_ONLY),
                );
            }
        }
        let (old_model, new_model) = (
            &base.model_endpoints[old_name],
            &head.model_endpoints[*name],
        );
        let path = Scope {
            group: Group::Operations,
            entity: Entity::PathParam,
            owner: format!("{name}.path"),
            usage: Usage::Request,
            holder: Holder::Path,
        };
        compare_fields(
            out,
            sides,
            &path,
            (
                &Fields {
                    defs: &old.path_params,
                    model: &old_model.path_params,
                },
                &Fields {
                    defs: &def.path_params,
                    model: &new_model.path_params,
                },
            ),
            placeholders.as_deref().unwrap_or_default(),
        );
        if let Some(change) = path_argument_order(name, old, def) {
            out.push(change);
        }
        let query = Scope {
            group: Group::Operations,
            entity: Entity::QueryParam,
            owner: format!("{name}.query"),
            usage: Usage::Request,
            // The query struct holds the parameters the runtime does not fill in.
            holder: Holder::Query {
                before: old.query.values().any(|param| !param.from_connection),
                after: def.query.values().any(|param| !param.from_connection),
            },
        };
        compare_fields(
            out,
            sides,
            &query,
            (
                &Fields {
                    defs: &old.query,
                    model: &old_model.query,
                },
                &Fields {
                    defs: &def.query,
                    model: &new_model.query,
                },
            ),
            &[],
        );
    }
}

/// The path parameters that both versions have, when they come in another order: the path
/// change is reported on its own, but positional Rust arguments of one type (`&str`) take the
/// caller's values in the old order and still compile.
fn path_argument_order(name: &str, old: &EndpointDef, new: &EndpointDef) -> Option<Change> {
    let common = |from: &EndpointDef, other: &EndpointDef| -> Vec<String> {
        from.path_params
            .keys()
            .filter(|key| other.path_params.contains_key(*key))
            .cloned()
            .collect()
    };
    let (before, after) = (common(old, new), common(new, old));
    (before != after).then(|| {
        Change::new(
            Group::Operations,
            Entity::Operation,
            ChangeKind::Changed,
            name,
        )
        .attribute("path_params order")
        .values(Some(before.join(", ")), Some(after.join(", ")))
        .rules(&rules::NO_WIRE_CHANGE, &rules::RUST_SIGNATURE_CHANGED)
    })
}

fn schemas(out: &mut Vec<Change>, sides: Sides<'_, '_>) {
    let Sides { base, head } = sides;
    let new = |kind, name: &str, usage| {
        Change::new(Group::Schemas, Entity::Schema, kind, name).usage(usage)
    };
    for (name, def) in &base.schemas {
        if !head.schemas.contains_key(name) {
            out.push(
                new(ChangeKind::Removed, name, base.usage(name))
                    .values(Some(schema_summary(def)), None)
                    .rules(&rules::SCHEMA_REMOVED, &rules::RUST_ITEM_REMOVED),
            );
        }
    }
    for (name, def) in &head.schemas {
        let Some(old) = base.schemas.get(name) else {
            out.push(
                new(ChangeKind::Added, name, head.usage(name))
                    .values(None, Some(schema_summary(def)))
                    .rules(&rules::SCHEMA_ADDED, &rules::RUST_ITEM_ADDED),
            );
            continue;
        };
        let usage = base.usage(name).union(head.usage(name));
        let kind_changed = schema_kind(old) != schema_kind(def);
        each_difference(
            schema_attributes(old),
            schema_attributes(def),
            |key, before, after| {
                if kind_changed && key != "kind" {
                    return; // a new kind of schema: its other attributes are not comparable
                }
                let wire = if sides.same_json(key, before.as_deref(), after.as_deref()) {
                    &rules::NO_WIRE_CHANGE
                } else {
                    rules::schema_attribute(key, before.as_deref(), after.as_deref())
                };
                let rust = rules::schema_attribute_rust(key, before.as_deref(), after.as_deref());
                out.push(
                    new(ChangeKind::Changed, name, usage)
                        .attribute(key)
                        .values(before, after)
                        .rules(wire, rust),
                );
            },
        );
        if kind_changed {
            continue;
        }
        if let (Some(old_values), Some(new_values)) = (&old.values, &def.values) {
            compare_values(
                out,
                Group::Schemas,
                name.to_string(),
                usage,
                old_values,
                new_values,
            );
        }
        let (Some(old_model), Some(new_model)) =
            (base.model_schemas.get(*name), head.model_schemas.get(*name))
        else {
            continue;
        };
        let (SchemaKind::Object(old_object), SchemaKind::Object(new_object)) =
            (&old_model.kind, &new_model.kind)
        else {
            continue;
        };
        if let (Some(old_fields), Some(new_fields)) = (&old.fields, &def.fields) {
            let scope = Scope {
                group: Group::Schemas,
                entity: Entity::Field,
                owner: name.to_string(),
                usage,
                holder: Holder::Object,
            };
            compare_fields(
                out,
                sides,
                &scope,
                (
                    &Fields {
                        defs: old_fields,
                        model: &old_object.fields,
                    },
                    &Fields {
                        defs: new_fields,
                        model: &new_object.fields,
                    },
                ),
                &[],
            );
        }
        let (old_traits, new_traits) = (traits(old_object), traits(new_object));
        if old_traits != new_traits {
            let lost = old_traits.iter().any(|t| !new_traits.contains(t));
            let rust = if lost {
                &rules::RUST_TRAIT_LOST
            } else {
                &rules::RUST_TRAIT_GAINED
            };
            out.push(
                new(ChangeKind::Changed, name, usage)
                    .attribute("derives")
                    .values(Some(old_traits.join(", ")), Some(new_traits.join(", ")))
                    .rules(&rules::NO_WIRE_CHANGE, rust),
            );
        }
    }
}

/// The traits a generated struct derives that depend on its fields.
fn traits(object: &model::Object) -> Vec<&'static str> {
    let mut traits = Vec::new();
    if object.derives_eq {
        traits.push("Eq");
    }
    if object.derives_default {
        traits.push("Default");
    }
    if !object.has_binary {
        traits.push("Serialize");
        traits.push("Deserialize");
    }
    traits
}

fn events(out: &mut Vec<Change>, sides: Sides<'_, '_>) {
    let Sides { base, head } = sides;
    let new = |kind, name: &str| Change::new(Group::Events, Entity::Event, kind, name);
    for (name, def) in &base.events {
        if !head.events.contains_key(name) {
            out.push(
                new(ChangeKind::Removed, name)
                    .values(event_payload(def).map(str::to_owned), None)
                    .rules(&rules::EVENT_REMOVED, &rules::RUST_VARIANT_REMOVED),
            );
        }
    }
    for (name, def) in &head.events {
        let Some(old) = base.events.get(name) else {
            out.push(
                new(ChangeKind::Added, name)
                    .values(None, event_payload(def).map(str::to_owned))
                    .rules(&rules::EVENT_ADDED, &rules::RUST_VARIANT_ADDED),
            );
            continue;
        };
        each_difference(
            event_attributes(old),
            event_attributes(def),
            |key, before, after| {
                let wire = if sides.same_json(key, before.as_deref(), after.as_deref()) {
                    &rules::NO_WIRE_CHANGE
                } else {
                    rules::event_attribute(key, after.as_deref())
                };
                out.push(
                    new(ChangeKind::Changed, name)
                        .attribute(key)
                        .rules(wire, rules::event_attribute_rust(key))
                        .values(before, after),
                );
            },
        );
    }
}

fn permissions(out: &mut Vec<Change>, base: &Side<'_>, head: &Side<'_>) {
    let new = |kind, name: &str| Change::new(Group::Permissions, Entity::Permission, kind, name);
    for (name, def) in &base.permissions {
        if !head.permissions.contains_key(name) {
            out.push(
                new(ChangeKind::Removed, name)
                    .values(Some(def.resource.clone()), None)
                    .rules(&rules::PERMISSION_REMOVED, &rules::RUST_VARIANT_REMOVED),
            );
        }
    }
    for (name, def) in &head.permissions {
        let Some(old) = base.permissions.get(name) else {
            out.push(
                new(ChangeKind::Added, name)
                    .values(None, Some(def.resource.clone()))
                    .rules(&rules::PERMISSION_ADDED, &rules::RUST_VARIANT_ADDED),
            );
            continue;
        };
        each_difference(
            permission_attributes(old),
            permission_attributes(def),
            |key, before, after| {
                out.push(
                    new(ChangeKind::Changed, name)
                        .attribute(key)
                        .values(before, after)
                        .rules(
                            rules::permission_attribute(key),
                            rules::permission_attribute_rust(key),
                        ),
                );
            },
        );
    }
}
