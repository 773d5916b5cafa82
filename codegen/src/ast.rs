//! The spec files as written: one [`SpecFile`] per YAML file, before any checking.
//!
//! These types mirror the language documented in `spec/README.md`. Every struct denies unknown
//! keys, so a typo in a spec file is an error, never silently ignored. Maps keep file order.

use indexmap::IndexMap;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// One spec file (one API area).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// What the area covers.
    pub doc: String,
    /// The version of Stream's API the spec describes (`v235.16.3`); only in the core area.
    #[serde(default)]
    pub api_version: Option<String>,
    #[serde(default)]
    pub permissions: IndexMap<String, PermissionDef>,
    #[serde(default)]
    pub events: IndexMap<String, EventDef>,
    #[serde(default)]
    pub endpoints: IndexMap<String, EndpointDef>,
    #[serde(default)]
    pub schemas: IndexMap<String, SchemaDef>,
    /// Named field sets that `fields:` mappings spread in with a `...Name` key (`reuse.rs`);
    /// after loading, each holds its resolved fields (spreads expanded).
    #[serde(default)]
    pub mixins: IndexMap<String, FieldSet>,
    /// Named lists of filter operators that `ops:` lists name in place of operators.
    #[serde(default)]
    pub operator_sets: IndexMap<String, Vec<String>>,
}

/// The key prefix of a spread in a `fields:` mapping: `...Name` stands for the fields of the
/// mixin `Name`, in its place. Loading replaces every spread by its fields (`reuse.rs`).
pub const SPREAD: &str = "...";

/// A mapping of fields that may hold spreads (`...Name:` keys with no value): a schema's
/// `fields:` or a mixin. A spread's entry holds a default [`FieldDef`] until loading expands it.
#[derive(Debug, Clone, Default)]
pub struct FieldSet(pub IndexMap<String, FieldDef>);

impl<'de> Deserialize<'de> for FieldSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = FieldSet;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FieldSet, A::Error> {
                let mut fields = IndexMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    let def = if key.starts_with(SPREAD) {
                        map.next_value::<NoValue>()?;
                        FieldDef::default()
                    } else {
                        map.next_value::<FieldDef>()?
                    };
                    fields.insert(key, def);
                }
                Ok(FieldSet(fields))
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

/// The empty value of a spread (`...Name:`).
struct NoValue;

impl<'de> Deserialize<'de> for NoValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NoValueVisitor;
        impl<'de> Visitor<'de> for NoValueVisitor {
            type Value = NoValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("no value: a spread `...Name:` stands for the mixin's fields")
            }
            fn visit_unit<E: de::Error>(self) -> Result<NoValue, E> {
                Ok(NoValue)
            }
            fn visit_none<E: de::Error>(self) -> Result<NoValue, E> {
                Ok(NoValue)
            }
        }
        deserializer.deserialize_any(NoValueVisitor)
    }
}

fn optional_field_set<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<IndexMap<String, FieldDef>>, D::Error> {
    FieldSet::deserialize(deserializer).map(|set| Some(set.0))
}

/// A permission action.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionDef {
    pub resource: String,
    pub doc: String,
}

/// An event type, keyed by its `type` string (`*` for app-defined custom events).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDef {
    /// The payload schema; `None` when the API does not document the payload.
    #[serde(default)]
    pub payload: Option<String>,
    #[serde(default)]
    pub client_side: bool,
    pub doc: String,
}

/// An HTTP operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointDef {
    pub summary: String,
    #[serde(default)]
    pub doc: Option<String>,
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub path_params: IndexMap<String, FieldDef>,
    #[serde(default)]
    pub query: IndexMap<String, FieldDef>,
    #[serde(default)]
    pub body: Option<BodyDef>,
    pub response: String,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub server_side_only: bool,
    /// Only a client-side (user-token) caller may call it: Stream documents it in the
    /// client-side document alone.
    #[serde(default)]
    pub client_side_only: bool,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub deprecated: Option<Deprecation>,
    /// How the operation pages through a list, when it does.
    #[serde(default)]
    pub pagination: Option<PaginationDef>,
}

