-- The public job board's last answer, per board name: its ETag goes back as If-None-Match, so an
-- unchanged board costs a 304 instead of every listed posting's description again. Cleared with
-- the cache, and whenever the postings stream is reset (the descriptions must then be read anew).
CREATE TABLE board_state (
    board      TEXT PRIMARY KEY NOT NULL,
    etag       TEXT,
    fetched_at TEXT NOT NULL
);
