//! OpenAPI documents made from a spec, shaped like Stream's two: a server-side document with
//! every operation but the client-side only ones and the webhook union, a client-side one with
//! the operations a user token may call and the websocket union; parameters and fields that
//! are client-side only are in the client-side document alone. The drift tests compare a spec with the documents made
//! from it (no finding may appear) and write deleted slices of a spec back from them.
//!
//! Everything the spec language says is written where `drift` reads it in Stream's documents:
//! `x-stream-index` for the field order, `x-stream-filter-fields`, `x-stream-sort-fields` and
//! `x-stream-sort-combinations`, `Sends events:` in the description, a `custom` map for custom
//! data, a `type` property on event payloads. No prose: descriptions hold only the events.

use serde_json::{json, Map, Value};
use stream_chat_codegen::ast::{BodyContent, Deprecation, FieldDef, Scalar, SchemaDef};
use stream_chat_codegen::source::SourceFile;

/// The server-side and the client-side document, as JSON text.
pub fn documents(files: &[SourceFile]) -> (String, String) {
    let version = files
        .iter()
        .find_map(|f| f.spec.api_version.clone())
        .unwrap_or_else(|| "v0.0.0".to_owned());
    let payloads: Vec<&String> = files
        .iter()
        .flat_map(|f| &f.spec.events)
        .filter(|(event_type, _)| event_type.as_str() != "*")
        .filter_map(|(_, e)| e.payload.as_ref())
        .collect();
    let schemas = |client: bool| {
        let mut schemas = Map::new();
        for file in files {
            for (name, def) in &file.spec.schemas {
                schemas.insert(name.clone(), schema(def, payloads.contains(&name), client));
            }
        }
        schemas
    };
    let union = |client_only: bool| {
        let mapping: Map<String, Value> = files
            .iter()
            .flat_map(|f| &f.spec.events)
            .filter(|(_, e)| e.client_side || !client_only)
            .filter_map(|(event_type, e)| {
                let payload = e.payload.as_ref()?;
                Some((
                    event_type.clone(),
                    json!(format!("#/components/schemas/{payload}")),
                ))
            })
            .collect();
        let members: Vec<Value> = mapping.values().map(|r| json!({ "$ref": r })).collect();
        json!({ "oneOf": members, "discriminator": { "propertyName": "type", "mapping": mapping } })
    };
    let document = |client: bool| {
        let mut paths = Map::new();
        for file in files {
            for (name, def) in &file.spec.endpoints {
                if client && def.server_side_only || !client && def.client_side_only {
                    continue;
                }
                let mut parameters = Vec::new();
                for (param, field) in &def.path_params {
                    parameters.push(json!({ "in": "path", "name": param, "required": true, "schema": property(field, "001") }));
                }
                for (param, field) in &def.query {
                    if !client && field.client_side_only {
                        continue;
                    }
                    let mut entry = json!({ "in": "query", "name": param });
                    if is_schema_name(&field.ty) {
                        entry["content"] = json!({ "application/json": { "schema": { "$ref": format!("#/components/schemas/{}", field.ty) } } });
                    } else {
                        entry["schema"] = property(field, "001");
                    }
                    if field.required {
                        entry["required"] = json!(true);
                    }
                    parameters.push(entry);
                }
                let mut operation = json!({
                    "operationId": name,
                    "summary": def.summary,
                    "parameters": parameters,
                    "responses": {
                        def.status.unwrap_or(200).to_string(): {
                            "description": "Response",
                            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{}", def.response) } } }
                        }
                    }
                });
                if !def.events.is_empty() {
                    let list: Vec<String> = def.events.iter().map(|e| format!("- {e}\n")).collect();
                    operation["description"] = json!(format!("Sends events:\n{}", list.concat()));
                }
                if let Some(body) = &def.body {
                    let media = match body.content {
                        BodyContent::Json => "application/json",
                        BodyContent::Multipart => "multipart/form-data",
                    };
                    operation["requestBody"] = json!({ "content": { media: { "schema": { "$ref": format!("#/components/schemas/{}", body.schema) } } } });
                }
                if Deprecation::note(&def.deprecated).is_some() {
                    operation["deprecated"] = json!(true);
                }
                let item = paths.entry(def.path.clone()).or_insert_with(|| json!({}));
                item[def.method.to_lowercase()] = operation;
            }
        }
        let mut schemas = schemas(client);
        let name = if client { "WSEvent" } else { "WHEvent" };
        schemas.insert(name.to_owned(), union(client));
        let text = json!({
            "openapi": "3.0.3",
            "info": { "title": "Made from the spec", "version": version },
            "paths": paths,
            "components": { "schemas": schemas }
        });
        serde_json::to_string_pretty(&text).expect("the document serializes")
    };
    (document(false), document(true))
}

