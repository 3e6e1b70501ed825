//! One sync run: departments, locations, jobs (syncToken list streams, declared in
//! [`super::streams`]), then the full posting list diffed against the cache with
//! `jobPosting.info` only for new or changed postings. What to run and how errors end up is
//! decided by the pure pieces in [`super::plan`]; this module does the I/O.
//!
//! Each stream's pass is collected in memory and committed in one transaction together with its
//! new token (`Store::commit_list`, `Store::commit_postings`), so a failure anywhere leaves the
//! previous cache intact, and a process killed mid-run loses only the pass in flight.

use super::clock::{SystemWallClock, WallClock};
use super::lock::SyncLock;
use super::plan::{self, ErrorRecord, RunReport, StreamPlan};
use super::streams::{self, ListStream};
use crate::ashby::{self, Client, JobPostingListParams};
use crate::error::ErrorCode;
use crate::store::{
    self, PassKind, PostingDescription, RunFinish, RunResult, Store, Stream, StreamCounts,
    StreamOutcome, StreamRunSummary, Trigger,
};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
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
pub(super) struct Throttle<'a> {
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

pub(super) enum StreamFailure {
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

/// A pass's counts, and whether it was a full pass.
type PassResult = Result<(StreamCounts, bool), StreamFailure>;

/// How the engine runs one stream's pass (the entries of [`streams::PASSES`]): every
/// [`ListStream`] through the one list pass, postings through their own.
pub(super) trait StreamPass: Sync {
    fn stream(&self) -> Stream;

    fn run<'a>(
        &'a self,
        engine: &'a Engine,
        pass: &'a StreamPlan,
        t: &'a Throttle<'_>,
    ) -> BoxFuture<'a, PassResult>;
}

impl<S: ListStream> StreamPass for S {
    fn stream(&self) -> Stream {
        S::STREAM
    }

    fn run<'a>(
        &'a self,
        engine: &'a Engine,
        pass: &'a StreamPlan,
        t: &'a Throttle<'_>,
    ) -> BoxFuture<'a, PassResult> {
        Box::pin(engine.sync_list::<S>(pass.full, pass.token.clone(), t))
    }
}

impl StreamPass for streams::Postings {
    fn stream(&self) -> Stream {
        Stream::Postings
    }

