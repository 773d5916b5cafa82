//! The client under load, shared by the test `client::load` (which checks every outcome) and
//! `benches/load.rs` (which prints the figures).
//!
//! [`LoadServer`] is a real HTTP/1.1 server (axum, keep-alive) on `127.0.0.1` that answers
//! `SendMessage` (`POST /channels/{type}/{id}/message`) with a realistic message, counts the TCP
//! connections it accepts, and injects exactly one failure per [`FAULT_EVERY`] requests, in
//! arrival order, rotating through the four kinds of [`Fault`]. [`run`] sends `requests`
//! messages through one [`Client`] with `in_flight` requests at a time and returns a
//! [`LoadReport`]: every outcome sorted into successes, the typed error each fault must give,
//! or unexpected; latencies; requests per second; accepted connections.
//!
//! ```no_run
//! # async fn run() {
//! use stream_chat_tests::load::{self, LoadServer};
//!
//! let server = LoadServer::start().await;
//! let client = stream_chat_tests::server_client(&server.url());
//! let report = load::run(&client, &server, 10_000, 64).await;
//! println!("{report}");
//! # }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::serve::ListenerExt as _;
use axum::Router;
use futures_util::StreamExt as _;
use stream_chat_client::models::{MessageRequest, SendMessageRequest, SendMessageResponse};
use stream_chat_client::{ApiResponse, Client, Error};

use crate::Served;

/// One request in this many gets a fault: the 100th, 200th, ... in the server's arrival order.
pub const FAULT_EVERY: u64 = 100;

/// A failure the server injects instead of the normal answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// `503 Service Unavailable` with Stream's JSON error body (code 4, `unrecoverable: false`):
    /// the client must return [`Error::Api`] with status 503.
    ApiError503,
    /// `502 Bad Gateway` with an HTML page, as a load balancer in front of the API sends it:
    /// the client must return [`Error::Http`] with status 502 and keep the page's text.
    EdgeHtml502,
    /// `429 Too Many Requests` with Stream's JSON error body (code 9) and the three
    /// `X-RateLimit-*` headers: the client must return [`Error::Api`] with status 429 and the
    /// parsed rate limit.
    RateLimited429,
    /// `200 OK` whose JSON body is cut in half (with a correct `Content-Length` for the cut
    /// body): the client must return [`Error::Decode`] with status 200.
    TruncatedJson,
}

impl Fault {
    /// Every kind, in the order the server rotates through them.
    pub const ALL: [Fault; 4] = [
        Fault::ApiError503,
        Fault::EdgeHtml502,
        Fault::RateLimited429,
        Fault::TruncatedJson,
    ];

    /// The fault of the request that arrived `index`th (from 0), if it gets one: requests
    /// 99, 199, 299, ... get one, the kinds in turn.
    pub fn for_request(index: u64) -> Option<Fault> {
        if index % FAULT_EVERY != FAULT_EVERY - 1 {
            return None;
        }
        let turn = (index / FAULT_EVERY) as usize % Fault::ALL.len();
        Some(Fault::ALL[turn])
    }

    /// Whether `error` is the typed error this fault must produce.
    pub fn matches(self, error: &Error) -> bool {
        match (self, error) {
            (Fault::ApiError503, Error::Api { status, error, .. }) => {
                *status == 503 && error.code == 4
            }
            (Fault::EdgeHtml502, Error::Http { status, body, .. }) => {
                *status == 502 && body.contains("502 Bad Gateway")
            }
            (
                Fault::RateLimited429,
                Error::Api {
                    status, error: api, ..
                },
            ) => {
                *status == 429
                    && api.code == 9
                    && error.rate_limit().is_some_and(|limit| {
                        limit.limit == Some(RATE_LIMIT) && limit.remaining == Some(0)
                    })
            }
            (Fault::TruncatedJson, Error::Decode { status, .. }) => *status == 200,
            _ => false,
        }
    }

