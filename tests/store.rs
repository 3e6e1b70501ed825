//! The SQLite cache on its own: commits, reconciliation, queries, search, facets, history.
//! Real SQLite files in temp dirs; no network.

use ashby_sync_core::ashby::{JobStatus, WorkplaceType};
use ashby_sync_core::error::ErrorCode;
use ashby_sync_core::store::*;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A cache file as schema version `n` left it: the first `n` migrations, applied by hand.
fn cache_at_version(path: &std::path::Path, n: usize) -> rusqlite::Connection {
    const MIGRATIONS: [&str; 3] = [
        include_str!("../src-tauri/core/src/store/migrations/0001_initial.sql"),
        include_str!("../src-tauri/core/src/store/migrations/0002_fts_meta.sql"),
        include_str!("../src-tauri/core/src/store/migrations/0003_search_names.sql"),
    ];
    let conn = rusqlite::Connection::open(path).unwrap();
    for sql in &MIGRATIONS[..n] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", n as i64).unwrap();
    conn
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let out = Store::open(&dir.path().join("cache.sqlite3")).unwrap();
    assert!(out.recovered_from.is_none());
    (dir, out.store)
}

fn dept(id: &str, name: &str, parent: Option<&str>) -> DepartmentRecord {
    DepartmentRecord {
        id: id.into(),
        name: name.into(),
        parent_id: parent.map(Into::into),
        created_at: Some("2024-01-01T00:00:00.000Z".into()),
        updated_at: Some("2024-01-01T00:00:00.000Z".into()),
        ..Default::default()
    }
}

fn loc(id: &str, name: &str, parent: Option<&str>, wt: Option<&str>) -> LocationRecord {
    LocationRecord {
        id: id.into(),
        name: name.into(),
        parent_location_id: parent.map(Into::into),
        workplace_type: wt.map(Into::into),
        location_type: Some(
            if parent.is_some() {
                "Location"
            } else {
                "LocationHierarchy"
            }
            .into(),
        ),
        ..Default::default()
    }
}

fn job(id: &str, title: &str, status: &str, dept: &str, loc: &str, updated: &str) -> JobRecord {
    JobRecord {
        id: id.into(),
        title: title.into(),
        status: status.into(),
        employment_type: Some("FullTime".into()),
        department_id: Some(dept.into()),
        location_id: Some(loc.into()),
        created_at: Some("2024-01-01T00:00:00.000Z".into()),
        updated_at: updated.into(),
        opened_at: Some(updated.into()),
        hiring_team: vec![
            HiringTeamRecord {
                user_id: "u1".into(),
                first_name: "Ada".into(),
                last_name: "Lovelace".into(),
                email: Some("ada@example.com".into()),
                role: "Hiring Manager".into(),
            },
            HiringTeamRecord {
                user_id: "u2".into(),
                first_name: "Grace".into(),
                last_name: "Hopper".into(),
                email: None,
                role: "Recruiter".into(),
            },
        ],
        ..Default::default()
    }
}

fn posting(
    id: &str,
    job: &str,
    title: &str,
    listed: bool,
    wt: Option<&str>,
    updated: &str,
) -> PostingRecord {
    PostingRecord {
        id: id.into(),
        job_id: job.into(),
        title: title.into(),
        is_listed: listed,
        workplace_type: wt.map(Into::into),
        employment_type: Some("FullTime".into()),
        published_date: Some("2024-02-01".into()),
        apply_link: Some(format!("https://jobs.example.com/{id}/apply")),
        compensation_tier_summary: Some("$100K – $150K".into()),
        updated_at: updated.into(),
        ..Default::default()
    }
}

fn desc(html: &str, plain: &str, updated: &str) -> PostingDescription {
    PostingDescription {
        description_html: html.into(),
        description_plain: plain.into(),
        updated_at: updated.into(),
    }
}

const NOW: &str = "2026-03-01T12:00:00.000Z";

/// Engineering (Platform team, Data team), Sales (archived, empty); Europe (Berlin, Lisbon), Remote.
fn seed(store: &Store) {
    let now = t(NOW);
    store
        .commit_list(
            &[
                dept("d-eng", "Engineering", None),
                dept("d-plat", "Platform", Some("d-eng")),
                dept("d-data", "Data", Some("d-eng")),
                DepartmentRecord {
                    is_archived: true,
                    ..dept("d-sales", "Sales", None)
                },
            ],
            PassKind::Full,
            Some("dtok1"),
            now,
        )
        .unwrap();
    store
        .commit_list(
            &[
                loc("l-eu", "Europe", None, None),
                loc("l-ber", "Berlin", Some("l-eu"), Some("OnSite")),
                loc("l-lis", "Lisbon", Some("l-eu"), Some("Hybrid")),
                loc("l-rem", "Remote", None, Some("Remote")),
            ],
            PassKind::Full,
            Some("ltok1"),
            now,
        )
        .unwrap();
    let counts = store
        .commit_list(
            &[
                job(
                    "j1",
                    "Senior Rust Engineer",
                    "Open",
                    "d-plat",
                    "l-ber",
                    "2026-02-10T00:00:00.000Z",
                ),
                job(
                    "j2",
                    "Data Analyst",
                    "Open",
                    "d-data",
                    "l-lis",
                    "2026-02-12T00:00:00.000Z",
                ),
                job(
                    "j3",
                    "Engineering Manager",
                    "Open",
                    "d-eng",
                    "l-rem",
                    "2026-02-11T00:00:00.000Z",
                ),
                job(
                    "j4",
                    "Café Barista",
                    "Closed",
                    "d-eng",
                    "l-ber",
                    "2026-01-01T00:00:00.000Z",
                ),
                job(
                    "j5",
                    "Draft Role",
                    "Draft",
                    "d-data",
                    "l-lis",
                    "2026-01-02T00:00:00.000Z",
                ),
            ],
            PassKind::Full,
            Some("jtok1"),
            now,
        )
        .unwrap();
    assert_eq!(
        counts,
        StreamCounts {
            inserted: 5,
            updated: 0,
            removed: 0
        }
    );
    let descs: HashMap<String, PostingDescription> = [
        (
            "p1".to_string(),
            desc(
                r#"<p>Build <b>Kubernetes</b> things.</p><script>alert(1)</script><img src="https://t.example/p.gif"><a href="javascript:x()">x</a>"#,
                "Build Kubernetes things. You will love it.",
                "2026-02-10T00:00:00.000Z",
            ),
        ),
        (
            "p2".to_string(),
            desc("<p>SQL and dashboards</p>", "SQL and dashboards", "2026-02-12T00:00:00.000Z"),
        ),
    ]
    .into();
    let counts = store
        .commit_postings(
            &[
                posting(
                    "p1",
                    "j1",
                    "Senior Rust Engineer (Berlin)",
                    true,
                    Some("OnSite"),
                    "2026-02-10T00:00:00.000Z",
                ),
                posting(
                    "p2",
                    "j2",
                    "Data Analyst",
                    false,
                    Some("Hybrid"),
                    "2026-02-12T00:00:00.000Z",
                ),
            ],
            &descs,
            now,
        )
        .unwrap();
    assert_eq!(
        counts,
        StreamCounts {
            inserted: 2,
            updated: 0,
            removed: 0
        }
    );
}

