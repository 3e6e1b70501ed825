//! Issue: offline jobs browser. The real window over a cache filled by the real CLI from the fake
//! Ashby server (about 2,000 jobs): search with highlights, filters against the fake's dataset, a
//! sanitized detail that doesn't run the planted XSS, Sync now with progress, history with the
//! chart, offline browsing, a restart, and dark mode.

use crate::harness::{App, Desktop, Res};
use crate::T;
use fake_ashby::model::{Dataset, EmploymentType, JobStatus};
use fake_ashby::{FakeAshby, FakeConfig, KeySpec, Module, CANARY_TITLE};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

const JOBS: usize = 2_000;
/// Long enough for a sync over loopback with added latency, or for the client's retries to give up.
pub(crate) const SYNC_T: Duration = Duration::from_secs(120);

pub(crate) async fn fake() -> FakeAshby {
    FakeAshby::start(FakeConfig {
        jobs: JOBS,
        ..Default::default()
    })
    .await
    .expect("fake Ashby server")
}

/// A cache filled once per test run by the real CLI (`ashby-sync sync`, client-side rate limit
/// off) from a fake with the standard data; each test starts from a copy of it.
static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();

fn template() -> &'static Path {
    TEMPLATE.get_or_init(|| {
        // Its own runtime: the fake must not live on (and die with) one test's runtime.
        std::thread::spawn(|| {
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            rt.block_on(async {
                let fake = fake().await;
                let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("target/e2e-cache")
                    .join(format!("jobs-{}", std::process::id()));
                let _ = std::fs::remove_dir_all(
                    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-cache"),
                );
                for d in ["app-data", "data", "config", "cache"] {
                    std::fs::create_dir_all(dir.join(d)).expect("mkdir");
                }
                let mut cmd = Command::new(crate::harness::app_binary());
                cmd.arg("sync")
                    .env("ASHBY_SYNC_DATA_DIR", dir.join("app-data"))
                    .env("XDG_DATA_HOME", dir.join("data"))
                    .env("XDG_CONFIG_HOME", dir.join("config"))
                    .env("XDG_CACHE_HOME", dir.join("cache"))
                    .env("ASHBY_API_KEY", fake.keys().full)
                    .env("ASHBY_API_BASE_URL", fake.base_url())
                    .env("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", "0");
                let started = std::time::Instant::now();
                let out = cmd.output().expect("run ashby-sync sync");
                eprintln!(
                    "ashby-sync sync took {:?}: {}",
                    started.elapsed(),
                    String::from_utf8_lossy(&out.stdout).trim()
                );
                assert!(
                    out.status.success(),
                    "ashby-sync sync failed: {}\n{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                fake.shutdown().await;
                dir.join("app-data")
            })
        })
        .join()
        .expect("the template sync panicked")
    })
}

/// Gives the desktop a copy of the synced cache.
pub(crate) fn seed_cache(desk: &Desktop) {
    for e in std::fs::read_dir(template()).expect("template").flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), desk.data_dir.join(e.file_name())).expect("copy the cache");
        }
    }
}

/// Launches the app straight into the jobs view (`ASHBY_API_KEY` is a non-stored override).
pub(crate) async fn launch(
    desk: &Desktop,
    name: &str,
    fake_url: &str,
    key: &str,
    extra: &[(&str, &str)],
) -> App {
    let mut env = vec![("ASHBY_API_KEY", key), ("ASHBY_API_BASE_URL", fake_url)];
    env.extend_from_slice(extra);
    App::launch(desk, name, &env).await
}

/// Screenshots the final state, quits, and fails with the body's error.
pub(crate) async fn finish(mut app: App, r: Res<()>) {
    let shot = app.screenshot("final").await;
    let name = app.name.clone();
    app.quit().await;
    if let Err(e) = r {
        panic!("{name} failed: {e}\n(final screenshot: {shot:?})");
    }
}

/// Waits until the list shows the answer for `query` (the debounced search has been applied).
pub(crate) async fn wait_query(app: &App, query: &str) -> Res<()> {
    let css = format!(
        "[data-testid='result-count'][data-query={}]",
        serde_json::to_string(query).unwrap_or_default()
    );
    app.wait_for(&css, T).await.map(|_| ())
}

