// Generated from the Rust types by `cargo xtask bindings` (src-tauri/bindings.rs). Do not edit.

export type Access = "read" | "missing" | "unknown";

export type AppInfo = { name: string, version: string, partnerName: string, dataDir: string, logDir: string, };

export type BootScreen = "wizard" | "jobs" | "keychain";

export type BootState = { screen: BootScreen, keychainError: ErrorPayload | null, dbRecoveredFrom: string | null, 
/**
 * The key comes from `ASHBY_API_KEY` for this run (never stored).
 */
keyOverridden: boolean, };

export type CacheCounts = { jobs: number, openJobs: number, postings: number, departments: number, locations: number, };

export type CacheProblemKind = "diskFull" | "readOnly" | "permissionDenied" | "inUse" | "corrupt" | "newerVersion" | "other";

export type CacheStatus = { counts: CacheCounts, lastRun: SyncRunRecord | null, lastSuccessAt: string | null, lastFullSyncAt: string | null, consecutiveFailures: number, keyInvalid: KeyInvalid | null, };

export type ChangeFeed = { rows: Array<ChangeRecord>, 
/**
 * One per run in `rows`, newest first, counting all of the run's changes (not only the
 * filtered ones).
 */
runs: Array<ChangeSummary>, 
/**
 * The id of the newest change the user has seen (0: none).
 */
seenUpTo: number, 
/**
 * Changes newer than `seen_up_to`.
 */
unread: number, };

export type ChangeKind = "firstSync" | "jobAdded" | "jobOpened" | "jobClosed" | "jobArchived" | "jobReopened" | "jobBackToDraft" | "jobStatusChanged" | "jobRenamed" | "departmentChanged" | "locationChanged" | "jobRemoved" | "postingPublished" | "postingUnpublished" | "postingListed" | "postingUnlisted" | "postingRenamed" | "descriptionEdited" | "compensationChanged" | "postingRemoved" | "other";

export type ChangeQuery = { 
/**
 * Only these kinds (empty: all). The first-sync line is always included.
 */
kinds: Array<ChangeKind>, 
/**
 * Only changes of this job.
 */
jobId: string | null, 
/**
 * At most this many records (capped at [`MAX_CHANGE_ROWS`]).
 */
limit: number, };

export type ChangeRecord = { id: number, runId: number, 
/**
 * When the run that recorded it started.
 */
at: string, kind: ChangeKind, jobId: string | null, 
/**
 * The job's title now, or when the change was recorded if the job is gone.
 */
jobTitle: string | null, postingId: string | null, postingTitle: string | null, 
/**
 * Before → after, for kinds that change a value (status, title, department, location,
 * compensation summary).
 */
oldValue: string | null, newValue: string | null, 
/**
 * Only on [`ChangeKind::FirstSync`].
 */
firstSync: FirstSyncCounts | null, };

export type ChangeSummary = { runId: number, 
/**
 * Counts by kind, in [`ChangeKind::ALL`] order; kinds without changes are left out.
 */
counts: Array<KindCount>, total: number, 
/**
 * Set when the run was the organisation's first sync.
 */
firstSync: FirstSyncCounts | null, 
/**
 * E.g. "3 new jobs, 1 closed, 2 descriptions edited", or "First sync: 2,000 jobs, 1,800
 * postings"; empty when nothing changed.
 */
headline: string, };

export type ChecklistItem = { 
/**
 * Stable id (`jobs`, `candidates`, …, `confidentialAccess`); the UI persists ticks by it.
 */
id: string, kind: ChecklistKind, 
/**
 * What the user looks for in Ashby, e.g. "Jobs".
 */
label: string, 
/**
 * Why it matters, in one sentence.
 */
detail: string, 
/**
 * The module this item grants, for `ModuleRead` items.
 */
module: Module | null, };

export type ChecklistKind = "moduleRead" | "toggle";

