//! `cargo xtask`: the maintainers' command line (see the README).
//!
//! Each command parses its arguments here and calls the `stream-chat-codegen` library, which
//! holds the logic; `base.rs` reads a spec from a folder or a git revision, `release.rs` does
//! the I/O of `release`. `cargo xtask <command> --help` prints the command's part of [`USAGE`].

mod base;
mod bench_compile;
mod drift;
mod release;

use base::ReadError;
use lexopt::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stream_chat_codegen::diff::{self, render::Format, FailOn, Report};

/// The generator allocates many small token trees and syntax nodes; mimalloc is faster at that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask <command> [options]

commands:
  codegen           regenerate generated-client/src/generated/ from spec/
  codegen --check   fail with a diff when the committed generated code is stale
  bench-compile     time the generated client's build (see bench_compile.rs for the method)
      --runs N           runs per scenario (default 3; the median is shown)
      --area X           a single-area build to time (repeatable)
      --incremental-area X   the generated area file to edit for the incremental build
  release           bump stream-chat-client's version by Cargo's semver rules from the API
                    diff against the last release, and write its CHANGELOG.md section (the
                    notes under `## [Unreleased]` merged in); commits and tags nothing
      --base REF|DIR     the last release's spec (default: the newest tag
                         stream-chat-client-v*, which must be the manifest's version;
                         without any, the first release: no diff, the version stays)
      --dry-run          print the new version and section, write nothing
      --version X.Y.Z    this version instead (refused if smaller than the changes need)
      --date YYYY-MM-DD  the release date (default: today, UTC)
      --root DIR         the workspace to release (default: this one)
  diff              compare spec/ with a base version, for the wire and the Rust API
      --base REF|DIR     git revision or folder to compare with
                         (default: origin/main, or HEAD when there is none)
      --head DIR         the spec to compare (default: spec/ of the working tree)
      --format F         text (default), markdown or json
      --fail-on WHEN     exit 1 when a change is `breaking` (wire), `major` (Rust),
                         or on `any` change; default `never`
  drift             compare spec/ with Stream's OpenAPI documents and traffic records,
                    or write the spec YAML they call for (`cargo xtask drift --help`)

exit status: 0 success, 1 check failed (stale code, --fail-on), 2 could not run
";

