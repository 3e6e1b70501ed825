//! Time as the client sees it: every wait (retry backoff, Retry-After, rate limiter) goes through
//! a [`Clock`], so tests record the waits instead of sleeping.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Source of "now" and of waiting. `now` and `sleep` must agree (after `sleep(d)`, `now()` has
/// advanced by at least `d`), because the rate limiter relies on it.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    fn now(&self) -> Instant;
    fn sleep(&self, d: Duration) -> SleepFuture;
}

/// Real time (tokio timers).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep(&self, d: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(d))
    }
}

/// Virtual time for tests: `sleep` returns at once, records the requested duration and moves
/// virtual `now` forward by it. Time never passes otherwise, so waits are deterministic.
/// (Concurrent sleeps add up rather than overlap — fine for sequential assertions.)
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    state: Mutex<ManualState>,
}

#[derive(Debug, Default)]
struct ManualState {
    offset: Duration,
    sleeps: Vec<Duration>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    pub fn new() -> Self {
        ManualClock {
            start: Instant::now(),
            state: Mutex::new(ManualState::default()),
        }
    }

    /// Every wait requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// Sum of all requested waits.
    pub fn total_slept(&self) -> Duration {
        self.lock().sleeps.iter().sum()
    }

    /// Forget recorded waits (virtual time keeps its value).
    pub fn clear_sleeps(&self) {
        self.lock().sleeps.clear();
    }

    /// Virtual time elapsed since creation.
    pub fn elapsed(&self) -> Duration {
        self.lock().offset
    }

    /// Move virtual time forward without recording a sleep.
    pub fn advance(&self, d: Duration) {
        self.lock().offset += d;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        // A panic elsewhere while holding the lock leaves plain data; keep going.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + self.lock().offset
    }

    fn sleep(&self, d: Duration) -> SleepFuture {
        {
            let mut st = self.lock();
            st.sleeps.push(d);
            st.offset += d;
        }
        // Yield so other tasks get a turn, like a real sleep would allow.
        Box::pin(tokio::task::yield_now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_records_and_advances() {
        let c = ManualClock::new();
        let t0 = c.now();
        c.sleep(Duration::from_secs(7)).await;
        c.sleep(Duration::from_millis(500)).await;
        assert_eq!(
            c.sleeps(),
            vec![Duration::from_secs(7), Duration::from_millis(500)]
        );
        assert_eq!(c.now() - t0, Duration::from_millis(7500));
        assert_eq!(c.total_slept(), Duration::from_millis(7500));
    }
}
