//! Issue 17: the Changes view in the real window. Over a cache the real CLI filled from the fake,
//! the fake is changed (a job added, one closed, one renamed, a posting unlisted), Sync now is
//! pressed, and the Changes view shows those entries with the unread count in the navigation;
//! an entry opens its job, whose detail shows the same change under History and its openings.

use crate::harness::{App, Desktop, Res};
use crate::jobs::{choose, fake, finish, launch, seed_cache, wait_idle};
use crate::T;
use fake_ashby::model::JobStatus;
use serde_json::Value;
use std::time::Duration;

/// The change entries shown, as (kind, job id).
async fn entries(app: &App) -> Res<Vec<(String, String)>> {
    let v = app
        .eval("return [...document.querySelectorAll(\"[data-testid='change-entry']\")].map(e => [e.dataset.kind, e.dataset.job])")
        .await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    Some((
                        e.get(0)?.as_str()?.to_string(),
                        e.get(1)?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default())
}

async fn unread_badge(app: &App) -> Res<Option<String>> {
    let v = app
        .eval("const b = document.querySelector(\"[data-testid='changes-unread']\"); return b ? b.textContent.trim() : null")
        .await?;
    Ok(v.as_str().map(str::to_string))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_after_sync_now_with_unread_count_open_into_the_job() {
    let fake = fake().await;
    let desk = Desktop::start();
    seed_cache(&desk);
    let url = fake.base_url();
    let key = fake.keys().full;
    let ds = fake.dataset();
    let open_with_listed: Vec<(String, String)> = ds
        .jobs
        .iter()
        .filter(|j| j.status == JobStatus::Open && !j.confidential)
        .filter_map(|j| {
            ds.postings
                .iter()
                .find(|p| p.job_id == j.id && p.is_published && !p.is_deleted && p.is_listed)
                .map(|p| (j.id.clone(), p.id.clone()))
        })
        .take(3)
        .collect();
    let [(close_j, _), (rename_j, _), (unlist_j, unlist_p)] = open_with_listed.as_slice() else {
        panic!("the fake has fewer than 3 open jobs with listed postings");
    };

    let mut app = launch(&desk, "changes", &url, &key, &[]).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='jobs']", T).await?;
        wait_idle(&app).await?;
        // The CLI's first sync: one summary line, unread.
        app.click("[data-action='view-changes']").await?;
        app.wait_for("[data-screen='changes']", T).await?;
        app.wait_text("[data-testid='run-headline']", "First sync: 2,000 jobs", T)
            .await?;
        if entries(&app).await?.len() != 1 {
            return Err(format!("first sync: {:?}", entries(&app).await?));
        }
        app.click("[data-action='view-jobs']").await?;
        // Seen: no badge.
        if let Some(b) = unread_badge(&app).await? {
            return Err(format!("unread badge {b} after the Changes view was seen"));
        }

        let added = fake.create_job("Underwater Welding Lead");
        fake.close_job(close_j);
        fake.edit_job(rename_j, |j| j.title = "Chief Kite Officer".into());
        fake.edit_posting(unlist_p, |p| p.is_listed = false);
        app.click("[data-testid='sync-now']").await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        wait_idle(&app).await?;

        // The navigation counts the new entries.
        let deadline = std::time::Instant::now() + T;
        let badge = loop {
            if let Some(b) = unread_badge(&app).await? {
                break b;
            }
            if std::time::Instant::now() > deadline {
                return Err("no unread count after the sync".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let closed_postings = ds
            .postings
            .iter()
            .filter(|p| &p.job_id == close_j && p.is_published && !p.is_deleted)
            .count();
        // added + its posting, closed + its postings unpublished, renamed, unlisted.
        let expected = 2 + 1 + closed_postings + 1 + 1;
        if badge != expected.to_string() {
            return Err(format!("unread badge {badge}, expected {expected}"));
        }
        app.screenshot("unread").await?;
        // The run's long result in the status bar gives way; Sync now and the job count stay.
        app.find("[data-testid='sync-result']").await?;
        for css in ["[data-testid='sync-now']", "[data-testid='cache-count']"] {
            if !crate::view::inside_window(&app, css).await? {
                return Err(format!("{css} is pushed out of the window by the sync result"));
            }
        }

        app.click("[data-action='view-changes']").await?;
        app.wait_for("[data-screen='changes']", T).await?;
        app.wait_text("[data-testid='run-headline']", "1 new job", T)
            .await?;
        let headline = app.text("[data-testid='run-headline']").await?;
        for part in ["1 new job", "1 closed", "1 renamed", "1 posting unlisted"] {
            if !headline.contains(part) {
                return Err(format!("the run's headline {headline:?} lacks {part:?}"));
            }
        }
        let shown = entries(&app).await?;
        for (kind, job) in [
            ("jobAdded", &added),
            ("jobClosed", close_j),
            ("jobRenamed", rename_j),
            ("postingUnlisted", unlist_j),
        ] {
            let n = shown.iter().filter(|(k, j)| k == kind && j == job).count();
            if n != 1 {
                return Err(format!("{kind} of {job}: {n} entries in {shown:?}"));
            }
        }
        app.screenshot("changes").await?;
        // Seen: the badge is gone once we leave.
        app.click("[data-action='view-history']").await?;
        if let Some(b) = unread_badge(&app).await? {
            return Err(format!("unread badge {b} after seeing the changes"));
        }

        // The filter narrows to a kind (the first-sync line stays as context).
        app.click("[data-action='view-changes']").await?;
        app.wait_for("[data-testid='change-filter']", T).await?;
        choose(&app, "[data-testid='change-filter']", "renamed").await?;
        let deadline = std::time::Instant::now() + T;
        loop {
            let kinds: Vec<String> = entries(&app).await?.into_iter().map(|(k, _)| k).collect();
            if kinds == ["jobRenamed", "firstSync"] {
                break;
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("filtered to renamed: {kinds:?}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // An entry opens its job, whose History shows the change.
        app.click(&format!("[data-testid='change-entry'][data-job='{rename_j}'] [data-action='open-change']"))
            .await?;
        app.wait_for(&format!("[data-testid='job-detail'][data-id='{rename_j}']"), T)
            .await?;
        app.wait_text("#detail-title", "Chief Kite Officer", T).await?;
        app.wait_for("[data-testid='job-history-entry'][data-kind='jobRenamed']", T)
            .await?;
        let history = app.text("[data-testid='job-history']").await?;
        if !history.contains("Renamed from") {
            return Err(format!("the job's history: {history:?}"));
        }
        // Its opening, from expand: ["openings"].
        let state = app
            .eval("const o = document.querySelector(\"[data-testid='opening']\"); return o ? o.dataset.state : null")
            .await?;
        if state != Value::String("Open".into()) {
            return Err(format!("the job's opening state: {state}"));
        }
        app.eval("document.querySelector(\"[data-testid='job-history']\").scrollIntoView({block: 'center'}); return true")
            .await?;
        app.screenshot("job-history").await?;

        // History: the trend chart has the runs' totals.
        app.click("[data-action='view-history']").await?;
        app.wait_for("[data-testid='trend-chart']", T).await?;
        let points = app
            .eval("return document.querySelector(\"[data-testid='trend-chart']\").dataset.points")
            .await?;
        if points.as_str().and_then(|p| p.parse::<u32>().ok()).unwrap_or(0) < 1 {
            return Err(format!("the trend chart has {points} points"));
        }
        app.screenshot("history-trend").await?;
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}
