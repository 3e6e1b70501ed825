//! The OS keychain: the one place the Ashby API key is kept (macOS Keychain, Windows Credential
//! Manager, the Secret Service on Linux). There is deliberately no fallback to a file: without a
//! keychain the app says so and how to fix it.
//!
//! All calls block (a D-Bus or keychain round trip, possibly an unlock prompt); from async code
//! run them in `tokio::task::spawn_blocking`.
//!
//! Built on keyring-core with the platform stores keyring 4 uses, created per [`Vault::new`]
//! rather than once per process, so "Retry" after starting or unlocking the keychain works.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};
use serde::Serialize;
use ts_rs::TS;

use crate::ashby::ApiKey;
use crate::config::APP_IDENTIFIER;

/// The keychain item's account ("username"); the service is [`APP_IDENTIFIER`]. The app uses
/// `config::Settings::keychain_account`, which is this unless `ASHBY_SYNC_KEYCHAIN_ACCOUNT` is set.
pub const ACCOUNT: &str = crate::config::DEFAULT_KEYCHAIN_ACCOUNT;
/// Human-readable item label (shown by Seahorse / KWallet on Linux).
pub const ITEM_LABEL: &str = "Ashby Sync: Ashby API key";

#[cfg(target_os = "linux")]
const FIX_UNAVAILABLE: &str =
    "Ashby Sync keeps the API key only in the system keychain (the Secret \
     Service). Install and start GNOME Keyring or KWallet (on a desktop session they usually run \
     automatically), then choose Retry.";
#[cfg(target_os = "macos")]
const FIX_UNAVAILABLE: &str = "Ashby Sync keeps the API key only in the macOS Keychain. Open \
     Keychain Access to check your login keychain, then choose Retry.";
#[cfg(target_os = "windows")]
const FIX_UNAVAILABLE: &str = "Ashby Sync keeps the API key only in Windows Credential Manager. \
     Sign in with a normal user account (not a temporary profile), then choose Retry.";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const FIX_UNAVAILABLE: &str = "Ashby Sync keeps the API key only in the system keychain. Start a \
     Secret Service provider such as GNOME Keyring or KWallet, then choose Retry.";

/// What can go wrong with the keychain. Messages never contain the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// No keychain service to talk to (e.g. no Secret Service running).
    #[error("The system keychain is not available ({reason}). {FIX_UNAVAILABLE}")]
    Unavailable { reason: String },

    /// The keychain is locked and was not unlocked (prompt dismissed, or no way to prompt).
    #[error(
        "Your keychain is locked, so Ashby Sync can't read or save the API key. Unlock your \
         keychain (for example by signing in again or opening your keyring app), then choose Retry."
    )]
    Locked { reason: String },

    /// The keychain refused this app.
    #[error(
        "The system keychain refused access to Ashby Sync ({reason}). Allow Ashby Sync to use the \
         keychain (check your keyring app or security settings), then choose Retry."
    )]
    AccessDenied { reason: String },

    /// The stored item can't be used (not text, not a valid key, several copies).
    #[error(
        "The API key saved in your keychain can't be used ({reason}). Remove the key in Settings \
         and enter it again."
    )]
    Corrupt { reason: String },

    #[error(
        "The system keychain reported an unexpected problem ({reason}). Choose Retry; if it keeps \
         happening, restart your computer or report it with the app's log."
    )]
    Unexpected { reason: String },
}

impl Error {
    /// Stable snake_case machine code.
    pub fn code(&self) -> crate::error::ErrorCode {
        use crate::error::ErrorCode;
        match self {
            Error::Unavailable { .. } => ErrorCode::KeychainUnavailable,
            Error::Locked { .. } => ErrorCode::KeychainLocked,
            Error::AccessDenied { .. } => ErrorCode::KeychainAccessDenied,
            Error::Corrupt { .. } => ErrorCode::KeychainCorrupt,
            Error::Unexpected { .. } => ErrorCode::KeychainError,
        }
    }
}

