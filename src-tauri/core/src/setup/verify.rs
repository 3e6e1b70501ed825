//! Key verification: `apiKey.info` (<https://developers.ashbyhq.com/reference/apikeyinfo>; it
//! answers for the key itself and lists its scopes), then one cheap read probe per module, a few
//! at a time, into a per-module permission matrix. Shared by the wizard, Settings and the CLI.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Module;
use crate::ashby::{self, Client, ClientConfig};

/// Probes in flight at once (the client's own concurrency bound applies too).
pub const PROBE_CONCURRENCY: usize = 3;

pub use crate::ashby::Access;

/// One row of the permission matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModuleCheck {
    pub module: Module,
    /// As Ashby labels it ("Hiring Process").
    pub label: String,
    pub access: Access,
    /// The sync needs this module (Jobs, Organization).
    pub required: bool,
    /// How to grant the permission, when `access` is `Missing`.
    pub fix: Option<String>,
    /// Why the answer is `Unknown`.
    pub detail: Option<String>,
}

impl ModuleCheck {
    /// The row for `module`: its label, whether the sync needs it and, when missing, the fix.
    pub fn new(module: Module, access: Access, detail: Option<String>) -> ModuleCheck {
        ModuleCheck {
            module,
            label: module.label().to_string(),
            access,
            required: module.required_for_sync(),
            fix: (access == Access::Missing).then(|| module.fix_text()),
            detail,
        }
    }
}

/// The overall verdict, shown distinctly by the UI and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Valid key that reads every module.
    FullRead,
    /// Valid key; at least one module lacks Read.
    MissingModules,
    /// Valid key; nothing is known to be missing, but some modules couldn't be checked.
    Incomplete,
    /// Ashby rejected the key: wrong, revoked or deactivated.
    InvalidKey,
    /// Ashby couldn't be reached at all.
    Unreachable,
    /// Ashby answered, but never clearly enough to tell whether the key works (busy, errors).
    Unverified,
}

/// Everything a verification learned. Stored (without the key) and shown on the Settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub outcome: Outcome,
    /// Ashby accepted the key.
    pub valid: bool,
    /// Saving is allowed: valid key with Read on Jobs and Organization (what the sync needs).
    pub can_save: bool,
    /// The key's name in Ashby (needs API Keys read).
    pub title: Option<String>,
    /// When the key was created, as Ashby reports it (ISO 8601).
    pub created_at: Option<String>,
    /// Scopes from `apiKey.info`, e.g. `jobs:read`.
    pub scopes: Vec<String>,
    /// Scopes that allow changing data; the guide asks for a read-only key.
    pub write_scopes: Vec<String>,
    /// The modules behind `write_scopes`, as Ashby's key form names them ("Jobs", "Candidates").
    #[serde(default)]
    pub write_modules: Vec<String>,
    /// The key's switches besides the modules (access to confidential jobs), and whether they
    /// could be checked.
    #[serde(default)]
    pub toggles: Vec<ToggleCheck>,
    /// One row per module, in Ashby's order.
    pub modules: Vec<ModuleCheck>,
    /// Headline for the outcome: what happened and what to do.
    pub message: String,
    /// Secondary messages: write access, missing optional modules, unchecked modules.
    pub warnings: Vec<String>,
    #[ts(type = "string")]
    pub verified_at: DateTime<Utc>,
    /// Why Ashby could not be reached (outcome `unreachable`): what the network did, for the
    /// wizard's inline error with Retry and "Copy details for IT".
    #[serde(default)]
    pub network: Option<NetworkProblem>,
}

/// A key-level switch in Ashby's key form, and what the app could learn about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ToggleCheck {
    /// Stable id, the same as step 4's checklist item (`confidentialAccess`).
    pub id: String,
    /// As Ashby labels it.
    pub label: String,
    /// `Unknown` when Ashby does not tell apps how the switch is set.
    pub access: Access,
    /// What the user should check, in plain words.
    pub detail: String,
}

/// The switches on a key. Ashby's API does not report "Allow access to confidential jobs and
/// projects" (`apiKey.info` lists scopes only, and a key without it just sees fewer jobs), so
/// the row says it can't be checked rather than guessing.
pub fn toggle_checks() -> Vec<ToggleCheck> {
    vec![ToggleCheck {
        id: "confidentialAccess".into(),
        label: "Confidential jobs".into(),
        access: Access::Unknown,
        detail: "Can't be checked: Ashby doesn't tell apps whether this key may see confidential \
                 jobs. In Ashby → Admin → API Keys → your key, make sure \"Allow access to \
                 confidential jobs and projects\" is on."
            .into(),
    }]
}

