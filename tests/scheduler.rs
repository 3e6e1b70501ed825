//! The scheduler with tokio's paused clock: hours pass instantly and deterministically. The runner
//! is scripted (the engine itself is covered by tests/sync.rs); the wall clock follows tokio time.

use ashby_sync_core::error::ErrorCode;
use ashby_sync_core::store::{
    RunResult, ScheduleFacts, Store, Stream, StreamOutcome, StreamRunSummary, Trigger,
};
use ashby_sync_core::sync::{
    start_scheduler, ClientFactory, EngineConfig, EngineRunner, ProgressSink, SchedulerConfig,
    SchedulerError, SchedulerEvents, SchedulerHandle, SyncInterval, SyncProgress, SyncRunner,
    SyncStage, SyncSummary, TokioWallClock, WallClock, DEFAULT_INTERVAL,
};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MIN: Duration = Duration::from_secs(60);
/// The sync interval in minutes: the tests follow the constant.
const EVERY: i64 = (DEFAULT_INTERVAL.as_secs() / 60) as i64;

fn base() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn mins(m: i64) -> chrono::Duration {
    chrono::Duration::minutes(m)
}

#[derive(Debug, Clone)]
struct Call {
    trigger: Trigger,
    full: bool,
    at: DateTime<Utc>,
}

struct Scripted {
    clock: Arc<TokioWallClock>,
    duration: Duration,
    script: Mutex<VecDeque<(RunResult, bool)>>,
    calls: Mutex<Vec<Call>>,
    ids: AtomicI64,
    cancelled: Arc<AtomicUsize>,
    /// Runs that end with this error code instead (consulted before `script`).
    codes: Mutex<VecDeque<ErrorCode>>,
    /// Answers to reachability checks, in order (then "can't tell"), and when each was asked.
    probes: Mutex<VecDeque<Option<bool>>>,
    probed_at: Mutex<Vec<DateTime<Utc>>>,
}

struct CancelFlag {
    done: bool,
    cancelled: Arc<AtomicUsize>,
}

