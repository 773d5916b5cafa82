//! The generated models without a server: custom data as top-level keys, unknown enum values,
//! events dispatched on `type`, and date-times, each decoded from realistic JSON and encoded
//! back to the same JSON value.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use stream_chat_client::mismatch::MismatchKind;
use stream_chat_client::models::{
    Automod, AutomodBehavior, ChannelConfigWithInfo, ChannelOwnCapability, ChannelResponse,
    MarkReadResponseEvent, PushLevel, UserRequest,
};
use stream_chat_client::{Event, WireObject as _, EVENT_TYPES};
use stream_chat_tests::channel_config_json;

/// Decodes `value` as `T`, panicking with the serde error.
fn decode<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|error| panic!("{error}: {value:#}"))
}

fn encode<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("encodes")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid RFC 3339")
        .with_timezone(&Utc)
}

/// A user with every required field, as events and responses carry it; `favorite_color` and
/// `hobbies` are custom data.
fn user_json(id: &str) -> Value {
    json!({
        "id": id,
        "name": "Jack",
        "image": "https://getstream.io/random_png/?id=jack&name=Jack",
        "language": "en",
        "role": "user",
        "teams": ["blue"],
        "created_at": "2024-03-01T10:15:30.123456Z",
        "updated_at": "2024-03-04T08:00:00Z",
        "banned": false,
        "online": true,
        "blocked_user_ids": [],
        "shadow_banned": false,
        "invisible": false,
        "favorite_color": "green",
        "hobbies": ["chess", {"kind": "music", "level": 3}]
    })
}

/// A channel type's configuration whose automod mode, automod behavior and push level are
/// values this client does not know.
fn config_json() -> Value {
    let mut value = channel_config_json();
    value["automod"] = json!("super-ai");
    value["automod_behavior"] = json!("quarantine");
    value["push_level"] = json!("everything");
    value
}

/// A channel as the API returns it: custom keys `name`, `color` and `tags` at the top level, no
/// `custom` key, an own capability this client does not know, and a config whose automod mode
/// is new too.
fn channel_json() -> Value {
    json!({
        "id": "general",
        "type": "messaging",
        "cid": "messaging:general",
        "last_message_at": "2024-03-05T09:31:00.123Z",
        "created_at": "2024-03-01T10:16:00.500Z",
        "updated_at": "2024-03-02T11:00:00.000001Z",
        "created_by": user_json("jack"),
        "frozen": false,
        "disabled": false,
        "members": [{
            "user_id": "jack",
            "user": {
                "id": "jack",
                "image": "https://example.com/jack.png",
                "language": "",
                "role": "admin",
                "teams": [],
                "created_at": "2024-03-01T10:15:30Z",
                "updated_at": "2024-03-01T10:15:30Z",
                "banned": false,
                "online": false,
                "blocked_user_ids": [],
                "shadow_banned": false,
                "invisible": false
            },
            "created_at": "2024-03-01T10:16:00.500Z",
            "updated_at": "2024-03-01T10:16:00.500Z",
            "banned": false,
            "shadow_banned": false,
            "channel_role": "channel_member",
            "notifications_muted": false,
            "is_vip": true
        }],
        "member_count": 1,
        "config": config_json(),
        "own_capabilities": ["send-message", "fly-to-moon", "upload-file"],
        "cooldown": 0,
        "name": "General",
        "color": "blue",
        "tags": {"nested": [1, 2.5, null, true]}
    })
}

#[test]
fn channel_with_custom_data_round_trips() {
    let json = channel_json();
    let channel: ChannelResponse = decode(&json);

    assert_eq!(channel.id, "general");
    assert_eq!(channel.type_, "messaging");
    assert_eq!(channel.created_at, at("2024-03-01T10:16:00.5Z"));
    let custom: Value = Value::Object(channel.custom.clone());
    assert_eq!(
        custom,
        json!({"name": "General", "color": "blue", "tags": {"nested": [1, 2.5, null, true]}})
    );
    assert!(!channel.custom.contains_key("custom"));

    let creator = channel.created_by.as_ref().expect("created_by");
    assert_eq!(
        creator.image.as_deref(),
        Some("https://getstream.io/random_png/?id=jack&name=Jack")
    );
    assert_eq!(creator.custom["favorite_color"], "green");
    assert_eq!(creator.custom["hobbies"][1]["level"], 3);
    assert!(!creator.custom.contains_key("image"));
    let member = &channel.members.as_ref().expect("members")[0];
    assert_eq!(
        member.custom,
        json!({"is_vip": true}).as_object().cloned().unwrap()
    );
    assert_eq!(
        member.user.as_ref().and_then(|u| u.image.as_deref()),
        Some("https://example.com/jack.png")
    );

    let config = channel.config.as_ref().expect("config");
    assert_eq!(config.automod, Automod::from("super-ai"));
    assert_eq!(config.automod_behavior, AutomodBehavior::from("quarantine"));
    assert_eq!(config.push_level, Some(PushLevel::from("everything")));
    assert_eq!(
        channel.own_capabilities.as_deref(),
        Some(
            &[
                ChannelOwnCapability::SendMessage,
                ChannelOwnCapability::from("fly-to-moon"),
                ChannelOwnCapability::UploadFile,
            ][..]
        )
    );

    let encoded = encode(&channel);
    assert_eq!(encoded, json, "re-encoding gives the same JSON");
    assert!(encoded.get("custom").is_none());
    let again: ChannelResponse = decode(&encoded);
    assert_eq!(again, channel);
}

