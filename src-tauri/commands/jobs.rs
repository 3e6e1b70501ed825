//! Commands of the jobs browser: list, detail, facets, history, status, Sync now, the saved view.
//! Thin adapters from IPC to the store (and, once it lands, the sync scheduler). No logic lives
//! here beyond running the blocking SQLite reads off the IPC thread.

use super::read;
use crate::__ipc_command as command;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;
use crate::store::{
    CacheStatus, Facets, JobDetail, JobPage, JobQuery, RunResult, SyncRunRecord, Trigger, ViewState,
};
use crate::sync::SchedulerState;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// The most history rows the UI may ask for at once.
const MAX_HISTORY: u32 = 500;

command! {
    pub async fn list_jobs(state: State<'_, AppState>, query: JobQuery) -> AppResult<JobPage> {
        let page = read(&state, move |s| s.list_jobs(&query)).await;
        super::mark_ready();
        page
    }
}

command! {
    /// `None` when the job is no longer in the cache (removed by a sync since the list was shown).
    pub async fn job_detail(state: State<'_, AppState>, id: String) -> AppResult<Option<JobDetail>> {
        read(&state, move |s| s.job_detail(&id)).await
    }
}

command! {
    /// Filter values with counts for the given statuses (empty = Open).
    pub async fn facets(
        state: State<'_, AppState>,
        statuses: Vec<crate::ashby::JobStatus>,
    ) -> AppResult<Facets> {
        read(&state, move |s| s.facets(&statuses)).await
    }
}

command! {
    /// Faceted filter counts for the list's query: each filter counted under the search and
    /// the other filters.
    pub async fn job_facets(state: State<'_, AppState>, query: JobQuery) -> AppResult<Facets> {
        read(&state, move |s| s.job_facets(&query)).await
    }
}

command! {
    /// Whether job `id` is in the results of `query` (the open job may have dropped out).
    pub async fn job_in_results(
        state: State<'_, AppState>,
        query: JobQuery,
        id: String,
    ) -> AppResult<bool> {
        read(&state, move |s| s.job_in_results(&query, &id)).await
    }
}

command! {
    /// Where the coordinator was on the jobs screen (restored at start).
    pub async fn view_state(state: State<'_, AppState>) -> AppResult<ViewState> {
        read(&state, |s| s.view_state()).await
    }
}

command! {
    pub async fn set_view_state(state: State<'_, AppState>, view: ViewState) -> AppResult<()> {
        read(&state, move |s| s.set_view_state(&view)).await
    }
}

command! {
    /// The newest `limit` sync runs, newest first.
    pub async fn sync_history(state: State<'_, AppState>, limit: u32) -> AppResult<Vec<SyncRunRecord>> {
        let limit = limit.clamp(1, MAX_HISTORY);
        read(&state, move |s| s.sync_history(limit)).await
    }
}

/// What the status bar shows: the cache's state plus the scheduler's.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub cache: CacheStatus,
    /// The trigger of the sync running now, if any.
    pub running: Option<Trigger>,
    /// When the scheduler will sync next (`None` while running, paused or not scheduling).
    pub next_sync_at: Option<DateTime<Utc>>,
    /// Automatic syncs wait for a new key.
    pub paused_for_key: bool,
    /// The last attempt found another Ashby Sync window or process syncing this cache.
    pub busy_elsewhere: bool,
    /// The keychain is locked (or its unlock prompt went unanswered): syncing waits for
    /// "Unlock and retry" (Sync now).
    pub keychain_locked: bool,
    /// Whether Ashby answered the last attempt (`None` until something was tried).
    pub online: Option<bool>,
    /// Automatic syncs are paused by the user's choice (Settings → Sync interval).
    pub sync_paused: bool,
}

/// Combines the cache's status with the scheduler's state (if it runs). The scheduler's last
/// summary is fresher than the cache's last run: it covers runs that could not even be recorded.
pub fn sync_status_from(cache: CacheStatus, sched: Option<&SchedulerState>) -> SyncStatus {
    let last_code = match sched.and_then(|s| s.last_summary.as_ref()) {
        Some(summary) => Some((summary.result, summary.error_code)),
        None => cache
            .last_run
            .as_ref()
            .and_then(|r| r.result.map(|res| (res, r.error_code))),
    };
    let from_runs = last_code.map(|(result, code)| {
        result != RunResult::Failed || !code.is_some_and(ErrorCode::is_offline)
    });
    // The scheduler's answer also counts its reachability checks: fresher than the last run.
    let online = sched.and_then(|s| s.online).or(from_runs);
    SyncStatus {
        running: sched.and_then(|s| s.running),
        next_sync_at: sched.and_then(|s| s.next_run_at),
        paused_for_key: sched.is_some_and(|s| s.paused_for_key) || cache.key_invalid.is_some(),
        busy_elsewhere: sched.is_some_and(|s| s.busy_elsewhere),
        keychain_locked: sched.is_some_and(|s| s.keychain_locked),
        online,
        sync_paused: sched.is_some_and(|s| s.interval_secs.is_none()),
        cache,
    }
}

