//! Ashby Sync: a Tauri 2 desktop app (and a headless CLI in the same binary).
//!
//! Everything but the window lives in the Tauri-free `ashby-sync-core` crate (`src-tauri/core/`):
//! the Ashby client, the SQLite cache, the sync engine and scheduler, the keychain, the key service,
//! the settings and the set-up.
//! This crate adapts it: `commands` to IPC, `app` to the Tauri runtime, `cli` to a terminal.

pub use ashby_sync_core::{
    ashby, autostart, config, error, export, keys, network, notify, setup, store, sync, update,
    vault,
};

pub mod bindings;
pub mod cli;
pub mod external;
pub mod folders;
pub mod logging;
pub mod state;
pub mod updater;

mod app;
mod commands;
mod notifications;

use std::process::ExitCode;

/// Entry point of the binary: a subcommand runs headless, no subcommand opens the window.
pub fn main_entry() -> ExitCode {
    use clap::Parser;
    // Still one thread: the umask and the environment may change safely.
    external::private_files();
    let cli = cli::Cli::parse();
    // The environment is read once, here; the window and the CLI reject a bad value alike.
    let settings = config::Settings::from_env();
    // Read: nothing started from here on (WebKit's processes, the browser) inherits the key.
    std::env::remove_var(config::vars::API_KEY);
    if cli.blank_window && cli.command.is_none() {
        return app::run_blank_window();
    }
    match cli.command {
        Some(cmd) => match settings {
            Ok(s) => cli::run(&s, cmd),
            Err(e) => {
                eprintln!("Error ({}): {e}", e.code());
                ExitCode::FAILURE
            }
        },
        None => {
            if let Err(e) = &settings {
                // For a terminal; the window says it too (there is none on Windows or from a menu).
                eprintln!("Error ({}): {e}", e.code());
                if !app::display_available() {
                    return ExitCode::FAILURE;
                }
            }
            app::run(settings, cli.background)
        }
    }
}
