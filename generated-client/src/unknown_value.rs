//! The value of an API enum that this version of the client does not know.

use std::fmt;

/// A value of an API enum that this version of the client does not know, kept as sent.
///
/// Every generated enum has a variant `Unknown(UnknownValue)` for the values the service sends
/// that the spec did not list. Only the client makes an `UnknownValue`: decoding, and `From<&str>`
/// on the enum, and only from a string that is none of the enum's known values. So an `Unknown`
/// never stands for a known value, and two values of an enum are equal exactly when they are
/// spelled the same on the wire:
///
/// ```
/// use stream_chat_client::models::PushLevel;
///
/// assert_eq!(PushLevel::from("mentions"), PushLevel::Mentions);
/// let level = PushLevel::from("thread_replies");
/// assert!(matches!(&level, PushLevel::Unknown(value) if value.as_str() == "thread_replies"));
/// assert_eq!(level.as_str(), "thread_replies");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Keeps `value`, which the caller has checked is no known value of its enum.
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for UnknownValue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