command! {
    pub async fn sync_status(state: State<'_, AppState>) -> AppResult<SyncStatus> {
        let cache = read(&state, |s| s.status()).await?;
        let sched = state.scheduler.get().map(|s| s.state());
        Ok(sync_status_from(cache, sched.as_ref()))
    }
}

command! {
    /// Starts a sync now (single-flight: joins the running one). Progress arrives as
    /// `sync://progress` events and the end as `sync://finished`.
    pub async fn sync_now(state: State<'_, AppState>) -> AppResult<()> {
        let sched = state.scheduler.get().ok_or_else(|| {
            AppError::new(
                ErrorCode::SyncUnavailable,
                "Syncing hasn't started yet. Restart the app and try again.",
            )
        })?;
        sched.request_sync(false);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{CacheCounts, KeyInvalid};
    use crate::sync::SyncSummary;

    fn cache(last: Option<(RunResult, Option<ErrorCode>)>) -> CacheStatus {
        CacheStatus {
            counts: CacheCounts::default(),
            last_run: last.map(|(result, code)| SyncRunRecord {
                id: 1,
                started_at: Utc::now(),
                finished_at: Some(Utc::now()),
                trigger: Trigger::Schedule,
                full: false,
                result: Some(result),
                streams: vec![],
                requests: 1,
                error_code: code,
                error_message: None,
                open_jobs: None,
                listed_postings: None,
            }),
            last_success_at: None,
            last_full_sync_at: None,
            consecutive_failures: 0,
            key_invalid: None,
        }
    }

    fn sched(summary: Option<(RunResult, Option<ErrorCode>)>) -> SchedulerState {
        SchedulerState {
            running: Some(Trigger::Manual),
            next_run_at: None,
            paused_for_key: false,
            busy_elsewhere: false,
            keychain_locked: false,
            consecutive_failures: 0,
            last_success_at: None,
            last_summary: summary.map(|(result, code)| SyncSummary {
                run_id: Some(2),
                trigger: Trigger::Manual,
                result,
                started_at: Utc::now(),
                finished_at: Utc::now(),
                streams: vec![],
                requests: 1,
                error_code: code,
                error_message: None,
                missing_modules: vec![],
                needs_key: false,
            }),
            online: None,
            interval_secs: Some(3600),
        }
    }

    #[test]
    fn a_reachability_check_is_fresher_than_the_last_run() {
        let mut st = sched(Some((RunResult::Failed, Some(ErrorCode::Network))));
        assert_eq!(sync_status_from(cache(None), Some(&st)).online, Some(false));
        st.online = Some(true);
        assert_eq!(sync_status_from(cache(None), Some(&st)).online, Some(true));
        assert!(!sync_status_from(cache(None), Some(&st)).sync_paused);
        st.interval_secs = None;
        assert!(sync_status_from(cache(None), Some(&st)).sync_paused);
    }

    #[test]
    fn online_is_unknown_until_something_ran() {
        assert_eq!(sync_status_from(cache(None), None).online, None);
    }

    #[test]
    fn a_network_failure_means_offline_other_failures_do_not() {
        let s = sync_status_from(
            cache(Some((RunResult::Failed, Some(ErrorCode::Network)))),
            None,
        );
        assert_eq!(s.online, Some(false));
        let s = sync_status_from(
            cache(Some((RunResult::Failed, Some(ErrorCode::Timeout)))),
            None,
        );
        assert_eq!(s.online, Some(false));
        let s = sync_status_from(
            cache(Some((RunResult::Failed, Some(ErrorCode::InvalidKey)))),
            None,
        );
        assert_eq!(s.online, Some(true));
        let s = sync_status_from(cache(Some((RunResult::Partial, None))), None);
        assert_eq!(s.online, Some(true));
    }

    #[test]
    fn the_schedulers_last_summary_wins_over_the_cache() {
        let c = cache(Some((RunResult::Ok, None)));
        let st = sched(Some((RunResult::Failed, Some(ErrorCode::Network))));
        let s = sync_status_from(c, Some(&st));
        assert_eq!(s.online, Some(false));
        assert_eq!(s.running, Some(Trigger::Manual));
    }

    #[test]
    fn an_invalid_key_pauses() {
        let mut c = cache(None);
        c.key_invalid = Some(KeyInvalid {
            code: ErrorCode::InvalidKey,
            at: Utc::now(),
        });
        assert!(sync_status_from(c, None).paused_for_key);
    }
}
