//! Shows what `notify` (core) decides as desktop notifications, and opens the matching screen
//! when one is clicked.
//!
//! On Linux (and the BSDs) the notification goes to the desktop's `org.freedesktop.Notifications`
//! service through notify-rust (the library tauri-plugin-notification uses there) with a
//! `default` action, and a thread waits for it: clicking the notification brings the window up
//! on its screen. tauri-plugin-notification's desktop API does not expose clicks, so on macOS
//! and Windows a click only activates the app; [`notify::ClickFallback`] then opens the last
//! notification's screen when the window is activated soon after it ([`window_activated`]).

use crate::notify::{self, DigestInput, Notice, NoticeTarget};
use crate::state::AppState;
use crate::sync::SyncSummary;
use chrono::Utc;
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Manager};

/// How often the 24-hour rule is checked while no sync finishes.
const TICK: Duration = Duration::from_secs(10 * 60);

/// One decision at a time: each reads and writes the remembered state.
static DECIDING: Mutex<()> = Mutex::new(());

/// After a sync run (called from the scheduler's `finished`).
pub fn after_run(app: &AppHandle, summary: &SyncSummary) {
    let summary = summary.clone();
    decide(app, move |store, prefs, memory| {
        let last_success_at = store.schedule_facts()?.last_success_at;
        // The change records say "closed" and know departments; the per-stream counts are
        // the fallback when they cannot be read.
        let digest = summary
            .run_id
            .and_then(|run| {
                notify::digest_input(store, run, &prefs.digest_departments)
                    .inspect_err(
                        |e| tracing::warn!(error = %e, "digest: change records unreadable"),
                    )
                    .ok()
            })
            .unwrap_or_else(|| DigestInput::from_summary(&summary));
        Ok(notify::after_run(
            prefs,
            memory,
            &summary,
            &digest,
            last_success_at,
            Utc::now(),
        ))
    });
}

/// Checks the 24-hour rule every [`TICK`] (a paused sync finishes no run).
pub fn start_ticking(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(TICK).await;
            decide(&app, |store, prefs, memory| {
                let last_success_at = store.schedule_facts()?.last_success_at;
                Ok(notify::on_tick(prefs, memory, last_success_at, Utc::now()))
            });
        }
    });
}

fn decide<F>(app: &AppHandle, f: F)
where
    F: FnOnce(
            &crate::store::Store,
            &notify::NotificationPrefs,
            &notify::NotifyMemory,
        ) -> crate::store::Result<notify::Decision>
        + Send
        + 'static,
{
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let store = state.store.clone();
    let app = app.clone();
    // SQLite reads and writes: off the scheduler's task.
    tauri::async_runtime::spawn_blocking(move || {
        let _one = DECIDING.lock().unwrap_or_else(|p| p.into_inner());
        let result = (|| {
            let prefs = notify::load_prefs(&store)?;
            let memory = notify::load_memory(&store)?;
            let d = f(&store, &prefs, &memory)?;
            if d.memory != memory {
                notify::save_memory(&store, &d.memory)?;
            }
            Ok::<_, crate::store::Error>(d.notices)
        })();
        match result {
            Ok(notices) => {
                for n in notices {
                    tracing::info!(attention = ?n.attention, target = n.target.as_str(), "notifying: {}", n.title);
                    show(&app, n);
                }
            }
            Err(e) => tracing::warn!("could not decide what to notify: {e}"),
        }
    });
}

/// A click: the window comes up on the notice's screen.
fn open_screen(app: &AppHandle, target: NoticeTarget) {
    tracing::info!(target = target.as_str(), "a notification was clicked");
    crate::app::show_main_window(app);
    crate::commands::OPEN_SCREEN.emit(app, &target);
}

/// Notification servers may read a subset of HTML in the body: the text stays text.
#[cfg(all(unix, not(target_os = "macos")))]
fn escape_markup(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(all(unix, not(target_os = "macos")))]
fn show(app: &AppHandle, n: Notice) {
    let app = app.clone();
    // `wait_for_action` blocks until the notification is clicked or closed.
    let spawned = std::thread::Builder::new()
        .name("notification".into())
        .spawn(move || {
            let mut note = notify_rust::Notification::new();
            note.appname(crate::config::APP_NAME)
                .summary(&n.title)
                .body(&escape_markup(&n.body))
                .icon(&app.config().identifier)
                .action("default", "Open");
            match note.show() {
                Ok(handle) => handle.wait_for_action(|action| {
                    if action == "default" {
                        open_screen(&app, n.target);
                    }
                }),
                Err(e) => tracing::warn!("could not show a notification: {e}"),
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("could not show a notification: {e}");
    }
}

/// The last notification shown where its click cannot be seen (macOS, Windows).
static CLICK_FALLBACK: Mutex<notify::ClickFallback> = Mutex::new(notify::ClickFallback::new());

/// The main window was activated (focused, or reopened from the Dock): on macOS and Windows this
/// is what a click on a recent notification looks like, so its screen opens.
pub fn window_activated(app: &AppHandle) {
    if cfg!(all(unix, not(target_os = "macos"))) {
        return; // clicks are seen directly
    }
    let target = CLICK_FALLBACK
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .activated(std::time::Instant::now());
    if let Some(t) = target {
        open_screen(app, t);
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn show(app: &AppHandle, n: Notice) {
    use tauri_plugin_notification::NotificationExt;
    CLICK_FALLBACK
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .shown(n.target, std::time::Instant::now());
    if let Err(e) = app
        .notification()
        .builder()
        .title(&n.title)
        .body(&n.body)
        .show()
    {
        tracing::warn!("could not show a notification: {e}");
    }
}

#[cfg(all(test, unix, not(target_os = "macos")))]
mod tests {
    #[test]
    fn bodies_are_not_markup() {
        assert_eq!(
            super::escape_markup("<b>x</b> & <a href=\"y\">"),
            "&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href=\"y\"&gt;"
        );
    }
}
