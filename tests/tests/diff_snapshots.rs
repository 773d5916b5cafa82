//! Snapshots of `cargo xtask diff` over fixture pairs (`fixtures/diff/<case>/{base,head}`):
//! every kind of change, in every output format, plus the rules' coverage, the messages for
//! broken specs, and the real spec compared with itself.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use stream_chat_codegen::diff::{self, classify, render::Format, FailOn, Report};
use stream_chat_tests::fixture_spec_texts;

fn cases(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(kind);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

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
    for dir in cases("diff") {
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

/// Every rule is exercised by some fixture, except the fallbacks for attributes that have
/// no rule yet (every attribute the language has today has one).
#[test]
fn the_fixtures_exercise_every_rule() {
    let mut wire = BTreeSet::new();
    let mut rust = BTreeSet::new();
    for dir in cases("diff") {
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

#[test]
fn json_output_is_versioned_and_parses() {
    let report = report(&cases("diff")[0]);
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
        cases("diff")
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
    for dir in cases("diff_invalid") {
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
