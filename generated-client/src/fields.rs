//! The field tables of generated objects and the object keys they are looked up by: the data
//! that encoding (`serde_support.rs`), decoding (`decode.rs`) and the kept wire state
//! (`object.rs`) share. Depends on no other module of the crate.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};

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
/// the test `client::whole_api` of `stream-chat-tests` checks that every field of every object
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

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn keys_borrow_plain_text_and_own_escaped_text() {
        let mut deserializer = serde_json::Deserializer::from_str(r#""plain""#);
        let key: Key = serde::Deserialize::deserialize(&mut deserializer).unwrap();
        assert!(matches!(key.0, std::borrow::Cow::Borrowed("plain")));
        let key: Key = serde_json::from_str(r#""esc\"aped""#).unwrap();
        assert_eq!(key.as_str(), "esc\"aped");
        assert_eq!(key.into_string(), "esc\"aped");
    }
}
