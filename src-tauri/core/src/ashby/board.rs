//! Ashby's public job board: `GET /posting-api/job-board/{name}?includeCompensation=true` on the
//! API host (<https://developers.ashbyhq.com/docs/public-job-posting-api>). One answer holds
//! every listed, published posting of a non-confidential job on that board *with* its
//! description, where `jobPosting.info` needs one call per posting. It needs no key (none is
//! sent). The board's name is the first path segment of the hosted board's links
//! (`https://jobs.ashbyhq.com/{name}/{postingId}`), which the postings' own `applyLink` /
//! `externalLink` carry. Answers are cached by Ashby for about a minute
//! (`Cache-Control: public, max-age=60`) and carry a weak `ETag` (`If-None-Match` → 304).
//! An unknown board has been seen answering both 404 and 200 with no jobs.

use super::client::Client;
use super::error::Error;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashMap;

/// The board's endpoint name in logs and in the fake server's request log.
pub const BOARD_ENDPOINT: &str = "posting-api/job-board";
/// The host of Ashby's hosted job boards, in the postings' links.
const BOARD_HOST: &str = "jobs.ashbyhq.com";

/// One posting of the public board: what the app takes from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardPosting {
    pub id: String,
    /// Untrusted HTML, sanitized by the store like `jobPosting.info`'s.
    pub description_html: String,
    pub description_plain: String,
}

/// What the board answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoardAnswer {
    /// HTTP 200. Jobs without an id or a description are left out.
    Postings {
        postings: Vec<BoardPosting>,
        etag: Option<String>,
    },
    /// HTTP 304: unchanged since the answer the ETag came with.
    NotModified,
    /// Any other status (404 for an unknown board).
    Unavailable(u16),
}

