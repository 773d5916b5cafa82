//! Stage 2, validate: checks the loaded files as a whole and reports every problem found.
//!
//! Lowering (stage 3) relies on these checks: it only runs on a spec that passed them.

use crate::ast::{
    BodyContent, BodyDef, EndpointDef, EventDef, FieldDef, FilterFieldDef, PermissionDef, SchemaDef,
};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{FilterKind, FilterOp, CORE_AREA, FALLBACK_EVENT};
use crate::naming;
use crate::reserved::{self, Space};
use crate::source::SourceFile;
use crate::types::TypeExpr;
use indexmap::IndexMap;
use std::collections::{BTreeMap, HashMap, HashSet};

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Rust names already taken in one namespace (types, methods, event or permission variants).
struct Namespace {
    /// How the names are called in messages, e.g. "Rust type" or "method".
    kind: &'static str,
    /// The namespace in `reserved.rs`'s table, for the names the generated code holds itself.
    space: Option<Space>,
    /// Messages point at the other claim's key path too, not only its file (types come from
    /// schemas, fields and endpoints alike, so the file alone does not say which).
    shows_key_path: bool,
    taken: BTreeMap<String, Claim>,
}

/// Who took a Rust name, and where.
struct Claim {
    what: String,
    label: String,
    place: String,
}

/// Who claims a Rust name: "schema `X`" (`what`), how later claimants name it (`label`), and
/// what to do when the name is taken (`hint`, e.g. "rename the schema").
struct Claimant<'p> {
    path: &'p [&'p str],
    what: String,
    label: String,
    hint: &'static str,
}

impl<'p> Claimant<'p> {
    /// A claimant that later claimants name as it names itself.
    fn new(path: &'p [&'p str], what: String, hint: &'static str) -> Claimant<'p> {
        Claimant {
            path,
            label: what.clone(),
            what,
            hint,
        }
    }
}

impl Namespace {
    fn new(kind: &'static str, space: Option<Space>, shows_key_path: bool) -> Namespace {
        Namespace {
            kind,
            space,
            shows_key_path,
            taken: BTreeMap::new(),
        }
    }
}

/// What a schema name stands for, as far as validation needs to know.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    Enum,
    Alias,
}

struct Checker<'a> {
    files: &'a [SourceFile],
    problems: Diagnostics,
    schemas: HashMap<&'a str, (Kind, &'a SchemaDef)>,
    /// Every event type and permission name of the spec.
    events: HashSet<&'a str>,
    permissions: HashSet<&'a str>,
    /// Cargo features the client's manifest declares by hand, beyond `reserved.rs`'s.
    manual_features: &'a [String],
}

/// Checks every file and the references between them.
pub fn validate(files: &[SourceFile]) -> Result<(), Diagnostics> {
    validate_with_features(files, &[])
}

/// [`validate`] for a client whose manifest also declares `manual_features` by hand (read by
/// `cargo xtask codegen` with [`crate::features::declared_by_hand`]): no area may take them.
pub fn validate_with_features(
    files: &[SourceFile],
    manual_features: &[String],
) -> Result<(), Diagnostics> {
    let mut checker = Checker {
        manual_features,
        files,
        problems: Diagnostics::default(),
        schemas: HashMap::new(),
        events: files
            .iter()
            .flat_map(|f| f.spec.events.keys().map(String::as_str))
            .collect(),
        permissions: files
            .iter()
            .flat_map(|f| f.spec.permissions.keys().map(String::as_str))
            .collect(),
    };
    checker.check_names();
    for (index, file) in files.iter().enumerate() {
        checker.check_file(index, file);
    }
    checker.check_recursion();
    checker.check_core_area();
    checker.check_api_version();
    checker.check_doc_markers();
    if checker.problems.is_empty() {
        Ok(())
    } else {
        checker.problems.sort();
        Err(checker.problems)
    }
}

impl<'a> Checker<'a> {
    fn error(&mut self, file: usize, path: &[&str], message: impl Into<String>) {
        let source = &self.files[file];
        self.problems.push(Diagnostic {
            file: source.display_path.clone(),
            position: source.locate(path),
            key_path: path.join("."),
            message: message.into(),
        });
    }

    /// True for an object with a `binary` field: it has no JSON form.
    fn holds_file(&self, name: &str) -> bool {
        self.schemas.get(name).is_some_and(|(_, schema)| {
            schema
                .fields
                .iter()
                .flatten()
                .any(|(_, f)| TypeExpr::parse(&f.ty).is_ok_and(|t| t.holds_binary()))
        })
    }

    /// Recursive schemas that no Rust type or no finite value can have (`recursion.rs`).
    fn check_recursion(&mut self) {
        let files = self.files;
        let found = [
            crate::recursion::alias_cycles(files),
            crate::recursion::required_cycles(files),
        ];
        for problem in found.into_iter().flatten() {
            let schema = problem.schema.as_str();
            let Some(index) = files
                .iter()
                .position(|file| file.spec.schemas.contains_key(schema))
            else {
                continue;
            };
            let path = match &problem.field {
                Some(field) => vec!["schemas", schema, "fields", field.as_str()],
                None => vec!["schemas", schema, "type"],
            };
            self.error(index, &path, problem.message);
        }
    }

