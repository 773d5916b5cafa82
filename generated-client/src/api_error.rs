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
/// Decoding takes any JSON object and loses nothing: a documented field that is missing takes
/// its empty value, and a key this type does not list, or a documented one whose value has
/// another type than documented, is kept in [`unknown`](ApiError::unknown) as sent.
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
    /// The keys of the body that this type does not list, and documented keys whose value had
    /// another type, as sent. Not sent back when named like a documented field.
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
        let mut unknown = Map::new();
        let mut take = |key: &str| object.remove(key);
        let mut error = ApiError {
            code: typed(&mut unknown, "code", take("code")),
            message: typed(&mut unknown, "message", take("message")),
            exception_fields: typed(&mut unknown, "exception_fields", take("exception_fields")),
            status_code: typed(&mut unknown, "StatusCode", take("StatusCode")),
            duration: typed(&mut unknown, "duration", take("duration")),
            more_info: typed(&mut unknown, "more_info", take("more_info")),
            details: take("details").unwrap_or_default(),
            unrecoverable: typed(&mut unknown, "unrecoverable", take("unrecoverable")),
            unknown: Map::new(),
        };
        unknown.extend(object);
        error.unknown = unknown;
        Ok(error)
    }
}

/// A documented field's value: decoded when present and of its type, else the empty value
/// (and a value of another type is kept in `unknown`).
fn typed<T: DeserializeOwned + Default>(
    unknown: &mut Map<String, Value>,
    key: &str,
    value: Option<Value>,
) -> T {
    let Some(value) = value else {
        return T::default();
    };
    match T::deserialize(&value) {
        Ok(decoded) => decoded,
        Err(_) => {
            unknown.insert(key.to_owned(), value);
            T::default()
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
    fn unknown_keys_and_wrong_types_are_kept() {
        let body =
            json!({ "code": "16", "message": "x", "request_id": "abc", "unrecoverable": null });
        let error: ApiError = serde_json::from_value(body).unwrap();
        assert_eq!(error.code, 0);
        assert_eq!(error.message, "x");
        assert_eq!(error.unrecoverable, None);
        assert_eq!(error.unknown.get("code"), Some(&json!("16")));
        assert_eq!(error.unknown.get("request_id"), Some(&json!("abc")));
        let back = serde_json::to_value(&error).unwrap();
        assert_eq!(back["request_id"], "abc");
        assert_eq!(
            back["code"], 0,
            "a documented name is written from its field"
        );
        assert!(serde_json::from_value::<ApiError>(json!([1])).is_err());
        assert_eq!(
            serde_json::from_value::<ApiError>(json!({})).unwrap(),
            ApiError::default()
        );
    }
}
