//! One sync at a time per cache, across processes: a whole run holds an advisory lock on
//! `<cache file>.sync-lock` next to the cache file (`ashby-sync.sqlite3.sync-lock` in the data
//! directory; one per cache file, so two caches in one folder don't block each other). The app's scheduler, a second window and a cron-started
//! `ashby-sync sync` all take it, so they never run two syncs on one SQLite file (double API
//! traffic, and each one's start would close the other's live run as "interrupted"). The OS
//! releases the lock when the holder dies (SIGKILL, lid closed and battery gone), so a crash
//! never leaves a stale lock. The holder's pid is written to `….sync-lock.pid` (a separate file:
//! on Windows the locked file itself cannot be read by others) for the "already running" message.

use fs4::{FileExt, TryLockError};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What the lock file's name adds to the cache file's.
pub const LOCK_SUFFIX: &str = ".sync-lock";

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another window or process is syncing this cache.
    #[error("{}", busy_message(*pid))]
    Held { pid: Option<u32> },
    #[error("The sync lock file {path} could not be used: {source}. Check that the disk isn't full and that you may write to the app's data folder.")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn busy_message(pid: Option<u32>) -> String {
    match pid {
        Some(pid) => format!(
            "A sync is already running (pid {pid}) in another Ashby Sync window or process. It will be tried again after it finishes."
        ),
        None => "A sync is already running in another Ashby Sync window or process. It will be tried again after it finishes.".to_string(),
    }
}

impl LockError {
    pub fn code(&self) -> crate::error::ErrorCode {
        match self {
            LockError::Held { .. } => crate::error::ErrorCode::SyncBusy,
            LockError::Io { .. } => crate::error::ErrorCode::DbIo,
        }
    }
}

/// The held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct SyncLock {
    file: File,
    pid_path: PathBuf,
}

impl SyncLock {
    /// The lock file for the cache at `db_path`.
    pub fn path_for(db_path: &Path) -> PathBuf {
        with_suffix(db_path, LOCK_SUFFIX)
    }

    /// Takes the lock for the cache at `db_path` without waiting.
    pub fn try_acquire(db_path: &Path) -> Result<SyncLock, LockError> {
        let path = Self::path_for(db_path);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io)?;
        let pid_path = with_suffix(&path, ".pid");
        match FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    pid: read_pid(&pid_path),
                })
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // Best effort: the pid only makes the "already running" message more useful.
        let written = File::create(&pid_path)
            .and_then(|mut f| writeln!(f, "{}", std::process::id()).and_then(|_| f.sync_all()));
        if let Err(e) = written {
            tracing::debug!("could not record the sync's pid: {e}");
        }
        Ok(SyncLock { file, pid_path })
    }

    /// Whether some process holds the lock of the cache at `db_path` right now. Takes the lock
    /// for an instant when it is free, so a sync starting at that instant would find it held:
    /// for status displays and tests, never to decide whether to sync.
    pub fn is_held(db_path: &Path) -> Result<bool, LockError> {
        match Self::try_acquire(db_path) {
            Ok(lock) => {
                drop(lock);
                Ok(false)
            }
            Err(LockError::Held { .. }) => Ok(true),
            Err(e) => Err(e),
        }
    }
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        // Remove our pid first: whoever takes the lock next writes its own.
        let _ = std::fs::remove_file(&self.pid_path);
        let _ = FileExt::unlock(&self.file);
    }
}

fn read_pid(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ashby-sync.sqlite3");
        let first = SyncLock::try_acquire(&db).unwrap();
        // A second open file description is refused, as another process would be.
        match SyncLock::try_acquire(&db) {
            Err(LockError::Held { pid }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("{other:?}"),
        }
        assert!(SyncLock::is_held(&db).unwrap());
        let err = SyncLock::try_acquire(&db).unwrap_err();
        assert_eq!(err.code(), crate::error::ErrorCode::SyncBusy);
        assert!(err.to_string().contains("already running (pid "), "{err}");
        drop(first);
        assert!(!SyncLock::is_held(&db).unwrap());
        let _again = SyncLock::try_acquire(&db).unwrap();
    }
}
