-- Initial schema of the offline job cache. Timestamps that come from Ashby are stored exactly as
-- Ashby sent them (ISO-8601 text); the app's own timestamps are RFC 3339 UTC with milliseconds.
-- No candidate or application data is ever stored; compensation only as the posting's summary.

CREATE TABLE departments (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    external_name TEXT,
    parent_id     TEXT,
    is_archived   INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT,
    updated_at    TEXT
);
CREATE INDEX departments_parent ON departments (parent_id);

CREATE TABLE locations (
    id                 TEXT PRIMARY KEY NOT NULL,
    name               TEXT NOT NULL,
    external_name      TEXT,
    parent_location_id TEXT,
    location_type      TEXT,
    workplace_type     TEXT,
    is_archived        INTEGER NOT NULL DEFAULT 0,
    is_remote          INTEGER,
    address_json       TEXT
);
CREATE INDEX locations_parent ON locations (parent_location_id);

-- `seq` is an explicit INTEGER PRIMARY KEY so the FTS rowid that points at it survives VACUUM.
-- department_id / location_id are soft references: a job may name a department the key can't see.
CREATE TABLE jobs (
    seq                   INTEGER PRIMARY KEY,
    id                    TEXT NOT NULL UNIQUE,
    title                 TEXT NOT NULL,
    status                TEXT NOT NULL,
    employment_type       TEXT,
    confidential          INTEGER NOT NULL DEFAULT 0,
    department_id         TEXT,
    location_id           TEXT,
    custom_requisition_id TEXT,
    created_at            TEXT,
    updated_at            TEXT NOT NULL,
    opened_at             TEXT,
    closed_at             TEXT,
    job_posting_ids_json  TEXT NOT NULL DEFAULT '[]',
    -- change detection for the inline hiring team (the job's updatedAt may not move with it)
    hiring_team_sig       TEXT NOT NULL DEFAULT '',
    -- derived from postings/location in the same transaction that changes them
    workplace_type        TEXT,
    is_listed             INTEGER NOT NULL DEFAULT 0,
    posting_count         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_status_updated ON jobs (status, updated_at);
CREATE INDEX jobs_status_title ON jobs (status, title COLLATE NOCASE);
CREATE INDEX jobs_status_opened ON jobs (status, opened_at);
CREATE INDEX jobs_department ON jobs (department_id);
CREATE INDEX jobs_location ON jobs (location_id);

CREATE TABLE job_hiring_team (
    job_id     TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    user_id    TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    email      TEXT,
    role       TEXT NOT NULL,
    PRIMARY KEY (job_id, position)
) WITHOUT ROWID;

-- Postings reference their job softly: the posting list and the job list are separate passes.
CREATE TABLE job_postings (
    id                          TEXT PRIMARY KEY NOT NULL,
    job_id                      TEXT NOT NULL,
    title                       TEXT NOT NULL,
    department_name             TEXT,
    team_name                   TEXT,
    location_name               TEXT,
    primary_location_id         TEXT,
    secondary_location_ids_json TEXT NOT NULL DEFAULT '[]',
    workplace_type              TEXT,
    employment_type             TEXT,
    is_listed                   INTEGER NOT NULL DEFAULT 0,
    published_date              TEXT,
    application_deadline        TEXT,
    external_link               TEXT,
    apply_link                  TEXT,
    compensation_tier_summary   TEXT,
    should_display_compensation INTEGER NOT NULL DEFAULT 0,
    updated_at                  TEXT NOT NULL,
    -- sanitized with ammonia before it is written
    description_html            TEXT,
    description_plain           TEXT,
    -- the posting's updatedAt when the description was fetched (decides re-fetching)
    description_updated_at      TEXT
);
CREATE INDEX job_postings_job ON job_postings (job_id, is_listed);

-- One row per job (rowid = jobs.seq). Contentless: the text lives in the tables above, so the
-- index doesn't store the descriptions twice; highlighting is done in Rust.
CREATE VIRTUAL TABLE jobs_fts USING fts5 (
    title, department, location, postings, description,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TABLE sync_state (
    stream            TEXT PRIMARY KEY NOT NULL,
    sync_token        TEXT,
    last_full_sync_at TEXT,
    last_success_at   TEXT,
    last_attempt_at   TEXT,
    last_error_code   TEXT
);

CREATE TABLE sync_runs (
    id            INTEGER PRIMARY KEY,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    trigger       TEXT NOT NULL,
    full          INTEGER NOT NULL DEFAULT 0,
    -- NULL while running; ok | partial | failed
    result        TEXT,
    streams_json  TEXT NOT NULL DEFAULT '[]',
    requests      INTEGER NOT NULL DEFAULT 0,
    error_code    TEXT,
    error_message TEXT
);
CREATE INDEX sync_runs_started ON sync_runs (started_at);

-- Facts about the verified key. Never the key itself.
CREATE TABLE key_verification (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    title             TEXT,
    created_at        TEXT,
    scopes_json       TEXT NOT NULL DEFAULT '[]',
    modules_json      TEXT NOT NULL DEFAULT '{}',
    write_scopes_json TEXT NOT NULL DEFAULT '[]',
    org_fingerprint   TEXT,
    verified_at       TEXT,
    invalid_code      TEXT,
    invalid_at        TEXT
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
