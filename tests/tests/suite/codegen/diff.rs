//! Snapshots of `cargo xtask diff` over fixture pairs (`fixtures/diff/<case>/{base,head}`):
//! every kind of change, in every output format, plus the rules' coverage, the messages for
//! broken specs, and the real spec compared with itself.

use std::collections::BTreeSet;
use std::path::Path;

use stream_chat_codegen::diff::{self, classify, render::Format, FailOn, Report};
use stream_chat_tests::{fixture_dirs, fixture_spec_texts};

fn name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

fn report(dir: &Path) -> Report {
    let changes = diff::diff_texts(
        fixture_spec_texts(&dir.join("base")),
        fixture_spec_texts(&dir.join("head")),
    )
    .unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    Report {
        base: "base".to_owned(),
        head: "head".to_owned(),
        changes,
    }
}

#[test]
fn every_case_in_every_format() {
    for dir in fixture_dirs("diff") {
        let case = name(&dir);
        let report = report(&dir);
        for (format, suffix) in [
            (Format::Text, "text"),
            (Format::Markdown, "markdown"),
            (Format::Json, "json"),
        ] {
            insta::assert_snapshot!(format!("diff_{case}_{suffix}"), format.render(&report));
        }
    }
}

/// The planted changes of `fixtures/diff/planted` (numbered in its head), one kind each, and
/// how each must be classified: `(plant, location, what happened, wire rule, Rust rule)`.
/// The diff must report exactly these, nothing more: renames the wire proves are one change,
/// not a removal plus an addition, and docs or order alone (plant 26) are no change.
#[rustfmt::skip]
const PLANTED: &[(u8, &str, &str, &str, &str)] = &[
    (1, "FetchUser", "renamed from `GetUser`", "operation-renamed", "rust-item-renamed"),
    (2, "GetChannel.path.channel_id", "placeholder renamed from `{id}`", "path-param-renamed", "rust-argument-renamed"),
    (3, "DeleteMessage", "operation removed (was DELETE /messages/{id})", "operation-removed", "rust-item-removed"),
    (4, "UnpinMessage", "operation added: POST /messages/{id}/unpin", "operation-added", "rust-item-added"),
    (5, "UpdateMessage", "`method`: PUT → PATCH", "operation-method-changed", "rust-docs-only"),
    (6, "ListChannels", "`path`: /channels → /channels/list", "operation-path-changed", "rust-docs-only"),
    (7, "MuteChannel", "`server_side_only`: false → true", "operation-became-server-side-only", "rust-docs-only"),
    (8, "SendMessage", "now sends `message.updated`", "operation-event-added", "rust-docs-only"),
    (9, "PinMessage", "now checks permission `PinMessage`", "operation-permission-added", "rust-docs-only"),
    (10, "MessageRequest.silent", "field added: optional bool", "optional-field-added", "rust-field-added"),
    (11, "SendMessageRequest.user_id", "field added: required string", "required-request-field-added", "rust-constructor-changed"),
    (12, "ChannelResponse.frozen", "field removed (was optional bool)", "response-field-removed", "rust-field-removed"),
    (13, "ChannelResponse.name", "`required`: true → false", "response-field-became-optional", "rust-type-changed"),
    (14, "MessageResponse.score", "`type`: int32 → double", "field-type-changed", "rust-type-changed"),
    // A double has no `Eq`: the struct stops deriving it.
    (14, "MessageResponse", "`derives`: Eq, Default, Serialize, Deserialize → Default, Serialize, Deserialize", "no-wire-change", "rust-trait-lost"),
    (15, "QueryChannelsRequest.offset", "`type`: int32 → int64", "request-field-type-widened", "rust-type-changed"),
    (16, "ChannelRole", "enum value `guest` added", "enum-value-added", "rust-variant-added"),
    (17, "MessageKind", "enum value `system` removed", "enum-value-removed-from-request", "rust-variant-removed"),
    (18, "ReadState", "enum value `stale` removed", "enum-value-removed-from-response", "rust-variant-removed"),
    (19, "MessageRequest.text", "`max_len`: 5000 → 4000", "request-bound-tightened", "rust-docs-only"),
    (20, "ChannelResponse.member_count", "`deprecated`: none → Count the members instead.", "deprecated", "rust-deprecated"),
    (21, "channel.frozen", "event type added (payload not documented)", "event-added", "rust-variant-added"),
    (22, "typing.stop", "event type removed (was MessageEvent)", "event-removed", "rust-variant-removed"),
    (23, "QueryChannelsRequest.filter_conditions.cid", "operator `$ne` removed", "filter-operator-removed", "rust-filter-operator-removed"),
    (24, "QueryChannelsRequest.sort.last_message_at", "sort field added: last_message_at", "sort-field-added", "rust-variant-added"),
    // The schema is matched by name (gone, new); the response moved to a schema of the same
    // JSON, so the wire does not change while the method's return type does.
    (25, "GetApp", "`response`: AppReply → AppResponse", "no-wire-change", "rust-signature-changed"),
    (25, "AppReply", "schema removed (was object)", "schema-removed", "rust-item-removed"),
    (25, "AppResponse", "schema added: object", "schema-added", "rust-item-added"),
    // 26: docs and order only, no change.
    // A duration travels as a JSON string, and is a `String` in Rust.
    (27, "UserResponse.away_for", "`type`: string → duration", "no-wire-change", "rust-docs-only"),
];

