//! Reading one text frame from the server: a health check (the hello is one), an error, an
//! event, or something unreadable.

use serde_json::Value;

use super::InvalidFrame;
use crate::error::excerpt;
use crate::ApiError;
use crate::Event;

/// The `type` of the server's keep-alive events, and of the hello.
pub(crate) const HEALTH_CHECK: &str = "health.check";

/// What a text frame holds.
#[derive(Debug)]
pub(crate) enum Frame {
    /// A `health.check` event; the first one of a connection is the hello.
    HealthCheck {
        /// The connection id, if the event has one.
        connection_id: Option<String>,
        /// The `me` object, if any.
        me: Option<Value>,
    },
    /// An error message (`{"error": {...}}`, the REST error schema).
    Error(Box<ApiError>),
    /// Any other event.
    Event(Event),
    /// Not readable.
    Invalid(InvalidFrame),
}

/// Reads a text frame. Never fails: what cannot be read becomes [`Frame::Invalid`].
pub(crate) fn read(text: &str) -> Frame {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            return Frame::Invalid(InvalidFrame::NotJson {
                error: error.to_string(),
                excerpt: excerpt(text.as_bytes()),
            })
        }
    };
    if let Some(error) = value.get("error").filter(|error| error.is_object()) {
        return match serde_json::from_value::<ApiError>(error.clone()) {
            Ok(error) => Frame::Error(Box::new(error)),
            Err(decode) => Frame::Invalid(InvalidFrame::Mismatch {
                event_type: "error".to_owned(),
                error: decode.to_string(),
                raw: value,
            }),
        };
    }
    if value.get("type").and_then(Value::as_str) == Some(HEALTH_CHECK) {
        let connection_id = value
            .get("connection_id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        let me = value.get("me").filter(|me| me.is_object()).cloned();
        return Frame::HealthCheck { connection_id, me };
    }
    let event_type = value
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    match Event::from_value(value) {
        Ok(event) => Frame::Event(event),
        Err(error) => Frame::Invalid(InvalidFrame::Mismatch {
            event_type,
            error: error.to_string(),
            // Parsed once already; the payload is only copied on this rare path.
            raw: serde_json::from_str(text).unwrap_or(Value::Null),
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn health_checks() {
        let hello = json!({
            "type": "health.check",
            "connection_id": "c1",
            "me": {"id": "jack", "total_unread_count": 2}
        });
        match read(&hello.to_string()) {
            Frame::HealthCheck { connection_id, me } => {
                assert_eq!(connection_id.as_deref(), Some("c1"));
                assert_eq!(me.unwrap()["total_unread_count"], 2);
            }
            other => panic!("{other:?}"),
        }
        match read(r#"{"type":"health.check","connection_id":"","me":"x"}"#) {
            Frame::HealthCheck { connection_id, me } => {
                assert_eq!((connection_id, me), (None, None));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors() {
        let frame = read(r#"{"error":{"code":40,"message":"expired","StatusCode":401}}"#);
        assert!(matches!(frame, Frame::Error(error) if error.code == 40));
        // Not an error object: an event with a field named `error`? Only objects count.
        let frame = read(r#"{"type":"custom.thing","error":"text"}"#);
        assert!(matches!(frame, Frame::Event(Event::Unknown(_))));
        let frame = read(r#"{"error":{"code":"forty"}}"#);
        assert!(
            matches!(frame, Frame::Invalid(InvalidFrame::Mismatch { ref event_type, .. }) if event_type == "error")
        );
    }

    #[test]
    fn events_unknown_and_invalid() {
        let frame = read(r#"{"type":"party.started","cid":"messaging:general"}"#);
        match frame {
            Frame::Event(event) => assert_eq!(event.event_type(), "party.started"),
            other => panic!("{other:?}"),
        }
        for text in ["[1, 2]", "\"text\"", "{}"] {
            assert!(
                matches!(read(text), Frame::Event(Event::Unknown(_))),
                "{text}"
            );
        }
        match read("not json {") {
            Frame::Invalid(InvalidFrame::NotJson { excerpt, error }) => {
                assert_eq!(excerpt, "not json {");
                assert!(error.contains("line 1"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        // A known type whose payload does not match keeps the raw JSON.
        match read(r#"{"type":"channel.deleted","cid":42}"#) {
            Frame::Invalid(InvalidFrame::Mismatch {
                event_type, raw, ..
            }) => {
                assert_eq!(event_type, "channel.deleted");
                assert_eq!(raw["cid"], 42);
            }
            other => panic!("{other:?}"),
        }
    }
}
