//! Types the store reads and writes. Query results derive `Serialize` + `TS` (camelCase) for the UI;
//! the `*Record` types are what the sync engine writes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

use crate::ashby::{Access, EmploymentType, JobStatus, Module, WorkplaceType};
use crate::enums::closed_enum;
use crate::error::ErrorCode;

// ---------------------------------------------------------------------------------------------
// Written by the sync engine
// ---------------------------------------------------------------------------------------------

/// Declares [`Stream`] from one line a stream: its name, what it holds in words ("job
/// postings", for progress lines and the history) and the Ashby module whose Read permission it
/// needs (without it the stream is skipped, and the coordinator is told to tick this module).
macro_rules! streams {
    ($($(#[$vmeta:meta])* $variant:ident => $text:literal, $noun:literal, $module:ident;)+) => {
        closed_enum!(
            /// The synced streams, in the order a run processes them (`ALL`).
            pub enum Stream {
                $($(#[$vmeta])* $variant => $text,)+
            }
        );

        impl Stream {
            /// The Ashby module whose Read permission the stream needs.
            pub const fn module(self) -> Module {
                match self {
                    $(Stream::$variant => Module::$module,)+
                }
            }

            /// What the stream holds, in words.
            pub const fn noun(self) -> &'static str {
                match self {
                    $(Stream::$variant => $noun,)+
                }
            }
        }
    };
}

// The labels of the streams. A new list stream adds its line here (Ashby has no "Departments"
// module: departments and locations need Organization).
streams! {
    Departments => "departments", "departments", Organization;
    Locations => "locations", "locations", Organization;
    Jobs => "jobs", "jobs", Jobs;
    Postings => "postings", "job postings", Jobs;
}

// The records the list streams write (`DepartmentRecord`, `LocationRecord`, `JobRecord`,
// `HiringTeamRecord`, `PostingRecord`) are in `records.rs`, each with its table's declaration
// and its mapping from the Ashby item.
closed_enum!(
    /// What happened to one stream during a run.
    pub enum StreamOutcome {
        Ok => "ok",
        /// The key lacks the stream's module; the rest of the run went on.
        Skipped => "skipped",
        Failed => "failed",
        /// An earlier stream failed, so this one was not tried.
        NotRun => "not_run",
        /// The pass was stored, but some rows were not: a posting whose description kept
        /// failing, or a row Ashby sent that could not be read (see `problems`). Those are
        /// tried again next run.
        Partial => "partial",
    }
);

/// One row a pass could not store: which one and why (kept in the run's history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    /// The row's Ashby id (`None` when the row was unreadable up to its id).
    pub id: Option<String>,
    pub code: ErrorCode,
    /// What went wrong, in words (bounded, key scrubbed).
    pub reason: String,
}

/// At most this many problems are kept per stream and run; `more_problems` counts the rest.
pub const MAX_ROW_PROBLEMS: usize = 50;

/// Whether a pass saw everything (and may therefore remove rows it didn't see) or only changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassKind {
    Full,
    Incremental,
}

/// A posting's description from `jobPosting.info`. The HTML is raw here; the store sanitizes it
/// before writing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostingDescription {
    pub description_html: String,
    pub description_plain: String,
    /// The posting's `updatedAt` as returned with the description.
    pub updated_at: String,
}

/// Rows a pass inserted, changed and removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StreamCounts {
    pub inserted: u32,
    pub updated: u32,
    pub removed: u32,
}

impl StreamCounts {
    pub fn total(&self) -> u32 {
        self.inserted + self.updated + self.removed
    }
}

/// Per-stream sync bookkeeping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamState {
    pub sync_token: Option<String>,
    pub last_full_sync_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error_code: Option<ErrorCode>,
}

// ---------------------------------------------------------------------------------------------
// Sync runs
// ---------------------------------------------------------------------------------------------

