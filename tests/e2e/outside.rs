//! Issue 17, items 3 and 4: desktop notifications and the export, in the real window.
//!
//! Notifications are captured by a small `org.freedesktop.Notifications` server that this test
//! runs on the session's private D-Bus (what a desktop's notification daemon is): it records
//! each `Notify` call and can send `ActionInvoked`, as a click on the notification does.
//! The export goes through the real GTK save dialog, driven with xdotool on the test's X display.

use crate::harness::{App, Desktop, Res};
use crate::jobs::{
    fake, finish, launch, row_ids, seed_cache, total, wait_idle, wait_query, SYNC_T,
};
use crate::T;
use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;

#[derive(Debug, Clone)]
struct Shown {
    id: u32,
    app_name: String,
    summary: String,
    body: String,
    actions: Vec<String>,
}

type Log = Arc<Mutex<Vec<Shown>>>;

/// The notification daemon stand-in.
struct Daemon {
    shown: Log,
    next: u32,
}

const PATH: &str = "/org/freedesktop/Notifications";

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Daemon {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &mut self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        self.next += 1;
        self.shown.lock().unwrap().push(Shown {
            id: self.next,
            app_name,
            summary,
            body,
            actions,
        });
        self.next
    }

    fn close_notification(&self, _id: u32) {}

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("e2e".into(), "ashby-sync".into(), "1".into(), "1.2".into())
    }

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;
}

async fn start_daemon(desk: &Desktop) -> (zbus::Connection, Log) {
    let shown: Log = Arc::default();
    let conn = zbus::connection::Builder::address(desk.dbus_address.as_str())
        .and_then(|b| b.name("org.freedesktop.Notifications"))
        .and_then(|b| {
            b.serve_at(
                PATH,
                Daemon {
                    shown: shown.clone(),
                    next: 0,
                },
            )
        })
        .expect("notification daemon")
        .build()
        .await
        .expect("notification daemon on the session bus");
    (conn, shown)
}

fn count(log: &Log) -> usize {
    log.lock().unwrap().len()
}

