//! Property tests (proptest): outside input never panics the client or the generator.
//!
//! - **Response decoders.** Every operation's response type (the list and the decoders come
//!   from the spec's model through `build.rs`, `$OUT_DIR/decoders.rs`) gets arbitrary bytes,
//!   JSON-like token soup, arbitrary JSON values, and mutations of the operation's maximal valid
//!   sample (`stream_chat_codegen::sample`): deleted members, values of the wrong type, unknown
//!   enum strings, huge and out-of-range numbers, deep nesting. Each decode returns `Ok` or a
//!   decode error; bytes that are not JSON are always an error.
//! - **The real client.** Representative operations (a GET, a JSON POST, a DELETE with a query,
//!   a multipart upload) against [`RecordingServer`] answering with an arbitrary status
//!   (100..=599), content type, body and a lying `Content-Encoding`: each call ends with `Ok` (2xx
//!   only) or the typed [`Error`] the status calls for, never a panic.
//! - **The spec loader and generator.** Arbitrary text, arbitrary YAML documents with the spec
//!   language's keys, arbitrary type expressions, and line-level mutations of the real
//!   `spec/*.yaml` files go through `load_api_texts` (and, fewer cases, `generate_texts`):
//!   `Ok` or diagnostics, never a panic.
//!
//! A panic anywhere fails the property; proptest then shrinks the input, prints it and saves
//! its seed in `tests/tests/suite/proptest-regressions/client/fuzz.txt` so the next run
//! replays it first (`PROPTEST_CASES=10000` runs more cases).

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;
use stream_chat_client::models::{
    DeleteChannelQuery, FileUploadRequest, MessageRequest, SendMessageRequest,
};
use stream_chat_client::{Client, Error, FilePart};
use stream_chat_tests::{server_client, Prepared, RecordingServer};

/// The cases of a property: `default`, or `PROPTEST_CASES` when set (`with_cases` alone would
/// ignore it).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

#[allow(deprecated, reason = "deprecated operations have response types too")]
mod decoders {
    use serde::de::DeserializeOwned;
    use stream_chat_client::{Client, ResponseFuture};

    /// An argument of a method that is only named, never called.
    fn never<T>() -> T {
        unreachable!("the decoders name each method for its response type and never call it")
    }

    /// Decodes `bytes` as the response type `T` of `_method` exactly as the client decodes a
    /// 2xx body (`send/raw_response.rs`): a blank body as `{}`, then `decode_json` (the strict
    /// pass, and the tolerant one when a value has the wrong type).
    fn decode_as<T: DeserializeOwned>(
        bytes: &[u8],
        _method: impl FnOnce(&'static Client) -> ResponseFuture<'static, T>,
    ) -> Result<(), String> {
        let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
            &b"{}"[..]
        } else {
            bytes
        };
        stream_chat_client::decode_json::<T>(bytes)
            .map(drop)
            .map_err(|error| error.to_string())
    }

    include!(concat!(env!("OUT_DIR"), "/decoders.rs"));
}

// ---------------------------------------------------------------------------------------------
// Response decoders

/// Every operation's name and maximal response sample, in `ALL_OPERATIONS` order.
fn samples() -> &'static [(&'static str, Value)] {
    static SAMPLES: OnceLock<Vec<(&'static str, Value)>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let api =
            stream_chat_codegen::load_api(&spec).unwrap_or_else(|problems| panic!("{problems}"));
        let sampler = stream_chat_codegen::sample::Sampler::new(&api);
        let endpoints: Vec<_> = api.areas.iter().flat_map(|area| &area.endpoints).collect();
        decoders::ALL_OPERATIONS
            .iter()
            .map(|name| {
                let endpoint = endpoints
                    .iter()
                    .find(|endpoint| endpoint.name == *name)
                    .expect("the model has every operation of the decoders");
                (*name, sampler.response(endpoint))
            })
            .collect()
    })
}

fn decode(operation: &str, bytes: &[u8]) -> Result<(), String> {
    decoders::decode_response(operation, bytes)
        .unwrap_or_else(|| panic!("no decoder for {operation}"))
}

