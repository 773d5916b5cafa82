//! Status mapping: what a response means by its status (redirect, success, failure), the
//! body each is read to, and the error a non-2xx body makes ([`Error::Api`] or
//! [`Error::Http`]).

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, LOCATION};
use reqwest::Url;

use super::options::Limits;
use super::raw_response::RawResponse;
use crate::api_error::ApiError;
use crate::body::{self, ErrorBody, MAX_ERROR_BODY_SIZE};
use crate::error::Error;
use crate::rate_limit::RateLimit;
use crate::retry::server_delay;

/// Maps a response by its status: a redirect (a 3xx, or a caller's client that followed one)
/// is an error; a 2xx body is read within the call's limit into a [`RawResponse`]; any other
/// body is read up to [`MAX_ERROR_BODY_SIZE`] into an [`Error`], with the wait the response
/// asks for. `transport` maps a failure while reading the body.
pub(super) async fn read(
    mut response: reqwest::Response,
    url: &Url,
    limits: Limits,
    attempts: u32,
    name: &'static str,
    transport: impl Fn(reqwest::Error) -> (Error, Option<Duration>),
) -> Result<RawResponse, (Error, Option<Duration>)> {
    let status = response.status().as_u16();
    // Taken, not copied: reading the body needs none of them.
    let headers = std::mem::take(response.headers_mut());
    if !same_resource(response.url(), url) {
        // A caller's reqwest client followed a redirect: the answer is not the API's.
        let error = Error::Redirect {
            operation: name,
            status: None,
            location: Some(without_query(response.url())),
            source: None,
            rate_limit: None,
            attempts,
        };
        return Err((error, None));
    }
    if (300..400).contains(&status) {
        // Not read: dropping the response closes the connection.
        let error = Error::Redirect {
            operation: name,
            status: Some(status),
            location: location(&headers, url),
            source: None,
            rate_limit: RateLimit::from_headers(&headers),
            attempts,
        };
        return Err((error, None));
    }

    if (200..300).contains(&status) {
        let limit = limits.max_body_size;
        let too_large = |received| Error::BodyTooLarge {
            operation: name,
            status,
            limit,
            received,
            rate_limit: RateLimit::from_headers(&headers),
            attempts,
        };
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return Err((too_large(0), None));
        }
        let body = body::read_limited(&mut response, limit)
            .await
            .map_err(transport)?;
        if !body.complete {
            return Err((too_large(body.received), None));
        }
        Ok(RawResponse {
            operation: name,
            status,
            headers,
            bytes: body.bytes,
            attempts,
            span: tracing::Span::none(),
        })
    } else {
        let cap = MAX_ERROR_BODY_SIZE.min(limits.max_body_size);
        let body = body::read_limited(&mut response, cap)
            .await
            .map_err(transport)?;
        let error = error_from_response(
            name,
            status,
            &headers,
            ErrorBody::new(&body.bytes, !body.complete),
            attempts,
        );
        let hint = server_delay(status, &headers, &error, SystemTime::now());
        Err((error, hint))
    }
}

/// Whether `url` is the request's URL, up to the query (scheme, host, port and path).
pub(super) fn same_resource(url: &Url, request: &Url) -> bool {
    url.scheme() == request.scheme()
        && url.host_str() == request.host_str()
        && url.port_or_known_default() == request.port_or_known_default()
        && url.path() == request.path()
}

/// A URL without its credentials, query and fragment: safe to show.
pub(super) fn without_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    // Fails only for URLs that cannot have credentials, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.into()
}

/// A redirect's target: its `Location` resolved against the request's URL, without the query.
fn location(headers: &HeaderMap, request: &Url) -> Option<String> {
    let value = headers.get(LOCATION)?.to_str().ok()?;
    request
        .join(value.trim())
        .ok()
        .map(|url| without_query(&url))
}

/// Maps a non-2xx response: an API error body becomes [`Error::Api`], anything else
/// [`Error::Http`].
pub(super) fn error_from_response(
    operation: &'static str,
    status: u16,
    headers: &HeaderMap,
    body: ErrorBody,
    attempts: u32,
) -> Error {
    let rate_limit = RateLimit::from_headers(headers);
    // Only a JSON object is an error body: serde would also accept an array for a struct.
    let api_error = match serde_json::from_str::<serde_json::Value>(&body) {
        Ok(value @ serde_json::Value::Object(_)) => serde_json::from_value::<ApiError>(value).ok(),
        _ => None,
    };
    match api_error {
        Some(error) if error.code != 0 || !error.message.is_empty() => Error::Api {
            operation,
            status,
            error: Box::new(error),
            rate_limit,
            attempts,
        },
        _ => Error::Http {
            operation,
            status,
            body,
            rate_limit,
            attempts,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies() {
        let headers = HeaderMap::new();
        let api = error_from_response(
            "Op",
            400,
            &headers,
            ErrorBody::new(br#"{"code":4,"message":"bad","StatusCode":400,"duration":"1ms","more_info":"https://x","details":[],"unrecoverable":true,"exception_fields":{"id":"missing"}}"#, false),
            1,
        );
        let error = api.api_error().unwrap();
        assert_eq!((error.code, error.status_code), (4, 400));
        assert_eq!(error.unrecoverable, Some(true));
        assert_eq!(error.exception_fields.as_ref().unwrap()["id"], "missing");

        for body in [
            &b""[..],
            b"Bad Gateway",
            b"<html></html>",
            b"{}",
            b"[1]",
            b"\xff",
        ] {
            let error = error_from_response("Op", 502, &headers, ErrorBody::new(body, false), 1);
            assert!(
                matches!(error, Error::Http { status: 502, .. }),
                "{error:?}"
            );
        }
    }
}
