//! The proxy set by hand in Settings (for networks where neither the OS settings nor the
//! environment name one, e.g. a PAC file): its address lives in the cache's settings table, its
//! user name and password only in the keychain. The wizard's Verify, every sync and the CLI build
//! their clients from [`ProxySettings::proxy_config`], so all of them go the same way.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::ashby::transport::{display_proxy, parse_proxy, proxy_in_use};
use crate::ashby::{self, ApiKey, ClientConfig, ProxyConfig, ProxyInUse};
use crate::error::{AppError, ErrorCode};
use crate::keys::KeyError;
use crate::store::Store;
use crate::vault::{self, Vault};

/// `http://host:port` of the hand-set proxy (never credentials).
const PROXY_SETTING: &str = "proxy_url";
/// Present when the keychain holds the proxy's `user:password`.
const PROXY_CREDENTIALS_SETTING: &str = "proxy_has_credentials";
/// Keyring apps show this for the proxy's item.
pub const PROXY_ITEM_LABEL: &str = "Ashby Sync: proxy credentials";

/// Opens the keychain item holding the proxy's credentials.
pub type ProxyVaultOpener = Arc<dyn Fn() -> Result<Vault, vault::Error> + Send + Sync>;

/// What the Settings screen shows about the proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProxyStatus {
    /// The proxy set by hand (`http://host:port`), `None` = automatic.
    pub manual: Option<String>,
    /// A user name and password for it are in the keychain.
    pub has_credentials: bool,
    /// What requests to Ashby go through now.
    pub in_use: ProxyInUse,
}

/// The hand-set proxy. Cheap to clone.
#[derive(Clone)]
pub struct ProxySettings {
    store: Store,
    open_vault: ProxyVaultOpener,
}

impl std::fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxySettings").finish_non_exhaustive()
    }
}

fn invalid(message: String) -> AppError {
    AppError::new(ErrorCode::InvalidSetting, message)
}

impl ProxySettings {
    /// The platform keychain item `<account>.proxy`.
    pub fn new(store: Store, keychain_account: &str) -> ProxySettings {
        let account = format!("{keychain_account}.proxy");
        ProxySettings {
            store,
            open_vault: Arc::new(move || Vault::new_item(&account, PROXY_ITEM_LABEL)),
        }
    }

    /// Any keychain (tests).
    pub fn with_vault(store: Store, open_vault: ProxyVaultOpener) -> ProxySettings {
        ProxySettings { store, open_vault }
    }

    /// The proxy the clients use: the hand-set one with its credentials, else automatic. The
    /// keychain is asked only when credentials were saved.
    pub fn proxy_config(&self) -> Result<ProxyConfig, KeyError> {
        let Some(raw) = self.store.setting(PROXY_SETTING)? else {
            return Ok(ProxyConfig::Automatic);
        };
        let mut url = match parse_proxy(&raw) {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!("the saved proxy is unusable ({e}); using the system's");
                return Ok(ProxyConfig::Automatic);
            }
        };
        if self.store.setting(PROXY_CREDENTIALS_SETTING)?.is_some() {
            if let Some(creds) = (self.open_vault)()?.get_text()? {
                let (user, pass) = creds.split_once(':').unwrap_or((creds.as_str(), ""));
                // Both parts were percent-encoded when saved.
                let _ = url.set_username(user);
                let _ = url.set_password((!pass.is_empty()).then_some(pass));
            }
        }
        Ok(ProxyConfig::Manual(url))
    }

    /// Sets the proxy from what was typed: empty = automatic. Credentials in the address go to
    /// the keychain; the cache keeps only `http://host:port`.
    pub fn set(&self, raw: &str) -> Result<(), AppError> {
        let raw = raw.trim();
        let had_credentials = self.store.setting(PROXY_CREDENTIALS_SETTING)?.is_some();
        if raw.is_empty() {
            self.store.remove_setting(PROXY_SETTING)?;
            if had_credentials {
                (self.open_vault)()?.delete()?;
                self.store.remove_setting(PROXY_CREDENTIALS_SETTING)?;
            }
            tracing::info!("proxy set to automatic");
            return Ok(());
        }
        let url = parse_proxy(raw).map_err(|e| {
            invalid(format!(
                "The proxy can't be used: {e}. Enter it as host:port or \
                 http://user:password@host:port, or leave it empty to use your system's settings."
            ))
        })?;
        let address = display_proxy(&url);
        if !url.username().is_empty() {
            let creds = format!("{}:{}", url.username(), url.password().unwrap_or(""));
            (self.open_vault)()?.set_text(&creds)?;
            self.store.set_setting(PROXY_CREDENTIALS_SETTING, "1")?;
        } else if had_credentials {
            (self.open_vault)()?.delete()?;
            self.store.remove_setting(PROXY_CREDENTIALS_SETTING)?;
        }
        self.store.set_setting(PROXY_SETTING, &address)?;
        tracing::info!(proxy = %address, "proxy set by hand");
        Ok(())
    }

    /// The hand-set proxy and what requests to `base_url` go through.
    pub fn status(&self, base_url: &str) -> Result<ProxyStatus, AppError> {
        let manual = self.store.setting(PROXY_SETTING)?;
        let has_credentials = self.store.setting(PROXY_CREDENTIALS_SETTING)?.is_some();
        let cfg = match manual.as_deref().map(parse_proxy) {
            Some(Ok(u)) => ProxyConfig::Manual(u),
            _ => ProxyConfig::Automatic,
        };
        let in_use = match url::Url::parse(base_url) {
            Ok(u) => proxy_in_use(&cfg, &u),
            Err(_) => ProxyInUse::direct(),
        };
        Ok(ProxyStatus {
            manual,
            has_credentials,
            in_use,
        })
    }
}

