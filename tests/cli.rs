//! The headless CLI (the real binary) against the fake Ashby server: output and exit codes.

mod sync_support;

use ashby_sync_core::store::sanitize_description_html;
use fake_ashby::{FakeAshby, KeySpec, Module};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Output;
use sync_support::*;

struct Cli {
    data: tempfile::TempDir,
    base_url: String,
}

impl Cli {
    fn new(fake: &FakeAshby) -> Cli {
        Cli {
            data: tempfile::tempdir().unwrap(),
            base_url: fake.base_url(),
        }
    }

    /// Runs `ashby-sync <args>` with `key` as ASHBY_API_KEY (or none). The keychain is made
    /// unreachable so a developer's real keychain is never touched.
    async fn run(&self, key: Option<&str>, args: &[&str]) -> Output {
        self.run_with(key, &[], args).await
    }

    /// Like [`run`](Self::run), with more environment variables (set after the defaults).
    async fn run_with(&self, key: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Output {
        self.command(key, env, args)
            .output()
            .await
            .expect("binary runs")
    }

    /// Starts `ashby-sync <args>` without waiting for it (output captured).
    fn spawn(&self, key: Option<&str>, args: &[&str]) -> tokio::process::Child {
        self.command(key, &[], args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("binary starts")
    }

    fn db(&self) -> std::path::PathBuf {
        self.data.path().join("ashby-sync.sqlite3")
    }

    fn command(
        &self,
        key: Option<&str>,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_ashby-sync"));
        cmd.args(args)
            .env("ASHBY_API_BASE_URL", &self.base_url)
            .env("ASHBY_SYNC_DATA_DIR", self.data.path())
            .env("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", "0")
            .env("HOME", self.data.path())
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/ashby-sync-test-bus",
            )
            .env_remove("ASHBY_SYNC_LOG")
            .env_remove("ASHBY_API_KEY")
            // No window can open: a launch without a command fails on the terminal.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        for v in [
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            cmd.env_remove(v);
        }
        if let Some(k) = key {
            cmd.env("ASHBY_API_KEY", k);
        }
        cmd.envs(env.iter().copied()).kill_on_drop(true);
        cmd
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_jobs_and_status() {
    let fake = fake(40).await;
    let key = fake.keys().full;
    let cli = Cli::new(&fake);

    let o = cli.run(Some(&key), &["status", "--json"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let st = json(&o);
    assert_eq!(st["keyPresent"], true);
    assert_eq!(st["keySource"], "env");
    assert!(st["lastSync"].is_null());
    assert_eq!(st["counts"]["jobs"], 0);
    assert!(st["nextSyncAt"].is_string(), "never synced → due now");

    let o = cli.run(Some(&key), &["sync"]).await;
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "one summary line: {out}");
    assert!(out.starts_with("sync ok"), "{out}");
    assert!(out.contains("jobs +40"), "{out}");

    let o = cli.run(Some(&key), &["sync", "--full"]).await;
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).contains("jobs +0 ~0 -0 (full)"),
        "{}",
        stdout(&o)
    );

    // The JSON listing equals the fake's data (all statuses by default).
    let ds = fake.dataset();
    let o = cli.run(Some(&key), &["jobs", "--json"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let jobs = json(&o);
    let jobs = jobs.as_array().unwrap();
    assert_eq!(jobs.len(), ds.jobs.len());
    let by_id: BTreeMap<&str, &Value> = jobs
        .iter()
        .map(|j| (j["id"].as_str().unwrap(), j))
        .collect();
    for j in &ds.jobs {
        let got = by_id[j.id.as_str()];
        assert_eq!(got["title"], j.title);
        assert_eq!(got["status"], j.status.as_str());
        assert_eq!(
            got["employmentType"],
            serde_json::to_value(j.employment_type).unwrap()
        );
        assert_eq!(got["updatedAt"], j.updated_at);
        let dept = j
            .department_id
            .as_ref()
            .and_then(|d| ds.department(d))
            .map(|d| d.name.clone());
        assert_eq!(got["department"], serde_json::to_value(dept).unwrap());
        let loc = j
            .location_id
            .as_ref()
            .and_then(|l| ds.location(l))
            .map(|l| l.name.clone());
        assert_eq!(got["location"], serde_json::to_value(loc).unwrap());
        let team: Vec<Value> = j
            .hiring_team
            .iter()
            .map(|m| serde_json::json!({"name": format!("{} {}", m.first_name, m.last_name), "role": m.role}))
            .collect();
        assert_eq!(got["hiringTeam"], Value::Array(team));
        let mut want: Vec<Value> = ds
            .postings
            .iter()
            .filter(|p| p.job_id == j.id && p.is_published && !p.is_deleted)
            .map(|p| {
                serde_json::json!({"id": p.id, "title": p.title, "isListed": p.is_listed,
                                   "descriptionHtml": sanitize_description_html(&p.description_html)})
            })
            .collect();
        let mut have = got["postings"].as_array().unwrap().clone();
        let key = |v: &Value| v["id"].as_str().unwrap().to_string();
        want.sort_by_key(key);
        have.sort_by_key(key);
        assert_eq!(have, want, "postings of {}", j.id);
    }
    let canary = ds
        .jobs
        .iter()
        .find(|j| j.title == fake_ashby::CANARY_TITLE)
        .unwrap();
    let html = by_id[canary.id.as_str()]["postings"][0]["descriptionHtml"]
        .as_str()
        .unwrap();
    assert!(!html.contains("<script") && !html.contains("javascript:") && !html.contains("<img"));

    let o = cli
        .run(None, &["jobs", "--json", "--status", "Open,closed"])
        .await;
    assert_eq!(code(&o), 0, "works offline, without a key: {}", stderr(&o));
    let filtered = json(&o);
    let want = ds
        .jobs
        .iter()
        .filter(|j| matches!(j.status.as_str(), "Open" | "Closed"))
        .count();
    assert_eq!(filtered.as_array().unwrap().len(), want);
    assert!(filtered
        .as_array()
        .unwrap()
        .iter()
        .all(|j| j["status"] == "Open" || j["status"] == "Closed"));

    let o = cli
        .run(None, &["jobs", "--json", "--search", "rust engineer"])
        .await;
    let found = json(&o);
    assert!(found
        .as_array()
        .unwrap()
        .iter()
        .any(|j| j["id"] == canary.id.as_str()));

    let o = cli.run(None, &["jobs"]).await;
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    assert_eq!(
        text.lines().last().unwrap(),
        format!("{} jobs", ds.jobs.len())
    );
    assert!(text.contains("Senior Rust Engineer"));

    let o = cli.run(None, &["jobs", "--status", "Open,Bogus"]).await;
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("Unknown status \"Bogus\""),
        "{}",
        stderr(&o)
    );

    let o = cli.run(Some(&key), &["status", "--json"]).await;
    let st = json(&o);
    assert_eq!(st["lastSync"]["result"], "ok");
    assert_eq!(st["lastSync"]["trigger"], "cli");
    assert_eq!(st["counts"]["jobs"], ds.jobs.len());
    assert!(st["nextSyncAt"].as_str().unwrap() > st["lastSuccessAt"].as_str().unwrap());

    let o = cli.run(Some(&key), &["status"]).await;
    let text = stdout(&o);
    assert!(
        text.contains("Key:        present (from ASHBY_API_KEY"),
        "{text}"
    );
    assert!(text.contains("— ok (cli)"), "{text}");
    assert!(
        text.contains(&format!("Cached:     {} jobs", ds.jobs.len())),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_exit_codes_partial_and_failed() {
    let fake = fake(20).await;
    let cli = Cli::new(&fake);
    let jobs_only = fake.add_key(KeySpec::read_only(
        "Jobs only",
        &[Module::Jobs, Module::ApiKeys],
    ));
    let o = cli.run(Some(&jobs_only), &["sync"]).await;
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stdout(&o).starts_with("sync partial"), "{}", stdout(&o));
    assert!(stdout(&o).contains("Organization"), "{}", stdout(&o));

    let revoked = fake.keys().revoked;
    let o = cli.run(Some(&revoked), &["sync"]).await;
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).starts_with("sync failed"), "{}", stdout(&o));
    assert!(stdout(&o).contains("invalid_key"));
    let st = json(&cli.run(Some(&revoked), &["status", "--json"]).await);
    assert_eq!(st["keyInvalid"]["code"], "invalid_key");

    let o = cli.run(Some("has a space"), &["sync"]).await;
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("ASHBY_API_KEY"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("has a space"), "never echo the key");

    // No key at all (and no keychain reachable).
    let o = cli.run(None, &["sync"]).await;
    assert_eq!(code(&o), 1);
    let st = json(&cli.run(None, &["status", "--json"]).await);
    assert_eq!(st["keyPresent"], false);
    assert!(st["nextSyncAt"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_verify_reports_the_permission_matrix() {
    let fake = fake(5).await;
    let cli = Cli::new(&fake);
    let keys = fake.keys();

    let o = cli
        .run(Some(&keys.full), &["key", "verify", "--json"])
        .await;
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let v = json(&o);
    assert_eq!(v["valid"], true);
    assert!(v["title"].is_string());
    let modules = v["modules"].as_object().unwrap();
    assert_eq!(modules.len(), 9);
    for m in [
        "jobs",
        "candidates",
        "interviews",
        "hiringProcessMetadata",
        "organization",
        "offers",
        "apiKeys",
        "approvals",
        "reports",
    ] {
        assert_eq!(modules[m], "read", "{m}: {v}");
    }
    assert_eq!(v["writeScopes"], serde_json::json!([]));

    let o = cli
        .run(Some(&keys.partial), &["key", "verify", "--json"])
        .await;
    assert_eq!(code(&o), 2);
    let v = json(&o);
    assert_eq!(v["valid"], true);
    assert_eq!(v["modules"]["offers"], "missing");
    assert_eq!(v["modules"]["jobs"], "read");

    let o = cli
        .run(Some(&keys.write), &["key", "verify", "--json"])
        .await;
    let v = json(&o);
    assert!(!v["writeScopes"].as_array().unwrap().is_empty());

    let o = cli
        .run(Some(&keys.revoked), &["key", "verify", "--json"])
        .await;
    assert_eq!(code(&o), 1);
    assert_eq!(json(&o)["valid"], false);

    let o = cli.run(Some(&keys.partial), &["key", "verify"]).await;
    let text = stdout(&o);
    assert!(
        text.contains("Offers") && text.contains("MISSING"),
        "{text}"
    );
    assert!(text.contains("(needed for sync)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_has_help() {
    let fake = fake(1).await;
    let cli = Cli::new(&fake);
    for args in [
        vec!["--help"],
        vec!["sync", "--help"],
        vec!["jobs", "--help"],
        vec!["key", "--help"],
        vec!["key", "verify", "--help"],
        vec!["status", "--help"],
    ] {
        let o = cli.run(None, &args).await;
        assert_eq!(code(&o), 0, "{args:?}");
        assert!(stdout(&o).contains("Usage:"), "{args:?}: {}", stdout(&o));
    }
    assert_eq!(fake.count("*"), 0, "help never calls Ashby");
}

/// A malformed `ASHBY_API_KEY` is rejected before any command runs, with the message the window
/// prints too (both parse the environment through `Settings`), even by commands that need no key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_env_key_is_rejected_with_the_settings_message() {
    let fake = fake(1).await;
    let cli = Cli::new(&fake);
    let expected =
        "Error (key_malformed): ASHBY_API_KEY: That does not look like an Ashby API key: \
         it contains spaces or line breaks in the middle. Copy the key again from Ashby and paste \
         only the key. Fix the value of ASHBY_API_KEY, or unset it to use the key stored in the \
         keychain.";
    // No command = the window: it shows the message on its start-up problem screen, and on the
    // terminal; with no display (as here) only there (bounded, in case it did open).
    for args in [
        &["sync"][..],
        &["status"],
        &["jobs"],
        &["key", "verify"],
        &[],
    ] {
        let o = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            cli.run(Some("has a space"), args),
        )
        .await
        .unwrap_or_else(|_| panic!("{args:?} did not exit: the malformed key was not rejected"));
        assert_eq!(code(&o), 1, "{args:?}");
        assert_eq!(stderr(&o).trim(), expected, "{args:?}");
        assert!(stdout(&o).is_empty());
    }
}

/// `ASHBY_SYNC_RATE_LIMIT_PER_MINUTE` must be a number; anything else says how to fix it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_rate_limit_is_rejected() {
    let fake = fake(1).await;
    let cli = Cli::new(&fake);
    let key = fake.keys().full;
    let o = cli
        .run_with(
            Some(&key),
            &[("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", "fast")],
            &["status"],
        )
        .await;
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "Error (invalid_setting): ASHBY_SYNC_RATE_LIMIT_PER_MINUTE must be a whole number"
        ),
        "{err}"
    );
    assert!(err.contains("\"fast\""), "{err}");
    // A valid value is used.
    let o = cli
        .run_with(
            Some(&key),
            &[("ASHBY_SYNC_RATE_LIMIT_PER_MINUTE", "120")],
            &["sync"],
        )
        .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// HTTPS with a private CA: trusted only when `SSL_CERT_FILE` holds it (the system bundle does
/// not), then a sync through a CONNECT proxy from `HTTPS_PROXY`, exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_verify_and_sync_over_https_with_a_private_ca_and_a_proxy() {
    use fake_ashby::proxy::TestProxy;
    use fake_ashby::tls::{ServerCert, TestCa};
    let ca = TestCa::new("Example Corp Inspection Root").unwrap();
    let fake = FakeAshby::start_tls(
        fake_ashby::FakeConfig {
            jobs: 30,
            departments: 24,
            locations: 16,
            users: 60,
            ..Default::default()
        },
        &ca.issue(&ServerCert::default()).unwrap(),
    )
    .await
    .unwrap();
    let key = fake.keys().full;
    let cli = Cli::new(&fake);
    let trust = tempfile::tempdir().unwrap();
    let ca_file = trust.path().join("ca.pem");
    ca.write_pem(&ca_file).unwrap();
    let empty = trust.path().join("certs");
    std::fs::create_dir(&empty).unwrap();
    let ca_file = ca_file.display().to_string();
    let empty = empty.display().to_string();
    let system = [
        ("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt"),
        ("SSL_CERT_DIR", empty.as_str()),
    ];

    let o = cli.run_with(Some(&key), &system, &["key", "verify"]).await;
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("Error (certificate_untrusted)"), "{err}");
    assert!(err.contains("inspects secure connections"), "{err}");
    assert!(err.contains("Details for IT"), "{err}");
    assert!(err.contains("CN=Example Corp Inspection Root"), "{err}");
    assert!(!err.contains(&key) && !stdout(&o).contains(&key));
    assert!(
        fake.requests().is_empty(),
        "nothing was sent over the untrusted connection"
    );

