//! The `Permission` enum: the actions Stream checks on client-side requests.

use super::rustdoc::prose;
use super::tokens::{doc, ident};
use crate::model::Api;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn emit(api: &Api) -> TokenStream {
    let variants = api.permissions.iter().map(|p| {
        let docs = doc(&format!(
            "{} (on a {}).",
            prose(p.doc.trim_end_matches('.')),
            prose(&p.resource)
        ));
        let variant = ident(&p.variant);
        quote! { #docs #variant, }
    });
    let all = api.permissions.iter().map(|p| {
        let variant = ident(&p.variant);
        quote! { Self::#variant, }
    });
    let arms = |value: &dyn Fn(&crate::model::Permission) -> &str| -> Vec<TokenStream> {
        api.permissions
            .iter()
            .map(|p| {
                let variant = ident(&p.variant);
                let text = value(p);
                quote! { Self::#variant => #text, }
            })
            .collect()
    };
    let names = arms(&|p| &p.name);
    let resources = arms(&|p| &p.resource);
    let descriptions = arms(&|p| &p.doc);
    quote! {
        #![doc = " Permission actions."]

        #[doc = " An action that Stream checks on client-side (user-token) requests; server-side"]
        #[doc = " requests skip permission checks."]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission {
            #(#variants)*
        }

        impl Permission {
            #[doc = " Every permission, in spec order."]
            pub const ALL: &'static [Permission] = &[#(#all)*];

            #[doc = " The action's name, e.g. `DeleteChannel`."]
            pub fn as_str(self) -> &'static str {
                match self { #(#names)* }
            }

            #[doc = " The kind of resource the action applies to, e.g. `Channel`."]
            pub fn resource(self) -> &'static str {
                match self { #(#resources)* }
            }

            #[doc = " What the action allows."]
            pub fn description(self) -> &'static str {
                match self { #(#descriptions)* }
            }
        }

        impl std::fmt::Display for Permission {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}