/// The keys of every response sample, at any depth: arbitrary JSON objects use them so that
/// they reach the decoders' fields, not only the unknown-key path.
fn response_keys() -> Vec<String> {
    fn collect(value: &Value, keys: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    keys.insert(key.clone());
                    collect(value, keys);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| collect(item, keys)),
            _ => {}
        }
    }
    let mut keys = std::collections::BTreeSet::new();
    for (_, sample) in samples() {
        collect(sample, &mut keys);
    }
    keys.into_iter().collect()
}

/// Strings that a decoder treats specially: dates, enum-like words, empty, odd Unicode.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("2024-03-05T09:31:00.123Z".to_owned()),
        Just("2024-13-45T99:99:99Z".to_owned()),
        Just("not-a-known-value".to_owned()),
        Just("\u{0}\u{feff}\u{10ffff}é".to_owned()),
        any::<String>(),
    ]
}

/// Arbitrary JSON values; objects mostly use the responses' own keys.
fn json_value() -> impl Strategy<Value = Value> {
    let keys = response_keys();
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        tricky_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 8, move |inner| {
        let key = prop_oneof![
            4 => proptest::sample::select(keys.clone()),
            1 => any::<String>(),
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// JSON-looking bytes: a soup of JSON tokens, mostly malformed, some valid.
fn json_soup() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(":".to_owned()),
        Just(",".to_owned()),
        Just("\"duration\"".to_owned()),
        Just("\"message\"".to_owned()),
        Just("\"id\"".to_owned()),
        Just("\"created_at\"".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("-0".to_owned()),
        Just("1e400".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("\"\\ud800\"".to_owned()),
        Just("\"\\u00".to_owned()),
        Just(" ".to_owned()),
        "[0-9a-z\"\\\\]{1,4}".prop_map(|text| text),
    ];
    proptest::collection::vec(token, 0..48).prop_map(|tokens| tokens.concat().into_bytes())
}

/// A position in a collection of any length, as a fraction of it (`u64::MAX` is the last);
/// shrinks towards the first.
#[derive(Clone, Copy, Debug)]
struct Pick(u64);

impl Pick {
    /// The position in a collection of `len` items (`len > 0`).
    fn index(self, len: usize) -> usize {
        ((u128::from(self.0) * len as u128) >> 64) as usize
    }
}

fn pick() -> impl Strategy<Value = Pick> {
    any::<u64>().prop_map(Pick)
}

/// A change to one node of a sample, picked by a [`Pick`] over all its nodes.
#[derive(Clone, Debug)]
enum Mutation {
    /// Remove the node from its object or array (a missing required field, a shorter list).
    Delete(Pick),
    /// Replace the node with a value of another type.
    SwapType(Pick, Value),
    /// Replace the node with a string no enum knows.
    UnknownString(Pick),
    /// Replace the node with a number outside what the field's type holds; the text is
    /// spliced in after printing, so it can be a number no `Value` holds (`1e400`).
    HugeNumber(Pick, &'static str),
    /// Wrap the node in this many arrays or single-key objects.
    DeepNest(Pick, usize, bool),
    /// Replace the node with a copy of the whole document (recursion through real fields).
    SelfNest(Pick),
}

const HUGE_NUMBERS: &[&str] = &[
    "18446744073709551616",
    "-9223372036854775809",
    "4294967296",
    "-2147483649",
    "1e400",
    "-1e400",
    "1.7976931348623157e308",
    "5e-324",
    "0.5",
    "123456789012345678901234567890",
];

/// A placeholder string that `HugeNumber` replaces with the number's text after printing.
const NUMBER_SLOT: &str = "\u{1}number\u{1}";

fn mutation() -> impl Strategy<Value = Mutation> {
    let other_type = prop_oneof![
        Just(Value::Null),
        Just(Value::Bool(true)),
        Just(Value::from(0)),
        Just(Value::from(-1)),
        Just(Value::from(1.5)),
        Just(Value::String(String::new())),
        Just(Value::String("x".to_owned())),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(serde_json::Map::new())),
    ];
    prop_oneof![
        3 => pick().prop_map(Mutation::Delete),
        3 => (pick(), other_type).prop_map(|(at, value)| Mutation::SwapType(at, value)),
        2 => pick().prop_map(Mutation::UnknownString),
        2 => (pick(), proptest::sample::select(HUGE_NUMBERS))
            .prop_map(|(at, text)| Mutation::HugeNumber(at, text)),
        1 => (pick(), 1..300usize, any::<bool>())
            .prop_map(|(at, depth, array)| Mutation::DeepNest(at, depth, array)),
        1 => pick().prop_map(Mutation::SelfNest),
    ]
}

/// One step of the path to a node.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Item(usize),
}

/// How many nodes the value has, the root not counted.
fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.values().map(|v| 1 + count_nodes(v)).sum(),
        Value::Array(items) => items.iter().map(|v| 1 + count_nodes(v)).sum(),
        _ => 0,
    }
}

