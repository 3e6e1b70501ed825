//! The vault against the real Secret Service: gnome-keyring in a private D-Bus session.
//!
//! Each test re-runs itself (the same test binary, `<name> --exact`) inside `dbus-run-session`
//! with a throwaway HOME/XDG dirs, so it never touches the developer's own keyring, and asserts
//! that the child ran exactly that one test and passed. Needs `dbus-run-session`,
//! `gnome-keyring-daemon` and `secret-tool` (Debian: dbus-daemon, gnome-keyring, libsecret-tools).
#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::{Command, Output};

use ashby_sync_core::ashby::ApiKey;
use ashby_sync_core::config::APP_IDENTIFIER;
use ashby_sync_core::error::ErrorCode;
use ashby_sync_core::vault::{self, Vault, VaultStatus, ACCOUNT, ITEM_LABEL};

/// Set in the re-executed child: run the test body instead of spawning.
const CHILD_ENV: &str = "ASHBY_SYNC_VAULT_TEST_CHILD";
/// Password of the throwaway login keyring. gnome-keyring 42 won't unlock with an empty one.
const KEYRING_PASSWORD: &str = "throwaway-test-password";
const TEST_KEY: &str = "test-ashby-key-0123456789abcdef";

fn in_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}

/// How the private session is prepared before the child test runs.
enum Session {
    /// gnome-keyring running with an unlocked (new) login keyring.
    Unlocked,
    /// A login keyring holding the app's item exists, but gnome-keyring starts locked and can't
    /// prompt (no display).
    Locked,
    /// A bus with no Secret Service provider and no way to activate one.
    NoProvider,
}

fn run_in_private_session(test_name: &str, session: Session) {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let runtime = tmp.path().join("run");
    for d in [&home, &runtime] {
        std::fs::create_dir_all(d).unwrap();
    }
    set_mode_700(&runtime);
    let exe = std::env::current_exe().unwrap();
    let unlock = format!(
        "printf %s '{KEYRING_PASSWORD}' | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
    );
    let run_child = r#"exec "$0" "$1" --exact --nocapture --test-threads=1"#;

    let mut config_args: Vec<String> = Vec::new();
    let script = match session {
        Session::Unlocked => format!("{unlock} && {run_child}"),
        Session::Locked => {
            // First session: create the login keyring and store an item in it.
            let prep = format!(
                "{unlock} && printf %s '{TEST_KEY}' | secret-tool store --label=prepared \
                 service {APP_IDENTIFIER} username {ACCOUNT}"
            );
            let out = session_command(&home, &runtime, &[], &prep, &exe, test_name)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "preparing the keyring failed: {}",
                show(&out)
            );
            // Second session: the daemon starts without the password, so the keyring stays locked.
            format!("gnome-keyring-daemon --start --components=secrets >/dev/null && {run_child}")
        }
        Session::NoProvider => {
            let conf = tmp.path().join("session.conf");
            std::fs::write(&conf, bus_config_without_services(tmp.path())).unwrap();
            config_args.push(format!("--config-file={}", conf.display()));
            run_child.to_string()
        }
    };
    let out = session_command(&home, &runtime, &config_args, &script, &exe, test_name)
        .env(CHILD_ENV, "1")
        .output()
        .unwrap_or_else(|e| {
            panic!("could not start dbus-run-session ({e}); install dbus-daemon and gnome-keyring")
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child test failed: {}", show(&out));
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "the child must run exactly this test: {}",
        show(&out)
    );
    assert!(
        !stdout.contains(TEST_KEY) && !String::from_utf8_lossy(&out.stderr).contains(TEST_KEY),
        "the key leaked into the output"
    );
}

fn session_command(
    home: &Path,
    runtime: &Path,
    config_args: &[String],
    script: &str,
    exe: &Path,
    test_name: &str,
) -> Command {
    let mut cmd = Command::new("timeout");
    cmd.arg("120")
        .arg("dbus-run-session")
        .args(config_args)
        .args(["--", "sh", "-c", script])
        .arg(exe)
        .arg(test_name)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_RUNTIME_DIR", runtime);
    cmd
}

/// A session bus config like the system's, minus the service directories: nothing can be
/// activated, so no Secret Service exists unless one is started by hand.
fn bus_config_without_services(dir: &Path) -> String {
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
        dir.display()
    )
}

fn set_mode_700(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700)).unwrap();
}

