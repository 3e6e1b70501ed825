//! TypeScript types for everything that crosses IPC, generated from the Rust types with ts-rs into
//! one file, `ui/src/lib/ipc.ts`. `cargo xtask bindings` rewrites it; the test below fails when the
//! checked-in file is stale, so the UI can never drift from the Rust types.
//!
//! Besides the types, the file holds the constant lists and tables the UI iterates or looks up
//! (every job status, stream, module, the codes that mean "no key" or "offline"), rendered from
//! the Rust values, so no such list is written out by hand in the UI.

use serde::Serialize;
use ts_rs::{Config, TS};

use crate::ashby::{EmploymentType, JobStatus, Module, WorkplaceType};
use crate::error::ErrorCode;
use crate::store::Stream;

macro_rules! decls {
    ($cfg:expr; $($ty:ty),* $(,)?) => {{
        let mut out = Vec::new();
        $( out.push(format!("export {}", <$ty as TS>::decl($cfg))); )*
        out
    }};
}

fn json<T: Serialize + ?Sized>(v: &T) -> String {
    // Plain strings, arrays and string maps: serialising them cannot fail.
    serde_json::to_string(v).unwrap_or_default()
}

/// `export const NAME: readonly Ty[] = [...];`
fn list<T: Serialize>(doc: &str, name: &str, ty: &str, values: &[T]) -> String {
    format!(
        "/** {doc} */\nexport const {name}: readonly {ty}[] = {};",
        json(values)
    )
}

/// `export const NAME: Record<Key, Ty> = {...};`, keys in declaration order.
fn table<K: Serialize, V: Serialize>(
    doc: &str,
    name: &str,
    key_ty: &str,
    ty: &str,
    rows: impl IntoIterator<Item = (K, V)>,
) -> String {
    let rows: Vec<String> = rows
        .into_iter()
        .map(|(k, v)| format!("{}: {}", json(&k), json(&v)))
        .collect();
    format!(
        "/** {doc} */\nexport const {name}: Record<{key_ty}, {ty}> = {{ {} }};",
        rows.join(", ")
    )
}

/// The constants, sorted by name.
fn constants() -> Vec<String> {
    vec![
        table(
            "Each Ashby module as Ashby's API key form labels it.",
            "MODULE_LABELS",
            "Module",
            "string",
            Module::ALL.map(|m| (m, m.label())),
        ),
        list(
            "Ashby's permission modules, in the order its API key form lists them.",
            "MODULES",
            "Module",
            &Module::ALL,
        ),
        list(
            "Error codes that mean Ashby could not be reached at all (the app says Offline).",
            "OFFLINE_CODES",
            "ErrorCode",
            &ErrorCode::OFFLINE,
        ),
        list(
            "Error codes that mean there is no usable key (the UI asks for one).",
            "NEEDS_KEY_CODES",
            "ErrorCode",
            &ErrorCode::NEEDS_KEY,
        ),
        list(
            "Every job status Ashby documents.",
            "JOB_STATUSES",
            "JobStatus",
            JobStatus::KNOWN,
        ),
        format!(
            "/** The status the job list shows when none is chosen. */\nexport const DEFAULT_JOB_STATUS: JobStatus = {};",
            json(&JobStatus::DEFAULT_FILTER)
        ),
        list(
            "Every employment type Ashby documents.",
            "EMPLOYMENT_TYPES",
            "EmploymentType",
            EmploymentType::KNOWN,
        ),
        list(
            "Every workplace type Ashby documents.",
            "WORKPLACE_TYPES",
            "WorkplaceType",
            WorkplaceType::KNOWN,
        ),
        list(
            "Every kind of change record, in the order summaries count them.",
            "CHANGE_KINDS",
            "ChangeKind",
            &crate::store::ChangeKind::ALL,
        ),
        list(
            "The synced streams, in the order a run processes them.",
            "STREAMS",
            "Stream",
            &Stream::ALL,
        ),
        table(
            "What each stream holds, in words.",
            "STREAM_NOUNS",
            "Stream",
            "string",
            Stream::ALL.map(|s| (s, s.noun())),
        ),
        table(
            "The Ashby module whose Read permission each stream needs.",
            "STREAM_MODULES",
            "Stream",
            "Module",
            Stream::ALL.map(|s| (s, s.module())),
        ),
    ]
}

