//! Helpers shared by the fake's own tests: a small reqwest-based client.
#![allow(dead_code)]

use fake_ashby::{FakeAshby, FakeConfig};
use serde_json::{json, Value};

pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
}

impl Api {
    pub fn new(fake: &FakeAshby) -> Api {
        Api {
            client: reqwest::Client::new(),
            base: fake.base_url(),
        }
    }

    /// POST a JSON body with Basic auth; returns (status, JSON body). Panics if the body isn't JSON.
    pub async fn post(&self, key: &str, endpoint: &str, body: Value) -> (u16, Value) {
        let resp = self.send(key, endpoint, body).await;
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let v = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{endpoint}: not JSON ({e}): {text}"));
        (status, v)
    }

    pub async fn send(&self, key: &str, endpoint: &str, body: Value) -> reqwest::Response {
        self.client
            .post(format!("{}/{endpoint}", self.base))
            .basic_auth(key, Some(""))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// Expect HTTP 200 success:true and return the body.
    pub async fn ok(&self, key: &str, endpoint: &str, body: Value) -> Value {
        let (status, v) = self.post(key, endpoint, body).await;
        assert_eq!(status, 200, "{endpoint}: {v}");
        assert_eq!(v["success"], json!(true), "{endpoint}: {v}");
        v
    }

    /// Expect a success:false envelope with the given HTTP status; return errorInfo.code.
    pub async fn err(&self, key: &str, endpoint: &str, body: Value, status: u16) -> String {
        let (s, v) = self.post(key, endpoint, body).await;
        assert_eq!(s, status, "{endpoint}: {v}");
        assert_eq!(v["success"], json!(false), "{endpoint}: {v}");
        let code = v["errorInfo"]["code"]
            .as_str()
            .expect("errorInfo.code")
            .to_string();
        assert_eq!(v["errors"][0].as_str(), Some(code.as_str()));
        assert!(v["errorInfo"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        assert!(v["errorInfo"]["requestId"].as_str().is_some());
        code
    }

    /// Pages a list to the end. Returns (rows, final syncToken, pages).
    pub async fn page_all(
        &self,
        key: &str,
        endpoint: &str,
        body: Value,
    ) -> (Vec<Value>, String, usize) {
        let mut rows = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut b = body.clone();
            if let Some(c) = &cursor {
                b["cursor"] = json!(c);
            }
            let v = self.ok(key, endpoint, b).await;
            pages += 1;
            rows.extend(v["results"].as_array().expect("results").iter().cloned());
            if v["moreDataAvailable"] == json!(true) {
                assert!(
                    v.get("syncToken").is_none(),
                    "syncToken only on the last page"
                );
                cursor = Some(v["nextCursor"].as_str().expect("nextCursor").to_string());
            } else {
                assert!(
                    v.get("nextCursor").is_none(),
                    "no nextCursor on the last page"
                );
                let token = v["syncToken"]
                    .as_str()
                    .expect("syncToken on last page")
                    .to_string();
                return (rows, token, pages);
            }
            assert!(pages < 10_000, "runaway pagination");
        }
    }
}

pub async fn start(jobs: usize) -> (FakeAshby, Api) {
    start_with(FakeConfig {
        jobs,
        ..FakeConfig::default()
    })
    .await
}

pub async fn start_with(cfg: FakeConfig) -> (FakeAshby, Api) {
    let fake = FakeAshby::start(cfg).await.expect("start fake");
    let api = Api::new(&fake);
    (fake, api)
}

pub fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect()
}

pub const ALL_STATUSES: [&str; 4] = ["Draft", "Open", "Closed", "Archived"];
