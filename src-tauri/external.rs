//! Opening Ashby pages in the user's browser, and what the browser must not inherit.
//!
//! The window never navigates away from the app (see `app::navigation_guard`); links go through
//! [`open`], which lets only Ashby's own https pages through and starts the system opener
//! (`xdg-open`, `open`, the Windows shell) through tauri-plugin-shell's command API, without
//! `ASHBY_API_KEY` and without the WebKit variables the app set for its own web view: a browser
//! started with `WEBKIT_DISABLE_COMPOSITING_MODE` would render without the GPU for the rest of
//! its life. (The plugin's own `open` passes the whole environment on, so it is not used; the
//! web view gets no shell permission at all.)

use crate::error::{AppError, AppResult, ErrorCode};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tauri_plugin_shell::Shell;

/// Variables the app set for itself (not the user's own), removed from the browser's environment.
static SET_FOR_OURSELVES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// The umask the process started with, restored for the browser (the app runs with 077 so its
/// files are private; the browser's downloads should not be).
#[cfg(unix)]
static INHERITED_UMASK: std::sync::OnceLock<libc::mode_t> = std::sync::OnceLock::new();

/// Records that the app set `name` in its own environment for its own use.
pub fn set_for_ourselves(name: &'static str) {
    let mut v = SET_FOR_OURSELVES.lock().unwrap_or_else(|p| p.into_inner());
    if !v.contains(&name) {
        v.push(name);
    }
}

/// Files and folders the process creates are private to the user from here on (0600/0700):
/// the cache, its WAL, the logs, the web view's storage. Call before any thread starts.
pub fn private_files() {
    #[cfg(unix)]
    {
        // SAFETY: umask only swaps the process's file-creation mask; it cannot fail.
        let old = unsafe { libc::umask(0o077) };
        let _ = INHERITED_UMASK.set(old);
    }
}

/// Only Ashby's own pages: `https://app|developers|jobs.ashbyhq.com/…`, no credentials, no
/// port; or a plain `mailto:` for one address (a hiring-team email), with nothing after it.
pub fn allowed(url: &str) -> bool {
    if let Some(addr) = url.strip_prefix("mailto:") {
        return plain_address(addr);
    }
    let Ok(u) = tauri::Url::parse(url) else {
        return false;
    };
    u.scheme() == "https"
        && matches!(
            u.host_str(),
            Some("app.ashbyhq.com" | "developers.ashbyhq.com" | "jobs.ashbyhq.com")
        )
        && u.port().is_none()
        && u.username().is_empty()
        && u.password().is_none()
        && !url.chars().any(char::is_whitespace)
}

/// `name@example.com`: one address, no subject/body/cc parameters, nothing an opener could
/// read as an option or a second argument.
fn plain_address(addr: &str) -> bool {
    let Some((local, domain)) = addr.split_once('@') else {
        return false;
    };
    let ok_local = |c: char| c.is_ascii_alphanumeric() || "._%+-'".contains(c);
    let ok_domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    !local.is_empty()
        && !local.starts_with('-')
        && local.len() <= 64
        && local.chars().all(ok_local)
        && domain.contains('.')
        && domain.len() <= 253
        && domain.chars().all(ok_domain)
        && !domain.starts_with(['.', '-'])
}

/// A launcher built by tauri-plugin-shell's command API (which also keeps a console window from
/// flashing up on Windows) for one opener command.
pub fn via_shell<R: tauri::Runtime>(shell: &Shell<R>) -> impl Fn(&Command) -> Command + '_ {
    move |opener| {
        shell
            .command(opener.get_program())
            .args(opener.get_args())
            .into()
    }
}

/// The opener commands for `url`, each built by `build`, with the environment the browser
/// should get.
pub fn commands(url: &str, build: impl Fn(&Command) -> Command) -> Vec<Command> {
    let ours = SET_FOR_OURSELVES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    open::commands(url)
        .into_iter()
        .map(|opener| {
            let mut cmd = build(&opener);
            cmd.env_remove(crate::config::vars::API_KEY);
            for name in &ours {
                cmd.env_remove(name);
            }
            cmd.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            #[cfg(unix)]
            if let Some(&mask) = INHERITED_UMASK.get() {
                use std::os::unix::process::CommandExt;
                // SAFETY: umask is async-signal-safe, as pre_exec requires.
                unsafe {
                    cmd.pre_exec(move || {
                        libc::umask(mask);
                        Ok(())
                    });
                }
            }
            cmd
        })
        .collect()
}

