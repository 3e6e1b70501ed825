//! One sync run: departments, locations, jobs (syncToken list streams, declared in
//! [`super::streams`]), then the full posting list diffed against the cache with
//! `jobPosting.info` only for new or changed postings. What to run and how errors end up is
//! decided by the pure pieces in [`super::plan`]; this module does the I/O.
//!
//! A list stream's pass is collected in memory and committed in one transaction together with
//! its new token (`Store::commit_list`), so a failure leaves the previous cache intact. Postings
//! go in steps: the posting list first (one transaction), then the descriptions in small
//! batches as they arrive (`Store::commit_descriptions`, each with the `updatedAt` it belongs
//! to), so an interrupted run — network gone, quit, `kill -9`, sleep — keeps every description
//! it got and the next run fetches only the missing or changed ones. Descriptions of listed
//! postings come from the public job board in one request where it can be trusted
//! ([`crate::ashby::board`]), the rest from `jobPosting.info`.

use super::clock::{SystemWallClock, WallClock};
use super::lock::SyncLock;
use super::plan::{self, ErrorRecord, RunReport, StreamPlan};
use super::streams::{self, ListStream};
use crate::ashby::{self, board, BoardAnswer, Client, JobPostingListParams, SkippedRow};
use crate::error::ErrorCode;
use crate::store::{
    self, PassKind, PostingDescription, PostingRecord, RowProblem, RunFinish, RunResult, Store,
    Stream, StreamCounts, StreamOutcome, StreamRunSummary, Trigger,
};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
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
/// The public board is asked only when at least this many descriptions could come from it
/// (the first sync, or many postings changed); fewer cost fewer requests one by one.
pub const DEFAULT_BOARD_MIN_POSTINGS: usize = 50;
/// Ashby caches the board for about a minute (`max-age=60`): a posting edited more recently
/// than this may still show its old text there, so it is fetched with `jobPosting.info`.
pub const DEFAULT_BOARD_FRESH_MARGIN: Duration = Duration::from_secs(10 * 60);
/// Share of the board's postings that must be among the organisation's listed postings for
/// the board to be trusted (a board of another organisation shares none).
pub const DEFAULT_BOARD_MIN_MATCH: f64 = 0.9;
/// Descriptions stored per transaction while they arrive.
pub const DEFAULT_DESCRIPTION_BATCH: usize = 50;
/// How long the kept pages of an interrupted list pass may be continued from their cursor.
pub const DEFAULT_LIST_RESUME_MAX_AGE: Duration = Duration::from_secs(3600);
/// Postings in a row whose `jobPosting.info` failed (after the client's retries) before the
/// description phase stops: then it is Ashby, not those postings.
pub const DEFAULT_MAX_FAILURES_IN_A_ROW: u32 = 3;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub full_resync_interval: Duration,
    pub max_pass_restarts: u32,
    /// `jobPosting.list`/`.info` board; `None` = Ashby's default external board.
    pub job_board_id: Option<String>,
    pub progress_interval: Duration,
    pub clock: Arc<dyn WallClock>,
    /// Fill listed postings' descriptions from the public job board (one request) where it
    /// can be trusted; `false` = always `jobPosting.info`.
    pub use_public_board: bool,
    pub board_min_postings: usize,
    pub board_fresh_margin: Duration,
    pub board_min_match: f64,
    pub description_batch: usize,
    pub max_failures_in_a_row: u32,
    /// Keep a full list pass's pages as they arrive and continue an interrupted pass from its
    /// cursor (`false`: an interrupted pass starts again from page one).
    pub resume_list_passes: bool,
    /// Kept pages older than this are not continued (Ashby does not document how long a
    /// cursor lives; a stale one costs one request, then the pass starts afresh).
    pub list_resume_max_age: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            full_resync_interval: DEFAULT_FULL_RESYNC_INTERVAL,
            max_pass_restarts: DEFAULT_MAX_PASS_RESTARTS,
            job_board_id: None,
            progress_interval: DEFAULT_PROGRESS_INTERVAL,
            clock: Arc::new(SystemWallClock),
            use_public_board: true,
            board_min_postings: DEFAULT_BOARD_MIN_POSTINGS,
            board_fresh_margin: DEFAULT_BOARD_FRESH_MARGIN,
            board_min_match: DEFAULT_BOARD_MIN_MATCH,
            description_batch: DEFAULT_DESCRIPTION_BATCH,
            max_failures_in_a_row: DEFAULT_MAX_FAILURES_IN_A_ROW,
            resume_list_passes: true,
            list_resume_max_age: DEFAULT_LIST_RESUME_MAX_AGE,
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
    /// Seconds left for the current phase, from the current request rate (descriptions).
    pub eta_secs: Option<u32>,
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
        self.emit_eta(stage, stream, page, items, total, None)
    }

    fn emit_eta(
        &self,
        stage: SyncStage,
        stream: Option<Stream>,
        page: u32,
        items: usize,
        total: Option<usize>,
        eta_secs: Option<u32>,
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
            eta_secs,
        });
    }
}

