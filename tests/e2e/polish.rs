//! Issue 16 (the wizard, links, the context menu, accessibility) in the real window: the welcome,
//! step 4 partly ticked, the key step (focus, "Checking…", a write key as a warning), Replace key
//! in its own words, a browser that cannot be opened (the address with Copy), the app's own
//! right-click menu, and axe-core on the wizard, jobs, detail, history and settings screens.

use crate::harness::{App, Desktop, Res};
use crate::wizard::{next_until, paste_and_verify};
use crate::T;
use fake_ashby::{FakeAshby, FakeConfig};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

async fn fake() -> FakeAshby {
    FakeAshby::start(FakeConfig {
        jobs: 40,
        ..Default::default()
    })
    .await
    .expect("fake Ashby server")
}

async fn finish(mut app: App, r: Res<()>) {
    let shot = app.screenshot("final").await;
    let name = app.name.clone();
    let output = std::fs::read_to_string(&app.output).unwrap_or_default();
    app.quit().await;
    if let Err(e) = r {
        panic!("{name} failed: {e}\n(final screenshot: {shot:?})\napp output:\n{output}");
    }
}

fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Runs axe-core (from ui/node_modules, injected through WebDriver) on the page as it is and
/// adds every serious or critical violation to `found`, named by `screen`.
async fn axe(app: &App, screen: &str, found: &mut Vec<String>) -> Res<()> {
    let present = app.eval("return typeof window.axe").await?;
    if present != "object" {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
        let src = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e} (run `npm ci` in ui/)", path.display()))?;
        app.eval(&format!("{src}\n;return typeof window.axe"))
            .await?;
        if app.eval("return typeof window.axe").await? != "object" {
            return Err("axe-core did not load into the window".into());
        }
    }
    let v = app
        .eval_async(
            "const done = arguments[arguments.length - 1];\
             window.axe.run(document, { resultTypes: ['violations'] }).then(r => done(\
               r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')\
                 .map(v => `${v.impact} ${v.id}: ${v.help}\\n    ` + v.nodes.slice(0, 6)\
                   .map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\n/g, ' ')).join('\\n    '))\
             )).catch(e => done(['axe failed: ' + e]));",
        )
        .await?;
    let list: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    eprintln!(
        "axe-core: {} serious or critical violations on the {screen} screen",
        list.len()
    );
    found.extend(list.into_iter().map(|l| format!("[{screen}] {l}")));
    Ok(())
}

fn axe_clean(found: &[String]) -> Res<()> {
    if found.is_empty() {
        return Ok(());
    }
    Err(format!(
        "axe-core found serious or critical violations:\n  {}",
        found.join("\n  ")
    ))
}

/// Ticks the checklist items at `indexes` on step 4.
async fn tick(app: &App, indexes: &[usize]) -> Res<()> {
    let items = app.find_all(".checklist input[type=checkbox]").await?;
    for &i in indexes {
        let id = items
            .get(i)
            .ok_or_else(|| format!("no checklist item {i}"))?;
        app.click_element(id).await?;
    }
    Ok(())
}

