//! Endpoint methods tested by hand, each against a local HTTP server: a selection of the
//! channel, channel type and export operations, with the request on the wire (method, escaped
//! path, query, headers, JSON body) and the decoding of a realistic response written out here,
//! custom data included; requests built with the setters. Also the generated operation
//! metadata, a base URL with a path prefix, and ids `.` and `..` refused before sending.
//!
//! Every operation of the spec, table-driven from its model, is tested in `whole_api.rs`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use stream_chat_client::models::{
    Automod, AutomodBehavior, ChannelExport, ChannelGetOrCreateRequest, ChannelInput,
    ChannelMemberRequest, ChannelOwnCapability, CreateChannelTypeRequest,
    CreateChannelTypeRequestAutomodBehavior, DeleteChannelQuery, DeleteChannelsRequest,
    ExportChannelsRequest, ExportChannelsRequestFormat, HideChannelRequest,
    MarkChannelsReadRequest, MessagePaginationParams, MessageRequest, PaginationParams,
    PolicyRequest, PolicyRequestAction, PushLevel, SendMessageRequest, UpdateChannelTypeRequest,
    UserRequest,
};
use stream_chat_client::{operations, Client, Error, Method, Permission, Secret};
use stream_chat_tests::{
    assert_server_side_request, channel_config_json, message_json, server_client, spec_api,
    user_json, Prepared, RecordingServer, SECRET,
};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid RFC 3339")
        .with_timezone(&Utc)
}

