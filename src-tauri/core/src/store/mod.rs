//! The offline job cache: one SQLite file (WAL, foreign keys on, versioned migrations).
//!
//! `Store` is cheap to clone and safe to share between threads. It keeps two connections: one
//! for writes (the sync engine), one for reads (UI/CLI queries), so browsing never waits for a
//! sync's transaction. All methods are synchronous; async callers with big writes should run
//! them on `spawn_blocking` (the sync engine does).
//!
//! # Adding a database migration
//!
//! Add the next numbered file to `migrations/` (`0005_what.sql`); `build.rs` lists the files, so
//! nothing else registers it. Never edit a file that has shipped: databases record how many
//! files they applied. A column added to a synced table (see [`SYNCED_TABLES`]) stays empty for
//! existing rows until a full pass of its stream rewrites them, and an incremental pass only
//! returns what changed in Ashby. So a migration that adds such a column names the streams it
//! affects in its leading comment, `-- resets: jobs`: their sync tokens are dropped in the
//! migration's own transaction, and the next run re-reads them in full (an unknown name fails
//! the start-up and the tests). A column the store fills
//! itself is listed as `derived` in the table's declaration instead. The test
//! `new_synced_columns_reset_their_stream` applies each migration to a cache at the previous
//! version and fails when a synced table gained a column that is neither.

mod changes;
mod models;
mod query;
mod records;
mod runs;
mod sanitize;
mod search;
mod stage;
mod table;
mod write;

pub use changes::{
    ChangeFeed, ChangeKind, ChangeQuery, ChangeRecord, ChangeSummary, FirstSyncCounts, KindCount,
    CHANGE_RETENTION_DAYS, MAX_CHANGE_ROWS,
};
pub use models::*;
pub use records::SYNCED_TABLES;
pub use records::{
    DepartmentRecord, HiringTeamRecord, JobRecord, LocationRecord, OpeningRecord, PostingRecord,
};
pub use sanitize::sanitize_description_html;
pub use stage::ListStage;
pub use table::{Columns, SyncedRow, Table};

use crate::error::ErrorCode;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The local job cache could not be read or updated ({0}). Try again; if it keeps happening, restart the app.")]
    Sqlite(rusqlite::Error),
    /// SQLite found damaged pages (or a file that is not a database) after the cache opened.
    #[error("The local job cache is damaged ({0}). Move it aside and start fresh: the damaged copy is kept beside it and your jobs download again with the next sync.")]
    Corrupt(rusqlite::Error),
    #[error("The local job cache could not be prepared ({0}). Restart the app; it will rebuild the cache with a full sync.")]
    Migration(String),
    #[error("The app's data folder could not be used ({path}): {source}. Check that the disk isn't full and that you may write there.")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("An internal task of the job cache stopped unexpectedly ({0}). Restart the app.")]
    Task(String),
    /// The run's key was replaced or removed, or the cache was cleared, while it ran: what it
    /// fetched belongs to the old key and is not written.
    #[error("The API key changed (or the cached jobs were deleted) during this sync, so its results were discarded. A new sync starts with the current key.")]
    Superseded,
}

impl Error {
    pub fn code(&self) -> crate::error::ErrorCode {
        use crate::error::ErrorCode;
        match self {
            Error::Sqlite(_) => ErrorCode::DbError,
            Error::Corrupt(_) => ErrorCode::DbCorrupt,
            Error::Migration(_) => ErrorCode::DbMigrationFailed,
            Error::Io { .. } => ErrorCode::DbIo,
            Error::Task(_) => ErrorCode::Internal,
            Error::Superseded => ErrorCode::SyncSuperseded,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(code) if is_unusable_code(code) => Error::Corrupt(e),
            _ => Error::Sqlite(e),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong opening the cache, in the terms the start-up window uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum CacheProblemKind {
    DiskFull,
    ReadOnly,
    PermissionDenied,
    /// Another process holds a lock on the file.
    InUse,
    /// Not a database, damaged pages, or a schema this app does not recognise.
    Corrupt,
    /// Written by a newer version of the app.
    NewerVersion,
    Other,
}

impl CacheProblemKind {
    /// Moving the file aside can help: not when the folder or the disk is the problem (the
    /// rename would fail, or the new cache would), nor while another process holds the file.
    pub fn can_move_aside(self) -> bool {
        matches!(
            self,
            CacheProblemKind::Corrupt | CacheProblemKind::NewerVersion | CacheProblemKind::Other
        )
    }
}

/// The cache could not be opened or migrated. Nothing was moved or deleted.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.message())]
pub struct OpenProblem {
    pub kind: CacheProblemKind,
    /// The cache file.
    pub path: PathBuf,
    /// What the system or SQLite said, for the log and for IT.
    pub detail: String,
}

impl OpenProblem {
    fn new(kind: CacheProblemKind, path: &Path, detail: impl std::fmt::Display) -> OpenProblem {
        OpenProblem {
            kind,
            path: path.to_path_buf(),
            detail: detail.to_string(),
        }
    }

    fn dir(&self) -> String {
        self.path
            .parent()
            .unwrap_or(&self.path)
            .display()
            .to_string()
    }

    /// What happened and what to do, for the window and the terminal.
    pub fn message(&self) -> String {
        let file = self.path.display();
        let dir = self.dir();
        match self.kind {
            CacheProblemKind::DiskFull => format!(
                "The disk that holds Ashby Sync's data folder ({dir}) is full, so the job cache \
                 cannot be opened. Free some space, then choose Try again."
            ),
            CacheProblemKind::ReadOnly => format!(
                "Ashby Sync's data folder ({dir}) is read-only, so the job cache cannot be \
                 updated. Ask IT to make it writable for your account (it must not be on a \
                 read-only or locked-down drive), then choose Try again."
            ),
            CacheProblemKind::PermissionDenied => format!(
                "Your account is not allowed to use Ashby Sync's data folder ({dir}). Ask IT to \
                 give your user account read and write access to it, then choose Try again."
            ),
            CacheProblemKind::InUse => format!(
                "Another program is holding the job cache ({file}): an `ashby-sync` command, a \
                 backup or an antivirus scan. Wait for it to finish or close it, then choose Try \
                 again."
            ),
            CacheProblemKind::Corrupt => format!(
                "The job cache ({file}) is damaged or is not an Ashby Sync cache. Move it aside \
                 and start fresh: the old file is kept beside it, and your jobs download again \
                 with the next sync."
            ),
            CacheProblemKind::NewerVersion => format!(
                "The job cache ({file}) was written by a newer version of Ashby Sync. Install \
                 that version again, or move the cache aside and start fresh (the old file is \
                 kept beside it)."
            ),
            CacheProblemKind::Other => format!(
                "The job cache ({file}) could not be opened. Try again; if it keeps happening, \
                 move it aside and start fresh, or send IT this message and the app's log."
            ),
        }
    }
}

/// Maps what the system said about the data folder or the file.
fn io_kind(e: &std::io::Error, readonly_target: bool) -> CacheProblemKind {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull | K::QuotaExceeded => CacheProblemKind::DiskFull,
        K::ReadOnlyFilesystem => CacheProblemKind::ReadOnly,
        K::PermissionDenied if readonly_target => CacheProblemKind::ReadOnly,
        K::PermissionDenied => CacheProblemKind::PermissionDenied,
        K::ResourceBusy => CacheProblemKind::InUse,
        _ => CacheProblemKind::Other,
    }
}

fn sqlite_kind(code: Option<rusqlite::ErrorCode>) -> CacheProblemKind {
    use rusqlite::ErrorCode as C;
    match code {
        Some(C::DiskFull) => CacheProblemKind::DiskFull,
        Some(C::ReadOnly) => CacheProblemKind::ReadOnly,
        Some(C::PermissionDenied) => CacheProblemKind::PermissionDenied,
        Some(C::DatabaseBusy | C::DatabaseLocked) => CacheProblemKind::InUse,
        Some(C::NotADatabase | C::DatabaseCorrupt) => CacheProblemKind::Corrupt,
        _ => CacheProblemKind::Other,
    }
}

fn is_readonly(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| m.permissions().readonly())
        .unwrap_or(false)
}

/// Creates the data folder private to the user (0700 on Unix; parents it creates too) and
/// tightens an existing one an older version left wider.
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode & 0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        // Per-user profile folders are private by their ACLs.
        std::fs::create_dir_all(dir)
    }
}

