//! Integration tests of the Ashby client against the fake Ashby server over real loopback HTTP.
//! All waits (retry backoff, Retry-After, the client's rate limiter) go through a `ManualClock`,
//! so the tests assert the waits without sleeping.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ashby_sync_core::ashby::models::{
    Department, HiringTeamRole, JobBoard, JobPostingInfo, JobStatus, Location, User,
};
use ashby_sync_core::ashby::{
    ApiKey, Client, ClientConfig, Clock, Error, Job, JobPostingListParams, ManualClock, Module,
    PageInfo, PassOutcome, ASHBY_API_VERSION, RETRY_AFTER_CLAMP,
};
use ashby_sync_core::error::ErrorCode;
use fake_ashby::{Access, FakeAshby, FakeConfig, Fault, KeySpec, RateLimit};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// ------------------------------------------------------------------ helpers

// Calls only these tests make: typed parameter sets and thin wrappers over the client's generic
// `paginate` / `call_results` / `probe` (the sync engine drives list streams by descriptor).

/// `job.list` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct JobListParams {
    /// Empty = Ashby's default (everything but drafts).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    status: Vec<JobStatus>,
    include_unpublished_job_postings_ids: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    expand: Vec<String>,
    /// Epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    created_after: Option<i64>,
    /// Sent on the first page only.
    #[serde(skip)]
    sync_token: Option<String>,
}

/// `department.list` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct DepartmentListParams {
    include_archived: bool,
    #[serde(skip)]
    sync_token: Option<String>,
}

/// `location.list` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationListParams {
    include_archived: bool,
    include_location_hierarchy: bool,
    #[serde(skip)]
    sync_token: Option<String>,
}

/// `user.list` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct UserListParams {
    include_deactivated: bool,
    #[serde(skip)]
    sync_token: Option<String>,
}

/// All rows of a pass, collected.
#[derive(Debug, Clone, PartialEq)]
struct Collected<T> {
    rows: Vec<T>,
    sync_token: Option<String>,
    pages: u32,
}

fn object<P: Serialize>(params: &P) -> serde_json::Map<String, Value> {
    match serde_json::to_value(params).unwrap() {
        Value::Object(m) => m,
        other => panic!("parameters must be an object: {other}"),
    }
}

async fn collect<T: DeserializeOwned>(
    client: &Client,
    endpoint: &str,
    params: serde_json::Map<String, Value>,
    sync_token: Option<&str>,
) -> Result<Collected<T>, Error> {
    let mut rows = Vec::new();
    let outcome = client
        .paginate(endpoint, params, sync_token, |page: Vec<T>, _| {
            rows.extend(page);
            Ok::<(), Error>(())
        })
        .await?;
    Ok(Collected {
        rows,
        sync_token: outcome.sync_token,
        pages: outcome.pages,
    })
}

trait TestCalls {
    async fn list_jobs<E, F>(&self, params: &JobListParams, on_page: F) -> Result<PassOutcome, E>
    where
        E: From<Error>,
        F: FnMut(Vec<Job>, PageInfo) -> Result<(), E>;
    async fn collect_jobs(&self, params: &JobListParams) -> Result<Collected<Job>, Error>;
    async fn collect_departments(
        &self,
        params: &DepartmentListParams,
    ) -> Result<Collected<Department>, Error>;
    async fn collect_locations(
        &self,
        params: &LocationListParams,
    ) -> Result<Collected<Location>, Error>;
    async fn collect_users(&self, params: &UserListParams) -> Result<Collected<User>, Error>;
    async fn job_info(&self, id: &str) -> Result<Job, Error>;
    async fn job_posting_info(&self, id: &str) -> Result<JobPostingInfo, Error>;
    async fn job_posting_infos(
        &self,
        ids: Vec<String>,
        job_board_id: Option<String>,
    ) -> Vec<(String, Result<JobPostingInfo, Error>)>;
    async fn list_job_boards(&self) -> Result<Vec<JobBoard>, Error>;
    async fn list_hiring_team_roles(&self) -> Result<Vec<HiringTeamRole>, Error>;
    async fn has_module_read(&self, module: Module) -> Result<bool, Error>;
}

impl TestCalls for Client {
    async fn list_jobs<E, F>(&self, params: &JobListParams, on_page: F) -> Result<PassOutcome, E>
    where
        E: From<Error>,
        F: FnMut(Vec<Job>, PageInfo) -> Result<(), E>,
    {
        self.paginate(
            "job.list",
            object(params),
            params.sync_token.as_deref(),
            on_page,
        )
        .await
    }

    async fn collect_jobs(&self, params: &JobListParams) -> Result<Collected<Job>, Error> {
        collect(
            self,
            "job.list",
            object(params),
            params.sync_token.as_deref(),
        )
        .await
    }

    async fn collect_departments(
        &self,
        params: &DepartmentListParams,
    ) -> Result<Collected<Department>, Error> {
        let token = params.sync_token.as_deref();
        collect(self, "department.list", object(params), token).await
    }

    async fn collect_locations(
        &self,
        params: &LocationListParams,
    ) -> Result<Collected<Location>, Error> {
        let token = params.sync_token.as_deref();
        collect(self, "location.list", object(params), token).await
    }

    async fn collect_users(&self, params: &UserListParams) -> Result<Collected<User>, Error> {
        collect(
            self,
            "user.list",
            object(params),
            params.sync_token.as_deref(),
        )
        .await
    }

    async fn job_info(&self, id: &str) -> Result<Job, Error> {
        self.call_results("job.info", &json!({ "id": id })).await
    }

    /// `jobPosting.info` on the default job board.
    async fn job_posting_info(&self, id: &str) -> Result<JobPostingInfo, Error> {
        self.job_posting_info_on_board(id, None).await
    }

    /// [`Client::job_posting_info_stream`], collected (completion order).
    async fn job_posting_infos(
        &self,
        ids: Vec<String>,
        job_board_id: Option<String>,
    ) -> Vec<(String, Result<JobPostingInfo, Error>)> {
        self.job_posting_info_stream(ids, job_board_id)
            .collect()
            .await
    }

    async fn list_job_boards(&self) -> Result<Vec<JobBoard>, Error> {
        self.call_results("jobBoard.list", &json!({})).await
    }

    async fn list_hiring_team_roles(&self) -> Result<Vec<HiringTeamRole>, Error> {
        self.call_results("hiringTeamRole.list", &json!({ "namesOnly": false }))
            .await
    }