    let o = cli.run_with(Some(&key), &system, &["sync"]).await;
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(
        format!("{}{}", stdout(&o), stderr(&o)).contains("certificate_untrusted"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );

    let ours = [
        ("SSL_CERT_FILE", ca_file.as_str()),
        ("SSL_CERT_DIR", empty.as_str()),
    ];
    let o = cli.run_with(Some(&key), &ours, &["key", "verify"]).await;
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));

    let proxy = TestProxy::start().await.unwrap();
    let purl = proxy.url();
    let mut env = ours.to_vec();
    env.push(("HTTPS_PROXY", purl.as_str()));
    let o = cli.run_with(Some(&key), &env, &["sync"]).await;
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    snapshot(&cli.data.path().join("ashby-sync.sqlite3")).assert_eq(
        &expected(&fake.dataset(), true),
        "CLI sync through the proxy",
    );
    let tunnels = proxy.tunnels();
    assert!(!tunnels.is_empty(), "the sync did not use the tunnel");
    assert!(
        tunnels.iter().all(|t| *t == fake.addr().to_string()),
        "{tunnels:?}"
    );

    // A proxy that wants credentials: the error names it.
    proxy.require_auth("u", "p");
    let o = cli.run_with(Some(&key), &env, &["key", "verify"]).await;
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(err.contains("Error (proxy_auth_required)"), "{err}");
    assert!(err.contains(&purl), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_beyond_loopback_is_refused() {
    let fake = fake(1).await;
    let mut cli = Cli::new(&fake);
    cli.base_url = "http://api.ashbyhq.com".into();
    let o = cli.run(Some(&fake.keys().full), &["key", "verify"]).await;
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("ASHBY_API_BASE_URL") && err.contains("https://"),
        "{err}"
    );

    // Loopback http needs no certificates, even on a system without any.
    let cli = Cli::new(&fake);
    let none = [
        ("SSL_CERT_FILE", "/nonexistent/ca.pem"),
        ("SSL_CERT_DIR", "/nonexistent"),
    ];
    let o = cli
        .run_with(Some(&fake.keys().full), &none, &["key", "verify"])
        .await;
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

/// Every run of the history finished (none left "running" or closed as interrupted) and ok.
fn assert_history_ok(db: &std::path::Path, runs: usize) {
    let store = ashby_sync_core::store::Store::open(db).unwrap().store;
    let hist = store.sync_history(20).unwrap();
    assert_eq!(hist.len(), runs, "{hist:?}");
    for r in &hist {
        assert_eq!(
            r.result,
            Some(ashby_sync_core::store::RunResult::Ok),
            "{r:?}"
        );
    }
}

/// The app syncing (the engine in this process, holding the cache's sync lock) while a cron job
/// runs `ashby-sync sync` on the same data folder: `--no-wait` reports it and exits 3, a plain
/// `sync` waits with a message and then syncs; no database error, the cache is exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_sync_while_the_app_syncs_waits_or_reports() {
    use ashby_sync_core::store::Trigger;
    use ashby_sync_core::sync::{Engine, NoProgress, SyncLock};
    let fake = fake(150).await;
    // The app's sync outlasts two CLI runs: its posting list takes 4 s to arrive.
    fake.set_latency(std::time::Duration::from_millis(5));
    fake.push_fault(
        "jobPosting.list",
        fake_ashby::Fault::Hang(std::time::Duration::from_secs(4)),
        1,
    );
    let key = fake.keys().full;
    let cli = Cli::new(&fake);
    let store = ashby_sync_core::store::Store::open(&cli.db())
        .unwrap()
        .store;
    let (client, _clock) = client(&fake, &key);
    let engine = Engine::new(client, store);
    let app = tokio::spawn(async move { engine.run(Trigger::Schedule, false, &NoProgress).await });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    // Its first request means it holds the lock.
    while fake.requests().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the app's sync never started"
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    assert!(SyncLock::is_held(&cli.db()).unwrap());

    let o = cli.run(Some(&key), &["sync", "--no-wait"]).await;
    assert_eq!(code(&o), 3, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "a sync is already running (pid {})",
            std::process::id()
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");

    let waiting = cli.spawn(Some(&key), &["sync"]);
    let app_summary = app.await.unwrap();
    assert_eq!(
        app_summary.result,
        ashby_sync_core::store::RunResult::Ok,
        "{}",
        app_summary.one_line()
    );
    let o = waiting.wait_with_output().await.unwrap();
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("a sync is already running") && stderr(&o).contains("waiting"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).starts_with("sync ok"), "{}", stdout(&o));
    snapshot(&cli.db()).assert_eq(&expected(&fake.dataset(), true), "after both");
    assert_history_ok(&cli.db(), 2);
}

