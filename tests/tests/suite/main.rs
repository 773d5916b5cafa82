//! The workspace's integration tests, in one test binary: each file of `tests/tests/` used to
//! be a binary of its own, and each linked the whole client, so linking took much of a test
//! build. One binary links once; its modules keep the tests apart by subject.
//!
//! - [`codegen`]: the generator and the logic of the `xtask` commands, on fixture specs and on
//!   the real `spec/`: snapshots of the output, diagnostics, diff, drift, release, and the
//!   generated code compiled.
//! - [`client`]: the generated client against local servers on 127.0.0.1 (HTTP and
//!   websocket) and without a server: requests on the wire, decoding, errors and faults,
//!   limits, realtime, tracing, filters, webhooks, property tests.
//! - [`chat`]: the fake Stream server, and the client and the terminal chat example as chat
//!   apps against it.
//!
//! Run one module or test by its path: `cargo test -p stream-chat-tests --test suite
//! client::faults` (a filter matches any part of `module::test`). The tests run on parallel
//! threads of one process, so none of them may change what the process shares (environment
//! variables, the current directory, a global `tracing` subscriber); the one test that needs
//! the process for itself, the memory bound of `client::body_limits`, runs each scenario in a
//! child process of this binary.

mod chat;
mod client;
mod codegen;
