//! Company networks, with real parts over loopback: the fake Ashby server over HTTPS with a
//! certificate from a CA made up here (trusted only through `SSL_CERT_FILE`, as the OS store is
//! read on Linux), the test CONNECT proxy in front of it, block pages, proxy credentials.

mod sync_support;

use ashby_sync_core::ashby::transport::parse_proxy;
use ashby_sync_core::ashby::{ApiKey, Client, ClientConfig, Error, ManualClock, ProxyConfig};
use ashby_sync_core::error::ErrorCode;
use ashby_sync_core::keys::KeyService;
use ashby_sync_core::network::{test_connection, ProxySettings};
use ashby_sync_core::setup::Outcome;
use ashby_sync_core::store::{RunResult, Trigger};
use ashby_sync_core::sync::{next_due, Engine, NoProgress, DEFAULT_BACKOFF, DEFAULT_INTERVAL};
use ashby_sync_core::vault::Vault;
use fake_ashby::proxy::TestProxy;
use fake_ashby::tls::{ServerCert, TestCa};
use fake_ashby::{FakeAshby, FakeConfig};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use sync_support::*;

/// The CA this test process trusts, and nothing else: `SSL_CERT_FILE` names only it and
/// `SSL_CERT_DIR` an empty directory (set once, before any client reads them).
struct Trust {
    ca: TestCa,
    _dir: tempfile::TempDir,
}

fn trusted() -> &'static TestCa {
    static TRUST: OnceLock<Trust> = OnceLock::new();
    &TRUST
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let ca = TestCa::new("Ashby Sync Test Inspection Root").unwrap();
            let file: PathBuf = dir.path().join("ca.pem");
            ca.write_pem(&file).unwrap();
            let empty = dir.path().join("certs");
            std::fs::create_dir(&empty).unwrap();
            // Rust's env lock guards these against the verifier's own reads.
            std::env::set_var("SSL_CERT_FILE", &file);
            std::env::set_var("SSL_CERT_DIR", &empty);
            for v in [
                "HTTPS_PROXY",
                "https_proxy",
                "HTTP_PROXY",
                "http_proxy",
                "ALL_PROXY",
                "all_proxy",
            ] {
                std::env::remove_var(v);
            }
            Trust { ca, _dir: dir }
        })
        .ca
}

async fn https_fake(ca: &TestCa, cert: ServerCert, jobs: usize) -> FakeAshby {
    let id = ca.issue(&cert).unwrap();
    FakeAshby::start_tls(
        FakeConfig {
            jobs,
            departments: 24,
            locations: 16,
            users: 60,
            ..FakeConfig::default()
        },
        &id,
    )
    .await
    .unwrap()
}

fn config(base_url: &str, proxy: Option<&TestProxy>) -> ClientConfig {
    ClientConfig {
        rate_limit_per_minute: 0,
        concurrency: 4,
        request_timeout: Duration::from_secs(20),
        clock: Arc::new(ManualClock::new()),
        proxy: proxy.map_or(ProxyConfig::Automatic, |p| {
            ProxyConfig::Manual(parse_proxy(&p.url()).unwrap())
        }),
        ..ClientConfig::with_base_url(base_url)
    }
}

