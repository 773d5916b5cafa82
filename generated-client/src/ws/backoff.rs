//! The reconnect delay: exponential backoff with full jitter, capped at 25 s.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The delay ceiling of the first reconnect attempt; it doubles with every failed attempt.
pub const DEFAULT_BASE: Duration = Duration::from_millis(500);

/// The largest delay between two reconnect attempts.
pub const DEFAULT_CAP: Duration = Duration::from_secs(25);

/// How long a [`Connection`](super::Connection) waits before a reconnect attempt.
///
/// Attempt `n` (counting from 1 after each drop) waits a random delay between zero and
/// `min(cap, base × 2ⁿ⁻¹)` ("full jitter"), so that many clients dropped at once do not
/// reconnect in lockstep. The defaults are a base of 500 ms and a cap of 25 s. Tests can make
/// the delays repeatable with [`Backoff::seed`] or choose them with [`Backoff::jitter`].
///
/// ```
/// use std::time::Duration;
///
/// use stream_chat_client::ws::Backoff;
///
/// let backoff = Backoff::new();
/// assert_eq!(backoff.ceiling(1), Duration::from_millis(500));
/// assert_eq!(backoff.ceiling(3), Duration::from_secs(2));
/// assert_eq!(backoff.ceiling(50), Duration::from_secs(25));
///
/// // Always wait the whole ceiling, e.g. in a test.
/// let mut fixed = Backoff::new().jitter(|ceiling| ceiling);
/// assert_eq!(fixed.delay(2), Duration::from_secs(1));
/// ```
#[derive(Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    jitter: Jitter,
}

#[derive(Clone)]
enum Jitter {
    Random(fastrand::Rng),
    Custom(Arc<dyn Fn(Duration) -> Duration + Send + Sync>),
}

impl fmt::Debug for Backoff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let jitter = match self.jitter {
            Jitter::Random(_) => "full",
            Jitter::Custom(_) => "custom",
        };
        f.debug_struct("Backoff")
            .field("base", &self.base)
            .field("cap", &self.cap)
            .field("jitter", &jitter)
            .finish()
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

impl Backoff {
    /// The default backoff: base 500 ms, cap 25 s, full jitter from a randomly seeded generator.
    pub fn new() -> Self {
        Self {
            base: DEFAULT_BASE,
            cap: DEFAULT_CAP,
            jitter: Jitter::Random(fastrand::Rng::new()),
        }
    }

    /// Sets the ceiling of the first attempt's delay (default 500 ms).
    #[must_use]
    pub fn base(mut self, base: Duration) -> Self {
        self.base = base;
        self
    }

    /// Sets the largest delay (default 25 s).
    #[must_use]
    pub fn cap(mut self, cap: Duration) -> Self {
        self.cap = cap;
        self
    }

    /// Draws the jitter from a generator seeded with `seed`, so the delays repeat run to run.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.jitter = Jitter::Random(fastrand::Rng::with_seed(seed));
        self
    }

    /// Replaces the random jitter: `jitter` gets an attempt's ceiling and returns its delay.
    /// A result above the ceiling is cut to the ceiling.
    #[must_use]
    pub fn jitter(mut self, jitter: impl Fn(Duration) -> Duration + Send + Sync + 'static) -> Self {
        self.jitter = Jitter::Custom(Arc::new(jitter));
        self
    }

    /// The largest delay of attempt `attempt` (1 for the first): `min(cap, base × 2^(attempt-1))`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        crate::backoff::ceiling(self.base, self.cap, attempt)
    }

    /// The delay before attempt `attempt`: between zero and [`Backoff::ceiling`].
    pub fn delay(&mut self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        match &mut self.jitter {
            Jitter::Random(rng) => crate::backoff::full_jitter(ceiling, rng),
            Jitter::Custom(jitter) => jitter(ceiling).min(ceiling),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let backoff = Backoff::new();
        let ceilings: Vec<u64> = (1..=8)
            .map(|n| backoff.ceiling(n).as_millis() as u64)
            .collect();
        assert_eq!(ceilings, [500, 1000, 2000, 4000, 8000, 16000, 25000, 25000]);
        assert_eq!(backoff.ceiling(0), DEFAULT_BASE);
        assert_eq!(backoff.ceiling(u32::MAX), DEFAULT_CAP);
        let huge = Backoff::new().base(Duration::from_secs(u64::MAX / 2));
        assert_eq!(huge.ceiling(40), DEFAULT_CAP);
    }

    #[test]
    fn full_jitter_stays_within_the_ceiling_and_spreads() {
        let mut backoff = Backoff::new().seed(7);
        let delays: Vec<Duration> = (0..200).map(|_| backoff.delay(3)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(2)));
        assert!(delays.iter().any(|d| *d < Duration::from_millis(500)));
        assert!(delays.iter().any(|d| *d > Duration::from_millis(1500)));
    }

    #[test]
    fn seeded_delays_repeat() {
        let run = |seed| {
            let mut backoff = Backoff::new().seed(seed);
            (1..10).map(|n| backoff.delay(n)).collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
    }

    #[test]
    fn custom_jitter_is_cut_to_the_ceiling() {
        let mut backoff = Backoff::new()
            .base(Duration::from_secs(1))
            .cap(Duration::from_secs(3))
            .jitter(|_| Duration::from_secs(60));
        assert_eq!(backoff.delay(1), Duration::from_secs(1));
        assert_eq!(backoff.delay(5), Duration::from_secs(3));
        assert!(format!("{backoff:?}").contains("custom"));
    }
}
