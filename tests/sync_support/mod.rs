//! Shared by the sync, crash and CLI tests: a fake org, a client with no real waits, and an exact
//! comparison of the cache against the fake's dataset.
#![allow(dead_code)]

use ashby_sync_core::ashby::{ApiKey, Client, ClientConfig, ManualClock};
use ashby_sync_core::store::{sanitize_description_html, Store};
use fake_ashby::model::Dataset;
use fake_ashby::{FakeAshby, FakeConfig};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub async fn fake(jobs: usize) -> FakeAshby {
    FakeAshby::start(FakeConfig {
        jobs,
        departments: 24,
        locations: 16,
        users: 60,
        ..FakeConfig::default()
    })
    .await
    .expect("fake starts")
}

/// A client for `key` whose retry/backoff waits are virtual (recorded, not slept).
pub fn client(fake: &FakeAshby, key: &str) -> (Client, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let cfg = ClientConfig {
        rate_limit_per_minute: 0,
        concurrency: 4,
        request_timeout: Duration::from_secs(20),
        clock: clock.clone(),
        ..ClientConfig::with_base_url(fake.base_url())
    };
    (
        Client::new(ApiKey::parse(key).unwrap(), cfg).unwrap(),
        clock,
    )
}

pub fn open_store(dir: &Path) -> Store {
    let out = Store::open(&dir.join("ashby-sync.sqlite3")).expect("store opens");
    assert!(out.recovered_from.is_none(), "cache unexpectedly rebuilt");
    out.store
}

fn enum_str<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

fn opt<T: serde::Serialize>(v: &Option<T>) -> Value {
    v.as_ref().map(enum_str).unwrap_or(Value::Null)
}

fn no_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, no_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Every cached row as JSON, by table and id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    pub departments: BTreeMap<String, Value>,
    pub locations: BTreeMap<String, Value>,
    pub jobs: BTreeMap<String, Value>,
    pub postings: BTreeMap<String, Value>,
}

impl Snapshot {
    /// Panics with the first difference per table (full dumps would be unreadable at 2,000 jobs).
    pub fn assert_eq(&self, expected: &Snapshot, what: &str) {
        for (name, a, e) in [
            ("departments", &self.departments, &expected.departments),
            ("locations", &self.locations, &expected.locations),
            ("jobs", &self.jobs, &expected.jobs),
            ("postings", &self.postings, &expected.postings),
        ] {
            let ak: BTreeSet<&String> = a.keys().collect();
            let ek: BTreeSet<&String> = e.keys().collect();
            let missing: Vec<_> = ek.difference(&ak).take(5).collect();
            let extra: Vec<_> = ak.difference(&ek).take(5).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{what}: {name}: {} cached vs {} expected; missing {missing:?}, unexpected {extra:?}",
                a.len(),
                e.len()
            );
            for (id, ev) in e {
                let av = &a[id];
                assert!(
                    av == ev,
                    "{what}: {name} {id} differs:\n cached:   {av}\n expected: {ev}"
                );
            }
        }
    }
}