/// Only what the app takes from the board, decoded straight from the bytes (a 10,000-posting
/// board is tens of MB; no `Value` tree of its other fields).
#[derive(Deserialize)]
struct RawBoard {
    #[serde(default)]
    jobs: Vec<RawJob>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawJob {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    description_html: Option<String>,
    #[serde(default, deserialize_with = "text")]
    description_plain: Option<String>,
}

/// A string, or `None` for anything else (a job with an odd field is left to
/// `jobPosting.info` rather than failing the board).
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Text;
    impl<'de> Visitor<'de> for Text {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(Text)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            while a.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(Text)
}

impl Client {
    /// Fetches the public board `name` (with `If-None-Match: etag` when given).
    pub async fn public_job_board(
        &self,
        name: &str,
        etag: Option<&str>,
    ) -> Result<BoardAnswer, Error> {
        let mut url = url::Url::parse(self.base_url())
            .map_err(|e| Error::Config(format!("invalid base URL: {e}")))?;
        url.path_segments_mut()
            .map_err(|_| Error::Config("the base URL cannot take a path".into()))?
            .pop_if_empty()
            .extend(["posting-api", "job-board", name]);
        url.set_query(Some("includeCompensation=true"));
        let (status, headers, body) = self.get_public(BOARD_ENDPOINT, url.as_str(), etag).await?;
        match status {
            200 => {
                let raw: RawBoard = serde_json::from_slice(&body).map_err(|e| Error::Decode {
                    endpoint: BOARD_ENDPOINT.to_string(),
                    detail: super::error::bounded(&e.to_string(), 200),
                    snippet: super::error::bounded(&String::from_utf8_lossy(&body), 200),
                })?;
                drop(body);
                let postings = raw
                    .jobs
                    .into_iter()
                    .filter_map(|j| {
                        Some(BoardPosting {
                            id: j.id?,
                            description_html: j.description_html?,
                            description_plain: j.description_plain?,
                        })
                    })
                    .collect();
                let etag = headers
                    .get(reqwest::header::ETAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                Ok(BoardAnswer::Postings { postings, etag })
            }
            304 => Ok(BoardAnswer::NotModified),
            other => Ok(BoardAnswer::Unavailable(other)),
        }
    }
}

/// The public board a posting link points at: `https://jobs.ashbyhq.com/{board}/{posting_id}…`
/// (the board name URL-decoded), or `None` for any other link or one naming another posting.
pub fn board_of_link(link: &str, posting_id: &str) -> Option<String> {
    let url = url::Url::parse(link.trim()).ok()?;
    if !url.host_str()?.eq_ignore_ascii_case(BOARD_HOST) {
        return None;
    }
    let mut segments = url.path_segments()?;
    let board = segments.next().filter(|s| !s.is_empty())?;
    let id = segments.next()?;
    if !id.eq_ignore_ascii_case(posting_id) {
        return None;
    }
    let name = percent_encoding::percent_decode_str(board)
        .decode_utf8()
        .ok()?
        .into_owned();
    (!name.is_empty()).then_some(name)
}

/// The board names the postings' links point at, the most used first (ties by name).
/// `postings` yields `(posting id, applyLink, externalLink)`.
pub fn board_names<'a>(
    postings: impl IntoIterator<Item = (&'a str, Option<&'a str>, Option<&'a str>)>,
) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (id, apply, external) in postings {
        let board = [apply, external]
            .into_iter()
            .flatten()
            .find_map(|link| board_of_link(link, id));
        if let Some(b) = board {
            // Board names are case-insensitive.
            *counts.entry(b.to_ascii_lowercase()).or_default() += 1;
        }
    }
    let mut names: Vec<(String, usize)> = counts.into_iter().collect();
    names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    names.into_iter().map(|(n, _)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_jobs_are_left_out_not_fatal() {
        let raw: RawBoard = serde_json::from_str(
            r#"{"apiVersion":"1","jobs":[
                {"id":"a","descriptionHtml":"<p>A</p>","descriptionPlain":"A","compensation":{"x":[1,{"y":null}]}},
                {"id":7,"descriptionHtml":"<p>B</p>","descriptionPlain":"B"},
                {"id":"c","descriptionHtml":null,"descriptionPlain":"C"},
                {"id":"d","descriptionHtml":["?"],"descriptionPlain":{"k":"v"}}
            ]}"#,
        )
        .unwrap();
        let ids: Vec<Option<&str>> = raw.jobs.iter().map(|j| j.id.as_deref()).collect();
        assert_eq!(ids, [Some("a"), None, Some("c"), Some("d")]);
        assert_eq!(raw.jobs[0].description_plain.as_deref(), Some("A"));
        assert_eq!(raw.jobs[2].description_html, None);
        assert_eq!(raw.jobs[3].description_plain, None);
    }

    #[test]
    fn board_names_come_from_the_postings_own_links() {
        assert_eq!(
            board_of_link("https://jobs.ashbyhq.com/northwind/p1/application", "p1"),
            Some("northwind".into())
        );
        assert_eq!(
            board_of_link("https://JOBS.ashbyhq.com/North%20Wind%C3%A9/p1?utm=x", "p1"),
            Some("North Windé".into())
        );
        // Another posting's link, another host, no posting segment: not evidence.
        assert_eq!(
            board_of_link("https://jobs.ashbyhq.com/northwind/p2", "p1"),
            None
        );
        assert_eq!(
            board_of_link("https://careers.example.com/northwind/p1", "p1"),
            None
        );
        assert_eq!(
            board_of_link("https://jobs.ashbyhq.com/northwind", "p1"),
            None
        );
        assert_eq!(board_of_link("not a url", "p1"), None);
        let names = board_names([
            (
                "p1",
                Some("https://jobs.ashbyhq.com/a/p1/application"),
                None,
            ),
            ("p2", None, Some("https://jobs.ashbyhq.com/B/p2")),
            ("p3", Some("https://jobs.ashbyhq.com/b/p3"), None),
            ("p4", Some("https://elsewhere.example/p4"), None),
        ]);
        assert_eq!(names, ["b", "a"]);
    }
}