closed_enum!(
    /// What started a run.
    pub enum Trigger {
        Schedule => "schedule",
        Manual => "manual",
        Startup => "startup",
        Cli => "cli",
        /// The first sync, right after the set-up saved a key.
        Setup => "setup",
        /// A replaced key's first sync.
        NewKey => "newKey",
        /// An automatic try again after a failed run (the back-off).
        Retry => "retry",
    }
);

closed_enum!(
    /// How a run ended.
    pub enum RunResult {
        Ok => "ok",
        /// Some streams were skipped for a missing module; the rest synced.
        Partial => "partial",
        Failed => "failed",
    }
);

/// What happened to one stream during a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StreamRunSummary {
    pub stream: Stream,
    /// `true` when the pass saw everything (first sync, expired token, daily reconcile, `--full`).
    pub full: bool,
    pub counts: StreamCounts,
    pub outcome: StreamOutcome,
    pub error_code: Option<ErrorCode>,
    /// For a skipped stream: the Ashby module whose read permission the key lacks (the one
    /// Ashby named, else the stream's own). Kept in the history so the banner rebuilt after a
    /// restart names the same module as the live one. Absent in rows of older versions, and
    /// not written when there is none (rows keep their old shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub missing_module: Option<crate::ashby::Module>,
    /// Rows not stored this run (outcome `partial`); not written when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<RowProblem>>", optional)]
    pub problems: Vec<RowProblem>,
    /// Problems beyond the first [`MAX_ROW_PROBLEMS`].
    #[serde(default, skip_serializing_if = "is_zero")]
    #[ts(as = "Option<u32>", optional)]
    pub more_problems: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl StreamRunSummary {
    /// Problems recorded, including those not kept.
    pub fn problem_count(&self) -> usize {
        self.problems.len() + self.more_problems as usize
    }
}

/// One row of the sync history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncRunRecord {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub trigger: Trigger,
    pub full: bool,
    /// `None` while the run is still going (or if the app was killed during it).
    pub result: Option<RunResult>,
    pub streams: Vec<StreamRunSummary>,
    pub requests: u32,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    /// Open jobs in the cache when the run finished (`None` for runs before this was kept).
    pub open_jobs: Option<u32>,
    /// Listed postings in the cache when the run finished.
    pub listed_postings: Option<u32>,
}

/// One point of the history chart: the cache's totals at the end of a day's last run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    pub at: DateTime<Utc>,
    pub open_jobs: u32,
    pub listed_postings: u32,
}

/// What `finish_run` records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFinish {
    pub finished_at: DateTime<Utc>,
    pub result: RunResult,
    pub streams: Vec<StreamRunSummary>,
    pub requests: u32,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
}

/// Inputs the scheduler derives its next due time from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScheduleFacts {
    /// Finish time of the last run that ended ok or partial.
    pub last_success_at: Option<DateTime<Utc>>,
    /// Finish time of the last finished run, whatever its result.
    pub last_finished_at: Option<DateTime<Utc>>,
    /// Failed runs since the last success.
    pub consecutive_failures: u32,
    pub key_invalid: bool,
    /// The last finished run failed because Ashby could not be reached: at launch the
    /// scheduler checks whether it can be now.
    pub last_offline: bool,
}

// ---------------------------------------------------------------------------------------------
// Key verification facts and settings
// ---------------------------------------------------------------------------------------------

/// The facts learnt when the key was verified. The key itself is never stored here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyVerificationRecord {
    pub title: Option<String>,
    pub created_at: Option<String>,
    pub scopes: Vec<String>,
    /// Each checked module's access (stored as `{"jobs": "read", …}`).
    pub modules: BTreeMap<Module, Access>,
    pub write_scopes: Vec<String>,
    pub org_fingerprint: Option<String>,
    pub verified_at: DateTime<Utc>,
}

/// Set when Ashby rejected the key during a sync; the UI asks for a new key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyInvalid {
    pub code: ErrorCode,
    pub at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------------
