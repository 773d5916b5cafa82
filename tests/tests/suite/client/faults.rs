//! Fault injection: the client against a scripted raw HTTP/1.1 server on 127.0.0.1
//! (`stream_chat_tests::raw`) that stalls, resets connections mid-body, sends short, truncated,
//! HTML, empty, mislabelled and huge bodies, 429 sequences with and without reset headers,
//! redirects of every kind (to another local server that must see nothing), answers that are
//! not HTTP or not TLS. Every transport failure's message must give its cause and never the
//! query. (The memory bound of endless and huge bodies is tested in `body_limits.rs`.)
//!
//! Every outcome must be a typed error or a decoded value, never a panic; the request counts
//! that the server saw prove that a request not safe to repeat is never sent twice. No test
//! asserts a timing: retry delays are a few milliseconds, or bounded by the server's
//! (sub-second) reset times.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use stream_chat_client::models::{Automod, FileUploadRequest, MarkChannelsReadRequest};
use stream_chat_client::{
    Client, Error, FilePart, RetryPolicy, Secret, MAX_ERROR_BODY_SIZE, USER_AGENT_PRODUCT,
};
use stream_chat_tests::raw::{RawServer, Reply};
use stream_chat_tests::{channel_config_json, refused_url, API_KEY, SECRET};

/// Retries with tiny waits, so the tests do not sleep.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(3)
        .base_delay(Duration::from_millis(2))
        .max_delay(Duration::from_secs(3))
        .max_elapsed(Duration::from_secs(20))
}

fn client(server: &RawServer) -> Client {
    client_at(&server.url())
}

fn client_at(url: &str) -> Client {
    Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(url)
        .retry_policy(fast_retries())
        .build()
        .expect("client")
}

/// A complete `GetChannelTypeResponse`.
fn channel_type_json() -> Value {
    let mut value = channel_config_json();
    value["permissions"] = json!([]);
    value["grants"] = json!({});
    value["duration"] = json!("0.87ms");
    value
}

