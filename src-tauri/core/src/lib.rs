//! Ashby Sync's core: everything that is not the window. The Ashby client (`ashby`), the SQLite
//! cache (`store`), the sync engine and scheduler (`sync`), the keychain (`vault`), the key service
//! the GUI and the CLI share (`keys`), the set-up steps and key verification (`setup`), names,
//! locations and the environment's settings (`config`), the jobs export (`export`), what to notify
//! (`notify`) and the one error type the UI and the CLI see (`error`).
//!
//! This crate has no Tauri dependency, and its Cargo.toml keeps it that way: the app crate
//! (`src-tauri/`) adapts it to IPC and windows, the CLI and the tests use it directly.

pub mod ashby;
pub mod autostart;
pub mod config;
mod enums;
pub mod error;
pub mod export;
pub mod keys;
pub mod network;
pub mod notify;
pub mod setup;
pub mod store;
pub mod sync;
pub mod update;
pub mod vault;
