//! `cargo xtask drift --write`: writes the spec YAML the findings call for, as a person would
//! edit it. What the documents (or the traffic) add is written where it belongs
//! (`place.rs`), in the spec's style (`render.rs`), by text edits that leave every other
//! line as it was (`outline.rs`); changed attributes are changed in place.
//!
//! Docs are never taken from Stream: a new entry gets [`DOC_MARKER`] where a doc belongs,
//! which validation refuses until a person writes one. The summary is the exception: it is
//! the operation's name (`Get channel`), not prose.
//!
//! Written: new operations (parameters, body, response, status, server-side flag, events),
//! query parameters, schemas, fields, enum values, events, filter fields and operators, sort
//! fields; changed types, flags, bounds, defaults, sort combinations, bodies, responses,
//! statuses, payloads, `client_side` and `api_version`; from traffic: unknown fields (typed
//! from their JSON), optional and nullable fields, enum values, event types. Left for a
//! person: whatever is only in the spec (deprecate or delete is a decision), kinds of
//! schemas that changed, path parameters, what the spec language cannot say (an operator on
//! a type that does not take it, an enum of numbers), types seen in traffic, and anything
//! that needs a schema that is not written.

mod outline;
mod place;
mod render;

use super::finding::{Entity, Finding, FindingKind, Source, Target};
use super::shape::{Field, Operation, OperationKey, Schema, Shape};
use super::{Analysis, DOC_MARKER};
use crate::diagnostic::Diagnostics;
use crate::model::{FilterKind, FilterOp};
use crate::source::SourceFile;
use indexmap::IndexMap;
use outline::{scalar, unquote, Text};
use place::{refs, EndpointInfo, Layout};
use render::{
    ENDPOINT_ORDER, EVENT_ORDER, FIELD_ORDER, FILE_ORDER, FILTER_FIELD_ORDER, SCHEMA_ORDER,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A spec file `--write` changed or created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub path: PathBuf,
    pub text: String,
    pub created: bool,
    /// Findings applied to it.
    pub changes: usize,
}

/// What `--write` did.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// Changed or new files only.
    pub files: Vec<WrittenFile>,
    /// Findings written into the spec.
    pub applied: Vec<Finding>,
    /// Findings left for a person, with why.
    pub left: Vec<(Finding, String)>,
    /// Parts of written entries the spec language cannot say, left out (e.g. an operator a
    /// filter field's type does not take).
    pub notes: Vec<String>,
    /// Doc markers in the written files.
    pub markers: usize,
    /// What the written spec still gets wrong besides the markers (none, unless the
    /// documents contradict themselves).
    pub problems: Option<Diagnostics>,
}

/// One area file being edited.
struct AreaText {
    path: PathBuf,
    original: String,
    text: Text,
    created: bool,
    changes: usize,
}

/// Where the new schemas, events and operations go: their area and the entry they follow, in
/// the order they were placed. Entries placed after the same one are written in that order
/// too (`Writer::run`), so that each lands where the layout put it.
#[derive(Default)]
struct Plan {
    schemas: IndexMap<String, (usize, Option<String>)>,
    events: IndexMap<String, (usize, Option<String>)>,
    operations: IndexMap<OperationKey, (usize, Option<String>)>,
    /// New operations that are not written, with why.
    skipped: BTreeMap<OperationKey, String>,
}

struct Writer<'a> {
    spec: &'a Shape,
    theirs: &'a Shape,
    /// Parallel to `layout.areas`.
    texts: Vec<AreaText>,
    layout: Layout,
    dir: PathBuf,
    /// Schemas the spec will have: its own and the new ones written.
    known: BTreeSet<String>,
    /// Event types the spec will have.
    events: BTreeSet<String>,
    applied: Vec<Finding>,
    left: Vec<(Finding, String)>,
    notes: Vec<String>,
    /// The spec's mixins and operator sets, which new entries use.
    reuse: &'a render::Reuse,
    /// The spread that brought each schema field not written in its schema, by schema and
    /// field name.
    spreads: HashMap<(String, String), String>,
}

/// Writes what the report's findings call for into the spec files of `dir`; returns the
/// changed texts (nothing is written to disk here).
pub fn apply(files: &[SourceFile], dir: &Path, analysis: &Analysis) -> Written {
    let reuse = render::Reuse::of(files);
    let mut writer = Writer {
        reuse: &reuse,
        spreads: files.iter().flat_map(|file| file.spreads.clone()).collect(),
        spec: &analysis.spec,
        theirs: &analysis.theirs,
        texts: files
            .iter()
            .map(|file| AreaText {
                path: PathBuf::from(&file.display_path),
                original: file.text.clone(),
                text: Text::parse(&file.text),
                created: false,
                changes: 0,
            })
            .collect(),
        layout: Layout::new(files),
        dir: dir.to_path_buf(),
        known: analysis.spec.schemas.keys().cloned().collect(),
        events: analysis.spec.events.keys().cloned().collect(),
        applied: Vec::new(),
        left: Vec::new(),
        notes: Vec::new(),
    };
    writer.run(&analysis.report.findings);
    writer.finish()
}

/// What `--write` did, in words.
pub fn summary(written: &Written) -> String {
    let mut out = String::new();
    if written.files.is_empty() {
        out.push_str("nothing to write\n");
    } else {
        let files: Vec<String> = written
            .files
            .iter()
            .map(|f| {
                let new = if f.created { "new, " } else { "" };
                format!("{} ({new}{})", f.path.display(), f.changes)
            })
            .collect();
        out.push_str(&format!(
            "wrote {} findings into {} files: {}\n",
            written.applied.len(),
            written.files.len(),
            files.join(", ")
        ));
    }
    if written.markers > 0 {
        out.push_str(&format!(
            "{} docs to write in our own words: search for `{DOC_MARKER}` (`cargo xtask codegen` refuses them until then)\n",
            written.markers
        ));
    }
    if !written.left.is_empty() || !written.notes.is_empty() {
        out.push_str(&format!(
            "\nleft for review ({}):\n",
            written.left.len() + written.notes.len()
        ));
        for note in &written.notes {
            out.push_str(&format!("  {note}\n"));
        }
        for (finding, why) in &written.left {
            out.push_str(&format!(
                "  {} {}: {}; {why}\n",
                finding.kind.as_str(),
                finding.location,
                finding.description()
            ));
        }
    }
    if let Some(problems) = &written.problems {
        out.push_str(&format!(
            "\nthe written spec does not validate; fix these by hand:\n{problems}\n"
        ));
    }
    out
}