export type ConnectionStep = { 
/**
 * "DNS", "TCP", "Proxy", "TLS", "HTTP".
 */
name: string, ok: boolean, detail: string, };

export type ConnectionTest = { 
/**
 * The API's `host:port`.
 */
target: string, proxy: ProxyInUse, steps: Array<ConnectionStep>, 
/**
 * Every step passed and Ashby answered.
 */
ok: boolean, 
/**
 * The first failure, worded as everywhere else (with details for IT).
 */
problem: NetworkProblem | null, };

export type EmploymentType = "FullTime" | "PartTime" | "Intern" | "Contract" | "Temporary" | (string & {});

export type ErrorCode = "missing_key" | "invalid_key" | "missing_permission" | "rate_limited" | "sync_token_expired" | "sync_token_invalid" | "incremental_sync_too_large" | "cursor_expired" | "cursor_invalid" | "not_found" | "invalid_input" | "server_error" | "network" | "timeout" | "decode_error" | "api_error" | "page_cap_exceeded" | "response_too_large" | "client_config" | "key_empty" | "key_malformed" | "key_too_long" | "keychain_unavailable" | "keychain_locked" | "keychain_access_denied" | "keychain_corrupt" | "keychain_error" | "db_error" | "db_migration_failed" | "db_io" | "db_corrupt" | "internal" | "no_key" | "not_verified" | "key_cannot_sync" | "invalid_status" | "sync_unavailable" | "cancelled" | "verify_timeout" | "autostart_failed" | "invalid_setting" | "interrupted" | "certificate_untrusted" | "certificate_expired" | "certificate_wrong_host" | "tls_failed" | "proxy_auth_required" | "proxy_refused" | "proxy_unreachable" | "blocked_by_network" | "insecure_base_url" | "unrecognized" | "sync_busy" | "sync_superseded" | "update_unavailable" | "update_check_failed" | "update_signature_invalid" | "update_install_failed" | "export_failed" | "browser_unavailable";

export type ErrorPayload = { code: ErrorCode, message: string, };

export type ExportFormat = "csv" | "json";

export type ExportOutcome = { path: string, jobs: number, 
/**
 * A search matched more jobs than the list ranks (as the list's "2,000+").
 */
truncated: boolean, };

export type Facets = { 
/**
 * Faceted counts: each filter's counts are for the jobs matching the search and every
 * *other* filter of the query (so a status count under a search counts the matches).
 */
departments: Array<TreeFacet>, locations: Array<TreeFacet>, employmentTypes: Array<ValueCount>, workplaceTypes: Array<ValueCount>, statuses: Array<ValueCount>, 
/**
 * Jobs with at least one listed posting, and with none (the Listed/Unlisted filter).
 */
listed: number, unlisted: number, 
/**
 * The counts are over the newest matches of a very common search only (as the list is).
 */
truncated: boolean, 
/**
 * The public job board the listed postings link to (`jobs.ashbyhq.com/{board}`), if any.
 */
board: string | null, };

export type FirstSyncCounts = { jobs: number, postings: number, };

export type FirstSyncEstimate = { postings: number, 
/**
 * Descriptions expected from the public job board (one request).
 */
fromBoard: number, 
/**
 * Requests the first sync should need.
 */
requests: number, 
/**
 * Expected duration in seconds.
 */
secs: number, 
/**
 * The estimate in words, for the wizard and the jobs view.
 */
message: string, };

export type Folder = "data" | "logs";

export type HiringTeamMember = { userId: string, firstName: string, lastName: string, 
/**
 * "First Last".
 */
name: string, email: string | null, role: string, };

