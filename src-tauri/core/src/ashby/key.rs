//! The Ashby API key as a secret: it never shows up in Debug/Display output, logs or errors.

use secrecy::{ExposeSecret, SecretString};

/// Longer than any real key; a paste this long is almost certainly the wrong thing.
pub const MAX_KEY_LEN: usize = 512;

/// An Ashby API key. `Debug` prints `ApiKey([REDACTED])`; there is deliberately no `Display`.
/// The only way to the plain text is [`ApiKey::expose`], used where the Authorization header is
/// built and where the keychain stores it.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Normalises pasted input (trims spaces, newlines and invisible characters around it) and
    /// rejects values that cannot be a key. The wizard and the CLI share this.
    pub fn parse(input: &str) -> Result<ApiKey, KeyFormatError> {
        let trimmed = input.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
        if trimmed.is_empty() {
            return Err(KeyFormatError::Empty);
        }
        let len = trimmed.chars().count();
        if len > MAX_KEY_LEN {
            return Err(KeyFormatError::TooLong { len });
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(KeyFormatError::InnerWhitespace);
        }
        if trimmed.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(KeyFormatError::ControlCharacter);
        }
        // Keys go into an HTTP header, so only visible ASCII makes sense.
        if !trimmed.chars().all(|c| c.is_ascii_graphic()) {
            return Err(KeyFormatError::NonAscii);
        }
        Ok(ApiKey(SecretString::from(trimmed.to_string())))
    }

    /// The plain key. Only for the Authorization header and the keychain — never log it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Replaces any occurrence of the key (plain or as Basic-auth base64) in `text`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let key = self.expose();
        let mut out = text.replace(key, "[REDACTED]");
        let b64 = basic_b64(key);
        if out.contains(&b64) {
            out = out.replace(&b64, "[REDACTED]");
        }
        out
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for ApiKey {}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Base64 of `"<key>:"` (what travels in the Basic header), for scrubbing echoed headers.
fn basic_b64(key: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{key}:");
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(ALPHABET[(n >> 18) as usize & 63] as char);
        out.push(ALPHABET[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            ALPHABET[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            ALPHABET[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// Why a pasted value cannot be an API key. Messages never include the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyFormatError {
    #[error("The API key is empty. Paste the key you copied from Ashby → Admin → API Keys.")]
    Empty,
    #[error(
        "That does not look like an Ashby API key: it contains spaces or line breaks in the middle. \
         Copy the key again from Ashby and paste only the key."
    )]
    InnerWhitespace,
    #[error(
        "That does not look like an Ashby API key: it contains invisible control characters. \
         Copy the key again from Ashby and paste only the key."
    )]
    ControlCharacter,
    #[error(
        "That does not look like an Ashby API key: it contains characters an Ashby key never has. \
         Copy the key again from Ashby and paste only the key."
    )]
    NonAscii,
    #[error(
        "That does not look like an Ashby API key: it is {len} characters long, far longer than a key. \
         Copy only the key from Ashby and paste it again."
    )]
    TooLong { len: usize },
}

impl KeyFormatError {
    pub fn code(&self) -> crate::error::ErrorCode {
        use crate::error::ErrorCode;
        match self {
            KeyFormatError::Empty => ErrorCode::KeyEmpty,
            KeyFormatError::InnerWhitespace
            | KeyFormatError::ControlCharacter
            | KeyFormatError::NonAscii => ErrorCode::KeyMalformed,
            KeyFormatError::TooLong { .. } => ErrorCode::KeyTooLong,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn trims_and_accepts() {
        let k = ApiKey::parse("  \n\tabc123DEF_-.\r\n\u{FEFF}").unwrap();
        assert_eq!(k.expose(), "abc123DEF_-.");
        assert_eq!(format!("{k:?}"), "ApiKey([REDACTED])");
        assert!(!format!("{k:?}").contains("abc123"));
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(ApiKey::parse("").unwrap_err(), KeyFormatError::Empty);
        assert_eq!(ApiKey::parse(" \n ").unwrap_err(), KeyFormatError::Empty);
        assert_eq!(
            ApiKey::parse("abc def").unwrap_err(),
            KeyFormatError::InnerWhitespace
        );
        assert_eq!(
            ApiKey::parse("abc\ndef").unwrap_err(),
            KeyFormatError::InnerWhitespace
        );
        assert_eq!(
            ApiKey::parse("abc\u{7}def").unwrap_err(),
            KeyFormatError::ControlCharacter
        );
        assert_eq!(
            ApiKey::parse("abc\u{200B}def").unwrap_err(),
            KeyFormatError::ControlCharacter
        );
        assert_eq!(ApiKey::parse("abcé").unwrap_err(), KeyFormatError::NonAscii);
        let long = "a".repeat(MAX_KEY_LEN + 1);
        let err = ApiKey::parse(&long).unwrap_err();
        assert_eq!(
            err,
            KeyFormatError::TooLong {
                len: MAX_KEY_LEN + 1
            }
        );
        assert!(ApiKey::parse(&"a".repeat(MAX_KEY_LEN)).is_ok());
        assert_eq!(err.code(), ErrorCode::KeyTooLong);
    }

    #[test]
    fn error_messages_never_echo_input() {
        for input in ["sekrit with space", "sekrit\u{1}", "sekrité", ""] {
            if let Err(e) = ApiKey::parse(input) {
                assert!(!e.to_string().contains("sekrit"));
                assert!(!format!("{e:?}").contains("sekrit"));
            }
        }
    }

    #[test]
    fn scrub_removes_plain_and_base64() {
        let k = ApiKey::parse("my-secret-key").unwrap();
        // base64("my-secret-key:")
        assert_eq!(basic_b64("my-secret-key"), "bXktc2VjcmV0LWtleTo=");
        let s = k.scrub("echo my-secret-key and Basic bXktc2VjcmV0LWtleTo=");
        assert!(!s.contains("my-secret-key"));
        assert!(!s.contains("bXktc2VjcmV0LWtleTo="));
    }
}
