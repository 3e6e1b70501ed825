//! Settings → Notifications: the user's choices, kept in the cache's settings.

use super::internal;
use crate::__ipc_command as command;
use crate::error::{AppError, AppResult};
use crate::notify::{self, NotificationPrefs};
use crate::state::AppState;
use tauri::State;

command! {
    pub async fn notification_prefs(state: State<'_, AppState>) -> AppResult<NotificationPrefs> {
        let store = state.store.clone();
        tauri::async_runtime::spawn_blocking(move || notify::load_prefs(&store))
            .await
            .map_err(internal)?
            .map_err(AppError::from)
    }
}

command! {
    pub async fn set_notification_prefs(
        state: State<'_, AppState>,
        prefs: NotificationPrefs,
    ) -> AppResult<NotificationPrefs> {
        let store = state.store.clone();
        tauri::async_runtime::spawn_blocking(move || {
            notify::save_prefs(&store, &prefs)?;
            tracing::info!(action_needed = prefs.action_needed, digest = prefs.digest, "notification settings changed");
            notify::load_prefs(&store)
        })
        .await
        .map_err(internal)?
        .map_err(AppError::from)
    }
}
