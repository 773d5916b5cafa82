//! Snapshots of the generator: its output for one small fixture spec per language feature, and
//! its messages for broken specs. `cargo insta review` shows what a change does.

use stream_chat_tests::{fixture_dirs, fixture_spec_texts};

#[test]
fn generated_code_for_each_language_feature() {
    for dir in fixture_dirs("codegen") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let files = stream_chat_codegen::generate_texts(fixture_spec_texts(&dir))
            .unwrap_or_else(|problems| panic!("fixture {name} is valid, but:\n{problems}"));
        let mut shown = String::new();
        for file in &files {
            shown.push_str(&format!("==> {} <==\n{}\n", file.path, file.contents));
        }
        insta::assert_snapshot!(format!("generated_{name}"), shown);
    }
}

#[test]
fn validation_messages_for_broken_specs() {
    for dir in fixture_dirs("invalid") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let problems = match stream_chat_codegen::generate_texts(fixture_spec_texts(&dir)) {
            Ok(_) => panic!("fixture {name} is broken on purpose, but it generated"),
            Err(problems) => problems,
        };
        insta::assert_snapshot!(format!("invalid_{name}"), problems.to_string());
    }
}

#[test]
fn generation_is_deterministic() {
    for dir in fixture_dirs("codegen") {
        let first =
            stream_chat_codegen::generate_texts(fixture_spec_texts(&dir)).expect("valid fixture");
        let second =
            stream_chat_codegen::generate_texts(fixture_spec_texts(&dir)).expect("valid fixture");
        assert_eq!(first, second, "{}", dir.display());
    }
}
