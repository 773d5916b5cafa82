//! Response bodies cannot make the client's memory grow without bound: an endless chunked 2xx
//! body, a 1 MB gzip bomb that inflates to 1 GiB, a 200 MB error body, an endless body after
//! an upload, and a `Content-Length` past the limit, each from the scripted raw server on
//! 127.0.0.1.
//!
//! The bound is asserted through a limit, not a timing: the test binary's global allocator is
//! [`cap::Cap`], which counts the bytes in use, and each scenario runs with the allocator's
//! limit set to the bytes in use before it, plus the body limit the scenario allows, plus
//! [`SLACK`]. An allocation past that fails, and a failed allocation aborts the process: a
//! client that kept reading would fail here (instead of growing to gigabytes, as it once did).
//! Each test also checks that the client stopped within one chunk of the limit.
//!
//! The allocator's limit is process-wide, and the other tests of the binary allocate on other
//! threads, so each scenario runs alone in a child process of the test binary ([`alone`]);
//! in the binary's own process the allocator only counts, without a limit.

use std::alloc::System;
use std::io::Write as _;
use std::process::Command;

use cap::Cap;
use stream_chat_client::models::FileUploadRequest;
use stream_chat_client::{
    Client, Error, FilePart, Secret, DEFAULT_MAX_BODY_SIZE, MAX_ERROR_BODY_SIZE,
};
use stream_chat_tests::raw::{RawServer, Reply};
use stream_chat_tests::{API_KEY, SECRET};

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// What a scenario may allocate beside the body: the runtime's and the server's buffers,
/// hyper's read buffer, the decompressor's window, one chunk.
const SLACK: usize = 4 * 1024 * 1024;

/// The most the client may read past the limit: one chunk as `reqwest` hands them over
/// (hyper's read buffer is at most ~400 KiB; decompressed chunks are smaller).
const ONE_CHUNK: u64 = 512 * 1024;

const MIB: u64 = 1024 * 1024;

/// Set in the child process that runs one scenario.
const ALONE: &str = "STREAM_CHAT_TESTS_ALONE";

