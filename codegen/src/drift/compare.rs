//! The comparison of the spec's [`Shape`] with the documents': every attribute the spec
//! language can say, each difference one [`Finding`].
//!
//! Differences of representation are not findings: a named enum on one side and an inline
//! enum with the same values on the other (also as list items); the `type` field of an event
//! payload and the `custom` map of an object with custom data (both implied in the spec
//! language); placeholder names in paths; bounds the spec language cannot say about the
//! spec's type (Stream writes `maximum` on some filter objects).

use super::finding::{Entity, Finding, FindingKind, Source, Target};
use super::shape::{Field, FilterField, Object, OperationKey, Schema, Shape};
use crate::ast::Bounds;
use crate::types::TypeExpr;
use indexmap::IndexMap;
use std::collections::BTreeSet;

/// Lists what is on one side only, or different, sorted.
pub(crate) fn compare(spec: &Shape, theirs: &Shape) -> Vec<Finding> {
    let mut comparison = Comparison {
        spec,
        theirs,
        findings: Vec::new(),
    };
    comparison.version();
    comparison.operations();
    comparison.schemas();
    comparison.events();
    let mut findings = comparison.findings;
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // A named enum used by several fields reports its values once.
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.target == b.target);
    findings
}

struct Comparison<'a> {
    spec: &'a Shape,
    theirs: &'a Shape,
    findings: Vec<Finding>,
}

/// Where a field or parameter is used, to find its counterpart on the other side.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Site {
    Field(String, String),
    Query(OperationKey, String),
    Path(OperationKey, usize),
}

/// What kind of place a field is compared in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Field,
    Query,
    Path,
}

impl Place {
    fn entity(self) -> Entity {
        match self {
            Place::Field => Entity::Field,
            Place::Query => Entity::QueryParam,
            Place::Path => Entity::PathParam,
        }
    }
}

/// "required string", "optional list<X>, nullable".
pub(crate) fn summary(field: &Field) -> String {
    let mut text = format!(
        "{} {}",
        if field.required {
            "required"
        } else {
            "optional"
        },
        field.ty
    );
    if field.nullable {
        text.push_str(", nullable");
    }
    text
}

fn list(values: &[String]) -> String {
    values.join(", ")
}

