//! A scripted raw HTTP/1.1 server on `127.0.0.1` for the fault-injection tests.
//!
//! Where [`RecordingServer`](crate::RecordingServer) (axum) always speaks correct HTTP, this
//! one works on the TCP stream, so it can misbehave as real networks and proxies do: answer
//! with nothing, stop in the middle of a body, promise more bytes than it sends, reset the
//! connection (`SO_LINGER` 0, so the client reads `ECONNRESET`), send a body that never ends
//! or one of hundreds of megabytes (streamed from one small piece, so the server itself stays
//! small), or answer before reading anything (what a TLS client sees from a plain server).
//! Every connection serves one request (`Connection: close`), answered with the next [`Reply`]
//! of the script; it counts the connections it accepted and records each request it read.
//!
//! ```no_run
//! # async fn run() {
//! use stream_chat_tests::raw::{RawServer, Reply};
//!
//! let server = RawServer::start([
//!     Reply::status(503, &[], "busy"),
//!     Reply::json(200, r#"{"duration":"1ms"}"#),
//! ])
//! .await;
//! // ... a client calls server.url() ...
//! assert_eq!(server.request_count(), 2);
//! # }
//! ```

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How long a stalled connection stays open: longer than any client timeout in the tests.
const STALL: Duration = Duration::from_secs(30);

/// What the server does with one connection after reading its request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Writes the bytes, then closes the connection normally.
    Send(Vec<u8>),
    /// Writes the bytes, then resets the connection (RST instead of FIN).
    SendThenReset(Vec<u8>),
    /// Waits, then writes the bytes and closes the connection normally.
    SendAfter(Duration, Vec<u8>),
    /// Writes the bytes, then keeps the connection open without writing more.
    SendThenStall(Vec<u8>),
    /// Reads the request and never answers; the connection stays open.
    Stall,
    /// Resets the connection without reading the request.
    Reset,
    /// Writes the bytes as soon as the connection is accepted, without reading a request,
    /// then closes it (a plain-text answer to a TLS handshake, for instance).
    Unread(Vec<u8>),
    /// Writes `head` (a response head), then `piece` over and over: `repeat` times (the head
    /// announces the length), or, with `None`, as chunks of a `Transfer-Encoding: chunked`
    /// body that never ends. Stops when the client goes away. See [`Reply::endless`] and
    /// [`Reply::repeated`].
    Stream {
        /// The status line and headers, up to the blank line.
        head: Vec<u8>,
        /// What each write sends (already chunk-framed for an endless body).
        piece: Vec<u8>,
        /// How many times; `None` for ever.
        repeat: Option<u64>,
    },
}

impl Reply {
    /// A complete response: the status line, `Content-Length`, `Connection: close`, the
    /// `headers` as given (so they may repeat or hold any bytes), and the body.
    pub fn raw(status: u16, headers: &[(&str, &[u8])], body: impl Into<Vec<u8>>) -> Reply {
        let body = body.into();
        Reply::Send(response_bytes(status, headers, body.len(), &body))
    }

    /// A complete response with text headers.
    pub fn status(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Reply {
        let headers: Vec<(&str, &[u8])> = headers
            .iter()
            .map(|(name, value)| (*name, value.as_bytes()))
            .collect();
        Reply::raw(status, &headers, body)
    }

    /// The bytes of a complete response (see [`Reply::status`]), for the variants that take
    /// bytes.
    pub fn bytes(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
        let headers: Vec<(&str, &[u8])> = headers
            .iter()
            .map(|(name, value)| (*name, value.as_bytes()))
            .collect();
        response_bytes(status, &headers, body.len(), body)
    }

    /// A complete `application/json` response.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::status(status, &[("content-type", "application/json")], body)
    }