/// The result count once the list has answered.
pub(crate) async fn total(app: &App) -> Res<u64> {
    let v = app
        .eval("const e = document.querySelector(\"[data-testid='result-count']\"); return e ? e.dataset.total : ''")
        .await?;
    v.as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no result count yet ({v})"))
}

pub(crate) async fn wait_total(app: &App, expected: u64, what: &str) -> Res<()> {
    let deadline = std::time::Instant::now() + T;
    let mut last = Err(String::new());
    while std::time::Instant::now() < deadline {
        last = total(app).await;
        if last.as_ref().ok() == Some(&expected) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!(
        "{what}: expected {expected} jobs, the app shows {last:?}"
    ))
}

/// Sets a <select> the way a user's choice does (value + change event).
pub(crate) async fn choose(app: &App, select: &str, value: &str) -> Res<()> {
    let js = format!(
        "const s = document.querySelector({sel}); if (!s) return 'missing';\
         if (![...s.options].some(o => o.value === {val})) return 'no option';\
         s.value = {val}; s.dispatchEvent(new Event('change', {{bubbles: true}})); return 'ok'",
        sel = serde_json::to_string(select).unwrap_or_default(),
        val = serde_json::to_string(value).unwrap_or_default(),
    );
    match app.eval(&js).await?.as_str() {
        Some("ok") => Ok(()),
        other => Err(format!("could not choose {value} in {select}: {other:?}")),
    }
}

