//! Why a websocket connection could not be opened, or was lost (feature `ws`): the errors
//! layer holds it, since [`Error::Realtime`](crate::Error::Realtime) wraps it; `ws` re-exports
//! it as `ws::RealtimeError`.

use std::time::Duration;

use crate::api_error::ApiError;

/// The Stream error code of an expired token.
pub const TOKEN_EXPIRED: i32 = 40;

/// A boxed error from outside the crate (a token provider, the websocket library).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a websocket connection failed or was lost.
///
/// [`ConnectionBuilder::connect`](crate::ws::ConnectionBuilder::connect) returns it when the
/// connection cannot be opened; later, the connection's state carries it as the reason of a
/// reconnect or of the final disconnect.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RealtimeError {
    /// The server answered with an error message instead of the hello (invalid credentials,
    /// an expired token, an invalid user payload) and closed the connection. Retrying the same
    /// request fails again, so the connection does not retry (an expired token is refreshed
    /// first when there is a token provider).
    #[error("the server refused the connection: Stream error {code}: {message}", code = .0.code, message = .0.message)]
    Api(Box<ApiError>),

    /// The server answered the websocket upgrade with an HTTP response (e.g. from a proxy).
    #[error("the websocket upgrade was refused with HTTP {status}: {body}")]
    Handshake {
        /// The HTTP status.
        status: u16,
        /// The response body as text (invalid UTF-8 replaced), possibly empty.
        body: String,
    },

    /// The connection could not be made or broke (refused, reset, TLS, protocol errors).
    #[error("websocket transport error: {0}")]
    Transport(#[source] BoxError),

    /// The server closed the connection: with a close frame (`code` and `reason`), or without
    /// one (`code` is `None`: the socket ended).
    #[error("the server closed the connection ({}){}", code.map_or("no close frame".to_owned(), |c| format!("code {c}")), if reason.is_empty() { String::new() } else { format!(": {reason}") })]
    Closed {
        /// The close code, `None` without a close frame.
        code: Option<u16>,
        /// The close reason, possibly empty.
        reason: String,
    },

    /// Nothing arrived from the server for this long (35 s): no hello after connecting, or no
    /// message at all on an open connection.
    #[error("no message from the server for {0:?}")]
    Unhealthy(Duration),

    /// The first message was neither a hello (`health.check` with a `connection_id`) nor an
    /// error.
    #[error("the first message is not a hello event: {message}; frame: {excerpt}")]
    InvalidHello {
        /// What is wrong with it.
        message: String,
        /// The start of the frame (about 200 characters).
        excerpt: String,
    },

    /// The token provider failed to give a new token.
    #[error("the token provider failed: {0}")]
    TokenProvider(#[source] BoxError),

    /// The connection cannot be configured like this (server-side authentication, a user
    /// without an `id`, no tokio runtime).
    #[error("invalid websocket configuration: {0}")]
    Config(String),
}

impl RealtimeError {
    /// The server's error message, for [`RealtimeError::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            RealtimeError::Api(error) => Some(error),
            _ => None,
        }
    }

    /// Whether the server refused the token as expired (Stream error code 40).
    pub fn is_token_expired(&self) -> bool {
        self.api_error()
            .is_some_and(|error| error.code == TOKEN_EXPIRED)
    }

    /// Whether the failure may pass if the connection is tried again: a transport error
    /// (refused, reset, TLS), an upgrade answered with 5xx or 429, a close without an error
    /// message, or silence past 35 s. An error message from the server (the precondition
    /// failure: bad credentials or user data), another refused upgrade, a malformed hello, a
    /// failing token provider and a bad configuration are not: retrying would fail the same
    /// way.
    ///
    /// [`ConnectionBuilder::connect`](crate::ws::ConnectionBuilder::connect) retries exactly these.
    pub fn is_transient(&self) -> bool {
        match self {
            RealtimeError::Transport(_)
            | RealtimeError::Closed { .. }
            | RealtimeError::Unhealthy(_) => true,
            RealtimeError::Handshake { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// The HTTP status of a refused upgrade, for [`RealtimeError::Handshake`].
    pub fn status(&self) -> Option<u16> {
        match self {
            RealtimeError::Handshake { status, .. } => Some(*status),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: i32) -> RealtimeError {
        let body = serde_json::json!({"code": code, "message": "token expired", "StatusCode": 401});
        RealtimeError::Api(Box::new(serde_json::from_value(body).unwrap()))
    }

    #[test]
    fn messages() {
        assert_eq!(
            api(40).to_string(),
            "the server refused the connection: Stream error 40: token expired"
        );
        assert!(api(40).is_token_expired());
        assert!(!api(4).is_token_expired());
        assert_eq!(
            RealtimeError::Closed {
                code: Some(1011),
                reason: "overloaded".into()
            }
            .to_string(),
            "the server closed the connection (code 1011): overloaded"
        );
        assert_eq!(
            RealtimeError::Closed {
                code: None,
                reason: String::new()
            }
            .to_string(),
            "the server closed the connection (no close frame)"
        );
        let handshake = RealtimeError::Handshake {
            status: 401,
            body: "no".into(),
        };
        assert_eq!(handshake.status(), Some(401));
        assert_eq!(api(4).status(), None);
    }

    #[test]
    fn transient_failures() {
        let handshake = |status| RealtimeError::Handshake {
            status,
            body: String::new(),
        };
        assert!(handshake(502).is_transient() && handshake(429).is_transient());
        assert!(!handshake(401).is_transient() && !handshake(404).is_transient());
        let closed = RealtimeError::Closed {
            code: Some(1011),
            reason: String::new(),
        };
        assert!(closed.is_transient());
        assert!(RealtimeError::Unhealthy(Duration::from_secs(35)).is_transient());
        assert!(!api(40).is_transient() && !api(5).is_transient());
        assert!(!RealtimeError::Config(String::new()).is_transient());
    }

    #[test]
    fn is_send_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<RealtimeError>();
    }
}
