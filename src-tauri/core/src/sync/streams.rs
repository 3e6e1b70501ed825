//! The list streams, one declaration each: the Ashby endpoint, its fixed parameters, the item
//! type and the record the store writes (the record, its columns and its mapping from the item
//! are declared together in `store/records.rs`; its [`SyncedRow`] impl is the commit; its label,
//! the module it needs and its noun, is its [`Stream`] line in `store/models.rs`). The engine
//! runs every one of them through the same pass, found in [`PASSES`].
//!
//! Adding a list stream (users, say): its label, one line in `streams!` (`store/models.rs`:
//! name, noun, module); its descriptor here, listed in [`PASSES`]; its table's migration
//! (`store/migrations/NNNN_users.sql`; a new table needs no `-- resets:`); and, in
//! `store/records.rs`, its record with its `synced_table!` declaration, its `From` mapping from
//! the Ashby item (declared in `ashby/models.rs`), `impl SyncedRow for UserRecord {}` and its
//! `SYNCED_TABLES` entry. The tests then hold the declaration to the schema and the label to
//! one pass.
//!
//! The parameters are constants: a pass that sends a `syncToken` must ask the same question as
//! the pass that returned it, so they never change while a token is held (incremental sync:
//! <https://developers.ashbyhq.com/docs/pagination-and-incremental-sync>).

use super::engine::StreamPass;
use crate::ashby::{self, JobStatus};
use crate::store::{DepartmentRecord, JobRecord, LocationRecord, Stream, SyncedRow};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

/// A `*.list` endpoint synced with a `syncToken`.
pub(crate) trait ListStream: Sync + 'static {
    /// Also the stream's label: the module its endpoint needs ([`Stream::module`]) and its noun.
    const STREAM: Stream;
    const ENDPOINT: &'static str;
    type Item: DeserializeOwned + Send;
    /// The record and its mapping from the item are declared together in `store/records.rs`.
    type Record: SyncedRow + From<Self::Item> + Send + Sync + 'static;

    /// Sent on every page of every pass (the client adds `limit`, `cursor`, `syncToken`).
    fn params() -> Value;

    fn record(item: Self::Item) -> Self::Record {
        Self::Record::from(item)
    }

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
    type Item = ashby::Department;
    type Record = DepartmentRecord;

    fn params() -> Value {
        // Archived departments too: jobs may still point at them.
        json!({ "includeArchived": true })
    }
}

pub(crate) struct Locations;

impl ListStream for Locations {
    const STREAM: Stream = Stream::Locations;
    const ENDPOINT: &'static str = "location.list";
    type Item = ashby::Location;
    type Record = LocationRecord;

    fn params() -> Value {
        // Regions are left out unless the hierarchy is asked for.
        json!({ "includeArchived": true, "includeLocationHierarchy": true })
    }
}

pub(crate) struct Jobs;

impl ListStream for Jobs {
    const STREAM: Stream = Stream::Jobs;
    const ENDPOINT: &'static str = "job.list";
    type Item = ashby::Job;
    type Record = JobRecord;

    fn params() -> Value {
        // Every status, drafts included (Ashby's default leaves drafts out), the ids of
        // unpublished postings, and the openings inline (no extra request; `expand` is in
        // Ashby's published OpenAPI document for job.list:
        // https://developers.ashbyhq.com/reference/joblist).
        json!({
            "status": JobStatus::KNOWN,
            "includeUnpublishedJobPostingsIds": true,
            "expand": ["openings"],
        })
    }
}

/// `jobPosting.list` with `jobPosting.info` per new or changed posting: not a syncToken list
/// (the list is complete every run), so the engine gives it its own pass.
pub(crate) struct Postings;

/// Every stream's pass, each descriptor named once: the engine runs a planned stream through its
/// entry. A new list stream adds its descriptor here.
pub(crate) const PASSES: &[&dyn StreamPass] = &[&Departments, &Locations, &Jobs, &Postings];

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
        assert_eq!(jobs["expand"], json!(["openings"]));
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
    }

    /// Every stream has exactly one pass (a label without a descriptor would never sync).
    #[test]
    fn every_stream_has_one_pass() {
        for stream in Stream::ALL {
            let passes = PASSES.iter().filter(|p| p.stream() == stream).count();
            assert_eq!(passes, 1, "passes of {stream}");
        }
        assert_eq!(PASSES.len(), Stream::ALL.len());
    }
}