fn ids(page: &JobPage) -> Vec<&str> {
    page.rows.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn list_filters_sort_and_page() {
    let (_d, store) = open();
    seed(&store);

    // Default: Open only, most recently updated first.
    let page = store.list_jobs(&JobQuery::default()).unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(ids(&page), ["j2", "j3", "j1"]);
    let j1 = page.rows.iter().find(|r| r.id == "j1").unwrap();
    assert_eq!(j1.department_name.as_deref(), Some("Platform"));
    assert_eq!(j1.location_name.as_deref(), Some("Berlin"));
    assert_eq!(j1.workplace_type, Some(WorkplaceType::OnSite));
    assert!(j1.is_listed);
    assert_eq!(j1.posting_count, 1);
    assert!(j1.title_highlight.is_none());

    let q = |f: fn(&mut JobQuery)| {
        let mut q = JobQuery::default();
        f(&mut q);
        store.list_jobs(&q).unwrap()
    };
    // Department includes its teams.
    assert_eq!(
        ids(&q(|q| q.department_id = Some("d-eng".into()))),
        ["j2", "j3", "j1"]
    );
    assert_eq!(ids(&q(|q| q.department_id = Some("d-plat".into()))), ["j1"]);
    // Region includes its offices.
    assert_eq!(
        ids(&q(|q| q.location_id = Some("l-eu".into()))),
        ["j2", "j1"]
    );
    // Workplace type: from the posting, else the location.
    assert_eq!(
        ids(&q(|q| q.workplace_type = Some("Remote".into()))),
        ["j3"]
    );
    assert_eq!(
        ids(&q(|q| q.workplace_type = Some("Hybrid".into()))),
        ["j2"]
    );
    assert_eq!(ids(&q(|q| q.listed = Some(true))), ["j1"]);
    assert_eq!(ids(&q(|q| q.listed = Some(false))), ["j2", "j3"]);
    assert_eq!(
        ids(&q(|q| q.employment_type = Some("PartTime".into()))),
        Vec::<&str>::new()
    );
    // Statuses (case-insensitive) and sort by title.
    let page = q(|q| {
        q.statuses = vec!["open".into(), "Closed".into(), "Draft".into()];
        q.sort = Some(JobSort::Title);
    });
    assert_eq!(ids(&page), ["j4", "j2", "j5", "j3", "j1"]);
    // Paging.
    let page = q(|q| {
        q.statuses = vec!["Open".into(), "Closed".into(), "Draft".into()];
        q.sort = Some(JobSort::Title);
        q.offset = 2;
        q.limit = Some(2);
    });
    assert_eq!(page.total, 5);
    assert_eq!(ids(&page), ["j5", "j3"]);
    // Opened, ascending.
    let page = q(|q| {
        q.sort = Some(JobSort::Opened);
        q.descending = Some(false);
    });
    assert_eq!(ids(&page), ["j1", "j3", "j2"]);
}

/// The detail reads the job's declared columns back: every field a pass writes (all of them set
/// here) comes back as written; the team is carried as members.
#[test]
fn detail_carries_every_synced_job_field() {
    let (_d, store) = open();
    let job = JobRecord {
        id: "jx".into(),
        title: "Staff Engineer".into(),
        status: "Open".into(),
        employment_type: Some("FullTime".into()),
        confidential: true,
        department_id: Some("d-none".into()),
        location_id: Some("l-none".into()),
        custom_requisition_id: Some("REQ-7".into()),
        created_at: Some("2024-01-01T00:00:00.000Z".into()),
        updated_at: "2024-02-01T00:00:00.000Z".into(),
        opened_at: Some("2024-01-02T00:00:00.000Z".into()),
        closed_at: Some("2024-03-01T00:00:00.000Z".into()),
        job_posting_ids: vec!["p1".into(), "p2".into()],
        hiring_team: vec![HiringTeamRecord {
            user_id: "u1".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: None,
            role: "Recruiter".into(),
        }],
        openings: vec![
            OpeningRecord {
                id: "o1".into(),
                identifier: Some("REQ-7-1".into()),
                state: Some("Open".into()),
                is_archived: false,
                target_hire_date: Some("2026-09-01".into()),
                opened_at: Some("2024-01-02T00:00:00.000Z".into()),
                closed_at: None,
            },
            OpeningRecord {
                id: "o2".into(),
                identifier: None,
                state: Some("Filled".into()),
                is_archived: false,
                target_hire_date: None,
                opened_at: None,
                closed_at: Some("2024-03-01T00:00:00.000Z".into()),
            },
        ],
    };
    store
        .commit_list(std::slice::from_ref(&job), PassKind::Full, None, t(NOW))
        .unwrap();
    let d = store.job_detail("jx").unwrap().unwrap();
    assert_eq!(
        d.job,
        JobRecord {
            hiring_team: Vec::new(),
            ..job
        }
    );
    assert_eq!(d.hiring_team.len(), 1);
    assert_eq!(d.hiring_team[0].name, "Ada Lovelace");
    // One of the two openings is open: the list counts it.
    let row = store
        .list_jobs(&JobQuery::default())
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.id == "jx")
        .unwrap();
    assert_eq!(row.open_openings, 1);
}

/// The detail reads each posting's declared columns back (the JSON list included): every field
/// the posting pass writes (all of them set here) comes back as written, with its description.
#[test]
fn detail_carries_every_synced_posting_field() {
    let (_d, store) = open();
    let job = job("jx", "Staff Engineer", "Open", "d-none", "l-none", NOW);
    store
        .commit_list(&[job], PassKind::Full, None, t(NOW))
        .unwrap();
    let posting = PostingRecord {
        id: "px".into(),
        job_id: "jx".into(),
        title: "Staff Engineer (Remote)".into(),
        department_name: Some("Engineering".into()),
        team_name: Some("Platform".into()),
        location_name: Some("Berlin".into()),
        primary_location_id: Some("l-ber".into()),
        secondary_location_ids: vec!["l-muc".into(), "l-ham".into()],
        workplace_type: Some("Remote".into()),
        employment_type: Some("FullTime".into()),
        is_listed: true,
        published_date: Some("2024-02-01".into()),
        application_deadline: Some("2024-04-01".into()),
        external_link: Some("https://jobs.example.com/px".into()),
        apply_link: Some("https://jobs.example.com/px/apply".into()),
        compensation_tier_summary: Some("$100K – $150K".into()),
        should_display_compensation: true,
        updated_at: "2024-02-01T00:00:00.000Z".into(),
    };
    let descs: HashMap<String, PostingDescription> = [(
        "px".to_string(),
        desc("<p>Rust</p>", "Rust", "2024-02-01T00:00:00.000Z"),
    )]
    .into();
    store
        .commit_postings(std::slice::from_ref(&posting), &descs, t(NOW))
        .unwrap();
    let d = store.job_detail("jx").unwrap().unwrap();
    assert_eq!(d.postings.len(), 1);
    assert_eq!(d.postings[0].posting, posting);
    assert_eq!(d.postings[0].description_plain.as_deref(), Some("Rust"));
    assert_eq!(
        d.postings[0].description_html.as_deref(),
        Some("<p>Rust</p>")
    );
}

#[test]
fn detail_has_team_postings_and_sanitized_html() {
    let (_d, store) = open();
    seed(&store);
    let d = store.job_detail("j1").unwrap().unwrap();
    assert_eq!(d.job.title, "Senior Rust Engineer");
    assert_eq!(
        d.department_path
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>(),
        ["Engineering", "Platform"]
    );
    let team: Vec<(&str, &str)> = d
        .hiring_team
        .iter()
        .map(|m| (m.name.as_str(), m.role.as_str()))
        .collect();
    assert_eq!(
        team,
        [
            ("Ada Lovelace", "Hiring Manager"),
            ("Grace Hopper", "Recruiter")
        ]
    );
    assert_eq!(d.postings.len(), 1);
    let html = d.postings[0].description_html.as_deref().unwrap();
    assert_eq!(
        html,
        sanitize_description_html(
            r#"<p>Build <b>Kubernetes</b> things.</p><script>alert(1)</script><img src="https://t.example/p.gif"><a href="javascript:x()">x</a>"#
        )
    );
    for bad in ["script", "alert", "img", "t.example", "javascript"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("<b>Kubernetes</b>"));
    assert_eq!(
        d.postings[0].posting.compensation_tier_summary.as_deref(),
        Some("$100K – $150K")
    );
    assert!(store.job_detail("nope").unwrap().is_none());
}