/// The path to the `target`th node (depth first, from 0, the root not counted).
fn path_to(value: &Value, target: usize) -> Vec<Step> {
    fn walk(value: &Value, target: usize, seen: &mut usize, at: &mut Vec<Step>) -> bool {
        let children: Box<dyn Iterator<Item = (Step, &Value)>> = match value {
            Value::Object(map) => Box::new(map.iter().map(|(k, v)| (Step::Key(k.clone()), v))),
            Value::Array(items) => {
                Box::new(items.iter().enumerate().map(|(i, v)| (Step::Item(i), v)))
            }
            _ => return false,
        };
        for (step, child) in children {
            at.push(step);
            if *seen == target {
                return true;
            }
            *seen += 1;
            let size = count_nodes(child);
            if target < *seen + size {
                return walk(child, target, seen, at);
            }
            *seen += size;
            at.pop();
        }
        false
    }
    let mut at = Vec::new();
    let found = walk(value, target, &mut 0, &mut at);
    assert!(found, "node {target} exists");
    at
}

fn node_mut<'v>(mut value: &'v mut Value, path: &[Step]) -> &'v mut Value {
    for step in path {
        value = match (step, value) {
            (Step::Key(key), Value::Object(map)) => map.get_mut(key).expect("the path exists"),
            (Step::Item(index), Value::Array(items)) => &mut items[*index],
            _ => unreachable!("paths come from the same value"),
        };
    }
    value
}

/// Applies the mutations in turn and prints the result (with huge numbers spliced in).
fn mutate(sample: &Value, mutations: &[Mutation]) -> Vec<u8> {
    let mut value = sample.clone();
    let mut numbers = Vec::new();
    for mutation in mutations {
        let nodes = count_nodes(&value);
        if nodes == 0 {
            break;
        }
        let at = match mutation {
            Mutation::Delete(at)
            | Mutation::SwapType(at, _)
            | Mutation::UnknownString(at)
            | Mutation::HugeNumber(at, _)
            | Mutation::DeepNest(at, ..)
            | Mutation::SelfNest(at) => at,
        };
        let path = &path_to(&value, at.index(nodes));
        match mutation {
            Mutation::Delete(_) => {
                let (last, parent) = path.split_last().expect("not the root");
                match (last, node_mut(&mut value, parent)) {
                    (Step::Key(key), Value::Object(map)) => {
                        map.remove(key);
                    }
                    (Step::Item(index), Value::Array(items)) => {
                        items.remove(*index);
                    }
                    _ => unreachable!("paths come from the same value"),
                }
            }
            Mutation::SwapType(_, other) => *node_mut(&mut value, path) = other.clone(),
            Mutation::UnknownString(_) => {
                *node_mut(&mut value, path) = Value::String("not-a-known-value".to_owned());
            }
            Mutation::HugeNumber(_, text) => {
                numbers.push(*text);
                *node_mut(&mut value, path) = Value::String(NUMBER_SLOT.to_owned());
            }
            Mutation::DeepNest(_, depth, array) => {
                let node = node_mut(&mut value, path);
                let mut nested = node.take();
                for _ in 0..*depth {
                    nested = if *array {
                        Value::Array(vec![nested])
                    } else {
                        Value::Object(serde_json::Map::from_iter([("id".to_owned(), nested)]))
                    };
                }
                *node = nested;
            }
            Mutation::SelfNest(_) => {
                let copy = value.clone();
                *node_mut(&mut value, path) = copy;
            }
        }
    }
    let mut text = value.to_string();
    let slot = Value::String(NUMBER_SLOT.to_owned()).to_string();
    for number in numbers {
        text = text.replacen(&slot, number, 1);
    }
    text.into_bytes()
}

