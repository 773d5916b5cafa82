//! Shared helpers of the integration tests.
//!
//! The `client_*` tests run the generated client against [`RecordingServer`], a real HTTP/1.1
//! server (axum) on `127.0.0.1` with an OS-chosen port. The server records every request exactly
//! as it arrived ([`Recorded`]: method, raw still-percent-encoded path, raw and decoded query,
//! headers, body bytes) and answers each one with the next [`Prepared`] response of its queue
//! (status, headers, body, optional gzip/deflate encoding, optional delay).
//!
//! ```no_run
//! # async fn run() {
//! use stream_chat_tests::{server_client, Prepared, RecordingServer};
//!
//! let server = RecordingServer::start().await;
//! server.push(Prepared::json(200, serde_json::json!({"duration": "1ms"})));
//! let client = server_client(&server.url());
//! // ... call an endpoint ...
//! let request = server.single_request();
//! assert_eq!(request.method, "GET");
//! # let _ = client;
//! # }
//! ```
//!
//! The realtime tests use [`ws`]: a websocket server on `127.0.0.1` and control of tokio's
//! paused clock. The load test and its benchmark use [`load`]: a keep-alive server that
//! injects failures and counts connections, and a runner that reports latencies.
//! [`fake_stream`] is a fake Stream Chat server (REST and websocket on one port, with channels,
//! members and watchers) for end-to-end tests and the `fake-stream` binary; [`chat_app`] drives
//! the generated client against it as a chat app.

pub mod chat_app;
pub mod fake_stream;
pub mod generated_check;
pub mod load;
pub mod openapi;
pub mod raw;
pub mod ws;

/// The code blocks of the workspace README, compiled as doctests so its example stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

/// The code blocks of the client crate's README (its page on crates.io), compiled likewise.
#[cfg(doctest)]
#[doc = include_str!("../../generated-client/README.md")]
pub struct ClientReadmeExamples;

use std::collections::VecDeque;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use stream_chat_client::{Client, Secret};

/// The API secret of the fictional app in Stream's REST docs.
pub const SECRET: &str = "top-secret";

/// The server-side token for [`SECRET`], as Stream's REST docs print it.
pub const SERVER_TOKEN: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.-hJRcjmUOcS0P-Pllpe8gnOtMINmm7Ktebd3eKUroAc";

/// The user token of user `jack` for [`SECRET`], as Stream's REST docs print it.
pub const JACK_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiamFjayJ9.pO3Fa8TJnPXsl62-XHK94S8hFk6dUz_2Q9au6H5xBSQ";

/// The API key the test clients use.
pub const API_KEY: &str = "key";

/// A server-side client (API key [`API_KEY`], secret [`SECRET`]) for the server at `base_url`.
pub fn server_client(base_url: &str) -> Client {
    Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(base_url)
        .build()
        .expect("valid client configuration")
}

/// A URL on `127.0.0.1` where nothing listens: the port was bound by the OS and released again,
/// so connecting is refused.
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let address = listener.local_addr().expect("bound address");
    drop(listener);
    format!("http://{address}")
}

/// How the server compresses a prepared body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Sent as is, no `Content-Encoding`.
    Identity,
    /// gzip (`Content-Encoding: gzip`).
    Gzip,
    /// zlib-wrapped deflate, as HTTP's `Content-Encoding: deflate` means.
    Deflate,
}

/// A response the server sends for one request.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The HTTP status.
    pub status: u16,
    /// Extra headers, in order; a name may repeat. Values are raw bytes (may be invalid UTF-8).
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body before compression.
    pub body: Vec<u8>,
    /// How the body is compressed on the wire.
    pub encoding: Encoding,
    /// How long the server waits before answering.
    pub delay: Duration,
}

