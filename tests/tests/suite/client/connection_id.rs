//! The real-time connection's ID in REST calls: a client bound to a connection
//! (`Client::with_connection`, `Connection::client`) sends the connection's current ID to the
//! operations that take one (`QueryChannels`, `StopWatchingChannel`, ...), and no other; a
//! call's own `.connection_id(..)` wins; a call made while the connection reconnects waits for
//! the new ID, up to its timeout; a closed connection fails the call before anything is sent.
//!
//! The websocket is `WsServer` on tokio's paused, frozen clock; the REST calls go to a
//! `RecordingServer` (another port: `with_connection` binds any client), except the last test,
//! which watches a channel of the fake Stream server with `Connection::client`.

use std::time::Duration;

use futures_util::StreamExt as _;
use serde_json::json;
use stream_chat_client::models::{
    ChannelGetOrCreateRequest, ChannelStopWatchingRequest, MarkChannelsReadRequest,
    QueryChannelsRequest,
};
use stream_chat_client::ws::{Backoff, Connection, ConnectionState, RealtimeEvent};
use stream_chat_client::{operations, Client, Error};
use stream_chat_tests::fake_stream::FakeStream;
use stream_chat_tests::ws::{
    advance, freeze_clock, jack, user_client, within, ServerSocket, WsServer,
};
use stream_chat_tests::{Prepared, RecordingServer};

/// Connects `jack` to `server` and answers with the hello of `connection_id`.
async fn connect(server: &WsServer, connection_id: &str) -> (Connection, ServerSocket) {
    let client = user_client(&server.base_url());
    let (connection, socket) = tokio::join!(
        within(
            "connect",
            client
                .realtime(jack())
                .backoff(Backoff::new().jitter(|ceiling| ceiling))
                .connect()
        ),
        async {
            let mut socket = server.accept().await;
            socket.hello(connection_id).await;
            socket
        }
    );
    (connection.expect("connected"), socket)
}

/// Waits for the connection to report that it is reconnecting.
async fn until_reconnecting(connection: &mut Connection) {
    loop {
        match within("the next realtime event", connection.events().next()).await {
            Some(RealtimeEvent::StateChanged(ConnectionState::Reconnecting { .. })) => return,
            Some(_) => {}
            None => panic!("the connection ended"),
        }
    }
}

fn channels_page() -> Prepared {
    Prepared::json(201, json!({"channels": [], "duration": "0.50ms"}))
}

fn done() -> Prepared {
    Prepared::json(201, json!({"duration": "0.50ms"}))
}

/// The values of the `connection_id` query parameter of each request the server received.
fn connection_ids(server: &RecordingServer) -> Vec<Option<String>> {
    server
        .take_requests()
        .iter()
        .map(|request| {
            let ids: Vec<&str> = request
                .query_pairs()
                .into_iter()
                .filter(|(name, _)| *name == "connection_id")
                .map(|(_, value)| value)
                .collect();
            assert!(ids.len() <= 1, "one connection_id at most: {ids:?}");
            ids.first().map(|id| (*id).to_owned())
        })
        .collect()
}

#[test]
fn the_operation_table_says_which_operations_take_the_connection_id() {
    let taking: Vec<&str> = operations::ALL
        .iter()
        .filter(|operation| operation.connection_id_param.is_some())
        .map(|operation| operation.name)
        .collect();
    for name in [
        "QueryChannels",
        "GroupedQueryChannels",
        "GetOrCreateChannel",
        "GetOrCreateDistinctChannel",
        "StopWatchingChannel",
        "QueryThreads",
        "GetThread",
    ] {
        assert!(taking.contains(&name), "{name} takes a connection ID");
    }
    assert_eq!(
        operations::QUERY_CHANNELS.connection_id_param,
        Some("connection_id")
    );
    assert!(operations::STOP_WATCHING_CHANNEL.client_side_only);
    assert!(!operations::QUERY_CHANNELS.client_side_only);
    assert!(!operations::SEND_MESSAGE.client_side_only);
    assert_eq!(operations::SEND_MESSAGE.connection_id_param, None);
}