    /// `Ok(true)`, `Ok(false)` (403 `missing_endpoint_permission`), or the error when the
    /// answer is unknown. The Reports probe asks for a report that does not exist: any answer
    /// past the permission check proves access.
    async fn has_module_read(&self, module: Module) -> Result<bool, Error> {
        match self.probe_module(module).await {
            Ok(()) => Ok(true),
            Err(Error::MissingPermission { .. }) => Ok(false),
            Err(Error::NotFound { .. } | Error::InvalidInput { .. } | Error::Api { .. })
                if module == Module::Reports =>
            {
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }
}

#[test]
fn test_params_serialise_camel_case() {
    let p = JobListParams {
        status: vec![JobStatus::Open, JobStatus::Draft],
        include_unpublished_job_postings_ids: true,
        sync_token: Some("tok".into()),
        ..Default::default()
    };
    assert_eq!(
        Value::Object(object(&p)),
        json!({"status": ["Open", "Draft"], "includeUnpublishedJobPostingsIds": true})
    );
    let l = LocationListParams {
        include_archived: true,
        include_location_hierarchy: true,
        sync_token: None,
    };
    assert_eq!(
        Value::Object(object(&l)),
        json!({"includeArchived": true, "includeLocationHierarchy": true})
    );
}

async fn start(cfg: FakeConfig) -> FakeAshby {
    FakeAshby::start(cfg).await.expect("fake Ashby starts")
}

fn test_config(base_url: &str, clock: &Arc<ManualClock>) -> ClientConfig {
    ClientConfig {
        base_url: base_url.to_string(),
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
        jitter: 0.0,
        // Most tests look at retry waits only; the limiter gets its own tests.
        rate_limit_per_minute: 0,
        concurrency: 4,
        clock: clock.clone(),
        ..ClientConfig::default()
    }
}

fn client_for(base_url: &str, key: &str) -> (Client, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let client = Client::new(ApiKey::parse(key).unwrap(), test_config(base_url, &clock)).unwrap();
    (client, clock)
}

fn client_with(
    base_url: &str,
    key: &str,
    f: impl FnOnce(&mut ClientConfig),
) -> (Client, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let mut cfg = test_config(base_url, &clock);
    f(&mut cfg);
    let client = Client::new(ApiKey::parse(key).unwrap(), cfg).unwrap();
    (client, clock)
}

fn secs(v: &[u64]) -> Vec<Duration> {
    v.iter().map(|s| Duration::from_secs(*s)).collect()
}

fn jobs_only_key(fake: &FakeAshby) -> String {
    let mut permissions = BTreeMap::new();
    permissions.insert(
        fake_ashby::Module::Jobs,
        Access {
            read: true,
            write: false,
        },
    );
    permissions.insert(
        fake_ashby::Module::ApiKeys,
        Access {
            read: true,
            write: false,
        },
    );
    fake.add_key(KeySpec {
        title: "jobs only".into(),
        permissions,
        confidential_access: false,
        revoked: false,
    })
}

fn all_statuses() -> Vec<JobStatus> {
    vec![
        JobStatus::Draft,
        JobStatus::Open,
        JobStatus::Closed,
        JobStatus::Archived,
    ]
}

fn bodies(fake: &FakeAshby, endpoint: &str) -> Vec<Value> {
    fake.requests()
        .into_iter()
        .filter(|r| r.endpoint.trim_start_matches('/') == endpoint)
        .map(|r| r.body)
        .collect()
}

/// Captures `tracing` output of the current thread (tests run on a current-thread runtime).
#[derive(Clone, Default)]
struct LogBuf(Arc<Mutex<Vec<u8>>>);

impl LogBuf {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for LogBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> (LogBuf, tracing::subscriber::DefaultGuard) {
    let buf = LogBuf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (buf, guard)
}

/// A one-request HTTP server that records the raw request and answers `response`.
async fn one_shot_server(response: String) -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = sock.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf).to_string();
            if let Some(end) = text.find("\r\n\r\n") {
                let len = text[..end]
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())
                            .flatten()
                    })
                    .unwrap_or(0);
                if buf.len() >= end + 4 + len {
                    break;
                }
            }
        }
        sock.write_all(response.as_bytes()).await.unwrap();
        sock.shutdown().await.ok();
        String::from_utf8_lossy(&buf).into_owned()
    });
    (format!("http://{addr}"), handle)
}

fn http_response(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut s = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    s
}

// ------------------------------------------------------------------ transport & auth

#[tokio::test]
async fn sends_documented_headers_basic_auth_and_json_body() {
    let body = r#"{"success":true,"results":{"title":"K","createdAt":"2026-01-01T00:00:00Z","scopes":["jobs:read"]}}"#;
    let (base, req) = one_shot_server(http_response(
        "200 OK",
        &[
            ("Content-Type", "application/json"),
            ("Ashby-Version", "2026-01-01"),
            ("Ashby-Version-Status", "active"),
        ],
        body,
    ))
    .await;
    let (client, _) = client_for(&base, "my-ashby-key");
    let info = client.api_key_info().await.unwrap();
    assert_eq!(info.title.as_deref(), Some("K"));
    let raw = req.await.unwrap();
    let lower = raw.to_ascii_lowercase();
    assert!(raw.starts_with("POST /apiKey.info HTTP/1.1\r\n"), "{raw}");
    // base64("my-ashby-key:") — key as username, empty password.
    assert!(
        raw.contains("authorization: Basic bXktYXNoYnkta2V5Og==")
            || raw.contains("Authorization: Basic bXktYXNoYnkta2V5Og=="),
        "{raw}"
    );
    assert!(
        lower.contains("accept: application/json; version=1"),
        "{raw}"
    );
    assert!(
        lower.contains(&format!("ashby-version: {ASHBY_API_VERSION}")),
        "{raw}"
    );
    assert!(
        raw.contains(&format!(
            "user-agent: {}/{}",
            ashby_sync_core::config::APP_NAME,
            ashby_sync_core::config::APP_VERSION
        )) || raw.contains(&format!(
            "User-Agent: {}/{}",
            ashby_sync_core::config::APP_NAME,
            ashby_sync_core::config::APP_VERSION
        )),
        "{raw}"
    );
    assert!(lower.contains("content-type: application/json"), "{raw}");
    assert!(lower.contains("accept-encoding: gzip"), "{raw}");
    assert!(raw.ends_with("\r\n\r\n{}"), "{raw}");
    let seen = client.last_api_version().unwrap();
    assert_eq!(seen.version.as_deref(), Some("2026-01-01"));
    assert_eq!(seen.status.as_deref(), Some("active"));
    assert_eq!(client.request_count(), 1);
}

#[tokio::test]
async fn warns_when_api_version_is_deprecated() {
    let (logs, _guard) = capture_logs();
    let (base, req) = one_shot_server(http_response(
        "200 OK",
        &[
            ("Content-Type", "application/json"),
            ("Ashby-Version", "2026-01-01"),
            ("Ashby-Version-Status", "deprecated"),
        ],
        r#"{"success":true,"results":[]}"#,
    ))
    .await;
    let (client, _) = client_for(&base, "deprecated-key-xyz");
    client.probe("job.list", json!({"limit": 1})).await.unwrap();
    req.await.unwrap();
    let text = logs.text();
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains("deprecated"), "{text}");
    assert!(!text.contains("deprecated-key-xyz"), "{text}");
}

