//! Tauri wiring: plugins, managed state, the scheduler's events, the tray, commands, window.
//!
//! Start-up never ends silently (there is no console on Windows): a setting the app refuses or a
//! cache it cannot open keeps the window up on a screen that says what happened
//! ([`StartupProblem`]), with "Move it aside and start fresh", "Try again" and "Quit".

use crate::config::{Settings, SettingsError};
use crate::state::{AppState, Startup, StartupProblem};
use crate::store::Store;
use crate::sync::{
    self, EngineRunner, SchedulerConfig, SchedulerEvents, SchedulerState, SyncProgress, SyncSummary,
};
use crate::{commands, config, logging};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use tauri::menu::{Menu, MenuItem};
use tauri::plugin::TauriPlugin;
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, RunEvent, WindowEvent};

/// What "Start at login" launches the app with.
pub(crate) const START_HIDDEN_ARG: &str = "--background";

/// Forwards the scheduler's reports to the window (the engine already throttles progress).
struct WindowEvents(AppHandle);

impl SchedulerEvents for WindowEvents {
    fn progress(&self, p: &SyncProgress) {
        commands::SYNC_PROGRESS.emit(&self.0, p);
    }
    fn finished(&self, s: &SyncSummary) {
        commands::SYNC_FINISHED.emit(&self.0, s);
        crate::notifications::after_run(&self.0, s);
        // The cache went bad under the sync: the window offers to start fresh.
        if s.error_code == Some(crate::error::ErrorCode::DbCorrupt) {
            if let Some(state) = self.0.try_state::<AppState>() {
                let detail = s.error_message.clone().unwrap_or_default();
                let problem = StartupProblem::damaged(&state.settings.db_path(), detail);
                commands::CACHE_PROBLEM.emit(&self.0, &problem);
            }
        }
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
        // Meant for our web view, not for the browser `open_external` starts.
        crate::external::set_for_ourselves("WEBKIT_DISABLE_COMPOSITING_MODE");
    }
}

pub fn run(settings: Result<Settings, SettingsError>, background: bool) -> ExitCode {
    software_compositing_by_default();
    let context = context();
    let _log_guard = match &settings {
        Ok(s) => logging::init(&s.log_dir(), s.log_filter.as_deref(), true),
        Err(_) => logging::init_stderr(),
    };
    match &settings {
        Ok(s) => {
            tracing::info!(version = config::APP_VERSION, data_dir = %s.data_dir.display(), "starting {}", config::APP_NAME)
        }
        Err(e) => tracing::error!(code = %e.code(), "a setting cannot be used: {e}"),
    }

    let startup = Startup::new(settings, background);
    // Read after the window closes: a start-up that never got past its problem exits 1.
    let unresolved = startup.problem_slot();
    let mut builder = tauri::Builder::default();
    // First, so a second launch exits before it touches the cache or shows anything.
    if single_instance_available() {
        builder = builder.plugin(tauri_plugin_single_instance::init(on_second_launch));
    }
    #[cfg(target_os = "macos")]
    {
        builder = builder.menu(macos::app_menu).on_menu_event(|app, event| {
            if event.id().as_ref() == macos::QUIT_ID {
                // The same path as the tray's Quit: ExitRequested stops the sync cleanly.
                app.exit(0);
            }
        });
    }
    let app = builder
        .plugin(navigation_guard())
        // "Check for updates" (updater.rs): the public key and endpoint come from tauri.conf.json.
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(crate::updater::PendingUpdate::default())
        // Launches the browser for Ashby links from Rust (external.rs); no JS permission.
        .plugin(tauri_plugin_shell::init())
        // Notifications and the export's save dialog, both from Rust: no JS permission.
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![START_HIDDEN_ARG]),
        ))
        .manage(startup)
        .setup(|app| {
            let problem = start_up(app.handle(), None);
            if let Some(p) = &problem {
                tracing::error!(code = %p.code, detail = ?p.detail, "start-up stopped: {}", p.message);
            }
            app.state::<Startup>().set_problem(problem);
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::Focused(true) = event {
                crate::notifications::window_activated(window.app_handle());
            }
            if matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_))
                && window.label() == "main"
            {
                geometry::changed(window.app_handle());
            }
            // With a tray, closing the window keeps the scheduled sync running in the background.
            if let WindowEvent::CloseRequested { api, .. } = event {
                if window.app_handle().tray_by_id("main").is_some() {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        })
        .invoke_handler(commands::handler())
        .build(context);
    let app = match app {
        Ok(a) => a,
        Err(e) => {
            tracing::error!("the app window could not start: {e}");
            eprintln!("Ashby Sync could not open its window: {e}");
            return ExitCode::FAILURE;
        }
    };
    app.run(|handle, event| {
        // macOS: a click on the Dock icon while the window is hidden (closed to the tray) opens it.
        #[cfg(target_os = "macos")]
        if let RunEvent::Reopen {
            has_visible_windows,
            ..
        } = &event
        {
            if !has_visible_windows {
                show_main_window(handle);
            }
        }
        if let RunEvent::ExitRequested { .. } = event {
            // Stop the scheduler first: a sync in flight rolls back its open pass, committed
            // streams stay, and the run is recorded as interrupted. Nothing is lost.
            if let Some(state) = handle.try_state::<AppState>() {
                if let Some(s) = state.scheduler.get() {
                    tauri::async_runtime::block_on(s.shutdown());
                }
            }
        }
    });
    if unresolved.lock().map(|p| p.is_some()).unwrap_or(false) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The one place the window's config and assets are embedded (both windows use it).