#[tokio::test(start_paused = true)]
async fn a_bound_client_sends_the_connection_id_where_it_is_taken() {
    let _clock = freeze_clock();
    let ws = WsServer::start().await;
    let (connection, _socket) = connect(&ws, "conn-1").await;
    let rest = RecordingServer::with([channels_page(), done(), done(), channels_page()]).await;
    let unbound = user_client(&rest.url());
    let bound = unbound.with_connection(&connection);

    let body = QueryChannelsRequest::default().watch(true).presence(true);
    within("query", bound.query_channels(&body))
        .await
        .expect("query");
    within(
        "stop watching",
        bound.stop_watching_channel(
            "messaging",
            "general",
            &ChannelStopWatchingRequest::default(),
        ),
    )
    .await
    .expect("stop watching");
    within(
        "mark read",
        bound.mark_channels_read(&MarkChannelsReadRequest::default()),
    )
    .await
    .expect("mark read");
    within("unbound query", unbound.query_channels(&body))
        .await
        .expect("unbound query");

    assert_eq!(
        connection_ids(&rest),
        [Some("conn-1".to_owned()), Some("conn-1".to_owned()), None, None],
        "the query and stop-watching of the bound client name the connection; its other calls and the unbound client send none"
    );
}

#[tokio::test(start_paused = true)]
async fn the_body_of_a_watching_query_goes_out_as_set() {
    let _clock = freeze_clock();
    let ws = WsServer::start().await;
    let (connection, _socket) = connect(&ws, "conn-1").await;
    let rest = RecordingServer::with([Prepared::json(
        201,
        json!({"channels": [], "duration": "1ms"}),
    )])
    .await;
    let bound = user_client(&rest.url()).with_connection(&connection);

    let body = QueryChannelsRequest::default().watch(true).presence(true);
    within("query", bound.query_channels(&body))
        .await
        .expect("query");

    let request = rest.single_request();
    assert_eq!(request.path, "/channels");
    assert_eq!(request.json(), json!({"watch": true, "presence": true}));
    let pairs = request.query_pairs();
    assert_eq!(pairs.first(), Some(&("api_key", "key")));
    assert_eq!(pairs.last(), Some(&("connection_id", "conn-1")));
}

#[tokio::test(start_paused = true)]
async fn after_a_reconnect_calls_send_the_new_id() {
    let _clock = freeze_clock();
    let ws = WsServer::start().await;
    let (mut connection, socket) = connect(&ws, "conn-1").await;
    let rest = RecordingServer::with([channels_page(), channels_page()]).await;
    let bound = user_client(&rest.url()).with_connection(&connection);
    let body = QueryChannelsRequest::default().watch(true);

    within("before", bound.query_channels(&body))
        .await
        .expect("before");
    socket.drop_abruptly();
    until_reconnecting(&mut connection).await;

    // The call waits for the new connection instead of naming the lost one.
    let (result, _socket) = tokio::join!(within("during", bound.query_channels(&body)), async {
        advance(Duration::from_secs(1)).await; // the first backoff delay: 500 ms
        let mut socket = ws.accept().await;
        socket.hello("conn-2").await;
        socket
    });
    result.expect("after the reconnect");

    assert_eq!(
        connection_ids(&rest),
        [Some("conn-1".to_owned()), Some("conn-2".to_owned())]
    );
    assert_eq!(connection.connection_id().as_deref(), Some("conn-2"));
}

#[tokio::test(start_paused = true)]
async fn a_call_waits_no_longer_than_its_timeout_for_a_reconnect() {
    let _clock = freeze_clock();
    let ws = WsServer::start().await;
    let (mut connection, socket) = connect(&ws, "conn-1").await;
    let rest = RecordingServer::with([channels_page()]).await;
    let bound = user_client(&rest.url()).with_connection(&connection);
    socket.drop_abruptly();
    until_reconnecting(&mut connection).await;

    let call = bound
        .query_channels(&QueryChannelsRequest::default())
        .timeout(Duration::from_secs(2));
    let (result, ()) = tokio::join!(within("the call", call), async {
        advance(Duration::from_millis(2100)).await;
    });

    match result {
        Err(
            ref error @ Error::NotConnected {
                operation,
                closed,
                waited,
            },
        ) => {
            assert_eq!(
                (operation, closed, waited),
                ("QueryChannels", false, Duration::from_secs(2))
            );
            assert_eq!(error.kind(), "not_connected");
            assert_eq!(error.operation(), Some("QueryChannels"));
        }
        other => panic!("expected NotConnected, got {other:?}"),
    }
    assert!(rest.requests().is_empty(), "nothing was sent");
}

