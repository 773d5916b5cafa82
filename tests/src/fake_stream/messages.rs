//! The message operations: SendMessage, GetMessage, UpdateMessage and DeleteMessage.
//!
//! Posting a message (also UpdateChannel's `message`: checked by [`prepare`] before the
//! channel changes, posted by [`publish`] after) raises every other member's unread
//! count (not for `silent` messages), marks the channel read for the sender, sends
//! `message.new` to the connections watching the channel and `notification.message_new` to the
//! other members' connections that do not watch it, each with the recipient's unread counts.
//! Only the author (or a server token) may update or delete a message; watchers get
//! `message.updated` or `message.deleted`.

use serde_json::{json, Map, Value};

use super::auth::Caller;
use super::channels;
use super::error::ApiError;
use super::events;
use super::http::Request;
use super::input;
use super::render;
use super::state::{now, Message, Store, MAX_MESSAGE_LENGTH};
use super::watching;

/// The keys of `MessageRequest` that are not custom data.
const MESSAGE_REQUEST_FIELDS: [&str; 23] = [
    "id",
    "text",
    "mml",
    "attachments",
    "parent_id",
    "show_in_channel",
    "mentioned_users",
    "mentioned_roles",
    "mentioned_group_ids",
    "mentioned_channel",
    "mentioned_here",
    "quoted_message_id",
    "html",
    "type",
    "silent",
    "pinned",
    "pinned_at",
    "pin_expires",
    "restricted_visibility",
    "user_id",
    "user",
    "poll_id",
    "shared_location",
];

/// What a message request says about the content: text, attachments, mentions, custom data.
struct Content {
    text: String,
    attachments: Vec<Value>,
    mentioned_users: Vec<String>,
    silent: bool,
    custom: Map<String, Value>,
}

/// Reads and checks the content of a `message` object.
fn content(message: &Map<String, Value>) -> Result<Content, ApiError> {
    let wrapped = json!({ "message": message });
    let text = input::string(&wrapped, "message.text")?
        .unwrap_or_default()
        .to_owned();
    let attachments = input::array(&wrapped, "message.attachments")?
        .cloned()
        .unwrap_or_default();
    if text.trim().is_empty() && attachments.is_empty() {
        return Err(ApiError::field(
            "message.text",
            "message.text or message.attachments is required",
        ));
    }
    let length = text.chars().count();
    if length > MAX_MESSAGE_LENGTH {
        return Err(ApiError::message_too_long(format!(
            "message is too long: {length} characters, the maximum is {MAX_MESSAGE_LENGTH}"
        )));
    }
    Ok(Content {
        text,
        attachments,
        mentioned_users: input::strings(&wrapped, "message.mentioned_users")?,
        silent: input::flag(&wrapped, "message.silent")?,
        custom: input::custom(message, &MESSAGE_REQUEST_FIELDS),
    })
}

/// SendMessage.
pub(crate) fn send(store: &mut Store, request: &Request<'_>, cid: &str) -> Result<Value, ApiError> {
    let message = input::required_object(&request.body, "message")?;
    let user_id = channels::writer(store, request, cid, &Value::Object(message.clone()))?;
    store.ensure_user(&user_id, now())?;
    let message = prepare(store, cid, &user_id, message)?;
    let id = publish(store, message)?;
    Ok(json!({ "message": render_by_id(store, &id)? }))
}

/// Checks the request `message` by `user_id` for `cid` and makes the message, not yet posted.
pub(crate) fn prepare(
    store: &mut Store,
    cid: &str,
    user_id: &str,
    message: &Map<String, Value>,
) -> Result<Message, ApiError> {
    let content = content(message)?;
    let wrapped = json!({ "message": message });
    let id = match input::string(&wrapped, "message.id")? {
        Some(id) if store.message_cids.contains_key(id) => {
            return Err(ApiError::field(
                "message.id",
                format!("a message with ID {id:?} already exists"),
            ))
        }
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => store.new_id(),
    };
    let parent_id = input::string(&wrapped, "message.parent_id")?.map(str::to_owned);
    if let Some(parent) = &parent_id {
        if store.message_cids.get(parent).map(String::as_str) != Some(cid) {
            return Err(ApiError::field(
                "message.parent_id",
                format!("parent message {parent:?} does not exist in {cid:?}"),
            ));
        }
    }
    let kind = match (input::string(&wrapped, "message.type")?, &parent_id) {
        (_, Some(_)) => "reply",
        (None | Some("regular"), None) => "regular",
        (Some("system"), None) => "system",
        (Some(other), None) => {
            return Err(ApiError::field(
                "message.type",
                format!("message type {other:?} cannot be sent: use regular or system"),
            ))
        }
    };
    let now = now();
    Ok(Message {
        id,
        cid: cid.to_owned(),
        user_id: user_id.to_owned(),
        text: content.text,
        kind: kind.to_owned(),
        parent_id,
        attachments: content.attachments,
        mentioned_users: content.mentioned_users,
        silent: content.silent,
        custom: content.custom,
        created_at: now,
        updated_at: now,
        deleted_at: None,
    })
}

