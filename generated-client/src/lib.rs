//! An async client for the [Stream Chat](https://getstream.io/chat/) REST API.
//!
//! The endpoint methods of [`Client`], the data types in [`models`], the [`Event`] and
//! [`Permission`] enums and the operation metadata in [`operations`] are generated from a
//! description of the API; the rest of the crate (authentication, sending requests, errors,
//! rate limits) is written by hand.
//!
//! # Authentication
//!
//! - **Server-side** ([`ClientBuilder::server_side`]): for back ends, with the app's API
//!   secret. The client signs a server token once, when it is built; the API checks no
//!   permissions. Never ship the secret to a user's device.
//! - **Client-side** ([`ClientBuilder::user_token`]): with a user token that your back end
//!   made with [`UserToken`]; the API checks the user's permissions.
//! - **Anonymous** ([`ClientBuilder::anonymous`]): no token, a small subset of the API.
//!
//! Every request carries the `api_key` query parameter and the `Stream-Auth-Type`,
//! `Authorization` (no `Bearer ` prefix), `X-Stream-Client` and `User-Agent` headers, and
//! negotiates gzip/deflate compression.
//!
//! # Example
//!
//! ```no_run
//! use stream_chat_client::{Client, Error, Secret};
//!
//! # async fn run() -> Result<(), Error> {
//! let client = Client::builder("my-api-key")
//!     .server_side(Secret::new("my-api-secret"))
//!     .build()?;
//!
//! let response = client.get_channel_type("messaging").await?;
//! if let Some(rate_limit) = response.rate_limit() {
//!     println!("{:?} calls left", rate_limit.remaining);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Production use
//!
//! Timeouts per client ([`ClientBuilder::timeout`], [`ClientBuilder::connect_timeout`],
//! [`ClientBuilder::upload_timeout`]) and per call ([`ResponseFuture::timeout`]); retries of
//! what is safe to repeat with a [`RetryPolicy`] (off by default); your own `reqwest` client
//! through [`ClientBuilder::http_client`]; a `tracing` span per call (see [`Client`]); user
//! tokens back-dated against clock skew ([`UserToken::issued_now`]).
//!
//! What a server sends cannot exhaust the client: bodies are read chunk by chunk up to a limit
//! counted after decompression ([`DEFAULT_MAX_BODY_SIZE`], 64 MiB, enough for Stream's largest
//! answers; [`ClientBuilder::max_body_size`], [`ResponseFuture::max_body_size`]), error bodies
//! up to [`MAX_ERROR_BODY_SIZE`] (64 KiB); and redirects are never followed (Stream's API does
//! not redirect), so nothing is re-sent elsewhere and no `Referer` leaks the request's URL.
//!
//! # Real-time events
//!
//! With the `ws` cargo feature, `Client::realtime` opens the websocket of a client-side app:
//! the events of the channels the user watches as a `Stream` of the generated [`Event`] enum,
//! with health checks, reconnects and token refresh handled by the connection. See the `ws`
//! module. `Connection::client` (or `Client::with_connection`) gives a client bound to the
//! connection: the calls that watch channels (`query_channels`, `get_or_create_channel`, ...
//! with `watch: true`) name the connection with its current ID, so its events arrive there;
//! [`ResponseFuture::connection_id`] sets an ID by hand.
//!
//! # Webhooks
//!
//! [`webhook::Webhook`] checks the `X-Signature` of the requests Stream sends to your back end
//! (plain or gzip-compressed) and decodes them into [`Event`].
//!
//! # Decoding
//!
//! Stream's service does not always send what its documents (and so this crate's spec) say:
//! required fields go missing, non-nullable ones come as `null`, new fields and enum values
//! appear. One rule covers every field of every response, event and webhook, so that a
//! well-formed JSON object of the right shape always decodes, and decoding then encoding gives
//! back the JSON that was sent (up to key order and the formatting of numbers and dates):
//!
//! - **Absent**: a field that is not in the JSON holds its type's `Default` (`None` for an
//!   `Option` field, `""`, `0`, `false`, an empty list, an object of defaults, an enum's empty
//!   `Unknown` holding `""`), whether the spec calls it required or not. Required fields stay plain
//!   types. [`WireObject::is_absent`] tells an absent field from a value that was sent, and
//!   encoding writes no absent field back until it is set to something other than its default:
//!   nothing is invented.
//! - **`null`**: in a nullable or optional field, `None`; in any other field, the default, with
//!   the `null` kept ([`WireObject::raw`]) and written back.
//! - **Unknown keys**: kept. Objects with custom data (users, channels, messages, members,
//!   events) hold them in their `custom` map; every other object keeps them in its
//!   [`WireState`]; both are read by name with [`WireObject::unknown`] and written back.
//! - **Unknown enum values** are kept in the enum's `Unknown` variant, as an [`UnknownValue`]
//!   that only the client makes (so it never holds a known value); **unknown event types**
//!   decode as [`Event::Custom`] (or [`Event::Unknown`] without a string `type`).
//! - **Wrong type** (a number for a string, a date that does not parse, a number out of range):
//!   the field holds its default and the value is kept as sent ([`WireObject::raw`]) and
//!   written back; the rest of the object decodes. (Only [`decode_json`] and the client do this;
//!   `serde_json::from_slice` on a generated type treats it as an error.)
//!
//! A body that is not JSON, not an object where one is expected, or nests objects deeper than
//! 32 levels is [`Error::Decode`], naming where it failed.
//!
//! Each of these departures from the spec is a [`Mismatch`] record (`{schema, field, path,
//! kind, value?, json_type?}`), kept on the decoded response ([`ApiResponse::mismatches`]) or
//! event ([`Event::mismatches`]) and emitted as a `tracing` event (target
//! `stream_chat::mismatch`). Collected as JSON lines ([`mismatch::MismatchLog`]), they are what
//! `cargo xtask drift --observed FILE` turns into findings against the spec.
//!
//! Decoding costs what derived serde impls cost when the JSON matches the spec: the first pass
//! is strict, straight from the bytes; only a document with a value of the wrong type is read a
//! second time, tolerantly.
//!
//! # Errors
//!
//! A call returns [`Error`]: [`Error::Api`] when the API answered with an error body
//! ([`Error::api_error`] gives its code and message), [`Error::Http`] for other non-2xx
//! responses, [`Error::Decode`] when a 2xx body does not match the expected type (naming the
//! field), [`Error::BodyTooLarge`] for a body past the limit, [`Error::Redirect`] for a 3xx,
//! [`Error::Timeout`] and [`Error::Transport`] for network failures (their message gives the
//! cause: refused, reset, TLS, DNS, which timeout; never the query string). Every response,
//! successful or not, exposes the rate-limit headers as a [`RateLimit`]; [`Error::kind`] names
//! the failure for logs and [`Error::attempts`] says how many attempts the call took.