/// A type the spec language gives a JSON value seen in traffic.
fn json_type(json: Option<&str>) -> &'static str {
    match json {
        Some("string") => "string",
        Some("bool") | Some("boolean") => "bool",
        Some("number") => "double",
        Some("array") => "list<json>",
        Some("object") => "map<json>",
        _ => "json",
    }
}

fn yes(flag: bool) -> Option<String> {
    flag.then(|| "true".to_owned())
}

/// The findings in the order to apply them: as given, except that the new schemas, events and
/// operations (each kind in its own slots) come in the order the plan placed them. Each is
/// written after the entry the plan chose, which may itself be new: in another order, two new
/// entries after the same one would land in reverse.
fn placement_order<'f>(findings: &'f [Finding], plan: &Plan) -> Vec<&'f Finding> {
    let rank = |finding: &Finding| -> Option<(u8, usize)> {
        if finding.attribute.is_some() || finding.kind == FindingKind::OnlyInSpec {
            return None;
        }
        match &finding.target {
            Target::Schema(name) => plan.schemas.get_index_of(name).map(|i| (0, i)),
            Target::Event(event_type) => plan.events.get_index_of(event_type).map(|i| (1, i)),
            Target::Operation(key) => plan.operations.get_index_of(key).map(|i| (2, i)),
            _ => None,
        }
    };
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    let slots: Vec<usize> = (0..findings.len())
        .filter(|&i| rank(&findings[i]).is_some())
        .collect();
    let mut placed: Vec<&Finding> = slots.iter().map(|&i| &findings[i]).collect();
    placed.sort_by_key(|finding| rank(finding));
    for (slot, finding) in slots.into_iter().zip(placed) {
        ordered[slot] = finding;
    }
    ordered
}

impl<'a> Writer<'a> {
    fn run(&mut self, findings: &[Finding]) {
        let plan = self.plan(findings);
        for finding in placement_order(findings, &plan) {
            self.apply(finding, &plan);
        }
    }

    /// Decides which new schemas, events and operations are written, and places them.
    fn plan(&mut self, findings: &[Finding]) -> Plan {
        let theirs = self.theirs;
        let mut plan = Plan::default();
        let wanted = |entity: Entity| {
            findings
                .iter()
                .filter(move |f| f.entity == entity && f.kind != FindingKind::OnlyInSpec)
                .filter(|f| f.attribute.is_none())
        };
        // Schemas: new ones whose fields only use schemas the spec will have.
        let mut candidates: BTreeSet<String> = wanted(Entity::Schema)
            .filter_map(|f| match &f.target {
                Target::Schema(name) if theirs.schemas.contains_key(name) => Some(name.clone()),
                _ => None,
            })
            .collect();
        loop {
            let known: BTreeSet<&String> = self.known.iter().chain(&candidates).collect();
            let broken: Vec<String> = candidates
                .iter()
                .filter(|name| {
                    schema_refs(&theirs.schemas[*name])
                        .iter()
                        .any(|r| !known.contains(r))
                })
                .cloned()
                .collect();
            if broken.is_empty() {
                break;
            }
            for name in broken {
                candidates.remove(&name);
            }
        }
        // Events and operations the spec will have.
        let new_events: Vec<(String, Option<String>)> = wanted(Entity::Event)
            .filter_map(|f| match &f.target {
                Target::Event(event_type) => {
                    let payload = theirs
                        .events
                        .get(event_type)
                        .and_then(|e| e.payload.clone());
                    Some((event_type.clone(), payload))
                }
                _ => None,
            })
            .filter(|(_, payload)| {
                payload
                    .as_ref()
                    .is_none_or(|p| self.known.contains(p) || candidates.contains(p))
            })
            .collect();
        self.events
            .extend(new_events.iter().map(|(t, _)| t.clone()));
        let usable = |ty: &str, candidates: &BTreeSet<String>| {
            refs(ty)
                .iter()
                .all(|r| self.known.contains(r) || candidates.contains(r))
        };
        let mut new_operations: Vec<OperationKey> = Vec::new();
        for finding in wanted(Entity::Operation) {
            let Target::Operation(key) = &finding.target else {
                continue;
            };
            let Some(op) = theirs.operations.get(key) else {
                continue;
            };
            let why = if op.response.is_none() {
                "the documents give it no success response".to_owned()
            } else if op.name.is_empty() {
                "the documents give it no `operationId` to name it".to_owned()
            } else if self.spec.operations.values().any(|o| o.name == op.name) {
                format!("the spec already has an endpoint `{}`", op.name)
            } else if let Some(schema) = operation_schemas(op)
                .into_iter()
                .find(|schema| !usable(schema, &candidates))
            {
                format!("needs schema `{schema}`, which is not written")
            } else {
                new_operations.push(key.clone());
                continue;
            };
            plan.skipped.insert(key.clone(), why);
        }
        // Roots: what the written spec uses; a new schema nothing uses is not written.
        let mut roots: Vec<String> = Vec::new();
        for key in &new_operations {
            roots.extend(operation_schemas(&theirs.operations[key]));
        }
        for (_, payload) in &new_events {
            roots.extend(payload.clone());
        }
        for f in findings {
            roots.extend(self.their_types(f).iter().flat_map(|ty| refs(ty)));
        }
        let mut reachable = BTreeSet::new();
        while let Some(name) = roots.pop() {
            if candidates.contains(&name) && reachable.insert(name.clone()) {
                roots.extend(schema_refs(&theirs.schemas[&name]));
            }
        }
        self.known.extend(reachable.iter().cloned());
        // Places: operations, then events, then schemas by who uses them.
        for key in new_operations {
            let op = &theirs.operations[&key];
            let info = EndpointInfo {
                name: op.name.clone(),
                method: op.method.clone(),
                path: op.path.clone(),
                schemas: operation_schemas(op),
                events: op.events.clone(),
            };
            let place = self.layout.place_operation(info, theirs);
            plan.operations.insert(key, place);
        }
        for (event_type, payload) in &new_events {
            let place = self.layout.place_event(event_type, payload.as_deref());
            plan.events.insert(event_type.clone(), place);
        }
        plan.schemas = self.place_schemas(&reachable);
        // What could not be placed is not written, and nothing may refer to it.
        for name in reachable.iter().filter(|n| !plan.schemas.contains_key(*n)) {
            self.known.remove(name);
        }
        plan
    }

