//! The API key's one service: reading it (`ASHBY_API_KEY` first, then the keychain), verifying it,
//! saving or replacing it, and removing it, with what the last verification learned persisted as
//! the typed [`Verification`]. Used by the GUI's commands and by the CLI alike, so both treat the
//! key the same way. No Tauri types.
//!
//! Keychain calls block (D-Bus, an unlock prompt): from async code run them in
//! `tokio::task::spawn_blocking`.

use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;

use crate::ashby::{self, ApiKey, Client, ClientConfig};
use crate::config::Settings;
use crate::error::{AppError, ErrorCode};
use crate::network::ProxySettings;
use crate::setup::{self, Verification};
use crate::store::{self, Store};
use crate::vault::{self, Vault};

/// The settings-table entry holding the last [`Verification`] as JSON (never the key).
const VERIFICATION_SETTING: &str = "key_verification";
/// The last re-verification that did not confirm the key (rejected, unreachable), kept apart so
/// it never overwrites the last good one.
const FAILED_CHECK_SETTING: &str = "key_failed_check";

/// How long a keychain read may take before the app treats the keychain as locked: an unlock
/// prompt nobody answers (the laptop's lid is closed) must not hang the sync or the window.
pub const KEYCHAIN_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the key in use comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeySource {
    /// `ASHBY_API_KEY`, for this run only.
    Env,
    Keychain,
}

/// What can go wrong handling the key. Messages say what to do and never contain the key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Vault(#[from] vault::Error),
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Ashby(#[from] ashby::Error),
    #[error(
        "No Ashby API key is stored. Finish the set-up in the app to add one (on the command \
         line, ASHBY_API_KEY also provides one for a single run)."
    )]
    NoKey,
    #[error("Verify the key first (step 6), then save it.")]
    NotVerified,
    #[error(
        "This key can't read Jobs and Organization, which the sync needs. Grant Read for both in \
         Ashby, then verify again."
    )]
    CannotSync,
    #[error("Could not save what the verification learned: {0}")]
    Encode(String),
}

impl KeyError {
    /// Stable machine code; the UI and the CLI branch on it.
    pub fn code(&self) -> ErrorCode {
        match self {
            KeyError::Vault(e) => e.code(),
            KeyError::Store(e) => e.code(),
            KeyError::Ashby(e) => e.code(),
            KeyError::NoKey => ErrorCode::NoKey,
            KeyError::NotVerified => ErrorCode::NotVerified,
            KeyError::CannotSync => ErrorCode::KeyCannotSync,
            KeyError::Encode(_) => ErrorCode::Internal,
        }
    }
}

impl From<KeyError> for AppError {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::Vault(e) => AppError::Vault(e),
            KeyError::Store(e) => AppError::Store(e),
            KeyError::Ashby(e) => AppError::Ashby(e),
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

/// Opens the keychain item (afresh on every call, so Retry after unlocking works).
pub type VaultOpener = Arc<dyn Fn() -> Result<Vault, vault::Error> + Send + Sync>;

/// The key service. Cheap to clone.
#[derive(Clone)]
pub struct KeyService {
    store: Store,
    env_key: Option<ApiKey>,
    open_vault: VaultOpener,
    client_config: ClientConfig,
    proxy: ProxySettings,
    cache: Arc<KeyCache>,
    read_timeout: Duration,
}

/// The keychain's key, read once and kept until it changes (an `ApiKey` is zeroized when
/// dropped), so the hourly sync does not ask the keychain (and maybe prompt) every run.
#[derive(Default)]
struct KeyCache {
    key: Mutex<Option<ApiKey>>,
    /// A read that timed out and may still answer: waited on again rather than started twice,
    /// so a pending unlock prompt is not joined by another one.
    pending: Mutex<Option<mpsc::Receiver<KeychainRead>>>,
}

/// What a keychain read thread answers.
type KeychainRead = Result<Option<ApiKey>, vault::Error>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl std::fmt::Debug for KeyService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyService")
            .field("overridden", &self.env_key.is_some())
            .finish()
    }
}

