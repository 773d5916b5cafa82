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

pub mod ast;
pub mod diagnostic;
pub mod emit;
pub mod format;
pub mod lower;
pub mod model;
pub mod naming;
pub mod output;
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

/// Validates, lowers, emits and formats loaded spec files.
pub fn generate(files: Vec<source::SourceFile>) -> Result<Vec<GeneratedFile>, Diagnostics> {
    validate::validate(&files)?;
    let api = lower::lower(&files);
    let mut generated = Vec::new();
    for emitted in emit::emit(&api) {
        let contents = format::format_file(&emitted.path, emitted.tokens).map_err(|message| {
            Diagnostics(vec![Diagnostic {
                file: emitted.path.clone(),
                position: None,
                key_path: String::new(),
                message,
            }])
        })?;
        generated.push(GeneratedFile {
            path: emitted.path,
            contents,
        });
    }
    Ok(generated)
}
