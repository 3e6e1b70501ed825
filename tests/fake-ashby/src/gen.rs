//! Deterministic demo-data generator: the same seed and sizes always give the same dataset.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::model::*;
use crate::time::fmt_ms;

/// 2026-09-01T00:00:00Z — generated timestamps lie before this instant so that later mutations
/// (stamped with the server clock) always sort after them.
pub(crate) const BASE_MS: i64 = 1_788_220_800_000;
const DAY_MS: i64 = 86_400_000;

pub(crate) const ORG_NAME: &str = "Northwind Robotics";
pub(crate) const ORG_SITE: &str = "https://northwind.example";
pub(crate) const BOARD_NAME: &str = "northwind";

/// Title and index of the XSS canary job (always jobs[0]).
pub const CANARY_TITLE: &str = "Senior Rust Engineer (Platform)";

pub(crate) struct Gen {
    pub rng: fastrand::Rng,
}

impl Gen {
    pub fn new(seed: u64) -> Self {
        Gen {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    pub fn uuid(&mut self) -> String {
        let a = self.rng.u64(..);
        let b = self.rng.u64(..);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(..100) < percent
    }

    fn sample<'a, T>(&mut self, items: &'a [T], n: usize) -> Vec<&'a T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        self.rng.shuffle(&mut idx);
        idx.into_iter().take(n).map(|i| &items[i]).collect()
    }

    /// A timestamp `days_back` days (plus random ms) before [`BASE_MS`].
    fn ms_before_base(&mut self, max_days_back: i64) -> i64 {
        BASE_MS - self.rng.i64(DAY_MS..(max_days_back.max(2) * DAY_MS))
    }
}

struct Family {
    dept: &'static str,
    teams: &'static [&'static str],
    roles: &'static [&'static str],
    duties: &'static [&'static str],
    skills: &'static [&'static str],
}

const FAMILIES: &[Family] = &[
    Family {
        dept: "Engineering",
        teams: &["Platform", "Payments", "Mobile", "Infrastructure", "Developer Experience"],
        roles: &[
            "Backend Engineer",
            "Frontend Engineer",
            "Full Stack Engineer",
            "Site Reliability Engineer",
            "Rust Engineer",
            "Embedded Software Engineer",
            "Engineering Manager",
            "iOS Engineer",
            "Android Engineer",
            "Build and Release Engineer",
        ],
        duties: &[
            "Design, build and operate services that handle millions of robot telemetry events per minute",
            "Own features end to end, from the design document to the production rollout",
            "Improve the reliability of our Kubernetes clusters and on-call tooling",
            "Review code thoughtfully and mentor engineers across the team",
            "Profile and optimise hot paths in our Rust and Go services",
            "Partner with product and design to ship delightful fleet-management workflows",
            "Automate our CI pipelines and shorten the path from merge to deploy",
        ],
        skills: &[
            "Professional experience with Rust, Go or C++",
            "Solid understanding of distributed systems and PostgreSQL",
            "Experience with TypeScript and a modern frontend framework such as Svelte or React",
            "Comfort operating production systems on AWS or GCP",
            "Familiarity with observability tooling (OpenTelemetry, Prometheus, Grafana)",
            "A track record of writing clear technical documents",
        ],
    },
    Family {
        dept: "Product",
        teams: &["Growth", "Core Product"],
        roles: &[
            "Product Manager",
            "Technical Product Manager",
            "Group Product Manager",
            "Product Operations Lead",
        ],
        duties: &[
            "Define the roadmap for fleet analytics together with engineering and design",
            "Talk to customers every week and turn their problems into crisp requirements",
            "Run experiments and measure their impact on activation and retention",
            "Write product briefs that align stakeholders around clear outcomes",
        ],
        skills: &[
            "Experience shipping B2B SaaS products",
            "Strong analytical skills and fluency with SQL",
            "Excellent written communication",
            "Curiosity about robotics and industrial automation",
        ],
    },
    Family {
        dept: "Design",
        teams: &["Brand", "Product Design"],
        roles: &[
            "Product Designer",
            "UX Researcher",
            "Brand Designer",
            "Design Systems Lead",
        ],
        duties: &[
            "Prototype interaction flows in Figma and test them with operators on the factory floor",
            "Evolve our design system and its accessibility guidelines",
            "Plan and run qualitative research studies",
            "Craft visual identities for campaigns and product launches",
        ],
        skills: &[
            "A portfolio that shows your process, not only polished screens",
            "Experience with Figma and design tokens",
            "Knowledge of WCAG accessibility standards",
            "Comfort presenting work to executives",
        ],
    },
    Family {
        dept: "Data",
        teams: &["Analytics", "Machine Learning"],
        roles: &[
            "Data Engineer",
            "Data Analyst",
            "Machine Learning Engineer",
            "Analytics Engineer",
            "Data Scientist",
        ],
        duties: &[
            "Build batch and streaming pipelines with dbt, Airflow and Kafka",
            "Train and evaluate perception models for our warehouse robots",
            "Create dashboards that help operations teams make decisions",
            "Define metrics and data contracts with product teams",
        ],
        skills: &[
            "Strong Python and SQL",
            "Experience with PyTorch or JAX",
            "Knowledge of data modelling and warehouse design (Snowflake, BigQuery)",
            "Statistical rigour and healthy scepticism",
        ],
    },
    Family {
        dept: "Sales",
        teams: &["Enterprise", "Mid-Market"],
        roles: &[
            "Account Executive",
            "Sales Development Representative",
            "Solutions Engineer",
            "Sales Manager",
            "Channel Partner Manager",
        ],
        duties: &[
            "Own a territory of logistics and manufacturing accounts",
            "Run discovery calls and tailored product demos",
            "Forecast accurately in Salesforce and keep your pipeline healthy",
            "Negotiate multi-year agreements with procurement teams",
        ],
        skills: &[
            "3+ years of quota-carrying experience in B2B sales",
            "Experience selling hardware or industrial software",
            "Familiarity with MEDDICC or a similar methodology",
            "Willingness to travel up to 30%",
        ],
    },
    Family {
        dept: "Marketing",
        teams: &["Content", "Demand Generation"],
        roles: &[
            "Content Marketing Manager",
            "Product Marketing Manager",
            "Growth Marketer",
            "Events Manager",
            "Marketing Operations Specialist",
        ],
        duties: &[
            "Write case studies, webinars and long-form guides for operations leaders",
            "Plan multi-channel campaigns and own their pipeline targets",
            "Manage HubSpot workflows and attribution reporting",
            "Organise our presence at ProMat and LogiMAT",
        ],
        skills: &[
            "A portfolio of published B2B content",
            "Experience with HubSpot or Marketo",
            "Data-driven mindset and comfort with A/B testing",
            "Excellent storytelling skills",
        ],
    },
    Family {
        dept: "Customer Success",
        teams: &["Support", "Onboarding"],
        roles: &[
            "Customer Success Manager",
            "Technical Support Specialist",
            "Implementation Consultant",
            "Field Service Technician",
        ],
        duties: &[
            "Guide new customers through site surveys and robot commissioning",
            "Resolve escalated tickets in Zendesk within our SLAs",
            "Run quarterly business reviews with key accounts",
            "Turn recurring questions into help-centre articles",
        ],
        skills: &[
            "Experience in a customer-facing technical role",
            "Calm under pressure and great at explaining complex topics",
            "Basic networking knowledge (VLANs, Wi-Fi site surveys)",
            "A valid driver's licence",
        ],
    },
    Family {
        dept: "Finance",
        teams: &["Accounting", "FP&A"],
        roles: &["Financial Analyst", "Senior Accountant", "Controller", "Payroll Specialist"],
        duties: &[
            "Own the monthly close and reconcile our hardware inventory",
            "Build the operating model and long-range plan",
            "Partner with budget owners on headcount and spend",
            "Improve our NetSuite and procurement processes",
        ],
        skills: &[
            "CPA or equivalent qualification",
            "Advanced Excel or Google Sheets modelling",
            "Experience with revenue recognition (ASC 606)",
            "Attention to detail",
        ],
    },
    Family {
        dept: "People",
        teams: &["Talent Acquisition", "People Operations"],
        roles: &[
            "Technical Recruiter",
            "Recruiting Coordinator",
            "People Partner",
            "Learning and Development Lead",
        ],
        duties: &[
            "Partner with hiring managers to design fair, structured interview loops",
            "Coordinate interviews across five time zones in Ashby",
            "Run our onboarding programme and manager training",
            "Keep our compensation bands and policies up to date",
        ],
        skills: &[
            "Experience recruiting in a high-growth startup",
            "Exceptional organisation and communication skills",
            "Familiarity with Ashby, Greenhouse or Lever",
            "A genuine passion for candidate experience",
        ],
    },
    Family {
        dept: "Operations",
        teams: &["Supply Chain", "Manufacturing"],
        roles: &[
            "Supply Chain Manager",
            "Manufacturing Engineer",
            "Quality Engineer",
            "Logistics Coordinator",
        ],
        duties: &[
            "Scale our contract-manufacturing lines from pilot to volume",
            "Qualify suppliers and negotiate component lead times",
            "Run root-cause analyses and drive corrective actions",
            "Plan inbound and outbound freight across three continents",
        ],
        skills: &[
            "Experience with electromechanical hardware production",
            "Knowledge of lean manufacturing and Six Sigma",
            "ERP experience (NetSuite, SAP)",
            "Hands-on problem solving",
        ],
    },
    Family {
        dept: "Legal",
        teams: &["Commercial"],
        roles: &["Commercial Counsel", "Privacy Counsel", "Legal Operations Manager"],
        duties: &[
            "Negotiate customer and supplier agreements",
            "Advise on GDPR and data-protection questions",
            "Build scalable contract templates and playbooks",
        ],
        skills: &[
            "Admitted to practise law",
            "In-house experience at a technology company",
            "Pragmatic, business-minded judgement",
        ],
    },
    Family {
        dept: "Security",
        teams: &["Application Security"],
        roles: &[
            "Security Engineer",
            "Detection and Response Engineer",
            "GRC Analyst",
        ],
        duties: &[
            "Threat-model new features with product engineers",
            "Run our SOC 2 and ISO 27001 programmes",
            "Build detections and respond to incidents",
        ],
        skills: &[
            "Hands-on experience with cloud security (AWS IAM, GuardDuty)",
            "Scripting in Python or Go",
            "Knowledge of OWASP Top 10",
        ],
    },
];

