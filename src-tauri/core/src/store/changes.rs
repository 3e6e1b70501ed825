//! What each sync changed, per job and posting ("change records").
//!
//! The records are written by temporary triggers on the write connection (installed when the
//! cache opens), so a change is recorded by the very statement that makes it, inside the same
//! transaction: a pass that rolls back records nothing, and nothing lands unrecorded. The
//! triggers fire only while a run has set its context (`temp.change_context`: the run id, its
//! time, and per stream whether it had a complete pass before). A stream's first complete pass
//! (a new cache, another organisation) records no rows: the run gets one "first sync" line with
//! the totals instead. Records are kept for [`CHANGE_RETENTION_DAYS`].

use super::*;
use crate::enums::closed_enum;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Change records older than this are pruned at the start of each run.
pub const CHANGE_RETENTION_DAYS: i64 = 180;

/// The settings entry holding the id of the newest change the user has seen.
const SEEN_SETTING: &str = "changes_seen_up_to";

/// The most records one feed read returns.
pub const MAX_CHANGE_ROWS: u32 = 1000;

closed_enum!(
    /// What one change record says happened. Job status changes are split by what they mean
    /// to a coordinator (opened, closed, …); the record keeps the old and new status too.
    pub enum ChangeKind {
        /// The first complete sync of this organisation: one line with the totals, no rows.
        FirstSync => "firstSync",
        JobAdded => "jobAdded",
        /// Draft → Open.
        JobOpened => "jobOpened",
        JobClosed => "jobClosed",
        JobArchived => "jobArchived",
        /// Closed or Archived → Open.
        JobReopened => "jobReopened",
        JobBackToDraft => "jobBackToDraft",
        /// A status this version does not name (kept as old → new).
        JobStatusChanged => "jobStatusChanged",
        JobRenamed => "jobRenamed",
        DepartmentChanged => "departmentChanged",
        LocationChanged => "locationChanged",
        JobRemoved => "jobRemoved",
        /// The posting appeared in the published posting list.
        PostingPublished => "postingPublished",
        /// The posting left the published list; its job still lists it as unpublished.
        PostingUnpublished => "postingUnpublished",
        PostingListed => "postingListed",
        PostingUnlisted => "postingUnlisted",
        PostingRenamed => "postingRenamed",
        DescriptionEdited => "descriptionEdited",
        CompensationChanged => "compensationChanged",
        /// The posting is gone from Ashby (and from its job).
        PostingRemoved => "postingRemoved",
        /// Written by a newer version of the app.
        Other => "other",
    } else Other
);

impl ChangeKind {
    /// How a count of this kind reads in a summary line ("3 new jobs", "1 closed").
    pub fn counted(self, n: u32) -> String {
        let s = |one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        match self {
            ChangeKind::FirstSync => s("first sync", "first syncs"),
            ChangeKind::JobAdded => s("new job", "new jobs"),
            ChangeKind::JobOpened => format!("{n} opened"),
            ChangeKind::JobClosed => format!("{n} closed"),
            ChangeKind::JobArchived => format!("{n} archived"),
            ChangeKind::JobReopened => format!("{n} reopened"),
            ChangeKind::JobBackToDraft => format!("{n} back to draft"),
            ChangeKind::JobStatusChanged => s("status change", "status changes"),
            ChangeKind::JobRenamed => format!("{n} renamed"),
            ChangeKind::DepartmentChanged => s("department change", "department changes"),
            ChangeKind::LocationChanged => s("location change", "location changes"),
            ChangeKind::JobRemoved => s("job removed", "jobs removed"),
            ChangeKind::PostingPublished => s("posting published", "postings published"),
            ChangeKind::PostingUnpublished => s("posting unpublished", "postings unpublished"),
            ChangeKind::PostingListed => s("posting listed", "postings listed"),
            ChangeKind::PostingUnlisted => s("posting unlisted", "postings unlisted"),
            ChangeKind::PostingRenamed => s("posting renamed", "postings renamed"),
            ChangeKind::DescriptionEdited => s("description edited", "descriptions edited"),
            ChangeKind::CompensationChanged => s("compensation change", "compensation changes"),
            ChangeKind::PostingRemoved => s("posting removed", "postings removed"),
            ChangeKind::Other => s("other change", "other changes"),
        }
    }
}

