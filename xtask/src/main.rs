//! `cargo xtask`: the maintainers' command line (see the README).

mod bench_compile;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen           regenerate generated-client/src/generated/ from spec/
  codegen --check   fail with a diff when the committed generated code is stale
  bench-compile     time the generated client's build (options: --runs N, --area X
                    (repeatable), --incremental-area X)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["bench-compile", options @ ..] => match bench_compile::parse(options) {
            Ok(options) => bench_compile::run(&workspace_root(), &options),
            Err(message) => {
                eprint!("{message}\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        ["help" | "--help" | "-h"] | [] => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("unknown command: {}\n\n{USAGE}", args.join(" "));
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn codegen(check: bool) -> ExitCode {
    let root = workspace_root();
    let spec = root.join("spec");
    let out = root.join("generated-client/src/generated");
    let (files, api) = match stream_chat_codegen::generate_dir(&spec)
        .and_then(|files| Ok((files, stream_chat_codegen::load_api(&spec)?)))
    {
        Ok(result) => result,
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(message) = cargo_features(&root.join("generated-client/Cargo.toml"), &api, check) {
        eprintln!("{message}");
        return ExitCode::FAILURE;
    }
    if check {
        match stream_chat_codegen::output::check(&out, &files) {
            Ok(None) => {
                println!("generated code is fresh ({} files)", files.len());
                ExitCode::SUCCESS
            }
            Ok(Some(report)) => {
                eprintln!("{report}");
                eprintln!(
                    "the generated code is stale: run `cargo xtask codegen` and commit the result"
                );
                ExitCode::FAILURE
            }
            Err(error) => {
                eprintln!("cannot read {}: {error}", out.display());
                ExitCode::FAILURE
            }
        }
    } else {
        match stream_chat_codegen::output::write(&out, &files) {
            Ok(()) => {
                println!("wrote {} files to {}", files.len(), out.display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("cannot write {}: {error}", out.display());
                ExitCode::FAILURE
            }
        }
    }
}

/// Writes (or, with `check`, compares) the generated `[features]` region of the client's manifest.
fn cargo_features(
    manifest: &Path,
    api: &stream_chat_codegen::model::Api,
    check: bool,
) -> Result<(), String> {
    use stream_chat_codegen::features;
    let current = std::fs::read_to_string(manifest)
        .map_err(|error| format!("cannot read {}: {error}", manifest.display()))?;
    let updated = features::splice(&current, &features::region(api))
        .map_err(|error| format!("{}: {error}", manifest.display()))?;
    if updated == current {
        return Ok(());
    }
    if check {
        return Err(format!(
            "the cargo features in {} are stale: run `cargo xtask codegen` and commit the result",
            manifest.display()
        ));
    }
    std::fs::write(manifest, updated)
        .map_err(|error| format!("cannot write {}: {error}", manifest.display()))
}
