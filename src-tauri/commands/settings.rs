//! Commands of the Settings screen that are not about the key: the sync interval and the About
//! section's "Open folder".

use super::read;
use crate::__ipc_command as command;
use crate::config::Folder;
use crate::error::AppResult;
use crate::state::AppState;
use crate::sync::SyncInterval;
use tauri::State;

command! {
    /// How often jobs sync (the stored choice; every hour when none was made).
    pub async fn sync_interval(state: State<'_, AppState>) -> AppResult<SyncInterval> {
        read(&state, SyncInterval::stored).await
    }
}

command! {
    /// Stores the choice and tells the scheduler at once (the next sync moves accordingly).
    pub async fn set_sync_interval(state: State<'_, AppState>, interval: SyncInterval) -> AppResult<SyncInterval> {
        read(&state, move |s| interval.store(s)).await?;
        if let Some(sched) = state.scheduler.get() {
            sched.set_interval(interval.duration());
        }
        Ok(interval)
    }
}

command! {
    /// Opens the data or the log folder in the file manager (only these two: the window never
    /// names a path).
    pub fn open_folder(app: tauri::AppHandle, state: State<'_, AppState>, folder: Folder) -> AppResult<()> {
        use tauri_plugin_shell::ShellExt;
        crate::folders::open(&state.settings.folder(folder), crate::external::via_shell(app.shell()))
    }
}

command! {
    /// The window saw the network come back (`online` event): while offline, ask Ashby now.
    pub fn network_changed(state: State<'_, AppState>) {
        if let Some(sched) = state.scheduler.get() {
            sched.check_now();
        }
    }
}
