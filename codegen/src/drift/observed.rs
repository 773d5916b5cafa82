//! Traffic the client decoded (`cargo xtask drift --observed FILE`): the mismatch records an
//! app collected, one JSON object per line, turned into findings against the spec.
//!
//! A record: `{"schema": "ChannelConfigWithInfo", "field": "message_retention", "path":
//! "GetOrCreateChannelResponse.channel.config.message_retention", "kind": "unknown_field",
//! "json_type": "string"}`, with `kind` one of `missing`, `null`, `unknown_field`,
//! `unknown_enum_value`, `unknown_event_type` (`schema` is `Event`, `field` the type) and
//! `wrong_type`; `value` (the unknown enum value or event type) and `json_type` are optional.
//!
//! Records are counted by what they say (the path of the first one is kept as an example):
//!
//! | record | finding |
//! | --- | --- |
//! | `unknown_field` | the field is only in traffic (with its JSON type) |
//! | `missing` | `required`: spec true, traffic false |
//! | `null` | `nullable`: spec false, traffic true |
//! | `unknown_enum_value` | the value is only in traffic |
//! | `unknown_event_type` | the event type is only in traffic |
//! | `wrong_type` | `type`: the spec's type, traffic the JSON type |
//!
//! A record the spec already agrees with (it has the field, the value, the event, or the
//! field is optional or nullable by now) is counted as settled, not a finding. A line that is
//! not a record is reported with its number and skipped; it never stops the run.

use super::finding::{Entity, Finding, FindingKind, Source, Target};
use super::shape::{Schema, Shape};
use serde_json::Value;
use std::collections::BTreeMap;

/// The record kinds the client writes.
pub const KINDS: [&str; 6] = [
    "missing",
    "null",
    "unknown_field",
    "unknown_enum_value",
    "unknown_event_type",
    "wrong_type",
];

/// The keys of a record.
const KEYS: [&str; 6] = ["schema", "field", "path", "kind", "value", "json_type"];

/// What was read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// How the output names the file.
    pub label: String,
    /// Records read.
    pub records: u64,
    /// Records the spec already agrees with.
    pub settled: u64,
    /// Lines that are not records, or records about what the spec does not have: the line
    /// number and the problem.
    pub problems: Vec<(usize, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    kind: String,
    schema: String,
    field: String,
    /// The enum value or event type, or the JSON type.
    detail: Option<String>,
}

/// Reads the records and lists their findings against the spec.
pub(crate) fn findings(spec: &Shape, label: &str, text: &str) -> (Summary, Vec<Finding>) {
    let mut summary = Summary {
        label: label.to_owned(),
        records: 0,
        settled: 0,
        problems: Vec::new(),
    };
    let mut seen: BTreeMap<Key, (u64, String, usize)> = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        match record(line) {
            Ok((key, path, unknown)) => {
                summary.records += 1;
                for key in unknown {
                    summary
                        .problems
                        .push((number, format!("unknown key `{key}` ignored")));
                }
                let entry = seen.entry(key).or_insert((0, path, number));
                entry.0 += 1;
            }
            Err(problem) => summary.problems.push((number, problem)),
        }
    }
    let mut out = Vec::new();
    for (key, (count, path, line)) in seen {
        match finding(spec, &key) {
            Ok(Some(mut finding)) => {
                finding.count = Some(count);
                finding.example = (!path.is_empty()).then_some(path);
                out.push(finding);
            }
            Ok(None) => summary.settled += count,
            Err(problem) => summary.problems.push((line, problem)),
        }
    }
    summary.problems.sort();
    (summary, out)
}

/// One line as a record: its key, its path, and the keys it has that records do not.
fn record(line: &str) -> Result<(Key, String, Vec<String>), String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not a JSON record: {e}"))?;
    let Some(map) = value.as_object() else {
        return Err("not a JSON object".to_owned());
    };
    let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
    let (Some(kind), Some(schema), Some(field)) = (text("kind"), text("schema"), text("field"))
    else {
        return Err("a record needs `kind`, `schema` and `field` as strings".to_owned());
    };
    if !KINDS.contains(&kind.as_str()) {
        return Err(format!(
            "unknown kind `{kind}`: expected one of {}",
            KINDS.join(", ")
        ));
    }
    let detail = match kind.as_str() {
        "unknown_enum_value" => text("value"),
        "unknown_event_type" => text("value").or_else(|| Some(field.clone())),
        "unknown_field" | "wrong_type" => text("json_type"),
        _ => None,
    };
    if kind == "unknown_enum_value" && detail.is_none() {
        return Err("an `unknown_enum_value` record needs its `value`".to_owned());
    }
    let unknown = map
        .keys()
        .filter(|key| !KEYS.contains(&key.as_str()))
        .cloned()
        .collect();
    let path = text("path").unwrap_or_default();
    Ok((
        Key {
            kind,
            schema,
            field,
            detail,
        },
        path,
        unknown,
    ))
}

