// The Changes view's state: the feed (newest first, filtered by kind), the unread count the
// navigation shows, and the "seen up to" mark (kept in the cache's settings by Rust).
import { api, type IpcError } from "./api";
import type { ChangeFeed } from "./ipc";
import { kindFilter, newestId } from "./changes";

/** How many records the view reads at once. */
export const FEED_LIMIT = 500;

export class ChangesStore {
  feed = $state<ChangeFeed | null>(null);
  filter = $state("all");
  unread = $state(0);
  /** The mark when the feed was loaded: newer entries are shown as new. */
  seenAtLoad = $state(0);
  error = $state<IpcError | null>(null);
  private seq = 0;

  async refreshUnread(): Promise<void> {
    try {
      this.unread = await api.unreadChanges();
    } catch {
      // The badge keeps its last count; the view shows the error when opened.
    }
  }

  async load(): Promise<void> {
    const seq = ++this.seq;
    try {
      const feed = await api.listChanges({ kinds: kindFilter(this.filter).kinds, jobId: null, limit: FEED_LIMIT });
      if (seq !== this.seq) return;
      this.feed = feed;
      this.seenAtLoad = feed.seenUpTo;
      this.unread = feed.unread;
      this.error = null;
    } catch (e) {
      if (seq === this.seq) this.error = e as IpcError;
    }
  }

  /** The view is on screen: everything it shows has been seen. */
  async markSeen(): Promise<void> {
    const upTo = newestId(this.feed?.rows ?? []);
    if (upTo <= (this.feed?.seenUpTo ?? 0) && this.unread === 0) return;
    try {
      await api.markChangesSeen(upTo);
      await this.refreshUnread();
    } catch (e) {
      this.error = e as IpcError;
    }
  }

  setFilter(id: string): void {
    this.filter = id;
    void this.load();
  }
}

export const changes = new ChangesStore();
