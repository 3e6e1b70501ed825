//! The fake's state and the logic of every endpoint (HTTP-free; `server.rs` does the transport).

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::gen::{self, Extras, Gen};
use crate::model::*;
use crate::paging::{self, CursorData, TokenData};
use crate::time::{fmt_ms, parse_ms, Clock};
use crate::{Access, DemoKeys, FakeConfig, Fault, KeySpec, LimitPolicy, Module, RequestRecord};

pub(crate) const DEFAULT_VERSION: &str = "2026-01-01";

/// Rows in creation order plus an index by change sequence.
pub(crate) struct Table<T> {
    pub items: Vec<T>,
    pub seqs: Vec<u64>,
    pub ids: HashMap<String, usize>,
    pub by_seq: BTreeMap<u64, usize>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            items: Vec::new(),
            seqs: Vec::new(),
            ids: HashMap::new(),
            by_seq: BTreeMap::new(),
        }
    }
}

impl<T> Table<T> {
    fn push(&mut self, id: String, row: T, seq: u64) -> usize {
        let idx = self.items.len();
        self.items.push(row);
        self.seqs.push(seq);
        self.ids.insert(id, idx);
        self.by_seq.insert(seq, idx);
        idx
    }
    pub fn idx(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }
    pub fn get(&self, id: &str) -> Option<&T> {
        self.idx(id).map(|i| &self.items[i])
    }
    fn touch(&mut self, idx: usize, seq: u64) {
        self.by_seq.remove(&self.seqs[idx]);
        self.seqs[idx] = seq;
        self.by_seq.insert(seq, idx);
    }
}

#[derive(Debug, Clone)]
pub(crate) struct KeyRecord {
    pub title: String,
    pub created_at: String,
    pub perms: BTreeMap<Module, Access>,
    pub confidential: bool,
    pub revoked: bool,
}

struct Bucket {
    tokens: f64,
    last: tokio::time::Instant,
}

pub(crate) struct FaultEntry {
    pub endpoint: String,
    pub fault: Fault,
    pub remaining: usize,
    /// Requests to the endpoint that pass untouched before the fault starts.
    pub skip: usize,
}

/// A logical API error, rendered as the Ashby error envelope.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ApiError {
    fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
        }
    }
    fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(200, "invalid_input", message)
    }
}

pub(crate) struct State {
    pub cfg: FakeConfig,
    pub clock: Clock,
    pub instance: u64,
    seq: u64,
    serial: u64,
    expire_below: u64,
    last_stamp: i64,
    pub gen: Gen,
    pub extras: Extras,
    pub departments: Table<Department>,
    pub locations: Table<Location>,
    pub users: Table<User>,
    pub jobs: Table<Job>,
    pub postings: Table<Posting>,
    pub job_boards: Vec<JobBoard>,
    pub roles: Vec<HiringTeamRole>,
    pub keys: HashMap<String, KeyRecord>,
    pub demo: DemoKeys,
    buckets: HashMap<String, Bucket>,
    pub faults: VecDeque<FaultEntry>,
    /// `jobPosting.info` for these postings always answers with this HTTP status.
    pub failing_postings: HashMap<String, u16>,
    /// Raw JSON fields written over a job's `job.list`/`job.info` object (odd shapes Ashby
    /// may send, such as `"author": {"id": null}`).
    pub job_overrides: HashMap<String, Map<String, Value>>,
    pub log: Vec<RequestRecord>,
    pub log_counter: u64,
    request_counter: u64,
    empty: BTreeMap<u64, usize>,
}

fn fill_perms(read: &[Module], write: &[Module]) -> BTreeMap<Module, Access> {
    Module::ALL
        .iter()
        .map(|m| {
            (
                *m,
                Access {
                    read: read.contains(m),
                    write: write.contains(m),
                },
            )
        })
        .collect()
}

