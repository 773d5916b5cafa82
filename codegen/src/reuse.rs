//! Spec reuse: mixins (named field sets, spread into a `fields:` mapping with a `...Name` key)
//! and operator sets (named lists of filter operators, named in an `ops:` list).
//!
//! Loading expands both right after every file is parsed, so validation, lowering, `diff` and
//! `drift` see the fields and operators as if they were written out: reuse changes how the spec
//! reads, never what it says. This module reports what cannot be expanded: a spread of a mixin
//! that does not exist, mixins that spread each other in a circle, a spread that brings a field
//! the mapping already has, names defined twice, operator sets that are not sets of operators,
//! and mixins nothing spreads (they would never be checked).
//!
//! Every mixin is resolved once (memoized, depth first), so expansion is linear in the size of
//! the expanded spec.

use crate::ast::{FieldDef, FieldSet, SPREAD};
use crate::diagnostic::Diagnostic;
use crate::model::FilterOp;
use crate::source::SourceFile;
use indexmap::IndexMap;
use std::collections::HashMap;

/// The fields of a resolved mixin, in order.
type Resolved = IndexMap<String, FieldDef>;

/// The definitions of one section, by name: the index of the file that defines each.
type Definitions = IndexMap<String, usize>;

/// How far a mixin is resolved.
enum State {
    /// Being resolved: a spread of it now closes a circle.
    Open,
    /// Resolved (`None` when it could not be, already reported).
    Done(Option<Resolved>),
}

/// Expands every spread and operator set of the loaded files in place, or says why not.
pub fn expand(files: &mut [SourceFile]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mixins = definitions(files, "mixins", |f| f.spec.mixins.keys(), &mut problems);
    let sets = definitions(
        files,
        "operator_sets",
        |f| f.spec.operator_sets.keys(),
        &mut problems,
    );
    check_operator_sets(files, &sets, &mut problems);
    let mut used_mixins = vec![false; mixins.len()];
    let resolved = resolve_mixins(files, &mixins, &mut used_mixins, &mut problems);
    spread_schemas(files, (&resolved, &mixins), &mut used_mixins, &mut problems);
    // Each mixin keeps its resolved fields, for `drift --write` to recognize them.
    for (name, fields) in &resolved {
        if let (Some(fields), Some(&at)) = (fields, mixins.get(name)) {
            files[at].spec.mixins[name] = FieldSet(fields.clone());
        }
    }
    expand_operator_sets(files, &sets);
    report_unused(files, &mixins, &used_mixins, &mut problems);
    problems
}

/// Every mixin's fields, its spreads expanded (`None` for one that cannot be, reported).
fn resolve_mixins(
    files: &[SourceFile],
    mixins: &Definitions,
    used: &mut [bool],
    problems: &mut Vec<Diagnostic>,
) -> HashMap<String, Option<Resolved>> {
    let mut resolver = Resolver {
        files,
        mixins,
        states: HashMap::new(),
        used,
        problems,
    };
    for name in mixins.keys() {
        resolver.resolve(name.as_str(), &mut Vec::new());
    }
    resolver
        .states
        .into_iter()
        .map(|(name, state)| match state {
            State::Done(fields) => (name.to_owned(), fields),
            State::Open => (name.to_owned(), None),
        })
        .collect()
}

/// Replaces the spreads of every schema's `fields:` by the mixins' fields, and remembers which
/// spread brought each field (for diagnostics).
fn spread_schemas(
    files: &mut [SourceFile],
    tables: Tables,
    used: &mut [bool],
    problems: &mut Vec<Diagnostic>,
) {
    // Expanded first (reading every file), then put in place.
    let mut expansions = Vec::new();
    for (index, file) in files.iter().enumerate() {
        for (schema, def) in &file.spec.schemas {
            let Some(fields) = &def.fields else {
                continue;
            };
            if fields.keys().any(|key| key.starts_with(SPREAD)) {
                let path = ["schemas", schema.as_str(), "fields"];
                let expanded = spread(file, &path, fields, tables, used, problems);
                expansions.push((index, schema.clone(), expanded));
            }
        }
    }
    for (index, schema, expanded) in expansions {
        let file = &mut files[index];
        for (field, spread_key) in expanded.origins {
            file.spreads.insert((schema.clone(), field), spread_key);
        }
        file.spec.schemas[&schema].fields = Some(expanded.fields);
    }
}