/// The totals a first sync found (its one summary line).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FirstSyncCounts {
    pub jobs: u32,
    pub postings: u32,
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRecord {
    pub id: i64,
    pub run_id: i64,
    /// When the run that recorded it started.
    pub at: DateTime<Utc>,
    pub kind: ChangeKind,
    pub job_id: Option<String>,
    /// The job's title now, or when the change was recorded if the job is gone.
    pub job_title: Option<String>,
    pub posting_id: Option<String>,
    pub posting_title: Option<String>,
    /// Before → after, for kinds that change a value (status, title, department, location,
    /// compensation summary).
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// Only on [`ChangeKind::FirstSync`].
    pub first_sync: Option<FirstSyncCounts>,
}

/// How many changes of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KindCount {
    pub kind: ChangeKind,
    pub count: u32,
}

/// What one run changed, counted by kind (the Changes view's group header, a digest
/// notification's text).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangeSummary {
    pub run_id: i64,
    /// Counts by kind, in [`ChangeKind::ALL`] order; kinds without changes are left out.
    pub counts: Vec<KindCount>,
    pub total: u32,
    /// Set when the run was the organisation's first sync.
    pub first_sync: Option<FirstSyncCounts>,
    /// E.g. "3 new jobs, 1 closed, 2 descriptions edited", or "First sync: 2,000 jobs, 1,800
    /// postings"; empty when nothing changed.
    pub headline: String,
}

impl ChangeSummary {
    pub fn count(&self, kind: ChangeKind) -> u32 {
        self.counts
            .iter()
            .find(|c| c.kind == kind)
            .map_or(0, |c| c.count)
    }

    fn from_counts(
        run_id: i64,
        mut counts: Vec<KindCount>,
        first: Option<FirstSyncCounts>,
    ) -> Self {
        counts.sort_by_key(|c| c.kind);
        let total = counts.iter().map(|c| c.count).sum();
        let headline = match first {
            Some(f) => format!(
                "First sync: {} {}, {} {}",
                thousands(f.jobs),
                if f.jobs == 1 { "job" } else { "jobs" },
                thousands(f.postings),
                if f.postings == 1 {
                    "posting"
                } else {
                    "postings"
                }
            ),
            None => counts
                .iter()
                .filter(|c| c.kind != ChangeKind::FirstSync)
                .map(|c| c.kind.counted(c.count))
                .collect::<Vec<_>>()
                .join(", "),
        };
        ChangeSummary {
            run_id,
            counts,
            total,
            first_sync: first,
            headline,
        }
    }
}

/// 2000 → "2,000".
fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the Changes view asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangeQuery {
    /// Only these kinds (empty: all). The first-sync line is always included.
    pub kinds: Vec<ChangeKind>,
    /// Only changes of this job.
    pub job_id: Option<String>,
    /// At most this many records (capped at [`MAX_CHANGE_ROWS`]).
    pub limit: u32,
}

/// The Changes view's data: newest first, with each run's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangeFeed {
    pub rows: Vec<ChangeRecord>,
    /// One per run in `rows`, newest first, counting all of the run's changes (not only the
    /// filtered ones).
    pub runs: Vec<ChangeSummary>,
    /// The id of the newest change the user has seen (0: none).
    pub seen_up_to: i64,
    /// Changes newer than `seen_up_to`.
    pub unread: u32,
}

/// The triggers that record changes; temporary, so they exist only on the write connection and
/// only fire while a run has set `temp.change_context`. They name tables without a schema
/// (`change_records` is main's, `change_context` temp's): statements inside triggers may not
/// qualify the tables they write.
const CHANGE_TRIGGERS: &str = "
CREATE TEMP TABLE IF NOT EXISTS change_context (
    run_id   INTEGER NOT NULL,
    at       TEXT NOT NULL,
    jobs     INTEGER NOT NULL,
    postings INTEGER NOT NULL
);

CREATE TEMP TRIGGER IF NOT EXISTS change_job_added AFTER INSERT ON main.jobs
WHEN (SELECT jobs FROM change_context)
BEGIN
    INSERT INTO change_records (run_id, at, kind, job_id, title)
    SELECT run_id, at, 'jobAdded', NEW.id, NEW.title FROM change_context;
END;

