// The sync state of the app in one store: the status (cache + scheduler), the progress of the run
// in progress, the last run's summary, and Online/Offline. It subscribes to the sync events once,
// however many components read it (status bar, banner, jobs screen).
import { api, type IpcError } from "./api";
import { onSyncEvents } from "./events";
import type { SyncProgress, SyncStatus, SyncSummary } from "./ipc";
import { isOffline, syncProblem, type Problem } from "./syncui";

/** How often the status is re-read while nothing is reported (next sync time, cache counts). */
const STATUS_POLL_MS = 30_000;
/** A Sync now the scheduler never picks up (it shouldn't happen) stops spinning after this. */
const REQUEST_TIMEOUT_MS = 15_000;

export class SyncStore {
  status = $state<SyncStatus | null>(null);
  progress = $state<SyncProgress | null>(null);
  /** The summary of the last run that finished while the app was open (fresher than the history). */
  summary = $state<SyncSummary | null>(null);
  /** Sync now itself failed (not the sync). */
  error = $state<IpcError | null>(null);
  /** Runs finished since start-up; screens reload their data when it changes. */
  finished = $state(0);
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
    this.learnOnline();
    this.finished++;
    void this.refresh().then(() => this.finishListeners.forEach((f) => f(s)));
  }

  private learnOnline(): void {
    const now = this.summary ? !isOffline(this.status, this.summary) : (this.status?.online ?? null);
    if (now !== null) this.lastOnline = now;
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
    this.stopEvents?.();
    this.stopEvents = null;
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    this.endRequest();
  }
}

/** The app's one sync store. */
export const sync = new SyncStore();
