//! Keep-alive: when to send the client's health check and when the connection is unhealthy.
//!
//! The server sends a `health.check` event now and then (the hello is one too). The client
//! answers [`PING_INTERVAL`] after the last one it received with its own health check; any
//! message from the server proves the connection alive, and after [`UNHEALTHY_AFTER`] without
//! one the connection is closed and made anew. The deadlines are `tokio::time` instants, so a
//! paused test clock drives them.

use std::time::Duration;

use tokio::time::Instant;

/// How long after the last health check from the server the client sends its own.
pub const PING_INTERVAL: Duration = Duration::from_secs(25);

/// How long the server may stay silent before the connection counts as unhealthy.
pub const UNHEALTHY_AFTER: Duration = Duration::from_secs(35);

/// The keep-alive deadlines of one connection.
#[derive(Debug)]
pub(crate) struct KeepAlive {
    /// When to send the next health check; `None` after sending one, until the server sends
    /// a health check again.
    ping_at: Option<Instant>,
    /// When the connection becomes unhealthy unless a message arrives.
    unhealthy_at: Instant,
}

impl KeepAlive {
    /// The deadlines right after the hello (itself a health check) arrived at `now`.
    pub(crate) fn after_hello(now: Instant) -> Self {
        Self {
            ping_at: Some(now + PING_INTERVAL),
            unhealthy_at: now + UNHEALTHY_AFTER,
        }
    }

    /// Any message (a frame of any kind) arrived at `now`.
    pub(crate) fn message_received(&mut self, now: Instant) {
        self.unhealthy_at = now + UNHEALTHY_AFTER;
    }

    /// A `health.check` from the server arrived at `now`.
    pub(crate) fn health_check_received(&mut self, now: Instant) {
        self.message_received(now);
        self.ping_at = Some(now + PING_INTERVAL);
    }

    /// The client sent its health check.
    pub(crate) fn ping_sent(&mut self) {
        self.ping_at = None;
    }

    /// When to send the next health check, if one is due at all.
    pub(crate) fn ping_at(&self) -> Option<Instant> {
        self.ping_at
    }

    /// When the connection becomes unhealthy.
    pub(crate) fn unhealthy_at(&self) -> Instant {
        self.unhealthy_at
    }
}

/// The client's health check: `[{"type":"health.check","client_id":"<user_id>--<connection_id>"}]`.
pub(crate) fn ping_message(user_id: &str, connection_id: &str) -> String {
    #[derive(serde::Serialize)]
    struct Ping {
        #[serde(rename = "type")]
        kind: &'static str,
        client_id: String,
    }
    let ping = [Ping {
        kind: "health.check",
        client_id: format!("{user_id}--{connection_id}"),
    }];
    // Serializing strings into JSON cannot fail.
    serde_json::to_string(&ping).unwrap_or_default()
}

/// Sleeps until `at`, or forever for `None`.
pub(crate) async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_message_is_exact() {
        assert_eq!(
            ping_message("jack", "abc-1"),
            r#"[{"type":"health.check","client_id":"jack--abc-1"}]"#
        );
        let odd = ping_message("a\"b", "c");
        let value: serde_json::Value = serde_json::from_str(&odd).unwrap();
        assert_eq!(value[0]["client_id"], "a\"b--c");
    }

    #[tokio::test(start_paused = true)]
    async fn deadlines_follow_the_messages() {
        let start = Instant::now();
        let mut keepalive = KeepAlive::after_hello(start);
        assert_eq!(keepalive.ping_at(), Some(start + PING_INTERVAL));
        assert_eq!(keepalive.unhealthy_at(), start + UNHEALTHY_AFTER);

        // An event moves the unhealthy deadline, not the ping.
        let later = start + Duration::from_secs(10);
        keepalive.message_received(later);
        assert_eq!(keepalive.ping_at(), Some(start + PING_INTERVAL));
        assert_eq!(keepalive.unhealthy_at(), later + UNHEALTHY_AFTER);

        // After a ping, no other ping until the server sends a health check.
        keepalive.ping_sent();
        assert_eq!(keepalive.ping_at(), None);
        let reply = start + Duration::from_secs(26);
        keepalive.health_check_received(reply);
        assert_eq!(keepalive.ping_at(), Some(reply + PING_INTERVAL));
        assert_eq!(keepalive.unhealthy_at(), reply + UNHEALTHY_AFTER);
    }

    #[tokio::test(start_paused = true)]
    async fn sleep_until_none_never_ends() {
        let never = sleep_until(None);
        let result = tokio::time::timeout(Duration::from_secs(3600), never).await;
        assert!(result.is_err());
        let start = Instant::now();
        sleep_until(Some(start + PING_INTERVAL)).await;
        assert_eq!(Instant::now() - start, PING_INTERVAL);
    }
}
