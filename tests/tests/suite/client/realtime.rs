//! The real-time websocket against a real websocket server on 127.0.0.1, on tokio's paused
//! clock (frozen, moved only by `advance`), so the 25 s, 35 s and backoff timers fire exactly
//! when a test says and nothing sleeps for real.
//!
//! Faults injected: an error message instead of the hello followed by a 1000 close (bad
//! credentials; token expired with and without a token provider, at connect and on an open
//! connection), an HTTP refusal of the upgrade (4xx: final; 5xx: retried by `connect`), a
//! refused TCP connection (retried by `connect`), no hello at all, a hello without a connection
//! id, server silence past 35 s, an abrupt TCP reset, a TCP connection dropped before the
//! handshake, a server close (1000 without error, 1011; answered with the close handshake),
//! frames that are not JSON, binary frames, payloads that do not match their event type,
//! unknown event types, and a failing token provider.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use serde_json::{json, Value};
use stream_chat_client::ws::{
    Backoff, Connection, ConnectionState, DisconnectReason, InvalidFrame, RealtimeError,
    RealtimeEvent, ReconnectReason,
};
use stream_chat_client::{Client, Event, USER_AGENT_PRODUCT};
use stream_chat_tests::ws::{
    advance, alive_tasks, anonymous_client, assert_quiet, freeze_clock, health_check_json, jack,
    user_client, within, ServerSocket, WsServer,
};
use stream_chat_tests::{refused_url, API_KEY, CLIENT_PREFIX, JACK_TOKEN};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

const MS: Duration = Duration::from_millis(1);

/// Whole seconds. The tests spell out the documented 25 s and 35 s instead of using the
/// crate's constants, so a wrong constant fails them.
fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A backoff that always waits the whole ceiling: 500 ms, 1 s, 2 s, ...
fn full_backoff() -> Backoff {
    Backoff::new().jitter(|ceiling| ceiling)
}

/// Connects `client` as `jack` (with `backoff`) and answers with the hello of `connection_id`.
async fn connect_with(
    server: &WsServer,
    client: &Client,
    connection_id: &str,
) -> (Connection, ServerSocket) {
    let (connection, socket) = tokio::join!(
        within(
            "connect",
            client.realtime(jack()).backoff(full_backoff()).connect()
        ),
        async {
            let mut socket = server.accept().await;
            socket.hello(connection_id).await;
            socket
        }
    );
    (connection.expect("connected"), socket)
}

async fn connect(server: &WsServer, connection_id: &str) -> (Connection, ServerSocket) {
    connect_with(server, &user_client(&server.base_url()), connection_id).await
}

/// The next item of the connection's stream.
async fn next(connection: &mut Connection) -> RealtimeEvent {
    within("the next realtime event", connection.events().next())
        .await
        .expect("the stream goes on")
}

/// The next item, which must be a state change.
async fn next_state(connection: &mut Connection) -> ConnectionState {
    match next(connection).await {
        RealtimeEvent::StateChanged(state) => state,
        other => panic!("expected a state change, got {other:?}"),
    }
}

/// Expects `Reconnecting` and returns its attempt, delay and reason.
async fn expect_reconnecting(connection: &mut Connection) -> (u32, Duration, ReconnectReason) {
    match next_state(connection).await {
        ConnectionState::Reconnecting {
            attempt,
            delay,
            reason,
        } => (attempt, delay, reason),
        other => panic!("expected Reconnecting, got {other:?}"),
    }
}

/// Expects `Connecting`, `Connected` and `Recovered` with `connection_id`.
async fn expect_recovered(connection: &mut Connection, connection_id: &str) {
    assert!(matches!(
        next_state(connection).await,
        ConnectionState::Connecting { .. }
    ));
    match next_state(connection).await {
        ConnectionState::Connected { connection_id: id } => assert_eq!(id, connection_id),
        other => panic!("expected Connected, got {other:?}"),
    }
    match next(connection).await {
        RealtimeEvent::Recovered { connection_id: id } => assert_eq!(id, connection_id),
        other => panic!("expected Recovered, got {other:?}"),
    }
    assert_eq!(connection.connection_id().as_deref(), Some(connection_id));
}

/// A `message.read` event (a type the spec knows) for channel `id`.
fn message_read(id: &str) -> Value {
    json!({
        "type": "message.read",
        "cid": format!("messaging:{id}"),
        "channel_id": id,
        "channel_type": "messaging",
        "last_read_message_id": "msg-1",
        "created_at": "2024-03-05T09:33:00.987654Z"
    })
}