export type JobDetail = { departmentName: string | null, 
/**
 * Department chain from the top, e.g. ["Engineering", "Platform"].
 */
departmentPath: Array<NamedRef>, locationName: string | null, workplaceType: WorkplaceType | null, hiringTeam: Array<HiringTeamMember>, postings: Array<PostingDetail>, id: string, title: string, status: JobStatus, employmentType: EmploymentType | null, confidential: boolean, departmentId: string | null, locationId: string | null, customRequisitionId: string | null, createdAt: string | null, updatedAt: string, openedAt: string | null, closedAt: string | null, 
/**
 * Published and unpublished posting ids, as `job.list` reports them.
 */
jobPostingIds: Array<string>, 
/**
 * The job's openings (headcount slots), from `expand: ["openings"]`.
 */
openings: Array<OpeningRecord>, };

export type JobListItem = { id: string, title: string, status: JobStatus, employmentType: EmploymentType | null, confidential: boolean, departmentId: string | null, departmentName: string | null, locationId: string | null, locationName: string | null, workplaceType: WorkplaceType | null, isListed: boolean, postingCount: number, 
/**
 * Openings (headcount slots) in state Open.
 */
openOpenings: number, updatedAt: string, openedAt: string | null, closedAt: string | null, 
/**
 * The title split into spans with search hits marked (only when searching).
 */
titleHighlight: Array<TextSpan> | null, 
/**
 * A short excerpt of a matching posting description (only when searching and it matched).
 */
snippet: Array<TextSpan> | null, };

export type JobPage = { 
/**
 * Matching jobs (capped for very broad searches; see `truncated`).
 */
total: number, 
/**
 * `true` when a search matched more jobs than are ranked; refine the search.
 */
truncated: boolean, offset: number, rows: Array<JobListItem>, };

export type JobQuery = { 
/**
 * Free text; words are ANDed, the last word matches as a prefix.
 */
search: string | null, 
/**
 * Empty means the default status (Open); known statuses match case-insensitively.
 */
statuses: Array<JobStatus>, 
/**
 * Includes the department's teams (sub-departments).
 */
departmentId: string | null, 
/**
 * Includes child locations of a region.
 */
locationId: string | null, employmentType: EmploymentType | null, workplaceType: WorkplaceType | null, 
/**
 * `true`: jobs with at least one listed posting; `false`: jobs with none.
 */
listed: boolean | null, 
/**
 * Default: `Relevance` when searching, else `Updated`.
 */
sort: JobSort | null, 
/**
 * Default: descending for `Updated`/`Opened`, ascending for `Title`.
 */
descending: boolean | null, offset: number, 
/**
 * Default 50, at most 500.
 */
limit: number | null, };

export type JobSort = "relevance" | "updated" | "title" | "opened";

export type JobStatus = "Draft" | "Open" | "Closed" | "Archived" | (string & {});

export type JobsView = "jobs" | "changes" | "history";

export type KeyInvalid = { code: ErrorCode, at: string, };

export type KeyStatus = { 
/**
 * A key is in the keychain.
 */
stored: boolean, 
/**
 * `ASHBY_API_KEY` is set for this run.
 */
overridden: boolean, 
/**
 * What the last verification that confirmed the key learned.
 */
verification: Verification | null, 
/**
 * The last re-verification that did not confirm the key (rejected, unreachable), when it
 * came after `verification`, which it does not replace.
 */
failedCheck: Verification | null, 
/**
 * Ashby rejected the key during a sync.
 */
keyInvalid: KeyInvalid | null, };

export type KindCount = { kind: ChangeKind, count: number, };

export type Module = "jobs" | "candidates" | "interviews" | "hiringProcessMetadata" | "organization" | "offers" | "apiKeys" | "approvals" | "reports";

export type ModuleCheck = { module: Module, 
/**
 * As Ashby labels it ("Hiring Process").
 */
label: string, access: Access, 
/**
 * The sync needs this module (Jobs, Organization).
 */
required: boolean, 
/**
 * How to grant the permission, when `access` is `Missing`.
 */
fix: string | null, 
/**
 * Why the answer is `Unknown`.
 */
detail: string | null, };

export type NamedRef = { id: string, name: string, };

