//! # fake-ashby — a fake Ashby API server for tests
//!
//! Implements Ashby's documented API behaviour (<https://developers.ashbyhq.com/reference/introduction>)
//! over real HTTP (axum/hyper on 127.0.0.1): `POST /<endpoint>` RPC calls with Basic auth, the `{success, results}` / error envelopes,
//! per-module permissions, cursor pagination with sync tokens, include flags, rate limiting, injected
//! faults, and the public `GET /posting-api/job-board/{name}` board.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fake_ashby::{FakeAshby, FakeConfig};
//! let fake = FakeAshby::start(FakeConfig { jobs: 250, ..FakeConfig::default() }).await?;
//! let url = fake.base_url();          // http://127.0.0.1:PORT
//! let key = fake.keys().full;          // Basic auth username; password ignored
//! let id = fake.create_job("Robotics Technician"); // visible to the next incremental job.list
//! # let _ = (url, key, id); Ok(()) }
//! ```
//!
//! ## Endpoints
//! `apiKey.info, job.list, job.info, jobPosting.list, jobPosting.info, jobBoard.list, department.list,
//! department.info, location.list, location.info, user.list, user.info, hiringTeamRole.list` and the
//! permission probes `candidate.list, application.list, interviewPlan.list, interviewSchedule.list,
//! archiveReason.list, offer.list, approval.list, report.synchronous` (empty results; `report.synchronous`
//! always answers HTTP 200 `success:false` code `report_not_found`). Anything else → 404 `Not Found`.
//! Endpoint names in faults and in the request log are the path without the leading `/`
//! (`"job.list"`); the public board is `"posting-api/job-board"`.
//!
//! ## Order of checks for every request
//! log → latency → fault (if one is queued for the endpoint) → 401 (no/garbled Basic auth) → 403
//! (unknown or revoked key) → 429 (per-key token bucket) → 403 `missing_endpoint_permission` →
//! HTTP 200 `invalid_input` (Content-Type not `application/json`, body not a JSON object, wrong field
//! types; an empty body counts as `{}`, `null` fields count as absent, unknown fields are ignored) →
//! the endpoint. Every response carries `Ashby-Version` (the request's, else `2026-01-01`) and
//! `Ashby-Version-Status: active`.
//!
//! ## Pagination and sync tokens
//! All paginated lists (`job/department/location/user.list` and the probe lists) share one engine: rows
//! are ordered by an internal change sequence that every mutation bumps. `limit` defaults to 100 and is
//! clamped to 100 (or rejected, see [`LimitPolicy`]). `nextCursor` is present only when
//! `moreDataAvailable` is true; the last page of a pass carries `syncToken`. With a `syncToken` (and no
//! cursor) the pass returns only rows changed since the token's pass *started*. The cursor wins when
//! both are sent, so sending the token on every page works too. A cursor is bound to the endpoint and
//! to the request's other parameters (except `limit` and `syncToken`): changing them mid-pass gives
//! `invalid_next_cursor`. Token errors (`sync_token_expired`, `sync_token_invalid`,
//! `next_cursor_expired`, `invalid_next_cursor`, `incremental_sync_too_large`) use HTTP
//! [`FakeConfig::token_error_status`] (default 200) with `success:false`. Filters (include flags,
//! `status`, confidentiality) also apply to incremental passes, so a row that becomes hidden simply stops
//! appearing.
//!
//! ## Visibility
//! Archived departments/locations, `LocationHierarchy` locations and deactivated users are hidden unless
//! `includeArchived` / `includeLocationHierarchy` / `includeDeactivated`. `job.list` hides `Draft` jobs
//! unless `status` contains `"Draft"`. Confidential jobs (and their postings) are invisible to keys
//! without confidential access (`job.info` → `job_not_found`). `jobPostingIds` lists published postings
//! only, plus unpublished ones with `includeUnpublishedJobPostingsIds:true`. `jobPosting.list` returns
//! every published posting (listed and unlisted) without descriptions; `jobPosting.info` still answers
//! for unpublished postings but not for deleted ones (`job_posting_not_found`). Closing or archiving a
//! job unpublishes its postings. The job `compensation` field is only sent with
//! `expand:["compensation"]`; `expand:["location","openings"]` inline those objects.
//! `jobPosting.info` has `compensationTierSummary`/`shouldDisplayCompensationOnJobBoard` only inside
//! `compensation` (the list has them at the top level), as in the published schemas.
//!
//! ## Public job board
//! `GET /posting-api/job-board/{name}` (name `northwind`, case-insensitive, echoed into `jobUrl`):
//! listed, published postings of non-confidential jobs with descriptions; `compensation` and
//! `shouldDisplayCompensationOnJobPostings` only with `?includeCompensation=true`; weak `ETag`,
//! `If-None-Match` → 304; `Cache-Control: public, max-age=60`; no auth. Unknown board → see
//! [`UnknownBoard`].
//!
//! ## Demo data
//! Deterministic for a given [`FakeConfig::seed`] and sizes: an organisation "Northwind Robotics"
//! (public board name `northwind`), ~2/3 of `departments` top-level departments and the rest teams
//! (`parentId`), the last top-level department **archived** (when there are ≥ 3); three
//! `LocationHierarchy` regions plus offices, the last office **archived** (when ≥ 5 offices); users with
//! every 10th one deactivated. Jobs: index 1 is a **Draft**, index 2 **Closed**, index 3 an Open
//! **confidential** job, index 4 **Archived** (when there are ≥ 5 jobs); the rest are random
//! (≈50% Open, 20% Closed, 15% Archived, 15% Draft, 5% confidential) with 0–3 postings (Open jobs'
//! postings are published, ~20% of them unlisted; other jobs' postings are unpublished).
//!
//! ### XSS canary
//! **Job 0** is always Open, titled `"Senior Rust Engineer (Platform)"` ([`CANARY_TITLE`]), with exactly
//! one published, listed posting whose `descriptionHtml` (and `descriptionParts.descriptionBody.html`)
//! contains, among normal paragraphs:
//! `<script>window.__xss=1</script>`, `<img src="x" onerror="window.__xss=1">`,
//! `<a href="javascript:window.__xss=1">apply</a>`, `<iframe src="https://example.com"></iframe>` and a
//! remote `<img src="https://example.com/t.png">`. A UI that renders it unsanitised sets
//! `window.__xss`.
//!
//! ## Faults, rate limits, time
//! See [`Fault`] and [`RateLimit`]. Token/cursor ages, rate-limit refills and latency use tokio's clock,
//! so tests running with paused time can `tokio::time::advance` past `sync_token_ttl` etc.

