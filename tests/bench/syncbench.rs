//! Sections 1–3: full sync (request economy, wall time against the latency/limit floor, peak RSS),
//! the first sync with the public board (1e), resuming a cut-off first sync (1f), incremental
//! sync without changes, incremental sync after 1 % of the postings changed.

use crate::report::{mb, secs, Report, Status};
use crate::worker::RESULT_PREFIX;
use crate::{Opts, Sizes};
use fake_ashby::model::Dataset;
use fake_ashby::{FakeAshby, FakeConfig, RequestRecord};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

const RSS_BUDGET: u64 = 150_000_000;
const WALL_FACTOR: f64 = 1.25;
const REQUEST_FACTOR: f64 = 1.05;
const INCREMENTAL_WALL_BUDGET: f64 = 0.300;
const LATENCY_MS: u64 = 20;
/// `ClientConfig::default()` — the budgets use the client's own limits, read back from the worker.
const LIMITER_OFF: Option<u32> = Some(0);
const DEFAULT_LIMIT: Option<u32> = None;

/// What the worker reported.
#[derive(Debug, Clone)]
pub struct WorkerOut {
    pub wall: f64,
    pub requests: u64,
    pub peak_rss: Option<u64>,
    pub rate_per_minute: u32,
    pub concurrency: usize,
    pub summary: Value,
    /// Wall clock (seconds since the epoch) when the run started.
    pub started_at: f64,
}

impl WorkerOut {
    fn ok(&self) -> bool {
        self.summary["result"] == "ok"
    }

    fn failure(&self) -> String {
        format!(
            "sync result {} ({}: {})",
            self.summary["result"],
            self.summary["errorCode"].as_str().unwrap_or("-"),
            self.summary["errorMessage"].as_str().unwrap_or("-")
        )
    }
}

/// Where a run's time went, from the fake's request log lined up with the worker's wall clock:
/// the request span of each endpoint, and the gaps between them (the engine committing the
/// previous stream, parsing, diffing). The last response of a span falls into the next gap.
fn timeline(log: &[RequestRecord], out: &WorkerOut) -> String {
    let at = |r: &RequestRecord| {
        r.at.duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
            - out.started_at
    };
    let spans = [
        ("department.list", "departments commit"),
        ("location.list", "locations commit"),
        ("job.list", "jobs commit"),
        ("jobPosting.list", "posting list parse + diff"),
        ("jobPosting.info", "descriptions commit (sanitise + write)"),
    ];
    let mut parts = Vec::new();
    let mut prev = 0.0;
    let mut prev_gap = "start-up (open run, read state)";
    for (endpoint, gap_after) in spans {
        let times: Vec<f64> = log
            .iter()
            .filter(|r| r.endpoint == endpoint)
            .map(at)
            .collect();
        if times.is_empty() {
            continue;
        }
        let first = times.iter().copied().fold(f64::INFINITY, f64::min);
        let last = times.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        parts.push(format!("{prev_gap} {}", secs((first - prev).max(0.0))));
        parts.push(format!(
            "{endpoint} ×{} {}",
            times.len(),
            secs((last - first).max(0.0))
        ));
        prev = last;
        prev_gap = gap_after;
    }
    parts.push(format!("{prev_gap} {}", secs((out.wall - prev).max(0.0))));
    parts.join(" → ")
}

