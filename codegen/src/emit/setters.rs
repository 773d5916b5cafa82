//! Chainable setters of the objects `lower/setters.rs` picks: one `#[must_use]` method per optional
//! field, named after it, that sets it to `Some(value)` and returns the object, so that a
//! request with many optional fields reads as one expression:
//! `MessageRequest::default().text("Hi").pinned(true)`. Objects with custom data also get
//! `custom(key, value)`.

use super::schemas::{field_doc_text, param_type, param_value};
use super::tokens::{deprecated, doc, ident};
use crate::model::{Field, Object};
use proc_macro2::TokenStream;
use quote::quote;

/// The setters of an object, as methods of its `impl` block; empty when it has none.
pub(super) fn setters(object: &Object) -> TokenStream {
    if !object.setters {
        return quote! {};
    }
    let methods = object
        .fields
        .iter()
        .filter(|field| field.is_optional())
        .map(setter);
    // The validator forbids a documented field named `custom`, so the name is free.
    let custom = (object.custom_data && !object.has_binary).then(|| {
        quote! {
            #[doc = " Adds the custom-data key `key` with `value`, sent as a top-level key of the object."]
            #[must_use]
            pub fn custom(
                mut self,
                key: impl Into<String>,
                value: impl Into<serde_json::Value>,
            ) -> Self {
                self.custom.insert(key.into(), value.into());
                self
            }
        }
    });
    quote! {
        #(#methods)*
        #custom
    }
}

fn setter(field: &Field) -> TokenStream {
    let rust = ident(&field.rust_name);
    let name = ident(&crate::reserved::setter_name(&field.rust_name));
    let ty = param_type(field);
    let value = param_value(field).unwrap_or_else(|| quote! { #rust });
    let text = format!(
        "Sets `{}` to `Some({})`: {}",
        field.rust_name,
        field.rust_name,
        field_doc_text(field)
    );
    let docs = doc(&text);
    let deprecated = deprecated(&field.deprecated);
    quote! {
        #docs
        #deprecated
        #[must_use]
        #[inline]
        pub fn #name(mut self, #rust: #ty) -> Self {
            self.#rust = Some(#value);
            self
        }
    }
}
