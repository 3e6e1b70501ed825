//! The headless CLI: same binary, no window.
//!
//! The settings come from the environment, parsed once into [`Settings`] like the window's: the
//! key from `ASHBY_API_KEY` (this run only, never stored) or the keychain (through the same
//! [`KeyService`]), the base URL from `ASHBY_API_BASE_URL`, the cache from `ASHBY_SYNC_DATA_DIR`,
//! the request budget from `ASHBY_SYNC_RATE_LIMIT_PER_MINUTE`. Logs go to the log file, so stdout
//! carries only the command's output.

use crate::ashby::{Client, EmploymentType, JobStatus, WorkplaceType};
use crate::config::Settings;
use crate::error::{AppError, ErrorCode};
use crate::keys::{KeyService, KeySource};
use crate::store::{JobQuery, RunResult, Store, Trigger};
use crate::sync::{
    next_due, Engine, LockError, SyncLock, SyncProgress, SyncStage, DEFAULT_BACKOFF,
    DEFAULT_INTERVAL,
};
use crate::{logging, setup};
use clap::{Parser, Subcommand};
use serde::Serialize;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "ashby-sync",
    version,
    about = "Ashby Sync: keep an offline copy of your Ashby jobs. Without a command it opens the app window."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Start without showing the window (used by "Start at login"; needs a tray to reopen it).
    #[arg(long)]
    pub background: bool,
    /// Diagnostics: open an empty WebKitGTK window (no UI, no data) and nothing else; the
    /// benchmark's memory baseline.
    #[arg(long, hide = true)]
    pub blank_window: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one sync pass now and print a one-line summary (exit 0 ok, 2 partial, 1 failed,
    /// 3 another sync of this cache is running and --no-wait was given). While the app or another
    /// `ashby-sync sync` is syncing the same cache, waits for it to finish first.
    Sync {
        /// Ignore stored sync tokens and reconcile everything.
        #[arg(long)]
        full: bool,
        /// Don't wait for a sync that is already running: exit with code 3 instead.
        #[arg(long)]
        no_wait: bool,
    },
    /// List the cached jobs (works offline). All statuses unless --status is given.
    Jobs {
        /// Print a JSON array (with hiring team and postings) instead of a table.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV (RFC 4180, a header row, one row per job with its postings), as the app's
        /// Export… writes it; cells a spreadsheet would run as a formula start with `'`.
        #[arg(long)]
        csv: bool,
        /// Only jobs matching this text (title, department, location, postings).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Comma-separated statuses, e.g. Open,Closed.
        #[arg(long, value_delimiter = ',')]
        status: Vec<String>,
    },
    /// Manage the stored API key.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Show key, last sync, next sync and counts.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Verify the key and print the per-module permission matrix
    /// (exit 0 full read access, 2 valid but some modules missing or unchecked, 1 invalid/unreachable).
    Verify {
        #[arg(long)]
        json: bool,
    },
}

const EXIT_PARTIAL: u8 = 2;
/// `sync --no-wait` while another sync of the same cache runs.
const EXIT_BUSY: u8 = 3;
/// How often a waiting `sync` tries the lock again.
const LOCK_POLL: std::time::Duration = std::time::Duration::from_millis(200);

/// `println!` for anything that may hold text from Ashby: see [`terminal_safe`].
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", terminal_safe(&format!($($arg)*)))
    };
}

/// Text from Ashby (titles, names, messages) made harmless for a terminal: escape sequences
/// (CSI `ESC [ … final`, OSC `ESC ] … BEL` or `ESC \`, DCS/APC/PM/SOS strings, and their 8-bit
/// C1 forms) are dropped whole, so a job title cannot retitle the window, hide text, or plant a
/// link; other control characters go too (tabs and line breaks become spaces, so a value stays
/// on its row); and bidi overrides and isolates are removed, so a right-to-left override in one
/// field cannot reorder the rest of the line.
pub fn terminal_safe(s: &str) -> String {
    #[derive(PartialEq)]
    enum Skip {
        None,
        /// After ESC.
        Escape,
        /// A CSI sequence: up to its final byte.
        Csi,
        /// An OSC/DCS/… string: up to BEL or ST (ESC + backslash).
        Str,
        /// ESC inside a string: a backslash ends it.
        StrEscape,
    }
    let mut out = String::with_capacity(s.len());
    let mut skip = Skip::None;
    for c in s.chars() {
        skip = match skip {
            Skip::Escape => match c {
                '[' => Skip::Csi,
                ']' | 'P' | 'X' | '^' | '_' => Skip::Str,
                _ => Skip::None,
            },
            Skip::Csi => {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    Skip::None
                } else {
                    Skip::Csi
                }
            }
            Skip::Str => match c {
                '\u{7}' | '\u{9c}' => Skip::None,
                '\u{1b}' => Skip::StrEscape,
                _ => Skip::Str,
            },
            Skip::StrEscape => match c {
                '\\' => Skip::None,
                _ => Skip::Str,
            },
            Skip::None => match c {
                '\u{1b}' => Skip::Escape,
                '\u{9b}' => Skip::Csi,
                '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => Skip::Str,
                '\t' | '\n' | '\r' => {
                    out.push(' ');
                    Skip::None
                }
                '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}' => Skip::None,
                c if c.is_control() => Skip::None,
                c => {
                    out.push(c);
                    Skip::None
                }
            },
        };
    }
    out
}