/// The cache and its WAL/SHM companions readable by the user only (SQLite gives the companions
/// the database file's mode, so a file created here 0600 keeps them 0600 too).
#[cfg(unix)]
fn make_files_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    // An empty file is an empty database to SQLite. Another process (the app and a cron
    // `ashby-sync sync`) may create it between our check and ours: that file is as good.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    for p in [
        path.to_path_buf(),
        with_suffix_raw(path, "-wal"),
        with_suffix_raw(path, "-shm"),
    ] {
        if let Ok(m) = std::fs::metadata(&p) {
            let mode = m.permissions().mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode & 0o600))?;
            }
        }
    }
    Ok(())
}

/// A schema migration: one file of `migrations/`, and the streams whose sync tokens it resets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The file name, e.g. `0004_posting_list_hash.sql`.
    pub name: &'static str,
    pub sql: &'static str,
    /// Streams whose next pass must be full because this migration added columns they fill,
    /// declared in the file itself by a `-- resets: jobs, locations` line in its leading comment.
    pub resets: Vec<Stream>,
}

/// Every file of `migrations/` with its name, in schema-version order (listed by `build.rs`).
const MIGRATION_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

impl Migration {
    /// Reads the `-- resets:` line of the file's leading comment; an unknown stream name is an
    /// error, so a typo cannot silently skip the reset.
    pub fn parse(name: &'static str, sql: &'static str) -> Result<Migration> {
        let mut resets = Vec::new();
        let header = sql
            .lines()
            .map(str::trim)
            .take_while(|l| l.starts_with("--"));
        for line in header {
            let Some(list) = line.trim_start_matches('-').trim().strip_prefix("resets:") else {
                continue;
            };
            for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                let stream = Stream::parse(word).ok_or_else(|| {
                    let known: Vec<&str> = Stream::ALL.iter().map(|s| s.as_str()).collect();
                    Error::Migration(format!(
                        "migration {name} resets unknown stream {word:?} (known: {})",
                        known.join(", ")
                    ))
                })?;
                if !resets.contains(&stream) {
                    resets.push(stream);
                }
            }
        }
        Ok(Migration { name, sql, resets })
    }

    fn to_m(&self) -> M<'static> {
        if self.resets.is_empty() {
            return M::up(self.sql);
        }
        let streams = self.resets.clone();
        M::up_with_hook(self.sql, move |tx: &rusqlite::Transaction| {
            for stream in &streams {
                tx.execute(
                    "UPDATE sync_state SET sync_token = NULL WHERE stream = ?1",
                    [stream.as_str()],
                )?;
                // Postings have no token: the list is read whole every run, but unchanged rows
                // are skipped by their list hash and descriptions are fetched only when
                // `updatedAt` moves. Forget both, so every row and description is read again.
                if *stream == Stream::Postings {
                    tx.execute_batch(
                        "UPDATE job_postings SET list_hash = NULL, description_updated_at = NULL",
                    )?;
                    // The board's ETag would answer 304 for descriptions the cache must re-read.
                    let board_state: bool = tx.query_row(
                        "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'board_state'",
                        [],
                        |r| r.get(0),
                    )?;
                    if board_state {
                        tx.execute_batch("DELETE FROM board_state")?;
                    }
                }
            }
            Ok(())
        })
    }
}

/// Versioned schema migrations, applied in one transaction at start-up: every file of
/// `migrations/`, in order. Append only.
pub fn all_migrations() -> Result<Vec<Migration>> {
    MIGRATION_FILES
        .iter()
        .map(|(name, sql)| Migration::parse(name, sql))
        .collect()
}

fn migrations() -> Result<Migrations<'static>> {
    Ok(Migrations::new(
        all_migrations()?.iter().map(Migration::to_m).collect(),
    ))
}

/// The column names of `table`, in schema order.
#[cfg(test)]
pub(crate) fn table_columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let names = stmt
        .query_map([table], |r| r.get("name"))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(names)
}

