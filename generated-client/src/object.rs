//! What every generated object carries besides its fields, and the trait that reads it.
//!
//! Decoding follows one rule (crate docs, "Decoding"): an absent field holds its type's
//! `Default`, keys the spec does not know are kept, and values that do not fit are kept as they
//! came. What a field alone cannot say is kept in the object's [`WireState`]: which required
//! fields were absent, the values kept as sent, the unknown keys, and (on the outermost object
//! of a decode) the [`Mismatch`] records. Encoding reads it back, so that decoding and encoding
//! give the JSON the server sent. [`WireObject`] is how callers read it.

use std::fmt;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::fields::Fields;
use crate::mismatch::Mismatch;

/// Read access to what decoding kept beyond an object's fields; every generated object
/// implements it.
///
/// The methods are on a trait, not on the objects, so that none can collide with the setter of
/// a field that happens to share its name (call it as `WireObject::unknown(&object, "x")` if
/// one does).
///
/// ```
/// use stream_chat_client::models::UserResponse;
/// use stream_chat_client::WireObject as _;
///
/// let user: UserResponse = serde_json::from_str(
///     r#"{"id": "jack", "role": "user", "language": null, "created_at": "2024-03-01T10:15:30Z",
///         "updated_at": "2024-03-01T10:15:30Z", "banned": false, "online": true,
///         "blocked_user_ids": [], "shadow_banned": false, "favorite_color": "green"}"#,
/// )
/// .unwrap();
/// assert!(user.is_absent("teams") && user.teams.is_empty()); // absent: the default, not sent back
/// assert!(!user.is_absent("language")); // sent as null: "" now, and null when sent back
/// assert_eq!(user.raw("language"), Some(&serde_json::Value::Null));
/// assert_eq!(user.unknown("favorite_color"), Some(&"green".into())); // custom data
/// // The records of the decode: `language` null, `teams` and `invisible` absent.
/// let records: Vec<String> = user.mismatches().iter().map(|m| m.to_string()).collect();
/// assert_eq!(records, ["null at UserResponse.language", "missing at UserResponse.teams",
///                      "missing at UserResponse.invisible"]);
/// assert_eq!(serde_json::to_value(&user).unwrap()["language"], serde_json::Value::Null);
/// ```
pub trait WireObject {
    /// The object's [`WireState`].
    fn wire_state(&self) -> &WireState;

    /// The keys of the decoded JSON that the spec does not list for this object, with their
    /// values, as they are written back on encoding. For objects with custom data this is the
    /// `custom` map.
    fn unknown_fields(&self) -> &Map<String, Value> {
        self.wire_state().unknown_fields()
    }

    /// The value of a key the spec does not list for this object (custom data included).
    fn unknown(&self, key: &str) -> Option<&Value> {
        self.unknown_fields().get(key)
    }

    /// True when encoding writes no key `name` (a field's wire name, or any key): for a decoded
    /// object, exactly when its JSON had no such key. An absent field holds its type's default
    /// (`None` for optional fields) and stays out of the encoding until it is set to something
    /// else.
    fn is_absent(&self, name: &str) -> bool
    where
        Self: serde::Serialize + Sized,
    {
        !crate::key_probe::writes_key(self, name)
    }

    /// The value a field had in the decoded JSON when it could not be held by the field: `null`
    /// (for a nullable field too), or a value of the wrong type. The field holds its default,
    /// and the value is written back as long as it does.
    fn raw(&self, field: &str) -> Option<&Value> {
        self.wire_state().raw(field)
    }

    /// The records of the decode this object was the outermost object of (the body of a
    /// response, the payload of an event): each place where the JSON departed from the spec.
    /// Empty for nested objects and for objects built in code.
    fn mismatches(&self) -> &[Mismatch] {
        self.wire_state().mismatches()
    }
}

/// What decoding kept beyond an object's fields: absent required fields, values kept as sent,
/// unknown keys, mismatch records.
///
/// One pointer; nothing is allocated for an object that had every required field, no `null`,
/// no value of the wrong type and no unknown key. `Default` is the state of an object built in
/// code. Two states are equal when they keep the same data; the mismatch records are not
/// compared.
#[derive(Clone, Default)]
pub struct WireState(pub(crate) Option<Box<Kept>>);

/// The contents of a non-empty [`WireState`].
#[derive(Clone)]
pub(crate) struct Kept {
    /// The object's fields, to resolve names.
    pub(crate) fields: &'static Fields,
    /// Indices of required fields that were absent, ascending.
    pub(crate) absent: Vec<u16>,
    /// Fields whose JSON value the field could not hold, by index.
    pub(crate) raw: Vec<(u16, Value)>,
    /// Unknown keys of objects without custom data.
    pub(crate) unknown: Map<String, Value>,
    /// The records of the decode, on its outermost object.
    pub(crate) mismatches: Vec<Mismatch>,
}