#[tokio::test]
async fn api_key_info_against_the_fake() {
    let fake = start(FakeConfig::default()).await;
    let keys = fake.keys();
    let (client, clock) = client_for(&fake.base_url(), &keys.full);
    let info = client.api_key_info().await.unwrap();
    assert!(info.title.is_some());
    assert!(info.has_scope_read(Module::Jobs), "{:?}", info.scopes);
    assert!(
        info.has_scope_read(Module::Organization),
        "{:?}",
        info.scopes
    );
    let log = fake.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].key.as_deref(), Some(keys.full.as_str()));
    assert_eq!(log[0].body, json!({}));
    let h = &log[0].headers;
    assert_eq!(h["accept"], "application/json; version=1");
    assert_eq!(h["ashby-version"], ASHBY_API_VERSION);
    assert_eq!(
        h["user-agent"],
        format!(
            "{}/{}",
            ashby_sync_core::config::APP_NAME,
            ashby_sync_core::config::APP_VERSION
        )
    );
    assert!(h["content-type"].starts_with("application/json"));
    assert!(h["accept-encoding"].contains("gzip"));
    assert_eq!(
        client.last_api_version().unwrap().version.as_deref(),
        Some(ASHBY_API_VERSION)
    );
    assert!(clock.sleeps().is_empty());
}

// ------------------------------------------------------------------ error classes

#[tokio::test]
async fn unknown_and_revoked_keys_are_invalid_key_and_never_retried() {
    let fake = start(FakeConfig::default()).await;
    for key in ["definitely-not-a-key", fake.keys().revoked.as_str()] {
        fake.reset_log();
        let (client, clock) = client_for(&fake.base_url(), key);
        let err = client.api_key_info().await.unwrap_err();
        assert_eq!(err, Error::InvalidKey, "{key}");
        assert_eq!(err.code(), ErrorCode::InvalidKey);
        assert!(err.is_auth() && !err.is_retryable());
        assert!(err.to_string().contains("Ashby → Admin → API Keys"));
        assert_eq!(fake.count("apiKey.info"), 1, "no retry for {key}");
        assert!(clock.sleeps().is_empty());
    }
}

#[tokio::test]
async fn forbidden_json_body_is_still_invalid_key() {
    let fake = start(FakeConfig {
        forbidden_body: fake_ashby::BodyStyle::JsonEnvelope,
        unauthorized_body: fake_ashby::BodyStyle::JsonEnvelope,
        ..FakeConfig::default()
    })
    .await;
    let (client, _) = client_for(&fake.base_url(), "nope-not-a-key");
    assert_eq!(client.api_key_info().await.unwrap_err(), Error::InvalidKey);
}

#[tokio::test]
async fn forbidden_plain_text_body_is_invalid_key() {
    // Ashby's own 403 carries its `Ashby-Version` header (every Ashby response does).
    let (base, req) = one_shot_server(http_response(
        "403 Forbidden",
        &[
            ("Content-Type", "text/plain"),
            ("Ashby-Version", "2026-01-01"),
        ],
        "Forbidden",
    ))
    .await;
    let (client, _) = client_for(&base, "some-key");
    assert_eq!(client.api_key_info().await.unwrap_err(), Error::InvalidKey);
    req.await.unwrap();

    // The same 403 without it came from something else on the network: never "key invalid".
    let (base, req) = one_shot_server(http_response(
        "403 Forbidden",
        &[("Content-Type", "text/plain")],
        "Forbidden",
    ))
    .await;
    let (client, _) = client_for(&base, "some-key");
    let e = client.api_key_info().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::BlockedByNetwork, "{e:?}");
    assert!(!e.is_auth());
    req.await.unwrap();
}

