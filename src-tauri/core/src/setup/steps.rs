//! The set-up wizard as data: one definition per step of the partner's guide
//! (`shared/seed/partner-integration-steps.txt`, 7 steps and 2 notes), in plain language.
//! The UI renders these; it holds no copy of the wording.

use serde::Serialize;
use ts_rs::TS;

use super::Module;

/// Ashby's web app (step 1).
pub const ASHBY_APP_URL: &str = "https://app.ashbyhq.com";
/// Ashby's admin page listing the organisation's API keys (step 2).
pub const ASHBY_API_KEYS_URL: &str = "https://app.ashbyhq.com/admin/api/keys";

/// Stable identifier of a step; the UI stores it to resume the wizard where the user left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StepId {
    LogIn,
    FindApiKeys,
    CreateKey,
    Permissions,
    SaveAndCopy,
    PasteKey,
    Save,
}

/// What the step screen shows besides its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    /// Text, buttons and possibly a checklist: the user works in Ashby.
    Instructions,
    /// The masked key input with reveal toggle and the Verify button.
    KeyInput,
    /// Store the verified key and start the first sync.
    Save,
}

/// A button on a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum StepAction {
    /// Opens `url` in the default browser.
    OpenUrl { label: String, url: String },
    /// Copies `text` to the clipboard.
    CopyText { label: String, text: String },
    /// Runs the key verification on the pasted key.
    VerifyKey { label: String },
    /// Stores the verified key in the keychain and starts the first sync.
    SaveKey { label: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ChecklistKind {
    /// "Read" for one permission module.
    ModuleRead,
    /// A key-level switch such as access to confidential jobs.
    Toggle,
}

/// One item the user ticks while configuring the key in Ashby.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChecklistItem {
    /// Stable id (`jobs`, `candidates`, …, `confidentialAccess`); the UI persists ticks by it.
    pub id: String,
    pub kind: ChecklistKind,
    /// What the user looks for in Ashby, e.g. "Jobs".
    pub label: String,
    /// Why it matters, in one sentence.
    pub detail: String,
    /// The module this item grants, for `ModuleRead` items.
    pub module: Option<Module>,
}

/// One wizard screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WizardStep {
    pub id: StepId,
    /// 1-based position ("Step n of total").
    pub number: u32,
    pub total: u32,
    pub kind: StepKind,
    pub title: String,
    /// Paragraphs, in order.
    pub body: Vec<String>,
    pub actions: Vec<StepAction>,
    pub checklist: Vec<ChecklistItem>,
    /// Shown prominently (e.g. "don't grant write access").
    pub warnings: Vec<String>,
    /// Shown as notes below the body.
    pub notes: Vec<String>,
}

/// The key name step 3 suggests, so the key is recognisable later in Ashby's list.
pub fn suggested_key_name(partner: &str) -> String {
    format!("Full Read API Key – {partner}")
}