fn failed(reason: &ReconnectReason) -> &RealtimeError {
    match reason {
        ReconnectReason::Failed(error) => error,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn hello_gives_the_connection_id_and_the_user() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let (connection, _socket) = connect(&server, "conn-1").await;

    assert_eq!(connection.connection_id().as_deref(), Some("conn-1"));
    assert!(connection.state().is_connected());
    let user = connection.user();
    assert_eq!(user.id, "jack");
    assert_eq!(user.get("total_unread_count"), Some(&json!(3)));
    assert_eq!(user.raw["favorite_color"], "green");
}

#[tokio::test(start_paused = true)]
async fn hello_without_me_keeps_the_sent_user() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let client = user_client(&server.base_url());
    let (connection, _socket) = tokio::join!(
        within("connect", client.realtime(jack()).connect()),
        async {
            let mut socket = server.accept().await;
            socket.send_json(&health_check_json("conn-9")).await;
            socket
        }
    );
    let connection = connection.expect("connected");
    assert_eq!(connection.connection_id().as_deref(), Some("conn-9"));
    assert_eq!(connection.user().raw, jack());
}

#[tokio::test(start_paused = true)]
async fn connect_request_has_exactly_the_documented_query() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let (mut connection, mut socket) = connect(&server, "conn-1").await;

    let upgrade = &socket.upgrade;
    assert_eq!(upgrade.path, "/connect");
    assert_eq!(
        upgrade.param_names(),
        [
            "json",
            "api_key",
            "authorization",
            "stream-auth-type",
            "X-Stream-Client"
        ]
    );
    assert_eq!(upgrade.param("api_key"), Some(API_KEY));
    assert_eq!(upgrade.param("authorization"), Some(JACK_TOKEN));
    assert_eq!(upgrade.param("stream-auth-type"), Some("jwt"));
    let client_id = upgrade.param("X-Stream-Client").unwrap();
    assert!(client_id.starts_with(CLIENT_PREFIX), "{client_id}");
    assert_eq!(upgrade.headers["x-stream-client"], client_id);
    assert_eq!(upgrade.headers["user-agent"], USER_AGENT_PRODUCT);
    // The token travels in the query only, never as a header.
    assert!(upgrade.headers.get("authorization").is_none());

    let payload = upgrade.payload();
    let first_request_id = payload["client_request_id"].as_str().unwrap().to_owned();
    assert_eq!(first_request_id.len(), 36, "a UUID: {first_request_id}");
    assert_eq!(
        payload,
        json!({
            "user_id": "jack",
            "user_details": jack(),
            "client_request_id": first_request_id,
        })
    );

    // A reconnect on request: the old connection is closed with 1000 and a new one made at
    // once (the clock does not move), with a fresh client_request_id.
    connection.reconnect();
    let close = socket.expect_close().await.expect("a close frame");
    assert_eq!(close.code, CloseCode::Normal);
    let mut second = server.accept().await;
    let (attempt, delay, reason) = expect_reconnecting(&mut connection).await;
    assert_eq!((attempt, delay), (1, Duration::ZERO));
    assert!(matches!(reason, ReconnectReason::Requested));
    let payload = second.upgrade.payload();
    assert_ne!(payload["client_request_id"], first_request_id.as_str());
    assert_eq!(payload["user_details"], jack());
    second.hello("conn-2").await;
    expect_recovered(&mut connection, "conn-2").await;
}

#[tokio::test(start_paused = true)]
async fn anonymous_and_prefixed_base_urls() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let client = anonymous_client(&format!("{}/chat/", server.base_url()));
    let user = json!({"id": "!anon"});
    let (connection, socket) =
        tokio::join!(within("connect", client.realtime(&user).connect()), async {
            let mut socket = server.accept().await;
            socket.hello("anon-1").await;
            socket
        });
    connection.expect("connected");
    let upgrade = &socket.upgrade;
    assert_eq!(upgrade.path, "/chat/connect");
    assert_eq!(
        upgrade.param_names(),
        ["json", "api_key", "stream-auth-type", "X-Stream-Client"]
    );
    assert_eq!(upgrade.param("stream-auth-type"), Some("anonymous"));
    assert_eq!(upgrade.payload()["user_id"], "!anon");
}