impl Prepared {
    /// A response with this status and body, no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            encoding: Encoding::Identity,
            delay: Duration::ZERO,
        }
    }

    /// A JSON body (`Content-Type: application/json`).
    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Self::new(status, value.to_string()).header("content-type", "application/json")
    }

    /// A plain-text body (`Content-Type: text/plain`), e.g. an HTML page from a proxy.
    pub fn text(status: u16, text: &str) -> Self {
        Self::new(status, text).header("content-type", "text/plain; charset=utf-8")
    }

    /// An empty body.
    pub fn empty(status: u16) -> Self {
        Self::new(status, Vec::new())
    }

    /// Adds a header (a name may be added several times).
    #[must_use]
    pub fn header(self, name: &str, value: &str) -> Self {
        self.header_bytes(name, value.as_bytes())
    }

    /// Adds a header with a raw byte value.
    #[must_use]
    pub fn header_bytes(mut self, name: &str, value: &[u8]) -> Self {
        self.headers.push((name.to_owned(), value.to_vec()));
        self
    }

    /// Adds the three `X-RateLimit-*` headers.
    #[must_use]
    pub fn rate_limit(self, limit: &str, remaining: &str, reset: &str) -> Self {
        self.header("X-RateLimit-Limit", limit)
            .header("X-RateLimit-Remaining", remaining)
            .header("X-RateLimit-Reset", reset)
    }

    /// Compresses the body with gzip.
    #[must_use]
    pub fn gzip(mut self) -> Self {
        self.encoding = Encoding::Gzip;
        self
    }

    /// Compresses the body with deflate (zlib format).
    #[must_use]
    pub fn deflate(mut self) -> Self {
        self.encoding = Encoding::Deflate;
        self
    }

    /// Waits this long before answering.
    #[must_use]
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    fn into_response(self) -> Response {
        let (body, content_encoding) = match self.encoding {
            Encoding::Identity => (self.body, None),
            Encoding::Gzip => {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(&self.body).expect("gzip in memory");
                (encoder.finish().expect("gzip in memory"), Some("gzip"))
            }
            Encoding::Deflate => {
                let mut encoder =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(&self.body).expect("deflate in memory");
                (
                    encoder.finish().expect("deflate in memory"),
                    Some("deflate"),
                )
            }
        };
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = StatusCode::from_u16(self.status).expect("valid status code");
        let headers = response.headers_mut();
        for (name, value) in &self.headers {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).expect("valid header name"),
                HeaderValue::from_bytes(value).expect("valid header value"),
            );
        }
        if let Some(encoding) = content_encoding {
            headers.insert("content-encoding", HeaderValue::from_static(encoding));
        }
        response
    }
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The method, e.g. `"DELETE"`.
    pub method: String,
    /// The path exactly as sent, still percent-encoded, e.g. `/channels/messaging/a%2Fb`.
    pub path: String,
    /// The raw query string (without `?`), still percent-encoded; `None` without a `?`.
    pub raw_query: Option<String>,
    /// The decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// The headers (names lower case, as HTTP/1.1 servers normalize them).
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of the only (or first) header with this name, if it is valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The decoded query pairs as `(&str, &str)`, for comparing with literals.
    pub fn query_pairs(&self) -> Vec<(&str, &str)> {
        self.query
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect()
    }

    /// The body parsed as JSON; panics with the body text when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "request body is not JSON ({error}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

#[derive(Default)]
struct State {
    responses: Mutex<VecDeque<Prepared>>,
    requests: Mutex<Vec<Recorded>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide the recorded data from the others.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An axum app served on `127.0.0.1` (a free port) by a background task, stopped on drop.
pub struct Served {
    address: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Served {
    /// Binds `127.0.0.1:0` and serves `app` in a task of the current Tokio runtime.
    pub async fn start(app: Router) -> Self {
        Self::start_with(app, |listener| listener).await
    }

    /// Like [`Served::start`], with the listener first wrapped by `tap` (e.g. `tap_io` to count
    /// or tune the accepted connections).
    pub async fn start_with<L>(app: Router, tap: impl FnOnce(tokio::net::TcpListener) -> L) -> Self
    where
        L: axum::serve::Listener,
        L::Addr: std::fmt::Debug,
    {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("bound address");
        Self::serve(app, tap(listener), address)
    }

    /// Binds `127.0.0.1:port` (`0`: a free port) and serves `app`; fails when the port cannot
    /// be bound (e.g. it is taken), for callers that chose the port.
    pub async fn bind(port: u16, app: Router) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let address = listener.local_addr()?;
        Ok(Self::serve(app, listener, address))
    }

