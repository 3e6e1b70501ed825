//! What to tell the user outside the window (desktop notifications). Decided here, as pure
//! functions of the sync's outcome, the user's choices and what was already said; the app only
//! shows the [`Notice`]s they return.
//!
//! * Action needed (on by default): the key was rejected, a module permission was lost, the
//!   keychain is locked, nothing has synced successfully for [`STALE_AFTER`]. Each is said once
//!   and remembered ([`NotifyMemory`]) until it is resolved, so a paused or failing sync does not
//!   repeat it every hour.
//! * The digest (opt-in): after a sync that changed jobs, "5 new jobs, 2 closed", optionally
//!   only for chosen departments. Never for the first sync with a key (everything is new).
//!
//! A routine successful sync says nothing.

use crate::ashby::Module;
use crate::enums::closed_enum;
use crate::error::ErrorCode;
use crate::store::{ChangeKind, KindCount, Result as StoreResult, RunResult, Store, Stream};
use crate::sync::{key_worked, SyncSummary};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use ts_rs::TS;

/// Nothing synced successfully for this long: worth a notification.
pub const STALE_AFTER: chrono::Duration = chrono::Duration::hours(24);

/// The settings entries (the cache's `settings` table).
const PREFS_KEY: &str = "notifications";
const MEMORY_KEY: &str = "notifications.memory";

closed_enum!(
    /// A condition that needs the user.
    pub enum Attention {
        KeyRejected => "key_rejected",
        PermissionLost => "permission_lost",
        KeychainLocked => "keychain_locked",
        NotSynced => "not_synced",
    }
);

closed_enum!(
    /// The screen a click on a notification opens.
    pub enum NoticeTarget {
        Settings => "settings",
        Jobs => "jobs",
        /// The Changes view (the digest).
        Changes => "changes",
        History => "history",
    }
);

/// What the user chose in Settings → Notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NotificationPrefs {
    /// Key rejected, permission lost, keychain locked, nothing synced for a day.
    pub action_needed: bool,
    /// "5 new jobs, 2 closed" after a sync with changes.
    pub digest: bool,
    /// Only changes in these departments (ids) count for the digest; empty means all.
    pub digest_departments: Vec<String>,
}

impl Default for NotificationPrefs {
    fn default() -> Self {
        NotificationPrefs {
            action_needed: true,
            digest: false,
            digest_departments: Vec::new(),
        }
    }
}

/// What was already said, kept in the cache so a restart does not say it again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotifyMemory {
    /// The cache generation this belongs to: a new key starts afresh.
    pub generation: u64,
    /// Conditions notified (or seen while notifications were off) and not resolved since.
    pub active: BTreeSet<Attention>,
    /// Modules the key lacked in the last run that reached Ashby; `None` until one did with
    /// this key (that run sets the baseline: nothing was "lost" yet, and nothing is "new").
    pub missing_modules: Option<BTreeSet<Module>>,
}

/// Counts for the digest, from the run's typed change records ([`digest_input`]) or, when
/// those cannot be read, from its per-stream counts ([`DigestInput::from_summary`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DigestCounts {
    pub new_jobs: u32,
    /// Draft → Open.
    pub opened_jobs: u32,
    /// Closed or archived.
    pub closed_jobs: u32,
    pub reopened_jobs: u32,
    /// Other edits to jobs (renamed, moved, back to draft, other status changes).
    pub changed_jobs: u32,
    pub removed_jobs: u32,
    pub new_postings: u32,
    /// Listed or unlisted, renamed, description or compensation edited, unpublished.
    pub changed_postings: u32,
    pub removed_postings: u32,
}

impl DigestCounts {
    pub fn is_empty(&self) -> bool {
        *self == DigestCounts::default()
    }

