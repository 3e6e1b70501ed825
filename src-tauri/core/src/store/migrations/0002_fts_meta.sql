-- The search index gains a `meta` column of filter tokens (status, employment type, workplace
-- type, listed) so filtered searches are answered by the index alone, and user words are
-- restricted to the text columns. The index is rebuilt from the tables by the app right after
-- this migration (see `maintenance`).

DROP TABLE jobs_fts;

CREATE VIRTUAL TABLE jobs_fts USING fts5 (
    title, department, location, postings, description, meta,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- One-off tasks the app runs after migrating (in Rust, in one transaction), then deletes.
CREATE TABLE maintenance (
    task TEXT PRIMARY KEY NOT NULL
);
INSERT INTO maintenance (task) VALUES ('rebuild_search_index');
