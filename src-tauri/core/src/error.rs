//! The one error type the UI and the CLI see: a stable machine `code` plus a message that says
//! what to do. Each module keeps its own thiserror enum (with its own `code()`); this wraps them.

use serde::Serialize;
use ts_rs::TS;

use crate::enums::closed_enum;

closed_enum!(
    /// Every machine code an error can carry: the UI and the CLI branch on these, the cache stores
    /// them (`sync_runs.error_code`, `sync_state.last_error_code`, the key-invalid mark). The
    /// spelling is part of the wire format and of stored data: never change or reuse one.
    pub enum ErrorCode {
        // The Ashby client (`ashby::Error::code`).
        MissingKey => "missing_key",
        InvalidKey => "invalid_key",
        MissingPermission => "missing_permission",
        RateLimited => "rate_limited",
        SyncTokenExpired => "sync_token_expired",
        SyncTokenInvalid => "sync_token_invalid",
        IncrementalSyncTooLarge => "incremental_sync_too_large",
        CursorExpired => "cursor_expired",
        CursorInvalid => "cursor_invalid",
        NotFound => "not_found",
        InvalidInput => "invalid_input",
        ServerError => "server_error",
        Network => "network",
        Timeout => "timeout",
        DecodeError => "decode_error",
        ApiError => "api_error",
        PageCapExceeded => "page_cap_exceeded",
        ResponseTooLarge => "response_too_large",
        ClientConfig => "client_config",
        // A pasted key that cannot be a key (`ashby::KeyFormatError::code`).
        KeyEmpty => "key_empty",
        KeyMalformed => "key_malformed",
        KeyTooLong => "key_too_long",
        // The keychain (`vault::Error::code`).
        KeychainUnavailable => "keychain_unavailable",
        KeychainLocked => "keychain_locked",
        KeychainAccessDenied => "keychain_access_denied",
        KeychainCorrupt => "keychain_corrupt",
        KeychainError => "keychain_error",
        // The cache (`store::Error::code`).
        DbError => "db_error",
        DbMigrationFailed => "db_migration_failed",
        DbIo => "db_io",
        /// SQLite found the cache damaged while the app ran: the window offers to start fresh.
        DbCorrupt => "db_corrupt",
        // The app itself.
        Internal => "internal",
        NoKey => "no_key",
        NotVerified => "not_verified",
        KeyCannotSync => "key_cannot_sync",
        InvalidStatus => "invalid_status",
        SyncUnavailable => "sync_unavailable",
        Cancelled => "cancelled",
        VerifyTimeout => "verify_timeout",
        AutostartFailed => "autostart_failed",
        InvalidSetting => "invalid_setting",
        /// The app quit (or the task was stopped) before a sync finished.
        Interrupted => "interrupted",
        // The network between the app and Ashby (`ashby::transport`).
        CertificateUntrusted => "certificate_untrusted",
        CertificateExpired => "certificate_expired",
        CertificateWrongHost => "certificate_wrong_host",
        TlsFailed => "tls_failed",
        ProxyAuthRequired => "proxy_auth_required",
        ProxyRefused => "proxy_refused",
        ProxyUnreachable => "proxy_unreachable",
        BlockedByNetwork => "blocked_by_network",
        InsecureBaseUrl => "insecure_base_url",
        /// A stored code this version does not know (written by a newer version of the app).
        Unrecognized => "unrecognized",
        /// Another window or process is syncing this cache right now; this run did not start.
        SyncBusy => "sync_busy",
        /// The key changed (or the cache was cleared) during the run: its results were dropped.
        SyncSuperseded => "sync_superseded",
        // Updates (`update`, the app's updater).
        /// This build has no update server or no updater key configured.
        UpdateUnavailable => "update_unavailable",
        /// The update server could not be reached or sent something unreadable.
        UpdateCheckFailed => "update_check_failed",
        /// The downloaded update does not match its signature: nothing was installed.
        UpdateSignatureInvalid => "update_signature_invalid",
        UpdateInstallFailed => "update_install_failed",
        /// The export file could not be written (folder not writable, disk full).
        ExportFailed => "export_failed",
        /// No web browser could be started for a link: the UI shows the address to copy.
        BrowserUnavailable => "browser_unavailable",
    } else Unrecognized
);

impl ErrorCode {
    /// Codes that mean there is no usable key: the UI asks for one, automatic syncs pause.
    pub const NEEDS_KEY: [ErrorCode; 3] = [
        ErrorCode::InvalidKey,
        ErrorCode::MissingKey,
        ErrorCode::NoKey,
    ];

    /// Codes that mean Ashby could not be reached at all: the app says Offline.
    pub const OFFLINE: [ErrorCode; 2] = [ErrorCode::Network, ErrorCode::Timeout];

    pub fn needs_key(self) -> bool {
        Self::NEEDS_KEY.contains(&self)
    }

    pub fn is_offline(self) -> bool {
        Self::OFFLINE.contains(&self)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Ashby(#[from] crate::ashby::Error),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error(transparent)]
    Vault(#[from] crate::vault::Error),
    #[error(transparent)]
    KeyFormat(#[from] crate::ashby::KeyFormatError),
    #[error("{message}")]
    Other { code: ErrorCode, message: String },
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Other {
            code,
            message: message.into(),
        }
    }

    /// Stable, machine-readable code; the UI branches on it. Never reuse a code for another meaning.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Ashby(e) => e.code(),
            AppError::Store(e) => e.code(),
            AppError::Vault(e) => e.code(),
            AppError::KeyFormat(e) => e.code(),
            AppError::Other { code, .. } => *code,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code(),
            message: self.to_string(),
        }
    }
}

/// What crosses IPC when a command fails.
#[derive(Debug, Clone, Serialize, TS, PartialEq, Eq)]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.payload().serialize(s)
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_and_message() {
        let e = AppError::new(
            ErrorCode::Internal,
            "Something went wrong. Restart the app.",
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "internal", "message": "Something went wrong. Restart the app."})
        );
    }

    #[test]
    fn error_codes_keep_their_spelling() {
        // Stored in SQLite and sent over IPC: these spellings are data, not names.
        for c in ErrorCode::ALL {
            let s = c.as_str();
            assert!(
                s.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{s}"
            );
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(s));
            assert_eq!(ErrorCode::parse(s), Some(c));
        }
        assert_eq!(ErrorCode::DbIo.as_str(), "db_io");
        assert_eq!(
            ErrorCode::KeychainAccessDenied.as_str(),
            "keychain_access_denied"
        );
        assert!(ErrorCode::NoKey.needs_key() && !ErrorCode::Network.needs_key());
        assert!(ErrorCode::Timeout.is_offline() && !ErrorCode::ServerError.is_offline());
    }
}