/// What the wizard's last step and the jobs view say about the first sync. The numbers are
/// the benchmark's (`cargo xtask bench`: 10,000 postings at the default request budget); the
/// progress bar then gives this organisation's own estimate from its posting count and rate.
pub const FIRST_SYNC_NOTE: &str = "The first sync takes a few minutes: about 6 minutes for an \
     organisation with 10,000 job postings, as most descriptions come from your public job board \
     in one request. The progress bar shows the time left for yours.";

/// A time left in words: "less than a minute", "about 4 min", "about 1 h 10 min".
pub fn eta_words(secs: u32) -> String {
    let mins = secs.div_ceil(60);
    match secs {
        0..=59 => "less than a minute".to_string(),
        60..=3599 => format!("about {mins} min"),
        _ => format!("about {} h {} min", mins / 60, mins % 60),
    }
}

/// Time left for `remaining` requests: from the rate measured so far once there is one, never
/// faster than the client's own budget allows.
pub(super) struct Eta {
    started: std::time::Instant,
    budget_per_minute: u32,
}

impl Eta {
    pub(super) fn new(budget_per_minute: u32) -> Eta {
        Eta {
            started: std::time::Instant::now(),
            budget_per_minute,
        }
    }

    pub(super) fn secs_left(&self, done: usize, remaining: usize) -> Option<u32> {
        if remaining == 0 {
            return Some(0);
        }
        let elapsed = self.started.elapsed().as_secs_f64();
        let measured = (done >= 5 && elapsed >= 1.0).then(|| done as f64 / elapsed);
        let budget = (self.budget_per_minute > 0).then(|| f64::from(self.budget_per_minute) / 60.0);
        let rate = match (measured, budget) {
            (Some(m), Some(b)) => m.min(b),
            (Some(r), None) | (None, Some(r)) => r,
            (None, None) => return None,
        };
        Some((remaining as f64 / rate).ceil().min(f64::from(u32::MAX)) as u32)
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

/// What a stored pass did.
pub(super) struct PassDone {
    counts: StreamCounts,
    /// Whether it was a full pass.
    full: bool,
    /// Rows it could not store (the stream ends `partial`).
    problems: Vec<RowProblem>,
}

type PassResult = Result<PassDone, StreamFailure>;

fn skipped_problems(skipped: Vec<SkippedRow>) -> Vec<RowProblem> {
    skipped
        .into_iter()
        .map(|s| RowProblem {
            id: s.id,
            code: ErrorCode::DecodeError,
            reason: s.reason,
        })
        .collect()
}

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
            super::changes::run_ended(&self.store, self.run_id);
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
    /// The posting list fetched and stored ahead of the first jobs commit (see `sync_list`),
    /// taken by this run's postings pass instead of listing again.
    prefetched: Arc<Mutex<Option<PostingList>>>,
}

/// A posting list already fetched and committed this run, with what its commit reported.
#[derive(Debug)]
struct PostingList {
    rows: Arc<Vec<PostingRecord>>,
    skipped: Vec<SkippedRow>,
    counts: StreamCounts,
    changed: HashSet<String>,
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
        Engine {
            client,
            store,
            cfg,
            prefetched: Arc::default(),
        }
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
        let _ = self
            .blocking(move |s| {
                super::changes::run_started(s, run_id, started_at);
                Ok(())
            })
            .await;
        tracing::info!(
            run_id,
            trigger = trigger.as_str(),
            force_full,
            "sync started"
        );

