//! Every kind of success response the fake produces, and its error envelope, validated against the
//! schemas of Ashby's published OpenAPI document (vendored in `spec/openapi-relevant.yaml`).
//!
//! The schemas are used as published, with these adjustments (each is a spec looseness, not a fake
//! shortcut):
//! * `oneOf` → `anyOf`: the spec's variants overlap (a plain string custom-field value matches three
//!   string variants; an empty results array matches both `hiringTeamRole.list` variants), so `oneOf`
//!   would reject valid Ashby payloads.
//! * `nullable: true` (OpenAPI 3.0 style) → `type: [T, "null"]` where present.
//! * Stricter than the spec: objects that declare `properties` get `additionalProperties: false`, so a
//!   misspelt or invented field fails. Exceptions: schema.org `linkedData` (open vocabulary), and the
//!   job-posting `customFields` added by the 2026-09-14 changelog after the spec snapshot.
//! * `customRequisitionId` loses `format: uuid` (the spec types a user-defined requisition id as uuid;
//!   it is a customer-chosen string in practice, so clients treat it as opaque, and the fake
//!   sends `REQ-1234`).

mod common;

use std::path::PathBuf;

use common::*;
use fake_ashby::{BodyStyle, FakeConfig, Fault};
use serde_json::{json, Map, Value};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load_spec() -> Value {
    let text = std::fs::read_to_string(manifest_dir().join("spec/openapi-relevant.yaml"))
        .expect("vendored spec");
    serde_norway::from_str(&text).expect("spec parses as YAML")
}

/// The vendored copy must equal the shared reference (`<repo>/../shared/ashby/…`) whenever it exists.
#[test]
fn vendored_spec_matches_shared_copy() {
    let vendored =
        std::fs::read(manifest_dir().join("spec/openapi-relevant.yaml")).expect("vendored spec");
    let shared = manifest_dir().join("../../../shared/ashby/openapi-relevant.yaml");
    match std::fs::read(&shared) {
        Ok(bytes) => assert!(
            bytes == vendored,
            "spec/openapi-relevant.yaml differs from {}",
            shared.display()
        ),
        Err(_) => eprintln!(
            "note: {} not present; only the vendored copy is used",
            shared.display()
        ),
    }
}

fn transform(schema: &Value, parent_key: &str) -> Value {
    match schema {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = if k == "oneOf" { "anyOf" } else { k.as_str() };
                let child = if k == "properties" {
                    // Property maps: transform each property schema with its name as context.
                    let mut props = Map::new();
                    for (pk, pv) in v.as_object().into_iter().flatten() {
                        props.insert(pk.clone(), transform(pv, pk));
                    }
                    Value::Object(props)
                } else {
                    transform(v, parent_key)
                };
                out.insert(key.to_string(), child);
            }
            if out.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::String(t)) = out.get("type").cloned() {
                    out.insert("type".into(), json!([t, "null"]));
                }
            }
            if parent_key == "customRequisitionId" {
                out.remove("format");
            }
            if out.contains_key("properties")
                && !out.contains_key("additionalProperties")
                && parent_key != "linkedData"
            {
                let under_linked_data =
                    matches!(
                        parent_key,
                        "hiringOrganization" | "jobLocation" | "address" | "identifier"
                    ) && out.get("properties").and_then(|p| p.get("@type")).is_some();
                if !under_linked_data {
                    out.insert("additionalProperties".into(), json!(false));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| transform(v, parent_key)).collect()),
        other => other.clone(),
    }
}

struct Schemas {
    spec: Value,
}

impl Schemas {
    fn new() -> Self {
        let mut spec = load_spec();
        // Job-posting custom fields (changelog 2026-09-14) post-date the spec snapshot.
        let results = &mut spec["paths"]["/jobPosting.info"]["post"]["responses"]["200"]["content"]
            ["application/json"]["schema"]["oneOf"][0]["properties"]["results"]["properties"];
        assert!(
            results.is_object(),
            "jobPosting.info results schema present"
        );
        results["customFields"] = json!({"type": "array", "items": {"type": "object", "required": ["id", "title", "value"]}});
        Schemas { spec }
    }

