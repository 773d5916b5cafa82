//! The channel operations: GetOrCreateChannel (and its distinct variant), QueryChannels,
//! UpdateChannel, SendEvent and MarkRead, and the events each one sends. `watch` and
//! `presence` in their bodies subscribe the caller's connection (`watching.rs`).
//!
//! - Creating: members in `data.members` must exist; each but the creator gets
//!   `notification.added_to_channel`. A later call with `data` for an existing channel leaves
//!   it as it is, as Stream does.
//! - Membership: `add_members` sends `member.added` to the watchers and
//!   `notification.added_to_channel` to the new member's connections; `remove_members` sends
//!   `member.removed` and `notification.removed_from_channel`; `data` replaces the custom data
//!   and sends `channel.updated`.
//! - Permissions, simplified: a user token must be a member to write to a channel (send,
//!   events, mark read, update) except in `livestream` channels; server tokens may do
//!   anything; anonymous callers only read.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::auth::Caller;
use super::error::ApiError;
use super::events;
use super::filter;
use super::http::Request;
use super::input;
use super::messages;
use super::render::{self, StateLimits};
use super::state::{now, Channel, Member, Store, CHANNEL_TYPES};
use super::watching::{callers_connection, notify_user, notify_watchers, start_watching};

/// The keys of `ChannelInput` that are not custom data.
const CHANNEL_INPUT_FIELDS: [&str; 12] = [
    "team",
    "auto_translation_enabled",
    "auto_translation_language",
    "created_by_id",
    "created_by",
    "truncated_by_id",
    "frozen",
    "disabled",
    "invites",
    "members",
    "config_overrides",
    "filter_tags",
];

/// `type:id`.
pub(crate) fn cid(kind: &str, id: &str) -> String {
    format!("{kind}:{id}")
}

fn check_type(kind: &str) -> Result<(), ApiError> {
    if CHANNEL_TYPES.contains(&kind) {
        Ok(())
    } else {
        Err(ApiError::not_found(format!(
            "channel type {kind:?} does not exist (the fake knows {})",
            CHANNEL_TYPES.join(", ")
        )))
    }
}

fn check_id(id: &str) -> Result<(), ApiError> {
    let valid = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '!'));
    if valid {
        Ok(())
    } else {
        Err(ApiError::field(
            "id",
            format!("channel ID {id:?} is not valid: use at most 64 letters, digits, -, _ and !"),
        ))
    }
}

/// The user IDs of a member list: IDs, or `ChannelMemberRequest` objects (`user_id`).
fn member_ids(body: &Value, path: &str) -> Result<Vec<String>, ApiError> {
    let Some(items) = input::array(body, path)? else {
        return Ok(Vec::new());
    };
    let mut ids: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let id = item
            .as_str()
            .or_else(|| item.get("user_id").and_then(Value::as_str))
            .ok_or_else(|| {
                ApiError::field(
                    path,
                    format!("{path} holds user IDs or objects with a user_id"),
                )
            })?;
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
    }
    Ok(ids)
}

fn require_users(store: &Store, ids: &[String], path: &str) -> Result<(), ApiError> {
    let missing: Vec<&str> = ids
        .iter()
        .filter(|id| !store.users.contains_key(*id))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ApiError::field(
        path,
        format!(
            "the following users don't exist: [{}]; create them first",
            missing.join(", ")
        ),
    ))
}

/// The ID of the distinct channel of these members: the same for the same set.
fn distinct_id(members: &[String]) -> String {
    let mut sorted: Vec<&str> = members.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    let digest = Sha256::digest(sorted.join(",").as_bytes());
    let hex: String = digest
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("!members-{hex}")
}

/// The limits of a GetOrCreateChannel body: `messages.limit`, `members.limit`, and
/// `watchers.limit` (a `watchers` list also comes with `presence`).
fn state_limits(body: &Value) -> Result<StateLimits, ApiError> {
    let wants_watchers =
        body.get("watchers").is_some_and(Value::is_object) || input::flag(body, "presence")?;
    Ok(StateLimits {
        messages: input::count(body, "messages.limit", 25, 300)?,
        members: input::count(body, "members.limit", 100, 300)?,
        watchers: if wants_watchers {
            Some(input::count(body, "watchers.limit", 100, 300)?)
        } else {
            None
        },
    })
}

