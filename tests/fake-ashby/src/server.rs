//! HTTP transport: routing, auth, faults, headers and the accept loop.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use axum::extract::State as AxState;
use axum::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::state::{endpoint_module, error_envelope, State, DEFAULT_VERSION};
use crate::{BodyStyle, Fault, RequestRecord, UnknownBoard};

pub(crate) struct Shared {
    pub state: Mutex<State>,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock (e.g. a test's edit closure) must not wedge the server.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Marks a response that must not be sent: the connection is closed instead.
#[derive(Clone, Copy)]
struct ResetMarker;

pub(crate) struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(status: u16, v: &Value) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: serde_json::to_vec(v).unwrap_or_default(),
            headers: Vec::new(),
        }
    }
    fn text(status: u16, s: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: s.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }
}

enum Route {
    Api(String),
    Board(String),
    NotFound(String),
}

impl Route {
    fn endpoint(&self) -> String {
        match self {
            Route::Api(n) => n.clone(),
            Route::Board(_) => "posting-api/job-board".into(),
            Route::NotFound(p) => p.clone(),
        }
    }
}

fn classify(method: &Method, path: &str) -> Route {
    let trimmed = path.trim_start_matches('/');
    if method == Method::POST && endpoint_module(trimmed).is_some() {
        return Route::Api(trimmed.to_string());
    }
    if method == Method::GET {
        if let Some(board) = trimmed.strip_prefix("posting-api/job-board/") {
            let board = board.trim_end_matches('/');
            if !board.is_empty() && !board.contains('/') {
                return Route::Board(board.to_string());
            }
        }
    }
    Route::NotFound(trimmed.to_string())
}

/// Username of a `Basic` Authorization header (the password is ignored).
pub(crate) fn basic_key(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("authorization")?.to_str().ok()?;
    let (scheme, rest) = v.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim()).ok()?;
    let s = String::from_utf8(decoded).ok()?;
    let user = s.split_once(':').map(|(u, _)| u).unwrap_or(&s);
    (!user.is_empty()).then(|| user.to_string())
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