    /// Counts `n` changes of `kind` where they belong. A first-sync line counts nothing
    /// (everything is new then; no digest is sent for it).
    pub fn add_kind(&mut self, kind: ChangeKind, n: u32) {
        let slot = match kind {
            ChangeKind::FirstSync | ChangeKind::Other => return,
            ChangeKind::JobAdded => &mut self.new_jobs,
            ChangeKind::JobOpened => &mut self.opened_jobs,
            ChangeKind::JobClosed | ChangeKind::JobArchived => &mut self.closed_jobs,
            ChangeKind::JobReopened => &mut self.reopened_jobs,
            ChangeKind::JobBackToDraft
            | ChangeKind::JobStatusChanged
            | ChangeKind::JobRenamed
            | ChangeKind::DepartmentChanged
            | ChangeKind::LocationChanged => &mut self.changed_jobs,
            ChangeKind::JobRemoved => &mut self.removed_jobs,
            ChangeKind::PostingPublished => &mut self.new_postings,
            ChangeKind::PostingUnpublished
            | ChangeKind::PostingListed
            | ChangeKind::PostingUnlisted
            | ChangeKind::PostingRenamed
            | ChangeKind::DescriptionEdited
            | ChangeKind::CompensationChanged => &mut self.changed_postings,
            ChangeKind::PostingRemoved => &mut self.removed_postings,
        };
        *slot += n;
    }

    fn from_kinds(counts: &[KindCount]) -> DigestCounts {
        let mut c = DigestCounts::default();
        for k in counts {
            c.add_kind(k.kind, k.count);
        }
        c
    }

    /// "5 new jobs, 2 closed, 1 posting removed".
    pub fn words(&self) -> String {
        let n = |k: u32, one: &str, many: &str| match k {
            0 => None,
            1 => Some(format!("1 {one}")),
            k => Some(format!("{k} {many}")),
        };
        [
            n(self.new_jobs, "new job", "new jobs"),
            n(self.opened_jobs, "opened", "opened"),
            n(self.closed_jobs, "closed", "closed"),
            n(self.reopened_jobs, "reopened", "reopened"),
            n(self.changed_jobs, "job updated", "jobs updated"),
            n(self.removed_jobs, "job removed", "jobs removed"),
            n(self.new_postings, "new posting", "new postings"),
            n(self.changed_postings, "posting updated", "postings updated"),
            n(self.removed_postings, "posting removed", "postings removed"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// What a run changed, for the digest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestInput {
    pub total: DigestCounts,
    /// The same counts limited to the departments the user follows (and their teams); `None`
    /// when the source cannot tell (then a digest limited to departments is not sent rather
    /// than guessed).
    pub followed: Option<DigestCounts>,
}

impl DigestInput {
    /// From the per-stream counts every run reports: new, updated and removed jobs and
    /// postings; no department split and no closed/reopened (the counts do not say why a job
    /// changed). The fallback when the change records cannot be read.
    pub fn from_summary(s: &SyncSummary) -> DigestInput {
        let jobs = s.counts(Stream::Jobs);
        let postings = s.counts(Stream::Postings);
        DigestInput {
            total: DigestCounts {
                new_jobs: jobs.inserted,
                changed_jobs: jobs.updated,
                removed_jobs: jobs.removed,
                new_postings: postings.inserted,
                changed_postings: postings.updated,
                removed_postings: postings.removed,
                ..Default::default()
            },
            followed: None,
        }
    }

    /// The counts that matter to someone following `departments` (empty = all).
    fn counts_for(&self, departments: &[String]) -> Option<DigestCounts> {
        if departments.is_empty() {
            Some(self.total)
        } else {
            self.followed
        }
    }
}

/// What run `run_id` changed, from its change records: "2 closed" and "1 reopened" are told
/// apart, and `departments` (with their teams) limit [`DigestInput::followed`]. A change is
/// counted under its job's department now; a removed job has none left, so it counts only
/// in the total.
pub fn digest_input(
    store: &Store,
    run_id: i64,
    departments: &[String],
) -> StoreResult<DigestInput> {
    let total = DigestCounts::from_kinds(&store.changes_summary(run_id)?.counts);
    let followed = if departments.is_empty() {
        total
    } else {
        DigestCounts::from_kinds(&store.change_counts_in_departments(run_id, departments)?)
    };
    Ok(DigestInput {
        total,
        followed: Some(followed),
    })
}

/// What the digest or a condition says, and where a click takes the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    /// `None` for the digest.
    pub attention: Option<Attention>,
    pub title: String,
    pub body: String,
    pub target: NoticeTarget,
}

/// Where a notification click cannot be observed (tauri-plugin-notification on macOS and
/// Windows: a click only brings the app to the front), the app opens the screen of the last
/// notification when its window is next activated — if that happens within [`Self::FRESH`],
/// which is what a click looks like from inside the app.
#[derive(Debug, Default)]
pub struct ClickFallback {
    pending: Option<(std::time::Instant, NoticeTarget)>,
}

impl ClickFallback {
    pub const fn new() -> Self {
        ClickFallback { pending: None }
    }

    /// An activation this long after a notification is taken as its click.
    pub const FRESH: std::time::Duration = std::time::Duration::from_secs(10 * 60);

    pub fn shown(&mut self, target: NoticeTarget, at: std::time::Instant) {
        self.pending = Some((at, target));
    }

    /// The window was activated at `at`: the screen to open, once.
    pub fn activated(&mut self, at: std::time::Instant) -> Option<NoticeTarget> {
        let (shown, target) = self.pending.take()?;
        (at.saturating_duration_since(shown) <= Self::FRESH).then_some(target)
    }
}

/// The notices to show and what to remember (save it even when there is nothing to show).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub notices: Vec<Notice>,
    pub memory: NotifyMemory,
}

fn module_names(ms: &BTreeSet<Module>) -> String {
    ms.iter().map(|m| m.label()).collect::<Vec<_>>().join(", ")
}

fn attention_notice(a: Attention, detail: &str) -> Notice {
    let (title, body, target) = match a {
        Attention::KeyRejected => (
            "Ashby rejected the API key".to_string(),
            "Syncing has stopped. Open Settings and enter a new key; if you did not revoke it, \
             ask your Ashby admin."
                .to_string(),
            NoticeTarget::Settings,
        ),
        Attention::PermissionLost => (
            format!("The API key lost access to {detail}"),
            "Those jobs data are no longer synced. Open Settings to see what is missing and how \
             to fix it in Ashby."
                .to_string(),
            NoticeTarget::Settings,
        ),
        Attention::KeychainLocked => (
            "The keychain is locked".to_string(),
            "Syncing is paused until it is unlocked. Open Ashby Sync and choose Unlock and retry."
                .to_string(),
            NoticeTarget::Jobs,
        ),
        Attention::NotSynced => (
            "Nothing has synced for a day".to_string(),
            format!(
                "The cached jobs may be out of date.{} Open Sync history to see what went wrong.",
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(" Last problem: {detail}")
                }
            ),
            NoticeTarget::History,
        ),
    };
    Notice {
        attention: Some(a),
        title,
        body,
        target,
    }
}

