//! End-to-end tests in the real WebKitGTK window (see harness.rs). Run by `cargo xtask test`
//! (`cargo test --features e2e --test e2e`).

mod changes;
mod harness;
mod jobs;
mod network;
mod outside;
mod polish;
mod shell;
mod status;
mod updates;
mod view;
mod wizard;

use harness::{App, Desktop, Res};
use std::future::Future;
use std::time::Duration;

pub(crate) const T: Duration = Duration::from_secs(20);

/// Runs one test body against a fresh app; saves a screenshot of the final state whether the body
/// passed or failed, then tears everything down and fails the test with the body's error.
async fn with_app<F, Fut>(name: &str, env: &[(&str, &str)], body: F)
where
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = (App, Res<()>)>,
{
    let desk = Desktop::start();
    let app = App::launch(&desk, name, env).await;
    let (mut app, result) = body(app).await;
    let shot = app.screenshot("final").await;
    app.quit().await;
    if let Err(e) = result {
        panic!("{name} failed: {e}\n(final screenshot: {shot:?})");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launches_into_the_setup_wizard_and_round_trips_a_command() {
    with_app("launch", &[], |mut app| async move {
        let r: Res<()> = async {
            app.wait_for("[data-screen='wizard']", T).await?;
            app.wait_for("[data-step='welcome']", T).await?;
            app.click("[data-action='next']").await?;
            app.wait_text("[data-testid='step-progress']", "Step 1 of 7", T).await?;
            app.wait_text("#step-title", "Log in to Ashby", T).await?;
            // The steps and the version come from Rust commands: the IPC round trip works.
            let mut v = String::new();
            for _ in 0..50 {
                v = app
                    .eval("return document.querySelector(\"[data-testid='app-version']\").textContent")
                    .await?
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                if !v.is_empty() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert_eq!(v, format!("Ashby Sync {}", env!("CARGO_PKG_VERSION")));
            app.screenshot("wizard-start").await?;
            Ok(())
        }
        .await;
        (app, r)
    })
    .await;
}
