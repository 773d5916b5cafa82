//! A call's settings: those set on its [`ResponseFuture`](super::ResponseFuture)
//! ([`CallOptions`]), and the limits of its attempts once the client's fill the gaps
//! ([`Limits`]).

use std::time::Duration;

use crate::retry::RetryPolicy;

/// The per-call settings of a [`ResponseFuture`](super::ResponseFuture), over the client's.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions {
    /// Replaces the client's request (or upload) timeout.
    pub(crate) timeout: Option<Duration>,
    /// Replaces the client's largest response body.
    pub(crate) max_body_size: Option<u64>,
    /// Replaces the client's retry policy.
    pub(crate) retry: Option<RetryPolicy>,
    /// The caller says that sending the call twice does no harm (opts a `POST` into retries).
    pub(crate) idempotent: bool,
    /// The real-time connection ID to send, over a bound connection's.
    pub(crate) connection_id: Option<String>,
}

/// The timeouts and body limit of one call's attempts.
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    /// The whole request's.
    pub(super) timeout: Duration,
    /// Opening a connection's, when the client's own HTTP client has one.
    pub(super) connect_timeout: Option<Duration>,
    /// The largest body read, after decompression.
    pub(super) max_body_size: u64,
}
