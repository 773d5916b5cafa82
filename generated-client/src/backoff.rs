//! Exponential backoff with full jitter, shared by HTTP retries ([`crate::RetryPolicy`]) and
//! websocket reconnects (`ws::Backoff`).

use std::time::Duration;

/// The largest delay of attempt `attempt` (1 for the first): `min(cap, base × 2^(attempt-1))`,
/// without overflow.
pub(crate) fn ceiling(base: Duration, cap: Duration, attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(31);
    base.checked_mul(1 << doublings)
        .map_or(cap, |ceiling| ceiling.min(cap))
}

/// Full jitter: a delay drawn uniformly from `[0, ceiling]`.
pub(crate) fn full_jitter(ceiling: Duration, rng: &mut fastrand::Rng) -> Duration {
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(rng.u64(0..=nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_up_to_the_cap_without_overflow() {
        let (base, cap) = (Duration::from_millis(200), Duration::from_secs(5));
        let ceilings: Vec<u128> = (0..=7).map(|n| ceiling(base, cap, n).as_millis()).collect();
        assert_eq!(ceilings, [200, 200, 400, 800, 1600, 3200, 5000, 5000]);
        assert_eq!(ceiling(Duration::MAX, cap, 3), cap);
        assert_eq!(ceiling(base, Duration::MAX, u32::MAX), base * (1 << 31));
    }

    #[test]
    fn jitter_stays_within_the_ceiling() {
        let mut rng = fastrand::Rng::with_seed(7);
        let ceiling = Duration::from_millis(50);
        let delays: Vec<Duration> = (0..1000).map(|_| full_jitter(ceiling, &mut rng)).collect();
        assert!(delays.iter().all(|delay| *delay <= ceiling));
        assert!(delays.iter().any(|delay| *delay < ceiling / 2));
        assert!(delays.iter().any(|delay| *delay > ceiling / 2));
        assert_eq!(full_jitter(Duration::ZERO, &mut rng), Duration::ZERO);
    }
}
