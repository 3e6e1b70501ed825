//! The set-up wizard as data: a short welcome, then one definition per step of the partner's
//! guide (`shared/seed/partner-integration-steps.txt`, 7 steps and 2 notes), in plain language.
//! Replacing a key reuses the guide with its own words for the last two steps. The UI renders
//! these; it holds no copy of the wording.

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
    /// Before step 1: what the app does and what the set-up needs (not one of the guide's steps).
    Welcome,
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
    /// The welcome before step 1: text only, and a button to begin.
    Welcome,
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

/// Which set-up the wizard runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum WizardMode {
    /// No key yet: the welcome, then the whole guide; saving starts the first sync.
    FirstRun,
    /// Settings → Replace key: the guide without the welcome; the current key stays in use
    /// until the new one is saved.
    ReplaceKey,
}

/// One wizard screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WizardStep {
    pub id: StepId,
    /// 1-based position among the guide's steps ("Step n of total"); 0 for the welcome.
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
    /// The forward button's words ("Get started" on the welcome; "Next" elsewhere).
    pub next_label: String,
    /// Shown once the key is saved (Replace key), before going back to the jobs.
    pub done_message: Option<String>,
}

/// The key name step 3 suggests, so the key is recognisable later in Ashby's list.
pub fn suggested_key_name(partner: &str) -> String {
    format!("Full Read API Key – {partner}")
}

/// The wizard for `mode`: the 7 steps of the partner's guide, with `partner` (see
/// `config::Settings::partner_name`) substituted, after a welcome on the first run.
pub fn wizard_steps_for(partner: &str, mode: WizardMode) -> Vec<WizardStep> {
    let partner = partner.trim();
    let mut steps = wizard_steps(partner);
    if mode == WizardMode::ReplaceKey {
        steps.retain(|s| s.kind != StepKind::Welcome);
        for s in &mut steps {
            match s.id {
                StepId::PasteKey => {
                    s.title = "Paste the new API key".into();
                    s.body = vec![
                        "Paste the new key you copied from Ashby into the box below, then Verify."
                            .into(),
                        "Your current key keeps working until you save the new one. Cancel \
                         leaves everything as it is."
                            .into(),
                    ];
                }
                StepId::Save => {
                    s.title = "Save the new key".into();
                    s.body = vec![
                        "Save the new key: it replaces the current one in your system keychain, \
                         and syncing carries on with it."
                            .into(),
                        "Until you save, the current key stays in use. Cancel keeps it.".into(),
                    ];
                    s.actions = vec![StepAction::SaveKey {
                        label: "Save the new key".into(),
                    }];
                    s.notes.clear();
                    s.done_message = Some(
                        "The new key is saved in your system keychain and replaces the old \
                         one. Ashby Sync is syncing with it now. If you no longer need the old \
                         key, you can deactivate it in Ashby → Admin → API Keys."
                            .into(),
                    );
                }
                _ => {}
            }
        }
    }
    steps
}

