//! A fake Stream Chat server on `127.0.0.1`: the REST routes a chat app needs and the
//! `/connect` websocket on one port, keeping users, channels, members, watchers and messages
//! the way Stream's docs describe, so a client can be tested end to end as a chat app.
//!
//! ```no_run
//! # async fn run() {
//! use stream_chat_tests::fake_stream::FakeStream;
//!
//! let server = FakeStream::start().await; // a free port; stops when dropped
//! let base_url = server.url(); // the client's base URL: http://127.0.0.1:PORT
//! let token = server.user_token("alice"); // HS256 with the server's secret
//! // ... connect a websocket as alice, watch `messaging:general` with its connection ID ...
//! assert_eq!(server.watchers("messaging:general"), ["alice"]);
//! # let _ = (base_url, token);
//! # }
//! ```
//!
//! The modules, one concern each:
//!
//! | module | concern |
//! | --- | --- |
//! | `mod.rs` | [`FakeStream`] (start, stop on drop, tokens, introspection), [`FakeStreamBuilder`] |
//! | `http.rs` | the routes; authentication, JSON bodies, `duration` and error bodies for every call |
//! | `socket.rs` | `/connect`: hello, health checks, delivery, refusal, presence, clean-up |
//! | `auth.rs` | `api_key`, auth type, HS256 token checks; who a call acts for |
//! | `channels.rs` | GetOrCreate(Distinct)Channel, QueryChannels, UpdateChannel, SendEvent, MarkRead |
//! | `watching.rs` | watching and presence subscriptions, StopWatchingChannel, delivery to watchers and users |
//! | `messages.rs` | SendMessage, GetMessage, UpdateMessage, DeleteMessage; read states on new messages |
//! | `users.rs` | UpdateUsers, QueryUsers, the connect's user upsert |
//! | `state.rs` | the store: users, channels, members, messages, connections and what they watch |
//! | `events.rs` | the websocket events' JSON |
//! | `render.rs` | the JSON of users, channels, members, messages, channel states |
//! | `filter.rs` | the filter and sort subset of the query operations |
//! | `input.rs` | typed reading of request bodies, input errors naming the field |
//! | `error.rs` | Stream's error body and codes |
//!
//! Routes (paths of `spec/*.yaml`; the client's base URL is the server root): `GET /connect`;
//! `POST /channels` (QueryChannels); `POST /channels/{type}/query` (GetOrCreateDistinctChannel);
//! `POST /channels/{type}/{id}` (UpdateChannel), `.../query` (GetOrCreateChannel),
//! `.../stop-watching`, `.../message`, `.../event`, `.../read`; `GET`, `POST`, `DELETE
//! /messages/{id}`; `GET /users` (QueryUsers), `POST /users` (UpdateUsers). Any other route
//! answers 404 with Stream's error body naming the route, so a missing route is obvious.
//!
//! What it leaves out: reactions, threads beyond `parent_id`, uploads, moderation, push,
//! `user.updated` events, permissions beyond "members write, except in `livestream`".

mod auth;
mod channels;
mod error;
mod events;
mod filter;
mod http;
mod input;
mod messages;
mod render;
mod socket;
mod state;
mod users;
mod watching;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use stream_chat_client::{server_token, Client, Secret, UserToken};
use tokio::sync::watch;

use self::state::Store;
use crate::Served;

/// How often the server sends a `health.check` by default: Stream's docs ask clients to expect
/// one at least every 30 seconds.
pub const HEALTH_CHECK_INTERVAL: Duration = Duration::from_secs(30);

/// What the routes and sockets share.
pub(crate) struct App {
    api_key: String,
    secret: String,
    health_check_interval: Duration,
    log: bool,
    store: Mutex<Store>,
    /// The number of open websocket connections.
    connections: watch::Sender<usize>,
    /// Ends (its sender is dropped) when the server stops.
    shutdown: watch::Receiver<()>,
}

impl App {
    /// The store, locked; a panic elsewhere never hides it.
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Publishes the number of open connections after a change.
    fn connections_changed(&self, store: &Store) {
        self.connections.send_replace(store.connections.len());
    }

    /// Writes one line to stderr when logging is on.
    fn log(&self, line: fmt::Arguments<'_>) {
        if self.log {
            eprintln!("fake-stream: {line}");
        }
    }
}

/// Settings of a [`FakeStream`]; [`FakeStream::builder`] starts with the defaults.
#[derive(Debug, Clone)]
pub struct FakeStreamBuilder {
    api_key: String,
    secret: String,
    health_check_interval: Duration,
    port: u16,
    log: bool,
}

impl Default for FakeStreamBuilder {
    fn default() -> Self {
        Self {
            api_key: crate::API_KEY.to_owned(),
            secret: crate::SECRET.to_owned(),
            health_check_interval: HEALTH_CHECK_INTERVAL,
            port: 0,
            log: false,
        }
    }
}

impl FakeStreamBuilder {
    /// The app's API key (default [`crate::API_KEY`]).
    #[must_use]
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = api_key.into();
        self
    }

    /// The app's secret, which signs the tokens (default [`crate::SECRET`]).
    #[must_use]
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = secret.into();
        self
    }

    /// How often each connection gets a `health.check` (default [`HEALTH_CHECK_INTERVAL`]).
    #[must_use]
    pub fn health_check_interval(mut self, interval: Duration) -> Self {
        self.health_check_interval = interval;
        self
    }

    /// The port on `127.0.0.1` (default 0: a free one).
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Writes a line to stderr per request and per connection opened, refused or closed.
    #[must_use]
    pub fn log(mut self, log: bool) -> Self {
        self.log = log;
        self
    }

    /// Binds the port and serves in a task of the current Tokio runtime; fails when the port
    /// cannot be bound.
    pub async fn start(self) -> std::io::Result<FakeStream> {
        let (stop, shutdown) = watch::channel(());
        let app = Arc::new(App {
            api_key: self.api_key,
            secret: self.secret,
            health_check_interval: self.health_check_interval,
            log: self.log,
            store: Mutex::new(Store::default()),
            connections: watch::Sender::new(0),
            shutdown,
        });
        let server = Served::bind(self.port, http::router(app.clone())).await?;
        Ok(FakeStream {
            server,
            app,
            _stop: stop,
        })
    }
}