impl KeyService {
    /// The platform keychain (account from the settings), `ASHBY_API_KEY` and the client
    /// settings from `settings`; verification facts in `store`.
    pub fn new(settings: &Settings, store: Store) -> KeyService {
        let account = settings.keychain_account.clone();
        KeyService {
            proxy: ProxySettings::new(store.clone(), &account),
            store,
            env_key: settings.api_key.clone(),
            open_vault: Arc::new(move || Vault::new(&account)),
            client_config: settings.client_config(),
            cache: Arc::default(),
            read_timeout: KEYCHAIN_READ_TIMEOUT,
        }
    }

    /// Any keychain (tests: a mock credential store) and client settings.
    pub fn with_vault(
        store: Store,
        env_key: Option<ApiKey>,
        open_vault: VaultOpener,
        client_config: ClientConfig,
    ) -> KeyService {
        // No proxy credentials unless a test asks for them (`with_proxy`).
        let proxy = ProxySettings::with_vault(
            store.clone(),
            Arc::new(|| {
                Err(vault::Error::Unavailable {
                    reason: "no keychain for proxy credentials in this set-up".into(),
                })
            }),
        );
        KeyService {
            store,
            env_key,
            open_vault,
            client_config,
            proxy,
            cache: Arc::default(),
            read_timeout: KEYCHAIN_READ_TIMEOUT,
        }
    }

    /// How long a keychain read may take (tests: short).
    pub fn with_read_timeout(mut self, timeout: Duration) -> KeyService {
        self.read_timeout = timeout;
        self
    }

    /// The same service with another hand-set-proxy store (tests: a mock keychain).
    pub fn with_proxy(mut self, proxy: ProxySettings) -> KeyService {
        self.proxy = proxy;
        self
    }

    /// The proxy set in Settings.
    pub fn proxy(&self) -> &ProxySettings {
        &self.proxy
    }

    /// `ASHBY_API_KEY` overrides the keychain for this run.
    pub fn overridden(&self) -> bool {
        self.env_key.is_some()
    }

    /// The client settings every client uses (base URL, request budget, the proxy as set now):
    /// the wizard's Verify, every sync and the CLI alike.
    pub fn client_config(&self) -> Result<ClientConfig, KeyError> {
        Ok(ClientConfig {
            proxy: self.proxy.proxy_config()?,
            ..self.client_config.clone()
        })
    }

    fn vault(&self) -> Result<Vault, KeyError> {
        Ok((self.open_vault)()?)
    }

    /// The keychain holds a usable key (ignores `ASHBY_API_KEY`).
    pub fn stored(&self) -> Result<bool, KeyError> {
        Ok(self.keychain_key()?.is_some())
    }

    /// The key to use and where it comes from: `ASHBY_API_KEY` first, then the keychain.
    pub fn current(&self) -> Result<Option<(ApiKey, KeySource)>, KeyError> {
        if let Some(k) = &self.env_key {
            return Ok(Some((k.clone(), KeySource::Env)));
        }
        Ok(self.keychain_key()?.map(|k| (k, KeySource::Keychain)))
    }

