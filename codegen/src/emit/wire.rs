//! The `Serialize`/`Deserialize` impls of an area's objects, printed from a template.
//!
//! These impls are most of the generated code (three lines or so per field) and all have the
//! same shape, so they skip the token stream and prettyplease: building them as text is several
//! times faster, and the result is laid out as prettyplease would. They live in their own file,
//! `api/<area>/wire.rs`, a child module of the area (`use super::*`), which also lets the
//! generator format an area's models and print its wire code in parallel.
//!
//! Semantics (see the runtime's `serde_support` for why the impls are written out): unknown keys
//! are kept as custom data or skipped, optional and nullable fields may be absent or `null`, an
//! absent required field takes its type's empty value when it has one, and custom keys named like
//! a documented field are never written. Each visitor holds a `serde_support::enter` guard while
//! it decodes, so objects nested deeper than the runtime allows are an error, not a stack overflow.

use crate::model::{Area, Object, Schema, SchemaKind};
use std::fmt::Write as _;

/// The module path of an area's wire impls, relative to the generated folder.
pub(super) fn path(area: &Area) -> String {
    format!("api/{}/wire.rs", area.module)
}

/// True when the area has objects with a JSON form, so it needs a wire module.
pub(super) fn needed(area: &Area) -> bool {
    objects(area).next().is_some()
}

fn objects(area: &Area) -> impl Iterator<Item = (&Schema, &Object)> {
    area.schemas.iter().filter_map(|schema| match &schema.kind {
        SchemaKind::Object(object) if !object.has_binary => Some((schema, object)),
        _ => None,
    })
}

/// The whole file, header included.
pub(super) fn file(area: &Area) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(crate::format::HEADER);
    out.push_str(
        "//! How the objects of this area are written to and read from JSON.\n\
         #![allow(deprecated, reason = \"the generated code itself still uses deprecated items\")]\n\
         \n\
         use super::*;\n",
    );
    for (schema, object) in objects(area) {
        out.push('\n');
        write_object(&mut out, schema, object);
    }
    out
}

/// A field's Rust type as text, spaced like rustfmt (`Option<Box<Channel>>`, `BTreeMap<String, X>`).
fn type_text(field: &crate::model::Field) -> String {
    super::field_type_text(field).replace(',', ", ")
}

/// The local variable that collects a field while decoding (`__field_id`, `__field_type_`):
/// reserved names, as serde_derive's, so no field name can shadow another local.
fn local(rust_name: &str) -> String {
    format!("__field_{rust_name}")
}

/// A Rust string literal.
fn literal(text: &str) -> String {
    format!("{text:?}")
}

