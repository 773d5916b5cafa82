//! The typed client against raw reqwest with derived structs, side by side: CPU per request and
//! throughput of `SendMessage` at 1 and at 64 requests in flight.
//!
//! - **Server**: this binary re-run with `--serve`, a separate process (axum, HTTP/1.1
//!   keep-alive) on 127.0.0.1 pinned to core 0 with `taskset` where there is one, answering
//!   every `SendMessage` with the same ~3 KB response ([`message_response`]).
//! - **Client**: this process, pinned to core 1, on a single-threaded Tokio runtime.
//!   - *typed*: `Client::send_message`, which sends the request, checks the status, reads the
//!     rate-limit headers, records the call's span, and decodes by the crate's decoding rule
//!     (absent fields, unknown keys and mismatch records included);
//!   - *raw*: a `reqwest::Client` sending the same request (URL built per request, the same
//!     headers and JSON body), checking the status and decoding the bytes with
//!     `serde_json::from_slice` into derive-based mirrors of the generated types (`tests/build.rs`
//!     writes them from the spec: the same fields and types; enums as `String`, and, as a raw
//!     caller would, no custom data: the fastest fair baseline).
//! - **Method**: one warm-up, then `ROUNDS` rounds; each round runs 20,000 requests per side at
//!   1 and at 64 in flight, the sides in alternating order (interleaved, so both see the same
//!   machine). CPU is the client process's time on CPU (every thread's
//!   `/proc/self/task/*/schedstat`, in nanoseconds): other work on the machine slows the wall
//!   clock but not that. Each round gives a ratio typed/raw; the report shows their median and
//!   range. A second, smaller series answers with a body that departs from the spec (two
//!   unknown keys in objects without custom data) to include the records' cost.
//!
//! Run in release: `cargo bench -p stream-chat-tests --bench client_vs_reqwest`
//! (`-- --rounds N` for more rounds).

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::StreamExt as _;
use serde_json::{json, Value};
use stream_chat_client::models::{MessageRequest, SendMessageRequest};
use stream_chat_client::Client;
use stream_chat_tests::{server_client, user_json, API_KEY, SERVER_TOKEN};

#[allow(
    dead_code,
    reason = "the mirrors hold what they decode; the bench reads little"
)]
mod derived {
    include!(concat!(env!("OUT_DIR"), "/derived.rs"));
}

