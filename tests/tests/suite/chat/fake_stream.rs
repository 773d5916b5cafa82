//! The fake Stream server (`src/fake_stream/`) driven the way a chat app drives Stream: REST
//! calls with reqwest and websockets with tokio-tungstenite, no generated client (so these
//! tests hold while the client's API changes). Every step is asserted: responses, the events
//! each connection gets, and, where nothing may arrive, a quiet window of real time
//! (`ws::assert_quiet`, 150 ms; a bound, not a timing assertion).
//!
//! - `chat_app_end_to_end`: the scenario of issue 17 (watch, message, typing, added to a
//!   channel, stop watching, notifications for unwatched channels) plus read states.
//! - watchers and presence when connections end (closed by either side); QueryChannels filters, sorts, watches;
//!   distinct channels; messages updated and deleted.
//! - refusals: REST and websocket authentication (error, then close 1000), input, permission and
//!   not-found errors with Stream's error body.
//! - health checks both ways; every response and event decodes with the generated models;
//!   stopping on drop; the `fake-stream` binary.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use stream_chat_client::{models, Event, Secret, UserToken};
use stream_chat_tests::fake_stream::FakeStream;
use stream_chat_tests::ws::{assert_quiet, within};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const GENERAL: &str = "messaging:general";
const SIDE: &str = "messaging:side";

/// How a REST call authenticates.
#[derive(Clone)]
enum Auth {
    /// `Stream-Auth-Type: jwt` with this token.
    Jwt(String),
    /// `Stream-Auth-Type: anonymous`.
    Anonymous,
    /// Exactly these headers and this API key (for the refusal tests).
    Raw {
        api_key: Option<String>,
        headers: Vec<(&'static str, String)>,
    },
}

/// A REST answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    body: Value,
}

impl Answer {
    /// The body of a 2xx answer; panics with the error body otherwise.
    fn ok(self) -> Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {} {:#}",
            self.status,
            self.body
        );
        assert!(
            self.body["duration"]
                .as_str()
                .is_some_and(|d| d.ends_with("ms")),
            "{}",
            self.body
        );
        self.body
    }

    /// Asserts Stream's error body with this status and code; returns the body.
    fn error(self, status: u16, code: i64) -> Value {
        assert_eq!(
            (self.status, self.body["code"].as_i64()),
            (status, Some(code)),
            "{:#}",
            self.body
        );
        assert_eq!(self.body["StatusCode"], status);
        for field in ["message", "more_info"] {
            assert!(self.body[field].is_string(), "{field} of {:#}", self.body);
        }
        let duration = self.body["duration"].as_str().unwrap_or_default();
        assert!(duration.ends_with("ms"), "duration of {:#}", self.body);
        assert!(self.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains(" failed with error: "));
        assert!(self.body["exception_fields"].is_object() && self.body["details"].is_array());
        assert!(self.body["unrecoverable"].is_boolean());
        let decoded: models::ApiError =
            serde_json::from_value(self.body.clone()).expect("ApiError decodes");
        assert_eq!(i64::from(decoded.code), code);
        self.body
    }
}

thread_local! {
    /// One HTTP client per test (each test runs on its own thread and runtime): building a
    /// client loads the TLS roots, which takes a while in a debug build.
    static HTTP: reqwest::Client = reqwest::Client::new();
}

fn http() -> reqwest::Client {
    HTTP.with(reqwest::Client::clone)
}

/// Sends one REST call to `server`.
async fn call(
    server: &FakeStream,
    method: &str,
    path: &str,
    auth: &Auth,
    query: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    let mut url = form_urlencoded::Serializer::new(String::new());
    let mut headers = Vec::new();
    match auth {
        Auth::Jwt(token) => {
            url.append_pair("api_key", server.api_key());
            headers.push(("stream-auth-type", "jwt".to_owned()));
            headers.push(("authorization", token.clone()));
        }
        Auth::Anonymous => {
            url.append_pair("api_key", server.api_key());
            headers.push(("stream-auth-type", "anonymous".to_owned()));
        }
        Auth::Raw {
            api_key,
            headers: raw,
        } => {
            if let Some(api_key) = api_key {
                url.append_pair("api_key", api_key);
            }
            headers.extend(raw.iter().cloned());
        }
    }
    for (name, value) in query {
        url.append_pair(name, value);
    }
    let url = format!("{}{path}?{}", server.url(), url.finish());
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = http().request(method, url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = within("a REST call", request.send())
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let bytes = within("a REST body", response.bytes())
        .await
        .expect("a body");
    let body = serde_json::from_slice(&bytes).unwrap_or_else(|error| {
        panic!("not JSON ({error}): {:?}", String::from_utf8_lossy(&bytes))
    });
    Answer { status, body }
}

/// A chat app's user: its token, and REST calls as it.
struct App<'a> {
    server: &'a FakeStream,
    auth: Auth,
}

impl<'a> App<'a> {
    fn user(server: &'a FakeStream, id: &'static str) -> Self {
        Self {
            server,
            auth: Auth::Jwt(server.user_token(id)),
        }
    }

    fn server_side(server: &'a FakeStream) -> Self {
        Self {
            server,
            auth: Auth::Jwt(server.server_token()),
        }
    }

    async fn post(&self, path: &str, query: &[(&str, &str)], body: Value) -> Answer {
        call(self.server, "POST", path, &self.auth, query, Some(body)).await
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        call(self.server, "GET", path, &self.auth, query, None).await
    }

    async fn delete(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        call(self.server, "DELETE", path, &self.auth, query, None).await
    }

    /// GetOrCreateChannel; `watching`: watch (with presence) on this connection.
    async fn open_channel(&self, cid: &str, data: Value, watching: Option<&Socket>) -> Value {
        let path = format!("/channels/{}/query", cid.replace(':', "/"));
        let (body, query) = match watching {
            Some(socket) => (
                json!({"data": data, "watch": true, "presence": true, "state": true}),
                vec![("connection_id", socket.connection_id.as_str())],
            ),
            None => (json!({"data": data, "state": true}), vec![]),
        };
        self.post(&path, &query, body).await.ok()
    }

    async fn send_message(&self, cid: &str, message: Value) -> Value {
        let path = format!("/channels/{}/message", cid.replace(':', "/"));
        let answer = self.post(&path, &[], json!({ "message": message })).await;
        assert_eq!(answer.status, 201);
        answer.ok()
    }

