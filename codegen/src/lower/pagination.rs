//! `pagination:` of an endpoint: its checks (stage 2, called by `validate.rs`) and its lowering
//! into [`Pagination`] (stage 3), which `emit/pagination.rs` reads to write the `<method>_pages`
//! stream methods.

use crate::ast::{EndpointDef, FieldDef, PaginationDef, SchemaDef};
use crate::model::{PageLocation, PageStyle, Pagination, Type};
use crate::naming;
use crate::types::TypeExpr;
use indexmap::IndexMap;

/// The styles `style:` accepts.
const STYLES: &[&str] = &["cursor", "offset"];

/// Checks an endpoint's `pagination:`; each problem is a key under `pagination` and a message.
/// `schema` finds an object schema's definition by name.
pub(crate) fn check<'a>(
    def: &PaginationDef,
    endpoint: &'a EndpointDef,
    schema: impl Fn(&str) -> Option<&'a SchemaDef>,
) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if !STYLES.contains(&def.style.as_str()) {
        problems.push((
            "style",
            format!(
                "unknown paging style `{}`; use `cursor` or `offset`",
                def.style
            ),
        ));
    }
    let Some((request, label)) = paged_fields(def, endpoint, &schema) else {
        let problem = match (def.location.as_str(), query_param(def)) {
            ("body", _) if endpoint.body.is_none() => {
                "`in: body` needs an endpoint with a `body:`".to_owned()
            }
            ("query", _) if endpoint.query.is_empty() => {
                "`in: query` needs an endpoint with `query:` parameters".to_owned()
            }
            // An unknown or non-object body schema is reported under `body:` already.
            ("body", _) => return problems,
            (_, Some(param)) => match endpoint.query.get(param) {
                None => format!("`in: query.{param}` needs a query parameter `{param}`"),
                Some(field) => format!(
                    "the query parameter `{param}` is a `{}`, not an object whose fields hold \
                     the paging fields",
                    field.ty
                ),
            },
            (other, None) => format!(
                "paging fields `in: {other}` are not supported; use `in: body`, `in: query` or \
                 `in: query.<parameter>`"
            ),
        };
        problems.push(("in", problem));
        return problems;
    };
    let Some(response) = schema(&endpoint.response).and_then(|s| s.fields.as_ref()) else {
        // An unknown or non-object response schema is reported under `response:` already.
        return problems;
    };
    match response.get(&def.items).map(|f| TypeExpr::parse(&f.ty)) {
        Some(Ok(TypeExpr::List(_))) => {}
        Some(_) => problems.push((
            "items",
            format!(
                "`{}.{}` is not a list, so it cannot hold the page's items",
                endpoint.response, def.items
            ),
        )),
        None => problems.push((
            "items",
            format!(
                "the response `{}` has no field `{}`",
                endpoint.response, def.items
            ),
        )),
    }
    let mut request_field = |key: &'static str, name: &str, integer: bool| {
        let what = if integer { "integer" } else { "string" };
        match request.get(name) {
            None => problems.push((key, format!("{label} has no field `{name}`"))),
            Some(field) if !is_kind(field, integer) || field.required => problems.push((
                key,
                format!("`{name}` of {label} must be an optional {what} field to page with"),
            )),
            Some(_) => {}
        }
    };
    request_field("limit", limit_name(def), true);
    match def.style.as_str() {
        "cursor" => {
            request_field("next", next_name(def), false);
            match response.get(next_name(def)) {
                Some(field) if is_kind(field, false) => {}
                Some(_) => problems.push((
                    "next",
                    format!(
                        "`{}.{}` must be a string",
                        endpoint.response,
                        next_name(def)
                    ),
                )),
                None => problems.push((
                    "next",
                    format!(
                        "cursor paging needs the response `{}` to have a `{}` cursor",
                        endpoint.response,
                        next_name(def)
                    ),
                )),
            }
            if def.offset.is_some() {
                problems.push(("offset", "`offset` is for `style: offset`".to_owned()));
            }
        }
        "offset" => {
            request_field("offset", offset_name(def), true);
            if def.next.is_some() {
                problems.push(("next", "`next` is for `style: cursor`".to_owned()));
            }
        }
        _ => {}
    }
    problems
}

