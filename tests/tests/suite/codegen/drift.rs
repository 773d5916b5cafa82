//! Snapshots of `cargo xtask drift`: the fixture spec (`fixtures/drift/spec`) against two
//! OpenAPI documents written for the tests, shaped like Stream's (`openapi.yaml`, the
//! server-side one, also as `openapi.json`; `openapi-clientside.yaml`): `$ref`s (schemas,
//! parameters, request bodies), `nullable`, `additionalProperties`, `allOf`, `x-stream-index`,
//! filter and sort extensions, bounds, defaults, `Sends events:` lists, the webhook and the
//! websocket unions. Then the reviewed deviations (`deviations.yaml`), the traffic records
//! (`observed.jsonl`) and `--write` on the fixture.

use std::path::{Path, PathBuf};

use stream_chat_codegen::drift::{
    self, Deviations, DocumentInput, DriftError, Inputs, ObservedInput, Report, Side,
    DEFAULT_PREFIXES,
};
use stream_chat_codegen::source::SourceFile;
use stream_chat_tests::fixture_spec_texts;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/drift")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).expect("fixture exists")
}

fn spec() -> Vec<SourceFile> {
    stream_chat_codegen::source::load_texts(fixture_spec_texts(&fixtures().join("spec")))
        .expect("the fixture spec loads")
}

fn document(name: &str, side: Side) -> DocumentInput {
    DocumentInput {
        label: name.to_owned(),
        side,
        text: read(name),
    }
}

fn inputs(documents: Vec<DocumentInput>) -> Inputs {
    Inputs {
        documents,
        prefixes: DEFAULT_PREFIXES.iter().map(|p| p.to_string()).collect(),
        observed: None,
        deviations: None,
    }
}

fn both() -> Inputs {
    inputs(vec![
        document("openapi.yaml", Side::Server),
        document("openapi-clientside.yaml", Side::Client),
    ])
}

fn run(inputs: &Inputs) -> Result<Report, DriftError> {
    drift::drift(&spec(), "spec", inputs)
}

fn deviations() -> Deviations {
    Deviations::parse("deviations.yaml", &read("deviations.yaml")).expect("the fixture parses")
}

#[test]
fn drift_from_both_documents() {
    let report = run(&both()).expect("compares");
    insta::assert_snapshot!("drift_text", drift::text(&report));
    insta::assert_snapshot!("drift_json", drift::json(&report));
}

#[test]
fn the_json_and_yaml_documents_read_the_same() {
    let from_yaml = run(&inputs(vec![document("openapi.yaml", Side::Server)])).expect("compares");
    let mut json = document("openapi.json", Side::Server);
    json.label = "openapi.yaml".to_owned();
    let from_json = run(&inputs(vec![json])).expect("compares");
    assert_eq!(from_yaml, from_json);
}

/// One document cannot tell which operations are server-side only, the server-side one
/// cannot tell which events reach websockets: those attributes are not compared.
#[test]
fn one_document_compares_what_it_can_tell() {
    let server = run(&inputs(vec![document("openapi.yaml", Side::Server)])).expect("compares");
    let attributes: Vec<_> = server.findings.iter().filter_map(|f| f.attribute).collect();
    assert!(!attributes.contains(&"server_side_only"), "{attributes:?}");
    assert!(!attributes.contains(&"client_side"), "{attributes:?}");
    let both = run(&both()).expect("compares");
    let attributes: Vec<_> = both.findings.iter().filter_map(|f| f.attribute).collect();
    assert!(attributes.contains(&"server_side_only") && attributes.contains(&"client_side"));
}

