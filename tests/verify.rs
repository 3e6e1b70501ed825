//! Key verification against the fake Ashby server over real loopback HTTP. Retry waits go through
//! a `ManualClock`, so nothing sleeps.

use std::sync::Arc;

use ashby_sync_core::ashby::{ApiKey, Client, ClientConfig, ManualClock};
use ashby_sync_core::setup::{
    verification_config, verify_key, Access, Module, Outcome, Verification,
};
use fake_ashby::{FakeAshby, FakeConfig, Fault, KeySpec};

async fn fake() -> FakeAshby {
    FakeAshby::start(FakeConfig {
        jobs: 5,
        departments: 2,
        locations: 2,
        users: 3,
        ..FakeConfig::default()
    })
    .await
    .expect("fake Ashby starts")
}

fn client(base_url: &str, key: &str) -> (Client, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let cfg = verification_config(ClientConfig {
        clock: clock.clone(),
        ..ClientConfig::with_base_url(base_url)
    });
    let key = ApiKey::parse(key).unwrap();
    (Client::new(key, cfg).unwrap(), clock)
}

async fn verify(fake: &FakeAshby, key: &str) -> (Verification, Client) {
    let (c, _clock) = client(&fake.base_url(), key);
    let v = verify_key(&c).await.expect("verification runs");
    (v, c)
}

fn check(v: &Verification, m: Module) -> &ashby_sync_core::setup::ModuleCheck {
    v.modules.iter().find(|c| c.module == m).unwrap()
}

/// The probe endpoints, one per module.
const PROBES: [&str; 9] = [
    "apiKey.info",
    "job.list",
    "candidate.list",
    "interviewPlan.list",
    "archiveReason.list",
    "department.list",
    "offer.list",
    "approval.list",
    "report.synchronous",
];

#[tokio::test]
async fn full_read_key_reads_every_module() {
    let fake = fake().await;
    let key = fake.keys().full;
    let (v, c) = verify(&fake, &key).await;
    assert_eq!(v.outcome, Outcome::FullRead, "{v:#?}");
    assert!(v.valid && v.can_save);
    assert_eq!(v.title.as_deref(), Some("Ashby Sync (full read)"));
    assert!(v.created_at.is_some());
    assert!(v.scopes.contains(&"jobs:read".to_string()));
    assert!(v.write_scopes.is_empty());
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
    assert_eq!(v.modules.len(), 9);
    for m in &v.modules {
        assert_eq!(m.access, Access::Read, "{m:?}");
        assert!(m.fix.is_none());
    }
    // One call per module (apiKey.info doubles as the API Keys probe), Reports probed once.
    for ep in PROBES {
        assert_eq!(fake.count(ep), 1, "{ep}");
    }
    assert_eq!(c.request_count(), 9);
    assert!(c.max_in_flight() <= ashby_sync_core::setup::PROBE_CONCURRENCY);
    // The key never shows up in what the UI receives.
    assert!(!serde_json::to_string(&v).unwrap().contains(&key));
}