export type NetworkProblem = { code: ErrorCode, 
/**
 * What happened and what to do (and what to tell IT).
 */
message: string, 
/**
 * For "Copy details for IT" (certificate and proxy problems): host, proxy, certificate
 * issuer and chain. Never the key.
 */
itDetails: string | null, };

export type NoticeTarget = "settings" | "jobs" | "changes" | "history";

export type NotificationPrefs = { 
/**
 * Key rejected, permission lost, keychain locked, nothing synced for a day.
 */
actionNeeded: boolean, 
/**
 * "5 new jobs, 2 closed" after a sync with changes.
 */
digest: boolean, 
/**
 * Only changes in these departments (ids) count for the digest; empty means all.
 */
digestDepartments: Array<string>, };

export type OpeningRecord = { id: string, 
/**
 * The opening's identifier in Ashby (e.g. a requisition number), from its latest version.
 */
identifier: string | null, state: OpeningState | null, isArchived: boolean, 
/**
 * Date only or date-time, as Ashby sent it.
 */
targetHireDate: string | null, openedAt: string | null, closedAt: string | null, };

export type OpeningState = "Approved" | "Closed" | "Draft" | "Filled" | "Open" | (string & {});

export type Outcome = "fullRead" | "missingModules" | "incomplete" | "invalidKey" | "unreachable" | "unverified";

export type PostingDetail = { 
/**
 * Sanitized (ammonia) — safe formatting and links only; no scripts, images or iframes.
 */
descriptionHtml: string | null, descriptionPlain: string | null, id: string, jobId: string, title: string, departmentName: string | null, teamName: string | null, locationName: string | null, primaryLocationId: string | null, secondaryLocationIds: Array<string>, workplaceType: WorkplaceType | null, employmentType: EmploymentType | null, isListed: boolean, publishedDate: string | null, applicationDeadline: string | null, externalLink: string | null, applyLink: string | null, 
/**
 * The only compensation data kept: the summary string Ashby shows.
 */
compensationTierSummary: string | null, shouldDisplayCompensation: boolean, updatedAt: string, };

export type ProxyInUse = { source: ProxySource, 
/**
 * `http://host:port` (never the credentials); `None` for a direct connection.
 */
proxy: string | null, 
/**
 * The environment variable it was read from.
 */
variable: string | null, };

export type ProxySource = "direct" | "os" | "environment" | "manual";

export type ProxyStatus = { 
/**
 * The proxy set by hand (`http://host:port`), `None` = automatic.
 */
manual: string | null, 
/**
 * A user name and password for it are in the keychain.
 */
hasCredentials: boolean, 
/**
 * What requests to Ashby go through now.
 */
inUse: ProxyInUse, };

export type RowProblem = { 
/**
 * The row's Ashby id (`None` when the row was unreadable up to its id).
 */
id: string | null, code: ErrorCode, 
/**
 * What went wrong, in words (bounded, key scrubbed).
 */
reason: string, };

export type RunResult = "ok" | "partial" | "failed";

export type SchedulerState = { 
/**
 * The trigger of the run in progress, if any.
 */
running: Trigger | null, 
/**
 * Next automatic run (with jitter); `None` while paused or running.
 */
nextRunAt: string | null, 
/**
 * Automatic runs wait for a (new) key.
 */
pausedForKey: boolean, 
/**
 * The last attempt found another window or process syncing this cache; retried later.
 */
busyElsewhere: boolean, 
/**
 * The keychain is locked (or did not answer): automatic runs wait for Sync now.
 */
keychainLocked: boolean, consecutiveFailures: number, lastSuccessAt: string | null, lastSummary: SyncSummary | null, 
/**
 * Whether Ashby answered the last run or reachability check (`None`: nothing asked yet).
 */
online: boolean | null, 
/**
 * The sync interval in seconds; `None` while automatic syncs are paused by the user.
 */
intervalSecs: number | null, };