async fn wait_count(log: &Log, n: usize, what: &str) -> Res<()> {
    let deadline = Instant::now() + T;
    while Instant::now() < deadline {
        if count(log) >= n {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!(
        "{what}: expected {n} notifications, got {:?}",
        log.lock().unwrap()
    ))
}

/// Clicks notification `id` (the daemon's ActionInvoked "default") until `css` shows: the app
/// may subscribe to the signal just after its Notify.
async fn click(conn: &zbus::Connection, app: &App, id: u32, css: &str) -> Res<()> {
    let iface = conn
        .object_server()
        .interface::<_, Daemon>(PATH)
        .await
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + T;
    loop {
        Daemon::action_invoked(iface.signal_emitter(), id, "default")
            .await
            .map_err(|e| e.to_string())?;
        if app.find(css).await.is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{css} not shown within {} s", T.as_secs()));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Sync now, and wait until it is over.
async fn sync_now(app: &App) -> Res<()> {
    app.click("[data-testid='sync-now']").await?;
    wait_idle(app).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_key_notifies_once_and_a_click_opens_settings() {
    let fake = fake().await;
    let desk = Desktop::start();
    seed_cache(&desk);
    let (conn, log) = start_daemon(&desk).await;
    let url = fake.base_url();
    let key = fake.keys().full;

    let mut app = launch(&desk, "notify", &url, &key, &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        wait_idle(&app).await?;
        // Routine syncs, one with a change (the digest is off by default): nothing is said.
        sync_now(&app).await?;
        fake.create_job("Lighthouse Keeper");
        sync_now(&app).await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        if count(&log) != 0 {
            return Err(format!("routine syncs notified: {:?}", log.lock().unwrap()));
        }

        // The key is revoked in Ashby: Ashby answers 401, and the user is told once.
        fake.revoke_key(&key);
        sync_now(&app).await?;
        wait_count(&log, 1, "after the key was revoked").await?;
        sync_now(&app).await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let shown = log.lock().unwrap().clone();
        if shown.len() != 1 {
            return Err(format!("expected one notification, got {shown:?}"));
        }
        let n = &shown[0];
        if n.summary != "Ashby rejected the API key" || !n.body.contains("Settings") {
            return Err(format!("unexpected notification: {n:?}"));
        }
        if n.app_name != "Ashby Sync" || !n.actions.iter().any(|a| a == "default") {
            return Err(format!("no click action or app name: {n:?}"));
        }

        // A click on it (the daemon's ActionInvoked "default") brings up Settings.
        click(&conn, &app, n.id, "[data-screen='settings']")
            .await
            .map_err(|e| format!("a click on the notification did not open Settings: {e}"))?;
        app.wait_for("[data-testid='notification-settings']", T).await?;
        app.eval("document.querySelector(\"[data-testid='notification-settings']\").scrollIntoView()")
            .await?;
        // On by default for what needs the user, off for the digest.
        let checked = app
            .eval("return [\"notify-action-needed\", \"notify-digest\"].map(t => document.querySelector(`[data-testid='${t}']`).checked)")
            .await?;
        if checked != serde_json::json!([true, false]) {
            return Err(format!("default notification settings: {checked}"));
        }
        app.screenshot("notification-settings").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}

fn xdotool(desk: &Desktop, args: &[&str]) -> Res<String> {
    let out = Command::new("timeout")
        .arg("20")
        .arg("xdotool")
        .args(args)
        .env("DISPLAY", &desk.display)
        .output()
        .map_err(|e| format!("xdotool: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "xdotool {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_the_filtered_list_through_the_save_dialog() {
    let fake = fake().await;
    let desk = Desktop::start();
    seed_cache(&desk);
    let url = fake.base_url();
    let key = fake.keys().full;
    let target = desk.tmp.path().join("exports").join("engineer jobs.csv");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();

    let mut app = launch(&desk, "export", &url, &key, &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        wait_idle(&app).await?;
        app.type_into("[data-testid='search']", "engineer").await?;
        wait_query(&app, "engineer").await?;
        let shown_total = total(&app).await?;
        let first_rows = row_ids(&app).await?;

        app.click("[data-action='export']").await?;
        app.click("[data-action='export-csv']").await?;
        // The system's save dialog: its own window on the display.
        let found = xdotool(&desk, &["search", "--sync", "--name", "Export jobs"])?;
        let win = found.lines().last().unwrap_or_default().to_string();
        tokio::time::sleep(Duration::from_millis(800)).await;
        app.screenshot("export-dialog").await?;
        xdotool(&desk, &["windowfocus", "--sync", &win])?;
        xdotool(&desk, &["key", "--clearmodifiers", "ctrl+a"])?;
        xdotool(
            &desk,
            &["type", "--delay", "15", &target.display().to_string()],
        )?;
        xdotool(&desk, &["key", "Return"])?;
        let result = app
            .wait_for(
                "[data-testid='export-result'][data-path]:not([data-path=''])",
                SYNC_T,
            )
            .await;
        if result.is_err() {
            app.screenshot("export-dialog-stuck").await?;
            return Err("the export did not finish after the dialog".into());
        }
        app.wait_text("[data-testid='export-result']", "Exported", T)
            .await?;
        app.screenshot("export-done").await?;

        let bytes = std::fs::read(&target).map_err(|e| format!("{}: {e}", target.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
        let body = text
            .strip_prefix('\u{feff}')
            .ok_or("the file has no UTF-8 BOM")?;
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(String::from)
            .collect();
        if header.first().map(String::as_str) != Some("Job ID")
            || !header.iter().any(|h| h == "Job board links")
        {
            return Err(format!("header: {header:?}"));
        }
        let ids: Vec<String> = reader
            .records()
            .map(|r| r.map(|r| r[0].to_string()))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        if ids.len() as u64 != shown_total {
            return Err(format!(
                "{} rows exported, the list shows {shown_total}",
                ids.len()
            ));
        }
        if !first_rows.is_empty() && ids[..first_rows.len().min(ids.len())] != first_rows[..] {
            return Err(format!(
                "the export's order differs from the list's: {:?} vs {first_rows:?}",
                &ids[..first_rows.len().min(ids.len())]
            ));
        }
        // The CLI writes the same rows and cells for the same search (without the BOM).
        let mut cli = Command::new(crate::harness::app_binary());
        cli.args(["jobs", "--csv", "--status", "Open", "--search", "engineer"]);
        desk.apply_env(&mut cli);
        let out = cli.output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "ashby-sync jobs --csv: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if out.stdout != body.as_bytes() {
            return Err("ashby-sync jobs --csv differs from the window's export".into());
        }
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}

/// The opt-in digest: turned on in Settings and limited to one department, it tells of a job
/// closed there ("1 closed") and not of one closed elsewhere; a click opens the Changes view.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digest_tells_what_closed_in_the_followed_department() {
    use fake_ashby::model::JobStatus;
    let fake = fake().await;
    let desk = Desktop::start();
    seed_cache(&desk);
    let (conn, log) = start_daemon(&desk).await;
    let url = fake.base_url();
    let key = fake.keys().full;
    // Two open, visible jobs in different departments.
    let ds = fake.dataset();
    let open: Vec<_> = ds
        .jobs
        .iter()
        .filter(|j| j.status == JobStatus::Open && !j.confidential && j.department_id.is_some())
        .collect();
    let a = open[0];
    let b = open
        .iter()
        .find(|j| j.department_id != a.department_id)
        .expect("open jobs in two departments");
    let dept = a.department_id.clone().unwrap();

    let mut app = launch(&desk, "digest", &url, &key, &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        wait_idle(&app).await?;
        // The first run with this key sets the baseline (no digest for it).
        sync_now(&app).await?;

        app.click("[data-action='settings']").await?;
        app.wait_for("[data-testid='notification-settings']", T)
            .await?;
        app.click("[data-testid='notify-digest']").await?;
        let choice = format!("[data-testid='digest-departments'] input[data-department='{dept}']");
        app.wait_for(&choice, T).await?;
        app.eval(&format!(
            "document.querySelector(\"{choice}\").scrollIntoView({{block: 'center'}}); return true"
        ))
        .await?;
        app.click(&choice).await?;
        app.wait_text("[data-testid='digest-departments']", "1 chosen", T)
            .await?;
        app.screenshot("notification-digest-departments").await?;
        app.click("[data-action='view-jobs']").await?;
        app.wait_for("[data-screen='jobs']", T).await?;

        fake.close_job(&a.id);
        fake.close_job(&b.id);
        sync_now(&app).await?;
        wait_count(&log, 1, "after two jobs closed").await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let shown = log.lock().unwrap().clone();
        if shown.len() != 1 {
            return Err(format!("expected one digest, got {shown:?}"));
        }
        let n = &shown[0];
        if n.summary != "Jobs changed in Ashby" || !n.body.starts_with("1 closed") {
            return Err(format!("the digest does not say one closed: {n:?}"));
        }

        click(&conn, &app, n.id, "[data-testid='change-run']")
            .await
            .map_err(|e| format!("a click on the digest did not open the Changes view: {e}"))?;
        app.wait_text("[data-testid='run-headline']", "2 closed", T)
            .await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}
