//! Mismatch records: every place where a decoded response or event departed from the spec.
//!
//! The client decodes what the service sends even where it differs from the spec (see the crate
//! docs, "Decoding"), and says where it did: each departure is a [`Mismatch`] with the object
//! schema, the field, the path from the response or event type, and the [`MismatchKind`]. The
//! records of one decode are kept on the outermost decoded object
//! ([`WireObject::mismatches`](crate::WireObject::mismatches)), so they are reached through
//! [`ApiResponse::mismatches`](crate::ApiResponse::mismatches) for a response and
//! [`Event::mismatches`](crate::Event::mismatches) for a websocket or webhook event; each is also
//! a `tracing` event at `DEBUG` level with target [`TRACING_TARGET`] (`stream_chat::mismatch`),
//! whose fields are those of the record.
//!
//! An app collects them while it runs as JSON lines, the input of `cargo xtask drift
//! --observed FILE`, which turns a collection into findings against the spec:
//!
//! ```no_run
//! use std::fs::File;
//! use std::sync::Arc;
//!
//! use stream_chat_client::mismatch::MismatchLog;
//! use stream_chat_client::{Client, Error};
//!
//! # async fn run(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
//! // One log for the whole app; each distinct record is written once.
//! let log = Arc::new(MismatchLog::new(File::create("mismatches.jsonl")?));
//! let response = client.get_app().await?;
//! log.record(response.mismatches())?;
//! // A websocket or webhook event: `log.record(&event.mismatches())?;`
//! # Ok(())
//! # }
//! ```
//!
//! Each line looks like
//! `{"schema": "ChannelConfigWithInfo", "field": "message_retention", "path":
//! "GetOrCreateChannelResponse.channel.config.message_retention", "kind": "unknown_field",
//! "json_type": "string"}`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// The `tracing` target of the event logged for each mismatch.
pub const TRACING_TARGET: &str = "stream_chat::mismatch";

/// The `schema` of an [`MismatchKind::UnknownEventType`] record.
pub const EVENT_SCHEMA: &str = "Event";

/// One place where a decoded response or event departed from the spec.
///
/// Serializes to the JSON object of one line of a collection (see the [module docs](self)):
/// `schema`, `field`, `path`, `kind`, and `value` and `json_type` where they apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Mismatch {
    schema: Cow<'static, str>,
    field: Cow<'static, str>,
    path: String,
    kind: MismatchKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    json_type: Option<JsonType>,
}

/// What kind of departure from the spec a [`Mismatch`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MismatchKind {
    /// A required field was absent; the field holds its type's default.
    Missing,
    /// A field that is not nullable was `null`; the field holds its default, and the `null` is
    /// written back on encoding.
    Null,
    /// An object without custom data had a key the spec does not list; it is kept
    /// ([`WireObject::unknown`](crate::WireObject::unknown)) and written back.
    UnknownField,
    /// An enum field had a value the spec does not list; it is kept in the enum's `Unknown`
    /// variant.
    UnknownEnumValue,
    /// An event had a `type` the spec does not list; it is kept as `Event::Custom` or
    /// `Event::Unknown`.
    UnknownEventType,
    /// A value did not fit its field (another JSON type, a number out of range, a date-time
    /// that does not parse); the field holds its default, and the value is kept as sent
    /// ([`WireObject::raw`](crate::WireObject::raw)) and written back.
    WrongType,
}

impl MismatchKind {
    /// The name used in JSON, e.g. `unknown_field`.
    pub fn as_str(self) -> &'static str {
        match self {
            MismatchKind::Missing => "missing",
            MismatchKind::Null => "null",
            MismatchKind::UnknownField => "unknown_field",
            MismatchKind::UnknownEnumValue => "unknown_enum_value",
            MismatchKind::UnknownEventType => "unknown_event_type",
            MismatchKind::WrongType => "wrong_type",
        }
    }
}

impl fmt::Display for MismatchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON type of a value the spec did not expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonType {
    /// A string.
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// An object.
    Object,
    /// An array.
    Array,
    /// `null`.
    Null,
}

impl JsonType {
    /// The type of `value`.
    pub fn of(value: &serde_json::Value) -> JsonType {
        match value {
            serde_json::Value::String(_) => JsonType::String,
            serde_json::Value::Number(_) => JsonType::Number,
            serde_json::Value::Bool(_) => JsonType::Bool,
            serde_json::Value::Object(_) => JsonType::Object,
            serde_json::Value::Array(_) => JsonType::Array,
            serde_json::Value::Null => JsonType::Null,
        }
    }

    /// The name used in JSON, e.g. `string`.
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Bool => "bool",
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::Null => "null",
        }
    }
}

impl Mismatch {
    /// A record; `value` and `json_type` are added with [`Mismatch::with_value`] and
    /// [`Mismatch::with_json_type`].
    pub fn new(
        schema: impl Into<Cow<'static, str>>,
        field: impl Into<Cow<'static, str>>,
        path: impl Into<String>,
        kind: MismatchKind,
    ) -> Mismatch {
        Mismatch {
            schema: schema.into(),
            field: field.into(),
            path: path.into(),
            kind,
            value: None,
            json_type: None,
        }
    }

    /// The record of an event whose `type` the spec does not list.
    pub fn unknown_event_type(event_type: &str) -> Mismatch {
        Mismatch::new(
            EVENT_SCHEMA,
            event_type.to_owned(),
            EVENT_SCHEMA,
            MismatchKind::UnknownEventType,
        )
        .with_value(event_type)
    }

