//! Issue 15, the app shell, in the real window: one instance (a second launch focuses the first
//! and exits; the login item's `--background` launch exits quietly), a cache that cannot be opened
//! says why (a file that is not SQLite, a read-only data folder) and offers the fix, private files,
//! a window that never leaves the app, and a browser started without the app's environment.

use crate::harness::{app_binary, App, Desktop, Res};
use crate::T;
use fake_ashby::{FakeAshby, FakeConfig, KeySpec, Module};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DB: &str = "ashby-sync.sqlite3";

async fn finish(mut app: App, r: Res<()>) {
    let shot = app.screenshot("final").await;
    let name = app.name.clone();
    let output = std::fs::read_to_string(&app.output).unwrap_or_default();
    app.quit().await;
    if let Err(e) = r {
        panic!("{name} failed: {e}\n(final screenshot: {shot:?})\napp output:\n{output}");
    }
}

fn xdotool(desk: &Desktop, args: &[&str]) -> Res<String> {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", &desk.display)
        .output()
        .map_err(|e| format!("xdotool: {e} (`cargo xtask test` installs it)"))?;
    if !out.status.success() {
        return Err(format!(
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The title of the window with the X input focus ("" when it is the root window).
fn focused_title(desk: &Desktop) -> String {
    xdotool(desk, &["getwindowfocus", "getwindowname"]).unwrap_or_default()
}

/// Gives the X input focus to the root window, as when the user works in another app.
fn focus_elsewhere(desk: &Desktop) -> Res<()> {
    let out = Command::new("xwininfo")
        .args(["-root", "-display", &desk.display])
        .output()
        .map_err(|e| format!("xwininfo: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let root = text
        .split_whitespace()
        .find(|w| w.starts_with("0x"))
        .ok_or_else(|| format!("no root window id in {text:?}"))?
        .to_string();
    xdotool(desk, &["windowfocus", &root])?;
    Ok(())
}

/// Launches the app binary again in the same session (the way a menu entry or the login item
/// does) and waits for it to end: its exit code and how long it ran.
async fn launch_again(desk: &Desktop, args: &[&str]) -> Res<(Option<i32>, Duration)> {
    let mut cmd = Command::new(app_binary());
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::null());
    desk.apply_env(&mut cmd);
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("second launch: {e}"))?;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok((status.code(), started.elapsed()));
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "the second launch ({args:?}) was still running after 30 s: it did not hand over to the first"
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) -> Res<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if f() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("timed out after {timeout:?} waiting for {what}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_focuses_the_running_window_and_exits() {
    let desk = Desktop::start();
    let app = App::launch(&desk, "single-instance", &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='wizard']", T).await?;
        focus_elsewhere(&desk)?;
        if focused_title(&desk) == "Ashby Sync" {
            return Err("the test could not move the focus away from the window".into());
        }

        // The login item starting the app again: it exits at once and quietly.
        let (code, took) = launch_again(&desk, &["--background"]).await?;
        if code != Some(0) {
            return Err(format!("`--background` second launch exited with {code:?}"));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let title = focused_title(&desk);
        if title == "Ashby Sync" {
            return Err("a background launch must not bring the window forward".into());
        }

        // The user opening the app from the menu again: the running window comes forward.
        let (code, took2) = launch_again(&desk, &[]).await?;
        if code != Some(0) {
            return Err(format!("the second launch exited with {code:?}"));
        }
        wait_until(
            "the running window to get the focus",
            Duration::from_secs(10),
            || focused_title(&desk) == "Ashby Sync",
        )
        .await?;
        eprintln!("second launches ended after {took:?} (--background) and {took2:?}");

        // Still the first app, on its screen, and the only window.
        app.wait_for("[data-screen='wizard']", T).await?;
        let windows = xdotool(
            &desk,
            &["search", "--onlyvisible", "--name", "^Ashby Sync$"],
        )?;
        if windows.lines().count() != 1 {
            return Err(format!("expected one app window, found: {windows:?}"));
        }
        let log = log_text(&desk.data_dir);
        if !log.contains("the app was launched again") {
            return Err("the running app did not log the second launch".into());
        }
        Ok(())
    }
    .await;
    finish(app, r).await;
}

fn log_text(data_dir: &Path) -> String {
    let mut out = String::new();
    if let Ok(rd) = std::fs::read_dir(data_dir.join("logs")) {
        for e in rd.flatten() {
            out.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    out
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_that_is_not_sqlite_is_shown_and_moved_aside_on_request() {
    let desk = Desktop::start();
    let db = desk.data_dir.join(DB);
    let garbage = b"PK\x03\x04 a zip file someone saved over the cache ".repeat(100);
    std::fs::write(&db, &garbage).unwrap();
    let mut app = App::launch(&desk, "cache-not-sqlite", &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='startup-problem'][data-kind='corrupt']", T)
            .await?;
        let msg = app.text("[data-testid='problem-message']").await?;
        if !(msg.contains("damaged") && msg.contains(&db.display().to_string())) {
            return Err(format!(
                "the message should say the cache is damaged and where: {msg:?}"
            ));
        }
        app.wait_text("#sp-title", "The job cache is damaged", T)
            .await?;
        app.wait_for("[data-action='quit']", T).await?;
        app.screenshot("cache-not-sqlite").await?;
        // Nothing was touched before the user chose.
        if std::fs::read(&db).ok().as_deref() != Some(&garbage[..]) {
            return Err("the file was changed before the user chose".into());
        }
        if names_in(&desk.data_dir)
            .iter()
            .any(|n| n.contains("unusable"))
        {
            return Err("the file was moved before the user chose".into());
        }

        app.click("[data-action='start-fresh']").await?;
        app.wait_for("[data-screen='wizard']", T).await?;
        app.wait_text(".recovered", "set aside at", T).await?;
        let aside: Vec<PathBuf> = names_in(&desk.data_dir)
            .into_iter()
            .filter(|n| n.starts_with(&format!("{DB}.unusable-")))
            .map(|n| desk.data_dir.join(n))
            .collect();
        if aside.len() != 1 || std::fs::read(&aside[0]).ok().as_deref() != Some(&garbage[..]) {
            return Err(format!(
                "the old file should be kept, unchanged, beside the new one: {aside:?}"
            ));
        }
        let fresh = std::fs::read(&db).unwrap_or_default();
        if !fresh.is_empty() && !fresh.starts_with(b"SQLite format 3\0") {
            return Err("the new cache is not a database".into());
        }
        app.screenshot("started-fresh").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
}

/// As root (CI containers) file modes do not stop writes: start the app without the
/// capabilities that let root ignore them.
fn without_root_overrides() -> Vec<&'static str> {
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if uid == "0" {
        vec![
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search,-fowner",
        ]
    } else {
        vec![]
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_data_folder_is_shown_with_what_to_tell_it() {
    let desk = Desktop::start();
    let dir = desk.data_dir.clone();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    let wrapper = without_root_overrides();
    let mut app = App::launch_wrapped(&desk, "cache-read-only", &[], &wrapper).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='startup-problem'][data-kind='readOnly']", T)
            .await?;
        let msg = app.text("[data-testid='problem-message']").await?;
        if !(msg.contains("read-only")
            && msg.contains(&dir.display().to_string())
            && msg.contains("IT"))
        {
            return Err(format!(
                "the message should name the read-only folder and what to ask IT: {msg:?}"
            ));
        }
        app.wait_for("[data-action='retry']", T).await?;
        app.wait_for("[data-action='quit']", T).await?;
        // Moving the file cannot help when the folder is the problem: not offered.
        if app.find("[data-action='start-fresh']").await.is_ok() {
            return Err("\"Move it aside\" offered for a read-only folder".into());
        }
        app.screenshot("cache-read-only").await?;

        // IT fixed the folder: Try again brings the app up.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        app.click("[data-action='retry']").await?;
        app.wait_for("[data-screen='wizard']", T).await?;
        Ok(())
    }
    .await;
    let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    finish(app, r).await;
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_files_and_a_window_that_stays_in_the_app() {
    let desk = Desktop::start();
    let app = App::launch(&desk, "private-and-contained", &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='wizard']", T).await?;
        // The data folder, the cache and its companions, the logs: the user's only.
        let dir = &desk.data_dir;
        let mut checked = Vec::new();
        for (p, want) in [
            (dir.clone(), 0o700),
            (dir.join(DB), 0o600),
            (dir.join(format!("{DB}-wal")), 0o600),
            (dir.join(format!("{DB}-shm")), 0o600),
            (dir.join("logs"), 0o700),
        ] {
            if mode(&p) != want {
                return Err(format!("{} is {:o}, want {want:o}", p.display(), mode(&p)));
            }
            checked.push(p);
        }
        let logs: Vec<PathBuf> = std::fs::read_dir(dir.join("logs"))
            .map_err(|e| e.to_string())?
            .flatten()
            .map(|e| e.path())
            .collect();
        if logs.is_empty() {
            return Err("no log file".into());
        }
        for p in &logs {
            if mode(p) != 0o600 {
                return Err(format!("{} is {:o}, want 600", p.display(), mode(p)));
            }
        }

        // Nothing can take the window to another site: not a script, not a link.
        let home = app.eval("return location.href").await?;
        let home = home.as_str().unwrap_or_default().to_string();
        app.eval("location.href = 'https://example.com/phish'; return true")
            .await?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        app.eval(
            "const a = document.createElement('a'); a.href = 'https://example.com/link'; \
             a.textContent = 'link'; document.body.appendChild(a); a.click(); return true",
        )
        .await?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let now = app.eval("return location.href").await?;
        if now.as_str() != Some(home.as_str()) {
            return Err(format!("the window left the app: {home} → {now}"));
        }
        app.wait_for("[data-screen='wizard']", T).await?;
        let log = log_text(dir);
        let refused = log
            .matches("refused to navigate the window away from the app")
            .count();
        if refused < 2 {
            return Err(format!(
                "expected two refused navigations in the log, found {refused}"
            ));
        }
        Ok(())
    }
    .await;
    finish(app, r).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ashby_links_open_in_a_browser_without_the_apps_environment() {
    let fake = FakeAshby::start(FakeConfig {
        jobs: 10,
        ..Default::default()
    })
    .await
    .expect("fake Ashby server");
    let jobs_only = fake.add_key(KeySpec::read_only(
        "Jobs only",
        &[Module::Jobs, Module::ApiKeys],
    ));
    let desk = Desktop::start();
    // A stand-in for the desktop's opener that records what it was started with.
    let bin = desk.tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let record = desk.tmp.path().join("opened");
    let script = format!(
        "#!/bin/sh\nenv > '{0}.env'\nprintf '%s\\n' \"$@\" > '{0}.args'\n",
        record.display()
    );
    std::fs::write(bin.join("xdg-open"), script).unwrap();
    std::fs::set_permissions(bin.join("xdg-open"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let base = fake.base_url();
    let env = [
        ("PATH", path.as_str()),
        ("ASHBY_API_KEY", jobs_only.as_str()),
        ("ASHBY_API_BASE_URL", base.as_str()),
        ("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", "0"),
    ];
    let app = App::launch(&desk, "browser-env", &env).await;
    let r: Res<()> = async {
        // The key lacks modules: the banner links to Ashby's API keys page.
        app.wait_for("[data-action='open-api-keys']", Duration::from_secs(90))
            .await?;
        app.click("[data-action='open-api-keys']").await?;
        let args_file = PathBuf::from(format!("{}.args", record.display()));
        wait_until("the opener to run", Duration::from_secs(10), || {
            args_file.exists()
        })
        .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let args = std::fs::read_to_string(&args_file).unwrap_or_default();
        if !args
            .lines()
            .any(|l| l.starts_with("https://app.ashbyhq.com/"))
        {
            return Err(format!("the opener got {args:?}"));
        }
        let env = std::fs::read_to_string(format!("{}.env", record.display())).unwrap_or_default();
        if !env.lines().any(|l| l.starts_with("DISPLAY=")) {
            return Err(format!(
                "the opener should keep the desktop's environment: {env}"
            ));
        }
        for var in ["ASHBY_API_KEY=", "WEBKIT_DISABLE_COMPOSITING_MODE="] {
            if env.lines().any(|l| l.starts_with(var)) {
                return Err(format!("the browser inherited {var}"));
            }
        }
        if env.contains(jobs_only.as_str()) {
            return Err("the key reached the browser's environment".into());
        }
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}
