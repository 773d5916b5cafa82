//! What the generated `Serialize`/`Deserialize` implementations of objects and enums share.
//!
//! The generator writes those implementations itself instead of deriving them: a derive emits
//! several visitors per struct (field identifiers from integers, bytes and strings; sequences;
//! `flatten` buffering for custom data) that JSON never needs, and with some 500 models that
//! unused code dominated the crate's build time. Each object instead has a table of its fields
//! ([`Fields`], the associated const of [`Object`]), and its impls are one short line per field
//! calling the small generic helpers here and in [`crate::decode`]: [`ObjectWriter`] when
//! encoding, [`ObjectReader`](crate::decode::ObjectReader) when decoding. Keeping the logic in
//! the helpers keeps the generated code small (and so the crate's compile time), and the
//! decoding rule in one place.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{self, Serialize, SerializeMap, Serializer};

pub(crate) use crate::decode::ObjectReader;
use crate::object::{Override, WireState};

/// The fields of a generated object, in declaration order: a field's index is its position.
#[derive(Debug)]
pub(crate) struct Fields {
    /// The object's spec (wire) name, e.g. `APIError`.
    pub(crate) schema: &'static str,
    /// Unknown keys are the object's custom data (its `custom` map), not mismatches.
    pub(crate) custom: bool,
    pub(crate) fields: &'static [Field],
    /// A hash table of the names: slot [`name_slot`] of a field's name (then the next ones,
    /// when taken) holds its index + 1; 0 is an empty slot. Its length is a power of two, at
    /// least twice the number of fields, so a lookup reads one or two slots.
    pub(crate) slots: &'static [u16],
    /// How many fields are required.
    pub(crate) required: u16,
}

/// One field of a [`Fields`] table, written as a struct literal in the generated tables
/// (constant data, with no code to check).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// The wire name.
    pub(crate) name: &'static str,
    /// [`REQUIRED`], [`NULLABLE`], both or neither ([`OPTIONAL`]).
    pub(crate) flags: u8,
    /// For a field whose value holds generated objects or enums: where they sit in it, as a
    /// path suffix (`""` for the value itself, `"[]"` for list items, `"{}"` for map values);
    /// decoding the field then tells the nested values where they are, for the paths of their
    /// records.
    pub(crate) nested: Option<&'static str>,
}

/// [`Field::flags`] of an optional field that may not be `null`.
pub(crate) const OPTIONAL: u8 = 0;
/// [`Field::flags`]: the field is required.
pub(crate) const REQUIRED: u8 = 1;
/// [`Field::flags`]: the field may be `null`.
pub(crate) const NULLABLE: u8 = 2;

impl Fields {
    /// The table of no object, for states made outside decoding.
    pub(crate) const NONE: Fields = Fields {
        schema: "",
        custom: false,
        fields: &[],
        slots: &[],
        required: 0,
    };

    /// The index of the field with wire name `name`, from [`Fields::slots`].
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn index_of(&self, name: &str) -> Option<u16> {
        let key = name.as_bytes();
        let mask = self.slots.len().checked_sub(1)?;
        let mut slot = name_slot(key, self.slots.len().trailing_zeros());
        loop {
            let index = self.slots.get(slot & mask)?.checked_sub(1)?;
            if same_name(self.fields.get(usize::from(index))?.name.as_bytes(), key) {
                return Some(index);
            }
            slot += 1;
        }
    }

    pub(crate) fn field(&self, index: u16) -> &Field {
        &self.fields[usize::from(index)]
    }
}