    /// Places the new schemas: those of operations, then event payloads, then the ones
    /// other schemas use.
    fn place_schemas(
        &mut self,
        reachable: &BTreeSet<String>,
    ) -> IndexMap<String, (usize, Option<String>)> {
        let theirs = self.theirs;
        let mut schemas = IndexMap::new();
        let payloads: Vec<String> = self
            .spec
            .events
            .values()
            .chain(theirs.events.values())
            .filter_map(|e| e.payload.clone())
            .collect();
        for index in 0..self.layout.areas.len() {
            let endpoints = self.layout.areas[index].endpoints.clone();
            for endpoint in endpoints {
                for schema in &endpoint.schemas {
                    if reachable.contains(schema) && !schemas.contains_key(schema) {
                        let after =
                            self.layout
                                .place_operation_schema(index, &endpoint.name, schema);
                        schemas.insert(schema.clone(), (index, after));
                    }
                }
            }
        }
        for index in 0..self.layout.areas.len() {
            let area_events = self.layout.areas[index].events.clone();
            for event_type in area_events {
                // The documents' payload first: the spec's may be the one that changes.
                let payload = [
                    theirs.events.get(&event_type),
                    self.spec.events.get(&event_type),
                ]
                .into_iter()
                .flatten()
                .filter_map(|e| e.payload.clone())
                .find(|p| reachable.contains(p) && !schemas.contains_key(p));
                if let Some(payload) = payload {
                    let after = self.layout.place_payload(index, &payload, &payloads);
                    schemas.insert(payload, (index, after));
                }
            }
        }
        // Schemas other schemas use, each where its users are (the documents' fields first:
        // they also list what the spec lacks).
        let top: BTreeSet<String> = self
            .layout
            .areas
            .iter()
            .flat_map(|a| a.endpoints.iter().flat_map(|e| e.schemas.iter().cloned()))
            .chain(payloads.iter().cloned())
            .collect();
        let spec = self.spec;
        let fields = |name: &str| -> Vec<Vec<String>> {
            match theirs.schemas.get(name).or_else(|| spec.schemas.get(name)) {
                Some(Schema::Object(object)) => {
                    object.fields.values().map(|f| refs(&f.ty)).collect()
                }
                Some(Schema::Alias(ty)) => vec![refs(ty)],
                _ => Vec::new(),
            }
        };
        loop {
            let pending: Vec<String> = reachable
                .iter()
                .filter(|n| !schemas.contains_key(*n))
                .cloned()
                .collect();
            let mut placed_any = false;
            for name in pending {
                if let Some(place) = self.layout.place_shared(&name, &fields, &top) {
                    schemas.insert(name, place);
                    placed_any = true;
                }
            }
            if !placed_any {
                break;
            }
        }
        schemas
    }

