//! What the running app holds: the settings, the cache, the key service, the pending (verified, not
//! yet saved) key and the sync scheduler. No Tauri types: the commands reach it through
//! `tauri::State`.

use crate::ashby::ApiKey;
use crate::config::Settings;
use crate::keys::KeyService;
use crate::store::Store;
use std::path::PathBuf;
use std::sync::Mutex;

/// Cheap to clone: commands hand it to blocking tasks.
#[derive(Clone)]
pub struct AppState(std::sync::Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    /// The environment's settings, parsed once at start-up.
    pub settings: Settings,
    pub store: Store,
    /// Reads, verifies, saves and removes the key (shared with the CLI).
    pub keys: KeyService,
    /// Set when the cache file was unusable at start-up and was moved aside.
    pub db_recovered_from: Option<PathBuf>,
    /// The key the user pasted and verified in the wizard (with what we learned), until saved.
    pub pending_key: Mutex<Option<(ApiKey, crate::setup::Verification)>>,
    /// The verification in flight, so Cancel can stop it.
    pub verify_task: Mutex<Option<tokio::task::AbortHandle>>,
    /// The first-sync estimate and the key it was asked with (asked once per key).
    pub first_sync_estimate: Mutex<Option<(ApiKey, crate::sync::FirstSyncEstimate)>>,
    /// The scheduled sync; set once at start-up (the CLI runs without one).
    pub scheduler: std::sync::OnceLock<crate::sync::SchedulerHandle>,
}

impl AppState {
    pub fn new(settings: Settings, store: Store, db_recovered_from: Option<PathBuf>) -> AppState {
        let keys = KeyService::new(&settings, store.clone());
        AppState(std::sync::Arc::new(Shared {
            settings,
            keys,
            store,
            db_recovered_from,
            pending_key: Mutex::new(None),
            verify_task: Mutex::new(None),
            first_sync_estimate: Mutex::new(None),
            scheduler: std::sync::OnceLock::new(),
        }))
    }
}

use crate::error::{AppError, AppResult, ErrorCode, ErrorPayload};
use crate::setup::Verification;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which screen the app opens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum BootScreen {
    Wizard,
    Jobs,
    Keychain,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BootState {
    pub screen: BootScreen,
    pub keychain_error: Option<ErrorPayload>,
    pub db_recovered_from: Option<String>,
    /// The key comes from `ASHBY_API_KEY` for this run (never stored).
    pub key_overridden: bool,
}

/// Where the wizard was left, so closing the app mid-wizard reopens it at the same step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WizardProgress {
    /// 0-based step index.
    pub step: u32,
    /// Checklist items the user ticked.
    pub ticks: Vec<String>,
}

const WIZARD_PROGRESS: &str = "wizard_progress";

impl AppState {
    pub fn boot_state(&self) -> BootState {
        let db_recovered_from = self
            .db_recovered_from
            .as_ref()
            .map(|p| p.display().to_string());
        let (screen, keychain_error) = match self.keys.current() {
            Ok(Some(_)) => (BootScreen::Jobs, None),
            // The key was removed but the synced jobs kept: they stay browsable (with "No key —
            // syncing is off"), not hidden behind the wizard's first step.
            Ok(None) if self.has_cached_jobs() => (BootScreen::Jobs, None),
            Ok(None) => (BootScreen::Wizard, None),
            Err(e) => (BootScreen::Keychain, Some(AppError::from(e).payload())),
        };
        BootState {
            screen,
            keychain_error,
            db_recovered_from,
            key_overridden: self.keys.overridden(),
        }
    }

    fn has_cached_jobs(&self) -> bool {
        self.store
            .status()
            .map(|s| s.counts.jobs > 0)
            .unwrap_or(false)
    }

