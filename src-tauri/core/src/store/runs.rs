//! Sync-run history and the facts the scheduler derives its next run from.

use super::*;
use rusqlite::{params, OptionalExtension, Row};

const INTERRUPTED: ErrorCode = ErrorCode::Interrupted;

const RUN_COLUMNS: &str = "id, started_at, finished_at, trigger, full, result, streams_json, \
                           requests, error_code, error_message, open_jobs, listed_postings";

fn run_from_row(r: &Row<'_>) -> rusqlite::Result<SyncRunRecord> {
    let started: String = r.get("started_at")?;
    let finished: Option<String> = r.get("finished_at")?;
    let trigger: String = r.get("trigger")?;
    let result: Option<String> = r.get("result")?;
    let streams: String = r.get("streams_json")?;
    Ok(SyncRunRecord {
        id: r.get("id")?,
        started_at: parse_time(&started).unwrap_or_default(),
        finished_at: finished.as_deref().and_then(parse_time),
        trigger: Trigger::parse(&trigger).unwrap_or(Trigger::Manual),
        full: r.get("full")?,
        result: result.as_deref().and_then(RunResult::parse),
        streams: serde_json::from_str(&streams).unwrap_or_default(),
        requests: r.get::<_, i64>("requests")?.clamp(0, u32::MAX as i64) as u32,
        error_code: r.get("error_code")?,
        error_message: r.get("error_message")?,
        open_jobs: r
            .get::<_, Option<i64>>("open_jobs")?
            .map(|n| n.clamp(0, u32::MAX as i64) as u32),
        listed_postings: r
            .get::<_, Option<i64>>("listed_postings")?
            .map(|n| n.clamp(0, u32::MAX as i64) as u32),
    })
}

