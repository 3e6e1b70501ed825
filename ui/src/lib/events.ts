// The sync events the Rust side emits. Names and payload types are generated from Rust
// (`EVENTS` and `Events` in ipc.ts, from src-tauri/commands/mod.rs).
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { EVENTS, type Events, type SchedulerState, type SyncProgress, type SyncSummary } from "./ipc";

export const SYNC_PROGRESS = EVENTS.syncProgress;
export const SYNC_FINISHED = EVENTS.syncFinished;
export const SYNC_STATE = EVENTS.syncState;

export interface SyncListeners {
  progress: (p: SyncProgress) => void;
  finished: (s: SyncSummary) => void;
  state: (s: SchedulerState) => void;
}

/** Listens to one event with its generated payload type. */
function on<N extends keyof Events>(name: N, f: (payload: Events[N]) => void): Promise<UnlistenFn> {
  return listen<Events[N]>(name, (e) => f(e.payload));
}

/** Subscribes to the three sync events; the returned function unsubscribes. */
export async function onSyncEvents(l: SyncListeners): Promise<() => void> {
  const offs: UnlistenFn[] = [];
  try {
    offs.push(await on(SYNC_PROGRESS, l.progress));
    offs.push(await on(SYNC_FINISHED, l.finished));
    offs.push(await on(SYNC_STATE, l.state));
  } catch {
    // Outside Tauri (unit tests, a plain browser) there is nothing to listen to.
  }
  return () => offs.forEach((off) => off());
}
