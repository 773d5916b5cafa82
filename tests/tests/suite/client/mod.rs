//! The generated client (`stream-chat-client`, with its realtime feature `ws`), mostly against
//! local servers on 127.0.0.1 that the library of this crate provides
//! (`stream_chat_tests::{RecordingServer, raw, ws, load}`).

// Authentication on the wire and credentials kept out of `Debug`.
mod auth;
// Response bodies cannot make memory grow without bound (each scenario in its own process).
mod body_limits;
// The realtime connection's ID in the REST calls that take one.
mod connection_id;
// The decoding rule on shapes found in real traffic, and the records it leaves.
mod decoding;
// Selected endpoint methods tested by hand, the operation metadata and URL handling.
mod endpoints_by_hand;
// How responses map to values and errors: statuses, bodies, timeouts, rate limits.
mod errors;
// Fault injection from a scripted raw HTTP server.
mod faults;
// Typed query filters and sorts: golden JSON and requests on the wire.
mod filters;
// Typed query filters and sorts reject what the API does not accept (trybuild).
mod filters_compile_fail;
// Property tests: outside input never panics the decoders, the client or the spec loader.
mod fuzz;
// One client under load with injected failures.
mod load;
// The generated models without a server: custom data, unknown values, events, dates.
mod models;
// The `*_pages` streams.
mod pagination;
// The realtime websocket on tokio's paused clock, with injected faults.
mod realtime;
// Requests send only the fields the caller set.
mod requests;
// The client's `tracing` spans and events, and that they hold no secret.
mod tracing;
// Webhooks end to end through an axum endpoint.
mod webhooks;
// Every operation, schema, event and upload of the spec, table-driven from its model.
mod whole_api;
