//! Change records, openings and the history trend: the sync engine against the fake Ashby
//! server over real HTTP, with real SQLite files and a controlled wall clock.

mod sync_support;

use ashby_sync_core::store::{
    ChangeKind, ChangeQuery, ChangeRecord, JobQuery, RunResult, Trigger, CHANGE_RETENTION_DAYS,
};
use ashby_sync_core::sync::{Engine, EngineConfig, ManualWallClock, NoProgress, SyncSummary};
use chrono::{DateTime, Duration, Utc};
use fake_ashby::model::{Dataset, JobStatus};
use fake_ashby::{FakeAshby, KeySpec};
use std::sync::Arc;
use sync_support::*;

struct Harness {
    fake: FakeAshby,
    _dir: tempfile::TempDir,
    engine: Engine,
    clock: Arc<ManualWallClock>,
}

fn t0() -> DateTime<Utc> {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

impl Harness {
    /// A cache after its first sync, through a key without confidential access (so making a
    /// job confidential takes it out of the key's view: "removed").
    async fn synced(jobs: usize) -> Harness {
        let fake = fake(jobs).await;
        let key = fake.add_key(KeySpec::read_all("changes"));
        let dir = tempfile::tempdir().unwrap();
        let store = open_store(dir.path());
        let (client, _) = client(&fake, &key);
        let clock = Arc::new(ManualWallClock::new(t0()));
        let cfg = EngineConfig {
            use_public_board: false,
            clock: clock.clone(),
            ..EngineConfig::default()
        };
        let h = Harness {
            fake,
            _dir: dir,
            engine: Engine::with_config(client, store, cfg),
            clock,
        };
        let first = h.sync().await;
        assert_eq!(first.result, RunResult::Ok, "{}", first.one_line());
        h
    }

    async fn sync(&self) -> SyncSummary {
        self.clock.advance(Duration::minutes(1));
        self.engine.run(Trigger::Manual, false, &NoProgress).await
    }

    async fn sync_full(&self) -> SyncSummary {
        self.clock.advance(Duration::minutes(1));
        self.engine.run(Trigger::Manual, true, &NoProgress).await
    }

    /// The changes the run recorded, oldest first.
    fn run_changes(&self, s: &SyncSummary) -> Vec<ChangeRecord> {
        assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
        let run = s.run_id.unwrap();
        let mut rows: Vec<ChangeRecord> = self
            .engine
            .store()
            .changes(&ChangeQuery {
                limit: 1000,
                ..Default::default()
            })
            .unwrap()
            .rows
            .into_iter()
            .filter(|c| c.run_id == run)
            .collect();
        rows.reverse();
        rows
    }

    fn all_changes(&self) -> Vec<ChangeRecord> {
        self.engine
            .store()
            .changes(&ChangeQuery {
                limit: 1000,
                ..Default::default()
            })
            .unwrap()
            .rows
    }

    fn ds(&self) -> Dataset {
        self.fake.dataset()
    }

    /// A visible Open job with at least one published posting, the `n`-th such.
    fn open_job(&self, n: usize) -> String {
        let ds = self.ds();
        ds.jobs
            .iter()
            .filter(|j| j.status == JobStatus::Open && !j.confidential)
            .filter(|j| {
                ds.postings
                    .iter()
                    .any(|p| p.job_id == j.id && p.is_published && !p.is_deleted)
            })
            .nth(n)
            .expect("enough open jobs with postings")
            .id
            .clone()
    }

    fn published_postings(&self, job: &str) -> Vec<String> {
        self.ds()
            .postings
            .iter()
            .filter(|p| p.job_id == job && p.is_published && !p.is_deleted)
            .map(|p| p.id.clone())
            .collect()
    }
}

fn kinds(rows: &[ChangeRecord]) -> Vec<ChangeKind> {
    rows.iter().map(|c| c.kind).collect()
}

/// Exactly one record of `kind`, and it is about `job` (and `posting`).
fn one_of<'a>(
    rows: &'a [ChangeRecord],
    kind: ChangeKind,
    job: &str,
    posting: Option<&str>,
) -> &'a ChangeRecord {
    let of_kind: Vec<&ChangeRecord> = rows.iter().filter(|c| c.kind == kind).collect();
    assert_eq!(
        of_kind.len(),
        1,
        "one {kind:?} expected, got {:?}",
        kinds(rows)
    );
    let c = of_kind[0];
    assert_eq!(c.job_id.as_deref(), Some(job));
    assert_eq!(c.posting_id.as_deref(), posting);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_sync_records_one_summary_line_and_no_rows() {
    let h = Harness::synced(120).await;
    let rows = h.all_changes();
    assert_eq!(kinds(&rows), [ChangeKind::FirstSync], "{rows:?}");
    let status = h.engine.store().status().unwrap();
    let first = rows[0].first_sync.unwrap();
    assert_eq!(first.jobs, status.counts.jobs);
    assert_eq!(first.postings, status.counts.postings);
    assert!(first.jobs > 50, "{first:?}");
    let summary = h.engine.store().changes_summary(rows[0].run_id).unwrap();
    assert_eq!(
        summary.headline,
        format!(
            "First sync: {} jobs, {} postings",
            first.jobs, first.postings
        )
    );
    // Unread: the one line, until seen.
    assert_eq!(h.engine.store().unread_changes().unwrap(), 1);
    h.engine.store().mark_changes_seen(rows[0].id).unwrap();
    assert_eq!(h.engine.store().unread_changes().unwrap(), 0);
    // The mark never moves back.
    h.engine.store().mark_changes_seen(0).unwrap();
    assert_eq!(h.engine.store().unread_changes().unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_without_changes_records_nothing() {
    let h = Harness::synced(80).await;
    let s = h.sync().await;
    assert!(h.run_changes(&s).is_empty());
    // A full reconciling pass that finds everything in place records nothing either.
    let s = h.sync_full().await;
    assert!(h.run_changes(&s).is_empty());
    assert_eq!(h.all_changes().len(), 1, "only the first-sync line");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_added() {
    let h = Harness::synced(60).await;
    let id = h.fake.create_job("Rocket Surgeon");
    let s = h.sync().await;
    let rows = h.run_changes(&s);
    let c = one_of(&rows, ChangeKind::JobAdded, &id, None);
    assert_eq!(c.job_title.as_deref(), Some("Rocket Surgeon"));
    // Its new posting is published with it; nothing else.
    let posting = h.published_postings(&id)[0].clone();
    one_of(&rows, ChangeKind::PostingPublished, &id, Some(&posting));
    assert_eq!(rows.len(), 2, "{:?}", kinds(&rows));
    let summary = h.engine.store().changes_summary(s.run_id.unwrap()).unwrap();
    assert_eq!(summary.headline, "1 new job, 1 posting published");
    // Once: the next sync records nothing.
    assert!(h.run_changes(&h.sync().await).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_closed_with_its_postings_unpublished() {
    let h = Harness::synced(60).await;
    let id = h.open_job(0);
    let postings = h.published_postings(&id);
    h.fake.close_job(&id);
    let rows = h.run_changes(&h.sync().await);
    let c = one_of(&rows, ChangeKind::JobClosed, &id, None);
    assert_eq!(
        (c.old_value.as_deref(), c.new_value.as_deref()),
        (Some("Open"), Some("Closed"))
    );
    // Ashby unpublishes a closed job's postings: each once.
    let unpublished: Vec<&str> = rows
        .iter()
        .filter(|c| c.kind == ChangeKind::PostingUnpublished)
        .filter_map(|c| c.posting_id.as_deref())
        .collect();
    let mut expected: Vec<&str> = postings.iter().map(String::as_str).collect();
    expected.sort();
    let mut got = unpublished.clone();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(rows.len(), 1 + postings.len(), "{:?}", kinds(&rows));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_archived() {
    let h = Harness::synced(60).await;
    let id = h.open_job(1);
    h.fake.archive_job(&id);
    let rows = h.run_changes(&h.sync().await);
    let c = one_of(&rows, ChangeKind::JobArchived, &id, None);
    assert_eq!(
        (c.old_value.as_deref(), c.new_value.as_deref()),
        (Some("Open"), Some("Archived"))
    );
    assert_eq!(
        rows.iter()
            .filter(|c| c.kind != ChangeKind::PostingUnpublished)
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_reopened_back_to_draft_and_opened() {
    let h = Harness::synced(60).await;
    let id = h.open_job(2);
    h.fake.close_job(&id);
    h.sync().await;

    h.fake.edit_job(&id, |j| j.status = JobStatus::Open);
    let rows = h.run_changes(&h.sync().await);
    let c = one_of(&rows, ChangeKind::JobReopened, &id, None);
    assert_eq!(
        (c.old_value.as_deref(), c.new_value.as_deref()),
        (Some("Closed"), Some("Open"))
    );
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));

    h.fake.edit_job(&id, |j| j.status = JobStatus::Draft);
    let rows = h.run_changes(&h.sync().await);
    one_of(&rows, ChangeKind::JobBackToDraft, &id, None);
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));

    h.fake.edit_job(&id, |j| j.status = JobStatus::Open);
    let rows = h.run_changes(&h.sync().await);
    let c = one_of(&rows, ChangeKind::JobOpened, &id, None);
    assert_eq!(
        (c.old_value.as_deref(), c.new_value.as_deref()),
        (Some("Draft"), Some("Open"))
    );
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_renamed() {
    let h = Harness::synced(60).await;
    let id = h.open_job(0);
    let old = h
        .ds()
        .jobs
        .iter()
        .find(|j| j.id == id)
        .unwrap()
        .title
        .clone();
    h.fake
        .edit_job(&id, |j| j.title = "Principal Tea Taster".into());
    let rows = h.run_changes(&h.sync().await);
    let c = one_of(&rows, ChangeKind::JobRenamed, &id, None);
    assert_eq!(c.old_value.as_deref(), Some(old.as_str()));
    assert_eq!(c.new_value.as_deref(), Some("Principal Tea Taster"));
    assert_eq!(c.job_title.as_deref(), Some("Principal Tea Taster"));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn department_changed() {
    let h = Harness::synced(60).await;
    let id = h.open_job(1);
    let ds = h.ds();
    let job = ds.jobs.iter().find(|j| j.id == id).unwrap();
    let other = ds
        .departments
        .iter()
        .find(|d| Some(&d.id) != job.department_id.as_ref() && !d.is_archived)
        .unwrap();
    let old_name = ds
        .departments
        .iter()
        .find(|d| Some(&d.id) == job.department_id.as_ref())
        .map(|d| d.name.clone());
    let new_id = other.id.clone();
    h.fake.edit_job(&id, |j| j.department_id = Some(new_id));
    let rows = h.run_changes(&h.sync().await);
    let c = one_of(&rows, ChangeKind::DepartmentChanged, &id, None);
    assert_eq!(c.old_value, old_name);
    assert_eq!(c.new_value.as_deref(), Some(other.name.as_str()));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn location_changed() {
    let h = Harness::synced(60).await;
    let id = h.open_job(2);
    let ds = h.ds();
    let job = ds.jobs.iter().find(|j| j.id == id).unwrap();
    let other = ds
        .locations
        .iter()
        .find(|l| Some(&l.id) != job.location_id.as_ref() && !l.is_archived)
        .unwrap();
    let new_id = other.id.clone();
    h.fake.edit_job(&id, |j| j.location_id = Some(new_id));
    let rows = h.run_changes(&h.sync().await);
    let c = one_of(&rows, ChangeKind::LocationChanged, &id, None);
    assert_eq!(c.new_value.as_deref(), Some(other.name.as_str()));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
}

/// A job the key can no longer see is found missing by the full reconciling pass, not before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_removed_by_a_full_pass() {
    let h = Harness::synced(60).await;
    let id = h.open_job(0);
    let title = h
        .ds()
        .jobs
        .iter()
        .find(|j| j.id == id)
        .unwrap()
        .title
        .clone();
    let postings = h.published_postings(&id);
    h.fake.edit_job(&id, |j| j.confidential = true);
    let incremental = h.run_changes(&h.sync().await);
    assert!(
        incremental.iter().all(|c| c.kind != ChangeKind::JobRemoved),
        "{:?}",
        kinds(&incremental)
    );
    let rows = h.run_changes(&h.sync_full().await);
    let c = one_of(&rows, ChangeKind::JobRemoved, &id, None);
    // The title survives the job.
    assert_eq!(c.job_title.as_deref(), Some(title.as_str()));
    // Its postings left the published list the run before (the job was still cached then, so
    // they read as unpublished): each once.
    let gone: usize = incremental
        .iter()
        .chain(&rows)
        .filter(|c| {
            matches!(
                c.kind,
                ChangeKind::PostingRemoved | ChangeKind::PostingUnpublished
            )
        })
        .count();
    assert_eq!(gone, postings.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posting_published() {
    let h = Harness::synced(60).await;
    let job = h.open_job(1);
    let p = h.fake.add_posting(&job, "Second posting");
    let rows = h.run_changes(&h.sync().await);
    let c = one_of(&rows, ChangeKind::PostingPublished, &job, Some(&p));
    assert_eq!(c.posting_title.as_deref(), Some("Second posting"));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posting_unpublished() {
    let h = Harness::synced(60).await;
    let job = h.open_job(2);
    let p = h.published_postings(&job)[0].clone();
    h.fake.unpublish_posting(&p);
    let rows = h.run_changes(&h.sync().await);
    one_of(&rows, ChangeKind::PostingUnpublished, &job, Some(&p));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posting_removed() {
    let h = Harness::synced(60).await;
    let job = h.open_job(0);
    let p = h.published_postings(&job)[0].clone();
    h.fake.delete_posting(&p);
    let rows = h.run_changes(&h.sync().await);
    one_of(&rows, ChangeKind::PostingRemoved, &job, Some(&p));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posting_unlisted_and_listed() {
    let h = Harness::synced(60).await;
    let job = h.open_job(1);
    let p = h.published_postings(&job)[0].clone();
    h.fake.edit_posting(&p, |x| x.is_listed = false);
    let rows = h.run_changes(&h.sync().await);
    one_of(&rows, ChangeKind::PostingUnlisted, &job, Some(&p));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
    h.fake.edit_posting(&p, |x| x.is_listed = true);
    let rows = h.run_changes(&h.sync().await);
    one_of(&rows, ChangeKind::PostingListed, &job, Some(&p));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posting_renamed() {
    let h = Harness::synced(60).await;
    let job = h.open_job(2);
    let p = h.published_postings(&job)[0].clone();
    h.fake
        .edit_posting(&p, |x| x.title = "Renamed posting".into());
    let rows = h.run_changes(&h.sync().await);
    let c = one_of(&rows, ChangeKind::PostingRenamed, &job, Some(&p));
    assert_eq!(c.new_value.as_deref(), Some("Renamed posting"));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compensation_changed() {
    let h = Harness::synced(60).await;
    let job = h.open_job(0);
    let p = h.published_postings(&job)[0].clone();
    h.fake.edit_posting(&p, |x| {
        x.compensation_tier_summary = Some("€90K – €110K".into())
    });
    let rows = h.run_changes(&h.sync().await);
    let c = one_of(&rows, ChangeKind::CompensationChanged, &job, Some(&p));
    assert_eq!(c.new_value.as_deref(), Some("€90K – €110K"));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
}

/// Recorded when the new description is committed (its batch), once: a run that stores the
/// same description again records nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn description_edited_once() {
    let h = Harness::synced(60).await;
    let job = h.open_job(1);
    let p = h.published_postings(&job)[0].clone();
    h.fake.edit_posting(&p, |x| {
        x.description_html = "<p>We now also brew coffee.</p>".into();
        x.description_plain = "We now also brew coffee.".into();
        x.description_parts.description_body.html = x.description_html.clone();
        x.description_parts.description_body.plain = x.description_plain.clone();
    });
    let rows = h.run_changes(&h.sync().await);
    one_of(&rows, ChangeKind::DescriptionEdited, &job, Some(&p));
    assert_eq!(rows.len(), 1, "{:?}", kinds(&rows));
    // Bumped without a new text: fetched again, nothing recorded.
    h.fake.edit_posting(&p, |_| {});
    assert!(h.run_changes(&h.sync().await).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_pruned_after_180_days() {
    let h = Harness::synced(60).await;
    let old_job = h.open_job(2);
    h.fake.edit_job(&old_job, |j| j.title = "Old rename".into());
    let old_run = h.sync().await;
    assert_eq!(h.run_changes(&old_run).len(), 1);

    h.clock.advance(Duration::days(CHANGE_RETENTION_DAYS - 2));
    let recent_job = h.open_job(1);
    h.fake
        .edit_job(&recent_job, |j| j.title = "Recent rename".into());
    let recent_run = h.sync().await;
    assert_eq!(h.run_changes(&recent_run).len(), 1);

    // 180 days after the old rename (and the first sync): those go, the recent one stays.
    h.clock.advance(Duration::days(2));
    let s = h.sync().await;
    assert!(h.run_changes(&s).is_empty());
    let left = h.all_changes();
    assert_eq!(kinds(&left), [ChangeKind::JobRenamed], "{left:?}");
    assert_eq!(left[0].job_id.as_deref(), Some(recent_job.as_str()));
    // The job's own history reads the same records.
    let own = h
        .engine
        .store()
        .changes(&ChangeQuery {
            job_id: Some(recent_job.clone()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(own.rows.len(), 1);
    assert!(h
        .engine
        .store()
        .changes(&ChangeQuery {
            job_id: Some(old_job),
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .rows
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_filters_by_kind_and_summarises_whole_runs() {
    let h = Harness::synced(60).await;
    let a = h.open_job(1);
    let b = h.open_job(2);
    h.fake.edit_job(&a, |j| j.title = "Renamed A".into());
    h.fake.close_job(&b);
    let s = h.sync().await;
    let feed = h
        .engine
        .store()
        .changes(&ChangeQuery {
            kinds: vec![ChangeKind::JobRenamed],
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    // The renamed job, plus the first-sync line (always shown).
    assert_eq!(
        kinds(&feed.rows),
        [ChangeKind::JobRenamed, ChangeKind::FirstSync]
    );
    let run = feed
        .runs
        .iter()
        .find(|r| Some(r.run_id) == s.run_id)
        .unwrap();
    assert_eq!(run.count(ChangeKind::JobRenamed), 1);
    assert_eq!(run.count(ChangeKind::JobClosed), 1);
    assert!(
        run.headline.starts_with("1 closed, 1 renamed"),
        "{}",
        run.headline
    );
    assert_eq!(feed.unread as usize, h.all_changes().len());
}

/// `expand: ["openings"]` reaches the cache: each job's openings with identifier, state and
/// target hire date, the list's count of open ones, and the same after an incremental change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openings_round_trip() {
    let h = Harness::synced(60).await;
    let store = h.engine.store();
    let job_list = h
        .fake
        .requests()
        .into_iter()
        .find(|r| r.endpoint == "job.list")
        .unwrap();
    assert_eq!(job_list.body["expand"], serde_json::json!(["openings"]));
    let id = h.open_job(0);
    let ds = h.ds();
    let job = ds.jobs.iter().find(|j| j.id == id).unwrap();
    let detail = store.job_detail(&id).unwrap().unwrap();
    assert_eq!(detail.job.openings.len(), 1, "{:?}", detail.job.openings);
    let o = &detail.job.openings[0];
    let expected_identifier = job
        .custom_requisition_id
        .clone()
        .unwrap_or_else(|| format!("OPN-{}", &job.id[..8]));
    assert_eq!(o.identifier.as_deref(), Some(expected_identifier.as_str()));
    assert_eq!(o.state.as_ref().map(|s| s.as_str()), Some("Open"));
    assert!(o.target_hire_date.is_some(), "{o:?}");
    assert!(o.is_open());
    let row = |id: &str| {
        store
            .list_jobs(&JobQuery {
                limit: Some(500),
                ..Default::default()
            })
            .unwrap()
            .rows
            .into_iter()
            .find(|r| r.id == id)
    };
    assert_eq!(row(&id).unwrap().open_openings, 1);

    // Filled when the job closes: the count follows.
    h.fake.close_job(&id);
    h.sync().await;
    let detail = store.job_detail(&id).unwrap().unwrap();
    assert_eq!(
        detail.job.openings[0].state.as_ref().map(|s| s.as_str()),
        Some("Filled")
    );
    let closed = store
        .list_jobs(&JobQuery {
            statuses: vec!["Closed".into()],
            limit: Some(500),
            ..Default::default()
        })
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.id == id)
        .unwrap();
    assert_eq!(closed.open_openings, 0);
}

/// Each finished run records the cache's open jobs and listed postings; the trend keeps each
/// day's last run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_record_open_jobs_and_listed_postings_for_the_trend() {
    let h = Harness::synced(60).await;
    let store = h.engine.store();
    let status = store.status().unwrap();
    let first = store.sync_history(1).unwrap()[0].clone();
    assert_eq!(first.open_jobs, Some(status.counts.open_jobs));
    assert!(status.counts.open_jobs > 0);
    assert!(first.listed_postings.unwrap() > 0);
    assert!(first.listed_postings.unwrap() <= status.counts.postings);

    // Same day: one point (the later run). Next day: a second point.
    let id = h.open_job(1);
    h.fake.close_job(&id);
    h.sync().await;
    h.clock.advance(Duration::days(1));
    h.sync().await;
    let trend = store.sync_trend(t0() - Duration::days(90)).unwrap();
    assert_eq!(trend.len(), 2, "{trend:?}");
    assert_eq!(trend[0].open_jobs, first.open_jobs.unwrap() - 1);
    assert_eq!(trend[1].open_jobs, trend[0].open_jobs);
    assert!(trend[0].at < trend[1].at);
    // Older than the window: left out.
    assert!(store
        .sync_trend(h.clock_now() + Duration::days(1))
        .unwrap()
        .is_empty());
}

impl Harness {
    fn clock_now(&self) -> DateTime<Utc> {
        use ashby_sync_core::sync::WallClock;
        self.clock.now()
    }
}

/// The digest notification's counts come from the change records: closed jobs are told apart
/// from other edits, and following a department (or its parent) counts only its jobs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digest_counts_closed_jobs_by_followed_department() {
    use ashby_sync_core::notify::digest_input;
    let h = Harness::synced(60).await;
    let ds = h.ds();
    let dept_of = |id: &str| {
        ds.jobs
            .iter()
            .find(|j| j.id == id)
            .unwrap()
            .department_id
            .clone()
            .unwrap()
    };
    let parent_of = |dept: &str| {
        ds.departments
            .iter()
            .find(|d| d.id == dept)
            .and_then(|d| d.parent_id.clone())
    };
    // A job in a team (a department with a parent), so following the parent can be checked.
    let a = (0..40)
        .map(|n| h.open_job(n))
        .find(|a| parent_of(&dept_of(a)).is_some())
        .expect("an open job in a team");
    let dept_a = dept_of(&a);
    let parent = parent_of(&dept_a).unwrap();
    let b = (1..40)
        .map(|n| h.open_job(n))
        .find(|b| dept_of(b) != dept_a)
        .expect("an open job in another department");
    h.fake.close_job(&a);
    h.fake.close_job(&b);
    let s = h.sync().await;
    assert_eq!(s.result, RunResult::Ok, "{}", s.one_line());
    let run = s.run_id.unwrap();
    let store = h.engine.store();

    let all = digest_input(store, run, &[]).unwrap();
    assert_eq!(all.total.closed_jobs, 2);
    assert_eq!(all.total.changed_jobs, 0);
    assert!(
        all.total.words().starts_with("2 closed"),
        "{}",
        all.total.words()
    );

    let followed = digest_input(store, run, std::slice::from_ref(&dept_a)).unwrap();
    assert_eq!(followed.total.closed_jobs, 2);
    let f = followed.followed.unwrap();
    assert_eq!(f.closed_jobs, 1, "only the job in the followed department");
    assert!(f.words().starts_with("1 closed"), "{}", f.words());

    // Following the department's parent counts its teams' jobs too.
    let under_parent = [&a, &b]
        .iter()
        .filter(|j| {
            let d = dept_of(j);
            d == parent || parent_of(&d).as_deref() == Some(parent.as_str())
        })
        .count() as u32;
    let up = digest_input(store, run, &[parent])
        .unwrap()
        .followed
        .unwrap();
    assert_eq!(up.closed_jobs, under_parent);
    // A department with no changed job: nothing to say.
    let none = digest_input(store, run, &["no-such-department".to_string()]).unwrap();
    assert!(none.followed.unwrap().is_empty());
}
