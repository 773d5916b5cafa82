//! The client's `tracing` output, caught by a capturing subscriber while the client talks to a
//! scripted server on 127.0.0.1: one `stream_chat.request` span per call with its fields (a
//! failed call's says why it was not retried), a `retrying` event per retry inside it with its
//! reason, a `stream_chat::mismatch` event per departure of a body from the spec inside it, and
//! never a secret, token, API key, path id, query value or body in any recorded field.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stream_chat_client::models::{
    CreateChannelTypeRequest, QueryUsersFilter, QueryUsersPayload, QueryUsersQuery,
};
use stream_chat_client::{Client, RetryPolicy, Secret};
use stream_chat_tests::raw::{RawServer, Reply};
use stream_chat_tests::{JACK_TOKEN, SECRET, SERVER_TOKEN};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// An API key that no field name or value contains by chance.
const API_KEY: &str = "api-key-4f9d2c";
/// A path parameter: the span has the path template, never the expanded path.
const CHANNEL_TYPE: &str = "channel-type-77ab";
/// A value sent in the query string.
const QUERY_VALUE: &str = "query-value-5e1f";

/// One span or event as the subscriber saw it.
#[derive(Clone, Debug)]
struct Captured {
    /// The span's or event's name (`stream_chat.request`, or the event's `message`).
    name: String,
    /// The `tracing` target (the module, or e.g. `stream_chat::mismatch`).
    target: String,
    /// The span's id, or for an event the id of the span it happened in.
    span: Option<u64>,
    /// Every field recorded, at creation or later, as text.
    fields: Vec<(String, String)>,
    is_event: bool,
}

impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A subscriber that records everything, for a test's thread only (`set_default`).
#[derive(Clone, Default)]
struct Capture {
    records: Arc<Mutex<Vec<Captured>>>,
    next_id: Arc<AtomicU64>,
    /// The stack of entered spans (the tests run on one thread).
    entered: Arc<Mutex<Vec<u64>>>,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl Capture {
    fn records(&self) -> Vec<Captured> {
        self.records.lock().expect("records").clone()
    }

    fn spans(&self) -> Vec<Captured> {
        self.records()
            .into_iter()
            .filter(|record| !record.is_event && record.name == "stream_chat.request")
            .collect()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        self.records.lock().expect("records").push(Captured {
            name: span.metadata().name().to_owned(),
            target: span.metadata().target().to_owned(),
            span: Some(id),
            fields,
            is_event: false,
        });
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut records = self.records.lock().expect("records");
        if let Some(record) = records
            .iter_mut()
            .find(|record| !record.is_event && record.span == Some(span.into_u64()))
        {
            values.record(&mut Fields(&mut record.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        let parent = event
            .parent()
            .map(Id::into_u64)
            .or_else(|| self.entered.lock().expect("stack").last().copied());
        let name = fields
            .iter()
            .find(|(key, _)| key == "message")
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        self.records.lock().expect("records").push(Captured {
            name,
            target: event.metadata().target().to_owned(),
            span: parent,
            fields,
            is_event: true,
        });
    }

    fn enter(&self, span: &Id) {
        self.entered.lock().expect("stack").push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut entered = self.entered.lock().expect("stack");
        if let Some(at) = entered.iter().rposition(|id| *id == span.into_u64()) {
            entered.remove(at);
        }
    }
}

fn client(server: &RawServer, auth: &str) -> Client {
    let builder = Client::builder(API_KEY)
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::new().base_delay(Duration::from_millis(2)));
    match auth {
        "server" => builder.server_side(Secret::new(SECRET)),
        _ => builder.user_token(JACK_TOKEN),
    }
    .build()
    .expect("client")
}

/// No recorded field, name or value, holds anything secret or caller-specific.
fn assert_nothing_sensitive(capture: &Capture) {
    let records = capture.records();
    assert!(!records.is_empty());
    for record in records {
        for (name, value) in &record.fields {
            for secret in [
                SECRET,
                SERVER_TOKEN,
                JACK_TOKEN,
                "eyJ",
                API_KEY,
                CHANNEL_TYPE,
                QUERY_VALUE,
            ] {
                assert!(
                    !value.contains(secret) && !name.contains(secret),
                    "{secret:?} recorded in {name} = {value:?} of {record:?}"
                );
            }
            assert!(
                !name.to_ascii_lowercase().contains("authorization"),
                "{record:?}"
            );
        }
    }
}

#[tokio::test]
async fn each_call_has_one_span_with_its_outcome_and_retries_inside() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let not_found = r#"{"code":16,"message":"not found","StatusCode":404,"duration":"1ms"}"#;
    let server = RawServer::start([
        Reply::json(
            503,
            r#"{"code":0,"message":"busy","StatusCode":503,"duration":"1ms"}"#,
        ),
        Reply::json(200, r#"{"duration":"1ms"}"#),
        Reply::json(404, not_found),
        Reply::json(200, r#"{"duration": "#),
    ])
    .await;
    let client = client(&server, "server");

    let response = client
        .delete_channel_type(CHANNEL_TYPE)
        .await
        .expect("second attempt");
    assert_eq!(response.attempts(), 2);
    let error = client
        .delete_channel_type(CHANNEL_TYPE)
        .await
        .expect_err("404");
    assert_eq!(error.status(), Some(404));
    let error = client
        .delete_channel_type(CHANNEL_TYPE)
        .await
        .expect_err("undecodable");
    assert_eq!(error.kind(), "decode");

    let spans = capture.spans();
    assert_eq!(spans.len(), 3, "{spans:#?}");
    let ok = &spans[0];
    assert_eq!(ok.field("operation"), Some("DeleteChannelType"));
    assert_eq!(ok.field("method"), Some("DELETE"));
    assert_eq!(ok.field("path"), Some("/channeltypes/{name}"));
    assert_eq!(ok.field("status"), Some("200"));
    assert_eq!(ok.field("attempts"), Some("2"));
    assert!(ok
        .field("duration_ms")
        .is_some_and(|ms| ms.parse::<u64>().is_ok()));
    assert_eq!(ok.field("error"), None);
    assert_eq!(ok.field("retry"), None);

    let failed = &spans[1];
    assert_eq!(failed.field("status"), Some("404"));
    assert_eq!(failed.field("attempts"), Some("1"));
    assert_eq!(failed.field("error"), Some("api"));
    assert_eq!(failed.field("retry"), Some("not_transient"));
    // Decoding happens after the HTTP exchange, in the typed future, and still records.
    assert_eq!(spans[2].field("status"), Some("200"));
    assert_eq!(spans[2].field("error"), Some("decode"));
    assert_eq!(
        spans[2].field("retry"),
        None,
        "the exchange itself succeeded"
    );

    let retries: Vec<Captured> = capture
        .records()
        .into_iter()
        .filter(|record| record.is_event && record.name == "retrying")
        .collect();
    assert_eq!(retries.len(), 1, "{retries:#?}");
    let retry = &retries[0];
    assert_eq!(retry.span, ok.span, "the event is inside the call's span");
    assert_eq!(retry.field("attempt"), Some("1"));
    assert_eq!(retry.field("error"), Some("api"));
    assert!(retry.field("status").is_some_and(|s| s.contains("503")));
    assert_eq!(retry.field("reason"), Some("transient_status"));
    assert!(retry
        .field("delay_ms")
        .is_some_and(|ms| ms.parse::<u64>().is_ok()));

    assert_nothing_sensitive(&capture);
}

/// Each way a failed call ends says why it was not sent again, in the span's `retry` field.
#[tokio::test]
async fn a_failed_call_records_why_it_was_not_retried() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let busy = r#"{"code":0,"message":"busy","StatusCode":503,"duration":"1ms"}"#;
    let server = RawServer::start([
        // A POST that may have been acted on: not sent twice.
        Reply::json(503, busy),
        // A GET: retried until the policy's 3 attempts are used up.
        Reply::json(503, busy),
        Reply::json(503, busy),
        Reply::json(503, busy),
        // The server asks for longer than the policy's longest wait (5 s).
        Reply::status(
            429,
            &[("content-type", "application/json"), ("retry-after", "60")],
            busy,
        ),
    ])
    .await;
    let client = client(&server, "server");

    let body = CreateChannelTypeRequest::new("support");
    let error = client.create_channel_type(&body).await.expect_err("503");
    assert_eq!(error.attempts(), Some(1));
    let error = client
        .delete_channel_type(CHANNEL_TYPE)
        .await
        .expect_err("503 thrice");
    assert_eq!(error.attempts(), Some(3));
    let error = client
        .delete_channel_type(CHANNEL_TYPE)
        .await
        .expect_err("429");
    assert_eq!(error.attempts(), Some(1));
    assert_eq!(server.request_count(), 5);

    let reasons: Vec<Option<String>> = capture
        .spans()
        .iter()
        .map(|span| span.field("retry").map(str::to_owned))
        .collect();
    assert_eq!(
        reasons,
        [
            Some("not_idempotent".to_owned()),
            Some("max_attempts".to_owned()),
            Some("max_delay".to_owned())
        ]
    );
    let retries = capture
        .records()
        .into_iter()
        .filter(|record| record.is_event && record.name == "retrying")
        .map(|record| record.field("reason").map(str::to_owned))
        .collect::<Vec<_>>();
    assert_eq!(retries, vec![Some("transient_status".to_owned()); 2]);
    assert_nothing_sensitive(&capture);
}

#[tokio::test]
async fn tokens_keys_and_query_values_are_never_recorded() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = RawServer::start([
        Reply::json(200, r#"{"users":[],"duration":"1ms"}"#),
        Reply::Stall,
    ])
    .await;
    let client = client(&server, "user");

    let filter = QueryUsersFilter::id().eq(QUERY_VALUE);
    let query = QueryUsersQuery {
        payload: Some(QueryUsersPayload::new(filter)),
    };
    client.query_users(&query).await.expect("users");
    let error = client.query_users(&query).await.expect_err("stalled");
    assert!(error.is_timeout());

    // The values did travel: the server saw them.
    let requests = server.requests();
    assert!(requests[0].target.contains(API_KEY));
    assert_eq!(requests[0].header("authorization"), Some(JACK_TOKEN));

    let spans = capture.spans();
    assert_eq!(spans.len(), 2);
    assert_eq!(spans[0].field("path"), Some("/users"));
    assert_eq!(spans[1].field("error"), Some("timeout"));
    assert_eq!(spans[1].field("status"), None);
    assert_nothing_sensitive(&capture);
}

#[tokio::test]
async fn each_mismatch_is_an_event_inside_the_call_span() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    // `duration` is a string in the spec; `region` is not in the spec.
    let server =
        RawServer::start([Reply::json(200, r#"{"duration": 5, "region": "eu-west"}"#)]).await;
    let client = client(&server, "server");

    let response = client
        .delete_channel_type(CHANNEL_TYPE)
        .await
        .expect("decodes");
    assert_eq!(
        response.mismatches().len(),
        2,
        "{:?}",
        response.mismatches()
    );

    let spans = capture.spans();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].field("error"), None);
    let events: Vec<Captured> = capture
        .records()
        .into_iter()
        .filter(|record| record.is_event && record.target == "stream_chat::mismatch")
        .collect();
    assert_eq!(events.len(), 2, "{events:#?}");
    for event in &events {
        assert_eq!(
            event.span, spans[0].span,
            "the event is inside the call's span"
        );
        assert_eq!(event.field("schema"), Some("Response"));
    }
    let described: Vec<String> = events
        .iter()
        .map(|event| {
            ["field", "path", "kind", "json_type"]
                .map(|name| event.field(name).unwrap_or("-"))
                .join(" ")
        })
        .collect();
    assert_eq!(
        described,
        [
            "duration Response.duration wrong_type number",
            "region Response.region unknown_field string"
        ]
    );
    assert_nothing_sensitive(&capture);
}
