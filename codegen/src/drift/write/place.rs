//! Where `--write` puts what the spec lacks: which area file, and where in it.
//!
//! - An **operation** goes to the area of its request or response schema when the spec has
//!   one (outside `common`); else to the area whose operations share the longest path prefix
//!   with it (placeholders match any name; most such operations wins, then file order); else
//!   to the area that defines most of the schemas its body and response use; else to a new
//!   area named after the path's first segment. In its area it goes after the last operation
//!   whose schemas come before its own, where the spec still has one of its own schemas (one
//!   no other operation uses); else after the operations on the same path whose methods come
//!   first (GET, POST, PUT, PATCH, DELETE); else among the operations with the longest common
//!   prefix, before the first whose path (then method) sorts after it, or after the last.
//! - An **event** goes to the area of the first operation that sends it; else to the area
//!   whose events share the longest dotted prefix (`notification.`); else to its payload's
//!   area; else to a new area named after its first segment. Events are kept sorted.
//! - A **schema** that an operation takes or returns (as body, response or parameter) goes
//!   to that operation's area, after the schemas of the operations before it; an event
//!   payload to the event's area, among its other payloads in name order; a schema only
//!   other schemas use to the area with most of them, among the area's shared types in the
//!   order of their first use. A schema nothing uses is not written.
//! - A **field**, parameter, enum value, filter field or sort field goes after the one that
//!   precedes it in the documents' order (`x-stream-index`), or first.

use crate::drift::shape::{path_key, Shape};
use crate::source::SourceFile;
use crate::types::TypeExpr;
use std::collections::BTreeSet;

/// The entries of one area, in file order, as the plan grows.
#[derive(Debug, Clone)]
pub(crate) struct AreaLayout {
    pub area: String,
    pub endpoints: Vec<EndpointInfo>,
    pub schemas: Vec<String>,
    pub events: Vec<String>,
}

/// An endpoint, as placement needs it.
#[derive(Debug, Clone)]
pub(crate) struct EndpointInfo {
    pub name: String,
    pub method: String,
    pub path: String,
    /// Parameter types, body and response: the schemas that live next to it.
    pub schemas: Vec<String>,
    pub events: Vec<String>,
}

/// Every area's entries.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub areas: Vec<AreaLayout>,
}