/// `pagination:` of an endpoint: the paging style and the fields it reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationDef {
    /// `cursor` (a `next` cursor in each response) or `offset` (limit/offset).
    pub style: String,
    /// Where the paging fields live: `body`, `query`, or `query.<parameter>` (a JSON object in one
    /// query parameter).
    #[serde(rename = "in")]
    pub location: String,
    /// The response field holding the page's items (a list).
    pub items: String,
    /// The request's page-size field; default `limit`.
    #[serde(default)]
    pub limit: Option<String>,
    /// The cursor field of request and response (cursor style); default `next`.
    #[serde(default)]
    pub next: Option<String>,
    /// The request's offset field (offset style); default `offset`.
    #[serde(default)]
    pub offset: Option<String>,
}

/// `true` or a reason.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Deprecation {
    Flag(bool),
    Reason(String),
}

impl Deprecation {
    /// The reason, when one is given and the item is deprecated at all.
    pub fn note(deprecation: &Option<Deprecation>) -> Option<Option<String>> {
        match deprecation {
            None | Some(Deprecation::Flag(false)) => None,
            Some(Deprecation::Flag(true)) => Some(None),
            Some(Deprecation::Reason(reason)) => Some(Some(reason.clone())),
        }
    }
}

/// A request body: a schema name (JSON) or `{ schema, content }`.
#[derive(Debug, Clone)]
pub struct BodyDef {
    pub schema: String,
    pub content: BodyContent,
}

/// How a body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyContent {
    Json,
    Multipart,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BodyFull {
    schema: String,
    #[serde(default = "json_content")]
    content: BodyContent,
}

fn json_content() -> BodyContent {
    BodyContent::Json
}

impl<'de> Deserialize<'de> for BodyDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BodyVisitor;
        impl<'de> Visitor<'de> for BodyVisitor {
            type Value = BodyDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a schema name or a mapping with `schema` and `content`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<BodyDef, E> {
                Ok(BodyDef {
                    schema: v.to_owned(),
                    content: BodyContent::Json,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<BodyDef, A::Error> {
                let full = BodyFull::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(BodyDef {
                    schema: full.schema,
                    content: full.content,
                })
            }
        }
        deserializer.deserialize_any(BodyVisitor)
    }
}

/// A schema: exactly one of `fields` (object), `enum` (string enum) or `type` (alias).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaDef {
    pub doc: String,
    /// The fields; `...Name` keys are spreads until loading expands them.
    #[serde(default, deserialize_with = "optional_field_set")]
    pub fields: Option<IndexMap<String, FieldDef>>,
    #[serde(default, rename = "enum")]
    pub values: Option<Vec<String>>,
    #[serde(default, rename = "type")]
    pub alias: Option<String>,
    #[serde(default)]
    pub custom_data: bool,
    #[serde(default)]
    pub deprecated: Option<Deprecation>,
}

/// A field or parameter: a bare type, or the full mapping.
#[derive(Debug, Clone, Default)]
pub struct FieldDef {
    pub ty: String,
    pub required: bool,
    pub nullable: bool,
    pub doc: Option<String>,
    pub values: Option<Vec<String>>,
    pub bounds: Bounds,
    pub default: Option<Scalar>,
    pub deprecated: Option<Deprecation>,
    /// Only client-side (user-token) callers send it; server-side calls leave it out.
    pub client_side_only: bool,
    /// On a query parameter: its value is the ID of the caller's real-time connection, which
    /// the runtime fills in from a bound connection.
    pub from_connection: bool,
    /// On a `map<json>` field of a request schema: the query filter's fields.
    pub filter: Option<IndexMap<String, FilterFieldDef>>,
    /// On a `list<SortParamRequest>` field: the fields the query sorts by.
    pub sort: Option<Vec<String>>,
    /// The combinations of sort fields the API supports, for the docs.
    pub sort_combinations: Option<Vec<Vec<String>>>,
}

/// A field's bounds, inclusive: of a number's value (`min`, `max`), a string's length in
/// characters (`min_len`, `max_len`) and a list's length in items (`min_items`, `max_items`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