const REQUESTS: usize = 20_000;
const ROUNDS: usize = 5;
const IN_FLIGHT: [usize; 2] = [1, 64];
const TEXT: &str = "Hello @jill, the release notes are out";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|arg| arg == "--serve") {
        serve();
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too: one small round.
    let quick = !args.iter().any(|arg| arg == "--bench");
    let rounds = args
        .iter()
        .position(|arg| arg == "--rounds")
        .and_then(|at| args.get(at + 1)?.parse().ok())
        .unwrap_or(ROUNDS);
    let (rounds, requests) = if quick { (1, 300) } else { (rounds, REQUESTS) };

    if args.iter().any(|arg| arg == "--decode-only") {
        decode_only(if quick { 1_000 } else { 200_000 });
        return;
    }
    if let Some(at) = args.iter().position(|arg| arg == "--decode-count") {
        // For instruction counts under callgrind: `--decode-count typed|raw N`.
        let iterations = args
            .get(at + 2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000);
        decode_count(&args[at + 1], iterations);
        return;
    }
    let pinned = pin(std::process::id(), "1");
    let (mut server, url) = start_server(pinned);
    if let Some(at) = args.iter().position(|arg| arg == "--request-count") {
        // For instruction counts under callgrind: `--request-count typed|raw N`.
        let side = if args[at + 1] == "typed" {
            Side::Typed
        } else {
            Side::Raw
        };
        let requests = args
            .get(at + 2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a Tokio runtime");
        runtime.block_on(async {
            let (typed, raw) = (server_client(&url), Raw::new(&url));
            side.run(&typed, &raw, "general", 1, requests).await;
        });
        let _ = server.kill();
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    runtime.block_on(async {
        let typed = server_client(&url);
        let raw = Raw::new(&url);
        println!(
            "client vs raw reqwest: {requests} SendMessage requests per side and run, {} B \
             response; client pinned: {pinned}",
            message_response(false).len()
        );
        for (label, channel, rounds) in [
            ("as the spec describes it", "general", rounds),
            ("with two unknown keys", "drift", rounds.div_ceil(2)),
        ] {
            println!("\nresponse {label}:");
            for side in [Side::Typed, Side::Raw] {
                side.run(&typed, &raw, channel, 64, requests / 10).await; // warm up
            }
            let mut results = Vec::new();
            for round in 0..rounds {
                for in_flight in IN_FLIGHT {
                    let order = if round % 2 == 0 {
                        [Side::Typed, Side::Raw]
                    } else {
                        [Side::Raw, Side::Typed]
                    };
                    let mut pair = [Measure::default(); 2];
                    for side in order {
                        let measure = side.run(&typed, &raw, channel, in_flight, requests).await;
                        pair[side as usize] = measure;
                    }
                    results.push((in_flight, pair));
                }
            }
            report(&results);
        }
    });
    let _ = server.kill();
    let _ = server.wait();
}

/// Decoding alone, without the network: the response bytes decoded `iterations` times by each
/// side, interleaved in five rounds.
fn decode_only(iterations: usize) {
    use stream_chat_client::models::SendMessageResponse;
    for (label, drift) in [
        ("as the spec describes it", false),
        ("with two unknown keys", true),
    ] {
        let bytes = message_response(drift).into_bytes();
        let mut typed = Vec::new();
        let mut raw = Vec::new();
        for _ in 0..5 {
            let started = process_cpu();
            for _ in 0..iterations {
                let decoded: SendMessageResponse =
                    stream_chat_client::decode_json(std::hint::black_box(&bytes)).expect("typed");
                std::hint::black_box(decoded);
            }
            typed.push((process_cpu() - started).as_secs_f64() * 1e6 / iterations as f64);
            let started = process_cpu();
            for _ in 0..iterations {
                let decoded: derived::SendMessageResponse =
                    serde_json::from_slice(std::hint::black_box(&bytes)).expect("raw");
                std::hint::black_box(decoded);
            }
            raw.push((process_cpu() - started).as_secs_f64() * 1e6 / iterations as f64);
        }
        let ratios = typed.iter().zip(&raw).map(|(t, r)| t / r).collect();
        println!(
            "decode only, response {label}: typed {:.2} µs, raw {:.2} µs, ratio {}",
            median(typed.clone()),
            median(raw.clone()),
            spread(ratios)
        );
    }
}

/// Decodes the response `iterations` times with one side only, for an instruction count
/// (`valgrind --tool=callgrind`: the difference between two counts of iterations is exact, where
/// CPU time on a busy machine is not).
fn decode_count(side: &str, iterations: usize) {
    use stream_chat_client::models::SendMessageResponse;
    let bytes = message_response(false).into_bytes();
    for _ in 0..iterations {
        if side == "typed" {
            let decoded: SendMessageResponse =
                stream_chat_client::decode_json(std::hint::black_box(&bytes)).expect("typed");
            std::hint::black_box(decoded);
        } else {
            let decoded: derived::SendMessageResponse =
                serde_json::from_slice(std::hint::black_box(&bytes)).expect("raw");
            std::hint::black_box(decoded);
        }
    }
}

/// Which client a run uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Typed = 0,
    Raw = 1,
}

/// The figures of one run.
#[derive(Clone, Copy, Default)]
struct Measure {
    /// CPU time of the client process per request.
    cpu_per_request: Duration,
    requests_per_second: f64,
}

impl Side {
    async fn run(
        self,
        typed: &Client,
        raw: &Raw,
        channel: &str,
        in_flight: usize,
        requests: usize,
    ) -> Measure {
        let body = SendMessageRequest::new(MessageRequest::default().text(TEXT));
        let body = &body;
        let cpu = process_cpu();
        let started = Instant::now();
        let succeeded = futures_util::stream::iter(0..requests)
            .map(|_| async move {
                match self {
                    Side::Typed => {
                        let response = typed.send_message("messaging", channel, body).await;
                        response.is_ok_and(|response| response.message.text == TEXT)
                    }
                    Side::Raw => raw
                        .send_message("messaging", channel)
                        .await
                        .is_some_and(|response| response.message.text == TEXT),
                }
            })
            .buffer_unordered(in_flight)
            .filter(|ok| std::future::ready(*ok))
            .count()
            .await;
        let elapsed = started.elapsed();
        let cpu = process_cpu() - cpu;
        assert_eq!(succeeded, requests, "every request must succeed");
        Measure {
            cpu_per_request: cpu / requests as u32,
            requests_per_second: requests as f64 / elapsed.as_secs_f64(),
        }
    }
}

/// Raw reqwest: what a caller writes without the SDK.
struct Raw {
    http: reqwest::Client,
    base_url: String,
}

#[derive(serde::Serialize)]
struct RawRequest<'a> {
    message: RawMessage<'a>,
}

