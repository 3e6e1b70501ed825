//! The HTTP client: transport, retries, rate limiting, pagination and the typed endpoints.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::stream::{BoxStream, StreamExt};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::Semaphore;

use super::clock::{Clock, SystemClock};
use super::error::{
    bounded, error_from_code, is_token_or_cursor_error, parse_error_body, Error, SNIPPET_MAX_CHARS,
};
use super::key::ApiKey;
use super::limiter::RateLimiter;
use super::models::{ApiKeyInfo, JobPosting, JobPostingInfo};
use super::permissions::Module;
use super::transport::{self, ProxyConfig, ProxyInUse, Route};

/// The API version this client is written against (`Ashby-Version` request header).
pub const ASHBY_API_VERSION: &str = "2026-01-01";
/// Ashby's maximum (and default) page size.
pub const MAX_PAGE_SIZE: u32 = 100;
/// Calls whose answer grows with the organisation and arrives in one piece (`jobPosting.list`
/// is not paginated): no total timeout, only the idle one.
const UNBOUNDED_ENDPOINTS: [&str; 1] = ["jobPosting.list"];
/// The longest `Retry-After` the client represents; larger values (or absurd ones such as
/// `1e30`) are clamped to it, and anything above `max_retry_after` is not waited out anyway.
pub const RETRY_AFTER_CLAMP: Duration = Duration::from_secs(24 * 3600);

/// Everything tunable about the client. `Default` targets Ashby's production API with
/// conservative limits; `config::Settings::client_config` applies the environment's settings.
#[derive(Clone)]
pub struct ClientConfig {
    /// Without trailing slash, e.g. `https://api.ashbyhq.com`.
    pub base_url: String,
    pub connect_timeout: Duration,
    /// Whole request, including reading the body, for ordinary calls. The big unpaginated
    /// answers (`jobPosting.list`, the public board) have no total limit, only `read_timeout`,
    /// so a slow link is not cut off (and the 7 MB list not downloaded three times).
    pub request_timeout: Duration,
    /// Longest silence while a response is being read (every call).
    pub read_timeout: Duration,
    /// Larger response bodies are refused with [`Error::TooLarge`].
    pub max_body_bytes: usize,
    /// Retries after 5xx, network errors and timeouts (so `max_retries + 1` attempts).
    pub max_retries: u32,
    /// Retries when nothing answered (refused, DNS failure), each after at most a second: a
    /// retry cannot fix these at once, and "Offline" should show within a couple of seconds.
    pub max_unreachable_retries: u32,
    /// Retries after HTTP 429.
    pub max_rate_limit_retries: u32,
    /// First backoff step; doubles each retry.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Fraction (0.0–1.0) of each backoff step removed at random, to spread retries out.
    pub jitter: f64,
    /// A `Retry-After` longer than this is not waited out; the error goes to the caller.
    pub max_retry_after: Duration,
    /// Client-side token bucket; 0 disables it.
    pub rate_limit_per_minute: u32,
    pub burst: u32,
    /// Requests in flight at once, across all clones of the client (and the fan-out width).
    pub concurrency: usize,
    /// Sent as `limit` (clamped to 1..=100).
    pub page_size: u32,
    /// A pass that needs more pages than this fails with `PageCapExceeded`.
    pub page_cap: u32,
    /// Where waits go; swap in a `ManualClock` in tests.
    pub clock: Arc<dyn Clock>,
    /// The proxy: the system's (default) or the one set in Settings.
    pub proxy: ProxyConfig,
    /// Treat an answer without Ashby's `Ashby-Version` header and without a JSON envelope as a
    /// network's block page (never as a verdict on the key). On by default.
    pub detect_block_pages: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: crate::config::DEFAULT_API_BASE_URL.to_string(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            read_timeout: Duration::from_secs(30),
            // 10,000 postings are about 7 MB; a body 30 times that is not a posting list.
            max_body_bytes: 256 * 1024 * 1024,
            max_retries: 3,
            max_unreachable_retries: 1,
            max_rate_limit_retries: 5,
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(60),
            jitter: 0.2,
            max_retry_after: Duration::from_secs(120),
            rate_limit_per_minute: 300,
            burst: 10,
            concurrency: 2,
            page_size: MAX_PAGE_SIZE,
            page_cap: 10_000,
            clock: Arc::new(SystemClock),
            proxy: ProxyConfig::Automatic,
            detect_block_pages: true,
        }
    }
}

impl ClientConfig {
    /// Defaults with another base URL (tests, the fake server).
    pub fn with_base_url(base_url: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            ..ClientConfig::default()
        }
    }

    /// Backoff before retry number `retry` (0-based): base·2^retry, capped, minus jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(20));
        let step = self
            .backoff_base
            .saturating_mul(factor)
            .min(self.backoff_cap);
        let jitter = self.jitter.clamp(0.0, 1.0);
        if jitter == 0.0 {
            step
        } else {
            step.mul_f64(1.0 - jitter * fastrand::f64())
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_retries", &self.max_retries)
            .field("max_unreachable_retries", &self.max_unreachable_retries)
            .field("max_rate_limit_retries", &self.max_rate_limit_retries)
            .field("backoff_base", &self.backoff_base)
            .field("backoff_cap", &self.backoff_cap)
            .field("jitter", &self.jitter)
            .field("max_retry_after", &self.max_retry_after)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("burst", &self.burst)
            .field("concurrency", &self.concurrency)
            .field("page_size", &self.page_size)
            .field("page_cap", &self.page_cap)
            .field("clock", &self.clock)
            .field("proxy", &self.proxy)
            .field("detect_block_pages", &self.detect_block_pages)
            .finish()
    }
}

