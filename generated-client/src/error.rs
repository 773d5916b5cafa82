//! The error type of every call.

use crate::models::ApiError;
use crate::RateLimit;

/// How many characters of a body an error message shows.
const EXCERPT_CHARS: usize = 200;

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
        /// The body as text (invalid UTF-8 replaced), possibly empty.
        body: String,
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
    /// ([`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout)).
    #[error("{operation}: request timed out: {source}")]
    #[non_exhaustive]
    Timeout {
        /// The operation that was called.
        operation: &'static str,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
        /// How many times the request was sent (1 without retries).
        attempts: u32,
    },

    /// The request could not be sent or its response not read: connection refused or reset,
    /// TLS, DNS, a body cut short, a redirect loop, ...
    #[error("{operation}: transport error: {source}")]
    #[non_exhaustive]
    Transport {
        /// The operation that was called.
        operation: &'static str,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
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

    /// The real-time connection failed (feature `ws`); converted from
    /// [`RealtimeError`](crate::ws::RealtimeError) by `?`.
    #[cfg(feature = "ws")]
    #[error(transparent)]
    Realtime(#[from] crate::ws::RealtimeError),
}

impl Error {
    /// The HTTP status, for errors that had a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Http { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Timeout { source, .. } | Error::Transport { source, .. } => {
                source.status().map(|s| s.as_u16())
            }
            Error::Encode { .. } | Error::Config(_) => None,
            #[cfg(feature = "ws")]
            Error::Realtime(error) => error.status(),
        }
    }

    /// The rate-limit state, for errors that had a response with rate-limit headers.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        match self {
            Error::Api { rate_limit, .. }
            | Error::Http { rate_limit, .. }
            | Error::Decode { rate_limit, .. } => rate_limit.as_ref(),
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
            | Error::Encode { operation, .. } => Some(operation),
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
            | Error::Transport { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// A short, stable name of the variant for logs and metrics: `api`, `http`, `decode`,
    /// `timeout`, `connect` (a transport error opening the connection), `transport`, `encode`,
    /// `config` or `realtime`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Api { .. } => "api",
            Error::Http { .. } => "http",
            Error::Decode { .. } => "decode",
            Error::Timeout { .. } => "timeout",
            Error::Transport { source, .. } if source.is_connect() => "connect",
            Error::Transport { .. } => "transport",
            Error::Encode { .. } => "encode",
            Error::Config(_) => "config",
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

    /// Whether the failure is transient by its nature: a connect error, or HTTP 429, 502, 503
    /// or 504 not marked `unrecoverable`. Whether a call is actually retried also depends on
    /// its method (see [`RetryPolicy`](crate::RetryPolicy)).
    pub fn is_retryable(&self) -> bool {
        if self.is_connect() {
            return true;
        }
        matches!(self, Error::Api { .. } | Error::Http { .. })
            && matches!(self.status(), Some(429 | 502 | 503 | 504))
            && !self.is_unrecoverable()
    }

    /// Sets the attempt count of a variant that has one.
    pub(crate) fn set_attempts(&mut self, count: u32) {
        match self {
            Error::Api { attempts, .. }
            | Error::Http { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::Transport { attempts, .. } => *attempts = count,
            _ => {}
        }
    }
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

/// The first ~200 characters of a body (invalid UTF-8 replaced), with `…` when cut.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_on_char_boundaries() {
        assert_eq!(excerpt(b"short"), "short");
        let long = "é".repeat(300);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt(&[0xff, b'a']), "\u{fffd}a");
        let exact = "x".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(exact.as_bytes()), exact);
    }

    #[test]
    fn messages() {
        let error = Error::Http {
            operation: "GetApp",
            status: 502,
            body: String::new(),
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
                ..ApiError::default()
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
