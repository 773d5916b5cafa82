//! The retry policy: which failed calls are sent again, and how long to wait before each retry.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::backoff;
use crate::operation::Method;
use crate::Error;

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
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_elapsed: Duration,
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

    /// The wait before sending again after `error`, or `None` to give up and return it.
    ///
    /// `attempts` were made so far, `elapsed` since the call began; `hint` is the wait that the
    /// response asked for, if any (see [`server_delay`]).
    pub(crate) fn next_delay(
        &self,
        error: &Error,
        call: Call,
        attempts: u32,
        elapsed: Duration,
        hint: Option<Duration>,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts || !is_retryable(error, call) {
            return None;
        }
        let delay = match hint {
            Some(wait) if wait > self.max_delay => return None,
            Some(wait) => wait,
            None => self.backoff(attempts),
        };
        (elapsed.saturating_add(delay) <= self.max_elapsed).then_some(delay)
    }

    /// Full jitter: uniform in `[0, min(max_delay, base_delay × 2^(attempts-1))]`.
    fn backoff(&self, attempts: u32) -> Duration {
        let ceiling = backoff::ceiling(self.base_delay, self.max_delay, attempts);
        backoff::full_jitter(ceiling, &mut fastrand::Rng::new())
    }
}

/// What the retry decision needs to know about the call.
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

/// Whether the policy may retry after `error` in this call (attempts and time aside).
fn is_retryable(error: &Error, call: Call) -> bool {
    if error.is_connect() && call.connect_error_is_unsent {
        // Nothing reached the server.
        return true;
    }
    error.is_retryable() && call.may_repeat()
}

/// The wait that a failed response asks for: `Retry-After` (delay-seconds or an HTTP date),
/// else for a 429 the time until `X-RateLimit-Reset`. Garbage values count as absent.
pub(crate) fn server_delay(
    status: u16,
    headers: &HeaderMap,
    error: &Error,
    now: SystemTime,
) -> Option<Duration> {
    if let Some(wait) = retry_after(headers, now) {
        return Some(wait);
    }
    if status == 429 {
        return error.rate_limit()?.reset_after(now.into());
    }
    None
}

/// `Retry-After` as seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`); a date
/// in the past means no wait.
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn http(status: u16) -> Error {
        Error::Http {
            operation: "Op",
            status,
            body: crate::ErrorBody::default(),
            rate_limit: None,
            attempts: 1,
        }
    }

    const GET: Call = Call {
        method: Method::Get,
        idempotent: false,
        connect_error_is_unsent: true,
    };
    const POST: Call = Call {
        method: Method::Post,
        idempotent: false,
        connect_error_is_unsent: true,
    };

    #[test]
    fn none_never_retries() {
        let policy = RetryPolicy::none();
        assert!(!policy.is_enabled());
        assert_eq!(
            policy.next_delay(&http(503), GET, 1, Duration::ZERO, None),
            None
        );
        assert_eq!(RetryPolicy::default(), RetryPolicy::none());
    }

    #[test]
    fn statuses_and_methods() {
        let policy = RetryPolicy::new();
        for status in [429, 502, 503, 504] {
            assert!(policy
                .next_delay(&http(status), GET, 1, Duration::ZERO, None)
                .is_some());
            assert!(policy
                .next_delay(&http(status), POST, 1, Duration::ZERO, None)
                .is_none());
            let marked = Call {
                idempotent: true,
                ..POST
            };
            assert!(policy
                .next_delay(&http(status), marked, 1, Duration::ZERO, None)
                .is_some());
        }
        for status in [400, 401, 404, 408, 500, 501, 505] {
            assert!(policy
                .next_delay(&http(status), GET, 1, Duration::ZERO, None)
                .is_none());
        }
        for method in [Method::Put, Method::Delete] {
            let call = Call { method, ..GET };
            assert!(policy
                .next_delay(&http(502), call, 1, Duration::ZERO, None)
                .is_some());
        }
        let patch = Call {
            method: Method::Patch,
            ..GET
        };
        assert!(policy
            .next_delay(&http(502), patch, 1, Duration::ZERO, None)
            .is_none());
    }

    #[test]
    fn attempts_and_budget_bound_retries() {
        let policy = RetryPolicy::new()
            .max_attempts(3)
            .max_elapsed(Duration::from_secs(1));
        assert!(policy
            .next_delay(&http(503), GET, 2, Duration::ZERO, None)
            .is_some());
        assert!(policy
            .next_delay(&http(503), GET, 3, Duration::ZERO, None)
            .is_none());
        let hint = Some(Duration::from_millis(600));
        assert!(policy
            .next_delay(&http(503), GET, 1, Duration::from_millis(500), hint)
            .is_none());
        assert_eq!(
            policy.next_delay(&http(503), GET, 1, Duration::from_millis(100), hint),
            hint
        );
        // Longer than the cap: give up rather than sleep.
        let long = Some(Duration::from_secs(6));
        let roomy = RetryPolicy::new().max_elapsed(Duration::from_secs(60));
        assert!(roomy
            .next_delay(&http(429), GET, 1, Duration::ZERO, long)
            .is_none());
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn backoff_is_capped_full_jitter() {
        let policy = RetryPolicy::new()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(250));
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(policy.backoff(3) <= Duration::from_millis(250));
            assert!(policy.backoff(u32::MAX) <= Duration::from_millis(250));
        }
        let zero = RetryPolicy::new().base_delay(Duration::ZERO);
        assert_eq!(zero.backoff(5), Duration::ZERO);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        let error = http(503);
        assert_eq!(server_delay(503, &headers, &error, now), None);

        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(
            server_delay(503, &headers, &error, now),
            Some(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&date).unwrap());
        assert_eq!(
            server_delay(503, &headers, &error, now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&past).unwrap());
        assert_eq!(
            server_delay(503, &headers, &error, now),
            Some(Duration::ZERO)
        );
        for garbage in [&b"soon"[..], b"-1", b"1.5", b"\xff", b""] {
            headers.insert(RETRY_AFTER, HeaderValue::from_bytes(garbage).unwrap());
            assert_eq!(server_delay(503, &headers, &error, now), None);
        }
    }

    #[test]
    fn rate_limit_reset_counts_for_429_only() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let limited = |status| Error::Http {
            operation: "Op",
            status,
            body: crate::ErrorBody::default(),
            rate_limit: Some(crate::RateLimit {
                reset: chrono::DateTime::from_timestamp(1_700_000_004, 0),
                ..crate::RateLimit::default()
            }),
            attempts: 1,
        };
        let headers = HeaderMap::new();
        assert_eq!(
            server_delay(429, &headers, &limited(429), now),
            Some(Duration::from_secs(4))
        );
        assert_eq!(server_delay(503, &headers, &limited(503), now), None);
    }
}
