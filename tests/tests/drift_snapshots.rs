//! Snapshots of `cargo xtask drift`: the fixture spec (`fixtures/drift/spec`) against an
//! OpenAPI 3.0 document written for the tests, in JSON and in YAML, with `$ref`s (schemas,
//! parameters, request bodies), `nullable`, `additionalProperties`, `allOf` and a
//! discriminator union of events.

use std::path::{Path, PathBuf};

use stream_chat_codegen::drift::{self, DriftError, Report, DEFAULT_PREFIXES};
use stream_chat_tests::fixture_spec_texts;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/drift")
}

fn prefixes() -> Vec<String> {
    DEFAULT_PREFIXES.iter().map(|p| p.to_string()).collect()
}

fn run(document: &str) -> Result<Report, DriftError> {
    let files =
        stream_chat_codegen::source::load_texts(fixture_spec_texts(&fixtures().join("spec")))
            .expect("the fixture spec loads");
    let findings = drift::drift(&files, document, &prefixes())?;
    Ok(Report {
        spec: "spec".to_owned(),
        openapi: "openapi".to_owned(),
        findings,
    })
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).expect("fixture exists")
}

#[test]
fn drift_from_the_yaml_document() {
    let report = run(&read("openapi.yaml")).expect("compares");
    insta::assert_snapshot!("drift_text", drift::text(&report));
    insta::assert_snapshot!("drift_json", drift::json(&report));
}

#[test]
fn the_json_and_yaml_documents_read_the_same() {
    let from_yaml = run(&read("openapi.yaml")).expect("compares");
    let from_json = run(&read("openapi.json")).expect("compares");
    assert_eq!(from_yaml, from_json);
}

/// A document that says exactly what the spec says has no drift: the implied `type` of
/// event payloads and `custom` of objects with custom data, named versus inline enums,
/// `duration` as a string and placeholder names aside.
#[test]
fn a_matching_document_has_no_drift() {
    let document = r##"{
      "openapi": "3.0.0",
      "paths": {
        "/api/v2/chat/items/{item_id}": {
          "get": {
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
              "took": { "type": "string" },
              "custom": { "type": "object", "additionalProperties": {} }
            },
            "required": ["took"]
          },
          "Kind": { "type": "string", "enum": ["a", "b"] },
          "ItemEvent": { "type": "object", "properties": { "type": { "type": "string", "default": "item.created" }, "id": { "type": "string" } } },
          "Events": { "oneOf": [{ "$ref": "#/components/schemas/ItemEvent" }], "discriminator": { "propertyName": "type" } }
        }
      }
    }"##;
    let spec = "doc: Items.\n\
        events:\n  item.created: { payload: ItemEvent, doc: An item was created. }\n\
        endpoints:\n  GetItem:\n    summary: Get item\n    method: GET\n    path: /items/{id}\n    path_params:\n      id: string\n    response: Item\n\
        schemas:\n  Item:\n    doc: An item.\n    custom_data: true\n    fields:\n      kind: { type: string, enum: [a, b] }\n      took: { type: duration, required: true }\n  ItemEvent:\n    doc: An item event.\n    fields:\n      id: string\n";
    let files = stream_chat_codegen::source::load_texts(vec![("items.yaml".into(), spec.into())])
        .expect("loads");
    let findings = drift::drift(&files, document, &prefixes()).expect("compares");
    // `Kind` exists only in the document: the spec writes it inline.
    let shown: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {}", f.location, f.description()))
        .collect();
    assert_eq!(shown, ["Kind schema only in OpenAPI"]);
}

#[test]
fn documents_that_are_not_openapi_3_are_refused() {
    let error = run(r#"{ "swagger": "2.0", "paths": {} }"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the OpenAPI document: not an OpenAPI 3 document (its `openapi` field is ``)"
    );
    let error = run("openapi: 3.0.0\npaths: [\n").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("the OpenAPI document: invalid YAML at 3:"),
        "{error}"
    );
    let error = run("{ \"openapi\": ").unwrap_err();
    assert!(error.to_string().contains("invalid JSON"), "{error}");
}

/// The real spec loads, validates and reads into a shape: against an empty document,
/// everything is only in the spec.
#[test]
fn the_real_spec_against_an_empty_document() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let files = stream_chat_codegen::source::load_dir(&spec).expect("spec/ loads");
    let findings = drift::drift(
        &files,
        r#"{ "openapi": "3.0.3", "paths": {} }"#,
        &prefixes(),
    )
    .expect("compares");
    assert!(!findings.is_empty());
    assert!(findings
        .iter()
        .all(|f| f.kind == drift::FindingKind::OnlyInSpec));
}
