//! The sync engine (one run: Ashby → SQLite) and the scheduler (every [`DEFAULT_INTERVAL`]). Plain Rust,
//! no Tauri types: the app adapts [`SchedulerEvents`] to window events, the CLI and the tests
//! drive [`Engine`] directly.

mod changes;
mod clock;
mod engine;
mod estimate;
mod lock;
mod plan;
mod scheduler;
mod streams;

pub use clock::{ManualWallClock, SystemWallClock, TokioWallClock, WallClock};
pub use engine::{
    eta_words, sync_once, Engine, EngineConfig, NoProgress, ProgressSink, SyncProgress, SyncStage,
    SyncSummary, DEFAULT_BOARD_FRESH_MARGIN, DEFAULT_BOARD_MIN_MATCH, DEFAULT_BOARD_MIN_POSTINGS,
    DEFAULT_DESCRIPTION_BATCH, DEFAULT_FULL_RESYNC_INTERVAL, DEFAULT_MAX_FAILURES_IN_A_ROW,
    DEFAULT_MAX_PASS_RESTARTS, DEFAULT_PROGRESS_INTERVAL, FIRST_SYNC_NOTE,
};
pub use estimate::{estimate_first_sync, estimate_for, EstimateInput, FirstSyncEstimate};
pub use lock::{LockError, SyncLock, LOCK_SUFFIX};
pub use plan::key_worked;
pub use scheduler::{
    interval_every, interval_span, next_due, start as start_scheduler, ClientFactory, EngineRunner,
    NoEvents, SchedulerConfig, SchedulerError, SchedulerEvents, SchedulerHandle, SchedulerState,
    SyncInterval, SyncRunner, DEFAULT_BACKOFF, DEFAULT_BUSY_RETRY, DEFAULT_CHECK_EVERY,
    DEFAULT_INTERVAL, DEFAULT_JITTER, DEFAULT_PROBE_EVERY,
};
