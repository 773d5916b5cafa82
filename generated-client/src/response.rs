//! [`ApiResponse`]: a decoded 2xx response with its status, headers, rate limit and attempts.

use std::ops::Deref;

use reqwest::header::HeaderMap;

use crate::rate_limit::RateLimit;

/// A decoded 2xx response: the body, plus the status, headers and rate-limit state.
///
/// Derefs to the body, so `response.field` reads a field of the body directly; use
/// [`ApiResponse::into_inner`] to take the body out.
#[derive(Clone, Debug)]
pub struct ApiResponse<T> {
    status: u16,
    headers: HeaderMap,
    rate_limit: Option<RateLimit>,
    attempts: u32,
    body: T,
}

impl<T> ApiResponse<T> {
    pub(crate) fn new(status: u16, headers: HeaderMap, attempts: u32, body: T) -> Self {
        let rate_limit = RateLimit::from_headers(&headers);
        Self {
            status,
            headers,
            rate_limit,
            attempts,
            body,
        }
    }

    /// How many times the request was sent: 1, or more when the
    /// [`RetryPolicy`](crate::RetryPolicy) retried it.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The HTTP status code (some 2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The rate-limit state from the `X-RateLimit-*` headers, if the server sent them.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.rate_limit.as_ref()
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Takes the decoded body, dropping the rest.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// Converts the body with `f`, keeping status, headers and rate limit.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            status: self.status,
            headers: self.headers,
            rate_limit: self.rate_limit,
            attempts: self.attempts,
            body: f(self.body),
        }
    }
}

impl<T: crate::WireObject> ApiResponse<T> {
    /// Where the body departed from the spec: fields absent or `null` against the spec,
    /// unknown keys, unknown enum values, values of the wrong type (see [`crate::mismatch`]).
    /// Empty when the body matched the spec.
    pub fn mismatches(&self) -> &[crate::Mismatch] {
        self.body.mismatches()
    }
}

impl<T> Deref for ApiResponse<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> AsRef<T> for ApiResponse<T> {
    fn as_ref(&self) -> &T {
        &self.body
    }
}