pub mod model;
pub mod proxy;
pub mod tls;

mod gen;
mod paging;
mod server;
mod state;
mod time;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

pub use gen::CANARY_TITLE;

use server::Shared;
use state::State;

/// Behaviour of `limit` values above 100 (real behaviour unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitPolicy {
    /// Serve 100 rows.
    Clamp,
    /// HTTP 200 `success:false` `invalid_input`.
    Reject,
}

/// Body of 401/403 auth failures (real shape unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyStyle {
    /// `text/plain` human-readable message.
    PlainText,
    /// The Ashby error envelope (codes `unauthorized` / `forbidden`).
    JsonEnvelope,
}

/// Public job board answer for an unknown board name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownBoard {
    /// 404 `Not Found`.
    NotFound,
    /// 200 `{"apiVersion":"1","jobs":[]}`.
    EmptyList,
}

/// Per-key token bucket: `per_minute` requests, refilled continuously.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    /// Seconds for the `Retry-After` header; `None` = no header.
    pub retry_after: Option<u64>,
    /// Add `X-RateLimit-Scope: integration-partner` (and the partner message) to 429s.
    pub partner_scope: bool,
}

#[derive(Debug, Clone)]
pub struct FakeConfig {
    pub seed: u64,
    pub jobs: usize,
    /// Total departments including teams (about a third become teams).
    pub departments: usize,
    /// Total locations including three `LocationHierarchy` regions (when ≥ 6).
    pub locations: usize,
    pub users: usize,
    /// Exactly this many published postings (what `jobPosting.list` returns), spread over the Open
    /// jobs; `None` = the generator's own mix (0–3 per job). Used by the benchmarks.
    pub published_postings: Option<usize>,
    /// With `published_postings`: the chance (percent) that each posting is listed (on the
    /// public board unless its job is confidential); `None` = the generator's own mix.
    pub listed_pct: Option<u32>,
    /// Added to every request.
    pub latency: Duration,
    pub rate_limit: Option<RateLimit>,
    /// Older tokens → `sync_token_expired` (default 30 days).
    pub sync_token_ttl: Duration,
    /// Older cursors → `next_cursor_expired` (default 1 hour).
    pub cursor_ttl: Duration,
    /// An incremental pass that would need more pages than this → `incremental_sync_too_large`.
    pub incremental_page_cap: usize,
    /// HTTP status of token/cursor errors (default 200).
    pub token_error_status: u16,
    pub limit_over_100: LimitPolicy,
    pub unauthorized_body: BodyStyle,
    pub forbidden_body: BodyStyle,
    pub unknown_board: UnknownBoard,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            seed: 1,
            jobs: 50,
            departments: 10,
            locations: 12,
            users: 30,
            published_postings: None,
            listed_pct: None,
            latency: Duration::ZERO,
            rate_limit: None,
            sync_token_ttl: Duration::from_secs(30 * 24 * 3600),
            cursor_ttl: Duration::from_secs(3600),
            incremental_page_cap: 50,
            token_error_status: 200,
            limit_over_100: LimitPolicy::Clamp,
            unauthorized_body: BodyStyle::PlainText,
            forbidden_body: BodyStyle::PlainText,
            unknown_board: UnknownBoard::NotFound,
        }
    }
}