fn write_object(out: &mut String, schema: &Schema, object: &Object) {
    let name = &schema.rust_name;
    let custom = object.custom_data;
    let empty = object.fields.is_empty() && !custom;

    // Serialize: one map entry per field; optional fields only when set.
    let binding = if empty { "__map" } else { "mut __map" };
    let _ = write!(
        out,
        "impl serde::Serialize for {name} {{\n    \
         fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {{\n        \
         use serde::ser::SerializeMap as _;\n        \
         let {binding} = serializer.serialize_map(None)?;\n"
    );
    for field in &object.fields {
        let (rust, wire) = (&field.rust_name, literal(&field.wire_name));
        if field.required {
            let _ = writeln!(out, "        __map.serialize_entry({wire}, &self.{rust})?;");
        } else {
            let _ = write!(
                out,
                "        if let Some(__value) = &self.{rust} {{\n            \
                 __map.serialize_entry({wire}, __value)?;\n        }}\n"
            );
        }
    }
    if custom {
        let names: Vec<String> = object
            .fields
            .iter()
            .map(|f| literal(&f.wire_name))
            .collect();
        let _ = writeln!(
            out,
            "        crate::serde_support::serialize_custom(&mut __map, &self.custom, &[{}])?;",
            names.join(", ")
        );
    }
    out.push_str("        __map.end()\n    }\n}\n\n");

    // Deserialize: one map visitor; each field's local declares its type, so rustc infers nothing.
    let _ = write!(
        out,
        "impl<'de> serde::Deserialize<'de> for {name} {{\n    \
         fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {{\n        \
         struct __Visitor;\n        \
         impl<'de> serde::de::Visitor<'de> for __Visitor {{\n            \
         type Value = {name};\n            \
         fn expecting(&self, __formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n                \
         __formatter.write_str({expecting})\n            }}\n            \
         fn visit_map<__A: serde::de::MapAccess<'de>>(self, mut __map: __A) -> Result<{name}, __A::Error> {{\n                \
         let __nesting = crate::serde_support::enter::<__A::Error>()?;\n",
        expecting = literal(&format!("a `{}` object", schema.spec_name)),
    );
    const BODY: &str = "                ";
    for field in &object.fields {
        let ty = type_text(field);
        let ty = if field.is_optional() {
            ty
        } else {
            format!("Option<{ty}>")
        };
        let _ = writeln!(
            out,
            "{BODY}let mut {}: {ty} = None;",
            local(&field.rust_name)
        );
    }
    if custom {
        let _ = writeln!(out, "{BODY}let mut __custom = serde_json::Map::new();");
    }
    let _ = writeln!(
        out,
        "{BODY}while let Some(__key) = __map.next_key::<crate::serde_support::Key<'de>>()? {{"
    );
    if empty {
        let _ = writeln!(
            out,
            "{BODY}    __map.next_value::<serde::de::IgnoredAny>()?;"
        );
    } else if object.fields.is_empty() {
        // Custom data and no documented field: every key is custom (no one-arm `match`).
        let _ = writeln!(
            out,
            "{BODY}    __custom.insert(__key.into_string(), __map.next_value()?);"
        );
    } else {
        let _ = writeln!(out, "{BODY}    match __key.as_str() {{");
        for field in &object.fields {
            let (local, wire) = (local(&field.rust_name), literal(&field.wire_name));
            if field.is_optional() {
                let _ = writeln!(
                    out,
                    "{BODY}        {wire} => {local} = __map.next_value()?,"
                );
            } else {
                let _ = writeln!(
                    out,
                    "{BODY}        {wire} => {local} = Some(__map.next_value()?),"
                );
            }
        }
        if custom {
            let _ = writeln!(
                out,
                "{BODY}        _ => {{\n{BODY}            __custom.insert(__key.into_string(), __map.next_value()?);\n{BODY}        }}"
            );
        } else {
            let _ = writeln!(
                out,
                "{BODY}        _ => {{\n{BODY}            __map.next_value::<serde::de::IgnoredAny>()?;\n{BODY}        }}"
            );
        }
        let _ = writeln!(out, "{BODY}    }}");
    }
    let _ = writeln!(out, "{BODY}}}");
    for field in &object.fields {
        if !field.is_optional() && !field.ty.has_default() {
            let local = local(&field.rust_name);
            let _ = write!(
                out,
                "{BODY}let Some({local}) = {local} else {{\n{BODY}    \
                 return Err(serde::de::Error::missing_field({}));\n{BODY}}};\n",
                literal(&field.wire_name)
            );
        }
    }
    let _ = writeln!(out, "{BODY}Ok({name} {{");
    for field in &object.fields {
        let (rust, local) = (&field.rust_name, local(&field.rust_name));
        if !field.is_optional() && field.ty.has_default() {
            let _ = writeln!(out, "{BODY}    {rust}: {local}.unwrap_or_default(),");
        } else if local == *rust {
            let _ = writeln!(out, "{BODY}    {rust},");
        } else {
            let _ = writeln!(out, "{BODY}    {rust}: {local},");
        }
    }
    if custom {
        let _ = writeln!(out, "{BODY}    custom: __custom,");
    }
    let _ = write!(
        out,
        "{BODY}}})\n            }}\n        }}\n        deserializer.deserialize_map(__Visitor)\n    }}\n}}\n"
    );
}
