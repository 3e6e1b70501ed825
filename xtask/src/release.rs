//! `cargo xtask release --version X.Y.Z`: sets the product version everywhere it is written, in
//! one go, and refuses when those places disagree beforehand (someone edited one by hand).
//! `--check [X.Y.Z]` only checks (the release workflow runs it against the tag).
//!
//! The product version lives in `[workspace.package] version` (inherited by the app crate and the
//! core crate, whose `CARGO_PKG_VERSION` the app shows), `tauri.conf.json` (installers, the
//! updater's "current version"), `ui/package.json` and `ui/package-lock.json`, and `Cargo.lock`'s
//! entries for the two crates. xtask and fake-ashby are development tools, never shipped: their
//! versions stay put.

use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::path::Path;

/// The crates whose Cargo.lock entries carry the product version.
const LOCKED_CRATES: [&str; 2] = ["ashby-sync", "ashby-sync-core"];

/// One place a version is written: where, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub place: String,
    pub version: String,
}

/// Every version field under `root`, in a fixed order.
pub fn fields(root: &Path) -> Result<Vec<Field>> {
    let mut out = Vec::new();
    let cargo = read(root, "Cargo.toml")?;
    out.push(Field {
        place: "Cargo.toml [workspace.package] version".into(),
        version: toml_version(&cargo, "[workspace.package]")
            .context("Cargo.toml has no [workspace.package] version")?,
    });
    let conf = json(root, "tauri.conf.json")?;
    out.push(Field {
        place: "tauri.conf.json version".into(),
        version: str_at(&conf, &["version"]).context("tauri.conf.json has no version")?,
    });
    let pkg = json(root, "ui/package.json")?;
    out.push(Field {
        place: "ui/package.json version".into(),
        version: str_at(&pkg, &["version"]).context("ui/package.json has no version")?,
    });
    let lock = json(root, "ui/package-lock.json")?;
    out.push(Field {
        place: "ui/package-lock.json version".into(),
        version: str_at(&lock, &["version"]).context("ui/package-lock.json has no version")?,
    });
    out.push(Field {
        place: "ui/package-lock.json packages[\"\"].version".into(),
        version: str_at(&lock, &["packages", "", "version"])
            .context("ui/package-lock.json has no packages[\"\"].version")?,
    });
    let cargo_lock = read(root, "Cargo.lock")?;
    for name in LOCKED_CRATES {
        out.push(Field {
            place: format!("Cargo.lock {name}"),
            version: lock_version(&cargo_lock, name)
                .with_context(|| format!("Cargo.lock has no package {name}"))?,
        });
    }
    Ok(out)
}

/// The one version every field agrees on, or an error listing them.
pub fn agreed(root: &Path) -> Result<String> {
    let fields = fields(root)?;
    let first = fields[0].version.clone();
    if fields.iter().all(|f| f.version == first) {
        return Ok(first);
    }
    let list: Vec<String> = fields
        .iter()
        .map(|f| format!("  {}: {}", f.place, f.version))
        .collect();
    bail!(
        "the version fields disagree; make them equal by hand first (nothing was changed):\n{}",
        list.join("\n")
    )
}

/// A release version: `MAJOR.MINOR.PATCH`, plain numbers (Windows installers take no
/// pre-release labels, and the updater compares these as semver).
pub fn parse_version(v: &str) -> Result<[u64; 3]> {
    let parts: Vec<&str> = v.split('.').collect();
    let nums: Vec<u64> = parts
        .iter()
        .filter(|p| !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()))
        .filter(|p| p.len() == 1 || !p.starts_with('0'))
        .filter_map(|p| p.parse().ok())
        .collect();
    match nums.as_slice() {
        [a, b, c] if parts.len() == 3 => Ok([*a, *b, *c]),
        _ => bail!("`{v}` is not a version like 1.2.3 (three numbers, no leading zeros, no suffix: Windows installers accept nothing else)"),
    }
}

