//! The API changes of a release, as changelog bullets for users of the crate: in Rust names
//! (`Client::fetch_user`, `ChannelResponse.name`, `ChannelRole::Guest`), under the heading
//! their Rust rule calls for.
//!
//! - `Breaking`: changes that need a major release (code that compiled may not);
//! - `Deprecated`: items newly deprecated;
//! - `Added`: the other changes that need a minor release (new methods, types, fields,
//!   variants, operators, derives);
//! - `Changed`: changes of no Rust consequence (paths, methods, server-side flags, events,
//!   bounds, docs metadata). Those that break existing HTTP callers say so, with the reason
//!   of their wire rule: the client now sends what the API expects, but apps may notice.
//!
//! Bullets about one subject under one heading are joined into one.

use super::changelog::Heading;
use crate::diff::{Change, ChangeKind, Entity, Release, Wire};
use crate::model::{Api, SchemaKind, Type};
use std::collections::HashMap;

/// The bullets of the changes, by heading, each heading's bullets in change order.
pub fn bullets(changes: &[Change], base: &Api, head: &Api) -> Vec<(Heading, String)> {
    let (base, head) = (Names::of(base), Names::of(head));
    // (heading, subject, phrases, why the wire breaks)
    let mut grouped: Vec<(Heading, String, Vec<String>, Vec<String>)> = Vec::new();
    for change in changes {
        // Removed things are named as they were; everything else as it is now.
        let names = if change.kind == ChangeKind::Removed && !is_member(change) {
            &base
        } else {
            &head
        };
        let heading = heading(change);
        let (subject, phrase) = describe(change, names, &base);
        let index = match grouped
            .iter()
            .position(|(h, s, _, _)| *h == heading && *s == subject)
        {
            Some(index) => index,
            None => {
                grouped.push((heading, subject, Vec::new(), Vec::new()));
                grouped.len() - 1
            }
        };
        let (_, _, phrases, wire) = &mut grouped[index];
        phrases.push(phrase);
        let why = lowercase_first(change.wire.why.trim_end_matches('.'));
        if heading == Heading::Changed
            && change.wire.impact == Wire::Breaking
            && !wire.contains(&why)
        {
            wire.push(why);
        }
    }
    grouped
        .into_iter()
        .map(|(heading, subject, phrases, wire)| {
            let wire = if wire.is_empty() {
                String::new()
            } else {
                format!(" (breaking on the wire: {})", wire.join("; "))
            };
            (
                heading,
                format!("- `{subject}`: {}{wire}.", phrases.join("; ")),
            )
        })
        .collect()
}

/// The heading a change goes under.
pub fn heading(change: &Change) -> Heading {
    match change.rust.impact {
        Release::Major => Heading::Breaking,
        Release::Minor
            if change.attribute.as_deref() == Some("deprecated") && change.before.is_none() =>
        {
            Heading::Deprecated
        }
        Release::Minor => Heading::Added,
        Release::None => Heading::Changed,
    }
}

