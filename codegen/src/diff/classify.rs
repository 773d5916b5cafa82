//! The classification rules of [`crate::diff`]: every change gets one wire rule and one Rust
//! rule, each named, with a fixed impact and the reason for it.
//!
//! The tables [`WIRE_RULES`] and [`RUST_RULES`] are the whole policy; `docs/api-changes.md`
//! prints them (a test keeps it equal to [`rules_markdown`]). The functions below pick a rule
//! from what changed and from the field's [`Usage`]: whether requests, responses or both carry
//! it.

use std::fmt;

/// What a change means for existing callers of the HTTP API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Wire {
    /// Existing callers keep working.
    Compatible,
    /// Some existing caller may fail or misbehave.
    Breaking,
}

/// The release a change of the generated Rust API needs, under semver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Release {
    /// No public Rust item changes (docs or metadata at most): a patch release.
    None,
    /// Only additions: a minor release.
    Minor,
    /// Code that compiled may no longer compile: a major release.
    Major,
}

impl Wire {
    /// `compatible` or `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Wire::Compatible => "compatible",
            Wire::Breaking => "breaking",
        }
    }
}

impl Release {
    /// `none`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Release::None => "none",
            Release::Minor => "minor",
            Release::Major => "major",
        }
    }
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which way a field's values travel: computed from the operations and events that reach its
/// schema (bodies and query or path parameters are requests; responses and event payloads are
/// responses). A schema nothing reaches is `Unused` and judged like `Both`: callers may build
/// or read the public Rust type directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Usage {
    /// Only sent by callers.
    Request,
    /// Only received by callers.
    Response,
    /// Sent and received.
    Both,
    /// Reached by no operation or event.
    Unused,
}

impl Usage {
    /// `request`, `response`, `both` or `unused`.
    pub fn as_str(self) -> &'static str {
        match self {
            Usage::Request => "request",
            Usage::Response => "response",
            Usage::Both => "both",
            Usage::Unused => "unused",
        }
    }

    /// Callers may send values of it.
    pub fn in_requests(self) -> bool {
        !matches!(self, Usage::Response)
    }

    /// Callers may receive values of it.
    pub fn in_responses(self) -> bool {
        !matches!(self, Usage::Request)
    }

    /// The usage of something used both ways `self` and `other` (e.g. in the base and the
    /// head spec); `Unused` adds nothing.
    pub fn union(self, other: Usage) -> Usage {
        match (self, other) {
            (Usage::Unused, x) | (x, Usage::Unused) => x,
            (a, b) if a == b => a,
            _ => Usage::Both,
        }
    }
}

/// A rule for the wire contract.
#[derive(Debug, PartialEq, Eq)]
pub struct WireRule {
    /// The rule's name, e.g. `response-field-removed`.
    pub id: &'static str,
    /// What changes that match it mean for callers.
    pub impact: Wire,
    /// Why, in one sentence.
    pub why: &'static str,
}

/// A rule for the generated Rust API.
#[derive(Debug, PartialEq, Eq)]
pub struct RustRule {
    /// The rule's name, e.g. `rust-field-removed`.
    pub id: &'static str,
    /// The release that changes matching it need.
    pub impact: Release,
    /// Why, in one sentence.
    pub why: &'static str,
}

macro_rules! wire_rules {
    ($($name:ident = $id:literal, $impact:ident, $why:literal;)*) => {
        $(
            #[doc = concat!("`", $id, "` (", stringify!($impact), "): ", $why)]
            pub static $name: WireRule = WireRule { id: $id, impact: Wire::$impact, why: $why };
        )*
        /// Every wire rule, in the order of the documentation.
        pub static WIRE_RULES: &[&WireRule] = &[$(&$name),*];
    };
}

macro_rules! rust_rules {
    ($($name:ident = $id:literal, $impact:ident, $why:literal;)*) => {
        $(
            #[doc = concat!("`", $id, "` (", stringify!($impact), "): ", $why)]
            pub static $name: RustRule = RustRule { id: $id, impact: Release::$impact, why: $why };
        )*
        /// Every Rust rule, in the order of the documentation.
        pub static RUST_RULES: &[&RustRule] = &[$(&$name),*];
    };
}

