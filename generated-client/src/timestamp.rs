//! Decoding the API's date-times fast: the generated decoders read `DateTime<Utc>` fields
//! through [`Timestamp`], which accepts exactly what chrono's own `Deserialize` accepts, in
//! about a third of the instructions for the form Stream sends. Depends on no other module of
//! the crate.
//!
//! chrono's `Deserialize` parses with its relaxed RFC 3339 parser, a general one that walks a
//! list of format items (some 1,750 instructions a date-time; the message response of the
//! benchmark holds 22). Stream sends strict RFC 3339 (`2024-05-01T10:00:00.123456Z`), which
//! chrono's `DateTime::parse_from_rfc3339` reads in about 400; only what it refuses goes on to
//! the relaxed parser, whose error is the one a caller sees, as before.

use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};
use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A `DateTime<Utc>` decoded by the strict RFC 3339 parser first, then by chrono's relaxed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timestamp(pub(crate) DateTime<Utc>);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    /// chrono's words, so that a value of the wrong type reads as it did.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Timestamp, E> {
        DateTime::parse_from_rfc3339(value)
            .or_else(|_| value.parse::<DateTime<FixedOffset>>())
            .map(|at| Timestamp(at.with_timezone(&Utc)))
            .map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What chrono's own `Deserialize` makes of `json`: the value, or the error's message.
    fn chrono(json: &str) -> Result<DateTime<Utc>, String> {
        serde_json::from_str::<DateTime<Utc>>(json).map_err(|error| error.to_string())
    }

    fn ours(json: &str) -> Result<DateTime<Utc>, String> {
        serde_json::from_str::<Timestamp>(json)
            .map(|at| at.0)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn accepts_and_refuses_what_chrono_does_with_the_same_values_and_errors() {
        let cases = [
            r#""2024-05-01T10:00:00Z""#,
            r#""2024-05-01T10:00:00.123456Z""#,
            r#""2024-05-01T10:00:00.123456789123Z""#,
            r#""2024-05-01T10:00:00.5+02:00""#,
            r#""2024-05-01T10:00:00-07:30""#,
            r#""2024-05-01t10:00:00z""#,
            r#""2024-05-01 10:00:00Z""#,
            r#""2024-05-01T10:00:00 +02:00""#,
            r#""2016-12-31T23:59:60Z""#,
            r#""2024-05-01T10:00:00""#,
            r#""2024-02-30T10:00:00Z""#,
            r#""2024-05-01T25:00:00Z""#,
            r#""2024-05-01""#,
            r#""""#,
            r#""yesterday""#,
            "1714557600",
            "null",
            "{}",
        ];
        for json in cases {
            assert_eq!(ours(json), chrono(json), "{json}");
        }
        assert!(ours(r#""2024-05-01T10:00:00.123456Z""#).is_ok());
        assert!(ours("1714557600")
            .unwrap_err()
            .contains("an RFC 3339 formatted date and time string"));
    }
}
