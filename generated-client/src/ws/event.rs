//! What a connection reports: events, the recovered signal, invalid frames, state changes.

use std::sync::Arc;
use std::time::Duration;

use super::RealtimeError;
use crate::Event;

/// One item of a connection's [`Events`](super::Events) stream, in the order things happened.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RealtimeEvent {
    /// An event from the server, in the order the server sent them. Event types this version
    /// of the client does not know arrive as [`Event::Unknown`] with their JSON.
    ///
    /// The server's `health.check` events are not forwarded: the connection answers them
    /// itself.
    Event(Event),
    /// The connection was lost and is open again, with a new connection id. Events sent in
    /// the gap are lost: query the channels again to catch up.
    Recovered {
        /// The new connection id.
        connection_id: String,
    },
    /// A frame the client could not read; the connection goes on.
    InvalidFrame(InvalidFrame),
    /// The connection's state changed.
    StateChanged(ConnectionState),
}

/// A frame from the server that is not a readable event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum InvalidFrame {
    /// A text frame that is not JSON.
    NotJson {
        /// The JSON parser's message.
        error: String,
        /// The start of the frame (about 200 characters).
        excerpt: String,
    },
    /// A binary frame: the API sends only text.
    Binary {
        /// Its length in bytes.
        len: usize,
    },
    /// JSON of a known event type whose payload does not match the event's schema.
    Mismatch {
        /// The event's `type`.
        event_type: String,
        /// The decoder's message.
        error: String,
        /// The frame as JSON.
        raw: serde_json::Value,
    },
}

/// The state of a connection, as [`Connection::state`](super::Connection::state) returns it
/// and [`RealtimeEvent::StateChanged`] reports each change.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ConnectionState {
    /// A connection attempt is under way (after a drop).
    Connecting {
        /// The attempt's number since the connection was lost, from 1.
        attempt: u32,
    },
    /// The connection is open: the hello arrived.
    Connected {
        /// The id of this connection.
        connection_id: String,
    },
    /// The connection was lost (or a reconnect was asked for); the next attempt starts after
    /// `delay`.
    Reconnecting {
        /// The number of the coming attempt since the connection was lost, from 1.
        attempt: u32,
        /// The wait before it (zero for an immediate reconnect).
        delay: Duration,
        /// Why the connection was lost or the last attempt failed.
        reason: ReconnectReason,
    },
    /// The connection is closed for good; the event stream ends after this state.
    Disconnected {
        /// Why.
        reason: DisconnectReason,
    },
}

impl ConnectionState {
    /// Whether the connection is open.
    pub fn is_connected(&self) -> bool {
        matches!(self, ConnectionState::Connected { .. })
    }
}

/// Why a connection reconnects.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ReconnectReason {
    /// The application asked for it ([`Connection::reconnect`](super::Connection::reconnect)).
    Requested,
    /// The server refused the token as expired; the token provider is asked for a new one.
    TokenExpired(Arc<RealtimeError>),
    /// The connection broke, was closed by the server, went silent, or the last attempt
    /// failed.
    Failed(Arc<RealtimeError>),
}

/// Why a connection closed for good.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The application closed it ([`Connection::disconnect`](super::Connection::disconnect) or
    /// dropping the [`Connection`](super::Connection)).
    Requested,
    /// The server refused a reconnect or the open connection with an error that retrying
    /// cannot fix (e.g. an expired token without a token provider).
    Failed(Arc<RealtimeError>),
}

/// The connected user, from the server's hello (`me`).
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentUser {
    /// The user's id.
    pub id: String,
    /// The whole user object as the server sent it (unread counts, mutes, devices, custom
    /// data, ...), or the user sent when connecting if the hello had none.
    pub raw: serde_json::Value,
}

impl CurrentUser {
    /// Reads the user from a JSON object with a string `id`.
    pub(crate) fn from_value(raw: serde_json::Value) -> Option<Self> {
        let id = raw.get("id")?.as_str()?.to_owned();
        Some(Self { id, raw })
    }

    /// A field of the user object, e.g. `user.get("total_unread_count")`.
    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.raw.get(key)
    }
}