impl State {
    pub fn new(cfg: FakeConfig) -> State {
        let (ds, extras, gen) = gen::generate(
            cfg.seed,
            cfg.jobs,
            cfg.departments,
            cfg.locations,
            cfg.users,
            cfg.published_postings,
            cfg.listed_pct,
        );
        let clock = Clock::new();
        let instance = paging::fnv(
            format!(
                "{}-{}-{:?}",
                cfg.seed,
                clock.now_ms(),
                std::thread::current().id()
            )
            .as_bytes(),
        ) ^ (std::process::id() as u64);
        let mut st = State {
            cfg,
            clock,
            instance,
            seq: 0,
            serial: 0,
            expire_below: 0,
            last_stamp: 0,
            gen,
            extras,
            departments: Table::default(),
            locations: Table::default(),
            users: Table::default(),
            jobs: Table::default(),
            postings: Table::default(),
            job_boards: ds.job_boards,
            roles: ds.hiring_team_roles,
            keys: HashMap::new(),
            demo: DemoKeys {
                full: String::new(),
                partial: String::new(),
                write: String::new(),
                revoked: String::new(),
            },
            buckets: HashMap::new(),
            faults: VecDeque::new(),
            failing_postings: HashMap::new(),
            job_overrides: HashMap::new(),
            log: Vec::new(),
            log_counter: 0,
            request_counter: 0,
            empty: BTreeMap::new(),
        };
        for d in ds.departments {
            let s = st.next_seq();
            st.departments.push(d.id.clone(), d, s);
        }
        for l in ds.locations {
            let s = st.next_seq();
            st.locations.push(l.id.clone(), l, s);
        }
        for u in ds.users {
            let s = st.next_seq();
            st.users.push(u.id.clone(), u, s);
        }
        for j in ds.jobs {
            let s = st.next_seq();
            st.jobs.push(j.id.clone(), j, s);
        }
        for p in ds.postings {
            let s = st.next_seq();
            st.postings.push(p.id.clone(), p, s);
        }
        let all = Module::ALL;
        st.demo.full = st.insert_key(KeySpec {
            title: "Ashby Sync (full read)".into(),
            permissions: fill_perms(&all, &[]),
            confidential_access: true,
            revoked: false,
        });
        let partial: Vec<Module> = all
            .iter()
            .copied()
            .filter(|m| !matches!(m, Module::Offers | Module::Approvals | Module::Reports))
            .collect();
        st.demo.partial = st.insert_key(KeySpec {
            title: "Ashby Sync (partial)".into(),
            permissions: fill_perms(&partial, &[]),
            confidential_access: false,
            revoked: false,
        });
        st.demo.write = st.insert_key(KeySpec {
            title: "Ashby Sync (read + write)".into(),
            permissions: fill_perms(
                &all,
                &[Module::Jobs, Module::Candidates, Module::Organization],
            ),
            confidential_access: true,
            revoked: false,
        });
        st.demo.revoked = st.insert_key(KeySpec {
            title: "Old integration key".into(),
            permissions: fill_perms(&all, &[]),
            confidential_access: true,
            revoked: true,
        });
        st
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A fresh timestamp for a mutation: the server clock, but always after the generated data and
    /// strictly increasing.
    pub fn stamp(&mut self) -> String {
        let now = self
            .clock
            .now_ms()
            .max(gen::BASE_MS)
            .max(self.last_stamp + 1);
        self.last_stamp = now;
        fmt_ms(now)
    }

    pub fn insert_key(&mut self, spec: KeySpec) -> String {
        let mut key = String::with_capacity(40);
        key.push_str("fake_");
        for _ in 0..32 {
            key.push(char::from_digit(self.gen.rng.u32(..16), 16).unwrap_or('0'));
        }
        let mut perms = fill_perms(&[], &[]);
        perms.extend(spec.permissions);
        let created_at = fmt_ms(gen::BASE_MS - 3 * 86_400_000 + self.keys.len() as i64 * 60_000);
        self.keys.insert(
            key.clone(),
            KeyRecord {
                title: spec.title,
                created_at,
                perms,
                confidential: spec.confidential_access,
                revoked: spec.revoked,
            },
        );
        key
    }

    pub fn next_request_id(&mut self) -> String {
        self.request_counter += 1;
        format!("01JFAKE{:019}", self.request_counter)
    }

    pub fn take_fault(&mut self, endpoint: &str) -> Option<Fault> {
        let pos = self
            .faults
            .iter()
            .position(|f| f.remaining > 0 && (f.endpoint == "*" || f.endpoint == endpoint))?;
        let entry = &mut self.faults[pos];
        if entry.skip > 0 {
            entry.skip -= 1;
            return None;
        }
        entry.remaining -= 1;
        let fault = entry.fault.clone();
        if entry.remaining == 0 {
            self.faults.remove(pos);
        }
        Some(fault)
    }

    /// Token bucket per key. `Err(retry_after_secs)` when the bucket is empty.
    pub fn rate_limit_ok(&mut self, key: &str) -> bool {
        let Some(rl) = self.cfg.rate_limit.clone() else {
            return true;
        };
        let cap = f64::from(rl.per_minute.max(1));
        let now = tokio::time::Instant::now();
        let b = self.buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: cap,
            last: now,
        });
        let refill = now.duration_since(b.last).as_secs_f64() * cap / 60.0;
        b.tokens = (b.tokens + refill).min(cap);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub fn reset_buckets(&mut self) {
        self.buckets.clear();
    }

    /// Tokens and cursors carry the serial current when issued; everything issued before this call
    /// gets a serial below the new `expire_below`.
    pub fn expire_all(&mut self) {
        self.serial += 1;
        self.expire_below = self.serial;
    }

    // ---------------------------------------------------------------- dataset & mutations

    pub fn dataset(&self) -> Dataset {
        Dataset {
            departments: self.departments.items.clone(),
            locations: self.locations.items.clone(),
            users: self.users.items.clone(),
            jobs: self.jobs.items.clone(),
            postings: self.postings.items.clone(),
            job_boards: self.job_boards.clone(),
            hiring_team_roles: self.roles.clone(),
        }
    }

    fn job_idx(&self, id: &str) -> usize {
        match self.jobs.idx(id) {
            Some(i) => i,
            None => panic!("fake-ashby: unknown job id {id}"),
        }
    }

    fn posting_idx(&self, id: &str) -> usize {
        match self.postings.idx(id) {
            Some(i) => i,
            None => panic!("fake-ashby: unknown job posting id {id}"),
        }
    }

    pub fn touch_job(&mut self, idx: usize, stamp: bool) {
        if stamp {
            let s = self.stamp();
            self.jobs.items[idx].updated_at = s;
        }
        let seq = self.next_seq();
        self.jobs.touch(idx, seq);
    }

