//! The connection's background task: reads frames, answers health checks, watches for
//! silence, and reconnects with backoff when the connection is lost.
//!
//! One task per connection owns the socket; the [`Connection`](super::Connection) handle
//! talks to it through two channels (commands in, events out) and a shared snapshot of the
//! state. When the handle is dropped the command channel closes and the task closes the
//! socket with 1000 Normal Closure and ends.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

use super::connect::{self, Endpoint, Hello, Socket, CLOSE_TIMEOUT};
use super::frame::{self, Frame};
use super::keepalive::{self, KeepAlive};
use super::token::TokenProvider;
use super::{
    Backoff, ConnectionState, CurrentUser, DisconnectReason, InvalidFrame, RealtimeError,
    RealtimeEvent, ReconnectReason, UNHEALTHY_AFTER,
};
use crate::auth::Secret;

/// What the handle asks of the task.
#[derive(Debug)]
pub(crate) enum Command {
    /// Close the connection and open a new one at once.
    Reconnect,
    /// Close the connection for good.
    Disconnect,
}

/// The state the handle (and the clients bound to the connection) read.
#[derive(Debug)]
pub(crate) struct Shared {
    user: Mutex<CurrentUser>,
    /// A `watch` channel, so that a call can wait for the next connection ID.
    state: watch::Sender<ConnectionState>,
}

impl Shared {
    pub(crate) fn new(hello: &Hello) -> Self {
        Self {
            user: Mutex::new(hello.user.clone()),
            state: watch::Sender::new(ConnectionState::Connected {
                connection_id: hello.connection_id.clone(),
            }),
        }
    }

    fn lock_user(&self) -> MutexGuard<'_, CurrentUser> {
        // The user is replaced whole, so a panic elsewhere cannot leave it half-written.
        self.user.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn state(&self) -> ConnectionState {
        self.state.borrow().clone()
    }

    pub(crate) fn user(&self) -> CurrentUser {
        self.lock_user().clone()
    }

    /// The ID of the open connection. While the connection (re)connects, waits for the next
    /// one, up to `wait`: `Err(true)` when the connection closed for good, `Err(false)` when
    /// it did not reconnect in time.
    pub(crate) async fn connection_id(&self, wait: Duration) -> Result<String, bool> {
        let mut states = self.state.subscribe();
        let settled = async {
            let state = states.wait_for(|state| {
                matches!(
                    state,
                    ConnectionState::Connected { .. } | ConnectionState::Disconnected { .. }
                )
            });
            match state.await.as_deref() {
                Ok(ConnectionState::Connected { connection_id }) => Some(connection_id.clone()),
                // Closed for good (the sender lives as long as `self`, so `Err` cannot happen).
                _ => None,
            }
        };
        match tokio::time::timeout(wait, settled).await {
            Ok(Some(id)) => Ok(id),
            Ok(None) => Err(true),
            Err(_) => Err(false),
        }
    }
}

/// The background task's state.
pub(crate) struct Driver {
    pub(crate) endpoint: Endpoint,
    pub(crate) token: Option<Secret>,
    pub(crate) provider: Option<TokenProvider>,
    pub(crate) backoff: Backoff,
    pub(crate) shared: Arc<Shared>,
    pub(crate) events: UnboundedSender<RealtimeEvent>,
    pub(crate) commands: UnboundedReceiver<Command>,
}

/// How serving one connection ended.
enum End {
    /// The application closed the connection.
    Stop,
    /// The server sent an error that retrying cannot fix.
    Fatal(RealtimeError),
    /// The connection is gone; make a new one.
    Lost {
        reason: ReconnectReason,
        /// Reconnect without a backoff delay.
        at_once: bool,
        /// Ask the token provider for a new token first.
        refresh: bool,
    },
}

fn lost(error: RealtimeError) -> End {
    End::Lost {
        reason: ReconnectReason::Failed(Arc::new(error)),
        at_once: false,
        refresh: false,
    }
}