/// One step of the connection test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionStep {
    /// "DNS", "TCP", "Proxy", "TLS", "HTTP".
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// What Settings → Test connection found, step by step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTest {
    /// The API's `host:port`.
    pub target: String,
    pub proxy: ProxyInUse,
    pub steps: Vec<ConnectionStep>,
    /// Every step passed and Ashby answered.
    pub ok: bool,
    /// The first failure, worded as everywhere else (with details for IT).
    pub problem: Option<crate::setup::NetworkProblem>,
}

/// DNS, TCP, the proxy's tunnel, TLS (with the issuer seen), then `apiKey.info`'s HTTP status,
/// with `key` when there is one. Uses the same proxy and trust store as every other request.
pub async fn test_connection(cfg: &ClientConfig, key: Option<&ApiKey>) -> ConnectionTest {
    use crate::ashby::transport::{self, Route};
    let mut steps = Vec::new();
    let base = match transport::check_base_url(cfg.base_url.trim_end_matches('/')) {
        Ok(u) => u,
        Err(e) => return failed(cfg.base_url.clone(), ProxyInUse::direct(), steps, "URL", e),
    };
    let route = Route::new(&base, &cfg.proxy);
    let target = route.host.clone();
    let proxy = route.proxy.clone();
    let host = base
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_string();
    let port = base.port_or_known_default().unwrap_or(443);
    let via = transport::proxy_for(&cfg.proxy, &base);
    let (dial_host, dial_port) = match &via {
        Some((u, _)) => (
            u.host()
                .unwrap_or_default()
                .trim_matches(['[', ']'])
                .to_string(),
            u.port_u16().unwrap_or(if u.scheme_str() == Some("https") {
                443
            } else {
                80
            }),
        ),
        None => (host.clone(), port),
    };
    let to = cfg.connect_timeout;
    let proxy_err = |detail: String| ashby::Error::ProxyUnreachable {
        proxy: proxy.proxy.clone().unwrap_or_default(),
        detail,
    };

    // DNS (of the proxy when there is one: it resolves Ashby's name itself).
    let ips = match tokio::time::timeout(to, transport::resolve(&dial_host, dial_port)).await {
        Ok(Ok(ips)) if !ips.is_empty() => ips,
        other => {
            let why = match other {
                Ok(Err(e)) => e.to_string(),
                Err(_) => "no answer in time".to_string(),
                Ok(Ok(_)) => "no addresses".to_string(),
            };
            let e = if via.is_some() {
                proxy_err(format!("its name {dial_host} did not resolve: {why}"))
            } else {
                ashby::Error::Network(format!("{dial_host} did not resolve: {why}"))
            };
            return failed(target, proxy, steps, "DNS", e);
        }
    };
    let shown: Vec<String> = ips.iter().take(3).map(|ip| ip.to_string()).collect();
    steps.push(step(
        "DNS",
        true,
        format!("{dial_host} → {}", shown.join(", ")),
    ));

    // TCP
    let addr = std::net::SocketAddr::new(ips[0], dial_port);
    let mut tcp = match tokio::time::timeout(to, tokio::net::TcpStream::connect(addr)).await {
        Ok(Ok(s)) => s,
        other => {
            let why = match other {
                Ok(Err(e)) => e.to_string(),
                _ => "timed out".to_string(),
            };
            let e = if via.is_some() {
                proxy_err(format!("{addr}: {why}"))
            } else {
                ashby::Error::Network(format!("{addr}: {why}"))
            };
            return failed(target, proxy, steps, "TCP", e);
        }
    };
    steps.push(step("TCP", true, format!("connected to {addr}")));

    // The proxy's tunnel (HTTPS through a proxy is always CONNECT).
    if let (Some((_, auth)), "https") = (&via, base.scheme()) {
        match tunnel(&mut tcp, &target, auth.as_ref(), to).await {
            Ok(()) => steps.push(step("Proxy", true, format!("opened a tunnel to {target}"))),
            Err(status) => {
                let p = proxy.proxy.clone().unwrap_or_default();
                let e = match status {
                    407 => ashby::Error::ProxyAuth { proxy: p },
                    0 => proxy_err("it closed the connection".into()),
                    _ => ashby::Error::ProxyRefused {
                        proxy: p,
                        host: target.clone(),
                    },
                };
                let mut t = failed(target, proxy, steps, "Proxy", e);
                if status != 0 {
                    if let Some(s) = t.steps.last_mut() {
                        s.detail = format!("HTTP {status}: {}", s.detail);
                    }
                }
                return t;
            }
        }
    }

    // TLS, with the chain it was shown.
    if base.scheme() == "https" {
        let tls = match transport::tls_config(route.seen.clone(), &[b"http/1.1"]) {
            Ok(c) => c,
            Err(e) => return failed(target, proxy, steps, "TLS", e),
        };
        let name = match rustls::pki_types::ServerName::try_from(host.clone()) {
            Ok(n) => n,
            Err(e) => {
                return failed(
                    target,
                    proxy,
                    steps,
                    "TLS",
                    ashby::Error::Config(e.to_string()),
                )
            }
        };
        let connector = tokio_rustls::TlsConnector::from(Arc::new(tls));
        match tokio::time::timeout(to, connector.connect(name, tcp)).await {
            Ok(Ok(_)) => {
                let chain = route.seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
                let issuer = chain
                    .as_ref()
                    .and_then(|c| c.0.first())
                    .map_or("(unknown)".to_string(), |c| c.issuer.clone());
                steps.push(step(
                    "TLS",
                    true,
                    format!("certificate trusted; issued by {issuer}"),
                ));
            }
            Ok(Err(e)) => {
                let err = match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                    Some(t) => transport::tls_error(t, &route),
                    None => ashby::Error::Network(e.to_string()),
                };
                return failed(target, proxy, steps, "TLS", err);
            }
            Err(_) => return failed(target, proxy, steps, "TLS", ashby::Error::Timeout),
        }
    }

    // HTTP: what Ashby says to apiKey.info, through the app's own client.
    let builder = reqwest::Client::builder()
        .connect_timeout(to)
        .timeout(cfg.request_timeout.min(std::time::Duration::from_secs(30)))
        .redirect(reqwest::redirect::Policy::none());
    let http = match transport::http_client(builder, &cfg.proxy, &route) {
        Ok(h) => h,
        Err(e) => return failed(target, proxy, steps, "HTTP", e),
    };
    let mut req = http
        .post(format!(
            "{}/apiKey.info",
            base.as_str().trim_end_matches('/')
        ))
        .header("Ashby-Version", ashby::ASHBY_API_VERSION)
        .json(&serde_json::json!({}));
    if let Some(k) = key {
        req = req.basic_auth(k.expose(), Some(""));
    }
    match req.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp.bytes().await.unwrap_or_default();
            if let Some(e) = transport::not_ashby(status, &headers, &body, &route) {
                return failed(target, proxy, steps, "HTTP", e);
            }
            let what = match (status, key.is_some()) {
                (200, _) => "Ashby answered".to_string(),
                (401, false) => {
                    "Ashby answered (no key is saved yet, so none was sent)".to_string()
                }
                (401 | 403, true) => {
                    "Ashby answered, but rejected the key: check it under API key".to_string()
                }
                _ => "Ashby answered".to_string(),
            };
            steps.push(step(
                "HTTP",
                true,
                format!("HTTP {status} from apiKey.info: {what}"),
            ));
            ConnectionTest {
                target,
                proxy,
                ok: true,
                steps,
                problem: None,
            }
        }
        Err(e) => {
            let err = transport::classify_transport(&e, &route, key);
            failed(target, proxy, steps, "HTTP", err)
        }
    }
}

