// What the status bar says about a sync: progress in words, and the problem to fix (if any).
import {
  MODULE_LABELS,
  NEEDS_KEY_CODES,
  OFFLINE_CODES,
  STREAM_MODULES,
  STREAM_NOUNS,
  type ErrorCode,
  type FirstSyncEstimate,
  type Module,
  type RunResult,
  type Stream,
  type SyncProgress,
  type SyncRunRecord,
  type SyncStatus,
  type SyncSummary,
} from "./ipc";

export const ASHBY_API_KEYS_URL = "https://app.ashbyhq.com/admin/api/keys";

export function streamLabel(s: Stream): string {
  const w = STREAM_NOUNS[s];
  return w.charAt(0).toUpperCase() + w.slice(1);
}

export function moduleLabel(m: Module): string {
  return MODULE_LABELS[m];
}

/** A time left in words, as the CLI says it: "less than a minute", "about 4 min", "about 1 h 10 min". */
export function etaWords(secs: number): string {
  const mins = Math.ceil(secs / 60);
  if (secs < 60) return "less than a minute";
  if (secs < 3600) return `about ${mins} min`;
  return `about ${Math.floor(mins / 60)} h ${mins % 60} min`;
}

/** "Downloading jobs · page 3 · 250 so far", "Downloading posting descriptions · 120 of 800 · about 3 min left" */
export function progressLabel(p: SyncProgress | null): string {
  if (!p || p.stage === "starting") return "Starting sync…";
  const what = p.stream ? STREAM_NOUNS[p.stream] : "data";
  const n = p.items.toLocaleString();
  switch (p.stage) {
    case "listing":
      return `Downloading ${what}${p.page > 0 ? ` · page ${p.page}` : ""} · ${n} so far`;
    case "descriptions": {
      const left = p.etaSecs !== null && p.etaSecs > 0 ? ` · ${etaWords(p.etaSecs)} left` : "";
      return p.total !== null
        ? `Downloading posting descriptions · ${n} of ${p.total.toLocaleString()}${left}`
        : `Downloading posting descriptions · ${n} so far${left}`;
    }
    case "saving":
      return `Saving ${what} · ${n}`;
  }
}

/**
 * Whether Ashby can be reached, for the status bar: what the last attempt learnt, except that a
 * sync receiving data proves it now (a first sync is not "Connecting…" while descriptions arrive).
 */
export function reachableNow(last: boolean | null, syncing: boolean, p: SyncProgress | null): boolean | null {
  const receiving = syncing && p !== null && p.stage !== "starting" && (p.items > 0 || p.page > 0);
  return receiving ? true : last;
}

/**
 * How far the current phase is, 0..1, by the work it has done: descriptions are counted one by
 * one (items of total), so the bar moves as the requests do. `null` (an indeterminate bar) while
 * a list downloads, whose length Ashby tells only on its last page, and while a pass is saved.
 */
export function progressFraction(p: SyncProgress | null): number | null {
  if (!p || p.stage !== "descriptions" || !p.total || p.total <= 0) return null;
  return Math.min(1, p.items / p.total);
}

export type Fix = "reenterKey" | "grantModule" | "retry" | "unlockRetry";

export interface Problem {
  kind: "key" | "permission" | "offline" | "keychain" | "busy" | "error";
  message: string;
  fix: Fix;
  /** For `permission`: the Ashby modules to grant (never stream names: Ashby has no "Departments"). */
  modules: Module[];
}

/** The facts about the last run that the banner needs, from the live summary or the history row. */
interface LastRun {
  result: RunResult | null;
  errorCode: ErrorCode | null;
  errorMessage: string | null;
  missingModules: Module[];
  needsKey: boolean;
}

/** The modules whose lack made streams be skipped, once each, in the order the run met them (as the live summary lists them). */
export function skippedModules(row: SyncRunRecord): Module[] {
  const missing = new Set(
    row.streams.filter((s) => s.outcome === "skipped").map((s) => s.missingModule ?? STREAM_MODULES[s.stream]),
  );
  return [...missing];
}

function lastRun(summary: SyncSummary | null, row: SyncRunRecord | null): LastRun | null {
  if (summary) return { ...summary };
  if (!row) return null;
  return { result: row.result, errorCode: row.errorCode, errorMessage: row.errorMessage, missingModules: skippedModules(row), needsKey: false };
}