const LEVELS: &[&str] = &[
    "",
    "",
    "Senior ",
    "Senior ",
    "Staff ",
    "Principal ",
    "Junior ",
    "Lead ",
];

struct City {
    name: &'static str,
    region: usize,
    locality: &'static str,
    state: &'static str,
    country: &'static str,
    postal: &'static str,
    street: &'static str,
    remote: bool,
}

const REGIONS: &[&str] = &["North America", "Europe", "Asia Pacific"];

const CITIES: &[City] = &[
    City {
        name: "San Francisco, CA",
        region: 0,
        locality: "San Francisco",
        state: "CA",
        country: "United States",
        postal: "94105",
        street: "535 Mission St",
        remote: false,
    },
    City {
        name: "New York, NY",
        region: 0,
        locality: "New York",
        state: "NY",
        country: "United States",
        postal: "10011",
        street: "85 10th Ave",
        remote: false,
    },
    City {
        name: "London, UK",
        region: 1,
        locality: "London",
        state: "England",
        country: "United Kingdom",
        postal: "EC2A 4NE",
        street: "1 Finsbury Ave",
        remote: false,
    },
    City {
        name: "Berlin, Germany",
        region: 1,
        locality: "Berlin",
        state: "Berlin",
        country: "Germany",
        postal: "10115",
        street: "Invalidenstraße 117",
        remote: false,
    },
    City {
        name: "Remote (US)",
        region: 0,
        locality: "",
        state: "",
        country: "USA",
        postal: "",
        street: "",
        remote: true,
    },
    City {
        name: "Singapore",
        region: 2,
        locality: "Singapore",
        state: "",
        country: "Singapore",
        postal: "018989",
        street: "10 Marina Blvd",
        remote: false,
    },
    City {
        name: "Austin, TX",
        region: 0,
        locality: "Austin",
        state: "TX",
        country: "United States",
        postal: "78701",
        street: "500 W 2nd St",
        remote: false,
    },
    City {
        name: "Toronto, ON",
        region: 0,
        locality: "Toronto",
        state: "ON",
        country: "Canada",
        postal: "M5V 2T6",
        street: "158 Sterling Rd",
        remote: false,
    },
    City {
        name: "Dublin, Ireland",
        region: 1,
        locality: "Dublin",
        state: "Leinster",
        country: "Ireland",
        postal: "D02 X285",
        street: "70 Sir John Rogerson's Quay",
        remote: false,
    },
    City {
        name: "Sydney, Australia",
        region: 2,
        locality: "Sydney",
        state: "NSW",
        country: "Australia",
        postal: "2000",
        street: "1 Martin Pl",
        remote: false,
    },
    City {
        name: "Remote (Europe)",
        region: 1,
        locality: "",
        state: "",
        country: "",
        postal: "",
        street: "",
        remote: true,
    },
    City {
        name: "Tokyo, Japan",
        region: 2,
        locality: "Tokyo",
        state: "Tokyo",
        country: "Japan",
        postal: "106-0032",
        street: "6-10-1 Roppongi",
        remote: false,
    },
    City {
        name: "Amsterdam, Netherlands",
        region: 1,
        locality: "Amsterdam",
        state: "North Holland",
        country: "Netherlands",
        postal: "1017 CE",
        street: "Herengracht 500",
        remote: false,
    },
    City {
        name: "Seattle, WA",
        region: 0,
        locality: "Seattle",
        state: "WA",
        country: "USA",
        postal: "98101",
        street: "1201 3rd Ave",
        remote: false,
    },
    City {
        name: "Bengaluru, India",
        region: 2,
        locality: "Bengaluru",
        state: "Karnataka",
        country: "India",
        postal: "560001",
        street: "MG Road 12",
        remote: false,
    },
    City {
        name: "Paris, France",
        region: 1,
        locality: "Paris",
        state: "Île-de-France",
        country: "France",
        postal: "75002",
        street: "12 Rue de la Paix",
        remote: false,
    },
];

