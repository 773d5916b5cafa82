//! One attempt: the prepared request sent once with the client's headers and the call's
//! timeout; a failure of the exchange itself (timeout, transport, a redirect a caller's client
//! gave up following) becomes an [`Error`] whose URL shows no query. The response goes to
//! `status.rs`.

use std::time::Duration;

use reqwest::header::{HeaderValue, CONTENT_TYPE};
use reqwest::Url;

use super::options::Limits;
use super::prepare::{multipart_form, Prepared, PreparedBody};
use super::raw_response::RawResponse;
use super::status::{self, same_resource, without_query};
use crate::client::Client;
use crate::error::Error;

/// Sends the request once; a failure comes with the wait that the response asked for.
pub(super) async fn attempt(
    client: &Client,
    prepared: &Prepared,
    url: &Url,
    limits: Limits,
    attempts: u32,
) -> Result<RawResponse, (Error, Option<Duration>)> {
    let name = prepared.operation.name;
    let transport = |source: reqwest::Error| {
        let error = transport_error(name, url, source, limits, attempts);
        (error, None)
    };
    // The request is built in place rather than with a `RequestBuilder`, which would copy the
    // client's headers a second time, one by one.
    let http = &client.inner.http;
    let mut request = reqwest::Request::new(prepared.operation.method.to_reqwest(), url.clone());
    *request.headers_mut() = client.inner.headers.clone();
    *request.timeout_mut() = Some(limits.timeout);
    match &prepared.body {
        PreparedBody::None => {}
        PreparedBody::Json(bytes) => {
            request
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            *request.body_mut() = Some(bytes.clone().into());
        }
        PreparedBody::Multipart(parts) => {
            // The form sets its own content type, with the boundary.
            let form = multipart_form(name, parts).map_err(|error| (error, None))?;
            request = reqwest::RequestBuilder::from_parts(http.clone(), request)
                .multipart(form)
                .build()
                .map_err(transport)?;
        }
    }

    let response = http.execute(request).await.map_err(transport)?;
    status::read(response, url, limits, attempts, name, transport).await
}

/// The error for a failure of the HTTP client: a timeout, a transport error, or the
/// redirect policy error of a caller's client (too many redirects). The error's URL loses
/// its query (API key, query values) so that no message shows it.
fn transport_error(
    operation: &'static str,
    url: &Url,
    mut source: reqwest::Error,
    limits: Limits,
    attempts: u32,
) -> Error {
    if let Some(at) = source.url_mut() {
        at.set_query(None);
        at.set_fragment(None);
    }
    if source.is_redirect() {
        // The server answered with a redirect, so the request reached it.
        return Error::Redirect {
            operation,
            status: None,
            location: source
                .url()
                .filter(|at| !same_resource(at, url))
                .map(without_query),
            source: Some(source),
            rate_limit: None,
            attempts,
        };
    }
    if source.is_timeout() {
        let after = match limits.connect_timeout {
            Some(connect) if source.is_connect() => connect,
            _ => limits.timeout,
        };
        Error::Timeout {
            operation,
            after,
            source,
            attempts,
        }
    } else {
        Error::Transport {
            operation,
            source,
            attempts,
        }
    }
}
