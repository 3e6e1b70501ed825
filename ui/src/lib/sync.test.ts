import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SyncStatus, SyncSummary } from "./ipc";
import type { SyncListeners } from "./events";

const listeners: SyncListeners[] = [];
let status: SyncStatus;
const syncNow = vi.fn(() => Promise.resolve());

vi.mock("./events", () => ({
  onSyncEvents: (l: SyncListeners) => {
    listeners.push(l);
    return Promise.resolve(() => listeners.splice(listeners.indexOf(l), 1));
  },
}));
const runChanges = vi.fn((runId: number) =>
  Promise.resolve({ runId, counts: [], total: 4, firstSync: null, headline: "3 new jobs, 1 closed" }),
);
vi.mock("./api", () => ({
  api: {
    syncStatus: () => Promise.resolve(status),
    syncNow: () => syncNow(),
    runChanges: (id: number) => runChanges(id),
    networkChanged: () => Promise.resolve(),
  },
}));

const { SyncStore } = await import("./sync.svelte");

/** The one subscription's listeners. */
function events(): SyncListeners {
  const l = listeners[0];
  if (!l) throw new Error("the store is not subscribed");
  return l;
}
const settle = () => new Promise((r) => setTimeout(r, 0));
const baseStatus = (extra: Partial<SyncStatus> = {}): SyncStatus => ({
  cache: {
    counts: { jobs: 10, openJobs: 5, postings: 8, departments: 2, locations: 3 },
    lastRun: null, lastSuccessAt: null, lastFullSyncAt: null, consecutiveFailures: 0, keyInvalid: null,
  },
  running: null, nextSyncAt: null, pausedForKey: false, busyElsewhere: false, keychainLocked: false, online: null, syncPaused: false, ...extra,
});
const summary = (s: Partial<SyncSummary>): SyncSummary => ({
  runId: 2, trigger: "manual", result: "ok", startedAt: "2025-03-10T12:00:00Z", finishedAt: "2025-03-10T12:00:05Z",
  streams: [], requests: 4, errorCode: null, errorMessage: null, missingModules: [], needsKey: false, ...s,
});

describe("SyncStore", () => {
  beforeEach(() => {
    listeners.length = 0;
    status = baseStatus();
  });

  it("subscribes to the sync events once for all its readers", async () => {
    const store = new SyncStore();
    const stopA = store.start();
    const stopB = store.start();
    await settle();
    expect(listeners).toHaveLength(1);
    stopA();
    expect(listeners).toHaveLength(1);
    stopB();
    expect(listeners).toHaveLength(0);
  });

  it("keeps one subscription when a screen stops and starts again before it completes", async () => {
    const store = new SyncStore();
    store.start()();
    const stop = store.start();
    await settle();
    expect(listeners).toHaveLength(1);
    stop();
    expect(listeners).toHaveLength(0);
  });

  it("turns a finished run into the banner's problem, then tells the screens", async () => {
    const store = new SyncStore();
    const stop = store.start();
    await settle();
    const seen: SyncSummary[] = [];
    store.onFinish((s) => seen.push(s));
    events().progress({ stage: "listing", stream: "jobs", page: 1, items: 10, total: null, etaSecs: null });
    expect(store.progress?.stream).toBe("jobs");
    const s = summary({ result: "partial", errorCode: "missing_permission", missingModules: ["organization"] });
    events().finished(s);
    expect(store.progress).toBeNull();
    expect(store.finished).toBe(1);
    expect(store.problem?.modules).toEqual(["organization"]);
    expect(store.online).toBe(true);
    await settle();
    expect(seen).toEqual([s]);
    stop();
  });

  it("forgets the last session's live summary when a screen starts it again", async () => {
    const store = new SyncStore();
    let stop = store.start();
    await settle();
    events().finished(summary({ result: "failed", errorCode: "invalid_key", needsKey: true }));
    expect(store.problem?.kind).toBe("key");
    stop();
    // The key was replaced in Settings; back on the jobs screen the old rejection is gone.
    stop = store.start();
    expect(store.summary).toBeNull();
    expect(store.problem).toBeNull();
    stop();
  });

  it("keeps the last Online answer while a new run doesn't know yet", async () => {
    const store = new SyncStore();
    const stop = store.start();
    await settle();
    events().finished(summary({ result: "failed", errorCode: "network" }));
    expect(store.online).toBe(false);
    await store.syncNow();
    expect(syncNow).toHaveBeenCalled();
    expect(store.summary).toBeNull();
    expect(store.syncing).toBe(true);
    expect(store.online).toBe(false);
    events().finished(summary({ result: "ok" }));
    expect(store.syncing).toBe(false);
    expect(store.online).toBe(true);
    stop();
  });

  it("clears Offline and its banner as soon as the status says Ashby answers again", async () => {
    const store = new SyncStore();
    const stop = store.start();
    await settle();
    events().finished(summary({ result: "failed", errorCode: "network" }));
    await settle();
    expect(store.online).toBe(false);
    expect(store.problem?.kind).toBe("offline");
    // The scheduler's reachability check got an answer; it reports a state change.
    status = baseStatus({ online: true });
    events().state({} as never);
    await settle();
    expect(store.online).toBe(true);
    expect(store.problem).toBeNull();
    stop();
  });

  it("says what Sync now changed when its run ends, and nothing for a failed one", async () => {
    const store = new SyncStore();
    const stop = store.start();
    await settle();
    await store.syncNow();
    events().finished(summary({ runId: 7 }));
    await settle();
    expect(runChanges).toHaveBeenCalledWith(7);
    expect(store.result).toBe("3 new jobs, 1 closed");
    await store.syncNow();
    expect(store.result).toBeNull();
    events().finished(summary({ runId: 8, result: "failed", errorCode: "server_error" }));
    await settle();
    expect(store.result).toBeNull();
    expect(runChanges).not.toHaveBeenCalledWith(8);
    stop();
  });
});
