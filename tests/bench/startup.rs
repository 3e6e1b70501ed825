//! Section 5: start-up of the app binary under Xvfb (launch → first jobs page served to the window,
//! via `ASHBY_SYNC_READY_FILE`), RSS of its process tree after idling with the full cache, binary
//! size and the .deb bundle's size.
//!
//! The desktop session is the e2e tests' recipe: our own Xvfb, a private D-Bus session bus and an
//! unlocked gnome-keyring, each in its own process group that is killed when we are done.

// Shared with the e2e harness, which uses more of it.
#[allow(dead_code)]
#[path = "../desktop/mod.rs"]
mod desktop;

use crate::procinfo;
use crate::report::{mb, secs, Report, Status};
use crate::syncbench;
use crate::Opts;
use desktop::{Desktop, Proc};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PAINT_BUDGET: f64 = 1.5;
const TREE_RSS_BUDGET: u64 = 200_000_000;
/// The app's idle PSS at most this many times an empty WebKitGTK window's (issue 14).
const PSS_RATIO_BUDGET: f64 = 1.3;
const BINARY_BUDGET: u64 = 20_000_000;
const READY_TIMEOUT: Duration = Duration::from_secs(60);

pub async fn run(opts: &Opts, report: &mut Report, fakes: Option<&syncbench::Fakes>) {
    let debug = if opts.quick { " (debug build)" } else { "" };
    let Some(app) = opts.app_bin.clone() else {
        let status = if opts.quick {
            Status::Skip
        } else {
            Status::Error
        };
        report.row(
            "5",
            "Start-up",
            "not measured: no --app-bin given",
            "—",
            status,
        );
        return;
    };

    // Binary size.
    match std::fs::metadata(&app) {
        Ok(m) => {
            report.row(
                "5c",
                format!("App binary size{debug}: {}", app.display()),
                mb(m.len()),
                format!("< {}", mb(BINARY_BUDGET)),
                Status::check(m.len() < BINARY_BUDGET),
            );
            if m.len() >= BINARY_BUDGET && !opts.quick {
                report.note(format!(
                    "5c over budget: the binary links Tauri + WebKitGTK bindings, rustls with \
                     ring, bundled SQLite, ammonia/html5ever, zbus and the keyring stores ({}).",
                    release_profile()
                ));
            }
        }
        Err(e) => report.error("5c", "App binary size", format!("{}: {e}", app.display())),
    }
    // The .deb bundle (reported, no budget).
    match (&opts.deb, &opts.deb_note) {
        (Some(deb), _) => match std::fs::metadata(deb) {
            Ok(m) => report.row(
                "5d",
                format!(
                    ".deb bundle: {}",
                    deb.file_name().unwrap_or_default().to_string_lossy()
                ),
                match &opts.deb_note {
                    Some(n) => format!("{} ({n})", mb(m.len())),
                    None => mb(m.len()),
                },
                "— (reported)",
                Status::Info,
            ),
            Err(e) => report.error("5d", ".deb bundle", format!("{}: {e}", deb.display())),
        },
        (None, Some(note)) => report.row(
            "5d",
            ".deb bundle",
            note.clone(),
            "— (reported)",
            Status::Info,
        ),
        (None, None) => report.row(
            "5d",
            ".deb bundle",
            "not built in this mode",
            "— (reported)",
            Status::Skip,
        ),
    }

    let Some(syncbench::Fakes {
        cache, fast: fake, ..
    }) = fakes
    else {
        report.error(
            "5",
            "Start-up",
            "no synced cache to start with (the sync section failed)",
        );
        return;
    };
    // Freshen the cache (an incremental sync, 4 requests) so the app's scheduler sees a recent
    // success and stays idle instead of syncing during the measurement.
    let key = fake.keys().full;
    if let Err(e) =
        syncbench::run_worker(&fake.base_url(), &key, cache, false, None, None, true).await
    {
        report.error("5", "Start-up", format!("refreshing the cache: {e}"));
        return;
    }
    let jobs = count_jobs(cache).unwrap_or(0);
    let base_url = fake.base_url();
    let launches = opts.sizes.launches;
    let idle = Duration::from_secs(opts.sizes.idle_secs);
    let cache = cache.clone();
    let variant = !opts.quick;
    // Everything below blocks (polling, sleeping): keep it off the runtime that serves the fake.
    let res = tokio::task::spawn_blocking(move || {
        measure(&app, &cache, &base_url, &key, launches, idle, variant)
    })
    .await;
    let m = match res {
        Ok(Ok(m)) => m,
        Ok(Err(e)) => {
            report.error("5", "Start-up", e);
            return;
        }
        Err(e) => {
            report.error("5", "Start-up", e);
            return;
        }
    };
    let mut sorted = m.paint.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    report.row(
        "5a",
        format!(
            "Start-up{debug} to first interactive paint under Xvfb, {jobs} cached jobs: median of \
             {launches}"
        ),
        format!(
            "{} (runs: {})",
            secs(median),
            m.paint
                .iter()
                .map(|t| secs(*t))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!("< {}", secs(PAINT_BUDGET)),
        Status::check(median < PAINT_BUDGET),
    );
    let tree = &m.tree;
    report.row(
        "5b",
        format!(
            "Idle memory of the app's process tree{debug}, {} s after start, {jobs} cached jobs: \
             RSS (PSS / USS)",
            idle.as_secs()
        ),
        format!(
            "{} (PSS {} / USS {})",
            mb(tree.rss),
            mb(tree.pss),
            mb(tree.uss)
        ),
        format!("< {} RSS", mb(TREE_RSS_BUDGET)),
        Status::check(tree.rss < TREE_RSS_BUDGET),
    );
    match &m.blank {
        Err(e) => report.error("5e", "Baseline: the same binary showing an empty window", e),
        Ok(blank) => {
            report.row(
                "5e",
                format!(
                    "Baseline{debug}: the same binary showing an empty window (--blank-window: \
                     an empty HTML page, no UI code, no data), same desktop, same idle time"
                ),
                format!(
                    "{} (PSS {} / USS {})",
                    mb(blank.rss),
                    mb(blank.pss),
                    mb(blank.uss)
                ),
                "— (reported)",
                Status::Info,
            );
            let ratio = tree.pss as f64 / blank.pss.max(1) as f64;
            report.row(
                "5f",
                "The app's idle PSS against the blank window's (what the app adds to WebKitGTK's own)",
                format!(
                    "{ratio:.2} × ({} of {} is the app's; USS {} more than the blank window's)",
                    mb(tree.pss.saturating_sub(blank.pss)),
                    mb(tree.pss),
                    mb(tree.uss.saturating_sub(blank.uss))
                ),
                format!("≤ {PSS_RATIO_BUDGET} ×"),
                Status::check(ratio <= PSS_RATIO_BUDGET),
            );
        }
    }
    let blank_detail = m
        .blank
        .as_ref()
        .map_or("not measured", |b| b.detail.as_str());
    report.note(format!(
        "5a: \"first interactive paint\" = launch until the app has served the first jobs page to \
         the window (boot state read, jobs view mounted, rows requested); it writes \
         ASHBY_SYNC_READY_FILE then. Launches follow one another, so only the first is cold for \
         the page cache. 5b processes: {}. 5e processes: {}. RSS counts shared pages (GTK, \
         WebKitGTK, ICU, fonts) once per process; PSS splits them between processes; USS = \
         pages no other process maps (what stopping the process gives back).",
        tree.detail, blank_detail
    ));
    if let Some(v) = &m.variant {
        report.row(
            "5b′",
            format!(
                "The same with {}={}: WebKit's GPU compositing, through llvmpipe here \
                 (comparison, not the shipped configuration)",
                VARIANT_ENV.0, VARIANT_ENV.1
            ),
            format!("{} (PSS {} / USS {})", mb(v.rss), mb(v.pss), mb(v.uss)),
            "— (reported)",
            Status::Info,
        );
        report.note(format!("5b′ processes: {}.", v.detail));
    }
    if tree.rss >= TREE_RSS_BUDGET {
        report.note(
            "5b over budget: a Tauri window on Linux is three processes — the app, WebKitGTK's \
             web process (the page's JavaScript heap, DOM and layout) and its network process — \
             and each maps the same large GTK/WebKitGTK/JavaScriptCore/ICU libraries, which a \
             sum of RSS counts once per process (PSS splits them). The per-process figures above \
             show where it goes: most of each process is those shared, clean library pages.",
        );
    }
}

/// The `[profile.release]` settings from the root Cargo.toml, on one line.
fn release_profile() -> String {
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .unwrap_or_default();
    let mut lines = toml
        .lines()
        .skip_while(|l| l.trim() != "[profile.release]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect::<Vec<_>>();
    if !lines.iter().any(|l| l.starts_with("opt-level")) {
        lines.insert(0, "opt-level = 3 (default)".into());
    }
    format!("[profile.release] {}", lines.join(", "))
}

fn count_jobs(db: &Path) -> Result<i64, rusqlite::Error> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.query_row("SELECT count(*) FROM jobs", [], |r| r.get(0))
}

struct Measured {
    paint: Vec<f64>,
    tree: Tree,
    /// The same idle measurement with WebKit's DMA-BUF renderer off (full mode only).
    variant: Option<Tree>,
    /// The same binary showing an empty window (`--blank-window`): WebKitGTK's share.
    blank: Result<Tree, String>,
}

/// Idle memory of a process tree: summed RSS, PSS and USS, and the per-process detail.
#[derive(Debug, Clone)]
struct Tree {
    rss: u64,
    pss: u64,
    uss: u64,
    processes: usize,
    detail: String,
}

/// For comparison in 5b′: WebKitGTK's own default, GPU compositing, which the app turns off
/// unless this is set (`app::software_compositing_by_default`). Without a GPU (Xvfb) WebKit
/// composites through Mesa's llvmpipe and keeps large buffers in the web process.
const VARIANT_ENV: (&str, &str) = ("WEBKIT_DISABLE_COMPOSITING_MODE", "0");

fn measure(
    app: &Path,
    cache: &Path,
    base_url: &str,
    key: &str,
    launches: usize,
    idle: Duration,
    variant: bool,
) -> Result<Measured, String> {
    let desk = Desktop::start("ashby-bench-")?;
    // A consistent single-file copy of the cache (no WAL to carry along).
    let db = desk.data_dir.join("ashby-sync.sqlite3");
    {
        let conn = rusqlite::Connection::open(cache).map_err(|e| e.to_string())?;
        conn.execute("VACUUM INTO ?1", [db.to_string_lossy().as_ref()])
            .map_err(|e| format!("copying the cache: {e}"))?;
    }
    let launcher = Launcher {
        desk: &desk,
        app,
        base_url,
        key,
        log: desk.tmp.path().join("app-output.log"),
    };
    let mut paint = Vec::new();
    let mut tree = None;
    for i in 0..launches {
        let last = i + 1 == launches;
        let (t, t_tree) = launcher.launch(i, last.then_some(idle), None, false)?;
        println!("perf: start-up launch {}: {}", i + 1, secs(t));
        paint.push(t);
        if last {
            tree = t_tree;
        }
    }
    let tree = tree.ok_or("no launch measured")?;
    // The baseline right after, on the same desktop: the same binary, an empty window.
    let blank = launcher
        .launch(launches + 1, Some(idle), None, true)
        .and_then(|(_, t)| t.ok_or_else(|| "the blank window was not measured".to_string()))
        .and_then(|t| {
            // A baseline without a web process (WebKitGTK shows about:blank without one) would
            // count the app's whole web process as "the app's".
            if t.processes < 3 {
                Err(format!(
                    "the blank window ran {} processes, not the app's three (app, web, network): {}",
                    t.processes, t.detail
                ))
            } else {
                Ok(t)
            }
        });
    if let Ok(b) = &blank {
        println!("perf: blank window: PSS {}", mb(b.pss));
    }
    let variant = if variant {
        launcher
            .launch(launches, Some(idle), Some(VARIANT_ENV), false)?
            .1
    } else {
        None
    };
    Ok(Measured {
        paint,
        tree,
        variant,
        blank,
    })
}

struct Launcher<'a> {
    desk: &'a Desktop,
    app: &'a Path,
    base_url: &'a str,
    key: &'a str,
    log: PathBuf,
}

