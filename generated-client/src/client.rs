//! The client: configuration, authentication headers, sending requests and mapping responses.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, USER_AGENT,
};
use reqwest::Url;
use serde::de::DeserializeOwned;
use tracing::field::Empty;
use tracing::Instrument as _;

use crate::auth::{Auth, Secret};
use crate::body::{self, ErrorBody, DEFAULT_MAX_BODY_SIZE, MAX_ERROR_BODY_SIZE};
use crate::client_id::{CLIENT_ID, USER_AGENT_PRODUCT};
use crate::excerpt::excerpt;
use crate::request::{Body, Part, Request};
use crate::response::CallOptions;
use crate::retry::{server_delay, Call, Decision};
use crate::ApiError;
use crate::{ApiResponse, Error, RateLimit, ResponseFuture, RetryPolicy};

/// The production API endpoint.
pub const DEFAULT_BASE_URL: &str = "https://chat.stream-io-api.com";

/// The default timeout of a whole request, as in the official SDKs.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(6);

/// The default timeout of a whole multipart upload request (file and image uploads).
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(60);

const STREAM_AUTH_TYPE: HeaderName = HeaderName::from_static("stream-auth-type");
const X_STREAM_CLIENT: HeaderName = HeaderName::from_static("x-stream-client");

/// A Stream Chat API client.
///
/// Built with [`Client::builder`]; the endpoint methods are generated (one per API operation).
/// Cloning is cheap (the state is shared behind an `Arc`), and a client can be used from many
/// tasks at once. Its `Debug` output never shows the secret or the token.
///
/// Each call runs in a `tracing` span named `stream_chat.request` with the fields `operation`,
/// `method`, `path` (the template, e.g. `/channels/{type}/{id}`), `status`, `attempts`,
/// `duration_ms`, `error` (see [`Error::kind`]) and, when the call failed after it was sent,
/// `retry`: why it was not sent again (`not_transient`, `not_idempotent`, `max_attempts`,
/// `max_delay` or `max_elapsed`; see [`RetryPolicy`]). Each retry emits a `retrying` event
/// with `attempt`, `delay_ms`, `error`, `status` and `reason` (`connect_failed` or
/// `transient_status`). Headers, tokens, the API key, query values and bodies are
/// never recorded.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// The real-time connection whose current ID this client sends to the operations that take
    /// one (`Client::with_connection`).
    #[cfg(feature = "ws")]
    pub(crate) connection: Option<crate::ws::Bound>,
}

