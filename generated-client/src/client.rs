//! The client: configuration, authentication headers, sending requests and mapping responses.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Url;
use serde::de::DeserializeOwned;

use crate::auth::{Auth, Secret};
use crate::error::excerpt;
use crate::models::ApiError;
use crate::request::{Body, Part, Request};
use crate::{ApiResponse, Error, RateLimit, ResponseFuture};

/// The production API endpoint.
pub const DEFAULT_BASE_URL: &str = "https://chat.stream-io-api.com";

/// The default timeout of a whole request, as in the official SDKs.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(6);

/// The `X-Stream-Client` header: which SDK and version sent the request.
pub(crate) const CLIENT_ID: &str = concat!("stream-chat-rust-client-", env!("CARGO_PKG_VERSION"));

const STREAM_AUTH_TYPE: HeaderName = HeaderName::from_static("stream-auth-type");
const X_STREAM_CLIENT: HeaderName = HeaderName::from_static("x-stream-client");

/// A Stream Chat API client.
///
/// Built with [`Client::builder`]; the endpoint methods are generated (one per API operation).
/// Cloning is cheap (the state is shared behind an `Arc`), and a client can be used from many
/// tasks at once. Its `Debug` output never shows the secret or the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    #[allow(
        dead_code,
        reason = "only generated code uses it, and cargo features may leave that code out"
    )]
    http: reqwest::Client,
    api_key: String,
    /// Without a trailing slash, so that `base_url + "/path"` is right.
    base_url: String,
    auth: Auth,
    timeout: Duration,
    /// `Stream-Auth-Type`, `Authorization` (marked sensitive), `X-Stream-Client`, `Accept`.
    #[allow(
        dead_code,
        reason = "only generated code uses it, and cargo features may leave that code out"
    )]
    headers: HeaderMap,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_key", &self.inner.api_key)
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth.mode())
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client for the app with this API key. Choose the authentication with
    /// [`ClientBuilder::server_side`], [`ClientBuilder::user_token`] or
    /// [`ClientBuilder::anonymous`].
    pub fn builder(api_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            api_key: api_key.into(),
            auth: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The app's API key.
    pub fn api_key(&self) -> &str {
        &self.inner.api_key
    }

    /// The base URL the requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The authentication mode and credentials.
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// The timeout of a whole request.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Sends a request built by a generated endpoint method; the future decodes a 2xx body as `T`.
    ///
    /// Only the decoding is generic: sending is one non-generic async function behind a boxed
    /// future, so each of the ~150 response types adds a small `poll` and a decoder instead of
    /// a copy of the whole request path, and each method returns a plain, nameable type.
    #[allow(
        dead_code,
        reason = "only generated code uses it, and cargo features may leave that code out"
    )]
    pub(crate) fn execute<T: DeserializeOwned>(&self, request: Request) -> ResponseFuture<'_, T> {
        ResponseFuture::new(Box::pin(self.send(request)))
    }

    /// Sends a request and returns the 2xx response, or the error that any other outcome means.
    #[allow(
        dead_code,
        reason = "only generated code uses it, and cargo features may leave that code out"
    )]
    async fn send(&self, request: Request) -> Result<RawResponse, Error> {
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

        let mut url = Url::parse(&format!("{}{}", self.inner.base_url, path))
            .map_err(|error| encode(name, error))?;
        url.query_pairs_mut()
            .append_pair("api_key", &self.inner.api_key)
            .extend_pairs(query);

        let mut builder = self
            .inner
            .http
            .request(operation.method.to_reqwest(), url)
            .headers(self.inner.headers.clone());
        builder = match body {
            Body::None => builder,
            Body::Json(bytes) => builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes),
            Body::Multipart(parts) => builder.multipart(multipart_form(name, parts)?),
        };

        let response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(transport)?;

        if (200..300).contains(&status) {
            Ok(RawResponse {
                operation: name,
                status,
                headers,
                bytes,
            })
        } else {
            Err(error_from_response(name, status, &headers, &bytes))
        }
    }
}

#[allow(
    dead_code,
    reason = "only generated code uses it, and cargo features may leave that code out"
)]
fn encode(operation: &'static str, error: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Encode {
        operation,
        message: error.to_string(),
        source: Some(Box::new(error)),
    }
}

#[allow(
    dead_code,
    reason = "only generated code uses it, and cargo features may leave that code out"
)]
fn transport(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        Error::Timeout(error)
    } else {
        Error::Transport(error)
    }
}

fn multipart_form(
    operation: &'static str,
    parts: Vec<Part>,
) -> Result<reqwest::multipart::Form, Error> {
    use reqwest::multipart::{Form, Part as FormPart};

    let mut form = Form::new();
    for part in parts {
        form = match part {
            Part::Text { name, value } => form.text(name, value),
            Part::File { name, file } => {
                let length = file.bytes.len() as u64;
                let content = FormPart::stream_with_length(file.bytes, length)
                    .file_name(file.file_name)
                    .mime_str(&file.content_type)
                    .map_err(|error| Error::Encode {
                        operation,
                        message: format!(
                            "invalid content type {:?} of file part `{name}`",
                            file.content_type
                        ),
                        source: Some(Box::new(error)),
                    })?;
                form.part(name, content)
            }
        };
    }
    Ok(form)
}

