//! A real websocket server on `127.0.0.1` for the real-time tests, and control of tokio's
//! paused clock.
//!
//! The tests run on a current-thread runtime with the clock paused. Tokio would auto-advance
//! a paused clock whenever every task waits, even while a frame is still in flight between
//! the server and the client, and fire keep-alive timers early. [`freeze_clock`] stops that
//! (a `spawn_blocking` task, as tokio's `time::pause` docs recommend), so virtual time moves
//! only when a test calls [`advance`]: the 25 s and 35 s timers and the backoff fire exactly
//! when the test says, and nothing sleeps for real. [`within`] bounds every wait in real time,
//! so a broken client fails the test instead of hanging it.
//!
//! ```no_run
//! # async fn run() {
//! use stream_chat_tests::ws::{advance, freeze_clock, user_client, WsServer};
//!
//! let _clock = freeze_clock();
//! let server = WsServer::start().await;
//! let client = user_client(&server.base_url());
//! let (connection, mut socket) = tokio::join!(
//!     client.realtime(serde_json::json!({"id": "jack"})).connect(),
//!     async {
//!         let mut socket = server.accept().await;
//!         socket.hello("conn-1").await;
//!         socket
//!     },
//! );
//! advance(std::time::Duration::from_secs(25)).await;
//! let ping = socket.next_text().await; // the client's health check
//! # let _ = (connection, ping);
//! # }
//! ```

use std::fmt::Debug;
use std::future::Future;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use stream_chat_client::Client;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderMap, StatusCode};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::{API_KEY, JACK_TOKEN};

/// How long (real time) any single wait of a test may take before the test fails.
pub const REAL_LIMIT: Duration = Duration::from_secs(20);

/// How long (real time) [`assert_quiet`] watches for something that must not happen. Frames on
/// loopback arrive in microseconds, so this is ample.
pub const QUIET: Duration = Duration::from_millis(150);

/// Keeps tokio's paused clock from auto-advancing while alive; see the module docs.
#[derive(Debug)]
#[must_use = "the clock auto-advances again when this is dropped"]
pub struct FrozenClock {
    _release: std_mpsc::Sender<()>,
}

/// Stops auto-advance of the paused clock until the guard is dropped. Call it first in a test
/// marked `#[tokio::test(start_paused = true)]`.
pub fn freeze_clock() -> FrozenClock {
    let (release, wait) = std_mpsc::channel::<()>();
    // A running blocking task keeps the current-thread runtime from auto-advancing; it ends
    // when the guard (the sender) is dropped.
    tokio::task::spawn_blocking(move || {
        let _ = wait.recv();
    });
    FrozenClock { _release: release }
}

/// Moves the paused clock forward by `duration`, firing the timers that come due.
pub async fn advance(duration: Duration) {
    tokio::time::advance(duration).await;
}

/// Awaits `future`, failing the test when it takes more than [`REAL_LIMIT`] of real time.
pub async fn within<F: Future>(what: &str, future: F) -> F::Output {
    let (fire, fired) = tokio::sync::oneshot::channel::<()>();
    let (done, finished) = std_mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(std_mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(REAL_LIMIT) {
            let _ = fire.send(());
        }
    });
    let output = tokio::select! {
        output = future => output,
        Ok(()) = fired => panic!("{what}: still waiting after {REAL_LIMIT:?} of real time"),
    };
    drop(done);
    output
}

/// Asserts that `future` does not complete within [`QUIET`] of real time (the paused clock
/// stays where it is meanwhile).
pub async fn assert_quiet<F>(what: &str, future: F)
where
    F: Future,
    F::Output: Debug,
{
    let pause = tokio::task::spawn_blocking(|| std::thread::sleep(QUIET));
    tokio::select! {
        biased;
        output = future => panic!("{what}: expected nothing yet, got {output:?}"),
        _ = pause => {}
    }
}

/// The number of tasks alive on the current runtime (blocking tasks not counted).
pub fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// A client-side client of user `jack` ([`JACK_TOKEN`], key [`API_KEY`]) for `base_url`.
pub fn user_client(base_url: &str) -> Client {
    Client::builder(API_KEY)
        .user_token(JACK_TOKEN)
        .base_url(base_url)
        .build()
        .expect("valid client configuration")
}

/// An anonymous client (key [`API_KEY`]) for `base_url`.
pub fn anonymous_client(base_url: &str) -> Client {
    Client::builder(API_KEY)
        .anonymous()
        .base_url(base_url)
        .build()
        .expect("valid client configuration")
}