#[test]
fn every_maximal_sample_decodes() {
    // The premise of the mutation properties: without mutations every decoder accepts its
    // operation's sample, so a mutation's error comes from the mutation.
    assert_eq!(samples().len(), decoders::ALL_OPERATIONS.len());
    for (operation, sample) in samples() {
        if let Err(error) = decode(operation, sample.to_string().as_bytes()) {
            panic!("{operation}: the maximal sample does not decode: {error}");
        }
    }
    assert!(decoders::decode_response("NoSuchOperation", b"{}").is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(
        bytes in prop_oneof![proptest::collection::vec(any::<u8>(), 0..256), json_soup()],
    ) {
        let is_json = bytes.iter().all(u8::is_ascii_whitespace)
            || serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok();
        for operation in decoders::ALL_OPERATIONS {
            let result = decode(operation, &bytes);
            prop_assert!(is_json || result.is_err(), "{operation} accepted bytes that are not JSON");
        }
    }

    #[test]
    fn arbitrary_json_never_panics_a_decoder(value in json_value()) {
        let text = value.to_string();
        for operation in decoders::ALL_OPERATIONS {
            let result = decode(operation, text.as_bytes());
            if matches!(value, Value::Bool(_) | Value::Number(_) | Value::String(_)) {
                prop_assert!(result.is_err(), "{operation} accepted the scalar {text}");
            }
        }
    }

    #[test]
    fn mutated_samples_never_panic_a_decoder(
        operation in pick(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let (operation, sample) = &samples()[operation.index(samples().len())];
        let _ = decode(operation, &mutate(sample, &mutations));
    }
}

#[test]
fn every_decoder_survives_each_kind_of_mutation() {
    // The properties above pick operations at random; this sweep gives every operation each
    // kind of mutation at a few fixed places.
    let places = [
        Pick(0),
        Pick(u64::MAX / 3),
        Pick(u64::MAX / 3 * 2),
        Pick(u64::MAX),
    ];
    for (operation, sample) in samples() {
        for at in places {
            for mutation in [
                Mutation::Delete(at),
                Mutation::SwapType(at, Value::Array(Vec::new())),
                Mutation::UnknownString(at),
                Mutation::HugeNumber(at, "1e400"),
                Mutation::HugeNumber(at, "18446744073709551616"),
                Mutation::DeepNest(at, 200, true),
                Mutation::DeepNest(at, 200, false),
                Mutation::SelfNest(at),
            ] {
                let _ = decode(operation, &mutate(sample, &[mutation]));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The real client

/// A representative operation per request shape.
#[derive(Clone, Copy, Debug)]
enum Call {
    /// `GET /app`: no parameters, a large response.
    GetApp,
    /// `POST /channels/{type}/{id}/message`: a JSON body.
    SendMessage,
    /// `DELETE /channels/{type}/{id}`: a query.
    DeleteChannel,
    /// `POST /uploads/file`: a multipart body.
    UploadFile,
}

impl Call {
    async fn run(self, client: &Client) -> Result<(), Error> {
        match self {
            Call::GetApp => client.get_app().await.map(drop),
            Call::SendMessage => {
                let body = SendMessageRequest::new(MessageRequest {
                    text: Some("hi".to_owned()),
                    ..MessageRequest::default()
                });
                client
                    .send_message("messaging", "general", &body)
                    .await
                    .map(drop)
            }
            Call::DeleteChannel => client
                .delete_channel("messaging", "general", &DeleteChannelQuery::default())
                .await
                .map(drop),
            Call::UploadFile => {
                let file = FilePart::new(b"hello".to_vec(), "a.txt", "text/plain");
                client
                    .upload_file(&FileUploadRequest::new(file))
                    .await
                    .map(drop)
            }
        }
    }
}

/// The client, and the server it talks to, on a runtime of their own that outlives the cases.
fn client_and_server() -> &'static (tokio::runtime::Runtime, RecordingServer, Client) {
    static STATE: OnceLock<(tokio::runtime::Runtime, RecordingServer, Client)> = OnceLock::new();
    STATE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a Tokio runtime");
        let server = runtime.block_on(RecordingServer::start());
        let client = server_client(&server.url());
        (runtime, server, client)
    })
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json".to_owned())),
        Just(Some("application/json; charset=utf-8".to_owned())),
        Just(Some("text/html".to_owned())),
        Just(Some("text/plain; charset=utf-8".to_owned())),
        Just(Some("application/octet-stream".to_owned())),
        "[ -~]{0,40}".prop_map(Some),
    ]
}

/// Bodies: bytes, JSON values, mutated response samples, and API-error-shaped objects.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let api_error = (
        any::<Option<i32>>(),
        any::<Option<String>>(),
        any::<Option<i64>>(),
    )
        .prop_map(|(code, message, status)| {
            let mut error = serde_json::Map::new();
            if let Some(code) = code {
                error.insert("code".to_owned(), code.into());
            }
            if let Some(message) = message {
                error.insert("message".to_owned(), message.into());
            }
            if let Some(status) = status {
                error.insert("StatusCode".to_owned(), status.into());
            }
            Value::Object(error).to_string().into_bytes()
        });
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        json_value().prop_map(|value| value.to_string().into_bytes()),
        (pick(), proptest::collection::vec(mutation(), 0..3)).prop_map(|(at, mutations)| {
            let (_, sample) = &samples()[at.index(samples().len())];
            mutate(sample, &mutations)
        }),
        api_error,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn any_answer_ends_in_ok_or_a_typed_error(
        call in prop_oneof![
            Just(Call::GetApp),
            Just(Call::SendMessage),
            Just(Call::DeleteChannel),
            Just(Call::UploadFile),
        ],
        status in 100u16..=599,
        content_type in content_type(),
        body in body(),
        lying_gzip in proptest::bool::weighted(0.1),
    ) {
        let (runtime, server, client) = client_and_server();
        let mut prepared = Prepared::new(status, body);
        if let Some(content_type) = &content_type {
            prepared = prepared.header("content-type", content_type);
        }
        if lying_gzip {
            // Says gzip, sends the bytes as they are.
            prepared = prepared.header("content-encoding", "gzip");
        }
        server.push(prepared);
        let result = runtime.block_on(call.run(client));
        let requests = server.take_requests();
        prop_assert_eq!(requests.len(), 1, "one request per call");

        // hyper's server cannot send a final 1xx; it sends 500 instead (101 goes out as is).
        let sent = if (100..200).contains(&status) && status != 101 { 500 } else { status };
        match &result {
            Ok(()) => prop_assert!((200..300).contains(&sent), "Ok for HTTP {}", sent),
            Err(Error::Decode { status, .. }) => {
                prop_assert!((200..300).contains(&sent));
                prop_assert_eq!(*status, sent);
            }
            // Stream's API never redirects: a 3xx is never followed, whatever its body.
            Err(Error::Redirect { status, .. }) => {
                prop_assert!((300..400).contains(&sent));
                prop_assert_eq!(*status, Some(sent));
            }
            Err(Error::Api { status, error, .. }) => {
                prop_assert!(!(200..400).contains(&sent));
                prop_assert_eq!(*status, sent);
                prop_assert!(error.code != 0 || !error.message.is_empty());
            }
            Err(Error::Http { status, .. }) => {
                prop_assert!(!(200..400).contains(&sent));
                prop_assert_eq!(*status, sent);
            }
            // A body that says gzip and is not: the response cannot be read.
            Err(Error::Transport { .. }) => prop_assert!(lying_gzip, "transport error: {:?}", result),
            Err(other) => prop_assert!(false, "unexpected error for HTTP {}: {:?}", sent, other),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The spec loader and the generator

fn spec_text(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Areas that need no other area but `common` (and the permission list): each loads with
/// `common.yaml` and `permissions.yaml`, so a
/// mutation of one reaches every stage (a file that references other areas would stop at
/// unknown names).
const STANDALONE_AREAS: &[&str] = &["polls.yaml", "uploads.yaml", "roles.yaml", "segments.yaml"];

/// `common.yaml` and `permissions.yaml` plus this area's text, as `load_api_texts` takes
/// them.
fn with_common(name: &str, text: String) -> Vec<(String, String)> {
    vec![
        ("spec/common.yaml".to_owned(), spec_text("common.yaml")),
        (
            "spec/permissions.yaml".to_owned(),
            spec_text("permissions.yaml"),
        ),
        (format!("spec/{name}"), text),
    ]
}

/// Words of the spec language: keys, type expressions, methods, paths, references.
fn spec_word() -> impl Strategy<Value = String> {
    use stream_chat_codegen::ast::keys;
    let mut words: Vec<&'static str> = Vec::new();
    for list in [
        keys::FILE,
        keys::PERMISSION,
        keys::EVENT,
        keys::ENDPOINT,
        keys::BODY,
        keys::SCHEMA,
        keys::FIELD,
    ] {
        words.extend_from_slice(list);
    }
    words.extend_from_slice(&[
        "string",
        "int32",
        "int64",
        "float64",
        "bool",
        "datetime",
        "json",
        "file",
        "list<string>",
        "map<int32>",
        "list<map<Thing>>",
        "map<",
        "list<>",
        ">",
        "Thing",
        "ThingResponse",
        "Response",
        "APIError",
        "UserResponse",
        "GET",
        "POST",
        "PATCH",
        "/things/{id}",
        "/{id}/{id}",
        "multipart",
        "true",
        "false",
        "0",
        "-1",
        "4294967296",
        "thing.deleted",
        "custom",
        "*",
    ]);
    prop_oneof![
        4 => proptest::sample::select(words).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// Arbitrary YAML documents shaped like spec files: mappings keyed by the language's words.
fn yaml_document() -> impl Strategy<Value = String> {
    use serde_yaml::Value as Yaml;
    let leaf = prop_oneof![
        Just(Yaml::Null),
        any::<bool>().prop_map(Yaml::Bool),
        any::<i64>().prop_map(|n| Yaml::Number(n.into())),
        any::<f64>().prop_map(|n| Yaml::Number(n.into())),
        spec_word().prop_map(Yaml::String),
    ];
    let node = leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Yaml::Sequence),
            proptest::collection::vec((spec_word(), inner), 0..6).prop_map(|members| {
                Yaml::Mapping(
                    members
                        .into_iter()
                        .map(|(k, v)| (Yaml::String(k), v))
                        .collect(),
                )
            }),
        ]
    });
    let file_key = proptest::sample::select(stream_chat_codegen::ast::keys::FILE);
    proptest::collection::vec((file_key, node), 0..5).prop_map(|members| {
        let document: serde_yaml::Mapping = members
            .into_iter()
            .map(|(key, value)| (Yaml::String(key.to_owned()), value))
            .collect();
        serde_yaml::to_string(&document).expect("a YAML value prints")
    })
}

/// YAML-looking text: lines of keys, indentation, flow collections, anchors and aliases.
fn yaml_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        spec_word(),
        Just(": ".to_owned()),
        Just("\n".to_owned()),
        Just("\n  ".to_owned()),
        Just("\n    ".to_owned()),
        Just("- ".to_owned()),
        Just("{ ".to_owned()),
        Just(" }".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(", ".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("<<: *a".to_owned()),
        Just("!!binary ".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("---\n".to_owned()),
        Just("\t".to_owned()),
        Just("#".to_owned()),
    ];
    proptest::collection::vec(piece, 0..64).prop_map(|pieces| pieces.concat())
}

/// Type expressions, well-formed or not, for one field of an otherwise valid spec.
fn type_expression() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("string".to_owned()),
        Just("int32".to_owned()),
        Just("Thing".to_owned()),
        Just("Missing".to_owned()),
        Just(String::new()),
        "[ <>,a-z0-9éß]{0,6}",
    ];
    atom.prop_recursive(6, 24, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| format!("list<{t}>")),
            inner.clone().prop_map(|t| format!("map<{t}>")),
            inner.clone().prop_map(|t| format!("list<{t}")),
            inner.clone().prop_map(|t| format!("{t}>")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("map<{a}, {b}>")),
        ]
    })
}