/// What the cache should hold for a key with confidential access (`confidential = true`) or
/// without.
pub fn expected(ds: &Dataset, confidential: bool) -> Snapshot {
    let mut s = Snapshot::default();
    for d in &ds.departments {
        s.departments.insert(
            d.id.clone(),
            json!({
                "name": d.name, "externalName": d.external_name, "parentId": d.parent_id,
                "isArchived": d.is_archived, "createdAt": d.created_at, "updatedAt": d.updated_at,
            }),
        );
    }
    for l in &ds.locations {
        s.locations.insert(
            l.id.clone(),
            json!({
                "name": l.name, "externalName": l.external_name,
                "parentLocationId": l.parent_location_id, "type": enum_str(&l.location_type),
                "workplaceType": opt(&l.workplace_type), "isArchived": l.is_archived,
                "isRemote": l.is_remote,
                "address": l.address.as_ref().map(|a| no_nulls(serde_json::to_value(&a.postal_address).unwrap())),
            }),
        );
    }
    let visible: BTreeSet<&str> = ds
        .jobs
        .iter()
        .filter(|j| confidential || !j.confidential)
        .map(|j| j.id.as_str())
        .collect();
    for j in ds.jobs.iter().filter(|j| visible.contains(j.id.as_str())) {
        let team: Vec<Value> = j
            .hiring_team
            .iter()
            .map(|m| json!([m.user_id, m.first_name, m.last_name, m.email, m.role]))
            .collect();
        s.jobs.insert(
            j.id.clone(),
            json!({
                "title": j.title, "status": j.status.as_str(),
                "employmentType": enum_str(&j.employment_type), "confidential": j.confidential,
                "departmentId": j.department_id, "locationId": j.location_id,
                "customRequisitionId": j.custom_requisition_id, "createdAt": j.created_at,
                "updatedAt": j.updated_at, "openedAt": j.opened_at, "closedAt": j.closed_at,
                "jobPostingIds": j.job_posting_ids, "hiringTeam": team,
            }),
        );
    }
    for p in ds
        .postings
        .iter()
        .filter(|p| p.is_published && !p.is_deleted && visible.contains(p.job_id.as_str()))
    {
        s.postings.insert(
            p.id.clone(),
            json!({
                "jobId": p.job_id, "title": p.title, "departmentName": p.department_name,
                "teamName": p.team_name, "locationName": p.location_name,
                "primaryLocationId": p.location_ids.primary_location_id,
                "secondaryLocationIds": p.location_ids.secondary_location_ids,
                "workplaceType": opt(&p.workplace_type),
                "employmentType": enum_str(&p.employment_type), "isListed": p.is_listed,
                "publishedDate": p.published_date, "applicationDeadline": p.application_deadline,
                "externalLink": p.external_link, "applyLink": p.apply_link,
                "compensationTierSummary": p.compensation_tier_summary,
                "shouldDisplayCompensation": p.should_display_compensation_on_job_board,
                "updatedAt": p.updated_at,
                "descriptionHtml": sanitize_description_html(&p.description_html),
                "descriptionPlain": p.description_plain,
            }),
        );
    }
    s
}

