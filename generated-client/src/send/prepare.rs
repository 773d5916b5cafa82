//! A call checked and encoded once (URL with the API key and query, body), before its first
//! attempt; and each attempt's URL, which adds the bound real-time connection's current ID.

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Url;

use crate::client::Client;
use crate::error::Error;
use crate::request::{Body, Part, Request};

/// A request checked and encoded once, sent by each attempt.
pub(super) struct Prepared {
    pub(super) operation: &'static crate::OperationInfo,
    /// Without the bound connection's ID, which each attempt adds ([`attempt_url`]).
    pub(super) url: Url,
    pub(super) body: PreparedBody,
    /// Each attempt sends the bound connection's current ID, if the client has one.
    #[cfg(feature = "ws")]
    pub(super) bound: bool,
}

/// The body of a prepared request: cheap to clone per attempt (files are `Bytes`).
pub(super) enum PreparedBody {
    None,
    Json(Bytes),
    Multipart(Vec<Part>),
}

/// Checks and encodes what every attempt sends; `connection_id` is the call's own
/// ([`ResponseFuture::connection_id`](crate::ResponseFuture::connection_id)).
pub(super) fn prepare(
    client: &Client,
    request: Request,
    connection_id: Option<&str>,
) -> Result<Prepared, Error> {
    let Request {
        operation,
        path,
        query,
        body,
        encode_error,
    } = request;
    let name = operation.name;
    if let Some(error) = encode_error {
        return Err(Error::Encode {
            operation: name,
            message: error.to_string(),
            source: Some(error),
        });
    }
    // The generated paths escape their parameters (`request::path_segment`), so setting the
    // path is what parsing `base_url + path` did, without parsing the scheme and host again.
    let mut url = client.inner.request_url.clone();
    let base_path = client.inner.request_url.path().trim_end_matches('/');
    url.set_path(&format!("{base_path}{path}"));
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    if let Some(id) = connection_id {
        let Some(param) = operation.connection_id_param else {
            return Err(Error::Encode {
                operation: name,
                message: "the operation takes no real-time connection ID".to_owned(),
                source: None,
            });
        };
        url.query_pairs_mut().append_pair(param, id);
    }
    let body = match body {
        Body::Json(bytes) => PreparedBody::Json(Bytes::from(bytes)),
        Body::Multipart(parts) => {
            // Fails early on a bad content type, before anything is sent.
            multipart_form(name, &parts)?;
            PreparedBody::Multipart(parts)
        }
        Body::None => PreparedBody::None,
    };
    Ok(Prepared {
        operation,
        url,
        body,
        #[cfg(feature = "ws")]
        bound: connection_id.is_none() && operation.connection_id_param.is_some(),
    })
}

/// The URL of one attempt: the prepared one, with the current ID of the bound real-time
/// connection when the operation takes one and the call set none (the ID changes with
/// every reconnect). While the connection reconnects, waits up to `wait` for its new ID.
pub(super) async fn attempt_url<'p>(
    client: &Client,
    prepared: &'p Prepared,
    wait: Duration,
) -> Result<Cow<'p, Url>, Error> {
    #[cfg(feature = "ws")]
    if let (true, Some(connection), Some(param)) = (
        prepared.bound,
        &client.connection,
        prepared.operation.connection_id_param,
    ) {
        let id = connection
            .connection_id(wait)
            .await
            .map_err(|closed| Error::NotConnected {
                operation: prepared.operation.name,
                closed,
                waited: if closed { Duration::ZERO } else { wait },
            })?;
        let mut url = prepared.url.clone();
        url.query_pairs_mut().append_pair(param, &id);
        return Ok(Cow::Owned(url));
    }
    // Without feature `ws` no connection is bound, and these go unused.
    let _ = (client, wait);
    Ok(Cow::Borrowed(&prepared.url))
}

pub(super) fn multipart_form(
    operation: &'static str,
    parts: &[Part],
) -> Result<reqwest::multipart::Form, Error> {
    use reqwest::multipart::{Form, Part as FormPart};

    let mut form = Form::new();
    for part in parts {
        form = match part {
            Part::Text { name, value } => form.text(*name, value.clone()),
            Part::File { name, file } => {
                let length = file.bytes.len() as u64;
                let content = FormPart::stream_with_length(file.bytes.clone(), length)
                    .file_name(file.file_name.clone())
                    .mime_str(&file.content_type)
                    .map_err(|error| Error::Encode {
                        operation,
                        message: format!(
                            "invalid content type {:?} of file part `{name}`",
                            file.content_type
                        ),
                        source: Some(Box::new(error)),
                    })?;
                form.part(*name, content)
            }
        };
    }
    Ok(form)
}
