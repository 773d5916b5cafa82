//! Property tests of the generator on adversarial specs: whatever names, recursion shapes,
//! docs and areas a spec has, the generator either refuses it with diagnostics that name a
//! file and a place, or generates code that compiles without clippy warnings.
//!
//! The specs come from a grammar built on what the generated code and the runtime hold
//! (`reserved.rs`'s table and more): Rust keywords, names that are no identifiers (`x²`, `٣`,
//! `2fa`, `a-b`), the prelude's types and traits, the runtime's types and `Client` methods, the
//! serde template's names (`map`, `key`, `A`, `D`, `ObjectVisitor`), names that collide after
//! case conversion (`userId`, `user_id`), cargo features and keywords as area names, event
//! types `unknown` and `*`, recursion through fields, lists, maps and aliases, paginated
//! endpoints with path parameters named like the stream's locals, and docs that rustdoc would
//! read as code, links or HTML.
//!
//! - `every_spec_is_refused_with_places_or_generated` runs the generator on 256 specs
//!   (proptest: a failure is shrunk, and its seed saved in
//!   `tests/tests/suite/proptest-regressions/codegen/adversarial.txt` so the next run replays
//!   it first).
//! - `accepted_specs_compile` compiles the accepted specs of a fixed sample: compiling is
//!   slow, so the accepted specs are merged into as few crates as can be (specs whose names
//!   do not clash share a crate), and one `cargo clippy` checks them all (`generated_check`).
//!   `ADVERSARIAL_SPECS=N` (accepted specs to compile, default 24) and `ADVERSARIAL_SEED=S`
//!   choose another sample; a
//!   failure prints the specs of the crate that failed.

use std::time::Instant;

use proptest::prelude::*;
use proptest::strategy::ValueTree as _;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use stream_chat_tests::generated_check::CheckWorkspace;

// ---------------------------------------------------------------------------------------------
// Name pools.

/// Type names: the prelude, the runtime's and the generated code's own, keywords, names that are
/// no identifiers, case collisions, and plain ones.
#[rustfmt::skip]
const TYPE_NAMES: &[&str] = &[
    "Option", "Some", "None", "Result", "Ok", "Err", "Box", "Vec", "String", "Into", "From",
    "Default", "Clone", "Copy", "Debug", "Hash", "PartialEq", "Eq", "Ord", "Send", "Sync",
    "Sized", "Iterator", "ToString", "ToOwned", "AsRef", "TryFrom", "Extend", "Drop", "Fn",
    "Client", "ClientBuilder", "Error", "Event", "EventTypeInfo", "Filter", "Permission",
    "ResponseFuture", "ApiResponse", "Pages", "Items", "OffsetPaging", "FilePart", "RateLimit",
    "RetryPolicy", "OperationInfo", "Method", "Secret", "UserToken", "Auth", "ApiError",
    "ObjectVisitor", "Key", "IgnoredAny", "Formatter", "Tagged", "A", "D", "S", "T", "E", "V",
    "Self", "self", "type", "Type", "crate", "Super", "Mod", "x²", "٣", "Ünïcode", "a-b", "2fa",
    "_", "User_Id", "UserId", "userId", "USERID", "Thing", "Widget", "Note", "Query", "Payload",
];

/// Field, parameter and filter names.
#[rustfmt::skip]
const FIELD_NAMES: &[&str] = &[
    "map", "key", "value", "custom", "new", "with_new", "with_with_new", "default", "clone",
    "into", "serializer", "deserializer", "formatter", "nesting", "field", "request", "query",
    "body", "paging", "page", "next", "offset", "limit", "items", "self", "Self", "type", "crate",
    "super", "fn", "r#type", "x²", "٣", "userId", "user_id", "UserID", "", "$or", "a.b", "2fa",
    "__map", "_", "id", "name", "text", "created_at", "std", "serde", "wire", "custom_data",
];

