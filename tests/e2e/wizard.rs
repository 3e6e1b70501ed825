//! Issue: guided key set-up. Walks the 7 steps in the real window against the fake Ashby server,
//! with the real gnome-keyring behind the app's keychain code.

use crate::harness::{App, Desktop, Res};
use crate::T;
use fake_ashby::{FakeAshby, FakeConfig};
use std::time::Duration;

const VERIFY_T: Duration = Duration::from_secs(30);

pub(crate) async fn fake() -> FakeAshby {
    FakeAshby::start(FakeConfig {
        jobs: 40,
        ..Default::default()
    })
    .await
    .expect("fake Ashby server")
}

fn env_for(fake: &FakeAshby) -> Vec<(&'static str, String)> {
    vec![("ASHBY_API_BASE_URL", fake.base_url())]
}

async fn launch(desk: &Desktop, name: &str, fake: &FakeAshby) -> App {
    let env = env_for(fake);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    App::launch(desk, name, &env).await
}

/// Clicks Next until the step with `id` shows.
pub(crate) async fn next_until(app: &App, id: &str) -> Res<()> {
    for _ in 0..10 {
        if app.find(&format!("[data-step='{id}']")).await.is_ok() {
            return Ok(());
        }
        app.click("[data-action='next']").await?;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    Err(format!("never reached step {id}"))
}

pub(crate) async fn paste_and_verify(app: &App, key: &str) -> Res<String> {
    app.clear("#api-key").await?;
    // Surrounding whitespace and a newline, as a copy from a web page brings along.
    app.type_into("#api-key", &format!("  {key}\n")).await?;
    app.click("[data-action='verify']").await?;
    app.wait_for("[data-testid='verification']", VERIFY_T)
        .await?;
    let outcome = app
        .eval("return document.querySelector(\"[data-testid='verification']\").dataset.outcome")
        .await?;
    Ok(outcome.as_str().unwrap_or_default().to_string())
}

async fn module_access(app: &App) -> Res<Vec<(String, String)>> {
    let v = app
        .eval(
            "return [...document.querySelectorAll('[data-testid=permission-matrix] tr[data-module]')]\
             .map(r => [r.dataset.module, r.dataset.access, r.querySelector('.fix').textContent])",
        )
        .await?;
    Ok(v.as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r[0].as_str().unwrap_or_default().to_string(),
                        format!(
                            "{}|{}",
                            r[1].as_str().unwrap_or_default(),
                            r[2].as_str().unwrap_or_default()
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_all_steps_saves_to_the_keychain_and_survives_a_restart() {
    let fake = fake().await;
    let key = fake.keys().full;
    let desk = Desktop::start();
    let mut app = launch(&desk, "wizard", &fake).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='wizard']", T).await?;
        let expected = [
            ("logIn", "Log in to Ashby"),
            ("findApiKeys", "API keys"),
            ("createKey", "Create"),
            ("permissions", "read access"),
            ("saveAndCopy", "Save the key"),
            ("pasteKey", "Paste"),
        ];
        for (n, (id, title)) in expected.iter().enumerate() {
            next_until(&app, id).await?;
            app.wait_text(
                "[data-testid='step-progress']",
                &format!("Step {} of 7", n + 1),
                T,
            )
            .await?;
            app.wait_text("#step-title", title, T).await?;
            if *id == "createKey" {
                let name = app.text("[data-testid='suggested-name']").await?;
                assert!(name.contains("BeBitcoiner"), "suggested name: {name}");
            }
            if *id == "permissions" {
                let items = app.find_all(".checklist input[type=checkbox]").await?;
                assert_eq!(items.len(), 10, "9 modules + the confidential toggle");
                for id in items {
                    app.click_element(&id).await?;
                }
            }
            app.screenshot(&format!("step{}-{id}", n + 1)).await?;
        }
        assert_eq!(paste_and_verify(&app, &key).await?, "fullRead");
        let rows = module_access(&app).await?;
        assert_eq!(rows.len(), 9);
        assert!(rows.iter().all(|(_, a)| a.starts_with("read|")), "{rows:?}");
        app.screenshot("step6-verified").await?;
        next_until(&app, "save").await?;
        app.wait_text("[data-testid='step-progress']", "Step 7 of 7", T)
            .await?;
        // This organisation's own estimate, from its posting list.
        app.wait_text(
            "[data-testid='first-sync-estimate']",
            "Your first sync should take",
            T,
        )
        .await?;
        app.wait_text(
            "[data-testid='first-sync-estimate']",
            "published job postings",
            T,
        )
        .await?;
        app.screenshot("step7-save").await?;
        app.click("[data-action='save']").await?;
        app.wait_for("[data-screen='jobs']", T).await?;
        app.screenshot("after-save").await?;
        Ok(())
    }
    .await;
    let _ = app.screenshot("final").await;
    app.quit().await;
    r.unwrap();

    // The key is in the real keychain…
    let (ok, found) = desk.run(
        "secret-tool",
        &["lookup", "service", "com.ashbysync.desktop"],
    );
    assert!(
        ok && found.trim() == key,
        "keychain lookup did not return the key"
    );

    // …and a restart goes straight to the jobs view.
    let mut app = launch(&desk, "wizard-restart", &fake).await;
    let r = app.wait_for("[data-screen='jobs']", T).await;
    let _ = app.screenshot("final").await;
    app.quit().await;
    r.unwrap();

    // The key is nowhere else: not in the data dir, the logs, or the app's output.
    for file in desk.log_files() {
        if file.starts_with(desk.tmp.path().join("data/keyrings")) {
            continue; // gnome-keyring's own (encrypted) store
        }
        let bytes = std::fs::read(&file).unwrap_or_default();
        let hay = String::from_utf8_lossy(&bytes);
        assert!(
            !hay.contains(&key),
            "the key leaked into {}",
            file.display()
        );
    }
    fake.shutdown().await;
}

/// What the key step showed after Verify.
struct Shown {
    outcome: String,
    /// (module, "access|fix text") per matrix row.
    rows: Vec<(String, String)>,
    notices: Vec<String>,
}

async fn verify_outcome(name: &str, pick: fn(&fake_ashby::DemoKeys) -> String) -> Shown {
    let fake = fake().await;
    let key = pick(&fake.keys());
    let desk = Desktop::start();
    let mut app = launch(&desk, name, &fake).await;
    let r: Res<Shown> = async {
        app.wait_for("[data-screen='wizard']", T).await?;
        next_until(&app, "pasteKey").await?;
        let outcome = paste_and_verify(&app, &key).await?;
        let rows = module_access(&app).await.unwrap_or_default();
        let notices = app
            .eval("return [...document.querySelectorAll('[data-testid=verification] .notice')].map(n => n.textContent)")
            .await?;
        let notices = notices
            .as_array()
            .map(|a| a.iter().filter_map(|w| w.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        app.screenshot("verified").await?;
        Ok(Shown { outcome, rows, notices })
    }
    .await;
    let _ = app.screenshot("final").await;
    app.quit().await;
    fake.shutdown().await;
    r.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_missing_modules_shows_them_with_fixes() {
    let Shown { outcome, rows, .. } = verify_outcome("wizard-partial", |k| k.partial.clone()).await;
    assert_eq!(outcome, "missingModules");
    for m in ["offers", "approvals", "reports"] {
        let (_, a) = rows.iter().find(|(id, _)| id == m).expect("row");
        assert!(
            a.starts_with("missing|") && a.contains("tick Read"),
            "{m}: {a}"
        );
    }
    let read = rows.iter().filter(|(_, a)| a.starts_with("read|")).count();
    assert_eq!(read, 6, "{rows:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_key_is_reported_as_invalid() {
    let Shown {
        outcome,
        rows,
        notices: warnings,
    } = verify_outcome("wizard-revoked", |k| k.revoked.clone()).await;
    assert_eq!(outcome, "invalidKey");
    assert!(rows.is_empty(), "no matrix for an invalid key");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("deactivated") || w.contains("rejected")),
        "{warnings:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_with_write_scopes_gets_a_warning() {
    let Shown {
        outcome,
        notices: warnings,
        ..
    } = verify_outcome("wizard-write", |k| k.write.clone()).await;
    assert_eq!(outcome, "fullRead");
    assert!(
        warnings.iter().any(|w| w.contains("read-only")),
        "{warnings:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_start_at_login_and_remove_key() {
    let fake = fake().await;
    let key = fake.keys().full;
    let desk = Desktop::start();
    let mut app = launch(&desk, "remove-key", &fake).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='wizard']", T).await?;
        next_until(&app, "pasteKey").await?;
        assert_eq!(paste_and_verify(&app, &key).await?, "fullRead");
        next_until(&app, "save").await?;
        app.click("[data-action='save']").await?;
        app.wait_for("[data-screen='jobs']", T).await?;
        let (ok, found) = desk.run(
            "secret-tool",
            &["lookup", "service", "com.ashbysync.desktop"],
        );
        assert!(
            ok && found.trim() == key,
            "the key was not saved to the keychain"
        );
        // The saved key's first sync fills the cache (kept when the key is removed below).
        app.wait_text(
            "[data-testid='last-synced']",
            "Last synced",
            crate::jobs::SYNC_T,
        )
        .await?;

        app.click("[data-action='settings']").await?;
        app.wait_for("[data-screen='settings']", T).await?;
        app.wait_text("[data-testid='key-title']", "Ashby Sync", T)
            .await?;
        app.screenshot("settings").await?;

        // Start at login writes a login item that starts the app in the background, where the
        // XDG spec says: $XDG_CONFIG_HOME/autostart (the session sets it apart from ~/.config).
        let autostart_dir = desk.tmp.path().join("config/autostart");
        let wrong_dir = desk.tmp.path().join("home/.config/autostart");
        app.click("[data-testid='start-at-login']").await?;
        let mut entry = String::new();
        for _ in 0..50 {
            let found = std::fs::read_dir(&autostart_dir)
                .ok()
                .and_then(|mut d| d.next())
                .and_then(|e| e.ok())
                .and_then(|e| std::fs::read_to_string(e.path()).ok());
            if let Some(text) = found {
                entry = text;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(entry.contains("--background"), "login item: {entry:?}");
        assert!(
            autostart_dir.join("ashby-sync.desktop").is_file(),
            "the login item is not $XDG_CONFIG_HOME/autostart/ashby-sync.desktop"
        );
        assert!(
            std::fs::read_dir(&wrong_dir)
                .map(|d| d.count())
                .unwrap_or(0)
                == 0,
            "a login item was written to ~/.config although XDG_CONFIG_HOME is set"
        );
        app.click("[data-testid='start-at-login']").await?;
        for _ in 0..50 {
            let empty = std::fs::read_dir(&autostart_dir)
                .map(|mut d| d.next().is_none())
                .unwrap_or(true);
            if empty {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let left = std::fs::read_dir(&autostart_dir)
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(left, 0, "the login item was not removed");

        // Remove key, keeping the cached jobs (the default): they stay browsable, with "No key
        // — syncing is off", instead of wizard step 1; "Add a key" leads to the wizard.
        app.click("[data-action='remove-key']").await?;
        app.click("[data-action='confirm-remove']").await?;
        app.wait_for("[data-screen='jobs']", T).await?;
        app.wait_text(
            "[data-testid='no-key-banner']",
            "No key — syncing is off",
            T,
        )
        .await?;
        app.wait_for("[data-testid='job-row']", T).await?;
        app.click("[data-testid='job-row']").await?;
        app.wait_for("[data-testid='job-detail']", T).await?;
        app.screenshot("no-key-jobs").await?;
        app.click("[data-action='add-key']").await?;
        app.wait_for("[data-screen='wizard']", T).await?;
        Ok(())
    }
    .await;
    let _ = app.screenshot("final").await;
    app.quit().await;
    fake.shutdown().await;
    r.unwrap();
    let (ok, found) = desk.run(
        "secret-tool",
        &["lookup", "service", "com.ashbysync.desktop"],
    );
    assert!(
        !ok || found.trim().is_empty(),
        "the keychain entry is still there"
    );
}
