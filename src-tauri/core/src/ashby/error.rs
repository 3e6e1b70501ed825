//! The client's one error type and the mapping from Ashby's responses to it.
//!
//! Ashby answers most failures with HTTP 200 and `{"success": false, "errorInfo": {"code",
//! "message", "requestId"}}` (older shapes carry only `errors: [...]`); 401 means no key was sent,
//! 403 a wrong key, or with `missing_endpoint_permission` a missing module, 429 rate limiting
//! (<https://developers.ashbyhq.com/docs/responses>, <https://developers.ashbyhq.com/docs/rate-limits>).

use std::time::Duration;

use serde_json::Value;

use super::key::KeyFormatError;
use super::permissions::Module;
use crate::error::ErrorCode;

/// Longest response excerpt kept in [`Error::Decode`].
pub const SNIPPET_MAX_CHARS: usize = 200;

/// Everything that can go wrong talking to Ashby. `code()` is stable; `Display` tells a
/// recruiting coordinator what to do. No variant ever holds the API key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// HTTP 401: the request carried no key (a bug in the app, or the key store is empty).
    #[error(
        "Ashby did not receive an API key. Enter your Ashby API key again in the set-up; \
         if this keeps happening, restart the app."
    )]
    MissingKey,

    /// HTTP 403 without `missing_endpoint_permission`: wrong or deactivated key.
    #[error(
        "Ashby rejected the API key: it is wrong or has been deactivated. Create a new key in \
         Ashby → Admin → API Keys and enter it again."
    )]
    InvalidKey,

    /// HTTP 403 `missing_endpoint_permission`: the key is valid but lacks a module's read access.
    #[error("{}", missing_permission_message(endpoint, *module))]
    MissingPermission {
        endpoint: String,
        module: Option<Module>,
    },

    /// HTTP 429 (after the client's own retries ran out, or the wait asked for was too long).
    #[error("{}", rate_limited_message(*retry_after, *partner_scope))]
    RateLimited {
        retry_after: Option<Duration>,
        /// `X-RateLimit-Scope: integration-partner`: the whole partner is throttled, not this key.
        partner_scope: bool,
    },

    #[error(
        "Ashby's change bookmark for this list has expired, so everything has to be downloaded \
         again. The app does this automatically on the next sync; nothing to do."
    )]
    SyncTokenExpired,

    #[error(
        "Ashby did not accept the saved change bookmark, so everything has to be downloaded again. \
         The app does this automatically on the next sync; nothing to do."
    )]
    SyncTokenInvalid,

    #[error(
        "Too much changed in Ashby since the last sync to fetch only the changes, so everything \
         will be downloaded again. The app does this automatically; nothing to do."
    )]
    IncrementalSyncTooLarge,

    #[error(
        "Ashby's page bookmark expired in the middle of a download. The app restarts the download \
         automatically; if this repeats, sync again later."
    )]
    CursorExpired,

    #[error(
        "Ashby did not accept a page bookmark in the middle of a download. The app restarts the \
         download automatically; if this repeats, sync again later."
    )]
    CursorInvalid,

    /// `*_not_found` codes (HTTP 200 + `success:false`).
    #[error(
        "Ashby could not find that item ({code}); it may have been deleted or the key may not \
         be allowed to see it (for example a confidential job). Sync again to refresh the list."
    )]
    NotFound { code: String },

    /// `invalid_input`: the app sent something Ashby did not accept.
    #[error(
        "Ashby did not accept the request{}. Update the app; if it still happens, report it \
         with the app's log.", message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default()
    )]
    InvalidInput { message: Option<String> },

    /// HTTP 5xx (after retries).
    #[error(
        "Ashby is having a problem right now (HTTP {0}). Nothing is wrong on your side; the app \
         will try again at the next sync, or try again in a few minutes."
    )]
    Server(u16),

    /// Connection failure (after retries).
    #[error(
        "Could not reach Ashby. Check your internet connection (and any VPN or proxy) and try \
         again. Details: {0}"
    )]
    Network(String),

    /// Nothing answered at all: the connection was refused, the name did not resolve, no route.
    /// Unlike a dropped connection, retrying at once does not help (the client tries once more,
    /// a second later): the app says "Offline" right away and checks again every minute.
    #[error(
        "Could not reach Ashby. Check your internet connection (and any VPN or proxy) and try \
         again. Details: {0}"
    )]
    Unreachable(String),

    /// The request took longer than the configured timeout (after retries).
    #[error(
        "Ashby took too long to answer. Check your internet connection and try again in a few \
         minutes."
    )]
    Timeout,

    /// The response was not what Ashby documents (not JSON, truncated, unexpected shape).
    #[error(
        "Ashby sent a response the app could not read ({endpoint}: {detail}). Try again; if it \
         keeps happening, update the app or report it with the app's log."
    )]
    Decode {
        endpoint: String,
        detail: String,
        /// At most [`SNIPPET_MAX_CHARS`] characters of the body, key scrubbed.
        snippet: String,
    },

    /// Any other `success:false` code (or an unexpected HTTP status, as `http_<status>`).
    #[error(
        "Ashby reported an error: {}{}. Try again; if it keeps happening, contact Ashby support{}.",
        code,
        message.as_deref().map(|m| format!(" — {m}")).unwrap_or_default(),
        request_id.as_deref().map(|r| format!(" and quote request id {r}")).unwrap_or_default()
    )]
    Api {
        code: String,
        message: Option<String>,
        request_id: Option<String>,
    },

    /// A response body over `ClientConfig::max_body_bytes` (a proxy's error page streamed
    /// forever, a runaway answer): refused before it fills the memory.
    #[error(
        "Ashby's answer to {endpoint} was larger than {limit_mb} MB, so the app stopped reading \
         it. Try again later; if it keeps happening, a proxy may be altering the traffic — tell \
         your IT team, or report it with the app's log."
    )]
    TooLarge { endpoint: String, limit_mb: u64 },

    /// A list kept saying "more data" past the page cap — a runaway loop guard.
    #[error(
        "Ashby kept returning more pages of {endpoint} than expected (over {pages} pages), so the \
         download was stopped. Try again later; if it keeps happening, report it with the app's log."
    )]
    PageCapExceeded { endpoint: String, pages: u32 },

    /// The pasted key cannot be a key at all (nothing was sent to Ashby).
    #[error(transparent)]
    KeyFormat(#[from] KeyFormatError),

    /// The server's certificate chain does not end at a root this computer trusts: almost always a
    /// TLS-inspecting proxy whose root certificate is not in the system's store.
    #[error(
        "Ashby Sync could not make a secure connection to {}: the certificate it was shown is not \
         trusted by this computer{}. Your network probably inspects secure connections. Ask IT to \
         install its root certificate in the system's certificate store (use \"Copy details for \
         IT\"), then choose Retry.",
        .0.host, root_hint(.0)
    )]
    CertificateUntrusted(super::transport::TlsFacts),

    #[error(
        "The certificate {} presented has expired or is not valid yet. Check that this computer's \
         date and time are right; if they are, tell IT (use \"Copy details for IT\"): the network \
         may be serving an out-of-date certificate.",
        .0.host
    )]
    CertificateExpired(super::transport::TlsFacts),

    #[error(
        "The certificate {} presented is for another server, so Ashby Sync did not send anything. \
         A proxy or filter on your network may be answering in Ashby's place: tell IT (use \"Copy \
         details for IT\").",
        .0.host
    )]
    CertificateWrongHost(super::transport::TlsFacts),

    /// Any other TLS failure (handshake refused, protocol error, revoked certificate).
    #[error(
        "The secure connection to {} failed ({}). Try again; if it keeps failing, tell IT (use \"Copy \
         details for IT\").",
        .0.host, .0.detail
    )]
    Tls(super::transport::TlsFacts),

    /// HTTP 407 (or a CONNECT answered 407): the proxy wants credentials.
    #[error(
        "The proxy {proxy} asks for a user name and password. Enter them in Settings → Proxy as \
         http://user:password@host:port (they are kept in the system keychain), or ask IT which \
         credentials this app should use."
    )]
    ProxyAuth { proxy: String },

    /// The proxy refused to open a tunnel to Ashby.
    #[error(
        "The proxy {proxy} refused to connect to {host}. Ask IT to allow HTTPS to api.ashbyhq.com \
         for this app (use \"Copy details for IT\"), then choose Retry."
    )]
    ProxyRefused { proxy: String, host: String },

    #[error(
        "Could not reach the proxy {proxy} ({detail}). Check the proxy address in Settings → Proxy \
         (empty uses your system's settings), or ask IT for the right one, then choose Retry."
    )]
    ProxyUnreachable { proxy: String, detail: String },

    /// A response that is not Ashby's (a web filter's block page): never "key revoked".
    #[error(
        "Your network blocked the connection to Ashby: something other than Ashby answered \
         ({detail}). The API key was not checked and is not affected. Ask IT to allow HTTPS to \
         api.ashbyhq.com for this app (use \"Copy details for IT\"), then choose Retry."
    )]
    Blocked {
        host: String,
        status: u16,
        /// The proxy in use, described.
        proxy: String,
        detail: String,
    },

    /// `http://` to something other than loopback.
    #[error(
        "ASHBY_API_BASE_URL must use https:// ({url} is plain http, which would send the API key \
         unencrypted). Plain http is accepted only for 127.0.0.1, ::1 and localhost."
    )]
    InsecureUrl { url: String },

    /// The client itself could not be set up (bad base URL, TLS initialisation).
    #[error(
        "The connection to Ashby could not be set up ({0}). Check the ASHBY_API_BASE_URL setting \
         or reinstall the app."
    )]
    Config(String),
}

