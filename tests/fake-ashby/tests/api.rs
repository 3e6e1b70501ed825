//! Behaviour of the fake over real HTTP: auth, permissions, validation, include flags, postings,
//! rate limits, faults, the public board, the request log, the data generator and the binary.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use fake_ashby::model::{JobStatus, LocationType};
use fake_ashby::*;
use serde_json::{json, Value};

#[test]
fn handle_types_are_send_sync_and_clone() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<FakeAshby>();
    check::<FakeConfig>();
    check::<Fault>();
    check::<KeySpec>();
    check::<RequestRecord>();
    check::<fake_ashby::model::Dataset>();
}

#[tokio::test]
async fn auth_missing_unknown_revoked_and_password_ignored() {
    let (fake, api) = start(5).await;
    let keys = fake.keys();
    let url = format!("{}/apiKey.info", api.base);

    // No Authorization header → 401 plain text.
    let r = api.client.post(&url).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    // Garbled header → 401.
    let r = api
        .client
        .post(&url)
        .header("Authorization", "Basic !!!")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = api
        .client
        .post(&url)
        .bearer_auth(&keys.full)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Unknown and revoked keys → 403.
    for k in ["fake_nope", keys.revoked.as_str()] {
        let r = api.send(k, "apiKey.info", json!({})).await;
        assert_eq!(r.status(), 403);
        assert_eq!(
            r.text().await.unwrap(),
            "Forbidden: the API key is invalid or has been deactivated."
        );
    }
    // The password is ignored.
    let r = api
        .client
        .post(&url)
        .basic_auth(&keys.full, Some("whatever"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // JSON envelope styles.
    fake.set_auth_body_styles(BodyStyle::JsonEnvelope, BodyStyle::JsonEnvelope);
    let r = api.client.post(&url).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errorInfo"]["code"], "unauthorized");
    assert_eq!(
        api.err("fake_nope", "apiKey.info", json!({}), 403).await,
        "forbidden"
    );

    // Revoking mid-run.
    let k = fake.add_key(KeySpec::read_all("temp"));
    api.ok(&k, "job.list", json!({"limit": 1})).await;
    fake.revoke_key(&k);
    assert_eq!(
        api.err(&k, "job.list", json!({"limit": 1}), 403).await,
        "forbidden"
    );
}

#[tokio::test]
async fn api_key_info_scopes_and_permissions() {
    let (fake, api) = start(5).await;
    let keys = fake.keys();
    let v = api.ok(&keys.full, "apiKey.info", json!({})).await;
    assert_eq!(v["results"]["title"], "Ashby Sync (full read)");
    assert!(v["results"]["createdAt"].as_str().unwrap().ends_with('Z'));
    let scopes: Vec<&str> = v["results"]["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for s in [
        "jobs:read",
        "candidates:read",
        "interviews:read",
        "hiringProcessMetadata:read",
        "organization:read",
        "offers:read",
        "apiKeys:read",
        "approvals:read",
        "reports:read",
    ] {
        assert!(scopes.contains(&s), "{s} in {scopes:?}");
    }
    assert!(!scopes.iter().any(|s| s.ends_with(":write")));
    let v = api.ok(&keys.write, "apiKey.info", json!({})).await;
    assert!(v["results"]["scopes"]
        .as_array()
        .unwrap()
        .contains(&json!("jobs:write")));
    let v = api.ok(&keys.partial, "apiKey.info", json!({})).await;
    let partial: Vec<&str> = v["results"]["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        !partial.contains(&"offers:read")
            && !partial.contains(&"approvals:read")
            && !partial.contains(&"reports:read")
    );
    assert!(partial.contains(&"jobs:read"));

    // Probes: the full key may call every one; the partial key lacks Offers, Approvals, Reports.
    let probes = [
        ("job.list", json!({"limit": 1})),
        ("candidate.list", json!({"limit": 1})),
        ("application.list", json!({"limit": 1})),
        ("interviewPlan.list", json!({"limit": 1})),
        ("interviewSchedule.list", json!({"limit": 1})),
        ("archiveReason.list", json!({})),
        ("department.list", json!({"limit": 1})),
        ("offer.list", json!({"limit": 1})),
        ("approval.list", json!({"limit": 1})),
    ];
    for (ep, body) in &probes {
        api.ok(&keys.full, ep, body.clone()).await;
        let denied = matches!(*ep, "offer.list" | "approval.list");
        if denied {
            let (s, v) = api.post(&keys.partial, ep, body.clone()).await;
            assert_eq!(s, 403);
            assert_eq!(v["errorInfo"]["code"], "missing_endpoint_permission");
            let msg = v["errorInfo"]["message"].as_str().unwrap();
            assert!(msg.contains(ep), "{msg}");
        } else {
            api.ok(&keys.partial, ep, body.clone()).await;
        }
    }
    let v = api
        .ok(&keys.full, "candidate.list", json!({"limit": 1}))
        .await;
    assert_eq!(v["results"], json!([]));
    assert!(v["syncToken"].is_string());
    // report.synchronous: 200 success:false (not found) with access, 403 without.
    let zero = json!({"reportId": "00000000-0000-0000-0000-000000000000"});
    assert_eq!(
        api.err(&keys.full, "report.synchronous", zero.clone(), 200)
            .await,
        "report_not_found"
    );
    let (s, v) = api.post(&keys.partial, "report.synchronous", zero).await;
    assert_eq!(
        (s, v["errorInfo"]["code"].as_str()),
        (403, Some("missing_endpoint_permission"))
    );
    assert!(v["errorInfo"]["message"]
        .as_str()
        .unwrap()
        .contains("Reports"));

    // Removing Jobs read mid-run.
    let k = fake.add_key(KeySpec::read_all("mid-run"));
    api.ok(&k, "job.list", json!({})).await;
    fake.set_key_permission(&k, Module::Jobs, false);
    let (s, v) = api.post(&k, "jobPosting.list", json!({})).await;
    assert_eq!(s, 403);
    assert!(v["errorInfo"]["message"]
        .as_str()
        .unwrap()
        .contains("jobPosting.list"));
    assert!(v["errorInfo"]["message"].as_str().unwrap().contains("Jobs"));
    fake.set_key_permission(&k, Module::Jobs, true);
    api.ok(&k, "jobPosting.list", json!({})).await;
    // A key without API Keys read: apiKey.info is 403 missing_endpoint_permission (key still valid).
    let k = fake.add_key(KeySpec::read_only("jobs only", &[Module::Jobs]));
    let (s, v) = api.post(&k, "apiKey.info", json!({})).await;
    assert_eq!(
        (s, v["errorInfo"]["code"].as_str()),
        (403, Some("missing_endpoint_permission"))
    );
    api.ok(&k, "job.list", json!({})).await;
}

#[tokio::test]
async fn validation_not_found_routing_and_headers() {
    let (fake, api) = start(10).await;
    let key = fake.keys().full;
    let url = format!("{}/job.list", api.base);
    // Wrong content type / non-JSON / non-object → HTTP 200 invalid_input.
    let r = api
        .client
        .post(&url)
        .basic_auth(&key, Some(""))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errorInfo"]["code"], "invalid_input");
    let r = api
        .client
        .post(&url)
        .basic_auth(&key, Some(""))
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errorInfo"]["code"], "invalid_input");
    assert_eq!(
        api.err(&key, "job.list", json!([1]), 200).await,
        "invalid_input"
    );
    // Empty body with the right content type is `{}`.
    let r = api
        .client
        .post(&url)
        .basic_auth(&key, Some(""))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["success"], true);
    // Wrong types.
    for (ep, body) in [
        ("job.list", json!({"limit": "ten"})),
        ("job.list", json!({"limit": 0})),
        ("job.list", json!({"status": "Open"})),
        ("job.list", json!({"status": ["Bogus"]})),
        ("job.list", json!({"cursor": 5})),
        ("job.list", json!({"createdAfter": "yesterday"})),
        ("department.list", json!({"includeArchived": "true"})),
        ("job.info", json!({})),
        ("job.info", json!({"id": 7})),
        ("jobPosting.info", json!({})),
        ("jobPosting.list", json!({"listedOnly": 1})),
        ("user.info", json!({})),
        ("hiringTeamRole.list", json!({"namesOnly": "no"})),
    ] {
        assert_eq!(
            api.err(&key, ep, body.clone(), 200).await,
            "invalid_input",
            "{ep} {body}"
        );
    }
    // Unknown ids.
    let missing = "00000000-0000-4000-8000-000000000000";
    for (ep, field, code) in [
        ("job.info", "id", "job_not_found"),
        ("jobPosting.info", "jobPostingId", "job_posting_not_found"),
        ("department.info", "departmentId", "department_not_found"),
        ("location.info", "locationId", "location_not_found"),
        ("user.info", "userId", "user_not_found"),
    ] {
        assert_eq!(
            api.err(&key, ep, json!({ field: missing }), 200).await,
            code
        );
    }
    // limit > 100: clamp by default, reject when configured.
    let v = api
        .ok(
            &key,
            "user.list",
            json!({"limit": 500, "includeDeactivated": true}),
        )
        .await;
    assert_eq!(v["results"].as_array().unwrap().len(), 30);
    let (fake2, api2) = start_with(FakeConfig {
        jobs: 150,
        ..FakeConfig::default()
    })
    .await;
    let k2 = fake2.keys().full;
    let v = api2
        .ok(
            &k2,
            "job.list",
            json!({"limit": 1000, "status": ALL_STATUSES}),
        )
        .await;
    assert_eq!(v["results"].as_array().unwrap().len(), 100);
    fake2.set_limit_policy(LimitPolicy::Reject);
    assert_eq!(
        api2.err(&k2, "job.list", json!({"limit": 101}), 200).await,
        "invalid_input"
    );
    api2.ok(&k2, "job.list", json!({"limit": 100})).await;

    // Routing: unknown endpoint / wrong method → 404.
    let r = api.send(&key, "candidate.create", json!({})).await;
    assert_eq!(r.status(), 404);
    let r = api
        .client
        .get(&url)
        .basic_auth(&key, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = api
        .client
        .get(format!("{}/", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Version headers: echo the request's, else the default.
    let r = api.send(&key, "jobBoard.list", json!({})).await;
    assert_eq!(r.headers()["ashby-version"], "2026-01-01");
    assert_eq!(r.headers()["ashby-version-status"], "active");
    let r = api
        .client
        .post(format!("{}/jobBoard.list", api.base))
        .basic_auth(&key, Some(""))
        .header("Ashby-Version", "2026-07-01")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["ashby-version"], "2026-07-01");
    let v: Value = r.json().await.unwrap();
    let boards = v["results"].as_array().unwrap();
    assert_eq!(boards.len(), 2);
    assert_eq!(v["moreDataAvailable"], false);
    assert!(boards.iter().any(|b| b["isInternal"] == true));
}

#[tokio::test]
async fn include_flags_departments_locations_users() {
    let (fake, api) = start(5).await;
    let key = fake.keys().full;
    let ds = fake.dataset();
    assert_eq!(ds.departments.len(), 10);
    assert_eq!(ds.locations.len(), 12);
    assert_eq!(ds.users.len(), 30);

    let (d_default, _, _) = api.page_all(&key, "department.list", json!({})).await;
    let (d_all, _, _) = api
        .page_all(&key, "department.list", json!({"includeArchived": true}))
        .await;
    let archived: Vec<&str> = ds
        .departments
        .iter()
        .filter(|d| d.is_archived)
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(archived.len(), 1);
    assert_eq!(d_all.len(), 10);
    assert_eq!(d_default.len(), 9);
    assert!(!ids(&d_default).iter().any(|i| i == archived[0]));
    assert!(
        ds.departments.iter().any(|d| d.parent_id.is_some()),
        "teams exist"
    );

    let regions = ds
        .locations
        .iter()
        .filter(|l| l.location_type == LocationType::LocationHierarchy)
        .count();
    let archived_locs = ds.locations.iter().filter(|l| l.is_archived).count();
    assert_eq!((regions, archived_locs), (3, 1));
    let (l, _, _) = api.page_all(&key, "location.list", json!({})).await;
    assert_eq!(l.len(), 12 - 3 - 1);
    assert!(l.iter().all(|x| x["type"] == "Location"));
    let (l, _, _) = api
        .page_all(&key, "location.list", json!({"includeArchived": true}))
        .await;
    assert_eq!(l.len(), 12 - 3);
    let (l, _, _) = api
        .page_all(
            &key,
            "location.list",
            json!({"includeLocationHierarchy": true}),
        )
        .await;
    assert_eq!(l.len(), 12 - 1);
    let (l, _, _) = api
        .page_all(
            &key,
            "location.list",
            json!({"includeLocationHierarchy": true, "includeArchived": true}),
        )
        .await;
    assert_eq!(l.len(), 12);
    let child = l
        .iter()
        .find(|x| x["parentLocationId"].is_string())
        .expect("child location");
    assert!(ids(&l).contains(&child["parentLocationId"].as_str().unwrap().to_string()));

    let disabled = ds.users.iter().filter(|u| !u.is_enabled).count();
    assert!(disabled >= 2);
    let (u, _, _) = api.page_all(&key, "user.list", json!({"limit": 7})).await;
    assert_eq!(u.len(), 30 - disabled);
    let (u, _, _) = api
        .page_all(
            &key,
            "user.list",
            json!({"includeDeactivated": true, "limit": 7}),
        )
        .await;
    assert_eq!(u.len(), 30);

    // info endpoints return hidden rows too.
    let id = archived[0];
    let v = api
        .ok(&key, "department.info", json!({"departmentId": id}))
        .await;
    assert_eq!(v["results"]["isArchived"], true);
    let u0 = &ds.users[0];
    let v = api.ok(&key, "user.info", json!({"userId": u0.id})).await;
    assert_eq!(v["results"], serde_json::to_value(u0).unwrap());
    let v = api
        .ok(
            &key,
            "location.info",
            json!({"locationId": ds.locations[0].id}),
        )
        .await;
    assert_eq!(v["results"]["type"], "LocationHierarchy");

    // hiringTeamRole.list
    let v = api.ok(&key, "hiringTeamRole.list", json!({})).await;
    assert!(v["results"]
        .as_array()
        .unwrap()
        .contains(&json!("Hiring Manager")));
    let v = api
        .ok(&key, "hiringTeamRole.list", json!({"namesOnly": false}))
        .await;
    assert!(v["results"][0]["id"].is_string() && v["results"][0]["title"].is_string());
    let v = api.ok(&key, "archiveReason.list", json!({})).await;
    assert!(!v["results"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn jobs_drafts_confidential_status_and_expand() {
    let (fake, api) = start(200).await;
    let keys = fake.keys();
    let ds = fake.dataset();
    let n = |f: &dyn Fn(&fake_ashby::model::Job) -> bool| ds.jobs.iter().filter(|j| f(j)).count();
    let drafts = n(&|j| j.status == JobStatus::Draft);
    let conf = n(&|j| j.confidential);
    let conf_non_draft = n(&|j| j.confidential && j.status != JobStatus::Draft);
    assert!(drafts > 0 && conf > 0);
    assert!(
        n(&|j| j.status == JobStatus::Archived) > 0 && n(&|j| j.status == JobStatus::Closed) > 0
    );

    let (all, _, _) = api.page_all(&keys.full, "job.list", json!({})).await;
    assert_eq!(all.len(), 200 - drafts);
    assert!(all.iter().all(|j| j["status"] != "Draft"));
    let (all, _, _) = api
        .page_all(&keys.full, "job.list", json!({"status": ALL_STATUSES}))
        .await;
    assert_eq!(all.len(), 200);
    let (p, _, _) = api.page_all(&keys.partial, "job.list", json!({})).await;
    assert_eq!(p.len(), 200 - drafts - conf_non_draft);
    assert!(p.iter().all(|j| j["confidential"] == false));
    let (open, _, _) = api
        .page_all(&keys.full, "job.list", json!({"status": ["Open"]}))
        .await;
    assert_eq!(open.len(), n(&|j| j.status == JobStatus::Open));
    // A confidential job is not found for a key without confidential access.
    let cj = ds.jobs.iter().find(|j| j.confidential).unwrap();
    assert_eq!(
        api.err(&keys.partial, "job.info", json!({"id": cj.id}), 200)
            .await,
        "job_not_found"
    );
    fake.set_confidential_access(&keys.partial, true);
    api.ok(&keys.partial, "job.info", json!({"id": cj.id}))
        .await;

    // createdAfter filter.
    let mut created: Vec<i64> = ds
        .jobs
        .iter()
        .filter(|j| j.status != JobStatus::Draft)
        .map(|j| {
            chrono::DateTime::parse_from_rfc3339(j.created_at.as_deref().unwrap())
                .unwrap()
                .timestamp_millis()
        })
        .collect();
    created.sort_unstable();
    let mid = created[created.len() / 2];
    let (after, _, _) = api
        .page_all(&keys.full, "job.list", json!({"createdAfter": mid}))
        .await;
    assert_eq!(after.len(), created.iter().filter(|c| **c > mid).count());

    // jobPostingIds: published only unless includeUnpublishedJobPostingsIds.
    let closed_with_postings = ds
        .jobs
        .iter()
        .find(|j| j.status == JobStatus::Closed && !j.job_posting_ids.is_empty())
        .expect("closed job with postings");
    let v = api
        .ok(
            &keys.full,
            "job.info",
            json!({"id": closed_with_postings.id}),
        )
        .await;
    assert_eq!(v["results"]["jobPostingIds"], json!([]));
    let v = api
        .ok(
            &keys.full,
            "job.info",
            json!({"id": closed_with_postings.id, "includeUnpublishedJobPostingsIds": true}),
        )
        .await;
    assert_eq!(
        v["results"]["jobPostingIds"],
        json!(closed_with_postings.job_posting_ids)
    );

    // Every field of the stored job is served (compensation only with expand).
    let j0 = &ds.jobs[0];
    let v = api.ok(&keys.full, "job.info", json!({"id": j0.id})).await;
    let mut expected = serde_json::to_value(j0).unwrap();
    expected.as_object_mut().unwrap().remove("compensation");
    assert_eq!(v["results"], expected);
    let v = api
        .ok(
            &keys.full,
            "job.info",
            json!({"id": j0.id, "expand": ["location", "openings", "compensation"]}),
        )
        .await;
    assert_eq!(v["results"]["location"]["id"], json!(j0.location_id));
    assert_eq!(v["results"]["openings"][0]["openingState"], "Open");
    assert!(v["results"]["compensation"]["compensationTiers"].is_array());
    for f in [
        "id",
        "title",
        "confidential",
        "status",
        "employmentType",
        "locationId",
        "departmentId",
        "defaultInterviewPlanId",
        "interviewPlanIds",
        "customFields",
        "jobPostingIds",
        "customRequisitionId",
        "brandId",
        "hiringTeam",
        "author",
        "createdAt",
        "updatedAt",
        "openedAt",
    ] {
        assert!(!v["results"][f].is_null(), "job 0 has {f}");
    }
    let member = &v["results"]["hiringTeam"][0];
    for f in ["userId", "firstName", "lastName", "email", "role"] {
        assert!(member[f].is_string(), "hiringTeam.{f}");
    }
    // Custom field value kinds across the dataset.
    let kinds: HashSet<&str> = ds
        .jobs
        .iter()
        .flat_map(|j| j.custom_fields.iter())
        .map(|c| match &c.value {
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "multi",
            Value::Object(o) if o.contains_key("currencyCode") && o.contains_key("value") => {
                "currency"
            }
            Value::Object(o) => match o["type"].as_str() {
                Some("number-range") => "number-range",
                _ => "compensation-range",
            },
            _ => "other",
        })
        .collect();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
}

#[tokio::test]
async fn postings_list_filters_info_and_mutations() {
    let (fake, api) = start(120).await;
    let keys = fake.keys();
    let ds = fake.dataset();
    let v = api.ok(&keys.full, "jobPosting.list", json!({})).await;
    let list = v["results"].as_array().unwrap().clone();
    let published: Vec<_> = ds
        .postings
        .iter()
        .filter(|p| p.is_published && !p.is_deleted)
        .collect();
    assert_eq!(list.len(), published.len());
    assert!(
        list.iter().any(|p| p["isListed"] == false),
        "unlisted postings are included"
    );
    assert!(list
        .iter()
        .all(|p| p.get("descriptionHtml").is_none() && p.get("descriptionPlain").is_none()));
    // Unpublished postings exist (closed jobs) but are not listed.
    assert!(ds.postings.iter().any(|p| !p.is_published));
    // Postings of confidential jobs are hidden from the partial key.
    let conf_jobs: HashSet<&str> = ds
        .jobs
        .iter()
        .filter(|j| j.confidential)
        .map(|j| j.id.as_str())
        .collect();
    let v = api.ok(&keys.partial, "jobPosting.list", json!({})).await;
    let expected = published
        .iter()
        .filter(|p| !conf_jobs.contains(p.job_id.as_str()))
        .count();
    assert_eq!(v["results"].as_array().unwrap().len(), expected);

    // Filters (case-sensitive names) and unknown extra fields are tolerated.
    let v = api
        .ok(
            &keys.full,
            "jobPosting.list",
            json!({"listedOnly": true, "limit": 5, "cursor": "x"}),
        )
        .await;
    assert_eq!(
        v["results"].as_array().unwrap().len(),
        published.iter().filter(|p| p.is_listed).count()
    );
    let loc = published[0].location_name.clone();
    let v = api
        .ok(&keys.full, "jobPosting.list", json!({"location": loc}))
        .await;
    assert_eq!(
        v["results"].as_array().unwrap().len(),
        published.iter().filter(|p| p.location_name == loc).count()
    );
    let v = api
        .ok(
            &keys.full,
            "jobPosting.list",
            json!({"location": loc.to_uppercase()}),
        )
        .await;
    assert_eq!(v["results"], json!([]));
    let v = api
        .ok(
            &keys.full,
            "jobPosting.list",
            json!({"department": "Engineering"}),
        )
        .await;
    assert!(v["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["departmentName"] == "Engineering"));
    let v = api
        .ok(
            &keys.full,
            "jobPosting.list",
            json!({"jobBoardId": ds.job_boards[0].id}),
        )
        .await;
    assert_eq!(v["results"].as_array().unwrap().len(), published.len());
    let missing = "00000000-0000-4000-8000-000000000000";
    assert_eq!(
        api.err(
            &keys.full,
            "jobPosting.list",
            json!({"jobBoardId": missing}),
            200
        )
        .await,
        "job_board_not_found"
    );

    // info carries the descriptions and the derived objects.
    let p0 = &ds.postings[0];
    let v = api
        .ok(
            &keys.full,
            "jobPosting.info",
            json!({"jobPostingId": p0.id}),
        )
        .await;
    let r = &v["results"];
    assert_eq!(r["descriptionHtml"], json!(p0.description_html));
    assert_eq!(
        r["descriptionParts"]["descriptionBody"]["html"],
        json!(p0.description_parts.description_body.html)
    );
    assert_eq!(
        r["linkedData"]["hiringOrganization"]["name"],
        "Northwind Robotics"
    );
    assert!(r["applicationFormDefinition"]["sections"].is_array());
    assert!(r["surveyFormDefinitions"].is_array());
    assert!(r["compensation"]["compensationTiers"].is_array());

    // Mutations.
    let job_id = fake.create_job("Warehouse Robotics Technician");
    let job = fake.dataset().job(&job_id).cloned().unwrap();
    assert_eq!(
        (job.status, job.job_posting_ids.len()),
        (JobStatus::Open, 1)
    );
    let pid = job.job_posting_ids[0].clone();
    let v = api.ok(&keys.full, "jobPosting.list", json!({})).await;
    assert!(ids(v["results"].as_array().unwrap()).contains(&pid));
    let before = fake.dataset().posting(&pid).unwrap().updated_at.clone();
    fake.edit_posting(&pid, |p| p.description_html.push_str("<p>Updated</p>"));
    let after = fake.dataset().posting(&pid).unwrap().clone();
    assert!(after.updated_at > before);
    let v = api
        .ok(&keys.full, "jobPosting.info", json!({"jobPostingId": pid}))
        .await;
    assert!(v["results"]["descriptionHtml"]
        .as_str()
        .unwrap()
        .ends_with("<p>Updated</p>"));
    assert_eq!(v["results"]["updatedAt"], json!(after.updated_at));
    fake.unpublish_posting(&pid);
    let v = api.ok(&keys.full, "jobPosting.list", json!({})).await;
    assert!(!ids(v["results"].as_array().unwrap()).contains(&pid));
    api.ok(&keys.full, "jobPosting.info", json!({"jobPostingId": pid}))
        .await;
    let second = fake.add_posting(&job_id, "Warehouse Robotics Technician — Night Shift");
    let v = api.ok(&keys.full, "job.info", json!({"id": job_id})).await;
    assert_eq!(v["results"]["jobPostingIds"], json!([second]));
    fake.delete_posting(&second);
    assert_eq!(
        api.err(
            &keys.full,
            "jobPosting.info",
            json!({"jobPostingId": second}),
            200
        )
        .await,
        "job_posting_not_found"
    );
    let v = api
        .ok(
            &keys.full,
            "job.info",
            json!({"id": job_id, "includeUnpublishedJobPostingsIds": true}),
        )
        .await;
    assert_eq!(v["results"]["jobPostingIds"], json!([pid]));
    // Closing a job unpublishes its postings.
    let open = fake
        .dataset()
        .jobs
        .iter()
        .find(|j| j.status == JobStatus::Open && !j.job_posting_ids.is_empty() && !j.confidential)
        .cloned()
        .unwrap();
    fake.close_job(&open.id);
    let v = api.ok(&keys.full, "job.info", json!({"id": open.id})).await;
    assert_eq!(v["results"]["status"], "Closed");
    assert_eq!(v["results"]["jobPostingIds"], json!([]));
    assert!(v["results"]["closedAt"].is_string());
}

#[tokio::test]
async fn xss_canary_and_demo_data() {
    let (fake, api) = start(50).await;
    let ds = fake.dataset();
    let j0 = &ds.jobs[0];
    assert_eq!(j0.title, "Senior Rust Engineer (Platform)");
    assert_eq!(j0.title, CANARY_TITLE);
    assert_eq!(j0.status, JobStatus::Open);
    assert_eq!(j0.job_posting_ids.len(), 1);
    let p = ds.posting(&j0.job_posting_ids[0]).unwrap();
    assert!(p.is_listed && p.is_published);
    for needle in [
        "<script>window.__xss=1</script>",
        r#"<img src="x" onerror="window.__xss=1">"#,
        r#"<a href="javascript:window.__xss=1">apply</a>"#,
        r#"<iframe src="https://example.com"></iframe>"#,
        r#"<img src="https://example.com/t.png""#,
        "<p>",
    ] {
        assert!(p.description_html.contains(needle), "{needle}");
    }
    // The canary is the first row of the first page and is on the public board.
    let v = api
        .ok(&fake.keys().full, "job.list", json!({"limit": 1}))
        .await;
    assert_eq!(v["results"][0]["title"], CANARY_TITLE);
    let board: Value = api
        .client
        .get(format!("{}/posting-api/job-board/northwind", api.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(board["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|j| j["descriptionHtml"]
            .as_str()
            .unwrap()
            .contains("window.__xss")));

    // Required variety in the demo data.
    assert!(ds.jobs.iter().any(|j| j.confidential));
    assert!(ds.jobs.iter().any(|j| j.status == JobStatus::Draft));
    assert!(ds.jobs.iter().any(|j| j.status == JobStatus::Archived));
    assert!(ds.departments.iter().any(|d| d.is_archived));
    let titles: HashSet<&str> = ds.jobs.iter().map(|j| j.title.as_str()).collect();
    assert!(titles.len() > 35, "varied titles: {}", titles.len());
    // Rich HTML in regular postings.
    let p = ds.postings.iter().find(|p| p.job_id != j0.id).unwrap();
    for tag in ["<h2>", "<ul>", "<li>", "<strong>", "<a href="] {
        assert!(p.description_html.contains(tag), "{tag}");
    }
    assert!(!p.description_plain.contains('<'));
    // Timestamps: ISO-8601 with ms and Z.
    for t in [
        &j0.updated_at,
        j0.created_at.as_ref().unwrap(),
        &ds.departments[0].created_at,
    ] {
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[19] == b'.');
    }
}

#[tokio::test]
async fn generation_is_deterministic() {
    let (a, _) = start(80).await;
    let (b, _) = start(80).await;
    let (c, _) = start_with(FakeConfig {
        seed: 2,
        jobs: 80,
        ..FakeConfig::default()
    })
    .await;
    let (da, db, dc) = (a.dataset(), b.dataset(), c.dataset());
    assert_eq!(da, db);
    assert_eq!(
        serde_json::to_string(&da).unwrap(),
        serde_json::to_string(&db).unwrap()
    );
    assert_ne!(da.jobs[1].id, dc.jobs[1].id);
    assert_eq!(dc.jobs[0].title, CANARY_TITLE);
    assert_eq!(a.keys(), b.keys());
    // uuid-formatted ids.
    let id = &da.jobs[5].id;
    assert_eq!(id.len(), 36);
    assert_eq!(id.chars().filter(|c| *c == '-').count(), 4);
}

#[tokio::test]
async fn large_dataset_generates_and_serves_fast() {
    let t = std::time::Instant::now();
    let (fake, api) = start(20_000).await;
    let gen_time = t.elapsed();
    assert!(
        gen_time < Duration::from_secs(8),
        "generation took {gen_time:?}"
    );
    let ds = fake.dataset();
    assert_eq!(ds.jobs.len(), 20_000);
    let t = std::time::Instant::now();
    let (rows, _, pages) = api
        .page_all(
            &fake.keys().full,
            "job.list",
            json!({"status": ALL_STATUSES}),
        )
        .await;
    let serve_time = t.elapsed();
    assert_eq!(rows.len(), 20_000);
    assert_eq!(pages, 200);
    assert!(
        serve_time < Duration::from_secs(10),
        "paging took {serve_time:?}"
    );
    eprintln!("20k jobs: generate {gen_time:?}, page all {serve_time:?}");
}

#[tokio::test(start_paused = true)]
async fn rate_limit_per_key_with_refill() {
    let (fake, api) = start_with(FakeConfig {
        jobs: 5,
        rate_limit: Some(RateLimit {
            per_minute: 3,
            retry_after: Some(20),
            partner_scope: false,
        }),
        ..FakeConfig::default()
    })
    .await;
    let keys = fake.keys();
    for _ in 0..3 {
        api.ok(&keys.full, "jobBoard.list", json!({})).await;
    }
    let r = api.send(&keys.full, "jobBoard.list", json!({})).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "20");
    assert!(r.headers().get("x-ratelimit-scope").is_none());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errorInfo"]["code"], "rate_limit_exceeded");
    assert_eq!(v["errors"][0], "rate_limit_exceeded");
    // Other keys have their own bucket.
    api.ok(&keys.partial, "jobBoard.list", json!({})).await;
    // 20 s refills one token (3/min).
    tokio::time::advance(Duration::from_secs(21)).await;
    api.ok(&keys.full, "jobBoard.list", json!({})).await;
    assert_eq!(
        api.send(&keys.full, "jobBoard.list", json!({}))
            .await
            .status(),
        429
    );
    // Partner-scope variant, no Retry-After.
    fake.set_rate_limit(Some(RateLimit {
        per_minute: 1,
        retry_after: None,
        partner_scope: true,
    }));
    api.ok(&keys.full, "jobBoard.list", json!({})).await;
    let r = api.send(&keys.full, "jobBoard.list", json!({})).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["x-ratelimit-scope"], "integration-partner");
    assert!(r.headers().get("retry-after").is_none());
    fake.set_rate_limit(None);
    for _ in 0..5 {
        api.ok(&keys.full, "jobBoard.list", json!({})).await;
    }
    assert_eq!(fake.count_for_key("jobBoard.list", &keys.full), 13);
}

#[tokio::test(start_paused = true)]
async fn faults_every_kind() {
    let (fake, api) = start(5).await;
    let key = fake.keys().full;

    fake.push_fault("job.list", Fault::Status(503), 2);
    assert_eq!(api.send(&key, "job.list", json!({})).await.status(), 503);
    assert_eq!(
        api.send(&key, "jobBoard.list", json!({})).await.status(),
        200,
        "other endpoints unaffected"
    );
    let r = api.send(&key, "job.list", json!({})).await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.text().await.unwrap(), "503 Service Unavailable");
    api.ok(&key, "job.list", json!({})).await;

    // Hang: the client's timeout fires first (paused clock → deterministic).
    fake.push_fault("job.list", Fault::Hang(Duration::from_secs(30)), 1);
    let err = api
        .client
        .post(format!("{}/job.list", api.base))
        .basic_auth(&key, Some(""))
        .json(&json!({}))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    // Without a client timeout the hung request completes normally after the delay.
    fake.push_fault("jobBoard.list", Fault::Hang(Duration::from_secs(30)), 1);
    let t = tokio::time::Instant::now();
    api.ok(&key, "jobBoard.list", json!({})).await;
    assert!(t.elapsed() >= Duration::from_secs(30));

    fake.push_fault("job.list", Fault::TruncatedJson, 1);
    let r = api.send(&key, "job.list", json!({})).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.starts_with("{\"") && serde_json::from_str::<Value>(&text).is_err());

    fake.push_fault("job.list", Fault::ConnectionReset, 1);
    let err = api
        .client
        .post(format!("{}/job.list", api.base))
        .basic_auth(&key, Some(""))
        .json(&json!({}))
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_timeout() && err.status().is_none(), "{err}");
    api.ok(&key, "job.list", json!({})).await;

    fake.push_fault("job.list", Fault::SuccessFalseNullErrorInfo, 1);
    let (s, v) = api.post(&key, "job.list", json!({})).await;
    assert_eq!((s, v), (200, json!({"success": false, "errorInfo": null})));

    fake.push_fault(
        "job.list",
        Fault::ErrorsArrayOnly(json!("sync_token_expired")),
        1,
    );
    fake.push_fault(
        "job.list",
        Fault::ErrorsArrayOnly(json!({"code": "invalid_input", "message": "bad"})),
        1,
    );
    let (_, v) = api.post(&key, "job.list", json!({})).await;
    assert_eq!(
        v,
        json!({"success": false, "errors": ["sync_token_expired"]})
    );
    let (_, v) = api.post(&key, "job.list", json!({})).await;
    assert_eq!(v["errors"][0]["code"], "invalid_input");
    assert!(v.get("errorInfo").is_none());

    fake.push_fault(
        "*",
        Fault::RateLimited {
            retry_after: Some(7),
            partner_scope: true,
        },
        2,
    );
    let r = api.send(&key, "user.list", json!({})).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    assert_eq!(r.headers()["x-ratelimit-scope"], "integration-partner");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errorInfo"]["code"], "rate_limit_exceeded");
    let r = api
        .client
        .get(format!("{}/posting-api/job-board/northwind", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "'*' covers the public board too");
    api.ok(&key, "user.list", json!({})).await;

    // Faults happen before auth; clear_faults drops pending ones.
    fake.push_fault("apiKey.info", Fault::Status(500), 5);
    assert_eq!(
        api.send("no-such-key", "apiKey.info", json!({}))
            .await
            .status(),
        500
    );
    fake.clear_faults();
    api.ok(&key, "apiKey.info", json!({})).await;

    // The log records faulted requests with their status (0 = no response).
    let recs = fake.requests();
    let mut statuses: Vec<u16> = recs
        .iter()
        .filter(|r| r.endpoint == "job.list")
        .map(|r| r.status)
        .collect();
    // The 4th (hung, abandoned by the client) may or may not have completed.
    statuses.remove(3);
    assert_eq!(statuses, vec![503, 503, 200, 200, 0, 200, 200, 200, 200]);
}

#[tokio::test(start_paused = true)]
async fn latency_is_added_to_every_request() {
    let (fake, api) = start_with(FakeConfig {
        jobs: 3,
        latency: Duration::from_millis(250),
        ..FakeConfig::default()
    })
    .await;
    let t = tokio::time::Instant::now();
    api.ok(&fake.keys().full, "jobBoard.list", json!({})).await;
    assert!(t.elapsed() >= Duration::from_millis(250));
    fake.set_latency(Duration::ZERO);
    let t = tokio::time::Instant::now();
    api.ok(&fake.keys().full, "jobBoard.list", json!({})).await;
    assert!(t.elapsed() < Duration::from_millis(250));
}

#[tokio::test]
async fn public_board_compensation_etag_and_unknown_board() {
    let (fake, api) = start(60).await;
    let ds = fake.dataset();
    let url = format!("{}/posting-api/job-board/NorthWind", api.base);
    let r = api.client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "public, max-age=60");
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with("W/\""));
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["apiVersion"], "1");
    let jobs = v["jobs"].as_array().unwrap();
    let conf: HashSet<&str> = ds
        .jobs
        .iter()
        .filter(|j| j.confidential)
        .map(|j| j.id.as_str())
        .collect();
    let expected = ds
        .postings
        .iter()
        .filter(|p| p.is_published && p.is_listed && !conf.contains(p.job_id.as_str()))
        .count();
    assert_eq!(jobs.len(), expected);
    let j = &jobs[0];
    assert!(j["jobUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://jobs.ashbyhq.com/NorthWind/"));
    assert_eq!(
        j["applyUrl"],
        json!(format!("{}/application", j["jobUrl"].as_str().unwrap()))
    );
    assert!(
        j.get("compensation").is_none()
            && j.get("shouldDisplayCompensationOnJobPostings").is_none()
    );
    for f in [
        "id",
        "title",
        "department",
        "team",
        "employmentType",
        "location",
        "isListed",
        "publishedAt",
        "descriptionHtml",
        "descriptionPlain",
    ] {
        assert!(!j[f].is_null(), "{f}");
    }
    let v: Value = api
        .client
        .get(format!("{url}?includeCompensation=true"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let j = &v["jobs"][0];
    assert!(j["compensation"]["compensationTiers"].is_array());
    assert!(j["shouldDisplayCompensationOnJobPostings"].is_boolean());

    // ETag / If-None-Match.
    let r = api
        .client
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(r.headers()["etag"].to_str().unwrap(), etag);
    assert!(r.bytes().await.unwrap().is_empty());
    let pid = ds
        .postings
        .iter()
        .find(|p| p.is_published && p.is_listed && !conf.contains(p.job_id.as_str()))
        .unwrap()
        .id
        .clone();
    fake.edit_posting(&pid, |p| p.title.push_str(" (updated)"));
    let r = api
        .client
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_ne!(r.headers()["etag"].to_str().unwrap(), etag);

    // Unknown board: 404 by default, empty list when configured.
    let r = api
        .client
        .get(format!("{}/posting-api/job-board/nobody", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    fake.set_unknown_board(UnknownBoard::EmptyList);
    let v: Value = api
        .client
        .get(format!("{}/posting-api/job-board/nobody", api.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v, json!({"apiVersion": "1", "jobs": []}));
    assert_eq!(fake.count("posting-api/job-board"), 6);
}

#[tokio::test]
async fn request_log_and_shutdown() {
    let (fake, api) = start(5).await;
    let keys = fake.keys();
    api.ok(&keys.full, "job.list", json!({"limit": 2})).await;
    api.ok(&keys.partial, "job.list", json!({})).await;
    let _ = api.send("fake_unknown", "job.list", json!({})).await;
    assert_eq!(fake.count("job.list"), 3);
    assert_eq!(fake.count_for_key("job.list", &keys.full), 1);
    assert_eq!(fake.count_for_key("job.list", "fake_unknown"), 1);
    let recs = fake.requests();
    assert_eq!(recs[0].body, json!({"limit": 2}));
    assert_eq!(recs[0].status, 200);
    assert_eq!(recs[2].status, 403);
    assert_eq!(recs[0].headers["content-type"], "application/json");
    assert!(!recs[0].headers.contains_key("authorization"));
    fake.reset_log();
    assert_eq!(fake.count("*"), 0);

    // shutdown() stops the server even while other handles exist.
    let clone = fake.clone();
    fake.shutdown().await;
    let err = api
        .client
        .post(format!("{}/job.list", clone.base_url()))
        .send()
        .await;
    assert!(err.is_err());

    // Dropping the last handle stops it too.
    let (fake2, api2) = start(3).await;
    let url = fake2.base_url();
    api2.ok(&fake2.keys().full, "jobBoard.list", json!({}))
        .await;
    drop(fake2);
    tokio::task::yield_now().await;
    let fresh = reqwest::Client::new();
    assert!(fresh
        .post(format!("{url}/jobBoard.list"))
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn binary_prints_base_url_and_keys_then_serves() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fake-ashby"))
        .args(["--jobs", "120", "--seed", "1", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn binary");
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("first line")
        .unwrap()
        .unwrap();
    let v: Value = serde_json::from_str(&first).expect("first line is JSON");
    let base = v["baseUrl"].as_str().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    let full = v["keys"]["full"].as_str().unwrap();
    for k in ["partial", "write", "revoked"] {
        assert!(v["keys"][k].is_string());
    }
    let api = Api {
        client: reqwest::Client::new(),
        base,
    };
    let (rows, _, _) = api
        .page_all(
            full,
            "job.list",
            json!({"status": ALL_STATUSES, "limit": 50}),
        )
        .await;
    assert_eq!(rows.len(), 120);
    // Same seed → same ids as the library.
    let (lib, _) = start(120).await;
    assert_eq!(
        ids(&rows),
        lib.dataset()
            .jobs
            .iter()
            .map(|j| j.id.clone())
            .collect::<Vec<_>>()
    );
    child.kill().await.unwrap();
}
