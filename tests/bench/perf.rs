//! `cargo xtask bench [--quick]`: the numbers users feel, each beside its budget (issue 7).
//!
//! 1. Full sync (10,000 jobs / postings, 200 departments, 300 locations) at 0 and 20 ms latency,
//!    with the default client rate limit and with the limiter out of the way: wall time, requests
//!    vs the lower bound, peak RSS of the syncing process.
//! 2. Incremental sync with no changes; 3. after 1 % of the postings changed.
//! 4. Search latency on a 100,000-job cache through `Store::list_jobs` (the UI command's path).
//! 5. Start-up of the release app under Xvfb, idle RSS of its process tree, binary and .deb size.
//!
//! The fake Ashby server runs in this process; every sync runs in a child process (this binary
//! with `--worker`) so its peak RSS is the app code's alone. `--quick` uses small sizes and does
//! not enforce the budgets (a smoke run for `cargo xtask test`).
//!
//! Arguments: `--quick`, `--app-bin PATH` (the app binary for start-up), `--deb PATH` or
//! `--deb-note TEXT` (bundle size or why there is none), `--only a,b` (sections: sync, default,
//! search, startup; `board` = 1e alone, `resume` = 1f alone, both also in sync/default), `--out DIR` (default `target/bench`). Cargo's own `--bench` is ignored.

mod procinfo;
mod report;
mod search;
mod startup;
mod syncbench;
mod worker;

use report::Report;
use std::path::PathBuf;
use std::process::ExitCode;

/// Sizes of one run (full or quick).
#[derive(Debug, Clone)]
pub struct Sizes {
    pub jobs: usize,
    pub postings: usize,
    pub departments: usize,
    pub locations: usize,
    /// Share of postings edited before the second incremental sync, in percent.
    pub changed_pct: f64,
    pub search_jobs: usize,
    pub search_queries: usize,
    pub launches: usize,
    pub idle_secs: u64,
}

impl Sizes {
    fn full() -> Sizes {
        Sizes {
            jobs: 10_000,
            postings: 10_000,
            departments: 200,
            locations: 300,
            changed_pct: 1.0,
            search_jobs: 100_000,
            search_queries: 200,
            launches: 5,
            idle_secs: 30,
        }
    }

    fn quick() -> Sizes {
        Sizes {
            jobs: 300,
            postings: 30,
            departments: 20,
            locations: 30,
            changed_pct: 1.0,
            search_jobs: 1_000,
            search_queries: 200,
            launches: 1,
            idle_secs: 5,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Opts {
    pub quick: bool,
    pub app_bin: Option<PathBuf>,
    pub deb: Option<PathBuf>,
    pub deb_note: Option<String>,
    pub only: Option<Vec<String>>,
    pub out_dir: PathBuf,
    pub sizes: Sizes,
}

impl Opts {
    pub fn wants(&self, section: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|o| o.iter().any(|s| s == section))
    }

    /// Files kept between runs (the full-size search cache).
    pub fn work_dir(&self) -> PathBuf {
        self.out_dir.join("work")
    }

    /// This run's own files (several runs may overlap, e.g. `cargo xtask test` in two shells);
    /// removed at the end.
    pub fn scratch_dir(&self) -> PathBuf {
        self.work_dir().join(format!("run-{}", std::process::id()))
    }
}

fn default_out_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench")
}

fn parse_opts(args: &[String]) -> Result<Opts, String> {
    let mut quick = false;
    let mut app_bin = None;
    let mut deb = None;
    let mut deb_note = None;
    let mut only = None;
    let mut out_dir = default_out_dir();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match a.as_str() {
            "--quick" => quick = true,
            "--bench" => {}
            "--app-bin" => app_bin = Some(PathBuf::from(value("--app-bin")?)),
            "--deb" => deb = Some(PathBuf::from(value("--deb")?)),
            "--deb-note" => deb_note = Some(value("--deb-note")?),
            "--only" => {
                only = Some(
                    value("--only")?
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                )
            }
            "--out" => out_dir = PathBuf::from(value("--out")?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Opts {
        quick,
        app_bin,
        deb,
        deb_note,
        only,
        out_dir,
        sizes: if quick { Sizes::quick() } else { Sizes::full() },
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--worker") {
        return worker::main(&args[1..]);
    }
    let opts = match parse_opts(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("perf: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("perf: no tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::create_dir_all(opts.scratch_dir()) {
        eprintln!("perf: cannot create {}: {e}", opts.scratch_dir().display());
        return ExitCode::FAILURE;
    }

    let mut report = Report::new(opts.quick);
    runtime.block_on(async {
        let fakes = if ["sync", "default", "startup", "board", "resume"]
            .iter()
            .any(|s| opts.wants(s))
        {
            syncbench::run(&opts, &mut report).await
        } else {
            None
        };
        if opts.wants("search") {
            search::run(&opts, &mut report).await;
        }
        if opts.wants("startup") {
            startup::run(&opts, &mut report, fakes.as_ref()).await;
        }
        // Last: these wait on the client's rate limit, not the CPU.
        if let Some(f) = fakes
            .as_ref()
            .filter(|_| opts.wants("default") || opts.wants("board"))
        {
            syncbench::run_default(&opts, &mut report, f).await;
        }
    });
    // The fakes and their data go before the report is written.
    drop(runtime);
    let _ = std::fs::remove_dir_all(opts.scratch_dir());

    let text = report.render();
    println!("\n{text}");
    let path = opts.out_dir.join("report.md");
    match std::fs::write(&path, &text) {
        Ok(()) => println!("perf: wrote {}", path.display()),
        Err(e) => eprintln!("perf: could not write {}: {e}", path.display()),
    }
    if report.failed(opts.quick) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