fn object(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A member with its user; `is_vip` is custom member data.
fn member_json(id: &str, name: &str, role: &str) -> Value {
    json!({
        "user_id": id,
        "user": user_json(id, name),
        "status": "member",
        "created_at": "2024-03-01T10:16:00.5Z",
        "updated_at": "2024-03-01T10:16:00.5Z",
        "banned": false,
        "shadow_banned": false,
        "role": role,
        "channel_role": "channel_member",
        "notifications_muted": false,
        "is_vip": true
    })
}

/// A channel with custom data `name` and `color` (and no `custom` key, like the real API).
fn channel_json(kind: &str, id: &str) -> Value {
    json!({
        "id": id,
        "type": kind,
        "cid": format!("{kind}:{id}"),
        "last_message_at": "2024-03-05T09:31:00.123Z",
        "created_at": "2024-03-01T10:16:00.5Z",
        "updated_at": "2024-03-01T10:16:00.5Z",
        "created_by": user_json("jack", "Jack"),
        "frozen": false,
        "disabled": false,
        "member_count": 2,
        "config": channel_config_json(),
        "own_capabilities": ["send-message", "delete-channel", "fly-to-moon"],
        "hidden": false,
        "name": "Général",
        "color": "blue"
    })
}

#[tokio::test]
async fn get_or_create_channel() {
    let cid = "messaging:a/b c";
    let response = json!({
        "channel": channel_json("messaging", "a/b c"),
        "messages": [message_json("msg-1", cid)],
        "pinned_messages": [],
        "watcher_count": 1,
        "read": [{
            "user": user_json("jill", "Jill"),
            "last_read": "2024-03-05T09:32:00Z",
            "unread_messages": 0,
            "last_read_message_id": "msg-1"
        }],
        "members": [
            member_json("jack", "Jack", "admin"),
            member_json("jill", "Jill", "user")
        ],
        "membership": member_json("jack", "Jack", "admin"),
        "threads": [],
        "duration": "12.34ms"
    });
    let server = RecordingServer::with([Prepared::json(201, response).rate_limit(
        "300",
        "299",
        "1709631120",
    )])
    .await;
    let client = server_client(&server.url());

    let mut data = ChannelInput {
        created_by_id: Some("jack".into()),
        members: Some(vec![
            ChannelMemberRequest::new("jack"),
            ChannelMemberRequest {
                channel_role: Some("channel_moderator".into()),
                custom: object(json!({"is_vip": true})),
                ..ChannelMemberRequest::new("jill")
            },
        ]),
        ..ChannelInput::default()
    };
    data.custom.insert("name".into(), json!("Général"));
    data.custom.insert("color".into(), json!("blue"));
    let body = ChannelGetOrCreateRequest {
        data: Some(data),
        state: Some(true),
        messages: Some(MessagePaginationParams {
            limit: Some(20),
            created_at_before: Some(at("2024-03-05T10:00:00.250Z")),
            ..MessagePaginationParams::default()
        }),
        members: Some(PaginationParams {
            limit: Some(10),
            offset: Some(0),
            ..PaginationParams::default()
        }),
        ..ChannelGetOrCreateRequest::default()
    };

    let state = client
        .get_or_create_channel("messaging", "a/b c", &body)
        .await
        .expect("channel state");

    assert_server_side_request(
        &server.single_request(),
        "POST",
        "/channels/messaging/a%2Fb%20c/query",
        &[],
        Some(&json!({
            "data": {
                "created_by_id": "jack",
                "members": [
                    {"user_id": "jack"},
                    {"user_id": "jill", "channel_role": "channel_moderator", "is_vip": true}
                ],
                "name": "Général",
                "color": "blue"
            },
            "state": true,
            "messages": {"limit": 20, "created_at_before": "2024-03-05T10:00:00.250Z"},
            "members": {"limit": 10, "offset": 0}
        })),
    );

    assert_eq!(state.status(), 201);
    let rate_limit = state.rate_limit().expect("rate-limit headers");
    assert_eq!(rate_limit.limit, Some(300));
    assert_eq!(rate_limit.remaining, Some(299));
    assert_eq!(rate_limit.reset, DateTime::from_timestamp(1_709_631_120, 0));
    assert_eq!(state.duration, "12.34ms");

    let channel = state.channel.as_ref().expect("channel");
    assert_eq!(channel.id, "a/b c");
    assert_eq!(channel.type_, "messaging");
    assert_eq!(channel.cid, cid);
    assert_eq!(channel.created_at, at("2024-03-01T10:16:00.5Z"));
    assert_eq!(channel.member_count, Some(2));
    assert_eq!(
        channel.custom,
        object(json!({"name": "Général", "color": "blue"}))
    );
    assert_eq!(
        channel.own_capabilities.as_deref(),
        Some(
            &[
                ChannelOwnCapability::SendMessage,
                ChannelOwnCapability::DeleteChannel,
                ChannelOwnCapability::from("fly-to-moon"),
            ][..]
        )
    );
    let creator = channel.created_by.as_ref().expect("created_by");
    assert_eq!(creator.id, "jack");
    assert_eq!(creator.custom, object(json!({"favorite_color": "green"})));
    let config = channel.config.as_ref().expect("config");
    assert_eq!(config.name, "messaging");
    assert_eq!(config.max_message_length, 5000);
    assert_eq!(config.automod, Automod::Disabled);
    assert_eq!(config.automod_behavior, AutomodBehavior::Flag);
    assert_eq!(config.commands.len(), 1);
    assert_eq!(config.commands[0].name, "giphy");
    assert_eq!(config.commands[0].args, "[text]");
    assert_eq!(config.commands[0].set, "fun_set");

    assert_eq!(state.members.len(), 2);
    let jill = &state.members[1];
    assert_eq!(jill.user_id.as_deref(), Some("jill"));
    assert_eq!(jill.channel_role, "channel_member");
    assert_eq!(jill.custom, object(json!({"is_vip": true})));
    let jill_user = jill.user.as_ref().expect("member user");
    assert_eq!(
        jill_user.image.as_deref(),
        Some("https://getstream.io/random_png/?id=jill&name=Jill")
    );
    assert_eq!(jill_user.name.as_deref(), Some("Jill"));
    assert!(jill_user.online);
    assert_eq!(
        jill_user.last_active,
        Some(at("2024-03-05T09:30:00.000001Z"))
    );
    assert_eq!(jill_user.custom, object(json!({"favorite_color": "green"})));
    assert!(!jill_user.custom.contains_key("image"));
    assert_eq!(
        state.membership.as_ref().and_then(|m| m.role.as_deref()),
        Some("admin")
    );

    assert_eq!(state.messages.len(), 1);
    let message = &state.messages[0];
    assert_eq!(message.text, "Hello @jill");
    assert_eq!(message.reaction_counts.get("like"), Some(&2));
    assert_eq!(message.mentioned_users[0].id, "jill");
    assert_eq!(message.custom, object(json!({"priority": "high"})));
    let read = state.read.as_ref().expect("read state");
    assert_eq!(read[0].user.id, "jill");
    assert_eq!(read[0].last_read_message_id.as_deref(), Some("msg-1"));
    assert_eq!(state.watcher_count, Some(1));
    assert!(state.pinned_messages.is_empty() && state.threads.is_empty());
}

/// The generated setters build the same requests as struct literals, custom data included.
#[tokio::test]
async fn requests_built_with_setters() {
    let server = RecordingServer::with([
        Prepared::json(
            201,
            json!({"message": message_json("msg-1", "messaging:general"), "duration": "1ms"}),
        ),
        Prepared::json(201, json!({"channel": channel_json("messaging", "general"), "members": [], "messages": [], "pinned_messages": [], "threads": [], "duration": "1ms"})),
    ])
    .await;
    let client = server_client(&server.url());

    let message = MessageRequest::default()
        .text("Hello @jill")
        .mentioned_users(vec!["jill".to_owned()])
        .pinned(true)
        .user_id("jack")
        .custom("priority", "high");
    let body = SendMessageRequest::new(message).skip_push(true);
    let sent = client
        .send_message("messaging", "general", &body)
        .await
        .expect("message sent");
    assert_eq!(sent.message.custom, object(json!({"priority": "high"})));

    let data = ChannelInput::default()
        .created_by_id("jack")
        .members(vec![ChannelMemberRequest::new("jack")])
        .custom("name", "Général");
    let body = ChannelGetOrCreateRequest::default()
        .data(data)
        .state(true)
        .messages(MessagePaginationParams::default().limit(20));
    client
        .get_or_create_channel("messaging", "general", &body)
        .await
        .expect("channel state");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].path, "/channels/messaging/general/message");
    assert_eq!(
        requests[0].json(),
        json!({
            "message": {
                "text": "Hello @jill",
                "mentioned_users": ["jill"],
                "pinned": true,
                "user_id": "jack",
                "priority": "high"
            },
            "skip_push": true
        })
    );
    assert_eq!(
        requests[1].json(),
        json!({
            "data": {"created_by_id": "jack", "members": [{"user_id": "jack"}], "name": "Général"},
            "state": true,
            "messages": {"limit": 20}
        })
    );
}

