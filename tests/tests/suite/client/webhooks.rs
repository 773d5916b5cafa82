//! Webhooks end to end: an axum endpoint on 127.0.0.1, shaped like
//! `generated-client/examples/webhook_axum.rs`, receives signed requests over real HTTP and
//! hands every decoded event to the test.

use std::io::Write as _;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use stream_chat_client::webhook::{signature, Webhook, WebhookError};
use stream_chat_client::{Event, Secret};
use stream_chat_tests::{Served, SECRET};
use tokio::sync::mpsc;

/// What the endpoint saw: a decoded event, or the error it answered with.
type Outcome = Result<Event, WebhookError>;

struct Endpoint {
    url: String,
    http: reqwest::Client,
    outcomes: mpsc::UnboundedReceiver<Outcome>,
    /// Keeps the endpoint's server running as long as the test uses it.
    _server: Served,
}

async fn receive(
    State((webhook, outcomes)): State<(Arc<Webhook>, mpsc::UnboundedSender<Outcome>)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let outcome = webhook.parse_request(&headers, &body);
    let status = match &outcome {
        Ok(_) => StatusCode::OK,
        Err(error) if error.is_unauthenticated() => StatusCode::UNAUTHORIZED,
        Err(_) => StatusCode::BAD_REQUEST,
    };
    outcomes.send(outcome).expect("the test is listening");
    status
}

impl Endpoint {
    async fn start(webhook: Webhook) -> Self {
        let (sender, outcomes) = mpsc::unbounded_channel();
        let app = Router::new()
            .route("/webhook", post(receive))
            .with_state((Arc::new(webhook), sender));
        let server = Served::start(app).await;
        Self {
            url: format!("{}/webhook", server.url()),
            _server: server,
            http: reqwest::Client::new(),
            outcomes,
        }
    }