    /// Success variant `variant` of an endpoint's 200 response.
    fn success(&self, endpoint: &str, variant: usize) -> jsonschema::Validator {
        let s = &self.spec["paths"][format!("/{endpoint}")]["post"]["responses"]["200"]["content"]
            ["application/json"]["schema"]["oneOf"][variant];
        assert!(s.is_object(), "schema for {endpoint} variant {variant}");
        compile(&transform(s, ""))
    }

    fn error(&self) -> jsonschema::Validator {
        let s = &self.spec["x-error-envelope"]["content"]["application/json"]["schema"];
        assert!(s.is_object(), "error envelope schema");
        compile(&transform(s, ""))
    }
}

fn compile(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .should_ignore_unknown_formats(true)
        .build(schema)
        .expect("schema compiles")
}

fn check(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the schema:\n{}\n{}",
        errors.join("\n"),
        {
            let s = instance.to_string();
            s.chars().take(600).collect::<String>()
        }
    );
}

#[tokio::test]
async fn success_responses_match_published_schemas() {
    let (fake, api) = start(60).await;
    let keys = fake.keys();
    let key = keys.full.clone();
    let sc = Schemas::new();
    let ds = fake.dataset();

    let v = sc.success("apiKey.info", 0);
    for k in [&keys.full, &keys.partial, &keys.write] {
        check(
            &v,
            &api.ok(k, "apiKey.info", json!({})).await,
            "apiKey.info",
        );
    }

    // job.list pages (every status, expanded) and job.info for every job.
    let v = sc.success("job.list", 0);
    for body in [
        json!({"status": ALL_STATUSES, "limit": 25, "includeUnpublishedJobPostingsIds": true,
               "expand": ["location", "openings", "compensation"]}),
        json!({}),
    ] {
        let mut b = body.clone();
        loop {
            let page = api.ok(&key, "job.list", b.clone()).await;
            check(&v, &page, "job.list page");
            match page["nextCursor"].as_str() {
                Some(c) => b["cursor"] = json!(c),
                None => break,
            }
        }
    }
    let v = sc.success("job.info", 0);
    for j in &ds.jobs {
        let r = api
            .ok(
                &key,
                "job.info",
                json!({"id": j.id, "expand": ["location", "openings"]}),
            )
            .await;
        check(&v, &r, &format!("job.info {}", j.id));
    }

    let v = sc.success("jobPosting.list", 0);
    for body in [
        json!({}),
        json!({"listedOnly": true}),
        json!({"location": "no such place"}),
    ] {
        check(
            &v,
            &api.ok(&key, "jobPosting.list", body).await,
            "jobPosting.list",
        );
    }
    let v = sc.success("jobPosting.info", 0);
    let mut checked = 0;
    for p in ds.postings.iter().filter(|p| !p.is_deleted) {
        check(
            &v,
            &api.ok(&key, "jobPosting.info", json!({"jobPostingId": p.id}))
                .await,
            &format!("jobPosting.info {}", p.id),
        );
        checked += 1;
    }
    assert!(checked > 30);

    check(
        &sc.success("jobBoard.list", 0),
        &api.ok(&key, "jobBoard.list", json!({})).await,
        "jobBoard.list",
    );

    for (list, info, id_field, flags) in [
        (
            "department.list",
            "department.info",
            "departmentId",
            json!({"includeArchived": true}),
        ),
        (
            "location.list",
            "location.info",
            "locationId",
            json!({"includeArchived": true, "includeLocationHierarchy": true}),
        ),
        (
            "user.list",
            "user.info",
            "userId",
            json!({"includeDeactivated": true}),
        ),
    ] {
        let vl = sc.success(list, 0);
        let vi = sc.success(info, 0);
        let mut b = flags.clone();
        b["limit"] = json!(4);
        let mut all = Vec::new();
        loop {
            let page = api.ok(&key, list, b.clone()).await;
            check(&vl, &page, list);
            all.extend(ids(page["results"].as_array().unwrap()));
            match page["nextCursor"].as_str() {
                Some(c) => b["cursor"] = json!(c),
                None => break,
            }
        }
        assert!(all.len() >= 10, "{list}");
        for id in all {
            check(
                &vi,
                &api.ok(&key, info, json!({ id_field: id })).await,
                info,
            );
        }
    }

    check(
        &sc.success("hiringTeamRole.list", 0),
        &api.ok(&key, "hiringTeamRole.list", json!({})).await,
        "roles names",
    );
    check(
        &sc.success("hiringTeamRole.list", 1),
        &api.ok(&key, "hiringTeamRole.list", json!({"namesOnly": false}))
            .await,
        "roles objects",
    );

    // After mutations the shapes stay valid (new job, edited posting, archived department).
    let id = fake.create_job("Perception Engineer");
    check(
        &sc.success("job.info", 0),
        &api.ok(&key, "job.info", json!({"id": id})).await,
        "created job",
    );
}

