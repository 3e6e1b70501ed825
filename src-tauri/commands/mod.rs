//! Thin adapters from IPC to the plain modules. No logic lives here: each command parses its input,
//! calls into `state`, `keys`, `setup` or `store`, and maps errors to `{code, message}`.
//!
//! Each command is declared with `command! { … }` (a `#[tauri::command]` that records its
//! signature, see [`ipc`]) and listed once in `ipc_table!` below; the handler Tauri runs and the
//! TypeScript `Commands` type both come from that list.

pub mod changes;
pub mod export;
pub mod ipc;
pub mod jobs;
pub mod notifications;
pub mod settings;

use crate::__ipc_command as command;
use crate::sync::{SchedulerState, SyncProgress, SyncSummary};
use ipc::Event;

/// Lists every command once: the Tauri handler and the TypeScript signatures both come from here.
macro_rules! ipc_table {
    ($($cmd:ident $(:: $rest:ident)*),* $(,)?) => {
        /// The Tauri handler for every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($cmd $(::$rest)*),*]
        }

        /// Every command's TypeScript signature, in the handler's order.
        pub fn signatures(cfg: &ts_rs::Config) -> Vec<ipc::CommandSig> {
            vec![$($cmd $(::$rest)* ::signature(cfg)),*]
        }
    };
}

ipc_table![
    app_info,
    startup_problem,
    retry_startup,
    start_fresh,
    quit_app,
    open_external,
    boot_state,
    wizard_steps,
    wizard_progress,
    set_wizard_progress,
    verify_key,
    cancel_verification,
    save_key,
    check_organization,
    first_sync_estimate,
    key_status,
    reverify_key,
    remove_key,
    start_at_login,
    set_start_at_login,
    proxy_status,
    set_proxy,
    test_connection,
    check_for_update,
    install_update,
    jobs::list_jobs,
    jobs::job_detail,
    jobs::facets,
    jobs::job_facets,
    jobs::job_in_results,
    jobs::view_state,
    jobs::set_view_state,
    jobs::sync_history,
    jobs::sync_status,
    jobs::sync_now,
    export::export_jobs,
    notifications::notification_prefs,
    notifications::set_notification_prefs,
    changes::list_changes,
    changes::unread_changes,
    changes::mark_changes_seen,
    changes::sync_trend,
    changes::run_changes,
    settings::sync_interval,
    settings::set_sync_interval,
    settings::open_folder,
    settings::network_changed,
];

/// The events the window listens to (`app.rs` forwards the scheduler's reports through them).
pub const SYNC_PROGRESS: Event<SyncProgress> = Event::new("syncProgress", "sync://progress");
pub const SYNC_FINISHED: Event<SyncSummary> = Event::new("syncFinished", "sync://finished");
pub const SYNC_STATE: Event<SchedulerState> = Event::new("syncState", "sync://state");
/// The open cache turned out damaged (a sync hit SQLITE_CORRUPT): the window offers to start fresh.
pub const CACHE_PROBLEM: Event<StartupProblem> = Event::new("cacheProblem", "app://cache-problem");
/// A notification was clicked: the window shows this screen.
pub const OPEN_SCREEN: Event<crate::notify::NoticeTarget> =
    Event::new("openScreen", "app://open-screen");

/// The generated TypeScript for the commands, the events and the UI's interval copy.
pub fn typescript(cfg: &ts_rs::Config) -> String {
    let events = [
        SYNC_PROGRESS.sig(cfg),
        SYNC_FINISHED.sig(cfg),
        SYNC_STATE.sig(cfg),
        CACHE_PROBLEM.sig(cfg),
        OPEN_SCREEN.sig(cfg),
    ];
    let consts = [
        (
            "SYNC_EVERY",
            "How often jobs sync, in words (`sync::DEFAULT_INTERVAL`), e.g. \"every hour\".",
            crate::sync::interval_every(crate::sync::DEFAULT_INTERVAL),
        ),
        (
            "FIRST_SYNC_NOTE",
            "How long a first sync takes, as measured by the benchmark (`sync::FIRST_SYNC_NOTE`).",
            crate::sync::FIRST_SYNC_NOTE.to_string(),
        ),
    ];
    ipc::typescript(&signatures(cfg), &events, &consts)
}