export type StartupProblem = { 
/**
 * `invalid_setting`, `db_corrupt` or `db_io`.
 */
code: ErrorCode, 
/**
 * What was wrong with the cache; `None` for a setting.
 */
cache: CacheProblemKind | null, 
/**
 * What happened and what to do.
 */
message: string, 
/**
 * The cache file, when it is about the cache.
 */
path: string | null, 
/**
 * What the system said, for IT.
 */
detail: string | null, 
/**
 * "Move it aside and start fresh" can help.
 */
canMoveAside: boolean, 
/**
 * "Try again" can help (a setting is fixed only by restarting with another value).
 */
canRetry: boolean, };

export type StepAction = { "kind": "openUrl", label: string, url: string, } | { "kind": "copyText", label: string, text: string, } | { "kind": "verifyKey", label: string, } | { "kind": "saveKey", label: string, };

export type StepId = "welcome" | "logIn" | "findApiKeys" | "createKey" | "permissions" | "saveAndCopy" | "pasteKey" | "save";

export type StepKind = "welcome" | "instructions" | "keyInput" | "save";

export type Stream = "departments" | "locations" | "jobs" | "postings";

export type StreamCounts = { inserted: number, updated: number, removed: number, };

export type StreamOutcome = "ok" | "skipped" | "failed" | "not_run" | "partial";

export type StreamRunSummary = { stream: Stream, 
/**
 * `true` when the pass saw everything (first sync, expired token, daily reconcile, `--full`).
 */
full: boolean, counts: StreamCounts, outcome: StreamOutcome, errorCode: ErrorCode | null, 
/**
 * For a skipped stream: the Ashby module whose read permission the key lacks (the one
 * Ashby named, else the stream's own). Kept in the history so the banner rebuilt after a
 * restart names the same module as the live one. Absent in rows of older versions, and
 * not written when there is none (rows keep their old shape).
 */
missingModule?: Module, 
/**
 * Rows not stored this run (outcome `partial`); not written when there are none.
 */
problems?: Array<RowProblem>, 
/**
 * Problems beyond the first [`MAX_ROW_PROBLEMS`].
 */
moreProblems?: number, };

export type SyncInterval = "15m" | "30m" | "1h" | "3h" | "6h" | "1d" | "paused";

export type SyncProgress = { stage: SyncStage, stream: Stream | null, 
/**
 * Page of the current list (1-based; 0 when not paging).
 */
page: number, 
/**
 * Items of the current stream handled so far.
 */
items: number, 
/**
 * Items expected, when known (descriptions).
 */
total: number | null, 
/**
 * Seconds left for the current phase, from the current request rate (descriptions).
 */
etaSecs: number | null, };

export type SyncRunRecord = { id: number, startedAt: string, finishedAt: string | null, trigger: Trigger, full: boolean, 
/**
 * `None` while the run is still going (or if the app was killed during it).
 */
result: RunResult | null, streams: Array<StreamRunSummary>, requests: number, errorCode: ErrorCode | null, errorMessage: string | null, 
/**
 * Open jobs in the cache when the run finished (`None` for runs before this was kept).
 */
openJobs: number | null, 
/**
 * Listed postings in the cache when the run finished.
 */
listedPostings: number | null, };

export type SyncStage = "starting" | "listing" | "descriptions" | "saving";

export type SyncStatus = { cache: CacheStatus, 
/**
 * The trigger of the sync running now, if any.
 */
running: Trigger | null, 
/**
 * When the scheduler will sync next (`None` while running, paused or not scheduling).
 */
nextSyncAt: string | null, 
/**
 * Automatic syncs wait for a new key.
 */
pausedForKey: boolean, 
/**
 * The last attempt found another Ashby Sync window or process syncing this cache.
 */
busyElsewhere: boolean, 
/**
 * The keychain is locked (or its unlock prompt went unanswered): syncing waits for
 * "Unlock and retry" (Sync now).
 */
keychainLocked: boolean, 
/**
 * Whether Ashby answered the last attempt (`None` until something was tried).
 */
online: boolean | null, 
/**
 * Automatic syncs are paused by the user's choice (Settings → Sync interval).
 */
syncPaused: boolean, };

