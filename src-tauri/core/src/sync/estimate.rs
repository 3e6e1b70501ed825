//! How long this organisation's first sync should take, from its own counts: the wizard's last
//! step and the jobs view say it before the progress bar can (the first sync then measures its
//! own rate). One `jobPosting.list` call gives the counts; the rest is [`estimate_first_sync`].

use crate::ashby::{self, board, Client, JobPosting, JobPostingListParams, MAX_PAGE_SIZE};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Per-request time when the budget is not what limits (Ashby's typical answer, measured in
/// the benchmark's 20 ms fake plus a real link's round trip; generous on purpose).
const TYPICAL_REQUEST_SECS: f64 = 0.25;
/// Downloading, reading and storing the lists and descriptions (the benchmark's 10,000-posting
/// organisation spends about 10 s of its first sync on this).
const FIXED_SECS: f64 = 5.0;
const SECS_PER_POSTING: f64 = 0.001;

/// The counts an estimate starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EstimateInput {
    pub postings: u32,
    /// Postings whose description can come from the public job board (listed, on a board the
    /// postings link to; 0 when the board is turned off).
    pub on_board: u32,
    /// Jobs (`job.list` pages); the posting count stands in when it is not known yet.
    pub jobs: u32,
    pub departments: u32,
    pub locations: u32,
    /// The client's request budget (0 = none).
    pub rate_per_minute: u32,
    pub concurrency: u32,
}

/// This organisation's expected first sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FirstSyncEstimate {
    pub postings: u32,
    /// Descriptions expected from the public job board (one request).
    pub from_board: u32,
    /// Requests the first sync should need.
    pub requests: u32,
    /// Expected duration in seconds.
    pub secs: u32,
    /// The estimate in words, for the wizard and the jobs view.
    pub message: String,
}

fn pages(rows: u32) -> u32 {
    rows.div_ceil(MAX_PAGE_SIZE).max(1)
}

/// Requests: one page per 100 departments, locations and jobs, the posting list, the board
/// (when any description can come from it) and one `jobPosting.info` per other posting. Time:
/// the request budget or, without one, the requests at a typical latency side by side, plus
/// the time to read and store everything.
pub fn estimate_first_sync(i: &EstimateInput) -> FirstSyncEstimate {
    let from_board = i.on_board.min(i.postings);
    let one_by_one = i.postings - from_board;
    let jobs = if i.jobs == 0 { i.postings } else { i.jobs };
    let requests = pages(i.departments)
        + pages(i.locations)
        + pages(jobs)
        + 1
        + u32::from(from_board > 0)
        + one_by_one;
    let by_budget = match i.rate_per_minute {
        0 => 0.0,
        r => f64::from(requests) * 60.0 / f64::from(r),
    };
    let by_latency = f64::from(requests) * TYPICAL_REQUEST_SECS / f64::from(i.concurrency.max(1));
    let secs = by_budget.max(by_latency) + FIXED_SECS + f64::from(i.postings) * SECS_PER_POSTING;
    let secs = secs.ceil() as u32;
    FirstSyncEstimate {
        postings: i.postings,
        from_board,
        requests,
        secs,
        message: words(i.postings, from_board, secs),
    }
}