#[tokio::test(start_paused = true)]
async fn the_upgrade_carries_the_applications_user_agent() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let client = Client::builder(API_KEY)
        .user_token(JACK_TOKEN)
        .base_url(server.base_url())
        .user_agent_product("chat-app/3.0")
        .build()
        .expect("client");
    let (connection, socket) = tokio::join!(
        within("connect", client.realtime(jack()).connect()),
        async {
            let mut socket = server.accept().await;
            socket.hello("conn-1").await;
            socket
        }
    );
    connection.expect("connected");
    assert_eq!(
        socket.upgrade.headers["user-agent"],
        format!("chat-app/3.0 {USER_AGENT_PRODUCT}")
    );
}

#[tokio::test(start_paused = true)]
async fn events_arrive_in_order_with_unknown_types_and_invalid_frames() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let (mut connection, mut socket) = connect(&server, "conn-1").await;

    let unknown = json!({"type": "party.started", "cid": "messaging:general", "balloons": 99});
    let mut odd = message_read("odd");
    odd["created_at"] = json!("not a date");
    // Objects nested deeper than the client decodes (41 quoted messages).
    let mut message = json!({"id": "m"});
    for _ in 0..40 {
        message = json!({"id": "m", "quoted_message": message});
    }
    let too_deep = json!({"type": "message.new", "message": message});
    socket.send_json(&message_read("one")).await;
    socket.send_json(&unknown).await;
    socket.send_text("{ this is not json").await;
    socket.send(Message::binary(vec![1, 2, 3])).await;
    socket.send_json(&health_check_json("conn-1")).await; // answered, not forwarded
    socket.send_json(&odd).await;
    socket.send_json(&too_deep).await;
    socket.send_json(&message_read("two")).await;

    match next(&mut connection).await {
        RealtimeEvent::Event(event) => {
            assert_eq!(event.event_type(), "message.read");
            assert!(!matches!(event, Event::Unknown(_)), "a typed event");
            assert_eq!(
                serde_json::to_value(&event).unwrap()["cid"],
                "messaging:one"
            );
        }
        other => panic!("expected an event, got {other:?}"),
    }
    // A type the spec does not list: an app's custom event, kept whole and recorded.
    match next(&mut connection).await {
        RealtimeEvent::Event(event @ Event::Custom(_)) => {
            assert_eq!(event.event_type(), "party.started");
            assert_eq!(serde_json::to_value(&event).unwrap(), unknown);
            let kinds: Vec<String> = event.mismatches().iter().map(|m| m.to_string()).collect();
            assert_eq!(
                kinds,
                [
                    "missing at CustomEvent.created_at",
                    r#"unknown_event_type at Event ("party.started")"#
                ]
            );
        }
        other => panic!("expected a custom event, got {other:?}"),
    }
    match next(&mut connection).await {
        RealtimeEvent::InvalidFrame(InvalidFrame::NotJson { excerpt, .. }) => {
            assert_eq!(excerpt, "{ this is not json");
        }
        other => panic!("expected an invalid frame, got {other:?}"),
    }
    match next(&mut connection).await {
        RealtimeEvent::InvalidFrame(InvalidFrame::Binary { len }) => assert_eq!(len, 3),
        other => panic!("expected a binary frame, got {other:?}"),
    }
    // A date that does not parse: the event arrives, and says so.
    match next(&mut connection).await {
        RealtimeEvent::Event(event) => {
            assert_eq!(event.event_type(), "message.read");
            assert_eq!(serde_json::to_value(&event).unwrap(), odd);
            let kinds: Vec<String> = event.mismatches().iter().map(|m| m.to_string()).collect();
            assert_eq!(
                kinds,
                ["wrong_type at MessageReadEvent.created_at (string)"]
            );
        }
        other => panic!("expected an event, got {other:?}"),
    }
    match next(&mut connection).await {
        RealtimeEvent::InvalidFrame(InvalidFrame::Mismatch {
            event_type, raw, ..
        }) => {
            assert_eq!(event_type, "message.new");
            assert_eq!(raw, too_deep);
        }
        other => panic!("expected an undecodable payload, got {other:?}"),
    }
    match next(&mut connection).await {
        RealtimeEvent::Event(event) => {
            assert_eq!(
                serde_json::to_value(&event).unwrap()["cid"],
                "messaging:two"
            );
        }
        other => panic!("expected an event, got {other:?}"),
    }
    // None of it disturbed the connection.
    assert_eq!(connection.connection_id().as_deref(), Some("conn-1"));
    assert_quiet("no more items", connection.events().next()).await;
}