fn context() -> tauri::Context<tauri::Wry> {
    tauri::generate_context!()
}

/// Diagnostics (`--blank-window`, hidden): the same binary, WebKitGTK settings and window size
/// showing an empty HTML document — no UI code, no cache, no key, no plugins — so the benchmark
/// can tell the app's idle memory from what any WebKitGTK window costs on the machine. Not
/// `about:blank`: WebKitGTK shows that without starting a web process, so the baseline would
/// leave out the process every real page has. Writes `ASHBY_SYNC_READY_FILE` once the page has
/// loaded, like the app's first paint.
/// Served by the blank window's own URI scheme (a data: URL needs another Tauri feature).
const BLANK_PAGE: &[u8] = b"<!doctype html><title>Ashby Sync</title><body></body>";

pub fn run_blank_window() -> ExitCode {
    software_compositing_by_default();
    let mut context = context();
    let window = context.config_mut().app.windows.drain(..).next();
    let built = tauri::Builder::default()
        .register_uri_scheme_protocol("blank", |_, _| {
            tauri::http::Response::builder()
                .header("Content-Type", "text/html")
                .body(BLANK_PAGE.to_vec())
                .unwrap_or_default()
        })
        .setup(move |app| {
            let url = tauri::WebviewUrl::CustomProtocol("blank://localhost/".parse()?);
            let (w, h) = window
                .as_ref()
                .map_or((1280.0, 800.0), |c| (c.width, c.height));
            tauri::WebviewWindowBuilder::new(app, "blank", url)
                .title("Ashby Sync (blank window)")
                .inner_size(w, h)
                .on_page_load(|_, payload| {
                    if payload.event() == tauri::webview::PageLoadEvent::Finished {
                        commands::mark_ready();
                    }
                })
                .build()?;
            Ok(())
        })
        .build(context);
    match built {
        Ok(app) => {
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Ashby Sync could not open its window: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the cache and starts everything that needs it: the app state, the scheduler, the tray.
/// `None` when the app is up; otherwise what the window must show (nothing was changed).
/// `recovered_from`: the cache was just moved aside there at the user's request.
pub(crate) fn start_up(
    handle: &AppHandle,
    recovered_from: Option<PathBuf>,
) -> Option<StartupProblem> {
    if handle.try_state::<AppState>().is_some() {
        return None;
    }
    let startup = handle.state::<Startup>();
    let settings = match startup.settings() {
        Ok(s) => s,
        Err(e) => return Some(StartupProblem::setting(&e)),
    };
    let store = match Store::open_checked(&settings.db_path()) {
        Ok(store) => store,
        Err(problem) => return Some(StartupProblem::cache(&problem)),
    };
    if let Some(p) = &recovered_from {
        tracing::warn!(moved_to = %p.display(), "the cache was moved aside at the user's request; started afresh");
    }
    geometry::restore(handle, &store);
    let state = AppState::new(settings, store, recovered_from);
    handle.manage(state.clone());
    start_scheduler(handle, &state);
    let tray = tray_available()
        && build_tray(handle)
            .map_err(|e| tracing::warn!("no tray icon: {e}"))
            .is_ok();
    // Started at login: stay in the tray; without a tray the window is the only way in.
    if startup.background && tray {
        if let Some(w) = handle.get_webview_window("main") {
            let _ = w.hide();
        }
    }
    None
}

/// Somewhere to show a window: on Linux an X11 or Wayland display (without one GTK cannot start
/// and the app could only crash).
pub(crate) fn display_available() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()))
}

