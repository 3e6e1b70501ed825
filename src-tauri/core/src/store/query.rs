//! Read-only queries for the UI and the CLI. They run on the reader connection inside one read
//! transaction each, so a page and its total come from the same snapshot even while a sync
//! commits.

use super::search::{id_token, meta_token, SearchTerms, MAX_COMPLETIONS, TEXT_COLUMNS};
use super::table::{from_row, Columns};
use super::*;
use crate::ashby::JobStatus;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension, Row};
use std::collections::{HashMap, HashSet};

/// At most this many search hits are counted and sorted. Very common words ("engineer") would
/// otherwise make every keystroke walk most of the index; the newest matches are kept (see
/// `truncated`).
pub const SEARCH_CANDIDATE_CAP: usize = 2_000;

/// Relevance tiers, best first: every word in the job title; in the job or posting titles; in
/// those or the department/location names; anywhere (descriptions too). A job ranks by the
/// first tier it matches, newest first within a tier. Each tier is its own small index
/// (a column filter would check every row of a word's doclist) walked newest first and stopped
/// after one page, where bm25 would scan every match of every word in the descriptions to weigh
/// the words (tens of milliseconds for a common word on a large cache).
const NAME_TIERS: [(Index, Option<&str>); 3] = [
    (Index::Titles, Some("title")),
    (Index::Titles, None),
    (Index::Names, None),
];

/// One job with its names: the declared `jobs` columns (see `JOBS` in `records.rs`), so a column
/// added there reaches `JobDetail` without an edit here, plus what the detail joins and derives.
static JOB_DETAIL_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {}, j.workplace_type, d.name AS department_name, l.name AS location_name
         FROM jobs j LEFT JOIN departments d ON d.id = j.department_id
                     LEFT JOIN locations l ON l.id = j.location_id
         WHERE j.id = ?1",
        super::records::JOBS.select_list("j")
    )
});

/// A job's postings: the declared `job_postings` columns (see `POSTINGS` in `records.rs`), so a
/// column added there reaches `PostingDetail` without an edit here, plus the descriptions.
static POSTINGS_OF_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {}, p.description_html, p.description_plain
         FROM job_postings p WHERE p.job_id = ?1
         ORDER BY p.is_listed DESC, p.published_date DESC, p.id",
        super::records::POSTINGS.select_list("p")
    )
});

const LIST_COLUMNS: &str = "j.id, j.title, j.status, j.employment_type, j.confidential, \
    j.department_id, d.name AS department_name, j.location_id, l.name AS location_name, \
    j.workplace_type, j.is_listed, j.posting_count, j.open_openings, j.updated_at, j.opened_at, \
    j.closed_at, j.seq";

const LIST_FROM: &str = "jobs j LEFT JOIN departments d ON d.id = j.department_id \
    LEFT JOIN locations l ON l.id = j.location_id";

fn list_item(r: &Row<'_>) -> rusqlite::Result<(i64, JobListItem)> {
    let item = from_row!(r => JobListItem {
        id, title, status, employment_type, confidential, department_id, department_name,
        location_id, location_name, workplace_type, is_listed, updated_at, opened_at, closed_at;
        posting_count: count(r.get("posting_count")?),
        open_openings: count(r.get("open_openings")?),
        title_highlight: None,
        snippet: None,
    });
    Ok((r.get("seq")?, item))
}

/// A stored count as the UI's `u32`.
fn count(n: i64) -> u32 {
    n.clamp(0, u32::MAX as i64) as u32
}

/// Canonical status names; empty means the default (Open).
pub(crate) fn normalize_statuses(statuses: &[JobStatus]) -> Vec<String> {
    let mut out: Vec<String> = statuses
        .iter()
        .map(|s| JobStatus::parse_loose(s.as_str()))
        .filter(|s| !s.as_str().is_empty())
        .map(|s| s.as_str().to_string())
        .collect();
    out.dedup();
    if out.is_empty() {
        out.push(JobStatus::DEFAULT_FILTER.as_str().into());
    }
    out
}