fn step(name: &str, ok: bool, detail: String) -> ConnectionStep {
    ConnectionStep {
        name: name.to_string(),
        ok,
        detail,
    }
}

fn failed(
    target: String,
    proxy: ProxyInUse,
    mut steps: Vec<ConnectionStep>,
    name: &str,
    e: ashby::Error,
) -> ConnectionTest {
    let problem = crate::setup::NetworkProblem::from_error(&e);
    steps.push(step(name, false, format!("failed ({})", e.code())));
    ConnectionTest {
        target,
        proxy,
        steps,
        ok: false,
        problem: Some(problem),
    }
}

/// Sends `CONNECT target` and reads the proxy's answer: `Err(status)` unless 200 (0: no answer).
async fn tunnel(
    tcp: &mut tokio::net::TcpStream,
    target: &str,
    auth: Option<&http::HeaderValue>,
    to: std::time::Duration,
) -> Result<(), u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut req = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(a) = auth.and_then(|a| a.to_str().ok()) {
        req.push_str(&format!("Proxy-Authorization: {a}\r\n"));
    }
    req.push_str("\r\n");
    tcp.write_all(req.as_bytes()).await.map_err(|_| 0u16)?;
    // Read the answer's head byte by byte, so nothing after it (the TLS handshake) is eaten.
    let mut head = Vec::new();
    let read = async {
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
            if tcp.read(&mut b).await.map_err(|_| 0u16)? == 0 {
                return Err(0u16);
            }
            head.push(b[0]);
        }
        Ok(())
    };
    tokio::time::timeout(to, read).await.map_err(|_| 0u16)??;
    let status: u16 = String::from_utf8_lossy(&head)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if status == 200 {
        Ok(())
    } else {
        Err(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ashby::ProxySource;
    use keyring_core::{mock, CredentialStore};

    fn fixture() -> (
        tempfile::TempDir,
        Store,
        ProxySettings,
        Arc<CredentialStore>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("c.sqlite3")).unwrap().store;
        let creds: Arc<CredentialStore> = mock::Store::new().unwrap();
        let c = creds.clone();
        let p = ProxySettings::with_vault(
            store.clone(),
            Arc::new(move || Vault::item_in_store(&c, "api-key.proxy")),
        );
        (dir, store, p, creds)
    }

    #[test]
    fn credentials_go_to_the_keychain_never_to_sqlite() {
        let (_d, store, p, creds) = fixture();
        assert_eq!(p.proxy_config().unwrap(), ProxyConfig::Automatic);
        p.set("http://alice:s3cr%40t@proxy.corp:3128").unwrap();
        let all = store.settings().unwrap();
        assert!(
            all.values()
                .all(|v| !v.contains("s3cr") && !v.contains("alice")),
            "{all:?}"
        );
        assert_eq!(
            all.get("proxy_url").map(String::as_str),
            Some("http://proxy.corp:3128")
        );
        let kept = Vault::item_in_store(&creds, "api-key.proxy")
            .unwrap()
            .get_text()
            .unwrap();
        assert_eq!(kept.as_deref(), Some("alice:s3cr%40t"));
        match p.proxy_config().unwrap() {
            ProxyConfig::Manual(u) => {
                assert_eq!(u.username(), "alice");
                assert_eq!(u.password(), Some("s3cr%40t"));
                assert_eq!(display_proxy(&u), "http://proxy.corp:3128");
            }
            other => panic!("{other:?}"),
        }
        let st = p.status("https://api.ashbyhq.com").unwrap();
        assert_eq!(st.manual.as_deref(), Some("http://proxy.corp:3128"));
        assert!(st.has_credentials);
        assert_eq!(st.in_use.source, ProxySource::Manual);

        // Without credentials the keychain item goes; empty goes back to automatic.
        p.set("proxy.corp:8080").unwrap();
        assert!(Vault::item_in_store(&creds, "api-key.proxy")
            .unwrap()
            .get_text()
            .unwrap()
            .is_none());
        assert!(!p.status("https://api.ashbyhq.com").unwrap().has_credentials);
        p.set("  ").unwrap();
        assert_eq!(p.proxy_config().unwrap(), ProxyConfig::Automatic);
        assert_eq!(p.status("https://x").unwrap().manual, None);
    }

    #[test]
    fn an_unusable_proxy_is_refused_with_what_to_do() {
        let (_d, _s, p, _c) = fixture();
        let e = p.set("http://wpad.corp/proxy.pac").unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidSetting);
        assert!(e.to_string().contains("PAC"), "{e}");
        assert_eq!(p.proxy_config().unwrap(), ProxyConfig::Automatic);
    }
}
