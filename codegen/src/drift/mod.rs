//! Drift between `spec/` and what Stream says (`cargo xtask drift`): its two OpenAPI
//! documents, and the mismatches a client recorded in real traffic. It lists what is on one
//! side only or different, sets apart what the reviewed deviations excuse, and can write the
//! spec YAML for what the documents add ([`write`](mod@write)).
//!
//! Both sides are read into one `Shape` (`shape.rs`) in the spec language's terms: `spec.rs`
//! reads the validated spec, `openapi.rs` each document, `documents.rs` merges the server-side
//! and the client-side document; `compare.rs` lists the [`Finding`]s, `observed.rs` turns
//! traffic records into findings, `deviations.rs` matches them with the reviewed deviations,
//! `render.rs` prints the [`Report`].

mod compare;
pub mod deviations;
pub mod documents;
pub mod finding;
pub mod observed;
mod openapi;
pub mod render;
mod shape;
mod spec;
pub mod write;

pub use deviations::{Deviation, Deviations, Reviewed, Stale};
pub use documents::Side;
pub use finding::{Entity, Finding, FindingKind, Source, Target};
pub use render::{json, text};

use crate::diagnostic::Diagnostics;
use crate::source::SourceFile;
use std::fmt;

/// The prefixes dropped from OpenAPI paths when none are given: older documents put the chat
/// endpoints under `/api/v2/chat` (and some under `/api/v2`), while `spec/` paths start after
/// the base URL (as Stream's current documents do).
pub const DEFAULT_PREFIXES: [&str; 2] = ["/api/v2/chat", "/api/v2"];

/// The version of the JSON format of [`json`].
pub const FORMAT_VERSION: u32 = 2;

/// The marker `--write` puts where the spec needs a doc in our own words; validation refuses
/// it, so nobody forgets one (and Stream's prose is never copied in its place).
pub const DOC_MARKER: &str = "TODO(drift)";

/// One OpenAPI document to compare with.
#[derive(Debug, Clone)]
pub struct DocumentInput {
    /// How the output names it (its file name).
    pub label: String,
    pub side: Side,
    /// JSON or YAML.
    pub text: String,
}

/// Mismatch records collected from real traffic (JSON lines).
#[derive(Debug, Clone)]
pub struct ObservedInput {
    pub label: String,
    pub text: String,
}

/// What to compare the spec with.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// At most one per side.
    pub documents: Vec<DocumentInput>,
    /// Dropped from the start of the documents' paths.
    pub prefixes: Vec<String>,
    pub observed: Option<ObservedInput>,
    /// The reviewed deviations, when a file is used.
    pub deviations: Option<Deviations>,
}

/// A document as the report describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    pub label: String,
    pub side: Side,
    /// `info.version`.
    pub version: Option<String>,
}

/// The result of a drift run.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// How the spec is named, e.g. `spec`.
    pub spec: String,
    /// The spec's `api_version`.
    pub api_version: Option<String>,
    pub documents: Vec<DocumentSummary>,
    /// The traffic records read, when any.
    pub observed: Option<observed::Summary>,
    /// The deviations file used, when any.
    pub deviations: Option<Deviations>,
    /// Sorted by group (version, operations, schemas, events), location, kind, attribute.
    pub findings: Vec<Finding>,
    /// Findings a reviewed deviation excuses.
    pub reviewed: Vec<Reviewed>,
    /// Deviation entries that excuse nothing.
    pub stale: Vec<Stale>,
}

impl Report {
    /// The number of findings of a kind.
    pub fn count(&self, kind: FindingKind) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }

    /// True when there is nothing to act on: no finding and no stale deviation.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.stale.is_empty()
    }
}

/// A drift run, with what `--write` needs besides the report.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub report: Report,
    spec: shape::Shape,
    theirs: shape::Shape,
}

/// Why drift could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriftError {
    /// The spec does not load or validate.
    Spec(Diagnostics),
    /// A document is not JSON or YAML, or not OpenAPI 3; or the documents do not fit
    /// together. The message names the document.
    OpenApi(String),
}