use crate::ashby::ApiKey;
use crate::config;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::network::{ConnectionTest, ProxyStatus};
use crate::setup::{self, Verification, WizardStep};
use crate::state::{AppState, BootState, KeyStatus, Startup, StartupProblem, WizardProgress};
use crate::sync::FirstSyncEstimate;
use serde::Serialize;
use std::time::Duration;
use tauri::{Manager, State};
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

command! {
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
}

command! {
    /// Why start-up stopped (a setting, or a cache that cannot be opened); `None` once the app is up.
    pub fn startup_problem(startup: State<'_, Startup>) -> Option<StartupProblem> {
        startup.problem()
    }
}

command! {
    /// "Try again" on the start-up problem screen. Runs on the main thread (not async): it
    /// starts the scheduler on Tauri's runtime.
    pub fn retry_startup(app: tauri::AppHandle) -> Option<StartupProblem> {
        let problem = crate::app::start_up(&app, None);
        app.state::<Startup>().set_problem(problem.clone());
        problem
    }
}

command! {
    /// "Move it aside and start fresh": renames the cache (never deletes it; only moved-aside
    /// copies beyond the newest three go) and starts with an empty one. At start-up the app then
    /// comes up in place; while running it stops the sync, closes the cache and restarts.
    pub fn start_fresh(app: tauri::AppHandle) -> AppResult<Option<StartupProblem>> {
        if let Some(state) = app.try_state::<AppState>() {
            if let Some(s) = state.scheduler.get() {
                tauri::async_runtime::block_on(s.shutdown());
            }
            let aside = state.store.close_and_move_aside()?;
            tracing::warn!(moved_to = %aside.display(), "the damaged cache was moved aside; restarting");
            app.request_restart();
            return Ok(None);
        }
        let startup = app.state::<Startup>();
        let settings = startup.settings().map_err(AppError::from)?;
        let aside = crate::store::Store::move_aside(&settings.db_path())?;
        let problem = crate::app::start_up(&app, Some(aside));
        startup.set_problem(problem.clone());
        Ok(problem)
    }
}

command! {
    /// "Check for updates": asks the update server for the newest release. Downloads nothing.
    pub async fn check_for_update(
        app: tauri::AppHandle,
        state: State<'_, AppState>,
        pending: State<'_, crate::updater::PendingUpdate>,
    ) -> AppResult<crate::update::UpdateStatus> {
        let (status, update) =
            crate::updater::check(&app, state.settings.update_url.as_deref()).await?;
        pending.set(update);
        Ok(status)
    }
}

command! {
    /// "Install and restart", once the user agreed: downloads the update the last check found,
    /// checks its signature, stops a running sync (and waits for it), installs and restarts.
    pub async fn install_update(
        app: tauri::AppHandle,
        state: State<'_, AppState>,
        pending: State<'_, crate::updater::PendingUpdate>,
    ) -> AppResult<()> {
        use crate::updater;
        if !updater::installed_from_package() {
            return Err(AppError::new(
                ErrorCode::UpdateUnavailable,
                "This copy of Ashby Sync was built from source, not installed from a release package, so it cannot update itself. Install the new version from the release page.",
            ));
        }
        let update = pending.take().ok_or_else(|| {
            AppError::new(
                ErrorCode::UpdateUnavailable,
                "There is no update to install. Choose Check for updates first.",
            )
        })?;
        let bytes = match updater::download_verified(&update).await {
            Ok(b) => b,
            Err(e) => {
                // Still on offer: "Install" may be tried again.
                pending.set(Some(update));
                return Err(e);
            }
        };
        tracing::info!(version = %update.version, "installing a verified update");
        let gate = crate::update::install_with_sync_stopped(state.scheduler.get(), move || {
            update.install(bytes).map_err(updater::map_error)
        })
        .await?;
        tracing::info!(?gate, "update installed; restarting");
        app.restart()
    }
}