/// The result of opening the cache.
#[derive(Debug)]
pub struct OpenOutcome {
    pub store: Store,
    /// Set when the existing file could not be opened or migrated (corrupt, not a database,
    /// written by a newer app version): it was renamed to this path and a new, empty cache was
    /// created. The UI should say so; the next sync rebuilds the data.
    pub recovered_from: Option<PathBuf>,
}

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
    /// Set on the view a sync run writes through ([`Store::bound_to`]): its writes are refused
    /// once the cache generation moved on (key replaced or removed, cache cleared).
    generation: Option<u64>,
}

/// The settings entries of the UI's view and the window's geometry.
const VIEW_STATE_KEY: &str = "ui.jobs_view";
const WINDOW_GEOMETRY_KEY: &str = "ui.window_geometry";
const MAX_VIEW_STATE_BYTES: usize = 16 * 1024;

/// The settings entry holding the cache generation: bumped (in the same transaction) whenever the
/// key changes or the cached jobs are deleted, so a run that started before cannot write after.
const GENERATION_SETTING: &str = "cache_generation";

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .field("generation", &self.generation)
            .finish()
    }
}

/// Why a first open attempt failed: only `Unusable` files are moved aside (`true`: written by a
/// newer version).
enum OpenFailure {
    Unusable(String, bool),
    Other(Error),
}

/// Moved-aside caches kept beside the live one; older ones are deleted when another is added.
pub const KEEP_MOVED_ASIDE: usize = 3;