    /// The keychain's key: from memory once read, else read with [`KEYCHAIN_READ_TIMEOUT`].
    /// A read that does not answer in time (a locked keychain whose prompt nobody answers) is
    /// reported as [`vault::Error::Locked`]; the next call waits on the same read again.
    fn keychain_key(&self) -> Result<Option<ApiKey>, KeyError> {
        if let Some(k) = lock(&self.cache.key).clone() {
            return Ok(Some(k));
        }
        // Held while waiting: a second caller waits for the same read, not a second prompt.
        let mut pending = lock(&self.cache.pending);
        let rx = match pending.take() {
            Some(rx) => rx,
            None => {
                let (tx, rx) = mpsc::sync_channel(1);
                let open = self.open_vault.clone();
                std::thread::Builder::new()
                    .name("keychain-read".into())
                    .spawn(move || {
                        let _ = tx.send(open().and_then(|v| v.get()));
                    })
                    .map_err(|e| vault::Error::Unexpected {
                        reason: format!("could not start the keychain read: {e}"),
                    })?;
                rx
            }
        };
        match rx.recv_timeout(self.read_timeout) {
            Ok(Ok(key)) => {
                if let Some(k) = &key {
                    *lock(&self.cache.key) = Some(k.clone());
                }
                Ok(key)
            }
            Ok(Err(e)) => Err(e.into()),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                *pending = Some(rx);
                tracing::warn!(
                    timeout_s = self.read_timeout.as_secs_f32(),
                    "the keychain did not answer in time"
                );
                Err(vault::Error::Locked {
                    reason: format!(
                        "the keychain did not answer within {} seconds (is an unlock prompt waiting?)",
                        self.read_timeout.as_secs().max(1)
                    ),
                }
                .into())
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(vault::Error::Unexpected {
                reason: "the keychain read stopped without an answer".into(),
            }
            .into()),
        }
    }

    /// Like [`current`](Self::current), but no key is an error.
    pub fn require(&self) -> Result<ApiKey, KeyError> {
        self.current()?.map(|(k, _)| k).ok_or(KeyError::NoKey)
    }

    /// A sync client for the current key; `None` before set-up. The scheduler asks per run, so a
    /// replaced key takes effect at the next sync.
    pub fn client(&self) -> Result<Option<Client>, KeyError> {
        match self.current()? {
            Some((k, _)) => Ok(Some(Client::new(k, self.client_config()?)?)),
            None => Ok(None),
        }
    }

    /// A client for verifying `key` (quick verdicts, see [`setup::verification_config`]).
    pub fn verification_client(&self, key: ApiKey) -> Result<Client, KeyError> {
        Ok(Client::new(
            key,
            setup::verification_config(self.client_config()?),
        )?)
    }

    /// Verifies `key` against Ashby. Nothing is stored.
    pub async fn verify(&self, key: ApiKey) -> Result<Verification, KeyError> {
        let client = self.verification_client(key)?;
        Ok(setup::verify_key(&client).await?)
    }

    /// Saves (or replaces) the keychain's key after a verification that allows it, records the
    /// verification and lifts a "key rejected" mark. `clear_cache` first drops the cached jobs
    /// (a key for another organisation).
    pub fn save(
        &self,
        key: &ApiKey,
        verification: &Verification,
        clear_cache: bool,
    ) -> Result<(), KeyError> {
        if !verification.can_save {
            return Err(KeyError::CannotSync);
        }
        self.vault()?.set(key)?;
        *lock(&self.cache.key) = Some(key.clone());
        // After the keychain holds the new key: a run that read the old key read the old
        // generation too, and its commits are refused from here on.
        if clear_cache {
            self.store.clear_cache()?;
        } else {
            self.store.bump_generation()?;
        }
        self.record_verification(verification)?;
        tracing::info!("API key saved to the keychain");
        Ok(())
    }

    /// Persists what a verification learned, as is (the Settings screen shows it after a
    /// restart in the same words), and lifts a "key rejected" mark.
    pub fn record_verification(&self, v: &Verification) -> Result<(), KeyError> {
        let json = serde_json::to_string(v).map_err(|e| KeyError::Encode(e.to_string()))?;
        self.store.set_setting(VERIFICATION_SETTING, &json)?;
        self.store.remove_setting(FAILED_CHECK_SETTING)?;
        self.store.clear_key_invalid()?;
        Ok(())
    }

