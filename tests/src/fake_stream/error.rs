//! Stream's errors: the JSON body `{code, message, StatusCode, duration, more_info,
//! exception_fields, details, unrecoverable}` with the API's codes and HTTP statuses.
//!
//! The codes are those of Stream's error table: 2 access key, 4 input, 5 authentication,
//! 16 does not exist, 17 not allowed, 20 message too long, 40 token expired, 41 token not valid
//! yet, 42 token used before its issue time, 43 token signature invalid. The message reads as
//! Stream writes it: `SendMessage failed with error: "..."`, the operation first.

use serde_json::{json, Map, Value};

/// The documentation link every error carries in `more_info`.
const MORE_INFO: &str = "https://getstream.io/chat/docs/api_errors_response";

/// An API error before it is rendered for one operation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    /// Stream's error code.
    pub(crate) code: i32,
    /// The HTTP status.
    pub(crate) status: u16,
    /// What went wrong, without the operation name.
    pub(crate) detail: String,
    /// `exception_fields`: the request fields at fault and why.
    fields: Map<String, Value>,
    /// Retrying the same request cannot succeed.
    unrecoverable: bool,
}

impl ApiError {
    fn new(code: i32, status: u16, detail: impl Into<String>) -> Self {
        Self {
            code,
            status,
            detail: detail.into(),
            fields: Map::new(),
            unrecoverable: false,
        }
    }

    /// Code 4, HTTP 400: the request is malformed or breaks a rule.
    pub(crate) fn input(detail: impl Into<String>) -> Self {
        Self::new(4, 400, detail)
    }

    /// Code 4 naming the request field at fault in `exception_fields`.
    pub(crate) fn field(field: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let mut error = Self::input(detail.clone());
        error.fields.insert(field.to_owned(), Value::String(detail));
        error
    }

    /// Code 16, HTTP 404: the resource does not exist.
    pub(crate) fn not_found(detail: impl Into<String>) -> Self {
        Self::new(16, 404, detail)
    }

    /// Code 17, HTTP 403: the caller may not do this.
    pub(crate) fn not_allowed(detail: impl Into<String>) -> Self {
        Self::new(17, 403, detail)
    }

    /// Code 20, HTTP 400: the message text is longer than the channel type allows.
    pub(crate) fn message_too_long(detail: impl Into<String>) -> Self {
        Self::new(20, 400, detail)
    }

    /// Code 2, HTTP 401: the API key is missing or not this app's.
    pub(crate) fn access_key(detail: impl Into<String>) -> Self {
        Self::new(2, 401, detail).unrecoverable()
    }

    /// Code 5, HTTP 401: the authentication headers are missing or inconsistent.
    pub(crate) fn authentication(detail: impl Into<String>) -> Self {
        Self::new(5, 401, detail).unrecoverable()
    }

    /// Code 40, HTTP 401: the token has expired; a fresh token helps, so it is recoverable.
    pub(crate) fn token_expired(detail: impl Into<String>) -> Self {
        Self::new(40, 401, detail)
    }

    /// Code 41, HTTP 401: the token's `nbf` is in the future.
    pub(crate) fn token_not_valid_yet(detail: impl Into<String>) -> Self {
        Self::new(41, 401, detail).unrecoverable()
    }

    /// Code 42, HTTP 401: the token's `iat` is in the future.
    pub(crate) fn token_issued_later(detail: impl Into<String>) -> Self {
        Self::new(42, 401, detail).unrecoverable()
    }

    /// Code 43, HTTP 401: the token is malformed or its signature does not match the secret.
    pub(crate) fn token_signature(detail: impl Into<String>) -> Self {
        Self::new(43, 401, detail).unrecoverable()
    }

    fn unrecoverable(mut self) -> Self {
        self.unrecoverable = true;
        self
    }

    /// The error body as the API sends it for `operation` (e.g. `SendMessage`; `WS` on the
    /// websocket).
    pub(crate) fn body(&self, operation: &str, duration: &str) -> Value {
        json!({
            "code": self.code,
            "message": format!("{operation} failed with error: \"{}\"", self.detail),
            "StatusCode": self.status,
            "duration": duration,
            "more_info": MORE_INFO,
            "exception_fields": self.fields,
            "details": [],
            "unrecoverable": self.unrecoverable,
        })
    }
}