#[tokio::test(start_paused = true)]
async fn health_checks_go_out_25_seconds_after_the_servers() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let (mut connection, mut socket) = connect(&server, "conn-1").await;
    let ping = r#"[{"type":"health.check","client_id":"jack--conn-1"}]"#;

    // 25 s after the hello (itself a health check), not a millisecond earlier.
    advance(secs(25) - MS).await;
    socket.assert_silent("before 25 s").await;
    advance(MS).await;
    assert_eq!(socket.next_text().await, ping);

    // An event is a sign of life but not a health check: no ping 25 s after it. (The event
    // coming out of the stream shows that the client has read it before the clock moves on.)
    advance(secs(5)).await;
    socket.send_json(&message_read("one")).await;
    assert!(matches!(
        next(&mut connection).await,
        RealtimeEvent::Event(_)
    ));
    advance(secs(25)).await;
    socket
        .assert_silent("no health check from the server since the ping")
        .await;

    // The server's health check restarts the 25 s.
    socket.send_json(&health_check_json("conn-1")).await;
    socket.send_json(&message_read("two")).await;
    assert!(matches!(
        next(&mut connection).await,
        RealtimeEvent::Event(_)
    ));
    advance(secs(25) - MS).await;
    socket
        .assert_silent("before 25 s after the server's health check")
        .await;
    advance(MS).await;
    assert_eq!(socket.next_text().await, ping);

    // Still the first connection: the health checks kept it alive.
    assert_eq!(connection.connection_id().as_deref(), Some("conn-1"));
    assert_quiet("no state change", connection.events().next()).await;
}

#[tokio::test(start_paused = true)]
async fn silence_past_35_seconds_reconnects_with_a_new_connection_id() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let (mut connection, mut socket) = connect(&server, "conn-1").await;

    // An event at 10 s counts as a sign of life: the 35 s run from it.
    advance(Duration::from_secs(10)).await;
    socket.send_json(&message_read("one")).await;
    assert!(matches!(
        next(&mut connection).await,
        RealtimeEvent::Event(_)
    ));
    advance(secs(35) - MS).await;
    assert_quiet("still healthy", connection.events().next()).await;
    advance(MS).await;

    let (attempt, delay, reason) = expect_reconnecting(&mut connection).await;
    assert_eq!((attempt, delay), (1, Duration::from_millis(500)));
    assert!(matches!(failed(&reason), RealtimeError::Unhealthy(d) if *d == secs(35)));
    assert_eq!(connection.connection_id(), None);
    // The silent connection was closed: the ping sent at 25 s, then a 1000 close.
    let close = socket.expect_close().await.expect("a close frame");
    assert_eq!(close.code, CloseCode::Normal);

    advance(delay).await;
    let mut second = server.accept().await;
    second.hello("conn-2").await;
    expect_recovered(&mut connection, "conn-2").await;
}

#[tokio::test(start_paused = true)]
async fn an_abrupt_tcp_drop_reconnects_with_backoff() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let (mut connection, socket) = connect(&server, "conn-1").await;

    socket.drop_abruptly();
    let (attempt, delay, reason) = expect_reconnecting(&mut connection).await;
    assert_eq!((attempt, delay), (1, Duration::from_millis(500)));
    assert!(matches!(
        failed(&reason),
        RealtimeError::Transport(_) | RealtimeError::Closed { code: None, .. }
    ));

    // Not before the delay.
    advance(delay - MS).await;
    server
        .assert_no_connection("before the first backoff delay")
        .await;
    advance(MS).await;
    // The second fault: the TCP connection is dropped before the websocket handshake.
    drop(server.accept_tcp().await);
    assert!(matches!(
        next_state(&mut connection).await,
        ConnectionState::Connecting { attempt: 1 }
    ));
    let (attempt, delay, reason) = expect_reconnecting(&mut connection).await;
    assert_eq!((attempt, delay), (2, Duration::from_secs(1)), "doubled");
    assert!(matches!(failed(&reason), RealtimeError::Transport(_)));

    advance(delay - MS).await;
    server
        .assert_no_connection("before the second backoff delay")
        .await;
    advance(MS).await;
    let mut third = server.accept().await;
    third.hello("conn-2").await;
    expect_recovered(&mut connection, "conn-2").await;

    // The backoff starts over after a success.
    third.drop_abruptly();
    let (attempt, delay, _) = expect_reconnecting(&mut connection).await;
    assert_eq!((attempt, delay), (1, Duration::from_millis(500)));
}

