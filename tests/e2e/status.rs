//! Issue 16: the sync status is honest. Offline is noticed within a couple of seconds of Ashby
//! going away (no silent retries for a refused connection), the banner does not push the panes
//! around, and "Offline" clears by itself once Ashby answers again (the reachability check,
//! every 2 s here instead of every minute).

use crate::harness::{App, Desktop, Res};
use crate::jobs::{finish, launch, seed_cache};
use crate::T;
use fake_ashby::{FakeAshby, FakeConfig};
use std::time::{Duration, Instant};

async fn top_of(app: &App, css: &str) -> Res<f64> {
    let v = app
        .eval(&format!(
            "const e = document.querySelector({}); return e ? e.getBoundingClientRect().top : null",
            serde_json::to_string(css).unwrap_or_default()
        ))
        .await?;
    v.as_f64().ok_or_else(|| format!("{css} not found"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_is_noticed_at_once_and_cleared_when_ashby_comes_back() {
    let cfg = || FakeConfig {
        jobs: 2_000,
        ..Default::default()
    };
    let fake = FakeAshby::start(cfg()).await.expect("fake Ashby");
    let addr = fake.addr();
    let url = fake.base_url();
    let key = fake.keys().full;
    let desk = Desktop::start();
    seed_cache(&desk);
    let mut app = launch(
        &desk,
        "offline-back",
        &url,
        &key,
        &[("ASHBY_SYNC_TEST_PROBE_SECS", "2")],
    )
    .await;
    let mut back: Option<FakeAshby> = None;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        app.wait_for("[data-testid='job-row']", T).await?;
        let list_top = top_of(&app, "[data-testid='search']").await?;

        // Ashby goes away: Sync now says Offline within a couple of seconds.
        fake.shutdown().await;
        let started = Instant::now();
        app.click("[data-testid='sync-now']").await?;
        app.wait_for("[data-testid='online-state'][data-online='false']", T)
            .await?;
        let took = started.elapsed();
        if took > Duration::from_secs(4) {
            return Err(format!("Offline showed only after {took:?}"));
        }
        app.wait_text("[data-testid='online-state']", "Offline", T)
            .await?;
        app.wait_for("[data-testid='sync-banner'][data-kind='offline']", T)
            .await?;
        let offline_top = top_of(&app, "[data-testid='search']").await?;
        if (offline_top - list_top).abs() > 0.5 {
            return Err(format!(
                "the offline banner pushed the list from {list_top} to {offline_top}"
            ));
        }
        // Still browsable.
        app.click("[data-testid='job-row']").await?;
        app.wait_for("[data-testid='job-detail']", T).await?;
        app.screenshot("offline").await?;

        // Ashby is back on the same address: the next check clears Offline, without a click.
        back = Some(
            FakeAshby::start_on(cfg(), addr)
                .await
                .map_err(|e| format!("restart the fake on {addr}: {e}"))?,
        );
        let started = Instant::now();
        app.wait_for("[data-testid='online-state'][data-online='true']", T)
            .await?;
        app.wait_text("[data-testid='online-state']", "Online", T)
            .await?;
        let took = started.elapsed();
        if took > Duration::from_secs(12) {
            return Err(format!("Online again only after {took:?}"));
        }
        let deadline = Instant::now() + T;
        while app
            .find("[data-testid='sync-banner'][data-kind='offline']")
            .await
            .is_ok()
        {
            if Instant::now() > deadline {
                return Err("the offline banner stayed after Ashby answered".into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        app.screenshot("back-online").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
    if let Some(f) = back {
        f.shutdown().await;
    }
}

/// Settings has the app's header and status bar; Re-verify says what it found; the interval
/// choice reaches the scheduler (the status bar follows it); About names the version and the
/// folders. Screenshots at the 1024×700 minimum and at 1920×1200.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_reverify_interval_and_about_at_two_sizes() {
    let fake = FakeAshby::start(FakeConfig {
        jobs: 2_000,
        ..Default::default()
    })
    .await
    .expect("fake Ashby");
    let key = fake.keys().full;
    for (w, h) in [(1024u32, 700u32), (1920, 1200)] {
        let desk = Desktop::start_sized(w, h);
        seed_cache(&desk);
        let mut app = launch(&desk, &format!("settings-{w}"), &fake.base_url(), &key, &[]).await;
        let r: Res<()> = async {
            app.set_window_rect(0, 0, w, h).await?;
            app.wait_for("[data-screen='jobs']", T).await?;
            app.click("[data-action='settings']").await?;
            app.wait_for("[data-screen='settings']", T).await?;
            // The same header (views + Settings) and status bar as the jobs screen.
            app.wait_for("[data-screen='settings'] [data-action='view-history']", T)
                .await?;
            app.wait_for("[data-screen='settings'] [data-testid='status-bar']", T)
                .await?;
            app.wait_text("[data-testid='about-version']", "Ashby Sync", T)
                .await?;

            app.click("[data-action='reverify']").await?;
            app.wait_text(
                "[data-testid='reverify-result']",
                "Key still works — all modules readable",
                T,
            )
            .await?;

            // Every 15 minutes: the scheduler moves the next sync; paused: none is planned.
            app.eval(
                "const s = document.querySelector(\"[data-testid='sync-interval']\");\
                 s.value = 'paused'; s.dispatchEvent(new Event('change', { bubbles: true }));",
            )
            .await?;
            app.wait_text("[data-testid='status-bar']", "Automatic sync paused", T)
                .await?;
            app.eval(
                "const s = document.querySelector(\"[data-testid='sync-interval']\");\
                 s.value = '1h'; s.dispatchEvent(new Event('change', { bubbles: true }));",
            )
            .await?;
            app.wait_for("[data-testid='next-sync']", T).await?;
            app.eval("document.querySelector(\"[data-testid='reverify-result']\").scrollIntoView({block: 'center'})")
                .await?;
            app.screenshot(&format!("settings-{w}x{h}")).await?;
            // Back through the header's tab.
            app.click("[data-screen='settings'] [data-action='view-jobs']")
                .await?;
            app.wait_for("[data-screen='jobs']", T).await?;
            Ok(())
        }
        .await;
        finish(app, r).await;
    }
    fake.shutdown().await;
}

/// The first sync, descriptions one by one at one request a second: the status bar names the
/// phase, counts, and the time left, and the bar is that phase's share of the work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_sync_progress_shows_the_phase_and_the_time_left() {
    let fake = FakeAshby::start(FakeConfig {
        jobs: 60,
        ..Default::default()
    })
    .await
    .expect("fake Ashby");
    let desk = Desktop::start();
    let mut app = launch(
        &desk,
        "first-sync-progress",
        &fake.base_url(),
        &fake.keys().full,
        &[
            ("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", "60"),
            ("ASHBY_SYNC_PUBLIC_BOARD", "off"),
        ],
    )
    .await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut shown = false;
        while Instant::now() < deadline {
            let v = app
                .eval(
                    "const p = document.querySelector(\"[data-testid='sync-progress']\");\
                     const b = p && p.querySelector('[role=progressbar]');\
                     return p ? [p.textContent.trim(), b ? b.getAttribute('aria-valuenow') : null] : null",
                )
                .await?;
            let label = v[0].as_str().unwrap_or("");
            let now: Option<u64> = v[1].as_str().and_then(|s| s.parse().ok());
            let partial = now.is_some_and(|p| p > 0 && p < 100);
            if label.contains("posting descriptions") && label.contains("left") && partial {
                app.screenshot("first-sync-progress").await?;
                shown = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        if !shown {
            return Err("never saw the description phase with a time left and a partial bar".into());
        }
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}
