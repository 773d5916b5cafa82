//! Stage 4, emit: builds one token stream per generated file from the [`Api`] model.
//!
//! Each submodule emits one kind of item; this module holds the shared pieces (docs, types,
//! imports) and decides the file layout of `generated-client/src/generated/`.

mod endpoints;
mod events;
mod filters;
mod operations;
mod pagination;
mod permissions;
pub(crate) mod rustdoc;
mod schemas;
mod setters;
mod wire;

use crate::model::{Api, Area, Named, Type};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A generated file before formatting: its path relative to the output folder.
pub struct EmittedFile {
    pub path: String,
    pub content: Content,
}

/// What an emitted file holds.
pub enum Content {
    /// Tokens, for prettyplease to format.
    Tokens(TokenStream),
    /// Finished text (the serde impls of `wire.rs`, printed from a template).
    Text(String),
}

/// One file to emit. Token streams cannot cross threads, so callers that emit in parallel
/// share the plan and the model, and each thread emits (and formats) its own files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileJob {
    /// `mod.rs`: the module tree and `models`.
    Root,
    /// `api/mod.rs`: the area modules.
    AreaIndex,
    /// `api/<area>.rs`, by index into `Api::areas`.
    Area(usize),
    /// `api/<area>/wire.rs`: the area's serde impls.
    Wire(usize),
    /// `events.rs`.
    Events,
    /// `permissions.rs`.
    Permissions,
    /// `operations.rs`.
    Operations,
}

/// The files of the generated module, in output order.
pub fn plan(api: &Api) -> Vec<FileJob> {
    let mut jobs = vec![FileJob::Root];
    for (index, area) in api.areas.iter().enumerate() {
        jobs.push(FileJob::Area(index));
        if wire::needed(&wire_area(area)) {
            jobs.push(FileJob::Wire(index));
        }
    }
    jobs.extend([
        FileJob::AreaIndex,
        FileJob::Events,
        FileJob::Permissions,
        FileJob::Operations,
    ]);
    jobs
}

/// A rough cost of emitting and formatting a job's file, to start the heaviest first.
pub fn weight(api: &Api, job: FileJob) -> usize {
    let fields = |area: &Area| -> usize {
        area.schemas
            .iter()
            .map(|schema| match &schema.kind {
                crate::model::SchemaKind::Object(object) => object.fields.len() + 1,
                _ => 1,
            })
            .sum()
    };
    match job {
        // Formatting tokens costs several times more than printing the wire template.
        FileJob::Area(index) => {
            4 * fields(&api.areas[index]) + 8 * api.areas[index].endpoints.len()
        }
        FileJob::Wire(index) => fields(&api.areas[index]),
        FileJob::Events => 4 * api.events.len(),
        FileJob::Operations => 4 * api.areas.iter().map(|a| a.endpoints.len()).sum::<usize>(),
        FileJob::Root | FileJob::AreaIndex | FileJob::Permissions => 1,
    }
}

/// Emits one file.
pub fn emit_file(api: &Api, job: FileJob) -> EmittedFile {
    let (path, tokens) = match job {
        FileJob::Root => ("mod.rs".to_owned(), root_module(api)),
        FileJob::AreaIndex => ("api/mod.rs".to_owned(), api_module(api)),
        FileJob::Area(index) => {
            let area = &api.areas[index];
            (format!("api/{}.rs", area.module), area_module(area))
        }
        FileJob::Wire(index) => {
            let area = wire_area(&api.areas[index]);
            return EmittedFile {
                path: wire::path(&area),
                content: Content::Text(wire::file(&area)),
            };
        }
        FileJob::Events => ("events.rs".to_owned(), events::emit(api)),
        FileJob::Permissions => ("permissions.rs".to_owned(), permissions::emit(api)),
        FileJob::Operations => ("operations.rs".to_owned(), operations::emit(api)),
    };
    EmittedFile {
        path,
        content: Content::Tokens(tokens),
    }
}

