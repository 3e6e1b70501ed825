// The sync events the Rust side emits (payload types generated from src-tauri/core/src/sync).
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { SchedulerState, SyncProgress, SyncSummary } from "./ipc";

export const SYNC_PROGRESS = "sync://progress";
export const SYNC_FINISHED = "sync://finished";
export const SYNC_STATE = "sync://state";

export interface SyncListeners {
  progress: (p: SyncProgress) => void;
  finished: (s: SyncSummary) => void;
  state: (s: SchedulerState) => void;
}

/** Subscribes to both events; the returned function unsubscribes. */
export async function onSyncEvents(l: SyncListeners): Promise<() => void> {
  const offs: UnlistenFn[] = [];
  try {
    offs.push(await listen<SyncProgress>(SYNC_PROGRESS, (e) => l.progress(e.payload)));
    offs.push(await listen<SyncSummary>(SYNC_FINISHED, (e) => l.finished(e.payload)));
    offs.push(await listen<SchedulerState>(SYNC_STATE, (e) => l.state(e.payload)));
  } catch {
    // Outside Tauri (unit tests, a plain browser) there is nothing to listen to.
  }
  return () => offs.forEach((off) => off());
}
