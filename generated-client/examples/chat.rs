//! A terminal chat: the pattern of a real-time, client-side Stream Chat app.
//!
//! It opens the user's real-time connection, watches one channel with it (creating the channel,
//! with the user as a member, if it does not exist), prints the channel's latest messages, then
//! new messages and who is typing as they come, and sends each line typed on stdin as a message.
//! End of input (Ctrl-D) or Ctrl-C disconnects and exits.
//!
//! ```sh
//! cargo run -p stream-chat-client --features ws --example chat -- \
//!     --api-key KEY --user jack --token USER_TOKEN --channel messaging:general
//! ```
//!
//! Every flag also reads an environment variable (`--help` lists them). `--secret` signs a
//! user token here instead of `--token`: for development only, since an app must never ship
//! the secret. `--base-url` points it at another server, e.g. the fake Stream server of this
//! workspace's tests (`cargo run -p stream-chat-tests --bin fake-stream`, which prints its URL).
//!
//! Typing indicators: a terminal hands a program a line only when Enter is pressed, so this
//! example cannot see keystrokes. It sends `typing.start` when a line arrives and `typing.stop`
//! once the message is sent; an app that sees keystrokes sends `typing.start` at the first one
//! and `typing.stop` on send or after a few idle seconds.
//!
//! Output, one line per thing that happened: `name: text` for a message, `* ...` for
//! everything else (who is typing, who came and left, the connection); errors go to stderr.

use std::collections::HashSet;
use std::error::Error;
use std::process::ExitCode;
use std::{env, io, slice, thread};

use futures_util::StreamExt as _;
use stream_chat_client::models::{
    ChannelGetOrCreateRequest, ChannelInput, ChannelMemberRequest, ChannelStateResponse,
    EventRequest, MessagePaginationParams, MessageRequest, MessageResponse, SendEventRequest,
    SendMessageRequest, UserRequest, UserResponseCommonFields,
};
use stream_chat_client::ws::{ConnectionState, DisconnectReason, RealtimeEvent, ReconnectReason};
use stream_chat_client::{Client, Event, Secret, UserToken, DEFAULT_BASE_URL};
use tokio::sync::mpsc;

const USAGE: &str = "\
usage: chat --api-key KEY --user ID (--token TOKEN | --secret SECRET)
            [--name NAME] [--channel TYPE:ID] [--base-url URL]

