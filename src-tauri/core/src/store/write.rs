//! Writes made by the sync engine. `commit_list` (any list stream, driven by the record's
//! `synced_table!` declaration and `SyncedRow` hooks) and `commit_postings` apply one stream's
//! whole pass and its new sync state (token, timestamps) in ONE transaction: never a token without
//! its data, never data without its token. If anything fails the transaction rolls back and the
//! previous cache stays.

use super::records::{HIRING_TEAM, POSTINGS};
use super::table::{from_row, Columns, SyncedRow};
use super::*;
use rusqlite::{params, params_from_iter, OptionalExtension, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};

impl SyncedRow for DepartmentRecord {
    /// Teams are departments with a parent: a job in a team is below its department too.
    fn after_pass(tx: &Transaction<'_>, changed: &HashSet<String>) -> Result<()> {
        touch_jobs_below(tx, "department_id", "departments", "parent_id", changed)
    }
}

impl SyncedRow for LocationRecord {
    /// Regions hold locations (`parent_location_id`).
    fn after_pass(tx: &Transaction<'_>, changed: &HashSet<String>) -> Result<()> {
        touch_jobs_below(
            tx,
            "location_id",
            "locations",
            "parent_location_id",
            changed,
        )
    }
}

impl SyncedRow for JobRecord {
    /// The team is replaced wholesale, then the job is re-indexed.
    fn after_change(&self, tx: &Transaction<'_>) -> Result<()> {
        tx.prepare_cached("DELETE FROM job_hiring_team WHERE job_id = ?1")?
            .execute([&self.id])?;
        let mut add = tx.prepare_cached(&HIRING_TEAM.insert_sql())?;
        for (pos, m) in self.hiring_team.iter().enumerate() {
            add.execute(params![
                self.id,
                pos as i64,
                m.user_id,
                m.first_name,
                m.last_name,
                m.email,
                m.role
            ])?;
        }
        tx.prepare_cached(TOUCH_JOB)?.execute([&self.id])?;
        Ok(())
    }

    fn remove(tx: &Transaction<'_>, id: &str) -> Result<()> {
        delete_job(tx, id)
    }
}

const POSTING_DESCRIPTION_UPDATE: &str = "
UPDATE job_postings
SET description_html = ?2, description_plain = ?3, description_updated_at = ?4
WHERE id = ?1 AND (description_html IS NOT ?2 OR description_plain IS NOT ?3
                   OR description_updated_at IS NOT ?4)";

const TOUCH_JOB: &str = "INSERT OR IGNORE INTO temp.touched_jobs (id) VALUES (?1)";

impl Store {
    pub fn stream_state(&self, stream: Stream) -> Result<StreamState> {
        Ok(self.stream_states()?.remove(&stream).unwrap_or_default())
    }

