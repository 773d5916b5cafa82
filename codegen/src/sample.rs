//! Maximal JSON samples built from the resolved model, for tests that exercise the generated
//! client against the spec: every field set (optional and nullable ones too), values within the
//! documented bounds, and in the exact form the generated types encode them back, so that
//! "decode, then encode" must give the same JSON value.
//!
//! The values, by type:
//!
//! | type | sample |
//! | --- | --- |
//! | `string` | `"text ü"`, cut to `max_len` and padded to `min_len` characters |
//! | `bool` | `true` |
//! | `int32`, `int64` | `42`, `9007199254740993` (beyond `f64` precision), clamped to `min`/`max` |
//! | `float`, `double` | `1.5`, clamped to `min`/`max` |
//! | `datetime` | `"2024-05-06T07:08:09.123456Z"`, as `chrono::DateTime<Utc>` writes it |
//! | `duration` | `"24h"` |
//! | `json` | a small nested object |
//! | `binary` | `null` (files travel in multipart bodies, which have no JSON form) |
//! | `list<T>` | one item (or `min_items` items) |
//! | `map<T>` | one entry, key `"key"` |
//! | an enum | its first value |
//! | an object | every field, plus `"app_custom_key": "kept"` when it keeps custom data |
//!
//! Each object schema is expanded in full once per sample, the first time the walk meets
//! it (depth first, in field order); where it appears again (recursion, or the same type under
//! another field) it takes its smallest valid form: only its required fields, each in its
//! smallest form, and lists and maps empty. So every field of every schema in reach is set
//! at least once, recursive schemas end, and samples stay small (a channel-state response
//! would otherwise grow to megabytes). Deeper than [`MAX_DEPTH`] objects take the small form
//! too.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use crate::model::{Api, Bounds, Endpoint, Event, Field, Schema, SchemaKind, Type};

/// How deep objects nest in a sample at most.
pub const MAX_DEPTH: usize = 12;

/// The datetime of every sample: microseconds, `Z`, exactly as chrono encodes it back.
pub const DATETIME: &str = "2024-05-06T07:08:09.123456Z";

/// The string of every sample before length bounds apply (no comma, so lists of strings
/// joined with commas in a query string stay unambiguous).
pub const STRING: &str = "text ü";

/// The custom key added to objects that keep custom data.
pub const CUSTOM_KEY: &str = "app_custom_key";

/// The `type` of the sample for the `*` (custom) event: a type no other event has.
pub const CUSTOM_EVENT_TYPE: &str = "app.custom_event";

/// The maximal sample of the schema named `name` (its Rust or spec name).
///
/// # Panics
///
/// When no schema has that name.
pub fn schema(api: &Api, name: &str) -> Value {
    Sampler::new(api)
        .schema(name)
        .unwrap_or_else(|| panic!("no schema named {name:?}"))
}

/// Builds samples; holds an index of the schemas by Rust and by spec name.
pub struct Sampler<'a> {
    schemas: HashMap<&'a str, &'a Schema>,
}

impl<'a> Sampler<'a> {
    /// Indexes the schemas of `api`.
    pub fn new(api: &'a Api) -> Self {
        let mut schemas = HashMap::new();
        for schema in api.areas.iter().flat_map(|area| &area.schemas) {
            schemas.insert(schema.spec_name.as_str(), schema);
            schemas.insert(schema.rust_name.as_str(), schema);
        }
        Self { schemas }
    }

