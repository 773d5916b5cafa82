//! What the server remembers: users, channels with their members, read states and messages,
//! and the open websocket connections with the channels each one watches.
//!
//! Watching belongs to a connection, not to a user (Stream's docs, "Websocket Events"): a
//! channel's watchers are the connections that asked to watch it with their `connection_id`,
//! and its `watcher_count` is the number of distinct users behind them. Each connection has an
//! outbox (an unbounded channel to its socket task, which also carries the order to close), so
//! delivering an event never waits; the
//! whole store sits behind one lock, so the events of one request reach every connection in
//! the order the request made them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use tokio::sync::mpsc::UnboundedSender;

use super::error::ApiError;

/// The channel types the fake knows, as a new Stream app has them.
pub(crate) const CHANNEL_TYPES: [&str; 5] =
    ["messaging", "livestream", "team", "gaming", "commerce"];

/// The longest message text the channel types allow (`max_message_length`).
pub(crate) const MAX_MESSAGE_LENGTH: usize = 5000;

/// The current time (`chrono`'s `Utc::now` needs a feature the workspace does not enable).
pub(crate) fn now() -> DateTime<Utc> {
    std::time::SystemTime::now().into()
}

/// A user.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) image: Option<String>,
    pub(crate) language: String,
    pub(crate) role: String,
    pub(crate) teams: Vec<String>,
    pub(crate) invisible: bool,
    /// Custom data: every key the app sent that is not a field of the user.
    pub(crate) custom: Map<String, Value>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) last_active: Option<DateTime<Utc>>,
}

impl User {
    /// A new user with only an ID, created `now`.
    pub(crate) fn new(id: &str, now: DateTime<Utc>) -> Self {
        Self {
            id: id.to_owned(),
            name: None,
            image: None,
            language: String::new(),
            role: "user".to_owned(),
            teams: Vec::new(),
            invisible: false,
            custom: Map::new(),
            created_at: now,
            updated_at: now,
            last_active: None,
        }
    }
}

/// A member of a channel, with its read state.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) user_id: String,
    /// `owner` (the creator), `member` or `moderator`.
    pub(crate) role: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) last_read: DateTime<Utc>,
    pub(crate) last_read_message_id: Option<String>,
    pub(crate) unread_messages: u32,
}

impl Member {
    /// A member with role `role` who joined `now`, with nothing unread.
    pub(crate) fn new(user_id: &str, role: &str, now: DateTime<Utc>) -> Self {
        Self {
            user_id: user_id.to_owned(),
            role: role.to_owned(),
            created_at: now,
            updated_at: now,
            last_read: now,
            last_read_message_id: None,
            unread_messages: 0,
        }
    }
}

/// A message.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub(crate) id: String,
    pub(crate) cid: String,
    pub(crate) user_id: String,
    pub(crate) text: String,
    /// `regular`, `reply` (with `parent_id`), `system` or `deleted`.
    pub(crate) kind: String,
    pub(crate) parent_id: Option<String>,
    pub(crate) attachments: Vec<Value>,
    pub(crate) mentioned_users: Vec<String>,
    pub(crate) silent: bool,
    pub(crate) custom: Map<String, Value>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) deleted_at: Option<DateTime<Utc>>,
}

/// A channel.
#[derive(Debug, Clone)]
pub(crate) struct Channel {
    pub(crate) kind: String,
    pub(crate) id: String,
    pub(crate) cid: String,
    pub(crate) created_by: Option<String>,
    pub(crate) frozen: bool,
    pub(crate) disabled: bool,
    /// Custom data (e.g. `name`).
    pub(crate) custom: Map<String, Value>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) last_message_at: Option<DateTime<Utc>>,
    /// In the order they joined.
    pub(crate) members: Vec<Member>,
    /// Oldest first.
    pub(crate) messages: Vec<Message>,
}

impl Channel {
    /// The member `user_id`, if they are one.
    pub(crate) fn member(&self, user_id: &str) -> Option<&Member> {
        self.members.iter().find(|member| member.user_id == user_id)
    }

    /// Whether `user_id` is a member.
    pub(crate) fn is_member(&self, user_id: &str) -> bool {
        self.member(user_id).is_some()
    }

    /// Whether users must be members to write (every type but `livestream`).
    pub(crate) fn members_only(&self) -> bool {
        self.kind != "livestream"
    }
}

/// What a connection's socket task is asked to send.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// An event's JSON text.
    Event(String),
    /// Close the connection from the server's side.
    Close,
}

/// An open websocket connection.
#[derive(Debug)]
pub(crate) struct Connection {
    /// The connected user (`!anon` for anonymous connections).
    pub(crate) user_id: String,
    pub(crate) anonymous: bool,
    outbox: UnboundedSender<Outgoing>,
    /// The CIDs this connection watches.
    pub(crate) watching: BTreeSet<String>,
    /// The CIDs whose members' presence changes this connection receives.
    pub(crate) presence: BTreeSet<String>,
}

/// Everything the server holds; one lock guards it (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) users: BTreeMap<String, User>,
    pub(crate) channels: BTreeMap<String, Channel>,
    /// Message ID → CID.
    pub(crate) message_cids: HashMap<String, String>,
    pub(crate) connections: BTreeMap<String, Connection>,
    next_id: u64,
}

