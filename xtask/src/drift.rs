//! `cargo xtask drift`: reads the spec, Stream's documents, the traffic records and the
//! reviewed deviations, prints the report (or writes the spec YAML with `--write`). The logic
//! is `stream_chat_codegen::drift`.

use lexopt::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use stream_chat_codegen::drift::{
    self, deviations, Deviations, DocumentInput, Inputs, ObservedInput, Side,
};

pub(crate) const USAGE: &str = "usage: cargo xtask drift [options]

Compares spec/ with Stream's OpenAPI documents and with mismatch records collected from real
traffic; reviewed deviations are listed apart. docs/api-changes.md explains every finding.

options:
  --openapi FILE     an OpenAPI 3 document (JSON or YAML), once per document: the server-side
                     chat-openapi.json and the client-side chat-openapi-clientside.json (a file
                     name with `clientside` is the client-side one; `client=FILE` or
                     `server=FILE` says so outright)
  --observed FILE    mismatch records from the client (JSON lines)
  --spec DIR         the spec to compare (default: spec/)
  --deviations FILE  the reviewed deviations (default: DIR/reviewed/deviations.yaml when it
                     exists; `none` to use none)
  --strip-prefix P   drop P from the start of OpenAPI paths (repeatable;
                     default: /api/v2/chat and /api/v2)
  --format F         text (default) or json
  --fail-on WHEN     exit 1 on `any` finding or stale deviation; default `never`
  --write            write spec YAML for what the documents and the traffic add or change
                     (docs become `TODO(drift)` markers that `cargo xtask codegen` refuses)
  -h, --help         this text

exit status: 0 success, 1 --fail-on triggered, 2 could not run
";

#[derive(Default)]
struct Options {
    documents: Vec<String>,
    observed: Option<String>,
    spec: Option<String>,
    deviations: Option<String>,
    prefixes: Vec<String>,
    json: bool,
    fail: bool,
    write: bool,
}

fn parse(mut parser: lexopt::Parser) -> Result<Option<Options>, String> {
    let mut options = Options::default();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("help") | Short('h') => return Ok(None),
            Long("openapi") => options.documents.push(crate::value(&mut parser)?),
            Long("observed") => options.observed = Some(crate::value(&mut parser)?),
            Long("spec") => options.spec = Some(crate::value(&mut parser)?),
            Long("deviations") => options.deviations = Some(crate::value(&mut parser)?),
            Long("strip-prefix") => options.prefixes.push(crate::value(&mut parser)?),
            Long("write") => options.write = true,
            Long("format") => {
                options.json = match crate::value(&mut parser)?.as_str() {
                    "text" => false,
                    "json" => true,
                    other => return Err(format!("unknown format `{other}`: use text or json")),
                }
            }
            Long("fail-on") => {
                options.fail = match crate::value(&mut parser)?.as_str() {
                    "never" => false,
                    "any" => true,
                    other => {
                        return Err(format!(
                            "unknown --fail-on value `{other}`: use any or never"
                        ))
                    }
                }
            }
            other => return Err(format!("{}\n\n{USAGE}", other.unexpected())),
        }
    }
    Ok(Some(options))
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// `client=FILE`, `server=FILE`, or a file whose name says its side.
fn document(arg: &str) -> Result<DocumentInput, String> {
    let (side, path) = match arg.split_once('=') {
        Some(("client", path)) => (Side::Client, path),
        Some(("server", path)) => (Side::Server, path),
        _ => (Side::from_file_name(arg), arg),
    };
    Ok(DocumentInput {
        label: path.to_owned(),
        side,
        text: read(path)?,
    })
}

pub(crate) fn run(parser: lexopt::Parser, root: &Path) -> Result<ExitCode, String> {
    let Some(options) = parse(parser)? else {
        print!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    };
    if options.documents.is_empty() && options.observed.is_none() {
        return Err(format!(
            "drift needs --openapi FILE (once per document) or --observed FILE\n\n{USAGE}"
        ));
    }
    let (spec_dir, spec_label) = match &options.spec {
        Some(dir) => (PathBuf::from(dir), dir.clone()),
        None => (root.join("spec"), "spec".to_owned()),
    };
    let deviations_path = match options.deviations.as_deref() {
        Some("none") => None,
        Some(path) => Some(PathBuf::from(path)),
        None => Some(spec_dir.join(deviations::PATH_IN_SPEC)).filter(|p| p.exists()),
    };
    let deviations = match &deviations_path {
        Some(path) => {
            let shown = path.display().to_string();
            let text = read(&shown)?;
            let parsed = Deviations::parse(&shown, &text).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                format!("the reviewed deviations are invalid:\n{}", lines.join("\n"))
            })?;
            Some(parsed)
        }
        None => None,
    };
    let inputs = Inputs {
        documents: options
            .documents
            .iter()
            .map(|arg| document(arg))
            .collect::<Result<_, _>>()?,
        prefixes: if options.prefixes.is_empty() {
            drift::DEFAULT_PREFIXES
                .iter()
                .map(|p| p.to_string())
                .collect()
        } else {
            options.prefixes.clone()
        },
        observed: match &options.observed {
            Some(path) => Some(ObservedInput {
                label: path.clone(),
                text: read(path)?,
            }),
            None => None,
        },
        deviations,
    };
    let files = stream_chat_codegen::source::load_dir(&spec_dir)
        .map_err(|problems| drift::DriftError::Spec(problems).to_string())?;
    let started = Instant::now();
    let analysis = drift::analyse(&files, &spec_label, &inputs).map_err(|e| e.to_string())?;
    if options.write {
        return write(&files, &spec_dir, &analysis, started);
    }
    let report = &analysis.report;
    print!(
        "{}",
        if options.json {
            drift::json(report)
        } else {
            drift::text(report)
        }
    );
    Ok(if options.fail && !report.is_clean() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn write(
    files: &[stream_chat_codegen::source::SourceFile],
    spec_dir: &Path,
    analysis: &drift::Analysis,
    started: Instant,
) -> Result<ExitCode, String> {
    let written = drift::write::apply(files, spec_dir, analysis);
    for file in &written.files {
        std::fs::write(&file.path, &file.text)
            .map_err(|e| format!("cannot write {}: {e}", file.path.display()))?;
    }
    print!("{}", drift::write::summary(&written));
    println!("took {} ms", started.elapsed().as_millis());
    Ok(ExitCode::SUCCESS)
}
