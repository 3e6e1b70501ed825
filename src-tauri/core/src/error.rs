//! The one error type the UI and the CLI see: a stable machine `code` plus a message that says
//! what to do. Each module keeps its own thiserror enum (with its own `code()`); this wraps them.

use serde::Serialize;
use ts_rs::TS;

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
    Other { code: &'static str, message: String },
}

impl AppError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Other {
            code,
            message: message.into(),
        }
    }

    /// Stable, machine-readable code; the UI branches on it. Never reuse a code for another meaning.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Ashby(e) => e.code(),
            AppError::Store(e) => e.code(),
            AppError::Vault(e) => e.code(),
            AppError::KeyFormat(e) => e.code(),
            AppError::Other { code, .. } => code,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: self.to_string(),
        }
    }
}

/// What crosses IPC when a command fails.
#[derive(Debug, Clone, Serialize, TS, PartialEq, Eq)]
pub struct ErrorPayload {
    pub code: String,
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
        let e = AppError::new("internal", "Something went wrong. Restart the app.");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "internal", "message": "Something went wrong. Restart the app."})
        );
    }
}
