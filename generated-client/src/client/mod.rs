//! Configuration: [`Client`] (what every call shares: the HTTP client, credentials and
//! headers, timeouts, the body limit, the retry policy) and [`ClientBuilder`] (`builder.rs`);
//! with feature `ws`, the real-time connection a client is bound to, as the sending layer sees
//! it (`connection.rs`). Calls are sent by `send/`, which reads [`Inner`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::Url;

use crate::auth::Auth;
use crate::retry::RetryPolicy;

mod builder;
#[cfg(feature = "ws")]
mod connection;

pub use builder::{ClientBuilder, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, DEFAULT_UPLOAD_TIMEOUT};
#[cfg(feature = "ws")]
pub(crate) use connection::BoundConnection;

/// A Stream Chat API client.
///
/// Built with [`Client::builder`]; the endpoint methods are generated (one per API operation).
/// Cloning is cheap (the state is shared behind an `Arc`), and a client can be used from many
/// tasks at once. Its `Debug` output never shows the secret or the token.
///
/// Each call runs in a `tracing` span named `stream_chat.request` with the fields `operation`,
/// `method`, `path` (the template, e.g. `/channels/{type}/{id}`), `status`, `attempts`,
/// `duration_ms`, `error` (see [`Error::kind`](crate::Error::kind)) and, when the call failed
/// after it was sent, `retry`: why it was not sent again (`not_transient`, `not_idempotent`,
/// `max_attempts`, `max_delay` or `max_elapsed`; see [`RetryPolicy`]). Each retry emits a
/// `retrying` event with `attempt`, `delay_ms`, `error`, `status` and `reason`
/// (`connect_failed` or `transient_status`). Headers, tokens, the API key, query values and
/// bodies are never recorded.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    /// The real-time connection whose current ID this client sends to the operations that take
    /// one (`Client::with_connection`).
    #[cfg(feature = "ws")]
    pub(crate) connection: Option<Arc<dyn BoundConnection>>,
}

/// What every clone of a [`Client`] shares; the sending layer (`send/`) reads it.
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// Whether `http` is the client's own (built without redirects) or a caller's.
    pub(crate) own_http: bool,
    pub(crate) api_key: String,
    /// Without a trailing slash, so that `base_url + "/path"` is right.
    pub(crate) base_url: String,
    /// The base URL with the `api_key` query parameter, parsed once: each request's URL is a
    /// copy with its path set (parsing the whole URL per request cost some 4,000 instructions).
    pub(crate) request_url: Url,
    pub(crate) auth: Auth,
    pub(crate) timeout: Duration,
    pub(crate) upload_timeout: Duration,
    /// `None` with a caller's `reqwest::Client`, whose own setting applies.
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) max_body_size: u64,
    pub(crate) retry: RetryPolicy,
    /// The `User-Agent` header's value (also sent on the websocket upgrade).
    pub(crate) user_agent: String,
    /// `Stream-Auth-Type`, `Authorization` (marked sensitive), `X-Stream-Client`,
    /// `User-Agent`, `Accept`.
    pub(crate) headers: HeaderMap,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Client");
        debug
            .field("api_key", &self.inner.api_key)
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth.mode())
            .field("timeout", &self.inner.timeout)
            .field("upload_timeout", &self.inner.upload_timeout)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("max_body_size", &self.inner.max_body_size)
            .field("retry", &self.inner.retry)
            .field("user_agent", &self.inner.user_agent);
        #[cfg(feature = "ws")]
        debug.field("connection", &self.connection);
        debug.finish_non_exhaustive()
    }
}

impl Client {
    /// The app's API key.
    pub fn api_key(&self) -> &str {
        &self.inner.api_key
    }

    /// The base URL the requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The authentication mode and credentials.
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// The timeout of a whole request.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The timeout of a whole multipart upload request.
    pub fn upload_timeout(&self) -> Duration {
        self.inner.upload_timeout
    }

    /// The timeout of opening a connection, if set on the builder (`None` also when a
    /// caller's [`reqwest::Client`] is used: its own setting applies).
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.inner.connect_timeout
    }

    /// The largest response body (after decompression) a call reads, unless it sets its own.
    pub fn max_body_size(&self) -> u64 {
        self.inner.max_body_size
    }

    /// The retry policy of every call that does not set its own.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The `User-Agent` header every request and the websocket upgrade send, e.g.
    /// `stream-chat-rust/0.1.0`, or `my-app/2.1 stream-chat-rust/0.1.0` with
    /// [`ClientBuilder::user_agent_product`].
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }
}
