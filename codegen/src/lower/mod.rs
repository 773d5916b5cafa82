//! Stage 3, lower: turns validated files into the resolved [`Api`] model.
//!
//! Runs only on a spec that passed [`crate::validate`], so references resolve; where a name
//! is missing anyway, lowering falls back to JSON instead of panicking.
//!
//! Two parts of this stage have modules of their own: `lower/pagination.rs` (an endpoint's
//! `pagination:`, checked for `validate.rs` and lowered here) and [`setters`] (which objects get
//! chainable setters, marked once the whole model is built).

pub(crate) mod pagination;
pub mod setters;

use crate::ast::{Deprecation, FieldDef, Scalar, SchemaDef};
use crate::model::*;
use crate::naming;
use crate::source::SourceFile;
use crate::types::TypeExpr;
use std::collections::{HashMap, HashSet};

/// What lowering knows about every schema name before building types.
struct SchemaInfo {
    module: String,
    rust_name: String,
    is_enum: bool,
    has_default: bool,
    is_eq: bool,
}

struct Lowerer {
    info: HashMap<String, SchemaInfo>,
}

/// Builds the model of a validated spec.
pub fn lower(files: &[SourceFile]) -> Api {
    let info = schema_info(files);
    let lowerer = Lowerer { info };
    let boxed = crate::recursion::boxed_fields(files);
    let mut areas = Vec::new();
    let mut permissions = Vec::new();
    let mut events = Vec::new();
    let mut features = Vec::new();
    for file in files {
        let module = naming::module_name(&file.area);
        let feature = (module != CORE_AREA).then(|| module.clone());
        let mut schemas = Vec::new();
        for (name, def) in &file.spec.schemas {
            lowerer.lower_schema(name, def, &boxed, &mut schemas);
        }
        let mut endpoints = Vec::new();
        for (name, def) in &file.spec.endpoints {
            let params = |params: &indexmap::IndexMap<String, FieldDef>,
                          schemas: &mut Vec<Schema>| {
                params
                    .iter()
                    .map(|(param, field)| lowerer.lower_field(name, param, field, schemas))
                    .collect::<Vec<_>>()
            };
            let path_params = params(&def.path_params, &mut schemas)
                .into_iter()
                .map(|field| Field {
                    required: true,
                    ..field
                })
                .collect();
            // The connection's ID is not the caller's to set in the query struct: the runtime
            // fills it in (see `model::Endpoint::connection_id`).
            let connection_id = def
                .query
                .iter()
                .find(|(_, field)| field.from_connection)
                .map(|(param, _)| param.clone());
            let mut query = params(&def.query, &mut schemas);
            query.retain(|field| Some(&field.wire_name) != connection_id.as_ref());
            let body = def.body.as_ref().map(|body| {
                let multipart = body.content == crate::ast::BodyContent::Multipart;
                let parts = if multipart {
                    files
                        .iter()
                        .find_map(|f| f.spec.schemas.get(&body.schema))
                        .and_then(|schema| schema.fields.as_ref())
                        .map(|fields| {
                            fields
                                .iter()
                                .map(|(field, def)| {
                                    lowerer.lower_field(&body.schema, field, def, &mut Vec::new())
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                Body {
                    schema: lowerer.named(&body.schema),
                    multipart,
                    parts,
                }
            });
            endpoints.push(Endpoint {
                name: name.clone(),
                method_name: naming::field_name(name),
                const_name: naming::const_name(name),
                summary: def.summary.trim().to_owned(),
                doc: def.doc.as_ref().map(|d| d.trim().to_owned()),
                http_method: def.method.clone(),
                path: def.path.clone(),
                path_params,
                query_struct: (!query.is_empty()).then(|| naming::query_struct_name(name)),
                query,
                connection_id,
                body,
                response: lowerer.named(&def.response),
                status: def.status.unwrap_or(200),
                server_side_only: def.server_side_only,
                client_side_only: def.client_side_only,
                events: def.events.clone(),
                permissions: def
                    .permissions
                    .iter()
                    .map(|p| naming::type_name(p))
                    .collect(),
                deprecated: Deprecation::note(&def.deprecated),
                pagination: def.pagination.as_ref().and_then(|pagination| {
                    pagination::lower(
                        pagination,
                        def,
                        |name| files.iter().find_map(|f| f.spec.schemas.get(name)),
                        |expr| lowerer.resolve(expr),
                    )
                }),
            });
        }
        for (name, def) in &file.spec.permissions {
            permissions.push(Permission {
                name: name.clone(),
                variant: naming::type_name(name),
                resource: def.resource.clone(),
                doc: def.doc.trim().to_owned(),
            });
        }
        for (event_type, def) in &file.spec.events {
            events.push(Event {
                event_type: event_type.clone(),
                variant: naming::event_variant(event_type),
                payload: def.payload.as_deref().map(|p| lowerer.named(p)),
                fallback: event_type == FALLBACK_EVENT,
                feature: feature.clone(),
                client_side: def.client_side,
                doc: def.doc.trim().to_owned(),
            });
        }
        let payloads = file
            .spec
            .events
            .values()
            .filter_map(|e| e.payload.as_deref());
        let uses = used_modules(
            &module,
            &schemas,
            &endpoints,
            payloads.map(|p| lowerer.named(p)),
        );
        if let Some(name) = &feature {
            if !schemas.is_empty() || !endpoints.is_empty() || !file.spec.events.is_empty() {
                features.push(Feature {
                    name: name.clone(),
                    uses,
                });
            }
        }
        // An area with only permissions or events has no types or methods of its own.
        if !schemas.is_empty() || !endpoints.is_empty() {
            let (filters, sorts) = filters_and_sorts(file);
            areas.push(Area {
                filters,
                sorts,
                module,
                doc: file.spec.doc.trim().to_owned(),
                feature,
                schemas,
                endpoints,
            });
        }
    }
    let api_version = files.iter().find_map(|file| file.spec.api_version.clone());
    let mut api = Api {
        api_version,
        areas,
        permissions,
        events,
        features,
    };
    setters::mark(&mut api);
    api
}

/// The other gated areas whose types an area's schemas, endpoints and event payloads use.
fn used_modules(
    module: &str,
    schemas: &[Schema],
    endpoints: &[Endpoint],
    payloads: impl Iterator<Item = Named>,
) -> Vec<String> {
    let mut used = std::collections::BTreeSet::new();
    let mut add = |named: &Named| {
        if named.module != module && named.module != CORE_AREA && !named.module.is_empty() {
            used.insert(named.module.clone());
        }
    };
    schemas
        .iter()
        .flat_map(Schema::referenced)
        .for_each(&mut add);
    endpoints
        .iter()
        .flat_map(Endpoint::referenced)
        .for_each(&mut add);
    payloads.for_each(|named| add(&named));
    used.into_iter().collect()
}

impl Lowerer {
    fn named(&self, name: &str) -> Named {
        match self.info.get(name) {
            Some(info) => Named {
                rust_name: info.rust_name.clone(),
                module: info.module.clone(),
                is_enum: info.is_enum,
                has_default: info.has_default,
                is_eq: info.is_eq,
            },
            None => Named {
                rust_name: naming::type_name(name),
                module: String::new(),
                is_enum: false,
                has_default: false,
                is_eq: false,
            },
        }
    }

    fn resolve(&self, expr: &TypeExpr) -> Type {
        match expr {
            TypeExpr::String => Type::String,
            TypeExpr::Bool => Type::Bool,
            TypeExpr::Int32 => Type::Int32,
            TypeExpr::Int64 => Type::Int64,
            TypeExpr::Float => Type::Float,
            TypeExpr::Double => Type::Double,
            TypeExpr::DateTime => Type::DateTime,
            TypeExpr::Duration => Type::Duration,
            TypeExpr::Json => Type::Json,
            TypeExpr::Binary => Type::Binary,
            TypeExpr::List(inner) => Type::List(Box::new(self.resolve(inner))),
            TypeExpr::Map(inner) => Type::Map(Box::new(self.resolve(inner))),
            TypeExpr::Ref(name) => Type::Named(self.named(name)),
        }
    }

    fn lower_schema(
        &self,
        name: &str,
        def: &SchemaDef,
        boxed: &HashSet<(String, String)>,
        out: &mut Vec<Schema>,
    ) {
        let rust_name = naming::type_name(name);
        let deprecated = Deprecation::note(&def.deprecated);
        let doc = def.doc.trim().to_owned();
        if let Some(values) = &def.values {
            out.push(Schema {
                spec_name: name.to_owned(),
                rust_name,
                doc,
                deprecated,
                kind: SchemaKind::Enum(enum_values(values)),
            });
        } else if let Some(alias) = &def.alias {
            let ty = TypeExpr::parse(alias)
                .map(|t| self.resolve(&t))
                .unwrap_or(Type::Json);
            out.push(Schema {
                spec_name: name.to_owned(),
                rust_name,
                doc,
                deprecated,
                kind: SchemaKind::Alias(ty),
            });
        } else {
            let mut inline = Vec::new();
            let fields: Vec<Field> = def
                .fields
                .iter()
                .flatten()
                .map(|(field, fdef)| {
                    let mut lowered = self.lower_field(name, field, fdef, &mut inline);
                    lowered.boxed = boxed.contains(&(name.to_owned(), field.clone()));
                    lowered
                })
                .collect();
            let info = &self.info[name];
            let has_binary = fields.iter().any(|f| f.ty == Type::Binary);
            let object = Object {
                fields,
                custom_data: def.custom_data,
                derives_default: info.has_default,
                derives_eq: info.is_eq,
                has_binary,
                setters: false,
            };
            out.push(Schema {
                spec_name: name.to_owned(),
                rust_name,
                doc,
                deprecated,
                kind: SchemaKind::Object(object),
            });
            out.extend(inline);
        }
    }

    /// Lowers a field; an inline enum becomes a schema pushed to `inline`.
    fn lower_field(
        &self,
        owner: &str,
        wire: &str,
        def: &FieldDef,
        inline: &mut Vec<Schema>,
    ) -> Field {
        let ty = match &def.values {
            Some(values) => {
                let rust_name = naming::inline_enum_name(owner, wire);
                let doc = match &def.doc {
                    Some(doc) => doc.trim().to_owned(),
                    None => format!(
                        "Values of {}.",
                        crate::emit::rustdoc::code(&format!("{}.{wire}", naming::type_name(owner)))
                    ),
                };
                inline.push(Schema {
                    spec_name: rust_name.clone(),
                    rust_name: rust_name.clone(),
                    doc,
                    deprecated: None,
                    kind: SchemaKind::Enum(enum_values(values)),
                });
                let module = self
                    .info
                    .get(owner)
                    .map(|i| i.module.clone())
                    .unwrap_or_default();
                Type::Named(Named {
                    rust_name,
                    module,
                    is_enum: true,
                    has_default: true,
                    is_eq: true,
                })
            }
            None => TypeExpr::parse(&def.ty)
                .map(|t| self.resolve(&t))
                .unwrap_or(Type::Json),
        };
        Field {
            wire_name: wire.to_owned(),
            rust_name: naming::field_name(wire),
            ty,
            required: def.required,
            nullable: def.nullable,
            doc: def.doc.as_ref().map(|d| d.trim().to_owned()),
            bounds: def.bounds.clone(),
            server_default: def.default.as_ref().map(|default| match default {
                Scalar::String(text) => text.clone(),
                other => other.to_string(),
            }),
            deprecated: Deprecation::note(&def.deprecated),
            boxed: false,
            filter: def
                .filter
                .as_ref()
                .map(|_| naming::filter_type_name(owner, wire)),
            client_side_only: def.client_side_only,
        }
    }
}

/// The typed filters and sort enums of a file's request schemas.
fn filters_and_sorts(file: &SourceFile) -> (Vec<QueryFilter>, Vec<QuerySort>) {
    let mut filters = Vec::new();
    let mut sorts = Vec::new();
    for (schema, def) in &file.spec.schemas {
        for (field, fdef) in def.fields.iter().flatten() {
            if let Some(entries) = &fdef.filter {
                let rust_name = naming::filter_type_name(schema, field);
                let fields = entries
                    .iter()
                    .map(|(wire, entry)| {
                        let rust_name = entry
                            .rust
                            .clone()
                            .unwrap_or_else(|| naming::field_name(wire));
                        FilterField {
                            wire_name: wire.clone(),
                            // Validation keeps the functions apart, and so their types.
                            marker: naming::type_name(&rust_name),
                            rust_name,
                            kind: FilterKind::parse(&entry.ty).unwrap_or(FilterKind::Custom),
                            ops: entry
                                .ops
                                .iter()
                                .filter_map(|op| FilterOp::parse(op))
                                .collect(),
                            doc: entry.doc.as_ref().map(|d| d.trim().to_owned()),
                        }
                    })
                    .collect();
                filters.push(QueryFilter {
                    module: naming::field_name(&rust_name),
                    rust_name,
                    schema: schema.clone(),
                    field: field.clone(),
                    fields,
                });
            }
            if let Some(names) = &fdef.sort {
                sorts.push(QuerySort {
                    rust_name: naming::sort_type_name(schema, field),
                    schema: schema.clone(),
                    field: field.clone(),
                    fields: enum_values(names),
                    combinations: fdef.sort_combinations.clone().unwrap_or_default(),
                });
            }
        }
    }
    (filters, sorts)
}

fn enum_values(values: &[String]) -> Vec<EnumValue> {
    values
        .iter()
        .map(|v| EnumValue {
            wire: v.clone(),
            variant: naming::variant_name(v),
        })
        .collect()
}

/// Computes, per schema name, its module, Rust name and whether it can derive `Default`/`Eq`
/// (a greatest fixpoint, so recursive types work).
fn schema_info(files: &[SourceFile]) -> HashMap<String, SchemaInfo> {
    let mut info = HashMap::new();
    let mut objects: Vec<(&str, &SchemaDef)> = Vec::new();
    let mut aliases: Vec<(&str, TypeExpr)> = Vec::new();
    for file in files {
        let module = naming::module_name(&file.area);
        for (name, def) in &file.spec.schemas {
            let is_enum = def.values.is_some();
            info.insert(
                name.clone(),
                SchemaInfo {
                    module: module.clone(),
                    rust_name: naming::type_name(name),
                    is_enum,
                    has_default: true,
                    is_eq: true,
                },
            );
            if let Some(alias) = &def.alias {
                aliases.push((name, TypeExpr::parse(alias).unwrap_or(TypeExpr::Json)));
            } else if def.fields.is_some() {
                objects.push((name, def));
            }
        }
    }
    fn expr_default(expr: &TypeExpr, info: &HashMap<String, SchemaInfo>) -> bool {
        match expr {
            TypeExpr::Binary => false,
            TypeExpr::Ref(name) => info.get(name).is_some_and(|i| i.has_default),
            _ => true,
        }
    }
    fn expr_eq(expr: &TypeExpr, info: &HashMap<String, SchemaInfo>) -> bool {
        match expr {
            TypeExpr::Float | TypeExpr::Double | TypeExpr::Json => false,
            TypeExpr::List(inner) | TypeExpr::Map(inner) => expr_eq(inner, info),
            TypeExpr::Ref(name) => info.get(name).is_some_and(|i| i.is_eq),
            _ => true,
        }
    }
    loop {
        let mut changed = false;
        for (name, def) in &objects {
            let mut has_default = true;
            let mut is_eq = !def.custom_data;
            for field in def.fields.iter().flat_map(|f| f.values()) {
                let expr = if field.values.is_some() {
                    None
                } else {
                    Some(TypeExpr::parse(&field.ty).unwrap_or(TypeExpr::Json))
                };
                // Inline enums (no type expression) have a default like every enum.
                if field.required
                    && !field.nullable
                    && expr.as_ref().is_some_and(|e| !expr_default(e, &info))
                {
                    has_default = false;
                }
                if let Some(expr) = &expr {
                    if !expr_eq(expr, &info) {
                        is_eq = false;
                    }
                }
            }
            let entry = info
                .get_mut(*name)
                .expect("object names were inserted above");
            if (entry.has_default, entry.is_eq) != (has_default, is_eq) {
                entry.has_default = has_default;
                entry.is_eq = is_eq;
                changed = true;
            }
        }
        for (name, expr) in &aliases {
            let (has_default, is_eq) = (expr_default(expr, &info), expr_eq(expr, &info));
            let entry = info
                .get_mut(*name)
                .expect("alias names were inserted above");
            if (entry.has_default, entry.is_eq) != (has_default, is_eq) {
                entry.has_default = has_default;
                entry.is_eq = is_eq;
                changed = true;
            }
        }
        if !changed {
            return info;
        }
    }
}
