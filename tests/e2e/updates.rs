//! Issue 18: Settings → Updates in the real window, against a loopback server serving a
//! `latest.json` (`ASHBY_SYNC_UPDATE_URL`). The signature checks and the install step are
//! covered by the updater's own test (src-tauri/updater.rs); here: the running version, the
//! check's result, the confirmation before anything is installed, and that a copy built from
//! source refuses to replace itself.

use crate::harness::{App, Desktop, Res};
use crate::wizard::{fake, next_until, paste_and_verify};
use crate::T;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Serves `body` as every path's answer; returns the manifest's URL.
async fn serve_manifest(body: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/latest.json",
        listener.local_addr().expect("addr")
    );
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(body.as_bytes()).await;
            });
        }
    });
    url
}

/// Scrolls the Updates section into view for the screenshot.
async fn show_updates(app: &App) -> Res<()> {
    app.eval(
        "document.querySelector(\"[data-testid='update-settings']\").scrollIntoView({block: 'end'}); return true",
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_checks_for_updates_and_asks_before_installing() {
    let fake = fake().await;
    let key = fake.keys().full;
    let platform = format!("linux-{}", std::env::consts::ARCH);
    let manifest = serde_json::json!({
        "version": "99.0.0",
        "notes": "Faster first sync.\nFewer requests.",
        "pub_date": "2026-12-01T10:00:00Z",
        "platforms": { platform: {
            "url": "http://127.0.0.1:9/Ashby_Sync_99.0.0_amd64.AppImage",
            "signature": "not checked before the user agrees"
        } }
    });
    let url = serve_manifest(manifest.to_string()).await;
    let base = fake.base_url();
    let env = [
        ("ASHBY_API_BASE_URL", base.as_str()),
        ("ASHBY_SYNC_UPDATE_URL", url.as_str()),
    ];
    let desk = Desktop::start();
    let mut app = App::launch(&desk, "updates", &env).await;
    let r: Res<()> = async {
        app.wait_for("[data-screen='wizard']", T).await?;
        next_until(&app, "pasteKey").await?;
        assert_eq!(paste_and_verify(&app, &key).await?, "fullRead");
        next_until(&app, "save").await?;
        app.click("[data-action='save']").await?;
        app.wait_for("[data-screen='jobs']", T).await?;
        app.click("[data-action='settings']").await?;
        app.wait_for("[data-screen='settings']", T).await?;
        app.wait_text(
            "[data-testid='update-version']",
            env!("CARGO_PKG_VERSION"),
            T,
        )
        .await?;

        app.click("[data-action='check-updates']").await?;
        let result = app
            .wait_text(
                "[data-testid='update-result']",
                "Version 99.0.0 is available",
                T,
            )
            .await?;
        assert!(
            result.contains(&format!("you have {}", env!("CARGO_PKG_VERSION"))),
            "{result}"
        );
        app.find("[data-action='install-update']").await?;
        assert!(
            app.find("[data-action='confirm-install']").await.is_err(),
            "nothing is installed before the user agrees"
        );
        show_updates(&app).await?;
        app.screenshot("settings-update-available").await?;

        app.click("[data-action='install-update']").await?;
        app.wait_for("[role='alertdialog']", T).await?;
        let text = app.text("[role='alertdialog']").await?;
        assert!(text.contains("Install version 99.0.0 now?"), "{text}");
        assert!(
            text.contains("signed by Ashby Sync's release key"),
            "{text}"
        );
        show_updates(&app).await?;
        app.screenshot("settings-update-confirm").await?;

        // This binary comes from `cargo build`, not a release package: it refuses to overwrite
        // itself and says where to get the new version.
        app.click("[data-action='confirm-install']").await?;
        let err = app
            .wait_text("[data-code='update_unavailable']", "built from source", T)
            .await?;
        assert!(err.contains("release page"), "{err}");
        Ok(())
    }
    .await;
    let _ = show_updates(&app).await;
    let _ = app.screenshot("final").await;
    app.quit().await;
    fake.shutdown().await;
    r.unwrap();
}