/// A running fake Stream server; it stops when dropped (open websockets get close 1001).
pub struct FakeStream {
    server: Served,
    app: Arc<App>,
    /// Dropped with the server: every socket task sees it and closes.
    _stop: watch::Sender<()>,
}

/// One open websocket connection, for asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// The `connection_id` of its hello.
    pub connection_id: String,
    /// Its user (`!anon` for anonymous connections).
    pub user_id: String,
    /// The CIDs it watches.
    pub watching: Vec<String>,
}

impl FakeStream {
    /// Starts a server with the defaults on a free port.
    pub async fn start() -> Self {
        Self::builder()
            .start()
            .await
            .expect("bind a free port on 127.0.0.1")
    }

    /// Settings for a server, from the defaults.
    pub fn builder() -> FakeStreamBuilder {
        FakeStreamBuilder::default()
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (no trailing slash); the websocket is
    /// `ws://127.0.0.1:41234/connect`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The app's API key.
    pub fn api_key(&self) -> &str {
        &self.app.api_key
    }

    /// The app's secret.
    pub fn secret(&self) -> &str {
        &self.app.secret
    }

    /// A user token for `user_id` (no expiry), signed with the server's secret.
    pub fn user_token(&self, user_id: &str) -> String {
        UserToken::new(user_id).sign(&Secret::new(self.app.secret.clone()))
    }

    /// A client of the generated crate for user `user_id` (a [`user_token`](Self::user_token))
    /// with this server as its base URL.
    pub fn user_client(&self, user_id: &str) -> Client {
        Client::builder(self.api_key())
            .user_token(self.user_token(user_id))
            .base_url(self.url())
            .build()
            .expect("a valid client configuration")
    }

    /// The server-side token of the server's secret.
    pub fn server_token(&self) -> String {
        server_token(&Secret::new(self.app.secret.clone()))
    }

    /// Creates or replaces a user, as a server-side UpdateUsers would (`user` is a
    /// `UserRequest` object with `id`); panics on an invalid user.
    pub fn upsert_user(&self, user: Value) {
        let object = user
            .as_object()
            .unwrap_or_else(|| panic!("a user is a JSON object, got {user}"));
        if let Err(error) = users::upsert(&mut self.app.store(), object, true) {
            panic!("invalid user {user}: {}", error.detail);
        }
    }

    /// The open websocket connections, by connection ID.
    pub fn connections(&self) -> Vec<ConnectionInfo> {
        self.app
            .store()
            .connections
            .iter()
            .map(|(id, connection)| ConnectionInfo {
                connection_id: id.clone(),
                user_id: connection.user_id.clone(),
                watching: connection.watching.iter().cloned().collect(),
            })
            .collect()
    }

    /// Waits until exactly `count` websocket connections are open (a connection that ends is
    /// removed by its task a moment after the client closes it). Bound it with a timeout.
    pub async fn wait_for_connections(&self, count: usize) {
        let mut open = self.app.connections.subscribe();
        // The sender lives in `self.app`, so waiting cannot fail.
        let _ = open.wait_for(|open| *open == count).await;
    }

    /// Closes connection `connection_id` from the server's side, after the events already
    /// queued for it: close 1012 (Service Restart), as when Stream restarts a node, so a client
    /// reconnects and gets a new connection ID. Its watching ends as for any closed connection.
    /// Returns whether the connection was open.
    pub fn close_connection(&self, connection_id: &str) -> bool {
        self.app.store().close_connection(connection_id)
    }

    /// The users watching channel `cid` (sorted).
    pub fn watchers(&self, cid: &str) -> Vec<String> {
        self.app.store().watchers(cid).into_iter().collect()
    }

    /// The connections watching channel `cid` (sorted).
    pub fn watching_connections(&self, cid: &str) -> Vec<String> {
        self.app.store().watching_connections(cid)
    }

    /// The members of channel `cid`, in the order they joined (empty if there is no such
    /// channel).
    pub fn members(&self, cid: &str) -> Vec<String> {
        let store = self.app.store();
        store.channels.get(cid).map_or_else(Vec::new, |channel| {
            channel.members.iter().map(|m| m.user_id.clone()).collect()
        })
    }

    /// Channel `cid` as the API shows it (`ChannelResponse` with `members`).
    pub fn channel(&self, cid: &str) -> Option<Value> {
        let store = self.app.store();
        let channel = store.channels.get(cid)?;
        Some(render::channel(&store, channel, true))
    }

    /// The messages of channel `cid`, oldest first, as the API shows them.
    pub fn messages(&self, cid: &str) -> Vec<Value> {
        let store = self.app.store();
        store.channels.get(cid).map_or_else(Vec::new, |channel| {
            channel
                .messages
                .iter()
                .map(|m| render::message(&store, m))
                .collect()
        })
    }

    /// User `id` as it sees itself (own user, with unread counts).
    pub fn user(&self, id: &str) -> Option<Value> {
        let store = self.app.store();
        let user = store.users.get(id)?;
        Some(render::own_user(&store, user))
    }
}