    pub fn wizard_progress(&self) -> AppResult<WizardProgress> {
        Ok(self
            .store
            .setting(WIZARD_PROGRESS)?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    pub fn set_wizard_progress(&self, p: &WizardProgress) -> AppResult<()> {
        let json = serde_json::to_string(p).map_err(|e| {
            AppError::new(
                ErrorCode::Internal,
                format!("Could not save your progress: {e}"),
            )
        })?;
        Ok(self.store.set_setting(WIZARD_PROGRESS, &json)?)
    }

    pub fn clear_wizard_progress(&self) -> AppResult<()> {
        Ok(self.store.remove_setting(WIZARD_PROGRESS)?)
    }
}

/// The Settings screen's view of the key (never the key itself).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyStatus {
    /// A key is in the keychain.
    pub stored: bool,
    /// `ASHBY_API_KEY` is set for this run.
    pub overridden: bool,
    /// What the last verification that confirmed the key learned.
    pub verification: Option<Verification>,
    /// The last re-verification that did not confirm the key (rejected, unreachable), when it
    /// came after `verification`, which it does not replace.
    pub failed_check: Option<Verification>,
    /// Ashby rejected the key during a sync.
    pub key_invalid: Option<crate::store::KeyInvalid>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    /// Stores the wizard's verified key in the keychain, records what we learned about it, and
    /// forgets the wizard's progress.
    ///
    /// A sync still running with the old key is cancelled and awaited first; the new key's
    /// first sync starts at once (it also leaves the "waiting for a key" pause).
    pub async fn save_pending_key(&self, clear_cache: bool) -> AppResult<()> {
        let (key, verification) = lock(&self.pending_key)
            .clone()
            .ok_or(crate::keys::KeyError::NotVerified)?;
        self.keys
            .save_with_sync_stopped(self.scheduler.get(), key, verification, clear_cache)
            .await?;
        lock(&self.pending_key).take();
        self.clear_wizard_progress()?;
        Ok(())
    }

    pub fn key_status(&self) -> AppResult<KeyStatus> {
        Ok(KeyStatus {
            stored: self.keys.stored()?,
            overridden: self.keys.overridden(),
            verification: self.keys.last_verification()?,
            failed_check: self.keys.last_failed_check()?,
            key_invalid: self.store.key_invalid()?,
        })
    }

    /// Deletes the keychain entry and what we knew about the key; optionally the cached jobs.
    /// The running sync is cancelled and awaited first, so it cannot write jobs back.
    pub async fn remove_key(&self, delete_cache: bool) -> AppResult<()> {
        self.keys
            .remove_with_sync_stopped(self.scheduler.get(), delete_cache)
            .await?;
        self.clear_wizard_progress()?;
        Ok(())
    }
}

/// What start-up knows before (and whether) the cache opened. Always managed, so the window can
/// ask for the problem even when [`AppState`] never came to be.
pub struct Startup {
    settings: Result<Settings, crate::config::SettingsError>,
    /// Launched by "Start at login" (`--background`).
    pub background: bool,
    problem: std::sync::Arc<Mutex<Option<StartupProblem>>>,
}

impl Startup {
    pub fn new(
        settings: Result<Settings, crate::config::SettingsError>,
        background: bool,
    ) -> Startup {
        Startup {
            settings,
            background,
            problem: Default::default(),
        }
    }

    /// The problem as it stands, readable after the app (and this state) is gone.
    pub fn problem_slot(&self) -> std::sync::Arc<Mutex<Option<StartupProblem>>> {
        self.problem.clone()
    }

    pub fn settings(&self) -> Result<Settings, crate::config::SettingsError> {
        self.settings.clone()
    }

    pub fn problem(&self) -> Option<StartupProblem> {
        lock(&self.problem).clone()
    }

    pub fn set_problem(&self, p: Option<StartupProblem>) {
        *lock(&self.problem) = p;
    }
}

/// Why the app cannot show the jobs: a setting it refuses, or a cache it cannot open (at
/// start-up, or damaged while running). The window shows `message` and the choices allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StartupProblem {
    /// `invalid_setting`, `db_corrupt` or `db_io`.
    pub code: ErrorCode,
    /// What was wrong with the cache; `None` for a setting.
    pub cache: Option<crate::store::CacheProblemKind>,
    /// What happened and what to do.
    pub message: String,
    /// The cache file, when it is about the cache.
    pub path: Option<String>,
    /// What the system said, for IT.
    pub detail: Option<String>,
    /// "Move it aside and start fresh" can help.
    pub can_move_aside: bool,
    /// "Try again" can help (a setting is fixed only by restarting with another value).
    pub can_retry: bool,
}

impl StartupProblem {
    pub fn setting(e: &crate::config::SettingsError) -> StartupProblem {
        StartupProblem {
            code: e.code(),
            cache: None,
            message: format!(
                "{e} Then start Ashby Sync again. (If you did not set this yourself, ask IT: it \
                 is set in the environment Ashby Sync starts in.)"
            ),
            path: None,
            detail: None,
            can_move_aside: false,
            can_retry: false,
        }
    }

    pub fn cache(p: &crate::store::OpenProblem) -> StartupProblem {
        use crate::store::CacheProblemKind as K;
        StartupProblem {
            code: match p.kind {
                K::Corrupt | K::NewerVersion => ErrorCode::DbCorrupt,
                _ => ErrorCode::DbIo,
            },
            cache: Some(p.kind),
            message: p.message(),
            path: Some(p.path.display().to_string()),
            detail: Some(p.detail.clone()),
            can_move_aside: p.kind.can_move_aside(),
            can_retry: true,
        }
    }

    /// SQLite found the open cache damaged.
    pub fn damaged(path: &std::path::Path, detail: String) -> StartupProblem {
        StartupProblem {
            code: ErrorCode::DbCorrupt,
            cache: Some(crate::store::CacheProblemKind::Corrupt),
            message: format!(
                "The job cache ({}) is damaged. Move it aside and start fresh: the old file is \
                 kept beside it, Ashby Sync restarts, and your jobs download again with the next \
                 sync.",
                path.display()
            ),
            path: Some(path.display().to_string()),
            detail: Some(detail),
            can_move_aside: true,
            can_retry: false,
        }
    }
}
