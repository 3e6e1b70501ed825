//! Guided key set-up: the wizard's steps as data (`steps`) and the key verification with its
//! per-module permission matrix (`verify`). Plain Rust, shared by the GUI and the CLI.

pub mod steps;
pub mod verify;

pub use steps::{
    permission_checklist, suggested_key_name, wizard_steps, ChecklistItem, ChecklistKind,
    StepAction, StepId, StepKind, WizardStep,
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
