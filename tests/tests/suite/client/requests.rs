//! Requests send only what the caller set: a field the spec makes optional, against Stream's
//! documents, is left out of the JSON body when the caller leaves it unset, so a settings update
//! never overwrites settings the caller did not mention. Each test asserts the exact body a local
//! server received. `docs/request-deviations.md` lists these fields and the evidence.

use serde_json::{json, Value};
use stream_chat_client::models::{
    CreateChannelTypeRequest, FileUploadConfig, MuteUserRequest, PushConfig, UpdateAppRequest,
    UpdateChannelTypeRequest, UpdateCommandRequest,
};
use stream_chat_tests::{
    assert_server_side_request, channel_config_json, server_client, user_json, Prepared,
    RecordingServer,
};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A channel type as create and update return it, with these command names.
fn channel_type_json(name: &str, commands: &[&str]) -> Value {
    let mut value = channel_config_json();
    value["name"] = json!(name);
    value["commands"] = json!(commands);
    value["permissions"] = json!([]);
    value["grants"] = json!({});
    value["duration"] = json!("3.1ms");
    value
}

/// As the Python SDK's integration test does against the live service: only `commands`.
#[tokio::test]
async fn update_channel_type_sends_only_the_fields_set() {
    let server = RecordingServer::with([Prepared::json(
        201,
        channel_type_json("team", &["ban", "unban"]),
    )])
    .await;
    let client = server_client(&server.url());
    let body = UpdateChannelTypeRequest::default().commands(strings(&["ban", "unban"]));

    let updated = client
        .update_channel_type("team", &body)
        .await
        .expect("updated");

    assert_server_side_request(
        &server.single_request(),
        "PUT",
        "/channeltypes/team",
        &[],
        Some(&json!({"commands": ["ban", "unban"]})),
    );
    assert_eq!(updated.commands, strings(&["ban", "unban"]));
}

/// An update of one setting leaves automatic moderation and the length limit out.
#[tokio::test]
async fn update_channel_type_of_one_setting_leaves_moderation_out() {
    let server = RecordingServer::with([Prepared::json(
        201,
        channel_type_json("messaging", &["giphy"]),
    )])
    .await;
    let client = server_client(&server.url());
    let body = UpdateChannelTypeRequest::default().typing_events(true);

    client
        .update_channel_type("messaging", &body)
        .await
        .expect("updated");

    assert_server_side_request(
        &server.single_request(),
        "PUT",
        "/channeltypes/messaging",
        &[],
        Some(&json!({"typing_events": true})),
    );
}

/// As the JS SDK's live-service test creates one: a name and commands; the service fills in the
/// length limit and automatic moderation.
#[tokio::test]
async fn create_channel_type_sends_only_the_fields_set() {
    let server =
        RecordingServer::with([Prepared::json(201, channel_type_json("support", &["all"]))]).await;
    let client = server_client(&server.url());
    let body = CreateChannelTypeRequest::new("support").commands(strings(&["all"]));

    let created = client.create_channel_type(&body).await.expect("created");

    assert_server_side_request(
        &server.single_request(),
        "POST",
        "/channeltypes",
        &[],
        Some(&json!({"name": "support", "commands": ["all"]})),
    );
    assert_eq!(created.name, "support");
}

/// As all three SDKs mute by default: no `timeout`, so the mute never expires.
#[tokio::test]
async fn mute_user_without_timeout_sends_no_timeout() {
    let server = RecordingServer::with([Prepared::json(
        201,
        json!({
            "mutes": [{
                "user": user_json("jack", "Jack"),
                "target": user_json("bob", "Bob"),
                "created_at": "2024-03-05T09:31:00Z",
                "updated_at": "2024-03-05T09:31:00Z"
            }],
            "duration": "2.4ms"
        }),
    )])
    .await;
    let client = server_client(&server.url());
    let body = MuteUserRequest {
        target_ids: Some(strings(&["bob"])),
        user_id: Some("jack".to_owned()),
        ..MuteUserRequest::default()
    };

    let muted = client.mute_user(&body).await.expect("muted");

    assert_server_side_request(
        &server.single_request(),
        "POST",
        "/moderation/mute",
        &[],
        Some(&json!({"target_ids": ["bob"], "user_id": "jack"})),
    );
    let mutes = muted.mutes.as_ref().expect("mutes");
    assert_eq!(mutes.len(), 1);
    assert_eq!(mutes[0].expires, None);
}

/// A command update sends only what changes, as Stream's guide to custom commands says.
#[tokio::test]
async fn update_command_sends_only_the_fields_set() {
    let server = RecordingServer::with([Prepared::json(
        201,
        json!({
            "command": {
                "name": "ticket",
                "description": "Create a support ticket",
                "args": "[summary]",
                "set": "support",
                "created_at": "2024-03-01T10:16:00Z",
                "updated_at": "2024-03-05T09:31:00Z"
            },
            "duration": "1.2ms"
        }),
    )])
    .await;
    let client = server_client(&server.url());
    let body = UpdateCommandRequest {
        args: Some("[summary]".to_owned()),
        ..UpdateCommandRequest::default()
    };

    let updated = client
        .update_command("ticket", &body)
        .await
        .expect("updated");

    assert_server_side_request(
        &server.single_request(),
        "PUT",
        "/commands/ticket",
        &[],
        Some(&json!({"args": "[summary]"})),
    );
    let command = updated.command.as_ref().expect("command");
    assert_eq!(command.description, "Create a support ticket");
}

/// App settings are a partial update down to their nested objects: push settings without a
/// `version`, upload settings without a `size_limit`.
#[tokio::test]
async fn update_app_sends_only_the_nested_settings_set() {
    let server = RecordingServer::with([Prepared::json(200, json!({"duration": "5.3ms"}))]).await;
    let client = server_client(&server.url());
    let push_config = PushConfig {
        offline_only: Some(true),
        ..PushConfig::default()
    };
    let file_upload_config = FileUploadConfig {
        allowed_file_extensions: Some(strings(&[".pdf", ".txt"])),
        ..FileUploadConfig::default()
    };
    let body = UpdateAppRequest::default()
        .push_config(push_config)
        .file_upload_config(file_upload_config);

    client.update_app(&body).await.expect("updated");

    assert_server_side_request(
        &server.single_request(),
        "PATCH",
        "/app",
        &[],
        Some(&json!({
            "push_config": {"offline_only": true},
            "file_upload_config": {"allowed_file_extensions": [".pdf", ".txt"]}
        })),
    );
}
