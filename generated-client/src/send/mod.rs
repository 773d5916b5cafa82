//! Sending: what happens between a generated method and its typed result.
//!
//! | file | concern |
//! | --- | --- |
//! | `future.rs` | [`ResponseFuture`] (lazy until polled; per-call settings) and `Client::execute` |
//! | `options.rs` | a call's own settings (`CallOptions`) and its attempts' limits (`Limits`) |
//! | `orchestrator.rs` | the attempt loop: retries, sleeps, the `stream_chat.request` span |
//! | `prepare.rs` | the call checked and encoded once; each attempt's URL (bound connection ID) |
//! | `attempt.rs` | one HTTP exchange; transport failures and timeouts as errors |
//! | `status.rs` | status mapping: redirects, 2xx bodies within the limit, error bodies |
//! | `raw_response.rs` | decoding a 2xx body into [`ApiResponse`](crate::ApiResponse) |

mod attempt;
mod future;
mod options;
mod orchestrator;
mod prepare;
mod raw_response;
mod status;

pub use future::ResponseFuture;