fn missing_permission_message(endpoint: &str, module: Option<Module>) -> String {
    match module {
        Some(m) => format!(
            "The API key is valid but lacks read access to the {m} module (needed for {endpoint}). \
             In Ashby → Admin → API Keys, edit the key, tick Read for {m}, save, then check the key again."
        ),
        None => format!(
            "The API key is valid but lacks a permission needed for {endpoint}. In Ashby → Admin → \
             API Keys, give the key Read access to every module, save, then check the key again."
        ),
    }
}

fn root_hint(f: &super::transport::TlsFacts) -> String {
    match f.chain.last() {
        Some(c) => format!(" (it was issued by {})", c.issuer),
        None => String::new(),
    }
}

fn rate_limited_message(retry_after: Option<Duration>, partner_scope: bool) -> String {
    let who = if partner_scope {
        "Ashby is limiting requests from all customers of this integration partner right now"
    } else {
        "Ashby is limiting how fast this API key may make requests"
    };
    let when = match retry_after {
        Some(d) => format!("Try again in about {} seconds", d.as_secs().max(1)),
        None => "Try again in a few minutes".to_string(),
    };
    format!("{who}. {when}; the next scheduled sync will also retry automatically.")
}

impl Error {
    /// Stable machine code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::MissingKey => ErrorCode::MissingKey,
            Error::InvalidKey => ErrorCode::InvalidKey,
            Error::MissingPermission { .. } => ErrorCode::MissingPermission,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::SyncTokenExpired => ErrorCode::SyncTokenExpired,
            Error::SyncTokenInvalid => ErrorCode::SyncTokenInvalid,
            Error::IncrementalSyncTooLarge => ErrorCode::IncrementalSyncTooLarge,
            Error::CursorExpired => ErrorCode::CursorExpired,
            Error::CursorInvalid => ErrorCode::CursorInvalid,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::Server(_) => ErrorCode::ServerError,
            Error::Network(_) | Error::Unreachable(_) => ErrorCode::Network,
            Error::Timeout => ErrorCode::Timeout,
            Error::Decode { .. } => ErrorCode::DecodeError,
            Error::Api { .. } => ErrorCode::ApiError,
            Error::PageCapExceeded { .. } => ErrorCode::PageCapExceeded,
            Error::TooLarge { .. } => ErrorCode::ResponseTooLarge,
            Error::KeyFormat(e) => e.code(),
            Error::Config(_) => ErrorCode::ClientConfig,
            Error::CertificateUntrusted(_) => ErrorCode::CertificateUntrusted,
            Error::CertificateExpired(_) => ErrorCode::CertificateExpired,
            Error::CertificateWrongHost(_) => ErrorCode::CertificateWrongHost,
            Error::Tls(_) => ErrorCode::TlsFailed,
            Error::ProxyAuth { .. } => ErrorCode::ProxyAuthRequired,
            Error::ProxyRefused { .. } => ErrorCode::ProxyRefused,
            Error::ProxyUnreachable { .. } => ErrorCode::ProxyUnreachable,
            Error::Blocked { .. } => ErrorCode::BlockedByNetwork,
            Error::InsecureUrl { .. } => ErrorCode::InsecureBaseUrl,
        }
    }

    /// Transient: worth retrying later (the client already retried these a bounded number of times).
    /// Not certificates, proxy credentials or a network's policy: retrying at once changes nothing.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::RateLimited { .. }
                | Error::Server(_)
                | Error::Network(_)
                | Error::Unreachable(_)
                | Error::Timeout
                | Error::ProxyUnreachable { .. }
        )
    }

    /// What the network did (certificate, proxy, block page), as opposed to Ashby or the key.
    pub fn is_network_policy(&self) -> bool {
        matches!(
            self,
            Error::CertificateUntrusted(_)
                | Error::CertificateExpired(_)
                | Error::CertificateWrongHost(_)
                | Error::Tls(_)
                | Error::ProxyAuth { .. }
                | Error::ProxyRefused { .. }
                | Error::ProxyUnreachable { .. }
                | Error::Blocked { .. }
        )
    }

    /// The key itself is unusable (absent, wrong, deactivated, malformed): stop and ask for a new one.
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            Error::MissingKey | Error::InvalidKey | Error::KeyFormat(_)
        )
    }

    /// The key is fine but lacks a module permission.
    pub fn is_permission(&self) -> bool {
        matches!(self, Error::MissingPermission { .. })
    }

    /// About the way to Ashby or the key, not about the request: the network, Ashby being
    /// busy or down, the proxy or TLS, the key or its permissions.
    pub fn is_transport_or_key(&self) -> bool {
        self.is_retryable() || self.is_network_policy() || self.is_auth() || self.is_permission()
    }

    /// Drop the stored syncToken and redo the stream as a full pass.
    pub fn needs_full_resync(&self) -> bool {
        matches!(
            self,
            Error::SyncTokenExpired | Error::SyncTokenInvalid | Error::IncrementalSyncTooLarge
        )
    }

    /// Restart the current pass from page 1 (same syncToken).
    pub fn needs_pass_restart(&self) -> bool {
        matches!(self, Error::CursorExpired | Error::CursorInvalid)
    }
}