    /// The schema named `name` (Rust or spec name).
    pub fn find(&self, name: &str) -> Option<&'a Schema> {
        self.schemas.get(name).copied()
    }

    /// The maximal sample of the schema named `name`, or `None` when there is no such schema.
    pub fn schema(&self, name: &str) -> Option<Value> {
        let schema = self.find(name)?;
        Some(self.named(schema, &Bounds::default(), &mut Walk::default()))
    }

    /// The sample of a value of type `ty` within `bounds`.
    pub fn value(&self, ty: &Type, bounds: &Bounds) -> Value {
        self.ty(ty, bounds, &mut Walk::default())
    }

    /// The sample of the JSON form of an event of this type: the payload with `type`.
    ///
    /// The `*` event keeps `type` in its payload; its sample's type is [`CUSTOM_EVENT_TYPE`].
    /// An undocumented payload is a small object with custom keys.
    pub fn event(&self, event: &Event) -> Value {
        let mut object = match &event.payload {
            Some(payload) => match self.schema(&payload.rust_name) {
                Some(Value::Object(object)) => object,
                other => panic!(
                    "the payload of {} is not an object: {other:?}",
                    event.event_type
                ),
            },
            None => {
                let mut object = Map::new();
                object.insert(CUSTOM_KEY.to_owned(), json!("kept"));
                object.insert("nested".to_owned(), json_sample());
                object
            }
        };
        let event_type = if event.fallback {
            CUSTOM_EVENT_TYPE
        } else {
            &event.event_type
        };
        object.insert("type".to_owned(), Value::String(event_type.to_owned()));
        Value::Object(object)
    }

    /// The path parameters of `endpoint`, in path order, as text. Strings (and enums) need
    /// escaping: they hold a space, `/`, `?`, `#`, `%` and non-ASCII, and start with the
    /// parameter's name so that swapped parameters show.
    pub fn path_params(&self, endpoint: &Endpoint) -> Vec<String> {
        endpoint
            .path_params
            .iter()
            .map(|field| match &field.ty {
                Type::String | Type::Duration | Type::Named(_) => {
                    format!("{} a b/ü?#%", field.wire_name)
                }
                other => match self.value(other, &field.bounds) {
                    Value::String(text) => text,
                    value => value.to_string(),
                },
            })
            .collect()
    }

    /// The query object of `endpoint`: every parameter, by wire name.
    pub fn query(&self, endpoint: &Endpoint) -> Value {
        Value::Object(self.fields(&endpoint.query, &mut Walk::default()))
    }

    /// The JSON body of `endpoint`, if it has one (`null` parts stand for files in multipart
    /// bodies).
    pub fn body(&self, endpoint: &Endpoint) -> Option<Value> {
        let body = endpoint.body.as_ref()?;
        self.schema(&body.schema.rust_name)
    }

    /// The success response body of `endpoint`.
    pub fn response(&self, endpoint: &Endpoint) -> Value {
        self.schema(&endpoint.response.rust_name)
            .unwrap_or_else(|| panic!("no response schema for {}", endpoint.name))
    }

    fn fields(&self, fields: &[Field], walk: &mut Walk<'a>) -> Map<String, Value> {
        fields
            .iter()
            .map(|field| {
                let value = self.ty(&field.ty, &field.bounds, walk);
                (field.wire_name.clone(), value)
            })
            .collect()
    }

    fn named(&self, schema: &'a Schema, bounds: &Bounds, walk: &mut Walk<'a>) -> Value {
        match &schema.kind {
            SchemaKind::Enum(values) => first_value(values),
            SchemaKind::Alias(ty) => self.ty(ty, bounds, walk),
            SchemaKind::Object(object) => {
                let name = schema.rust_name.as_str();
                if walk.depth >= MAX_DEPTH || !walk.expanded.insert(name) {
                    return self.minimal(&object.fields, 0);
                }
                walk.depth += 1;
                let mut map = self.fields(&object.fields, walk);
                walk.depth -= 1;
                if object.custom_data {
                    map.insert(CUSTOM_KEY.to_owned(), json!("kept"));
                }
                Value::Object(map)
            }
        }
    }

    /// The smallest valid form of an object: its required fields only, each in its smallest
    /// form. `depth` only guards against a spec whose required fields form a cycle.
    fn minimal(&self, fields: &[Field], depth: usize) -> Value {
        assert!(
            depth < 4 * MAX_DEPTH,
            "required fields form a cycle: no finite sample"
        );
        Value::Object(
            fields
                .iter()
                .filter(|field| field.required)
                .map(|field| {
                    let value = self.minimal_value(&field.ty, &field.bounds, depth + 1);
                    (field.wire_name.clone(), value)
                })
                .collect(),
        )
    }

    /// The smallest valid value of a type: empty lists and maps, minimal objects, scalars as
    /// usual.
    fn minimal_value(&self, ty: &Type, bounds: &Bounds, depth: usize) -> Value {
        match ty {
            Type::List(_) => Value::Array(Vec::new()),
            Type::Map(_) => Value::Object(Map::new()),
            Type::Named(named) => match &self.schema_of(named).kind {
                SchemaKind::Enum(values) => first_value(values),
                SchemaKind::Alias(ty) => self.minimal_value(ty, bounds, depth + 1),
                SchemaKind::Object(object) => self.minimal(&object.fields, depth),
            },
            scalar => self.ty(scalar, bounds, &mut Walk::default()),
        }
    }

    fn schema_of(&self, named: &crate::model::Named) -> &'a Schema {
        self.find(&named.rust_name)
            .unwrap_or_else(|| panic!("unknown schema {}", named.rust_name))
    }

    fn ty(&self, ty: &Type, bounds: &Bounds, walk: &mut Walk<'a>) -> Value {
        match ty {
            Type::String => Value::String(bounds.string(STRING)),
            Type::Bool => Value::Bool(true),
            Type::Int32 => json!(bounds.int(42)),
            Type::Int64 => json!(bounds.int(9_007_199_254_740_993)),
            Type::Float | Type::Double => json!(bounds.float(1.5)),
            Type::DateTime => Value::String(DATETIME.to_owned()),
            Type::Duration => Value::String("24h".to_owned()),
            Type::Json => json_sample(),
            Type::Binary => Value::Null,
            Type::List(item) => Value::Array(
                (0..bounds.items())
                    .map(|_| self.ty(item, bounds, walk))
                    .collect(),
            ),
            Type::Map(item) => {
                let mut map = Map::new();
                map.insert("key".to_owned(), self.ty(item, bounds, walk));
                Value::Object(map)
            }
            Type::Named(named) => self.named(self.schema_of(named), bounds, walk),
        }
    }
}

