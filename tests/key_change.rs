//! Key changes while a sync runs, and a keychain that does not answer: the real scheduler and
//! engine against the fake Ashby server over HTTP, real SQLite files. The keychain is keyring's
//! mock store (or a store that blocks, to stand for an unlock prompt nobody answers).

mod sync_support;

use ashby_sync_core::ashby::{ApiKey, Client, ClientConfig};
use ashby_sync_core::error::ErrorCode;
use ashby_sync_core::keys::KeyService;
use ashby_sync_core::setup::{self, Outcome};
use ashby_sync_core::store::{RunResult, ScheduleFacts, Store};
use ashby_sync_core::sync::{
    start_scheduler, ClientFactory, EngineConfig, EngineRunner, NoEvents, SchedulerConfig,
    SchedulerHandle,
};
use ashby_sync_core::vault::Vault;
use fake_ashby::{FakeAshby, FakeConfig};
use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{mock, CredentialStore, Entry};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use sync_support::*;

fn client_config(fake: &FakeAshby) -> ClientConfig {
    ClientConfig {
        rate_limit_per_minute: 0,
        ..ClientConfig::with_base_url(fake.base_url())
    }
}

struct App {
    _dir: tempfile::TempDir,
    db: PathBuf,
    store: Store,
    keys: KeyService,
    sched: SchedulerHandle,
}

/// The app's pieces: cache, key service (mock keychain holding `key`) and the scheduler, whose
/// client for each run comes from the key service; `base_for` picks the organisation's server.
fn app(
    key: &str,
    cfg: ClientConfig,
    base_for: impl Fn(&str) -> String + Send + Sync + 'static,
) -> App {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ashby-sync.sqlite3");
    let store = open_store(dir.path());
    let creds: Arc<CredentialStore> = mock::Store::new().unwrap();
    Vault::with_store(&creds)
        .unwrap()
        .set(&ApiKey::parse(key).unwrap())
        .unwrap();
    let keys = KeyService::with_vault(
        store.clone(),
        None,
        Arc::new(move || Vault::with_store(&creds)),
        cfg.clone(),
    );
    let for_clients = keys.clone();
    let clients: ClientFactory = Arc::new(move || {
        let Some((k, _)) = for_clients.current()? else {
            return Ok(None);
        };
        let base = base_for(k.expose());
        let cfg = ClientConfig {
            base_url: base,
            ..cfg.clone()
        };
        Ok(Some(
            Client::new(k, cfg).map_err(ashby_sync_core::keys::KeyError::from)?,
        ))
    });
    let runner = Arc::new(EngineRunner {
        store: store.clone(),
        clients,
        config: EngineConfig::default(),
    });
    let sched = start_scheduler(
        runner,
        Arc::new(NoEvents),
        ScheduleFacts::default(),
        SchedulerConfig {
            jitter: Duration::ZERO,
            ..SchedulerConfig::default()
        },
    );
    App {
        _dir: dir,
        db,
        store,
        keys,
        sched,
    }
}

async fn until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn file_contains(db: &Path, needle: &str) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        std::fs::read(PathBuf::from(p))
            .map(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
    })
}

/// "Remove key + delete cached jobs" while a slow sync is running: the sync is stopped first,
/// nothing is written back afterwards, no job rows, no sync tokens, no job text in the files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_key_and_delete_the_cache_during_a_slow_sync_leaves_nothing() {
    let fake = fake(200).await;
    fake.set_latency(Duration::from_millis(15));
    let base = fake.base_url();
    let a = app(&fake.keys().full, client_config(&fake), move |_| {
        base.clone()
    });
    // The startup run has committed some streams (jobs among them) and is still going.
    until("the jobs pass", || {
        a.store.status().unwrap().counts.jobs > 0
    })
    .await;
    assert!(
        a.sched.state().running.is_some(),
        "the sync is still running"
    );
    assert!(file_contains(&a.db, fake_ashby::CANARY_TITLE));

    a.keys
        .remove_with_sync_stopped(Some(&a.sched), true)
        .await
        .unwrap();
    let check = |what: &str| {
        let st = a.store.status().unwrap();
        assert_eq!(st.counts, Default::default(), "{what}: rows left");
        assert!(
            a.store.stream_states().unwrap().is_empty(),
            "{what}: sync state left"
        );
    };
    check("right after");
    assert_eq!(a.sched.state().running, None);
    // Long enough for the old run to have finished its postings had it not been stopped.
    tokio::time::sleep(Duration::from_secs(3)).await;
    check("later");
    assert!(
        !file_contains(&a.db, fake_ashby::CANARY_TITLE),
        "job text in the files"
    );
    let st = a.sched.state();
    assert!(st.paused_for_key);
    assert_eq!(st.next_run_at, None);
    let hist = a.store.sync_history(5).unwrap();
    assert_eq!(hist.len(), 1);
    assert_eq!(hist[0].error_code, Some(ErrorCode::Interrupted));
    assert!(!a.keys.stored().unwrap());
}

