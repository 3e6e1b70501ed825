//! "Open folder" in Settings → About: the data or the log folder in the system's file manager,
//! started like the browser (`external::commands`: without the key or the app's own WebKit
//! settings, through tauri-plugin-shell's command API).

use crate::error::{AppError, AppResult, ErrorCode};
use std::path::Path;
use std::process::Command;

/// Opens `dir` (created first if missing, so the file manager has something to show).
pub fn open(dir: &Path, build: impl Fn(&Command) -> Command) -> AppResult<()> {
    let _ = std::fs::create_dir_all(dir);
    let target = dir.display().to_string();
    let mut last_error = String::from("no file manager found");
    for mut cmd in crate::external::commands(&target, &build) {
        let program = cmd.get_program().to_string_lossy().into_owned();
        match cmd.spawn() {
            Ok(mut child) => {
                // Reap it whenever it ends.
                std::thread::spawn(move || child.wait());
                tracing::info!(opener = %program, "opened a folder");
                return Ok(());
            }
            Err(e) => last_error = format!("{program}: {e}"),
        }
    }
    Err(AppError::new(
        ErrorCode::Internal,
        format!("Could not open the folder ({last_error}). It is at {target}"),
    ))
}