    pub fn create_job(&mut self, title: &str) -> String {
        let mut ds = Dataset {
            departments: self.departments.items.clone(),
            locations: self.locations.items.clone(),
            users: self.users.items.clone(),
            ..Dataset::default()
        };
        let now = self
            .clock
            .now_ms()
            .max(gen::BASE_MS)
            .max(self.last_stamp + 1);
        self.last_stamp = now;
        gen::add_job(
            &mut self.gen,
            &mut ds,
            &self.extras,
            gen::new_job_spec(title),
            Some(now),
        );
        let mut job_id = String::new();
        for p in ds.postings {
            let s = self.next_seq();
            self.postings.push(p.id.clone(), p, s);
        }
        for j in ds.jobs {
            job_id = j.id.clone();
            let s = self.next_seq();
            self.jobs.push(j.id.clone(), j, s);
        }
        job_id
    }

    pub fn edit_job(&mut self, id: &str, f: impl FnOnce(&mut Job)) {
        let idx = self.job_idx(id);
        let s = self.stamp();
        self.jobs.items[idx].updated_at = s;
        f(&mut self.jobs.items[idx]);
        self.touch_job(idx, false);
    }

    pub fn set_job_status(&mut self, id: &str, status: JobStatus) {
        let idx = self.job_idx(id);
        let s = self.stamp();
        let job = &mut self.jobs.items[idx];
        job.status = status;
        job.updated_at = s.clone();
        if job.closed_at.is_none() {
            job.closed_at = Some(s.clone());
        }
        // Ashby unpublishes a job's postings when it closes.
        let posting_ids = job.job_posting_ids.clone();
        for pid in posting_ids {
            if let Some(pi) = self.postings.idx(&pid) {
                let p = &mut self.postings.items[pi];
                if p.is_published {
                    p.is_published = false;
                    p.updated_at = s.clone();
                    let seq = self.next_seq();
                    self.postings.touch(pi, seq);
                }
            }
        }
        self.touch_job(idx, false);
    }

    pub fn edit_posting(&mut self, id: &str, f: impl FnOnce(&mut Posting)) {
        let idx = self.posting_idx(id);
        let s = self.stamp();
        let before = (
            self.postings.items[idx].is_published,
            self.postings.items[idx].is_deleted,
        );
        self.postings.items[idx].updated_at = s;
        f(&mut self.postings.items[idx]);
        let p = &self.postings.items[idx];
        let after = (p.is_published, p.is_deleted);
        let job_id = p.job_id.clone();
        let seq = self.next_seq();
        self.postings.touch(idx, seq);
        if before != after {
            // The job's jobPostingIds changed: incremental job passes must see it.
            if let Some(ji) = self.jobs.idx(&job_id) {
                if after.1 {
                    self.jobs.items[ji].job_posting_ids.retain(|x| x != id);
                }
                self.touch_job(ji, true);
            }
        }
    }

    pub fn add_posting(&mut self, job_id: &str, title: &str) -> String {
        let ji = self.job_idx(job_id);
        // Clone an existing posting of the job when there is one, else generate a fresh job to borrow from.
        let template = self.jobs.items[ji]
            .job_posting_ids
            .iter()
            .filter_map(|pid| self.postings.get(pid))
            .next()
            .cloned();
        let mut p = match template {
            Some(p) => p,
            None => {
                let mut ds = Dataset {
                    departments: self.departments.items.clone(),
                    locations: self.locations.items.clone(),
                    users: self.users.items.clone(),
                    ..Dataset::default()
                };
                gen::add_job(
                    &mut self.gen,
                    &mut ds,
                    &self.extras,
                    gen::new_job_spec(title),
                    None,
                );
                match ds.postings.into_iter().next() {
                    Some(p) => p,
                    None => panic!("fake-ashby: generator produced no posting"),
                }
            }
        };
        let id = self.gen.uuid();
        let s = self.stamp();
        p.id = id.clone();
        p.job_id = job_id.to_string();
        p.title = title.to_string();
        p.updated_at = s.clone();
        p.published_date = s[..10].to_string();
        p.apply_link = format!(
            "https://jobs.ashbyhq.com/{}/{id}/application",
            gen::BOARD_NAME
        );
        p.is_published = true;
        p.is_deleted = false;
        p.is_listed = true;
        let seq = self.next_seq();
        self.postings.push(id.clone(), p, seq);
        self.jobs.items[ji].job_posting_ids.push(id.clone());
        self.touch_job(ji, true);
        id
    }

    pub fn edit_department(&mut self, id: &str, f: impl FnOnce(&mut Department)) {
        let Some(idx) = self.departments.idx(id) else {
            panic!("fake-ashby: unknown department id {id}");
        };
        let s = self.stamp();
        self.departments.items[idx].updated_at = s;
        f(&mut self.departments.items[idx]);
        let seq = self.next_seq();
        self.departments.touch(idx, seq);
    }

    pub fn edit_location(&mut self, id: &str, f: impl FnOnce(&mut Location)) {
        let Some(idx) = self.locations.idx(id) else {
            panic!("fake-ashby: unknown location id {id}");
        };
        f(&mut self.locations.items[idx]);
        let seq = self.next_seq();
        self.locations.touch(idx, seq);
    }

    pub fn edit_user(&mut self, id: &str, f: impl FnOnce(&mut User)) {
        let Some(idx) = self.users.idx(id) else {
            panic!("fake-ashby: unknown user id {id}");
        };
        let s = self.stamp();
        self.users.items[idx].updated_at = s;
        f(&mut self.users.items[idx]);
        let seq = self.next_seq();
        self.users.touch(idx, seq);
    }

