//! The resolved model: what the emitter needs, with Rust names chosen and references checked.

/// Bounds pass from the spec to the model as they are.
pub use crate::ast::Bounds;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// The version of Stream's API the spec describes (`api_version` of the core area), e.g.
    /// `v235.16.3`.
    pub api_version: Option<String>,
    /// One per spec file, in file-name order.
    pub areas: Vec<Area>,
    /// All permissions, in spec order.
    pub permissions: Vec<Permission>,
    /// All event types, in spec order.
    pub events: Vec<Event>,
    /// The cargo features of the client crate: one per area except the core area.
    pub features: Vec<Feature>,
}

/// The area whose types are always compiled, since the runtime and every other area use them.
pub const CORE_AREA: &str = "common";

/// A cargo feature that compiles one area (its types, methods and events).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name: the area's module name.
    pub name: String,
    /// The features of the other areas whose types this one uses, sorted.
    pub uses: Vec<String>,
}

/// One API area: one spec file, one generated module.
#[derive(Debug, Clone)]
pub struct Area {
    /// The Rust module name.
    pub module: String,
    pub doc: String,
    /// The cargo feature that compiles the area; `None` for the core area.
    pub feature: Option<String>,
    pub schemas: Vec<Schema>,
    pub endpoints: Vec<Endpoint>,
    /// The typed query filters of the area's request schemas.
    pub filters: Vec<QueryFilter>,
    /// The sort-field enums of the area's request schemas.
    pub sorts: Vec<QuerySort>,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct Schema {
    /// The name in the spec (and on the wire, where it matters).
    pub spec_name: String,
    pub rust_name: String,
    pub doc: String,
    pub deprecated: Option<Option<String>>,
    pub kind: SchemaKind,
}

/// What kind of type a schema is.
#[derive(Debug, Clone)]
pub enum SchemaKind {
    Object(Object),
    Enum(Vec<EnumValue>),
    Alias(Type),
}

impl Schema {
    /// The named types the schema mentions.
    pub fn referenced(&self) -> Vec<&Named> {
        match &self.kind {
            SchemaKind::Object(object) => object.fields.iter().flat_map(|f| f.ty.named()).collect(),
            SchemaKind::Alias(ty) => ty.named(),
            SchemaKind::Enum(_) => Vec::new(),
        }
    }
}

/// An object with named fields.
#[derive(Debug, Clone)]
pub struct Object {
    pub fields: Vec<Field>,
    /// Keeps undocumented top-level keys in a `custom` map.
    pub custom_data: bool,
    /// Every field's type has a `Default`, so the struct derives it.
    pub derives_default: bool,
    /// Every field's type is `Eq`, so the struct derives it.
    pub derives_eq: bool,
    /// A field holds a file (`binary`): the object is a multipart body, sent part by part,
    /// and has no serde implementations.
    pub has_binary: bool,
    /// Chainable setters for the optional fields (see `lower/setters.rs`).
    pub setters: bool,
}

/// A field of an object, or a parameter of an endpoint.
#[derive(Debug, Clone)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: Type,
    pub required: bool,
    pub nullable: bool,
    pub doc: Option<String>,
    /// The bounds the API documents for the value.
    pub bounds: Bounds,
    /// The value the server uses when the field is left out, as written in the spec.
    pub server_default: Option<String>,
    pub deprecated: Option<Option<String>>,
    /// The value is boxed because the type contains itself.
    pub boxed: bool,
    /// A typed query filter: the field is a `Filter` of this marker type (a `map<json>`
    /// with a `filter:` list in the spec).
    pub filter: Option<String>,
    /// Only client-side (user-token) callers send it.
    pub client_side_only: bool,
}

impl Field {
    /// Optional and nullable fields are `Option`s.
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A query's filter: a marker type with one function per field the API filters on.
#[derive(Debug, Clone)]
pub struct QueryFilter {
    /// The marker type, e.g. `QueryUsersFilter`.
    pub rust_name: String,
    /// The module of its field types, e.g. `query_users_filter`.
    pub module: String,
    /// The request schema and its field that hold the filter.
    pub schema: String,
    pub field: String,
    pub fields: Vec<FilterField>,
}

/// A field of a query filter.
#[derive(Debug, Clone)]
pub struct FilterField {
    pub wire_name: String,
    /// The marker's function, e.g. `created_at`.
    pub rust_name: String,
    /// The field's type in the filter's module, e.g. `CreatedAt`.
    pub marker: String,
    pub kind: FilterKind,
    pub ops: Vec<FilterOp>,
    pub doc: Option<String>,
}

/// The value type of a filter field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    String,
    Bool,
    DateTime,
    Number,
    /// Custom data: the field's name is given at run time, values are any JSON.
    Custom,
}

