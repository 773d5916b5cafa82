//! The `xtask` binary as CI runs it: exit statuses of `diff --fail-on`, errors for bad
//! arguments, missing revisions and broken specs, and reading the base from git.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(case: &str, side: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(case)
        .join(side)
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("the xtask binary runs")
}

fn diff_case(case: &str, extra: &[&str]) -> Output {
    let (base, head) = (fixture(case, "base"), fixture(case, "head"));
    let mut args = vec![
        "diff",
        "--base",
        base.to_str().unwrap(),
        "--head",
        head.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    xtask(&args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn fail_on_breaking_fails_only_for_breaking_changes() {
    let breaking = diff_case("diff/fields", &["--fail-on", "breaking"]);
    assert_eq!(breaking.status.code(), Some(1), "{}", stderr(&breaking));
    assert!(stdout(&breaking).contains("response-field-removed"));

    let compatible = diff_case("diff/compatible", &["--fail-on", "breaking"]);
    assert_eq!(compatible.status.code(), Some(0), "{}", stderr(&compatible));

    let unchanged = diff_case("diff/unchanged", &["--fail-on", "any"]);
    assert_eq!(unchanged.status.code(), Some(0));
    assert!(stdout(&unchanged).contains("no changes"));
}

#[test]
fn fail_on_major_and_any() {
    let compatible = diff_case("diff/compatible", &["--fail-on", "major"]);
    assert_eq!(compatible.status.code(), Some(0));
    let any = diff_case("diff/compatible", &["--fail-on", "any"]);
    assert_eq!(any.status.code(), Some(1));
    let major = diff_case("diff/renames", &["--fail-on", "major"]);
    assert_eq!(major.status.code(), Some(1));
}

#[test]
fn without_fail_on_a_breaking_diff_succeeds() {
    let output = diff_case("diff/operations", &["--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("### API changes:"));
}

#[test]
fn json_output_parses_as_json_with_a_version() {
    let output = diff_case("diff/enums", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("\"format_version\": 1"));
}

#[test]
fn bad_arguments_exit_with_status_2() {
    let format = diff_case("diff/fields", &["--format", "yaml"]);
    assert_eq!(format.status.code(), Some(2));
    assert!(stderr(&format).contains("unknown format `yaml`"));

    let fail_on = diff_case("diff/fields", &["--fail-on", "sometimes"]);
    assert_eq!(fail_on.status.code(), Some(2));

    let option = xtask(&["diff", "--frobnicate"]);
    assert_eq!(option.status.code(), Some(2));
    assert!(stderr(&option).contains("--frobnicate"));

    let command = xtask(&["frobnicate"]);
    assert_eq!(command.status.code(), Some(2));
}

#[test]
fn an_unknown_revision_is_a_clear_error() {
    let output = xtask(&["diff", "--base", "no-such-branch-anywhere"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("`no-such-branch-anywhere` is neither a folder nor a git revision"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_broken_spec_is_reported_with_file_and_line() {
    let output = diff_case("diff_invalid/broken_head", &[]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("the head spec is invalid"), "{text}");
    assert!(
        text.contains("notes.yaml:14:7: schemas.NoteResponse.fields.id"),
        "{text}"
    );
}

/// The base read from git: `HEAD`'s `spec/` against the working tree. Skipped where the
/// workspace is not a git checkout (e.g. an unpacked source archive).
#[test]
fn reads_the_base_from_a_git_revision() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let in_git = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !in_git {
        eprintln!("skipped: not a git checkout");
        return;
    }
    let output = xtask(&["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("\"base\": \"HEAD\""));
}

#[test]
fn drift_reports_and_fails_on_any_difference_when_asked() {
    let spec = fixture("drift", "spec");
    let document =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/drift/openapi.json");
    let args = [
        "drift",
        "--openapi",
        document.to_str().unwrap(),
        "--spec",
        spec.to_str().unwrap(),
    ];
    let output = xtask(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output)
        .contains("only-in-openapi GET /notes: operation only in OpenAPI (ListNotes)"));

    let failing = xtask(&[&args[..], &["--fail-on", "any", "--format", "json"]].concat());
    assert_eq!(failing.status.code(), Some(1));
    assert!(stdout(&failing).contains("\"format_version\": 1"));
}

#[test]
fn drift_needs_an_openapi_document() {
    let output = xtask(&["drift"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("drift needs --openapi FILE"));
    let missing = xtask(&["drift", "--openapi", "/no/such/file.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read /no/such/file.yaml"));
}
