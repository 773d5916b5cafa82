//! What the generated `Serialize`/`Deserialize` implementations of objects and enums share.
//!
//! The generator writes those implementations itself instead of deriving them: a derive emits
//! several visitors per struct (field identifiers from integers, bytes and strings; sequences;
//! `flatten` buffering for custom data) that JSON never needs, and with some 500 models that
//! unused code dominated the crate's build time. Each object instead has a table of its fields
//! ([`Fields`], the associated const of [`Object`]), and its impls are one short line per field
//! calling the small generic helpers here and in [`crate::decode`]: [`ObjectWriter`] when
//! encoding, [`FieldReader`](crate::decode::FieldReader) when decoding. Keeping the logic in
//! the helpers keeps the generated code small (and so the crate's compile time), and the
//! decoding rule in one place.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize as _, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

pub(crate) use crate::decode::FieldReader;
use crate::fields::Key;
// The generated serde impls name the field tables through this module (`__rt::Fields`).
#[allow(
    unused_imports,
    reason = "the generated tables name these; which ones a build uses depends on its spec and cargo features"
)]
pub(crate) use crate::fields::{Field, Fields, NULLABLE, OPTIONAL, REQUIRED};
use crate::object::{Override, WireState};

/// A generated object: its field table and its decoder. Every generated object implements it
/// in its area's `wire.rs`; its `Deserialize` is [`deserialize_object`].
pub(crate) trait Object: Sized {
    /// The object's fields.
    const FIELDS: &'static Fields;

    /// Reads the object's entries (the generated visitor body).
    fn decode<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The `Deserialize` of every generated object: a JSON object, read by [`Object::decode`].
pub(crate) fn deserialize_object<'de, D: Deserializer<'de>, T: Object>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<fn() -> T>);
    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a `{}` object", T::FIELDS.schema)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::decode(map)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Writes one generated object: its fields in order, then its unknown keys or custom data,
/// as the object's [`WireState`] says (an absent field stays out while it holds its default; a
/// value kept as sent goes back in its field's place while the field holds its default).
///
/// The first error is kept (what follows is skipped) and [`end`](Self::end) returns it: the
/// generated code needs no `?` per field, which keeps it small to compile.
pub(crate) struct ObjectWriter<'a, M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
    fields: &'static Fields,
    state: Option<&'a crate::object::Kept>,
}

/// Starts the map of an object with these fields and state.
pub(crate) fn writer<'a, S: Serializer>(
    serializer: S,
    fields: &'static Fields,
    state: &'a WireState,
) -> Result<ObjectWriter<'a, S::SerializeMap>, S::Error> {
    Ok(ObjectWriter {
        map: serializer.serialize_map(None)?,
        error: None,
        fields,
        state: state.0.as_deref(),
    })
}

impl<M: SerializeMap> ObjectWriter<'_, M> {
    /// Writes a field of a plain (required, not nullable) type.
    ///
    /// This and [`optional`](Self::optional) are instantiated for every field type: what does
    /// not need the type is in [`key`](Self::key) and [`stand_in`](Self::stand_in).
    #[allow(
        dead_code,
        reason = "only generated objects with a field of a plain (non-`Option`) type call it; a spec without one has none"
    )]
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn required<T>(&mut self, index: u16, value: &T)
    where
        T: Serialize + Default + PartialEq,
    {
        if self.kept(index) && *value == T::default() {
            self.stand_in(index);
        } else if self.key(index) {
            if let Err(error) = self.map.serialize_value(value) {
                self.error = Some(error);
            }
        }
    }

    /// Writes an `Option` field: its value when set, else [`stand_in`](Self::stand_in).
    #[allow(
        dead_code,
        reason = "only generated objects with an `Option` field call it; a spec without one has none"
    )]
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn optional<T: Serialize>(&mut self, index: u16, value: &Option<T>) {
        match value {
            Some(value) => {
                if self.key(index) {
                    if let Err(error) = self.map.serialize_value(value) {
                        self.error = Some(error);
                    }
                }
            }
            None => self.stand_in(index),
        }
    }

    /// Writes the key of the field at `index`; false (and nothing written) after an error.
    fn key(&mut self, index: u16) -> bool {
        if self.error.is_some() {
            return false;
        }
        match self.map.serialize_key(self.fields.field(index).name) {
            Ok(()) => true,
            Err(error) => {
                self.error = Some(error);
                false
            }
        }
    }

    /// Writes the entry of the field at `index`, unless an error happened before.
    fn entry<T: Serialize + ?Sized>(&mut self, index: u16, value: &T) {
        if self.key(index) {
            if let Err(error) = self.map.serialize_value(value) {
                self.error = Some(error);
            }
        }
    }

    /// True when decoding kept something for the field at `index`.
    fn kept(&self, index: u16) -> bool {
        self.state.is_some_and(|state| state.kept(index).is_some())
    }

    /// What a field holding its default (or `None`) writes: the value kept as sent, nothing
    /// when it was absent, `null` for a required field built as `None`, else nothing.
    ///
    /// Inlined in release builds: it runs for every unset optional field, and for an object the
    /// caller built (nothing kept) it is two tests.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn stand_in(&mut self, index: u16) {
        match self.state.and_then(|state| state.kept(index)) {
            Some(Override::Raw(raw)) => self.entry(index, raw),
            Some(Override::Absent) => {}
            None if self.fields.field(index).is_required() => self.entry(index, &()),
            None => {}
        }
    }

    /// Writes the unknown keys (or, with `custom`, the custom data), except any named like a
    /// field, so that no key is written twice, and ends the map; or returns the first error.
    pub(crate) fn end(
        mut self,
        custom: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> Result<M::Ok, M::Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let unknown = custom.or(self.state.map(|state| &state.unknown));
        for (key, value) in unknown.into_iter().flatten() {
            if self.fields.index_of(key).is_none() {
                self.map.serialize_entry(key, value)?;
            }
        }
        self.map.end()
    }
}

/// Decodes a string enum: its known value, or `Unknown` with a record (see
/// [`crate::decode::unknown_enum_value`]).
#[allow(
    dead_code,
    reason = "only generated enums call it; a spec without enums, or a build of areas without any, has none"
)]
pub(crate) fn deserialize_enum<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    schema: &'static str,
    known: fn(&str) -> Option<T>,
    unknown: fn(crate::UnknownValue) -> T,
) -> Result<T, D::Error> {
    let key = Key::deserialize(deserializer)?;
    Ok(match known(key.as_str()) {
        Some(value) => value,
        None => {
            crate::decode::unknown_enum_value(schema, key.as_str());
            unknown(crate::UnknownValue::new(key.into_string()))
        }
    })
}