/// Replaces operator set names in the `ops:` of every filter (of schemas and mixins) by their
/// operators.
fn expand_operator_sets(files: &mut [SourceFile], sets: &Definitions) {
    let set_ops: HashMap<String, Vec<String>> = sets
        .iter()
        .map(|(name, &at)| (name.clone(), files[at].spec.operator_sets[name].clone()))
        .collect();
    for file in files.iter_mut() {
        let spec = &mut file.spec;
        let schema_fields = spec
            .schemas
            .values_mut()
            .filter_map(|def| def.fields.as_mut());
        let mixin_fields = spec.mixins.values_mut().map(|set| &mut set.0);
        let fields = schema_fields
            .chain(mixin_fields)
            .flat_map(|f| f.values_mut());
        let filters = fields.flat_map(|field| field.filter.iter_mut().flat_map(|f| f.values_mut()));
        for entry in filters {
            if entry.ops.iter().any(|op| set_ops.contains_key(op)) {
                entry.ops = expand_ops(&entry.ops, &set_ops);
            }
        }
    }
}

/// A mixin nothing spreads is never checked (its fields are checked where they are spread):
/// an error. An operator set is checked where it is defined, so an unused one is harmless (a
/// spec loaded in part, `common.yaml` and one area, may not name it).
fn report_unused(
    files: &[SourceFile],
    mixins: &Definitions,
    used: &[bool],
    problems: &mut Vec<Diagnostic>,
) {
    for (used, (name, &at)) in used.iter().zip(mixins) {
        if !used {
            let message = format!("the mixin `{name}` is not spread anywhere; remove it");
            problems.push(at_key(files, at, &["mixins", name], message));
        }
    }
}