        // Only this run's own posting list may stand in for listing them again.
        if let Ok(mut p) = self.prefetched.lock() {
            *p = None;
        }
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
            Ok(done) => {
                tracing::info!(
                    stream = stream.as_str(),
                    full = done.full,
                    counts = ?done.counts,
                    problems = done.problems.len(),
                    "stream synced"
                );
                report.stored(stream, done.full, done.counts, done.problems);
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
                super::changes::run_ended(s, run_id);
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
    ) -> Result<(R, Option<String>, PassKind), ashby::Error>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<(R, Option<String>), ashby::Error>>,
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
        let fingerprint = format!(
            "{} {} limit={}",
            S::ENDPOINT,
            S::params(),
            self.client.page_size()
        );
        let ((rows, skipped), new_token, kind) = self
            .list_pass(stream, full, token, |sync_token| {
                self.list_attempt::<S>(sync_token, &fingerprint, t)
            })
            .await?;
        if stream == Stream::Jobs {
            self.posting_list_first().await;
        }
        t.emit(SyncStage::Saving, Some(stream), 0, rows.len(), None);
        let now = self.now();
        // A row that could not be read is not gone: a full pass keeps it.
        let keep: HashSet<String> = skipped.iter().filter_map(|s| s.id.clone()).collect();
        // Also empties the pass's staged pages.
        let counts = self
            .blocking(move |s| s.commit_list_keeping(&rows, kind, new_token.as_deref(), now, &keep))
            .await?;
        Ok(PassDone {
            counts,
            full: kind == PassKind::Full,
            problems: skipped_problems(skipped),
        })
    }