    fn serve<L>(app: Router, listener: L, address: SocketAddr) -> Self
    where
        L: axum::serve::Listener,
        L::Addr: std::fmt::Debug,
    {
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("server runs");
        });
        Self { address, task }
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A local HTTP server that records requests and answers with prepared responses.
///
/// Started with [`RecordingServer::start`] inside a Tokio runtime; it stops when dropped.
/// A request that finds the queue empty gets `599` with the text `no prepared response`, so a
/// test that sends more requests than it prepared fails loudly.
pub struct RecordingServer {
    server: Served,
    state: Arc<State>,
}

impl RecordingServer {
    /// Binds `127.0.0.1:0` and serves in a background task.
    pub async fn start() -> Self {
        let state = Arc::new(State::default());
        let app = Router::new().fallback(handle).with_state(state.clone());
        Self {
            server: Served::start(app).await,
            state,
        }
    }

    /// Starts a server whose queue holds these responses.
    pub async fn with(responses: impl IntoIterator<Item = Prepared>) -> Self {
        let server = Self::start().await;
        for response in responses {
            server.push(response);
        }
        server
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Queues the response for the next request.
    pub fn push(&self, response: Prepared) {
        lock(&self.state.responses).push_back(response);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state.requests).clone()
    }

    /// The one request received so far; panics if there were none or several.
    pub fn single_request(&self) -> Recorded {
        let mut requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {requests:#?}"
        );
        requests.remove(0)
    }

    /// Takes the requests received so far, leaving none recorded.
    pub fn take_requests(&self) -> Vec<Recorded> {
        std::mem::take(&mut *lock(&self.state.requests))
    }
}

async fn handle(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map(|bytes| bytes.to_vec())
        .unwrap_or_default();
    let raw_query = parts.uri.query().map(str::to_owned);
    let query = raw_query
        .as_deref()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    lock(&state.requests).push(Recorded {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        raw_query,
        query,
        headers: parts.headers,
        body,
    });
    let prepared = lock(&state.responses).pop_front();
    match prepared {
        Some(prepared) => {
            if !prepared.delay.is_zero() {
                tokio::time::sleep(prepared.delay).await;
            }
            prepared.into_response()
        }
        None => Prepared::text(599, "no prepared response").into_response(),
    }
}

/// The `X-Stream-Client` prefix of this SDK.
pub const CLIENT_PREFIX: &str = "stream-chat-rust-client-";

/// Checks everything a server-side client must send: `method`, the raw (percent-encoded)
/// `path`, the decoded query pairs (`api_key` first, then `query`), the headers
/// (`Stream-Auth-Type: jwt`, `Authorization` equal to [`SERVER_TOKEN`] without `Bearer`,
/// `X-Stream-Client`, `User-Agent`, `Accept-Encoding` offering gzip and deflate, `Content-Type:
/// application/json` exactly when there is a body) and the JSON body (`None`: no body).
pub fn assert_server_side_request(
    request: &Recorded,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) {
    assert_eq!(request.method, method, "method of {request:#?}");
    assert_eq!(request.path, path, "raw path of {request:#?}");
    let mut expected_query = vec![("api_key", API_KEY)];
    expected_query.extend_from_slice(query);
    assert_eq!(
        request.query_pairs(),
        expected_query,
        "query of {request:#?}"
    );
    assert!(
        request
            .raw_query
            .as_deref()
            .is_some_and(|q| q.starts_with("api_key=key")),
        "api_key must come first: {:?}",
        request.raw_query
    );

    assert_eq!(request.header("stream-auth-type"), Some("jwt"));
    assert_eq!(request.header("authorization"), Some(SERVER_TOKEN));
    assert_eq!(request.headers.get_all("authorization").iter().count(), 1);
    let client = request.header("x-stream-client").unwrap_or_default();
    assert!(
        client.starts_with(CLIENT_PREFIX),
        "X-Stream-Client: {client:?}"
    );
    assert!(
        client.len() > CLIENT_PREFIX.len(),
        "X-Stream-Client has a version"
    );
    assert_eq!(
        request.header("user-agent"),
        Some(stream_chat_client::USER_AGENT_PRODUCT),
        "User-Agent"
    );
    let accept_encoding = request.header("accept-encoding").unwrap_or_default();
    assert!(
        accept_encoding.contains("gzip") && accept_encoding.contains("deflate"),
        "Accept-Encoding: {accept_encoding:?}"
    );

    match body {
        Some(expected) => {
            assert_eq!(request.header("content-type"), Some("application/json"));
            assert_eq!(&request.json(), expected, "JSON body of {method} {path}");
        }
        None => {
            assert_eq!(
                request.header("content-type"),
                None,
                "no body, no Content-Type"
            );
            assert!(
                request.body.is_empty(),
                "unexpected body {:?}",
                String::from_utf8_lossy(&request.body)
            );
        }
    }
}

/// A user as the API returns it, every documented field set; `favorite_color` is custom data.
pub fn user_json(id: &str, name: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "name": name,
        "image": format!("https://getstream.io/random_png/?id={id}&name={name}"),
        "language": "en",
        "role": "user",
        "teams": [],
        "created_at": "2024-03-01T10:15:30.123456Z",
        "updated_at": "2024-03-04T08:00:00.654321Z",
        "banned": false,
        "online": true,
        "last_active": "2024-03-05T09:30:00.000001Z",
        "blocked_user_ids": [],
        "shadow_banned": false,
        "invisible": false,
        "favorite_color": "green"
    })
}