impl Store {
    /// Opens (creating if needed) the cache at `path`, changing nothing when it cannot: the
    /// window shows the problem and lets the user choose (see [`Store::move_aside`]).
    pub fn open_checked(path: &Path) -> std::result::Result<Store, OpenProblem> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            ensure_private_dir(dir)
                .map_err(|e| OpenProblem::new(io_kind(&e, is_readonly(dir)), path, &e))?;
            // SQLite's "unable to open database file" hides why; ask the system first.
            let probe = dir.join(".ashby-sync-write-test");
            let _ = std::fs::remove_file(&probe);
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&probe)
                .and_then(|_| std::fs::remove_file(&probe))
                .map_err(|e| OpenProblem::new(io_kind(&e, is_readonly(dir)), path, &e))?;
        }
        if path.exists() {
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(path)
                .map_err(|e| OpenProblem::new(io_kind(&e, is_readonly(path)), path, &e))?;
        }
        #[cfg(unix)]
        make_files_private(path).map_err(|e| OpenProblem::new(io_kind(&e, false), path, &e))?;
        Self::try_open(path).map_err(|f| match f {
            OpenFailure::Unusable(reason, newer) => OpenProblem::new(
                if newer {
                    CacheProblemKind::NewerVersion
                } else {
                    CacheProblemKind::Corrupt
                },
                path,
                reason,
            ),
            OpenFailure::Other(e) => {
                let kind = match &e {
                    Error::Sqlite(e) | Error::Corrupt(e) => sqlite_kind(e.sqlite_error_code()),
                    Error::Io { source, .. } => io_kind(source, false),
                    _ => CacheProblemKind::Other,
                };
                OpenProblem::new(kind, path, e)
            }
        })
    }

    /// Renames the cache (and its WAL/SHM companions) to `<name>.unusable-<UTC time>`, never
    /// deleting it, and deletes moved-aside copies beyond the newest [`KEEP_MOVED_ASIDE`].
    pub fn move_aside(path: &Path) -> Result<PathBuf> {
        let aside = move_aside(path)?;
        if let Err(e) = prune_moved_aside(path, KEEP_MOVED_ASIDE) {
            tracing::warn!("could not delete old moved-aside caches: {e}");
        }
        Ok(aside)
    }

    /// For "Move it aside and start fresh" while the app runs: closes both connections and moves
    /// the file aside. Every later call on this store (and its clones) fails until the app
    /// restarts and opens a new one. Stop the sync first.
    pub fn close_and_move_aside(&self) -> Result<PathBuf> {
        let mut writer = self.writer();
        let mut reader = self.reader();
        // Dropping the old connections closes the file (Windows cannot rename an open file).
        *writer = Connection::open_in_memory()?;
        *reader = Connection::open_in_memory()?;
        Self::move_aside(&self.inner.path)
    }

    /// Opens (creating if needed) the cache at `path`. A file that is not a usable database is
    /// moved aside (never deleted) and replaced by an empty one. The CLI's behaviour: it says so
    /// on the terminal.
    pub fn open(path: &Path) -> Result<OpenOutcome> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            ensure_private_dir(dir).map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        // Two processes opening a new cache at once (the CLI from cron and the app at login)
        // must not both create it, nor one take the other's half-made file for unusable and
        // move it aside: opening is serialised across processes.
        let _open_lock = OpenLock::acquire(path);
        #[cfg(unix)]
        make_files_private(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        match Self::try_open_waiting(path) {
            Ok(store) => Ok(OpenOutcome {
                store,
                recovered_from: None,
            }),
            Err(OpenFailure::Other(e)) => Err(e),
            Err(OpenFailure::Unusable(reason, _)) => {
                let aside = Self::move_aside(path)?;
                tracing::warn!(
                    reason = %reason,
                    moved_to = %aside.display(),
                    "the job cache was unusable; moved it aside and started an empty one"
                );
                #[cfg(unix)]
                make_files_private(path).map_err(|source| Error::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
                let store = Self::try_open(path).map_err(|f| match f {
                    OpenFailure::Other(e) => e,
                    OpenFailure::Unusable(r, _) => Error::Migration(r),
                })?;
                Ok(OpenOutcome {
                    store,
                    recovered_from: Some(aside),
                })
            }
        }
    }

    /// [`try_open`](Self::try_open), retried while another process holds the database (two
    /// processes creating or migrating the same new cache at once: the migration's transaction
    /// reads the schema version first, so SQLite cannot make it wait).
    fn try_open_waiting(path: &Path) -> std::result::Result<Store, OpenFailure> {
        let deadline = std::time::Instant::now() + OPEN_BUSY_WAIT;
        loop {
            match Self::try_open(path) {
                Err(OpenFailure::Other(Error::Sqlite(e)))
                    if is_busy(&e) && std::time::Instant::now() < deadline =>
                {
                    tracing::debug!("the cache is busy in another process; opening again: {e}");
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }

    fn try_open(path: &Path) -> std::result::Result<Store, OpenFailure> {
        let mut writer = open_connection(path).map_err(classify)?;
        // A malformed migration file is the app's fault, not the database's: keep the file.
        migrations()
            .map_err(OpenFailure::Other)?
            .to_latest(&mut writer)
            .map_err(classify_migration)?;
        // A header that parses but pages that don't: fail now rather than mid-sync.
        writer
            .query_row("SELECT count(*) FROM jobs", [], |r| r.get::<_, i64>(0))
            .map_err(classify)?;
        writer
            .execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS touched_jobs (id TEXT PRIMARY KEY) WITHOUT ROWID;",
            )
            .map_err(classify)?;
        changes::install_triggers(&writer).map_err(classify)?;
        run_maintenance(&mut writer).map_err(|e| match e {
            Error::Sqlite(e) | Error::Corrupt(e) => classify(e),
            other => OpenFailure::Other(other),
        })?;
        let reader = open_connection(path).map_err(classify)?;
        Ok(Store {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(writer),
                reader: Mutex::new(reader),
            }),
            generation: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The write connection. A poisoned lock is recovered: SQLite rolled back whatever the
    /// panicking holder had not committed.
    pub(crate) fn writer(&self) -> MutexGuard<'_, Connection> {
        self.inner
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` in one write transaction, the only way the store writes more than one statement.
    /// `BEGIN IMMEDIATE` takes the write lock first, so when another process (the CLI, a second
    /// window) is writing, SQLite waits for it (the busy timeout) instead of failing with
    /// "database is locked" when a read-then-write transaction tries to upgrade. On a view bound
    /// to a generation ([`Store::bound_to`]), the generation is checked inside the transaction:
    /// a run whose key was replaced or removed (or whose cache was cleared) writes nothing.
    pub(crate) fn write_tx<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.writer();
        let tx = self.begin_write(&mut conn)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Opens the write transaction [`write_tx`](Self::write_tx) runs in (`BEGIN IMMEDIATE`,
    /// then the generation check), for the big commits that hold it open themselves.
    pub(crate) fn begin_write<'c>(
        &self,
        conn: &'c mut Connection,
    ) -> Result<rusqlite::Transaction<'c>> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some(expected) = self.generation {
            if generation_on(&tx)? != expected {
                return Err(Error::Superseded);
            }
        }
        Ok(tx)
    }

    /// Like [`write_tx`](Self::write_tx) but never refused for the generation: history rows of
    /// a superseded run must still be closed.
    pub(crate) fn write_tx_unchecked<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        Store {
            inner: self.inner.clone(),
            generation: None,
        }
        .write_tx(f)
    }

    /// The cache generation now (0 until the key first changes).
    pub fn generation(&self) -> Result<u64> {
        generation_on(&self.reader())
    }

    /// A view of this cache whose writes are refused once the generation is no longer `gen`
    /// (what a sync run writes through).
    pub fn bound_to(&self, gen: u64) -> Store {
        Store {
            inner: self.inner.clone(),
            generation: Some(gen),
        }
    }

    /// The generation this view is bound to, if any.
    pub fn bound_generation(&self) -> Option<u64> {
        self.generation
    }

    /// Moves the generation on: every run that started before can no longer write. Called when
    /// the key is saved, replaced or removed.
    pub fn bump_generation(&self) -> Result<u64> {
        self.write_tx_unchecked(bump_generation_on)
    }

    pub(crate) fn reader(&self) -> MutexGuard<'_, Connection> {
        self.inner
            .reader
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `PRAGMA integrity_check` — `true` when SQLite reports "ok".
    pub fn integrity_ok(&self) -> Result<bool> {
        let conn = self.reader();
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows.len() == 1 && rows[0] == "ok")
    }

    // -----------------------------------------------------------------------------------------
    // Settings (small key/value pairs: wizard step, start-at-login, partner, …)
    // -----------------------------------------------------------------------------------------

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .reader()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.write_tx_unchecked(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
            Ok(())
        })
    }

    pub fn remove_setting(&self, key: &str) -> Result<()> {
        self.write_tx_unchecked(|tx| {
            tx.execute("DELETE FROM settings WHERE key = ?1", [key])?;
            Ok(())
        })
    }

    /// The jobs screen's last view; the default when none was saved or it can't be read (a
    /// view is not worth failing the start for).
    pub fn view_state(&self) -> Result<ViewState> {
        Ok(self.json_setting(VIEW_STATE_KEY)?.unwrap_or_default())
    }

    pub fn set_view_state(&self, view: &ViewState) -> Result<()> {
        // Bounded: the search box and ids are short; a runaway value is not stored.
        let json = to_json(view);
        if json.len() > MAX_VIEW_STATE_BYTES {
            tracing::warn!(bytes = json.len(), "view state too large; not saved");
            return Ok(());
        }
        self.set_setting(VIEW_STATE_KEY, &json)
    }

    /// The main window's last size and position, if saved and readable.
    pub fn window_geometry(&self) -> Result<Option<WindowGeometry>> {
        self.json_setting(WINDOW_GEOMETRY_KEY)
    }

    pub fn set_window_geometry(&self, g: &WindowGeometry) -> Result<()> {
        self.set_setting(WINDOW_GEOMETRY_KEY, &to_json(g))
    }

    fn json_setting<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        Ok(self
            .setting(key)?
            .and_then(|v| match serde_json::from_str(&v) {
                Ok(t) => Some(t),
                Err(e) => {
                    tracing::warn!(key, "stored setting unreadable, using the default: {e}");
                    None
                }
            }))
    }

    pub fn settings(&self) -> Result<std::collections::BTreeMap<String, String>> {
        let conn = self.reader();
        let mut stmt = conn.prepare("SELECT key, value FROM settings")?;
        let map = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(map)
    }

    // -----------------------------------------------------------------------------------------
    // Key verification facts (never the key)
    // -----------------------------------------------------------------------------------------

    /// Records a successful verification and clears any "key invalid" mark.
    pub fn save_key_verification(&self, v: &KeyVerificationRecord) -> Result<()> {
        self.writer().execute(
            "INSERT INTO key_verification
                 (id, title, created_at, scopes_json, modules_json, write_scopes_json,
                  org_fingerprint, verified_at, invalid_code, invalid_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, NULL)
             ON CONFLICT (id) DO UPDATE SET
                 title = excluded.title, created_at = excluded.created_at,
                 scopes_json = excluded.scopes_json, modules_json = excluded.modules_json,
                 write_scopes_json = excluded.write_scopes_json,
                 org_fingerprint = excluded.org_fingerprint, verified_at = excluded.verified_at,
                 invalid_code = NULL, invalid_at = NULL",
            rusqlite::params![
                v.title,
                v.created_at,
                to_json(&v.scopes),
                to_json(&v.modules),
                to_json(&v.write_scopes),
                v.org_fingerprint,
                fmt_time(v.verified_at),
            ],
        )?;
        Ok(())
    }

    pub fn key_verification(&self) -> Result<Option<KeyVerificationRecord>> {
        use rusqlite::OptionalExtension;
        let conn = self.reader();
        let row = conn
            .query_row(
                "SELECT title, created_at, scopes_json, modules_json, write_scopes_json,
                        org_fingerprint, verified_at
                 FROM key_verification WHERE id = 1 AND verified_at IS NOT NULL",
                [],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?;
        Ok(row.and_then(|(title, created_at, s, m, w, fp, at)| {
            Some(KeyVerificationRecord {
                title,
                created_at,
                scopes: serde_json::from_str(&s).unwrap_or_default(),
                modules: serde_json::from_str(&m).unwrap_or_default(),
                write_scopes: serde_json::from_str(&w).unwrap_or_default(),
                org_fingerprint: fp,
                verified_at: parse_time(&at)?,
            })
        }))
    }

    /// Ashby rejected the key during a sync: remember it so the UI asks for a new key and the
    /// scheduler stops trying.
    /// On a run's bound view, refused once the key changed: the old key's rejection must not
    /// mark the new one.
    pub fn mark_key_invalid(&self, code: ErrorCode, at: DateTime<Utc>) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute(
                "INSERT INTO key_verification (id, invalid_code, invalid_at) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET invalid_code = excluded.invalid_code,
                                                invalid_at = excluded.invalid_at",
                rusqlite::params![code, fmt_time(at)],
            )?;
            Ok(())
        })
    }

    /// A new key was stored (or the old one works again). On a run's bound view, refused once
    /// the key changed.
    pub fn clear_key_invalid(&self) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute(
                "UPDATE key_verification SET invalid_code = NULL, invalid_at = NULL WHERE id = 1",
                [],
            )?;
            Ok(())
        })
    }

    pub fn key_invalid(&self) -> Result<Option<KeyInvalid>> {
        key_invalid_on(&self.reader())
    }

    /// The key was removed: forget its facts too.
    pub fn forget_key_verification(&self) -> Result<()> {
        self.write_tx_unchecked(|tx| {
            tx.execute("DELETE FROM key_verification", [])?;
            Ok(())
        })
    }
}

/// One-off tasks a migration asked for (they need Rust, not just SQL), each in one transaction.
fn run_maintenance(conn: &mut Connection) -> Result<()> {
    let tasks: Vec<String> = {
        let mut stmt = conn.prepare("SELECT task FROM maintenance")?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        rows
    };
    for task in tasks {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        match task.as_str() {
            "rebuild_search_index" => {
                tracing::info!("rebuilding the search index");
                tx.execute_batch(write::CLEAR_SEARCH_INDEXES)?;
                tx.execute_batch(
                    "INSERT OR IGNORE INTO temp.touched_jobs (id) SELECT id FROM jobs;",
                )?;
                write::refresh_touched_jobs(&tx)?;
            }
            other => tracing::warn!(task = other, "unknown maintenance task; skipped"),
        }
        tx.execute("DELETE FROM maintenance WHERE task = ?1", [&task])?;
        tx.commit()?;
    }
    Ok(())
}

fn generation_on(conn: &Connection) -> Result<u64> {
    use rusqlite::OptionalExtension;
    let v: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [GENERATION_SETTING],
            |r| r.get(0),
        )
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

pub(crate) fn bump_generation_on(tx: &rusqlite::Transaction<'_>) -> Result<u64> {
    let next = generation_on(tx)? + 1;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rusqlite::params![GENERATION_SETTING, next.to_string()],
    )?;
    Ok(next)
}

pub(crate) fn key_invalid_on(conn: &Connection) -> Result<Option<KeyInvalid>> {
    use rusqlite::OptionalExtension;
    let row: Option<(ErrorCode, String)> = conn
        .query_row(
            "SELECT invalid_code, invalid_at FROM key_verification
             WHERE id = 1 AND invalid_code IS NOT NULL AND invalid_at IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.and_then(|(code, at)| {
        Some(KeyInvalid {
            code,
            at: parse_time(&at)?,
        })
    }))
}

fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    // WAL: readers don't block the sync's writer; a killed process leaves a consistent file.
    let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(conn)
}

/// An advisory lock on `<cache>.open-lock` held while the cache is opened and migrated (a
/// moment; the OS drops it if the process dies). Best effort: if it cannot be had within
/// [`OPEN_BUSY_WAIT`], opening goes on without it (SQLite's own locking still applies).
struct OpenLock(Option<std::fs::File>);

impl OpenLock {
    fn acquire(db: &Path) -> OpenLock {
        use fs4::{FileExt, TryLockError};
        let path = with_suffix_raw(db, ".open-lock");
        let file = match std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(path = %path.display(), "could not create the open lock: {e}");
                return OpenLock(None);
            }
        };
        let deadline = std::time::Instant::now() + OPEN_BUSY_WAIT;
        loop {
            match FileExt::try_lock(&file) {
                Ok(()) => return OpenLock(Some(file)),
                Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => {
                    tracing::warn!("opening the cache without the open lock: {e}");
                    return OpenLock(None);
                }
            }
        }
    }
}

impl Drop for OpenLock {
    fn drop(&mut self) {
        if let Some(f) = &self.0 {
            let _ = fs4::FileExt::unlock(f);
        }
    }
}

/// How long opening the cache waits for another process that is creating or migrating it.
const OPEN_BUSY_WAIT: Duration = Duration::from_secs(10);

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn is_unusable_code(code: rusqlite::ErrorCode) -> bool {
    matches!(
        code,
        rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt
    )
}

fn classify(e: rusqlite::Error) -> OpenFailure {
    match e.sqlite_error_code() {
        Some(code) if is_unusable_code(code) => OpenFailure::Unusable(e.to_string(), false),
        _ => OpenFailure::Other(Error::Sqlite(e)),
    }
}

fn classify_migration(e: rusqlite_migration::Error) -> OpenFailure {
    use rusqlite_migration::Error as ME;
    match e {
        ME::RusqliteError { err, .. } => match err.sqlite_error_code() {
            // Locked, read-only, disk full…: transient or environmental — don't move the file.
            Some(code) if !is_unusable_code(code) && code != rusqlite::ErrorCode::Unknown => {
                OpenFailure::Other(Error::Sqlite(err))
            }
            // Schema conflicts ("table already exists" is SQLITE_ERROR/Unknown) or corruption.
            _ => OpenFailure::Unusable(err.to_string(), false),
        },
        ahead @ ME::MigrationDefinition(
            rusqlite_migration::MigrationDefinitionError::DatabaseTooFarAhead,
        ) => OpenFailure::Unusable(ahead.to_string(), true),
        // Garbage user_version, failed checks.
        other => OpenFailure::Unusable(other.to_string(), false),
    }
}

/// Renames the database (and its WAL/SHM companions) to `<name>.unusable-<UTC timestamp>`.
fn move_aside(path: &Path) -> Result<PathBuf> {
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut n = 0;
    let target = loop {
        let suffix = if n == 0 {
            format!("unusable-{stamp}")
        } else {
            format!("unusable-{stamp}-{n}")
        };
        let candidate = with_suffix(path, &suffix);
        if !candidate.exists() {
            break candidate;
        }
        n += 1;
    };
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::rename(path, &target).map_err(io)?;
    for companion in ["-wal", "-shm"] {
        let from = with_suffix_raw(path, companion);
        if from.exists() {
            let to = with_suffix_raw(&target, companion);
            std::fs::rename(&from, &to).map_err(io)?;
        }
    }
    Ok(target)
}

/// Deletes `<name>.unusable-*` copies (and their companions) beyond the newest `keep`. The names
/// carry the UTC time they were moved aside, so they sort oldest first.
fn prune_moved_aside(path: &Path, keep: usize) -> std::io::Result<()> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(());
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!("{}.unusable-", name.to_string_lossy());
    let mut copies: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(&prefix) && !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    copies.sort_by(|a, b| moved_aside_order(&a[prefix.len()..], &b[prefix.len()..]));
    let excess = copies.len().saturating_sub(keep);
    for old in &copies[..excess] {
        for suffix in ["", "-wal", "-shm"] {
            let p = dir.join(format!("{old}{suffix}"));
            match std::fs::remove_file(&p) {
                Ok(()) => tracing::info!(path = %p.display(), "deleted an old moved-aside cache"),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// `20260101T000000Z` < `20260101T000000Z-1` < `20260101T000000Z-10`.
fn moved_aside_order(a: &str, b: &str) -> std::cmp::Ordering {
    let split = |s: &str| -> (String, u64) {
        match s.split_once("Z-") {
            Some((stamp, n)) => (stamp.to_string(), n.parse().unwrap_or(0)),
            None => (s.trim_end_matches('Z').to_string(), 0),
        }
    };
    split(a).cmp(&split(b))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

fn with_suffix_raw(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

pub(crate) fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn to_json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    // Serialising plain strings/maps cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_file_is_moved_aside_and_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        std::fs::write(
            &path,
            b"this is not a database at all, just some bytes".repeat(200),
        )
        .unwrap();
        let out = Store::open(&path).unwrap();
        let aside = out.recovered_from.expect("recovered");
        assert!(aside.exists());
        assert!(std::fs::read(&aside).unwrap().starts_with(b"this is not"));
        assert_eq!(out.store.status().unwrap().counts.jobs, 0);
        drop(out.store);
        // A healthy file opens without recovery.
        let again = Store::open(&path).unwrap();
        assert!(again.recovered_from.is_none());
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        let garbage = b"this is not a database at all, just some bytes".repeat(200);
        std::fs::write(&path, &garbage).unwrap();
        let problem = Store::open_checked(&path).unwrap_err();
        assert_eq!(problem.kind, CacheProblemKind::Corrupt, "{problem:?}");
        assert!(problem.kind.can_move_aside());
        assert_eq!(problem.path, path);
        let msg = problem.message();
        assert!(
            msg.contains("damaged") && msg.contains("Move it aside"),
            "{msg}"
        );
        // Nothing moved, nothing rewritten.
        assert_eq!(std::fs::read(&path).unwrap(), garbage);
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["cache.sqlite3".to_string()]);
        // The user's choice: move it aside; the copy is kept and a fresh cache opens.
        let aside = Store::move_aside(&path).unwrap();
        assert_eq!(std::fs::read(&aside).unwrap(), garbage);
        let store = Store::open_checked(&path).unwrap();
        assert!(store.integrity_ok().unwrap());
    }

    #[test]
    fn a_newer_schema_is_reported_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
                .unwrap();
        }
        let problem = Store::open_checked(&path).unwrap_err();
        assert_eq!(problem.kind, CacheProblemKind::NewerVersion, "{problem:?}");
        assert!(problem.message().contains("newer version"));
    }

    #[test]
    fn io_errors_name_the_problem() {
        use std::io::{Error as E, ErrorKind as K};
        let k = |kind, ro| io_kind(&E::from(kind), ro);
        assert_eq!(k(K::StorageFull, false), CacheProblemKind::DiskFull);
        assert_eq!(k(K::ReadOnlyFilesystem, false), CacheProblemKind::ReadOnly);
        assert_eq!(k(K::PermissionDenied, true), CacheProblemKind::ReadOnly);
        assert_eq!(
            k(K::PermissionDenied, false),
            CacheProblemKind::PermissionDenied
        );
        assert_eq!(k(K::ResourceBusy, false), CacheProblemKind::InUse);
        for k in [
            CacheProblemKind::InUse,
            CacheProblemKind::ReadOnly,
            CacheProblemKind::PermissionDenied,
            CacheProblemKind::DiskFull,
        ] {
            assert!(!k.can_move_aside(), "{k:?}");
        }
        use rusqlite::ErrorCode as C;
        assert_eq!(sqlite_kind(Some(C::DiskFull)), CacheProblemKind::DiskFull);
        assert_eq!(sqlite_kind(Some(C::DatabaseBusy)), CacheProblemKind::InUse);
        assert_eq!(sqlite_kind(Some(C::ReadOnly)), CacheProblemKind::ReadOnly);
        assert_eq!(
            sqlite_kind(Some(C::NotADatabase)),
            CacheProblemKind::Corrupt
        );
    }

    #[test]
    fn moved_aside_copies_beyond_the_newest_three_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        let old = [
            "20250101T000000Z",
            "20250102T000000Z",
            "20250102T000000Z-1",
            "20250102T000000Z-10",
            "20250102T000000Z-2",
        ];
        for stamp in old {
            std::fs::write(
                dir.path().join(format!("cache.sqlite3.unusable-{stamp}")),
                stamp,
            )
            .unwrap();
        }
        std::fs::write(
            dir.path()
                .join("cache.sqlite3.unusable-20250101T000000Z-wal"),
            "wal",
        )
        .unwrap();
        std::fs::write(dir.path().join("unrelated.unusable-20200101T000000Z"), "x").unwrap();
        std::fs::write(&path, b"garbage").unwrap();
        let newest = Store::move_aside(&path).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        let newest = newest.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(
            names,
            vec![
                "cache.sqlite3.unusable-20250102T000000Z-10".to_string(),
                "cache.sqlite3.unusable-20250102T000000Z-2".to_string(),
                newest,
                "unrelated.unusable-20200101T000000Z".to_string(),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_data_folder_and_cache_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let root = tempfile::tempdir().unwrap();
        // An older version's folder and file, readable by everyone.
        let dir = root.path().join("old");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let old_path = dir.join("cache.sqlite3");
        drop(Connection::open(&old_path).unwrap());
        std::fs::set_permissions(&old_path, std::fs::Permissions::from_mode(0o644)).unwrap();
        // And a new one, several levels deep.
        let new_path = root.path().join("a/b/data/cache.sqlite3");
        for path in [&old_path, &new_path] {
            let store = Store::open_checked(path).unwrap();
            store.set_setting("k", "v").unwrap();
            let wal = with_suffix_raw(path, "-wal");
            let shm = with_suffix_raw(path, "-shm");
            assert!(wal.exists() && shm.exists());
            for p in [path.to_path_buf(), wal, shm] {
                assert_eq!(mode(&p), 0o600, "{}", p.display());
            }
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        assert_eq!(mode(&root.path().join("a")), 0o700);
        // The CLI's open keeps them private too.
        let cli_path = root.path().join("cli/cache.sqlite3");
        drop(Store::open(&cli_path).unwrap());
        assert_eq!(mode(&cli_path), 0o600);
        assert_eq!(mode(cli_path.parent().unwrap()), 0o700);
    }

    /// Damage found after the cache opened carries its own code, so the window can offer to
    /// start fresh.
    #[test]
    fn corruption_found_later_has_its_own_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        let store = Store::open_checked(&path).unwrap();
        // The table's and its indexes' root pages: a count may read either.
        let roots: Vec<i64> = {
            let w = store.writer();
            w.execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO jobs (id, title, status, updated_at)
                 SELECT 'job-' || i, 'Engineer ' || i, 'Open', '2026-01-01' FROM n;
                 PRAGMA wal_checkpoint(TRUNCATE);",
            )
            .unwrap();
            let mut stmt = w
                .prepare(
                    "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'jobs' AND rootpage > 1",
                )
                .unwrap();
            let roots = stmt
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            roots
        };
        assert_eq!(store.status().unwrap().counts.jobs, 2000);
        let page_size = 4096u64;
        {
            use std::io::{Seek, SeekFrom, Write};
            let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            for root in roots {
                f.seek(SeekFrom::Start((root as u64 - 1) * page_size))
                    .unwrap();
                f.write_all(&[0xff; 4096]).unwrap();
            }
        }
        // Another connection's write makes the reader drop its page cache, as a sync would.
        store.set_setting("after", "damage").unwrap();
        let err = store.status().unwrap_err();
        assert_eq!(err.code(), ErrorCode::DbCorrupt, "{err}");
        assert!(err.to_string().contains("Move it aside"), "{err}");
        // The window's "start fresh" while running: the file moves, the store stops working.
        let aside = store.close_and_move_aside().unwrap();
        assert!(aside.exists() && !path.exists());
        assert!(store.status().is_err());
        assert!(Store::open_checked(&path).unwrap().integrity_ok().unwrap());
    }

    #[test]
    fn newer_schema_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
                .unwrap();
        }
        let out = Store::open(&path).unwrap();
        assert!(out.recovered_from.is_some());
        assert!(out.store.integrity_ok().unwrap());
    }

    #[test]
    fn settings_roundtrip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("c.sqlite3")).unwrap().store;
        assert_eq!(store.setting("wizardStep").unwrap(), None);
        store.set_setting("wizardStep", "3").unwrap();
        store.set_setting("wizardStep", "4").unwrap();
        assert_eq!(store.setting("wizardStep").unwrap().as_deref(), Some("4"));
        store.remove_setting("wizardStep").unwrap();
        assert!(store.settings().unwrap().is_empty());
    }

    #[test]
    fn key_verification_and_invalid_mark() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("c.sqlite3")).unwrap().store;
        assert!(store.key_verification().unwrap().is_none());
        let at = parse_time("2026-01-02T03:04:05.000Z").unwrap();
        store.mark_key_invalid(ErrorCode::InvalidKey, at).unwrap();
        assert_eq!(
            store.key_invalid().unwrap().unwrap().code,
            ErrorCode::InvalidKey
        );
        assert!(store.key_verification().unwrap().is_none());
        let v = KeyVerificationRecord {
            title: Some("Ashby Sync".into()),
            created_at: Some("2026-01-01T00:00:00.000Z".into()),
            scopes: vec!["jobs:read".into()],
            modules: [
                (crate::ashby::Module::Jobs, crate::ashby::Access::Read),
                (
                    crate::ashby::Module::HiringProcessMetadata,
                    crate::ashby::Access::Missing,
                ),
            ]
            .into(),
            write_scopes: vec![],
            org_fingerprint: None,
            verified_at: at,
        };
        store.save_key_verification(&v).unwrap();
        assert_eq!(store.key_verification().unwrap(), Some(v));
        // The stored spelling stays what earlier versions wrote.
        let raw: String = store
            .reader()
            .query_row("SELECT modules_json FROM key_verification", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(raw, r#"{"jobs":"read","hiringProcessMetadata":"missing"}"#);
        assert!(store.key_invalid().unwrap().is_none());
    }

    /// The convention of the module doc: a migration that adds a column to a synced table either
    /// resets that table's stream or the column is declared as derived.
    #[test]
    fn new_synced_columns_reset_their_stream() {
        let mut conn = Connection::open_in_memory().unwrap();
        let all = migrations().unwrap();
        let columns = |conn: &Connection| -> Vec<(&'static Table, Vec<String>)> {
            SYNCED_TABLES
                .iter()
                .map(|t| (*t, table_columns(conn, t.name).unwrap()))
                .collect()
        };
        let mut before = columns(&conn);
        for (i, m) in all_migrations().unwrap().iter().enumerate() {
            all.to_version(&mut conn, i + 1).unwrap();
            let after = columns(&conn);
            for ((table, old), (_, new)) in before.iter().zip(&after) {
                // A table the migration creates is new, not changed.
                if old.is_empty() {
                    continue;
                }
                for col in new.iter().filter(|c| !old.contains(c)) {
                    assert!(
                        m.resets.contains(&table.stream) || table.derived.contains(&col.as_str()),
                        "migration {} adds {}.{col}: start the file with `-- resets: {}` or \
                         list the column as derived",
                        m.name,
                        table.name,
                        table.stream.as_str()
                    );
                }
            }
            before = after;
        }
    }

    /// Applies one more migration, `sql`, to a cache at the latest version.
    fn apply_one_more(conn: &mut Connection, sql: &'static str) {
        let mut ms: Vec<M<'static>> = all_migrations()
            .unwrap()
            .iter()
            .map(Migration::to_m)
            .collect();
        ms.push(Migration::parse("9999_extra.sql", sql).unwrap().to_m());
        Migrations::new(ms).to_latest(conn).unwrap();
    }

    #[test]
    fn a_resetting_migration_drops_only_its_streams_tokens() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().unwrap().to_latest(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO sync_state (stream, sync_token) VALUES ('jobs', 'j'), ('locations', 'l');",
        )
        .unwrap();
        apply_one_more(
            &mut conn,
            "-- resets: jobs\nALTER TABLE jobs ADD COLUMN extra TEXT;",
        );
        let token = |s: &str| -> Option<String> {
            conn.query_row(
                "SELECT sync_token FROM sync_state WHERE stream = ?1",
                [s],
                |r| r.get("sync_token"),
            )
            .unwrap()
        };
        assert_eq!(token("jobs"), None);
        assert_eq!(token("locations").as_deref(), Some("l"));
    }

    /// A column filled from the posting list or from `jobPosting.info` must reach existing rows:
    /// `-- resets: postings` makes the next run rewrite every posting and fetch every description.
    #[test]
    fn a_postings_reset_rereads_every_posting_and_description() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().unwrap().to_latest(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO jobs (id, title, status, updated_at) VALUES ('j1', 'Engineer', 'Open', '2026-01-01');
             INSERT INTO job_postings (id, job_id, title, is_listed, updated_at, list_hash,
                                       description_updated_at)
             VALUES ('p1', 'j1', 'Engineer', 1, '2026-01-01', 42, '2026-01-01');",
        )
        .unwrap();
        apply_one_more(
            &mut conn,
            "-- resets: postings\nALTER TABLE job_postings ADD COLUMN extra TEXT;",
        );
        let (hash, fetched_for): (Option<i64>, Option<String>) = conn
            .query_row(
                "SELECT list_hash, description_updated_at FROM job_postings WHERE id = 'p1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(hash, None);
        assert_eq!(fetched_for, None);
    }

    #[test]
    fn a_migration_declares_its_resets_in_its_leading_comment() {
        let m = Migration::parse(
            "0009_x.sql",
            "-- Adds two columns.\n-- resets: jobs, locations, jobs\nALTER TABLE jobs ADD COLUMN x;",
        )
        .unwrap();
        assert_eq!(m.resets, vec![Stream::Jobs, Stream::Locations]);
        // Only the leading comment counts: a line further down is not a declaration.
        let m = Migration::parse(
            "0009_x.sql",
            "ALTER TABLE jobs ADD COLUMN x;\n-- resets: jobs\n",
        )
        .unwrap();
        assert!(m.resets.is_empty());
    }

    #[test]
    fn an_unknown_stream_in_resets_is_an_error() {
        let err = Migration::parse(
            "0009_x.sql",
            "-- resets: jobz\nALTER TABLE jobs ADD COLUMN x;",
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("0009_x.sql") && msg.contains("\"jobz\""),
            "{msg}"
        );
        assert_eq!(err.code(), ErrorCode::DbMigrationFailed);
    }

    /// Every file of `migrations/` is found, in order, and parses.
    #[test]
    fn migrations_are_the_numbered_files_in_order() {
        let all = all_migrations().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        let names: Vec<&str> = all.iter().map(|m| m.name).collect();
        assert_eq!(names, files);
        assert_eq!(names[0], "0001_initial.sql");
        for m in &all {
            assert_eq!(m.sql, std::fs::read_to_string(dir.join(m.name)).unwrap());
        }
    }
}
