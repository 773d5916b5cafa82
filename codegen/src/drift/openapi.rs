//! Reads one OpenAPI 3 document (as a JSON value) into a [`Document`]: its operations and
//! schemas as a [`Shape`], its event unions, and its version.
//!
//! Where each fact lives in Stream's documents:
//!
//! - types: `string` (`date-time` → `datetime`, `duration` → `duration`, `binary` →
//!   `binary`), `integer` (`int32`, else `int64`), `number` (`float`, else `double`),
//!   `boolean` → `bool`, `array` → `list<T>`, an object with `additionalProperties` and no
//!   properties → `map<T>`, any other object without a name → `json`, a `$ref` (or
//!   `allOf: [$ref]`) → the schema's name;
//! - a field's `required` from its object's `required` list; `nullable`, `enum`, `default`,
//!   `deprecated`; bounds from `minimum`/`maximum`, `minLength`/`maxLength`,
//!   `minItems`/`maxItems` where they fit the type (Stream puts `maximum` on some filter
//!   objects, which says nothing);
//! - wire order of fields from `x-stream-index` (`001.002`, compared number by number);
//! - query filters from `x-stream-filter-fields` (`{field: {type, operators}}`, `date` →
//!   `datetime`, `boolean` → `bool`, `object` → `custom`, operators without `$`), sorts from
//!   `x-stream-sort-fields` and `x-stream-sort-combinations` (a field in a combination is
//!   sortable, also where `x-stream-sort-fields` is missing);
//! - the events an operation sends from the `Sends events:` list of its `description`;
//! - event unions: a `oneOf` with a `discriminator` on `type` (its `mapping`, or each member's
//!   `type` default or single enum value); a union whose name starts with `WS` is the
//!   websocket union (client websockets receive those events), any other the webhook union;
//! - the version from `info.version`.
//!
//! Local `$ref`s are resolved for parameters, request bodies and `allOf` parts; `allOf` of
//! objects is merged. `header` and `cookie` parameters are ignored.

use super::shape::{Body, FilterField, Object, Operation, Schema, Shape};
use super::shape::{Field, OperationKey};
use crate::ast::Bounds;
use crate::types::TypeExpr;
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::BTreeMap;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Nesting beyond this in `$ref` chains or `allOf` is a cycle or a mistake.
const MAX_DEPTH: usize = 32;

/// What one document says.
#[derive(Debug, Default)]
pub(crate) struct Document {
    /// `info.version`.
    pub version: Option<String>,
    /// Operations and schemas; events are read into the unions below.
    pub shape: Shape,
    /// Event type → payload, of the webhook union.
    pub webhook: BTreeMap<String, String>,
    /// Event type → payload, of the websocket union.
    pub websocket: BTreeMap<String, String>,
}

/// Reads the document; `prefixes` are dropped from the start of paths (longest first).
pub(crate) fn parse(document: &Value, prefixes: &[String]) -> Result<Document, String> {
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
    let mut out = Document {
        version: document
            .pointer("/info/version")
            .and_then(Value::as_str)
            .map(str::to_owned),
        ..Document::default()
    };
    let mut prefixes: Vec<&String> = prefixes.iter().collect();
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for (path, item) in entries(document.get("paths")) {
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
            let operation = reader.operation(method, path, op, shared);
            let key: OperationKey = (operation.method.clone(), super::shape::path_key(path));
            out.shape.operations.insert(key, operation);
        }
    }
    for (name, schema) in entries(document.pointer("/components/schemas")) {
        if let Some(events) = reader.event_union(schema) {
            if name.starts_with("WS") {
                out.websocket.extend(events);
            } else {
                out.webhook.extend(events);
            }
            continue;
        }
        out.shape
            .schemas
            .insert(name.clone(), reader.schema(schema));
    }
    Ok(out)
}

fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

fn items(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    items(value)
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
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

/// The event types of a `Sends events:` list in an operation's description: one `- type`
/// per line after the heading.
pub(crate) fn sent_events(description: &str) -> Vec<String> {
    let Some(at) = description.find("Sends events:") else {
        return Vec::new();
    };
    description[at + "Sends events:".len()..]
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty())
        .map_while(|line| line.strip_prefix("- ").or(line.strip_prefix('-')))
        .map(|event| event.trim().to_owned())
        .filter(|event| !event.is_empty())
        .collect()
}

