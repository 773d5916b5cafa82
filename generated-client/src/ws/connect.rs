//! One connection attempt: the `/connect` URL with its query, the websocket handshake, and
//! the first message (the hello, or an error).

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use reqwest::Url;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::frame::{self, Frame};
use super::{CurrentUser, RealtimeError, UNHEALTHY_AFTER};
use crate::auth::{Auth, Secret};
use crate::client_id::CLIENT_ID;
use crate::excerpt::excerpt;
use crate::Client;

/// An open websocket.
pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Where and as whom to connect: everything of the `/connect` request except the token and
/// the per-attempt request id.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// `ws(s)://host[/prefix]/connect`, no query.
    url: Url,
    api_key: String,
    auth_type: &'static str,
    /// The `User-Agent` of the upgrade request: the client's.
    user_agent: HeaderValue,
    user_id: String,
    /// The full user object (with `id`).
    user_details: Value,
}

/// What the hello tells.
#[derive(Debug, Clone)]
pub(crate) struct Hello {
    pub(crate) connection_id: String,
    pub(crate) user: CurrentUser,
    /// When it arrived: the keep-alive deadlines count from here, not from when the
    /// background task first runs.
    pub(crate) received_at: Instant,
}

impl Endpoint {
    /// The endpoint of `client`'s base URL for `user`, and the token to start with.
    pub(crate) fn new(
        client: &Client,
        user: Value,
    ) -> Result<(Self, Option<Secret>), RealtimeError> {
        let token = match client.auth() {
            Auth::UserToken(token) => Some(token.clone()),
            Auth::Anonymous => None,
            Auth::ServerSide(_) => return Err(RealtimeError::Config(
                "a server-side client cannot open a websocket: use a user token or anonymous auth"
                    .to_owned(),
            )),
        };
        let user_id = match user.get("id").and_then(Value::as_str) {
            Some(id) if !id.trim().is_empty() => id.to_owned(),
            _ => {
                return Err(RealtimeError::Config(format!(
                    "the user must be a JSON object with a non-empty string `id`, got {}",
                    excerpt(user.to_string().as_bytes())
                )))
            }
        };
        let user_agent = HeaderValue::from_str(client.user_agent()).map_err(|_| {
            RealtimeError::Config("the user agent cannot be sent in a header".to_owned())
        })?;
        let endpoint = Self {
            url: connect_url(client.base_url())?,
            api_key: client.api_key().to_owned(),
            auth_type: client.auth().auth_type(),
            user_agent,
            user_id,
            user_details: user,
        };
        Ok((endpoint, token))
    }

    /// The connecting user's id.
    pub(crate) fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The full URL of one attempt: `json`, `api_key`, `authorization` (unless anonymous),
    /// `stream-auth-type` and `X-Stream-Client`.
    pub(crate) fn request_url(&self, token: Option<&Secret>, client_request_id: &str) -> Url {
        #[derive(serde::Serialize)]
        struct Payload<'a> {
            user_id: &'a str,
            user_details: &'a Value,
            client_request_id: &'a str,
        }
        let payload = Payload {
            user_id: &self.user_id,
            user_details: &self.user_details,
            client_request_id,
        };
        // Serializing JSON values and strings cannot fail.
        let json = serde_json::to_string(&payload).unwrap_or_default();
        let mut url = self.url.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("json", &json)
                .append_pair("api_key", &self.api_key);
            if let Some(token) = token {
                query.append_pair("authorization", token.expose());
            }
            query
                .append_pair("stream-auth-type", self.auth_type)
                .append_pair("X-Stream-Client", CLIENT_ID);
        }
        url
    }
}

/// `http://h/p` → `ws://h/p/connect`, `https://h/p` → `wss://h/p/connect`.
fn connect_url(base_url: &str) -> Result<Url, RealtimeError> {
    let ws = if let Some(rest) = base_url.strip_prefix("https://") {
        format!("wss://{rest}/connect")
    } else if let Some(rest) = base_url.strip_prefix("http://") {
        format!("ws://{rest}/connect")
    } else {
        return Err(RealtimeError::Config(format!(
            "base URL {base_url:?} is not an http(s) URL"
        )));
    };
    Url::parse(&ws)
        .map_err(|error| RealtimeError::Config(format!("invalid websocket URL {ws:?}: {error}")))
}

