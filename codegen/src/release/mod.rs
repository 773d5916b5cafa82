//! `cargo xtask release`: the next version of `stream-chat-client` and its changelog section,
//! derived from the API diff against the last release and from the notes maintainers wrote.
//!
//! - [`version`]: Cargo's semver rules (the bump), the release tags;
//! - [`notes`]: the API changes as bullets for users, in Rust names, by heading;
//! - [`changelog`]: the hand-written `## [Unreleased]` section, and the release section that
//!   takes its place;
//! - [`manifest`]: the version in `Cargo.toml` and `Cargo.lock`.
//!
//! [`prepare`] does the work and writes nothing: `xtask` reads the files and the base, and
//! writes the [`Plan`]'s texts unless `--dry-run`.

pub mod changelog;
pub mod manifest;
pub mod notes;
pub mod version;

use crate::counts::Counts;
use crate::diff::{self, Release, Report};
use crate::source::SourceFile;
use changelog::{Heading, Section};
use version::Version;

/// The last release to compare with.
pub struct Base<'a> {
    /// How output names it: a tag, a revision or a folder.
    pub label: String,
    /// Its `spec/`.
    pub files: &'a [SourceFile],
}

/// What [`prepare`] needs.
pub struct Request<'a> {
    /// The last release; `None` for the first release, which keeps the manifest's version.
    pub base: Option<Base<'a>>,
    /// The spec to release (the working tree's `spec/`).
    pub head: &'a [SourceFile],
    /// The version in `generated-client/Cargo.toml`: the last release's.
    pub current: Version,
    /// The text of `generated-client/CHANGELOG.md`.
    pub changelog: &'a str,
    /// The release date, `YYYY-MM-DD`.
    pub date: String,
    /// A version chosen by hand (`--version`), checked against what the changes need.
    pub version: Option<Version>,
}

/// What a release does.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The version released last, and the version to release.
    pub current: Version,
    pub next: Version,
    /// The biggest change: of the API diff and of the hand-written notes.
    pub needed: Release,
    /// The API diff against the base (`None` for the first release).
    pub report: Option<Report>,
    /// The `###` headings maintainers wrote under `## [Unreleased]`.
    pub note_headings: Vec<Heading>,
    /// The Stream API versions of the base and the head spec.
    pub api_versions: (Option<String>, Option<String>),
    /// The release section.
    pub section: String,
    /// The whole new changelog.
    pub changelog: String,
}

impl Plan {
    /// What the plan does, in a few lines (without the section).
    pub fn summary(&self) -> String {
        let mut lines = Vec::new();
        let (base_api, head_api) = &self.api_versions;
        let api = |version: &Option<String>| {
            version
                .as_deref()
                .map_or(String::new(), |v| format!(" (Stream Chat API {v})"))
        };
        match &self.report {
            Some(report) => {
                lines.push(format!(
                    "stream-chat-client {} -> {}: {}",
                    self.current,
                    self.next,
                    self.why()
                ));
                lines.push(format!(
                    "base: {}{}; head: {}{}",
                    report.base,
                    api(base_api),
                    report.head,
                    api(head_api)
                ));
                lines.push(format!(
                    "API diff: {} change{}: {} need a major release, {} a minor one, {} a patch",
                    report.changes.len(),
                    if report.changes.len() == 1 { "" } else { "s" },
                    report.count_release(Release::Major),
                    report.count_release(Release::Minor),
                    report.count_release(Release::None),
                ));
            }
            None => {
                lines.push(format!(
                    "stream-chat-client {}: the first release (no earlier release to compare with)",
                    self.next
                ));
                lines.push(format!("head: spec/{}", api(head_api)));
            }
        }
        let headings: Vec<&str> = self.note_headings.iter().map(|h| h.name()).collect();
        lines.push(if headings.is_empty() {
            "notes under ## [Unreleased]: none".to_owned()
        } else {
            format!("notes under ## [Unreleased]: {}", headings.join(", "))
        });
        lines.join("\n")
    }

    /// Why this version: the rule applied.
    fn why(&self) -> String {
        let kind = match version::allows(&self.current, &self.next) {
            Release::Major => "a breaking release",
            Release::Minor => "a compatible release that may add",
            Release::None => "a patch release",
        };
        let need = match self.needed {
            Release::Major => "the changes break the Rust API",
            Release::Minor => "the changes add to the Rust API",
            Release::None => "no change to the Rust API",
        };
        let rule = if self.current.major == 0 {
            " (Cargo's rules at 0.x: a breaking change bumps the minor, anything else the patch)"
        } else {
            ""
        };
        format!("{need}: {kind}{rule}")
    }
}

/// Works out the release: the version, the section and the new changelog.
///
/// # Errors
///
/// A spec that does not validate, an unknown heading under `## [Unreleased]`, nothing to
/// release, a chosen version too small for the changes, or a version already in the changelog.
pub fn prepare(request: Request<'_>) -> Result<Plan, String> {
    let log = changelog::parse(request.changelog)?;
    crate::validate::validate(request.head)
        .map_err(|problems| diff::DiffError::Head(problems).to_string())?;
    let head = crate::lower::lower(request.head);
    let (report, base) = match &request.base {
        Some(base) => {
            let changes = diff::diff(base.files, request.head).map_err(|e| e.to_string())?;
            let report = Report {
                base: base.label.clone(),
                head: "working tree".to_owned(),
                changes,
            };
            (Some(report), Some(crate::lower::lower(base.files)))
        }
        None => (None, None),
    };
    let api_needs = report.as_ref().map_or(Release::None, Report::release);
    let needed = api_needs.max(log.notes.needs());
    let next = match (&report, request.version) {
        (Some(report), _) if report.changes.is_empty() && log.notes.is_empty() => {
            return Err(format!(
                "nothing to release: no API changes since {} and no notes under \
                 `## [Unreleased]` in CHANGELOG.md",
                report.base
            ))
        }
        (Some(_), Some(chosen)) => {
            version::check_chosen(&request.current, &chosen, needed)?;
            chosen
        }
        (Some(_), None) => version::next(&request.current, needed)?,
        (None, chosen) => chosen.unwrap_or_else(|| request.current.clone()),
    };
    if log.has_release(&next.to_string()) {
        return Err(format!(
            "CHANGELOG.md already has a section for {next}: was it released? Tag it \
             ({}) or pass --base",
            version::tag(&next)
        ));
    }
    let base_api = base.as_ref().and_then(|api| api.api_version.clone());
    let previous = if base.is_some() {
        base_api.as_deref()
    } else {
        head.api_version.as_deref()
    };
    let mut entries: Vec<(Heading, String)> = log.notes.sections.clone();
    if let (Some(report), Some(base)) = (&report, &base) {
        entries.extend(notes::bullets(&report.changes, base, &head));
    }
    let section = Section {
        version: next.to_string(),
        date: request.date,
        paragraphs: vec![
            Counts::of(&head).sentence(previous),
            log.notes.intro.clone(),
        ],
        entries,
    };
    Ok(Plan {
        current: request.current,
        next,
        needed,
        note_headings: log.notes.sections.iter().map(|(h, _)| *h).collect(),
        api_versions: (base_api, head.api_version.clone()),
        changelog: log.with_release(&section),
        section: section.markdown(),
        report,
    })
}
