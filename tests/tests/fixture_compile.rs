//! The generator's output for every fixture spec compiles with the client runtime, with no
//! clippy warnings (as typify checks its snapshot output with trybuild).
//!
//! For each fixture, the test assembles a crate from the hand-written runtime of
//! `generated-client` and the fixture's generated code, then runs `cargo clippy -D warnings` on
//! all of them at once in `target/fixture-check/` (its own target folder, so it never waits on
//! the lock of the build running this test).

use std::path::{Path, PathBuf};
use std::process::Command;

use stream_chat_tests::fixture_spec_texts;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

/// Copies the runtime's sources (everything but `generated/`) into `dest`.
fn copy_runtime(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).expect("create src/");
    for entry in std::fs::read_dir(src).expect("runtime sources") {
        let entry = entry.expect("readable entry");
        let path = entry.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            std::fs::copy(&path, dest.join(entry.file_name())).expect("copy runtime file");
        }
    }
}

/// A `[table]` of a manifest, verbatim (up to the next table).
fn table(manifest: &str, name: &str) -> String {
    let start = manifest
        .find(&format!("[{name}]"))
        .unwrap_or_else(|| panic!("the manifest has [{name}]"));
    let rest = &manifest[start..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |i| i + 1);
    rest[..end].to_owned()
}

#[test]
fn every_fixture_compiles_without_warnings() {
    let root = workspace();
    let check_dir = root.join("target/fixture-check");
    let _ = std::fs::remove_dir_all(check_dir.join("crates"));
    let manifest =
        std::fs::read_to_string(root.join("generated-client/Cargo.toml")).expect("manifest");
    let dependencies = table(&manifest, "dependencies");
    // The client's `[features]`: the runtime's `#[cfg(feature = "ws")]` items need `ws` declared
    // (it stays off, so the `ws/` folder, which is not copied, is not compiled); each fixture
    // gets its own generated area features in place of the real spec's.
    let client_features = table(&manifest, "features");
    let dev_dependencies = table(&manifest, "dev-dependencies");
    let root_manifest =
        std::fs::read_to_string(root.join("Cargo.toml")).expect("workspace manifest");
    let workspace_dependencies = table(&root_manifest, "workspace.dependencies");

    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/codegen"))
        .expect("fixtures")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    fixtures.sort();
    let mut members = Vec::new();
    for fixture in &fixtures {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let crate_dir = check_dir.join("crates").join(&name);
        copy_runtime(&root.join("generated-client/src"), &crate_dir.join("src"));
        // The runtime decodes error bodies into the generated `ApiError`: every spec defines it.
        let mut texts = fixture_spec_texts(fixture);
        let prelude = root.join("tests/fixtures/runtime_prelude.yaml");
        texts.push((
            prelude.display().to_string(),
            std::fs::read_to_string(&prelude).expect("prelude"),
        ));
        let api = stream_chat_codegen::load_api_texts(texts)
            .unwrap_or_else(|problems| panic!("fixture {name}: {problems}"));
        let files = stream_chat_codegen::generate_api(&api)
            .unwrap_or_else(|problems| panic!("fixture {name}: {problems}"));
        let features = stream_chat_codegen::features::splice(
            &client_features,
            &stream_chat_codegen::features::region(&api),
        )
        .expect("the client's manifest has the generated features region");
        stream_chat_codegen::output::write(&crate_dir.join("src/generated"), &files)
            .expect("write generated code");
        let cargo_toml = format!(
            "[package]\nname = \"fixture-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\nname = \"stream_chat_client\"\n\n{features}\n{dependencies}\n{dev_dependencies}"
        );
        std::fs::write(crate_dir.join("Cargo.toml"), cargo_toml).expect("write manifest");
        members.push(format!("\"crates/{name}\""));
    }
    std::fs::write(
        check_dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n{workspace_dependencies}",
            members.join(", ")
        ),
    )
    .expect("write workspace manifest");
    // Same dependency versions as the real build, so nothing is resolved or downloaded.
    std::fs::copy(root.join("Cargo.lock"), check_dir.join("Cargo.lock")).expect("copy Cargo.lock");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(&check_dir)
        .env("CARGO_TARGET_DIR", check_dir.join("target"))
        .env_remove("RUSTFLAGS")
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--offline",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])
        .output()
        .expect("run cargo clippy");
    assert!(
        output.status.success(),
        "the generated code of a fixture does not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