#[test]
fn custom_data_built_in_rust_is_sent_as_top_level_keys() {
    let mut user = UserRequest::new("jack");
    user.name = Some("Jack".into());
    user.image = Some("https://example.com/jack.png".into());
    user.custom.insert("favorite_color".into(), json!("green"));
    user.custom.insert(
        "address".into(),
        json!({"city": "Amsterdam", "zip": "1011"}),
    );

    let encoded = encode(&user);

    assert_eq!(
        encoded,
        json!({
            "id": "jack",
            "name": "Jack",
            "image": "https://example.com/jack.png",
            "favorite_color": "green",
            "address": {"city": "Amsterdam", "zip": "1011"}
        })
    );
    assert!(encoded.get("custom").is_none());
    let text = serde_json::to_string(&user).expect("encodes");
    assert!(!text.contains("\"custom\""), "{text}");
    let decoded: UserRequest = decode(&encoded);
    assert_eq!(decoded, user);
}

#[test]
fn unknown_enum_values_round_trip() {
    let automod: Automod = decode(&json!("super-ai"));
    assert!(
        matches!(&automod, Automod::Unknown(value) if value.as_str() == "super-ai"),
        "{automod:?}"
    );
    assert_eq!(automod, Automod::from("super-ai"));
    // `From<&str>` makes the known variant of a known value: an `Unknown` never holds one, so
    // equality is equality on the wire.
    assert_eq!(Automod::from("AI"), Automod::Ai);
    assert_eq!(automod.as_str(), "super-ai");
    assert_eq!(automod.to_string(), "super-ai");
    assert_eq!(encode(&automod), json!("super-ai"));

    let known: Automod = decode(&json!("AI"));
    assert_eq!(known, Automod::Ai);
    assert_eq!(encode(&known), json!("AI"));
    // Wire values are case-sensitive: another spelling is unknown, and kept as sent.
    let other_case: Automod = decode(&json!("ai"));
    assert_eq!(other_case, Automod::from("ai"));
    assert_eq!(encode(&other_case), json!("ai"));

    let capabilities: Vec<ChannelOwnCapability> = decode(&json!([
        "fly-to-moon",
        "ban-channel-members",
        "send-restricted-visibility-message"
    ]));
    assert_eq!(
        capabilities,
        [
            ChannelOwnCapability::from("fly-to-moon"),
            ChannelOwnCapability::BanChannelMembers,
            ChannelOwnCapability::SendRestrictedVisibilityMessage,
        ]
    );
    assert_eq!(
        encode(&capabilities),
        json!([
            "fly-to-moon",
            "ban-channel-members",
            "send-restricted-visibility-message"
        ])
    );

    // A non-string is still an error, not an unknown value.
    assert!(serde_json::from_value::<Automod>(json!(1)).is_err());
}

#[test]
fn config_with_unknown_enums_round_trips() {
    let json = config_json();
    let config: ChannelConfigWithInfo = decode(&json);
    assert_eq!(config.commands[0].name, "giphy");
    assert_eq!(encode(&config), json);
}

fn channel_deleted_json() -> Value {
    json!({
        "type": "channel.deleted",
        "cid": "messaging:general",
        "channel_id": "general",
        "channel_type": "messaging",
        "channel_member_count": 1,
        "channel_custom": {"name": "General", "color": "blue"},
        "channel": channel_json(),
        "user": {
            "id": "jack",
            "language": "en",
            "role": "admin",
            "teams": [],
            "created_at": "2024-03-01T10:15:30.123456Z",
            "updated_at": "2024-03-04T08:00:00Z",
            "banned": false,
            "online": true,
            "blocked_user_ids": [],
            "favorite_color": "green"
        },
        "created_at": "2024-03-06T00:00:00.123456Z",
        "received_at": "2024-03-06T00:00:00.200Z"
    })
}