impl FilterKind {
    /// Every kind with its spec name.
    pub const ALL: [(&'static str, FilterKind); 5] = [
        ("string", FilterKind::String),
        ("bool", FilterKind::Bool),
        ("datetime", FilterKind::DateTime),
        ("number", FilterKind::Number),
        ("custom", FilterKind::Custom),
    ];

    /// The kind a spec name stands for.
    pub fn parse(name: &str) -> Option<FilterKind> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }

    /// The spec name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("", |(n, _)| n)
    }

    /// True when the operator makes sense on values of this kind (no `$gt` on a bool, no
    /// text search on a date).
    pub fn allows(self, op: FilterOp) -> bool {
        use FilterOp::*;
        match self {
            FilterKind::String | FilterKind::Custom => true,
            FilterKind::Bool => matches!(op, Eq | Ne | In | Nin | Exists),
            FilterKind::DateTime | FilterKind::Number => {
                matches!(op, Eq | Ne | In | Nin | Gt | Gte | Lt | Lte | Exists)
            }
        }
    }
}

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FilterOp {
    Eq,
    Ne,
    In,
    Nin,
    Gt,
    Gte,
    Lt,
    Lte,
    Exists,
    Autocomplete,
    Q,
    Contains,
}

impl FilterOp {
    /// Every operator with its spec name (the wire name without `$`), in a fixed order.
    pub const ALL: [(&'static str, FilterOp); 12] = [
        ("eq", FilterOp::Eq),
        ("ne", FilterOp::Ne),
        ("in", FilterOp::In),
        ("nin", FilterOp::Nin),
        ("gt", FilterOp::Gt),
        ("gte", FilterOp::Gte),
        ("lt", FilterOp::Lt),
        ("lte", FilterOp::Lte),
        ("exists", FilterOp::Exists),
        ("autocomplete", FilterOp::Autocomplete),
        ("q", FilterOp::Q),
        ("contains", FilterOp::Contains),
    ];

    /// The operator a spec name stands for.
    pub fn parse(name: &str) -> Option<FilterOp> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, o)| *o)
    }

    /// The spec name (`gte`).
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, o)| *o == self)
            .map_or("", |(n, _)| n)
    }

    /// The marker trait in the runtime's `filter::ops` (`Gte`).
    pub fn trait_name(self) -> String {
        crate::naming::type_name(self.name())
    }

    /// The method of the runtime's `Field` (`in_` for `in`).
    pub fn method(self) -> String {
        crate::naming::field_name(self.name())
    }
}

/// A query's sortable fields: an enum whose variants make `SortParamRequest`s.
#[derive(Debug, Clone)]
pub struct QuerySort {
    /// The enum, e.g. `QueryMembersSort`.
    pub rust_name: String,
    /// The request schema and its field that hold the sort.
    pub schema: String,
    pub field: String,
    pub fields: Vec<EnumValue>,
    /// The combinations of fields the API supports, for the docs.
    pub combinations: Vec<Vec<String>>,
}

/// A value of an enum.
#[derive(Debug, Clone)]
pub struct EnumValue {
    pub wire: String,
    pub variant: String,
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    String,
    Bool,
    Int32,
    Int64,
    Float,
    Double,
    DateTime,
    Duration,
    Json,
    Binary,
    List(Box<Type>),
    Map(Box<Type>),
    Named(Named),
}

/// A reference to a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub rust_name: String,
    /// The module of the area that defines it.
    pub module: String,
    pub is_enum: bool,
    /// The type implements `Default`.
    pub has_default: bool,
    /// The type implements `Eq`.
    pub is_eq: bool,
}

impl Type {
    /// True when the type implements `Default`: every type but files. Decoding relies on it:
    /// an absent required field holds its type's default (the empty string, list or map, 0,
    /// false, the Unix epoch, an empty `Unknown` enum value, an object of defaults).
    pub fn has_default(&self) -> bool {
        match self {
            Type::Binary => false,
            Type::Named(named) => named.has_default,
            _ => true,
        }
    }

    /// True when the type implements `Eq` (no floating point inside).
    pub fn is_eq(&self) -> bool {
        match self {
            Type::Float | Type::Double | Type::Json => false,
            Type::List(inner) | Type::Map(inner) => inner.is_eq(),
            Type::Named(named) => named.is_eq,
            _ => true,
        }
    }

