//! The `/connect` websocket, as Stream's REST docs describe it ("Websocket"): authentication
//! and the user in query parameters, the hello, health checks both ways, event delivery, and
//! the clean-up when a connection ends.
//!
//! - Query: `api_key`, `stream-auth-type`, `authorization` (as on REST), and `json`:
//!   `{"user_id": ..., "user_details": {...}, "client_request_id": ...}`, what the client's
//!   `ws/connect.rs` sends. The user is created or updated from `user_details` (custom keys
//!   kept; `role` and `teams` ignored, as only server-side requests set them). Anonymous
//!   connections are the user `!anon`.
//! - Refusal (a bad key, token or payload; a server token): one error message
//!   `{"error": {...}}` with Stream's error body, then close 1000 (Normal Closure): the
//!   precondition failure, after which a client must not blindly retry.
//! - Hello: `health.check` with `connection_id`, `cid: "*"`, `me` (the own user, with unread
//!   counts) and `created_at`; then a `health.check` every `health_check_interval` (30 s by
//!   default) and one in answer to each health check the client sends.
//! - Presence: a user's first connection and the end of their last one send
//!   `user.presence.changed` to the connections that asked for presence (`presence: true`) on
//!   a channel the user is a member of.
//! - When the connection ends (either side; the server stops: close 1001; a test closes it with
//!   [`FakeStream::close_connection`](super::FakeStream::close_connection): close 1012, as when
//!   Stream restarts a node), it stops watching its channels (`user.watching.stop` to the
//!   others).

use std::sync::Arc;

use axum::extract::ws::{close_code, CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;
use tokio::time::{Duration, Instant, MissedTickBehavior};

use super::auth::{self, Caller, Credentials};
use super::error::ApiError;
use super::events;
use super::render;
use super::state::{now, Outgoing, User};
use super::users;
use super::watching::{self, announce_presence};
use super::App;

/// The user ID of anonymous connections.
const ANONYMOUS: &str = "!anon";

/// How long a refused connection waits for the client's close reply.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// `GET /connect`: upgrades, then runs the connection.
pub(crate) async fn connect(
    State(app): State<Arc<App>>,
    uri: Uri,
    upgrade: WebSocketUpgrade,
) -> Response {
    let params: Vec<(String, String)> = uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    upgrade.on_upgrade(move |socket| run(app, socket, params))
}

/// Serves one connection until it ends.
async fn run(app: Arc<App>, mut socket: WebSocket, params: Vec<(String, String)>) {
    let (outbox, mut inbox) = mpsc::unbounded_channel();
    let (connection_id, hello) = match open(&app, &params, outbox) {
        Ok(opened) => opened,
        Err(error) => {
            app.log(format_args!("GET /connect refused: {}", error.detail));
            refuse(socket, &error).await;
            return;
        }
    };
    app.log(format_args!("GET /connect opened {connection_id}"));
    let mut shutdown = app.shutdown.clone();
    let interval = app.health_check_interval;
    let mut ticker = tokio::time::interval_at(Instant::now() + interval, interval);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let health_check = || Message::text(events::health_check(&connection_id, None).to_string());
    let mut sent = socket.send(Message::text(hello.to_string())).await;
    while sent.is_ok() {
        sent = tokio::select! {
            Some(outgoing) = inbox.recv() => match outgoing {
                Outgoing::Event(event) => socket.send(Message::text(event)).await,
                Outgoing::Close => {
                    let _ = socket.send(close(close_code::RESTART, "closed by the test")).await;
                    break;
                }
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) if is_health_check(&text) => {
                    socket.send(health_check()).await
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => Ok(()),
            },
            _ = ticker.tick() => socket.send(health_check()).await,
            _ = shutdown.changed() => {
                let _ = socket.send(close(close_code::AWAY, "the server stopped")).await;
                break;
            }
        };
    }
    disconnect(&app, &connection_id);
    app.log(format_args!("GET /connect closed {connection_id}"));
}

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    }))
}