/// Endpoint names: the runtime's `Client` methods, names of its sending functions (`Send`,
/// `Prepare`, `Attempt`: free functions, so these are accepted), trait methods, `operations`
/// items, and more.
#[rustfmt::skip]
const ENDPOINT_NAMES: &[&str] = &[
    "Timeout", "ApiKey", "Builder", "BaseUrl", "Auth", "RetryPolicy", "Execute", "Send",
    "Prepare", "Attempt", "Realtime", "UploadTimeout", "ConnectTimeout", "Clone", "Into", "Fmt",
    "All", "ApiVersion", "Find", "Self", "type", "x²", "get_thing", "GetThing", "QueryThings",
    "QueryThingsPages", "Ping", "ListNotes", "ListNotesPages",
];

/// Event types: valid, colliding, reserved and invalid ones.
#[rustfmt::skip]
const EVENT_TYPES: &[&str] = &[
    "unknown", "custom", "*", "thing.made", "thing_made", "thing.made.x", "x²", "Thing.Made", "",
    "self", "type", "a.b", "note.read", "note.deleted", "user.watching.start", "2fa.done",
];

/// Area (file) names: cargo features, the core area, keywords, module names, no identifiers.
#[rustfmt::skip]
const AREA_NAMES: &[&str] = &[
    "ws", "full", "default", "common", "mod", "self", "type", "api", "wire", "models", "events",
    "operations", "std", "serde", "a-b", "a_b", "x²", "2fa", "things", "notes",
];

/// Enum values.
#[rustfmt::skip]
const ENUM_VALUES: &[&str] = &[
    "unknown", "Unknown", "x²", "٣", "self", "Self", "", "a-b", "a_b", "`", "[x]", "<b>", "fast",
    "slow", "AI", "ai",
];

/// Docs that rustdoc would read as code, links or HTML, and plain ones.
const DOCS: &[&str] = &[
    "A plain doc.",
    "Code:\n\n```\nlet x = 1;\n```",
    "```rust,no_run\npanic!()\n```",
    "An open fence:\n\n```",
    "Indented:\n\n    fn f() {}",
    "See [NoSuchThing] and [`Nope`].",
    "A [path](crate::Nope) and a [url](https://example.com).",
    "HTML <tag> and <!-- comment and </b>.",
    "A bare URL: https://example.com/x.",
    "Backticks ` and `` and a `span`.",
    "A footnote[^1].\n\n[^1]: Here [Nope].",
    "<div>\n[Inside]\n</div>",
    "> quote <q>\n> more",
    "# Heading\n\n- list [x]\n  - nested <y>",
    "Tab\tand \\[escaped\\] and a backslash \\.",
];

fn pick(pool: &'static [&'static str]) -> BoxedStrategy<String> {
    proptest::sample::select(pool)
        .prop_map(str::to_owned)
        .boxed()
}

