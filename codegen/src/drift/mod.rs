//! Drift between `spec/` and an OpenAPI 3.0 document (`cargo xtask drift`): what is on one
//! side only, or different, so a maintainer sees what to edit when Stream's docs change.
//!
//! Both sides are brought to one [`Shape`] in the spec language's terms: [`openapi`] reads
//! the document, `compare.rs` reads the validated spec and lists the [`Finding`]s. Operations
//! are matched by method and path (placeholder names aside), schemas by name, event types by
//! type string.

mod compare;
pub mod openapi;

use crate::diagnostic::Diagnostics;
use crate::source::SourceFile;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The prefixes dropped from OpenAPI paths when none are given: Stream's documents put the
/// chat endpoints under `/api/v2/chat` (and some under `/api/v2`), while `spec/` paths start
/// after the base URL.
pub const DEFAULT_PREFIXES: [&str; 2] = ["/api/v2/chat", "/api/v2"];

/// The version of the JSON format of [`json`].
pub const FORMAT_VERSION: u32 = 1;

/// Operations, schemas and event types in the spec language's terms.
#[derive(Debug, Default)]
pub struct Shape {
    /// By (`GET`/`POST`/..., path with placeholders as `{}`).
    operations: BTreeMap<(String, String), Operation>,
    schemas: BTreeMap<String, SchemaShape>,
    /// Event type → payload schema.
    events: BTreeMap<String, String>,
}

#[derive(Debug, Default)]
struct Operation {
    /// Endpoint name or `operationId`.
    name: String,
    path: String,
    /// By (`path` or `query`, name).
    params: BTreeMap<(String, String), Param>,
    body: Option<String>,
    response: Option<String>,
    status: Option<u16>,
}

#[derive(Debug)]
struct Param {
    ty: String,
    required: bool,
    values: Option<Vec<String>>,
}

#[derive(Debug)]
enum SchemaShape {
    Object(Object),
    Enum(Vec<String>),
    Alias(String),
}

#[derive(Debug, Default)]
struct Object {
    fields: BTreeMap<String, Field>,
    custom_data: bool,
}

#[derive(Debug)]
struct Field {
    ty: String,
    required: bool,
    nullable: bool,
    values: Option<Vec<String>>,
}

/// A path with its placeholder names dropped, for matching: `/a/{id}` → `/a/{}`.
fn path_key(path: &str) -> String {
    let mut key = String::with_capacity(path.len());
    let mut in_placeholder = false;
    for c in path.trim_end_matches('/').chars() {
        match c {
            '{' => {
                in_placeholder = true;
                key.push('{');
            }
            '}' => {
                in_placeholder = false;
                key.push('}');
            }
            _ if in_placeholder => {}
            _ => key.push(c),
        }
    }
    key
}

/// Where a finding was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    /// In `spec/`, not in the OpenAPI document.
    OnlyInSpec,
    /// In the OpenAPI document, not in `spec/`.
    OnlyInOpenApi,
    /// On both sides, with an attribute that differs.
    Different,
}

impl FindingKind {
    /// `only-in-spec`, `only-in-openapi` or `different`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::OnlyInSpec => "only-in-spec",
            FindingKind::OnlyInOpenApi => "only-in-openapi",
            FindingKind::Different => "different",
        }
    }
}

/// One difference between `spec/` and the OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which side has it, or that both differ.
    pub kind: FindingKind,
    /// `operation`, `path-param`, `query-param`, `schema`, `field`, `enum-value` or `event`.
    pub entity: &'static str,
    /// `METHOD /path`, `METHOD /path query.name`, `Schema`, `Schema.field`, or an event type.
    pub location: String,
    /// For `different`: `body`, `response`, `status`, `kind`, `type`, `required`, `nullable`
    /// or `payload`.
    pub attribute: Option<&'static str>,
    /// The spec's side: its value, or what it has (e.g. the endpoint name).
    pub spec: Option<String>,
    /// The OpenAPI side.
    pub openapi: Option<String>,
}

impl Finding {
    /// The finding in words.
    pub fn description(&self) -> String {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_owned());
        match self.kind {
            FindingKind::OnlyInSpec => match &self.spec {
                Some(detail) => format!("{} only in spec/ ({detail})", self.entity),
                None => format!("{} only in spec/", self.entity),
            },
            FindingKind::OnlyInOpenApi => match &self.openapi {
                Some(detail) => format!("{} only in OpenAPI ({detail})", self.entity),
                None => format!("{} only in OpenAPI", self.entity),
            },
            FindingKind::Different => format!(
                "`{}`: spec/ {}, OpenAPI {}",
                self.attribute.unwrap_or_default(),
                show(&self.spec),
                show(&self.openapi)
            ),
        }
    }
}

