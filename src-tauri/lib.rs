//! Ashby Sync: a Tauri 2 desktop app (and a headless CLI in the same binary).
//!
//! Everything but the window lives in the Tauri-free `ashby-sync-core` crate (`src-tauri/core/`):
//! the Ashby client, the SQLite cache, the sync engine and scheduler, the keychain and the set-up.
//! This crate adapts it: `commands` to IPC, `app` to the Tauri runtime, `cli` to a terminal.

pub use ashby_sync_core::{ashby, config, error, setup, store, sync, vault};

pub mod bindings;
pub mod cli;
pub mod logging;
pub mod state;

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
