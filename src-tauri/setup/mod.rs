//! Guided key set-up: the wizard's steps as data (`steps`) and the key verification with its
//! per-module permission matrix (`verify`). Plain Rust, shared by the GUI and the CLI.

pub mod steps;
pub mod verify;

pub use steps::{
    permission_checklist, suggested_key_name, wizard_steps, ChecklistItem, ChecklistKind,
    StepAction, StepId, StepKind, WizardStep,
};
pub use verify::*;

use serde::{Deserialize, Serialize};

use crate::ashby;
use ts_rs::TS;

/// A permission module as the UI, the CLI JSON and the stored verification name it: Ashby's scope
/// prefix (`jobs`, `hiringProcessMetadata`, …). The client's [`ashby::Module`] holds the probe
/// table and labels; this is its serialised (TS) identity plus the set-up's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Module {
    Jobs,
    Candidates,
    Interviews,
    HiringProcessMetadata,
    Organization,
    Offers,
    ApiKeys,
    Approvals,
    Reports,
}

impl From<ashby::Module> for Module {
    fn from(m: ashby::Module) -> Self {
        match m {
            ashby::Module::Jobs => Module::Jobs,
            ashby::Module::Candidates => Module::Candidates,
            ashby::Module::Interviews => Module::Interviews,
            ashby::Module::HiringProcess => Module::HiringProcessMetadata,
            ashby::Module::Organization => Module::Organization,
            ashby::Module::Offers => Module::Offers,
            ashby::Module::ApiKeys => Module::ApiKeys,
            ashby::Module::Approvals => Module::Approvals,
            ashby::Module::Reports => Module::Reports,
        }
    }
}

impl Module {
    /// All modules, in the order of Ashby's permission table.
    pub const ALL: [Module; 9] = [
        Module::Jobs,
        Module::Candidates,
        Module::Interviews,
        Module::HiringProcessMetadata,
        Module::Organization,
        Module::Offers,
        Module::ApiKeys,
        Module::Approvals,
        Module::Reports,
    ];

    /// [`Module::ALL`] as an iterator.
    pub fn all() -> impl Iterator<Item = Module> {
        Module::ALL.into_iter()
    }

    pub fn ashby_module(self) -> ashby::Module {
        match self {
            Module::Jobs => ashby::Module::Jobs,
            Module::Candidates => ashby::Module::Candidates,
            Module::Interviews => ashby::Module::Interviews,
            Module::HiringProcessMetadata => ashby::Module::HiringProcess,
            Module::Organization => ashby::Module::Organization,
            Module::Offers => ashby::Module::Offers,
            Module::ApiKeys => ashby::Module::ApiKeys,
            Module::Approvals => ashby::Module::Approvals,
            Module::Reports => ashby::Module::Reports,
        }
    }

    /// As serialised: the scope prefix.
    pub fn key(self) -> &'static str {
        self.ashby_module().scope_name()
    }

    /// The module's name on Ashby's permission screen ("Hiring Process").
    pub fn label(self) -> &'static str {
        self.ashby_module().label()
    }

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