/// The definitions of one section (`mixins`, `operator_sets`) across files, first one kept;
/// a name defined again is reported where it is defined again.
fn definitions<'a, I: Iterator<Item = &'a String>>(
    files: &'a [SourceFile],
    section: &str,
    names: impl Fn(&'a SourceFile) -> I,
    problems: &mut Vec<Diagnostic>,
) -> Definitions {
    let mut found = Definitions::new();
    for (file, source) in files.iter().enumerate() {
        for name in names(source) {
            if let Some(first) = found.get(name.as_str()) {
                let first_file = &files[*first].display_path;
                problems.push(at_key(
                    files,
                    file,
                    &[section, name],
                    format!("`{name}` is defined twice (also in {first_file}); rename one"),
                ));
            } else {
                found.insert(name.clone(), file);
            }
        }
    }
    found
}

/// An operator set lists operators only, each once, and is not named like one.
fn check_operator_sets(files: &[SourceFile], sets: &Definitions, problems: &mut Vec<Diagnostic>) {
    for (name, &file) in sets {
        let path = ["operator_sets", name.as_str()];
        let ops = &files[file].spec.operator_sets[name];
        if FilterOp::parse(name).is_some() {
            let message = format!("the operator set `{name}` is named like an operator; rename it");
            problems.push(at_key(files, file, &path, message));
        }
        if ops.is_empty() {
            let message = format!("the operator set `{name}` is empty");
            problems.push(at_key(files, file, &path, message));
        }
        for (position, op) in ops.iter().enumerate() {
            let message = if FilterOp::parse(op).is_none() {
                let expected = FilterOp::ALL.map(|(name, _)| name).join(", ");
                format!("unknown operator `{op}` in an operator set; expected one of {expected}")
            } else if ops[..position].contains(op) {
                format!("the operator `{op}` is listed twice")
            } else {
                continue;
            };
            problems.push(at_key(files, file, &path, message));
        }
    }
}

/// An `ops:` list with every operator set name replaced by its operators.
fn expand_ops(ops: &[String], set_ops: &HashMap<String, Vec<String>>) -> Vec<String> {
    let mut expanded = Vec::with_capacity(ops.len());
    for op in ops {
        match set_ops.get(op) {
            Some(named) if FilterOp::parse(op).is_none() => expanded.extend(named.iter().cloned()),
            _ => expanded.push(op.clone()),
        }
    }
    expanded
}

/// Resolves mixins depth first, each once.
struct Resolver<'r, 'a> {
    files: &'r [SourceFile],
    mixins: &'a Definitions,
    states: HashMap<&'a str, State>,
    /// Which mixins something spreads, by index.
    used: &'r mut [bool],
    problems: &'r mut Vec<Diagnostic>,
}

impl<'a> Resolver<'_, 'a> {
    /// Marks the mixin at `index` as spread; true when it is being resolved (a circle).
    fn open(&mut self, index: usize, name: &str) -> bool {
        self.used[index] = true;
        matches!(self.states.get(name), Some(State::Open))
    }

    /// The fields of the mixin `name`; `trail` holds the mixins being resolved around it.
    fn resolve(&mut self, name: &'a str, trail: &mut Vec<&'a str>) -> Option<Resolved> {
        match self.states.get(name) {
            Some(State::Done(fields)) => return fields.clone(),
            Some(State::Open) => return None,
            None => {}
        }
        let at = *self.mixins.get(name)?;
        self.states.insert(name, State::Open);
        trail.push(name);
        let file = &self.files[at];
        let own = &file.spec.mixins[name].0;
        let mut result = Some(Resolved::new());
        let mut origins: HashMap<String, String> = HashMap::new();
        for (key, def) in own {
            let path = ["mixins", name, key.as_str()];
            let fields = match key.strip_prefix(SPREAD) {
                None => {
                    let mut one = Resolved::new();
                    one.insert(key.clone(), def.clone());
                    Some(one)
                }
                Some(inner) => match self.mixins.get_full(inner) {
                    None => {
                        self.problems.push(unknown_mixin(file, &path, inner));
                        None
                    }
                    Some((index, inner, _)) if self.open(index, inner) => {
                        let start = trail.iter().position(|t| *t == inner).unwrap_or(0);
                        let circle = [&trail[start..], &[inner]].concat().join(" → ");
                        let message = format!("mixins spread each other in a circle: {circle}");
                        self.problems.push(located(file, &path, message));
                        None
                    }
                    Some((_, inner, _)) => self.resolve(inner, trail),
                },
            };
            match (fields, result.as_mut()) {
                (Some(fields), Some(into)) => {
                    for (field, def) in fields {
                        if let Some(other) = origins.get(&field) {
                            let message = conflict(&field, key, other);
                            self.problems.push(located(file, &path, message));
                        } else {
                            origins.insert(field.clone(), key.clone());
                            into.insert(field, def);
                        }
                    }
                }
                _ => result = None,
            }
        }
        trail.pop();
        self.states.insert(name, State::Done(result.clone()));
        result
    }
}

/// A `fields:` mapping with its spreads expanded, and which spread brought each field.
struct Expanded {
    fields: IndexMap<String, FieldDef>,
    origins: Vec<(String, String)>,
}

/// The resolved mixins, and where each is defined.
type Tables<'t> = (&'t HashMap<String, Option<Resolved>>, &'t Definitions);

