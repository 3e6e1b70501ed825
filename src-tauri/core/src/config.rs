//! Names, locations and the environment's settings, shared by the GUI, the CLI and the tests. No
//! Tauri types here.
//!
//! The environment is read once, into [`Settings`] ([`Settings::from_env`]); everything else takes
//! its values from there. Tests build one from a plain list with [`Settings::from_vars`].

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use crate::ashby::{ApiKey, ClientConfig, KeyFormatError};
use crate::enums::closed_enum;

closed_enum!(
    /// The folders Settings → About may open (the window never names a path itself).
    pub enum Folder {
        Data => "data",
        Logs => "logs",
    }
);

/// Reverse-DNS identifier: the keychain service name and the data-dir name. Never change it.
pub const APP_IDENTIFIER: &str = "com.ashbysync.desktop";
pub const APP_NAME: &str = "Ashby Sync";
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const DEFAULT_API_BASE_URL: &str = "https://api.ashbyhq.com";
/// The partner named in step 3 of the partner's guide.
pub const DEFAULT_PARTNER_NAME: &str = "BeBitcoiner";
/// The keychain item's account ("username") unless `ASHBY_SYNC_KEYCHAIN_ACCOUNT` says otherwise.
pub const DEFAULT_KEYCHAIN_ACCOUNT: &str = "api-key";

/// The environment variables [`Settings`] reads.
pub mod vars {
    pub const API_KEY: &str = "ASHBY_API_KEY";
    pub const API_BASE_URL: &str = "ASHBY_API_BASE_URL";
    pub const DATA_DIR: &str = "ASHBY_SYNC_DATA_DIR";
    pub const PARTNER: &str = "ASHBY_SYNC_PARTNER";
    pub const LOG: &str = "ASHBY_SYNC_LOG";
    pub const RATE_LIMIT_PER_MINUTE: &str = "ASHBY_SYNC_RATE_LIMIT_PER_MINUTE";
    pub const KEYCHAIN_ACCOUNT: &str = "ASHBY_SYNC_KEYCHAIN_ACCOUNT";
    pub const PUBLIC_BOARD: &str = "ASHBY_SYNC_PUBLIC_BOARD";
    pub const UPDATE_URL: &str = "ASHBY_SYNC_UPDATE_URL";
}

/// Everything the environment configures, parsed once at start-up. The GUI and the CLI both
/// build one and pass it (or values from it) down.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `ASHBY_API_KEY`: used for this run only, never stored. `None` when unset or blank.
    pub api_key: Option<ApiKey>,
    /// `ASHBY_API_BASE_URL` (no trailing slash) or Ashby's production API.
    pub api_base_url: String,
    /// `ASHBY_SYNC_DATA_DIR`, else the platform's local data dir + identifier
    /// (`~/.local/share/com.ashbysync.desktop` on Linux, `%LOCALAPPDATA%` on Windows).
    /// Logs live in it too ([`Settings::log_dir`]).
    pub data_dir: PathBuf,
    /// `ASHBY_SYNC_PARTNER` or the documented default.
    pub partner_name: String,
    /// `ASHBY_SYNC_LOG`: a `tracing` filter such as `debug`; `None` = the default filter.
    pub log_filter: Option<String>,
    /// `ASHBY_SYNC_RATE_LIMIT_PER_MINUTE`: the client's own request budget (0 = none; Ashby's own
    /// limit still applies and is honoured). `None` = the client's default.
    pub rate_limit_per_minute: Option<u32>,
    /// `ASHBY_SYNC_KEYCHAIN_ACCOUNT`: keeps `cargo xtask run --demo`'s sample key apart from a
    /// real one; everything else uses [`DEFAULT_KEYCHAIN_ACCOUNT`].
    pub keychain_account: String,
    /// `ASHBY_SYNC_PUBLIC_BOARD` (`on`/`off`, default on): fill listed postings' descriptions
    /// from the organisation's public job board in one request (else one `jobPosting.info`
    /// per posting).
    pub use_public_board: bool,
    /// `ASHBY_SYNC_UPDATE_URL`: where "Check for updates" reads `latest.json` instead of the
    /// endpoint built into the app (a company mirror, a test server). `None` = the built-in one.
    pub update_url: Option<String>,
}