/// A document that says exactly what the spec says has no drift: the implied `type` of
/// event payloads and `custom` of objects with custom data, a named enum in the document
/// for an inline one in the spec (also of list items), `duration`, placeholder names, sort
/// fields named only by the combinations, bounds that do not fit the type, and an event
/// named only in an operation's `Sends events:` text aside.
#[test]
fn a_matching_document_has_no_drift() {
    let document = r##"{
      "openapi": "3.0.0",
      "info": { "version": "v1.0.0" },
      "paths": {
        "/items/{item_id}": {
          "get": {
            "operationId": "GetItem",
            "description": "Reads an item.\n\nSends events:\n- item.read\n",
            "parameters": [{ "in": "path", "name": "item_id", "required": true, "schema": { "type": "string" } }],
            "responses": { "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Item" } } } } }
          }
        }
      },
      "components": {
        "schemas": {
          "Item": {
            "type": "object",
            "properties": {
              "kind": { "$ref": "#/components/schemas/Kind" },
              "kinds": { "type": "array", "items": { "type": "string", "enum": ["a", "b"] } },
              "took": { "type": "string", "format": "duration" },
              "filter": { "type": "object", "additionalProperties": {}, "maximum": 3 },
              "sort": { "type": "array", "items": { "$ref": "#/components/schemas/SortParamRequest" }, "x-stream-sort-combinations": [["a"]] },
              "custom": { "type": "object", "additionalProperties": {} }
            },
            "required": ["took"]
          },
          "Kind": { "type": "string", "enum": ["a", "b"] },
          "SortParamRequest": { "type": "object", "properties": { "field": { "type": "string" } } },
          "ItemEvent": { "type": "object", "properties": { "type": { "type": "string", "default": "item.created" }, "id": { "type": "string" } } },
          "WHEvent": { "oneOf": [{ "$ref": "#/components/schemas/ItemEvent" }], "discriminator": { "propertyName": "type" } }
        }
      }
    }"##;
    let spec = "doc: Items.\napi_version: v1.0.0\n\
        events:\n  item.created: { payload: ItemEvent, doc: An item was created. }\n  item.read: { doc: An item was read. }\n\
        endpoints:\n  GetItem:\n    summary: Get item\n    method: GET\n    path: /items/{id}\n    path_params:\n      id: string\n    response: Item\n    events: [item.read]\n\
        schemas:\n  Item:\n    doc: An item.\n    custom_data: true\n    fields:\n      kind: { type: string, enum: [a, b] }\n      kinds: list<Kind>\n      took: { type: duration, required: true }\n      filter: map<json>\n      sort: { type: list<SortParamRequest>, sort: [a], sort_combinations: [[a]] }\n  SortParamRequest:\n    doc: A sort criterion.\n    fields:\n      field: string\n  Kind:\n    doc: A kind.\n    enum: [a, b]\n  ItemEvent:\n    doc: An item event.\n    fields:\n      id: string\n";
    let files = stream_chat_codegen::source::load_texts(vec![("common.yaml".into(), spec.into())])
        .expect("loads");
    let mut input = inputs(vec![DocumentInput {
        label: "items.json".into(),
        side: Side::Server,
        text: document.into(),
    }]);
    input.prefixes.clear();
    let report = drift::drift(&files, "spec", &input).expect("compares");
    let shown: Vec<String> = report.findings.iter().map(drift::render::line).collect();
    assert_eq!(shown, Vec::<String>::new());
}

