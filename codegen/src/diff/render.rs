//! Prints a [`Report`]: terse text (the default), markdown for a pull-request comment, or
//! JSON (the stable, documented format of `docs/api-changes.md`, [`FORMAT_VERSION`]).

use super::{Change, Group, Release, Report, Wire};
use serde::Serialize;

/// The version of the JSON format; it changes only when a field changes meaning or goes.
pub const FORMAT_VERSION: u32 = 1;

/// An output format of `cargo xtask diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One line per change.
    Text,
    /// Counts first, then one collapsible section per group.
    Markdown,
    /// [`FORMAT_VERSION`] 1, pretty-printed.
    Json,
}

impl Format {
    /// Parses `text`, `markdown` or `json`.
    pub fn parse(text: &str) -> Result<Format, String> {
        match text {
            "text" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown format `{other}`: use text, markdown or json"
            )),
        }
    }

    /// Renders a report in this format.
    pub fn render(self, report: &Report) -> String {
        match self {
            Format::Text => text(report),
            Format::Markdown => markdown(report),
            Format::Json => json(report),
        }
    }
}

fn headline(report: &Report) -> String {
    let n = report.changes.len();
    format!(
        "{n} change{}; wire: {} breaking, {} compatible; Rust API: {} ({} major, {} minor, {} none)",
        plural(n),
        report.count_wire(Wire::Breaking),
        report.count_wire(Wire::Compatible),
        release_words(report.release()),
        report.count_release(Release::Major),
        report.count_release(Release::Minor),
        report.count_release(Release::None),
    )
}

fn release_words(release: Release) -> &'static str {
    match release {
        Release::Major => "needs a major release",
        Release::Minor => "needs a minor release",
        Release::None => "needs no release beyond a patch",
    }
}

/// One line per change: wire impact, release, location, what happened, and the two rules.
pub fn text(report: &Report) -> String {
    let mut out = format!("API diff {} -> {}: ", report.base, report.head);
    if report.changes.is_empty() {
        out.push_str("no changes\n");
        return out;
    }
    out.push_str(&headline(report));
    out.push('\n');
    for change in &report.changes {
        out.push_str(&format!(
            "{:<10} {:<5} {}: {} [{}, {}]\n",
            change.wire.impact.as_str(),
            change.rust.impact.as_str(),
            change.location,
            change.description(),
            change.wire.id,
            change.rust.id
        ));
    }
    out
}

