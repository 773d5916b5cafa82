//! The JSON objects of responses and events: users (`UserResponse`, the own user of the hello
//! and of `FullUserResponse`), channels (`ChannelResponse`, `ChannelStateResponse`), members,
//! read states and messages, with every field the API marks required and custom data as
//! top-level keys.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::state::{now, Channel, Member, Message, Store, User, MAX_MESSAGE_LENGTH};

/// A date-time as the API writes it: RFC 3339, UTC, microseconds.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// `fields` with the custom keys added after them; a custom key never replaces a field.
fn with_custom(mut fields: Map<String, Value>, custom: &Map<String, Value>) -> Value {
    for (key, value) in custom {
        if !fields.contains_key(key) {
            fields.insert(key.clone(), value.clone());
        }
    }
    Value::Object(fields)
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(fields) => fields,
        _ => Map::new(),
    }
}

/// The fields a user object has whatever the response (`UserResponse` and its relatives).
fn user_fields(store: &Store, user: &User) -> Map<String, Value> {
    let mut fields = object(json!({
        "id": user.id,
        "language": user.language,
        "role": user.role,
        "teams": user.teams,
        "created_at": timestamp(user.created_at),
        "updated_at": timestamp(user.updated_at),
        "banned": false,
        "online": store.is_online(&user.id),
        "blocked_user_ids": [],
        "shadow_banned": false,
        "invisible": user.invisible,
    }));
    if let Some(name) = &user.name {
        fields.insert("name".into(), json!(name));
    }
    if let Some(image) = &user.image {
        fields.insert("image".into(), json!(image));
    }
    if let Some(last_active) = user.last_active {
        fields.insert("last_active".into(), json!(timestamp(last_active)));
    }
    fields
}

/// A user as other users see it (`UserResponse`).
pub(crate) fn user(store: &Store, user: &User) -> Value {
    with_custom(user_fields(store, user), &user.custom)
}

/// The user `id` as others see it; a user the store does not hold (the anonymous `!anon`)
/// renders with its ID only.
pub(crate) fn user_by_id(store: &Store, id: &str) -> Value {
    match store.users.get(id) {
        Some(found) => user(store, found),
        None => user(store, &User::new(id, now())),
    }
}

/// A user as it sees itself (`OwnUserResponse`, also `FullUserResponse`): with unread counts,
/// devices and mutes.
pub(crate) fn own_user(store: &Store, user: &User) -> Value {
    let (unread, unread_channels) = store.unread_totals(&user.id);
    let mut fields = user_fields(store, user);
    for (key, value) in [
        ("devices", json!([])),
        ("mutes", json!([])),
        ("channel_mutes", json!([])),
        ("unread_count", json!(unread)),
        ("total_unread_count", json!(unread)),
        ("unread_channels", json!(unread_channels)),
        ("unread_threads", json!(0)),
    ] {
        fields.insert(key.into(), value);
    }
    with_custom(fields, &user.custom)
}

/// A channel member (`ChannelMemberResponse`).
pub(crate) fn member(store: &Store, member: &Member) -> Value {
    let moderator = member.role == "moderator";
    json!({
        "user_id": member.user_id,
        "user": user_by_id(store, &member.user_id),
        "created_at": timestamp(member.created_at),
        "updated_at": timestamp(member.updated_at),
        "banned": false,
        "shadow_banned": false,
        "role": member.role,
        "channel_role": if moderator { "channel_moderator" } else { "channel_member" },
        "is_moderator": moderator,
        "notifications_muted": false,
        "status": "member",
    })
}

/// A member's read state (`ReadStateResponse`).
pub(crate) fn read_state(store: &Store, member: &Member) -> Value {
    let mut state = object(json!({
        "user": user_by_id(store, &member.user_id),
        "last_read": timestamp(member.last_read),
        "unread_messages": member.unread_messages,
    }));
    if let Some(id) = &member.last_read_message_id {
        state.insert("last_read_message_id".into(), json!(id));
    }
    Value::Object(state)
}

/// Text as the API's `html` field has it: escaped, in one paragraph.
fn html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&#34;"),
            other => escaped.push(other),
        }
    }
    if text.is_empty() {
        escaped
    } else {
        format!("<p>{escaped}</p>\n")
    }
}

/// A message (`MessageResponse`).
pub(crate) fn message(store: &Store, message: &Message) -> Value {
    let reply_count = store.channels.get(&message.cid).map_or(0, |channel| {
        channel
            .messages
            .iter()
            .filter(|reply| reply.parent_id.as_deref() == Some(&message.id))
            .count()
    });
    let mentioned: Vec<Value> = message
        .mentioned_users
        .iter()
        .filter(|id| store.users.contains_key(*id))
        .map(|id| user_by_id(store, id))
        .collect();
    let mut fields = object(json!({
        "id": message.id,
        "text": message.text,
        "html": html(&message.text),
        "type": message.kind,
        "user": user_by_id(store, &message.user_id),
        "attachments": message.attachments,
        "latest_reactions": [],
        "own_reactions": [],
        "reaction_counts": {},
        "reaction_scores": {},
        "reply_count": reply_count,
        "deleted_reply_count": 0,
        "cid": message.cid,
        "created_at": timestamp(message.created_at),
        "updated_at": timestamp(message.updated_at),
        "shadowed": false,
        "mentioned_users": mentioned,
        "mentioned_channel": false,
        "mentioned_here": false,
        "silent": message.silent,
        "pinned": false,
        "restricted_visibility": [],
    }));
    if let Some(parent_id) = &message.parent_id {
        fields.insert("parent_id".into(), json!(parent_id));
    }
    if let Some(deleted_at) = message.deleted_at {
        fields.insert("deleted_at".into(), json!(timestamp(deleted_at)));
    }
    with_custom(fields, &message.custom)
}

