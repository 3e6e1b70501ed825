//! Guided key set-up: the wizard's steps as data (`steps`) and the key verification with its
//! per-module permission matrix (`verify`). Plain Rust, shared by the GUI and the CLI.

pub mod steps;
pub mod verify;

pub use steps::{
    permission_checklist, suggested_key_name, wizard_steps, wizard_steps_for, ChecklistItem,
    ChecklistKind, StepAction, StepId, StepKind, WizardMode, WizardStep,
};
pub use verify::*;

/// Ashby's permission modules (the client's type; it serialises as the scope prefix, e.g.
/// `hiringProcessMetadata`). The set-up adds its own wording below.
pub use crate::ashby::Module;

impl Module {
    /// What read access to the module covers, in one plain sentence.
    pub fn purpose(self) -> &'static str {
        match self {
            Module::Jobs => "Jobs and job postings. Needed to sync your jobs.",
            Module::Candidates => "Candidate profiles and their applications.",
            Module::Interviews => "Interview schedules and feedback.",
            Module::HiringProcessMetadata => {
                "Hiring-process settings such as sources, archive reasons and custom fields."
            }
            Module::Organization => "Departments, locations and users. Needed to sync your jobs.",
            Module::Offers => "Offers made to candidates.",
            Module::ApiKeys => "Lets the app read this key's own name and permissions.",
            Module::Approvals => "Approval requests and their status.",
            Module::Reports => "Reports built in Ashby.",
        }
    }

    /// The job sync can't work without read access to this module.
    pub fn required_for_sync(self) -> bool {
        matches!(self, Module::Jobs | Module::Organization)
    }

    /// How to grant the missing read permission.
    pub fn fix_text(self) -> String {
        format!(
            "Ashby → Admin → API Keys → your key → tick Read for {}, save, then verify again.",
            self.label()
        )
    }
}

/// Whether the key behind `client` reads the organisation whose jobs are cached: `None` when the
/// cache holds no departments yet (nothing to compare) or Ashby could not be asked. Ashby's API has
/// no organisation id, so department ids (unique per organisation) stand in for one.
pub async fn same_organization(
    client: &crate::ashby::Client,
    store: &crate::store::Store,
) -> Option<bool> {
    if store.status().ok()?.counts.departments == 0 {
        return None;
    }
    let body = serde_json::json!({"limit": 100, "includeArchived": true});
    let page: Vec<crate::ashby::models::Department> =
        client.call_results("department.list", &body).await.ok()?;
    if page.is_empty() {
        return Some(false);
    }
    let ids: Vec<String> = page.into_iter().map(|d| d.id).collect();
    Some(store.known_department_count(&ids).ok()? > 0)
}