wire_rules! {
    OPERATION_ADDED = "operation-added", Compatible, "A new operation; nobody calls it yet.";
    OPERATION_REMOVED = "operation-removed", Breaking, "Callers of the operation get errors.";
    OPERATION_RENAMED = "operation-renamed", Compatible, "Operation names are not on the wire: an operation gone under one name and new under another with the same method and path is one operation, renamed, and requests are the same.";
    OPERATION_METHOD_CHANGED = "operation-method-changed", Breaking, "Callers still send the old HTTP method.";
    OPERATION_PATH_CHANGED = "operation-path-changed", Breaking, "Callers still send requests to the old path.";
    OPERATION_STATUS_CHANGED = "operation-status-changed", Breaking, "Callers that check the documented success status see another one.";
    OPERATION_BECAME_SERVER_SIDE_ONLY = "operation-became-server-side-only", Breaking, "Client-side (user-token) callers are now refused.";
    OPERATION_ALLOWED_CLIENT_SIDE = "operation-allowed-client-side", Compatible, "Client-side callers may now call it too; server-side callers are unaffected.";
    OPERATION_BECAME_CLIENT_SIDE_ONLY = "operation-became-client-side-only", Breaking, "Server-side (secret-signed) callers are now refused.";
    OPERATION_ALLOWED_SERVER_SIDE = "operation-allowed-server-side", Compatible, "Server-side callers may now call it too; client-side callers are unaffected.";
    FIELD_CALLERS_CHANGED = "field-callers-changed", Compatible, "Which callers send a field or parameter (client-side only, filled from the real-time connection) is documentation: the JSON is the same.";
    OPERATION_RESPONSE_CHANGED = "operation-response-changed", Breaking, "The success body is another schema: callers decode it as the old one.";
    OPERATION_BODY_ADDED = "operation-body-added", Breaking, "Callers send no body where one is now expected.";
    OPERATION_BODY_REMOVED = "operation-body-removed", Breaking, "What callers send in the body is no longer read.";
    OPERATION_BODY_CHANGED = "operation-body-changed", Breaking, "The body is another schema or encoding than callers send.";
    OPERATION_EVENT_ADDED = "operation-event-added", Compatible, "Listeners receive one more event; they ignore types they do not handle.";
    OPERATION_EVENT_REMOVED = "operation-event-removed", Breaking, "Listeners wait for an event the call no longer sends.";
    OPERATION_PERMISSION_ADDED = "operation-permission-added", Breaking, "Client-side callers without the new permission are refused.";
    OPERATION_PERMISSION_REMOVED = "operation-permission-removed", Compatible, "Fewer checks: every caller allowed before still is.";
    OPERATION_PAGINATION_CHANGED = "operation-pagination-changed", Compatible, "Only how the client walks through the pages changed (added, removed, or other paging fields): each request and response keeps its JSON, which the body and field rules cover.";
    PATH_PARAM_ADDED = "path-param-added", Breaking, "The path has a new segment that callers do not fill in.";
    PATH_PARAM_REMOVED = "path-param-removed", Breaking, "The path lost a segment that callers still send.";
    PATH_PARAM_RENAMED = "path-param-renamed", Compatible, "Placeholder names are not on the wire: the path is the same but for the name in braces, and requests go to the same URLs.";
    OPTIONAL_FIELD_ADDED = "optional-field-added", Compatible, "Callers that do not know the field neither send nor need it.";
    REQUIRED_REQUEST_FIELD_ADDED = "required-request-field-added", Breaking, "Callers do not send the new required field or parameter.";
    REQUIRED_RESPONSE_FIELD_ADDED = "required-response-field-added", Compatible, "Responses gain a field; callers ignore fields they do not know.";
    REQUEST_FIELD_REMOVED = "request-field-removed", Breaking, "Callers still send the field or parameter, and the server no longer honours it.";
    RESPONSE_FIELD_REMOVED = "response-field-removed", Breaking, "Callers read a field that responses no longer carry.";
    FIELD_TYPE_CHANGED = "field-type-changed", Breaking, "Values of the old type no longer match.";
    REQUEST_FIELD_TYPE_WIDENED = "request-field-type-widened", Compatible, "A request-only field accepts a wider type (int32 to int64, float to double): every old value still fits.";
    REQUEST_FIELD_BECAME_REQUIRED = "request-field-became-required", Breaking, "Callers that leave the field out are refused.";
    RESPONSE_FIELD_BECAME_REQUIRED = "response-field-became-required", Compatible, "A response-only field is now always present: a stronger promise.";
    RESPONSE_FIELD_BECAME_OPTIONAL = "response-field-became-optional", Breaking, "Callers that rely on the field find it missing.";
    REQUEST_FIELD_BECAME_OPTIONAL = "request-field-became-optional", Compatible, "A request-only field may now be left out; callers that send it are unaffected.";
    RESPONSE_FIELD_BECAME_NULLABLE = "response-field-became-nullable", Breaking, "Callers receive `null` where they expect a value.";
    REQUEST_FIELD_BECAME_NULLABLE = "request-field-became-nullable", Compatible, "A request-only field also accepts `null`.";
    REQUEST_FIELD_BECAME_NON_NULLABLE = "request-field-became-non-nullable", Breaking, "Callers that send `null` are refused.";
    RESPONSE_FIELD_BECAME_NON_NULLABLE = "response-field-became-non-nullable", Compatible, "A response-only field is never `null` any more: a stronger promise.";
    REQUEST_BOUND_TIGHTENED = "request-bound-tightened", Breaking, "A bound callers send within got stricter (or appeared): some old values are refused.";
    BOUND_CHANGED = "bound-changed", Compatible, "A bound was relaxed, or changed on a response-only field.";
    REQUEST_DEFAULT_CHANGED = "request-default-changed", Breaking, "Callers that leave the field out get another behaviour.";
    RESPONSE_DEFAULT_CHANGED = "response-default-changed", Compatible, "A default on a response-only field is documentation.";
    DEPRECATED = "deprecated", Compatible, "Deprecation is a warning; everything still works.";
    DEPRECATION_CHANGED = "deprecation-changed", Compatible, "The deprecation was lifted or its reason changed.";
    SCHEMA_ADDED = "schema-added", Compatible, "A new schema; only new or changed references use it, and they are reported.";
    SCHEMA_REMOVED = "schema-removed", Compatible, "Every former use of the schema is itself reported as changed or removed.";
    SCHEMA_KIND_CHANGED = "schema-kind-changed", Breaking, "The schema changed between object, enum and alias: its JSON has another shape.";
    ALIAS_TYPE_CHANGED = "alias-type-changed", Breaking, "Values of the old type no longer match.";
    CUSTOM_DATA_ALLOWED = "custom-data-allowed", Compatible, "The object now keeps custom keys; nothing callers sent or read changes.";
    CUSTOM_DATA_DROPPED = "custom-data-dropped", Breaking, "Custom keys that callers send or read are no longer kept.";
    ENUM_VALUE_ADDED = "enum-value-added", Compatible, "Callers need not send the new value; callers must accept string values they do not know (the Rust client keeps them as `Unknown`).";
    ENUM_VALUE_REMOVED_FROM_REQUEST = "enum-value-removed-from-request", Breaking, "Callers that send the value are refused.";
    ENUM_VALUE_REMOVED_FROM_RESPONSE = "enum-value-removed-from-response", Compatible, "The server no longer sends a value of a response-only enum; callers are unaffected.";
    EVENT_ADDED = "event-added", Compatible, "Listeners ignore event types they do not handle.";
    EVENT_REMOVED = "event-removed", Breaking, "Listeners wait for an event type that is no longer sent.";
    EVENT_PAYLOAD_CHANGED = "event-payload-changed", Breaking, "Listeners decode the event as the old payload schema.";
    EVENT_NO_LONGER_CLIENT_SIDE = "event-no-longer-client-side", Breaking, "Client websockets no longer receive the event (webhooks still do).";
    EVENT_NOW_CLIENT_SIDE = "event-now-client-side", Compatible, "Client websockets now receive the event too.";
    PERMISSION_ADDED = "permission-added", Compatible, "A new permission action, checked only where operations now name it (reported there).";
    PERMISSION_REMOVED = "permission-removed", Breaking, "Grants and policies naming the action stop working.";
    PERMISSION_RESOURCE_CHANGED = "permission-resource-changed", Compatible, "The resource of an action is descriptive.";
    FILTER_FIELD_ADDED = "filter-field-added", Compatible, "A query filters on one more field; filters that callers send still work.";
    FILTER_FIELD_REMOVED = "filter-field-removed", Breaking, "Callers that filter on the field are refused.";
    FILTER_FIELD_TYPE_CHANGED = "filter-field-type-changed", Breaking, "Values of the old type no longer match the field.";
    FILTER_OPERATOR_ADDED = "filter-operator-added", Compatible, "A filter field accepts one more operator.";
    FILTER_OPERATOR_REMOVED = "filter-operator-removed", Breaking, "Callers that use the operator on the field are refused.";
    SORT_FIELD_ADDED = "sort-field-added", Compatible, "A query sorts by one more field.";
    SORT_FIELD_REMOVED = "sort-field-removed", Breaking, "Callers that sort by the field are refused.";
    NO_WIRE_CHANGE = "no-wire-change", Compatible, "Only the generated Rust code changes; the JSON is the same (also a reference moved to another schema of exactly the same JSON shape: names are not on the wire).";
    ATTRIBUTE_CHANGED = "attribute-changed", Breaking, "An attribute without a rule of its own changed: review it by hand (this rule is the conservative fallback).";
}

