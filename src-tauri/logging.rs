//! Logs go to a daily file in the log dir (and to stderr). Nothing logged may contain the API key:
//! the key type redacts itself and the client never logs headers.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Without `ASHBY_SYNC_LOG` (or with one `tracing` cannot read).
const DEFAULT_FILTER: &str = "info,ashby_sync=debug";

/// Starts logging with `filter` (`Settings::log_filter`); keep the guard alive for the life of
/// the process so lines are flushed.
pub fn init(log_dir: &Path, filter: Option<&str>, to_stderr: bool) -> Option<WorkerGuard> {
    let filter = filter
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(DEFAULT_FILTER));
    // Private like the data folder it sits in (0700; the files are 0600 by the process umask).
    let file = crate::store::ensure_private_dir(log_dir).ok().map(|_| {
        let appender = tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("ashby-sync")
            .filename_suffix("log")
            .max_log_files(14)
            .build(log_dir);
        appender.ok()
    });
    let (file_layer, guard) = match file.flatten() {
        Some(appender) => {
            let (nb, guard) = tracing_appender::non_blocking(appender);
            (
                Some(fmt::layer().with_ansi(false).with_writer(nb)),
                Some(guard),
            )
        }
        None => (None, None),
    };
    let stderr_layer = to_stderr.then(|| fmt::layer().with_writer(std::io::stderr));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    guard
}

/// Logging before the settings (and so the log folder) are known: stderr only.
pub fn init_stderr() -> Option<WorkerGuard> {
    let _ = tracing_subscriber::registry()
        .with(EnvFilter::new(DEFAULT_FILTER))
        .with(fmt::layer().with_writer(std::io::stderr))
        .try_init();
    None
}
