//! Typed views of Ashby's response payloads
//! (<https://developers.ashbyhq.com/reference>: `job.list`, `jobPosting.info`, `location.list`, …).
//!
//! Robustness rules, because a new or odd value from Ashby must never break a sync:
//! * unknown fields are ignored (serde's default);
//! * everything except top-level ids tolerates both `null` and absence;
//! * enums keep values they don't know in `Unknown(String)`, so nothing is lost;
//! * custom-field values, `extraData` and other free-form objects stay `serde_json::Value`.
//!
//! Every type also implements `Serialize` (camelCase, Ashby's own field names) so the store can keep
//! the row as JSON.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// `null` → `T::default()`; absence is handled by `#[serde(default)]` on the field.
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A field the app does not store: any value that does not fit the type reads as `None`
/// instead of failing the whole row (e.g. a job's `author` of `{"id": null}`).
fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let v = Value::deserialize(d)?;
    Ok(T::deserialize(v).ok())
}

/// A number that may come as a JSON number or a numeric string (`"81000"`, `"81,000.50"`);
/// anything else reads as `None`.
fn lenient_number<'de, D>(d: D) -> Result<Option<f64>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', "").parse::<f64>().ok(),
        _ => None,
    })
}

/// Declares a string enum whose unknown values are kept verbatim in `Unknown(String)`. It is
/// stored in SQLite as that string (`ToSql`/`FromSql`) and exported to TypeScript as the union of
/// the known values plus any other string (`(string & {})` keeps the known ones as suggestions).
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this version of the app does not know yet (kept as sent).
            Unknown(String),
        }

        impl $name {
            /// Every known value, in Ashby's order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value exactly as Ashby spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Unknown(s) => s.as_str(),
                }
            }

            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }

            /// A known value matched case-insensitively (user input such as `open`), else the
            /// trimmed text as `Unknown`.
            pub fn parse_loose(s: &str) -> $name {
                let s = s.trim();
                $name::KNOWN
                    .iter()
                    .find(|k| k.as_str().eq_ignore_ascii_case(s))
                    .cloned()
                    .unwrap_or_else(|| $name::Unknown(s.to_string()))
            }
        }

        /// Ashby sent no value (stored as the empty string).
        impl Default for $name {
            fn default() -> Self {
                $name::Unknown(String::new())
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                Ok($name::from(value.as_str()?))
            }
        }

        impl ts_rs::TS for $name {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;

            fn name(_: &ts_rs::Config) -> String {
                stringify!($name).to_string()
            }

            fn inline(cfg: &ts_rs::Config) -> String {
                <Self as ts_rs::TS>::name(cfg)
            }

            fn decl(_: &ts_rs::Config) -> String {
                let known: Vec<String> = vec![$(format!("\"{}\"", $text)),+];
                format!("type {} = {} | (string & {{}});", stringify!($name), known.join(" | "))
            }

            fn decl_concrete(cfg: &ts_rs::Config) -> String {
                <Self as ts_rs::TS>::decl(cfg)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)+
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($text => $name::$variant,)+
                    _ => $name::Unknown(s),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok($name::from(String::deserialize(d)?))
            }
        }
    };
}

string_enum!(
    /// `job.status`. `job.list` hides drafts unless `status` includes `Draft`.
    JobStatus {
        Draft => "Draft",
        Open => "Open",
        Closed => "Closed",
        Archived => "Archived",
    }
);

impl JobStatus {
    /// What the job list shows when no status is chosen.
    pub const DEFAULT_FILTER: JobStatus = JobStatus::Open;
}

string_enum!(
    /// Employment type of jobs and postings.
    EmploymentType {
        FullTime => "FullTime",
        PartTime => "PartTime",
        Intern => "Intern",
        Contract => "Contract",
        Temporary => "Temporary",
    }
);

string_enum!(
    /// Where the work happens.
    WorkplaceType {
        OnSite => "OnSite",
        Hybrid => "Hybrid",
        Remote => "Remote",
    }
);