impl<'a> Comparison<'a> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: FindingKind,
        entity: Entity,
        location: String,
        attribute: Option<&'static str>,
        values: (Option<String>, Option<String>),
        target: Target,
        item: Vec<String>,
    ) {
        self.findings.push(Finding {
            kind,
            source: Source::OpenApi,
            entity,
            location,
            attribute,
            spec: values.0,
            theirs: values.1,
            count: None,
            example: None,
            target,
            item,
        });
    }

    /// A `different` finding when the two values differ.
    fn differ<T: PartialEq + ToString>(
        &mut self,
        entity: Entity,
        location: &str,
        target: &Target,
        attribute: &'static str,
        ours: T,
        theirs: T,
    ) {
        if ours != theirs {
            self.push(
                FindingKind::Different,
                entity,
                location.to_owned(),
                Some(attribute),
                (Some(ours.to_string()), Some(theirs.to_string())),
                target.clone(),
                Vec::new(),
            );
        }
    }

    /// Items on one side only: enum values, operators, sort fields, sent events.
    fn items(
        &mut self,
        entity: Entity,
        location: impl Fn(&str) -> String,
        target: &Target,
        prefix: &[String],
        ours: &[String],
        theirs: &[String],
    ) {
        for (kind, from, other) in [
            (FindingKind::OnlyInSpec, ours, theirs),
            (FindingKind::OnlyInOpenApi, theirs, ours),
        ] {
            for value in from.iter().filter(|v| !other.contains(v)) {
                let values = match kind {
                    FindingKind::OnlyInSpec => (Some(value.clone()), None),
                    _ => (None, Some(value.clone())),
                };
                let item = [prefix, std::slice::from_ref(value)].concat();
                self.push(
                    kind,
                    entity,
                    location(value),
                    None,
                    values,
                    target.clone(),
                    item,
                );
            }
        }
    }

    fn version(&mut self) {
        let (ours, theirs) = (&self.spec.api_version, &self.theirs.api_version);
        if theirs.is_some() && ours != theirs {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_owned());
            self.differ(
                Entity::ApiVersion,
                "api_version",
                &Target::ApiVersion,
                "version",
                show(ours),
                show(theirs),
            );
        }
    }

    fn operations(&mut self) {
        let (spec, theirs) = (self.spec, self.theirs);
        for (key, ours) in &spec.operations {
            let location = format!("{} {}", ours.method, ours.path);
            let target = Target::Operation(key.clone());
            let Some(other) = theirs.operations.get(key) else {
                let name = Some(ours.name.clone());
                self.push(
                    FindingKind::OnlyInSpec,
                    Entity::Operation,
                    location,
                    None,
                    (name, None),
                    target,
                    Vec::new(),
                );
                continue;
            };
            let show = |v: Option<String>| v.unwrap_or_else(|| "none".to_owned());
            let op = Entity::Operation;
            if !other.name.is_empty() {
                self.differ(op, &location, &target, "name", &ours.name, &other.name);
            }
            let body = |o: &super::shape::Operation| show(o.body.as_ref().map(|b| b.to_string()));
            self.differ(op, &location, &target, "body", body(ours), body(other));
            self.differ(
                op,
                &location,
                &target,
                "response",
                show(ours.response.clone()),
                show(other.response.clone()),
            );
            let status = |o: &super::shape::Operation| show(o.status.map(|s| s.to_string()));
            self.differ(
                op,
                &location,
                &target,
                "status",
                status(ours),
                status(other),
            );
            if theirs.knows.both_sides {
                self.differ(
                    op,
                    &location,
                    &target,
                    "server_side_only",
                    ours.server_side_only,
                    other.server_side_only,
                );
                self.differ(
                    op,
                    &location,
                    &target,
                    "client_side_only",
                    ours.client_side_only,
                    other.client_side_only,
                );
            }
            self.differ(
                op,
                &location,
                &target,
                "deprecated",
                ours.deprecated,
                other.deprecated,
            );
            // Path parameters pair up by position: placeholder names are not on the wire.
            for (index, (name, param)) in ours.path_params.iter().enumerate() {
                let at = format!("{location} path.{name}");
                let target = Target::Param {
                    operation: key.clone(),
                    query: false,
                    name: name.clone(),
                };
                match other.path_params.get(index) {
                    Some((_, their_param)) => {
                        self.field(Place::Path, &at, &target, param, their_param);
                    }
                    None => self.push(
                        FindingKind::OnlyInSpec,
                        Entity::PathParam,
                        at,
                        None,
                        (Some(param.ty.clone()), None),
                        target,
                        Vec::new(),
                    ),
                }
            }
            for (name, param) in other.path_params.iter().skip(ours.path_params.len()) {
                let target = Target::Param {
                    operation: key.clone(),
                    query: false,
                    name: name.clone(),
                };
                self.push(
                    FindingKind::OnlyInOpenApi,
                    Entity::PathParam,
                    format!("{location} path.{name}"),
                    None,
                    (None, Some(param.ty.clone())),
                    target,
                    Vec::new(),
                );
            }
            for (name, param) in &ours.query {
                let at = format!("{location} query.{name}");
                let target = Target::Param {
                    operation: key.clone(),
                    query: true,
                    name: name.clone(),
                };
                match other.query.get(name) {
                    Some(their_param) => {
                        self.field(Place::Query, &at, &target, param, their_param);
                    }
                    None => self.push(
                        FindingKind::OnlyInSpec,
                        Entity::QueryParam,
                        at,
                        None,
                        (Some(summary(param)), None),
                        target,
                        Vec::new(),
                    ),
                }
            }
            for (name, param) in &other.query {
                if !ours.query.contains_key(name) {
                    let target = Target::Param {
                        operation: key.clone(),
                        query: true,
                        name: name.clone(),
                    };
                    self.push(
                        FindingKind::OnlyInOpenApi,
                        Entity::QueryParam,
                        format!("{location} query.{name}"),
                        None,
                        (None, Some(summary(param))),
                        target,
                        Vec::new(),
                    );
                }
            }
            self.items(
                Entity::OperationEvent,
                |event| format!("{location} sends {event}"),
                &target,
                &[],
                &ours.events,
                &other.events,
            );
        }
        for (key, other) in &theirs.operations {
            if !spec.operations.contains_key(key) {
                let name = (!other.name.is_empty()).then(|| other.name.clone());
                self.push(
                    FindingKind::OnlyInOpenApi,
                    Entity::Operation,
                    format!("{} {}", other.method, other.path),
                    None,
                    (None, name),
                    Target::Operation(key.clone()),
                    Vec::new(),
                );
            }
        }
    }

    /// A field's or parameter's attributes.
    fn field(
        &mut self,
        place: Place,
        location: &str,
        target: &Target,
        ours: &Field,
        theirs: &Field,
    ) {
        let entity = place.entity();
        let (our_ty, our_values, our_enum) = effective(self.spec, &ours.ty, ours.values.as_ref());
        let (their_ty, their_values, their_enum) =
            effective(self.theirs, &theirs.ty, theirs.values.as_ref());
        if our_ty != their_ty {
            self.differ(entity, location, target, "type", &ours.ty, &theirs.ty);
        }
        match (our_values, their_values) {
            (Some(a), Some(b)) => {
                // Values of a named enum belong to the enum.
                let (at, values_target) = match &our_enum {
                    Some(name) => (name.clone(), Target::Schema(name.clone())),
                    None => (location.to_owned(), target.clone()),
                };
                self.items(
                    Entity::EnumValue,
                    |value| format!("{at} = {value}"),
                    &values_target,
                    &[],
                    a,
                    b,
                );
            }
            (None, None) => {}
            (a, b) if our_ty == their_ty || their_enum.is_some() || our_enum.is_some() => {
                let show = |v: Option<&Vec<String>>| v.map_or("none".to_owned(), |v| list(v));
                self.differ(entity, location, target, "enum", show(a), show(b));
            }
            _ => {}
        }
        if place != Place::Path {
            self.differ(
                entity,
                location,
                target,
                "required",
                ours.required,
                theirs.required,
            );
        }
        self.differ(
            entity,
            location,
            target,
            "nullable",
            ours.nullable,
            theirs.nullable,
        );
        self.bounds(
            entity,
            location,
            target,
            &ours.ty,
            &ours.bounds,
            &theirs.bounds,
        );
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_owned());
        self.differ(
            entity,
            location,
            target,
            "default",
            show(&ours.default),
            show(&theirs.default),
        );
        self.differ(
            entity,
            location,
            target,
            "deprecated",
            ours.deprecated,
            theirs.deprecated,
        );
        if self.theirs.knows.both_sides {
            self.differ(
                entity,
                location,
                target,
                "client_side_only",
                ours.client_side_only,
                theirs.client_side_only,
            );
        }
        match (&ours.filter, &theirs.filter) {
            (Some(a), Some(b)) => self.filter(location, target, a, b),
            (a, b) => {
                let show = |f: &Option<IndexMap<String, FilterField>>| {
                    f.as_ref()
                        .map_or("none".to_owned(), |f| format!("{} fields", f.len()))
                };
                self.differ(entity, location, target, "filter", show(a), show(b));
            }
        }
        match (&ours.sort, &theirs.sort) {
            (Some(a), Some(b)) => self.items(
                Entity::SortField,
                |name| format!("{location} sort.{name}"),
                target,
                &[],
                a,
                b,
            ),
            (a, b) => {
                let show =
                    |s: &Option<Vec<String>>| s.as_ref().map_or("none".to_owned(), |s| list(s));
                self.differ(entity, location, target, "sort", show(a), show(b));
            }
        }
        let combinations = |c: &Option<Vec<Vec<String>>>| match c {
            None => "none".to_owned(),
            Some(all) => {
                let inner: Vec<String> = all.iter().map(|c| format!("[{}]", list(c))).collect();
                format!("[{}]", inner.join(", "))
            }
        };
        self.differ(
            entity,
            location,
            target,
            "sort_combinations",
            combinations(&ours.sort_combinations),
            combinations(&theirs.sort_combinations),
        );
    }

    /// The bounds the spec language can say about the spec's type.
    fn bounds(
        &mut self,
        entity: Entity,
        location: &str,
        target: &Target,
        ty: &str,
        ours: &Bounds,
        theirs: &Bounds,
    ) {
        let ty = TypeExpr::parse(ty).ok();
        let numeric = ty.as_ref().is_some_and(TypeExpr::is_numeric);
        let text = ty == Some(TypeExpr::String);
        let list = matches!(ty, Some(TypeExpr::List(_)));
        let float = |v: Option<f64>| v.map_or("none".to_owned(), super::shape::number_text);
        let count = |v: Option<u64>| v.map_or("none".to_owned(), |v| v.to_string());
        let checks: [(&'static str, bool, String, String); 6] = [
            ("min", numeric, float(ours.min), float(theirs.min)),
            ("max", numeric, float(ours.max), float(theirs.max)),
            ("min_len", text, count(ours.min_len), count(theirs.min_len)),
            ("max_len", text, count(ours.max_len), count(theirs.max_len)),
            (
                "min_items",
                list,
                count(ours.min_items),
                count(theirs.min_items),
            ),
            (
                "max_items",
                list,
                count(ours.max_items),
                count(theirs.max_items),
            ),
        ];
        for (attribute, applies, a, b) in checks {
            if applies {
                self.differ(entity, location, target, attribute, a, b);
            }
        }
    }

    fn filter(
        &mut self,
        location: &str,
        target: &Target,
        ours: &IndexMap<String, FilterField>,
        theirs: &IndexMap<String, FilterField>,
    ) {
        for (name, field) in ours {
            let at = format!("{location} filter.{name}");
            let Some(other) = theirs.get(name) else {
                self.push(
                    FindingKind::OnlyInSpec,
                    Entity::FilterField,
                    at,
                    None,
                    (Some(field.ty.clone()), None),
                    target.clone(),
                    vec![name.clone()],
                );
                continue;
            };
            if field.ty != other.ty {
                self.push(
                    FindingKind::Different,
                    Entity::FilterField,
                    at.clone(),
                    Some("type"),
                    (Some(field.ty.clone()), Some(other.ty.clone())),
                    target.clone(),
                    vec![name.clone()],
                );
            }
            self.items(
                Entity::FilterOperator,
                |op| format!("{at} ${op}"),
                target,
                std::slice::from_ref(name),
                &field.ops,
                &other.ops,
            );
        }
        for (name, field) in theirs {
            if !ours.contains_key(name) {
                self.push(
                    FindingKind::OnlyInOpenApi,
                    Entity::FilterField,
                    format!("{location} filter.{name}"),
                    None,
                    (None, Some(field.ty.clone())),
                    target.clone(),
                    vec![name.clone()],
                );
            }
        }
    }

    fn schemas(&mut self) {
        let (spec, theirs) = (self.spec, self.theirs);
        // A payload on either side: the spec may lack the event, or the documents.
        let payloads: BTreeSet<&str> = spec
            .events
            .iter()
            .chain(&theirs.events)
            .filter(|(event_type, _)| event_type.as_str() != crate::model::FALLBACK_EVENT)
            .filter_map(|(_, event)| event.payload.as_deref())
            .collect();
        for (name, ours) in &spec.schemas {
            let target = Target::Schema(name.clone());
            let Some(other) = theirs.schemas.get(name) else {
                if !(matches!(ours, Schema::Enum(_)) && inline_elsewhere(name, spec, theirs)) {
                    let kind = Some(ours.kind().to_owned());
                    self.push(
                        FindingKind::OnlyInSpec,
                        Entity::Schema,
                        name.clone(),
                        None,
                        (kind, None),
                        target,
                        Vec::new(),
                    );
                }
                continue;
            };
            match (ours, other) {
                (Schema::Enum(a), Schema::Enum(b)) => self.items(
                    Entity::EnumValue,
                    |v| format!("{name} = {v}"),
                    &target,
                    &[],
                    a,
                    b,
                ),
                (Schema::Alias(a), Schema::Alias(b)) => {
                    self.differ(Entity::Schema, name, &target, "type", a, b);
                }
                (Schema::Object(a), Schema::Object(b)) => {
                    self.object(name, a, b, payloads.contains(name.as_str()));
                }
                _ => self.differ(
                    Entity::Schema,
                    name,
                    &target,
                    "kind",
                    ours.kind(),
                    other.kind(),
                ),
            }
        }
        for (name, other) in &theirs.schemas {
            if spec.schemas.contains_key(name)
                || (matches!(other, Schema::Enum(_)) && inline_elsewhere(name, theirs, spec))
            {
                continue;
            }
            self.push(
                FindingKind::OnlyInOpenApi,
                Entity::Schema,
                name.clone(),
                None,
                (None, Some(other.kind().to_owned())),
                Target::Schema(name.clone()),
                Vec::new(),
            );
        }
    }

    /// Fields of one object. The `type` field of an event payload is implied in the spec.
    fn object(&mut self, name: &str, ours: &Object, theirs: &Object, is_payload: bool) {
        let target = Target::Schema(name.to_owned());
        self.differ(
            Entity::Schema,
            name,
            &target,
            "custom_data",
            ours.custom_data,
            theirs.custom_data,
        );
        self.differ(
            Entity::Schema,
            name,
            &target,
            "deprecated",
            ours.deprecated,
            theirs.deprecated,
        );
        for (field, f) in &ours.fields {
            let at = format!("{name}.{field}");
            let target = Target::Field {
                schema: name.to_owned(),
                field: field.clone(),
            };
            match theirs.fields.get(field) {
                Some(t) => self.field(Place::Field, &at, &target, f, t),
                None => self.push(
                    FindingKind::OnlyInSpec,
                    Entity::Field,
                    at,
                    None,
                    (Some(summary(f)), None),
                    target,
                    Vec::new(),
                ),
            }
        }
        for (field, t) in &theirs.fields {
            let implied = is_payload && field == "type";
            if !ours.fields.contains_key(field) && !implied {
                self.push(
                    FindingKind::OnlyInOpenApi,
                    Entity::Field,
                    format!("{name}.{field}"),
                    None,
                    (None, Some(summary(t))),
                    Target::Field {
                        schema: name.to_owned(),
                        field: field.clone(),
                    },
                    Vec::new(),
                );
            }
        }
    }

    fn events(&mut self) {
        let (spec, theirs) = (self.spec, self.theirs);
        let payload = |p: &Option<String>| match p {
            Some(name) => format!("payload {name}"),
            None => "no payload".to_owned(),
        };
        for (event_type, ours) in &spec.events {
            let target = Target::Event(event_type.clone());
            let Some(other) = theirs.events.get(event_type) else {
                self.push(
                    FindingKind::OnlyInSpec,
                    Entity::Event,
                    event_type.clone(),
                    None,
                    (Some(payload(&ours.payload)), None),
                    target,
                    Vec::new(),
                );
                continue;
            };
            let show = |p: &Option<String>| p.clone().unwrap_or_else(|| "none".to_owned());
            self.differ(
                Entity::Event,
                event_type,
                &target,
                "payload",
                show(&ours.payload),
                show(&other.payload),
            );
            if theirs.knows.client_side {
                self.differ(
                    Entity::Event,
                    event_type,
                    &target,
                    "client_side",
                    ours.client_side,
                    other.client_side,
                );
            }
        }
        for (event_type, other) in &theirs.events {
            if !spec.events.contains_key(event_type) {
                self.push(
                    FindingKind::OnlyInOpenApi,
                    Entity::Event,
                    event_type.clone(),
                    None,
                    (None, Some(payload(&other.payload))),
                    Target::Event(event_type.clone()),
                    Vec::new(),
                );
            }
        }
    }
}