/// Ashby permission modules: each endpoint needs read (or write) on one of these
/// (<https://developers.ashbyhq.com/docs/authentication>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Module {
    Jobs,
    Candidates,
    Interviews,
    HiringProcessMetadata,
    Organization,
    Offers,
    ApiKeys,
    Approvals,
    Reports,
}

impl Module {
    pub const ALL: [Module; 9] = [
        Module::Jobs,
        Module::Candidates,
        Module::Interviews,
        Module::HiringProcessMetadata,
        Module::Organization,
        Module::Offers,
        Module::ApiKeys,
        Module::Approvals,
        Module::Reports,
    ];
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Access {
    pub read: bool,
    pub write: bool,
}

/// A key to add with [`FakeAshby::add_key`]. Modules missing from `permissions` get no access.
#[derive(Debug, Clone)]
pub struct KeySpec {
    pub title: String,
    pub permissions: BTreeMap<Module, Access>,
    pub confidential_access: bool,
    pub revoked: bool,
}

impl KeySpec {
    /// Read access to every module, no write, no confidential access.
    pub fn read_all(title: &str) -> KeySpec {
        KeySpec::read_only(title, &Module::ALL)
    }
    /// Read access to the given modules only.
    pub fn read_only(title: &str, modules: &[Module]) -> KeySpec {
        KeySpec {
            title: title.to_string(),
            permissions: modules
                .iter()
                .map(|m| {
                    (
                        *m,
                        Access {
                            read: true,
                            write: false,
                        },
                    )
                })
                .collect(),
            confidential_access: false,
            revoked: false,
        }
    }
}

/// The four keys every fake starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoKeys {
    /// Read on every module + confidential access.
    pub full: String,
    /// Read on every module except Offers, Approvals, Reports; no confidential access.
    pub partial: String,
    /// Read on every module, write on Jobs, Candidates, Organization; confidential access.
    pub write: String,
    /// Revoked (403).
    pub revoked: String,
}