/// The findings, with labels for the two sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// How the spec is named, e.g. `spec`.
    pub spec: String,
    /// How the OpenAPI document is named, e.g. its file name.
    pub openapi: String,
    /// Sorted by entity group (operations, schemas, events), location and attribute.
    pub findings: Vec<Finding>,
}

impl Report {
    fn count(&self, kind: FindingKind) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }
}

/// Why drift could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriftError {
    /// The spec does not load or validate.
    Spec(Diagnostics),
    /// The OpenAPI document is not JSON or YAML, or not OpenAPI 3.
    OpenApi(String),
}

impl fmt::Display for DriftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriftError::Spec(problems) => write!(f, "the spec is invalid:\n{problems}"),
            DriftError::OpenApi(message) => write!(f, "the OpenAPI document: {message}"),
        }
    }
}

impl std::error::Error for DriftError {}

/// Parses an OpenAPI document: JSON when it starts with `{`, YAML otherwise.
pub fn parse_document(text: &str) -> Result<serde_json::Value, DriftError> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| DriftError::OpenApi(format!("invalid JSON: {e}")))
    } else {
        crate::source::parse_yaml_value(text)
            .map_err(|e| DriftError::OpenApi(format!("invalid YAML at {e}")))
    }
}

/// Validates the spec and lists its drift from the OpenAPI document (JSON or YAML text);
/// `prefixes` are dropped from the start of OpenAPI paths.
pub fn drift(
    files: &[SourceFile],
    openapi_text: &str,
    prefixes: &[String],
) -> Result<Vec<Finding>, DriftError> {
    crate::validate::validate(files).map_err(DriftError::Spec)?;
    let document = parse_document(openapi_text)?;
    let theirs = openapi::parse(&document, prefixes).map_err(DriftError::OpenApi)?;
    let ours = compare::spec_shape(files);
    Ok(compare::compare(&ours, &theirs))
}

/// One line per finding, after a headline with the counts.
pub fn text(report: &Report) -> String {
    let mut out = format!("drift {} vs {}: ", report.spec, report.openapi);
    if report.findings.is_empty() {
        out.push_str("no differences\n");
        return out;
    }
    out.push_str(&format!(
        "{} differences ({} only in spec/, {} only in OpenAPI, {} different)\n",
        report.findings.len(),
        report.count(FindingKind::OnlyInSpec),
        report.count(FindingKind::OnlyInOpenApi),
        report.count(FindingKind::Different),
    ));
    for finding in &report.findings {
        out.push_str(&format!(
            "{:<15} {}: {}\n",
            finding.kind.as_str(),
            finding.location,
            finding.description()
        ));
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    spec: &'a str,
    openapi: &'a str,
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    differences: usize,
    only_in_spec: usize,
    only_in_openapi: usize,
    different: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    kind: &'static str,
    entity: &'static str,
    location: &'a str,
    attribute: Option<&'static str>,
    spec: Option<&'a str>,
    openapi: Option<&'a str>,
}

/// The JSON document (format version [`FORMAT_VERSION`]); keys always appear, in a fixed
/// order.
pub fn json(report: &Report) -> String {
    let document = JsonReport {
        format_version: FORMAT_VERSION,
        spec: &report.spec,
        openapi: &report.openapi,
        summary: JsonSummary {
            differences: report.findings.len(),
            only_in_spec: report.count(FindingKind::OnlyInSpec),
            only_in_openapi: report.count(FindingKind::OnlyInOpenApi),
            different: report.count(FindingKind::Different),
        },
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding {
                kind: f.kind.as_str(),
                entity: f.entity,
                location: &f.location,
                attribute: f.attribute,
                spec: f.spec.as_deref(),
                openapi: f.openapi.as_deref(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("the report serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_names_do_not_matter_for_matching() {
        assert_eq!(path_key("/channels/{type}/{id}"), "/channels/{}/{}");
        assert_eq!(path_key("/channels/{channel_type}/{x}/"), "/channels/{}/{}");
    }
}
