//! Decoding: a 2xx response whose body is read but not decoded, and the one generic step that
//! decodes it by the crate's decoding rule (`crate::decode`), inside the call's span.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::excerpt::excerpt;
use crate::rate_limit::RateLimit;
use crate::response::ApiResponse;

/// A 2xx response whose body is not decoded yet.
pub(crate) struct RawResponse {
    pub(super) operation: &'static str,
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) bytes: Bytes,
    pub(super) attempts: u32,
    /// The call's `stream_chat.request` span, which gets `error = "decode"` if decoding fails.
    pub(super) span: tracing::Span,
}

impl RawResponse {
    /// Decodes the body as `T`, or says which field failed.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        // Mismatch records are logged while decoding: inside the call's span.
        let decoded = self.span.in_scope(|| decode::<T>(&self.bytes));
        match decoded {
            Ok(body) => Ok(ApiResponse::new(
                self.status,
                self.headers,
                self.attempts,
                body,
            )),
            Err((path, source)) => {
                self.span.record("error", "decode");
                Err(Error::Decode {
                    operation: self.operation,
                    status: self.status,
                    path,
                    source,
                    body_excerpt: excerpt(&self.bytes),
                    rate_limit: RateLimit::from_headers(&self.headers),
                    attempts: self.attempts,
                })
            }
        }
    }
}

/// Decodes a success body by the crate's decoding rule (`crate::decode`); an empty body decodes
/// as `{}`, like a body with every field absent.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, (String, serde_json::Error)> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        bytes
    };
    crate::decode::from_slice(bytes, None).map_err(|error| (error.path, error.source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Optional {
        duration: Option<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[expect(
        dead_code,
        reason = "the tests check where decoding fails; no field is read"
    )]
    struct Nested {
        channel: Channel,
    }

    #[derive(Debug, serde::Deserialize)]
    #[expect(
        dead_code,
        reason = "the tests check where decoding fails; no field is read"
    )]
    struct Channel {
        members: Vec<Member>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[expect(
        dead_code,
        reason = "the tests check where decoding fails; no field is read"
    )]
    struct Member {
        id: String,
    }

    #[test]
    fn empty_bodies_decode_as_empty_objects() {
        assert_eq!(
            decode::<Optional>(b"").unwrap(),
            Optional { duration: None }
        );
        assert_eq!(
            decode::<Optional>(b" \n").unwrap(),
            Optional { duration: None }
        );
        assert_eq!(
            decode::<serde_json::Value>(b"").unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn decode_errors_name_the_field() {
        // Generated types take values of the wrong type (crate::decode); a body that breaks
        // off names where it did.
        let (path, error) =
            decode::<Nested>(br#"{"channel":{"members":[{"id":"a"},{"id":"#).unwrap_err();
        assert_eq!(path, "channel.members[1].id");
        assert!(error.is_eof(), "{error}");
        let (path, _) = decode::<Optional>(b"{} trailing").unwrap_err();
        assert_eq!(path, ".");
        assert!(decode::<Nested>(b"<html>").is_err());
    }
}
