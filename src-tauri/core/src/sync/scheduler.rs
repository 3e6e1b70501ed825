//! The sync scheduler: one tokio task that decides when to run a sync, runs at most one at a
//! time, and reports progress/completion through [`SchedulerEvents`].
//!
//! * Due one `interval` ([`DEFAULT_INTERVAL`]) after the last successful run, by the wall
//!   clock — checked at least every `check_every`, so a laptop waking from sleep past the due
//!   time syncs right away.
//! * Overdue at launch → a `startup` run immediately (catch-up).
//! * After failures: `backoff` steps (5, 15, 30, 60 min), then back to the interval.
//! * A little random jitter on scheduled runs so many installs don't hit Ashby in lockstep.
//! * "Sync now" is single-flight: while a run is going, callers join it. Finishing it moves the
//!   next scheduled run to one interval after it.
//! * No key / key rejected → automatic runs pause until [`SchedulerHandle::key_changed`], or
//!   until a run (Sync now) gets an answer for the key without an auth error.
//! * Another window or process holds the cache's sync lock → no run, no failure counted: "syncing
//!   in another window/process", tried again after `busy_retry`.
//! * The keychain is locked (or its unlock prompt went unanswered) → automatic runs pause, so
//!   the user is not prompted at every back-off step, until Sync now (Unlock and retry).
//! * A key change ([`SchedulerHandle::hold`], then `key_changed`/`key_removed`) cancels the
//!   running sync and waits for it before the cache is touched; a saved key syncs at once.
//! * A last run stamped in the future (the clock was set back) counts as "now".
//! * The interval is the user's choice ([`SchedulerHandle::set_interval`]; `None` pauses the
//!   automatic runs, Sync now still works).
//! * Offline (the last run or check could not reach Ashby): one cheap reachability check
//!   ([`SyncRunner::probe`]) every `probe_every`, and at launch when the last run was offline.
//!   As soon as Ashby answers, "Offline" clears and a sync that is due (by the interval, not
//!   by the back-off) starts.
//! * [`SchedulerHandle::shutdown`] stops a running sync; its open transaction rolls back, every
//!   committed stream stays (nothing half-written).

use super::clock::{SystemWallClock, WallClock};
use super::engine::{Engine, EngineConfig, ProgressSink, SyncProgress, SyncSummary};
use crate::ashby::Client;
use crate::enums::closed_enum;
use crate::error::{AppError, ErrorCode};
use crate::keys::KeyError;
use crate::store::{RunResult, ScheduleFacts, Store, Trigger};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use ts_rs::TS;

/// How often jobs sync. The one place to change it: the wizard's copy, the Settings screen (through
/// the generated `SYNC_EVERY` constant), the scheduler tests and the README check follow it.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(3600);
pub const DEFAULT_CHECK_EVERY: Duration = Duration::from_secs(60);
/// How often Ashby is asked whether it answers while the app is offline.
pub const DEFAULT_PROBE_EVERY: Duration = Duration::from_secs(60);
pub const DEFAULT_JITTER: Duration = Duration::from_secs(90);
/// How soon to try again when another window or process was syncing the same cache.
pub const DEFAULT_BUSY_RETRY: Duration = Duration::from_secs(2 * 60);
pub const DEFAULT_BACKOFF: [Duration; 4] = [
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(60 * 60),
];

closed_enum!(
    /// How often jobs sync, as chosen in Settings (stored in the cache's settings table).
    #[derive(Default)]
    pub enum SyncInterval {
        Minutes15 => "15m",
        Minutes30 => "30m",
        /// The default, as the partner's guide says.
        #[default]
        Hourly => "1h",
        Hours3 => "3h",
        Hours6 => "6h",
        Daily => "1d",
        /// No automatic syncs; Sync now still works.
        Paused => "paused",
    }
);

impl SyncInterval {
    /// The settings-table key it is stored under.
    pub const SETTING: &'static str = "sync_interval";