export type SyncSummary = { 
/**
 * The history row (`None` if the run could not even be recorded or started).
 */
runId: number | null, trigger: Trigger, result: RunResult, startedAt: string, finishedAt: string, streams: Array<StreamRunSummary>, 
/**
 * HTTP requests made (retries included).
 */
requests: number, errorCode: ErrorCode | null, errorMessage: string | null, 
/**
 * Modules the key lacks read access to (streams skipped; result `partial`).
 */
missingModules: Array<Module>, 
/**
 * No key, or Ashby rejected it: the UI must ask for a key; automatic syncs pause.
 */
needsKey: boolean, };

export type TextSpan = { text: string, mark: boolean, };

export type ToggleCheck = { 
/**
 * Stable id, the same as step 4's checklist item (`confidentialAccess`).
 */
id: string, 
/**
 * As Ashby labels it.
 */
label: string, 
/**
 * `Unknown` when Ashby does not tell apps how the switch is set.
 */
access: Access, 
/**
 * What the user should check, in plain words.
 */
detail: string, };

export type TreeFacet = { id: string, name: string, parentId: string | null, isArchived: boolean, 
/**
 * Jobs directly in this department/location.
 */
count: number, 
/**
 * Jobs here or in any descendant (what filtering by this id returns).
 */
totalCount: number, };

export type TrendPoint = { at: string, openJobs: number, listedPostings: number, };

export type Trigger = "schedule" | "manual" | "startup" | "cli" | "setup" | "newKey" | "retry";

export type UpdateStatus = { "kind": "upToDate", current: string, } | { "kind": "available", current: string, version: string, 
/**
 * The release notes, as plain text.
 */
notes: string | null, 
/**
 * When it was published (RFC 3339), if the manifest says.
 */
date: string | null, };

export type ValueCount = { value: string, count: number, };

export type Verification = { outcome: Outcome, 
/**
 * Ashby accepted the key.
 */
valid: boolean, 
/**
 * Saving is allowed: valid key with Read on Jobs and Organization (what the sync needs).
 */
canSave: boolean, 
/**
 * The key's name in Ashby (needs API Keys read).
 */
title: string | null, 
/**
 * When the key was created, as Ashby reports it (ISO 8601).
 */
createdAt: string | null, 
/**
 * Scopes from `apiKey.info`, e.g. `jobs:read`.
 */
scopes: Array<string>, 
/**
 * Scopes that allow changing data; the guide asks for a read-only key.
 */
writeScopes: Array<string>, 
/**
 * The modules behind `write_scopes`, as Ashby's key form names them ("Jobs", "Candidates").
 */
writeModules: Array<string>, 
/**
 * The key's switches besides the modules (access to confidential jobs), and whether they
 * could be checked.
 */
toggles: Array<ToggleCheck>, 
/**
 * One row per module, in Ashby's order.
 */
modules: Array<ModuleCheck>, 
/**
 * Headline for the outcome: what happened and what to do.
 */
message: string, 
/**
 * Secondary messages: write access, missing optional modules, unchecked modules.
 */
warnings: Array<string>, verifiedAt: string, 
/**
 * Why Ashby could not be reached (outcome `unreachable`): what the network did, for the
 * wizard's inline error with Retry and "Copy details for IT".
 */
network: NetworkProblem | null, };

export type ViewState = { view: JobsView, 
/**
 * The search box's text, as typed.
 */
search: string, 
/**
 * Filters and sort (`offset`/`limit` are not used).
 */
query: JobQuery, 
/**
 * The job open in the detail pane.
 */
openJobId: string | null, 
/**
 * The list pane's width in CSS pixels (`None`: the layout's default).
 */
listWidth: number | null, };

