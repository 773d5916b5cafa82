//! [`RetryPolicy`]: the settings of retries, per client or per call. What they decide is in
//! `strategy.rs`, which failures qualify in `classify.rs`.

use std::time::Duration;

/// When and how often a failed call is sent again.
///
/// Off by default ([`RetryPolicy::none`]); set one per client with
/// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy) or per call with
/// [`ResponseFuture::retry_policy`](crate::ResponseFuture::retry_policy).
///
/// A call is retried only when all of these hold:
///
/// - the failure is HTTP 429, 502, 503 or 504 whose error body does not say `unrecoverable`,
///   or a connection that could not be opened (nothing was sent, so any method is safe; with
///   a `reqwest` client given to [`http_client`](crate::ClientBuilder::http_client), only for
///   a method safe to repeat, as such a client may have followed a redirect, and so sent the
///   request, before failing to connect to the target);
/// - for an HTTP status, the method is safe to repeat: `GET`, `PUT` or `DELETE`; a `POST` or
///   `PATCH` only when the call is marked [`idempotent`](crate::ResponseFuture::idempotent);
/// - fewer than [`max_attempts`](RetryPolicy::max_attempts) attempts were made, and the wait
///   ends within [`max_elapsed`](RetryPolicy::max_elapsed) of the call's start.
///
/// Timeouts, connections dropped after the request was sent, redirects, bodies that do not
/// decode or are too large are never retried: the server may have acted on the request.
///
/// The wait before retry `n` (from 1) is a random duration between zero and
/// `min(max_delay, base_delay × 2^(n-1))` ("full jitter"), unless the response says how long to
/// wait: `Retry-After` (seconds or an HTTP date), or for a 429 `X-RateLimit-Reset` (Unix
/// seconds). If that is longer than `max_delay` or than the time left, the call gives up at
/// once and returns the error rather than sleeping.
///
/// ```
/// use std::time::Duration;
///
/// use stream_chat_client::RetryPolicy;
///
/// let policy = RetryPolicy::new()
///     .max_attempts(5)
///     .base_delay(Duration::from_millis(100))
///     .max_delay(Duration::from_secs(2))
///     .max_elapsed(Duration::from_secs(10));
/// assert_eq!(policy.attempts(), 5);
/// assert_eq!(RetryPolicy::none().attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(super) max_attempts: u32,
    pub(super) base_delay: Duration,
    pub(super) max_delay: Duration,
    pub(super) max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// [`RetryPolicy::none`], the client's default.
    fn default() -> Self {
        Self::none()
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once. The client's default.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::new()
        }
    }

    /// Up to 3 attempts, waits from a 200 ms base capped at 5 s, at most 20 s in all.
    pub fn new() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(20),
        }
    }

    /// Sets how many times a call may be sent in all, the first included (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the base of the exponential backoff: the wait before the first retry is at most
    /// this, and each further retry doubles it.
    #[must_use]
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the longest wait before one retry; a server asking for longer makes the call give
    /// up instead.
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets the total time after the call's start within which a retry may still begin.
    #[must_use]
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// How many times a call may be sent in all, the first included.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether this policy ever retries.
    pub fn is_enabled(&self) -> bool {
        self.max_attempts > 1
    }
}
