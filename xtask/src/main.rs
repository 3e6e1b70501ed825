//! Task runner: `cargo xtask run [--demo]`, `cargo xtask test`, `cargo xtask bench [--quick]`,
//! `cargo xtask bindings`. Each installs what it needs first, so a fresh clone needs only these.

mod prereqs;
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
        Task::Setup { test } => prereqs::ensure(test),
    };
    if let Err(e) = result {
        eprintln!("\nxtask: error: {e:#}");
        std::process::exit(1);
    }
}