/// A message with its channel (`MessageWithChannelResponse`, of GetMessage).
pub(crate) fn message_with_channel(store: &Store, message: &Message) -> Value {
    let mut fields = object(self::message(store, message));
    if let Some(channel) = store.channels.get(&message.cid) {
        fields.insert("channel".into(), self::channel(store, channel, false));
    }
    Value::Object(fields)
}

/// A channel type's configuration (`ChannelConfigWithInfo`).
fn config(kind: &str) -> Value {
    let mut config = crate::channel_config_json();
    config["name"] = json!(kind);
    config["max_message_length"] = json!(MAX_MESSAGE_LENGTH);
    config
}

/// A channel (`ChannelResponse`), with its `members` list when `with_members` (as events carry
/// it; channel states list the members beside the channel instead).
pub(crate) fn channel(store: &Store, channel: &Channel, with_members: bool) -> Value {
    let mut fields = object(json!({
        "id": channel.id,
        "type": channel.kind,
        "cid": channel.cid,
        "created_at": timestamp(channel.created_at),
        "updated_at": timestamp(channel.updated_at),
        "frozen": channel.frozen,
        "disabled": channel.disabled,
        "member_count": channel.members.len(),
        "config": config(&channel.kind),
    }));
    if let Some(creator) = &channel.created_by {
        fields.insert("created_by".into(), user_by_id(store, creator));
    }
    if let Some(at) = channel.last_message_at {
        fields.insert("last_message_at".into(), json!(timestamp(at)));
    }
    if with_members {
        let members: Vec<Value> = channel.members.iter().map(|m| member(store, m)).collect();
        fields.insert("members".into(), Value::Array(members));
    }
    with_custom(fields, &channel.custom)
}

/// How much of a channel's state to return.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StateLimits {
    /// The newest messages, at most this many.
    pub(crate) messages: usize,
    /// The first members, at most this many.
    pub(crate) members: usize,
    /// The watchers' users, at most this many; `None`: no `watchers` list.
    pub(crate) watchers: Option<usize>,
}

/// What `viewer` may do in `channel` (`own_capabilities`).
fn own_capabilities(channel: &Channel, viewer: Option<&str>) -> Value {
    let reader = json!(["read-events", "connect-events", "search-messages"]);
    let can_write = match viewer {
        Some(user_id) => !channel.members_only() || channel.is_member(user_id),
        None => false,
    };
    if !can_write {
        return reader;
    }
    json!([
        "read-events",
        "connect-events",
        "search-messages",
        "send-message",
        "send-reply",
        "quote-message",
        "send-reaction",
        "send-typing-events",
        "typing-events",
        "upload-file",
        "update-own-message",
        "delete-own-message",
        "send-custom-events",
        "update-channel-members",
        "mute-channel"
    ])
}

/// A channel's state as `viewer` (a user ID, or `None` for server-side and anonymous calls)
/// sees it (`ChannelStateResponse` without `duration`; a `QueryChannels` entry).
pub(crate) fn channel_state(
    store: &Store,
    channel: &Channel,
    viewer: Option<&str>,
    limits: StateLimits,
) -> Value {
    let mut described = object(self::channel(store, channel, false));
    described.insert("own_capabilities".into(), own_capabilities(channel, viewer));
    let skip = channel.messages.len().saturating_sub(limits.messages);
    let messages: Vec<Value> = channel.messages[skip..]
        .iter()
        .map(|m| message(store, m))
        .collect();
    let members: Vec<&Member> = channel.members.iter().take(limits.members).collect();
    let mut state = object(json!({
        "channel": described,
        "messages": messages,
        "pinned_messages": [],
        "members": members.iter().map(|m| member(store, m)).collect::<Vec<_>>(),
        "threads": [],
        "watcher_count": store.watcher_count(&channel.cid),
        "read": channel.members.iter().map(|m| read_state(store, m)).collect::<Vec<_>>(),
    }));
    if let Some(limit) = limits.watchers {
        let watchers: Vec<Value> = store
            .watchers(&channel.cid)
            .iter()
            .take(limit)
            .map(|id| user_by_id(store, id))
            .collect();
        state.insert("watchers".into(), Value::Array(watchers));
    }
    if let Some(membership) = viewer.and_then(|id| channel.member(id)) {
        state.insert("membership".into(), member(store, membership));
    }
    Value::Object(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_in_a_paragraph() {
        assert_eq!(html("a < b & \"c\""), "<p>a &lt; b &amp; &#34;c&#34;</p>\n");
        assert_eq!(html(""), "");
    }

    #[test]
    fn custom_keys_follow_and_never_replace_fields() {
        let mut custom = Map::new();
        custom.insert("id".into(), json!("spoof"));
        custom.insert("color".into(), json!("green"));
        let value = with_custom(object(json!({"id": "jack"})), &custom);
        assert_eq!(value, json!({"id": "jack", "color": "green"}));
    }
}
