//! [`ClientBuilder`]: the settings of a [`Client`], checked and turned into its shared state
//! (the headers every request sends, the HTTP client) by [`ClientBuilder::build`].

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use reqwest::Url;

use super::{Client, Inner};
use crate::auth::{Auth, Secret};
use crate::body::DEFAULT_MAX_BODY_SIZE;
use crate::client_id::{CLIENT_ID, USER_AGENT_PRODUCT};
use crate::error::Error;
use crate::retry::RetryPolicy;

/// The production API endpoint.
pub const DEFAULT_BASE_URL: &str = "https://chat.stream-io-api.com";

/// The default timeout of a whole request, as in the official SDKs.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(6);

/// The default timeout of a whole multipart upload request (file and image uploads).
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(60);

const STREAM_AUTH_TYPE: HeaderName = HeaderName::from_static("stream-auth-type");
const X_STREAM_CLIENT: HeaderName = HeaderName::from_static("x-stream-client");

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
            upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
            connect_timeout: None,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            retry: RetryPolicy::none(),
            user_agent_product: None,
            http: None,
        }
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
    upload_timeout: Duration,
    connect_timeout: Option<Duration>,
    max_body_size: u64,
    retry: RetryPolicy,
    user_agent_product: Option<String>,
    http: Option<reqwest::Client>,
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
    /// Multipart uploads use [`upload_timeout`](Self::upload_timeout) instead; a call can set
    /// its own with [`ResponseFuture::timeout`](crate::ResponseFuture::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the timeout of a whole multipart upload request (file and image uploads; default
    /// [`DEFAULT_UPLOAD_TIMEOUT`], 60 s), which send more than the other calls.
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.upload_timeout = timeout;
        self
    }

    /// Sets the timeout of opening a connection (TCP and TLS; default none, so only the request
    /// timeout bounds it). A connection not opened in time fails with [`Error::Timeout`], for
    /// which [`Error::is_connect`] is true, so a retry policy may retry it. Ignored with
    /// [`http_client`](Self::http_client): configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sets the largest response body a call reads, counted after gzip/deflate decoding
    /// (default [`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE), 64 MiB, which holds
    /// Stream's largest answers with room to spare). A 2xx body past it fails the call with
    /// [`Error::BodyTooLarge`] as soon as the limit is passed (or at once when the
    /// `Content-Length` says so), so memory stays bounded whatever the server sends. Non-2xx
    /// bodies are read up to [`MAX_ERROR_BODY_SIZE`](crate::MAX_ERROR_BODY_SIZE) (64 KiB) or
    /// this limit if smaller. A call can set its own with [`ResponseFuture::max_body_size`](crate::ResponseFuture::max_body_size).
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Adds your application's product token in front of the client's in the `User-Agent`
    /// header of every request and of the websocket upgrade: `.user_agent_product("my-app/2.1")`
    /// sends `User-Agent: my-app/2.1 stream-chat-rust/0.1.0` (by default only
    /// [`USER_AGENT_PRODUCT`]). The `X-Stream-Client` header, which Stream reads as the SDK's
    /// name and version, stays the client's.
    pub fn user_agent_product(mut self, product: impl Into<String>) -> Self {
        self.user_agent_product = Some(product.into());
        self
    }

    /// Sets the retry policy of every call (default [`RetryPolicy::none`]: no retries); a call
    /// can set its own with [`ResponseFuture::retry_policy`](crate::ResponseFuture::retry_policy).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends the requests with this `reqwest` client instead of one built by the builder, to
    /// use a proxy, custom TLS roots or client certificates, or to share a connection pool.
    /// Name it through the re-export [`crate::reqwest`] so that the versions match.
    ///
    /// The builder's [`connect_timeout`](Self::connect_timeout) does not apply to it (set it
    /// on the `reqwest` client); the request and upload timeouts and the body limit do, per
    /// request. Gzip and deflate decoding are the `reqwest` client's settings.
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`: the client's own never
    /// follows redirects (Stream's API does not redirect), but a `reqwest` client follows up
    /// to 10 by default, re-sending the request to the target (a `POST` body too, on 307 and
    /// 308) with a `Referer` that holds the request's URL and query (the API key and query
    /// values). The client detects a redirect that was followed and fails the call with
    /// [`Error::Redirect`] instead of returning the target's answer, but by then the target
    /// has seen the request. And when following fails to connect to the target, `reqwest`
    /// reports a connect error for the original URL, which cannot be told apart from a
    /// connection that was never opened: so with a caller's client, the
    /// [`RetryPolicy`] retries connect errors only for calls safe to repeat.
    ///
    /// ```
    /// use stream_chat_client::reqwest;
    ///
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let client = stream_chat_client::Client::builder("my-api-key")
    ///     .anonymous()
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] when no authentication mode was chosen, the base URL is not
    /// an `http`/`https` URL, the API key, token or user-agent product cannot be sent in a
    /// header or URL, or the HTTP client cannot be set up (e.g. no TLS roots).
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
        let mut request_url = match Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => url,
            _ => {
                return Err(Error::Config(format!(
                    "base URL {base_url:?} is not an http(s) URL"
                )))
            }
        };
        if request_url.query().is_some() || request_url.fragment().is_some() {
            return Err(Error::Config(format!(
                "base URL {base_url:?} must not have a query or fragment"
            )));
        }
        request_url
            .query_pairs_mut()
            .append_pair("api_key", &self.api_key);

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
        let user_agent = match self.user_agent_product.as_deref().map(str::trim) {
            Some("") | None => USER_AGENT_PRODUCT.to_owned(),
            Some(product) => format!("{product} {USER_AGENT_PRODUCT}"),
        };
        let user_agent_value = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::Config(format!(
                "the user-agent product {:?} contains characters not allowed in a header",
                self.user_agent_product.unwrap_or_default()
            ))
        })?;
        headers.insert(USER_AGENT, user_agent_value);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));

        let own_http = self.http.is_none();
        let (http, connect_timeout) = match self.http {
            Some(http) => (http, None),
            None => {
                // Stream's API never redirects: a 3xx is returned as an error, never followed
                // (following would re-send the request, and leak its URL in a `Referer`).
                let mut builder = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .referer(false);
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                let http = builder
                    .build()
                    .map_err(|error| Error::Config(format!("cannot set up HTTP: {error}")))?;
                (http, self.connect_timeout)
            }
        };

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                own_http,
                api_key: self.api_key,
                base_url,
                request_url,
                auth,
                timeout: self.timeout,
                upload_timeout: self.upload_timeout,
                connect_timeout,
                max_body_size: self.max_body_size,
                retry: self.retry,
                user_agent,
                headers,
            }),
            #[cfg(feature = "ws")]
            connection: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::AUTHORIZATION;

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
        assert_eq!(
            h["x-stream-client"],
            concat!("stream-chat-rust-client-", env!("CARGO_PKG_VERSION"))
        );

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
}