/// The whole generated file.
pub fn generate() -> String {
    // Our integers are counts and millisecond timestamps: JS numbers hold them exactly.
    let cfg = Config::new().with_large_int("number");
    let mut decls = decls![&cfg;
        crate::error::ErrorPayload,
        crate::error::ErrorCode,
        crate::ashby::JobStatus,
        crate::ashby::EmploymentType,
        crate::ashby::WorkplaceType,
        crate::store::StreamOutcome,
        crate::commands::AppInfo,
        crate::state::BootScreen,
        crate::state::BootState,
        crate::state::WizardProgress,
        crate::state::KeyStatus,
        crate::setup::WizardStep,
        crate::setup::StepId,
        crate::setup::WizardMode,
        crate::setup::StepKind,
        crate::setup::StepAction,
        crate::setup::ChecklistItem,
        crate::setup::ChecklistKind,
        crate::setup::Module,
        crate::setup::Verification,
        crate::setup::ModuleCheck,
        crate::setup::ToggleCheck,
        crate::setup::Access,
        crate::setup::Outcome,
        crate::setup::NetworkProblem,
        crate::network::ProxyStatus,
        crate::network::ConnectionTest,
        crate::network::ConnectionStep,
        crate::ashby::ProxyInUse,
        crate::ashby::ProxySource,
        crate::store::KeyInvalid,
        crate::state::StartupProblem,
        crate::store::CacheProblemKind,
        crate::commands::jobs::SyncStatus,
        crate::store::CacheStatus,
        crate::store::CacheCounts,
        crate::store::JobQuery,
        crate::store::JobSort,
        crate::store::JobPage,
        crate::store::JobListItem,
        crate::store::TextSpan,
        crate::store::JobDetail,
        crate::store::NamedRef,
        crate::store::HiringTeamMember,
        crate::store::PostingDetail,
        crate::store::Facets,
        crate::store::ViewState,
        crate::store::JobsView,
        crate::store::TreeFacet,
        crate::store::ValueCount,
        crate::store::SyncRunRecord,
        crate::store::TrendPoint,
        crate::store::ChangeKind,
        crate::store::ChangeRecord,
        crate::store::ChangeQuery,
        crate::store::ChangeFeed,
        crate::store::ChangeSummary,
        crate::store::KindCount,
        crate::store::FirstSyncCounts,
        crate::store::OpeningRecord,
        crate::ashby::OpeningState,
        crate::store::StreamRunSummary,
        crate::store::RowProblem,
        crate::store::StreamCounts,
        crate::store::Stream,
        crate::store::Trigger,
        crate::store::RunResult,
        crate::sync::SyncProgress,
        crate::sync::SyncStage,
        crate::sync::FirstSyncEstimate,
        crate::sync::SyncSummary,
        crate::sync::SchedulerState,
        crate::sync::SyncInterval,
        crate::config::Folder,
        crate::update::UpdateStatus,
        crate::notify::NotificationPrefs,
        crate::notify::NoticeTarget,
        crate::export::ExportFormat,
        crate::commands::export::ExportOutcome,
    ];
    decls.sort();
    let mut out = String::from(
        "// Generated from the Rust types by `cargo xtask bindings` (src-tauri/bindings.rs). Do not edit.\n\n",
    );
    let mut consts = constants();
    consts.sort_by_key(|c| c.lines().nth(1).map(str::to_string));
    for d in decls.into_iter().chain(consts) {
        out.push_str(&d);
        out.push_str("\n\n");
    }
    // The commands' and events' names and signatures (commands::ipc).
    out.push_str(&crate::commands::typescript(&cfg));
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

pub const BINDINGS_PATH: &str = "ui/src/lib/ipc.ts";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipc_bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        let fresh = generate();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
            return;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == fresh,
            "{BINDINGS_PATH} is stale: run `cargo xtask bindings` and commit the result"
        );
    }
}
