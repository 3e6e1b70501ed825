//! How the client reaches Ashby on a company network: the operating system's trust store (so a
//! TLS-inspecting proxy's root that IT installed is trusted), the system or hand-set proxy, plain
//! HTTP only for loopback, and transport failures sorted into what the network actually did.
//!
//! * Certificates are checked by `rustls-platform-verifier`: the macOS and Windows verifiers, and on
//!   Linux the system bundle (or `SSL_CERT_FILE` / `SSL_CERT_DIR`). There is no way to turn
//!   verification off.
//! * Proxy: [`ProxyConfig::Automatic`] is reqwest's system proxy (the OS settings on macOS and
//!   Windows, plus `HTTPS_PROXY` / `ALL_PROXY` / `NO_PROXY` and their lower-case forms everywhere);
//!   [`ProxyConfig::Manual`] is the Settings screen's proxy.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::error::{bounded, Error};
use super::key::ApiKey;

/// Which proxy the client goes through.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum ProxyConfig {
    /// The operating system's proxy settings and the usual environment variables.
    #[default]
    Automatic,
    /// Set by hand: `http://[user:password@]host:port` (credentials come from the keychain).
    Manual(url::Url),
}

impl std::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxyConfig::Automatic => f.write_str("Automatic"),
            ProxyConfig::Manual(u) => write!(f, "Manual({})", display_proxy(u)),
        }
    }
}

/// Where the proxy in use comes from (the Settings screen shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProxySource {
    /// Automatic, and neither the OS nor the environment names a proxy: a direct connection.
    Direct,
    /// The operating system's proxy settings (macOS, Windows).
    Os,
    /// An environment variable such as `HTTPS_PROXY`.
    Environment,
    /// The proxy set in Settings.
    Manual,
}

/// The proxy requests to the API go through, without credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProxyInUse {
    pub source: ProxySource,
    /// `http://host:port` (never the credentials); `None` for a direct connection.
    pub proxy: Option<String>,
    /// The environment variable it was read from.
    pub variable: Option<String>,
}

impl ProxyInUse {
    pub fn direct() -> ProxyInUse {
        ProxyInUse {
            source: ProxySource::Direct,
            proxy: None,
            variable: None,
        }
    }

    /// "http://proxy:8080 (from HTTPS_PROXY)", "none (direct connection)".
    pub fn describe(&self) -> String {
        let Some(p) = &self.proxy else {
            return "none (direct connection)".to_string();
        };
        match (self.source, &self.variable) {
            (ProxySource::Environment, Some(v)) => format!("{p} (from {v})"),
            (ProxySource::Os, _) => format!("{p} (from the system settings)"),
            (ProxySource::Manual, _) => format!("{p} (set in Settings)"),
            _ => p.clone(),
        }
    }
}

/// `scheme://host:port` of a proxy URL: no credentials, no path.
pub fn display_proxy(u: &url::Url) -> String {
    match (u.host_str(), u.port_or_known_default()) {
        (Some(h), Some(p)) => format!("{}://{h}:{p}", u.scheme()),
        (Some(h), None) => format!("{}://{h}", u.scheme()),
        _ => u.scheme().to_string(),
    }
}

/// Parses a proxy typed into Settings: `host:port`, `http://host:port`, with optional
/// `user:password@`. Only `http://` proxies (the kind every company proxy speaks for HTTPS
/// tunnels) and `https://` proxies are accepted.
pub fn parse_proxy(raw: &str) -> Result<url::Url, String> {
    let t = raw.trim();
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("http://{t}")
    };
    let u =
        url::Url::parse(&with_scheme).map_err(|e| format!("it is not a proxy address ({e})"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!(
            "{}:// proxies are not supported; use the proxy's http:// address",
            u.scheme()
        ));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("it has no host name".to_string());
    }
    if u.path() != "/" && !u.path().is_empty() || u.query().is_some() {
        return Err(
            "it looks like a web address, not a proxy (a PAC file's address cannot be used: ask IT for the proxy's host and port)"
                .to_string(),
        );
    }
    Ok(u)
}