    /// A response whose chunked body never ends: 64 KiB chunks of `x` after `start`, written
    /// until the client closes the connection.
    pub fn endless(status: u16, headers: &[(&str, &str)], start: &[u8]) -> Reply {
        let mut head = head_bytes(status, headers);
        head.extend_from_slice(b"transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
        head.extend_from_slice(format!("{:x}\r\n", start.len()).as_bytes());
        head.extend_from_slice(start);
        head.extend_from_slice(b"\r\n");
        let chunk = vec![b'x'; 64 * 1024];
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(&chunk);
        piece.extend_from_slice(b"\r\n");
        Reply::Stream {
            head,
            piece,
            repeat: None,
        }
    }

    /// A response whose body is `piece` repeated `count` times, announced with its
    /// `Content-Length` and streamed, so that the server never holds more than `piece`.
    pub fn repeated(status: u16, headers: &[(&str, &str)], piece: &[u8], count: u64) -> Reply {
        let mut head = head_bytes(status, headers);
        let length = piece.len() as u64 * count;
        head.extend_from_slice(
            format!("content-length: {length}\r\nconnection: close\r\n\r\n").as_bytes(),
        );
        Reply::Stream {
            head,
            piece: piece.to_vec(),
            repeat: Some(count),
        }
    }

    /// The head of a response announcing `content_length` body bytes, then only `body`.
    pub fn head_and_part(status: u16, content_length: usize, body: &[u8]) -> Vec<u8> {
        response_bytes(
            status,
            &[("content-type", b"application/json")],
            content_length,
            body,
        )
    }
}

/// The status line and text headers, without the blank line that ends the head.
fn head_bytes(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut bytes = format!("HTTP/1.1 {status} Scripted\r\n").into_bytes();
    for (name, value) in headers {
        bytes.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    bytes
}

fn response_bytes(
    status: u16,
    headers: &[(&str, &[u8])],
    content_length: usize,
    body: &[u8],
) -> Vec<u8> {
    let mut bytes = format!("HTTP/1.1 {status} Scripted\r\n").into_bytes();
    for (name, value) in headers {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(
        format!("content-length: {content_length}\r\nconnection: close\r\n\r\n").as_bytes(),
    );
    bytes.extend_from_slice(body);
    bytes
}

/// A request as the server read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRequest {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The request target: path and query, still percent-encoded.
    pub target: String,
    /// The header lines as sent, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked if it was sent chunked).
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The path of the target, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Default)]
struct State {
    script: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<RawRequest>>,
    connections: AtomicUsize,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The scripted server; stops accepting when dropped.
pub struct RawServer {
    address: SocketAddr,
    state: Arc<State>,
    accept: JoinHandle<()>,
}

impl RawServer {
    /// Starts the server on an OS-chosen port with the replies for the first connections, in
    /// order. A connection beyond the script gets HTTP 599 `unscripted request`.
    pub async fn start(script: impl IntoIterator<Item = Reply>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("bound address");
        let state = Arc::new(State {
            script: Mutex::new(script.into_iter().collect()),
            ..State::default()
        });
        let shared = Arc::clone(&state);
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                let reply = lock(&shared.script)
                    .pop_front()
                    .unwrap_or_else(|| Reply::status(599, &[], "unscripted request"));
                tokio::spawn(serve(stream, reply, Arc::clone(&shared)));
            }
        });
        RawServer {
            address,
            state,
            accept,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Appends replies to the script.
    pub fn push(&self, reply: Reply) {
        lock(&self.state.script).push_back(reply);
    }

    /// How many connections the server accepted.
    pub fn connection_count(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// How many complete requests the server read.
    pub fn request_count(&self) -> usize {
        lock(&self.state.requests).len()
    }

    /// The requests read so far, in order.
    pub fn requests(&self) -> Vec<RawRequest> {
        lock(&self.state.requests).clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn serve(mut stream: TcpStream, reply: Reply, state: Arc<State>) {
    match reply {
        Reply::Reset => {
            let _ = stream.set_zero_linger();
            return;
        }
        Reply::Unread(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
            return;
        }
        _ => {}
    }
    match read_request(&mut stream).await {
        Some(request) => lock(&state.requests).push(request),
        None => return,
    }
    match reply {
        Reply::Send(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::SendAfter(delay, bytes) => {
            tokio::time::sleep(delay).await;
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::SendThenReset(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            // Give the client time to read what was sent before the reset discards it.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let _ = stream.set_zero_linger();
        }
        Reply::SendThenStall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            tokio::time::sleep(STALL).await;
        }
        Reply::Stall => tokio::time::sleep(STALL).await,
        Reply::Stream {
            head,
            piece,
            repeat,
        } => {
            if stream.write_all(&head).await.is_err() {
                return;
            }
            let mut written = 0;
            while repeat.is_none_or(|count| written < count) {
                if stream.write_all(&piece).await.is_err() {
                    // The client stopped reading and closed the connection.
                    return;
                }
                written += 1;
            }
            let _ = stream.shutdown().await;
        }
        Reply::Reset | Reply::Unread(_) => {}
    }
}

/// Reads one request: the head, then a `Content-Length` or chunked body. `None` when the
/// client goes away first.
async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = find(&buffer, b"\r\n\r\n") {
            break at;
        }
        read_more(stream, &mut buffer).await?;
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let mut rest = buffer.split_off(head_end + 4);
    let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            if let Some(body) = dechunk(&rest) {
                break body;
            }
            read_more(stream, &mut rest).await?;
        }
    } else {
        let length = header("content-length").and_then(|v| v.parse::<usize>().ok());
        let length = length.unwrap_or(0);
        while rest.len() < length {
            read_more(stream, &mut rest).await?;
        }
        rest.truncate(length);
        rest
    };
    Some(RawRequest {
        method,
        target,
        headers,
        body,
    })
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 64 * 1024];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => None,
        Ok(read) => {
            buffer.extend_from_slice(&chunk[..read]);
            Some(())
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The body of a complete chunked encoding, `None` while incomplete.
fn dechunk(mut bytes: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = find(bytes, b"\r\n")?;
        let size_text = String::from_utf8_lossy(&bytes[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return find(bytes, b"\r\n").map(|_| body);
        }
        if bytes.len() < size + 2 {
            return None;
        }
        body.extend_from_slice(&bytes[..size]);
        bytes = &bytes[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dechunks_complete_bodies_only() {
        assert_eq!(dechunk(b"3\r\nabc\r\n0\r\n\r\n"), Some(b"abc".to_vec()));
        assert_eq!(dechunk(b"3\r\nabc\r\n"), None);
        assert_eq!(dechunk(b"3\r\nab"), None);
    }
}
