//! Pagination, sync tokens, incremental passes and every token/cursor error, over real HTTP.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use fake_ashby::model::JobStatus;
use fake_ashby::FakeConfig;
use serde_json::{json, Value};

#[tokio::test]
async fn full_pass_across_many_pages() {
    let (fake, api) = start(1000).await;
    let key = fake.keys().full;
    let ds = fake.dataset();
    let (rows, token, pages) = api
        .page_all(
            &key,
            "job.list",
            json!({"limit": 37, "status": ALL_STATUSES}),
        )
        .await;
    assert_eq!(pages, 1000usize.div_ceil(37));
    let got = ids(&rows);
    let unique: HashSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), 1000, "no duplicates");
    // Order follows the change sequence = generation order before any mutation.
    let expected: Vec<String> = ds.jobs.iter().map(|j| j.id.clone()).collect();
    assert_eq!(got, expected);
    assert!(!token.is_empty());
    // Default limit is 100.
    let v = api
        .ok(&key, "job.list", json!({"status": ALL_STATUSES}))
        .await;
    assert_eq!(v["results"].as_array().unwrap().len(), 100);
    assert_eq!(v["moreDataAvailable"], true);
    // An exact multiple of the limit: the last full page says moreDataAvailable:false.
    let (fake2, api2) = start(200).await;
    let (rows, _, pages) = api2
        .page_all(
            &fake2.keys().full,
            "job.list",
            json!({"status": ALL_STATUSES}),
        )
        .await;
    assert_eq!((rows.len(), pages), (200, 2));
}

#[tokio::test]
async fn incremental_sees_only_changes() {
    let (fake, api) = start(300).await;
    let key = fake.keys().full;
    let body = json!({"status": ALL_STATUSES, "limit": 50});
    let (_, token, _) = api.page_all(&key, "job.list", body.clone()).await;

    // No changes → empty incremental pass with a fresh token.
    let mut b = body.clone();
    b["syncToken"] = json!(token);
    let v = api.ok(&key, "job.list", b.clone()).await;
    assert_eq!(v["results"], json!([]));
    assert_eq!(v["moreDataAvailable"], false);
    let token2 = v["syncToken"].as_str().unwrap().to_string();

    // Mutations.
    let ds = fake.dataset();
    let edited = ds.jobs[10].id.clone();
    let closed = ds
        .jobs
        .iter()
        .find(|j| j.status == JobStatus::Open && j.id != ds.jobs[0].id)
        .unwrap()
        .id
        .clone();
    let archived = ds
        .jobs
        .iter()
        .find(|j| j.status == JobStatus::Closed)
        .unwrap()
        .id
        .clone();
    fake.edit_job(&edited, |j| j.title = "Renamed Job".into());
    fake.close_job(&closed);
    fake.archive_job(&archived);
    let created = fake.create_job("Autonomy Software Engineer");
    let unpub_job = ds
        .jobs
        .iter()
        .find(|j| {
            j.status == JobStatus::Open
                && ![&edited, &closed].contains(&&j.id)
                && j.job_posting_ids
                    .iter()
                    .any(|p| ds.posting(p).is_some_and(|p| p.is_published))
        })
        .unwrap();
    fake.unpublish_posting(&unpub_job.job_posting_ids[0]);

    let mut b = body.clone();
    b["syncToken"] = json!(token2);
    let (rows, token3, _) = api.page_all(&key, "job.list", b).await;
    let got: HashSet<String> = ids(&rows).into_iter().collect();
    let want: HashSet<String> = [
        edited.clone(),
        closed.clone(),
        archived.clone(),
        created.clone(),
        unpub_job.id.clone(),
    ]
    .into();
    assert_eq!(got, want);
    let by_id = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(by_id(&edited)["title"], "Renamed Job");
    assert_eq!(by_id(&closed)["status"], "Closed");
    assert_eq!(by_id(&archived)["status"], "Archived");
    assert_eq!(by_id(&created)["status"], "Open");
    assert!(!by_id(&unpub_job.id)["jobPostingIds"]
        .as_array()
        .unwrap()
        .contains(&json!(unpub_job.job_posting_ids[0])));
    let after = fake.dataset();
    assert!(after.job(&edited).unwrap().updated_at > ds.job(&edited).unwrap().updated_at);

    // The original token still works (rows changed since it) and a later one sees nothing.
    let mut b = body.clone();
    b["syncToken"] = json!(token);
    let (rows, _, _) = api.page_all(&key, "job.list", b).await;
    assert_eq!(rows.len(), 5);
    let mut b = body.clone();
    b["syncToken"] = json!(token3);
    let v = api.ok(&key, "job.list", b).await;
    assert_eq!(v["results"], json!([]));
}