struct Inner {
    #[allow(
        dead_code,
        reason = "only generated code uses it, and cargo features may leave that code out"
    )]
    http: reqwest::Client,
    /// Whether `http` is the client's own (built without redirects) or a caller's.
    own_http: bool,
    api_key: String,
    /// Without a trailing slash, so that `base_url + "/path"` is right.
    base_url: String,
    auth: Auth,
    timeout: Duration,
    upload_timeout: Duration,
    /// `None` with a caller's `reqwest::Client`, whose own setting applies.
    connect_timeout: Option<Duration>,
    max_body_size: u64,
    retry: RetryPolicy,
    /// The `User-Agent` header's value (also sent on the websocket upgrade).
    user_agent: String,
    /// `Stream-Auth-Type`, `Authorization` (marked sensitive), `X-Stream-Client`,
    /// `User-Agent`, `Accept`.
    #[allow(
        dead_code,
        reason = "only generated code uses it, and cargo features may leave that code out"
    )]
    headers: HeaderMap,
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
    /// Starts building a client for the app with this API key. Choose the authentication with
    /// [`ClientBuilder::server_side`], [`ClientBuilder::user_token`] or
    /// [`ClientBuilder::anonymous`].
    pub fn builder(api_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            api_key: api_key.into(),
            auth: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
            connect_timeout: None,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            retry: RetryPolicy::none(),
            user_agent_product: None,
            http: None,
        }
    }

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

    /// Prepares a request built by a generated endpoint method; the future sends it when first
    /// polled and decodes a 2xx body as `T`.
    ///
    /// Only the decoding is generic: sending is one non-generic async function behind a boxed
    /// future, so each of the ~150 response types adds a small `poll` and a decoder instead of
    /// a copy of the whole request path, and each method returns a plain, nameable type.
    #[allow(
        dead_code,
        reason = "only generated code uses it, and cargo features may leave that code out"
    )]
    pub(crate) fn execute<T: DeserializeOwned>(&self, request: Request) -> ResponseFuture<'_, T> {
        ResponseFuture::new(self, request)
    }

    /// Sends a request, retrying as the policy allows, and returns the 2xx response or the
    /// error of the last attempt; all of it inside the call's `stream_chat.request` span.
    pub(crate) async fn send(
        &self,
        request: Request,
        options: CallOptions,
    ) -> Result<RawResponse, Error> {
        let operation = request.operation;
        let span = tracing::info_span!(
            "stream_chat.request",
            operation = operation.name,
            method = operation.method.as_str(),
            path = operation.path,
            status = Empty,
            attempts = Empty,
            duration_ms = Empty,
            error = Empty,
            retry = Empty,
        );
        let started = Instant::now();
        let mut result = self
            .send_with_retries(request, options, started)
            .instrument(span.clone())
            .await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("duration_ms", duration_ms);
        match &mut result {
            Ok(raw) => {
                span.record("status", raw.status);
                span.record("attempts", raw.attempts);
                // The body is decoded later, by the typed future: it records a failure here.
                raw.span = span;
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status);
                }
                if let Some(attempts) = error.attempts() {
                    span.record("attempts", attempts);
                }
                span.record("error", error.kind());
            }
        }
        result
    }

    async fn send_with_retries(
        &self,
        request: Request,
        options: CallOptions,
        started: Instant,
    ) -> Result<RawResponse, Error> {
        let prepared = self.prepare(request, options.connection_id.as_deref())?;
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let timeout = options.timeout.unwrap_or(match prepared.body {
            PreparedBody::Multipart(_) => self.inner.upload_timeout,
            _ => self.inner.timeout,
        });
        let limits = Limits {
            timeout,
            max_body_size: options.max_body_size.unwrap_or(self.inner.max_body_size),
        };
        let call = Call {
            method: prepared.operation.method,
            idempotent: options.idempotent,
            connect_error_is_unsent: self.inner.own_http,
        };
        let mut attempts = 0;
        loop {
            attempts += 1;
            let url = self.attempt_url(&prepared, timeout).await?;
            let (mut error, hint) = match self.attempt(&prepared, &url, limits, attempts).await {
                Ok(raw) => return Ok(raw),
                Err(failure) => failure,
            };
            error.set_attempts(attempts);
            let (delay, reason) =
                match policy.decide(&error, call, attempts, started.elapsed(), hint) {
                    Decision::Retry { delay, reason } => (delay, reason),
                    Decision::GiveUp(reason) => {
                        tracing::Span::current().record("retry", reason.as_str());
                        return Err(error);
                    }
                };
            tracing::info!(
                attempt = attempts,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                error = error.kind(),
                status = error.status(),
                reason = reason.as_str(),
                "retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// Checks and encodes what every attempt sends; `connection_id` is the call's own
    /// ([`ResponseFuture::connection_id`]).
    fn prepare(&self, request: Request, connection_id: Option<&str>) -> Result<Prepared, Error> {
        let Request {
            operation,
            path,
            query,
            body,
            encode_error,
        } = request;
        let name = operation.name;
        if let Some(error) = encode_error {
            return Err(Error::Encode {
                operation: name,
                message: error.to_string(),
                source: Some(error),
            });
        }
        let mut url = Url::parse(&format!("{}{}", self.inner.base_url, path))
            .map_err(|error| encode(name, error))?;
        url.query_pairs_mut()
            .append_pair("api_key", &self.inner.api_key)
            .extend_pairs(query);
        if let Some(id) = connection_id {
            let Some(param) = operation.connection_id_param else {
                return Err(Error::Encode {
                    operation: name,
                    message: "the operation takes no real-time connection ID".to_owned(),
                    source: None,
                });
            };
            url.query_pairs_mut().append_pair(param, id);
        }
        let body = match body {
            Body::Json(bytes) => PreparedBody::Json(Bytes::from(bytes)),
            Body::Multipart(parts) => {
                // Fails early on a bad content type, before anything is sent.
                multipart_form(name, &parts)?;
                PreparedBody::Multipart(parts)
            }
            Body::None => PreparedBody::None,
        };
        Ok(Prepared {
            operation,
            url,
            body,
            #[cfg(feature = "ws")]
            bound: connection_id.is_none() && operation.connection_id_param.is_some(),
        })
    }

    /// The URL of one attempt: the prepared one, with the current ID of the bound real-time
    /// connection when the operation takes one and the call set none (the ID changes with
    /// every reconnect). While the connection reconnects, waits up to `wait` for its new ID.
    async fn attempt_url<'p>(
        &self,
        prepared: &'p Prepared,
        wait: Duration,
    ) -> Result<std::borrow::Cow<'p, Url>, Error> {
        #[cfg(feature = "ws")]
        if let (true, Some(connection), Some(param)) = (
            prepared.bound,
            &self.connection,
            prepared.operation.connection_id_param,
        ) {
            let id = connection
                .connection_id(prepared.operation.name, wait)
                .await?;
            let mut url = prepared.url.clone();
            url.query_pairs_mut().append_pair(param, &id);
            return Ok(std::borrow::Cow::Owned(url));
        }
        let _ = wait;
        Ok(std::borrow::Cow::Borrowed(&prepared.url))
    }

    /// Sends the request once; a failure comes with the wait that the response asked for.
    async fn attempt(
        &self,
        prepared: &Prepared,
        url: &Url,
        limits: Limits,
        attempts: u32,
    ) -> Result<RawResponse, (Error, Option<Duration>)> {
        let name = prepared.operation.name;
        let transport = |source: reqwest::Error| {
            let error = self.transport_error(name, url, source, limits, attempts);
            (error, None)
        };
        let mut builder = self
            .inner
            .http
            .request(prepared.operation.method.to_reqwest(), url.clone())
            .headers(self.inner.headers.clone())
            .timeout(limits.timeout);
        builder = match &prepared.body {
            PreparedBody::None => builder,
            PreparedBody::Json(bytes) => builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes.clone()),
            PreparedBody::Multipart(parts) => {
                builder.multipart(multipart_form(name, parts).map_err(|error| (error, None))?)
            }
        };

        let mut response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if !same_resource(response.url(), url) {
            // A caller's reqwest client followed a redirect: the answer is not the API's.
            let error = Error::Redirect {
                operation: name,
                status: None,
                location: Some(without_query(response.url())),
                source: None,
                rate_limit: None,
                attempts,
            };
            return Err((error, None));
        }
        if (300..400).contains(&status) {
            // Not read: dropping the response closes the connection.
            let error = Error::Redirect {
                operation: name,
                status: Some(status),
                location: location(&headers, url),
                source: None,
                rate_limit: RateLimit::from_headers(&headers),
                attempts,
            };
            return Err((error, None));
        }

        if (200..300).contains(&status) {
            let limit = limits.max_body_size;
            let too_large = |received| Error::BodyTooLarge {
                operation: name,
                status,
                limit,
                received,
                rate_limit: RateLimit::from_headers(&headers),
                attempts,
            };
            if response
                .content_length()
                .is_some_and(|length| length > limit)
            {
                return Err((too_large(0), None));
            }
            let body = body::read_limited(&mut response, limit)
                .await
                .map_err(transport)?;
            if !body.complete {
                return Err((too_large(body.received), None));
            }
            Ok(RawResponse {
                operation: name,
                status,
                headers,
                bytes: body.bytes,
                attempts,
                span: tracing::Span::none(),
            })
        } else {
            let cap = MAX_ERROR_BODY_SIZE.min(limits.max_body_size);
            let body = body::read_limited(&mut response, cap)
                .await
                .map_err(transport)?;
            let error = error_from_response(
                name,
                status,
                &headers,
                ErrorBody::new(&body.bytes, !body.complete),
                attempts,
            );
            let hint = server_delay(status, &headers, &error, SystemTime::now());
            Err((error, hint))
        }
    }

    /// The error for a failure of the HTTP client: a timeout, a transport error, or the
    /// redirect policy error of a caller's client (too many redirects). The error's URL loses
    /// its query (API key, query values) so that no message shows it.
    fn transport_error(
        &self,
        operation: &'static str,
        url: &Url,
        mut source: reqwest::Error,
        limits: Limits,
        attempts: u32,
    ) -> Error {
        if let Some(at) = source.url_mut() {
            at.set_query(None);
            at.set_fragment(None);
        }
        if source.is_redirect() {
            // The server answered with a redirect, so the request reached it.
            return Error::Redirect {
                operation,
                status: None,
                location: source
                    .url()
                    .filter(|at| !same_resource(at, url))
                    .map(without_query),
                source: Some(source),
                rate_limit: None,
                attempts,
            };
        }
        if source.is_timeout() {
            let after = match self.inner.connect_timeout {
                Some(connect) if source.is_connect() => connect,
                _ => limits.timeout,
            };
            Error::Timeout {
                operation,
                after,
                source,
                attempts,
            }
        } else {
            Error::Transport {
                operation,
                source,
                attempts,
            }
        }
    }
}

