//! The static table of operation metadata.

use super::rustdoc::{code, prose};
use super::tokens::{doc, ident};
use crate::model::Api;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn emit(api: &Api) -> TokenStream {
    let endpoints: Vec<_> = api.areas.iter().flat_map(|a| &a.endpoints).collect();
    let statics = endpoints.iter().map(|e| {
        let docs = doc(&format!(
            "{}: {}.",
            code(&format!("{} {}", e.http_method, e.path)),
            prose(&e.summary)
        ));
        let constant = ident(&e.const_name);
        let name = &e.name;
        let summary = &e.summary;
        let method = ident(&heck::ToUpperCamelCase::to_upper_camel_case(
            e.http_method.as_str(),
        ));
        let path = &e.path;
        let status = proc_macro2::Literal::u16_unsuffixed(e.status);
        let server_side_only = e.server_side_only;
        let client_side_only = e.client_side_only;
        let connection_id_param = match &e.connection_id {
            Some(param) => quote! { Some(#param) },
            None => quote! { None },
        };
        let events = &e.events;
        let permissions = e.permissions.iter().map(|p| ident(p));
        let deprecated = e.deprecated.is_some();
        quote! {
            #docs
            pub static #constant: OperationInfo = OperationInfo {
                name: #name,
                summary: #summary,
                method: Method::#method,
                path: #path,
                success_status: #status,
                server_side_only: #server_side_only,
                client_side_only: #client_side_only,
                connection_id_param: #connection_id_param,
                events: &[#(#events),*],
                permissions: &[#(Permission::#permissions),*],
                deprecated: #deprecated,
            };
        }
    });
    let all = endpoints.iter().map(|e| ident(&e.const_name));
    let mut used = vec![quote! { OperationInfo }];
    if !endpoints.is_empty() {
        used.insert(0, quote! { Method });
    }
    if endpoints.iter().any(|e| !e.permissions.is_empty()) {
        used.push(quote! { Permission });
    }
    let api_version = api.api_version.as_deref().map(|version| {
        let docs = doc(&format!(
            "The version of Stream's API these operations describe (`{version}`)."
        ));
        quote! {
            #docs
            pub const API_VERSION: &str = #version;
        }
    });
    quote! {
        #![doc = " Metadata of every operation: method, path template, success status, events,"]
        #![doc = " permissions, whether it is server-side or client-side only or deprecated, and"]
        #![doc = " which query parameter takes the real-time connection's ID."]

        use crate::{#(#used),*};

        #api_version

        #(#statics)*

        #[doc = " Every operation, in spec order."]
        pub static ALL: &[&OperationInfo] = &[#(&#all),*];

        #[doc = " The operation with this name (e.g. `DeleteChannel`), if the spec has it."]
        pub fn find(name: &str) -> Option<&'static OperationInfo> {
            ALL.iter().copied().find(|operation| operation.name == name)
        }
    }
}
