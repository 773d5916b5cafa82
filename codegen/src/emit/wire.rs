//! The `Serialize`/`Deserialize` impls of an area's objects, printed from a template.
//!
//! These impls are most of the generated code (a line or two per field) and all have the same
//! shape, so they skip the token stream and prettyplease: building them as text is several
//! times faster, and the result is laid out as prettyplease would. They live in their own file,
//! `api/<area>/wire.rs`, a child module of the area (`use super::*`), which also lets the
//! generator format an area's models and print its wire code in parallel.
//!
//! Each object gets a table of its fields (the runtime's `serde_support::Object::FIELDS`: wire
//! name, required, nullable, and where a value nests generated objects or enums), and its impls
//! are one call per field into the runtime's generic helpers, which hold the decoding rule (see
//! the runtime's `decode` module): an absent field holds its type's default, `null`s and unknown
//! keys are kept to be written back, values of the wrong type are kept raw, and each departure
//! from the spec is recorded. Locals and generic parameters use reserved `__` names, so no wire
//! name can collide with them; fields are referred to by their index in the table.

use crate::model::{Api, Area, Field, Object, Schema, SchemaKind, Type};
use std::collections::HashMap;
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
pub(super) fn file(api: &Api, area: &Area) -> String {
    let aliases: HashMap<&str, &Type> = api
        .areas
        .iter()
        .flat_map(|area| &area.schemas)
        .filter_map(|schema| match &schema.kind {
            SchemaKind::Alias(ty) => Some((schema.rust_name.as_str(), ty)),
            _ => None,
        })
        .collect();
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(crate::format::HEADER);
    out.push_str(
        "//! How the objects of this area are written to and read from JSON.\n\
         #![allow(deprecated, reason = \"the generated code itself still uses deprecated items\")]\n\
         \n\
         use super::*;\n\
         use crate::serde_support::{self as __rt, Object as _};\n",
    );
    for (schema, object) in objects(area) {
        out.push('\n');
        write_object(&mut out, schema, object, &aliases);
    }
    out
}

/// A Rust string literal.
fn literal(text: &str) -> String {
    format!("{text:?}")
}

/// Where a value of type `ty` holds generated objects or enums, as a path suffix (`""` for the
/// value itself, `"[]"` for list items, `"{}"` for map values, `"[]{}"`...); `None` when it
/// holds none.
fn nested_suffix(ty: &Type, aliases: &HashMap<&str, &Type>) -> Option<String> {
    match ty {
        Type::Named(named) => match aliases.get(named.rust_name.as_str()) {
            Some(target) => nested_suffix(target, aliases),
            None => Some(String::new()),
        },
        Type::List(item) => nested_suffix(item, aliases).map(|suffix| format!("[]{suffix}")),
        Type::Map(item) => nested_suffix(item, aliases).map(|suffix| format!("{{}}{suffix}")),
        _ => None,
    }
}

/// The field's entry in the object's table, e.g.
/// `__rt::Field { name: "user", flags: __rt::REQUIRED, nested: Some("") }` (a struct literal:
/// constant data, where `const fn` calls would be code to check).
fn table_entry(field: &Field, aliases: &HashMap<&str, &Type>) -> String {
    let flags = match (field.required, field.nullable) {
        (true, true) => "__rt::REQUIRED | __rt::NULLABLE",
        (true, false) => "__rt::REQUIRED",
        (false, true) => "__rt::NULLABLE",
        (false, false) => "__rt::OPTIONAL",
    };
    let nested = match nested_suffix(&field.ty, aliases) {
        Some(suffix) => format!("Some({})", literal(&suffix)),
        None => "None".to_owned(),
    };
    format!(
        "__rt::Field {{ name: {}, flags: {flags}, nested: {nested} }}",
        literal(&field.wire_name)
    )
}

/// The hash table of an object's field names (the runtime's `Fields::slots`): a power of two
/// of slots, at least twice the fields; each field's index + 1 in the slot of its
/// [`name_slot`], or the next free one after it; 0 in empty slots.
fn slots(fields: &[Field]) -> Vec<usize> {
    if fields.is_empty() {
        return Vec::new();
    }
    let size = (2 * fields.len()).next_power_of_two();
    let mut slots = vec![0; size];
    for (index, field) in fields.iter().enumerate() {
        let mut slot = name_slot(field.wire_name.as_bytes(), size.trailing_zeros()) & (size - 1);
        while slots[slot] != 0 {
            slot = (slot + 1) & (size - 1);
        }
        slots[slot] = index + 1;
    }
    slots
}

