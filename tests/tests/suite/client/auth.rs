//! Authentication on the wire against a local HTTP server: server-side, user-token and
//! anonymous clients, token contents, and that `Debug` output never leaks credentials.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::DateTime;
use serde_json::json;
use stream_chat_client::{server_token, Auth, Client, Secret, UserToken};
use stream_chat_tests::{
    server_client, Prepared, RecordingServer, API_KEY, CLIENT_PREFIX, JACK_TOKEN, SECRET,
    SERVER_TOKEN,
};

fn ok() -> Prepared {
    Prepared::json(200, json!({"duration": "0.1ms"}))
}

fn decode_part(part: &str) -> String {
    String::from_utf8(URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("UTF-8")
}

#[test]
fn tokens_match_the_docs() {
    assert_eq!(
        UserToken::new("jack").sign(&Secret::new(SECRET)),
        JACK_TOKEN
    );
    assert_eq!(server_token(&Secret::new(SECRET)), SERVER_TOKEN);
    let parts: Vec<&str> = JACK_TOKEN.split('.').collect();
    assert_eq!(decode_part(parts[0]), r#"{"alg":"HS256","typ":"JWT"}"#);
    assert_eq!(decode_part(parts[1]), r#"{"user_id":"jack"}"#);
}

#[tokio::test]
async fn user_token_is_sent_as_is() {
    let server = RecordingServer::with([ok()]).await;
    let token = UserToken::new("jack").sign(&Secret::new(SECRET));
    let client = Client::builder(API_KEY)
        .user_token(token)
        .base_url(server.url())
        .build()
        .expect("client");

    client.delete_channel_type("x").await.expect("ok");

    let request = server.single_request();
    assert_eq!(request.header("authorization"), Some(JACK_TOKEN));
    assert_eq!(request.header("stream-auth-type"), Some("jwt"));
    assert_eq!(request.query_pairs(), [("api_key", API_KEY)]);
    assert!(request
        .header("x-stream-client")
        .is_some_and(|v| v.starts_with(CLIENT_PREFIX)));
}

#[tokio::test]
async fn bearer_prefix_is_removed() {
    let server = RecordingServer::with([ok()]).await;
    let client = Client::builder(API_KEY)
        .user_token(format!("Bearer {JACK_TOKEN}"))
        .base_url(server.url())
        .build()
        .expect("client");

    client.delete_channel_type("x").await.expect("ok");

    let request = server.single_request();
    assert_eq!(request.header("authorization"), Some(JACK_TOKEN));
}

#[tokio::test]
async fn server_side_sends_the_server_token() {
    let server = RecordingServer::with([ok()]).await;
    let client = server_client(&server.url());

    client.delete_channel_type("x").await.expect("ok");

    let request = server.single_request();
    assert_eq!(request.header("authorization"), Some(SERVER_TOKEN));
    assert_eq!(request.header("stream-auth-type"), Some("jwt"));
}

#[tokio::test]
async fn anonymous_sends_no_authorization() {
    let server = RecordingServer::with([ok()]).await;
    let client = Client::builder(API_KEY)
        .anonymous()
        .base_url(server.url())
        .build()
        .expect("client");

    client.delete_channel_type("x").await.expect("ok");

    let request = server.single_request();
    assert_eq!(request.header("stream-auth-type"), Some("anonymous"));
    assert!(request.headers.get("authorization").is_none());
    assert_eq!(request.query_pairs(), [("api_key", API_KEY)]);
    assert_eq!(client.auth(), &Auth::Anonymous);
}

#[test]
fn claims_with_expiry_and_issue_time_are_in_order() {
    let issued = DateTime::from_timestamp(1_700_000_000, 0).expect("valid");
    let expires = DateTime::from_timestamp(1_700_003_600, 999_000_000).expect("valid");
    // Set in the "wrong" order on purpose: the token still lists user_id, exp, iat.
    let claims = UserToken::new("jack").issued_at(issued).expires_at(expires);
    let token = claims.sign(&Secret::new(SECRET));

    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert!(!token.contains('=') && !token.contains('+') && !token.contains('/'));
    assert_eq!(decode_part(parts[0]), r#"{"alg":"HS256","typ":"JWT"}"#);
    assert_eq!(
        decode_part(parts[1]),
        r#"{"user_id":"jack","exp":1700003600,"iat":1700000000}"#
    );
    assert_eq!(claims.claims_json(), decode_part(parts[1]));
    assert_ne!(token, JACK_TOKEN);
    assert_eq!(claims.user_id(), "jack");

    // A different secret gives the same claims but another signature.
    let other = claims.sign(&Secret::new("other-secret"));
    let other_parts: Vec<&str> = other.split('.').collect();
    assert_eq!(other_parts[..2], parts[..2]);
    assert_ne!(other_parts[2], parts[2]);
}

#[test]
fn debug_output_hides_secret_and_tokens() {
    let server_side = Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .build()
        .expect("client");
    let user = Client::builder(API_KEY)
        .user_token(JACK_TOKEN)
        .build()
        .expect("client");
    for client in [&server_side, &user] {
        for debug in [format!("{client:?}"), format!("{client:#?}")] {
            assert!(!debug.contains(SECRET), "{debug}");
            assert!(!debug.contains(SERVER_TOKEN), "{debug}");
            assert!(!debug.contains(JACK_TOKEN), "{debug}");
            assert!(!debug.contains("eyJ"), "{debug}");
            assert!(debug.contains(API_KEY), "{debug}");
        }
    }
    assert!(format!("{server_side:?}").contains("server-side"));
    assert!(format!("{user:?}").contains("user-token"));
    assert!(!format!("{:?}", server_side.auth()).contains(SECRET));
    assert_eq!(format!("{:?}", Secret::new(SECRET)), "Secret(<redacted>)");
    let builder = Client::builder(API_KEY).server_side(Secret::new(SECRET));
    assert!(!format!("{builder:?}").contains(SECRET));
}
