//! Pieces the generated `Serialize`/`Deserialize` implementations of objects share.
//!
//! The generator writes those implementations itself instead of deriving them: a derive emits
//! several visitors per struct (field identifiers from integers, bytes and strings; sequences;
//! `flatten` buffering for custom data) that JSON never needs, and with some 500 models that
//! unused code dominated the crate's build time. The generated code reads an object's keys with
//! [`Key`], matches them against the wire names, keeps unknown keys as custom data where the
//! schema has any, and writes custom keys with [`serialize_custom`]. Each object's visitor first
//! calls [`enter`], which bounds how deep objects may nest in one document.

use serde::de::{self, Deserializer, Visitor};
use serde::ser::SerializeMap;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// How deep generated objects may nest in one decoded document.
///
/// Recursive schemas (a message quoting a message, ...) let a response nest objects as deep as
/// serde_json's limit of 128 levels, and each level's visitor takes tens of kilobytes of stack
/// in a debug build (a `MessageResponse` about 40 KB): 50 nested quoted messages overflowed a
/// 2 MiB thread stack (a Tokio worker's), which aborts the process. Real responses nest
/// generated objects fewer than ten deep.
pub(crate) const MAX_NESTING: u32 = 32;

thread_local! {
    /// The generated objects being decoded on this thread, outermost first.
    static NESTING: Cell<u32> = const { Cell::new(0) };
}

/// One level of object nesting, held while an object's fields are decoded; see [`enter`].
pub(crate) struct Nesting(());

impl Drop for Nesting {
    fn drop(&mut self) {
        NESTING.with(|depth| depth.set(depth.get() - 1));
    }
}

/// Counts one more level of nested generated objects, or fails when there would be more than
/// [`MAX_NESTING`], so that a deep document is a decode error (naming the field where it got too
/// deep) instead of a stack overflow. Decoding is synchronous, so a thread-local count is exact;
/// the guard releases the level on every exit, errors and unwinding included.
#[allow(
    dead_code,
    reason = "only generated code uses it, and cargo features may leave that code out"
)]
pub(crate) fn enter<E: de::Error>() -> Result<Nesting, E> {
    NESTING.with(|depth| {
        let next = depth.get() + 1;
        if next > MAX_NESTING {
            return Err(E::custom(format_args!(
                "objects nested more than {MAX_NESTING} deep"
            )));
        }
        depth.set(next);
        Ok(Nesting(()))
    })
}

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
    use super::{enter, Key, MAX_NESTING, NESTING};

    #[test]
    fn nesting_is_bounded_and_released() {
        fn nest(levels: u32) -> Result<(), serde_json::Error> {
            if levels == 0 {
                return Ok(());
            }
            let _level = enter::<serde_json::Error>()?;
            nest(levels - 1)
        }
        assert!(nest(MAX_NESTING).is_ok());
        let error = nest(MAX_NESTING + 1).unwrap_err();
        assert_eq!(error.to_string(), "objects nested more than 32 deep");
        // Every level was released, after the success and after the error.
        assert_eq!(NESTING.with(|depth| depth.get()), 0);
        assert!(nest(MAX_NESTING).is_ok());
    }

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