#[derive(serde::Serialize)]
struct RawMessage<'a> {
    text: &'a str,
}

impl Raw {
    fn new(base_url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base_url: base_url.to_owned(),
        }
    }

    async fn send_message(
        &self,
        channel_type: &str,
        id: &str,
    ) -> Option<derived::SendMessageResponse> {
        let response = self
            .http
            .post(format!(
                "{}/channels/{channel_type}/{id}/message?api_key={API_KEY}",
                self.base_url
            ))
            .header(header::AUTHORIZATION, SERVER_TOKEN)
            .header("stream-auth-type", "jwt")
            .header("x-stream-client", "raw-reqwest")
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/json")
            .body(
                serde_json::to_vec(&RawRequest {
                    message: RawMessage { text: TEXT },
                })
                .ok()?,
            )
            .send()
            .await
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        let bytes = response.bytes().await.ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// Prints, per number in flight, each side's median CPU per request and throughput, and the
/// median and range of the per-round ratios typed/raw.
fn report(results: &[(usize, [Measure; 2])]) {
    for in_flight in IN_FLIGHT {
        let pairs: Vec<&[Measure; 2]> = results
            .iter()
            .filter(|(n, _)| *n == in_flight)
            .map(|(_, pair)| pair)
            .collect();
        let cpu = |side: Side| {
            median(
                pairs
                    .iter()
                    .map(|pair| pair[side as usize].cpu_per_request.as_secs_f64() * 1e6)
                    .collect(),
            )
        };
        let rate = |side: Side| {
            median(
                pairs
                    .iter()
                    .map(|pair| pair[side as usize].requests_per_second)
                    .collect(),
            )
        };
        let cpu_ratios: Vec<f64> = pairs
            .iter()
            .map(|pair| {
                pair[0].cpu_per_request.as_secs_f64() / pair[1].cpu_per_request.as_secs_f64()
            })
            .collect();
        let rate_ratios: Vec<f64> = pairs
            .iter()
            .map(|pair| pair[0].requests_per_second / pair[1].requests_per_second)
            .collect();
        println!(
            "  {in_flight:>2} in flight ({} rounds): CPU/request typed {:.1} µs, raw {:.1} µs, \
             ratio {}; requests/s typed {:.0}, raw {:.0}, ratio {}",
            pairs.len(),
            cpu(Side::Typed),
            cpu(Side::Raw),
            spread(cpu_ratios),
            rate(Side::Typed),
            rate(Side::Raw),
            spread(rate_ratios),
        );
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// `1.04x (0.99–1.08)`: the median and the range.
fn spread(values: Vec<f64>) -> String {
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{:.3}x ({low:.3}–{high:.3})", median(values))
}

/// The time every thread of this process spent on a CPU so far.
fn process_cpu() -> Duration {
    let mut total = 0u64;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            if let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) {
                total += text
                    .split_whitespace()
                    .next()
                    .and_then(|ns| ns.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
    }
    Duration::from_nanos(total)
}

/// Pins process `pid` (its threads created later too) to `cpu` with `taskset`; false when there
/// is no `taskset`.
fn pin(pid: u32, cpu: &str) -> bool {
    Command::new("taskset")
        .args(["-pc", cpu, &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Starts this binary with `--serve` (on core 0 when `pinned`) and reads its base URL.
fn start_server(pinned: bool) -> (Child, String) {
    let exe = std::env::current_exe().expect("the bench binary");
    let mut command = if pinned {
        let mut command = Command::new("taskset");
        command.args(["-c", "0"]).arg(&exe);
        command
    } else {
        Command::new(&exe)
    };
    let mut child = command
        .arg("--serve")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server process");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("the server's address");
    (child, line.trim().to_owned())
}

/// The server process: prints its base URL, then answers every request until killed.
fn serve() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        println!("http://{}", listener.local_addr().expect("address"));
        let exact = Bytes::from(message_response(false));
        let drift = Bytes::from(message_response(true));
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let body = if request.uri().path().contains("/drift/") {
                drift.clone()
            } else {
                exact.clone()
            };
            async move {
                let _ = axum::body::to_bytes(request.into_body(), 1 << 20).await;
                let mut response = Response::new(axum::body::Body::from(body));
                *response.status_mut() = StatusCode::CREATED;
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
        });
        axum::serve(listener, app).await.expect("serve");
    });
}

/// A `SendMessage` response of about 3 KB as the API returns it: the message with its author,
/// an image attachment, two reactions (with their users) and their group, a mention, a
/// translation, custom data. With `drift`, two keys the spec does not know, in objects without
/// custom data.
fn message_response(drift: bool) -> String {
    let reaction = |user: &str, name: &str, at: &str| {
        json!({
            "message_id": "msg-1",
            "user_id": user,
            "user": user_json(user, name),
            "type": "like",
            "score": 1,
            "created_at": at,
            "updated_at": at
        })
    };
    let mut group = json!({
        "count": 2,
        "sum_scores": 2,
        "first_reaction_at": "2024-03-05T09:31:10.5Z",
        "last_reaction_at": "2024-03-05T09:32:00.25Z",
        "latest_reactions_by": [
            {"user_id": "jill", "created_at": "2024-03-05T09:32:00.25Z"},
            {"user_id": "kate", "created_at": "2024-03-05T09:31:10.5Z"}
        ]
    });
    if drift {
        group["latest_reactions_by"][0]["origin"] = json!("mobile");
        group["score_breakdown"] = json!({"like": 2});
    }
    let message: Value = json!({
        "id": "msg-1",
        "text": TEXT,
        "html": format!("<p>{TEXT}</p>\n"),
        "type": "regular",
        "user": user_json("jack", "Jack"),
        "attachments": [{
            "type": "image",
            "image_url": "https://cdn.example.com/images/release-notes-cover.png",
            "thumb_url": "https://cdn.example.com/images/release-notes-cover-thumb.png",
            "fallback": "release-notes-cover.png",
            "title": "Release notes"
        }],
        "latest_reactions": [
            reaction("jill", "Jill", "2024-03-05T09:32:00.25Z"),
            reaction("kate", "Kate", "2024-03-05T09:31:10.5Z")
        ],
        "own_reactions": [],
        "reaction_counts": {"like": 2},
        "reaction_scores": {"like": 2},
        "reaction_groups": {"like": group},
        "reply_count": 0,
        "deleted_reply_count": 0,
        "cid": "messaging:general",
        "created_at": "2024-03-05T09:31:00.123Z",
        "updated_at": "2024-03-05T09:31:00.123Z",
        "shadowed": false,
        "mentioned_users": [user_json("jill", "Jill")],
        "mentioned_channel": false,
        "mentioned_here": false,
        "i18n": {"language": "en", "nl_text": "Hallo @jill, de release notes zijn uit"},
        "silent": false,
        "pinned": false,
        "restricted_visibility": [],
        "priority": "high"
    });
    json!({"message": message, "duration": "1.23ms"}).to_string()
}
