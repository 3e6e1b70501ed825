//! The syncing child process: `perf --worker --db PATH --base-url URL [--full]
//! [--rate-limit N] [--concurrency N] [--board on|off]`, key in `ASHBY_API_KEY`. Runs one sync exactly as the app
//! and the CLI do (`Engine` over `Store`), then prints one `PERF_RESULT {json}` line: wall time of
//! the run, when it started (wall clock), requests, the summary and the process's peak RSS (VmHWM) — this process holds nothing but the app's code, so that figure is the sync's.

use ashby_sync_core::ashby::{ApiKey, Client, ClientConfig};
use ashby_sync_core::store::{Store, Trigger};
use ashby_sync_core::sync::{Engine, EngineConfig, NoProgress};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Instant, SystemTime};

pub const RESULT_PREFIX: &str = "PERF_RESULT ";

struct Args {
    db: PathBuf,
    base_url: String,
    full: bool,
    rate_limit: Option<u32>,
    concurrency: Option<usize>,
    /// Descriptions from the public job board (the app's default) or one by one.
    board: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut db = None;
    let mut base_url = None;
    let mut full = false;
    let mut rate_limit = None;
    let mut concurrency = None;
    let mut board = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--db" => db = Some(PathBuf::from(value()?)),
            "--base-url" => base_url = Some(value()?),
            "--full" => full = true,
            "--rate-limit" => {
                rate_limit = Some(value()?.parse().map_err(|e| format!("--rate-limit: {e}"))?)
            }
            "--concurrency" => {
                concurrency = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--concurrency: {e}"))?,
                )
            }
            "--board" => {
                board = match value()?.as_str() {
                    "on" => true,
                    "off" => false,
                    v => return Err(format!("--board: on or off, not {v:?}")),
                }
            }
            other => return Err(format!("unknown worker argument {other:?}")),
        }
    }
    Ok(Args {
        db: db.ok_or("--db missing")?,
        base_url: base_url.ok_or("--base-url missing")?,
        full,
        rate_limit,
        concurrency,
        board,
    })
}

pub fn main(args: &[String]) -> ExitCode {
    match run(args) {
        Ok(line) => {
            println!("{RESULT_PREFIX}{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("perf worker: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let a = parse(args)?;
    let raw = std::env::var("ASHBY_API_KEY").map_err(|_| "ASHBY_API_KEY is not set")?;
    let key = ApiKey::parse(&raw).map_err(|e| format!("ASHBY_API_KEY: {e}"))?;
    // The app's own runtime shape: tokio multi-thread (Tauri's async runtime), all cores.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let store = Store::open(&a.db).map_err(|e| format!("store: {e}"))?.store;
    let mut cfg = ClientConfig::with_base_url(a.base_url.clone());
    if let Some(r) = a.rate_limit {
        cfg.rate_limit_per_minute = r;
    }
    if let Some(c) = a.concurrency {
        cfg.concurrency = c;
    }
    let (rate, burst, concurrency) = (cfg.rate_limit_per_minute, cfg.burst, cfg.concurrency);
    let client = Client::new(key, cfg).map_err(|e| format!("client: {e}"))?;
    let engine_cfg = EngineConfig {
        use_public_board: a.board,
        ..EngineConfig::default()
    };
    let engine = Engine::with_config(client.clone(), store, engine_cfg);
    let started_at = epoch_secs();
    let started = Instant::now();
    let summary = rt.block_on(engine.run(Trigger::Cli, a.full, &NoProgress));
    let wall = started.elapsed().as_secs_f64();
    let out = json!({
        "wallSecs": wall,
        "requests": client.request_count(),
        "maxInFlight": client.max_in_flight(),
        "rateLimitPerMinute": rate,
        "burst": burst,
        "concurrency": concurrency,
        "board": a.board,
        "peakRssBytes": crate::procinfo::status_field("self", "VmHWM"),
        "rssBytes": crate::procinfo::status_field("self", "VmRSS"),
        // Wall-clock start, to line the run up with the fake server's request log.
        "startedAtSecs": started_at,
        "summary": summary,
    });
    Ok(out.to_string())
}

pub fn epoch_secs() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