/// A setting the environment gives but the app cannot use. The message names the variable and
/// says how to fix it; it never echoes an API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("ASHBY_API_KEY: {0} Fix the value of ASHBY_API_KEY, or unset it to use the key stored in the keychain.")]
    ApiKey(KeyFormatError),
    #[error("{name} must be {expected}, not \"{value}\". Fix the value, or unset {name} to use the default.")]
    Invalid {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
    #[error(
        "{name} is not valid text (UTF-8). Fix the value, or unset {name} to use the default."
    )]
    NotUnicode { name: &'static str },
    #[error("Ashby Sync cannot find your user's app-data folder (is HOME set?), so it has nowhere private to keep its cache. Set ASHBY_SYNC_DATA_DIR to a folder only you can read, or ask IT why your account has no home folder.")]
    NoDataDir,
}

impl SettingsError {
    /// Stable machine code (the CLI prints it, the UI may branch on it).
    pub fn code(&self) -> crate::error::ErrorCode {
        match self {
            SettingsError::ApiKey(e) => e.code(),
            SettingsError::Invalid { .. }
            | SettingsError::NotUnicode { .. }
            | SettingsError::NoDataDir => crate::error::ErrorCode::InvalidSetting,
        }
    }
}

impl From<SettingsError> for crate::error::AppError {
    fn from(e: SettingsError) -> Self {
        crate::error::AppError::new(e.code(), e.to_string())
    }
}

