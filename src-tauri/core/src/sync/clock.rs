//! Wall-clock time for the engine and the scheduler, injectable so tests control it.

use chrono::{DateTime, Utc};
use std::sync::Mutex;

/// "What time is it" by the wall clock. The scheduler compares due times against this (not
/// against a monotonic timer) so a laptop that slept past the due time syncs when it wakes.
pub trait WallClock: Send + Sync + std::fmt::Debug + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemWallClock;

impl WallClock for SystemWallClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A wall clock that advances with tokio's clock: with `start_paused = true` tests, time moves
/// only when tokio's paused time does, so hours pass in milliseconds.
#[derive(Debug)]
pub struct TokioWallClock {
    base: DateTime<Utc>,
    start: tokio::time::Instant,
    /// Extra jumps (a laptop waking from sleep: wall time moved, tokio's didn't).
    jump: Mutex<chrono::Duration>,
}

impl TokioWallClock {
    pub fn new(base: DateTime<Utc>) -> Self {
        TokioWallClock {
            base,
            start: tokio::time::Instant::now(),
            jump: Mutex::new(chrono::Duration::zero()),
        }
    }

    /// Moves the wall clock forward without tokio time passing (simulated sleep of the machine).
    pub fn jump(&self, d: chrono::Duration) {
        *self.jump.lock().unwrap_or_else(|p| p.into_inner()) += d;
    }
}

impl WallClock for TokioWallClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = tokio::time::Instant::now().duration_since(self.start);
        let jump = *self.jump.lock().unwrap_or_else(|p| p.into_inner());
        self.base + chrono::Duration::from_std(elapsed).unwrap_or_default() + jump
    }
}

/// A wall clock that only moves when told to.
#[derive(Debug)]
pub struct ManualWallClock(Mutex<DateTime<Utc>>);

impl ManualWallClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualWallClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }

    pub fn advance(&self, d: chrono::Duration) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) += d;
    }
}

impl WallClock for ManualWallClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}