/// Two `ashby-sync sync` started at once on one data folder: one waits for the other; both
/// succeed, neither closes the other's run as interrupted, the cache is exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_cli_syncs_racing_take_turns() {
    let fake = fake(150).await;
    fake.set_latency(std::time::Duration::from_millis(10));
    let key = fake.keys().full;
    let cli = Cli::new(&fake);
    let a = cli.spawn(Some(&key), &["sync"]);
    let b = cli.spawn(Some(&key), &["sync", "--full"]);
    let (a, b) = (
        a.wait_with_output().await.unwrap(),
        b.wait_with_output().await.unwrap(),
    );
    for o in [&a, &b] {
        assert_eq!(code(o), 0, "{}{}", stdout(o), stderr(o));
        assert!(!stderr(o).contains("locked"), "{}", stderr(o));
    }
    let waited = [&a, &b]
        .iter()
        .filter(|o| stderr(o).contains("waiting for it to finish"))
        .count();
    assert_eq!(waited, 1, "one waited: {} / {}", stderr(&a), stderr(&b));
    snapshot(&cli.db()).assert_eq(&expected(&fake.dataset(), true), "after both");
    assert_history_ok(&cli.db(), 2);
}

/// Ashby text reaches the terminal without its escape sequences: a job title cannot retitle the
/// window, colour or hide the rest of the table, or plant a link; `--json` keeps the exact text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_title_with_escape_sequences_prints_harmlessly() {
    let fake = fake(3).await;
    let key = fake.keys().full;
    let evil = "Evil\u{1b}]0;pwned\u{7} \u{1b}[8mhidden\u{1b}[0m \u{9b}2J\u{202e}txet\u{1b}]8;;https://x.example\u{1b}\\link\u{1b}]8;;\u{1b}\\ end";
    let id = fake.create_job(evil);
    let cli = Cli::new(&fake);
    let o = cli.run(Some(&key), &["sync"]).await;
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));

    let o = cli.run(Some(&key), &["jobs", "--search", "Evil"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let row = out
        .lines()
        .find(|l| l.contains("Evil"))
        .unwrap_or_else(|| panic!("the job is listed: {out:?}"));
    assert!(
        row.contains("Evil hidden txetlink end"),
        "the visible text stays, the sequences go: {row:?}"
    );
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(!out.contains(bad), "{bad:?} reached the terminal: {out:?}");
    }
    assert!(out.ends_with("1 job\n"), "{out:?}");

    let o = cli
        .run(Some(&key), &["jobs", "--json", "--search", "Evil"])
        .await;
    assert!(
        !o.stdout.contains(&0x1b),
        "JSON escapes ESC: {}",
        stdout(&o)
    );
    let jobs = json(&o);
    let job = jobs
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["id"] == id.as_str())
        .expect("the job is in the JSON");
    assert_eq!(job["title"], evil, "JSON carries the exact title");
}