/// The platform's per-user *local* app-data dir + identifier: `~/.local/share` on Linux,
/// `~/Library/Application Support` on macOS, `%LOCALAPPDATA%` (not the roaming profile, which
/// would copy a large cache across the network at every login) on Windows. Without one there is
/// no private place for the cache: never fall back to the shared temp dir.
fn default_data_dir(local: Option<PathBuf>) -> Result<PathBuf, SettingsError> {
    local
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or(SettingsError::NoDataDir)
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_vars(std::env::vars_os())
    }

    /// Parses the given variables (the environment, or a plain list in tests). Unknown names are
    /// ignored; empty values count as unset.
    pub fn from_vars<I, K, V>(vars: I) -> Result<Settings, SettingsError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let vars: BTreeMap<OsString, OsString> = vars
            .into_iter()
            .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
            .collect();
        // Present and not blank, as text.
        let text = |name: &'static str| -> Result<Option<String>, SettingsError> {
            match vars.get(OsStr::new(name)) {
                None => Ok(None),
                Some(v) => match v.to_str() {
                    Some(s) if s.trim().is_empty() => Ok(None),
                    Some(s) => Ok(Some(s.to_string())),
                    None => Err(SettingsError::NotUnicode { name }),
                },
            }
        };

        let api_key = match vars.get(OsStr::new(vars::API_KEY)) {
            None => None,
            // Not text: report it as a malformed key, never echoing it.
            Some(v) => match v.to_str() {
                None => return Err(SettingsError::ApiKey(KeyFormatError::NonAscii)),
                Some(s) if s.trim().is_empty() => None,
                Some(s) => Some(ApiKey::parse(s).map_err(SettingsError::ApiKey)?),
            },
        };
        let api_base_url = match text(vars::API_BASE_URL)? {
            Some(raw) => {
                let url = raw.trim().trim_end_matches('/').to_string();
                let ok = url::Url::parse(&url)
                    .map(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
                    .unwrap_or(false);
                if !ok {
                    return Err(SettingsError::Invalid {
                        name: vars::API_BASE_URL,
                        expected: "an http(s) URL such as https://api.ashbyhq.com",
                        value: raw,
                    });
                }
                // The key must never cross a network in clear text.
                if crate::ashby::transport::check_base_url(&url).is_err() {
                    return Err(SettingsError::Invalid {
                        name: vars::API_BASE_URL,
                        expected:
                            "an https:// URL (plain http:// only for 127.0.0.1, ::1 or localhost)",
                        value: raw,
                    });
                }
                url
            }
            None => DEFAULT_API_BASE_URL.to_string(),
        };
        let data_dir = match vars.get(OsStr::new(vars::DATA_DIR)) {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => default_data_dir(dirs::data_local_dir())?,
        };
        let rate_limit_per_minute = match text(vars::RATE_LIMIT_PER_MINUTE)? {
            Some(raw) => Some(raw.trim().parse::<u32>().map_err(|_| {
                SettingsError::Invalid {
                    name: vars::RATE_LIMIT_PER_MINUTE,
                    expected: "a whole number of requests per minute (0 turns the app's own limit off)",
                    value: raw.clone(),
                }
            })?),
            None => None,
        };
        let use_public_board = match text(vars::PUBLIC_BOARD)? {
            Some(raw) => match raw.trim().to_ascii_lowercase().as_str() {
                "1" | "on" | "true" | "yes" => true,
                "0" | "off" | "false" | "no" => false,
                _ => {
                    return Err(SettingsError::Invalid {
                        name: vars::PUBLIC_BOARD,
                        expected: "on or off",
                        value: raw,
                    })
                }
            },
            None => true,
        };
        let update_url = match text(vars::UPDATE_URL)? {
            Some(raw) if !raw.trim().is_empty() => {
                let url = raw.trim().to_string();
                // The manifest is not signed (the artifact is): fetch it over TLS, as the key.
                if crate::ashby::transport::check_base_url(&url).is_err() {
                    return Err(SettingsError::Invalid {
                        name: vars::UPDATE_URL,
                        expected: "an https:// URL of a latest.json (plain http:// only for 127.0.0.1, ::1 or localhost)",
                        value: raw,
                    });
                }
                Some(url)
            }
            _ => None,
        };
        Ok(Settings {
            update_url,
            use_public_board,
            api_key,
            api_base_url,
            data_dir,
            partner_name: text(vars::PARTNER)?.unwrap_or_else(|| DEFAULT_PARTNER_NAME.to_string()),
            log_filter: text(vars::LOG)?,
            rate_limit_per_minute,
            keychain_account: text(vars::KEYCHAIN_ACCOUNT)?
                .map(|a| a.trim().to_string())
                .unwrap_or_else(|| DEFAULT_KEYCHAIN_ACCOUNT.to_string()),
        })
    }

    /// Log files live beside the data: `<data dir>/logs`.
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// The folder Settings → About opens.
    pub fn folder(&self, folder: Folder) -> PathBuf {
        match folder {
            Folder::Data => self.data_dir.clone(),
            Folder::Logs => self.log_dir(),
        }
    }

    /// The SQLite cache file.
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("ashby-sync.sqlite3")
    }

    /// The sync engine's defaults with this environment's choices.
    pub fn engine_config(&self) -> crate::sync::EngineConfig {
        crate::sync::EngineConfig {
            use_public_board: self.use_public_board,
            ..crate::sync::EngineConfig::default()
        }
    }

    /// The client's defaults with this environment's base URL and request budget.
    pub fn client_config(&self) -> ClientConfig {
        let mut cfg = ClientConfig::with_base_url(self.api_base_url.clone());
        if let Some(n) = self.rate_limit_per_minute {
            cfg.rate_limit_per_minute = n;
        }
        cfg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn parse(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_vars(vars.iter().copied())
    }

    #[test]
    fn defaults_without_variables() {
        let s = parse(&[("UNRELATED", "x")]).unwrap();
        assert!(s.api_key.is_none());
        assert_eq!(s.api_base_url, DEFAULT_API_BASE_URL);
        assert_eq!(s.partner_name, DEFAULT_PARTNER_NAME);
        assert_eq!(s.keychain_account, DEFAULT_KEYCHAIN_ACCOUNT);
        assert_eq!(s.rate_limit_per_minute, None);
        assert_eq!(s.log_filter, None);
        assert!(s.data_dir.ends_with(APP_IDENTIFIER));
        let cfg = s.client_config();
        assert_eq!(cfg.base_url, DEFAULT_API_BASE_URL);
        assert_eq!(
            cfg.rate_limit_per_minute,
            ClientConfig::default().rate_limit_per_minute
        );
    }

    #[test]
    fn every_variable_is_read() {
        let s = parse(&[
            ("ASHBY_API_KEY", "  test-key-123\n"),
            ("ASHBY_API_BASE_URL", "http://127.0.0.1:8080/"),
            ("ASHBY_SYNC_DATA_DIR", "/tmp/ashby-data"),
            ("ASHBY_SYNC_PARTNER", "Acme"),
            ("ASHBY_SYNC_LOG", "debug"),
            ("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", " 0 "),
            ("ASHBY_SYNC_KEYCHAIN_ACCOUNT", "demo"),
        ])
        .unwrap();
        assert_eq!(s.api_key.as_ref().map(|k| k.expose()), Some("test-key-123"));
        assert_eq!(s.api_base_url, "http://127.0.0.1:8080");
        assert_eq!(s.data_dir, PathBuf::from("/tmp/ashby-data"));
        assert_eq!(
            s.db_path(),
            PathBuf::from("/tmp/ashby-data/ashby-sync.sqlite3")
        );
        assert_eq!(s.log_dir(), PathBuf::from("/tmp/ashby-data/logs"));
        assert_eq!(s.partner_name, "Acme");
        assert_eq!(s.log_filter.as_deref(), Some("debug"));
        assert_eq!(s.rate_limit_per_minute, Some(0));
        assert_eq!(s.keychain_account, "demo");
        let cfg = s.client_config();
        assert_eq!(cfg.base_url, "http://127.0.0.1:8080");
        assert_eq!(cfg.rate_limit_per_minute, 0);
    }

    #[test]
    fn blank_values_count_as_unset() {
        let s = parse(&[
            ("ASHBY_API_KEY", "   "),
            ("ASHBY_API_BASE_URL", ""),
            ("ASHBY_SYNC_PARTNER", " "),
            ("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", ""),
            ("ASHBY_SYNC_KEYCHAIN_ACCOUNT", " "),
        ])
        .unwrap();
        assert!(s.api_key.is_none());
        assert_eq!(s.api_base_url, DEFAULT_API_BASE_URL);
        assert_eq!(s.partner_name, DEFAULT_PARTNER_NAME);
        assert_eq!(s.rate_limit_per_minute, None);
        assert_eq!(s.keychain_account, DEFAULT_KEYCHAIN_ACCOUNT);
    }

    #[test]
    fn a_malformed_key_is_rejected_without_echoing_it() {
        let err = parse(&[("ASHBY_API_KEY", "has a space")]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeyMalformed);
        let msg = err.to_string();
        assert!(msg.starts_with("ASHBY_API_KEY: "), "{msg}");
        assert!(msg.contains("unset it"), "{msg}");
        assert!(!msg.contains("has a space"), "never echo the key: {msg}");
    }

    #[test]
    fn the_public_board_setting() {
        assert!(parse(&[]).unwrap().use_public_board);
        assert!(parse(&[]).unwrap().engine_config().use_public_board);
        let off = parse(&[("ASHBY_SYNC_PUBLIC_BOARD", " Off ")]).unwrap();
        assert!(!off.use_public_board);
        assert!(!off.engine_config().use_public_board);
        assert!(
            parse(&[("ASHBY_SYNC_PUBLIC_BOARD", "1")])
                .unwrap()
                .use_public_board
        );
        let msg = parse(&[("ASHBY_SYNC_PUBLIC_BOARD", "maybe")])
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("ASHBY_SYNC_PUBLIC_BOARD") && msg.contains("on or off"),
            "{msg}"
        );
    }

    #[test]
    fn the_update_url_setting() {
        assert_eq!(parse(&[]).unwrap().update_url, None);
        assert_eq!(
            parse(&[("ASHBY_SYNC_UPDATE_URL", " ")]).unwrap().update_url,
            None
        );
        for ok in [
            "https://updates.example.com/ashby-sync/latest.json",
            "http://127.0.0.1:8123/latest.json",
        ] {
            let s = parse(&[("ASHBY_SYNC_UPDATE_URL", ok)]).unwrap();
            assert_eq!(s.update_url.as_deref(), Some(ok));
        }
        for bad in [
            "http://updates.example.com/latest.json",
            "latest.json",
            "ftp://x/y",
        ] {
            let msg = parse(&[("ASHBY_SYNC_UPDATE_URL", bad)])
                .unwrap_err()
                .to_string();
            assert!(
                msg.contains("ASHBY_SYNC_UPDATE_URL") && msg.contains("https://"),
                "{msg}"
            );
        }
    }

    #[test]
    fn an_invalid_rate_limit_says_what_to_do() {
        for bad in ["fast", "-1", "1.5", "99999999999"] {
            let err = parse(&[("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", bad)]).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidSetting);
            let msg = err.to_string();
            assert!(msg.contains("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE"), "{msg}");
            assert!(msg.contains("whole number"), "{msg}");
            assert!(msg.contains(&format!("\"{bad}\"")), "{msg}");
            assert!(msg.contains("unset"), "{msg}");
        }
    }

    #[test]
    fn without_a_home_there_is_no_temp_dir_fallback() {
        let err = default_data_dir(None).unwrap_err();
        assert_eq!(err, SettingsError::NoDataDir);
        assert_eq!(err.code(), ErrorCode::InvalidSetting);
        assert!(err.to_string().contains("ASHBY_SYNC_DATA_DIR"), "{err}");
        let home = PathBuf::from("/home/u/.local/share");
        assert_eq!(
            default_data_dir(Some(home.clone())).unwrap(),
            home.join(APP_IDENTIFIER)
        );
        // The local, not the roaming, app-data dir (they differ on Windows only).
        let s = parse(&[]).unwrap();
        assert_eq!(
            s.data_dir,
            dirs::data_local_dir().unwrap().join(APP_IDENTIFIER)
        );
    }

    #[test]
    fn an_invalid_base_url_is_rejected() {
        let err = parse(&[("ASHBY_API_BASE_URL", "api.ashbyhq.com")]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidSetting);
        assert!(err.to_string().contains("ASHBY_API_BASE_URL"));
    }

    #[test]
    fn plain_http_is_refused_beyond_loopback() {
        for bad in ["http://api.ashbyhq.com", "http://10.0.0.8:8080"] {
            let err = parse(&[("ASHBY_API_BASE_URL", bad)]).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidSetting);
            let msg = err.to_string();
            assert!(
                msg.contains("https://") && msg.contains("127.0.0.1"),
                "{msg}"
            );
        }
        for ok in [
            "http://127.0.0.1:9",
            "http://localhost:9",
            "http://[::1]:9",
            "https://x.example",
        ] {
            assert!(parse(&[("ASHBY_API_BASE_URL", ok)]).is_ok(), "{ok}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_values_are_rejected() {
        use std::os::unix::ffi::OsStrExt;
        let bad = OsStr::from_bytes(b"\xff\xfe");
        let err = Settings::from_vars([(OsStr::new("ASHBY_SYNC_PARTNER"), bad)]).unwrap_err();
        assert_eq!(
            err,
            SettingsError::NotUnicode {
                name: "ASHBY_SYNC_PARTNER"
            }
        );
        let err = Settings::from_vars([(OsStr::new("ASHBY_API_KEY"), bad)]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeyMalformed);
    }
}
