//! The decoding rule (crate docs, "Decoding") on the cases issue 18 found in real traffic, each
//! served by a local server on 127.0.0.1 (HTTP, and a websocket for the events), with bodies
//! written here:
//!
//! - a `member.added` event without `channel` (the real event's fields) arrives as a
//!   `MemberAdded` with its member, and says the channel was missing;
//! - a `GetMessage` body whose message has no `channel` decodes;
//! - a user without `invisible`, `language` and `teams` holds their defaults, says they were
//!   absent, and re-encoding writes none of them;
//! - a channel config's key that the spec does not know is kept and written back;
//! - an unknown enum value, an unknown event type and a `null` in a non-nullable field decode,
//!   are recorded and written back;
//! - the records of all of them, collected as JSON lines, are what `cargo xtask drift
//!   --observed` reads: they become findings against the real spec.

use std::path::Path;

use futures_util::StreamExt as _;
use serde_json::{json, Value};
use stream_chat_client::mismatch::MismatchLog;
use stream_chat_client::models::{Automod, ChannelGetOrCreateRequest, GetMessageQuery};
use stream_chat_client::ws::{Connection, RealtimeEvent};
use stream_chat_client::{Event, Mismatch, WireObject as _};
use stream_chat_codegen::drift::{self, FindingKind, Inputs, ObservedInput};
use stream_chat_tests::ws::{jack, user_client, within, WsServer};
use stream_chat_tests::{
    channel_config_json, message_json, server_client, user_json, Prepared, RecordingServer,
};

/// The records as `kind at path (detail)` lines.
fn lines(mismatches: &[Mismatch]) -> Vec<String> {
    mismatches.iter().map(ToString::to_string).collect()
}

/// A user as real traffic sometimes has it: no `invisible`, `language` or `teams`.
fn user_without_defaults(id: &str) -> Value {
    let mut user = user_json(id, "Jill");
    let object = user.as_object_mut().expect("an object");
    for key in ["invisible", "language", "teams"] {
        object.remove(key);
    }
    user
}

/// A channel as the API returns it, with `config` from `channel_config_json`, a config key and
/// an automod value this client does not know (as `message_retention` was, before v236.0.4).
fn channel_json() -> Value {
    let mut config = channel_config_json();
    config["automod"] = json!("super-ai");
    config["history_scope"] = json!("members");
    json!({
        "id": "general",
        "type": "messaging",
        "cid": "messaging:general",
        "created_at": "2024-03-01T10:15:30Z",
        "updated_at": "2024-03-01T10:16:00Z",
        "frozen": false,
        "disabled": false,
        "member_count": 2,
        "config": config,
        "name": "General"
    })
}

/// A member of a channel, with custom data (`is_vip`).
fn member_json() -> Value {
    json!({
        "user_id": "jill",
        "user": user_json("jill", "Jill"),
        "created_at": "2024-03-06T00:00:00Z",
        "updated_at": "2024-03-06T00:00:00Z",
        "banned": false,
        "shadow_banned": false,
        "notifications_muted": false,
        "channel_role": "channel_member",
        "is_vip": true
    })
}

/// Connects as `jack` and answers with a hello.
async fn connect(server: &WsServer) -> (Connection, stream_chat_tests::ws::ServerSocket) {
    let client = user_client(&server.base_url());
    let (connection, socket) = tokio::join!(
        within("connect", client.realtime(jack()).connect()),
        async {
            let mut socket = server.accept().await;
            socket.hello("conn-1").await;
            socket
        }
    );
    (connection.expect("connected"), socket)
}

