//! The user operations: UpdateUsers (an upsert that replaces each user's data) and
//! QueryUsers (the `payload` query parameter), and the upsert the websocket's connect does with
//! its `user_details`.
//!
//! Only server-side requests set `role` and `teams`; a user token may update only itself.

use serde_json::{json, Map, Value};

use super::auth::Caller;
use super::error::ApiError;
use super::filter;
use super::http::Request;
use super::input;
use super::render;
use super::state::{now, valid_user_id, Store, User};

/// The keys of `UserRequest` and the read-only fields of user responses (which a client may
/// echo back): none of them is custom data.
const USER_FIELDS: [&str; 32] = [
    "id",
    "name",
    "image",
    "language",
    "invisible",
    "privacy_settings",
    "role",
    "teams_role",
    "teams",
    "created_at",
    "updated_at",
    "last_active",
    "online",
    "banned",
    "shadow_banned",
    "deleted_at",
    "deactivated_at",
    "blocked_user_ids",
    "devices",
    "mutes",
    "channel_mutes",
    "unread_count",
    "total_unread_count",
    "unread_channels",
    "unread_threads",
    "revoke_tokens_issued_before",
    "avg_response_time",
    "bypass_moderation",
    "ban_expires",
    "push_notifications",
    "push_preferences",
    "latest_hidden_channels",
];

/// Creates or replaces the user `user` (a `UserRequest` object); `trusted` (server-side)
/// requests also set `role` and `teams`. Returns the user's ID.
pub(crate) fn upsert(
    store: &mut Store,
    user: &Map<String, Value>,
    trusted: bool,
) -> Result<String, ApiError> {
    let wrapped = json!({ "user": user });
    let id = input::string(&wrapped, "user.id")?
        .ok_or_else(|| ApiError::field("user.id", "user.id is a required field"))?;
    if !valid_user_id(id) {
        return Err(ApiError::field(
            "user.id",
            format!("user ID {id:?} is not valid: use letters, digits, @, _ and -"),
        ));
    }
    let name = input::string(&wrapped, "user.name")?.map(str::to_owned);
    let image = input::string(&wrapped, "user.image")?.map(str::to_owned);
    let language = input::string(&wrapped, "user.language")?
        .unwrap_or_default()
        .to_owned();
    let invisible = input::flag(&wrapped, "user.invisible")?;
    let role = input::string(&wrapped, "user.role")?.map(str::to_owned);
    let teams = input::strings(&wrapped, "user.teams")?;
    let now = now();
    let stored = store
        .users
        .entry(id.to_owned())
        .or_insert_with(|| User::new(id, now));
    stored.name = name;
    stored.image = image;
    stored.language = language;
    stored.invisible = invisible;
    stored.custom = input::custom(user, &USER_FIELDS);
    stored.updated_at = now;
    if trusted {
        stored.role = role.unwrap_or_else(|| "user".to_owned());
        stored.teams = teams;
    }
    Ok(id.to_owned())
}

/// UpdateUsers (`POST /users`, also called UpsertUsers): `users` maps each ID to its user.
pub(crate) fn update(store: &mut Store, request: &Request<'_>) -> Result<Value, ApiError> {
    let users = input::required_object(&request.body, "users")?;
    for (key, user) in users {
        let path = format!("users.{key}");
        let user = user
            .as_object()
            .ok_or_else(|| ApiError::field(&path, format!("{path} must be a user object")))?;
        if user.get("id").and_then(Value::as_str) != Some(key) {
            return Err(ApiError::field(
                &path,
                format!("{path}.id must equal its key {key:?}"),
            ));
        }
        match &request.caller {
            Caller::Server => {}
            Caller::User(user_id) if user_id == key => {}
            Caller::User(user_id) => {
                return Err(ApiError::not_allowed(format!(
                    "user {user_id:?} may update only itself, not {key:?}"
                )))
            }
            Caller::Anonymous => {
                return Err(ApiError::not_allowed("anonymous users cannot update users"))
            }
        }
    }
    let trusted = request.caller == Caller::Server;
    let mut updated = Map::new();
    for user in users.values().filter_map(Value::as_object) {
        let id = upsert(store, user, trusted)?;
        updated.insert(id.clone(), render::own_user(store, store.user(&id)?));
    }
    Ok(json!({ "users": updated, "membership_deletion_task_id": "" }))
}

/// QueryUsers (`GET /users?payload=...`): filter, sort (default `created_at`, then ID),
/// `offset` and `limit` (default 30, at most 100).
pub(crate) fn query(store: &mut Store, request: &Request<'_>) -> Result<Value, ApiError> {
    let payload: Value = request
        .query("payload")
        .ok_or_else(|| ApiError::field("payload", "the payload query parameter is required"))
        .and_then(|text| {
            serde_json::from_str(text).map_err(|error| {
                ApiError::field("payload", format!("payload is not JSON: {error}"))
            })
        })?;
    let conditions = input::required_object(&payload, "filter_conditions")?;
    let mut sort = filter::sort_fields(input::array(&payload, "sort")?)?;
    sort.push(("created_at".to_owned(), true));
    sort.push(("id".to_owned(), true));
    let limit = input::count(&payload, "limit", 30, 100)?;
    let offset = input::count(&payload, "offset", 0, 1000)?;
    let conditions = Value::Object(conditions.clone());
    let mut found = Vec::new();
    for user in store.users.values() {
        let described = render::own_user(store, user);
        if filter::matches(&conditions, &described, &|_, _| None)? {
            found.push(described);
        }
    }
    found.sort_by(|a, b| filter::compare_by(&sort, a, b));
    let users: Vec<Value> = found.into_iter().skip(offset).take(limit).collect();
    Ok(json!({ "users": users }))
}