rust_rules! {
    RUST_ITEM_ADDED = "rust-item-added", Minor, "A new method, type or constant.";
    RUST_ITEM_REMOVED = "rust-item-removed", Major, "Code that names the removed method or type no longer compiles.";
    RUST_ITEM_RENAMED = "rust-item-renamed", Major, "The operation's method has a new name, and so have its query struct, its `*_pages` twin and its `operations` constant: code that names the old ones no longer compiles.";
    RUST_SIGNATURE_CHANGED = "rust-signature-changed", Major, "A method's arguments or return type changed (body, response, path parameters, or the query struct appearing or going).";
    RUST_ARGUMENT_RENAMED = "rust-argument-renamed", None, "Only the name of a path argument changes (and the path template in the method's docs and in `OperationInfo::path`): Rust arguments are positional, their names are not part of the API, so every call still compiles.";
    RUST_FIELD_ADDED = "rust-field-added", Minor, "A new `Option` field; `new` and `Default` are unchanged. Struct literals must end with `..Default::default()` or use `new` (the client's documented policy).";
    RUST_CONSTRUCTOR_CHANGED = "rust-constructor-changed", Major, "A new non-optional field: it is an argument of the struct's `new`, and struct literals must set it.";
    RUST_FIELD_REMOVED = "rust-field-removed", Major, "Code that reads or sets the field no longer compiles.";
    RUST_TYPE_CHANGED = "rust-type-changed", Major, "A field's, alias's or payload's Rust type changed (including `Option` or `Box` around it).";
    RUST_PAGES_CHANGED = "rust-pages-changed", Major, "The operation's `*_pages` stream pages by other fields or yields other items: code that reads its pages or items may no longer compile or may see other pages.";
    RUST_TYPE_KIND_CHANGED = "rust-type-kind-changed", Major, "The type changed between struct, enum and alias.";
    RUST_VARIANT_ADDED = "rust-variant-added", Minor, "A new enum variant. Values it stands for used to arrive as `Unknown`; matches over generated enums need a wildcard arm, which `#[non_exhaustive]` asks for.";
    RUST_VARIANT_REMOVED = "rust-variant-removed", Major, "Code that names the variant no longer compiles.";
    RUST_FILTER_FIELD_ADDED = "rust-filter-field-added", Minor, "A new function on the query's filter type.";
    RUST_FILTER_FIELD_REMOVED = "rust-filter-field-removed", Major, "Code that filters on the field no longer compiles.";
    RUST_FILTER_VALUE_TYPE_CHANGED = "rust-filter-value-type-changed", Major, "The field takes values of another type: code that passes the old one no longer compiles.";
    RUST_FILTER_OPERATOR_ADDED = "rust-filter-operator-added", Minor, "One more operator method compiles on the field.";
    RUST_FILTER_OPERATOR_REMOVED = "rust-filter-operator-removed", Major, "Code that uses the operator on the field no longer compiles.";
    RUST_TRAIT_LOST = "rust-trait-lost", Major, "The type no longer derives a trait (`Default`, `Eq`, serde) that callers may use.";
    RUST_TRAIT_GAINED = "rust-trait-gained", Minor, "The type derives one more trait.";
    RUST_DEPRECATED = "rust-deprecated", Minor, "`#[deprecated]` added: callers see warnings, nothing breaks.";
    RUST_CONNECTION_PARAM = "rust-connection-param", Minor, "A query parameter the runtime fills with the real-time connection's ID (`from_connection`) came or went: no argument or query struct field changes, only what a client bound to a connection sends.";
    RUST_DOCS_ONLY = "rust-docs-only", None, "Only docs or operation metadata (method, path, status, events, permissions) change.";
    RUST_UNCLASSIFIED = "rust-unclassified", Major, "An attribute without a rule of its own changed the generated code: review it by hand (the conservative fallback).";
}

