//! Task runner: `cargo xtask run [--demo]`, `cargo xtask test`, `cargo xtask bench [--quick]`,
//! `cargo xtask bindings`, `cargo xtask release --version X.Y.Z`. Each installs what it needs first, so a fresh clone needs only these.

mod prereqs;
mod release;
mod steps;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "Ashby Sync's build, run and test tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what is missing, build the UI and launch the app.
    Run {
        /// Also start the bundled fake Ashby server with sample data and point the app at it.
        #[arg(long)]
        demo: bool,
        /// Build and run the optimised binary.
        #[arg(long)]
        release: bool,
    },
    /// Install test prerequisites, then run every check and test (ends with one summary line).
    Test {
        /// Skip the real-window end-to-end tests (for quick local iterations only; CI runs them).
        #[arg(long)]
        no_e2e: bool,
    },
    /// Run the benchmarks and write target/bench/report.md.
    Bench {
        /// Small smoke run: debug build, small sizes, budgets not enforced.
        #[arg(long)]
        quick: bool,
    },
    /// Regenerate ui/src/lib/ipc.ts from the Rust types.
    Bindings,
    /// Set the product version in every file that carries it (refuses when they disagree).
    Release {
        /// The new version, X.Y.Z (newer than the current one).
        #[arg(long, conflicts_with = "check", required_unless_present = "check")]
        version: Option<String>,
        /// Only check that every field agrees (and, given a version, that it is that one).
        #[arg(long, num_args = 0..=1, value_name = "X.Y.Z")]
        check: Option<Option<String>>,
    },
    /// Install build (and with --test, test) prerequisites only.
    Setup {
        #[arg(long)]
        test: bool,
    },
}

fn main() {
    let cli = Cli::parse();
    let result: Result<()> = match cli.task {
        Task::Run { demo, release } => steps::run(demo, release),
        Task::Test { no_e2e } => steps::test(!no_e2e),
        Task::Bench { quick } => steps::bench(quick),
        Task::Bindings => steps::bindings(),
        Task::Release { version, check } => release_task(version, check),
        Task::Setup { test } => prereqs::ensure(test),
    };
    if let Err(e) = result {
        eprintln!("\nxtask: error: {e:#}");
        std::process::exit(1);
    }
}

fn release_task(version: Option<String>, check: Option<Option<String>>) -> Result<()> {
    let root = prereqs::root();
    match (version, check) {
        (_, Some(expected)) => {
            let v = release::agreed(root)?;
            if let Some(e) = expected {
                if e != v {
                    anyhow::bail!("the tag says {e} but every version field says {v}: run `cargo xtask release --version {e}` and commit first");
                }
            }
            println!("xtask: every version field says {v}");
            Ok(())
        }
        (Some(new), None) => {
            let old = release::bump(root, &new)?;
            println!(
                "xtask: {old} -> {new} in Cargo.toml, Cargo.lock, tauri.conf.json, ui/package.json and ui/package-lock.json.\n\
                 Next: commit, then `git tag v{new} && git push origin v{new}` (see RELEASING.md)."
            );
            Ok(())
        }
        (None, None) => anyhow::bail!("give --version X.Y.Z or --check"),
    }
}