/// `code`, `message`, `requestId` pulled out of a `success:false` body.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

/// Reads the error code from `errorInfo.code`, else `errors[0]` (a string, or an object with
/// `code`/`message`). Tolerates `errorInfo: null`, missing `errors` and non-object bodies.
pub(crate) fn parse_error_body(body: &Value) -> ErrorBody {
    let mut out = ErrorBody::default();
    let Some(obj) = body.as_object() else {
        return out;
    };
    if let Some(info) = obj.get("errorInfo").and_then(Value::as_object) {
        out.code = non_empty_str(info.get("code"));
        out.message = non_empty_str(info.get("message"));
        out.request_id = non_empty_str(info.get("requestId"));
    }
    if let Some(first) = obj
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        match first {
            Value::String(s) if out.code.is_none() && !s.trim().is_empty() => {
                out.code = Some(s.trim().to_string());
            }
            Value::Object(o) => {
                if out.code.is_none() {
                    out.code = non_empty_str(o.get("code"));
                }
                if out.message.is_none() {
                    out.message = non_empty_str(o.get("message"));
                }
                // Some shapes carry only a message; if it looks like a code, it is one.
                if out.code.is_none() {
                    out.code = out.message.clone().filter(|m| looks_like_code(m));
                }
            }
            _ => {}
        }
    }
    if out.request_id.is_none() {
        out.request_id = non_empty_str(obj.get("requestId"));
    }
    out
}