#[tokio::test]
async fn hide_channel() {
    let server = RecordingServer::with([Prepared::json(201, json!({"duration": "2.10ms"}))]).await;
    let client = server_client(&server.url());
    let body = HideChannelRequest {
        clear_history: Some(true),
        user_id: Some("jack".into()),
        user: None,
        ..HideChannelRequest::default()
    };

    let response = client
        .hide_channel("messaging", "général", &body)
        .await
        .expect("hidden");

    assert_server_side_request(
        &server.single_request(),
        "POST",
        "/channels/messaging/g%C3%A9n%C3%A9ral/hide",
        &[],
        Some(&json!({"clear_history": true, "user_id": "jack"})),
    );
    assert_eq!(response.status(), 201);
    assert_eq!(response.duration, "2.10ms");
    assert_eq!(response.rate_limit(), None);
}

#[tokio::test]
async fn mark_channels_read() {
    let event = json!({
        "type": "message.read",
        "cid": "messaging:general",
        "channel_id": "general",
        "channel_type": "messaging",
        "channel_last_message_at": "2024-03-05T09:31:00.123Z",
        "user": user_json("jack", "Jack"),
        "created_at": "2024-03-05T09:33:00.987654Z",
        "last_read_message_id": "msg-1"
    });
    let server =
        RecordingServer::with([
            Prepared::json(201, json!({"event": event, "duration": "3.00ms"})).rate_limit(
                "60",
                "0",
                "1709631200",
            ),
        ])
        .await;
    let client = server_client(&server.url());
    let mut user = UserRequest::new("jack");
    user.custom.insert("favorite_color".into(), json!("green"));
    let body = MarkChannelsReadRequest {
        read_by_channel: Some(BTreeMap::from([
            ("messaging:general".to_owned(), "msg-1".to_owned()),
            ("team:ops".to_owned(), "msg-9".to_owned()),
        ])),
        user_id: None,
        user: Some(user),
        ..MarkChannelsReadRequest::default()
    };

    let response = client.mark_channels_read(&body).await.expect("marked");

    assert_server_side_request(
        &server.single_request(),
        "POST",
        "/channels/read",
        &[],
        Some(&json!({
            "read_by_channel": {"messaging:general": "msg-1", "team:ops": "msg-9"},
            "user": {"id": "jack", "favorite_color": "green"}
        })),
    );
    assert_eq!(response.status(), 201);
    let rate_limit = response.rate_limit().expect("rate limit");
    assert!(rate_limit.is_exhausted());
    let event = response.event.as_ref().expect("event");
    assert_eq!(event.type_, "message.read");
    assert_eq!(event.cid, "messaging:general");
    assert_eq!(event.created_at, at("2024-03-05T09:33:00.987654Z"));
    assert_eq!(event.last_read_message_id.as_deref(), Some("msg-1"));
    let user = event.user.as_ref().expect("user");
    assert_eq!(user.id, "jack");
    assert_eq!(user.custom.get("favorite_color"), Some(&json!("green")));
}

