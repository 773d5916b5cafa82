//! The one table of names that the generated code cannot give to what the spec defines.
//!
//! `naming.rs` makes a Rust name for every spec name; `validate.rs` then checks each against
//! [`TABLE`] in the namespace where the name lives, and refuses a taken one with the reason
//! given here and a hint to rename. Refusing is the last resort: where the generated code can
//! be made immune to a name, it is, and the name is not in the table:
//!
//! - keywords get a trailing `_` (`type_`, `Self_`) and characters that no identifier may hold
//!   are word breaks (`naming.rs`);
//! - the serde impls use reserved names for their locals, generic parameters and visitor
//!   (`__map`, `__key`, `__field_<name>`, `__A`, `__Visitor`), as serde_derive does, so a field
//!   named `map` or a schema named `A` shadows nothing;
//! - the runtime's types are always named by path (`crate::Client`, `crate::filter::Filter`),
//!   and `events.rs` names payloads by path (`crate::models::X`): a schema may be called
//!   `Client`, `Error`, `Filter` or `Event` (the real spec has a schema `Permission`);
//! - a setter is named after its field, `with_<field>` for a name in [`SETTER_PREFIXED`], and
//!   `with_<field>` for a field whose name already starts with `with_`, so setters never
//!   collide with each other, with `new` or with trait methods.
//!
//! What cannot be made immune is a name the caller sees: a `Client` method, a variant of
//! `Event`, a prelude type that every generated struct spells out (`Option<String>`), a cargo
//! feature. Unit tests keep the runtime's part of the table equal to the runtime's source.

/// A namespace of the generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// Types of the area modules (re-exported by `models`): schemas, inline enums, query
    /// structs, filter marker types, sort enums.
    Type,
    /// Modules inside an area module: the filters' field-type modules.
    Module,
    /// Methods of `Client`: endpoint methods and their `*_pages` twins.
    Method,
    /// Statics and constants of `operations`: one per endpoint.
    Const,
    /// Variants of `Event`.
    EventVariant,
    /// Variants of a string enum.
    EnumVariant,
    /// Cargo features of the client crate: one per area.
    Feature,
    /// Arguments of an endpoint method: the path parameters.
    Argument,
}

/// Names taken in one namespace, and by what.
pub struct Reserved {
    pub space: Space,
    /// What holds the names, for messages ("the standard prelude's `Vec`").
    pub why: &'static str,
    pub names: &'static [&'static str],
}

/// Everything the generated code cannot give to a spec name, by namespace.
pub const TABLE: &[Reserved] = &[
    Reserved {
        space: Space::Type,
        why: "a standard prelude type or trait that the generated code spells without a path",
        names: PRELUDE,
    },
    Reserved {
        space: Space::Method,
        why: "a method of the runtime's hand-written `Client`",
        names: CLIENT_METHODS,
    },
    Reserved {
        space: Space::Method,
        why: "a trait method every `Client` has, which an inherent method would shadow",
        names: TRAIT_METHODS,
    },
    Reserved {
        space: Space::Const,
        why: "a generated item of `operations` (the list of all operations, the API version)",
        names: &["ALL", "API_VERSION"],
    },
    Reserved {
        space: Space::EventVariant,
        why: "the variant that keeps event types the client does not know",
        names: &["Unknown"],
    },
    Reserved {
        space: Space::EnumVariant,
        why: "the variant that keeps values the client does not know",
        names: &["Unknown"],
    },
    Reserved {
        space: Space::Module,
        why: "a crate or module that the generated code names by path (`wire` holds an area's serde impls)",
        names: &["wire", "std", "core", "alloc", "serde", "serde_json", "chrono"],
    },
    Reserved {
        space: Space::Feature,
        why: "a cargo feature that generated-client/Cargo.toml declares by hand (`default`, `ws`) or generates (`full`)",
        names: MANIFEST_FEATURES,
    },
    Reserved {
        space: Space::Argument,
        why: "an argument of every endpoint method that has a query or a body",
        names: &["query", "body"],
    },
];

/// The standard prelude's types and traits that the generated code spells without a path
/// (`Option<String>` in every struct, `impl Into<String>` in constructors, `From<&str>` and
/// `Result` in the serde impls, `Default::default`). A schema of one of these names would shadow
/// it. The other prelude names are free: derives expand to full paths, and the adversarial spec
/// test compiles schemas named after each of them.
const PRELUDE: &[&str] = &[
    "Option", "Result", "Box", "Vec", "String", "Into", "From", "Default",
];

/// Every method of the runtime's `impl Client` blocks (`client/`, `send/future.rs`, `ws/`),
/// whatever its visibility: a generated method of the same name is a duplicate definition.
/// Sending's steps are free functions of `send/`, which no method name can collide with.
/// `reserved_methods_are_the_runtimes` below checks this list against the runtime's source, both
/// ways.
pub const CLIENT_METHODS: &[&str] = &[
    "builder",
    "api_key",
    "base_url",
    "auth",
    "timeout",
    "upload_timeout",
    "connect_timeout",
    "retry_policy",
    "max_body_size",
    "user_agent",
    "execute",
    "realtime",
    "with_connection",
];