/// An injected failure for the next N requests to an endpoint (see [`FakeAshby::push_fault`]).
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this HTTP status and a short `text/plain` body.
    Status(u16),
    /// Wait this long, then answer normally (use it to trigger client timeouts).
    Hang(Duration),
    /// The normal answer with its body cut in half (valid HTTP, invalid JSON).
    TruncatedJson,
    /// Close the connection without sending any response.
    ConnectionReset,
    /// HTTP 200 `{"success":false,"errorInfo":null}`.
    SuccessFalseNullErrorInfo,
    /// HTTP 200 `{"success":false,"errors":[<value>]}` (string or object), no `errorInfo`.
    ErrorsArrayOnly(serde_json::Value),
    /// HTTP 429 with the error envelope (`rate_limit_exceeded`).
    RateLimited {
        retry_after: Option<u64>,
        partner_scope: bool,
    },
    /// Exactly this answer: status, extra headers and a JSON body (e.g. an odd `Retry-After`,
    /// or a public board with no jobs or another organisation's).
    Raw {
        status: u16,
        headers: Vec<(String, String)>,
        body: serde_json::Value,
    },
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// Sequence number of the request (unique per server).
    pub id: u64,
    /// `"job.list"`, `"posting-api/job-board"`, or the path (without `/`) of an unknown route.
    pub endpoint: String,
    /// Basic-auth username, if any.
    pub key: Option<String>,
    /// HTTP status sent; 0 while in flight or when the connection was dropped (ConnectionReset).
    pub status: u16,
    /// Parsed JSON body (`Null` if absent or not JSON).
    pub body: serde_json::Value,
    pub at: SystemTime,
    pub method: String,
    pub query: Option<String>,
    /// Request headers (lower-case names) except `authorization`.
    pub headers: BTreeMap<String, String>,
}

struct ServerTask {
    handle: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Drop for ServerTask {
    fn drop(&mut self) {
        if let Some(h) = self.handle.lock().unwrap_or_else(|e| e.into_inner()).take() {
            h.abort();
        }
    }
}

/// Handle to a running fake. Cheap to clone; the server stops on [`FakeAshby::shutdown`] or when the
/// last clone is dropped.
#[derive(Clone)]
pub struct FakeAshby {
    shared: Arc<Shared>,
    task: Arc<ServerTask>,
    addr: SocketAddr,
    https: bool,
}

impl std::fmt::Debug for FakeAshby {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeAshby")
            .field("addr", &self.addr)
            .finish()
    }
}

