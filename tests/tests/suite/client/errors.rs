//! How the client maps what comes back from a local HTTP server: compressed bodies, API error
//! bodies, plain-text and empty errors from the edge, bodies that do not decode, any 2xx as
//! success, timeouts, refused connections and lenient rate-limit headers.

use std::time::Duration;

use chrono::DateTime;
use serde_json::{json, Value};
use stream_chat_client::models::{
    DeleteChannelQuery, HideChannelRequest, MarkChannelsReadRequest, MessageRequest,
    SendMessageRequest,
};
use stream_chat_client::{Client, Error, Secret};
use stream_chat_tests::{
    channel_config_json, refused_url, server_client, Prepared, RecordingServer, SECRET,
};

/// A minimal but complete `GetChannelTypeResponse`.
fn channel_type_json() -> Value {
    let mut value = channel_config_json();
    value["permissions"] = json!([{
        "action": "Allow",
        "name": "Admin users can perform any action",
        "resources": ["*"],
        "roles": ["admin"],
        "owner": false,
        "priority": 999
    }]);
    value["grants"] = json!({"admin": ["delete-channel"]});
    value["duration"] = json!("0.87ms");
    value
}

/// The error body the API sends for a missing channel.
fn not_found_json() -> Value {
    json!({
        "code": 16,
        "message": "DeleteChannel failed with error: \"Can't find channel with id messaging:gone\"",
        "exception_fields": {"id": "channel does not exist"},
        "StatusCode": 404,
        "duration": "0.03ms",
        "more_info": "https://getstream.io/chat/docs/api_errors_response",
        "details": [{"code": 16, "message": "channel missing", "extra": {"cid": "messaging:gone"}}],
        "unrecoverable": true
    })
}

#[tokio::test]
async fn gzip_response_decodes() {
    let server = RecordingServer::with([Prepared::json(200, channel_type_json())
        .gzip()
        .rate_limit("300", "12", "1709631120")])
    .await;
    let client = server_client(&server.url());

    let response = client
        .get_channel_type("messaging")
        .await
        .expect("gzip body");

    let request = server.single_request();
    assert!(request
        .header("accept-encoding")
        .is_some_and(|v| v.contains("gzip")));
    assert_eq!(response.status(), 200);
    assert_eq!(response.name, "messaging");
    assert_eq!(response.commands[0].name, "giphy");
    assert_eq!(response.duration, "0.87ms");
    assert_eq!(response.rate_limit().and_then(|r| r.remaining), Some(12));
}

#[tokio::test]
async fn deflate_response_decodes() {
    let server = RecordingServer::with([Prepared::json(200, channel_type_json()).deflate()]).await;
    let client = server_client(&server.url());

    let response = client
        .get_channel_type("messaging")
        .await
        .expect("deflate body");

    assert_eq!(response.name, "messaging");
    assert_eq!(response.permissions[0].priority, 999);
}

#[tokio::test]
async fn gzip_error_body_is_an_api_error() {
    let server = RecordingServer::with([Prepared::json(404, not_found_json()).gzip()]).await;
    let client = server_client(&server.url());

    let error = client
        .delete_channel("messaging", "gone", &DeleteChannelQuery::default())
        .await
        .expect_err("404");

    assert_eq!(error.api_error().map(|e| e.code), Some(16), "{error:?}");
}

#[tokio::test]
async fn json_error_body_is_an_api_error() {
    let server = RecordingServer::with([Prepared::json(404, not_found_json()).rate_limit(
        "60",
        "59",
        "1709631120",
    )])
    .await;
    let client = server_client(&server.url());

    let error = client
        .delete_channel(
            "messaging",
            "gone",
            &DeleteChannelQuery {
                hard_delete: Some(true),
            },
        )
        .await
        .expect_err("404");

    let Error::Api {
        operation,
        status,
        error: api,
        rate_limit,
        ..
    } = &error
    else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(*operation, "DeleteChannel");
    assert_eq!(*status, 404);
    assert_eq!(api.code, 16);
    assert_eq!(
        api.message,
        "DeleteChannel failed with error: \"Can't find channel with id messaging:gone\""
    );
    assert_eq!(api.status_code, 404);
    assert_eq!(api.duration, "0.03ms");
    assert_eq!(
        api.more_info,
        "https://getstream.io/chat/docs/api_errors_response"
    );
    assert_eq!(
        api.exception_fields
            .as_ref()
            .and_then(|f| f.get("id"))
            .map(String::as_str),
        Some("channel does not exist")
    );
    assert_eq!(api.details, not_found_json()["details"]);
    assert_eq!(api.unrecoverable, Some(true));
    let rate_limit = rate_limit.expect("rate limit");
    assert_eq!(rate_limit.limit, Some(60));
    assert_eq!(rate_limit.remaining, Some(59));
    assert_eq!(rate_limit.reset, DateTime::from_timestamp(1_709_631_120, 0));

    assert_eq!(error.status(), Some(404));
    assert_eq!(error.operation(), Some("DeleteChannel"));
    assert!(error.is_unrecoverable());
    assert!(!error.is_rate_limited() && !error.is_timeout());
    assert_eq!(error.rate_limit().and_then(|r| r.remaining), Some(59));
    assert_eq!(
        error.to_string(),
        "DeleteChannel failed with HTTP 404: Stream error 16: DeleteChannel failed with error: \
         \"Can't find channel with id messaging:gone\""
    );
}

