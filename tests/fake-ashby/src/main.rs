//! `fake-ashby` binary: serves the fake until killed. The first stdout line is a JSON object with the
//! base URL and the demo keys; logs go to stderr.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use fake_ashby::{FakeAshby, FakeConfig, RateLimit};

#[derive(Parser, Debug)]
#[command(
    name = "fake-ashby",
    about = "Fake Ashby API server for Ashby Sync tests"
)]
struct Args {
    /// Number of jobs to generate.
    #[arg(long, default_value_t = 50)]
    jobs: usize,
    /// Seed of the deterministic data generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to bind (default 127.0.0.1).
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Latency added to every request, in milliseconds.
    #[arg(long)]
    latency_ms: Option<u64>,
    /// Per-key rate limit in requests per minute.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// Retry-After seconds sent with 429s (only with --rate-limit).
    #[arg(long)]
    retry_after: Option<u64>,
    #[arg(long, default_value_t = 10)]
    departments: usize,
    #[arg(long, default_value_t = 12)]
    locations: usize,
    #[arg(long, default_value_t = 30)]
    users: usize,
    /// Exact number of published postings (default: 0–3 per job, about 0.6 per job published).
    #[arg(long)]
    postings: Option<usize>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let cfg = FakeConfig {
        seed: args.seed,
        jobs: args.jobs,
        departments: args.departments,
        locations: args.locations,
        users: args.users,
        published_postings: args.postings,
        latency: Duration::from_millis(args.latency_ms.unwrap_or(0)),
        rate_limit: args.rate_limit.map(|per_minute| RateLimit {
            per_minute,
            retry_after: args.retry_after,
            partner_scope: false,
        }),
        ..FakeConfig::default()
    };
    let fake = FakeAshby::start_on(cfg, SocketAddr::new(args.host, args.port)).await?;
    let keys = fake.keys();
    let line = serde_json::json!({
        "baseUrl": fake.base_url(),
        "keys": {"full": keys.full, "partial": keys.partial, "write": keys.write, "revoked": keys.revoked},
    });
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    drop(out);
    tracing::info!(base_url = %fake.base_url(), jobs = args.jobs, seed = args.seed, "fake-ashby serving");
    tokio::signal::ctrl_c().await?;
    fake.shutdown().await;
    Ok(())
}
