//! End-to-end checks of `Client::execute` against a minimal HTTP/1.1 server on 127.0.0.1
//! (raw `TcpListener`): headers, query, bodies, gzip, error mapping, timeouts.
//! Independent of the generated endpoints, so the generator can replace them freely.

use std::io::Write as _;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::operation::Method;
use crate::request::{JsonQuery, Request};
use crate::{Client, Error, FilePart, OperationInfo};

static GET_OP: OperationInfo = OperationInfo {
    name: "GetThing",
    summary: "Get thing",
    method: Method::Get,
    path: "/things/{id}",
    success_status: 200,
    server_side_only: false,
    client_side_only: false,
    connection_id_param: None,
    events: &[],
    permissions: &[],
    deprecated: false,
};

static POST_OP: OperationInfo = OperationInfo {
    name: "CreateThing",
    method: Method::Post,
    path: "/things",
    success_status: 201,
    ..GET_OP
};

/// A request as the server saw it.
#[derive(Debug)]
struct Seen {
    head: String,
    body: Vec<u8>,
}

impl Seen {
    fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }
}

/// Serves one canned response per connection, in order, and returns what it received.
async fn serve(responses: Vec<Vec<u8>>) -> (String, JoinHandle<Vec<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let mut seen = Vec::new();
        for response in responses {
            let (mut stream, _) = listener.accept().await.unwrap();
            seen.push(read_request(&mut stream).await);
            stream.write_all(&response).await.unwrap();
            stream.shutdown().await.ok();
        }
        seen
    });
    (url, handle)
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Seen {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "connection closed before the end of the head");
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8(data[..head_end].to_vec()).unwrap();
    let mut seen = Seen {
        head,
        body: data[head_end..].to_vec(),
    };
    if let Some(length) = seen.header("content-length") {
        let length: usize = length.parse().unwrap();
        while seen.body.len() < length {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0);
            seen.body.extend_from_slice(&buf[..n]);
        }
    } else {
        assert!(
            seen.header("transfer-encoding").is_none(),
            "chunked bodies are not expected"
        );
    }
    seen
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

const RATE_LIMIT_HEADERS: [(&str, &str); 3] = [
    ("X-RateLimit-Limit", "300, 300"),
    ("X-RateLimit-Remaining", "299"),
    ("X-RateLimit-Reset", "1700000000"),
];

fn server_client(url: &str) -> Client {
    Client::builder("the-key")
        .server_side("top-secret")
        .base_url(url)
        .build()
        .unwrap()
}