/// `AND …` conditions over `jobs j` and their parameters, in order (the browse path; searches
/// answer the same filters from the index's `meta` tokens).
fn filters(q: &JobQuery) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut params = Vec::new();
    let statuses = normalize_statuses(&q.statuses);
    sql.push_str(" AND j.status IN (");
    sql.push_str(&vec!["?"; statuses.len()].join(", "));
    sql.push(')');
    params.extend(statuses.into_iter().map(Value::Text));
    if let Some(dep) = q.department_id.as_ref().filter(|s| !s.is_empty()) {
        sql.push_str(
            " AND j.department_id IN (WITH RECURSIVE sub (id) AS (SELECT ? UNION \
             SELECT x.id FROM departments x JOIN sub ON x.parent_id = sub.id) SELECT id FROM sub)",
        );
        params.push(Value::Text(dep.clone()));
    }
    if let Some(loc) = q.location_id.as_ref().filter(|s| !s.is_empty()) {
        sql.push_str(
            " AND j.location_id IN (WITH RECURSIVE sub (id) AS (SELECT ? UNION \
             SELECT x.id FROM locations x JOIN sub ON x.parent_location_id = sub.id) \
             SELECT id FROM sub)",
        );
        params.push(Value::Text(loc.clone()));
    }
    if let Some(et) = q
        .employment_type
        .as_ref()
        .filter(|s| !s.as_str().is_empty())
    {
        sql.push_str(" AND j.employment_type = ?");
        params.push(Value::Text(et.as_str().to_string()));
    }
    if let Some(wt) = q.workplace_type.as_ref().filter(|s| !s.as_str().is_empty()) {
        sql.push_str(" AND j.workplace_type = ?");
        params.push(Value::Text(wt.as_str().to_string()));
    }
    if let Some(listed) = q.listed {
        sql.push_str(" AND j.is_listed = ?");
        params.push(Value::Integer(listed as i64));
    }
    (sql, params)
}

/// The filters as groups of `meta` tokens (ORed within a group, groups ANDed).
fn meta_filters(q: &JobQuery) -> Vec<Vec<String>> {
    let mut groups = vec![normalize_statuses(&q.statuses)
        .iter()
        .map(|s| meta_token("status", s))
        .collect::<Vec<_>>()];
    if let Some(et) = q
        .employment_type
        .as_ref()
        .filter(|s| !s.as_str().is_empty())
    {
        groups.push(vec![meta_token("employment", et.as_str())]);
    }
    if let Some(wt) = q.workplace_type.as_ref().filter(|s| !s.as_str().is_empty()) {
        groups.push(vec![meta_token("workplace", wt.as_str())]);
    }
    if let Some(listed) = q.listed {
        groups.push(vec![meta_token("listed", if listed { "1" } else { "0" })]);
    }
    if let Some(dep) = q.department_id.as_ref().filter(|s| !s.is_empty()) {
        groups.push(vec![id_token("dept", dep)]);
    }
    if let Some(loc) = q.location_id.as_ref().filter(|s| !s.is_empty()) {
        groups.push(vec![id_token("loc", loc)]);
    }
    groups
}

fn effective_sort(q: &JobQuery, searching: bool) -> (JobSort, bool) {
    let sort = match q.sort {
        Some(JobSort::Relevance) | None if searching => JobSort::Relevance,
        Some(JobSort::Relevance) | None => JobSort::Updated,
        Some(s) => s,
    };
    let desc = q.descending.unwrap_or(!matches!(sort, JobSort::Title));
    (sort, desc)
}

fn order_by(sort: JobSort, desc: bool) -> &'static str {
    match (sort, desc) {
        (JobSort::Title, false) => "j.title COLLATE NOCASE ASC, j.seq ASC",
        (JobSort::Title, true) => "j.title COLLATE NOCASE DESC, j.seq DESC",
        (JobSort::Opened, true) => "j.opened_at IS NULL, j.opened_at DESC, j.seq DESC",
        (JobSort::Opened, false) => "j.opened_at IS NULL, j.opened_at ASC, j.seq ASC",
        (_, false) => "j.updated_at ASC, j.seq ASC",
        (_, true) => "j.updated_at DESC, j.seq DESC",
    }
}