/// The modules a key may change, by their names in Ashby's key form ("Jobs", "Candidates"), in
/// Ashby's order; a scope the app doesn't know is kept as Ashby spelled it.
pub fn write_module_labels(write_scopes: &[String]) -> Vec<String> {
    let prefix = |s: &str| -> String {
        let s = s.trim();
        let head = s.split(':').next().unwrap_or(s);
        let lower = head.to_ascii_lowercase();
        let cut = ["write", "delete"]
            .iter()
            .find_map(|w| lower.strip_suffix(w).map(str::len))
            .unwrap_or(head.len());
        head[..cut].to_string()
    };
    let mut known: Vec<Module> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    for s in write_scopes {
        let p = prefix(s);
        match Module::ALL
            .into_iter()
            .find(|m| m.scope_name().eq_ignore_ascii_case(&p))
        {
            Some(m) if !known.contains(&m) => known.push(m),
            Some(_) => {}
            None if !other.iter().any(|o| o == s.trim()) => other.push(s.trim().to_string()),
            None => {}
        }
    }
    known.sort_by_key(|m| Module::ALL.iter().position(|x| x == m));
    known
        .into_iter()
        .map(|m| m.label().to_string())
        .chain(other)
        .collect()
}

/// The warning for a key that can change data: it works, but it is more than the guide asks for.
pub fn write_access_warning(write_modules: &[String]) -> String {
    let names: Vec<&str> = write_modules.iter().map(String::as_str).collect();
    format!(
        "This key works, but it can also change data in Ashby ({}) — the set-up guide asks for a \
         read-only key. In Ashby → Admin → API Keys → your key, untick Write for every module, or \
         create a new read-only key and paste that one.",
        join(&names)
    )
}

/// A network failure as the wizard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NetworkProblem {
    pub code: crate::error::ErrorCode,
    /// What happened and what to do (and what to tell IT).
    pub message: String,
    /// For "Copy details for IT" (certificate and proxy problems): host, proxy, certificate
    /// issuer and chain. Never the key.
    pub it_details: Option<String>,
}

impl NetworkProblem {
    pub fn from_error(e: &ashby::Error) -> NetworkProblem {
        NetworkProblem {
            code: e.code(),
            message: e.to_string(),
            it_details: ashby::transport::it_details(e),
        }
    }
}

/// The `key verify` CLI's JSON shape:
/// `{"valid", "title", "modules": {"jobs": "read"|"missing"|"unknown", …}, "writeScopes"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CliVerification {
    pub valid: bool,
    pub title: Option<String>,
    pub modules: BTreeMap<Module, Access>,
    pub write_scopes: Vec<String>,
}

impl Verification {
    pub fn access(&self, module: Module) -> Access {
        self.modules
            .iter()
            .find(|c| c.module == module)
            .map(|c| c.access)
            .unwrap_or(Access::Unknown)
    }

    /// Modules the key lacks, in Ashby's order.
    pub fn missing(&self) -> Vec<Module> {
        self.modules
            .iter()
            .filter(|c| c.access == Access::Missing)
            .map(|c| c.module)
            .collect()
    }

    /// The CLI's JSON summary (every module present).
    pub fn to_cli(&self) -> CliVerification {
        CliVerification {
            valid: self.valid,
            title: self.title.clone(),
            modules: Module::ALL
                .into_iter()
                .map(|m| (m, self.access(m)))
                .collect(),
            write_scopes: self.write_scopes.clone(),
        }
    }
}

/// Client settings for a verification: a verdict within seconds rather than minutes. A 429 is
/// not waited out (that module is "Unknown"; the user verifies again), a network blip gets one
/// quick retry.
pub fn verification_config(base: ClientConfig) -> ClientConfig {
    ClientConfig {
        connect_timeout: Duration::from_secs(10),
        request_timeout: Duration::from_secs(20),
        max_retries: 1,
        max_rate_limit_retries: 0,
        backoff_base: Duration::from_secs(1),
        backoff_cap: Duration::from_secs(2),
        max_retry_after: Duration::from_secs(5),
        concurrency: base.concurrency.max(PROBE_CONCURRENCY),
        ..base
    }
}