/// Decodes an event, checks its type, and checks that it encodes back to the same JSON with
/// `type` first.
fn round_trip_event(json: &Value) -> Event {
    let event: Event = decode(json);
    let event_type = json["type"].as_str().unwrap_or_default();
    assert_eq!(event.event_type(), event_type);
    assert_eq!(
        encode(&event),
        *json,
        "{event_type} re-encodes to the same JSON"
    );
    let text = serde_json::to_string(&event).expect("encodes");
    if !event_type.is_empty() && !matches!(event, Event::Unknown(_)) {
        assert!(
            text.starts_with(&format!("{{\"type\":\"{event_type}\"")),
            "type first: {text}"
        );
    }
    assert_eq!(Event::from_value(json.clone()).expect("decodes"), event);
    event
}

#[test]
fn channel_deleted_event() {
    let json = channel_deleted_json();
    let event = round_trip_event(&json);

    let Event::ChannelDeleted(deleted) = &event else {
        panic!("expected ChannelDeleted, got {event:?}");
    };
    assert_eq!(deleted.cid.as_deref(), Some("messaging:general"));
    assert_eq!(deleted.channel.id, "general");
    assert_eq!(deleted.channel.custom["color"], "blue");
    assert_eq!(
        deleted.channel_custom.as_ref().map(|c| c["name"].clone()),
        Some(json!("General"))
    );
    let user = deleted.user.as_ref().expect("user");
    assert_eq!(user.role, "admin");
    assert_eq!(user.custom["favorite_color"], "green");
    assert_eq!(deleted.created_at, at("2024-03-06T00:00:00.123456Z"));
    assert!(deleted.custom.is_empty(), "{:?}", deleted.custom);
}

#[test]
fn message_read_event_without_user() {
    let json = json!({
        "type": "message.read",
        "cid": "messaging:general",
        "channel_id": "general",
        "channel_type": "messaging",
        "channel_member_count": 2,
        "last_read_message_id": "msg-1",
        "created_at": "2024-03-05T09:33:00.987654Z",
        "team": "blue"
    });
    let event = round_trip_event(&json);

    let Event::MessageRead(read) = &event else {
        panic!("expected MessageRead, got {event:?}");
    };
    assert_eq!(read.user, None);
    assert_eq!(read.channel, None);
    assert_eq!(read.last_read_message_id.as_deref(), Some("msg-1"));
    assert_eq!(read.team.as_deref(), Some("blue"));
    assert_eq!(read.channel_member_count, Some(2));
}

#[test]
fn member_added_event() {
    let member = channel_json()["members"][0].clone();
    let json = json!({
        "type": "member.added",
        "cid": "messaging:general",
        "channel_id": "general",
        "channel_type": "messaging",
        "channel_member_count": 2,
        "member": member,
        "user": {
            "id": "jill",
            "image": "https://example.com/jill.png",
            "language": "nl",
            "role": "user",
            "teams": [],
            "created_at": "2024-03-01T10:15:30Z",
            "updated_at": "2024-03-01T10:15:30Z",
            "banned": false,
            "online": false,
            "blocked_user_ids": ["spammer"]
        },
        "channel": channel_json(),
        "created_at": "2024-03-06T00:00:00Z",
        "received_at": "2024-03-06T00:00:00.000500Z",
        "watcher_count": 3
    });
    let event = round_trip_event(&json);

    let Event::MemberAdded(added) = &event else {
        panic!("expected MemberAdded, got {event:?}");
    };
    assert_eq!(added.member.user_id.as_deref(), Some("jack"));
    assert_eq!(added.member.custom["is_vip"], true);
    let user = added.user.as_ref().expect("user");
    assert_eq!(user.image.as_deref(), Some("https://example.com/jill.png"));
    assert_eq!(user.blocked_user_ids, ["spammer"]);
    assert_eq!(added.channel.custom["name"], "General");
    // A key the spec does not list for this event is kept as custom data.
    assert_eq!(added.custom["watcher_count"], 3);
}

#[test]
fn unknown_event_types_become_custom_events_or_stay_json() {
    // An app-defined type with the custom event's fields decodes as `Event::Custom`, keeping
    // its type and every other key.
    let json = json!({
        "type": "game.over",
        "created_at": "2024-03-06T00:00:00.123456Z",
        "winner": {"id": "ann"},
        "odd": [1, 2.5, null, {"x": false}]
    });
    let event = round_trip_event(&json);
    let Event::Custom(custom) = &event else {
        panic!("expected a custom event, got {event:?}")
    };
    assert_eq!(custom.type_, "game.over");
    assert_eq!(custom.custom["winner"]["id"], "ann");
    assert_eq!(event.event_type(), "game.over");

    // Without the custom event's required `created_at`, it is a custom event all the same (its
    // `created_at` absent, holding the default), which says so.
    let odd = json!({"type": "game.over", "cid": "messaging:general"});
    let event = round_trip_event(&odd);
    let Event::Custom(custom) = &event else {
        panic!("expected a custom event, got {event:?}")
    };
    assert!(custom.is_absent("created_at"));
    assert_eq!(custom.custom["cid"], "messaging:general");
    let kinds: Vec<MismatchKind> = event.mismatches().iter().map(|m| m.kind()).collect();
    assert_eq!(
        kinds,
        [MismatchKind::Missing, MismatchKind::UnknownEventType]
    );

    // Without a string `type` it is not an event this client can name: raw JSON.
    let untyped = json!({"cid": "messaging:general", "created_at": "2024-03-06T00:00:00Z"});
    let event = round_trip_event(&untyped);
    assert_eq!(event, Event::Unknown(untyped));
    assert_eq!(event.event_type(), "");
    assert_eq!(event.mismatches()[0].kind(), MismatchKind::UnknownEventType);
}

