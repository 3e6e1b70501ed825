import { describe, expect, it } from "vitest";
import type { Module, Stream, StreamRunSummary, SyncRunRecord, SyncProgress, SyncStatus, SyncSummary } from "./ipc";
import { etaWords, firstSyncNote, isOffline, progressFraction, progressLabel, reachableNow, syncProblem } from "./syncui";

const status = (lastRun: Partial<SyncRunRecord> | null, extra: Partial<SyncStatus> = {}): SyncStatus => ({
  cache: {
    counts: { jobs: 10, openJobs: 5, postings: 8, departments: 2, locations: 3 },
    lastRun: lastRun && {
      id: 1, startedAt: "2025-03-10T12:00:00Z", finishedAt: "2025-03-10T12:01:00Z", trigger: "schedule", full: false,
      result: "ok", streams: [], requests: 3, errorCode: null, errorMessage: null, openJobs: null, listedPostings: null, ...lastRun,
    },
    lastSuccessAt: null, lastFullSyncAt: null, consecutiveFailures: 0, keyInvalid: null,
  },
  running: null, nextSyncAt: null, pausedForKey: false, busyElsewhere: false, keychainLocked: false, online: null, syncPaused: false, ...extra,
});

const summary = (s: Partial<SyncSummary>): SyncSummary => ({
  runId: 2, trigger: "manual", result: "ok", startedAt: "2025-03-10T12:00:00Z", finishedAt: "2025-03-10T12:00:05Z",
  streams: [], requests: 4, errorCode: null, errorMessage: null, missingModules: [], needsKey: false, ...s,
});

describe("progress", () => {
  it("says what is happening with counts", () => {
    expect(progressLabel(null)).toBe("Starting sync…");
    expect(progressLabel({ stage: "listing", stream: "jobs", page: 3, items: 250, total: null, etaSecs: null })).toBe("Downloading jobs · page 3 · 250 so far");
    expect(progressLabel({ stage: "descriptions", stream: "postings", page: 0, items: 120, total: 800, etaSecs: null })).toBe("Downloading posting descriptions · 120 of 800");
    expect(progressLabel({ stage: "descriptions", stream: "postings", page: 0, items: 120, total: 800, etaSecs: 170 })).toBe("Downloading posting descriptions · 120 of 800 · about 3 min left");
    expect(progressLabel({ stage: "descriptions", stream: "postings", page: 0, items: 800, total: 800, etaSecs: 0 })).toBe("Downloading posting descriptions · 800 of 800");
    expect(progressLabel({ stage: "saving", stream: "jobs", page: 0, items: 2000, total: null, etaSecs: null })).toBe("Saving jobs · 2,000");
  });
  it("measures the current phase by its work, only when it can", () => {
    expect(progressFraction({ stage: "listing", stream: "jobs", page: 1, items: 100, total: null, etaSecs: null })).toBeNull();
    // Half the descriptions downloaded is half the bar (it used to jump to 75 % when the phase began).
    expect(progressFraction({ stage: "descriptions", stream: "postings", page: 0, items: 50, total: 100, etaSecs: 30 })).toBeCloseTo(0.5);
    expect(progressFraction({ stage: "descriptions", stream: "postings", page: 0, items: 0, total: 800, etaSecs: 600 })).toBe(0);
    expect(progressFraction({ stage: "descriptions", stream: "postings", page: 0, items: 120, total: 0, etaSecs: null })).toBeNull();
    expect(progressFraction({ stage: "saving", stream: "departments", page: 0, items: 5, total: null, etaSecs: null })).toBeNull();
  });
});

describe("etaWords", () => {
  it("says the time left as the CLI does", () => {
    expect(etaWords(20)).toBe("less than a minute");
    expect(etaWords(60)).toBe("about 1 min");
    expect(etaWords(61)).toBe("about 2 min");
    expect(etaWords(4200)).toBe("about 1 h 10 min");
  });
});