const FIRST_NAMES: &[&str] = &[
    "Ava", "Liam", "Maya", "Noah", "Priya", "Mateo", "Chloe", "Kenji", "Fatima", "Lucas", "Ingrid",
    "Omar", "Sofia", "Ethan", "Aisha", "Jonas", "Leila", "Diego", "Hannah", "Wei", "Zara", "Tomás",
    "Grace", "Arjun", "Elena", "Samuel", "Nia", "Felix", "Yuki", "Amara", "Oscar", "Freya", "Ravi",
    "Isabel", "Malik", "Clara", "Hugo", "Sana", "Leo", "Mei",
];
const LAST_NAMES: &[&str] = &[
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Patel",
    "García",
    "Kowalski",
    "Johansson",
    "Tanaka",
    "Haddad",
    "Rossi",
    "O'Brien",
    "Fischer",
    "Silva",
    "Kim",
    "Dubois",
    "Novak",
    "Mensah",
    "Larsen",
    "Chen",
    "Ahmed",
    "Murphy",
    "Costa",
    "Yilmaz",
    "Andersen",
    "Singh",
    "Moreau",
    "Ivanova",
    "Walker",
    "Bauer",
    "Hoffmann",
    "Lopez",
    "Sato",
    "Adeyemi",
    "Berg",
    "Romero",
    "Shah",
    "Müller",
    "Hughes",
    "Park",
    "Eriksen",
];
const GLOBAL_ROLES: &[&str] = &[
    "Organization Admin",
    "Elevated Access",
    "Elevated Access",
    "Limited Access",
    "Limited Access",
    "Limited Access",
    "External Recruiter",
];
const TEAM_ROLES: &[&str] = &["Hiring Manager", "Recruiter", "Coordinator", "Sourcer"];

/// Extra reference data produced with the dataset and needed to build derived objects.
pub(crate) struct Extras {
    pub interview_plan_ids: Vec<String>,
    pub brand_ids: Vec<String>,
    pub custom_field_ids: Vec<String>,
    pub survey_form_id: String,
    pub org_id: String,
}

