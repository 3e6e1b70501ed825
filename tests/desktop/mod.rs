//! The desktop session the real-window tests and the start-up benchmark run the app in: our own
//! Xvfb, a private D-Bus session bus and an unlocked gnome-keyring, with HOME, the XDG dirs and the
//! app's data dir in a temp dir (WebKit writes under HOME). Each helper runs in its own process
//! group, stopped with the whole group on drop, on success and on panic alike.
//!
//! Included with `#[path]` by `tests/e2e/harness.rs` and `tests/bench/startup.rs`.

use std::io::{BufRead, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child in its own process group; the whole group is stopped on drop (WebKit's helper
/// processes may outlive their parent).
pub struct Proc {
    pub child: Child,
}

impl Proc {
    pub fn spawn(name: &'static str, cmd: &mut Command) -> Result<Proc, String> {
        let child = cmd.process_group(0).spawn().map_err(|e| {
            format!("could not start {name}: {e} (run `cargo xtask test`, which installs it)")
        })?;
        Ok(Proc { child })
    }

    /// SIGTERM to the group, up to 5 s for the leader to exit, then SIGKILL for what is left.
    pub fn stop(&mut self) {
        let pgid = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-TERM", "--", &pgid])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &pgid])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn wait_until(
    what: &str,
    timeout: Duration,
    mut f: impl FnMut() -> bool,
) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if f() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("timed out waiting for {what}"))
}

/// Password of the throwaway login keyring: gnome-keyring creates no login collection with an
/// empty one.
const KEYRING_PASSWORD: &[u8] = b"test-session-keyring-password";

/// One desktop session. It outlives app restarts, so a restarted app sees the same keychain and
/// data. Fields drop in order: the processes stop before their temp dir goes.
pub struct Desktop {
    procs: Vec<Proc>,
    pub tmp: tempfile::TempDir,
    pub display: String,
    pub dbus_address: String,
    pub data_dir: PathBuf,
}

impl Desktop {
    /// Starts a session whose temp dir is named `prefix…`, on a 1280×800 screen.
    pub fn start(prefix: &str) -> Result<Desktop, String> {
        Self::start_with_screen(prefix, "1280x800x24")
    }

    /// [`start`](Self::start) with the X screen's size (`WxHxDEPTH`).
    pub fn start_with_screen(prefix: &str, screen: &str) -> Result<Desktop, String> {
        let tmp = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir()
            .map_err(|e| format!("temp dir: {e}"))?;
        for d in ["data", "config", "cache", "runtime", "app-data", "home"] {
            std::fs::create_dir_all(tmp.path().join(d)).map_err(|e| format!("mkdir {d}: {e}"))?;
        }
        let _ = std::fs::set_permissions(
            tmp.path().join("runtime"),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        );
        let mut procs = Vec::new();

        // Display: our own Xvfb on the first free number.
        let n = (90..700)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .ok_or("no free X display number")?;
        let display = format!(":{n}");
        procs.push(Proc::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args([display.as_str(), "-screen", "0", screen, "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?);
        wait_until("Xvfb", Duration::from_secs(10), || {
            Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
        })?;

        // A private session bus.
        let mut dbus = Proc::spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )?;
        let mut line = String::new();
        if let Some(out) = dbus.child.stdout.take() {
            std::io::BufReader::new(out)
                .read_line(&mut line)
                .map_err(|e| format!("reading the D-Bus address: {e}"))?;
        }
        let dbus_address = line.trim().to_string();
        if dbus_address.is_empty() {
            return Err("dbus-daemon printed no address".into());
        }
        procs.push(dbus);

        let mut desk = Desktop {
            data_dir: tmp.path().join("app-data"),
            tmp,
            display,
            dbus_address,
            procs,
        };

        // gnome-keyring with the secrets component, its login keyring created and unlocked.
        let mut kr = Command::new("gnome-keyring-daemon");
        kr.args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        desk.apply_env(&mut kr);
        let mut kr = Proc::spawn("gnome-keyring-daemon", &mut kr)?;
        if let Some(mut stdin) = kr.child.stdin.take() {
            let _ = stdin.write_all(KEYRING_PASSWORD);
        }
        desk.procs.push(kr);
        let addr = desk.dbus_address.clone();
        wait_until(
            "the Secret Service on the private bus",
            Duration::from_secs(10),
            || {
                Command::new("dbus-send")
                    .args([
                        "--session",
                        "--print-reply",
                        "--dest=org.freedesktop.DBus",
                        "/org/freedesktop/DBus",
                        "org.freedesktop.DBus.NameHasOwner",
                        "string:org.freedesktop.secrets",
                    ])
                    .env("DBUS_SESSION_BUS_ADDRESS", &addr)
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
                    .unwrap_or(false)
            },
        )?;
        Ok(desk)
    }

    /// The environment every process of the session gets. Only the test runner itself keeps the
    /// real HOME, which cargo needs.
    pub fn apply_env(&self, cmd: &mut Command) {
        let t = self.tmp.path();
        cmd.env("HOME", t.join("home"))
            .env("DISPLAY", &self.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.dbus_address)
            .env("XDG_DATA_HOME", t.join("data"))
            .env("XDG_CONFIG_HOME", t.join("config"))
            .env("XDG_CACHE_HOME", t.join("cache"))
            .env("XDG_RUNTIME_DIR", t.join("runtime"))
            .env("ASHBY_SYNC_DATA_DIR", &self.data_dir)
            .env("GDK_BACKEND", "x11")
            .env("NO_AT_BRIDGE", "1")
            .env_remove("WAYLAND_DISPLAY");
    }
}