/// Writes `new` into every field. Refuses when the fields disagree, when `new` is not a version
/// or not newer than the current one (installed copies would never be offered it).
pub fn bump(root: &Path, new: &str) -> Result<String> {
    let new_n = parse_version(new)?;
    let old = agreed(root)?;
    let old_n = parse_version(&old)
        .with_context(|| format!("the current version `{old}` is not a plain X.Y.Z"))?;
    if new_n <= old_n {
        bail!("{new} is not newer than the current version {old}: the updater offers only newer versions");
    }
    // Everything is computed first and written after, so a failure leaves every file as it was.
    let cargo = read(root, "Cargo.toml")?;
    let cargo = set_toml_version(&cargo, "[workspace.package]", new)?;
    let conf = set_json_versions(&read(root, "tauri.conf.json")?, &old, new, &[&["version"]])?;
    let pkg = set_json_versions(&read(root, "ui/package.json")?, &old, new, &[&["version"]])?;
    let lock = set_json_versions(
        &read(root, "ui/package-lock.json")?,
        &old,
        new,
        &[&["version"], &["packages", "", "version"]],
    )?;
    let mut cargo_lock = read(root, "Cargo.lock")?;
    for name in LOCKED_CRATES {
        cargo_lock = set_lock_version(&cargo_lock, name, new)?;
    }
    for (path, text) in [
        ("Cargo.toml", cargo),
        ("tauri.conf.json", conf),
        ("ui/package.json", pkg),
        ("ui/package-lock.json", lock),
        ("Cargo.lock", cargo_lock),
    ] {
        std::fs::write(root.join(path), text).with_context(|| format!("could not write {path}"))?;
    }
    let now = agreed(root)?;
    if now != new {
        bail!("after the bump the fields say {now}, not {new}");
    }
    Ok(old)
}

fn read(root: &Path, rel: &str) -> Result<String> {
    std::fs::read_to_string(root.join(rel)).with_context(|| format!("could not read {rel}"))
}

fn json(root: &Path, rel: &str) -> Result<Value> {
    serde_json::from_str(&read(root, rel)?).with_context(|| format!("{rel} is not valid JSON"))
}

fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    cur.as_str().map(str::to_string)
}

/// The line range of a TOML table's own keys: from its header to the next header.
fn table_lines<'a>(text: &'a str, header: &str) -> Option<Vec<(usize, &'a str)>> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.trim() == header)?;
    Some(
        lines
            .iter()
            .enumerate()
            .skip(start + 1)
            .take_while(|(_, l)| !l.trim_start().starts_with('['))
            .map(|(i, l)| (i, *l))
            .collect(),
    )
}

fn quoted_value(line: &str, key: &str) -> Option<String> {
    let rest = line
        .trim()
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

fn toml_version(text: &str, header: &str) -> Option<String> {
    table_lines(text, header)?
        .into_iter()
        .find_map(|(_, l)| quoted_value(l, "version"))
}

fn set_toml_version(text: &str, header: &str, new: &str) -> Result<String> {
    let (idx, _) = table_lines(text, header)
        .and_then(|ls| {
            ls.into_iter()
                .find(|(_, l)| quoted_value(l, "version").is_some())
        })
        .with_context(|| format!("no version in {header}"))?;
    let mut out: Vec<String> = text.lines().map(str::to_string).collect();
    out[idx] = format!("version = \"{new}\"");
    Ok(join_like(text, out))
}

/// Cargo.lock: the `version` line after `name = "<name>"`.
fn lock_version(text: &str, name: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == format!("name = \"{name}\""))?;
    quoted_value(lines.get(at + 1)?, "version")
}

fn set_lock_version(text: &str, name: &str, new: &str) -> Result<String> {
    let mut out: Vec<String> = text.lines().map(str::to_string).collect();
    let at = out
        .iter()
        .position(|l| *l == format!("name = \"{name}\""))
        .with_context(|| format!("Cargo.lock has no package {name}"))?;
    match out.get(at + 1) {
        Some(l) if quoted_value(l, "version").is_some() => {
            out[at + 1] = format!("version = \"{new}\"");
        }
        _ => bail!("Cargo.lock: no version line after {name}"),
    }
    Ok(join_like(text, out))
}

