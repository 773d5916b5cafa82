//! The generator's output for every fixture spec compiles with the client runtime, with no
//! clippy warnings (as typify checks its snapshot output with trybuild), and its docs pass
//! rustdoc with warnings as errors and hold no doctest.
//!
//! For each fixture, the test assembles a crate from the hand-written runtime of
//! `generated-client` and the fixture's generated code (`stream_chat_tests::generated_check`),
//! then runs `cargo clippy -D warnings` on all of them at once; the fixtures made to trip
//! rustdoc (`docs`, `hostile_names`) also get `cargo doc` with `-D warnings`.

use stream_chat_tests::fixture_spec_texts;
use stream_chat_tests::generated_check::{count_doctests, workspace_root, CheckWorkspace};

/// The fixtures whose docs are documented with rustdoc too (it takes a few seconds a crate).
const DOCUMENTED: &[&str] = &["docs", "hostile_names"];

#[test]
fn every_fixture_compiles_without_warnings() {
    let root = workspace_root();
    let fixtures = stream_chat_tests::fixture_dirs("codegen");
    let mut workspace = CheckWorkspace::new("fixtures");
    for fixture in &fixtures {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        // The runtime's request path is used only through endpoints: every spec gets one.
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
        let scratch = root.join("target/generated-check/doctests").join(&name);
        let doctests = count_doctests(&files, &scratch).expect("rustdoc --test runs");
        assert_eq!(doctests, 0, "the docs of fixture {name} hold doctests");
        workspace.add(&format!("fixture-{name}"), &api, &files);
    }
    if let Err((failed, output)) = workspace.clippy() {
        panic!("the generated code of {failed:?} does not compile cleanly:\n{output}");
    }
    for name in DOCUMENTED {
        if let Err(output) = workspace.doc(&format!("fixture-{name}")) {
            panic!("rustdoc warns on the docs of fixture {name}:\n{output}");
        }
    }
}
