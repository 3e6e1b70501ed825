//! One sync run (API.md §5.3): departments, locations, jobs (syncToken streams), then the full
//! posting list diffed against the cache with `jobPosting.info` only for new/changed postings.
//!
//! Each stream's pass is collected in memory and committed in one transaction together with its
//! new token (`Store::commit_*`), so a failure anywhere leaves the previous cache intact, and a
//! process killed mid-run loses only the pass in flight.

use super::clock::{SystemWallClock, WallClock};
use crate::ashby::{
    self, Client, DepartmentListParams, JobListParams, JobPostingListParams, JobStatus,
    LocationListParams,
};
use crate::error::ErrorCode;
use crate::store::{
    self, DepartmentRecord, HiringTeamRecord, JobRecord, LocationRecord, PassKind,
    PostingDescription, PostingRecord, RunFinish, RunResult, Store, Stream, StreamCounts,
    StreamOutcome, StreamRunSummary, Trigger,
};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use ts_rs::TS;

/// A full reconciling pass of every stream at least this often (catches deletions and
/// permission changes that incremental passes can't see).
pub const DEFAULT_FULL_RESYNC_INTERVAL: Duration = Duration::from_secs(24 * 3600);
/// Restarts of one pass after an expired/invalid cursor before giving up.
pub const DEFAULT_MAX_PASS_RESTARTS: u32 = 3;
/// Progress events at most every 100 ms (≤ 10 per second).
pub const DEFAULT_PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub full_resync_interval: Duration,
    pub max_pass_restarts: u32,
    /// `jobPosting.list`/`.info` board; `None` = Ashby's default external board.
    pub job_board_id: Option<String>,
    pub progress_interval: Duration,
    pub clock: Arc<dyn WallClock>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            full_resync_interval: DEFAULT_FULL_RESYNC_INTERVAL,
            max_pass_restarts: DEFAULT_MAX_PASS_RESTARTS,
            job_board_id: None,
            progress_interval: DEFAULT_PROGRESS_INTERVAL,
            clock: Arc::new(SystemWallClock),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SyncStage {
    Starting,
    /// Downloading a list (page by page).
    Listing,
    /// Downloading posting descriptions.
    Descriptions,
    /// Writing a stream's pass to the cache.
    Saving,
}

/// A progress event (throttled by the engine to at most one per `progress_interval`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub stage: SyncStage,
    pub stream: Option<Stream>,
    /// Page of the current list (1-based; 0 when not paging).
    pub page: u32,
    /// Items of the current stream handled so far.
    pub items: u32,
    /// Items expected, when known (descriptions).
    pub total: Option<u32>,
}

/// Receives progress events. Implemented for any `Fn(&SyncProgress)`.
pub trait ProgressSink: Send + Sync {
    fn report(&self, progress: &SyncProgress);
}

impl<F: Fn(&SyncProgress) + Send + Sync> ProgressSink for F {
    fn report(&self, progress: &SyncProgress) {
        self(progress)
    }
}

/// Ignores progress.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn report(&self, _: &SyncProgress) {}
}

/// What a run did; also the completion event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncSummary {
    /// The history row (`None` if the run could not even be recorded or started).
    pub run_id: Option<i64>,
    pub trigger: Trigger,
    pub result: RunResult,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub streams: Vec<StreamRunSummary>,
    /// HTTP requests made (retries included).
    pub requests: u32,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    /// Modules the key lacks read access to (streams skipped; result `partial`).
    pub missing_modules: Vec<ashby::Module>,
    /// No key, or Ashby rejected it: the UI must ask for a key; automatic syncs pause.
    pub needs_key: bool,
}

impl SyncSummary {
    /// A run that could not start (no key, keychain error, cache error).
    pub fn not_started(
        trigger: Trigger,
        at: DateTime<Utc>,
        code: ErrorCode,
        message: String,
        needs_key: bool,
    ) -> SyncSummary {
        SyncSummary {
            run_id: None,
            trigger,
            result: RunResult::Failed,
            started_at: at,
            finished_at: at,
            streams: Vec::new(),
            requests: 0,
            error_code: Some(code),
            error_message: Some(message),
            missing_modules: Vec::new(),
            needs_key,
        }
    }

