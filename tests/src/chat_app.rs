//! The generated client driven as a chat app, for the end-to-end tests against the fake Stream
//! server (the tests `chat::e2e` and `chat::example`): connecting a user, reading the next
//! typed event within a bound, asserting quiet, and the REST calls of a chat (open or watch a
//! channel, send a message or an event), each bounded and failing with the server's error.

use stream_chat_client::models::{
    ChannelGetOrCreateRequest, ChannelInput, ChannelMemberRequest, ChannelStateResponse,
    EventRequest, MessageRequest, SendEventRequest, SendMessageRequest, UpdateChannelRequest,
    UserRequest, UserResponseCommonFields,
};
use stream_chat_client::ws::{Connection, RealtimeEvent};
use stream_chat_client::{Client, Event};

use crate::ws::{assert_quiet, within};

/// Opens the realtime connection of `user_id` (named `name`).
pub async fn connect(client: &Client, user_id: &str, name: &str) -> Connection {
    let mut user = UserRequest::new(user_id);
    user.name = Some(name.to_owned());
    within("the realtime connection", client.realtime(&user).connect())
        .await
        .unwrap_or_else(|error| panic!("{user_id} connects: {error}"))
}

/// `type:id` → (`type`, `id`).
pub fn split(cid: &str) -> (&str, &str) {
    cid.split_once(':').expect("a cid is type:id")
}

/// The next server event on `connection` (state changes skipped); panics on anything else.
pub async fn next_event(connection: &mut Connection, what: &str) -> Event {
    loop {
        let item = within(what, connection.events().recv())
            .await
            .unwrap_or_else(|| panic!("{what}: the connection ended"));
        match item {
            RealtimeEvent::Event(event) => return event,
            RealtimeEvent::StateChanged(state) if state.is_connected() => continue,
            other => panic!("{what}: expected an event, got {other:?}"),
        }
    }
}

/// Asserts that nothing arrives on `connection` within the quiet window.
pub async fn assert_no_event(connection: &mut Connection, what: &str) {
    assert_quiet(what, connection.events().recv()).await;
}

/// Members as the API takes them.
pub fn members(ids: &[&str]) -> Vec<ChannelMemberRequest> {
    ids.iter()
        .map(|id| ChannelMemberRequest::new(*id))
        .collect()
}

/// Sends a message as `client` to `cid`; returns its ID.
pub async fn send_message(client: &Client, cid: &str, text: &str) -> String {
    let (kind, id) = split(cid);
    let body = SendMessageRequest::new(MessageRequest::default().text(text));
    let sent = within("SendMessage", client.send_message(kind, id, &body))
        .await
        .expect("the message is sent");
    assert_eq!(sent.message.text, text);
    sent.into_inner().message.id
}

/// Sends an event of type `kind` as `client` to `cid`.
pub async fn send_event(client: &Client, cid: &str, kind: &str) {
    let (channel_type, id) = split(cid);
    let body = SendEventRequest::new(EventRequest::new(kind));
    let sent = within("SendEvent", client.send_event(channel_type, id, &body))
        .await
        .expect("the event is sent");
    assert_eq!(sent.event.type_, kind);
}

/// Creates `cid` as `client` with these members, or reads it; `watching`: the client is bound
/// to a connection, which watches it.
pub async fn open_channel(
    client: &Client,
    cid: &str,
    member_ids: &[&str],
    watch: bool,
) -> ChannelStateResponse {
    let (kind, id) = split(cid);
    let data = ChannelInput::default().members(members(member_ids));
    let body = ChannelGetOrCreateRequest::default()
        .data(data)
        .state(true)
        .watch(watch);
    within(
        "GetOrCreateChannel",
        client.get_or_create_channel(kind, id, &body),
    )
    .await
    .unwrap_or_else(|error| panic!("GetOrCreateChannel {cid}: {error}"))
    .into_inner()
}

/// Adds these members to `cid` as `client` (UpdateChannel with `add_members`).
pub async fn add_members(client: &Client, cid: &str, member_ids: &[&str]) {
    let (kind, id) = split(cid);
    let body = UpdateChannelRequest::default().add_members(members(member_ids));
    within("UpdateChannel", client.update_channel(kind, id, &body))
        .await
        .unwrap_or_else(|error| panic!("UpdateChannel {cid}: {error}"));
}

/// The user ID of an event's `user`.
pub fn user_id(user: &Option<UserResponseCommonFields>) -> Option<&str> {
    user.as_ref().map(|user| user.id.as_str())
}

/// The next `Recovered` on `connection` (state changes skipped): the new connection ID.
pub async fn recovered(connection: &mut Connection) -> String {
    loop {
        match within("the reconnect", connection.events().recv()).await {
            Some(RealtimeEvent::Recovered { connection_id }) => return connection_id,
            Some(RealtimeEvent::StateChanged(_)) => continue,
            other => panic!("expected the connection to recover, got {other:?}"),
        }
    }
}