/// The path's segments, placeholders as `{}`.
fn segments(path: &str) -> Vec<String> {
    path_key(path)
        .trim_start_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

fn common_prefix(a: &str, b: &str) -> usize {
    segments(a)
        .iter()
        .zip(segments(b))
        .take_while(|(x, y)| **x == *y)
        .count()
}

fn method_rank(method: &str) -> usize {
    ["GET", "POST", "PUT", "PATCH", "DELETE"]
        .iter()
        .position(|m| *m == method)
        .unwrap_or(5)
}

/// The schema names a type expression refers to.
pub(crate) fn refs(ty: &str) -> Vec<String> {
    TypeExpr::parse(ty)
        .map(|t| t.refs().into_iter().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A name fit for an area file: lowercase, `_` between words.
fn area_name(text: &str) -> String {
    let name: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_matches('_').to_owned();
    if name.is_empty() {
        "misc".to_owned()
    } else {
        name
    }
}

impl Layout {
    pub fn new(files: &[SourceFile]) -> Layout {
        let areas = files
            .iter()
            .map(|file| AreaLayout {
                area: file.area.clone(),
                endpoints: file
                    .spec
                    .endpoints
                    .iter()
                    .map(|(name, def)| {
                        let mut schemas: Vec<String> = def
                            .path_params
                            .values()
                            .chain(def.query.values())
                            .flat_map(|f| refs(&f.ty))
                            .collect();
                        schemas.extend(def.body.as_ref().map(|b| b.schema.clone()));
                        schemas.push(def.response.clone());
                        EndpointInfo {
                            name: name.clone(),
                            method: def.method.clone(),
                            path: def.path.clone(),
                            schemas,
                            events: def.events.clone(),
                        }
                    })
                    .collect(),
                schemas: file.spec.schemas.keys().cloned().collect(),
                events: file.spec.events.keys().cloned().collect(),
            })
            .collect();
        Layout { areas }
    }

    pub fn index(&self, area: &str) -> Option<usize> {
        self.areas.iter().position(|a| a.area == area)
    }

    /// The area of a schema, when placed.
    pub fn schema_area(&self, name: &str) -> Option<usize> {
        self.areas
            .iter()
            .position(|a| a.schemas.iter().any(|s| s == name))
    }

    pub fn event_area(&self, event_type: &str) -> Option<usize> {
        self.areas
            .iter()
            .position(|a| a.events.iter().any(|e| e == event_type))
    }

    /// The area named `name`, created (as a new file) when missing.
    fn area(&mut self, name: &str) -> usize {
        if let Some(index) = self.index(name) {
            return index;
        }
        self.areas.push(AreaLayout {
            area: name.to_owned(),
            endpoints: Vec::new(),
            schemas: Vec::new(),
            events: Vec::new(),
        });
        self.areas.len() - 1
    }

    /// Places a new operation; returns its area and the endpoint it follows.
    pub fn place_operation(
        &mut self,
        info: EndpointInfo,
        theirs: &Shape,
    ) -> (usize, Option<String>) {
        let is_common =
            |layout: &Layout, index: usize| layout.areas[index].area == crate::model::CORE_AREA;
        let own = info
            .schemas
            .iter()
            .rev()
            .filter_map(|s| self.schema_area(s))
            .find(|&index| !is_common(self, index));
        let by_prefix = || {
            let mut best: Option<(usize, usize, usize)> = None; // (length, count, area)
            for (index, area) in self.areas.iter().enumerate() {
                let length = area
                    .endpoints
                    .iter()
                    .map(|e| common_prefix(&e.path, &info.path))
                    .max()
                    .unwrap_or(0);
                if length == 0 {
                    continue;
                }
                let count = area
                    .endpoints
                    .iter()
                    .filter(|e| common_prefix(&e.path, &info.path) == length)
                    .count();
                if best.is_none_or(|(l, c, _)| (length, count) > (l, c)) {
                    best = Some((length, count, index));
                }
            }
            best.map(|(_, _, index)| index)
        };
        let by_schemas = || {
            let mut counts = vec![0usize; self.areas.len()];
            for schema in &info.schemas {
                let used = match theirs.schemas.get(schema) {
                    Some(crate::drift::shape::Schema::Object(object)) => {
                        object.fields.values().flat_map(|f| refs(&f.ty)).collect()
                    }
                    _ => Vec::new(),
                };
                for name in used {
                    if let Some(index) = self.schema_area(&name).filter(|&i| !is_common(self, i)) {
                        counts[index] += 1;
                    }
                }
            }
            let best = counts.iter().copied().max().unwrap_or(0);
            (best > 0)
                .then(|| counts.iter().position(|&c| c == best))
                .flatten()
        };
        let area = match own.or_else(by_prefix).or_else(by_schemas) {
            Some(index) => index,
            None => {
                let first = segments(&info.path).into_iter().next().unwrap_or_default();
                self.area(&area_name(&first))
            }
        };
        let layout = &self.areas[area];
        let endpoints = &layout.endpoints;
        // Where the spec still has one of its schemas, it goes after the last operation whose
        // schemas come before that one.
        let kept = info
            .schemas
            .iter()
            .filter(|s| !endpoints.iter().any(|e| e.schemas.contains(s)))
            .filter_map(|s| layout.schemas.iter().position(|x| x == s))
            .min();
        if let Some(kept) = kept {
            let in_area = |e: &EndpointInfo, before: usize| {
                e.schemas.iter().any(|s| {
                    layout
                        .schemas
                        .iter()
                        .position(|x| x == s)
                        .is_some_and(|at| at < before)
                })
            };
            let mut position = endpoints
                .iter()
                .rposition(|e| in_area(e, kept))
                .map_or(0, |i| i + 1);
            // Operations on the same path without schemas of their own go with it (a
            // `DELETE` after its `POST`).
            while position > 0
                && endpoints.get(position).is_some_and(|next| {
                    !in_area(next, usize::MAX)
                        && path_key(&next.path) == path_key(&endpoints[position - 1].path)
                })
            {
                position += 1;
            }
            let after = position.checked_sub(1).map(|i| endpoints[i].name.clone());
            self.areas[area].endpoints.insert(position, info);
            return (area, after);
        }
        let length = endpoints
            .iter()
            .map(|e| common_prefix(&e.path, &info.path))
            .max()
            .unwrap_or(0);
        let key = |e: &EndpointInfo| (segments(&e.path), method_rank(&e.method));
        let group: Vec<usize> = (0..endpoints.len())
            .filter(|&i| length > 0 && common_prefix(&endpoints[i].path, &info.path) == length)
            .collect();
        // Operations on the same path keep their methods in order; else paths sort.
        let same_path: Vec<usize> = group
            .iter()
            .copied()
            .filter(|&i| segments(&endpoints[i].path) == segments(&info.path))
            .collect();
        let position = if same_path.is_empty() {
            group
                .iter()
                .copied()
                .find(|&i| key(&endpoints[i]) > key(&info))
                .or_else(|| group.last().map(|&i| i + 1))
        } else {
            same_path
                .iter()
                .copied()
                .find(|&i| method_rank(&endpoints[i].method) > method_rank(&info.method))
                .or_else(|| same_path.last().map(|&i| i + 1))
        }
        .unwrap_or(endpoints.len());
        let after = position.checked_sub(1).map(|i| endpoints[i].name.clone());
        self.areas[area].endpoints.insert(position, info);
        (area, after)
    }

    /// Places a new event; returns its area and the event it follows.
    pub fn place_event(
        &mut self,
        event_type: &str,
        payload: Option<&str>,
    ) -> (usize, Option<String>) {
        let by_operation = self.areas.iter().position(|a| {
            a.endpoints
                .iter()
                .any(|e| e.events.iter().any(|t| t == event_type))
        });
        let by_prefix = || {
            let parts: Vec<&str> = event_type.split('.').collect();
            let mut best: Option<(usize, usize)> = None;
            for (index, area) in self.areas.iter().enumerate() {
                for other in &area.events {
                    let length = other
                        .split('.')
                        .zip(&parts)
                        .take_while(|(a, b)| a == *b)
                        .count();
                    if length > 0 && best.is_none_or(|(l, _)| length > l) {
                        best = Some((length, index));
                    }
                }
            }
            best.map(|(_, index)| index)
        };
        let by_payload = || payload.and_then(|p| self.schema_area(p));
        let area = match by_operation.or_else(by_prefix).or_else(by_payload) {
            Some(index) => index,
            None => {
                let first = event_type.split('.').next().unwrap_or(event_type);
                self.area(&area_name(first))
            }
        };
        let events = &mut self.areas[area].events;
        let position = events
            .iter()
            .position(|e| e.as_str() > event_type)
            .unwrap_or(events.len());
        let after = position.checked_sub(1).map(|i| events[i].clone());
        events.insert(position, event_type.to_owned());
        (area, after)
    }

    /// Places a new schema that `endpoint` (of `area`) uses: after the schemas of the
    /// operations up to it.
    pub fn place_operation_schema(
        &mut self,
        area: usize,
        endpoint: &str,
        schema: &str,
    ) -> Option<String> {
        let layout = &self.areas[area];
        let upto = layout
            .endpoints
            .iter()
            .position(|e| e.name == endpoint)
            .map_or(layout.endpoints.len(), |i| i + 1);
        let owned: Vec<&String> = layout.endpoints[..upto]
            .iter()
            .flat_map(|e| &e.schemas)
            .collect();
        let anchor = layout.schemas.iter().rposition(|s| owned.contains(&s));
        self.insert_schema(area, anchor, schema)
    }

    /// Places a new event payload among the area's payloads, which the spec keeps in name
    /// order; or at the end.
    pub fn place_payload(
        &mut self,
        area: usize,
        schema: &str,
        payloads: &[String],
    ) -> Option<String> {
        let schemas = &self.areas[area].schemas;
        let is_payload = |s: &String| payloads.contains(s);
        let anchor = schemas
            .iter()
            .rposition(|s| is_payload(s) && s.as_str() < schema)
            .or_else(|| {
                schemas
                    .iter()
                    .position(is_payload)
                    .map_or(schemas.len().checked_sub(1), |first| first.checked_sub(1))
            });
        self.insert_schema(area, anchor, schema)
    }

    /// Places a schema that only other schemas use: in the area with most of its users (on
    /// a tie, the first area where a user is itself such a shared type), among the area's
    /// shared types in the order of their first use (the index of the first user in the
    /// area, then of the field in it), or after the area's operation and payload schemas.
    /// `fields` gives the schemas each field of a schema uses, in wire order; `top` are the
    /// schemas of operations and event payloads. `None` when nothing placed uses it.
    pub fn place_shared(
        &mut self,
        schema: &str,
        fields: &dyn Fn(&str) -> Vec<Vec<String>>,
        top: &BTreeSet<String>,
    ) -> Option<(usize, Option<String>)> {
        let uses = |user: &str| fields(user).iter().any(|f| f.iter().any(|r| r == schema));
        let mut best: Option<(usize, bool, usize)> = None; // (users, shared user, area)
        for (index, area) in self.areas.iter().enumerate() {
            let users: Vec<&String> = area.schemas.iter().filter(|u| uses(u)).collect();
            if users.is_empty() {
                continue;
            }
            let shared = users.iter().any(|u| !top.contains(*u));
            if best.is_none_or(|(count, was_shared, _)| (users.len(), shared) > (count, was_shared))
            {
                best = Some((users.len(), shared, index));
            }
        }
        let (_, _, area) = best?;
        let schemas = &self.areas[area].schemas;
        let first_use = |name: &str| {
            schemas.iter().enumerate().find_map(|(at, user)| {
                fields(user)
                    .iter()
                    .position(|f| f.iter().any(|r| r == name))
                    .map(|field| (at, field))
            })
        };
        let key = first_use(schema);
        let anchor = schemas
            .iter()
            .enumerate()
            .filter(|(_, other)| !top.contains(*other))
            .filter(|(_, other)| first_use(other).is_some_and(|k| Some(k) <= key))
            .map(|(at, _)| at)
            .next_back()
            .or_else(|| schemas.iter().rposition(|s| top.contains(s)))
            .or(schemas.len().checked_sub(1));
        let after = self.insert_schema(area, anchor, schema);
        Some((area, after))
    }

    fn insert_schema(
        &mut self,
        area: usize,
        anchor: Option<usize>,
        schema: &str,
    ) -> Option<String> {
        let schemas = &mut self.areas[area].schemas;
        let position = anchor.map_or(0, |i| i + 1);
        let after = anchor.map(|i| schemas[i].clone());
        schemas.insert(position, schema.to_owned());
        after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_count_whole_segments_and_placeholders_match() {
        assert_eq!(
            common_prefix("/messages/{id}/reaction", "/messages/{x}/reactions"),
            2
        );
        assert_eq!(common_prefix("/channels", "/channels/{type}"), 1);
        assert_eq!(common_prefix("/a", "/b"), 0);
        assert_eq!(area_name("import_urls"), "import_urls");
        assert_eq!(area_name("ai-indicator"), "ai_indicator");
    }
}
