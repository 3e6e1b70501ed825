//! The list streams, one declaration each: the Ashby endpoint, its fixed parameters, the item
//! type, and the mapping to the record the store writes (the record's [`SyncedRow`] impl is the
//! commit). The engine runs every one of them through the same pass.
//!
//! The parameters are constants: a pass that sends a `syncToken` must ask the same question as
//! the pass that returned it, so they never change while a token is held (incremental sync:
//! <https://developers.ashbyhq.com/docs/pagination-and-incremental-sync>).

use crate::ashby::{self, JobStatus, Module};
use crate::store::{
    DepartmentRecord, HiringTeamRecord, JobRecord, LocationRecord, PostingRecord, Stream, SyncedRow,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

/// A `*.list` endpoint synced with a `syncToken`.
pub(crate) trait ListStream {
    const STREAM: Stream;
    const ENDPOINT: &'static str;
    /// The Ashby module whose read permission the endpoint needs.
    const MODULE: Module;
    type Item: DeserializeOwned + Send;
    type Record: SyncedRow + Send + Sync + 'static;

    /// Sent on every page of every pass (the client adds `limit`, `cursor`, `syncToken`).
    fn params() -> Value;

    fn record(item: Self::Item) -> Self::Record;

    fn params_object() -> Map<String, Value> {
        match Self::params() {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }
}

pub(crate) struct Departments;

impl ListStream for Departments {
    const STREAM: Stream = Stream::Departments;
    const ENDPOINT: &'static str = "department.list";
    const MODULE: Module = Module::Organization;
    type Item = ashby::Department;
    type Record = DepartmentRecord;

    fn params() -> Value {
        // Archived departments too: jobs may still point at them.
        json!({ "includeArchived": true })
    }

    fn record(d: ashby::Department) -> DepartmentRecord {
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

pub(crate) struct Locations;

impl ListStream for Locations {
    const STREAM: Stream = Stream::Locations;
    const ENDPOINT: &'static str = "location.list";
    const MODULE: Module = Module::Organization;
    type Item = ashby::Location;
    type Record = LocationRecord;

    fn params() -> Value {
        // Regions are left out unless the hierarchy is asked for.
        json!({ "includeArchived": true, "includeLocationHierarchy": true })
    }

    fn record(l: ashby::Location) -> LocationRecord {
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

pub(crate) struct Jobs;

impl ListStream for Jobs {
    const STREAM: Stream = Stream::Jobs;
    const ENDPOINT: &'static str = "job.list";
    const MODULE: Module = Module::Jobs;
    type Item = ashby::Job;
    type Record = JobRecord;

    fn params() -> Value {
        // Every status, drafts included (Ashby's default leaves drafts out), and the ids of
        // unpublished postings.
        json!({
            "status": JobStatus::KNOWN,
            "includeUnpublishedJobPostingsIds": true,
        })
    }

    fn record(j: ashby::Job) -> JobRecord {
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
        }
    }
}

/// The module a stream needs (postings come from the Jobs module).
pub(crate) fn module_of(stream: Stream) -> Module {
    match stream {
        Stream::Departments => Departments::MODULE,
        Stream::Locations => Locations::MODULE,
        Stream::Jobs => Jobs::MODULE,
        Stream::Postings => Module::Jobs,
    }
}

/// A `jobPosting.list` item as the store writes it (postings are not a syncToken stream: the
/// list is complete every run).
pub(crate) fn posting_record(p: ashby::JobPosting) -> PostingRecord {
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
        should_display_compensation: p.should_display_compensation_on_job_board.unwrap_or(false),
        updated_at: p.updated_at.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_parameters_per_stream() {
        assert_eq!(
            Value::Object(Departments::params_object()),
            json!({"includeArchived": true})
        );
        assert_eq!(
            Value::Object(Locations::params_object()),
            json!({"includeArchived": true, "includeLocationHierarchy": true})
        );
        let jobs = Value::Object(Jobs::params_object());
        assert_eq!(jobs["includeUnpublishedJobPostingsIds"], json!(true));
        let statuses = jobs["status"].as_array().unwrap();
        assert_eq!(statuses.len(), JobStatus::KNOWN.len());
        assert!(statuses.contains(&json!("Draft")));
    }

    #[test]
    fn each_stream_writes_its_own_table() {
        use crate::store::Columns;
        assert_eq!(
            <Departments as ListStream>::Record::TABLE.stream,
            Stream::Departments
        );
        assert_eq!(
            <Locations as ListStream>::Record::TABLE.stream,
            Stream::Locations
        );
        assert_eq!(<Jobs as ListStream>::Record::TABLE.stream, Stream::Jobs);
        assert_eq!(module_of(Stream::Postings), Module::Jobs);
        assert_eq!(module_of(Stream::Locations), Module::Organization);
    }
}
