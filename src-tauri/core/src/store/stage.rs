//! Pages of a full list pass in progress (migration 0006): each page's rows as Ashby sent them
//! and the cursor of the page after it, so a pass that dies half-way continues from its cursor
//! next time instead of from page one. The pass still commits all-or-nothing with its sync token
//! (`commit_list*`), which empties its stage in the same transaction.

use super::{fmt_time, parse_time, Result, Store, Stream};
use chrono::{DateTime, Utc};
use rusqlite::{params, Transaction};
use std::time::Duration;

/// What a staged pass got so far: its pages' rows (JSON arrays, in order) and where to go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListStage {
    pub pages: Vec<String>,
    /// The cursor of the first page not fetched yet.
    pub next_cursor: String,
}

impl ListStage {
    pub fn page_count(&self) -> u32 {
        self.pages.len() as u32
    }
}

pub(crate) fn clear_on(tx: &Transaction<'_>, stream: Stream) -> rusqlite::Result<usize> {
    tx.execute(
        "DELETE FROM list_stage WHERE stream = ?1",
        [stream.as_str()],
    )
}

impl Store {
    /// Keeps page `page` (1-based) of `stream`'s pass: its rows and the cursor that follows it.
    pub fn stage_list_page(
        &self,
        stream: Stream,
        fingerprint: &str,
        page: u32,
        next_cursor: &str,
        results: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.writer().execute(
            "INSERT OR REPLACE INTO list_stage
                 (stream, page, fingerprint, next_cursor, results, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                stream.as_str(),
                page,
                fingerprint,
                next_cursor,
                results,
                fmt_time(now)
            ],
        )?;
        Ok(())
    }

    /// The staged pass of `stream`, if it asked the same question (`fingerprint`), its pages
    /// follow on from page 1 without a gap and its last page is at most `max_age` old. Any
    /// other stage is dropped.
    pub fn list_stage(
        &self,
        stream: Stream,
        fingerprint: &str,
        max_age: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<ListStage>> {
        let rows: Vec<(u32, String, String, String, String)> = {
            let conn = self.reader();
            let mut stmt = conn.prepare(
                "SELECT page, fingerprint, next_cursor, results, saved_at FROM list_stage
                 WHERE stream = ?1 ORDER BY page",
            )?;
            let rows = stmt
                .query_map([stream.as_str()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            rows
        };
        if rows.is_empty() {
            return Ok(None);
        }
        let contiguous = rows.iter().enumerate().all(|(i, r)| r.0 == i as u32 + 1);
        let same = rows.iter().all(|r| r.1 == fingerprint);
        let fresh = rows
            .last()
            .and_then(|r| parse_time(&r.4))
            .and_then(|t| (now - t).to_std().ok().or(Some(Duration::ZERO)))
            .is_some_and(|age| age <= max_age);
        if !(contiguous && same && fresh) {
            tracing::info!(
                stream = stream.as_str(),
                contiguous,
                same,
                fresh,
                "dropping the staged pages of an earlier pass"
            );
            self.clear_list_stage(stream)?;
            return Ok(None);
        }
        let next_cursor = rows.last().map(|r| r.2.clone()).unwrap_or_default();
        Ok(Some(ListStage {
            pages: rows.into_iter().map(|r| r.3).collect(),
            next_cursor,
        }))
    }

    pub fn clear_list_stage(&self, stream: Stream) -> Result<()> {
        self.writer().execute(
            "DELETE FROM list_stage WHERE stream = ?1",
            [stream.as_str()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("c.sqlite3")).unwrap().store;
        (dir, store)
    }

    #[test]
    fn a_stage_continues_only_the_same_fresh_unbroken_pass() {
        let (_d, s) = store();
        let t0 = Utc::now();
        let hour = Duration::from_secs(3600);
        s.stage_list_page(Stream::Jobs, "q", 1, "c1", "[1]", t0)
            .unwrap();
        s.stage_list_page(Stream::Jobs, "q", 2, "c2", "[2]", t0)
            .unwrap();
        let got = s.list_stage(Stream::Jobs, "q", hour, t0).unwrap().unwrap();
        assert_eq!(got.pages, vec!["[1]", "[2]"]);
        assert_eq!(got.next_cursor, "c2");
        // Another stream's stage is its own.
        assert_eq!(
            s.list_stage(Stream::Departments, "q", hour, t0).unwrap(),
            None
        );
        // Too old: dropped.
        let later = t0 + chrono::Duration::hours(2);
        assert_eq!(s.list_stage(Stream::Jobs, "q", hour, later).unwrap(), None);
        assert_eq!(
            s.list_stage(Stream::Jobs, "q", hour * 10, t0).unwrap(),
            None
        );

        // Another question: dropped.
        s.stage_list_page(Stream::Jobs, "q", 1, "c1", "[1]", t0)
            .unwrap();
        assert_eq!(s.list_stage(Stream::Jobs, "other", hour, t0).unwrap(), None);
        // A gap (page 1 missing): dropped.
        s.stage_list_page(Stream::Jobs, "q", 2, "c2", "[2]", t0)
            .unwrap();
        assert_eq!(s.list_stage(Stream::Jobs, "q", hour, t0).unwrap(), None);
    }

    #[test]
    fn committing_the_pass_or_clearing_the_cache_empties_the_stage() {
        let (_d, s) = store();
        let now = Utc::now();
        let hour = Duration::from_secs(3600);
        s.stage_list_page(Stream::Departments, "q", 1, "c1", "[]", now)
            .unwrap();
        s.stage_list_page(Stream::Jobs, "q", 1, "c1", "[]", now)
            .unwrap();
        s.commit_list::<crate::store::DepartmentRecord>(
            &[],
            super::super::PassKind::Full,
            Some("t"),
            now,
        )
        .unwrap();
        assert_eq!(
            s.list_stage(Stream::Departments, "q", hour, now).unwrap(),
            None
        );
        assert!(s
            .list_stage(Stream::Jobs, "q", hour, now)
            .unwrap()
            .is_some());
        s.clear_cache().unwrap();
        assert_eq!(s.list_stage(Stream::Jobs, "q", hour, now).unwrap(), None);
    }
}