impl Drop for CancelFlag {
    fn drop(&mut self) {
        if !self.done {
            self.cancelled.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Scripted {
    fn new(
        clock: Arc<TokioWallClock>,
        duration: Duration,
        script: &[(RunResult, bool)],
    ) -> Arc<Scripted> {
        Arc::new(Scripted {
            clock,
            duration,
            script: Mutex::new(script.iter().copied().collect()),
            calls: Mutex::default(),
            ids: AtomicI64::new(1),
            cancelled: Arc::default(),
            codes: Mutex::default(),
            probes: Mutex::default(),
            probed_at: Mutex::default(),
        })
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Start times as minutes after `base()`.
    fn starts(&self) -> Vec<i64> {
        self.calls()
            .iter()
            .map(|c| (c.at - base()).num_minutes())
            .collect()
    }

    /// Reachability checks as minutes after `base()`.
    fn probes(&self) -> Vec<i64> {
        self.probed_at
            .lock()
            .unwrap()
            .iter()
            .map(|t| (*t - base()).num_minutes())
            .collect()
    }
}

impl SyncRunner for Scripted {
    fn run(
        &self,
        trigger: Trigger,
        full: bool,
        progress: Arc<dyn ProgressSink>,
    ) -> BoxFuture<'static, SyncSummary> {
        let started_at = self.clock.now();
        self.calls.lock().unwrap().push(Call {
            trigger,
            full,
            at: started_at,
        });
        let forced = self.codes.lock().unwrap().pop_front();
        let (result, needs_key) = match forced {
            Some(_) => (RunResult::Failed, false),
            None => self
                .script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or((RunResult::Ok, false)),
        };
        let id = self.ids.fetch_add(1, Ordering::SeqCst);
        let clock = self.clock.clone();
        let duration = self.duration;
        let cancelled = self.cancelled.clone();
        Box::pin(async move {
            let mut flag = CancelFlag {
                done: false,
                cancelled,
            };
            progress.report(&SyncProgress {
                stage: SyncStage::Starting,
                stream: None,
                page: 0,
                items: 0,
                total: None,
                eta_secs: None,
            });
            tokio::time::sleep(duration).await;
            flag.done = true;
            // What the engine reports: a stream that synced, or the one that failed.
            let stream = StreamRunSummary {
                stream: Stream::Departments,
                full: false,
                counts: Default::default(),
                outcome: if result == RunResult::Failed {
                    StreamOutcome::Failed
                } else {
                    StreamOutcome::Ok
                },
                error_code: None,
                missing_module: None,
                problems: Vec::new(),
                more_problems: 0,
            };
            SyncSummary {
                run_id: Some(id),
                trigger,
                result,
                started_at,
                finished_at: clock.now(),
                streams: if forced.is_some() {
                    Vec::new()
                } else {
                    vec![stream]
                },
                requests: 1,
                error_code: forced.or((result == RunResult::Failed).then_some(if needs_key {
                    ErrorCode::InvalidKey
                } else {
                    ErrorCode::ServerError
                })),
                error_message: None,
                missing_modules: Vec::new(),
                needs_key,
            }
        })
    }

    fn probe(&self) -> BoxFuture<'static, Option<bool>> {
        self.probed_at.lock().unwrap().push(self.clock.now());
        let answer = self.probes.lock().unwrap().pop_front().flatten();
        Box::pin(async move { answer })
    }
}

#[derive(Default)]
struct Recorder {
    progress: AtomicUsize,
    started: Mutex<Vec<Trigger>>,
    finished: Mutex<Vec<SyncSummary>>,
    states: AtomicUsize,
}

impl SchedulerEvents for Recorder {
    fn progress(&self, _p: &SyncProgress) {
        self.progress.fetch_add(1, Ordering::SeqCst);
    }
    fn started(&self, t: Trigger) {
        self.started.lock().unwrap().push(t);
    }
    fn finished(&self, s: &SyncSummary) {
        self.finished.lock().unwrap().push(s.clone());
    }
    fn state_changed(&self, _s: &ashby_sync_core::sync::SchedulerState) {
        self.states.fetch_add(1, Ordering::SeqCst);
    }
}

struct Setup {
    clock: Arc<TokioWallClock>,
    runner: Arc<Scripted>,
    events: Arc<Recorder>,
    handle: SchedulerHandle,
}

fn setup(
    facts: ScheduleFacts,
    run_for: Duration,
    script: &[(RunResult, bool)],
    jitter: Duration,
) -> Setup {
    setup_with(facts, run_for, script, jitter, |_| {})
}

fn setup_with(
    facts: ScheduleFacts,
    run_for: Duration,
    script: &[(RunResult, bool)],
    jitter: Duration,
    before_start: impl FnOnce(&Scripted),
) -> Setup {
    let clock = Arc::new(TokioWallClock::new(base()));
    let runner = Scripted::new(clock.clone(), run_for, script);
    before_start(&runner);
    let events = Arc::new(Recorder::default());
    let cfg = SchedulerConfig {
        clock: clock.clone(),
        jitter,
        seed: Some(7),
        ..SchedulerConfig::default()
    };
    let handle = start_scheduler(runner.clone(), events.clone(), facts, cfg);
    Setup {
        clock,
        runner,
        events,
        handle,
    }
}

fn synced_ago(m: i64) -> ScheduleFacts {
    ScheduleFacts {
        last_success_at: Some(base() - mins(m)),
        last_finished_at: Some(base() - mins(m)),
        ..ScheduleFacts::default()
    }
}

/// Lets time pass (paused clock: instantly), then lets the woken tasks run.
async fn wait(d: Duration) {
    tokio::time::sleep(d).await;
    settle().await;
}

async fn settle() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

/// Sleeps until `m` minutes after `base()` by the wall clock.
async fn until(clock: &TokioWallClock, m: i64) {
    let target = base() + mins(m);
    let now = clock.now();
    if target > now {
        wait((target - now).to_std().unwrap()).await;
    } else {
        settle().await;
    }
}

#[tokio::test(start_paused = true)]
async fn runs_hourly_from_the_last_success() {
    // Synced half an interval ago (30 minutes with the hourly default).
    let half = EVERY / 2;
    let due = EVERY - half;
    let s = setup(synced_ago(half), MIN, &[], Duration::ZERO);
    settle().await;
    assert!(s.runner.calls().is_empty(), "not due yet");
    assert_eq!(s.handle.state().next_run_at, Some(base() + mins(due)));
    until(&s.clock, due - 1).await;
    assert!(s.runner.calls().is_empty());
    until(&s.clock, due + 1).await;
    assert_eq!(s.runner.starts(), [due]);
    assert_eq!(s.runner.calls()[0].trigger, Trigger::Schedule);
    assert!(!s.runner.calls()[0].full);
    // Finished a minute later → next one interval after that (+31 → +91 hourly).
    let second = due + 1 + EVERY;
    assert_eq!(s.handle.state().next_run_at, Some(base() + mins(second)));
    until(&s.clock, second - 1).await;
    assert_eq!(s.runner.starts(), [due]);
    until(&s.clock, second + 1).await;
    assert_eq!(s.runner.starts(), [due, second]);
    until(&s.clock, 24 * 60).await;
    // Each run takes a minute, so one starts every EVERY + 1 minutes: 24 a day when hourly.
    let per_day = ((24 * 60 - due) / (EVERY + 1) + 1) as usize;
    assert_eq!(
        s.runner.calls().len(),
        per_day,
        "one per interval for a day"
    );
    let ev = &s.events;
    assert_eq!(ev.finished.lock().unwrap().len(), per_day);
    assert!(ev.progress.load(Ordering::SeqCst) >= per_day);
    assert!(ev
        .started
        .lock()
        .unwrap()
        .iter()
        .all(|t| *t == Trigger::Schedule));
    assert!(ev.states.load(Ordering::SeqCst) > 0);
}

#[tokio::test(start_paused = true)]
async fn catches_up_at_launch_when_overdue_or_never_synced() {
    let s = setup(synced_ago(3 * EVERY), MIN, &[], Duration::ZERO);
    settle().await;
    assert_eq!(s.runner.starts(), [0]);
    assert_eq!(s.runner.calls()[0].trigger, Trigger::Startup);
    until(&s.clock, 2).await;
    assert_eq!(s.handle.state().next_run_at, Some(base() + mins(1 + EVERY)));

    let s = setup(ScheduleFacts::default(), MIN, &[], Duration::ZERO);
    settle().await;
    assert_eq!(s.runner.calls().len(), 1);
    assert_eq!(s.runner.calls()[0].trigger, Trigger::Startup);
}

#[tokio::test(start_paused = true)]
async fn backs_off_after_failures_then_returns_to_hourly() {
    let f = (RunResult::Failed, false);
    let s = setup(
        ScheduleFacts::default(),
        MIN,
        &[f, f, f, f, f, (RunResult::Ok, false)],
        Duration::ZERO,
    );
    until(&s.clock, 290).await;
    // Each run takes a minute; waits after failures 5, 15, 30, 60, 60; then hourly after success.
    assert_eq!(s.runner.starts(), [0, 6, 22, 53, 114, 175, 236]);
    let triggers: Vec<Trigger> = s.runner.calls().iter().map(|c| c.trigger).collect();
    use Trigger::{Retry, Schedule, Startup};
    assert_eq!(
        triggers,
        [Startup, Retry, Retry, Retry, Retry, Retry, Schedule]
    );
    let st = s.handle.state();
    assert_eq!(st.consecutive_failures, 0);
    assert_eq!(st.last_success_at, Some(base() + mins(237)));
}

#[tokio::test(start_paused = true)]
async fn resumes_backoff_from_stored_failures() {
    // Two failures recorded before the app restarted, the last one 10 minutes ago → +15 min.
    let facts = ScheduleFacts {
        last_success_at: Some(base() - mins(300)),
        last_finished_at: Some(base() - mins(10)),
        consecutive_failures: 2,
        key_invalid: false,
        last_offline: false,
    };
    let s = setup(facts, MIN, &[], Duration::ZERO);
    settle().await;
    assert_eq!(s.handle.state().next_run_at, Some(base() + mins(5)));
    until(&s.clock, 6).await;
    assert_eq!(s.runner.starts(), [5]);
}

#[tokio::test(start_paused = true)]
async fn sync_now_is_single_flight_and_moves_the_schedule() {
    // Due in 10 minutes.
    let s = setup(synced_ago(EVERY - 10), 5 * MIN, &[], Duration::ZERO);
    until(&s.clock, 2).await;
    assert!(s.runner.calls().is_empty());
    // Two "Sync now" clicks while nothing runs: one run, both get its summary.
    let (a, b) = tokio::join!(s.handle.sync_now(false), s.handle.sync_now(true));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.run_id, b.run_id);
    assert_eq!(a.trigger, Trigger::Manual);
    assert_eq!(s.runner.calls().len(), 1);
    assert_eq!(a.finished_at, base() + mins(7));
    // The +10 min scheduled run moved to one interval after the manual run.
    let next = 7 + EVERY;
    assert_eq!(s.handle.state().next_run_at, Some(base() + mins(next)));
    until(&s.clock, 30).await;
    assert_eq!(s.runner.calls().len(), 1);
    until(&s.clock, next + 1).await;
    assert_eq!(s.runner.starts(), [2, next]);
    assert_eq!(s.runner.calls()[1].trigger, Trigger::Schedule);
    // "Sync now" during the scheduled run joins it instead of starting another.
    let joined = s.handle.sync_now(true).await.unwrap();
    assert_eq!(joined.trigger, Trigger::Schedule);
    assert_eq!(joined.finished_at, base() + mins(next + 5));
    assert_eq!(s.runner.calls().len(), 2);
    // Fire-and-forget variant (tray menu).
    s.handle.request_sync(true);
    settle().await;
    assert_eq!(s.runner.calls().len(), 3);
    assert!(s.runner.calls()[2].full);
    assert_eq!(s.handle.state().running, Some(Trigger::Manual));
}

#[tokio::test(start_paused = true)]
async fn notices_the_wall_clock_jumping_after_sleep() {
    let s = setup(synced_ago(10), MIN, &[], Duration::ZERO);
    until(&s.clock, 1).await;
    assert!(s.runner.calls().is_empty());
    // The laptop slept two hours: the wall clock jumped, tokio's monotonic time did not.
    s.clock.jump(chrono::Duration::hours(2));
    wait(Duration::from_secs(61)).await;
    assert_eq!(
        s.runner.calls().len(),
        1,
        "ran within one check interval of waking"
    );
}

#[tokio::test(start_paused = true)]
async fn pauses_without_a_valid_key_until_a_new_one_is_saved() {
    let s = setup(
        ScheduleFacts::default(),
        MIN,
        &[(RunResult::Failed, true)],
        Duration::ZERO,
    );
    until(&s.clock, 5).await;
    assert_eq!(s.runner.calls().len(), 1);
    let st = s.handle.state();
    assert!(st.paused_for_key);
    assert_eq!(st.next_run_at, None);
    until(&s.clock, 600).await;
    assert_eq!(
        s.runner.calls().len(),
        1,
        "no retries against a rejected key"
    );
    s.handle.key_changed();
    wait(Duration::from_secs(1)).await;
    assert_eq!(s.runner.calls().len(), 2);
    until(&s.clock, 603).await;
    let st = s.handle.state();
    assert!(!st.paused_for_key);
    assert_eq!(st.last_summary.unwrap().result, RunResult::Ok);
    // Paused at start-up too when the stored facts say the key was rejected.
    let facts = ScheduleFacts {
        key_invalid: true,
        ..synced_ago(500)
    };
    let s = setup(facts, MIN, &[], Duration::ZERO);
    until(&s.clock, 120).await;
    assert!(s.runner.calls().is_empty());
}

#[tokio::test(start_paused = true)]
async fn shutdown_cancels_the_running_sync() {
    let s = setup(ScheduleFacts::default(), 30 * MIN, &[], Duration::ZERO);
    until(&s.clock, 1).await;
    assert_eq!(s.handle.state().running, Some(Trigger::Startup));
    s.handle.shutdown().await;
    assert_eq!(s.runner.cancelled.load(Ordering::SeqCst), 1);
    assert_eq!(s.handle.state().running, None);
    assert!(s.handle.sync_now(false).await.is_none());
    until(&s.clock, 300).await;
    assert_eq!(s.runner.calls().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn jitter_delays_scheduled_runs_a_little() {
    let s = setup(synced_ago(30), MIN, &[], 5 * MIN);
    settle().await;
    let next = s.handle.state().next_run_at.unwrap();
    assert!(
        next >= base() + mins(30) && next <= base() + mins(35),
        "{next}"
    );
    until(&s.clock, 36).await;
    assert_eq!(s.runner.calls().len(), 1);
    assert_eq!(s.runner.calls()[0].at, next);
}

#[tokio::test(start_paused = true)]
async fn engine_runner_without_a_key_pauses() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("c.sqlite3")).unwrap().store;
    let clock = Arc::new(TokioWallClock::new(base()));
    let clients: ClientFactory = Arc::new(|| Ok(None));
    let runner = Arc::new(EngineRunner {
        store,
        clients,
        config: EngineConfig {
            clock: clock.clone(),
            ..EngineConfig::default()
        },
    });
    let events = Arc::new(Recorder::default());
    let cfg = SchedulerConfig {
        clock: clock.clone(),
        jitter: Duration::ZERO,
        ..SchedulerConfig::default()
    };
    let handle = start_scheduler(runner, events.clone(), ScheduleFacts::default(), cfg);
    let summary = handle.sync_now(false).await.unwrap();
    assert_eq!(summary.error_code, Some(ErrorCode::NoKey));
    assert!(summary.needs_key);
    assert_eq!(summary.result, RunResult::Failed);
    settle().await;
    assert!(handle.state().paused_for_key);
    handle.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn engine_runner_reports_a_client_error_as_a_failed_run() {
    use ashby_sync_core::keys::KeyError;
    use ashby_sync_core::vault;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("c.sqlite3")).unwrap().store;
    let clock = Arc::new(TokioWallClock::new(base()));
    let locked = vault::Error::Locked {
        reason: "test".into(),
    };
    let code = locked.code();
    let clients: ClientFactory = Arc::new(move || {
        Err(SchedulerError::Key(KeyError::Vault(vault::Error::Locked {
            reason: "test".into(),
        })))
    });
    let runner = Arc::new(EngineRunner {
        store,
        clients,
        config: EngineConfig {
            clock: clock.clone(),
            ..EngineConfig::default()
        },
    });
    let cfg = SchedulerConfig {
        clock: clock.clone(),
        jitter: Duration::ZERO,
        ..SchedulerConfig::default()
    };
    let events = Arc::new(Recorder::default());
    let handle = start_scheduler(runner, events, ScheduleFacts::default(), cfg);
    let summary = handle.sync_now(false).await.unwrap();
    assert_eq!(summary.error_code, Some(code));
    assert_eq!(summary.result, RunResult::Failed);
    assert!(
        !summary.needs_key,
        "a locked keychain is retried, not a rejected key"
    );
    // The same error reaches the UI/CLI as an AppError with the same code.
    let app: ashby_sync_core::error::AppError = SchedulerError::Key(KeyError::Vault(locked)).into();
    assert_eq!(app.code(), code);
    handle.shutdown().await;
}

/// A transient 403 marked the key rejected; Sync now then works: the hourly schedule resumes
/// (before, only Replace key lifted the pause).
#[tokio::test(start_paused = true)]
async fn a_working_sync_now_after_a_transient_rejection_resumes_the_schedule() {
    let s = setup(
        ScheduleFacts::default(),
        MIN,
        &[(RunResult::Failed, true)],
        Duration::ZERO,
    );
    until(&s.clock, 5).await;
    assert!(s.handle.state().paused_for_key);
    assert_eq!(s.handle.state().next_run_at, None);
    let ok = s.handle.sync_now(false).await.unwrap();
    assert_eq!(ok.result, RunResult::Ok);
    settle().await;
    let st = s.handle.state();
    assert!(!st.paused_for_key, "the key works again");
    assert_eq!(st.next_run_at, Some(ok.finished_at + mins(EVERY)));
    let again = (ok.finished_at - base()).num_minutes() + EVERY;
    until(&s.clock, again + 1).await;
    assert_eq!(s.runner.calls().len(), 3, "the hourly run happened");
    assert_eq!(s.runner.calls()[2].trigger, Trigger::Schedule);
}

/// The clock was set back after the last run: its finish is "in the future". It counts as now,
/// so the next run is one interval from now, not one interval after that future time.
#[tokio::test(start_paused = true)]
async fn a_last_run_stamped_in_the_future_counts_as_now() {
    let ahead = ScheduleFacts {
        last_success_at: Some(base() + mins(5 * 60)),
        last_finished_at: Some(base() + mins(5 * 60)),
        ..ScheduleFacts::default()
    };
    let s = setup(ahead, MIN, &[], Duration::ZERO);
    settle().await;
    assert_eq!(s.handle.state().next_run_at, Some(base() + mins(EVERY)));
    assert_eq!(s.handle.state().last_success_at, Some(base()));
    until(&s.clock, EVERY + 1).await;
    assert_eq!(s.runner.starts(), [EVERY]);
}

/// Another window or process was syncing the cache: not a failure (no backoff, no failure
/// count); the state says so and the scheduler tries again after `busy_retry`.
#[tokio::test(start_paused = true)]
async fn a_sync_running_elsewhere_is_retried_later_without_counting_a_failure() {
    let s = setup(synced_ago(3 * EVERY), MIN, &[], Duration::ZERO);
    s.runner
        .codes
        .lock()
        .unwrap()
        .push_back(ErrorCode::SyncBusy);
    until(&s.clock, 2).await;
    let st = s.handle.state();
    assert!(st.busy_elsewhere);
    assert_eq!(st.consecutive_failures, 0);
    assert_eq!(st.next_run_at, Some(base() + mins(1 + 2)));
    until(&s.clock, 5).await;
    assert_eq!(s.runner.starts(), [0, 3]);
    let st = s.handle.state();
    assert!(!st.busy_elsewhere);
    assert_eq!(st.next_run_at, Some(base() + mins(4 + EVERY)));
}

/// A locked keychain (or an unlock prompt nobody answered) pauses automatic runs instead of
/// prompting again at every back-off step; Sync now ("Unlock and retry") tries again.
#[tokio::test(start_paused = true)]
async fn a_locked_keychain_pauses_until_retry() {
    let s = setup(ScheduleFacts::default(), MIN, &[], Duration::ZERO);
    s.runner
        .codes
        .lock()
        .unwrap()
        .push_back(ErrorCode::KeychainLocked);
    until(&s.clock, 2).await;
    let st = s.handle.state();
    assert!(st.keychain_locked);
    assert_eq!(st.next_run_at, None);
    until(&s.clock, 600).await;
    assert_eq!(s.runner.calls().len(), 1, "no retries while locked");
    let ok = s.handle.sync_now(false).await.unwrap();
    assert_eq!(ok.result, RunResult::Ok);
    settle().await;
    let st = s.handle.state();
    assert!(!st.keychain_locked);
    assert_eq!(st.next_run_at, Some(ok.finished_at + mins(EVERY)));
}

/// A key change holds the scheduler: the running sync is cancelled and awaited before the
/// change touches anything, nothing starts during it, and the saved key syncs at once.
#[tokio::test(start_paused = true)]
async fn a_key_change_cancels_the_running_sync_and_syncs_the_new_key_at_once() {
    let s = setup(ScheduleFacts::default(), 30 * MIN, &[], Duration::ZERO);
    until(&s.clock, 1).await;
    assert_eq!(s.handle.state().running, Some(Trigger::Startup));
    s.handle.hold().await;
    assert_eq!(
        s.runner.cancelled.load(Ordering::SeqCst),
        1,
        "cancelled and awaited"
    );
    assert_eq!(s.handle.state().running, None);
    // Sync now during the change waits for it.
    let waiter = {
        let h = s.handle.clone();
        tokio::spawn(async move { h.sync_now(false).await })
    };
    until(&s.clock, 120).await;
    assert_eq!(s.runner.calls().len(), 1, "nothing starts while held");
    s.handle.key_changed();
    settle().await;
    assert_eq!(s.runner.calls().len(), 2, "the new key syncs at once");
    // Never synced before: the set-up's first sync (the History says so).
    assert_eq!(s.handle.state().running, Some(Trigger::Setup));
    let joined = waiter.await.unwrap().unwrap();
    assert_eq!(joined.trigger, Trigger::Setup);
    assert_eq!(s.runner.calls().len(), 2);

    // key_changed while a run with the old key is in flight (no hold): it is replaced.
    let s = setup(ScheduleFacts::default(), 30 * MIN, &[], Duration::ZERO);
    until(&s.clock, 1).await;
    s.handle.key_changed();
    settle().await;
    assert_eq!(s.runner.cancelled.load(Ordering::SeqCst), 1);
    assert_eq!(s.runner.calls().len(), 2);
    assert_eq!(s.handle.state().running, Some(Trigger::Setup));

    // Removing the key: held, then paused for a key.
    s.handle.hold().await;
    s.handle.key_removed();
    settle().await;
    let st = s.handle.state();
    assert!(st.paused_for_key);
    assert_eq!(st.running, None);
    assert_eq!(st.next_run_at, None);
}

/// Installing an update never happens mid-sync: the running sync is cancelled and awaited before
/// the install starts, nothing starts while it runs, and a failed install lets syncing go on.
#[tokio::test(start_paused = true)]
async fn an_update_installs_only_after_the_running_sync_stopped() {
    use ashby_sync_core::error::AppError;
    use ashby_sync_core::update::{install_with_sync_stopped, InstallGate};

    let s = setup(ScheduleFacts::default(), 30 * MIN, &[], Duration::ZERO);
    until(&s.clock, 1).await;
    assert_eq!(s.handle.state().running, Some(Trigger::Startup));
    let seen = Arc::new(Mutex::new(None));
    let (h, cancelled, seen2) = (s.handle.clone(), s.runner.cancelled.clone(), seen.clone());
    let gate = install_with_sync_stopped(Some(&s.handle), move || {
        // What the installer would see when it starts writing the new version.
        *seen2.lock().unwrap() = Some((h.state().running, cancelled.load(Ordering::SeqCst)));
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(
        gate,
        InstallGate::StopSyncFirst {
            trigger: Trigger::Startup
        }
    );
    assert_eq!(
        *seen.lock().unwrap(),
        Some((None, 1)),
        "the sync was cancelled and had stopped before the install began"
    );
    // Installed: the app restarts next, so nothing starts meanwhile.
    until(&s.clock, 240).await;
    assert_eq!(s.runner.calls().len(), 1);

    // No sync running: the install runs at once; when it fails, syncing resumes.
    let s = setup(synced_ago(5), MIN, &[], Duration::ZERO);
    settle().await;
    assert_eq!(s.handle.state().running, None);
    let err = install_with_sync_stopped(Some(&s.handle), || {
        Err(AppError::new(ErrorCode::UpdateInstallFailed, "disk full"))
    })
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::UpdateInstallFailed);
    let ok = s.handle.sync_now(false).await.unwrap();
    assert_eq!(
        ok.result,
        RunResult::Ok,
        "released after the failed install"
    );
}

/// A replaced key's first sync is "new key", not the set-up's.
#[tokio::test(start_paused = true)]
async fn a_replaced_key_syncs_as_new_key() {
    let s = setup(synced_ago(10), MIN, &[], Duration::ZERO);
    settle().await;
    s.handle.hold().await;
    s.handle.key_changed();
    settle().await;
    assert_eq!(s.handle.state().running, Some(Trigger::NewKey));
}

/// The interval chosen in Settings moves the schedule at once; paused means no automatic run
/// (Sync now still works) until another interval is chosen.
#[tokio::test(start_paused = true)]
async fn the_chosen_interval_is_honoured_and_paused_stops_automatic_runs() {
    let s = setup(synced_ago(1), MIN, &[], Duration::ZERO);
    settle().await;
    assert_eq!(
        s.handle.state().interval_secs,
        Some(DEFAULT_INTERVAL.as_secs())
    );
    assert_eq!(s.handle.state().next_run_at, Some(base() + mins(EVERY - 1)));

    s.handle.set_interval(SyncInterval::Minutes15.duration());
    settle().await;
    assert_eq!(s.handle.state().interval_secs, Some(15 * 60));
    assert_eq!(s.handle.state().next_run_at, Some(base() + mins(14)));
    until(&s.clock, 13).await;
    assert!(s.runner.calls().is_empty());
    until(&s.clock, 15).await;
    assert_eq!(s.runner.starts(), [14]);
    assert_eq!(s.runner.calls()[0].trigger, Trigger::Schedule);
    // Finished at +15 → next at +30, and so on every 15 minutes.
    until(&s.clock, 61).await;
    assert_eq!(s.runner.starts(), [14, 30, 46]);

    s.handle.set_interval(SyncInterval::Paused.duration());
    settle().await;
    let st = s.handle.state();
    assert_eq!(st.interval_secs, None);
    assert_eq!(st.next_run_at, None);
    until(&s.clock, 3 * 24 * 60).await;
    assert_eq!(s.runner.calls().len(), 3, "nothing automatic while paused");
    let manual = s.handle.sync_now(false).await.unwrap();
    assert_eq!(manual.trigger, Trigger::Manual);
    settle().await;
    assert_eq!(
        s.handle.state().next_run_at,
        None,
        "still paused after Sync now"
    );

    // Daily: one day after that manual run.
    s.handle.set_interval(SyncInterval::Daily.duration());
    settle().await;
    assert_eq!(
        s.handle.state().next_run_at,
        Some(manual.finished_at + mins(24 * 60))
    );
}

/// Offline: a check every minute (not the 5-minute back-off), "Offline" cleared as soon as Ashby
/// answers, and the sync that was due runs at once.
#[tokio::test(start_paused = true)]
async fn offline_is_checked_every_minute_and_cleared_when_ashby_answers() {
    let s = setup_with(synced_ago(EVERY + 10), MIN, &[], Duration::ZERO, |r| {
        r.codes.lock().unwrap().push_back(ErrorCode::Network);
        r.probes
            .lock()
            .unwrap()
            .extend([Some(false), Some(false), Some(true)]);
    });
    until(&s.clock, 1).await;
    assert_eq!(s.runner.starts(), [0]);
    assert_eq!(
        s.handle.state().online,
        Some(false),
        "offline once the run failed"
    );
    until(&s.clock, 3).await;
    assert_eq!(s.runner.probes(), [2, 3]);
    assert_eq!(s.handle.state().online, Some(false));
    assert_eq!(s.runner.calls().len(), 1, "a check is not a sync");
    until(&s.clock, 4).await;
    assert_eq!(s.runner.probes(), [2, 3, 4]);
    let st = s.handle.state();
    assert_eq!(st.online, Some(true), "cleared as soon as Ashby answers");
    // The sync was overdue: it runs at once, not at the back-off's +6.
    assert_eq!(s.runner.starts(), [0, 4]);
    assert_eq!(s.runner.calls()[1].trigger, Trigger::Retry);
    until(&s.clock, 30).await;
    assert_eq!(s.runner.probes().len(), 3, "no checks while online");
    assert_eq!(s.runner.calls().len(), 2);
}

/// Back online but nothing due: "Offline" clears and no sync starts before its time.
#[tokio::test(start_paused = true)]
async fn offline_at_launch_is_checked_at_once() {
    let facts = ScheduleFacts {
        last_offline: true,
        ..synced_ago(10)
    };
    let s = setup_with(facts, MIN, &[], Duration::ZERO, |r| {
        r.probes.lock().unwrap().push_back(Some(true));
    });
    settle().await;
    assert_eq!(s.runner.probes(), [0], "checked at launch");
    assert_eq!(s.handle.state().online, Some(true));
    assert!(s.runner.calls().is_empty(), "not due yet");
    assert_eq!(
        s.handle.state().next_run_at,
        Some(base() + mins(EVERY - 10))
    );

    // Not offline last time: no check at launch.
    let s = setup(synced_ago(10), MIN, &[], Duration::ZERO);
    until(&s.clock, 30).await;
    assert!(s.runner.probes().is_empty());
    assert_eq!(s.handle.state().online, None);
}