/// The proxy `cfg` makes the client use for `target`, as reqwest decides it.
pub fn proxy_in_use(cfg: &ProxyConfig, target: &url::Url) -> ProxyInUse {
    if let ProxyConfig::Manual(u) = cfg {
        return ProxyInUse {
            source: ProxySource::Manual,
            proxy: Some(display_proxy(u)),
            variable: None,
        };
    }
    let Ok(uri) = target.as_str().parse::<http::Uri>() else {
        return ProxyInUse::direct();
    };
    use hyper_util::client::proxy::matcher::Matcher;
    let shown = |i: &hyper_util::client::proxy::matcher::Intercept| {
        let u = i.uri();
        match (u.scheme_str(), u.host(), u.port_u16()) {
            (Some(s), Some(h), Some(p)) => format!("{s}://{h}:{p}"),
            (Some(s), Some(h), None) => format!("{s}://{h}"),
            _ => "a proxy".to_string(),
        }
    };
    if let Some(i) = Matcher::from_env().intercept(&uri) {
        return ProxyInUse {
            source: ProxySource::Environment,
            proxy: Some(shown(&i)),
            variable: env_variable(target.scheme()),
        };
    }
    if let Some(i) = Matcher::from_system().intercept(&uri) {
        return ProxyInUse {
            source: ProxySource::Os,
            proxy: Some(shown(&i)),
            variable: None,
        };
    }
    ProxyInUse::direct()
}

/// The variable reqwest reads for `scheme`, in its order of preference.
fn env_variable(scheme: &str) -> Option<String> {
    let names: &[&str] = if scheme == "https" {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["http_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"]
    };
    names
        .iter()
        .find(|n| std::env::var_os(n).is_some_and(|v| !v.is_empty()))
        .map(|n| n.to_string())
}

/// Plain `http://` only for loopback (127.0.0.0/8, `::1`, `localhost`: tests and the demo), so the
/// key never crosses a network in clear text.
pub fn check_base_url(raw: &str) -> Result<url::Url, Error> {
    let u = url::Url::parse(raw).map_err(|e| Error::Config(format!("invalid base URL: {e}")))?;
    match u.scheme() {
        "https" => Ok(u),
        "http" if is_loopback(&u) => Ok(u),
        "http" => Err(Error::InsecureUrl {
            url: display_proxy(&u),
        }),
        _ => Err(Error::Config(
            "the base URL must start with https://".to_string(),
        )),
    }
}

fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// One certificate the server presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
}

/// The chain a server presented in the latest handshake, leaf first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerChain(pub Vec<CertSummary>);

impl PeerChain {
    /// Who issued the top of the chain: the root the chain claims to end at.
    pub fn root_issuer(&self) -> Option<&str> {
        self.0.last().map(|c| c.issuer.as_str())
    }
}

fn summarise(der: &CertificateDer<'_>) -> CertSummary {
    match x509_parser::parse_x509_certificate(der.as_ref()) {
        Ok((_, cert)) => CertSummary {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
        },
        Err(_) => CertSummary {
            subject: "(unreadable certificate)".into(),
            issuer: "(unknown)".into(),
        },
    }
}

/// The platform verifier, remembering the chain it was shown (for "Copy details for IT" and the
/// connection test). It decides nothing itself.
#[derive(Debug)]
struct RecordingVerifier {
    inner: rustls_platform_verifier::Verifier,
    seen: Arc<Mutex<Option<PeerChain>>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(summarise)
            .collect();
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(PeerChain(chain));
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A rustls configuration that verifies against the OS trust store and records the chain.
pub(crate) fn tls_config(
    seen: Arc<Mutex<Option<PeerChain>>>,
    alpn: &[&[u8]],
) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| Error::Config(format!("the system's certificate store: {e}")))?;
    let mut cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(RecordingVerifier { inner, seen }))
        .with_no_client_auth();
    cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(cfg)
}

/// Finishes `builder` with the OS trust store and the proxy: every client the app builds (sync,
/// verification, the connection test) goes through here.
pub(crate) fn http_client(
    builder: reqwest::ClientBuilder,
    proxy: &ProxyConfig,
    route: &Route,
) -> Result<reqwest::Client, Error> {
    let mut builder = match tls_config(route.seen.clone(), &[b"h2", b"http/1.1"]) {
        Ok(tls) => builder.use_preconfigured_tls(tls),
        // Loopback http (tests, the demo) needs no certificates, even where the system has none.
        Err(e) if !route.https => {
            tracing::debug!("no TLS for a plain-http base URL: {e}");
            builder
        }
        Err(e) => return Err(e),
    };
    if let ProxyConfig::Manual(u) = proxy {
        // reqwest sends the URL's user:password as Proxy-Authorization (Basic).
        let p = reqwest::Proxy::all(u.as_str())
            .map_err(|e| Error::Config(format!("proxy {}: {e}", display_proxy(u))))?
            .no_proxy(reqwest::NoProxy::from_env());
        builder = builder.proxy(p);
    }
    builder
        .build()
        .map_err(|e| Error::Config(format!("HTTP client: {e}")))
}