    /// `None` for [`Paused`](SyncInterval::Paused).
    pub fn duration(self) -> Option<Duration> {
        let mins = match self {
            SyncInterval::Minutes15 => 15,
            SyncInterval::Minutes30 => 30,
            SyncInterval::Hourly => return Some(DEFAULT_INTERVAL),
            SyncInterval::Hours3 => 3 * 60,
            SyncInterval::Hours6 => 6 * 60,
            SyncInterval::Daily => 24 * 60,
            SyncInterval::Paused => return None,
        };
        Some(Duration::from_secs(mins * 60))
    }

    /// The stored choice; the default when none (or an unknown one) is stored.
    pub fn stored(store: &Store) -> Result<SyncInterval, crate::store::Error> {
        Ok(store
            .setting(Self::SETTING)?
            .as_deref()
            .and_then(SyncInterval::parse)
            .unwrap_or_default())
    }

    pub fn store(self, store: &Store) -> Result<(), crate::store::Error> {
        store.set_setting(Self::SETTING, self.as_str())
    }
}

/// How long `interval` is, in words: "an hour", "30 minutes", "2 hours", "a minute".
pub fn interval_span(interval: Duration) -> String {
    let mins = interval.as_secs() / 60;
    let (n, unit) = if mins >= 60 && mins.is_multiple_of(60) {
        (mins / 60, "hour")
    } else {
        (mins.max(1), "minute")
    };
    match (n, unit) {
        (1, "hour") => "an hour".to_string(),
        (1, _) => "a minute".to_string(),
        (n, unit) => format!("{n} {unit}s"),
    }
}

/// How often a sync runs, in words: "every hour", "every 30 minutes", "every 2 hours".
pub fn interval_every(interval: Duration) -> String {
    let span = interval_span(interval);
    let unit = span.trim_start_matches("an ").trim_start_matches("a ");
    format!("every {unit}")
}

#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    /// How often to sync; `None` = automatic syncs paused (the user's choice).
    pub interval: Option<Duration>,
    /// How often to check whether Ashby answers again while offline.
    pub probe_every: Duration,
    /// How often the wall clock is compared with the due time.
    pub check_every: Duration,
    /// Scheduled runs start up to this much later than due (random).
    pub jitter: Duration,
    /// Wait after the 1st, 2nd, … consecutive failure; the last step repeats.
    pub backoff: Vec<Duration>,
    /// Wait after finding another window or process syncing the cache.
    pub busy_retry: Duration,
    pub clock: Arc<dyn WallClock>,
    /// Seed for the jitter (tests); `None` = random.
    pub seed: Option<u64>,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            interval: Some(DEFAULT_INTERVAL),
            probe_every: DEFAULT_PROBE_EVERY,
            check_every: DEFAULT_CHECK_EVERY,
            jitter: DEFAULT_JITTER,
            backoff: DEFAULT_BACKOFF.to_vec(),
            busy_retry: DEFAULT_BUSY_RETRY,
            clock: Arc::new(SystemWallClock),
            seed: None,
        }
    }
}

/// When the next automatic run is due (before jitter), or `None` while paused for a key.
/// Shared with `ashby-sync status`.
pub fn next_due(
    facts: &ScheduleFacts,
    interval: Duration,
    backoff: &[Duration],
) -> Option<DateTime<Utc>> {
    if facts.key_invalid {
        return None;
    }
    let add = |t: DateTime<Utc>, d: Duration| t + chrono::Duration::from_std(d).unwrap_or_default();
    if facts.consecutive_failures > 0 {
        if let Some(last) = facts.last_finished_at {
            let step = backoff
                .get(facts.consecutive_failures as usize - 1)
                .or(backoff.last())
                .copied()
                .unwrap_or(interval);
            return Some(add(last, step));
        }
    }
    match facts.last_success_at {
        Some(t) => Some(add(t, interval)),
        // Never synced: due now.
        None => Some(DateTime::<Utc>::MIN_UTC),
    }
}