#[tokio::test]
async fn json_rate_limit_error() {
    let body = json!({
        "code": 9,
        "message": "Too many requests, check response headers for more information.",
        "StatusCode": 429,
        "duration": "",
        "more_info": "https://getstream.io/chat/docs/rate_limits",
        "details": []
    });
    let server =
        RecordingServer::with([Prepared::json(429, body).rate_limit("60", "0", "1709631120")])
            .await;
    let client = server_client(&server.url());

    let error = client.list_channel_types().await.expect_err("429");

    assert!(error.is_rate_limited(), "{error:?}");
    let api = error.api_error().expect("API error");
    assert_eq!(api.code, 9);
    assert_eq!(api.unrecoverable, None);
    assert!(!error.is_unrecoverable());
    assert!(error.rate_limit().expect("rate limit").is_exhausted());
}

#[tokio::test]
async fn plain_text_502_keeps_the_text() {
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                <center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
    let server = RecordingServer::with([Prepared::new(502, html)
        .header("content-type", "text/html")
        .header("X-RateLimit-Limit", "300")])
    .await;
    let client = server_client(&server.url());

    let error = client.get_channel_type("messaging").await.expect_err("502");

    match &error {
        Error::Http {
            operation,
            status,
            body,
            rate_limit,
            ..
        } => {
            assert_eq!(*operation, "GetChannelType");
            assert_eq!(*status, 502);
            assert_eq!(body, html);
            assert_eq!(rate_limit.and_then(|r| r.limit), Some(300));
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    assert_eq!(error.status(), Some(502));
    assert!(error.api_error().is_none());
    assert!(
        error
            .to_string()
            .starts_with("GetChannelType failed with HTTP 502: <html>"),
        "{error}"
    );
}

#[tokio::test]
async fn empty_500_and_429_bodies() {
    let server = RecordingServer::with([
        Prepared::empty(500),
        Prepared::empty(429).rate_limit("300", "0", "1709631120"),
    ])
    .await;
    let client = server_client(&server.url());

    let error = client.list_channel_types().await.expect_err("500");
    match &error {
        Error::Http { status, body, .. } => {
            assert_eq!(*status, 500);
            assert_eq!(body, "");
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    assert!(!error.is_rate_limited());
    assert_eq!(error.rate_limit(), None);
    assert_eq!(
        error.to_string(),
        "ListChannelTypes failed with HTTP 500 with an empty body"
    );

    let error = client.list_channel_types().await.expect_err("429");
    match &error {
        Error::Http { status, body, .. } => {
            assert_eq!(*status, 429);
            assert_eq!(body, "");
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    assert!(error.is_rate_limited());
    let rate_limit = error.rate_limit().expect("rate limit");
    assert!(rate_limit.is_exhausted());
    assert_eq!(rate_limit.reset, DateTime::from_timestamp(1_709_631_120, 0));
}

#[tokio::test]
async fn json_body_that_is_no_api_error_is_kept_as_text() {
    let server =
        RecordingServer::with([Prepared::json(503, json!({"status": "unavailable"}))]).await;
    let client = server_client(&server.url());

    let error = client.list_channel_types().await.expect_err("503");

    match error {
        Error::Http { status, body, .. } => {
            assert_eq!(status, 503);
            assert_eq!(body, r#"{"status":"unavailable"}"#);
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
}

/// A body that breaks off is a decode error naming where it did, with the rate limit and the
/// start of the body.
#[tokio::test]
async fn truncated_body_is_a_decode_error_naming_the_field() {
    let mut body = channel_type_json();
    body["commands"] = json!([
        {"name": "giphy", "description": "d", "args": "", "set": "fun_set"},
        {"name": "ban", "description": "d", "args": "", "set": "fun_set"}
    ]);
    let text = body.to_string();
    let cut = text.find(r#""ban""#).expect("the second command's name");
    let server = RecordingServer::with([Prepared::new(200, &text[..cut])
        .header("content-type", "application/json")
        .rate_limit("300", "100", "1709631120")])
    .await;
    let client = server_client(&server.url());

    let error = client
        .get_channel_type("messaging")
        .await
        .expect_err("bad body");

    match &error {
        Error::Decode {
            operation,
            status,
            path,
            body_excerpt,
            rate_limit,
            ..
        } => {
            assert_eq!(*operation, "GetChannelType");
            assert_eq!(*status, 200);
            assert_eq!(path, "commands[1].name");
            assert!(body_excerpt.starts_with(r#"{"automod""#), "{body_excerpt}");
            assert!(body_excerpt.ends_with(r#""name":"#), "{body_excerpt}");
            assert_eq!(rate_limit.and_then(|r| r.remaining), Some(100));
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert!(error.to_string().contains("`commands[1].name`"), "{error}");
    assert_eq!(error.status(), Some(200));
}

/// The mismatches of a response, as `kind path (json_type)` lines.
fn mismatch_lines(mismatches: &[stream_chat_client::Mismatch]) -> Vec<String> {
    mismatches.iter().map(ToString::to_string).collect()
}

/// A value of the wrong type (a number for a string, for an enum, a date that does not parse)
/// does not fail the call: its field holds its default, the value is kept as sent and written
/// back, and the response records where it was.
#[tokio::test]
async fn values_of_the_wrong_type_are_kept_and_recorded() {
    use stream_chat_client::models::Automod;
    use stream_chat_client::WireObject as _;

    let mut body = channel_type_json();
    body["commands"] = json!([
        {"name": "giphy", "description": "d", "args": "", "set": "fun_set"},
        {"name": 42, "description": "d", "args": "", "set": "fun_set"}
    ]);
    body["automod"] = json!(3);
    let channel = json!({
        "id": "general", "type": "messaging", "cid": "messaging:general",
        "created_at": "yesterday", "updated_at": "2024-03-01T10:16:00Z",
        "frozen": false, "disabled": false, "name": "General"
    });
    let server = RecordingServer::with([
        Prepared::json(200, body.clone()),
        Prepared::json(200, json!({"duration": "1ms", "channel": channel})),
    ])
    .await;
    let client = server_client(&server.url());

    let response = client.get_channel_type("messaging").await.expect("decodes");
    assert_eq!(response.commands[0].name, "giphy");
    assert_eq!(response.commands[1].name, "", "the default");
    assert_eq!(response.commands[1].raw("name"), Some(&json!(42)));
    assert_eq!(response.automod, Automod::default());
    assert_eq!(response.raw("automod"), Some(&json!(3)));
    let lines = mismatch_lines(response.mismatches());
    assert!(
        lines.contains(&"wrong_type at GetChannelTypeResponse.automod (number)".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"wrong_type at GetChannelTypeResponse.commands[].name (number)".to_owned()),
        "{lines:?}"
    );
    // Written back as it came.
    assert_eq!(
        serde_json::to_value(response.body()).expect("encodes"),
        body
    );

    let deleted = client
        .delete_channel("messaging", "general", &DeleteChannelQuery::default())
        .await
        .expect("decodes");
    let channel = deleted.channel.as_ref().expect("channel");
    assert_eq!(channel.created_at, DateTime::UNIX_EPOCH);
    assert_eq!(channel.raw("created_at"), Some(&json!("yesterday")));
    assert_eq!(channel.custom["name"], "General");
    assert_eq!(
        mismatch_lines(deleted.mismatches()),
        ["wrong_type at DeleteChannelResponse.channel.created_at (string)"]
    );
}

#[tokio::test]
async fn invalid_json_success_body_is_a_decode_error() {
    let server = RecordingServer::with([
        Prepared::new(200, "<html>maintenance</html>").header("content-type", "text/html"),
        Prepared::new(201, r#"{"duration": "1ms"} trailing"#),
    ])
    .await;
    let client = server_client(&server.url());

    let error = client.list_channel_types().await.expect_err("HTML");
    match &error {
        Error::Decode {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(*status, 200);
            assert_eq!(body_excerpt, "<html>maintenance</html>");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert!(
        error.to_string().contains("<html>maintenance</html>"),
        "{error}"
    );

    let error = client
        .hide_channel("messaging", "general", &HideChannelRequest::default())
        .await
        .expect_err("trailing data");
    match &error {
        Error::Decode {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(*status, 201);
            assert_eq!(body_excerpt, r#"{"duration": "1ms"} trailing"#);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn empty_success_bodies_decode_when_nothing_is_required() {
    let server = RecordingServer::with([
        Prepared::empty(201),
        Prepared::empty(201).rate_limit("10", "9", "1709631120"),
        Prepared::new(200, " \n"),
    ])
    .await;
    let client = server_client(&server.url());

    let hidden = client
        .hide_channel("messaging", "general", &HideChannelRequest::default())
        .await
        .expect("empty body");
    assert_eq!(hidden.status(), 201);
    assert_eq!(hidden.duration, "");

    let marked = client
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .await
        .expect("empty body");
    assert_eq!(marked.event, None);
    assert_eq!(marked.rate_limit().and_then(|r| r.remaining), Some(9));

    let deleted = client
        .delete_channel_type("old")
        .await
        .expect("whitespace body");
    assert_eq!(deleted.duration, "");
}

#[tokio::test]
async fn every_2xx_status_is_success() {
    let server = RecordingServer::with([
        Prepared::json(202, json!({"duration": "1ms"})),
        Prepared::empty(204),
        Prepared::json(203, json!({"duration": "3ms"})),
        Prepared::json(299, json!({"duration": "4ms"})),
    ])
    .await;
    let client = server_client(&server.url());

    let accepted = client.delete_channel_type("a").await.expect("202");
    assert_eq!(accepted.status(), 202);
    assert_eq!(accepted.duration, "1ms");

    let no_content = client.delete_channel_type("b").await.expect("204");
    assert_eq!(no_content.status(), 204);
    assert_eq!(no_content.duration, "");

    let other = client.delete_channel_type("c").await.expect("203");
    assert_eq!(other.status(), 203);
    let odd = client.delete_channel_type("d").await.expect("299");
    assert_eq!(odd.status(), 299);
    assert_eq!(odd.duration, "4ms");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn slow_response_times_out() {
    let server = RecordingServer::with([
        // Far past the client's timeout: the call can only end by timing out.
        Prepared::json(200, json!({"duration": "1ms"})).delay(Duration::from_secs(60)),
    ])
    .await;
    let client = Client::builder("key")
        .server_side(Secret::new(SECRET))
        .base_url(server.url())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");

    let error = client
        .delete_channel_type("slow")
        .await
        .expect_err("timeout");

    assert!(error.is_timeout(), "{error:?}");
    assert!(matches!(error, Error::Timeout { .. }));
    assert_eq!(error.status(), None);
    assert_eq!(server.requests().len(), 1, "the request reached the server");
}

#[tokio::test]
async fn refused_connection_is_a_transport_error() {
    let client = server_client(&refused_url());

    let error = client
        .get_channel_type("messaging")
        .await
        .expect_err("nothing listens");

    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(!error.is_timeout());
    assert_eq!(error.status(), None);
    assert_eq!(error.rate_limit(), None);
    // The cause, and the host without the query (the API key).
    let message = error.to_string();
    assert!(
        message.starts_with("GetChannelType: cannot connect to 127.0.0.1:"),
        "{message}"
    );
    assert!(message.contains("Connection refused"), "{message}");
    assert!(!message.contains("api_key") && !format!("{error:?}").contains("api_key"));
}

#[tokio::test]
async fn lenient_rate_limit_headers() {
    let server = RecordingServer::with([
        // Repeated values in one header, and the same header twice.
        Prepared::json(200, json!({"duration": "1ms"}))
            .header("X-RateLimit-Limit", "300, 300")
            .header("X-RateLimit-Remaining", "299")
            .header("X-RateLimit-Remaining", "298")
            .header("X-RateLimit-Reset", "1709631120, 1709631120"),
        // Garbage everywhere: no rate limit, but the call succeeds.
        Prepared::json(200, json!({"duration": "2ms"}))
            .header("X-RateLimit-Limit", "lots")
            .header("X-RateLimit-Remaining", "-1")
            .header_bytes("X-RateLimit-Reset", b"\xff\xfe"),
        // Partly usable.
        Prepared::json(200, json!({"duration": "3ms"}))
            .header("X-RateLimit-Limit", "")
            .header("X-RateLimit-Remaining", "7")
            .header("X-RateLimit-Reset", "99999999999999999999"),
        // On an error: garbage and duplicates never hide the error.
        Prepared::json(404, not_found_json())
            .header("X-RateLimit-Limit", "300, 300")
            .header("X-RateLimit-Remaining", "soon")
            .header("X-RateLimit-Reset", "1709631120.9"),
        Prepared::text(502, "Bad Gateway").header("X-RateLimit-Limit", "NaN"),
    ])
    .await;
    let client = server_client(&server.url());

    let response = client.delete_channel_type("a").await.expect("duplicates");
    let rate_limit = response.rate_limit().expect("rate limit");
    assert_eq!(rate_limit.limit, Some(300));
    assert_eq!(rate_limit.remaining, Some(299));
    assert_eq!(rate_limit.reset, DateTime::from_timestamp(1_709_631_120, 0));

    let response = client.delete_channel_type("b").await.expect("garbage");
    assert_eq!(response.rate_limit(), None);
    assert_eq!(response.duration, "2ms");

    let response = client.delete_channel_type("c").await.expect("partial");
    let rate_limit = response.rate_limit().expect("rate limit");
    assert_eq!(
        (rate_limit.limit, rate_limit.remaining, rate_limit.reset),
        (None, Some(7), None)
    );

    let error = client.delete_channel_type("d").await.expect_err("404");
    assert_eq!(error.api_error().map(|e| e.code), Some(16));
    let rate_limit = error.rate_limit().expect("rate limit");
    assert_eq!(rate_limit.limit, Some(300));
    assert_eq!(rate_limit.remaining, None);
    assert_eq!(rate_limit.reset, DateTime::from_timestamp(1_709_631_120, 0));

    let error = client.delete_channel_type("e").await.expect_err("502");
    assert!(
        matches!(error, Error::Http { status: 502, .. }),
        "{error:?}"
    );
    assert_eq!(error.rate_limit(), None);
}

/// A `SendMessage` response whose message quotes a message `depth` times, each level a full
/// message with its author (as `message.quoted_message.quoted_message...`).
fn quoting_messages(depth: usize) -> Value {
    let message = json!({
        "id": "msg-1", "text": "hi", "html": "<p>hi</p>", "type": "regular",
        "user": {"id": "jack", "language": "en", "role": "user", "teams": [],
                 "created_at": "2024-03-01T10:15:30Z", "updated_at": "2024-03-01T10:15:30Z",
                 "banned": false, "online": false, "blocked_user_ids": [],
                 "shadow_banned": false, "invisible": false},
        "attachments": [], "latest_reactions": [], "own_reactions": [],
        "reaction_counts": {}, "reaction_scores": {}, "reply_count": 0,
        "deleted_reply_count": 0, "cid": "messaging:general",
        "created_at": "2024-03-05T09:31:00Z", "updated_at": "2024-03-05T09:31:00Z",
        "shadowed": false, "mentioned_users": [], "mentioned_channel": false,
        "mentioned_here": false, "silent": false, "pinned": false, "restricted_visibility": []
    });
    let mut nested = message.clone();
    for _ in 0..depth {
        let mut outer = message.clone();
        outer["quoted_message"] = nested;
        nested = outer;
    }
    json!({ "message": nested, "duration": "1ms" })
}

/// Regression (found while fuzzing): 50 nested quoted messages, well within serde_json's
/// nesting limit, overflowed the 2 MiB stack of this test's thread in a debug build and aborted
/// the process. Objects nested deeper than 32 are now a decode error naming the field.
#[tokio::test]
async fn deeply_nested_objects_are_a_decode_error_not_a_stack_overflow() {
    let server = RecordingServer::with([
        Prepared::json(201, quoting_messages(10)),
        Prepared::json(201, quoting_messages(100)),
    ])
    .await;
    let client = server_client(&server.url());
    let body = SendMessageRequest::new(MessageRequest::default());

    let response = client
        .send_message("messaging", "general", &body)
        .await
        .expect("10 quoted messages decode");
    let mut depth = 0;
    let mut message = &response.message;
    while let Some(quoted) = &message.quoted_message {
        depth += 1;
        message = quoted;
    }
    assert_eq!(depth, 10);

    let error = client
        .send_message("messaging", "general", &body)
        .await
        .expect_err("100 quoted messages are too deep");
    match &error {
        Error::Decode { path, status, .. } => {
            assert_eq!(*status, 201);
            // The 32nd object is the 31st quoted message: the error names where it got too deep.
            let expected = format!("message{}", ".quoted_message".repeat(31));
            assert_eq!(path, &expected);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert!(
        error
            .to_string()
            .contains("objects nested more than 32 deep"),
        "{error}"
    );
}
