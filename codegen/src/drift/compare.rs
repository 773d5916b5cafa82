//! The spec's [`Shape`], and the comparison of two shapes.

use super::{Field, Finding, FindingKind, Object, Operation, Param, SchemaShape, Shape};
use crate::source::SourceFile;
use crate::types::TypeExpr;
use std::collections::{BTreeMap, BTreeSet};

/// The validated spec in the shape an OpenAPI document is read into. `duration` is a string
/// on the wire, so it reads as `string`.
pub(super) fn spec_shape(files: &[SourceFile]) -> Shape {
    let mut shape = Shape::default();
    for file in files {
        let spec = &file.spec;
        for (name, def) in &spec.endpoints {
            let mut params = BTreeMap::new();
            for (place, fields) in [("path", &def.path_params), ("query", &def.query)] {
                for (param, field) in fields {
                    params.insert(
                        (place.to_owned(), param.clone()),
                        Param {
                            ty: wire_type(&field.ty),
                            required: place == "path" || field.required,
                            values: field.values.clone(),
                        },
                    );
                }
            }
            let operation = Operation {
                name: name.clone(),
                path: def.path.clone(),
                params,
                body: def.body.as_ref().map(|body| match body.content {
                    crate::ast::BodyContent::Json => body.schema.clone(),
                    crate::ast::BodyContent::Multipart => format!("{} (multipart)", body.schema),
                }),
                response: Some(def.response.clone()),
                status: Some(def.status.unwrap_or(200)),
            };
            shape
                .operations
                .insert((def.method.clone(), super::path_key(&def.path)), operation);
        }
        for (name, def) in &spec.schemas {
            let schema = if let Some(values) = &def.values {
                SchemaShape::Enum(values.clone())
            } else if let Some(alias) = &def.alias {
                SchemaShape::Alias(wire_type(alias))
            } else {
                let fields = def
                    .fields
                    .iter()
                    .flatten()
                    .map(|(field, f)| {
                        let field_shape = Field {
                            ty: wire_type(&f.ty),
                            required: f.required,
                            nullable: f.nullable,
                            values: f.values.clone(),
                        };
                        (field.clone(), field_shape)
                    })
                    .collect();
                SchemaShape::Object(Object {
                    fields,
                    custom_data: def.custom_data,
                })
            };
            shape.schemas.insert(name.clone(), schema);
        }
        for (event_type, def) in &spec.events {
            // An undocumented payload differs from any schema the OpenAPI document names.
            let payload = def
                .payload
                .clone()
                .unwrap_or_else(|| "(undocumented)".to_owned());
            shape.events.insert(event_type.clone(), payload);
        }
    }
    shape
}

/// A type expression as it looks on the wire: `duration` is a string.
fn wire_type(text: &str) -> String {
    fn strip(expr: TypeExpr) -> TypeExpr {
        match expr {
            TypeExpr::Duration => TypeExpr::String,
            TypeExpr::List(inner) => TypeExpr::List(Box::new(strip(*inner))),
            TypeExpr::Map(inner) => TypeExpr::Map(Box::new(strip(*inner))),
            other => other,
        }
    }
    TypeExpr::parse(text)
        .map(|expr| strip(expr).to_string())
        .unwrap_or_else(|_| text.trim().to_owned())
}

struct Comparison<'a> {
    spec: &'a Shape,
    openapi: &'a Shape,
    findings: Vec<Finding>,
}

/// Lists what is on one side only, or different, sorted.
pub(super) fn compare(spec: &Shape, openapi: &Shape) -> Vec<Finding> {
    let mut comparison = Comparison {
        spec,
        openapi,
        findings: Vec::new(),
    };
    comparison.operations();
    comparison.schemas();
    comparison.events();
    let mut findings = comparison.findings;
    let group = |entity: &str| match entity {
        "operation" | "path-param" | "query-param" => 0,
        "event" => 2,
        _ => 1,
    };
    findings.sort_by(|a, b| {
        (
            group(a.entity),
            &a.location,
            a.kind,
            a.attribute,
            &a.spec,
            &a.openapi,
        )
            .cmp(&(
                group(b.entity),
                &b.location,
                b.kind,
                b.attribute,
                &b.spec,
                &b.openapi,
            ))
    });
    findings
}