const isKeyCode = (c: ErrorCode | null | undefined): boolean => !!c && NEEDS_KEY_CODES.includes(c);
const isOfflineCode = (c: ErrorCode | null | undefined): boolean => !!c && OFFLINE_CODES.includes(c);

/** The one problem worth a banner, most blocking first; `null` when all is well. */
export function syncProblem(status: SyncStatus | null, summary: SyncSummary | null): Problem | null {
  if (!status) return null;
  const run = lastRun(summary, status.cache.lastRun);
  const none: Module[] = [];
  if (status.cache.keyInvalid || run?.needsKey || isKeyCode(run?.errorCode)) {
    const noKey = run?.errorCode === "no_key" || run?.errorCode === "missing_key";
    return {
      kind: "key",
      message: noKey
        ? "No Ashby API key is set up, so nothing can sync. Add one to continue."
        : "Ashby no longer accepts the API key (it was revoked or deleted). Your cached jobs stay available; enter a new key to sync again.",
      fix: "reenterKey",
      modules: none,
    };
  }
  if (status.keychainLocked || run?.errorCode === "keychain_locked") {
    return {
      kind: "keychain",
      message:
        "The keychain is locked, so the app can't read the API key and syncing is paused. Unlock it (usually with your login password), then choose Unlock and retry.",
      fix: "unlockRetry",
      modules: none,
    };
  }
  if (status.busyElsewhere || run?.errorCode === "sync_busy") {
    return {
      kind: "busy",
      message: "Jobs are syncing in another Ashby Sync window or process. This one tries again in a few minutes.",
      fix: "retry",
      modules: none,
    };
  }
  if (!run || run.result === null) return null;
  // The key changed during that run (a sync with the new key has already started), or the run
  // was stopped (quit, key removed): nothing synced is lost and there is nothing to fix.
  if (run.errorCode === "sync_superseded" || run.errorCode === "interrupted") return null;
  if (run.errorCode === "missing_permission" || (run.result !== "failed" && run.missingModules.length)) {
    const mods = run.missingModules;
    const names = mods.map(moduleLabel);
    return {
      kind: "permission",
      message: mods.length
        ? `The API key can't read ${names.join(", ")}, so ${mods.length === 1 ? "that part was" : "those parts were"} skipped. In Ashby → Admin → API Keys, tick Read for ${mods.length === 1 ? "it" : "them"}, save, then sync again.`
        : (run.errorMessage ?? "The API key is missing a permission. Grant it in Ashby → Admin → API Keys, then sync again."),
      fix: "grantModule",
      modules: mods,
    };
  }
  // Some rows could not be stored (named in the message); everything else was.
  if (run.result === "partial") {
    return {
      kind: "error",
      message: run.errorMessage ?? "Some rows could not be updated; everything else is up to date. The next sync tries again.",
      fix: "retry",
      modules: none,
    };
  }
  if (run.result !== "failed") return null;
  if (isOfflineCode(run.errorCode)) {
    // A reachability check since that run got an answer: not offline any more.
    if (status.online === true) return null;
    return {
      kind: "offline",
      message: status.cache.lastSuccessAt
        ? "Ashby can't be reached, so you're seeing the jobs from the last sync. Check your internet connection (or proxy); syncing resumes by itself."
        : status.cache.counts.jobs > 0
          ? "Ashby can't be reached, so the first sync stopped part-way. What it downloaded is kept, and the next sync continues from there. Check your internet connection (or proxy); the app keeps trying by itself."
          : "Ashby can't be reached, so nothing could be synced yet. Check your internet connection (or proxy); the app keeps trying by itself.",
      fix: "retry",
      modules: none,
    };
  }
  return {
    kind: "error",
    message: run.errorMessage ?? "The last sync failed. Try again.",
    fix: "retry",
    modules: none,
  };
}

/** Whether the app should say Offline. */
export function isOffline(status: SyncStatus | null, summary: SyncSummary | null): boolean {
  if (summary) return summary.result === "failed" && isOfflineCode(summary.errorCode);
  return status?.online === false;
}

/** What the jobs view says about the first sync: this organisation's estimate when there is one
 * (then the benchmark's generic figure would only confuse), else the generic note. */
export function firstSyncNote(estimate: FirstSyncEstimate | null, generic: string): string {
  return estimate ? estimate.message : generic;
}
