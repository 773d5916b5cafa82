//! Semantic diffs of the spec: what changed between two versions of `spec/`, for the wire
//! and for the generated Rust API (`cargo xtask diff`).
//!
//! Both versions go through the same loader and validator as code generation, so a broken
//! base or head reports the same file:line problems. `compare.rs` then walks the validated
//! files and their lowered [`model`](crate::model), and [`classify`] gives each change two
//! named rules: one for existing callers of the HTTP API ([`Wire`]), one for the generated
//! crate ([`Release`]). [`render`] prints a [`Report`] as text, markdown or JSON.
//!
//! Definitions are matched by name, except for the renames the wire proves (`renames.rs`): an
//! operation with a new name but the same method and path, and path placeholders renamed in
//! place. A reference that moves to another schema of exactly the same JSON shape
//! (`shape.rs`) changes nothing on the wire. Any other rename shows as a removal plus an
//! addition, never as a guess.

pub mod classify;
mod compare;
mod renames;
pub mod render;
mod shape;

pub use classify::{Release, RustRule, Usage, Wire, WireRule};

use crate::diagnostic::Diagnostics;
use crate::source::SourceFile;
use std::fmt;

/// Which part of the API a change belongs to; also the order of the report's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Endpoints, their parameters, events and permissions.
    Operations,
    /// Schemas, their fields and enum values.
    Schemas,
    /// Event types.
    Events,
    /// Permission actions.
    Permissions,
}

impl Group {
    /// Every group, in report order.
    pub const ALL: [Group; 4] = [
        Group::Operations,
        Group::Schemas,
        Group::Events,
        Group::Permissions,
    ];

    /// `operations`, `schemas`, `events` or `permissions`.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Operations => "operations",
            Group::Schemas => "schemas",
            Group::Events => "events",
            Group::Permissions => "permissions",
        }
    }
}

/// What kind of definition changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    /// An endpoint.
    Operation,
    /// A path parameter of an endpoint.
    PathParam,
    /// A query parameter of an endpoint.
    QueryParam,
    /// An event type an endpoint sends.
    OperationEvent,
    /// A permission an endpoint checks.
    OperationPermission,
    /// A schema (object, enum or alias).
    Schema,
    /// A field of an object.
    Field,
    /// A value of a named or inline enum.
    EnumValue,
    /// A field of a query filter (`filter:` of a request field).
    FilterField,
    /// A sortable field of a query (`sort:` of a request field).
    SortField,
    /// An event type.
    Event,
    /// A permission action.
    Permission,
}

impl Entity {
    /// The name used in JSON, e.g. `query-param`.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Operation => "operation",
            Entity::PathParam => "path-param",
            Entity::QueryParam => "query-param",
            Entity::OperationEvent => "operation-event",
            Entity::OperationPermission => "operation-permission",
            Entity::Schema => "schema",
            Entity::Field => "field",
            Entity::EnumValue => "enum-value",
            Entity::FilterField => "filter-field",
            Entity::SortField => "sort-field",
            Entity::Event => "event",
            Entity::Permission => "permission",
        }
    }

    /// The words used in sentences, e.g. `query parameter`.
    pub fn noun(self) -> &'static str {
        match self {
            Entity::Operation => "operation",
            Entity::PathParam => "path parameter",
            Entity::QueryParam => "query parameter",
            Entity::OperationEvent => "event",
            Entity::OperationPermission => "permission",
            Entity::Schema => "schema",
            Entity::Field => "field",
            Entity::EnumValue => "enum value",
            Entity::FilterField => "filter field",
            Entity::SortField => "sort field",
            Entity::Event => "event type",
            Entity::Permission => "permission",
        }
    }
}