impl fmt::Display for DriftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriftError::Spec(problems) => write!(f, "the spec is invalid:\n{problems}"),
            DriftError::OpenApi(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DriftError {}

/// Parses an OpenAPI document: JSON when it starts with `{`, YAML otherwise.
pub fn parse_document(text: &str) -> Result<serde_json::Value, String> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))
    } else {
        crate::source::parse_yaml_value(text).map_err(|e| format!("invalid YAML at {e}"))
    }
}

/// Validates the spec, allowing only the doc markers `--write` leaves: drift runs between a
/// `--write` and the docs a person writes.
pub fn validate_allowing_markers(files: &[SourceFile]) -> Result<(), Diagnostics> {
    match crate::validate::validate(files) {
        Ok(()) => Ok(()),
        Err(problems) => {
            let real: Vec<_> = problems
                .0
                .into_iter()
                .filter(|problem| !problem.message.contains(DOC_MARKER))
                .collect();
            if real.is_empty() {
                Ok(())
            } else {
                Err(Diagnostics(real))
            }
        }
    }
}

/// Compares the spec with the documents and the traffic records of `inputs`.
pub fn analyse(files: &[SourceFile], label: &str, inputs: &Inputs) -> Result<Analysis, DriftError> {
    validate_allowing_markers(files).map_err(DriftError::Spec)?;
    let ours = spec::shape(files);
    let mut documents = Vec::new();
    let mut summaries = Vec::new();
    for input in &inputs.documents {
        let named = |message: String| {
            DriftError::OpenApi(format!("the OpenAPI document {}: {message}", input.label))
        };
        let value = parse_document(&input.text).map_err(named)?;
        let document = openapi::parse(&value, &inputs.prefixes).map_err(named)?;
        if let Some(other) = summaries
            .iter()
            .find(|s: &&DocumentSummary| s.side == input.side)
        {
            return Err(DriftError::OpenApi(format!(
                "the OpenAPI documents {} and {} are both {}-side documents; give one of each (a client-side document has `clientside` in its name)",
                other.label,
                input.label,
                input.side.as_str()
            )));
        }
        summaries.push(DocumentSummary {
            label: input.label.clone(),
            side: input.side,
            version: document.version.clone(),
        });
        documents.push((input.side, document));
    }
    if let [a, b] = summaries.as_slice() {
        if a.version != b.version {
            let show = |s: &DocumentSummary| s.version.clone().unwrap_or_else(|| "none".to_owned());
            return Err(DriftError::OpenApi(format!(
                "the OpenAPI documents are of different versions: {} is {}, {} is {}",
                a.label,
                show(a),
                b.label,
                show(b)
            )));
        }
    }
    let theirs = documents::merge(documents);
    let mut findings = Vec::new();
    let mut judged = Vec::new();
    if !summaries.is_empty() {
        findings = compare::compare(&ours, &theirs);
        if summaries.len() == 2 {
            judged.push(Source::OpenApi);
        }
    }
    let observed = inputs.observed.as_ref().map(|input| {
        let (summary, traffic) = observed::findings(&ours, &input.label, &input.text);
        findings.extend(traffic);
        judged.push(Source::Traffic);
        summary
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let (findings, reviewed, stale) = match &inputs.deviations {
        Some(deviations) => deviations.apply(findings, &judged),
        None => (findings, Vec::new(), Vec::new()),
    };
    Ok(Analysis {
        report: Report {
            spec: label.to_owned(),
            api_version: ours.api_version.clone(),
            documents: summaries,
            observed,
            deviations: inputs.deviations.clone(),
            findings,
            reviewed,
            stale,
        },
        spec: ours,
        theirs,
    })
}

/// [`analyse`], for callers that only want the report.
pub fn drift(files: &[SourceFile], label: &str, inputs: &Inputs) -> Result<Report, DriftError> {
    analyse(files, label, inputs).map(|analysis| analysis.report)
}
