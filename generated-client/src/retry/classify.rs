//! The one classification of failures for retries: whether a failed attempt may be sent again,
//! and why (or why not). The retry strategy (`strategy.rs`) and [`Error::is_retryable`] both
//! ask it; nothing else decides what is retryable.

use crate::operation::Method;
use crate::Error;

/// What the classification needs to know about the call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Call {
    /// The operation's HTTP method.
    pub(crate) method: Method,
    /// Whether the caller marked the call safe to repeat whatever its method.
    pub(crate) idempotent: bool,
    /// Whether a connect error proves that nothing was sent: true with the client's own HTTP
    /// client, which never follows redirects; a caller's may have followed one first.
    pub(crate) connect_error_is_unsent: bool,
}

impl Call {
    /// `GET`, `PUT` and `DELETE` may be repeated; `POST` and `PATCH` only when marked.
    fn may_repeat(self) -> bool {
        self.idempotent || matches!(self.method, Method::Get | Method::Put | Method::Delete)
    }
}

/// Why a failed attempt may be sent again: the failure is transient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Transient {
    /// The connection could not be opened (refused, DNS, TLS handshake, connect timeout).
    Connect,
    /// HTTP 429, 502, 503 or 504 whose error body does not say `unrecoverable`.
    Status,
}

impl Transient {
    /// The reason as the `retrying` tracing event records it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Transient::Connect => "connect_failed",
            Transient::Status => "transient_status",
        }
    }
}

/// Why a failed call is returned instead of sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// The failure is not transient: any other status, a timeout, a connection dropped after
    /// the request was sent, a redirect, a body that does not decode or is too large.
    NotTransient,
    /// A transient failure after the request may have reached the server, and the method is
    /// not safe to repeat (a `POST` or `PATCH` not marked idempotent).
    NotIdempotent,
    /// The policy's [`max_attempts`](crate::RetryPolicy::max_attempts) were made (1 without a
    /// retry policy).
    MaxAttempts,
    /// The server asked for a longer wait than [`max_delay`](crate::RetryPolicy::max_delay).
    MaxDelay,
    /// The wait would end past [`max_elapsed`](crate::RetryPolicy::max_elapsed).
    MaxElapsed,
}

impl GiveUp {
    /// The reason as the `stream_chat.request` span's `retry` field records it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            GiveUp::NotTransient => "not_transient",
            GiveUp::NotIdempotent => "not_idempotent",
            GiveUp::MaxAttempts => "max_attempts",
            GiveUp::MaxDelay => "max_delay",
            GiveUp::MaxElapsed => "max_elapsed",
        }
    }
}

/// What `error` says by itself: transient, and how, or not.
fn transient(error: &Error) -> Option<Transient> {
    if error.is_connect() {
        return Some(Transient::Connect);
    }
    let status = matches!(error, Error::Api { .. } | Error::Http { .. })
        && matches!(error.status(), Some(429 | 502 | 503 | 504))
        && !error.is_unrecoverable();
    status.then_some(Transient::Status)
}

/// Whether `call` may be sent again after `error` (attempts and time aside), and why.
pub(crate) fn classify(error: &Error, call: Call) -> Result<Transient, GiveUp> {
    let transient = transient(error).ok_or(GiveUp::NotTransient)?;
    // A connection that never opened sent nothing, so any method is safe to resend.
    let unsent = transient == Transient::Connect && call.connect_error_is_unsent;
    if unsent || call.may_repeat() {
        Ok(transient)
    } else {
        Err(GiveUp::NotIdempotent)
    }
}

impl Error {
    /// Whether the failure is transient by its nature: a connect error, or HTTP 429, 502, 503
    /// or 504 not marked `unrecoverable`. Whether a call is actually retried also depends on
    /// its method (see [`RetryPolicy`](crate::RetryPolicy)).
    pub fn is_retryable(&self) -> bool {
        transient(self).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retry::test_fixtures::{http, GET, POST};

    #[test]
    fn each_failure_has_one_reason() {
        assert_eq!(classify(&http(503), GET), Ok(Transient::Status));
        assert_eq!(classify(&http(503), POST), Err(GiveUp::NotIdempotent));
        let marked = Call {
            idempotent: true,
            ..POST
        };
        assert_eq!(classify(&http(429), marked), Ok(Transient::Status));
        assert_eq!(classify(&http(404), GET), Err(GiveUp::NotTransient));
        assert_eq!(classify(&http(500), marked), Err(GiveUp::NotTransient));
        assert_eq!(
            classify(&Error::Config(String::new()), GET),
            Err(GiveUp::NotTransient)
        );
        assert!(http(502).is_retryable() && !http(501).is_retryable());
    }

    #[test]
    fn reasons_have_stable_names() {
        assert_eq!(Transient::Connect.as_str(), "connect_failed");
        assert_eq!(Transient::Status.as_str(), "transient_status");
        let names: Vec<&str> = [
            GiveUp::NotTransient,
            GiveUp::NotIdempotent,
            GiveUp::MaxAttempts,
            GiveUp::MaxDelay,
            GiveUp::MaxElapsed,
        ]
        .into_iter()
        .map(GiveUp::as_str)
        .collect();
        assert_eq!(
            names,
            [
                "not_transient",
                "not_idempotent",
                "max_attempts",
                "max_delay",
                "max_elapsed"
            ]
        );
    }
}