/// Exit status when the command could not do its job (usage, git, an invalid spec).
const CANNOT_RUN: u8 = 2;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(CANNOT_RUN)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut parser = lexopt::Parser::from_env();
    let command = match parser.next().map_err(|e| e.to_string())? {
        Some(Value(command)) => command.string().map_err(|e| e.to_string())?,
        Some(Long("help") | Short('h')) | None => {
            print!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(other) => return Err(format!("{}\n\n{USAGE}", other.unexpected())),
    };
    match command.as_str() {
        "codegen" => codegen(parser),
        "release" => match release::parse(&mut parser)? {
            Some(options) => release::run(options, &workspace_root()),
            None => help("release"),
        },
        bench_compile::CHILD_COMMAND => {
            let args = rest(&mut parser)?;
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            Ok(bench_compile::child(&workspace_root(), &args))
        }
        "bench-compile" => {
            let args = rest(&mut parser)?;
            if args.iter().any(|arg| arg == "--help" || arg == "-h") {
                return help("bench-compile");
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let options = bench_compile::parse(&args).map_err(|e| format!("{e}\n\n{USAGE}"))?;
            Ok(bench_compile::run(&workspace_root(), &options))
        }
        "diff" => diff_command(parser),
        "drift" => drift::run(parser, &workspace_root()),
        "help" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

/// Prints the part of [`USAGE`] about one command (its lines, and the exit statuses).
fn help(command: &str) -> Result<ExitCode, String> {
    print!("{}", command_usage(command));
    Ok(ExitCode::SUCCESS)
}

/// The lines of [`USAGE`] that describe `command`: those starting with its name, two spaces
/// in, and the more indented lines under them.
fn command_usage(command: &str) -> String {
    let mut text = format!("usage: cargo xtask {command} [options]\n\n");
    let mut inside = false;
    for line in USAGE.lines() {
        if let Some(rest) = line.strip_prefix("  ") {
            if !rest.starts_with(' ') {
                inside = rest.split_whitespace().next() == Some(command);
            }
        } else if line.starts_with("exit status") {
            text.push('\n');
            inside = true;
        } else {
            inside = false;
        }
        if inside {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// The remaining arguments as they are (`bench-compile` parses its own, and its child passes
/// them on to cargo).
fn rest(parser: &mut lexopt::Parser) -> Result<Vec<String>, String> {
    Ok(parser
        .raw_args()
        .map_err(|e| e.to_string())?
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn value(parser: &mut lexopt::Parser) -> Result<String, String> {
    parser
        .value()
        .map_err(|e| e.to_string())?
        .string()
        .map_err(|e| e.to_string())
}

fn codegen(mut parser: lexopt::Parser) -> Result<ExitCode, String> {
    let mut check = false;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("check") => check = true,
            Long("help") | Short('h') => return help("codegen"),
            other => return Err(other.unexpected().to_string()),
        }
    }
    let root = workspace_root();
    let spec = root.join("spec");
    let out = root.join("generated-client/src/generated");
    let manifest = root.join("generated-client/Cargo.toml");
    let manifest_text = std::fs::read_to_string(&manifest)
        .map_err(|error| format!("cannot read {}: {error}", manifest.display()))?;
    // Everything is checked before anything is written: an empty spec folder, or an area named
    // like a feature the manifest declares by hand, stops here and deletes nothing.
    let manual_features = stream_chat_codegen::features::declared_by_hand(&manifest_text);
    let (files, api) = match stream_chat_codegen::load_api_for_manifest(&spec, &manual_features)
        .and_then(|api| Ok((stream_chat_codegen::generate_api(&api)?, api)))
    {
        Ok(result) => result,
        Err(problems) => {
            eprintln!("{problems}");
            return Ok(ExitCode::FAILURE);
        }
    };
    use stream_chat_codegen::{counts, features};
    let (cargo_features, numbers) = (features::region(&api), counts::region(&api));
    let regions = [
        (
            "generated-client/Cargo.toml",
            (features::BEGIN, features::END),
            &cargo_features,
        ),
        ("README.md", (counts::BEGIN, counts::END), &numbers),
        (
            "generated-client/README.md",
            (counts::BEGIN, counts::END),
            &numbers,
        ),
    ];
    for (file, markers, region) in regions {
        if let Err(message) = generated_region(&root.join(file), markers, region, check) {
            eprintln!("{message}");
            return Ok(ExitCode::FAILURE);
        }
    }
    if check {
        match stream_chat_codegen::output::check(&out, &files) {
            Ok(None) => {
                println!("generated code is fresh ({} files)", files.len());
                Ok(ExitCode::SUCCESS)
            }
            Ok(Some(report)) => {
                eprintln!("{report}");
                eprintln!(
                    "the generated code is stale: run `cargo xtask codegen` and commit the result"
                );
                Ok(ExitCode::FAILURE)
            }
            Err(error) => Err(format!("cannot read {}: {error}", out.display())),
        }
    } else {
        match stream_chat_codegen::output::write(&out, &files) {
            Ok(()) => {
                println!("wrote {} files to {}", files.len(), out.display());
                Ok(ExitCode::SUCCESS)
            }
            Err(error) => Err(format!("cannot write {}: {error}", out.display())),
        }
    }
}

fn read_error(side: &str, error: ReadError) -> String {
    match error {
        ReadError::Git(message) => message,
        ReadError::Spec(problems) if side == "base" => diff::DiffError::Base(problems).to_string(),
        ReadError::Spec(problems) => diff::DiffError::Head(problems).to_string(),
    }
}

fn diff_command(mut parser: lexopt::Parser) -> Result<ExitCode, String> {
    let (mut base, mut head, mut format, mut fail_on) = (None, None, Format::Text, FailOn::Never);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("base") => base = Some(value(&mut parser)?),
            Long("head") => head = Some(value(&mut parser)?),
            Long("format") => format = Format::parse(&value(&mut parser)?)?,
            Long("fail-on") => fail_on = FailOn::parse(&value(&mut parser)?)?,
            Long("help") | Short('h') => return help("diff"),
            other => return Err(other.unexpected().to_string()),
        }
    }
    let root = workspace_root();
    let base = base::read_base(base.as_deref(), &root).map_err(|e| read_error("base", e))?;
    let head = match head {
        Some(dir) => base::read_dir(Path::new(&dir), dir.clone()),
        None => base::read_dir(&root.join("spec"), "working tree".to_owned()),
    }
    .map_err(|e| read_error("head", e))?;
    let changes = diff::diff(&base.files, &head.files).map_err(|e| e.to_string())?;
    let report = Report {
        base: base.label,
        head: head.label,
        changes,
    };
    print!("{}", format.render(&report));
    Ok(if fail_on.fails(&report) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes (or, with `check`, compares) the generated region of a hand-written file, between
/// its `(begin, end)` markers: the `[features]` of the client's manifest, the numbers in the
/// READMEs.
fn generated_region(
    path: &Path,
    (begin, end): (&str, &str),
    region: &str,
    check: bool,
) -> Result<(), String> {
    let current = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let updated = stream_chat_codegen::output::splice_region(&current, begin, end, region)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    if updated == current {
        return Ok(());
    }
    if check {
        return Err(format!(
            "the generated part of {} is stale: run `cargo xtask codegen` and commit the result",
            path.display()
        ));
    }
    std::fs::write(path, updated)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
}
