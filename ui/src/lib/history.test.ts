import { describe, expect, it } from "vitest";
import type { ChangeSummary, StreamRunSummary, SyncRunRecord } from "./ipc";
import { countsInWords, failureDetail, plainFailure, syncResultText, TRIGGER_LABELS } from "./history";

const stream = (s: Partial<StreamRunSummary>): StreamRunSummary => ({
  stream: "jobs",
  full: false,
  counts: { inserted: 0, updated: 0, removed: 0 },
  outcome: "ok",
  errorCode: null,
  ...s,
});
const run = (r: Partial<SyncRunRecord>): SyncRunRecord => ({
  id: 1,
  startedAt: "2025-03-10T12:00:00Z",
  finishedAt: "2025-03-10T12:01:00Z",
  trigger: "schedule",
  full: false,
  result: "ok",
  streams: [],
  requests: 3,
  errorCode: null,
  errorMessage: null,
  openJobs: null,
  listedPostings: null,
  ...r,
});

describe("history words", () => {
  it("labels every trigger", () => {
    expect(TRIGGER_LABELS.setup).toBe("Set-up");
    expect(TRIGGER_LABELS.newKey).toBe("New key");
    expect(TRIGGER_LABELS.schedule).toBe("Scheduled");
    expect(TRIGGER_LABELS.manual).toBe("Sync now");
    expect(TRIGGER_LABELS.retry).toBe("Retry");
  });
  it("adds the counts of every stream up in words", () => {
    const r = run({
      streams: [
        stream({ counts: { inserted: 3, updated: 1, removed: 0 } }),
        stream({ stream: "postings", counts: { inserted: 0, updated: 0, removed: 16 } }),
      ],
    });
    expect(countsInWords(r)).toBe("3 added, 1 changed, 16 removed");
    expect(countsInWords(run({ streams: [stream({})] }))).toBe("No changes");
    expect(countsInWords(run({ streams: [stream({ counts: { inserted: 1200, updated: 0, removed: 0 } })] }))).toBe("1,200 added");
  });
  it("says failures in plain words, the detail apart", () => {
    const offline = run({ result: "failed", errorCode: "network", errorMessage: "Could not reach Ashby. Details: tcp connect error: Connection refused (os error 111)" });
    expect(plainFailure(offline)).toBe("Ashby couldn't be reached (no internet connection?).");
    expect(plainFailure(offline)).not.toContain("os error");
    expect(failureDetail(offline)).toContain("Code: network");
    expect(failureDetail(offline)).toContain("os error 111");
    expect(plainFailure(run({ result: "failed", errorCode: "invalid_key" }))).toBe("Ashby no longer accepts the API key.");
    expect(plainFailure(run({ result: "failed", errorCode: "decode_error" }))).toBe("The sync failed.");
    expect(plainFailure(run({ result: "partial", streams: [stream({ outcome: "skipped" })] }))).toBe("Jobs skipped: the API key can't read it.");
    expect(plainFailure(run({ result: "partial", errorCode: "missing_permission" }))).toBe("The API key can't read part of the data.");
    expect(plainFailure(run({}))).toBeNull();
  });
});

describe("syncResultText", () => {
  const summary = (s: Partial<ChangeSummary>): ChangeSummary => ({ runId: 1, counts: [], total: 0, firstSync: null, headline: "", ...s });
  it("says No changes, or what changed", () => {
    expect(syncResultText(summary({}))).toBe("No changes");
    expect(syncResultText(null)).toBe("No changes");
    expect(syncResultText(summary({ total: 4, headline: "3 jobs updated, 1 closed" }))).toBe("3 jobs updated, 1 closed");
    expect(syncResultText(summary({ total: 0, firstSync: { jobs: 2000, postings: 1800 }, headline: "First sync: 2,000 jobs, 1,800 postings" }))).toBe(
      "First sync: 2,000 jobs, 1,800 postings",
    );
  });
});