#[tokio::test(start_paused = true)]
async fn a_server_close_without_an_error_reconnects() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let (mut connection, mut socket) = connect(&server, "conn-1").await;

    for (code, next_id) in [(CloseCode::Normal, "conn-2"), (CloseCode::Error, "conn-3")] {
        socket.close(code, "going away").await;
        // The close handshake: the client answers with the same code.
        let reply = socket.expect_close().await.expect("a close frame");
        assert_eq!(reply.code, code);
        let (_, delay, reason) = expect_reconnecting(&mut connection).await;
        match failed(&reason) {
            RealtimeError::Closed {
                code: Some(seen),
                reason,
            } => {
                assert_eq!(*seen, u16::from(code));
                assert_eq!(reason, "going away");
            }
            other => panic!("expected Closed, got {other:?}"),
        }
        advance(delay).await;
        socket = server.accept().await;
        socket.hello(next_id).await;
        expect_recovered(&mut connection, next_id).await;
    }
}

#[tokio::test(start_paused = true)]
async fn an_error_answer_fails_connect_and_is_not_retried() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let client = user_client(&server.base_url());
    let (result, mut socket) = tokio::join!(
        within("connect", client.realtime(jack()).connect()),
        async {
            let mut socket = server.accept().await;
            socket.refuse(5, 401, "invalid signature").await;
            socket
        }
    );
    let error = result.expect_err("refused");
    assert!(!error.is_transient(), "the precondition failure");
    // The client read the 1000 close that follows the error, and answered it.
    let reply = socket.expect_close().await.expect("a close frame");
    assert_eq!(reply.code, CloseCode::Normal);
    let api = error.api_error().expect("the server's error");
    assert_eq!((api.code, api.status_code), (5, 401));
    assert_eq!(api.message, "invalid signature");
    assert!(!error.is_token_expired());
    // Converts into the crate's error with `?`, keeping the API error.
    let error = stream_chat_client::Error::from(error);
    assert_eq!(error.api_error().map(|e| e.code), Some(5));

    advance(Duration::from_secs(60)).await;
    server.assert_no_connection("no retry").await;
    assert_eq!(alive_tasks(), 0, "no background task");
}

#[tokio::test(start_paused = true)]
async fn an_error_answer_on_reconnect_ends_the_connection() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let (mut connection, socket) = connect(&server, "conn-1").await;

    socket.drop_abruptly();
    let (_, delay, _) = expect_reconnecting(&mut connection).await;
    advance(delay).await;
    let mut second = server.accept().await;
    second.refuse(17, 403, "user was deleted").await;

    assert!(matches!(
        next_state(&mut connection).await,
        ConnectionState::Connecting { .. }
    ));
    match next_state(&mut connection).await {
        ConnectionState::Disconnected {
            reason: DisconnectReason::Failed(error),
        } => assert_eq!(error.api_error().map(|e| e.code), Some(17)),
        other => panic!("expected Disconnected, got {other:?}"),
    }
    assert!(within("end of stream", connection.events().next())
        .await
        .is_none());
    advance(Duration::from_secs(60)).await;
    server.assert_no_connection("no retry").await;
    assert_eq!(alive_tasks(), 0, "the task ended");
}

#[tokio::test(start_paused = true)]
async fn an_expired_token_without_a_provider_is_surfaced() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;

    // At connect.
    let client = user_client(&server.base_url());
    let (result, _socket) = tokio::join!(
        within("connect", client.realtime(jack()).connect()),
        async {
            let mut socket = server.accept().await;
            socket
                .refuse(40, 401, "JWTAuth error: token has expired")
                .await;
            socket
        }
    );
    assert!(result.expect_err("expired").is_token_expired());

    // On an open connection.
    let (mut connection, mut socket) = connect(&server, "conn-1").await;
    socket
        .refuse(40, 401, "JWTAuth error: token has expired")
        .await;
    match next_state(&mut connection).await {
        ConnectionState::Disconnected {
            reason: DisconnectReason::Failed(error),
        } => assert!(error.is_token_expired()),
        other => panic!("expected Disconnected, got {other:?}"),
    }
    server.assert_no_connection("no retry").await;
}