/// The first-run wizard: the welcome, then the 7 steps of the partner's guide.
pub fn wizard_steps(partner: &str) -> Vec<WizardStep> {
    let partner = partner.trim();
    let welcome = step(
        StepId::Welcome,
        StepKind::Welcome,
        "Welcome to Ashby Sync",
        vec![
            format!(
                "Ashby Sync keeps a copy of your company's jobs from Ashby on this computer, \
                 refreshes it {every}, and shows what changed. It connects your Ashby account \
                 to {partner}, the hiring partner (job board) your company works with.",
                every = crate::sync::interval_every(crate::sync::DEFAULT_INTERVAL),
            ),
            format!(
                "To set it up you create an API key in Ashby for {partner}, with read-only \
                 access, and paste it here. The next steps walk you through Ashby's screens."
            ),
            "You need admin rights in Ashby (or an Ashby admin next to you) and about five minutes."
                .into(),
            "The key stays in your operating system's keychain, never in a file, and is only used \
             to read from Ashby."
                .into(),
        ],
    )
    .next_label("Get started");
    let guide = vec![
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
                "In Ashby, go to Admin → API Keys. The button below opens that page directly."
                    .into(),
                "You'll see the organisation's existing API keys (if there are any) and a button \
                 to create a new one."
                    .into(),
                "If your menu looks different: the page may be called \"Ashby API\", under \
                 Integrations or Developer settings in the Admin panel."
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
                format!(
                    "If {partner} isn't in Ashby's list of partners, leave the partner empty (or \
                     pick \"Other\") and carry on: the permissions in the next step are what \
                     matter, and the name says what the key is for. If Ashby won't let you go on \
                     without a partner, ask {partner} or Ashby support to add the integration."
                ),
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
    let total = guide.len() as u32;
    let mut steps = vec![welcome];
    steps.extend(guide.into_iter().enumerate().map(|(i, mut s)| {
        s.number = i as u32 + 1;
        s.total = total;
        s
    }));
    steps[0].total = total;
    steps
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
        next_label: "Next".into(),
        done_message: None,
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
    fn next_label(mut self, l: &str) -> Self {
        self.next_label = l.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The guide's 7 steps, without the welcome.
    fn guide(partner: &str) -> Vec<WizardStep> {
        let mut steps = wizard_steps(partner);
        assert_eq!(steps[0].id, StepId::Welcome);
        steps.remove(0);
        steps
    }

    #[test]
    fn a_welcome_comes_before_step_one() {
        let steps = wizard_steps("Acme Partners");
        let w = &steps[0];
        assert_eq!(
            (w.id, w.kind, w.number, w.total),
            (StepId::Welcome, StepKind::Welcome, 0, 7)
        );
        let text = w.body.join(" ");
        let every = crate::sync::interval_every(crate::sync::DEFAULT_INTERVAL);
        for needle in [
            "Acme Partners",
            "admin rights",
            "five minutes",
            "keychain",
            every.as_str(),
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        assert_eq!(w.next_label, "Get started");
        assert!(w.actions.is_empty() && w.checklist.is_empty());
        assert_eq!(steps[1].id, StepId::LogIn);
        assert_eq!(steps[1].next_label, "Next");
    }

    #[test]
    fn step_two_names_the_page_plainly_and_step_three_covers_a_missing_partner() {
        let steps = guide("Acme Partners");
        assert!(
            steps[1].body[0].contains("Admin → API Keys"),
            "{:?}",
            steps[1].body
        );
        assert_eq!(
            steps[1]
                .body
                .iter()
                .filter(|p| p.contains("looks different"))
                .count(),
            1
        );
        assert!(steps[2]
            .body
            .iter()
            .any(|p| p.contains("isn't in Ashby's list of partners")));
    }

    #[test]
    fn replacing_a_key_has_its_own_words_and_no_first_sync_text() {
        let steps = wizard_steps_for("Acme Partners", WizardMode::ReplaceKey);
        assert_eq!(steps.len(), 7, "no welcome");
        assert_eq!(steps[0].id, StepId::LogIn);
        let paste = steps.iter().find(|s| s.id == StepId::PasteKey).unwrap();
        assert!(paste
            .body
            .iter()
            .any(|p| p.contains("current key keeps working until you save the new one")));
        let save = steps.iter().find(|s| s.id == StepId::Save).unwrap();
        assert!(save.notes.is_empty(), "{:?}", save.notes);
        let json = serde_json::to_string(save).unwrap();
        assert!(!json.contains("first"), "{json}");
        assert!(save
            .done_message
            .as_deref()
            .unwrap_or("")
            .contains("new key is saved"));
        assert_eq!(
            save.actions,
            vec![StepAction::SaveKey {
                label: "Save the new key".into()
            }]
        );
        // The first run is unchanged by it.
        assert_eq!(
            wizard_steps_for("Acme Partners", WizardMode::FirstRun),
            wizard_steps("Acme Partners")
        );
    }

    #[test]
    fn seven_steps_in_the_guides_order() {
        let steps = guide("BeBitcoiner");
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
        let steps = guide("BeBitcoiner");
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
        let steps = guide("Acme Partners");
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
        assert!(guide("BeBitcoiner")[2].body[2].contains("choose BeBitcoiner."));
    }

    #[test]
    fn step_four_lists_all_nine_modules_and_the_confidential_toggle() {
        let step = &guide("BeBitcoiner")[3];
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
        let steps = guide("BeBitcoiner");
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
        let json = serde_json::to_value(&guide("BeBitcoiner")[2]).unwrap();
        assert_eq!(json["id"], "createKey");
        assert_eq!(json["kind"], "instructions");
        assert_eq!(json["actions"][0]["kind"], "copyText");
        assert_eq!(
            json["actions"][0]["text"],
            "Full Read API Key – BeBitcoiner"
        );
        let json = serde_json::to_value(&guide("BeBitcoiner")[3]).unwrap();
        assert_eq!(json["checklist"][3]["module"], "hiringProcessMetadata");
        assert_eq!(json["checklist"][9]["kind"], "toggle");
        assert_eq!(json["checklist"][9]["module"], serde_json::Value::Null);
    }
}