    async fn send_event(&self, cid: &str, event: Value) -> Value {
        let path = format!("/channels/{}/event", cid.replace(':', "/"));
        self.post(&path, &[], json!({ "event": event })).await.ok()
    }

    async fn stop_watching(&self, cid: &str, socket: &Socket) -> Value {
        let path = format!("/channels/{}/stop-watching", cid.replace(':', "/"));
        self.post(
            &path,
            &[("connection_id", socket.connection_id.as_str())],
            json!({}),
        )
        .await
        .ok()
    }
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// One websocket connection of a chat app.
struct Socket {
    ws: Ws,
    connection_id: String,
    hello: Value,
}

/// The `/connect` URL with the query the client's `ws/connect.rs` sends.
fn connect_url(server: &FakeStream, user: &Value, auth: &[(&str, &str)]) -> String {
    let payload = json!({
        "user_id": user["id"],
        "user_details": user,
        "client_request_id": "8a1b7a3e-4d0c-4f5e-9a61-0c6f1e2d3b4a",
    });
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("json", &payload.to_string());
    query.append_pair("api_key", server.api_key());
    for (name, value) in auth {
        query.append_pair(name, value);
    }
    query.append_pair("X-Stream-Client", "stream-chat-rust-client-test");
    format!(
        "{}/connect?{}",
        server.url().replacen("http://", "ws://", 1),
        query.finish()
    )
}

async fn open_ws(url: &str) -> Ws {
    let (ws, _) = within(
        "the websocket handshake",
        tokio_tungstenite::connect_async(url),
    )
    .await
    .expect("the upgrade succeeds");
    ws
}

/// The next text frame as JSON (pings and pongs skipped); `None` when the connection ends.
async fn next_json(ws: &mut Ws) -> Option<Value> {
    loop {
        match within("a frame from the server", ws.next()).await? {
            Ok(Message::Text(text)) => {
                return Some(serde_json::from_str(&text).expect("JSON frames"))
            }
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            Ok(other) => panic!("expected a text frame, got {other:?}"),
            Err(error) => panic!("websocket error: {error}"),
        }
    }
}

impl Socket {
    /// Connects `user` (its user object) with a user token and reads the hello.
    async fn connect(server: &FakeStream, user: Value) -> Self {
        let id = user["id"].as_str().expect("a user with an id").to_owned();
        let token = server.user_token(&id);
        let url = connect_url(
            server,
            &user,
            &[("authorization", &token), ("stream-auth-type", "jwt")],
        );
        let mut ws = open_ws(&url).await;
        let hello = next_json(&mut ws).await.expect("a hello");
        assert_eq!(hello["type"], "health.check", "{hello:#}");
        assert_eq!(hello["cid"], "*");
        assert_eq!(hello["me"]["id"], id.as_str());
        let created_at = hello["created_at"].as_str().expect("created_at");
        chrono::DateTime::parse_from_rfc3339(created_at).expect("an RFC 3339 time");
        let connection_id = hello["connection_id"]
            .as_str()
            .expect("a connection_id")
            .to_owned();
        assert!(!connection_id.is_empty());
        Self {
            ws,
            connection_id,
            hello,
        }
    }

    /// The next event that is not a health check.
    async fn next_event(&mut self) -> Value {
        loop {
            let event = next_json(&mut self.ws)
                .await
                .expect("an event, not the end of the connection");
            if event["type"] != "health.check" {
                return event;
            }
        }
    }

    /// The next event, which must be of type `kind`, on channel `cid` when given; checks the
    /// channel fields and `created_at`.
    async fn expect(&mut self, kind: &str, cid: Option<&str>) -> Value {
        let event = self.next_event().await;
        assert_eq!(event["type"], kind, "{event:#}");
        chrono::DateTime::parse_from_rfc3339(event["created_at"].as_str().expect("created_at"))
            .expect("an RFC 3339 created_at");
        if let Some(cid) = cid {
            let (kind, id) = cid.split_once(':').expect("type:id");
            assert_fields(
                &event,
                json!({"/cid": cid, "/channel_type": kind, "/channel_id": id}),
            );
        }
        let decoded = Event::from_value(event.clone())
            .unwrap_or_else(|error| panic!("{kind} does not decode: {error}\n{event:#}"));
        assert_eq!(decoded.event_type(), kind);
        assert!(!matches!(decoded, Event::Unknown(_)), "{event:#}");
        event
    }

    /// Asserts that no event (health checks aside) arrives within the quiet window.
    async fn assert_no_event(&mut self, what: &str) {
        assert_quiet(what, self.next_event()).await;
    }