/// Ids of the rows in the DOM, in order.
pub(crate) async fn row_ids(app: &App) -> Res<Vec<String>> {
    let v = app
        .eval("return [...document.querySelectorAll(\"[data-testid='job-row']\")].map(r => r.dataset.id)")
        .await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

fn descendants(ds: &Dataset, root: &str) -> HashSet<String> {
    let mut set: HashSet<String> = [root.to_string()].into();
    loop {
        let before = set.len();
        for d in &ds.departments {
            if d.parent_id.as_ref().is_some_and(|p| set.contains(p)) {
                set.insert(d.id.clone());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

fn count(
    ds: &Dataset,
    statuses: &[JobStatus],
    deps: Option<&HashSet<String>>,
    et: Option<EmploymentType>,
) -> u64 {
    ds.jobs
        .iter()
        .filter(|j| statuses.contains(&j.status))
        .filter(|j| deps.is_none_or(|d| j.department_id.as_ref().is_some_and(|id| d.contains(id))))
        .filter(|j| et.is_none_or(|e| j.employment_type == e))
        .count() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_filters_and_a_sanitized_detail() {
    let fake = fake().await;
    let desk = Desktop::start();
    seed_cache(&desk);
    let ds = fake.dataset();
    let canary = ds
        .jobs
        .iter()
        .find(|j| j.title == CANARY_TITLE)
        .expect("the fake plants its XSS canary job")
        .id
        .clone();
    let open = count(&ds, &[JobStatus::Open], None, None);

    let mut app = launch(
        &desk,
        "jobs-browse",
        &fake.base_url(),
        &fake.keys().full,
        &[],
    )
    .await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        // Default: Open jobs, the count from the cache.
        wait_total(&app, open, "open jobs").await?;
        wait_idle(&app).await?;
        app.wait_for("[data-testid='job-row']", T).await?;
        // Windowed: a couple of dozen rows in the DOM, not 1,000.
        let rows = row_ids(&app).await?;
        if rows.is_empty() || rows.len() > 60 {
            return Err(format!("{} rows in the DOM for {open} jobs", rows.len()));
        }
        app.wait_text("[data-testid='last-synced']", "Last synced", T).await?;
        app.screenshot("list").await?;

        // Scrolling far down loads that page.
        app.eval("const l = document.querySelector(\"[data-testid='job-list']\"); l.scrollTop = l.scrollHeight; return 1")
            .await?;
        let deadline = std::time::Instant::now() + T;
        loop {
            let idx = app
                .eval("return Math.max(...[...document.querySelectorAll(\"[data-testid='job-row']\")].map(r => +r.dataset.index))")
                .await?;
            if idx.as_f64() == Some((open - 1) as f64) {
                break;
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("the last row never rendered (max index {idx})"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // `/` focuses search from anywhere; typing searches (debounced) with highlights.
        app.eval("document.activeElement && document.activeElement.blur(); return 1").await?;
        app.press("/").await?;
        let focused = app.eval("return document.activeElement && document.activeElement.id").await?;
        if focused.as_str() != Some("job-search") {
            return Err(format!("`/` focused {focused}, not the search"));
        }
        // Words from the canary's title and its description (the last one as a prefix). Every
        // job mentions robots and the fleet, and relevance ranks by where *all* the words are
        // (then newest first), so the query uses a description word only the canary has.
        app.type_into("[data-testid='search']", "rust coordinate fle").await?;
        wait_query(&app, "rust coordinate fle").await?;
        let deadline = std::time::Instant::now() + T;
        loop {
            if row_ids(&app).await?.contains(&canary) {
                break;
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("search did not find {CANARY_TITLE}: {:?}", row_ids(&app).await?));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let marks = app
            .eval(&format!(
                "const r = document.querySelector(\"[data-testid='job-row'][data-id='{canary}']\");\
                 const m = sel => [...r.querySelectorAll(sel)].map(m => m.textContent.toLowerCase());\
                 return [m(\"[data-testid='job-title'] mark\"), m('.snippet mark')]"
            ))
            .await?;
        let texts = |i: usize| -> Vec<String> {
            marks[i]
                .as_array()
                .map(|a| a.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let (title_marks, snippet_marks) = (texts(0), texts(1));
        if title_marks != ["rust"] {
            return Err(format!("title highlights: {title_marks:?}, expected [\"rust\"]"));
        }
        // The description excerpt marks the searched words, and only those.
        if snippet_marks.is_empty()
            || !snippet_marks
                .iter()
                .all(|m| m == "rust" || m == "coordinate" || m.starts_with("fle"))
        {
            return Err(format!("snippet highlights: {snippet_marks:?}"));
        }
        app.screenshot("search").await?;

        // ↓ + Enter on the search opens the first result: a search only the canary matches.
        app.clear("[data-testid='search']").await?;
        app.type_into("[data-testid='search']", "robot fleet coordinate").await?;
        wait_query(&app, "robot fleet coordinate").await?;
        wait_total(&app, 1, "jobs matching words only the canary has").await?;
        let deadline = std::time::Instant::now() + T;
        while row_ids(&app).await?.first() != Some(&canary) {
            if std::time::Instant::now() > deadline {
                return Err(format!("{CANARY_TITLE} is not the first match: {:?}", row_ids(&app).await?));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The description is sanitized and the planted XSS never runs.
        app.press("\u{E015}").await?; // ArrowDown
        app.press("\u{E007}").await?; // Enter
        app.wait_for(&format!("[data-testid='job-detail'][data-id='{canary}']"), T)
            .await?;
        app.wait_for("[data-testid='posting-description']", T).await?;
        tokio::time::sleep(Duration::from_millis(500)).await; // give an onerror a chance to fire
        let check = app
            .eval(
                "const d = document.querySelector(\"[data-testid='posting-description']\");\
                 return { xss: typeof window.__xss, html: d.innerHTML,\
                   bad: d.querySelectorAll('script, img, iframe, [onerror], a[href^=\"javascript\"]').length,\
                   text: d.textContent }",
            )
            .await?;
        if check["xss"] != "undefined" {
            return Err(format!("window.__xss is set: the planted script ran ({})", check["xss"]));
        }
        if check["bad"].as_u64() != Some(0) {
            return Err(format!("unsafe markup in the description: {}", check["html"]));
        }
        if !check["text"].as_str().unwrap_or_default().contains("Tokio") {
            return Err(format!("the description's text is missing: {}", check["html"]));
        }
        app.wait_for("[data-action='open-in-ashby']", T).await?;
        app.wait_for("[data-testid='hiring-team']", T).await?;
        app.eval(
            "const pane = document.querySelector(\"[data-testid='job-detail-pane']\");\
             pane.scrollTop = document.querySelector(\"[data-testid='posting']\").offsetTop - 120; return 1",
        )
            .await?;
        app.screenshot("detail").await?;

        // A link in the description never navigates the app's window; a non-Ashby one is shown.
        let href = app.eval("return location.href").await?;
        app.click("[data-testid='posting-description'] a[href^='http']").await?;
        app.wait_text("[data-testid='blocked-link']", "outside Ashby", T).await?;
        if app.eval("return location.href").await? != href {
            return Err("clicking a description link navigated the app's window".into());
        }

        // Back in the search (`/`), Esc clears it (all open jobs again); Esc again closes the detail.
        app.press("/").await?;
        app.press("\u{E00C}").await?;
        wait_total(&app, open, "after Esc cleared the search").await?;
        app.press("\u{E00C}").await?;
        app.wait_for("[data-testid='detail-empty']", T).await?;

        // Filters: a department (teams included), then + Closed, then one employment type.
        let (dep, deps) = ds
            .departments
            .iter()
            .filter(|d| d.parent_id.is_none())
            .map(|d| (d.id.clone(), descendants(&ds, &d.id)))
            .filter(|(_, set)| set.len() > 1)
            .max_by_key(|(_, set)| count(&ds, &[JobStatus::Open], Some(set), None))
            .ok_or("no department with teams in the fake's data")?;
        let want = count(&ds, &[JobStatus::Open], Some(&deps), None);
        choose(&app, "#filter-department", &dep).await?;
        wait_total(&app, want, "open jobs in the department and its teams").await?;
        if want >= open {
            return Err(format!("department filter did not narrow: {want} of {open}"));
        }
        app.click("#filter-status-Closed").await?;
        let want = count(&ds, &[JobStatus::Open, JobStatus::Closed], Some(&deps), None);
        wait_total(&app, want, "open + closed jobs in the department").await?;
        choose(&app, "#filter-employment", "FullTime").await?;
        let want = count(&ds, &[JobStatus::Open, JobStatus::Closed], Some(&deps), Some(EmploymentType::FullTime));
        wait_total(&app, want, "full-time open + closed jobs in the department").await?;
        let statuses = app
            .eval("return [...new Set([...document.querySelectorAll(\"[data-testid='job-status']\")].map(s => s.textContent))]")
            .await?;
        for s in statuses.as_array().into_iter().flatten() {
            if !matches!(s.as_str(), Some("Open" | "Closed")) {
                return Err(format!("a {s} job is listed with Open + Closed chosen"));
            }
        }
        app.screenshot("filtered").await?;

        // A search that matches nothing says so.
        app.type_into("[data-testid='search']", "zzqxj").await?;
        wait_query(&app, "zzqxj").await?;
        app.wait_for("[data-testid='empty-no-matches']", T).await?;
        app.screenshot("no-matches").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}

/// Waits until no sync has run for a few seconds (the scheduler may sync at start-up when the
/// cache copy is older than the sync interval).
pub(crate) async fn wait_idle(app: &App) -> Res<()> {
    let deadline = std::time::Instant::now() + SYNC_T;
    let mut quiet_since = std::time::Instant::now();
    loop {
        let busy = app
            .eval("const b = document.querySelector(\"[data-testid='sync-now']\"); return !b || b.disabled")
            .await?;
        if busy == Value::Bool(true) {
            quiet_since = std::time::Instant::now();
        } else if quiet_since.elapsed() > Duration::from_secs(3) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err("a sync kept running".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The jobs screen's view as saved in the cache file.
fn saved_view(desk: &Desktop) -> ashby_sync::store::Result<ashby_sync::store::ViewState> {
    ashby_sync::store::Store::open(&desk.data_dir.join("ashby-sync.sqlite3"))
        .and_then(|s| s.store.view_state())
}

/// The Last synced time shown in the status bar (ISO).
async fn last_synced(app: &App) -> Res<String> {
    let v = app
        .eval("const e = document.querySelector(\"[data-testid='last-synced']\"); return e ? e.dataset.at : ''")
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_now_history_offline_restart_and_dark_mode() {
    let fake = fake().await;
    let desk = Desktop::start();
    seed_cache(&desk);
    let open = count(&fake.dataset(), &[JobStatus::Open], None, None);
    let url = fake.base_url();
    let key = fake.keys().full;

    let mut app = launch(&desk, "jobs-sync", &url, &key, &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        wait_total(&app, open, "open jobs").await?;
        wait_idle(&app).await?;
        let before = last_synced(&app).await?;
        if before.is_empty() {
            return Err("Last synced is empty after the CLI sync".into());
        }
        app.wait_text("[data-testid='last-synced']", "Last synced", T)
            .await?;

        // Something to sync, and answers slow enough to watch the progress.
        fake.create_job("Underwater Welding Lead");
        fake.set_latency(Duration::from_millis(1000));
        app.click("[data-testid='sync-now']").await?;
        app.wait_for("[data-testid='sync-progress']", T).await?;
        // Watch the progress until the run ends: it names the stage and counts.
        let deadline = std::time::Instant::now() + SYNC_T;
        let mut seen: Vec<String> = Vec::new();
        loop {
            let label = app
                .eval("const p = document.querySelector(\"[data-testid='sync-progress']\"); return p ? p.textContent.trim() : null")
                .await?;
            let Some(label) = label.as_str().map(str::to_string) else {
                break;
            };
            if !seen.contains(&label) {
                if label.starts_with("Downloading") && !seen.iter().any(|s| s.starts_with("Downloading")) {
                    app.screenshot("sync-progress").await?;
                }
                seen.push(label);
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("the sync never finished; progress: {seen:?}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if !seen.iter().any(|s| s.starts_with("Downloading") && s.contains("so far")) {
            return Err(format!("no progress with counts was shown: {seen:?}"));
        }
        let at = last_synced(&app).await?;
        if at == before || at.is_empty() {
            return Err(format!("Last synced did not change ({before} → {at})"));
        }
        fake.set_latency(Duration::ZERO);
        app.wait_text("[data-testid='last-synced']", "just now", T)
            .await?;
        app.wait_text("[data-testid='online-state']", "Online", T)
            .await?;
        wait_total(&app, open + 1, "open jobs once the new one synced").await?;

        // History: the CLI's run and Sync now's, and the chart.
        app.click("[data-action='view-history']").await?;
        app.wait_for("[data-screen='history']", T).await?;
        app.wait_text("[data-testid='history-table']", "Sync now", T)
            .await?;
        app.wait_text("[data-testid='history-table']", "Command line", T)
            .await?;
        let bars = app.find_all("[data-testid='chart'] li").await?;
        if bars.len() < 2 {
            return Err(format!("the chart has {} bars", bars.len()));
        }
        app.screenshot("history").await?;
        app.click("[data-action='back']").await?;
        app.wait_for("[data-testid='job-row']", T).await?;
        Ok(())
    }
    .await;
    if r.is_err() {
        finish(app, r).await;
        return;
    }

    // Ashby unreachable: Sync now fails, the app says Offline, browsing and search still work.
    fake.shutdown().await;
    let r: Res<()> = async {
        app.click("[data-testid='sync-now']").await?;
        let deadline = std::time::Instant::now() + SYNC_T;
        while app
            .find("[data-testid='online-state'][data-online='false']")
            .await
            .is_err()
        {
            if std::time::Instant::now() > deadline {
                return Err(format!(
                    "never showed Offline: {:?}",
                    app.text("[data-testid='status-bar']").await
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        app.wait_text("[data-testid='online-state']", "Offline", T)
            .await?;
        app.wait_for("[data-testid='sync-banner'][data-kind='offline']", T)
            .await?;
        wait_total(&app, open + 1, "open jobs while offline").await?;
        app.type_into("[data-testid='search']", "welding").await?;
        wait_query(&app, "welding").await?;
        app.wait_text(
            "[data-testid='job-row'] [data-testid='job-title']",
            "Underwater Welding Lead",
            T,
        )
        .await?;
        app.wait_for("[data-testid='job-row'] mark", T).await?;
        app.click("[data-testid='job-row']").await?;
        app.wait_for("[data-testid='job-detail']", T).await?;
        app.screenshot("offline").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
    // The view was saved before the window went away (quit straight after the click).
    let saved = saved_view(&desk).expect("the cache's saved view");
    assert_eq!(
        saved.search, "welding",
        "the search typed before quitting was not saved"
    );
    assert!(
        saved.open_job_id.is_some(),
        "the job opened before quitting was not saved"
    );

    // After a restart (still offline, and asking WebKitGTK for the dark theme) the jobs are there.
    let mut app = launch(
        &desk,
        "jobs-restart",
        &url,
        &key,
        &[("GTK_THEME", "Adwaita:dark")],
    )
    .await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        // The view is restored: the search from before the restart, then all open jobs.
        if let Err(e) = wait_query(&app, "welding").await {
            // Say which side lost it: the saved row, or the screen that should have read it.
            let now_saved = saved_view(&desk);
            let shown = app
                .eval("const s = document.querySelector(\"[data-testid='search']\"); const c = document.querySelector(\"[data-testid='result-count']\"); return [s && s.value, c && c.dataset.query, c && c.textContent]")
                .await;
            return Err(format!(
                "{e}\nsaved view now: {now_saved:?}\nshown (search box, list query, count): {shown:?}"
            ));
        }
        wait_total(&app, 1, "the restored search after a restart").await?;
        app.clear("[data-testid='search']").await?;
        app.type_into("[data-testid='search']", " ").await?;
        wait_query(&app, "").await?;
        wait_total(&app, open + 1, "open jobs after a restart").await?;
        app.wait_for("[data-testid='job-row']", T).await?;
        app.click("[data-testid='job-row']").await?;
        app.wait_for("[data-testid='job-detail']", T).await?;
        let dark = app
            .eval("return matchMedia('(prefers-color-scheme: dark)').matches")
            .await?;
        if dark != Value::Bool(true) {
            return Err("GTK_THEME=Adwaita:dark did not make WebKitGTK prefer dark".into());
        }
        let bg = app
            .eval("return getComputedStyle(document.body).backgroundColor")
            .await?;
        if bg.as_str() != Some("rgb(17, 19, 24)") {
            return Err(format!(
                "dark mode preferred but the page background is {bg}"
            ));
        }
        app.screenshot("dark").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_states_first_sync_and_never_synced() {
    // No cache yet and a slow Ashby: the first sync runs at start-up and says it may take a while.
    let fake = FakeAshby::start(FakeConfig {
        jobs: 50,
        latency: Duration::from_millis(1500),
        ..Default::default()
    })
    .await
    .expect("fake Ashby server");
    let desk = Desktop::start();
    let mut app = launch(
        &desk,
        "jobs-first-sync",
        &fake.base_url(),
        &fake.keys().full,
        &[],
    )
    .await;
    let r: Res<()> = async {
        app.wait_for("[data-testid='empty-first-sync']", T).await?;
        // This organisation's estimate replaces the generic note once its posting list is in.
        app.wait_text(
            "[data-testid='first-sync-note']",
            "Your first sync should take",
            T,
        )
        .await?;
        app.wait_text(
            "[data-testid='first-sync-note']",
            "carries on from where",
            T,
        )
        .await?;
        app.wait_for("[data-testid='sync-progress']", T).await?;
        app.screenshot("first-sync").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;

    // Nothing synced and Ashby unreachable: say so, and offer Sync now.
    let desk = Desktop::start();
    let mut app = launch(
        &desk,
        "jobs-never-synced",
        "http://127.0.0.1:9",
        "demo-key-never-synced",
        &[],
    )
    .await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        let deadline = std::time::Instant::now() + SYNC_T;
        while app
            .find("[data-testid='empty-never-synced']")
            .await
            .is_err()
        {
            if std::time::Instant::now() > deadline {
                return Err("the never-synced state did not show".into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        app.wait_text("[data-testid='last-synced']", "Never synced", T)
            .await?;
        app.wait_for("[data-testid='empty-never-synced'] button", T)
            .await?;
        app.screenshot("never-synced").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
}

/// The permission banner names Ashby's module (Organization), never a stream ("Departments"):
/// from the live summary right after a sync with a key lacking Organization, and again after a
/// restart, when it is rebuilt from the history row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_sync_names_ashbys_module_after_a_restart() {
    let fake = fake().await;
    let desk = Desktop::start();
    seed_cache(&desk);
    let url = fake.base_url();
    let modules: Vec<Module> = Module::ALL
        .into_iter()
        .filter(|m| *m != Module::Organization)
        .collect();
    let key = fake.add_key(KeySpec::read_only("No Organization", &modules));
    const BANNER: &str = "[data-testid='sync-banner'][data-kind='permission']";

    /// The banner's words name Organization and no stream.
    fn check_words(text: &str, when: &str) -> Res<()> {
        if !text.contains("Organization") {
            return Err(format!(
                "{when}: the banner does not name Organization: {text:?}"
            ));
        }
        for stream in ["Departments", "departments", "Locations", "locations"] {
            if text.contains(stream) {
                return Err(format!(
                    "{when}: the banner names the stream {stream}: {text:?}"
                ));
            }
        }
        Ok(())
    }

    let app = launch(&desk, "jobs-partial", &url, &key, &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        app.wait_for("[data-testid='job-row']", T).await?;
        wait_idle(&app).await?;
        app.click("[data-testid='sync-now']").await?;
        app.wait_for(BANNER, SYNC_T).await?;
        wait_idle(&app).await?;
        check_words(&app.text(BANNER).await?, "after the sync")?;
        Ok(())
    }
    .await;
    if r.is_err() {
        finish(app, r).await;
        fake.shutdown().await;
        return;
    }
    finish(app, r).await;

    // A restart: no live summary any more, the banner comes from the last history row.
    let app = launch(&desk, "jobs-partial-restart", &url, &key, &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        app.wait_for(BANNER, T).await?;
        check_words(&app.text(BANNER).await?, "after a restart")?;
        // The history row says which streams were skipped for it.
        app.click("[data-action='view-history']").await?;
        app.wait_for("[data-screen='history']", T).await?;
        app.wait_text("[data-testid='history-table']", "skipped", T)
            .await?;
        // No run since the restart: the banner above came from the history row, not from a
        // live summary (the seeded cache's run and the partial Sync now only).
        let rows = app.find_all("[data-testid='history-row']").await?;
        if rows.len() != 2 {
            return Err(format!(
                "expected the 2 runs from before the restart, found {}",
                rows.len()
            ));
        }
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}

/// Another process (here the test itself, as a cron `ashby-sync sync` would) holds the cache's
/// sync lock: Sync now says "syncing in another window or process" instead of failing, and
/// syncs once the other one is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_running_in_another_process_is_reported_not_failed() {
    let fake = fake().await;
    let desk = Desktop::start();
    seed_cache(&desk);
    let mut lock = Some(
        ashby_sync_core::sync::SyncLock::try_acquire(&desk.data_dir.join("ashby-sync.sqlite3"))
            .expect("the test takes the sync lock"),
    );
    let mut app = launch(&desk, "busy", &fake.base_url(), &fake.keys().full, &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-testid='job-row']", T).await?;
        app.click("[data-testid='sync-now']").await?;
        app.wait_for("[data-testid='sync-banner'][data-kind='busy']", SYNC_T)
            .await?;
        app.wait_text(
            "[data-testid='sync-banner']",
            "syncing in another Ashby Sync window or process",
            T,
        )
        .await?;
        app.screenshot("busy-banner").await?;
        // The other sync finishes; Try again syncs here.
        lock.take();
        app.click("[data-testid='sync-banner'] [data-action='retry']")
            .await?;
        let deadline = std::time::Instant::now() + SYNC_T;
        while app.find("[data-testid='sync-banner']").await.is_ok() {
            if std::time::Instant::now() > deadline {
                return Err(format!(
                    "the busy banner stayed: {:?}",
                    app.text("[data-testid='sync-banner']").await
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        app.wait_text("[data-testid='online-state']", "Online", T)
            .await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
}