    /// One try at a list pass. A full pass keeps each page as it arrives (`Store::stage_list_page`)
    /// and continues a staged pass of the same question from its cursor, so a pass that died
    /// half-way (network gone, quit, `kill -9`) does not fetch its first pages again. How long
    /// Ashby honours a cursor is not documented, so a stage older than `list_resume_max_age` is
    /// dropped, and any answer Ashby gives to a continued cursor other than its rows (expired,
    /// invalid, a rejected request) starts the pass afresh; a network failure keeps the stage
    /// for the next try.
    async fn list_attempt<S: ListStream>(
        &self,
        sync_token: Option<String>,
        fingerprint: &str,
        t: &Throttle<'_>,
    ) -> Result<((Vec<S::Record>, Vec<SkippedRow>), Option<String>), ashby::Error> {
        let stream = S::STREAM;
        let mut staging = sync_token.is_none() && self.cfg.resume_list_passes;
        let mut stage = if staging {
            self.load_stage(stream, fingerprint).await
        } else {
            None
        };
        'pass: loop {
            let mut rows: Vec<S::Record> = Vec::new();
            let mut skipped = Vec::new();
            let mut pager =
                self.client
                    .pager(S::ENDPOINT, S::params_object(), sync_token.as_deref());
            let mut on_resumed_cursor = false;
            match stage.take() {
                Some(st) => match self.decode_stage::<S>(&st, &mut skipped) {
                    Some(kept) => {
                        rows = kept;
                        tracing::info!(
                            stream = stream.as_str(),
                            pages = st.page_count(),
                            rows = rows.len(),
                            "continuing an interrupted pass from its cursor"
                        );
                        t.emit(
                            SyncStage::Listing,
                            Some(stream),
                            st.page_count(),
                            rows.len(),
                            None,
                        );
                        let pages = st.page_count();
                        pager = pager.resume_at(st.next_cursor, pages, rows.len());
                        on_resumed_cursor = true;
                    }
                    None => {
                        skipped.clear();
                        staging = self.drop_stage(stream).await && staging;
                    }
                },
                None if staging => staging = self.drop_stage(stream).await,
                None => {}
            }
            if staging {
                pager = pager.keep_raw();
            }
            loop {
                let page = match pager.next::<S::Item>().await {
                    Ok(Some(page)) => page,
                    Ok(None) => return Ok(((rows, skipped), pager.sync_token.take())),
                    Err(e) if on_resumed_cursor && !e.is_transport_or_key() => {
                        tracing::info!(
                            stream = stream.as_str(),
                            code = %e.code(),
                            "Ashby did not take the kept cursor; starting the pass afresh"
                        );
                        continue 'pass;
                    }
                    Err(e) => {
                        if e.needs_pass_restart() && staging {
                            // The cursor is dead: the pass starts again from page one.
                            self.drop_stage(stream).await;
                        }
                        return Err(e);
                    }
                };
                on_resumed_cursor = false;
                skipped.extend(page.skipped);
                rows.extend(page.items.into_iter().map(S::record));
                t.emit(
                    SyncStage::Listing,
                    Some(stream),
                    page.info.page,
                    page.info.rows_so_far,
                    None,
                );
                if let (true, Some(cursor), Some(raw)) = (staging, page.next_cursor, page.raw) {
                    let now = self.now();
                    let fp = fingerprint.to_string();
                    let n = page.info.page;
                    if let Err(e) = self
                        .blocking(move |s| s.stage_list_page(stream, &fp, n, &cursor, &raw, now))
                        .await
                    {
                        // Only the resume is lost; the pass goes on.
                        tracing::warn!(stream = stream.as_str(), "could not keep a page: {e}");
                        staging = false;
                    }
                }
            }
        }
    }

    async fn load_stage(&self, stream: Stream, fingerprint: &str) -> Option<store::ListStage> {
        let fp = fingerprint.to_string();
        let max_age = self.cfg.list_resume_max_age;
        let now = self.now();
        match self
            .blocking(move |s| s.list_stage(stream, &fp, max_age, now))
            .await
        {
            Ok(st) => st,
            Err(e) => {
                tracing::warn!(
                    stream = stream.as_str(),
                    "could not read the kept pages: {e}"
                );
                None
            }
        }
    }

    /// Empties `stream`'s stage; `false` if that failed (then nothing is staged this pass).
    async fn drop_stage(&self, stream: Stream) -> bool {
        match self.blocking(move |s| s.clear_list_stage(stream)).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(
                    stream = stream.as_str(),
                    "could not drop the kept pages: {e}"
                );
                false
            }
        }
    }

    /// The kept pages' rows, decoded like fresh ones; `None` if they cannot be read.
    fn decode_stage<S: ListStream>(
        &self,
        st: &store::ListStage,
        skipped: &mut Vec<SkippedRow>,
    ) -> Option<Vec<S::Record>> {
        let mut rows = Vec::new();
        for page in &st.pages {
            let value: serde_json::Value = serde_json::from_str(page).ok()?;
            let items: Vec<S::Item> = self.client.decode_page(S::ENDPOINT, value, skipped).ok()?;
            rows.extend(items.into_iter().map(S::record));
        }
        Some(rows)
    }

    /// The first sync stores the posting list before the jobs, so the jobs appear with their
    /// posting counts and listed state right (not "0 postings, unlisted" until the postings
    /// pass), while their descriptions still load. Best effort: if listing fails here, the
    /// postings pass lists them again and reports the error.
    async fn posting_list_first(&self) {
        match self.blocking(|s| s.has_postings()).await {
            Ok(false) => {}
            Ok(true) => return,
            Err(e) => {
                tracing::warn!("could not tell whether postings are cached: {e}");
                return;
            }
        }
        let params = JobPostingListParams {
            job_board_id: self.cfg.job_board_id.clone(),
            ..Default::default()
        };
        let (list, skipped) = match self.client.list_job_postings_lenient(&params).await {
            Ok(l) => l,
            Err(e) => {
                tracing::info!("posting list not stored ahead of the jobs: {e}");
                return;
            }
        };
        let rows = Arc::new(plan::dedupe_postings(
            list.into_iter().map(PostingRecord::from),
        ));
        let keep: HashSet<String> = skipped.iter().filter_map(|s| s.id.clone()).collect();
        let list_rows = rows.clone();
        match self
            .blocking(move |s| s.commit_posting_list(&list_rows, &keep))
            .await
        {
            Ok((counts, changed)) => {
                tracing::info!(
                    postings = rows.len(),
                    "first sync: posting list stored before the jobs"
                );
                if let Ok(mut p) = self.prefetched.lock() {
                    *p = Some(PostingList {
                        rows,
                        skipped,
                        counts,
                        changed,
                    });
                }
            }
            Err(e) => tracing::warn!("posting list not stored ahead of the jobs: {e}"),
        }
    }

    /// The posting list is complete every run (no syncToken): store it, then fetch descriptions
    /// only for new postings and those whose `updatedAt` moved (all of them when
    /// `refetch_all`) — from the public board where it can be trusted, else one by one — storing
    /// them in batches as they arrive.
    async fn sync_postings(&self, refetch_all: bool, t: &Throttle<'_>) -> PassResult {
        let stream = Stream::Postings;
        t.emit(SyncStage::Listing, Some(stream), 1, 0, None);
        let params = JobPostingListParams {
            job_board_id: self.cfg.job_board_id.clone(),
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let prefetched = self.prefetched.lock().ok().and_then(|mut p| p.take());
        let (rows, mut problems, mut counts, list_changed) = match prefetched {
            // Listed and stored ahead of the jobs this run.
            Some(p) => (p.rows, skipped_problems(p.skipped), p.counts, p.changed),
            None => {
                let (list, skipped) = self.client.list_job_postings_lenient(&params).await?;
                let rows = plan::dedupe_postings(list.into_iter().map(PostingRecord::from));
                let problems = skipped_problems(skipped.clone());
                let keep: HashSet<String> = skipped.into_iter().filter_map(|s| s.id).collect();
                t.emit(SyncStage::Saving, Some(stream), 0, rows.len(), None);
                let rows = Arc::new(rows);
                let list_rows = rows.clone();
                let (counts, list_changed) = self
                    .blocking(move |s| s.commit_posting_list(&list_rows, &keep))
                    .await?;
                (rows, problems, counts, list_changed)
            }
        };
        let state = self.blocking(|s| s.posting_description_state()).await?;
        let need = plan::descriptions_to_fetch(&rows, &state, refetch_all);
        let total = need.len();
        let done_all = Arc::new(AtomicUsize::new(0));
        let new_phase = || Descriptions {
            total,
            done: 0,
            all: done_all.clone(),
            changed: HashSet::new(),
            removed: 0,
            eta: Eta::new(self.client.rate_limit_per_minute()),
        };
        let (mut phase, mut board_phase) = (new_phase(), new_phase());
        tracing::info!(
            listed = rows.len(),
            descriptions = total,
            "posting list stored; fetching descriptions"
        );

        // What the board may describe, and what only `jobPosting.info` can (unlisted,
        // confidential, just edited): those start at once, while the board is fetched and
        // stored, so the board's work hides behind the rate-limited calls.
        let eligible = if self.cfg.use_public_board && !need.is_empty() {
            let now = self.cfg.clock.now();
            let e = plan::board_eligible(&rows, &need, now, self.cfg.board_fresh_margin);
            if e.len() >= self.cfg.board_min_postings.max(1) {
                e
            } else {
                HashSet::new()
            }
        } else {
            HashSet::new()
        };
        let (later, first): (Vec<String>, Vec<String>) =
            need.into_iter().partition(|id| eligible.contains(id));
        if !first.is_empty() || !later.is_empty() {
            t.emit_eta(
                SyncStage::Descriptions,
                Some(stream),
                0,
                0,
                Some(total),
                phase.eta.secs_left(0, total),
            );
        }
        let board_part = async {
            if eligible.is_empty() {
                return Ok(HashSet::new());
            }
            self.board_part(&rows, &eligible, refetch_all, &mut board_phase, t)
                .await
        };
        let info_part = self.descriptions_from_info(first, &rows, &mut phase, t);
        let (from_board, info_problems) = tokio::join!(board_part, info_part);
        let from_board = from_board?;
        problems.extend(info_problems?);
        // The board's postings it did not have (or the whole lot, when it was not usable).
        let rest: Vec<String> = later
            .into_iter()
            .filter(|id| !from_board.contains(id))
            .collect();
        problems.extend(
            self.descriptions_from_info(rest, &rows, &mut phase, t)
                .await?,
        );
        phase.changed.extend(board_phase.changed);
        phase.removed += board_phase.removed;
        phase.done += board_phase.done;

        let now = self.now();
        let first_problem = problems.first().map(|p| p.code);
        self.blocking(move |s| s.finish_postings(now, first_problem))
            .await?;
        counts.updated += phase
            .changed
            .iter()
            .filter(|id| !list_changed.contains(*id))
            .count() as u32;
        counts.removed += phase.removed;
        tracing::debug!(
            listed = rows.len(),
            described = phase.done,
            problems = problems.len(),
            ms = started.elapsed().as_millis() as u64,
            "posting list synced"
        );
        Ok(PassDone {
            counts,
            full: true,
            problems,
        })
    }

    /// Fetches the public board and stores what it has for `eligible`, in chunks; returns the
    /// ids it described (none when the board is not usable).
    async fn board_part(
        &self,
        rows: &[PostingRecord],
        eligible: &HashSet<String>,
        refetch_all: bool,
        phase: &mut Descriptions,
        t: &Throttle<'_>,
    ) -> Result<HashSet<String>, StreamFailure> {
        let Some((name, etag, got)) = self
            .descriptions_from_board(rows, eligible, refetch_all)
            .await
        else {
            return Ok(HashSet::new());
        };
        let ids: HashSet<String> = got.iter().map(|(id, _)| id.clone()).collect();
        let mut got = got;
        while !got.is_empty() {
            let chunk: Vec<_> = got.drain(..got.len().min(500)).collect();
            self.store_descriptions(chunk, Vec::new(), phase, t, true)
                .await?;
        }
        // Every description that answer could give is stored: a 304 for it is useful.
        let now = self.now();
        let saved = self
            .blocking(move |s| s.set_board_etag(&name, etag.as_deref(), now))
            .await;
        if let Err(e) = saved {
            tracing::warn!("could not remember the board's ETag: {e}");
        }
        Ok(ids)
    }

    /// The public board's descriptions for the postings in `eligible` it can give: `(board name,
    /// its ETag, descriptions)`, or `None` when the board is off, unknown, unreachable, empty,
    /// unchanged (304: everything it had is stored already) or not this organisation's.
    async fn descriptions_from_board(
        &self,
        rows: &[PostingRecord],
        eligible: &HashSet<String>,
        refetch_all: bool,
    ) -> Option<(String, Option<String>, Vec<(String, PostingDescription)>)> {
        let listed: HashMap<&str, &PostingRecord> = rows
            .iter()
            .filter(|p| p.is_listed)
            .map(|p| (p.id.as_str(), p))
            .collect();
        let names = board::board_names(listed.values().map(|p| {
            (
                p.id.as_str(),
                p.apply_link.as_deref(),
                p.external_link.as_deref(),
            )
        }));
        // The board most postings link to, and one more (a second brand's board).
        for name in names.into_iter().take(2) {
            let etag = if refetch_all {
                None
            } else {
                let n = name.clone();
                self.blocking(move |s| s.board_etag(&n))
                    .await
                    .ok()
                    .flatten()
            };
            let answer = self.client.public_job_board(&name, etag.as_deref()).await;
            let (postings, new_etag) = match answer {
                Ok(BoardAnswer::Postings { postings, etag }) => (postings, etag),
                Ok(BoardAnswer::NotModified) => {
                    tracing::info!(board = %name, "public board unchanged (304); using jobPosting.info");
                    return None;
                }
                Ok(BoardAnswer::Unavailable(status)) => {
                    tracing::info!(board = %name, status, "public board unavailable; trying the next");
                    continue;
                }
                Err(e) => {
                    tracing::warn!(board = %name, code = %e.code(), "public board failed: {e}");
                    continue;
                }
            };
            let matched = postings
                .iter()
                .filter(|b| listed.contains_key(b.id.as_str()))
                .count();
            let trusted =
                matched > 0 && matched as f64 >= self.cfg.board_min_match * postings.len() as f64;
            if !trusted {
                tracing::info!(
                    board = %name,
                    board_postings = postings.len(),
                    matched,
                    "public board does not match this organisation's postings; not used"
                );
                continue;
            }
            let got: Vec<(String, PostingDescription)> = postings
                .into_iter()
                .filter(|b| eligible.contains(b.id.as_str()))
                .filter_map(|b| {
                    let p = listed.get(b.id.as_str())?;
                    Some((
                        b.id,
                        PostingDescription {
                            description_html: b.description_html,
                            description_plain: b.description_plain,
                            updated_at: p.updated_at.clone(),
                        },
                    ))
                })
                .collect();
            tracing::info!(board = %name, descriptions = got.len(), "descriptions from the public board");
            return Some((name, new_etag, got));
        }
        None
    }

    /// `jobPosting.info` for each posting in `need`, stored in batches. A posting that keeps
    /// failing is recorded and left for the next run; when the failures are not about one
    /// posting (network, rate limit, key, several in a row) the phase stops at once, keeping
    /// every batch it stored.
    async fn descriptions_from_info(
        &self,
        need: Vec<String>,
        rows: &[PostingRecord],
        phase: &mut Descriptions,
        t: &Throttle<'_>,
    ) -> Result<Vec<RowProblem>, StreamFailure> {
        let list_updated: HashMap<&str, &str> = rows
            .iter()
            .map(|p| (p.id.as_str(), p.updated_at.as_str()))
            .collect();
        let mut problems = Vec::new();
        let mut batch: Vec<(String, PostingDescription)> = Vec::new();
        let mut gone: Vec<String> = Vec::new();
        let mut in_a_row = 0u32;
        let mut stop: Option<ashby::Error> = None;
        let batch_size = self.cfg.description_batch.max(1);
        let mut last_flush = std::time::Instant::now();
        let mut infos = self
            .client
            .job_posting_info_stream(need, self.cfg.job_board_id.clone());
        while let Some((id, res)) = infos.next().await {
            match res {
                Ok(info) => {
                    in_a_row = 0;
                    let updated_at = info
                        .updated_at
                        .or_else(|| list_updated.get(id.as_str()).map(|s| s.to_string()))
                        .unwrap_or_default();
                    batch.push((
                        id,
                        PostingDescription {
                            description_html: info.description_html.unwrap_or_default(),
                            description_plain: info.description_plain.unwrap_or_default(),
                            updated_at,
                        },
                    ));
                }
                // Deleted between the list and the info call: gone.
                Err(ashby::Error::NotFound { .. }) => {
                    in_a_row = 0;
                    gone.push(id);
                }
                Err(e) if plan::is_about_one_posting(&e) => {
                    in_a_row += 1;
                    tracing::warn!(posting = %id, code = %e.code(), "description failed: {e}");
                    problems.push(RowProblem {
                        id: Some(id),
                        code: e.code(),
                        reason: e.to_string(),
                    });
                    if in_a_row >= self.cfg.max_failures_in_a_row.max(1) {
                        stop = Some(e);
                        break;
                    }
                }
                Err(e) => {
                    stop = Some(e);
                    break;
                }
            }
            phase.done += 1;
            let all = phase.all.fetch_add(1, Ordering::Relaxed) + 1;
            let remaining = phase.total.saturating_sub(all);
            t.emit_eta(
                SyncStage::Descriptions,
                Some(Stream::Postings),
                0,
                all,
                Some(phase.total),
                phase.eta.secs_left(phase.done, remaining),
            );
            if batch.len() + gone.len() >= batch_size
                || last_flush.elapsed() >= Duration::from_secs(2)
            {
                let (b, g) = (std::mem::take(&mut batch), std::mem::take(&mut gone));
                self.store_descriptions(b, g, phase, t, false).await?;
                last_flush = std::time::Instant::now();
            }
        }
        // Dropping the stream cancels the calls still in flight.
        drop(infos);
        self.store_descriptions(batch, gone, phase, t, false)
            .await?;
        match stop {
            Some(e) => {
                tracing::warn!(
                    code = %e.code(),
                    stored = phase.done,
                    "description phase stopped; what was fetched is kept"
                );
                Err(e.into())
            }
            None => Ok(problems),
        }
    }

    /// Commits one batch of descriptions (and removals) and accounts for it.
    async fn store_descriptions(
        &self,
        batch: Vec<(String, PostingDescription)>,
        gone: Vec<String>,
        phase: &mut Descriptions,
        t: &Throttle<'_>,
        count_done: bool,
    ) -> Result<(), StreamFailure> {
        if batch.is_empty() && gone.is_empty() {
            return Ok(());
        }
        let n = batch.len();
        let (changed, removed) = self
            .blocking(move |s| s.commit_descriptions(&batch, &gone))
            .await?;
        phase.changed.extend(changed);
        phase.removed += removed;
        if count_done {
            // Board chunks are counted here; `jobPosting.info` answers as they arrive.
            phase.done += n;
            let all = phase.all.fetch_add(n, Ordering::Relaxed) + n;
            t.emit(
                SyncStage::Descriptions,
                Some(Stream::Postings),
                0,
                all,
                Some(phase.total),
            );
        }
        Ok(())
    }
}

/// The description phase's running totals.
struct Descriptions {
    total: usize,
    /// Done by this part (the board's or `jobPosting.info`'s).
    done: usize,
    /// Done by both parts together (they run side by side).
    all: Arc<AtomicUsize>,
    changed: HashSet<String>,
    removed: u32,
    eta: Eta,
}
