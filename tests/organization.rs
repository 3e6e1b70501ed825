//! Replace key: telling whether a new key reaches the organisation whose jobs are cached.

use ashby_sync_core::ashby::{ApiKey, Client, ClientConfig};
use ashby_sync_core::setup::same_organization;
use ashby_sync_core::store::{RunResult, Store, Trigger};
use ashby_sync_core::sync::sync_once;
use fake_ashby::{FakeAshby, FakeConfig};

fn client(fake: &FakeAshby) -> Client {
    let mut cfg = ClientConfig::with_base_url(fake.base_url());
    cfg.rate_limit_per_minute = 0;
    cfg.max_retries = 0;
    Client::new(ApiKey::parse(&fake.keys().full).unwrap(), cfg).unwrap()
}

#[tokio::test]
async fn same_organisation_is_recognised_and_another_one_is_not() {
    let ours = FakeAshby::start(FakeConfig {
        seed: 1,
        jobs: 30,
        ..Default::default()
    })
    .await
    .unwrap();
    let theirs = FakeAshby::start(FakeConfig {
        seed: 2,
        jobs: 30,
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cache.sqlite3"))
        .unwrap()
        .store;

    // Nothing cached yet: nothing to compare.
    assert_eq!(same_organization(&client(&ours), &store).await, None);

    let summary = sync_once(&client(&ours), &store, Trigger::Manual, false).await;
    assert_eq!(summary.result, RunResult::Ok, "{}", summary.one_line());

    assert_eq!(same_organization(&client(&ours), &store).await, Some(true));
    assert_eq!(
        same_organization(&client(&theirs), &store).await,
        Some(false)
    );

    // Ashby unreachable: unknown, not "different".
    let unreachable = client(&theirs);
    theirs.shutdown().await;
    assert_eq!(same_organization(&unreachable, &store).await, None);
    ours.shutdown().await;
}
