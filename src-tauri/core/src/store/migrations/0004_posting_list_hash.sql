-- Every sync downloads the whole posting list (postings have no syncToken) and compares it with
-- the cache. Two additions make that cheap on a large cache:
-- * `list_hash`: a hash of the posting's list fields as last written. Rows whose hash matches
--   are skipped without a statement; the rest go through the exact compare-and-upsert. NULL
--   (rows from before this migration) means "compare in SQL".
-- * An index that covers what the comparison reads (id, job id, hash, when the description was
--   fetched), so it never reads the rows themselves: those columns sit behind the descriptions
--   in each row, and reaching them walks the descriptions' overflow pages.
ALTER TABLE job_postings ADD COLUMN list_hash INTEGER;
CREATE INDEX job_postings_sync_state ON job_postings (id, job_id, list_hash, description_updated_at);