#[tokio::test(start_paused = true)]
async fn a_closed_connection_fails_the_call_before_it_is_sent() {
    let _clock = freeze_clock();
    let ws = WsServer::start().await;
    let (mut connection, mut socket) = connect(&ws, "conn-1").await;
    let rest = RecordingServer::with([channels_page(), done()]).await;
    let bound = user_client(&rest.url()).with_connection(&connection);

    let ((), _) = tokio::join!(connection.disconnect(), socket.expect_close());
    let result = within(
        "the call",
        bound.query_channels(&QueryChannelsRequest::default()),
    )
    .await;
    assert!(
        matches!(result, Err(Error::NotConnected { closed: true, .. })),
        "{result:?}"
    );
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("is closed") && message.contains("nothing was sent"),
        "{message}"
    );

    // Operations that take no connection ID still work.
    within(
        "mark read",
        bound.mark_channels_read(&MarkChannelsReadRequest::default()),
    )
    .await
    .expect("mark read");
    assert_eq!(rest.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_call_s_own_connection_id_wins() {
    let _clock = freeze_clock();
    let ws = WsServer::start().await;
    let (connection, _socket) = connect(&ws, "conn-1").await;
    let rest = RecordingServer::with([channels_page(), channels_page()]).await;
    let unbound = user_client(&rest.url());
    let bound = unbound.with_connection(&connection);
    let body = QueryChannelsRequest::default().watch(true);

    within("bound", bound.query_channels(&body).connection_id("mine"))
        .await
        .expect("bound");
    within(
        "unbound",
        unbound.query_channels(&body).connection_id("by-hand"),
    )
    .await
    .expect("unbound");

    assert_eq!(
        connection_ids(&rest),
        [Some("mine".to_owned()), Some("by-hand".to_owned())]
    );
}

#[tokio::test]
async fn a_connection_id_for_an_operation_that_takes_none_is_refused() {
    let rest = RecordingServer::with([done()]).await;
    let client = user_client(&rest.url());

    let result = client
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .connection_id("conn-1")
        .await;

    match result {
        Err(Error::Encode {
            operation, message, ..
        }) => {
            assert_eq!(operation, "MarkChannelsRead");
            assert!(message.contains("no real-time connection ID"), "{message}");
        }
        other => panic!("expected an encode error, got {other:?}"),
    }
    assert!(rest.requests().is_empty(), "nothing was sent");
}

/// A fake Stream server, a client of `jack`, and `jack`'s connection to it.
async fn jack_on_fake_stream() -> (FakeStream, Client, Connection) {
    let server = FakeStream::start().await;
    let client = Client::builder(server.api_key())
        .user_token(server.user_token("jack"))
        .base_url(server.url())
        .build()
        .expect("client");
    let connection = within("connect", client.realtime(jack()).connect())
        .await
        .expect("connected");
    (server, client, connection)
}

#[tokio::test]
async fn a_bound_client_debugs_its_connection() {
    let (_server, client, connection) = jack_on_fake_stream().await;

    let unbound = format!("{client:?}");
    let bound = format!("{:?}", connection.client());
    assert!(unbound.contains("connection: None"), "{unbound}");
    assert!(
        bound.contains("connection: Some(Bound(Connected { connection_id:"),
        "{bound}"
    );
}

#[tokio::test]
async fn connection_client_watches_a_channel_of_the_fake_server() {
    let (server, _client, connection) = jack_on_fake_stream().await;
    let id = connection.connection_id().expect("connected");

    let watching = connection.client();
    let body = ChannelGetOrCreateRequest::default().watch(true);
    within(
        "watch",
        watching.get_or_create_channel("messaging", "general", &body),
    )
    .await
    .expect("watch");
    assert_eq!(server.watching_connections("messaging:general"), [id]);

    within(
        "stop watching",
        watching.stop_watching_channel(
            "messaging",
            "general",
            &ChannelStopWatchingRequest::default(),
        ),
    )
    .await
    .expect("stop watching");
    assert!(server.watching_connections("messaging:general").is_empty());
}
