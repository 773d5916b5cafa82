//! The terminal chat example (`generated-client/examples/chat.rs`) run as a program against the
//! fake Stream server (`src/fake_stream/`), in this process: its stdin is scripted, each line
//! it prints is asserted in order, and a second user, Bob, drives the other side with the
//! generated client (REST calls and his own realtime connection), so the test also asserts what
//! the server received from the program: its messages, its typing events, its watching.
//!
//! How the program is built: this crate compiles the example's source as its binary
//! `chat-example` (`[[bin]]` in `tests/Cargo.toml`), so cargo builds it together with this test,
//! from the current source, in the workspace's target directory, with the dependencies already
//! built for the tests; `CARGO_BIN_EXE_chat-example` is its path. A fresh CI machine compiles
//! one more small file and nothing else, and `cargo test --workspace` (or this test alone) needs
//! no set-up step. The alternatives cost more: `cargo build --example chat` from inside a test
//! needs a target directory of its own (cargo holds the workspace's lock while tests run), that
//! is a second build of every dependency (a minute or more on 2 cores); and building it in
//! `.ci/run` first would leave a plain `cargo test` without the program, or with a stale one.
//!
//! Waits are bounded (`ws::within`: 20 s of real time, then a failure naming what was awaited
//! and showing the program's output so far); "nothing more" is a quiet window
//! (`ws::assert_quiet`, 150 ms). No timing is asserted.

use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::json;
use stream_chat_client::ws::Connection;
use stream_chat_client::Event;
use stream_chat_tests::chat_app::{
    add_members, assert_no_event, connect, next_event, open_channel, send_event, send_message,
    user_id,
};
use stream_chat_tests::fake_stream::FakeStream;
use stream_chat_tests::ws::{assert_quiet, within};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::task::JoinHandle;

const GENERAL: &str = "messaging:general";
const SIDE: &str = "messaging:side";
const ROOM: &str = "messaging:new-room";

/// The example, built by cargo as this crate's binary `chat-example`.
const PROGRAM: &str = env!("CARGO_BIN_EXE_chat-example");

/// The environment variables the program reads: cleared for every run, so the caller's
/// environment cannot change a test.
const VARIABLES: [&str; 7] = [
    "STREAM_API_KEY",
    "STREAM_USER_ID",
    "STREAM_USER_TOKEN",
    "STREAM_API_SECRET",
    "STREAM_USER_NAME",
    "STREAM_CHANNEL",
    "STREAM_BASE_URL",
];

/// The example running as a child process.
struct Program {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
    /// Everything it wrote to stderr so far, and the task that reads it.
    stderr: Arc<Mutex<String>>,
    stderr_reader: JoinHandle<()>,
    /// The stdout lines read so far, for failure messages.
    printed: Vec<String>,
}

impl Program {
    /// Starts the program with these arguments and environment variables (and no other
    /// `STREAM_*` variable).
    fn spawn(args: &[&str], variables: &[(&str, &str)]) -> Self {
        let mut command = Command::new(PROGRAM);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for name in VARIABLES {
            command.env_remove(name);
        }
        command.envs(variables.iter().copied());
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {PROGRAM}: {error}"));
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut errors = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
        let stderr = Arc::new(Mutex::new(String::new()));
        let collected = Arc::clone(&stderr);
        let stderr_reader = tokio::spawn(async move {
            while let Ok(Some(line)) = errors.next_line().await {
                let mut text = collected.lock().unwrap_or_else(|p| p.into_inner());
                text.push_str(&line);
                text.push('\n');
            }
        });
        Self {
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
            stderr_reader,
            printed: Vec::new(),
        }
    }

    /// The program with the fake server's URL and API key, as `user` with a token of the
    /// server's secret signed by the program itself (`$STREAM_API_SECRET`), in `channel`.
    fn chat(server: &FakeStream, user: &str, name: &str, channel: &str) -> Self {
        let url = server.url();
        Self::spawn(
            &["--base-url", &url, "--channel", channel, "--name", name],
            &[
                ("STREAM_API_KEY", server.api_key()),
                ("STREAM_USER_ID", user),
                ("STREAM_API_SECRET", server.secret()),
            ],
        )
    }

    fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// What the program printed so far, for failure messages.
    fn transcript(&self) -> String {
        format!(
            "stdout so far:\n{}\nstderr so far:\n{}",
            self.printed.join("\n"),
            self.stderr()
        )
    }

    /// The next line on stdout, or `None` at its end.
    async fn next_line(&mut self) -> Option<String> {
        let line = within("a line from the program", self.stdout.next_line())
            .await
            .unwrap_or_else(|error| panic!("cannot read the program's stdout: {error}"));
        if let Some(line) = &line {
            self.printed.push(line.clone());
        }
        line
    }

    /// Asserts that the next line on stdout is `wanted`.
    async fn expect(&mut self, wanted: &str) {
        let line = self.next_line().await;
        assert_eq!(
            line.as_deref(),
            Some(wanted),
            "the program's next line\n{}",
            self.transcript()
        );
    }

    /// Asserts that the program prints nothing within the quiet window.
    async fn assert_quiet(&mut self, what: &str) {
        assert_quiet(what, self.stdout.next_line()).await;
    }

    /// Types `text` and Enter.
    async fn type_line(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        within("writing to the program's stdin", async {
            stdin.write_all(format!("{text}\n").as_bytes()).await?;
            stdin.flush().await
        })
        .await
        .expect("the program reads its stdin");
    }

    /// Ends the input, as Ctrl-D does in a terminal.
    fn end_input(&mut self) {
        self.stdin = None;
    }

    /// Presses Ctrl-C: SIGINT to the program.
    #[cfg(unix)]
    fn interrupt(&self) {
        let pid = self.child.id().expect("the program is running");
        let pid = libc::pid_t::try_from(pid).expect("a pid");
        // SAFETY: kill(2) with a valid signal number has no memory effects in this process.
        let sent = unsafe { libc::kill(pid, libc::SIGINT) };
        assert_eq!(
            sent,
            0,
            "kill -INT {pid}: {}",
            std::io::Error::last_os_error()
        );
    }

    /// Waits for the program to exit; returns its status, the rest of its stdout and its
    /// whole stderr.
    async fn finish(mut self) -> (ExitStatus, Vec<String>, String) {
        self.stdin = None;
        let status = within("the program exits", self.child.wait())
            .await
            .expect("the program's exit status");
        let mut rest = Vec::new();
        while let Some(line) = self.next_line().await {
            rest.push(line);
        }
        within("the program's stderr ends", &mut self.stderr_reader)
            .await
            .expect("the stderr reader does not panic");
        (status, rest, self.stderr())
    }
}

/// Asserts that the next event on `connection` is `message.new` with this author and text.
async fn expect_message(connection: &mut Connection, author: &str, text: &str) {
    let Event::MessageNew(new) = next_event(connection, "message.new").await else {
        panic!("expected message.new");
    };
    assert_eq!(new.cid.as_deref(), Some(GENERAL));
    assert_eq!(
        (new.message.user.id.as_str(), new.message.text.as_str()),
        (author, text)
    );
}

/// A command line the program refuses: its arguments, its environment, the error it prints.
type Refusal = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    &'static str,
);

/// Runs the program to its end without a server: for the argument checks.
async fn run_to_end(args: &[&str], variables: &[(&str, &str)]) -> (ExitStatus, String, String) {
    let (status, stdout, stderr) = Program::spawn(args, variables).finish().await;
    (status, stdout.join("\n"), stderr)
}

