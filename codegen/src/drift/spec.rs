//! The validated spec as a [`Shape`].

use super::shape::{Body, Event, FilterField, Object, Operation, Schema, Shape};
use super::shape::{Field, OperationKey};
use crate::ast::{BodyContent, Deprecation, FieldDef, Scalar};
use crate::source::SourceFile;
use crate::types::TypeExpr;

/// Reads the spec files (already validated) into a shape.
pub(crate) fn shape(files: &[SourceFile]) -> Shape {
    let mut shape = Shape::default();
    for file in files {
        let spec = &file.spec;
        if spec.api_version.is_some() {
            shape.api_version = spec.api_version.clone();
        }
        for (name, def) in &spec.endpoints {
            let operation = Operation {
                name: name.clone(),
                summary: Some(def.summary.clone()),
                method: def.method.clone(),
                path: def.path.clone(),
                path_params: def
                    .path_params
                    .iter()
                    .map(|(name, f)| (name.clone(), field(f, true)))
                    .collect(),
                query: def
                    .query
                    .iter()
                    .map(|(name, f)| (name.clone(), field(f, f.required)))
                    .collect(),
                body: def.body.as_ref().map(|body| Body {
                    schema: body.schema.clone(),
                    multipart: body.content == BodyContent::Multipart,
                }),
                response: Some(def.response.clone()),
                status: Some(def.status.unwrap_or(200)),
                server_side_only: def.server_side_only,
                client_side_only: def.client_side_only,
                events: def.events.clone(),
                deprecated: Deprecation::note(&def.deprecated).is_some(),
            };
            let key: OperationKey = (def.method.clone(), super::shape::path_key(&def.path));
            shape.operations.insert(key, operation);
        }
        for (name, def) in &spec.schemas {
            let schema = if let Some(values) = &def.values {
                Schema::Enum(values.clone())
            } else if let Some(alias) = &def.alias {
                Schema::Alias(normalized(alias))
            } else {
                Schema::Object(Object {
                    fields: def
                        .fields
                        .iter()
                        .flatten()
                        .map(|(name, f)| (name.clone(), field(f, f.required)))
                        .collect(),
                    custom_data: def.custom_data,
                    deprecated: Deprecation::note(&def.deprecated).is_some(),
                })
            };
            shape.schemas.insert(name.clone(), schema);
        }
        for (event_type, def) in &spec.events {
            let event = Event {
                payload: def.payload.clone(),
                client_side: def.client_side,
            };
            shape.events.insert(event_type.clone(), event);
        }
    }
    shape
}

/// A spec field as drift compares it.
pub(crate) fn field(def: &FieldDef, required: bool) -> Field {
    Field {
        ty: normalized(&def.ty),
        required,
        nullable: def.nullable,
        values: def.values.clone(),
        bounds: def.bounds.clone(),
        default: def.default.as_ref().map(|value| match value {
            Scalar::String(text) => text.clone(),
            other => other.to_string(),
        }),
        deprecated: Deprecation::note(&def.deprecated).is_some(),
        client_side_only: def.client_side_only,
        filter: def.filter.as_ref().map(|fields| {
            fields
                .iter()
                .map(|(name, f)| {
                    let filter_field = FilterField {
                        ty: f.ty.clone(),
                        ops: f.ops.clone(),
                    };
                    (name.clone(), filter_field)
                })
                .collect()
        }),
        sort: def.sort.clone(),
        sort_combinations: def.sort_combinations.clone(),
    }
}

/// A type expression in its canonical spelling (`list< X >` → `list<X>`).
fn normalized(text: &str) -> String {
    TypeExpr::parse(text)
        .map(|expr| expr.to_string())
        .unwrap_or_else(|_| text.trim().to_owned())
}