/// The full user object of `jack` that the tests connect with.
pub fn jack() -> Value {
    json!({
        "id": "jack",
        "name": "Jack Doe",
        "image": "https://example.com/jack.png",
        "language": "en",
        "role": "user",
        "teams": ["blue"],
        "favorite_color": "green"
    })
}

/// The hello of connection `connection_id` for `jack`, as the server sends it: a
/// `health.check` with `connection_id` and the own user in `me`.
pub fn hello_json(connection_id: &str) -> Value {
    json!({
        "type": "health.check",
        "connection_id": connection_id,
        "cid": "*",
        "created_at": "2024-03-06T10:00:00.123456Z",
        "me": {
            "id": "jack",
            "name": "Jack Doe",
            "role": "user",
            "teams": ["blue"],
            "language": "en",
            "created_at": "2024-03-01T10:15:30Z",
            "updated_at": "2024-03-06T10:00:00Z",
            "last_active": "2024-03-06T10:00:00Z",
            "online": true,
            "banned": false,
            "invisible": false,
            "total_unread_count": 3,
            "unread_channels": 1,
            "unread_threads": 0,
            "channel_mutes": [],
            "mutes": [],
            "devices": [],
            "favorite_color": "green"
        }
    })
}

/// A server-side health check of connection `connection_id` (no `me`).
pub fn health_check_json(connection_id: &str) -> Value {
    json!({
        "type": "health.check",
        "connection_id": connection_id,
        "cid": "*",
        "created_at": "2024-03-06T10:00:30Z"
    })
}

/// The error message the server sends instead of a hello, with Stream's error schema.
pub fn error_json(code: i32, status: u16, message: &str) -> Value {
    json!({
        "error": {
            "code": code,
            "message": message,
            "StatusCode": status,
            "duration": "",
            "more_info": "https://getstream.io/chat/docs/api_errors_response",
            "details": []
        }
    })
}

/// The websocket upgrade request as the server received it.
#[derive(Debug, Clone)]
pub struct Upgrade {
    /// The path, e.g. `/connect`.
    pub path: String,
    /// The raw (still percent-encoded) query string.
    pub raw_query: String,
    /// The decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// The request headers.
    pub headers: HeaderMap,
}

impl Upgrade {
    /// The value of query parameter `name`, if present once or more (the first).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The query parameter names, in order.
    pub fn param_names(&self) -> Vec<&str> {
        self.query.iter().map(|(key, _)| key.as_str()).collect()
    }

    /// The `json` query parameter, parsed.
    pub fn payload(&self) -> Value {
        serde_json::from_str(self.param("json").expect("a json parameter"))
            .expect("the json parameter is JSON")
    }
}

/// A websocket server on `127.0.0.1` (OS-chosen port) that a test drives connection by
/// connection.
#[derive(Debug)]
pub struct WsServer {
    listener: TcpListener,
}

impl WsServer {
    /// Binds the server.
    pub async fn start() -> Self {
        Self::start_at("127.0.0.1:0").await
    }

    /// Binds the server at `address` (`host:port`), e.g. a port where connections were
    /// refused until now.
    pub async fn start_at(address: &str) -> Self {
        let listener = TcpListener::bind(address).await.expect("bind the address");
        Self { listener }
    }

    /// The base URL to give the client (`http://`; the client connects with `ws://`).
    pub fn base_url(&self) -> String {
        format!(
            "http://{}",
            self.listener.local_addr().expect("bound address")
        )
    }

    /// Accepts the next TCP connection, without a websocket handshake.
    pub async fn accept_tcp(&self) -> TcpStream {
        let (stream, _) = within("accept a TCP connection", self.listener.accept())
            .await
            .expect("accept");
        stream
    }

    /// Accepts the next connection and completes the websocket handshake, recording the
    /// upgrade request.
    #[allow(
        clippy::result_large_err,
        reason = "the handshake callback's signature is tungstenite's"
    )]
    pub async fn accept(&self) -> ServerSocket {
        let stream = self.accept_tcp().await;
        let mut seen = None;
        let callback = |request: &Request, response: Response| {
            seen = Some(upgrade_of(request));
            Ok::<_, ErrorResponse>(response)
        };
        let ws = within(
            "websocket handshake",
            tokio_tungstenite::accept_hdr_async(stream, callback),
        )
        .await
        .expect("websocket handshake");
        ServerSocket {
            upgrade: seen.expect("the callback saw the request"),
            ws,
        }
    }

    /// Accepts the next connection and answers its upgrade with HTTP `status` and `body`
    /// instead of switching protocols; returns the request.
    #[allow(
        clippy::result_large_err,
        reason = "the handshake callback's signature is tungstenite's"
    )]
    pub async fn refuse_upgrade(&self, status: u16, body: &str) -> Upgrade {
        let stream = self.accept_tcp().await;
        let mut seen = None;
        let callback = |request: &Request, _response: Response| {
            seen = Some(upgrade_of(request));
            let mut refusal = ErrorResponse::new(Some(body.to_owned()));
            *refusal.status_mut() = StatusCode::from_u16(status).expect("valid status");
            Err(refusal)
        };
        let result = within(
            "refused handshake",
            tokio_tungstenite::accept_hdr_async(stream, callback),
        )
        .await;
        assert!(result.is_err(), "the handshake was refused");
        seen.expect("the callback saw the request")
    }

    /// Asserts that no client connects within [`QUIET`] (the clock does not move).
    pub async fn assert_no_connection(&self, what: &str) {
        assert_quiet(what, self.listener.accept()).await;
    }
}