fn looks_like_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn non_empty_str(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Maps an Ashby error code (from any status) to a specific variant, if it has one.
pub(crate) fn error_from_code(endpoint: &str, body: ErrorBody) -> Error {
    let code = body.code.clone().unwrap_or_default();
    match code.as_str() {
        "missing_endpoint_permission" => Error::MissingPermission {
            endpoint: endpoint.to_string(),
            module: Module::for_endpoint(endpoint),
        },
        "sync_token_expired" => Error::SyncTokenExpired,
        "sync_token_invalid" | "invalid_sync_token" => Error::SyncTokenInvalid,
        "incremental_sync_too_large" => Error::IncrementalSyncTooLarge,
        "next_cursor_expired" | "cursor_expired" => Error::CursorExpired,
        "invalid_next_cursor" | "next_cursor_invalid" | "cursor_invalid" | "invalid_cursor" => {
            Error::CursorInvalid
        }
        "invalid_input" => Error::InvalidInput {
            message: body.message,
        },
        "rate_limit_exceeded" | "rate_limited" | "too_many_requests" => Error::RateLimited {
            retry_after: None,
            partner_scope: false,
        },
        c if c == "not_found" || c.ends_with("_not_found") => Error::NotFound {
            code: c.to_string(),
        },
        "" => Error::Api {
            code: "unknown_error".to_string(),
            message: body.message,
            request_id: body.request_id,
        },
        _ => Error::Api {
            code,
            message: body.message,
            request_id: body.request_id,
        },
    }
}

/// Token/cursor codes (`sync_token_expired`, `next_cursor_expired`, …) are handled whatever the
/// HTTP status Ashby sends them with.
pub(crate) fn is_token_or_cursor_error(e: &Error) -> bool {
    e.needs_full_resync() || e.needs_pass_restart()
}

/// At most `max_chars` characters (an ellipsis marks a cut), split on a char boundary.
pub(crate) fn bounded(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let keep = max_chars.saturating_sub(1);
    let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(body: Value) -> Error {
        error_from_code("job.list", parse_error_body(&body))
    }

    #[test]
    fn code_from_error_info() {
        let e = map(
            json!({"success": false, "errors": ["x"], "errorInfo": {"code": "sync_token_expired", "message": "m", "requestId": "r"}}),
        );
        assert_eq!(e, Error::SyncTokenExpired);
        assert!(e.needs_full_resync());
    }

    #[test]
    fn code_from_errors_string_and_object() {
        assert_eq!(
            map(json!({"success": false, "errors": ["incremental_sync_too_large"]})),
            Error::IncrementalSyncTooLarge
        );
        assert_eq!(
            map(
                json!({"success": false, "errors": [{"code": "invalid_next_cursor", "message": "bad"}]})
            ),
            Error::CursorInvalid
        );
        assert_eq!(
            map(json!({"success": false, "errorInfo": null, "errors": ["next_cursor_expired"]})),
            Error::CursorExpired
        );
        assert_eq!(
            map(json!({"success": false, "errors": [{"message": "cursor_invalid"}]})),
            Error::CursorInvalid
        );
    }

    #[test]
    fn error_info_null_and_nothing_else() {
        let e = map(json!({"success": false, "errorInfo": null}));
        assert_eq!(e.code(), ErrorCode::ApiError);
        match e {
            Error::Api { code, .. } => assert_eq!(code, "unknown_error"),
            other => panic!("{other:?}"),
        }
        // Not even an object.
        assert_eq!(map(json!("nope")).code(), ErrorCode::ApiError);
    }

    #[test]
    fn other_codes() {
        assert_eq!(
            map(json!({"success": false, "errorInfo": {"code": "job_not_found"}})),
            Error::NotFound {
                code: "job_not_found".into()
            }
        );
        assert_eq!(
            map(
                json!({"success": false, "errorInfo": {"code": "invalid_input", "message": "bad limit"}})
            ),
            Error::InvalidInput {
                message: Some("bad limit".into())
            }
        );
        assert_eq!(
            map(json!({"success": false, "errorInfo": {"code": "missing_endpoint_permission"}})),
            Error::MissingPermission {
                endpoint: "job.list".into(),
                module: Some(Module::Jobs)
            }
        );
        let e = map(
            json!({"success": false, "errorInfo": {"code": "weird_thing", "message": "m", "requestId": "R1"}}),
        );
        assert_eq!(
            e,
            Error::Api {
                code: "weird_thing".into(),
                message: Some("m".into()),
                request_id: Some("R1".into())
            }
        );
        assert!(e.to_string().contains("R1"));
    }

    #[test]
    fn predicates_and_codes() {
        assert!(Error::Server(502).is_retryable());
        assert!(Error::Timeout.is_retryable());
        assert!(!Error::InvalidKey.is_retryable());
        assert!(Error::InvalidKey.is_auth());
        assert!(Error::MissingKey.is_auth());
        assert!(!Error::SyncTokenExpired.is_auth());
        assert!(Error::CursorExpired.needs_pass_restart());
        assert!(!Error::CursorExpired.needs_full_resync());
        assert_eq!(Error::Network("x".into()).code(), ErrorCode::Network);
        assert_eq!(
            Error::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
                partner_scope: true
            }
            .to_string(),
            "Ashby is limiting requests from all customers of this integration partner right now. \
             Try again in about 7 seconds; the next scheduled sync will also retry automatically."
        );
        assert!(Error::InvalidKey
            .to_string()
            .contains("Create a new key in Ashby → Admin → API Keys"));
    }

    #[test]
    fn bounded_snippets() {
        assert_eq!(bounded("abc", 5), "abc");
        let long = "é".repeat(300);
        let b = bounded(&long, SNIPPET_MAX_CHARS);
        assert_eq!(b.chars().count(), SNIPPET_MAX_CHARS);
        assert!(b.ends_with('…'));
        assert_eq!(bounded(&"x".repeat(200), 200), "x".repeat(200));
    }
}