/// The timeout and body limit of one call's attempts.
#[derive(Clone, Copy, Debug)]
struct Limits {
    timeout: Duration,
    max_body_size: u64,
}

/// Whether `url` is the request's URL, up to the query (scheme, host, port and path).
fn same_resource(url: &Url, request: &Url) -> bool {
    url.scheme() == request.scheme()
        && url.host_str() == request.host_str()
        && url.port_or_known_default() == request.port_or_known_default()
        && url.path() == request.path()
}

/// A URL without its credentials, query and fragment: safe to show.
fn without_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    // Fails only for URLs that cannot have credentials, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.into()
}

/// A redirect's target: its `Location` resolved against the request's URL, without the query.
fn location(headers: &HeaderMap, request: &Url) -> Option<String> {
    let value = headers.get(LOCATION)?.to_str().ok()?;
    request
        .join(value.trim())
        .ok()
        .map(|url| without_query(&url))
}

/// A request checked and encoded once, sent by each attempt.
struct Prepared {
    operation: &'static crate::OperationInfo,
    /// Without the bound connection's ID, which each attempt adds (`Client::attempt_url`).
    url: Url,
    body: PreparedBody,
    /// Each attempt sends the bound connection's current ID, if the client has one.
    #[cfg(feature = "ws")]
    bound: bool,
}

