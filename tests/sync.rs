//! The sync engine against the fake Ashby server over real HTTP, with real SQLite files.

mod sync_support;

use ashby_sync_core::error::ErrorCode;
use ashby_sync_core::store::{RunResult, Stream, StreamCounts, StreamOutcome, Trigger};
use ashby_sync_core::sync::{
    Engine, EngineConfig, ManualWallClock, NoProgress, SyncProgress, SyncSummary,
};
use fake_ashby::{FakeAshby, Fault, Module};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use sync_support::*;

struct Harness {
    fake: FakeAshby,
    dir: tempfile::TempDir,
    engine: Engine,
    key: String,
}

/// Descriptions one by one (`jobPosting.info`), as most tests here count them.
fn info_only() -> EngineConfig {
    EngineConfig {
        use_public_board: false,
        ..EngineConfig::default()
    }
}

impl Harness {
    async fn new(jobs: usize) -> Harness {
        let fake = fake(jobs).await;
        let key = fake.keys().full;
        Harness::with_key(fake, key, info_only())
    }

    fn with_key(fake: FakeAshby, key: String, cfg: EngineConfig) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store = open_store(dir.path());
        let (client, _clock) = client(&fake, &key);
        let engine = Engine::with_config(client, store, cfg);
        Harness {
            fake,
            dir,
            engine,
            key,
        }
    }

    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("ashby-sync.sqlite3")
    }

    async fn sync(&self) -> SyncSummary {
        self.engine.run(Trigger::Manual, false, &NoProgress).await
    }

    fn assert_converged(&self, what: &str) {
        snapshot(&self.db()).assert_eq(&expected(&self.fake.dataset(), true), what);
    }
}