CREATE TEMP TRIGGER IF NOT EXISTS change_job_status AFTER UPDATE OF status ON main.jobs
WHEN OLD.status IS NOT NEW.status AND (SELECT jobs FROM change_context)
BEGIN
    INSERT INTO change_records (run_id, at, kind, job_id, title, old_value, new_value)
    SELECT run_id, at,
           CASE
               WHEN NEW.status = 'Open' AND OLD.status = 'Draft' THEN 'jobOpened'
               WHEN NEW.status = 'Open' THEN 'jobReopened'
               WHEN NEW.status = 'Closed' THEN 'jobClosed'
               WHEN NEW.status = 'Archived' THEN 'jobArchived'
               WHEN NEW.status = 'Draft' THEN 'jobBackToDraft'
               ELSE 'jobStatusChanged'
           END,
           NEW.id, NEW.title, OLD.status, NEW.status
    FROM change_context;
END;

CREATE TEMP TRIGGER IF NOT EXISTS change_job_renamed AFTER UPDATE OF title ON main.jobs
WHEN OLD.title IS NOT NEW.title AND (SELECT jobs FROM change_context)
BEGIN
    INSERT INTO change_records (run_id, at, kind, job_id, title, old_value, new_value)
    SELECT run_id, at, 'jobRenamed', NEW.id, NEW.title, OLD.title, NEW.title FROM change_context;
END;

CREATE TEMP TRIGGER IF NOT EXISTS change_job_department AFTER UPDATE OF department_id ON main.jobs
WHEN OLD.department_id IS NOT NEW.department_id AND (SELECT jobs FROM change_context)
BEGIN
    INSERT INTO change_records (run_id, at, kind, job_id, title, old_value, new_value)
    SELECT run_id, at, 'departmentChanged', NEW.id, NEW.title,
           COALESCE((SELECT name FROM departments WHERE id = OLD.department_id), OLD.department_id),
           COALESCE((SELECT name FROM departments WHERE id = NEW.department_id), NEW.department_id)
    FROM change_context;
END;

CREATE TEMP TRIGGER IF NOT EXISTS change_job_location AFTER UPDATE OF location_id ON main.jobs
WHEN OLD.location_id IS NOT NEW.location_id AND (SELECT jobs FROM change_context)
BEGIN
    INSERT INTO change_records (run_id, at, kind, job_id, title, old_value, new_value)
    SELECT run_id, at, 'locationChanged', NEW.id, NEW.title,
           COALESCE((SELECT name FROM locations WHERE id = OLD.location_id), OLD.location_id),
           COALESCE((SELECT name FROM locations WHERE id = NEW.location_id), NEW.location_id)
    FROM change_context;
END;

CREATE TEMP TRIGGER IF NOT EXISTS change_job_removed AFTER DELETE ON main.jobs
WHEN (SELECT jobs FROM change_context)
BEGIN
    INSERT INTO change_records (run_id, at, kind, job_id, title)
    SELECT run_id, at, 'jobRemoved', OLD.id, OLD.title FROM change_context;
END;

CREATE TEMP TRIGGER IF NOT EXISTS change_posting_published AFTER INSERT ON main.job_postings
WHEN (SELECT postings FROM change_context)
BEGIN
    INSERT INTO change_records (run_id, at, kind, job_id, title, posting_id, posting_title)
    SELECT run_id, at, 'postingPublished', NEW.job_id,
           (SELECT title FROM jobs WHERE id = NEW.job_id), NEW.id, NEW.title
    FROM change_context;
END;

CREATE TEMP TRIGGER IF NOT EXISTS change_posting_listed AFTER UPDATE OF is_listed ON main.job_postings
WHEN OLD.is_listed IS NOT NEW.is_listed AND (SELECT postings FROM change_context)
BEGIN
    INSERT INTO change_records (run_id, at, kind, job_id, title, posting_id, posting_title)
    SELECT run_id, at, CASE WHEN NEW.is_listed THEN 'postingListed' ELSE 'postingUnlisted' END,
           NEW.job_id, (SELECT title FROM jobs WHERE id = NEW.job_id), NEW.id, NEW.title
    FROM change_context;
END;

