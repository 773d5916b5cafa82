//! What a transport failure says: the cause, in words, from the HTTP client's error chain.
//!
//! `reqwest`'s own message is "error sending request for url (...)" with the cause only in
//! its source chain, and the URL carries the query (the API key and the query values). These
//! functions name the phase that failed (connecting, waiting for the response, reading the
//! body), the host, and the innermost cause, and never print the URL's query.

use std::error::Error as _;

/// The cause of a transport error, e.g. `cannot connect to 127.0.0.1:3030: Connection refused
/// (os error 111)` or `reading the response body failed: Connection reset by peer (os error
/// 104)`.
pub(crate) fn cause(error: &reqwest::Error) -> String {
    let root = root_cause(error);
    let is_https = error.url().is_some_and(|url| url.scheme() == "https");
    if error.is_dns() {
        let host = error
            .url()
            .and_then(|url| url.host_str())
            .unwrap_or("the host");
        format!("cannot resolve {host}: {root}")
    } else if error.is_connect() && is_https && !has_io_error(error, true) {
        // No operating-system error: the TCP connection stood, the TLS handshake failed.
        format!("TLS handshake with {} failed: {root}", host(error))
    } else if error.is_connect() {
        format!("cannot connect to {}: {root}", host(error))
    } else if error.is_body() || error.is_decode() {
        format!("reading the response body failed: {root}")
    } else if has_io_error(error, false) {
        format!("the connection failed before the response arrived: {root}")
    } else {
        format!("no valid response: {root}")
    }
}

/// What a timed-out request was waiting for: `connecting to <host>`, `waiting for the
/// response` or `reading the response body`.
pub(crate) fn timeout_phase(error: &reqwest::Error) -> String {
    if error.is_connect() {
        format!("connecting to {}", host(error))
    } else if error.is_body() || error.is_decode() {
        "reading the response body".to_owned()
    } else {
        "waiting for the response".to_owned()
    }
}

/// The message of the innermost error of the chain (the one with no source), which names
/// the actual failure: `Connection refused (os error 111)`, `invalid peer certificate: ...`.
pub(crate) fn root_cause(error: &reqwest::Error) -> String {
    let mut innermost: &dyn std::error::Error = error;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    innermost.to_string()
}

/// `host:port` of the error's URL (never its path or query), or `the server` without one.
fn host(error: &reqwest::Error) -> String {
    match error
        .url()
        .and_then(|url| Some((url.host_str()?, url.port_or_known_default())))
    {
        Some((host, Some(port))) => format!("{host}:{port}"),
        Some((host, None)) => host.to_owned(),
        None => "the server".to_owned(),
    }
}

/// Whether an I/O error (reset, broken pipe, ...; with `from_os`, one the operating system
/// reported) is in the chain, as opposed to a protocol error (a response that is not HTTP, a
/// connection closed before any answer, a TLS alert).
fn has_io_error(error: &reqwest::Error, from_os: bool) -> bool {
    let mut source = error.source();
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            if !from_os || io.raw_os_error().is_some() {
                return true;
            }
        }
        source = current.source();
    }
    false
}
