//! Pieces the generated `Serialize`/`Deserialize` implementations of objects share.
//!
//! The generator writes those implementations itself instead of deriving them: a derive emits
//! several visitors per struct (field identifiers from integers, bytes and strings; sequences;
//! `flatten` buffering for custom data) that JSON never needs, and with some 500 models that
//! unused code dominated the crate's build time. The generated code reads an object's keys with
//! [`Key`], matches them against the wire names, keeps unknown keys as custom data where the
//! schema has any, and writes custom keys with [`serialize_custom`].

use serde::de::{self, Deserializer, Visitor};
use serde::ser::SerializeMap;
use std::borrow::Cow;
use std::fmt;

/// An object key, borrowed from the input when it has no escapes.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    /// The key as text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string, for custom data.
    #[allow(
        dead_code,
        reason = "only generated code uses it, and cargo features may leave that code out"
    )]
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
                f.write_str("an object key")
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

/// Writes the custom keys of an object, leaving out any named like a documented field
/// (`documented`), so a key is never sent twice.
#[allow(
    dead_code,
    reason = "only generated code uses it, and cargo features may leave that code out"
)]
pub(crate) fn serialize_custom<M: SerializeMap>(
    map: &mut M,
    custom: &serde_json::Map<String, serde_json::Value>,
    documented: &[&str],
) -> Result<(), M::Error> {
    for (key, value) in custom {
        if !documented.contains(&key.as_str()) {
            map.serialize_entry(key, value)?;
        }
    }
    Ok(())
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