#[tokio::test]
async fn delete_channel_with_and_without_hard_delete() {
    let mut deleted = channel_json("messaging", "a/b c");
    deleted["deleted_at"] = json!("2024-03-06T00:00:00.000123Z");
    let server = RecordingServer::with([
        Prepared::json(200, json!({"duration": "5.5ms", "channel": deleted})),
        Prepared::json(200, json!({"duration": "1ms"})),
    ])
    .await;
    let client = server_client(&server.url());

    let response = client
        .delete_channel(
            "messaging",
            "a/b c",
            &DeleteChannelQuery {
                hard_delete: Some(true),
            },
        )
        .await
        .expect("deleted");
    let soft = client
        .delete_channel("messaging", "x", &DeleteChannelQuery::default())
        .await
        .expect("deleted");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_server_side_request(
        &requests[0],
        "DELETE",
        "/channels/messaging/a%2Fb%20c",
        &[("hard_delete", "true")],
        None,
    );
    assert_eq!(
        requests[0].raw_query.as_deref(),
        Some("api_key=key&hard_delete=true")
    );
    assert_server_side_request(&requests[1], "DELETE", "/channels/messaging/x", &[], None);
    assert_eq!(requests[1].raw_query.as_deref(), Some("api_key=key"));

    assert_eq!(response.status(), 200);
    let channel = response.channel.as_ref().expect("deleted channel");
    assert_eq!(channel.deleted_at, Some(at("2024-03-06T00:00:00.000123Z")));
    assert_eq!(channel.custom["color"], "blue");
    assert_eq!(soft.channel, None);
    assert_eq!(soft.duration, "1ms");
}