    /// The types a finding's written form would use (to keep the schemas it needs).
    fn their_types(&self, finding: &Finding) -> Vec<String> {
        if finding.source == Source::Traffic {
            return Vec::new();
        }
        match (&finding.target, finding.entity, finding.kind) {
            (
                Target::Field { .. } | Target::Param { .. },
                Entity::Field | Entity::QueryParam,
                _,
            ) if finding.attribute.is_none() || finding.attribute == Some("type") => self
                .their_field(&finding.target)
                .map(|f| f.ty.clone())
                .into_iter()
                .collect(),
            (Target::Schema(name), Entity::Schema, FindingKind::Different)
                if finding.attribute == Some("type") =>
            {
                match self.theirs.schemas.get(name) {
                    Some(Schema::Alias(ty)) => vec![ty.clone()],
                    _ => Vec::new(),
                }
            }
            (Target::Operation(key), Entity::Operation, FindingKind::Different) => {
                let op = self.theirs.operations.get(key);
                match finding.attribute {
                    Some("body") => op
                        .and_then(|o| o.body.as_ref())
                        .map(|b| b.schema.clone())
                        .into_iter()
                        .collect(),
                    Some("response") => op.and_then(|o| o.response.clone()).into_iter().collect(),
                    _ => Vec::new(),
                }
            }
            (Target::Event(event_type), Entity::Event, FindingKind::Different) => self
                .theirs
                .events
                .get(event_type)
                .and_then(|e| e.payload.clone())
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The documents' field or parameter a target names.
    fn their_field(&self, target: &Target) -> Option<&'a Field> {
        match target {
            Target::Field { schema, field } => match self.theirs.schemas.get(schema)? {
                Schema::Object(object) => object.fields.get(field),
                _ => None,
            },
            Target::Param {
                operation,
                query: true,
                name,
            } => self.theirs.operations.get(operation)?.query.get(name),
            Target::Param {
                operation,
                query: false,
                name,
            } => {
                let index = self
                    .spec
                    .operations
                    .get(operation)?
                    .path_params
                    .iter()
                    .position(|(n, _)| n == name)?;
                self.theirs
                    .operations
                    .get(operation)?
                    .path_params
                    .get(index)
                    .map(|(_, f)| f)
            }
            _ => None,
        }
    }

    fn leave(&mut self, finding: &Finding, why: &str) {
        self.left.push((finding.clone(), why.to_owned()));
    }

    fn done(&mut self, area: usize, finding: &Finding) {
        self.texts[area].changes += 1;
        self.applied.push(finding.clone());
    }

    fn area_of_schema(&self, name: &str) -> Option<usize> {
        self.layout.schema_area(name)
    }

    fn area_of_endpoint(&self, name: &str) -> Option<usize> {
        self.layout
            .areas
            .iter()
            .position(|a| a.endpoints.iter().any(|e| e.name == name))
    }

    /// The text of an area, created when the plan made a new area.
    fn text(&mut self, area: usize) -> &mut Text {
        while self.texts.len() <= area {
            let name = self.layout.areas[self.texts.len()].area.clone();
            self.texts.push(AreaText {
                path: self.dir.join(format!("{name}.yaml")),
                original: String::new(),
                text: Text::parse(&format!("doc: {DOC_MARKER}")),
                created: true,
                changes: 0,
            });
        }
        &mut self.texts[area].text
    }

    /// The spec's field or parameter node a target names: its area and key path.
    fn field_path(&self, target: &Target) -> Option<(usize, Vec<String>)> {
        match target {
            Target::Field { schema, field } => Some((
                self.area_of_schema(schema)?,
                vec![
                    "schemas".into(),
                    schema.clone(),
                    "fields".into(),
                    field.clone(),
                ],
            )),
            Target::Param {
                operation,
                query,
                name,
            } => {
                let endpoint = &self.spec.operations.get(operation)?.name;
                let section = if *query { "query" } else { "path_params" };
                Some((
                    self.area_of_endpoint(endpoint)?,
                    vec![
                        "endpoints".into(),
                        endpoint.clone(),
                        section.into(),
                        name.clone(),
                    ],
                ))
            }
            _ => None,
        }
    }

    /// Edits one entry by key path; false when it is not there.
    /// Edits the entry at `path` for `finding`, which counts as applied; an error when the
    /// spec does not have the entry.
    fn edit(
        &mut self,
        finding: &Finding,
        area: usize,
        path: &[String],
        edit: impl FnOnce(&mut Text, outline::Node),
    ) -> Result<(), String> {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        if let ["schemas", schema, "fields", field, ..] = keys[..] {
            let key = (schema.to_owned(), field.to_owned());
            if let Some(spread) = self.spreads.get(&key) {
                return Err(format!(
                    "the field comes from the spread `{spread}`: change the mixin, or write the \
                     field out in place of the spread"
                ));
            }
        }
        let text = self.text(area);
        let node = text
            .find(&keys)
            .ok_or_else(|| format!("`{}` is not in the spec", path.join(".")))?;
        edit(text, node);
        self.done(area, finding);
        Ok(())
    }

    /// Sets (or removes) one key of the entry at `path`.
    fn set(
        &mut self,
        finding: &Finding,
        (area, path): (usize, Vec<String>),
        key: &str,
        value: Option<String>,
        order: &[&str],
    ) -> Result<(), String> {
        self.edit(finding, area, &path, |text, node| {
            text.set_key(node, key, value, order)
        })
    }

    fn usable(&self, ty: &str) -> Result<(), String> {
        match refs(ty).into_iter().find(|r| !self.known.contains(r)) {
            Some(missing) => Err(format!("needs schema `{missing}`, which is not written")),
            None => Ok(()),
        }
    }

    fn apply(&mut self, finding: &Finding, plan: &Plan) {
        let result = match (finding.kind, finding.entity) {
            (FindingKind::OnlyInSpec, Entity::FilterOperator | Entity::SortField | Entity::OperationEvent) => {
                self.list_item(finding)
            }
            (FindingKind::OnlyInSpec, _) => Err(
                "only in the spec: deprecate or delete it by hand".to_owned(),
            ),
            (_, Entity::ApiVersion) => self.api_version(finding),
            (FindingKind::OnlyInOpenApi, Entity::Operation) => match &finding.target {
                Target::Operation(key) => match plan.operations.get(key) {
                    Some(place) => self.new_operation(finding, key, place.clone()),
                    None => Err(plan.skipped.get(key).cloned().unwrap_or_default()),
                },
                _ => Err("not an operation".to_owned()),
            },
            (FindingKind::OnlyInOpenApi | FindingKind::OnlyInTraffic, Entity::Event) => match &finding.target {
                Target::Event(event_type) => match plan.events.get(event_type) {
                    Some(place) => self.new_event(finding, event_type, place.clone()),
                    None => Err("its payload schema is not written".to_owned()),
                },
                _ => Err("not an event".to_owned()),
            },
            (FindingKind::OnlyInOpenApi, Entity::Schema) => match &finding.target {
                Target::Schema(name) => match plan.schemas.get(name) {
                    Some(place) => self.new_schema(finding, name, place.clone()),
                    None => Err("nothing the written spec has uses it, or it needs a schema that is not written".to_owned()),
                },
                _ => Err("not a schema".to_owned()),
            },
            (FindingKind::OnlyInOpenApi | FindingKind::OnlyInTraffic, Entity::Field | Entity::QueryParam) => {
                self.new_field(finding)
            }
            (_, Entity::EnumValue) => self.enum_value(finding),
            (FindingKind::OnlyInOpenApi, Entity::FilterField) => self.new_filter_field(finding),
            (_, Entity::FilterOperator | Entity::SortField | Entity::OperationEvent) => self.list_item(finding),
            (FindingKind::Different, Entity::Field | Entity::QueryParam | Entity::PathParam) => {
                self.field_attribute(finding)
            }
            (FindingKind::Different, Entity::FilterField) => self.filter_type(finding),
            (FindingKind::Different, Entity::Operation) => self.operation_attribute(finding),
            (FindingKind::Different, Entity::Schema) => self.schema_attribute(finding),
            (FindingKind::Different, Entity::Event) => self.event_attribute(finding),
            _ => Err("the spec language has no place for it; edit by hand".to_owned()),
        };
        if let Err(why) = result {
            self.leave(finding, &why);
        }
    }

    fn api_version(&mut self, finding: &Finding) -> Result<(), String> {
        let version = finding
            .theirs
            .clone()
            .ok_or("the documents have no version")?;
        let area = (0..self.texts.len())
            .find(|&i| self.texts[i].text.find(&["api_version"]).is_some())
            .or_else(|| self.layout.index(crate::model::CORE_AREA))
            .ok_or("no core area to hold `api_version`")?;
        let text = self.text(area);
        match text.find(&["api_version"]) {
            Some(node) => {
                let indent = " ".repeat(node.indent);
                text.lines[node.line] = format!("{indent}api_version: {}", scalar(&version, false));
            }
            None => {
                let doc = text.find(&["doc"]).map_or(0, |n| n.end);
                text.insert(
                    doc,
                    vec![format!("api_version: {}", scalar(&version, false))],
                );
            }
        }
        self.done(area, finding);
        Ok(())
    }

    fn new_operation(
        &mut self,
        finding: &Finding,
        key: &OperationKey,
        (area, after): (usize, Option<String>),
    ) -> Result<(), String> {
        let mut op: Operation = self.theirs.operations[key].clone();
        for ty in operation_schemas(&op) {
            self.usable(&ty)?;
        }
        let unknown: Vec<String> = op
            .events
            .iter()
            .filter(|e| !self.events.contains(*e))
            .cloned()
            .collect();
        op.events.retain(|e| self.events.contains(e));
        let lines = render::endpoint_lines(&op.name, &op, self.reuse);
        let text = self.text(area);
        let section = text.section("endpoints", FILE_ORDER);
        let spaced = text.children(Some(section)).len() < 2 || text.spaced(section);
        text.insert_entry(section, after.as_deref(), lines, spaced);
        self.done(area, finding);
        if !unknown.is_empty() {
            self.leave(
                finding,
                &format!(
                    "written without the events it sends that the spec lacks: {}",
                    unknown.join(", ")
                ),
            );
        }
        Ok(())
    }

    fn new_event(
        &mut self,
        finding: &Finding,
        event_type: &str,
        (area, after): (usize, Option<String>),
    ) -> Result<(), String> {
        let event = self
            .theirs
            .events
            .get(event_type)
            .cloned()
            .unwrap_or_default();
        if let Some(payload) = &event.payload {
            self.usable(payload)?;
        }
        let text = self.text(area);
        let section = text.section("events", FILE_ORDER);
        // A section of one-line events gets one more.
        let children = text.children(Some(section));
        let one_line = !children.is_empty()
            && children
                .iter()
                .all(|(_, node)| text.value(*node).starts_with('{'));
        let lines = render::event_lines(event_type, &event, one_line);
        let spaced = text.spaced(section);
        text.insert_entry(section, after.as_deref(), lines, spaced);
        self.done(area, finding);
        Ok(())
    }

    fn new_schema(
        &mut self,
        finding: &Finding,
        name: &str,
        (area, after): (usize, Option<String>),
    ) -> Result<(), String> {
        let schema = &self.theirs.schemas[name];
        // An event payload does not list `type` (the event enum carries it), but `*`'s does.
        let is_payload = self
            .spec
            .events
            .iter()
            .chain(&self.theirs.events)
            .any(|(t, e)| t != crate::model::FALLBACK_EVENT && e.payload.as_deref() == Some(name));
        if let Schema::Object(object) = schema {
            for (field, def) in &object.fields {
                self.note_unsaid(&format!("{name}.{field}"), def);
            }
        }
        let lines = render::schema_lines(name, schema, is_payload, self.reuse);
        let text = self.text(area);
        let section = text.section("schemas", FILE_ORDER);
        let spaced = text.children(Some(section)).len() < 2 || text.spaced(section);
        text.insert_entry(section, after.as_deref(), lines, spaced);
        self.done(area, finding);
        Ok(())
    }

    /// Notes what the spec language cannot say of a field's filter, which `render` leaves out.
    fn note_unsaid(&mut self, location: &str, field: &Field) {
        for (name, filter_field) in field.filter.iter().flatten() {
            if FilterKind::parse(&filter_field.ty).is_none() {
                self.notes.push(format!(
                    "{location} filter.{name}: left out, the spec language has no filter type `{}`",
                    filter_field.ty
                ));
                continue;
            }
            let said = render::filter_ops(filter_field);
            for op in filter_field.ops.iter().filter(|op| !said.contains(op)) {
                self.notes.push(format!(
                    "{location} filter.{name} ${op}: left out, the spec language has no `{op}` on a `{}` filter field",
                    filter_field.ty
                ));
            }
        }
    }

    /// A field or query parameter the spec lacks, after the one before it in the documents.
    fn new_field(&mut self, finding: &Finding) -> Result<(), String> {
        let (field, order): (Field, Vec<String>) = if finding.source == Source::Traffic {
            let field = Field {
                ty: json_type(finding.theirs.as_deref()).to_owned(),
                ..Field::default()
            };
            (field, Vec::new())
        } else {
            let field = self
                .their_field(&finding.target)
                .ok_or("not in the documents")?
                .clone();
            let order = match &finding.target {
                Target::Field { schema, .. } => match self.theirs.schemas.get(schema) {
                    Some(Schema::Object(object)) => object.fields.keys().cloned().collect(),
                    _ => Vec::new(),
                },
                Target::Param { operation, .. } => self.theirs.operations[operation]
                    .query
                    .keys()
                    .cloned()
                    .collect(),
                _ => Vec::new(),
            };
            (field, order)
        };
        self.usable(&field.ty)?;
        self.note_unsaid(&finding.location, &field);
        let (area, mut path) = match &finding.target {
            Target::Field { schema, field } => (
                self.area_of_schema(schema)
                    .ok_or("its schema is not in the spec")?,
                vec![
                    "schemas".to_owned(),
                    schema.clone(),
                    "fields".to_owned(),
                    field.clone(),
                ],
            ),
            Target::Param {
                operation, name, ..
            } => {
                let endpoint = self
                    .spec
                    .operations
                    .get(operation)
                    .ok_or("its operation is not in the spec")?
                    .name
                    .clone();
                (
                    self.area_of_endpoint(&endpoint)
                        .ok_or("its operation is not in the spec")?,
                    vec![
                        "endpoints".to_owned(),
                        endpoint,
                        "query".to_owned(),
                        name.clone(),
                    ],
                )
            }
            _ => return Err("not a field".to_owned()),
        };
        let name = path.pop().unwrap_or_default();
        let section_key = path.pop().unwrap_or_default();
        let parent_order: &[&str] = if section_key == "fields" {
            SCHEMA_ORDER
        } else {
            ENDPOINT_ORDER
        };
        let reuse = self.reuse;
        let text = self.text(area);
        let parent: Vec<&str> = path.iter().map(String::as_str).collect();
        let parent = text.find(&parent).ok_or("its entry is not in the spec")?;
        let block = text.block(parent, &section_key, parent_order);
        let existing: BTreeSet<String> = text
            .children(Some(block))
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let position = order.iter().position(|f| *f == name);
        let after = position.and_then(|p| {
            order[..p]
                .iter()
                .rev()
                .find(|f| existing.contains(*f))
                .cloned()
        });
        // Without a predecessor it goes first, unless the documents give no order (traffic).
        let after = match (after, position) {
            (None, None) => text.children(Some(block)).last().map(|(k, _)| k.clone()),
            (after, _) => after,
        };
        let lines = render::field_lines(&name, &field, block.indent + 2, reuse);
        let first_child = text.children(Some(block)).first().map(|(_, n)| n.indent);
        let lines = match first_child {
            Some(indent) if indent != block.indent + 2 => {
                render::field_lines(&name, &field, indent, reuse)
            }
            _ => lines,
        };
        let block = text.block(parent, &section_key, parent_order);
        text.insert_entry(block, after.as_deref(), lines, false);
        self.done(area, finding);
        Ok(())
    }

    /// An enum value, after the value before it in the documents (or last).
    fn enum_value(&mut self, finding: &Finding) -> Result<(), String> {
        if finding.kind == FindingKind::OnlyInSpec {
            return Err("only in the spec: remove it by hand if the API dropped it".to_owned());
        }
        let value = finding.item.last().cloned().ok_or("no value")?;
        let order: Vec<String> = match &finding.target {
            Target::Schema(name) => match self.theirs.schemas.get(name) {
                Some(Schema::Enum(values)) => values.clone(),
                _ => Vec::new(),
            },
            target => self
                .their_field(target)
                .and_then(|f| f.values.clone())
                .unwrap_or_default(),
        };
        let (area, path) = match &finding.target {
            Target::Schema(name) => (
                self.area_of_schema(name)
                    .ok_or("its enum is not in the spec")?,
                vec!["schemas".to_owned(), name.clone()],
            ),
            target => self
                .field_path(target)
                .ok_or("its field is not in the spec")?,
        };
        let order_keys = if path.len() == 2 {
            SCHEMA_ORDER
        } else {
            FIELD_ORDER
        };
        self.edit(finding, area, &path, |text, node| {
            text.edit_list(node, "enum", order_keys, |items| {
                insert_in_order(items, &value, &order)
            })
        })
    }

    /// A filter field the spec's filter lacks.
    fn new_filter_field(&mut self, finding: &Finding) -> Result<(), String> {
        let name = finding.item.first().cloned().ok_or("no filter field")?;
        let their = self
            .their_field(&finding.target)
            .and_then(|f| f.filter.as_ref())
            .ok_or("no filter in the documents")?;
        let field = their.get(&name).cloned().ok_or("not in the documents")?;
        if FilterKind::parse(&field.ty).is_none() {
            return Err(format!(
                "the spec language has no filter type `{}`",
                field.ty
            ));
        }
        let order: Vec<String> = their.keys().cloned().collect();
        let (area, mut path) = self
            .field_path(&finding.target)
            .ok_or("its field is not in the spec")?;
        let only_this = Field {
            filter: Some([(name.clone(), field.clone())].into_iter().collect()),
            ..Field::default()
        };
        let reuse = self.reuse;
        let base = finding
            .location
            .split(" filter.")
            .next()
            .unwrap_or_default()
            .to_owned();
        self.note_unsaid(&base, &only_this);
        path.push("filter".to_owned());
        self.edit(finding, area, &path, |text, block| {
            let existing: BTreeSet<String> = text
                .children(Some(block))
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            let position = order.iter().position(|f| *f == name).unwrap_or(0);
            let after = order[..position]
                .iter()
                .rev()
                .find(|f| existing.contains(*f))
                .cloned();
            let indent = text
                .children(Some(block))
                .first()
                .map_or(block.indent + 2, |(_, n)| n.indent);
            let lines = render::filter_field_lines(&name, &field, indent, reuse);
            text.insert_entry(block, after.as_deref(), lines, false);
        })
    }

    /// Operators, sort fields and sent events, added or removed one by one.
    fn list_item(&mut self, finding: &Finding) -> Result<(), String> {
        let add = finding.kind != FindingKind::OnlyInSpec;
        let item = finding.item.last().cloned().ok_or("no item")?;
        let (area, path, key, order, canonical): (usize, Vec<String>, &str, &[&str], Vec<String>) =
            match finding.entity {
                Entity::FilterOperator => {
                    let filter_field = finding.item.first().cloned().ok_or("no filter field")?;
                    let (area, mut path) = self
                        .field_path(&finding.target)
                        .ok_or("its field is not in the spec")?;
                    let ty = self
                        .spec_filter_type(&finding.target, &filter_field)
                        .ok_or("its filter field is not in the spec")?;
                    let op = FilterOp::ALL
                        .iter()
                        .find(|(n, _)| *n == item)
                        .map(|(_, op)| *op);
                    match (op, FilterKind::parse(&ty)) {
                        (Some(op), Some(kind)) if kind.allows(op) => {}
                        _ if !add => {}
                        _ => {
                            return Err(format!(
                                "the spec language has no `{item}` on a `{ty}` filter field"
                            ))
                        }
                    }
                    path.extend(["filter".to_owned(), filter_field]);
                    let canonical = FilterOp::ALL.iter().map(|(n, _)| (*n).to_owned()).collect();
                    (area, path, "ops", FILTER_FIELD_ORDER, canonical)
                }
                Entity::SortField => {
                    let (area, path) = self
                        .field_path(&finding.target)
                        .ok_or("its field is not in the spec")?;
                    let canonical = self
                        .their_field(&finding.target)
                        .and_then(|f| f.sort.clone())
                        .unwrap_or_default();
                    (area, path, "sort", FIELD_ORDER, canonical)
                }
                Entity::OperationEvent => {
                    if add && !self.events.contains(&item) {
                        return Err(format!("the spec has no event `{item}`"));
                    }
                    let Target::Operation(key) = &finding.target else {
                        return Err("not an operation".to_owned());
                    };
                    let endpoint = self
                        .spec
                        .operations
                        .get(key)
                        .ok_or("its operation is not in the spec")?
                        .name
                        .clone();
                    let area = self
                        .area_of_endpoint(&endpoint)
                        .ok_or("its operation is not in the spec")?;
                    let canonical = self
                        .theirs
                        .operations
                        .get(key)
                        .map(|o| o.events.clone())
                        .unwrap_or_default();
                    (
                        area,
                        vec!["endpoints".to_owned(), endpoint],
                        "events",
                        ENDPOINT_ORDER,
                        canonical,
                    )
                }
                _ => return Err("not a list item".to_owned()),
            };
        let reuse = self.reuse;
        self.edit(finding, area, &path, |text, node| {
            text.edit_list(node, key, order, |items| {
                // Operators are edited one by one, with the spec's sets spelled out, then named.
                let ops = key == "ops";
                if ops {
                    *items = reuse.expand_sets(items);
                }
                if add {
                    insert_in_order(items, &item, &canonical);
                } else if let Some(at) = items.iter().position(|x| unquote(x) == item) {
                    items.remove(at);
                }
                if ops {
                    *items = reuse.name_sets(std::mem::take(items));
                }
            })
        })
    }

    fn spec_filter_type(&self, target: &Target, filter_field: &str) -> Option<String> {
        self.spec_field(target)?
            .filter
            .as_ref()?
            .get(filter_field)
            .map(|f| f.ty.clone())
    }

    fn filter_type(&mut self, finding: &Finding) -> Result<(), String> {
        let name = finding.item.first().cloned().ok_or("no filter field")?;
        let ty = finding.theirs.clone().ok_or("no type")?;
        if FilterKind::parse(&ty).is_none() {
            return Err(format!("the spec language has no filter type `{ty}`"));
        }
        let (area, mut path) = self
            .field_path(&finding.target)
            .ok_or("its field is not in the spec")?;
        path.extend(["filter".to_owned(), name]);
        self.set(finding, (area, path), "type", Some(ty), FILTER_FIELD_ORDER)
    }

    /// A changed attribute of a field or parameter.
    fn field_attribute(&mut self, finding: &Finding) -> Result<(), String> {
        let attribute = finding.attribute.ok_or("no attribute")?;
        let (area, path) = self
            .field_path(&finding.target)
            .ok_or("its field is not in the spec")?;
        let value: Option<String> = if finding.source == Source::Traffic {
            match attribute {
                "required" => None,
                "nullable" => yes(true),
                _ => {
                    return Err(
                        "traffic shows the JSON type only: choose the spec type by hand".to_owned(),
                    )
                }
            }
        } else {
            let theirs = self
                .their_field(&finding.target)
                .ok_or("not in the documents")?;
            let b = &theirs.bounds;
            let count = |v: Option<u64>| v.map(|v| v.to_string());
            let number = |v: Option<f64>| v.map(super::shape::number_text);
            match attribute {
                "type" => {
                    self.usable(&theirs.ty)?;
                    Some(theirs.ty.clone())
                }
                "required" => yes(theirs.required),
                "nullable" => yes(theirs.nullable),
                "deprecated" => yes(theirs.deprecated),
                "client_side_only" => yes(theirs.client_side_only),
                "enum" => match &theirs.values {
                    Some(values) if theirs.ty == "string" => Some(render::strings(values)),
                    Some(_) => return Err("the spec language has enums of strings only".to_owned()),
                    None => None,
                },
                "min" => number(b.min),
                "max" => number(b.max),
                "min_len" => count(b.min_len),
                "max_len" => count(b.max_len),
                "min_items" => count(b.min_items),
                "max_items" => count(b.max_items),
                "default" => theirs
                    .default
                    .as_deref()
                    .map(|d| render::default_text(theirs, d)),
                "sort_combinations" => theirs
                    .sort_combinations
                    .as_ref()
                    .map(|c| render::combinations(c)),
                "sort" => match &theirs.sort {
                    Some(sort) => Some(render::strings(sort)),
                    None => {
                        return Err(
                            "the documents dropped the sort fields: remove them by hand".to_owned()
                        )
                    }
                },
                "filter" => match &theirs.filter {
                    Some(filter) => {
                        let filter = filter.clone();
                        let reuse = self.reuse;
                        let location = finding.location.clone();
                        self.note_unsaid(&location, theirs);
                        return self.edit(finding, area, &path, |text, node| {
                            let mut attrs = text.attrs(node);
                            attrs.set_nested(
                                "filter",
                                render::filter_lines(&filter, node.indent + 4, reuse),
                                FIELD_ORDER,
                            );
                            text.set_attrs(node, &attrs);
                        });
                    }
                    None => {
                        return Err("the documents dropped the filter: remove it by hand".to_owned())
                    }
                },
                _ => return Err(format!("`{attribute}` is not written")),
            }
        };
        if let Some(problem) = self.bound_problem(&finding.target, attribute, value.as_deref()) {
            return Err(problem);
        }
        if attribute == "enum" && value.is_none() && self.is_named_enum_use(&finding.target) {
            return Err("the spec uses a named enum here".to_owned());
        }
        self.set(finding, (area, path), attribute, value, FIELD_ORDER)
    }

    /// Why a new bound cannot be written: it would cross the other bound, or not fit the
    /// field's integer type (Stream's documents have such bounds).
    fn bound_problem(
        &self,
        target: &Target,
        attribute: &str,
        value: Option<&str>,
    ) -> Option<String> {
        let value: f64 = value?.parse().ok()?;
        let field = self.spec_field(target)?;
        let b = &field.bounds;
        let other = match attribute {
            "min" => b.max.map(|max| (value, max)),
            "max" => b.min.map(|min| (min, value)),
            "min_len" => b.max_len.map(|max| (value, max as f64)),
            "max_len" => b.min_len.map(|min| (min as f64, value)),
            "min_items" => b.max_items.map(|max| (value, max as f64)),
            "max_items" => b.min_items.map(|min| (min as f64, value)),
            _ => return None,
        };
        if let Some((low, high)) = other.filter(|(low, high)| low > high) {
            return Some(format!(
                "the documents' bound would make {low} > {high}: check it by hand"
            ));
        }
        let int32 = field.ty == "int32"
            && (value.fract() != 0.0 || value < f64::from(i32::MIN) || value > f64::from(i32::MAX));
        int32.then(|| {
            format!("the documents' bound {value} does not fit an int32: check it by hand")
        })
    }

    fn spec_field(&self, target: &Target) -> Option<&'a Field> {
        match target {
            Target::Field { schema, field } => match self.spec.schemas.get(schema)? {
                Schema::Object(object) => object.fields.get(field),
                _ => None,
            },
            Target::Param {
                operation,
                query: true,
                name,
            } => self.spec.operations.get(operation)?.query.get(name),
            Target::Param {
                operation, name, ..
            } => self
                .spec
                .operations
                .get(operation)?
                .path_params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, f)| f),
            _ => None,
        }
    }

    /// True for a schema with a `binary` field (in the spec, or new from the documents).
    fn holds_file(&self, name: &str) -> bool {
        let schema = self
            .spec
            .schemas
            .get(name)
            .or_else(|| self.theirs.schemas.get(name));
        matches!(schema, Some(Schema::Object(object)) if object.fields.values().any(|f| f.ty.contains("binary")))
    }

    fn is_named_enum_use(&self, target: &Target) -> bool {
        self.spec_field(target).is_some_and(|f| {
            refs(&f.ty)
                .iter()
                .any(|r| matches!(self.spec.schemas.get(r), Some(Schema::Enum(_))))
        })
    }

    fn operation_attribute(&mut self, finding: &Finding) -> Result<(), String> {
        let Target::Operation(key) = &finding.target else {
            return Err("not an operation".to_owned());
        };
        let attribute = finding.attribute.ok_or("no attribute")?;
        let theirs = self
            .theirs
            .operations
            .get(key)
            .ok_or("not in the documents")?;
        let endpoint = self
            .spec
            .operations
            .get(key)
            .ok_or("not in the spec")?
            .name
            .clone();
        let area = self.area_of_endpoint(&endpoint).ok_or("not in the spec")?;
        let path = vec!["endpoints".to_owned(), endpoint.clone()];
        let value = match attribute {
            "body" => match &theirs.body {
                Some(body) => {
                    self.usable(&body.schema)?;
                    if !body.multipart && self.holds_file(&body.schema) {
                        return Err(format!(
                            "`{}` holds a file, so it stays a multipart body",
                            body.schema
                        ));
                    }
                    Some(if body.multipart {
                        format!("{{ schema: {}, content: multipart }}", body.schema)
                    } else {
                        body.schema.clone()
                    })
                }
                None => None,
            },
            "response" => {
                let response = theirs
                    .response
                    .clone()
                    .ok_or("the documents give no response")?;
                self.usable(&response)?;
                Some(response)
            }
            "status" => Some(theirs.status.unwrap_or(200).to_string()),
            "server_side_only" => yes(theirs.server_side_only),
            "client_side_only" => yes(theirs.client_side_only),
            "deprecated" if theirs.deprecated => yes(true),
            "deprecated" => {
                return Err("the documents do not deprecate it: decide by hand".to_owned())
            }
            "name" => {
                let name = theirs.name.clone();
                if self.spec.operations.values().any(|o| o.name == name) {
                    return Err(format!("the spec already has an endpoint `{name}`"));
                }
                return self.edit(finding, area, &path, |text, node| {
                    let indent = " ".repeat(node.indent);
                    text.lines[node.line] = format!("{indent}{}:", render::key(&name, false));
                });
            }
            _ => return Err(format!("`{attribute}` is not written")),
        };
        self.set(finding, (area, path), attribute, value, ENDPOINT_ORDER)
    }

    fn schema_attribute(&mut self, finding: &Finding) -> Result<(), String> {
        let Target::Schema(name) = &finding.target else {
            return Err("not a schema".to_owned());
        };
        let attribute = finding.attribute.ok_or("no attribute")?;
        let theirs = self
            .theirs
            .schemas
            .get(name)
            .ok_or("not in the documents")?;
        let value = match (attribute, theirs) {
            ("custom_data", Schema::Object(object)) => yes(object.custom_data),
            ("deprecated", Schema::Object(object)) if object.deprecated => yes(true),
            ("type", Schema::Alias(ty)) => {
                self.usable(ty)?;
                Some(ty.clone())
            }
            ("kind", _) => return Err("the schema changed kind: rewrite it by hand".to_owned()),
            _ => return Err(format!("`{attribute}` is not written")),
        };
        let area = self.area_of_schema(name).ok_or("not in the spec")?;
        let path = vec!["schemas".to_owned(), name.clone()];
        self.set(finding, (area, path), attribute, value, SCHEMA_ORDER)
    }

    fn event_attribute(&mut self, finding: &Finding) -> Result<(), String> {
        let Target::Event(event_type) = &finding.target else {
            return Err("not an event".to_owned());
        };
        let attribute = finding.attribute.ok_or("no attribute")?;
        let theirs = self
            .theirs
            .events
            .get(event_type)
            .ok_or("not in the documents")?;
        let value = match attribute {
            "payload" => match &theirs.payload {
                Some(payload) => {
                    self.usable(payload)?;
                    Some(payload.clone())
                }
                None => return Err("the documents give no payload: decide by hand".to_owned()),
            },
            "client_side" => yes(theirs.client_side),
            _ => return Err(format!("`{attribute}` is not written")),
        };
        let area = self
            .layout
            .event_area(event_type)
            .ok_or("not in the spec")?;
        let path = vec!["events".to_owned(), event_type.clone()];
        self.set(finding, (area, path), attribute, value, EVENT_ORDER)
    }

    fn finish(self) -> Written {
        let mut files = Vec::new();
        let mut inputs = Vec::new();
        let mut markers = 0;
        for area in &self.texts {
            let text = area.text.render();
            markers += text.matches(DOC_MARKER).count();
            inputs.push((area.path.display().to_string(), text.clone()));
            if text != area.original {
                files.push(WrittenFile {
                    path: area.path.clone(),
                    text,
                    created: area.created,
                    changes: area.changes,
                });
            }
        }
        let before: usize = self
            .texts
            .iter()
            .map(|a| a.original.matches(DOC_MARKER).count())
            .sum();
        let problems = match crate::source::load_texts(inputs) {
            Ok(files) => super::validate_allowing_markers(&files).err(),
            Err(problems) => Some(problems),
        };
        Written {
            files,
            applied: self.applied,
            left: self.left,
            notes: self.notes,
            markers: markers.saturating_sub(before),
            problems,
        }
    }
}