    /// The core area is compiled without any feature, so its types may only use core types.
    fn check_core_area(&mut self) {
        let is_core = |file: &SourceFile| naming::module_name(&file.area) == CORE_AREA;
        let core: HashSet<&str> = self
            .files
            .iter()
            .filter(|file| is_core(file))
            .flat_map(|file| file.spec.schemas.keys().map(String::as_str))
            .collect();
        let mut outside = Vec::new();
        for (index, file) in self
            .files
            .iter()
            .enumerate()
            .filter(|(_, file)| is_core(file))
        {
            for (name, schema) in &file.spec.schemas {
                let fields = schema.fields.iter().flatten();
                let types = fields
                    .map(|(field, def)| {
                        (
                            vec!["schemas", name.as_str(), "fields", field.as_str()],
                            &def.ty,
                        )
                    })
                    .chain(
                        schema
                            .alias
                            .iter()
                            .map(|alias| (vec!["schemas", name.as_str(), "type"], alias)),
                    );
                for (path, ty) in types {
                    let Ok(ty) = TypeExpr::parse(ty) else {
                        continue;
                    };
                    for target in ty.refs() {
                        if !core.contains(target) && self.schemas.contains_key(target) {
                            outside.push((index, path.clone(), target.to_owned()));
                        }
                    }
                }
            }
        }
        for (index, path, target) in outside {
            self.error(
                index,
                &path,
                format!("`{target}` is not a core type: `{CORE_AREA}` is compiled without cargo features, so its types may only use other `{CORE_AREA}` types"),
            );
        }
    }

    /// `api_version` is said once, in the core area, as `v<major>.<minor>.<patch>`.
    fn check_api_version(&mut self) {
        for (index, file) in self.files.iter().enumerate() {
            let Some(version) = &file.spec.api_version else {
                continue;
            };
            if naming::module_name(&file.area) != CORE_AREA {
                self.error(
                    index,
                    &["api_version"],
                    format!("`api_version` belongs in `{CORE_AREA}.yaml`, the one file every build reads"),
                );
            } else if !is_api_version(version) {
                self.error(
                    index,
                    &["api_version"],
                    format!("`{version}` is not a Stream API version; write it as `v<major>.<minor>.<patch>`, e.g. `v235.16.3`"),
                );
            }
        }
    }