/// The 7 steps of the partner's guide, with `partner` (see `config::Settings::partner_name`) substituted.
pub fn wizard_steps(partner: &str) -> Vec<WizardStep> {
    let partner = partner.trim();
    let steps = vec![
        step(
            StepId::LogIn,
            StepKind::Instructions,
            "Log in to Ashby",
            vec![
                "Open Ashby in your web browser and sign in with your admin account.".into(),
                "Creating an API key needs admin rights in Ashby. If you don't have them, ask your \
                 organisation's Ashby administrator to do these steps with you, or to give you admin \
                 access first."
                    .into(),
            ],
        )
        .action(StepAction::OpenUrl {
            label: "Open Ashby".into(),
            url: ASHBY_APP_URL.into(),
        }),
        step(
            StepId::FindApiKeys,
            StepKind::Instructions,
            "Find the API keys page",
            vec![
                "In Ashby, open the Admin panel from the main menu.".into(),
                "In the Admin panel, choose \"Ashby API\" or \"API Keys\". The exact label can vary; it \
                 usually sits in the section about integrations or developer settings."
                    .into(),
                "You'll see the list of existing API keys (if there are any) and a button to create a \
                 new one. The button below tries to open that page directly."
                    .into(),
            ],
        )
        .action(StepAction::OpenUrl {
            label: "Open the API keys page".into(),
            url: ASHBY_API_KEYS_URL.into(),
        }),
        step(
            StepId::CreateKey,
            StepKind::Instructions,
            "Create a new API key",
            vec![
                "Click \"+ New\" or \"Create New API Key\".".into(),
                "Give the key a descriptive name, so you can tell later what it is for. You can copy \
                 the suggested name below."
                    .into(),
                format!("When Ashby asks for the integration partner, choose {partner}."),
            ],
        )
        .action(StepAction::CopyText {
            label: "Copy name".into(),
            text: suggested_key_name(partner),
        }),
        step(
            StepId::Permissions,
            StepKind::Instructions,
            "Give the key read access to every module",
            vec![
                "While you create the key, Ashby asks which permissions it gets. Permissions are \
                 grouped by module, and each module has a separate Read and Write box."
                    .into(),
                "Tick Read for every module in this list, and tick each item here as you go."
                    .into(),
            ],
        )
        .checklist(permission_checklist())
        .warning(format!(
            "Don't tick Write for any module. {partner} only needs to read your data; a read-only key \
             can't change anything in Ashby."
        ))
        .warning(
            "If Ashby offers \"All Permissions\" or \"Full Access\", don't choose it unless Ashby \
             support confirms it is read-only: it may include write access.",
        ),
        step(
            StepId::SaveAndCopy,
            StepKind::Instructions,
            "Save the key and copy it",
            vec![
                "Save (or generate) the key in Ashby. Ashby then shows the key on screen.".into(),
                "Copy the key right away and keep it somewhere safe, such as your password manager."
                    .into(),
            ],
        )
        .warning(
            "Ashby shows the key only once. After you close that window you can't see it again.",
        )
        .warning("If you lose the key, create a new one by repeating these steps."),
        step(
            StepId::PasteKey,
            StepKind::KeyInput,
            "Paste the API key",
            vec![
                "Paste the key you copied from Ashby into the box below.".into(),
                "Ashby Sync then checks the key with Ashby and shows which modules it can read."
                    .into(),
            ],
        )
        .action(StepAction::VerifyKey {
            label: "Verify".into(),
        }),
        step(
            StepId::Save,
            StepKind::Save,
            "Save",
            vec![
                "Save the key. Ashby Sync keeps it in your system keychain, never in a plain file, and \
                 starts the first job sync."
                    .into(),
            ],
        )
        .action(StepAction::SaveKey {
            label: "Save and start syncing".into(),
        })
        .note(format!(
            "{} You can keep using the app meanwhile.",
            crate::sync::FIRST_SYNC_NOTE
        ))
        .note(format!(
            "After that, jobs refresh {}, so changes made in Ashby show up here within about {}.",
            crate::sync::interval_every(crate::sync::DEFAULT_INTERVAL),
            crate::sync::interval_span(crate::sync::DEFAULT_INTERVAL),
        )),
    ];
    let total = steps.len() as u32;
    steps
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            s.number = i as u32 + 1;
            s.total = total;
            s
        })
        .collect()
}

/// Step 4's checklist: Read on each of Ashby's nine modules, then the confidential-jobs toggle.
pub fn permission_checklist() -> Vec<ChecklistItem> {
    let mut items: Vec<ChecklistItem> = Module::ALL
        .into_iter()
        .map(|m| ChecklistItem {
            id: m.scope_name().into(),
            kind: ChecklistKind::ModuleRead,
            label: m.label().into(),
            detail: m.purpose().into(),
            module: Some(m),
        })
        .collect();
    items.push(ChecklistItem {
        id: "confidentialAccess".into(),
        kind: ChecklistKind::Toggle,
        label: "Allow access to confidential jobs and projects".into(),
        detail:
            "Turn this on. Without it, Ashby hides confidential jobs from the key and they never \
                 sync."
                .into(),
        module: None,
    });
    items
}

fn step(id: StepId, kind: StepKind, title: &str, body: Vec<String>) -> WizardStep {
    WizardStep {
        id,
        number: 0,
        total: 0,
        kind,
        title: title.into(),
        body,
        actions: Vec::new(),
        checklist: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
    }
}

