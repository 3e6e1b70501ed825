//! Typed data served by the fake. Every struct serialises to Ashby's JSON shape (camelCase); optional
//! fields that are `None` are omitted, which is how the published schemas describe them.
//!
//! Fields marked `#[serde(skip)]` are bookkeeping flags of the fake (publication state, deletion) that
//! Ashby never sends; tests use them to know what the app *should* have cached.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A snapshot of everything the fake knows (see [`crate::FakeAshby::dataset`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Dataset {
    pub departments: Vec<Department>,
    pub locations: Vec<Location>,
    pub users: Vec<User>,
    pub jobs: Vec<Job>,
    /// All postings ever created, including unpublished and deleted ones (see the flags on [`Posting`]).
    pub postings: Vec<Posting>,
    pub job_boards: Vec<JobBoard>,
    pub hiring_team_roles: Vec<HiringTeamRole>,
}

impl Dataset {
    pub fn job(&self, id: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| j.id == id)
    }
    pub fn posting(&self, id: &str) -> Option<&Posting> {
        self.postings.iter().find(|p| p.id == id)
    }
    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }
    pub fn location(&self, id: &str) -> Option<&Location> {
        self.locations.iter().find(|l| l.id == id)
    }
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobStatus {
    Draft,
    Open,
    Closed,
    Archived,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Draft => "Draft",
            JobStatus::Open => "Open",
            JobStatus::Closed => "Closed",
            JobStatus::Archived => "Archived",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EmploymentType {
    FullTime,
    PartTime,
    Intern,
    Contract,
    Temporary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WorkplaceType {
    OnSite,
    Hybrid,
    Remote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LocationType {
    Location,
    LocationHierarchy,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub postal_address: PostalAddress,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Department {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_name: Option<String>,
    pub is_archived: bool,
    /// Teams are departments with a parent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_data: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_name: Option<String>,
    pub is_archived: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Deprecated by Ashby in favour of `workplaceType`, still sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_remote: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workplace_type: Option<WorkplaceType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_location_id: Option<String>,
    #[serde(rename = "type")]
    pub location_type: LocationType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_data: Option<BTreeMap<String, String>>,
}

/// `{id, isPrivate?, title, value, valueLabel?}`; `value` is one of boolean, string, number, date string,
/// string[] (multi-select), `{value,currencyCode}`, `{type:"number-range",…}`, `{type:"compensation-range",…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomField {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_private: Option<bool>,
    pub title: String,
    pub value: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_label: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `Organization Admin` | `Elevated Access` | `Limited Access` | `External Recruiter`.
    pub global_role: String,
    pub is_enabled: bool,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Vec<CustomField>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HiringTeamMember {
    pub user_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// Display string such as "Hiring Manager", "Recruiter".
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompensationComponent {
    /// Only the public job board sends component ids; the API's components have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Salary` | `EquityPercentage` | `EquityCashValue` | `Commission` | `Bonus`.
    pub compensation_type: String,
    /// e.g. `1 YEAR`, `1 HOUR`, `NONE`.
    pub interval: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompensationTier {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<String>,
    pub components: Vec<CompensationComponent>,
    pub tier_summary: String,
}

/// `job.compensation`: Ashby sends it only when `job.list`/`job.info` ask for
/// `expand: ["compensation"]` (<https://developers.ashbyhq.com/docs/expansions>).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobCompensation {
    pub compensation_tiers: Vec<CompensationTier>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: String,
    pub title: String,
    pub confidential: bool,
    pub status: JobStatus,
    pub employment_type: EmploymentType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// A department or a team (a department with a parent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_interview_plan_id: Option<String>,
    pub interview_plan_ids: Vec<String>,
    pub custom_fields: Vec<CustomField>,
    /// Ids of ALL the job's non-deleted postings, published or not. The server sends only the published
    /// ones unless the request has `includeUnpublishedJobPostingsIds:true`.
    pub job_posting_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_requisition_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    pub hiring_team: Vec<HiringTeamMember>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opened_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compensation: Option<JobCompensation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationIds {
    pub primary_location_id: String,
    pub secondary_location_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescriptionPart {
    pub html: String,
    pub plain: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescriptionParts {
    /// Brand opening text; `null` when the brand has none.
    pub description_opening: Option<DescriptionPart>,
    pub description_body: DescriptionPart,
    /// Brand closing text; `null` when the brand has none.
    pub description_closing: Option<DescriptionPart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostingCompensation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compensation_tier_summary: Option<String>,
    pub summary_components: Vec<CompensationComponent>,
    pub compensation_tiers: Vec<CompensationTier>,
    pub should_display_compensation_on_job_board: bool,
}

/// A job posting. Serialises to the `jobPosting.info` shape except that `linkedData`,
/// `applicationFormDefinition` and `surveyFormDefinitions` are derived when serving, and the top-level
/// `compensationTierSummary` / `shouldDisplayCompensationOnJobBoard` (sent by `jobPosting.list`) are
/// not sent by `jobPosting.info`, which has them inside `compensation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Posting {
    pub id: String,
    pub title: String,
    pub job_id: String,
    pub department_name: String,
    pub team_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_name_hierarchy: Option<Vec<String>>,
    pub location_name: String,
    pub location_ids: LocationIds,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workplace_type: Option<WorkplaceType>,
    pub employment_type: EmploymentType,
    pub is_listed: bool,
    /// Date only, e.g. `2021-11-19`.
    pub published_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_deadline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_link: Option<String>,
    pub apply_link: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compensation_tier_summary: Option<String>,
    pub should_display_compensation_on_job_board: bool,
    pub updated_at: String,
    pub description_html: String,
    pub description_plain: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_social: Option<String>,
    pub description_parts: DescriptionParts,
    pub suppress_description_opening: bool,
    pub suppress_description_closing: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_remote: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_limit_callout_html: Option<String>,
    pub compensation: PostingCompensation,
    /// Job-posting custom field values (changelog 2026-09-14).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub custom_fields: Vec<CustomField>,
    /// Fake bookkeeping: published postings appear in `jobPosting.list` and the job's `jobPostingIds`.
    #[serde(skip)]
    pub is_published: bool,
    /// Fake bookkeeping: deleted postings are gone from every endpoint (`jobPosting.info` → not found).
    #[serde(skip)]
    pub is_deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobBoard {
    pub id: String,
    pub title: String,
    pub is_internal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HiringTeamRole {
    pub id: String,
    pub title: String,
}
