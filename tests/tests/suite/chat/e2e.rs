//! The generated client as a chat app, end to end (issue 17): typed REST calls and the realtime
//! `Connection` (feature `ws`) against the fake Stream server (`src/fake_stream/`) on
//! 127.0.0.1, no hand-written JSON on the client side.
//!
//! - `a_chat_app_end_to_end`: the scenario. Alice connects and watches
//!   `messaging:general` through a client bound to her connection; Bob (REST only) sends a
//!   message and typing events: Alice's stream yields `MessageNew`, `TypingStart` and
//!   `TypingStop`; Bob adds her to `messaging:side`: `NotificationAddedToChannel`; she stops
//!   watching general: its typing events no longer reach her, and its messages, like those of
//!   side, arrive as `NotificationMessageNew`.
//! - `watching_follows_the_connection_across_reconnects`: the bound client sends the current
//!   connection ID after the server closed the connection and the client reconnected; a call
//!   can still name a connection ID by hand.
//!
//! Every step asserts the typed payloads (channel, message text, user IDs, counts) and the
//! server's view (watchers, members, messages). Waits are bounded (`ws::within`: 20 s of real
//! time, then a failure naming what was awaited); "no more events" is a quiet window
//! (`ws::assert_quiet`, 150 ms). No timing is asserted.

use stream_chat_client::models::{
    ChannelGetOrCreateRequest, ChannelInput, ChannelStopWatchingRequest,
};
use stream_chat_client::{Error, Event};
use stream_chat_tests::chat_app::{
    add_members, assert_no_event, connect, members, next_event, open_channel, recovered,
    send_event, send_message, split, user_id,
};
use stream_chat_tests::fake_stream::FakeStream;
use stream_chat_tests::ws::within;

const GENERAL: &str = "messaging:general";
const SIDE: &str = "messaging:side";

#[tokio::test]
async fn a_chat_app_end_to_end() {
    let server = FakeStream::start().await;
    let alice = server.user_client("alice");
    let bob = server.user_client("bob");

    // Alice connects (which creates her user), then creates messaging:general with Bob and
    // watches it through a client bound to her connection.
    let mut connection = connect(&alice, "alice", "Alice").await;
    let connection_id = connection.connection_id().expect("connected");
    server.upsert_user(serde_json::json!({"id": "bob", "name": "Bob"}));
    let watching = connection.client();
    let state = open_channel(&watching, GENERAL, &["alice", "bob"], true).await;
    let channel = state.channel.as_ref().expect("the channel");
    assert_eq!(
        (channel.cid.as_str(), channel.type_.as_str()),
        (GENERAL, "messaging")
    );
    let member_ids: Vec<_> = state
        .members
        .iter()
        .filter_map(|m| m.user_id.as_deref())
        .collect();
    assert_eq!(member_ids, ["alice", "bob"]);
    assert_eq!(state.watcher_count, Some(1));
    assert_eq!(server.watchers(GENERAL), ["alice"]);
    assert_eq!(server.watching_connections(GENERAL), [connection_id]);
    assert_no_event(&mut connection, "nothing for one's own watching").await;

    // Bob sends a message: Alice's stream yields a typed MessageNew.
    let message_id = send_message(&bob, GENERAL, "Hello, Alice").await;
    let Event::MessageNew(new) = next_event(&mut connection, "message.new").await else {
        panic!("expected message.new");
    };
    assert_eq!(new.cid.as_deref(), Some(GENERAL));
    assert_eq!(
        (new.channel_type.as_deref(), new.channel_id.as_deref()),
        (Some("messaging"), Some("general"))
    );
    assert_eq!(new.message_id, message_id);
    assert_eq!(
        (new.message.id.as_str(), new.message.text.as_str()),
        (message_id.as_str(), "Hello, Alice")
    );
    assert_eq!(new.message.user.id, "bob");
    assert_eq!(new.message.user.name.as_deref(), Some("Bob"));
    assert_eq!(new.message.cid, GENERAL);
    assert_eq!(user_id(&new.user), Some("bob"));
    assert_eq!(
        (new.watcher_count, new.unread_count, new.total_unread_count),
        (1, Some(1), Some(1))
    );

    // Bob types: TypingStart, then TypingStop, each with his user.
    send_event(&bob, GENERAL, "typing.start").await;
    let Event::TypingStart(typing) = next_event(&mut connection, "typing.start").await else {
        panic!("expected typing.start");
    };
    assert_eq!(typing.cid.as_deref(), Some(GENERAL));
    assert_eq!(user_id(&typing.user), Some("bob"));
    assert_eq!(
        typing.user.as_ref().and_then(|u| u.name.as_deref()),
        Some("Bob")
    );
    send_event(&bob, GENERAL, "typing.stop").await;
    let Event::TypingStop(stopped) = next_event(&mut connection, "typing.stop").await else {
        panic!("expected typing.stop");
    };
    assert_eq!(
        (stopped.cid.as_deref(), user_id(&stopped.user)),
        (Some(GENERAL), Some("bob"))
    );

    // Bob makes messaging:side alone (nothing for Alice), then adds her: she is notified.
    open_channel(&bob, SIDE, &["bob"], false).await;
    assert_no_event(&mut connection, "not a member of side yet").await;
    add_members(&bob, SIDE, &["alice"]).await;
    let Event::NotificationAddedToChannel(added) =
        next_event(&mut connection, "notification.added_to_channel").await
    else {
        panic!("expected notification.added_to_channel");
    };
    assert_eq!(added.cid.as_deref(), Some(SIDE));
    assert_eq!(added.channel.cid, SIDE);
    assert_eq!(added.member.user_id.as_deref(), Some("alice"));
    assert_eq!(server.members(SIDE), ["bob", "alice"]);

    // Alice stops watching general: its typing events no longer reach her.
    within(
        "StopWatchingChannel",
        watching.stop_watching_channel(
            "messaging",
            "general",
            &ChannelStopWatchingRequest::default(),
        ),
    )
    .await
    .expect("Alice stops watching");
    assert!(server.watchers(GENERAL).is_empty());
    send_event(&bob, GENERAL, "typing.start").await;
    assert_no_event(&mut connection, "no channel events after stop-watching").await;

    // A message in side, where she is a member but does not watch, is a notification.
    let side_message = send_message(&bob, SIDE, "Over here").await;
    let Event::NotificationMessageNew(note) =
        next_event(&mut connection, "notification.message_new").await
    else {
        panic!("expected notification.message_new");
    };
    assert_eq!(
        (note.cid.as_deref(), note.channel.cid.as_str()),
        (Some(SIDE), SIDE)
    );
    assert_eq!(note.message_id, side_message);
    assert_eq!(
        (note.message.text.as_str(), note.message.user.id.as_str()),
        ("Over here", "bob")
    );
    assert_eq!(
        (
            note.watcher_count,
            note.unread_count,
            note.total_unread_count
        ),
        (0, Some(1), Some(2))
    );

    // So is one in general, now that she does not watch it.
    let general_message = send_message(&bob, GENERAL, "Still there?").await;
    let Event::NotificationMessageNew(note) =
        next_event(&mut connection, "notification.message_new of general").await
    else {
        panic!("expected notification.message_new");
    };
    assert_eq!(
        (note.cid.as_deref(), note.message_id.as_str()),
        (Some(GENERAL), general_message.as_str())
    );
    assert_eq!(note.message.text, "Still there?");
    assert_no_event(&mut connection, "nothing else").await;

    connection.disconnect().await;
    within("the connection ends", server.wait_for_connections(0)).await;
}