/// Expands the spreads of one `fields:` mapping at `path` of `file`.
fn spread(
    file: &SourceFile,
    path: &[&str],
    fields: &IndexMap<String, FieldDef>,
    (resolved, mixins): Tables,
    used: &mut [bool],
    problems: &mut Vec<Diagnostic>,
) -> Expanded {
    let mut out = IndexMap::with_capacity(fields.len());
    let mut from: HashMap<String, String> = HashMap::new();
    let mut origins = Vec::new();
    for (key, def) in fields {
        let key_path = [path, &[key.as_str()]].concat();
        let Some(name) = key.strip_prefix(SPREAD) else {
            if let Some(other) = from.get(key) {
                problems.push(located(file, &key_path, conflict(key, key, other)));
            } else {
                from.insert(key.clone(), key.clone());
                out.insert(key.clone(), def.clone());
            }
            continue;
        };
        let Some(index) = mixins.get_index_of(name) else {
            problems.push(unknown_mixin(file, &key_path, name));
            continue;
        };
        used[index] = true;
        let Some(Some(brought)) = resolved.get(name) else {
            continue; // Reported where the mixin is defined.
        };
        for (field, def) in brought {
            if let Some(other) = from.get(field) {
                problems.push(located(file, &key_path, conflict(field, key, other)));
            } else {
                from.insert(field.clone(), key.clone());
                origins.push((field.clone(), key.clone()));
                out.insert(field.clone(), def.clone());
            }
        }
    }
    Expanded {
        fields: out,
        origins,
    }
}

/// "`duration` comes both from the field written here and from the spread `...Timing`".
fn conflict(field: &str, now: &str, before: &str) -> String {
    let source = |key: &str| {
        if key.starts_with(SPREAD) {
            format!("the spread `{key}`")
        } else {
            "the field written here".to_owned()
        }
    };
    format!(
        "`{field}` comes both from {} and from {}; a field is defined once, so drop one or \
         write the fields out",
        source(before),
        source(now),
    )
}

fn unknown_mixin(file: &SourceFile, path: &[&str], name: &str) -> Diagnostic {
    located(
        file,
        path,
        format!("unknown mixin `{name}` (define it under `mixins:`)"),
    )
}

fn at_key(files: &[SourceFile], file: usize, path: &[&str], message: String) -> Diagnostic {
    located(&files[file], path, message)
}

fn located(file: &SourceFile, path: &[&str], message: String) -> Diagnostic {
    Diagnostic {
        file: file.display_path.clone(),
        position: file.locate(path),
        key_path: path.join("."),
        message,
    }
}

#[cfg(test)]
mod tests {
    /// A spec written with a mixin, a nested mixin and operator sets generates exactly what the
    /// same spec written out generates.
    #[test]
    fn reuse_generates_what_the_written_out_spec_generates() {
        let reused = "doc: x\nmixins:\n  Stamps:\n    created_at: { type: datetime, required: true }\n  Audited:\n    id: string\n    ...Stamps:\n  Timing:\n    duration: { type: string, required: true, doc: Time taken. }\noperator_sets:\n  standard: [eq, in, gt]\nschemas:\n  Thing:\n    doc: A thing.\n    fields:\n      name: string\n      ...Audited:\n      ...Timing:\n  QueryThingsRequest:\n    doc: A query.\n    fields:\n      filter_conditions:\n        type: map<json>\n        filter:\n          a: { type: string, ops: [standard, autocomplete] }\n";
        let written = "doc: x\nschemas:\n  Thing:\n    doc: A thing.\n    fields:\n      name: string\n      id: string\n      created_at: { type: datetime, required: true }\n      duration: { type: string, required: true, doc: Time taken. }\n  QueryThingsRequest:\n    doc: A query.\n    fields:\n      filter_conditions:\n        type: map<json>\n        filter:\n          a: { type: string, ops: [eq, in, gt, autocomplete] }\n";
        let generate = |text: &str| {
            crate::generate_texts(vec![("things.yaml".into(), text.into())])
                .unwrap_or_else(|problems| panic!("{problems}"))
        };
        assert_eq!(generate(reused), generate(written));
    }

    #[test]
    fn a_spread_takes_no_value() {
        let text =
            "doc: x\nschemas:\n  S:\n    doc: x\n    fields:\n      ...M: { type: string }\n";
        let problems = crate::source::load_texts(vec![("a.yaml".into(), text.into())])
            .unwrap_err()
            .to_string();
        assert!(
            problems.contains("a.yaml:6:") && problems.contains("a spread `...Name:` stands for"),
            "{problems}"
        );
    }
}