/// Whether something appeared, disappeared or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Only in the head spec.
    Added,
    /// Only in the base spec.
    Removed,
    /// In both, with an attribute that differs.
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One change between the base and the head spec, classified twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The report section.
    pub group: Group,
    /// What kind of definition changed.
    pub entity: Entity,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// Where: `Operation`, `Operation.query.param`, `Operation.path.param`, `Schema`,
    /// `Schema.field`, an event type or a permission name.
    pub location: String,
    /// For a changed attribute: its key as in the spec language (`required`, `max_len`, ...),
    /// or `derives` / `rust type` for changes only the generated code shows.
    pub attribute: Option<String>,
    /// The old value, or for a removal a summary of what was removed.
    pub before: Option<String>,
    /// The new value, or for an addition a summary of what was added.
    pub after: Option<String>,
    /// For schemas, fields, parameters and enum values: which way their values travel.
    pub usage: Option<Usage>,
    /// What the change means for existing callers of the HTTP API, and why.
    pub wire: &'static WireRule,
    /// What the change means for the generated Rust API, and why.
    pub rust: &'static RustRule,
}

impl Change {
    fn new(group: Group, entity: Entity, kind: ChangeKind, location: impl Into<String>) -> Change {
        Change {
            group,
            entity,
            kind,
            location: location.into(),
            attribute: None,
            before: None,
            after: None,
            usage: None,
            wire: &classify::NO_WIRE_CHANGE,
            rust: &classify::RUST_DOCS_ONLY,
        }
    }

    fn attribute(mut self, key: &str) -> Change {
        self.attribute = Some(key.to_owned());
        self
    }

    fn values(mut self, before: Option<String>, after: Option<String>) -> Change {
        self.before = before;
        self.after = after;
        self
    }

    fn usage(mut self, usage: Usage) -> Change {
        self.usage = Some(usage);
        self
    }

    fn rules(mut self, wire: &'static WireRule, rust: &'static RustRule) -> Change {
        self.wire = wire;
        self.rust = rust;
        self
    }

    /// What happened, in a few words, e.g. "field added: optional string" or
    /// "`required`: false → true".
    pub fn description(&self) -> String {
        let show = |value: &Option<String>| value.clone().unwrap_or_else(|| "none".to_owned());
        match (self.kind, self.entity) {
            (ChangeKind::Added, Entity::EnumValue) => {
                format!("enum value `{}` added", show(&self.after))
            }
            (ChangeKind::Removed, Entity::EnumValue) => {
                format!("enum value `{}` removed", show(&self.before))
            }
            (ChangeKind::Added, Entity::OperationEvent) => {
                format!("now sends `{}`", show(&self.after))
            }
            (ChangeKind::Removed, Entity::OperationEvent) => {
                format!("no longer sends `{}`", show(&self.before))
            }
            (ChangeKind::Added, Entity::OperationPermission) => {
                format!("now checks permission `{}`", show(&self.after))
            }
            (ChangeKind::Removed, Entity::OperationPermission) => {
                format!("no longer checks permission `{}`", show(&self.before))
            }
            (ChangeKind::Added, Entity::Event) if self.after.is_none() => {
                "event type added (payload not documented)".to_owned()
            }
            (ChangeKind::Added, entity) => {
                format!("{} added: {}", entity.noun(), show(&self.after))
            }
            (ChangeKind::Removed, entity) => {
                format!("{} removed (was {})", entity.noun(), show(&self.before))
            }
            (ChangeKind::Changed, Entity::FilterField)
                if self.attribute.as_deref() == Some("ops") =>
            {
                match (&self.before, &self.after) {
                    (Some(op), None) => format!("operator `${op}` removed"),
                    (_, op) => format!("operator `${}` added", show(op)),
                }
            }
            (ChangeKind::Changed, Entity::Operation) if self.is_rename() => {
                format!("renamed from `{}`", show(&self.before))
            }
            (ChangeKind::Changed, Entity::PathParam) if self.is_rename() => {
                format!("placeholder renamed from `{{{}}}`", show(&self.before))
            }
            (ChangeKind::Changed, _) => format!(
                "`{}`: {} → {}",
                self.attribute.as_deref().unwrap_or_default(),
                show(&self.before),
                show(&self.after)
            ),
        }
    }