    // ---------------------------------------------------------------- request handling

    pub fn key_record(&self, key: &str) -> Option<&KeyRecord> {
        self.keys.get(key)
    }

    /// Runs one authenticated API call. `key` is already validated and has the module permission.
    pub fn dispatch(
        &mut self,
        endpoint: &str,
        key: &KeyRecord,
        body: &Map<String, Value>,
    ) -> Result<Value, ApiError> {
        let p = Params(body);
        match endpoint {
            "apiKey.info" => {
                let mut scopes = Vec::new();
                for (m, a) in &key.perms {
                    if a.read {
                        scopes.push(format!("{}:read", m.scope_name()));
                    }
                    if a.write {
                        scopes.push(format!("{}:write", m.scope_name()));
                    }
                }
                Ok(
                    json!({"success": true, "results": {"title": key.title, "createdAt": key.created_at, "scopes": scopes}}),
                )
            }
            "job.list" => self.job_list(&p, key),
            "job.info" => {
                let id = p.req_str("id")?;
                let inc = p
                    .opt_bool("includeUnpublishedJobPostingsIds")?
                    .unwrap_or(false);
                let expand = p
                    .opt_enum_array("expand", &["location", "openings", "compensation"])?
                    .unwrap_or_default();
                match self.jobs.get(id) {
                    Some(j) if !j.confidential || key.confidential => {
                        Ok(json!({"success": true, "results": self.job_json(j, inc, &expand)}))
                    }
                    _ => Err(ApiError::new(
                        200,
                        "job_not_found",
                        format!("No job was found with id {id}"),
                    )),
                }
            }
            "jobPosting.list" => self.posting_list(&p, key),
            "jobPosting.info" => {
                let id = p.req_str("jobPostingId")?;
                if let Some(status) = self.failing_postings.get(id) {
                    return Err(ApiError::new(
                        *status,
                        "internal_error",
                        format!("The job posting {id} could not be loaded"),
                    ));
                }
                if let Some(board) = p.opt_str("jobBoardId")? {
                    self.check_board(board)?;
                }
                p.opt_enum_array("expand", &["job"])?;
                let found = self.postings.get(id).filter(|x| !x.is_deleted).filter(|x| {
                    key.confidential || self.jobs.get(&x.job_id).is_none_or(|j| !j.confidential)
                });
                match found {
                    Some(posting) => {
                        Ok(json!({"success": true, "results": self.posting_info_json(posting)}))
                    }
                    None => Err(ApiError::new(
                        200,
                        "job_posting_not_found",
                        format!("No job posting was found with id {id}"),
                    )),
                }
            }
            "jobBoard.list" => {
                Ok(json!({"success": true, "results": self.job_boards, "moreDataAvailable": false}))
            }
            "department.list" => {
                let inc = p.opt_bool("includeArchived")?.unwrap_or(false);
                let items = &self.departments.items;
                let page = self.paginate(endpoint, &p, &self.departments.by_seq, |i| {
                    inc || !items[i].is_archived
                })?;
                Ok(page.render(|i| json!(items[i])))
            }
            "department.info" => {
                let id = p.req_str("departmentId")?;
                match self.departments.get(id) {
                    Some(d) => Ok(json!({"success": true, "results": d})),
                    None => Err(ApiError::new(
                        200,
                        "department_not_found",
                        format!("No department was found with id {id}"),
                    )),
                }
            }
            "location.list" => {
                let inc = p.opt_bool("includeArchived")?.unwrap_or(false);
                let hier = p.opt_bool("includeLocationHierarchy")?.unwrap_or(false);
                let items = &self.locations.items;
                let page = self.paginate(endpoint, &p, &self.locations.by_seq, |i| {
                    let l = &items[i];
                    (inc || !l.is_archived) && (hier || l.location_type == LocationType::Location)
                })?;
                Ok(page.render(|i| json!(items[i])))
            }
            "location.info" => {
                let id = p.req_str("locationId")?;
                match self.locations.get(id) {
                    Some(l) => Ok(json!({"success": true, "results": l})),
                    None => Err(ApiError::new(
                        200,
                        "location_not_found",
                        format!("No location was found with id {id}"),
                    )),
                }
            }
            "user.list" => {
                let inc = p.opt_bool("includeDeactivated")?.unwrap_or(false);
                let items = &self.users.items;
                let page = self.paginate(endpoint, &p, &self.users.by_seq, |i| {
                    inc || items[i].is_enabled
                })?;
                Ok(page.render(|i| json!(items[i])))
            }
            "user.info" => {
                let id = p.req_str("userId")?;
                match self.users.get(id) {
                    Some(u) => Ok(json!({"success": true, "results": u})),
                    None => Err(ApiError::new(
                        200,
                        "user_not_found",
                        format!("No user was found with id {id}"),
                    )),
                }
            }
            "hiringTeamRole.list" => {
                if p.opt_bool("namesOnly")?.unwrap_or(true) {
                    let names: Vec<&str> = self.roles.iter().map(|r| r.title.as_str()).collect();
                    Ok(json!({"success": true, "results": names}))
                } else {
                    Ok(json!({"success": true, "results": self.roles}))
                }
            }
            "archiveReason.list" => {
                p.opt_bool("includeArchived")?;
                let reasons: Vec<Value> = [
                    ("Hired elsewhere", "RejectedByCandidate"),
                    ("Not a culture add", "RejectedByOrg"),
                    ("Position filled", "Other"),
                ]
                .iter()
                .map(|(text, ty)| {
                    json!({"id": paging::derived_uuid(text), "text": text, "reasonType": ty, "isArchived": false})
                })
                .collect();
                Ok(json!({"success": true, "results": reasons}))
            }
            "report.synchronous" => {
                let id = p.req_str("reportId")?;
                Err(ApiError::new(
                    200,
                    "report_not_found",
                    format!("No report was found with id {id}"),
                ))
            }
            // Probe lists: valid, paginated, sync-capable and empty.
            _ => {
                p.opt_i64("createdAfter")?;
                let page = self.paginate(endpoint, &p, &self.empty, |_| true)?;
                Ok(page.render(|_| Value::Null))
            }
        }
    }