command! {
    pub fn quit_app(app: tauri::AppHandle) {
        app.exit(0);
    }
}

command! {
    /// Opens an Ashby page in the default browser. Only https://app|developers|jobs.ashbyhq.com
    /// pages; the browser starts without the API key or the WebKit settings the app uses.
    pub fn open_external(app: tauri::AppHandle, url: String) -> AppResult<()> {
        use tauri_plugin_shell::ShellExt;
        crate::external::open(&url, crate::external::via_shell(app.shell()))
    }
}

command! {
    pub async fn boot_state(state: State<'_, AppState>) -> AppResult<BootState> {
        // The keychain may block on D-Bus: keep it off the IPC thread.
        let state = state.inner().clone();
        tauri::async_runtime::spawn_blocking(move || state.boot_state())
            .await
            .map_err(internal)
    }
}

command! {
    pub fn wizard_steps(state: State<'_, AppState>, mode: setup::WizardMode) -> Vec<WizardStep> {
        setup::wizard_steps_for(&state.settings.partner_name, mode)
    }
}

command! {
    pub fn wizard_progress(state: State<'_, AppState>) -> AppResult<WizardProgress> {
        state.wizard_progress()
    }
}

command! {
    pub fn set_wizard_progress(state: State<'_, AppState>, progress: WizardProgress) -> AppResult<()> {
        state.set_wizard_progress(&progress)
    }
}

command! {
    /// Verifies a pasted key; a valid key is kept in memory until `save_key`.
    pub async fn verify_key(state: State<'_, AppState>, key: String) -> AppResult<Verification> {
        let key = ApiKey::parse(&key)?;
        let v = run_verification(&state, key.clone()).await?;
        *lock(&state.pending_key) = v.valid.then(|| (key, v.clone()));
        Ok(v)
    }
}

command! {
    pub fn cancel_verification(state: State<'_, AppState>) {
        if let Some(task) = lock(&state.verify_task).take() {
            task.abort();
        }
    }
}

command! {
    /// Stores the verified key in the keychain and starts the first sync; `clear_cache` first drops
    /// the cached jobs (a key for another organisation).
    pub async fn save_key(state: State<'_, AppState>, clear_cache: bool) -> AppResult<()> {
        state.save_pending_key(clear_cache).await
    }
}

command! {
    /// For Replace key: does the verified key reach the organisation whose jobs are cached?
    /// `None` when there is nothing to compare or Ashby could not be asked.
    pub async fn check_organization(state: State<'_, AppState>) -> AppResult<Option<bool>> {
        let key = lock(&state.pending_key).as_ref().map(|(k, _)| k.clone());
        let Some(key) = key else {
            return Ok(None);
        };
        let client = state.keys.verification_client(key)?;
        Ok(setup::same_organization(&client, &state.store).await)
    }
}