CREATE TEMP TRIGGER IF NOT EXISTS change_posting_renamed AFTER UPDATE OF title ON main.job_postings
WHEN OLD.title IS NOT NEW.title AND (SELECT postings FROM change_context)
BEGIN
    INSERT INTO change_records
        (run_id, at, kind, job_id, title, posting_id, posting_title, old_value, new_value)
    SELECT run_id, at, 'postingRenamed', NEW.job_id, (SELECT title FROM jobs WHERE id = NEW.job_id),
           NEW.id, NEW.title, OLD.title, NEW.title
    FROM change_context;
END;

CREATE TEMP TRIGGER IF NOT EXISTS change_posting_compensation
AFTER UPDATE OF compensation_tier_summary ON main.job_postings
WHEN OLD.compensation_tier_summary IS NOT NEW.compensation_tier_summary
     AND (SELECT postings FROM change_context)
BEGIN
    INSERT INTO change_records
        (run_id, at, kind, job_id, title, posting_id, posting_title, old_value, new_value)
    SELECT run_id, at, 'compensationChanged', NEW.job_id,
           (SELECT title FROM jobs WHERE id = NEW.job_id), NEW.id, NEW.title,
           OLD.compensation_tier_summary, NEW.compensation_tier_summary
    FROM change_context;
END;

-- A posting's first description is not an edit (description_updated_at is NULL until one is
-- stored); storing the same description again changes nothing, so it records nothing.
CREATE TEMP TRIGGER IF NOT EXISTS change_posting_description
AFTER UPDATE OF description_html ON main.job_postings
WHEN OLD.description_updated_at IS NOT NULL AND OLD.description_html IS NOT NULL
     AND OLD.description_html IS NOT NEW.description_html
     AND (SELECT postings FROM change_context)
BEGIN
    INSERT INTO change_records (run_id, at, kind, job_id, title, posting_id, posting_title)
    SELECT run_id, at, 'descriptionEdited', NEW.job_id,
           (SELECT title FROM jobs WHERE id = NEW.job_id), NEW.id, NEW.title
    FROM change_context;
END;

-- Gone from the published list: unpublished while its job still lists it (job.list is asked
-- for unpublished posting ids too, and runs before the postings), else removed.
CREATE TEMP TRIGGER IF NOT EXISTS change_posting_gone AFTER DELETE ON main.job_postings
WHEN (SELECT postings FROM change_context)
BEGIN
    INSERT INTO change_records (run_id, at, kind, job_id, title, posting_id, posting_title)
    SELECT run_id, at,
           CASE WHEN EXISTS (SELECT 1 FROM jobs j, json_each(j.job_posting_ids_json) e
                             WHERE j.id = OLD.job_id AND e.value = OLD.id)
                THEN 'postingUnpublished' ELSE 'postingRemoved' END,
           OLD.job_id, (SELECT title FROM jobs WHERE id = OLD.job_id), OLD.id, OLD.title
    FROM change_context;
END;
";

/// Installs the recording triggers on the write connection (at open).
pub(super) fn install_triggers(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(CHANGE_TRIGGERS)
}

const CHANGE_COLUMNS: &str = "c.id, c.run_id, c.at, c.kind, c.job_id, \
     COALESCE(j.title, c.title) AS job_title, c.posting_id, \
     COALESCE(p.title, c.posting_title) AS posting_title, c.old_value, c.new_value";

const CHANGE_FROM: &str = "change_records c
     LEFT JOIN jobs j ON j.id = c.job_id
     LEFT JOIN job_postings p ON p.id = c.posting_id";

fn change_from_row(r: &Row<'_>) -> rusqlite::Result<ChangeRecord> {
    let at: String = r.get("at")?;
    let kind: ChangeKind = r.get("kind")?;
    let new_value: Option<String> = r.get("new_value")?;
    let first_sync = match kind {
        ChangeKind::FirstSync => new_value
            .as_deref()
            .and_then(|v| serde_json::from_str(v).ok()),
        _ => None,
    };
    Ok(ChangeRecord {
        id: r.get("id")?,
        run_id: r.get("run_id")?,
        at: parse_time(&at).unwrap_or_default(),
        kind,
        job_id: r.get("job_id")?,
        job_title: r.get("job_title")?,
        posting_id: r.get("posting_id")?,
        posting_title: r.get("posting_title")?,
        old_value: r.get("old_value")?,
        new_value: if first_sync.is_some() {
            None
        } else {
            new_value
        },
        first_sync,
    })
}

