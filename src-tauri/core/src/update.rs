//! Updates, the parts that need no Tauri: which version is newer, whether an install may start
//! now, and installing with the sync stopped first. The app crate drives tauri-plugin-updater
//! (which fetches `latest.json` and checks the artifact's minisign signature) with these.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode};
use crate::store::Trigger;
use crate::sync::{SchedulerHandle, SchedulerState};

/// What "Check for updates" found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum UpdateStatus {
    /// The newest release is the running one (or older).
    UpToDate { current: String },
    /// A newer release; nothing is downloaded or installed until the user says so.
    Available {
        current: String,
        version: String,
        /// The release notes, as plain text.
        notes: Option<String>,
        /// When it was published (RFC 3339), if the manifest says.
        date: Option<String>,
    },
}

/// A release version as the updater compares them (semver; a leading `v` is allowed, as in tags).
fn parse(v: &str) -> Option<semver::Version> {
    semver::Version::parse(v.trim().trim_start_matches('v')).ok()
}

/// Whether `offered` is newer than `current`. `None` when either is not a version, so a
/// broken manifest is reported rather than read as "up to date" or as an update.
pub fn is_newer(current: &str, offered: &str) -> Option<bool> {
    Some(parse(offered)? > parse(current)?)
}

/// Whether an install may begin right away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallGate {
    /// No sync is running: install at once.
    Ready,
    /// A sync is running: it is cancelled and awaited first (its open pass rolls back, every
    /// committed stream and stored description stays, and the run is recorded as interrupted).
    StopSyncFirst { trigger: Trigger },
}

pub fn install_gate(state: &SchedulerState) -> InstallGate {
    match state.running {
        Some(trigger) => InstallGate::StopSyncFirst { trigger },
        None => InstallGate::Ready,
    }
}

/// Runs `install` (blocking: it writes the new app or starts the installer) with the scheduler
/// held: a running sync is cancelled and awaited first, and none starts while installing. On
/// success the hold stays (the app restarts next); on failure syncing resumes.
pub async fn install_with_sync_stopped<F>(
    scheduler: Option<&SchedulerHandle>,
    install: F,
) -> Result<InstallGate, AppError>
where
    F: FnOnce() -> Result<(), AppError> + Send + 'static,
{
    let gate = scheduler
        .map(|s| install_gate(&s.state()))
        .unwrap_or(InstallGate::Ready);
    if let Some(s) = scheduler {
        if let InstallGate::StopSyncFirst { trigger } = gate {
            tracing::info!(
                ?trigger,
                "stopping the running sync before installing an update"
            );
        }
        s.hold().await;
    }
    let done = tokio::task::spawn_blocking(install)
        .await
        .unwrap_or_else(|e| {
            Err(AppError::new(
                ErrorCode::UpdateInstallFailed,
                format!("The update could not be installed (the install task stopped: {e}). Ashby Sync keeps running the current version; try again, or download the new version from the release page."),
            ))
        });
    if let Some(s) = scheduler {
        if done.is_err() {
            s.release();
        }
    }
    done.map(|()| gate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_is_semver_order() {
        assert_eq!(is_newer("0.1.0", "0.2.0"), Some(true));
        assert_eq!(is_newer("0.1.0", "v0.1.1"), Some(true));
        assert_eq!(is_newer("0.9.0", "0.10.0"), Some(true));
        assert_eq!(is_newer("1.0.0", "1.0.0"), Some(false));
        assert_eq!(is_newer("1.0.0", "0.9.9"), Some(false));
        assert_eq!(is_newer("1.0.0-beta.1", "1.0.0"), Some(true));
        assert_eq!(is_newer("1.0.0", "1.0.0-beta.1"), Some(false));
        assert_eq!(is_newer("1.0.0", "latest"), None);
        assert_eq!(is_newer("", "1.0.0"), None);
    }

    #[test]
    fn gate_says_stop_the_sync_only_while_one_runs() {
        let mut s = SchedulerState {
            running: None,
            next_run_at: None,
            paused_for_key: false,
            busy_elsewhere: false,
            keychain_locked: false,
            consecutive_failures: 0,
            last_success_at: None,
            last_summary: None,
            online: None,
            interval_secs: Some(3600),
        };
        assert_eq!(install_gate(&s), InstallGate::Ready);
        s.running = Some(Trigger::Schedule);
        assert_eq!(
            install_gate(&s),
            InstallGate::StopSyncFirst {
                trigger: Trigger::Schedule
            }
        );
    }

    #[test]
    fn status_serialises_for_the_ui() {
        let s = UpdateStatus::Available {
            current: "0.1.0".into(),
            version: "0.2.0".into(),
            notes: None,
            date: None,
        };
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            serde_json::json!({"kind": "available", "current": "0.1.0", "version": "0.2.0", "notes": null, "date": null})
        );
    }
}
