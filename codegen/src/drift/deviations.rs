//! The reviewed deviations (`spec/reviewed/deviations.yaml`): differences between the spec and
//! Stream's documents (or traffic) that a person checked and kept, each with its reason.
//! A finding an entry matches is listed apart as reviewed; an entry that matches nothing is
//! stale and reported, so the file never outlives what it excuses.
//!
//! The file is a YAML list; each entry names one entity kind with its location (or a list of
//! locations sharing the reason), what differs, and why:
//!
//! ```yaml
//! - field: UserBannedEvent.user
//!   attribute: required
//!   spec: false
//!   openapi: true
//!   reason: Real `user.banned` events leave `user` out when a moderator acts for the app.
//! - schema: [GetExportChannelsStatusResponse, Automod]
//!   only_in: spec
//!   reason: ...
//! ```
//!
//! The entity keys are those of the findings (`operation`, `query-param`, `field`,
//! `enum-value`, `filter-operator`, `event`, ...), their values the locations drift prints.
//! `only_in` (`spec`, `openapi` or `traffic`) matches a presence finding; `attribute` a
//! `different` one, with the values seen on each side under `spec` and `openapi` (or
//! `traffic`): when the values change, the entry goes stale and the finding is shown again.

use super::finding::{Entity, Finding, FindingKind, Source};
use serde_json::Value;
use std::fmt;

/// Where the reviewed deviations live, relative to the spec's folder: in a subfolder, so the
/// loader never reads the file as an area (only `*.yaml` directly in `spec/` are areas).
pub const PATH_IN_SPEC: &str = "reviewed/deviations.yaml";

/// The keys an entry may have besides its entity key.
const KEYS: [&str; 6] = [
    "only_in",
    "attribute",
    "spec",
    "openapi",
    "traffic",
    "reason",
];

/// One reviewed deviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    /// 1-based line of the entry in the file.
    pub line: usize,
    pub entity: Entity,
    /// The locations it covers.
    pub locations: Vec<String>,
    /// `OnlyInSpec`, `OnlyInOpenApi`, `OnlyInTraffic` or `Different`.
    pub kind: FindingKind,
    /// For `Different`: the attribute.
    pub attribute: Option<String>,
    /// The source of the finding it excuses.
    pub source: Source,
    /// The values, when given; `None` matches any value.
    pub spec: Option<String>,
    pub other: Option<String>,
    pub reason: String,
}

/// The parsed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deviations {
    /// How messages name the file.
    pub file: String,
    pub entries: Vec<Deviation>,
}

/// An entry of the file that is not a valid deviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviationError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for DeviationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// A finding excused by an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewed {
    pub finding: Finding,
    /// Index into [`Deviations::entries`].
    pub entry: usize,
}

/// An entry location that matched no finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Index into [`Deviations::entries`].
    pub entry: usize,
    pub location: String,
}

impl Deviations {
    /// Parses the file's text; every broken entry is reported.
    pub fn parse(file: &str, text: &str) -> Result<Deviations, Vec<DeviationError>> {
        let error = |line: usize, message: String| DeviationError {
            file: file.to_owned(),
            line,
            message,
        };
        let value = crate::source::parse_yaml_value(text).map_err(|message| {
            let line = message
                .split(':')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            vec![error(line, format!("not YAML: {message}"))]
        })?;
        let lines = entry_lines(text);
        let items = match value {
            Value::Null => Vec::new(),
            Value::Array(items) => items,
            _ => {
                return Err(vec![error(
                    1,
                    "the file must be a YAML list of entries".to_owned(),
                )])
            }
        };
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let line = lines.get(index).copied().unwrap_or(1);
            match entry(item, line) {
                Ok(entry) => entries.push(entry),
                Err(message) => problems.push(error(line, message)),
            }
        }
        if problems.is_empty() {
            Ok(Deviations {
                file: file.to_owned(),
                entries,
            })
        } else {
            Err(problems)
        }
    }

    /// Splits findings into those no entry matches and those reviewed, and lists the stale
    /// entry locations. Entries are judged stale only for the sources the run compared:
    /// `openapi` entries when both documents were read, `traffic` entries when traffic was.
    pub fn apply(
        &self,
        findings: Vec<Finding>,
        judged: &[Source],
    ) -> (Vec<Finding>, Vec<Reviewed>, Vec<Stale>) {
        let mut used = vec![Vec::new(); self.entries.len()];
        let mut open = Vec::new();
        let mut reviewed = Vec::new();
        for finding in findings {
            let matched = self.entries.iter().enumerate().find_map(|(index, entry)| {
                entry
                    .locations
                    .iter()
                    .position(|location| entry.matches(&finding, location))
                    .map(|at| (index, at))
            });
            match matched {
                Some((entry, at)) => {
                    used[entry].push(at);
                    reviewed.push(Reviewed { finding, entry });
                }
                None => open.push(finding),
            }
        }
        let mut stale = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            if !judged.contains(&entry.source) {
                continue;
            }
            for (at, location) in entry.locations.iter().enumerate() {
                if !used[index].contains(&at) {
                    stale.push(Stale {
                        entry: index,
                        location: location.clone(),
                    });
                }
            }
        }
        (open, reviewed, stale)
    }
}