    /// Closes the connection and waits for the server's close reply.
    async fn close(mut self) {
        within("close", self.ws.close(None)).await.expect("close");
        while let Some(Ok(_)) = within("the close reply", self.ws.next()).await {}
    }
}

fn alice_user() -> Value {
    json!({
        "id": "alice",
        "name": "Alice",
        "image": "https://example.com/alice.png",
        "favorite_color": "green",
        "role": "admin",
    })
}

fn bob_user() -> Value {
    json!({"id": "bob", "name": "Bob"})
}

/// Creates alice and bob with a server-side UpdateUsers.
async fn seed_users(server: &FakeStream) {
    let body = json!({"users": {"alice": alice_user(), "bob": bob_user()}});
    let users = App::server_side(server)
        .post("/users", &[], body)
        .await
        .ok();
    assert_eq!(users["users"]["alice"]["favorite_color"], "green");
    assert_eq!(
        users["users"]["alice"]["role"], "admin",
        "server-side upserts set the role"
    );
    assert_eq!(users["users"]["bob"]["name"], "Bob");
    assert_eq!(users["membership_deletion_task_id"], "");
}

/// Asserts the values of `value` at the JSON pointers that are the keys of `expected`.
#[track_caller]
fn assert_fields(value: &Value, expected: Value) {
    let Value::Object(expected) = expected else {
        panic!("expected fields are a JSON object of pointers, got {expected}");
    };
    for (pointer, wanted) in &expected {
        assert_eq!(
            value.pointer(pointer),
            Some(wanted),
            "{pointer} of {value:#}"
        );
    }
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| {
            item.pointer(key)
                .and_then(Value::as_str)
                .expect("an id")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn chat_app_end_to_end() {
    let server = FakeStream::start().await;
    seed_users(&server).await;
    let (alice_app, bob_app) = (App::user(&server, "alice"), App::user(&server, "bob"));

    // Alice connects: the hello carries her own user, custom data included; her role stays
    // what the server set (a client cannot change it).
    let mut alice = Socket::connect(&server, alice_user()).await;
    let me = &alice.hello["me"];
    assert_fields(
        me,
        json!({
            "/name": "Alice",
            "/favorite_color": "green",
            "/role": "admin",
            "/unread_count": 0,
            "/total_unread_count": 0,
            "/online": true,
            "/devices": [],
            "/mutes": [],
            "/channel_mutes": [],
        }),
    );
    let me: models::OwnUserResponse = serde_json::from_value(me.clone()).expect("me decodes");
    assert_eq!(me.id, "alice");
    let mut bob = Socket::connect(&server, bob_user()).await;
    assert_ne!(alice.connection_id, bob.connection_id);
    assert_eq!(server.connections().len(), 2);

    // Bob creates messaging:general with both as members and watches it; Alice, a member who
    // watches nothing yet, is notified.
    let state = bob_app
        .open_channel(
            GENERAL,
            json!({"members": [{"user_id": "bob"}, {"user_id": "alice"}], "name": "General"}),
            Some(&bob),
        )
        .await;
    assert_fields(
        &state,
        json!({"/channel/cid": GENERAL, "/channel/name": "General"}),
    );
    assert_eq!(ids(&state["members"], "/user_id"), ["bob", "alice"]);
    assert_fields(
        &state,
        json!({"/watcher_count": 1, "/membership/user_id": "bob"}),
    );
    assert_eq!(state["channel"]["created_by"]["id"], "bob");
    let added = alice
        .expect("notification.added_to_channel", Some(GENERAL))
        .await;
    assert_fields(
        &added,
        json!({"/member/user_id": "alice", "/channel/cid": GENERAL}),
    );
    bob.assert_no_event("the creator is not notified").await;

    // Alice watches it with her connection; Bob, watching, sees her start.
    let state = alice_app
        .open_channel(GENERAL, json!({}), Some(&alice))
        .await;
    assert_eq!(state["watcher_count"], 2);
    assert_eq!(ids(&state["watchers"], "/id"), ["alice", "bob"]);
    assert_eq!(state["membership"]["user_id"], "alice");
    assert_eq!(server.watchers(GENERAL), ["alice", "bob"]);
    let mut both = vec![alice.connection_id.clone(), bob.connection_id.clone()];
    both.sort();
    assert_eq!(server.watching_connections(GENERAL), both);
    let started = bob.expect("user.watching.start", Some(GENERAL)).await;
    assert_fields(&started, json!({"/user/id": "alice", "/watcher_count": 2}));
    alice
        .assert_no_event("no event for one's own watching")
        .await;

    // Bob sends a message: both watchers get message.new, Alice with her unread counts.
    let sent = bob_app
        .send_message(
            GENERAL,
            json!({"text": "Hello <Alice>", "priority": "high"}),
        )
        .await;
    let message = &sent["message"];
    assert_fields(
        message,
        json!({
            "/text": "Hello <Alice>",
            "/html": "<p>Hello &lt;Alice&gt;</p>\n",
            "/user/id": "bob",
            "/cid": GENERAL,
            "/type": "regular",
        }),
    );
    assert_eq!(message["priority"], "high");
    let message_id = message["id"].as_str().expect("an id").to_owned();
    let new = alice.expect("message.new", Some(GENERAL)).await;
    assert_fields(
        &new,
        json!({
            "/message_id": message_id,
            "/message/id": message_id,
            "/message/text": "Hello <Alice>",
            "/message/priority": "high",
            "/user/id": "bob",
            "/watcher_count": 2,
            "/unread_count": 1,
            "/total_unread_count": 1,
            "/unread_channels": 1,
        }),
    );
    let own = bob.expect("message.new", Some(GENERAL)).await;
    assert_fields(&own, json!({"/message_id": message_id, "/unread_count": 0}));

    // Bob types: a typing.start with his user reaches Alice.
    let typing = bob_app
        .send_event(GENERAL, json!({"type": "typing.start", "parent_id": null}))
        .await;
    assert_eq!(typing["event"]["type"], "typing.start");
    let event = alice.expect("typing.start", Some(GENERAL)).await;
    assert_fields(&event, json!({"/user/id": "bob", "/user/name": "Bob"}));
    bob.expect("typing.start", Some(GENERAL)).await;

    // Alice reads: the watchers get message.read, her connections notification.mark_read.
    let read = alice_app
        .post("/channels/messaging/general/read", &[], json!({}))
        .await
        .ok();
    assert_fields(
        &read,
        json!({
            "/event/type": "message.read",
            "/event/last_read_message_id": message_id,
        }),
    );
    let event = alice.expect("message.read", Some(GENERAL)).await;
    assert_eq!(event["user"]["id"], "alice");
    let event = alice.expect("notification.mark_read", Some(GENERAL)).await;
    assert_fields(
        &event,
        json!({
            "/unread_count": 0,
            "/total_unread_count": 0,
            "/unread_channels": 0,
        }),
    );
    assert_eq!(
        bob.expect("message.read", Some(GENERAL)).await["user"]["id"],
        "alice"
    );

    // Bob makes messaging:side alone, then adds Alice: she gets notification.added_to_channel.
    bob_app
        .open_channel(SIDE, json!({"members": ["bob"]}), None)
        .await;
    alice.assert_no_event("not a member of side yet").await;
    let updated = bob_app
        .post(
            "/channels/messaging/side",
            &[],
            json!({"add_members": [{"user_id": "alice"}]}),
        )
        .await
        .ok();
    assert_eq!(ids(&updated["members"], "/user_id"), ["bob", "alice"]);
    assert_eq!(server.members(SIDE), ["bob", "alice"]);
    let added = alice
        .expect("notification.added_to_channel", Some(SIDE))
        .await;
    assert_eq!(added["member"]["user_id"], "alice");
    assert_eq!(
        ids(&added["channel"]["members"], "/user_id"),
        ["bob", "alice"]
    );
    assert_eq!(added["channel_member_count"], 2);

    // Alice stops watching general: Bob sees her stop, and she gets no more of its events.
    alice_app.stop_watching(GENERAL, &alice).await;
    assert_eq!(server.watchers(GENERAL), ["bob"]);
    let stopped = bob.expect("user.watching.stop", Some(GENERAL)).await;
    assert_fields(&stopped, json!({"/user/id": "alice", "/watcher_count": 1}));
    bob_app
        .send_event(GENERAL, json!({"type": "typing.start"}))
        .await;
    bob_app
        .send_event(GENERAL, json!({"type": "friendship.request", "note": "hi"}))
        .await;
    alice
        .assert_no_event("typing and custom events of an unwatched channel")
        .await;
    bob.expect("typing.start", Some(GENERAL)).await;
    let custom = bob.expect("friendship.request", Some(GENERAL)).await;
    assert_fields(&custom, json!({"/note": "hi", "/user/id": "bob"}));

    // A message in side (a member, not watching) arrives as notification.message_new.
    let sent = bob_app
        .send_message(SIDE, json!({"text": "Over here"}))
        .await;
    let note = alice.expect("notification.message_new", Some(SIDE)).await;
    assert_fields(
        &note,
        json!({
            "/message/id": sent["message"]["id"],
            "/message/text": "Over here",
            "/message_id": sent["message"]["id"],
            "/channel/cid": SIDE,
            "/watcher_count": 0,
            "/unread_count": 1,
            "/total_unread_count": 1,
            "/unread_channels": 1,
        }),
    );
    // So does one in general now; Bob, watching it, gets message.new.
    bob_app
        .send_message(GENERAL, json!({"text": "Still there?"}))
        .await;
    let note = alice
        .expect("notification.message_new", Some(GENERAL))
        .await;
    assert_fields(
        &note,
        json!({"/total_unread_count": 2, "/unread_channels": 2}),
    );
    assert_eq!(
        bob.expect("message.new", Some(GENERAL)).await["message"]["text"],
        "Still there?"
    );
    alice.assert_no_event("nothing else").await;
    bob.assert_no_event("nothing else").await;
    assert_eq!(
        server.user("alice").expect("alice")["total_unread_count"],
        2
    );

    alice.close().await;
    within("alice's connection ends", server.wait_for_connections(1)).await;
    assert_eq!(server.connections()[0].user_id, "bob");
}

#[tokio::test]
async fn watching_and_presence_end_with_the_connection() {
    let server = FakeStream::start().await;
    seed_users(&server).await;
    let mut bob = Socket::connect(&server, bob_user()).await;
    App::user(&server, "bob")
        .open_channel(GENERAL, json!({"members": ["alice", "bob"]}), Some(&bob))
        .await;

    // Alice comes online: Bob asked for presence on a channel she is a member of.
    let alice = Socket::connect(&server, alice_user()).await;
    let online = bob.next_event().await;
    assert_fields(
        &online,
        json!({
            "/type": "user.presence.changed",
            "/user/id": "alice",
            "/user/online": true,
        }),
    );
    App::user(&server, "alice")
        .open_channel(GENERAL, json!({}), Some(&alice))
        .await;
    bob.expect("user.watching.start", Some(GENERAL)).await;
    assert_eq!(
        server
            .connections()
            .iter()
            .find(|c| c.user_id == "alice")
            .expect("alice")
            .watching,
        [GENERAL]
    );

    // Her connection ends: she stops watching, then goes offline.
    alice.close().await;
    let stopped = bob.expect("user.watching.stop", Some(GENERAL)).await;
    assert_fields(&stopped, json!({"/user/id": "alice", "/watcher_count": 1}));
    let offline = bob.next_event().await;
    assert_fields(
        &offline,
        json!({"/type": "user.presence.changed", "/user/online": false}),
    );
    assert!(offline["user"]["last_active"].is_string());
    within("alice is gone", server.wait_for_connections(1)).await;
    assert_eq!(server.watchers(GENERAL), ["bob"]);

    // Two connections of one user: watching ends only with the last one.
    let first = Socket::connect(&server, alice_user()).await;
    let second = Socket::connect(&server, alice_user()).await;
    assert_eq!(
        bob.next_event().await["user"]["online"],
        true,
        "online once"
    );
    let alice_app = App::user(&server, "alice");
    alice_app
        .open_channel(GENERAL, json!({}), Some(&first))
        .await;
    alice_app
        .open_channel(GENERAL, json!({}), Some(&second))
        .await;
    assert_eq!(
        bob.expect("user.watching.start", Some(GENERAL)).await["watcher_count"],
        2
    );
    first.close().await;
    within("the first is gone", server.wait_for_connections(2)).await;
    bob.assert_no_event("alice still watches on her second connection")
        .await;
    assert_eq!(server.watchers(GENERAL), ["alice", "bob"]);
    second.close().await;
    bob.expect("user.watching.stop", Some(GENERAL)).await;
    assert_eq!(bob.next_event().await["user"]["online"], false);

    // The server closes a connection (a test's `close_connection`): the events queued before
    // arrive, then close 1012; the connection's watching ends with it.
    let mut alice = Socket::connect(&server, alice_user()).await;
    alice_app
        .open_channel(GENERAL, json!({}), Some(&alice))
        .await;
    assert_eq!(
        bob.next_event().await["type"],
        "user.presence.changed",
        "online again"
    );
    bob.expect("user.watching.start", Some(GENERAL)).await;
    App::user(&server, "bob")
        .send_event(GENERAL, json!({"type": "typing.start"}))
        .await;
    assert!(server.close_connection(&alice.connection_id));
    alice.expect("typing.start", Some(GENERAL)).await;
    match within("the close frame", alice.ws.next()).await {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(frame.code, CloseCode::Restart);
            assert_eq!(frame.reason, "closed by the test");
        }
        other => panic!("expected close 1012, got {other:?}"),
    }
    bob.expect("typing.start", Some(GENERAL)).await;
    bob.expect("user.watching.stop", Some(GENERAL)).await;
    within("alice is gone", server.wait_for_connections(1)).await;
    assert_eq!(server.watchers(GENERAL), ["bob"]);
    assert_eq!(bob.next_event().await["user"]["online"], false);
    assert!(
        !server.close_connection(&alice.connection_id),
        "no longer open"
    );
}

#[tokio::test]
async fn query_channels_filters_sorts_and_watches() {
    let server = FakeStream::start().await;
    seed_users(&server).await;
    let bob_app = App::user(&server, "bob");
    bob_app
        .open_channel(
            "messaging:a",
            json!({"members": ["alice", "bob"], "topic": "x"}),
            None,
        )
        .await;
    bob_app
        .open_channel("messaging:b", json!({"members": ["bob"]}), None)
        .await;
    bob_app
        .open_channel("livestream:c", json!({"members": ["alice"]}), None)
        .await;
    bob_app
        .send_message("messaging:a", json!({"text": "bump"}))
        .await;

    let mut alice = Socket::connect(&server, alice_user()).await;
    let alice_app = App::user(&server, "alice");
    let connection_id = alice.connection_id.clone();
    let watch_query = [("connection_id", connection_id.as_str())];
    let query = |body: Value| alice_app.post("/channels", &watch_query, body);
    // Alice's channels, newest activity first, watched on her connection.
    let found = query(
        json!({"filter_conditions": {"members": {"$in": ["alice"]}}, "watch": true, "state": true}),
    )
    .await
    .ok();
    assert_eq!(
        ids(&found["channels"], "/channel/cid"),
        ["messaging:a", "livestream:c"]
    );
    assert_eq!(found["channels"][0]["messages"][0]["text"], "bump");
    assert_eq!(
        found["channels"][0]["read"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(found["channels"][0]["membership"]["user_id"], "alice");
    assert_eq!(server.watchers("messaging:a"), ["alice"]);
    assert_eq!(server.watchers("livestream:c"), ["alice"]);
    bob_app
        .send_message("messaging:a", json!({"text": "seen live"}))
        .await;
    assert_eq!(
        alice.expect("message.new", Some("messaging:a")).await["message"]["text"],
        "seen live"
    );

    for (filter, expected) in [
        (json!({"type": "livestream"}), vec!["livestream:c"]),
        (
            json!({"cid": {"$in": ["messaging:b", "livestream:c"]}}),
            vec!["livestream:c", "messaging:b"],
        ),
        (json!({"id": "b"}), vec!["messaging:b"]),
        (json!({"topic": "x"}), vec!["messaging:a"]),
        (json!({"members": {"$in": ["nobody"]}}), vec![]),
    ] {
        let found = query(
            json!({"filter_conditions": filter, "sort": [{"field": "cid", "direction": -1}]}),
        )
        .await
        .ok();
        let mut cids = ids(&found["channels"], "/channel/cid");
        cids.sort();
        let mut expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        expected.sort();
        assert_eq!(cids, expected, "{filter}");
    }
    let paged = query(json!({"sort": [{"field": "cid", "direction": 1}], "limit": 1, "offset": 1}))
        .await
        .ok();
    assert_eq!(ids(&paged["channels"], "/channel/cid"), ["messaging:a"]);
    let error = query(json!({"filter_conditions": {"name": {"$autocomplete": "x"}}}))
        .await
        .error(400, 4);
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("$autocomplete"),
        "{error}"
    );

    // QueryUsers reads its query from the `payload` parameter.
    let payload = json!({
        "filter_conditions": {"id": {"$in": ["alice", "bob", "carol"]}},
        "sort": [{"field": "id", "direction": -1}],
    })
    .to_string();
    let users = alice_app.get("/users", &[("payload", &payload)]).await.ok();
    assert_eq!(ids(&users["users"], "/id"), ["bob", "alice"]);
    assert_eq!(users["users"][1]["online"], true);
}

#[tokio::test]
async fn distinct_channels_and_message_changes() {
    let server = FakeStream::start().await;
    seed_users(&server).await;
    let (alice_app, bob_app) = (App::user(&server, "alice"), App::user(&server, "bob"));
    let created = bob_app
        .post(
            "/channels/messaging/query",
            &[],
            json!({"data": {"members": ["bob", "alice"]}}),
        )
        .await
        .ok();
    let again = alice_app
        .post(
            "/channels/messaging/query",
            &[],
            json!({"data": {"members": [{"user_id": "alice"}, {"user_id": "bob"}]}}),
        )
        .await
        .ok();
    let id = created["channel"]["id"].as_str().expect("an id");
    assert!(id.starts_with("!members-"), "{id}");
    assert_eq!(
        again["channel"]["id"], id,
        "the same members, the same channel"
    );
    alice_app
        .post("/channels/messaging/query", &[], json!({"data": {}}))
        .await
        .error(400, 4);

    let mut alice = Socket::connect(&server, alice_user()).await;
    let cid = format!("messaging:{id}");
    alice_app.open_channel(&cid, json!({}), Some(&alice)).await;
    let sent = bob_app
        .send_message(&cid, json!({"id": "m-1", "text": "typo"}))
        .await;
    assert_eq!(sent["message"]["id"], "m-1");
    alice.expect("message.new", Some(&cid)).await;
    let duplicate = bob_app
        .post(
            &format!("/channels/messaging/{id}/message"),
            &[],
            json!({"message": {"id": "m-1", "text": "x"}}),
        )
        .await;
    duplicate.error(400, 4);

    let fetched = alice_app.get("/messages/m-1", &[]).await.ok();
    assert_fields(
        &fetched,
        json!({"/message/text": "typo", "/message/channel/cid": cid}),
    );
    alice_app
        .post("/messages/m-1", &[], json!({"message": {"text": "mine?"}}))
        .await
        .error(403, 17);
    let updated = bob_app
        .post(
            "/messages/m-1",
            &[],
            json!({"message": {"text": "fixed", "mood": "ok"}}),
        )
        .await
        .ok();
    assert_fields(
        &updated,
        json!({"/message/text": "fixed", "/message/mood": "ok"}),
    );
    let event = alice.expect("message.updated", Some(&cid)).await;
    assert_fields(
        &event,
        json!({"/message/text": "fixed", "/message_id": "m-1"}),
    );
    let deleted = bob_app.delete("/messages/m-1", &[]).await.ok();
    assert_eq!(deleted["message"]["type"], "deleted");
    let event = alice.expect("message.deleted", Some(&cid)).await;
    assert_fields(
        &event,
        json!({"/hard_delete": false, "/message/type": "deleted"}),
    );
    bob_app
        .delete("/messages/m-1", &[("hard", "true")])
        .await
        .ok();
    assert_eq!(
        alice.expect("message.deleted", Some(&cid)).await["hard_delete"],
        true
    );
    alice_app.get("/messages/m-1", &[]).await.error(404, 16);
    assert!(server.messages(&cid).is_empty());
}

#[tokio::test]
async fn rest_refusals_carry_streams_error_body() {
    let server = FakeStream::start().await;
    seed_users(&server).await;
    let alice = server.user_token("alice");
    let raw = |api_key: Option<&str>, headers: Vec<(&'static str, String)>| Auth::Raw {
        api_key: api_key.map(str::to_owned),
        headers,
    };
    let jwt = |token: String| {
        vec![
            ("stream-auth-type", "jwt".to_owned()),
            ("authorization", token),
        ]
    };
    let past = chrono::DateTime::from_timestamp(1_600_000_000, 0).expect("a time");
    let future = chrono::DateTime::from_timestamp(4_000_000_000, 0).expect("a time");
    let foreign = UserToken::new("alice").sign(&Secret::new("another secret"));
    for (auth, code) in [
        (raw(None, jwt(alice.clone())), 2),
        (raw(Some("wrong"), jwt(alice.clone())), 2),
        (raw(Some("key"), vec![("authorization", alice.clone())]), 5),
        (
            raw(Some("key"), vec![("stream-auth-type", "jwt".to_owned())]),
            5,
        ),
        (raw(Some("key"), jwt(foreign)), 43),
        (raw(Some("key"), jwt(format!("Bearer {alice}"))), 43),
        (
            raw(
                Some("key"),
                jwt(UserToken::new("alice")
                    .expires_at(past)
                    .sign(&Secret::new("top-secret"))),
            ),
            40,
        ),
        (
            raw(
                Some("key"),
                jwt(UserToken::new("alice")
                    .issued_at(future)
                    .sign(&Secret::new("top-secret"))),
            ),
            42,
        ),
    ] {
        let answer = call(&server, "POST", "/channels", &auth, &[], Some(json!({}))).await;
        let body = answer.error(401, code);
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("QueryChannels failed with error: "),
            "{body}"
        );
    }

    let (alice_app, bob_app) = (App::user(&server, "alice"), App::user(&server, "bob"));
    bob_app
        .open_channel(GENERAL, json!({"members": ["bob"]}), None)
        .await;
    let send = |app: &'static str, cid: &str, body: Value| {
        let path = format!("/channels/{}/message", cid.replace(':', "/"));
        let auth = if app == "anonymous" {
            Auth::Anonymous
        } else {
            Auth::Jwt(server.user_token(app))
        };
        let server = &server;
        async move { call(server, "POST", &path, &auth, &[], Some(body)).await }
    };
    send(
        "bob",
        "messaging:nowhere",
        json!({"message": {"text": "hi"}}),
    )
    .await
    .error(404, 16);
    send("alice", GENERAL, json!({"message": {"text": "hi"}}))
        .await
        .error(403, 17);
    send("anonymous", GENERAL, json!({"message": {"text": "hi"}}))
        .await
        .error(403, 17);
    let missing = send("bob", GENERAL, json!({})).await.error(400, 4);
    assert_eq!(
        missing["exception_fields"]["message"],
        "message is a required field"
    );
    send("bob", GENERAL, json!({"message": {"text": "  "}}))
        .await
        .error(400, 4);
    send(
        "bob",
        GENERAL,
        json!({"message": {"text": "x".repeat(5001)}}),
    )
    .await
    .error(400, 20);
    send(
        "bob",
        GENERAL,
        json!({"message": {"text": "as alice", "user_id": "alice"}}),
    )
    .await
    .error(403, 17);
    // Livestream channels take messages from anyone.
    bob_app
        .open_channel("livestream:stage", json!({}), None)
        .await;
    send(
        "alice",
        "livestream:stage",
        json!({"message": {"text": "hi"}}),
    )
    .await
    .ok();
    // Server-side calls name their user.
    let server_app = App::server_side(&server);
    server_app
        .post(
            "/channels/messaging/general/message",
            &[],
            json!({"message": {"text": "hi"}}),
        )
        .await
        .error(400, 4);
    server_app
        .post(
            "/channels/messaging/general/message",
            &[],
            json!({"message": {"text": "hi", "user_id": "bob"}}),
        )
        .await
        .ok();

    // Watching needs the caller's own connection.
    let watch = json!({"watch": true});
    alice_app
        .post("/channels/messaging/general/query", &[], watch.clone())
        .await
        .error(400, 4);
    alice_app
        .post(
            "/channels/messaging/general/query",
            &[("connection_id", "nope")],
            watch.clone(),
        )
        .await
        .error(400, 4);
    let bobs = Socket::connect(&server, bob_user()).await;
    alice_app
        .post(
            "/channels/messaging/general/query",
            &[("connection_id", bobs.connection_id.as_str())],
            watch.clone(),
        )
        .await
        .error(403, 17);
    server_app
        .post(
            "/channels/messaging/general/query",
            &[("connection_id", bobs.connection_id.as_str())],
            watch,
        )
        .await
        .error(400, 4);

    // Other input errors.
    bob_app
        .send_event(GENERAL, json!({"type": "typing.start"}))
        .await;
    bob_app
        .post(
            "/channels/messaging/general/event",
            &[],
            json!({"event": {"type": "message.new"}}),
        )
        .await
        .error(400, 4);
    bob_app
        .post(
            "/channels/messaging/general",
            &[],
            json!({"add_members": ["carol"]}),
        )
        .await
        .error(400, 4);
    bob_app
        .post("/channels/messaging/general", &[], json!({"cooldown": 5}))
        .await
        .error(400, 4);
    // An update is checked whole before anything changes.
    let half_valid = json!({"add_members": ["alice"], "message": {"text": ""}});
    bob_app
        .post("/channels/messaging/general", &[], half_valid)
        .await
        .error(400, 4);
    assert_eq!(server.members(GENERAL), ["bob"]);
    bob_app
        .post("/channels/unknown/x/query", &[], json!({}))
        .await
        .error(404, 16);
    bob_app
        .post("/channels/messaging/a:b/query", &[], json!({}))
        .await
        .error(400, 4);
    let answer = call(&server, "POST", "/channels", &bob_app.auth, &[], None).await;
    answer.ok();
    let not_json = http()
        .post(format!("{}/channels?api_key=key", server.url()))
        .header("stream-auth-type", "jwt")
        .header("authorization", server.user_token("bob"))
        .body("{not json")
        .send()
        .await
        .expect("an answer");
    assert_eq!(not_json.status().as_u16(), 400);
    let unknown = call(&server, "POST", "/not/a/route", &bob_app.auth, &[], None)
        .await
        .error(404, 16);
    assert!(
        unknown["message"]
            .as_str()
            .unwrap_or_default()
            .contains("POST /not/a/route"),
        "{unknown}"
    );
    call(&server, "PUT", "/users", &bob_app.auth, &[], None)
        .await
        .error(404, 16);
    // A user token updates only its own user.
    bob_app
        .post("/users", &[], json!({"users": {"alice": {"id": "alice"}}}))
        .await
        .error(403, 17);
}

/// Reads the refusal of a websocket: one error message, then close 1000, then the end.
async fn expect_refusal(url: &str, code: i64) -> Value {
    let mut ws = open_ws(url).await;
    let error = next_json(&mut ws).await.expect("an error message");
    let body = &error["error"];
    assert_eq!(body["code"], code, "{error:#}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("WS failed with error: "),
        "{error}"
    );
    let decoded: models::ApiError = serde_json::from_value(body.clone()).expect("ApiError decodes");
    assert_eq!(i64::from(decoded.code), code);
    match within("the close frame", ws.next()).await {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Normal),
        other => panic!("expected close 1000, got {other:?}"),
    }
    assert!(matches!(
        within("the end", ws.next()).await,
        None | Some(Err(_))
    ));
    error
}