impl Store {
    /// Records the start of a run. Runs still open from an earlier process (killed or quit
    /// mid-sync) are closed as failed/`interrupted` first.
    pub fn begin_run(&self, trigger: Trigger, full: bool, now: DateTime<Utc>) -> Result<i64> {
        let mut conn = self.writer();
        let tx = self.begin_write(&mut conn)?;
        // The caller holds the sync lock (`sync::SyncLock`), so no other process is running a
        // sync on this cache: a run still open was left by one that died or quit mid-sync.
        tx.execute(
            "UPDATE sync_runs SET result = 'failed', error_code = ?1,
                 error_message = 'The app stopped before this sync finished.',
                 finished_at = COALESCE(finished_at, started_at)
             WHERE result IS NULL",
            [INTERRUPTED],
        )?;
        tx.execute(
            "INSERT INTO sync_runs (started_at, trigger, full) VALUES (?1, ?2, ?3)",
            params![fmt_time(now), trigger.as_str(), full],
        )?;
        let id = tx.last_insert_rowid();
        clamp_future_times(&tx, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// Closes the run's history row (also for a superseded run: never refused).
    pub fn finish_run(&self, run_id: i64, f: &RunFinish) -> Result<()> {
        self.write_tx_unchecked(|tx| {
            tx.execute(
                "UPDATE sync_runs SET finished_at = ?2, result = ?3, streams_json = ?4,
                                      requests = ?5, error_code = ?6, error_message = ?7,
                     open_jobs = (SELECT count(*) FROM jobs WHERE status = 'Open'),
                     listed_postings = (SELECT count(*) FROM job_postings WHERE is_listed)
                 WHERE id = ?1",
                params![
                    run_id,
                    fmt_time(f.finished_at),
                    f.result.as_str(),
                    to_json(&f.streams),
                    f.requests as i64,
                    f.error_code,
                    f.error_message
                ],
            )?;
            Ok(())
        })
    }

    /// Closes a run whose task was stopped (app quitting mid-sync, key changed).
    pub fn mark_run_interrupted(&self, run_id: i64, now: DateTime<Utc>) -> Result<()> {
        self.write_tx_unchecked(|tx| {
            tx.execute(
                "UPDATE sync_runs SET result = 'failed', error_code = ?2,
                     error_message = 'The sync was stopped before it finished.', finished_at = ?3
                 WHERE id = ?1 AND result IS NULL",
                params![run_id, INTERRUPTED, fmt_time(now)],
            )?;
            Ok(())
        })
    }

    /// Most recent runs first.
    pub fn sync_history(&self, limit: u32) -> Result<Vec<SyncRunRecord>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {RUN_COLUMNS} FROM sync_runs ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = stmt
            .query_map([limit as i64], run_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Open jobs and listed postings over time, for the history chart: per UTC day since
    /// `since`, the totals the day's last finished run left, oldest first.
    pub fn sync_trend(&self, since: DateTime<Utc>) -> Result<Vec<TrendPoint>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT finished_at, open_jobs, listed_postings FROM sync_runs
             WHERE id IN (SELECT max(id) FROM sync_runs
                          WHERE open_jobs IS NOT NULL AND finished_at >= ?1
                          GROUP BY substr(finished_at, 1, 10))
             ORDER BY finished_at",
        )?;
        let rows = stmt
            .query_map([fmt_time(since)], |r| {
                let at: String = r.get(0)?;
                Ok(TrendPoint {
                    at: parse_time(&at).unwrap_or_default(),
                    open_jobs: r.get::<_, i64>(1)?.clamp(0, u32::MAX as i64) as u32,
                    listed_postings: r.get::<_, i64>(2)?.clamp(0, u32::MAX as i64) as u32,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Last success, last finish and failures since — what the scheduler needs at start-up.
    /// Interrupted runs (the app quit mid-sync) are not failures.
    pub fn schedule_facts(&self) -> Result<ScheduleFacts> {
        let conn = self.reader();
        schedule_facts_on(&conn)
    }
}

/// A clock set back (or a stamp from a machine whose clock ran ahead) leaves times in the
/// future: a pass or run "finished" after now would hold off the hourly schedule and the daily
/// reconciling pass until the clock caught up. Such times are treated as now, and logged.
fn clamp_future_times(tx: &rusqlite::Transaction<'_>, now: DateTime<Utc>) -> Result<()> {
    let now_s = fmt_time(now);
    let mut n = 0;
    for column in ["last_full_sync_at", "last_success_at", "last_attempt_at"] {
        n += tx.execute(
            &format!("UPDATE sync_state SET {column} = ?1 WHERE {column} > ?1"),
            [&now_s],
        )?;
    }
    n += tx.execute(
        "UPDATE sync_runs SET finished_at = ?1 WHERE finished_at > ?1",
        [&now_s],
    )?;
    n += tx.execute(
        "UPDATE sync_runs SET started_at = ?1 WHERE started_at > ?1",
        [&now_s],
    )?;
    if n > 0 {
        tracing::warn!(
            rows = n,
            now = %now_s,
            "sync times in the future (the clock was set back?): treated as now"
        );
    }
    Ok(())
}

pub(crate) fn last_run_on(conn: &Connection) -> Result<Option<SyncRunRecord>> {
    Ok(conn
        .query_row(
            &format!("SELECT {RUN_COLUMNS} FROM sync_runs ORDER BY id DESC LIMIT 1"),
            [],
            run_from_row,
        )
        .optional()?)
}

pub(crate) fn schedule_facts_on(conn: &Connection) -> Result<ScheduleFacts> {
    let (last_success, last_success_id): (Option<String>, Option<i64>) = conn
        .query_row(
            "SELECT finished_at, id FROM sync_runs WHERE result IN ('ok', 'partial')
         ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get("finished_at")?, r.get("id")?)),
        )
        .optional()?
        .unwrap_or((None, None));
    let (last_finished, last_code): (Option<String>, Option<String>) = conn
        .query_row(
            "SELECT finished_at, CASE WHEN result = 'failed' THEN error_code END FROM sync_runs
             WHERE result IS NOT NULL AND error_code IS NOT ?1
             ORDER BY id DESC LIMIT 1",
            [INTERRUPTED],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((None, None));
    let last_offline = last_code
        .as_deref()
        .and_then(ErrorCode::parse)
        .is_some_and(ErrorCode::is_offline);
    let failures: i64 = conn.query_row(
        "SELECT count(*) FROM sync_runs
         WHERE result = 'failed' AND error_code IS NOT ?1 AND id > ?2",
        params![INTERRUPTED, last_success_id.unwrap_or(0)],
        |r| r.get(0),
    )?;
    Ok(ScheduleFacts {
        last_success_at: last_success.as_deref().and_then(parse_time),
        last_finished_at: last_finished.as_deref().and_then(parse_time),
        consecutive_failures: failures.clamp(0, u32::MAX as i64) as u32,
        key_invalid: key_invalid_on(conn)?.is_some(),
        last_offline,
    })
}
