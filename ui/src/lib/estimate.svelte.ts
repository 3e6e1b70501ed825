// This organisation's expected first sync (`first_sync_estimate`: one posting-list call, asked
// once per key and remembered in Rust), for the jobs view before the first sync has a rate.
import { api } from "./api";
import type { FirstSyncEstimate } from "./ipc";

export class EstimateStore {
  value = $state<FirstSyncEstimate | null>(null);
  private asked = false;

  /** Asks once; a failure leaves the generic note. */
  load(): void {
    if (this.asked) return;
    this.asked = true;
    void api
      .firstSyncEstimate()
      .then((e) => (this.value = e))
      .catch(() => (this.value = null));
  }
}

export const firstSyncEstimate = new EstimateStore();