/// Whether the stream had a complete pass before this run (its changes are then recorded).
fn had_success(conn: &Connection, stream: Stream) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row(
            "SELECT last_success_at IS NOT NULL FROM sync_state WHERE stream = ?1",
            [stream.as_str()],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

impl Store {
    /// Called when a run starts: prunes records older than [`CHANGE_RETENTION_DAYS`] and arms
    /// the triggers for `run_id`. Streams that never had a complete pass record nothing.
    pub fn begin_change_recording(&self, run_id: i64, at: DateTime<Utc>) -> Result<()> {
        let cutoff = at - chrono::Duration::days(CHANGE_RETENTION_DAYS);
        let conn = self.writer();
        conn.execute(
            "DELETE FROM change_records WHERE at < ?1",
            [fmt_time(cutoff)],
        )?;
        let jobs = had_success(&conn, Stream::Jobs)?;
        let postings = had_success(&conn, Stream::Postings)?;
        conn.execute_batch("DELETE FROM temp.change_context")?;
        conn.execute(
            "INSERT INTO temp.change_context (run_id, at, jobs, postings) VALUES (?1, ?2, ?3, ?4)",
            params![run_id, fmt_time(at), jobs, postings],
        )?;
        Ok(())
    }

    /// Called when a run ends (also when it is stopped): disarms the triggers. When this run
    /// completed the organisation's first jobs pass, records its one "first sync" line.
    pub fn end_change_recording(&self, run_id: i64) -> Result<()> {
        let context: Option<(String, bool)> = {
            let conn = self.writer();
            let ctx = conn
                .query_row(
                    "SELECT at, jobs FROM temp.change_context WHERE run_id = ?1",
                    [run_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            conn.execute_batch("DELETE FROM temp.change_context")?;
            ctx
        };
        let Some((at, false)) = context else {
            return Ok(());
        };
        self.write_tx(|tx| {
            if !had_success(tx, Stream::Jobs)? {
                return Ok(());
            }
            let count = |sql: &str| -> Result<u32> {
                Ok(tx
                    .query_row(sql, [], |r| r.get::<_, i64>(0))?
                    .clamp(0, u32::MAX as i64) as u32)
            };
            let first = FirstSyncCounts {
                jobs: count("SELECT count(*) FROM jobs")?,
                postings: count("SELECT count(*) FROM job_postings")?,
            };
            tx.execute(
                "INSERT INTO change_records (run_id, at, kind, new_value) VALUES (?1, ?2, ?3, ?4)",
                params![run_id, at, ChangeKind::FirstSync, to_json(&first)],
            )?;
            Ok(())
        })
    }

    /// What run `run_id` changed, counted by kind. Empty counts when it changed nothing (or
    /// the records were pruned).
    pub fn changes_summary(&self, run_id: i64) -> Result<ChangeSummary> {
        let conn = self.reader();
        summary_on(&conn, run_id)
    }

    /// What run `run_id` changed in jobs of `departments` or their teams (by each job's
    /// department now: a removed job has no row left and is not counted), by kind.
    pub fn change_counts_in_departments(
        &self,
        run_id: i64,
        departments: &[String],
    ) -> Result<Vec<KindCount>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "WITH RECURSIVE followed(id) AS (
                 SELECT value FROM json_each(?2)
                 UNION SELECT d.id FROM departments d JOIN followed f ON d.parent_id = f.id
             )
             SELECT c.kind, count(*) FROM change_records c JOIN jobs j ON j.id = c.job_id
             WHERE c.run_id = ?1 AND j.department_id IN (SELECT id FROM followed)
             GROUP BY c.kind",
        )?;
        let rows = stmt.query_map(params![run_id, to_json(&departments)], |r| {
            Ok(KindCount {
                kind: r.get(0)?,
                count: r.get::<_, i64>(1)?.clamp(0, u32::MAX as i64) as u32,
            })
        })?;
        let mut counts = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        counts.sort_by_key(|c| c.kind);
        Ok(counts)
    }

    /// The newest changes first (see [`ChangeQuery`]), with each run's summary and the unread
    /// count.
    pub fn changes(&self, q: &ChangeQuery) -> Result<ChangeFeed> {
        let conn = self.reader();
        let limit = q.limit.clamp(1, MAX_CHANGE_ROWS);
        let kinds: Vec<&str> = q.kinds.iter().map(|k| k.as_str()).collect();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {CHANGE_COLUMNS} FROM {CHANGE_FROM}
             WHERE (?1 = '[]' OR c.kind = 'firstSync'
                    OR c.kind IN (SELECT value FROM json_each(?1)))
               AND (?2 IS NULL OR c.job_id = ?2)
             ORDER BY c.id DESC LIMIT ?3"
        ))?;
        let rows: Vec<ChangeRecord> = stmt
            .query_map(
                params![to_json(&kinds), q.job_id, limit as i64],
                change_from_row,
            )?
            .collect::<rusqlite::Result<_>>()?;
        let mut runs = Vec::new();
        let mut seen_runs = std::collections::HashSet::new();
        for r in &rows {
            if seen_runs.insert(r.run_id) {
                runs.push(summary_on(&conn, r.run_id)?);
            }
        }
        let seen_up_to = seen_on(&conn)?;
        Ok(ChangeFeed {
            rows,
            runs,
            seen_up_to,
            unread: unread_on(&conn, seen_up_to)?,
        })
    }

    /// Changes the user has not seen yet (the navigation's badge).
    pub fn unread_changes(&self) -> Result<u32> {
        let conn = self.reader();
        let seen = seen_on(&conn)?;
        unread_on(&conn, seen)
    }

    /// The user has seen every change up to `up_to` (the mark never moves back).
    pub fn mark_changes_seen(&self, up_to: i64) -> Result<()> {
        self.write_tx_unchecked(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value
                 WHERE CAST(settings.value AS INTEGER) < CAST(excluded.value AS INTEGER)",
                params![SEEN_SETTING, up_to.to_string()],
            )?;
            Ok(())
        })
    }
}