/// The rule tables as markdown, as `docs/api-changes.md` shows them.
pub fn rules_markdown() -> String {
    let mut out = String::from("| wire rule | impact | why |\n| --- | --- | --- |\n");
    for rule in WIRE_RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            rule.id, rule.impact, rule.why
        ));
    }
    out.push_str("\n| Rust rule | release | why |\n| --- | --- | --- |\n");
    for rule in RUST_RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            rule.id, rule.impact, rule.why
        ));
    }
    out
}

/// The wire rule of an attribute change of an operation.
pub fn operation_attribute(
    key: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> &'static WireRule {
    match key {
        "method" => &OPERATION_METHOD_CHANGED,
        "path" => &OPERATION_PATH_CHANGED,
        "status" => &OPERATION_STATUS_CHANGED,
        "server_side_only" if after == Some("true") => &OPERATION_BECAME_SERVER_SIDE_ONLY,
        "server_side_only" => &OPERATION_ALLOWED_CLIENT_SIDE,
        "client_side_only" if after == Some("true") => &OPERATION_BECAME_CLIENT_SIDE_ONLY,
        "client_side_only" => &OPERATION_ALLOWED_SERVER_SIDE,
        "response" => &OPERATION_RESPONSE_CHANGED,
        "body" => match (before, after) {
            (None, Some(_)) => &OPERATION_BODY_ADDED,
            (Some(_), None) => &OPERATION_BODY_REMOVED,
            _ => &OPERATION_BODY_CHANGED,
        },
        "deprecated" => deprecation(before),
        "pagination" => &OPERATION_PAGINATION_CHANGED,
        _ => &ATTRIBUTE_CHANGED,
    }
}

