//! The documents' numbers come from the spec: the generated regions of both READMEs are what
//! `cargo xtask codegen` writes from today's `spec/`, and no sentence outside them types a count
//! of the API ("187 operations"), which the next spec change would make wrong. Fenced blocks
//! (commands and their output on fixtures) are examples, not claims about the API.
//!
//! The spec itself is a document reviewers read in diffs: no line of a spec file is longer than
//! [`MAX_SPEC_LINE`] characters.

use std::path::Path;

use stream_chat_codegen::counts;
use stream_chat_tests::spec_api;

/// The documents a user or maintainer reads, relative to the workspace.
const DOCUMENTS: [&str; 5] = [
    "README.md",
    "generated-client/README.md",
    "ARCHITECTURE.md",
    "spec/README.md",
    "generated-client/src/lib.rs",
];

/// Words that, after a number, make it a count of the API.
const COUNTED: [&str; 14] = [
    "operation",
    "area",
    "model",
    "schema",
    "event",
    "permission",
    "filter",
    "queries",
    "query",
    "sort",
    "setter",
    "object",
    "endpoint",
    "method",
];

/// The longest line a spec file may hold, in characters: a side-by-side diff shows it whole.
const MAX_SPEC_LINE: usize = 100;

fn read(document: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(document);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_readmes_carry_the_numbers_of_the_spec() {
    let region = counts::region(&spec_api());
    for document in ["README.md", "generated-client/README.md"] {
        assert!(
            read(document).contains(&region),
            "{document}: the numbers are stale; run `cargo xtask codegen`"
        );
    }
}

#[test]
fn no_document_types_a_count_of_the_api() {
    let mut typed = Vec::new();
    for document in DOCUMENTS {
        let text = read(document);
        // The generated region is written from the spec; everything else is hand-written.
        let hand_written = match (text.find(counts::BEGIN), text.find(counts::END)) {
            (Some(begin), Some(end)) => format!("{}{}", &text[..begin], &text[end..]),
            _ => text,
        };
        let mut in_example = false;
        for (number, line) in hand_written.lines().enumerate() {
            // Fenced blocks show commands and their output, on fixtures.
            if line.trim_start().starts_with("```") {
                in_example = !in_example;
            }
            if in_example {
                continue;
            }
            let words: Vec<&str> = line
                .split(|c: char| !c.is_ascii_alphanumeric() && c != ',')
                .filter(|w| !w.is_empty())
                .collect();
            for pair in words.windows(2) {
                let is_count = pair[0].starts_with(|c: char| c.is_ascii_digit())
                    && pair[0].chars().all(|c| c.is_ascii_digit() || c == ',');
                let counted = COUNTED.iter().any(|noun| pair[1].starts_with(noun));
                if is_count && counted {
                    typed.push(format!("{document}:{}: {}", number + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        typed.is_empty(),
        "counts typed by hand (use the generated table or no number):\n{}",
        typed.join("\n")
    );
}

#[test]
fn no_spec_line_is_longer_than_100_characters() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut folders = vec![spec.clone()];
    let mut long = Vec::new();
    let mut files = 0;
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("spec folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).expect("readable spec file");
            for (number, line) in text.lines().enumerate() {
                let length = line.chars().count();
                if length > MAX_SPEC_LINE {
                    let shown = path.strip_prefix(&spec).unwrap_or(&path).display();
                    long.push(format!("spec/{shown}:{}: {length} characters", number + 1));
                }
            }
        }
    }
    assert!(files > 1, "no spec files found under {}", spec.display());
    assert!(
        long.is_empty(),
        "lines longer than {MAX_SPEC_LINE} characters (fold the doc with `>-`, or write the \
         mapping in block style):\n{}",
        long.join("\n")
    );
}