    fn check_board(&self, id: &str) -> Result<(), ApiError> {
        if self.job_boards.iter().any(|b| b.id == id) {
            Ok(())
        } else {
            Err(ApiError::new(
                200,
                "job_board_not_found",
                format!("No job board was found with id {id}"),
            ))
        }
    }

    fn job_list(&self, p: &Params, key: &KeyRecord) -> Result<Value, ApiError> {
        let statuses: Option<Vec<JobStatus>> = p
            .opt_enum_array("status", &["Draft", "Open", "Closed", "Archived"])?
            .map(|v| {
                v.iter()
                    .filter_map(|s| match s.as_str() {
                        "Draft" => Some(JobStatus::Draft),
                        "Open" => Some(JobStatus::Open),
                        "Closed" => Some(JobStatus::Closed),
                        "Archived" => Some(JobStatus::Archived),
                        _ => None,
                    })
                    .collect()
            });
        let created_after = p.opt_i64("createdAfter")?;
        let opened_after = p.opt_i64("openedAfter")?;
        let opened_before = p.opt_i64("openedBefore")?;
        let closed_after = p.opt_i64("closedAfter")?;
        let closed_before = p.opt_i64("closedBefore")?;
        let inc = p
            .opt_bool("includeUnpublishedJobPostingsIds")?
            .unwrap_or(false);
        let expand = p
            .opt_enum_array("expand", &["location", "openings", "compensation"])?
            .unwrap_or_default();
        let items = &self.jobs.items;
        let ms = |s: &Option<String>| s.as_deref().and_then(parse_ms);
        let visible = |i: usize| {
            let j = &items[i];
            let status_ok = match &statuses {
                Some(s) => s.contains(&j.status),
                None => j.status != JobStatus::Draft,
            };
            if !status_ok || (j.confidential && !key.confidential) {
                return false;
            }
            let after =
                |bound: Option<i64>, v: Option<i64>| bound.is_none_or(|b| v.is_some_and(|v| v > b));
            let before =
                |bound: Option<i64>, v: Option<i64>| bound.is_none_or(|b| v.is_some_and(|v| v < b));
            after(created_after, ms(&j.created_at))
                && after(opened_after, ms(&j.opened_at))
                && before(opened_before, ms(&j.opened_at))
                && after(closed_after, ms(&j.closed_at))
                && before(closed_before, ms(&j.closed_at))
        };
        let page = self.paginate("job.list", p, &self.jobs.by_seq, visible)?;
        Ok(page.render(|i| self.job_json(&items[i], inc, &expand)))
    }

    fn job_json(&self, j: &Job, include_unpublished: bool, expand: &[String]) -> Value {
        let mut v = json!(j);
        let ids: Vec<&String> = j
            .job_posting_ids
            .iter()
            .filter(|pid| {
                self.postings
                    .get(pid)
                    .is_some_and(|p| !p.is_deleted && (include_unpublished || p.is_published))
            })
            .collect();
        v["jobPostingIds"] = json!(ids);
        let has = |e: &str| expand.iter().any(|x| x == e);
        if let Some(obj) = v.as_object_mut() {
            if !has("compensation") {
                obj.remove("compensation");
            }
            if has("location") {
                if let Some(l) = j
                    .location_id
                    .as_deref()
                    .and_then(|id| self.locations.get(id))
                {
                    obj.insert("location".into(), json!(l));
                }
            }
            if has("openings") {
                obj.insert("openings".into(), self.openings_json(j));
            }
            if let Some(extra) = self.job_overrides.get(&j.id) {
                for (k, val) in extra {
                    obj.insert(k.clone(), val.clone());
                }
            }
        }
        v
    }