async fn step_item(app: &App, id: &str) -> Res<(String, String)> {
    let v = app
        .eval(&format!(
            "const li = document.querySelector(\"[data-step-item='{id}']\");\
             return li ? [li.className, li.textContent] : null"
        ))
        .await?;
    Ok((
        v[0].as_str().unwrap_or_default().to_string(),
        v[1].as_str().unwrap_or_default().to_string(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn welcome_step_four_partly_ticked_and_a_write_key_warned() {
    let fake = fake().await;
    let key = fake.keys().write;
    let desk = Desktop::start();
    let base = fake.base_url();
    let mut app = App::launch(
        &desk,
        "wizard-polish",
        &[("ASHBY_API_BASE_URL", base.as_str())],
    )
    .await;
    let r: Res<()> = async {
        let mut a11y = Vec::new();
        // The welcome: what the app does, who the partner is, what it takes, where the key goes.
        app.wait_for("[data-step='welcome']", T).await?;
        app.wait_text("[data-testid='step-progress']", "Before you start", T).await?;
        let text = app.text("[data-step='welcome']").await?;
        for needle in ["BeBitcoiner", "admin rights", "five minutes", "keychain"] {
            if !text.contains(needle) {
                return Err(format!("the welcome does not mention {needle:?}: {text}"));
            }
        }
        app.wait_text("[data-action='next']", "Get started", T).await?;
        axe(&app, "wizard (welcome)", &mut a11y).await?;
        app.screenshot("welcome").await?;

        // Step 4 with 3 of 10 ticked: Next is in view at 1280×800, the step list says "3 of 10".
        next_until(&app, "permissions").await?;
        tick(&app, &[0, 1, 2]).await?;
        app.wait_text("[data-testid='checklist-count']", "3 of 10", T).await?;
        let view = app
            .eval(
                "const b = document.querySelector(\"[data-action='next']\").getBoundingClientRect();\
                 return [innerWidth, innerHeight, b.top, b.bottom]",
            )
            .await?;
        let n = |i: usize| view[i].as_f64().unwrap_or(f64::NAN);
        let (w, h, top, bottom) = (n(0), n(1), n(2), n(3));
        if (w - 1280.0).abs() > 0.5 || h > 800.5 {
            return Err(format!("the window is not 1280×800: {view}"));
        }
        if top.is_nan() || top < 0.0 || bottom.is_nan() || bottom > h {
            return Err(format!("Next is not visible without scrolling: {view}"));
        }
        let (class, text) = step_item(&app, "permissions").await?;
        if !text.contains("3 of 10") || class.contains("done") {
            return Err(format!("step 4 in the list: class {class:?}, text {text:?}"));
        }
        app.screenshot("step4-partial").await?;
        // The user may still go on; step 4 stays marked unfinished.
        app.click("[data-action='next']").await?;
        app.wait_for("[data-step='saveAndCopy']", T).await?;
        let (class, text) = step_item(&app, "permissions").await?;
        if !text.contains("3 of 10") || class.split_whitespace().any(|c| c == "done") {
            return Err(format!("step 4 after going on: class {class:?}, text {text:?}"));
        }
        let (class, _) = step_item(&app, "createKey").await?;
        if !class.split_whitespace().any(|c| c == "done") {
            return Err(format!("step 3 should be done: {class:?}"));
        }
        // Every item ticked: done.
        app.click("[data-step-item='permissions'] button").await?;
        app.wait_for("[data-step='permissions']", T).await?;
        tick(&app, &[3, 4, 5, 6, 7, 8, 9]).await?;
        app.wait_text("[data-testid='checklist-count']", "10 of 10", T).await?;
        app.click("[data-action='next']").await?;
        let (class, text) = step_item(&app, "permissions").await?;
        if !class.split_whitespace().any(|c| c == "done") || text.contains("of 10") {
            return Err(format!("step 4 fully ticked: class {class:?}, text {text:?}"));
        }

        // Step 6: the key field has the focus on arrival; Verify says "Checking…".
        next_until(&app, "pasteKey").await?;
        let focused = app.eval("return document.activeElement && document.activeElement.id").await?;
        if focused != "api-key" {
            return Err(format!("the key field should have the focus, not {focused}"));
        }
        fake.set_latency(Duration::from_millis(1500));
        app.type_into("#api-key", &key).await?;
        app.click("[data-action='verify']").await?;
        app.wait_text("[data-action='verify']", "Checking…", Duration::from_secs(5)).await?;
        fake.set_latency(Duration::ZERO);
        app.wait_for("[data-testid='verification']", Duration::from_secs(30)).await?;
        let outcome = app
            .eval("return document.querySelector(\"[data-testid='verification']\").dataset.outcome")
            .await?;
        if outcome != "fullRead" {
            return Err(format!("outcome {outcome}"));
        }

        // A key that can write: a warning, in module names, never a green success.
        let head = app
            .eval(
                "const n = document.querySelector(\"[data-testid='verification-headline']\");\
                 return [n.className, n.textContent]",
            )
            .await?;
        let class = head[0].as_str().unwrap_or_default();
        if !class.contains("warn") || class.split_whitespace().any(|c| c == "ok") {
            return Err(format!("a write key is shown as {class:?}"));
        }
        if !head[1].as_str().unwrap_or_default().contains("can also change data in Ashby") {
            return Err(format!("headline: {}", head[1]));
        }
        let warnings = app
            .eval("return [...document.querySelectorAll(\"[data-testid='verification-warning']\")].map(n => n.textContent).join(' | ')")
            .await?;
        let warnings = warnings.as_str().unwrap_or_default();
        if !(warnings.contains("Jobs, Candidates and Organization")
            && warnings.contains("the set-up guide asks for a read-only key"))
            || warnings.contains(":write")
        {
            return Err(format!("the write warning: {warnings}"));
        }
        let badges = app.find_all("[data-testid='write-badge']").await?;
        if badges.len() != 3 {
            return Err(format!("{} modules marked as writable, expected 3", badges.len()));
        }
        // The confidential-jobs switch is in the matrix, honestly unknown.
        app.wait_text(
            "[data-toggle='confidentialAccess'][data-access='unknown']",
            "Can't be checked",
            T,
        )
        .await?;
        axe(&app, "wizard (verified key)", &mut a11y).await?;
        app.eval(
            "document.querySelector('.keyfield').scrollIntoView({block: 'start'}); return 1",
        )
        .await?;
        app.screenshot("write-key").await?;
        axe_clean(&a11y)
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}

/// A `bin` dir whose openers (every one the app may try) fail at once, as on a desktop without a
/// configured browser; its PATH for the app.
fn failing_openers(desk: &Desktop) -> String {
    let bin = desk.tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for name in [
        "xdg-open",
        "gio",
        "gnome-open",
        "kde-open6",
        "kde-open5",
        "kde-open",
        "wslview",
    ] {
        let p = bin.join(name);
        std::fs::write(
            &p,
            "#!/bin/sh\necho 'no method available for opening' >&2\nexit 4\n",
        )
        .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// The failure box under `scope`: its words and the address it shows.
async fn open_failed(app: &App, scope: &str) -> Res<(String, String)> {
    let css = format!("{scope} [data-testid='open-failed']");
    app.wait_for(&css, T).await?;
    let msg = app.text(&css).await?;
    let url = app
        .text(&format!("{css} [data-testid='open-failed-url']"))
        .await?;
    for bad in ["exit", "status", "xdg-open", "gio"] {
        if msg.contains(bad) {
            return Err(format!(
                "the message shows the launcher's words ({bad}): {msg}"
            ));
        }
    }
    if !msg.contains("Copy") {
        return Err(format!("the message should say what to do: {msg}"));
    }
    app.find(&format!("{css} [data-action='copy-failed-url']"))
        .await?;
    Ok((msg, url))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_cannot_be_opened_shows_the_address_with_copy() {
    let fake = fake().await;
    let key = fake.keys().full;
    let desk = Desktop::start();
    let path = failing_openers(&desk);
    let base = fake.base_url();
    let env = [
        ("PATH", path.as_str()),
        ("ASHBY_API_BASE_URL", base.as_str()),
    ];
    let mut app = App::launch(&desk, "open-failed", &env).await;
    let r: Res<()> = async {
        // The wizard's "Open Ashby".
        app.wait_for("[data-step='welcome']", T).await?;
        next_until(&app, "logIn").await?;
        app.click("[data-action='open']").await?;
        let (msg, url) = open_failed(&app, "[data-step='logIn']").await?;
        if url != "https://app.ashbyhq.com" || !msg.contains("couldn't open your web browser") {
            return Err(format!("wizard: {msg:?} / {url:?}"));
        }
        app.screenshot("wizard-open-failed").await?;
        app.click("[data-action='copy-failed-url']").await?;
        app.wait_text("[data-action='copy-failed-url']", "Copied", T).await?;

        // Save a key and go to a job.
        next_until(&app, "pasteKey").await?;
        if paste_and_verify(&app, &key).await? != "fullRead" {
            return Err("the key did not verify".into());
        }
        next_until(&app, "save").await?;
        app.click("[data-action='save']").await?;
        app.wait_for("[data-screen='jobs']", T).await?;
        app.wait_for("[data-testid='job-row']", Duration::from_secs(60)).await?;
        app.click("[data-testid='job-row']").await?;
        app.wait_for("[data-testid='job-detail']", T).await?;
        let id = app
            .eval("return document.querySelector(\"[data-testid='job-detail']\").dataset.id")
            .await?;
        let job_url = format!("https://app.ashbyhq.com/jobs/{}", id.as_str().unwrap_or_default());

        // "Open in Ashby" fails in words, with the job's address; "Copy link" is there too.
        app.click("[data-action='open-in-ashby']").await?;
        let (_, url) = open_failed(&app, "[data-testid='job-detail'] .head").await?;
        if url != job_url {
            return Err(format!("Open in Ashby showed {url:?}, expected {job_url:?}"));
        }
        app.screenshot("open-failed").await?;
        app.click("[data-action='copy-open-in-ashby']").await?;
        app.wait_text("[data-action='copy-open-in-ashby']", "Copied", T).await?;
        // What was copied is the address: paste it (Ctrl+V) into a scratch field.
        app.eval(
            "const t = document.createElement('textarea'); t.id = 'paste-check';\
             t.setAttribute('aria-label', 'paste check'); t.style.position = 'fixed'; t.style.top = '0';\
             document.body.append(t); t.focus({preventScroll: true}); return 1",
        )
        .await?;
        app.chord(&["\u{E009}", "v"]).await?; // Control + V
        let pasted = app
            .eval("const t = document.getElementById('paste-check'); const v = t.value; t.remove(); return v")
            .await?;
        if pasted != job_url.as_str() {
            return Err(format!("Copy link put {pasted} on the clipboard, expected {job_url}"));
        }

        // Each posting has Open posting and Copy link (on a job with a public posting).
        for n in 0..10 {
            if app.find("[data-testid='job-detail'] [data-action='open-posting']").await.is_ok() {
                break;
            }
            let rows = app.find_all("[data-testid='job-row']").await?;
            let row = rows.get(n + 1).ok_or("no job with a public posting")?;
            app.click_element(row).await?;
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        let postings = app.find_all("[data-testid='posting'] [data-action='open-posting']").await?;
        let copies = app.find_all("[data-testid='posting'] [data-action='copy-open-posting']").await?;
        if postings.is_empty() || postings.len() != copies.len() {
            return Err(format!("{} Open posting, {} Copy link", postings.len(), copies.len()));
        }
        app.eval(
            "const pane = document.querySelector(\"[data-testid='job-detail-pane']\");\
             pane.scrollTop = document.querySelector(\"[data-action='open-posting']\").closest(\"[data-testid='posting']\").offsetTop - 120; return 1",
        )
        .await?;
        app.click("[data-action='open-posting']").await?;
        let (_, url) = open_failed(&app, "[data-testid='posting']").await?;
        if !url.starts_with("https://jobs.ashbyhq.com/") {
            return Err(format!("Open posting showed {url:?}"));
        }

        // Hiring-team emails are mailto: links (through the same opener) with Copy.
        let email = app
            .eval("const a = document.querySelector(\"[data-testid='hiring-team'] a[data-action='email']\"); return a ? a.getAttribute('href') : null")
            .await?;
        let email = email.as_str().unwrap_or_default().to_string();
        if !email.starts_with("mailto:") || !email.contains('@') {
            return Err(format!("hiring-team email link: {email:?}"));
        }
        app.find("[data-testid='hiring-team'] [data-action='copy-email']").await?;
        app.click("[data-testid='hiring-team'] a[data-action='email']").await?;
        let (msg, url) = open_failed(&app, "[data-testid='hiring-team']").await?;
        if url != email.trim_start_matches("mailto:") || !msg.contains("email app") {
            return Err(format!("email: {msg:?} / {url:?}"));
        }
        if app.eval("return location.protocol").await? == "mailto:" {
            return Err("the window navigated to the mailto: link".into());
        }

        // The app's own right-click menu on a job row: Copy link, Open in Ashby (which fails in
        // words too); never WebKit's Back/Reload.
        let row_id = app
            .eval("return document.querySelector(\"[data-testid='job-row']\").dataset.id")
            .await?;
        let prevented = app.eval(
            "const r = document.querySelector(\"[data-testid='job-row']\").getBoundingClientRect();\
             return !document.querySelector(\"[data-testid='job-row']\").dispatchEvent(new MouseEvent('contextmenu',\
               {bubbles: true, cancelable: true, clientX: r.left + 20, clientY: r.top + 10, button: 2}))",
        )
        .await?;
        if prevented != true {
            return Err("the app did not take over the right-click (WebKit's menu would show)".into());
        }
        app.wait_for("[data-testid='context-menu']", T).await?;
        let items = app
            .eval("return [...document.querySelectorAll(\"[data-testid='context-menu'] [role='menuitem']\")].map(b => b.textContent)")
            .await?;
        if items != serde_json::json!(["Copy link", "Open in Ashby"]) {
            return Err(format!("context menu items: {items}"));
        }
        let focused = app.eval("return document.activeElement.dataset.menuAction").await?;
        if focused != "copyLink" {
            return Err(format!("the menu's first item should have the focus: {focused}"));
        }
        app.screenshot("context-menu").await?;
        app.click("[data-menu-action='openInAshby']").await?;
        let (_, url) = open_failed(&app, ".toast").await?;
        let want = format!("https://app.ashbyhq.com/jobs/{}", row_id.as_str().unwrap_or_default());
        if url != want {
            return Err(format!("the menu's Open in Ashby showed {url:?}, expected {want:?}"));
        }
        if app.find("[data-testid='context-menu']").await.is_ok() {
            return Err("the menu stayed open".into());
        }
        // Where there is nothing to copy or open, no menu at all (and not WebKit's).
        let prevented = app
            .eval("return !document.querySelector(\"[data-action='view-jobs']\").dispatchEvent(new MouseEvent('contextmenu', {bubbles: true, cancelable: true, clientX: 5, clientY: 5}))")
            .await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        if prevented != true || app.find("[data-testid='context-menu']").await.is_ok() {
            return Err(format!("an empty spot: prevented {prevented}, or a menu opened"));
        }
        // Escape closes it.
        app.eval(
            &format!("document.querySelector({}).dispatchEvent(new MouseEvent('contextmenu', {{bubbles: true, cancelable: true, clientX: 300, clientY: 200}})); return 1",
            js("[data-testid='job-row']")),
        )
        .await?;
        app.wait_for("[data-testid='context-menu']", T).await?;
        app.press("\u{E00C}").await?; // Escape
        tokio::time::sleep(Duration::from_millis(200)).await;
        if app.find("[data-testid='context-menu']").await.is_ok() {
            return Err("Escape did not close the menu".into());
        }
        Ok(())
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_core_finds_nothing_serious_and_replace_key_speaks_for_itself() {
    let fake = fake().await;
    let keys = fake.keys();
    let desk = Desktop::start();
    let base = fake.base_url();
    let mut app = App::launch(&desk, "a11y", &[("ASHBY_API_BASE_URL", base.as_str())]).await;
    let r: Res<()> = async {
        let mut a11y = Vec::new();
        app.wait_for("[data-step='welcome']", T).await?;
        // The wizard by keyboard alone: Tab to "Get started", Enter.
        let mut reached = false;
        for _ in 0..20 {
            app.press("\u{E004}").await?; // Tab
            let a = app
                .eval("return document.activeElement && document.activeElement.dataset.action")
                .await?;
            if a == "next" {
                reached = true;
                break;
            }
        }
        if !reached {
            return Err("Tab never reached the wizard's Get started button".into());
        }
        // The focused control shows it.
        let ring = app
            .eval("return getComputedStyle(document.activeElement).boxShadow")
            .await?;
        if ring.as_str().unwrap_or("none") == "none" {
            return Err("the focused button has no visible focus ring".into());
        }
        app.press("\u{E007}").await?; // Enter
        app.wait_for("[data-step='logIn']", T).await?;
        axe(&app, "wizard (step 1)", &mut a11y).await?;

        next_until(&app, "pasteKey").await?;
        if paste_and_verify(&app, &keys.full).await? != "fullRead" {
            return Err("the key did not verify".into());
        }
        next_until(&app, "save").await?;
        app.click("[data-action='save']").await?;
        app.wait_for("[data-screen='jobs']", T).await?;
        app.wait_for("[data-testid='job-row']", Duration::from_secs(60))
            .await?;
        axe(&app, "jobs", &mut a11y).await?;

        app.click("[data-testid='job-row']").await?;
        app.wait_for("[data-testid='job-detail']", T).await?;
        app.wait_for("[data-testid='posting']", T).await?;
        axe(&app, "job detail", &mut a11y).await?;

        app.click("[data-action='view-history']").await?;
        tokio::time::sleep(Duration::from_millis(800)).await;
        axe(&app, "sync history", &mut a11y).await?;

        app.click("[data-action='settings']").await?;
        app.wait_for("[data-screen='settings']", T).await?;
        app.wait_for("[data-testid='permission-matrix']", T).await?;
        axe(&app, "settings", &mut a11y).await?;

        // Replace key: its own words, a clear Cancel that keeps the current key.
        app.click("[data-action='replace-key']").await?;
        app.wait_for("[data-step='pasteKey']", T).await?;
        let text = app.text("[data-step='pasteKey']").await?;
        if !text.contains("current key keeps working until you save the new one") {
            return Err(format!("Replace key's words: {text}"));
        }
        app.wait_text("[data-action='cancel']", "keep the current key", T)
            .await?;
        if app.find("[data-step-item='welcome']").await.is_ok() {
            return Err("Replace key shows the first-run welcome".into());
        }
        axe(&app, "wizard (replace key)", &mut a11y).await?;
        app.click("[data-action='cancel']").await?;
        app.wait_for("[data-screen='settings']", T).await?;

        app.click("[data-action='replace-key']").await?;
        app.wait_for("[data-step='pasteKey']", T).await?;
        if paste_and_verify(&app, &keys.partial).await? != "missingModules" {
            return Err("the new key did not verify as expected".into());
        }
        next_until(&app, "save").await?;
        let text = app.text("[data-step='save']").await?;
        if text.contains("first sync") || text.contains("first job sync") {
            return Err(format!("Replace key reuses the first-run text: {text}"));
        }
        app.wait_text("[data-action='save']", "Save the new key", T)
            .await?;
        app.click("[data-action='save']").await?;
        app.wait_text("[data-testid='key-replaced']", "new key is saved", T)
            .await?;
        app.screenshot("key-replaced").await?;
        app.click("[data-action='done']").await?;
        app.wait_for("[data-screen='jobs']", T).await?;
        let (ok, found) = desk.run(
            "secret-tool",
            &["lookup", "service", "com.ashbysync.desktop"],
        );
        if !ok || found.trim() != keys.partial {
            return Err("the new key is not the one in the keychain".into());
        }
        axe_clean(&a11y)
    }
    .await;
    finish(app, r).await;
    fake.shutdown().await;
}
