//! The successful result of a call, and the future that produces it.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::client::RawResponse;
use crate::{Error, RateLimit};

/// The future every generated method returns: it sends the request when first polled, then
/// decodes a 2xx body as `T`.
///
/// It borrows only the [`Client`](crate::Client), not the method's arguments, and it is `Send`,
/// so it can be spawned or stored (its type can be named, unlike an `async fn`'s).
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ResponseFuture<'a, T> {
    inner: Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'a>>,
    body: PhantomData<fn() -> T>,
}

impl<'a, T> ResponseFuture<'a, T> {
    pub(crate) fn new(
        inner: Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'a>>,
    ) -> Self {
        Self {
            inner,
            body: PhantomData,
        }
    }
}

impl<T: DeserializeOwned> Future for ResponseFuture<'_, T> {
    type Output = Result<ApiResponse<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let raw = ready!(self.inner.as_mut().poll(cx))?;
        Poll::Ready(raw.decode())
    }
}

impl<T> fmt::Debug for ResponseFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("body", &std::any::type_name::<T>())
            .finish_non_exhaustive()
    }
}

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