/// A line-level edit of a spec file.
#[derive(Clone, Debug)]
enum LineEdit {
    Delete(Pick),
    Duplicate(Pick),
    Swap(Pick, Pick),
    Indent(Pick),
    Dedent(Pick),
    /// Replace what follows the line's first `: ` with a word of the language.
    ReplaceValue(Pick, String),
    Insert(Pick, String),
    TruncateAt(Pick),
}

fn line_edit() -> impl Strategy<Value = LineEdit> {
    prop_oneof![
        pick().prop_map(LineEdit::Delete),
        pick().prop_map(LineEdit::Duplicate),
        (pick(), pick()).prop_map(|(a, b)| LineEdit::Swap(a, b)),
        pick().prop_map(LineEdit::Indent),
        pick().prop_map(LineEdit::Dedent),
        (pick(), spec_word()).prop_map(|(at, word)| LineEdit::ReplaceValue(at, word)),
        (pick(), yaml_soup()).prop_map(|(at, text)| LineEdit::Insert(at, text)),
        pick().prop_map(LineEdit::TruncateAt),
    ]
}

fn edit_lines(text: &str, edits: &[LineEdit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for edit in edits {
        if lines.is_empty() {
            break;
        }
        let len = lines.len();
        match edit {
            LineEdit::Delete(at) => {
                lines.remove(at.index(len));
            }
            LineEdit::Duplicate(at) => {
                let line = lines[at.index(len)].clone();
                lines.insert(at.index(len), line);
            }
            LineEdit::Swap(a, b) => lines.swap(a.index(len), b.index(len)),
            LineEdit::Indent(at) => lines[at.index(len)].insert_str(0, "  "),
            LineEdit::Dedent(at) => {
                let line = &mut lines[at.index(len)];
                let cut = line.len() - line.trim_start().len();
                line.drain(..cut.min(2));
            }
            LineEdit::ReplaceValue(at, word) => {
                let line = &mut lines[at.index(len)];
                if let Some(colon) = line.find(": ") {
                    line.truncate(colon + 2);
                    line.push_str(word);
                }
            }
            LineEdit::Insert(at, text) => lines.insert(at.index(len), text.clone()),
            LineEdit::TruncateAt(at) => lines.truncate(at.index(len)),
        }
    }
    lines.join("\n")
}

/// Loads through every stage but emission; a panic fails the property, `Err` is fine.
fn load(inputs: Vec<(String, String)>) {
    let _ = stream_chat_codegen::load_api_texts(inputs);
}

#[test]
fn the_standalone_areas_load_and_generate_unmutated() {
    // The premise of the mutation properties: the unmutated inputs pass every stage.
    for area in STANDALONE_AREAS {
        let inputs = with_common(area, spec_text(area));
        if let Err(problems) = stream_chat_codegen::generate_texts(inputs) {
            panic!("{area} with common.yaml: {problems}");
        }
    }
    let template = type_template("list<map<Thing>>");
    if let Err(problems) = stream_chat_codegen::load_api_texts(template) {
        panic!("the type-expression template: {problems}");
    }
}

/// A small valid spec whose one field has the type `expression`.
fn type_template(expression: &str) -> Vec<(String, String)> {
    let quoted = serde_json::to_string(expression).expect("a string prints as JSON");
    let text = format!(
        "doc: Things.\n\nendpoints:\n  GetThing:\n    summary: Get thing\n    method: GET\n    \
         path: /things/{{id}}\n    path_params:\n      id: string\n    response: Thing\n\n\
         schemas:\n  Thing:\n    doc: A thing.\n    fields:\n      id: {{ type: string, required: true }}\n      \
         other: {{ type: {quoted}, doc: The fuzzed field. }}\n"
    );
    with_common("things.yaml", text)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn arbitrary_text_never_panics_the_loader(
        text in prop_oneof![any::<String>(), yaml_soup()],
    ) {
        load(vec![("spec/fuzz.yaml".to_owned(), text.clone())]);
        load(with_common("fuzz.yaml", text));
    }

    #[test]
    fn arbitrary_yaml_documents_never_panic_the_loader(document in yaml_document()) {
        load(with_common("fuzz.yaml", document));
    }

    #[test]
    fn arbitrary_type_expressions_never_panic_the_loader(expression in type_expression()) {
        load(type_template(&expression));
    }

    #[test]
    fn mutated_spec_files_never_panic_the_loader(
        area in proptest::sample::select(STANDALONE_AREAS),
        edits in proptest::collection::vec(line_edit(), 1..5),
    ) {
        load(with_common(area, edit_lines(&spec_text(area), &edits)));
    }
}

proptest! {
    // Generation formats every file: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    #[test]
    fn mutated_spec_files_never_panic_the_generator(
        area in proptest::sample::select(STANDALONE_AREAS),
        edits in proptest::collection::vec(line_edit(), 1..4),
    ) {
        let _ = stream_chat_codegen::generate_texts(with_common(area, edit_lines(&spec_text(area), &edits)));
    }

    #[test]
    fn arbitrary_type_expressions_never_panic_the_generator(expression in type_expression()) {
        let _ = stream_chat_codegen::generate_texts(type_template(&expression));
    }
}