/// Runs one sync in a child process.
pub async fn run_worker(
    base_url: &str,
    key: &str,
    db: &Path,
    full: bool,
    rate_limit: Option<u32>,
    concurrency: Option<usize>,
    board: bool,
) -> Result<WorkerOut, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = tokio::process::Command::new(exe);
    cmd.arg("--worker")
        .arg("--db")
        .arg(db)
        .arg("--base-url")
        .arg(base_url)
        .env("ASHBY_API_KEY", key)
        .kill_on_drop(true);
    if full {
        cmd.arg("--full");
    }
    if let Some(r) = rate_limit {
        cmd.arg("--rate-limit").arg(r.to_string());
    }
    if let Some(c) = concurrency {
        cmd.arg("--concurrency").arg(c.to_string());
    }
    cmd.arg("--board").arg(if board { "on" } else { "off" });
    let out = cmd.output().await.map_err(|e| format!("worker: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix(RESULT_PREFIX))
        .ok_or_else(|| {
            format!(
                "worker gave no result ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )
        })?;
    let v: Value = serde_json::from_str(line).map_err(|e| format!("worker output: {e}"))?;
    Ok(WorkerOut {
        wall: v["wallSecs"].as_f64().unwrap_or(0.0),
        requests: v["requests"].as_u64().unwrap_or(0),
        peak_rss: v["peakRssBytes"].as_u64(),
        rate_per_minute: v["rateLimitPerMinute"].as_u64().unwrap_or(0) as u32,
        concurrency: v["concurrency"].as_u64().unwrap_or(1).max(1) as usize,
        started_at: v["startedAtSecs"].as_f64().unwrap_or(0.0),
        summary: v["summary"].clone(),
    })
}

/// Share of the bench organisation's postings that are listed. With the fake's 5 % of
/// confidential jobs (not on the public board either) about 85 % of the postings are on the
/// board.
const LISTED_PCT: u32 = 90;

pub async fn start_fake(sizes: &Sizes, latency: Duration) -> Result<FakeAshby, String> {
    FakeAshby::start(FakeConfig {
        jobs: sizes.jobs,
        published_postings: Some(sizes.postings),
        listed_pct: Some(LISTED_PCT),
        departments: sizes.departments,
        locations: sizes.locations,
        latency,
        ..FakeConfig::default()
    })
    .await
    .map_err(|e| format!("fake Ashby: {e}"))
}

/// The fewest requests a full sync can make: one page per 100 rows of each paginated stream
/// (at least one), the posting list, one `jobPosting.info` per posting.
#[derive(Debug, Clone, Copy)]
struct LowerBound {
    departments: u64,
    locations: u64,
    jobs: u64,
    postings: u64,
}

impl LowerBound {
    fn of(ds: &Dataset) -> LowerBound {
        // What the engine asks for: archived departments and locations, regions, every job status
        // (the full key also sees confidential jobs), every published posting.
        LowerBound {
            departments: ds.departments.len() as u64,
            locations: ds.locations.len() as u64,
            jobs: ds.jobs.len() as u64,
            postings: ds
                .postings
                .iter()
                .filter(|p| p.is_published && !p.is_deleted)
                .count() as u64,
        }
    }

    fn pages(rows: u64) -> u64 {
        rows.div_ceil(100).max(1)
    }

    fn total(&self) -> u64 {
        Self::pages(self.departments)
            + Self::pages(self.locations)
            + Self::pages(self.jobs)
            + 1
            + self.postings
    }

    fn explain(&self) -> String {
        format!(
            "{} + {} + {} pages + 1 list + {} infos",
            Self::pages(self.departments),
            Self::pages(self.locations),
            Self::pages(self.jobs),
            self.postings
        )
    }
}

/// The floor the client's own limits set: max(requests × latency ÷ concurrency, requests ÷ rate).
fn floor_secs(requests: u64, latency: Duration, concurrency: usize, per_minute: u32) -> f64 {
    let by_latency = requests as f64 * latency.as_secs_f64() / concurrency.max(1) as f64;
    let by_rate = if per_minute == 0 {
        0.0
    } else {
        requests as f64 * 60.0 / per_minute as f64
    };
    by_latency.max(by_rate)
}

fn fresh_db(opts: &Opts, name: &str) -> PathBuf {
    let p = opts.scratch_dir().join(name);
    for suffix in ["", "-wal", "-shm"] {
        let mut f = p.clone().into_os_string();
        f.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(f));
    }
    p
}

struct FullRun<'a> {
    id: &'a str,
    label: String,
    fake: &'a FakeAshby,
    latency: Duration,
    rate_limit: Option<u32>,
    db: PathBuf,
    /// Descriptions from the public board (else all by `jobPosting.info`).
    board: bool,
}

/// One full sync, measured and reported (3 rows). Returns the worker's output when it ran.
async fn full_sync(run: &FullRun<'_>) -> (Result<WorkerOut, String>, LowerBound, u64, u64, String) {
    let bound = LowerBound::of(&run.fake.dataset());
    run.fake.reset_log();
    let key = run.fake.keys().full;
    let out = run_worker(
        &run.fake.base_url(),
        &key,
        &run.db,
        true,
        run.rate_limit,
        None,
        run.board,
    )
    .await;
    let served = run.fake.count("*") as u64;
    let infos = run.fake.count("jobPosting.info") as u64;
    let when = match &out {
        Ok(o) => timeline(&run.fake.requests(), o),
        Err(_) => String::new(),
    };
    run.fake.reset_log();
    (out, bound, served, infos, when)
}

