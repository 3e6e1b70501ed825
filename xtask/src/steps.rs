//! The tasks themselves.

use crate::prereqs::{self, root};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Runs a command with inherited output; fails when it fails.
pub fn sh(argv: &[&str], dir: &Path, env: &[(&str, &str)]) -> Result<()> {
    let (prog, args) = argv.split_first().context("empty command")?;
    let status = Command::new(prog)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .status()
        .with_context(|| format!("could not start `{prog}`"))?;
    if !status.success() {
        bail!("`{}` failed ({status})", argv.join(" "));
    }
    Ok(())
}

/// Test counts read from a runner's closing lines.
#[derive(Default, Clone, Copy)]
struct Counts {
    passed: u64,
    failed: u64,
}

/// Runs a command, echoing its output, and adds up the test counts it reports
/// (cargo's `test result:` lines and vitest's `Tests  N passed` line).
fn sh_counted(argv: &[&str], dir: &Path, env: &[(&str, &str)]) -> Result<(bool, Counts)> {
    let (prog, args) = argv.split_first().context("empty command")?;
    let mut child = Command::new(prog)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("could not start `{prog}`"))?;
    let mut counts = Counts::default();
    if let Some(out) = child.stdout.take() {
        let mut stdout = std::io::stdout();
        for line in BufReader::new(out).lines() {
            let line = line.unwrap_or_default();
            let _ = writeln!(stdout, "{line}");
            parse_counts(&line, &mut counts);
        }
    }
    let status = child.wait()?;
    Ok((status.success(), counts))
}