/// Lowers a checked `pagination:`; `schema` finds an object schema's definition by name and
/// `resolve` turns the items' type expression into a model type.
pub(crate) fn lower<'a>(
    def: &PaginationDef,
    endpoint: &'a EndpointDef,
    schema: impl Fn(&str) -> Option<&'a SchemaDef>,
    resolve: impl Fn(&TypeExpr) -> Type,
) -> Option<Pagination> {
    let (request, _) = paged_fields(def, endpoint, &schema)?;
    let response = schema(&endpoint.response)?.fields.as_ref()?;
    let items = response.get(&def.items)?;
    let TypeExpr::List(item_type) = TypeExpr::parse(&items.ty).ok()? else {
        return None;
    };
    let max = |name: &str| {
        request
            .get(name)
            .and_then(|f| f.bounds.max)
            .map(|max| max as i64)
    };
    let style = if def.style == "cursor" {
        PageStyle::Cursor {
            next: naming::field_name(next_name(def)),
            next_required: response.get(next_name(def))?.required,
        }
    } else {
        PageStyle::Offset {
            offset: naming::field_name(offset_name(def)),
            max_offset: max(offset_name(def)),
            wide: request
                .get(offset_name(def))
                .is_some_and(|f| TypeExpr::parse(&f.ty) == Ok(TypeExpr::Int64)),
        }
    };
    let location = match (def.location.as_str(), query_param(def)) {
        ("body", _) => PageLocation::Body,
        (_, Some(param)) => PageLocation::QueryParam {
            param: naming::field_name(param),
            required: endpoint.query.get(param)?.required,
        },
        _ => PageLocation::Query,
    };
    Some(Pagination {
        location,
        style,
        items: naming::field_name(&def.items),
        items_required: items.required,
        item_type: resolve(&item_type),
        limit: naming::field_name(limit_name(def)),
        limit_max: max(limit_name(def)),
    })
}

/// The fields that hold the paging fields (`in:`), and how messages call them.
fn paged_fields<'a>(
    def: &PaginationDef,
    endpoint: &'a EndpointDef,
    schema: &impl Fn(&str) -> Option<&'a SchemaDef>,
) -> Option<(&'a IndexMap<String, FieldDef>, String)> {
    match def.location.as_str() {
        "body" => {
            let body = endpoint.body.as_ref()?;
            let fields = schema(&body.schema)?.fields.as_ref()?;
            Some((fields, format!("the request body `{}`", body.schema)))
        }
        "query" if !endpoint.query.is_empty() => {
            Some((&endpoint.query, "the query parameters".to_owned()))
        }
        _ => {
            let param = query_param(def)?;
            let TypeExpr::Ref(name) = TypeExpr::parse(&endpoint.query.get(param)?.ty).ok()? else {
                return None;
            };
            let fields = schema(&name)?.fields.as_ref()?;
            Some((fields, format!("`{name}`, the query parameter `{param}`,")))
        }
    }
}

/// The parameter of `in: query.<parameter>`.
fn query_param(def: &PaginationDef) -> Option<&str> {
    def.location
        .strip_prefix("query.")
        .filter(|param| !param.is_empty())
}

fn limit_name(def: &PaginationDef) -> &str {
    def.limit.as_deref().unwrap_or("limit")
}

fn next_name(def: &PaginationDef) -> &str {
    def.next.as_deref().unwrap_or("next")
}

fn offset_name(def: &PaginationDef) -> &str {
    def.offset.as_deref().unwrap_or("offset")
}

/// The field is an integer (`integer`) or a string.
fn is_kind(field: &FieldDef, integer: bool) -> bool {
    match TypeExpr::parse(&field.ty) {
        Ok(TypeExpr::Int32 | TypeExpr::Int64) => integer,
        Ok(TypeExpr::String) => !integer,
        _ => false,
    }
}
