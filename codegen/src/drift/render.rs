//! The [`Report`] as text (one line per finding) and as versioned JSON.

use super::{Finding, FindingKind, Report, FORMAT_VERSION};
use serde::Serialize;

/// The headline, one line per finding, then the reviewed deviations applied, the stale ones,
/// and the traffic lines that were skipped.
pub fn text(report: &Report) -> String {
    let mut out = format!("drift {}", report.spec);
    if let Some(version) = &report.api_version {
        out.push_str(&format!(" ({version})"));
    }
    let mut compared: Vec<String> = report
        .documents
        .iter()
        .map(|d| {
            let version = d.version.as_deref().unwrap_or("no version");
            format!("{} ({}-side, {version})", d.label, d.side.as_str())
        })
        .collect();
    if let Some(observed) = &report.observed {
        compared.push(format!("{} ({} records)", observed.label, observed.records));
    }
    out.push_str(&format!(" vs {}: ", compared.join(", ")));
    if report.findings.is_empty() {
        out.push_str("no findings");
    } else {
        out.push_str(&format!(
            "{} findings ({} only in spec/, {} only in OpenAPI, {} only in traffic, {} different)",
            report.findings.len(),
            report.count(FindingKind::OnlyInSpec),
            report.count(FindingKind::OnlyInOpenApi),
            report.count(FindingKind::OnlyInTraffic),
            report.count(FindingKind::Different),
        ));
    }
    if let Some(deviations) = &report.deviations {
        out.push_str(&format!(
            "; {} reviewed, {} stale ({})",
            report.reviewed.len(),
            report.stale.len(),
            deviations.file
        ));
    }
    out.push('\n');
    for finding in &report.findings {
        out.push_str(&line(finding));
    }
    if let Some(deviations) = &report.deviations {
        if !report.reviewed.is_empty() {
            out.push_str(&format!(
                "\nreviewed deviations applied ({}):\n",
                report.reviewed.len()
            ));
            for reviewed in &report.reviewed {
                let entry = &deviations.entries[reviewed.entry];
                out.push_str(&format!(
                    "  {}: {} [{}:{}]\n",
                    reviewed.finding.location,
                    reviewed.finding.description(),
                    deviations.file,
                    entry.line
                ));
            }
        }
        if !report.stale.is_empty() {
            out.push_str(&format!(
                "\nstale deviations ({}): they match no finding any more; remove them or update their values:\n",
                report.stale.len()
            ));
            for stale in &report.stale {
                let entry = &deviations.entries[stale.entry];
                out.push_str(&format!(
                    "  {}:{}: {} {} ({})\n",
                    deviations.file,
                    entry.line,
                    entry.entity.as_str(),
                    stale.location,
                    entry.what()
                ));
            }
        }
    }
    if let Some(observed) = &report.observed {
        if !observed.problems.is_empty() {
            out.push_str(&format!(
                "\n{}: {} lines skipped or ignored:\n",
                observed.label,
                observed.problems.len()
            ));
            for (line, problem) in &observed.problems {
                out.push_str(&format!("  line {line}: {problem}\n"));
            }
        }
    }
    out
}

/// One finding as a line of the text output.
pub fn line(finding: &Finding) -> String {
    format!(
        "{:<15} {}: {}\n",
        finding.kind.as_str(),
        finding.location,
        finding.description()
    )
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    spec: &'a str,
    api_version: Option<&'a str>,
    documents: Vec<JsonDocument<'a>>,
    observed: Option<JsonObserved<'a>>,
    deviations: Option<&'a str>,
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
    reviewed: Vec<JsonReviewed<'a>>,
    stale: Vec<JsonStale<'a>>,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    file: &'a str,
    side: &'static str,
    version: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonObserved<'a> {
    file: &'a str,
    records: u64,
    settled: u64,
    problems: Vec<JsonProblem<'a>>,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    line: usize,
    problem: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    findings: usize,
    only_in_spec: usize,
    only_in_openapi: usize,
    only_in_traffic: usize,
    different: usize,
    reviewed: usize,
    stale: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    kind: &'static str,
    source: &'static str,
    entity: &'static str,
    location: &'a str,
    attribute: Option<&'static str>,
    spec: Option<&'a str>,
    other: Option<&'a str>,
    count: Option<u64>,
    example: Option<&'a str>,
    description: String,
}

#[derive(Serialize)]
struct JsonReviewed<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    line: usize,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonStale<'a> {
    line: usize,
    entity: &'static str,
    location: &'a str,
    what: String,
    reason: &'a str,
}

fn json_finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        kind: f.kind.as_str(),
        source: f.source.as_str(),
        entity: f.entity.as_str(),
        location: &f.location,
        attribute: f.attribute,
        spec: f.spec.as_deref(),
        other: f.theirs.as_deref(),
        count: f.count,
        example: f.example.as_deref(),
        description: f.description(),
    }
}

/// The JSON document (format version [`FORMAT_VERSION`]); keys always appear, in a fixed
/// order.
pub fn json(report: &Report) -> String {
    let entries = report
        .deviations
        .as_ref()
        .map(|d| d.entries.as_slice())
        .unwrap_or_default();
    let document = JsonReport {
        format_version: FORMAT_VERSION,
        spec: &report.spec,
        api_version: report.api_version.as_deref(),
        documents: report
            .documents
            .iter()
            .map(|d| JsonDocument {
                file: &d.label,
                side: d.side.as_str(),
                version: d.version.as_deref(),
            })
            .collect(),
        observed: report.observed.as_ref().map(|o| JsonObserved {
            file: &o.label,
            records: o.records,
            settled: o.settled,
            problems: o
                .problems
                .iter()
                .map(|(line, problem)| JsonProblem {
                    line: *line,
                    problem,
                })
                .collect(),
        }),
        deviations: report.deviations.as_ref().map(|d| d.file.as_str()),
        summary: JsonSummary {
            findings: report.findings.len(),
            only_in_spec: report.count(FindingKind::OnlyInSpec),
            only_in_openapi: report.count(FindingKind::OnlyInOpenApi),
            only_in_traffic: report.count(FindingKind::OnlyInTraffic),
            different: report.count(FindingKind::Different),
            reviewed: report.reviewed.len(),
            stale: report.stale.len(),
        },
        findings: report.findings.iter().map(json_finding).collect(),
        reviewed: report
            .reviewed
            .iter()
            .map(|r| JsonReviewed {
                finding: json_finding(&r.finding),
                line: entries[r.entry].line,
                reason: &entries[r.entry].reason,
            })
            .collect(),
        stale: report
            .stale
            .iter()
            .map(|s| JsonStale {
                line: entries[s.entry].line,
                entity: entries[s.entry].entity.as_str(),
                location: &s.location,
                what: entries[s.entry].what(),
                reason: &entries[s.entry].reason,
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("the report serializes");
    text.push('\n');
    text
}
