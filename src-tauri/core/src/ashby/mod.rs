//! Ashby API client (plain Rust, no Tauri types).
//!
//! * [`Client`] — POST-JSON RPC over HTTPS with Basic auth, retries (429 honours `Retry-After`,
//!   5xx/network/timeouts back off), a shared client-side token bucket, bounded concurrency, a
//!   request counter, cursor pagination with page callbacks and syncToken handling.
//! * [`Error`] — one error type with stable `code()`s and coordinator-facing messages.
//! * [`ApiKey`] — the key as a secret; [`ApiKey::parse`] normalises pasted input.
//! * [`models`] — typed, forgiving views of Ashby's payloads.
//! * [`Clock`] — all waiting goes through it; tests use [`ManualClock`].

pub mod board;
mod client;
mod clock;
mod error;
mod key;
mod limiter;
pub mod models;
mod permissions;
pub mod transport;

pub use board::{BoardAnswer, BoardPosting};
pub use client::{
    ApiVersionSeen, Client, ClientConfig, JobPostingListParams, Page, PageInfo, Pager, PassOutcome,
    SkippedRow, ASHBY_API_VERSION, MAX_PAGE_SIZE, RETRY_AFTER_CLAMP,
};
pub use clock::{Clock, ManualClock, SleepFuture, SystemClock};
pub(crate) use error::bounded as bounded_text;
pub use error::{Error, SNIPPET_MAX_CHARS};
pub use key::{ApiKey, KeyFormatError, MAX_KEY_LEN};
pub use models::{
    ApiKeyInfo, Department, EmploymentType, HiringTeamMember, HiringTeamRole, Job, JobBoard,
    JobPosting, JobPostingInfo, JobStatus, Location, LocationType, Opening, OpeningState, User,
    WorkplaceType,
};
pub use permissions::{Access, Module};
pub use transport::{CertSummary, ProxyConfig, ProxyInUse, ProxySource, TlsFacts};
