//! `generated-client/CHANGELOG.md`, in the Keep a Changelog format: the hand-written
//! `## [Unreleased]` section that a release takes in, and the release section written in its
//! place.
//!
//! Under `## [Unreleased]`, maintainers write what the API diff cannot see (runtime changes,
//! fixes), under `### ` headings from [`Heading::ALL`], and may open with a paragraph. HTML
//! comments there (a note to maintainers) stay in the fresh `## [Unreleased]` section and never
//! reach a release. Everything below the first release heading is history and is kept as is.

use crate::diff::Release;

/// The headings a release section has, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Heading {
    /// Changes that need a major release: code that compiled may not.
    Breaking,
    /// New API: methods, types, fields, variants.
    Added,
    /// Other changes users may notice.
    Changed,
    /// Deprecated API.
    Deprecated,
    /// Removed API (hand-written; the diff's removals are under `Breaking`).
    Removed,
    /// Bug fixes.
    Fixed,
    /// Security fixes.
    Security,
}

impl Heading {
    /// Every heading, in output order.
    pub const ALL: [Heading; 7] = [
        Heading::Breaking,
        Heading::Added,
        Heading::Changed,
        Heading::Deprecated,
        Heading::Removed,
        Heading::Fixed,
        Heading::Security,
    ];

    /// The heading's word, as in `### Added`.
    pub fn name(self) -> &'static str {
        match self {
            Heading::Breaking => "Breaking",
            Heading::Added => "Added",
            Heading::Changed => "Changed",
            Heading::Deprecated => "Deprecated",
            Heading::Removed => "Removed",
            Heading::Fixed => "Fixed",
            Heading::Security => "Security",
        }
    }

    fn parse(text: &str) -> Option<Heading> {
        Heading::ALL
            .into_iter()
            .find(|h| h.name().eq_ignore_ascii_case(text.trim()))
    }

    /// The release that hand-written notes under this heading need: `Breaking` and `Removed`
    /// a major one, `Added` and `Deprecated` a minor one, the rest a patch.
    pub fn needs(self) -> Release {
        match self {
            Heading::Breaking | Heading::Removed => Release::Major,
            Heading::Added | Heading::Deprecated => Release::Minor,
            Heading::Changed | Heading::Fixed | Heading::Security => Release::None,
        }
    }
}

/// What maintainers wrote under `## [Unreleased]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// Text before the first `###` heading (without HTML comments).
    pub intro: String,
    /// The text under each heading (its lines as written), in [`Heading::ALL`] order.
    pub sections: Vec<(Heading, String)>,
    /// HTML comment lines of the section, kept for the next `## [Unreleased]`.
    pub comments: Vec<String>,
}

impl Notes {
    /// No notes at all (comments aside).
    pub fn is_empty(&self) -> bool {
        self.intro.is_empty() && self.sections.is_empty()
    }

    /// The biggest release the notes need.
    pub fn needs(&self) -> Release {
        self.sections
            .iter()
            .map(|(heading, _)| heading.needs())
            .max()
            .unwrap_or(Release::None)
    }
}

/// A changelog split around its `## [Unreleased]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changelog<'t> {
    /// The title and preamble, up to the `## [Unreleased]` heading (or the first release).
    head: &'t str,
    /// The hand-written notes.
    pub notes: Notes,
    /// The releases, from the first `## ` heading after `## [Unreleased]`.
    history: &'t str,
}

/// Reads a changelog.
///
/// # Errors
///
/// An unknown `###` heading under `## [Unreleased]`, named with its line.
pub fn parse(text: &str) -> Result<Changelog<'_>, String> {
    let starts: Vec<(usize, usize, &str)> = line_starts(text)
        .filter(|(_, _, line)| line.starts_with("## "))
        .collect();
    let unreleased = starts.iter().position(|(_, _, line)| is_unreleased(line));
    let Some(index) = unreleased else {
        let at = starts.first().map_or(text.len(), |(offset, _, _)| *offset);
        return Ok(Changelog {
            head: &text[..at],
            notes: Notes::default(),
            history: &text[at..],
        });
    };
    let (start, first_line, heading) = starts[index];
    let end = starts
        .get(index + 1)
        .map_or(text.len(), |(offset, _, _)| *offset);
    let body = &text[start + heading.len()..end];
    Ok(Changelog {
        head: &text[..start],
        notes: notes(body, first_line + 1)?,
        history: &text[end..],
    })
}