/// Emits every file of the generated module.
pub fn emit(api: &Api) -> Vec<EmittedFile> {
    plan(api)
        .into_iter()
        .map(|job| emit_file(api, job))
        .collect()
}

fn root_module(api: &Api) -> TokenStream {
    // An area with nothing but `Client` methods has nothing to re-export (an unused import).
    let exports_items = |area: &&Area| {
        !area.schemas.is_empty()
            || area
                .endpoints
                .iter()
                .any(|endpoint| endpoint.query_struct.is_some())
    };
    let reexports = api.areas.iter().filter(exports_items).map(|area| {
        let module = ident(&area.module);
        let cfg = cfg_feature(area.feature.as_deref());
        quote! { #cfg pub use super::api::#module::*; }
    });
    quote! {
        #![doc = " The code generated from `spec/`: one module per API area under `api`, re-exported"]
        #![doc = " through [`models`], plus events, permissions and operation metadata."]

        mod api;
        mod events;
        pub mod operations;
        mod permissions;

        pub mod models {
            #![doc = " Request, response and event payload types of every API area, and the query"]
            #![doc = " parameters of each operation."]
            #(#reexports)*
        }

        pub use events::{Event, EventTypeInfo, EVENT_TYPES};
        pub use permissions::Permission;
    }
}

fn api_module(api: &Api) -> TokenStream {
    let modules = api.areas.iter().map(|area| {
        let module = ident(&area.module);
        let cfg = cfg_feature(area.feature.as_deref());
        let inception = inception("api", &area.module);
        quote! { #cfg #inception pub(super) mod #module; }
    });
    quote! {
        #![doc = " One module per API area (per spec file): its types and its `Client` methods."]
        #![doc = " Each area but the core one compiles only with the cargo feature of its name."]
        #(#modules)*
    }
}

fn area_module(area: &Area) -> TokenStream {
    let doc = inner_doc(&rustdoc::prose(&area.doc));
    let mut used = Vec::new();
    for schema in &area.schemas {
        used.extend(schema.referenced());
    }
    for endpoint in &area.endpoints {
        used.extend(endpoint.referenced());
    }
    let imports = imports(&area.module, used);
    let schema_items = area.schemas.iter().map(schemas::emit);
    let filter_items = area
        .filters
        .iter()
        .map(|filter| filters::filter(filter, &area.module));
    let sort_items = area.sorts.iter().map(filters::sort);
    let query_structs = area.endpoints.iter().filter_map(endpoints::query_struct);
    let methods = area.endpoints.iter().map(|endpoint| {
        let method = endpoints::method(endpoint);
        let pages = pagination::pages_method(endpoint);
        quote! { #method #pages }
    });
    let wire_module = if wire::needed(&wire_area(area)) {
        let inception = inception(&area.module, "wire");
        quote! { #inception mod wire; }
    } else {
        quote! {}
    };
    let client_impl = if area.endpoints.is_empty() {
        quote! {}
    } else {
        quote! {
            impl crate::Client {
                #(#methods)*
            }
        }
    };
    quote! {
        #doc
        #![allow(deprecated, reason = "the generated code itself still uses deprecated items")]
        #imports
        #wire_module
        #(#schema_items)*
        #(#filter_items)*
        #(#sort_items)*
        #(#query_structs)*
        #client_impl
    }
}

/// The area as its wire module sees it: without the objects the runtime defines, whose serde
/// impls are the runtime's (`runtime_types.rs`).
fn wire_area(area: &Area) -> Cow<'_, Area> {
    let from_runtime =
        |schema: &crate::model::Schema| crate::runtime_types::provided(&schema.spec_name).is_some();
    if !area.schemas.iter().any(from_runtime) {
        return Cow::Borrowed(area);
    }
    let mut area = area.clone();
    area.schemas.retain(|schema| !from_runtime(schema));
    Cow::Owned(area)
}

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