/// A token provider that hands out `fresh-1`, `fresh-2`, ... and counts its calls.
fn counting_provider(
    calls: &Arc<AtomicUsize>,
) -> impl Fn() -> std::future::Ready<Result<String, std::io::Error>> + Send + Sync + 'static {
    let calls = Arc::clone(calls);
    move || {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        std::future::ready(Ok(format!("fresh-{n}")))
    }
}

#[tokio::test(start_paused = true)]
async fn an_expired_token_with_a_provider_is_refreshed_and_reconnects_at_once() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let client = user_client(&server.base_url());
    let calls = Arc::new(AtomicUsize::new(0));

    // At connect: refused with code 40, a new token, a second attempt with it.
    let connecting = client
        .realtime(jack())
        .token_provider(counting_provider(&calls))
        .backoff(full_backoff())
        .connect();
    let (connection, mut socket) = tokio::join!(within("connect", connecting), async {
        let mut first = server.accept().await;
        assert_eq!(first.upgrade.param("authorization"), Some(JACK_TOKEN));
        first
            .refuse(40, 401, "JWTAuth error: token has expired")
            .await;
        let mut second = server.accept().await;
        assert_eq!(second.upgrade.param("authorization"), Some("fresh-1"));
        second.hello("conn-1").await;
        second
    });
    let mut connection = connection.expect("connected with the new token");
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // On an open connection: at once, without a backoff wait (the clock stays put).
    socket
        .refuse(40, 401, "JWTAuth error: token has expired")
        .await;
    let (attempt, delay, reason) = expect_reconnecting(&mut connection).await;
    assert_eq!((attempt, delay), (1, Duration::ZERO));
    assert!(matches!(reason, ReconnectReason::TokenExpired(ref e) if e.is_token_expired()));
    let mut second = server.accept().await;
    assert_eq!(second.upgrade.param("authorization"), Some("fresh-2"));

    // The new token is refused too: back off before asking again, rather than spin.
    second
        .refuse(40, 401, "JWTAuth error: token has expired")
        .await;
    assert!(matches!(
        next_state(&mut connection).await,
        ConnectionState::Connecting { attempt: 1 }
    ));
    let (attempt, delay, _) = expect_reconnecting(&mut connection).await;
    assert_eq!((attempt, delay), (2, Duration::from_secs(1)));
    advance(delay - MS).await;
    server.assert_no_connection("backing off").await;
    advance(MS).await;
    let mut third = server.accept().await;
    assert_eq!(third.upgrade.param("authorization"), Some("fresh-3"));
    third.hello("conn-2").await;
    expect_recovered(&mut connection, "conn-2").await;
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn a_failing_token_provider_is_retried_with_backoff() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let client = user_client(&server.base_url());
    let calls = Arc::new(AtomicUsize::new(0));
    let provider = {
        let calls = Arc::clone(&calls);
        move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                if n == 1 {
                    Err(std::io::Error::other("token backend down"))
                } else {
                    Ok(format!("fresh-{n}"))
                }
            }
        }
    };
    let (connection, mut socket) = tokio::join!(
        within(
            "connect",
            client
                .realtime(jack())
                .token_provider(provider)
                .backoff(full_backoff())
                .connect()
        ),
        async {
            let mut socket = server.accept().await;
            socket.hello("conn-1").await;
            socket
        }
    );
    let mut connection = connection.expect("connected");

    socket
        .refuse(40, 401, "JWTAuth error: token has expired")
        .await;
    let (_, delay, _) = expect_reconnecting(&mut connection).await;
    assert_eq!(delay, Duration::ZERO);
    assert!(matches!(
        next_state(&mut connection).await,
        ConnectionState::Connecting { attempt: 1 }
    ));
    let (attempt, delay, reason) = expect_reconnecting(&mut connection).await;
    assert_eq!((attempt, delay), (2, Duration::from_secs(1)));
    let error = failed(&reason);
    assert!(matches!(error, RealtimeError::TokenProvider(_)));
    assert!(error.to_string().contains("token backend down"), "{error}");
    server
        .assert_no_connection("no connection without a token")
        .await;

    advance(delay).await;
    let mut second = server.accept().await;
    assert_eq!(second.upgrade.param("authorization"), Some("fresh-2"));
    second.hello("conn-2").await;
    expect_recovered(&mut connection, "conn-2").await;
}

