//! Typed query filters and sort enums (the `filter:` and `sort:` keys of request fields).
//!
//! A filter becomes an uninhabited marker type (`QueryUsersFilter`) with one function per
//! field, and a module (`query_users_filter`) with one uninhabited type per field that
//! implements the runtime's `filter::FilterField` and the `filter::ops` traits of the
//! operators the API accepts on it; the runtime's `Field` offers an operator's method only
//! when the trait is implemented. A sort becomes a plain enum with `asc` and `desc`.

use super::rustdoc::{code, prose};
use super::tokens::{doc, ident};
use crate::model::{FilterKind, QueryFilter, QuerySort};
use proc_macro2::TokenStream;
use quote::quote;

/// The operators of a field as documentation text: "`$eq`, `$in`".
fn ops_text(field: &crate::model::FilterField) -> String {
    field
        .ops
        .iter()
        .map(|op| format!("`${}`", op.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The marker type, its field functions and its field types.
pub(super) fn filter(filter: &QueryFilter, area_module: &str) -> TokenStream {
    let name = ident(&filter.rust_name);
    let module = ident(&filter.module);
    let schema = crate::naming::type_name(&filter.schema);
    let field_rust = crate::naming::field_name(&filter.field);
    let docs = doc(&format!(
        "The typed filter of [`{schema}::{field_rust}`]: one function per field the API filters \
         on, each with the operators the API accepts there.\n\n\
         Combine conditions with `&`, `|` and [`Filter::nor`](crate::Filter::nor); see \
         [`crate::filter`]."
    ));
    let functions = filter.fields.iter().map(|field| {
        let function = ident(&field.rust_name);
        let marker = ident(&field.marker);
        let about = prose(
            &field
                .doc
                .clone()
                .unwrap_or_else(|| crate::naming::humanize(&field.wire_name)),
        );
        if field.kind == FilterKind::Custom {
            let docs = doc(&format!(
                "A custom-data field named `name` (the explicit escape hatch for fields the API \
                 does not document). {about}\n\nOperators: {}.",
                ops_text(field)
            ));
            quote! {
                #docs
                pub fn #function(
                    name: impl Into<std::borrow::Cow<'static, str>>,
                ) -> crate::filter::Field<#module::#marker> {
                    crate::filter::Field::named(name)
                }
            }
        } else {
            let docs = doc(&format!(
                "{} ({}): {about}\n\nOperators: {}.",
                code(&field.wire_name),
                field.kind.name(),
                ops_text(field)
            ));
            quote! {
                #docs
                pub fn #function() -> crate::filter::Field<#module::#marker> {
                    crate::filter::Field::documented()
                }
            }
        }
    });
    let markers = filter.fields.iter().map(|field| {
        let marker = ident(&field.marker);
        let text = if field.kind == FilterKind::Custom {
            format!(
                "Custom-data fields of [`{}`](super::{}).",
                filter.rust_name, filter.rust_name
            )
        } else {
            format!(
                "The {} field of [`{}`](super::{}).",
                code(&field.wire_name),
                filter.rust_name,
                filter.rust_name
            )
        };
        let docs = doc(&text);
        let kind = ident(match field.kind {
            FilterKind::String => "Text",
            FilterKind::Bool => "Bool",
            FilterKind::DateTime => "Time",
            FilterKind::Number => "Number",
            FilterKind::Custom => "Json",
        });
        let wire = if field.kind == FilterKind::Custom {
            String::new()
        } else {
            field.wire_name.clone()
        };
        let ops = field.ops.iter().map(|op| {
            let op = ident(&op.trait_name());
            quote! { impl crate::filter::ops::#op for #marker {} }
        });
        quote! {
            #docs
            #[derive(Debug)]
            pub enum #marker {}
            impl crate::filter::FilterField for #marker {
                type Query = super::#name;
                type Kind = crate::filter::value::#kind;
                const NAME: &'static str = #wire;
            }
            #(#ops)*
        }
    });
    let module_doc = format!(" The field types of [`{}`].", filter.rust_name);
    let inception = super::tokens::inception(area_module, &filter.module);
    quote! {
        #docs
        #[derive(Debug)]
        pub enum #name {}
        impl #name {
            #(#functions)*
        }
        #[doc = #module_doc]
        #inception
        pub mod #module {
            #(#markers)*
        }
    }
}

/// The sort enum with `name`, `asc` and `desc`.
pub(super) fn sort(sort: &QuerySort) -> TokenStream {
    let name = ident(&sort.rust_name);
    let schema = crate::naming::type_name(&sort.schema);
    let field_rust = crate::naming::field_name(&sort.field);
    let mut text = format!(
        "The fields [`{schema}::{field_rust}`] sorts by: `{}::X.desc()` makes a \
         [`SortParamRequest`](crate::models::SortParamRequest).",
        sort.rust_name
    );
    if !sort.combinations.is_empty() {
        let combinations = sort
            .combinations
            .iter()
            .map(|c| code(&c.join(", ")))
            .collect::<Vec<_>>()
            .join("; ");
        text.push_str(&format!(
            "\n\nThe combinations the API supports: {combinations}."
        ));
    }
    let docs = doc(&text);
    let variants = sort.fields.iter().map(|value| {
        let variant = ident(&value.variant);
        let docs = doc(&format!("{}.", code(&value.wire)));
        quote! { #docs #variant, }
    });
    let arms = sort.fields.iter().map(|value| {
        let variant = ident(&value.variant);
        let wire = &value.wire;
        quote! { Self::#variant => #wire, }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
        }
        impl #name {
            /// The field's name on the wire.
            pub fn name(self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }

            /// Ascending order: `{"field": name, "direction": 1}`.
            pub fn asc(self) -> crate::models::SortParamRequest {
                self.direction(1)
            }

            /// Descending order: `{"field": name, "direction": -1}`.
            pub fn desc(self) -> crate::models::SortParamRequest {
                self.direction(-1)
            }

            #[allow(clippy::needless_update, reason = "a spec's `SortParamRequest` may have no other field")]
            fn direction(self, direction: i32) -> crate::models::SortParamRequest {
                crate::models::SortParamRequest {
                    field: Some(self.name().to_owned()),
                    direction: Some(direction),
                    ..Default::default()
                }
            }
        }
    }
}
