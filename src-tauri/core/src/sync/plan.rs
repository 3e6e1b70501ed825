//! The pure parts of a sync run, apart from the I/O the engine does: which passes to run, which
//! posting descriptions to fetch, and how stream errors turn into outcomes and the run result.
//! Plain data in, plain data out; unit-tested without a server or a database.

use crate::ashby::{self, Module};
use crate::error::ErrorCode;
use crate::store::{
    self, PostingRecord, RowProblem, RunResult, Stream, StreamCounts, StreamOutcome,
    StreamRunSummary, StreamState, MAX_ROW_PROBLEMS,
};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

/// One stream's pass in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamPlan {
    pub stream: Stream,
    /// A full, reconciling pass: no token yet, the daily reconcile is due, or the run is forced.
    pub full: bool,
    /// The token to continue from (`None` for a full pass).
    pub token: Option<String>,
    /// Postings: fetch every description again, not only new and changed ones.
    pub refetch_descriptions: bool,
}

/// The passes of one run, in [`Stream::ALL`] order.
pub fn plan_run(
    states: &BTreeMap<Stream, StreamState>,
    full_resync_interval: Duration,
    now: DateTime<Utc>,
    force_full: bool,
) -> Vec<StreamPlan> {
    Stream::ALL
        .into_iter()
        .map(|stream| {
            let state = states.get(&stream).cloned().unwrap_or_default();
            let due = state.last_full_sync_at.is_none_or(|t| {
                chrono::Duration::from_std(full_resync_interval)
                    .map(|iv| now - t >= iv)
                    .unwrap_or(true)
            });
            let full = force_full || due || state.sync_token.is_none();
            StreamPlan {
                stream,
                full,
                token: if full { None } else { state.sync_token },
                refetch_descriptions: force_full,
            }
        })
        .collect()
}

/// The posting list without repeats: the last occurrence wins if Ashby ever lists a posting
/// twice, in the position of the first.
pub fn dedupe_postings(list: impl IntoIterator<Item = PostingRecord>) -> Vec<PostingRecord> {
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<PostingRecord> = Vec::new();
    for p in list {
        match by_id.get(&p.id) {
            Some(&i) => rows[i] = p,
            None => {
                by_id.insert(p.id.clone(), rows.len());
                rows.push(p);
            }
        }
    }
    rows
}

/// Postings whose description must be fetched: new ones, those without a description, and those
/// whose `updatedAt` moved since theirs was fetched (all of them with `refetch_all`).
/// `stored` maps a posting id to the `updatedAt` its stored description belongs to.
pub fn descriptions_to_fetch(
    postings: &[PostingRecord],
    stored: &HashMap<String, Option<String>>,
    refetch_all: bool,
) -> Vec<String> {
    postings
        .iter()
        .filter(|p| {
            refetch_all
                || match stored.get(&p.id) {
                    Some(Some(fetched_for)) => *fetched_for != p.updated_at,
                    _ => true,
                }
        })
        .map(|p| p.id.clone())
        .collect()
}

/// The postings of `need` the public board may describe: listed ones (the board has only
/// those) whose `updatedAt` is at least `margin` old (the board is cached for about a minute,
/// so a just-edited posting may still show its old text there). An unreadable `updatedAt`
/// counts as fresh.
pub fn board_eligible(
    postings: &[PostingRecord],
    need: &[String],
    now: DateTime<Utc>,
    margin: Duration,
) -> HashSet<String> {
    let need: HashSet<&str> = need.iter().map(String::as_str).collect();
    let margin = chrono::Duration::from_std(margin).unwrap_or(chrono::Duration::MAX);
    postings
        .iter()
        .filter(|p| p.is_listed && need.contains(p.id.as_str()))
        .filter(|p| {
            DateTime::parse_from_rfc3339(&p.updated_at)
                .ok()
                .and_then(|t| now.checked_sub_signed(margin).map(|cut| t <= cut))
                .unwrap_or(false)
        })
        .map(|p| p.id.clone())
        .collect()
}