/// What the launch screen and Settings need to know about the keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum VaultStatus {
    /// A usable key is stored.
    KeyStored,
    /// The keychain works but holds no key: run the wizard.
    NoKey,
    /// The keychain can't be used right now; show `message` and Retry.
    Error {
        code: crate::error::ErrorCode,
        message: String,
    },
}

impl From<&Error> for VaultStatus {
    fn from(e: &Error) -> Self {
        VaultStatus::Error {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// Handle on the app's single keychain item (service [`APP_IDENTIFIER`], the given account).
pub struct Vault {
    entry: Entry,
    account: String,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("service", &APP_IDENTIFIER)
            .field("account", &self.account)
            .finish()
    }
}

impl Vault {
    /// Opens the platform keychain. Each call connects afresh, so calling it again after the
    /// user started or unlocked the keychain (Retry) can succeed.
    pub fn new(account: &str) -> Result<Vault, Error> {
        let store = platform_store().map_err(|e| Error::Unavailable {
            reason: describe(&e),
        })?;
        let entry =
            build_entry(&store, account, platform_modifiers()).map_err(|e| map_error(&e))?;
        Ok(Vault {
            entry,
            account: account.to_string(),
        })
    }

    /// Uses the given store (tests: `keyring_core::mock::Store`) and [`ACCOUNT`]. No entry
    /// modifiers.
    pub fn with_store(store: &Arc<CredentialStore>) -> Result<Vault, Error> {
        let entry = build_entry(store, ACCOUNT, &[]).map_err(|e| map_error(&e))?;
        Ok(Vault {
            entry,
            account: ACCOUNT.to_string(),
        })
    }

    /// Another item of the app's (service [`APP_IDENTIFIER`]) beside the key's, e.g. the proxy's
    /// credentials: `account` names it, `label` is what keyring apps show.
    pub fn new_item(account: &str, label: &str) -> Result<Vault, Error> {
        let store = platform_store().map_err(|e| Error::Unavailable {
            reason: describe(&e),
        })?;
        let mods: &[(&str, &str)] = if platform_modifiers().is_empty() {
            &[]
        } else {
            &[("label", label)]
        };
        let entry = build_entry(&store, account, mods).map_err(|e| map_error(&e))?;
        Ok(Vault {
            entry,
            account: account.to_string(),
        })
    }

    /// [`Vault::new_item`] in the given store (tests).
    pub fn item_in_store(store: &Arc<CredentialStore>, account: &str) -> Result<Vault, Error> {
        let entry = build_entry(store, account, &[]).map_err(|e| map_error(&e))?;
        Ok(Vault {
            entry,
            account: account.to_string(),
        })
    }

    /// The item's text (for items other than the key), `None` when there is none.
    pub fn get_text(&self) -> Result<Option<String>, Error> {
        match self.entry.get_password() {
            Ok(t) => Ok(Some(t)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(&e)),
        }
    }

    /// Stores `text` in the item, replacing what it held.
    pub fn set_text(&self, text: &str) -> Result<(), Error> {
        match self.entry.set_password(text) {
            Ok(()) => Ok(()),
            Err(keyring_core::Error::Ambiguous(_)) => {
                self.delete()?;
                self.entry.set_password(text).map_err(|e| map_error(&e))
            }
            Err(e) => Err(map_error(&e)),
        }
    }

    /// The stored key, or `None` when there is none.
    pub fn get(&self) -> Result<Option<ApiKey>, Error> {
        let text = match self.entry.get_password() {
            // The plain copy is wiped once parsed into the (zeroizing) `ApiKey`.
            Ok(t) => zeroize::Zeroizing::new(t),
            Err(keyring_core::Error::NoEntry) => return Ok(None),
            Err(e) => return Err(map_error(&e)),
        };
        ApiKey::parse(&text).map(Some).map_err(|e| Error::Corrupt {
            // The format error's message never echoes the value.
            reason: e.code().to_string(),
        })
    }

    /// Stores `key`, replacing any stored key.
    pub fn set(&self, key: &ApiKey) -> Result<(), Error> {
        match self.entry.set_password(key.expose()) {
            Ok(()) => Ok(()),
            // Several matching items (e.g. in two collections): clear them all, then store once.
            Err(keyring_core::Error::Ambiguous(entries)) => {
                for e in entries {
                    match e.delete_credential() {
                        Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                        Err(e) => return Err(map_error(&e)),
                    }
                }
                self.entry
                    .set_password(key.expose())
                    .map_err(|e| map_error(&e))
            }
            Err(e) => Err(map_error(&e)),
        }
    }

    /// Removes the stored key. `Ok(false)` when there was none.
    pub fn delete(&self) -> Result<bool, Error> {
        match self.entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(keyring_core::Error::Ambiguous(entries)) => {
                for e in entries {
                    match e.delete_credential() {
                        Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                        Err(e) => return Err(map_error(&e)),
                    }
                }
                Ok(true)
            }
            Err(e) => Err(map_error(&e)),
        }
    }

    /// Whether a usable key is stored; keychain problems become [`VaultStatus::Error`].
    pub fn status(&self) -> VaultStatus {
        match self.get() {
            Ok(Some(_)) => VaultStatus::KeyStored,
            Ok(None) => VaultStatus::NoKey,
            Err(e) => {
                tracing::warn!(code = %e.code(), "keychain check failed: {e}");
                VaultStatus::from(&e)
            }
        }
    }
}

/// Opens the platform keychain and reports its status: what the app checks at launch and on Retry.
pub fn check(account: &str) -> VaultStatus {
    match Vault::new(account) {
        Ok(v) => v.status(),
        Err(e) => {
            tracing::warn!(code = %e.code(), "keychain unavailable: {e}");
            VaultStatus::from(&e)
        }
    }
}

fn build_entry(
    store: &Arc<CredentialStore>,
    account: &str,
    modifiers: &[(&str, &str)],
) -> keyring_core::Result<Entry> {
    if modifiers.is_empty() {
        Entry::new_in_store(store, APP_IDENTIFIER, account)
    } else {
        let mods = modifiers.iter().copied().collect();
        Entry::new_in_store_with_modifiers(store, APP_IDENTIFIER, account, &mods)
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_modifiers() -> &'static [(&'static str, &'static str)] {
    &[("label", ITEM_LABEL)]
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
)))]
fn platform_modifiers() -> &'static [(&'static str, &'static str)] {
    &[]
}