    /// `cargo xtask drift --write` leaves [`DOC_MARKER`](crate::drift::DOC_MARKER) where a
    /// doc is needed; the spec is not done until a person wrote each in our own words.
    fn check_doc_markers(&mut self) {
        let marker = crate::drift::DOC_MARKER;
        let mut found: Vec<(usize, Vec<String>)> = Vec::new();
        for (index, file) in self.files.iter().enumerate() {
            let spec = &file.spec;
            let mut texts: Vec<(Vec<String>, Option<&str>)> =
                vec![(vec!["doc".into()], Some(&spec.doc))];
            let at = |parts: &[&str]| parts.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
            for (name, p) in &spec.permissions {
                texts.push((at(&["permissions", name, "doc"]), Some(&p.doc)));
            }
            for (name, e) in &spec.events {
                texts.push((at(&["events", name, "doc"]), Some(&e.doc)));
            }
            let field_texts = |base: Vec<String>, field: &'a FieldDef| {
                let mut out = vec![(
                    [base.clone(), vec!["doc".into()]].concat(),
                    field.doc.as_deref(),
                )];
                for (name, f) in field.filter.iter().flatten() {
                    let path = [
                        base.clone(),
                        vec!["filter".into(), name.clone(), "doc".into()],
                    ]
                    .concat();
                    out.push((path, f.doc.as_deref()));
                }
                out
            };
            for (name, e) in &spec.endpoints {
                texts.push((at(&["endpoints", name, "summary"]), Some(&e.summary)));
                texts.push((at(&["endpoints", name, "doc"]), e.doc.as_deref()));
                for (section, fields) in [("path_params", &e.path_params), ("query", &e.query)] {
                    for (field, def) in fields {
                        texts.extend(field_texts(at(&["endpoints", name, section, field]), def));
                    }
                }
            }
            for (name, schema) in &spec.schemas {
                texts.push((at(&["schemas", name, "doc"]), Some(&schema.doc)));
                for (field, def) in schema.fields.iter().flatten() {
                    texts.extend(field_texts(at(&["schemas", name, "fields", field]), def));
                }
            }
            for (path, text) in texts {
                if text.is_some_and(|t| t.contains(marker)) {
                    found.push((index, path));
                }
            }
        }
        for (index, path) in found {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let key = path.last().copied().unwrap_or("doc");
            self.error(
                index,
                &path,
                format!("`{key}` still holds `{marker}`, left by `cargo xtask drift --write`: describe it in our own words (never copy Stream's)"),
            );
        }
    }

    /// Duplicate names across files, also after conversion to Rust names, and names that the
    /// generated code holds itself (`reserved.rs`).
    fn check_names(&mut self) {
        let files = self.files;
        // Rust type names share one namespace: schemas, inline enums, query structs, filters
        // and sorts; `models` re-exports them all.
        let mut types = Namespace::new("Rust type", Some(Space::Type), true);
        // The filters' field-type modules sit beside those types in `models`.
        let mut filter_modules = Namespace::new("module", Some(Space::Module), true);
        let mut methods = Namespace::new("method", Some(Space::Method), false);
        let mut events = Namespace::new("variant", Some(Space::EventVariant), false);
        let mut permissions = Namespace::new("variant", None, false);
        let mut features = Namespace::new("cargo feature", Some(Space::Feature), false);
        let mut modules: BTreeMap<String, usize> = BTreeMap::new();
        for (index, file) in files.iter().enumerate() {
            let module = naming::module_name(&file.area);
            if let Some(&other) = modules.get(&module) {
                let other_file = files[other].display_path.clone();
                self.error(
                    index,
                    &[],
                    format!("the area becomes the module `{module}`, like {other_file}"),
                );
            }
            modules.insert(module.clone(), index);
            if module != CORE_AREA {
                let what = format!("the area `{}`", file.area);
                let claimant = Claimant::new(&[], what, "rename the file");
                let by_hand = self.manual_features.contains(&module);
                if by_hand && reserved::taken(Space::Feature, &module).is_none() {
                    let message = format!("{} becomes the cargo feature `{module}`, which generated-client/Cargo.toml declares by hand; rename the file", claimant.what);
                    self.error(index, &[], message);
                }
                self.claim(&mut features, index, claimant, module);
            }

            for (name, schema) in &file.spec.schemas {
                let what = format!("schema `{name}`");
                let at = ["schemas", name.as_str()];
                let claimant = Claimant::new(&at, what, "rename the schema");
                self.claim(&mut types, index, claimant, naming::type_name(name));
                for (field, def) in schema.fields.iter().flatten() {
                    let path = ["schemas", name.as_str(), "fields", field.as_str()];
                    let generated = [
                        def.filter
                            .as_ref()
                            .map(|_| ("filter", naming::filter_type_name(name, field))),
                        def.sort
                            .as_ref()
                            .map(|_| ("sort enum", naming::sort_type_name(name, field))),
                        def.values
                            .as_ref()
                            .map(|_| ("inline enum", naming::inline_enum_name(name, field))),
                    ];
                    for (kind, rust) in generated.into_iter().flatten() {
                        if kind == "filter" {
                            let module = naming::field_name(&rust);
                            let what = format!("the module `{module}` of filter `{rust}`");
                            let claimant = Claimant::new(&path, what, "rename the field");
                            self.claim(&mut filter_modules, index, claimant, module);
                        }
                        let what = format!("{kind} `{rust}`");
                        let claimant = Claimant::new(&path, what, "rename the field or the schema");
                        self.claim(&mut types, index, claimant, rust);
                    }
                }
            }
            for (name, endpoint) in &file.spec.endpoints {
                let path = ["endpoints", name.as_str()];
                if endpoint.query.values().any(|def| !def.from_connection) {
                    let rust = naming::query_struct_name(name);
                    let what = format!("query struct `{rust}`");
                    let claimant = Claimant::new(&path, what, "rename the endpoint");
                    self.claim(&mut types, index, claimant, rust);
                }
                for (field, def) in endpoint.query.iter().chain(&endpoint.path_params) {
                    if def.values.is_some() {
                        let rust = naming::inline_enum_name(name, field);
                        let what = format!("inline enum `{rust}`");
                        let claimant =
                            Claimant::new(&path, what, "rename the parameter or the endpoint");
                        self.claim(&mut types, index, claimant, rust);
                    }
                }
                let method = naming::field_name(name);
                let mut rust_methods = vec![(
                    format!("endpoint `{name}`"),
                    format!("`{name}`"),
                    method.clone(),
                )];
                if endpoint.pagination.is_some() {
                    let what = format!("the stream method of endpoint `{name}`");
                    rust_methods.push((what.clone(), what, format!("{method}_pages")));
                }
                for (what, label, rust) in rust_methods {
                    let claimant = Claimant {
                        path: &path,
                        what,
                        label,
                        hint: "rename the endpoint",
                    };
                    self.claim(&mut methods, index, claimant, rust);
                }
                // Statics are the methods' names in capitals: only the reserved ones can clash.
                let rust = naming::const_name(name);
                if let Some(why) = reserved::taken(Space::Const, &rust) {
                    let message = format!("the metadata static of endpoint `{name}` becomes `operations::{rust}`, which is taken: {why}; rename the endpoint");
                    self.error(index, &path, message);
                }
            }
            for name in file.spec.events.keys() {
                let claimant = Claimant {
                    path: &["events", name],
                    what: format!("event `{name}`"),
                    label: format!("`{name}`"),
                    hint: "leave the event out: `Event::Unknown` keeps it as JSON",
                };
                self.claim(&mut events, index, claimant, naming::event_variant(name));
            }
            for name in file.spec.permissions.keys() {
                let claimant = Claimant {
                    path: &["permissions", name],
                    what: format!("permission `{name}`"),
                    label: format!("`{name}`"),
                    hint: "rename the permission",
                };
                self.claim(&mut permissions, index, claimant, naming::type_name(name));
            }
        }
        for file in files {
            for (name, schema) in &file.spec.schemas {
                let kind = match (&schema.fields, &schema.values, &schema.alias) {
                    (_, Some(_), None) => Kind::Enum,
                    (None, None, Some(_)) => Kind::Alias,
                    _ => Kind::Object,
                };
                self.schemas.entry(name.as_str()).or_insert((kind, schema));
            }
        }
    }

    /// Takes the Rust name `rust` for a claimant, or reports whom it belongs to: a name the
    /// generated code holds itself (`reserved.rs`), or an earlier claimant.
    fn claim(&mut self, namespace: &mut Namespace, index: usize, claimant: Claimant, rust: String) {
        let Claimant {
            path,
            what,
            label,
            hint,
        } = claimant;
        if let Some(why) = namespace
            .space
            .and_then(|space| reserved::taken(space, &rust))
        {
            let message = format!(
                "{what} becomes the {} `{rust}`, which is taken: {why}; {hint}",
                namespace.kind
            );
            self.error(index, path, message);
            return;
        }
        let Some(other) = namespace.taken.get(&rust) else {
            let place = if namespace.shows_key_path && !path.is_empty() {
                format!("{} ({})", self.files[index].display_path, path.join("."))
            } else {
                self.files[index].display_path.clone()
            };
            namespace.taken.insert(rust, Claim { what, label, place });
            return;
        };
        let message = if other.what == what {
            format!(
                "{what} is defined twice; the other definition is in {}",
                other.place
            )
        } else {
            format!(
                "{what} becomes the {} `{rust}`, like {} in {}",
                namespace.kind, other.label, other.place
            )
        };
        self.error(index, path, message);
    }

    /// One file's entries, each on its own: permissions, events, schemas and endpoints.
    fn check_file(&mut self, index: usize, file: &'a SourceFile) {
        for (name, permission) in &file.spec.permissions {
            self.check_permission(index, name, permission);
        }
        for (name, event) in &file.spec.events {
            self.check_event(index, name, event);
        }
        for (name, schema) in &file.spec.schemas {
            self.check_schema(index, name, schema);
        }
        for (name, endpoint) in &file.spec.endpoints {
            self.check_endpoint(index, name, endpoint);
        }
    }

    fn check_permission(&mut self, index: usize, name: &str, permission: &PermissionDef) {
        if !name.starts_with(|c: char| c.is_ascii_uppercase())
            || !name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            self.error(
                index,
                &["permissions", name],
                "permission names are PascalCase, like `DeleteChannel`",
            );
        }
        if permission.resource.trim().is_empty() {
            self.error(
                index,
                &["permissions", name, "resource"],
                "the resource is empty",
            );
        }
    }

    /// An event's type string and its payload schema.
    fn check_event(&mut self, index: usize, name: &str, event: &EventDef) {
        let fallback = name == FALLBACK_EVENT;
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_'));
        if !fallback && !valid_name {
            self.error(
                index,
                &["events", name],
                "event types are lowercase words joined by `.` or `_`, like `channel.deleted` (or `*` for custom events)",
            );
        }
        let path = ["events", name, "payload"];
        let Some(payload) = event.payload.as_deref() else {
            if fallback {
                self.error(
                    index,
                    &path,
                    "the `*` event needs a payload schema with a `type` field",
                );
            }
            return;
        };
        match self.schemas.get(payload).copied() {
            None => self.error(index, &path, format!("unknown schema `{payload}`")),
            Some((Kind::Object, schema)) => {
                if self.holds_file(payload) {
                    self.error(
                        index,
                        &path,
                        format!(
                            "`{payload}` holds a file (`binary`) and can only be a multipart body"
                        ),
                    );
                }
                let lists_type = schema
                    .fields
                    .as_ref()
                    .is_some_and(|f| f.contains_key("type"));
                if lists_type && !fallback {
                    self.error(index, &path, format!("the payload `{payload}` lists a `type` field; leave it out, the event enum carries it"));
                } else if !lists_type && fallback {
                    self.error(index, &path, format!("the payload `{payload}` of the `*` event needs a `type` field, since custom events keep their own type"));
                }
            }
            Some(_) => self.error(
                index,
                &path,
                format!("the payload `{payload}` is not an object schema"),
            ),
        }
    }

    /// An endpoint: its method, summary, path, parameters, body, response, status, events,
    /// pagination and permissions.
    fn check_endpoint(&mut self, index: usize, name: &str, endpoint: &EndpointDef) {
        let at = |key: &'static str| ["endpoints", name, key];
        if !METHODS.contains(&endpoint.method.as_str()) {
            self.error(
                index,
                &at("method"),
                format!("`{}` is not one of {}", endpoint.method, METHODS.join(", ")),
            );
        }
        if endpoint.summary.trim().is_empty() {
            self.error(index, &at("summary"), "the summary is empty");
        }
        self.check_path(index, name, &endpoint.path, &endpoint.path_params);
        self.check_client_side(index, name, endpoint);
        self.check_params(index, name, endpoint);
        if let Some(body) = &endpoint.body {
            self.check_body(index, &at("body"), body);
        }
        self.check_response(index, &at("response"), &endpoint.response);
        if let Some(status) = endpoint.status {
            if !(200..300).contains(&status) {
                self.error(
                    index,
                    &at("status"),
                    format!("the success status {status} is not a 2xx status"),
                );
            }
        }
        for message in listed_problems(&endpoint.events, &self.events, "event") {
            self.error(index, &at("events"), message);
        }
        if let Some(pagination) = &endpoint.pagination {
            let schemas = &self.schemas;
            let found = crate::lower::pagination::check(pagination, endpoint, |name| {
                schemas.get(name).map(|(_, schema)| *schema)
            });
            for (key, message) in found {
                self.error(index, &["endpoints", name, "pagination", key], message);
            }
        }
        let permissions = &self.permissions;
        for message in listed_problems(&endpoint.permissions, permissions, "permission") {
            self.error(index, &at("permissions"), message);
        }
    }

    /// Path and query parameters: their fields, types, and Rust names.
    fn check_params(&mut self, index: usize, name: &str, endpoint: &EndpointDef) {
        let mut rust_names: HashMap<String, &str> = HashMap::new();
        for (section, params) in [
            ("path_params", &endpoint.path_params),
            ("query", &endpoint.query),
        ] {
            for (param, def) in params {
                let path = ["endpoints", name, section, param.as_str()];
                self.check_field(index, &path, def);
                if let Ok(ty) = TypeExpr::parse(&def.ty) {
                    if section == "path_params" && !is_path_type(&ty, &self.schemas) {
                        self.error(index, &path, format!("a path parameter must be a string, integer or string enum, not `{ty}`"));
                    }
                    if ty == TypeExpr::Binary {
                        self.error(index, &path, "`binary` is only allowed in multipart bodies");
                    }
                }
                let rust = naming::field_name(param);
                let taken = reserved::taken(Space::Argument, &rust);
                if let Some(why) = taken.filter(|_| section == "path_params") {
                    self.error(index, &path, format!("the path parameter becomes the argument `{rust}`, which is taken: {why}; rename the parameter"));
                }
                if let Some(other) = rust_names.insert(rust.clone(), param) {
                    self.error(
                        index,
                        &path,
                        format!("`{param}` and `{other}` both become the Rust name `{rust}`"),
                    );
                }
            }
        }
    }

    /// A request body: an object schema, multipart when it holds a file.
    fn check_body(&mut self, index: usize, path: &[&str], body: &BodyDef) {
        match self.schemas.get(body.schema.as_str()) {
            None => self.error(index, path, format!("unknown schema `{}`", body.schema)),
            Some((Kind::Object, _)) => {}
            Some(_) => self.error(
                index,
                path,
                format!("the body `{}` must be an object schema", body.schema),
            ),
        }
        if body.content == BodyContent::Json && self.holds_file(&body.schema) {
            self.error(
                index,
                path,
                format!(
                    "`{}` has a binary field; use `content: multipart`",
                    body.schema
                ),
            );
        }
    }

    /// A response: an object schema (or an alias of one) with a JSON form.
    fn check_response(&mut self, index: usize, path: &[&str], response: &str) {
        match self.schemas.get(response) {
            None => self.error(index, path, format!("unknown schema `{response}`")),
            Some(_) if self.holds_file(response) => self.error(
                index,
                path,
                format!("`{response}` holds a file (`binary`) and can only be a multipart body"),
            ),
            Some((Kind::Object | Kind::Alias, _)) => {}
            Some(_) => self.error(
                index,
                path,
                format!("the response `{response}` must be an object schema"),
            ),
        }
    }

    fn check_path(
        &mut self,
        index: usize,
        endpoint: &str,
        path: &str,
        params: &IndexMap<String, FieldDef>,
    ) {
        let at = ["endpoints", endpoint, "path"];
        if !path.starts_with('/') {
            self.error(index, &at, format!("the path `{path}` must start with `/`"));
        }
        let mut placeholders = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            match rest[open..].find('}') {
                Some(close) => {
                    placeholders.push(&rest[open + 1..open + close]);
                    rest = &rest[open + close + 1..];
                }
                None => {
                    self.error(
                        index,
                        &at,
                        format!("the path `{path}` has a `{{` without `}}`"),
                    );
                    break;
                }
            }
        }
        for placeholder in &placeholders {
            if !params.contains_key(*placeholder) {
                self.error(
                    index,
                    &at,
                    format!("the placeholder `{{{placeholder}}}` has no entry in `path_params`"),
                );
            }
        }
        for param in params.keys() {
            if !placeholders.contains(&param.as_str()) {
                self.error(
                    index,
                    &["endpoints", endpoint, "path_params", param],
                    format!("the path parameter `{param}` does not appear in the path `{path}`"),
                );
            }
        }
        let declared: Vec<&str> = params
            .keys()
            .map(String::as_str)
            .filter(|p| placeholders.contains(p))
            .collect();
        let used: Vec<&str> = placeholders
            .iter()
            .copied()
            .filter(|p| params.contains_key(*p))
            .collect();
        if declared != used {
            self.error(
                index,
                &["endpoints", endpoint, "path_params"],
                format!(
                    "list the path parameters in path order: {}",
                    used.join(", ")
                ),
            );
        }
    }

    fn check_schema(&mut self, index: usize, name: &str, schema: &SchemaDef) {
        let at = ["schemas", name];
        if let Some(runtime) = crate::runtime_types::provided(name) {
            for (field, problem) in runtime.mismatches(schema) {
                let path = match &field {
                    Some(field) => vec!["schemas", name, "fields", field.as_str()],
                    None => at.to_vec(),
                };
                let message = format!("`{name}` is the runtime's `{}` ({}), which the spec only describes: {problem}; change the runtime first", runtime.rust_path, runtime.file);
                self.error(index, &path, message);
            }
        }
        let forms = [
            schema.fields.is_some(),
            schema.values.is_some(),
            schema.alias.is_some(),
        ];
        if forms.iter().filter(|f| **f).count() != 1 {
            self.error(index, &at, "a schema has exactly one of `fields` (object), `enum` (string enum) or `type` (alias)");
            return;
        }
        if schema.doc.trim().is_empty() {
            self.error(index, &["schemas", name, "doc"], "the doc is empty");
        }
        if schema.custom_data && schema.fields.is_none() {
            self.error(
                index,
                &["schemas", name, "custom_data"],
                "only objects carry custom data",
            );
        }
        if let Some(values) = &schema.values {
            self.check_enum_values(index, &["schemas", name, "enum"], values);
        }
        if let Some(alias) = &schema.alias {
            match TypeExpr::parse(alias) {
                Err(message) => self.error(index, &["schemas", name, "type"], message),
                Ok(ty) => {
                    for target in ty.refs() {
                        if !self.schemas.contains_key(target) {
                            self.error(
                                index,
                                &["schemas", name, "type"],
                                format!("unknown schema `{target}`"),
                            );
                        }
                    }
                }
            }
        }
        if let Some(fields) = &schema.fields {
            let mut rust_names: HashMap<String, &str> = HashMap::new();
            if schema.custom_data {
                rust_names.insert("custom".to_owned(), "custom data");
            }
            for (field, def) in fields {
                let path = ["schemas", name, "fields", field.as_str()];
                if field.is_empty() {
                    self.error(index, &path, "a field name is empty");
                }
                if schema.custom_data && field == "custom" {
                    self.error(index, &path, "objects with `custom_data: true` keep custom keys themselves; remove the `custom` field");
                    continue;
                }
                self.check_field(index, &path, def);
                let rust = naming::field_name(field);
                if let Some(other) = rust_names.insert(rust.clone(), field) {
                    self.error(
                        index,
                        &path,
                        format!("`{field}` and `{other}` both become the Rust field `{rust}`"),
                    );
                }
            }
        }
    }

    fn check_enum_values(&mut self, index: usize, path: &[&str], values: &[String]) {
        if values.is_empty() {
            self.error(index, path, "an enum needs at least one value");
        }
        let mut variants: HashMap<String, &str> = HashMap::new();
        for value in values {
            let variant = naming::variant_name(value);
            if let Some(why) = reserved::taken(Space::EnumVariant, &variant) {
                self.error(index, path, format!("the value `{value}` becomes the variant `{variant}`, which is taken: {why}; leave the value out, and `{variant}` keeps it"));
            }
            if let Some(other) = variants.insert(variant.clone(), value) {
                if other == value {
                    self.error(index, path, format!("the value `{value}` is listed twice"));
                } else {
                    self.error(index, path, format!("the values `{other}` and `{value}` both become the variant `{variant}`"));
                }
            }
        }
    }

    fn check_field(&mut self, index: usize, path: &[&str], def: &FieldDef) {
        let ty = match TypeExpr::parse(&def.ty) {
            Ok(ty) => ty,
            Err(message) => {
                self.error(index, path, message);
                return;
            }
        };
        self.check_query_keys(index, path, def, &ty);
        self.check_client_side_keys(index, path, def, &ty);
        for target in ty.refs() {
            if !self.schemas.contains_key(target) {
                self.error(index, path, format!("unknown schema `{target}`"));
            } else if self.holds_file(target) {
                self.error(
                    index,
                    path,
                    format!("`{target}` holds a file (`binary`) and can only be a multipart body"),
                );
            }
        }
        if let Some(values) = &def.values {
            if ty != TypeExpr::String {
                self.error(
                    index,
                    path,
                    format!("`enum` needs `type: string`, not `{ty}`"),
                );
            }
            let mut enum_path = path.to_vec();
            enum_path.push("enum");
            self.check_enum_values(index, &enum_path, values);
        }
        let numeric = ty.is_numeric();
        let bound_checks: [(&str, bool, Option<f64>, Option<f64>); 3] = [
            ("min/max", numeric, def.bounds.min, def.bounds.max),
            (
                "min_len/max_len",
                ty == TypeExpr::String,
                def.bounds.min_len.map(|v| v as f64),
                def.bounds.max_len.map(|v| v as f64),
            ),
            (
                "min_items/max_items",
                matches!(ty, TypeExpr::List(_)),
                def.bounds.min_items.map(|v| v as f64),
                def.bounds.max_items.map(|v| v as f64),
            ),
        ];
        for (keys, applies, low, high) in bound_checks {
            if (low.is_some() || high.is_some()) && !applies {
                self.error(index, path, format!("`{keys}` do not apply to a `{ty}`"));
            }
            if let (Some(low), Some(high)) = (low, high) {
                if low > high {
                    self.error(
                        index,
                        path,
                        format!("the bounds `{keys}` are reversed: {low} > {high}"),
                    );
                }
            }
        }
        if matches!(ty, TypeExpr::Int32) {
            for bound in [def.bounds.min, def.bounds.max].into_iter().flatten() {
                if bound < f64::from(i32::MIN)
                    || bound > f64::from(i32::MAX)
                    || bound.fract() != 0.0
                {
                    self.error(
                        index,
                        path,
                        format!("the bound {bound} does not fit an int32"),
                    );
                }
            }
        }
    }
}

