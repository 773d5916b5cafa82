//! The successful result of a call.

use std::ops::Deref;

use reqwest::header::HeaderMap;

use crate::RateLimit;

/// A decoded 2xx response: the body, plus the status, headers and rate-limit state.
///
/// Derefs to the body, so `response.field` reads a field of the body directly; use
/// [`ApiResponse::into_inner`] to take the body out.
#[derive(Clone, Debug)]
pub struct ApiResponse<T> {
    status: u16,
    headers: HeaderMap,
    rate_limit: Option<RateLimit>,
    body: T,
}

impl<T> ApiResponse<T> {
    pub(crate) fn new(status: u16, headers: HeaderMap, body: T) -> Self {
        let rate_limit = RateLimit::from_headers(&headers);
        Self {
            status,
            headers,
            rate_limit,
            body,
        }
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
            body: f(self.body),
        }
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
