//! `cargo xtask release`'s logic on fixture spec pairs: the version Cargo's rules pick, the
//! changelog section for users (API changes in Rust names, merged with the hand-written
//! `## [Unreleased]` notes), and the refusals.

use std::path::{Path, PathBuf};

use stream_chat_codegen::diff::Release;
use stream_chat_codegen::release::changelog::Heading;
use stream_chat_codegen::release::version::Version;
use stream_chat_codegen::release::{self, Base, Plan, Request};
use stream_chat_codegen::source::{self, SourceFile};
use stream_chat_tests::fixture_spec_texts;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn spec(case: &str, side: &str) -> Vec<SourceFile> {
    source::load_texts(fixture_spec_texts(
        &fixtures().join("diff").join(case).join(side),
    ))
    .unwrap_or_else(|problems| panic!("{problems}"))
}

fn changelog() -> String {
    std::fs::read_to_string(fixtures().join("release/CHANGELOG.md")).expect("fixture changelog")
}

/// Releases `case`'s head over its base, at `current`, with `notes` as the changelog.
fn plan(case: &str, current: &str, notes: &str, chosen: Option<&str>) -> Result<Plan, String> {
    let (base, head) = (spec(case, "base"), spec(case, "head"));
    release::prepare(Request {
        base: Some(Base {
            label: format!("stream-chat-client-v{current}"),
            files: &base,
        }),
        head: &head,
        current: Version::parse(current).unwrap(),
        changelog: notes,
        date: "2026-12-01".to_owned(),
        version: chosen.map(|v| Version::parse(v).unwrap()),
    })
}

#[test]
fn the_planted_changes_make_a_breaking_release_with_their_notes() {
    let plan = plan("planted", "0.1.0", &changelog(), None).unwrap();
    assert_eq!(plan.next, Version::new(0, 2, 0));
    assert_eq!(plan.needed, Release::Major);
    assert_eq!(plan.note_headings, vec![Heading::Added, Heading::Fixed]);
    insta::assert_snapshot!("release_planted_summary", plan.summary());
    insta::assert_snapshot!("release_planted_changelog", plan.changelog);
}

/// Every API change is in the notes: one phrase each, bullets joining a subject's phrases.
#[test]
fn every_api_change_has_a_line_in_the_notes() {
    let plan = plan("planted", "0.1.0", "# Changelog\n", None).unwrap();
    let report = plan.report.as_ref().unwrap();
    let phrases: usize = plan
        .section
        .lines()
        .filter(|line| line.starts_with("- `"))
        .map(|line| {
            line.split(" (breaking on the wire: ")
                .next()
                .unwrap_or(line)
        })
        .map(|line| line.matches("; ").count() + 1)
        .sum();
    assert_eq!(phrases, report.changes.len(), "{}", plan.section);
}

const NO_NOTES: &str = "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-11-01\n\n- First.\n";

fn with_notes(heading: &str) -> String {
    NO_NOTES.replace(
        "## [Unreleased]\n",
        &format!("## [Unreleased]\n\n### {heading}\n\n- A runtime change.\n"),
    )
}

#[test]
fn compatible_changes_are_a_patch_at_0x_and_a_minor_from_1_0() {
    let next = |current| plan("compatible", current, NO_NOTES, None).unwrap().next;
    assert_eq!(next("0.3.2"), Version::new(0, 3, 3));
    assert_eq!(next("1.2.0"), Version::new(1, 3, 0));
    assert_eq!(next("0.0.7"), Version::new(0, 0, 8));
    assert_eq!(
        plan("renames", "1.2.0", NO_NOTES, None).unwrap().next,
        Version::new(2, 0, 0)
    );
}

#[test]
fn hand_written_notes_alone_pick_the_bump_by_heading() {
    let next = |heading| plan("unchanged", "0.1.0", &with_notes(heading), None).map(|p| p.next);
    assert_eq!(next("Breaking"), Ok(Version::new(0, 2, 0)));
    assert_eq!(next("Removed"), Ok(Version::new(0, 2, 0)));
    assert_eq!(next("Fixed"), Ok(Version::new(0, 1, 1)));
    let from_one = plan("unchanged", "1.0.0", &with_notes("Added"), None).unwrap();
    assert_eq!(from_one.next, Version::new(1, 1, 0));
    assert!(from_one
        .section
        .contains("### Added\n\n- A runtime change.\n"));
}

#[test]
fn nothing_to_release_is_an_error() {
    let error = plan("unchanged", "0.1.0", NO_NOTES, None).unwrap_err();
    assert!(error.starts_with("nothing to release"), "{error}");
}

#[test]
fn a_chosen_version_must_be_as_big_as_the_changes() {
    let error = plan("planted", "0.1.0", NO_NOTES, Some("0.1.5")).unwrap_err();
    assert!(error.contains("choose 0.2.0 or later"), "{error}");
    let chosen = plan("planted", "0.1.0", NO_NOTES, Some("1.0.0")).unwrap();
    assert_eq!(chosen.next, Version::new(1, 0, 0));
    assert!(chosen.changelog.contains("## [1.0.0] - 2026-12-01"));
}

#[test]
fn a_version_already_in_the_changelog_is_refused() {
    let released = NO_NOTES.replace("## [0.1.0]", "## [0.2.0] - 2026-11-20\n\n## [0.1.0]");
    let error = plan("planted", "0.1.0", &released, None).unwrap_err();
    assert!(error.contains("already has a section for 0.2.0"), "{error}");
}

#[test]
fn an_unknown_heading_in_the_notes_names_its_line() {
    let error = plan("compatible", "0.1.0", &with_notes("Improvements"), None).unwrap_err();
    assert!(
        error.starts_with("CHANGELOG.md:5: `### Improvements`"),
        "{error}"
    );
}

/// After a release, the changelog has an empty `## [Unreleased]` (its comment kept) and the
/// release below it; releasing the same spec again finds nothing to release.
#[test]
fn the_released_changelog_starts_over() {
    let released = plan("planted", "0.1.0", &changelog(), None)
        .unwrap()
        .changelog;
    let again = release::changelog::parse(&released).unwrap();
    assert!(again.notes.is_empty());
    assert_eq!(again.notes.comments.len(), 2, "the comment spans two lines");
    assert!(again.has_release("0.2.0") && again.has_release("0.1.0"));
    let head = spec("planted", "head");
    let error = release::prepare(Request {
        base: Some(Base {
            label: "stream-chat-client-v0.2.0".to_owned(),
            files: &head,
        }),
        head: &head,
        current: Version::new(0, 2, 0),
        changelog: &released,
        date: "2026-12-02".to_owned(),
        version: None,
    })
    .unwrap_err();
    assert!(error.starts_with("nothing to release"), "{error}");
}

/// Without an earlier release there is no diff: the version stays, the notes and the API's
/// numbers make the section.
#[test]
fn the_first_release_keeps_the_manifest_version() {
    let head = spec("planted", "head");
    let plan = release::prepare(Request {
        base: None,
        head: &head,
        current: Version::new(0, 1, 0),
        changelog: &with_notes("Added").replace("## [0.1.0] - 2026-11-01\n\n- First.\n", ""),
        date: "2026-12-01".to_owned(),
        version: None,
    })
    .unwrap();
    assert_eq!(plan.next, Version::new(0, 1, 0));
    insta::assert_snapshot!("release_first_summary", plan.summary());
    insta::assert_snapshot!("release_first_section", plan.section);
}
