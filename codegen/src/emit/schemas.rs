//! Objects, string enums and aliases.

use super::rustdoc::{code, prose};
use super::tokens::{deprecated, doc, ident, rust_type};
use crate::model::{EnumValue, Field, Object, Schema, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// The items of one schema.
pub(super) fn emit(schema: &Schema) -> TokenStream {
    if let Some(runtime) = crate::runtime_types::provided(&schema.spec_name) {
        // The runtime defines it; `models` re-exports it under the same name.
        let path = ident(runtime.rust_path);
        return quote! { pub use crate::#path; };
    }
    let docs = doc(&prose(&schema.doc));
    let deprecated = deprecated(&schema.deprecated);
    let name = ident(&schema.rust_name);
    match &schema.kind {
        SchemaKind::Object(object) => object_items(schema, object),
        SchemaKind::Enum(values) => enum_items(schema, values),
        SchemaKind::Alias(ty) => {
            let ty = rust_type(ty);
            quote! {
                #docs
                #deprecated
                pub type #name = #ty;
            }
        }
    }
}

/// The field's type as declared: `T`, `Box<T>`, `Option<T>` or `Option<Box<T>>`.
pub(super) fn field_type(field: &Field) -> TokenStream {
    let mut ty = value_type(field);
    if field.boxed {
        ty = quote! { Box<#ty> };
    }
    if field.is_optional() {
        ty = quote! { Option<#ty> };
    }
    ty
}

/// The type of a field's value: its spec type, or `Filter<Marker>` for a typed query filter.
pub(super) fn value_type(field: &Field) -> TokenStream {
    match &field.filter {
        Some(marker) => {
            let marker = ident(marker);
            quote! { crate::filter::Filter<#marker> }
        }
        None => rust_type(&field.ty),
    }
}

/// The field's rustdoc: its doc (or a readable fallback), then bounds and defaults.
pub(super) fn field_doc(field: &Field) -> TokenStream {
    doc(&field_doc_text(field))
}

/// The text of [`field_doc`].
pub(super) fn field_doc_text(field: &Field) -> String {
    let mut text = prose(
        &field
            .doc
            .clone()
            .unwrap_or_else(|| crate::naming::humanize(&field.wire_name)),
    );
    let notes = notes(field);
    if !notes.is_empty() {
        text.push_str("\n\n");
        text.push_str(&notes.join(" "));
    }
    text
}

/// A field's bounds and server default as sentences: "Between 1 and 64 characters.",
/// "At most 1 item.", "The server's default is `25`."
fn notes(field: &Field) -> Vec<String> {
    let bounds = &field.bounds;
    // "At most 1 item.", "At most 2 items.": a unit is plural but after a lone 1.
    let one = |count: &str, unit: &str| {
        if count == "1" {
            unit.strip_suffix('s').unwrap_or(unit).to_owned()
        } else {
            unit.to_owned()
        }
    };
    let range = |low: Option<String>, high: Option<String>, unit: &str| match (low, high) {
        (Some(low), Some(high)) => Some(format!("Between {low} and {high}{unit}.")),
        (Some(low), None) => Some(format!("At least {low}{}.", one(&low, unit))),
        (None, Some(high)) => Some(format!("At most {high}{}.", one(&high, unit))),
        (None, None) => None,
    };
    // f64's Display writes whole numbers without a fraction: "At most 25.", not "25.0".
    let number = |value: Option<f64>| value.map(|v| v.to_string());
    let count = |value: Option<u64>| value.map(|v| v.to_string());
    let mut notes = Vec::new();
    notes.extend(range(number(bounds.min), number(bounds.max), ""));
    notes.extend(range(
        count(bounds.min_len),
        count(bounds.max_len),
        " characters",
    ));
    notes.extend(range(
        count(bounds.min_items),
        count(bounds.max_items),
        " items",
    ));
    if let Some(default) = &field.server_default {
        notes.push(format!("The server's default is {}.", code(default)));
    }
    if field.client_side_only {
        notes.push("Client-side only: only a client with a user token sends it.".to_owned());
    }
    notes
}

fn object_items(schema: &Schema, object: &Object) -> TokenStream {
    let docs = doc(&prose(&schema.doc));
    let schema_deprecated = deprecated(&schema.deprecated);
    let name = ident(&schema.rust_name);
    let mut derives = vec![quote! { Debug }, quote! { Clone }, quote! { PartialEq }];
    if object.derives_eq {
        derives.push(quote! { Eq });
    }
    if object.derives_default {
        derives.push(quote! { Default });
    }
    let fields = object.fields.iter().map(|field| {
        let docs = field_doc(field);
        let deprecated = deprecated(&field.deprecated);
        let rust = ident(&field.rust_name);
        let ty = field_type(field);
        quote! {
            #docs
            #deprecated
            pub #rust: #ty,
        }
    });
    let keeps_custom = object.custom_data && !object.has_binary;
    let custom = if keeps_custom {
        quote! {
            #[doc = " Custom data: the keys beyond the documented fields, sent and received as"]
            #[doc = " top-level keys of the object. Keys named like a documented field are not sent."]
            pub custom: serde_json::Map<String, serde_json::Value>,
        }
    } else {
        quote! {}
    };
    // Multipart bodies have no JSON form, so nothing to keep from one.
    let wire = if object.has_binary {
        quote! {}
    } else {
        quote! {
            #[doc = " What decoding kept beyond the fields: absent fields, values kept as sent, unknown"]
            #[doc = " keys and mismatch records (see [`WireObject`](crate::WireObject)). Leave it to"]
            #[doc = " `Default::default()` when building the object."]
            pub __wire: crate::WireState,
        }
    };
    let constructor = constructor(&schema.rust_name, object);
    let setters = super::setters::setters(object);
    let methods = if constructor.is_empty() && setters.is_empty() {
        quote! {}
    } else {
        quote! {
            impl #name {
                #constructor
                #setters
            }
        }
    };
    let literal_note = literal_note(object);
    quote! {
        #docs
        #literal_note
        #schema_deprecated
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
            #custom
            #wire
        }
        #methods
    }
}

/// The most arguments a positional constructor takes. Past three, arguments of one type in a row
/// (three `DateTime`s, five `bool`s) are easy to swap unseen, so a larger object is built with a
/// struct literal ending in `..Default::default()`, which names every field it sets.
pub const MAX_CONSTRUCTOR_ARGS: usize = 3;

/// Whether an object gets `new`: it has required fields, at most [`MAX_CONSTRUCTOR_ARGS`] of
/// them, or no `Default` to build it with otherwise (multipart bodies).
pub fn has_constructor(object: &Object) -> bool {
    match required_fields(object).count() {
        0 => !object.derives_default,
        n => n <= MAX_CONSTRUCTOR_ARGS || !object.derives_default,
    }
}

/// The fields that a constructor takes and a struct literal must set.
fn required_fields(object: &Object) -> impl Iterator<Item = &Field> {
    object.fields.iter().filter(|field| !field.is_optional())
}

/// The line of an object's doc that says how to build it without a constructor.
fn literal_note(object: &Object) -> TokenStream {
    let required = required_fields(object).count();
    if required == 0 || has_constructor(object) {
        return quote! {};
    }
    let text = format!(
        " Build one with a struct literal that sets its {required} required fields and ends in \
         `..Default::default()`."
    );
    quote! {
        #[doc = ""]
        #[doc = #text]
    }
}

/// `new` taking the required fields, where [`has_constructor`] says so. String fields take
/// `impl Into<String>`, as their setters do.
fn constructor(rust_name: &str, object: &Object) -> TokenStream {
    if !has_constructor(object) {
        return quote! {};
    }
    let required: Vec<&Field> = required_fields(object).collect();
    // Only a multipart body, which has no `Default`, gets here with many required fields.
    let allow = if required.len() > 7 {
        quote! { #[allow(clippy::too_many_arguments, reason = "a multipart body has no `Default` to build it from")] }
    } else {
        quote! {}
    };
    let params = required.iter().map(|field| {
        let rust = ident(&field.rust_name);
        let ty = param_type(field);
        quote! { #rust: #ty }
    });
    let inits = object.fields.iter().map(|field| {
        let rust = ident(&field.rust_name);
        if field.is_optional() {
            return quote! { #rust: None };
        }
        match param_value(field) {
            Some(value) => quote! { #rust: #value },
            None => quote! { #rust },
        }
    });
    let custom = if object.custom_data && !object.has_binary {
        quote! { custom: serde_json::Map::new(), }
    } else {
        quote! {}
    };
    let wire = if object.has_binary {
        quote! {}
    } else {
        quote! { __wire: crate::WireState::default(), }
    };
    let text =
        format!(" Creates a `{rust_name}` from its required fields; the optional ones are `None`.");
    quote! {
        #[doc = #text]
        #allow
        #[inline]
        pub fn new(#(#params),*) -> Self {
            Self {
                #(#inits,)*
                #custom
                #wire
            }
        }
    }
}

/// The field's value built from the parameter of [`param_type`] named like the field; `None`
/// when it is the parameter itself.
pub(super) fn param_value(field: &Field) -> Option<TokenStream> {
    let rust = ident(&field.rust_name);
    let converted = matches!(field.ty, Type::String | Type::Duration);
    match (converted, field.boxed) {
        (false, false) => None,
        (true, false) => Some(quote! { #rust.into() }),
        (false, true) => Some(quote! { Box::new(#rust) }),
        (true, true) => Some(quote! { Box::new(#rust.into()) }),
    }
}

/// The type a method takes for a field's value: `impl Into<String>` for strings.
pub(super) fn param_type(field: &Field) -> TokenStream {
    match &field.ty {
        Type::String | Type::Duration => quote! { impl Into<String> },
        _ => value_type(field),
    }
}

fn enum_items(schema: &Schema, values: &[EnumValue]) -> TokenStream {
    let docs = doc(&prose(&schema.doc));
    let deprecated = deprecated(&schema.deprecated);
    let name = ident(&schema.rust_name);
    let variants = values.iter().map(|value| {
        let variant = ident(&value.variant);
        let docs = doc(&code(&value.wire));
        quote! { #docs #variant, }
    });
    let to_str = values.iter().map(|value| {
        let variant = ident(&value.variant);
        let wire = &value.wire;
        quote! { Self::#variant => #wire, }
    });
    let known = values.iter().map(|value| {
        let variant = ident(&value.variant);
        let wire = &value.wire;
        quote! { #wire => Some(Self::#variant), }
    });
    let spec_name = &schema.spec_name;
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this version of the client does not know, kept as sent; never one of the"]
            #[doc = " values above (see [`UnknownValue`](crate::UnknownValue))."]
            Unknown(crate::UnknownValue),
        }

        impl #name {
            #[doc = " The value as sent on the wire."]
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            #[doc = " The known value spelled `value` on the wire."]
            #[inline]
            fn known(value: &str) -> Option<Self> {
                match value {
                    #(#known)*
                    _ => None,
                }
            }
        }

        impl From<&str> for #name {
            #[inline]
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::Unknown(crate::UnknownValue::new(value.to_owned())))
            }
        }

        #[doc = " An empty [`Unknown`](Self::Unknown): what an absent required field of this type holds."]
        impl Default for #name {
            #[inline]
            fn default() -> Self {
                Self::Unknown(crate::UnknownValue::default())
            }
        }

        impl std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::serde_support::deserialize_enum(deserializer, #spec_name, Self::known, Self::Unknown)
            }
        }

        impl crate::request::QueryValue for #name {
            #[inline]
            fn append(&self, name: &'static str, pairs: &mut Vec<(&'static str, String)>) {
                pairs.push((name, self.as_str().to_owned()));
            }
        }
    }
}