#[tokio::test]
async fn get_sends_auth_query_and_decodes_gzip() {
    let mut headers = vec![
        ("content-encoding", "gzip"),
        ("content-type", "application/json"),
    ];
    headers.extend(RATE_LIMIT_HEADERS);
    let (url, server) = serve(vec![response(
        "200 OK",
        &headers,
        &gzip(br#"{"name":"messaging"}"#),
    )])
    .await;
    let client = server_client(&format!("{url}/"));

    let mut request = Request::new(&GET_OP, &["a/b c"]);
    request.query("limit", &Some(10));
    request.query("ids", &vec!["x", "y z"]);
    request.query("skip", &None::<bool>);
    request.query("payload", &JsonQuery(&serde_json::json!({"a": "&"})));
    let response = client.execute::<serde_json::Value>(request).await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response["name"], "messaging");
    let rate_limit = response.rate_limit().copied().unwrap();
    assert_eq!(rate_limit.limit, Some(300));
    assert_eq!(rate_limit.remaining, Some(299));
    assert_eq!(rate_limit.reset.map(|t| t.timestamp()), Some(1_700_000_000));

    let seen = server.await.unwrap();
    let req = &seen[0];
    assert_eq!(
        req.request_line(),
        "GET /things/a%2Fb%20c?api_key=the-key&limit=10&ids=x%2Cy+z&payload=%7B%22a%22%3A%22%26%22%7D HTTP/1.1"
    );
    assert_eq!(req.header("stream-auth-type").as_deref(), Some("jwt"));
    assert_eq!(
        req.header("authorization").as_deref(),
        Some(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.-hJRcjmUOcS0P-Pllpe8gnOtMINmm7Ktebd3eKUroAc"
        )
    );
    assert_eq!(
        req.header("x-stream-client").as_deref(),
        Some(concat!(
            "stream-chat-rust-client-",
            env!("CARGO_PKG_VERSION")
        ))
    );
    let accept_encoding = req.header("accept-encoding").unwrap_or_default();
    assert!(
        accept_encoding.contains("gzip") && accept_encoding.contains("deflate"),
        "{accept_encoding}"
    );
    assert_eq!(req.header("content-type"), None);
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn json_body_and_empty_success_body() {
    let (url, server) = serve(vec![response("201 Created", &[], b"")]).await;
    let client = Client::builder("the-key")
        .anonymous()
        .base_url(url)
        .build()
        .unwrap();

    let mut request = Request::new(&POST_OP, &[]);
    request.json_body(&serde_json::json!({"name": "x"}));
    let response = client.execute::<serde_json::Value>(request).await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.into_inner(), serde_json::json!({}));
    assert!(
        client
            .execute::<serde_json::Value>(Request::new(&GET_OP, &["x"]))
            .await
            .is_err(),
        "the server is gone"
    );

    let seen = server.await.unwrap();
    let req = &seen[0];
    assert_eq!(req.request_line(), "POST /things?api_key=the-key HTTP/1.1");
    assert_eq!(req.header("stream-auth-type").as_deref(), Some("anonymous"));
    assert_eq!(req.header("authorization"), None);
    assert_eq!(
        req.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(req.body, br#"{"name":"x"}"#);
}

#[tokio::test]
async fn multipart_body() {
    let (url, server) = serve(vec![response(
        "201 Created",
        &[],
        br#"{"file":"https://cdn/x"}"#,
    )])
    .await;
    let client = server_client(&url);

    let mut request = Request::new(&POST_OP, &[]);
    request.multipart_part_json("user", &serde_json::json!({"id": "jack"}));
    request.multipart_part_json("note", &"hello");
    request.multipart_part_file(
        "file",
        &FilePart::new(&b"PNGDATA"[..], "a b.png", "image/png"),
    );
    let response = client.execute::<serde_json::Value>(request).await.unwrap();
    assert_eq!(response["file"], "https://cdn/x");

    let seen = server.await.unwrap();
    let req = &seen[0];
    let content_type = req.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&req.body);
    assert!(
        body.contains("name=\"user\"\r\n\r\n{\"id\":\"jack\"}\r\n"),
        "{body}"
    );
    assert!(body.contains("name=\"note\"\r\n\r\nhello\r\n"), "{body}");
    assert!(
        body.contains(
            "name=\"file\"; filename=\"a b.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n"
        ),
        "{body}"
    );

    let mut bad = Request::new(&POST_OP, &[]);
    bad.multipart_part_file("file", &FilePart::new(vec![1u8], "x", "not a mime"));
    let error = client.execute::<serde_json::Value>(bad).await.unwrap_err();
    assert!(matches!(error, Error::Encode { .. }), "{error:?}");
}

#[tokio::test]
async fn error_responses() {
    let api_body = br#"{"code":16,"message":"DeleteChannel failed with error: \"channel not found\"","StatusCode":404,"duration":"0.01ms","more_info":"https://getstream.io/chat/docs/api_errors_response","details":[]}"#;
    let mut rate_limited = RATE_LIMIT_HEADERS.to_vec();
    rate_limited[1] = ("X-RateLimit-Remaining", "0");
    let (url, server) = serve(vec![
        response("404 Not Found", &RATE_LIMIT_HEADERS, api_body),
        response(
            "502 Bad Gateway",
            &[("content-type", "text/html")],
            b"<html>bad gateway</html>",
        ),
        response("429 Too Many Requests", &rate_limited, b""),
        response("200 OK", &[], br#"{"channel":{"id":"#),
    ])
    .await;
    let client = server_client(&url);
    let get = || Request::new(&GET_OP, &["1"]);

    let error = client
        .execute::<serde_json::Value>(get())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    let api = error.api_error().unwrap();
    assert_eq!((api.code, api.status_code), (16, 404));
    assert_eq!(error.rate_limit().and_then(|r| r.remaining), Some(299));
    assert!(error.to_string().contains("channel not found"), "{error}");

    let error = client
        .execute::<serde_json::Value>(get())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Http { status: 502, body, .. } if body.contains("bad gateway")),
        "{error:?}"
    );
    assert!(error.api_error().is_none());

    let error = client
        .execute::<serde_json::Value>(get())
        .await
        .unwrap_err();
    assert!(error.is_rate_limited());
    assert!(error.rate_limit().is_some_and(|r| r.is_exhausted()));
    assert_eq!(
        error.to_string(),
        "GetThing failed with HTTP 429 with an empty body"
    );

    #[derive(Debug, serde::Deserialize)]
    #[expect(
        dead_code,
        reason = "the body only has to decode (or fail to); no field is read"
    )]
    struct Thing {
        channel: Channel,
    }
    #[derive(Debug, serde::Deserialize)]
    #[expect(
        dead_code,
        reason = "the body only has to decode (or fail to); no field is read"
    )]
    struct Channel {
        id: String,
    }
    let error = client.execute::<Thing>(get()).await.unwrap_err();
    match &error {
        Error::Decode {
            status,
            path,
            body_excerpt,
            ..
        } => {
            assert_eq!(*status, 200);
            assert_eq!(path, "channel.id");
            assert_eq!(body_excerpt, r#"{"channel":{"id":"#);
        }
        other => panic!("not a decode error: {other:?}"),
    }
    assert!(error.to_string().contains("channel.id"), "{error}");

    server.await.unwrap();
}

#[tokio::test]
async fn timeouts_and_transport_errors() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accepts and reads, never answers.
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let _ = read_request(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let client = Client::builder("k")
        .anonymous()
        .base_url(&url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client
        .execute::<serde_json::Value>(Request::new(&GET_OP, &["slow"]))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    server.abort();

    // Nothing listens on this port any more.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder("k")
        .anonymous()
        .base_url(url)
        .build()
        .unwrap();
    let error = client
        .execute::<serde_json::Value>(Request::new(&GET_OP, &["x"]))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn encode_errors_are_reported_before_sending() {
    let client = Client::builder("k")
        .anonymous()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let mut bad = std::collections::BTreeMap::new();
    bad.insert((1, 2), 3);
    let mut request = Request::new(&POST_OP, &[]);
    request.json_body(&bad);
    let error = client
        .execute::<serde_json::Value>(request)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Encode {
                operation: "CreateThing",
                ..
            }
        ),
        "{error:?}"
    );
}