pub fn run(settings: &Settings, cmd: Command) -> ExitCode {
    let _log_guard = logging::init(&settings.log_dir(), settings.log_filter.as_deref(), false);
    let result = match cmd {
        Command::Sync { full, no_wait } => block_on(cmd_sync(settings, full, no_wait)),
        Command::Jobs {
            json,
            csv,
            search,
            status,
        } => cmd_jobs(settings, JobsFormat::pick(json, csv), search, status),
        Command::Key {
            command: KeyCommand::Verify { json },
        } => block_on(cmd_key_verify(settings, json)),
        Command::Status { json } => cmd_status(settings, json),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            tracing::error!(code = %e.code(), "command failed: {e}");
            // Messages may quote Ashby.
            eprintln!("{}", terminal_safe(&format!("Error ({}): {e}", e.code())));
            ExitCode::FAILURE
        }
    }
}

fn block_on<F: std::future::Future<Output = Result<ExitCode, AppError>>>(
    f: F,
) -> Result<ExitCode, AppError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| AppError::new(ErrorCode::Internal, format!("Could not start: {e}")))?;
    rt.block_on(f)
}

fn open_store(settings: &Settings) -> Result<Store, AppError> {
    let out = Store::open(&settings.db_path())?;
    if let Some(aside) = out.recovered_from {
        eprintln!(
            "Note: the local job cache could not be read; it was moved to {} and a new one was \
             created. The next sync downloads everything again.",
            aside.display()
        );
    }
    Ok(out.store)
}

async fn cmd_sync(settings: &Settings, full: bool, no_wait: bool) -> Result<ExitCode, AppError> {
    let store = open_store(settings)?;
    let keys = KeyService::new(settings, store.clone());
    let key = keys.require()?;
    let client = Client::new(key, keys.client_config()?)?;
    let lock = tokio::select! {
        l = wait_for_lock(&store, no_wait) => match l? {
            Some(l) => l,
            None => return Ok(ExitCode::from(EXIT_BUSY)),
        },
        _ = tokio::signal::ctrl_c() => {
            eprintln!("stopped waiting; nothing was synced");
            return Ok(ExitCode::from(130));
        }
    };
    let engine = Engine::with_config(client, store, settings.engine_config());
    let progress = CliProgress::default();
    let summary = tokio::select! {
        s = engine.run_locked(lock, Trigger::Cli, full, &progress) => s,
        _ = tokio::signal::ctrl_c() => {
            // Dropping the run rolls back the pass in flight; committed streams stay.
            eprintln!("sync interrupted; the cache keeps everything synced before the interruption");
            return Ok(ExitCode::from(130));
        }
    };
    say!("{}", summary.one_line());
    // Rows not stored this run, each named with why (the history keeps the same list).
    for s in &summary.streams {
        for p in &s.problems {
            say!(
                "  {} {}: {} — {}",
                s.stream.as_str(),
                p.id.as_deref().unwrap_or("(no id)"),
                p.code,
                p.reason
            );
        }
        if s.more_problems > 0 {
            say!("  {} … and {} more", s.stream.as_str(), s.more_problems);
        }
    }
    Ok(match summary.result {
        RunResult::Ok => ExitCode::SUCCESS,
        RunResult::Partial => ExitCode::from(EXIT_PARTIAL),
        RunResult::Failed => ExitCode::FAILURE,
    })
}

