//! Stage 4, emit: builds one token stream per generated file from the [`Api`](crate::model::Api)
//! model.
//!
//! Each submodule emits one kind of item; `files.rs` decides the file layout of
//! `generated-client/src/generated/` and `tokens.rs` holds the small builders they share (docs,
//! attributes, types, imports).

mod endpoints;
mod events;
mod files;
mod filters;
mod operations;
mod pagination;
mod permissions;
pub(crate) mod rustdoc;
mod schemas;
mod setters;
mod tokens;
mod wire;

pub use files::{emit, emit_file, plan, weight, Content, EmittedFile, FileJob};
pub use tokens::field_type_text;
