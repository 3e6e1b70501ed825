//! Names and locations shared by the GUI, the CLI and the tests. No Tauri types here.

use std::path::PathBuf;

/// Reverse-DNS identifier: the keychain service name and the data-dir name. Never change it.
pub const APP_IDENTIFIER: &str = "com.ashbysync.desktop";
pub const APP_NAME: &str = "Ashby Sync";
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const DEFAULT_API_BASE_URL: &str = "https://api.ashbyhq.com";
/// The partner named in step 3 of the partner's guide.
pub const DEFAULT_PARTNER_NAME: &str = "BeBitcoiner";

/// `ASHBY_API_BASE_URL` or Ashby's production API.
pub fn api_base_url() -> String {
    std::env::var("ASHBY_API_BASE_URL")
        .ok()
        .map(|s| s.trim().trim_end_matches('/').to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_API_BASE_URL.to_string())
}

/// `ASHBY_SYNC_PARTNER` or the documented default.
pub fn partner_name() -> String {
    std::env::var("ASHBY_SYNC_PARTNER")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_PARTNER_NAME.to_string())
}

/// `ASHBY_SYNC_DATA_DIR`, else the platform data dir + identifier
/// (`~/.local/share/com.ashbysync.desktop` on Linux).
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("ASHBY_SYNC_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(APP_IDENTIFIER)
}

/// Log files live beside the data: `<data dir>/logs`.
pub fn log_dir() -> PathBuf {
    data_dir().join("logs")
}

/// The SQLite cache file.
pub fn db_path() -> PathBuf {
    data_dir().join("ashby-sync.sqlite3")
}
