-- A hash of each posting's `jobPosting.list` fields as last written. The list comes whole on every
-- sync (postings have no syncToken); rows whose hash matches are skipped without a statement,
-- the rest go through the exact compare-and-upsert. NULL (older rows) means "compare in SQL".
ALTER TABLE job_postings ADD COLUMN list_hash INTEGER;