impl Checker<'_> {
    /// An endpoint's client-side marks: not both `server_side_only` and `client_side_only`,
    /// and at most one parameter filled from the connection, client-side only itself or on a
    /// client-side only endpoint.
    fn check_client_side(&mut self, index: usize, name: &str, endpoint: &EndpointDef) {
        if endpoint.server_side_only && endpoint.client_side_only {
            self.error(
                index,
                &["endpoints", name, "client_side_only"],
                "an endpoint is `server_side_only` or `client_side_only`, not both",
            );
        }
        let filled: Vec<&String> = endpoint
            .query
            .iter()
            .filter(|(_, def)| def.from_connection)
            .map(|(param, _)| param)
            .collect();
        for (param, def) in &endpoint.query {
            if def.from_connection && !def.client_side_only && !endpoint.client_side_only {
                self.error(
                    index,
                    &["endpoints", name, "query", param.as_str(), "from_connection"],
                    "only client-side callers have a connection: add `client_side_only: true` to the parameter (or the endpoint)",
                );
            }
        }
        if let [_, second, ..] = filled.as_slice() {
            self.error(
                index,
                &[
                    "endpoints",
                    name,
                    "query",
                    second.as_str(),
                    "from_connection",
                ],
                "only one query parameter can take the connection's ID",
            );
        }
    }

    /// A field's or parameter's `client_side_only` and `from_connection`: the connection's ID
    /// goes in an optional string query parameter that only client-side callers send.
    fn check_client_side_keys(
        &mut self,
        index: usize,
        path: &[&str],
        def: &FieldDef,
        ty: &TypeExpr,
    ) {
        let at = |key: &'static str| [path, &[key]].concat();
        let section = path.get(2).copied();
        if def.client_side_only && section == Some("path_params") {
            self.error(
                index,
                &at("client_side_only"),
                "a path parameter is part of every call; only query parameters and fields can be client-side only",
            );
        }
        if !def.from_connection {
            return;
        }
        if path.first() != Some(&"endpoints") || section != Some("query") {
            self.error(
                index,
                &at("from_connection"),
                "`from_connection:` goes on a query parameter of an endpoint",
            );
            return;
        }
        if *ty != TypeExpr::String {
            self.error(
                index,
                &at("from_connection"),
                format!("the connection's ID is a string (`type: string`), not `{ty}`"),
            );
        }
        if def.required {
            self.error(
                index,
                &at("from_connection"),
                "a parameter filled from the connection is optional: server-side callers have none",
            );
        }
    }
}

