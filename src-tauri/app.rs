//! Tauri wiring: plugins, managed state, the scheduler's events, the tray, commands, window.

use crate::config::Settings;
use crate::state::AppState;
use crate::store::Store;
use crate::sync::{
    self, EngineRunner, SchedulerConfig, SchedulerEvents, SchedulerState, SyncProgress, SyncSummary,
};
use crate::{commands, config, logging};
use std::process::ExitCode;
use std::sync::Arc;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, RunEvent, WindowEvent};

/// What "Start at login" launches the app with.
const START_HIDDEN_ARG: &str = "--background";

/// Forwards the scheduler's reports to the window (the engine already throttles progress).
struct WindowEvents(AppHandle);

impl SchedulerEvents for WindowEvents {
    fn progress(&self, p: &SyncProgress) {
        commands::SYNC_PROGRESS.emit(&self.0, p);
    }
    fn finished(&self, s: &SyncSummary) {
        commands::SYNC_FINISHED.emit(&self.0, s);
    }
    fn state_changed(&self, s: &SchedulerState) {
        commands::SYNC_STATE.emit(&self.0, s);
    }
}

/// WebKitGTK composites on the GPU by default and, without one, through Mesa's llvmpipe: the web
/// process alone then holds ~310 MB RSS where ~200 MB do without it (measured idle with 10,000
/// cached jobs; `cargo xtask bench`, 5b and 5b′). A list-and-text UI gains nothing from GPU compositing, and
/// turning it off also avoids WebKitGTK's blank-window bugs with some GPU drivers. Whoever sets
/// this or a related WebKit knob themselves keeps their choice. Runs before any thread exists,
/// so changing the environment is sound.
fn software_compositing_by_default() {
    if cfg!(target_os = "linux")
        && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none()
        && std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none()
    {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

pub fn run(settings: Settings, background: bool) -> ExitCode {
    software_compositing_by_default();
    let _log_guard = logging::init(&settings.log_dir(), settings.log_filter.as_deref(), true);
    tracing::info!(version = config::APP_VERSION, data_dir = %settings.data_dir.display(), "starting {}", config::APP_NAME);

    let opened = match Store::open(&settings.db_path()) {
        Ok(o) => o,
        Err(e) => {
            tracing::error!("cannot open the cache: {e}");
            eprintln!(
                "Ashby Sync could not open its data folder {}: {e}",
                settings.data_dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    if let Some(p) = &opened.recovered_from {
        tracing::warn!(moved_to = %p.display(), "the cache was unusable; moved aside and started afresh");
    }
    let state = AppState::new(settings, opened.store, opened.recovered_from);

    let app = tauri::Builder::default()
        .plugin(tauri_plugin_shell::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![START_HIDDEN_ARG]),
        ))
        .manage(state.clone())
        .setup(move |app| {
            start_scheduler(app.handle(), &state);
            let tray = tray_available();
            if tray {
                build_tray(app.handle())?;
            }
            // Started at login: stay in the tray; without a tray the window is the only way in.
            if background && tray {
                if let Some(w) = app.get_webview_window("main") {
                    let _ = w.hide();
                }
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            // With a tray, closing the window keeps the scheduled sync running in the background.
            if let WindowEvent::CloseRequested { api, .. } = event {
                if window.app_handle().tray_by_id("main").is_some() {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!());
    let app = match app {
        Ok(a) => a,
        Err(e) => {
            tracing::error!("the app window could not start: {e}");
            eprintln!("Ashby Sync could not open its window: {e}");
            return ExitCode::FAILURE;
        }
    };
    app.run(|handle, event| {
        if let RunEvent::ExitRequested { .. } = event {
            // Stop the scheduler first: a sync in flight rolls back its open pass, committed
            // streams stay, and the run is recorded as interrupted. Nothing is lost.
            if let Some(s) = handle.state::<AppState>().scheduler.get() {
                tauri::async_runtime::block_on(s.shutdown());
            }
        }
    });
    ExitCode::SUCCESS
}

fn start_scheduler(handle: &AppHandle, state: &AppState) {
    let facts = match state.store.schedule_facts() {
        Ok(f) => f,
        Err(e) => {
            tracing::error!("cannot read the sync schedule: {e}");
            return;
        }
    };
    let for_clients = state.clone();
    let runner = EngineRunner {
        store: state.store.clone(),
        clients: Arc::new(move || Ok(for_clients.keys.client()?)),
        config: state.settings.engine_config(),
    };
    let events = Arc::new(WindowEvents(handle.clone()));
    // `start` spawns on the current runtime: Tauri's.
    let sched = tauri::async_runtime::block_on(async move {
        sync::start_scheduler(Arc::new(runner), events, facts, SchedulerConfig::default())
    });
    let _ = state.scheduler.set(sched);
}

/// A tray icon only helps where something shows it: on Linux that is a StatusNotifier host on the
/// session bus. Without one, closing the window quits as usual.
fn tray_available() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let has_watcher = || -> zbus::Result<bool> {
        let conn = zbus::blocking::Connection::session()?;
        let dbus = zbus::blocking::fdo::DBusProxy::new(&conn)?;
        Ok(dbus.name_has_owner("org.kde.StatusNotifierWatcher".try_into()?)?)
    };
    has_watcher().unwrap_or(false)
}

fn build_tray(handle: &AppHandle) -> tauri::Result<()> {
    let open = MenuItem::with_id(handle, "open", "Open Ashby Sync", true, None::<&str>)?;
    let sync_now = MenuItem::with_id(handle, "sync", "Sync now", true, None::<&str>)?;
    let quit = MenuItem::with_id(handle, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(handle, &[&open, &sync_now, &quit])?;
    let mut tray = TrayIconBuilder::with_id("main")
        .tooltip(config::APP_NAME)
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => {
                if let Some(w) = app.get_webview_window("main") {
                    let _ = w.show();
                    let _ = w.set_focus();
                }
            }
            "sync" => {
                if let Some(s) = app.state::<AppState>().scheduler.get() {
                    s.request_sync(false);
                }
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = handle.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(handle)?;
    Ok(())
}