#[test]
fn search_ranks_highlights_and_follows_changes() {
    let (_d, store) = open();
    seed(&store);
    let search = |text: &str| {
        store
            .list_jobs(&JobQuery {
                search: Some(text.into()),
                statuses: vec!["Open".into(), "Closed".into(), "Draft".into()],
                ..Default::default()
            })
            .unwrap()
    };
    // Title words, last word as prefix.
    let page = search("rust engi");
    assert_eq!(ids(&page), ["j1"]);
    let spans = page.rows[0].title_highlight.as_ref().unwrap();
    let marked: Vec<&str> = spans
        .iter()
        .filter(|s| s.mark)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(marked, ["Rust", "Engineer"]);
    let joined: String = spans.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(joined, "Senior Rust Engineer");
    // Title matches rank above department-name matches.
    let page = search("engineering");
    assert_eq!(ids(&page)[0], "j3");
    assert_eq!(
        page.total, 5,
        "department chain is indexed: every job is under Engineering"
    );
    // Team and location names.
    assert_eq!(ids(&search("platform")), ["j1"]);
    assert_eq!(ids(&search("lisbon")).len(), 2);
    assert_eq!(ids(&search("europe")).len(), 4);
    // Description text gives a snippet with the hit marked.
    let page = search("kubernetes");
    assert_eq!(ids(&page), ["j1"]);
    let snippet = page.rows[0].snippet.as_ref().unwrap();
    assert!(snippet.iter().any(|s| s.mark && s.text == "Kubernetes"));
    // Diacritics folded both ways.
    assert_eq!(ids(&search("cafe")), ["j4"]);
    assert_eq!(ids(&search("barista café")), ["j4"]);
    // FTS syntax in the input is just text.
    assert_eq!(search("\"rust\" OR NEAR(x) -data *").total, 0);
    let blank = search("  ");
    assert_eq!(blank.total, 5, "blank search = no search");
    assert!(blank.rows.iter().all(|r| r.title_highlight.is_none()));

    // A retitled job is found by its new title only.
    let mut j1 = job(
        "j1",
        "Staff Go Developer",
        "Open",
        "d-plat",
        "l-ber",
        "2026-02-20T00:00:00.000Z",
    );
    j1.hiring_team.pop();
    let c = store
        .commit_list(&[j1], PassKind::Incremental, Some("jtok2"), t(NOW))
        .unwrap();
    assert_eq!(
        c,
        StreamCounts {
            inserted: 0,
            updated: 1,
            removed: 0
        }
    );
    // Still found through its posting's title, but the new title has no hit to mark.
    let page = search("rust");
    assert_eq!(ids(&page), ["j1"]);
    assert!(page.rows[0]
        .title_highlight
        .as_ref()
        .unwrap()
        .iter()
        .all(|s| !s.mark));
    assert_eq!(ids(&search("gopher go")), Vec::<&str>::new());
    assert_eq!(ids(&search("go developer")), ["j1"]);
    assert_eq!(
        store.job_detail("j1").unwrap().unwrap().hiring_team.len(),
        1
    );
    // Renaming a department reindexes the jobs of its whole subtree.
    store
        .commit_list(
            &[dept("d-eng", "R&D", None)],
            PassKind::Incremental,
            Some("dtok2"),
            t(NOW),
        )
        .unwrap();
    assert_eq!(
        search("engineering").total,
        1,
        "only the title 'Engineering Manager' is left"
    );
    // "R&D" is indexed as the words "r" and "d"; one-letter words match whole.
    assert_eq!(search("r&d").total, 5);
    assert_eq!(ids(&search("platform r")), ["j1"]);
    // A posting's new description is searchable; the old one is gone.
    let descs: HashMap<String, PostingDescription> = [(
        "p2".to_string(),
        desc(
            "<p>Python</p>",
            "Python notebooks",
            "2026-02-25T00:00:00.000Z",
        ),
    )]
    .into();
    store
        .commit_postings(
            &[
                posting(
                    "p1",
                    "j1",
                    "Senior Rust Engineer (Berlin)",
                    true,
                    Some("OnSite"),
                    "2026-02-10T00:00:00.000Z",
                ),
                posting(
                    "p2",
                    "j2",
                    "Data Analyst",
                    false,
                    Some("Hybrid"),
                    "2026-02-25T00:00:00.000Z",
                ),
            ],
            &descs,
            t(NOW),
        )
        .unwrap();
    assert_eq!(search("dashboards").total, 0);
    assert_eq!(ids(&search("notebooks")), ["j2"]);
    // A job removed by a full pass disappears from search.
    let remaining: Vec<JobRecord> = ["j1", "j2", "j4", "j5"]
        .iter()
        .map(|id| {
            let d = store.job_detail(id).unwrap().unwrap().job;
            JobRecord {
                id: d.id,
                title: d.title,
                status: d.status,
                employment_type: d.employment_type,
                department_id: d.department_id,
                location_id: d.location_id,
                created_at: d.created_at,
                updated_at: d.updated_at,
                opened_at: d.opened_at,
                ..Default::default()
            }
        })
        .collect();
    let c = store
        .commit_list(&remaining, PassKind::Full, Some("jtok3"), t(NOW))
        .unwrap();
    assert_eq!(c.removed, 1);
    assert_eq!(search("manager").total, 0);
    assert!(store.job_detail("j3").unwrap().is_none());
    assert!(store.integrity_ok().unwrap());
}