/// GetOrCreateChannel (`id` given) and GetOrCreateDistinctChannel (`id` derived from
/// `data.members`).
pub(crate) fn get_or_create(
    store: &mut Store,
    request: &Request<'_>,
    kind: &str,
    id: Option<&str>,
) -> Result<Value, ApiError> {
    check_type(kind)?;
    let body = &request.body;
    let id = match id {
        Some(id) => id.to_owned(),
        None => {
            let members = member_ids(body, "data.members")?;
            if members.is_empty() {
                return Err(ApiError::field(
                    "data.members",
                    "a distinct channel needs data.members",
                ));
            }
            distinct_id(&members)
        }
    };
    check_id(&id)?;
    let cid = cid(kind, &id);
    let (watch, presence) = (input::flag(body, "watch")?, input::flag(body, "presence")?);
    let limits = state_limits(body)?;
    let connection = if watch || presence {
        Some(callers_connection(store, request)?)
    } else {
        None
    };
    if !store.channels.contains_key(&cid) {
        create(store, request, kind, &id)?;
    }
    if let Some(connection_id) = connection {
        start_watching(store, &connection_id, &cid, watch, presence);
    }
    let channel = store.channel(&cid)?;
    Ok(render::channel_state(
        store,
        channel,
        viewer(request),
        limits,
    ))
}

/// Whose view a response shows: the user of a user token, or the `user_id` a server-side
/// call names.
fn viewer<'a>(request: &'a Request<'_>) -> Option<&'a str> {
    match &request.caller {
        Caller::User(id) => Some(id),
        Caller::Server => request.body.get("user_id").and_then(Value::as_str),
        Caller::Anonymous => None,
    }
}

/// Creates channel `kind:id` from the request's `data`.
fn create(store: &mut Store, request: &Request<'_>, kind: &str, id: &str) -> Result<(), ApiError> {
    let body = &request.body;
    let data = input::object(body, "data")?;
    let creator = match &request.caller {
        Caller::User(user_id) => user_id.clone(),
        Caller::Server => input::string(body, "data.created_by_id")?
            .or(input::string(body, "data.created_by.id")?)
            .map(str::to_owned)
            .ok_or_else(|| {
                ApiError::field(
                    "data.created_by",
                    "data.created_by or data.created_by_id is required with server-side auth",
                )
            })?,
        Caller::Anonymous => {
            return Err(ApiError::not_allowed(
                "anonymous users cannot create channels",
            ))
        }
    };
    let now = now();
    store.ensure_user(&creator, now)?;
    let member_ids = member_ids(body, "data.members")?;
    require_users(store, &member_ids, "data.members")?;
    let cid = cid(kind, id);
    let members = member_ids
        .iter()
        .map(|user_id| {
            Member::new(
                user_id,
                if *user_id == creator {
                    "owner"
                } else {
                    "member"
                },
                now,
            )
        })
        .collect();
    let channel = Channel {
        kind: kind.to_owned(),
        id: id.to_owned(),
        cid: cid.clone(),
        created_by: Some(creator.clone()),
        frozen: input::flag(body, "data.frozen")?,
        disabled: input::flag(body, "data.disabled")?,
        custom: data
            .map(|data| input::custom(data, &CHANNEL_INPUT_FIELDS))
            .unwrap_or_default(),
        created_at: now,
        updated_at: now,
        last_message_at: None,
        members,
        messages: Vec::new(),
    };
    store.channels.insert(cid.clone(), channel);
    let channel = store.channel(&cid)?;
    for member in channel.members.iter().filter(|m| m.user_id != creator) {
        let event = events::membership(store, channel, "notification.added_to_channel", member);
        notify_user(store, &member.user_id, &event);
    }
    Ok(())
}