pub(crate) fn generate(
    seed: u64,
    jobs: usize,
    departments: usize,
    locations: usize,
    users: usize,
    published_postings: Option<usize>,
    listed_pct: Option<u32>,
) -> (Dataset, Extras, Gen) {
    let mut g = Gen::new(seed);
    let extras = Extras {
        interview_plan_ids: (0..6).map(|_| g.uuid()).collect(),
        brand_ids: (0..2).map(|_| g.uuid()).collect(),
        custom_field_ids: (0..CUSTOM_FIELD_TITLES.len()).map(|_| g.uuid()).collect(),
        survey_form_id: g.uuid(),
        org_id: g.uuid(),
    };
    let mut ds = Dataset {
        job_boards: vec![
            JobBoard {
                id: g.uuid(),
                title: format!("{ORG_NAME} Careers"),
                is_internal: false,
            },
            JobBoard {
                id: g.uuid(),
                title: "Internal Mobility".into(),
                is_internal: true,
            },
        ],
        hiring_team_roles: TEAM_ROLES
            .iter()
            .map(|t| HiringTeamRole {
                id: g.uuid(),
                title: (*t).into(),
            })
            .collect(),
        ..Dataset::default()
    };
    // Departments: ~2/3 top-level, the rest teams; the last top-level one is archived (when ≥ 3).
    let top_n = if departments == 0 {
        0
    } else {
        (departments * 2).div_ceil(3).max(1)
    };
    let mut tops: Vec<(usize, usize)> = Vec::new(); // (dataset index, family index)
    for i in 0..top_n {
        let fam = i % FAMILIES.len();
        let name = if i < FAMILIES.len() {
            FAMILIES[fam].dept.to_string()
        } else {
            format!("{} {}", FAMILIES[fam].dept, i / FAMILIES.len() + 1)
        };
        let created = g.ms_before_base(900);
        let archived = top_n >= 3 && i == top_n - 1;
        let updated = if archived {
            created + 30 * DAY_MS
        } else {
            created + g.rng.i64(0..DAY_MS * 20)
        };
        let mut extra = BTreeMap::new();
        extra.insert("costCenter".to_string(), format!("CC-{:03}", 100 + i));
        ds.departments.push(Department {
            id: g.uuid(),
            external_name: (i % 3 == 0).then(|| format!("{name} at {ORG_NAME}")),
            name,
            is_archived: archived,
            parent_id: None,
            created_at: fmt_ms(created),
            updated_at: fmt_ms(updated),
            extra_data: (i % 2 == 0).then_some(extra),
        });
        tops.push((ds.departments.len() - 1, fam));
    }
    let active_tops: Vec<(usize, usize)> = tops
        .iter()
        .copied()
        .filter(|(i, _)| !ds.departments[*i].is_archived)
        .collect();
    for t in 0..departments.saturating_sub(top_n) {
        let (parent_idx, fam) = active_tops[t % active_tops.len().max(1)];
        let round = t / active_tops.len().max(1);
        let teams = FAMILIES[fam].teams;
        let name = if round < teams.len() {
            teams[round].to_string()
        } else {
            format!("{} Team {}", FAMILIES[fam].dept, round + 1)
        };
        let created = g.ms_before_base(800);
        ds.departments.push(Department {
            id: g.uuid(),
            name,
            external_name: None,
            is_archived: false,
            parent_id: Some(ds.departments[parent_idx].id.clone()),
            created_at: fmt_ms(created),
            updated_at: fmt_ms(created + g.rng.i64(0..DAY_MS * 10)),
            extra_data: None,
        });
    }

    // Locations: three regions (when ≥ 6 locations), then offices; one office archived (when ≥ 5).
    let region_n = if locations >= 6 { REGIONS.len() } else { 0 };
    let mut region_ids = Vec::new();
    for r in REGIONS.iter().take(region_n) {
        ds.locations.push(Location {
            id: g.uuid(),
            name: (*r).into(),
            external_name: None,
            is_archived: false,
            address: None,
            is_remote: None,
            workplace_type: None,
            parent_location_id: None,
            location_type: LocationType::LocationHierarchy,
            extra_data: None,
        });
        region_ids.push(
            ds.locations
                .last()
                .map(|l| l.id.clone())
                .unwrap_or_default(),
        );
    }
    let office_n = locations - region_n;
    for i in 0..office_n {
        let c = &CITIES[i % CITIES.len()];
        let name = if i < CITIES.len() {
            c.name.to_string()
        } else {
            format!("{} (Satellite {})", c.name, i / CITIES.len() + 1)
        };
        let workplace = if c.remote {
            WorkplaceType::Remote
        } else if g.chance(30) {
            WorkplaceType::Hybrid
        } else {
            WorkplaceType::OnSite
        };
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        ds.locations.push(Location {
            id: g.uuid(),
            external_name: (!c.remote && i % 2 == 0).then(|| format!("{} Office", c.locality)),
            name,
            is_archived: office_n >= 5 && i == office_n - 1,
            address: Some(Address {
                postal_address: PostalAddress {
                    address_country: opt(c.country),
                    address_region: opt(c.state),
                    address_locality: opt(c.locality),
                    postal_code: opt(c.postal),
                    street_address: opt(c.street),
                },
            }),
            is_remote: Some(c.remote),
            workplace_type: Some(workplace),
            parent_location_id: region_ids.get(c.region).cloned(),
            location_type: LocationType::Location,
            extra_data: (i == 0).then(|| {
                let mut m = BTreeMap::new();
                m.insert("siteCode".to_string(), "SF-HQ".to_string());
                m
            }),
        });
    }

    // Users: ~10% deactivated; managers point at earlier users.
    let mut emails = std::collections::HashSet::new();
    for i in 0..users {
        let first = *g.pick(FIRST_NAMES);
        let last = *g.pick(LAST_NAMES);
        let mut email = format!(
            "{}.{}@northwind.example",
            ascii_slug(first),
            ascii_slug(last)
        );
        if !emails.insert(email.clone()) {
            email = format!(
                "{}.{}{}@northwind.example",
                ascii_slug(first),
                ascii_slug(last),
                i
            );
            emails.insert(email.clone());
        }
        let manager_id = if i > 0 && g.chance(60) {
            Some(ds.users[g.rng.usize(..i)].id.clone())
        } else {
            None
        };
        let custom_fields = (i % 5 == 0).then(|| {
            vec![CustomField {
                id: extras.custom_field_ids[0].clone(),
                is_private: Some(false),
                title: "Employee ID".into(),
                value: json!(format!("E{:05}", 1000 + i)),
                value_label: None,
            }]
        });
        ds.users.push(User {
            id: g.uuid(),
            first_name: first.into(),
            last_name: last.into(),
            email: (i % 17 != 16).then_some(email),
            global_role: if i == 0 {
                "Organization Admin".into()
            } else {
                (*g.pick(GLOBAL_ROLES)).into()
            },
            // Index 0 is the org admin and stays enabled; every 10th user is deactivated.
            is_enabled: i % 10 != 9,
            updated_at: fmt_ms(g.ms_before_base(400)),
            manager_id,
            custom_fields,
        });
    }

    match published_postings {
        None => {
            for i in 0..jobs {
                let spec = JobSpec::for_index(&mut g, i, jobs);
                add_job(&mut g, &mut ds, &extras, spec, None);
            }
        }
        Some(target) => {
            // An exact number of published postings (benchmarks): plan every job first, then
            // spread the target over the Open jobs. Job 0 (the canary) keeps its one posting.
            let mut specs: Vec<JobSpec> = (0..jobs)
                .map(|i| JobSpec::for_index(&mut g, i, jobs))
                .collect();
            let open: Vec<usize> = (1..jobs)
                .filter(|i| specs[*i].status == JobStatus::Open)
                .collect();
            let canary = usize::from(jobs > 0);
            let rest = target.saturating_sub(canary);
            if !open.is_empty() {
                let (base, extra) = (rest / open.len(), rest % open.len());
                for (k, i) in open.iter().enumerate() {
                    specs[*i].postings = base + usize::from(k < extra);
                }
            }
            for mut spec in specs {
                spec.listed_pct = listed_pct;
                add_job(&mut g, &mut ds, &extras, spec, None);
            }
        }
    }
    (ds, extras, g)
}

/// What to generate for one job.
pub(crate) struct JobSpec {
    pub title: Option<String>,
    pub status: JobStatus,
    pub confidential: bool,
    pub postings: usize,
    pub canary: bool,
    /// Chance (percent) that each posting is listed; `None` = 85 % for a job's first posting
    /// and 50 % for the others.
    pub listed_pct: Option<u32>,
}