string_enum!(
    /// `location.type`: a real location or a region grouping locations.
    LocationType {
        Location => "Location",
        LocationHierarchy => "LocationHierarchy",
    }
);

string_enum!(
    /// A user's global role in Ashby.
    GlobalRole {
        OrganizationAdmin => "Organization Admin",
        ElevatedAccess => "Elevated Access",
        LimitedAccess => "Limited Access",
        ExternalRecruiter => "External Recruiter",
    }
);

string_enum!(
    /// State of a job opening (`expand: ["openings"]`).
    OpeningState {
        Approved => "Approved",
        Closed => "Closed",
        Draft => "Draft",
        Filled => "Filled",
        Open => "Open",
    }
);

string_enum!(
    /// Kind of a compensation component.
    CompensationType {
        Salary => "Salary",
        EquityPercentage => "EquityPercentage",
        EquityCashValue => "EquityCashValue",
        Commission => "Commission",
        Bonus => "Bonus",
    }
);

string_enum!(
    /// Pay interval of a compensation component.
    CompensationInterval {
        None => "NONE",
        OneTime => "1 TIME",
        OneHour => "1 HOUR",
        OneDay => "1 DAY",
        OneWeek => "1 WEEK",
        TwoWeeks => "2 WEEK",
        HalfMonth => "0.5 MONTH",
        OneMonth => "1 MONTH",
        TwoMonths => "2 MONTH",
        ThreeMonths => "3 MONTH",
        SixMonths => "6 MONTH",
        OneYear => "1 YEAR",
    }
);

/// `apiKey.info` results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyInfo {
    /// The key's name as entered in Ashby.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    /// Colon-form scopes, e.g. `"jobs:read"`.
    #[serde(default, deserialize_with = "null_default")]
    pub scopes: Vec<String>,
    /// Anything else Ashby returns (e.g. the key's default API version, whose field name is
    /// not documented yet).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

impl ApiKeyInfo {
    /// Whether `scopes` grants read on `module` (write implies read).
    pub fn has_scope_read(&self, module: super::Module) -> bool {
        let prefix = module.scope_name();
        self.scopes.iter().any(|s| {
            let s = s.trim();
            s == format!("{prefix}:read") || s == format!("{prefix}:write")
        })
    }
}

/// One custom field value on a job, user or posting. `value` is deliberately untyped: it may be a
/// bool, string, number, date string, string list or a small object (currency, ranges).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldValue {
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    #[serde(default)]
    pub is_private: Option<bool>,
    #[serde(default)]
    pub value: Value,
    #[serde(default)]
    pub value_label: Value,
}

/// A member of a job's hiring team; names are inline, no user lookup needed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HiringTeamMember {
    #[serde(default, deserialize_with = "null_default")]
    pub user_id: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Display string such as "Hiring Manager" or "Recruiter".
    #[serde(default)]
    pub role: Option<String>,
}

/// `user.list` / `user.info` results, and a job's `author`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub global_role: Option<GlobalRole>,
    #[serde(default)]
    pub is_enabled: Option<bool>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub manager_id: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub custom_fields: Vec<CustomFieldValue>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(default)]
    pub address_country: Option<String>,
    #[serde(default)]
    pub address_region: Option<String>,
    #[serde(default)]
    pub address_locality: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub street_address: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(default)]
    pub postal_address: Option<PostalAddress>,
}

/// `location.list` / `location.info` results (and a job's `location` with `expand`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Candidate-facing name on job boards.
    #[serde(default)]
    pub external_name: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub is_archived: bool,
    #[serde(default)]
    pub address: Option<Address>,
    /// Deprecated by Ashby in favour of `workplace_type`.
    #[serde(default)]
    pub is_remote: Option<bool>,
    #[serde(default)]
    pub workplace_type: Option<WorkplaceType>,
    #[serde(default)]
    pub parent_location_id: Option<String>,
    #[serde(default, rename = "type")]
    pub location_type: Option<LocationType>,
    #[serde(default)]
    pub extra_data: Option<Value>,
}

/// `department.list` / `department.info` results. Teams are departments with a parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Department {
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(default)]
    pub external_name: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub is_archived: bool,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub extra_data: Option<Value>,
}

