//! Ashby Sync: a Tauri 2 desktop app (and a headless CLI in the same binary).
//!
//! The Ashby client (`ashby`), the SQLite cache (`store`), the sync engine and scheduler (`sync`),
//! the keychain wrapper (`vault`) and the set-up/verification logic (`setup`) are plain Rust with
//! no Tauri types, so the CLI and the tests use them directly. `commands` adapts them to IPC and
//! `app` wires the Tauri runtime.

pub mod ashby;
pub mod bindings;
pub mod cli;
pub mod config;
pub mod error;
pub mod logging;
pub mod setup;
pub mod state;
pub mod store;
pub mod sync;
pub mod vault;

mod app;
mod commands;

use std::process::ExitCode;

/// Entry point of the binary: a subcommand runs headless, no subcommand opens the window.
pub fn main_entry() -> ExitCode {
    use clap::Parser;
    let cli = cli::Cli::parse();
    match cli.command {
        Some(cmd) => cli::run(cmd),
        None => app::run(cli.background),
    }
}