#[tokio::test]
async fn unauthorized_is_missing_key() {
    let fake = start(FakeConfig::default()).await;
    fake.push_fault("apiKey.info", Fault::Status(401), 1);
    let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
    let err = client.api_key_info().await.unwrap_err();
    assert_eq!(err, Error::MissingKey);
    assert_eq!(err.code(), ErrorCode::MissingKey);
    assert!(err.is_auth());
    assert_eq!(fake.count("apiKey.info"), 1);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn missing_permission_names_endpoint_and_module_and_is_not_retried() {
    let fake = start(FakeConfig::default()).await;
    let key = jobs_only_key(&fake);
    let (client, clock) = client_for(&fake.base_url(), &key);

    // Jobs read works.
    client.probe_module(Module::Jobs).await.unwrap();
    let err = client
        .collect_departments(&DepartmentListParams::default())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::MissingPermission {
            endpoint: "department.list".into(),
            module: Some(Module::Organization)
        }
    );
    assert_eq!(err.code(), ErrorCode::MissingPermission);
    assert!(err.to_string().contains("Organization"));
    assert!(!err.is_retryable() && !err.is_auth() && err.is_permission());
    assert_eq!(fake.count("department.list"), 1);

    let err = client.probe_module(Module::Candidates).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingPermission {
                module: Some(Module::Candidates),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn module_read_checks_with_full_and_partial_keys() {
    let fake = start(FakeConfig::default()).await;
    let keys = fake.keys();
    let (full, clock) = client_for(&fake.base_url(), &keys.full);
    for m in Module::ALL {
        assert_eq!(full.has_module_read(m).await, Ok(true), "{m:?}");
    }
    // The raw Reports probe answers "not found" for the made-up report id.
    assert_eq!(
        full.probe_module(Module::Reports).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
    let (partial, _) = client_for(&fake.base_url(), &keys.partial);
    for m in Module::ALL {
        let denied = matches!(m, Module::Offers | Module::Approvals | Module::Reports);
        assert_eq!(partial.has_module_read(m).await, Ok(!denied), "{m:?}");
        if denied {
            let err = partial.probe_module(m).await.unwrap_err();
            assert_eq!(
                err,
                Error::MissingPermission {
                    endpoint: m.probe().0.to_string(),
                    module: Some(m)
                }
            );
        }
    }
    // One request per probe (full key once, partial key twice): nothing retried.
    assert_eq!(fake.count("offer.list"), 3);
    let (revoked, _) = client_for(&fake.base_url(), &keys.revoked);
    assert_eq!(
        revoked.has_module_read(Module::Jobs).await,
        Err(Error::InvalidKey)
    );
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn rate_limited_error_carries_retry_after_and_partner_scope() {
    let fake = start(FakeConfig::default()).await;
    fake.push_fault(
        "job.list",
        Fault::RateLimited {
            retry_after: Some(7),
            partner_scope: true,
        },
        1,
    );
    let (client, clock) = client_with(&fake.base_url(), &fake.keys().full, |c| {
        c.max_rate_limit_retries = 0
    });
    let err = client
        .probe("job.list", json!({"limit": 1}))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
            partner_scope: true
        }
    );
    assert_eq!(err.code(), ErrorCode::RateLimited);
    assert!(err.is_retryable());
    assert!(err.to_string().contains("integration partner"));
    assert!(clock.sleeps().is_empty());

    fake.push_fault(
        "job.list",
        Fault::RateLimited {
            retry_after: None,
            partner_scope: false,
        },
        1,
    );
    assert_eq!(
        client.probe("job.list", json!({})).await.unwrap_err(),
        Error::RateLimited {
            retry_after: None,
            partner_scope: false
        }
    );
}

#[tokio::test]
async fn not_found_and_invalid_input() {
    let fake = start(FakeConfig::default()).await;
    let (client, _) = client_for(&fake.base_url(), &fake.keys().full);
    let err = client
        .job_info("00000000-0000-0000-0000-00000000dead")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { code } if code.ends_with("not_found")),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::NotFound);
    let err = client
        .job_posting_info("00000000-0000-0000-0000-00000000beef")
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err:?}");

    let err = client
        .probe("job.list", json!({"limit": "lots"}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(fake.count("job.list"), 1, "invalid input is not retried");
}

#[tokio::test]
async fn success_false_with_null_error_info_is_an_error() {
    let fake = start(FakeConfig::default()).await;
    fake.push_fault("job.list", Fault::SuccessFalseNullErrorInfo, 1);
    let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
    let err = client
        .collect_jobs(&JobListParams::default())
        .await
        .unwrap_err();
    assert!(!err.is_retryable(), "{err:?}");
    assert_eq!(
        err,
        Error::Api {
            code: "unknown_error".into(),
            message: None,
            request_id: None
        }
    );
    assert_eq!(fake.count("job.list"), 1);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn error_code_from_errors_array_string_or_object() {
    let fake = start(FakeConfig::default()).await;
    let (client, _) = client_for(&fake.base_url(), &fake.keys().full);
    let cases = [
        (json!("sync_token_expired"), "sync_token_expired"),
        (json!("sync_token_invalid"), "sync_token_invalid"),
        (
            json!("incremental_sync_too_large"),
            "incremental_sync_too_large",
        ),
        (json!("next_cursor_expired"), "cursor_expired"),
        (
            json!({"code": "invalid_next_cursor", "message": "bad cursor"}),
            "cursor_invalid",
        ),
        (json!({"code": "cursor_invalid"}), "cursor_invalid"),
        (json!({"message": "job_not_found"}), "not_found"),
        (json!("invalid_input"), "invalid_input"),
        (json!("brand_new_code"), "api_error"),
    ];
    for (errors, code) in cases {
        fake.push_fault("job.list", Fault::ErrorsArrayOnly(errors.clone()), 1);
        let err = client.probe("job.list", json!({})).await.unwrap_err();
        assert_eq!(err.code().as_str(), code, "{errors} → {err:?}");
    }
    fake.push_fault(
        "job.list",
        Fault::ErrorsArrayOnly(json!("brand_new_code")),
        1,
    );
    match client.probe("job.list", json!({})).await.unwrap_err() {
        Error::Api { code, .. } => assert_eq!(code, "brand_new_code"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_a_bounded_decode_error() {
    let fake = start(FakeConfig {
        jobs: 300,
        ..FakeConfig::default()
    })
    .await;
    fake.push_fault("job.list", Fault::TruncatedJson, 1);
    let key = fake.keys().full;
    let (client, clock) = client_for(&fake.base_url(), &key);
    let err = client
        .collect_jobs(&JobListParams::default())
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            snippet, endpoint, ..
        } => {
            assert_eq!(endpoint, "job.list");
            assert!(snippet.starts_with('{'), "{snippet}");
            assert!(snippet.chars().count() <= 200, "{}", snippet.len());
            assert!(!snippet.contains(&key));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(err.code(), ErrorCode::DecodeError);
    assert!(!err.is_retryable());
    assert_eq!(fake.count("job.list"), 1);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let fake = start(FakeConfig::default()).await;
    fake.push_fault("job.list", Fault::Status(503), 10);
    let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
    let err = client.probe("job.list", json!({})).await.unwrap_err();
    assert_eq!(err, Error::Server(503));
    assert_eq!(err.code(), ErrorCode::ServerError);
    // max_retries = 3 → 4 attempts, backoff 2 s, 4 s, 8 s.
    assert_eq!(fake.count("job.list"), 4);
    assert_eq!(clock.sleeps(), secs(&[2, 4, 8]));
}

#[tokio::test]
async fn server_errors_then_success() {
    let fake = start(FakeConfig::default()).await;
    fake.push_fault("apiKey.info", Fault::Status(502), 2);
    let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
    client.api_key_info().await.unwrap();
    assert_eq!(fake.count("apiKey.info"), 3);
    assert_eq!(clock.sleeps(), secs(&[2, 4]));
    assert_eq!(client.request_count(), 3);
}

#[tokio::test]
async fn network_errors_connection_reset_and_refused() {
    let fake = start(FakeConfig::default()).await;
    fake.push_fault("apiKey.info", Fault::ConnectionReset, 1);
    let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
    client.api_key_info().await.unwrap();
    assert_eq!(fake.count("apiKey.info"), 2);
    assert_eq!(clock.sleeps(), secs(&[2]));

    fake.push_fault("apiKey.info", Fault::ConnectionReset, 10);
    let err = client.api_key_info().await.unwrap_err();
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    assert_eq!(err.code(), ErrorCode::Network);

    // Nothing listening at all.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (client, clock) = client_for(&format!("http://127.0.0.1:{port}"), "k-123");
    let err = client.api_key_info().await.unwrap_err();
    assert!(matches!(err, Error::Unreachable(_)), "{err:?}");
    assert_eq!(err.code(), ErrorCode::Network);
    assert!(err.is_retryable());
    // Refused is not worth 2 + 4 + 8 s of retries: one more try, a second later.
    assert_eq!(client.request_count(), 2);
    assert_eq!(clock.sleeps(), secs(&[1]));
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// With the app's own settings (real clock, default retries), a refused connection and a name
/// that does not resolve are reported within a couple of seconds, so the app says "Offline"
/// at once instead of after 14 s of silent retries.
#[tokio::test]
async fn refused_and_unresolvable_fail_within_two_seconds() {
    for base in [
        format!("http://127.0.0.1:{}", closed_port()),
        // `.invalid` never resolves (RFC 6761).
        "https://api.ashby-sync-test.invalid".to_string(),
    ] {
        let cfg = ClientConfig::with_base_url(base.clone());
        let client = Client::new(ApiKey::parse("k-123").unwrap(), cfg).unwrap();
        let started = Instant::now();
        let err = client.api_key_info().await.unwrap_err();
        let took = started.elapsed();
        assert!(matches!(err, Error::Unreachable(_)), "{base}: {err:?}");
        assert!(took < Duration::from_secs(2), "{base}: took {took:?}");
        assert_eq!(client.request_count(), 2, "{base}");
    }
}

#[tokio::test]
async fn reachable_is_one_request_and_any_answer_counts() {
    let fake = start(FakeConfig::default()).await;
    // A key Ashby rejects still proves Ashby is there.
    let (client, clock) = client_for(&fake.base_url(), "not-a-key-ashby-knows");
    client.reachable().await.unwrap();
    assert_eq!(fake.count("apiKey.info"), 1);

    let (client, clock2) = client_for(&format!("http://127.0.0.1:{}", closed_port()), "k-123");
    let err = client.reachable().await.unwrap_err();
    assert!(matches!(err, Error::Unreachable(_)), "{err:?}");
    assert_eq!(client.request_count(), 1);
    assert!(clock.sleeps().is_empty() && clock2.sleeps().is_empty());
}

#[tokio::test]
async fn slow_responses_time_out() {
    let fake = start(FakeConfig::default()).await;
    fake.push_fault("apiKey.info", Fault::Hang(Duration::from_secs(5)), 5);
    let (client, clock) = client_with(&fake.base_url(), &fake.keys().full, |c| {
        c.request_timeout = Duration::from_millis(300);
        c.max_retries = 1;
    });
    let started = Instant::now();
    let err = client.api_key_info().await.unwrap_err();
    assert_eq!(err, Error::Timeout);
    assert_eq!(err.code(), ErrorCode::Timeout);
    assert!(err.is_retryable());
    assert_eq!(client.request_count(), 2);
    assert_eq!(clock.sleeps(), secs(&[2]));
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn the_big_posting_list_has_an_idle_timeout_not_a_total_one() {
    let fake = start(FakeConfig::default()).await;
    let (client, _clock) = client_with(&fake.base_url(), &fake.keys().full, |c| {
        c.request_timeout = Duration::from_millis(300);
        c.read_timeout = Duration::from_secs(5);
        c.max_retries = 0;
    });
    // Slower than the total limit of ordinary calls, never silent for long: it arrives.
    fake.push_fault(
        "jobPosting.list",
        Fault::Hang(Duration::from_millis(800)),
        1,
    );
    let list = client
        .list_job_postings(&JobPostingListParams::default())
        .await
        .unwrap();
    assert!(!list.is_empty());
    assert_eq!(client.request_count(), 1, "downloaded once");
    // The same wait on an ordinary call is over its total limit.
    fake.push_fault("apiKey.info", Fault::Hang(Duration::from_millis(800)), 1);
    assert_eq!(client.api_key_info().await.unwrap_err(), Error::Timeout);
    // A silence longer than the idle limit still times out.
    let (client, _clock) = client_with(&fake.base_url(), &fake.keys().full, |c| {
        c.read_timeout = Duration::from_millis(200);
        c.max_retries = 0;
    });
    fake.push_fault("jobPosting.list", Fault::Hang(Duration::from_secs(2)), 1);
    let err = client
        .list_job_postings(&JobPostingListParams::default())
        .await
        .unwrap_err();
    assert_eq!(err, Error::Timeout);
}

#[tokio::test]
async fn a_body_over_the_size_cap_is_a_clear_error_not_retried() {
    let fake = start(FakeConfig::default()).await;
    let (client, _clock) = client_with(&fake.base_url(), &fake.keys().full, |c| {
        c.max_body_bytes = 4096;
    });
    let err = client
        .list_job_postings(&JobPostingListParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ResponseTooLarge);
    assert!(
        matches!(&err, Error::TooLarge { endpoint, .. } if endpoint == "jobPosting.list"),
        "{err:?}"
    );
    assert!(err.to_string().contains("IT team"), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(client.request_count(), 1);
    // Small answers are unaffected.
    client.api_key_info().await.unwrap();
}

#[tokio::test]
async fn a_huge_retry_after_is_clamped_not_a_panic() {
    let fake = start(FakeConfig::default()).await;
    for value in ["1e30", "18446744073709551616", "inf"] {
        fake.push_fault(
            "job.list",
            Fault::Raw {
                status: 429,
                headers: vec![("Retry-After".into(), value.into())],
                body: json!({"success": false, "errors": ["rate_limit_exceeded"]}),
            },
            1,
        );
        let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
        let err = client
            .probe("job.list", json!({"limit": 1}))
            .await
            .unwrap_err();
        // Far over what the client waits out: reported, not slept.
        assert!(
            matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == RETRY_AFTER_CLAMP),
            "{value}: {err:?}"
        );
        assert!(clock.sleeps().is_empty(), "{value}");
        assert!(err.to_string().contains("Try again in about"), "{err}");
    }
}

// ------------------------------------------------------------------ retries & waits

#[tokio::test]
async fn retry_after_is_honoured() {
    let fake = start(FakeConfig::default()).await;
    fake.push_fault(
        "job.list",
        Fault::RateLimited {
            retry_after: Some(7),
            partner_scope: false,
        },
        1,
    );
    let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
    client.probe("job.list", json!({"limit": 1})).await.unwrap();
    assert_eq!(clock.sleeps(), secs(&[7]));
    assert_eq!(fake.count("job.list"), 2);
}

#[tokio::test]
async fn rate_limit_without_retry_after_backs_off_exponentially_and_gives_up() {
    let fake = start(FakeConfig::default()).await;
    let no_header = Fault::RateLimited {
        retry_after: None,
        partner_scope: false,
    };
    fake.push_fault("job.list", no_header.clone(), 3);
    let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
    client.probe("job.list", json!({})).await.unwrap();
    assert_eq!(clock.sleeps(), secs(&[2, 4, 8]));
    assert_eq!(fake.count("job.list"), 4);

    // Exhaustion: 5 retries (6 attempts), then the error; the cap bounds each step at 60 s.
    fake.reset_log();
    clock.clear_sleeps();
    fake.push_fault("job.list", no_header.clone(), 50);
    let err = client.probe("job.list", json!({})).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RateLimited);
    assert_eq!(fake.count("job.list"), 6);
    assert_eq!(clock.sleeps(), secs(&[2, 4, 8, 16, 32]));

    fake.clear_faults();
    fake.push_fault("job.list", no_header, 50);
    let (client, clock) = client_with(&fake.base_url(), &fake.keys().full, |c| {
        c.max_rate_limit_retries = 8
    });
    let _ = client.probe("job.list", json!({})).await.unwrap_err();
    assert_eq!(clock.sleeps(), secs(&[2, 4, 8, 16, 32, 60, 60, 60]));
}

#[tokio::test]
async fn default_jitter_stays_within_bounds() {
    let fake = start(FakeConfig::default()).await;
    fake.push_fault("job.list", Fault::Status(500), 3);
    let (client, clock) = client_with(&fake.base_url(), &fake.keys().full, |c| c.jitter = 0.2);
    client.probe("job.list", json!({})).await.unwrap();
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 3);
    for (got, full) in sleeps.iter().zip([2.0, 4.0, 8.0]) {
        let s = got.as_secs_f64();
        assert!(s <= full && s >= full * 0.8 - 1e-9, "{s} vs {full}");
    }
}

#[tokio::test]
async fn too_long_retry_after_is_not_waited_out() {
    let fake = start(FakeConfig::default()).await;
    fake.push_fault(
        "job.list",
        Fault::RateLimited {
            retry_after: Some(3600),
            partner_scope: false,
        },
        1,
    );
    let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
    let err = client.probe("job.list", json!({})).await.unwrap_err();
    assert_eq!(
        err,
        Error::RateLimited {
            retry_after: Some(Duration::from_secs(3600)),
            partner_scope: false
        }
    );
    assert!(clock.sleeps().is_empty());
    assert_eq!(fake.count("job.list"), 1);
}

#[tokio::test]
async fn non_transient_errors_are_never_retried() {
    let fake = start(FakeConfig::default()).await;
    let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
    for (errors, code) in [
        (json!("sync_token_expired"), "sync_token_expired"),
        (json!("invalid_next_cursor"), "cursor_invalid"),
        (json!("invalid_input"), "invalid_input"),
        (json!("missing_endpoint_permission"), "missing_permission"),
    ] {
        fake.reset_log();
        fake.push_fault("job.list", Fault::ErrorsArrayOnly(errors), 3);
        let err = client.probe("job.list", json!({})).await.unwrap_err();
        assert_eq!(err.code().as_str(), code);
        assert_eq!(fake.count("job.list"), 1, "{code} must not be retried");
        fake.clear_faults();
    }
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn server_side_rate_limit_is_waited_out_in_real_time() {
    // The fake's own per-key bucket (60/min, so 60 at once, then one per second) answers 429 with
    // Retry-After: 1. This test uses the real clock: two 1-second waits.
    let fake = start(FakeConfig {
        rate_limit: Some(RateLimit {
            per_minute: 60,
            retry_after: Some(1),
            partner_scope: false,
        }),
        ..FakeConfig::default()
    })
    .await;
    let cfg = ClientConfig {
        jitter: 0.0,
        rate_limit_per_minute: 0,
        ..ClientConfig::with_base_url(fake.base_url())
    };
    let client = Client::new(ApiKey::parse(&fake.keys().full).unwrap(), cfg).unwrap();
    let started = Instant::now();
    for _ in 0..62 {
        client.probe("apiKey.info", json!({})).await.unwrap();
    }
    let statuses: Vec<u16> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 62);
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert!((1..=4).contains(&limited), "{statuses:?}");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(client.request_count() as usize, statuses.len());
}

// ------------------------------------------------------------------ rate limiter & concurrency

#[tokio::test]
async fn client_rate_limiter_spaces_requests_and_is_shared_by_clones() {
    let fake = start(FakeConfig::default()).await;
    let (client, clock) = client_with(&fake.base_url(), &fake.keys().full, |c| {
        c.rate_limit_per_minute = 60;
        c.burst = 5;
    });
    let clone = client.clone();
    for i in 0..10 {
        let c = if i % 2 == 0 { &client } else { &clone };
        c.probe("apiKey.info", json!({})).await.unwrap();
    }
    // Burst of 5, then one per second — across both clones.
    assert_eq!(clock.sleeps(), secs(&[1, 1, 1, 1, 1]));
    assert_eq!(client.request_count(), 10);
    assert_eq!(clone.request_count(), 10);
    assert_eq!(fake.count("apiKey.info"), 10);
}

#[tokio::test]
async fn default_rate_limit_is_well_below_ashby_limit() {
    let cfg = ClientConfig::default();
    assert!(cfg.rate_limit_per_minute > 0 && cfg.rate_limit_per_minute <= 500);
    assert!((2..=4).contains(&cfg.concurrency));
    assert_eq!(cfg.page_size, 100);
    assert!(cfg.page_cap >= 1000);
}

#[tokio::test]
async fn fan_out_respects_the_concurrency_bound() {
    let fake = start(FakeConfig {
        jobs: 40,
        latency: Duration::from_millis(60),
        ..FakeConfig::default()
    })
    .await;
    let ids: Vec<String> = fake
        .dataset()
        .postings
        .iter()
        .filter(|p| p.is_published && !p.is_deleted)
        .map(|p| p.id.clone())
        .take(12)
        .collect();
    assert_eq!(ids.len(), 12);

    let (client, _) = client_with(&fake.base_url(), &fake.keys().full, |c| c.concurrency = 2);
    let started = Instant::now();
    let results = client.job_posting_infos(ids.clone(), None).await;
    let elapsed = started.elapsed();
    assert_eq!(results.len(), 12);
    for (id, r) in &results {
        let info = r.as_ref().unwrap();
        assert_eq!(&info.id, id);
        assert!(info.description_html.is_some());
    }
    let got: HashSet<_> = results.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(got, ids.iter().cloned().collect());
    assert_eq!(client.max_in_flight(), 2);
    // 12 requests, 2 at a time, ≥ 60 ms each.
    assert!(elapsed >= Duration::from_millis(6 * 60), "{elapsed:?}");
    assert_eq!(fake.count("jobPosting.info"), 12);

    let (wide, _) = client_with(&fake.base_url(), &fake.keys().full, |c| c.concurrency = 6);
    let started = Instant::now();
    let results = wide.job_posting_infos(ids, None).await;
    assert!(results.iter().all(|(_, r)| r.is_ok()));
    assert!(wide.max_in_flight() <= 6 && wide.max_in_flight() >= 2);
    assert!(started.elapsed() >= Duration::from_millis(2 * 60));
}

// ------------------------------------------------------------------ pagination & sync tokens

#[tokio::test]
async fn paginates_a_thousand_jobs_with_limit_100_and_token_on_first_page_only() {
    let fake = start(FakeConfig {
        jobs: 1000,
        ..FakeConfig::default()
    })
    .await;
    let (client, _) = client_for(&fake.base_url(), &fake.keys().full);
    let params = JobListParams {
        status: all_statuses(),
        include_unpublished_job_postings_ids: true,
        ..Default::default()
    };
    let mut pages: Vec<PageInfo> = Vec::new();
    let mut ids = HashSet::new();
    let outcome = client
        .list_jobs(&params, |jobs: Vec<Job>, info| {
            assert!(jobs.len() <= 100);
            for j in jobs {
                assert!(ids.insert(j.id), "duplicate job");
            }
            pages.push(info);
            Ok::<(), Error>(())
        })
        .await
        .unwrap();

    // The full key sees confidential jobs and every status was asked for: all 1,000 jobs.
    assert_eq!(outcome.rows, 1000);
    assert_eq!(outcome.rows, ids.len());
    assert!(outcome.pages >= 10, "{}", outcome.pages);
    assert_eq!(outcome.pages as usize, pages.len());
    assert_eq!(pages.last().unwrap().rows_so_far, outcome.rows);
    assert!(!pages.last().unwrap().more_data_available);
    assert!(pages[..pages.len() - 1]
        .iter()
        .all(|p| p.more_data_available));
    assert_eq!(pages[0].page, 1);
    let token = outcome
        .sync_token
        .clone()
        .expect("full pass returns a syncToken");

    let sent = bodies(&fake, "job.list");
    assert_eq!(sent.len(), outcome.pages as usize);
    for (i, b) in sent.iter().enumerate() {
        assert_eq!(b["limit"], json!(100), "page {i}: {b}");
        assert!(b.get("per_page").is_none());
        assert!(
            b.get("syncToken").is_none(),
            "full pass sends no token: {b}"
        );
        assert_eq!(
            b.get("cursor").is_some(),
            i > 0,
            "cursor from page 2 on: {b}"
        );
        assert_eq!(b["status"], json!(["Draft", "Open", "Closed", "Archived"]));
        assert_eq!(b["includeUnpublishedJobPostingsIds"], json!(true));
    }

    // Incremental pass: only changed jobs come back; the token goes on the first page only.
    let changed: Vec<String> = fake
        .dataset()
        .jobs
        .iter()
        .filter(|j| !j.confidential)
        .take(3)
        .map(|j| j.id.clone())
        .collect();
    for id in &changed {
        fake.edit_job(id, |j| j.title = format!("{} (edited)", j.title));
    }
    fake.reset_log();
    let incremental = client
        .collect_jobs(&JobListParams {
            sync_token: Some(token.clone()),
            ..params.clone()
        })
        .await
        .unwrap();
    let got: HashSet<String> = incremental.rows.iter().map(|j| j.id.clone()).collect();
    assert_eq!(got, changed.iter().cloned().collect::<HashSet<_>>());
    assert!(incremental
        .rows
        .iter()
        .all(|j| j.title.ends_with("(edited)")));
    let new_token = incremental
        .sync_token
        .expect("incremental pass returns a token");
    let sent = bodies(&fake, "job.list");
    assert_eq!(sent[0]["syncToken"], json!(token));
    assert!(sent[1..].iter().all(|b| b.get("syncToken").is_none()));

    // Nothing changed since: empty incremental pass, still a token.
    let again = client
        .collect_jobs(&JobListParams {
            sync_token: Some(new_token),
            ..params
        })
        .await
        .unwrap();
    assert!(again.rows.is_empty());
    assert!(again.sync_token.is_some());
}

#[tokio::test]
async fn incremental_pass_over_many_pages_sends_token_only_first() {
    let fake = start(FakeConfig {
        jobs: 400,
        ..FakeConfig::default()
    })
    .await;
    let (client, _) = client_for(&fake.base_url(), &fake.keys().full);
    let params = JobListParams {
        status: all_statuses(),
        ..Default::default()
    };
    let full = client.collect_jobs(&params).await.unwrap();
    let token = full.sync_token.unwrap();
    for j in &full.rows[..250] {
        fake.edit_job(&j.id, |j| j.title.push('!'));
    }
    fake.reset_log();
    let inc = client
        .collect_jobs(&JobListParams {
            sync_token: Some(token.clone()),
            ..params
        })
        .await
        .unwrap();
    assert_eq!(inc.rows.len(), 250);
    assert_eq!(inc.pages, 3);
    let sent = bodies(&fake, "job.list");
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0]["syncToken"], json!(token));
    assert!(sent[0].get("cursor").is_none());
    for b in &sent[1..] {
        assert!(b.get("syncToken").is_none(), "{b}");
        assert!(b.get("cursor").is_some(), "{b}");
        assert_eq!(b["limit"], json!(100));
    }
}

#[tokio::test]
async fn token_errors_map_to_full_resync() {
    let fake = start(FakeConfig {
        jobs: 300,
        ..FakeConfig::default()
    })
    .await;
    let (client, clock) = client_for(&fake.base_url(), &fake.keys().full);
    let params = DepartmentListParams {
        include_archived: true,
        sync_token: None,
    };
    let full = client.collect_departments(&params).await.unwrap();
    assert!(!full.rows.is_empty());
    let token = full.sync_token.unwrap();

    // Garbage token.
    let err = client
        .collect_departments(&DepartmentListParams {
            sync_token: Some("not-a-real-token".into()),
            ..params.clone()
        })
        .await
        .unwrap_err();
    assert_eq!(err, Error::SyncTokenInvalid);
    assert!(err.needs_full_resync() && !err.is_retryable());

    // Expired token.
    fake.expire_all_tokens();
    let err = client
        .collect_departments(&DepartmentListParams {
            sync_token: Some(token),
            ..params
        })
        .await
        .unwrap_err();
    assert_eq!(err, Error::SyncTokenExpired);
    assert_eq!(err.code(), ErrorCode::SyncTokenExpired);
    assert!(err.needs_full_resync());

    // Incremental pass bigger than Ashby's page cap.
    let jobs = JobListParams {
        status: all_statuses(),
        ..Default::default()
    };
    let full = client.collect_jobs(&jobs).await.unwrap();
    let token = full.sync_token.unwrap();
    for j in &full.rows[..250] {
        fake.edit_job(&j.id, |j| j.title.push('!'));
    }
    fake.set_incremental_page_cap(1);
    let err = client
        .collect_jobs(&JobListParams {
            sync_token: Some(token),
            ..jobs
        })
        .await
        .unwrap_err();
    assert_eq!(err, Error::IncrementalSyncTooLarge);
    assert!(err.needs_full_resync());
    assert!(clock.sleeps().is_empty(), "token errors are not retried");
}

#[tokio::test]
async fn cursor_errors_map_to_pass_restart() {
    let fake = start(FakeConfig::default()).await;
    let (client, _) = client_for(&fake.base_url(), &fake.keys().full);
    let err = client
        .probe(
            "job.list",
            json!({"cursor": "garbage-cursor", "limit": 100}),
        )
        .await
        .unwrap_err();
    assert_eq!(err, Error::CursorInvalid, "{err:?}");
    assert!(err.needs_pass_restart() && !err.needs_full_resync());
    fake.push_fault(
        "job.list",
        Fault::ErrorsArrayOnly(json!("next_cursor_expired")),
        1,
    );
    let err = client.probe("job.list", json!({})).await.unwrap_err();
    assert_eq!(err, Error::CursorExpired);
    assert_eq!(err.code(), ErrorCode::CursorExpired);
}

#[tokio::test]
async fn page_callback_errors_stop_the_pass_and_page_cap_guards() {
    let fake = start(FakeConfig {
        jobs: 500,
        ..FakeConfig::default()
    })
    .await;
    let (client, _) = client_for(&fake.base_url(), &fake.keys().full);

    #[derive(Debug)]
    enum MyErr {
        Stop,
        Ashby(Error),
    }
    impl From<Error> for MyErr {
        fn from(e: Error) -> Self {
            MyErr::Ashby(e)
        }
    }
    let mut seen = 0;
    let res = client
        .list_jobs(&JobListParams::default(), |_jobs, info| {
            seen = info.page;
            if info.page == 2 {
                Err(MyErr::Stop)
            } else {
                Ok(())
            }
        })
        .await;
    assert!(matches!(res, Err(MyErr::Stop)));
    assert_eq!(seen, 2);
    assert_eq!(fake.count("job.list"), 2);
    // Client errors reach the caller through its own error type.
    fake.push_fault("job.list", Fault::Status(403), 1);
    let res = client
        .list_jobs(&JobListParams::default(), |_jobs, _| Ok::<(), MyErr>(()))
        .await;
    assert!(
        matches!(res, Err(MyErr::Ashby(Error::InvalidKey))),
        "{res:?}"
    );

    let (capped, _) = client_with(&fake.base_url(), &fake.keys().full, |c| c.page_cap = 3);
    let err = capped
        .collect_jobs(&JobListParams::default())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::PageCapExceeded {
            endpoint: "job.list".into(),
            pages: 3
        }
    );
    assert_eq!(err.code(), ErrorCode::PageCapExceeded);
}

// ------------------------------------------------------------------ other endpoints

#[tokio::test]
async fn org_lists_postings_boards_and_roles() {
    let fake = start(FakeConfig {
        departments: 150,
        locations: 30,
        users: 120,
        ..FakeConfig::default()
    })
    .await;
    let (client, _) = client_for(&fake.base_url(), &fake.keys().full);
    let ds = fake.dataset();

    let all_deps = client
        .collect_departments(&DepartmentListParams {
            include_archived: true,
            sync_token: None,
        })
        .await
        .unwrap();
    assert_eq!(all_deps.rows.len(), ds.departments.len());
    assert_eq!(all_deps.pages, 2);
    assert!(all_deps.sync_token.is_some());
    let active = client
        .collect_departments(&DepartmentListParams::default())
        .await
        .unwrap();
    assert_eq!(
        active.rows.len(),
        ds.departments.iter().filter(|d| !d.is_archived).count()
    );

    let locs = client
        .collect_locations(&LocationListParams {
            include_archived: true,
            include_location_hierarchy: true,
            sync_token: None,
        })
        .await
        .unwrap();
    assert_eq!(locs.rows.len(), ds.locations.len());
    let sent = bodies(&fake, "location.list");
    assert_eq!(sent[0]["includeArchived"], json!(true));
    assert_eq!(sent[0]["includeLocationHierarchy"], json!(true));

    let users = client
        .collect_users(&UserListParams {
            include_deactivated: true,
            sync_token: None,
        })
        .await
        .unwrap();
    assert_eq!(users.rows.len(), ds.users.len());
    assert_eq!(users.pages, 2);

    let postings = client
        .list_job_postings(&JobPostingListParams::default())
        .await
        .unwrap();
    let published = ds
        .postings
        .iter()
        .filter(|p| p.is_published && !p.is_deleted)
        .count();
    assert_eq!(postings.len(), published);
    assert_eq!(fake.count("jobPosting.list"), 1, "one call, not paginated");
    let listed = client
        .list_job_postings(&JobPostingListParams {
            listed_only: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(listed.iter().all(|p| p.is_listed));
    assert!(listed.len() <= postings.len());

    let info = client.job_posting_info(&postings[0].id).await.unwrap();
    assert_eq!(info.id, postings[0].id);
    assert!(info.description_plain.is_some());
    assert!(info.description_parts.is_some());

    let job = client
        .job_info(postings[0].job_id.as_deref().unwrap())
        .await
        .unwrap();
    assert!(job.job_posting_ids.contains(&postings[0].id));

    let boards = client.list_job_boards().await.unwrap();
    assert_eq!(boards.len(), ds.job_boards.len());
    let roles = client.list_hiring_team_roles().await.unwrap();
    assert_eq!(roles.len(), ds.hiring_team_roles.len());
    assert!(roles.iter().all(|r| !r.title.is_empty()));
}

#[tokio::test]
async fn posting_edits_show_in_updated_at_and_description() {
    let fake = start(FakeConfig::default()).await;
    let (client, _) = client_for(&fake.base_url(), &fake.keys().full);
    let before = client
        .list_job_postings(&JobPostingListParams::default())
        .await
        .unwrap();
    let target = before[0].clone();
    fake.edit_posting(&target.id, |p| {
        p.description_plain = "Brand new description".into();
        p.description_html = "<p>Brand new description</p>".into();
    });
    let after = client
        .list_job_postings(&JobPostingListParams::default())
        .await
        .unwrap();
    let changed = after.iter().find(|p| p.id == target.id).unwrap();
    assert_ne!(changed.updated_at, target.updated_at);
    let info = client.job_posting_info(&target.id).await.unwrap();
    assert!(info
        .description_plain
        .unwrap()
        .contains("Brand new description"));
}

// ------------------------------------------------------------------ redaction

#[tokio::test]
async fn the_key_never_appears_in_debug_display_errors_logs_or_panics() {
    let (logs, _guard) = capture_logs();
    let fake = start(FakeConfig::default()).await;
    let key = fake.keys().full;
    assert!(key.len() >= 8, "a distinctive key");
    let api_key = ApiKey::parse(&format!("  {key}\n")).unwrap();
    assert!(!format!("{api_key:?}").contains(&key));

    let clock = Arc::new(ManualClock::new());
    let cfg = test_config(&fake.base_url(), &clock);
    let client = Client::new(api_key.clone(), cfg.clone()).unwrap();
    assert!(!format!("{client:?}").contains(&key));
    assert!(!format!("{cfg:?}").contains(&key));
    assert!(!format!("{:?}", clock as Arc<dyn Clock>).contains(&key));

    // Provoke as many error kinds as possible with this key.
    let mut errors: Vec<Error> = Vec::new();
    let faults = [
        Fault::Status(401),
        Fault::Status(500),
        Fault::TruncatedJson,
        Fault::SuccessFalseNullErrorInfo,
        Fault::ConnectionReset,
        Fault::ErrorsArrayOnly(json!("sync_token_expired")),
        Fault::ErrorsArrayOnly(json!({"code": "weird", "message": "hmm"})),
        Fault::RateLimited {
            retry_after: Some(1),
            partner_scope: true,
        },
    ];
    for fault in faults {
        fake.push_fault("job.list", fault, 10);
        let (c, _) = client_with(&fake.base_url(), &key, |c| {
            c.max_retries = 1;
            c.max_rate_limit_retries = 1;
        });
        errors.push(c.probe("job.list", json!({})).await.unwrap_err());
        fake.clear_faults();
    }
    errors.push(client.job_info("nope").await.unwrap_err());
    errors.push(
        client
            .probe("job.list", json!({"cursor": "zzz"}))
            .await
            .unwrap_err(),
    );
    let (bad, _) = client_for(&fake.base_url(), "wrong-key-value-123");
    errors.push(bad.api_key_info().await.unwrap_err());
    let (nowhere, _) = client_for("http://127.0.0.1:1", &key);
    errors.push(nowhere.api_key_info().await.unwrap_err());
    errors.push(Error::MissingPermission {
        endpoint: "job.list".into(),
        module: Some(Module::Jobs),
    });
    errors.push(Error::KeyFormat(
        ApiKey::parse(&format!("{key} {key}")).unwrap_err(),
    ));

    let codes: HashSet<ErrorCode> = errors.iter().map(Error::code).collect();
    assert!(codes.len() >= 9, "{codes:?}");
    for e in &errors {
        let shown = format!("{e} | {e:?} | {}", e.code());
        assert!(!shown.contains(&key), "key leaked via {shown}");
        let app: ashby_sync_core::error::AppError = e.clone().into();
        assert!(!serde_json::to_string(&app).unwrap().contains(&key));
        // Every message tells the coordinator something useful.
        assert!(e.to_string().len() > 30, "{e}");
    }

    // Panics carrying the client, the key or an error don't leak it either.
    // (The default hook prints these to the captured test output; no global hook swapping.)
    let c2 = client.clone();
    let k2 = api_key.clone();
    let e2 = errors[0].clone();
    let payloads: Vec<String> = [
        std::panic::catch_unwind(AssertUnwindSafe(move || panic!("client state: {c2:?}"))),
        std::panic::catch_unwind(AssertUnwindSafe(move || panic!("key: {k2:?}"))),
        std::panic::catch_unwind(AssertUnwindSafe(move || {
            let r: Result<(), Error> = std::hint::black_box(Err(e2));
            r.unwrap();
        })),
    ]
    .into_iter()
    .map(|r| {
        let p = r.unwrap_err();
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
    .collect();
    for p in &payloads {
        assert!(!p.is_empty());
        assert!(!p.contains(&key), "{p}");
    }

    let text = logs.text();
    assert!(text.contains("job.list"), "logs were captured");
    assert!(!text.contains(&key), "key leaked into logs");
}
