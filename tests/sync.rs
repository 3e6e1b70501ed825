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

impl Harness {
    async fn new(jobs: usize) -> Harness {
        let fake = fake(jobs).await;
        let key = fake.keys().full;
        Harness::with_key(fake, key, EngineConfig::default())
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
        ..EngineConfig::default()
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

    h.fake.push_fault("jobPosting.info", Fault::Status(502), 50);
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Failed);
    assert_eq!(s.error_code.map(ErrorCode::as_str), Some("server_error"));
    h.fake.clear_faults();
    // The jobs pass committed; the postings pass didn't.
    let now = snapshot(&h.db());
    assert_eq!(now.postings, before.postings);
    assert_ne!(now.jobs, before.jobs);

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