#[tokio::test(start_paused = true)]
async fn disconnect_closes_with_1000_and_leaves_no_task() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let before = alive_tasks();
    let (mut connection, mut socket) = connect(&server, "conn-1").await;
    assert_eq!(alive_tasks(), before + 1, "one background task");

    let ((), close) = tokio::join!(
        within("disconnect", connection.disconnect()),
        socket.expect_close()
    );
    assert_eq!(close.expect("a close frame").code, CloseCode::Normal);
    assert!(socket.is_closed().await, "the socket is closed");
    assert_eq!(alive_tasks(), before, "the task ended");

    match next_state(&mut connection).await {
        ConnectionState::Disconnected {
            reason: DisconnectReason::Requested,
        } => {}
        other => panic!("expected Disconnected, got {other:?}"),
    }
    assert!(
        within("end of stream", connection.events().next())
            .await
            .is_none(),
        "the stream ended"
    );
    assert_eq!(connection.connection_id(), None);
    connection.reconnect(); // nothing to reconnect: no effect
    advance(Duration::from_secs(60)).await;
    server
        .assert_no_connection("no reconnect after disconnect")
        .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_the_connection_closes_it_with_1000() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let before = alive_tasks();
    let (connection, mut socket) = connect(&server, "conn-1").await;

    drop(connection);
    let close = socket.expect_close().await.expect("a close frame");
    assert_eq!(close.code, CloseCode::Normal);
    assert!(socket.is_closed().await, "the socket is closed");
    within("the task ends", async {
        while alive_tasks() > before {
            tokio::task::yield_now().await;
        }
    })
    .await;
    advance(Duration::from_secs(60)).await;
    server.assert_no_connection("no reconnect after drop").await;
}

#[tokio::test(start_paused = true)]
async fn disconnect_while_backing_off_stops_the_task() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let before = alive_tasks();
    let (mut connection, socket) = connect(&server, "conn-1").await;
    socket.drop_abruptly();
    expect_reconnecting(&mut connection).await;

    within("disconnect", connection.disconnect()).await;
    assert_eq!(alive_tasks(), before);
    assert!(matches!(
        next_state(&mut connection).await,
        ConnectionState::Disconnected {
            reason: DisconnectReason::Requested
        }
    ));
    assert!(within("end of stream", connection.events().next())
        .await
        .is_none());
    advance(Duration::from_secs(60)).await;
    server.assert_no_connection("no reconnect").await;
}

#[tokio::test(start_paused = true)]
async fn refused_upgrades_and_connections_fail_connect() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let client = user_client(&server.base_url());

    let body = r#"{"code":2,"message":"bad request"}"#;
    let (result, upgrade) = tokio::join!(
        within("connect", client.realtime(jack()).connect()),
        server.refuse_upgrade(400, body)
    );
    assert_eq!(upgrade.path, "/connect");
    match result.expect_err("refused") {
        RealtimeError::Handshake { status, body: seen } => {
            assert_eq!(status, 400);
            assert_eq!(seen, body);
        }
        other => panic!("expected Handshake, got {other:?}"),
    }
    // A 4xx refusal is final: no second attempt, whatever the clock does.
    advance(Duration::from_secs(60)).await;
    server.assert_no_connection("no retry after a 4xx").await;

    // Without retries, a refused TCP connection fails at once, as a transient error.
    let nowhere = user_client(&refused_url());
    let error = within(
        "refused",
        nowhere.realtime(jack()).connect_attempts(1).connect(),
    )
    .await
    .expect_err("nothing listens");
    assert!(matches!(error, RealtimeError::Transport(_)), "{error:?}");
    assert!(error.is_transient());
}

/// `connect` as `jack` with the full-ceiling backoff and up to `attempts` attempts.
async fn connect_retrying(client: &Client, attempts: u32) -> Result<Connection, RealtimeError> {
    client
        .realtime(jack())
        .backoff(full_backoff())
        .connect_attempts(attempts)
        .connect()
        .await
}

/// Waits until the client sleeps (the failure reached it: a frame or a refusal on loopback
/// takes microseconds), then moves the clock to just before `delay` and to it, checking that
/// the next attempt comes exactly then.
async fn backoff_wait(server: &WsServer, delay: Duration, what: &str) {
    server.assert_no_connection(what).await;
    advance(delay - MS).await;
    server.assert_no_connection(what).await;
    advance(MS).await;
}