impl FakeAshby {
    /// Generates the data and serves on 127.0.0.1 with an ephemeral port.
    pub async fn start(cfg: FakeConfig) -> std::io::Result<FakeAshby> {
        FakeAshby::start_on(cfg, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    pub async fn start_on(cfg: FakeConfig, addr: SocketAddr) -> std::io::Result<FakeAshby> {
        FakeAshby::start_with(cfg, addr, None).await
    }

    /// Serves HTTPS on 127.0.0.1 with `identity` (see [`tls::TestCa::issue`]); [`base_url`]
    /// is then `https://127.0.0.1:PORT`.
    ///
    /// [`base_url`]: FakeAshby::base_url
    pub async fn start_tls(
        cfg: FakeConfig,
        identity: &tls::Identity,
    ) -> std::io::Result<FakeAshby> {
        let acceptor = tls::acceptor(identity)?;
        FakeAshby::start_with(cfg, SocketAddr::from(([127, 0, 0, 1], 0)), Some(acceptor)).await
    }

    async fn start_with(
        cfg: FakeConfig,
        addr: SocketAddr,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> std::io::Result<FakeAshby> {
        let https = tls.is_some();
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(cfg)),
        });
        let router = server::router(shared.clone());
        let handle = tokio::spawn(server::serve(listener, router, tls));
        Ok(FakeAshby {
            shared,
            task: Arc::new(ServerTask {
                handle: Mutex::new(Some(handle)),
            }),
            addr,
            https,
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` when started with [`FakeAshby::start_tls`]; no
    /// trailing slash).
    pub fn base_url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Public job board name (`GET /posting-api/job-board/{name}`, case-insensitive).
    pub fn board_name(&self) -> String {
        gen::BOARD_NAME.to_string()
    }

    /// Organisation name used in descriptions and `linkedData.hiringOrganization.name`.
    pub fn org_name(&self) -> String {
        gen::ORG_NAME.to_string()
    }

    pub fn keys(&self) -> DemoKeys {
        self.shared.lock().demo.clone()
    }

    /// Adds a key and returns it.
    pub fn add_key(&self, spec: KeySpec) -> String {
        self.shared.lock().insert_key(spec)
    }

    /// Grants or removes read access to a module (e.g. revoke Jobs read mid-run). Unknown keys are ignored.
    pub fn set_key_permission(&self, key: &str, module: Module, read: bool) {
        if let Some(k) = self.shared.lock().keys.get_mut(key) {
            k.perms.entry(module).or_default().read = read;
        }
    }

    pub fn set_confidential_access(&self, key: &str, allowed: bool) {
        if let Some(k) = self.shared.lock().keys.get_mut(key) {
            k.confidential = allowed;
        }
    }

    /// Deactivates a key: further requests get 403.
    pub fn revoke_key(&self, key: &str) {
        if let Some(k) = self.shared.lock().keys.get_mut(key) {
            k.revoked = true;
        }
    }

    /// Snapshot of all data, including hidden rows (drafts, archived, confidential, unpublished and
    /// deleted postings — see the flags on [`model::Posting`]).
    pub fn dataset(&self) -> model::Dataset {
        self.shared.lock().dataset()
    }

    /// Creates an Open job with one published, listed posting; returns the job id.
    pub fn create_job(&self, title: &str) -> String {
        self.shared.lock().create_job(title)
    }

    /// Edits a job (its `updatedAt` is bumped before `f` runs, so `f` may override it). Panics on an
    /// unknown id.
    pub fn edit_job(&self, id: &str, f: impl FnOnce(&mut model::Job)) {
        self.shared.lock().edit_job(id, f)
    }

    /// Status → Closed (closedAt set if missing) and its postings unpublished.
    pub fn close_job(&self, id: &str) {
        self.shared
            .lock()
            .set_job_status(id, model::JobStatus::Closed)
    }

    /// Status → Archived and its postings unpublished.
    pub fn archive_job(&self, id: &str) {
        self.shared
            .lock()
            .set_job_status(id, model::JobStatus::Archived)
    }

    /// Edits a posting (bumps `updatedAt` before `f`). Changing `is_published`/`is_deleted` also bumps
    /// the job so incremental job passes see the new `jobPostingIds`. Panics on an unknown id.
    pub fn edit_posting(&self, id: &str, f: impl FnOnce(&mut model::Posting)) {
        self.shared.lock().edit_posting(id, f)
    }

    /// Adds a published, listed posting to a job; returns its id.
    pub fn add_posting(&self, job_id: &str, title: &str) -> String {
        self.shared.lock().add_posting(job_id, title)
    }

    /// Removes the posting from `jobPosting.list`, the board and the job's published ids.
    pub fn unpublish_posting(&self, id: &str) {
        self.edit_posting(id, |p| p.is_published = false)
    }

    /// Deletes the posting everywhere (`jobPosting.info` → `job_posting_not_found`).
    pub fn delete_posting(&self, id: &str) {
        self.edit_posting(id, |p| {
            p.is_deleted = true;
            p.is_published = false;
        })
    }

    pub fn archive_department(&self, id: &str) {
        self.edit_department(id, |d| d.is_archived = true)
    }

    pub fn edit_department(&self, id: &str, f: impl FnOnce(&mut model::Department)) {
        self.shared.lock().edit_department(id, f)
    }

    pub fn edit_location(&self, id: &str, f: impl FnOnce(&mut model::Location)) {
        self.shared.lock().edit_location(id, f)
    }

    pub fn edit_user(&self, id: &str, f: impl FnOnce(&mut model::User)) {
        self.shared.lock().edit_user(id, f)
    }

    pub fn set_latency(&self, d: Duration) {
        self.shared.lock().cfg.latency = d;
    }

    /// Replaces the rate limit and refills every bucket.
    pub fn set_rate_limit(&self, rl: Option<RateLimit>) {
        let mut st = self.shared.lock();
        st.cfg.rate_limit = rl;
        st.reset_buckets();
    }

    /// The next `times` requests to `endpoint` (`"job.list"`, `"posting-api/job-board"`, or `"*"` for
    /// any) get `fault`. Faults queue up in order.
    pub fn push_fault(&self, endpoint: &str, fault: Fault, times: usize) {
        if times == 0 {
            return;
        }
        self.push_fault_after(endpoint, 0, fault, times);
    }

    /// Like [`FakeAshby::push_fault`], but the first `skip` requests to `endpoint` pass
    /// untouched (e.g. the network goes away after 100 descriptions).
    pub fn push_fault_after(&self, endpoint: &str, skip: usize, fault: Fault, times: usize) {
        if times == 0 {
            return;
        }
        self.shared.lock().faults.push_back(state::FaultEntry {
            endpoint: endpoint.trim_start_matches('/').to_string(),
            fault,
            remaining: times,
            skip,
        });
    }

    /// Writes `value` over the field `field` of the job's JSON in `job.list`/`job.info` (until
    /// set again); the dataset itself is unchanged.
    pub fn set_job_raw_field(&self, job_id: &str, field: &str, value: serde_json::Value) {
        self.shared
            .lock()
            .job_overrides
            .entry(job_id.to_string())
            .or_default()
            .insert(field.to_string(), value);
    }

    /// `jobPosting.info` for `posting_id` answers HTTP `status` (an Ashby error envelope) on
    /// every request from now on; `None` heals it.
    pub fn fail_posting_info(&self, posting_id: &str, status: Option<u16>) {
        let mut st = self.shared.lock();
        match status {
            Some(s) => st.failing_postings.insert(posting_id.to_string(), s),
            None => st.failing_postings.remove(posting_id),
        };
    }

    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    pub fn set_incremental_page_cap(&self, pages: usize) {
        self.shared.lock().cfg.incremental_page_cap = pages;
    }

    pub fn set_token_error_status(&self, status: u16) {
        self.shared.lock().cfg.token_error_status = status;
    }

    pub fn set_limit_policy(&self, policy: LimitPolicy) {
        self.shared.lock().cfg.limit_over_100 = policy;
    }

    pub fn set_auth_body_styles(&self, unauthorized: BodyStyle, forbidden: BodyStyle) {
        let mut st = self.shared.lock();
        st.cfg.unauthorized_body = unauthorized;
        st.cfg.forbidden_body = forbidden;
    }

    pub fn set_unknown_board(&self, behaviour: UnknownBoard) {
        self.shared.lock().cfg.unknown_board = behaviour;
    }

    pub fn set_token_ttls(&self, sync_token_ttl: Duration, cursor_ttl: Duration) {
        let mut st = self.shared.lock();
        st.cfg.sync_token_ttl = sync_token_ttl;
        st.cfg.cursor_ttl = cursor_ttl;
    }

    /// Every sync token and cursor issued so far becomes expired (`sync_token_expired` /
    /// `next_cursor_expired`).
    pub fn expire_all_tokens(&self) {
        self.shared.lock().expire_all()
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().log.clone()
    }

    /// Requests received for `endpoint` (`"*"` = all), including failed ones.
    pub fn count(&self, endpoint: &str) -> usize {
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| endpoint == "*" || r.endpoint == endpoint)
            .count()
    }

    pub fn count_for_key(&self, endpoint: &str, key: &str) -> usize {
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| {
                (endpoint == "*" || r.endpoint == endpoint) && r.key.as_deref() == Some(key)
            })
            .count()
    }

    pub fn reset_log(&self) {
        self.shared.lock().log.clear();
    }

    /// Stops accepting and closes every connection (also happens when the last handle is dropped).
    pub async fn shutdown(self) {
        let handle = self
            .task
            .handle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(h) = handle {
            h.abort();
            let _ = h.await;
        }
    }
}