fn seen_on(conn: &Connection) -> Result<i64> {
    let v: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [SEEN_SETTING],
            |r| r.get(0),
        )
        .optional()?;
    Ok(v.and_then(|s| s.parse().ok()).unwrap_or(0))
}

fn unread_on(conn: &Connection, seen: i64) -> Result<u32> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM change_records WHERE id > ?1",
        [seen],
        |r| r.get(0),
    )?;
    Ok(n.clamp(0, u32::MAX as i64) as u32)
}

fn summary_on(conn: &Connection, run_id: i64) -> Result<ChangeSummary> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, count(*) AS n, max(CASE WHEN kind = 'firstSync' THEN new_value END) AS first
         FROM change_records WHERE run_id = ?1 GROUP BY kind",
    )?;
    let mut counts = Vec::new();
    let mut first = None;
    let rows = stmt.query_map([run_id], |r| {
        Ok((
            r.get::<_, ChangeKind>("kind")?,
            r.get::<_, i64>("n")?,
            r.get::<_, Option<String>>("first")?,
        ))
    })?;
    for row in rows {
        let (kind, n, f) = row?;
        if let Some(f) = f.and_then(|f| serde_json::from_str(&f).ok()) {
            first = Some(f);
        }
        counts.push(KindCount {
            kind,
            count: n.clamp(0, u32::MAX as i64) as u32,
        });
    }
    Ok(ChangeSummary::from_counts(run_id, counts, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_counts_in_words() {
        let s = ChangeSummary::from_counts(
            1,
            vec![
                KindCount {
                    kind: ChangeKind::DescriptionEdited,
                    count: 2,
                },
                KindCount {
                    kind: ChangeKind::JobAdded,
                    count: 3,
                },
                KindCount {
                    kind: ChangeKind::JobClosed,
                    count: 1,
                },
            ],
            None,
        );
        assert_eq!(s.headline, "3 new jobs, 1 closed, 2 descriptions edited");
        assert_eq!(s.total, 6);
        assert_eq!(s.count(ChangeKind::JobAdded), 3);
        assert_eq!(s.count(ChangeKind::JobRemoved), 0);
        let first = ChangeSummary::from_counts(
            2,
            vec![KindCount {
                kind: ChangeKind::FirstSync,
                count: 1,
            }],
            Some(FirstSyncCounts {
                jobs: 2000,
                postings: 1800,
            }),
        );
        assert_eq!(first.headline, "First sync: 2,000 jobs, 1,800 postings");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }
}