#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api_error;
mod auth;
mod backoff;
mod body;
mod client;
mod client_id;
mod decode;
mod error;
mod excerpt;
mod fields;
pub mod filter;
pub mod mismatch;
// Formatted by the generator (prettyplease); rustfmt would fight `cargo xtask codegen --check`.
#[rustfmt::skip]
mod generated;
#[cfg(test)]
mod import_cycle_tests;
mod key_probe;
mod object;
mod operation;
mod paginate;
mod rate_limit;
mod request;
mod response;
mod retry;
mod send;
mod serde_support;
#[cfg(test)]
mod smoke_tests;
mod timestamp;
mod unknown_value;
pub mod webhook;
#[cfg(feature = "ws")]
#[cfg_attr(docsrs, doc(cfg(feature = "ws")))]
pub mod ws;

pub use api_error::ApiError;
pub use auth::{server_token, Auth, Secret, UserToken, DEFAULT_IAT_LEEWAY};
pub use body::{ErrorBody, DEFAULT_MAX_BODY_SIZE, MAX_ERROR_BODY_SIZE};
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, DEFAULT_UPLOAD_TIMEOUT,
};
pub use client_id::USER_AGENT_PRODUCT;
pub use decode::decode_json;
pub use error::Error;
pub use filter::Filter;
pub use generated::{models, operations, Event, EventTypeInfo, Permission, EVENT_TYPES};
pub use mismatch::Mismatch;
pub use object::{WireObject, WireState};
pub use operation::{Method, OperationInfo};
pub use paginate::{Items, OffsetPaging, Pages};
pub use rate_limit::RateLimit;
pub use request::FilePart;
/// The `reqwest` version the client uses, to build a client for
/// [`ClientBuilder::http_client`] (proxies, custom TLS) with the same version.
pub use reqwest;
pub use response::ApiResponse;
pub use retry::RetryPolicy;
pub use send::ResponseFuture;
pub use unknown_value::UnknownValue;