/// What one client needs to word its transport errors: where it connects, through what, and the
/// chain of the latest handshake.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    /// `host:port` of the API.
    pub host: String,
    pub proxy: ProxyInUse,
    pub seen: Arc<Mutex<Option<PeerChain>>>,
    pub https: bool,
}

impl Route {
    pub fn new(base: &url::Url, proxy: &ProxyConfig) -> Route {
        let host = match (base.host_str(), base.port_or_known_default()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => base.to_string(),
        };
        Route {
            host,
            proxy: proxy_in_use(proxy, base),
            seen: Arc::new(Mutex::new(None)),
            https: base.scheme() == "https",
        }
    }

    fn chain(&self) -> Vec<CertSummary> {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .map(|c| c.0)
            .unwrap_or_default()
    }

    fn proxy_name(&self) -> String {
        self.proxy
            .proxy
            .clone()
            .unwrap_or_else(|| "the proxy".into())
    }
}

/// What a certificate error knows, for the message and for IT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TlsFacts {
    /// `host:port` the app connected to.
    pub host: String,
    /// The proxy in use (`ProxyInUse::describe`).
    pub proxy: String,
    /// The chain the server presented, leaf first (empty when none was seen).
    pub chain: Vec<CertSummary>,
    /// The verifier's own words.
    pub detail: String,
}

/// A TLS failure, sorted: not trusted, expired, wrong host, anything else.
pub(crate) fn tls_error(tls: &rustls::Error, route: &Route) -> Error {
    let facts = TlsFacts {
        host: route.host.clone(),
        proxy: route.proxy.describe(),
        chain: route.chain(),
        detail: bounded(&tls.to_string(), 200),
    };
    match tls {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer
            | CertificateError::BadSignature
            | CertificateError::InvalidPurpose
            | CertificateError::ApplicationVerificationFailure => {
                Error::CertificateUntrusted(facts)
            }
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => Error::CertificateExpired(facts),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                Error::CertificateWrongHost(facts)
            }
            CertificateError::Other(o) if o.to_string().to_ascii_lowercase().contains("issuer") => {
                Error::CertificateUntrusted(facts)
            }
            _ => Error::Tls(facts),
        },
        _ => Error::Tls(facts),
    }
}

/// A reqwest error, sorted: certificate, proxy, DNS/refused/offline, timeout.
pub(crate) fn classify_transport(e: &reqwest::Error, route: &Route, key: Option<&ApiKey>) -> Error {
    let text = chain_text(e);
    let detail = bounded(&key.map_or(text.clone(), |k| k.scrub(&text)), 300);
    if let Some(tls) = find_rustls_error(e) {
        return tls_error(tls, route);
    }
    let lower = detail.to_ascii_lowercase();
    if e.is_timeout() || lower.contains("timed out") {
        return Error::Timeout;
    }
    // hyper-util's CONNECT tunnel errors carry no type we can match, only these words.
    if lower.contains("tunnel error: proxy authorization required") {
        return Error::ProxyAuth {
            proxy: route.proxy_name(),
        };
    }
    if lower.contains("tunnel error: unsuccessful") {
        return Error::ProxyRefused {
            proxy: route.proxy_name(),
            host: route.host.clone(),
        };
    }
    if route.proxy.proxy.is_some() && (e.is_connect() || lower.contains("tunnel error")) {
        return Error::ProxyUnreachable {
            proxy: route.proxy_name(),
            detail,
        };
    }
    // Refused, unresolvable, no route: nothing on the other end (TLS and timeouts are sorted out
    // above, so what is left of the connect errors never reached a server).
    if e.is_connect() {
        return Error::Unreachable(detail);
    }
    Error::Network(detail)
}

fn chain_text(e: &reqwest::Error) -> String {
    // reqwest's Display is terse; the source chain says what actually failed.
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    detail
}

fn find_rustls_error(e: &reqwest::Error) -> Option<&rustls::Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        // io::Error's `source` skips the error it wraps, and the TLS one comes wrapped twice.
        let mut io = s.downcast_ref::<std::io::Error>();
        while let Some(inner) = io.and_then(std::io::Error::get_ref) {
            if let Some(r) = inner.downcast_ref::<rustls::Error>() {
                return Some(r);
            }
            io = inner.downcast_ref::<std::io::Error>();
        }
        source = s.source();
    }
    None
}