impl Deviation {
    fn matches(&self, finding: &Finding, location: &str) -> bool {
        let same_values = |want: &Option<String>, have: &Option<String>| {
            want.is_none() || want.as_deref() == Some(have.as_deref().unwrap_or("none"))
        };
        finding.entity == self.entity
            && finding.location == location
            && finding.kind == self.kind
            && finding.source == self.source
            && finding.attribute == self.attribute.as_deref()
            && (self.kind != FindingKind::Different
                || (same_values(&self.spec, &finding.spec)
                    && same_values(&self.other, &finding.theirs)))
    }

    /// What the entry excuses, in words: `different required`, `only in spec`.
    pub fn what(&self) -> String {
        match (&self.kind, &self.attribute) {
            (FindingKind::Different, Some(attribute)) => format!("different `{attribute}`"),
            (kind, _) => kind.as_str().replace('-', " "),
        }
    }
}

/// The 1-based line of each top-level `- ` item.
fn entry_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.starts_with("- ") || *line == "-")
        .map(|(index, _)| index + 1)
        .collect()
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => n.as_f64().map(super::shape::number_text),
        Value::Null => Some("none".to_owned()),
        _ => None,
    }
}

fn entry(item: &Value, line: usize) -> Result<Deviation, String> {
    let Some(map) = item.as_object() else {
        return Err(
            "an entry is a mapping: an entity key, `only_in` or `attribute`, and `reason`"
                .to_owned(),
        );
    };
    let mut entity = None;
    for (key, value) in map {
        if let Some(found) = Entity::parse(key) {
            if entity.is_some() {
                return Err("an entry names one entity key".to_owned());
            }
            entity = Some((found, value));
        } else if !KEYS.contains(&key.as_str()) {
            let names: Vec<&str> = Entity::ALL.iter().map(|e| e.as_str()).collect();
            return Err(format!(
                "unknown key `{key}`: an entry has one entity key ({}) and {}",
                names.join(", "),
                KEYS.map(|k| format!("`{k}`")).join(", ")
            ));
        }
    }
    let Some((entity, locations)) = entity else {
        return Err(
            "the entry names no entity (`field: Schema.name`, `operation: GET /path`, ...)"
                .to_owned(),
        );
    };
    let locations = match locations {
        Value::Array(items) => items.iter().map(scalar).collect::<Option<Vec<_>>>(),
        other => scalar(other).map(|one| vec![one]),
    }
    .filter(|locations| !locations.is_empty())
    .ok_or("the entity's location is a string or a list of strings")?;
    let text = |key: &str| map.get(key).and_then(scalar);
    let reason = text("reason")
        .filter(|reason| !reason.trim().is_empty())
        .ok_or("every entry says why under `reason`")?;
    let (kind, source, attribute) = match (text("only_in").as_deref(), text("attribute")) {
        (Some(_), Some(_)) => return Err("an entry has `only_in` or `attribute`, not both".to_owned()),
        (Some("spec"), None) => (FindingKind::OnlyInSpec, Source::OpenApi, None),
        (Some("openapi"), None) => (FindingKind::OnlyInOpenApi, Source::OpenApi, None),
        (Some("traffic"), None) => (FindingKind::OnlyInTraffic, Source::Traffic, None),
        (Some(other), None) => {
            return Err(format!("`only_in: {other}`: use spec, openapi or traffic"))
        }
        (None, Some(attribute)) => {
            let source = if map.contains_key("traffic") {
                Source::Traffic
            } else {
                Source::OpenApi
            };
            (FindingKind::Different, source, Some(attribute))
        }
        (None, None) => {
            return Err("say what differs: `only_in: spec|openapi|traffic`, or `attribute:` with the values under `spec:` and `openapi:` (or `traffic:`)".to_owned())
        }
    };
    if kind != FindingKind::Different
        && ["spec", "openapi", "traffic"]
            .iter()
            .any(|k| map.contains_key(*k))
    {
        return Err("values (`spec`, `openapi`, `traffic`) go with `attribute`".to_owned());
    }
    if map.contains_key("openapi") && map.contains_key("traffic") {
        return Err("an entry is about the documents (`openapi`) or traffic, not both".to_owned());
    }
    Ok(Deviation {
        line,
        entity,
        locations,
        kind,
        attribute,
        source,
        spec: text("spec"),
        other: text("openapi").or_else(|| text("traffic")),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_parse_with_their_lines() {
        let text = "# reviewed\n- field: A.b\n  attribute: required\n  spec: false\n  openapi: true\n  reason: Real events omit it.\n- schema: [X, Y]\n  only_in: spec\n  reason: Ours.\n";
        let parsed = Deviations::parse("d.yaml", text).unwrap();
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.entries[0].line, 2);
        assert_eq!(parsed.entries[0].spec.as_deref(), Some("false"));
        assert_eq!(parsed.entries[1].locations, ["X", "Y"]);
        assert_eq!(parsed.entries[1].kind, FindingKind::OnlyInSpec);
    }

    #[test]
    fn broken_entries_are_all_reported() {
        let text = "- field: A.b\n  reason: x\n- fielt: A.c\n  only_in: spec\n  reason: x\n- field: A.d\n  only_in: spec\n";
        let errors = Deviations::parse("d.yaml", text).unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(
            shown[0].starts_with("d.yaml:1: say what differs"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("d.yaml:3: unknown key `fielt`"),
            "{shown:?}"
        );
        assert!(
            shown[2].starts_with("d.yaml:6: every entry says why"),
            "{shown:?}"
        );
    }
}
