//! Settings → Notifications: the user's choices, kept in the cache's settings.

use super::read;
use crate::__ipc_command as command;
use crate::error::AppResult;
use crate::notify::{self, NotificationPrefs};
use crate::state::AppState;
use tauri::State;

command! {
    pub async fn notification_prefs(state: State<'_, AppState>) -> AppResult<NotificationPrefs> {
        read(&state, notify::load_prefs).await
    }
}

command! {
    pub async fn set_notification_prefs(
        state: State<'_, AppState>,
        prefs: NotificationPrefs,
    ) -> AppResult<NotificationPrefs> {
        read(&state, move |s| {
            notify::save_prefs(s, &prefs)?;
            tracing::info!(action_needed = prefs.action_needed, digest = prefs.digest, "notification settings changed");
            notify::load_prefs(s)
        })
        .await
    }
}