command! {
    /// How long this organisation's first sync should take (the wizard's last step, the jobs
    /// view before the first sync has its own rate): one `jobPosting.list` call with the
    /// verified (or saved) key, asked once per key and remembered. `None` when there is no key
    /// or Ashby could not be asked (the generic note then stands).
    pub async fn first_sync_estimate(state: State<'_, AppState>) -> AppResult<Option<FirstSyncEstimate>> {
        let pending = lock(&state.pending_key).as_ref().map(|(k, _)| k.clone());
        let key = match pending {
            Some(k) => Some(k),
            None => {
                let st = state.inner().clone();
                tauri::async_runtime::spawn_blocking(move || st.keys.current())
                    .await
                    .map_err(internal)?
                    .ok()
                    .flatten()
                    .map(|(k, _)| k)
            }
        };
        let Some(key) = key else {
            return Ok(None);
        };
        if let Some((k, e)) = lock(&state.first_sync_estimate).as_ref() {
            if k.expose() == key.expose() {
                return Ok(Some(e.clone()));
            }
        }
        let remembered = key.clone();
        let cfg = state.keys.client_config()?;
        let concurrency = cfg.concurrency as u32;
        let client = crate::ashby::Client::new(key, cfg).map_err(AppError::from)?;
        let engine = state.settings.engine_config();
        let asked = tokio::time::timeout(
            ESTIMATE_TIMEOUT,
            crate::sync::estimate_for(&client, engine.use_public_board, engine.job_board_id, concurrency),
        )
        .await;
        match asked {
            Ok(Ok(e)) => {
                *lock(&state.first_sync_estimate) = Some((remembered, e.clone()));
                Ok(Some(e))
            }
            Ok(Err(e)) => {
                tracing::info!(code = %e.code(), "no first-sync estimate: {e}");
                Ok(None)
            }
            Err(_) => {
                tracing::info!("no first-sync estimate: Ashby did not answer in time");
                Ok(None)
            }
        }
    }
}

/// The estimate's one request waits at most this long (the wizard shows the generic note meanwhile).
const ESTIMATE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

command! {
    pub async fn key_status(state: State<'_, AppState>) -> AppResult<KeyStatus> {
        let state = state.inner().clone();
        tauri::async_runtime::spawn_blocking(move || state.key_status())
            .await
            .map_err(internal)?
    }
}

command! {
    pub async fn reverify_key(state: State<'_, AppState>) -> AppResult<Verification> {
        let st = state.inner().clone();
        let key = tauri::async_runtime::spawn_blocking(move || st.keys.require())
            .await
            .map_err(internal)??;
        let v = run_verification(&state, key).await?;
        // A rejected or unreachable key is recorded apart: the last good matrix stays.
        state.keys.record_reverification(&v)?;
        Ok(v)
    }
}

command! {
    /// Deletes the keychain entry (and, if asked, the cached jobs) and stops syncing.
    pub async fn remove_key(state: State<'_, AppState>, delete_cache: bool) -> AppResult<()> {
        state.remove_key(delete_cache).await
    }
}