fn thousands(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (k, c) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn duration_words(secs: u32) -> String {
    match secs {
        0..=59 => "less than a minute".into(),
        60..=119 => "about a minute".into(),
        120..=3599 => format!("about {} minutes", (secs + 30) / 60),
        _ => {
            let mins = (secs + 30) / 60;
            match (mins / 60, mins % 60) {
                (1, 0) => "about an hour".into(),
                (h, 0) => format!("about {h} hours"),
                (h, m) => format!("about {h} h {m} min"),
            }
        }
    }
}

fn words(postings: u32, from_board: u32, secs: u32) -> String {
    let n = thousands(postings);
    let plural = if postings == 1 { "" } else { "s" };
    let how = if postings == 0 {
        String::new()
    } else if from_board == postings {
        ": every description comes from your public job board in one request".into()
    } else if from_board > 0 {
        format!(
            ": {} descriptions come from your public job board in one request, {} one by one",
            thousands(from_board),
            thousands(postings - from_board)
        )
    } else {
        ": each description is fetched on its own".into()
    };
    format!(
        "Your first sync should take {} for your {n} published job posting{plural}{how}.",
        duration_words(secs)
    )
}

/// Postings the board may describe: listed, with a link to a public board.
pub fn on_board(postings: &[JobPosting]) -> u32 {
    postings
        .iter()
        .filter(|p| p.is_listed)
        .filter(|p| {
            [p.apply_link.as_deref(), p.external_link.as_deref()]
                .into_iter()
                .flatten()
                .any(|l| board::board_of_link(l, &p.id).is_some())
        })
        .count() as u32
}

/// Asks Ashby for the posting list (one request) and estimates the first sync from it.
pub async fn estimate_for(
    client: &Client,
    use_public_board: bool,
    job_board_id: Option<String>,
    concurrency: u32,
) -> Result<FirstSyncEstimate, ashby::Error> {
    let params = JobPostingListParams {
        job_board_id,
        ..Default::default()
    };
    let (postings, _) = client.list_job_postings_lenient(&params).await?;
    let board = if use_public_board {
        on_board(&postings)
    } else {
        0
    };
    Ok(estimate_first_sync(&EstimateInput {
        postings: postings.len() as u32,
        on_board: board,
        rate_per_minute: client.rate_limit_per_minute(),
        concurrency,
        ..Default::default()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(postings: u32, on_board: u32, rate: u32) -> EstimateInput {
        EstimateInput {
            postings,
            on_board,
            jobs: postings,
            departments: 200,
            locations: 300,
            rate_per_minute: rate,
            concurrency: 2,
        }
    }

    #[test]
    fn the_benchmark_organisation_is_about_six_minutes_with_the_board() {
        // 10,000 postings, 85 % on the board, the default budget of 300 a minute.
        let e = estimate_first_sync(&input(10_000, 8_500, 300));
        assert_eq!(e.requests, 2 + 3 + 100 + 1 + 1 + 1_500);
        assert!((300..=380).contains(&e.secs), "{}", e.secs);
        assert!(
            e.message.contains("10,000 published job postings"),
            "{}",
            e.message
        );
        assert!(e.message.contains("8,500 descriptions"), "{}", e.message);
        assert!(e.message.contains("1,500 one by one"), "{}", e.message);
    }

    #[test]
    fn without_the_board_every_posting_costs_a_request() {
        let e = estimate_first_sync(&input(10_000, 0, 300));
        assert_eq!(e.requests, 2 + 3 + 100 + 1 + 10_000);
        // 10,106 requests at 300 a minute: about 34 minutes (the benchmark's 1c/1d).
        assert!((2_020..=2_060).contains(&e.secs), "{}", e.secs);
        assert!(e.message.contains("about 34 minutes"), "{}", e.message);
        assert!(e.message.contains("fetched on its own"), "{}", e.message);
    }

    #[test]
    fn a_small_organisation_is_under_a_minute_and_board_counts_are_capped() {
        let e = estimate_first_sync(&EstimateInput {
            postings: 40,
            on_board: 90,
            rate_per_minute: 300,
            concurrency: 2,
            ..Default::default()
        });
        assert_eq!(e.from_board, 40);
        assert_eq!(e.requests, 1 + 1 + 1 + 1 + 1);
        assert!(e.secs < 60, "{}", e.secs);
        assert!(e
            .message
            .starts_with("Your first sync should take less than a minute"));
        assert!(e
            .message
            .contains("every description comes from your public job board"));
    }

    #[test]
    fn without_a_budget_latency_and_concurrency_decide() {
        let slow = estimate_first_sync(&input(1_000, 0, 0));
        let wide = estimate_first_sync(&EstimateInput {
            concurrency: 8,
            ..input(1_000, 0, 0)
        });
        assert!(wide.secs < slow.secs);
        assert_eq!(slow.requests, wide.requests);
    }

    #[test]
    fn words_for_long_runs_and_empty_organisations() {
        assert_eq!(duration_words(3_600), "about an hour");
        assert_eq!(duration_words(2 * 3_600 + 600), "about 2 h 10 min");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let none = estimate_first_sync(&input(0, 0, 300));
        assert!(
            none.message.contains("your 0 published job postings."),
            "{}",
            none.message
        );
    }
}