impl Launcher<'_> {
    /// Starts the app, times it to its first paint, optionally idles until `idle` after the
    /// launch and sums the memory of its process tree, then stops it.
    fn launch(
        &self,
        i: usize,
        idle: Option<Duration>,
        extra_env: Option<(&str, &str)>,
        blank: bool,
    ) -> Result<(f64, Option<Tree>), String> {
        let ready = self.desk.tmp.path().join(format!("ready-{i}"));
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(self.app);
        self.desk.apply_env(&mut cmd);
        cmd.env("ASHBY_API_KEY", self.key)
            .env("ASHBY_SYNC_KEYCHAIN_ACCOUNT", "bench")
            .env("ASHBY_API_BASE_URL", self.base_url)
            .env("ASHBY_SYNC_READY_FILE", &ready)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err));
        if let Some((k, v)) = extra_env {
            cmd.env(k, v);
        }
        if blank {
            cmd.arg("--blank-window");
        }
        let t0 = Instant::now();
        let mut g = Proc::spawn("ashby-sync", &mut cmd)?;
        loop {
            if ready.exists() {
                break;
            }
            if let Ok(Some(status)) = g.child.try_wait() {
                return Err(format!(
                    "launch {}: the app exited ({status}) before its first paint; last output: {}",
                    i + 1,
                    tail(&self.log)
                ));
            }
            if t0.elapsed() > READY_TIMEOUT {
                return Err(format!(
                    "launch {}: no first paint within {} s; last output: {}",
                    i + 1,
                    READY_TIMEOUT.as_secs(),
                    tail(&self.log)
                ));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let t = t0.elapsed().as_secs_f64();
        let mut tree = None;
        if let Some(idle) = idle {
            if let Some(rest) = idle.checked_sub(t0.elapsed()) {
                std::thread::sleep(rest);
            }
            let (mut rss, mut pss, mut uss) = (0, 0, 0);
            let mut detail = Vec::new();
            for (pid, name) in procinfo::process_tree(g.child.id()) {
                let r = procinfo::status_field(&pid.to_string(), "VmRSS").unwrap_or(0);
                let p = procinfo::pss(pid).unwrap_or(0);
                let u = procinfo::uss(pid).unwrap_or(0);
                rss += r;
                pss += p;
                uss += u;
                detail.push(format!(
                    "{name} RSS {} / PSS {} / USS {}",
                    mb(r),
                    mb(p),
                    mb(u)
                ));
            }
            tree = Some(Tree {
                rss,
                pss,
                uss,
                processes: detail.len(),
                detail: detail.join(", "),
            });
        }
        g.stop();
        std::thread::sleep(Duration::from_millis(500));
        Ok((t, tree))
    }
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(5)..].join(" / ")
}