async fn handle(
    AxState(shared): AxState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let route = classify(&method, uri.path());
    let endpoint = route.endpoint();
    let key = basic_key(&headers);
    let (latency, fault, log_id) = {
        let mut st = shared.lock();
        let mut logged_headers = std::collections::BTreeMap::new();
        for (k, v) in &headers {
            if k != "authorization" {
                logged_headers.insert(
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                );
            }
        }
        st.log_counter += 1;
        let id = st.log_counter;
        st.log.push(RequestRecord {
            id,
            endpoint: endpoint.clone(),
            key: key.clone(),
            status: 0,
            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
            at: SystemTime::now(),
            method: method.to_string(),
            query: uri.query().map(str::to_string),
            headers: logged_headers,
        });
        (st.cfg.latency, st.take_fault(&endpoint), id)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let mut truncate = false;
    let mut reply = None;
    match fault {
        None => {}
        Some(Fault::Hang(d)) => tokio::time::sleep(d).await,
        Some(Fault::TruncatedJson) => truncate = true,
        Some(Fault::ConnectionReset) => {
            let mut r = Response::new(Body::empty());
            r.extensions_mut().insert(ResetMarker);
            return r;
        }
        Some(Fault::Status(code)) => {
            let reason = StatusCode::from_u16(code)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            reply = Some(Reply::text(code, &format!("{code} {reason}")));
        }
        Some(Fault::SuccessFalseNullErrorInfo) => {
            reply = Some(Reply::json(
                200,
                &json!({"success": false, "errorInfo": null}),
            ));
        }
        Some(Fault::ErrorsArrayOnly(v)) => {
            reply = Some(Reply::json(200, &json!({"success": false, "errors": [v]})));
        }
        Some(Fault::RateLimited {
            retry_after,
            partner_scope,
        }) => {
            let rid = shared.lock().next_request_id();
            reply = Some(rate_limited(&rid, retry_after, partner_scope));
        }
        Some(Fault::Raw {
            status,
            headers,
            body,
        }) => {
            let mut r = Reply::json(status, &body);
            for (k, v) in headers {
                // Header names a test may need; others are ignored.
                let name = match k.to_ascii_lowercase().as_str() {
                    "retry-after" => "retry-after",
                    "etag" => "etag",
                    "cache-control" => "cache-control",
                    "x-ratelimit-scope" => "x-ratelimit-scope",
                    _ => continue,
                };
                r.headers.push((name, v));
            }
            reply = Some(r);
        }
    }
    let mut reply = match reply {
        Some(r) => r,
        None => {
            let mut st = shared.lock();
            match &route {
                Route::Api(name) => process_api(&mut st, name, &headers, &body),
                Route::Board(board) => process_board(&mut st, board, uri.query(), &headers),
                Route::NotFound(_) => Reply::text(404, "Not Found"),
            }
        }
    };
    if truncate && !reply.body.is_empty() {
        let keep = (reply.body.len() / 2).max(1);
        reply.body.truncate(keep);
    }
    if let Some(rec) = shared.lock().log.iter_mut().rev().find(|r| r.id == log_id) {
        rec.status = reply.status;
    }
    let version = headers
        .get("ashby-version")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .unwrap_or(DEFAULT_VERSION)
        .to_string();
    to_response(reply, &version)
}

fn to_response(reply: Reply, version: &str) -> Response<Body> {
    let mut resp = Response::new(Body::from(reply.body));
    *resp.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if reply.status != 304 {
        h.insert("content-type", HeaderValue::from_static(reply.content_type));
    }
    if let Ok(v) = HeaderValue::from_str(version) {
        h.insert("ashby-version", v);
    }
    h.insert("ashby-version-status", HeaderValue::from_static("active"));
    for (k, v) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    resp
}

fn rate_limited(rid: &str, retry_after: Option<u64>, partner: bool) -> Reply {
    let message = if partner {
        "Requests from this integration partner are being throttled across all of its customers. Slow down and retry later."
    } else {
        "This API key has exceeded its rate limit. Slow down and retry later."
    };
    let mut r = Reply::json(429, &error_envelope("rate_limit_exceeded", message, rid));
    if let Some(s) = retry_after {
        r.headers.push(("retry-after", s.to_string()));
    }
    if partner {
        r.headers
            .push(("x-ratelimit-scope", "integration-partner".into()));
    }
    r
}

fn auth_failure(status: u16, style: BodyStyle, code: &str, message: &str, rid: &str) -> Reply {
    match style {
        BodyStyle::PlainText => Reply::text(status, message),
        BodyStyle::JsonEnvelope => Reply::json(status, &error_envelope(code, message, rid)),
    }
}

fn process_api(st: &mut State, name: &str, headers: &HeaderMap, body: &[u8]) -> Reply {
    let rid = st.next_request_id();
    let Some(key) = basic_key(headers) else {
        return auth_failure(
            401,
            st.cfg.unauthorized_body,
            "unauthorized",
            "Unauthorized: no API key was provided. Send your Ashby API key as the username of HTTP Basic authentication.",
            &rid,
        );
    };
    let rec = match st.key_record(&key) {
        Some(r) if !r.revoked => r.clone(),
        _ => {
            return auth_failure(
                403,
                st.cfg.forbidden_body,
                "forbidden",
                "Forbidden: the API key is invalid or has been deactivated.",
                &rid,
            )
        }
    };
    if !st.rate_limit_ok(&key) {
        let rl = st.cfg.rate_limit.clone();
        let (retry, partner) = rl
            .map(|r| (r.retry_after, r.partner_scope))
            .unwrap_or((None, false));
        return rate_limited(&rid, retry, partner);
    }
    let Some(module) = endpoint_module(name) else {
        return Reply::text(404, "Not Found");
    };
    if !rec.perms.get(&module).is_some_and(|a| a.read) {
        let msg = format!(
            "The API key is missing the permission required for {name}: {} read access ({}Read). An admin can grant it in Ashby under Admin → Integrations → API Keys.",
            module.display_name(),
            module.scope_name()
        );
        return Reply::json(
            403,
            &error_envelope("missing_endpoint_permission", &msg, &rid),
        );
    }
    let ct_ok = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !ct_ok {
        return Reply::json(
            200,
            &error_envelope(
                "invalid_input",
                "Request payload is malformed: Content-Type must be application/json",
                &rid,
            ),
        );
    }
    let map: Map<String, Value> = if body.iter().all(|b| b.is_ascii_whitespace()) {
        // An empty body is read as `{}`.
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => m,
            _ => {
                return Reply::json(
                    200,
                    &error_envelope(
                        "invalid_input",
                        "Request payload is malformed: expected a JSON object",
                        &rid,
                    ),
                )
            }
        }
    };
    match st.dispatch(name, &rec, &map) {
        Ok(v) => Reply::json(200, &v),
        Err(e) => {
            let (status, code, message) = e.into_parts();
            Reply::json(status, &error_envelope(&code, &message, &rid))
        }
    }
}

