//! How the client names itself to the server: the `X-Stream-Client` value and the `User-Agent`
//! product token, sent by REST calls and the websocket upgrade alike. Depends on no other
//! module of the crate.

/// The `X-Stream-Client` header: which SDK and version sent the request, in the form of the
/// official Chat SDKs' (`stream-chat-javascript-client-browser-8.12.1`, ...).
pub(crate) const CLIENT_ID: &str = concat!("stream-chat-rust-client-", env!("CARGO_PKG_VERSION"));

/// The client's product token in the `User-Agent` header, after the application's own if it
/// set one ([`ClientBuilder::user_agent_product`](crate::ClientBuilder::user_agent_product)).
pub const USER_AGENT_PRODUCT: &str = concat!("stream-chat-rust/", env!("CARGO_PKG_VERSION"));
