//! Commands of the Changes view, a job's History and the history chart: reads of the change
//! records and run totals (offline, SQLite only), and the "seen up to" mark.

use super::read;
use crate::__ipc_command as command;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::{ChangeFeed, ChangeQuery, ChangeSummary, TrendPoint};
use tauri::State;

/// The longest chart window the UI may ask for.
const MAX_TREND_DAYS: u32 = 366;

command! {
    /// The newest changes first (filtered by kind or job), each run's summary, the unread count.
    pub async fn list_changes(state: State<'_, AppState>, query: ChangeQuery) -> AppResult<ChangeFeed> {
        read(&state, move |s| s.changes(&query)).await
    }
}

command! {
    /// What one run changed, counted by kind (what Sync now reports when it ends).
    pub async fn run_changes(state: State<'_, AppState>, run_id: i64) -> AppResult<ChangeSummary> {
        read(&state, move |s| s.changes_summary(run_id)).await
    }
}

command! {
    /// Changes not yet seen (the navigation's badge).
    pub async fn unread_changes(state: State<'_, AppState>) -> AppResult<u32> {
        read(&state, |s| s.unread_changes()).await
    }
}

command! {
    /// The user has seen the changes up to `upTo` (a change id).
    pub async fn mark_changes_seen(state: State<'_, AppState>, up_to: i64) -> AppResult<()> {
        read(&state, move |s| s.mark_changes_seen(up_to)).await
    }
}

command! {
    /// Open jobs and listed postings per day over the last `days` days, oldest first.
    pub async fn sync_trend(state: State<'_, AppState>, days: u32) -> AppResult<Vec<TrendPoint>> {
        let days = days.clamp(1, MAX_TREND_DAYS);
        let since = chrono::Utc::now() - chrono::Duration::days(days.into());
        read(&state, move |s| s.sync_trend(since)).await
    }
}