/// A response that did not come from Ashby: no `Ashby-Version` header (Ashby sends it on every
/// response, <https://developers.ashbyhq.com/reference/versioning>) and no JSON envelope with a
/// `success` flag. That is a web filter's block page or a proxy's own answer, so it must never
/// be read as "key revoked". 5xx and 429 keep their meaning (gateways and Ashby's edge say those).
pub(crate) fn not_ashby(
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
    route: &Route,
) -> Option<Error> {
    if status == 407 {
        return Some(Error::ProxyAuth {
            proxy: route.proxy_name(),
        });
    }
    if status >= 500 || status == 429 || headers.contains_key("ashby-version") {
        return None;
    }
    let envelope = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .is_some_and(|v| v.get("success").is_some_and(serde_json::Value::is_boolean));
    if envelope {
        return None;
    }
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type");
    Some(Error::Blocked {
        host: route.host.clone(),
        status,
        proxy: route.proxy.describe(),
        detail: format!("HTTP {status}, {}", bounded(content_type, 60)),
    })
}

/// The text "Copy details for IT" puts on the clipboard: host, proxy, certificate chain, the
/// app's version. Never the key.
pub fn it_details(e: &Error) -> Option<String> {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!(
        "{} {} could not connect to Ashby ({}, {}).",
        crate::config::APP_NAME,
        crate::config::APP_VERSION,
        e.code(),
        std::env::consts::OS
    ));
    match e {
        Error::CertificateUntrusted(f)
        | Error::CertificateExpired(f)
        | Error::CertificateWrongHost(f)
        | Error::Tls(f) => {
            line(format!("Host: {}", f.host));
            line(format!("Proxy: {}", f.proxy));
            line(format!("Verifier: {}", f.detail));
            if f.chain.is_empty() {
                line("Certificate chain: none received".into());
            } else {
                line("Certificate chain presented (leaf first):".into());
                for (i, c) in f.chain.iter().enumerate() {
                    line(format!(
                        "  {}. {}  (issued by {})",
                        i + 1,
                        c.subject,
                        c.issuer
                    ));
                }
            }
        }
        Error::ProxyAuth { proxy } => {
            line(format!(
                "Proxy: {proxy} answered 407 Proxy Authentication Required"
            ));
        }
        Error::ProxyRefused { proxy, host } => {
            line(format!(
                "Proxy: {proxy} refused the tunnel (CONNECT) to {host}"
            ));
        }
        Error::ProxyUnreachable { proxy, detail } => {
            line(format!("Proxy: {proxy} could not be reached: {detail}"));
        }
        Error::Blocked {
            host,
            status,
            proxy,
            detail,
        } => {
            line(format!("Host: {host}"));
            line(format!("Proxy: {proxy}"));
            line(format!(
                "Answer: HTTP {status} without Ashby's headers ({detail}): a web filter or proxy answered instead of Ashby"
            ));
        }
        _ => return None,
    }
    line("Please allow HTTPS to api.ashbyhq.com for this app.".into());
    Some(out)
}

/// The proxy (and its `Proxy-Authorization`) a request to `target` goes through, if any.
pub(crate) fn proxy_for(
    cfg: &ProxyConfig,
    target: &url::Url,
) -> Option<(http::Uri, Option<http::HeaderValue>)> {
    match cfg {
        ProxyConfig::Manual(u) => {
            let uri: http::Uri = display_proxy(u).parse().ok()?;
            let auth = (!u.username().is_empty()).then(|| {
                use base64::Engine as _;
                let dec = |s: &str| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8_lossy()
                        .into_owned()
                };
                let raw = format!("{}:{}", dec(u.username()), dec(u.password().unwrap_or("")));
                let b64 = base64::engine::general_purpose::STANDARD.encode(raw);
                http::HeaderValue::from_str(&format!("Basic {b64}")).ok()
            });
            Some((uri, auth.flatten()))
        }
        ProxyConfig::Automatic => {
            let uri: http::Uri = target.as_str().parse().ok()?;
            let i = hyper_util::client::proxy::matcher::Matcher::from_system().intercept(&uri)?;
            Some((i.uri().clone(), i.basic_auth().cloned()))
        }
    }
}

