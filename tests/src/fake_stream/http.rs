//! The REST routes, at the paths of `spec/*.yaml` (no `/api/v2` prefix: a client's base URL
//! is the server's root), and what every call shares: authentication, the JSON body, the
//! `duration` field, Stream's error body, and a JSON 404/405 for routes the fake lacks.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;

use super::auth::{self, Caller, Credentials};
use super::error::ApiError;
use super::state::Store;
use super::{channels, messages, socket, users, watching, App};

/// The routes.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/connect", get(socket::connect))
        .route("/channels", post(query_channels))
        .route(
            "/channels/{type}/query",
            post(get_or_create_distinct_channel),
        )
        .route("/channels/{type}/{id}", post(update_channel))
        .route("/channels/{type}/{id}/query", post(get_or_create_channel))
        .route(
            "/channels/{type}/{id}/stop-watching",
            post(stop_watching_channel),
        )
        .route("/channels/{type}/{id}/message", post(send_message))
        .route("/channels/{type}/{id}/event", post(send_event))
        .route("/channels/{type}/{id}/read", post(mark_read))
        .route(
            "/messages/{id}",
            get(get_message).post(update_message).delete(delete_message),
        )
        .route("/users", get(query_users).post(update_users))
        .fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        .with_state(app)
}

/// One REST call as the operations see it.
pub(crate) struct Request<'a> {
    /// Who calls.
    pub(crate) caller: Caller,
    /// The JSON body (`{}` when there is none).
    pub(crate) body: Value,
    query: &'a [(String, String)],
}

impl Request<'_> {
    /// The first query parameter `name`.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A call as it arrived: method, path, query, headers, body.
pub(crate) struct Call {
    method: Method,
    uri: Uri,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
    started: Instant,
}

impl<S: Send + Sync> FromRequest<S> for Call {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let query = parts
            .uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let request = axum::extract::Request::from_parts(parts.clone(), body);
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                json_response(
                    400,
                    &ApiError::input(rejection.body_text()).body("Request", &duration(started)),
                )
            })?;
        Ok(Self {
            method: parts.method,
            uri: parts.uri,
            query,
            headers: parts.headers,
            body,
            started,
        })
    }
}

impl Call {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    fn credentials(&self) -> Credentials<'_> {
        Credentials {
            api_key: self
                .query
                .iter()
                .find(|(key, _)| key == "api_key")
                .map(|(_, value)| value.as_str()),
            auth_type: self.header("stream-auth-type"),
            token: self.header("authorization"),
        }
    }

    fn json_body(&self) -> Result<Value, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(Default::default()));
        }
        match serde_json::from_slice(&self.body) {
            Ok(body @ Value::Object(_)) => Ok(body),
            Ok(_) => Err(ApiError::input("the request body must be a JSON object")),
            Err(error) => Err(ApiError::input(format!(
                "the request body is not valid JSON: {error}"
            ))),
        }
    }
}

/// `duration` as the API writes it, e.g. `0.42ms`.
fn duration(started: Instant) -> String {
    format!("{:.2}ms", started.elapsed().as_secs_f64() * 1000.0)
}

pub(crate) fn json_response(status: u16, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

impl App {
    /// Runs `operation` for `call`: authenticates, reads the body, runs it on the store, and
    /// answers with its result plus `duration` (status `status`) or Stream's error body.
    fn answer(
        &self,
        name: &str,
        status: u16,
        call: Call,
        operation: impl FnOnce(&mut Store, &Request<'_>) -> Result<Value, ApiError>,
    ) -> Response {
        let result = auth::authenticate(&self.api_key, &self.secret, call.credentials()).and_then(
            |caller| {
                let request = Request {
                    caller,
                    body: call.json_body()?,
                    query: &call.query,
                };
                operation(&mut self.store(), &request)
            },
        );
        let duration = duration(call.started);
        let (status, body) = match result {
            Ok(mut body) => {
                body["duration"] = Value::String(duration);
                (status, body)
            }
            Err(error) => (error.status, error.body(name, &duration)),
        };
        self.log(format_args!("{} {} {status}", call.method, call.uri.path()));
        json_response(status, &body)
    }
}

type ChannelPath = Path<(String, String)>;
type Shared = State<Arc<App>>;

async fn query_channels(State(app): Shared, call: Call) -> Response {
    app.answer("QueryChannels", 201, call, channels::query)
}

async fn get_or_create_channel(
    State(app): Shared,
    Path((kind, id)): ChannelPath,
    call: Call,
) -> Response {
    app.answer("GetOrCreateChannel", 201, call, |store, request| {
        channels::get_or_create(store, request, &kind, Some(&id))
    })
}

async fn get_or_create_distinct_channel(
    State(app): Shared,
    Path(kind): Path<String>,
    call: Call,
) -> Response {
    app.answer("GetOrCreateDistinctChannel", 201, call, |store, request| {
        channels::get_or_create(store, request, &kind, None)
    })
}

async fn update_channel(State(app): Shared, Path((kind, id)): ChannelPath, call: Call) -> Response {
    app.answer("UpdateChannel", 201, call, |store, request| {
        channels::update(store, request, &channels::cid(&kind, &id))
    })
}

async fn stop_watching_channel(
    State(app): Shared,
    Path((kind, id)): ChannelPath,
    call: Call,
) -> Response {
    app.answer("StopWatchingChannel", 201, call, |store, request| {
        watching::stop_watching(store, request, &channels::cid(&kind, &id))
    })
}

async fn send_event(State(app): Shared, Path((kind, id)): ChannelPath, call: Call) -> Response {
    app.answer("SendEvent", 201, call, |store, request| {
        channels::send_event(store, request, &channels::cid(&kind, &id))
    })
}

async fn mark_read(State(app): Shared, Path((kind, id)): ChannelPath, call: Call) -> Response {
    app.answer("MarkRead", 201, call, |store, request| {
        channels::mark_read(store, request, &channels::cid(&kind, &id))
    })
}

async fn send_message(State(app): Shared, Path((kind, id)): ChannelPath, call: Call) -> Response {
    app.answer("SendMessage", 201, call, |store, request| {
        messages::send(store, request, &channels::cid(&kind, &id))
    })
}

async fn get_message(State(app): Shared, Path(id): Path<String>, call: Call) -> Response {
    app.answer("GetMessage", 200, call, |store, request| {
        messages::get(store, request, &id)
    })
}

async fn update_message(State(app): Shared, Path(id): Path<String>, call: Call) -> Response {
    app.answer("UpdateMessage", 201, call, |store, request| {
        messages::update(store, request, &id)
    })
}

async fn delete_message(State(app): Shared, Path(id): Path<String>, call: Call) -> Response {
    app.answer("DeleteMessage", 200, call, |store, request| {
        messages::delete(store, request, &id)
    })
}

async fn update_users(State(app): Shared, call: Call) -> Response {
    app.answer("UpdateUsers", 201, call, users::update)
}

async fn query_users(State(app): Shared, call: Call) -> Response {
    app.answer("QueryUsers", 200, call, users::query)
}

/// Any route the fake does not serve: Stream's error body, code 16, so a test sees at once
/// which call the fake lacks.
async fn unknown_route(State(app): Shared, method: Method, uri: Uri) -> Response {
    let started = Instant::now();
    app.log(format_args!("{method} {} 404 (no such route)", uri.path()));
    let error = ApiError::not_found(format!(
        "the fake Stream server has no route {method} {}",
        uri.path()
    ));
    json_response(404, &error.body("Request", &duration(started)))
}