#[tokio::test]
async fn error_envelopes_match_published_schema() {
    let (fake, api) = start_with(FakeConfig {
        jobs: 5,
        forbidden_body: BodyStyle::JsonEnvelope,
        unauthorized_body: BodyStyle::JsonEnvelope,
        ..FakeConfig::default()
    })
    .await;
    let keys = fake.keys();
    let v = Schemas::new().error();
    let missing = "00000000-0000-4000-8000-000000000000";
    let cases = [
        (keys.full.as_str(), "job.list", json!({"limit": "x"})),
        (keys.full.as_str(), "job.info", json!({"id": missing})),
        (
            keys.full.as_str(),
            "jobPosting.info",
            json!({"jobPostingId": missing}),
        ),
        (keys.full.as_str(), "job.list", json!({"syncToken": "bad"})),
        (keys.full.as_str(), "job.list", json!({"cursor": "bad"})),
        (
            keys.full.as_str(),
            "report.synchronous",
            json!({"reportId": missing}),
        ),
        (keys.partial.as_str(), "offer.list", json!({})),
        (keys.revoked.as_str(), "job.list", json!({})),
        ("unknown", "job.list", json!({})),
    ];
    for (k, ep, body) in cases {
        let (_, r) = api.post(k, ep, body.clone()).await;
        assert_eq!(r["success"], false);
        check(&v, &r, &format!("{ep} {body}"));
    }
    let r: Value = api
        .client
        .post(format!("{}/job.list", api.base))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&v, &r, "401 envelope");
    fake.push_fault(
        "job.list",
        Fault::RateLimited {
            retry_after: Some(1),
            partner_scope: false,
        },
        1,
    );
    let (s, r) = api.post(&keys.full, "job.list", json!({})).await;
    assert_eq!(s, 429);
    check(&v, &r, "429");
    // The fault bodies that imitate broken servers are deliberately *not* conformant.
    fake.push_fault("job.list", Fault::SuccessFalseNullErrorInfo, 1);
    let (_, r) = api.post(&keys.full, "job.list", json!({})).await;
    assert!(!v.is_valid(&r));
}

/// The validator is not vacuous: a misspelt field, a missing required field and a wrong enum fail.
#[tokio::test]
async fn schema_checks_can_fail() {
    let (fake, api) = start(5).await;
    let key = fake.keys().full;
    let sc = Schemas::new();
    let v = sc.success("job.info", 0);
    let good = api
        .ok(&key, "job.info", json!({"id": fake.dataset().jobs[0].id}))
        .await;
    assert!(v.is_valid(&good));
    let mut bad = good.clone();
    bad["results"]["jobTitle"] = json!("typo");
    assert!(!v.is_valid(&bad), "unknown field");
    let mut bad = good.clone();
    bad["results"].as_object_mut().unwrap().remove("updatedAt");
    assert!(!v.is_valid(&bad), "missing required field");
    let mut bad = good.clone();
    bad["results"]["status"] = json!("Paused");
    assert!(!v.is_valid(&bad), "enum");
    let mut bad = good.clone();
    bad["results"]["updatedAt"] = json!("yesterday");
    assert!(!v.is_valid(&bad), "date-time format");
    let pv = sc.success("jobPosting.list", 0);
    let list = api.ok(&key, "jobPosting.list", json!({})).await;
    assert!(pv.is_valid(&list));
    let mut bad = list.clone();
    bad["results"][0]["descriptionHtml"] = json!("<p>lists carry no description</p>");
    assert!(!pv.is_valid(&bad));
}