/// Resolves `host` (for the connection test).
pub(crate) async fn resolve(host: &str, port: u16) -> std::io::Result<Vec<IpAddr>> {
    let addrs = tokio::net::lookup_host((host, port)).await?;
    let mut ips: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
    ips.dedup();
    Ok(ips)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in [
            "https://api.ashbyhq.com",
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://[::1]:9000",
            "http://localhost:1234",
            "http://LOCALHOST",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.ashbyhq.com",
            "http://10.0.0.1",
            "http://192.168.1.5:8080",
            "http://localhost.evil.com",
            "http://[::2]",
        ] {
            let e = check_base_url(bad).unwrap_err();
            assert_eq!(e.code(), crate::error::ErrorCode::InsecureBaseUrl, "{bad}");
            assert!(e.to_string().contains("https"), "{e}");
        }
        assert_eq!(
            check_base_url("ftp://x").unwrap_err().code(),
            crate::error::ErrorCode::ClientConfig
        );
    }

    #[test]
    fn proxy_addresses() {
        let u = parse_proxy("proxy.corp:8080").unwrap();
        assert_eq!(display_proxy(&u), "http://proxy.corp:8080");
        let u = parse_proxy(" http://me:s3cret@proxy.corp:3128 ").unwrap();
        assert_eq!(display_proxy(&u), "http://proxy.corp:3128");
        assert!(!format!("{:?}", ProxyConfig::Manual(u)).contains("s3cret"));
        assert!(parse_proxy("socks5://p:1080")
            .unwrap_err()
            .contains("socks5"));
        assert!(parse_proxy("http://wpad.corp/proxy.pac")
            .unwrap_err()
            .contains("PAC"));
        assert!(parse_proxy("http://").is_err());
    }

    #[test]
    fn manual_proxy_is_reported_without_credentials() {
        let target = url::Url::parse("https://api.ashbyhq.com").unwrap();
        let p = proxy_in_use(
            &ProxyConfig::Manual(parse_proxy("http://u:pw@10.1.2.3:8080").unwrap()),
            &target,
        );
        assert_eq!(p.source, ProxySource::Manual);
        assert_eq!(p.proxy.as_deref(), Some("http://10.1.2.3:8080"));
        assert_eq!(p.describe(), "http://10.1.2.3:8080 (set in Settings)");
        assert_eq!(ProxyInUse::direct().describe(), "none (direct connection)");
    }

    fn route() -> Route {
        Route::new(
            &url::Url::parse("https://api.ashbyhq.com").unwrap(),
            &ProxyConfig::Manual(parse_proxy("http://proxy.corp:8080").unwrap()),
        )
    }

    #[test]
    fn block_pages_are_not_ashby() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("content-type", "text/html".parse().unwrap());
        let page = b"<html><body>Blocked by your organisation's web filter</body></html>";
        for status in [403, 200, 302, 401] {
            match not_ashby(status, &h, page, &route()) {
                Some(Error::Blocked {
                    status: s, host, ..
                }) => {
                    assert_eq!(s, status);
                    assert_eq!(host, "api.ashbyhq.com:443");
                }
                other => panic!("{status}: {other:?}"),
            }
        }
        // Gateways' 5xx and 429 keep their meaning.
        assert!(not_ashby(502, &h, page, &route()).is_none());
        assert!(not_ashby(429, &h, page, &route()).is_none());
        // Ashby's header, or Ashby's envelope, make it Ashby's.
        let mut ashby = h.clone();
        ashby.insert("ashby-version", "2026-01-01".parse().unwrap());
        assert!(not_ashby(403, &ashby, b"Forbidden", &route()).is_none());
        assert!(not_ashby(200, &h, br#"{"success":true,"results":[]}"#, &route()).is_none());
        assert_eq!(
            not_ashby(407, &h, b"", &route()),
            Some(Error::ProxyAuth {
                proxy: "http://proxy.corp:8080".into()
            })
        );
    }

    #[test]
    fn details_for_it_never_hold_the_key() {
        let e = Error::CertificateUntrusted(TlsFacts {
            host: "api.ashbyhq.com:443".into(),
            proxy: "http://proxy.corp:8080 (from HTTPS_PROXY)".into(),
            chain: vec![
                CertSummary {
                    subject: "CN=api.ashbyhq.com".into(),
                    issuer: "CN=Corp Inspection CA".into(),
                },
                CertSummary {
                    subject: "CN=Corp Inspection CA".into(),
                    issuer: "CN=Corp Root".into(),
                },
            ],
            detail: "invalid peer certificate: UnknownIssuer".into(),
        });
        let d = it_details(&e).unwrap();
        for needle in [
            "api.ashbyhq.com:443",
            "proxy.corp:8080",
            "CN=Corp Inspection CA",
            "issued by CN=Corp Root",
            "certificate_untrusted",
        ] {
            assert!(d.contains(needle), "{needle} in {d}");
        }
        assert!(it_details(&Error::Timeout).is_none());
    }
}