/// One component of a compensation tier (or of a posting's summary).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompensationComponent {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub compensation_type: Option<CompensationType>,
    #[serde(default)]
    pub interval: Option<CompensationInterval>,
    #[serde(default)]
    pub currency_code: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub min_value: Option<f64>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub max_value: Option<f64>,
    #[serde(default)]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompensationTier {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub additional_information: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub components: Vec<CompensationComponent>,
    #[serde(default)]
    pub tier_summary: Option<String>,
}

/// Compensation of a job or (with the summary fields) of a job posting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Compensation {
    #[serde(default)]
    pub compensation_tier_summary: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub summary_components: Vec<CompensationComponent>,
    #[serde(default, deserialize_with = "null_default")]
    pub compensation_tiers: Vec<CompensationTier>,
    #[serde(default)]
    pub should_display_compensation_on_job_board: Option<bool>,
}

/// A job opening (`job.list` with `expand: ["openings"]`). `latest_version` stays raw JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Opening {
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    #[serde(default)]
    pub opened_at: Option<String>,
    #[serde(default)]
    pub closed_at: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub is_archived: bool,
    #[serde(default)]
    pub archived_at: Option<String>,
    #[serde(default)]
    pub close_reason_id: Option<String>,
    #[serde(default)]
    pub opening_state: Option<OpeningState>,
    #[serde(default)]
    pub latest_version: Option<Value>,
}

/// `job.list` / `job.info` results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    #[serde(default, deserialize_with = "null_default")]
    pub confidential: bool,
    #[serde(default)]
    pub status: Option<JobStatus>,
    #[serde(default)]
    pub employment_type: Option<EmploymentType>,
    /// Primary location only.
    #[serde(default)]
    pub location_id: Option<String>,
    /// Department or team.
    #[serde(default)]
    pub department_id: Option<String>,
    #[serde(default)]
    pub default_interview_plan_id: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub interview_plan_ids: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub custom_fields: Vec<CustomFieldValue>,
    /// Published postings (plus unpublished with `includeUnpublishedJobPostingsIds`).
    #[serde(default, deserialize_with = "null_default")]
    pub job_posting_ids: Vec<String>,
    /// User-defined requisition id; opaque string.
    #[serde(default)]
    pub custom_requisition_id: Option<String>,
    #[serde(default)]
    pub brand_id: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub hiring_team: Vec<HiringTeamMember>,
    /// Not stored: decoded leniently, so an odd author never fails the job.
    #[serde(default, deserialize_with = "lenient")]
    pub author: Option<User>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub opened_at: Option<String>,
    #[serde(default)]
    pub closed_at: Option<String>,
    /// Only with `expand: ["location"]`. Not stored (lenient).
    #[serde(default, deserialize_with = "lenient")]
    pub location: Option<Location>,
    /// Only with `expand: ["openings"]`. Not stored (lenient).
    #[serde(default, deserialize_with = "lenient")]
    pub openings: Option<Vec<Opening>>,
    /// Not stored (lenient).
    #[serde(default, deserialize_with = "lenient")]
    pub compensation: Option<Compensation>,
}

/// `locationIds` of a posting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationIds {
    #[serde(default)]
    pub primary_location_id: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub secondary_location_ids: Vec<String>,
}