/// Progress of a paginated pass, handed to the page callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageInfo {
    /// 1-based page number within the pass.
    pub page: u32,
    pub rows_in_page: usize,
    /// Rows delivered in this pass so far, including this page.
    pub rows_so_far: usize,
    /// Whether Ashby said more pages follow.
    pub more_data_available: bool,
}

/// Result of a complete paginated pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassOutcome {
    /// From the last page; store it only after the whole pass is stored. `None` if the endpoint
    /// does not support incremental sync (or Ashby sent none).
    pub sync_token: Option<String>,
    pub pages: u32,
    pub rows: usize,
    /// Rows of the pass that could not be decoded (left out; the rest of each page was kept).
    pub skipped: Vec<SkippedRow>,
}

/// One pass over a paginated list (see [`Client::pager`]).
pub struct Pager {
    client: Client,
    endpoint: String,
    params: Map<String, Value>,
    first_token: Option<String>,
    limit: u32,
    cap: u32,
    cursor: Option<String>,
    page: u32,
    rows: usize,
    done: bool,
    /// From the last page, once the pass is complete.
    pub sync_token: Option<String>,
    keep_raw: bool,
}

/// One page of a [`Pager`].
pub struct Page<T> {
    pub items: Vec<T>,
    pub info: PageInfo,
    /// The cursor of the page after this one (`None` on the last page).
    pub next_cursor: Option<String>,
    /// The page's `results` as received (JSON text), when [`Pager::keep_raw`] asked for it.
    pub raw: Option<String>,
    pub skipped: Vec<SkippedRow>,
}

impl Pager {
    /// Also hand back each page's rows as received, to keep them.
    pub fn keep_raw(mut self) -> Pager {
        self.keep_raw = true;
        self
    }

    /// Go on from `cursor`, after `pages` pages with `rows` rows (kept from an earlier try).
    pub fn resume_at(mut self, cursor: String, pages: u32, rows: usize) -> Pager {
        self.cursor = Some(cursor);
        self.page = pages;
        self.rows = rows;
        self
    }

    /// Whether the next request continues from a cursor.
    pub fn on_cursor(&self) -> bool {
        self.cursor.is_some()
    }

    /// The next page, or `None` once the pass is complete (then `sync_token` is set).
    pub async fn next<T: DeserializeOwned>(&mut self) -> Result<Option<Page<T>>, Error> {
        if self.done {
            return Ok(None);
        }
        let endpoint = self.endpoint.as_str();
        let mut body = self.params.clone();
        body.insert("limit".into(), Value::from(self.limit));
        match (&self.cursor, &self.first_token) {
            (Some(c), _) => {
                body.insert("cursor".into(), Value::String(c.clone()));
            }
            (None, Some(t)) => {
                body.insert("syncToken".into(), Value::String(t.clone()));
            }
            (None, None) => {}
        }
        let mut envelope = self.client.call(endpoint, &Value::Object(body)).await?;
        let more = envelope
            .get("moreDataAvailable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let next = envelope
            .get("nextCursor")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let token = envelope
            .get("syncToken")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let results = envelope
            .get_mut("results")
            .map(Value::take)
            .unwrap_or(Value::Null);
        let raw = if self.keep_raw && more {
            serde_json::to_string(&results).ok()
        } else {
            None
        };
        let mut skipped = Vec::new();
        let items: Vec<T> = self.client.decode_rows(endpoint, results, &mut skipped)?;

        self.page += 1;
        self.rows += items.len();
        let info = PageInfo {
            page: self.page,
            rows_in_page: items.len(),
            rows_so_far: self.rows,
            more_data_available: more,
        };
        tracing::debug!(
            endpoint,
            page = self.page,
            rows = self.rows,
            more,
            "Ashby page received"
        );
        let next_cursor = if more {
            if self.page >= self.cap {
                return Err(Error::PageCapExceeded {
                    endpoint: endpoint.to_string(),
                    pages: self.cap,
                });
            }
            match next {
                Some(c) if self.cursor.as_deref() != Some(c.as_str()) => Some(c),
                Some(_) => {
                    return Err(Error::Decode {
                        endpoint: endpoint.to_string(),
                        detail: "the page cursor did not advance".into(),
                        snippet: String::new(),
                    })
                }
                None => {
                    return Err(Error::Decode {
                        endpoint: endpoint.to_string(),
                        detail: "moreDataAvailable without nextCursor".into(),
                        snippet: String::new(),
                    })
                }
            }
        } else {
            self.done = true;
            self.sync_token = token;
            None
        };
        self.cursor.clone_from(&next_cursor);
        Ok(Some(Page {
            items,
            info,
            next_cursor,
            raw,
            skipped,
        }))
    }
}

/// A list row the client could not decode: skipped rather than failing the whole page, and
/// reported (its id when it has one, and why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    pub id: Option<String>,
    /// The decoding error (bounded, key scrubbed).
    pub reason: String,
}