/// Runs one sync. The app's implementation is [`EngineRunner`]; tests plug in fakes.
pub trait SyncRunner: Send + Sync + 'static {
    fn run(
        &self,
        trigger: Trigger,
        full: bool,
        progress: Arc<dyn ProgressSink>,
    ) -> BoxFuture<'static, SyncSummary>;

    /// One cheap check whether Ashby answers: `Some(true)` it does, `Some(false)` it can't be
    /// reached, `None` can't tell (no key to ask with).
    fn probe(&self) -> BoxFuture<'static, Option<bool>> {
        Box::pin(async { None })
    }
}

/// What stops the scheduler from starting a run. Each becomes that run's failed summary
/// (`error_code` = [`code`](SchedulerError::code)); the next run is retried after the backoff.
#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    /// The client for the run could not be built (keychain unreadable, client settings).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The task building the client died.
    #[error("The sync could not start ({0}). It will be retried.")]
    Internal(String),
}

impl SchedulerError {
    /// Stable machine code, recorded as the run's `error_code`.
    pub fn code(&self) -> ErrorCode {
        match self {
            SchedulerError::Key(e) => e.code(),
            SchedulerError::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<SchedulerError> for AppError {
    fn from(e: SchedulerError) -> Self {
        match e {
            SchedulerError::Key(k) => k.into(),
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

/// Builds the client for a run: `Ok(None)` when no key is stored yet.
pub type ClientFactory = Arc<dyn Fn() -> Result<Option<Client>, SchedulerError> + Send + Sync>;

/// The real runner: asks `clients` for a client (key from `ASHBY_API_KEY` or the keychain) and
/// runs the [`Engine`] on `store`.
#[derive(Clone)]
pub struct EngineRunner {
    pub store: Store,
    pub clients: ClientFactory,
    pub config: EngineConfig,
}

impl SyncRunner for EngineRunner {
    fn run(
        &self,
        trigger: Trigger,
        full: bool,
        progress: Arc<dyn ProgressSink>,
    ) -> BoxFuture<'static, SyncSummary> {
        let store = self.store.clone();
        let clients = self.clients.clone();
        let cfg = self.config.clone();
        Box::pin(async move {
            let now = cfg.clock.now();
            // The generation is read before the key: a key saved in between moves it on, so
            // a run that got the old key cannot write (`Store::bound_to`).
            let gen_store = store.clone();
            let generation = match tokio::task::spawn_blocking(move || gen_store.generation()).await
            {
                Ok(Ok(g)) => g,
                Ok(Err(e)) => {
                    return SyncSummary::not_started(trigger, now, e.code(), e.to_string(), false)
                }
                Err(e) => {
                    let e = SchedulerError::Internal(e.to_string());
                    return SyncSummary::not_started(trigger, now, e.code(), e.to_string(), false);
                }
            };
            // The keychain may block (D-Bus, an unlock prompt): off the runtime threads.
            let client = tokio::task::spawn_blocking(move || clients())
                .await
                .unwrap_or_else(|e| Err(SchedulerError::Internal(e.to_string())));
            match client {
                Ok(Some(client)) => {
                    Engine::with_config(client, store.bound_to(generation), cfg)
                        .run(trigger, full, &*progress)
                        .await
                }
                Ok(None) => SyncSummary::not_started(
                    trigger,
                    now,
                    ErrorCode::NoKey,
                    "No Ashby API key is stored yet. Finish the set-up to start syncing.".into(),
                    true,
                ),
                Err(e) => SyncSummary::not_started(trigger, now, e.code(), e.to_string(), false),
            }
        })
    }

    fn probe(&self) -> BoxFuture<'static, Option<bool>> {
        let clients = self.clients.clone();
        Box::pin(async move {
            let client = tokio::task::spawn_blocking(move || clients()).await.ok()?;
            match client {
                Ok(Some(client)) => match client.reachable().await {
                    Ok(()) => Some(true),
                    Err(e) => {
                        tracing::debug!(code = %e.code(), "reachability check: no answer");
                        Some(!e.code().is_offline())
                    }
                },
                _ => None,
            }
        })
    }
}

/// Where the scheduler reports to (the Tauri layer turns these into events).
pub trait SchedulerEvents: Send + Sync + 'static {
    fn progress(&self, _progress: &SyncProgress) {}
    fn started(&self, _trigger: Trigger) {}
    fn finished(&self, _summary: &SyncSummary) {}
    fn state_changed(&self, _state: &SchedulerState) {}
}

/// Ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoEvents;

impl SchedulerEvents for NoEvents {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SchedulerState {
    /// The trigger of the run in progress, if any.
    pub running: Option<Trigger>,
    /// Next automatic run (with jitter); `None` while paused or running.
    pub next_run_at: Option<DateTime<Utc>>,
    /// Automatic runs wait for a (new) key.
    pub paused_for_key: bool,
    /// The last attempt found another window or process syncing this cache; retried later.
    pub busy_elsewhere: bool,
    /// The keychain is locked (or did not answer): automatic runs wait for Sync now.
    pub keychain_locked: bool,
    pub consecutive_failures: u32,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_summary: Option<SyncSummary>,
    /// Whether Ashby answered the last run or reachability check (`None`: nothing asked yet).
    pub online: Option<bool>,
    /// The sync interval in seconds; `None` while automatic syncs are paused by the user.
    #[ts(type = "number | null")]
    pub interval_secs: Option<u64>,
}

enum Cmd {
    SyncNow {
        full: bool,
        reply: Option<oneshot::Sender<SyncSummary>>,
    },
    KeyChanged,
    KeyRemoved,
    SetInterval(Option<Duration>),
    CheckNow,
    Hold(oneshot::Sender<()>),
    Release,
    Shutdown(oneshot::Sender<()>),
}

/// Control of a running scheduler. Cheap to clone.
#[derive(Clone)]
pub struct SchedulerHandle {
    tx: mpsc::UnboundedSender<Cmd>,
    state: watch::Receiver<SchedulerState>,
}

impl std::fmt::Debug for SchedulerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchedulerHandle")
            .field("state", &*self.state.borrow())
            .finish()
    }
}

impl SchedulerHandle {
    /// Runs a sync now, or joins the one in progress, and returns its summary. `None` if the
    /// scheduler stopped before the run finished.
    pub async fn sync_now(&self, full: bool) -> Option<SyncSummary> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::SyncNow {
                full,
                reply: Some(tx),
            })
            .ok()?;
        rx.await.ok()
    }