/// Whether a `jobPosting.info` error (after the client's retries) is about that posting
/// alone, so the phase records it and goes on; otherwise (network, rate limit, key,
/// permission) the next postings would fail the same way and the phase stops.
pub fn is_about_one_posting(e: &ashby::Error) -> bool {
    matches!(
        e,
        ashby::Error::Server(_)
            | ashby::Error::Decode { .. }
            | ashby::Error::Api { .. }
            | ashby::Error::InvalidInput { .. }
            | ashby::Error::TooLarge { .. }
    )
}

/// What the engine must record after a stream error (the report decides, the engine writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorRecord {
    /// `sync_state.last_error_code` of the stream.
    StreamError(ErrorCode),
    /// Ashby rejected the key: mark it invalid so the UI asks for a new one.
    KeyInvalid(ErrorCode),
    /// Nothing to record (a cache error: the cache is what failed).
    Nothing,
}

/// The run's result as the summary and the history row carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    pub result: RunResult,
    pub streams: Vec<StreamRunSummary>,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    /// The Ashby modules the key lacks (their streams were skipped).
    pub missing_modules: Vec<Module>,
    pub needs_key: bool,
}

/// Whether the run used the key and Ashby accepted it: some stream synced or was skipped for a
/// module Ashby named (both need an authenticated answer), and no stream was refused for the key.
pub fn key_worked(streams: &[StreamRunSummary], needs_key: bool) -> bool {
    !needs_key
        && streams
            .iter()
            .any(|s| matches!(s.outcome, StreamOutcome::Ok | StreamOutcome::Skipped))
}

/// Collects each stream's outcome and owns the error → outcome policy: a missing module
/// permission skips the stream and the run goes on (result `partial`); any other error fails
/// the stream and every later stream is not run (result `failed`); an auth error also asks for
/// a new key.
#[derive(Debug, Default)]
pub struct RunReport {
    streams: Vec<StreamRunSummary>,
    missing: Vec<Module>,
    failure: Option<(ErrorCode, String)>,
    needs_key: bool,
}

impl RunReport {
    pub fn new() -> RunReport {
        RunReport::default()
    }

    /// Whether the next stream may run (no stream has failed so far).
    pub fn may_continue(&self) -> bool {
        self.failure.is_none()
    }

    fn push(
        &mut self,
        stream: Stream,
        full: bool,
        outcome: StreamOutcome,
        error_code: Option<ErrorCode>,
    ) {
        self.push_counts(stream, full, StreamCounts::default(), outcome, error_code);
    }

    fn push_counts(
        &mut self,
        stream: Stream,
        full: bool,
        counts: StreamCounts,
        outcome: StreamOutcome,
        error_code: Option<ErrorCode>,
    ) {
        self.streams.push(StreamRunSummary {
            stream,
            full,
            counts,
            outcome,
            error_code,
            missing_module: None,
            problems: Vec::new(),
            more_problems: 0,
        });
    }

    pub fn not_run(&mut self, stream: Stream) {
        self.push(stream, false, StreamOutcome::NotRun, None);
    }

    pub fn ok(&mut self, stream: Stream, full: bool, counts: StreamCounts) {
        self.push_counts(stream, full, counts, StreamOutcome::Ok, None);
    }

    /// A stored pass: `ok`, or `partial` when some rows could not be stored (`problems`; the
    /// first [`MAX_ROW_PROBLEMS`] are kept). The run goes on either way.
    pub fn stored(
        &mut self,
        stream: Stream,
        full: bool,
        counts: StreamCounts,
        mut problems: Vec<RowProblem>,
    ) {
        if problems.is_empty() {
            return self.ok(stream, full, counts);
        }
        let code = problems[0].code;
        let more = problems.len().saturating_sub(MAX_ROW_PROBLEMS) as u32;
        problems.truncate(MAX_ROW_PROBLEMS);
        for p in &mut problems {
            p.reason = crate::ashby::bounded_text(&p.reason, 300);
        }
        self.push_counts(stream, full, counts, StreamOutcome::Partial, Some(code));
        if let Some(last) = self.streams.last_mut() {
            last.problems = problems;
            last.more_problems = more;
        }
    }

