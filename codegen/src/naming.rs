//! Rust names for spec names: idiomatic case, keywords and odd wire names handled.
//!
//! Every name made here is a valid Rust identifier whatever the spec says: only ASCII letters,
//! digits and `_` survive (any other character is a word break, so `x²` becomes `x` and `٣`
//! becomes `value`), a leading digit gets a prefix, and keywords get a trailing `_`. Whether
//! the name is free is `reserved.rs`'s question, asked by `validate.rs`.

use crate::reserved::KEYWORDS;
use heck::{ToSnakeCase, ToUpperCamelCase};

/// The spec name with every character but ASCII letters and digits turned into a word break:
/// Rust names are ASCII, so none is a non-identifier or trips rustc's lints on confusable or
/// uncommon characters.
fn ascii_words(spec: &str) -> String {
    spec.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A snake_case field, parameter or method name; keywords get a trailing `_` (`type_`).
pub fn field_name(wire: &str) -> String {
    let mut name = ascii_words(wire).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "n_");
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// An UpperCamelCase type or variant name.
pub fn type_name(spec: &str) -> String {
    unkeyword(camel(spec))
}

/// The UpperCamelCase words of a spec name, a valid identifier start (`V` before a digit or
/// nothing), but maybe a keyword (`Self`): names made of several parts join these first, so that
/// `Self` + `Query` is `SelfQuery`, not `Self_Query`.
fn camel(spec: &str) -> String {
    let mut name = ascii_words(spec).to_upper_camel_case();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

/// A keyword gets a trailing `_`.
fn unkeyword(mut name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// The enum variant for a wire value (`AI` -> `Ai`, `ban-channel-members` -> `BanChannelMembers`).
pub fn variant_name(value: &str) -> String {
    type_name(value)
}

/// The event variant for an event type (`channel.deleted` -> `ChannelDeleted`).
pub fn event_variant(event_type: &str) -> String {
    if event_type == crate::model::FALLBACK_EVENT {
        return "Custom".to_owned();
    }
    type_name(&event_type.replace('.', "_"))
}

/// The SCREAMING_SNAKE_CASE name of an operation's metadata static: its method name in capitals,
/// so two operations have the same static only when they have the same method.
pub fn const_name(endpoint: &str) -> String {
    field_name(endpoint).to_ascii_uppercase()
}

/// The module name of an area.
pub fn module_name(area: &str) -> String {
    field_name(area)
}

/// The name of an inline enum: its schema name plus its field name.
pub fn inline_enum_name(schema: &str, field: &str) -> String {
    unkeyword(format!("{}{}", camel(schema), camel(field)))
}

/// The name of an endpoint's query-parameter struct.
pub fn query_struct_name(endpoint: &str) -> String {
    format!("{}Query", camel(endpoint))
}

/// The query a request schema stands for: its name without `Request` or `Payload`.
fn query_base(schema: &str) -> String {
    let name = camel(schema);
    for suffix in ["Request", "Payload"] {
        if let Some(base) = name.strip_suffix(suffix) {
            if !base.is_empty() {
                return base.to_owned();
            }
        }
    }
    name
}

/// The marker type of a query filter: the query plus the field without `_conditions`
/// (`QueryUsersPayload.filter_conditions` -> `QueryUsersFilter`,
/// `SearchPayload.message_filter_conditions` -> `SearchMessageFilter`).
pub fn filter_type_name(schema: &str, field: &str) -> String {
    let field = field.strip_suffix("_conditions").unwrap_or(field);
    unkeyword(format!("{}{}", query_base(schema), camel(field)))
}

/// The sort-field enum of a query (`QueryMembersPayload.sort` -> `QueryMembersSort`).
pub fn sort_type_name(schema: &str, field: &str) -> String {
    unkeyword(format!("{}{}", query_base(schema), camel(field)))
}

/// A readable fallback doc for an undocumented field: `created_at` -> "Created at."
pub fn humanize(wire: &str) -> String {
    let words = wire.to_snake_case().replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::from("Value."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("StatusCode"), "status_code");
        assert_eq!(field_name("$or"), "or");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("2fa"), "n_2fa");
        assert_eq!(type_name("APIError"), "ApiError");
        assert_eq!(variant_name("ban-channel-members"), "BanChannelMembers");
        assert_eq!(variant_name("AI"), "Ai");
        assert_eq!(event_variant("user.watching.start"), "UserWatchingStart");
        assert_eq!(const_name("GetOrCreateChannel"), "GET_OR_CREATE_CHANNEL");
        assert_eq!(humanize("created_at"), "Created at.");
    }

    /// Names that are not Rust identifiers as written still make one.
    #[test]
    fn every_name_is_an_ascii_identifier() {
        assert_eq!(field_name("x²"), "x");
        assert_eq!(field_name("٣"), "value");
        assert_eq!(field_name("café_au_lait"), "caf_au_lait");
        assert_eq!(type_name("x²"), "X");
        assert_eq!(type_name("٣"), "V");
        assert_eq!(type_name("2fa"), "V2fa");
        assert_eq!(type_name("Self"), "Self_");
        // Names of several parts join the words first: no `Self_Query` (not UpperCamelCase).
        assert_eq!(query_struct_name("Self"), "SelfQuery");
        assert_eq!(inline_enum_name("Self", "self"), "SelfSelf");
        assert_eq!(inline_enum_name("", "Self"), "VSelf");
        assert_eq!(sort_type_name("SelfRequest", "type"), "SelfType");
        assert_eq!(const_name("2fa"), "N_2FA");
        assert_eq!(const_name("type"), "TYPE_");
        for name in [
            "x²",
            "٣",
            "a-b",
            "",
            "_",
            "$or",
            "self",
            "Self",
            "2",
            "über",
            "\u{202e}x",
        ] {
            for rust in [field_name(name), type_name(name), const_name(name)] {
                assert!(
                    syn::parse_str::<syn::Ident>(&rust).is_ok(),
                    "{name:?} -> {rust:?}"
                );
                assert!(rust.is_ascii(), "{rust}");
            }
        }
    }
}
