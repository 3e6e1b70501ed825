// The sync state of the app in one store: the status (cache + scheduler), the progress of the run
// in progress, the last run's summary, and Online/Offline. It subscribes to the sync events once,
// however many components read it (status bar, banner, jobs screen).
import { api, type IpcError } from "./api";
import { onSyncEvents } from "./events";
import type { SyncProgress, SyncStatus, SyncSummary } from "./ipc";
import { syncResultText } from "./history";
import { isOffline, syncProblem, type Problem } from "./syncui";

/** How often the status is re-read while nothing is reported (next sync time, cache counts). */
const STATUS_POLL_MS = 30_000;
/** A Sync now the scheduler never picks up (it shouldn't happen) stops spinning after this. */
const REQUEST_TIMEOUT_MS = 15_000;
/** How long Sync now's result ("No changes", "3 new jobs, 1 closed") stays in the status bar. */
const RESULT_SHOWN_MS = 60_000;

export class SyncStore {
  status = $state<SyncStatus | null>(null);
  progress = $state<SyncProgress | null>(null);
  /** The summary of the last run that finished while the app was open (fresher than the history). */
  summary = $state<SyncSummary | null>(null);
  /** Sync now itself failed (not the sync). */
  error = $state<IpcError | null>(null);
  /** Runs finished since start-up; screens reload their data when it changes. */
  finished = $state(0);
  /** What the last Sync now changed, in words, for a minute after it ended (`null`: nothing to say). */
  result = $state<string | null>(null);
  /** Sync now was pressed and the scheduler has not reported yet. */
  private requested = $state(false);
  /** Online/Offline as last learnt: a run in progress doesn't know yet, so the last answer stays. */
  private lastOnline = $state<boolean | null>(null);

  readonly syncing = $derived(this.requested || (this.status?.running ?? null) !== null);
  readonly online = $derived(this.lastOnline);
  readonly problem: Problem | null = $derived(this.error ? null : syncProblem(this.status, this.summary));
  readonly cacheEmpty = $derived(this.status !== null && this.status.cache.counts.jobs === 0);

  private users = 0;
  /** Counts listening sessions (first user in … last user out). */
  private session = 0;
  private stopEvents: (() => void) | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private requestTimer: ReturnType<typeof setTimeout> | null = null;
  private resultTimer: ReturnType<typeof setTimeout> | null = null;
  /** Sync now was pressed: its run's result is worth saying when it ends. */
  private askedForResult = false;
  private readonly onOnline = () => void api.networkChanged().catch(() => undefined);
  /** Not state: nothing renders from it. */
  private finishListeners: ((s: SyncSummary) => void)[] = [];

  /** Starts listening (once, for all users); the returned function stops this user's interest. */
  start(): () => void {
    this.users++;
    if (this.users === 1) {
      // A new screen session (e.g. back from Settings, where the key may have been replaced):
      // what the last session learnt live is stale, the status is re-read.
      this.summary = null;
      this.progress = null;
      this.error = null;
      this.lastOnline = null;
      void this.refresh();
      const session = ++this.session;
      void onSyncEvents({
        progress: (p) => (this.progress = p),
        finished: (s) => this.onFinished(s),
        state: () => void this.refresh(),
      }).then((off) => {
        // Stopped (or stopped and started again) before the subscription completed: this one
        // belongs to an ended session, drop it so no event is handled twice.
        if (session !== this.session || this.users === 0) off();
        else this.stopEvents = off;
      });
      this.poll = setInterval(() => void this.refresh(), STATUS_POLL_MS);
      // The OS reported a network change (WebKit's network monitor): while offline, the app
      // asks Ashby at once instead of at the next minute's check.
      if (typeof window !== "undefined") window.addEventListener("online", this.onOnline);
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.users--;
      if (this.users === 0) this.stop();
    };
  }

  /** Called after a run finished (after the status was re-read); returns an unsubscribe. */
  onFinish(f: (s: SyncSummary) => void): () => void {
    this.finishListeners.push(f);
    return () => {
      this.finishListeners = this.finishListeners.filter((g) => g !== f);
    };
  }

  async refresh(): Promise<void> {
    try {
      this.status = await api.syncStatus();
      this.learnOnline();
    } catch {
      // The status bar keeps its last state; the next poll tries again.
    }
  }

  /** Sync now only asks the scheduler; the run reports through events. Until the first of them
   * arrives the button shows "Syncing…" so a click always has a visible effect. */
  async syncNow(): Promise<void> {
    this.error = null;
    this.summary = null;
    this.progress = null;
    this.requested = true;
    this.askedForResult = true;
    this.setResult(null);
    try {
      await api.syncNow();
      this.clearRequestTimer();
      this.requestTimer = setTimeout(() => {
        if (!this.status?.running && this.progress === null) this.endRequest();
      }, REQUEST_TIMEOUT_MS);
    } catch (e) {
      this.error = e as IpcError;
      this.endRequest();
    }
    await this.refresh();
  }

  dismissError(): void {
    this.error = null;
  }

  private onFinished(s: SyncSummary): void {
    this.summary = s;
    this.progress = null;
    this.endRequest();
    this.lastOnline = !isOffline(this.status, s);
    this.finished++;
    if (this.askedForResult || s.trigger === "manual") void this.sayResult(s);
    this.askedForResult = false;
    void this.refresh().then(() => this.finishListeners.forEach((f) => f(s)));
  }

  /** Sync now's answer: what its run changed (a failure is the banner's to say). */
  private async sayResult(s: SyncSummary): Promise<void> {
    if (s.result === "failed" || s.runId === null) return;
    try {
      this.setResult(syncResultText(await api.runChanges(s.runId)));
    } catch {
      this.setResult(null);
    }
  }

  private setResult(text: string | null): void {
    if (this.resultTimer) clearTimeout(this.resultTimer);
    this.resultTimer = null;
    this.result = text;
    if (text !== null) this.resultTimer = setTimeout(() => (this.result = null), RESULT_SHOWN_MS);
  }

  /** The scheduler's Online/Offline (runs and reachability checks) once the status says it. */
  private learnOnline(): void {
    const now = this.status?.online ?? null;
    if (now !== null) this.lastOnline = now;
    // Ashby answers again: the offline failure of the last run is no longer the news.
    if (now === true && this.summary && isOffline(this.status, this.summary)) this.summary = null;
  }

  private endRequest(): void {
    this.requested = false;
    this.clearRequestTimer();
  }

  private clearRequestTimer(): void {
    if (this.requestTimer) clearTimeout(this.requestTimer);
    this.requestTimer = null;
  }

  private stop(): void {
    if (typeof window !== "undefined") window.removeEventListener("online", this.onOnline);
    this.stopEvents?.();
    this.stopEvents = null;
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    this.endRequest();
  }
}

/** The app's one sync store. */
export const sync = new SyncStore();