#[tokio::test]
async fn watching_follows_the_connection_across_reconnects() {
    let server = FakeStream::start().await;
    let alice = server.user_client("alice");
    let bob = server.user_client("bob");
    let mut connection = connect(&alice, "alice", "Alice").await;
    server.upsert_user(serde_json::json!({"id": "bob"}));
    let first_id = connection.connection_id().expect("connected");

    // Without a connection ID the server cannot tell which websocket should watch.
    let (kind, id) = split(GENERAL);
    let data = ChannelInput::default().members(members(&["alice", "bob"]));
    let body = ChannelGetOrCreateRequest::default().data(data).watch(true);
    let error = within(
        "GetOrCreateChannel",
        alice.get_or_create_channel(kind, id, &body),
    )
    .await
    .expect_err("watch needs a connection ID");
    assert_eq!(error.status(), Some(400), "{error}");
    assert!(error.to_string().contains("connection_id"), "{error}");

    // By hand: the call names the connection ID.
    within(
        "GetOrCreateChannel",
        alice
            .get_or_create_channel(kind, id, &body)
            .connection_id(&first_id),
    )
    .await
    .expect("watching by hand");
    assert_eq!(
        server.watching_connections(GENERAL),
        std::slice::from_ref(&first_id)
    );

    // The server closes the connection; the client reconnects with a new ID, which watches
    // nothing yet.
    let bound = connection.client();
    assert!(server.close_connection(&first_id));
    let second_id = recovered(&mut connection).await;
    assert_ne!(second_id, first_id);
    assert_eq!(
        connection.connection_id().as_deref(),
        Some(second_id.as_str())
    );
    within(
        "the first connection is gone",
        server.wait_for_connections(1),
    )
    .await;
    assert!(server.watchers(GENERAL).is_empty());

    // The bound client sends the current ID: watching again reaches the new connection.
    open_channel(&bound, GENERAL, &[], true).await;
    assert_eq!(server.watching_connections(GENERAL), [second_id]);
    send_message(&bob, GENERAL, "Welcome back").await;
    let Event::MessageNew(new) = next_event(&mut connection, "message.new").await else {
        panic!("expected message.new");
    };
    assert_eq!(
        (new.cid.as_deref(), new.message.text.as_str()),
        (Some(GENERAL), "Welcome back")
    );

    // Once the connection is closed for good, a bound call that would watch fails without
    // sending anything.
    connection.disconnect().await;
    let error = within(
        "GetOrCreateChannel",
        bound.get_or_create_channel(kind, id, &body),
    )
    .await
    .expect_err("no connection to watch with");
    assert!(
        matches!(error, Error::NotConnected { closed: true, .. }),
        "{error:?}"
    );
}