/// Takes the cache's sync lock, waiting (with one message) while the app or another CLI syncs.
/// `None` with `no_wait` when it is held.
async fn wait_for_lock(store: &Store, no_wait: bool) -> Result<Option<SyncLock>, AppError> {
    let mut told = false;
    loop {
        match SyncLock::try_acquire(store.path()) {
            Ok(lock) => return Ok(Some(lock)),
            Err(LockError::Held { pid }) => {
                let who = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
                if no_wait {
                    eprintln!("a sync is already running{who}; nothing was synced (--no-wait)");
                    return Ok(None);
                }
                if !told {
                    eprintln!(
                        "a sync is already running{who} in the app or another ashby-sync; waiting for it to finish…"
                    );
                    told = true;
                }
                tokio::time::sleep(LOCK_POLL).await;
            }
            Err(e) => return Err(AppError::new(e.code(), e.to_string())),
        }
    }
}

/// Progress on stderr (stdout keeps the one result line): the phase, done/total and the time
/// left, at most every two seconds.
#[derive(Default)]
struct CliProgress {
    last: std::sync::Mutex<Option<std::time::Instant>>,
}

impl crate::sync::ProgressSink for CliProgress {
    fn report(&self, p: &SyncProgress) {
        {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|l| l.elapsed() < std::time::Duration::from_secs(2)) {
                return;
            }
            *last = Some(std::time::Instant::now());
        }
        if let Some(line) = progress_line(p) {
            eprintln!("{line}");
        }
    }
}

