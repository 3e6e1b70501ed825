//! The records the list streams write, one section per synced table: the record, its table's
//! declaration ([`synced_table!`]: the columns, each next to the value bound to it) and its
//! mapping from the Ashby item. Adding a synced field is one edit here (plus its migration). A
//! new table is also listed in [`SYNCED_TABLES`] below; a list stream's record without side
//! effects takes the default hooks here (`impl SyncedRow for UserRecord {}`), the others' hooks
//! are in `write.rs`.

use super::table::{synced_table, Table};
use super::{to_json, Stream};
use crate::ashby::{self, EmploymentType, JobStatus, LocationType, OpeningState, WorkplaceType};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every synced table: the schema checks hold each to the migrated schema and the token-reset
/// rule, and `clear_cache` empties them.
pub const SYNCED_TABLES: &[&Table] = &[&DEPARTMENTS, &LOCATIONS, &JOBS, &POSTINGS, &HIRING_TEAM];

// ---------------------------------------------------------------------------------------------
// Departments
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DepartmentRecord {
    pub id: String,
    pub name: String,
    pub external_name: Option<String>,
    pub parent_id: Option<String>,
    pub is_archived: bool,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

synced_table! {
    pub(crate) DEPARTMENTS: DepartmentRecord => "departments", Stream::Departments;
    columns { id, name, external_name, parent_id, is_archived, created_at, updated_at }
    derived {}
}

impl From<ashby::Department> for DepartmentRecord {
    fn from(d: ashby::Department) -> DepartmentRecord {
        DepartmentRecord {
            id: d.id,
            name: d.name,
            external_name: d.external_name,
            parent_id: d.parent_id,
            is_archived: d.is_archived,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Locations
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocationRecord {
    pub id: String,
    pub name: String,
    pub external_name: Option<String>,
    pub parent_location_id: Option<String>,
    pub location_type: Option<LocationType>,
    pub workplace_type: Option<WorkplaceType>,
    pub is_archived: bool,
    pub is_remote: Option<bool>,
    /// The postal address object as JSON text (no personal data: an office address).
    pub address_json: Option<String>,
}

synced_table! {
    pub(crate) LOCATIONS: LocationRecord => "locations", Stream::Locations;
    columns {
        id, name, external_name, parent_location_id, location_type, workplace_type, is_archived,
        is_remote, address_json,
    }
    derived {}
}

impl From<ashby::Location> for LocationRecord {
    fn from(l: ashby::Location) -> LocationRecord {
        LocationRecord {
            id: l.id,
            name: l.name,
            external_name: l.external_name,
            parent_location_id: l.parent_location_id,
            location_type: l.location_type,
            workplace_type: l.workplace_type,
            is_archived: l.is_archived,
            is_remote: l.is_remote,
            address_json: l
                .address
                .and_then(|a| a.postal_address)
                .and_then(|p| serde_json::to_string(&p).ok()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs and their hiring teams
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HiringTeamRecord {
    pub user_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub role: String,
}

/// Also the job detail's own fields (`JobDetail` flattens it): a field added here and to the
/// `JOBS` declaration reaches the detail and its TypeScript type.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JobRecord {
    pub id: String,
    pub title: String,
    pub status: JobStatus,
    pub employment_type: Option<EmploymentType>,
    pub confidential: bool,
    pub department_id: Option<String>,
    pub location_id: Option<String>,
    pub custom_requisition_id: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: String,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
    /// Published and unpublished posting ids, as `job.list` reports them.
    pub job_posting_ids: Vec<String>,
    /// The detail carries the team as `HiringTeamMember`s.
    #[serde(skip)]
    #[ts(skip)]
    pub hiring_team: Vec<HiringTeamRecord>,
    /// The job's openings (headcount slots), from `expand: ["openings"]`.
    pub openings: Vec<OpeningRecord>,
}

/// One opening of a job, as the job detail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpeningRecord {
    pub id: String,
    /// The opening's identifier in Ashby (e.g. a requisition number), from its latest version.
    pub identifier: Option<String>,
    pub state: Option<OpeningState>,
    pub is_archived: bool,
    /// Date only or date-time, as Ashby sent it.
    pub target_hire_date: Option<String>,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
}

impl OpeningRecord {
    /// Counts as an open headcount slot in the job list.
    pub fn is_open(&self) -> bool {
        self.state == Some(OpeningState::Open) && !self.is_archived
    }
}

impl From<ashby::Opening> for OpeningRecord {
    fn from(o: ashby::Opening) -> OpeningRecord {
        let version = o.latest_version.as_ref();
        let text = |field: &str| {
            version
                .and_then(|v| v.get(field))
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        OpeningRecord {
            identifier: text("identifier"),
            target_hire_date: text("targetHireDate"),
            id: o.id,
            state: o.opening_state,
            is_archived: o.is_archived,
            opened_at: o.opened_at,
            closed_at: o.closed_at,
        }
    }
}

synced_table! {
    pub(crate) JOBS: JobRecord => "jobs", Stream::Jobs;
    columns {
        id, title, status, employment_type, confidential, department_id, location_id,
        custom_requisition_id, created_at, updated_at, opened_at, closed_at,
        job_posting_ids_json = |j: &JobRecord| to_json(&j.job_posting_ids) => job_posting_ids,
        // Change detection for the inline team (the job's updatedAt may not move with it).
        hiring_team_sig = |j: &JobRecord| super::write::hiring_team_sig(&j.hiring_team),
        openings_json = |j: &JobRecord| to_json(&j.openings) => openings,
        // For the list's count, without reading the JSON of every row.
        open_openings = |j: &JobRecord| j.openings.iter().filter(|o| o.is_open()).count() as i64,
    }
    // `seq` keys the search indexes; the rest is recomputed from postings and locations.
    derived { "seq", "workplace_type", "is_listed", "posting_count" }
}

/// A job's team, replaced wholesale whenever the job changes (see `JobRecord::after_change` in
/// `write.rs`).
pub(crate) const HIRING_TEAM: Table = Table {
    name: "job_hiring_team",
    stream: Stream::Jobs,
    columns: &[
        "job_id",
        "position",
        "user_id",
        "first_name",
        "last_name",
        "email",
        "role",
    ],
    derived: &[],
};

impl From<ashby::Job> for JobRecord {
    fn from(j: ashby::Job) -> JobRecord {
        JobRecord {
            id: j.id,
            title: j.title,
            status: j.status.unwrap_or_default(),
            employment_type: j.employment_type,
            confidential: j.confidential,
            department_id: j.department_id,
            location_id: j.location_id,
            custom_requisition_id: j.custom_requisition_id,
            created_at: j.created_at,
            updated_at: j.updated_at.unwrap_or_default(),
            opened_at: j.opened_at,
            closed_at: j.closed_at,
            job_posting_ids: j.job_posting_ids,
            hiring_team: j
                .hiring_team
                .into_iter()
                .map(|m| HiringTeamRecord {
                    user_id: m.user_id,
                    first_name: m.first_name.unwrap_or_default(),
                    last_name: m.last_name.unwrap_or_default(),
                    email: m.email,
                    role: m.role.unwrap_or_default(),
                })
                .collect(),
            openings: j
                .openings
                .unwrap_or_default()
                .into_iter()
                .map(OpeningRecord::from)
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Job postings
// ---------------------------------------------------------------------------------------------

/// A `jobPosting.list` item (no description). Also the job detail's posting fields
/// (`PostingDetail` flattens it): a field added here and to the `POSTINGS` declaration reaches
/// the detail and its TypeScript type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PostingRecord {
    pub id: String,
    pub job_id: String,
    pub title: String,
    pub department_name: Option<String>,
    pub team_name: Option<String>,
    pub location_name: Option<String>,
    pub primary_location_id: Option<String>,
    pub secondary_location_ids: Vec<String>,
    pub workplace_type: Option<WorkplaceType>,
    pub employment_type: Option<EmploymentType>,
    pub is_listed: bool,
    pub published_date: Option<String>,
    pub application_deadline: Option<String>,
    pub external_link: Option<String>,
    pub apply_link: Option<String>,
    /// The only compensation data kept: the summary string Ashby shows.
    pub compensation_tier_summary: Option<String>,
    pub should_display_compensation: bool,
    pub updated_at: String,
}

synced_table! {
    pub(crate) POSTINGS: PostingRecord => "job_postings", Stream::Postings;
    columns {
        id, job_id, title, department_name, team_name, location_name, primary_location_id,
        secondary_location_ids_json = |p: &PostingRecord| to_json(&p.secondary_location_ids)
            => secondary_location_ids,
        workplace_type, employment_type, is_listed, published_date, application_deadline,
        external_link, apply_link, compensation_tier_summary, should_display_compensation,
        updated_at,
    }
    // Descriptions come from `jobPosting.info`; `list_hash` fingerprints the list fields.
    derived { "description_html", "description_plain", "description_updated_at", "list_hash" }
}

/// Postings are not a syncToken stream: the list is complete every run.
impl From<ashby::JobPosting> for PostingRecord {
    fn from(p: ashby::JobPosting) -> PostingRecord {
        let (primary, secondary) = match p.location_ids {
            Some(ids) => (ids.primary_location_id, ids.secondary_location_ids),
            None => (None, Vec::new()),
        };
        PostingRecord {
            id: p.id,
            job_id: p.job_id.unwrap_or_default(),
            title: p.title,
            department_name: p.department_name,
            team_name: p.team_name,
            location_name: p.location_name,
            primary_location_id: primary,
            secondary_location_ids: secondary,
            workplace_type: p.workplace_type,
            employment_type: p.employment_type,
            is_listed: p.is_listed,
            published_date: p.published_date,
            application_deadline: p.application_deadline,
            external_link: p.external_link,
            apply_link: p.apply_link,
            compensation_tier_summary: p.compensation_tier_summary,
            should_display_compensation: p
                .should_display_compensation_on_job_board
                .unwrap_or(false),
            updated_at: p.updated_at.unwrap_or_default(),
        }
    }
}