impl Driver {
    /// Serves `socket` (whose hello already arrived), and every connection after it, until the
    /// application closes the connection or the server refuses it for good.
    pub(crate) async fn run(mut self, socket: Socket, hello: Hello) {
        let mut session = (socket, hello);
        loop {
            let (socket, hello) = session;
            let end = self.serve(socket, &hello).await;
            let (reason, at_once, refresh) = match end {
                End::Stop => return self.finish(DisconnectReason::Requested),
                End::Fatal(error) => return self.finish(DisconnectReason::Failed(Arc::new(error))),
                End::Lost {
                    reason,
                    at_once,
                    refresh,
                } => (reason, at_once, refresh),
            };
            session = match self.reconnect(reason, at_once, refresh).await {
                Some(session) => session,
                None => return,
            };
        }
    }

    /// Reads and dispatches frames, sends health checks, and watches for silence, until the
    /// connection ends. The socket is dropped on return.
    async fn serve(&mut self, mut socket: Socket, hello: &Hello) -> End {
        let ping = keepalive::ping_message(self.endpoint.user_id(), &hello.connection_id);
        let mut keepalive = KeepAlive::after_hello(hello.received_at);
        loop {
            tokio::select! {
                biased;
                command = self.commands.recv() => {
                    close(&mut socket, true).await;
                    return match command {
                        Some(Command::Reconnect) => End::Lost {
                            reason: ReconnectReason::Requested,
                            at_once: true,
                            refresh: false,
                        },
                        Some(Command::Disconnect) | None => End::Stop,
                    };
                }
                message = socket.next() => {
                    let now = Instant::now();
                    keepalive.message_received(now);
                    let text = match message {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Binary(bytes))) => {
                            self.emit(RealtimeEvent::InvalidFrame(InvalidFrame::Binary {
                                len: bytes.len(),
                            }));
                            continue;
                        }
                        // tungstenite answers pings itself.
                        Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                        Some(Ok(Message::Close(frame))) => {
                            connect::answer_close(&mut socket).await;
                            return lost(connect::closed(frame));
                        }
                        Some(Err(error)) => return lost(connect::transport(error)),
                        None => return lost(connect::closed(None)),
                    };
                    match frame::read(text.as_str()) {
                        Frame::HealthCheck { .. } => keepalive.health_check_received(now),
                        Frame::Event(event) => self.emit(RealtimeEvent::Event(event)),
                        Frame::Invalid(invalid) => self.emit(RealtimeEvent::InvalidFrame(invalid)),
                        Frame::Error(error) => {
                            // The server closes the connection after an error message.
                            connect::await_close(&mut socket).await;
                            let error = RealtimeError::Api(error);
                            return if error.is_token_expired() && self.provider.is_some() {
                                End::Lost {
                                    reason: ReconnectReason::TokenExpired(Arc::new(error)),
                                    at_once: true,
                                    refresh: true,
                                }
                            } else {
                                End::Fatal(error)
                            };
                        }
                    }
                }
                () = keepalive::sleep_until(keepalive.ping_at()) => {
                    keepalive.ping_sent();
                    if let Err(error) = socket.send(Message::text(ping.as_str())).await {
                        return lost(connect::transport(error));
                    }
                }
                () = tokio::time::sleep_until(keepalive.unhealthy_at()) => {
                    close(&mut socket, false).await;
                    return lost(RealtimeError::Unhealthy(UNHEALTHY_AFTER));
                }
            }
        }
    }

    /// Makes a new connection: waits the backoff delay (none when `at_once`), refreshes the
    /// token if asked, and connects; repeats until connected. `None` when the application
    /// closed the connection meanwhile or the server refused it for good (the final state is
    /// then set).
    async fn reconnect(
        &mut self,
        mut reason: ReconnectReason,
        mut at_once: bool,
        mut refresh: bool,
    ) -> Option<(Socket, Hello)> {
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            let delay = if at_once {
                Duration::ZERO
            } else {
                self.backoff.delay(attempt)
            };
            self.set_state(ConnectionState::Reconnecting {
                attempt,
                delay,
                reason: reason.clone(),
            });
            if !delay.is_zero() {
                tokio::select! {
                    biased;
                    command = self.commands.recv() => match command {
                        Some(Command::Reconnect) => {}
                        Some(Command::Disconnect) | None => {
                            self.finish(DisconnectReason::Requested);
                            return None;
                        }
                    },
                    () = tokio::time::sleep(delay) => {}
                }
            }

            self.set_state(ConnectionState::Connecting { attempt });
            let refreshing = refresh;
            let result = tokio::select! {
                biased;
                command = self.commands.recv() => match command {
                    Some(Command::Reconnect) => {
                        at_once = true;
                        reason = ReconnectReason::Requested;
                        continue;
                    }
                    Some(Command::Disconnect) | None => {
                        self.finish(DisconnectReason::Requested);
                        return None;
                    }
                },
                result = attempt_once(&self.endpoint, &mut self.token, self.provider.as_ref(), &mut refresh) => result,
            };
            match result {
                Ok((socket, hello)) => {
                    self.connected(&hello);
                    return Some((socket, hello));
                }
                Err(error) if error.is_token_expired() && self.provider.is_some() => {
                    // A token refreshed for this very attempt was refused too: back off
                    // before asking again rather than spin.
                    at_once = !refreshing;
                    refresh = true;
                    reason = ReconnectReason::TokenExpired(Arc::new(error));
                }
                Err(error @ RealtimeError::Api(_)) => {
                    self.finish(DisconnectReason::Failed(Arc::new(error)));
                    return None;
                }
                Err(error) => {
                    at_once = false;
                    reason = ReconnectReason::Failed(Arc::new(error));
                }
            }
        }
    }

    /// A new connection is open: record it, tell the application.
    fn connected(&mut self, hello: &Hello) {
        *self.shared.lock_user() = hello.user.clone();
        self.set_state(ConnectionState::Connected {
            connection_id: hello.connection_id.clone(),
        });
        self.emit(RealtimeEvent::Recovered {
            connection_id: hello.connection_id.clone(),
        });
    }

    /// The final state; the event stream ends when the task (and with it the sender) ends.
    fn finish(&mut self, reason: DisconnectReason) {
        self.set_state(ConnectionState::Disconnected { reason });
    }

    fn set_state(&mut self, state: ConnectionState) {
        self.shared.state.send_replace(state.clone());
        self.emit(RealtimeEvent::StateChanged(state));
    }

    fn emit(&self, event: RealtimeEvent) {
        // No receiver means the handle is gone; the task ends at its next command check.
        let _ = self.events.send(event);
    }
}

/// One reconnect attempt: a new token if `refresh`, then the connection.
async fn attempt_once(
    endpoint: &Endpoint,
    token: &mut Option<Secret>,
    provider: Option<&TokenProvider>,
    refresh: &mut bool,
) -> Result<(Socket, Hello), RealtimeError> {
    if let (true, Some(provider)) = (*refresh, provider) {
        *token = Some(provider.fetch().await?);
        *refresh = false;
    }
    connect::open(endpoint, token.as_ref()).await
}

/// Sends a 1000 Normal Closure and, with `wait_for_reply`, reads until the server's close
/// frame answers it; all within [`CLOSE_TIMEOUT`], errors ignored. The socket is dropped
/// after, without waiting for the server to end the TCP connection too.
async fn close(socket: &mut Socket, wait_for_reply: bool) {
    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    };
    let closing = async {
        if socket.close(Some(frame)).await.is_err() {
            return;
        }
        if wait_for_reply {
            while let Some(Ok(message)) = socket.next().await {
                if message.is_close() {
                    break;
                }
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, closing).await;
}