#[tokio::test(start_paused = true)]
async fn connect_retries_transient_failures_with_the_backoff() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let client = user_client(&server.base_url());
    let connecting = connect_retrying(&client, 5);

    let script = async {
        // 1: the upgrade answered 503.
        server.refuse_upgrade(503, "overloaded").await;
        backoff_wait(&server, Duration::from_millis(500), "after a 503").await;
        // 2: a close without an error message (1011), which the client answers.
        let mut second = server.accept().await;
        second.close(CloseCode::Error, "internal error").await;
        let reply = second.expect_close().await.expect("the close is answered");
        assert_eq!(reply.code, CloseCode::Error);
        backoff_wait(&server, secs(1), "after a close").await;
        // 3: the TCP connection dropped before the handshake.
        drop(server.accept_tcp().await);
        backoff_wait(&server, secs(2), "after a dropped connection").await;
        // 4: no hello for 35 s.
        let silent = server.accept().await;
        advance(secs(35)).await;
        backoff_wait(&server, secs(4), "after silence").await;
        drop(silent);
        // 5: the hello.
        let mut fifth = server.accept().await;
        fifth.hello("conn-5").await;
        fifth
    };
    let (connection, _socket) = tokio::join!(within("connect", connecting), script);
    let connection = connection.expect("connected on the fifth attempt");
    assert_eq!(connection.connection_id().as_deref(), Some("conn-5"));
}

#[tokio::test(start_paused = true)]
async fn connect_gives_up_after_its_attempts() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let client = user_client(&server.base_url());
    let connecting = connect_retrying(&client, 2);
    let script = async {
        server.refuse_upgrade(502, "bad gateway").await;
        server.assert_no_connection("backing off").await;
        advance(Duration::from_millis(500)).await;
        server.refuse_upgrade(502, "bad gateway").await;
    };
    let (result, ()) = tokio::join!(within("connect", connecting), script);
    let error = result.expect_err("two 502s");
    assert_eq!(error.status(), Some(502));
    advance(Duration::from_secs(60)).await;
    server.assert_no_connection("no third attempt").await;
}

#[tokio::test(start_paused = true)]
async fn a_refused_tcp_connection_is_retried_until_the_server_listens() {
    let _clock = freeze_clock();
    let url = refused_url();
    let client = user_client(&url);
    let connecting = client.realtime(jack()).backoff(full_backoff()).connect();
    let script = async {
        // The first attempt is refused; the client then waits 500 ms (virtual) to retry.
        assert_quiet("refused", std::future::pending::<()>()).await;
        let server = WsServer::start_at(url.trim_start_matches("http://")).await;
        advance(Duration::from_millis(500)).await;
        let mut socket = server.accept().await;
        socket.hello("conn-1").await;
        socket
    };
    let (connection, _socket) = tokio::join!(within("connect", connecting), script);
    assert_eq!(
        connection.expect("connected").connection_id().as_deref(),
        Some("conn-1")
    );
}

#[tokio::test(start_paused = true)]
async fn a_missing_or_malformed_hello_fails_connect() {
    let _clock = freeze_clock();
    let server = WsServer::start().await;
    let client = user_client(&server.base_url());

    // No hello within 35 s (transient: `connect` would retry it with more attempts).
    let (result, _socket) = tokio::join!(
        within(
            "connect",
            client.realtime(jack()).connect_attempts(1).connect()
        ),
        async {
            let socket = server.accept().await;
            advance(secs(35)).await;
            socket
        }
    );
    assert!(
        matches!(result, Err(RealtimeError::Unhealthy(_))),
        "{result:?}"
    );

    // A health check without a connection id, and an event instead of the hello.
    for first in [
        json!({"type": "health.check", "me": {"id": "jack"}}),
        message_read("general"),
    ] {
        let (result, _socket) = tokio::join!(
            within("connect", client.realtime(jack()).connect()),
            async {
                let mut socket = server.accept().await;
                socket.send_json(&first).await;
                socket
            }
        );
        assert!(
            matches!(result, Err(RealtimeError::InvalidHello { .. })),
            "{first}: {result:?}"
        );
    }

    // A server-side client and a user without an id never connect.
    let server_side = stream_chat_tests::server_client(&server.base_url());
    let error = server_side.realtime(jack()).connect().await.unwrap_err();
    assert!(matches!(error, RealtimeError::Config(_)), "{error:?}");
    let error = client
        .realtime(json!({"name": "no id"}))
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(error, RealtimeError::Config(_)), "{error:?}");
    server.assert_no_connection("no attempt").await;
}