/// Markdown for a pull-request comment: the counts, then per group a collapsible table, open
/// when the group holds a wire-breaking change or one that needs a major Rust release (so that
/// nothing a reviewer must see is folded away), breaking and major changes first.
pub fn markdown(report: &Report) -> String {
    let mut out = format!("### API changes: `{}` → `{}`\n\n", report.base, report.head);
    if report.changes.is_empty() {
        out.push_str("No API changes.\n");
        return out;
    }
    let n = report.changes.len();
    out.push_str(&format!(
        "**{n} change{}** · wire: {} breaking, {} compatible · Rust API: **{}**\n\n",
        plural(n),
        bold_unless_zero(report.count_wire(Wire::Breaking)),
        report.count_wire(Wire::Compatible),
        release_words(report.release()),
    ));
    out.push_str(
        "| | changes | wire breaking | wire compatible | Rust major | Rust minor | Rust none |\n",
    );
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for group in Group::ALL {
        let changes: Vec<&Change> = report.changes.iter().filter(|c| c.group == group).collect();
        if changes.is_empty() {
            continue;
        }
        let wire = |w| changes.iter().filter(|c| c.wire.impact == w).count();
        let rust = |r| changes.iter().filter(|c| c.rust.impact == r).count();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            group.as_str(),
            changes.len(),
            wire(Wire::Breaking),
            wire(Wire::Compatible),
            rust(Release::Major),
            rust(Release::Minor),
            rust(Release::None),
        ));
    }
    for group in Group::ALL {
        let mut changes: Vec<&Change> =
            report.changes.iter().filter(|c| c.group == group).collect();
        if changes.is_empty() {
            continue;
        }
        changes.sort_by_key(|c| std::cmp::Reverse((c.wire.impact, c.rust.impact)));
        let breaking = changes
            .iter()
            .filter(|c| c.wire.impact == Wire::Breaking)
            .count();
        let major = changes
            .iter()
            .filter(|c| c.rust.impact == Release::Major)
            .count();
        let title = {
            let mut title = group.as_str().to_owned();
            title[..1].make_ascii_uppercase();
            title
        };
        out.push_str(&format!(
            "\n<details{}>\n<summary><b>{title}</b>: {} change{}, {} breaking, {} Rust-major</summary>\n\n",
            if breaking + major > 0 { " open" } else { "" },
            changes.len(),
            plural(changes.len()),
            bold_unless_zero(breaking),
            bold_unless_zero(major),
        ));
        out.push_str("| where | change | used in | wire | Rust | rules |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- |\n");
        for change in changes {
            let wire = match change.wire.impact {
                Wire::Breaking => "**breaking**",
                Wire::Compatible => "compatible",
            };
            let rust = match change.rust.impact {
                Release::Major => "**major**",
                Release::Minor => "minor",
                Release::None => "none",
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {wire} | {rust} | `{}`, `{}` |\n",
                cell(&change.location),
                cell(&change.description()),
                change.usage.map(|u| u.as_str()).unwrap_or(""),
                change.wire.id,
                change.rust.id,
            ));
        }
        out.push_str("\n</details>\n");
    }
    out.push_str(
        "\n<sub>Each change has a wire rule (existing HTTP callers) and a Rust rule (the generated crate); \
         the rules are listed in `docs/api-changes.md`.</sub>\n",
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn bold_unless_zero(n: usize) -> String {
    if n > 0 {
        format!("**{n}**")
    } else {
        "0".to_owned()
    }
}

/// Escapes what would end a table cell or a line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    base: &'a str,
    head: &'a str,
    summary: JsonSummary,
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    changes: usize,
    wire: &'static str,
    release: &'static str,
    wire_counts: JsonWireCounts,
    release_counts: JsonReleaseCounts,
}

#[derive(Serialize)]
struct JsonWireCounts {
    breaking: usize,
    compatible: usize,
}

#[derive(Serialize)]
struct JsonReleaseCounts {
    major: usize,
    minor: usize,
    none: usize,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    group: &'static str,
    entity: &'static str,
    kind: &'static str,
    location: &'a str,
    attribute: Option<&'a str>,
    before: Option<&'a str>,
    after: Option<&'a str>,
    usage: Option<&'static str>,
    wire: JsonVerdict,
    rust: JsonVerdict,
    description: String,
}

#[derive(Serialize)]
struct JsonVerdict {
    impact: &'static str,
    rule: &'static str,
}

/// The JSON document (format version [`FORMAT_VERSION`]); keys always appear, in a fixed
/// order, with `null` for absent values.
pub fn json(report: &Report) -> String {
    let document = JsonReport {
        format_version: FORMAT_VERSION,
        base: &report.base,
        head: &report.head,
        summary: JsonSummary {
            changes: report.changes.len(),
            wire: report.wire().as_str(),
            release: report.release().as_str(),
            wire_counts: JsonWireCounts {
                breaking: report.count_wire(Wire::Breaking),
                compatible: report.count_wire(Wire::Compatible),
            },
            release_counts: JsonReleaseCounts {
                major: report.count_release(Release::Major),
                minor: report.count_release(Release::Minor),
                none: report.count_release(Release::None),
            },
        },
        changes: report
            .changes
            .iter()
            .map(|change| JsonChange {
                group: change.group.as_str(),
                entity: change.entity.as_str(),
                kind: change.kind.as_str(),
                location: &change.location,
                attribute: change.attribute.as_deref(),
                before: change.before.as_deref(),
                after: change.after.as_deref(),
                usage: change.usage.map(|u| u.as_str()),
                wire: JsonVerdict {
                    impact: change.wire.impact.as_str(),
                    rule: change.wire.id,
                },
                rust: JsonVerdict {
                    impact: change.rust.impact.as_str(),
                    rule: change.rust.id,
                },
                description: change.description(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("the report serializes");
    text.push('\n');
    text
}
