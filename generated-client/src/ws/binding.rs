//! Clients bound to a connection: the calls that take the caller's connection ID (so that
//! `watch: true` and `presence: true` apply to this websocket) send the connection's current
//! one, which changes with every reconnect.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use super::driver::Shared;
use super::Connection;
use crate::client::{BoundConnection, Client};

/// The connection a [`Client`] is bound to: the state its background task keeps.
#[derive(Clone)]
pub(crate) struct Bound(Arc<Shared>);

impl fmt::Debug for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Bound").field(&self.0.state()).finish()
    }
}

impl BoundConnection for Bound {
    fn connection_id(
        &self,
        wait: Duration,
    ) -> Pin<Box<dyn Future<Output = Result<String, bool>> + Send + '_>> {
        Box::pin(self.0.connection_id(wait))
    }
}

impl Client {
    /// A client (sharing this one's settings and HTTP connections) that sends the ID of
    /// `connection` to every operation that takes the caller's connection ID: `QueryChannels`,
    /// `GetOrCreateChannel`, `QueryThreads`, `GetThread` and the others whose
    /// [`OperationInfo::connection_id_param`](crate::OperationInfo::connection_id_param) is
    /// set. With `watch: true` in such a call, the connection receives the events of the
    /// channels (or threads) it returns; `presence: true` adds presence events of their members.
    ///
    /// Each call sends the connection's current ID (it changes with every reconnect); while
    /// the connection reconnects, a call waits for the new one, up to the call's timeout, and
    /// fails with [`Error::NotConnected`](crate::Error::NotConnected) if none comes or the connection closed for good. A
    /// call's own [`ResponseFuture::connection_id`](crate::ResponseFuture::connection_id) wins.
    /// Other operations are sent as by this client. The connection must belong to the same app
    /// and user as the client's token.
    ///
    /// [`Connection::client`] is the same for the client the connection was made with.
    ///
    /// ```no_run
    /// use stream_chat_client::models::{ChannelGetOrCreateRequest, UserRequest};
    /// use stream_chat_client::Client;
    ///
    /// # async fn run(client: Client) -> Result<(), stream_chat_client::Error> {
    /// let connection = client.realtime(UserRequest::new("jack")).connect().await?;
    /// let watching = client.with_connection(&connection);
    /// let body = ChannelGetOrCreateRequest::default().watch(true).presence(true);
    /// watching.get_or_create_channel("messaging", "general", &body).await?;
    /// // `connection.events()` now yields the channel's events.
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_connection(&self, connection: &Connection) -> Client {
        let mut client = self.clone();
        client.connection = Some(Arc::new(Bound(Arc::clone(&connection.shared))));
        client
    }
}

impl Connection {
    /// The client this connection was made with, bound to it: see
    /// [`Client::with_connection`].
    pub fn client(&self) -> Client {
        self.client.with_connection(self)
    }
}
