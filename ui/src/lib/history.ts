// Words for the Sync history: what started a run, what it changed, and why it failed (in plain
// language; the technical detail stays behind "Details").
import { OFFLINE_CODES, type ChangeSummary, type ErrorCode, type SyncRunRecord, type Trigger } from "./ipc";
import { streamLabel } from "./syncui";

export const TRIGGER_LABELS: Record<Trigger, string> = {
  setup: "Set-up",
  newKey: "New key",
  schedule: "Scheduled",
  manual: "Sync now",
  retry: "Retry",
  startup: "At start-up",
  cli: "Command line",
};

function count(n: number, word: string): string | null {
  return n > 0 ? `${n.toLocaleString("en-US")} ${word}` : null;
}

/** "3 added, 1 changed, 16 removed" over every stream of the run; "No changes" when none. */
export function countsInWords(r: SyncRunRecord): string {
  let added = 0;
  let changed = 0;
  let removed = 0;
  for (const s of r.streams) {
    added += s.counts.inserted;
    changed += s.counts.updated;
    removed += s.counts.removed;
  }
  const parts = [count(added, "added"), count(changed, "changed"), count(removed, "removed")].filter((p) => p !== null);
  return parts.length ? parts.join(", ") : "No changes";
}

/** Per stream, for the Details: "Jobs: 3 added, 1 changed (full pass)". */
export function streamLines(r: SyncRunRecord): string[] {
  return r.streams
    .filter((s) => s.outcome !== "not_run")
    .map((s) => {
      const c = s.counts;
      const what =
        s.outcome === "skipped"
          ? "skipped (no permission)"
          : s.outcome === "failed"
            ? `failed${s.errorCode ? ` (${s.errorCode})` : ""}`
            : [count(c.inserted, "added"), count(c.updated, "changed"), count(c.removed, "removed")].filter((p) => p !== null).join(", ") ||
              "no changes";
      return `${streamLabel(s.stream)}: ${what}${s.full ? " (full pass)" : ""}`;
    });
}

const PLAIN: Partial<Record<ErrorCode, string>> = {
  invalid_key: "Ashby no longer accepts the API key.",
  missing_key: "Ashby no longer accepts the API key.",
  no_key: "No API key was set up.",
  missing_permission: "The API key can't read part of the data.",
  rate_limited: "Ashby asked the app to slow down; the next sync continues.",
  server_error: "Ashby had a problem on its side.",
  keychain_locked: "The keychain was locked, so the key couldn't be read.",
  sync_busy: "Another Ashby Sync window or process was syncing.",
  sync_superseded: "The key changed during the sync; the new key synced instead.",
  interrupted: "Stopped before it finished (the app quit or the computer slept). Nothing synced was lost.",
  blocked_by_network: "Your network blocked the connection to Ashby.",
  proxy_auth_required: "The proxy asked for a user name and password.",
  proxy_refused: "The proxy refused to connect to Ashby.",
  proxy_unreachable: "The proxy couldn't be reached.",
  certificate_untrusted: "The secure connection to Ashby couldn't be checked (untrusted certificate).",
  certificate_expired: "The secure connection to Ashby couldn't be checked (expired certificate).",
  certificate_wrong_host: "Something other than Ashby answered the secure connection.",
  tls_failed: "The secure connection to Ashby failed.",
  db_error: "The local copy couldn't be written.",
  db_io: "The local copy couldn't be written.",
  db_corrupt: "The local copy is damaged.",
};

/** The one line a coordinator reads about a run that did not fully work; `null` when it did. */
export function plainFailure(r: SyncRunRecord): string | null {
  if (r.result === "ok" || r.result === null) return null;
  const code = r.errorCode;
  if (r.result === "partial") {
    const skipped = r.streams.filter((s) => s.outcome === "skipped").map((s) => streamLabel(s.stream));
    if (skipped.length) {
      return `${skipped.join(", ")} skipped: the API key can't read ${skipped.length === 1 ? "it" : "them"}.`;
    }
    if (code === "missing_permission") return PLAIN.missing_permission ?? null;
    return "Some rows couldn't be stored; everything else was. The next sync tries them again.";
  }
  if (code && OFFLINE_CODES.includes(code)) return "Ashby couldn't be reached (no internet connection?).";
  return (code && PLAIN[code]) || "The sync failed.";
}

/** The technical detail behind "Details": the code, the full message and each stream's outcome. */
export function failureDetail(r: SyncRunRecord): string {
  const lines = [];
  if (r.errorCode) lines.push(`Code: ${r.errorCode}`);
  if (r.errorMessage) lines.push(r.errorMessage);
  for (const s of r.streams) {
    for (const p of s.problems ?? []) lines.push(`${streamLabel(s.stream)}: ${p.id ?? "a row"} — ${p.reason}`);
  }
  lines.push(...streamLines(r));
  lines.push(`${r.requests.toLocaleString("en-US")} requests`);
  return lines.join("\n");
}

/** What Sync now says when its run ends: "No changes", or the run's changes in words. */
export function syncResultText(changes: ChangeSummary | null): string {
  if (changes?.firstSync) return changes.headline;
  return !changes || changes.total === 0 || !changes.headline ? "No changes" : changes.headline;
}
