//! The `<method>_pages` method of each paginated operation: a lazy `crate::Pages` stream that
//! sends the operation's request once per page (see `lower/pagination.rs` for the spec side).

use super::endpoints::params;
use super::tokens::{ident, rust_type};
use crate::model::{Endpoint, PageLocation, PageStyle, Pagination, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The stream method of a paginated operation; `None` for the others.
pub(super) fn pages_method(endpoint: &Endpoint) -> Option<TokenStream> {
    let pagination = endpoint.pagination.as_ref()?;
    // The paged request (`body` or `query`) is the stream's own, the other arguments are copies.
    let in_query = pagination.location != PageLocation::Body;
    let (paged, paged_type) = if in_query {
        (quote! { query }, ident(endpoint.query_struct.as_ref()?))
    } else {
        (
            quote! { body },
            ident(&endpoint.body.as_ref()?.schema.rust_name),
        )
    };
    let fields = PagedFields {
        paged: paged.clone(),
        location: &pagination.location,
    };
    let method = ident(&endpoint.method_name);
    let name = format_ident!("{}_pages", endpoint.method_name);
    let item = rust_type(&pagination.item_type);
    let params = params(endpoint);

    // The stream outlives the arguments: it owns copies of them.
    let mut owned = Vec::new();
    let mut args = Vec::new();
    for field in &endpoint.path_params {
        let rust = ident(&field.rust_name);
        match &field.ty {
            Type::String => {
                owned.push(quote! { let #rust = #rust.to_owned(); });
                args.push(quote! { &#rust });
            }
            Type::Named(_) => {
                owned.push(quote! { let #rust = #rust.clone(); });
                args.push(quote! { &#rust });
            }
            _ => args.push(quote! { #rust }),
        }
    }
    if endpoint.query_struct.is_some() {
        if in_query {
            args.push(quote! { query });
        } else {
            owned.push(quote! { let query = query.clone(); });
            args.push(quote! { &query });
        }
    }
    if endpoint.body.is_some() {
        if in_query {
            owned.push(quote! { let body = body.clone(); });
            args.push(quote! { &body });
        } else {
            args.push(quote! { body });
        }
    }

    let limit = fields.get(&pagination.limit);
    let clamp = pagination.limit_max.map(|max| {
        let max = proc_macro2::Literal::i64_unsuffixed(max);
        let set_limit = fields.set(&pagination.limit);
        quote! {
            if #limit.is_some_and(|limit| limit > #max) {
                #set_limit = Some(#max);
            }
        }
    });
    let items = ident(&pagination.items);
    let page_items = if pagination.items_required {
        quote! { page.#items }
    } else {
        quote! { page.#items.unwrap_or_default() }
    };
    let constructor = match &pagination.style {
        PageStyle::Cursor {
            next,
            next_required,
        } => {
            let set_next = fields.set(next);
            let next = ident(next);
            let page_next = if *next_required {
                quote! { Some(page.#next) }
            } else {
                quote! { page.#next }
            };
            quote! {
                crate::Pages::cursor(
                    #paged,
                    move |#paged| self.#method(#(#args),*),
                    |page| (#page_items, #page_next),
                    |#paged, next| #set_next = Some(next),
                )
            }
        }
        PageStyle::Offset {
            offset,
            max_offset,
            wide,
        } => {
            let get_offset = fields.get(offset);
            let set = fields.set(offset);
            // `u32` always fits an `i64`; past `i32::MAX` an `int32` offset stays there.
            let set_offset = if *wide {
                quote! { |#paged, offset| #set = Some(offset.into()) }
            } else {
                quote! { |#paged, offset| #set = Some(i32::try_from(offset).unwrap_or(i32::MAX)) }
            };
            let max_offset = match max_offset {
                Some(max) => {
                    let max = proc_macro2::Literal::i64_unsuffixed(*max);
                    quote! { Some(#max) }
                }
                None => quote! { None },
            };
            // A reserved name: path parameters (copied into locals above) may have any other.
            quote! {
                let __paging = crate::OffsetPaging {
                    offset: #get_offset.and_then(|offset| u32::try_from(offset).ok()),
                    limit: #limit.and_then(|limit| u32::try_from(limit).ok()),
                    max_offset: #max_offset,
                };
                crate::Pages::offset(
                    #paged,
                    move |#paged| self.#method(#(#args),*),
                    |page| #page_items,
                    #set_offset,
                    __paging,
                )
            }
        }
    };
    let text = pages_doc(endpoint, pagination);
    let docs = super::tokens::doc(&text);
    let deprecated = super::tokens::deprecated(&endpoint.deprecated);
    let mutability = if clamp.is_some() {
        quote! { mut }
    } else {
        quote! {}
    };
    Some(quote! {
        #docs
        #deprecated
        #[inline]
        pub fn #name(&self, #(#params),*) -> crate::Pages<'_, #paged_type, #item> {
            #(#owned)*
            let #mutability #paged = #paged.clone();
            #clamp
            #constructor
        }
    })
}

/// Reads and writes the paging fields of the stream's request (`body` or `query`).
struct PagedFields<'a> {
    paged: TokenStream,
    location: &'a PageLocation,
}

impl PagedFields<'_> {
    /// The field's value, an `Option` of a copyable scalar.
    fn get(&self, field: &str) -> TokenStream {
        match self.location {
            PageLocation::QueryParam {
                param,
                required: false,
            } => {
                let (paged, param, field) = (&self.paged, ident(param), ident(field));
                quote! { #paged.#param.as_ref().and_then(|#param| #param.#field) }
            }
            _ => self.set(field),
        }
    }

    /// The field as a place to assign to; an absent optional parameter object is created first.
    fn set(&self, field: &str) -> TokenStream {
        let (paged, field) = (&self.paged, ident(field));
        match self.location {
            PageLocation::Body | PageLocation::Query => quote! { #paged.#field },
            PageLocation::QueryParam { param, required } => {
                let param = ident(param);
                let object = if *required {
                    quote! { #paged.#param }
                } else {
                    quote! { #paged.#param.get_or_insert_with(Default::default) }
                };
                quote! { #object.#field }
            }
        }
    }
}

fn pages_doc(endpoint: &Endpoint, pagination: &Pagination) -> String {
    let method = &endpoint.method_name;
    let style = match &pagination.style {
        PageStyle::Cursor { next, .. } => format!(
            "Cursor paging: each request carries the `{next}` cursor of the previous response; the \
             stream ends when a response has no new cursor or no items."
        ),
        PageStyle::Offset {
            offset, max_offset, ..
        } => {
            let cap = max_offset
                .map(|max| format!(", or when the next `{offset}` would pass {max}"))
                .unwrap_or_default();
            format!(
                "Offset paging: `{offset}` advances by the items received; the stream ends on an \
                 empty page or one shorter than `{}`{cap}.",
                pagination.limit
            )
        }
    };
    let limit = pagination
        .limit_max
        .map(|max| format!(" A `{}` above {max} is lowered to {max}.", pagination.limit))
        .unwrap_or_default();
    format!(
        "{summary}, page by page: a lazy stream of [`Self::{method}`] requests.\n\n{style}{limit} \
         Nothing is sent until the stream is polled; use [`Pages::items`](crate::Pages::items) \
         for single items.\n\n# Errors\n\nA failed request ends the stream after yielding its \
         [`Error`](crate::Error).",
        summary = super::rustdoc::prose(&endpoint.summary)
    )
}