/// The Rust rule of an attribute change of an operation.
pub fn operation_attribute_rust(
    key: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> &'static RustRule {
    match key {
        "pagination" => match (before, after) {
            (None, Some(_)) => &RUST_ITEM_ADDED,
            (Some(_), None) => &RUST_ITEM_REMOVED,
            _ => &RUST_PAGES_CHANGED,
        },
        "method" | "path" | "status" | "server_side_only" | "client_side_only" => &RUST_DOCS_ONLY,
        "response" | "body" => &RUST_SIGNATURE_CHANGED,
        "deprecated" => rust_deprecation(before),
        _ => &RUST_UNCLASSIFIED,
    }
}

/// The wire rule of an attribute change of a field or parameter used as `usage` says.
pub fn field_attribute(
    key: &str,
    before: Option<&str>,
    after: Option<&str>,
    usage: Usage,
) -> &'static WireRule {
    let set = |value: Option<&str>| value == Some("true");
    match key {
        "type" if usage == Usage::Request && widens(before, after) => &REQUEST_FIELD_TYPE_WIDENED,
        "type" => &FIELD_TYPE_CHANGED,
        "required" if set(after) && usage.in_requests() => &REQUEST_FIELD_BECAME_REQUIRED,
        "required" if set(after) => &RESPONSE_FIELD_BECAME_REQUIRED,
        "required" if usage.in_responses() => &RESPONSE_FIELD_BECAME_OPTIONAL,
        "required" => &REQUEST_FIELD_BECAME_OPTIONAL,
        "nullable" if set(after) && usage.in_responses() => &RESPONSE_FIELD_BECAME_NULLABLE,
        "nullable" if set(after) => &REQUEST_FIELD_BECAME_NULLABLE,
        "nullable" if usage.in_requests() => &REQUEST_FIELD_BECAME_NON_NULLABLE,
        "nullable" => &RESPONSE_FIELD_BECAME_NON_NULLABLE,
        "min" | "min_len" | "min_items" | "max" | "max_len" | "max_items" => {
            if usage.in_requests() && tightens(key, before, after) {
                &REQUEST_BOUND_TIGHTENED
            } else {
                &BOUND_CHANGED
            }
        }
        "default" if usage.in_requests() => &REQUEST_DEFAULT_CHANGED,
        "default" => &RESPONSE_DEFAULT_CHANGED,
        "deprecated" => deprecation(before),
        "client_side_only" | "from_connection" => &FIELD_CALLERS_CHANGED,
        _ => &ATTRIBUTE_CHANGED,
    }
}