/// A field's type and enum values, with a named enum (also as list or map items) read as
/// an inline one: `(type with the enum as string, values, the named enum)`.
fn effective<'s>(
    shape: &'s Shape,
    ty: &'s str,
    values: Option<&'s Vec<String>>,
) -> (String, Option<&'s Vec<String>>, Option<String>) {
    if values.is_some() {
        return (ty.to_owned(), values, None);
    }
    let Ok(parsed) = TypeExpr::parse(ty) else {
        return (ty.to_owned(), None, None);
    };
    let (inner, wrap): (&TypeExpr, fn(String) -> String) = match &parsed {
        TypeExpr::List(inner) => (inner, |t| format!("list<{t}>")),
        TypeExpr::Map(inner) => (inner, |t| format!("map<{t}>")),
        other => (other, |t| t),
    };
    if let TypeExpr::Ref(name) = inner {
        if let Some((name, Schema::Enum(named))) = shape.schemas.get_key_value(name) {
            return (wrap("string".to_owned()), Some(named), Some(name.clone()));
        }
    }
    (ty.to_owned(), None, None)
}

/// Every field and parameter of a shape, with where it is.
fn sites(shape: &Shape) -> Vec<(Site, &Field)> {
    let mut all = Vec::new();
    for (key, operation) in &shape.operations {
        for (index, (_, field)) in operation.path_params.iter().enumerate() {
            all.push((Site::Path(key.clone(), index), field));
        }
        for (name, field) in &operation.query {
            all.push((Site::Query(key.clone(), name.clone()), field));
        }
    }
    for (name, schema) in &shape.schemas {
        if let Schema::Object(object) = schema {
            for (field_name, field) in &object.fields {
                all.push((Site::Field(name.clone(), field_name.clone()), field));
            }
        }
    }
    all
}

fn site_field<'s>(shape: &'s Shape, site: &Site) -> Option<&'s Field> {
    match site {
        Site::Field(schema, field) => match shape.schemas.get(schema) {
            Some(Schema::Object(object)) => object.fields.get(field),
            _ => None,
        },
        Site::Query(key, name) => shape.operations.get(key)?.query.get(name),
        Site::Path(key, index) => shape
            .operations
            .get(key)?
            .path_params
            .get(*index)
            .map(|(_, f)| f),
    }
}

/// True when the named enum `name` of `shape`, which `other` lacks, is used and every use has
/// a counterpart in `other` that writes the enum inline: a difference of representation.
fn inline_elsewhere(name: &str, shape: &Shape, other: &Shape) -> bool {
    let uses: Vec<Site> = sites(shape)
        .into_iter()
        .filter(|(_, field)| effective(shape, &field.ty, None).2.as_deref() == Some(name))
        .map(|(site, _)| site)
        .collect();
    !uses.is_empty()
        && uses.iter().all(|site| {
            site_field(other, site).is_some_and(|f| {
                let (_, values, named) = effective(other, &f.ty, f.values.as_ref());
                values.is_some() && named.is_none()
            })
        })
}