/// The slot of a field name in a [`Fields::slots`] of `2^bits` slots: its length and three of
/// its bytes, multiplied by a constant, top bits (a few instructions, however long the name).
/// The generator computes the same function (`codegen/src/emit/wire.rs`) to build the tables;
/// The test `client::whole_api` of `stream-chat-tests` checks that every field of every object
/// is found (a maximal sample of each object decodes with no record).
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn name_slot(name: &[u8], bits: u32) -> usize {
    let byte = |at: usize| u32::from(name.get(at).copied().unwrap_or(0));
    let length = name.len() as u32;
    let key = (length << 24)
        ^ (byte(0) << 16)
        ^ (byte(name.len() / 2) << 8)
        ^ byte(name.len().wrapping_sub(1));
    (key.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// `a == b` for names: up to 16 bytes, two overlapping 8-byte (or 4-byte) words compared in
/// registers, where a `memcmp` call costs more than the comparison (most names are short).
#[cfg_attr(not(debug_assertions), inline(always))]
fn same_name(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let u64_at = |bytes: &[u8], at: usize| {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default())
    };
    let u32_at = |bytes: &[u8], at: usize| {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default())
    };
    match n {
        8..=16 => u64_at(a, 0) == u64_at(b, 0) && u64_at(a, n - 8) == u64_at(b, n - 8),
        4..8 => u32_at(a, 0) == u32_at(b, 0) && u32_at(a, n - 4) == u32_at(b, n - 4),
        _ => a == b,
    }
}

impl Field {
    pub(crate) fn is_required(&self) -> bool {
        self.flags & REQUIRED != 0
    }

    pub(crate) fn is_nullable(&self) -> bool {
        self.flags & NULLABLE != 0
    }

    pub(crate) fn is_nested(&self) -> bool {
        self.nested.is_some()
    }
}

/// A generated object: its field table and its decoder. Every generated object implements it
/// in its area's `wire.rs`; its `Deserialize` is [`deserialize_object`].
pub(crate) trait Object: Sized {
    /// The object's fields.
    const FIELDS: &'static Fields;

    /// Reads the object's entries (the generated visitor body).
    fn decode<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The `Deserialize` of every generated object: a JSON object, read by [`Object::decode`].
#[allow(
    dead_code,
    reason = "only generated code uses it, and cargo features may leave that code out"
)]
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
#[allow(
    dead_code,
    reason = "only generated code uses it, and cargo features may leave that code out"
)]
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

#[allow(
    dead_code,
    reason = "only generated code uses it, and cargo features may leave that code out"
)]
impl<M: SerializeMap> ObjectWriter<'_, M> {
    /// Writes a field of a plain (required, not nullable) type.
    ///
    /// This and [`optional`](Self::optional) are instantiated for every field type: what does
    /// not need the type is in [`key`](Self::key) and [`stand_in`](Self::stand_in).
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

/// An object key, borrowed from the input when it has no escapes.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    /// The key as text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string.
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value.to_owned())))
            }
            fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Decodes a string enum: its known value, or `Unknown` with a record (see
/// [`crate::decode::unknown_enum_value`]).
#[allow(
    dead_code,
    reason = "only generated code uses it, and cargo features may leave that code out"
)]
pub(crate) fn deserialize_enum<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    schema: &'static str,
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
) -> Result<T, D::Error> {
    let key = Key::deserialize(deserializer)?;
    Ok(match known(key.as_str()) {
        Some(value) => value,
        None => {
            crate::decode::unknown_enum_value(schema, key.as_str());
            unknown(key.into_string())
        }
    })
}

use de::Deserialize as _;

/// True when `value` writes a map key `name` when serialized: a serializer that reads only the
/// keys of the outermost map, so it costs one comparison per key and never visits the values.
pub(crate) fn writes_key<T: Serialize + ?Sized>(value: &T, name: &str) -> bool {
    matches!(value.serialize(KeyProbe(name)), Err(Probe::Found))
}

/// The serializer of [`writes_key`].
struct KeyProbe<'a>(&'a str);

/// Why [`KeyProbe`] stopped: it found the key, or the value is not a map.
#[derive(Debug)]
enum Probe {
    Found,
    Other,
}

impl fmt::Display for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("key probe")
    }
}

