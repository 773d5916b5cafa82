//! `fake-stream`: the fake Stream Chat server (`stream_chat_tests::fake_stream`) as a process,
//! for trying a client by hand and for programs that CI runs against it.
//!
//! ```text
//! cargo run -p stream-chat-tests --bin fake-stream -- --port 0 --secret s
//! ```
//!
//! The first line on stdout is the base URL (`http://127.0.0.1:PORT`), written once the port is
//! bound, so a script can start the server and read where it listens; it serves until Ctrl-C
//! or until killed.

use std::process::ExitCode;
use std::time::Duration;

use stream_chat_tests::fake_stream::{FakeStream, FakeStreamBuilder};

const USAGE: &str = "\
usage: fake-stream [--port PORT] [--api-key KEY] [--secret SECRET]
                   [--health-check-interval SECONDS] [--log]

  --port PORT                      port on 127.0.0.1 (default 0: a free one)
  --api-key KEY                    the app's API key (default: key)
  --secret SECRET                  the secret tokens are signed with (default: top-secret)
  --health-check-interval SECONDS  time between the server's health checks (default: 30)
  --log                            one line on stderr per request and connection

Prints the base URL (http://127.0.0.1:PORT) as the first line on stdout, then serves until
Ctrl-C.";

/// The command line, or what is wrong with it.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<FakeStreamBuilder>, String> {
    let mut builder = FakeStream::builder();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        builder = match flag.as_str() {
            "--port" => {
                let port = value()?;
                builder.port(
                    port.parse()
                        .map_err(|_| format!("--port: {port:?} is not a port"))?,
                )
            }
            "--api-key" => builder.api_key(value()?),
            "--secret" => builder.secret(value()?),
            "--health-check-interval" => {
                let text = value()?;
                let seconds: f64 = text
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| {
                        format!(
                            "--health-check-interval: {text:?} is not a positive number of seconds"
                        )
                    })?;
                builder.health_check_interval(Duration::from_secs_f64(seconds))
            }
            "--log" => builder.log(true),
            "--help" | "-h" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}")),
        };
    }
    Ok(Some(builder))
}

#[tokio::main]
async fn main() -> ExitCode {
    let builder = match parse(std::env::args().skip(1)) {
        Ok(Some(builder)) => builder,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("fake-stream: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match builder.start().await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("fake-stream: cannot listen on 127.0.0.1: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Rust's stdout is line-buffered: the URL reaches a pipe as soon as it is printed.
    println!("{}", server.url());
    eprintln!(
        "fake-stream: serving on {} (api key {:?}); Ctrl-C stops it",
        server.url(),
        server.api_key()
    );
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("fake-stream: cannot wait for Ctrl-C ({error}); stopping");
        return ExitCode::FAILURE;
    }
    drop(server);
    ExitCode::SUCCESS
}