Chat in a Stream Chat channel from the terminal: prints its messages and who is typing, and
sends each line you type. Ctrl-D (end of input) or Ctrl-C quits.

  --api-key KEY      the app's API key                                   [$STREAM_API_KEY]
  --user ID          the user to chat as                                 [$STREAM_USER_ID]
  --token TOKEN      the user's token, made by your back end             [$STREAM_USER_TOKEN]
  --secret SECRET    or the app's secret, to sign a user token here      [$STREAM_API_SECRET]
                     (development only: an app never ships the secret)
  --name NAME        the name others see (connecting sets the user's data) [$STREAM_USER_NAME]
  --channel TYPE:ID  the channel to watch, created if needed             [$STREAM_CHANNEL]
                     (default: messaging:general)
  --base-url URL     the API's base URL                                  [$STREAM_BASE_URL]
                     (default: https://chat.stream-io-api.com)
  -h, --help         print this help

A flag wins over its environment variable. Prefer the variables for the token and the secret:
other users of the machine can see a program's command line.";

/// How many of the channel's latest messages are shown on start.
const HISTORY: i32 = 10;

#[tokio::main]
async fn main() -> ExitCode {
    let options = match Options::parse(env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("chat: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("chat: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Connects, watches, then chats until the input ends, Ctrl-C, or the connection closes for
/// good.
async fn run(options: Options) -> Result<(), Box<dyn Error>> {
    let token = match options.credential {
        Credential::Token(token) => token,
        Credential::Secret(secret) => UserToken::new(&options.user_id).sign(&Secret::new(secret)),
    };
    let client = Client::builder(options.api_key)
        .user_token(token)
        .base_url(&options.base_url)
        .build()?;

    // The real-time connection comes first: watching a channel subscribes this connection to
    // the channel's events. Connecting creates or updates the user.
    let mut user = UserRequest::new(&options.user_id);
    user.name = options.name;
    let mut connection = client.realtime(&user).connect().await?;
    println!("* connected to {} as {}", options.base_url, options.user_id);
    // A client bound to the connection: the calls that can watch (GetOrCreateChannel,
    // QueryChannels, ...) send its connection ID, the current one after every reconnect.
    let client = connection.client();

    let mut chat = Chat {
        client,
        me: options.user_id,
        channel_type: options.channel_type,
        channel_id: options.channel_id,
        shown: HashSet::new(),
    };
    let state = chat.watch().await?;
    println!(
        "* watching {} (members: {}, watching: {})",
        chat.cid(),
        state.members.len(),
        state.watcher_count.unwrap_or(0)
    );
    if state.membership.is_none() {
        println!(
            "* you are not a member of {}: the server may refuse your messages",
            chat.cid()
        );
    }
    chat.show_messages(&state.messages);
    println!("* type a message and press Enter; Ctrl-D or Ctrl-C quits");

    let mut lines = stdin_lines();
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    let outcome = loop {
        tokio::select! {
            item = connection.events().next() => match item {
                Some(item) => chat.handle(item).await,
                // Closed for good: the `Disconnected` state before this said why.
                None => break Err("the connection closed".into()),
            },
            line = lines.recv() => match line {
                Some(Ok(line)) => chat.send(&line).await,
                Some(Err(error)) => break Err(format!("cannot read stdin: {error}").into()),
                None => break Ok(()),
            },
            _ = &mut ctrl_c => break Ok(()),
        }
    };
    connection.disconnect().await;
    println!("* disconnected");
    outcome
}

/// The chat session: the client, who we are, the channel we watch, and the messages shown.
struct Chat {
    client: Client,
    me: String,
    channel_type: String,
    channel_id: String,
    /// The IDs of the messages printed so far, so that none is printed twice.
    shown: HashSet<String>,
}

impl Chat {
    fn cid(&self) -> String {
        format!("{}:{}", self.channel_type, self.channel_id)
    }

    /// Watches the channel with the client's connection (creating the channel, with us as a
    /// member, if it does not exist) and returns its state with the latest messages.
    async fn watch(&self) -> Result<ChannelStateResponse, Box<dyn Error>> {
        let data = ChannelInput::default().members(vec![ChannelMemberRequest::new(&self.me)]);
        let request = ChannelGetOrCreateRequest::default()
            .data(data)
            .watch(true)
            .state(true)
            .messages(MessagePaginationParams {
                limit: Some(HISTORY),
                ..Default::default()
            });
        let state = self
            .client
            .get_or_create_channel(&self.channel_type, &self.channel_id, &request)
            .await?;
        Ok(state.into_inner())
    }

    /// Prints what the connection reports.
    async fn handle(&mut self, item: RealtimeEvent) {
        match item {
            RealtimeEvent::Event(event) => self.show_event(&event),
            RealtimeEvent::Recovered { .. } => {
                // A new connection watches nothing, and events sent in the gap are lost: watch
                // again, and show the messages we missed.
                match self.watch().await {
                    Ok(state) => {
                        println!("* reconnected; watching {} again", self.cid());
                        self.show_messages(&state.messages);
                    }
                    Err(error) => eprintln!("! cannot watch {} again: {error}", self.cid()),
                }
            }
            RealtimeEvent::StateChanged(ConnectionState::Reconnecting {
                delay, reason, ..
            }) => {
                let why = match reason {
                    ReconnectReason::Failed(error) => error.to_string(),
                    ReconnectReason::TokenExpired(_) => "the token expired".to_owned(),
                    _ => "asked to".to_owned(),
                };
                println!("* connection lost ({why}); reconnecting in {delay:.1?}");
            }
            RealtimeEvent::StateChanged(ConnectionState::Disconnected {
                reason: DisconnectReason::Failed(error),
            }) => eprintln!("! the connection closed: {error}"),
            RealtimeEvent::InvalidFrame(frame) => eprintln!("! unreadable frame: {frame:?}"),
            _ => {}
        }
    }

    /// Prints an event of the channel, or a note about another channel; other users' typing
    /// and watching only (we know what we do ourselves).
    fn show_event(&mut self, event: &Event) {
        let cid = self.cid();
        let ours = |event_cid: &Option<String>| event_cid.as_deref() == Some(cid.as_str());
        let other = |user: &Option<UserResponseCommonFields>| {
            user.as_ref()
                .filter(|user| user.id != self.me)
                .map(|user| display_name(&user.id, user.name.as_deref()).to_owned())
        };
        match event {
            Event::MessageNew(new) if ours(&new.cid) => {
                self.show_messages(slice::from_ref(&new.message));
            }
            Event::TypingStart(typing) if ours(&typing.cid) => {
                if let Some(name) = other(&typing.user) {
                    println!("* {name} is typing");
                }
            }
            Event::UserWatchingStart(watching) if ours(&watching.cid) => {
                if let Some(name) = other(&watching.user) {
                    println!("* {name} is here");
                }
            }
            Event::UserWatchingStop(watching) if ours(&watching.cid) => {
                if let Some(name) = other(&watching.user) {
                    println!("* {name} left");
                }
            }
            // A member gets these for the channels it does not watch; ours too, in the moment
            // between a reconnect and watching again.
            Event::NotificationMessageNew(new) if ours(&new.cid) => {
                self.show_messages(slice::from_ref(&new.message));
            }
            Event::NotificationMessageNew(new) => {
                let message = &new.message;
                let name = display_name(&message.user.id, message.user.name.as_deref());
                println!("* in {}, {name}: {}", new.channel.cid, message.text);
            }
            Event::NotificationAddedToChannel(added) => {
                println!("* you were added to {}", added.channel.cid);
            }
            _ => {}
        }
    }

    /// Prints the messages not printed yet, oldest first.
    fn show_messages(&mut self, messages: &[MessageResponse]) {
        for message in messages {
            if self.shown.insert(message.id.clone()) {
                let name = display_name(&message.user.id, message.user.name.as_deref());
                println!("{name}: {}", message.text);
            }
        }
    }

    /// Sends one typed line as a message, between `typing.start` and `typing.stop`.
    async fn send(&self, line: &str) {
        let text = line.trim();
        if text.is_empty() {
            return;
        }
        self.send_event("typing.start").await;
        let message = SendMessageRequest::new(MessageRequest::default().text(text));
        if let Err(error) = self
            .client
            .send_message(&self.channel_type, &self.channel_id, &message)
            .await
        {
            eprintln!("! not sent: {error}");
        }
        self.send_event("typing.stop").await;
    }

    /// Sends a typing event; a failure is reported and otherwise ignored.
    async fn send_event(&self, kind: &str) {
        let event = SendEventRequest::new(EventRequest::new(kind));
        if let Err(error) = self
            .client
            .send_event(&self.channel_type, &self.channel_id, &event)
            .await
        {
            eprintln!("! {kind} not sent: {error}");
        }
    }
}

/// A user's name, or their ID when they have none.
fn display_name<'a>(id: &'a str, name: Option<&'a str>) -> &'a str {
    name.filter(|name| !name.is_empty()).unwrap_or(id)
}

/// The lines of stdin, read on a thread of their own: a blocking read cannot be cancelled, and
/// on a runtime's blocking pool it would keep the program from exiting on Ctrl-C until Enter.
fn stdin_lines() -> mpsc::UnboundedReceiver<io::Result<String>> {
    let (sender, receiver) = mpsc::unbounded_channel();
    thread::spawn(move || {
        for line in io::stdin().lines() {
            let failed = line.is_err();
            if sender.send(line).is_err() || failed {
                break;
            }
        }
    });
    receiver
}

/// What the command line and the environment ask for.
struct Options {
    api_key: String,
    user_id: String,
    credential: Credential,
    name: Option<String>,
    channel_type: String,
    channel_id: String,
    base_url: String,
}

/// How the user authenticates.
enum Credential {
    /// A user token from the app's back end.
    Token(String),
    /// The app's secret, to sign a user token with.
    Secret(String),
}

impl Options {
    /// Reads the flags, then the environment for the flags not given; `None` for `--help`.
    fn parse(args: impl Iterator<Item = String>) -> Result<Option<Self>, String> {
        let mut flags = Flags::default();
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_owned(), Some(value.to_owned()))
                }
                _ => (arg, None),
            };
            if flag == "-h" || flag == "--help" {
                return Ok(None);
            }
            let slot = match flag.as_str() {
                "--api-key" => &mut flags.api_key,
                "--user" => &mut flags.user_id,
                "--token" => &mut flags.token,
                "--secret" => &mut flags.secret,
                "--name" => &mut flags.name,
                "--channel" => &mut flags.channel,
                "--base-url" => &mut flags.base_url,
                _ => return Err(format!("unknown argument {flag:?}")),
            };
            let value = inline
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))?;
            *slot = Some(value);
        }
        let variable = |name: &str| env::var(name).ok().filter(|value| !value.is_empty());
        let from_env = |given: Option<String>, name: &str| given.or_else(|| variable(name));
        let required = |given: Option<String>, flag: &str, name: &str| {
            from_env(given, name).ok_or_else(|| format!("{flag} (or ${name}) is required"))
        };

        let api_key = required(flags.api_key, "--api-key", "STREAM_API_KEY")?;
        let user_id = required(flags.user_id, "--user", "STREAM_USER_ID")?;
        let credential = match (flags.token, flags.secret) {
            (Some(_), Some(_)) => return Err("give --token or --secret, not both".to_owned()),
            (Some(token), None) => Credential::Token(token),
            (None, Some(secret)) => Credential::Secret(secret),
            (None, None) => match (variable("STREAM_USER_TOKEN"), variable("STREAM_API_SECRET")) {
                (Some(token), _) => Credential::Token(token),
                (None, Some(secret)) => Credential::Secret(secret),
                (None, None) => {
                    return Err("--token (or $STREAM_USER_TOKEN) or --secret (or $STREAM_API_SECRET) is required".to_owned())
                }
            },
        };
        let channel = from_env(flags.channel, "STREAM_CHANNEL")
            .unwrap_or_else(|| "messaging:general".to_owned());
        let Some((channel_type, channel_id)) = channel
            .split_once(':')
            .filter(|(t, i)| !t.is_empty() && !i.is_empty())
        else {
            return Err(format!(
                "--channel: {channel:?} is not TYPE:ID, e.g. messaging:general"
            ));
        };
        Ok(Some(Self {
            api_key,
            user_id,
            credential,
            name: from_env(flags.name, "STREAM_USER_NAME"),
            channel_type: channel_type.to_owned(),
            channel_id: channel_id.to_owned(),
            base_url: from_env(flags.base_url, "STREAM_BASE_URL")
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        }))
    }
}

/// The flags as given, before the environment fills the gaps.
#[derive(Default)]
struct Flags {
    api_key: Option<String>,
    user_id: Option<String>,
    token: Option<String>,
    secret: Option<String>,
    name: Option<String>,
    channel: Option<String>,
    base_url: Option<String>,
}