    fn openings_json(&self, j: &Job) -> Value {
        let (state, archived) = match j.status {
            JobStatus::Draft => ("Draft", false),
            JobStatus::Open => ("Open", false),
            JobStatus::Closed => ("Filled", false),
            JobStatus::Archived => ("Closed", true),
        };
        let mut o = json!({
            "id": paging::derived_uuid(&format!("opening:{}", j.id)),
            "isArchived": archived,
            "openingState": state,
            "latestVersion": {
                "id": paging::derived_uuid(&format!("opening-version:{}", j.id)),
                "identifier": j.custom_requisition_id.clone().unwrap_or_else(|| format!("OPN-{}", &j.id[..8])),
                "description": "",
                "authorId": j.author.as_ref().map(|a| a.id.clone()).unwrap_or_else(|| paging::derived_uuid("author")),
                "createdAt": j.created_at.clone().unwrap_or_else(|| j.updated_at.clone()),
                "jobIds": [j.id],
                "isBackfill": false,
                "employmentType": j.employment_type,
                "locationIds": j.location_id.iter().collect::<Vec<_>>(),
                "hiringTeam": j.hiring_team,
                "customFields": [],
            }
        });
        if let Some(t) = &j.department_id {
            o["latestVersion"]["teamId"] = json!(t);
        }
        // A target hire date on openings still to fill (a date, derived from the id).
        if matches!(j.status, JobStatus::Draft | JobStatus::Open) {
            let month = u32::from_str_radix(&j.id[..1], 16).unwrap_or(0) % 12 + 1;
            o["latestVersion"]["targetHireDate"] = json!(format!("2027-{month:02}-01"));
        }
        if let Some(t) = &j.opened_at {
            o["openedAt"] = json!(t);
        }
        if let Some(t) = &j.closed_at {
            o["closedAt"] = json!(t);
            if archived {
                o["archivedAt"] = json!(t);
            }
        }
        json!([o])
    }

    fn posting_list(&self, p: &Params, key: &KeyRecord) -> Result<Value, ApiError> {
        let location = p.opt_str("location")?;
        let department = p.opt_str("department")?;
        let listed_only = p.opt_bool("listedOnly")?.unwrap_or(false);
        if let Some(board) = p.opt_str("jobBoardId")? {
            self.check_board(board)?;
        }
        let mut out = Vec::new();
        for posting in &self.postings.items {
            if !posting.is_published || posting.is_deleted || (listed_only && !posting.is_listed) {
                continue;
            }
            if location.is_some_and(|l| l != posting.location_name)
                || department.is_some_and(|d| d != posting.department_name)
            {
                continue;
            }
            if !key.confidential
                && self
                    .jobs
                    .get(&posting.job_id)
                    .is_some_and(|j| j.confidential)
            {
                continue;
            }
            out.push(PostingListItem::from(posting));
        }
        Ok(json!({"success": true, "results": out}))
    }

    pub fn posting_info_json(&self, posting: &Posting) -> Value {
        let mut v = json!(posting);
        if let Some(o) = v.as_object_mut() {
            // In `jobPosting.info` these two live only inside `compensation`.
            o.remove("compensationTierSummary");
            o.remove("shouldDisplayCompensationOnJobBoard");
        }
        v["linkedData"] = gen::linked_data(posting);
        v["applicationFormDefinition"] = gen::application_form(&self.extras, &posting.id);
        v["surveyFormDefinitions"] = gen::survey_forms(&self.extras);
        v
    }

    /// Public job board: listed, published postings of non-confidential jobs.
    pub fn board_json(&self, board: &str, include_comp: bool) -> Value {
        let mut jobs = Vec::new();
        for p in &self.postings.items {
            if !p.is_published || p.is_deleted || !p.is_listed {
                continue;
            }
            if self.jobs.get(&p.job_id).is_some_and(|j| j.confidential) {
                continue;
            }
            let url = format!("https://jobs.ashbyhq.com/{board}/{}", p.id);
            let secondary: Vec<Value> = p
                .location_ids
                .secondary_location_ids
                .iter()
                .filter_map(|id| self.locations.get(id))
                .map(|l| {
                    json!({"location": l.name, "address": l.address.clone().unwrap_or_default()})
                })
                .collect();
            let published_at = format!("{}T16:21:55.393+00:00", p.published_date);
            let mut j = json!({
                "id": p.id,
                "title": p.title,
                "department": p.department_name,
                "team": p.team_name,
                "employmentType": p.employment_type,
                "location": p.location_name,
                "secondaryLocations": secondary,
                "address": p.address.clone().unwrap_or_default(),
                "isRemote": p.is_remote,
                "workplaceType": p.workplace_type,
                "isListed": p.is_listed,
                "publishedAt": published_at,
                "jobUrl": url,
                "applyUrl": format!("{url}/application"),
                "descriptionHtml": p.description_html,
                "descriptionPlain": p.description_plain,
            });
            if include_comp {
                j["shouldDisplayCompensationOnJobPostings"] =
                    json!(p.should_display_compensation_on_job_board);
                let c = &p.compensation;
                j["compensation"] = if p.should_display_compensation_on_job_board {
                    json!({
                        "compensationTierSummary": c.compensation_tier_summary,
                        "scrapeableCompensationSalarySummary": c.summary_components.first().map(|s| s.summary.clone()),
                        "compensationTiers": board_tiers(&c.compensation_tiers),
                        "summaryComponents": c.summary_components,
                    })
                } else {
                    json!({"compensationTierSummary": null, "scrapeableCompensationSalarySummary": null,
                           "compensationTiers": [], "summaryComponents": []})
                };
            }
            jobs.push(j);
        }
        json!({"apiVersion": "1", "jobs": jobs})
    }

    // ---------------------------------------------------------------- pagination