// Queries for the UI and the CLI
// ---------------------------------------------------------------------------------------------

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum JobSort {
    /// Best match first (only meaningful with a search; falls back to `Updated`).
    Relevance,
    Updated,
    Title,
    Opened,
}

/// Filters, sort and page for `Store::list_jobs`. Everything is optional: the default lists open
/// jobs, most recently updated first, 50 per page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct JobQuery {
    /// Free text; words are ANDed, the last word matches as a prefix.
    pub search: Option<String>,
    /// Empty means the default status (Open); known statuses match case-insensitively.
    pub statuses: Vec<JobStatus>,
    /// Includes the department's teams (sub-departments).
    pub department_id: Option<String>,
    /// Includes child locations of a region.
    pub location_id: Option<String>,
    pub employment_type: Option<EmploymentType>,
    pub workplace_type: Option<WorkplaceType>,
    /// `true`: jobs with at least one listed posting; `false`: jobs with none.
    pub listed: Option<bool>,
    /// Default: `Relevance` when searching, else `Updated`.
    pub sort: Option<JobSort>,
    /// Default: descending for `Updated`/`Opened`, ascending for `Title`.
    pub descending: Option<bool>,
    pub offset: u32,
    /// Default 50, at most 500.
    pub limit: Option<u32>,
}

