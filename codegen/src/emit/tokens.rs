//! Small token builders every emitter shares: identifiers, docs, attributes (`cfg`,
//! `deprecated`, `allow`), imports and the Rust spelling of a spec type.

use super::{rustdoc, schemas};
use crate::model::{Named, Type};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::collections::BTreeMap;

/// `use super::<module>::{...};` lines for the named types defined in other area modules.
pub(crate) fn imports<'a>(current: &str, used: impl IntoIterator<Item = &'a Named>) -> TokenStream {
    let mut by_module: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for named in used {
        if named.module != current && !named.module.is_empty() {
            by_module
                .entry(&named.module)
                .or_default()
                .insert(&named.rust_name);
        }
    }
    let lines = by_module.into_iter().map(|(module, names)| {
        let module = ident(module);
        let names = names.into_iter().map(ident);
        quote! { use super::#module::{#(#names),*}; }
    });
    quote! { #(#lines)* }
}

/// An allow of clippy's `module_inception` on a module named like its parent (an area called
/// `api` or `wire`, a filter module named like its area): legal Rust, and both names are the
/// spec's to choose.
pub(crate) fn inception(parent: &str, child: &str) -> TokenStream {
    if parent == child {
        quote! { #[allow(clippy::module_inception, reason = "the spec names both modules")] }
    } else {
        quote! {}
    }
}

/// `#[cfg(feature = "...")]` for an item of a gated area; nothing for the core area.
pub(crate) fn cfg_feature(feature: Option<&str>) -> TokenStream {
    match feature {
        Some(feature) => quote! { #[cfg(feature = #feature)] },
        None => quote! {},
    }
}

/// An identifier.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = "..."]` attributes, one per line, so prettyplease prints `///` comments.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {}", line.trim_end())
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// `#![doc = "..."]` attributes for a module.
pub(crate) fn inner_doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {}", line.trim_end())
        };
        quote! { #![doc = #line] }
    });
    quote! { #(#lines)* }
}

/// A `#[deprecated]` attribute, when the item is deprecated (rustdoc renders its note as
/// markdown, so the note is escaped like any doc).
pub(crate) fn deprecated(note: &Option<Option<String>>) -> TokenStream {
    match note {
        None => quote! {},
        Some(None) => quote! { #[deprecated] },
        Some(Some(reason)) => {
            let reason = rustdoc::prose(reason);
            quote! { #[deprecated = #reason] }
        }
    }
}

/// The Rust type of a spec type, without any `Option` or `Box`.
pub(crate) fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::String | Type::Duration => quote! { String },
        Type::Bool => quote! { bool },
        Type::Int32 => quote! { i32 },
        Type::Int64 => quote! { i64 },
        Type::Float => quote! { f32 },
        Type::Double => quote! { f64 },
        Type::DateTime => quote! { chrono::DateTime<chrono::Utc> },
        Type::Json => quote! { serde_json::Value },
        Type::Binary => quote! { crate::FilePart },
        Type::List(inner) => {
            let inner = rust_type(inner);
            quote! { Vec<#inner> }
        }
        Type::Map(inner) => {
            let inner = rust_type(inner);
            quote! { std::collections::BTreeMap<String, #inner> }
        }
        Type::Named(named) => {
            let name = ident(&named.rust_name);
            quote! { #name }
        }
    }
}

/// The Rust type a field or parameter is declared with, as compact text
/// (`Option<Vec<String>>`): lets [`crate::diff`] tell whether a spec change changes the
/// generated API.
pub fn field_type_text(field: &crate::model::Field) -> String {
    schemas::field_type(field).to_string().replace(' ', "")
}