/// A name from `pool` (one time in four), or a plain one made unique by a number: a spec has
/// dozens of names, and each hostile one may be refused, so most are plain, and plain names let
/// specs merge into one crate.
fn name(pool: &'static [&'static str], plain: &'static str) -> BoxedStrategy<String> {
    prop_oneof![
        1 => pick(pool),
        3 => (0..100_000u32).prop_map(move |n| format!("{plain}{n}")),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// The spec grammar: a model rendered to YAML.

/// A type: a spec primitive, a list or map of one, or a reference to the spec's n-th schema.
#[derive(Debug, Clone)]
enum Ty {
    Prim(&'static str),
    Schema(usize),
    List(Box<Ty>),
    Map(Box<Ty>),
}

#[derive(Debug, Clone)]
struct FieldModel {
    name: String,
    ty: Ty,
    required: bool,
    nullable: bool,
    doc: Option<String>,
    values: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
enum SchemaBody {
    Object {
        fields: Vec<FieldModel>,
        custom_data: bool,
    },
    Enum(Vec<String>),
    Alias(Ty),
}

#[derive(Debug, Clone)]
struct SchemaModel {
    name: String,
    doc: String,
    body: SchemaBody,
}

#[derive(Debug, Clone)]
struct EndpointModel {
    name: String,
    summary: String,
    doc: Option<String>,
    path_params: Vec<String>,
    query: Vec<FieldModel>,
    body: Option<usize>,
    response: usize,
    /// An offset or cursor stream; the request and response schemas get the paging fields.
    pagination: Option<bool>,
}

#[derive(Debug, Clone)]
struct EventModel {
    event_type: String,
    payload: Option<usize>,
    doc: String,
}

#[derive(Debug, Clone)]
struct AreaModel {
    file: String,
    schemas: Vec<SchemaModel>,
    endpoints: Vec<EndpointModel>,
    events: Vec<EventModel>,
}

fn ty(depth: u32) -> BoxedStrategy<Ty> {
    let leaf = prop_oneof![
        3 => proptest::sample::select(&["string", "int32", "int64", "bool", "double", "json", "datetime"][..])
            .prop_map(Ty::Prim),
        4 => (0..64usize).prop_map(Ty::Schema),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        4 => leaf,
        1 => ty(depth - 1).prop_map(|t| Ty::List(Box::new(t))),
        1 => ty(depth - 1).prop_map(|t| Ty::Map(Box::new(t))),
    ]
    .boxed()
}

fn doc() -> BoxedStrategy<String> {
    prop_oneof![3 => Just("A doc.".to_owned()), 1 => pick(DOCS)].boxed()
}

fn field() -> BoxedStrategy<FieldModel> {
    (
        name(FIELD_NAMES, "field"),
        ty(1),
        proptest::bool::weighted(0.3),
        proptest::bool::weighted(0.15),
        proptest::option::weighted(0.3, doc()),
        proptest::option::weighted(0.1, proptest::collection::vec(name(ENUM_VALUES, "v"), 1..4)),
    )
        .prop_map(|(name, ty, required, nullable, doc, values)| FieldModel {
            name,
            ty: if values.is_some() {
                Ty::Prim("string")
            } else {
                ty
            },
            required,
            nullable,
            doc,
            values,
        })
        .boxed()
}

fn schema() -> BoxedStrategy<SchemaModel> {
    let body = prop_oneof![
        6 => (proptest::collection::vec(field(), 0..7), proptest::bool::weighted(0.2))
            .prop_map(|(fields, custom_data)| SchemaBody::Object { fields, custom_data }),
        1 => proptest::collection::vec(name(ENUM_VALUES, "value"), 1..5).prop_map(SchemaBody::Enum),
        1 => ty(2).prop_map(SchemaBody::Alias),
    ];
    (name(TYPE_NAMES, "Thing"), doc(), body)
        .prop_map(|(name, doc, body)| SchemaModel { name, doc, body })
        .boxed()
}

fn endpoint() -> BoxedStrategy<EndpointModel> {
    (
        name(ENDPOINT_NAMES, "GetThing"),
        prop_oneof![3 => Just("Do a thing".to_owned()), 1 => pick(DOCS)],
        proptest::option::weighted(0.3, doc()),
        proptest::collection::vec(name(FIELD_NAMES, "id"), 0..3),
        proptest::collection::vec(field(), 0..4),
        proptest::option::weighted(0.5, 0..64usize),
        0..64usize,
        proptest::option::weighted(0.4, any::<bool>()),
    )
        .prop_map(
            |(name, summary, doc, path_params, query, body, response, pagination)| EndpointModel {
                name,
                summary,
                doc,
                path_params,
                query,
                body,
                response,
                pagination,
            },
        )
        .boxed()
}

fn event() -> BoxedStrategy<EventModel> {
    (
        pick(EVENT_TYPES),
        proptest::option::weighted(0.6, 0..64usize),
        doc(),
    )
        .prop_map(|(event_type, payload, doc)| EventModel {
            event_type,
            payload,
            doc,
        })
        .boxed()
}

fn area() -> BoxedStrategy<AreaModel> {
    (
        name(AREA_NAMES, "area"),
        proptest::collection::vec(schema(), 0..4),
        proptest::collection::vec(endpoint(), 0..3),
        proptest::collection::vec(event(), 0..2),
    )
        .prop_map(|(file, schemas, endpoints, events)| AreaModel {
            file,
            schemas,
            endpoints,
            events,
        })
        .boxed()
}

/// A recursion shape, added as schemas of its own to the spec's first area.
#[derive(Debug, Clone, Copy)]
enum Recursion {
    SelfOptional,
    SelfRequired,
    SelfNullable,
    MutualRequired,
    MutualOptional,
    ViaAliasOptional,
    ViaAliasRequired,
    AliasCycle,
    AliasListSelf,
    ListSelf,
}

impl Recursion {
    const ALL: &'static [Recursion] = &[
        Recursion::SelfOptional,
        Recursion::SelfRequired,
        Recursion::SelfNullable,
        Recursion::MutualRequired,
        Recursion::MutualOptional,
        Recursion::ViaAliasOptional,
        Recursion::ViaAliasRequired,
        Recursion::AliasCycle,
        Recursion::AliasListSelf,
        Recursion::ListSelf,
    ];
}

fn recursion() -> impl Strategy<Value = Option<Recursion>> {
    proptest::option::weighted(0.4, proptest::sample::select(Recursion::ALL))
}

/// One adversarial spec.
#[derive(Debug, Clone)]
struct Spec {
    areas: Vec<AreaModel>,
    recursion: Option<(Recursion, u32)>,
    /// The number of the first area's object `Reply<n>`, which bodies, responses and payloads
    /// use when the spec has no other object.
    fallback: u32,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        proptest::collection::vec(area(), 1..3),
        recursion(),
        0..10_000u32,
    )
        .prop_map(|(areas, recursion, n)| Spec {
            areas,
            recursion: recursion.map(|r| (r, n)),
            fallback: n,
        })
}

/// A YAML double-quoted scalar (JSON's string syntax is YAML's).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string")
}