    /// Posts a body with an optional `X-Signature` and extra headers; returns the status and
    /// what the handler made of it.
    async fn post(
        &mut self,
        body: Vec<u8>,
        signature: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (u16, Outcome) {
        let mut request = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(signature) = signature {
            request = request.header("X-Signature", signature);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let status = request.send().await.unwrap().status().as_u16();
        let outcome = self.outcomes.recv().await.unwrap();
        (status, outcome)
    }
}

fn secret() -> Secret {
    Secret::new(SECRET)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A `message.new` event as Stream sends it, with custom data on the message and the user.
fn message_new() -> Value {
    json!({
        "type": "message.new",
        "cid": "messaging:general",
        "channel_type": "messaging",
        "channel_id": "general",
        "message_id": "m1",
        "message": {
            "id": "m1",
            "text": "hello",
            "type": "regular",
            "cid": "messaging:general",
            "html": "<p>hello</p>",
            "user": {
                "id": "jack", "role": "user", "banned": false, "online": true, "image": "jack.png",
                "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z"
            },
            "created_at": "2026-11-28T10:00:00Z",
            "updated_at": "2026-11-28T10:00:00Z",
            "priority": "high"
        },
        "watcher_count": 3,
        "created_at": "2026-11-28T10:00:00.123Z"
    })
}

/// Asserts that every key of `sent` is in `encoded` with the same value, recursively.
fn assert_subset(sent: &Value, encoded: &Value, path: &str) {
    match (sent, encoded) {
        (Value::Object(sent), Value::Object(encoded)) => {
            for (key, value) in sent {
                let path = format!("{path}.{key}");
                let other = encoded
                    .get(key)
                    .unwrap_or_else(|| panic!("{path} was lost"));
                assert_subset(value, other, &path);
            }
        }
        _ => assert_eq!(sent, encoded, "{path}"),
    }
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

#[tokio::test]
async fn signed_plain_and_gzip_bodies_decode_to_the_same_event() {
    let mut endpoint = Endpoint::start(Webhook::new(secret())).await;
    let body = bytes(&message_new());
    let sig = signature(&secret(), &body);

    let (status, plain) = endpoint.post(body.clone(), Some(&sig), &[]).await;
    let plain = plain.unwrap();
    assert_eq!(status, 200);
    let Event::MessageNew(event) = &plain else {
        panic!("expected message.new, got {plain:?}");
    };
    assert_eq!(event.cid.as_deref(), Some("messaging:general"));
    assert_eq!(event.message.text, "hello");
    assert_eq!(event.message.custom["priority"], "high");
    // Nothing is lost: the event encodes back to every key that was sent, custom ones too
    // (required fields that were left out come back with their empty values).
    assert_subset(&message_new(), &serde_json::to_value(&plain).unwrap(), "");

    // Gzip, detected by its magic bytes, with or without a Content-Encoding header; the
    // signature covers the uncompressed JSON.
    for headers in [&[][..], &[("content-encoding", "gzip")][..]] {
        let (status, compressed) = endpoint.post(gzip(&body), Some(&sig), headers).await;
        assert_eq!(status, 200);
        assert_eq!(compressed.unwrap(), plain);
    }
}

#[tokio::test]
async fn missing_and_wrong_signatures_are_refused() {
    let mut endpoint = Endpoint::start(Webhook::new(secret())).await;
    let body = bytes(&message_new());
    let good = signature(&secret(), &body);
    let from_other_app = signature(&Secret::new("another-secret"), &body);
    let over_compressed = signature(&secret(), &gzip(&body));
    let mut tampered = body.clone();
    let at = tampered.len() - 3;
    tampered[at] ^= 1;

    // (case, body, X-Signature); only the first has no header at all.
    let cases = [
        ("no header", body.clone(), None),
        ("another secret", body.clone(), Some(&from_other_app[..])),
        ("tampered body", tampered, Some(&good[..])),
        (
            "signature of the gzip bytes",
            gzip(&body),
            Some(&over_compressed[..]),
        ),
        ("not hex", body.clone(), Some("sha256=zz")),
        ("empty", body.clone(), Some("")),
    ];
    for (name, body, signature) in cases {
        let (status, outcome) = endpoint.post(body, signature, &[]).await;
        assert_eq!(status, 401, "{name}");
        let error = outcome.expect_err(name);
        if signature.is_none() {
            assert!(matches!(error, WebhookError::MissingSignature), "{error:?}");
        } else {
            assert!(
                matches!(error, WebhookError::InvalidSignature),
                "{name}: {error:?}"
            );
        }
    }
}

#[tokio::test]
async fn unknown_and_custom_event_types_are_kept() {
    let mut endpoint = Endpoint::start(Webhook::new(secret())).await;

    // A type this client has never heard of, without the fields of a custom event: kept whole
    // as a custom event, which says what the spec did not expect.
    let unknown = json!({"type": "feature.from.the.future", "payload": {"nested": [1, 2]}});
    let body = bytes(&unknown);
    let (status, outcome) = endpoint
        .post(body.clone(), Some(&signature(&secret(), &body)), &[])
        .await;
    assert_eq!(status, 200);
    let event = outcome.unwrap();
    assert!(matches!(event, Event::Custom(_)), "{event:?}");
    assert_eq!(serde_json::to_value(&event).unwrap(), unknown);
    let records: Vec<String> = event
        .mismatches()
        .iter()
        .map(|m| m.to_json_line())
        .collect();
    assert_eq!(
        records,
        [
            r#"{"schema": "CustomEvent", "field": "created_at", "path": "CustomEvent.created_at", "kind": "missing"}"#,
            r#"{"schema": "Event", "field": "feature.from.the.future", "path": "Event", "kind": "unknown_event_type", "value": "feature.from.the.future"}"#,
        ]
    );

    // JSON that is not an object with a string `type` stays JSON (and is refused: see below).
    assert_eq!(
        Event::from_slice(br#"{"type": 7}"#).unwrap(),
        Event::Unknown(json!({"type": 7}))
    );

    // An app's own event type: `Event::Custom`, its data in `custom`.
    let custom =
        json!({"type": "order.shipped", "created_at": "2026-11-28T10:00:00Z", "order": 42});
    let body = bytes(&custom);
    let (status, outcome) = endpoint
        .post(gzip(&body), Some(&signature(&secret(), &body)), &[])
        .await;
    assert_eq!(status, 200);
    let Event::Custom(event) = outcome.unwrap() else {
        panic!("expected a custom event");
    };
    assert_eq!(event.type_, "order.shipped");
    assert_eq!(event.custom["order"], 42);
}

#[tokio::test]
async fn signed_bodies_that_are_not_events_are_bad_requests() {
    let mut endpoint = Endpoint::start(Webhook::new(secret()).max_body_size(64 * 1024)).await;

    // A known type whose payload departs from the spec is still an event, which says where.
    let odd = json!({"type": "message.new", "message": "not an object", "created_at": 5});
    let body = bytes(&odd);
    let (status, outcome) = endpoint
        .post(body.clone(), Some(&signature(&secret(), &body)), &[])
        .await;
    assert_eq!(status, 200);
    let event = outcome.unwrap();
    assert_eq!(serde_json::to_value(&event).unwrap(), odd);
    let records: Vec<String> = event.mismatches().iter().map(|m| m.to_string()).collect();
    assert_eq!(
        records,
        [
            "wrong_type at MessageNewEvent.created_at (number)",
            "wrong_type at MessageNewEvent.message (string)",
            "missing at MessageNewEvent.message_id",
            "missing at MessageNewEvent.watcher_count"
        ]
    );

    // One that cannot be decoded at all (objects nested too deep): the error keeps the JSON.
    let mut message = json!({"id": "m"});
    for _ in 0..40 {
        message = json!({"id": "m", "quoted_message": message});
    }
    let broken = json!({"type": "message.new", "message": message});
    let body = bytes(&broken);
    let (status, outcome) = endpoint
        .post(body.clone(), Some(&signature(&secret(), &body)), &[])
        .await;
    assert_eq!(status, 400);
    match outcome.unwrap_err() {
        WebhookError::Payload {
            event_type, json, ..
        } => {
            assert_eq!(event_type, "message.new");
            assert_eq!(*json, broken);
        }
        other => panic!("expected a payload error, got {other:?}"),
    }

    for not_an_event in [&b"not json"[..], b"[]", br#"{"no":"type"}"#] {
        let sig = signature(&secret(), not_an_event);
        let (status, outcome) = endpoint.post(not_an_event.to_vec(), Some(&sig), &[]).await;
        assert_eq!(status, 400);
        assert!(matches!(outcome, Err(WebhookError::Json(_))), "{outcome:?}");
    }

    // Gzip that expands past the limit, and a truncated gzip stream.
    let huge = vec![b' '; 1024 * 1024];
    let sig = signature(&secret(), &huge);
    let (status, outcome) = endpoint.post(gzip(&huge), Some(&sig), &[]).await;
    assert_eq!(status, 400);
    assert!(matches!(
        outcome,
        Err(WebhookError::BodyTooLarge { limit: 65536 })
    ));
    let body = bytes(&message_new());
    let compressed = gzip(&body);
    let sig = signature(&secret(), &body);
    let (status, outcome) = endpoint
        .post(compressed[..compressed.len() / 2].to_vec(), Some(&sig), &[])
        .await;
    assert_eq!(status, 400);
    assert!(
        matches!(outcome, Err(WebhookError::Decompress(_))),
        "{outcome:?}"
    );
}