/// A 2xx response whose body is not decoded yet.
pub(crate) struct RawResponse {
    operation: &'static str,
    status: u16,
    headers: HeaderMap,
    bytes: Bytes,
}

impl RawResponse {
    /// Decodes the body as `T`, or says which field failed.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        match decode::<T>(&self.bytes) {
            Ok(body) => Ok(ApiResponse::new(self.status, self.headers, body)),
            Err((path, source)) => Err(Error::Decode {
                operation: self.operation,
                status: self.status,
                path,
                source,
                body_excerpt: excerpt(&self.bytes),
                rate_limit: RateLimit::from_headers(&self.headers),
            }),
        }
    }
}

/// Decodes a success body; an empty body decodes as `{}` so all-optional responses work.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, (String, serde_json::Error)> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        bytes
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| (error.path().to_string(), error.into_inner()))?;
    deserializer
        .end()
        .map_err(|error| (".".to_owned(), error))?;
    Ok(value)
}

/// Maps a non-2xx response: an API error body becomes [`Error::Api`], anything else
/// [`Error::Http`].
fn error_from_response(
    operation: &'static str,
    status: u16,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Error {
    let rate_limit = RateLimit::from_headers(headers);
    // Only a JSON object is an error body: serde would also accept an array for a struct.
    let api_error = match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value @ serde_json::Value::Object(_)) => serde_json::from_value::<ApiError>(value).ok(),
        _ => None,
    };
    match api_error {
        Some(error) if error.code != 0 || !error.message.is_empty() => Error::Api {
            operation,
            status,
            error: Box::new(error),
            rate_limit,
        },
        _ => Error::Http {
            operation,
            status,
            body: String::from_utf8_lossy(bytes).into_owned(),
            rate_limit,
        },
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    api_key: String,
    auth: Option<Auth>,
    base_url: String,
    timeout: Duration,
}

impl ClientBuilder {
    /// Server-side authentication with the app's API secret: the client signs a server token
    /// once, in [`ClientBuilder::build`]. For back ends only.
    pub fn server_side(self, secret: impl Into<Secret>) -> Self {
        self.auth(Auth::ServerSide(secret.into()))
    }

    /// Client-side authentication with a user token made by your back end (see
    /// [`UserToken`](crate::UserToken)). A `Bearer ` prefix, if any, is removed.
    pub fn user_token(self, token: impl Into<Secret>) -> Self {
        self.auth(Auth::UserToken(token.into()))
    }

    /// Anonymous access: no `Authorization` header; only a few endpoints allow it.
    pub fn anonymous(self) -> Self {
        self.auth(Auth::Anonymous)
    }

