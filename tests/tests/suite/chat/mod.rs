//! Chat apps against the fake Stream server (`stream_chat_tests::fake_stream`, on 127.0.0.1):
//! the server driven by raw REST and websocket calls, the generated client end to end, and the
//! terminal chat example run as a program.

// The generated client as a chat app, end to end.
mod e2e;
// The terminal chat example (`generated-client/examples/chat.rs`) as a child process.
mod example;
// The fake Stream server itself, driven by reqwest and tokio-tungstenite.
mod fake_stream;