/// Whether channel `channel` matches the `members` condition of a filter.
fn members_match(channel: &Channel, condition: &Value) -> Result<bool, ApiError> {
    let ids = |list: &Value| -> Result<Vec<String>, ApiError> {
        serde_json::from_value(list.clone())
            .map_err(|_| ApiError::field("filter_conditions", "members takes a list of user IDs"))
    };
    let is_member = |id: &String| channel.is_member(id);
    let exactly =
        |wanted: Vec<String>| wanted.len() == channel.members.len() && wanted.iter().all(is_member);
    match condition {
        Value::Array(_) => Ok(exactly(ids(condition)?)),
        Value::Object(operators) if operators.len() == 1 => {
            let (operator, operand) = operators.iter().next().unwrap_or_else(|| unreachable!());
            match operator.as_str() {
                "$in" => Ok(ids(operand)?.iter().any(is_member)),
                "$nin" => Ok(!ids(operand)?.iter().any(is_member)),
                "$eq" => Ok(exactly(ids(operand)?)),
                other => Err(ApiError::field(
                    "filter_conditions",
                    format!(
                        "operator {other} on members is not supported by the fake Stream server"
                    ),
                )),
            }
        }
        _ => Err(ApiError::field(
            "filter_conditions",
            "members takes {\"$in\": [...]}, {\"$nin\": [...]}, {\"$eq\": [...]} or a list",
        )),
    }
}

/// QueryChannels: filter, sort (default: `last_updated`, newest first), `offset` and `limit`
/// (default 10, at most 30), watching each channel found when asked.
pub(crate) fn query(store: &mut Store, request: &Request<'_>) -> Result<Value, ApiError> {
    let body = &request.body;
    let empty = Value::Object(Map::new());
    let conditions = body
        .get("filter_conditions")
        .filter(|f| !f.is_null())
        .unwrap_or(&empty);
    let mut sort = filter::sort_fields(input::array(body, "sort")?)?;
    if sort.is_empty() {
        sort.push(("last_updated".to_owned(), false));
    }
    let limit = input::count(body, "limit", 10, 30)?;
    let offset = input::count(body, "offset", 0, 1000)?;
    let limits = StateLimits {
        messages: input::count(body, "message_limit", 25, 300)?,
        members: input::count(body, "member_limit", 100, 100)?,
        watchers: input::flag(body, "presence")?.then_some(100),
    };
    let (watch, presence) = (input::flag(body, "watch")?, input::flag(body, "presence")?);
    let connection = if watch || presence {
        Some(callers_connection(store, request)?)
    } else {
        None
    };
    let mut found: Vec<(String, Value)> = Vec::new();
    for channel in store.channels.values() {
        let mut described = render::channel(store, channel, false);
        let updated = channel
            .last_message_at
            .map_or(channel.created_at, |at| at.max(channel.created_at));
        described["last_updated"] = json!(render::timestamp(updated));
        let members = |field: &str, condition: &Value| {
            (field == "members").then(|| members_match(channel, condition))
        };
        if filter::matches(conditions, &described, &members)? {
            found.push((channel.cid.clone(), described));
        }
    }
    found.sort_by(|(a_cid, a), (b_cid, b)| {
        filter::compare_by(&sort, a, b).then_with(|| a_cid.cmp(b_cid))
    });
    let cids: Vec<String> = found
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(cid, _)| cid)
        .collect();
    if let Some(connection_id) = &connection {
        for cid in &cids {
            start_watching(store, connection_id, cid, watch, presence);
        }
    }
    let viewer = viewer(request);
    let channels: Vec<Value> = cids
        .iter()
        .filter_map(|cid| store.channels.get(cid))
        .map(|channel| render::channel_state(store, channel, viewer, limits))
        .collect();
    Ok(json!({ "channels": channels }))
}

/// The user a write to `cid` acts as, who must be allowed to write there.
pub(crate) fn writer(
    store: &Store,
    request: &Request<'_>,
    cid: &str,
    acting: &Value,
) -> Result<String, ApiError> {
    let user_id = request.caller.acting_user(acting)?;
    let channel = store.channel(cid)?;
    if matches!(request.caller, Caller::User(_))
        && channel.members_only()
        && !channel.is_member(&user_id)
    {
        return Err(ApiError::not_allowed(format!(
            "user {user_id:?} is not a member of channel {cid:?} and may not write to it"
        )));
    }
    Ok(user_id)
}

