//! Start at login on Linux: an XDG autostart entry in `$XDG_CONFIG_HOME/autostart` (else
//! `~/.config/autostart`), as the XDG Base Directory and Desktop Application Autostart specs
//! say. (tauri-plugin-autostart's Linux side always writes to `~/.config`, ignoring
//! `XDG_CONFIG_HOME`; macOS and Windows keep using the plugin.)

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

/// Our entry's file name (the desktop file id, like the installed `.desktop`).
pub const ENTRY_FILE: &str = "ashby-sync.desktop";
/// What tauri-plugin-autostart wrote before (from `APP_NAME`); removed when the setting changes.
const LEGACY_FILE: &str = "Ashby Sync.desktop";

/// The login items of one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XdgAutostart {
    dir: PathBuf,
    /// `~/.config/autostart`, where the plugin wrote, when that is another folder.
    legacy_dir: Option<PathBuf>,
}

impl XdgAutostart {
    /// From the environment's `XDG_CONFIG_HOME` and `HOME`. A relative or empty
    /// `XDG_CONFIG_HOME` is ignored, as the spec requires. `None` without either.
    pub fn from_env(xdg_config_home: Option<OsString>, home: Option<OsString>) -> Option<Self> {
        let home_config = home
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".config"));
        let config = xdg_config_home
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| home_config.clone())?;
        let dir = config.join("autostart");
        let legacy_dir = home_config
            .map(|c| c.join("autostart"))
            .filter(|d| *d != dir);
        Some(XdgAutostart { dir, legacy_dir })
    }

    /// This process's environment.
    pub fn for_user() -> Option<Self> {
        Self::from_env(
            std::env::var_os("XDG_CONFIG_HOME"),
            std::env::var_os("HOME"),
        )
    }

    pub fn entry_path(&self) -> PathBuf {
        self.dir.join(ENTRY_FILE)
    }

    fn legacy_paths(&self) -> Vec<PathBuf> {
        std::iter::once(&self.dir)
            .chain(self.legacy_dir.as_ref())
            .map(|d| d.join(LEGACY_FILE))
            .collect()
    }

    pub fn is_enabled(&self) -> bool {
        self.entry_path().is_file() || self.legacy_paths().iter().any(|p| p.is_file())
    }

    /// Writes the entry starting `exec` with `args` (and removes the plugin's old one).
    pub fn enable(&self, exec: &Path, args: &[&str]) -> io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let tmp = self.dir.join(format!(".{ENTRY_FILE}.tmp"));
        std::fs::write(&tmp, desktop_entry(exec, args))?;
        std::fs::rename(&tmp, self.entry_path())?;
        self.remove_legacy()
    }

    pub fn disable(&self) -> io::Result<()> {
        remove_if_present(&self.entry_path())?;
        self.remove_legacy()
    }

    fn remove_legacy(&self) -> io::Result<()> {
        self.legacy_paths()
            .iter()
            .try_for_each(|p| remove_if_present(p))
    }
}

fn remove_if_present(p: &Path) -> io::Result<()> {
    match std::fs::remove_file(p) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The autostart entry: starts the app in the background (no window) at login.
pub fn desktop_entry(exec: &Path, args: &[&str]) -> String {
    let mut line = exec_arg(&exec.to_string_lossy());
    for a in args {
        line.push(' ');
        line.push_str(&exec_arg(a));
    }
    format!(
        "[Desktop Entry]\nType=Application\nName={name}\nComment=Keeps {name} syncing jobs in the \
         background\nExec={line}\nIcon=ashby-sync\nTerminal=false\nStartupNotify=false\n\
         X-GNOME-Autostart-enabled=true\n",
        name = crate::config::APP_NAME,
    )
}

/// One argument of `Exec=`: quoted as the Desktop Entry spec says (`"`, `` ` ``, `$` and `\`
/// escaped inside double quotes, `%` doubled), then escaped once more as a string value
/// (`\` → `\\`), so a path with spaces or quotes starts the right file.
fn exec_arg(a: &str) -> String {
    let mut quoted = String::from("\"");
    for ch in a.chars() {
        match ch {
            '"' | '`' | '$' | '\\' => {
                quoted.push('\\');
                quoted.push(ch);
            }
            '%' => quoted.push_str("%%"),
            '\n' | '\r' => quoted.push(' '),
            _ => quoted.push(ch),
        }
    }
    quoted.push('"');
    quoted.replace('\\', "\\\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honours_xdg_config_home_and_falls_back_to_home() {
        let a = XdgAutostart::from_env(Some("/x/cfg".into()), Some("/home/u".into())).unwrap();
        assert_eq!(
            a.entry_path(),
            Path::new("/x/cfg/autostart/ashby-sync.desktop")
        );
        let b = XdgAutostart::from_env(None, Some("/home/u".into())).unwrap();
        assert_eq!(
            b.entry_path(),
            Path::new("/home/u/.config/autostart/ashby-sync.desktop")
        );
        // Relative or empty values are to be ignored (XDG Base Directory spec).
        for bad in ["", "rel/cfg"] {
            let c = XdgAutostart::from_env(Some(bad.into()), Some("/home/u".into())).unwrap();
            assert_eq!(c, b, "{bad:?}");
        }
        assert_eq!(XdgAutostart::from_env(None, None), None);
    }

    #[test]
    fn writes_and_removes_the_entry_where_the_spec_says() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let xdg = dir.path().join("xdg");
        let a =
            XdgAutostart::from_env(Some(xdg.clone().into()), Some(home.clone().into())).unwrap();
        // The plugin's old entry, in ~/.config even though XDG_CONFIG_HOME is elsewhere.
        let legacy = home.join(".config/autostart/Ashby Sync.desktop");
        std::fs::create_dir_all(legacy.parent().unwrap()).unwrap();
        std::fs::write(&legacy, "[Desktop Entry]\n").unwrap();
        assert!(a.is_enabled(), "the old entry counts");

        a.enable(Path::new("/opt/Ashby Sync/ashby-sync"), &["--background"])
            .unwrap();
        let path = xdg.join("autostart/ashby-sync.desktop");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("\nExec=\"/opt/Ashby Sync/ashby-sync\" \"--background\"\n"),
            "{text}"
        );
        assert!(
            text.starts_with("[Desktop Entry]\nType=Application\n"),
            "{text}"
        );
        assert!(!legacy.exists(), "the old entry is replaced, not doubled");
        assert!(!home.join(".config/autostart/ashby-sync.desktop").exists());
        assert!(a.is_enabled());

        a.disable().unwrap();
        assert!(!path.exists());
        assert!(!a.is_enabled());
        a.disable().unwrap();
    }

    #[test]
    fn exec_quotes_what_the_spec_reserves() {
        let e = desktop_entry(Path::new("/a/b$c\"d\\e%f"), &[]);
        // `$` `"` `\` escaped inside quotes, `%` doubled, then every `\` doubled for the value.
        assert!(
            e.contains("\nExec=\"/a/b\\\\$c\\\\\"d\\\\\\\\e%%f\"\n"),
            "{e}"
        );
    }
}
