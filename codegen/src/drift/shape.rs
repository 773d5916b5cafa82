//! [`Shape`]: what an API description says, in the spec language's terms. The spec
//! (`spec.rs`) and Stream's OpenAPI documents (`openapi.rs`, merged by `documents.rs`) are both
//! read into one, so that `compare.rs` compares like with like and `write/` can render what
//! the documents say as spec YAML.

use crate::ast::Bounds;
use indexmap::IndexMap;
use std::collections::BTreeMap;

/// Operations are matched by method and path with placeholder names dropped
/// (`("GET", "/channels/{}/{}")`): placeholder names are not on the wire.
pub(crate) type OperationKey = (String, String);

/// Operations, schemas and event types, and the API version, in the spec language's terms.
#[derive(Debug, Default, Clone)]
pub(crate) struct Shape {
    /// `api_version` of the spec, `info.version` of the documents.
    pub api_version: Option<String>,
    pub operations: BTreeMap<OperationKey, Operation>,
    pub schemas: BTreeMap<String, Schema>,
    /// By event type string.
    pub events: BTreeMap<String, Event>,
    /// What this shape can tell; the spec can tell everything.
    pub knows: Knowledge,
}

/// Which facts a shape establishes: one document alone cannot say which operations are
/// server-side or client-side only (nor which parameters and fields only client-side callers
/// send), nor which events reach client websockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Knowledge {
    /// Read from both the server-side and the client-side document (or from the spec): what
    /// one side alone has is `server_side_only` or `client_side_only`.
    pub both_sides: bool,
    /// The websocket union was read (from the client-side document, or the spec).
    pub client_side: bool,
}

impl Default for Knowledge {
    fn default() -> Self {
        Knowledge {
            both_sides: true,
            client_side: true,
        }
    }
}

/// An HTTP operation.
#[derive(Debug, Default, Clone)]
pub(crate) struct Operation {
    /// Endpoint name or `operationId`.
    pub name: String,
    /// The short title (Stream's `summary` names the operation; it is not prose).
    pub summary: Option<String>,
    pub method: String,
    /// The path template with its own placeholder names.
    pub path: String,
    /// In path order.
    pub path_params: Vec<(String, Field)>,
    /// In the description's order.
    pub query: IndexMap<String, Field>,
    pub body: Option<Body>,
    pub response: Option<String>,
    pub status: Option<u16>,
    pub server_side_only: bool,
    /// Only the client-side document has it: a user-token client alone may call it.
    pub client_side_only: bool,
    /// Event types the call makes the server send, in the description's order.
    pub events: Vec<String>,
    pub deprecated: bool,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Body {
    pub schema: String,
    pub multipart: bool,
}

impl std::fmt::Display for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.multipart {
            write!(f, "{} (multipart)", self.schema)
        } else {
            f.write_str(&self.schema)
        }
    }
}

/// A named schema.
#[derive(Debug, Clone)]
pub(crate) enum Schema {
    Object(Object),
    Enum(Vec<String>),
    /// An alias of a type expression.
    Alias(String),
}

impl Schema {
    /// `object`, `enum` or `alias`.
    pub fn kind(&self) -> &'static str {
        match self {
            Schema::Object(_) => "object",
            Schema::Enum(_) => "enum",
            Schema::Alias(_) => "alias",
        }
    }
}

/// An object schema.
#[derive(Debug, Default, Clone)]
pub(crate) struct Object {
    /// In wire order (the documents' `x-stream-index`).
    pub fields: IndexMap<String, Field>,
    /// Custom data travels as top-level keys; the documents show it as a `custom` map.
    pub custom_data: bool,
    pub deprecated: bool,
}

/// A field or a parameter.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Field {
    /// A spec type expression (`string`, `list<UserResponse>`, `duration`, ...).
    pub ty: String,
    pub required: bool,
    pub nullable: bool,
    /// Enum values written on the field itself; a string enum is an inline enum of the spec.
    pub values: Option<Vec<String>>,
    pub bounds: Bounds,
    /// The server's default, as text (`true`, `10`, `"*"` shown without quotes).
    pub default: Option<String>,
    pub deprecated: bool,
    /// Only client-side callers send it: of an operation or schema in both documents, only the
    /// client-side one has it.
    pub client_side_only: bool,
    /// A query filter's fields, by wire name.
    pub filter: Option<IndexMap<String, FilterField>>,
    /// The fields a query sorts by.
    pub sort: Option<Vec<String>>,
    pub sort_combinations: Option<Vec<Vec<String>>>,
}

/// A field of a query filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterField {
    /// `string`, `bool`, `datetime`, `number` or `custom`.
    pub ty: String,
    /// Operators without `$`, in the order written.
    pub ops: Vec<String>,
}

/// An event type.
#[derive(Debug, Default, Clone)]
pub(crate) struct Event {
    /// The payload schema, where one is documented.
    pub payload: Option<String>,
    /// Client websockets receive it (the spec's `client_side`; the websocket union).
    pub client_side: bool,
}

/// A path with its placeholder names dropped, for matching: `/a/{id}` → `/a/{}`.
pub(crate) fn path_key(path: &str) -> String {
    let mut key = String::with_capacity(path.len());
    let mut in_placeholder = false;
    for c in path.trim_end_matches('/').chars() {
        match c {
            '{' => {
                in_placeholder = true;
                key.push('{');
            }
            '}' => {
                in_placeholder = false;
                key.push('}');
            }
            _ if in_placeholder => {}
            _ => key.push(c),
        }
    }
    key
}

/// The placeholder names of a path, in order.
pub(crate) fn placeholders(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split('}').next())
        .collect()
}

/// A bound as the spec writes it: `0`, `1.5`.
pub(crate) fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_names_do_not_matter_for_matching() {
        assert_eq!(path_key("/channels/{type}/{id}"), "/channels/{}/{}");
        assert_eq!(path_key("/channels/{channel_type}/{x}/"), "/channels/{}/{}");
        assert_eq!(placeholders("/a/{x}/b/{y}"), ["x", "y"]);
    }

    #[test]
    fn numbers_print_like_the_spec_writes_them() {
        assert_eq!(number_text(100.0), "100");
        assert_eq!(number_text(-1.0), "-1");
        assert_eq!(number_text(0.5), "0.5");
    }
}