export type WizardMode = "firstRun" | "replaceKey";

export type WizardProgress = { 
/**
 * 0-based step index.
 */
step: number, 
/**
 * Checklist items the user ticked.
 */
ticks: Array<string>, };

export type WizardStep = { id: StepId, 
/**
 * 1-based position among the guide's steps ("Step n of total"); 0 for the welcome.
 */
number: number, total: number, kind: StepKind, title: string, 
/**
 * Paragraphs, in order.
 */
body: Array<string>, actions: Array<StepAction>, checklist: Array<ChecklistItem>, 
/**
 * Shown prominently (e.g. "don't grant write access").
 */
warnings: Array<string>, 
/**
 * Shown as notes below the body.
 */
notes: Array<string>, 
/**
 * The forward button's words ("Get started" on the welcome; "Next" elsewhere).
 */
nextLabel: string, 
/**
 * Shown once the key is saved (Replace key), before going back to the jobs.
 */
doneMessage: string | null, };

export type WorkplaceType = "OnSite" | "Hybrid" | "Remote" | (string & {});

/** Every kind of change record, in the order summaries count them. */
export const CHANGE_KINDS: readonly ChangeKind[] = ["firstSync","jobAdded","jobOpened","jobClosed","jobArchived","jobReopened","jobBackToDraft","jobStatusChanged","jobRenamed","departmentChanged","locationChanged","jobRemoved","postingPublished","postingUnpublished","postingListed","postingUnlisted","postingRenamed","descriptionEdited","compensationChanged","postingRemoved","other"];

/** The status the job list shows when none is chosen. */
export const DEFAULT_JOB_STATUS: JobStatus = "Open";

/** Every employment type Ashby documents. */
export const EMPLOYMENT_TYPES: readonly EmploymentType[] = ["FullTime","PartTime","Intern","Contract","Temporary"];

/** Every job status Ashby documents. */
export const JOB_STATUSES: readonly JobStatus[] = ["Draft","Open","Closed","Archived"];

/** Ashby's permission modules, in the order its API key form lists them. */
export const MODULES: readonly Module[] = ["jobs","candidates","interviews","hiringProcessMetadata","organization","offers","apiKeys","approvals","reports"];

/** Each Ashby module as Ashby's API key form labels it. */
export const MODULE_LABELS: Record<Module, string> = { "jobs": "Jobs", "candidates": "Candidates", "interviews": "Interviews", "hiringProcessMetadata": "Hiring Process", "organization": "Organization", "offers": "Offers", "apiKeys": "API Keys", "approvals": "Approvals", "reports": "Reports" };

/** Error codes that mean there is no usable key (the UI asks for one). */
export const NEEDS_KEY_CODES: readonly ErrorCode[] = ["invalid_key","missing_key","no_key"];

/** Error codes that mean Ashby could not be reached at all (the app says Offline). */
export const OFFLINE_CODES: readonly ErrorCode[] = ["network","timeout"];

/** The synced streams, in the order a run processes them. */
export const STREAMS: readonly Stream[] = ["departments","locations","jobs","postings"];

/** The Ashby module whose Read permission each stream needs. */
export const STREAM_MODULES: Record<Stream, Module> = { "departments": "organization", "locations": "organization", "jobs": "jobs", "postings": "jobs" };

/** What each stream holds, in words. */
export const STREAM_NOUNS: Record<Stream, string> = { "departments": "departments", "locations": "locations", "jobs": "jobs", "postings": "job postings" };

/** Every workplace type Ashby documents. */
export const WORKPLACE_TYPES: readonly WorkplaceType[] = ["OnSite","Hybrid","Remote"];

