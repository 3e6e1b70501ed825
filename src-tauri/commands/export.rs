//! "Export…" in the jobs view: the system's save dialog (opened from Rust, so the web view needs
//! neither a dialog nor a file-system permission), then the list written by `export` (core).

use super::internal;
use crate::__ipc_command as command;
use crate::error::AppResult;
use crate::export::{self, ExportFormat};
use crate::state::AppState;
use crate::store::JobQuery;
use serde::Serialize;
use std::path::PathBuf;
use tauri::{Manager, State};
use ts_rs::TS;

/// What an export wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportOutcome {
    pub path: String,
    pub jobs: u32,
    /// A search matched more jobs than the list ranks (as the list's "2,000+").
    pub truncated: bool,
}

/// Where to save: the save dialog's answer (`None`: cancelled).
fn ask_path(app: &tauri::AppHandle, format: ExportFormat) -> Option<PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    let name = format!(
        "ashby-jobs-{}.{}",
        chrono::Local::now().format("%Y-%m-%d"),
        format.extension()
    );
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Export jobs")
        .set_file_name(name);
    dialog = match format {
        ExportFormat::Csv => dialog.add_filter("CSV (spreadsheets)", &["csv"]),
        ExportFormat::Json => dialog.add_filter("JSON", &["json"]),
    };
    if let Some(w) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&w);
    }
    let path = dialog.blocking_save_file()?.into_path().ok()?;
    // The filter does not add the extension the user left out.
    Some(if path.extension().is_none() {
        path.with_extension(format.extension())
    } else {
        path
    })
}

command! {
    /// Asks where to save, then writes the jobs the list shows for `query` (its filters and
    /// sort, every page) as CSV or JSON. `None` when the dialog was cancelled.
    pub async fn export_jobs(
        app: tauri::AppHandle,
        state: State<'_, AppState>,
        query: JobQuery,
        format: ExportFormat,
    ) -> AppResult<Option<ExportOutcome>> {
        let store = state.store.clone();
        // The dialog waits for the user and the writing reads every page: off the IPC thread.
        tauri::async_runtime::spawn_blocking(move || {
            let Some(path) = ask_path(&app, format) else {
                return Ok(None);
            };
            let list = export::collect(&store, &query)?;
            export::write_file(&path, format, &list.jobs)?;
            tracing::info!(jobs = list.jobs.len(), format = format.as_str(), "exported the jobs list");
            Ok(Some(ExportOutcome {
                path: path.display().to_string(),
                jobs: list.jobs.len() as u32,
                truncated: list.truncated,
            }))
        })
        .await
        .map_err(internal)?
    }
}