/// Indexed words starting with `prefix`, at most `MAX_COMPLETIONS + 1` (one more says "too
/// many").
fn completions(tx: &Connection, prefix: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT term FROM search_vocab WHERE term >= ?1 AND term < ?1 || char(1114111)
         ORDER BY term LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![prefix, MAX_COMPLETIONS as i64 + 1], |r| {
            r.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The search indexes (their names can't be bound as parameters).
#[derive(Clone, Copy)]
enum Index {
    /// Every text column, descriptions included.
    Full,
    /// Titles, posting titles, department and location names.
    Names,
    /// Job and posting titles.
    Titles,
}

/// Rowids of the newest `limit` matches of `expr` in `index`. The index walks its doclists from
/// the newest row and stops at `limit`.
fn newest_matches(tx: &Connection, index: Index, expr: &str, limit: usize) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare_cached(match index {
        Index::Full => {
            "SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2"
        }
        Index::Names => {
            "SELECT rowid FROM jobs_names_fts WHERE jobs_names_fts MATCH ?1
             ORDER BY rowid DESC LIMIT ?2"
        }
        Index::Titles => {
            "SELECT rowid FROM jobs_titles_fts WHERE jobs_titles_fts MATCH ?1
             ORDER BY rowid DESC LIMIT ?2"
        }
    })?;
    let rows = stmt
        .query_map(rusqlite::params![expr, limit as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

impl Store {
    /// One page of cached jobs. See [`JobQuery`] for the defaults.
    pub fn list_jobs(&self, q: &JobQuery) -> Result<JobPage> {
        let conn = self.reader();
        let tx = conn.unchecked_transaction()?;
        let limit = q.limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
        let terms = search_terms(&tx, q)?;
        let (sort, desc) = effective_sort(q, terms.is_some());

        let Some(terms) = terms else {
            let (filter_sql, filter_params) = filters(q);
            let total: i64 = tx.query_row(
                &format!("SELECT count(*) FROM jobs j WHERE 1 = 1{filter_sql}"),
                params_from_iter(filter_params.iter()),
                |r| r.get(0),
            )?;
            let mut params = filter_params;
            params.push(Value::Integer(limit as i64));
            params.push(Value::Integer(q.offset as i64));
            let mut stmt = tx.prepare(&format!(
                "SELECT {LIST_COLUMNS} FROM {LIST_FROM} WHERE 1 = 1{filter_sql}
                 ORDER BY {} LIMIT ? OFFSET ?",
                order_by(sort, desc)
            ))?;
            let rows = stmt
                .query_map(params_from_iter(params.iter()), list_item)?
                .map(|r| r.map(|(_, item)| item))
                .collect::<rusqlite::Result<_>>()?;
            return Ok(JobPage {
                total: total.clamp(0, u32::MAX as i64) as u32,
                truncated: false,
                offset: q.offset,
                rows,
            });
        };

        // Bounded: the newest SEARCH_CANDIDATE_CAP matches are counted; the index answers the
        // words and every filter itself (`meta` tokens), so the jobs table is only read for
        // the page, or for the sort keys of the capped matches when sorting by a column.
        let groups = meta_filters(q);
        let matches = newest_matches(
            &tx,
            Index::Full,
            &terms.match_in(Some(TEXT_COLUMNS), &groups),
            SEARCH_CANDIDATE_CAP,
        )?;
        let truncated = matches.len() >= SEARCH_CANDIDATE_CAP;
        let total = matches.len();
        let offset = q.offset as usize;
        let page: Vec<i64> = if offset >= total {
            Vec::new()
        } else if sort == JobSort::Relevance {
            // Only the first `offset + limit` of the ranking are needed.
            let want = (offset + limit as usize).min(total);
            let mut seen: HashSet<i64> = HashSet::with_capacity(want);
            let mut ranked: Vec<i64> = Vec::with_capacity(want);
            for (index, columns) in NAME_TIERS {
                if ranked.len() >= want {
                    break;
                }
                let expr = terms.match_in(columns, &groups);
                for seq in newest_matches(&tx, index, &expr, want)? {
                    if seen.insert(seq) {
                        ranked.push(seq);
                    }
                }
            }
            ranked.extend(matches.iter().filter(|seq| !seen.contains(seq)));
            ranked
                .into_iter()
                .skip(offset)
                .take(limit as usize)
                .collect()
        } else {
            // SQLite sorts the capped matches by the column, like the browse path.
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT j.seq FROM jobs j WHERE j.seq IN (SELECT value FROM json_each(?1))
                 ORDER BY {} LIMIT ?2 OFFSET ?3",
                order_by(sort, desc)
            ))?;
            let rows = stmt
                .query_map(
                    rusqlite::params![to_json(&matches), limit as i64, offset as i64],
                    |r| r.get(0),
                )?
                .collect::<rusqlite::Result<_>>()?;
            rows
        };

        let mut rows = Vec::with_capacity(page.len());
        if !page.is_empty() {
            let mut by_seq: HashMap<i64, JobListItem> = {
                let mut stmt = tx.prepare(&format!(
                    "SELECT {LIST_COLUMNS} FROM {LIST_FROM}
                     WHERE j.seq IN (SELECT value FROM json_each(?1))"
                ))?;
                let map = stmt
                    .query_map([to_json(&page)], list_item)?
                    .collect::<rusqlite::Result<_>>()?;
                map
            };
            let mut descriptions = tx.prepare_cached(
                "SELECT description_plain FROM job_postings
                 WHERE job_id = ?1 AND description_plain IS NOT NULL
                 ORDER BY is_listed DESC, id",
            )?;
            for seq in page {
                let Some(mut item) = by_seq.remove(&seq) else {
                    continue;
                };
                item.title_highlight = Some(terms.highlight(&item.title));
                let texts: Vec<String> = descriptions
                    .query_map([&item.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                item.snippet = texts.iter().find_map(|t| terms.snippet(t, 60, 160));
                rows.push(item);
            }
        }
        Ok(JobPage {
            total: total as u32,
            truncated,
            offset: q.offset,
            rows,
        })
    }

    /// Everything about one job, or `None` if it isn't cached.
    pub fn job_detail(&self, id: &str) -> Result<Option<JobDetail>> {
        let conn = self.reader();
        let tx = conn.unchecked_transaction()?;
        let job = tx
            .query_row(&JOB_DETAIL_SQL, [id], |r| {
                Ok(JobDetail {
                    job: JobRecord::from_columns(r)?,
                    department_name: r.get("department_name")?,
                    location_name: r.get("location_name")?,
                    workplace_type: r.get("workplace_type")?,
                    department_path: Vec::new(),
                    hiring_team: Vec::new(),
                    postings: Vec::new(),
                })
            })
            .optional()?;
        let Some(mut job) = job else {
            return Ok(None);
        };
        job.department_path = department_path(&tx, job.job.department_id.as_deref())?;
        job.hiring_team = hiring_team(&tx, &job.job.id)?;
        job.postings = postings_of(&tx, &job.job.id)?;
        Ok(Some(job))
    }

    /// Whether job `id` is among the results of `q` (its search and filters): the detail pane
    /// says so when the open job drops out of the list.
    pub fn job_in_results(&self, q: &JobQuery, id: &str) -> Result<bool> {
        let conn = self.reader();
        let tx = conn.unchecked_transaction()?;
        let Some(terms) = search_terms(&tx, q)? else {
            let (filter_sql, mut params) = filters(q);
            params.insert(0, Value::Text(id.to_string()));
            let found: bool = tx.query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM jobs j WHERE j.id = ?{filter_sql})"),
                params_from_iter(params.iter()),
                |r| r.get(0),
            )?;
            return Ok(found);
        };
        let Some(seq) = tx
            .query_row("SELECT seq FROM jobs WHERE id = ?1", [id], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
        else {
            return Ok(false);
        };
        let expr = terms.match_in(Some(TEXT_COLUMNS), &meta_filters(q));
        let found: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM jobs_fts WHERE jobs_fts MATCH ?1 AND rowid = ?2)",
            rusqlite::params![expr, seq],
            |r| r.get(0),
        )?;
        Ok(found)
    }

    /// Filter values with job counts for the given statuses (empty = Open), nothing else
    /// narrowed.
    pub fn facets(&self, statuses: &[JobStatus]) -> Result<Facets> {
        self.job_facets(&JobQuery {
            statuses: statuses.to_vec(),
            ..Default::default()
        })
    }

    /// Faceted filter counts for `q`: each filter's values are counted over the jobs matching
    /// the search and all the *other* filters (a status count under a search for "engineer"
    /// counts engineers; the department counts ignore the chosen department). One pass over the
    /// candidate jobs, counted in Rust: all jobs when browsing, the search's newest
    /// `SEARCH_CANDIDATE_CAP` matches when searching (the same bound the list uses).
    pub fn job_facets(&self, q: &JobQuery) -> Result<Facets> {
        let conn = self.reader();
        let tx = conn.unchecked_transaction()?;
        let terms = search_terms(&tx, q)?;
        let statuses: HashSet<String> = normalize_statuses(&q.statuses).into_iter().collect();
        let departments_in = match q.department_id.as_deref().filter(|s| !s.is_empty()) {
            Some(root) => Some(subtree(&tx, "SELECT id, parent_id FROM departments", root)?),
            None => None,
        };
        let locations_in = match q.location_id.as_deref().filter(|s| !s.is_empty()) {
            Some(root) => Some(subtree(
                &tx,
                "SELECT id, parent_location_id FROM locations",
                root,
            )?),
            None => None,
        };
        let employment = q
            .employment_type
            .as_ref()
            .map(|e| e.as_str().to_string())
            .filter(|s| !s.is_empty());
        let workplace = q
            .workplace_type
            .as_ref()
            .map(|w| w.as_str().to_string())
            .filter(|s| !s.is_empty());

        let mut counts = FacetCounts::default();
        let mut truncated = false;
        let mut count_row = |r: &Row<'_>| -> rusqlite::Result<()> {
            // Borrowed from the row (no allocation per job: this runs for every cached job).
            let text = |i: usize| r.get_ref(i).and_then(|v| Ok(v.as_str_or_null()?));
            let job = FacetRow {
                status: text(0)?.unwrap_or_default(),
                department_id: text(1)?,
                location_id: text(2)?,
                employment_type: text(3)?,
                workplace_type: text(4)?,
                is_listed: r.get(5)?,
            };
            let inside = |set: &Option<HashSet<String>>, v: Option<&str>| {
                set.as_ref()
                    .is_none_or(|s| v.is_some_and(|v| s.contains(v)))
            };
            let mut fails = 0u8;
            if !statuses.contains(job.status) {
                fails |= STATUS;
            }
            if !inside(&departments_in, job.department_id) {
                fails |= DEPARTMENT;
            }
            if !inside(&locations_in, job.location_id) {
                fails |= LOCATION;
            }
            if employment
                .as_ref()
                .is_some_and(|e| job.employment_type != Some(e.as_str()))
            {
                fails |= EMPLOYMENT;
            }
            if workplace
                .as_ref()
                .is_some_and(|w| job.workplace_type != Some(w.as_str()))
            {
                fails |= WORKPLACE;
            }
            if q.listed.is_some_and(|l| l != job.is_listed) {
                fails |= LISTED;
            }
            counts.add(job, fails);
            Ok(())
        };
        const COLUMNS: &str =
            "status, department_id, location_id, employment_type, workplace_type, is_listed";
        match terms {
            None => {
                let mut stmt = tx.prepare_cached(&format!("SELECT {COLUMNS} FROM jobs"))?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    count_row(r)?;
                }
            }
            Some(terms) => {
                let matches = newest_matches(
                    &tx,
                    Index::Full,
                    &terms.match_in(Some(TEXT_COLUMNS), &[]),
                    SEARCH_CANDIDATE_CAP,
                )?;
                truncated = matches.len() >= SEARCH_CANDIDATE_CAP;
                let mut stmt = tx.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM jobs WHERE seq IN (SELECT value FROM json_each(?1))"
                ))?;
                let mut rows = stmt.query([to_json(&matches)])?;
                while let Some(r) = rows.next()? {
                    count_row(r)?;
                }
            }
        }

        let departments = tree_facets(
            &tx,
            "SELECT id, name, parent_id, is_archived FROM departments",
            &counts.departments,
        )?;
        let locations = tree_facets(
            &tx,
            "SELECT id, name, parent_location_id AS parent_id, is_archived FROM locations",
            &counts.locations,
        )?;
        let board = job_board(&tx)?;
        Ok(Facets {
            departments,
            locations,
            employment_types: value_counts(counts.employment),
            workplace_types: value_counts(counts.workplace),
            statuses: value_counts(counts.statuses),
            listed: counts.listed,
            unlisted: counts.unlisted,
            truncated,
            board,
        })
    }

    /// How many of `ids` are cached departments: tells whether a new key reaches the same
    /// organisation as the cached data.
    pub fn known_department_count(&self, ids: &[String]) -> Result<usize> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached("SELECT 1 FROM departments WHERE id = ?1")?;
        let mut n = 0;
        for id in ids {
            if stmt.exists([id])? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Counts, last run and key state for the status bar and `ashby-sync status`.
    pub fn status(&self) -> Result<CacheStatus> {
        let conn = self.reader();
        let tx = conn.unchecked_transaction()?;
        let count = |sql: &str| -> Result<u32> {
            Ok(tx.query_row(sql, [], |r| r.get::<_, i64>(0))? as u32)
        };
        let counts = CacheCounts {
            jobs: count("SELECT count(*) FROM jobs")?,
            open_jobs: count("SELECT count(*) FROM jobs WHERE status = 'Open'")?,
            postings: count("SELECT count(*) FROM job_postings")?,
            departments: count("SELECT count(*) FROM departments")?,
            locations: count("SELECT count(*) FROM locations")?,
        };
        let last_run = super::runs::last_run_on(&tx)?;
        let facts = super::runs::schedule_facts_on(&tx)?;
        let last_full: Option<String> = tx.query_row(
            "SELECT min(last_full_sync_at) FROM sync_state WHERE last_full_sync_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(CacheStatus {
            counts,
            last_run,
            last_success_at: facts.last_success_at,
            last_full_sync_at: last_full.as_deref().and_then(parse_time),
            consecutive_failures: facts.consecutive_failures,
            key_invalid: key_invalid_on(&tx)?,
        })
    }
}