/// Another launch of the app (the single-instance plugin stopped it and passed its arguments):
/// show the running window, unless it was the login item starting the app again.
fn on_second_launch(app: &AppHandle, argv: Vec<String>, _cwd: String) {
    let background = argv.iter().any(|a| a == START_HIDDEN_ARG);
    tracing::info!(
        background,
        "the app was launched again; this copy keeps running"
    );
    if !background {
        show_main_window(app);
    }
}

pub(crate) fn show_main_window(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// On Linux the plugin claims a name on the session bus (and panics without one); with no bus
/// the app runs unguarded rather than not at all.
fn single_instance_available() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    match zbus::blocking::Connection::session() {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(
                "no session bus ({e}): a second launch cannot be redirected to this window"
            );
            false
        }
    }
}

/// The window shows only the app's own pages: a link in a job description, or anything else
/// that tries to load another page, is refused (Ashby pages open in the browser instead, through
/// `open_external`).
fn navigation_guard() -> TauriPlugin<tauri::Wry> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|webview, url| {
            let dev_url = webview.app_handle().config().build.dev_url.clone();
            let ok = is_app_url(url, dev_url.as_ref());
            if !ok {
                tracing::warn!(scheme = url.scheme(), host = ?url.host_str(), "refused to navigate the window away from the app");
            }
            ok
        })
        .build()
}

