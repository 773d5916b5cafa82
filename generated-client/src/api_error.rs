//! The error body of a failing call, decoded by the runtime itself.
//!
//! The runtime needs this type to build [`Error::Api`](crate::Error::Api), so it is written
//! here by hand rather than generated: no edit of the spec can break the runtime's build. The
//! spec still describes Stream's `APIError` (for the docs and for `cargo xtask drift`); the
//! generator checks that description against this type and re-exports this type as
//! `models::ApiError` instead of generating one.

use serde::de::{self, DeserializeOwned};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The error body that every failing call returns: Stream's error code and message, and what
/// else the API says about the failure.
///
/// Decoding takes any JSON object whose documented fields have their documented types: one
/// that is missing takes its empty value, and the keys this type does not list are kept in
/// [`unknown`](ApiError::unknown) as sent. A body that is not such an object does not decode
/// (the runtime then keeps it as text in [`Error::Http`](crate::Error::Http)).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApiError {
    /// Stream error code.
    pub code: i32,
    /// What went wrong.
    pub message: String,
    /// Error messages by request field.
    pub exception_fields: Option<BTreeMap<String, String>>,
    /// HTTP status code (`StatusCode` on the wire).
    pub status_code: i32,
    /// Time the server took to handle the request.
    pub duration: String,
    /// Link to documentation on the error.
    pub more_info: String,
    /// Extra error details, kept as raw JSON.
    pub details: Value,
    /// Retrying the call will not help.
    pub unrecoverable: Option<bool>,
    /// The keys of the body that this type does not list, as sent.
    pub unknown: Map<String, Value>,
}

/// The documented keys, as on the wire.
const FIELDS: [&str; 8] = [
    "code",
    "message",
    "exception_fields",
    "StatusCode",
    "duration",
    "more_info",
    "details",
    "unrecoverable",
];

impl serde::Serialize for ApiError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("code", &self.code)?;
        map.serialize_entry("message", &self.message)?;
        if let Some(fields) = &self.exception_fields {
            map.serialize_entry("exception_fields", fields)?;
        }
        map.serialize_entry("StatusCode", &self.status_code)?;
        map.serialize_entry("duration", &self.duration)?;
        map.serialize_entry("more_info", &self.more_info)?;
        map.serialize_entry("details", &self.details)?;
        if let Some(unrecoverable) = &self.unrecoverable {
            map.serialize_entry("unrecoverable", unrecoverable)?;
        }
        for (key, value) in &self.unknown {
            if !FIELDS.contains(&key.as_str()) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for ApiError {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Value::Object(mut object) = Value::deserialize(deserializer)? else {
            return Err(de::Error::custom("an API error body is a JSON object"));
        };
        let mut take = |key: &str| object.remove(key);
        let error = ApiError {
            code: typed("code", take("code"))?,
            message: typed("message", take("message"))?,
            exception_fields: typed("exception_fields", take("exception_fields"))?,
            status_code: typed("StatusCode", take("StatusCode"))?,
            duration: typed("duration", take("duration"))?,
            more_info: typed("more_info", take("more_info"))?,
            details: take("details").unwrap_or_default(),
            unrecoverable: typed("unrecoverable", take("unrecoverable"))?,
            unknown: object,
        };
        Ok(error)
    }
}

/// A documented field's value: decoded when present, the empty value when absent.
fn typed<T: DeserializeOwned + Default, E: de::Error>(
    key: &str,
    value: Option<Value>,
) -> Result<T, E> {
    match value {
        None => Ok(T::default()),
        Some(value) => {
            T::deserialize(value).map_err(|error| E::custom(format!("`{key}`: {error}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_full_body_round_trips() {
        let body = json!({
            "code": 16,
            "message": "channel not found",
            "exception_fields": { "id": "too long" },
            "StatusCode": 404,
            "duration": "0.01ms",
            "more_info": "https://getstream.io/chat/docs/api_errors_response",
            "details": [1, 2],
            "unrecoverable": true,
        });
        let error: ApiError = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(error.code, 16);
        assert_eq!(error.status_code, 404);
        assert_eq!(error.unrecoverable, Some(true));
        assert!(error.unknown.is_empty());
        assert_eq!(serde_json::to_value(&error).unwrap(), body);
    }

    #[test]
    fn unknown_keys_are_kept_and_missing_fields_are_empty() {
        let body =
            json!({ "code": 16, "message": "x", "request_id": "abc", "unrecoverable": null });
        let error: ApiError = serde_json::from_value(body).unwrap();
        assert_eq!((error.code, error.status_code), (16, 0));
        assert_eq!(error.message, "x");
        assert_eq!(error.unrecoverable, None);
        assert_eq!(error.unknown.get("request_id"), Some(&json!("abc")));
        let back = serde_json::to_value(&error).unwrap();
        assert_eq!(back["request_id"], "abc");
        let mut named_like_a_field = error.clone();
        named_like_a_field.unknown.insert("code".into(), json!("x"));
        let back = serde_json::to_value(&named_like_a_field).unwrap();
        assert_eq!(
            back["code"], 16,
            "a documented name is written from its field"
        );
        let wrong = serde_json::from_value::<ApiError>(json!({ "code": "forty" })).unwrap_err();
        assert!(wrong.to_string().contains("`code`"), "{wrong}");
        assert!(serde_json::from_value::<ApiError>(json!([1])).is_err());
        assert_eq!(
            serde_json::from_value::<ApiError>(json!({})).unwrap(),
            ApiError::default()
        );
    }
}
