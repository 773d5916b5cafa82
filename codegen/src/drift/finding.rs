//! [`Finding`]: one difference between the spec and the documents (or observed traffic).

use super::shape::OperationKey;

/// Which side has it, or that both have it and differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// In `spec/`, not in the OpenAPI documents.
    OnlyInSpec,
    /// In the OpenAPI documents, not in `spec/`.
    OnlyInOpenApi,
    /// Seen in traffic the client decoded, not in `spec/`.
    OnlyInTraffic,
    /// On both sides, with an attribute that differs.
    Different,
}

impl FindingKind {
    /// `only-in-spec`, `only-in-openapi`, `only-in-traffic` or `different`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::OnlyInSpec => "only-in-spec",
            FindingKind::OnlyInOpenApi => "only-in-openapi",
            FindingKind::OnlyInTraffic => "only-in-traffic",
            FindingKind::Different => "different",
        }
    }
}

/// What the spec was compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Stream's OpenAPI documents.
    OpenApi,
    /// Mismatch records the client collected from real traffic (`--observed`).
    Traffic,
}

impl Source {
    /// `openapi` or `traffic`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::OpenApi => "openapi",
            Source::Traffic => "traffic",
        }
    }

    /// How the text output names the side: `OpenAPI` or `traffic`.
    pub fn label(self) -> &'static str {
        match self {
            Source::OpenApi => "OpenAPI",
            Source::Traffic => "traffic",
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    /// The API version the spec describes (`api_version`) and the documents' `info.version`.
    ApiVersion,
    Operation,
    PathParam,
    QueryParam,
    /// An event type an operation sends.
    OperationEvent,
    Schema,
    Field,
    /// A value of a named or inline enum.
    EnumValue,
    /// A field of a query filter.
    FilterField,
    /// An operator of a query filter's field.
    FilterOperator,
    /// A field a query sorts by.
    SortField,
    Event,
}

impl Entity {
    /// Every entity, for parsing.
    pub const ALL: [Entity; 12] = [
        Entity::ApiVersion,
        Entity::Operation,
        Entity::PathParam,
        Entity::QueryParam,
        Entity::OperationEvent,
        Entity::Schema,
        Entity::Field,
        Entity::EnumValue,
        Entity::FilterField,
        Entity::FilterOperator,
        Entity::SortField,
        Entity::Event,
    ];

    /// The name in the output and in the deviations file: `operation`, `query-param`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::ApiVersion => "api-version",
            Entity::Operation => "operation",
            Entity::PathParam => "path-param",
            Entity::QueryParam => "query-param",
            Entity::OperationEvent => "operation-event",
            Entity::Schema => "schema",
            Entity::Field => "field",
            Entity::EnumValue => "enum-value",
            Entity::FilterField => "filter-field",
            Entity::FilterOperator => "filter-operator",
            Entity::SortField => "sort-field",
            Entity::Event => "event",
        }
    }

    /// The entity named `text`.
    pub fn parse(text: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// Output groups: the version, operations, schemas, events.
    pub(crate) fn group(self) -> u8 {
        match self {
            Entity::ApiVersion => 0,
            Entity::Operation | Entity::PathParam | Entity::QueryParam | Entity::OperationEvent => {
                1
            }
            Entity::Event => 3,
            _ => 2,
        }
    }
}

/// Where in the spec language a finding is, for tools that act on it (`--write`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    ApiVersion,
    /// An operation, by method and path key.
    Operation(OperationKey),
    /// A path parameter of an operation (by position) or a query parameter (by name).
    Param {
        operation: OperationKey,
        query: bool,
        /// The spec's name, or the document's for a parameter the spec lacks.
        name: String,
    },
    Schema(String),
    Field {
        schema: String,
        field: String,
    },
    Event(String),
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which side has it, or that both differ.
    pub kind: FindingKind,
    /// What the spec was compared with.
    pub source: Source,
    pub entity: Entity,
    /// `METHOD /path`, `METHOD /path query.name`, `METHOD /path sends type`, `Schema`,
    /// `Schema.field`, `Schema = value`, `Schema.field filter.name`,
    /// `Schema.field filter.name $op`, `Schema.field sort.name`, an event type, `api_version`.
    pub location: String,
    /// For `different`: the spec key that differs (`type`, `required`, `max_len`, ...).
    pub attribute: Option<&'static str>,
    /// The spec's side: its value, or a summary of what it has.
    pub spec: Option<String>,
    /// The other side (the documents or the traffic).
    pub theirs: Option<String>,
    /// Traffic only: how many records said so.
    pub count: Option<u64>,
    /// Traffic only: one path where it was seen.
    pub example: Option<String>,
    /// Where it is, in spec terms.
    pub target: Target,
    /// For enum values, filter fields and operators, sort fields and sent events: the item
    /// itself (`shadow_block`; `frozen`; `frozen`, `ne`; ...).
    pub item: Vec<String>,
}

impl Finding {
    /// The finding in words, after its location.
    pub fn description(&self) -> String {
        let entity = self.entity.as_str();
        let seen = match (self.count, &self.example) {
            (Some(count), Some(example)) => format!("{}, e.g. {example}", times(count)),
            (Some(count), None) => times(count),
            _ => String::new(),
        };
        let with = |detail: Option<&String>| match (detail, seen.is_empty()) {
            (Some(detail), true) => format!(" ({detail})"),
            (Some(detail), false) => format!(" ({detail}; {seen})"),
            (None, false) => format!(" ({seen})"),
            (None, true) => String::new(),
        };
        match self.kind {
            FindingKind::OnlyInSpec => {
                format!("{entity} only in spec/{}", with(self.spec.as_ref()))
            }
            FindingKind::OnlyInOpenApi => {
                format!("{entity} only in OpenAPI{}", with(self.theirs.as_ref()))
            }
            FindingKind::OnlyInTraffic => {
                format!(
                    "{entity} seen in traffic, not in spec/{}",
                    with(self.theirs.as_ref())
                )
            }
            FindingKind::Different => {
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_owned());
                let mut text = format!(
                    "`{}`: spec/ {}, {} {}",
                    self.attribute.unwrap_or_default(),
                    show(&self.spec),
                    self.source.label(),
                    show(&self.theirs)
                );
                if !seen.is_empty() {
                    text.push_str(&format!(" ({seen})"));
                }
                text
            }
        }
    }

    /// The order of the output: by group, location, kind and attribute.
    pub(crate) fn sort_key(&self) -> impl Ord + '_ {
        (
            self.entity.group(),
            &self.location,
            self.kind,
            self.attribute,
            &self.spec,
            &self.theirs,
        )
    }
}

fn times(count: u64) -> String {
    if count == 1 {
        "seen once".to_owned()
    } else {
        format!("seen {count} times")
    }
}
