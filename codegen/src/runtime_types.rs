//! Schemas the hand-written runtime defines itself, because the runtime needs them to build:
//! `APIError` (`generated-client/src/api_error.rs`), the error body every failing call returns.
//!
//! The spec may still describe such a schema (for the docs, and so that `cargo xtask drift`
//! compares it with Stream's documents). Validation checks the description field by field
//! against [`RUNTIME_TYPES`], so the spec cannot drift from the runtime; lowering treats it
//! like any object (other schemas may hold it), and the emitter writes `pub use crate::X;` in
//! its place, so `models::ApiError` is the runtime's type. A spec without it is fine too.

use crate::ast::SchemaDef;
use crate::types::TypeExpr;

/// A schema the runtime defines.
pub struct RuntimeType {
    /// The schema's name in the spec.
    pub spec_name: &'static str,
    /// The type in the runtime, relative to the crate root.
    pub rust_path: &'static str,
    /// Where the runtime defines it, for messages.
    pub file: &'static str,
    /// Its fields in the spec language: wire name, type, required.
    pub fields: &'static [(&'static str, &'static str, bool)],
}

/// Every schema the runtime defines.
pub const RUNTIME_TYPES: &[RuntimeType] = &[RuntimeType {
    spec_name: "APIError",
    rust_path: "ApiError",
    file: "generated-client/src/api_error.rs",
    fields: &[
        ("code", "int32", true),
        ("message", "string", true),
        ("exception_fields", "map<string>", false),
        ("StatusCode", "int32", true),
        ("duration", "string", true),
        ("more_info", "string", true),
        ("details", "json", true),
        ("unrecoverable", "bool", false),
    ],
}];

/// The runtime type a schema name stands for, if any.
pub fn provided(spec_name: &str) -> Option<&'static RuntimeType> {
    RUNTIME_TYPES.iter().find(|t| t.spec_name == spec_name)
}

impl RuntimeType {
    /// What in the spec's description differs from the runtime's type: one sentence per
    /// difference, as `(field or None, message)`.
    pub fn mismatches(&self, schema: &SchemaDef) -> Vec<(Option<String>, String)> {
        let mut found = Vec::new();
        let expected = |field: &str| {
            self.fields
                .iter()
                .find(|(name, _, _)| *name == field)
                .map(|(name, ty, required)| {
                    let required = if *required { ", required: true" } else { "" };
                    format!("`{name}: {{ type: {ty}{required} }}`")
                })
        };
        let Some(fields) = &schema.fields else {
            found.push((
                None,
                format!("it must be an object with the fields {}", self.field_list()),
            ));
            return found;
        };
        if schema.custom_data {
            found.push((None, "it carries no custom data".to_owned()));
        }
        for (name, def) in fields {
            let Some(expected) = expected(name) else {
                found.push((
                    Some(name.clone()),
                    format!("the runtime's type has no field `{name}`"),
                ));
                continue;
            };
            let (_, ty, required) = self
                .fields
                .iter()
                .find(|(wire, _, _)| wire == name)
                .expect("found above");
            let same_type = TypeExpr::parse(&def.ty).ok() == TypeExpr::parse(ty).ok();
            let plain =
                def.values.is_none() && def.filter.is_none() && def.sort.is_none() && !def.nullable;
            if !same_type || def.required != *required || !plain {
                found.push((Some(name.clone()), format!("it must be {expected}")));
            }
        }
        for (name, _, _) in self.fields {
            if !fields.contains_key(*name) {
                found.push((
                    None,
                    format!(
                        "the field `{name}` is missing: it must be {}",
                        expected(name).unwrap_or_default()
                    ),
                ));
            }
        }
        found
    }

    fn field_list(&self) -> String {
        self.fields
            .iter()
            .map(|(name, _, _)| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
