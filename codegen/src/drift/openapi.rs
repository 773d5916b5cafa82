//! Reads an OpenAPI 3.0 document (as a JSON value) into a [`Shape`]: the operations, schemas
//! and event types in the spec language's terms.
//!
//! Types map to the spec's: `string` (`date-time` → `datetime`, `binary` → `binary`),
//! `integer` (`int32`, else `int64`), `number` (`float`, else `double`), `boolean` → `bool`,
//! `array` → `list<T>`, an object with `additionalProperties` and no properties → `map<T>`,
//! any other object without a name → `json`, a `$ref` → the schema's name. Local `$ref`s
//! (`#/components/...`) are resolved for parameters, request bodies and `allOf` parts;
//! `allOf` of objects is merged; a `nullable` property (or `allOf: [$ref]` with `nullable`) is
//! nullable. A `oneOf` with a `discriminator` on `type` is the event union: its mapping (or,
//! without one, each member's `type` default or single enum value) gives the event types.

use super::{Field, Object, Operation, Param, SchemaShape, Shape};
use serde_json::Value;
use std::collections::BTreeMap;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Nesting beyond this in `$ref` chains or `allOf` is a cycle or a mistake.
const MAX_DEPTH: usize = 32;

/// Reads the document; `prefixes` are dropped from the start of paths (longest first).
pub(super) fn parse(document: &Value, prefixes: &[String]) -> Result<Shape, String> {
    let version = document
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !version.starts_with("3.") {
        return Err(format!(
            "not an OpenAPI 3 document (its `openapi` field is `{version}`)"
        ));
    }
    let reader = Reader { document };
    let mut shape = Shape::default();
    let mut prefixes: Vec<&String> = prefixes.iter().collect();
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for (path, item) in object(document.get("paths")) {
        let path = prefixes
            .iter()
            .find_map(|p| {
                path.strip_prefix(p.as_str())
                    .filter(|rest| rest.starts_with('/'))
            })
            .unwrap_or(path);
        let shared = item.get("parameters");
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let operation = reader.operation(path, op, shared);
            shape
                .operations
                .insert((method.to_uppercase(), super::path_key(path)), operation);
        }
    }
    for (name, schema) in object(document.pointer("/components/schemas")) {
        if let Some(events) = reader.event_union(schema) {
            shape.events.extend(events);
            continue;
        }
        shape.schemas.insert(name.clone(), reader.schema(schema));
    }
    Ok(shape)
}

fn object(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

struct Reader<'a> {
    document: &'a Value,
}

/// The name of a `#/components/schemas/Name` reference.
fn ref_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
}