/// Where a sample's walk is: the objects expanded so far, and the depth.
#[derive(Default)]
struct Walk<'a> {
    expanded: HashSet<&'a str>,
    depth: usize,
}

/// The `json` sample: a small nested object (no floats, so it compares exactly).
fn json_sample() -> Value {
    json!({"nested": {"flag": true, "items": [1, "two", null]}})
}

/// The first value of an enum.
fn first_value(values: &[crate::model::EnumValue]) -> Value {
    Value::String(values.first().map(|v| v.wire.clone()).unwrap_or_default())
}

/// Values kept within a field's documented bounds.
impl Bounds {
    /// `text` cut to `max_len` and padded with `x` to `min_len` characters.
    pub fn string(&self, text: &str) -> String {
        let mut text: String = match self.max_len {
            Some(max) => text.chars().take(max as usize).collect(),
            None => text.to_owned(),
        };
        let length = text.chars().count() as u64;
        if let Some(min) = self.min_len {
            text.extend(std::iter::repeat_n(
                'x',
                min.saturating_sub(length) as usize,
            ));
        }
        text
    }

    /// `value` clamped to the integers within `min` and `max`.
    pub fn int(&self, value: i64) -> i64 {
        let mut value = value;
        if let Some(max) = self.max {
            value = value.min(max.floor() as i64);
        }
        if let Some(min) = self.min {
            value = value.max(min.ceil() as i64);
        }
        value
    }

    /// `value` clamped to `min` and `max`.
    pub fn float(&self, value: f64) -> f64 {
        let mut value = value;
        if let Some(max) = self.max {
            value = value.min(max);
        }
        if let Some(min) = self.min {
            value = value.max(min);
        }
        value
    }

