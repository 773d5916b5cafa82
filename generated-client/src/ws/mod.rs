//! The real-time connection: a websocket that delivers the events of the channels a user
//! watches, and keeps itself alive. Needs the `ws` cargo feature and a tokio runtime.
//!
//! A client-side app (user token or anonymous auth) opens one connection per user, before
//! any other call, with [`Client::realtime`]. The connection
//!
//! - connects to the base URL's `/connect` (`ws` for `http`, `wss` for `https`) with the
//!   user's full object (the server creates or updates the user) and the credentials as query
//!   parameters, and counts as open once the server's hello arrives: its connection id
//!   ([`Connection::connection_id`]) and the user ([`Connection::user`]);
//! - receives the events of the channels it watches: a query with `watch: true` that names the
//!   connection does that, and [`Connection::client`] (or [`Client::with_connection`]) is a
//!   client whose calls name it, with its current id;
//! - retries the first connection when it fails for a transient reason (a refused or broken
//!   TCP connection, an upgrade answered with 5xx or 429, a close without an error message,
//!   no hello within 35 s; see [`RealtimeError::is_transient`]), waiting the reconnect
//!   backoff in between, up to [`ConnectionBuilder::connect_attempts`] attempts (5 by
//!   default);
//! - fails with [`RealtimeError::Api`] and does not retry when the server answers with an
//!   error instead (invalid credentials or user payload: Stream's "precondition failure", an
//!   error message then a 1000 close): retrying would fail the same way;
//! - sends a health check 25 s after each one from the server, and when nothing has arrived
//!   for 35 s closes the connection and makes a new one;
//! - reconnects after drops, errors and closes, with jittered exponential backoff capped at
//!   25 s ([`Backoff`]), or at once on [`Connection::reconnect`]; when the server says the
//!   token expired (code 40) it asks the [token provider](ConnectionBuilder::token_provider)
//!   for a new one and reconnects at once (without a provider the connection ends with that
//!   error);
//! - delivers everything through one ordered stream, [`Connection::events`]: the server's
//!   events as the generated [`Event`](crate::Event) enum (unknown types as raw JSON),
//!   [`RealtimeEvent::Recovered`] after every reconnect (events sent in the gap are lost, so
//!   query the channels again), frames it could not read, and every state change;
//! - answers the server's close frames (the close handshake), and closes with 1000 Normal
//!   Closure and stops its background task on [`Connection::disconnect`] or when the
//!   [`Connection`] is dropped;
//! - sends the client's `User-Agent` and `X-Stream-Client` headers on the upgrade request.
//!
//! ```no_run
//! use futures_util::StreamExt as _;
//! use stream_chat_client::models::UserRequest;
//! use stream_chat_client::ws::RealtimeEvent;
//! use stream_chat_client::Client;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder("my-api-key").user_token("the-user-token").build()?;
//! let mut user = UserRequest::new("jack");
//! user.name = Some("Jack".to_owned());
//!
//! let mut connection = client
//!     .realtime(&user)
//!     .token_provider(|| async { Ok::<_, std::io::Error>("a-fresh-token".to_owned()) })
//!     .connect()
//!     .await?;
//! println!("connected as {} ({:?})", connection.user().id, connection.connection_id());
//!
//! while let Some(item) = connection.events().next().await {
//!     match item {
//!         RealtimeEvent::Event(event) => println!("{}", event.event_type()),
//!         RealtimeEvent::Recovered { .. } => { /* query the channels again */ }
//!         RealtimeEvent::InvalidFrame(frame) => eprintln!("unreadable frame: {frame:?}"),
//!         RealtimeEvent::StateChanged(state) => eprintln!("connection: {state:?}"),
//!         _ => {}
//!     }
//! }
//! # Ok(())
//! # }
//! ```

mod backoff;
mod binding;
mod connect;
mod driver;
mod event;
mod frame;
mod keepalive;
mod token;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub use crate::error::realtime::{BoxError, RealtimeError, TOKEN_EXPIRED};
pub use backoff::{Backoff, DEFAULT_BASE, DEFAULT_CAP};
pub use event::{
    ConnectionState, CurrentUser, DisconnectReason, InvalidFrame, RealtimeEvent, ReconnectReason,
};
pub use keepalive::{PING_INTERVAL, UNHEALTHY_AFTER};

use crate::auth::Secret;
use crate::Client;
use connect::{Endpoint, Hello, Socket};

/// How many times [`ConnectionBuilder::connect`] tries to open the first connection by
/// default, the first attempt included.
pub const DEFAULT_CONNECT_ATTEMPTS: u32 = 5;
use driver::{Command, Driver, Shared};
use token::TokenProvider;