/** Every command the window may invoke: its argument object (keys as Tauri expects them) and its result. Generated from `commands::ipc_table!`. */
export type Commands = {
  app_info: { args: null; result: AppInfo };
  startup_problem: { args: null; result: StartupProblem | null };
  retry_startup: { args: null; result: StartupProblem | null };
  start_fresh: { args: null; result: StartupProblem | null };
  quit_app: { args: null; result: void };
  open_external: { args: { url: string }; result: void };
  boot_state: { args: null; result: BootState };
  wizard_steps: { args: { mode: WizardMode }; result: Array<WizardStep> };
  wizard_progress: { args: null; result: WizardProgress };
  set_wizard_progress: { args: { progress: WizardProgress }; result: void };
  verify_key: { args: { key: string }; result: Verification };
  cancel_verification: { args: null; result: void };
  save_key: { args: { clearCache: boolean }; result: void };
  check_organization: { args: null; result: boolean | null };
  first_sync_estimate: { args: null; result: FirstSyncEstimate | null };
  key_status: { args: null; result: KeyStatus };
  reverify_key: { args: null; result: Verification };
  remove_key: { args: { deleteCache: boolean }; result: void };
  start_at_login: { args: null; result: boolean };
  set_start_at_login: { args: { enabled: boolean }; result: boolean };
  proxy_status: { args: null; result: ProxyStatus };
  set_proxy: { args: { proxy: string }; result: ProxyStatus };
  test_connection: { args: null; result: ConnectionTest };
  check_for_update: { args: null; result: UpdateStatus };
  install_update: { args: null; result: void };
  list_jobs: { args: { query: JobQuery }; result: JobPage };
  job_detail: { args: { id: string }; result: JobDetail | null };
  facets: { args: { statuses: Array<JobStatus> }; result: Facets };
  job_facets: { args: { query: JobQuery }; result: Facets };
  job_in_results: { args: { query: JobQuery; id: string }; result: boolean };
  view_state: { args: null; result: ViewState };
  set_view_state: { args: { view: ViewState }; result: void };
  sync_history: { args: { limit: number }; result: Array<SyncRunRecord> };
  sync_status: { args: null; result: SyncStatus };
  sync_now: { args: null; result: void };
  export_jobs: { args: { query: JobQuery; format: ExportFormat }; result: ExportOutcome | null };
  notification_prefs: { args: null; result: NotificationPrefs };
  set_notification_prefs: { args: { prefs: NotificationPrefs }; result: NotificationPrefs };
  list_changes: { args: { query: ChangeQuery }; result: ChangeFeed };
  unread_changes: { args: null; result: number };
  mark_changes_seen: { args: { upTo: number }; result: void };
  sync_trend: { args: { days: number }; result: Array<TrendPoint> };
  run_changes: { args: { runId: number }; result: ChangeSummary };
  sync_interval: { args: null; result: SyncInterval };
  set_sync_interval: { args: { interval: SyncInterval }; result: SyncInterval };
  open_folder: { args: { folder: Folder }; result: void };
  network_changed: { args: null; result: void };
};

export type CommandName = keyof Commands;

/** The events the backend emits, by name. */
export const EVENTS = {
  syncProgress: "sync://progress",
  syncFinished: "sync://finished",
  syncState: "sync://state",
  cacheProblem: "app://cache-problem",
  openScreen: "app://open-screen",
} as const;

/** Each event's payload. */
export type Events = {
  "sync://progress": SyncProgress;
  "sync://finished": SyncSummary;
  "sync://state": SchedulerState;
  "app://cache-problem": StartupProblem;
  "app://open-screen": NoticeTarget;
};

/** How often jobs sync, in words (`sync::DEFAULT_INTERVAL`), e.g. "every hour". */
export const SYNC_EVERY = "every hour";

/** How long a first sync takes, as measured by the benchmark (`sync::FIRST_SYNC_NOTE`). */
export const FIRST_SYNC_NOTE = "The first sync takes a few minutes: about 6 minutes for an organisation with 10,000 job postings, as most descriptions come from your public job board in one request. The progress bar shows the time left for yours.";