#[tokio::test]
async fn delete_channels() {
    let server = RecordingServer::with([Prepared::json(
        201,
        json!({
            "task_id": "a1b2c3d4-task",
            "result": {
                "messaging:one": {"status": "ok"},
                "messaging:two": {"status": "error", "error": "channel not found"}
            },
            "duration": "8.90ms"
        }),
    )])
    .await;
    let client = server_client(&server.url());
    let body = DeleteChannelsRequest {
        cids: strings(&["messaging:one", "messaging:two"]),
        hard_delete: Some(false),
        ..DeleteChannelsRequest::default()
    };

    let response = client.delete_channels(&body).await.expect("task started");

    assert_server_side_request(
        &server.single_request(),
        "POST",
        "/channels/delete",
        &[],
        Some(&json!({"cids": ["messaging:one", "messaging:two"], "hard_delete": false})),
    );
    assert_eq!(response.status(), 201);
    assert_eq!(response.task_id.as_deref(), Some("a1b2c3d4-task"));
    let result = response.result.as_ref().expect("result");
    assert_eq!(result["messaging:one"].status, "ok");
    assert_eq!(result["messaging:one"].error, None);
    assert_eq!(
        result["messaging:two"].error.as_deref(),
        Some("channel not found")
    );
}

fn policies_json() -> Value {
    json!([
        {
            "action": "Allow",
            "name": "Admin users can perform any action",
            "resources": ["*"],
            "roles": ["admin"],
            "owner": false,
            "priority": 999
        },
        {
            "action": "Deny",
            "name": "Anonymous users cannot read",
            "resources": ["ReadChannel"],
            "roles": ["anonymous"],
            "owner": false,
            "priority": 50
        }
    ])
}

/// A full channel type as create, get, update and list return it; `commands` differs per
/// endpoint (names or objects), so the caller sets it.
fn channel_type_json(name: &str, commands: Value) -> Value {
    let mut value = channel_config_json();
    value["name"] = json!(name);
    value["commands"] = commands;
    value["permissions"] = policies_json();
    value["grants"] = json!({
        "admin": ["delete-channel", "update-channel"],
        "user": ["read-channel", "create-message"]
    });
    value["push_level"] = json!("all_mentions");
    value["partition_ttl"] = Value::Null;
    value
}

#[tokio::test]
async fn create_channel_type() {
    let mut response = channel_type_json("livestream-2", json!(["giphy", "ban"]));
    response["duration"] = json!("20.1ms");
    let server = RecordingServer::with([Prepared::json(201, response)]).await;
    let client = server_client(&server.url());
    let body = CreateChannelTypeRequest {
        typing_events: Some(false),
        commands: Some(strings(&["giphy", "ban"])),
        permissions: Some(vec![PolicyRequest {
            action: PolicyRequestAction::Allow,
            name: "Admin users can perform any action".to_owned(),
            resources: strings(&["*"]),
            roles: strings(&["admin"]),
            owner: false,
            priority: 999,
            ..Default::default()
        }]),
        grants: Some(BTreeMap::from([(
            "admin".to_owned(),
            strings(&["delete-channel"]),
        )])),
        push_level: Some(PushLevel::AllMentions),
        max_message_length: Some(5000),
        automod: Some(Automod::Disabled),
        automod_behavior: Some(CreateChannelTypeRequestAutomodBehavior::Flag),
        ..CreateChannelTypeRequest::new("livestream-2")
    };

    let created = client.create_channel_type(&body).await.expect("created");

    assert_server_side_request(
        &server.single_request(),
        "POST",
        "/channeltypes",
        &[],
        Some(&json!({
            "name": "livestream-2",
            "typing_events": false,
            "max_message_length": 5000,
            "automod": "disabled",
            "automod_behavior": "flag",
            "commands": ["giphy", "ban"],
            "permissions": [{
                "action": "Allow",
                "name": "Admin users can perform any action",
                "resources": ["*"],
                "roles": ["admin"],
                "owner": false,
                "priority": 999
            }],
            "grants": {"admin": ["delete-channel"]},
            "push_level": "all_mentions"
        })),
    );
    assert_eq!(created.status(), 201);
    assert_eq!(created.name, "livestream-2");
    assert_eq!(created.commands, strings(&["giphy", "ban"]));
    assert_eq!(created.permissions.len(), 2);
    assert_eq!(created.permissions[1].action, PolicyRequestAction::Deny);
    assert_eq!(
        created.grants["user"],
        strings(&["read-channel", "create-message"])
    );
    assert_eq!(created.push_level, Some(PushLevel::AllMentions));
    assert_eq!(created.partition_ttl, None);
    assert!(created.typing_events && !created.polls);
    assert_eq!(created.duration, "20.1ms");
}

