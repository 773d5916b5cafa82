//! The `xtask` binary as CI runs it: exit statuses of `diff --fail-on`, errors for bad
//! arguments, missing revisions and broken specs, reading the base from git, every command's
//! `--help`, and `release` on a scratch workspace (dry run, a real run, the base from a tag).

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

fn drift_fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/drift")
        .join(name)
        .display()
        .to_string()
}

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

#[test]
fn drift_reports_and_fails_on_any_difference_when_asked() {
    let spec = drift_fixture("spec");
    let (server, client) = (
        drift_fixture("openapi.json"),
        drift_fixture("openapi-clientside.yaml"),
    );
    let args = [
        "drift",
        "--openapi",
        &server,
        "--openapi",
        &client,
        "--spec",
        &spec,
    ];
    let output = xtask(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("only-in-openapi GET /notes: operation only in OpenAPI (ListNotes)"),
        "{text}"
    );
    assert!(text.contains("(client-side, v1.3.0)"), "{text}");

    let failing = xtask(&[&args[..], &["--fail-on", "any", "--format", "json"]].concat());
    assert_eq!(failing.status.code(), Some(1));
    assert!(stdout(&failing).contains("\"format_version\": 2"));
}

/// With nothing left to report, `--fail-on any` succeeds; a stale deviation fails it.
#[test]
fn drift_fails_on_stale_deviations_and_passes_when_clean() {
    let dir = scratch("clean");
    let spec = dir.join("spec");
    std::fs::create_dir_all(spec.join("reviewed")).unwrap();
    std::fs::write(
        spec.join("common.yaml"),
        "doc: Items.\napi_version: v1.0.0\nendpoints:\n  GetItem:\n    summary: Get item\n    method: GET\n    path: /items/{id}\n    path_params:\n      id: string\n    response: Item\nschemas:\n  Item:\n    doc: An item.\n    fields:\n      id: { type: string, required: true }\n",
    )
    .unwrap();
    let document = r##"{"openapi": "3.0.3", "info": {"version": "v1.0.0"}, "paths": {"/items/{id}": {"get": {"operationId": "GetItem",
        "parameters": [{"in": "path", "name": "id", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}}}},
        "components": {"schemas": {"Item": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}}}}"##;
    let server = dir.join("chat-openapi.json");
    std::fs::write(&server, document).unwrap();
    let client = dir.join("chat-openapi-clientside.json");
    std::fs::write(&client, document).unwrap();
    let args = [
        "drift",
        "--spec",
        spec.to_str().unwrap(),
        "--openapi",
        server.to_str().unwrap(),
        "--openapi",
        client.to_str().unwrap(),
        "--fail-on",
        "any",
    ];
    let clean = xtask(&args);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}{}",
        stdout(&clean),
        stderr(&clean)
    );
    assert!(
        stdout(&clean).contains(": no findings"),
        "{}",
        stdout(&clean)
    );

    // The default deviations file is found next to the spec; its entry matches nothing.
    std::fs::write(
        spec.join("reviewed/deviations.yaml"),
        "- field: Item.name\n  only_in: spec\n  reason: Gone since.\n",
    )
    .unwrap();
    let stale = xtask(&args);
    assert_eq!(stale.status.code(), Some(1));
    let text = stdout(&stale);
    assert!(text.contains("0 reviewed, 1 stale"), "{text}");
    assert!(
        text.contains("deviations.yaml:1: field Item.name (only in spec)"),
        "{text}"
    );

    std::fs::write(
        spec.join("reviewed/deviations.yaml"),
        "- field: Item.name\n",
    )
    .unwrap();
    let broken = xtask(&args);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stderr(&broken).contains("deviations.yaml:1: every entry says why under `reason`"),
        "{}",
        stderr(&broken)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn drift_help_prints_its_usage() {
    for flag in ["--help", "-h"] {
        let output = xtask(&["drift", flag]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let text = stdout(&output);
        assert!(text.starts_with("usage: cargo xtask drift"), "{text}");
        assert!(
            text.contains("--observed FILE") && text.contains("--write"),
            "{text}"
        );
    }
}

#[test]
fn drift_needs_a_document_or_traffic() {
    let output = xtask(&["drift"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output)
        .contains("drift needs --openapi FILE (once per document) or --observed FILE"));
    let missing = xtask(&["drift", "--openapi", "/no/such/file.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read /no/such/file.yaml"));
    let option = xtask(&["drift", "--frobnicate"]);
    assert_eq!(option.status.code(), Some(2));
    assert!(stderr(&option).contains("--frobnicate"));
}

#[test]
fn drift_reads_traffic_records_alone() {
    let observed = drift_fixture("observed.jsonl");
    let args = [
        "drift",
        "--observed",
        &observed,
        "--spec",
        &drift_fixture("spec"),
        "--deviations",
        "none",
    ];
    let output = xtask(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains(
            "NoteResponse.rating: field seen in traffic, not in spec/ (number; seen 2 times"
        ),
        "{text}"
    );
    assert!(text.contains("line 15: not a JSON record"), "{text}");
}

#[test]
fn drift_write_edits_a_copy_of_the_spec() {
    let dir = scratch("write");
    for entry in std::fs::read_dir(drift_fixture("spec")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let before = std::fs::read_to_string(dir.join("notes.yaml")).unwrap();
    let output = xtask(&[
        "drift",
        "--spec",
        dir.to_str().unwrap(),
        "--openapi",
        &drift_fixture("openapi.yaml"),
        "--openapi",
        &drift_fixture("openapi-clientside.yaml"),
        "--write",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("docs to write in our own words"), "{text}");
    let after = std::fs::read_to_string(dir.join("notes.yaml")).unwrap();
    assert_ne!(before, after);
    assert!(
        after.contains("  ListNotes:\n    summary: List notes\n    doc: TODO(drift)\n"),
        "{after}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_command_explains_itself_with_help() {
    let commands: [(&str, &[&str]); 4] = [
        ("codegen", &["--check"]),
        ("diff", &["--base", "--head", "--format", "--fail-on"]),
        ("bench-compile", &["--runs", "--area", "--incremental-area"]),
        (
            "release",
            &["--base", "--dry-run", "--version", "--date", "--root"],
        ),
    ];
    for (command, options) in commands {
        for flag in ["--help", "-h"] {
            let output = xtask(&[command, flag]);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{command} {flag}: {}",
                stderr(&output)
            );
            let text = stdout(&output);
            assert!(
                text.starts_with(&format!("usage: cargo xtask {command} [options]")),
                "{text}"
            );
            for option in options {
                assert!(
                    text.contains(option),
                    "{command} --help lacks {option}:\n{text}"
                );
            }
            assert!(text.contains("exit status"), "{text}");
        }
    }
    let all = xtask(&["--help"]);
    assert_eq!(all.status.code(), Some(0));
    assert!(stdout(&all).contains("  release "));
}

/// A scratch workspace for `release --root`: the planted fixture's head as `spec/`, a manifest
/// and lock at 0.1.0, and a changelog with hand-written notes. Removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let root =
            std::env::temp_dir().join(format!("xtask-release-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("generated-client")).unwrap();
        let scratch = Scratch(root);
        scratch.spec("head");
        scratch.write(
            "generated-client/Cargo.toml",
            "[package]\nname = \"stream-chat-client\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
        scratch.write(
            "Cargo.lock",
            "version = 4\n\n[[package]]\nname = \"stream-chat-client\"\nversion = \"0.1.0\"\n",
        );
        let changelog = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/release/CHANGELOG.md"),
        )
        .unwrap();
        scratch.write("generated-client/CHANGELOG.md", &changelog);
        scratch
    }

    /// Puts the planted fixture's `side` in `spec/`.
    fn spec(&self, side: &str) {
        let spec = self.0.join("spec");
        let _ = std::fs::remove_dir_all(&spec);
        std::fs::create_dir_all(&spec).unwrap();
        for entry in std::fs::read_dir(fixture("diff/planted", side)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, spec.join(path.file_name().unwrap())).unwrap();
        }
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.0.join(file), text).unwrap();
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.0.join(file)).unwrap()
    }

    fn files(&self) -> Vec<String> {
        [
            "generated-client/Cargo.toml",
            "Cargo.lock",
            "generated-client/CHANGELOG.md",
        ]
        .map(|file| self.read(file))
        .to_vec()
    }

    fn release(&self, extra: &[&str]) -> Output {
        let root = self.0.to_str().unwrap();
        xtask(&[&["release", "--root", root, "--date", "2026-12-01"], extra].concat())
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args([
                "-c",
                "user.name=Release Test",
                "-c",
                "user.email=release@example.com",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(status.status.success(), "git {args:?}: {}", stderr(&status));
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn release_dry_run_prints_the_plan_and_writes_nothing() {
    let scratch = Scratch::new("dry-run");
    let before = scratch.files();
    let base = fixture("diff/planted", "base");
    let output = scratch.release(&["--base", base.to_str().unwrap(), "--dry-run"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "stream-chat-client 0.1.0 -> 0.2.0: the changes break the Rust API: a breaking release"
        ),
        "{text}"
    );
    assert!(
        text.contains("would write (dry run: nothing written):"),
        "{text}"
    );
    assert!(
        text.contains("## [0.2.0] - 2026-12-01\n\nStream Chat API v1.1.0 (was v1.0.0)"),
        "{text}"
    );
    assert!(
        text.contains("- `Client::fetch_user`: renamed from `Client::get_user`."),
        "{text}"
    );
    assert_eq!(scratch.files(), before, "a dry run writes nothing");
}

#[test]
fn release_sets_the_version_and_writes_the_changelog() {
    let scratch = Scratch::new("write");
    let base = fixture("diff/planted", "base");
    let output = scratch.release(&["--base", base.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("git tag stream-chat-client-v0.2.0"));
    assert!(scratch
        .read("generated-client/Cargo.toml")
        .contains("version = \"0.2.0\""));
    assert!(scratch
        .read("Cargo.lock")
        .contains("name = \"stream-chat-client\"\nversion = \"0.2.0\""));
    let changelog = scratch.read("generated-client/CHANGELOG.md");
    let unreleased = changelog.find("## [Unreleased]").unwrap();
    let released = changelog.find("## [0.2.0] - 2026-12-01").unwrap();
    let history = changelog.find("## [0.1.0] - 2026-11-01").unwrap();
    assert!(unreleased < released && released < history, "{changelog}");
    assert!(changelog.contains("### Fixed\n\n- A retried upload sends its file again"));

    // The same release again: 0.2.0 is in the changelog, and the manifest says 0.2.0, so the
    // next is 0.3.0 against the same base; a version already released is refused.
    let again = scratch.release(&["--base", base.to_str().unwrap(), "--version", "0.2.1"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("choose 0.3.0 or later"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn release_takes_the_newest_tag_as_its_base() {
    let in_git = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !in_git {
        eprintln!("skipped: git is not installed");
        return;
    }
    let scratch = Scratch::new("tags");
    scratch.spec("base");
    scratch.git(&["init", "--quiet"]);
    scratch.git(&["add", "."]);
    scratch.git(&["commit", "--quiet", "-m", "0.0.9"]);
    scratch.git(&["tag", "stream-chat-client-v0.0.9"]);
    scratch.git(&["commit", "--quiet", "--allow-empty", "-m", "0.1.0"]);
    scratch.git(&["tag", "stream-chat-client-v0.1.0"]);
    scratch.git(&["tag", "v7.0.0"]);
    scratch.spec("head");

    let output = scratch.release(&["--dry-run"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("base: stream-chat-client-v0.1.0 (Stream Chat API v1.0.0)"),
        "{text}"
    );
    assert!(text.contains("0.1.0 -> 0.2.0"), "{text}");

    // The manifest moved on without a tag for it: a release now would skip one.
    scratch.write(
        "generated-client/Cargo.toml",
        "[package]\nname = \"stream-chat-client\"\nversion = \"0.1.1\"\n",
    );
    let untagged = scratch.release(&["--dry-run"]);
    assert_eq!(untagged.status.code(), Some(2));
    assert!(
        stderr(&untagged)
            .contains("says 0.1.1, but the newest release tag is stream-chat-client-v0.1.0"),
        "{}",
        stderr(&untagged)
    );
}

#[test]
fn release_refuses_bad_options() {
    let scratch = Scratch::new("options");
    let date = scratch.release(&["--date", "01/12/2026", "--dry-run"]);
    assert_eq!(date.status.code(), Some(2));
    assert!(stderr(&date).contains("YYYY-MM-DD"), "{}", stderr(&date));
    let version = scratch.release(&["--version", "two", "--dry-run"]);
    assert_eq!(version.status.code(), Some(2));
    assert!(
        stderr(&version).contains("--version two"),
        "{}",
        stderr(&version)
    );
    let unknown = scratch.release(&["--frobnicate"]);
    assert_eq!(unknown.status.code(), Some(2));
}