fn report_full(
    report: &mut Report,
    run: &FullRun<'_>,
    result: (Result<WorkerOut, String>, LowerBound, u64, u64, String),
) -> Option<WorkerOut> {
    let (out, bound, served, infos, when) = result;
    let what = format!("Full sync, {}", run.label);
    let out = match out {
        Ok(o) if o.ok() => o,
        Ok(o) => {
            report.error(run.id, &what, o.failure());
            return None;
        }
        Err(e) => {
            report.error(run.id, &what, e);
            return None;
        }
    };
    let lb = bound.total();
    let max_req = (lb as f64 * REQUEST_FACTOR).floor() as u64;
    report.row(
        run.id,
        format!("{what}: requests (lower bound {lb} = {})", bound.explain()),
        format!(
            "{served} served ({} sent by the client; jobPosting.info {infos})",
            out.requests
        ),
        format!("≤ 1.05 × {lb} = {max_req}"),
        Status::check(served <= max_req && out.requests <= max_req),
    );
    let floor = floor_secs(served, run.latency, out.concurrency, out.rate_per_minute);
    let limit = if out.rate_per_minute == 0 {
        "no limit".to_string()
    } else {
        format!("{}/min", out.rate_per_minute)
    };
    let floor_expr = format!(
        "floor max({served} × {} ms ÷ {}, {served} ÷ {limit})",
        run.latency.as_millis(),
        out.concurrency
    );
    if floor <= 0.0 {
        report.row(
            run.id,
            format!("{what}: wall time"),
            secs(out.wall),
            format!("{floor_expr} = 0 s: no floor, no budget (the engine's own cost)"),
            Status::Info,
        );
    } else {
        let budget = floor * WALL_FACTOR;
        report.row(
            run.id,
            format!("{what}: wall time"),
            format!("{} ({:.2} × floor)", secs(out.wall), out.wall / floor),
            format!("≤ 1.25 × {floor_expr} = {}", secs(budget)),
            Status::check(out.wall <= budget),
        );
    }
    match out.peak_rss {
        Some(rss) => report.row(
            run.id,
            format!("{what}: peak RSS of the syncing process"),
            mb(rss),
            format!("< {}", mb(RSS_BUDGET)),
            Status::check(rss < RSS_BUDGET),
        ),
        None => report.error(run.id, &what, "VmHWM unavailable"),
    }
    report.note(format!("{} ({}): {when}", run.id, run.label));
    Some(out)
}

/// Runs sections 1–3. Returns a cache holding the full data set and the fake it came from (its
/// sync tokens are only valid there), for the start-up section.
/// The fake servers (0 ms and injected latency) and the cache that run 1a built.
pub struct Fakes {
    pub cache: PathBuf,
    pub fast: FakeAshby,
    pub slow: FakeAshby,
}

pub async fn run(opts: &Opts, report: &mut Report) -> Option<Fakes> {
    let s = &opts.sizes;
    println!(
        "perf: sync — fake with {} jobs, {} postings, {} departments, {} locations",
        s.jobs, s.postings, s.departments, s.locations
    );
    let fast = match start_fake(s, Duration::ZERO).await {
        Ok(f) => f,
        Err(e) => {
            report.error("1", "Full sync", e);
            return None;
        }
    };
    let slow_latency = Duration::from_millis(LATENCY_MS);
    let slow = match start_fake(s, slow_latency).await {
        Ok(f) => f,
        Err(e) => {
            report.error("1", "Full sync", e);
            return None;
        }
    };
    let cache = fresh_db(opts, "full-0ms-nolimit.sqlite3");

    // 1a: 0 ms, limiter out of the way (also builds the cache for 2, 3 and start-up).
    let run_a = FullRun {
        id: "1a",
        label: "0 ms latency, limiter off".into(),
        fake: &fast,
        latency: Duration::ZERO,
        rate_limit: LIMITER_OFF,
        db: cache.clone(),
        board: false,
    };
    let res = full_sync(&run_a).await;
    let built = report_full(report, &run_a, res).is_some();

    if opts.wants("sync") && built {
        incremental(opts, report, &fast, &cache).await;
        let run_b = FullRun {
            id: "1b",
            label: format!("{LATENCY_MS} ms latency, limiter off"),
            fake: &slow,
            latency: slow_latency,
            rate_limit: LIMITER_OFF,
            db: fresh_db(opts, "full-20ms-nolimit.sqlite3"),
            board: false,
        };
        let res = full_sync(&run_b).await;
        report_full(report, &run_b, res);
    }
    if (opts.wants("sync") || opts.wants("resume")) && built {
        resume(opts, report, &fast).await;
    }

    report.note(
        "Timelines (1a–1d, 2) come from the fake server's request log: each endpoint's span from \
         its first to its last request, and the gaps between spans (the engine committing the \
         previous stream, parsing, diffing). A gap also holds the previous span's last response, \
         i.e. one injected latency.",
    );
    built.then_some(Fakes { cache, fast, slow })
}