impl WizardStep {
    fn action(mut self, a: StepAction) -> Self {
        self.actions.push(a);
        self
    }
    fn checklist(mut self, items: Vec<ChecklistItem>) -> Self {
        self.checklist = items;
        self
    }
    fn warning(mut self, w: impl Into<String>) -> Self {
        self.warnings.push(w.into());
        self
    }
    fn note(mut self, n: impl Into<String>) -> Self {
        self.notes.push(n.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_steps_in_the_guides_order() {
        let steps = wizard_steps("BeBitcoiner");
        let ids: Vec<StepId> = steps.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            vec![
                StepId::LogIn,
                StepId::FindApiKeys,
                StepId::CreateKey,
                StepId::Permissions,
                StepId::SaveAndCopy,
                StepId::PasteKey,
                StepId::Save,
            ]
        );
        for (i, s) in steps.iter().enumerate() {
            assert_eq!(s.number, i as u32 + 1);
            assert_eq!(s.total, 7);
            assert!(
                !s.title.is_empty() && !s.body.is_empty(),
                "step {i} has text"
            );
        }
        assert_eq!(steps[5].kind, StepKind::KeyInput);
        assert_eq!(steps[6].kind, StepKind::Save);
    }

    #[test]
    fn login_and_api_key_pages_open_in_the_browser() {
        let steps = wizard_steps("BeBitcoiner");
        assert_eq!(
            steps[0].actions,
            vec![StepAction::OpenUrl {
                label: "Open Ashby".into(),
                url: "https://app.ashbyhq.com".into()
            }]
        );
        assert!(steps[0].body.iter().any(|p| p.contains("admin")));
        assert!(matches!(
            &steps[1].actions[0],
            StepAction::OpenUrl { url, .. } if url == "https://app.ashbyhq.com/admin/api/keys"
        ));
    }

    #[test]
    fn partner_name_is_substituted() {
        let steps = wizard_steps("Acme Partners");
        let create = &steps[2];
        assert!(create
            .body
            .iter()
            .any(|p| p.contains("choose Acme Partners.")));
        assert_eq!(
            create.actions,
            vec![StepAction::CopyText {
                label: "Copy name".into(),
                text: "Full Read API Key – Acme Partners".into()
            }]
        );
        assert!(steps[3].warnings[0].contains("Acme Partners"));
        let json = serde_json::to_string(&steps).unwrap();
        assert!(
            !json.contains("BeBitcoiner"),
            "no hard-coded default partner"
        );
        assert!(wizard_steps("BeBitcoiner")[2].body[2].contains("choose BeBitcoiner."));
    }

    #[test]
    fn step_four_lists_all_nine_modules_and_the_confidential_toggle() {
        let step = &wizard_steps("BeBitcoiner")[3];
        let labels: Vec<&str> = step.checklist.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "Jobs",
                "Candidates",
                "Interviews",
                "Hiring Process",
                "Organization",
                "Offers",
                "API Keys",
                "Approvals",
                "Reports",
                "Allow access to confidential jobs and projects",
            ]
        );
        assert!(step.checklist[..9]
            .iter()
            .all(|c| c.kind == ChecklistKind::ModuleRead && c.module.is_some()));
        assert_eq!(step.checklist[9].kind, ChecklistKind::Toggle);
        assert!(step.warnings.iter().any(|w| w.contains("Don't tick Write")));
        let mut ids: Vec<&str> = step.checklist.iter().map(|c| c.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 10, "checklist ids are unique");
    }

    #[test]
    fn key_shown_once_and_the_two_documented_notes() {
        let steps = wizard_steps("BeBitcoiner");
        assert!(steps[4].warnings.iter().any(|w| w.contains("only once")));
        assert!(steps[4]
            .warnings
            .iter()
            .any(|w| w.contains("create a new one")));
        assert_eq!(steps[5].actions.len(), 1);
        assert!(matches!(steps[5].actions[0], StepAction::VerifyKey { .. }));
        let notes = &steps[6].notes;
        assert_eq!(notes.len(), 2);
        assert!(notes[0].starts_with(crate::sync::FIRST_SYNC_NOTE));
        assert!(!notes[0].contains("hour"), "{}", notes[0]);
        // The copy follows the one interval constant.
        let every = crate::sync::interval_every(crate::sync::DEFAULT_INTERVAL);
        assert!(notes[1].contains(&every), "{}", notes[1]);
    }

    #[test]
    fn serialises_camel_case_with_tagged_actions() {
        let json = serde_json::to_value(&wizard_steps("BeBitcoiner")[2]).unwrap();
        assert_eq!(json["id"], "createKey");
        assert_eq!(json["kind"], "instructions");
        assert_eq!(json["actions"][0]["kind"], "copyText");
        assert_eq!(
            json["actions"][0]["text"],
            "Full Read API Key – BeBitcoiner"
        );
        let json = serde_json::to_value(&wizard_steps("BeBitcoiner")[3]).unwrap();
        assert_eq!(json["checklist"][3]["module"], "hiringProcessMetadata");
        assert_eq!(json["checklist"][9]["kind"], "toggle");
        assert_eq!(json["checklist"][9]["module"], serde_json::Value::Null);
    }
}