#[tokio::test]
async fn get_channel_type() {
    let mut response = channel_type_json("messaging", channel_config_json()["commands"].clone());
    response["duration"] = json!("0.98ms");
    let server = RecordingServer::with([Prepared::json(200, response)]).await;
    let client = server_client(&server.url());

    let got = client.get_channel_type("messaging").await.expect("got");

    assert_server_side_request(
        &server.single_request(),
        "GET",
        "/channeltypes/messaging",
        &[],
        None,
    );
    assert_eq!(got.status(), 200);
    assert_eq!(got.name, "messaging");
    assert_eq!(got.commands.len(), 1);
    assert_eq!(got.commands[0].name, "giphy");
    assert_eq!(
        got.commands[0].description,
        "Post a random gif to the channel"
    );
    assert_eq!(got.permissions[0].roles, strings(&["admin"]));
    assert_eq!(got.permissions[0].priority, 999);
    assert_eq!(got.created_at, at("2023-01-10T12:00:00Z"));
    assert_eq!(got.updated_at, at("2024-02-11T13:14:15.161718Z"));
    assert_eq!(got.automod, Automod::Disabled);
    assert_eq!(got.max_message_length, 5000);
}

#[tokio::test]
async fn list_channel_types() {
    let commands = channel_config_json()["commands"].clone();
    let mut livestream = channel_type_json("livestream", json!([]));
    livestream["automod"] = json!("AI");
    livestream["automod_behavior"] = json!("shadow_block");
    let server = RecordingServer::with([Prepared::json(
        200,
        json!({
            "channel_types": {
                "messaging": channel_type_json("messaging", commands),
                "livestream": livestream
            },
            "duration": "4.2ms"
        }),
    )
    .rate_limit("1000", "998", "1709631180")])
    .await;
    let client = server_client(&server.url());

    let list = client.list_channel_types().await.expect("listed");

    assert_server_side_request(&server.single_request(), "GET", "/channeltypes", &[], None);
    assert_eq!(list.status(), 200);
    assert_eq!(list.rate_limit().and_then(|r| r.remaining), Some(998));
    let names: Vec<&str> = list.channel_types.keys().map(String::as_str).collect();
    assert_eq!(names, ["livestream", "messaging"]);
    let livestream = &list.channel_types["livestream"];
    assert_eq!(livestream.automod, Automod::Ai);
    assert_eq!(livestream.automod_behavior, AutomodBehavior::ShadowBlock);
    assert!(livestream.commands.is_empty());
    assert_eq!(list.channel_types["messaging"].commands[0].set, "fun_set");
    assert_eq!(list.duration, "4.2ms");
}