/// `jobPosting.list` item (no description; see [`JobPostingInfo`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobPosting {
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    #[serde(default)]
    pub job_id: Option<String>,
    #[serde(default)]
    pub department_name: Option<String>,
    #[serde(default)]
    pub team_name: Option<String>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub location_ids: Option<LocationIds>,
    #[serde(default)]
    pub workplace_type: Option<WorkplaceType>,
    #[serde(default)]
    pub employment_type: Option<EmploymentType>,
    /// Unlisted postings must not be shown publicly.
    #[serde(default, deserialize_with = "null_default")]
    pub is_listed: bool,
    /// Date only, e.g. `2021-11-19`.
    #[serde(default)]
    pub published_date: Option<String>,
    #[serde(default)]
    pub application_deadline: Option<String>,
    #[serde(default)]
    pub external_link: Option<String>,
    #[serde(default)]
    pub apply_link: Option<String>,
    #[serde(default)]
    pub compensation_tier_summary: Option<String>,
    #[serde(default)]
    pub should_display_compensation_on_job_board: Option<bool>,
    /// Changes when the posting changes: refetch `jobPosting.info` when it differs.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `{html, plain}` pair of a description part.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescriptionPart {
    #[serde(default)]
    pub html: Option<String>,
    #[serde(default)]
    pub plain: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescriptionParts {
    #[serde(default)]
    pub description_opening: Option<DescriptionPart>,
    #[serde(default)]
    pub description_body: Option<DescriptionPart>,
    #[serde(default)]
    pub description_closing: Option<DescriptionPart>,
}

/// `jobPosting.info` results: the posting with its full description.
/// (`applicationFormDefinition` / `surveyFormDefinitions` are ignored on purpose.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobPostingInfo {
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    #[serde(default)]
    pub job_id: Option<String>,
    /// Full description including the brand's opening/closing text. Untrusted HTML.
    #[serde(default)]
    pub description_html: Option<String>,
    #[serde(default)]
    pub description_plain: Option<String>,
    #[serde(default)]
    pub description_social: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub description_parts: Option<DescriptionParts>,
    #[serde(default)]
    pub department_name: Option<String>,
    #[serde(default)]
    pub team_name: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub team_name_hierarchy: Vec<String>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub location_ids: Option<LocationIds>,
    #[serde(default)]
    pub linked_data: Option<Value>,
    #[serde(default)]
    pub published_date: Option<String>,
    #[serde(default)]
    pub application_deadline: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub address: Option<Address>,
    #[serde(default)]
    pub is_remote: Option<bool>,
    #[serde(default)]
    pub workplace_type: Option<WorkplaceType>,
    #[serde(default)]
    pub employment_type: Option<EmploymentType>,
    #[serde(default, deserialize_with = "null_default")]
    pub is_listed: bool,
    #[serde(default)]
    pub suppress_description_opening: Option<bool>,
    #[serde(default)]
    pub suppress_description_closing: Option<bool>,
    #[serde(default)]
    pub external_link: Option<String>,
    #[serde(default)]
    pub apply_link: Option<String>,
    /// Not stored (lenient).
    #[serde(default, deserialize_with = "lenient")]
    pub compensation: Option<Compensation>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub application_limit_callout_html: Option<String>,
    /// Job-posting custom fields (added 2026-09; shape kept raw).
    #[serde(default)]
    pub custom_fields: Option<Value>,
}

/// `jobBoard.list` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobBoard {
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    #[serde(default, deserialize_with = "null_default")]
    pub is_internal: bool,
}

/// `hiringTeamRole.list` item. Accepts both shapes Ashby returns: a bare string
/// (`namesOnly: true`) or `{id, title}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HiringTeamRole {
    pub id: Option<String>,
    pub title: String,
}