    pub fn stream_states(&self) -> Result<BTreeMap<Stream, StreamState>> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT stream, sync_token, last_full_sync_at, last_success_at, last_attempt_at,
                    last_error_code FROM sync_state",
        )?;
        let mut out = BTreeMap::new();
        let rows = stmt.query_map([], |r| {
            let time = |column: &str| -> rusqlite::Result<Option<DateTime<Utc>>> {
                Ok(r.get::<_, Option<String>>(column)?
                    .and_then(|s| parse_time(&s)))
            };
            Ok((
                r.get::<_, String>("stream")?,
                StreamState {
                    sync_token: r.get("sync_token")?,
                    last_full_sync_at: time("last_full_sync_at")?,
                    last_success_at: time("last_success_at")?,
                    last_attempt_at: time("last_attempt_at")?,
                    last_error_code: r.get("last_error_code")?,
                },
            ))
        })?;
        for row in rows {
            let (name, state) = row?;
            if let Some(stream) = Stream::parse(&name) {
                out.insert(stream, state);
            }
        }
        Ok(out)
    }

    /// A stream's pass failed: remember the code (the token and data stay as they were).
    pub fn record_stream_error(
        &self,
        stream: Stream,
        code: ErrorCode,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute(
                "INSERT INTO sync_state (stream, last_attempt_at, last_error_code) VALUES (?1, ?2, ?3)
                 ON CONFLICT (stream) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
                                                    last_error_code = excluded.last_error_code",
                params![stream.as_str(), fmt_time(at), code],
            )?;
            Ok(())
        })
    }

    /// Drops every sync token so the next run is a full, reconciling pass.
    pub fn clear_sync_tokens(&self) -> Result<()> {
        self.write_tx_unchecked(|tx| {
            tx.execute("UPDATE sync_state SET sync_token = NULL", [])?;
            Ok(())
        })
    }

    /// Removes all synced data and sync state (e.g. the key now belongs to another organisation,
    /// or the user asked to delete the cached jobs) and moves the cache generation on, so a run
    /// still in flight cannot write its rows back. History, settings and key facts stay.
    ///
    /// The rows must really be gone, not just unlinked: `secure_delete` overwrites freed pages
    /// and cells with zeros, but a cleared table's root page keeps stale bytes, so the file is
    /// then rebuilt (`VACUUM`), and a `TRUNCATE` checkpoint copies the result into the database
    /// file and empties the write-ahead log, which still held the old pages.
    pub fn clear_cache(&self) -> Result<()> {
        self.writer().pragma_update(None, "secure_delete", true)?;
        let cleared = self.write_tx_unchecked(|tx| {
            for table in SYNCED_TABLES {
                tx.execute(&format!("DELETE FROM {}", table.name), [])?;
            }
            tx.execute_batch(
                "DELETE FROM sync_state; DELETE FROM board_state; DELETE FROM list_stage;
                 DELETE FROM temp.touched_jobs; DELETE FROM change_records;",
            )?;
            tx.execute_batch(CLEAR_SEARCH_INDEXES)?;
            super::bump_generation_on(tx)?;
            Ok(())
        });
        let conn = self.writer();
        let restored = conn.pragma_update(None, "secure_delete", false);
        cleared?;
        restored?;
        // Needs free disk space about the cache's size; the rows are gone either way.
        if let Err(e) = conn.execute_batch("VACUUM") {
            tracing::warn!("could not compact the cache after deleting the jobs: {e}");
        }
        // A reader may still hold the old pages a moment: the busy timeout waits for it.
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            tracing::warn!("the cache's log could not be emptied right after deleting the jobs");
        }
        Ok(())
    }

    /// Applies one list stream's pass: UPSERTs every row (counting only real changes), removes
    /// what a full pass did not see, runs the row's hooks, re-indexes the touched jobs and stores
    /// the pass's token, all in one transaction.
    pub fn commit_list<R: SyncedRow>(
        &self,
        rows: &[R],
        kind: PassKind,
        sync_token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<StreamCounts> {
        self.commit_list_keeping(rows, kind, sync_token, now, &HashSet::new())
    }

    /// [`Store::commit_list`], where a full pass also keeps the rows in `keep` (ids Ashby sent
    /// that the app could not read: they are not gone, only unreadable this time).
    pub fn commit_list_keeping<R: SyncedRow>(
        &self,
        rows: &[R],
        kind: PassKind,
        sync_token: Option<&str>,
        now: DateTime<Utc>,
        keep: &HashSet<String>,
    ) -> Result<StreamCounts> {
        let table = R::TABLE;
        let mut conn = self.writer();
        let tx = self.begin_write(&mut conn)?;
        let existing = ids(&tx, &format!("SELECT id FROM {}", table.name))?;
        let mut seen: HashSet<&str> = keep.iter().map(String::as_str).collect();
        let mut changed = HashSet::new();
        {
            let mut up = tx.prepare_cached(&table.upsert_sql())?;
            for row in rows {
                seen.insert(row.id());
                if up.execute(params_from_iter(row.values()?))? > 0 {
                    row.after_change(&tx)?;
                    changed.insert(row.id().to_string());
                }
            }
        }
        let mut counts = split_counts(&existing, &changed);
        if kind == PassKind::Full {
            for id in existing.iter().filter(|id| !seen.contains(id.as_str())) {
                R::remove(&tx, id)?;
                counts.removed += 1;
                changed.insert(id.clone());
            }
        }
        if !changed.is_empty() {
            R::after_pass(&tx, &changed)?;
        }
        refresh_touched_jobs(&tx)?;
        set_stream_success(&tx, table.stream, kind, sync_token, now)?;
        // The pass is whole now: its staged pages are done with.
        super::stage::clear_on(&tx, table.stream)?;
        tx.commit()?;
        Ok(counts)
    }

    /// Whether any posting is cached (none before the first sync stored its posting list).
    pub fn has_postings(&self) -> Result<bool> {
        let conn = self.reader();
        Ok(
            conn.query_row("SELECT EXISTS (SELECT 1 FROM job_postings)", [], |r| {
                r.get(0)
            })?,
        )
    }

    /// id → the posting `updatedAt` its stored description belongs to (`None`: no description).
    /// The engine fetches `jobPosting.info` for postings that are new or whose `updatedAt` moved.
    pub fn posting_description_state(&self) -> Result<HashMap<String, Option<String>>> {
        let conn = self.reader();
        // `description_updated_at` is written with the description and only then, so it is NULL
        // exactly when there is none; read from the covering index (migration 0004).
        let mut stmt = conn.prepare("SELECT id, description_updated_at FROM job_postings")?;
        let map = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(map)
    }

    /// Applies the full `jobPosting.list` (always complete: postings missing from it are
    /// removed) plus the descriptions fetched this run (sanitized here, before storage), and marks
    /// the stream synced, in one transaction.
    pub fn commit_postings(
        &self,
        rows: &[PostingRecord],
        descriptions: &HashMap<String, PostingDescription>,
        now: DateTime<Utc>,
    ) -> Result<StreamCounts> {
        let mut conn = self.writer();
        let tx = self.begin_write(&mut conn)?;
        let (counts, _) = apply_postings(&tx, rows, descriptions, &HashSet::new())?;
        refresh_touched_jobs(&tx)?;
        set_stream_success(&tx, Stream::Postings, PassKind::Full, None, now)?;
        tx.commit()?;
        Ok(counts)
    }

    /// The first step of a postings pass: the full `jobPosting.list`, without descriptions,
    /// in one transaction. Postings missing from it are removed, except those in `keep` (rows
    /// Ashby listed but the app could not read). The stream is not marked synced yet
    /// ([`Store::finish_postings`] does that after the descriptions). Returns the counts and the
    /// ids of the rows inserted or changed.
    pub fn commit_posting_list(
        &self,
        rows: &[PostingRecord],
        keep: &HashSet<String>,
    ) -> Result<(StreamCounts, HashSet<String>)> {
        let mut conn = self.writer();
        let tx = self.begin_write(&mut conn)?;
        let out = apply_postings(&tx, rows, &HashMap::new(), keep)?;
        refresh_touched_jobs(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Stores a batch of descriptions as they arrive (each with the posting `updatedAt` it
    /// belongs to, so storing one twice changes nothing) and removes the postings Ashby no
    /// longer has (`gone`), re-indexing their jobs, in one transaction. An interrupted run keeps
    /// every batch it committed. Returns the ids whose stored description changed, and how
    /// many postings were removed.
    pub fn commit_descriptions(
        &self,
        descriptions: &[(String, PostingDescription)],
        gone: &[String],
    ) -> Result<(HashSet<String>, u32)> {
        let mut conn = self.writer();
        let tx = self.begin_write(&mut conn)?;
        let mut changed = HashSet::new();
        let mut removed = 0;
        {
            let mut desc = tx.prepare_cached(POSTING_DESCRIPTION_UPDATE)?;
            let mut job_of = tx.prepare_cached("SELECT job_id FROM job_postings WHERE id = ?1")?;
            let mut del = tx.prepare_cached("DELETE FROM job_postings WHERE id = ?1")?;
            let mut touch = tx.prepare_cached(TOUCH_JOB)?;
            for (id, d) in descriptions {
                let n = desc.execute(params![
                    id,
                    sanitize_description_html(&d.description_html),
                    d.description_plain,
                    d.updated_at
                ])?;
                if n > 0 {
                    changed.insert(id.clone());
                    let job: Option<String> = job_of.query_row([id], |r| r.get(0)).optional()?;
                    if let Some(job) = job {
                        touch.execute([job])?;
                    }
                }
            }
            for id in gone {
                let job: Option<String> = job_of.query_row([id], |r| r.get(0)).optional()?;
                if let Some(job) = job {
                    del.execute([id])?;
                    touch.execute([job])?;
                    removed += 1;
                }
            }
        }
        refresh_touched_jobs(&tx)?;
        tx.commit()?;
        Ok((changed, removed))
    }

    /// The end of a postings pass: the stream is synced (`problem` = the code of the postings
    /// that could not be stored this time, remembered as the stream's last error).
    pub fn finish_postings(&self, now: DateTime<Utc>, problem: Option<ErrorCode>) -> Result<()> {
        let mut conn = self.writer();
        let tx = self.begin_write(&mut conn)?;
        set_stream_success(&tx, Stream::Postings, PassKind::Full, None, now)?;
        if let Some(code) = problem {
            tx.execute(
                "UPDATE sync_state SET last_error_code = ?2 WHERE stream = ?1",
                params![Stream::Postings.as_str(), code],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The ETag of the public board's last answer whose descriptions were all stored.
    pub fn board_etag(&self, board: &str) -> Result<Option<String>> {
        let etag = self
            .reader()
            .query_row(
                "SELECT etag FROM board_state WHERE board = ?1",
                [board.to_ascii_lowercase()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(etag.flatten())
    }

    pub fn set_board_etag(
        &self,
        board: &str,
        etag: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.writer().execute(
            "INSERT INTO board_state (board, etag, fetched_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (board) DO UPDATE SET etag = excluded.etag, fetched_at = excluded.fetched_at",
            params![board.to_ascii_lowercase(), etag, fmt_time(now)],
        )?;
        Ok(())
    }
}

/// Upserts the posting list (and any descriptions given), removes postings not in it (except
/// `keep`), and marks the touched jobs. Returns the counts and the inserted or changed ids.
fn apply_postings(
    tx: &Transaction<'_>,
    rows: &[PostingRecord],
    descriptions: &HashMap<String, PostingDescription>,
    keep: &HashSet<String>,
) -> Result<(StreamCounts, HashSet<String>)> {
    // id → (job_id, list_hash as last written).
    let existing: HashMap<String, (String, Option<i64>)> = {
        let mut stmt = tx.prepare("SELECT id, job_id, list_hash FROM job_postings")?;
        let map = stmt
            .query_map([], |r| {
                Ok((r.get("id")?, (r.get("job_id")?, r.get("list_hash")?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        map
    };
    let mut seen: HashSet<&str> = keep.iter().map(String::as_str).collect();
    let mut changed = HashSet::new();
    {
        let mut up = tx.prepare_cached(&POSTINGS.upsert_sql())?;
        let mut desc = tx.prepare_cached(POSTING_DESCRIPTION_UPDATE)?;
        let mut set_hash =
            tx.prepare_cached("UPDATE job_postings SET list_hash = ?2 WHERE id = ?1")?;
        let mut touch = tx.prepare_cached(TOUCH_JOB)?;
        for p in rows {
            seen.insert(p.id.as_str());
            let hash = list_hash(p);
            let old = existing.get(&p.id);
            let description = descriptions.get(&p.id);
            // Unchanged since it was last written, and no new description: nothing to do.
            if description.is_none() && old.is_some_and(|(_, h)| *h == Some(hash)) {
                continue;
            }
            let mut n = up.execute(params_from_iter(p.values()?))?;
            if old.is_none_or(|(_, h)| *h != Some(hash)) {
                // The row now holds exactly this record; recording that is no change.
                set_hash.execute(params![p.id, hash])?;
            }
            if let Some(d) = description {
                n += desc.execute(params![
                    p.id,
                    sanitize_description_html(&d.description_html),
                    d.description_plain,
                    d.updated_at
                ])?;
            }
            if n > 0 {
                changed.insert(p.id.clone());
                touch.execute([&p.job_id])?;
                if let Some((old_job, _)) = old.filter(|(j, _)| *j != p.job_id) {
                    touch.execute([old_job])?;
                }
            }
        }
    }
    let existing_ids: HashSet<String> = existing.keys().cloned().collect();
    let mut counts = split_counts(&existing_ids, &changed);
    {
        let mut del = tx.prepare_cached("DELETE FROM job_postings WHERE id = ?1")?;
        let mut touch = tx.prepare_cached(TOUCH_JOB)?;
        for (id, (job_id, _)) in &existing {
            if !seen.contains(id.as_str()) {
                del.execute([id])?;
                touch.execute([job_id])?;
                counts.removed += 1;
            }
        }
    }
    Ok((counts, changed))
}

/// Marks the jobs in the subtrees of `changed` (departments or locations) for re-indexing: those
/// whose `job_column` points at a changed row of `table` or at a row below one (`parent_column`).
fn touch_jobs_below(
    tx: &Transaction<'_>,
    job_column: &str,
    table: &str,
    parent_column: &str,
    changed: &HashSet<String>,
) -> Result<()> {
    let sql = format!(
        "INSERT OR IGNORE INTO temp.touched_jobs (id)
         SELECT j.id FROM jobs j WHERE j.{job_column} IN (
             WITH RECURSIVE sub (id) AS (
                 SELECT value FROM json_each(?1)
                 UNION SELECT t.id FROM {table} t JOIN sub ON t.{parent_column} = sub.id
             ) SELECT id FROM sub)"
    );
    tx.prepare_cached(&sql)?.execute([to_json(changed)])?;
    Ok(())
}

fn ids(tx: &Transaction<'_>, sql: &str) -> Result<HashSet<String>> {
    let mut stmt = tx.prepare(sql)?;
    let set = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(set)
}

fn split_counts(existing: &HashSet<String>, changed: &HashSet<String>) -> StreamCounts {
    let updated = changed.iter().filter(|id| existing.contains(*id)).count() as u32;
    StreamCounts {
        inserted: changed.len() as u32 - updated,
        updated,
        removed: 0,
    }
}

pub(super) fn hiring_team_sig(team: &[HiringTeamRecord]) -> String {
    let parts: Vec<[&str; 5]> = team
        .iter()
        .map(|m| {
            [
                m.user_id.as_str(),
                m.first_name.as_str(),
                m.last_name.as_str(),
                m.email.as_deref().unwrap_or(""),
                m.role.as_str(),
            ]
        })
        .collect();
    to_json(&parts)
}

fn delete_job(tx: &Transaction<'_>, id: &str) -> Result<()> {
    let seq: Option<i64> = tx
        .query_row("SELECT seq FROM jobs WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    if let Some(seq) = seq {
        unindex_job(tx, seq)?;
        // job_hiring_team rows go with it (ON DELETE CASCADE).
        tx.execute("DELETE FROM jobs WHERE seq = ?1", [seq])?;
    }
    tx.execute("DELETE FROM temp.touched_jobs WHERE id = ?1", [id])?;
    Ok(())
}

fn set_stream_success(
    tx: &Transaction<'_>,
    stream: Stream,
    kind: PassKind,
    sync_token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_state (stream, sync_token, last_full_sync_at, last_success_at,
                                 last_attempt_at, last_error_code)
         VALUES (?1, ?2, CASE WHEN ?3 THEN ?4 END, ?4, ?4, NULL)
         ON CONFLICT (stream) DO UPDATE SET
             sync_token = excluded.sync_token,
             last_full_sync_at = COALESCE(excluded.last_full_sync_at, sync_state.last_full_sync_at),
             last_success_at = excluded.last_success_at,
             last_attempt_at = excluded.last_attempt_at,
             last_error_code = NULL",
        params![
            stream.as_str(),
            sync_token,
            kind == PassKind::Full,
            fmt_time(now)
        ],
    )?;
    Ok(())
}

/// id → (name, external name, parent id) of departments or locations.
type NameChains = HashMap<String, (String, Option<String>, Option<String>)>;

/// Name chains (self first, then parents) for the search index.
fn name_chains(tx: &Transaction<'_>, sql: &str) -> Result<NameChains> {
    let mut stmt = tx.prepare(sql)?;
    let map = stmt
        .query_map([], |r| {
            Ok((
                r.get("id")?,
                (r.get("name")?, r.get("external_name")?, r.get("parent_id")?),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(map)
}

/// Empties every search index and the completion vocabulary (rebuilt from the tables by
/// [`refresh_touched_jobs`]).
pub(crate) const CLEAR_SEARCH_INDEXES: &str = "
    INSERT INTO jobs_fts (jobs_fts) VALUES ('delete-all');
    INSERT INTO jobs_names_fts (jobs_names_fts) VALUES ('delete-all');
    INSERT INTO jobs_titles_fts (jobs_titles_fts) VALUES ('delete-all');
    DELETE FROM search_vocab;";

/// Removes a job's rows from every search index (rowid = jobs.seq).
fn unindex_job(tx: &Transaction<'_>, seq: i64) -> Result<()> {
    for sql in [
        "DELETE FROM jobs_fts WHERE rowid = ?1",
        "DELETE FROM jobs_names_fts WHERE rowid = ?1",
        "DELETE FROM jobs_titles_fts WHERE rowid = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([seq])?;
    }
    Ok(())
}

/// A fingerprint of a posting's list fields, to skip unchanged rows of the (always complete)
/// posting list. Only ever compared with hashes this code wrote: if the hasher changes between
/// Rust releases, every row just goes through the exact SQL comparison once more.
fn list_hash(p: &PostingRecord) -> i64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    p.hash(&mut h);
    h.finish() as i64
}

/// `start` and its ancestors' ids. `start` is kept even when it isn't cached (a department the
/// key can't see), as the SQL filter on `department_id` would match it.
fn chain_ids(map: &NameChains, start: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = start.map(str::to_string);
    // Bounded, and stops at a repeat: a malformed hierarchy with a cycle must not loop forever.
    for _ in 0..16 {
        let Some(id) = cur.take() else { break };
        if out.contains(&id) {
            break;
        }
        cur = map.get(&id).and_then(|(_, _, parent)| parent.clone());
        out.push(id);
    }
    out
}

/// The names (and differing external names) along a chain from [`chain_ids`], up to the first
/// id that isn't cached.
fn chain_text(map: &NameChains, ids: &[String]) -> String {
    let mut out = Vec::new();
    for id in ids {
        let Some((name, external, _)) = map.get(id) else {
            break;
        };
        out.push(name.as_str());
        if let Some(ext) = external.as_deref().filter(|e| e != name) {
            out.push(ext);
        }
    }
    out.join(" ")
}

/// Recomputes the derived job columns and the search-index row of every job touched in this
/// transaction, then empties the touched set.
pub(crate) fn refresh_touched_jobs(tx: &Transaction<'_>) -> Result<()> {
    struct Touched {
        seq: i64,
        id: String,
        title: String,
        status: String,
        employment_type: Option<String>,
        department_id: Option<String>,
        location_id: Option<String>,
    }
    let touched: Vec<Touched> = {
        let mut stmt = tx.prepare(
            "SELECT j.seq, j.id, j.title, j.status, j.employment_type, j.department_id,
                    j.location_id
             FROM temp.touched_jobs t JOIN jobs j ON j.id = t.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(from_row!(r => Touched {
                    seq, id, title, status, employment_type, department_id, location_id
                }))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows
    };
    if !touched.is_empty() {
        let departments = name_chains(
            tx,
            "SELECT id, name, external_name, parent_id FROM departments",
        )?;
        let locations = name_chains(
            tx,
            "SELECT id, name, external_name, parent_location_id AS parent_id FROM locations",
        )?;
        let location_wt: HashMap<String, Option<String>> = {
            let mut stmt = tx.prepare("SELECT id, workplace_type FROM locations")?;
            let map = stmt
                .query_map([], |r| Ok((r.get("id")?, r.get("workplace_type")?)))?
                .collect::<rusqlite::Result<_>>()?;
            map
        };
        let mut postings = tx.prepare_cached(
            "SELECT title, is_listed, workplace_type, description_plain FROM job_postings
             WHERE job_id = ?1 ORDER BY is_listed DESC, id",
        )?;
        let mut update = tx.prepare_cached(
            "UPDATE jobs SET workplace_type = ?2, is_listed = ?3, posting_count = ?4
             WHERE seq = ?1",
        )?;
        let mut titles_add = tx.prepare_cached(
            "INSERT INTO jobs_titles_fts (rowid, title, postings, meta) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut names_add = tx.prepare_cached(
            "INSERT INTO jobs_names_fts (rowid, title, postings, place, meta)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut fts_add = tx.prepare_cached(
            "INSERT INTO jobs_fts (rowid, title, department, location, postings, description, meta)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        // Words for prefix completion, written once per batch.
        let mut vocabulary: HashSet<String> = HashSet::new();
        for job in touched {
            let (seq, loc) = (job.seq, job.location_id.as_ref());
            let rows: Vec<(String, bool, Option<String>, Option<String>)> = postings
                .query_map([&job.id], |r| {
                    Ok((
                        r.get("title")?,
                        r.get("is_listed")?,
                        r.get("workplace_type")?,
                        r.get("description_plain")?,
                    ))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let listed = rows.iter().any(|p| p.1);
            // Listed postings sort first, so theirs wins; else the location's.
            let workplace = rows
                .iter()
                .find_map(|p| p.2.clone())
                .or_else(|| loc.and_then(|l| location_wt.get(l).cloned().flatten()));
            update.execute(params![seq, workplace, listed, rows.len() as i64])?;
            let posting_titles: Vec<&str> = rows.iter().map(|p| p.0.as_str()).collect();
            let descriptions: Vec<&str> = rows.iter().filter_map(|p| p.3.as_deref()).collect();
            unindex_job(tx, seq)?;
            let department_ids = chain_ids(&departments, job.department_id.as_deref());
            let location_ids = chain_ids(&locations, job.location_id.as_deref());
            let meta = super::search::meta_tokens(&super::search::MetaFacts {
                status: &job.status,
                employment_type: job.employment_type.as_deref(),
                workplace_type: workplace.as_deref(),
                listed,
                department_chain: &department_ids,
                location_chain: &location_ids,
            });
            let department = chain_text(&departments, &department_ids);
            let location = chain_text(&locations, &location_ids);
            let posting_titles = posting_titles.join("\n");
            fts_add.execute(params![
                seq,
                job.title,
                department,
                location,
                posting_titles,
                descriptions.join("\n"),
                meta,
            ])?;
            for text in [&job.title, &department, &location, &posting_titles]
                .into_iter()
                .map(String::as_str)
                .chain(descriptions.iter().copied())
            {
                vocabulary.extend(super::search::vocabulary_words(text));
            }
            names_add.execute(params![
                seq,
                job.title,
                posting_titles,
                format!("{department}\n{location}"),
                meta,
            ])?;
            titles_add.execute(params![seq, job.title, posting_titles, meta])?;
        }
        // Words never leave the vocabulary: a stale completion only adds an empty OR branch.
        let mut add_word =
            tx.prepare_cached("INSERT OR IGNORE INTO search_vocab (term) VALUES (?1)")?;
        for word in vocabulary {
            add_word.execute([word])?;
        }
    }
    tx.execute("DELETE FROM temp.touched_jobs", [])?;
    Ok(())
}