#[test]
fn documents_that_do_not_fit_are_refused() {
    let refused = |text: &str| {
        run(&inputs(vec![DocumentInput {
            label: "bad".into(),
            side: Side::Server,
            text: text.into(),
        }]))
        .unwrap_err()
        .to_string()
    };
    assert_eq!(
        refused(r#"{ "swagger": "2.0", "paths": {} }"#),
        "the OpenAPI document bad: not an OpenAPI 3 document (its `openapi` field is ``)"
    );
    let yaml = refused("openapi: 3.0.0\npaths: [\n");
    assert!(
        yaml.starts_with("the OpenAPI document bad: invalid YAML at 3:"),
        "{yaml}"
    );
    assert!(refused("{ \"openapi\": ").contains("invalid JSON"));

    let twice = run(&inputs(vec![
        document("openapi.yaml", Side::Server),
        document("openapi.json", Side::Server),
    ]))
    .unwrap_err()
    .to_string();
    assert!(twice.contains("are both server-side documents"), "{twice}");

    let mut old = document("openapi-clientside.yaml", Side::Client);
    old.text = old.text.replace("version: v1.3.0", "version: v1.2.0");
    let mixed = run(&inputs(vec![document("openapi.yaml", Side::Server), old]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        mixed,
        "the OpenAPI documents are of different versions: openapi.yaml is v1.3.0, openapi-clientside.yaml is v1.2.0"
    );
}

#[test]
fn reviewed_deviations_are_listed_apart_and_stale_ones_reported() {
    let mut input = both();
    input.deviations = Some(deviations());
    input.observed = Some(ObservedInput {
        label: "observed.jsonl".into(),
        text: read("observed.jsonl"),
    });
    let report = run(&input).expect("compares");
    insta::assert_snapshot!("drift_reviewed_text", drift::text(&report));
    let reviewed: Vec<&str> = report
        .reviewed
        .iter()
        .map(|r| r.finding.location.as_str())
        .collect();
    assert_eq!(
        reviewed,
        ["NoteResponse.pinned", "NoteResponse.word_count", "SpecOnly"]
    );
    // `Level` differs in kind, it is not only in the spec: that location of the entry is stale.
    let stale: Vec<&str> = report.stale.iter().map(|s| s.location.as_str()).collect();
    assert_eq!(stale, ["Level", "NoteResponse.size", "GET /gone"]);
    // The values changed since the review: the finding is shown again.
    assert!(report
        .findings
        .iter()
        .any(|f| f.location == "NoteResponse.size" && f.attribute == Some("type")));
}

/// Traffic entries are judged stale only when traffic was read, document entries only when
/// both documents were.
#[test]
fn deviations_are_judged_only_against_what_was_compared() {
    let mut server_only = inputs(vec![document("openapi.yaml", Side::Server)]);
    server_only.deviations = Some(deviations());
    assert!(run(&server_only).expect("compares").stale.is_empty());
    let mut both = both();
    both.deviations = Some(deviations());
    let stale: Vec<String> = run(&both)
        .expect("compares")
        .stale
        .iter()
        .map(|s| s.location.clone())
        .collect();
    assert_eq!(stale, ["Level", "NoteResponse.size", "GET /gone"]);
}

#[test]
fn traffic_records_become_findings() {
    let mut input = inputs(Vec::new());
    input.observed = Some(ObservedInput {
        label: "observed.jsonl".into(),
        text: read("observed.jsonl"),
    });
    let report = run(&input).expect("compares");
    insta::assert_snapshot!("drift_observed_text", drift::text(&report));
    insta::assert_snapshot!("drift_observed_json", drift::json(&report));
}

#[test]
fn write_turns_the_findings_into_spec_yaml() {
    let files = spec();
    let mut input = both();
    input.deviations = Some(deviations());
    input.observed = Some(ObservedInput {
        label: "observed.jsonl".into(),
        text: read("observed.jsonl"),
    });
    let analysis = drift::analyse(&files, "spec", &input).expect("compares");
    let written = drift::write::apply(&files, Path::new("fixtures/drift/spec"), &analysis);
    assert!(
        written.problems.is_none(),
        "{}",
        drift::write::summary(&written)
    );
    let mut shown = drift::write::summary(&written);
    for file in &written.files {
        shown.push_str(&format!("\n=== {}\n{}", file.path.display(), file.text));
    }
    insta::assert_snapshot!("drift_write", shown);

    // The written spec loads; only the doc markers keep it from generating code.
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            let text = written
                .files
                .iter()
                .find(|w| w.path == Path::new(&f.display_path))
                .map_or_else(|| f.text.clone(), |w| w.text.clone());
            (f.display_path.clone(), text)
        })
        .collect();
    let reloaded = stream_chat_codegen::source::load_texts(texts.clone()).expect("loads");
    drift::validate_allowing_markers(&reloaded).expect("valid but for the markers");
    let refused = stream_chat_codegen::generate_texts(texts)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("still holds `TODO(drift)`"), "{refused}");
    assert_eq!(refused.matches("TODO(drift)").count(), written.markers);

    // Compared again: what `--write` left to a person remains, and what the spec learnt
    // from traffic now differs from the documents; nothing else.
    let again = drift::analyse(&reloaded, "spec", &input).expect("compares");
    let expected: Vec<&str> = written
        .left
        .iter()
        .map(|(f, _)| f)
        .chain(
            written
                .applied
                .iter()
                .filter(|f| f.source == drift::Source::Traffic),
        )
        .map(|f| f.location.as_str())
        .collect();
    let unexpected: Vec<String> = again
        .report
        .findings
        .iter()
        .filter(|f| !expected.contains(&f.location.as_str()))
        .map(drift::render::line)
        .collect();
    assert_eq!(unexpected, Vec::<String>::new());
}

/// The real spec loads, validates and reads into a shape: against an empty document,
/// everything is only in the spec, and the version differs.
#[test]
fn the_real_spec_against_an_empty_document() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let files = stream_chat_codegen::source::load_dir(&spec).expect("spec/ loads");
    let input = inputs(vec![DocumentInput {
        label: "empty.json".into(),
        side: Side::Server,
        text: r#"{ "openapi": "3.0.3", "info": { "version": "v0.0.1" }, "paths": {} }"#.into(),
    }]);
    let report = drift::drift(&files, "spec", &input).expect("compares");
    assert!(report.findings.len() > 500);
    let (version, rest) = report.findings.split_first().expect("findings");
    assert_eq!(version.attribute, Some("version"));
    assert!(rest
        .iter()
        .all(|f| f.kind == drift::FindingKind::OnlyInSpec));
}