    /// "Sync now" without waiting (tray menu).
    pub fn request_sync(&self, full: bool) {
        let _ = self.tx.send(Cmd::SyncNow { full, reply: None });
    }

    /// A new key was saved: leave the "waiting for a key" pause (and a hold) and sync with it
    /// at once; a run still going with the old key is cancelled first.
    pub fn key_changed(&self) {
        let _ = self.tx.send(Cmd::KeyChanged);
    }

    /// The user chose another interval (`None`: pause automatic syncs); the next run moves
    /// to one new interval after the last success (now, if that is past).
    pub fn set_interval(&self, interval: Option<Duration>) {
        let _ = self.tx.send(Cmd::SetInterval(interval));
    }

    /// The OS reported a network change: while offline, check at once whether Ashby answers
    /// (instead of at the next minute's check).
    pub fn check_now(&self) {
        let _ = self.tx.send(Cmd::CheckNow);
    }

    /// The key was removed: end a hold and wait for a new key.
    pub fn key_removed(&self) {
        let _ = self.tx.send(Cmd::KeyRemoved);
    }

    /// Cancels the running sync, waits until it has stopped (its open transaction rolled back,
    /// its history row closed) and starts no other until [`release`](Self::release),
    /// [`key_changed`](Self::key_changed) or [`key_removed`](Self::key_removed): what a key
    /// change does before it touches the cache. "Sync now" while held waits for the release.
    pub async fn hold(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Cmd::Hold(tx)).is_ok() {
            let _ = rx.await;
        }
    }

    /// Ends a [`hold`](Self::hold) without a key change (the change failed).
    pub fn release(&self) {
        let _ = self.tx.send(Cmd::Release);
    }

    pub fn state(&self) -> SchedulerState {
        self.state.borrow().clone()
    }

    /// Stops the scheduler; a sync in progress is cancelled (committed streams stay, the pass in
    /// flight rolls back) and its history row closed as interrupted.
    pub async fn shutdown(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Cmd::Shutdown(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

/// Starts the scheduler task on the current tokio runtime. `facts` come from
/// `Store::schedule_facts()`.
pub fn start(
    runner: Arc<dyn SyncRunner>,
    events: Arc<dyn SchedulerEvents>,
    facts: ScheduleFacts,
    config: SchedulerConfig,
) -> SchedulerHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let initial = SchedulerState {
        running: None,
        next_run_at: None,
        paused_for_key: facts.key_invalid,
        busy_elsewhere: false,
        keychain_locked: false,
        consecutive_failures: facts.consecutive_failures,
        last_success_at: facts.last_success_at,
        last_summary: None,
        online: None,
        interval_secs: config.interval.map(|d| d.as_secs()),
    };
    let (state_tx, state_rx) = watch::channel(initial);
    let rng = match config.seed {
        Some(s) => fastrand::Rng::with_seed(s),
        None => fastrand::Rng::new(),
    };
    let task = Task {
        runner,
        events,
        facts,
        cfg: config,
        rx,
        state_tx,
        running: None,
        next_run_at: None,
        last_summary: None,
        rng,
        held: false,
        held_waiters: Vec::new(),
        busy_elsewhere: false,
        keychain_locked: false,
        online: None,
        probing: None,
        next_probe_at: None,
    };
    tokio::spawn(task.run());
    SchedulerHandle {
        tx,
        state: state_rx,
    }
}

struct Running {
    trigger: Trigger,
    handle: JoinHandle<SyncSummary>,
    waiters: Vec<oneshot::Sender<SyncSummary>>,
}

struct Task {
    runner: Arc<dyn SyncRunner>,
    events: Arc<dyn SchedulerEvents>,
    facts: ScheduleFacts,
    cfg: SchedulerConfig,
    rx: mpsc::UnboundedReceiver<Cmd>,
    state_tx: watch::Sender<SchedulerState>,
    running: Option<Running>,
    next_run_at: Option<DateTime<Utc>>,
    last_summary: Option<SyncSummary>,
    rng: fastrand::Rng,
    /// A key change is in progress: nothing starts.
    held: bool,
    /// "Sync now" callers that came during a hold.
    held_waiters: Vec<oneshot::Sender<SyncSummary>>,
    busy_elsewhere: bool,
    keychain_locked: bool,
    online: Option<bool>,
    /// The reachability check in flight.
    probing: Option<JoinHandle<Option<bool>>>,
    /// When to check again whether Ashby answers (set only while offline).
    next_probe_at: Option<DateTime<Utc>>,
}

struct EventsProgress(Arc<dyn SchedulerEvents>);

impl ProgressSink for EventsProgress {
    fn report(&self, progress: &SyncProgress) {
        self.0.progress(progress);
    }
}

async fn wait_running(running: &mut Option<Running>, clock: &dyn WallClock) -> SyncSummary {
    match running {
        Some(r) => {
            let trigger = r.trigger;
            match (&mut r.handle).await {
                Ok(summary) => summary,
                Err(e) => SyncSummary::not_started(
                    trigger,
                    clock.now(),
                    ErrorCode::Internal,
                    format!("The sync stopped unexpectedly ({e}). It will be retried."),
                    false,
                ),
            }
        }
        None => std::future::pending().await,
    }
}

async fn wait_probe(probing: &mut Option<JoinHandle<Option<bool>>>) -> Option<bool> {
    match probing {
        Some(p) => p.await.ok().flatten(),
        None => std::future::pending().await,
    }
}

impl Task {
    async fn run(mut self) {
        self.reschedule();
        // Catch-up at launch: overdue (or never synced) → run now.
        if self
            .next_run_at
            .is_some_and(|due| due <= self.cfg.clock.now())
        {
            self.start_run(Trigger::Startup, false, None);
        } else if self.facts.last_offline {
            // Offline when the app last ran: find out now, not at the next due time.
            self.next_probe_at = Some(self.cfg.clock.now());
        }
        loop {
            self.publish();
            let wait = self.wait_time();
            tokio::select! {
                cmd = self.rx.recv() => match cmd {
                    None => {
                        self.stop().await;
                        return;
                    }
                    Some(Cmd::Shutdown(ack)) => {
                        self.stop().await;
                        self.publish();
                        let _ = ack.send(());
                        return;
                    }
                    Some(Cmd::SyncNow { full, reply }) => match &mut self.running {
                        // Single-flight: join the run in progress.
                        Some(r) => r.waiters.extend(reply),
                        None if self.held => self.held_waiters.extend(reply),
                        None => self.start_run(Trigger::Manual, full, reply),
                    },
                    Some(Cmd::SetInterval(interval)) => {
                        tracing::info!(secs = interval.map(|d| d.as_secs()), "scheduler: interval changed");
                        self.cfg.interval = interval;
                        if self.running.is_none() {
                            self.reschedule();
                        }
                    }
                    Some(Cmd::CheckNow) => {
                        if self.online == Some(false) && self.next_probe_at.is_some() {
                            self.next_probe_at = Some(self.cfg.clock.now());
                        }
                    }
                    Some(Cmd::KeyChanged) => {
                        // The run in flight (if any) uses the old key: stop it, start afresh.
                        let mut waiters = self.cancel_running().await;
                        waiters.append(&mut self.held_waiters);
                        self.held = false;
                        self.facts.key_invalid = false;
                        self.facts.consecutive_failures = 0;
                        self.keychain_locked = false;
                        self.busy_elsewhere = false;
                        // The set-up's first sync, or a replaced key's (also when someone
                        // pressed Sync now meanwhile: the key change is why it runs).
                        let trigger = if self.facts.last_success_at.is_none() {
                            Trigger::Setup
                        } else {
                            Trigger::NewKey
                        };
                        self.start_run(trigger, false, None);
                        self.join_running(waiters);
                    }
                    Some(Cmd::KeyRemoved) => {
                        let mut waiters = self.cancel_running().await;
                        waiters.append(&mut self.held_waiters);
                        self.held = false;
                        self.facts.key_invalid = true;
                        self.reschedule();
                        if !waiters.is_empty() {
                            self.start_run(Trigger::Manual, false, None);
                            self.join_running(waiters);
                        }
                    }
                    Some(Cmd::Hold(ack)) => {
                        let waiters = self.cancel_running().await;
                        self.held_waiters.extend(waiters);
                        self.held = true;
                        self.next_run_at = None;
                        self.publish();
                        let _ = ack.send(());
                    }
                    Some(Cmd::Release) => {
                        self.held = false;
                        self.reschedule();
                        let waiters = std::mem::take(&mut self.held_waiters);
                        if !waiters.is_empty() {
                            self.start_run(Trigger::Manual, false, None);
                            self.join_running(waiters);
                        }
                    }
                },
                summary = wait_running(&mut self.running, &*self.cfg.clock) => {
                    self.on_finished(summary)
                }
                reachable = wait_probe(&mut self.probing) => {
                    self.probing = None;
                    self.on_probed(reachable);
                }
                _ = tokio::time::sleep(wait), if self.running.is_none() => {
                    let now = self.cfg.clock.now();
                    if !self.held && self.next_run_at.is_some_and(|due| due <= now) {
                        let trigger = if self.facts.consecutive_failures > 0 {
                            Trigger::Retry
                        } else {
                            Trigger::Schedule
                        };
                        self.start_run(trigger, false, None);
                    } else if self.probing.is_none()
                        && self.next_probe_at.is_some_and(|at| at <= now)
                    {
                        self.next_probe_at = None;
                        self.probing = Some(tokio::spawn(self.runner.probe()));
                    }
                }
            }
        }
    }

    /// Sleep until due (or the next reachability check), but never longer than `check_every`
    /// (wall clock may jump: sleep/wake).
    fn wait_time(&self) -> Duration {
        let now = self.cfg.clock.now();
        let probe = self.next_probe_at.filter(|_| self.probing.is_none());
        let next = match (self.next_run_at, probe) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match next {
            Some(due) if due <= now => Duration::ZERO,
            Some(due) => (due - now)
                .to_std()
                .unwrap_or_default()
                .min(self.cfg.check_every),
            None => self.cfg.check_every,
        }
    }

    /// A reachability check came back.
    fn on_probed(&mut self, reachable: Option<bool>) {
        let now = self.cfg.clock.now();
        match reachable {
            Some(true) => {
                tracing::info!("scheduler: Ashby answers again");
                self.online = Some(true);
                self.next_probe_at = None;
                // The failures were the network's: due is one interval after the last success
                // again, not the back-off's step.
                self.facts.consecutive_failures = 0;
                self.reschedule();
                if !self.held
                    && self.running.is_none()
                    && self.next_run_at.is_some_and(|due| due <= now)
                {
                    self.start_run(Trigger::Retry, false, None);
                }
            }
            Some(false) => {
                self.online = Some(false);
                self.next_probe_at = Some(now + chrono_of(self.cfg.probe_every));
            }
            // No key to ask with: the next run will tell.
            None => self.next_probe_at = Some(now + chrono_of(self.cfg.probe_every)),
        }
    }

    fn join_running(&mut self, waiters: Vec<oneshot::Sender<SyncSummary>>) {
        if let Some(r) = &mut self.running {
            r.waiters.extend(waiters);
        }
    }

    fn reschedule(&mut self) {
        let now = self.cfg.clock.now();
        // A last run "in the future" means the clock was set back: count it as now, or the
        // schedule would wait until the clock caught up.
        for (what, t) in [
            ("last success", &mut self.facts.last_success_at),
            ("last finish", &mut self.facts.last_finished_at),
        ] {
            if let Some(at) = t.filter(|at| *at > now) {
                tracing::warn!(%at, %now, "the {what} is in the future (clock set back?): treated as now");
                *t = Some(now);
            }
        }
        if self.held || self.keychain_locked {
            self.next_run_at = None;
            return;
        }
        if self.busy_elsewhere {
            self.next_run_at =
                Some(now + chrono::Duration::from_std(self.cfg.busy_retry).unwrap_or_default());
            return;
        }
        let Some(interval) = self.cfg.interval else {
            // Paused by the user: only Sync now runs.
            self.next_run_at = None;
            return;
        };
        self.next_run_at = next_due(&self.facts, interval, &self.cfg.backoff).map(|due| {
            if due <= now {
                now
            } else {
                let jitter_ms = self.cfg.jitter.as_millis().min(u64::MAX as u128) as u64;
                let j = if jitter_ms == 0 {
                    0
                } else {
                    self.rng.u64(0..=jitter_ms)
                };
                due + chrono::Duration::milliseconds(j as i64)
            }
        });
    }

    fn start_run(
        &mut self,
        trigger: Trigger,
        full: bool,
        reply: Option<oneshot::Sender<SyncSummary>>,
    ) {
        tracing::info!(
            trigger = trigger.as_str(),
            full,
            "scheduler: starting a sync"
        );
        let progress: Arc<dyn ProgressSink> = Arc::new(EventsProgress(self.events.clone()));
        let handle = tokio::spawn(self.runner.run(trigger, full, progress));
        self.running = Some(Running {
            trigger,
            handle,
            waiters: reply.into_iter().collect(),
        });
        self.next_run_at = None;
        self.events.started(trigger);
    }

    fn on_finished(&mut self, summary: SyncSummary) {
        let Some(running) = self.running.take() else {
            return;
        };
        let code = summary.error_code;
        // Not a failure of this app's sync: another one ran, or the key changed under it.
        let not_ours = matches!(
            code,
            Some(ErrorCode::SyncBusy) | Some(ErrorCode::SyncSuperseded)
        );
        self.busy_elsewhere = code == Some(ErrorCode::SyncBusy);
        self.keychain_locked = code == Some(ErrorCode::KeychainLocked);
        if !not_ours {
            match summary.result {
                RunResult::Ok | RunResult::Partial => {
                    self.facts.last_success_at = Some(summary.finished_at);
                    self.facts.consecutive_failures = 0;
                }
                RunResult::Failed => self.facts.consecutive_failures += 1,
            }
            self.facts.last_finished_at = Some(summary.finished_at);
        }
        if !not_ours {
            let offline =
                summary.result == RunResult::Failed && code.is_some_and(ErrorCode::is_offline);
            self.online = Some(!offline);
            let now = self.cfg.clock.now();
            self.next_probe_at = offline.then(|| now + chrono_of(self.cfg.probe_every));
        }
        if summary.needs_key {
            self.facts.key_invalid = true;
        } else if super::plan::key_worked(&summary.streams, false) {
            // Ashby answered the key without an auth error: a "rejected" mark was transient.
            self.facts.key_invalid = false;
        }
        self.events.finished(&summary);
        for w in running.waiters {
            let _ = w.send(summary.clone());
        }
        self.last_summary = Some(summary);
        self.reschedule();
    }

    async fn stop(&mut self) {
        self.cancel_running().await;
        self.next_run_at = None;
    }

    /// Aborts the run in progress and waits until it is gone; returns its waiters.
    async fn cancel_running(&mut self) -> Vec<oneshot::Sender<SyncSummary>> {
        match self.running.take() {
            Some(r) => {
                tracing::info!("scheduler: stopping the sync in progress");
                r.handle.abort();
                // Wait for the cancellation to finish (drops the run: its open transaction rolls
                // back, its history row is closed, its sync lock released).
                let _ = r.handle.await;
                r.waiters
            }
            None => Vec::new(),
        }
    }

    fn publish(&self) {
        let state = SchedulerState {
            running: self.running.as_ref().map(|r| r.trigger),
            next_run_at: self.next_run_at,
            paused_for_key: self.facts.key_invalid,
            busy_elsewhere: self.busy_elsewhere,
            keychain_locked: self.keychain_locked,
            consecutive_failures: self.facts.consecutive_failures,
            last_success_at: self.facts.last_success_at,
            last_summary: self.last_summary.clone(),
            online: self.online,
            interval_secs: self.cfg.interval.map(|d| d.as_secs()),
        };
        let changed = self.state_tx.send_if_modified(|cur| {
            if *cur != state {
                *cur = state.clone();
                true
            } else {
                false
            }
        });
        if changed {
            self.events.state_changed(&state);
        }
    }
}

fn chrono_of(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_choices_and_their_durations() {
        assert_eq!(SyncInterval::default().duration(), Some(DEFAULT_INTERVAL));
        assert_eq!(
            SyncInterval::Minutes15.duration(),
            Some(Duration::from_secs(900))
        );
        assert_eq!(
            SyncInterval::Daily.duration(),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(SyncInterval::Paused.duration(), None);
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("c.sqlite3")).unwrap().store;
        assert_eq!(SyncInterval::stored(&store).unwrap(), SyncInterval::Hourly);
        SyncInterval::Hours6.store(&store).unwrap();
        assert_eq!(SyncInterval::stored(&store).unwrap(), SyncInterval::Hours6);
        store
            .set_setting(SyncInterval::SETTING, "fortnightly")
            .unwrap();
        assert_eq!(SyncInterval::stored(&store).unwrap(), SyncInterval::Hourly);
    }

    #[test]
    fn intervals_in_words() {
        let mins = |m: u64| Duration::from_secs(m * 60);
        assert_eq!(interval_span(mins(60)), "an hour");
        assert_eq!(interval_every(mins(60)), "every hour");
        assert_eq!(interval_span(mins(120)), "2 hours");
        assert_eq!(interval_every(mins(120)), "every 2 hours");
        assert_eq!(interval_span(mins(30)), "30 minutes");
        assert_eq!(interval_every(mins(30)), "every 30 minutes");
        assert_eq!(interval_span(mins(90)), "90 minutes");
        assert_eq!(interval_span(mins(1)), "a minute");
        assert_eq!(interval_every(mins(1)), "every minute");
        assert_eq!(interval_every(Duration::from_secs(5)), "every minute");
    }
}