/// `descriptions 1,200/8,500 (about 4 min left)`; `None` for events not worth a line.
fn progress_line(p: &SyncProgress) -> Option<String> {
    let stream = p.stream?;
    Some(match p.stage {
        SyncStage::Listing => format!("listing {}: {} so far", stream.noun(), p.items),
        SyncStage::Descriptions => {
            let total = p.total.map(|t| format!("/{t}")).unwrap_or_default();
            let left = p
                .eta_secs
                .map(|s| format!(" ({} left)", crate::sync::eta_words(s)))
                .unwrap_or_default();
            format!("descriptions {}{total}{left}", p.items)
        }
        SyncStage::Saving => format!("saving {}", stream.noun()),
        SyncStage::Starting => return None,
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CliJob {
    id: String,
    title: String,
    status: JobStatus,
    employment_type: Option<EmploymentType>,
    department: Option<String>,
    department_id: Option<String>,
    location: Option<String>,
    location_id: Option<String>,
    workplace_type: Option<WorkplaceType>,
    confidential: bool,
    updated_at: String,
    opened_at: Option<String>,
    closed_at: Option<String>,
    hiring_team: Vec<CliTeamMember>,
    postings: Vec<CliPosting>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CliTeamMember {
    name: String,
    role: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CliPosting {
    id: String,
    title: String,
    is_listed: bool,
    /// Sanitized when it was stored.
    description_html: Option<String>,
}

/// How `jobs` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobsFormat {
    Table,
    Json,
    Csv,
}

impl JobsFormat {
    fn pick(json: bool, csv: bool) -> JobsFormat {
        match (json, csv) {
            (true, _) => JobsFormat::Json,
            (_, true) => JobsFormat::Csv,
            _ => JobsFormat::Table,
        }
    }
}

fn cmd_jobs(
    settings: &Settings,
    format: JobsFormat,
    search: Option<String>,
    status: Vec<String>,
) -> Result<ExitCode, AppError> {
    let mut statuses = Vec::new();
    for s in status.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match JobStatus::parse_loose(s) {
            k if !k.is_unknown() => statuses.push(k),
            _ => {
                return Err(AppError::new(
                    ErrorCode::InvalidStatus,
                    format!(
                        "Unknown status \"{s}\". Use one or more of {}, separated by commas.",
                        JobStatus::KNOWN
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ))
            }
        }
    }
    if statuses.is_empty() {
        statuses = JobStatus::KNOWN.to_vec();
    }
    let store = open_store(settings)?;
    let query = JobQuery {
        search: search.filter(|s| !s.trim().is_empty()),
        statuses,
        ..Default::default()
    };
    if format == JobsFormat::Csv {
        // The same rows and cells as the window's Export…, without the BOM (this is for pipes).
        let list = crate::export::collect(&store, &query)?;
        let stdout = std::io::stdout();
        crate::export::write_csv(stdout.lock(), &list.jobs, false).map_err(|e| {
            AppError::new(ErrorCode::ExportFailed, format!("Could not write CSV: {e}"))
        })?;
        if list.truncated {
            eprintln!("(search matched more; these are the best matches — refine the search)");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (rows, truncated) = crate::export::list_all(&store, &query)?;

    if format == JobsFormat::Json {
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(d) = store.job_detail(&row.id)? else {
                continue; // removed by a sync between the two reads
            };
            let job = d.job;
            out.push(CliJob {
                id: job.id,
                title: job.title,
                status: job.status,
                employment_type: job.employment_type,
                department: d.department_name,
                department_id: job.department_id,
                location: d.location_name,
                location_id: job.location_id,
                workplace_type: d.workplace_type,
                confidential: job.confidential,
                updated_at: job.updated_at,
                opened_at: job.opened_at,
                closed_at: job.closed_at,
                hiring_team: d
                    .hiring_team
                    .into_iter()
                    .map(|m| CliTeamMember {
                        name: m.name,
                        role: m.role,
                    })
                    .collect(),
                postings: d
                    .postings
                    .into_iter()
                    .map(|p| CliPosting {
                        id: p.posting.id,
                        title: p.posting.title,
                        is_listed: p.posting.is_listed,
                        description_html: p.description_html,
                    })
                    .collect(),
            });
        }
        print_json(&out)?;
    } else {
        for r in &rows {
            say!(
                "{:<9} {:<50} {:<28} {:<24} {}",
                r.status,
                // Cleaned before clipping: a cut must not leave half an escape sequence.
                clip(&terminal_safe(&r.title), 50),
                clip(
                    &terminal_safe(r.department_name.as_deref().unwrap_or("-")),
                    28
                ),
                clip(
                    &terminal_safe(r.location_name.as_deref().unwrap_or("-")),
                    24
                ),
                r.updated_at
            );
        }
        say!(
            "{} job{}{}",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" },
            if truncated {
                " (search matched more; showing the best matches — refine the search)"
            } else {
                ""
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

fn print_json<T: Serialize>(v: &T) -> Result<(), AppError> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| AppError::new(ErrorCode::Internal, format!("Could not write JSON: {e}")))?;
    // JSON is for programs: exact text (serde_json escapes ESC and the other C0 controls).
    println!("{text}");
    Ok(())
}

async fn cmd_key_verify(settings: &Settings, json: bool) -> Result<ExitCode, AppError> {
    let store = open_store(settings)?;
    let keys = KeyService::new(settings, store);
    let key = keys.require()?;
    let v = keys.verify(key).await?;
    // What the network did goes to stderr with its code, and what to hand IT.
    if let Some(n) = &v.network {
        eprintln!("Error ({}): {}", n.code, n.message);
        if let Some(d) = &n.it_details {
            eprintln!("\nDetails for IT:\n{d}");
        }
    }
    if json {
        print_json(&v.to_cli())?;
    } else {
        say!("{}", v.message);
        if let Some(title) = &v.title {
            say!("Key: {title}");
        }
        for m in &v.modules {
            let access = match m.access {
                setup::Access::Read => "read",
                setup::Access::Missing => "MISSING",
                setup::Access::Unknown => "unknown",
            };
            say!(
                "  {:<16} {:<8}{}",
                m.label,
                access,
                if m.required {
                    "  (needed for sync)"
                } else {
                    ""
                }
            );
        }
        if !v.write_scopes.is_empty() {
            say!("Write access: {}", v.write_scopes.join(", "));
        }
        for w in &v.warnings {
            say!("Note: {w}");
        }
    }
    Ok(if !v.valid {
        ExitCode::FAILURE
    } else if v.outcome == setup::Outcome::FullRead {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PARTIAL)
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CliStatus {
    key_present: bool,
    key_source: Option<KeySource>,
    /// The keychain could not be read.
    key_error: Option<crate::error::ErrorPayload>,
    key_invalid: Option<crate::store::KeyInvalid>,
    last_sync: Option<CliLastSync>,
    last_success_at: Option<chrono::DateTime<chrono::Utc>>,
    next_sync_at: Option<chrono::DateTime<chrono::Utc>>,
    counts: crate::store::CacheCounts,
    db_path: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CliLastSync {
    started_at: chrono::DateTime<chrono::Utc>,
    finished_at: Option<chrono::DateTime<chrono::Utc>>,
    trigger: Trigger,
    result: Option<RunResult>,
    error_code: Option<ErrorCode>,
    error_message: Option<String>,
}

fn cmd_status(settings: &Settings, json: bool) -> Result<ExitCode, AppError> {
    let store = open_store(settings)?;
    let keys = KeyService::new(settings, store.clone());
    let (key_present, key_source, key_error) = match keys.current() {
        Ok(Some((_, src))) => (true, Some(src), None),
        Ok(None) => (false, None, None),
        Err(e) => (false, None, Some(AppError::from(e).payload())),
    };
    let status = store.status()?;
    let facts = store.schedule_facts()?;
    let now = chrono::Utc::now();
    let next_sync_at = if key_present {
        next_due(&facts, DEFAULT_INTERVAL, &DEFAULT_BACKOFF).map(|t| t.max(now))
    } else {
        None
    };
    let out = CliStatus {
        key_present,
        key_source,
        key_error,
        key_invalid: status.key_invalid.clone(),
        last_sync: status.last_run.as_ref().map(|r| CliLastSync {
            started_at: r.started_at,
            finished_at: r.finished_at,
            trigger: r.trigger,
            result: r.result,
            error_code: r.error_code,
            error_message: r.error_message.clone(),
        }),
        last_success_at: status.last_success_at,
        next_sync_at,
        counts: status.counts.clone(),
        db_path: store.path().display().to_string(),
    };
    if json {
        print_json(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let key_line = match (&out.key_source, &out.key_error) {
        (Some(KeySource::Env), _) => "present (from ASHBY_API_KEY, not stored)".to_string(),
        (Some(KeySource::Keychain), _) => "present (system keychain)".to_string(),
        (None, Some(e)) => format!("unknown — {}", e.message),
        (None, None) => "missing — open the app to set one up".to_string(),
    };
    say!("Key:        {key_line}");
    if let Some(inv) = &out.key_invalid {
        say!(
            "            Ashby rejected the key at {} ({}); enter a new key in the app.",
            inv.at.format("%Y-%m-%d %H:%M UTC"),
            inv.code
        );
    }
    match &out.last_sync {
        Some(l) => {
            let result = l.result.map(|r| r.as_str()).unwrap_or("running");
            say!(
                "Last sync:  {} — {} ({}){}",
                l.finished_at
                    .unwrap_or(l.started_at)
                    .format("%Y-%m-%d %H:%M:%S UTC"),
                result,
                l.trigger.as_str(),
                l.error_code.map(|c| format!(" — {c}")).unwrap_or_default()
            );
        }
        None => say!("Last sync:  never"),
    }
    match out.next_sync_at {
        Some(t) => say!(
            "Next sync:  {} (while the app runs)",
            t.format("%Y-%m-%d %H:%M UTC")
        ),
        None => say!("Next sync:  not scheduled (no usable key)"),
    }
    let c = &out.counts;
    say!(
        "Cached:     {} jobs ({} open), {} postings, {} departments, {} locations",
        c.jobs,
        c.open_jobs,
        c.postings,
        c.departments,
        c.locations
    );
    say!("Cache file: {}", out.db_path);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn escape_sequences_and_controls_are_dropped() {
        let cases = [
            ("plain Engineer — Zürich", "plain Engineer — Zürich"),
            ("\u{1b}[31mRed\u{1b}[0m", "Red"),
            ("\u{1b}[1;31;4mX", "X"),
            ("a\u{1b}]0;pwned\u{7}b", "ab"),
            (
                "a\u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\b",
                "alinkb",
            ),
            ("a\u{1b}Pdcs\u{1b}\\b", "ab"),
            ("a\u{9b}2Jb", "ab"),
            ("a\u{9d}0;t\u{9c}b", "ab"),
            ("a\u{1b}cb", "ab"),
            ("line\none\ttab\rret", "line one tab ret"),
            ("bell\u{7}del\u{7f}nul\u{0}", "belldelnul"),
            (
                "\u{202e}txet\u{202c} \u{2067}iso\u{2069} \u{200f}",
                "txet iso ",
            ),
            // An unterminated sequence swallows the rest rather than leak it.
            ("ok\u{1b}]0;never ends", "ok"),
        ];
        for (input, want) in cases {
            let got = terminal_safe(input);
            assert_eq!(got, want, "{input:?}");
            assert!(!got.chars().any(|c| c.is_control()), "{got:?}");
        }
    }
}
