//! Who receives what: a connection watching a channel or subscribed to its members' presence
//! (`watch` and `presence` with the caller's own `connection_id`), the `user.watching.start`
//! and `user.watching.stop` announcements, StopWatchingChannel, and delivery to a channel's
//! watchers or to all of a user's connections.
//!
//! A user who starts watching (on a first connection) is announced to the other watchers; one
//! who stops (StopWatchingChannel, or the end of the last watching connection) too. Presence
//! subscribers get `user.presence.changed` when a member of the channel comes online (a first
//! connection) or goes offline (the end of the last one).

use serde_json::{json, Value};

use super::auth::Caller;
use super::error::ApiError;
use super::events;
use super::http::Request;
use super::state::Store;

/// The connection of the caller named by the `connection_id` parameter, for `watch` and
/// `presence`.
pub(crate) fn callers_connection(store: &Store, request: &Request<'_>) -> Result<String, ApiError> {
    let connection_id = request
        .query("connection_id")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            ApiError::field(
                "connection_id",
                "connection_id is required to watch or for presence: open a websocket first",
            )
        })?;
    let connection = store.connections.get(connection_id).ok_or_else(|| {
        ApiError::field(
            "connection_id",
            format!("connection_id {connection_id:?} is not an open websocket connection"),
        )
    })?;
    let owned = match &request.caller {
        Caller::User(user_id) => !connection.anonymous && &connection.user_id == user_id,
        Caller::Anonymous => connection.anonymous,
        Caller::Server => {
            return Err(ApiError::input(
                "watch and presence need a user token and that user's connection_id",
            ))
        }
    };
    if owned {
        Ok(connection_id.to_owned())
    } else {
        Err(ApiError::not_allowed(format!(
            "connection {connection_id:?} belongs to another user"
        )))
    }
}

/// Subscribes `connection_id` to `cid`'s events (`watch`) and presence changes (`presence`).
pub(crate) fn start_watching(
    store: &mut Store,
    connection_id: &str,
    cid: &str,
    watch: bool,
    presence: bool,
) {
    let Some(connection) = store.connections.get(connection_id) else {
        return;
    };
    let user_id = connection.user_id.clone();
    let newly_watching = watch && !store.is_watching(&user_id, cid);
    if let Some(connection) = store.connections.get_mut(connection_id) {
        if watch {
            connection.watching.insert(cid.to_owned());
        }
        if presence {
            connection.presence.insert(cid.to_owned());
        }
    }
    if newly_watching {
        if let Some(channel) = store.channels.get(cid) {
            let event = events::watching(store, channel, "user.watching.start", &user_id);
            for other in store.watching_connections(cid) {
                if other != connection_id {
                    store.deliver(&other, &event);
                }
            }
        }
    }
}

/// Ends `connection_id`'s subscriptions to `cid`; when its user watches it nowhere else, the
/// other watchers get `user.watching.stop`.
pub(crate) fn end_watching(store: &mut Store, connection_id: &str, cid: &str) {
    let Some(connection) = store.connections.get_mut(connection_id) else {
        return;
    };
    connection.presence.remove(cid);
    if !connection.watching.remove(cid) {
        return;
    }
    let user_id = connection.user_id.clone();
    if store.is_watching(&user_id, cid) {
        return;
    }
    if let Some(channel) = store.channels.get(cid) {
        let event = events::watching(store, channel, "user.watching.stop", &user_id);
        for other in store.watching_connections(cid) {
            store.deliver(&other, &event);
        }
    }
}

/// Sends `event` to every connection of `user_id`.
pub(crate) fn notify_user(store: &Store, user_id: &str, event: &Value) {
    for connection_id in store.user_connections(user_id) {
        store.deliver(&connection_id, event);
    }
}

/// Sends `event` to every connection watching `cid`.
pub(crate) fn notify_watchers(store: &Store, cid: &str, event: &Value) {
    for connection_id in store.watching_connections(cid) {
        store.deliver(&connection_id, event);
    }
}

/// StopWatchingChannel: the caller's connection (`connection_id`) stops watching `cid`.
pub(crate) fn stop_watching(
    store: &mut Store,
    request: &Request<'_>,
    cid: &str,
) -> Result<Value, ApiError> {
    let connection_id = callers_connection(store, request)?;
    store.channel(cid)?;
    end_watching(store, &connection_id, cid);
    Ok(json!({}))
}

/// Sends `user.presence.changed` for `user_id` to the connections subscribed to the presence
/// of a channel the user is a member of (not the user's own).
pub(crate) fn announce_presence(store: &Store, user_id: &str) {
    let event = events::presence_changed(store, user_id);
    for (connection_id, connection) in &store.connections {
        let shares_a_channel = connection.presence.iter().any(|cid| {
            store
                .channels
                .get(cid)
                .is_some_and(|channel| channel.is_member(user_id))
        });
        if shares_a_channel && connection.user_id != user_id {
            store.deliver(connection_id, &event);
        }
    }
}
