//! Timestamps and the server clock.

use chrono::{DateTime, SecondsFormat, Utc};

/// ISO-8601 with milliseconds and `Z`, e.g. `2026-08-12T20:29:56.964Z`.
pub(crate) fn fmt_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_ms(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.timestamp_millis())
}

/// Wall-clock milliseconds that advance with tokio's clock, so tests with paused time can age
/// tokens and refill rate-limit buckets with `tokio::time::advance`.
#[derive(Debug)]
pub(crate) struct Clock {
    wall_start_ms: i64,
    start: tokio::time::Instant,
}

impl Clock {
    pub fn new() -> Self {
        Clock {
            wall_start_ms: Utc::now().timestamp_millis(),
            start: tokio::time::Instant::now(),
        }
    }
    pub fn now_ms(&self) -> i64 {
        self.wall_start_ms + self.start.elapsed().as_millis() as i64
    }
}