    fn paginate(
        &self,
        stream: &str,
        p: &Params,
        by_seq: &BTreeMap<u64, usize>,
        mut visible: impl FnMut(usize) -> bool,
    ) -> Result<Page, ApiError> {
        let limit = p.limit(self.cfg.limit_over_100)?;
        let cursor = p.opt_str("cursor")?;
        let token = p.opt_str("syncToken")?;
        let filter = filter_hash(p.0);
        let now = self.clock.now_ms();
        let st = self.cfg.token_error_status;
        let (after, hwm) = if let Some(c) = cursor {
            // The cursor wins over a syncToken sent alongside it (clients may send both on every page).
            let Some(cd) = paging::decode::<CursorData>(c).filter(|cd| cd.k == "c") else {
                return Err(ApiError::new(st, "invalid_next_cursor", "The cursor could not be decoded. Restart pagination from the first page by calling this endpoint again without a cursor."));
            };
            if cd.s != stream || cd.f != filter {
                return Err(ApiError::new(st, "invalid_next_cursor", "The cursor does not belong to this request (different endpoint or parameters). Restart pagination from the first page without a cursor, and send the same parameters on every page."));
            }
            if self.is_expired(cd.i, cd.n, cd.x, self.cfg.cursor_ttl) {
                return Err(ApiError::new(st, "next_cursor_expired", "The cursor has expired. Restart pagination from the first page by calling this endpoint again without a cursor."));
            }
            (cd.p, cd.h)
        } else if let Some(t) = token {
            let Some(td) =
                paging::decode::<TokenData>(t).filter(|td| td.k == "t" && td.s == stream)
            else {
                return Err(ApiError::new(st, "sync_token_invalid", "The syncToken could not be decoded. Discard it and run a full sync by calling this endpoint without a syncToken."));
            };
            if self.is_expired(td.i, td.n, td.x, self.cfg.sync_token_ttl) {
                return Err(ApiError::new(st, "sync_token_expired", "The syncToken has expired. Discard it and run a full sync by calling this endpoint without a syncToken."));
            }
            let hwm = self.seq;
            let changed = paging::count(by_seq, td.m, hwm, &mut visible);
            let pages = changed.div_ceil(limit);
            if pages > self.cfg.incremental_page_cap {
                return Err(ApiError::new(st, "incremental_sync_too_large", format!(
                    "Too many records changed since this syncToken was issued ({changed} records, more than {} pages). Discard the syncToken and run a full sync.",
                    self.cfg.incremental_page_cap
                )));
            }
            (td.m, hwm)
        } else {
            (0, self.seq)
        };
        let (rows, more, last) = paging::walk(by_seq, after, hwm, limit, visible);
        let mut page = Page {
            rows,
            more,
            next_cursor: None,
            sync_token: None,
        };
        let serial = self.serial;
        if more {
            page.next_cursor = Some(paging::encode(&CursorData {
                k: "c".into(),
                s: stream.into(),
                f: filter,
                p: last,
                h: hwm,
                i: now,
                n: serial,
                x: self.instance,
            }));
        } else {
            page.sync_token = Some(paging::encode(&TokenData {
                k: "t".into(),
                s: stream.into(),
                m: hwm,
                i: now,
                n: serial,
                x: self.instance,
            }));
        }
        Ok(page)
    }

    fn is_expired(
        &self,
        issued: i64,
        serial: u64,
        instance: u64,
        ttl: std::time::Duration,
    ) -> bool {
        let age = self.clock.now_ms() - issued;
        age > ttl.as_millis() as i64 || (instance == self.instance && serial < self.expire_below)
    }
}

struct Page {
    rows: Vec<usize>,
    more: bool,
    next_cursor: Option<String>,
    sync_token: Option<String>,
}

impl Page {
    fn render(self, f: impl Fn(usize) -> Value) -> Value {
        let results: Vec<Value> = self.rows.iter().map(|i| f(*i)).collect();
        let mut v = json!({"success": true, "results": results, "moreDataAvailable": self.more});
        if let Some(c) = self.next_cursor {
            v["nextCursor"] = json!(c);
        }
        if let Some(t) = self.sync_token {
            v["syncToken"] = json!(t);
        }
        v
    }
}

/// The public board's tiers carry an `id` on every component (the API's don't).
fn board_tiers(tiers: &[CompensationTier]) -> Value {
    let mut v = json!(tiers);
    for (ti, t) in v.as_array_mut().into_iter().flatten().enumerate() {
        let tier_id = t["id"].as_str().unwrap_or_default().to_string();
        for (ci, c) in t["components"]
            .as_array_mut()
            .into_iter()
            .flatten()
            .enumerate()
        {
            if c.get("id").is_none() {
                c["id"] = json!(paging::derived_uuid(&format!("{tier_id}:{ti}:{ci}")));
            }
        }
    }
    v
}

/// Hash of the request's parameters other than limit/cursor/syncToken, independent of key order.
fn filter_hash(body: &Map<String, Value>) -> u64 {
    let canon: BTreeMap<&String, String> = body
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "limit" | "cursor" | "syncToken"))
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    paging::fnv(format!("{canon:?}").as_bytes())
}

/// `jobPosting.list` item: the posting without descriptions.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostingListItem<'a> {
    id: &'a str,
    title: &'a str,
    job_id: &'a str,
    department_name: &'a str,
    team_name: &'a str,
    location_name: &'a str,
    location_ids: &'a LocationIds,
    #[serde(skip_serializing_if = "Option::is_none")]
    workplace_type: Option<WorkplaceType>,
    employment_type: EmploymentType,
    is_listed: bool,
    published_date: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    application_deadline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_link: Option<&'a str>,
    apply_link: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    compensation_tier_summary: Option<&'a str>,
    should_display_compensation_on_job_board: bool,
    updated_at: &'a str,
}