fn is_schema_name(ty: &str) -> bool {
    ty.starts_with(|c: char| c.is_ascii_uppercase())
}

/// A schema as the document of one side shows it: the server-side one without the fields only
/// client-side callers send (their `x-stream-index` stays, as in Stream's documents).
fn schema(def: &SchemaDef, is_payload: bool, client: bool) -> Value {
    if let Some(values) = &def.values {
        return json!({ "type": "string", "enum": values });
    }
    if let Some(alias) = &def.alias {
        return type_schema(alias);
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut index = 1;
    let mut next = || {
        index += 1;
        format!("{:03}", index - 1)
    };
    if is_payload {
        properties.insert(
            "type".to_owned(),
            json!({ "type": "string", "x-stream-index": next() }),
        );
        required.push("type".to_owned());
    }
    for (name, field) in def.fields.iter().flatten() {
        let index = next();
        if field.client_side_only && !client {
            continue;
        }
        properties.insert(name.clone(), property(field, &index));
        if field.required {
            required.push(name.clone());
        }
    }
    if def.custom_data {
        properties.insert(
            "custom".to_owned(),
            json!({ "type": "object", "additionalProperties": {}, "x-stream-index": next() }),
        );
    }
    let mut object = json!({ "type": "object", "properties": properties, "required": required });
    if Deprecation::note(&def.deprecated).is_some() {
        object["deprecated"] = json!(true);
    }
    object
}

/// The schema of a type expression.
fn type_schema(ty: &str) -> Value {
    let ty = ty.trim();
    if let Some(inner) = ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
        return json!({ "type": "array", "items": type_schema(inner) });
    }
    if let Some(inner) = ty.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
        let items = if inner == "json" {
            json!({})
        } else {
            type_schema(inner)
        };
        return json!({ "type": "object", "additionalProperties": items });
    }
    match ty {
        "string" => json!({ "type": "string" }),
        "bool" => json!({ "type": "boolean" }),
        "int32" => json!({ "type": "integer", "format": "int32" }),
        "int64" => json!({ "type": "integer", "format": "int64" }),
        "float" => json!({ "type": "number", "format": "float" }),
        "double" => json!({ "type": "number", "format": "double" }),
        "datetime" => json!({ "type": "string", "format": "date-time" }),
        "duration" => json!({ "type": "string", "format": "duration" }),
        "binary" => json!({ "type": "string", "format": "binary" }),
        "json" => json!({}),
        name => json!({ "$ref": format!("#/components/schemas/{name}") }),
    }
}

fn property(field: &FieldDef, index: &str) -> Value {
    let mut schema = type_schema(&field.ty);
    if field.nullable && schema.get("$ref").is_some() {
        schema = json!({ "allOf": [schema] });
    }
    let map = schema.as_object_mut().expect("an object");
    let mut set = |key: &str, value: Value| {
        map.insert(key.to_owned(), value);
    };
    if field.nullable {
        set("nullable", json!(true));
    }
    if let Some(values) = &field.values {
        set("enum", json!(values));
    }
    let b = &field.bounds;
    for (key, value) in [("minimum", b.min), ("maximum", b.max)] {
        if let Some(value) = value {
            set(key, json!(value));
        }
    }
    for (key, value) in [
        ("minLength", b.min_len),
        ("maxLength", b.max_len),
        ("minItems", b.min_items),
        ("maxItems", b.max_items),
    ] {
        if let Some(value) = value {
            set(key, json!(value));
        }
    }
    if let Some(default) = &field.default {
        set(
            "default",
            match default {
                Scalar::Bool(v) => json!(v),
                Scalar::Int(v) => json!(v),
                Scalar::Float(v) => json!(v),
                Scalar::String(v) => json!(v),
            },
        );
    }
    if Deprecation::note(&field.deprecated).is_some() {
        set("deprecated", json!(true));
    }
    if let Some(filter) = &field.filter {
        let fields: Map<String, Value> = filter
            .iter()
            .map(|(name, f)| {
                let ty = match f.ty.as_str() {
                    "datetime" => "date",
                    "bool" => "boolean",
                    "custom" => "object",
                    other => other,
                };
                let ops: Vec<String> = f.ops.iter().map(|op| format!("${op}")).collect();
                (name.clone(), json!({ "type": ty, "operators": ops }))
            })
            .collect();
        set("x-stream-filter-fields", Value::Object(fields));
    }
    if let Some(sort) = &field.sort {
        set("x-stream-sort-fields", json!(sort));
    }
    if let Some(combinations) = &field.sort_combinations {
        set("x-stream-sort-combinations", json!(combinations));
    }
    set("x-stream-index", json!(index));
    schema
}