fn streams_full(s: &SyncSummary) -> Vec<(Stream, bool)> {
    s.streams.iter().map(|x| (x.stream, x.full)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_of_2000_jobs_equals_the_dataset() {
    let h = Harness::new(2000).await;
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    assert!(s
        .streams
        .iter()
        .all(|x| x.full && x.outcome == StreamOutcome::Ok));
    let ds = h.fake.dataset();
    let exp = expected(&ds, true);
    assert_eq!(exp.jobs.len(), 2000);
    snapshot(&h.db()).assert_eq(&exp, "after the first full sync");
    assert_eq!(
        s.counts(Stream::Jobs),
        StreamCounts {
            inserted: 2000,
            updated: 0,
            removed: 0
        }
    );
    assert_eq!(
        s.counts(Stream::Postings).inserted as usize,
        exp.postings.len()
    );
    // One description request per published posting, nothing else.
    let infos = info_requests(&h.fake);
    assert_eq!(infos.len(), exp.postings.len());
    assert_eq!(
        infos.iter().collect::<BTreeSet<_>>(),
        exp.postings.keys().collect::<BTreeSet<_>>()
    );
    assert_eq!(s.requests as usize, h.fake.count("*"));

    // The XSS canary's description is stored sanitized.
    let store = h.engine.store();
    let canary = ds
        .jobs
        .iter()
        .find(|j| j.title == fake_ashby::CANARY_TITLE)
        .unwrap();
    let detail = store.job_detail(&canary.id).unwrap().unwrap();
    let html = detail.postings[0].description_html.clone().unwrap();
    for bad in ["<script", "onerror", "javascript:", "<iframe", "<img"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    // The query API sees the same data.
    let page = store
        .list_jobs(&ashby_sync_core::store::JobQuery {
            search: Some("rust engineer platform".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(page.rows.iter().any(|r| r.id == canary.id));

    // Nothing changed: the next run is incremental, writes nothing and fetches no description.
    h.fake.reset_log();
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok);
    assert!(
        s.streams.iter().all(|x| x.counts.total() == 0),
        "{}",
        s.one_line()
    );
    assert_eq!(
        streams_full(&s),
        [
            (Stream::Departments, false),
            (Stream::Locations, false),
            (Stream::Jobs, false),
            (Stream::Postings, true)
        ]
    );
    assert_eq!(h.fake.count("jobPosting.info"), 0);
    let job_list = h
        .fake
        .requests()
        .into_iter()
        .find(|r| r.endpoint == "job.list")
        .unwrap();
    assert!(
        job_list.body.get("syncToken").is_some(),
        "incremental pass sends the token"
    );
    assert_eq!(
        job_list.body["status"],
        json!(["Draft", "Open", "Closed", "Archived"])
    );
    assert_eq!(
        job_list.body["includeUnpublishedJobPostingsIds"],
        json!(true)
    );
    h.assert_converged("after a no-op sync");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_sync_converges_after_mutations() {
    let h = Harness::new(300).await;
    assert_eq!(h.sync().await.result, RunResult::Ok);
    let before = h.fake.dataset();
    let cached_before = expected(&before, true).postings;

    // Pick targets among open jobs with published postings.
    let published = |job_id: &str| -> Vec<String> {
        before
            .postings
            .iter()
            .filter(|p| p.job_id == job_id && p.is_published && !p.is_deleted)
            .map(|p| p.id.clone())
            .collect()
    };
    let open_with_postings: Vec<String> = before
        .jobs
        .iter()
        .skip(5)
        .filter(|j| j.status == fake_ashby::model::JobStatus::Open && !published(&j.id).is_empty())
        .map(|j| j.id.clone())
        .collect();
    assert!(open_with_postings.len() >= 6);
    let (edit_p, unpub_p, del_p) = (
        published(&open_with_postings[0])[0].clone(),
        published(&open_with_postings[1])[0].clone(),
        published(&open_with_postings[2])[0].clone(),
    );
    let close_j = open_with_postings[3].clone();
    let archive_j = open_with_postings[4].clone();
    let retitle_j = open_with_postings[5].clone();
    let dept = before
        .departments
        .iter()
        .find(|d| !d.is_archived && d.parent_id.is_none())
        .unwrap()
        .id
        .clone();

    let new_job = h.fake.create_job("Robotics Technician");
    h.fake
        .edit_job(&retitle_j, |j| j.title = "Principal Widget Wrangler".into());
    h.fake.close_job(&close_j);
    h.fake.archive_job(&archive_j);
    h.fake.edit_posting(&edit_p, |p| {
        p.title = "Edited posting title".into();
        p.description_html = "<p>New <em>text</em><script>bad()</script></p>".into();
        p.description_plain = "New text".into();
    });
    h.fake.unpublish_posting(&unpub_p);
    h.fake.delete_posting(&del_p);
    h.fake.archive_department(&dept);
    h.fake.reset_log();

    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    assert!(
        s.streams.iter().take(3).all(|x| !x.full),
        "incremental: {}",
        s.one_line()
    );
    h.assert_converged("after mutations");

    let after = h.fake.dataset();
    let exp_after = expected(&after, true).postings;
    // Exactly the new and the edited postings needed a description.
    let want: BTreeSet<String> = exp_after
        .iter()
        .filter(|(id, p)| cached_before.get(*id).map(|b| &b["updatedAt"]) != Some(&p["updatedAt"]))
        .map(|(id, _)| id.clone())
        .collect();
    assert!(want.contains(&edit_p));
    assert!(after
        .jobs
        .iter()
        .find(|j| j.id == new_job)
        .unwrap()
        .job_posting_ids
        .iter()
        .all(|p| want.contains(p)));
    assert_eq!(want.len(), 2, "{want:?}");
    let got: Vec<String> = info_requests(&h.fake);
    assert_eq!(got.len(), want.len(), "no posting fetched twice: {got:?}");
    assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), want);

    let c = s.counts(Stream::Jobs);
    assert_eq!((c.inserted, c.removed), (1, 0));
    assert!(c.updated >= 3, "{c:?}");
    assert_eq!(s.counts(Stream::Departments).updated, 1);
    let p = s.counts(Stream::Postings);
    assert_eq!(p.inserted, 1);
    assert_eq!(p.updated, 1);
    assert!(
        p.removed >= 3,
        "unpublished, deleted and the closed/archived jobs' postings: {p:?}"
    );

    // The edit is visible through the query API, sanitized.
    let detail = h
        .engine
        .store()
        .job_detail(&open_with_postings[0])
        .unwrap()
        .unwrap();
    let edited = detail
        .postings
        .iter()
        .find(|x| x.posting.id == edit_p)
        .unwrap();
    assert_eq!(edited.posting.title, "Edited posting title");
    assert_eq!(
        edited.description_html.as_deref(),
        Some("<p>New <em>text</em></p>")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_tokens_and_too_large_increments_recover_with_full_passes() {
    let h = Harness::new(250).await;
    assert_eq!(h.sync().await.result, RunResult::Ok);

    // Expired tokens: every token stream falls back to a full pass, the run still succeeds.
    h.fake.create_job("Token Expiry Specialist");
    h.fake.expire_all_tokens();
    h.fake.reset_log();
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    assert!(s.streams.iter().all(|x| x.full), "{}", s.one_line());
    h.assert_converged("after token expiry");
    let jl: Vec<_> = h
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "job.list")
        .collect();
    assert!(jl[0].body.get("syncToken").is_some());
    assert!(
        jl[1].body.get("syncToken").is_none() && jl[1].body.get("cursor").is_none(),
        "restarted from page 1 without the token"
    );

    // Too many changes for an incremental pass.
    let ids: Vec<String> = h
        .fake
        .dataset()
        .jobs
        .iter()
        .take(220)
        .map(|j| j.id.clone())
        .collect();
    for id in &ids {
        h.fake
            .edit_job(id, |j| j.title = format!("{} (edited)", j.title));
    }
    h.fake.set_incremental_page_cap(1);
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    let jobs = s.streams.iter().find(|x| x.stream == Stream::Jobs).unwrap();
    assert!(jobs.full);
    assert_eq!(jobs.counts.updated, 220);
    h.assert_converged("after incremental_sync_too_large");
    h.fake.set_incremental_page_cap(50);

    // A stale cursor restarts the pass (bounded), the token is kept.
    h.fake
        .edit_job(&ids[0], |j| j.title = "Cursor Tester".into());
    h.fake.push_fault(
        "job.list",
        Fault::ErrorsArrayOnly(json!("next_cursor_expired")),
        2,
    );
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    assert!(
        !s.streams
            .iter()
            .find(|x| x.stream == Stream::Jobs)
            .unwrap()
            .full
    );
    h.assert_converged("after cursor restarts");
    h.fake.push_fault(
        "job.list",
        Fault::ErrorsArrayOnly(json!("invalid_next_cursor")),
        10,
    );
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Failed);
    assert_eq!(s.error_code.map(ErrorCode::as_str), Some("cursor_invalid"));
    h.fake.clear_faults();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daily_full_pass_reconciles_removed_rows() {
    let fake = fake(150).await;
    let key = fake.keys().full;
    let clock = Arc::new(ManualWallClock::new(chrono::Utc::now()));
    let cfg = EngineConfig {
        clock: clock.clone(),
        ..info_only()
    };
    let h = Harness::with_key(fake, key, cfg);
    assert_eq!(h.sync().await.result, RunResult::Ok);
    let confidential = expected(&h.fake.dataset(), true).jobs.len()
        - expected(&h.fake.dataset(), false).jobs.len();
    assert!(confidential > 0);
    // The key loses confidential access: incremental passes can't tell, the daily full pass can.
    h.fake.set_confidential_access(&h.key, false);
    clock.advance(chrono::Duration::hours(2));
    let s = h.sync().await;
    assert_eq!(s.counts(Stream::Jobs).removed, 0);
    clock.advance(chrono::Duration::hours(23));
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok);
    assert!(s.streams.iter().all(|x| x.full), "{}", s.one_line());
    assert_eq!(s.counts(Stream::Jobs).removed as usize, confidential);
    snapshot(&h.db()).assert_eq(
        &expected(&h.fake.dataset(), false),
        "after the daily full pass",
    );
}

/// The last full pass is stamped in the future (the clock was set back 5 days after it): it
/// counts as "now", logged, so the daily reconciling pass comes a day later, not in six days.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_pass_stamped_in_the_future_counts_as_now_for_the_daily_pass() {
    let fake = fake(40).await;
    let key = fake.keys().full;
    let now = chrono::Utc::now();
    let clock = Arc::new(ManualWallClock::new(now + chrono::Duration::days(5)));
    let cfg = EngineConfig {
        clock: clock.clone(),
        ..EngineConfig::default()
    };
    let h = Harness::with_key(fake, key, cfg);
    assert!(h.sync().await.streams.iter().all(|x| x.full));
    clock.set(now);
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok);
    assert!(s
        .streams
        .iter()
        .filter(|x| x.stream != Stream::Postings)
        .all(|x| !x.full));
    let jobs = h.engine.store().stream_state(Stream::Jobs).unwrap();
    assert!(
        jobs.last_full_sync_at.unwrap() <= now,
        "clamped to now: {:?}",
        jobs.last_full_sync_at
    );
    let history = h.engine.store().sync_history(5).unwrap();
    assert!(
        history.iter().all(|r| r.finished_at.unwrap() <= now),
        "{history:?}"
    );
    clock.advance(chrono::Duration::hours(25));
    let s = h.sync().await;
    assert!(s.streams.iter().all(|x| x.full), "{}", s.one_line());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_lost_mid_run_is_partial() {
    let h = Harness::new(300).await;
    assert_eq!(h.sync().await.result, RunResult::Ok);
    let before = snapshot(&h.db());

    // Organization read removed: departments and locations skipped, jobs still sync.
    h.fake
        .set_key_permission(&h.key, Module::Organization, false);
    let new_job = h.fake.create_job("Permission Tester");
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Partial, "{}", s.one_line());
    assert_eq!(
        s.missing_modules,
        [ashby_sync_core::ashby::Module::Organization]
    );
    let outcomes: Vec<&str> = s.streams.iter().map(|x| x.outcome.as_str()).collect();
    assert_eq!(outcomes, ["skipped", "skipped", "ok", "ok"]);
    assert!(h.engine.store().job_detail(&new_job).unwrap().is_some());
    h.fake
        .set_key_permission(&h.key, Module::Organization, true);

    // Jobs read revoked while the job list is being paged.
    h.fake.expire_all_tokens(); // force a full, multi-page job pass
    h.fake.set_latency(Duration::from_millis(30));
    let fake = h.fake.clone();
    let key = h.key.clone();
    let flipper = tokio::spawn(async move {
        while fake.count("job.list") < 3 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        fake.set_key_permission(&key, Module::Jobs, false);
    });
    let before_jobs = snapshot(&h.db()).jobs;
    let s = h.sync().await;
    flipper.await.unwrap();
    assert_eq!(s.result, RunResult::Partial, "{}", s.one_line());
    assert_eq!(s.missing_modules, [ashby_sync_core::ashby::Module::Jobs]);
    let outcomes: Vec<&str> = s.streams.iter().map(|x| x.outcome.as_str()).collect();
    assert_eq!(outcomes, ["ok", "ok", "skipped", "skipped"]);
    assert_eq!(
        snapshot(&h.db()).jobs,
        before_jobs,
        "the interrupted job pass left the jobs as they were"
    );
    let hist = h.engine.store().sync_history(1).unwrap();
    assert_eq!(hist[0].result, Some(RunResult::Partial));
    assert!(hist[0].error_message.as_deref().unwrap().contains("Jobs"));
    let _ = before;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_key_stops_and_is_marked_invalid() {
    let h = Harness::new(60).await;
    assert_eq!(h.sync().await.result, RunResult::Ok);
    let before = snapshot(&h.db());
    h.fake.revoke_key(&h.key);
    h.fake.reset_log();
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Failed);
    assert!(s.needs_key);
    assert_eq!(s.error_code.map(ErrorCode::as_str), Some("invalid_key"));
    let outcomes: Vec<&str> = s.streams.iter().map(|x| x.outcome.as_str()).collect();
    assert_eq!(outcomes, ["failed", "not_run", "not_run", "not_run"]);
    assert_eq!(h.fake.count("*"), 1, "stopped at the first rejection");
    let store = h.engine.store();
    assert_eq!(
        store.key_invalid().unwrap().unwrap().code,
        ErrorCode::InvalidKey
    );
    assert!(store.schedule_facts().unwrap().key_invalid);
    snapshot(&h.db()).assert_eq(&before, "cache kept after the key was revoked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_storms_and_server_errors_are_retried() {
    let h = Harness::new(120).await;
    h.fake.push_fault(
        "department.list",
        Fault::RateLimited {
            retry_after: Some(2),
            partner_scope: false,
        },
        3,
    );
    h.fake.push_fault("job.list", Fault::Status(503), 2);
    h.fake.push_fault(
        "job.list",
        Fault::RateLimited {
            retry_after: None,
            partner_scope: true,
        },
        2,
    );
    h.fake.push_fault("jobPosting.info", Fault::Status(500), 3);
    h.fake
        .push_fault("jobPosting.list", Fault::ConnectionReset, 1);
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    h.assert_converged("after retried faults");
    assert!(s.requests as usize >= h.fake.count("*"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_429_or_5xx_fail_the_run_and_keep_the_cache() {
    let h = Harness::new(120).await;
    assert_eq!(h.sync().await.result, RunResult::Ok);
    h.fake.create_job("Never Synced Role");
    let before = snapshot(&h.db());
    let token_before = h
        .engine
        .store()
        .stream_state(Stream::Jobs)
        .unwrap()
        .sync_token;

    h.fake.push_fault(
        "job.list",
        Fault::RateLimited {
            retry_after: Some(1),
            partner_scope: false,
        },
        50,
    );
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Failed);
    assert_eq!(s.error_code.map(ErrorCode::as_str), Some("rate_limited"));
    assert!(!s.needs_key);
    h.fake.clear_faults();
    snapshot(&h.db()).assert_eq(&before, "after a 429 storm");
    assert_eq!(
        h.engine
            .store()
            .stream_state(Stream::Jobs)
            .unwrap()
            .sync_token,
        token_before
    );
    assert_eq!(
        h.engine
            .store()
            .stream_state(Stream::Jobs)
            .unwrap()
            .last_error_code
            .map(ErrorCode::as_str),
        Some("rate_limited")
    );

    h.fake.reset_log();
    h.fake
        .push_fault("jobPosting.info", Fault::Status(502), 1000);
    let s = h.sync().await;
    // One description was needed and it kept failing: that posting is named, the rest of the
    // run stored.
    assert_eq!(s.result, RunResult::Partial, "{}", s.one_line());
    assert_eq!(s.error_code.map(ErrorCode::as_str), Some("server_error"));
    let postings = s
        .streams
        .iter()
        .find(|x| x.stream == Stream::Postings)
        .unwrap();
    assert_eq!(postings.outcome, StreamOutcome::Partial);
    assert_eq!(postings.problems.len(), 1);
    assert_eq!(
        h.fake.count("jobPosting.info"),
        4,
        "one posting, 1 + 3 retries"
    );
    h.fake.clear_faults();
    // The jobs pass committed, and the posting list did; every stored description stayed.
    let now = snapshot(&h.db());
    assert_ne!(now.jobs, before.jobs);
    for (id, p) in &before.postings {
        assert_eq!(now.postings.get(id), Some(p), "posting {id} changed");
    }
    let new_posting = now
        .postings
        .iter()
        .find(|(id, _)| !before.postings.contains_key(*id))
        .expect("the new job's posting is listed");
    assert_eq!(new_posting.1["descriptionHtml"], json!(null));

    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok);
    h.assert_converged("after recovery");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_json_fails_the_run_and_leaves_the_cache_unchanged() {
    let h = Harness::new(150).await;
    assert_eq!(h.sync().await.result, RunResult::Ok);
    let before = snapshot(&h.db());
    let states_before = h.engine.store().stream_states().unwrap();
    h.fake.create_job("Truncation Tester");
    h.fake
        .edit_department(&h.fake.dataset().departments[0].id.clone(), |d| {
            d.name = "Renamed".into()
        });

    h.fake
        .push_fault("department.list", Fault::TruncatedJson, 1);
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Failed);
    assert_eq!(s.error_code.map(ErrorCode::as_str), Some("decode_error"));
    snapshot(&h.db()).assert_eq(&before, "after truncated JSON");
    let states = h.engine.store().stream_states().unwrap();
    for st in Stream::ALL {
        assert_eq!(
            states[&st].sync_token, states_before[&st].sync_token,
            "{st:?} token untouched"
        );
    }

    // Mid-pass: the second page of a full job pass is cut off.
    h.fake.expire_all_tokens();
    let fake = h.fake.clone();
    let arm = tokio::spawn(async move {
        // 1: the expired token, 2: page 1 of the full pass, 3: page 2 — cut that one.
        while fake.count("job.list") < 3 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        fake.push_fault("job.list", Fault::TruncatedJson, 1);
    });
    h.fake.set_latency(Duration::from_millis(20));
    let jobs_before = snapshot(&h.db()).jobs;
    let s = h.sync().await;
    arm.await.unwrap();
    h.fake.set_latency(Duration::ZERO);
    assert_eq!(s.result, RunResult::Failed, "{}", s.one_line());
    assert_eq!(snapshot(&h.db()).jobs, jobs_before);

    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok);
    h.assert_converged("after recovery");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_is_throttled_and_history_recorded() {
    let h = Harness::new(200).await;
    h.fake.set_latency(Duration::from_millis(10));
    let events: Arc<Mutex<Vec<(tokio::time::Instant, SyncProgress)>>> = Arc::default();
    let sink = {
        let events = events.clone();
        move |p: &SyncProgress| {
            events
                .lock()
                .unwrap()
                .push((tokio::time::Instant::now(), p.clone()))
        }
    };
    let s = h.engine.run(Trigger::Startup, false, &sink).await;
    assert_eq!(s.result, RunResult::Ok);
    let ev = events.lock().unwrap().clone();
    assert!(ev.len() >= 3, "{ev:?}");
    for w in ev.windows(2) {
        assert!(
            w[1].0.duration_since(w[0].0) >= Duration::from_millis(100),
            "more than 10 events/s"
        );
    }
    assert!(ev.iter().any(
        |(_, p)| p.stage == ashby_sync_core::sync::SyncStage::Descriptions && p.total.is_some()
    ));
    let hist = h.engine.store().sync_history(5).unwrap();
    assert_eq!(hist.len(), 1);
    assert_eq!(hist[0].trigger, Trigger::Startup);
    assert_eq!(hist[0].result, Some(RunResult::Ok));
    assert_eq!(hist[0].requests, s.requests);
    assert_eq!(hist[0].streams, s.streams);
    let status = h.engine.store().status().unwrap();
    assert_eq!(
        status.counts.jobs as usize,
        expected(&h.fake.dataset(), true).jobs.len()
    );
    assert_eq!(status.last_success_at, Some(s.finished_at));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_first_sync_resumes_with_only_the_missing_descriptions() {
    let h = Harness::new(300).await;
    let published = expected(&h.fake.dataset(), true).postings.len();
    assert!(published > 150, "{published}");
    // The network goes away after 100 descriptions.
    h.fake
        .push_fault_after("jobPosting.info", 100, Fault::ConnectionReset, 100_000);
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Failed, "{}", s.one_line());
    assert_eq!(s.error_code.map(ErrorCode::as_str), Some("network"));
    // It stopped at once: the posting in hand and those in flight, each with its retries.
    let attempts = h.fake.count("jobPosting.info");
    assert!(attempts <= 100 + 4 * 4, "{attempts} attempts");
    let kept = described(&h.db());
    assert!(kept.len() >= 100 - 4, "kept only {}", kept.len());
    // Lists and postings are stored; the jobs view works offline already.
    assert_eq!(snapshot(&h.db()).postings.len(), published);

    h.fake.clear_faults();
    h.fake.reset_log();
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    let fetched: Vec<String> = info_requests(&h.fake);
    assert_eq!(
        fetched.len(),
        published - kept.len(),
        "only the missing ones"
    );
    assert!(
        fetched.iter().all(|id| !kept.contains(id)),
        "nothing fetched twice"
    );
    h.assert_converged("after the resumed sync");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_failures_in_a_row_stop_the_description_phase_at_once() {
    let h = Harness::new(200).await;
    let published = expected(&h.fake.dataset(), true).postings.len();
    h.fake
        .push_fault_after("jobPosting.info", 30, Fault::Status(502), 100_000);
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Failed, "{}", s.one_line());
    assert_eq!(s.error_code.map(ErrorCode::as_str), Some("server_error"));
    // Three postings in a row (4 attempts each) plus what was in flight, not every posting.
    let attempts = h.fake.count("jobPosting.info");
    assert!(
        attempts <= 30 + 4 * (3 + 4),
        "{attempts} attempts for {published} postings"
    );
    assert!(described(&h.db()).len() >= 30 - 4);
    h.fake.clear_faults();
    assert_eq!(h.sync().await.result, RunResult::Ok);
    h.assert_converged("after the outage");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_posting_that_always_fails_is_named_and_retried_next_run() {
    let h = Harness::new(150).await;
    let ds = h.fake.dataset();
    let bad = expected(&ds, true).postings.keys().nth(5).unwrap().clone();
    h.fake.fail_posting_info(&bad, Some(500));
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Partial, "{}", s.one_line());
    let postings = s
        .streams
        .iter()
        .find(|x| x.stream == Stream::Postings)
        .unwrap();
    assert_eq!(postings.outcome, StreamOutcome::Partial);
    assert_eq!(postings.problems.len(), 1);
    assert_eq!(postings.problems[0].id.as_deref(), Some(bad.as_str()));
    assert_eq!(postings.problems[0].code, ErrorCode::ServerError);
    let msg = s.error_message.clone().unwrap();
    assert!(msg.contains(&bad) && msg.contains("next sync"), "{msg}");
    // The other streams and every other description are stored.
    assert!(s
        .streams
        .iter()
        .filter(|x| x.stream != Stream::Postings)
        .all(|x| x.outcome == StreamOutcome::Ok));
    let exp = expected(&ds, true);
    let kept = described(&h.db());
    assert_eq!(kept.len(), exp.postings.len() - 1);
    assert!(!kept.contains(&bad));
    // The history keeps which posting and why.
    let hist = h.engine.store().sync_history(1).unwrap();
    assert_eq!(hist[0].result, Some(RunResult::Partial));
    assert_eq!(hist[0].streams, s.streams);

    // Next run: only that posting is fetched again.
    h.fake.fail_posting_info(&bad, None);
    h.fake.reset_log();
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    assert_eq!(info_requests(&h.fake), vec![bad]);
    h.assert_converged("after the posting healed");
}

fn with_board() -> EngineConfig {
    EngineConfig {
        board_min_postings: 1,
        ..EngineConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_path_and_the_info_path_give_identical_caches() {
    let fake = fake(400).await;
    let key = fake.keys().full;
    let by_info = Harness::with_key(fake.clone(), key.clone(), info_only());
    let s = by_info.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    let info_calls = info_requests(&fake).len();

    fake.reset_log();
    let by_board = Harness::with_key(fake.clone(), key, EngineConfig::default());
    let s = by_board.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    assert_eq!(fake.count(ashby_sync_core::ashby::board::BOARD_ENDPOINT), 1);
    let ds = fake.dataset();
    let exp = expected(&ds, true);
    // The board has the listed postings of non-confidential jobs; the rest go one by one.
    let confidential: BTreeSet<&str> = ds
        .jobs
        .iter()
        .filter(|j| j.confidential)
        .map(|j| j.id.as_str())
        .collect();
    let off_board: BTreeSet<String> = ds
        .postings
        .iter()
        .filter(|p| exp.postings.contains_key(&p.id))
        .filter(|p| !p.is_listed || confidential.contains(p.job_id.as_str()))
        .map(|p| p.id.clone())
        .collect();
    assert!(!off_board.is_empty());
    let fetched: BTreeSet<String> = info_requests(&fake).into_iter().collect();
    assert_eq!(fetched, off_board);
    assert!(
        fetched.len() < info_calls / 2,
        "{} vs {info_calls}",
        fetched.len()
    );

    let a = snapshot(&by_info.db());
    snapshot(&by_board.db()).assert_eq(&a, "board vs info");
    a.assert_eq(&exp, "info vs the dataset");
    // The board's ETag is kept: the next board request says If-None-Match.
    let etag = by_board.engine.store().board_etag("northwind").unwrap();
    assert!(etag.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_just_edited_posting_goes_through_info_even_when_the_board_has_it() {
    let fake = fake(200).await;
    let key = fake.keys().full;
    let ds = fake.dataset();
    let confidential: BTreeSet<&str> = ds
        .jobs
        .iter()
        .filter(|j| j.confidential)
        .map(|j| j.id.as_str())
        .collect();
    let listed = ds
        .postings
        .iter()
        .find(|p| {
            p.is_published
                && !p.is_deleted
                && p.is_listed
                && !confidential.contains(p.job_id.as_str())
        })
        .unwrap()
        .id
        .clone();
    // Edited just now: Ashby's board may still show the old text for a minute.
    fake.edit_posting(&listed, |p| {
        p.description_html = "<p>Edited a moment ago</p>".into();
        p.description_plain = "Edited a moment ago".into();
    });
    let h = Harness::with_key(fake.clone(), key, with_board());
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    assert_eq!(fake.count(ashby_sync_core::ashby::board::BOARD_ENDPOINT), 1);
    assert!(info_requests(&fake).contains(&listed));
    h.assert_converged("with a fresh edit");

    // Only that one changed, just now: no board request, one jobPosting.info.
    fake.reset_log();
    fake.edit_posting(&listed, |p| p.description_plain = "Edited again".into());
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    assert_eq!(fake.count(ashby_sync_core::ashby::board::BOARD_ENDPOINT), 0);
    assert_eq!(info_requests(&fake), vec![listed]);
    h.assert_converged("after the second edit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_is_asked_with_its_etag_and_a_304_falls_back_to_info() {
    let fake = fake(150).await;
    let key = fake.keys().full;
    let h = Harness::with_key(fake.clone(), key, with_board());
    assert_eq!(h.sync().await.result, RunResult::Ok);
    let etag = h.engine.store().board_etag("northwind").unwrap().unwrap();
    // One listed description goes missing from the cache (as after an interrupted write).
    let board_posting = {
        let conn = rusqlite::Connection::open(h.db()).unwrap();
        let id: String = conn
            .query_row(
                "SELECT id FROM job_postings WHERE is_listed ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute(
            "UPDATE job_postings SET description_updated_at = NULL WHERE id = ?1",
            [&id],
        )
        .unwrap();
        id
    };
    fake.reset_log();
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    let asked: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == ashby_sync_core::ashby::board::BOARD_ENDPOINT)
        .collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].headers.get("if-none-match"), Some(&etag));
    assert_eq!(asked[0].status, 304);
    assert!(!asked[0].headers.contains_key("authorization"));
    assert_eq!(asked[0].key, None, "no key is sent to the public board");
    assert_eq!(info_requests(&fake), vec![board_posting]);
    h.assert_converged("after the 304");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_that_is_404_empty_or_another_orgs_falls_back_to_info() {
    let board = ashby_sync_core::ashby::board::BOARD_ENDPOINT;
    let other_org = json!({"apiVersion": "1", "jobs": [
        {"id": "5f0c-other-1", "descriptionHtml": "<p>Not ours</p>", "descriptionPlain": "Not ours"},
        {"id": "5f0c-other-2", "descriptionHtml": "<p>Not ours</p>", "descriptionPlain": "Not ours"}
    ]});
    let answers = [
        ("404", Fault::Status(404)),
        (
            "empty",
            Fault::Raw {
                status: 200,
                headers: vec![],
                body: json!({"apiVersion": "1", "jobs": []}),
            },
        ),
        (
            "another organisation's",
            Fault::Raw {
                status: 200,
                headers: vec![],
                body: other_org,
            },
        ),
        ("unreachable", Fault::ConnectionReset),
    ];
    let fake = fake(120).await;
    let key = fake.keys().full;
    for (what, fault) in answers {
        fake.clear_faults();
        fake.reset_log();
        // Every attempt (retries included) gets the fault.
        fake.push_fault(board, fault, 10);
        let h = Harness::with_key(fake.clone(), key.clone(), with_board());
        let s = h.sync().await;
        assert_eq!(s.result, RunResult::Ok, "{what}: {}", s.one_line());
        assert!(fake.count(board) >= 1, "{what}: the board was asked");
        let exp = expected(&fake.dataset(), true);
        assert_eq!(info_requests(&fake).len(), exp.postings.len(), "{what}");
        h.assert_converged(what);
        assert_eq!(
            h.engine.store().board_etag("northwind").unwrap(),
            None,
            "{what}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_fields_the_app_does_not_store_never_fail_a_job_and_unreadable_rows_are_skipped() {
    let h = Harness::new(120).await;
    let ds = h.fake.dataset();
    let jobs = expected(&ds, true);
    let mut ids = jobs.jobs.keys();
    let (a, b, c) = (
        ids.next().unwrap().clone(),
        ids.next().unwrap().clone(),
        ids.next().unwrap().clone(),
    );
    h.fake.set_job_raw_field(&a, "author", json!({"id": null}));
    h.fake.set_job_raw_field(
        &b,
        "compensation",
        json!({"compensationTiers": [{"components": [{"minValue": "81000", "maxValue": "n/a"}]}]}),
    );
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    h.assert_converged("odd author and compensation");

    // A row that cannot be read at all (a title that is an object) is skipped and named; the
    // rest of its page is stored, and a full pass does not remove the cached row.
    h.fake.edit_job(&c, |j| j.title = "Renamed".into());
    h.fake.edit_job(&a, |j| j.title = "Also renamed".into());
    h.fake.set_job_raw_field(&c, "title", json!({"en": "?"}));
    let s = h.engine.run(Trigger::Manual, true, &NoProgress).await;
    assert_eq!(s.result, RunResult::Partial, "{}", s.one_line());
    let jobs_stream = s.streams.iter().find(|x| x.stream == Stream::Jobs).unwrap();
    assert_eq!(jobs_stream.outcome, StreamOutcome::Partial);
    assert_eq!(jobs_stream.problems.len(), 1);
    assert_eq!(jobs_stream.problems[0].id.as_deref(), Some(c.as_str()));
    assert_eq!(jobs_stream.problems[0].code, ErrorCode::DecodeError);
    assert!(s.error_message.as_deref().unwrap().contains(&c));
    let snap = snapshot(&h.db());
    assert_eq!(snap.jobs[&a]["title"], json!("Also renamed"));
    assert!(snap.jobs.contains_key(&c), "the unreadable job is kept");
    assert_eq!(snap.jobs.len(), jobs.jobs.len());
    let hist = h.engine.store().sync_history(1).unwrap();
    assert_eq!(hist[0].streams, s.streams);
}

/// The first sync stores the posting list before the jobs: whenever jobs are in the cache, so
/// are their postings, so posting counts and Listed/Unlisted are right while descriptions load.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_sync_stores_the_postings_before_the_jobs_appear() {
    use ashby_sync_core::ashby::JobStatus;
    use ashby_sync_core::store::JobQuery;
    let h = Harness::new(200).await;
    let store = h.engine.store().clone();
    let every_status = JobQuery {
        statuses: JobStatus::KNOWN.to_vec(),
        ..Default::default()
    };
    // At every progress report: (jobs, postings, jobs with a listed posting) in the cache.
    let seen: Arc<Mutex<Vec<(u32, u32, u32)>>> = Arc::default();
    let sink = {
        let (seen, store, q) = (seen.clone(), store.clone(), every_status.clone());
        move |_: &SyncProgress| {
            let counts = store.status().unwrap().counts;
            let listed = store.job_facets(&q).unwrap().listed;
            seen.lock()
                .unwrap()
                .push((counts.jobs, counts.postings, listed));
        }
    };
    let cfg = EngineConfig {
        progress_interval: Duration::ZERO,
        ..info_only()
    };
    let (client, _clock) = client(&h.fake, &h.key);
    let engine = Engine::with_config(client, store.clone(), cfg);
    let s = engine.run(Trigger::Manual, false, &sink).await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    let listed_at_end = store.job_facets(&every_status).unwrap().listed;
    assert!(listed_at_end > 0, "the fake lists some postings");
    let seen = seen.lock().unwrap().clone();
    let with_jobs: Vec<_> = seen.iter().filter(|(jobs, _, _)| *jobs > 0).collect();
    assert!(
        with_jobs.len() > 1,
        "jobs were seen in the cache while the sync still ran: {seen:?}"
    );
    for (jobs, postings, listed) in with_jobs {
        assert!(
            *postings > 0,
            "{jobs} jobs cached before any posting: {seen:?}"
        );
        assert_eq!(
            *listed, listed_at_end,
            "Listed was wrong mid-sync: {seen:?}"
        );
    }
    // Listed once: the postings pass took the list stored ahead of the jobs.
    let exp = expected(&h.fake.dataset(), true);
    assert_eq!(
        store.status().unwrap().counts.postings as usize,
        exp.postings.len()
    );
    assert_eq!(
        s.streams
            .iter()
            .find(|x| x.stream == Stream::Postings)
            .map(|x| x.counts.inserted),
        Some(exp.postings.len() as u32)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_tells_the_phase_done_total_and_time_left() {
    let h = Harness::new(120).await;
    let events: Arc<Mutex<Vec<SyncProgress>>> = Arc::default();
    let sink = {
        let events = events.clone();
        move |p: &SyncProgress| events.lock().unwrap().push(p.clone())
    };
    let cfg = EngineConfig {
        progress_interval: Duration::ZERO,
        ..info_only()
    };
    // A client with its own budget (6,000/min = 100/s): the estimate has a rate from the start.
    let client = ashby_sync_core::ashby::Client::new(
        ashby_sync_core::ashby::ApiKey::parse(&h.key).unwrap(),
        ashby_sync_core::ashby::ClientConfig {
            rate_limit_per_minute: 6000,
            ..ashby_sync_core::ashby::ClientConfig::with_base_url(h.fake.base_url())
        },
    )
    .unwrap();
    let engine = Engine::with_config(client, h.engine.store().clone(), cfg);
    let s = engine.run(Trigger::Manual, false, &sink).await;
    assert_eq!(s.result, RunResult::Ok);
    let ev = events.lock().unwrap().clone();
    let total = expected(&h.fake.dataset(), true).postings.len() as u32;
    let desc: Vec<&SyncProgress> = ev
        .iter()
        .filter(|p| p.stage == ashby_sync_core::sync::SyncStage::Descriptions)
        .collect();
    assert!(desc.iter().all(|p| p.total == Some(total)));
    assert_eq!(desc.last().unwrap().items, total);
    assert_eq!(desc.last().unwrap().eta_secs, Some(0));
    // Every estimate: what is left at no more than 100 per second, never less.
    for p in &desc {
        let left = u64::from(total - p.items);
        let eta = u64::from(p.eta_secs.expect("an estimate"));
        assert!(eta >= left / 100, "{p:?}");
    }
    let first = desc[0];
    assert_eq!(first.eta_secs, Some((total - first.items).div_ceil(100)));
}

/// The `job.list` requests the fake received, in order: `(sent a cursor, HTTP status)`.
fn job_list_requests(fake: &FakeAshby) -> Vec<(bool, u16)> {
    fake.requests()
        .iter()
        .filter(|r| r.endpoint == "job.list")
        .map(|r| {
            (
                r.body.get("cursor").is_some_and(|c| c.is_string()),
                r.status,
            )
        })
        .collect()
}

fn staged_pages(db: &std::path::Path, stream: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT count(*) FROM list_stage WHERE stream = ?1",
        [stream],
        |r| r.get(0),
    )
    .unwrap()
}

/// A first sync whose `job.list` pass dies (network gone) after 4 of its 10 pages.
async fn cut_off_job_list() -> Harness {
    let h = Harness::new(1_000).await;
    h.fake
        .push_fault_after("job.list", 4, Fault::ConnectionReset, 100_000);
    let s = h.sync().await;
    assert_ne!(s.result, RunResult::Ok, "{}", s.one_line());
    let jobs = s.streams.iter().find(|x| x.stream == Stream::Jobs).unwrap();
    assert_eq!(jobs.outcome, StreamOutcome::Failed, "{jobs:?}");
    // The pages it got are kept; no token was stored for the broken pass.
    assert_eq!(staged_pages(&h.db(), "jobs"), 4);
    assert!(
        snapshot(&h.db()).jobs.is_empty(),
        "a broken pass commits nothing"
    );
    h.fake.clear_faults();
    h.fake.reset_log();
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_pass_cut_off_half_way_continues_from_its_cursor() {
    let h = cut_off_job_list().await;
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    // Only the 6 pages it did not have, the first of them from the kept cursor.
    let sent = job_list_requests(&h.fake);
    assert_eq!(sent.len(), 6, "{sent:?}");
    assert!(
        sent.iter()
            .all(|(cursor, status)| *cursor && *status == 200),
        "{sent:?}"
    );
    h.assert_converged("after the resumed pass");
    assert_eq!(
        staged_pages(&h.db(), "jobs"),
        0,
        "the committed pass drops its pages"
    );

    // The token came with the pass: the next sync is incremental and converges too.
    h.fake
        .edit_job(&h.fake.dataset().jobs[3].id, |j| j.title = "Renamed".into());
    h.fake.reset_log();
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    assert!(
        !streams_full(&s).contains(&(Stream::Jobs, true)),
        "{:?}",
        streams_full(&s)
    );
    assert_eq!(job_list_requests(&h.fake).len(), 1);
    h.assert_converged("after the incremental pass");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_cursor_ashby_rejects_restarts_the_pass_cleanly() {
    let h = cut_off_job_list().await;
    // The kept cursor has expired meanwhile.
    h.fake.expire_all_tokens();
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    let sent = job_list_requests(&h.fake);
    // One request on the rejected cursor, then the whole pass from page one.
    assert_eq!(sent.len(), 1 + 10, "{sent:?}");
    assert!(sent[0].0, "the first request continues the kept cursor");
    assert!(!sent[1].0, "then page one, without a cursor");
    h.assert_converged("after the restarted pass");
    assert_eq!(staged_pages(&h.db(), "jobs"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_pages_are_not_continued_when_resuming_is_off() {
    let h = cut_off_job_list().await;
    let mut cfg = info_only();
    cfg.resume_list_passes = false;
    let store = open_store(h.dir.path());
    let (client, _clock) = client(&h.fake, &h.key);
    let engine = Engine::with_config(client, store, cfg);
    let s = engine.run(Trigger::Manual, false, &NoProgress).await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    let sent = job_list_requests(&h.fake);
    assert_eq!(sent.len(), 10, "{sent:?}");
    assert!(!sent[0].0);
    h.assert_converged("without resuming");
}