impl<'a> From<&'a Posting> for PostingListItem<'a> {
    fn from(p: &'a Posting) -> Self {
        PostingListItem {
            id: &p.id,
            title: &p.title,
            job_id: &p.job_id,
            department_name: &p.department_name,
            team_name: &p.team_name,
            location_name: &p.location_name,
            location_ids: &p.location_ids,
            workplace_type: p.workplace_type,
            employment_type: p.employment_type,
            is_listed: p.is_listed,
            published_date: &p.published_date,
            application_deadline: p.application_deadline.as_deref(),
            external_link: p.external_link.as_deref(),
            apply_link: &p.apply_link,
            compensation_tier_summary: p.compensation_tier_summary.as_deref(),
            should_display_compensation_on_job_board: p.should_display_compensation_on_job_board,
            updated_at: &p.updated_at,
        }
    }
}

/// Typed access to a request body; wrong types → `invalid_input`. `null` counts as absent.
pub(crate) struct Params<'a>(pub &'a Map<String, Value>);

impl Params<'_> {
    fn get(&self, k: &str) -> Option<&Value> {
        self.0.get(k).filter(|v| !v.is_null())
    }
    fn opt_bool(&self, k: &str) -> Result<Option<bool>, ApiError> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::invalid(format!("'{k}' must be a boolean"))),
        }
    }
    fn opt_str(&self, k: &str) -> Result<Option<&str>, ApiError> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::invalid(format!("'{k}' must be a string"))),
        }
    }
    fn req_str(&self, k: &str) -> Result<&str, ApiError> {
        match self.opt_str(k)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::invalid(format!("'{k}' is required"))),
        }
    }
    fn opt_i64(&self, k: &str) -> Result<Option<i64>, ApiError> {
        match self.get(k) {
            None => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| {
                ApiError::invalid(format!("'{k}' must be an integer (epoch milliseconds)"))
            }),
        }
    }
    fn opt_enum_array(&self, k: &str, allowed: &[&str]) -> Result<Option<Vec<String>>, ApiError> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Array(a)) => {
                let mut out = Vec::with_capacity(a.len());
                for v in a {
                    match v.as_str() {
                        Some(s) if allowed.contains(&s) => out.push(s.to_string()),
                        _ => {
                            return Err(ApiError::invalid(format!(
                                "'{k}' must be an array of {}",
                                allowed.join(", ")
                            )))
                        }
                    }
                }
                Ok(Some(out))
            }
            Some(_) => Err(ApiError::invalid(format!("'{k}' must be an array"))),
        }
    }
    fn limit(&self, policy: LimitPolicy) -> Result<usize, ApiError> {
        let Some(v) = self.get("limit") else {
            return Ok(100);
        };
        let Some(n) = v.as_f64() else {
            return Err(ApiError::invalid("'limit' must be a number"));
        };
        if n < 1.0 {
            return Err(ApiError::invalid("'limit' must be at least 1"));
        }
        if n > 100.0 && policy == LimitPolicy::Reject {
            return Err(ApiError::invalid("'limit' must be at most 100"));
        }
        Ok(n.min(100.0) as usize)
    }
}

impl Module {
    /// Module name as used in `apiKey.info` scopes (`<name>:read`) and permission names (`<name>Read`).
    pub fn scope_name(self) -> &'static str {
        match self {
            Module::Jobs => "jobs",
            Module::Candidates => "candidates",
            Module::Interviews => "interviews",
            Module::HiringProcessMetadata => "hiringProcessMetadata",
            Module::Organization => "organization",
            Module::Offers => "offers",
            Module::ApiKeys => "apiKeys",
            Module::Approvals => "approvals",
            Module::Reports => "reports",
        }
    }
    /// Display name as in Ashby's admin UI.
    pub fn display_name(self) -> &'static str {
        match self {
            Module::Jobs => "Jobs",
            Module::Candidates => "Candidates",
            Module::Interviews => "Interviews",
            Module::HiringProcessMetadata => "Hiring Process",
            Module::Organization => "Organization",
            Module::Offers => "Offers",
            Module::ApiKeys => "API Keys",
            Module::Approvals => "Approvals",
            Module::Reports => "Reports",
        }
    }
}

/// Endpoint → module whose read permission it needs (each endpoint's reference page names it);
/// `None` = not an endpoint of the fake.
pub(crate) fn endpoint_module(endpoint: &str) -> Option<Module> {
    Some(match endpoint {
        "apiKey.info" => Module::ApiKeys,
        "job.list" | "job.info" | "jobPosting.list" | "jobPosting.info" | "jobBoard.list" => {
            Module::Jobs
        }
        "department.list"
        | "department.info"
        | "location.list"
        | "location.info"
        | "user.list"
        | "user.info"
        | "hiringTeamRole.list" => Module::Organization,
        "candidate.list" | "application.list" => Module::Candidates,
        "interviewPlan.list" | "interviewSchedule.list" => Module::Interviews,
        "archiveReason.list" => Module::HiringProcessMetadata,
        "offer.list" => Module::Offers,
        "approval.list" => Module::Approvals,
        "report.synchronous" => Module::Reports,
        _ => return None,
    })
}

pub(crate) fn error_envelope(code: &str, message: &str, request_id: &str) -> Value {
    json!({
        "success": false,
        "errors": [code],
        "errorInfo": {"code": code, "message": message, "requestId": request_id}
    })
}

impl ApiError {
    pub fn into_parts(self) -> (u16, String, String) {
        (self.status, self.code, self.message)
    }
}
