// The detail pane's job: which one is open and its loading state. Answers for a job that is no
// longer the open one are dropped (clicking fast through the list never shows a stale job).
import { api, type IpcError } from "./api";
import type { JobDetail } from "./ipc";

export class JobDetailStore {
  openId = $state<string | null>(null);
  /** `undefined`: nothing open; `null`: the job is gone from the cache. */
  job = $state<JobDetail | null | undefined>(undefined);
  loading = $state(false);
  error = $state<string | null>(null);
  private seq = 0;

  constructor(private readonly fetch: (id: string) => Promise<JobDetail | null> = api.jobDetail) {}

  async open(id: string): Promise<void> {
    this.openId = id;
    const seq = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const d = await this.fetch(id);
      if (seq === this.seq) this.job = d;
    } catch (e) {
      if (seq === this.seq) this.error = (e as IpcError).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** Re-reads the open job (after a sync) without a loading state; keeps it on failure. */
  async reload(): Promise<void> {
    if (!this.openId) return;
    const seq = ++this.seq;
    const d = await this.fetch(this.openId).catch(() => this.job);
    if (seq === this.seq) this.job = d;
  }

  close(): void {
    this.seq++;
    this.openId = null;
    this.job = undefined;
    this.loading = false;
    this.error = null;
  }
}