impl<'a> Reader<'a> {
    /// Follows a local `$ref` (any component kind), up to a depth.
    fn resolve(&self, mut value: &'a Value) -> &'a Value {
        for _ in 0..MAX_DEPTH {
            let Some(target) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            let Some(pointer) = target.strip_prefix('#') else {
                return value;
            };
            match self.document.pointer(pointer) {
                Some(next) => value = next,
                None => return value,
            }
        }
        value
    }

    fn operation(&self, path: &str, op: &Value, shared: Option<&Value>) -> Operation {
        let mut operation = Operation {
            name: op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            path: path.to_owned(),
            ..Operation::default()
        };
        let params = shared
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(
                op.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        for param in params {
            let param = self.resolve(param);
            let (Some(name), Some(place)) = (
                param.get("name").and_then(Value::as_str),
                param.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            if place != "path" && place != "query" {
                continue;
            }
            // A parameter holds its schema directly, or (for JSON-encoded values) in `content`.
            let schema = param.get("schema").or_else(|| {
                param
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().next())
                    .and_then(|m| m.get("schema"))
            });
            let (ty, values) = schema.map_or(("json".to_owned(), None), |s| self.field_type(s));
            operation.params.insert(
                (place.to_owned(), name.to_owned()),
                Param {
                    ty,
                    required: place == "path" || param.get("required") == Some(&Value::Bool(true)),
                    values,
                },
            );
        }
        if let Some(body) = op.get("requestBody") {
            let body = self.resolve(body);
            let content = body.get("content").and_then(Value::as_object);
            for (media, multipart) in [("application/json", false), ("multipart/form-data", true)] {
                if let Some(schema) = content
                    .and_then(|c| c.get(media))
                    .and_then(|m| m.get("schema"))
                {
                    let name = self.field_type(schema).0;
                    operation.body = Some(if multipart {
                        format!("{name} (multipart)")
                    } else {
                        name
                    });
                    break;
                }
            }
        }
        let mut codes: Vec<(&String, &Value)> = object(op.get("responses"))
            .filter(|(code, _)| code.starts_with('2'))
            .collect();
        codes.sort_by_key(|(code, _)| code.as_str());
        if let Some((code, response)) = codes.first() {
            let response = self.resolve(response);
            operation.status = code.parse().ok();
            operation.response = response
                .pointer("/content/application~1json/schema")
                .map(|schema| self.field_type(schema).0);
        }
        operation
    }

    /// The spec type of a property or parameter schema, and its inline enum values.
    fn field_type(&self, schema: &Value) -> (String, Option<Vec<String>>) {
        if let Some(name) = ref_name(schema) {
            return (name.to_owned(), None);
        }
        if let Some([only]) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            if let Some(name) = ref_name(only) {
                return (name.to_owned(), None);
            }
        }
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        let declared = match schema.get("type").and_then(Value::as_str) {
            None if schema.get("enum").is_some() => Some("string"),
            declared => declared,
        };
        let ty = match declared {
            Some("string") => match format {
                "date-time" => "datetime".to_owned(),
                "binary" => "binary".to_owned(),
                _ => "string".to_owned(),
            },
            Some("integer") => if format == "int32" { "int32" } else { "int64" }.to_owned(),
            Some("number") => if format == "float" { "float" } else { "double" }.to_owned(),
            Some("boolean") => "bool".to_owned(),
            Some("array") => {
                let items = schema
                    .get("items")
                    .map_or("json".to_owned(), |i| self.field_type(i).0);
                format!("list<{items}>")
            }
            Some("object") | None if schema.get("properties").is_none() => {
                match schema.get("additionalProperties") {
                    Some(Value::Bool(true)) => "map<json>".to_owned(),
                    Some(inner @ Value::Object(map)) if !map.is_empty() => {
                        format!("map<{}>", self.field_type(inner).0)
                    }
                    Some(Value::Object(_)) => "map<json>".to_owned(),
                    _ => "json".to_owned(),
                }
            }
            _ => "json".to_owned(),
        };
        (ty, enum_values(schema))
    }

    /// A named schema: an enum, an object (with `allOf` merged), or an alias of a type.
    fn schema(&self, schema: &Value) -> SchemaShape {
        if let Some(values) = enum_values(schema) {
            return SchemaShape::Enum(values);
        }
        let is_object = schema.get("properties").is_some()
            || schema.get("allOf").is_some()
            || (schema.get("type").and_then(Value::as_str) == Some("object")
                && schema.get("additionalProperties").is_none());
        if !is_object {
            return SchemaShape::Alias(self.field_type(schema).0);
        }
        let mut object = Object::default();
        self.merge(schema, &mut object, 0);
        SchemaShape::Object(object)
    }

    /// Adds the properties of an object schema, and of the parts of its `allOf`.
    fn merge(&self, schema: &Value, object: &mut Object, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = self.resolve(schema);
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.merge(part, object, depth + 1);
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, property) in object_entries(schema.get("properties")) {
            let (ty, values) = self.field_type(property);
            object.fields.insert(
                name.clone(),
                Field {
                    ty,
                    required: required.contains(&name.as_str()),
                    nullable: property.get("nullable") == Some(&Value::Bool(true)),
                    values,
                },
            );
        }
    }

    /// The event types of a discriminated `oneOf` on `type`, by type string, with payloads.
    fn event_union(&self, schema: &Value) -> Option<BTreeMap<String, String>> {
        let discriminator = schema.get("discriminator")?;
        if discriminator.get("propertyName").and_then(Value::as_str) != Some("type") {
            return None;
        }
        let mut events = BTreeMap::new();
        if let Some(mapping) = discriminator.get("mapping").and_then(Value::as_object) {
            for (event_type, target) in mapping {
                if let Some(name) = target.as_str().and_then(|r| r.rsplit('/').next()) {
                    events.insert(event_type.clone(), name.to_owned());
                }
            }
        } else {
            for member in schema
                .get("oneOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let (Some(name), target) = (ref_name(member), self.resolve(member)) else {
                    continue;
                };
                let type_property = target.pointer("/properties/type");
                let default = type_property
                    .and_then(|t| t.get("default"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let single = type_property
                    .and_then(enum_values)
                    .filter(|values| values.len() == 1)
                    .and_then(|mut values| values.pop());
                if let Some(event_type) = default.or(single) {
                    events.insert(event_type, name.to_owned());
                }
            }
        }
        Some(events)
    }
}

fn object_entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

/// The string values of an `enum`, when the schema has one.
fn enum_values(schema: &Value) -> Option<Vec<String>> {
    schema.get("enum").and_then(Value::as_array).map(|values| {
        values
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    })
}