impl Client {
    /// Starts building the real-time connection of `user`: the full user object (e.g. a
    /// [`UserRequest`](crate::models::UserRequest) or a `serde_json::Value` with an `id`),
    /// which the server creates or updates. Connect with [`ConnectionBuilder::connect`].
    ///
    /// The client must use a user token or anonymous auth (a server-side client cannot
    /// connect); the connection reuses its base URL, API key and credentials.
    pub fn realtime(&self, user: impl serde::Serialize) -> ConnectionBuilder {
        ConnectionBuilder {
            client: self.clone(),
            user: serde_json::to_value(user).map_err(|error| error.to_string()),
            provider: None,
            backoff: Backoff::new(),
            connect_attempts: DEFAULT_CONNECT_ATTEMPTS,
        }
    }
}

/// Configures and opens a [`Connection`]; see [`Client::realtime`].
#[must_use]
pub struct ConnectionBuilder {
    client: Client,
    user: Result<serde_json::Value, String>,
    provider: Option<TokenProvider>,
    backoff: Backoff,
    connect_attempts: u32,
}

impl fmt::Debug for ConnectionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionBuilder")
            .field("client", &self.client)
            .field("user", &self.user)
            .field("token_provider", &self.provider.is_some())
            .field("backoff", &self.backoff)
            .field("connect_attempts", &self.connect_attempts)
            .finish()
    }
}

impl ConnectionBuilder {
    /// Sets the function that gives a new user token when the server says the current one
    /// expired (Stream error code 40); the connection then reconnects at once with it. Without
    /// a provider an expired token ends the connection with the error.
    ///
    /// The token is used by this connection only: the [`Client`]'s REST calls keep theirs.
    ///
    /// ```no_run
    /// # async fn run(client: stream_chat_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// async fn fetch_token_from_my_backend() -> Result<String, std::io::Error> {
    ///     Ok("a-fresh-token".to_owned())
    /// }
    ///
    /// let connection = client
    ///     .realtime(serde_json::json!({"id": "jack"}))
    ///     .token_provider(fetch_token_from_my_backend)
    ///     .connect()
    ///     .await?;
    /// # drop(connection);
    /// # Ok(())
    /// # }
    /// ```
    pub fn token_provider<F, Fut, T, E>(mut self, provider: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Into<Secret>,
        E: Into<BoxError>,
    {
        self.provider = Some(TokenProvider::new(provider));
        self
    }

    /// Sets the reconnect backoff (default: [`Backoff::new`], full jitter, cap 25 s), which
    /// also spaces the retries of the first connection.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Sets how many times [`connect`](Self::connect) tries to open the first connection, the
    /// first attempt included (default [`DEFAULT_CONNECT_ATTEMPTS`], 5; `1` means no retry, and
    /// 0 counts as 1). Only transient failures are retried
    /// ([`RealtimeError::is_transient`]), after the [backoff](Self::backoff) delay of each
    /// attempt: with the default backoff, 5 attempts wait at most 7.5 s in all.
    pub fn connect_attempts(mut self, attempts: u32) -> Self {
        self.connect_attempts = attempts.max(1);
        self
    }

    /// Connects and waits for the server's hello, then hands the connection to a background
    /// task that keeps it alive.
    ///
    /// A transient failure ([`RealtimeError::is_transient`]: a refused or broken connection,
    /// an upgrade answered with 5xx or 429, a close without an error message, no hello within
    /// 35 s) is retried with the [backoff](Self::backoff), up to
    /// [`connect_attempts`](Self::connect_attempts) attempts in all. An error message from
    /// the server (Stream's precondition failure: bad credentials or user data) is never
    /// retried, except once, at once, with a new token from the provider when the token
    /// expired.
    ///
    /// # Errors
    ///
    /// The error of the last attempt: [`RealtimeError::Api`] when the server answers with an
    /// error (check [`RealtimeError::is_token_expired`]), [`RealtimeError::Handshake`] when
    /// the upgrade is refused with an HTTP response, [`RealtimeError::Transport`] or
    /// [`RealtimeError::Closed`] when the connection fails, [`RealtimeError::Unhealthy`] when
    /// no hello arrives within 35 s, [`RealtimeError::InvalidHello`] when the first message is
    /// something else, [`RealtimeError::TokenProvider`] when the provider fails, and
    /// [`RealtimeError::Config`] for a server-side client, a user without an `id`, or when
    /// called outside a tokio runtime.
    pub async fn connect(self) -> Result<Connection, RealtimeError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(RealtimeError::Config(
                "the websocket connection needs a tokio runtime".to_owned(),
            ));
        }
        let user = self.user.map_err(|error| {
            RealtimeError::Config(format!("the user cannot be serialized: {error}"))
        })?;
        let (endpoint, mut token) = Endpoint::new(&self.client, user)?;
        let mut client = self.client;
        client.connection = None;
        let mut backoff = self.backoff;
        let (socket, hello) = first_connection(
            &endpoint,
            &mut token,
            self.provider.as_ref(),
            &mut backoff,
            self.connect_attempts,
        )
        .await?;