#[tokio::test]
async fn update_channel_type() {
    let mut response = channel_type_json("team chat", json!(["giphy"]));
    response["automod"] = json!("simple");
    response["automod_behavior"] = json!("block");
    response["max_message_length"] = json!(2000);
    response["duration"] = json!("7ms");
    let server = RecordingServer::with([Prepared::json(201, response)]).await;
    let client = server_client(&server.url());
    let body = UpdateChannelTypeRequest {
        replies: Some(false),
        commands: Some(strings(&["giphy"])),
        max_message_length: Some(2000),
        automod: Some(Automod::Simple),
        automod_behavior: Some(AutomodBehavior::Block),
        ..UpdateChannelTypeRequest::default()
    };

    let updated = client
        .update_channel_type("team chat", &body)
        .await
        .expect("updated");

    assert_server_side_request(
        &server.single_request(),
        "PUT",
        "/channeltypes/team%20chat",
        &[],
        Some(&json!({
            "replies": false,
            "max_message_length": 2000,
            "automod": "simple",
            "automod_behavior": "block",
            "commands": ["giphy"]
        })),
    );
    assert_eq!(updated.status(), 201);
    assert_eq!(updated.name, "team chat");
    assert_eq!(updated.automod, Automod::Simple);
    assert_eq!(updated.automod_behavior, AutomodBehavior::Block);
    assert_eq!(updated.max_message_length, 2000);
    assert_eq!(updated.commands, strings(&["giphy"]));
}

#[tokio::test]
async fn delete_channel_type() {
    let server = RecordingServer::with([Prepared::json(200, json!({"duration": "1.01ms"}))]).await;
    let client = server_client(&server.url());

    let response = client
        .delete_channel_type("old/type?x=1")
        .await
        .expect("deleted");

    assert_server_side_request(
        &server.single_request(),
        "DELETE",
        "/channeltypes/old%2Ftype%3Fx%3D1",
        &[],
        None,
    );
    assert_eq!(response.status(), 200);
    assert_eq!(response.duration, "1.01ms");
}

#[tokio::test]
async fn export_channels() {
    let server = RecordingServer::with([Prepared::json(
        201,
        json!({"task_id": "export-task-1", "duration": "15ms"}),
    )])
    .await;
    let client = server_client(&server.url());
    let body = ExportChannelsRequest {
        format: Some(ExportChannelsRequestFormat::Json),
        include_truncated_messages: Some(true),
        ..ExportChannelsRequest::new(vec![
            ChannelExport {
                type_: Some("messaging".into()),
                id: Some("general".into()),
                messages_since: Some(at("2024-01-01T00:00:00Z")),
                ..ChannelExport::default()
            },
            ChannelExport {
                cid: Some("livestream:fans".into()),
                ..ChannelExport::default()
            },
        ])
    };

    let response = client.export_channels(&body).await.expect("export started");

    assert_server_side_request(
        &server.single_request(),
        "POST",
        "/export_channels",
        &[],
        Some(&json!({
            "channels": [
                {"type": "messaging", "id": "general", "messages_since": "2024-01-01T00:00:00Z"},
                {"cid": "livestream:fans"}
            ],
            "include_truncated_messages": true,
            "format": "json"
        })),
    );
    assert_eq!(response.status(), 201);
    assert_eq!(response.task_id, "export-task-1");
    assert_eq!(response.duration, "15ms");
}

#[tokio::test]
async fn get_export_channels_status_deprecated() {
    let server = RecordingServer::with([Prepared::json(
        200,
        json!({
            "task_id": "task 1/2",
            "status": "completed",
            "created_at": "2024-03-05T10:00:00.1Z",
            "updated_at": "2024-03-05T10:00:05.123456Z",
            "result": {"url": "https://chat-exports.example.com/exports/file.json?sig=abc"},
            "duration": "0.5ms"
        }),
    )])
    .await;
    let client = server_client(&server.url());

    #[allow(deprecated)]
    let response = client
        .get_export_channels_status("task 1/2")
        .await
        .expect("status");

    assert_server_side_request(
        &server.single_request(),
        "GET",
        "/export_channels/task%201%2F2",
        &[],
        None,
    );
    assert_eq!(response.status(), 200);
    assert_eq!(response.task_id, "task 1/2");
    assert_eq!(response.status, "completed");
    assert_eq!(response.updated_at, Some(at("2024-03-05T10:00:05.123456Z")));
    assert_eq!(
        response.result.as_ref().and_then(|r| r["url"].as_str()),
        Some("https://chat-exports.example.com/exports/file.json?sig=abc")
    );
    assert_eq!(response.error, None);
}