describe("syncProblem", () => {
  it("asks to unlock the keychain when it is locked, and retries on the button", () => {
    const p = syncProblem(status({ result: "failed", errorCode: "keychain_locked" }, { keychainLocked: true }), null);
    expect(p?.kind).toBe("keychain");
    expect(p?.fix).toBe("unlockRetry");
    expect(p?.message).toContain("keychain is locked");
    expect(syncProblem(status(null), summary({ result: "failed", errorCode: "keychain_locked" }))?.kind).toBe("keychain");
  });
  it("says another window or process is syncing, without calling it a failure", () => {
    const p = syncProblem(status({ result: "ok" }, { busyElsewhere: true }), summary({ result: "failed", errorCode: "sync_busy" }));
    expect(p?.kind).toBe("busy");
    expect(p?.message).toContain("another Ashby Sync window or process");
  });
  it("stays quiet about a run superseded by a key change", () => {
    expect(syncProblem(status(null), summary({ result: "failed", errorCode: "sync_superseded" }))).toBeNull();
    // Stopped (quit, key removed): nothing to fix, no "Try again" banner (it showed after Remove key).
    expect(syncProblem(status({ result: "failed", errorCode: "interrupted" }), null)).toBeNull();
  });
  it("names the rows a partial run could not store", () => {
    const msg = "Some job posting descriptions could not be downloaded: p1 (Ashby is having a problem). Everything else is up to date; the next sync tries them again.";
    const p = syncProblem(status({ result: "partial", errorCode: "server_error", errorMessage: msg }), null);
    expect(p?.kind).toBe("error");
    expect(p?.message).toBe(msg);
  });
  it("says an interrupted first sync keeps what it got", () => {
    const st = status({ result: "failed", errorCode: "network" });
    expect(syncProblem(st, null)?.message).toMatch(/continues from there/);
    const empty = status({ result: "failed", errorCode: "network" });
    empty.cache.counts.jobs = 0;
    expect(syncProblem(empty, null)?.message).toMatch(/nothing could be synced yet/);
  });
  it("is quiet when the last run went fine", () => {
    expect(syncProblem(status({ result: "ok" }), null)).toBeNull();
    expect(syncProblem(status(null), null)).toBeNull();
  });
  it("asks for a new key when Ashby rejected it", () => {
    const p = syncProblem(status(null, { cache: { ...status(null).cache, keyInvalid: { code: "invalid_key", at: "2025-03-10T12:00:00Z" } } }), null);
    expect(p?.fix).toBe("reenterKey");
    expect(syncProblem(status({ result: "failed", errorCode: "invalid_key" }), null)?.kind).toBe("key");
  });
  it("names Ashby's modules to grant after a partial run", () => {
    const p = syncProblem(status(null), summary({ result: "partial", missingModules: ["organization"] }));
    expect(p?.fix).toBe("grantModule");
    expect(p?.modules).toEqual(["organization"]);
    expect(p?.message).toMatch(/tick Read for it/);
    expect(p?.message).toMatch(/can't read Organization/);
  });
  it("names Ashby's modules, not streams, when rebuilt from the history row after a restart", () => {
    // Rows written before the history kept the module (no missingModule): the stream's own.
    const skipped = (stream: Stream, missingModule?: Module): StreamRunSummary => ({
      stream, full: false, counts: { inserted: 0, updated: 0, removed: 0 }, outcome: "skipped", errorCode: "missing_permission",
      ...(missingModule ? { missingModule } : {}),
    });
    const ok = (stream: Stream): StreamRunSummary => ({ ...skipped(stream), outcome: "ok", errorCode: null });
    // A key without Organization: departments and locations were skipped, jobs synced.
    const org = syncProblem(status({ result: "partial", streams: [skipped("departments"), skipped("locations"), ok("jobs"), ok("postings")] }), null);
    expect(org?.kind).toBe("permission");
    expect(org?.modules).toEqual(["organization"]);
    expect(org?.message).toMatch(/Organization/);
    expect(org?.message).not.toMatch(/Departments|Locations/i);
    // The live summary and the history row say the same thing.
    const live = syncProblem(status(null), summary({ result: "partial", missingModules: ["organization"] }));
    expect(org?.message).toBe(live?.message);
    const jobs = syncProblem(status({ result: "partial", streams: [ok("departments"), ok("locations"), ok("jobs"), skipped("postings")] }), null);
    expect(jobs?.modules).toEqual(["jobs"]);
    expect(jobs?.message).not.toMatch(/postings/i);
    // The module Ashby named wins over the stream's own, as in the live summary.
    const named = syncProblem(status({ result: "partial", streams: [skipped("departments", "jobs"), ok("locations")] }), null);
    expect(named?.modules).toEqual(["jobs"]);
    const namedLive = syncProblem(status(null), summary({ result: "partial", missingModules: ["jobs"] }));
    expect(named?.message).toBe(namedLive?.message);
  });
  it("says offline for network failures and offers retry for others", () => {
    const off = status({ result: "failed", errorCode: "network", errorMessage: "x" }, { online: false });
    off.cache.counts.jobs = 0;
    expect(syncProblem(off, null)?.kind).toBe("offline");
    expect(syncProblem(off, null)?.message).toMatch(/nothing could be synced yet/);
    const offAfterSync = { ...off, cache: { ...off.cache, lastSuccessAt: "2025-03-10T11:00:00Z" } };
    expect(syncProblem(offAfterSync, null)?.message).toMatch(/jobs from the last sync/);
    expect(isOffline(off, null)).toBe(true);
    const other = syncProblem(status({ result: "failed", errorCode: "server_error", errorMessage: "Ashby had a problem." }), null);
    expect(other).toMatchObject({ kind: "error", fix: "retry", message: "Ashby had a problem." });
  });
  it("prefers the live summary over the history row", () => {
    const off = status({ result: "failed", errorCode: "network" }, { online: false });
    expect(syncProblem(off, summary({ result: "ok" }))).toBeNull();
    expect(isOffline(off, summary({ result: "ok" }))).toBe(false);
  });
});

describe("firstSyncNote", () => {
  it("prefers this organisation's estimate and falls back to the generic note", () => {
    const estimate = { postings: 10000, fromBoard: 8500, requests: 1607, secs: 337, message: "Your first sync should take about 6 minutes." };
    expect(firstSyncNote(estimate, "generic")).toBe("Your first sync should take about 6 minutes.");
    expect(firstSyncNote(null, "generic")).toBe("generic");
  });
});

describe("reachableNow", () => {
  const p = (stage: SyncProgress["stage"], items: number) =>
    ({ stage, stream: "postings", page: 0, items, total: 100, etaSecs: null }) as SyncProgress;
  it("is the last attempt's answer until a sync receives data", () => {
    expect(reachableNow(null, false, null)).toBe(null);
    expect(reachableNow(false, true, p("starting", 0))).toBe(false);
    expect(reachableNow(null, true, p("descriptions", 0))).toBe(null);
    expect(reachableNow(null, true, p("descriptions", 6))).toBe(true);
    expect(reachableNow(false, true, p("descriptions", 6))).toBe(true);
    expect(reachableNow(false, false, p("descriptions", 6))).toBe(false);
  });
});