/// Checks the connection's credentials and user, registers it and returns its ID and hello.
fn open(
    app: &App,
    params: &[(String, String)],
    outbox: mpsc::UnboundedSender<Outgoing>,
) -> Result<(String, Value), ApiError> {
    let param = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let credentials = Credentials {
        api_key: param("api_key"),
        auth_type: param("stream-auth-type"),
        token: param("authorization"),
    };
    let caller = auth::authenticate(&app.api_key, &app.secret, credentials)?;
    let payload: Value = param("json")
        .ok_or_else(|| ApiError::field("json", "the json query parameter (the user) is required"))
        .and_then(|text| {
            serde_json::from_str(text)
                .map_err(|error| ApiError::field("json", format!("json is not JSON: {error}")))
        })?;
    let user_id = payload
        .get("user_id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::field("json.user_id", "json.user_id is a required field"))?;
    let mut details: Map<String, Value> = match payload.get("user_details") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(details)) => details.clone(),
        Some(_) => {
            return Err(ApiError::field(
                "json.user_details",
                "json.user_details must be an object",
            ))
        }
    };
    if details.get("id").is_some_and(|id| id != user_id) {
        return Err(ApiError::field(
            "json.user_details.id",
            "json.user_details.id must equal json.user_id",
        ));
    }
    let mut store = app.store();
    let (user_id, anonymous) =
        match caller {
            Caller::User(token_user) if token_user == user_id => {
                details.insert("id".into(), json!(user_id));
                (users::upsert(&mut store, &details, false)?, false)
            }
            Caller::User(token_user) => {
                return Err(ApiError::authentication(format!(
                    "the token is for user {token_user:?}, but json.user_id is {user_id:?}"
                )))
            }
            Caller::Server => return Err(ApiError::authentication(
                "a server-side token cannot open a websocket: use a user token or anonymous auth",
            )),
            Caller::Anonymous => (ANONYMOUS.to_owned(), true),
        };
    let came_online = !anonymous && !store.is_online(&user_id);
    let connection_id = store.open_connection(&user_id, anonymous, outbox);
    let me = if anonymous {
        let mut user = User::new(ANONYMOUS, now());
        user.role = "anonymous".to_owned();
        render::own_user(&store, &user)
    } else {
        let now = now();
        if let Some(user) = store.users.get_mut(&user_id) {
            user.last_active = Some(now);
        }
        render::own_user(&store, store.user(&user_id)?)
    };
    if came_online {
        announce_presence(&store, &user_id);
    }
    app.connections_changed(&store);
    let hello = events::health_check(&connection_id, Some(me));
    Ok((connection_id, hello))
}

/// Sends the error message and closes with 1000 (Normal Closure), then waits a moment for the
/// client's close reply.
async fn refuse(mut socket: WebSocket, error: &ApiError) {
    let message = json!({ "error": error.body("WS", "0.00ms") });
    if socket
        .send(Message::text(message.to_string()))
        .await
        .is_err()
    {
        return;
    }
    if socket.send(close(close_code::NORMAL, "")).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(CLOSE_GRACE, async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// Whether a client's frame is a health check: `[{"type":"health.check", ...}]` as the
/// client sends it, or the bare object.
fn is_health_check(text: &str) -> bool {
    let is_check =
        |value: &Value| value.get("type").and_then(Value::as_str) == Some("health.check");
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items.iter().any(is_check),
        Ok(value) => is_check(&value),
        Err(_) => false,
    }
}

/// Removes a connection: its watching ends, and its user may go offline.
fn disconnect(app: &App, connection_id: &str) {
    let mut store = app.store();
    let Some(connection) = store.connections.get(connection_id) else {
        return;
    };
    let user_id = connection.user_id.clone();
    let anonymous = connection.anonymous;
    for cid in connection.watching.clone() {
        watching::end_watching(&mut store, connection_id, &cid);
    }
    store.connections.remove(connection_id);
    if !anonymous && !store.is_online(&user_id) {
        if let Some(user) = store.users.get_mut(&user_id) {
            user.last_active = Some(now());
        }
        announce_presence(&store, &user_id);
    }
    app.connections_changed(&store);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_checks_from_the_client() {
        assert!(is_health_check(
            r#"[{"type":"health.check","client_id":"jack--c1"}]"#
        ));
        assert!(is_health_check(r#"{"type":"health.check"}"#));
        assert!(!is_health_check(r#"[{"type":"typing.start"}]"#));
        assert!(!is_health_check("ping"));
    }
}