/// Whether `id` is a valid user ID (as Stream's: letters, digits, `@`, `_`, `-`).
pub(crate) fn valid_user_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 255
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '@' | '_' | '-'))
}

impl Store {
    /// A fresh ID in UUID form (version 4 layout, a counter in place of the randomness, so
    /// IDs are unique and runs are reproducible).
    pub(crate) fn new_id(&mut self) -> String {
        self.next_id += 1;
        let n = self.next_id;
        format!("f0000000-0000-4000-8000-{n:012x}")
    }

    /// The user `id`, or "does not exist".
    pub(crate) fn user(&self, id: &str) -> Result<&User, ApiError> {
        self.users
            .get(id)
            .ok_or_else(|| ApiError::not_found(format!("user {id:?} does not exist")))
    }

    /// The user `id`, created with only its ID if new.
    pub(crate) fn ensure_user(&mut self, id: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
        if !valid_user_id(id) {
            return Err(ApiError::field(
                "user_id",
                format!("user ID {id:?} is not valid: use letters, digits, @, _ and -"),
            ));
        }
        self.users
            .entry(id.to_owned())
            .or_insert_with(|| User::new(id, now));
        Ok(())
    }

    /// The channel `cid`, or "does not exist".
    pub(crate) fn channel(&self, cid: &str) -> Result<&Channel, ApiError> {
        self.channels
            .get(cid)
            .ok_or_else(|| ApiError::not_found(format!("channel {cid:?} does not exist")))
    }

    /// The channel `cid`, mutable, or "does not exist".
    pub(crate) fn channel_mut(&mut self, cid: &str) -> Result<&mut Channel, ApiError> {
        self.channels
            .get_mut(cid)
            .ok_or_else(|| ApiError::not_found(format!("channel {cid:?} does not exist")))
    }

    /// Registers a connection and returns its ID.
    pub(crate) fn open_connection(
        &mut self,
        user_id: &str,
        anonymous: bool,
        outbox: UnboundedSender<Outgoing>,
    ) -> String {
        let connection_id = self.new_id();
        self.connections.insert(
            connection_id.clone(),
            Connection {
                user_id: user_id.to_owned(),
                anonymous,
                outbox,
                watching: BTreeSet::new(),
                presence: BTreeSet::new(),
            },
        );
        connection_id
    }

    /// Whether `user_id` has an open (non-anonymous) connection.
    pub(crate) fn is_online(&self, user_id: &str) -> bool {
        !self.user_connections(user_id).is_empty()
    }

    /// The non-anonymous connections of `user_id`.
    pub(crate) fn user_connections(&self, user_id: &str) -> Vec<String> {
        self.connections
            .iter()
            .filter(|(_, connection)| !connection.anonymous && connection.user_id == user_id)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The connections watching `cid`.
    pub(crate) fn watching_connections(&self, cid: &str) -> Vec<String> {
        self.connections
            .iter()
            .filter(|(_, connection)| connection.watching.contains(cid))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The users watching `cid` on at least one connection.
    pub(crate) fn watchers(&self, cid: &str) -> BTreeSet<String> {
        self.connections
            .values()
            .filter(|connection| connection.watching.contains(cid))
            .map(|connection| connection.user_id.clone())
            .collect()
    }

    /// The number of users watching `cid`.
    pub(crate) fn watcher_count(&self, cid: &str) -> usize {
        self.watchers(cid).len()
    }

    /// Whether `user_id` watches `cid` on any connection.
    pub(crate) fn is_watching(&self, user_id: &str, cid: &str) -> bool {
        self.connections
            .values()
            .any(|connection| connection.user_id == user_id && connection.watching.contains(cid))
    }

    /// The user's unread messages in all channels, and the number of channels with unread
    /// messages.
    pub(crate) fn unread_totals(&self, user_id: &str) -> (u32, u32) {
        self.channels
            .values()
            .filter_map(|channel| channel.member(user_id))
            .filter(|member| member.unread_messages > 0)
            .fold((0, 0), |(messages, channels), member| {
                (messages + member.unread_messages, channels + 1)
            })
    }

    /// Asks connection `connection_id`'s socket task to close it, after the events queued
    /// before; whether the connection was open.
    pub(crate) fn close_connection(&self, connection_id: &str) -> bool {
        self.connections
            .get(connection_id)
            .is_some_and(|connection| connection.outbox.send(Outgoing::Close).is_ok())
    }

    /// Queues `event` on connection `connection_id` (gone connections are skipped: their
    /// socket task removes them).
    pub(crate) fn deliver(&self, connection_id: &str, event: &Value) {
        if let Some(connection) = self.connections.get(connection_id) {
            let _ = connection.outbox.send(Outgoing::Event(event.to_string()));
        }
    }

    /// Queues `event` on every connection in `connection_ids`, each copy first passed to
    /// `personalize` with the recipient's user ID (for unread counts).
    pub(crate) fn deliver_each(
        &self,
        connection_ids: &[String],
        event: &Value,
        personalize: impl Fn(&str, &mut Map<String, Value>),
    ) {
        for connection_id in connection_ids {
            let Some(connection) = self.connections.get(connection_id) else {
                continue;
            };
            let mut copy = event.clone();
            if let Value::Object(fields) = &mut copy {
                personalize(&connection.user_id, fields);
            }
            let _ = connection.outbox.send(Outgoing::Event(copy.to_string()));
        }
    }
}