/// The body of a prepared request: cheap to clone per attempt (files are `Bytes`).
enum PreparedBody {
    None,
    Json(Bytes),
    Multipart(Vec<Part>),
}

#[allow(
    dead_code,
    reason = "only generated code uses it, and cargo features may leave that code out"
)]
fn encode(operation: &'static str, error: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Encode {
        operation,
        message: error.to_string(),
        source: Some(Box::new(error)),
    }
}

fn multipart_form(
    operation: &'static str,
    parts: &[Part],
) -> Result<reqwest::multipart::Form, Error> {
    use reqwest::multipart::{Form, Part as FormPart};

    let mut form = Form::new();
    for part in parts {
        form = match part {
            Part::Text { name, value } => form.text(*name, value.clone()),
            Part::File { name, file } => {
                let length = file.bytes.len() as u64;
                let content = FormPart::stream_with_length(file.bytes.clone(), length)
                    .file_name(file.file_name.clone())
                    .mime_str(&file.content_type)
                    .map_err(|error| Error::Encode {
                        operation,
                        message: format!(
                            "invalid content type {:?} of file part `{name}`",
                            file.content_type
                        ),
                        source: Some(Box::new(error)),
                    })?;
                form.part(*name, content)
            }
        };
    }
    Ok(form)
}