fn process_board(st: &mut State, board: &str, query: Option<&str>, headers: &HeaderMap) -> Reply {
    let known = board.eq_ignore_ascii_case(crate::gen::BOARD_NAME);
    if !known && st.cfg.unknown_board == UnknownBoard::NotFound {
        return Reply::text(404, "Not Found");
    }
    let include_comp = query.unwrap_or("").split('&').any(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        k == "includeCompensation" && v.eq_ignore_ascii_case("true")
    });
    let v = if known {
        st.board_json(board, include_comp)
    } else {
        json!({"apiVersion": "1", "jobs": []})
    };
    let body = serde_json::to_vec(&v).unwrap_or_default();
    let etag = format!("W/\"{:016x}\"", crate::paging::fnv(&body));
    let matches = headers
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|inm| {
            inm.split(',').any(|t| {
                let t = t.trim();
                t == "*" || t.trim_start_matches("W/") == etag.trim_start_matches("W/")
            })
        });
    let mut r = if matches {
        Reply {
            status: 304,
            content_type: "application/json; charset=utf-8",
            body: Vec::new(),
            headers: Vec::new(),
        }
    } else {
        Reply {
            status: 200,
            content_type: "application/json; charset=utf-8",
            body,
            headers: Vec::new(),
        }
    };
    r.headers.push(("etag", etag));
    r.headers
        .push(("cache-control", "public, max-age=60".into()));
    r
}

/// Accepts connections until the task is aborted; aborting drops (and so closes) every connection.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let router = router.clone();
                    match tls.clone() {
                        None => {
                            conns.spawn(serve_conn(stream, router));
                        }
                        Some(acceptor) => {
                            conns.spawn(async move {
                                // A client that does not trust the certificate hangs up here.
                                match acceptor.accept(stream).await {
                                    Ok(s) => serve_conn(s, router).await,
                                    Err(e) => tracing::debug!(error = %e, "fake-ashby: TLS handshake failed"),
                                }
                            });
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "fake-ashby: accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

async fn serve_conn<S>(stream: S, router: Router)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let io = hyper_util::rt::TokioIo::new(stream);
    let svc = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
        let router = router.clone();
        async move {
            let resp = match router.oneshot(req).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            if resp.extensions().get::<ResetMarker>().is_some() {
                // Returning an error makes hyper close the connection without writing a response.
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "fault: connection reset",
                ))
            } else {
                Ok(resp)
            }
        }
    });
    if let Err(e) = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, svc)
        .await
    {
        tracing::debug!(error = %e, "fake-ashby: connection ended with an error");
    }
}
