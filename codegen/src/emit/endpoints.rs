//! One `Client` method per operation, and its query-parameter struct.
//!
//! Methods build their request at once and return a `ResponseFuture` that sends it: the future
//! borrows only the client, not the arguments, and no per-method state machine is compiled.

use super::rustdoc::{code, prose};
use super::schemas::{field_doc, field_type};
use super::tokens::{deprecated, doc, ident, rust_type};
use crate::model::{Endpoint, Field, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// The `<Name>Query` struct of an endpoint with query parameters.
pub(super) fn query_struct(endpoint: &Endpoint) -> Option<TokenStream> {
    let name = endpoint.query_struct.as_ref()?;
    let text = format!(
        " Query parameters of [`Client::{}`](crate::Client::{}).",
        endpoint.method_name, endpoint.method_name
    );
    let struct_name = ident(name);
    let all_default = endpoint
        .query
        .iter()
        .all(|f| f.is_optional() || f.ty.has_default());
    let all_eq = endpoint.query.iter().all(|f| f.ty.is_eq());
    let mut derives = vec![quote! { Debug }, quote! { Clone }, quote! { PartialEq }];
    if all_eq {
        derives.push(quote! { Eq });
    }
    if all_default {
        derives.push(quote! { Default });
    }
    let fields = endpoint.query.iter().map(|field| {
        let docs = field_doc(field);
        let deprecated = deprecated(&field.deprecated);
        let rust = ident(&field.rust_name);
        let ty = field_type(field);
        quote! { #docs #deprecated pub #rust: #ty, }
    });
    let required: Vec<&Field> = endpoint.query.iter().filter(|f| !f.is_optional()).collect();
    let constructor = if required.is_empty() {
        quote! {}
    } else {
        let params = required.iter().map(|f| {
            let rust = ident(&f.rust_name);
            let ty = rust_type(&f.ty);
            quote! { #rust: #ty }
        });
        let inits = endpoint.query.iter().map(|f| {
            let rust = ident(&f.rust_name);
            if f.is_optional() {
                quote! { #rust: None }
            } else {
                quote! { #rust }
            }
        });
        let text = format!(
            " Creates a `{name}` from the required parameters; the optional ones are `None`."
        );
        quote! {
            impl #struct_name {
                #[doc = #text]
                #[inline]
                pub fn new(#(#params),*) -> Self {
                    Self { #(#inits),* }
                }
            }
        }
    };
    Some(quote! {
        #[doc = #text]
        #[derive(#(#derives),*)]
        pub struct #struct_name {
            #(#fields)*
        }
        #constructor
    })
}

/// The method of an operation: builds the request, returns the future that sends it.
pub(super) fn method(endpoint: &Endpoint) -> TokenStream {
    let docs = doc(&method_doc(endpoint));
    let deprecated = deprecated(&endpoint.deprecated);
    let name = ident(&endpoint.method_name);
    let constant = ident(&endpoint.const_name);
    let response = ident(&endpoint.response.rust_name);
    let params = params(endpoint);
    let path = path_arguments(endpoint);
    let query_lines = endpoint.query.iter().map(query_line);
    let body_lines = match &endpoint.body {
        None => quote! {},
        Some(body) if body.multipart => {
            let parts = body.parts.iter().map(multipart_line);
            quote! { #(#parts)* }
        }
        Some(_) => quote! { request.json_body(body); },
    };
    let mutability = if endpoint.query.is_empty() && endpoint.body.is_none() {
        quote! {}
    } else {
        quote! { mut }
    };
    quote! {
        #docs
        #deprecated
        #[inline]
        pub fn #name(&self, #(#params),*) -> crate::ResponseFuture<'_, #response> {
            let #mutability request = crate::request::Request::new(&crate::operations::#constant, #path);
            #(#query_lines)*
            #body_lines
            self.execute(request)
        }
    }
}

/// The method's parameters: path parameters in order, then `query`, then `body`.
pub(super) fn params(endpoint: &Endpoint) -> Vec<TokenStream> {
    let mut params = Vec::new();
    for field in &endpoint.path_params {
        let rust = ident(&field.rust_name);
        let ty = match &field.ty {
            Type::String => quote! { &str },
            Type::Named(named) => {
                let ty = ident(&named.rust_name);
                quote! { &#ty }
            }
            other => rust_type(other),
        };
        params.push(quote! { #rust: #ty });
    }
    if let Some(query) = &endpoint.query_struct {
        let query = ident(query);
        params.push(quote! { query: &#query });
    }
    if let Some(body) = &endpoint.body {
        let body = ident(&body.schema.rust_name);
        params.push(quote! { body: &#body });
    }
    params
}

/// The method's rustdoc: summary, doc, then the operation's facts.
fn method_doc(endpoint: &Endpoint) -> String {
    let mut text = prose(&endpoint.summary);
    text.push('.');
    if let Some(doc) = &endpoint.doc {
        text.push_str("\n\n");
        text.push_str(&prose(doc));
    }
    text.push_str(&format!(
        "\n\n- Request: {}, success status `{}`",
        code(&format!("{} {}", endpoint.http_method, endpoint.path)),
        endpoint.status
    ));
    text.push_str(if endpoint.server_side_only {
        "\n- Server-side only: yes (the client must be built with the API secret)"
    } else if endpoint.client_side_only {
        "\n- Client-side only: yes (the client must use a user token)"
    } else {
        "\n- Server-side only: no"
    });
    if let Some(param) = &endpoint.connection_id {
        text.push_str(&format!(
            "\n- Connection ID: the {} query parameter names the caller's real-time \
             connection, which `watch` and `presence` apply to (client-side callers only). A \
             client bound to a connection (`Client::with_connection`, feature `ws`) sends its \
             current ID on every call, and \
             [`ResponseFuture::connection_id`](crate::ResponseFuture::connection_id) sets one \
             for one call; otherwise none is sent.",
            code(param)
        ));
    }
    let events: Vec<String> = endpoint.events.iter().map(|e| code(e)).collect();
    text.push_str(&format!("\n- Events: {}", list_or_none(&events)));
    let permissions: Vec<String> = endpoint
        .permissions
        .iter()
        .map(|p| format!("[`{p}`](crate::Permission::{p})"))
        .collect();
    text.push_str(&format!(
        "\n- Permissions (checked for client-side callers): {}",
        list_or_none(&permissions)
    ));
    text.push_str(&format!(
        "\n- Metadata: [`operations::{}`](crate::operations::{})",
        endpoint.const_name, endpoint.const_name
    ));
    text.push_str(
        "\n\n# Errors\n\nThe future fails with an [`Error`](crate::Error) when the request cannot be sent, times out, \
         the server answers with a non-2xx status, or the response body does not decode.",
    );
    text
}

/// The path parameters, in path order, as `&str`s for `Request::new` to escape and insert.
fn path_arguments(endpoint: &Endpoint) -> TokenStream {
    let args = endpoint.path_params.iter().map(|field| {
        let rust = ident(&field.rust_name);
        match &field.ty {
            Type::String => quote! { #rust },
            Type::Named(_) => quote! { #rust.as_str() },
            _ => quote! { &#rust.to_string() },
        }
    });
    quote! { &[#(#args),*] }
}

/// JSON documents (objects, maps, free-form JSON, and lists of them) travel JSON-encoded in the
/// query string; scalars and lists of scalars travel as text.
fn is_json_in_query(ty: &Type) -> bool {
    match ty {
        Type::Json | Type::Map(_) => true,
        Type::Named(named) => !named.is_enum,
        Type::List(item) => is_json_in_query(item),
        _ => false,
    }
}

fn query_line(field: &Field) -> TokenStream {
    let rust = ident(&field.rust_name);
    let wire = &field.wire_name;
    if !is_json_in_query(&field.ty) {
        return quote! { request.query(#wire, &query.#rust); };
    }
    if field.is_optional() {
        quote! {
            if let Some(value) = &query.#rust {
                request.query(#wire, &crate::request::JsonQuery(value));
            }
        }
    } else {
        quote! { request.query(#wire, &crate::request::JsonQuery(&query.#rust)); }
    }
}

fn multipart_line(field: &Field) -> TokenStream {
    let rust = ident(&field.rust_name);
    let wire = &field.wire_name;
    let call = if field.ty == Type::Binary {
        quote! { multipart_part_file }
    } else {
        quote! { multipart_part_json }
    };
    if field.is_optional() {
        quote! {
            if let Some(value) = &body.#rust {
                request.#call(#wire, value);
            }
        }
    } else {
        quote! { request.#call(#wire, &body.#rust); }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}