fn client(fake: &FakeAshby, proxy: Option<&TestProxy>) -> Client {
    Client::new(
        ApiKey::parse(&fake.keys().full).unwrap(),
        config(&fake.base_url(), proxy),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_private_ca_is_trusted_only_when_it_is_in_the_trust_store() {
    let ca = trusted();
    let fake = https_fake(ca, ServerCert::default(), 5).await;
    assert!(fake.base_url().starts_with("https://127.0.0.1:"));
    let info = client(&fake, None).api_key_info().await.unwrap();
    assert!(info.title.is_some());

    // A CA the store does not hold: what a TLS-inspecting proxy without its root installed looks like.
    let other = TestCa::new("Corp Web Gateway Root").unwrap();
    let untrusted = https_fake(&other, ServerCert::default(), 5).await;
    let c = client(&untrusted, None);
    let e = c.api_key_info().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::CertificateUntrusted, "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("inspects secure connections"), "{msg}");
    assert!(
        msg.contains("Corp Web Gateway Root"),
        "names the issuer: {msg}"
    );
    assert!(!e.is_retryable());
    assert_eq!(c.request_count(), 1, "a certificate error is not retried");
    let it = ashby_sync_core::ashby::transport::it_details(&e).unwrap();
    assert!(it.contains("127.0.0.1:"), "{it}");
    assert!(it.contains("CN=Corp Web Gateway Root"), "{it}");
    assert!(it.contains("CN=127.0.0.1"), "leaf subject: {it}");
    assert!(!it.contains(&untrusted.keys().full), "never the key");
    // Nothing reached the server: the key never left.
    assert!(untrusted.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_and_wrong_host_certificates_have_their_own_codes() {
    let ca = trusted();
    let expired = https_fake(
        ca,
        ServerCert {
            expired: true,
            ..ServerCert::default()
        },
        3,
    )
    .await;
    let e = client(&expired, None).api_key_info().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::CertificateExpired, "{e:?}");
    assert!(e.to_string().contains("date and time"), "{e}");

    let wrong = https_fake(
        ca,
        ServerCert {
            names: vec!["intranet.example".into()],
            expired: false,
        },
        3,
    )
    .await;
    let e = client(&wrong, None).api_key_info().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::CertificateWrongHost, "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_through_the_connect_proxy_is_exact() {
    let ca = trusted();
    let fake = https_fake(ca, ServerCert::default(), 60).await;
    let proxy = TestProxy::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let c = client(&fake, Some(&proxy));
    assert_eq!(
        c.proxy_in_use().proxy.as_deref(),
        Some(proxy.url().as_str())
    );
    let s = Engine::new(c, store.clone())
        .run(Trigger::Manual, false, &NoProgress)
        .await;
    assert_eq!(s.result, RunResult::Ok, "{s:?}");
    snapshot(&dir.path().join("ashby-sync.sqlite3"))
        .assert_eq(&expected(&fake.dataset(), true), "through the proxy");
    let tunnels = proxy.tunnels();
    assert!(!tunnels.is_empty(), "no tunnel was opened");
    let target = fake.addr().to_string();
    assert!(tunnels.iter().all(|t| *t == target), "{tunnels:?}");
    assert!(
        proxy.records().iter().all(|r| r.method == "CONNECT"),
        "HTTPS goes only through tunnels"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_refusals_name_the_proxy() {
    let ca = trusted();
    let fake = https_fake(ca, ServerCert::default(), 3).await;

    let proxy = TestProxy::start().await.unwrap();
    proxy.require_auth("alice", "s3cret");
    let c = client(&fake, Some(&proxy));
    let e = c.api_key_info().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ProxyAuthRequired, "{e:?}");
    assert!(e.to_string().contains(&proxy.url()), "{e}");
    assert_eq!(c.request_count(), 1, "407 is not retried");

    let proxy = TestProxy::start().await.unwrap();
    proxy.refuse_connect(true);
    let e = client(&fake, Some(&proxy))
        .api_key_info()
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ProxyRefused, "{e:?}");
    assert!(e.to_string().contains(&proxy.url()), "{e}");

    // A proxy nobody listens on.
    let gone = {
        let p = TestProxy::start().await.unwrap();
        p.url()
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let cfg = ClientConfig {
        max_retries: 1,
        proxy: ProxyConfig::Manual(parse_proxy(&gone).unwrap()),
        ..config(&fake.base_url(), None)
    };
    let c = Client::new(ApiKey::parse(&fake.keys().full).unwrap(), cfg).unwrap();
    let e = c.api_key_info().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ProxyUnreachable, "{e:?}");
    assert!(e.to_string().contains(&gone), "{e}");
    assert!(e.is_retryable());
    assert_eq!(c.request_count(), 2, "retried once, as a network error is");
}

/// The proxy set in Settings, with credentials from the keychain, is what the key service's
/// clients (Verify and every sync) use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_set_in_settings_reach_the_proxy() {
    let ca = trusted();
    let fake = https_fake(ca, ServerCert::default(), 10).await;
    let proxy = TestProxy::start().await.unwrap();
    proxy.require_auth("alice", "s3cr@t");
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let creds: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let (c1, c2) = (creds.clone(), creds.clone());
    let keys = KeyService::with_vault(
        store.clone(),
        None,
        Arc::new(move || Vault::with_store(&c1)),
        config(&fake.base_url(), None),
    )
    .with_proxy(ProxySettings::with_vault(
        store.clone(),
        Arc::new(move || Vault::item_in_store(&c2, "api-key.proxy")),
    ));
    let addr = proxy.addr();
    keys.proxy()
        .set(&format!("http://alice:s3cr%40t@{addr}"))
        .unwrap();

    let v = keys
        .verify(ApiKey::parse(&fake.keys().full).unwrap())
        .await
        .unwrap();
    assert_eq!(v.outcome, Outcome::FullRead, "{v:?}");
    let recs = proxy.records();
    assert!(!recs.is_empty());
    assert!(
        recs.iter()
            .all(|r| r.credentials.as_deref() == Some("alice:s3cr@t") && r.answered == 0),
        "{recs:?}"
    );
    // The cache holds the address only.
    for (k, v) in store.settings().unwrap() {
        assert!(!v.contains("s3cr"), "{k} = {v}");
    }

    // Without the password the proxy answers 407, and Verify says so (not "key invalid").
    keys.proxy().set(&format!("http://{addr}")).unwrap();
    let v = keys
        .verify(ApiKey::parse(&fake.keys().full).unwrap())
        .await
        .unwrap();
    assert_eq!(v.outcome, Outcome::Unreachable);
    assert!(!v.valid);
    let n = v.network.expect("network problem");
    assert_eq!(n.code, ErrorCode::ProxyAuthRequired);
    assert!(n.it_details.unwrap().contains(&addr.to_string()));

    // The connection test goes the same way and says which step failed.
    let t = test_connection(&keys.client_config().unwrap(), None).await;
    assert!(!t.ok);
    let last = t.steps.last().unwrap();
    assert_eq!(last.name, "Proxy", "{t:?}");
    assert!(last.detail.contains("407"), "{t:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_test_reports_each_step() {
    let ca = trusted();
    let fake = https_fake(ca, ServerCert::default(), 3).await;
    let proxy = TestProxy::start().await.unwrap();
    let key = ApiKey::parse(&fake.keys().full).unwrap();
    let t = test_connection(&config(&fake.base_url(), Some(&proxy)), Some(&key)).await;
    assert!(t.ok, "{t:?}");
    let names: Vec<&str> = t.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["DNS", "TCP", "Proxy", "TLS", "HTTP"]);
    let tls = &t.steps[3];
    assert!(
        tls.detail.contains("CN=Ashby Sync Test Inspection Root"),
        "{tls:?}"
    );
    assert!(t.steps[4].detail.starts_with("HTTP 200"), "{t:?}");
    assert_eq!(t.proxy.proxy.as_deref(), Some(proxy.url().as_str()));

    // Untrusted: the TLS step fails with the certificate code and the chain for IT.
    let other = TestCa::new("Corp Web Gateway Root").unwrap();
    let untrusted = https_fake(&other, ServerCert::default(), 3).await;
    let t = test_connection(&config(&untrusted.base_url(), None), None).await;
    assert!(!t.ok);
    assert_eq!(t.steps.last().unwrap().name, "TLS");
    let p = t.problem.unwrap();
    assert_eq!(p.code, ErrorCode::CertificateUntrusted);
    assert!(p.it_details.unwrap().contains("Corp Web Gateway Root"));
}

/// A web filter answering with an HTML page is "blocked by your network", never "key revoked":
/// the key stays trusted, nothing is cleared, and the next sync is scheduled as after any failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_page_leaves_the_key_trusted_and_the_schedule_running() {
    trusted();
    let fake = fake(30).await; // plain http on loopback: the proxy sees (and can block) each request
    let proxy = TestProxy::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let db = dir.path().join("ashby-sync.sqlite3");
    let engine = Engine::new(client(&fake, Some(&proxy)), store.clone());
    assert_eq!(
        engine.run(Trigger::Manual, false, &NoProgress).await.result,
        RunResult::Ok
    );
    let before = snapshot(&db);

    for status in [403, 200] {
        proxy.block_next(1, status);
        let s = engine.run(Trigger::Schedule, false, &NoProgress).await;
        assert_ne!(s.result, RunResult::Ok, "{s:?}");
        assert!(!s.needs_key, "{s:?}");
        let codes: Vec<_> = s
            .streams
            .iter()
            .filter_map(|st| st.error_code)
            .chain(s.error_code)
            .collect();
        assert!(codes.contains(&ErrorCode::BlockedByNetwork), "{s:?}");
        let msg = s.error_message.clone().unwrap_or_default();
        assert!(msg.contains("blocked"), "{msg}");
        assert!(!msg.contains("rejected"), "{msg}");
        assert_eq!(store.key_invalid().unwrap(), None, "the key stays trusted");
        let facts = store.schedule_facts().unwrap();
        assert!(!facts.key_invalid);
        let due = next_due(&facts, DEFAULT_INTERVAL, &DEFAULT_BACKOFF).expect("still scheduled");
        let last = facts.last_finished_at.unwrap();
        assert!(
            due > last && due <= last + chrono::Duration::hours(2),
            "{due} after {last}"
        );
        snapshot(&db).assert_eq(&before, "nothing cleared");
    }
    let blocked = proxy.records().iter().filter(|r| r.answered != 0).count();
    assert_eq!(blocked, 2);

    // The next run goes through and is exact.
    let s = engine.run(Trigger::Schedule, false, &NoProgress).await;
    assert_eq!(s.result, RunResult::Ok, "{s:?}");
    snapshot(&db).assert_eq(&expected(&fake.dataset(), true), "after the block");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_refused_beyond_loopback() {
    let e = Client::new(
        ApiKey::parse("k-123").unwrap(),
        ClientConfig::with_base_url("http://api.ashbyhq.com"),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InsecureBaseUrl);
    assert!(matches!(e, Error::InsecureUrl { .. }));
}