fn upgrade_of(request: &Request) -> Upgrade {
    let raw_query = request.uri().query().unwrap_or_default().to_owned();
    let query = form_urlencoded::parse(raw_query.as_bytes())
        .into_owned()
        .collect();
    Upgrade {
        path: request.uri().path().to_owned(),
        raw_query,
        query,
        headers: request.headers().clone(),
    }
}

/// The server's side of one websocket connection.
#[derive(Debug)]
pub struct ServerSocket {
    /// The upgrade request of this connection.
    pub upgrade: Upgrade,
    ws: WebSocketStream<TcpStream>,
}

impl ServerSocket {
    /// Sends a frame.
    pub async fn send(&mut self, message: Message) {
        within("send a frame", self.ws.send(message))
            .await
            .expect("send a frame");
    }

    /// Sends a text frame.
    pub async fn send_text(&mut self, text: &str) {
        self.send(Message::text(text)).await;
    }

    /// Sends a JSON text frame.
    pub async fn send_json(&mut self, value: &Value) {
        self.send_text(&value.to_string()).await;
    }

    /// Sends the hello of connection `connection_id` ([`hello_json`]).
    pub async fn hello(&mut self, connection_id: &str) {
        self.send_json(&hello_json(connection_id)).await;
    }

    /// Sends an error message and closes with 1000 Normal Closure, as the server does when it
    /// refuses a connection.
    pub async fn refuse(&mut self, code: i32, status: u16, message: &str) {
        self.send_json(&error_json(code, status, message)).await;
        self.close(CloseCode::Normal, "").await;
    }

    /// Sends a close frame.
    pub async fn close(&mut self, code: CloseCode, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        // The client may already be gone: ignore errors.
        let _ = within("send a close frame", self.ws.close(Some(frame))).await;
    }

    /// The next frame from the client (pings and pongs skipped); `None` when the connection
    /// ended. A close frame is answered at once, as a real server does.
    pub async fn next_message(&mut self) -> Option<Message> {
        loop {
            match within("a frame from the client", self.ws.next()).await {
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(message @ Message::Close(_))) => {
                    // tungstenite queues the close reply; send it now rather than on the next
                    // read. The client may be gone already: ignore errors.
                    let _ = within("answer the close", self.ws.flush()).await;
                    return Some(message);
                }
                Some(Ok(message)) => return Some(message),
                Some(Err(_)) | None => return None,
            }
        }
    }

    /// The next frame from the client, which must be text.
    pub async fn next_text(&mut self) -> String {
        match self.next_message().await {
            Some(Message::Text(text)) => text.as_str().to_owned(),
            other => panic!("expected a text frame from the client, got {other:?}"),
        }
    }

    /// Reads until the client's close frame and returns it; text frames before it (health
    /// checks) are skipped.
    pub async fn expect_close(&mut self) -> Option<CloseFrame> {
        loop {
            match self.next_message().await {
                Some(Message::Close(frame)) => return frame,
                Some(Message::Text(_)) => continue,
                other => panic!("expected a close frame from the client, got {other:?}"),
            }
        }
    }

    /// Asserts that the client sends nothing within [`QUIET`].
    pub async fn assert_silent(&mut self, what: &str) {
        assert_quiet(what, self.ws.next()).await;
    }

    /// Whether the client closed the TCP connection (reads end of stream or an error).
    pub async fn is_closed(&mut self) -> bool {
        loop {
            match within("the end of the connection", self.ws.next()).await {
                None | Some(Err(_)) => return true,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Ends the TCP connection abruptly: no close frame, and a reset instead of an orderly
    /// shutdown.
    pub fn drop_abruptly(self) {
        self.ws
            .get_ref()
            .set_zero_linger()
            .expect("set SO_LINGER to zero");
        drop(self.ws);
    }
}