fn show(out: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn secret_tool(args: &[&str]) -> Output {
    Command::new("secret-tool").args(args).output().unwrap()
}

fn lookup() -> Option<String> {
    let out = secret_tool(&["lookup", "service", APP_IDENTIFIER, "username", ACCOUNT]);
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `secret-tool search --all` prints each item's label and attributes on stderr-free stdout.
fn search_items() -> String {
    let out = secret_tool(&["search", "--all", "service", APP_IDENTIFIER]);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn key(s: &str) -> ApiKey {
    ApiKey::parse(s).unwrap()
}

#[test]
fn real_keyring_set_get_replace_delete() {
    if !in_child() {
        return run_in_private_session("real_keyring_set_get_replace_delete", Session::Unlocked);
    }
    let vault = Vault::new(ACCOUNT).expect("gnome-keyring is running and unlocked");
    assert_eq!(vault.get().unwrap(), None);
    assert_eq!(vault::check(ACCOUNT), VaultStatus::NoKey);
    assert_eq!(lookup(), None);

    vault.set(&key(TEST_KEY)).unwrap();
    // It really is in gnome-keyring, under the app identifier.
    assert_eq!(lookup().as_deref(), Some(TEST_KEY));
    let items = search_items();
    assert!(items.contains(&format!("label = {ITEM_LABEL}")), "{items}");
    assert!(
        items.contains(&format!("attribute.service = {APP_IDENTIFIER}")),
        "{items}"
    );
    assert!(
        items.contains(&format!("attribute.username = {ACCOUNT}")),
        "{items}"
    );
    // A fresh connection (what the app does at the next launch) reads it back.
    assert_eq!(
        Vault::new(ACCOUNT).unwrap().get().unwrap(),
        Some(key(TEST_KEY))
    );
    assert_eq!(vault::check(ACCOUNT), VaultStatus::KeyStored);

    // Replacing keeps exactly one item.
    vault.set(&key("replacement-key-42")).unwrap();
    assert_eq!(lookup().as_deref(), Some("replacement-key-42"));
    assert_eq!(
        search_items()
            .matches("attribute.username = api-key")
            .count(),
        1
    );

    assert!(vault.delete().unwrap());
    assert_eq!(lookup(), None);
    assert_eq!(vault.get().unwrap(), None);
    assert!(!vault.delete().unwrap());
    assert_eq!(vault::check(ACCOUNT), VaultStatus::NoKey);

    // An item written by another tool with the same attributes is found (and normalised).
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=external",
            "service",
            APP_IDENTIFIER,
            "username",
            ACCOUNT,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"  pasted-key-with-spaces-around\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(
        vault.get().unwrap(),
        Some(key("pasted-key-with-spaces-around"))
    );
    assert!(vault.delete().unwrap());
    assert_eq!(lookup(), None);
}

#[test]
fn locked_keyring_is_reported_as_locked() {
    if !in_child() {
        return run_in_private_session("locked_keyring_is_reported_as_locked", Session::Locked);
    }
    let vault = Vault::new(ACCOUNT).expect("the Secret Service itself is running");
    let err = vault.get().unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainLocked, "{err}");
    assert!(err.to_string().contains("Unlock your keychain"), "{err}");
    let err = vault.set(&key("another-key")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainLocked, "{err}");
    match vault::check(ACCOUNT) {
        VaultStatus::Error { code, message } => {
            assert_eq!(code, ErrorCode::KeychainLocked);
            assert!(message.contains("Retry"));
        }
        other => panic!("expected a locked status, got {other:?}"),
    }
}

#[test]
fn missing_secret_service_is_unavailable_and_retry_works_once_started() {
    if !in_child() {
        return run_in_private_session(
            "missing_secret_service_is_unavailable_and_retry_works_once_started",
            Session::NoProvider,
        );
    }
    let err = Vault::new(ACCOUNT).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable, "{err}");
    let msg = err.to_string();
    // The real reason from the store, and how to fix it.
    assert!(msg.contains("org.freedesktop.secrets"), "{msg}");
    assert!(msg.contains("GNOME Keyring or KWallet"), "{msg}");
    assert!(msg.contains("Retry"), "{msg}");
    match vault::check(ACCOUNT) {
        VaultStatus::Error { code, .. } => assert_eq!(code, ErrorCode::KeychainUnavailable),
        other => panic!("expected unavailable, got {other:?}"),
    }

    // The user starts a keyring and presses Retry: a new Vault connects without a restart.
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = daemon.stdin.take().unwrap();
        stdin.write_all(KEYRING_PASSWORD.as_bytes()).unwrap();
    }
    assert!(daemon.wait().unwrap().success());
    // The daemon claims its bus name just after the launcher exits: press Retry until it's there.
    let mut retries = 0;
    let vault = loop {
        match Vault::new(ACCOUNT) {
            Ok(v) => break v,
            Err(e) if retries < 100 => {
                assert_eq!(e.code(), ErrorCode::KeychainUnavailable, "{e}");
                retries += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("Retry after starting gnome-keyring still fails: {e}"),
        }
    };
    vault.set(&key(TEST_KEY)).unwrap();
    assert_eq!(lookup().as_deref(), Some(TEST_KEY));
    assert!(vault.delete().unwrap());

    // No D-Bus session at all.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/ashby-sync-test-bus",
    );
    let err = Vault::new(ACCOUNT).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable, "{err}");
    // The message names the real reason (the bus address that failed).
    assert!(
        err.to_string().contains("/nonexistent/ashby-sync-test-bus"),
        "{err}"
    );
}