impl JobSpec {
    fn for_index(g: &mut Gen, i: usize, total: usize) -> JobSpec {
        // Fixed statuses for the first few jobs guarantee that every kind of job exists in small sets.
        let (status, confidential) = match i {
            0 => (JobStatus::Open, false),
            1 if total > 4 => (JobStatus::Draft, false),
            2 if total > 4 => (JobStatus::Closed, false),
            3 if total > 4 => (JobStatus::Open, true),
            4 if total > 4 => (JobStatus::Archived, false),
            _ => {
                let r = g.rng.u32(..100);
                let status = match r {
                    0..=49 => JobStatus::Open,
                    50..=69 => JobStatus::Closed,
                    70..=84 => JobStatus::Archived,
                    _ => JobStatus::Draft,
                };
                (status, g.chance(5))
            }
        };
        let postings = if i == 0 {
            1
        } else if status == JobStatus::Draft {
            if g.chance(30) {
                1
            } else {
                0
            }
        } else {
            match g.rng.u32(..100) {
                0..=14 => 0,
                15..=69 => 1,
                70..=91 => 2,
                _ => 3,
            }
        };
        JobSpec {
            title: (i == 0).then(|| CANARY_TITLE.to_string()),
            status,
            confidential,
            postings,
            canary: i == 0,
            listed_pct: None,
        }
    }
}

pub(crate) fn new_job_spec(title: &str) -> JobSpec {
    JobSpec {
        title: Some(title.to_string()),
        status: JobStatus::Open,
        confidential: false,
        postings: 1,
        canary: false,
        listed_pct: None,
    }
}

const SKILL_TAGS: &[&str] = &[
    "Rust",
    "Go",
    "TypeScript",
    "Python",
    "SQL",
    "Kubernetes",
    "AWS",
    "Figma",
    "Salesforce",
    "HubSpot",
    "NetSuite",
    "PyTorch",
    "Negotiation",
    "Public speaking",
    "German",
    "Japanese",
];

const CUSTOM_FIELD_TITLES: &[&str] = &[
    "Employee ID",
    "Priority",
    "Remote eligible",
    "Target start date",
    "Headcount",
    "Required skills",
    "Approved budget",
    "Level band",
    "Salary range",
];

fn job_custom_fields(g: &mut Gen, extras: &Extras) -> Vec<CustomField> {
    let mut out = Vec::new();
    let idx: Vec<usize> = {
        let mut v: Vec<usize> = (1..CUSTOM_FIELD_TITLES.len()).collect();
        g.rng.shuffle(&mut v);
        let n = g.rng.usize(2..=5);
        let mut v: Vec<usize> = v.into_iter().take(n).collect();
        v.sort_unstable();
        v
    };
    for k in idx {
        let (value, label, private) = match k {
            1 => {
                let p = *g.pick(&["High", "Medium", "Low"]);
                (json!(p), Some(json!(p)), None)
            }
            2 => (json!(g.chance(50)), None, None),
            3 => {
                let ms = BASE_MS + g.rng.i64(10..120) * DAY_MS;
                let day = &fmt_ms(ms)[..10];
                (json!(format!("{day}T00:00:00.000Z")), None, None)
            }
            4 => (json!(g.rng.u32(1..6)), None, None),
            5 => {
                let picked: Vec<String> = g
                    .sample(SKILL_TAGS, 3)
                    .into_iter()
                    .map(|s| s.to_string())
                    .collect();
                (json!(picked.clone()), Some(json!(picked)), None)
            }
            6 => (
                json!({"value": g.rng.u32(80..250) * 1000, "currencyCode": "USD"}),
                None,
                Some(true),
            ),
            7 => {
                let lo = g.rng.u32(1..5);
                (
                    json!({"type": "number-range", "minValue": lo, "maxValue": lo + g.rng.u32(1..3)}),
                    None,
                    None,
                )
            }
            _ => {
                let lo = g.rng.u32(90..180) * 1000;
                (
                    json!({"type": "compensation-range", "minValue": lo, "maxValue": lo + 40_000,
                           "currencyCode": "USD", "interval": "1 YEAR"}),
                    None,
                    Some(true),
                )
            }
        };
        out.push(CustomField {
            id: extras.custom_field_ids[k].clone(),
            is_private: private.or(Some(false)),
            title: CUSTOM_FIELD_TITLES[k].into(),
            value,
            value_label: label,
        });
    }
    out
}

fn salary_tiers(
    g: &mut Gen,
    senior: bool,
    remote_eu: bool,
) -> (Vec<CompensationTier>, String, Vec<CompensationComponent>) {
    let (cur, sym) = if remote_eu {
        ("EUR", "€")
    } else {
        ("USD", "$")
    };
    let base = if senior {
        g.rng.u32(150..200)
    } else {
        g.rng.u32(80..140)
    } * 1000;
    let top = base + g.rng.u32(30..90) * 1000;
    let salary = CompensationComponent {
        id: None,
        compensation_type: "Salary".into(),
        interval: "1 YEAR".into(),
        currency_code: Some(cur.into()),
        label: None,
        min_value: Some(base as f64),
        max_value: Some(top as f64),
        summary: format!("{sym}{}K – {sym}{}K", base / 1000, top / 1000),
    };
    let mut comps = vec![salary.clone()];
    let mut summary = salary.summary.clone();
    if g.chance(60) {
        let eq = CompensationComponent {
            id: None,
            compensation_type: "EquityPercentage".into(),
            interval: "NONE".into(),
            currency_code: None,
            label: None,
            min_value: Some(0.0),
            max_value: Some(if senior { 0.25 } else { 0.1 }),
            summary: format!("0% – {}%", if senior { "0.25" } else { "0.1" }),
        };
        summary.push_str(&format!(" • {}", eq.summary));
        comps.push(eq);
    }
    if g.chance(30) {
        comps.push(CompensationComponent {
            id: None,
            compensation_type: "Bonus".into(),
            interval: "1 YEAR".into(),
            currency_code: Some(cur.into()),
            label: Some("Annual bonus".into()),
            min_value: None,
            max_value: None,
            summary: "Offers Bonus".into(),
        });
        summary.push_str(" • Offers Bonus");
    }
    let tier = CompensationTier {
        id: g.uuid(),
        title: None,
        additional_information: None,
        components: comps.clone(),
        tier_summary: summary.clone(),
    };
    let mut tiers = vec![tier];
    if g.chance(15) {
        tiers.push(CompensationTier {
            id: g.uuid(),
            title: Some("Zone B".into()),
            additional_information: Some("For candidates located outside major metro areas".into()),
            components: vec![CompensationComponent {
                id: None,
                min_value: Some((base * 9 / 10) as f64),
                max_value: Some((top * 9 / 10) as f64),
                summary: format!("{sym}{}K – {sym}{}K", base * 9 / 10000, top * 9 / 10000),
                ..salary.clone()
            }],
            tier_summary: format!("{sym}{}K – {sym}{}K", base * 9 / 10000, top * 9 / 10000),
        });
        summary.push_str(" • Multiple Ranges");
    }
    (tiers, summary, comps)
}