impl std::error::Error for Probe {}

impl ser::Error for Probe {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Probe::Other
    }
}

/// The entries of the probed map: compares each key, skips each value.
struct ProbeMap<'a>(&'a str);

impl SerializeMap for ProbeMap<'_> {
    type Ok = ();
    type Error = Probe;

    fn serialize_key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), Probe> {
        match key.serialize(KeyText) {
            Ok(text) if text == self.0 => Err(Probe::Found),
            _ => Ok(()),
        }
    }

    fn serialize_value<V: Serialize + ?Sized>(&mut self, _: &V) -> Result<(), Probe> {
        Ok(())
    }

    fn end(self) -> Result<(), Probe> {
        Ok(())
    }
}

/// Turns a map key into its text (keys of generated objects are strings).
struct KeyText;

macro_rules! refuse {
    ($ok:ty; $($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, Probe> { Err(Probe::Other) })*
    };
}

macro_rules! refuse_compounds {
    ($ok:ty) => {
        type SerializeSeq = ser::Impossible<$ok, Probe>;
        type SerializeTuple = ser::Impossible<$ok, Probe>;
        type SerializeTupleStruct = ser::Impossible<$ok, Probe>;
        type SerializeTupleVariant = ser::Impossible<$ok, Probe>;
        type SerializeStruct = ser::Impossible<$ok, Probe>;
        type SerializeStructVariant = ser::Impossible<$ok, Probe>;

        refuse!($ok;
            serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
            serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
            serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
            serialize_bytes(&[u8]), serialize_none(), serialize_unit(),
            serialize_unit_struct(&'static str),
            serialize_unit_variant(&'static str, u32, &'static str),
        );

        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<$ok, Probe> {
            Err(Probe::Other)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<$ok, Probe> {
            Err(Probe::Other)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<$ok, Probe> {
            Err(Probe::Other)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Probe> {
            Err(Probe::Other)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Probe> {
            Err(Probe::Other)
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Probe> {
            Err(Probe::Other)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Probe> {
            Err(Probe::Other)
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Probe> {
            Err(Probe::Other)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Probe> {
            Err(Probe::Other)
        }
    };
}

impl<'a> Serializer for KeyProbe<'a> {
    type Ok = ();
    type Error = Probe;
    type SerializeMap = ProbeMap<'a>;
    refuse_compounds!(());
    refuse!((); serialize_str(&str));

    fn serialize_map(self, _: Option<usize>) -> Result<ProbeMap<'a>, Probe> {
        Ok(ProbeMap(self.0))
    }
}

impl Serializer for KeyText {
    type Ok = String;
    type Error = Probe;
    type SerializeMap = ser::Impossible<String, Probe>;
    refuse_compounds!(String);

    fn serialize_str(self, text: &str) -> Result<String, Probe> {
        Ok(text.to_owned())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Probe> {
        Err(Probe::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::{writes_key, Key};
    use serde_json::json;

    #[test]
    fn keys_borrow_plain_text_and_own_escaped_text() {
        let mut deserializer = serde_json::Deserializer::from_str(r#""plain""#);
        let key: Key = serde::Deserialize::deserialize(&mut deserializer).unwrap();
        assert!(matches!(key.0, std::borrow::Cow::Borrowed("plain")));
        let key: Key = serde_json::from_str(r#""esc\"aped""#).unwrap();
        assert_eq!(key.as_str(), "esc\"aped");
        assert_eq!(key.into_string(), "esc\"aped");
    }

    #[test]
    fn the_key_probe_reads_only_top_level_keys() {
        let value = json!({"a": 1, "b": {"c": 2}});
        assert!(writes_key(&value, "a"));
        assert!(writes_key(&value, "b"));
        assert!(!writes_key(&value, "c"));
        assert!(!writes_key(&json!([1]), "a"));
        assert!(!writes_key(&json!("a"), "a"));
    }
}