/// `Ashby-Version` / `Ashby-Version-Status` from the latest response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersionSeen {
    pub version: Option<String>,
    pub status: Option<String>,
}

/// `jobPosting.list` parameters (one call, not paginated).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobPostingListParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listed_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_board_id: Option<String>,
    /// Location *name*, case-sensitive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Department *name*, case-sensitive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

/// The longest wait before the one retry of a request nothing answered.
const UNREACHABLE_RETRY_WAIT: Duration = Duration::from_secs(1);

/// Ashby API client. Cheap to clone; clones share the rate limiter, the concurrency bound and
/// the request counter.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    key: ApiKey,
    base_url: String,
    cfg: ClientConfig,
    limiter: RateLimiter,
    in_flight_permits: Semaphore,
    route: Route,
    requests: AtomicU64,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    last_version: Mutex<Option<ApiVersionSeen>>,
    warned_version: AtomicBool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("key", &self.inner.key)
            .field("requests", &self.request_count())
            .field("config", &self.inner.cfg)
            .finish()
    }
}

/// Decrements the in-flight gauge however the attempt ends.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Client {
    /// Builds a client for `key`. Fails only on an unusable base URL or TLS set-up.
    pub fn new(key: ApiKey, config: ClientConfig) -> Result<Client, Error> {
        let base_url = config.base_url.trim().trim_end_matches('/').to_string();
        let parsed = transport::check_base_url(&base_url)?;
        let route = Route::new(&parsed, &config.proxy);

        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("application/json; version=1"),
        );
        headers.insert("Ashby-Version", HeaderValue::from_static(ASHBY_API_VERSION));
        let builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            // An idle limit for every call; the total one is set per request (`attempt`).
            .read_timeout(config.read_timeout)
            .gzip(true)
            .user_agent(format!(
                "{}/{}",
                crate::config::APP_NAME,
                crate::config::APP_VERSION
            ))
            .default_headers(headers)
            // Ashby's RPC API never redirects; refusing keeps the key from travelling elsewhere.
            .redirect(reqwest::redirect::Policy::none());
        let http = transport::http_client(builder, &config.proxy, &route)?;

        let limiter = RateLimiter::new(
            config.rate_limit_per_minute,
            config.burst,
            config.clock.clone(),
        );
        let permits = config.concurrency.max(1);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                key,
                base_url,
                limiter,
                in_flight_permits: Semaphore::new(permits),
                route,
                requests: AtomicU64::new(0),
                in_flight: AtomicUsize::new(0),
                max_in_flight: AtomicUsize::new(0),
                last_version: Mutex::new(None),
                warned_version: AtomicBool::new(false),
                cfg: config,
            }),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The client's own request budget (0 = none): what progress estimates start from.
    pub fn rate_limit_per_minute(&self) -> u32 {
        self.inner.cfg.rate_limit_per_minute
    }

    /// HTTP requests sent so far by this client and its clones (every attempt, retries included).
    pub fn request_count(&self) -> u64 {
        self.inner.requests.load(Ordering::SeqCst)
    }

    /// Highest number of requests that were in flight at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.inner.max_in_flight.load(Ordering::SeqCst)
    }

    /// API version headers of the latest response, if any came back.
    pub fn last_api_version(&self) -> Option<ApiVersionSeen> {
        self.inner
            .last_version
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    // ---------------------------------------------------------------- endpoints

    /// `apiKey.info`: who the key is and its scopes.
    pub async fn api_key_info(&self) -> Result<ApiKeyInfo, Error> {
        self.call_results("apiKey.info", &Value::Object(Map::new()))
            .await
    }

    /// `jobPosting.list`: all published postings in one call (not paginated).
    pub async fn list_job_postings(
        &self,
        params: &JobPostingListParams,
    ) -> Result<Vec<JobPosting>, Error> {
        Ok(self.list_job_postings_lenient(params).await?.0)
    }

    /// `jobPosting.list`, with the rows that could not be decoded left out and returned apart.
    pub async fn list_job_postings_lenient(
        &self,
        params: &JobPostingListParams,
    ) -> Result<(Vec<JobPosting>, Vec<SkippedRow>), Error> {
        let body = Value::Object(to_object(params)?);
        let endpoint = "jobPosting.list";
        let key = &self.inner.key;
        self.call_decoded(endpoint, &body, |status, headers, bytes| {
            // Fast path (a 10,000-posting list is 7 MB): every row decodes straight into its type.
            if (200..300).contains(&status) {
                if let Ok(ok) = serde_json::from_slice::<Success<Vec<JobPosting>>>(bytes) {
                    if ok.success && ok.warnings.is_empty() {
                        return Ok((ok.results, Vec::new()));
                    }
                }
            }
            let mut envelope = classify_response(endpoint, status, headers, bytes, key)?;
            let results = envelope
                .get_mut("results")
                .map(Value::take)
                .unwrap_or(Value::Null);
            let mut skipped = Vec::new();
            let rows = self.decode_rows(endpoint, results, &mut skipped)?;
            Ok((rows, skipped))
        })
        .await
    }

    /// `jobPosting.info` for a posting on a specific job board.
    pub async fn job_posting_info_on_board(
        &self,
        id: &str,
        job_board_id: Option<&str>,
    ) -> Result<JobPostingInfo, Error> {
        let mut body = Map::new();
        body.insert("jobPostingId".into(), Value::String(id.to_string()));
        if let Some(b) = job_board_id {
            body.insert("jobBoardId".into(), Value::String(b.to_string()));
        }
        self.call_results("jobPosting.info", &Value::Object(body))
            .await
    }

    /// `jobPosting.info` for many postings, at most `config.concurrency` at a time. Results
    /// arrive in completion order as `(posting id, result)`; dropping the stream cancels the rest.
    pub fn job_posting_info_stream(
        &self,
        ids: Vec<String>,
        job_board_id: Option<String>,
    ) -> BoxStream<'static, (String, Result<JobPostingInfo, Error>)> {
        let width = self.inner.cfg.concurrency.max(1);
        let client = self.clone();
        futures::stream::iter(ids)
            .map(move |id| {
                let client = client.clone();
                let board = job_board_id.clone();
                async move {
                    let res = client
                        .job_posting_info_on_board(&id, board.as_deref())
                        .await;
                    (id, res)
                }
            })
            .buffer_unordered(width)
            .boxed()
    }

    /// Any call whose only question is "allowed or not": `Ok(())` on `success:true` (even with
    /// empty results), the classified error otherwise.
    pub async fn probe(&self, endpoint: &str, body: Value) -> Result<(), Error> {
        self.call(endpoint, &body).await.map(|_| ())
    }

    /// One `apiKey.info` round trip, no retries, outside the rate limit: does Ashby answer at all?
    /// Any HTTP answer counts (even a rejected key); only a failure to connect, a timeout or a
    /// network's block page is an `Err`. What the scheduler asks once a minute while offline.
    pub async fn reachable(&self) -> Result<(), Error> {
        self.attempt("apiKey.info", &Value::Object(Map::new()), &|_, _, _| Ok(()))
            .await
    }

    /// The cheapest read probe for `module` (see [`Module::probe`]).
    pub async fn probe_module(&self, module: Module) -> Result<(), Error> {
        let (endpoint, body) = module.probe();
        self.probe(endpoint, body).await
    }

    // ---------------------------------------------------------------- generic building blocks

    /// Follows `nextCursor` while `moreDataAvailable`, sending `limit` on every page and
    /// `syncToken` only on the first. Each page goes to `on_page` before the next is fetched;
    /// an `Err` from it stops the pass. Returns the pass's final `syncToken`.
    pub async fn paginate<T, E, F>(
        &self,
        endpoint: &str,
        params: Map<String, Value>,
        sync_token: Option<&str>,
        mut on_page: F,
    ) -> Result<PassOutcome, E>
    where
        T: DeserializeOwned,
        E: From<Error>,
        F: FnMut(Vec<T>, PageInfo) -> Result<(), E>,
    {
        let mut pager = self.pager(endpoint, params, sync_token);
        let mut skipped = Vec::new();
        loop {
            let Some(page) = pager.next::<T>().await? else {
                return Ok(PassOutcome {
                    sync_token: pager.sync_token,
                    pages: pager.page,
                    rows: pager.rows,
                    skipped,
                });
            };
            skipped.extend(page.skipped);
            on_page(page.items, page.info)?;
        }
    }

    /// A pass over a paginated list, one page per [`Pager::next`] (what [`Client::paginate`]
    /// walks; the sync engine uses it to keep each page and resume a pass from its cursor).
    pub fn pager(
        &self,
        endpoint: &str,
        params: Map<String, Value>,
        sync_token: Option<&str>,
    ) -> Pager {
        let cfg = &self.inner.cfg;
        Pager {
            client: self.clone(),
            endpoint: endpoint.to_string(),
            params,
            first_token: sync_token.map(str::to_string),
            limit: cfg.page_size.clamp(1, MAX_PAGE_SIZE),
            cap: cfg.page_cap.max(1),
            cursor: None,
            page: 0,
            rows: 0,
            done: false,
            sync_token: None,
            keep_raw: false,
        }
    }

    /// The page size every pass asks for (part of what a staged pass is checked against).
    pub fn page_size(&self) -> u32 {
        self.inner.cfg.page_size.clamp(1, MAX_PAGE_SIZE)
    }

    /// Decodes rows kept from an earlier answer exactly as a fresh page's (skipping bad rows).
    pub fn decode_page<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        results: Value,
        skipped: &mut Vec<SkippedRow>,
    ) -> Result<Vec<T>, Error> {
        self.decode_rows(endpoint, results, skipped)
    }

    /// POSTs `body` to `/<endpoint>` and decodes `results` into `T`.
    pub async fn call_results<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        body: &Value,
    ) -> Result<T, Error> {
        let endpoint = endpoint.trim_start_matches('/');
        let key = &self.inner.key;
        self.call_decoded(endpoint, body, |status, headers, bytes| {
            // Fast path: a plain `success: true` answer decodes straight into `T` (a 10,000
            // posting list is 7 MB; going through a `Value` first costs about twice the time).
            // Anything else takes the general path below, which also words every error.
            if (200..300).contains(&status) {
                if let Ok(ok) = serde_json::from_slice::<Success<T>>(bytes) {
                    if ok.success && ok.warnings.is_empty() {
                        return Ok(ok.results);
                    }
                }
            }
            let mut envelope = classify_response(endpoint, status, headers, bytes, key)?;
            let results = envelope
                .get_mut("results")
                .map(Value::take)
                .unwrap_or(Value::Null);
            self.decode_results(endpoint, results)
        })
        .await
    }

    /// POSTs `body` to `/<endpoint>` with retries; returns the whole `success:true` envelope.
    pub async fn call(&self, endpoint: &str, body: &Value) -> Result<Value, Error> {
        let endpoint = endpoint.trim_start_matches('/');
        let key = &self.inner.key;
        self.call_decoded(endpoint, body, |status, headers, bytes| {
            classify_response(endpoint, status, headers, bytes, key)
        })
        .await
    }

    /// POSTs `body` to `/<endpoint>` with retries; `decode` turns each HTTP answer into the
    /// result or a classified error (which decides whether to retry).
    async fn call_decoded<R>(
        &self,
        endpoint: &str,
        body: &Value,
        decode: impl Fn(u16, &HeaderMap, &[u8]) -> Result<R, Error>,
    ) -> Result<R, Error> {
        self.with_retries(endpoint, || self.attempt(endpoint, body, &decode))
            .await
    }

    /// Runs `attempt` under the rate limit and the concurrency bound, retrying what is worth
    /// retrying: 429 (honouring `Retry-After`), 5xx, network errors and timeouts.
    async fn with_retries<R, F, Fut>(&self, endpoint: &str, attempt: F) -> Result<R, Error>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<R, Error>>,
    {
        let cfg = &self.inner.cfg;
        let mut transient_retries = 0u32;
        let mut unreachable_retries = 0u32;
        let mut rate_limit_retries = 0u32;
        loop {
            self.inner.limiter.acquire().await;
            let result = {
                // The semaphore is never closed, so acquire cannot fail; fall through if it did.
                let _permit = self.inner.in_flight_permits.acquire().await.ok();
                attempt().await
            };
            let err = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match &err {
                Error::RateLimited { retry_after, .. } => {
                    if rate_limit_retries >= cfg.max_rate_limit_retries {
                        return Err(err);
                    }
                    let wait = match retry_after {
                        Some(d) if *d > cfg.max_retry_after => return Err(err),
                        Some(d) => *d,
                        None => cfg.backoff(rate_limit_retries),
                    };
                    rate_limit_retries += 1;
                    tracing::warn!(
                        endpoint,
                        wait_ms = wait.as_millis() as u64,
                        retry = rate_limit_retries,
                        "Ashby rate limit hit; waiting before retrying"
                    );
                    // The limiter does the waiting, so every task holds back, not only this one.
                    self.inner.limiter.pause_for(wait);
                }
                Error::Unreachable(_) => {
                    if unreachable_retries >= cfg.max_unreachable_retries {
                        return Err(err);
                    }
                    let wait = cfg.backoff(0).min(UNREACHABLE_RETRY_WAIT);
                    unreachable_retries += 1;
                    tracing::warn!(
                        endpoint,
                        wait_ms = wait.as_millis() as u64,
                        "Ashby unreachable; one quick retry"
                    );
                    cfg.clock.sleep(wait).await;
                }
                Error::Server(_)
                | Error::Network(_)
                | Error::Timeout
                | Error::ProxyUnreachable { .. } => {
                    if transient_retries >= cfg.max_retries {
                        return Err(err);
                    }
                    let wait = cfg.backoff(transient_retries);
                    transient_retries += 1;
                    tracing::warn!(
                        endpoint,
                        code = %err.code(),
                        wait_ms = wait.as_millis() as u64,
                        retry = transient_retries,
                        "Ashby request failed; retrying"
                    );
                    cfg.clock.sleep(wait).await;
                }
                _ => return Err(err),
            }
        }
    }

    /// An unauthenticated GET of `path_and_query` on the API host (Ashby's public job board:
    /// it needs no key, so none is sent), under the same rate limit, concurrency bound, request
    /// counter and retries as the API calls. Returns the status, headers and body of any
    /// answer that is not 429 or 5xx; no total timeout (the board grows with the organisation),
    /// only the idle one.
    pub(crate) async fn get_public(
        &self,
        endpoint: &str,
        url: &str,
        if_none_match: Option<&str>,
    ) -> Result<(u16, HeaderMap, Vec<u8>), Error> {
        self.with_retries(endpoint, || async move {
            let inner = &self.inner;
            inner.requests.fetch_add(1, Ordering::SeqCst);
            let now_in_flight = inner.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            let _gauge = InFlight(&inner.in_flight);
            inner
                .max_in_flight
                .fetch_max(now_in_flight, Ordering::SeqCst);
            let mut request = inner.http.get(url);
            if let Some(tag) = if_none_match {
                request = request.header(reqwest::header::IF_NONE_MATCH, tag);
            }
            let response = request.send().await.map_err(|e| self.transport_error(&e))?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = self.read_body(endpoint, response).await?;
            tracing::debug!(
                endpoint,
                status,
                bytes = body.len(),
                "public board response"
            );
            match status {
                429 => Err(Error::RateLimited {
                    retry_after: headers
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_retry_after),
                    partner_scope: false,
                }),
                500..=599 => Err(Error::Server(status)),
                _ => Ok((status, headers, body)),
            }
        })
        .await
    }

    /// One HTTP round trip, classified.
    async fn attempt<R>(
        &self,
        endpoint: &str,
        body: &Value,
        decode: &impl Fn(u16, &HeaderMap, &[u8]) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let inner = &self.inner;
        let url = format!("{}/{}", inner.base_url, endpoint);
        inner.requests.fetch_add(1, Ordering::SeqCst);
        let now_in_flight = inner.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let _gauge = InFlight(&inner.in_flight);
        inner
            .max_in_flight
            .fetch_max(now_in_flight, Ordering::SeqCst);

        let started = std::time::Instant::now();
        let mut request = inner
            .http
            .post(&url)
            .basic_auth(inner.key.expose(), Some(""))
            .json(body);
        if !UNBOUNDED_ENDPOINTS.contains(&endpoint) {
            request = request.timeout(inner.cfg.request_timeout);
        }
        let response = request.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        self.note_version(&headers);
        let bytes = self.read_body(endpoint, response).await?;
        tracing::debug!(
            endpoint,
            status,
            bytes = bytes.len(),
            ms = started.elapsed().as_millis() as u64,
            "Ashby response"
        );
        if inner.cfg.detect_block_pages || status == 407 {
            if let Some(e) = transport::not_ashby(status, &headers, &bytes, &inner.route) {
                tracing::warn!(endpoint, status, code = %e.code(), "the answer did not come from Ashby");
                return Err(e);
            }
        }
        decode(status, &headers, &bytes)
    }

    /// Reads a body chunk by chunk, refusing one larger than `max_body_bytes`.
    pub(crate) async fn read_body(
        &self,
        endpoint: &str,
        mut response: reqwest::Response,
    ) -> Result<Vec<u8>, Error> {
        let cap = self.inner.cfg.max_body_bytes;
        let too_large = || Error::TooLarge {
            endpoint: endpoint.to_string(),
            limit_mb: (cap / (1024 * 1024)).max(1) as u64,
        };
        if response.content_length().is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        let mut out = Vec::with_capacity(
            response
                .content_length()
                .map_or(64 * 1024, |n| n as usize)
                .min(cap),
        );
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(&e))?
        {
            if out.len() + chunk.len() > cap {
                return Err(too_large());
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    fn transport_error(&self, e: &reqwest::Error) -> Error {
        transport::classify_transport(e, &self.inner.route, Some(&self.inner.key))
    }

    /// The proxy this client's requests go through.
    pub fn proxy_in_use(&self) -> &ProxyInUse {
        &self.inner.route.proxy
    }

    fn note_version(&self, headers: &HeaderMap) {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.trim().to_string())
        };
        let version = get("Ashby-Version");
        let status = get("Ashby-Version-Status");
        if version.is_none() && status.is_none() {
            return;
        }
        if let Some(s) = status.as_deref() {
            let lower = s.to_ascii_lowercase();
            if (lower == "deprecated" || lower == "unsupported")
                && !self.inner.warned_version.swap(true, Ordering::SeqCst)
            {
                tracing::warn!(
                    requested = ASHBY_API_VERSION,
                    version = version.as_deref().unwrap_or("?"),
                    status = s,
                    "Ashby reports this API version as {s}; update the app"
                );
            }
        }
        *self
            .inner
            .last_version
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(ApiVersionSeen { version, status });
    }

    /// A list's `results`, row by row: a row that does not decode is left out and recorded in
    /// `skipped`; `results` that are not a list at all are a decode error.
    fn decode_rows<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        results: Value,
        skipped: &mut Vec<SkippedRow>,
    ) -> Result<Vec<T>, Error> {
        let Value::Array(items) = results else {
            return self.decode_results(endpoint, results);
        };
        let key = &self.inner.key;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match T::deserialize(&item) {
                Ok(v) => out.push(v),
                Err(e) => {
                    let id = item
                        .get("id")
                        .and_then(Value::as_str)
                        .map(|s| bounded(&key.scrub(s), 100));
                    tracing::warn!(
                        endpoint,
                        id = id.as_deref().unwrap_or("?"),
                        "row skipped: {e}"
                    );
                    skipped.push(SkippedRow {
                        id,
                        reason: bounded(&key.scrub(&e.to_string()), SNIPPET_MAX_CHARS),
                    });
                }
            }
        }
        Ok(out)
    }

    fn decode_results<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        results: Value,
    ) -> Result<T, Error> {
        // Deserialise from a borrow so a successful page is never copied.
        match T::deserialize(&results) {
            Ok(v) => Ok(v),
            Err(e) => {
                let key = &self.inner.key;
                let text = serde_json::to_string(&results).unwrap_or_default();
                Err(Error::Decode {
                    endpoint: endpoint.to_string(),
                    detail: bounded(&key.scrub(&e.to_string()), SNIPPET_MAX_CHARS),
                    snippet: bounded(&key.scrub(&text), SNIPPET_MAX_CHARS),
                })
            }
        }
    }
}

