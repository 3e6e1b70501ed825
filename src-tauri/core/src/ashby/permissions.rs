//! Ashby's permission modules, the endpoint → module table and the cheapest read probe per
//! module.
//!
//! Every endpoint needs Read (or Write) on one module, named after the module in the key's
//! permissions (`jobsRead`, `organizationRead`, …; see
//! <https://developers.ashbyhq.com/docs/authentication>). A key without it gets HTTP 403 with the
//! code `missing_endpoint_permission`, so a cheap read per module tells whether the key has it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::enums::closed_enum;

closed_enum!(
    /// Whether the key can read a module.
    pub enum Access {
        Read => "read",
        Missing => "missing",
        /// Ashby couldn't be asked (network error, rate limit, server error): check again later.
        Unknown => "unknown",
    }
);

/// A permission module of an Ashby API key.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
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

impl Module {
    /// All modules in the order Ashby's key form lists them.
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

    /// Name as shown in Ashby's API key form.
    pub fn label(self) -> &'static str {
        match self {
            Module::Jobs => "Jobs",
            Module::Candidates => "Candidates",
            Module::Interviews => "Interviews",
            Module::HiringProcessMetadata => "Hiring Process",
            Module::Organization => "Organization",
            Module::Offers => "Offers",
            Module::ApiKeys => "API Keys",
            Module::Approvals => "Approvals",
            Module::Reports => "Reports",
        }
    }

    /// Prefix used in `apiKey.info` scopes (`"<prefix>:read"`) and permission names
    /// (`<prefix>Read`).
    pub fn scope_name(self) -> &'static str {
        match self {
            Module::Jobs => "jobs",
            Module::Candidates => "candidates",
            Module::Interviews => "interviews",
            Module::HiringProcessMetadata => "hiringProcessMetadata",
            Module::Organization => "organization",
            Module::Offers => "offers",
            Module::ApiKeys => "apiKeys",
            Module::Approvals => "approvals",
            Module::Reports => "reports",
        }
    }

    /// The cheapest read call that proves read access: `(endpoint, body)`. An answer means Read;
    /// 403 `missing_endpoint_permission` means no Read.
    /// For Reports there is no cheap read: a report id that doesn't exist answers "not found"
    /// with access and 403 `missing_endpoint_permission` without.
    pub fn probe(self) -> (&'static str, Value) {
        match self {
            Module::Jobs => ("job.list", json!({"limit": 1})),
            Module::Candidates => ("candidate.list", json!({"limit": 1})),
            Module::Interviews => ("interviewPlan.list", json!({"limit": 1})),
            Module::HiringProcessMetadata => ("archiveReason.list", json!({})),
            Module::Organization => ("department.list", json!({"limit": 1})),
            Module::Offers => ("offer.list", json!({"limit": 1})),
            Module::ApiKeys => ("apiKey.info", json!({})),
            Module::Approvals => ("approval.list", json!({"limit": 1})),
            Module::Reports => (
                "report.synchronous",
                json!({"reportId": "00000000-0000-0000-0000-000000000000"}),
            ),
        }
    }

    /// Which module's permission an endpoint (`"job.list"`, `"/job.list"`) needs.
    pub fn for_endpoint(endpoint: &str) -> Option<Module> {
        let endpoint = endpoint.trim_start_matches('/');
        let category = endpoint.split('.').next().unwrap_or(endpoint);
        let m = match category {
            "job" | "jobPosting" | "jobBoard" | "jobTemplate" | "opening" | "jobInterviewPlan" => {
                Module::Jobs
            }
            "candidate"
            | "application"
            | "applicationFeedback"
            | "applicationForm"
            | "project"
            | "surveyRequest"
            | "surveySubmission"
            | "candidateNote"
            | "file"
            | "assessment" => Module::Candidates,
            "interview"
            | "interviewSchedule"
            | "interviewEvent"
            | "interviewPlan"
            | "interviewStage"
            | "interviewStageGroup" => Module::Interviews,
            "archiveReason"
            | "source"
            | "sourceTrackingLink"
            | "candidateTag"
            | "customField"
            | "closeReason"
            | "communicationTemplate"
            | "feedbackFormDefinition"
            | "interviewerPool"
            | "surveyFormDefinition" => Module::HiringProcessMetadata,
            "department" | "location" | "user" | "hiringTeamRole" | "brand" => Module::Organization,
            "offer" => Module::Offers,
            "apiKey" => Module::ApiKeys,
            "approval" | "approvalDefinition" => Module::Approvals,
            "report" => Module::Reports,
            _ => return None,
        };
        Some(m)
    }
}

impl std::fmt::Display for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_table() {
        assert_eq!(Module::for_endpoint("job.list"), Some(Module::Jobs));
        assert_eq!(Module::for_endpoint("/jobPosting.info"), Some(Module::Jobs));
        assert_eq!(Module::for_endpoint("jobBoard.list"), Some(Module::Jobs));
        assert_eq!(
            Module::for_endpoint("department.list"),
            Some(Module::Organization)
        );
        assert_eq!(
            Module::for_endpoint("location.list"),
            Some(Module::Organization)
        );
        assert_eq!(
            Module::for_endpoint("user.list"),
            Some(Module::Organization)
        );
        assert_eq!(
            Module::for_endpoint("hiringTeamRole.list"),
            Some(Module::Organization)
        );
        assert_eq!(
            Module::for_endpoint("candidateTag.list"),
            Some(Module::HiringProcessMetadata)
        );
        assert_eq!(
            Module::for_endpoint("interviewerPool.list"),
            Some(Module::HiringProcessMetadata)
        );
        assert_eq!(
            Module::for_endpoint("interviewSchedule.list"),
            Some(Module::Interviews)
        );
        assert_eq!(Module::for_endpoint("apiKey.info"), Some(Module::ApiKeys));
        assert_eq!(
            Module::for_endpoint("report.synchronous"),
            Some(Module::Reports)
        );
        assert_eq!(Module::for_endpoint("mystery.list"), None);
        // Every probe endpoint maps back to its own module.
        for m in Module::ALL {
            assert_eq!(Module::for_endpoint(m.probe().0), Some(m), "{m:?}");
        }
    }
}