/// The app's own origin: `tauri://localhost` (Linux, macOS), `http(s)://tauri.localhost`
/// (Windows), and the Vite dev server only in a build without the bundled UI.
pub(crate) fn is_app_url(url: &tauri::Url, dev_url: Option<&tauri::Url>) -> bool {
    match (url.scheme(), url.host_str()) {
        ("tauri", Some("localhost")) => true,
        ("http" | "https", Some("tauri.localhost")) => url.port().is_none(),
        _ => {
            !cfg!(feature = "custom-protocol")
                && dev_url.is_some_and(|d| d.origin() == url.origin())
        }
    }
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
    let interval = sync::SyncInterval::stored(&state.store).unwrap_or_else(|e| {
        tracing::warn!("cannot read the sync interval, syncing hourly: {e}");
        sync::SyncInterval::default()
    });
    #[allow(unused_mut)]
    let mut config = SchedulerConfig {
        interval: interval.duration(),
        ..SchedulerConfig::default()
    };
    // The real-window tests cannot wait a minute for each reachability check.
    #[cfg(feature = "e2e")]
    if let Some(secs) = std::env::var("ASHBY_SYNC_TEST_PROBE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.probe_every = std::time::Duration::from_secs(secs);
    }
    // `start` spawns on the current runtime: Tauri's.
    let sched = tauri::async_runtime::block_on(async move {
        sync::start_scheduler(Arc::new(runner), events, facts, config)
    });
    let _ = state.scheduler.set(sched);
    crate::notifications::start_ticking(handle);
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
        // Windows: a left click opens the window, the menu is on the right button (as in the
        // notification area's other apps). macOS keeps the menu on a click; Linux's
        // StatusNotifier hosts send no click events.
        .show_menu_on_left_click(!cfg!(target_os = "windows"))
        .on_tray_icon_event(|tray, event| {
            if cfg!(target_os = "windows") {
                if let tauri::tray::TrayIconEvent::Click {
                    button: tauri::tray::MouseButton::Left,
                    button_state: tauri::tray::MouseButtonState::Up,
                    ..
                } = event
                {
                    show_main_window(tray.app_handle());
                }
            }
        })
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => show_main_window(app),
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

/// The macOS menu bar: the app menu (About, Hide, Hide Others, Show All, Quit ⌘Q), Edit (without
/// it ⌘C/⌘V do nothing in the web view's text fields) and Window.
#[cfg(target_os = "macos")]
mod macos {
    use crate::config;
    use tauri::menu::{AboutMetadata, Menu, MenuItem, PredefinedMenuItem, Submenu};
    use tauri::{AppHandle, Wry};

    pub const QUIT_ID: &str = "app-quit";

    pub fn app_menu(h: &AppHandle) -> tauri::Result<Menu<Wry>> {
        let about = AboutMetadata {
            name: Some(config::APP_NAME.into()),
            version: Some(config::APP_VERSION.into()),
            ..Default::default()
        };
        let quit = MenuItem::with_id(
            h,
            QUIT_ID,
            format!("Quit {}", config::APP_NAME),
            true,
            Some("CmdOrCtrl+Q"),
        )?;
        let app = Submenu::with_items(
            h,
            config::APP_NAME,
            true,
            &[
                &PredefinedMenuItem::about(h, None, Some(about))?,
                &PredefinedMenuItem::separator(h)?,
                &PredefinedMenuItem::hide(h, None)?,
                &PredefinedMenuItem::hide_others(h, None)?,
                &PredefinedMenuItem::show_all(h, None)?,
                &PredefinedMenuItem::separator(h)?,
                &quit,
            ],
        )?;
        let edit = Submenu::with_items(
            h,
            "Edit",
            true,
            &[
                &PredefinedMenuItem::undo(h, None)?,
                &PredefinedMenuItem::redo(h, None)?,
                &PredefinedMenuItem::separator(h)?,
                &PredefinedMenuItem::cut(h, None)?,
                &PredefinedMenuItem::copy(h, None)?,
                &PredefinedMenuItem::paste(h, None)?,
                &PredefinedMenuItem::select_all(h, None)?,
            ],
        )?;
        let window = Submenu::with_items(
            h,
            "Window",
            true,
            &[
                &PredefinedMenuItem::minimize(h, None)?,
                &PredefinedMenuItem::close_window(h, None)?,
            ],
        )?;
        Menu::with_items(h, &[&app, &edit, &window])
    }
}

#[cfg(test)]
mod tests {
    use super::is_app_url;
    use tauri::Url;

    #[test]
    fn only_the_apps_own_origin_is_an_app_url() {
        let url = |s: &str| Url::parse(s).unwrap();
        let dev = url("http://localhost:5173");
        for ok in [
            "tauri://localhost",
            "tauri://localhost/index.html#jobs",
            "http://tauri.localhost/",
            "https://tauri.localhost/assets/x.js",
        ] {
            assert!(is_app_url(&url(ok), Some(&dev)), "{ok}");
        }
        for bad in [
            "https://example.com/",
            "https://app.ashbyhq.com/",
            "tauri://evil.example/",
            "http://tauri.localhost:8080/",
            "http://tauri.localhost.evil.example/",
            "file:///etc/passwd",
            "about:blank",
            "data:text/html,hi",
        ] {
            assert!(!is_app_url(&url(bad), Some(&dev)), "{bad}");
        }
        // The Vite dev server only counts in a build without the bundled UI.
        assert_eq!(
            is_app_url(&url("http://localhost:5173/"), Some(&dev)),
            !cfg!(feature = "custom-protocol")
        );
    }
}

/// The main window's size and position survive a restart: saved in the cache's settings a
/// moment after the user stops moving or resizing it (so a quit, or a kill, loses at most that
/// moment), restored at start when it still fits on a connected screen.
mod geometry {
    use crate::state::AppState;
    use crate::store::{Store, WindowGeometry};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    use tauri::{AppHandle, Manager, PhysicalPosition, PhysicalSize};

    /// Moves and resizes come in bursts; one save after the burst.
    const SETTLE: Duration = Duration::from_millis(500);
    static PENDING: AtomicBool = AtomicBool::new(false);

    pub(super) fn restore(handle: &AppHandle, store: &Store) {
        let Some(w) = handle.get_webview_window("main") else {
            return;
        };
        let g = match store.window_geometry() {
            Ok(Some(g)) => g,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!("window size not restored: {e}");
                return;
            }
        };
        let screens: Vec<(i32, i32, u32, u32)> = w
            .available_monitors()
            .unwrap_or_default()
            .iter()
            .map(|m| {
                let (p, s) = (m.position(), m.size());
                (p.x, p.y, s.width, s.height)
            })
            .collect();
        let Some(g) = fit(g, &screens) else {
            tracing::info!("saved window position is off every screen; using the default");
            return;
        };
        let _ = w.set_size(PhysicalSize::new(g.width, g.height));
        let _ = w.set_position(PhysicalPosition::new(g.x, g.y));
        if g.maximized {
            let _ = w.maximize();
        }
    }

    /// `g` where it can be shown: on the screen it mostly overlaps, no larger than that screen;
    /// `None` when it overlaps none (a monitor that is gone) or no screen is known.
    pub(super) fn fit(
        g: WindowGeometry,
        screens: &[(i32, i32, u32, u32)],
    ) -> Option<WindowGeometry> {
        let overlap = |&(sx, sy, sw, sh): &(i32, i32, u32, u32)| -> i64 {
            let w = (i64::from(g.x) + i64::from(g.width)).min(i64::from(sx) + i64::from(sw))
                - i64::from(g.x).max(i64::from(sx));
            let h = (i64::from(g.y) + i64::from(g.height)).min(i64::from(sy) + i64::from(sh))
                - i64::from(g.y).max(i64::from(sy));
            w.max(0) * h.max(0)
        };
        let screen = screens
            .iter()
            .filter(|s| overlap(s) > 0)
            .max_by_key(|s| overlap(s))?;
        let (sx, sy, sw, sh) = *screen;
        let width = g.width.min(sw);
        let height = g.height.min(sh);
        let clamp = |v: i32, lo: i32, span: u32, size: u32| {
            let hi = i64::from(lo) + i64::from(span) - i64::from(size);
            i64::from(v).clamp(i64::from(lo), hi.max(i64::from(lo))) as i32
        };
        Some(WindowGeometry {
            x: clamp(g.x, sx, sw, width),
            y: clamp(g.y, sy, sh, height),
            width,
            height,
            maximized: g.maximized,
        })
    }

    pub(super) fn changed(handle: &AppHandle) {
        if PENDING.swap(true, Ordering::SeqCst) {
            return;
        }
        let handle = handle.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            PENDING.store(false, Ordering::SeqCst);
            save(&handle);
        });
    }

    fn save(handle: &AppHandle) {
        let (Some(w), Some(state)) = (
            handle.get_webview_window("main"),
            handle.try_state::<AppState>(),
        ) else {
            return;
        };
        // A minimized or hidden window has no size worth keeping.
        if w.is_minimized().unwrap_or(true) || !w.is_visible().unwrap_or(false) {
            return;
        }
        let maximized = w.is_maximized().unwrap_or(false);
        let (Ok(pos), Ok(size)) = (w.outer_position(), w.inner_size()) else {
            return;
        };
        let g = WindowGeometry {
            x: pos.x,
            y: pos.y,
            width: size.width,
            height: size.height,
            maximized,
        };
        let store = state.store.clone();
        tauri::async_runtime::spawn_blocking(move || {
            if let Err(e) = store.set_window_geometry(&g) {
                tracing::warn!("window size not saved: {e}");
            }
        });
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn g(x: i32, y: i32, width: u32, height: u32) -> WindowGeometry {
            WindowGeometry {
                x,
                y,
                width,
                height,
                maximized: false,
            }
        }

        #[test]
        fn a_window_on_a_screen_stays_where_it_was() {
            let screens = [(0, 0, 1920, 1200)];
            assert_eq!(
                fit(g(100, 80, 1280, 800), &screens),
                Some(g(100, 80, 1280, 800))
            );
        }

        #[test]
        fn a_window_off_every_screen_is_not_restored() {
            let screens = [(0, 0, 1920, 1200)];
            assert_eq!(fit(g(2500, 80, 1280, 800), &screens), None);
            assert_eq!(fit(g(0, 0, 1280, 800), &[]), None);
        }

        #[test]
        fn a_window_larger_than_its_screen_is_shrunk_onto_it() {
            let screens = [(0, 0, 1920, 1200), (1920, 0, 1280, 800)];
            assert_eq!(
                fit(g(1900, 10, 1600, 1000), &screens),
                Some(g(1920, 0, 1280, 800))
            );
        }
    }
}
