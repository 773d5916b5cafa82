//! Schemas that contain themselves: which fields lowering boxes, and which cycles validation
//! refuses because no Rust type (or no finite value) can have that shape.
//!
//! A schema *holds* another directly when a field's type (or an alias's type) is that schema
//! itself, not a list or map of it: only direct holds make a type infinitely large.
//!
//! - A field whose schema comes back to its own object through direct holds (objects' fields and
//!   aliases alike) is boxed (`Option<Box<T>>`, `Box<T>`): [`boxed_fields`].
//! - Aliases that refer to each other in a circle, even through a list or map (`A = list<B>`,
//!   `B = A`) are refused: a Rust type alias cannot be recursive ([`alias_cycles`]).
//! - A circle of required, non-nullable fields is refused: every value of it would contain
//!   another, so no finite JSON matches it, and `Default` would never return
//!   ([`required_cycles`]).

use crate::source::SourceFile;
use crate::types::TypeExpr;
use std::collections::{HashMap, HashSet};

/// One direct hold: the field (`None` for an alias's own type), the schema held, and whether
/// every value must hold it (a required, non-nullable field, or an alias).
struct Hold<'a> {
    field: Option<&'a str>,
    target: String,
    required: bool,
}

/// Every schema's direct holds, and every alias's references (at any depth).
struct Graph<'a> {
    holds: HashMap<&'a str, Vec<Hold<'a>>>,
    alias_refs: HashMap<&'a str, Vec<String>>,
}

fn graph(files: &[SourceFile]) -> Graph<'_> {
    let mut holds: HashMap<&str, Vec<Hold>> = HashMap::new();
    let mut alias_refs: HashMap<&str, Vec<String>> = HashMap::new();
    for file in files {
        for (name, def) in &file.spec.schemas {
            if let Some(alias) = &def.alias {
                let Ok(ty) = TypeExpr::parse(alias) else {
                    continue;
                };
                if let TypeExpr::Ref(target) = &ty {
                    holds.entry(name).or_default().push(Hold {
                        field: None,
                        target: target.clone(),
                        required: true,
                    });
                }
                let refs = ty.refs().into_iter().map(str::to_owned).collect();
                alias_refs.insert(name, refs);
                continue;
            }
            for (field, def) in def.fields.iter().flatten() {
                if def.values.is_some() {
                    continue;
                }
                if let Ok(TypeExpr::Ref(target)) = TypeExpr::parse(&def.ty) {
                    holds.entry(name).or_default().push(Hold {
                        field: Some(field),
                        target,
                        required: def.required && !def.nullable,
                    });
                }
            }
        }
    }
    Graph { holds, alias_refs }
}

impl Graph<'_> {
    /// The shortest chain of holds from `from` back to `to` (schema names, `from` first), using
    /// only required holds when `required_only`; `None` when there is none.
    fn path(&self, from: &str, to: &str, required_only: bool) -> Option<Vec<String>> {
        let mut previous: HashMap<String, String> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([from.to_owned()]);
        let mut seen = HashSet::from([from.to_owned()]);
        while let Some(node) = queue.pop_front() {
            if node == to {
                let mut chain = vec![node.clone()];
                let mut at = node;
                while let Some(before) = previous.get(&at) {
                    chain.push(before.clone());
                    at = before.clone();
                }
                chain.reverse();
                return Some(chain);
            }
            for hold in self.holds.get(node.as_str()).into_iter().flatten() {
                if (hold.required || !required_only) && seen.insert(hold.target.clone()) {
                    previous.insert(hold.target.clone(), node.clone());
                    queue.push_back(hold.target.clone());
                }
            }
        }
        None
    }
}

/// The `(schema, field)` pairs that must be boxed: a field holding a schema that holds the
/// field's own object again, directly or through aliases.
pub fn boxed_fields(files: &[SourceFile]) -> HashSet<(String, String)> {
    let graph = graph(files);
    let mut boxed = HashSet::new();
    for (owner, holds) in &graph.holds {
        for hold in holds {
            if let Some(field) = hold.field {
                if graph.path(&hold.target, owner, false).is_some() {
                    boxed.insert((owner.to_string(), field.to_owned()));
                }
            }
        }
    }
    boxed
}

/// A schema that cannot be built: its name, the key path of the place to report, and why.
pub struct Unbuildable {
    pub schema: String,
    pub field: Option<String>,
    pub message: String,
}

/// Aliases that refer to themselves, through other aliases, lists or maps.
pub fn alias_cycles(files: &[SourceFile]) -> Vec<Unbuildable> {
    let graph = graph(files);
    let mut found = Vec::new();
    for file in files {
        for name in file.spec.schemas.keys() {
            let Some(refs) = graph.alias_refs.get(name.as_str()) else {
                continue;
            };
            // Depth-first over alias references only: objects and enums end a chain.
            let mut stack: Vec<(String, Vec<String>)> = refs
                .iter()
                .map(|target| (target.clone(), vec![name.clone(), target.clone()]))
                .collect();
            let mut seen = HashSet::new();
            while let Some((node, chain)) = stack.pop() {
                if node == *name {
                    found.push(Unbuildable {
                        schema: name.clone(),
                        field: None,
                        message: format!(
                            "the alias `{name}` refers to itself ({}); a Rust type alias cannot be recursive, so make one of them an object",
                            chain.join(" → ")
                        ),
                    });
                    break;
                }
                if !seen.insert(node.clone()) {
                    continue;
                }
                for next in graph.alias_refs.get(node.as_str()).into_iter().flatten() {
                    let mut longer = chain.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found
}

/// Required, non-nullable fields whose schema holds their own object again through required
/// holds: no finite value has them.
pub fn required_cycles(files: &[SourceFile]) -> Vec<Unbuildable> {
    let graph = graph(files);
    let mut found = Vec::new();
    for file in files {
        for name in file.spec.schemas.keys() {
            for hold in graph.holds.get(name.as_str()).into_iter().flatten() {
                let Some(field) = hold.field.filter(|_| hold.required) else {
                    continue;
                };
                let Some(chain) = graph.path(&hold.target, name, true) else {
                    continue;
                };
                let chain = [vec![name.clone()], chain].concat().join(" → ");
                found.push(Unbuildable {
                    schema: name.clone(),
                    field: Some(field.to_owned()),
                    message: format!(
                        "`{name}.{field}` is required and holds `{name}` again ({chain}), so no finite value exists (and `Default` would never return); make a field on this cycle optional, nullable or a list"
                    ),
                });
            }
        }
    }
    found
}