    pub fn counts(&self, stream: Stream) -> StreamCounts {
        self.streams
            .iter()
            .find(|s| s.stream == stream)
            .map(|s| s.counts)
            .unwrap_or_default()
    }

    /// One line for the CLI and the log, e.g.
    /// `sync ok in 1.2s: jobs +3 ~1 -0, postings +2 ~0 -1, … (57 requests)`.
    pub fn one_line(&self) -> String {
        let secs = (self.finished_at - self.started_at).num_milliseconds() as f64 / 1000.0;
        let streams: Vec<String> = self
            .streams
            .iter()
            .map(|s| {
                let c = s.counts;
                let tag = match s.outcome {
                    StreamOutcome::Ok if s.full => " (full)".to_string(),
                    StreamOutcome::Ok => String::new(),
                    other => format!(" ({other})"),
                };
                format!(
                    "{} +{} ~{} -{}{}",
                    s.stream.as_str(),
                    c.inserted,
                    c.updated,
                    c.removed,
                    tag
                )
            })
            .collect();
        let mut line = format!("sync {} in {secs:.1}s", self.result.as_str());
        if !streams.is_empty() {
            line.push_str(": ");
            line.push_str(&streams.join(", "));
        }
        line.push_str(&format!(" ({} requests)", self.requests));
        if let Some(code) = &self.error_code {
            line.push_str(&format!(" — {code}"));
            if let Some(msg) = &self.error_message {
                line.push_str(&format!(": {msg}"));
            }
        }
        line
    }
}

/// Drops progress events that come sooner than `interval` after the previous one.
struct Throttle<'a> {
    sink: &'a dyn ProgressSink,
    interval: Duration,
    last: Mutex<Option<tokio::time::Instant>>,
}

impl<'a> Throttle<'a> {
    fn new(sink: &'a dyn ProgressSink, interval: Duration) -> Self {
        Throttle {
            sink,
            interval,
            last: Mutex::new(None),
        }
    }

    fn emit(
        &self,
        stage: SyncStage,
        stream: Option<Stream>,
        page: u32,
        items: usize,
        total: Option<usize>,
    ) {
        let now = tokio::time::Instant::now();
        {
            let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            if last.is_some_and(|l| now.duration_since(l) < self.interval) {
                return;
            }
            *last = Some(now);
        }
        self.sink.report(&SyncProgress {
            stage,
            stream,
            page,
            items: items as u32,
            total: total.map(|t| t as u32),
        });
    }
}

enum StreamFailure {
    Api(ashby::Error),
    Store(store::Error),
}

impl From<ashby::Error> for StreamFailure {
    fn from(e: ashby::Error) -> Self {
        StreamFailure::Api(e)
    }
}

impl From<store::Error> for StreamFailure {
    fn from(e: store::Error) -> Self {
        StreamFailure::Store(e)
    }
}

/// Closes the history row as interrupted if the run's future is dropped (app quitting mid-sync).
struct RunGuard {
    store: Store,
    run_id: i64,
    clock: Arc<dyn WallClock>,
    armed: bool,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        if self.armed {
            if let Err(e) = self
                .store
                .mark_run_interrupted(self.run_id, self.clock.now())
            {
                tracing::warn!("could not record the interrupted sync: {e}");
            }
        }
    }
}

/// Runs syncs of one store with one client.
#[derive(Debug, Clone)]
pub struct Engine {
    client: Client,
    store: Store,
    cfg: EngineConfig,
}

/// Runs one sync with default settings.
pub async fn sync_once(
    client: &Client,
    store: &Store,
    trigger: Trigger,
    force_full: bool,
) -> SyncSummary {
    Engine::new(client.clone(), store.clone())
        .run(trigger, force_full, &NoProgress)
        .await
}