/// The next event of the connection, skipping state changes.
async fn next_event(connection: &mut Connection) -> Event {
    loop {
        let item = within("the next event", connection.events().next())
            .await
            .expect("the stream goes on");
        match item {
            RealtimeEvent::Event(event) => return event,
            RealtimeEvent::StateChanged(_) => {}
            other => panic!("expected an event, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn member_added_without_channel_and_unknown_event_types_arrive_whole() {
    let server = WsServer::start().await;
    let (mut connection, mut socket) = connect(&server).await;
    // The real event: no `channel`, though the documents mark it required.
    let added = json!({
        "type": "member.added",
        "cid": "messaging:general",
        "channel_id": "general",
        "channel_type": "messaging",
        "channel_last_message_at": "2024-03-05T09:31:00.123Z",
        "member": member_json(),
        "user": user_json("jill", "Jill"),
        "created_at": "2024-03-06T00:00:00.000500Z"
    });
    let unknown = json!({
        "type": "poll.confetti", "cid": "messaging:general",
        "created_at": "2024-03-06T00:00:01Z", "colors": ["red"]
    });
    socket.send_json(&added).await;
    socket.send_json(&unknown).await;

    let event = next_event(&mut connection).await;
    let Event::MemberAdded(payload) = &event else {
        panic!("expected MemberAdded, got {event:?}");
    };
    assert_eq!(payload.member.user_id.as_deref(), Some("jill"));
    assert_eq!(payload.member.custom["is_vip"], true);
    assert_eq!(payload.channel_id.as_deref(), Some("general"));
    assert_eq!(
        payload.custom["channel_last_message_at"],
        added["channel_last_message_at"]
    );
    assert!(payload.is_absent("channel"));
    assert_eq!(payload.channel.id, "", "the channel holds its default");
    assert_eq!(
        lines(&event.mismatches()),
        ["missing at MemberAddedEvent.channel"]
    );
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        added,
        "no channel invented"
    );

    let event = next_event(&mut connection).await;
    assert!(matches!(event, Event::Custom(_)), "{event:?}");
    assert_eq!(event.event_type(), "poll.confetti");
    assert_eq!(
        lines(&event.mismatches()),
        [r#"unknown_event_type at Event ("poll.confetti")"#]
    );
    assert_eq!(serde_json::to_value(&event).unwrap(), unknown);
}

#[tokio::test]
async fn get_message_without_channel_decodes_and_invents_no_user_field() {
    let mut message = message_json("msg-1", "messaging:general");
    message["user"] = user_without_defaults("jack");
    message["text"] = Value::Null; // not nullable in the spec
    let body = json!({"message": message, "duration": "1.5ms"});
    let server = RecordingServer::with([Prepared::json(200, body.clone())]).await;
    let client = server_client(&server.url());

    let response = client
        .get_message("msg-1", &GetMessageQuery::default())
        .await
        .expect("decodes");
    let message = &response.message;
    assert_eq!(message.id, "msg-1");
    assert!(message.is_absent("channel"));

    // Absent fields hold their defaults, say so, and are not written back.
    let user = &message.user;
    assert_eq!(user.id, "jack");
    assert!(!user.invisible && user.language.is_empty() && user.teams.is_empty());
    for field in ["invisible", "language", "teams"] {
        assert!(user.is_absent(field), "{field}");
    }
    assert!(!user.is_absent("banned"), "sent as false, not absent");
    let user_back = serde_json::to_value(user).unwrap();
    for field in ["invisible", "language", "teams"] {
        assert!(
            user_back.get(field).is_none(),
            "{field} invented: {user_back}"
        );
    }
    assert_eq!(user.unknown("favorite_color"), Some(&json!("green")));

    // `null` in a non-nullable field: the default, the null kept and written back.
    assert_eq!(message.text, "");
    assert_eq!(message.raw("text"), Some(&Value::Null));

    assert_eq!(
        lines(response.mismatches()),
        [
            "null at GetMessageResponse.message.text",
            "missing at GetMessageResponse.message.user.language",
            "missing at GetMessageResponse.message.user.teams",
            "missing at GetMessageResponse.message.user.invisible",
            "missing at GetMessageResponse.message.channel",
        ]
    );
    assert_eq!(serde_json::to_value(response.body()).unwrap(), body);
}

#[tokio::test]
async fn channel_config_keeps_unknown_fields_and_enum_values() {
    let body = json!({
        "channel": channel_json(),
        "messages": [],
        "pinned_messages": [],
        "members": [member_json()],
        "threads": [],
        "duration": "2ms"
    });
    let server = RecordingServer::with([Prepared::json(201, body.clone())]).await;
    let client = server_client(&server.url());

    let response = client
        .get_or_create_channel(
            "messaging",
            "general",
            &ChannelGetOrCreateRequest::default(),
        )
        .await
        .expect("decodes");
    let channel = response.channel.as_ref().expect("a channel");
    let config = channel.config.as_ref().expect("a config");
    assert_eq!(config.unknown("history_scope"), Some(&json!("members")));
    assert_eq!(config.message_retention.as_deref(), Some("infinite"));
    assert!(matches!(config.automod, Automod::Unknown(_)));
    assert_eq!(config.automod.to_string(), "super-ai");
    assert_eq!(channel.custom["name"], "General");
    assert_eq!(
        lines(response.mismatches()),
        [
            r#"unknown_enum_value at ChannelStateResponse.channel.config.automod ("super-ai")"#,
            "unknown_field at ChannelStateResponse.channel.config.history_scope (string)",
        ]
    );
    let back = serde_json::to_value(response.body()).unwrap();
    assert_eq!(back["channel"]["config"]["history_scope"], "members");
    assert_eq!(back, body, "written back as it came");
}

/// The records of real-traffic departures, logged as JSON lines by [`MismatchLog`], are the
/// input of `cargo xtask drift --observed`: each line is read as a record, and each departure
/// becomes a finding against the spec.
#[tokio::test]
async fn collected_records_become_drift_findings() {
    let mut message = message_json("msg-1", "messaging:general");
    message["user"] = user_without_defaults("jack");
    message["text"] = Value::Null;
    let server = RecordingServer::with([
        Prepared::json(200, json!({"message": message, "duration": "1ms"})),
        Prepared::json(
            201,
            json!({"channel": channel_json(), "messages": [], "pinned_messages": [],
                   "members": [], "threads": [], "duration": "2ms"}),
        ),
    ])
    .await;
    let client = server_client(&server.url());
    let log = MismatchLog::new(Vec::new());
    let got = client
        .get_message("msg-1", &GetMessageQuery::default())
        .await
        .expect("decodes");
    log.record(got.mismatches()).expect("logged");
    let channel = client
        .get_or_create_channel(
            "messaging",
            "general",
            &ChannelGetOrCreateRequest::default(),
        )
        .await
        .expect("decodes");
    log.record(channel.mismatches()).expect("logged");
    let unknown_event: Event = serde_json::from_value(
        json!({"type": "poll.confetti", "created_at": "2024-03-06T00:00:01Z"}),
    )
    .expect("decodes");
    log.record(&unknown_event.mismatches()).expect("logged");
    assert_eq!(log.len(), 8);
    let text = String::from_utf8(log.into_inner()).expect("UTF-8");

    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let files =
        stream_chat_codegen::source::load_texts(stream_chat_tests::fixture_spec_texts(&spec))
            .expect("the spec loads");
    let inputs = Inputs {
        documents: Vec::new(),
        prefixes: Vec::new(),
        observed: Some(ObservedInput {
            label: "mismatches.jsonl".into(),
            text,
        }),
        deviations: None,
    };
    let report = drift::drift(&files, "spec", &inputs).expect("compares");
    let summary = report.observed.as_ref().expect("traffic read");
    assert_eq!(summary.records, 8);
    assert!(summary.problems.is_empty(), "{:?}", summary.problems);
    let findings: Vec<(FindingKind, String, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.kind, f.location.clone(), f.attribute))
        .collect();
    for expected in [
        (
            FindingKind::OnlyInTraffic,
            "ChannelConfigWithInfo.history_scope",
            None,
        ),
        (
            FindingKind::Different,
            "UserResponse.invisible",
            Some("required"),
        ),
        (
            FindingKind::Different,
            "MessageWithChannelResponse.channel",
            Some("required"),
        ),
        (
            FindingKind::Different,
            "MessageWithChannelResponse.text",
            Some("nullable"),
        ),
    ] {
        assert!(
            findings.iter().any(|(kind, location, attribute)| (
                *kind,
                location.as_str(),
                *attribute
            ) == expected),
            "{expected:?} not in {findings:#?}"
        );
    }
    assert!(
        findings
            .iter()
            .any(|(kind, location, _)| *kind == FindingKind::OnlyInTraffic
                && location.contains("poll.confetti")),
        "{findings:#?}"
    );
    assert!(report
        .findings
        .iter()
        .all(|finding| finding.source == drift::Source::Traffic));
}
