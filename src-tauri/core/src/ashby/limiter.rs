//! Client-side token bucket, shared by all clones of a client, so the app stays well below
//! Ashby's per-key limit instead of discovering it through 429s.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::clock::Clock;

#[derive(Debug)]
pub(crate) struct RateLimiter {
    /// Tokens per second; `None` = unlimited.
    rate: Option<f64>,
    burst: f64,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// May go negative: each caller reserves its token and then waits for it (no thundering herd).
    tokens: f64,
    last: Instant,
    /// Set after a 429 so every task pauses, not only the one that was refused.
    paused_until: Option<Instant>,
}

impl RateLimiter {
    pub(crate) fn new(per_minute: u32, burst: u32, clock: Arc<dyn Clock>) -> Self {
        let burst = f64::from(burst.max(1));
        let now = clock.now();
        RateLimiter {
            rate: (per_minute > 0).then(|| f64::from(per_minute) / 60.0),
            burst,
            clock,
            state: Mutex::new(State {
                tokens: burst,
                last: now,
                paused_until: None,
            }),
        }
    }

    /// How long the caller must wait before sending; the token is already taken.
    fn reserve(&self) -> Duration {
        let now = self.clock.now();
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        if let Some(until) = st.paused_until {
            if until > now {
                wait = until - now;
            } else {
                st.paused_until = None;
            }
        }
        let Some(rate) = self.rate else {
            return wait;
        };
        let elapsed = now.saturating_duration_since(st.last).as_secs_f64();
        st.last = now;
        st.tokens = (st.tokens + elapsed * rate).min(self.burst);
        st.tokens -= 1.0;
        if st.tokens < 0.0 {
            let need = Duration::from_secs_f64(-st.tokens / rate);
            wait = wait.max(need);
        }
        wait
    }

    /// Waits (through the clock) until a request may be sent.
    pub(crate) async fn acquire(&self) {
        let wait = self.reserve();
        if !wait.is_zero() {
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "client rate limiter wait"
            );
            self.clock.sleep(wait).await;
        }
    }

    /// After a 429: hold every request until `d` from now.
    pub(crate) fn pause_for(&self, d: Duration) {
        let until = self.clock.now() + d;
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.paused_until = Some(st.paused_until.map_or(until, |u| u.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::super::clock::ManualClock;
    use super::*;

    #[tokio::test]
    async fn burst_then_steady_rate() {
        let clock = Arc::new(ManualClock::new());
        let l = RateLimiter::new(60, 3, clock.clone());
        for _ in 0..6 {
            l.acquire().await;
        }
        // 3 free (burst), then one per second.
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(1); 3]);
    }

    #[tokio::test]
    async fn refills_over_time() {
        let clock = Arc::new(ManualClock::new());
        let l = RateLimiter::new(120, 2, clock.clone());
        l.acquire().await;
        l.acquire().await;
        clock.advance(Duration::from_secs(1)); // 2 tokens back
        l.acquire().await;
        l.acquire().await;
        assert!(clock.sleeps().is_empty());
        l.acquire().await;
        assert_eq!(clock.sleeps(), vec![Duration::from_millis(500)]);
    }

    #[tokio::test]
    async fn unlimited_and_pause() {
        let clock = Arc::new(ManualClock::new());
        let l = RateLimiter::new(0, 1, clock.clone());
        for _ in 0..100 {
            l.acquire().await;
        }
        assert!(clock.sleeps().is_empty());
        l.pause_for(Duration::from_secs(5));
        l.acquire().await;
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(5)]);
        l.acquire().await;
        assert_eq!(clock.sleeps().len(), 1);
    }
}
