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