/// UpdateChannel: `add_members`, `remove_members`, `add_moderators`, `demote_moderators`,
/// `data` and `message`; other options are refused as not implemented.
pub(crate) fn update(
    store: &mut Store,
    request: &Request<'_>,
    cid: &str,
) -> Result<Value, ApiError> {
    let body = &request.body;
    const IMPLEMENTED: [&str; 9] = [
        "add_members",
        "remove_members",
        "add_moderators",
        "demote_moderators",
        "data",
        "message",
        "user_id",
        "user",
        "skip_push",
    ];
    if let Some(key) = body
        .as_object()
        .and_then(|b| b.keys().find(|k| !IMPLEMENTED.contains(&k.as_str())))
    {
        return Err(ApiError::field(
            key,
            format!("{key} is not implemented by the fake Stream server"),
        ));
    }
    store.channel(cid)?;
    let acting = match request.caller {
        Caller::Server if body.get("user_id").is_none() && body.get("user").is_none() => None,
        _ => Some(writer(store, request, cid, body)?),
    };
    let added = member_ids(body, "add_members")?;
    require_users(store, &added, "add_members")?;
    let removed = input::strings(body, "remove_members")?;
    let promoted = input::strings(body, "add_moderators")?;
    let demoted = input::strings(body, "demote_moderators")?;
    let data = input::object(body, "data")?;
    let (frozen, disabled) = (
        input::flag(body, "data.frozen")?,
        input::flag(body, "data.disabled")?,
    );
    // Everything is checked before anything changes.
    let message = match input::object(body, "message")? {
        Some(message) => {
            let user_id = match &acting {
                Some(user_id) => user_id.clone(),
                None => request
                    .caller
                    .acting_user(&Value::Object(message.clone()))?,
            };
            Some(messages::prepare(store, cid, &user_id, message)?)
        }
        None => None,
    };
    let now = now();

    for user_id in &added {
        let channel = store.channel_mut(cid)?;
        if channel.is_member(user_id) {
            continue;
        }
        let member = Member::new(user_id, "member", now);
        channel.members.push(member.clone());
        channel.updated_at = now;
        membership_events(
            store,
            cid,
            &member,
            "member.added",
            "notification.added_to_channel",
        );
    }
    for user_id in &removed {
        let channel = store.channel_mut(cid)?;
        let Some(position) = channel.members.iter().position(|m| &m.user_id == user_id) else {
            continue;
        };
        let member = channel.members.remove(position);
        channel.updated_at = now;
        membership_events(
            store,
            cid,
            &member,
            "member.removed",
            "notification.removed_from_channel",
        );
    }
    for (ids, role) in [(&promoted, "moderator"), (&demoted, "member")] {
        let channel = store.channel_mut(cid)?;
        for member in channel
            .members
            .iter_mut()
            .filter(|m| ids.contains(&m.user_id))
        {
            member.role = role.to_owned();
            member.updated_at = now;
        }
    }
    if let Some(data) = data {
        let channel = store.channel_mut(cid)?;
        channel.custom = input::custom(data, &CHANNEL_INPUT_FIELDS);
        channel.frozen = frozen;
        channel.disabled = disabled;
        channel.updated_at = now;
        let channel = store.channel(cid)?;
        let by = acting
            .clone()
            .or_else(|| channel.created_by.clone())
            .unwrap_or_default();
        notify_watchers(store, cid, &events::channel_updated(store, channel, &by));
    }
    let mut response = json!({});
    if let Some(message) = message {
        let id = messages::publish(store, message)?;
        response["message"] = messages::render_by_id(store, &id)?;
    }
    let channel = store.channel(cid)?;
    response["channel"] = render::channel(store, channel, false);
    response["members"] = channel
        .members
        .iter()
        .map(|m| render::member(store, m))
        .collect();
    Ok(response)
}

/// The events of a membership change (after it): `watchers_kind` to the watchers,
/// `notification_kind` to the member's connections.
fn membership_events(
    store: &Store,
    cid: &str,
    member: &Member,
    watchers_kind: &str,
    notification_kind: &str,
) {
    let Some(channel) = store.channels.get(cid) else {
        return;
    };
    notify_watchers(
        store,
        cid,
        &events::membership(store, channel, watchers_kind, member),
    );
    let notification = events::membership(store, channel, notification_kind, member);
    notify_user(store, &member.user_id, &notification);
}

