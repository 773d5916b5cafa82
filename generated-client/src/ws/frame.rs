//! Reading one text frame from the server: a health check (the hello is one), an error, an
//! event, or something unreadable.

use serde::de::{IgnoredAny, MapAccess};
use serde_json::value::RawValue;
use serde_json::Value;

use super::InvalidFrame;
use crate::decode::{string, top_level, TopLevel};
use crate::excerpt::excerpt;
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
    let head: Head = match top_level(text.as_bytes()) {
        Ok(head) => head,
        Err(error) => {
            return Frame::Invalid(InvalidFrame::NotJson {
                error: error.to_string(),
                excerpt: excerpt(text.as_bytes()),
            })
        }
    };
    if let Some(error) = head.error {
        return match serde_json::from_str::<ApiError>(error.get()) {
            Ok(error) => Frame::Error(Box::new(error)),
            Err(decode) => Frame::Invalid(InvalidFrame::Mismatch {
                event_type: "error".to_owned(),
                error: decode.to_string(),
                raw: serde_json::from_str(text).unwrap_or(Value::Null),
            }),
        };
    }
    if head.event_type.as_deref() == Some(HEALTH_CHECK) {
        return Frame::HealthCheck {
            connection_id: head.connection_id.filter(|id| !id.is_empty()),
            me: head.me,
        };
    }
    match Event::from_slice(text.as_bytes()) {
        Ok(event) => Frame::Event(event),
        Err(error) => Frame::Invalid(InvalidFrame::Mismatch {
            event_type: head.event_type.unwrap_or_default(),
            error: error.to_string(),
            // Read once already; the payload is only copied on this rare path.
            raw: serde_json::from_str(text).unwrap_or(Value::Null),
        }),
    }
}

/// What a frame's top-level keys say about it, read without decoding the rest: its `type` (if a
/// string), its `error` (if an object), and a health check's `connection_id` and `me`.
#[derive(Default)]
struct Head {
    event_type: Option<String>,
    error: Option<Box<RawValue>>,
    connection_id: Option<String>,
    me: Option<Value>,
}

impl TopLevel for Head {
    fn entry<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "type" => self.event_type = string(map.next_value()?),
            "error" => {
                let raw: Box<RawValue> = map.next_value()?;
                self.error = raw.get().starts_with('{').then_some(raw);
            }
            "connection_id" => self.connection_id = string(map.next_value()?),
            "me" => self.me = Some(map.next_value::<Value>()?).filter(Value::is_object),
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
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
        assert!(matches!(frame, Frame::Event(Event::Custom(_))), "{frame:?}");
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
        // A known type whose payload departs from the spec decodes, and says where.
        match read(r#"{"type":"channel.deleted","cid":42}"#) {
            Frame::Event(event @ Event::ChannelDeleted(_)) => {
                let kinds: Vec<String> = event
                    .mismatches()
                    .iter()
                    .map(|m| format!("{} {}", m.kind(), m.path()))
                    .collect();
                assert_eq!(
                    kinds,
                    [
                        "wrong_type ChannelDeletedEvent.cid",
                        "missing ChannelDeletedEvent.created_at",
                        "missing ChannelDeletedEvent.channel"
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        // One that cannot be decoded (objects nested too deep) keeps the raw JSON.
        let mut message = serde_json::json!({"id": "m"});
        for _ in 0..40 {
            message = serde_json::json!({"id": "m", "quoted_message": message});
        }
        let text = serde_json::json!({"type": "message.new", "message": message}).to_string();
        match read(&text) {
            Frame::Invalid(InvalidFrame::Mismatch {
                event_type, raw, ..
            }) => {
                assert_eq!(event_type, "message.new");
                assert_eq!(raw["message"]["id"], "m");
            }
            other => panic!("{other:?}"),
        }
    }
}