/// Opens `url` in the default browser: the first opener that starts and does not fail at once.
pub fn open(url: &str, build: impl Fn(&Command) -> Command) -> AppResult<()> {
    if !allowed(url) {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            "Ashby Sync only opens Ashby's own pages (https://app.ashbyhq.com and its help pages) \
             and email addresses.",
        ));
    }
    let mut last_error = String::from("no opener found");
    for mut cmd in commands(url, build) {
        let program = cmd.get_program().to_string_lossy().into_owned();
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                last_error = format!("{program}: {e}");
                continue;
            }
        };
        // An opener that fails does so at once (no browser configured); one still running
        // after a moment is handing over to the browser.
        let deadline = Instant::now() + Duration::from_millis(1500);
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(25))
                }
                _ => break None,
            }
        };
        match status {
            Some(s) if !s.success() => {
                last_error = format!("{program} exited with {s}");
                continue;
            }
            Some(_) => {}
            None => {
                // Reap it whenever it ends.
                std::thread::spawn(move || child.wait());
            }
        }
        tracing::info!(opener = %program, "opened an Ashby page in the browser");
        return Ok(());
    }
    // The opener's own words and exit status are for the log; the user gets what to do.
    tracing::warn!(
        "could not open {}: {last_error}",
        if url.starts_with("mailto:") {
            "the email app"
        } else {
            "the browser"
        }
    );
    Err(AppError::new(
        ErrorCode::BrowserUnavailable,
        if url.starts_with("mailto:") {
            "Ashby Sync couldn't open your email app. Copy the address and write to it from \
             your email app."
        } else {
            "Ashby Sync couldn't open your web browser. Copy the address and open it in your \
             browser yourself."
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(opener: &Command) -> Command {
        let mut c = Command::new(opener.get_program());
        c.args(opener.get_args());
        c
    }

    #[test]
    fn only_ashby_pages_are_allowed() {
        for ok in [
            "https://app.ashbyhq.com/admin/api/keys",
            "https://developers.ashbyhq.com/reference/introduction",
            "https://jobs.ashbyhq.com/acme/123",
            "https://app.ashbyhq.com",
        ] {
            assert!(allowed(ok), "{ok}");
        }
        for bad in [
            "http://app.ashbyhq.com/",
            "https://app.ashbyhq.com.evil.example/",
            "https://evil.example/?https://app.ashbyhq.com",
            "https://user:pw@app.ashbyhq.com/",
            "https://app.ashbyhq.com:8443/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://app.ashbyhq.com/a b",
            "",
        ] {
            assert!(!allowed(bad), "{bad}");
        }
        let err = open("https://evil.example/", plain).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
    }

    #[test]
    fn a_plain_email_address_is_allowed_and_nothing_more() {
        for ok in [
            "mailto:ada@example.com",
            "mailto:o'brien+jobs@mail.example.co.uk",
        ] {
            assert!(allowed(ok), "{ok}");
        }
        for bad in [
            "mailto:",
            "mailto:ada",
            "mailto:ada@localhost",
            "mailto:ada@example.com?subject=hi",
            "mailto:ada@example.com,eve@example.com",
            "mailto:-x@example.com",
            "mailto:ada@example.com foo",
            "mailto:ada@-example.com",
            "mailto:ada@exa;mple.com",
            "MAILTO:ada@example.com\n",
        ] {
            assert!(!allowed(bad), "{bad}");
        }
    }

    #[test]
    fn a_browser_that_cannot_start_is_explained_without_the_launchers_words() {
        // Every opener fails: the user gets what happened and what to do, not an exit status.
        let failing = |_: &Command| Command::new("false");
        let err = open("https://app.ashbyhq.com/jobs/1", failing).unwrap_err();
        assert_eq!(err.code(), ErrorCode::BrowserUnavailable);
        let msg = err.to_string();
        assert!(msg.contains("couldn't open your web browser"), "{msg}");
        assert!(!msg.contains("exit") && !msg.contains("false"), "{msg}");
        let err = open("mailto:ada@example.com", failing).unwrap_err();
        assert!(err.to_string().contains("email app"), "{err}");
    }

    #[test]
    fn the_browser_gets_neither_the_key_nor_our_webkit_settings() {
        set_for_ourselves("WEBKIT_DISABLE_COMPOSITING_MODE");
        let cmds = commands("https://app.ashbyhq.com/", plain);
        assert!(!cmds.is_empty());
        for cmd in &cmds {
            let removed: Vec<String> = cmd
                .get_envs()
                .filter(|(_, v)| v.is_none())
                .map(|(k, _)| k.to_string_lossy().into_owned())
                .collect();
            assert!(
                removed.contains(&"ASHBY_API_KEY".to_string()),
                "{removed:?}"
            );
            assert!(
                removed.contains(&"WEBKIT_DISABLE_COMPOSITING_MODE".to_string()),
                "{removed:?}"
            );
        }
    }
}