/// The finding a kind of record makes; `None` when the spec already agrees.
fn finding(spec: &Shape, key: &Key) -> Result<Option<Finding>, String> {
    let new = |kind,
               entity,
               location: String,
               attribute,
               values: (Option<String>, Option<String>),
               target,
               item| Finding {
        kind,
        source: Source::Traffic,
        entity,
        location,
        attribute,
        spec: values.0,
        theirs: values.1,
        count: None,
        example: None,
        target,
        item,
    };
    if key.kind == "unknown_event_type" {
        let event_type = key.detail.clone().unwrap_or_else(|| key.field.clone());
        if spec.events.contains_key(&event_type) {
            return Ok(None);
        }
        return Ok(Some(new(
            FindingKind::OnlyInTraffic,
            Entity::Event,
            event_type.clone(),
            None,
            (None, None),
            Target::Event(event_type),
            Vec::new(),
        )));
    }
    let object = match spec.schemas.get(&key.schema) {
        Some(Schema::Object(object)) => object,
        Some(_) => {
            return Err(format!(
                "`{}` is not an object schema of the spec",
                key.schema
            ))
        }
        None => return Err(format!("the spec has no schema `{}`", key.schema)),
    };
    let location = format!("{}.{}", key.schema, key.field);
    let target = Target::Field {
        schema: key.schema.clone(),
        field: key.field.clone(),
    };
    let field = object.fields.get(&key.field);
    if key.kind == "unknown_field" {
        if field.is_some() || object.custom_data {
            return Ok(None);
        }
        return Ok(Some(new(
            FindingKind::OnlyInTraffic,
            Entity::Field,
            location,
            None,
            (None, key.detail.clone()),
            target,
            Vec::new(),
        )));
    }
    let Some(field) = field else {
        return Err(format!("the spec has no field `{location}`"));
    };
    let yes = |flag: bool| Some(flag.to_string());
    Ok(match key.kind.as_str() {
        "missing" if field.required => Some(new(
            FindingKind::Different,
            Entity::Field,
            location,
            Some("required"),
            (yes(true), yes(false)),
            target,
            Vec::new(),
        )),
        "null" if !field.nullable => Some(new(
            FindingKind::Different,
            Entity::Field,
            location,
            Some("nullable"),
            (yes(false), yes(true)),
            target,
            Vec::new(),
        )),
        "wrong_type" => Some(new(
            FindingKind::Different,
            Entity::Field,
            location,
            Some("type"),
            (Some(field.ty.clone()), key.detail.clone()),
            target,
            Vec::new(),
        )),
        "unknown_enum_value" => {
            let value = key.detail.clone().unwrap_or_default();
            let named = named_enum(spec, &field.ty);
            let values = match &named {
                Some((_, values)) => Some(*values),
                None => field.values.as_ref(),
            };
            if values.is_some_and(|values| values.contains(&value)) {
                None
            } else {
                let (at, target) = match named {
                    Some((name, _)) => (name.to_owned(), Target::Schema(name.to_owned())),
                    None => (location, target),
                };
                Some(new(
                    FindingKind::OnlyInTraffic,
                    Entity::EnumValue,
                    format!("{at} = {value}"),
                    None,
                    (None, Some(value.clone())),
                    target,
                    vec![value],
                ))
            }
        }
        _ => None,
    })
}

/// The named enum a field's type is (or lists, or maps), with its values.
fn named_enum<'s>(spec: &'s Shape, ty: &str) -> Option<(&'s str, &'s Vec<String>)> {
    let name = ty
        .trim_start_matches("list<")
        .trim_start_matches("map<")
        .trim_end_matches('>');
    match spec.schemas.get_key_value(name) {
        Some((name, Schema::Enum(values))) => Some((name.as_str(), values)),
        _ => None,
    }
}