/// Inserts `item` into a flow list's items (as written) after the last item that comes
/// before it in `order`; first when none does, last when `order` does not have it.
fn insert_in_order(items: &mut Vec<String>, item: &str, order: &[String]) {
    let present: Vec<String> = items.iter().map(|i| unquote(i)).collect();
    let at = match order.iter().position(|v| v == item) {
        Some(position) => order[..position]
            .iter()
            .rev()
            .find_map(|v| present.iter().position(|x| x == v))
            .map_or(0, |i| i + 1),
        None => items.len(),
    };
    items.insert(at, scalar(item, true));
}

/// The schemas an operation names: parameter types, body, response.
fn operation_schemas(op: &Operation) -> Vec<String> {
    let mut out: Vec<String> = op
        .path_params
        .iter()
        .map(|(_, f)| &f.ty)
        .chain(op.query.values().map(|f| &f.ty))
        .flat_map(|ty| refs(ty))
        .collect();
    out.extend(op.body.as_ref().map(|b| b.schema.clone()));
    out.extend(op.response.clone());
    out
}

/// The schemas a schema's fields (or alias) use.
fn schema_refs(schema: &Schema) -> Vec<String> {
    match schema {
        Schema::Object(object) => object.fields.values().flat_map(|f| refs(&f.ty)).collect(),
        Schema::Alias(ty) => refs(ty),
        Schema::Enum(_) => Vec::new(),
    }
}