/// How an encoded field departs from its value; see [`Kept::kept`].
pub(crate) enum Override<'a> {
    /// The field was absent: not written while it holds its default.
    Absent,
    /// The field's JSON value, written while the field holds its default.
    Raw(&'a Value),
}

impl Kept {
    pub(crate) fn new(fields: &'static Fields) -> Self {
        Kept {
            fields,
            absent: Vec::new(),
            raw: Vec::new(),
            unknown: Map::new(),
            mismatches: Vec::new(),
        }
    }

    /// What was kept for the field at `index`, if anything.
    pub(crate) fn kept(&self, index: u16) -> Option<Override<'_>> {
        if let Some((_, value)) = self.raw.iter().find(|(at, _)| *at == index) {
            return Some(Override::Raw(value));
        }
        self.absent.contains(&index).then_some(Override::Absent)
    }
}

static EMPTY_MAP: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

impl WireState {
    /// True when nothing was kept: the state of an object built in code, or decoded exactly as
    /// the spec describes it.
    pub fn is_empty(&self) -> bool {
        self.0.as_deref().is_none_or(|kept| {
            kept.absent.is_empty()
                && kept.raw.is_empty()
                && kept.unknown.is_empty()
                && kept.mismatches.is_empty()
        })
    }

    /// The unknown keys kept (objects without custom data).
    pub fn unknown_fields(&self) -> &Map<String, Value> {
        self.0.as_deref().map_or(&EMPTY_MAP, |kept| &kept.unknown)
    }

    /// The unknown keys, to add or change some before encoding.
    pub fn unknown_fields_mut(&mut self) -> &mut Map<String, Value> {
        &mut self
            .0
            .get_or_insert_with(|| Box::new(Kept::new(&Fields::NONE)))
            .unknown
    }

    /// The JSON value kept for the field `name`; see [`WireObject::raw`].
    pub fn raw(&self, name: &str) -> Option<&Value> {
        let kept = self.0.as_deref()?;
        let index = kept.fields.index_of(name)?;
        kept.raw
            .iter()
            .find(|(at, _)| *at == index)
            .map(|(_, value)| value)
    }

    /// The wire names of the required fields that were absent.
    pub fn absent_fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.as_deref().into_iter().flat_map(|kept| {
            kept.absent
                .iter()
                .map(|index| kept.fields.fields[usize::from(*index)].name)
        })
    }

    fn absent(&self) -> &[u16] {
        self.0.as_deref().map_or(&[], |kept| &kept.absent)
    }

    fn raw_values(&self) -> &[(u16, Value)] {
        self.0.as_deref().map_or(&[], |kept| &kept.raw)
    }

    /// The mismatch records; see [`WireObject::mismatches`].
    pub fn mismatches(&self) -> &[Mismatch] {
        self.0.as_deref().map_or(&[], |kept| &kept.mismatches)
    }

    /// Adds a record (the event layer adds unknown event types to the payload's records).
    pub(crate) fn push_mismatch(&mut self, mismatch: Mismatch) {
        self.0
            .get_or_insert_with(|| Box::new(Kept::new(&Fields::NONE)))
            .mismatches
            .push(mismatch);
    }
}

impl PartialEq for WireState {
    fn eq(&self, other: &Self) -> bool {
        self.absent() == other.absent()
            && self.raw_values() == other.raw_values()
            && self.unknown_fields() == other.unknown_fields()
    }
}

/// JSON values compare reflexively (serde_json numbers are never NaN), so equality is total.
impl Eq for WireState {}

impl fmt::Debug for WireState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(kept) = self.0.as_deref().filter(|_| !self.is_empty()) else {
            return f.write_str("WireState");
        };
        let mut debug = f.debug_struct("WireState");
        if !kept.absent.is_empty() {
            debug.field("absent", &self.absent_fields().collect::<Vec<_>>());
        }
        if !kept.raw.is_empty() {
            let raw: Vec<(&str, &Value)> = kept
                .raw
                .iter()
                .map(|(index, value)| (kept.fields.fields[usize::from(*index)].name, value))
                .collect();
            debug.field("raw", &raw);
        }
        if !kept.unknown.is_empty() {
            debug.field("unknown", &kept.unknown);
        }
        if !kept.mismatches.is_empty() {
            debug.field("mismatches", &kept.mismatches.len());
        }
        debug.finish()
    }
}