    /// An Ashby error ended the stream's pass; `planned_full` is what the plan asked for.
    pub fn api_error(
        &mut self,
        stream: Stream,
        planned_full: bool,
        e: &ashby::Error,
    ) -> ErrorRecord {
        let code = e.code();
        if e.is_permission() {
            let module = match e {
                ashby::Error::MissingPermission {
                    module: Some(m), ..
                } => *m,
                _ => stream.module(),
            };
            if !self.missing.contains(&module) {
                self.missing.push(module);
            }
            self.push(stream, false, StreamOutcome::Skipped, Some(code));
            if let Some(last) = self.streams.last_mut() {
                last.missing_module = Some(module);
            }
            return ErrorRecord::StreamError(code);
        }
        self.failure = Some((code, e.to_string()));
        self.push(stream, planned_full, StreamOutcome::Failed, Some(code));
        if e.is_auth() {
            self.needs_key = true;
            ErrorRecord::KeyInvalid(code)
        } else {
            ErrorRecord::StreamError(code)
        }
    }

    /// Writing the stream's pass to the cache failed.
    pub fn store_error(&mut self, stream: Stream, planned_full: bool, e: &store::Error) {
        self.failure = Some((e.code(), e.to_string()));
        self.push(stream, planned_full, StreamOutcome::Failed, Some(e.code()));
    }

    /// The cache could not even say where the streams stand: the run fails before any pass.
    pub fn cache_unreadable(&mut self, e: &store::Error) {
        self.failure = Some((e.code(), e.to_string()));
    }

    pub fn finish(self) -> RunOutcome {
        let missing = self.missing;
        let labels = missing
            .iter()
            .map(|m| m.label())
            .collect::<Vec<_>>()
            .join(" and ");
        let partial: Vec<&StreamRunSummary> = self
            .streams
            .iter()
            .filter(|s| s.outcome == StreamOutcome::Partial)
            .collect();
        let rows_message = rows_not_stored_message(&partial);
        let rows_code = partial.first().and_then(|s| s.error_code);
        let (result, error_code, error_message) = match self.failure {
            Some((code, message)) => (RunResult::Failed, Some(code), Some(message)),
            None if !missing.is_empty() => {
                let mut message = format!(
                    "The API key lacks read access to {labels}, so some data was not updated. In \
                     Ashby → Admin → API Keys, tick Read for {labels} on this key, save, then verify \
                     the key again."
                );
                if let Some(m) = rows_message {
                    message.push(' ');
                    message.push_str(&m);
                }
                (
                    RunResult::Partial,
                    Some(ErrorCode::MissingPermission),
                    Some(message),
                )
            }
            None if rows_message.is_some() => (RunResult::Partial, rows_code, rows_message),
            None => (RunResult::Ok, None, None),
        };
        RunOutcome {
            result,
            streams: self.streams,
            error_code,
            error_message,
            missing_modules: missing,
            needs_key: self.needs_key,
        }
    }
}