/// The Rust rule of an attribute change of a field, given its Rust type before and after.
pub fn field_attribute_rust(
    key: &str,
    before: Option<&str>,
    rust_type_changed: bool,
) -> &'static RustRule {
    match key {
        "deprecated" => rust_deprecation(before),
        "type" | "required" | "nullable" if rust_type_changed => &RUST_TYPE_CHANGED,
        "type" | "required" | "nullable" => &RUST_DOCS_ONLY,
        "min" | "min_len" | "min_items" | "max" | "max_len" | "max_items" | "default"
        | "client_side_only" => &RUST_DOCS_ONLY,
        // The parameter leaves the query struct (or joins it): the runtime fills it in.
        "from_connection" => &RUST_SIGNATURE_CHANGED,
        _ if rust_type_changed => &RUST_TYPE_CHANGED,
        _ => &RUST_UNCLASSIFIED,
    }
}

/// The wire rule of an attribute change of a schema (object, enum or alias).
pub fn schema_attribute(key: &str, before: Option<&str>, after: Option<&str>) -> &'static WireRule {
    match key {
        "kind" => &SCHEMA_KIND_CHANGED,
        "type" => &ALIAS_TYPE_CHANGED,
        "custom_data" if after == Some("true") => &CUSTOM_DATA_ALLOWED,
        "custom_data" => &CUSTOM_DATA_DROPPED,
        "deprecated" => deprecation(before),
        _ => &ATTRIBUTE_CHANGED,
    }
}

/// The Rust rule of an attribute change of a schema.
pub fn schema_attribute_rust(
    key: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> &'static RustRule {
    match key {
        "kind" => &RUST_TYPE_KIND_CHANGED,
        "type" => &RUST_TYPE_CHANGED,
        "custom_data" if after == Some("true") => &RUST_FIELD_ADDED,
        "custom_data" => &RUST_FIELD_REMOVED,
        "deprecated" => rust_deprecation(before),
        _ => &RUST_UNCLASSIFIED,
    }
}

/// The wire rule of an attribute change of an event type.
pub fn event_attribute(key: &str, after: Option<&str>) -> &'static WireRule {
    match key {
        "payload" => &EVENT_PAYLOAD_CHANGED,
        "client_side" if after == Some("true") => &EVENT_NOW_CLIENT_SIDE,
        "client_side" => &EVENT_NO_LONGER_CLIENT_SIDE,
        _ => &ATTRIBUTE_CHANGED,
    }
}

/// The Rust rule of an attribute change of an event type.
pub fn event_attribute_rust(key: &str) -> &'static RustRule {
    match key {
        "payload" => &RUST_TYPE_CHANGED,
        "client_side" => &RUST_DOCS_ONLY,
        _ => &RUST_UNCLASSIFIED,
    }
}

/// The wire rule of an attribute change of a permission.
pub fn permission_attribute(key: &str) -> &'static WireRule {
    match key {
        "resource" => &PERMISSION_RESOURCE_CHANGED,
        _ => &ATTRIBUTE_CHANGED,
    }
}

/// The Rust rule of an attribute change of a permission.
pub fn permission_attribute_rust(key: &str) -> &'static RustRule {
    match key {
        "resource" => &RUST_DOCS_ONLY,
        _ => &RUST_UNCLASSIFIED,
    }
}

/// The wire rule of a field or query parameter that was added.
pub fn field_added(required: bool, usage: Usage) -> &'static WireRule {
    match (required, usage.in_requests()) {
        (false, _) => &OPTIONAL_FIELD_ADDED,
        (true, true) => &REQUIRED_REQUEST_FIELD_ADDED,
        (true, false) => &REQUIRED_RESPONSE_FIELD_ADDED,
    }
}

/// The wire rule of a field or query parameter that was removed.
pub fn field_removed(usage: Usage) -> &'static WireRule {
    if usage.in_responses() {
        &RESPONSE_FIELD_REMOVED
    } else {
        &REQUEST_FIELD_REMOVED
    }
}

/// The wire rule of an enum value that was removed.
pub fn enum_value_removed(usage: Usage) -> &'static WireRule {
    if usage.in_requests() {
        &ENUM_VALUE_REMOVED_FROM_REQUEST
    } else {
        &ENUM_VALUE_REMOVED_FROM_RESPONSE
    }
}

