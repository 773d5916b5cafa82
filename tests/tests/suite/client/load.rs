//! One client under load against a local server that injects failures
//! ([`stream_chat_tests::load`]): 10,000 `SendMessage` requests, 64 in flight, over loopback.
//!
//! Injected faults, one request in 100 in the server's arrival order, in turn (25 of each):
//!
//! - `503` with Stream's JSON error body (code 4): [`Error::Api`] with status 503;
//! - `502` with an HTML page from the edge (nginx): [`Error::Http`] with status 502 and the
//!   page's text;
//! - `429` with Stream's JSON error body (code 9) and `X-RateLimit-*` headers: [`Error::Api`]
//!   with status 429 and the parsed rate limit;
//! - `200` whose JSON body is cut in half: [`Error::Decode`] with status 200.
//!
//! The test proves that every request ended with a success or exactly the typed error its fault
//! must give (9,900 successes and 25 of each error), that the server saw exactly one request
//! per call (the client does not retry by default), and that the client reused its
//! connections (at most 128 accepted for 10,000 requests). It prints the figures but asserts no
//! timing; `cargo bench -p stream-chat-tests --bench load` measures them in a release build.
//!
//! [`Error::Api`]: stream_chat_client::Error::Api
//! [`Error::Http`]: stream_chat_client::Error::Http
//! [`Error::Decode`]: stream_chat_client::Error::Decode

use std::time::Duration;

use stream_chat_tests::load::{self, Fault, LoadServer};
use stream_chat_tests::server_client;

const REQUESTS: usize = 10_000;
const IN_FLIGHT: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_ends_in_success_or_its_typed_error_over_reused_connections() {
    let server = LoadServer::start().await;
    let client = server_client(&server.url());
    // Not a timing assertion: a bound so that a hang fails instead of blocking CI.
    let report = tokio::time::timeout(
        Duration::from_secs(300),
        load::run(&client, &server, REQUESTS, IN_FLIGHT),
    )
    .await
    .expect("the load run finishes");
    println!("{report}");

    assert!(
        report.unexpected.is_empty(),
        "requests that ended neither in success nor in their fault's typed error:\n{report}"
    );
    assert_eq!(
        report.served, REQUESTS as u64,
        "one request per call, no retries"
    );
    assert_eq!(report.successes, 9_900, "{report}");
    for fault in Fault::ALL {
        assert_eq!(
            report.faults.get(&fault),
            Some(&25),
            "typed errors for {}:\n{report}",
            fault.label()
        );
    }
    assert_eq!(report.latencies.len(), REQUESTS);
    assert!(
        (1..=128).contains(&report.accepted_connections),
        "connections must be reused: {} accepted for {REQUESTS} requests",
        report.accepted_connections
    );
}

#[test]
fn faults_are_one_in_a_hundred_in_turn() {
    let faults: Vec<(u64, Fault)> = (0..1_000)
        .filter_map(|index| Fault::for_request(index).map(|fault| (index, fault)))
        .collect();
    assert_eq!(faults.len(), 10);
    assert_eq!(faults[0], (99, Fault::ApiError503));
    assert_eq!(faults[1], (199, Fault::EdgeHtml502));
    assert_eq!(faults[2], (299, Fault::RateLimited429));
    assert_eq!(faults[3], (399, Fault::TruncatedJson));
    assert_eq!(faults[4], (499, Fault::ApiError503));
}
