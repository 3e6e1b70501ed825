//! Issue 16, the jobs screen: arrow keys move the selection and the detail follows; filter counts
//! are faceted (each agrees with the list it would give); the open job dropping out of the results
//! is said; the view (search, filters, open job, list width, window size) survives going to
//! Settings and back and a restart; the layout at 1024×700 and 1920×1200; a first sync shows its
//! jobs with the right posting facts while descriptions load.

use crate::harness::{App, Desktop, Res};
use crate::jobs::{fake, finish, launch, row_ids, seed_cache, total, wait_query, wait_total};
use crate::T;
use fake_ashby::{FakeAshby, FakeConfig};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The list's total once it has answered.
async fn ready_total(app: &App) -> Res<u64> {
    let deadline = Instant::now() + T;
    loop {
        match total(app).await {
            Ok(n) => return Ok(n),
            Err(e) if Instant::now() > deadline => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// A number shown by `css` ("1,234", "1,234+"), once there is one.
async fn number(app: &App, css: &str) -> Res<u64> {
    let js = format!(
        "const e = document.querySelector({}); return e ? e.textContent : null",
        serde_json::to_string(css).unwrap_or_default()
    );
    let v = app.eval(&js).await?;
    let digits: String = v
        .as_str()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .map_err(|_| format!("no number in {css}: {v}"))
}

fn status_css(status: &str) -> String {
    format!("[data-testid='status-count'][data-status='{status}']")
}

fn listed_css(which: &str) -> String {
    format!("[data-testid='listed-count'][data-listed='{which}']")
}

/// Waits until `css` shows `expected` (facets arrive after the list).
async fn wait_number(app: &App, css: &str, expected: u64, what: &str) -> Res<()> {
    let deadline = Instant::now() + T;
    let mut last = Err(String::new());
    while Instant::now() < deadline {
        last = number(app, css).await;
        if last.as_ref().ok() == Some(&expected) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!(
        "{what}: expected {expected}, the filter shows {last:?}"
    ))
}

/// The id of the job open in the detail pane ("" when none).
async fn open_id(app: &App) -> Res<String> {
    let v = app
        .eval("const d = document.querySelector(\"[data-testid='job-detail']\"); return d ? d.dataset.id : ''")
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

async fn wait_open(app: &App, id: &str, within: Duration, what: &str) -> Res<()> {
    let deadline = Instant::now() + within;
    loop {
        let now = open_id(app).await?;
        if now == id {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{what}: the detail shows {now:?}, not {id:?}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn row_id(app: &App, index: usize) -> Res<String> {
    let v = app
        .eval(&format!(
            "const r = document.querySelector(\"[data-testid='job-row'][data-index='{index}']\"); return r ? r.dataset.id : null"
        ))
        .await?;
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("no row {index} on screen"))
}

async fn list_width(app: &App) -> Res<f64> {
    app.eval("return document.querySelector('.middle').getBoundingClientRect().width")
        .await?
        .as_f64()
        .ok_or_else(|| "no list pane".to_string())
}

async fn checked(app: &App, css: &str) -> Res<bool> {
    let js = format!(
        "const e = document.querySelector({}); return !!(e && e.checked)",
        serde_json::to_string(css).unwrap_or_default()
    );
    Ok(app.eval(&js).await? == Value::Bool(true))
}

const SEARCH: &str = "engineer";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arrow_keys_faceted_counts_and_the_view_after_settings_and_a_restart() {
    let fake = fake().await;
    let desk = Desktop::start();
    seed_cache(&desk);
    let (url, key) = (fake.base_url(), fake.keys().full);

    let mut app = launch(&desk, "view", &url, &key, &[]).await;
    let mut opened = String::new();
    let mut widened = 0.0;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        app.wait_for("[data-testid='job-row']", T).await?;
        let open_jobs = ready_total(&app).await?;
        // Unsearched, the Open count is the list's total.
        wait_number(&app, &status_css("Open"), open_jobs, "Open, no search").await?;

        // Under a search each count is the list that filter would give.
        app.type_into("[data-testid='search']", SEARCH).await?;
        wait_query(&app, SEARCH).await?;
        let found = ready_total(&app).await?;
        if found == 0 || found >= open_jobs {
            return Err(format!(
                "“{SEARCH}” should narrow {open_jobs} open jobs, found {found}"
            ));
        }
        wait_number(&app, &status_css("Open"), found, "Open under the search").await?;
        let listed = number(&app, &listed_css("listed")).await?;
        let unlisted = number(&app, &listed_css("unlisted")).await?;
        if listed + unlisted != found {
            return Err(format!(
                "Listed {listed} + Unlisted {unlisted} ≠ {found} results"
            ));
        }
        app.eval("document.querySelector('#filter-listed-listed').click()")
            .await?;
        wait_total(&app, listed, "Listed under the search").await?;
        // The status count now counts listed matches; Listed/Unlisted keep theirs.
        wait_number(
            &app,
            &status_css("Open"),
            listed,
            "Open under search + Listed",
        )
        .await?;
        wait_number(
            &app,
            &listed_css("unlisted"),
            unlisted,
            "Unlisted ignores its own filter",
        )
        .await?;
        app.screenshot("faceted").await?;

        // Arrow keys: the detail follows the selection, without Enter.
        app.click("[data-testid='job-row'][data-index='0']").await?;
        wait_open(&app, &row_id(&app, 0).await?, T, "the clicked row").await?;
        app.press("\u{E015}").await?; // ArrowDown
        let second = row_id(&app, 1).await?;
        wait_open(&app, &second, Duration::from_secs(3), "after one ArrowDown").await?;
        for _ in 0..3 {
            app.press("\u{E015}").await?;
        }
        let fifth = row_id(&app, 4).await?;
        wait_open(
            &app,
            &fifth,
            Duration::from_secs(3),
            "after three more ArrowDown",
        )
        .await?;
        app.press("\u{E013}").await?; // ArrowUp
        let fourth = row_id(&app, 3).await?;
        wait_open(&app, &fourth, Duration::from_secs(3), "after ArrowUp").await?;
        opened = fourth.clone();

        // The open job drops out of the results: the detail says so, and stops once it's back.
        app.type_into("[data-testid='search']", " qqxzzy").await?;
        wait_query(&app, &format!("{SEARCH} qqxzzy")).await?;
        app.wait_for("[data-testid='detail-outside']", T).await?;
        app.wait_for("[data-testid='empty-no-matches']", T).await?;
        app.screenshot("outside").await?;
        app.clear("[data-testid='search']").await?;
        app.type_into("[data-testid='search']", SEARCH).await?;
        wait_query(&app, SEARCH).await?;
        wait_open(&app, &opened, T, "the open job stays open").await?;
        let deadline = Instant::now() + T;
        while app.find("[data-testid='detail-outside']").await.is_ok() {
            if Instant::now() > deadline {
                return Err("the out-of-results note stayed with the job back in the list".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // The list pane widens by dragging its edge.
        let before = list_width(&app).await?;
        app.drag_by("[data-testid='list-splitter']", 120).await?;
        widened = list_width(&app).await?;
        if (widened - before - 120.0).abs() > 4.0 {
            return Err(format!(
                "dragging by 120 px took the list from {before} to {widened}"
            ));
        }

        // Settings and back: the search, the filters and the open job are still there.
        app.click("[data-action='settings']").await?;
        app.wait_for("[data-screen='settings']", T).await?;
        app.click("[data-action='view-jobs']").await?;
        app.wait_for("[data-screen='jobs']", T).await?;
        wait_query(&app, SEARCH).await?;
        wait_open(&app, &opened, T, "back from Settings").await?;
        if !checked(&app, "#filter-listed-listed").await? {
            return Err("Listed was forgotten on the way back from Settings".into());
        }
        wait_total(&app, listed, "the list back from Settings").await?;

        // A window size and place of the user's own.
        app.set_window_rect(30, 20, 1150, 740).await?;
        // What changed is saved a moment later; give it that moment before quitting.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        Ok(())
    }
    .await;
    if r.is_err() {
        finish(app, r).await;
        return;
    }
    finish(app, r).await;

    // A restart with the same data: the view comes back as it was left.
    let mut app = launch(&desk, "view-restart", &url, &key, &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        wait_query(&app, SEARCH).await?;
        let typed = app
            .eval("return document.querySelector(\"[data-testid='search']\").value")
            .await?;
        if typed.as_str() != Some(SEARCH) {
            return Err(format!("the search box shows {typed} after a restart"));
        }
        if !checked(&app, "#filter-listed-listed").await? {
            return Err("Listed was forgotten across the restart".into());
        }
        wait_open(&app, &opened, T, "the open job after a restart").await?;
        let ids = row_ids(&app).await?;
        if ids.is_empty() {
            return Err("no rows after the restart".into());
        }
        let w = list_width(&app).await?;
        if (w - widened).abs() > 2.0 {
            return Err(format!(
                "the list was {widened} px wide, after the restart {w}"
            ));
        }
        let rect = app
            .eval("return [window.outerWidth, window.outerHeight, window.screenX, window.screenY]")
            .await?;
        if rect[0].as_u64() != Some(1150) || rect[1].as_u64() != Some(740) {
            return Err(format!(
                "the window is {rect} after the restart, not 1150×740"
            ));
        }
        if rect[2].as_i64() != Some(30) || rect[3].as_i64() != Some(20) {
            return Err(format!(
                "the window is at {rect} after the restart, not 30,20"
            ));
        }
        app.screenshot("restored").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
}

/// Whether `css` lies inside the window, left to right.
pub(crate) async fn inside_window(app: &App, css: &str) -> Res<bool> {
    let js = format!(
        "const e = document.querySelector({}); if (!e) return false; const r = e.getBoundingClientRect();\
         return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth + 0.5",
        serde_json::to_string(css).unwrap_or_default()
    );
    Ok(app.eval(&js).await? == Value::Bool(true))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_jobs_screen_at_1920_by_1200_and_at_the_1024_by_700_minimum() {
    let fake = fake().await;
    let desk = Desktop::start_sized(1920, 1200);
    seed_cache(&desk);
    let mut app = launch(&desk, "layout", &fake.base_url(), &fake.keys().full, &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        app.set_window_rect(0, 0, 1920, 1200).await?;
        app.wait_for("[data-testid='job-row']", T).await?;
        app.type_into("[data-testid='search']", SEARCH).await?;
        wait_query(&app, SEARCH).await?;
        app.click("[data-testid='job-row'][data-index='0']").await?;
        app.wait_for("[data-testid='job-detail']", T).await?;
        // Wide: titles fit beside the detail instead of being cut short.
        let cut = app
            .eval("const t = [...document.querySelectorAll(\"[data-testid='job-title']\")];\
                   return [t.filter(e => e.scrollWidth > e.clientWidth + 1).length, t.length]")
            .await?;
        let (cut_n, all) = (cut[0].as_u64().unwrap_or(99), cut[1].as_u64().unwrap_or(0));
        if all == 0 || cut_n * 10 > all {
            return Err(format!("{cut_n} of {all} titles are cut at 1920 wide"));
        }
        app.screenshot_window("jobs-1920x1200", 1920, 1200).await?;

        // The minimum window: nothing important cut off.
        app.set_window_rect(0, 0, 1024, 700).await?;
        for css in [
            "[data-testid='cache-count']",
            "[data-testid='sync-now']",
            "[data-testid='result-count']",
            "[data-testid='job-detail'] h2",
        ] {
            if !inside_window(&app, css).await? {
                return Err(format!("{css} is cut off at 1024×700"));
            }
        }
        let emails = app
            .eval("return [...document.querySelectorAll(\"[data-testid='hiring-team'] .email\")]\
                   .filter(e => e.textContent && e.scrollWidth > e.clientWidth + 1).length")
            .await?;
        if emails.as_u64() != Some(0) {
            return Err(format!("{emails} hiring-team emails are cut at 1024×700"));
        }
        // One row height, searching or not.
        let heights = app
            .eval("return [...new Set([...document.querySelectorAll(\"[data-testid='job-row']\")].map(r => r.offsetHeight))]")
            .await?;
        app.screenshot_window("jobs-1024x700", 1024, 700).await?;
        app.clear("[data-testid='search']").await?;
        // Typing a space fires the input event a clear does not: a blank search browses.
        app.type_into("[data-testid='search']", " ").await?;
        wait_query(&app, "").await?;
        let browsing = app
            .eval("return [...new Set([...document.querySelectorAll(\"[data-testid='job-row']\")].map(r => r.offsetHeight))]")
            .await?;
        if heights.as_array().map(Vec::len) != Some(1) || heights != browsing {
            return Err(format!("row heights: {heights} searching, {browsing} browsing"));
        }
        Ok(())
    }
    .await;
    finish(app, r).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_shows_right_posting_facts_while_descriptions_load() {
    let fake = FakeAshby::start(FakeConfig {
        jobs: 300,
        ..Default::default()
    })
    .await
    .expect("fake Ashby server");
    let desk = Desktop::start();
    // Descriptions one by one, slowly: they are still loading while we look.
    let env = [
        ("ASHBY_SYNC_PUBLIC_BOARD", "off"),
        ("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", "90"),
    ];
    let mut app = launch(
        &desk,
        "first-sync-view",
        &fake.base_url(),
        &fake.keys().full,
        &env,
    )
    .await;
    let ds = fake.dataset();
    let listed_jobs: std::collections::HashSet<&str> = ds
        .postings
        .iter()
        .filter(|p| p.is_listed && p.is_published && !p.is_deleted)
        .map(|p| p.job_id.as_str())
        .collect();
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        app.wait_for("[data-testid='job-row']", Duration::from_secs(60)).await?;
        app.wait_for("[data-testid='first-sync-progress']", T).await?;
        app.wait_text("[data-testid='last-synced']", "First sync in progress", T).await?;
        let status = app.text("[data-testid='status-bar']").await?;
        if status.contains("Never synced") {
            return Err(format!("the status bar says {status:?} during the first sync"));
        }
        // Listed/Unlisted is right while descriptions load.
        let open_listed = ds
            .jobs
            .iter()
            .filter(|j| j.status == fake_ashby::model::JobStatus::Open && listed_jobs.contains(j.id.as_str()))
            .count() as u64;
        if open_listed == 0 {
            return Err("the fake lists no open job".into());
        }
        wait_number(&app, &listed_css("listed"), open_listed, "Listed during the first sync").await?;
        // A job with postings: its description is loading, and it says so.
        let idx = app
            .eval("return [...document.querySelectorAll(\"[data-testid='job-row']\")]\
                   .find(r => /[1-9] posting/.test(r.textContent))?.dataset.index ?? null")
            .await?;
        let idx = idx.as_str().ok_or("no row with postings")?.to_string();
        app.click(&format!("[data-testid='job-row'][data-index='{idx}']")).await?;
        app.wait_for("[data-testid='job-detail']", T).await?;
        app.wait_text("[data-testid='description-loading']", "Description loading", T).await?;
        app.wait_for("[data-testid='sync-progress']", T).await?;
        // Scroll the detail pane (only it: scrollIntoView would nudge the whole page too).
        app.eval(
            "const e = document.querySelector(\"[data-testid='description-loading']\");\
             const pane = e.closest('.detail'); pane.scrollTop = e.offsetTop - pane.clientHeight / 2",
        )
        .await?;
        app.screenshot("first-sync-descriptions-loading").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}
