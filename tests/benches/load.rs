//! The client under load: one client sends 10,000 `SendMessage` requests, 64 in flight, to a
//! local keep-alive server on 127.0.0.1 that injects 1% failures
//! ([`stream_chat_tests::load`]); three runs, each with a fresh server and client, print
//! requests per second, p50, p99 and maximum latency, and the TCP connections accepted.
//!
//! Run in release: `cargo bench -p stream-chat-tests --bench load`.

use stream_chat_tests::load::{self, LoadServer};
use stream_chat_tests::server_client;

const REQUESTS: usize = 10_000;
const IN_FLIGHT: usize = 64;
const RUNS: usize = 3;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too, so keep it quick
    // there (one small run).
    let quick = !std::env::args().any(|argument| argument == "--bench");
    let (runs, requests) = if quick { (1, 200) } else { (RUNS, REQUESTS) };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    runtime.block_on(async {
        for run in 1..=runs {
            let server = LoadServer::start().await;
            let client = server_client(&server.url());
            let report = load::run(&client, &server, requests, IN_FLIGHT).await;
            println!("run {run}/{runs}: {report}");
            assert!(report.unexpected.is_empty(), "unexpected outcomes");
        }
    });
}