fn join_like(original: &str, lines: Vec<String>) -> String {
    let mut s = lines.join("\n");
    if original.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Replaces the first occurrences of `"version": "<old>"` (one per path, which are the first
/// ones in these files) and proves by re-parsing that exactly the given paths changed.
fn set_json_versions(text: &str, old: &str, new: &str, paths: &[&[&str]]) -> Result<String> {
    let needle = format!("\"version\": \"{old}\"");
    let replacement = format!("\"version\": \"{new}\"");
    let out = text.replacen(&needle, &replacement, paths.len());
    let mut expected: Value = serde_json::from_str(text)?;
    for path in paths {
        let mut cur = &mut expected;
        for key in *path {
            cur = cur
                .get_mut(*key)
                .with_context(|| format!("no {}", path.join(".")))?;
        }
        *cur = Value::String(new.into());
    }
    let got: Value = serde_json::from_str(&out)?;
    if got != expected {
        bail!("could not rewrite the version fields in place (unexpected layout)");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_repo_files(to: &Path) {
        std::fs::create_dir_all(to.join("ui")).unwrap();
        for f in [
            "Cargo.toml",
            "Cargo.lock",
            "tauri.conf.json",
            "ui/package.json",
            "ui/package-lock.json",
        ] {
            std::fs::copy(crate::prereqs::root().join(f), to.join(f)).unwrap();
        }
    }

    #[test]
    fn the_repositorys_version_fields_agree() {
        let root = crate::prereqs::root();
        let v = agreed(root).unwrap();
        parse_version(&v).unwrap();
        // What the app reports at run time is the same version.
        let conf: Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap())
                .unwrap();
        assert_eq!(conf["version"], v.as_str());
        assert_eq!(fields(root).unwrap().len(), 7);
    }

    #[test]
    fn bump_sets_every_field_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        copy_repo_files(tmp.path());
        let before = agreed(tmp.path()).unwrap();
        let [a, b, c] = parse_version(&before).unwrap();
        let next = format!("{a}.{}.{c}", b + 1);
        let read = |f: &str| std::fs::read_to_string(tmp.path().join(f)).unwrap();
        let cargo_before = read("Cargo.toml");
        assert_eq!(bump(tmp.path(), &next).unwrap(), before);
        assert!(fields(tmp.path())
            .unwrap()
            .iter()
            .all(|f| f.version == next));
        // Only the version line of Cargo.toml changed.
        let cargo_after = read("Cargo.toml");
        let diff: Vec<(&str, &str)> = cargo_before
            .lines()
            .zip(cargo_after.lines())
            .filter(|(x, y)| x != y)
            .collect();
        assert_eq!(diff.len(), 1, "{diff:?}");
        assert_eq!(diff[0].1, format!("version = \"{next}\""));
        // Dependencies that happen to have the old version are untouched.
        let lock: Value = serde_json::from_str(&read("ui/package-lock.json")).unwrap();
        let others = lock["packages"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .filter(|(_, p)| p["version"] == next.as_str())
            .count();
        assert_eq!(others, 0);
    }

    #[test]
    fn bump_refuses_disagreeing_fields_and_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        copy_repo_files(tmp.path());
        let pkg = tmp.path().join("ui/package.json");
        let text = std::fs::read_to_string(&pkg).unwrap();
        let v = agreed(tmp.path()).unwrap();
        let edited = text.replacen(
            &format!("\"version\": \"{v}\""),
            "\"version\": \"9.9.9\"",
            1,
        );
        std::fs::write(&pkg, &edited).unwrap();
        let conf_before = std::fs::read_to_string(tmp.path().join("tauri.conf.json")).unwrap();
        let err = bump(tmp.path(), "10.0.0").unwrap_err().to_string();
        assert!(err.contains("disagree"), "{err}");
        assert!(err.contains("ui/package.json version: 9.9.9"), "{err}");
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("tauri.conf.json")).unwrap(),
            conf_before
        );
    }

    #[test]
    fn bump_refuses_bad_or_older_versions() {
        let tmp = tempfile::tempdir().unwrap();
        copy_repo_files(tmp.path());
        let v = agreed(tmp.path()).unwrap();
        for bad in ["1.2", "1.2.3-beta.1", "v1.2.3", "01.2.3", "1.2.3.4", ""] {
            assert!(bump(tmp.path(), bad).is_err(), "{bad}");
        }
        assert!(bump(tmp.path(), &v)
            .unwrap_err()
            .to_string()
            .contains("not newer"));
        assert!(bump(tmp.path(), "0.0.1").is_err());
        assert_eq!(agreed(tmp.path()).unwrap(), v);
    }
}