    /// Named types this type mentions.
    pub fn named(&self) -> Vec<&Named> {
        match self {
            Type::List(inner) | Type::Map(inner) => inner.named(),
            Type::Named(named) => vec![named],
            _ => Vec::new(),
        }
    }
}

/// An HTTP operation.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The spec name, e.g. `DeleteChannel`.
    pub name: String,
    /// The method name, e.g. `delete_channel`.
    pub method_name: String,
    /// The name of its metadata static, e.g. `DELETE_CHANNEL`.
    pub const_name: String,
    pub summary: String,
    pub doc: Option<String>,
    /// `GET`, `POST`, ...
    pub http_method: String,
    pub path: String,
    pub path_params: Vec<Field>,
    /// The query parameters the caller sets: all but [`Endpoint::connection_id`].
    pub query: Vec<Field>,
    /// The query parameter (its wire name) that takes the ID of the caller's real-time
    /// connection (`from_connection: true`): not in the query struct, since the runtime fills
    /// it in from a bound connection or a per-call setting.
    pub connection_id: Option<String>,
    /// The query struct's name, when the endpoint has query parameters the caller sets.
    pub query_struct: Option<String>,
    pub body: Option<Body>,
    pub response: Named,
    pub status: u16,
    pub server_side_only: bool,
    /// Only a client-side (user-token) caller may call it.
    pub client_side_only: bool,
    pub events: Vec<String>,
    /// Permission variant names.
    pub permissions: Vec<String>,
    pub deprecated: Option<Option<String>>,
    /// How the operation pages, when it has a `pagination:`.
    pub pagination: Option<Pagination>,
}

impl Endpoint {
    /// The named types the endpoint's parameters, body and response mention.
    pub fn referenced(&self) -> Vec<&Named> {
        let mut named: Vec<&Named> = self
            .path_params
            .iter()
            .chain(&self.query)
            .flat_map(|f| f.ty.named())
            .collect();
        named.push(&self.response);
        if let Some(body) = &self.body {
            named.push(&body.schema);
        }
        if let Some(pagination) = &self.pagination {
            named.extend(pagination.item_type.named());
        }
        named
    }
}

/// How a paginated operation pages, resolved to Rust field names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub style: PageStyle,
    /// Where the paging fields live.
    pub location: PageLocation,
    /// The response's list field (Rust name), and whether it is required (not an `Option`).
    pub items: String,
    pub items_required: bool,
    /// The list's element type.
    pub item_type: Type,
    /// The request's page-size field (Rust name) and the API's maximum page size.
    pub limit: String,
    pub limit_max: Option<i64>,
}

/// Where the paging fields of a request live (`in:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageLocation {
    /// Fields of the JSON request body (`in: body`).
    Body,
    /// Query parameters (`in: query`).
    Query,
    /// Fields of an object sent JSON-encoded in one query parameter (`in: query.payload`).
    QueryParam {
        /// The parameter's Rust name.
        param: String,
        /// The parameter is required (not an `Option`).
        required: bool,
    },
}

/// The paging style, with the fields only it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStyle {
    /// The response's `next` cursor goes into the request's field of the same name.
    Cursor {
        next: String,
        /// The response's cursor is required (a `String`, not an `Option`).
        next_required: bool,
    },
    /// The request's offset field advances by the items received, up to `max_offset`.
    Offset {
        offset: String,
        max_offset: Option<i64>,
        /// The offset is an `int64` (`i64`) rather than an `int32`.
        wide: bool,
    },
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    pub schema: Named,
    pub multipart: bool,
    /// For multipart bodies: the parts, from the body schema's fields.
    pub parts: Vec<Field>,
}

/// A permission action.
#[derive(Debug, Clone)]
pub struct Permission {
    pub name: String,
    pub variant: String,
    pub resource: String,
    pub doc: String,
}

/// The event type that stands for every app-defined type no other event matches.
pub const FALLBACK_EVENT: &str = "*";

/// An event type.
#[derive(Debug, Clone)]
pub struct Event {
    /// The `type` string, e.g. `channel.deleted`.
    pub event_type: String,
    pub variant: String,
    /// The payload schema; `None` when the payload is undocumented (kept as a JSON object).
    pub payload: Option<Named>,
    /// The `*` event: app-defined types that no other event matches; its payload keeps `type`.
    pub fallback: bool,
    /// The cargo feature of the area that declares the event; `None` for the core area.
    pub feature: Option<String>,
    pub client_side: bool,
    pub doc: String,
}