/// Methods of the traits every `Client` implements (its derives and the blanket impls).
const TRAIT_METHODS: &[&str] = &[
    "clone",
    "clone_from",
    "fmt",
    "to_owned",
    "clone_into",
    "into",
    "try_into",
    "from",
    "try_from",
    "borrow",
    "borrow_mut",
    "type_id",
];

/// The cargo features of the client that are not areas. `cargo xtask codegen` also refuses
/// any other feature its manifest declares by hand (`features::declared_by_hand`).
pub const MANIFEST_FEATURES: &[&str] = &["default", "full", "ws"];

/// Field names whose setter is `with_<field>`: the constructor, and trait methods a
/// same-named inherent method would shadow in method-call syntax.
pub const SETTER_PREFIXED: &[&str] = &[
    "new",
    "clone",
    "clone_from",
    "eq",
    "ne",
    "fmt",
    "default",
    "into",
    "try_into",
    "to_owned",
    "borrow",
    "serialize",
    "deserialize",
];

/// Words that cannot be plain identifiers (strict and reserved keywords, 2021 and 2024
/// editions); `naming.rs` appends `_` to them.
pub const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Why `name` is taken in `space`, or `None` when it is free.
pub fn taken(space: Space, name: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|reserved| reserved.space == space && reserved.names.contains(&name))
        .map(|reserved| reserved.why)
}

/// The setter of an optional field named `field` (a Rust name): the field's name, or
/// `with_<field>` for the names of [`SETTER_PREFIXED`] and for names that start with `with_`
/// themselves. Distinct fields get distinct setters, none of them `new` or a trait method.
pub fn setter_name(field: &str) -> String {
    if SETTER_PREFIXED.contains(&field) || field.starts_with("with_") {
        format!("with_{field}")
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The `fn` names of every `impl Client` block in the runtime's sources.
    fn runtime_client_methods() -> Vec<String> {
        let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src");
        let mut folders = vec![runtime];
        let mut methods = Vec::new();
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("runtime sources") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    if path.file_name().is_some_and(|name| name != "generated") {
                        folders.push(path);
                    }
                    continue;
                }
                if path.extension().is_none_or(|ext| ext != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("readable source");
                let file = syn::parse_file(&text).expect("the runtime parses");
                for item in file.items {
                    let syn::Item::Impl(block) = item else {
                        continue;
                    };
                    let is_client = matches!(&*block.self_ty, syn::Type::Path(ty)
                        if ty.path.segments.last().is_some_and(|s| s.ident == "Client"));
                    if block.trait_.is_none() && is_client {
                        for item in block.items {
                            if let syn::ImplItem::Fn(function) = item {
                                methods.push(function.sig.ident.to_string());
                            }
                        }
                    }
                }
            }
        }
        methods.sort();
        methods
    }

    #[test]
    fn reserved_methods_are_the_runtimes() {
        let methods = runtime_client_methods();
        assert!(methods.contains(&"builder".to_owned()), "{methods:?}");
        let missing: Vec<&String> = methods
            .iter()
            .filter(|method| !CLIENT_METHODS.contains(&method.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "add the runtime's `impl Client` methods {missing:?} to reserved::CLIENT_METHODS"
        );
        // A name the runtime no longer has would refuse a spec for nothing.
        let stale: Vec<&&str> = CLIENT_METHODS
            .iter()
            .filter(|reserved| !methods.iter().any(|method| method == *reserved))
            .collect();
        assert!(
            stale.is_empty(),
            "the runtime's `Client` has no method {stale:?}; remove it from reserved::CLIENT_METHODS"
        );
    }

    #[test]
    fn setters_never_collide() {
        assert_eq!(setter_name("text"), "text");
        assert_eq!(setter_name("new"), "with_new");
        assert_eq!(setter_name("with_new"), "with_with_new");
        let fields = [
            "new",
            "with_new",
            "with_with_new",
            "default",
            "with_default",
            "text",
        ];
        let mut setters: Vec<String> = fields.iter().map(|f| setter_name(f)).collect();
        setters.sort();
        setters.dedup();
        assert_eq!(setters.len(), fields.len(), "{setters:?}");
        assert!(setters
            .iter()
            .all(|s| !SETTER_PREFIXED.contains(&s.as_str())));
    }

    #[test]
    fn lookups() {
        assert!(taken(Space::Type, "Vec").is_some());
        assert!(taken(Space::Type, "Client").is_none());
        assert!(taken(Space::Method, "builder").is_some());
        assert!(taken(Space::Method, "get_app").is_none());
        assert!(taken(Space::Feature, "ws").is_some());
    }
}