/// `x-stream-index` as numbers, for ordering: `001.010` → `[1, 10]`.
fn stream_index(schema: &Value) -> Vec<u64> {
    schema
        .get("x-stream-index")
        .and_then(Value::as_str)
        .map(|index| index.split('.').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default()
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

    fn operation(
        &self,
        method: &str,
        path: &str,
        op: &'a Value,
        shared: Option<&'a Value>,
    ) -> Operation {
        let text = |key: &str| op.get(key).and_then(Value::as_str);
        let mut operation = Operation {
            name: text("operationId").unwrap_or("").to_owned(),
            summary: text("summary").map(str::to_owned),
            method: method.to_uppercase(),
            path: path.to_owned(),
            events: sent_events(text("description").unwrap_or("")),
            deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
            ..Operation::default()
        };
        let mut path_params = Vec::new();
        for param in items(shared).chain(items(op.get("parameters"))) {
            let param = self.resolve(param);
            let (Some(name), Some(place)) = (
                param.get("name").and_then(Value::as_str),
                param.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            // A parameter holds its schema directly, or (for JSON-encoded values) in `content`.
            let schema = param.get("schema").or_else(|| {
                param
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().next())
                    .and_then(|m| m.get("schema"))
            });
            let required = place == "path" || param.get("required") == Some(&Value::Bool(true));
            let field = match schema {
                Some(schema) => self.field(schema, required),
                None => Field {
                    ty: "json".to_owned(),
                    required,
                    ..Field::default()
                },
            };
            match place {
                "path" => path_params.push((name.to_owned(), field)),
                "query" => {
                    operation.query.insert(name.to_owned(), field);
                }
                _ => {}
            }
        }
        let order = super::shape::placeholders(path);
        path_params.sort_by_key(|(name, _)| order.iter().position(|p| p == name));
        operation.path_params = path_params;
        if let Some(body) = op.get("requestBody") {
            let content = self.resolve(body).get("content");
            for (media, multipart) in [("application/json", false), ("multipart/form-data", true)] {
                if let Some(schema) = content
                    .and_then(|c| c.get(media))
                    .and_then(|m| m.get("schema"))
                {
                    operation.body = Some(Body {
                        schema: self.field_type(schema),
                        multipart,
                    });
                    break;
                }
            }
        }
        let mut codes: Vec<(&String, &Value)> = entries(op.get("responses"))
            .filter(|(code, _)| code.starts_with('2'))
            .collect();
        codes.sort_by_key(|(code, _)| code.as_str());
        if let Some((code, response)) = codes.first() {
            let response = self.resolve(response);
            operation.status = code.parse().ok();
            operation.response = response
                .pointer("/content/application~1json/schema")
                .map(|schema| self.field_type(schema));
        }
        operation
    }

    /// The spec type of a property or parameter schema.
    fn field_type(&self, schema: &Value) -> String {
        if let Some(name) = ref_name(schema) {
            return name.to_owned();
        }
        if let Some([only]) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            if let Some(name) = ref_name(only) {
                return name.to_owned();
            }
        }
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        let declared = match schema.get("type").and_then(Value::as_str) {
            None if schema.get("enum").is_some() => Some("string"),
            declared => declared,
        };
        match declared {
            Some("string") => match format {
                "date-time" => "datetime",
                "duration" => "duration",
                "binary" => "binary",
                _ => "string",
            }
            .to_owned(),
            Some("integer") => if format == "int32" { "int32" } else { "int64" }.to_owned(),
            Some("number") => if format == "float" { "float" } else { "double" }.to_owned(),
            Some("boolean") => "bool".to_owned(),
            Some("array") => {
                let items = schema
                    .get("items")
                    .map_or("json".to_owned(), |i| self.field_type(i));
                format!("list<{items}>")
            }
            Some("object") | None if schema.get("properties").is_none() => {
                match schema.get("additionalProperties") {
                    Some(Value::Bool(true)) => "map<json>".to_owned(),
                    Some(inner @ Value::Object(map)) if !map.is_empty() => {
                        format!("map<{}>", self.field_type(inner))
                    }
                    Some(Value::Object(_)) => "map<json>".to_owned(),
                    _ => "json".to_owned(),
                }
            }
            _ => "json".to_owned(),
        }
    }

    /// A property or parameter as a field.
    fn field(&self, schema: &Value, required: bool) -> Field {
        let ty = self.field_type(schema);
        let parsed = TypeExpr::parse(&ty).ok();
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        let count = |key: &str| schema.get(key).and_then(Value::as_u64);
        let numeric = parsed.as_ref().is_some_and(TypeExpr::is_numeric);
        let text = parsed == Some(TypeExpr::String);
        let list = matches!(parsed, Some(TypeExpr::List(_)));
        let bounds = Bounds {
            min: number("minimum").filter(|_| numeric),
            max: number("maximum").filter(|_| numeric),
            min_len: count("minLength").filter(|_| text),
            max_len: count("maxLength").filter(|_| text),
            min_items: count("minItems").filter(|_| list),
            max_items: count("maxItems").filter(|_| list),
        };
        let filter = schema
            .get("x-stream-filter-fields")
            .and_then(Value::as_object)
            .map(|fields| {
                fields
                    .iter()
                    .map(|(name, def)| {
                        let ty = match def.get("type").and_then(Value::as_str).unwrap_or("") {
                            "date" => "datetime",
                            "boolean" => "bool",
                            "object" => "custom",
                            other => other,
                        };
                        let ops = strings(def.get("operators"))
                            .into_iter()
                            .map(|op| op.trim_start_matches('$').to_owned())
                            .collect();
                        let field = FilterField {
                            ty: ty.to_owned(),
                            ops,
                        };
                        (name.clone(), field)
                    })
                    .collect::<IndexMap<_, _>>()
            });
        let sort_combinations: Option<Vec<Vec<String>>> = schema
            .get("x-stream-sort-combinations")
            .map(|all| items(Some(all)).map(|c| strings(Some(c))).collect());
        // Combinations name sortable fields, also where the list of sort fields is missing.
        let sort = schema
            .get("x-stream-sort-fields")
            .map(|fields| strings(Some(fields)))
            .or_else(|| {
                sort_combinations.as_ref().map(|all| {
                    let mut fields: Vec<String> = Vec::new();
                    for field in all.iter().flatten() {
                        if !fields.contains(field) {
                            fields.push(field.clone());
                        }
                    }
                    fields
                })
            });
        Field {
            ty,
            required,
            nullable: schema.get("nullable") == Some(&Value::Bool(true)),
            // A list of strings may carry its enum on the items.
            values: enum_values(schema).or_else(|| {
                schema
                    .get("items")
                    .filter(|items| list && ref_name(items).is_none())
                    .and_then(enum_values)
            }),
            bounds,
            default: schema.get("default").map(scalar_text),
            deprecated: schema.get("deprecated") == Some(&Value::Bool(true)),
            // Known only from both documents (`documents.rs`).
            client_side_only: false,
            filter,
            sort,
            sort_combinations,
        }
    }

    /// A named schema: an enum, an object (with `allOf` merged), or an alias of a type.
    fn schema(&self, schema: &Value) -> Schema {
        if let Some(values) = enum_values(schema) {
            if schema
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("string")
                == "string"
            {
                return Schema::Enum(values);
            }
        }
        let is_object = schema.get("properties").is_some()
            || schema.get("allOf").is_some()
            || (schema.get("type").and_then(Value::as_str) == Some("object")
                && schema.get("additionalProperties").is_none());
        if !is_object {
            return Schema::Alias(self.field_type(schema));
        }
        let mut fields = Vec::new();
        self.merge(schema, &mut fields, 0);
        // The API's own order; a stable sort keeps the document's order where none is given.
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        let mut object = Object {
            deprecated: schema.get("deprecated") == Some(&Value::Bool(true)),
            ..Object::default()
        };
        for (_, name, field) in fields {
            // Custom data: a `custom` map in the documents, top-level keys on the wire.
            if name == "custom" && field.ty.starts_with("map<") {
                object.custom_data = true;
                continue;
            }
            object.fields.insert(name, field);
        }
        Schema::Object(object)
    }

    /// Adds the properties of an object schema, and of the parts of its `allOf`, with their
    /// `x-stream-index`.
    fn merge(&self, schema: &Value, fields: &mut Vec<(Vec<u64>, String, Field)>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = self.resolve(schema);
        for part in items(schema.get("allOf")) {
            self.merge(part, fields, depth + 1);
        }
        let required = strings(schema.get("required"));
        for (name, property) in entries(schema.get("properties")) {
            let field = self.field(property, required.contains(name));
            fields.retain(|(_, other, _)| other != name);
            fields.push((stream_index(property), name.clone(), field));
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
            return Some(events);
        }
        for member in items(schema.get("oneOf")) {
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
        Some(events)
    }
}

/// A JSON scalar as text: strings without quotes.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n
            .as_f64()
            .map_or_else(|| n.to_string(), super::shape::number_text),
        other => other.to_string(),
    }
}

/// The values of an `enum`, as text, when the schema has one.
fn enum_values(schema: &Value) -> Option<Vec<String>> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| values.iter().map(scalar_text).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_events_an_operation_sends_come_from_its_description() {
        let text = "Deletes a poll\n\nSends events:\n- feeds.poll.deleted\n- poll.deleted\n";
        assert_eq!(sent_events(text), ["feeds.poll.deleted", "poll.deleted"]);
        assert_eq!(
            sent_events("Sends events:\n- *\n\nMore text\n- not.this"),
            ["*"]
        );
        assert!(sent_events("Sends event to the channel\n").is_empty());
    }

    #[test]
    fn stream_indexes_order_by_number() {
        let a = serde_json::json!({ "x-stream-index": "001.009" });
        let b = serde_json::json!({ "x-stream-index": "001.010" });
        assert!(stream_index(&a) < stream_index(&b));
    }
}