/// What one call told us about one module.
#[derive(Debug, Clone, PartialEq)]
enum Probe {
    Read,
    Missing,
    /// Ashby rejected the key itself.
    Invalid,
    /// No connection (or no answer in time), or the network answered instead of Ashby.
    Unreachable(ashby::Error),
    /// Answered, but not about the permission (429, 5xx, unreadable).
    Unknown(String),
}

fn classify(module: Module, result: Result<(), ashby::Error>) -> Probe {
    use ashby::Error as E;
    let err = match result {
        Ok(()) => return Probe::Read,
        Err(e) => e,
    };
    match err {
        E::MissingPermission { .. } => Probe::Missing,
        E::InvalidKey | E::MissingKey => Probe::Invalid,
        e @ (E::Network(_) | E::Unreachable(_) | E::Timeout) => Probe::Unreachable(e),
        e if e.is_network_policy() => Probe::Unreachable(e),
        E::RateLimited { .. } => {
            Probe::Unknown("Ashby is limiting requests right now (HTTP 429)".into())
        }
        E::Server(status) => Probe::Unknown(format!("Ashby had a server error (HTTP {status})")),
        // Reports has no cheap read: with access, a made-up report id is rejected as not found
        // or invalid (200 + success:false); without, it's 403 missing_endpoint_permission.
        E::NotFound { .. } | E::InvalidInput { .. } if module == Module::Reports => Probe::Read,
        E::Api { ref code, .. } if module == Module::Reports && !code.starts_with("http_") => {
            Probe::Read
        }
        other => Probe::Unknown(format!(
            "Ashby gave an unexpected answer ({})",
            other.code()
        )),
    }
}

/// Verifies the key `client` was built with (see [`verification_config`]). An invalid key, an
/// unreachable Ashby and every partial answer are outcomes inside the `Ok` value; `Err` only
/// when Ashby says no key was sent at all (HTTP 401), which is a bug in the app, not the key.
pub async fn verify_key(client: &Client) -> Result<Verification, ashby::Error> {
    let mut title = None;
    let mut created_at = None;
    let mut scopes = Vec::new();

    // 1. apiKey.info answers for the API Keys module and tells us title and scopes.
    let info_probe = match client.api_key_info().await {
        Ok(info) => {
            title = info.title.filter(|t| !t.trim().is_empty());
            created_at = info.created_at;
            scopes = info.scopes;
            Probe::Read
        }
        Err(ashby::Error::MissingKey) => return Err(ashby::Error::MissingKey),
        Err(e) => classify(Module::ApiKeys, Err(e)),
    };
    let stop = matches!(info_probe, Probe::Invalid | Probe::Unreachable(_));
    let mut results: BTreeMap<Module, Probe> = BTreeMap::new();
    results.insert(Module::ApiKeys, info_probe);
    // A bad key or a dead network: nothing more to learn, so don't send eight more requests.
    if !stop {
        // 2. One probe per remaining module, a few at a time.
        let probes = Module::ALL
            .into_iter()
            .filter(|m| *m != Module::ApiKeys)
            .map(|m| async move { (m, classify(m, client.probe_module(m).await)) });
        let mut stream = futures::stream::iter(probes).buffer_unordered(PROBE_CONCURRENCY);
        while let Some((m, p)) = stream.next().await {
            results.insert(m, p);
        }
    }
    Ok(conclude(client, results, title, created_at, scopes))
}