/// Changes located on a member (a field, parameter, value) whose owner still exists.
fn is_member(change: &Change) -> bool {
    !matches!(
        change.entity,
        Entity::Operation | Entity::Schema | Entity::Event | Entity::Permission
    )
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// Rust names of one side's model.
#[derive(Default)]
struct Names {
    /// Operation → method; operation → query struct.
    methods: HashMap<String, String>,
    query_structs: HashMap<String, String>,
    /// Schema → Rust type.
    types: HashMap<String, String>,
    /// (owner, wire name) → Rust field name; the owner is a schema or `Operation.query`.
    fields: HashMap<(String, String), String>,
    /// (owner, wire name) → the Rust type a field holds when it is a named type (inline enums).
    field_types: HashMap<(String, String), String>,
    /// (owner, wire name) → the field's whole Rust type, as users write it (`Option<i32>`).
    rust_types: HashMap<(String, String), String>,
    /// (Rust enum, wire value) → variant.
    variants: HashMap<(String, String), String>,
    /// (schema, field) → the filter's marker type, and (marker, wire) → its function.
    filters: HashMap<(String, String), String>,
    filter_functions: HashMap<(String, String), String>,
    /// (schema, field) → the sort enum.
    sorts: HashMap<(String, String), String>,
    /// Event type → `Event` variant; permission → `Permission` variant.
    events: HashMap<String, String>,
    permissions: HashMap<String, String>,
}

impl Names {
    fn of(api: &Api) -> Names {
        let mut names = Names::default();
        let field = |owner: &str, f: &crate::model::Field, names: &mut Names| {
            let key = (owner.to_owned(), f.wire_name.clone());
            names.fields.insert(key.clone(), f.rust_name.clone());
            names.rust_types.insert(key.clone(), rust_type(f));
            if let Type::Named(named) = &f.ty {
                names.field_types.insert(key, named.rust_name.clone());
            }
        };
        for area in &api.areas {
            for endpoint in &area.endpoints {
                names
                    .methods
                    .insert(endpoint.name.clone(), endpoint.method_name.clone());
                if let Some(query) = &endpoint.query_struct {
                    names
                        .query_structs
                        .insert(endpoint.name.clone(), query.clone());
                }
                for f in &endpoint.query {
                    field(&format!("{}.query", endpoint.name), f, &mut names);
                }
            }
            for schema in &area.schemas {
                names
                    .types
                    .insert(schema.spec_name.clone(), schema.rust_name.clone());
                match &schema.kind {
                    SchemaKind::Object(object) => {
                        for f in &object.fields {
                            field(&schema.spec_name, f, &mut names);
                        }
                    }
                    SchemaKind::Enum(values) => {
                        for value in values {
                            names.variants.insert(
                                (schema.rust_name.clone(), value.wire.clone()),
                                value.variant.clone(),
                            );
                        }
                    }
                    SchemaKind::Alias(_) => {}
                }
            }
            for filter in &area.filters {
                let key = (filter.schema.clone(), filter.field.clone());
                names.filters.insert(key, filter.rust_name.clone());
                for f in &filter.fields {
                    names.filter_functions.insert(
                        (filter.rust_name.clone(), f.wire_name.clone()),
                        f.rust_name.clone(),
                    );
                }
            }
            for sort in &area.sorts {
                names.sorts.insert(
                    (sort.schema.clone(), sort.field.clone()),
                    sort.rust_name.clone(),
                );
                for value in &sort.fields {
                    names.variants.insert(
                        (sort.rust_name.clone(), value.wire.clone()),
                        value.variant.clone(),
                    );
                }
            }
        }
        for event in &api.events {
            names
                .events
                .insert(event.event_type.clone(), event.variant.clone());
        }
        for permission in &api.permissions {
            names
                .permissions
                .insert(permission.name.clone(), permission.variant.clone());
        }
        names
    }

    fn method(&self, operation: &str) -> String {
        self.methods.get(operation).map_or_else(
            || operation.to_owned(),
            |method| format!("Client::{method}"),
        )
    }

    fn ty(&self, schema: &str) -> String {
        self.types
            .get(schema)
            .cloned()
            .unwrap_or_else(|| schema.to_owned())
    }

    /// `Type.field` of a field, or `QueryStruct.field` of a query parameter.
    fn field(&self, owner: &str, wire: &str) -> String {
        let rust = self
            .fields
            .get(&(owner.to_owned(), wire.to_owned()))
            .map_or(wire, String::as_str);
        let holder = match owner.strip_suffix(".query") {
            Some(operation) => self
                .query_structs
                .get(operation)
                .cloned()
                .unwrap_or_else(|| owner.to_owned()),
            None => self.ty(owner),
        };
        format!("{holder}.{rust}")
    }

    /// The Rust enum holding the values at `location`: a named enum, or a field's inline enum.
    fn enum_at(&self, location: &str) -> String {
        match location.rsplit_once('.') {
            Some((owner, wire)) => self
                .field_types
                .get(&(owner.to_owned(), wire.to_owned()))
                .cloned()
                .unwrap_or_else(|| location.to_owned()),
            None => self.ty(location),
        }
    }

    fn variant(&self, ty: &str, wire: &str) -> String {
        self.variants
            .get(&(ty.to_owned(), wire.to_owned()))
            .map_or_else(|| format!("`{wire}`"), |v| format!("`{v}` (`{wire}`)"))
    }
}

/// A field's Rust type as users write it: `Option<BTreeMap<String, serde_json::Value>>`.
fn rust_type(field: &crate::model::Field) -> String {
    tidy(&crate::emit::field_type_text(field))
}

/// A type as the generator prints it, as users write it.
fn tidy(text: &str) -> String {
    text.replace("std::collections::", "")
        .replace("crate::filter::", "")
        .replace("crate::", "")
        .replace(',', ", ")
}

/// The bullet's subject (a Rust path) and what happened to it.
fn describe(change: &Change, names: &Names, base: &Names) -> (String, String) {
    let location = change.location.as_str();
    let before = change.before.as_deref().unwrap_or("none");
    let after = change.after.as_deref().unwrap_or("none");
    let (kind, attribute) = (change.kind, change.attribute.as_deref());
    match change.entity {
        Entity::Operation => {
            let subject = names.method(location);
            let phrase = match (kind, attribute) {
                (ChangeKind::Added, _) => format!("new method (`{after}`)"),
                (ChangeKind::Removed, _) => format!("removed (was `{before}`)"),
                (_, Some("name")) => format!("renamed from `{}`", base.method(before)),
                (_, Some(key)) => {
                    let pages = format!("{}_pages", subject.trim_start_matches("Client::"));
                    match key {
                        "pagination" if before == "none" => {
                            format!("new `{pages}` stream ({after})")
                        }
                        "pagination" if after == "none" => format!("`{pages}` removed"),
                        "pagination" => format!("`{pages}` pages by {after} (was {before})"),
                        _ => operation_attribute(key, before, after, names, base),
                    }
                }
                (_, None) => change.description(),
            };
            (subject, phrase)
        }
        Entity::OperationEvent | Entity::OperationPermission => {
            (names.method(location), change.description())
        }
        Entity::PathParam => {
            let (operation, param) = split_member(location, ".path.");
            let phrase = match (kind, attribute) {
                (ChangeKind::Added, _) => format!("new path argument `{param}`"),
                (ChangeKind::Removed, _) => format!("path argument `{param}` removed"),
                (_, Some("name")) => {
                    format!("path argument `{before}` renamed `{after}` (calls compile unchanged)")
                }
                _ => format!("path argument `{param}`: {}", change.description()),
            };
            (names.method(operation), phrase)
        }
        Entity::QueryParam | Entity::Field => {
            let (owner, wire) = location.rsplit_once('.').unwrap_or((location, ""));
            match kind {
                // Not in the query struct: the runtime fills it in (`from_connection`).
                ChangeKind::Added | ChangeKind::Removed
                    if change.rust.id == crate::diff::classify::RUST_CONNECTION_PARAM.id =>
                {
                    let verb = if kind == ChangeKind::Added {
                        "now sends"
                    } else {
                        "no longer sends"
                    };
                    let operation = owner.strip_suffix(".query").unwrap_or(owner);
                    let phrase = format!("{verb} the bound real-time connection's ID as `{wire}`");
                    (names.method(operation), phrase)
                }
                ChangeKind::Added | ChangeKind::Removed => {
                    // A removed field is named as it was, on its owner as it is.
                    let source = if kind == ChangeKind::Added {
                        names
                    } else {
                        base
                    };
                    let rust = source.field(owner, wire);
                    let field = rust.rsplit_once('.').map_or(wire, |(_, f)| f);
                    let holder = names.field(owner, wire);
                    let holder = holder.rsplit_once('.').map_or(holder.as_str(), |(h, _)| h);
                    let typed = source
                        .rust_types
                        .get(&(owner.to_owned(), wire.to_owned()))
                        .map_or(field.to_owned(), |ty| format!("{field}: {ty}"));
                    let phrase = match kind {
                        ChangeKind::Added if change.rust.impact == Release::Major => {
                            format!("new field `{typed}`, an argument of `new`")
                        }
                        ChangeKind::Added => format!("new field `{typed}`"),
                        _ => format!("field `{typed}` removed"),
                    };
                    (holder.to_owned(), phrase)
                }
                ChangeKind::Changed => {
                    let key = (owner.to_owned(), wire.to_owned());
                    let types = (base.rust_types.get(&key), names.rust_types.get(&key));
                    (names.field(owner, wire), field_attribute(change, types))
                }
            }
        }
        Entity::EnumValue => {
            let ty = names.enum_at(location);
            let phrase = match kind {
                ChangeKind::Added => format!("new variant {}", names.variant(&ty, after)),
                _ => format!(
                    "variant {} removed",
                    base.variant(&base.enum_at(location), before)
                ),
            };
            (ty, phrase)
        }
        Entity::Schema => {
            let phrase = match (kind, attribute) {
                (ChangeKind::Added, _) => format!("new {}", type_kind(after)),
                (ChangeKind::Removed, _) => "removed".to_owned(),
                (_, Some("derives")) => derives(before, after),
                (_, Some("deprecated")) => deprecation(before, after),
                _ => change.description(),
            };
            (names.ty(location), phrase)
        }
        Entity::FilterField | Entity::SortField => {
            let mut parts = location.rsplitn(3, '.');
            let (item, field, schema) = (
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
            );
            let key = (schema.to_owned(), field.to_owned());
            if change.entity == Entity::SortField {
                let both = [names, base];
                let sort = both.iter().find_map(|n| n.sorts.get(&key).cloned());
                let sort = sort.unwrap_or_else(|| format!("{schema}.{field}"));
                let phrase = match kind {
                    ChangeKind::Added => format!("new variant {}", names.variant(&sort, item)),
                    _ => format!("variant {} removed", base.variant(&sort, item)),
                };
                return (sort, phrase);
            }
            let filter = [names, base]
                .iter()
                .find_map(|n| n.filters.get(&key).cloned())
                .unwrap_or_else(|| format!("{schema}.{field}"));
            let function = [names, base]
                .iter()
                .find_map(|n| {
                    n.filter_functions
                        .get(&(filter.clone(), item.to_owned()))
                        .cloned()
                })
                .unwrap_or_else(|| item.to_owned());
            let phrase = match (kind, attribute) {
                (ChangeKind::Added, _) => format!("new filter field `{function}()` ({after})"),
                (ChangeKind::Removed, _) => format!("filter field `{function}()` removed"),
                (_, Some("ops")) => match (&change.before, &change.after) {
                    (Some(op), None) => format!("`{function}()` no longer offers `${op}`"),
                    _ => format!("`{function}()` now offers `${after}`"),
                },
                _ => format!("`{function}()`: {}", change.description()),
            };
            (filter, phrase)
        }
        Entity::Event => {
            let variant = variant_of(&names.events, "Event", location);
            let phrase = match (kind, attribute) {
                (ChangeKind::Added, _) => format!("new event type `{location}`"),
                (ChangeKind::Removed, _) => format!("event type `{location}` removed"),
                (_, Some("client_side")) if after == "true" => {
                    "now also sent to client websockets".to_owned()
                }
                (_, Some("client_side")) => "no longer sent to client websockets".to_owned(),
                (_, Some("payload")) => format!(
                    "payload `{}` instead of `{}`",
                    names.ty(after),
                    base.ty(before)
                ),
                _ => change.description(),
            };
            (variant, phrase)
        }
        Entity::Permission => {
            let variant = variant_of(&names.permissions, "Permission", location);
            let phrase = match kind {
                ChangeKind::Added => format!("new permission action `{location}`"),
                ChangeKind::Removed => format!("permission action `{location}` removed"),
                ChangeKind::Changed => change.description(),
            };
            (variant, phrase)
        }
    }
}

/// `Event::MessageNew` for `message.new`: the variant of `enum_name` named for `key`.
fn variant_of(variants: &HashMap<String, String>, enum_name: &str, key: &str) -> String {
    variants
        .get(key)
        .map_or_else(|| key.to_owned(), |v| format!("{enum_name}::{v}"))
}

/// `("Operation", "param")` of `Operation<separator>param`.
fn split_member<'l>(location: &'l str, separator: &str) -> (&'l str, &'l str) {
    location.split_once(separator).unwrap_or((location, ""))
}

