//! The engine's hooks for change records: a run arms the store's recording when it starts and
//! disarms it when it ends (or is stopped). The recording itself happens in the store, in the
//! same transactions as the data (`store/changes.rs`).

use crate::store::{self, Store};
use chrono::{DateTime, Utc};

/// Prunes old records and starts recording this run's changes. A failure here costs the run
/// its change records, not its data: it is logged and the sync goes on.
pub(super) fn run_started(cache: &Store, run_id: i64, at: DateTime<Utc>) {
    if let Err(e) = cache.begin_change_recording(run_id, at) {
        tracing::warn!(run_id, "changes of this sync will not be recorded: {e}");
    }
}

/// Stops recording; a first sync gets its one summary line. A superseded run (the key changed)
/// records nothing more.
pub(super) fn run_ended(cache: &Store, run_id: i64) {
    match cache.end_change_recording(run_id) {
        Ok(()) | Err(store::Error::Superseded) => {}
        Err(e) => tracing::warn!(run_id, "could not close this sync's change records: {e}"),
    }
}