#[tokio::test]
async fn websocket_refusals_send_an_error_then_close_1000() {
    let server = FakeStream::start().await;
    let user = alice_user();
    let foreign = UserToken::new("alice").sign(&Secret::new("another secret"));
    let bobs = server.user_token("bob");
    let server_token = server.server_token();
    for (auth, code) in [
        (
            vec![
                ("authorization", foreign.as_str()),
                ("stream-auth-type", "jwt"),
            ],
            43,
        ),
        (
            vec![("authorization", "garbage"), ("stream-auth-type", "jwt")],
            43,
        ),
        (
            vec![
                ("authorization", bobs.as_str()),
                ("stream-auth-type", "jwt"),
            ],
            5,
        ),
        (
            vec![
                ("authorization", server_token.as_str()),
                ("stream-auth-type", "jwt"),
            ],
            5,
        ),
        (vec![("stream-auth-type", "jwt")], 5),
    ] {
        expect_refusal(&connect_url(&server, &user, &auth), code).await;
    }
    let token = server.user_token("alice");
    let good = connect_url(
        &server,
        &user,
        &[("authorization", &token), ("stream-auth-type", "jwt")],
    );
    expect_refusal(&good.replace("api_key=key", "api_key=nope"), 2).await;
    let no_user = format!(
        "{}/connect?api_key=key&authorization={token}&stream-auth-type=jwt",
        server.url().replacen("http", "ws", 1)
    );
    expect_refusal(&no_user, 4).await;
    assert!(server.connections().is_empty());

    // Anonymous connections are the user `!anon`, and may read.
    let url = connect_url(
        &server,
        &json!({"id": "guest"}),
        &[("stream-auth-type", "anonymous")],
    );
    let mut ws = open_ws(&url).await;
    let hello = next_json(&mut ws).await.expect("a hello");
    assert_fields(&hello, json!({"/me/id": "!anon", "/me/role": "anonymous"}));
    assert_eq!(server.connections()[0].user_id, "!anon");
}

