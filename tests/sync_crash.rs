//! `ashby-sync sync` in a child process, killed with SIGKILL at random points (seeded) — during
//! the lists, right after a list (while its pass is being committed), during the descriptions —
//! 20 times. Every time the cache passes `PRAGMA integrity_check` and the next sync converges
//! exactly to the fake's data: the rows, the sync tokens (each at the fake's current mark, as a
//! fresh sync's) and the search index (every probe search finds what a fresh cache finds).
//!
//! "Inside a commit" is observed, not assumed: commits run in `BEGIN IMMEDIATE` transactions,
//! so while the child writes, a probe connection cannot take the write lock; the kill is sent
//! the moment the probe finds it taken, and those kills are counted and asserted.
//!
//! And a first sync killed half-way through its descriptions keeps every description it
//! stored: the next sync fetches only the missing ones.
#![cfg(unix)]

mod sync_support;

use ashby_sync_core::ashby::JobStatus;
use ashby_sync_core::store::{JobQuery, JobSort, Store, MAX_PAGE_SIZE};
use base64::Engine as _;
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::{Duration, Instant};
use sync_support::*;
use tokio::process::{Child, Command};

const ITERATIONS: usize = 20;

fn sync_cmd(base_url: &str, key: &str, data: &Path, full: bool) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ashby-sync"));
    cmd.arg("sync");
    if full {
        cmd.arg("--full");
    }
    cmd.env("ASHBY_API_BASE_URL", base_url)
        .env("ASHBY_API_KEY", key)
        .env("ASHBY_SYNC_DATA_DIR", data)
        .env("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", "0")
        // Descriptions one by one, so the kills land in a long description phase.
        .env("ASHBY_SYNC_PUBLIC_BOARD", "off")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/ashby-sync-test-bus",
        )
        .env_remove("ASHBY_SYNC_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    cmd
}

async fn wait_for(fake: &fake_ashby::FakeAshby, endpoint: &str, n: usize, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while fake.count(endpoint) < n {
        if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Whether another connection is inside a write transaction on the cache right now: a probe
/// `BEGIN IMMEDIATE` that may not wait finds the write lock taken.
fn writer_busy(probe: &rusqlite::Connection) -> bool {
    match probe.execute_batch("BEGIN IMMEDIATE") {
        Ok(()) => {
            let _ = probe.execute_batch("ROLLBACK");
            false
        }
        Err(e) => e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy),
    }
}

/// Polls [`writer_busy`] for up to `window`; `true` as soon as the child is seen writing.
async fn until_writing(db: &Path, window: Duration, child: &mut Child) -> bool {
    let deadline = Instant::now() + window;
    let mut probe: Option<rusqlite::Connection> = None;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if probe.is_none() && db.exists() {
            probe = rusqlite::Connection::open(db).ok();
            if let Some(p) = &probe {
                let _ = p.busy_timeout(Duration::ZERO);
            }
        }
        if probe.as_ref().is_some_and(writer_busy) {
            return true;
        }
        tokio::time::sleep(Duration::from_micros(100)).await;
    }
    false
}

/// Each list stream's sync token, decoded: (stream, change mark) as the fake issued it.
fn token_marks(db: &Path) -> BTreeMap<String, (String, u64)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT stream, sync_token FROM sync_state WHERE sync_token IS NOT NULL")
        .unwrap();
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows.into_iter()
        .map(|(stream, token)| {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(token.trim())
                .expect("the fake's tokens are base64url JSON");
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let s = v["s"].as_str().unwrap_or_default().to_string();
            let m = v["m"].as_u64().expect("a change mark");
            (stream, (s, m))
        })
        .collect()
}

/// What each probe search finds (all statuses), as job ids.
fn search_results(db: &Path, probes: &BTreeSet<String>) -> BTreeMap<String, Vec<String>> {
    let store = Store::open(db).unwrap().store;
    probes
        .iter()
        .map(|p| {
            let page = store
                .list_jobs(&JobQuery {
                    search: Some(p.clone()),
                    statuses: JobStatus::KNOWN.to_vec(),
                    sort: Some(JobSort::Title),
                    limit: Some(MAX_PAGE_SIZE),
                    ..Default::default()
                })
                .unwrap();
            let mut ids: Vec<String> = page.rows.into_iter().map(|r| r.id).collect();
            ids.sort();
            (p.clone(), ids)
        })
        .collect()
}