/// The runtime's `serde_support::name_slot`, which must stay the same function: the length
/// and three bytes of a name, multiplied by a constant, top `bits` bits.
fn name_slot(name: &[u8], bits: u32) -> usize {
    let byte = |at: usize| u32::from(name.get(at).copied().unwrap_or(0));
    let length = name.len() as u32;
    let key = (length << 24)
        ^ (byte(0) << 16)
        ^ (byte(name.len() / 2) << 8)
        ^ byte(name.len().wrapping_sub(1));
    (key.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

fn write_object(
    out: &mut String,
    schema: &Schema,
    object: &Object,
    aliases: &HashMap<&str, &Type>,
) {
    let name = &schema.rust_name;
    let custom = object.custom_data;
    let spec_name = literal(&schema.spec_name);

    // The table and the decoder.
    let _ = write!(
        out,
        "impl __rt::Object for {name} {{\n    \
         const FIELDS: &'static __rt::Fields = &__rt::Fields {{\n        \
         schema: {spec_name},\n        custom: {custom},\n        fields: &["
    );
    if object.fields.is_empty() {
        out.push_str("],\n");
    } else {
        out.push('\n');
        for field in &object.fields {
            let _ = writeln!(out, "            {},", table_entry(field, aliases));
        }
        out.push_str("        ],\n");
    }
    let slots: Vec<String> = slots(&object.fields)
        .iter()
        .map(ToString::to_string)
        .collect();
    let required = object.fields.iter().filter(|field| field.required).count();
    let _ = write!(
        out,
        "        slots: &[{}],\n        required: {required},\n    }};\n\n",
        slots.join(", ")
    );
    // `next_field` returns only the indexes of `FIELDS`, so the last arm never runs.
    let _ = write!(
        out,
        "    fn decode<'de, __A: serde::de::MapAccess<'de>>(__map: __A) -> Result<Self, __A::Error> {{\n        \
         let mut __reader = __rt::FieldReader::enter(__map, Self::FIELDS);\n        \
         let mut __value = Self::default();\n"
    );
    const BODY: &str = "        ";
    // Date-times take the runtime's fast RFC 3339 path (`timestamp.rs`).
    let read = |field: &Field| {
        let method = match (field.is_optional(), &field.ty) {
            (false, Type::DateTime) => "date_time",
            (true, Type::DateTime) => "option_date_time",
            (false, _) => "value",
            (true, _) => "option",
        };
        format!("__reader.{method}(&mut __value.{})", field.rust_name)
    };
    match object.fields.as_slice() {
        [] => {
            let _ = writeln!(out, "{BODY}while __reader.next_field().is_some() {{");
        }
        [field] => {
            let _ = writeln!(out, "{BODY}while __reader.next_field().is_some() {{");
            let _ = writeln!(out, "{BODY}    {};", read(field));
        }
        fields => {
            let _ = writeln!(
                out,
                "{BODY}while let Some(__index) = __reader.next_field() {{"
            );
            let _ = writeln!(out, "{BODY}    match __index {{");
            for (index, field) in fields.iter().enumerate() {
                let _ = writeln!(out, "{BODY}        {index} => {},", read(field));
            }
            let _ = writeln!(out, "{BODY}        _ => {{}}\n{BODY}    }}");
        }
    }
    let _ = writeln!(out, "{BODY}}}");
    if custom {
        let _ = writeln!(out, "{BODY}__value.custom = __reader.custom();");
    }
    let _ = write!(
        out,
        "{BODY}__value.__wire = __reader.finish()?;\n{BODY}Ok(__value)\n    }}\n}}\n\n"
    );

    // Serialize: one entry per field, then unknown keys or custom data.
    let binding = if object.fields.is_empty() {
        "__map"
    } else {
        "mut __map"
    };
    let _ = write!(
        out,
        "impl serde::Serialize for {name} {{\n    \
         fn serialize<__S: serde::Serializer>(&self, __serializer: __S) -> Result<__S::Ok, __S::Error> {{\n        \
         let {binding} = __rt::writer(__serializer, Self::FIELDS, &self.__wire)?;\n"
    );
    for (index, field) in object.fields.iter().enumerate() {
        let method = if field.is_optional() {
            "optional"
        } else {
            "required"
        };
        let _ = writeln!(
            out,
            "{BODY}__map.{method}({index}, &self.{});",
            field.rust_name
        );
    }
    let end = if custom { "Some(&self.custom)" } else { "None" };
    let _ = write!(out, "{BODY}__map.end({end})\n    }}\n}}\n\n");

    let _ = write!(
        out,
        "impl<'de> serde::Deserialize<'de> for {name} {{\n    \
         fn deserialize<__D: serde::Deserializer<'de>>(__deserializer: __D) -> Result<Self, __D::Error> {{\n        \
         __rt::deserialize_object(__deserializer)\n    }}\n}}\n\n\
         impl crate::WireObject for {name} {{\n    \
         #[inline]\n    fn wire_state(&self) -> &crate::WireState {{\n        &self.__wire\n    }}\n"
    );
    if custom {
        out.push_str(
            "\n    #[inline]\n    fn unknown_fields(&self) -> &serde_json::Map<String, serde_json::Value> {\n        \
             &self.custom\n    }\n",
        );
    }
    out.push_str("}\n");
}