/// The event types SendEvent refuses: the server's own (but the typing events).
fn reserved(kind: &str) -> bool {
    const PREFIXES: [&str; 12] = [
        "message.",
        "member.",
        "channel.",
        "notification.",
        "user.",
        "reaction.",
        "health.",
        "connection.",
        "poll.",
        "thread.",
        "draft.",
        "reminder.",
    ];
    PREFIXES.iter().any(|prefix| kind.starts_with(prefix))
}

/// SendEvent: `typing.start`, `typing.stop` or a custom type, sent to the watchers.
pub(crate) fn send_event(
    store: &mut Store,
    request: &Request<'_>,
    cid: &str,
) -> Result<Value, ApiError> {
    let body = &request.body;
    let event = input::required_object(body, "event")?;
    let kind = input::string(body, "event.type")?
        .filter(|kind| !kind.is_empty())
        .ok_or_else(|| ApiError::field("event.type", "event.type is a required field"))?;
    if reserved(kind) {
        return Err(ApiError::field(
            "event.type",
            format!("event type {kind:?} is reserved for events the server sends"),
        ));
    }
    let user_id = writer(store, request, cid, &Value::Object(event.clone()))?;
    let channel = store.channel(cid)?;
    let sent = events::sent(store, channel, kind, &user_id, event);
    notify_watchers(store, cid, &sent);
    Ok(json!({ "event": sent }))
}

/// MarkRead: the acting member has read `cid` up to `message_id` (default: the newest
/// message). The watchers get `message.read`, the reader's connections
/// `notification.mark_read` with their unread counts.
pub(crate) fn mark_read(
    store: &mut Store,
    request: &Request<'_>,
    cid: &str,
) -> Result<Value, ApiError> {
    let body = &request.body;
    let user_id = writer(store, request, cid, body)?;
    let channel = store.channel(cid)?;
    let last_read_message_id = match input::string(body, "message_id")? {
        Some(id) if channel.messages.iter().any(|m| m.id == id) => Some(id.to_owned()),
        Some(id) => {
            return Err(ApiError::not_found(format!(
                "message {id:?} does not exist in {cid:?}"
            )))
        }
        None => channel.messages.last().map(|m| m.id.clone()),
    };
    let channel = store.channel_mut(cid)?;
    let Some(member) = channel.members.iter_mut().find(|m| m.user_id == user_id) else {
        return Err(ApiError::not_allowed(format!(
            "user {user_id:?} is not a member of channel {cid:?}: only members have a read state"
        )));
    };
    member.last_read = now();
    member.unread_messages = 0;
    member.last_read_message_id = last_read_message_id;
    let member = member.clone();
    let channel = store.channel(cid)?;
    let read = events::read(store, channel, "message.read", &member);
    notify_watchers(store, cid, &read);
    let notification = events::read(store, channel, "notification.mark_read", &member);
    store.deliver_each(
        &store.user_connections(&user_id),
        &notification,
        |recipient, event| {
            events::unread_fields(store, recipient, cid, event);
        },
    );
    Ok(json!({ "event": read }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_ids_depend_on_the_member_set_only() {
        let id = distinct_id(&["jill".into(), "jack".into()]);
        assert_eq!(id, distinct_id(&["jack".into(), "jill".into()]));
        assert_ne!(id, distinct_id(&["jack".into()]));
        assert!(id.starts_with("!members-") && id.len() == 41, "{id}");
        check_id(&id).unwrap();
    }

    #[test]
    fn ids_and_types() {
        assert_eq!(check_id("a:b").unwrap_err().code, 4);
        assert_eq!(check_id("").unwrap_err().code, 4);
        check_id("general-2_x").unwrap();
        assert_eq!(check_type("nope").unwrap_err().code, 16);
        assert!(reserved("message.new") && reserved("notification.mark_read"));
        assert!(!reserved("typing.start") && !reserved("friendship.request"));
    }
}