        let shared = Arc::new(Shared::new(&hello));
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let (commands_tx, commands_rx) = mpsc::unbounded_channel();
        let driver = Driver {
            endpoint,
            token,
            provider: self.provider,
            backoff,
            shared: Arc::clone(&shared),
            events: events_tx,
            commands: commands_rx,
        };
        let task = tokio::spawn(driver.run(socket, hello));
        Ok(Connection {
            client,
            shared,
            commands: commands_tx,
            events: Events {
                receiver: events_rx,
            },
            task: Some(task),
        })
    }
}

/// Opens the first connection: retries transient failures after the backoff delay, up to
/// `attempts` attempts, and an expired token once, at once, with a token from the provider.
async fn first_connection(
    endpoint: &Endpoint,
    token: &mut Option<Secret>,
    provider: Option<&TokenProvider>,
    backoff: &mut Backoff,
    attempts: u32,
) -> Result<(Socket, Hello), RealtimeError> {
    let mut attempt = 1;
    let mut refreshed = false;
    loop {
        let error = match connect::open(endpoint, token.as_ref()).await {
            Ok(session) => return Ok(session),
            Err(error) => error,
        };
        match provider {
            Some(provider) if error.is_token_expired() && !refreshed => {
                *token = Some(provider.fetch().await?);
                refreshed = true;
            }
            _ if error.is_transient() && attempt < attempts => {
                tokio::time::sleep(backoff.delay(attempt)).await;
                attempt += 1;
            }
            _ => return Err(error),
        }
    }
}

/// An open real-time connection; see the [module docs](self).
///
/// A background task owns the websocket; this handle reads its state, asks it to reconnect or
/// close, and gives its [`Events`]. Dropping the handle closes the connection with 1000
/// Normal Closure and ends the task, as [`Connection::disconnect`] does (without waiting).
pub struct Connection {
    /// The client it was made with (unbound): [`Connection::client`].
    client: Client,
    shared: Arc<Shared>,
    commands: mpsc::UnboundedSender<Command>,
    events: Events,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("state", &self.state())
            .field("user", &self.shared.user().id)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// The id of the open connection, which the calls that watch channels take; `None` while
    /// reconnecting and after the connection closed. It changes with every reconnect, so
    /// rather than copying it, use a client bound to the connection ([`Connection::client`]).
    pub fn connection_id(&self) -> Option<String> {
        match self.state() {
            ConnectionState::Connected { connection_id } => Some(connection_id),
            _ => None,
        }
    }

    /// The connected user, from the latest hello.
    pub fn user(&self) -> CurrentUser {
        self.shared.user()
    }

    /// The current state. Every change is also reported on [`Connection::events`].
    pub fn state(&self) -> ConnectionState {
        self.shared.state()
    }

    /// The stream of everything the connection reports, in order; it ends after the
    /// [`ConnectionState::Disconnected`] state. Items wait in an unbounded buffer until read,
    /// so a slow reader never stalls the keep-alive.
    pub fn events(&mut self) -> &mut Events {
        &mut self.events
    }

    /// Closes the connection and opens a new one at once (skipping any backoff wait), e.g.
    /// when the app learns that the network came back. Does nothing after the connection
    /// closed for good.
    pub fn reconnect(&self) {
        let _ = self.commands.send(Command::Reconnect);
    }

    /// Closes the connection with 1000 Normal Closure and waits until the background task
    /// has ended. The events stream then ends after the remaining items.
    pub async fn disconnect(&mut self) {
        let _ = self.commands.send(Command::Disconnect);
        if let Some(task) = self.task.take() {
            // The task does not panic; if it did, there is nothing left to stop.
            let _ = task.await;
        }
    }
}

/// The stream of a [`Connection`]'s [`RealtimeEvent`]s, in the order they happened.
///
/// Implements [`Stream`] (use `futures_util::StreamExt::next`), or read it with
/// [`Events::recv`].
pub struct Events {
    receiver: mpsc::UnboundedReceiver<RealtimeEvent>,
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("buffered", &self.receiver.len())
            .finish()
    }
}

impl Events {
    /// The next item; `None` once the connection closed for good and every item was read.
    pub async fn recv(&mut self) -> Option<RealtimeEvent> {
        self.receiver.recv().await
    }
}

impl Stream for Events {
    type Item = RealtimeEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.receiver.poll_recv(cx)
    }
}