/// A fresh `client_request_id`: a random UUID (version 4).
pub(crate) fn request_id() -> String {
    let random = (u128::from(fastrand::u64(..)) << 64) | u128::from(fastrand::u64(..));
    let uuid = (random & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    let hex = format!("{uuid:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Opens a connection and waits for its first message: the hello, or an error. Gives up with
/// [`RealtimeError::Unhealthy`] when nothing arrives for 35 s.
pub(crate) async fn open(
    endpoint: &Endpoint,
    token: Option<&Secret>,
) -> Result<(Socket, Hello), RealtimeError> {
    let attempt = async {
        let url = endpoint.request_url(token, &request_id());
        let mut request = url.as_str().into_client_request().map_err(transport)?;
        let headers = request.headers_mut();
        headers.insert("X-Stream-Client", HeaderValue::from_static(CLIENT_ID));
        headers.insert("User-Agent", endpoint.user_agent.clone());
        let (mut socket, _response) =
            tokio_tungstenite::connect_async_with_config(request, None, true)
                .await
                .map_err(transport)?;
        let hello = first_message(&mut socket, endpoint).await?;
        Ok((socket, hello))
    };
    tokio::time::timeout(UNHEALTHY_AFTER, attempt)
        .await
        .unwrap_or(Err(RealtimeError::Unhealthy(UNHEALTHY_AFTER)))
}

/// How long answering the server's close waits: for the close frame that follows an error
/// message, and for the reply to go out.
pub(crate) const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// Reads until the first text frame and interprets it as the hello.
async fn first_message(socket: &mut Socket, endpoint: &Endpoint) -> Result<Hello, RealtimeError> {
    loop {
        let text = match socket.next().await {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(bytes))) => {
                return Err(RealtimeError::InvalidHello {
                    message: format!("a binary frame of {} bytes", bytes.len()),
                    excerpt: excerpt(&bytes),
                })
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
            Some(Ok(Message::Close(frame))) => {
                answer_close(socket).await;
                return Err(closed(frame));
            }
            Some(Err(error)) => return Err(transport(error)),
            None => {
                return Err(RealtimeError::Closed {
                    code: None,
                    reason: String::new(),
                })
            }
        };
        let invalid = |message: String| RealtimeError::InvalidHello {
            message,
            excerpt: excerpt(text.as_bytes()),
        };
        return match frame::read(text.as_str()) {
            Frame::HealthCheck {
                connection_id: Some(connection_id),
                me,
            } => {
                let user = me
                    .and_then(CurrentUser::from_value)
                    .unwrap_or_else(|| CurrentUser {
                        id: endpoint.user_id.clone(),
                        raw: endpoint.user_details.clone(),
                    });
                Ok(Hello {
                    connection_id,
                    user,
                    received_at: Instant::now(),
                })
            }
            Frame::HealthCheck {
                connection_id: None,
                ..
            } => Err(invalid("the health.check has no connection_id".to_owned())),
            Frame::Error(error) => {
                await_close(socket).await;
                Err(RealtimeError::Api(error))
            }
            Frame::Event(event) => Err(invalid(format!(
                "expected a health.check, got `{}`",
                event.event_type()
            ))),
            Frame::Invalid(frame) => Err(invalid(format!("{frame:?}"))),
        };
    }
}

/// Answers a close frame the server sent (the close handshake): tungstenite queued the reply
/// when it read the frame; this sends it. Within [`CLOSE_TIMEOUT`], errors ignored (the
/// server may be gone already).
pub(crate) async fn answer_close(socket: &mut Socket) {
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, socket.flush()).await;
}

/// After an error message the server closes with 1000: reads until that close frame and
/// answers it, within [`CLOSE_TIMEOUT`].
pub(crate) async fn await_close(socket: &mut Socket) {
    let closing = async {
        while let Some(Ok(message)) = socket.next().await {
            if message.is_close() {
                let _ = socket.flush().await;
                return;
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, closing).await;
}

/// The error for a close frame.
pub(crate) fn closed(frame: Option<tungstenite::protocol::CloseFrame>) -> RealtimeError {
    match frame {
        Some(frame) => RealtimeError::Closed {
            code: Some(frame.code.into()),
            reason: frame.reason.to_string(),
        },
        None => RealtimeError::Closed {
            code: None,
            reason: String::new(),
        },
    }
}

/// The error for a websocket library error: an HTTP answer to the upgrade is a refused
/// handshake, anything else a transport error.
pub(crate) fn transport(error: tungstenite::Error) -> RealtimeError {
    match error {
        tungstenite::Error::Http(response) => RealtimeError::Handshake {
            status: response.status().as_u16(),
            body: response
                .body()
                .as_deref()
                .map(|body| String::from_utf8_lossy(body).into_owned())
                .unwrap_or_default(),
        },
        other => RealtimeError::Transport(Box::new(other)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn client(base_url: &str, auth: Auth) -> Client {
        Client::builder("key")
            .auth(auth)
            .base_url(base_url)
            .build()
            .unwrap()
    }

    fn query(url: &Url) -> Vec<(String, String)> {
        url.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn urls_follow_the_base_url() {
        let anonymous = Auth::Anonymous;
        let (endpoint, _) = Endpoint::new(
            &client("https://chat.stream-io-api.com", anonymous.clone()),
            json!({"id": "jack"}),
        )
        .unwrap();
        assert_eq!(
            endpoint.url.as_str(),
            "wss://chat.stream-io-api.com/connect"
        );
        let (endpoint, _) = Endpoint::new(
            &client("http://127.0.0.1:3030/prefix/", anonymous),
            json!({"id": "jack"}),
        )
        .unwrap();
        assert_eq!(endpoint.url.as_str(), "ws://127.0.0.1:3030/prefix/connect");
    }

    #[test]
    fn query_of_a_user_token_client() {
        let user = json!({"id": "jack", "name": "Jack & Jill", "custom": [1]});
        let (endpoint, token) = Endpoint::new(
            &client("http://h", Auth::UserToken("t.o+k/en".into())),
            user.clone(),
        )
        .unwrap();
        let url = endpoint.request_url(token.as_ref(), "req-1");
        let pairs = query(&url);
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "json",
                "api_key",
                "authorization",
                "stream-auth-type",
                "X-Stream-Client"
            ]
        );
        assert_eq!(
            pairs[0].1,
            r#"{"user_id":"jack","user_details":{"custom":[1],"id":"jack","name":"Jack & Jill"},"client_request_id":"req-1"}"#
        );
        assert_eq!(pairs[1].1, "key");
        assert_eq!(pairs[2].1, "t.o+k/en");
        assert_eq!(pairs[3].1, "jwt");
        assert_eq!(pairs[4].1, CLIENT_ID);
    }

    #[test]
    fn anonymous_sends_no_authorization() {
        let (endpoint, token) =
            Endpoint::new(&client("http://h", Auth::Anonymous), json!({"id": "!anon"})).unwrap();
        assert!(token.is_none());
        let url = endpoint.request_url(None, "r");
        let pairs = query(&url);
        assert!(pairs.iter().all(|(k, _)| k != "authorization"));
        assert!(pairs.contains(&("stream-auth-type".into(), "anonymous".into())));
    }

    #[test]
    fn bad_configurations() {
        let server = client("http://h", Auth::ServerSide("secret".into()));
        assert!(matches!(
            Endpoint::new(&server, json!({"id": "jack"})),
            Err(RealtimeError::Config(_))
        ));
        let anonymous = client("http://h", Auth::Anonymous);
        for user in [
            json!({}),
            json!({"id": ""}),
            json!({"id": 7}),
            json!("jack"),
        ] {
            let error = Endpoint::new(&anonymous, user.clone()).unwrap_err();
            assert!(matches!(error, RealtimeError::Config(_)), "{user}");
        }
    }

    #[test]
    fn request_ids_are_fresh_uuids() {
        let a = request_id();
        let b = request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert_eq!(a.matches('-').count(), 4);
    }
}