fn department_path(conn: &Connection, start: Option<&str>) -> Result<Vec<NamedRef>> {
    let mut out = Vec::new();
    let mut cur = start.map(str::to_string);
    let mut stmt = conn.prepare_cached("SELECT name, parent_id FROM departments WHERE id = ?1")?;
    for _ in 0..16 {
        let Some(id) = cur.take() else { break };
        let Some((name, parent)) = stmt
            .query_row([&id], |r| {
                Ok((
                    r.get::<_, String>("name")?,
                    r.get::<_, Option<String>>("parent_id")?,
                ))
            })
            .optional()?
        else {
            break;
        };
        out.push(NamedRef { id, name });
        cur = parent;
    }
    out.reverse();
    Ok(out)
}

pub(crate) fn hiring_team(conn: &Connection, job_id: &str) -> Result<Vec<HiringTeamMember>> {
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, first_name, last_name, email, role FROM job_hiring_team
         WHERE job_id = ?1 ORDER BY position",
    )?;
    let rows = stmt
        .query_map([job_id], |r| {
            let first: String = r.get("first_name")?;
            let last: String = r.get("last_name")?;
            Ok(from_row!(r => HiringTeamMember {
                user_id, email, role;
                name: format!("{first} {last}").trim().to_string(),
                first_name: first,
                last_name: last,
            }))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn postings_of(conn: &Connection, job_id: &str) -> Result<Vec<PostingDetail>> {
    let mut stmt = conn.prepare_cached(&POSTINGS_OF_SQL)?;
    let rows = stmt
        .query_map([job_id], |r| {
            Ok(PostingDetail {
                posting: PostingRecord::from_columns(r)?,
                description_html: r.get("description_html")?,
                description_plain: r.get("description_plain")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn tree_facets(
    conn: &Connection,
    sql: &str,
    direct: &HashMap<String, u32>,
) -> Result<Vec<TreeFacet>> {
    let mut stmt = conn.prepare(sql)?;
    let mut nodes: Vec<TreeFacet> = stmt
        .query_map([], |r| {
            let mut node = from_row!(r => TreeFacet {
                id, name, parent_id, is_archived;
                count: 0,
                total_count: 0,
            });
            node.count = direct.get(&node.id).copied().unwrap_or(0);
            Ok(node)
        })?
        .collect::<rusqlite::Result<_>>()?;
    let index: HashMap<String, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.clone(), i))
        .collect();
    let parents: Vec<Option<usize>> = nodes
        .iter()
        .map(|n| n.parent_id.as_ref().and_then(|p| index.get(p).copied()))
        .collect();
    let mut totals = vec![0u32; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        let mut cur = Some(i);
        // Bounded walk up: cycles in a malformed hierarchy can't loop forever.
        for _ in 0..16 {
            let Some(c) = cur else { break };
            totals[c] += n.count;
            cur = parents[c];
        }
    }
    for (n, t) in nodes.iter_mut().zip(totals) {
        n.total_count = t;
    }
    nodes.retain(|n| !n.is_archived || n.total_count > 0);
    nodes.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(nodes)
}

// The filters of a facet pass, as bits: a job counts for a filter's values when it fails no
// *other* filter.
const STATUS: u8 = 1;
const DEPARTMENT: u8 = 2;
const LOCATION: u8 = 4;
const EMPLOYMENT: u8 = 8;
const WORKPLACE: u8 = 16;
const LISTED: u8 = 32;

struct FacetRow<'a> {
    status: &'a str,
    department_id: Option<&'a str>,
    location_id: Option<&'a str>,
    employment_type: Option<&'a str>,
    workplace_type: Option<&'a str>,
    is_listed: bool,
}

#[derive(Default)]
struct FacetCounts {
    statuses: HashMap<String, u32>,
    departments: HashMap<String, u32>,
    locations: HashMap<String, u32>,
    employment: HashMap<String, u32>,
    workplace: HashMap<String, u32>,
    listed: u32,
    unlisted: u32,
}

impl FacetCounts {
    fn add(&mut self, job: FacetRow<'_>, fails: u8) {
        // Passes every filter but (possibly) `own`.
        let counts_for = |own: u8| fails & !own == 0;
        let bump = |m: &mut HashMap<String, u32>, v: Option<&str>| {
            if let Some(v) = v {
                match m.get_mut(v) {
                    Some(n) => *n += 1,
                    None => {
                        m.insert(v.to_string(), 1);
                    }
                }
            }
        };
        if counts_for(STATUS) {
            bump(&mut self.statuses, Some(job.status));
        }
        if counts_for(DEPARTMENT) {
            bump(&mut self.departments, job.department_id);
        }
        if counts_for(LOCATION) {
            bump(&mut self.locations, job.location_id);
        }
        if counts_for(EMPLOYMENT) {
            bump(&mut self.employment, job.employment_type);
        }
        if counts_for(WORKPLACE) {
            bump(&mut self.workplace, job.workplace_type);
        }
        if counts_for(LISTED) {
            if job.is_listed {
                self.listed += 1;
            } else {
                self.unlisted += 1;
            }
        }
    }
}

fn value_counts(m: HashMap<String, u32>) -> Vec<ValueCount> {
    let mut v: Vec<ValueCount> = m
        .into_iter()
        .map(|(value, count)| ValueCount { value, count })
        .collect();
    v.sort_by(|a, b| a.value.cmp(&b.value));
    v
}

/// `root` and every node below it (`sql` selects `id, parent`), cycles and all.
fn subtree(conn: &Connection, sql: &str, root: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut children: HashMap<String, Vec<String>> = HashMap::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        if let Some(parent) = r.get::<_, Option<String>>(1)? {
            children.entry(parent).or_default().push(id);
        }
    }
    let mut out: HashSet<String> = HashSet::from([root.to_string()]);
    let mut todo = vec![root.to_string()];
    while let Some(id) = todo.pop() {
        for c in children.get(&id).into_iter().flatten() {
            if out.insert(c.clone()) {
                todo.push(c.clone());
            }
        }
    }
    Ok(out)
}

/// The public board most listed postings link to (a sample is enough: one organisation has one
/// board, or a main one).
fn job_board(conn: &Connection) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, apply_link, external_link FROM job_postings WHERE is_listed = 1 LIMIT 200",
    )?;
    let links: Vec<(String, Option<String>, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(crate::ashby::board::board_names(
        links
            .iter()
            .map(|(id, a, e)| (id.as_str(), a.as_deref(), e.as_deref())),
    )
    .into_iter()
    .next())
}

/// The query's search words, with the last word's completions looked up (`None`: no search).
fn search_terms(tx: &Connection, q: &JobQuery) -> Result<Option<SearchTerms>> {
    let mut terms = q.search.as_deref().and_then(SearchTerms::parse);
    if let Some(t) = terms.as_mut() {
        if let Some(prefix) = t.prefix_to_expand() {
            let words = completions(tx, prefix)?;
            t.set_completions(words);
        }
    }
    Ok(terms)
}