    /// Sets the unknown enum value or event type.
    pub fn with_value(mut self, value: impl Into<String>) -> Mismatch {
        self.value = Some(value.into());
        self
    }

    /// Sets the JSON type of the unexpected value.
    pub fn with_json_type(mut self, json_type: JsonType) -> Mismatch {
        self.json_type = Some(json_type);
        self
    }

    /// The spec (wire) name of the object schema that holds the field, e.g. `APIError`;
    /// `Event` for an unknown event type.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The wire name of the field or key; for an unknown event type, the type.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Where the value was, from the spec name of the response or event type: fields joined
    /// with `.`, list items as `[]` and map values as `{}`, e.g.
    /// `QueryChannelsResponse.channels[].members[].user.teams`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What kind of departure it is.
    pub fn kind(&self) -> MismatchKind {
        self.kind
    }

    /// The unknown enum value or event type.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The JSON type of an unknown field's value or of a value of the wrong type.
    pub fn json_type(&self) -> Option<JsonType> {
        self.json_type
    }

    /// The record as one line of a collection (without the line break), keys in a fixed
    /// order: `{"schema": "...", "field": "...", "path": "...", "kind": "..."}`.
    pub fn to_json_line(&self) -> String {
        let mut line = Vec::with_capacity(128);
        let mut serializer = serde_json::Serializer::with_formatter(&mut line, LineFormatter);
        // Strings and enums only: serializing to memory cannot fail.
        let _ = self.serialize(&mut serializer);
        String::from_utf8(line).unwrap_or_default()
    }

    /// Logs the record as a `tracing` event (target [`TRACING_TARGET`], level `DEBUG`).
    pub(crate) fn trace(&self) {
        tracing::debug!(
            target: TRACING_TARGET,
            schema = %self.schema,
            field = %self.field,
            path = %self.path,
            kind = self.kind.as_str(),
            value = self.value.as_deref(),
            json_type = self.json_type.map(JsonType::as_str),
            "the service sent what the spec does not describe"
        );
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.kind, self.path)?;
        if let Some(value) = &self.value {
            write!(f, " ({value:?})")?;
        }
        if let Some(json_type) = self.json_type {
            write!(f, " ({})", json_type.as_str())?;
        }
        Ok(())
    }
}

/// serde_json's compact output with a space after each `:` and `,`, as the collections are
/// written.
struct LineFormatter;

impl serde_json::ser::Formatter for LineFormatter {
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}

/// A collection of mismatch records written as JSON lines, each distinct record once, for
/// `cargo xtask drift --observed FILE`.
///
/// Share one log between tasks (`Arc<MismatchLog<_>>`): it locks around each write.
pub struct MismatchLog<W> {
    inner: Mutex<LogState<W>>,
}

struct LogState<W> {
    writer: W,
    seen: HashSet<Mismatch>,
}

impl<W: Write> MismatchLog<W> {
    /// A log that writes to `writer` (a file, standard error, a buffer).
    pub fn new(writer: W) -> Self {
        MismatchLog {
            inner: Mutex::new(LogState {
                writer,
                seen: HashSet::new(),
            }),
        }
    }

    /// Writes the records not written before, one line each, and flushes.
    ///
    /// # Errors
    ///
    /// The writer's error.
    pub fn record(&self, mismatches: &[Mismatch]) -> io::Result<()> {
        if mismatches.is_empty() {
            return Ok(());
        }
        let mut state = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let LogState { writer, seen } = &mut *state;
        let mut wrote = false;
        for mismatch in mismatches {
            if seen.insert(mismatch.clone()) {
                writeln!(writer, "{}", mismatch.to_json_line())?;
                wrote = true;
            }
        }
        if wrote {
            writer.flush()?;
        }
        Ok(())
    }

    /// The number of distinct records written so far.
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .seen
            .len()
    }

    /// True when nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the writer back.
    pub fn into_inner(self) -> W {
        self.inner
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .writer
    }
}

impl<W> fmt::Debug for MismatchLog<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MismatchLog").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_have_the_documented_form() {
        let record = Mismatch::new(
            "ChannelConfigWithInfo",
            "message_retention",
            "GetOrCreateChannelResponse.channel.config.message_retention",
            MismatchKind::UnknownField,
        )
        .with_json_type(JsonType::String);
        assert_eq!(
            record.to_json_line(),
            r#"{"schema": "ChannelConfigWithInfo", "field": "message_retention", "path": "GetOrCreateChannelResponse.channel.config.message_retention", "kind": "unknown_field", "json_type": "string"}"#
        );
        let back: Mismatch = serde_json::from_str(&record.to_json_line()).unwrap();
        assert_eq!(back, record);

        let event = Mismatch::unknown_event_type("party.started");
        assert_eq!(
            event.to_json_line(),
            r#"{"schema": "Event", "field": "party.started", "path": "Event", "kind": "unknown_event_type", "value": "party.started"}"#
        );
        assert_eq!(
            event.to_string(),
            r#"unknown_event_type at Event ("party.started")"#
        );
    }

    #[test]
    fn the_log_writes_each_record_once() {
        let log = MismatchLog::new(Vec::new());
        let a = Mismatch::new("User", "teams", "UserResponse.teams", MismatchKind::Missing);
        let b = Mismatch::new(
            "User",
            "language",
            "UserResponse.language",
            MismatchKind::Null,
        );
        log.record(&[a.clone(), b.clone()]).unwrap();
        log.record(&[a, b]).unwrap();
        assert_eq!(log.len(), 2);
        let text = String::from_utf8(log.into_inner()).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text
            .lines()
            .all(|line| serde_json::from_str::<Mismatch>(line).is_ok()));
    }
}
