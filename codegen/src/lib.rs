//! The generator of the Stream Chat Rust client.
//!
//! It turns the YAML spec in `spec/` into the code under `generated-client/src/generated/`, in
//! five visible stages:
//!
//! 1. [`source`]: load the spec files (the only place that parses YAML);
//! 2. [`validate`]: check them together, reporting every problem with file and place;
//! 3. [`lower`]: resolve them into the [`model::Api`] (Rust names, types, boxing);
//! 4. [`emit`]: build one token stream per generated file with `quote`;
//! 5. [`format`](mod@format): print each with prettyplease under the `@generated` header.
//!
//! [`generate_dir`] runs them all; [`output`] writes the result or checks that it is fresh.
//! The output is deterministic byte for byte: it depends only on the spec's text.
//!
//! Two review tools reuse the first stages: [`diff`] compares two versions of the spec and
//! classifies each change for the wire and the Rust API; [`drift`] compares the spec with an
//! OpenAPI 3.0 document.

pub mod ast;
pub mod counts;
pub mod diagnostic;
pub mod diff;
pub mod drift;
pub mod emit;
pub mod features;
pub mod format;
pub mod lower;
pub mod model;
pub mod naming;
pub mod outline;
pub mod output;
pub mod parallel;
pub mod recursion;
pub mod release;
pub mod reserved;
pub mod reuse;
pub mod runtime_types;
pub mod sample;
pub mod source;
pub mod types;
pub mod validate;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use output::GeneratedFile;

use std::path::Path;

/// Runs every stage on the spec files in `spec_dir`.
pub fn generate_dir(spec_dir: &Path) -> Result<Vec<GeneratedFile>, Diagnostics> {
    generate(source::load_dir(spec_dir)?)
}

/// Runs every stage on spec texts given as `(display path, text)` pairs.
pub fn generate_texts(inputs: Vec<(String, String)>) -> Result<Vec<GeneratedFile>, Diagnostics> {
    generate(source::load_texts(inputs)?)
}

/// Loads, validates and lowers the spec files in `spec_dir` into the resolved model, for tools
/// (tests, diffs) that need the API's meaning rather than generated code.
pub fn load_api(spec_dir: &Path) -> Result<model::Api, Diagnostics> {
    checked_model(source::load_dir(spec_dir)?)
}

/// [`load_api`] for a client whose manifest declares `manual_features` by hand (from
/// [`features::declared_by_hand`]): an area named like one of them is refused too, before
/// anything is written (its generated feature would declare the name a second time).
pub fn load_api_for_manifest(
    spec_dir: &Path,
    manual_features: &[String],
) -> Result<model::Api, Diagnostics> {
    let files = source::load_dir(spec_dir)?;
    validate::validate_with_features(&files, manual_features)?;
    Ok(lower::lower(&files))
}

/// [`load_api`] for spec texts given as `(display path, text)` pairs.
pub fn load_api_texts(inputs: Vec<(String, String)>) -> Result<model::Api, Diagnostics> {
    checked_model(source::load_texts(inputs)?)
}

fn checked_model(files: Vec<source::SourceFile>) -> Result<model::Api, Diagnostics> {
    validate::validate(&files)?;
    Ok(lower::lower(&files))
}

/// Validates, lowers, emits and formats loaded spec files.
///
/// Files are emitted and formatted in parallel ([`parallel::map`]), the biggest first; the
/// result does not depend on the number of threads.
pub fn generate(files: Vec<source::SourceFile>) -> Result<Vec<GeneratedFile>, Diagnostics> {
    generate_api(&checked_model(files)?)
}

/// Emits and formats the files of an already lowered model (from [`load_api`]), for callers
/// that need the model too (`cargo xtask codegen` also writes the cargo features from it).
pub fn generate_api(api: &model::Api) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let results = parallel::map(
        emit::plan(api),
        |job| emit::weight(api, *job),
        |job| build_file(api, job),
    );
    let mut generated = Vec::with_capacity(results.len());
    let mut problems = Diagnostics::default();
    for result in results {
        match result {
            Ok(file) => generated.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(generated)
    } else {
        Err(problems)
    }
}

/// Emits and formats one file.
fn build_file(api: &model::Api, job: emit::FileJob) -> Result<GeneratedFile, Diagnostic> {
    let emitted = emit::emit_file(api, job);
    let formatted = match emitted.content {
        emit::Content::Tokens(tokens) => format::format_file(&emitted.path, tokens),
        emit::Content::Text(text) => Ok(text),
    };
    match formatted {
        Ok(contents) => Ok(GeneratedFile {
            path: emitted.path,
            contents,
        }),
        Err(message) => Err(Diagnostic {
            file: emitted.path,
            position: None,
            key_path: String::new(),
            message,
        }),
    }
}
