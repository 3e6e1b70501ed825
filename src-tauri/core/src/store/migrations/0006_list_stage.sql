-- Pages of a full list pass that has not finished yet (Ashby's rows as received, and the cursor
-- of the page after each), so a pass cut short continues where it stopped instead of from page
-- one. Emptied when the pass commits (with its sync token), when it starts afresh, and with the
-- cache.
CREATE TABLE list_stage (
    stream       TEXT NOT NULL,
    page         INTEGER NOT NULL,
    -- The question the pass asked (endpoint, parameters, page size): a stage of another
    -- question is never continued.
    fingerprint  TEXT NOT NULL,
    next_cursor  TEXT NOT NULL,
    results      TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    PRIMARY KEY (stream, page)
);