/// A message from `jack` as the API returns it, mentioning `jill`; `priority` is custom data.
pub fn message_json(id: &str, cid: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "text": "Hello @jill",
        "html": "<p>Hello @jill</p>\n",
        "type": "regular",
        "user": user_json("jack", "Jack"),
        "attachments": [],
        "latest_reactions": [],
        "own_reactions": [],
        "reaction_counts": {"like": 2},
        "reaction_scores": {"like": 2},
        "reply_count": 0,
        "deleted_reply_count": 0,
        "cid": cid,
        "created_at": "2024-03-05T09:31:00.123Z",
        "updated_at": "2024-03-05T09:31:00.123Z",
        "shadowed": false,
        "mentioned_users": [user_json("jill", "Jill")],
        "mentioned_channel": false,
        "mentioned_here": false,
        "silent": false,
        "pinned": false,
        "restricted_visibility": [],
        "priority": "high"
    })
}

/// A realistic channel-type configuration as channels and channel types carry it, with one
/// command and `message_retention` (sent by the real API long before Stream's documents listed
/// it in v236.0.4).
pub fn channel_config_json() -> serde_json::Value {
    serde_json::json!({
        "created_at": "2023-01-10T12:00:00Z",
        "updated_at": "2024-02-11T13:14:15.161718Z",
        "name": "messaging",
        "typing_events": true,
        "read_events": true,
        "connect_events": true,
        "delivery_events": false,
        "search": true,
        "reactions": true,
        "replies": true,
        "quotes": true,
        "mutes": true,
        "uploads": true,
        "url_enrichment": true,
        "custom_events": true,
        "push_notifications": true,
        "reminders": false,
        "mark_messages_pending": false,
        "polls": false,
        "user_message_reminders": false,
        "shared_locations": false,
        "count_messages": false,
        "message_retention": "infinite",
        "max_message_length": 5000,
        "automod": "disabled",
        "automod_behavior": "flag",
        "skip_last_msg_update_for_system_msgs": false,
        "commands": [{
            "name": "giphy",
            "description": "Post a random gif to the channel",
            "args": "[text]",
            "set": "fun_set"
        }]
    })
}

/// The folders of `tests/fixtures/<kind>/` (one fixture each), in name order.
pub fn fixture_dirs(kind: &str) -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(kind);
    let mut dirs: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The spec files of a fixture folder as `(path relative to tests/, text)`, in name order,
/// ready for `stream_chat_codegen::generate_texts`.
pub fn fixture_spec_texts(dir: &std::path::Path) -> Vec<(String, String)> {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .expect("fixture exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let shown = p.strip_prefix(base).unwrap_or(&p).display().to_string();
            (
                shown,
                std::fs::read_to_string(&p).expect("readable fixture"),
            )
        })
        .collect()
}

/// The model of the workspace's `spec/`, for tests that compare the generated client with
/// what the spec says (counts among them: no test types a number the next spec changes).
pub fn spec_api() -> stream_chat_codegen::model::Api {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    stream_chat_codegen::load_api(&spec).unwrap_or_else(|problems| panic!("{problems}"))
}