/// 1c and 1d: full syncs at the default client rate limit. They wait on the client's token
/// bucket almost all the time (about half an hour), so `perf` runs them last, after the
/// CPU-sensitive sections.
pub async fn run_default(opts: &Opts, report: &mut Report, fakes: &Fakes) {
    let (fast, slow) = (&fakes.fast, &fakes.slow);
    let slow_latency = Duration::from_millis(LATENCY_MS);
    // Both runs wait on the client's token bucket almost all the time, so they run side by
    // side (one fake each) to halve the bench's duration without competing for the CPU.
    let with_lists = opts.wants("default");
    let run_c = FullRun {
        id: "1c",
        label: "0 ms latency, default rate limit".into(),
        fake: fast,
        latency: Duration::ZERO,
        rate_limit: DEFAULT_LIMIT,
        db: fresh_db(opts, "full-0ms-default.sqlite3"),
        board: false,
    };
    let run_d = FullRun {
        id: "1d",
        label: format!("{LATENCY_MS} ms latency, default rate limit"),
        fake: slow,
        latency: slow_latency,
        rate_limit: DEFAULT_LIMIT,
        db: fresh_db(opts, "full-20ms-default.sqlite3"),
        board: false,
    };
    // 1e: what the app does by default — the public board for the listed postings.
    let board_fake = match start_fake(&opts.sizes, slow_latency).await {
        Ok(f) => f,
        Err(e) => {
            report.error("1e", "Full sync with the public board", e);
            return;
        }
    };
    let run_e = FullRun {
        id: "1e",
        label: format!(
            "{LATENCY_MS} ms latency, default rate limit, descriptions from the public board"
        ),
        fake: &board_fake,
        latency: slow_latency,
        rate_limit: DEFAULT_LIMIT,
        db: fresh_db(opts, "full-20ms-default-board.sqlite3"),
        board: true,
    };
    println!("perf: 1c, 1d and 1e run at the default client rate limit; this takes a while");
    // `--only board`: 1e alone (1c and 1d take about half an hour).
    let (rc, rd, re) = tokio::join!(
        async {
            if with_lists {
                Some(full_sync(&run_c).await)
            } else {
                None
            }
        },
        async {
            if with_lists {
                Some(full_sync(&run_d).await)
            } else {
                None
            }
        },
        full_sync(&run_e)
    );
    if let (Some(rc), Some(rd)) = (rc, rd) {
        report_full(report, &run_c, rc);
        report_full(report, &run_d, rd);
    }
    report_board(report, &run_e, re);
    report.note(
        "1c, 1d and 1e ran at the same time (each against its own fake server): they spend \
         almost all their time waiting on the client's token bucket. 1a–1d fetch every \
         description with jobPosting.info (the public board turned off); 1e is the app's \
         default. The bench organisation lists 90 % of its postings; with its 5 % of \
         confidential jobs (whose postings are not on the board either) about 85 % of the \
         postings are on the public board.",
    );
}

/// Budgets of the first sync with the public board (1e).
const BOARD_MAX_REQUESTS: u64 = 2_000;
const BOARD_MAX_SECS: f64 = 360.0;

fn report_board(
    report: &mut Report,
    run: &FullRun<'_>,
    result: (Result<WorkerOut, String>, LowerBound, u64, u64, String),
) {
    let (out, bound, served, infos, when) = result;
    let what = format!("First full sync, {}", run.label);
    let out = match out {
        Ok(o) if o.ok() => o,
        Ok(o) => return report.error(run.id, &what, o.failure()),
        Err(e) => return report.error(run.id, &what, e),
    };
    report.row(
        run.id,
        format!("{what}: requests"),
        format!(
            "{served} served ({} sent by the client; jobPosting.info {infos} of {} postings, \
             the rest from one public board request)",
            out.requests, bound.postings
        ),
        format!(
            "≤ {BOARD_MAX_REQUESTS} (before: {} = one per posting)",
            bound.total()
        ),
        Status::check(served <= BOARD_MAX_REQUESTS && out.requests <= BOARD_MAX_REQUESTS),
    );
    report.row(
        run.id,
        format!("{what}: wall time"),
        secs(out.wall),
        format!("≤ {}", secs(BOARD_MAX_SECS)),
        Status::check(out.wall <= BOARD_MAX_SECS),
    );
    match out.peak_rss {
        Some(rss) => report.row(
            run.id,
            format!("{what}: peak RSS of the syncing process"),
            mb(rss),
            format!("< {}", mb(RSS_BUDGET)),
            Status::check(rss < RSS_BUDGET),
        ),
        None => report.error(run.id, &what, "VmHWM unavailable"),
    }
    report.note(format!("{} ({}): {when}", run.id, run.label));
}