/// `[A-Z][A-Za-z0-9_]*`: the names a type expression can refer to.
fn referable(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Spec {
    fn schema_names(&self) -> Vec<&str> {
        self.areas
            .iter()
            .flat_map(|a| &a.schemas)
            .map(|s| s.name.as_str())
            .collect()
    }

    /// A type expression; a reference to a schema that cannot be named in one becomes `json`.
    fn ty(&self, ty: &Ty) -> String {
        let names = self.schema_names();
        match ty {
            Ty::Prim(prim) => (*prim).to_owned(),
            Ty::Schema(index) if !names.is_empty() => {
                let target = names[index % names.len()];
                if referable(target) {
                    target.to_owned()
                } else {
                    "json".to_owned()
                }
            }
            Ty::Schema(_) => "string".to_owned(),
            Ty::List(inner) => format!("list<{}>", self.ty(inner)),
            Ty::Map(inner) => format!("map<{}>", self.ty(inner)),
        }
    }

    /// The n-th object schema, for a body, a response or a payload; the first area's fallback
    /// object when there is none.
    fn object_ref(&self, index: usize) -> String {
        let objects: Vec<&str> = self
            .areas
            .iter()
            .flat_map(|a| &a.schemas)
            .filter(|s| matches!(s.body, SchemaBody::Object { .. }))
            .map(|s| s.name.as_str())
            .collect();
        if objects.is_empty() {
            format!("Reply{}", self.fallback)
        } else {
            objects[index % objects.len()].to_owned()
        }
    }

    fn field(&self, out: &mut String, indent: &str, field: &FieldModel) {
        out.push_str(&format!(
            "{indent}{}: {{ type: {}",
            quoted(&field.name),
            quoted(&self.ty(&field.ty))
        ));
        if field.required {
            out.push_str(", required: true");
        }
        if field.nullable {
            out.push_str(", nullable: true");
        }
        if let Some(values) = &field.values {
            let values: Vec<String> = values.iter().map(|v| quoted(v)).collect();
            out.push_str(&format!(", enum: [{}]", values.join(", ")));
        }
        if let Some(doc) = &field.doc {
            out.push_str(&format!(", doc: {}", quoted(doc)));
        }
        out.push_str(" }\n");
    }

    /// The spec files, as `load_api_texts` takes them.
    fn files(&self) -> Vec<(String, String)> {
        let mut files = Vec::new();
        for (index, area) in self.areas.iter().enumerate() {
            let mut out = format!("doc: {}\n", quoted("An adversarial area."));
            let mut schemas = String::new();
            for schema in &area.schemas {
                self.schema(&mut schemas, schema);
            }
            if index == 0 {
                if let Some((shape, n)) = self.recursion {
                    schemas.push_str(&recursion_yaml(shape, n));
                }
                schemas.push_str(&format!(
                    "  Reply{}:\n    doc: An answer.\n    fields: {{ duration: string }}\n",
                    self.fallback
                ));
            }
            let mut endpoints = String::new();
            for endpoint in &area.endpoints {
                self.endpoint(&mut endpoints, &mut schemas, endpoint);
            }
            let mut events = String::new();
            for event in &area.events {
                events.push_str(&format!("  {}:\n", quoted(&event.event_type)));
                if let Some(payload) = event.payload {
                    events.push_str(&format!(
                        "    payload: {}\n",
                        quoted(&self.object_ref(payload))
                    ));
                }
                events.push_str(&format!("    doc: {}\n", quoted(&event.doc)));
            }
            for (key, text) in [
                ("events", events),
                ("endpoints", endpoints),
                ("schemas", schemas),
            ] {
                if !text.is_empty() {
                    out.push_str(&format!("\n{key}:\n{text}"));
                }
            }
            files.push((format!("spec/{}.yaml", area.file), out));
        }
        files
    }

    fn schema(&self, out: &mut String, schema: &SchemaModel) {
        out.push_str(&format!(
            "  {}:\n    doc: {}\n",
            quoted(&schema.name),
            quoted(&schema.doc)
        ));
        match &schema.body {
            SchemaBody::Object {
                fields,
                custom_data,
            } => {
                if *custom_data {
                    out.push_str("    custom_data: true\n");
                }
                if fields.is_empty() {
                    out.push_str("    fields: {}\n");
                } else {
                    out.push_str("    fields:\n");
                    for field in fields {
                        self.field(out, "      ", field);
                    }
                }
            }
            SchemaBody::Enum(values) => {
                let values: Vec<String> = values.iter().map(|v| quoted(v)).collect();
                out.push_str(&format!("    enum: [{}]\n", values.join(", ")));
            }
            SchemaBody::Alias(ty) => {
                out.push_str(&format!("    type: {}\n", quoted(&self.ty(ty))));
            }
        }
    }

    /// An endpoint; a paginated one brings its own request and response schemas (written to
    /// `schemas`), with the paging fields and the endpoint's other fields.
    fn endpoint(&self, out: &mut String, schemas: &mut String, endpoint: &EndpointModel) {
        let mut path = String::from("/things");
        for param in &endpoint.path_params {
            path.push_str(&format!("/{{{param}}}"));
        }
        out.push_str(&format!(
            "  {}:\n    summary: {}\n",
            quoted(&endpoint.name),
            quoted(&endpoint.summary)
        ));
        if let Some(doc) = &endpoint.doc {
            out.push_str(&format!("    doc: {}\n", quoted(doc)));
        }
        let method = if endpoint.body.is_some() || endpoint.pagination.is_some() {
            "POST"
        } else {
            "GET"
        };
        out.push_str(&format!(
            "    method: {method}\n    path: {}\n",
            quoted(&path)
        ));
        if !endpoint.path_params.is_empty() {
            out.push_str("    path_params:\n");
            for param in &endpoint.path_params {
                out.push_str(&format!("      {}: {{ type: string }}\n", quoted(param)));
            }
        }
        if !endpoint.query.is_empty() {
            out.push_str("    query:\n");
            for field in &endpoint.query {
                let field = FieldModel {
                    ty: Ty::Prim("string"),
                    ..field.clone()
                };
                self.field(out, "      ", &field);
            }
        }
        match endpoint.pagination {
            Some(cursor) => {
                let base = format!(
                    "{}Paged",
                    endpoint
                        .name
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "")
                );
                let (style, paging) = if cursor {
                    ("cursor", "next: string")
                } else {
                    ("offset", "offset: int32")
                };
                schemas.push_str(&format!(
                    "  {base}Request:\n    doc: A paged request.\n    fields: {{ limit: int32, {paging} }}\n  \
                     {base}Response:\n    doc: A page.\n    fields: {{ items: {{ type: list<string>, required: true }}, next: string }}\n"
                ));
                out.push_str(&format!(
                    "    body: {base}Request\n    response: {base}Response\n    pagination: {{ style: {style}, in: body, items: items }}\n"
                ));
            }
            None => {
                if let Some(body) = endpoint.body {
                    out.push_str(&format!("    body: {}\n", quoted(&self.object_ref(body))));
                }
                out.push_str(&format!(
                    "    response: {}\n",
                    quoted(&self.object_ref(endpoint.response))
                ));
            }
        }
    }
}

