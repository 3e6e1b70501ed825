//! Tauri wiring: plugins, managed state, commands, window.

use crate::state::AppState;
use crate::store::Store;
use crate::{commands, config, logging};
use std::process::ExitCode;

pub fn run() -> ExitCode {
    let _log_guard = logging::init(&config::log_dir(), true);
    tracing::info!(version = config::APP_VERSION, data_dir = %config::data_dir().display(), "starting {}", config::APP_NAME);

    let opened = match Store::open_default() {
        Ok(o) => o,
        Err(e) => {
            tracing::error!("cannot open the cache: {e}");
            eprintln!(
                "Ashby Sync could not open its data folder {}: {e}",
                config::data_dir().display()
            );
            return ExitCode::FAILURE;
        }
    };
    if let Some(p) = &opened.recovered_from {
        tracing::warn!(moved_to = %p.display(), "the cache was unusable; moved aside and started afresh");
    }
    let state = AppState::new(opened.store, opened.recovered_from);

    let result = tauri::Builder::default()
        .plugin(tauri_plugin_shell::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::boot_state,
            commands::wizard_steps,
            commands::wizard_progress,
            commands::set_wizard_progress,
            commands::verify_key,
            commands::cancel_verification,
            commands::save_key,
            commands::key_status,
            commands::reverify_key,
            commands::remove_key,
            commands::jobs::list_jobs,
            commands::jobs::job_detail,
            commands::jobs::facets,
            commands::jobs::sync_history,
            commands::jobs::sync_status,
            commands::jobs::sync_now,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("the app window could not start: {e}");
            eprintln!("Ashby Sync could not open its window: {e}");
            ExitCode::FAILURE
        }
    }
}