/// 1f: a first sync cut off (the network gone) after half its descriptions, then the next
/// sync: it must fetch only what is still missing.
async fn resume(opts: &Opts, report: &mut Report, fake: &FakeAshby) {
    let what = "Resume: first sync cut off (network gone) after half the descriptions, then the \
                next sync (0 ms latency, limiter off, descriptions one by one)";
    let key = fake.keys().full;
    let db = fresh_db(opts, "resume.sqlite3");
    let published = LowerBound::of(&fake.dataset()).postings as usize;
    let half = published / 2;
    fake.reset_log();
    fake.clear_faults();
    fake.push_fault_after(
        "jobPosting.info",
        half,
        fake_ashby::Fault::ConnectionReset,
        usize::MAX / 2,
    );
    let first = run_worker(&fake.base_url(), &key, &db, false, LIMITER_OFF, None, false).await;
    fake.clear_faults();
    match first {
        Ok(o) if o.summary["result"] == "failed" => {}
        Ok(o) => {
            return report.error(
                "1f",
                what,
                format!("the cut-off run did not fail: {}", o.failure()),
            )
        }
        Err(e) => return report.error("1f", what, e),
    }
    let kept = match count_described(&db) {
        Ok(n) => n as usize,
        Err(e) => return report.error("1f", what, e.to_string()),
    };
    let missing = published.saturating_sub(kept);
    fake.reset_log();
    match run_worker(&fake.base_url(), &key, &db, false, LIMITER_OFF, None, false).await {
        Ok(o) if o.ok() => {
            let infos = fake.count("jobPosting.info");
            let budget = (missing as f64 * 1.1).floor() as usize;
            report.row(
                "1f",
                format!("{what}: jobPosting.info of the next sync"),
                format!(
                    "{infos} ({kept} of {published} descriptions kept by the cut-off run, \
                     {missing} missing; {})",
                    secs(o.wall)
                ),
                format!("≤ 1.1 × {missing} = {budget} (before: all {published} again)"),
                Status::check(infos <= budget && kept > 0),
            );
        }
        Ok(o) => report.error("1f", what, o.failure()),
        Err(e) => report.error("1f", what, e),
    }
    fake.reset_log();
}

fn count_described(db: &Path) -> Result<i64, rusqlite::Error> {
    let conn = rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.query_row(
        "SELECT count(*) FROM job_postings WHERE description_updated_at = updated_at",
        [],
        |r| r.get(0),
    )
}

