-- resets: jobs
-- Change records, openings and per-run totals:
-- * `change_records`: what each sync changed, per job and posting (job added, status changed,
--   renamed, posting listed, description edited, …), with the run and its time. Written by
--   temporary triggers in the same transaction as the row change itself (store/changes.rs), so
--   a change is recorded exactly when it lands. Kept 180 days.
-- * `jobs.openings_json`, `open_openings`: the job's openings, and how many are open, (`job.list` with `expand: ["openings"]`). Existing
--   jobs have none until the jobs stream is read in full again, hence the reset above.
-- * `sync_runs.open_jobs` / `listed_postings`: the cache's totals when the run finished, for
--   the history chart.
CREATE TABLE change_records (
    -- AUTOINCREMENT: ids never come back after pruning, so the "seen up to" mark stays right
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id     INTEGER NOT NULL,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    job_id     TEXT,
    posting_id TEXT,
    -- the job's and the posting's titles when the change was recorded: removed rows keep a name
    title      TEXT,
    posting_title TEXT,
    old_value  TEXT,
    new_value  TEXT
);
CREATE INDEX change_records_at ON change_records (at);
CREATE INDEX change_records_run ON change_records (run_id);
CREATE INDEX change_records_job ON change_records (job_id, id);

ALTER TABLE jobs ADD COLUMN openings_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE jobs ADD COLUMN open_openings INTEGER NOT NULL DEFAULT 0;

ALTER TABLE sync_runs ADD COLUMN open_jobs INTEGER;
ALTER TABLE sync_runs ADD COLUMN listed_postings INTEGER;