/// The run's message for rows that could not be stored, naming the first.
fn rows_not_stored_message(partial: &[&StreamRunSummary]) -> Option<String> {
    let n: usize = partial.iter().map(|s| s.problem_count()).sum();
    let (stream, first) = partial
        .iter()
        .find_map(|s| s.problems.first().map(|p| (s.stream, p)))?;
    let id = first.id.as_deref().unwrap_or("without an id");
    let reason = first.reason.trim_end_matches('.');
    let others = if n > 1 {
        format!(" and {} more", n - 1)
    } else {
        String::new()
    };
    Some(if first.code == ErrorCode::DecodeError {
        format!(
            "Ashby sent rows of {} the app could not read, so they were skipped: {id}{others} \
             ({reason}). Everything else is up to date. If this keeps happening, update the app \
             or report it with the app's log.",
            stream.noun()
        )
    } else {
        format!(
            "Some job posting descriptions could not be downloaded: {id}{others} ({reason}). \
             Everything else is up to date; the next sync tries them again."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ashby::Module;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const DAY: Duration = Duration::from_secs(24 * 3600);

    fn state(token: Option<&str>, last_full: Option<&str>) -> StreamState {
        StreamState {
            sync_token: token.map(str::to_string),
            last_full_sync_at: last_full.map(at),
            ..StreamState::default()
        }
    }

    #[test]
    fn first_run_is_full_everywhere() {
        let plan = plan_run(&BTreeMap::new(), DAY, at("2026-01-02T00:00:00Z"), false);
        assert_eq!(
            plan.iter().map(|p| p.stream).collect::<Vec<_>>(),
            Stream::ALL
        );
        assert!(plan.iter().all(|p| p.full && p.token.is_none()));
        assert!(plan.iter().all(|p| !p.refetch_descriptions));
    }

    #[test]
    fn incremental_with_token_until_the_daily_reconcile_is_due() {
        let now = at("2026-01-02T00:00:00Z");
        let states = BTreeMap::from([
            (
                Stream::Departments,
                state(Some("d"), Some("2026-01-01T12:00:00Z")),
            ),
            // Exactly one interval ago: due.
            (
                Stream::Locations,
                state(Some("l"), Some("2026-01-01T00:00:00Z")),
            ),
            (Stream::Jobs, state(Some("j"), Some("2026-01-01T23:59:59Z"))),
            // A token without a recorded full pass: reconcile now.
            (Stream::Postings, state(Some("p"), None)),
        ]);
        let plan = plan_run(&states, DAY, now, false);
        let by: BTreeMap<Stream, &StreamPlan> = plan.iter().map(|p| (p.stream, p)).collect();
        assert!(!by[&Stream::Departments].full);
        assert_eq!(by[&Stream::Departments].token.as_deref(), Some("d"));
        assert!(by[&Stream::Locations].full);
        assert_eq!(by[&Stream::Locations].token, None);
        assert!(!by[&Stream::Jobs].full);
        assert_eq!(by[&Stream::Jobs].token.as_deref(), Some("j"));
        assert!(by[&Stream::Postings].full);
    }

    #[test]
    fn a_missing_token_or_a_forced_run_means_full() {
        let now = at("2026-01-02T00:00:00Z");
        let states = BTreeMap::from([(Stream::Jobs, state(None, Some("2026-01-01T23:00:00Z")))]);
        let plan = plan_run(&states, DAY, now, false);
        assert!(plan[2].full);
        let states =
            BTreeMap::from([(Stream::Jobs, state(Some("j"), Some("2026-01-01T23:00:00Z")))]);
        let forced = plan_run(&states, DAY, now, true);
        assert!(forced.iter().all(|p| p.full && p.token.is_none()));
        assert!(forced.iter().all(|p| p.refetch_descriptions));
        // An interval too large for chrono counts as always due.
        let huge = plan_run(&states, Duration::from_secs(u64::MAX), now, false);
        assert!(huge[2].full);
    }

    fn posting(id: &str, updated_at: &str) -> PostingRecord {
        PostingRecord {
            id: id.into(),
            title: format!("title {id} {updated_at}"),
            updated_at: updated_at.into(),
            ..PostingRecord::default()
        }
    }

    #[test]
    fn last_listing_of_a_posting_wins_in_first_place() {
        let rows = dedupe_postings([posting("a", "1"), posting("b", "1"), posting("a", "2")]);
        assert_eq!(rows, vec![posting("a", "2"), posting("b", "1")]);
    }

    #[test]
    fn descriptions_for_new_changed_and_undescribed_postings() {
        let rows = vec![
            posting("new", "1"),
            posting("same", "1"),
            posting("moved", "2"),
            posting("none", "1"),
        ];
        let stored = HashMap::from([
            ("same".to_string(), Some("1".to_string())),
            ("moved".to_string(), Some("1".to_string())),
            ("none".to_string(), None),
            ("gone".to_string(), Some("1".to_string())),
        ]);
        assert_eq!(
            descriptions_to_fetch(&rows, &stored, false),
            vec!["new", "moved", "none"]
        );
        assert_eq!(
            descriptions_to_fetch(&rows, &stored, true),
            vec!["new", "same", "moved", "none"]
        );
    }

    #[test]
    fn all_streams_ok_is_ok() {
        let mut r = RunReport::new();
        for s in Stream::ALL {
            assert!(r.may_continue());
            r.ok(s, true, StreamCounts::default());
        }
        let out = r.finish();
        assert_eq!(out.result, RunResult::Ok);
        assert_eq!(out.error_code, None);
        assert!(out.streams.iter().all(|s| s.outcome == StreamOutcome::Ok));
        assert!(!out.needs_key);
    }

    #[test]
    fn a_missing_module_skips_its_streams_and_names_it_once() {
        let mut r = RunReport::new();
        let denied = ashby::Error::MissingPermission {
            endpoint: "department.list".into(),
            module: None,
        };
        assert_eq!(
            r.api_error(Stream::Departments, true, &denied),
            ErrorRecord::StreamError(denied.code())
        );
        assert!(r.may_continue());
        r.api_error(Stream::Locations, true, &denied);
        r.ok(Stream::Jobs, false, StreamCounts::default());
        r.ok(Stream::Postings, true, StreamCounts::default());
        let out = r.finish();
        assert_eq!(out.result, RunResult::Partial);
        assert_eq!(out.missing_modules, vec![Module::Organization]);
        assert_eq!(out.error_code, Some(ErrorCode::MissingPermission));
        let msg = out.error_message.unwrap();
        assert!(msg.contains("tick Read for Organization"), "{msg}");
        assert_eq!(out.streams[0].outcome, StreamOutcome::Skipped);
        assert!(!out.streams[0].full);
        assert_eq!(out.streams[0].error_code, Some(denied.code()));
    }

    #[test]
    fn the_module_ashby_names_wins_over_the_streams_default() {
        let mut r = RunReport::new();
        let e = ashby::Error::MissingPermission {
            endpoint: "job.list".into(),
            module: Some(Module::Jobs),
        };
        r.api_error(Stream::Departments, false, &e);
        let out = r.finish();
        assert_eq!(out.missing_modules, vec![Module::Jobs]);
        // The history row keeps it too, so the banner after a restart says the same.
        assert_eq!(out.streams[0].missing_module, Some(Module::Jobs));
    }

    #[test]
    fn an_invalid_key_fails_the_run_and_asks_for_a_key() {
        let mut r = RunReport::new();
        r.ok(Stream::Departments, false, StreamCounts::default());
        let e = ashby::Error::InvalidKey;
        assert_eq!(
            r.api_error(Stream::Locations, true, &e),
            ErrorRecord::KeyInvalid(e.code())
        );
        assert!(!r.may_continue());
        r.not_run(Stream::Jobs);
        r.not_run(Stream::Postings);
        let out = r.finish();
        assert_eq!(out.result, RunResult::Failed);
        assert!(out.needs_key);
        assert_eq!(out.error_code, Some(e.code()));
        assert_eq!(out.error_message, Some(e.to_string()));
        assert_eq!(out.streams[1].outcome, StreamOutcome::Failed);
        assert!(out.streams[1].full);
        assert_eq!(out.streams[2].outcome, StreamOutcome::NotRun);
        assert_eq!(out.streams[3].error_code, None);
    }

    #[test]
    fn other_errors_fail_the_run_without_asking_for_a_key() {
        let mut r = RunReport::new();
        let e = ashby::Error::Server(503);
        assert_eq!(
            r.api_error(Stream::Departments, false, &e),
            ErrorRecord::StreamError(e.code())
        );
        let out = r.finish();
        assert_eq!(out.result, RunResult::Failed);
        assert!(!out.needs_key);
        assert!(out.missing_modules.is_empty());

        let mut r = RunReport::new();
        let e = store::Error::Task("boom".into());
        r.store_error(Stream::Jobs, true, &e);
        assert!(!r.may_continue());
        let out = r.finish();
        assert_eq!(out.result, RunResult::Failed);
        assert_eq!(out.error_code, Some(ErrorCode::Internal));
        assert_eq!(out.streams[0].error_code, Some(ErrorCode::Internal));

        let mut r = RunReport::new();
        r.cache_unreadable(&e);
        let out = r.finish();
        assert_eq!(out.result, RunResult::Failed);
        assert!(out.streams.is_empty());
    }

    #[test]
    fn a_failure_after_a_skip_still_fails() {
        let mut r = RunReport::new();
        let denied = ashby::Error::MissingPermission {
            endpoint: "department.list".into(),
            module: None,
        };
        r.api_error(Stream::Departments, false, &denied);
        r.api_error(Stream::Locations, false, &ashby::Error::Timeout);
        let out = r.finish();
        assert_eq!(out.result, RunResult::Failed);
        assert_eq!(out.missing_modules, vec![Module::Organization]);
    }
}