/// `(byte offset, line number from 1, line without its newline)` of every line.
fn line_starts(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n')
        .enumerate()
        .map(move |(n, line)| {
            let start = offset;
            offset += line.len();
            (start, n + 1, line.trim_end_matches(['\n', '\r']))
        })
}

fn is_unreleased(line: &str) -> bool {
    let title = line.trim_start_matches('#').trim();
    let title = title
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(title);
    title.eq_ignore_ascii_case("unreleased")
}

/// The notes of the `## [Unreleased]` body, whose first line is line `first` of the file.
fn notes(body: &str, first: usize) -> Result<Notes, String> {
    let mut notes = Notes::default();
    let mut current: Option<Heading> = None;
    let mut texts: Vec<(Heading, Vec<&str>)> = Vec::new();
    let mut intro: Vec<&str> = Vec::new();
    let mut in_comment = false;
    for (n, line) in body.lines().enumerate().skip(1) {
        let trimmed = line.trim();
        if in_comment || trimmed.starts_with("<!--") {
            in_comment = !trimmed.contains("-->");
            notes.comments.push(line.to_owned());
            continue;
        }
        if let Some(title) = trimmed.strip_prefix("### ") {
            let heading = Heading::parse(title).ok_or_else(|| {
                format!(
                    "CHANGELOG.md:{}: `### {}` under [Unreleased] is not a heading a release \
                     has; use one of {}",
                    first + n - 1,
                    title.trim(),
                    Heading::ALL.map(Heading::name).join(", ")
                )
            })?;
            current = Some(heading);
            if !texts.iter().any(|(h, _)| *h == heading) {
                texts.push((heading, Vec::new()));
            }
            continue;
        }
        match current {
            Some(heading) => {
                if let Some((_, lines)) = texts.iter_mut().find(|(h, _)| *h == heading) {
                    lines.push(line);
                }
            }
            None => intro.push(line),
        }
    }
    notes.intro = trim_lines(&intro);
    texts.sort_by_key(|(heading, _)| *heading);
    notes.sections = texts
        .into_iter()
        .map(|(heading, lines)| (heading, trim_lines(&lines)))
        .filter(|(_, text)| !text.is_empty())
        .collect();
    Ok(notes)
}

/// The lines joined, without blank lines around them.
fn trim_lines(lines: &[&str]) -> String {
    let text = lines.join("\n");
    text.trim_matches('\n').trim_end().to_owned()
}

/// A release section to write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// `0.2.0`.
    pub version: String,
    /// `2026-12-01`.
    pub date: String,
    /// Paragraphs under the title, before the headings.
    pub paragraphs: Vec<String>,
    /// Text (bullets) per heading; a heading without text is left out.
    pub entries: Vec<(Heading, String)>,
}

impl Section {
    /// The section's markdown, ending with a newline.
    pub fn markdown(&self) -> String {
        let mut out = format!("## [{}] - {}\n", self.version, self.date);
        for paragraph in self.paragraphs.iter().filter(|p| !p.is_empty()) {
            out.push('\n');
            out.push_str(paragraph);
            out.push('\n');
        }
        for heading in Heading::ALL {
            let texts: Vec<&str> = self
                .entries
                .iter()
                .filter(|(h, text)| *h == heading && !text.is_empty())
                .map(|(_, text)| text.as_str())
                .collect();
            if texts.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "\n### {}\n\n{}\n",
                heading.name(),
                texts.join("\n")
            ));
        }
        out
    }
}