fn conclude(
    client: &Client,
    results: BTreeMap<Module, Probe>,
    title: Option<String>,
    created_at: Option<String>,
    scopes: Vec<String>,
) -> Verification {
    let invalid = results.values().any(|p| *p == Probe::Invalid);
    let known = results
        .values()
        .filter(|p| matches!(p, Probe::Read | Probe::Missing))
        .count();
    let unreachable: Option<ashby::Error> = results
        .values()
        .filter_map(|p| match p {
            Probe::Unreachable(e) => Some(e.clone()),
            _ => None,
        })
        .next();

    let modules: Vec<ModuleCheck> = Module::ALL
        .into_iter()
        .map(|m| {
            let (access, detail) = match results.get(&m) {
                Some(Probe::Read) => (Access::Read, None),
                Some(Probe::Missing) => (Access::Missing, None),
                Some(Probe::Unreachable(e)) => (Access::Unknown, Some(unreachable_detail(e))),
                Some(Probe::Unknown(d)) => (Access::Unknown, Some(d.clone())),
                Some(Probe::Invalid) | None => (Access::Unknown, None),
            };
            ModuleCheck::new(m, access, detail)
        })
        .collect();

    let outcome = if invalid {
        Outcome::InvalidKey
    } else if known == 0 && unreachable.is_some() {
        Outcome::Unreachable
    } else if known == 0 {
        Outcome::Unverified
    } else if modules.iter().any(|c| c.access == Access::Missing) {
        Outcome::MissingModules
    } else if modules.iter().any(|c| c.access == Access::Unknown) {
        Outcome::Incomplete
    } else {
        Outcome::FullRead
    };
    let valid = matches!(
        outcome,
        Outcome::FullRead | Outcome::MissingModules | Outcome::Incomplete
    );
    let can_read = |m: Module| {
        modules
            .iter()
            .any(|c| c.module == m && c.access == Access::Read)
    };
    let can_save = valid && can_read(Module::Jobs) && can_read(Module::Organization);
    let write_scopes: Vec<String> = scopes
        .iter()
        .filter(|s| is_write_scope(s))
        .cloned()
        .collect();

    let names = |pred: &dyn Fn(&ModuleCheck) -> bool| -> Vec<&'static str> {
        modules
            .iter()
            .filter(|c| pred(c))
            .map(|c| c.module.label())
            .collect()
    };
    let missing_required = names(&|c| c.required && c.access == Access::Missing);
    let missing_optional = names(&|c| !c.required && c.access == Access::Missing);
    let unknown = names(&|c| c.access == Access::Unknown);

    let message = match outcome {
        // Works, but more than the guide asks for: a warning, never a plain success.
        Outcome::FullRead if !write_scopes.is_empty() => "The key works and can read every \
             module, but it can also change data in Ashby."
            .to_string(),
        Outcome::FullRead => "The key works and can read every module.".to_string(),
        Outcome::MissingModules if !missing_required.is_empty() => format!(
            "The key works, but it can't read {}, which the job sync needs. In Ashby → Admin → \
             API Keys → your key, tick Read for {}, save, then verify again.",
            join(&missing_required),
            join(&missing_required)
        ),
        Outcome::MissingModules | Outcome::Incomplete if !can_save => format!(
            "The key works, but Ashby didn't answer for {}, which the job sync needs. Verify again \
             in a few minutes.",
            join(&names(&|c| c.required && c.access != Access::Read))
        ),
        Outcome::MissingModules => "The key works and can sync your jobs, but it can't read every \
             module the set-up guide asks for. You can save it now and fix its permissions in \
             Ashby later."
            .to_string(),
        Outcome::Incomplete => {
            "The key works and can sync your jobs, but some modules couldn't be \
             checked. You can save it now; verify again later to complete the check."
                .to_string()
        }
        Outcome::InvalidKey => "Ashby rejected this API key: it is wrong, or it was revoked or \
             deactivated. Check that you copied the whole key; otherwise create a new key in Ashby \
             → Admin → API Keys and paste it here."
            .to_string(),
        Outcome::Unreachable => {
            match &unreachable {
                // Certificate, proxy, block page: the error's own words say what to do.
                Some(e) if e.is_network_policy() => e.to_string(),
                other => format!(
                "Ashby Sync couldn't reach Ashby at {} ({}). Check your internet connection. If \
                 your network uses a proxy that neither your system settings nor HTTPS_PROXY name, \
                 enter it under Proxy (Settings → Proxy); if a firewall blocks it, ask your IT team \
                 to allow {}.",
                client.base_url(),
                other.as_ref().map_or("no connection".to_string(), unreachable_detail),
                host_of(client.base_url())
            ),
            }
        }
        Outcome::Unverified => format!(
            "Ashby didn't give a clear answer, so the key couldn't be checked ({}). Try again in a \
             few minutes.",
            first_detail(&modules).unwrap_or("no usable answer")
        ),
    };

    let write_modules = write_module_labels(&write_scopes);
    let mut warnings = Vec::new();
    if !write_scopes.is_empty() {
        warnings.push(write_access_warning(&write_modules));
    }
    if valid && !missing_optional.is_empty() {
        warnings.push(format!(
            "The key can't read {}. Syncing jobs works without them, but the set-up guide asks for \
             read access to every module.",
            join(&missing_optional)
        ));
    }
    if valid && !unknown.is_empty() {
        warnings.push(format!(
            "Couldn't check {} ({}). Verify again in a few minutes.",
            join(&unknown),
            first_detail(&modules).unwrap_or("no answer")
        ));
    }

    tracing::info!(
        ?outcome,
        can_save,
        missing = ?modules.iter().filter(|c| c.access == Access::Missing).map(|c| c.module).collect::<Vec<_>>(),
        unknown = unknown.len(),
        write_scopes = write_scopes.len(),
        "API key verified"
    );
    Verification {
        outcome,
        valid,
        can_save,
        title,
        created_at,
        scopes,
        write_scopes,
        write_modules,
        toggles: if valid { toggle_checks() } else { Vec::new() },
        modules,
        message,
        warnings,
        verified_at: Utc::now(),
        network: (outcome == Outcome::Unreachable)
            .then(|| unreachable.as_ref().map(NetworkProblem::from_error))
            .flatten(),
    }
}