    fn run<'a>(
        &'a self,
        engine: &'a Engine,
        pass: &'a StreamPlan,
        t: &'a Throttle<'_>,
    ) -> BoxFuture<'a, PassResult> {
        Box::pin(engine.sync_postings(pass.refetch_descriptions, t))
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
    /// summary (and in the history table when the cache is writable). When another window or
    /// process is syncing this cache, nothing runs: the summary says so (`sync_busy`).
    pub async fn run(
        &self,
        trigger: Trigger,
        force_full: bool,
        progress: &dyn ProgressSink,
    ) -> SyncSummary {
        match SyncLock::try_acquire(self.store.path()) {
            Ok(lock) => self.run_locked(lock, trigger, force_full, progress).await,
            Err(e) => {
                tracing::info!("sync not started: {e}");
                SyncSummary::not_started(trigger, self.now(), e.code(), e.to_string(), false)
            }
        }
    }

    /// [`run`](Self::run) with the sync lock already taken (the CLI waits for it). The run
    /// writes through a view of the cache bound to the generation it started with (unless the
    /// engine's store is bound already, to the generation read before the key was): once the
    /// key is replaced or removed, or the cache cleared, its commits are refused.
    pub async fn run_locked(
        &self,
        lock: SyncLock,
        trigger: Trigger,
        force_full: bool,
        progress: &dyn ProgressSink,
    ) -> SyncSummary {
        let _lock = lock;
        if self.store.bound_generation().is_some() {
            return self.run_held(trigger, force_full, progress).await;
        }
        match self.blocking(|s| s.generation()).await {
            Ok(gen) => {
                let engine = Engine {
                    store: self.store.bound_to(gen),
                    ..self.clone()
                };
                engine.run_held(trigger, force_full, progress).await
            }
            Err(e) => SyncSummary::not_started(trigger, self.now(), e.code(), e.to_string(), false),
        }
    }

    async fn run_held(
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

        let mut report = RunReport::new();
        match self.blocking(|s| s.stream_states()).await {
            Ok(states) => {
                let passes = plan::plan_run(
                    &states,
                    self.cfg.full_resync_interval,
                    started_at,
                    force_full,
                );
                for pass in passes {
                    if report.may_continue() {
                        self.run_stream(&pass, &mut report, &throttle).await;
                    } else {
                        report.not_run(pass.stream);
                    }
                }
            }
            Err(e) => report.cache_unreadable(&e),
        }
        let summary = self
            .finish(run_id, trigger, started_at, requests_before, report)
            .await;
        guard.armed = false;
        summary
    }

    /// Runs one planned pass and records its outcome (and any error) in `report` and the cache.
    async fn run_stream(&self, pass: &StreamPlan, report: &mut RunReport, t: &Throttle<'_>) {
        let stream = pass.stream;
        let full = pass.full;
        let res = match streams::PASSES.iter().find(|p| p.stream() == stream) {
            Some(p) => p.run(self, pass, t).await,
            // Not reached: a test holds `PASSES` to one entry per stream.
            None => Err(store::Error::Task(format!("no pass for the {stream} stream")).into()),
        };
        let record = match res {
            Ok((counts, full_used)) => {
                tracing::info!(
                    stream = stream.as_str(),
                    full = full_used,
                    ?counts,
                    "stream synced"
                );
                report.ok(stream, full_used, counts);
                return;
            }
            Err(StreamFailure::Api(e)) => {
                if e.is_permission() {
                    tracing::warn!(
                        stream = stream.as_str(),
                        code = %e.code(),
                        "stream skipped: permission missing"
                    );
                } else {
                    tracing::warn!(
                        stream = stream.as_str(),
                        code = %e.code(),
                        "stream failed: {e}"
                    );
                }
                report.api_error(stream, full, &e)
            }
            Err(StreamFailure::Store(e)) => {
                tracing::error!(stream = stream.as_str(), "cache write failed: {e}");
                report.store_error(stream, full, &e);
                ErrorRecord::Nothing
            }
        };
        let now = self.now();
        let written = match record {
            ErrorRecord::StreamError(code) => {
                self.blocking(move |s| s.record_stream_error(stream, code, now))
                    .await
            }
            ErrorRecord::KeyInvalid(code) => {
                self.blocking(move |s| s.mark_key_invalid(code, now)).await
            }
            ErrorRecord::Nothing => Ok(()),
        };
        if let Err(se) = written {
            tracing::warn!("could not record the stream's error: {se}");
        }
    }

    async fn finish(
        &self,
        run_id: i64,
        trigger: Trigger,
        started_at: DateTime<Utc>,
        requests_before: u64,
        report: RunReport,
    ) -> SyncSummary {
        let finished_at = self.now();
        let requests = self.client.request_count().saturating_sub(requests_before) as u32;
        let outcome = report.finish();
        let result = outcome.result;
        let summary = SyncSummary {
            run_id: Some(run_id),
            trigger,
            result,
            started_at,
            finished_at,
            streams: outcome.streams,
            requests,
            error_code: outcome.error_code,
            error_message: outcome.error_message,
            missing_modules: outcome.missing_modules,
            needs_key: outcome.needs_key,
        };
        let record = RunFinish {
            finished_at,
            result,
            streams: summary.streams.clone(),
            requests,
            error_code: summary.error_code,
            error_message: summary.error_message.clone(),
        };
        let key_works = plan::key_worked(&summary.streams, summary.needs_key);
        if let Err(e) = self
            .blocking(move |s| {
                s.finish_run(run_id, &record)?;
                // Ashby answered this key without an auth error: drop a stale "key rejected"
                // mark (refused when the key changed meanwhile: the mark is the new key's).
                if key_works {
                    match s.clear_key_invalid() {
                        Ok(()) | Err(store::Error::Superseded) => {}
                        Err(e) => return Err(e),
                    }
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

    /// One pass of a list stream: page through its endpoint with its fixed parameters, map
    /// each item to its record, and commit the pass with its new token.
    async fn sync_list<S: ListStream>(
        &self,
        full: bool,
        token: Option<String>,
        t: &Throttle<'_>,
    ) -> PassResult {
        let stream = S::STREAM;
        let (rows, new_token, kind) = self
            .list_pass(stream, full, token, |sync_token| {
                let client = self.client.clone();
                async move {
                    let mut rows = Vec::new();
                    let out = client
                        .paginate(
                            S::ENDPOINT,
                            S::params_object(),
                            sync_token.as_deref(),
                            |page: Vec<S::Item>, info| {
                                rows.extend(page.into_iter().map(S::record));
                                t.emit(
                                    SyncStage::Listing,
                                    Some(stream),
                                    info.page,
                                    info.rows_so_far,
                                    None,
                                );
                                Ok::<(), ashby::Error>(())
                            },
                        )
                        .await?;
                    Ok((rows, out.sync_token))
                }
            })
            .await?;
        t.emit(SyncStage::Saving, Some(stream), 0, rows.len(), None);
        let now = self.now();
        let counts = self
            .blocking(move |s| s.commit_list(&rows, kind, new_token.as_deref(), now))
            .await?;
        Ok((counts, kind == PassKind::Full))
    }

    /// The posting list is complete every run (no syncToken): diff it, fetch descriptions only
    /// for new postings and those whose `updatedAt` moved (all of them when `refetch_all`).
    async fn sync_postings(&self, refetch_all: bool, t: &Throttle<'_>) -> PassResult {
        let stream = Stream::Postings;
        t.emit(SyncStage::Listing, Some(stream), 1, 0, None);
        let params = JobPostingListParams {
            job_board_id: self.cfg.job_board_id.clone(),
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let list = self.client.list_job_postings(&params).await?;
        let fetched = started.elapsed();
        let mut rows = plan::dedupe_postings(list.into_iter().map(store::PostingRecord::from));
        let state = self.blocking(|s| s.posting_description_state()).await?;
        let list_updated: HashMap<String, String> = rows
            .iter()
            .map(|p| (p.id.clone(), p.updated_at.clone()))
            .collect();
        let need = plan::descriptions_to_fetch(&rows, &state, refetch_all);
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
