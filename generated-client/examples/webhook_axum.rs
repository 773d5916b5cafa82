//! A webhook endpoint for Stream Chat with axum: checks each request's `X-Signature`, decodes
//! the event (plain or gzip-compressed body) and prints it.
//!
//! ```sh
//! STREAM_API_SECRET=... cargo run -p stream-chat-client --example webhook_axum
//! ```
//!
//! It listens on `127.0.0.1:3000` (`WEBHOOK_ADDR` changes that); point the app's webhook URL
//! at it, e.g. through a tunnel. Answers: 200 for an event, 401 for a missing or wrong
//! signature, 400 for a signed body that is not a valid event.

use std::env;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use stream_chat_client::webhook::Webhook;
use stream_chat_client::Event;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = env::var("STREAM_API_SECRET").map_err(|_| "set STREAM_API_SECRET")?;
    let addr = env::var("WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());

    let app = Router::new()
        .route("/webhooks/stream", post(receive))
        .with_state(Arc::new(Webhook::new(secret)));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{addr}/webhooks/stream");
    axum::serve(listener, app).await?;
    Ok(())
}

/// The handler: the raw body (the signature covers its exact bytes) and the headers.
async fn receive(
    State(webhook): State<Arc<Webhook>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    match webhook.parse_request(&headers, &body) {
        Ok(event) => {
            handle(event);
            StatusCode::OK
        }
        Err(error) if error.is_unauthenticated() => {
            eprintln!("refused: {error}");
            StatusCode::UNAUTHORIZED
        }
        Err(error) => {
            eprintln!("bad event: {error}");
            StatusCode::BAD_REQUEST
        }
    }
}

fn handle(event: Event) {
    match event {
        Event::MessageNew(event) => {
            let channel = event.cid.as_deref().unwrap_or("?");
            println!("new message {} in {channel}", event.message_id);
        }
        Event::Custom(event) => println!("custom event {}", event.type_),
        // Types this client does not know keep their JSON.
        Event::Unknown(json) => println!("unknown event: {json}"),
        other => println!("{}", other.event_type()),
    }
}