fn unreachable_detail(e: &ashby::Error) -> String {
    match e {
        ashby::Error::Network(d) | ashby::Error::Unreachable(d) => d.clone(),
        ashby::Error::Timeout => "Ashby did not answer in time".into(),
        other => format!("{}", other.code()),
    }
}

/// `jobs:write`, `candidates:delete`, or the permission-name form (`jobsWrite`).
fn is_write_scope(scope: &str) -> bool {
    let s = scope.trim().to_ascii_lowercase();
    s.ends_with(":write") || s.ends_with(":delete") || s.ends_with("write") || s.ends_with("delete")
}

fn first_detail(modules: &[ModuleCheck]) -> Option<&str> {
    modules.iter().find_map(|c| c.detail.as_deref())
}

fn host_of(base_url: &str) -> String {
    url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| base_url.to_string())
}

/// "A", "A and B", "A, B and C".
fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_classification() {
        use ashby::Error as E;
        let perm = || E::MissingPermission {
            endpoint: "offer.list".into(),
            module: None,
        };
        assert_eq!(classify(Module::Offers, Ok(())), Probe::Read);
        assert_eq!(classify(Module::Offers, Err(perm())), Probe::Missing);
        assert_eq!(classify(Module::Reports, Err(perm())), Probe::Missing);
        assert_eq!(classify(Module::Jobs, Err(E::InvalidKey)), Probe::Invalid);
        assert!(matches!(
            classify(
                Module::Jobs,
                Err(E::RateLimited {
                    retry_after: None,
                    partner_scope: false
                })
            ),
            Probe::Unknown(_)
        ));
        assert!(matches!(
            classify(Module::Jobs, Err(E::Server(503))),
            Probe::Unknown(_)
        ));
        assert!(matches!(
            classify(Module::Jobs, Err(E::Network("refused".into()))),
            Probe::Unreachable(_)
        ));
        // What the network did is never a verdict on the key.
        let blocked = E::Blocked {
            host: "api.ashbyhq.com:443".into(),
            status: 403,
            proxy: "none (direct connection)".into(),
            detail: "HTTP 403, text/html".into(),
        };
        assert_eq!(
            classify(Module::ApiKeys, Err(blocked.clone())),
            Probe::Unreachable(blocked)
        );
        let auth = E::ProxyAuth {
            proxy: "http://p:1".into(),
        };
        assert_eq!(
            classify(Module::Jobs, Err(auth.clone())),
            Probe::Unreachable(auth)
        );
        // Reports: any other success:false means the permission check passed.
        let not_found = || E::NotFound {
            code: "report_not_found".into(),
        };
        assert_eq!(classify(Module::Reports, Err(not_found())), Probe::Read);
        let api = |code: &str| E::Api {
            code: code.into(),
            message: None,
            request_id: None,
        };
        assert_eq!(
            classify(Module::Reports, Err(api("report_invalid"))),
            Probe::Read
        );
        assert!(matches!(
            classify(Module::Reports, Err(api("http_404"))),
            Probe::Unknown(_)
        ));
        assert!(matches!(
            classify(Module::Jobs, Err(not_found())),
            Probe::Unknown(_)
        ));
    }

    #[test]
    fn write_scopes() {
        for s in [
            "jobs:write",
            "candidates:delete",
            "jobsWrite",
            " offers:WRITE ",
        ] {
            assert!(is_write_scope(s), "{s}");
        }
        for s in ["jobs:read", "apiKeys:read", "reportsRead"] {
            assert!(!is_write_scope(s), "{s}");
        }
    }

    #[test]
    fn write_scopes_are_named_by_module() {
        let scopes: Vec<String> = [
            "candidates:write",
            "jobs:write",
            "jobsWrite",
            "candidates:delete",
            "mystery:write",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            write_module_labels(&scopes),
            vec!["Jobs", "Candidates", "mystery:write"]
        );
        assert_eq!(
            write_module_labels(&["hiringProcessMetadata:write".into()]),
            vec!["Hiring Process"]
        );
        let w = write_access_warning(&["Jobs".into(), "Candidates".into()]);
        assert!(w.contains("(Jobs and Candidates)"), "{w}");
        assert!(w.contains("can also change data in Ashby"), "{w}");
        assert!(w.contains("read-only"), "{w}");
        assert!(!w.contains(":write"), "{w}");
    }

    #[test]
    fn the_confidential_toggle_is_reported_as_not_checkable() {
        let t = toggle_checks();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].id, "confidentialAccess");
        assert_eq!(t[0].access, Access::Unknown);
        assert!(
            t[0].detail.starts_with("Can't be checked"),
            "{}",
            t[0].detail
        );
        // Same id as step 4's checklist item.
        assert!(crate::setup::permission_checklist()
            .iter()
            .any(|c| c.id == t[0].id));
    }

    #[test]
    fn joins_names() {
        assert_eq!(join(&["Offers"]), "Offers");
        assert_eq!(join(&["Offers", "Reports"]), "Offers and Reports");
        assert_eq!(
            join(&["Offers", "Approvals", "Reports"]),
            "Offers, Approvals and Reports"
        );
    }

    fn sample(outcome: Outcome) -> Verification {
        Verification {
            outcome,
            valid: true,
            can_save: true,
            title: Some("Full Read API Key – BeBitcoiner".into()),
            created_at: Some("2026-01-01T00:00:00Z".into()),
            scopes: vec!["jobs:read".into(), "jobs:write".into()],
            write_scopes: vec!["jobs:write".into()],
            write_modules: vec!["Jobs".into()],
            toggles: toggle_checks(),
            modules: Module::ALL
                .into_iter()
                .map(|m| ModuleCheck {
                    module: m,
                    label: m.label().into(),
                    access: if m == Module::Offers {
                        Access::Missing
                    } else {
                        Access::Read
                    },
                    required: m.required_for_sync(),
                    fix: None,
                    detail: None,
                })
                .collect(),
            message: String::new(),
            warnings: vec![],
            verified_at: Utc::now(),
            network: None,
        }
    }

    #[test]
    fn cli_json_shape() {
        let v = sample(Outcome::MissingModules);
        let json = serde_json::to_value(v.to_cli()).unwrap();
        assert_eq!(json["valid"], true);
        assert_eq!(json["title"], "Full Read API Key – BeBitcoiner");
        assert_eq!(json["writeScopes"], serde_json::json!(["jobs:write"]));
        let modules = json["modules"].as_object().unwrap();
        let keys: Vec<&str> = modules.keys().map(String::as_str).collect();
        let mut expected = vec![
            "jobs",
            "candidates",
            "interviews",
            "hiringProcessMetadata",
            "organization",
            "offers",
            "apiKeys",
            "approvals",
            "reports",
        ];
        let mut sorted_keys = keys.clone();
        sorted_keys.sort();
        expected.sort();
        assert_eq!(sorted_keys, expected);
        assert_eq!(modules["offers"], "missing");
        assert_eq!(modules["jobs"], "read");
        assert_eq!(json.as_object().unwrap().len(), 4);
    }

    #[test]
    fn verification_serialises_camel_case() {
        let json = serde_json::to_value(sample(Outcome::FullRead)).unwrap();
        for field in [
            "outcome",
            "valid",
            "canSave",
            "title",
            "createdAt",
            "scopes",
            "writeScopes",
            "modules",
            "message",
            "warnings",
            "verifiedAt",
        ] {
            assert!(json.get(field).is_some(), "{field}");
        }
        assert_eq!(json["outcome"], "fullRead");
        assert_eq!(json["modules"][3]["module"], "hiringProcessMetadata");
        assert_eq!(json["modules"][3]["label"], "Hiring Process");
        // Round-trips (the store keeps it as JSON).
        let back: Verification = serde_json::from_value(json).unwrap();
        assert_eq!(back.outcome, Outcome::FullRead);
    }

    #[test]
    fn verification_config_fails_fast() {
        let cfg = verification_config(ClientConfig::with_base_url("http://127.0.0.1:1"));
        assert_eq!(cfg.max_rate_limit_retries, 0);
        assert!(cfg.max_retries <= 1);
        assert!(cfg.concurrency >= PROBE_CONCURRENCY);
        assert_eq!(cfg.base_url, "http://127.0.0.1:1");
    }
}
