//! Which objects get chainable setters (stage 3, once the model is lowered): the objects a
//! caller builds to send, with many optional fields. `emit/setters.rs` writes the methods.
//!
//! An object is sent when it is a request body, the type of a query parameter, or reachable
//! from one through its fields. Response and event objects are decoded, not built, so they get
//! none; nor do small objects, where a struct literal with `..Default::default()` reads fine.

use crate::model::{Api, SchemaKind};
use std::collections::{HashMap, HashSet};

/// The fewest optional fields an object needs to get setters.
pub const SETTERS_MIN_OPTIONAL_FIELDS: usize = 8;

/// Sets `Object::setters` on the sent objects with at least [`SETTERS_MIN_OPTIONAL_FIELDS`]
/// optional fields.
pub fn mark(api: &mut Api) {
    let sent = sent_objects(api);
    for area in &mut api.areas {
        for schema in &mut area.schemas {
            if let SchemaKind::Object(object) = &mut schema.kind {
                let optional = object
                    .fields
                    .iter()
                    .filter(|field| field.is_optional())
                    .count();
                object.setters =
                    sent.contains(&schema.rust_name) && optional >= SETTERS_MIN_OPTIONAL_FIELDS;
            }
        }
    }
}

/// The Rust names of the schemas reachable from a request body or a query parameter.
fn sent_objects(api: &Api) -> HashSet<String> {
    let schemas: HashMap<&str, _> = api
        .areas
        .iter()
        .flat_map(|area| &area.schemas)
        .map(|schema| (schema.rust_name.as_str(), schema))
        .collect();
    let endpoints = api.areas.iter().flat_map(|area| &area.endpoints);
    let mut pending: Vec<&str> = endpoints
        .flat_map(|endpoint| {
            let body = endpoint.body.iter().map(|body| &body.schema);
            let query = endpoint.query.iter().flat_map(|param| param.ty.named());
            body.chain(query).map(|named| named.rust_name.as_str())
        })
        .collect();
    let mut sent = HashSet::new();
    while let Some(name) = pending.pop() {
        if !sent.insert(name.to_owned()) {
            continue;
        }
        if let Some(schema) = schemas.get(name) {
            pending.extend(
                schema
                    .referenced()
                    .iter()
                    .map(|named| named.rust_name.as_str()),
            );
        }
    }
    sent
}

#[cfg(test)]
mod tests {
    use crate::model::SchemaKind;

    /// Eight optional string fields.
    const EIGHT: &str = "{ a: string, b: string, c: string, d: string, e: string, f: string, g: string, h: string }";

    fn marked(spec: &str) -> Vec<String> {
        let api = crate::load_api_texts(vec![("area.yaml".to_owned(), spec.to_owned())])
            .expect("a valid spec");
        let mut names: Vec<String> = api
            .areas
            .iter()
            .flat_map(|area| &area.schemas)
            .filter(|schema| matches!(&schema.kind, SchemaKind::Object(o) if o.setters))
            .map(|schema| schema.rust_name.clone())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn sent_objects_with_eight_optional_fields_get_setters() {
        let spec = format!(
            "doc: Setters.\n\
             endpoints:\n  \
               SendBody:\n    summary: Send\n    method: POST\n    path: /a\n    body: Body\n    response: Reply\n  \
               Find:\n    summary: Find\n    method: GET\n    path: /b\n    query:\n      payload: {{ type: Query, doc: Q. }}\n    response: Reply\n\
             schemas:\n  \
               Body:\n    doc: A body.\n    fields: {{ nested: {{ type: list<Nested>, doc: N. }}, seven: Seven }}\n  \
               Nested:\n    doc: Reached from the body.\n    fields: {EIGHT}\n  \
               Query:\n    doc: A query parameter.\n    fields: {EIGHT}\n  \
               Seven:\n    doc: Sent, seven optional fields.\n    fields: {{ a: string, b: string, c: string, d: string, e: string, f: string, g: string }}\n  \
               Reply:\n    doc: A response.\n    fields: {{ more: Many }}\n  \
               Many:\n    doc: Only in responses.\n    fields: {EIGHT}\n"
        );
        assert_eq!(marked(&spec), ["Nested", "Query"]);
    }
}