impl<'de> Deserialize<'de> for HiringTeamRole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Name(String),
            Obj {
                #[serde(default)]
                id: Option<String>,
                #[serde(default)]
                title: Option<String>,
            },
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Name(title) => HiringTeamRole { id: None, title },
            Raw::Obj { id, title } => HiringTeamRole {
                id,
                title: title.unwrap_or_default(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_enum_values_are_kept() {
        let s: JobStatus = serde_json::from_value(json!("OnHold")).unwrap();
        assert_eq!(s, JobStatus::Unknown("OnHold".into()));
        assert_eq!(s.as_str(), "OnHold");
        assert_eq!(serde_json::to_value(&s).unwrap(), json!("OnHold"));

        let e: EmploymentType = serde_json::from_value(json!("Apprentice")).unwrap();
        assert_eq!(e, EmploymentType::Unknown("Apprentice".into()));
        let w: WorkplaceType = serde_json::from_value(json!("Flexible")).unwrap();
        assert!(w.is_unknown());
        let t: LocationType = serde_json::from_value(json!("Planet")).unwrap();
        assert_eq!(t.to_string(), "Planet");
        let r: GlobalRole = serde_json::from_value(json!("Interviewer")).unwrap();
        assert_eq!(r, GlobalRole::Unknown("Interviewer".into()));
        let i: CompensationInterval = serde_json::from_value(json!("4 WEEK")).unwrap();
        assert_eq!(i, CompensationInterval::Unknown("4 WEEK".into()));
    }

    #[test]
    fn open_enums_in_sqlite_and_typescript() {
        use rusqlite::types::{FromSql, ToSql, ToSqlOutput, ValueRef};
        use ts_rs::TS;
        assert!(matches!(
            JobStatus::Open.to_sql().unwrap(),
            ToSqlOutput::Borrowed(ValueRef::Text(b"Open"))
        ));
        assert_eq!(
            JobStatus::column_result(ValueRef::Text(b"OnHold")).unwrap(),
            JobStatus::Unknown("OnHold".into())
        );
        assert_eq!(
            WorkplaceType::column_result(ValueRef::Text(b"Remote")).unwrap(),
            WorkplaceType::Remote
        );
        // No status from Ashby is stored as the empty string, as before.
        assert_eq!(JobStatus::default().as_str(), "");
        assert_eq!(JobStatus::parse_loose(" open "), JobStatus::Open);
        assert_eq!(
            JobStatus::parse_loose("Paused"),
            JobStatus::Unknown("Paused".into())
        );
        let cfg = ts_rs::Config::new();
        assert_eq!(
            <JobStatus as TS>::decl(&cfg),
            "type JobStatus = \"Draft\" | \"Open\" | \"Closed\" | \"Archived\" | (string & {});"
        );
        assert_eq!(
            <Option<EmploymentType> as TS>::name(&cfg),
            "EmploymentType | null"
        );
        // Display pads like a string (the CLI's table).
        assert_eq!(format!("{:<6}|", JobStatus::Open), "Open  |");
    }

    #[test]
    fn known_enum_values_round_trip() {
        for s in JobStatus::KNOWN {
            let v = serde_json::to_value(s).unwrap();
            assert_eq!(&serde_json::from_value::<JobStatus>(v).unwrap(), s);
        }
        for s in CompensationInterval::KNOWN {
            let v = serde_json::to_value(s).unwrap();
            assert_eq!(
                &serde_json::from_value::<CompensationInterval>(v).unwrap(),
                s
            );
        }
        assert_eq!(
            serde_json::from_value::<GlobalRole>(json!("Organization Admin")).unwrap(),
            GlobalRole::OrganizationAdmin
        );
        assert_eq!(
            serde_json::from_value::<CompensationInterval>(json!("1 YEAR")).unwrap(),
            CompensationInterval::OneYear
        );
    }

    #[test]
    fn job_with_unknown_enum_values_still_decodes() {
        let job: Job = serde_json::from_value(json!({
            "id": "j1", "title": "T", "confidential": false,
            "status": "Paused", "employmentType": "Seasonal", "updatedAt": "2026-01-01T00:00:00.000Z",
            "someNewField": {"a": 1}
        }))
        .unwrap();
        assert_eq!(job.status, Some(JobStatus::Unknown("Paused".into())));
        assert_eq!(
            job.employment_type,
            Some(EmploymentType::Unknown("Seasonal".into()))
        );
        // Serialising keeps the original strings.
        let back = serde_json::to_value(&job).unwrap();
        assert_eq!(back["status"], json!("Paused"));
        assert_eq!(back["employmentType"], json!("Seasonal"));
    }

    #[test]
    fn minimal_job_with_absent_fields() {
        let job: Job = serde_json::from_value(json!({"id": "j1"})).unwrap();
        assert_eq!(job.title, "");
        assert!(!job.confidential);
        assert_eq!(job.status, None);
        assert!(job.hiring_team.is_empty());
        assert!(job.custom_fields.is_empty());
        assert_eq!(job.location_id, None);
        assert_eq!(job.openings, None);
    }

    #[test]
    fn job_with_null_fields() {
        let job: Job = serde_json::from_value(json!({
            "id": "j1", "title": null, "confidential": null, "status": null,
            "employmentType": null, "locationId": null, "departmentId": null,
            "interviewPlanIds": null, "customFields": null, "jobPostingIds": null,
            "customRequisitionId": null, "hiringTeam": null, "author": null,
            "createdAt": null, "updatedAt": null, "openedAt": null, "closedAt": null,
            "location": null, "openings": null, "compensation": null
        }))
        .unwrap();
        assert_eq!(job.title, "");
        assert!(job.job_posting_ids.is_empty());
        assert_eq!(job.updated_at, None);
    }

    #[test]
    fn full_job_decodes_with_custom_fields_raw() {
        let job: Job = serde_json::from_value(json!({
            "id": "j1", "title": "Engineer", "confidential": true, "status": "Open",
            "employmentType": "FullTime", "locationId": "l1", "departmentId": "d1",
            "customFields": [
                {"id": "c1", "title": "Level", "value": "L5"},
                {"id": "c2", "title": "Budget", "value": {"value": 100, "currencyCode": "USD"}},
                {"id": "c3", "title": "Tags", "value": ["a", "b"], "valueLabel": ["A", "B"], "isPrivate": null}
            ],
            "jobPostingIds": ["p1"],
            "hiringTeam": [{"userId": "u1", "firstName": "Ada", "lastName": "L", "email": "a@x", "role": "Recruiter"}],
            "author": {"id": "u2", "firstName": "B", "lastName": "C", "globalRole": "Elevated Access", "isEnabled": true, "updatedAt": "2026-01-01T00:00:00Z"},
            "updatedAt": "2026-01-01T00:00:00.000Z",
            "openings": [{"id": "o1", "isArchived": false, "openingState": "Open", "latestVersion": {"identifier": "R-1"}}],
            "compensation": {"compensationTiers": [{"id": "t1", "tierSummary": "$1", "components": [
                {"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": "USD", "minValue": null, "maxValue": 2.5, "summary": "$1"}
            ]}]}
        }))
        .unwrap();
        assert_eq!(job.status, Some(JobStatus::Open));
        assert_eq!(job.custom_fields[1].value["currencyCode"], json!("USD"));
        assert_eq!(job.custom_fields[2].value, json!(["a", "b"]));
        assert_eq!(job.hiring_team[0].role.as_deref(), Some("Recruiter"));
        assert_eq!(
            job.author.as_ref().unwrap().global_role,
            Some(GlobalRole::ElevatedAccess)
        );
        let comp = &job.compensation.as_ref().unwrap().compensation_tiers[0].components[0];
        assert_eq!(comp.min_value, None);
        assert_eq!(comp.max_value, Some(2.5));
        assert_eq!(comp.interval, Some(CompensationInterval::OneYear));
        assert_eq!(
            job.openings.as_ref().unwrap()[0].opening_state,
            Some(OpeningState::Open)
        );
    }

    #[test]
    fn fields_the_app_does_not_store_never_fail_a_job() {
        let job: Job = serde_json::from_value(json!({
            "id": "j1", "title": "T", "author": {"id": null, "firstName": "A"},
            "location": {"id": 7}, "openings": [{"isArchived": "no"}],
            "compensation": {"compensationTiers": [{"components": [
                {"minValue": "81000", "maxValue": "87,000.50"}, {"minValue": "n/a", "maxValue": true}
            ]}]}
        }))
        .unwrap();
        assert_eq!(job.author, None);
        assert_eq!(job.location, None);
        assert_eq!(job.openings, None);
        let c = &job.compensation.unwrap().compensation_tiers[0].components;
        assert_eq!(c[0].min_value, Some(81000.0));
        assert_eq!(c[0].max_value, Some(87000.5));
        assert_eq!((c[1].min_value, c[1].max_value), (None, None));
    }

    #[test]
    fn posting_nullable_fields() {
        let p: JobPosting = serde_json::from_value(json!({
            "id": "p1", "title": "T", "jobId": "j1", "departmentName": "Eng", "teamName": "Eng",
            "locationName": "Berlin", "locationIds": {"primaryLocationId": "l1", "secondaryLocationIds": null},
            "workplaceType": null, "employmentType": "FullTime", "isListed": true,
            "publishedDate": "2021-11-19", "applicationDeadline": null, "externalLink": null,
            "applyLink": "https://x", "compensationTierSummary": null,
            "shouldDisplayCompensationOnJobBoard": false, "updatedAt": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        assert_eq!(p.workplace_type, None);
        assert!(p.location_ids.unwrap().secondary_location_ids.is_empty());
        let p: JobPosting = serde_json::from_value(json!({"id": "p2"})).unwrap();
        assert!(!p.is_listed);
        assert_eq!(p.location_ids, None);
    }

    #[test]
    fn posting_info_description_parts_may_be_null() {
        let p: JobPostingInfo = serde_json::from_value(json!({
            "id": "p1", "title": "T", "descriptionHtml": "<p>x</p>", "descriptionPlain": "x",
            "descriptionParts": {"descriptionOpening": null, "descriptionBody": {"html": "<p>x</p>", "plain": "x"}, "descriptionClosing": null},
            "compensation": {"compensationTierSummary": null, "summaryComponents": [], "compensationTiers": [], "shouldDisplayCompensationOnJobBoard": true},
            "linkedData": {"title": "T"}, "applicationFormDefinition": {"sections": []}, "surveyFormDefinitions": []
        }))
        .unwrap();
        let parts = p.description_parts.unwrap();
        assert_eq!(parts.description_opening, None);
        assert_eq!(parts.description_body.unwrap().plain.as_deref(), Some("x"));
    }

    #[test]
    fn location_department_user_board_role() {
        let l: Location = serde_json::from_value(json!({
            "id": "l1", "name": "Remote EU", "isArchived": false, "type": "LocationHierarchy",
            "workplaceType": "Remote", "address": {"postalAddress": {"addressCountry": "DE"}}, "extraData": {"k": "v"}
        }))
        .unwrap();
        assert_eq!(l.location_type, Some(LocationType::LocationHierarchy));
        assert_eq!(
            serde_json::to_value(&l).unwrap()["type"],
            json!("LocationHierarchy")
        );
        let d: Department = serde_json::from_value(
            json!({"id": "d1", "name": "Eng", "isArchived": null, "parentId": null}),
        )
        .unwrap();
        assert!(!d.is_archived);
        let u: User =
            serde_json::from_value(json!({"id": "u1", "globalRole": null, "email": null})).unwrap();
        assert_eq!(u.global_role, None);
        let b: JobBoard =
            serde_json::from_value(json!({"id": "b1", "title": "Ext", "isInternal": false}))
                .unwrap();
        assert_eq!(b.title, "Ext");
        let roles: Vec<HiringTeamRole> =
            serde_json::from_value(json!(["Recruiter", {"id": "r2", "title": "Hiring Manager"}]))
                .unwrap();
        assert_eq!(
            roles[0],
            HiringTeamRole {
                id: None,
                title: "Recruiter".into()
            }
        );
        assert_eq!(roles[1].id.as_deref(), Some("r2"));
    }

    #[test]
    fn api_key_info_scopes_and_extra() {
        let info: ApiKeyInfo = serde_json::from_value(json!({
            "title": "Sync key", "createdAt": "2026-01-01T00:00:00Z",
            "scopes": ["jobs:read", "organization:write"], "defaultVersion": "2026-01-01"
        }))
        .unwrap();
        assert!(info.has_scope_read(super::super::Module::Jobs));
        assert!(info.has_scope_read(super::super::Module::Organization));
        assert!(!info.has_scope_read(super::super::Module::Candidates));
        assert_eq!(info.extra["defaultVersion"], json!("2026-01-01"));
        let info: ApiKeyInfo = serde_json::from_value(json!({"scopes": null})).unwrap();
        assert!(info.scopes.is_empty());
    }
}