/// Reads the cache file directly (a second, read-only connection) so every stored column is
/// compared, not only what the query API exposes.
pub fn snapshot(db: &Path) -> Snapshot {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open cache read-only");
    let mut s = Snapshot::default();
    let rows = |sql: &str,
                f: &dyn Fn(&rusqlite::Row<'_>) -> rusqlite::Result<(String, Value)>|
     -> BTreeMap<String, Value> {
        let mut stmt = conn.prepare(sql).unwrap();
        let out = stmt
            .query_map([], |r| f(r))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        out
    };
    s.departments = rows(
        "SELECT id, name, external_name, parent_id, is_archived, created_at, updated_at FROM departments",
        &|r| {
            Ok((
                r.get(0)?,
                json!({"name": r.get::<_, String>(1)?, "externalName": r.get::<_, Option<String>>(2)?,
                       "parentId": r.get::<_, Option<String>>(3)?, "isArchived": r.get::<_, bool>(4)?,
                       "createdAt": r.get::<_, Option<String>>(5)?, "updatedAt": r.get::<_, Option<String>>(6)?}),
            ))
        },
    );
    s.locations = rows(
        "SELECT id, name, external_name, parent_location_id, location_type, workplace_type,
                is_archived, is_remote, address_json FROM locations",
        &|r| {
            let address = r
                .get::<_, Option<String>>(8)?
                .map(|a| no_nulls(serde_json::from_str(&a).unwrap()));
            Ok((
                r.get(0)?,
                json!({"name": r.get::<_, String>(1)?, "externalName": r.get::<_, Option<String>>(2)?,
                       "parentLocationId": r.get::<_, Option<String>>(3)?, "type": r.get::<_, Option<String>>(4)?,
                       "workplaceType": r.get::<_, Option<String>>(5)?, "isArchived": r.get::<_, bool>(6)?,
                       "isRemote": r.get::<_, Option<bool>>(7)?, "address": address}),
            ))
        },
    );
    let mut teams: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    {
        let mut stmt = conn
            .prepare("SELECT job_id, user_id, first_name, last_name, email, role FROM job_hiring_team ORDER BY job_id, position")
            .unwrap();
        let mut q = stmt.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            teams.entry(r.get(0).unwrap()).or_default().push(json!([
                r.get::<_, String>(1).unwrap(),
                r.get::<_, String>(2).unwrap(),
                r.get::<_, String>(3).unwrap(),
                r.get::<_, Option<String>>(4).unwrap(),
                r.get::<_, String>(5).unwrap()
            ]));
        }
    }
    s.jobs = rows(
        "SELECT id, title, status, employment_type, confidential, department_id, location_id,
                custom_requisition_id, created_at, updated_at, opened_at, closed_at, job_posting_ids_json
         FROM jobs",
        &|r| {
            let id: String = r.get(0)?;
            let team = teams.get(&id).cloned().unwrap_or_default();
            let posting_ids: Value = serde_json::from_str(&r.get::<_, String>(12)?).unwrap();
            Ok((
                id,
                json!({"title": r.get::<_, String>(1)?, "status": r.get::<_, String>(2)?,
                       "employmentType": r.get::<_, Option<String>>(3)?, "confidential": r.get::<_, bool>(4)?,
                       "departmentId": r.get::<_, Option<String>>(5)?, "locationId": r.get::<_, Option<String>>(6)?,
                       "customRequisitionId": r.get::<_, Option<String>>(7)?, "createdAt": r.get::<_, Option<String>>(8)?,
                       "updatedAt": r.get::<_, String>(9)?, "openedAt": r.get::<_, Option<String>>(10)?,
                       "closedAt": r.get::<_, Option<String>>(11)?, "jobPostingIds": posting_ids,
                       "hiringTeam": team}),
            ))
        },
    );
    s.postings = rows(
        "SELECT id, job_id, title, department_name, team_name, location_name, primary_location_id,
                secondary_location_ids_json, workplace_type, employment_type, is_listed, published_date,
                application_deadline, external_link, apply_link, compensation_tier_summary,
                should_display_compensation, updated_at, description_html, description_plain
         FROM job_postings",
        &|r| {
            let secondary: Value = serde_json::from_str(&r.get::<_, String>(7)?).unwrap();
            Ok((
                r.get(0)?,
                json!({"jobId": r.get::<_, String>(1)?, "title": r.get::<_, String>(2)?,
                       "departmentName": r.get::<_, Option<String>>(3)?, "teamName": r.get::<_, Option<String>>(4)?,
                       "locationName": r.get::<_, Option<String>>(5)?, "primaryLocationId": r.get::<_, Option<String>>(6)?,
                       "secondaryLocationIds": secondary, "workplaceType": r.get::<_, Option<String>>(8)?,
                       "employmentType": r.get::<_, Option<String>>(9)?, "isListed": r.get::<_, bool>(10)?,
                       "publishedDate": r.get::<_, Option<String>>(11)?, "applicationDeadline": r.get::<_, Option<String>>(12)?,
                       "externalLink": r.get::<_, Option<String>>(13)?, "applyLink": r.get::<_, Option<String>>(14)?,
                       "compensationTierSummary": r.get::<_, Option<String>>(15)?,
                       "shouldDisplayCompensation": r.get::<_, bool>(16)?, "updatedAt": r.get::<_, String>(17)?,
                       "descriptionHtml": r.get::<_, Option<String>>(18)?, "descriptionPlain": r.get::<_, Option<String>>(19)?}),
            ))
        },
    );
    s
}

/// `PRAGMA integrity_check` on a fresh connection.
pub fn integrity_ok(db: &Path) -> bool {
    let conn = rusqlite::Connection::open(db).unwrap();
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows == ["ok"]
}

/// The `jobPostingId`s of the `jobPosting.info` requests in the fake's log.
pub fn info_requests(fake: &FakeAshby) -> Vec<String> {
    fake.requests()
        .into_iter()
        .filter(|r| r.endpoint == "jobPosting.info")
        .filter_map(|r| {
            r.body
                .get("jobPostingId")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

/// The postings whose stored description belongs to their current `updatedAt`.
pub fn described(db: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT id FROM job_postings WHERE description_updated_at = updated_at")
        .unwrap();
    let ids = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<BTreeSet<String>>>()
        .unwrap();
    ids
}