#[tokio::test]
async fn incremental_paginates_and_accepts_token_on_every_page() {
    let (fake, api) = start(120).await;
    let key = fake.keys().full;
    let body = json!({"status": ALL_STATUSES, "limit": 10});
    let (_, token, _) = api.page_all(&key, "job.list", body.clone()).await;
    let ds = fake.dataset();
    let changed: Vec<String> = ds.jobs.iter().step_by(4).map(|j| j.id.clone()).collect(); // 30 jobs
    for id in &changed {
        fake.edit_job(id, |j| j.title.push_str(" II"));
    }
    // Estuary style: token on the first page only.
    let mut b = body.clone();
    b["syncToken"] = json!(token);
    let (rows, _, pages) = api.page_all(&key, "job.list", b.clone()).await;
    assert_eq!((rows.len(), pages), (30, 3));
    assert_eq!(ids(&rows), changed);
    // Nango style: token on every page (the cursor wins).
    let mut got = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut bb = b.clone();
        if let Some(c) = &cursor {
            bb["cursor"] = json!(c);
        }
        let v = api.ok(&key, "job.list", bb).await;
        got.extend(ids(v["results"].as_array().unwrap()));
        match v["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(got, changed);
}

#[tokio::test]
async fn changes_during_a_full_pass_arrive_in_the_next_incremental() {
    let (fake, api) = start(250).await;
    let key = fake.keys().full;
    let ds = fake.dataset();
    let body = json!({"status": ALL_STATUSES});
    let v = api.ok(&key, "job.list", body.clone()).await;
    let cursor = v["nextCursor"].as_str().unwrap().to_string();
    // Change a row already returned and one not yet returned.
    let seen = ds.jobs[5].id.clone();
    let unseen = ds.jobs[200].id.clone();
    fake.edit_job(&seen, |j| j.title = "Seen then edited".into());
    fake.edit_job(&unseen, |j| j.title = "Edited before being seen".into());
    let mut rows: Vec<Value> = v["results"].as_array().unwrap().clone();
    let mut b = body.clone();
    b["cursor"] = json!(cursor);
    let token = loop {
        let v = api.ok(&key, "job.list", b.clone()).await;
        rows.extend(v["results"].as_array().unwrap().iter().cloned());
        match v["nextCursor"].as_str() {
            Some(c) => b["cursor"] = json!(c),
            None => break v["syncToken"].as_str().unwrap().to_string(),
        }
    };
    assert!(!token.is_empty());
    let mut b = body.clone();
    b["syncToken"] = json!(token);
    let (inc, _, _) = api.page_all(&key, "job.list", b).await;
    let inc_ids: HashSet<String> = ids(&inc).into_iter().collect();
    assert_eq!(inc_ids, HashSet::from([seen, unseen.clone()]));
    // Union of the full pass and the incremental pass covers every job, with the latest title.
    let mut all: HashSet<String> = ids(&rows).into_iter().collect();
    all.extend(inc_ids);
    assert_eq!(all.len(), 250);
    assert_eq!(
        inc.iter().find(|r| r["id"] == unseen.as_str()).unwrap()["title"],
        "Edited before being seen"
    );
}

#[tokio::test]
async fn departments_locations_users_incremental() {
    let (fake, api) = start(5).await;
    let key = fake.keys().full;
    let ds = fake.dataset();
    let (_, dt_all, _) = api
        .page_all(&key, "department.list", json!({"includeArchived": true}))
        .await;
    let (_, dt_default, _) = api.page_all(&key, "department.list", json!({})).await;
    let (_, lt, _) = api
        .page_all(
            &key,
            "location.list",
            json!({"includeArchived": true, "includeLocationHierarchy": true}),
        )
        .await;
    let (_, ut, _) = api
        .page_all(&key, "user.list", json!({"includeDeactivated": true}))
        .await;
    let dept = ds
        .departments
        .iter()
        .find(|d| !d.is_archived)
        .unwrap()
        .id
        .clone();
    fake.archive_department(&dept);
    let loc = ds.locations.last().unwrap().id.clone();
    fake.edit_location(&loc, |l| l.name = "Lisbon, Portugal".into());
    let user = ds.users[3].id.clone();
    fake.edit_user(&user, |u| u.is_enabled = false);

    let v = api
        .ok(
            &key,
            "department.list",
            json!({"includeArchived": true, "syncToken": dt_all}),
        )
        .await;
    assert_eq!(ids(v["results"].as_array().unwrap()), vec![dept.clone()]);
    assert_eq!(v["results"][0]["isArchived"], true);
    // Without includeArchived the archived department simply stops appearing.
    let v = api
        .ok(&key, "department.list", json!({"syncToken": dt_default}))
        .await;
    assert_eq!(v["results"], json!([]));
    let v = api
        .ok(
            &key,
            "location.list",
            json!({"includeArchived": true, "includeLocationHierarchy": true, "syncToken": lt}),
        )
        .await;
    assert_eq!(v["results"][0]["name"], "Lisbon, Portugal");
    let v = api
        .ok(
            &key,
            "user.list",
            json!({"includeDeactivated": true, "syncToken": ut}),
        )
        .await;
    assert_eq!(v["results"][0]["isEnabled"], false);
}

#[tokio::test]
async fn token_and_cursor_errors() {
    let (fake, api) = start(250).await;
    let key = fake.keys().full;
    let st = 200;
    // Garbage.
    assert_eq!(
        api.err(&key, "job.list", json!({"syncToken": "garbage!"}), st)
            .await,
        "sync_token_invalid"
    );
    assert_eq!(
        api.err(&key, "job.list", json!({"cursor": "garbage!"}), st)
            .await,
        "invalid_next_cursor"
    );
    // Token of another stream.
    let (_, dept_token, _) = api.page_all(&key, "department.list", json!({})).await;
    assert_eq!(
        api.err(&key, "job.list", json!({"syncToken": dept_token}), st)
            .await,
        "sync_token_invalid"
    );
    // Cursor of another stream, or with different parameters.
    let v = api.ok(&key, "job.list", json!({"limit": 10})).await;
    let cursor = v["nextCursor"].as_str().unwrap().to_string();
    assert_eq!(
        api.err(&key, "user.list", json!({"cursor": cursor}), st)
            .await,
        "invalid_next_cursor"
    );
    assert_eq!(
        api.err(
            &key,
            "job.list",
            json!({"cursor": cursor, "status": ["Open"]}),
            st
        )
        .await,
        "invalid_next_cursor"
    );
    // A different limit and an extra syncToken are fine.
    api.ok(
        &key,
        "job.list",
        json!({"cursor": cursor, "limit": 20, "syncToken": "ignored"}),
    )
    .await;
    // A token sent as a cursor is invalid.
    let (_, token, _) = api.page_all(&key, "job.list", json!({})).await;
    assert_eq!(
        api.err(&key, "job.list", json!({"cursor": token}), st)
            .await,
        "invalid_next_cursor"
    );

    // expire_all_tokens: everything issued so far expires; new ones work.
    fake.expire_all_tokens();
    assert_eq!(
        api.err(&key, "job.list", json!({"syncToken": token}), st)
            .await,
        "sync_token_expired"
    );
    assert_eq!(
        api.err(&key, "job.list", json!({"cursor": cursor, "limit": 10}), st)
            .await,
        "next_cursor_expired"
    );
    let (_, fresh, _) = api.page_all(&key, "job.list", json!({})).await;
    api.ok(&key, "job.list", json!({"syncToken": fresh})).await;

    // Incremental page cap.
    fake.set_incremental_page_cap(2);
    let ds = fake.dataset();
    for j in ds.jobs.iter().take(40) {
        fake.edit_job(&j.id, |j| j.title.push('!'));
    }
    let msg_code = api
        .err(
            &key,
            "job.list",
            json!({"syncToken": fresh, "limit": 10}),
            st,
        )
        .await;
    assert_eq!(msg_code, "incremental_sync_too_large");
    // ~34 visible changed rows (drafts are hidden) need 4 pages of 10 but only 1 page of 100.
    api.ok(&key, "job.list", json!({"syncToken": fresh})).await;

    // Configurable HTTP status for token errors.
    fake.set_token_error_status(400);
    assert_eq!(
        api.err(&key, "job.list", json!({"syncToken": "garbage"}), 400)
            .await,
        "sync_token_invalid"
    );
    assert_eq!(
        api.err(
            &key,
            "job.list",
            json!({"syncToken": fresh, "limit": 10}),
            400
        )
        .await,
        "incremental_sync_too_large"
    );
}

#[tokio::test]
async fn token_and_cursor_ttls_follow_the_tokio_clock() {
    let (fake, api) = start_with(FakeConfig {
        jobs: 150,
        ..FakeConfig::default()
    })
    .await;
    let key = fake.keys().full;
    let v = api.ok(&key, "job.list", json!({})).await;
    let cursor = v["nextCursor"].as_str().unwrap().to_string();
    let (_, token, _) = api.page_all(&key, "job.list", json!({})).await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(3601)).await;
    assert_eq!(
        api.err(&key, "job.list", json!({"cursor": cursor}), 200)
            .await,
        "next_cursor_expired"
    );
    api.ok(&key, "job.list", json!({"syncToken": token})).await;
    tokio::time::advance(Duration::from_secs(30 * 24 * 3600)).await;
    assert_eq!(
        api.err(&key, "job.list", json!({"syncToken": token}), 200)
            .await,
        "sync_token_expired"
    );
    // Configurable lifetimes.
    fake.set_token_ttls(
        Duration::from_secs(365 * 24 * 3600),
        Duration::from_secs(365 * 24 * 3600),
    );
    api.ok(&key, "job.list", json!({"syncToken": token})).await;
    api.ok(&key, "job.list", json!({"cursor": cursor})).await;
}

#[tokio::test]
async fn probe_lists_are_paginated_and_sync_capable() {
    let (fake, api) = start(3).await;
    let key = fake.keys().full;
    for ep in [
        "candidate.list",
        "application.list",
        "interviewPlan.list",
        "interviewSchedule.list",
        "offer.list",
        "approval.list",
    ] {
        let (rows, token, pages) = api.page_all(&key, ep, json!({"limit": 1})).await;
        assert_eq!((rows.len(), pages), (0, 1));
        let v = api.ok(&key, ep, json!({"syncToken": token})).await;
        assert_eq!(v["results"], json!([]));
        assert_eq!(
            api.err(&key, ep, json!({"syncToken": "x"}), 200).await,
            "sync_token_invalid"
        );
    }
}