async fn run_verification(state: &AppState, key: ApiKey) -> AppResult<Verification> {
    let keys = state.keys.clone();
    let task =
        tokio::spawn(async move { tokio::time::timeout(VERIFY_TIMEOUT, keys.verify(key)).await });
    *lock(&state.verify_task) = Some(task.abort_handle());
    let joined = task.await;
    lock(&state.verify_task).take();
    match joined {
        Err(e) if e.is_cancelled() => Err(AppError::new(ErrorCode::Cancelled, "Verification cancelled.")),
        Err(e) => Err(internal(e)),
        Ok(Err(_)) => Err(AppError::new(
            ErrorCode::VerifyTimeout,
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

/// Runs a store read on the blocking pool: a broad search over 20,000 jobs takes a few ms to tens
/// of ms, which must not stall the IPC thread while the user types.
async fn read<T, F>(state: &State<'_, AppState>, f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&crate::store::Store) -> crate::store::Result<T> + Send + 'static,
{
    let store = state.store.clone();
    tauri::async_runtime::spawn_blocking(move || f(&store))
        .await
        .map_err(internal)?
        .map_err(AppError::from)
}

fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!("internal error: {e}");
    AppError::new(ErrorCode::Internal, "Something went wrong inside Ashby Sync. Try again; if it keeps happening, restart the app.")
}

command! {
    /// Whether the app starts at login (keeps the scheduled sync going across reboots).
    pub fn start_at_login(app: tauri::AppHandle) -> AppResult<bool> {
        #[cfg(target_os = "linux")]
        {
            let _ = app;
            Ok(linux_autostart()?.is_enabled())
        }
        #[cfg(not(target_os = "linux"))]
        {
            use tauri_plugin_autostart::ManagerExt;
            app.autolaunch().is_enabled().map_err(autostart_error)
        }
    }
}

/// The XDG autostart folder (honouring `XDG_CONFIG_HOME`), which the plugin's Linux side ignores.
#[cfg(target_os = "linux")]
fn linux_autostart() -> AppResult<crate::autostart::XdgAutostart> {
    crate::autostart::XdgAutostart::for_user()
        .ok_or_else(|| autostart_error("neither XDG_CONFIG_HOME nor HOME is set"))
}

command! {
    pub fn set_start_at_login(app: tauri::AppHandle, enabled: bool) -> AppResult<bool> {
        #[cfg(target_os = "linux")]
        {
            let _ = app;
            let items = linux_autostart()?;
            let result = if enabled {
                // An AppImage runs from a temporary mount: the login item starts the image itself.
                let exe = match std::env::var_os("APPIMAGE") {
                    Some(image) => std::path::PathBuf::from(image),
                    None => std::env::current_exe().map_err(autostart_error)?,
                };
                items.enable(&exe, &[crate::app::START_HIDDEN_ARG])
            } else {
                items.disable()
            };
            result.map_err(autostart_error)?;
            tracing::info!(enabled, path = %items.entry_path().display(), "start at login changed");
            Ok(items.is_enabled())
        }
        #[cfg(not(target_os = "linux"))]
        set_start_at_login_with_plugin(app, enabled)
    }
}

#[cfg(not(target_os = "linux"))]
fn set_start_at_login_with_plugin(app: tauri::AppHandle, enabled: bool) -> AppResult<bool> {
    {
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
}

command! {
    /// The proxy set by hand (if any) and what requests to Ashby go through.
    pub async fn proxy_status(state: State<'_, AppState>) -> AppResult<ProxyStatus> {
        let st = state.inner().clone();
        tauri::async_runtime::spawn_blocking(move || st.keys.proxy().status(&st.settings.api_base_url))
            .await
            .map_err(internal)?
    }
}

command! {
    /// Sets the proxy (empty = automatic); credentials in it go to the keychain. The next request
    /// (Verify, sync, Test connection) uses it.
    pub async fn set_proxy(state: State<'_, AppState>, proxy: String) -> AppResult<ProxyStatus> {
        let st = state.inner().clone();
        tauri::async_runtime::spawn_blocking(move || {
            st.keys.proxy().set(&proxy)?;
            st.keys.proxy().status(&st.settings.api_base_url)
        })
        .await
        .map_err(internal)?
    }
}

command! {
    /// DNS, TCP, the proxy's tunnel, TLS and `apiKey.info`, step by step (with the saved or the
    /// pending key, if any).
    pub async fn test_connection(state: State<'_, AppState>) -> AppResult<ConnectionTest> {
        let st = state.inner().clone();
        let pending = lock(&state.pending_key).as_ref().map(|(k, _)| k.clone());
        let (cfg, key) = tauri::async_runtime::spawn_blocking(move || {
            let cfg = st.keys.client_config()?;
            let key = match pending {
                Some(k) => Some(k),
                None => st.keys.current().ok().flatten().map(|(k, _)| k),
            };
            Ok::<_, crate::keys::KeyError>((cfg, key))
        })
        .await
        .map_err(internal)??;
        Ok(crate::network::test_connection(&cfg, key.as_ref()).await)
    }
}

fn autostart_error(e: impl std::fmt::Display) -> AppError {
    AppError::new(
        ErrorCode::AutostartFailed,
        format!("Could not change whether Ashby Sync starts at login: {e}. Check that your login items (autostart folder) are writable."),
    )
}

#[cfg(test)]
mod tests {
    /// The README says how often jobs sync in the words the app uses (`SYNC_EVERY`): changing
    /// `sync::DEFAULT_INTERVAL` fails here until the README follows.
    #[test]
    fn readme_states_the_sync_interval() {
        let every = crate::sync::interval_every(crate::sync::DEFAULT_INTERVAL);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        assert!(
            readme.contains(&format!("syncs your jobs **{every}**")),
            "README.md should say the app syncs your jobs **{every}**"
        );
    }
}