    /// True for a rename (of an operation or a path placeholder): `before` and `after` hold
    /// the old and the new name.
    pub fn is_rename(&self) -> bool {
        self.kind == ChangeKind::Changed && self.attribute.as_deref() == Some("name")
    }

    fn sort_key(&self) -> impl Ord + '_ {
        (
            self.group,
            &self.location,
            self.kind,
            self.entity,
            &self.attribute,
            &self.before,
            &self.after,
        )
    }
}

/// The changes between two specs, with labels for the two sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// How the base is named in output, e.g. `origin/main`.
    pub base: String,
    /// How the head is named in output, e.g. `working tree`.
    pub head: String,
    /// Every change, sorted by group, location, kind, entity, attribute and values.
    pub changes: Vec<Change>,
}

impl Report {
    /// The worst wire impact (compatible when nothing changed).
    pub fn wire(&self) -> Wire {
        self.changes
            .iter()
            .map(|c| c.wire.impact)
            .max()
            .unwrap_or(Wire::Compatible)
    }

    /// The release the changes need (none when nothing changed).
    pub fn release(&self) -> Release {
        self.changes
            .iter()
            .map(|c| c.rust.impact)
            .max()
            .unwrap_or(Release::None)
    }

    /// How many changes have this wire impact.
    pub fn count_wire(&self, impact: Wire) -> usize {
        self.changes
            .iter()
            .filter(|c| c.wire.impact == impact)
            .count()
    }

    /// How many changes need this release.
    pub fn count_release(&self, impact: Release) -> usize {
        self.changes
            .iter()
            .filter(|c| c.rust.impact == impact)
            .count()
    }
}

/// When `cargo xtask diff` should fail (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Never (the default).
    Never,
    /// When a change breaks the wire contract.
    Breaking,
    /// When a change needs a major release of the Rust crate.
    Major,
    /// When anything changed.
    Any,
}

impl FailOn {
    /// Parses `never`, `breaking`, `major` or `any`.
    pub fn parse(text: &str) -> Result<FailOn, String> {
        match text {
            "never" => Ok(FailOn::Never),
            "breaking" => Ok(FailOn::Breaking),
            "major" => Ok(FailOn::Major),
            "any" => Ok(FailOn::Any),
            other => Err(format!(
                "unknown --fail-on value `{other}`: use breaking, major, any or never"
            )),
        }
    }

    /// True when the report should fail the command.
    pub fn fails(self, report: &Report) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::Breaking => report.wire() == Wire::Breaking,
            FailOn::Major => report.release() == Release::Major,
            FailOn::Any => !report.changes.is_empty(),
        }
    }
}

/// A spec that could not be compared: which side, and every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffError {
    /// The base spec does not load or validate.
    Base(Diagnostics),
    /// The head spec does not load or validate.
    Head(Diagnostics),
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffError::Base(problems) => write!(f, "the base spec is invalid:\n{problems}"),
            DiffError::Head(problems) => write!(f, "the head spec is invalid:\n{problems}"),
        }
    }
}

impl std::error::Error for DiffError {}

/// Validates both specs and lists what changed from `base` to `head`, sorted.
pub fn diff(base: &[SourceFile], head: &[SourceFile]) -> Result<Vec<Change>, DiffError> {
    crate::validate::validate(base).map_err(DiffError::Base)?;
    crate::validate::validate(head).map_err(DiffError::Head)?;
    let (base, head) = (compare::Side::new(base), compare::Side::new(head));
    let mut changes = compare::compare(&base, &head);
    changes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(changes)
}

/// Loads, validates and compares two specs given as `(display path, text)` pairs.
pub fn diff_texts(
    base: Vec<(String, String)>,
    head: Vec<(String, String)>,
) -> Result<Vec<Change>, DiffError> {
    let base = crate::source::load_texts(base).map_err(DiffError::Base)?;
    let head = crate::source::load_texts(head).map_err(DiffError::Head)?;
    diff(&base, &head)
}