impl Checker<'_> {
    /// The `filter:`, `sort:` and `sort_combinations:` keys of a field.
    fn check_query_keys(&mut self, index: usize, path: &[&str], def: &FieldDef, ty: &TypeExpr) {
        let at = |key: &'static str| [path, &[key]].concat();
        let in_schema = path.first() == Some(&"schemas");
        if let Some(filter) = &def.filter {
            let json_map = TypeExpr::Map(Box::new(TypeExpr::Json));
            if !in_schema {
                self.error(
                    index,
                    &at("filter"),
                    "`filter:` goes on a field of a request schema, not on a parameter",
                );
            } else if *ty != json_map {
                self.error(index, &at("filter"), format!("`filter:` goes on a `map<json>` field (the filter object), not on a `{ty}`"));
            }
            if filter.is_empty() {
                self.error(index, &at("filter"), "a filter lists at least one field");
            }
            let mut functions: HashMap<String, &str> = HashMap::new();
            for (wire, entry) in filter {
                let entry_path = [path, &["filter", wire.as_str()]].concat();
                self.check_filter_field(index, &entry_path, wire, entry, &mut functions);
            }
        }
        if let Some(sort) = &def.sort {
            let sort_list = TypeExpr::List(Box::new(TypeExpr::Ref("SortParamRequest".to_owned())));
            if !in_schema {
                self.error(
                    index,
                    &at("sort"),
                    "`sort:` goes on a field of a request schema, not on a parameter",
                );
            } else if *ty != sort_list {
                self.error(
                    index,
                    &at("sort"),
                    format!("`sort:` goes on a `list<SortParamRequest>` field, not on a `{ty}`"),
                );
            }
            if sort.is_empty() {
                self.error(index, &at("sort"), "a sort lists at least one field");
            }
            let mut variants: HashMap<String, &str> = HashMap::new();
            for field in sort {
                let variant = naming::variant_name(field);
                match variants.insert(variant.clone(), field) {
                    Some(other) if other == field => self.error(index, &at("sort"), format!("the sort field `{field}` is listed twice")),
                    Some(other) => self.error(index, &at("sort"), format!("the sort fields `{other}` and `{field}` both become the variant `{variant}`")),
                    None => {}
                }
            }
        }
        if let Some(combinations) = &def.sort_combinations {
            let known: HashSet<&str> = def.sort.iter().flatten().map(String::as_str).collect();
            if def.sort.is_none() {
                self.error(
                    index,
                    &at("sort_combinations"),
                    "`sort_combinations:` needs a `sort:` list",
                );
            }
            for field in combinations.iter().flatten() {
                if def.sort.is_some() && !known.contains(field.as_str()) {
                    self.error(
                        index,
                        &at("sort_combinations"),
                        format!("`{field}` is not one of the `sort:` fields"),
                    );
                }
            }
        }
    }

    fn check_filter_field<'w>(
        &mut self,
        index: usize,
        path: &[&str],
        wire: &'w str,
        entry: &FilterFieldDef,
        functions: &mut HashMap<String, &'w str>,
    ) {
        if wire.is_empty() {
            self.error(index, path, "a filter field name is empty");
        }
        let kind = FilterKind::parse(&entry.ty);
        if kind.is_none() {
            let expected = FilterKind::ALL.map(|(name, _)| name).join(", ");
            self.error(
                index,
                &[path, &["type"]].concat(),
                format!(
                    "unknown filter type `{}`; expected one of {expected}",
                    entry.ty
                ),
            );
        }
        if entry.ops.is_empty() {
            self.error(
                index,
                &[path, &["ops"]].concat(),
                "a filter field needs at least one operator",
            );
        }
        let mut seen = HashSet::new();
        for op in &entry.ops {
            let ops_path = [path, &["ops"]].concat();
            match FilterOp::parse(op) {
                None => {
                    let expected = FilterOp::ALL.map(|(name, _)| name).join(", ");
                    self.error(
                        index,
                        &ops_path,
                        format!(
                            "unknown operator `{op}`; expected one of {expected} (without `$`)"
                        ),
                    );
                }
                Some(parsed) => {
                    if !seen.insert(parsed) {
                        self.error(
                            index,
                            &ops_path,
                            format!("the operator `{op}` is listed twice"),
                        );
                    }
                    if let Some(kind) = kind {
                        if !kind.allows(parsed) {
                            self.error(
                                index,
                                &ops_path,
                                format!("`{op}` does not apply to a `{}` field", kind.name()),
                            );
                        }
                    }
                }
            }
        }
        if let Some(rust) = &entry.rust {
            let snake = naming::field_name(rust);
            if snake != *rust {
                self.error(
                    index,
                    &[path, &["rust"]].concat(),
                    format!("`{rust}` is not a snake_case Rust name (it would be `{snake}`)"),
                );
            }
        }
        let function = entry
            .rust
            .clone()
            .unwrap_or_else(|| naming::field_name(wire));
        if let Some(other) = functions.insert(function.clone(), wire) {
            self.error(index, path, format!("`{other}` and `{wire}` both become the function `{function}`; set `rust:` on one of them"));
        }
    }
}

/// What is wrong with a list of names (`events:`, `permissions:`): names not defined (under
/// `<what>s:`) and names listed twice.
fn listed_problems(items: &[String], known: &HashSet<&str>, what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (position, item) in items.iter().enumerate() {
        if !known.contains(item.as_str()) {
            problems.push(format!(
                "unknown {what} `{item}` (define it under `{what}s:`)"
            ));
        }
        if items[..position].contains(item) {
            problems.push(format!("{what} `{item}` is listed twice"));
        }
    }
    problems
}

/// `v235.16.3`: a `v` and three dot-separated numbers.
fn is_api_version(text: &str) -> bool {
    let Some(numbers) = text.strip_prefix('v') else {
        return false;
    };
    let parts: Vec<&str> = numbers.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

fn is_path_type(ty: &TypeExpr, schemas: &HashMap<&str, (Kind, &SchemaDef)>) -> bool {
    match ty {
        TypeExpr::String | TypeExpr::Int32 | TypeExpr::Int64 => true,
        TypeExpr::Ref(name) => matches!(schemas.get(name.as_str()), Some((Kind::Enum, _))),
        _ => false,
    }
}