/// Sections 2 and 3 on the cache of run 1a, with the app's default client settings.
async fn incremental(opts: &Opts, report: &mut Report, fake: &FakeAshby, cache: &Path) {
    let key = fake.keys().full;
    // 2: nothing changed.
    fake.reset_log();
    let what = "Incremental sync, no changes (0 ms latency, default client)";
    match run_worker(
        &fake.base_url(),
        &key,
        cache,
        false,
        DEFAULT_LIMIT,
        None,
        true,
    )
    .await
    {
        Ok(o) if o.ok() => {
            let served = fake.count("*");
            let infos = fake.count("jobPosting.info");
            let lists = ["department.list", "location.list", "job.list"]
                .iter()
                .map(|e| fake.count(e))
                .sum::<usize>();
            let posting_lists = fake.count("jobPosting.list");
            report.row(
                "2",
                format!("{what}: requests"),
                format!(
                    "{served} ({lists} syncToken-stream pages + {posting_lists} posting list), \
                     jobPosting.info {infos}"
                ),
                "= 3 (one per syncToken stream) + 1 posting list = 4; jobPosting.info 0",
                Status::check(served == 4 && lists == 3 && posting_lists == 1 && infos == 0),
            );
            report.row(
                "2",
                format!("{what}: wall time"),
                secs(o.wall),
                format!("< {}", secs(INCREMENTAL_WALL_BUDGET)),
                Status::check(o.wall < INCREMENTAL_WALL_BUDGET),
            );
            report.note(format!(
                "2 (no changes): {}",
                timeline(&fake.requests(), &o)
            ));
            match posting_list_cost(fake, &key).await {
                Ok((bytes, fetch, parse, n)) => report.note(format!(
                    "2: the posting list alone, fetched again from this process: {} of JSON for \
                     {n} postings, {} to serve and transfer, {} to parse into typed postings. \
                     Postings have no syncToken (jobPosting.list is one unpaginated answer), so every run downloads and diffs the \
                     whole list; what is left of the gap above is the engine's diff and its \
                     commit (postings whose list hash is unchanged are skipped).",
                    mb(bytes as u64),
                    secs(fetch),
                    secs(parse)
                )),
                Err(e) => report.note(format!("2: could not time the posting list alone: {e}")),
            }
        }
        Ok(o) => report.error("2", what, o.failure()),
        Err(e) => report.error("2", what, e),
    }

    // 3: 1 % of the published postings edited (each edit moves the posting's updatedAt).
    let ds = fake.dataset();
    let published: Vec<String> = ds
        .postings
        .iter()
        .filter(|p| p.is_published && !p.is_deleted)
        .map(|p| p.id.clone())
        .collect();
    let n = ((published.len() as f64 * opts.sizes.changed_pct / 100.0).ceil() as usize).max(1);
    let step = (published.len() / n).max(1);
    let changed: Vec<&String> = published.iter().step_by(step).take(n).collect();
    for id in &changed {
        fake.edit_posting(id, |p| {
            p.description_html.push_str("<p>(bench edit)</p>");
            p.description_plain.push_str("\n\n(bench edit)");
        });
    }
    fake.reset_log();
    let what = format!(
        "Incremental sync after {} % of postings changed ({} of {})",
        opts.sizes.changed_pct,
        changed.len(),
        published.len()
    );
    match run_worker(
        &fake.base_url(),
        &key,
        cache,
        false,
        DEFAULT_LIMIT,
        None,
        true,
    )
    .await
    {
        Ok(o) if o.ok() => {
            let infos = fake.count("jobPosting.info");
            let edited_ids: std::collections::HashSet<&str> =
                changed.iter().map(|s| s.as_str()).collect();
            let asked: std::collections::HashSet<String> = fake
                .requests()
                .iter()
                .filter(|r| r.endpoint == "jobPosting.info")
                .filter_map(|r| r.body["jobPostingId"].as_str().map(str::to_string))
                .collect();
            let same_set = asked.len() == edited_ids.len()
                && asked.iter().all(|a| edited_ids.contains(a.as_str()));
            let stored = count_edited(cache).unwrap_or(-1);
            report.row(
                "3",
                format!("{what}: jobPosting.info calls"),
                format!(
                    "{infos} calls, {} for the edited postings; {stored} edited descriptions in \
                     the cache",
                    if same_set { "all" } else { "NOT all" }
                ),
                format!("= the {} changed postings, exactly", changed.len()),
                Status::check(infos == changed.len() && same_set && stored == changed.len() as i64),
            );
            report.row(
                "3",
                format!("{what}: requests and wall time"),
                format!("{} requests, {}", fake.count("*"), secs(o.wall)),
                "— (default client: 10-request burst, then 5/s)",
                Status::Info,
            );
        }
        Ok(o) => report.error("3", &what, o.failure()),
        Err(e) => report.error("3", &what, e),
    }
}

/// One `jobPosting.list` over raw HTTP: (bytes, seconds to serve + transfer, seconds to parse
/// into the client's typed postings, postings).
async fn posting_list_cost(
    fake: &FakeAshby,
    key: &str,
) -> Result<(usize, f64, f64, usize), String> {
    let http = reqwest::Client::new();
    let t = Instant::now();
    let body = http
        .post(format!("{}/jobPosting.list", fake.base_url()))
        .basic_auth(key, Some(""))
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .map_err(|e| e.to_string())?
        .bytes()
        .await
        .map_err(|e| e.to_string())?;
    let fetch = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut v: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let postings: Vec<ashby_sync_core::ashby::JobPosting> =
        serde_json::from_value(v["results"].take()).map_err(|e| e.to_string())?;
    let parse = t.elapsed().as_secs_f64();
    Ok((body.len(), fetch, parse, postings.len()))
}

fn count_edited(db: &Path) -> Result<i64, rusqlite::Error> {
    let conn = rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.query_row(
        "SELECT count(*) FROM job_postings WHERE description_plain LIKE '%(bench edit)%'",
        [],
        |r| r.get(0),
    )
}