#[test]
fn known_event_type_with_a_value_of_the_wrong_type_decodes() {
    let mut json = channel_deleted_json();
    json["created_at"] = json!("not a date");
    let event = Event::from_value(json.clone()).expect("decodes");
    assert_eq!(
        serde_json::from_value::<Event>(json.clone()).unwrap(),
        event
    );
    let Event::ChannelDeleted(deleted) = &event else {
        panic!("expected ChannelDeleted, got {event:?}");
    };
    assert_eq!(deleted.created_at, DateTime::UNIX_EPOCH);
    assert_eq!(deleted.raw("created_at"), Some(&json!("not a date")));
    let lines: Vec<String> = event.mismatches().iter().map(|m| m.to_string()).collect();
    // The channel's unknown enum values are recorded too, each at its path.
    assert_eq!(
        lines,
        [
            r#"unknown_enum_value at ChannelDeletedEvent.channel.config.automod ("super-ai")"#,
            r#"unknown_enum_value at ChannelDeletedEvent.channel.config.automod_behavior ("quarantine")"#,
            r#"unknown_enum_value at ChannelDeletedEvent.channel.config.push_level ("everything")"#,
            r#"unknown_enum_value at ChannelDeletedEvent.channel.own_capabilities[] ("fly-to-moon")"#,
            "wrong_type at ChannelDeletedEvent.created_at (string)",
        ]
    );
    assert_eq!(encode(&event), json, "written back as it came");
}

#[test]
fn event_types_are_listed() {
    let in_spec: Vec<String> = stream_chat_tests::spec_api()
        .events
        .iter()
        .map(|event| event.event_type.clone())
        .collect();
    let mut types: Vec<&str> = EVENT_TYPES.iter().map(|info| info.event_type).collect();
    assert_eq!(types, in_spec, "every event type of the spec, in its order");
    for expected in [
        "channel.deleted",
        "message.new",
        "poll.closed",
        "user.watching.start",
        "*",
    ] {
        assert!(types.contains(&expected), "{expected} is listed");
    }
    types.sort_unstable();
    types.dedup();
    assert_eq!(types.len(), in_spec.len(), "event types are unique");
    assert!(EVENT_TYPES.iter().all(|info| !info.description.is_empty()));
}

#[test]
fn datetimes_with_microseconds_round_trip() {
    let json = json!({
        "type": "message.read",
        "cid": "messaging:general",
        "channel_id": "general",
        "channel_type": "messaging",
        "channel_last_message_at": "2024-03-05T09:31:00.123456Z",
        "created_at": "2024-03-05T09:33:00.000001Z"
    });
    let event: MarkReadResponseEvent = decode(&json);
    assert_eq!(
        event.created_at,
        DateTime::from_timestamp(1_709_631_180, 1_000).expect("valid")
    );
    assert_eq!(
        event
            .channel_last_message_at
            .map(|t| t.timestamp_subsec_micros()),
        Some(123_456)
    );
    assert_eq!(encode(&event), json);
}

/// A custom key that has the name of a documented field must not produce a second key of that
/// name: `{"id":"jack",...,"id":"evil"}` would let JSON decoders that keep the last duplicate
/// (Go's `encoding/json`, serde_json's `Value`) see the custom value.
#[test]
fn custom_keys_never_duplicate_documented_fields() {
    let mut user = UserRequest::new("jack");
    user.name = Some("Jack".into());
    user.custom.insert("id".into(), json!("evil"));
    user.custom.insert("name".into(), json!("Mallory"));
    user.custom.insert("favorite_color".into(), json!("green"));

    let text = serde_json::to_string(&user).expect("encodes");

    assert_eq!(text.matches("\"id\":").count(), 1, "{text}");
    assert_eq!(text.matches("\"name\":").count(), 1, "{text}");
    let value: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["id"], "jack", "{text}");
    assert_eq!(value["name"], "Jack", "{text}");
    assert_eq!(value["favorite_color"], "green", "{text}");
}