impl Engine {
    pub fn new(client: Client, store: Store) -> Engine {
        Engine::with_config(client, store, EngineConfig::default())
    }

    pub fn with_config(client: Client, store: Store, cfg: EngineConfig) -> Engine {
        Engine { client, store, cfg }
    }

    /// Wall-clock time at the cache's precision (ms), so summaries equal what history reads back.
    fn now(&self) -> DateTime<Utc> {
        use chrono::SubsecRound;
        self.cfg.clock.now().trunc_subsecs(3)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// One complete run. Never panics on Ashby or cache problems: everything ends up in the
    /// summary (and in the history table when the cache is writable).
    pub async fn run(
        &self,
        trigger: Trigger,
        force_full: bool,
        progress: &dyn ProgressSink,
    ) -> SyncSummary {
        let clock = self.cfg.clock.clone();
        let started_at = self.now();
        let requests_before = self.client.request_count();
        let throttle = Throttle::new(progress, self.cfg.progress_interval);
        throttle.emit(SyncStage::Starting, None, 0, 0, None);

        let run_id = match self
            .blocking(move |s| s.begin_run(trigger, force_full, started_at))
            .await
        {
            Ok(id) => id,
            Err(e) => {
                tracing::error!("sync could not start: {e}");
                return SyncSummary::not_started(
                    trigger,
                    started_at,
                    e.code(),
                    e.to_string(),
                    false,
                );
            }
        };
        let mut guard = RunGuard {
            store: self.store.clone(),
            run_id,
            clock: clock.clone(),
            armed: true,
        };
        tracing::info!(
            run_id,
            trigger = trigger.as_str(),
            force_full,
            "sync started"
        );

        let states = match self.blocking(|s| s.stream_states()).await {
            Ok(s) => s,
            Err(e) => {
                let summary = self
                    .finish(
                        run_id,
                        trigger,
                        started_at,
                        requests_before,
                        Vec::new(),
                        Vec::new(),
                        Some((e.code(), e.to_string())),
                        false,
                    )
                    .await;
                guard.armed = false;
                return summary;
            }
        };

        let mut streams = Vec::new();
        let mut missing: Vec<ashby::Module> = Vec::new();
        let mut failure: Option<(ErrorCode, String)> = None;
        let mut needs_key = false;
        for stream in Stream::ALL {
            if failure.is_some() {
                streams.push(StreamRunSummary {
                    stream,
                    full: false,
                    counts: StreamCounts::default(),
                    outcome: StreamOutcome::NotRun,
                    error_code: None,
                });
                continue;
            }
            let state = states.get(&stream).cloned().unwrap_or_default();
            let stale = state.last_full_sync_at.is_none_or(|t| {
                chrono::Duration::from_std(self.cfg.full_resync_interval)
                    .map(|iv| started_at - t >= iv)
                    .unwrap_or(true)
            });
            let full = force_full || stale || state.sync_token.is_none();
            let token = state.sync_token.clone();
            let res = match stream {
                Stream::Departments => self.sync_departments(full, token, &throttle).await,
                Stream::Locations => self.sync_locations(full, token, &throttle).await,
                Stream::Jobs => self.sync_jobs(full, token, &throttle).await,
                Stream::Postings => self.sync_postings(force_full, &throttle).await,
            };
            match res {
                Ok((counts, full_used)) => {
                    tracing::info!(
                        stream = stream.as_str(),
                        full = full_used,
                        ?counts,
                        "stream synced"
                    );
                    streams.push(StreamRunSummary {
                        stream,
                        full: full_used,
                        counts,
                        outcome: StreamOutcome::Ok,
                        error_code: None,
                    });
                }
                Err(StreamFailure::Api(e)) if e.is_permission() => {
                    let module = match &e {
                        ashby::Error::MissingPermission {
                            module: Some(m), ..
                        } => *m,
                        _ => stream.module(),
                    };
                    tracing::warn!(
                        stream = stream.as_str(),
                        module = module.label(),
                        "stream skipped: permission missing"
                    );
                    if !missing.contains(&module) {
                        missing.push(module);
                    }
                    let now = self.now();
                    let code = e.code();
                    if let Err(se) = self
                        .blocking(move |s| s.record_stream_error(stream, code, now))
                        .await
                    {
                        tracing::warn!("could not record stream error: {se}");
                    }
                    streams.push(StreamRunSummary {
                        stream,
                        full: false,
                        counts: StreamCounts::default(),
                        outcome: StreamOutcome::Skipped,
                        error_code: Some(code),
                    });
                }
                Err(StreamFailure::Api(e)) => {
                    let code = e.code();
                    tracing::warn!(stream = stream.as_str(), code = %code, "stream failed: {e}");
                    let now = self.now();
                    if e.is_auth() {
                        needs_key = true;
                        if let Err(se) = self.blocking(move |s| s.mark_key_invalid(code, now)).await
                        {
                            tracing::warn!("could not record the invalid key: {se}");
                        }
                    } else if let Err(se) = self
                        .blocking(move |s| s.record_stream_error(stream, code, now))
                        .await
                    {
                        tracing::warn!("could not record stream error: {se}");
                    }
                    failure = Some((code, e.to_string()));
                    streams.push(StreamRunSummary {
                        stream,
                        full,
                        counts: StreamCounts::default(),
                        outcome: StreamOutcome::Failed,
                        error_code: Some(code),
                    });
                }
                Err(StreamFailure::Store(e)) => {
                    tracing::error!(stream = stream.as_str(), "cache write failed: {e}");
                    failure = Some((e.code(), e.to_string()));
                    streams.push(StreamRunSummary {
                        stream,
                        full,
                        counts: StreamCounts::default(),
                        outcome: StreamOutcome::Failed,
                        error_code: Some(e.code()),
                    });
                }
            }
        }
        let summary = self
            .finish(
                run_id,
                trigger,
                started_at,
                requests_before,
                streams,
                missing,
                failure,
                needs_key,
            )
            .await;
        guard.armed = false;
        summary
    }

    #[allow(clippy::too_many_arguments)]
    async fn finish(
        &self,
        run_id: i64,
        trigger: Trigger,
        started_at: DateTime<Utc>,
        requests_before: u64,
        streams: Vec<StreamRunSummary>,
        missing: Vec<ashby::Module>,
        failure: Option<(ErrorCode, String)>,
        needs_key: bool,
    ) -> SyncSummary {
        let finished_at = self.now();
        let requests = self.client.request_count().saturating_sub(requests_before) as u32;
        let (result, error_code, error_message) = match failure {
            Some((code, message)) => (RunResult::Failed, Some(code), Some(message)),
            None if !missing.is_empty() => {
                let labels: Vec<&str> = missing.iter().map(|m| m.label()).collect();
                let message = format!(
                    "The API key lacks read access to {}, so some data was not updated. In Ashby → \
                     Admin → API Keys, tick Read for {} on this key, save, then verify the key again.",
                    labels.join(" and "),
                    labels.join(" and ")
                );
                (
                    RunResult::Partial,
                    Some(ErrorCode::MissingPermission),
                    Some(message),
                )
            }
            None => (RunResult::Ok, None, None),
        };
        let summary = SyncSummary {
            run_id: Some(run_id),
            trigger,
            result,
            started_at,
            finished_at,
            streams,
            requests,
            error_code,
            error_message,
            missing_modules: missing,
            needs_key,
        };
        let record = RunFinish {
            finished_at,
            result,
            streams: summary.streams.clone(),
            requests,
            error_code: summary.error_code,
            error_message: summary.error_message.clone(),
        };
        let key_works = result != RunResult::Failed;
        if let Err(e) = self
            .blocking(move |s| {
                s.finish_run(run_id, &record)?;
                // Ashby accepted the key this run: drop a stale "key invalid" mark.
                if key_works {
                    s.clear_key_invalid()?;
                }
                Ok(())
            })
            .await
        {
            tracing::warn!("could not record the sync result: {e}");
        }
        tracing::info!("{}", summary.one_line());
        summary
    }

    /// Runs a store call on the blocking pool (big transactions must not stall the runtime).
    async fn blocking<T, F>(&self, f: F) -> store::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> store::Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| store::Error::Task(e.to_string()))?
    }

    /// Runs a list pass with the recovery rules: token errors → drop the token and redo as a
    /// full pass; cursor errors → restart the pass (bounded).
    async fn list_pass<R, F, Fut>(
        &self,
        stream: Stream,
        full: bool,
        token: Option<String>,
        mut fetch: F,
    ) -> Result<(Vec<R>, Option<String>, PassKind), ashby::Error>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<(Vec<R>, Option<String>), ashby::Error>>,
    {
        let mut token = if full { None } else { token };
        let mut full = token.is_none();
        let mut restarts = 0;
        loop {
            match fetch(token.clone()).await {
                Ok((rows, new_token)) => {
                    let kind = if full {
                        PassKind::Full
                    } else {
                        PassKind::Incremental
                    };
                    return Ok((rows, new_token, kind));
                }
                Err(e) if e.needs_full_resync() && !full => {
                    tracing::info!(
                        stream = stream.as_str(),
                        code = %e.code(),
                        "dropping the sync token; full pass"
                    );
                    full = true;
                    token = None;
                }
                Err(e) if e.needs_pass_restart() && restarts < self.cfg.max_pass_restarts => {
                    restarts += 1;
                    tracing::info!(
                        stream = stream.as_str(),
                        code = %e.code(),
                        restarts,
                        "restarting the pass"
                    );
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn sync_departments(
        &self,
        full: bool,
        token: Option<String>,
        t: &Throttle<'_>,
    ) -> Result<(StreamCounts, bool), StreamFailure> {
        let stream = Stream::Departments;
        let (rows, new_token, kind) = self
            .list_pass(stream, full, token, |sync_token| {
                let client = self.client.clone();
                async move {
                    let mut rows = Vec::new();
                    let params = DepartmentListParams {
                        include_archived: true,
                        sync_token,
                    };
                    let out = client
                        .list_departments(&params, |page, info| {
                            rows.extend(page.into_iter().map(department_record));
                            t.emit(
                                SyncStage::Listing,
                                Some(stream),
                                info.page,
                                info.rows_so_far,
                                None,
                            );
                            Ok::<(), ashby::Error>(())
                        })
                        .await?;
                    Ok((rows, out.sync_token))
                }
            })
            .await?;
        t.emit(SyncStage::Saving, Some(stream), 0, rows.len(), None);
        let now = self.now();
        let counts = self
            .blocking(move |s| s.commit_departments(&rows, kind, new_token.as_deref(), now))
            .await?;
        Ok((counts, kind == PassKind::Full))
    }

    async fn sync_locations(
        &self,
        full: bool,
        token: Option<String>,
        t: &Throttle<'_>,
    ) -> Result<(StreamCounts, bool), StreamFailure> {
        let stream = Stream::Locations;
        let (rows, new_token, kind) = self
            .list_pass(stream, full, token, |sync_token| {
                let client = self.client.clone();
                async move {
                    let mut rows = Vec::new();
                    let params = LocationListParams {
                        include_archived: true,
                        include_location_hierarchy: true,
                        sync_token,
                    };
                    let out = client
                        .list_locations(&params, |page, info| {
                            rows.extend(page.into_iter().map(location_record));
                            t.emit(
                                SyncStage::Listing,
                                Some(stream),
                                info.page,
                                info.rows_so_far,
                                None,
                            );
                            Ok::<(), ashby::Error>(())
                        })
                        .await?;
                    Ok((rows, out.sync_token))
                }
            })
            .await?;
        t.emit(SyncStage::Saving, Some(stream), 0, rows.len(), None);
        let now = self.now();
        let counts = self
            .blocking(move |s| s.commit_locations(&rows, kind, new_token.as_deref(), now))
            .await?;
        Ok((counts, kind == PassKind::Full))
    }

    async fn sync_jobs(
        &self,
        full: bool,
        token: Option<String>,
        t: &Throttle<'_>,
    ) -> Result<(StreamCounts, bool), StreamFailure> {
        let stream = Stream::Jobs;
        let (rows, new_token, kind) = self
            .list_pass(stream, full, token, |sync_token| {
                let client = self.client.clone();
                async move {
                    let mut rows = Vec::new();
                    // One fixed parameter set for every pass (API.md §5.2: never change it while
                    // holding a token): every status, drafts included, unpublished posting ids.
                    let params = JobListParams {
                        status: JobStatus::KNOWN.to_vec(),
                        include_unpublished_job_postings_ids: true,
                        sync_token,
                        ..Default::default()
                    };
                    let out = client
                        .list_jobs(&params, |page, info| {
                            rows.extend(page.into_iter().map(job_record));
                            t.emit(
                                SyncStage::Listing,
                                Some(stream),
                                info.page,
                                info.rows_so_far,
                                None,
                            );
                            Ok::<(), ashby::Error>(())
                        })
                        .await?;
                    Ok((rows, out.sync_token))
                }
            })
            .await?;
        t.emit(SyncStage::Saving, Some(stream), 0, rows.len(), None);
        let now = self.now();
        let counts = self
            .blocking(move |s| s.commit_jobs(&rows, kind, new_token.as_deref(), now))
            .await?;
        Ok((counts, kind == PassKind::Full))
    }

    /// The posting list is complete every run (no syncToken): diff it, fetch descriptions only
    /// for new postings and those whose `updatedAt` moved (all of them when `refetch_all`).
    async fn sync_postings(
        &self,
        refetch_all: bool,
        t: &Throttle<'_>,
    ) -> Result<(StreamCounts, bool), StreamFailure> {
        let stream = Stream::Postings;
        t.emit(SyncStage::Listing, Some(stream), 1, 0, None);
        let params = JobPostingListParams {
            job_board_id: self.cfg.job_board_id.clone(),
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let list = self.client.list_job_postings(&params).await?;
        let fetched = started.elapsed();
        // The last occurrence wins if Ashby ever lists a posting twice.
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut rows: Vec<PostingRecord> = Vec::with_capacity(list.len());
        for p in list.into_iter().map(posting_record) {
            match by_id.get(&p.id) {
                Some(&i) => rows[i] = p,
                None => {
                    by_id.insert(p.id.clone(), rows.len());
                    rows.push(p);
                }
            }
        }
        let state = self.blocking(|s| s.posting_description_state()).await?;
        let list_updated: HashMap<String, String> = rows
            .iter()
            .map(|p| (p.id.clone(), p.updated_at.clone()))
            .collect();
        let need: Vec<String> = rows
            .iter()
            .filter(|p| {
                refetch_all
                    || match state.get(&p.id) {
                        Some(Some(fetched_for)) => *fetched_for != p.updated_at,
                        _ => true,
                    }
            })
            .map(|p| p.id.clone())
            .collect();
        let total = need.len();
        let mut descriptions: HashMap<String, PostingDescription> = HashMap::with_capacity(total);
        let mut gone: HashSet<String> = HashSet::new();
        let mut infos = self
            .client
            .job_posting_info_stream(need, self.cfg.job_board_id.clone());
        let mut done = 0usize;
        while let Some((id, res)) = infos.next().await {
            match res {
                Ok(info) => {
                    let updated_at = info
                        .updated_at
                        .or_else(|| list_updated.get(&id).cloned())
                        .unwrap_or_default();
                    descriptions.insert(
                        id,
                        PostingDescription {
                            description_html: info.description_html.unwrap_or_default(),
                            description_plain: info.description_plain.unwrap_or_default(),
                            updated_at,
                        },
                    );
                }
                // Deleted between the list and the info call: treat as gone.
                Err(ashby::Error::NotFound { .. }) => {
                    gone.insert(id);
                }
                // Dropping `infos` cancels the calls still in flight.
                Err(e) => return Err(e.into()),
            }
            done += 1;
            t.emit(SyncStage::Descriptions, Some(stream), 0, done, Some(total));
        }
        drop(infos);
        rows.retain(|p| !gone.contains(&p.id));
        t.emit(SyncStage::Saving, Some(stream), 0, rows.len(), None);
        let now = self.now();
        let before_commit = started.elapsed();
        let listed = rows.len();
        let counts = self
            .blocking(move |s| s.commit_postings(&rows, &descriptions, now))
            .await?;
        tracing::debug!(
            listed,
            described = total,
            fetch_and_parse_ms = fetched.as_millis() as u64,
            diff_and_descriptions_ms = (before_commit - fetched).as_millis() as u64,
            commit_ms = (started.elapsed() - before_commit).as_millis() as u64,
            "posting list synced"
        );
        Ok((counts, true))
    }
}

fn department_record(d: ashby::Department) -> DepartmentRecord {
    DepartmentRecord {
        id: d.id,
        name: d.name,
        external_name: d.external_name,
        parent_id: d.parent_id,
        is_archived: d.is_archived,
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}

fn location_record(l: ashby::Location) -> LocationRecord {
    LocationRecord {
        id: l.id,
        name: l.name,
        external_name: l.external_name,
        parent_location_id: l.parent_location_id,
        location_type: l.location_type,
        workplace_type: l.workplace_type,
        is_archived: l.is_archived,
        is_remote: l.is_remote,
        address_json: l
            .address
            .and_then(|a| a.postal_address)
            .and_then(|p| serde_json::to_string(&p).ok()),
    }
}

fn job_record(j: ashby::Job) -> JobRecord {
    JobRecord {
        id: j.id,
        title: j.title,
        status: j.status.unwrap_or_default(),
        employment_type: j.employment_type,
        confidential: j.confidential,
        department_id: j.department_id,
        location_id: j.location_id,
        custom_requisition_id: j.custom_requisition_id,
        created_at: j.created_at,
        updated_at: j.updated_at.unwrap_or_default(),
        opened_at: j.opened_at,
        closed_at: j.closed_at,
        job_posting_ids: j.job_posting_ids,
        hiring_team: j
            .hiring_team
            .into_iter()
            .map(|m| HiringTeamRecord {
                user_id: m.user_id,
                first_name: m.first_name.unwrap_or_default(),
                last_name: m.last_name.unwrap_or_default(),
                email: m.email,
                role: m.role.unwrap_or_default(),
            })
            .collect(),
    }
}

fn posting_record(p: ashby::JobPosting) -> PostingRecord {
    let (primary, secondary) = match p.location_ids {
        Some(ids) => (ids.primary_location_id, ids.secondary_location_ids),
        None => (None, Vec::new()),
    };
    PostingRecord {
        id: p.id,
        job_id: p.job_id.unwrap_or_default(),
        title: p.title,
        department_name: p.department_name,
        team_name: p.team_name,
        location_name: p.location_name,
        primary_location_id: primary,
        secondary_location_ids: secondary,
        workplace_type: p.workplace_type,
        employment_type: p.employment_type,
        is_listed: p.is_listed,
        published_date: p.published_date,
        application_deadline: p.application_deadline,
        external_link: p.external_link,
        apply_link: p.apply_link,
        compensation_tier_summary: p.compensation_tier_summary,
        should_display_compensation: p.should_display_compensation_on_job_board.unwrap_or(false),
        updated_at: p.updated_at.unwrap_or_default(),
    }
}