#[tokio::test]
async fn health_checks_both_ways() {
    // Periodic: a short interval, so two arrive quickly.
    let server = FakeStream::builder()
        .health_check_interval(Duration::from_millis(20))
        .start()
        .await
        .expect("start");
    let mut socket = Socket::connect(&server, alice_user()).await;
    for _ in 0..2 {
        let check = next_json(&mut socket.ws).await.expect("a health check");
        assert_fields(
            &check,
            json!({
                "/type": "health.check",
                "/connection_id": socket.connection_id,
                "/cid": "*",
            }),
        );
        assert!(check.get("me").is_none(), "only the hello has me");
    }
    drop(socket);

    // Answered: the client's health check (as `ws/keepalive.rs` sends it) gets one back.
    let server = FakeStream::builder()
        .health_check_interval(Duration::from_secs(3600))
        .start()
        .await
        .expect("start");
    let mut socket = Socket::connect(&server, alice_user()).await;
    let ping =
        json!([{"type": "health.check", "client_id": format!("alice--{}", socket.connection_id)}]);
    within(
        "send a ping",
        socket.ws.send(Message::text(ping.to_string())),
    )
    .await
    .expect("sent");
    let pong = next_json(&mut socket.ws).await.expect("an answer");
    assert_fields(
        &pong,
        json!({"/type": "health.check", "/connection_id": socket.connection_id}),
    );
    within("send junk", socket.ws.send(Message::text("not json")))
        .await
        .expect("sent");
    assert_quiet("junk is ignored", next_json(&mut socket.ws)).await;
}