/// `jobs --csv`: a header, one RFC 4180 row per job the list shows (same filters, same order as
/// `--json`), titles with commas, quotes and line breaks kept, formulas neutralised, no BOM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_as_csv() {
    let fake = fake(20).await;
    let key = fake.keys().full;
    let tricky = "=HYPERLINK(\"https://evil.example\"), \"Lead\"\nEngineer";
    let id = fake.create_job(tricky);
    let cli = Cli::new(&fake);
    let o = cli.run(Some(&key), &["sync"]).await;
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));

    let o = cli.run(None, &["jobs", "--csv", "--status", "Open"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        o.stdout.starts_with(b"Job ID,Title,Status,"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).ends_with("\r\n"));
    let mut reader = csv::Reader::from_reader(o.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let o = cli.run(None, &["jobs", "--json", "--status", "Open"]).await;
    let listed: Vec<String> = json(&o)
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap().to_string())
        .collect();
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids, listed);
    let row = rows.iter().find(|r| &r[0] == id.as_str()).unwrap();
    assert_eq!(&row[1], format!("'{tricky}"));
    assert_eq!(&row[2], "Open");
    assert_eq!(&row[13], "Yes", "the new job's posting is listed");
    assert!(row[16].starts_with("https://"), "a job board link: {row:?}");

    // --csv and --json are one or the other.
    let o = cli.run(None, &["jobs", "--csv", "--json"]).await;
    assert_ne!(code(&o), 0);
}
