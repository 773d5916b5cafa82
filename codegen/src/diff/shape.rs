//! Whether a type of the base spec and a type of the head spec travel as the same JSON.
//!
//! Names are not on the wire. When a reference moves from one schema to another (a body, a
//! response, a field's type, an alias, an event payload) and the two schemas have exactly the
//! same JSON shape, requests and responses do not change: only the Rust type's name does.
//! Two schemas have the same shape when they are the same kind with the same `custom_data`,
//! and an enum has the same values, an alias the same type, an object the same fields, each
//! with the same type (compared the same way, recursively), `required`, `nullable`, bounds,
//! default, inline enum values and `filter`/`sort` lists. Docs and deprecations do not count.
//! `duration` and `string` are the same JSON (a string).

use super::compare::{field_attributes, Side};
use crate::ast::{FieldDef, SchemaDef};
use crate::types::TypeExpr;
use std::collections::{BTreeSet, HashSet};

/// True when values of type `before` (a type expression or schema name of the base) and
/// `after` (of the head) are the same JSON.
pub(super) fn same_type(base: &Side<'_>, head: &Side<'_>, before: &str, after: &str) -> bool {
    Shapes {
        base,
        head,
        assumed: HashSet::new(),
    }
    .types(before, after)
}

struct Shapes<'s, 'a> {
    base: &'s Side<'a>,
    head: &'s Side<'a>,
    /// Pairs of schemas under comparison, taken as equal while their fields are compared, so
    /// that recursive schemas end (every check is a conjunction: one difference anywhere
    /// still makes the whole comparison false).
    assumed: HashSet<(String, String)>,
}

impl Shapes<'_, '_> {
    fn types(&mut self, before: &str, after: &str) -> bool {
        match (TypeExpr::parse(before), TypeExpr::parse(after)) {
            (Ok(before), Ok(after)) => self.exprs(&before, &after),
            _ => before.trim() == after.trim(),
        }
    }

    fn exprs(&mut self, before: &TypeExpr, after: &TypeExpr) -> bool {
        match (before, after) {
            (TypeExpr::List(before), TypeExpr::List(after))
            | (TypeExpr::Map(before), TypeExpr::Map(after)) => self.exprs(before, after),
            // The same name is the same schema: its own changes are reported on it.
            (TypeExpr::Ref(before), TypeExpr::Ref(after)) => {
                before == after || self.schemas(before, after)
            }
            // A duration is a JSON string (`"24h"`), and a `String` in Rust.
            (TypeExpr::String, TypeExpr::Duration) | (TypeExpr::Duration, TypeExpr::String) => true,
            _ => before == after,
        }
    }

    fn schemas(&mut self, before: &str, after: &str) -> bool {
        if !self.assumed.insert((before.to_owned(), after.to_owned())) {
            return true;
        }
        let (Some(old), Some(new)) = (
            self.base.schemas.get(before).copied(),
            self.head.schemas.get(after).copied(),
        ) else {
            return false;
        };
        if old.custom_data != new.custom_data {
            return false;
        }
        match (old, new) {
            (
                SchemaDef {
                    values: Some(old), ..
                },
                SchemaDef {
                    values: Some(new), ..
                },
            ) => set(old) == set(new),
            (
                SchemaDef {
                    alias: Some(old),
                    values: None,
                    ..
                },
                SchemaDef {
                    alias: Some(new),
                    values: None,
                    ..
                },
            ) => self.types(old, new),
            (
                SchemaDef {
                    fields: Some(old), ..
                },
                SchemaDef {
                    fields: Some(new), ..
                },
            ) => {
                old.len() == new.len()
                    && old.iter().all(|(name, field)| {
                        new.get(name).is_some_and(|other| self.fields(field, other))
                    })
            }
            _ => false,
        }
    }

    fn fields(&mut self, before: &FieldDef, after: &FieldDef) -> bool {
        wire_attributes(before) == wire_attributes(after)
            && (before.values.is_some() || self.types(&before.ty, &after.ty))
    }
}

/// What a field's JSON depends on, besides its type: presence, nullability, bounds, default,
/// inline enum values, filter and sort lists.
type WireAttributes<'d> = (
    Vec<(&'static str, Option<String>)>,
    Option<BTreeSet<&'d str>>,
    Option<Vec<(&'d str, &'d str, &'d [String])>>,
    Option<&'d [String]>,
);

fn wire_attributes(def: &FieldDef) -> WireAttributes<'_> {
    let mut attributes = field_attributes(def);
    attributes.retain(|(key, _)| !matches!(*key, "type" | "deprecated"));
    let filter = def.filter.as_ref().map(|filter| {
        filter
            .iter()
            .map(|(name, entry)| (name.as_str(), entry.ty.as_str(), entry.ops.as_slice()))
            .collect()
    });
    (
        attributes,
        def.values.as_deref().map(set),
        filter,
        def.sort.as_deref(),
    )
}

fn set(values: &[String]) -> BTreeSet<&str> {
    values.iter().map(String::as_str).collect()
}