    /// Sets the authentication mode.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Sets the base URL (default [`DEFAULT_BASE_URL`], `https://chat.stream-io-api.com`), e.g.
    /// a regional endpoint or a local test server. It may include a path prefix.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sets the timeout of a whole request, from connecting to reading the body (default 6 s,
    /// as in the official SDKs). A request that takes longer fails with [`Error::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] when no authentication mode was chosen, the base URL is not
    /// an `http`/`https` URL, or the API key or token cannot be sent in a header or URL, and
    /// with [`Error::Transport`] if the HTTP client cannot be set up (e.g. no TLS roots).
    pub fn build(self) -> Result<Client, Error> {
        let auth = self.auth.ok_or_else(|| {
            Error::Config(
                "no authentication chosen: call server_side, user_token or anonymous".to_owned(),
            )
        })?;
        let auth = match auth {
            Auth::UserToken(token) => match token.expose().strip_prefix("Bearer ") {
                Some(bare) => Auth::UserToken(Secret::new(bare.trim())),
                None => Auth::UserToken(token),
            },
            other => other,
        };

        if self.api_key.trim().is_empty() {
            return Err(Error::Config("the API key is empty".to_owned()));
        }
        let base_url = self.base_url.trim().trim_end_matches('/').to_owned();
        match Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
                if url.query().is_some() || url.fragment().is_some() {
                    return Err(Error::Config(format!(
                        "base URL {base_url:?} must not have a query or fragment"
                    )));
                }
            }
            _ => {
                return Err(Error::Config(format!(
                    "base URL {base_url:?} is not an http(s) URL"
                )))
            }
        }

        let mut headers = HeaderMap::new();
        headers.insert(STREAM_AUTH_TYPE, HeaderValue::from_static(auth.auth_type()));
        if let Some(token) = auth.token() {
            let mut value = HeaderValue::from_str(token.expose()).map_err(|_| {
                Error::Config("the token contains characters not allowed in a header".to_owned())
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        headers.insert(X_STREAM_CLIENT, HeaderValue::from_static(CLIENT_ID));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));

        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .build()
            .map_err(Error::Transport)?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                api_key: self.api_key,
                base_url,
                auth,
                timeout: self.timeout,
                headers,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::server_token;

    const JACK_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiamFjayJ9.pO3Fa8TJnPXsl62-XHK94S8hFk6dUz_2Q9au6H5xBSQ";

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }

    #[test]
    fn debug_never_shows_secrets() {
        let client = Client::builder("key")
            .server_side("top-secret")
            .build()
            .unwrap();
        let token = server_token(&Secret::new("top-secret"));
        let debug = format!("{client:?}");
        assert!(!debug.contains("top-secret"), "{debug}");
        assert!(!debug.contains(&token), "{debug}");
        assert!(!debug.contains("eyJ"), "{debug}");
        assert!(debug.contains("server-side"), "{debug}");
        let alternate = format!("{client:#?}");
        assert!(!alternate.contains("top-secret") && !alternate.contains("eyJ"));

        let builder = Client::builder("key").server_side("top-secret");
        assert!(!format!("{builder:?}").contains("top-secret"));

        let client = Client::builder("key")
            .user_token(JACK_TOKEN)
            .build()
            .unwrap();
        let debug = format!("{client:?}");
        assert!(
            !debug.contains(JACK_TOKEN) && !debug.contains("eyJ"),
            "{debug}"
        );
        assert!(!format!("{:?}", client.auth()).contains("eyJ"));
    }

    #[test]
    fn headers_per_mode() {
        let server = Client::builder("key")
            .server_side("top-secret")
            .build()
            .unwrap();
        let h = &server.inner.headers;
        assert_eq!(h["stream-auth-type"], "jwt");
        assert_eq!(
            h[AUTHORIZATION],
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.-hJRcjmUOcS0P-Pllpe8gnOtMINmm7Ktebd3eKUroAc"
        );
        assert!(h[AUTHORIZATION].is_sensitive());
        assert_eq!(h["x-stream-client"], "stream-chat-rust-client-0.1.0");

        let user = Client::builder("key")
            .user_token(format!("Bearer {JACK_TOKEN}"))
            .build()
            .unwrap();
        assert_eq!(user.inner.headers[AUTHORIZATION], JACK_TOKEN);

        let anonymous = Client::builder("key").anonymous().build().unwrap();
        assert_eq!(anonymous.inner.headers["stream-auth-type"], "anonymous");
        assert!(anonymous.inner.headers.get(AUTHORIZATION).is_none());
    }

    #[test]
    fn builder_validation() {
        assert!(matches!(
            Client::builder("key").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            Client::builder("").anonymous().build(),
            Err(Error::Config(_))
        ));
        for url in [
            "chat.stream-io-api.com",
            "ftp://x",
            "http://",
            "http://x/?a=b",
            "not a url",
        ] {
            let result = Client::builder("key").anonymous().base_url(url).build();
            assert!(matches!(result, Err(Error::Config(_))), "{url}");
        }
        assert!(matches!(
            Client::builder("key").user_token("bad\ntoken").build(),
            Err(Error::Config(_))
        ));
        let client = Client::builder("key")
            .anonymous()
            .base_url("http://127.0.0.1:3030/prefix/")
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:3030/prefix");
        assert_eq!(client.timeout(), Duration::from_secs(1));
        assert_eq!(
            Client::builder("key")
                .anonymous()
                .build()
                .unwrap()
                .base_url(),
            DEFAULT_BASE_URL
        );
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Optional {
        duration: Option<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Nested {
        channel: Channel,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Channel {
        members: Vec<Member>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Member {
        id: String,
    }

    #[test]
    fn empty_bodies_decode_as_empty_objects() {
        assert_eq!(
            decode::<Optional>(b"").unwrap(),
            Optional { duration: None }
        );
        assert_eq!(
            decode::<Optional>(b" \n").unwrap(),
            Optional { duration: None }
        );
        assert_eq!(
            decode::<serde_json::Value>(b"").unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn decode_errors_name_the_field() {
        let (path, _) =
            decode::<Nested>(br#"{"channel":{"members":[{"id":"a"},{"id":1}]}}"#).unwrap_err();
        assert_eq!(path, "channel.members[1].id");
        let (path, _) = decode::<Optional>(b"{} trailing").unwrap_err();
        assert_eq!(path, ".");
        assert!(decode::<Nested>(b"<html>").is_err());
    }

    #[test]
    fn error_bodies() {
        let headers = HeaderMap::new();
        let api = error_from_response(
            "Op",
            400,
            &headers,
            br#"{"code":4,"message":"bad","StatusCode":400,"duration":"1ms","more_info":"https://x","details":[],"unrecoverable":true,"exception_fields":{"id":"missing"}}"#,
        );
        let error = api.api_error().unwrap();
        assert_eq!((error.code, error.status_code), (4, 400));
        assert_eq!(error.unrecoverable, Some(true));
        assert_eq!(error.exception_fields.as_ref().unwrap()["id"], "missing");

        for body in [
            &b""[..],
            b"Bad Gateway",
            b"<html></html>",
            b"{}",
            b"[1]",
            b"\xff",
        ] {
            let error = error_from_response("Op", 502, &headers, body);
            assert!(
                matches!(error, Error::Http { status: 502, .. }),
                "{error:?}"
            );
        }
    }
}