fn ok_json() -> Reply {
    Reply::json(200, r#"{"duration":"1ms"}"#)
}

const HTML_502: &str = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";

fn html_502() -> Reply {
    Reply::status(502, &[("content-type", "text/html")], HTML_502)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_per_client_and_per_call() {
    let server = RawServer::start([Reply::Stall, Reply::Stall]).await;
    let short = Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(server.url())
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries())
        .build()
        .expect("client");

    let error = short.get_app().await.expect_err("stalled");
    assert!(error.is_timeout(), "{error:?}");
    assert!(!error.is_connect() && !error.is_retryable());
    assert_eq!(error.kind(), "timeout");
    assert_eq!(error.operation(), Some("GetApp"));
    // A GET may be retried, but a timed-out request may have been acted on: never resent.
    assert_eq!(error.attempts(), Some(1));
    assert_eq!(server.request_count(), 1);

    // The client allows a minute; this call allows 200 ms.
    let patient = client(&server);
    let error = patient
        .get_app()
        .timeout(Duration::from_millis(200))
        .await
        .expect_err("stalled");
    assert!(
        matches!(error, Error::Timeout { attempts: 1, .. }),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn uploads_have_their_own_timeout() {
    let upload = || {
        FileUploadRequest::new(FilePart::new(
            vec![7u8; 1024],
            "a.bin",
            "application/octet-stream",
        ))
    };
    let late_ok = Reply::bytes(
        200,
        &[],
        br#"{"duration":"1ms","file":"https://cdn/a.bin"}"#,
    );
    let server = RawServer::start([
        Reply::SendAfter(Duration::from_millis(400), late_ok),
        Reply::Stall,
    ])
    .await;
    let client = Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(server.url())
        .timeout(Duration::from_millis(100))
        .upload_timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    assert_eq!(client.upload_timeout(), Duration::from_secs(20));

    // Slower than the request timeout, well within the upload timeout.
    let uploaded = client.upload_file(&upload()).await.expect("upload");
    assert_eq!(uploaded.file.as_deref(), Some("https://cdn/a.bin"));

    let error = client
        .upload_file(&upload())
        .timeout(Duration::from_millis(150))
        .await
        .expect_err("stalled upload");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(server.request_count(), 2);
    assert_eq!(server.requests()[0].method, "POST");
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_transport_error_and_never_resent() {
    let partial = Reply::head_and_part(200, 4096, br#"{"duration":"1ms","#);
    let server = RawServer::start([Reply::SendThenReset(partial)]).await;
    let client = client(&server);

    let error = client.get_app().await.expect_err("reset");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(!error.is_connect() && !error.is_timeout() && !error.is_retryable());
    assert_eq!(error.attempts(), Some(1));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_reset_before_any_answer_is_never_resent_for_a_post() {
    let server = RawServer::start([Reply::Reset, ok_json()]).await;
    let client = client(&server);

    let error = client
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .await
        .expect_err("reset");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(!error.is_connect());
    assert_eq!(server.connection_count(), 1, "a POST must not be resent");
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_a_transport_error() {
    let short = Reply::head_and_part(200, 100, br#"{"duration":"1ms"}"#);
    let server = RawServer::start([Reply::Send(short)]).await;

    let error = client(&server).get_app().await.expect_err("short body");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_naming_the_status() {
    let server = RawServer::start([
        Reply::json(200, r#"{"duration":"1m"#),
        Reply::json(200, r#"{"channel_type": {"name": "#),
    ])
    .await;
    let client = client(&server);

    let error = client
        .delete_channel_type("x")
        .await
        .expect_err("truncated");
    let Error::Decode {
        status,
        body_excerpt,
        attempts,
        ..
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!((*status, *attempts), (200, 1));
    assert_eq!(body_excerpt, r#"{"duration":"1m"#);
    assert_eq!(error.kind(), "decode");

    let error = client.get_app().await.expect_err("truncated");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(server.request_count(), 2, "decode errors are never retried");
}

#[tokio::test]
async fn html_502_is_retried_for_a_get_and_never_for_a_post() {
    let server = RawServer::start([html_502(), html_502(), ok_json()]).await;
    let client = client(&server);
    let response = client.delete_channel_type("old").await.expect("third try");
    assert_eq!(response.attempts(), 3);
    assert_eq!(server.request_count(), 3);
    assert!(server
        .requests()
        .iter()
        .all(|request| request.method == "DELETE" && request.path() == "/channeltypes/old"));

    let server = RawServer::start([html_502(), ok_json()]).await;
    let client = self::client(&server);
    let error = client
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .await
        .expect_err("502");
    match &error {
        Error::Http {
            status,
            body,
            attempts,
            ..
        } => {
            assert_eq!((*status, *attempts), (502, 1));
            assert_eq!(body, HTML_502);
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    assert!(
        error.is_retryable(),
        "502 is transient, but a POST is not resent"
    );
    assert_eq!(server.request_count(), 1);

    // The caller says the POST is idempotent: then it is retried.
    let response = client
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .idempotent()
        .await
        .expect("second try");
    assert_eq!(response.attempts(), 1, "the script's 200 came next");
    let server = RawServer::start([html_502(), ok_json()]).await;
    let response = self::client(&server)
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .idempotent()
        .await
        .expect("second try");
    assert_eq!(response.attempts(), 2);
    assert_eq!(server.request_count(), 2);
    let bodies: Vec<_> = server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(bodies[0], bodies[1], "the same body is sent again");

    // And `no_retry` turns a client's policy off for one call.
    let server = RawServer::start([html_502(), ok_json()]).await;
    let error = self::client(&server)
        .get_app()
        .no_retry()
        .await
        .expect_err("no retry");
    assert_eq!(error.status(), Some(502));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn empty_bodies_with_every_status_give_a_value_or_a_typed_error() {
    let statuses: Vec<u16> = (200..=599).collect();
    let server = RawServer::start(
        statuses
            .iter()
            .map(|status| Reply::status(*status, &[], Vec::new())),
    )
    .await;
    let client = Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(server.url())
        .build()
        .expect("client");

    for status in &statuses {
        match client.delete_channel_type("x").await {
            Ok(response) => assert!((200..300).contains(status), "{status}: {response:?}"),
            // `{}` lacks the required `duration`.
            Err(Error::Decode { status: got, .. }) => {
                assert!((200..300).contains(status));
                assert_eq!(got, *status);
            }
            // Stream's API never redirects: a 3xx is an error, without a Location here.
            Err(Error::Redirect {
                status: got,
                location,
                ..
            }) => {
                assert!((300..400).contains(status), "{status}");
                assert_eq!(got, Some(*status));
                assert_eq!(location, None);
            }
            Err(Error::Http {
                status: got, body, ..
            }) => {
                assert!(!(200..400).contains(status), "{status}");
                assert_eq!(got, *status);
                assert!(body.is_empty());
            }
            Err(other) => panic!("HTTP {status}: unexpected {other:?}"),
        }
    }
    assert_eq!(server.request_count(), statuses.len());
}

#[tokio::test]
async fn content_types_are_not_trusted() {
    let server = RawServer::start([
        Reply::status(
            200,
            &[("content-type", "text/html")],
            r#"{"duration":"1ms"}"#,
        ),
        Reply::status(
            200,
            &[("content-type", "application/json")],
            "<html>maintenance</html>",
        ),
        Reply::status(400, &[("content-type", "application/json")], "Bad Request"),
        Reply::status(
            404,
            &[("content-type", "text/plain")],
            r#"{"code":16,"message":"gone","StatusCode":404,"duration":"1ms"}"#,
        ),
        Reply::status(
            200,
            &[("content-type", "image/png")],
            b"\x89PNG\r\n\x1a\n\xff".to_vec(),
        ),
    ])
    .await;
    let client = client(&server);

    let decoded = client
        .delete_channel_type("x")
        .await
        .expect("JSON labelled as HTML");
    assert_eq!(decoded.duration, "1ms");
    let error = client
        .delete_channel_type("x")
        .await
        .expect_err("HTML as JSON");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let error = client
        .delete_channel_type("x")
        .await
        .expect_err("text as JSON");
    assert!(
        matches!(&error, Error::Http { status: 400, body, .. } if body == "Bad Request"),
        "{error:?}"
    );
    let error = client
        .delete_channel_type("x")
        .await
        .expect_err("JSON as text");
    assert_eq!(error.api_error().map(|e| e.code), Some(16));
    let error = client.delete_channel_type("x").await.expect_err("binary");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(server.request_count(), 5);
}

#[tokio::test]
async fn huge_bodies_decode_or_fail_with_a_capped_body_and_a_short_message() {
    const SIZE: usize = 16 * 1024 * 1024;
    let mut success = br#"{"duration":"1ms","padding":""#.to_vec();
    success.resize(success.len() + SIZE, b'x');
    success.extend_from_slice(br#""}"#);
    let failure = vec![b'E'; SIZE];
    let server = RawServer::start([
        Reply::status(200, &[("content-type", "application/json")], success),
        Reply::status(500, &[("content-type", "text/plain")], failure),
    ])
    .await;
    let client = client(&server);

    let response = client.delete_channel_type("x").await.expect("16 MiB body");
    assert_eq!(response.duration, "1ms");
    let error = client
        .delete_channel_type("x")
        .await
        .expect_err("16 MiB error");
    match &error {
        Error::Http { status, body, .. } => {
            assert_eq!(*status, 500);
            assert_eq!(
                body.len() as u64,
                MAX_ERROR_BODY_SIZE,
                "only the start is kept"
            );
            assert!(body.is_truncated());
            assert!(body.chars().all(|c| c == 'E'));
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    assert!(
        error.to_string().len() < 1024,
        "the message shows an excerpt"
    );
    assert!(format!("{error:?}").len() < 1024, "so does Debug");
    assert_eq!(server.request_count(), 2, "500 is not retried");
}

/// Response headers as raw bytes, so they may be anything.
type Headers<'a> = Vec<(&'a str, &'a [u8])>;

/// A 429 with these headers, then a 200: how many attempts the GET took, or its error.
async fn after_429(headers: &[(&str, &[u8])]) -> (Result<u32, Error>, usize) {
    let server = RawServer::start([
        Reply::raw(
            429,
            headers,
            r#"{"code":9,"message":"Too many requests","StatusCode":429,"duration":"1ms"}"#,
        ),
        ok_json(),
    ])
    .await;
    let result = client(&server)
        .delete_channel_type("x")
        .await
        .map(|response| response.attempts());
    (result, server.request_count())
}

#[tokio::test]
async fn rate_limited_calls_wait_as_told_or_give_up() {
    let soon = (unix_now() + 1).to_string();
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
    let waits: [(&str, Headers); 6] = [
        (
            "X-RateLimit-Reset",
            vec![
                ("x-ratelimit-reset", soon.as_bytes()),
                ("x-ratelimit-remaining", b"0"),
            ],
        ),
        ("Retry-After seconds", vec![("retry-after", b"0")]),
        ("Retry-After date", vec![("retry-after", date.as_bytes())]),
        ("no header", vec![]),
        (
            "garbage",
            vec![
                ("retry-after", b"soon"),
                ("x-ratelimit-reset", b"\xff\xfe"),
                ("x-ratelimit-limit", b"300, 300"),
            ],
        ),
        ("reset in the past", vec![("x-ratelimit-reset", b"1000")]),
    ];
    for (case, headers) in waits {
        let (result, requests) = after_429(&headers).await;
        assert_eq!(result.ok(), Some(2), "{case}");
        assert_eq!(requests, 2, "{case}");
    }

    let later = (unix_now() + 3600).to_string();
    let too_long: [(&str, Headers); 2] = [
        (
            "X-RateLimit-Reset in an hour",
            vec![
                ("x-ratelimit-reset", later.as_bytes()),
                ("x-ratelimit-limit", b"300"),
                ("x-ratelimit-remaining", b"0"),
            ],
        ),
        ("Retry-After an hour", vec![("retry-after", b"3600")]),
    ];
    for (case, headers) in too_long {
        let (result, requests) = after_429(&headers).await;
        let error = result.expect_err(case);
        assert!(error.is_rate_limited(), "{case}: {error:?}");
        assert!(error.is_retryable());
        assert_eq!(error.attempts(), Some(1), "{case}");
        assert_eq!(requests, 1, "{case}: gave up instead of sleeping");
    }
    let (result, _) = after_429(&[
        ("x-ratelimit-reset", later.as_bytes()),
        ("x-ratelimit-remaining", b"0"),
    ])
    .await;
    let error = result.expect_err("gave up");
    let rate_limit = error.rate_limit().expect("rate limit on the error");
    assert!(rate_limit.is_exhausted());
    assert_eq!(
        rate_limit.reset.map(|at| at.timestamp().to_string()),
        Some(later)
    );
}

#[tokio::test]
async fn repeated_429s_end_after_the_last_attempt_and_posts_are_not_resent() {
    let limited = || {
        Reply::json(
            429,
            r#"{"code":9,"message":"Too many requests","StatusCode":429,"duration":"1ms"}"#,
        )
    };
    let server = RawServer::start([limited(), limited(), limited(), ok_json()]).await;
    let error = client(&server).get_app().await.expect_err("three 429s");
    assert!(error.is_rate_limited() && matches!(error, Error::Api { .. }));
    assert_eq!(error.attempts(), Some(3));
    assert_eq!(server.request_count(), 3);

    let server = RawServer::start([limited(), ok_json()]).await;
    let error = client(&server)
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .await
        .expect_err("429");
    assert!(error.is_rate_limited());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn unrecoverable_errors_are_not_retried() {
    let body = |unrecoverable: bool| {
        json!({"code": 0, "message": "backend down", "StatusCode": 503, "duration": "1ms", "unrecoverable": unrecoverable})
            .to_string()
    };
    let server = RawServer::start([Reply::json(503, &body(true)), ok_json()]).await;
    let error = client(&server).get_app().await.expect_err("unrecoverable");
    assert!(error.is_unrecoverable() && !error.is_retryable());
    assert_eq!(server.request_count(), 1);

    let server = RawServer::start([Reply::json(503, &body(false)), ok_json()]).await;
    let response = client(&server)
        .delete_channel_type("x")
        .await
        .expect("recoverable");
    assert_eq!(response.attempts(), 2);
}

#[tokio::test]
async fn unknown_enum_values_and_unknown_fields_decode() {
    let mut value = channel_type_json();
    value["automod"] = json!("super-ai");
    value["brand_new_field"] = json!({"nested": [1, 2, 3]});
    value["permissions"] = json!([{"action": "Allow", "name": "n", "resources": ["*"], "roles": ["admin"], "owner": false, "priority": 1, "future": true}]);
    let server = RawServer::start([Reply::json(200, &value.to_string())]).await;

    let response = client(&server)
        .get_channel_type("messaging")
        .await
        .expect("decodes");
    assert_eq!(response.automod, Automod::from("super-ai"));
    assert_eq!(response.permissions.len(), 1);
}

#[tokio::test]
async fn refused_connections_are_connect_errors_retried_for_any_method() {
    let client = client_at(&refused_url());
    let error = client
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .await
        .expect_err("refused");
    assert!(error.is_connect() && error.is_retryable(), "{error:?}");
    assert_eq!(error.kind(), "connect");
    assert_eq!(
        error.attempts(),
        Some(3),
        "nothing was sent, so even a POST is retried"
    );

    let once = client
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .no_retry()
        .await
        .expect_err("refused");
    assert_eq!(once.attempts(), Some(1));
}

#[tokio::test]
async fn multipart_uploads_are_resent_only_when_idempotent() {
    let file = FilePart::new(b"hello upload".to_vec(), "hello.txt", "text/plain");
    let upload = FileUploadRequest::new(file);
    let uploaded = || Reply::json(200, r#"{"duration":"1ms","file":"https://cdn/hello.txt"}"#);

    let server = RawServer::start([html_502(), uploaded()]).await;
    let client = client(&server);
    let error = client.upload_file(&upload).await.expect_err("502");
    assert_eq!(error.status(), Some(502));
    assert_eq!(server.request_count(), 1);

    let server = RawServer::start([html_502(), uploaded()]).await;
    let response = self::client(&server)
        .upload_file(&upload)
        .idempotent()
        .await
        .expect("resent");
    assert_eq!(response.attempts(), 2);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let body = String::from_utf8_lossy(&request.body);
        assert!(body.contains("hello upload"), "{body}");
        assert!(request
            .header("content-type")
            .unwrap_or_default()
            .starts_with("multipart/form-data"));
    }
}

#[tokio::test]
async fn broken_rate_limit_headers_never_fail_a_call() {
    let headers: &[(&str, &[u8])] = &[
        ("x-ratelimit-limit", b"300, 300"),
        ("x-ratelimit-limit", b"301"),
        ("x-ratelimit-remaining", b"lots"),
        ("x-ratelimit-reset", b"\xff\xfe"),
    ];
    let server = RawServer::start([
        Reply::raw(200, headers, r#"{"duration":"1ms"}"#),
        Reply::raw(500, headers, "oops"),
        Reply::raw(
            200,
            &[
                ("x-ratelimit-reset", b"NaN"),
                ("x-ratelimit-remaining", b"-1"),
            ],
            r#"{"duration":"1ms"}"#,
        ),
    ])
    .await;
    let client = client(&server);

    let response = client.delete_channel_type("x").await.expect("lenient");
    let rate_limit = response.rate_limit().expect("the limit parses");
    assert_eq!(
        (rate_limit.limit, rate_limit.remaining, rate_limit.reset),
        (Some(300), None, None)
    );
    let error = client.delete_channel_type("x").await.expect_err("500");
    assert_eq!(error.rate_limit().and_then(|r| r.limit), Some(300));
    let response = client.delete_channel_type("x").await.expect("garbage only");
    assert_eq!(response.rate_limit(), None);
}

#[tokio::test]
async fn a_call_sends_nothing_until_awaited_and_takes_its_own_policy() {
    let server = RawServer::start([html_502(), ok_json(), html_502()]).await;
    let client = Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(server.url())
        .build()
        .expect("client");
    assert!(!client.retry_policy().is_enabled(), "no retries by default");

    // Built, configured and dropped: never sent.
    drop(client.get_app().retry_policy(fast_retries()));
    let response = client
        .delete_channel_type("x")
        .retry_policy(fast_retries())
        .await
        .expect("retried by the call's policy");
    assert_eq!(response.attempts(), 2);
    assert_eq!(server.request_count(), 2);
    assert!(server.requests().iter().all(|r| r.method == "DELETE"));

    let error = client
        .delete_channel_type("x")
        .await
        .expect_err("client policy: none");
    assert_eq!((error.status(), error.attempts()), (Some(502), Some(1)));
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_callers_reqwest_client_sends_the_requests() {
    let server = RawServer::start([ok_json()]).await;
    let mut headers = stream_chat_client::reqwest::header::HeaderMap::new();
    headers.insert("x-via", "caller-client".parse().expect("header value"));
    let http = stream_chat_client::reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("reqwest client");
    let client = Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(server.url())
        .connect_timeout(Duration::from_secs(1))
        .http_client(http)
        .build()
        .expect("client");
    assert_eq!(
        client.connect_timeout(),
        None,
        "the caller's client decides"
    );

    client.get_app().await.expect("sent");
    let request = &server.requests()[0];
    assert_eq!(request.header("x-via"), Some("caller-client"));
    assert_eq!(request.header("stream-auth-type"), Some("jwt"));
    assert!(request.header("authorization").is_some());
}

/// The 3xx statuses, each with the method it would re-send with if followed.
const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

#[tokio::test]
async fn redirects_are_errors_naming_status_and_target_and_nothing_is_sent_there() {
    let elsewhere = RawServer::start([]).await;
    let target = format!(
        "{}/elsewhere?api_key=key&token=secret#part",
        elsewhere.url()
    );
    let script = REDIRECTS.iter().flat_map(|status| {
        let location = [("location", target.as_str())];
        [
            Reply::status(*status, &location, "moved"),
            Reply::status(*status, &location, "moved"),
        ]
    });
    let server = RawServer::start(script.collect::<Vec<_>>()).await;
    let client = client(&server);

    for status in REDIRECTS {
        // A POST (with a retry policy) and a GET: neither followed nor resent.
        let before = server.request_count();
        let post = client
            .mark_channels_read(&MarkChannelsReadRequest::default())
            .idempotent()
            .await
            .expect_err("redirected");
        let get = client.get_app().await.expect_err("redirected");
        for error in [post, get] {
            match &error {
                Error::Redirect {
                    status: got,
                    location,
                    source,
                    attempts,
                    ..
                } => {
                    assert_eq!(*got, Some(status));
                    // The target without its query: nothing the server echoes is printed.
                    assert_eq!(
                        location.as_deref(),
                        Some(format!("{}/elsewhere", elsewhere.url()).as_str())
                    );
                    assert!(source.is_none());
                    assert_eq!(*attempts, 1, "a redirect is never retried");
                }
                other => panic!("HTTP {status}: expected a redirect error, got {other:?}"),
            }
            assert_eq!(error.kind(), "redirect");
            assert_eq!(error.status(), Some(status));
            assert!(!error.is_connect() && !error.is_retryable());
            let message = error.to_string();
            assert!(
                message.contains(&format!("HTTP {status}"))
                    && message.contains(&format!("{}/elsewhere", elsewhere.url())),
                "{message}"
            );
            assert!(!message.contains("secret") && !format!("{error:?}").contains("secret"));
        }
        assert_eq!(server.request_count(), before + 2);
    }
    assert_eq!(
        elsewhere.connection_count(),
        0,
        "nothing reached the target"
    );
}

#[tokio::test]
async fn relative_and_missing_locations() {
    let server = RawServer::start([
        Reply::status(302, &[("location", "/v2/app?x=1")], ""),
        Reply::status(301, &[("location", "http://[::1")], ""),
    ])
    .await;
    let client = client(&server);

    let error = client.get_app().await.expect_err("redirect");
    assert!(
        matches!(&error, Error::Redirect { location: Some(at), .. } if *at == format!("{}/v2/app", server.url())),
        "{error:?}"
    );
    let error = client.get_app().await.expect_err("redirect");
    assert!(
        matches!(
            &error,
            Error::Redirect {
                location: None,
                status: Some(301),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("no valid Location"), "{error}");
}

/// A `reqwest` client with reqwest's default policy, which follows redirects.
fn following_client(url: &str) -> Client {
    let http = stream_chat_client::reqwest::Client::builder()
        .build()
        .expect("reqwest client");
    Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(url)
        .retry_policy(fast_retries())
        .http_client(http)
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_callers_client_that_follows_a_redirect_never_passes_the_answer_off_as_the_apis() {
    let elsewhere = RawServer::start([ok_json()]).await;
    let target = format!("{}/elsewhere", elsewhere.url());
    let server = RawServer::start([Reply::status(307, &[("location", target.as_str())], "")]).await;

    let error = following_client(&server.url())
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .await
        .expect_err("the answer came from elsewhere");
    match &error {
        Error::Redirect {
            status: None,
            location: Some(at),
            ..
        } => assert_eq!(*at, target),
        other => panic!("expected a followed redirect, got {other:?}"),
    }
    assert!(error.to_string().contains("Policy::none()"), "{error}");
    // reqwest did re-send the POST there (the documented reason to set `Policy::none()`).
    assert_eq!(elsewhere.request_count(), 1);
    assert_eq!(elsewhere.requests()[0].method, "POST");
}

#[tokio::test]
async fn a_post_a_callers_client_redirected_to_a_failing_target_is_not_resent() {
    // The target speaks plain HTTP, so the TLS handshake there fails. reqwest reports a
    // connect error for the API's URL, although the POST reached the API server.
    let not_tls = Reply::Unread(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec());
    let elsewhere = RawServer::start(vec![not_tls; 4]).await;
    let target = elsewhere.url().replace("http://", "https://");
    let server = RawServer::start(vec![
        Reply::status(308, &[("location", target.as_str())], "");
        4
    ])
    .await;
    let client = following_client(&server.url());

    let error = client
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .await
        .expect_err("TLS fails at the target");
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(error.attempts(), Some(1));
    assert_eq!(server.request_count(), 1, "the POST was not resent");
    assert!(
        error.to_string().contains("InvalidContentType"),
        "the cause: {error}"
    );
    // A GET is safe to repeat: retried.
    let error = client.get_app().await.expect_err("fails again");
    assert_eq!(error.attempts(), Some(3), "{error:?}");

    // A redirect loop: reqwest gives up, the client says it was a redirect.
    let looping = RawServer::start(
        (0..12)
            .map(|_| Reply::status(302, &[("location", "/app")], ""))
            .collect::<Vec<_>>(),
    )
    .await;
    let error = following_client(&looping.url())
        .mark_channels_read(&MarkChannelsReadRequest::default())
        .await
        .expect_err("loop");
    assert!(
        matches!(
            &error,
            Error::Redirect {
                status: None,
                source: Some(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_connect() && !error.is_retryable());
}

/// The API key of the clients that check what error messages show.
const VISIBLE_KEY: &str = "key-that-must-not-show";

/// A client with [`VISIBLE_KEY`], a 300 ms timeout and no retries, for `url`.
fn short_client(url: &str) -> Client {
    Client::builder(VISIBLE_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(url)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client")
}

/// Calls `GetApp` on `url` and returns the error's message, checking that neither it nor the
/// error's `Debug` shows the query (the API key).
async fn message_for(url: &str) -> (Error, String) {
    let error = short_client(url).get_app().await.expect_err("fails");
    let message = error.to_string();
    let debug = format!("{error:?}");
    for text in [&message, &debug] {
        assert!(
            !text.contains(VISIBLE_KEY) && !text.contains("api_key"),
            "{text}"
        );
    }
    (error, message)
}

#[tokio::test]
async fn transport_errors_say_their_cause_without_the_query() {
    let refused = refused_url();
    let (error, message) = message_for(&refused).await;
    let host = refused.trim_start_matches("http://");
    assert_eq!(error.kind(), "connect");
    assert!(
        message.starts_with(&format!(
            "GetApp: cannot connect to {host}: Connection refused"
        )),
        "{message}"
    );

    let head = Reply::head_and_part(200, 4096, br#"{"duration":"#);
    let cases: [(Reply, &str, &str); 7] = [
        (
            Reply::Reset,
            "transport",
            "GetApp: the connection failed before the response arrived: Connection reset",
        ),
        (
            Reply::Unread(Vec::new()),
            "transport",
            "GetApp: no valid response: connection closed before message completed",
        ),
        (
            Reply::Unread(b"SSH-2.0-OpenSSH\r\n\r\n".to_vec()),
            "transport",
            "GetApp: no valid response: ",
        ),
        (
            Reply::SendThenReset(head.clone()),
            "transport",
            "GetApp: reading the response body failed: Connection reset",
        ),
        (
            Reply::Send(head.clone()),
            "transport",
            "GetApp: reading the response body failed: end of file before message length reached",
        ),
        (
            Reply::Stall,
            "timeout",
            "GetApp: timed out after 300ms waiting for the response",
        ),
        (
            Reply::SendThenStall(head),
            "timeout",
            "GetApp: timed out after 300ms reading the response body",
        ),
    ];
    for (reply, kind, expected) in cases {
        let server = RawServer::start([reply]).await;
        let (error, message) = message_for(&server.url()).await;
        assert_eq!(error.kind(), kind, "{message}");
        assert!(message.starts_with(expected), "{message}");
    }

    // A plain-HTTP server behind an https URL: the TLS handshake fails.
    let server =
        RawServer::start([Reply::Unread(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec())]).await;
    let https = server.url().replace("http://", "https://");
    let (error, message) = message_for(&https).await;
    assert!(error.is_connect());
    assert!(
        message.starts_with(&format!(
            "GetApp: TLS handshake with {} failed: ",
            https.trim_start_matches("https://")
        )),
        "{message}"
    );
}

#[tokio::test]
async fn every_request_sends_a_user_agent() {
    let server = RawServer::start([ok_json(), ok_json(), ok_json()]).await;
    client(&server).get_app().await.expect("sent");
    let custom = Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(server.url())
        .user_agent_product("my-app/2.1")
        .build()
        .expect("client");
    assert_eq!(
        custom.user_agent(),
        format!("my-app/2.1 {USER_AGENT_PRODUCT}")
    );
    custom.get_app().await.expect("sent");
    // A caller's reqwest client with a User-Agent of its own: the client's is sent.
    let http = stream_chat_client::reqwest::Client::builder()
        .user_agent("reqwest-default")
        .build()
        .expect("reqwest client");
    let with_http = Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(server.url())
        .http_client(http)
        .build()
        .expect("client");
    with_http.get_app().await.expect("sent");

    let agents: Vec<_> = server
        .requests()
        .iter()
        .map(|request| request.header("user-agent").map(str::to_owned))
        .collect();
    // The client's version, from its manifest (this test crate has its own version).
    let manifest = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../generated-client/Cargo.toml"
    ));
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("generated-client/Cargo.toml names its version");
    assert_eq!(USER_AGENT_PRODUCT, format!("stream-chat-rust/{version}"));
    assert_eq!(
        agents,
        [
            Some(USER_AGENT_PRODUCT.to_owned()),
            Some(format!("my-app/2.1 {USER_AGENT_PRODUCT}")),
            Some(USER_AGENT_PRODUCT.to_owned()),
        ]
    );

    let error = Client::builder(API_KEY)
        .anonymous()
        .user_agent_product("bad\nproduct")
        .build()
        .expect_err("not a header value");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}

/// A chunked 200 answer without `Content-Length`, whose JSON body comes as these chunks.
fn chunked(chunks: &[&str]) -> Reply {
    let mut bytes = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
        transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
        .to_vec();
    for chunk in chunks {
        bytes.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    Reply::Send(bytes)
}

#[tokio::test]
async fn a_body_without_a_length_is_held_to_the_limit_in_one_chunk_or_many() {
    // A body in one chunk is kept as it came; in several, it is gathered: the limit holds for
    // both, and what fits is decoded the same.
    let one = [r#"{"duration":"1ms"}"#];
    let two = [r#"{"duration":"#, r#""1ms"}"#];
    let server =
        RawServer::start([chunked(&one), chunked(&two), chunked(&one), chunked(&two)]).await;
    let client = client(&server);
    let exact = one[0].len() as u64;
    for _ in 0..2 {
        let app = client
            .get_app()
            .max_body_size(exact)
            .await
            .expect("a body of exactly the limit is read");
        assert_eq!(app.duration, "1ms");
    }
    for _ in 0..2 {
        let error = client
            .get_app()
            .max_body_size(exact - 1)
            .await
            .expect_err("one byte over");
        match error {
            Error::BodyTooLarge {
                limit, received, ..
            } => assert_eq!((limit, received), (exact - 1, exact)),
            other => panic!("expected BodyTooLarge, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_call_can_set_its_own_body_limit() {
    let body = r#"{"duration":"1ms"}"#;
    let server = RawServer::start([
        Reply::json(200, body),
        Reply::json(200, body),
        Reply::json(200, body),
    ])
    .await;
    let client = client(&server);
    assert_eq!(
        client.max_body_size(),
        stream_chat_client::DEFAULT_MAX_BODY_SIZE
    );

    let exact = body.len() as u64;
    client
        .get_app()
        .max_body_size(exact)
        .await
        .expect("a body of exactly the limit is read");
    let error = client
        .get_app()
        .max_body_size(exact - 1)
        .await
        .expect_err("one byte over");
    match &error {
        // The Content-Length was already past the limit: nothing was read.
        Error::BodyTooLarge {
            status: 200,
            limit,
            received: 0,
            attempts: 1,
            ..
        } => assert_eq!(*limit, exact - 1),
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert_eq!(error.kind(), "body_too_large");
    assert!(!error.is_retryable());
    assert!(
        error.to_string().contains("larger than the limit"),
        "{error}"
    );
    let lowered = Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(server.url())
        .max_body_size(4)
        .build()
        .expect("client");
    assert!(matches!(
        lowered.get_app().await,
        Err(Error::BodyTooLarge { limit: 4, .. })
    ));
}