#[cfg(not(any(unix, target_os = "windows")))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "no supported keychain on this platform".to_string(),
    ))
}

/// The most specific reason in an error chain, without any secret data.
fn describe(e: &keyring_core::Error) -> String {
    use keyring_core::Error as K;
    match e {
        // The raw bytes inside these may be the key: never format them.
        K::BadEncoding(_) => "the stored value is not text".to_string(),
        K::BadDataFormat(_, _) => "the stored value is malformed".to_string(),
        K::Ambiguous(items) => format!("{} copies of the key are stored", items.len()),
        K::PlatformFailure(inner) | K::NoStorageAccess(inner) => inner.to_string(),
        other => other.to_string(),
    }
}

/// Sorts a keyring error into the vault's categories.
fn map_error(e: &keyring_core::Error) -> Error {
    use keyring_core::Error as K;
    let reason = describe(e);
    if let Some(kind) = platform_kind(e) {
        return match kind {
            PlatformKind::Unavailable => Error::Unavailable { reason },
            PlatformKind::Locked => Error::Locked { reason },
            PlatformKind::AccessDenied => Error::AccessDenied { reason },
        };
    }
    match e {
        K::NoStorageAccess(_) => {
            if looks_like_access_denied(&reason) {
                Error::AccessDenied { reason }
            } else {
                Error::Locked { reason }
            }
        }
        K::PlatformFailure(_) if looks_like_access_denied(&reason) => {
            Error::AccessDenied { reason }
        }
        K::NoDefaultStore => Error::Unavailable { reason },
        K::BadEncoding(_) | K::BadDataFormat(_, _) | K::Ambiguous(_) => Error::Corrupt { reason },
        _ => Error::Unexpected { reason },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PlatformKind {
    Unavailable,
    Locked,
    AccessDenied,
}

/// Exact classification of Secret Service failures (the store boxes `secret_service::Error`).
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_kind(e: &keyring_core::Error) -> Option<PlatformKind> {
    use secret_service::Error as S;
    let inner = match e {
        keyring_core::Error::PlatformFailure(i) | keyring_core::Error::NoStorageAccess(i) => i,
        _ => return None,
    };
    let ss = inner.downcast_ref::<S>()?;
    Some(match ss {
        S::Unavailable => PlatformKind::Unavailable,
        S::Locked | S::Prompt | S::PromptDisconnected | S::NoResult => PlatformKind::Locked,
        S::ZbusFdo(zbus_err) if is_dbus_access_denied(&zbus_err.to_string()) => {
            PlatformKind::AccessDenied
        }
        S::Zbus(zbus_err) => {
            let text = zbus_err.to_string();
            if is_dbus_access_denied(&text) {
                PlatformKind::AccessDenied
            } else if text.contains("ServiceUnknown") || text.contains("NameHasNoOwner") {
                // Nothing owns org.freedesktop.secrets and D-Bus can't start a provider.
                PlatformKind::Unavailable
            } else {
                return None;
            }
        }
        _ => return None,
    })
}

#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
)))]
fn platform_kind(_e: &keyring_core::Error) -> Option<PlatformKind> {
    None
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn is_dbus_access_denied(text: &str) -> bool {
    text.contains("AccessDenied")
}

fn looks_like_access_denied(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("access denied") || t.contains("access is denied") || t.contains("not allowed")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use keyring_core::mock;

    fn mock_vault() -> (Vault, Arc<CredentialStore>) {
        let store: Arc<CredentialStore> = mock::Store::new().unwrap();
        (Vault::with_store(&store).unwrap(), store)
    }

    fn key(s: &str) -> ApiKey {
        ApiKey::parse(s).unwrap()
    }

    /// One service name on macOS, Windows and Linux: every item is built by `build_entry` with
    /// the app's identifier (the bundle id in tauri.conf.json), so a key stored by one build is
    /// found by every other and by the CLI. This is the macOS/Windows path (no modifiers); the
    /// Linux one (with a label, which the mock store refuses) is checked against gnome-keyring
    /// in tests/vault.rs, which finds the item by `service com.ashbysync.desktop`; the real
    /// Keychain and Credential Manager in tests/vault_native.rs (CI's macOS and Windows jobs).
    #[test]
    fn every_item_uses_the_same_service_on_every_platform() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../../tauri.conf.json")).unwrap();
        assert_eq!(conf["identifier"], APP_IDENTIFIER);
        assert_eq!(APP_IDENTIFIER, "com.ashbysync.desktop");
        let store: Arc<CredentialStore> = mock::Store::new().unwrap();
        for account in [ACCOUNT, "demo", "api-key.proxy"] {
            let entry = build_entry(&store, account, &[]).unwrap();
            assert_eq!(
                entry.get_specifiers(),
                Some((APP_IDENTIFIER.to_string(), account.to_string()))
            );
        }
    }

    /// Makes the next operation on the vault's mock credential fail with `err`.
    fn fail_next(store: &Arc<CredentialStore>, err: keyring_core::Error) {
        let entry = Entry::new_in_store(store, APP_IDENTIFIER, ACCOUNT).unwrap();
        let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(err);
    }

    fn boxed(msg: &str) -> keyring_core::error::PlatformError {
        Box::new(std::io::Error::other(msg.to_string()))
    }

    #[test]
    fn set_get_replace_delete() {
        let (vault, store) = mock_vault();
        assert_eq!(vault.get().unwrap(), None);
        assert_eq!(vault.status(), VaultStatus::NoKey);
        vault.set(&key("first-key")).unwrap();
        assert_eq!(vault.get().unwrap(), Some(key("first-key")));
        vault.set(&key("second-key")).unwrap();
        assert_eq!(vault.get().unwrap(), Some(key("second-key")));
        assert_eq!(vault.status(), VaultStatus::KeyStored);
        // The item is the app's service + account, so a fresh Vault finds it.
        let again = Vault::with_store(&store).unwrap();
        assert_eq!(again.get().unwrap(), Some(key("second-key")));
        assert!(vault.delete().unwrap());
        assert_eq!(vault.get().unwrap(), None);
        assert!(!vault.delete().unwrap(), "deleting nothing is not an error");
    }

    #[test]
    fn stored_value_that_is_not_a_key_is_corrupt_and_not_echoed() {
        let (vault, store) = mock_vault();
        let entry = Entry::new_in_store(&store, APP_IDENTIFIER, ACCOUNT).unwrap();
        entry.set_password("secret with spaces").unwrap();
        let err = vault.get().unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeychainCorrupt);
        assert!(!err.to_string().contains("secret"), "{err}");
        entry.set_secret(&[0xff, 0xfe, b's']).unwrap();
        let err = vault.get().unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeychainCorrupt);
        assert!(err.to_string().contains("not text"));
    }

    #[test]
    fn locked_keychain() {
        let (vault, store) = mock_vault();
        fail_next(
            &store,
            keyring_core::Error::NoStorageAccess(boxed("collection is locked")),
        );
        let err = vault.set(&key("k")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeychainLocked);
        assert!(err.to_string().contains("Unlock your keychain"));
        assert!(err.to_string().contains("Retry"));
        // The error is consumed: the next call works.
        vault.set(&key("k")).unwrap();
        fail_next(
            &store,
            keyring_core::Error::NoStorageAccess(boxed("user canceled")),
        );
        match vault.status() {
            VaultStatus::Error { code, .. } => assert_eq!(code, ErrorCode::KeychainLocked),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn access_denied_and_unexpected() {
        let (vault, store) = mock_vault();
        fail_next(
            &store,
            keyring_core::Error::PlatformFailure(boxed(
                "org.freedesktop.DBus.Error.AccessDenied: access denied",
            )),
        );
        let err = vault.get().unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeychainAccessDenied);
        fail_next(
            &store,
            keyring_core::Error::PlatformFailure(boxed("disk on fire")),
        );
        let err = vault.delete().unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeychainError);
        assert!(err.to_string().contains("disk on fire"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn secret_service_errors_are_classified_exactly() {
        let ss = |e: secret_service::Error| keyring_core::Error::PlatformFailure(Box::new(e));
        let nsa = |e: secret_service::Error| keyring_core::Error::NoStorageAccess(Box::new(e));
        assert_eq!(
            map_error(&ss(secret_service::Error::Unavailable)).code(),
            ErrorCode::KeychainUnavailable
        );
        assert_eq!(
            map_error(&nsa(secret_service::Error::Prompt)).code(),
            ErrorCode::KeychainLocked
        );
        assert_eq!(
            map_error(&nsa(secret_service::Error::Locked)).code(),
            ErrorCode::KeychainLocked
        );
        assert_eq!(
            map_error(&ss(secret_service::Error::PromptDisconnected)).code(),
            ErrorCode::KeychainLocked
        );
        let err = map_error(&ss(secret_service::Error::Unavailable));
        assert!(
            err.to_string().contains("GNOME Keyring or KWallet"),
            "{err}"
        );
    }

    #[test]
    fn status_of_an_unavailable_keychain_says_how_to_fix_it() {
        let err = Error::Unavailable {
            reason: "no secret service provider or dbus session found".into(),
        };
        let status = VaultStatus::from(&err);
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(json["state"], "error");
        assert_eq!(json["code"], "keychain_unavailable");
        let msg = json["message"].as_str().unwrap();
        assert!(msg.contains("no secret service provider"));
        assert!(msg.contains("Retry"));
        assert_eq!(
            serde_json::to_value(VaultStatus::KeyStored).unwrap(),
            serde_json::json!({"state": "keyStored"})
        );
    }

    #[test]
    fn debug_output_has_no_key() {
        let (vault, _store) = mock_vault();
        vault.set(&key("very-secret-value")).unwrap();
        assert!(!format!("{vault:?}").contains("very-secret"));
    }
}
