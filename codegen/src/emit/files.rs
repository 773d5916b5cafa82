//! The file layout of `generated-client/src/generated/`: which files there are (`plan`), how
//! heavy each is to emit (`weight`), and the module files that tie the areas together (`mod.rs`,
//! `api/mod.rs`, `api/<area>.rs`); every other item comes from the modules beside this one.

use super::tokens::{cfg_feature, ident, imports, inception, inner_doc};
use super::{
    endpoints, events, filters, operations, pagination, permissions, rustdoc, schemas, wire,
};
use crate::model::{Api, Area};
use proc_macro2::TokenStream;
use quote::quote;
use std::borrow::Cow;

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
                content: Content::Text(wire::file(api, &area)),
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