/// A 2xx response whose body is not decoded yet.
pub(crate) struct RawResponse {
    operation: &'static str,
    status: u16,
    headers: HeaderMap,
    bytes: Bytes,
    attempts: u32,
    /// The call's `stream_chat.request` span, which gets `error = "decode"` if decoding fails.
    span: tracing::Span,
}

impl RawResponse {
    /// Decodes the body as `T`, or says which field failed.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        // Mismatch records are logged while decoding: inside the call's span.
        let decoded = self.span.in_scope(|| decode::<T>(&self.bytes));
        match decoded {
            Ok(body) => Ok(ApiResponse::new(
                self.status,
                self.headers,
                self.attempts,
                body,
            )),
            Err((path, source)) => {
                self.span.record("error", "decode");
                Err(Error::Decode {
                    operation: self.operation,
                    status: self.status,
                    path,
                    source,
                    body_excerpt: excerpt(&self.bytes),
                    rate_limit: RateLimit::from_headers(&self.headers),
                    attempts: self.attempts,
                })
            }
        }
    }
}

/// Decodes a success body by the crate's decoding rule (`crate::decode`); an empty body decodes
/// as `{}`, like a body with every field absent.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, (String, serde_json::Error)> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        bytes
    };
    crate::decode::from_slice(bytes, None).map_err(|error| (error.path, error.source))
}