/// Whether the calling test, named `test` in this module, may run its scenario here: only in
/// a child process started for it. Anywhere else, runs this test binary again for that test
/// alone (`--exact`, with [`ALONE`] set), shows its output, fails if it did not pass, and
/// returns `false`.
fn alone(test: &str) -> bool {
    if std::env::var_os(ALONE).is_some() {
        return true;
    }
    // The harness names tests by their path without the crate: `client::body_limits::...`.
    let (_crate, module) = module_path!()
        .split_once("::")
        .expect("a module of the crate");
    let name = format!("{module}::{test}");
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([name.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(ALONE, "1")
        .output()
        .expect("run the test binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "{name} failed alone: {}",
        output.status
    );
    // A name the harness does not know would run nothing and pass.
    assert!(stdout.contains("1 passed"), "{name} did not run alone");
    false
}

/// While alive, no allocation may take the bytes in use past what they were at its start plus
/// `allowed` plus [`SLACK`].
struct Budget {
    start: usize,
    allowed: u64,
}

impl Budget {
    fn new(allowed: u64) -> Budget {
        let start = ALLOCATOR.allocated();
        let limit = start + usize::try_from(allowed).expect("fits") + SLACK;
        ALLOCATOR
            .set_limit(limit)
            .expect("the limit is above what is in use");
        Budget { start, allowed }
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        // Lifted before the next scenario (or the harness) needs memory.
        let _ = ALLOCATOR.set_limit(usize::MAX);
        // The process's peak: the scenario's own, alone in its process.
        eprintln!(
            "in use at the start {:.1} MiB, allowed {:.1} MiB + {:.1} MiB slack; process peak {:.1} MiB",
            self.start as f64 / MIB as f64,
            self.allowed as f64 / MIB as f64,
            SLACK as f64 / MIB as f64,
            ALLOCATOR.max_allocated() as f64 / MIB as f64,
        );
    }
}

fn client(server: &RawServer) -> Client {
    Client::builder(API_KEY)
        .server_side(Secret::new(SECRET))
        .base_url(server.url())
        .build()
        .expect("client")
}

/// Checks a [`Error::BodyTooLarge`] of a 200 response: the limit, and at most one chunk read
/// past it. Returns how many bytes were read.
fn assert_too_large(error: &Error, limit: u64) -> u64 {
    match error {
        Error::BodyTooLarge {
            status: 200,
            limit: seen,
            received,
            attempts: 1,
            ..
        } => {
            assert_eq!(*seen, limit);
            assert!(
                *received > limit && *received <= limit + ONE_CHUNK,
                "read {received} bytes for a limit of {limit}"
            );
            eprintln!(
                "stopped after {received} bytes, {} past the limit",
                received - limit
            );
            *received
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn an_endless_body_stops_at_the_default_limit() {
    if !alone("an_endless_body_stops_at_the_default_limit") {
        return;
    }
    let server = RawServer::start([Reply::endless(
        200,
        &[("content-type", "application/json")],
        br#"{"duration":"1ms","padding":""#,
    )])
    .await;
    let client = client(&server);
    let budget = Budget::new(DEFAULT_MAX_BODY_SIZE);

    let error = client.get_app().await;
    drop(budget);
    let error = error.expect_err("endless");
    assert_too_large(&error, DEFAULT_MAX_BODY_SIZE);
    assert_eq!(error.kind(), "body_too_large");
    assert!(!error.is_retryable());
}

/// A valid gzip body of 1 GiB of zeros, about 1 MB on the wire: the deflate blocks of one
/// MiB of zeros (which only refer back to earlier zeros) repeated 1024 times, then an empty
/// final block and the trailer (CRC-32 and length of the whole). Made in milliseconds, where
/// compressing 1 GiB would take a minute in a debug build.
fn gzip_bomb() -> Vec<u8> {
    const COPIES: u32 = 1024;
    let zeros = vec![0u8; MIB as usize];
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    // A sync flush ends each MiB's blocks on a byte boundary.
    deflate.write_all(&zeros).expect("compress");
    deflate.flush().expect("flush");
    let first = deflate.get_ref().len();
    deflate.write_all(&zeros).expect("compress");
    deflate.flush().expect("flush");
    let blocks = deflate.get_ref()[first..].to_vec();
    let mut crc_of_one = flate2::Crc::new();
    crc_of_one.update(&zeros);

    let mut body = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    body.extend_from_slice(&deflate.get_ref()[..first]);
    let mut crc = flate2::Crc::new();
    crc.update(&zeros);
    for _ in 1..COPIES {
        body.extend_from_slice(&blocks);
        crc.combine(&crc_of_one);
    }
    // An empty stored block marked final, then CRC-32 and length (mod 2^32), little-endian.
    body.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    body.extend_from_slice(&crc.sum().to_le_bytes());
    body.extend_from_slice(&(COPIES * MIB as u32).to_le_bytes());
    body
}

#[tokio::test]
async fn a_gzip_bomb_is_counted_after_decompression() {
    if !alone("a_gzip_bomb_is_counted_after_decompression") {
        return;
    }
    let bomb = gzip_bomb();
    assert!(bomb.len() < 1_100_000, "{} bytes on the wire", bomb.len());
    let gzip = [
        ("content-encoding", "gzip"),
        ("content-type", "application/json"),
    ];
    let server = RawServer::start([
        Reply::status(200, &gzip, bomb.clone()),
        Reply::status(200, &gzip, bomb),
    ])
    .await;
    let client = client(&server);

    let budget = Budget::new(DEFAULT_MAX_BODY_SIZE);
    let error = client.get_app().await;
    drop(budget);
    assert_too_large(&error.expect_err("1 GiB inflated"), DEFAULT_MAX_BODY_SIZE);

    // A call's own limit, far below what the compressed body alone weighs.
    let budget = Budget::new(MIB);
    let error = client.get_app().max_body_size(MIB).await;
    drop(budget);
    assert_too_large(&error.expect_err("inflated"), MIB);
}

#[tokio::test]
async fn a_200_mb_error_body_keeps_its_first_64_kib() {
    if !alone("a_200_mb_error_body_keeps_its_first_64_kib") {
        return;
    }
    let server = RawServer::start([Reply::repeated(
        500,
        &[("content-type", "text/html")],
        &[b'E'; 64 * 1024],
        3200,
    )])
    .await;
    let client = client(&server);
    let budget = Budget::new(MAX_ERROR_BODY_SIZE);

    let error = client.get_app().await;
    drop(budget);
    let error = error.expect_err("500");
    match &error {
        Error::Http { status, body, .. } => {
            assert_eq!(*status, 500);
            assert_eq!(body.len() as u64, MAX_ERROR_BODY_SIZE);
            assert!(body.is_truncated());
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    assert!(error.to_string().len() < 1024, "{error}");
    assert!(format!("{error:?}").len() < 1024, "Debug shows an excerpt");
}

#[tokio::test]
async fn an_endless_body_after_an_upload_stops_at_the_limit() {
    if !alone("an_endless_body_after_an_upload_stops_at_the_limit") {
        return;
    }
    let server = RawServer::start([Reply::endless(200, &[], b"{")]).await;
    let client = client(&server);
    let upload = FileUploadRequest::new(FilePart::new(
        vec![7u8; MIB as usize],
        "big.bin",
        "application/octet-stream",
    ));
    let limit = 8 * MIB;
    let budget = Budget::new(limit);

    let error = client.upload_file(&upload).max_body_size(limit).await;
    drop(budget);
    assert_too_large(&error.expect_err("endless"), limit);
    assert_eq!(server.requests()[0].method, "POST");
}

#[tokio::test]
async fn a_content_length_past_the_limit_fails_before_reading() {
    if !alone("a_content_length_past_the_limit_fails_before_reading") {
        return;
    }
    // 100 MiB announced.
    let server = RawServer::start([Reply::repeated(200, &[], &[b' '; 64 * 1024], 1600)]).await;
    let client = client(&server);
    let budget = Budget::new(0);

    let error = client.get_app().await;
    drop(budget);
    let error = error.expect_err("too large");
    assert!(
        matches!(
            error,
            Error::BodyTooLarge {
                received: 0,
                limit: DEFAULT_MAX_BODY_SIZE,
                ..
            }
        ),
        "{error:?}"
    );
}