/// Replace key with another organisation's key (and "delete the old organisation's jobs") while
/// a sync with the old key runs: only the new organisation's jobs are left, synced at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replacing_the_key_with_another_orgs_during_a_sync_leaves_only_the_new_orgs_jobs() {
    let old = fake(200).await;
    old.set_latency(Duration::from_millis(15));
    let new = FakeAshby::start(FakeConfig {
        seed: 2,
        jobs: 30,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let new_key = new.keys().full;
    let (old_base, new_base) = (old.base_url(), new.base_url());
    let nk = new_key.clone();
    let a = app(&old.keys().full, client_config(&old), move |k| {
        if k == nk {
            new_base.clone()
        } else {
            old_base.clone()
        }
    });
    until("the old org's jobs", || {
        a.store.status().unwrap().counts.jobs > 0
    })
    .await;
    assert!(a.sched.state().running.is_some());

    let v = setup::verify_key(
        &Client::new(ApiKey::parse(&new_key).unwrap(), client_config(&new)).unwrap(),
    )
    .await
    .unwrap();
    assert!(v.can_save);
    a.keys
        .save_with_sync_stopped(Some(&a.sched), ApiKey::parse(&new_key).unwrap(), v, true)
        .await
        .unwrap();
    // The new key's sync started at once and finishes.
    // (The old key's run was cancelled, so the first summary is the new key's run.)
    until("the new key's sync", || {
        a.sched.state().last_summary.is_some()
    })
    .await;
    let summary = a.sched.state().last_summary.unwrap();
    assert_eq!(summary.result, RunResult::Ok, "{}", summary.one_line());
    snapshot(&a.db).assert_eq(&expected(&new.dataset(), true), "only the new org");
    // Nothing of the old organisation comes back later.
    tokio::time::sleep(Duration::from_secs(2)).await;
    snapshot(&a.db).assert_eq(&expected(&new.dataset(), true), "later");
    let hist = a.store.sync_history(5).unwrap();
    assert_eq!(hist[0].result, Some(RunResult::Ok));
    assert_eq!(hist[1].error_code, Some(ErrorCode::Interrupted));
}

/// Re-verifying a key that was revoked records the rejection without overwriting the last good
/// permission matrix, and marks the key rejected; a later good check replaces both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reverifying_a_revoked_key_keeps_the_last_good_matrix() {
    let fake = fake(10).await;
    let key = fake.keys().full;
    let base = fake.base_url();
    let a = app(&key, client_config(&fake), move |_| base.clone());
    let good = a.keys.verify(ApiKey::parse(&key).unwrap()).await.unwrap();
    assert_eq!(good.outcome, Outcome::FullRead);
    a.keys.record_reverification(&good).unwrap();
    assert_eq!(a.keys.last_verification().unwrap(), Some(good.clone()));

    fake.revoke_key(&key);
    let bad = a.keys.verify(ApiKey::parse(&key).unwrap()).await.unwrap();
    assert_eq!(bad.outcome, Outcome::InvalidKey);
    a.keys.record_reverification(&bad).unwrap();
    assert_eq!(
        a.keys.last_verification().unwrap(),
        Some(good.clone()),
        "kept"
    );
    assert_eq!(a.keys.last_failed_check().unwrap(), Some(bad));
    assert_eq!(
        a.store.key_invalid().unwrap().map(|k| k.code),
        Some(ErrorCode::InvalidKey)
    );
    // A good check afterwards replaces the verification and lifts both.
    a.keys.record_reverification(&good).unwrap();
    assert_eq!(a.keys.last_failed_check().unwrap(), None);
    assert!(a.store.key_invalid().unwrap().is_none());
    a.sched.shutdown().await;
}