#[test]
fn reconcile_counts_and_tokens() {
    let (_d, store) = open();
    seed(&store);
    assert_eq!(
        store
            .stream_state(Stream::Jobs)
            .unwrap()
            .sync_token
            .as_deref(),
        Some("jtok1")
    );
    // Same data again: nothing changes.
    let again = store
        .commit_list(
            &[
                dept("d-eng", "Engineering", None),
                dept("d-plat", "Platform", Some("d-eng")),
                dept("d-data", "Data", Some("d-eng")),
                DepartmentRecord {
                    is_archived: true,
                    ..dept("d-sales", "Sales", None)
                },
            ],
            PassKind::Full,
            Some("dtok2"),
            t(NOW),
        )
        .unwrap();
    assert_eq!(again, StreamCounts::default());
    // Incremental never removes; full does.
    let c = store
        .commit_list(
            &[dept("d-new", "Legal", None)],
            PassKind::Incremental,
            Some("dtok3"),
            t(NOW),
        )
        .unwrap();
    assert_eq!(
        c,
        StreamCounts {
            inserted: 1,
            updated: 0,
            removed: 0
        }
    );
    let c = store
        .commit_list(
            &[dept("d-eng", "Engineering", None)],
            PassKind::Full,
            Some("dtok4"),
            t(NOW),
        )
        .unwrap();
    assert_eq!(
        c,
        StreamCounts {
            inserted: 0,
            updated: 0,
            removed: 4
        }
    );
    // Postings: the list is always complete.
    let c = store
        .commit_postings(
            &[posting(
                "p1",
                "j1",
                "Senior Rust Engineer (Berlin)",
                true,
                Some("OnSite"),
                "2026-02-10T00:00:00.000Z",
            )],
            &HashMap::new(),
            t(NOW),
        )
        .unwrap();
    assert_eq!(
        c,
        StreamCounts {
            inserted: 0,
            updated: 0,
            removed: 1
        }
    );
    let page = store
        .list_jobs(&JobQuery {
            listed: Some(false),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ids(&page), ["j2", "j3"]);
    assert_eq!(page.rows[0].posting_count, 0);
    assert_eq!(
        page.rows[0].workplace_type,
        Some(WorkplaceType::Hybrid),
        "falls back to the location"
    );
    // Descriptions are kept when not re-fetched, keyed by the updatedAt they belong to.
    let state = store.posting_description_state().unwrap();
    assert_eq!(
        state.get("p1"),
        Some(&Some("2026-02-10T00:00:00.000Z".to_string()))
    );
    assert!(store.job_detail("j1").unwrap().unwrap().postings[0]
        .description_html
        .is_some());
    let st = store.stream_state(Stream::Postings).unwrap();
    assert_eq!(st.sync_token, None);
    assert_eq!(st.last_full_sync_at, Some(t(NOW)));
    // An incremental pass keeps the last full-sync time.
    store
        .commit_list::<JobRecord>(
            &[],
            PassKind::Incremental,
            Some("jtok9"),
            t("2026-03-02T00:00:00.000Z"),
        )
        .unwrap();
    let st = store.stream_state(Stream::Jobs).unwrap();
    assert_eq!(st.sync_token.as_deref(), Some("jtok9"));
    assert_eq!(st.last_full_sync_at, Some(t(NOW)));
    assert_eq!(st.last_success_at, Some(t("2026-03-02T00:00:00.000Z")));
    store
        .record_stream_error(
            Stream::Jobs,
            ErrorCode::RateLimited,
            t("2026-03-03T00:00:00.000Z"),
        )
        .unwrap();
    let st = store.stream_state(Stream::Jobs).unwrap();
    assert_eq!(
        st.sync_token.as_deref(),
        Some("jtok9"),
        "an error never touches the token"
    );
    assert_eq!(st.last_error_code, Some(ErrorCode::RateLimited));
    store.clear_sync_tokens().unwrap();
    assert!(store
        .stream_states()
        .unwrap()
        .values()
        .all(|s| s.sync_token.is_none()));
    store.clear_cache().unwrap();
    assert_eq!(store.status().unwrap().counts, CacheCounts::default());
    assert_eq!(
        store
            .list_jobs(&JobQuery {
                search: Some("rust".into()),
                ..Default::default()
            })
            .unwrap()
            .total,
        0
    );
}

#[test]
fn facets_count_subtrees() {
    let (_d, store) = open();
    seed(&store);
    let f = store.facets(&[]).unwrap();
    let dep: HashMap<&str, (u32, u32)> = f
        .departments
        .iter()
        .map(|d| (d.id.as_str(), (d.count, d.total_count)))
        .collect();
    assert_eq!(dep["d-eng"], (1, 3));
    assert_eq!(dep["d-plat"], (1, 1));
    assert!(!dep.contains_key("d-sales"), "archived and empty → hidden");
    let locs: HashMap<&str, (u32, u32)> = f
        .locations
        .iter()
        .map(|d| (d.id.as_str(), (d.count, d.total_count)))
        .collect();
    assert_eq!(locs["l-eu"], (0, 2));
    assert_eq!(locs["l-rem"], (1, 1));
    let wt: Vec<(&str, u32)> = f
        .workplace_types
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(wt, [("Hybrid", 1), ("OnSite", 1), ("Remote", 1)]);
    let st: Vec<(&str, u32)> = f
        .statuses
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(st, [("Closed", 1), ("Draft", 1), ("Open", 3)]);
    let closed = store.facets(&[JobStatus::Closed]).unwrap();
    assert_eq!(closed.employment_types[0].count, 1);
}

/// Each filter's counts reflect the search and the *other* filters (faceted), not only the
/// chosen statuses.
#[test]
fn facet_counts_follow_the_search_and_the_other_filters() {
    let (_d, store) = open();
    seed(&store);
    let values = |v: &[ValueCount]| -> Vec<(String, u32)> {
        v.iter().map(|c| (c.value.clone(), c.count)).collect()
    };
    let pairs = |v: &[(&str, u32)]| -> Vec<(String, u32)> {
        v.iter().map(|(s, n)| (s.to_string(), *n)).collect()
    };
    let totals = |f: &Facets| -> HashMap<String, u32> {
        f.departments
            .iter()
            .map(|d| (d.id.clone(), d.total_count))
            .collect()
    };

    // No search, no filter but Open: statuses over every job, the rest over open jobs.
    let f = store.job_facets(&JobQuery::default()).unwrap();
    assert_eq!(
        values(&f.statuses),
        pairs(&[("Closed", 1), ("Draft", 1), ("Open", 3)])
    );
    assert_eq!((f.listed, f.unlisted), (1, 2));
    assert!(!f.truncated);

    // A search: "data" matches the Data Analyst (Open) and the Draft role in Data.
    let f = store
        .job_facets(&JobQuery {
            search: Some("data".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(values(&f.statuses), pairs(&[("Draft", 1), ("Open", 1)]));
    assert_eq!((f.listed, f.unlisted), (0, 1));
    assert_eq!(totals(&f)["d-data"], 1);
    assert_eq!(totals(&f).get("d-plat").copied().unwrap_or(0), 0);
    // The counts agree with the list for the same query.
    let listed = store
        .list_jobs(&JobQuery {
            search: Some("data".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.total, 1);

    // Listed only: the status and department counts count listed jobs; the Listed/Unlisted
    // counts themselves ignore that filter.
    let f = store
        .job_facets(&JobQuery {
            listed: Some(true),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(values(&f.statuses), pairs(&[("Open", 1)]));
    assert_eq!(totals(&f)["d-eng"], 1);
    assert_eq!(totals(&f)["d-plat"], 1);
    assert_eq!((f.listed, f.unlisted), (1, 2));

    // A department (with its teams): the department counts ignore it, the others follow it.
    let f = store
        .job_facets(&JobQuery {
            statuses: vec![JobStatus::Open, JobStatus::Draft],
            department_id: Some("d-data".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(values(&f.statuses), pairs(&[("Draft", 1), ("Open", 1)]));
    assert_eq!(totals(&f)["d-eng"], 4);
    assert_eq!(totals(&f)["d-data"], 2);
    assert_eq!(values(&f.workplace_types), pairs(&[("Hybrid", 2)]));
    let locs: HashMap<String, u32> = f
        .locations
        .iter()
        .map(|l| (l.id.clone(), l.total_count))
        .collect();
    assert_eq!(locs["l-lis"], 2);
    assert_eq!(locs.get("l-ber").copied().unwrap_or(0), 0);

    // A workplace type: its own counts stay over all open jobs.
    let f = store
        .job_facets(&JobQuery {
            workplace_type: Some(WorkplaceType::Remote),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        values(&f.workplace_types),
        pairs(&[("Hybrid", 1), ("OnSite", 1), ("Remote", 1)])
    );
    assert_eq!(values(&f.statuses), pairs(&[("Open", 1)]));
}

#[test]
fn a_job_is_in_the_results_of_a_query_or_not() {
    let (_d, store) = open();
    seed(&store);
    let q = |search: Option<&str>, statuses: Vec<JobStatus>| JobQuery {
        search: search.map(Into::into),
        statuses,
        ..Default::default()
    };
    assert!(store.job_in_results(&q(None, vec![]), "j1").unwrap());
    assert!(
        !store.job_in_results(&q(None, vec![]), "j4").unwrap(),
        "j4 is closed"
    );
    assert!(store
        .job_in_results(&q(None, vec![JobStatus::Closed]), "j4")
        .unwrap());
    assert!(store
        .job_in_results(&q(Some("rust"), vec![]), "j1")
        .unwrap());
    assert!(!store
        .job_in_results(&q(Some("analyst"), vec![]), "j1")
        .unwrap());
    assert!(
        !store
            .job_in_results(&q(Some("barista"), vec![]), "j4")
            .unwrap(),
        "closed"
    );
    assert!(!store.job_in_results(&q(None, vec![]), "nope").unwrap());
}

#[test]
fn facets_name_the_public_board_the_listed_postings_link_to() {
    let (_d, store) = open();
    seed(&store);
    assert_eq!(store.job_facets(&JobQuery::default()).unwrap().board, None);
    let p = PostingRecord {
        apply_link: Some("https://jobs.ashbyhq.com/northwind/p1/application".into()),
        ..posting(
            "p1",
            "j1",
            "Senior Rust Engineer (Berlin)",
            true,
            Some("OnSite"),
            "2026-02-10T00:00:00.000Z",
        )
    };
    store
        .commit_posting_list(&[p], &Default::default())
        .unwrap();
    assert_eq!(
        store
            .job_facets(&JobQuery::default())
            .unwrap()
            .board
            .as_deref(),
        Some("northwind")
    );
}

#[test]
fn the_view_state_round_trips_and_survives_a_bad_value() {
    let (_d, store) = open();
    assert_eq!(store.view_state().unwrap(), ViewState::default());
    let v = ViewState {
        view: JobsView::History,
        search: "rust eng".into(),
        query: JobQuery {
            statuses: vec![JobStatus::Closed],
            department_id: Some("d-eng".into()),
            listed: Some(false),
            sort: Some(JobSort::Title),
            ..Default::default()
        },
        open_job_id: Some("j4".into()),
        list_width: Some(520),
    };
    store.set_view_state(&v).unwrap();
    assert_eq!(store.view_state().unwrap(), v);
    store.set_setting("ui.jobs_view", "{not json").unwrap();
    assert_eq!(store.view_state().unwrap(), ViewState::default());
    let g = WindowGeometry {
        x: 10,
        y: 20,
        width: 1500,
        height: 900,
        maximized: false,
    };
    store.set_window_geometry(&g).unwrap();
    assert_eq!(store.window_geometry().unwrap(), Some(g));
}

#[test]
fn runs_history_and_schedule_facts() {
    let (_d, store) = open();
    assert_eq!(store.schedule_facts().unwrap(), ScheduleFacts::default());
    let finish = |id, at: &str, result| {
        store
            .finish_run(
                id,
                &RunFinish {
                    finished_at: t(at),
                    result,
                    streams: vec![StreamRunSummary {
                        stream: Stream::Jobs,
                        full: true,
                        counts: StreamCounts {
                            inserted: 3,
                            updated: 0,
                            removed: 0,
                        },
                        outcome: StreamOutcome::Ok,
                        error_code: None,
                        missing_module: None,
                        problems: Vec::new(),
                        more_problems: 0,
                    }],
                    requests: 7,
                    error_code: (result == RunResult::Failed).then_some(ErrorCode::ServerError),
                    error_message: None,
                },
            )
            .unwrap()
    };
    let r1 = store
        .begin_run(Trigger::Startup, false, t("2026-03-01T10:00:00.000Z"))
        .unwrap();
    finish(r1, "2026-03-01T10:01:00.000Z", RunResult::Ok);
    let r2 = store
        .begin_run(Trigger::Schedule, false, t("2026-03-01T11:00:00.000Z"))
        .unwrap();
    finish(r2, "2026-03-01T11:01:00.000Z", RunResult::Failed);
    let r3 = store
        .begin_run(Trigger::Schedule, false, t("2026-03-01T11:06:00.000Z"))
        .unwrap();
    finish(r3, "2026-03-01T11:07:00.000Z", RunResult::Failed);
    // A run the app never finished (killed): closed as interrupted when the next one starts,
    // and not counted as a failure.
    let _r4 = store
        .begin_run(Trigger::Manual, true, t("2026-03-01T11:10:00.000Z"))
        .unwrap();
    let r5 = store
        .begin_run(Trigger::Cli, false, t("2026-03-01T11:20:00.000Z"))
        .unwrap();
    let hist = store.sync_history(10).unwrap();
    assert_eq!(hist.len(), 5);
    assert_eq!(hist[0].id, r5);
    assert_eq!(hist[0].result, None);
    assert_eq!(hist[1].result, Some(RunResult::Failed));
    assert_eq!(hist[1].error_code, Some(ErrorCode::Interrupted));
    assert_eq!(hist[4].streams[0].counts.inserted, 3);
    assert_eq!(hist[4].requests, 7);
    assert_eq!(hist[4].trigger, Trigger::Startup);
    let f = store.schedule_facts().unwrap();
    assert_eq!(f.last_success_at, Some(t("2026-03-01T10:01:00.000Z")));
    assert_eq!(f.consecutive_failures, 2);
    assert_eq!(f.last_finished_at, Some(t("2026-03-01T11:07:00.000Z")));
    assert!(!f.key_invalid);
    store
        .mark_run_interrupted(r5, t("2026-03-01T11:21:00.000Z"))
        .unwrap();
    let status = store.status().unwrap();
    assert_eq!(
        status.last_run.unwrap().error_code,
        Some(ErrorCode::Interrupted)
    );
    assert_eq!(status.consecutive_failures, 2);
    store
        .mark_key_invalid(ErrorCode::InvalidKey, t(NOW))
        .unwrap();
    assert!(store.schedule_facts().unwrap().key_invalid);
    assert_eq!(
        store.status().unwrap().key_invalid.unwrap().code,
        ErrorCode::InvalidKey
    );
}

#[test]
fn reopen_keeps_data_and_recovers_from_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/dir/cache.sqlite3");
    {
        let store = Store::open(&path).unwrap().store;
        seed(&store);
    }
    let store = Store::open(&path).unwrap().store;
    assert_eq!(store.status().unwrap().counts.jobs, 5);
    assert!(store.integrity_ok().unwrap());
    drop(store);
    // Overwrite the middle of the file (schema and data pages) with garbage.
    let mut bytes = std::fs::read(&path).unwrap();
    for b in bytes.iter_mut().skip(100).take(20_000) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let _ = std::fs::remove_file(path.with_extension("sqlite3-wal"));
    let out = Store::open(&path).unwrap();
    let aside = out.recovered_from.expect("moved aside");
    assert!(aside.exists(), "kept, never deleted");
    assert_eq!(out.store.status().unwrap().counts.jobs, 0);
    assert!(out.store.integrity_ok().unwrap());
}

#[test]
fn migrates_a_version_1_cache_and_rebuilds_the_search_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    {
        // A cache written by the first schema version, with one job already in it.
        let conn = cache_at_version(&path, 1);
        conn.execute_batch(
            "INSERT INTO departments (id, name, parent_id) VALUES ('d-top', 'Operations', NULL), ('d-sea', 'Coast', 'd-top');
             INSERT INTO jobs (id, title, status, department_id, updated_at) VALUES ('old', 'Lighthouse Keeper', 'Open', 'd-sea', '2025-01-01T00:00:00Z');
             INSERT INTO settings (key, value) VALUES ('wizard', '3');",
        )
        .unwrap();
    }
    let out = Store::open(&path).unwrap();
    assert!(
        out.recovered_from.is_none(),
        "migrated in place, not rebuilt"
    );
    let store = out.store;
    assert_eq!(store.setting("wizard").unwrap().as_deref(), Some("3"));
    let page = store
        .list_jobs(&JobQuery {
            search: Some("lighthouse".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ids(&page), ["old"]);
    // The rebuilt index has the department tokens (0003): a filtered search finds it by its
    // parent department.
    let page = store
        .list_jobs(&JobQuery {
            search: Some("lighthouse".into()),
            department_id: Some("d-top".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ids(&page), ["old"]);
    drop(store);
    // The one-off rebuild ran once.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let pending: i64 = conn
        .query_row("SELECT count(*) FROM maintenance", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pending, 0);
}

/// The search path answers every filter from the index (`meta` tokens); the browse path from
/// SQL. Both must give the same jobs, including after a department moves to another parent.
#[test]
fn search_filters_agree_with_browsing_and_follow_moves() {
    let (_d, store) = open();
    seed(&store);
    let all_statuses: Vec<JobStatus> = vec![
        JobStatus::Open,
        JobStatus::Closed,
        JobStatus::Draft,
        JobStatus::Archived,
    ];
    let set = |page: JobPage| -> Vec<String> {
        let mut v: Vec<String> = page.rows.into_iter().map(|r| r.id).collect();
        v.sort();
        v
    };
    let check = |label: &str| {
        let mut filters: Vec<JobQuery> = Vec::new();
        for statuses in [vec![], vec![JobStatus::Closed], all_statuses.clone()] {
            let base = JobQuery {
                statuses,
                ..Default::default()
            };
            filters.push(base.clone());
            for d in ["d-eng", "d-plat", "d-data", "d-sales", "d-unknown"] {
                filters.push(JobQuery {
                    department_id: Some(d.into()),
                    ..base.clone()
                });
            }
            for l in ["l-eu", "l-ber", "l-lis", "l-rem"] {
                filters.push(JobQuery {
                    location_id: Some(l.into()),
                    ..base.clone()
                });
            }
            for w in ["Remote", "Hybrid", "OnSite"] {
                filters.push(JobQuery {
                    workplace_type: Some(w.into()),
                    department_id: Some("d-eng".into()),
                    ..base.clone()
                });
            }
            for listed in [true, false] {
                filters.push(JobQuery {
                    listed: Some(listed),
                    location_id: Some("l-eu".into()),
                    employment_type: Some("FullTime".into()),
                    ..base.clone()
                });
            }
        }
        let mut nonempty = 0;
        for word in [
            "engineering",
            "data",
            "europe",
            "berlin",
            "sales",
            "remote",
            "e",
        ] {
            let matching = set(store
                .list_jobs(&JobQuery {
                    search: Some(word.into()),
                    statuses: all_statuses.clone(),
                    ..Default::default()
                })
                .unwrap());
            for f in &filters {
                let browsed = set(store.list_jobs(f).unwrap());
                let expected: Vec<String> = browsed
                    .into_iter()
                    .filter(|id| matching.contains(id))
                    .collect();
                let searched = store
                    .list_jobs(&JobQuery {
                        search: Some(word.into()),
                        ..f.clone()
                    })
                    .unwrap();
                assert_eq!(searched.total as usize, searched.rows.len());
                nonempty += usize::from(!expected.is_empty());
                assert_eq!(set(searched), expected, "{label}: {word:?} with {f:?}");
            }
        }
        assert!(nonempty > 20, "{label}: the comparison must not be vacuous");
    };
    check("seeded");

    // Data moves from Engineering to Sales: its jobs leave Engineering's filter, join Sales'.
    store
        .commit_list(
            &[dept("d-data", "Data", Some("d-sales"))],
            PassKind::Incremental,
            Some("dtok2"),
            t(NOW),
        )
        .unwrap();
    let in_sales = store
        .list_jobs(&JobQuery {
            search: Some("data".into()),
            department_id: Some("d-sales".into()),
            statuses: all_statuses.clone(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(set(in_sales), ["j2", "j5"]);
    check("after the move");
}

/// Relevance: every word in the title beats posting titles, which beat department/location
/// names, which beat descriptions; newest first within a tier; paging follows the ranking.
#[test]
fn relevance_ranks_by_where_the_words_are() {
    let (_d, store) = open();
    let now = t(NOW);
    store
        .commit_list(
            &[dept("d-light", "Lighthouse Operations", None)],
            PassKind::Full,
            Some("d1"),
            now,
        )
        .unwrap();
    store
        .commit_list(
            &[loc("l-x", "Harbour", None, None)],
            PassKind::Full,
            Some("l1"),
            now,
        )
        .unwrap();
    let u = "2026-02-01T00:00:00.000Z";
    // Committed oldest first; the description-only match is the newest job.
    let jobs = [
        job("title-old", "Lighthouse Keeper", "Open", "d-none", "l-x", u),
        job(
            "title-new",
            "Senior Lighthouse Keeper",
            "Open",
            "d-none",
            "l-x",
            u,
        ),
        job("posting", "Keeper", "Open", "d-none", "l-x", u),
        job("dept", "Coordinator", "Open", "d-light", "l-x", u),
        job("desc", "Engineer", "Open", "d-none", "l-x", u),
    ];
    for j in jobs {
        store
            .commit_list(&[j], PassKind::Incremental, Some("j1"), now)
            .unwrap();
    }
    let descs: HashMap<String, PostingDescription> = [(
        "p-desc".to_string(),
        desc("<p>Keep the lighthouse</p>", "Keep the lighthouse lit.", u),
    )]
    .into();
    store
        .commit_postings(
            &[
                posting(
                    "p-post",
                    "posting",
                    "Lighthouse Keeper (North)",
                    true,
                    None,
                    u,
                ),
                posting("p-desc", "desc", "Engineer", true, None, u),
            ],
            &descs,
            now,
        )
        .unwrap();
    let search = |offset: u32, limit: u32| {
        store
            .list_jobs(&JobQuery {
                search: Some("lighthouse".into()),
                offset,
                limit: Some(limit),
                ..Default::default()
            })
            .unwrap()
    };
    let page = search(0, 50);
    assert_eq!(page.total, 5);
    assert!(!page.truncated);
    assert_eq!(
        ids(&page),
        ["title-new", "title-old", "posting", "dept", "desc"]
    );
    let page = search(1, 2);
    assert_eq!(page.total, 5);
    assert_eq!(ids(&page), ["title-old", "posting"]);
    assert!(search(5, 10).rows.is_empty());
    // A chosen sort orders every match by the column; paging follows it.
    let sorted = |sort: JobSort, offset: u32| {
        store
            .list_jobs(&JobQuery {
                search: Some("lighthouse".into()),
                sort: Some(sort),
                offset,
                limit: Some(3),
                ..Default::default()
            })
            .unwrap()
    };
    assert_eq!(ids(&sorted(JobSort::Title, 0)), ["dept", "desc", "posting"]);
    let page = sorted(JobSort::Title, 3);
    assert_eq!(page.total, 5);
    assert_eq!(ids(&page), ["title-old", "title-new"]);
    // The description hit comes with an excerpt.
    let snippet = search(4, 1).rows[0].snippet.clone().unwrap();
    assert!(snippet.iter().any(|s| s.mark && s.text == "lighthouse"));
}

/// A last word longer than the indexed prefixes is expanded into the words it completes (from
/// the vocabulary); with very many completions the index's own prefix query answers. Both find
/// the same jobs, in titles, names and descriptions.
#[test]
fn long_prefixes_complete_from_the_vocabulary() {
    let (_d, store) = open();
    seed(&store);
    let all: Vec<JobStatus> = vec![JobStatus::Open, JobStatus::Closed, JobStatus::Draft];
    let search = |text: &str| {
        let mut v: Vec<String> = store
            .list_jobs(&JobQuery {
                search: Some(text.into()),
                statuses: all.clone(),
                limit: Some(500),
                ..Default::default()
            })
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.id)
            .collect();
        v.sort();
        v
    };
    assert_eq!(search("kube"), ["j1"], "description word");
    assert_eq!(search("Kubernet"), ["j1"]);
    assert_eq!(search("lisbo"), ["j2", "j5"], "location name");
    assert_eq!(search("engineeri"), ["j1", "j2", "j3", "j4", "j5"]);
    assert_eq!(search("sql dashb"), ["j2"]);
    assert_eq!(search("rust engin"), ["j1"]);
    assert!(search("kubez").is_empty());

    // 70 titles sharing a prefix: more completions than are expanded.
    let many: Vec<JobRecord> = (0..70)
        .map(|i| {
            job(
                &format!("m{i}"),
                &format!("Zephyr{i:03} Pilot"),
                "Open",
                "d-eng",
                "l-ber",
                "2026-02-15T00:00:00.000Z",
            )
        })
        .collect();
    store
        .commit_list(&many, PassKind::Incremental, Some("jtok9"), t(NOW))
        .unwrap();
    assert_eq!(search("zeph").len(), 70);
    assert_eq!(search("zephyr00").len(), 10);
    assert_eq!(search("zephyr069"), ["m69"]);
}

#[test]
fn migrates_a_version_2_cache_and_rebuilds_the_search_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    {
        // A cache as version 2 left it: its one-off rebuild done, the index without department
        // tokens, no names index, no vocabulary.
        let conn = cache_at_version(&path, 2);
        conn.execute_batch(
            "DELETE FROM maintenance;
             INSERT INTO departments (id, name, parent_id) VALUES ('d-top', 'Operations', NULL), ('d-sea', 'Coast', 'd-top');
             INSERT INTO jobs (seq, id, title, status, department_id, updated_at) VALUES (1, 'old', 'Lighthouse Keeper', 'Open', 'd-sea', '2025-01-01T00:00:00Z');
             INSERT INTO jobs_fts (rowid, title, department, location, postings, description, meta)
                 VALUES (1, 'Lighthouse Keeper', 'Coast Operations', '', '', '', 'zzstatusopen zzlisted0');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap().store;
    let search = |text: &str, dep: Option<&str>| {
        let page = store
            .list_jobs(&JobQuery {
                search: Some(text.into()),
                department_id: dep.map(Into::into),
                ..Default::default()
            })
            .unwrap();
        ids(&page).iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(
        search("lighthouse", Some("d-top")),
        ["old"],
        "department tokens"
    );
    assert_eq!(search("lighthouse", Some("d-none")), Vec::<String>::new());
    assert_eq!(search("lightho", None), ["old"], "vocabulary");
    assert_eq!(search("keeper coast", None), ["old"]);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    for (table, want) in [
        ("jobs_names_fts", 1),
        ("jobs_titles_fts", 1),
        ("maintenance", 0),
    ] {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, want, "{table}");
    }
}

/// The whole posting list comes on every sync. Unchanged postings are skipped by their list hash;
/// a changed field is still written (even with the same `updatedAt`); rows without a hash (from
/// before migration 0004) are compared in SQL, not reported as changed, and get their hash.
#[test]
fn unchanged_postings_are_skipped_and_changes_still_land() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let store = Store::open(&path).unwrap().store;
    seed(&store);
    let u = "2026-02-01T00:00:00.000Z";
    let mut rows = vec![
        posting(
            "p-a",
            "j1",
            "Rust Engineer (Berlin)",
            true,
            Some("Hybrid"),
            u,
        ),
        posting("p-b", "j2", "Data Engineer", true, None, u),
    ];
    let none = HashMap::new();
    let now = t(NOW);
    let first = store.commit_postings(&rows, &none, now).unwrap();
    assert!(first.total() > 0);
    let again = store.commit_postings(&rows, &none, now).unwrap();
    assert_eq!(again.total(), 0, "the same list again changes nothing");

    // Same updatedAt, other title: still written, and searchable.
    rows[1].title = "Analytics Engineer".into();
    let counts = store.commit_postings(&rows, &none, now).unwrap();
    assert_eq!((counts.inserted, counts.updated, counts.removed), (0, 1, 0));
    let hits = store
        .list_jobs(&JobQuery {
            search: Some("analytics".into()),
            statuses: vec!["Open".into(), "Closed".into(), "Draft".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ids(&hits), ["j2"]);

    // Rows as an older version left them (no hash): compared in SQL, hashes filled in.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE job_postings SET list_hash = NULL", [])
        .unwrap();
    let counts = store.commit_postings(&rows, &none, now).unwrap();
    assert_eq!(counts.total(), 0);
    let unhashed: i64 = conn
        .query_row(
            "SELECT count(*) FROM job_postings WHERE list_hash IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unhashed, 0);
    // And a change to such a row is still found.
    conn.execute("UPDATE job_postings SET list_hash = NULL", [])
        .unwrap();
    rows[0].is_listed = false;
    let counts = store.commit_postings(&rows, &none, now).unwrap();
    assert_eq!((counts.inserted, counts.updated, counts.removed), (0, 1, 0));
}

#[test]
fn migrates_a_version_3_cache_and_compares_its_postings_in_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let u = "2026-02-01T00:00:00.000Z";
    let row = posting("p-old", "j1", "Lighthouse Keeper", true, None, u);
    {
        // Version 3: postings without a list hash, no covering index. The row holds exactly
        // what `row` says, with a description.
        let conn = cache_at_version(&path, 3);
        conn.execute(
            "INSERT INTO job_postings (id, job_id, title, employment_type, is_listed,
                 published_date, apply_link, compensation_tier_summary, updated_at,
                 description_html, description_plain, description_updated_at)
             VALUES (?1, ?2, ?3, 'FullTime', 1, '2024-02-01', ?4, ?5, ?6, '<p>Keep</p>', 'Keep', ?6)",
            rusqlite::params![
                row.id,
                row.job_id,
                row.title,
                row.apply_link,
                row.compensation_tier_summary,
                u
            ],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap().store;
    // The description is known (no re-fetch), the unchanged row is no change, the hash is filled.
    let state = store.posting_description_state().unwrap();
    assert_eq!(state.get("p-old"), Some(&Some(u.to_string())));
    let counts = store
        .commit_postings(std::slice::from_ref(&row), &HashMap::new(), t(NOW))
        .unwrap();
    assert_eq!(counts.total(), 0);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (hash, version): (Option<i64>, i64) = conn
        .query_row(
            "SELECT list_hash, (SELECT user_version FROM pragma_user_version) FROM job_postings",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(hash.is_some());
    assert_eq!(
        version as usize,
        all_migrations().unwrap().len(),
        "migrated to the latest version"
    );
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id, job_id, list_hash FROM job_postings",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("COVERING INDEX"), "{plan}");
}

/// Codes are stored data: a cache written by a newer version (a code this one does not know)
/// must still read, or every run would fail on "cache unreadable" and never recover.
#[test]
fn codes_from_a_newer_version_still_read() {
    let (_d, store) = open();
    let run = store
        .begin_run(Trigger::Schedule, false, t("2026-03-01T10:00:00.000Z"))
        .unwrap();
    store
        .finish_run(
            run,
            &RunFinish {
                finished_at: t("2026-03-01T10:01:00.000Z"),
                result: RunResult::Failed,
                streams: vec![StreamRunSummary {
                    stream: Stream::Jobs,
                    full: false,
                    counts: StreamCounts::default(),
                    outcome: StreamOutcome::Failed,
                    error_code: Some(ErrorCode::ServerError),
                    missing_module: None,
                    problems: Vec::new(),
                    more_problems: 0,
                }],
                requests: 1,
                error_code: Some(ErrorCode::ServerError),
                error_message: Some("Ashby had a problem.".into()),
            },
        )
        .unwrap();
    store
        .record_stream_error(Stream::Jobs, ErrorCode::ServerError, t(NOW))
        .unwrap();
    store
        .mark_key_invalid(ErrorCode::InvalidKey, t(NOW))
        .unwrap();
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute_batch(
        "UPDATE sync_state SET last_error_code = 'code_from_the_future';
         UPDATE sync_runs SET error_code = 'code_from_the_future',
             streams_json = replace(streams_json, 'server_error', 'code_from_the_future');
         UPDATE key_verification SET invalid_code = 'key_from_the_future';",
    )
    .unwrap();
    drop(conn);

    let states = store.stream_states().unwrap();
    assert_eq!(
        states[&Stream::Jobs].last_error_code,
        Some(ErrorCode::Unrecognized)
    );
    let hist = store.sync_history(10).unwrap();
    assert_eq!(hist[0].error_code, Some(ErrorCode::Unrecognized));
    assert_eq!(hist[0].streams.len(), 1, "the row keeps its streams");
    assert_eq!(hist[0].streams[0].error_code, Some(ErrorCode::Unrecognized));
    let status = store.status().unwrap();
    assert_eq!(status.key_invalid.unwrap().code, ErrorCode::Unrecognized);
    assert!(store.schedule_facts().unwrap().key_invalid);
}

/// Another process (the CLI, a second window) writing the same cache: a commit waits for it
/// (the busy timeout) instead of failing with "database is locked". A deferred transaction that
/// read first could not wait: SQLite refuses the upgrade to a write at once.
#[test]
fn a_commit_waits_for_another_processs_write_instead_of_failing() {
    let (dir, store) = open();
    let path = dir.path().join("cache.sqlite3");
    store
        .commit_list(
            &[dept("d1", "Engineering", None)],
            PassKind::Full,
            Some("t1"),
            t("2026-01-01T00:00:00Z"),
        )
        .unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch(
            "BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('other', 'process');",
        )
        .unwrap();
    let (started_tx, started) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        started_tx.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(400));
        other.execute_batch("COMMIT").unwrap();
    });
    started.recv().unwrap();
    let t0 = std::time::Instant::now();
    let counts = store
        .commit_list(
            &[dept("d1", "Engineering", None), dept("d2", "Sales", None)],
            PassKind::Full,
            Some("t2"),
            t("2026-01-01T01:00:00Z"),
        )
        .expect("the commit waits for the other writer");
    holder.join().unwrap();
    assert_eq!(counts.inserted, 1);
    assert!(
        t0.elapsed() >= std::time::Duration::from_millis(300),
        "it waited for the other writer: {:?}",
        t0.elapsed()
    );
    assert_eq!(store.setting("other").unwrap().as_deref(), Some("process"));
    assert_eq!(
        store
            .stream_state(Stream::Departments)
            .unwrap()
            .sync_token
            .as_deref(),
        Some("t2")
    );
}

/// Remove key + delete cached jobs: no job text is left anywhere in the files, neither in free
/// pages of the database nor in its write-ahead log.
#[test]
fn clearing_the_cache_leaves_no_job_text_in_the_files() {
    let (dir, store) = open();
    const CANARY: &str = "Zanzibar Quokka Wrangler";
    store
        .commit_list(
            &[dept("d1", "Engineering", None)],
            PassKind::Full,
            Some("t"),
            t("2026-01-01T00:00:00Z"),
        )
        .unwrap();
    let jobs: Vec<JobRecord> = (0..200)
        .map(|i| {
            job(
                &format!("j{i}"),
                &format!("{CANARY} {i}"),
                "Open",
                "d1",
                "l1",
                "2026-01-01T00:00:00.000Z",
            )
        })
        .collect();
    store
        .commit_list(&jobs, PassKind::Full, Some("jt"), t("2026-01-01T00:00:00Z"))
        .unwrap();
    // A read keeps the reader connection's snapshot machinery in play, as the window does.
    assert_eq!(store.status().unwrap().counts.jobs, 200);
    let contains = |needle: &str| -> Vec<String> {
        let mut hits = Vec::new();
        for name in ["cache.sqlite3", "cache.sqlite3-wal"] {
            let p = dir.path().join(name);
            if let Ok(bytes) = std::fs::read(&p) {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    hits.push(name.to_string());
                }
            }
        }
        hits
    };
    assert!(!contains(CANARY).is_empty(), "the canary is written at all");
    assert!(!contains("quokka").is_empty(), "and indexed");
    store.clear_cache().unwrap();
    assert_eq!(store.status().unwrap().counts, CacheCounts::default());
    assert!(
        store.stream_states().unwrap().is_empty(),
        "no sync tokens left"
    );
    assert_eq!(
        contains(CANARY),
        Vec::<String>::new(),
        "job text left in the files"
    );
    // The search index and its vocabulary hold the words lower-cased.
    assert_eq!(
        contains("quokka"),
        Vec::<String>::new(),
        "indexed words left in the files"
    );
    // The cache still works afterwards.
    store
        .commit_list(
            &jobs[..1],
            PassKind::Full,
            Some("jt2"),
            t("2026-01-02T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(store.status().unwrap().counts.jobs, 1);
}

/// A run writes through a view bound to the generation it started with: once the key changes
/// (or the cache is cleared) its commits are refused inside their transaction, nothing written.
#[test]
fn a_run_bound_to_an_old_generation_cannot_commit() {
    let (_d, store) = open();
    let g0 = store.generation().unwrap();
    let run = store.bound_to(g0);
    run.commit_list(
        &[dept("d1", "Engineering", None)],
        PassKind::Full,
        Some("t1"),
        t("2026-01-01T00:00:00Z"),
    )
    .unwrap();
    // The key was replaced.
    let g1 = store.bump_generation().unwrap();
    assert_eq!(g1, g0 + 1);
    let err = run
        .commit_list(
            &[dept("d2", "Sales", None)],
            PassKind::Incremental,
            Some("t2"),
            t("2026-01-01T01:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::SyncSuperseded);
    let err = run
        .mark_key_invalid(ErrorCode::InvalidKey, t("2026-01-01T01:00:00Z"))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::SyncSuperseded);
    assert!(
        store.key_invalid().unwrap().is_none(),
        "the new key is not marked"
    );
    assert_eq!(store.status().unwrap().counts.departments, 1);
    assert_eq!(
        store
            .stream_state(Stream::Departments)
            .unwrap()
            .sync_token
            .as_deref(),
        Some("t1")
    );
    // Clearing the cache moves it on too.
    let run = store.bound_to(g1);
    store.clear_cache().unwrap();
    assert_eq!(store.generation().unwrap(), g1 + 1);
    assert_eq!(
        run.commit_list(
            &[dept("d3", "Ops", None)],
            PassKind::Full,
            Some("t3"),
            t("2026-01-01T02:00:00Z"),
        )
        .unwrap_err()
        .code(),
        ErrorCode::SyncSuperseded
    );
    assert_eq!(store.status().unwrap().counts.departments, 0);
}

/// The export is the list: for the same filters and sort, the same jobs in the same order, every
/// page (more than one export page of 500 here), and the CSV carries them with their postings.
#[test]
fn export_has_the_rows_the_list_shows_for_the_same_filters() {
    use ashby_sync_core::export;
    let (_d, store) = open();
    seed(&store);
    let many: Vec<JobRecord> = (0..1200)
        .map(|i| {
            let title = match i % 4 {
                0 => format!("Engineer {i}, Platform"),
                1 => format!("=HYPERLINK(\"x\") engineer {i}"),
                2 => format!("Analyst {i}\nsecond line"),
                _ => format!("Designer \"{i}\""),
            };
            let status = if i % 5 == 0 { "Closed" } else { "Open" };
            let dept = if i % 3 == 0 { "d-plat" } else { "d-data" };
            let updated = format!("2025-{:02}-{:02}T00:00:00.000Z", 1 + i % 12, 1 + i % 28);
            job(&format!("x{i:04}"), &title, status, dept, "l-ber", &updated)
        })
        .collect();
    store
        .commit_list(&many, PassKind::Incremental, Some("jtok2"), t(NOW))
        .unwrap();

    /// What the window shows, page after page of the list's own size.
    fn shown(store: &Store, q: &JobQuery) -> Vec<String> {
        let mut q = q.clone();
        let mut out = Vec::new();
        loop {
            let page = store.list_jobs(&q).unwrap();
            if page.rows.is_empty() {
                break;
            }
            q.offset += page.rows.len() as u32;
            out.extend(page.rows.into_iter().map(|r| r.id));
        }
        out
    }
    let queries = [
        JobQuery::default(),
        JobQuery {
            statuses: vec!["Open".into(), "Closed".into(), "Draft".into()],
            sort: Some(JobSort::Title),
            ..Default::default()
        },
        JobQuery {
            department_id: Some("d-eng".into()),
            sort: Some(JobSort::Opened),
            descending: Some(false),
            ..Default::default()
        },
        JobQuery {
            search: Some("engineer".into()),
            ..Default::default()
        },
        JobQuery {
            search: Some("analyst".into()),
            statuses: vec!["Closed".into()],
            sort: Some(JobSort::Updated),
            ..Default::default()
        },
        JobQuery {
            listed: Some(true),
            ..Default::default()
        },
    ];
    for q in &queries {
        let want = shown(&store, q);
        assert!(!want.is_empty(), "{q:?}");
        let list = export::collect(&store, q).unwrap();
        let got: Vec<String> = list.jobs.iter().map(|j| j.id.clone()).collect();
        assert_eq!(got, want, "{q:?}");
        let mut csv_bytes = Vec::new();
        export::write_csv(&mut csv_bytes, &list.jobs, false).unwrap();
        let mut reader = csv::Reader::from_reader(csv_bytes.as_slice());
        let ids: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        assert_eq!(ids, want, "{q:?}");
    }
    assert!(queries.iter().any(|q| shown(&store, q).len() > 500));

    // A row with its postings, department, location, dates and compensation.
    let list = export::collect(
        &store,
        &JobQuery {
            listed: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    let j1 = list.jobs.iter().find(|j| j.id == "j1").unwrap();
    assert_eq!(j1.department.as_deref(), Some("Platform"));
    assert_eq!(j1.location.as_deref(), Some("Berlin"));
    assert!(j1.listed);
    assert_eq!(j1.postings.len(), 1);
    assert_eq!(
        j1.postings[0].link.as_deref(),
        Some("https://jobs.example.com/p1/apply")
    );
    assert_eq!(
        j1.postings[0].compensation.as_deref(),
        Some("$100K – $150K")
    );
    let mut csv_bytes = Vec::new();
    export::write_csv(&mut csv_bytes, &list.jobs, false).unwrap();
    let mut reader = csv::Reader::from_reader(csv_bytes.as_slice());
    let row = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[0] == "j1")
        .unwrap();
    assert_eq!(&row[1], "Senior Rust Engineer");
    assert_eq!(&row[3], "Platform");
    assert_eq!(&row[10], "2026-02-10T00:00:00.000Z");
    assert_eq!(&row[14], "Senior Rust Engineer (Berlin) (listed)");
    assert_eq!(&row[16], "https://jobs.example.com/p1/apply");
    assert_eq!(&row[17], "$100K – $150K");
}