#[tokio::test]
async fn responses_decode_with_the_generated_models() {
    fn decode<T: serde::de::DeserializeOwned>(what: &str, value: Value) -> T {
        serde_json::from_value(value.clone())
            .unwrap_or_else(|error| panic!("{what}: {error}\n{value:#}"))
    }
    let server = FakeStream::start().await;
    let server_app = App::server_side(&server);
    let body = json!({"users": {"alice": alice_user(), "bob": bob_user()}});
    decode::<models::UpdateUsersResponse>(
        "UpdateUsers",
        server_app.post("/users", &[], body).await.ok(),
    );
    let (alice_app, bob_app) = (App::user(&server, "alice"), App::user(&server, "bob"));
    let mut alice = Socket::connect(&server, alice_user()).await;
    let state = bob_app
        .open_channel(
            GENERAL,
            json!({"members": ["alice", "bob"], "name": "General"}),
            None,
        )
        .await;
    decode::<models::ChannelStateResponse>("GetOrCreateChannel", state);
    alice
        .expect("notification.added_to_channel", Some(GENERAL))
        .await;
    let state = alice_app
        .open_channel(GENERAL, json!({}), Some(&alice))
        .await;
    decode::<models::ChannelStateResponse>("GetOrCreateChannel watching", state);
    let sent = bob_app
        .send_message(GENERAL, json!({"text": "hi", "mentioned_users": ["alice"]}))
        .await;
    assert_eq!(sent["message"]["mentioned_users"][0]["id"], "alice");
    let id = sent["message"]["id"].as_str().expect("an id").to_owned();
    decode::<models::SendMessageResponse>("SendMessage", sent);
    alice.expect("message.new", Some(GENERAL)).await;
    decode::<models::EventResponse>(
        "SendEvent",
        bob_app
            .send_event(GENERAL, json!({"type": "typing.stop"}))
            .await,
    );
    alice.expect("typing.stop", Some(GENERAL)).await;
    let found = alice_app
        .post(
            "/channels",
            &[],
            json!({"filter_conditions": {"cid": GENERAL}}),
        )
        .await
        .ok();
    decode::<models::QueryChannelsResponse>("QueryChannels", found);
    let read = alice_app
        .post(
            "/channels/messaging/general/read",
            &[],
            json!({"message_id": id}),
        )
        .await
        .ok();
    decode::<models::MarkReadResponse>("MarkRead", read);
    alice.expect("message.read", Some(GENERAL)).await;
    alice.expect("notification.mark_read", Some(GENERAL)).await;
    let body = json!({
        "add_members": ["alice"],
        "data": {"name": "Renamed"},
        "message": {"text": "renamed"},
    });
    let updated = bob_app
        .post("/channels/messaging/general", &[], body)
        .await
        .ok();
    assert_fields(
        &updated,
        json!({"/channel/name": "Renamed", "/message/text": "renamed"}),
    );
    decode::<models::UpdateChannelResponse>("UpdateChannel", updated);
    assert_eq!(
        alice.expect("channel.updated", Some(GENERAL)).await["channel"]["name"],
        "Renamed"
    );
    alice.expect("message.new", Some(GENERAL)).await;
    let fetched = alice_app.get(&format!("/messages/{id}"), &[]).await.ok();
    decode::<models::GetMessageResponse>("GetMessage", fetched);
    let updated = bob_app
        .post(
            &format!("/messages/{id}"),
            &[],
            json!({"message": {"text": "edited"}}),
        )
        .await
        .ok();
    decode::<models::UpdateMessageResponse>("UpdateMessage", updated);
    alice.expect("message.updated", Some(GENERAL)).await;
    let deleted = bob_app.delete(&format!("/messages/{id}"), &[]).await.ok();
    decode::<models::DeleteMessageResponse>("DeleteMessage", deleted);
    alice.expect("message.deleted", Some(GENERAL)).await;
    let removed = bob_app
        .post(
            "/channels/messaging/general",
            &[],
            json!({"remove_members": ["alice"]}),
        )
        .await
        .ok();
    assert_eq!(ids(&removed["members"], "/user_id"), ["bob"]);
    let event = alice.expect("member.removed", Some(GENERAL)).await;
    assert_eq!(event["member"]["user_id"], "alice");
    alice
        .expect("notification.removed_from_channel", Some(GENERAL))
        .await;
    let added = bob_app
        .post(
            "/channels/messaging/general",
            &[],
            json!({"add_members": ["alice"]}),
        )
        .await
        .ok();
    decode::<models::UpdateChannelResponse>("UpdateChannel members", added);
    alice.expect("member.added", Some(GENERAL)).await;
    alice
        .expect("notification.added_to_channel", Some(GENERAL))
        .await;
    let payload = json!({"filter_conditions": {}}).to_string();
    let users = alice_app.get("/users", &[("payload", &payload)]).await.ok();
    decode::<models::QueryUsersResponse>("QueryUsers", users);
    decode::<models::Response>(
        "StopWatchingChannel",
        alice_app.stop_watching(GENERAL, &alice).await,
    );
    alice.assert_no_event("nothing after stop-watching").await;
}