    /// A short description for reports.
    pub fn label(self) -> &'static str {
        match self {
            Fault::ApiError503 => "503 API error (JSON)",
            Fault::EdgeHtml502 => "502 from the edge (HTML)",
            Fault::RateLimited429 => "429 rate limited (JSON, X-RateLimit-*)",
            Fault::TruncatedJson => "200 with truncated JSON",
        }
    }

    /// The response the server sends for this fault.
    fn response(self, message: &Bytes) -> Response {
        match self {
            Fault::ApiError503 => json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                api_error(4, "service temporarily unavailable, try again", 503),
            ),
            Fault::EdgeHtml502 => {
                let mut response = Response::new(Body::from(EDGE_502_PAGE));
                *response.status_mut() = StatusCode::BAD_GATEWAY;
                response
                    .headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
                response
            }
            Fault::RateLimited429 => {
                let mut response = json_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    api_error(9, "Too many requests, check response headers", 429),
                );
                let headers = response.headers_mut();
                headers.insert("x-ratelimit-limit", HeaderValue::from(RATE_LIMIT));
                headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
                headers.insert("x-ratelimit-reset", HeaderValue::from_static("1767225600"));
                response
            }
            Fault::TruncatedJson => {
                json_response(StatusCode::OK, message.slice(..message.len() / 2))
            }
        }
    }
}

/// The `X-RateLimit-Limit` of the 429 fault.
const RATE_LIMIT: u64 = 300;

/// The page of the 502 fault, as nginx sends it.
const EDGE_502_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
    <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

fn api_error(code: i32, message: &str, status: u16) -> Bytes {
    serde_json::json!({
        "code": code,
        "message": message,
        "StatusCode": status,
        "duration": "0.02ms",
        "more_info": "https://getstream.io/chat/docs/api_errors_response",
        "details": [],
        "unrecoverable": false
    })
    .to_string()
    .into()
}