/// A `success: true` envelope with `results` of a known type (the fast path of `call_results`).
#[derive(Deserialize)]
struct Success<T> {
    success: bool,
    results: T,
    #[serde(default)]
    warnings: Vec<serde::de::IgnoredAny>,
}

fn to_object<P: Serialize>(params: &P) -> Result<Map<String, Value>, Error> {
    match serde_json::to_value(params) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err(Error::InvalidInput {
            message: Some(e.to_string()),
        }),
    }
}

/// `Retry-After`: delta-seconds (integer or decimal) or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    let clamp = RETRY_AFTER_CLAMP.as_secs_f64();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs).min(RETRY_AFTER_CLAMP));
    }
    if let Ok(secs) = v.parse::<f64>() {
        if secs.is_nan() || secs < 0.0 {
            return None;
        }
        // `Duration::from_secs_f64` panics past u64::MAX seconds (e.g. "1e30").
        return Some(Duration::from_secs_f64(secs.min(clamp)));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(
        delta
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(RETRY_AFTER_CLAMP),
    )
}

/// Turns one HTTP response into the success envelope or a classified error. Status first
/// (401/403/429/5xx), then the JSON envelope; HTTP 200 with `success:false` is always an error.
pub(crate) fn classify_response(
    endpoint: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    key: &ApiKey,
) -> Result<Value, Error> {
    if (200..300).contains(&status) {
        let parsed: Result<Value, _> = serde_json::from_slice(body);
        return match parsed {
            Ok(v) => match v.get("success") {
                Some(Value::Bool(true)) => {
                    if let Some(w) = v.get("warnings").and_then(Value::as_array) {
                        if !w.is_empty() {
                            tracing::warn!(endpoint, warnings = ?w, "Ashby answered with warnings");
                        }
                    }
                    Ok(v)
                }
                Some(Value::Bool(false)) => Err(scrubbed_error(endpoint, &v, key)),
                _ => Err(decode_error(
                    endpoint,
                    "the response has no success flag",
                    body,
                    key,
                )),
            },
            Err(e) => Err(decode_error(endpoint, &e.to_string(), body, key)),
        };
    }

    let json: Option<Value> = serde_json::from_slice(body).ok();
    let from_body = json.as_ref().map(|v| scrubbed_error(endpoint, v, key));
    match status {
        401 => Err(Error::MissingKey),
        403 => match from_body {
            Some(e @ Error::MissingPermission { .. }) => Err(e),
            _ => Err(Error::InvalidKey),
        },
        429 => {
            let retry_after = headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            let partner_scope = headers
                .get("X-RateLimit-Scope")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("integration-partner"));
            Err(Error::RateLimited {
                retry_after,
                partner_scope,
            })
        }
        500..=599 => match from_body {
            Some(e) if is_token_or_cursor_error(&e) => Err(e),
            _ => Err(Error::Server(status)),
        },
        _ => match (json.as_ref(), from_body) {
            (Some(v), Some(e)) if v.get("success") == Some(&Value::Bool(false)) => Err(e),
            _ => Err(Error::Api {
                code: format!("http_{status}"),
                message: None,
                request_id: None,
            }),
        },
    }
}