/// A credential whose read blocks until `open` (an unlock prompt nobody answers).
#[derive(Debug, Default)]
struct Gate {
    open: Mutex<bool>,
    cv: Condvar,
    reads: AtomicUsize,
}

#[derive(Debug)]
struct BlockingCred(Arc<Gate>);

impl CredentialApi for BlockingCred {
    fn set_secret(&self, _: &[u8]) -> keyring_core::Result<()> {
        Ok(())
    }
    fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
        self.0.reads.fetch_add(1, Ordering::SeqCst);
        let mut open = self.0.open.lock().unwrap();
        while !*open {
            open = self.0.cv.wait(open).unwrap();
        }
        Ok(b"unlocked-key-123".to_vec())
    }
    fn delete_credential(&self) -> keyring_core::Result<()> {
        Ok(())
    }
    fn get_credential(&self) -> keyring_core::Result<Option<Arc<keyring_core::Credential>>> {
        Ok(None)
    }
    fn get_specifiers(&self) -> Option<(String, String)> {
        Some(("ashby-sync".into(), "test".into()))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[derive(Debug)]
struct BlockingStore(Arc<Gate>);

impl CredentialStoreApi for BlockingStore {
    fn vendor(&self) -> String {
        "test".into()
    }
    fn id(&self) -> String {
        "blocking".into()
    }
    fn build(
        &self,
        _service: &str,
        _user: &str,
        _mods: Option<&std::collections::HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        Ok(Entry::new_with_credential(Arc::new(BlockingCred(
            self.0.clone(),
        ))))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A keychain read that never answers times out into the "locked" state: the sync pauses with
/// that code instead of hanging (or prompting again at every back-off step). When the prompt is
/// finally answered, the same read delivers the key, which is then kept in memory: later runs
/// do not read the keychain again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keychain_read_that_never_answers_times_out_into_locked() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let gate = Arc::new(Gate::default());
    let creds: Arc<CredentialStore> = Arc::new(BlockingStore(gate.clone()));
    let keys = KeyService::with_vault(
        store.clone(),
        None,
        Arc::new(move || Vault::with_store(&creds)),
        ClientConfig::with_base_url("http://127.0.0.1:9"),
    )
    .with_read_timeout(Duration::from_millis(300));

    let k = keys.clone();
    let clients: ClientFactory = Arc::new(move || Ok(k.client()?));
    let runner = Arc::new(EngineRunner {
        store: store.clone(),
        clients,
        config: EngineConfig::default(),
    });
    let sched = start_scheduler(
        runner,
        Arc::new(NoEvents),
        ScheduleFacts::default(),
        SchedulerConfig {
            jitter: Duration::ZERO,
            ..SchedulerConfig::default()
        },
    );
    let t0 = Instant::now();
    until("the startup run", || sched.state().last_summary.is_some()).await;
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    let st = sched.state();
    let summary = st.last_summary.clone().unwrap();
    assert_eq!(summary.error_code, Some(ErrorCode::KeychainLocked));
    assert!(
        summary
            .error_message
            .as_deref()
            .unwrap_or("")
            .contains("keychain is locked"),
        "{summary:?}"
    );
    assert!(st.keychain_locked, "paused with the locked banner");
    assert_eq!(st.next_run_at, None);

    // Asking again waits on the same read: no second prompt.
    let k = keys.clone();
    let again = tokio::task::spawn_blocking(move || k.current())
        .await
        .unwrap();
    assert_eq!(
        ashby_sync_core::error::AppError::from(again.unwrap_err()).code(),
        ErrorCode::KeychainLocked
    );
    assert_eq!(gate.reads.load(Ordering::SeqCst), 1);

    // The user unlocks: the pending read answers, the key is kept in memory.
    *gate.open.lock().unwrap() = true;
    gate.cv.notify_all();
    for _ in 0..3 {
        let k = keys.clone();
        let got = tokio::task::spawn_blocking(move || k.current())
            .await
            .unwrap();
        assert_eq!(
            got.unwrap().map(|(k, _)| k),
            Some(ApiKey::parse("unlocked-key-123").unwrap())
        );
    }
    assert_eq!(
        gate.reads.load(Ordering::SeqCst),
        1,
        "read once, then from memory"
    );
    sched.shutdown().await;
}