impl Changelog<'_> {
    /// True when a release section for `version` already exists.
    pub fn has_release(&self, version: &str) -> bool {
        self.history
            .lines()
            .any(|line| line.starts_with(&format!("## [{version}]")))
    }

    /// The whole changelog with `section` as the newest release, under a fresh
    /// `## [Unreleased]` section that keeps the maintainers' comments.
    pub fn with_release(&self, section: &Section) -> String {
        let mut unreleased = String::from("## [Unreleased]\n");
        if !self.notes.comments.is_empty() {
            unreleased.push('\n');
            unreleased.push_str(&self.notes.comments.join("\n"));
            unreleased.push('\n');
        }
        let head = self.head.trim_end_matches('\n');
        let history = if self.history.is_empty() {
            String::new()
        } else {
            format!("\n{}", self.history)
        };
        format!("{head}\n\n{unreleased}\n{}{history}", section.markdown())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "# Changelog\n\nPreamble.\n\n## [Unreleased]\n\n<!-- Notes for users. -->\n\nA paragraph.\n\n### Fixed\n\n- A fix,\n  over two lines.\n\n### added\n\n- A runtime feature.\n\n### Changed\n\n## [0.1.0] - 2026-11-01\n\n### Added\n\n- Everything.\n";

    #[test]
    fn the_unreleased_notes_are_read_by_heading() {
        let log = parse(LOG).unwrap();
        assert_eq!(log.notes.intro, "A paragraph.");
        assert_eq!(
            log.notes.sections,
            vec![
                (Heading::Added, "- A runtime feature.".to_owned()),
                (Heading::Fixed, "- A fix,\n  over two lines.".to_owned()),
            ]
        );
        assert_eq!(log.notes.comments, vec!["<!-- Notes for users. -->"]);
        assert_eq!(log.notes.needs(), Release::Minor);
        assert!(log.has_release("0.1.0") && !log.has_release("0.2.0"));
    }

    #[test]
    fn a_release_takes_the_place_of_the_notes_and_keeps_the_history() {
        let log = parse(LOG).unwrap();
        let section = Section {
            version: "0.2.0".to_owned(),
            date: "2026-12-01".to_owned(),
            paragraphs: vec!["Stream Chat API v2.".to_owned(), log.notes.intro.clone()],
            entries: vec![
                (Heading::Fixed, "- A fix.".to_owned()),
                (Heading::Added, "- A runtime feature.".to_owned()),
                (Heading::Added, "- `Client::x`: new method.".to_owned()),
            ],
        };
        assert_eq!(
            log.with_release(&section),
            "# Changelog\n\nPreamble.\n\n## [Unreleased]\n\n<!-- Notes for users. -->\n\n\
             ## [0.2.0] - 2026-12-01\n\nStream Chat API v2.\n\nA paragraph.\n\n\
             ### Added\n\n- A runtime feature.\n- `Client::x`: new method.\n\n### Fixed\n\n- A fix.\n\n\
             ## [0.1.0] - 2026-11-01\n\n### Added\n\n- Everything.\n"
        );
    }

    #[test]
    fn without_an_unreleased_section_the_release_goes_above_the_newest() {
        let log = parse("# Changelog\n\n## [0.1.0] - 2026-11-01\n\n- x\n").unwrap();
        assert!(log.notes.is_empty());
        let section = Section {
            version: "0.1.1".to_owned(),
            date: "2026-12-01".to_owned(),
            ..Section::default()
        };
        assert_eq!(
            log.with_release(&section),
            "# Changelog\n\n## [Unreleased]\n\n## [0.1.1] - 2026-12-01\n\n## [0.1.0] - 2026-11-01\n\n- x\n"
        );
    }

    #[test]
    fn an_unknown_heading_names_its_line() {
        let error = parse("# Changelog\n\n## [Unreleased]\n\n### Improved\n\n- x\n").unwrap_err();
        assert!(
            error.starts_with("CHANGELOG.md:5: `### Improved`"),
            "{error}"
        );
    }
}