fn json_response(status: StatusCode, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The answer to a successful `SendMessage`: the stored message, as the API returns it.
fn message_response() -> Bytes {
    serde_json::json!({
        "message": {
            "id": "msg-1",
            "text": "Hello @jill",
            "html": "<p>Hello @jill</p>\n",
            "type": "regular",
            "user": crate::user_json("jack", "Jack"),
            "attachments": [],
            "latest_reactions": [],
            "own_reactions": [],
            "reaction_counts": {},
            "reaction_scores": {},
            "reply_count": 0,
            "deleted_reply_count": 0,
            "cid": "messaging:general",
            "created_at": "2024-03-05T09:31:00.123Z",
            "updated_at": "2024-03-05T09:31:00.123Z",
            "shadowed": false,
            "mentioned_users": [crate::user_json("jill", "Jill")],
            "mentioned_channel": false,
            "mentioned_here": false,
            "silent": false,
            "pinned": false,
            "restricted_visibility": []
        },
        "duration": "1.23ms"
    })
    .to_string()
    .into()
}

struct ServerState {
    /// Requests received so far; a request's number is its arrival order.
    requests: AtomicU64,
    /// TCP connections accepted so far.
    connections: AtomicU64,
    message: Bytes,
}

/// The load test's server: answers every request as `SendMessage` would, injecting
/// [`Fault`]s, and counts the TCP connections it accepts. It stops when dropped.
pub struct LoadServer {
    server: Served,
    state: Arc<ServerState>,
}

impl LoadServer {
    /// Binds `127.0.0.1:0` and serves (HTTP/1.1, keep-alive) in a background task of the
    /// current Tokio runtime.
    pub async fn start() -> Self {
        let state = Arc::new(ServerState {
            requests: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            message: message_response(),
        });
        let counter = state.clone();
        let app = Router::new().fallback(answer).with_state(state.clone());
        let server = Served::start_with(app, |listener| {
            listener.tap_io(move |stream| {
                counter.connections.fetch_add(1, Ordering::Relaxed);
                // Small responses go out at once instead of waiting for Nagle's delayed ACK.
                let _ = stream.set_nodelay(true);
            })
        })
        .await;
        Self { server, state }
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The TCP connections accepted so far.
    pub fn accepted_connections(&self) -> u64 {
        self.state.connections.load(Ordering::Relaxed)
    }

    /// The requests answered (or being answered) so far.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }
}

async fn answer(
    axum::extract::State(state): axum::extract::State<Arc<ServerState>>,
    request: axum::extract::Request,
) -> Response {
    // Read the whole request body, as a real server does before answering.
    let _ = axum::body::to_bytes(request.into_body(), 1 << 20).await;
    let index = state.requests.fetch_add(1, Ordering::Relaxed);
    match Fault::for_request(index) {
        Some(fault) => fault.response(&state.message),
        None => json_response(StatusCode::CREATED, state.message.clone()),
    }
}

/// How one request ended.
#[derive(Debug)]
pub enum Outcome {
    /// The message was sent and its response decoded.
    Success,
    /// The typed error that this injected fault must produce.
    Fault(Fault),
    /// Anything else (a bug): the error's text.
    Unexpected(String),
}

impl Outcome {
    /// Sorts a call's result.
    pub fn of(result: &Result<ApiResponse<SendMessageResponse>, Error>) -> Outcome {
        match result {
            Ok(response) if response.message.text == "Hello @jill" => Outcome::Success,
            Ok(response) => Outcome::Unexpected(format!("wrong message {:?}", response.message)),
            Err(error) => match Fault::ALL.into_iter().find(|fault| fault.matches(error)) {
                Some(fault) => Outcome::Fault(fault),
                None => Outcome::Unexpected(error.to_string()),
            },
        }
    }
}

/// The figures of one load run.
#[derive(Debug)]
pub struct LoadReport {
    /// Requests sent.
    pub requests: usize,
    /// Requests at a time.
    pub in_flight: usize,
    /// Requests that succeeded.
    pub successes: usize,
    /// Requests that ended with the typed error of an injected fault, by fault.
    pub faults: BTreeMap<Fault, usize>,
    /// Requests that ended any other way, with their error text (none, if the client is right).
    pub unexpected: Vec<String>,
    /// From the first request sent to the last response handled.
    pub elapsed: Duration,
    /// Each request's latency (from sending to its decoded result), sorted.
    pub latencies: Vec<Duration>,
    /// TCP connections the server accepted during the run.
    pub accepted_connections: u64,
    /// Requests the server received during the run.
    pub served: u64,
}

impl LoadReport {
    /// Requests completed per second of [`elapsed`](Self::elapsed).
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at or below which `percent` % of requests completed (nearest rank).
    pub fn percentile(&self, percent: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = (percent / 100.0 * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    /// The slowest request's latency.
    pub fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or_default()
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} requests, {} in flight: {:.0} requests/s in {:.2} s; latency p50 {:.2} ms, \
             p99 {:.2} ms, max {:.2} ms; {} TCP connections accepted",
            self.requests,
            self.in_flight,
            self.requests_per_second(),
            self.elapsed.as_secs_f64(),
            millis(self.percentile(50.0)),
            millis(self.percentile(99.0)),
            millis(self.max()),
            self.accepted_connections,
        )?;
        writeln!(f, "  {} succeeded", self.successes)?;
        for (fault, count) in &self.faults {
            writeln!(f, "  {count} typed errors for {}", fault.label())?;
        }
        write!(f, "  {} unexpected outcomes", self.unexpected.len())?;
        for text in self.unexpected.iter().take(5) {
            write!(f, "\n    {text}")?;
        }
        Ok(())
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Sends `requests` messages through `client` to `server`, `in_flight` at a time, and sorts
/// every outcome.
pub async fn run(
    client: &Client,
    server: &LoadServer,
    requests: usize,
    in_flight: usize,
) -> LoadReport {
    let connections_before = server.accepted_connections();
    let served_before = server.requests();
    let body = SendMessageRequest::new(MessageRequest {
        text: Some("Hello @jill".to_owned()),
        ..MessageRequest::default()
    });
    let body = &body;
    let started = Instant::now();
    let outcomes: Vec<(Outcome, Duration)> = futures_util::stream::iter(0..requests)
        .map(|_| async move {
            let sent = Instant::now();
            let result = client.send_message("messaging", "general", body).await;
            (Outcome::of(&result), sent.elapsed())
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    let elapsed = started.elapsed();

    let mut report = LoadReport {
        requests,
        in_flight,
        successes: 0,
        faults: BTreeMap::new(),
        unexpected: Vec::new(),
        elapsed,
        latencies: Vec::with_capacity(requests),
        accepted_connections: server.accepted_connections() - connections_before,
        served: server.requests() - served_before,
    };
    for (outcome, latency) in outcomes {
        report.latencies.push(latency);
        match outcome {
            Outcome::Success => report.successes += 1,
            Outcome::Fault(fault) => *report.faults.entry(fault).or_default() += 1,
            Outcome::Unexpected(text) => report.unexpected.push(text),
        }
    }
    report.latencies.sort_unstable();
    report
}