/// The schemas of a recursion shape, named with `n` so that specs merge.
fn recursion_yaml(shape: Recursion, n: u32) -> String {
    let object = |name: &str, fields: &str| {
        format!("  {name}{n}:\n    doc: A recursive shape.\n    fields: {{ {fields} }}\n")
    };
    let alias =
        |name: &str, ty: &str| format!("  {name}{n}:\n    doc: An alias.\n    type: {ty}\n");
    match shape {
        Recursion::SelfOptional => object("Node", &format!("next: Node{n}")),
        Recursion::SelfRequired => object(
            "Node",
            &format!("next: {{ type: Node{n}, required: true }}"),
        ),
        Recursion::SelfNullable => object(
            "Node",
            &format!("next: {{ type: Node{n}, required: true, nullable: true }}"),
        ),
        Recursion::MutualRequired => {
            object(
                "Left",
                &format!("right: {{ type: Right{n}, required: true }}"),
            ) + &object(
                "Right",
                &format!("left: {{ type: Left{n}, required: true }}"),
            )
        }
        Recursion::MutualOptional => {
            object(
                "Left",
                &format!("right: {{ type: Right{n}, required: true }}"),
            ) + &object("Right", &format!("left: Left{n}"))
        }
        Recursion::ViaAliasOptional => {
            object("Node", &format!("via: Via{n}")) + &alias("Via", &format!("Node{n}"))
        }
        Recursion::ViaAliasRequired => {
            object("Node", &format!("via: {{ type: Via{n}, required: true }}"))
                + &alias("Via", &format!("Node{n}"))
        }
        Recursion::AliasCycle => {
            alias("Ping", &format!("list<Pong{n}>")) + &alias("Pong", &format!("Ping{n}"))
        }
        Recursion::AliasListSelf => alias("Tree", &format!("map<Tree{n}>")),
        Recursion::ListSelf => object(
            "Tree",
            &format!("kids: {{ type: list<Tree{n}>, required: true }}, by_name: map<Tree{n}>"),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The properties.

/// What the generator made of a spec.
enum Outcome {
    Refused,
    Generated(
        Box<stream_chat_codegen::model::Api>,
        Vec<stream_chat_codegen::GeneratedFile>,
    ),
}

/// Runs the generator; panics (failing the property) when it panics or when a refusal does
/// not say where.
fn generate(files: &[(String, String)]) -> Outcome {
    let names: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
    let api = match stream_chat_codegen::load_api_texts(files.to_vec()) {
        Ok(api) => api,
        Err(problems) => {
            assert!(!problems.is_empty(), "refused without a diagnostic");
            for problem in &problems.0 {
                assert!(
                    names.contains(&problem.file.as_str()),
                    "{problem}: not a spec file"
                );
                assert!(!problem.message.is_empty(), "{problem}: no message");
                // A place: line and column, or the whole file (an area's name).
                assert!(
                    problem.position.is_some() || problem.key_path.is_empty(),
                    "{problem}: no line and column"
                );
            }
            return Outcome::Refused;
        }
    };
    let generated = stream_chat_codegen::generate_api(&api)
        .unwrap_or_else(|problems| panic!("accepted, but the output does not format:\n{problems}"));
    Outcome::Generated(Box::new(api), generated)
}

proptest! {
    // 256 in CI; `PROPTEST_CASES=N` runs more. A failure's seed goes where proptest puts it
    // by default, beside the binary's `main.rs`.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_spec_is_refused_with_places_or_generated(spec in spec()) {
        generate(&spec.files());
    }
}

/// The code the runtime needs from every crate (an endpoint, so its request path is used),
/// with names no spec of the grammar takes.
const PRELUDE: (&str, &str) = (
    "spec/zz_prelude.yaml",
    "doc: The runtime's needs.\nendpoints:\n  ZzPing:\n    summary: Ping\n    method: GET\n    path: /ping\n    response: ZzPong\nschemas:\n  ZzPong:\n    doc: A pong.\n    fields: { duration: string }\n",
);

/// Accepted specs merged into crates: each crate's specs, and their files together.
struct Batch {
    specs: Vec<Vec<(String, String)>>,
    files: Vec<(String, String)>,
}

#[test]
fn accepted_specs_compile() {
    // How many accepted specs to compile; the refused ones met on the way are checked too.
    let count: usize = std::env::var("ADVERSARIAL_SPECS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24);
    let seed: u64 = std::env::var("ADVERSARIAL_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(19);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let started = Instant::now();
    let strategy = spec();
    let mut batches: Vec<Batch> = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    while accepted < count {
        assert!(
            refused < 100 * count,
            "the grammar hardly makes an accepted spec"
        );
        let files = strategy
            .new_tree(&mut runner)
            .expect("a spec is generated")
            .current()
            .files();
        match generate(&files) {
            Outcome::Refused => {
                refused += 1;
                continue;
            }
            Outcome::Generated(..) => accepted += 1,
        }
        // Into the first crate whose specs it does not clash with.
        let fits = |batch: &Batch| {
            let mut merged = batch.files.clone();
            merged.extend(files.iter().cloned());
            let clash = files
                .iter()
                .any(|(path, _)| batch.files.iter().any(|(p, _)| p == path));
            !clash && stream_chat_codegen::load_api_texts(merged).is_ok()
        };
        match batches.iter_mut().find(|batch| fits(batch)) {
            Some(batch) => {
                batch.files.extend(files.iter().cloned());
                batch.specs.push(files);
            }
            None => {
                let mut with_prelude = files.clone();
                with_prelude.push((PRELUDE.0.to_owned(), PRELUDE.1.to_owned()));
                let merged = stream_chat_codegen::load_api_texts(with_prelude.clone());
                assert!(
                    merged.is_ok(),
                    "an accepted spec is refused beside the prelude:\n{}",
                    show(&[files])
                );
                batches.push(Batch {
                    specs: vec![files],
                    files: with_prelude,
                });
            }
        }
    }
    let generated_in = started.elapsed();
    let mut workspace = CheckWorkspace::new("adversarial");
    for (index, batch) in batches.iter().enumerate() {
        let Outcome::Generated(api, files) = generate(&batch.files) else {
            panic!("a merged batch is refused:\n{}", show(&batch.specs));
        };
        workspace.add(&format!("adversarial-{index}"), &api, &files);
    }
    let compile_started = Instant::now();
    let result = workspace.clippy();
    println!(
        "{} adversarial specs (seed {seed}): {refused} refused, {accepted} accepted in {} crates; \
         generated in {:.1} s, compiled in {:.1} s",
        refused + accepted,
        batches.len(),
        generated_in.as_secs_f64(),
        compile_started.elapsed().as_secs_f64()
    );
    if let Err((failed, output)) = result {
        let specs: Vec<String> = failed
            .iter()
            .filter_map(|name| name.strip_prefix("adversarial-")?.parse::<usize>().ok())
            .map(|index| show(&batches[index].specs))
            .collect();
        panic!(
            "accepted specs whose code does not compile cleanly (seed {seed}):\n{}\n{output}",
            specs.join("\n")
        );
    }
}

/// Spec files for a failure message.
fn show(specs: &[Vec<(String, String)>]) -> String {
    let mut out = String::new();
    for (index, files) in specs.iter().enumerate() {
        out.push_str(&format!("--- spec {index}\n"));
        for (path, text) in files {
            out.push_str(&format!("==> {path} <==\n{text}\n"));
        }
    }
    out
}