fn operation_attribute(
    key: &str,
    before: &str,
    after: &str,
    names: &Names,
    base: &Names,
) -> String {
    match key {
        "method" => format!("sends `{after}` instead of `{before}`"),
        "path" => format!("requests `{after}` instead of `{before}`"),
        "status" => format!("success status {after} (was {before})"),
        "server_side_only" if after == "true" => {
            "server-side only: clients built with a user token are refused".to_owned()
        }
        "server_side_only" => "may now be called client-side, with a user token".to_owned(),
        "client_side_only" if after == "true" => {
            "client-side only: clients built with the API secret are refused".to_owned()
        }
        "client_side_only" => "may now be called server-side, with the API secret".to_owned(),
        "response" => format!(
            "returns `{}` instead of `{}`",
            names.ty(after),
            base.ty(before)
        ),
        "body" if before == "none" => format!("now takes a body, `{}`", names.ty(after)),
        "body" if after == "none" => "no longer takes a body".to_owned(),
        "body" => format!(
            "takes `{}` instead of `{}`",
            names.ty(after),
            base.ty(before)
        ),
        "deprecated" => deprecation(before, after),
        "path_params order" => format!("path arguments in the order {after} (was {before})"),
        other => format!("`{other}`: {before} → {after}"),
    }
}