    /// Records a re-verification of the stored key. One that confirms the key replaces the last
    /// verification; one that doesn't (rejected, unreachable, no clear answer) is kept apart
    /// ([`last_failed_check`](Self::last_failed_check)): the last good matrix stays, a
    /// "rejected" mark is never lifted by it, and a rejection sets one.
    pub fn record_reverification(&self, v: &Verification) -> Result<(), KeyError> {
        use crate::setup::Outcome;
        let confirmed = v.valid
            && !matches!(
                v.outcome,
                Outcome::InvalidKey | Outcome::Unreachable | Outcome::Unverified
            );
        if confirmed {
            return self.record_verification(v);
        }
        let json = serde_json::to_string(v).map_err(|e| KeyError::Encode(e.to_string()))?;
        self.store.set_setting(FAILED_CHECK_SETTING, &json)?;
        if v.outcome == Outcome::InvalidKey {
            self.store
                .mark_key_invalid(ErrorCode::InvalidKey, v.verified_at)?;
        }
        Ok(())
    }

    /// The last re-verification that did not confirm the key, if it came after the last good one.
    pub fn last_failed_check(&self) -> Result<Option<Verification>, KeyError> {
        Ok(self
            .store
            .setting(FAILED_CHECK_SETTING)?
            .and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// The last recorded verification, if any.
    pub fn last_verification(&self) -> Result<Option<Verification>, KeyError> {
        match self.store.setting(VERIFICATION_SETTING)? {
            Some(json) => match serde_json::from_str(&json) {
                Ok(v) => Ok(Some(v)),
                Err(e) => {
                    // Unreadable (written by a newer version?): as if never verified.
                    tracing::warn!("the stored key verification is unreadable: {e}");
                    Ok(None)
                }
            },
            None => Ok(self
                .store
                .key_verification()?
                .map(|r| legacy::from_record(&r))),
        }
    }

    /// Deletes the keychain entry and what we knew about the key; optionally the cached jobs.
    /// `Ok(false)` when the keychain held no key.
    pub fn remove(&self, delete_cache: bool) -> Result<bool, KeyError> {
        let removed = self.vault()?.delete()?;
        lock(&self.cache.key).take();
        if delete_cache {
            self.store.clear_cache()?;
        } else {
            self.store.bump_generation()?;
        }
        self.store.forget_key_verification()?;
        self.store.remove_setting(VERIFICATION_SETTING)?;
        self.store.remove_setting(FAILED_CHECK_SETTING)?;
        tracing::info!(delete_cache, "API key removed");
        Ok(removed)
    }
}

impl KeyService {
    /// [`save`](Self::save) as the app does it: the running sync (which uses the old key) is
    /// cancelled and awaited before the keychain or the cache is touched, and a sync with the
    /// new key starts at once afterwards. Without a scheduler (the CLI), just saves.
    pub async fn save_with_sync_stopped(
        &self,
        scheduler: Option<&crate::sync::SchedulerHandle>,
        key: ApiKey,
        verification: Verification,
        clear_cache: bool,
    ) -> Result<(), KeyError> {
        if let Some(s) = scheduler {
            s.hold().await;
        }
        let svc = self.clone();
        let saved = tokio::task::spawn_blocking(move || svc.save(&key, &verification, clear_cache))
            .await
            .unwrap_or_else(|e| Err(KeyError::Encode(format!("the save task stopped: {e}"))));
        if let Some(s) = scheduler {
            match &saved {
                Ok(()) => s.key_changed(),
                Err(_) => s.release(),
            }
        }
        saved
    }

    /// [`remove`](Self::remove) with the running sync cancelled and awaited first, so no run
    /// writes jobs back after "Remove key + delete cached jobs". Syncing then waits for a key.
    pub async fn remove_with_sync_stopped(
        &self,
        scheduler: Option<&crate::sync::SchedulerHandle>,
        delete_cache: bool,
    ) -> Result<bool, KeyError> {
        if let Some(s) = scheduler {
            s.hold().await;
        }
        let svc = self.clone();
        let removed = tokio::task::spawn_blocking(move || svc.remove(delete_cache))
            .await
            .unwrap_or_else(|e| Err(KeyError::Encode(format!("the remove task stopped: {e}"))));
        if let Some(s) = scheduler {
            match &removed {
                Ok(_) => s.key_removed(),
                Err(_) => s.release(),
            }
        }
        removed
    }
}

/// Verifications recorded before they were stored whole: only the facts were kept, so the
/// matrix is rebuilt from them (until the next verification replaces it).
mod legacy {
    use crate::setup::{Access, Module, ModuleCheck, Outcome, Verification};
    use crate::store::KeyVerificationRecord;

    pub(super) fn from_record(r: &KeyVerificationRecord) -> Verification {
        let modules: Vec<ModuleCheck> = Module::ALL
            .iter()
            .map(|&m| {
                let access = r.modules.get(&m).copied().unwrap_or(Access::Unknown);
                let detail = (access == Access::Unknown)
                    .then(|| "Not checked: Ashby could not be asked. Re-verify.".to_string());
                ModuleCheck::new(m, access, detail)
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
        let write_modules = crate::setup::write_module_labels(&r.write_scopes);
        if !r.write_scopes.is_empty() {
            warnings.push(crate::setup::write_access_warning(&write_modules));
        }
        Verification {
            outcome,
            valid: true,
            can_save,
            title: r.title.clone(),
            created_at: r.created_at.clone(),
            scopes: r.scopes.clone(),
            write_scopes: r.write_scopes.clone(),
            write_modules,
            toggles: crate::setup::toggle_checks(),
            modules,
            message: "Last verification".to_string(),
            warnings,
            verified_at: r.verified_at,
            network: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::setup::{Access, Module, ModuleCheck, Outcome};
    use keyring_core::{mock, CredentialStore};

    struct Fixture {
        _dir: tempfile::TempDir,
        store: Store,
        creds: Arc<CredentialStore>,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("c.sqlite3")).unwrap().store;
        let creds: Arc<CredentialStore> = mock::Store::new().unwrap();
        Fixture {
            _dir: dir,
            store,
            creds,
        }
    }

    impl Fixture {
        fn service(&self, env_key: Option<&str>) -> KeyService {
            let creds = self.creds.clone();
            KeyService::with_vault(
                self.store.clone(),
                env_key.map(|k| ApiKey::parse(k).unwrap()),
                Arc::new(move || Vault::with_store(&creds)),
                ClientConfig::default(),
            )
        }
    }

    fn key(s: &str) -> ApiKey {
        ApiKey::parse(s).unwrap()
    }

    /// A verification as `setup::verify_key` writes it, with its own wording.
    fn verification(can_save: bool) -> Verification {
        let modules = Module::ALL
            .into_iter()
            .map(|m| {
                let access = if can_save || !m.required_for_sync() {
                    Access::Read
                } else {
                    Access::Missing
                };
                ModuleCheck::new(m, access, None)
            })
            .collect();
        Verification {
            outcome: if can_save {
                Outcome::FullRead
            } else {
                Outcome::MissingModules
            },
            valid: true,
            can_save,
            title: Some("Full Read API Key – BeBitcoiner".into()),
            created_at: Some("2026-01-02T03:04:05.000Z".into()),
            scopes: vec!["jobs:read".into(), "candidates:write".into()],
            write_scopes: vec!["candidates:write".into()],
            write_modules: vec!["Candidates".into()],
            toggles: crate::setup::toggle_checks(),
            modules,
            message: "The key works and can read every module.".into(),
            warnings: vec!["A warning in verify's own words.".into()],
            verified_at: chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
                .unwrap()
                .with_timezone(&chrono::Utc),
            network: None,
        }
    }

    #[test]
    fn the_environment_key_comes_first_then_the_keychain() {
        let f = fixture();
        let svc = f.service(None);
        assert!(!svc.overridden());
        assert!(svc.current().unwrap().is_none());
        assert_eq!(svc.require().unwrap_err().code(), ErrorCode::NoKey);
        assert!(svc.client().unwrap().is_none());

        svc.save(&key("stored-key"), &verification(true), false)
            .unwrap();
        assert!(svc.stored().unwrap());
        assert_eq!(
            svc.current().unwrap(),
            Some((key("stored-key"), KeySource::Keychain))
        );

        let env = f.service(Some("env-key"));
        assert!(env.overridden());
        assert_eq!(
            env.current().unwrap(),
            Some((key("env-key"), KeySource::Env))
        );
        assert_eq!(env.require().unwrap(), key("env-key"));
        assert!(env.stored().unwrap(), "the keychain's key is still there");
    }

    #[test]
    fn a_malformed_environment_key_is_rejected_with_one_message() {
        // What the GUI and the CLI both build their key service from.
        let err = Settings::from_vars([("ASHBY_API_KEY", "has a space")]).unwrap_err();
        let app: AppError = err.clone().into();
        assert_eq!(app.code(), ErrorCode::KeyMalformed);
        assert_eq!(
            app.to_string(),
            "ASHBY_API_KEY: That does not look like an Ashby API key: it contains spaces or line \
             breaks in the middle. Copy the key again from Ashby and paste only the key. Fix the \
             value of ASHBY_API_KEY, or unset it to use the key stored in the keychain."
        );
    }

    #[test]
    fn the_verification_is_kept_as_verified() {
        let f = fixture();
        let svc = f.service(None);
        assert_eq!(svc.last_verification().unwrap(), None);
        f.store
            .mark_key_invalid(ErrorCode::InvalidKey, chrono::Utc::now())
            .unwrap();
        let v = verification(true);
        svc.save(&key("k1"), &v, false).unwrap();
        // Same outcome, message, warnings and matrix: not rebuilt in other words.
        assert_eq!(svc.last_verification().unwrap(), Some(v.clone()));
        assert_eq!(
            f.store.key_invalid().unwrap(),
            None,
            "saving lifts the mark"
        );

        // A service built later (after a restart) reads the same.
        assert_eq!(f.service(None).last_verification().unwrap(), Some(v));
    }

    #[test]
    fn a_key_that_cannot_sync_is_not_saved() {
        let f = fixture();
        let svc = f.service(None);
        let err = svc
            .save(&key("k1"), &verification(false), false)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeyCannotSync);
        assert!(!svc.stored().unwrap());
        assert_eq!(svc.last_verification().unwrap(), None);
    }

    #[test]
    fn replace_then_remove() {
        let f = fixture();
        let svc = f.service(None);
        svc.save(&key("k1"), &verification(true), false).unwrap();
        let mut second = verification(true);
        second.title = Some("Second key".into());
        svc.save(&key("k2"), &second, false).unwrap();
        assert_eq!(svc.require().unwrap(), key("k2"));
        assert_eq!(svc.last_verification().unwrap(), Some(second));

        assert!(svc.remove(false).unwrap());
        assert!(!svc.stored().unwrap());
        assert_eq!(svc.last_verification().unwrap(), None);
        assert!(!svc.remove(false).unwrap(), "nothing left to remove");
    }

    #[test]
    fn a_verification_recorded_as_facts_is_still_shown() {
        let f = fixture();
        let r = crate::store::KeyVerificationRecord {
            title: Some("Old key".into()),
            created_at: None,
            scopes: vec!["jobs:read".into()],
            modules: [
                (Module::Jobs, Access::Read),
                (Module::Organization, Access::Missing),
            ]
            .into_iter()
            .collect(),
            write_scopes: vec![],
            org_fingerprint: None,
            verified_at: chrono::Utc::now(),
        };
        f.store.save_key_verification(&r).unwrap();
        let v = f.service(None).last_verification().unwrap().unwrap();
        assert_eq!(v.title.as_deref(), Some("Old key"));
        assert_eq!(v.access(Module::Jobs), Access::Read);
        assert_eq!(v.access(Module::Organization), Access::Missing);
        assert!(!v.can_save);
    }
}