fn deprecation(before: Option<&str>) -> &'static WireRule {
    if before.is_none() {
        &DEPRECATED
    } else {
        &DEPRECATION_CHANGED
    }
}

fn rust_deprecation(before: Option<&str>) -> &'static RustRule {
    if before.is_none() {
        &RUST_DEPRECATED
    } else {
        &RUST_DOCS_ONLY
    }
}

/// True when every value of type `before` is a value of type `after`, and they differ
/// (`int32` to `int64`, `float` to `double`, also inside lists and maps).
fn widens(before: Option<&str>, after: Option<&str>) -> bool {
    use crate::types::TypeExpr;
    fn wider(a: &TypeExpr, b: &TypeExpr) -> bool {
        match (a, b) {
            (TypeExpr::Int32, TypeExpr::Int64) | (TypeExpr::Float, TypeExpr::Double) => true,
            (TypeExpr::List(a), TypeExpr::List(b)) | (TypeExpr::Map(a), TypeExpr::Map(b)) => {
                a == b || wider(a, b)
            }
            _ => a == b,
        }
    }
    let parse = |text: Option<&str>| text.and_then(|t| TypeExpr::parse(t).ok());
    match (parse(before), parse(after)) {
        (Some(a), Some(b)) => a != b && wider(&a, &b),
        _ => false,
    }
}

/// True when a bound got stricter: a minimum rose or appeared, a maximum fell or appeared.
fn tightens(key: &str, before: Option<&str>, after: Option<&str>) -> bool {
    let number = |text: Option<&str>| text.and_then(|t| t.parse::<f64>().ok());
    match (number(before), number(after)) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(old), Some(new)) if key.starts_with("min") => new > old,
        (Some(old), Some(new)) => new < old,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rule_ids_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        let ids = WIRE_RULES
            .iter()
            .map(|r| r.id)
            .chain(RUST_RULES.iter().map(|r| r.id));
        for id in ids {
            assert!(seen.insert(id), "duplicate rule {id}");
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id} is not kebab-case"
            );
        }
    }

    #[test]
    fn direction_decides_field_rules() {
        let rule = |key, before, after, usage| field_attribute(key, before, after, usage).id;
        assert_eq!(
            rule("required", Some("false"), Some("true"), Usage::Request),
            "request-field-became-required"
        );
        assert_eq!(
            rule("required", Some("false"), Some("true"), Usage::Response),
            "response-field-became-required"
        );
        assert_eq!(
            rule("required", Some("true"), Some("false"), Usage::Both),
            "response-field-became-optional"
        );
        assert_eq!(
            rule("nullable", Some("false"), Some("true"), Usage::Unused),
            "response-field-became-nullable"
        );
        assert_eq!(
            rule("type", Some("int32"), Some("int64"), Usage::Request),
            "request-field-type-widened"
        );
        assert_eq!(
            rule(
                "type",
                Some("list<float>"),
                Some("list<double>"),
                Usage::Request
            ),
            "request-field-type-widened"
        );
        assert_eq!(
            rule("type", Some("int32"), Some("int64"), Usage::Both),
            "field-type-changed"
        );
        assert_eq!(
            rule("type", Some("int64"), Some("int32"), Usage::Request),
            "field-type-changed"
        );
        assert_eq!(
            rule("max_len", Some("64"), Some("32"), Usage::Request),
            "request-bound-tightened"
        );
        assert_eq!(
            rule("max_len", Some("64"), Some("128"), Usage::Request),
            "bound-changed"
        );
        assert_eq!(
            rule("min", None, Some("1"), Usage::Both),
            "request-bound-tightened"
        );
        assert_eq!(
            rule("min", Some("1"), None, Usage::Request),
            "bound-changed"
        );
        assert_eq!(
            rule("max", None, Some("5"), Usage::Response),
            "bound-changed"
        );
        assert_eq!(
            rule("frobnicate", None, Some("5"), Usage::Response),
            "attribute-changed"
        );
    }

    #[test]
    fn usage_union_ignores_unused() {
        assert_eq!(Usage::Unused.union(Usage::Request), Usage::Request);
        assert_eq!(Usage::Response.union(Usage::Request), Usage::Both);
        assert_eq!(Usage::Unused.union(Usage::Unused), Usage::Unused);
    }
}