#[tokio::test]
async fn partial_key_lists_missing_modules_with_fixes_and_can_still_save() {
    let fake = fake().await;
    let (v, _) = verify(&fake, &fake.keys().partial).await;
    assert_eq!(v.outcome, Outcome::MissingModules, "{v:#?}");
    assert!(v.valid);
    assert!(v.can_save, "Jobs and Organization are readable");
    assert_eq!(
        v.missing(),
        vec![Module::Offers, Module::Approvals, Module::Reports]
    );
    for m in [Module::Offers, Module::Approvals, Module::Reports] {
        let fix = check(&v, m).fix.as_deref().unwrap();
        assert!(
            fix.contains("Admin → API Keys → your key → tick Read for"),
            "{fix}"
        );
        assert!(fix.contains(m.label()), "{fix}");
    }
    assert_eq!(
        check(&v, Module::Offers).fix.as_deref(),
        Some(
            "Ashby → Admin → API Keys → your key → tick Read for Offers, save, then verify again."
        )
    );
    for m in [
        Module::Jobs,
        Module::Candidates,
        Module::Interviews,
        Module::HiringProcessMetadata,
        Module::Organization,
        Module::ApiKeys,
    ] {
        assert_eq!(check(&v, m).access, Access::Read, "{m:?}");
    }
    assert!(v
        .warnings
        .iter()
        .any(|w| w.contains("Offers, Approvals and Reports")));
    assert!(v.write_scopes.is_empty());

    let cli = serde_json::to_value(v.to_cli()).unwrap();
    assert_eq!(cli["valid"], true);
    assert_eq!(cli["title"], "Ashby Sync (partial)");
    assert_eq!(cli["modules"]["offers"], "missing");
    assert_eq!(cli["modules"]["reports"], "missing");
    assert_eq!(cli["modules"]["hiringProcessMetadata"], "read");
    assert_eq!(cli["modules"].as_object().unwrap().len(), 9);
    assert_eq!(cli["writeScopes"], serde_json::json!([]));
}