/// A piece of text; `mark` pieces matched the search. Render as text nodes (never as HTML).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TextSpan {
    pub text: String,
    pub mark: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JobListItem {
    pub id: String,
    pub title: String,
    pub status: JobStatus,
    pub employment_type: Option<EmploymentType>,
    pub confidential: bool,
    pub department_id: Option<String>,
    pub department_name: Option<String>,
    pub location_id: Option<String>,
    pub location_name: Option<String>,
    pub workplace_type: Option<WorkplaceType>,
    pub is_listed: bool,
    pub posting_count: u32,
    /// Openings (headcount slots) in state Open.
    pub open_openings: u32,
    pub updated_at: String,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
    /// The title split into spans with search hits marked (only when searching).
    pub title_highlight: Option<Vec<TextSpan>>,
    /// A short excerpt of a matching posting description (only when searching and it matched).
    pub snippet: Option<Vec<TextSpan>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JobPage {
    /// Matching jobs (capped for very broad searches; see `truncated`).
    pub total: u32,
    /// `true` when a search matched more jobs than are ranked; refine the search.
    pub truncated: bool,
    pub offset: u32,
    pub rows: Vec<JobListItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HiringTeamMember {
    pub user_id: String,
    pub first_name: String,
    pub last_name: String,
    /// "First Last".
    pub name: String,
    pub email: Option<String>,
    pub role: String,
}

/// A posting as the job detail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PostingDetail {
    /// The posting's synced columns, read through the `POSTINGS` declaration.
    #[serde(flatten)]
    #[ts(flatten)]
    pub posting: super::PostingRecord,
    /// Sanitized (ammonia) — safe formatting and links only; no scripts, images or iframes.
    pub description_html: Option<String>,
    pub description_plain: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NamedRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JobDetail {
    /// The job's synced columns, read through the `JOBS` declaration.
    #[serde(flatten)]
    #[ts(flatten)]
    pub job: super::JobRecord,
    pub department_name: Option<String>,
    /// Department chain from the top, e.g. ["Engineering", "Platform"].
    pub department_path: Vec<NamedRef>,
    pub location_name: Option<String>,
    pub workplace_type: Option<WorkplaceType>,
    pub hiring_team: Vec<HiringTeamMember>,
    pub postings: Vec<PostingDetail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TreeFacet {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub is_archived: bool,
    /// Jobs directly in this department/location.
    pub count: u32,
    /// Jobs here or in any descendant (what filtering by this id returns).
    pub total_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ValueCount {
    pub value: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Facets {
    /// Faceted counts: each filter's counts are for the jobs matching the search and every
    /// *other* filter of the query (so a status count under a search counts the matches).
    pub departments: Vec<TreeFacet>,
    pub locations: Vec<TreeFacet>,
    pub employment_types: Vec<ValueCount>,
    pub workplace_types: Vec<ValueCount>,
    pub statuses: Vec<ValueCount>,
    /// Jobs with at least one listed posting, and with none (the Listed/Unlisted filter).
    pub listed: u32,
    pub unlisted: u32,
    /// The counts are over the newest matches of a very common search only (as the list is).
    pub truncated: bool,
    /// The public job board the listed postings link to (`jobs.ashbyhq.com/{board}`), if any.
    pub board: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CacheCounts {
    pub jobs: u32,
    pub open_jobs: u32,
    pub postings: u32,
    pub departments: u32,
    pub locations: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CacheStatus {
    pub counts: CacheCounts,
    pub last_run: Option<SyncRunRecord>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_full_sync_at: Option<DateTime<Utc>>,
    pub consecutive_failures: u32,
    pub key_invalid: Option<KeyInvalid>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_spellings_modules_and_nouns() {
        let names: Vec<&str> = Stream::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["departments", "locations", "jobs", "postings"]);
        for s in Stream::ALL {
            assert_eq!(Stream::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        // Ashby has no Departments or Locations module: both need Organization.
        assert_eq!(Stream::Departments.module(), Module::Organization);
        assert_eq!(Stream::Locations.module(), Module::Organization);
        assert_eq!(Stream::Jobs.module(), Module::Jobs);
        assert_eq!(Stream::Postings.module(), Module::Jobs);
        assert_eq!(Stream::Postings.noun(), "job postings");
    }

    #[test]
    fn outcomes_keep_the_stored_spelling() {
        // Old history rows hold these strings in `streams_json`.
        let row = serde_json::json!({
            "stream": "postings", "full": false,
            "counts": {"inserted": 0, "updated": 0, "removed": 0},
            "outcome": "not_run", "errorCode": null
        });
        let s: StreamRunSummary = serde_json::from_value(row.clone()).unwrap();
        assert_eq!(s.outcome, StreamOutcome::NotRun);
        assert_eq!(serde_json::to_value(&s).unwrap(), row);
        let names: Vec<&str> = StreamOutcome::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(names, ["ok", "skipped", "failed", "not_run", "partial"]);
        let skipped: StreamRunSummary = serde_json::from_value(serde_json::json!({
            "stream": "departments", "full": false,
            "counts": {"inserted": 0, "updated": 0, "removed": 0},
            "outcome": "skipped", "errorCode": "missing_permission"
        }))
        .unwrap();
        assert_eq!(skipped.error_code, Some(ErrorCode::MissingPermission));
        assert_eq!(RunResult::parse("partial"), Some(RunResult::Partial));
        assert_eq!(Trigger::Cli.as_str(), "cli");
    }
}

closed_enum!(
    /// The jobs screen's views (its tabs).
    pub enum JobsView {
        Jobs => "jobs",
        Changes => "changes",
        History => "history",
    } else Jobs
);

/// Where the coordinator was on the jobs screen, kept across restarts (in the cache's
/// settings). Only what the UI chose; the rows are always read afresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ViewState {
    pub view: JobsView,
    /// The search box's text, as typed.
    pub search: String,
    /// Filters and sort (`offset`/`limit` are not used).
    pub query: JobQuery,
    /// The job open in the detail pane.
    pub open_job_id: Option<String>,
    /// The list pane's width in CSS pixels (`None`: the layout's default).
    pub list_width: Option<u32>,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            view: JobsView::Jobs,
            search: String::new(),
            query: JobQuery::default(),
            open_job_id: None,
            list_width: None,
        }
    }
}

/// The main window's size and position in physical pixels, kept across restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowGeometry {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub maximized: bool,
}
