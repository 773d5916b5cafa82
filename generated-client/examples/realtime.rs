//! Connects a user to Stream Chat's real-time websocket, watches the channels the user is a
//! member of (and `STREAM_CHANNEL`, e.g. `messaging:general`, if set), prints every event and
//! state change, and disconnects cleanly on Ctrl-C.
//!
//! ```sh
//! STREAM_API_KEY=... STREAM_USER_TOKEN=... STREAM_USER_ID=jack \
//!     cargo run -p stream-chat-client --features ws --example realtime
//! ```
//!
//! `STREAM_BASE_URL` points it at another server (default: Stream's production API).

use std::env;
use std::process::ExitCode;

use futures_util::StreamExt as _;
use stream_chat_client::models::{
    ChannelGetOrCreateRequest, QueryChannelsFilter, QueryChannelsRequest, UserRequest,
};
use stream_chat_client::ws::RealtimeEvent;
use stream_chat_client::{Client, Error, DEFAULT_BASE_URL};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let variable = |name: &str| env::var(name).map_err(|_| format!("set {name}"));
    let api_key = variable("STREAM_API_KEY")?;
    let token = variable("STREAM_USER_TOKEN")?;
    let user_id = variable("STREAM_USER_ID")?;
    let base_url = env::var("STREAM_BASE_URL").unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned());

    let client = Client::builder(api_key)
        .user_token(token)
        .base_url(base_url)
        .build()?;
    let mut connection = client
        .realtime(UserRequest::new(user_id.clone()))
        .connect()
        .await?;
    println!(
        "connected as {} (connection {:?}); Ctrl-C to stop",
        connection.user().id,
        connection.connection_id()
    );
    // A client bound to the connection: its watching calls name the connection.
    let watching = connection.client();
    let channel = env::var("STREAM_CHANNEL").ok();
    let watch = || async {
        let mine = QueryChannelsRequest::default()
            .filter_conditions(QueryChannelsFilter::members().in_([user_id.as_str()]))
            .watch(true);
        let found = watching.query_channels(&mine).await?;
        println!(
            "watching {} channel(s) the user is a member of",
            found.channels.len()
        );
        if let Some((kind, id)) = channel.as_deref().and_then(|cid| cid.split_once(':')) {
            let body = ChannelGetOrCreateRequest::default().watch(true);
            watching.get_or_create_channel(kind, id, &body).await?;
            println!("watching {kind}:{id}");
        }
        Ok::<(), Error>(())
    };
    watch().await?;

    loop {
        let item = tokio::select! {
            item = connection.events().next() => item,
            _ = tokio::signal::ctrl_c() => break,
        };
        match item {
            Some(RealtimeEvent::Event(event)) => {
                println!("{}: {}", event.event_type(), serde_json::to_string(&event)?);
            }
            Some(RealtimeEvent::Recovered { connection_id }) => {
                // A new connection watches nothing: watch again (events in the gap are lost).
                println!("reconnected as {connection_id}: watching again");
                watch().await?;
            }
            Some(RealtimeEvent::InvalidFrame(frame)) => eprintln!("unreadable frame: {frame:?}"),
            Some(RealtimeEvent::StateChanged(state)) => eprintln!("state: {state:?}"),
            Some(_) => {}
            // The connection closed for good; the last state change said why.
            None => return Ok(()),
        }
    }
    connection.disconnect().await;
    println!("disconnected");
    Ok(())
}