/// What changed on a field, with its Rust type before and after when that changed.
fn field_attribute(change: &Change, (old, new): (Option<&String>, Option<&String>)) -> String {
    let before = change.before.as_deref().unwrap_or("none");
    let after = change.after.as_deref().unwrap_or("none");
    let (rust, rust_type) = match (old, new) {
        (Some(old), Some(new)) if old != new => (
            format!(": `{new}` (was `{old}`)"),
            format!("type `{new}` (was `{old}`)"),
        ),
        _ => (String::new(), format!("type `{after}` (was `{before}`)")),
    };
    match change.attribute.as_deref().unwrap_or_default() {
        "type" => rust_type,
        "required" if after == "true" => format!("now required{rust}"),
        "required" => format!("now optional{rust}"),
        "nullable" if after == "true" => format!("may now be `null`{rust}"),
        "nullable" => format!("never `null` any more{rust}"),
        "deprecated" => deprecation(before, after),
        "client_side_only" if after == "true" => "client-side only".to_owned(),
        "client_side_only" => "no longer client-side only".to_owned(),
        "from_connection" if after == "true" => {
            "filled in from the real-time connection (no longer in the query struct)".to_owned()
        }
        "from_connection" => "no longer filled in from the real-time connection".to_owned(),
        "rust type" => format!("Rust type `{}` (was `{}`)", tidy(after), tidy(before)),
        key @ ("min" | "max" | "min_len" | "max_len" | "min_items" | "max_items" | "default") => {
            format!("`{key}` {after} (was {before})")
        }
        _ => change.description(),
    }
}

/// `derives:` as the traits gained and lost.
fn derives(before: &str, after: &str) -> String {
    let list = |text: &str| -> Vec<String> { text.split(", ").map(str::to_owned).collect() };
    let (old, new) = (list(before), list(after));
    let quoted = |traits: Vec<&String>| {
        traits
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let lost = quoted(old.iter().filter(|t| !new.contains(t)).collect());
    let gained = quoted(new.iter().filter(|t| !old.contains(t)).collect());
    match (lost.is_empty(), gained.is_empty()) {
        (false, true) => format!("no longer derives {lost}"),
        (true, false) => format!("now derives {gained}"),
        _ => format!("derives {gained} instead of {lost}"),
    }
}

/// `struct`, `enum` or `type alias of X`, from a schema summary.
fn type_kind(summary: &str) -> String {
    match summary {
        "object" => "struct".to_owned(),
        "enum" => "enum".to_owned(),
        alias => alias.replace("alias of", "type alias of"),
    }
}

fn deprecation(before: &str, after: &str) -> String {
    match (before, after) {
        (_, "none") => "no longer deprecated".to_owned(),
        (_, "true") => "deprecated".to_owned(),
        (_, reason) => format!("deprecated: {}", reason.trim_end_matches('.')),
    }
}