/// Adds one job (and its postings) to the dataset; returns the job index.
pub(crate) fn add_job(
    g: &mut Gen,
    ds: &mut Dataset,
    extras: &Extras,
    spec: JobSpec,
    now_ms: Option<i64>,
) -> usize {
    let id = g.uuid();
    // Department (or team), never an archived one.
    let live_depts: Vec<usize> = (0..ds.departments.len())
        .filter(|i| !ds.departments[*i].is_archived)
        .collect();
    let dept_idx = if spec.canary {
        // The canary goes to the Engineering "Platform" team when it exists.
        live_depts
            .iter()
            .copied()
            .find(|i| ds.departments[*i].name == "Platform")
            .or_else(|| live_depts.first().copied())
    } else if live_depts.is_empty() {
        None
    } else {
        Some(*g.pick(&live_depts))
    };
    let (top_name, team_name, family_idx) = match dept_idx {
        Some(i) => {
            let d = &ds.departments[i];
            let top = d
                .parent_id
                .as_ref()
                .and_then(|p| ds.departments.iter().find(|x| &x.id == p))
                .unwrap_or(d);
            let fam = FAMILIES
                .iter()
                .position(|f| top.name.starts_with(f.dept))
                .unwrap_or(0);
            (top.name.clone(), d.name.clone(), fam)
        }
        None => ("General".to_string(), "General".to_string(), 0),
    };
    let family = &FAMILIES[family_idx];
    let offices: Vec<usize> = (0..ds.locations.len())
        .filter(|i| {
            let l = &ds.locations[*i];
            l.location_type == LocationType::Location && !l.is_archived
        })
        .collect();
    let loc_idx = if offices.is_empty() {
        None
    } else {
        Some(*g.pick(&offices))
    };
    let is_team = dept_idx.is_some_and(|i| ds.departments[i].parent_id.is_some());
    let title = spec.title.clone().unwrap_or_else(|| {
        let level = *g.pick(LEVELS);
        let role = *g.pick(family.roles);
        let role = if role.ends_with("Manager") || role.starts_with("Head") {
            role.to_string()
        } else {
            format!("{level}{role}")
        };
        if is_team && g.chance(40) {
            format!("{role} ({team_name})")
        } else if g.chance(10) {
            format!(
                "{role}, {}",
                loc_idx
                    .map(|i| ds.locations[i].name.clone())
                    .unwrap_or_default()
            )
        } else {
            role
        }
    });
    let senior = ["Senior", "Staff", "Principal", "Lead"]
        .iter()
        .any(|l| title.contains(l));
    let employment_type = if title.contains("Intern") {
        EmploymentType::Intern
    } else {
        match g.rng.u32(..100) {
            0..=84 => EmploymentType::FullTime,
            85..=90 => EmploymentType::Contract,
            91..=95 => EmploymentType::PartTime,
            96..=97 => EmploymentType::Temporary,
            _ => EmploymentType::Intern,
        }
    };
    let created = match now_ms {
        Some(n) => n,
        None => g.ms_before_base(540),
    };
    let opened = (spec.status != JobStatus::Draft).then(|| created + g.rng.i64(0..14 * DAY_MS));
    let closed = matches!(spec.status, JobStatus::Closed | JobStatus::Archived)
        .then(|| opened.unwrap_or(created) + g.rng.i64(DAY_MS..90 * DAY_MS));
    let updated = match now_ms {
        Some(n) => n,
        None => closed.or(opened).unwrap_or(created) + g.rng.i64(0..5 * DAY_MS),
    };
    let enabled_users: Vec<usize> = (0..ds.users.len())
        .filter(|i| ds.users[*i].is_enabled)
        .collect();
    let mut hiring_team = Vec::new();
    if !enabled_users.is_empty() {
        let n = g.rng.usize(1..=4).min(enabled_users.len());
        for (k, ui) in g.sample(&enabled_users, n).into_iter().enumerate() {
            let u = &ds.users[*ui];
            hiring_team.push(HiringTeamMember {
                user_id: u.id.clone(),
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                email: u
                    .email
                    .clone()
                    .unwrap_or_else(|| format!("{}@northwind.example", ascii_slug(&u.first_name))),
                role: TEAM_ROLES[k % TEAM_ROLES.len()].into(),
            });
        }
    }
    let author = if ds.users.is_empty() {
        None
    } else {
        let mut u = ds.users[g.rng.usize(..ds.users.len())].clone();
        u.custom_fields = None;
        Some(u)
    };
    let default_plan = g.pick(&extras.interview_plan_ids).clone();
    let mut plans = vec![default_plan.clone()];
    if g.chance(20) {
        let other = g.pick(&extras.interview_plan_ids).clone();
        if other != default_plan {
            plans.push(other);
        }
    }
    let remote_eu = loc_idx.is_some_and(|i| {
        ds.locations[i].name.contains("Europe")
            || ds.locations[i].parent_location_id.as_deref()
                == ds
                    .locations
                    .iter()
                    .find(|l| l.name == "Europe")
                    .map(|l| l.id.as_str())
    });
    let (tiers, tier_summary, summary_components) = salary_tiers(g, senior, remote_eu);
    let custom_fields = job_custom_fields(g, extras);
    let job_index = ds.jobs.len();
    let req_num = 1000 + job_index;
    let mut job = Job {
        id: id.clone(),
        title: title.clone(),
        confidential: spec.confidential,
        status: spec.status,
        employment_type,
        location_id: loc_idx.map(|i| ds.locations[i].id.clone()),
        department_id: dept_idx.map(|i| ds.departments[i].id.clone()),
        default_interview_plan_id: (spec.status != JobStatus::Draft || g.chance(50))
            .then_some(default_plan),
        interview_plan_ids: plans,
        custom_fields,
        job_posting_ids: Vec::new(),
        custom_requisition_id: (job_index % 4 != 3).then(|| format!("REQ-{req_num}")),
        brand_id: Some(extras.brand_ids[job_index % 7 / 6].clone()),
        hiring_team,
        author,
        created_at: Some(fmt_ms(created)),
        updated_at: fmt_ms(updated),
        opened_at: opened.map(fmt_ms),
        closed_at: closed.map(fmt_ms),
        compensation: (spec.postings > 0).then(|| JobCompensation {
            compensation_tiers: tiers.clone(),
        }),
    };
    for p in 0..spec.postings {
        let posting_id = g.uuid();
        let published = spec.status == JobStatus::Open;
        let listed = spec.canary
            || match spec.listed_pct {
                Some(pct) => g.chance(pct),
                None => (p == 0 && g.chance(85)) || (p > 0 && g.chance(50)),
            };
        let posting_title = if p == 0 {
            title.clone()
        } else {
            format!(
                "{title} — {}",
                g.pick(&[
                    "Remote",
                    "Contract-to-hire",
                    "Evergreen",
                    "Early Career",
                    "EMEA"
                ])
            )
        };
        let loc = loc_idx.map(|i| ds.locations[i].clone());
        let mut secondary = Vec::new();
        if g.chance(25) && offices.len() > 1 {
            for oi in g.sample(&offices, 2) {
                if Some(*oi) != loc_idx {
                    secondary.push(ds.locations[*oi].id.clone());
                }
            }
        }
        let published_ms = opened.unwrap_or(created) + g.rng.i64(0..3 * DAY_MS);
        let posting_updated = match now_ms {
            Some(n) => n,
            None => published_ms.max(updated - g.rng.i64(0..DAY_MS)),
        };
        let (body_html, body_plain) = if spec.canary {
            canary_body(&posting_title)
        } else {
            description_body(g, &posting_title, family, &team_name, senior)
        };
        let opening = DescriptionPart {
            html: format!("<p><strong>{ORG_NAME}</strong> builds autonomous mobile robots that take the heavy lifting out of warehouses and factories. Our fleet moves more than two million packages every day.</p>"),
            plain: format!("{ORG_NAME} builds autonomous mobile robots that take the heavy lifting out of warehouses and factories. Our fleet moves more than two million packages every day."),
        };
        let closing = DescriptionPart {
            html: format!("<p><em>{ORG_NAME} is an equal opportunity employer.</em> We welcome applicants of every background and will provide reasonable accommodations throughout the hiring process. Questions? Email <a href=\"mailto:jobs@northwind.example\">jobs@northwind.example</a>.</p>"),
            plain: format!("{ORG_NAME} is an equal opportunity employer. We welcome applicants of every background and will provide reasonable accommodations throughout the hiring process. Questions? Email jobs@northwind.example."),
        };
        let suppress_open = !spec.canary && g.chance(10);
        let mut html = String::with_capacity(body_html.len() + 600);
        let mut plain = String::with_capacity(body_plain.len() + 500);
        if !suppress_open {
            html.push_str(&opening.html);
            plain.push_str(&opening.plain);
            plain.push_str("\n\n");
        }
        html.push_str(&body_html);
        plain.push_str(&body_plain);
        html.push_str(&closing.html);
        plain.push_str("\n\n");
        plain.push_str(&closing.plain);
        let workplace = loc.as_ref().and_then(|l| l.workplace_type);
        let board = BOARD_NAME;
        let show_comp = g.chance(70);
        let social: String = body_plain.chars().take(180).collect();
        let posting = Posting {
            id: posting_id.clone(),
            title: posting_title,
            job_id: id.clone(),
            department_name: top_name.clone(),
            team_name: team_name.clone(),
            team_name_hierarchy: Some(if top_name == team_name {
                vec![top_name.clone()]
            } else {
                vec![top_name.clone(), team_name.clone()]
            }),
            location_name: loc
                .as_ref()
                .map(|l| l.name.clone())
                .unwrap_or_else(|| "Remote".into()),
            location_ids: LocationIds {
                primary_location_id: loc.as_ref().map(|l| l.id.clone()).unwrap_or_default(),
                secondary_location_ids: secondary,
            },
            workplace_type: workplace,
            employment_type,
            is_listed: listed,
            published_date: fmt_ms(published_ms)[..10].to_string(),
            application_deadline: g
                .chance(15)
                .then(|| fmt_ms(BASE_MS + g.rng.i64(20..90) * DAY_MS)),
            external_link: g
                .chance(10)
                .then(|| format!("{ORG_SITE}/careers/{posting_id}")),
            apply_link: format!("https://jobs.ashbyhq.com/{board}/{posting_id}/application"),
            compensation_tier_summary: Some(tier_summary.clone()),
            should_display_compensation_on_job_board: show_comp,
            updated_at: fmt_ms(posting_updated),
            description_html: html,
            description_plain: plain,
            description_social: Some(social),
            description_parts: DescriptionParts {
                description_opening: Some(opening),
                description_body: DescriptionPart {
                    html: body_html,
                    plain: body_plain,
                },
                description_closing: Some(closing),
            },
            suppress_description_opening: suppress_open,
            suppress_description_closing: false,
            address: loc.as_ref().and_then(|l| l.address.clone()),
            is_remote: loc.as_ref().and_then(|l| l.is_remote),
            application_limit_callout_html: g.chance(5).then(|| {
                "<p>You can apply to at most <strong>3</strong> roles every 6 months.</p>"
                    .to_string()
            }),
            compensation: PostingCompensation {
                compensation_tier_summary: Some(tier_summary.clone()),
                summary_components: summary_components.clone(),
                compensation_tiers: tiers.clone(),
                should_display_compensation_on_job_board: show_comp,
            },
            custom_fields: if g.chance(20) {
                vec![CustomField {
                    id: extras.custom_field_ids[1].clone(),
                    is_private: Some(false),
                    title: "Priority".into(),
                    value: json!("High"),
                    value_label: Some(json!("High")),
                }]
            } else {
                Vec::new()
            },
            is_published: published,
            is_deleted: false,
        };
        job.job_posting_ids.push(posting_id);
        ds.postings.push(posting);
    }
    ds.jobs.push(job);
    job_index
}

fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'ä' => Some('a'),
            'é' | 'è' => Some('e'),
            'í' => Some('i'),
            'ó' | 'ö' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ç' => Some('c'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn description_body(
    g: &mut Gen,
    title: &str,
    family: &Family,
    team: &str,
    senior: bool,
) -> (String, String) {
    let t = html_escape(title);
    let team_h = html_escape(team);
    let duties = g.sample(family.duties, 4.min(family.duties.len()));
    let skills = g.sample(family.skills, 3.min(family.skills.len()));
    let mut html = String::with_capacity(1600);
    let mut plain = String::with_capacity(1200);
    html.push_str(&format!(
        "<h2>About the role</h2><p>As a <strong>{t}</strong> on the {team_h} team you will help us scale a product that operators rely on every shift. {}</p>",
        if senior { "You will set technical direction and raise the bar for the people around you." } else { "You will learn quickly, ship often and grow with a supportive team." }
    ));
    plain.push_str(&format!(
        "About the role\n\nAs a {title} on the {team} team you will help us scale a product that operators rely on every shift. {}\n\n",
        if senior { "You will set technical direction and raise the bar for the people around you." } else { "You will learn quickly, ship often and grow with a supportive team." }
    ));
    html.push_str("<h3>What you'll do</h3><ul>");
    plain.push_str("What you'll do\n\n");
    for d in &duties {
        html.push_str(&format!("<li>{}</li>", html_escape(d)));
        plain.push_str(&format!("- {d}\n"));
    }
    html.push_str("</ul><h3>What we're looking for</h3><ul>");
    plain.push_str("\nWhat we're looking for\n\n");
    for s in &skills {
        html.push_str(&format!("<li>{}</li>", html_escape(s)));
        plain.push_str(&format!("- {s}\n"));
    }
    html.push_str("</ul>");
    let benefits = [
        "Competitive salary and meaningful equity",
        "Private health, dental and vision cover",
        "A €1,500 yearly learning budget",
        "Flexible hours and 28 days of paid holiday",
        "Home-office stipend",
    ];
    let picked = g.sample(&benefits, 3);
    html.push_str("<h3>Why you'll love it here</h3><ol>");
    plain.push_str("\nWhy you'll love it here\n\n");
    for (i, b) in picked.iter().enumerate() {
        html.push_str(&format!("<li>{}</li>", html_escape(b)));
        plain.push_str(&format!("{}. {b}\n", i + 1));
    }
    html.push_str(&format!(
        "</ol><p>Read about how we work on our <a href=\"{ORG_SITE}/blog\" target=\"_blank\">engineering blog</a>.</p>"
    ));
    plain.push_str("\nRead about how we work on our engineering blog.");
    (html, plain)
}