fn parse_counts(line: &str, c: &mut Counts) {
    let num_before = |s: &str, word: &str| -> Option<u64> {
        let idx = s.find(word)?;
        s[..idx].split_whitespace().last()?.parse().ok()
    };
    let plain = strip_ansi(line);
    let l = plain.trim();
    if l.starts_with("test result:") {
        c.passed += num_before(l, " passed").unwrap_or(0);
        c.failed += num_before(l, " failed").unwrap_or(0);
    } else if l.starts_with("Tests ") {
        // vitest: "Tests  12 passed (12)" or "Tests  1 failed | 11 passed (12)"
        c.passed += num_before(l, " passed").unwrap_or(0);
        c.failed += num_before(l, " failed").unwrap_or(0);
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(ch) = chars.next() {
        if ch == '\u{1b}' {
            for n in chars.by_ref() {
                if n.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(ch);
        }
    }
    out
}

fn build_ui() -> Result<()> {
    println!("xtask: building the UI");
    sh(&["npm", "run", "build"], &root().join("ui"), &[])
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// PATH with cargo's bin dir (tauri-driver) in front.
fn path_with_cargo_bin() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    match prereqs::tauri_driver_path().and_then(|p| p.parent().map(Path::to_path_buf)) {
        Some(bin) => format!("{}:{path}", bin.display()),
        None => path,
    }
}

pub fn run(demo: bool, release: bool) -> Result<()> {
    prereqs::ensure(false)?;
    build_ui()?;
    let mut build = vec!["cargo", "build", "--bin", "ashby-sync"];
    if release {
        build.push("--release");
    }
    sh(&build, root(), &[])?;
    let profile = if release { "release" } else { "debug" };
    let bin = target_dir().join(profile).join("ashby-sync");

    let mut app = Command::new(&bin);
    let mut fake = None;
    if demo {
        sh(&["cargo", "build", "-p", "fake-ashby"], root(), &[])?;
        let mut child = Command::new(target_dir().join("debug/fake-ashby"))
            .args(["--jobs", "500", "--seed", "1", "--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .context("could not start the fake Ashby server")?;
        let mut first = String::new();
        if let Some(out) = child.stdout.as_mut() {
            BufReader::new(out).read_line(&mut first)?;
        }
        let info: serde_like::Info = serde_like::parse(&first)
            .with_context(|| format!("unexpected first line from fake-ashby: {first}"))?;
        let demo_dir = target_dir().join("demo");
        println!(
            "\nDemo mode: a fake Ashby server with 500 sample jobs runs at {}.\n\
             Paste one of these keys in step 6 of the wizard:\n  \
             full read:          {}\n  missing 3 modules:  {}\n  with write scopes:  {}\n  revoked:            {}\n\
             Demo data lives in {} (your real data is untouched).\n",
            info.base_url,
            info.full,
            info.partial,
            info.write,
            info.revoked,
            demo_dir.display()
        );
        app.env("ASHBY_API_BASE_URL", &info.base_url)
            .env("ASHBY_SYNC_DATA_DIR", demo_dir.join("data"))
            .env("ASHBY_SYNC_KEYCHAIN_ACCOUNT", "demo");
        fake = Some(child);
    }
    let status = app
        .status()
        .with_context(|| format!("could not start {}", bin.display()));
    if let Some(mut f) = fake {
        let _ = f.kill();
        let _ = f.wait();
    }
    let status = status?;
    if !status.success() {
        bail!("the app exited with {status}");
    }
    Ok(())
}

/// Reads the fake server's first line without pulling serde into xtask.
mod serde_like {
    use anyhow::{Context, Result};
    pub struct Info {
        pub base_url: String,
        pub full: String,
        pub partial: String,
        pub write: String,
        pub revoked: String,
    }
    fn field(s: &str, name: &str) -> Result<String> {
        let key = format!("\"{name}\"");
        let at = s.find(&key).with_context(|| format!("no {name}"))? + key.len();
        let rest = &s[at..];
        let open = rest.find('"').context("no value")? + 1;
        let close = rest[open..].find('"').context("unterminated value")?;
        Ok(rest[open..open + close].to_string())
    }
    pub fn parse(s: &str) -> Result<Info> {
        Ok(Info {
            base_url: field(s, "baseUrl")?,
            full: field(s, "full")?,
            partial: field(s, "partial")?,
            write: field(s, "write")?,
            revoked: field(s, "revoked")?,
        })
    }
}

struct Step {
    name: String,
    ok: bool,
    counts: Counts,
    secs: f64,
}

pub fn test(e2e: bool) -> Result<()> {
    let started = Instant::now();
    prereqs::ensure(true)?;
    build_ui()?;
    let path = path_with_cargo_bin();
    let env: Vec<(&str, &str)> = vec![("PATH", path.as_str())];
    let ui = root().join("ui");
    let actionlint = prereqs::ensure_actionlint()?.display().to_string();

    let mut plan: Vec<(&str, Vec<&str>, PathBuf)> = vec![
        (
            "cargo fmt --check",
            vec!["cargo", "fmt", "--all", "--check"],
            root().into(),
        ),
        (
            "actionlint",
            vec![
                actionlint.as_str(),
                ".github/workflows/ci.yml",
                ".github/workflows/release.yml",
            ],
            root().into(),
        ),
        (
            "cargo clippy",
            vec![
                "cargo",
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--",
                "-D",
                "warnings",
            ],
            root().into(),
        ),
        (
            "cargo test",
            vec!["cargo", "test", "--workspace"],
            root().into(),
        ),
        ("ui typecheck", vec!["npm", "run", "check"], ui.clone()),
        ("ui lint", vec!["npm", "run", "lint"], ui.clone()),
        ("ui unit tests", vec!["npm", "test"], ui.clone()),
        (
            "bench --quick",
            vec!["cargo", "xtask", "bench", "--quick"],
            root().into(),
        ),
    ];
    if e2e {
        plan.push((
            "e2e (real window)",
            // `--workspace`: the feature set of the `cargo test` step, so only the app crate
            // itself is compiled again (for its `e2e` feature), not Tauri and the rest of the tree.
            vec![
                "cargo",
                "test",
                "--workspace",
                "--features",
                "ashby-sync/e2e",
                "--test",
                "e2e",
                "--",
                "--test-threads=1",
            ],
            root().into(),
        ));
    }

    let mut results = Vec::new();
    for (name, argv, dir) in plan {
        println!("\n==> {name}: {}", argv.join(" "));
        let t = Instant::now();
        let (ok, counts) = sh_counted(&argv, &dir, &env)?;
        results.push(Step {
            name: name.to_string(),
            ok,
            counts,
            secs: t.elapsed().as_secs_f64(),
        });
    }

    println!("\n==> summary");
    let (mut passed, mut failed) = (0, 0);
    for s in &results {
        let tests = if s.counts.passed + s.counts.failed > 0 {
            format!(
                " ({} tests passed, {} failed)",
                s.counts.passed, s.counts.failed
            )
        } else {
            String::new()
        };
        println!(
            "  {:<20} {:<4} {:>6.1}s{tests}",
            s.name,
            if s.ok { "ok" } else { "FAIL" },
            s.secs
        );
        passed += s.counts.passed;
        failed += s.counts.failed;
    }
    let failed_steps: Vec<&str> = results
        .iter()
        .filter(|s| !s.ok)
        .map(|s| s.name.as_str())
        .collect();
    println!(
        "  {} steps, {} failed, {:.0}s in all",
        results.len(),
        failed_steps.len(),
        started.elapsed().as_secs_f64()
    );
    // A failed step without its own test count (fmt, clippy, typecheck) counts as one failure.
    let failed = failed
        + results
            .iter()
            .filter(|s| !s.ok && s.counts.failed == 0)
            .count() as u64;
    println!("xtask: {passed} passed, {failed} failed");
    if !failed_steps.is_empty() {
        bail!("failed: {}", failed_steps.join(", "));
    }
    Ok(())
}

pub fn bindings() -> Result<()> {
    sh(
        &[
            "cargo",
            "test",
            "--lib",
            "bindings::tests::ipc_bindings_are_up_to_date",
        ],
        root(),
        &[("UPDATE_BINDINGS", "1")],
    )?;
    println!("xtask: wrote ui/src/lib/ipc.ts");
    Ok(())
}

/// `cargo xtask bench [--quick]`: builds what the benchmarks measure, then runs the `perf` bench
/// (tests/bench/perf.rs), which prints the table and writes target/bench/report.md.
/// Full: release app + .deb, release-profile bench, budgets enforced. Quick: debug build, small
/// sizes, budgets shown but not enforced (a step of `cargo xtask test`).
pub fn bench(quick: bool) -> Result<()> {
    // Xvfb, D-Bus and gnome-keyring for the start-up section.
    prereqs::ensure(true)?;
    let target = target_dir();
    if quick {
        if !root().join("ui/dist/index.html").exists() {
            build_ui()?;
        }
        // The same command, profile and workspace-wide feature set as the `cargo test` step, so a
        // quick run after it compiles nothing again: a plain `cargo build --bin` or `cargo bench`
        // resolves other dependency features (no dev-dependencies) and rebuilds Tauri and most of
        // the tree (minutes on two cores). `cargo test` also builds the app binary beside it.
        let perf = test_executable(&["--workspace", "--bench", "perf"], "perf")?;
        let app = target.join("debug/ashby-sync");
        if !app.exists() {
            bail!("`cargo test --workspace` left no {}", app.display());
        }
        let app = app.display().to_string();
        return sh(
            &[&perf.display().to_string(), "--quick", "--app-bin", &app],
            root(),
            &[],
        );
    }
    build_ui()?;
    // `tauri build` compiles the release binary it bundles, so the benchmark measures what the
    // .deb ships; only when bundling fails is the binary built on its own.
    let mut extra = Vec::new();
    match bundle_deb(&target) {
        Ok((deb, note)) => {
            extra.extend(["--deb".into(), deb.display().to_string()]);
            if let Some(n) = note {
                extra.extend(["--deb-note".into(), n]);
            }
        }
        Err(e) => {
            eprintln!("xtask: no .deb bundle: {e:#}");
            extra.extend(["--deb-note".into(), format!("not built: {e:#}")]);
            sh(
                &["cargo", "build", "--release", "--bin", "ashby-sync"],
                root(),
                &[],
            )?;
        }
    }
    let app = target.join("release/ashby-sync").display().to_string();
    let mut args = vec![
        "cargo".to_string(),
        "bench".into(),
        "--bench".into(),
        "perf".into(),
        "--".into(),
        "--app-bin".into(),
        app,
    ];
    args.extend(extra);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    sh(&argv, root(), &[])
}

/// Builds `cargo test --no-run ARGS` and returns the executable of the target named `name`.
fn test_executable(args: &[&str], name: &str) -> Result<PathBuf> {
    let out = Command::new("cargo")
        .args([
            "test",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .args(args)
        .current_dir(root())
        .stderr(Stdio::inherit())
        .output()
        .context("could not start cargo")?;
    if !out.status.success() {
        bail!("`cargo test --no-run {}` failed", args.join(" "));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    for line in text.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] == "compiler-artifact" && msg["target"]["name"] == name {
            if let Some(exe) = msg["executable"].as_str() {
                return Ok(PathBuf::from(exe));
            }
        }
    }
    bail!(
        "`cargo test --no-run {}` built no `{name}` executable",
        args.join(" ")
    )
}

/// Builds the release binary and the .deb with the Tauri CLI from ui/node_modules (the UI is
/// already built, so its beforeBuildCommand is skipped). Returns the newest .deb, and a note
/// when the CLI only bundled after being told to ignore mismatched Tauri package versions.
fn bundle_deb(target: &Path) -> Result<(PathBuf, Option<String>)> {
    let cli = root().join("ui/node_modules/.bin/tauri");
    if !cli.exists() {
        bail!("the Tauri CLI is not installed in ui/node_modules (npm install in ui/)");
    }
    let run = |extra: Option<&str>| -> Result<(bool, String)> {
        let mut cmd = Command::new(&cli);
        cmd.args(["build", "--bundles", "deb", "--ci", "--config"])
            .arg(r#"{"build":{"beforeBuildCommand":""}}"#)
            .args(extra)
            .current_dir(root());
        let out = cmd.output().context("could not start the Tauri CLI")?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        print!("{text}");
        Ok((out.status.success(), text))
    };
    let mut note = None;
    let (ok, text) = run(None)?;
    if !ok {
        let mismatch: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| l.contains(") : @tauri-apps/"))
            .collect();
        if mismatch.is_empty() {
            bail!("the Tauri CLI failed: {}", last_lines(&text, 3));
        }
        let what = mismatch.first().copied().unwrap_or_default().to_string();
        let (ok, text) = run(Some("--ignore-version-mismatches"))?;
        if !ok {
            bail!("the Tauri CLI failed: {}", last_lines(&text, 3));
        }
        note = Some(format!(
            "bundled with --ignore-version-mismatches: the Tauri CLI refuses to bundle while the \
             npm and Rust Tauri packages differ in minor version ({what}); align them in \
             ui/package.json"
        ));
    }
    let dir = target.join("release/bundle/deb");
    let newest = std::fs::read_dir(&dir)
        .with_context(|| format!("no {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .max_by_key(|p| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .unwrap_or(std::time::SystemTime::UNIX_EPOCH)
        });
    let deb = newest.with_context(|| format!("the Tauri CLI left no .deb in {}", dir.display()))?;
    Ok((deb, note))
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}