#[tokio::test]
async fn dropping_the_server_closes_sockets_and_the_port() {
    let server = FakeStream::start().await;
    let mut socket = Socket::connect(&server, alice_user()).await;
    let address = server.url().replacen("http://", "", 1);
    drop(server);
    match within("the close frame", socket.ws.next()).await {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Away),
        other => panic!("expected close 1001, got {other:?}"),
    }
    within("the port closes", async {
        while TcpStream::connect(&address).await.is_ok() {
            tokio::task::yield_now().await;
        }
    })
    .await;
}

/// A child process, killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_url_and_serves() {
    use std::io::BufRead as _;

    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_fake-stream"))
            .args([
                "--port",
                "0",
                "--secret",
                "s3cret",
                "--api-key",
                "k",
                "--health-check-interval",
                "0.05",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let url = within(
        "the URL line",
        tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufReader::new(stdout)
                .read_line(&mut line)
                .map(|_| line)
        }),
    )
    .await
    .expect("the reader ends")
    .expect("stdout is readable");
    let url = url.trim_end();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");

    let http = http();
    let post = |token: String| {
        http.post(format!("{url}/users?api_key=k"))
            .header("stream-auth-type", "jwt")
            .header("authorization", token)
            .body(json!({"users": {"alice": {"id": "alice"}}}).to_string())
            .send()
    };
    let token = stream_chat_client::server_token(&Secret::new("s3cret"));
    let ok = within("a call", post(token)).await.expect("an answer");
    assert_eq!(ok.status().as_u16(), 201);
    let foreign = stream_chat_client::server_token(&Secret::new("top-secret"));
    let refused = within("a call", post(foreign)).await.expect("an answer");
    assert_eq!(refused.status().as_u16(), 401);
    drop(child);

    let usage = std::process::Command::new(env!("CARGO_BIN_EXE_fake-stream"))
        .args(["--port", "x"])
        .output()
        .expect("runs");
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("usage: fake-stream"));
}