/// The XSS canary body (job 0). Keep in sync with the crate docs.
fn canary_body(title: &str) -> (String, String) {
    let html = format!(
        "<h2>About the role</h2>\
<p>As a <strong>{}</strong> you will build the Rust services that coordinate our robot fleet.</p>\
<script>window.__xss=1</script>\
<p>We use <em>Tokio</em>, <code>axum</code> and PostgreSQL.<img src=\"x\" onerror=\"window.__xss=1\"></p>\
<h3>What you'll do</h3><ul><li>Design fault-tolerant services</li><li>Mentor other engineers</li></ul>\
<p>Ready? <a href=\"javascript:window.__xss=1\">apply</a></p>\
<iframe src=\"https://example.com\"></iframe>\
<p>Our office dog says hello: <img src=\"https://example.com/t.png\" alt=\"tracking pixel\"></p>\
<p>Learn more on our <a href=\"{ORG_SITE}/blog\">engineering blog</a>.</p>",
        html_escape(title)
    );
    let plain = format!(
        "About the role\n\nAs a {title} you will build the Rust services that coordinate our robot fleet.\n\n\
We use Tokio, axum and PostgreSQL.\n\nWhat you'll do\n\n- Design fault-tolerant services\n- Mentor other engineers\n\n\
Ready? apply\n\nOur office dog says hello:\n\nLearn more on our engineering blog."
    );
    (html, plain)
}

/// schema.org JobPosting for `jobPosting.info.linkedData`.
pub(crate) fn linked_data(p: &Posting) -> Value {
    let et = match p.employment_type {
        EmploymentType::FullTime => "FULL_TIME",
        EmploymentType::PartTime => "PART_TIME",
        EmploymentType::Contract => "CONTRACTOR",
        EmploymentType::Temporary => "TEMPORARY",
        EmploymentType::Intern => "INTERN",
    };
    let addr = p.address.as_ref().map(|a| &a.postal_address);
    let mut address = json!({"@type": "PostalAddress"});
    if let Some(a) = addr {
        if let Some(v) = &a.address_locality {
            address["addressLocality"] = json!(v);
        }
        if let Some(v) = &a.address_region {
            address["addressRegion"] = json!(v);
        }
        if let Some(v) = &a.address_country {
            address["addressCountry"] = json!(v);
        }
    }
    json!({
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": p.title,
        "description": p.description_html,
        "identifier": {"@type": "PropertyValue", "name": ORG_NAME, "value": p.id},
        "datePosted": p.published_date,
        "hiringOrganization": {"@type": "Organization", "name": ORG_NAME, "sameAs": ORG_SITE},
        "jobLocation": {"@type": "Place", "address": address},
        "employmentType": et,
    })
}

pub(crate) fn application_form(extras: &Extras, posting_id: &str) -> Value {
    let _ = posting_id;
    let field = |id: &str, ty: &str, path: &str, title: &str, nullable: bool| json!({"id": id, "type": ty, "path": path, "humanReadablePath": title, "title": title, "isNullable": nullable});
    json!({
        "sections": [{
            "title": "Your details",
            "fields": [
                {"isRequired": true, "field": field(&extras.custom_field_ids[0], "String", "_systemfield_name", "Name", false)},
                {"isRequired": true, "field": field(&extras.custom_field_ids[1], "Email", "_systemfield_email", "Email", false)},
                {"isRequired": false, "field": field(&extras.custom_field_ids[2], "File", "_systemfield_resume", "Resume", true)},
                {"isRequired": false, "descriptionPlain": "Optional", "descriptionHtml": "<p>Optional</p>",
                 "field": {"id": extras.custom_field_ids[3], "type": "ValueSelect", "path": "source", "humanReadablePath": "How did you hear about us?",
                           "title": "How did you hear about us?", "isNullable": true,
                           "selectableValues": [{"label": "LinkedIn", "value": "linkedin"}, {"label": "Friend", "value": "friend"}]}}
            ]
        }]
    })
}

pub(crate) fn survey_forms(extras: &Extras) -> Value {
    json!([{
        "id": extras.survey_form_id,
        "organizationId": extras.org_id,
        "title": "Voluntary self-identification",
        "isArchived": false,
        "isDefaultForm": true,
        "surveyType": "EEOC",
        "formDefinition": {"sections": [{"title": "EEOC", "fields": []}]}
    }])
}