/// Maps a non-2xx response: an API error body becomes [`Error::Api`], anything else
/// [`Error::Http`].
fn error_from_response(
    operation: &'static str,
    status: u16,
    headers: &HeaderMap,
    body: ErrorBody,
    attempts: u32,
) -> Error {
    let rate_limit = RateLimit::from_headers(headers);
    // Only a JSON object is an error body: serde would also accept an array for a struct.
    let api_error = match serde_json::from_str::<serde_json::Value>(&body) {
        Ok(value @ serde_json::Value::Object(_)) => serde_json::from_value::<ApiError>(value).ok(),
        _ => None,
    };
    match api_error {
        Some(error) if error.code != 0 || !error.message.is_empty() => Error::Api {
            operation,
            status,
            error: Box::new(error),
            rate_limit,
            attempts,
        },
        _ => Error::Http {
            operation,
            status,
            body,
            rate_limit,
            attempts,
        },
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    api_key: String,
    auth: Option<Auth>,
    base_url: String,
    timeout: Duration,
    upload_timeout: Duration,
    connect_timeout: Option<Duration>,
    max_body_size: u64,
    retry: RetryPolicy,
    user_agent_product: Option<String>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Server-side authentication with the app's API secret: the client signs a server token
    /// once, in [`ClientBuilder::build`]. For back ends only.
    pub fn server_side(self, secret: impl Into<Secret>) -> Self {
        self.auth(Auth::ServerSide(secret.into()))
    }

    /// Client-side authentication with a user token made by your back end (see
    /// [`UserToken`](crate::UserToken)). A `Bearer ` prefix, if any, is removed.
    pub fn user_token(self, token: impl Into<Secret>) -> Self {
        self.auth(Auth::UserToken(token.into()))
    }

    /// Anonymous access: no `Authorization` header; only a few endpoints allow it.
    pub fn anonymous(self) -> Self {
        self.auth(Auth::Anonymous)
    }

    /// Sets the authentication mode.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Sets the base URL (default [`DEFAULT_BASE_URL`], `https://chat.stream-io-api.com`), e.g.
    /// a regional endpoint or a local test server. It may include a path prefix.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sets the timeout of a whole request, from connecting to reading the body (default 6 s,
    /// as in the official SDKs). A request that takes longer fails with [`Error::Timeout`].
    /// Multipart uploads use [`upload_timeout`](Self::upload_timeout) instead; a call can set
    /// its own with [`ResponseFuture::timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the timeout of a whole multipart upload request (file and image uploads; default
    /// [`DEFAULT_UPLOAD_TIMEOUT`], 60 s), which send more than the other calls.
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.upload_timeout = timeout;
        self
    }

    /// Sets the timeout of opening a connection (TCP and TLS; default none, so only the request
    /// timeout bounds it). A connection not opened in time fails with [`Error::Timeout`], for
    /// which [`Error::is_connect`] is true, so a retry policy may retry it. Ignored with
    /// [`http_client`](Self::http_client): configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sets the largest response body a call reads, counted after gzip/deflate decoding
    /// (default [`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE), 64 MiB, which holds
    /// Stream's largest answers with room to spare). A 2xx body past it fails the call with
    /// [`Error::BodyTooLarge`] as soon as the limit is passed (or at once when the
    /// `Content-Length` says so), so memory stays bounded whatever the server sends. Non-2xx
    /// bodies are read up to [`MAX_ERROR_BODY_SIZE`](crate::MAX_ERROR_BODY_SIZE) (64 KiB) or
    /// this limit if smaller. A call can set its own with [`ResponseFuture::max_body_size`].
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Adds your application's product token in front of the client's in the `User-Agent`
    /// header of every request and of the websocket upgrade: `.user_agent_product("my-app/2.1")`
    /// sends `User-Agent: my-app/2.1 stream-chat-rust/0.1.0` (by default only
    /// [`USER_AGENT_PRODUCT`]). The `X-Stream-Client` header, which Stream reads as the SDK's
    /// name and version, stays the client's.
    pub fn user_agent_product(mut self, product: impl Into<String>) -> Self {
        self.user_agent_product = Some(product.into());
        self
    }

    /// Sets the retry policy of every call (default [`RetryPolicy::none`]: no retries); a call
    /// can set its own with [`ResponseFuture::retry_policy`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends the requests with this `reqwest` client instead of one built by the builder, to
    /// use a proxy, custom TLS roots or client certificates, or to share a connection pool.
    /// Name it through the re-export [`crate::reqwest`] so that the versions match.
    ///
    /// The builder's [`connect_timeout`](Self::connect_timeout) does not apply to it (set it
    /// on the `reqwest` client); the request and upload timeouts and the body limit do, per
    /// request. Gzip and deflate decoding are the `reqwest` client's settings.
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`: the client's own never
    /// follows redirects (Stream's API does not redirect), but a `reqwest` client follows up
    /// to 10 by default, re-sending the request to the target (a `POST` body too, on 307 and
    /// 308) with a `Referer` that holds the request's URL and query (the API key and query
    /// values). The client detects a redirect that was followed and fails the call with
    /// [`Error::Redirect`] instead of returning the target's answer, but by then the target
    /// has seen the request. And when following fails to connect to the target, `reqwest`
    /// reports a connect error for the original URL, which cannot be told apart from a
    /// connection that was never opened: so with a caller's client, the
    /// [`RetryPolicy`] retries connect errors only for calls safe to repeat.
    ///
    /// ```
    /// use stream_chat_client::reqwest;
    ///
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let client = stream_chat_client::Client::builder("my-api-key")
    ///     .anonymous()
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] when no authentication mode was chosen, the base URL is not
    /// an `http`/`https` URL, the API key, token or user-agent product cannot be sent in a
    /// header or URL, or the HTTP client cannot be set up (e.g. no TLS roots).
    pub fn build(self) -> Result<Client, Error> {
        let auth = self.auth.ok_or_else(|| {
            Error::Config(
                "no authentication chosen: call server_side, user_token or anonymous".to_owned(),
            )
        })?;
        let auth = match auth {
            Auth::UserToken(token) => match token.expose().strip_prefix("Bearer ") {
                Some(bare) => Auth::UserToken(Secret::new(bare.trim())),
                None => Auth::UserToken(token),
            },
            other => other,
        };

        if self.api_key.trim().is_empty() {
            return Err(Error::Config("the API key is empty".to_owned()));
        }
        let base_url = self.base_url.trim().trim_end_matches('/').to_owned();
        match Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
                if url.query().is_some() || url.fragment().is_some() {
                    return Err(Error::Config(format!(
                        "base URL {base_url:?} must not have a query or fragment"
                    )));
                }
            }
            _ => {
                return Err(Error::Config(format!(
                    "base URL {base_url:?} is not an http(s) URL"
                )))
            }
        }

        let mut headers = HeaderMap::new();
        headers.insert(STREAM_AUTH_TYPE, HeaderValue::from_static(auth.auth_type()));
        if let Some(token) = auth.token() {
            let mut value = HeaderValue::from_str(token.expose()).map_err(|_| {
                Error::Config("the token contains characters not allowed in a header".to_owned())
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        headers.insert(X_STREAM_CLIENT, HeaderValue::from_static(CLIENT_ID));
        let user_agent = match self.user_agent_product.as_deref().map(str::trim) {
            Some("") | None => USER_AGENT_PRODUCT.to_owned(),
            Some(product) => format!("{product} {USER_AGENT_PRODUCT}"),
        };
        let user_agent_value = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::Config(format!(
                "the user-agent product {:?} contains characters not allowed in a header",
                self.user_agent_product.unwrap_or_default()
            ))
        })?;
        headers.insert(USER_AGENT, user_agent_value);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));

        let own_http = self.http.is_none();
        let (http, connect_timeout) = match self.http {
            Some(http) => (http, None),
            None => {
                // Stream's API never redirects: a 3xx is returned as an error, never followed
                // (following would re-send the request, and leak its URL in a `Referer`).
                let mut builder = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .referer(false);
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                let http = builder
                    .build()
                    .map_err(|error| Error::Config(format!("cannot set up HTTP: {error}")))?;
                (http, self.connect_timeout)
            }
        };

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                own_http,
                api_key: self.api_key,
                base_url,
                auth,
                timeout: self.timeout,
                upload_timeout: self.upload_timeout,
                connect_timeout,
                max_body_size: self.max_body_size,
                retry: self.retry,
                user_agent,
                headers,
            }),
            #[cfg(feature = "ws")]
            connection: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::server_token;

    const JACK_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiamFjayJ9.pO3Fa8TJnPXsl62-XHK94S8hFk6dUz_2Q9au6H5xBSQ";

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }

    #[test]
    fn debug_never_shows_secrets() {
        let client = Client::builder("key")
            .server_side("top-secret")
            .build()
            .unwrap();
        let token = server_token(&Secret::new("top-secret"));
        let debug = format!("{client:?}");
        assert!(!debug.contains("top-secret"), "{debug}");
        assert!(!debug.contains(&token), "{debug}");
        assert!(!debug.contains("eyJ"), "{debug}");
        assert!(debug.contains("server-side"), "{debug}");
        let alternate = format!("{client:#?}");
        assert!(!alternate.contains("top-secret") && !alternate.contains("eyJ"));

        let builder = Client::builder("key").server_side("top-secret");
        assert!(!format!("{builder:?}").contains("top-secret"));

        let client = Client::builder("key")
            .user_token(JACK_TOKEN)
            .build()
            .unwrap();
        let debug = format!("{client:?}");
        assert!(
            !debug.contains(JACK_TOKEN) && !debug.contains("eyJ"),
            "{debug}"
        );
        assert!(!format!("{:?}", client.auth()).contains("eyJ"));
    }

    #[test]
    fn headers_per_mode() {
        let server = Client::builder("key")
            .server_side("top-secret")
            .build()
            .unwrap();
        let h = &server.inner.headers;
        assert_eq!(h["stream-auth-type"], "jwt");
        assert_eq!(
            h[AUTHORIZATION],
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.-hJRcjmUOcS0P-Pllpe8gnOtMINmm7Ktebd3eKUroAc"
        );
        assert!(h[AUTHORIZATION].is_sensitive());
        assert_eq!(
            h["x-stream-client"],
            concat!("stream-chat-rust-client-", env!("CARGO_PKG_VERSION"))
        );

        let user = Client::builder("key")
            .user_token(format!("Bearer {JACK_TOKEN}"))
            .build()
            .unwrap();
        assert_eq!(user.inner.headers[AUTHORIZATION], JACK_TOKEN);

        let anonymous = Client::builder("key").anonymous().build().unwrap();
        assert_eq!(anonymous.inner.headers["stream-auth-type"], "anonymous");
        assert!(anonymous.inner.headers.get(AUTHORIZATION).is_none());
    }

    #[test]
    fn builder_validation() {
        assert!(matches!(
            Client::builder("key").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            Client::builder("").anonymous().build(),
            Err(Error::Config(_))
        ));
        for url in [
            "chat.stream-io-api.com",
            "ftp://x",
            "http://",
            "http://x/?a=b",
            "not a url",
        ] {
            let result = Client::builder("key").anonymous().base_url(url).build();
            assert!(matches!(result, Err(Error::Config(_))), "{url}");
        }
        assert!(matches!(
            Client::builder("key").user_token("bad\ntoken").build(),
            Err(Error::Config(_))
        ));
        let client = Client::builder("key")
            .anonymous()
            .base_url("http://127.0.0.1:3030/prefix/")
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:3030/prefix");
        assert_eq!(client.timeout(), Duration::from_secs(1));
        assert_eq!(
            Client::builder("key")
                .anonymous()
                .build()
                .unwrap()
                .base_url(),
            DEFAULT_BASE_URL
        );
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Optional {
        duration: Option<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Nested {
        channel: Channel,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Channel {
        members: Vec<Member>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Member {
        id: String,
    }

    #[test]
    fn empty_bodies_decode_as_empty_objects() {
        assert_eq!(
            decode::<Optional>(b"").unwrap(),
            Optional { duration: None }
        );
        assert_eq!(
            decode::<Optional>(b" \n").unwrap(),
            Optional { duration: None }
        );
        assert_eq!(
            decode::<serde_json::Value>(b"").unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn decode_errors_name_the_field() {
        // Generated types take values of the wrong type (crate::decode); a body that breaks
        // off names where it did.
        let (path, error) =
            decode::<Nested>(br#"{"channel":{"members":[{"id":"a"},{"id":"#).unwrap_err();
        assert_eq!(path, "channel.members[1].id");
        assert!(error.is_eof(), "{error}");
        let (path, _) = decode::<Optional>(b"{} trailing").unwrap_err();
        assert_eq!(path, ".");
        assert!(decode::<Nested>(b"<html>").is_err());
    }

    #[test]
    fn error_bodies() {
        let headers = HeaderMap::new();
        let api = error_from_response(
            "Op",
            400,
            &headers,
            ErrorBody::new(br#"{"code":4,"message":"bad","StatusCode":400,"duration":"1ms","more_info":"https://x","details":[],"unrecoverable":true,"exception_fields":{"id":"missing"}}"#, false),
            1,
        );
        let error = api.api_error().unwrap();
        assert_eq!((error.code, error.status_code), (4, 400));
        assert_eq!(error.unrecoverable, Some(true));
        assert_eq!(error.exception_fields.as_ref().unwrap()["id"], "missing");

        for body in [
            &b""[..],
            b"Bad Gateway",
            b"<html></html>",
            b"{}",
            b"[1]",
            b"\xff",
        ] {
            let error = error_from_response("Op", 502, &headers, ErrorBody::new(body, false), 1);
            assert!(
                matches!(error, Error::Http { status: 502, .. }),
                "{error:?}"
            );
        }
    }
}