#[test]
fn operation_metadata() {
    let operations_in_spec = stream_chat_codegen::counts::Counts::of(&spec_api()).operations;
    assert_eq!(operations::ALL.len(), operations_in_spec);
    let mut names: Vec<&str> = operations::ALL.iter().map(|op| op.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        operations_in_spec,
        "operation names are unique"
    );
    for name in [
        "GetOrCreateChannel",
        "HideChannel",
        "MarkChannelsRead",
        "DeleteChannel",
        "DeleteChannels",
        "CreateChannelType",
        "GetChannelType",
        "ListChannelTypes",
        "UpdateChannelType",
        "DeleteChannelType",
        "ExportChannels",
        "GetExportChannelsStatus",
    ] {
        assert!(operations::find(name).is_some(), "{name} missing");
    }

    let delete = operations::find("DeleteChannel").expect("DeleteChannel");
    assert_eq!(delete.method, Method::Delete);
    assert_eq!(delete.path, "/channels/{type}/{id}");
    assert_eq!(delete.events, ["channel.deleted"]);
    assert_eq!(delete.permissions, [Permission::DeleteChannel]);
    assert_eq!(delete.success_status, 200);
    assert!(!delete.server_side_only && !delete.deprecated);
    assert_eq!(
        delete.to_string(),
        "DeleteChannel (DELETE /channels/{type}/{id})"
    );

    let hide = operations::find("HideChannel").expect("HideChannel");
    assert_eq!(hide.permissions, [Permission::ReadChannel]);
    assert_eq!(hide.success_status, 201);

    let status = operations::find("GetExportChannelsStatus").expect("export status");
    assert!(status.deprecated && status.server_side_only);
    assert_eq!(status.method, Method::Get);
    assert_eq!(status.path, "/export_channels/{id}");

    let get_or_create = operations::find("GetOrCreateChannel").expect("get or create");
    assert_eq!(
        get_or_create.events,
        [
            "channel.created",
            "member.added",
            "member.removed",
            "member.updated",
            "user.watching.start"
        ]
    );
    assert!(operations::find("deleteChannel").is_none());
    assert!(operations::find("Nope").is_none());
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = RecordingServer::with([Prepared::json(200, json!({"duration": "1ms"}))]).await;
    let client = Client::builder("key")
        .server_side(Secret::new(SECRET))
        .base_url(format!("{}/proxy/stream/", server.url()))
        .build()
        .expect("client");

    client.delete_channel_type("a b").await.expect("deleted");

    assert_server_side_request(
        &server.single_request(),
        "DELETE",
        "/proxy/stream/channeltypes/a%20b",
        &[],
        None,
    );
}

/// An id of `.` or `..` must never turn into a request to another endpoint: URL parsers
/// resolve `%2E`/`%2E%2E` segments as dot segments (`get_or_create_channel("messaging", "..")`
/// would post to `/channels/query`, Query Channels), so the call fails before sending anything.
#[tokio::test]
async fn dot_segment_ids_never_reach_another_endpoint() {
    let server = RecordingServer::start().await;
    for _ in 0..4 {
        server.push(Prepared::json(200, json!({"duration": "1ms"})));
    }
    let client = server_client(&server.url());

    let results = [
        client
            .get_or_create_channel("messaging", "..", &ChannelGetOrCreateRequest::default())
            .await
            .map(|_| ()),
        client
            .hide_channel("messaging", "..", &HideChannelRequest::default())
            .await
            .map(|_| ()),
        client
            .delete_channel("messaging", ".", &DeleteChannelQuery::default())
            .await
            .map(|_| ()),
        client.delete_channel_type("..").await.map(|_| ()),
    ];

    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        paths.is_empty(),
        "requests reached other endpoints: {paths:?}"
    );
    for result in results {
        assert!(
            matches!(result, Err(Error::Encode { .. })),
            "expected Error::Encode, got {result:?}"
        );
    }
}
