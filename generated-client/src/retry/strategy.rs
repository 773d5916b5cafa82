//! What happens after a failed attempt: the classification (`classify.rs`) first, then the
//! policy's attempt, wait and time budgets; the wait is the server's or a backoff with full
//! jitter. Every outcome names its reason, for the attempt loop's tracing.

use std::time::Duration;

use super::classify::{classify, Call, GiveUp, Transient};
use super::RetryPolicy;
use crate::backoff;
use crate::Error;

/// The outcome of a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Send again after `delay`; `reason` says what makes the failure transient.
    Retry {
        /// The wait before the next attempt.
        delay: Duration,
        /// Why the failure may pass.
        reason: Transient,
    },
    /// Return the error: the reason no retry is made.
    GiveUp(GiveUp),
}

impl RetryPolicy {
    /// What to do after `error`: wait and send again, or give up and return it.
    ///
    /// `attempts` were made so far, `elapsed` since the call began; `hint` is the wait that the
    /// response asked for, if any (see [`server_delay`](super::server_delay)).
    pub(crate) fn decide(
        &self,
        error: &Error,
        call: Call,
        attempts: u32,
        elapsed: Duration,
        hint: Option<Duration>,
    ) -> Decision {
        let reason = match classify(error, call) {
            Ok(reason) => reason,
            Err(give_up) => return Decision::GiveUp(give_up),
        };
        if attempts >= self.max_attempts {
            return Decision::GiveUp(GiveUp::MaxAttempts);
        }
        let delay = match hint {
            Some(wait) if wait > self.max_delay => return Decision::GiveUp(GiveUp::MaxDelay),
            Some(wait) => wait,
            None => self.backoff(attempts),
        };
        if elapsed.saturating_add(delay) > self.max_elapsed {
            return Decision::GiveUp(GiveUp::MaxElapsed);
        }
        Decision::Retry { delay, reason }
    }

    /// Full jitter: uniform in `[0, min(max_delay, base_delay × 2^(attempts-1))]`.
    fn backoff(&self, attempts: u32) -> Duration {
        let ceiling = backoff::ceiling(self.base_delay, self.max_delay, attempts);
        backoff::full_jitter(ceiling, &mut fastrand::Rng::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Method;
    use crate::retry::test_fixtures::{http, GET, POST};

    impl Decision {
        /// The wait of a retry, `None` when giving up.
        fn delay(self) -> Option<Duration> {
            match self {
                Decision::Retry { delay, .. } => Some(delay),
                Decision::GiveUp(_) => None,
            }
        }
    }

    #[test]
    fn none_never_retries() {
        let policy = RetryPolicy::none();
        assert!(!policy.is_enabled());
        assert_eq!(
            policy
                .decide(&http(503), GET, 1, Duration::ZERO, None)
                .delay(),
            None
        );
        assert_eq!(RetryPolicy::default(), RetryPolicy::none());
    }

    #[test]
    fn statuses_and_methods() {
        let policy = RetryPolicy::new();
        for status in [429, 502, 503, 504] {
            assert!(policy
                .decide(&http(status), GET, 1, Duration::ZERO, None)
                .delay()
                .is_some());
            assert!(policy
                .decide(&http(status), POST, 1, Duration::ZERO, None)
                .delay()
                .is_none());
            let marked = Call {
                idempotent: true,
                ..POST
            };
            assert!(policy
                .decide(&http(status), marked, 1, Duration::ZERO, None)
                .delay()
                .is_some());
        }
        for status in [400, 401, 404, 408, 500, 501, 505] {
            assert!(policy
                .decide(&http(status), GET, 1, Duration::ZERO, None)
                .delay()
                .is_none());
        }
        for method in [Method::Put, Method::Delete] {
            let call = Call { method, ..GET };
            assert!(policy
                .decide(&http(502), call, 1, Duration::ZERO, None)
                .delay()
                .is_some());
        }
        let patch = Call {
            method: Method::Patch,
            ..GET
        };
        assert!(policy
            .decide(&http(502), patch, 1, Duration::ZERO, None)
            .delay()
            .is_none());
    }

    #[test]
    fn attempts_and_budget_bound_retries() {
        let policy = RetryPolicy::new()
            .max_attempts(3)
            .max_elapsed(Duration::from_secs(1));
        assert!(policy
            .decide(&http(503), GET, 2, Duration::ZERO, None)
            .delay()
            .is_some());
        assert!(policy
            .decide(&http(503), GET, 3, Duration::ZERO, None)
            .delay()
            .is_none());
        let hint = Some(Duration::from_millis(600));
        assert!(policy
            .decide(&http(503), GET, 1, Duration::from_millis(500), hint)
            .delay()
            .is_none());
        assert_eq!(
            policy
                .decide(&http(503), GET, 1, Duration::from_millis(100), hint)
                .delay(),
            hint
        );
        // Longer than the cap: give up rather than sleep.
        let long = Some(Duration::from_secs(6));
        let roomy = RetryPolicy::new().max_elapsed(Duration::from_secs(60));
        assert!(roomy
            .decide(&http(429), GET, 1, Duration::ZERO, long)
            .delay()
            .is_none());
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn every_decision_names_its_reason() {
        let policy = RetryPolicy::new()
            .max_attempts(3)
            .max_elapsed(Duration::from_secs(1));
        let decide = |error: &Error, call, attempts, elapsed, hint| {
            policy.decide(error, call, attempts, elapsed, hint)
        };
        let hint = Some(Duration::from_millis(600));
        assert_eq!(
            decide(&http(503), GET, 1, Duration::ZERO, hint),
            Decision::Retry {
                delay: Duration::from_millis(600),
                reason: Transient::Status
            }
        );
        let give_up = |decision| match decision {
            Decision::GiveUp(reason) => Some(reason),
            Decision::Retry { .. } => None,
        };
        assert_eq!(
            give_up(decide(&http(404), GET, 1, Duration::ZERO, None)),
            Some(GiveUp::NotTransient)
        );
        assert_eq!(
            give_up(decide(&http(503), POST, 1, Duration::ZERO, None)),
            Some(GiveUp::NotIdempotent)
        );
        assert_eq!(
            give_up(decide(&http(503), GET, 3, Duration::ZERO, None)),
            Some(GiveUp::MaxAttempts)
        );
        let long = Some(Duration::from_secs(6));
        assert_eq!(
            give_up(decide(&http(503), GET, 1, Duration::ZERO, long)),
            Some(GiveUp::MaxDelay)
        );
        assert_eq!(
            give_up(decide(&http(503), GET, 1, Duration::from_millis(500), hint)),
            Some(GiveUp::MaxElapsed)
        );
        // A failure that is not transient says so even when the attempts are used up.
        assert_eq!(
            give_up(decide(&http(400), GET, 3, Duration::ZERO, None)),
            Some(GiveUp::NotTransient)
        );
    }

    #[test]
    fn backoff_is_capped_full_jitter() {
        let policy = RetryPolicy::new()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(250));
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(policy.backoff(3) <= Duration::from_millis(250));
            assert!(policy.backoff(u32::MAX) <= Duration::from_millis(250));
        }
        let zero = RetryPolicy::new().base_delay(Duration::ZERO);
        assert_eq!(zero.backoff(5), Duration::ZERO);
    }
}
