//! TypeScript types for everything that crosses IPC, generated from the Rust types with ts-rs into
//! one file, `ui/src/lib/ipc.ts`. `cargo xtask bindings` rewrites it; the test below fails when the
//! checked-in file is stale, so the UI can never drift from the Rust types.

use ts_rs::{Config, TS};

macro_rules! decls {
    ($cfg:expr; $($ty:ty),* $(,)?) => {{
        let mut out = Vec::new();
        $( out.push(format!("export {}", <$ty as TS>::decl($cfg))); )*
        out
    }};
}

/// The whole generated file.
pub fn generate() -> String {
    // Our integers are counts and millisecond timestamps: JS numbers hold them exactly.
    let cfg = Config::new().with_large_int("number");
    let mut decls = decls![&cfg;
        crate::error::ErrorPayload,
        crate::commands::AppInfo,
        crate::state::BootScreen,
        crate::state::BootState,
        crate::state::WizardProgress,
        crate::state::KeyStatus,
        crate::setup::WizardStep,
        crate::setup::StepId,
        crate::setup::StepKind,
        crate::setup::StepAction,
        crate::setup::ChecklistItem,
        crate::setup::ChecklistKind,
        crate::setup::Module,
        crate::setup::Verification,
        crate::setup::ModuleCheck,
        crate::setup::Access,
        crate::setup::Outcome,
        crate::store::KeyInvalid,
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
        crate::store::TreeFacet,
        crate::store::ValueCount,
        crate::store::SyncRunRecord,
        crate::store::StreamRunSummary,
        crate::store::StreamCounts,
        crate::store::Stream,
        crate::store::Trigger,
        crate::store::RunResult,
        crate::sync::SyncProgress,
        crate::sync::SyncStage,
        crate::sync::SyncSummary,
        crate::sync::SchedulerState,
    ];
    decls.sort();
    let mut out = String::from(
        "// Generated from the Rust types by `cargo xtask bindings` (src-tauri/bindings.rs). Do not edit.\n\n",
    );
    for d in decls {
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