#[tokio::test]
async fn write_scopes_are_a_warning() {
    let fake = fake().await;
    let (v, _) = verify(&fake, &fake.keys().write).await;
    assert_eq!(v.outcome, Outcome::FullRead, "{v:#?}");
    assert!(v.can_save);
    let mut ws = v.write_scopes.clone();
    ws.sort();
    assert_eq!(
        ws,
        vec!["candidates:write", "jobs:write", "organization:write"]
    );
    let warning = v
        .warnings
        .iter()
        .find(|w| w.contains("read-only"))
        .expect("write-access warning");
    // Module names a coordinator knows, not raw scope strings.
    assert!(
        warning.contains("Jobs, Candidates and Organization"),
        "{warning}"
    );
    assert!(!warning.contains("jobs:write"), "{warning}");
    assert_eq!(
        serde_json::to_value(v.to_cli()).unwrap()["writeScopes"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn revoked_key_is_invalid_and_nothing_else_is_probed() {
    let fake = fake().await;
    let (v, c) = verify(&fake, &fake.keys().revoked).await;
    assert_eq!(v.outcome, Outcome::InvalidKey, "{v:#?}");
    assert!(!v.valid && !v.can_save);
    assert!(v.message.contains("rejected"), "{}", v.message);
    assert!(v.title.is_none());
    assert_eq!(c.request_count(), 1);
    assert_eq!(fake.count("job.list"), 0);
    assert!(!v.to_cli().valid);
}

#[tokio::test]
async fn unknown_key_is_invalid() {
    let fake = fake().await;
    let (v, _) = verify(&fake, "not-a-real-key-0000").await;
    assert_eq!(v.outcome, Outcome::InvalidKey);
}

#[tokio::test]
async fn rate_limited_probe_is_unknown_not_missing() {
    let fake = fake().await;
    fake.push_fault(
        "offer.list",
        Fault::RateLimited {
            retry_after: Some(30),
            partner_scope: false,
        },
        1,
    );
    let (c, clock) = client(&fake.base_url(), &fake.keys().full);
    let v = verify_key(&c).await.unwrap();
    assert_eq!(v.outcome, Outcome::Incomplete, "{v:#?}");
    assert!(v.valid && v.can_save);
    let offers = check(&v, Module::Offers);
    assert_eq!(offers.access, Access::Unknown);
    assert!(offers.fix.is_none());
    assert!(offers.detail.as_deref().unwrap().contains("429"));
    assert!(v
        .warnings
        .iter()
        .any(|w| w.contains("Couldn't check Offers")));
    // Not waited out: the verdict comes at once and says to check again.
    assert_eq!(fake.count("offer.list"), 1);
    assert!(clock.sleeps().iter().all(|d| d.as_secs() < 30));
    assert_eq!(
        serde_json::to_value(v.to_cli()).unwrap()["modules"]["offers"],
        "unknown"
    );
}

#[tokio::test]
async fn server_errors_on_a_required_module_block_saving() {
    let fake = fake().await;
    // More failures than the one quick retry.
    fake.push_fault("department.list", Fault::Status(503), 5);
    let (v, _) = verify(&fake, &fake.keys().full).await;
    assert_eq!(v.outcome, Outcome::Incomplete, "{v:#?}");
    assert!(v.valid);
    assert!(!v.can_save, "Organization read is unproven");
    assert_eq!(check(&v, Module::Organization).access, Access::Unknown);
    assert!(v.message.contains("Organization"), "{}", v.message);
    assert_eq!(fake.count("department.list"), 2, "one quick retry");
}

#[tokio::test]
async fn transient_error_is_retried_once() {
    let fake = fake().await;
    fake.push_fault("job.list", Fault::Status(502), 1);
    let (v, _) = verify(&fake, &fake.keys().full).await;
    assert_eq!(v.outcome, Outcome::FullRead, "{v:#?}");
    assert_eq!(fake.count("job.list"), 2);
}

#[tokio::test]
async fn key_without_api_keys_read_is_still_checked() {
    let fake = fake().await;
    let modules: Vec<fake_ashby::Module> = fake_ashby::Module::ALL
        .iter()
        .copied()
        .filter(|m| *m != fake_ashby::Module::ApiKeys)
        .collect();
    let key = fake.add_key(KeySpec::read_only("No API keys read", &modules));
    let (v, _) = verify(&fake, &key).await;
    assert_eq!(v.outcome, Outcome::MissingModules, "{v:#?}");
    assert!(v.valid && v.can_save);
    assert_eq!(v.missing(), vec![Module::ApiKeys]);
    assert!(v.title.is_none(), "apiKey.info was refused");
    assert!(v.scopes.is_empty());
    assert_eq!(check(&v, Module::Reports).access, Access::Read);
}

#[tokio::test]
async fn key_without_jobs_read_cannot_be_saved() {
    let fake = fake().await;
    let modules: Vec<fake_ashby::Module> = fake_ashby::Module::ALL
        .iter()
        .copied()
        .filter(|m| *m != fake_ashby::Module::Jobs)
        .collect();
    let key = fake.add_key(KeySpec::read_only("No jobs", &modules));
    let (v, _) = verify(&fake, &key).await;
    assert_eq!(v.outcome, Outcome::MissingModules);
    assert!(v.valid);
    assert!(!v.can_save);
    assert!(v.message.contains("can't read Jobs"), "{}", v.message);
    assert!(check(&v, Module::Jobs).required);
}

#[tokio::test]
async fn unreachable_ashby_says_so_with_a_proxy_hint() {
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let (c, _clock) = client(&base, "some-key-123");
    let v = verify_key(&c).await.unwrap();
    assert_eq!(v.outcome, Outcome::Unreachable, "{v:#?}");
    assert!(!v.valid && !v.can_save);
    assert!(v.message.contains("couldn't reach Ashby"), "{}", v.message);
    assert!(v.message.contains("HTTPS_PROXY"), "{}", v.message);
    assert!(v.message.contains("127.0.0.1"), "{}", v.message);
    let n = v
        .network
        .as_ref()
        .expect("the wizard's inline network problem");
    assert_eq!(n.code, ashby_sync_core::error::ErrorCode::Network);
    assert!(n.it_details.is_none(), "nothing for IT in a plain outage");
    assert!(v.modules.iter().all(|m| m.access == Access::Unknown));
    assert_eq!(
        c.request_count(),
        2,
        "apiKey.info and its one retry, no probes"
    );
}

#[tokio::test]
async fn ashby_answering_only_errors_is_unverified() {
    let fake = fake().await;
    for ep in PROBES {
        fake.push_fault(ep, Fault::Status(500), 5);
    }
    let (v, _) = verify(&fake, &fake.keys().full).await;
    assert_eq!(v.outcome, Outcome::Unverified, "{v:#?}");
    assert!(!v.valid && !v.can_save);
    assert!(v.message.contains("HTTP 500"), "{}", v.message);
}