impl Comparison<'_> {
    fn push(
        &mut self,
        kind: FindingKind,
        entity: &'static str,
        location: String,
        attribute: Option<&'static str>,
        values: (Option<String>, Option<String>),
    ) {
        self.findings.push(Finding {
            kind,
            entity,
            location,
            attribute,
            spec: values.0,
            openapi: values.1,
        });
    }

    fn different<T: ToString + PartialEq>(
        &mut self,
        entity: &'static str,
        location: &str,
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
            );
        }
    }

    fn values(&mut self, location: &str, ours: &[String], theirs: &[String]) {
        for value in ours.iter().filter(|v| !theirs.contains(v)) {
            let (entity, at) = ("enum-value", location.to_owned());
            self.push(
                FindingKind::OnlyInSpec,
                entity,
                at,
                None,
                (Some(value.clone()), None),
            );
        }
        for value in theirs.iter().filter(|v| !ours.contains(v)) {
            let (entity, at) = ("enum-value", location.to_owned());
            self.push(
                FindingKind::OnlyInOpenApi,
                entity,
                at,
                None,
                (None, Some(value.clone())),
            );
        }
    }

    /// A field's or parameter's type and values, with a named enum read as an inline one
    /// (`string` and its values): the two documents may write the same enum either way.
    fn effective<'s>(
        shape: &'s Shape,
        ty: &'s str,
        values: Option<&'s Vec<String>>,
    ) -> (&'s str, Option<&'s Vec<String>>) {
        match (values, shape.schemas.get(ty)) {
            (None, Some(SchemaShape::Enum(named))) => ("string", Some(named)),
            _ => (ty, values),
        }
    }

    fn compare_typed(
        &mut self,
        entity: &'static str,
        location: &str,
        ours: (&str, Option<&Vec<String>>),
        theirs: (&str, Option<&Vec<String>>),
    ) {
        if ours.0 == theirs.0 && ours.1.is_none() && theirs.1.is_none() {
            return; // the same type or schema name; a schema's own drift is listed once, there
        }
        let (our_ty, our_values) = Self::effective(self.spec, ours.0, ours.1);
        let (their_ty, their_values) = Self::effective(self.openapi, theirs.0, theirs.1);
        self.different(entity, location, "type", our_ty, their_ty);
        match (our_values, their_values) {
            (Some(ours), Some(theirs)) => self.values(location, ours, theirs),
            (Some(_), None) => self.different(entity, location, "enum", "enum", "no enum"),
            (None, Some(_)) => self.different(entity, location, "enum", "no enum", "enum"),
            (None, None) => {}
        }
    }

    fn operations(&mut self) {
        let (spec, openapi) = (self.spec, self.openapi);
        for (key, op) in &spec.operations {
            let location = format!("{} {}", key.0, op.path);
            let Some(theirs) = openapi.operations.get(key) else {
                self.push(
                    FindingKind::OnlyInSpec,
                    "operation",
                    location,
                    None,
                    (Some(op.name.clone()), None),
                );
                continue;
            };
            self.different(
                "operation",
                &location,
                "body",
                show(&op.body),
                show(&theirs.body),
            );
            self.different(
                "operation",
                &location,
                "response",
                show(&op.response),
                show(&theirs.response),
            );
            self.different(
                "operation",
                &location,
                "status",
                show(&op.status.map(|s| s.to_string())),
                show(&theirs.status.map(|s| s.to_string())),
            );
            // Path parameters are matched by position, so renamed placeholders pair up.
            let our_path: Vec<_> = op.params.iter().filter(|((p, _), _)| p == "path").collect();
            let their_path: Vec<_> = theirs
                .params
                .iter()
                .filter(|((p, _), _)| p == "path")
                .collect();
            for (index, ((_, name), param)) in our_path.iter().enumerate() {
                let at = format!("{location} path.{name}");
                let position = placeholder_position(&op.path, name);
                let other = their_path
                    .iter()
                    .find(|((_, n), _)| placeholder_position(&theirs.path, n) == position)
                    .or_else(|| their_path.get(index));
                match other {
                    // Placeholder names are not on the wire: only types are compared.
                    Some((_, their_param)) => {
                        self.compare_typed(
                            "path-param",
                            &at,
                            (&param.ty, param.values.as_ref()),
                            (&their_param.ty, their_param.values.as_ref()),
                        );
                    }
                    None => self.push(
                        FindingKind::OnlyInSpec,
                        "path-param",
                        at,
                        None,
                        (None, None),
                    ),
                }
            }
            for ((place, name), param) in &op.params {
                if place != "query" {
                    continue;
                }
                let at = format!("{location} query.{name}");
                match theirs.params.get(&(place.clone(), name.clone())) {
                    Some(their_param) => {
                        self.compare_typed(
                            "query-param",
                            &at,
                            (&param.ty, param.values.as_ref()),
                            (&their_param.ty, their_param.values.as_ref()),
                        );
                        self.different(
                            "query-param",
                            &at,
                            "required",
                            param.required,
                            their_param.required,
                        );
                    }
                    None => self.push(
                        FindingKind::OnlyInSpec,
                        "query-param",
                        at,
                        None,
                        (Some(param.ty.clone()), None),
                    ),
                }
            }
            for ((place, name), param) in &theirs.params {
                if place == "query" && !op.params.contains_key(&(place.clone(), name.clone())) {
                    let at = format!("{location} query.{name}");
                    self.push(
                        FindingKind::OnlyInOpenApi,
                        "query-param",
                        at,
                        None,
                        (None, Some(param.ty.clone())),
                    );
                }
            }
        }
        for (key, op) in &openapi.operations {
            if !spec.operations.contains_key(key) {
                let location = format!("{} {}", key.0, op.path);
                let name = (!op.name.is_empty()).then(|| op.name.clone());
                self.push(
                    FindingKind::OnlyInOpenApi,
                    "operation",
                    location,
                    None,
                    (None, name),
                );
            }
        }
    }

    fn schemas(&mut self) {
        let (spec, openapi) = (self.spec, self.openapi);
        let payloads: BTreeSet<&str> = spec.events.values().map(String::as_str).collect();
        for (name, ours) in &spec.schemas {
            let Some(theirs) = openapi.schemas.get(name) else {
                self.push(
                    FindingKind::OnlyInSpec,
                    "schema",
                    name.clone(),
                    None,
                    (None, None),
                );
                continue;
            };
            match (ours, theirs) {
                (SchemaShape::Enum(a), SchemaShape::Enum(b)) => self.values(name, a, b),
                (SchemaShape::Alias(a), SchemaShape::Alias(b)) => {
                    self.different("schema", name, "type", a.as_str(), b.as_str());
                }
                (SchemaShape::Object(a), SchemaShape::Object(b)) => {
                    self.object(name, a, b, payloads.contains(name.as_str()));
                }
                _ => self.different("schema", name, "kind", kind(ours), kind(theirs)),
            }
        }
        for name in openapi.schemas.keys() {
            if !spec.schemas.contains_key(name) {
                self.push(
                    FindingKind::OnlyInOpenApi,
                    "schema",
                    name.clone(),
                    None,
                    (None, None),
                );
            }
        }
    }

    /// Fields of one object. The OpenAPI `type` of an event payload and `custom` of an object
    /// with custom data are implied in the spec language, so they are not drift.
    fn object(&mut self, name: &str, ours: &Object, theirs: &Object, is_payload: bool) {
        for (field, f) in &ours.fields {
            let at = format!("{name}.{field}");
            let Some(t) = theirs.fields.get(field) else {
                self.push(
                    FindingKind::OnlyInSpec,
                    "field",
                    at,
                    None,
                    (Some(f.ty.clone()), None),
                );
                continue;
            };
            self.compare_typed(
                "field",
                &at,
                (&f.ty, f.values.as_ref()),
                (&t.ty, t.values.as_ref()),
            );
            self.different("field", &at, "required", f.required, t.required);
            self.different("field", &at, "nullable", f.nullable, t.nullable);
        }
        for (field, t) in &theirs.fields {
            let implied =
                (is_payload && field == "type") || (ours.custom_data && field == "custom");
            if !ours.fields.contains_key(field) && !implied {
                let at = format!("{name}.{field}");
                self.push(
                    FindingKind::OnlyInOpenApi,
                    "field",
                    at,
                    None,
                    (None, Some(t.ty.clone())),
                );
            }
        }
    }

    fn events(&mut self) {
        let (spec, openapi) = (self.spec, self.openapi);
        for (event_type, payload) in &spec.events {
            match openapi.events.get(event_type) {
                Some(theirs) => {
                    self.different(
                        "event",
                        event_type,
                        "payload",
                        payload.as_str(),
                        theirs.as_str(),
                    );
                }
                None => self.push(
                    FindingKind::OnlyInSpec,
                    "event",
                    event_type.clone(),
                    None,
                    (Some(payload.clone()), None),
                ),
            }
        }
        for (event_type, payload) in &openapi.events {
            if !spec.events.contains_key(event_type) {
                self.push(
                    FindingKind::OnlyInOpenApi,
                    "event",
                    event_type.clone(),
                    None,
                    (None, Some(payload.clone())),
                );
            }
        }
    }
}

fn show(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "none".to_owned())
}

fn kind(schema: &SchemaShape) -> &'static str {
    match schema {
        SchemaShape::Object(_) => "object",
        SchemaShape::Enum(_) => "enum",
        SchemaShape::Alias(_) => "alias",
    }
}

/// The index of `{name}` among the placeholders of a path.
fn placeholder_position(path: &str, name: &str) -> Option<usize> {
    path.split('{')
        .skip(1)
        .position(|rest| rest.split('}').next() == Some(name))
}
