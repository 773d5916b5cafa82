//! The real-time connection a [`Client`](crate::Client) is bound to
//! (`Client::with_connection`, feature `ws`), as the sending layer sees it: a source of the
//! connection's current ID. `ws/binding.rs` implements it, so that the configuration and
//! sending layers do not depend on the websocket, which depends on them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A connection whose current ID the calls that take one send.
pub(crate) trait BoundConnection: fmt::Debug + Send + Sync {
    /// The ID of the open connection. While the connection (re)connects, waits for the next
    /// one, up to `wait`: `Err(true)` when the connection closed for good, `Err(false)` when
    /// it did not reconnect in time.
    fn connection_id(
        &self,
        wait: Duration,
    ) -> Pin<Box<dyn Future<Output = Result<String, bool>> + Send + '_>>;
}
