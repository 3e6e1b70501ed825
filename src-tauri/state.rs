//! What the running app holds: the cache, the keychain handle, the pending (verified, not yet saved)
//! key and the sync scheduler. No Tauri types: the commands reach it through `tauri::State`.

use crate::ashby::ApiKey;
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
    pub store: Store,
    /// Set when the cache file was unusable at start-up and was moved aside.
    pub db_recovered_from: Option<PathBuf>,
    /// The key the user pasted and verified in the wizard (with what we learned), until saved.
    pub pending_key: Mutex<Option<(ApiKey, crate::setup::Verification)>>,
    /// The verification in flight, so Cancel can stop it.
    pub verify_task: Mutex<Option<tokio::task::AbortHandle>>,
    /// The hourly sync; set once at start-up (the CLI runs without one).
    pub scheduler: std::sync::OnceLock<crate::sync::SchedulerHandle>,
}

impl AppState {
    pub fn new(store: Store, db_recovered_from: Option<PathBuf>) -> AppState {
        AppState(std::sync::Arc::new(Shared {
            store,
            db_recovered_from,
            pending_key: Mutex::new(None),
            verify_task: Mutex::new(None),
            scheduler: std::sync::OnceLock::new(),
        }))
    }
}

use crate::error::{AppError, AppResult, ErrorCode, ErrorPayload};
use crate::setup::Verification;
use crate::vault::Vault;
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

/// `ASHBY_API_KEY`, when set: used for this run only, never stored.
pub fn env_key() -> Option<ApiKey> {
    std::env::var("ASHBY_API_KEY")
        .ok()
        .and_then(|v| ApiKey::parse(&v).ok())
}

impl AppState {
    pub fn boot_state(&self) -> BootState {
        let db_recovered_from = self
            .db_recovered_from
            .as_ref()
            .map(|p| p.display().to_string());
        let (screen, keychain_error) = if env_key().is_some() {
            (BootScreen::Jobs, None)
        } else {
            match Vault::new().and_then(|v| v.get()) {
                Ok(Some(_)) => (BootScreen::Jobs, None),
                Ok(None) => (BootScreen::Wizard, None),
                Err(e) => (BootScreen::Keychain, Some(AppError::from(e).payload())),
            }
        };
        BootState {
            screen,
            keychain_error,
            db_recovered_from,
            key_overridden: env_key().is_some(),
        }
    }

    /// A client for the current key (`None` before set-up): the scheduler calls this per run,
    /// so a replaced key takes effect at the next sync.
    pub fn client(&self) -> AppResult<Option<crate::ashby::Client>> {
        match self.current_key()? {
            Some(k) => Ok(Some(crate::ashby::Client::new(
                k,
                crate::ashby::ClientConfig::default(),
            )?)),
            None => Ok(None),
        }
    }

    /// The key to sync with: `ASHBY_API_KEY` first, then the keychain.
    pub fn current_key(&self) -> AppResult<Option<ApiKey>> {
        if let Some(k) = env_key() {
            return Ok(Some(k));
        }
        Ok(Vault::new()?.get()?)
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
    /// What the last verification learned.
    pub verification: Option<Verification>,
    /// Ashby rejected the key during a sync.
    pub key_invalid: Option<crate::store::KeyInvalid>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    /// Stores the wizard's verified key in the keychain, records what we learned about it, and
    /// forgets the wizard's progress.
    pub fn save_pending_key(&self, clear_cache: bool) -> AppResult<()> {
        let (key, verification) = lock(&self.pending_key).clone().ok_or_else(|| {
            AppError::new(
                ErrorCode::NotVerified,
                "Verify the key first (step 6), then save it.",
            )
        })?;
        if !verification.can_save {
            return Err(AppError::new(
                ErrorCode::KeyCannotSync,
                "This key can't read Jobs and Organization, which the sync needs. Grant Read for both in Ashby, then verify again.",
            ));
        }
        Vault::new()?.set(&key)?;
        lock(&self.pending_key).take();
        if clear_cache {
            self.store.clear_cache()?;
        }
        self.record_verification(&verification)?;
        self.store.clear_key_invalid()?;
        self.clear_wizard_progress()?;
        tracing::info!("API key saved to the keychain");
        // Leaves the scheduler's "waiting for a key" state and starts the first sync.
        if let Some(s) = self.scheduler.get() {
            s.key_changed();
        }
        Ok(())
    }

    pub fn record_verification(&self, v: &Verification) -> AppResult<()> {
        Ok(self.store.save_key_verification(&to_record(v))?)
    }

    pub fn key_status(&self) -> AppResult<KeyStatus> {
        let stored = Vault::new()?.get()?.is_some();
        let verification = self.store.key_verification()?.map(|r| from_record(&r));
        Ok(KeyStatus {
            stored,
            overridden: env_key().is_some(),
            verification,
            key_invalid: self.store.key_invalid()?,
        })
    }

    /// Deletes the keychain entry and what we knew about the key; optionally the cached jobs.
    pub fn remove_key(&self, delete_cache: bool) -> AppResult<()> {
        Vault::new()?.delete()?;
        self.store.forget_key_verification()?;
        self.clear_wizard_progress()?;
        if delete_cache {
            self.store.clear_cache()?;
        }
        tracing::info!(delete_cache, "API key removed");
        Ok(())
    }
}

/// What the cache keeps of a verification: facts only, never the key.
fn to_record(v: &Verification) -> crate::store::KeyVerificationRecord {
    crate::store::KeyVerificationRecord {
        title: v.title.clone(),
        created_at: v.created_at.clone(),
        scopes: v.scopes.clone(),
        modules: v.modules.iter().map(|m| (m.module, m.access)).collect(),
        write_scopes: v.write_scopes.clone(),
        org_fingerprint: None,
        verified_at: v.verified_at,
    }
}

/// Rebuilds the Settings screen's matrix from the stored facts.
fn from_record(r: &crate::store::KeyVerificationRecord) -> Verification {
    use crate::setup::{Access, Module, ModuleCheck, Outcome};
    let modules: Vec<ModuleCheck> = Module::ALL
        .iter()
        .map(|&m| {
            let access = r.modules.get(&m).copied().unwrap_or(Access::Unknown);
            ModuleCheck {
                module: m,
                label: m.label().to_string(),
                access,
                required: m.required_for_sync(),
                fix: (access == Access::Missing).then(|| m.fix_text()),
                detail: (access == Access::Unknown)
                    .then(|| "Not checked: Ashby could not be asked. Re-verify.".to_string()),
            }
        })
        .collect();
    let missing = modules.iter().any(|m| m.access == Access::Missing);
    let unknown = modules.iter().any(|m| m.access == Access::Unknown);
    let can_save = modules
        .iter()
        .filter(|m| m.required)
        .all(|m| m.access == Access::Read);
    let outcome = if missing {
        Outcome::MissingModules
    } else if unknown {
        Outcome::Incomplete
    } else {
        Outcome::FullRead
    };
    let mut warnings = Vec::new();
    if !r.write_scopes.is_empty() {
        warnings.push(format!(
            "This key can also change data in Ashby ({}). The guide asks for a read-only key.",
            r.write_scopes.join(", ")
        ));
    }
    Verification {
        outcome,
        valid: true,
        can_save,
        title: r.title.clone(),
        created_at: r.created_at.clone(),
        scopes: r.scopes.clone(),
        write_scopes: r.write_scopes.clone(),
        modules,
        message: "Last verification".to_string(),
        warnings,
        verified_at: r.verified_at,
    }
}
