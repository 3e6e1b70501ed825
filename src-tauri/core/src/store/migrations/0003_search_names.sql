-- Search ranking and filters without walking the descriptions:
-- * Two small indexes of the short texts, with the same filter tokens, answer the relevance tiers
--   from small doclists (rowid = jobs.seq, like jobs_fts): `jobs_titles_fts` (job and posting
--   titles) and `jobs_names_fts` (those plus department and location names). A tier is a whole
--   index rather than a column filter on a bigger one: a column filter checks every row of the
--   word's doclist, which is slow when the word is common in another column.
-- * Both indexes' `meta` gain department and location tokens (the job's own and its ancestors'),
--   so a search filtered by department or region needs no join against the jobs table.
-- * `search_vocab` lists the indexed words (folded, 4+ letters), so a typed prefix longer than
--   the indexes' prefix indexes ('2 3') is expanded into whole words instead of an FTS prefix
--   query, which merges every completion's whole doclist before it returns a row.
-- The app rebuilds the indexes from the tables right after this migration (see `maintenance`).
CREATE VIRTUAL TABLE jobs_names_fts USING fts5 (
    title, postings, place, meta,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE VIRTUAL TABLE jobs_titles_fts USING fts5 (
    title, postings, meta,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TABLE search_vocab (
    term TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

INSERT OR IGNORE INTO maintenance (task) VALUES ('rebuild_search_index');