/// FTS5's own consistency check of every search index.
fn fts_integrity_ok(db: &Path) -> bool {
    let conn = rusqlite::Connection::open(db).unwrap();
    ["jobs_fts", "jobs_names_fts", "jobs_titles_fts"]
        .iter()
        .all(|t| {
            conn.execute_batch(&format!("INSERT INTO {t} ({t}) VALUES ('integrity-check')"))
                .is_ok()
        })
}

/// When the jobs stream last committed (tells whether a kill came before or after that commit).
fn jobs_last_success(db: &Path) -> Option<String> {
    let conn = rusqlite::Connection::open(db).ok()?;
    conn.query_row(
        "SELECT last_success_at FROM sync_state WHERE stream = 'jobs'",
        [],
        |r| r.get(0),
    )
    .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_points_never_corrupts_and_the_next_sync_converges() {
    let started = Instant::now();
    let fake = fake(250).await;
    fake.set_latency(Duration::from_millis(1));
    let key = fake.keys().full;
    let base = fake.base_url();
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("ashby-sync.sqlite3");
    let mut rng = fastrand::Rng::with_seed(0x5EED_2026);

    // How long an uninterrupted full sync takes here (scratch cache), to spread the kills over.
    let scratch = tempfile::tempdir().unwrap();
    let t0 = Instant::now();
    let out = sync_cmd(&base, &key, scratch.path(), false)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let full_time = t0.elapsed();

    let mut killed_mid_run = 0;
    let mut killed_in_commit = 0;
    let mut jobs_committed_before_kill = 0;
    // Words the edits below write into titles and descriptions: the search probes.
    let mut probes: BTreeSet<String> = BTreeSet::new();
    for i in 0..ITERATIONS {
        // Give every run real work to write.
        if i > 0 {
            let ds = fake.dataset();
            for _ in 0..40 {
                let j = &ds.jobs[rng.usize(..ds.jobs.len())];
                let n = rng.u32(..);
                fake.edit_job(&j.id, |j| j.title = format!("Role {n}"));
                probes.insert(n.to_string());
            }
            let live: Vec<_> = ds
                .postings
                .iter()
                .filter(|p| p.is_published && !p.is_deleted)
                .collect();
            for _ in 0..8 {
                let p = live[rng.usize(..live.len())];
                let n = rng.u32(..);
                probes.insert(format!("v{n}"));
                fake.edit_posting(&p.id, |p| {
                    p.description_html = format!("<p>Version v{n}</p><script>x()</script>");
                    p.description_plain = format!("Version v{n}");
                });
            }
            if i % 3 == 0 {
                fake.create_job(&format!("New role {i}"));
            }
            if i % 7 == 0 {
                fake.expire_all_tokens();
            }
        }
        let ds = fake.dataset();
        let job_pages = ds.jobs.len().div_ceil(100);
        let published = ds
            .postings
            .iter()
            .filter(|p| p.is_published && !p.is_deleted)
            .count();
        // Kill points cycle with i % 4; full and incremental runs alternate in blocks of four.
        let full = (i / 4) % 2 == 0;
        let window = if full { 25_000 } else { 6_000 };
        let (lists0, infos0) = (fake.count("job.list"), fake.count("jobPosting.info"));

        let jobs_synced_before = jobs_last_success(&db);
        let mut child = sync_cmd(&base, &key, data.path(), full).spawn().unwrap();
        // Where to kill: anywhere, or just as a pass's last response arrives, the moment the
        // child is seen inside its commit.
        let mut in_commit = false;
        match i % 4 {
            0 => {
                let span = if full { full_time } else { full_time / 4 };
                let d = rng.u64(..=span.as_micros() as u64);
                tokio::time::sleep(Duration::from_micros(d)).await;
            }
            1 => {
                let pages = if full { job_pages } else { 1 };
                wait_for(&fake, "job.list", lists0 + pages, &mut child).await;
                in_commit = until_writing(&db, Duration::from_micros(window), &mut child).await;
            }
            2 => {
                let n = if full { published } else { 8 };
                wait_for(&fake, "jobPosting.info", infos0 + n, &mut child).await;
                in_commit = until_writing(&db, Duration::from_micros(window), &mut child).await;
            }
            _ => {
                wait_for(&fake, "job.list", lists0 + 1, &mut child).await;
                tokio::time::sleep(Duration::from_micros(rng.u64(..5_000))).await;
            }
        }
        child.start_kill().ok(); // SIGKILL, right after the probe saw the write lock taken
        let running = child.wait().await.unwrap().signal() == Some(9);
        if running {
            killed_mid_run += 1;
        }
        if in_commit && running {
            killed_in_commit += 1;
        }

        if db.exists() {
            assert!(integrity_ok(&db), "iteration {i}: integrity_check failed");
        }
        let jobs_committed = jobs_last_success(&db) != jobs_synced_before;
        if running && jobs_committed {
            jobs_committed_before_kill += 1;
        }
        eprintln!(
            "iteration {i}: kill point {}, full {full}, mid-run {running}, in a commit {in_commit}, jobs pass committed first {jobs_committed}",
            i % 4
        );
        {
            let out = Store::open(&db).unwrap();
            assert!(
                out.recovered_from.is_none(),
                "iteration {i}: cache had to be rebuilt"
            );
            assert!(out.store.integrity_ok().unwrap());
        }

        // The next sync (incremental or full) converges exactly.
        let out = sync_cmd(&base, &key, data.path(), i % 3 == 1)
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "iteration {i}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        snapshot(&db).assert_eq(&expected(&fake.dataset(), true), &format!("iteration {i}"));
        // Tokens and search index as a fresh cache synced now has them.
        let fresh = tempfile::tempdir().unwrap();
        let out = sync_cmd(&base, &key, fresh.path(), true)
            .output()
            .await
            .unwrap();
        assert!(out.status.success(), "iteration {i}: fresh sync");
        let fresh_db = fresh.path().join("ashby-sync.sqlite3");
        let marks = token_marks(&db);
        assert_eq!(
            marks.len(),
            3,
            "iteration {i}: a token per list stream: {marks:?}"
        );
        assert_eq!(marks, token_marks(&fresh_db), "iteration {i}: sync tokens");
        assert!(fts_integrity_ok(&db), "iteration {i}: FTS integrity-check");
        let found = search_results(&db, &probes);
        assert_eq!(
            found,
            search_results(&fresh_db, &probes),
            "iteration {i}: search index"
        );
        let store = Store::open(&db).unwrap().store;
        let hist = store.sync_history(2).unwrap();
        assert!(hist[0].result.is_some());
        assert!(
            hist.iter().all(|r| r.result.is_some()),
            "killed runs are closed as interrupted"
        );
    }
    assert!(
        killed_mid_run >= ITERATIONS * 3 / 4,
        "only {killed_mid_run} of {ITERATIONS} kills hit a running sync"
    );
    // Kill points 1 and 2 (10 of the 20) aim at a commit; most must land inside one.
    assert!(
        killed_in_commit >= ITERATIONS / 4,
        "only {killed_in_commit} of {ITERATIONS} kills landed inside a commit"
    );
    // Some kills came after the jobs pass had committed, some before it.
    assert!(
        jobs_committed_before_kill > 0 && jobs_committed_before_kill < killed_mid_run,
        "jobs pass committed before {jobs_committed_before_kill} of {killed_mid_run} kills"
    );
    eprintln!(
        "{ITERATIONS} kills ({killed_mid_run} mid-run, {killed_in_commit} inside a commit, \
         {jobs_committed_before_kill} after the jobs commit) in {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_descriptions_keeps_them_and_the_next_sync_fetches_only_the_rest() {
    let fake = fake(400).await;
    fake.set_latency(Duration::from_millis(3));
    let key = fake.keys().full;
    let base = fake.base_url();
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("ashby-sync.sqlite3");
    let published = expected(&fake.dataset(), true).postings.len();
    assert!(published > 200, "{published}");

    let mut child = sync_cmd(&base, &key, data.path(), false).spawn().unwrap();
    wait_for(&fake, "jobPosting.info", published / 2, &mut child).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "the sync ended before the kill"
    );
    child.start_kill().ok(); // SIGKILL
    let _ = child.wait().await;
    assert!(integrity_ok(&db));
    let kept = described(&db);
    // Stored in batches of 50 (or every 2 s) as they arrived.
    assert!(
        kept.len() + 50 + 2 >= published / 2,
        "kept {} of {} fetched",
        kept.len(),
        published / 2
    );

    fake.reset_log();
    let out = sync_cmd(&base, &key, data.path(), false)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let fetched = info_requests(&fake);
    assert_eq!(
        fetched.len(),
        published - kept.len(),
        "only the missing ones"
    );
    assert!(fetched.iter().all(|id| !kept.contains(id)));
    snapshot(&db).assert_eq(&expected(&fake.dataset(), true), "after the resumed sync");
}
