//! The error type of every call ([`Error`]), what a transport failure's message says
//! (`transport.rs`) and, with feature `ws`, the websocket's error (`realtime.rs`).

#[cfg(feature = "ws")]
pub(crate) mod realtime;
mod transport;

use std::time::Duration;

use crate::body::ErrorBody;
use crate::excerpt::excerpt;
use crate::ApiError;
use crate::RateLimit;

/// Why a call failed.
///
/// Every variant that had a response keeps its HTTP status and rate-limit state, available
/// through [`Error::status`] and [`Error::rate_limit`] whatever the variant; every variant from
/// a call that was sent says how many attempts it took ([`Error::attempts`]), which is more
/// than one only with a [`RetryPolicy`](crate::RetryPolicy).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-2xx status and a JSON error body.
    #[error("{operation} failed with HTTP {status}: Stream error {code}: {message}", code = error.code, message = error.message)]
    #[non_exhaustive]
    Api {
        /// The operation that was called, e.g. `"DeleteChannel"`.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The decoded error body.
        error: Box<ApiError>,
        /// The rate-limit state from the response headers.
        rate_limit: Option<RateLimit>,
        /// How many times the request was sent (1 without retries).
        attempts: u32,
    },

    /// A non-2xx status whose body is not an API error (plain text, HTML or empty, typically
    /// from a proxy or load balancer).
    #[error("{operation} failed with HTTP {status}{}", describe_body(body))]
    #[non_exhaustive]
    Http {
        /// The operation that was called.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The body as text (invalid UTF-8 replaced), possibly empty: at most
        /// [`MAX_ERROR_BODY_SIZE`](crate::MAX_ERROR_BODY_SIZE) bytes, the rest is not read
        /// ([`ErrorBody::is_truncated`]). Its `Debug` is an excerpt.
        body: ErrorBody,
        /// The rate-limit state from the response headers.
        rate_limit: Option<RateLimit>,
        /// How many times the request was sent (1 without retries).
        attempts: u32,
    },

    /// A 2xx response whose body could not be decoded into the expected type.
    #[error("{operation}: cannot decode the HTTP {status} response at `{path}`: {source}; body: {body_excerpt}")]
    #[non_exhaustive]
    Decode {
        /// The operation that was called.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The path of the field that failed, e.g. `channel.members[2].created_at`
        /// (`.` for the document itself).
        path: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
        /// The start of the body (about 200 characters).
        body_excerpt: String,
        /// The rate-limit state from the response headers.
        rate_limit: Option<RateLimit>,
        /// How many times the request was sent (1 without retries).
        attempts: u32,
    },

    /// The request timed out: the whole request (see
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout),
    /// [`ResponseFuture::timeout`](crate::ResponseFuture::timeout)) or opening the connection
    /// ([`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout)). The
    /// message says what it was waiting for: the connection, the response, or the rest of the
    /// body.
    #[error(
        "{operation}: timed out after {after:?} {}",
        transport::timeout_phase(source)
    )]
    #[non_exhaustive]
    Timeout {
        /// The operation that was called.
        operation: &'static str,
        /// The timeout that expired: the request's, or the connect timeout's.
        after: Duration,
        /// The HTTP client's error (its URL without the query).
        #[source]
        source: reqwest::Error,
        /// How many times the request was sent (1 without retries).
        attempts: u32,
    },

    /// The request could not be sent or its response not read: connection refused or reset,
    /// TLS, DNS, a connection closed early, a body cut short, a response that is not HTTP.
    /// The message gives the cause, e.g. `GetApp: cannot connect to 127.0.0.1:3030:
    /// Connection refused (os error 111)`, never the query string.
    #[error("{operation}: {}", transport::cause(source))]
    #[non_exhaustive]
    Transport {
        /// The operation that was called.
        operation: &'static str,
        /// The HTTP client's error (its URL without the query).
        #[source]
        source: reqwest::Error,
        /// How many times the request was sent (1 without retries).
        attempts: u32,
    },

    /// The response body was longer than the limit (after decompression; see
    /// [`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size)): the client
    /// stopped reading it, so it never held more than the limit plus one chunk.
    #[error("{operation}: the HTTP {status} response body is larger than the limit of {limit} bytes; reading stopped after {received} bytes")]
    #[non_exhaustive]
    BodyTooLarge {
        /// The operation that was called.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The limit, in bytes.
        limit: u64,
        /// How many (decompressed) bytes arrived before reading stopped: 0 when the announced
        /// `Content-Length` was already past the limit, else at most the limit plus one chunk.
        received: u64,
        /// The rate-limit state from the response headers.
        rate_limit: Option<RateLimit>,
        /// How many times the request was sent (1 without retries).
        attempts: u32,
    },

    /// The server answered with a redirect (HTTP 3xx). Stream's API never redirects, so the
    /// client does not follow it: nothing is sent to the target, and no `Referer` leaks the
    /// request's URL. The request did reach a server, so it is not retried.
    ///
    /// A `reqwest` client given to [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)
    /// follows redirects by its own policy; when it did and got an answer, or gave up (too
    /// many redirects), the call fails with this error too (`status` is then `None`), though
    /// the request was sent to the target as well.
    #[error("{operation}: {}", describe_redirect(*status, location.as_deref(), source.as_ref()))]
    #[non_exhaustive]
    Redirect {
        /// The operation that was called.
        operation: &'static str,
        /// The 3xx status; `None` when a caller's `reqwest` client followed the redirect.
        status: Option<u16>,
        /// The target (the `Location` header resolved against the request's URL, or the URL
        /// the caller's client ended at), without its query and fragment; `None` when the
        /// response had no valid `Location`.
        location: Option<String>,
        /// The caller's `reqwest` client's error, when it gave up following redirects (too
        /// many, or a loop).
        #[source]
        source: Option<reqwest::Error>,
        /// The rate-limit state from the 3xx response's headers.
        rate_limit: Option<RateLimit>,
        /// How many times the request was sent (1 without retries).
        attempts: u32,
    },

    /// The request could not be encoded (a body or query value failed to serialize, or a file
    /// part has an invalid content type); nothing was sent.
    #[error("{operation}: cannot encode the request: {message}")]
    Encode {
        /// The operation that was called.
        operation: &'static str,
        /// What failed.
        message: String,
        /// The underlying error, if any.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// The client's configuration is invalid (see [`ClientBuilder::build`](crate::ClientBuilder::build)).
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// The call sends the ID of the real-time connection the client is bound to
    /// (`Client::with_connection`, feature `ws`), and that connection has none: it is closed
    /// for good, or it did not reconnect within the call's timeout. Nothing was sent.
    #[cfg(feature = "ws")]
    #[error("{operation}: the bound real-time connection {}; nothing was sent", if *closed { "is closed".to_owned() } else { format!("did not reconnect within {waited:?}") })]
    NotConnected {
        /// The operation that was called.
        operation: &'static str,
        /// The connection is closed for good (`false`: it was still reconnecting).
        closed: bool,
        /// How long the call waited for the connection to reconnect.
        waited: Duration,
    },

    /// The real-time connection failed (feature `ws`); converted from
    /// [`RealtimeError`](crate::ws::RealtimeError) by `?`.
    #[cfg(feature = "ws")]
    #[error(transparent)]
    Realtime(#[from] realtime::RealtimeError),
}

impl Error {
    /// The HTTP status, for errors that had a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Http { status, .. }
            | Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Redirect { status, .. } => *status,
            Error::Timeout { source, .. } | Error::Transport { source, .. } => {
                source.status().map(|s| s.as_u16())
            }
            Error::Encode { .. } | Error::Config(_) => None,
            #[cfg(feature = "ws")]
            Error::NotConnected { .. } => None,
            #[cfg(feature = "ws")]
            Error::Realtime(error) => error.status(),
        }
    }

    /// The rate-limit state, for errors that had a response with rate-limit headers.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        match self {
            Error::Api { rate_limit, .. }
            | Error::Http { rate_limit, .. }
            | Error::Decode { rate_limit, .. }
            | Error::BodyTooLarge { rate_limit, .. }
            | Error::Redirect { rate_limit, .. } => rate_limit.as_ref(),
            _ => None,
        }
    }

    /// The API's error body, for [`Error::Api`] (and for a real-time connection that the
    /// server refused, with feature `ws`).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } => Some(error),
            #[cfg(feature = "ws")]
            Error::Realtime(error) => error.api_error(),
            _ => None,
        }
    }

    /// The name of the operation that failed, when known.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api { operation, .. }
            | Error::Http { operation, .. }
            | Error::Decode { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::Redirect { operation, .. }
            | Error::Encode { operation, .. } => Some(operation),
            #[cfg(feature = "ws")]
            Error::NotConnected { operation, .. } => Some(operation),
            _ => None,
        }
    }

    /// How many times the request was sent, for errors of a call that was sent: 1 without
    /// retries, more when a [`RetryPolicy`](crate::RetryPolicy) retried it.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api { attempts, .. }
            | Error::Http { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::Transport { attempts, .. }
            | Error::BodyTooLarge { attempts, .. }
            | Error::Redirect { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// A short, stable name of the variant for logs and metrics: `api`, `http`, `decode`,
    /// `timeout`, `connect` (a transport error opening the connection), `transport`,
    /// `body_too_large`, `redirect`, `encode`, `config`, `not_connected` or `realtime`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Api { .. } => "api",
            Error::Http { .. } => "http",
            Error::Decode { .. } => "decode",
            Error::Timeout { .. } => "timeout",
            Error::Transport { source, .. } if source.is_connect() => "connect",
            Error::Transport { .. } => "transport",
            Error::BodyTooLarge { .. } => "body_too_large",
            Error::Redirect { .. } => "redirect",
            Error::Encode { .. } => "encode",
            Error::Config(_) => "config",
            #[cfg(feature = "ws")]
            Error::NotConnected { .. } => "not_connected",
            #[cfg(feature = "ws")]
            Error::Realtime(_) => "realtime",
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the connection to the server could not be opened (refused, DNS, TLS handshake,
    /// connect timeout): the request never reached the server, so resending it is safe.
    ///
    /// With a `reqwest` client given to
    /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) that follows
    /// redirects, a connect error may also come from a redirect's target, after the request
    /// reached the API's address; the client's retries take that into account (see
    /// [`RetryPolicy`](crate::RetryPolicy)).
    pub fn is_connect(&self) -> bool {
        match self {
            Error::Timeout { source, .. } | Error::Transport { source, .. } => source.is_connect(),
            _ => false,
        }
    }

    /// Whether the API refused the call for exceeding a rate limit (HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// Whether the API says that retrying the same request cannot succeed
    /// (`unrecoverable` in the error body).
    pub fn is_unrecoverable(&self) -> bool {
        self.api_error()
            .and_then(|error| error.unrecoverable)
            .unwrap_or(false)
    }

    /// Sets the attempt count of a variant that has one.
    pub(crate) fn set_attempts(&mut self, count: u32) {
        match self {
            Error::Api { attempts, .. }
            | Error::Http { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::Transport { attempts, .. }
            | Error::BodyTooLarge { attempts, .. }
            | Error::Redirect { attempts, .. } => *attempts = count,
            _ => {}
        }
    }
}

/// What a redirect error says: the status and target, or that a caller's client followed it.
fn describe_redirect(
    status: Option<u16>,
    location: Option<&str>,
    source: Option<&reqwest::Error>,
) -> String {
    let target = location.unwrap_or("no valid Location");
    let mut text = match status {
        Some(status) => format!(
            "the server redirected with HTTP {status} to {target}; Stream's API does not redirect, so the client did not follow it"
        ),
        None => format!(
            "the HTTP client followed a redirect to {target}; Stream's API does not redirect (give `http_client` a reqwest client with `redirect::Policy::none()`)"
        ),
    };
    if let Some(source) = source {
        text.push_str(": ");
        text.push_str(&transport::root_cause(source));
    }
    text
}

/// ` with an empty body` or `: <excerpt>`.
fn describe_body(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        " with an empty body".to_owned()
    } else {
        format!(": {}", excerpt(body.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        let error = Error::Http {
            operation: "GetApp",
            status: 502,
            body: crate::ErrorBody::default(),
            rate_limit: None,
            attempts: 1,
        };
        assert_eq!(
            error.to_string(),
            "GetApp failed with HTTP 502 with an empty body"
        );
        assert_eq!(error.status(), Some(502));
        assert!(!error.is_timeout());

        let api = Error::Api {
            operation: "DeleteChannel",
            status: 404,
            error: Box::new(ApiError {
                code: 16,
                message: "channel not found".into(),
                exception_fields: None,
                status_code: 404,
                duration: String::new(),
                more_info: String::new(),
                details: serde_json::Value::Null,
                unrecoverable: Some(true),
                unknown: serde_json::Map::new(),
            }),
            rate_limit: Some(RateLimit {
                limit: Some(1),
                ..RateLimit::default()
            }),
            attempts: 2,
        };
        assert_eq!(
            api.to_string(),
            "DeleteChannel failed with HTTP 404: Stream error 16: channel not found"
        );
        assert_eq!(api.api_error().map(|e| e.code), Some(16));
        assert_eq!(api.rate_limit().and_then(|r| r.limit), Some(1));
        assert!(api.is_unrecoverable());
        assert_eq!(api.operation(), Some("DeleteChannel"));
        assert_eq!(api.attempts(), Some(2));
        assert_eq!(api.kind(), "api");
        assert!(!api.is_retryable() && !api.is_connect());
        assert!(error.is_retryable());
        assert_eq!(error.kind(), "http");
        assert_eq!(Error::Config(String::new()).attempts(), None);
    }

    #[test]
    fn is_send_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }
}
