//! The attempt loop: prepares a call once, sends it attempt by attempt (`attempt.rs`), asks the
//! retry policy after each failure and sleeps as it says, all inside the call's
//! `stream_chat.request` tracing span, which records the outcome and, when the call failed,
//! why it was not sent again.

use std::time::Instant;

use tracing::field::Empty;
use tracing::Instrument as _;

use super::attempt::attempt;
use super::options::{CallOptions, Limits};
use super::prepare::{attempt_url, prepare, PreparedBody};
use super::raw_response::RawResponse;
use crate::client::Client;
use crate::error::Error;
use crate::request::Request;
use crate::retry::{Call, Decision};

/// Sends a request, retrying as the policy allows, and returns the 2xx response or the
/// error of the last attempt; all of it inside the call's `stream_chat.request` span.
pub(crate) async fn send(
    client: &Client,
    request: Request,
    options: CallOptions,
) -> Result<RawResponse, Error> {
    let operation = request.operation;
    let span = tracing::info_span!(
        "stream_chat.request",
        operation = operation.name,
        method = operation.method.as_str(),
        path = operation.path,
        status = Empty,
        attempts = Empty,
        duration_ms = Empty,
        error = Empty,
        retry = Empty,
    );
    let started = Instant::now();
    let mut result = send_with_retries(client, request, options, started, &span)
        .instrument(span.clone())
        .await;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.record("duration_ms", duration_ms);
    match &mut result {
        Ok(raw) => {
            span.record("status", raw.status);
            span.record("attempts", raw.attempts);
            // The body is decoded later, by the typed future: it records a failure here.
            raw.span = span;
        }
        Err(error) => {
            if let Some(status) = error.status() {
                span.record("status", status);
            }
            if let Some(attempts) = error.attempts() {
                span.record("attempts", attempts);
            }
            span.record("error", error.kind());
        }
    }
    result
}

/// The attempts of one call; `span` is the call's, which gets the reason when it gives up.
async fn send_with_retries(
    client: &Client,
    request: Request,
    options: CallOptions,
    started: Instant,
    span: &tracing::Span,
) -> Result<RawResponse, Error> {
    let prepared = prepare(client, request, options.connection_id.as_deref())?;
    let policy = options.retry.as_ref().unwrap_or(&client.inner.retry);
    let timeout = options.timeout.unwrap_or(match prepared.body {
        PreparedBody::Multipart(_) => client.inner.upload_timeout,
        _ => client.inner.timeout,
    });
    let limits = Limits {
        timeout,
        connect_timeout: client.inner.connect_timeout,
        max_body_size: options.max_body_size.unwrap_or(client.inner.max_body_size),
    };
    let call = Call {
        method: prepared.operation.method,
        idempotent: options.idempotent,
        connect_error_is_unsent: client.inner.own_http,
    };
    let mut attempts = 0;
    loop {
        attempts += 1;
        let url = attempt_url(client, &prepared, timeout).await?;
        let (mut error, hint) = match attempt(client, &prepared, &url, limits, attempts).await {
            Ok(raw) => return Ok(raw),
            Err(failure) => failure,
        };
        error.set_attempts(attempts);
        let (delay, reason) = match policy.decide(&error, call, attempts, started.elapsed(), hint) {
            Decision::Retry { delay, reason } => (delay, reason),
            Decision::GiveUp(reason) => {
                span.record("retry", reason.as_str());
                return Err(error);
            }
        };
        tracing::info!(
            attempt = attempts,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            error = error.kind(),
            status = error.status(),
            reason = reason.as_str(),
            "retrying"
        );
        tokio::time::sleep(delay).await;
    }
}