fn scrubbed_error(endpoint: &str, body: &Value, key: &ApiKey) -> Error {
    let mut parsed = parse_error_body(body);
    let scrub = |s: Option<String>| s.map(|s| bounded(&key.scrub(&s), SNIPPET_MAX_CHARS));
    parsed.code = scrub(parsed.code);
    parsed.message = scrub(parsed.message);
    parsed.request_id = scrub(parsed.request_id);
    error_from_code(endpoint, parsed)
}

fn decode_error(endpoint: &str, detail: &str, body: &[u8], key: &ApiKey) -> Error {
    let text = String::from_utf8_lossy(body);
    Error::Decode {
        endpoint: endpoint.to_string(),
        detail: bounded(&key.scrub(detail), SNIPPET_MAX_CHARS),
        snippet: bounded(&key.scrub(&text), SNIPPET_MAX_CHARS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    fn key() -> ApiKey {
        ApiKey::parse("test-key-123").unwrap()
    }

    fn classify(status: u16, headers: &[(&'static str, &str)], body: &str) -> Result<Value, Error> {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        classify_response("job.list", status, &h, body.as_bytes(), &key())
    }

    #[test]
    fn status_mapping() {
        assert_eq!(
            classify(401, &[], "Unauthorized").unwrap_err(),
            Error::MissingKey
        );
        assert_eq!(
            classify(403, &[], "Forbidden").unwrap_err(),
            Error::InvalidKey
        );
        assert_eq!(
            classify(
                403,
                &[],
                r#"{"success":false,"errors":["invalid_api_key"]}"#
            )
            .unwrap_err(),
            Error::InvalidKey
        );
        assert_eq!(
            classify(
                403,
                &[],
                r#"{"success":false,"errors":["missing_endpoint_permission"],"errorInfo":{"code":"missing_endpoint_permission"}}"#
            )
            .unwrap_err(),
            Error::MissingPermission {
                endpoint: "job.list".into(),
                module: Some(Module::Jobs)
            }
        );
        assert_eq!(
            classify(
                429,
                &[
                    ("retry-after", "7"),
                    ("x-ratelimit-scope", "integration-partner")
                ],
                ""
            )
            .unwrap_err(),
            Error::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
                partner_scope: true
            }
        );
        assert_eq!(
            classify(429, &[], "{}").unwrap_err(),
            Error::RateLimited {
                retry_after: None,
                partner_scope: false
            }
        );
        assert_eq!(
            classify(502, &[], "<html>").unwrap_err(),
            Error::Server(502)
        );
        assert_eq!(
            classify(
                500,
                &[],
                r#"{"success":false,"errors":["sync_token_expired"]}"#
            )
            .unwrap_err(),
            Error::SyncTokenExpired
        );
        assert_eq!(
            classify(404, &[], "Not Found").unwrap_err().code(),
            ErrorCode::ApiError
        );
        assert_eq!(
            classify(
                400,
                &[],
                r#"{"success":false,"errorInfo":{"code":"invalid_input"}}"#
            )
            .unwrap_err(),
            Error::InvalidInput { message: None }
        );
    }

    #[test]
    fn success_false_on_200_is_an_error() {
        let e = classify(200, &[], r#"{"success":false,"errorInfo":null}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ApiError);
        let e = classify(
            200,
            &[],
            r#"{"success":false,"results":[],"errors":[{"code":"sync_token_invalid"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e, Error::SyncTokenInvalid);
        assert!(classify(200, &[], r#"{"success":true,"results":[]}"#).is_ok());
        assert_eq!(
            classify(200, &[], r#"{"results":[]}"#).unwrap_err().code(),
            ErrorCode::DecodeError
        );
    }

    #[test]
    fn decode_snippet_is_bounded_and_scrubbed() {
        let body = format!(
            r#"{{"success":true,"note":"test-key-123","results":[{}"#,
            "x".repeat(5000)
        );
        match classify(200, &[], &body).unwrap_err() {
            Error::Decode { snippet, .. } => {
                assert!(snippet.chars().count() <= SNIPPET_MAX_CHARS);
                assert!(!snippet.contains("test-key-123"));
                assert!(snippet.contains("[REDACTED]"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_messages_from_server_are_scrubbed() {
        let e = classify(
            200,
            &[],
            r#"{"success":false,"errorInfo":{"code":"boom","message":"bad key test-key-123","requestId":"r"}}"#,
        )
        .unwrap_err();
        assert!(!e.to_string().contains("test-key-123"));
        assert!(!format!("{e:?}").contains("test-key-123"));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-3"), None);
        let past = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(parse_retry_after(past), Some(Duration::ZERO));
        // Too large for a Duration: clamped, never a panic.
        assert_eq!(parse_retry_after("1e30"), Some(RETRY_AFTER_CLAMP));
        assert_eq!(parse_retry_after("inf"), Some(RETRY_AFTER_CLAMP));
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(
            parse_retry_after("18446744073709551615"),
            Some(RETRY_AFTER_CLAMP)
        );
        let far = "Fri, 31 Dec 9999 23:59:59 GMT";
        assert_eq!(parse_retry_after(far), Some(RETRY_AFTER_CLAMP));
        let future = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let d = parse_retry_after(&future).unwrap();
        assert!(
            d <= Duration::from_secs(30) && d >= Duration::from_secs(28),
            "{d:?}"
        );
    }

    #[test]
    fn backoff_sequence() {
        let cfg = ClientConfig {
            jitter: 0.0,
            ..ClientConfig::with_base_url("http://localhost")
        };
        let seq: Vec<u64> = (0..7).map(|i| cfg.backoff(i).as_secs()).collect();
        assert_eq!(seq, vec![2, 4, 8, 16, 32, 60, 60]);
        let jittered = ClientConfig::with_base_url("http://localhost");
        for i in 0..10 {
            let d = jittered.backoff(i);
            let full = cfg.backoff(i);
            assert!(d <= full && d >= full.mul_f64(0.8), "{d:?} vs {full:?}");
        }
    }

    #[test]
    fn params_serialise_camel_case() {
        let p = JobPostingListParams {
            listed_only: Some(true),
            job_board_id: Some("b".into()),
            ..Default::default()
        };
        assert_eq!(
            Value::Object(to_object(&p).unwrap()),
            json!({"listedOnly": true, "jobBoardId": "b"})
        );
        assert_eq!(
            Value::Object(to_object(&JobPostingListParams::default()).unwrap()),
            json!({})
        );
    }

    #[test]
    fn client_debug_hides_key() {
        let c = Client::new(key(), ClientConfig::with_base_url("http://127.0.0.1:9")).unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("test-key-123"), "{dbg}");
        assert!(dbg.contains("REDACTED"));
        assert!(Client::new(key(), ClientConfig::with_base_url("ftp://x")).is_err());
        assert!(Client::new(key(), ClientConfig::with_base_url("not a url")).is_err());
    }
}
