//! Retries: [`RetryPolicy`] (`policy.rs`, the settings), the one classification of failures
//! (`classify.rs`: transient or not, and why), the strategy that decides after each failed
//! attempt (`strategy.rs`: retry after a wait, or give up, with the reason) and the wait a
//! response asks for (`server_delay.rs`). The attempt loop (`send/orchestrator.rs`) asks
//! [`RetryPolicy::decide`] and reports the reason in its tracing.

mod classify;
mod policy;
mod server_delay;
mod strategy;

pub(crate) use classify::Call;
pub use policy::RetryPolicy;
pub(crate) use server_delay::server_delay;
pub(crate) use strategy::Decision;

/// What the tests of `classify.rs` and `strategy.rs` both decide about.
#[cfg(test)]
mod test_fixtures {
    use super::Call;
    use crate::operation::Method;
    use crate::Error;

    /// A plain HTTP failure with this status.
    pub(super) fn http(status: u16) -> Error {
        Error::Http {
            operation: "Op",
            status,
            body: crate::ErrorBody::default(),
            rate_limit: None,
            attempts: 1,
        }
    }

    pub(super) const GET: Call = Call {
        method: Method::Get,
        idempotent: false,
        connect_error_is_unsent: true,
    };
    pub(super) const POST: Call = Call {
        method: Method::Post,
        idempotent: false,
        connect_error_is_unsent: true,
    };
}