#[test]
fn planted_changes_are_classified_right() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/diff/planted");
    let mut found: Vec<(&str, String, &str, &str)> = Vec::new();
    let report = report(&dir);
    for change in &report.changes {
        found.push((
            change.location.as_str(),
            change.description(),
            change.wire.id,
            change.rust.id,
        ));
    }
    let mut expected: Vec<(&str, String, &str, &str)> = PLANTED
        .iter()
        .map(|(_, location, what, wire, rust)| (*location, what.to_string(), *wire, *rust))
        .collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    let plants: BTreeSet<u8> = PLANTED.iter().map(|(plant, ..)| *plant).collect();
    let classified: BTreeSet<u8> = (1..=27).filter(|plant| *plant != 26).collect();
    assert_eq!(plants, classified, "every classified plant is listed");
}

/// Every rule is exercised by some fixture, except the fallbacks for attributes that have
/// no rule yet (every attribute the language has today has one).
#[test]
fn the_fixtures_exercise_every_rule() {
    let mut wire = BTreeSet::new();
    let mut rust = BTreeSet::new();
    for dir in fixture_dirs("diff") {
        for change in report(&dir).changes {
            wire.insert(change.wire.id);
            rust.insert(change.rust.id);
        }
    }
    let fallbacks = [
        classify::ATTRIBUTE_CHANGED.id,
        classify::RUST_UNCLASSIFIED.id,
    ];
    let missing: Vec<&str> = classify::WIRE_RULES
        .iter()
        .map(|r| r.id)
        .chain(classify::RUST_RULES.iter().map(|r| r.id))
        .filter(|id| !wire.contains(id) && !rust.contains(id) && !fallbacks.contains(id))
        .collect();
    assert!(missing.is_empty(), "no fixture exercises {missing:?}");
}

/// The markdown folds a group only when nothing in it breaks the wire or needs a major
/// release: a reviewer never has to open a section to find one.
#[test]
fn markdown_folds_no_breaking_or_major_change() {
    let mut open_for_major_only = 0;
    for dir in fixture_dirs("diff") {
        let markdown = Format::Markdown.render(&report(&dir));
        for section in markdown.split("\n<details").skip(1) {
            let important =
                section.contains("| **breaking** |") || section.contains("| **major** |");
            assert_eq!(
                section.starts_with(" open>"),
                important,
                "{}: {section}",
                name(&dir)
            );
            open_for_major_only += usize::from(important && !section.contains("| **breaking** |"));
        }
    }
    assert!(
        open_for_major_only > 0,
        "some fixture has a group with a major change only"
    );
}

#[test]
fn json_output_is_versioned_and_parses() {
    let report = report(&fixture_dirs("diff")[0]);
    let value: serde_json::Value =
        serde_json::from_str(&Format::Json.render(&report)).expect("valid JSON");
    assert_eq!(value["format_version"], 1);
    assert_eq!(
        value["summary"]["changes"].as_u64(),
        Some(report.changes.len() as u64)
    );
}

#[test]
fn fail_on_decides_by_wire_release_or_any_change() {
    let dir = |case: &str| {
        fixture_dirs("diff")
            .into_iter()
            .find(|d| name(d) == case)
            .expect("case exists")
    };
    let (breaking, compatible, unchanged) = (
        report(&dir("fields")),
        report(&dir("compatible")),
        report(&dir("unchanged")),
    );
    assert!(FailOn::Breaking.fails(&breaking));
    assert!(!FailOn::Breaking.fails(&compatible));
    assert!(!FailOn::Major.fails(&compatible));
    assert!(FailOn::Any.fails(&compatible));
    assert!(!FailOn::Any.fails(&unchanged));
    assert!(!FailOn::Never.fails(&breaking));
}

#[test]
fn broken_specs_are_reported_with_file_and_line() {
    for dir in fixture_dirs("diff_invalid") {
        let error = diff::diff_texts(
            fixture_spec_texts(&dir.join("base")),
            fixture_spec_texts(&dir.join("head")),
        )
        .expect_err("one side is broken on purpose");
        insta::assert_snapshot!(format!("diff_invalid_{}", name(&dir)), error.to_string());
    }
}

/// The real spec, compared with itself, has no changes (and loads and validates on both
/// sides).
#[test]
fn the_real_spec_has_no_changes_against_itself() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let files = stream_chat_codegen::source::load_dir(&spec).expect("spec/ loads");
    let changes = diff::diff(&files, &files).expect("spec/ is valid");
    assert_eq!(changes, Vec::new());
}

/// `docs/api-changes.md` lists exactly the rules the code applies.
#[test]
fn the_documented_rules_are_the_rules() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/api-changes.md");
    let text = std::fs::read_to_string(&docs).expect("docs/api-changes.md exists");
    let tables = classify::rules_markdown();
    assert!(
        text.contains(&tables),
        "docs/api-changes.md is out of date: paste in this block\n\n{tables}"
    );
}