/// A field of a query filter: its value type and the operators the API accepts on it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterFieldDef {
    /// `string`, `bool`, `datetime`, `number` or `custom` (custom data, named at run time).
    #[serde(rename = "type")]
    pub ty: String,
    /// Operators without the `$`: `eq`, `ne`, `in`, `nin`, `gt`, `gte`, `lt`, `lte`,
    /// `exists`, `autocomplete`, `q`, `contains`.
    pub ops: Vec<String>,
    /// The Rust name of the field's function, when the wire name does not make one.
    #[serde(default)]
    pub rust: Option<String>,
    #[serde(default)]
    pub doc: Option<String>,
}

/// A default value as written in the spec.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(v) => write!(f, "{v}"),
            Scalar::Int(v) => write!(f, "{v}"),
            Scalar::Float(v) => write!(f, "{v}"),
            Scalar::String(v) => write!(f, "{v:?}"),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldFull {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    nullable: bool,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default, rename = "enum")]
    values: Option<Vec<String>>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    min_len: Option<u64>,
    #[serde(default)]
    max_len: Option<u64>,
    #[serde(default)]
    min_items: Option<u64>,
    #[serde(default)]
    max_items: Option<u64>,
    #[serde(default)]
    default: Option<Scalar>,
    #[serde(default)]
    deprecated: Option<Deprecation>,
    #[serde(default)]
    client_side_only: bool,
    #[serde(default)]
    from_connection: bool,
    #[serde(default)]
    filter: Option<IndexMap<String, FilterFieldDef>>,
    #[serde(default)]
    sort: Option<Vec<String>>,
    #[serde(default)]
    sort_combinations: Option<Vec<Vec<String>>>,
}

impl<'de> Deserialize<'de> for FieldDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = FieldDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a type (like `string` or `list<UserResponse>`) or a field mapping")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldDef, E> {
                Ok(FieldDef {
                    ty: v.to_owned(),
                    ..FieldDef::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FieldDef, A::Error> {
                let f = FieldFull::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(FieldDef {
                    ty: f.ty,
                    required: f.required,
                    nullable: f.nullable,
                    doc: f.doc,
                    values: f.values,
                    bounds: Bounds {
                        min: f.min,
                        max: f.max,
                        min_len: f.min_len,
                        max_len: f.max_len,
                        min_items: f.min_items,
                        max_items: f.max_items,
                    },
                    default: f.default,
                    deprecated: f.deprecated,
                    client_side_only: f.client_side_only,
                    from_connection: f.from_connection,
                    filter: f.filter,
                    sort: f.sort,
                    sort_combinations: f.sort_combinations,
                })
            }
        }
        deserializer.deserialize_any(FieldVisitor)
    }
}

/// The keys each kind of mapping accepts. serde stops at the first unknown key of a file; the
/// loader uses these lists to report every unknown key at once. A test checks them against the
/// structs above, so the two cannot drift apart.
pub mod keys {
    /// A spec file.
    pub const FILE: &[&str] = &[
        "doc",
        "api_version",
        "permissions",
        "events",
        "endpoints",
        "schemas",
        "mixins",
        "operator_sets",
    ];
    /// A permission.
    pub const PERMISSION: &[&str] = &["resource", "doc"];
    /// An event.
    pub const EVENT: &[&str] = &["payload", "client_side", "doc"];
    /// An endpoint.
    pub const ENDPOINT: &[&str] = &[
        "summary",
        "doc",
        "method",
        "path",
        "path_params",
        "query",
        "body",
        "response",
        "status",
        "server_side_only",
        "client_side_only",
        "events",
        "permissions",
        "deprecated",
        "pagination",
    ];
    /// An endpoint's `pagination:`.
    pub const PAGINATION: &[&str] = &["style", "in", "items", "limit", "next", "offset"];
    /// A body written as a mapping.
    pub const BODY: &[&str] = &["schema", "content"];
    /// A schema.
    pub const SCHEMA: &[&str] = &["doc", "fields", "enum", "type", "custom_data", "deprecated"];
    /// A field or parameter written as a mapping.
    pub const FIELD: &[&str] = &[
        "type",
        "required",
        "nullable",
        "doc",
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
        "filter",
        "sort",
        "sort_combinations",
    ];
    /// A field of a query filter.
    pub const FILTER_FIELD: &[&str] = &["type", "ops", "rust", "doc"];
}
