//! Thin adapters from IPC to the plain modules. No logic lives here: each command parses its input,
//! calls into `state`, `setup`, `vault` or `store`, and maps errors to `{code, message}`.

pub mod jobs;

use crate::ashby::ApiKey;
use crate::config;
use crate::error::{AppError, AppResult};
use crate::setup::{self, Verification, WizardStep};
use crate::state::{AppState, BootState, KeyStatus, WizardProgress};
use serde::Serialize;
use std::time::Duration;
use tauri::State;
use ts_rs::TS;

/// How long the wizard's Verify may take before we give up and say so.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub partner_name: String,
    pub data_dir: String,
    pub log_dir: String,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppResult<AppInfo> {
    let s = &state.settings;
    Ok(AppInfo {
        name: config::APP_NAME.into(),
        version: config::APP_VERSION.into(),
        partner_name: s.partner_name.clone(),
        data_dir: s.data_dir.display().to_string(),
        log_dir: s.log_dir().display().to_string(),
    })
}

#[tauri::command]
pub async fn boot_state(state: State<'_, AppState>) -> AppResult<BootState> {
    // The keychain may block on D-Bus: keep it off the IPC thread.
    let state = state.inner().clone();
    tauri::async_runtime::spawn_blocking(move || state.boot_state())
        .await
        .map_err(internal)
}

#[tauri::command]
pub fn wizard_steps(state: State<'_, AppState>) -> Vec<WizardStep> {
    setup::wizard_steps(&state.settings.partner_name)
}

#[tauri::command]
pub fn wizard_progress(state: State<'_, AppState>) -> AppResult<WizardProgress> {
    state.wizard_progress()
}

#[tauri::command]
pub fn set_wizard_progress(state: State<'_, AppState>, progress: WizardProgress) -> AppResult<()> {
    state.set_wizard_progress(&progress)
}

/// Verifies a pasted key; a valid key is kept in memory until `save_key`.
#[tauri::command]
pub async fn verify_key(state: State<'_, AppState>, key: String) -> AppResult<Verification> {
    let key = ApiKey::parse(&key)?;
    let v = run_verification(&state, key.clone()).await?;
    *lock(&state.pending_key) = v.valid.then(|| (key, v.clone()));
    Ok(v)
}

#[tauri::command]
pub fn cancel_verification(state: State<'_, AppState>) {
    if let Some(task) = lock(&state.verify_task).take() {
        task.abort();
    }
}

/// Stores the verified key in the keychain and starts the first sync; `clear_cache` first drops
/// the cached jobs (a key for another organisation).
#[tauri::command]
pub async fn save_key(state: State<'_, AppState>, clear_cache: bool) -> AppResult<()> {
    let state = state.inner().clone();
    tauri::async_runtime::spawn_blocking(move || state.save_pending_key(clear_cache))
        .await
        .map_err(internal)?
}

/// For Replace key: does the verified key reach the organisation whose jobs are cached?
/// `None` when there is nothing to compare or Ashby could not be asked.
#[tauri::command]
pub async fn check_organization(state: State<'_, AppState>) -> AppResult<Option<bool>> {
    let key = lock(&state.pending_key).as_ref().map(|(k, _)| k.clone());
    let Some(key) = key else {
        return Ok(None);
    };
    let client = state.keys.verification_client(key)?;
    Ok(setup::same_organization(&client, &state.store).await)
}

#[tauri::command]
pub async fn key_status(state: State<'_, AppState>) -> AppResult<KeyStatus> {
    let state = state.inner().clone();
    tauri::async_runtime::spawn_blocking(move || state.key_status())
        .await
        .map_err(internal)?
}

#[tauri::command]
pub async fn reverify_key(state: State<'_, AppState>) -> AppResult<Verification> {
    let st = state.inner().clone();
    let key = tauri::async_runtime::spawn_blocking(move || st.keys.require())
        .await
        .map_err(internal)??;
    let v = run_verification(&state, key).await?;
    state.keys.record_verification(&v)?;
    Ok(v)
}

/// Deletes the keychain entry (and, if asked, the cached jobs) and stops syncing.
#[tauri::command]
pub async fn remove_key(state: State<'_, AppState>, delete_cache: bool) -> AppResult<()> {
    let state = state.inner().clone();
    tauri::async_runtime::spawn_blocking(move || state.remove_key(delete_cache))
        .await
        .map_err(internal)?
}

async fn run_verification(state: &AppState, key: ApiKey) -> AppResult<Verification> {
    let keys = state.keys.clone();
    let task =
        tokio::spawn(async move { tokio::time::timeout(VERIFY_TIMEOUT, keys.verify(key)).await });
    *lock(&state.verify_task) = Some(task.abort_handle());
    let joined = task.await;
    lock(&state.verify_task).take();
    match joined {
        Err(e) if e.is_cancelled() => Err(AppError::new("cancelled", "Verification cancelled.")),
        Err(e) => Err(internal(e)),
        Ok(Err(_)) => Err(AppError::new(
            "verify_timeout",
            "Ashby did not answer within a minute. Check your internet connection (or proxy) and try again.",
        )),
        Ok(Ok(result)) => Ok(result?),
    }
}

/// Start-up benchmark hook (`cargo xtask bench`): with `ASHBY_SYNC_READY_FILE` set, the first
/// jobs page served to the window (boot state read, jobs view mounted, rows asked for) creates
/// that file, so the benchmark can time launch → first interactive paint. A no-op otherwise.
pub(crate) fn mark_ready() {
    static DONE: std::sync::Once = std::sync::Once::new();
    DONE.call_once(|| {
        if let Some(path) = std::env::var_os("ASHBY_SYNC_READY_FILE").filter(|p| !p.is_empty()) {
            if let Err(e) = std::fs::write(&path, b"ready\n") {
                tracing::warn!("could not write the ready file: {e}");
            }
        }
    });
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!("internal error: {e}");
    AppError::new("internal", "Something went wrong inside Ashby Sync. Try again; if it keeps happening, restart the app.")
}

/// Whether the app starts at login (keeps the scheduled sync going across reboots).
#[tauri::command]
pub fn start_at_login(app: tauri::AppHandle) -> AppResult<bool> {
    use tauri_plugin_autostart::ManagerExt;
    app.autolaunch().is_enabled().map_err(autostart_error)
}

#[tauri::command]
pub fn set_start_at_login(app: tauri::AppHandle, enabled: bool) -> AppResult<bool> {
    use tauri_plugin_autostart::ManagerExt;
    let launcher = app.autolaunch();
    let result = if enabled {
        launcher.enable()
    } else {
        launcher.disable()
    };
    result.map_err(autostart_error)?;
    tracing::info!(enabled, "start at login changed");
    launcher.is_enabled().map_err(autostart_error)
}

fn autostart_error(e: impl std::fmt::Display) -> AppError {
    AppError::new(
        "autostart_failed",
        format!("Could not change whether Ashby Sync starts at login: {e}. Check that your login items (autostart folder) are writable."),
    )
}