    /// The number of items of a list sample: one, or `min_items`, at most `max_items`.
    pub fn items(&self) -> usize {
        let count = self.min_items.unwrap_or(1).max(1);
        let count = self.max_items.map_or(count, |max| count.min(max));
        count as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model of one spec file.
    fn api(yaml: &str) -> Api {
        let files = crate::source::load_texts(vec![("test.yaml".to_owned(), yaml.to_owned())])
            .unwrap_or_else(|problems| panic!("{problems}"));
        crate::validate::validate(&files).unwrap_or_else(|problems| panic!("{problems}"));
        crate::lower::lower(&files)
    }

    #[test]
    fn bounds_come_from_the_spec() {
        let api = api(r#"
doc: Bounds.
schemas:
  Bounded:
    doc: Bounded fields.
    fields:
      name: { type: string, min_len: 2, max_len: 4 }
      count: { type: int32, min: -1, max: 7 }
      ratio: { type: double, min: 0.25 }
      tags: { type: list<string>, min_items: 2, max_items: 3 }
"#);
        let SchemaKind::Object(object) = &api.areas[0].schemas[0].kind else {
            panic!("an object");
        };
        let bounds: Vec<&Bounds> = object.fields.iter().map(|f| &f.bounds).collect();
        assert_eq!((bounds[0].min_len, bounds[0].max_len), (Some(2), Some(4)));
        assert_eq!((bounds[1].min, bounds[1].max), (Some(-1.0), Some(7.0)));
        assert_eq!((bounds[2].min, bounds[2].max), (Some(0.25), None));
        assert_eq!(
            (bounds[3].min_items, bounds[3].max_items),
            (Some(2), Some(3))
        );
        assert_eq!(
            schema(&api, "Bounded"),
            json!({"name": "text", "count": 7, "ratio": 1.5, "tags": ["text ü", "text ü"]})
        );
    }

    #[test]
    fn scalars_respect_bounds() {
        let none = Bounds::default();
        let chars = |min_len, max_len| Bounds {
            min_len,
            max_len,
            ..Bounds::default()
        };
        let range = |min, max| Bounds {
            min,
            max,
            ..Bounds::default()
        };
        let items = |min_items, max_items| Bounds {
            min_items,
            max_items,
            ..Bounds::default()
        };
        assert_eq!(none.string(STRING), STRING);
        assert_eq!(chars(None, Some(3)).string(STRING), "tex");
        assert_eq!(chars(Some(8), None).string(STRING), "text üxx");
        assert_eq!(chars(None, Some(1)).string(STRING), "t");
        assert_eq!(range(Some(0.0), Some(10.0)).int(42), 10);
        assert_eq!(range(Some(100.0), None).int(42), 100);
        assert_eq!(range(Some(0.5), Some(1.0)).float(1.5), 1.0);
        assert_eq!(range(Some(2.0), None).float(1.5), 2.0);
        assert_eq!(none.items(), 1);
        assert_eq!(items(Some(3), None).items(), 3);
        assert_eq!(items(None, Some(0)).items(), 0);
        assert_eq!(items(Some(1), None).items(), 1);
    }

    #[test]
    fn objects_are_maximal() {
        let api = api(r#"
doc: Objects.
schemas:
  Thing:
    doc: Every kind of field.
    custom_data: true
    fields:
      name: { type: string, required: true, max_len: 2 }
      count: { type: int32, min: 0, max: 9 }
      big: int64
      ratio: float
      at: datetime
      ttl: duration
      data: json
      ok: bool
      gone: { type: string, nullable: true }
      tags: list<string>
      kinds: map<Kind>
      inline: { type: string, enum: [x-one, y] }
  Kind:
    doc: A kind.
    enum: [first-one, second]
"#);
        assert_eq!(
            schema(&api, "Thing"),
            json!({
                "name": "te",
                "count": 9,
                "big": 9_007_199_254_740_993_i64,
                "ratio": 1.5,
                "at": DATETIME,
                "ttl": "24h",
                "data": {"nested": {"flag": true, "items": [1, "two", null]}},
                "ok": true,
                "gone": "text ü",
                "tags": ["text ü"],
                "kinds": {"key": "first-one"},
                "inline": "x-one",
                "app_custom_key": "kept",
            })
        );
        assert_eq!(schema(&api, "Kind"), json!("first-one"));
    }

    #[test]
    fn recursion_ends_in_the_smallest_form() {
        let api = api(r#"
doc: Recursion.
schemas:
  Node:
    doc: A tree node.
    fields:
      id: { type: string, required: true }
      parent: Node
      children: { type: list<Node>, required: true }
      owner: Owner
      editor: Owner
  Owner:
    doc: Someone.
    fields:
      name: { type: string, required: true }
      nick: string
"#);
        // The root and the first Owner in full; where a schema appears again, only its
        // required fields, with lists empty.
        let small_node = json!({"id": "text ü", "children": []});
        assert_eq!(
            schema(&api, "Node"),
            json!({
                "id": "text ü",
                "parent": small_node,
                "children": [small_node],
                "owner": {"name": "text ü", "nick": "text ü"},
                "editor": {"name": "text ü"},
            })
        );
    }

    #[test]
    fn events_and_endpoints() {
        let api = api(r#"
doc: Events and endpoints.
events:
  thing.done:
    payload: Payload
    doc: Done.
  thing.vague:
    doc: Undocumented.
  "*":
    payload: CustomPayload
    doc: Anything else.
endpoints:
  GetThing:
    summary: Get thing
    method: POST
    path: /things/{type}/{n}
    path_params:
      type: { type: string, required: true }
      n: { type: int32, required: true }
    query:
      q: bool
    body: Payload
    response: Payload
schemas:
  Payload:
    doc: A payload.
    fields:
      x: { type: bool, required: true }
  CustomPayload:
    doc: A custom payload.
    fields:
      type: { type: string, required: true }
"#);
        let sampler = Sampler::new(&api);
        let samples: Vec<Value> = api.events.iter().map(|e| sampler.event(e)).collect();
        assert_eq!(
            samples,
            [
                json!({"type": "thing.done", "x": true}),
                json!({"type": "thing.vague", "app_custom_key": "kept", "nested": json_sample()}),
                json!({"type": CUSTOM_EVENT_TYPE}),
            ]
        );
        let endpoint = &api.areas[0].endpoints[0];
        assert_eq!(sampler.path_params(endpoint), ["type a b/ü?#%", "42"]);
        assert_eq!(sampler.query(endpoint), json!({"q": true}));
        assert_eq!(sampler.body(endpoint), Some(json!({"x": true})));
        assert_eq!(sampler.response(endpoint), json!({"x": true}));
    }
}