/// Sets or clears `a`; returns whether it just became active.
fn flag(active: &mut BTreeSet<Attention>, a: Attention, on: bool) -> bool {
    if on {
        active.insert(a)
    } else {
        active.remove(&a);
        false
    }
}

/// The 24-hour check, shared by [`after_run`] and [`on_tick`]. Said only when nothing else that
/// needs the user is active (that one already explains why nothing syncs).
fn stale_check(
    prefs: &NotificationPrefs,
    memory: &mut NotifyMemory,
    last_success_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    detail: &str,
    notices: &mut Vec<Notice>,
) {
    let stale = last_success_at.is_some_and(|t| now - t >= STALE_AFTER);
    let others = memory
        .active
        .iter()
        .any(|a| *a != Attention::NotSynced && *a != Attention::PermissionLost);
    if flag(&mut memory.active, Attention::NotSynced, stale) && prefs.action_needed && !others {
        notices.push(attention_notice(Attention::NotSynced, detail));
    }
}

/// After a sync run finished. `last_success_at` is the scheduler's (after this run);
/// `digest` what the run changed.
pub fn after_run(
    prefs: &NotificationPrefs,
    memory: &NotifyMemory,
    summary: &SyncSummary,
    digest: &DigestInput,
    last_success_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Decision {
    let mut memory = memory.clone();
    let mut notices = Vec::new();
    // Another process synced, or a key change stopped this run: nothing about this key.
    if matches!(
        summary.error_code,
        Some(ErrorCode::SyncBusy) | Some(ErrorCode::SyncSuperseded)
    ) {
        return Decision { notices, memory };
    }
    let action = prefs.action_needed;
    let code = summary.error_code;
    let reached_ashby = key_worked(&summary.streams, summary.needs_key);

    let rejected = summary.needs_key && code != Some(ErrorCode::NoKey);
    let resolved = reached_ashby || code == Some(ErrorCode::NoKey);
    if rejected {
        if flag(&mut memory.active, Attention::KeyRejected, true) && action {
            notices.push(attention_notice(Attention::KeyRejected, ""));
        }
    } else if resolved {
        flag(&mut memory.active, Attention::KeyRejected, false);
    }

    let locked = code == Some(ErrorCode::KeychainLocked);
    if flag(&mut memory.active, Attention::KeychainLocked, locked) && action {
        notices.push(attention_notice(Attention::KeychainLocked, ""));
    }

    // Missing modules are known only from a run that reached Ashby with the key.
    let first_with_key = memory.missing_modules.is_none();
    if reached_ashby {
        let now_missing: BTreeSet<Module> = summary.missing_modules.iter().copied().collect();
        if let Some(before) = &memory.missing_modules {
            let lost: BTreeSet<Module> = now_missing.difference(before).copied().collect();
            if !lost.is_empty() && action {
                notices.push(attention_notice(
                    Attention::PermissionLost,
                    &module_names(&lost),
                ));
            }
        }
        flag(
            &mut memory.active,
            Attention::PermissionLost,
            !now_missing.is_empty(),
        );
        memory.missing_modules = Some(now_missing);
    }

    let detail = summary.error_message.clone().unwrap_or_default();
    stale_check(
        prefs,
        &mut memory,
        last_success_at,
        now,
        &detail,
        &mut notices,
    );

    if prefs.digest && reached_ashby && !first_with_key && summary.result != RunResult::Failed {
        if let Some(c) = digest.counts_for(&prefs.digest_departments) {
            if !c.is_empty() {
                notices.push(Notice {
                    attention: None,
                    title: "Jobs changed in Ashby".to_string(),
                    body: c.words(),
                    target: NoticeTarget::Changes,
                });
            }
        }
    }
    Decision { notices, memory }
}

/// The periodic check while no run finishes (a sync paused for the key or the keychain, a
/// computer that slept): only the 24-hour rule.
pub fn on_tick(
    prefs: &NotificationPrefs,
    memory: &NotifyMemory,
    last_success_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Decision {
    let mut memory = memory.clone();
    let mut notices = Vec::new();
    stale_check(prefs, &mut memory, last_success_at, now, "", &mut notices);
    Decision { notices, memory }
}

/// The saved choices (defaults when none were saved or they cannot be read).
pub fn load_prefs(store: &Store) -> crate::store::Result<NotificationPrefs> {
    Ok(store
        .setting(PREFS_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

pub fn save_prefs(store: &Store, prefs: &NotificationPrefs) -> crate::store::Result<()> {
    store.set_setting(PREFS_KEY, &crate::store::to_json(prefs))
}

/// What was said for the cache's current key (a fresh memory after a key change).
pub fn load_memory(store: &Store) -> crate::store::Result<NotifyMemory> {
    let generation = store.generation()?;
    let m: NotifyMemory = store
        .setting(MEMORY_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    Ok(if m.generation == generation {
        m
    } else {
        NotifyMemory {
            generation,
            ..Default::default()
        }
    })
}

pub fn save_memory(store: &Store, memory: &NotifyMemory) -> crate::store::Result<()> {
    store.set_setting(MEMORY_KEY, &crate::store::to_json(memory))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{StreamCounts, StreamOutcome, StreamRunSummary, Trigger};

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap() + chrono::Duration::hours(h)
    }

    fn stream(stream: Stream, outcome: StreamOutcome, counts: StreamCounts) -> StreamRunSummary {
        StreamRunSummary {
            stream,
            full: false,
            counts,
            outcome,
            error_code: None,
            missing_module: None,
            problems: Vec::new(),
            more_problems: 0,
        }
    }

    fn ok_run(at: DateTime<Utc>, jobs: StreamCounts) -> SyncSummary {
        SyncSummary {
            run_id: Some(1),
            trigger: Trigger::Schedule,
            result: RunResult::Ok,
            started_at: at,
            finished_at: at,
            streams: vec![
                stream(Stream::Jobs, StreamOutcome::Ok, jobs),
                stream(Stream::Postings, StreamOutcome::Ok, StreamCounts::default()),
            ],
            requests: 4,
            error_code: None,
            error_message: None,
            missing_modules: Vec::new(),
            needs_key: false,
        }
    }

    fn failed(at: DateTime<Utc>, code: ErrorCode, needs_key: bool) -> SyncSummary {
        SyncSummary::not_started(Trigger::Schedule, at, code, format!("{code}"), needs_key)
    }

    fn rejected(at: DateTime<Utc>) -> SyncSummary {
        let mut s = failed(at, ErrorCode::InvalidKey, true);
        s.streams = vec![stream(
            Stream::Departments,
            StreamOutcome::Failed,
            StreamCounts::default(),
        )];
        s
    }

    /// Runs `runs` through `after_run` from a memory that has seen one good run; returns the
    /// notices of each.
    fn replay(prefs: &NotificationPrefs, runs: &[SyncSummary]) -> Vec<Vec<Notice>> {
        let mut memory = NotifyMemory {
            missing_modules: Some(BTreeSet::new()),
            ..Default::default()
        };
        let mut last_success = Some(runs[0].started_at);
        let mut out = Vec::new();
        for r in runs {
            if r.result != RunResult::Failed {
                last_success = Some(r.finished_at);
            }
            let d = after_run(
                prefs,
                &memory,
                r,
                &DigestInput::from_summary(r),
                last_success,
                r.finished_at,
            );
            memory = d.memory;
            out.push(d.notices);
        }
        out
    }

    fn jobs(inserted: u32, updated: u32, removed: u32) -> StreamCounts {
        StreamCounts {
            inserted,
            updated,
            removed,
        }
    }

    #[test]
    fn routine_syncs_say_nothing_by_default() {
        let prefs = NotificationPrefs::default();
        let out = replay(
            &prefs,
            &[ok_run(t(0), jobs(0, 0, 0)), ok_run(t(1), jobs(5, 2, 1))],
        );
        assert!(out.iter().all(|n| n.is_empty()), "{out:?}");
    }

    #[test]
    fn a_rejected_key_is_said_once_until_it_works_again() {
        let prefs = NotificationPrefs::default();
        let out = replay(
            &prefs,
            &[
                rejected(t(0)),
                rejected(t(1)),
                rejected(t(2)),
                ok_run(t(3), jobs(0, 0, 0)),
                rejected(t(4)),
            ],
        );
        let kinds: Vec<Vec<Option<Attention>>> = out
            .iter()
            .map(|n| n.iter().map(|n| n.attention).collect())
            .collect();
        assert_eq!(
            kinds,
            vec![
                vec![Some(Attention::KeyRejected)],
                vec![],
                vec![],
                vec![],
                vec![Some(Attention::KeyRejected)],
            ]
        );
        assert_eq!(out[0][0].target, NoticeTarget::Settings);
        assert_eq!(out[0][0].title, "Ashby rejected the API key");
    }

    #[test]
    fn a_network_failure_does_not_resolve_a_rejected_key() {
        let prefs = NotificationPrefs::default();
        let out = replay(
            &prefs,
            &[
                rejected(t(0)),
                failed(t(1), ErrorCode::Network, false),
                rejected(t(2)),
            ],
        );
        assert_eq!(out.iter().map(|n| n.len()).collect::<Vec<_>>(), [1, 0, 0]);
    }

    #[test]
    fn no_key_stored_is_not_a_rejection() {
        let out = replay(
            &NotificationPrefs::default(),
            &[failed(t(0), ErrorCode::NoKey, true)],
        );
        assert!(out[0].is_empty());
    }

    #[test]
    fn action_needed_off_says_nothing_and_does_not_repeat_when_turned_on() {
        let off = NotificationPrefs {
            action_needed: false,
            ..Default::default()
        };
        let memory = NotifyMemory::default();
        let d = after_run(
            &off,
            &memory,
            &rejected(t(0)),
            &DigestInput::default(),
            None,
            t(0),
        );
        assert!(d.notices.is_empty());
        let d = after_run(
            &NotificationPrefs::default(),
            &d.memory,
            &rejected(t(1)),
            &DigestInput::default(),
            None,
            t(1),
        );
        assert!(d.notices.is_empty(), "{:?}", d.notices);
    }

    #[test]
    fn keychain_locked_once_then_cleared() {
        let out = replay(
            &NotificationPrefs::default(),
            &[
                ok_run(t(0), jobs(0, 0, 0)),
                failed(t(1), ErrorCode::KeychainLocked, false),
                failed(t(2), ErrorCode::KeychainLocked, false),
                ok_run(t(3), jobs(0, 0, 0)),
                failed(t(4), ErrorCode::KeychainLocked, false),
            ],
        );
        let n: Vec<usize> = out.iter().map(|n| n.len()).collect();
        assert_eq!(n, [0, 1, 0, 0, 1]);
        assert_eq!(out[1][0].attention, Some(Attention::KeychainLocked));
        assert_eq!(out[1][0].target, NoticeTarget::Jobs);
    }

    #[test]
    fn a_lost_module_is_named_once_and_the_first_run_is_a_baseline() {
        let prefs = NotificationPrefs::default();
        let partial = |at, modules: Vec<Module>| {
            let mut s = ok_run(at, jobs(0, 0, 0));
            s.result = RunResult::Partial;
            s.missing_modules = modules;
            s
        };
        // A key that never had Offers: the first run sets the baseline, no notice.
        let mut memory = NotifyMemory::default();
        let d = after_run(
            &prefs,
            &memory,
            &partial(t(0), vec![Module::Offers]),
            &DigestInput::default(),
            Some(t(0)),
            t(0),
        );
        assert!(d.notices.is_empty());
        memory = d.memory;
        let mut said = Vec::new();
        for (h, ms) in [
            (1, vec![Module::Offers]),
            (2, vec![Module::Offers, Module::Jobs]),
            (3, vec![Module::Offers, Module::Jobs]),
            (4, vec![Module::Offers]),
            (5, vec![Module::Offers, Module::Jobs]),
        ] {
            let d = after_run(
                &prefs,
                &memory,
                &partial(t(h), ms),
                &DigestInput::default(),
                Some(t(h)),
                t(h),
            );
            memory = d.memory;
            said.push(
                d.notices
                    .iter()
                    .map(|n| n.title.clone())
                    .collect::<Vec<_>>(),
            );
        }
        let lost = format!("The API key lost access to {}", Module::Jobs.label());
        assert_eq!(
            said,
            vec![vec![], vec![lost.clone()], vec![], vec![], vec![lost]]
        );
    }

    #[test]
    fn a_day_without_a_successful_sync_is_said_once() {
        let prefs = NotificationPrefs::default();
        let mut memory = NotifyMemory {
            missing_modules: Some(BTreeSet::new()),
            ..Default::default()
        };
        let last_ok = Some(t(0));
        let mut said = Vec::new();
        for h in [1, 12, 23, 24, 25, 30] {
            let d = after_run(
                &prefs,
                &memory,
                &failed(t(h), ErrorCode::Network, false),
                &DigestInput::default(),
                last_ok,
                t(h),
            );
            memory = d.memory;
            said.push(d.notices.len());
        }
        // The hourly tick between runs does not repeat it either.
        let d = on_tick(&prefs, &memory, last_ok, t(31));
        said.push(d.notices.len());
        assert_eq!(said, [0, 0, 0, 1, 0, 0, 0]);
        let d = after_run(
            &prefs,
            &d.memory,
            &failed(t(24), ErrorCode::Network, false),
            &DigestInput::default(),
            last_ok,
            t(24),
        );
        assert_eq!(d.notices.len(), 0);
        // A success clears it; the next day without one says it again.
        let d = after_run(
            &prefs,
            &d.memory,
            &ok_run(t(40), jobs(0, 0, 0)),
            &DigestInput::default(),
            Some(t(40)),
            t(40),
        );
        assert!(d.notices.is_empty() && d.memory.active.is_empty());
        let d = on_tick(&prefs, &d.memory, Some(t(40)), t(64));
        assert_eq!(d.notices.len(), 1);
        assert_eq!(d.notices[0].target, NoticeTarget::History);
    }

    #[test]
    fn a_day_stale_behind_a_rejected_key_is_not_said_twice() {
        let prefs = NotificationPrefs::default();
        let memory = NotifyMemory::default();
        let d = after_run(
            &prefs,
            &memory,
            &rejected(t(1)),
            &DigestInput::default(),
            Some(t(0)),
            t(1),
        );
        assert_eq!(d.notices.len(), 1);
        let d = on_tick(&prefs, &d.memory, Some(t(0)), t(26));
        assert!(d.notices.is_empty());
    }

    #[test]
    fn the_digest_is_opt_in_and_skips_runs_without_changes() {
        let prefs = NotificationPrefs {
            digest: true,
            ..Default::default()
        };
        let out = replay(
            &prefs,
            &[
                ok_run(t(0), jobs(0, 0, 0)),
                ok_run(t(1), jobs(5, 2, 1)),
                ok_run(t(2), jobs(0, 0, 0)),
            ],
        );
        assert!(out[0].is_empty() && out[2].is_empty());
        assert_eq!(out[1].len(), 1);
        assert_eq!(out[1][0].attention, None);
        assert_eq!(out[1][0].target, NoticeTarget::Changes);
        assert_eq!(out[1][0].body, "5 new jobs, 2 jobs updated, 1 job removed");
    }

    #[test]
    fn no_digest_for_the_first_sync_with_a_key() {
        let prefs = NotificationPrefs {
            digest: true,
            ..Default::default()
        };
        let run = ok_run(t(0), jobs(2000, 0, 0));
        let d = after_run(
            &prefs,
            &NotifyMemory::default(),
            &run,
            &DigestInput::from_summary(&run),
            Some(t(0)),
            t(0),
        );
        assert!(d.notices.is_empty());
    }

    #[test]
    fn the_digest_for_chosen_departments_counts_only_those() {
        let prefs = NotificationPrefs {
            digest: true,
            digest_departments: vec!["eng".into()],
            ..Default::default()
        };
        let memory = NotifyMemory {
            missing_modules: Some(BTreeSet::new()),
            ..Default::default()
        };
        let run = ok_run(t(1), jobs(7, 0, 0));
        let eng = DigestCounts {
            new_jobs: 5,
            closed_jobs: 2,
            ..Default::default()
        };
        let sales = DigestCounts {
            new_jobs: 2,
            ..Default::default()
        };
        let input = DigestInput {
            total: DigestCounts {
                new_jobs: 7,
                closed_jobs: 2,
                ..Default::default()
            },
            followed: Some(eng),
        };
        let d = after_run(&prefs, &memory, &run, &input, Some(t(1)), t(1));
        assert_eq!(d.notices.len(), 1);
        assert_eq!(d.notices[0].body, "5 new jobs, 2 closed");
        // Only Sales changed: nothing for someone following Engineering.
        let input = DigestInput {
            total: sales,
            followed: Some(DigestCounts::default()),
        };
        let d = after_run(&prefs, &memory, &run, &input, Some(t(1)), t(1));
        assert!(d.notices.is_empty());
        // A source without a department split is never guessed at.
        let d = after_run(
            &prefs,
            &memory,
            &run,
            &DigestInput::from_summary(&run),
            Some(t(1)),
            t(1),
        );
        assert!(d.notices.is_empty());
    }

    #[test]
    fn an_activation_soon_after_a_notification_opens_its_screen_once() {
        use std::time::{Duration, Instant};
        let t0 = Instant::now();
        let mut f = ClickFallback::default();
        assert_eq!(f.activated(t0), None, "no notification: nothing to open");
        f.shown(NoticeTarget::Settings, t0);
        f.shown(NoticeTarget::Changes, t0 + Duration::from_secs(1));
        assert_eq!(
            f.activated(t0 + Duration::from_secs(30)),
            Some(NoticeTarget::Changes)
        );
        assert_eq!(f.activated(t0 + Duration::from_secs(31)), None, "only once");
        f.shown(NoticeTarget::History, t0);
        assert_eq!(
            f.activated(t0 + ClickFallback::FRESH + Duration::from_secs(1)),
            None
        );
    }

    #[test]
    fn runs_of_another_process_are_ignored() {
        let memory = NotifyMemory::default();
        let d = after_run(
            &NotificationPrefs::default(),
            &memory,
            &failed(t(30), ErrorCode::SyncBusy, false),
            &DigestInput::default(),
            Some(t(0)),
            t(30),
        );
        assert!(d.notices.is_empty());
        assert_eq!(d.memory, memory);
    }

    #[test]
    fn words_read_naturally() {
        let c = DigestCounts {
            new_jobs: 1,
            closed_jobs: 3,
            new_postings: 1,
            removed_postings: 2,
            ..Default::default()
        };
        assert_eq!(
            c.words(),
            "1 new job, 3 closed, 1 new posting, 2 postings removed"
        );
    }
}