#[tokio::test]
async fn help_and_argument_errors() {
    let (status, stdout, stderr) = run_to_end(&["--help"], &[]).await;
    assert!(status.success(), "{status}: {stderr}");
    assert!(
        stdout.starts_with("usage: chat --api-key KEY --user ID"),
        "{stdout}"
    );
    for flag in [
        "--token",
        "--secret",
        "--name",
        "--channel",
        "--base-url",
        "$STREAM_API_KEY",
    ] {
        assert!(stdout.contains(flag), "{flag} in\n{stdout}");
    }
    assert_eq!(stderr, "");

    // Each error names what is wrong, then the usage; exit status 2.
    let cases: [Refusal; 7] = [
        (&[], &[], "chat: --api-key (or $STREAM_API_KEY) is required"),
        (
            &["--api-key", "key"],
            &[],
            "chat: --user (or $STREAM_USER_ID) is required",
        ),
        (
            &["--api-key", "key", "--user", "alice"],
            &[],
            "chat: --token (or $STREAM_USER_TOKEN) or --secret (or $STREAM_API_SECRET) is required",
        ),
        (
            &["--api-key=key", "--user=alice", "--token=t", "--secret=s"],
            &[],
            "chat: give --token or --secret, not both",
        ),
        (
            &["--channel", "general"],
            &[
                ("STREAM_API_KEY", "key"),
                ("STREAM_USER_ID", "alice"),
                ("STREAM_USER_TOKEN", "t"),
            ],
            "chat: --channel: \"general\" is not TYPE:ID, e.g. messaging:general",
        ),
        (&["--api-key"], &[], "chat: --api-key needs a value"),
        (&["--verbose"], &[], "chat: unknown argument \"--verbose\""),
    ];
    for (args, variables, message) in cases {
        let (status, stdout, stderr) = run_to_end(args, variables).await;
        assert_eq!(status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert!(
            stderr.starts_with(&format!("{message}\n\nusage: chat")),
            "{args:?}:\n{stderr}"
        );
    }
}

#[tokio::test]
async fn refused_credentials_end_with_the_servers_reason() {
    let server = FakeStream::start().await;
    let url = server.url();
    // A token signed with another secret: the websocket is refused (code 43); the program ends
    // with the server's reason.
    let (status, stdout, stderr) = run_to_end(
        &[
            "--base-url",
            &url,
            "--user",
            "alice",
            "--secret",
            "not-the-secret",
        ],
        &[("STREAM_API_KEY", server.api_key())],
    )
    .await;
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with("chat: the server refused the connection: Stream error 43: "),
        "{stderr}"
    );
    assert!(stderr.contains("signature is not valid"), "{stderr}");
    assert!(server.connections().is_empty());
}

#[tokio::test]
async fn chats_in_a_watched_channel() {
    let server = FakeStream::start().await;
    server.upsert_user(json!({"id": "alice"}));
    let bob = server.user_client("bob");
    let mut bob_events = connect(&bob, "bob", "Bob").await;
    let bob = bob_events.client();
    open_channel(&bob, GENERAL, &["bob", "alice"], true).await;
    send_message(&bob, GENERAL, "Welcome, Alice").await;
    expect_message(&mut bob_events, "bob", "Welcome, Alice").await;

    // Alice starts the program: it connects, watches general, shows its latest messages.
    let mut alice = Program::chat(&server, "alice", "Alice", GENERAL);
    alice
        .expect(&format!("* connected to {} as alice", server.url()))
        .await;
    alice
        .expect("* watching messaging:general (members: 2, watching: 2)")
        .await;
    alice.expect("Bob: Welcome, Alice").await;
    alice
        .expect("* type a message and press Enter; Ctrl-D or Ctrl-C quits")
        .await;
    let Event::UserWatchingStart(started) = next_event(&mut bob_events, "watching.start").await
    else {
        panic!("expected user.watching.start");
    };
    assert_eq!(user_id(&started.user), Some("alice"));
    assert_eq!(server.watchers(GENERAL), ["alice", "bob"]);

    // Bob types and sends: the program shows who is typing, then the message.
    send_event(&bob, GENERAL, "typing.start").await;
    alice.expect("* Bob is typing").await;
    send_message(&bob, GENERAL, "How are you?").await;
    alice.expect("Bob: How are you?").await;
    send_event(&bob, GENERAL, "typing.stop").await;
    for kind in ["typing.start", "message.new", "typing.stop"] {
        assert_eq!(next_event(&mut bob_events, kind).await.event_type(), kind);
    }

    // Alice types a line: Bob gets typing.start, the message and typing.stop, all hers; the
    // program shows the message as the server sent it back.
    alice.type_line("Fine, thanks").await;
    let Event::TypingStart(typing) = next_event(&mut bob_events, "Alice's typing.start").await
    else {
        panic!("expected typing.start");
    };
    assert_eq!(
        (typing.cid.as_deref(), user_id(&typing.user)),
        (Some(GENERAL), Some("alice"))
    );
    expect_message(&mut bob_events, "alice", "Fine, thanks").await;
    let Event::TypingStop(typing) = next_event(&mut bob_events, "Alice's typing.stop").await else {
        panic!("expected typing.stop");
    };
    assert_eq!(user_id(&typing.user), Some("alice"));
    alice.expect("Alice: Fine, thanks").await;
    let stored = server.messages(GENERAL);
    let last = stored.last().expect("messages");
    assert_eq!(
        (&last["text"], &last["user"]["id"]),
        (&json!("Fine, thanks"), &json!("alice"))
    );

    // A blank line sends nothing.
    alice.type_line("   ").await;
    alice.assert_quiet("a blank line is not sent").await;
    assert_no_event(&mut bob_events, "a blank line is not sent").await;
    assert_eq!(server.messages(GENERAL).len(), 3);

    // Bob adds Alice to a channel she does not watch and writes there: the program notes both.
    open_channel(&bob, SIDE, &["bob"], false).await;
    add_members(&bob, SIDE, &["alice"]).await;
    alice.expect("* you were added to messaging:side").await;
    send_message(&bob, SIDE, "Psst").await;
    alice.expect("* in messaging:side, Bob: Psst").await;

    // End of input: the program disconnects and exits; Bob sees Alice leave.
    alice.end_input();
    let (status, rest, stderr) = alice.finish().await;
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(rest, ["* disconnected"]);
    assert_eq!(stderr, "");
    let Event::UserWatchingStop(stopped) = next_event(&mut bob_events, "watching.stop").await
    else {
        panic!("expected user.watching.stop");
    };
    assert_eq!(user_id(&stopped.user), Some("alice"));
    assert_eq!(server.watchers(GENERAL), ["bob"]);
}

