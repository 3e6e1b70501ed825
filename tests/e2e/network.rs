//! Issue: company networks. The wizard's Verify in the real window, against the HTTPS fake with a
//! private CA (first not trusted, then trusted once "IT installs the root", i.e. the CA is added
//! to the bundle `SSL_CERT_FILE` names), and behind a proxy that answers with a block page.

use crate::harness::{App, Desktop, Res};
use crate::T;
use fake_ashby::proxy::TestProxy;
use fake_ashby::tls::{ServerCert, TestCa};
use fake_ashby::{FakeAshby, FakeConfig};
use std::time::Duration;

const VERIFY_T: Duration = Duration::from_secs(30);

async fn to_key_step(app: &App) -> Res<()> {
    app.wait_for("[data-screen='wizard']", T).await?;
    for _ in 0..8 {
        if app.find("[data-step='pasteKey']").await.is_ok() {
            return Ok(());
        }
        app.click("[data-action='next']").await?;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    Err("never reached the key step".into())
}

/// The code of the network problem shown after Verify/Retry, once it shows `want`.
async fn wait_problem(app: &App, want: &str) -> Res<String> {
    let sel = format!("[data-testid='network-problem'][data-code='{want}']");
    app.wait_for(&sel, VERIFY_T).await?;
    app.text(&sel).await
}

async fn wait_outcome(app: &App, want: &str) -> Res<()> {
    app.wait_for(
        &format!("[data-testid='verification'][data-outcome='{want}']"),
        VERIFY_T,
    )
    .await
    .map(|_| ())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_says_what_the_network_did_and_passes_once_it_is_fixed() {
    let desk = Desktop::start();

    // 1. HTTPS with a private CA the system bundle does not hold.
    let ca = TestCa::new("Example Corp Inspection Root").expect("CA");
    let id = ca.issue(&ServerCert::default()).expect("cert");
    let fake = FakeAshby::start_tls(
        FakeConfig {
            jobs: 20,
            ..Default::default()
        },
        &id,
    )
    .await
    .expect("fake");
    let bundle = desk.tmp.path().join("trust.pem");
    let system = std::fs::read_to_string("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    std::fs::write(&bundle, &system).expect("bundle");
    let no_dir = desk.tmp.path().join("no-certs");
    std::fs::create_dir_all(&no_dir).expect("dir");
    let bundle_s = bundle.display().to_string();
    let dir_s = no_dir.display().to_string();
    let base = fake.base_url();
    let env = [
        ("ASHBY_API_BASE_URL", base.as_str()),
        ("SSL_CERT_FILE", bundle_s.as_str()),
        ("SSL_CERT_DIR", dir_s.as_str()),
    ];
    let mut app = App::launch(&desk, "network-cert", &env).await;
    let key = fake.keys().full;
    let r: Res<()> = async {
        to_key_step(&app).await?;
        app.type_into("#api-key", &key).await?;
        app.click("[data-action='verify']").await?;
        let text = wait_problem(&app, "certificate_untrusted").await?;
        assert!(text.contains("inspects secure connections"), "{text}");
        assert!(text.contains("Example Corp Inspection Root"), "{text}");
        app.wait_for("[data-action='copy-it-details']", T).await?;
        app.wait_for("[data-action='retry']", T).await?;
        // The key step is still open and nothing claims the key is bad.
        let outcome = app
            .eval("return document.querySelector(\"[data-testid='verification']\").dataset.outcome")
            .await?;
        assert_eq!(outcome, "unreachable");
        app.screenshot("certificate-not-trusted").await?;

        // IT installs the root: the next Retry trusts it.
        let mut with_ca = system.clone();
        with_ca.push('\n');
        with_ca.push_str(ca.pem());
        std::fs::write(&bundle, with_ca).map_err(|e| e.to_string())?;
        app.click("[data-action='retry']").await?;
        wait_outcome(&app, "fullRead").await?;
        app.screenshot("certificate-trusted").await?;
        Ok(())
    }
    .await;
    let _ = app.screenshot("final").await;
    app.quit().await;
    fake.shutdown().await;
    r.unwrap();

    // 2. A proxy that answers with a web filter's block page.
    let fake = FakeAshby::start(FakeConfig {
        jobs: 20,
        ..Default::default()
    })
    .await
    .expect("fake");
    let proxy = TestProxy::start().await.expect("proxy");
    proxy.block_next(1000, 403);
    let base = fake.base_url();
    let purl = proxy.url();
    // Set in Settings → Proxy before (an `http_proxy` variable would also catch the WebDriver's
    // own connection to the window).
    {
        std::fs::create_dir_all(&desk.data_dir).expect("data dir");
        let store = ashby_sync::store::Store::open(&desk.data_dir.join("ashby-sync.sqlite3"))
            .expect("cache")
            .store;
        ashby_sync::network::ProxySettings::new(store, "unused")
            .set(&purl)
            .expect("proxy set");
    }
    let env = [("ASHBY_API_BASE_URL", base.as_str())];
    let mut app = App::launch(&desk, "network-blocked", &env).await;
    let key = fake.keys().full;
    let r: Res<()> = async {
        to_key_step(&app).await?;
        app.type_into("#api-key", &key).await?;
        app.click("[data-action='verify']").await?;
        let text = wait_problem(&app, "blocked_by_network").await?;
        assert!(text.contains("blocked"), "{text}");
        assert!(text.contains("not affected"), "{text}");
        assert!(!text.contains("rejected"), "{text}");
        // The inline proxy settings say which proxy is in use.
        app.click("[data-testid='wizard-proxy'] summary").await?;
        app.wait_text("[data-testid='proxy-in-use']", &purl, T)
            .await?;
        app.screenshot("blocked-by-network").await?;
        proxy.block_next(0, 403);
        app.click("[data-action='retry']").await?;
        wait_outcome(&app, "fullRead").await?;
        Ok(())
    }
    .await;
    let _ = app.screenshot("final").await;
    app.quit().await;
    fake.shutdown().await;
    r.unwrap();
    assert!(
        proxy.records().iter().any(|r| r.answered == 403),
        "the block page was served"
    );
}