/// Posts a prepared message, with its read states and events; returns its ID.
pub(crate) fn publish(store: &mut Store, message: Message) -> Result<String, ApiError> {
    let (id, cid, sender) = (
        message.id.clone(),
        message.cid.clone(),
        message.user_id.clone(),
    );
    let channel = store.channel_mut(&cid)?;
    for member in &mut channel.members {
        if member.user_id == sender {
            member.last_read = message.created_at;
            member.unread_messages = 0;
            member.last_read_message_id = Some(id.clone());
        } else if !message.silent {
            member.unread_messages += 1;
        }
    }
    if !message.silent {
        channel.last_message_at = Some(message.created_at);
    }
    channel.messages.push(message);
    store.message_cids.insert(id.clone(), cid.clone());
    announce_new(store, &cid, &sender);
    Ok(id)
}

/// The events of the channel's newest message (see the module docs).
fn announce_new(store: &Store, cid: &str, sender: &str) {
    let Some(channel) = store.channels.get(cid) else {
        return;
    };
    let Some(message) = channel.messages.last() else {
        return;
    };
    let personalize = |recipient: &str, event: &mut Map<String, Value>| {
        events::unread_fields(store, recipient, cid, event);
    };
    let new = events::message_new(store, channel, message);
    store.deliver_each(&store.watching_connections(cid), &new, personalize);
    let elsewhere: Vec<String> = channel
        .members
        .iter()
        .filter(|member| member.user_id != sender)
        .flat_map(|member| store.user_connections(&member.user_id))
        .filter(|connection_id| {
            store
                .connections
                .get(connection_id)
                .is_some_and(|connection| !connection.watching.contains(cid))
        })
        .collect();
    if !elsewhere.is_empty() {
        let notification = events::notification_message_new(store, channel, message);
        store.deliver_each(&elsewhere, &notification, personalize);
    }
}

/// The message `id` and its channel's CID.
fn find<'a>(store: &'a Store, id: &str) -> Result<(&'a str, &'a Message), ApiError> {
    let not_found = || ApiError::not_found(format!("message {id:?} does not exist"));
    let cid = store.message_cids.get(id).ok_or_else(not_found)?;
    let message = store
        .channels
        .get(cid)
        .and_then(|channel| channel.messages.iter().find(|m| m.id == id))
        .ok_or_else(not_found)?;
    Ok((cid, message))
}

/// The message `id` as responses show it.
pub(crate) fn render_by_id(store: &Store, id: &str) -> Result<Value, ApiError> {
    let (_, message) = find(store, id)?;
    Ok(render::message(store, message))
}

/// GetMessage: the message with its channel.
pub(crate) fn get(store: &mut Store, _request: &Request<'_>, id: &str) -> Result<Value, ApiError> {
    let (_, message) = find(store, id)?;
    Ok(json!({ "message": render::message_with_channel(store, message) }))
}

/// The CID of message `id` when the caller may change it (its author, or a server token).
fn changeable(store: &Store, request: &Request<'_>, id: &str) -> Result<String, ApiError> {
    let (cid, message) = find(store, id)?;
    match &request.caller {
        Caller::Server => Ok(cid.to_owned()),
        Caller::User(user_id) if *user_id == message.user_id => Ok(cid.to_owned()),
        Caller::User(user_id) => Err(ApiError::not_allowed(format!(
            "user {user_id:?} may not change a message of user {:?}",
            message.user_id
        ))),
        Caller::Anonymous => Err(ApiError::not_allowed(
            "anonymous users cannot change messages",
        )),
    }
}

fn message_mut<'a>(store: &'a mut Store, cid: &str, id: &str) -> Result<&'a mut Message, ApiError> {
    store
        .channel_mut(cid)?
        .messages
        .iter_mut()
        .find(|message| message.id == id)
        .ok_or_else(|| ApiError::not_found(format!("message {id:?} does not exist")))
}

/// UpdateMessage: replaces the text, attachments, mentions and custom data.
pub(crate) fn update(
    store: &mut Store,
    request: &Request<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    let cid = changeable(store, request, id)?;
    let content = content(input::required_object(&request.body, "message")?)?;
    let message = message_mut(store, &cid, id)?;
    message.text = content.text;
    message.attachments = content.attachments;
    message.mentioned_users = content.mentioned_users;
    message.silent = content.silent;
    message.custom = content.custom;
    message.updated_at = now();
    let (_, message) = find(store, id)?;
    let channel = store.channel(&cid)?;
    let event = events::message_changed(store, channel, "message.updated", message, false);
    watching::notify_watchers(store, &cid, &event);
    Ok(json!({ "message": render::message(store, message) }))
}

/// DeleteMessage: soft (type `deleted`) or, with `hard=true`, removed for good.
pub(crate) fn delete(
    store: &mut Store,
    request: &Request<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    let cid = changeable(store, request, id)?;
    let hard = request.query("hard") == Some("true");
    let now = now();
    let message = message_mut(store, &cid, id)?;
    message.kind = "deleted".to_owned();
    message.deleted_at = Some(now);
    message.updated_at = now;
    let deleted = message.clone();
    if hard {
        store
            .channel_mut(&cid)?
            .messages
            .retain(|message| message.id != id);
        store.message_cids.remove(id);
    }
    let channel = store.channel(&cid)?;
    let event = events::message_changed(store, channel, "message.deleted", &deleted, hard);
    watching::notify_watchers(store, &cid, &event);
    Ok(json!({ "message": render::message(store, &deleted) }))
}