// Unix only: it presses Ctrl-C with kill(2).
#[cfg(unix)]
#[tokio::test]
async fn creates_the_channel_watches_again_after_a_reconnect_and_stops_on_ctrl_c() {
    let server = FakeStream::start().await;
    let url = server.url();
    let token = server.user_token("carol");
    let mut carol = Program::spawn(
        &[
            "--api-key",
            server.api_key(),
            "--user",
            "carol",
            "--token",
            &token,
        ],
        &[("STREAM_BASE_URL", &url), ("STREAM_CHANNEL", ROOM)],
    );
    carol
        .expect(&format!("* connected to {url} as carol"))
        .await;
    carol
        .expect("* watching messaging:new-room (members: 1, watching: 1)")
        .await;
    carol
        .expect("* type a message and press Enter; Ctrl-D or Ctrl-C quits")
        .await;
    assert_eq!(server.members(ROOM), ["carol"]);
    let channel = server.channel(ROOM).expect("the program created the room");
    assert_eq!(channel["created_by"]["id"], "carol");
    let connections = server.connections();
    let [first] = connections.as_slice() else {
        panic!("one connection: {connections:?}");
    };
    assert_eq!(first.watching, [ROOM]);

    // The server closes the connection; Bob writes while the program reconnects. The program
    // watches again with its new connection and shows the message it missed, once.
    server.upsert_user(json!({"id": "bob", "name": "Bob"}));
    add_members(&stream_chat_tests::server_client(&url), ROOM, &["bob"]).await;
    assert!(server.close_connection(&first.connection_id));
    send_message(&server.user_client("bob"), ROOM, "Anyone here?").await;
    let lost = carol.next_line().await.unwrap_or_default();
    assert!(
        lost.starts_with(
            "* connection lost (the server closed the connection (code 1012): closed by the test); reconnecting in "
        ),
        "{lost}\n{}",
        carol.transcript()
    );
    carol
        .expect("* reconnected; watching messaging:new-room again")
        .await;
    carol.expect("Bob: Anyone here?").await;
    let connections = server.connections();
    let [second] = connections.as_slice() else {
        panic!("one connection: {connections:?}");
    };
    assert_ne!(second.connection_id, first.connection_id);
    assert_eq!(second.watching, [ROOM]);

    // Ctrl-C once the program is in its loop (it echoed a line): a clean exit.
    carol.type_line("Me").await;
    carol.expect("carol: Me").await;
    carol.interrupt();
    let (status, rest, stderr) = carol.finish().await;
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(rest, ["* disconnected"]);
    assert_eq!(stderr, "");
    within("the connection ends", server.wait_for_connections(0)).await;
}
