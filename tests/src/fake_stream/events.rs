//! The JSON of the websocket events, with the fields the payload schemas of Stream's
//! `websocket_events` mark required (and the channel fields `cid`, `channel_id`,
//! `channel_type`, `created_at` on every channel event).
//!
//! Events that depend on the recipient (unread counts) are built once here and completed per
//! connection with [`unread_fields`] at delivery.

use serde_json::{json, Map, Value};

use super::render::{self, timestamp};
use super::state::{now, Channel, Member, Message, Store};

/// `type`, `cid`, `channel_id`, `channel_type`, `created_at` and `channel_member_count`.
fn channel_event(kind: &str, channel: &Channel) -> Map<String, Value> {
    let mut event = Map::new();
    event.insert("type".into(), json!(kind));
    event.insert("cid".into(), json!(channel.cid));
    event.insert("channel_id".into(), json!(channel.id));
    event.insert("channel_type".into(), json!(channel.kind));
    event.insert("channel_member_count".into(), json!(channel.members.len()));
    event.insert("created_at".into(), json!(timestamp(now())));
    event
}

fn with(mut event: Map<String, Value>, fields: Value) -> Value {
    if let Value::Object(fields) = fields {
        event.extend(fields);
    }
    Value::Object(event)
}

/// The recipient's unread counts: in `cid` (`unread_count`, when a member) and in all channels
/// (`total_unread_count`, `unread_channels`).
pub(crate) fn unread_fields(
    store: &Store,
    user_id: &str,
    cid: &str,
    event: &mut Map<String, Value>,
) {
    let Some(member) = store.channels.get(cid).and_then(|c| c.member(user_id)) else {
        return;
    };
    let (total, channels) = store.unread_totals(user_id);
    event.insert("unread_count".into(), json!(member.unread_messages));
    event.insert("total_unread_count".into(), json!(total));
    event.insert("unread_channels".into(), json!(channels));
}

/// `message.new`, to the channel's watchers.
pub(crate) fn message_new(store: &Store, channel: &Channel, message: &Message) -> Value {
    with(
        channel_event("message.new", channel),
        json!({
            "message_id": message.id,
            "message": render::message(store, message),
            "user": render::user_by_id(store, &message.user_id),
            "watcher_count": store.watcher_count(&channel.cid),
            "channel_last_message_at": channel.last_message_at.map(timestamp),
        }),
    )
}

/// `notification.message_new`, to members who do not watch the channel on a connection.
pub(crate) fn notification_message_new(
    store: &Store,
    channel: &Channel,
    message: &Message,
) -> Value {
    with(
        channel_event("notification.message_new", channel),
        json!({
            "channel": render::channel(store, channel, true),
            "message_id": message.id,
            "message": render::message(store, message),
            "watcher_count": store.watcher_count(&channel.cid),
        }),
    )
}

/// `message.updated` or `message.deleted` (with `hard_delete`), to the watchers.
pub(crate) fn message_changed(
    store: &Store,
    channel: &Channel,
    kind: &str,
    message: &Message,
    hard_delete: bool,
) -> Value {
    let mut event = channel_event(kind, channel);
    event.insert("message_id".into(), json!(message.id));
    event.insert("message".into(), render::message(store, message));
    event.insert("user".into(), render::user_by_id(store, &message.user_id));
    if kind == "message.deleted" {
        event.insert("hard_delete".into(), json!(hard_delete));
    }
    Value::Object(event)
}

/// An event a user sent with SendEvent (`typing.start`, `typing.stop` or a custom type),
/// with its custom keys, to the watchers.
pub(crate) fn sent(
    store: &Store,
    channel: &Channel,
    kind: &str,
    user_id: &str,
    request: &Map<String, Value>,
) -> Value {
    let mut event = channel_event(kind, channel);
    event.insert("user".into(), render::user_by_id(store, user_id));
    for (key, value) in request {
        let own = matches!(key.as_str(), "type" | "user" | "user_id");
        if !own && !value.is_null() && !event.contains_key(key) {
            event.insert(key.clone(), value.clone());
        }
    }
    Value::Object(event)
}

/// `member.added`, `member.removed` (to the watchers), `notification.added_to_channel` or
/// `notification.removed_from_channel` (to the member's connections).
pub(crate) fn membership(store: &Store, channel: &Channel, kind: &str, member: &Member) -> Value {
    with(
        channel_event(kind, channel),
        json!({
            "member": render::member(store, member),
            "user": render::user_by_id(store, &member.user_id),
            "channel": render::channel(store, channel, true),
        }),
    )
}

/// `user.watching.start` or `user.watching.stop`, to the other watchers.
pub(crate) fn watching(store: &Store, channel: &Channel, kind: &str, user_id: &str) -> Value {
    with(
        channel_event(kind, channel),
        json!({
            "user": render::user_by_id(store, user_id),
            "watcher_count": store.watcher_count(&channel.cid),
        }),
    )
}

/// `channel.updated`, to the watchers.
pub(crate) fn channel_updated(store: &Store, channel: &Channel, user_id: &str) -> Value {
    with(
        channel_event("channel.updated", channel),
        json!({
            "channel": render::channel(store, channel, true),
            "user": render::user_by_id(store, user_id),
        }),
    )
}

/// `message.read` (to the watchers) or `notification.mark_read` (to the reader's connections,
/// completed with [`unread_fields`]).
pub(crate) fn read(store: &Store, channel: &Channel, kind: &str, member: &Member) -> Value {
    let mut event = channel_event(kind, channel);
    event.insert("user".into(), render::user_by_id(store, &member.user_id));
    event.insert("channel".into(), render::channel(store, channel, false));
    if let Some(id) = &member.last_read_message_id {
        event.insert("last_read_message_id".into(), json!(id));
    }
    Value::Object(event)
}

/// `user.presence.changed`: `user_id` came online or went offline.
pub(crate) fn presence_changed(store: &Store, user_id: &str) -> Value {
    json!({
        "type": "user.presence.changed",
        "user": render::user_by_id(store, user_id),
        "created_at": timestamp(now()),
    })
}

/// A `health.check`: the hello (with `me`) or a keep-alive (without).
pub(crate) fn health_check(connection_id: &str, me: Option<Value>) -> Value {
    let mut event = json!({
        "type": "health.check",
        "connection_id": connection_id,
        "cid": "*",
        "created_at": timestamp(now()),
    });
    if let Some(me) = me {
        event["me"] = me;
    }
    event
}
