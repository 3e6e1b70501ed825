// What the screens say about a cache that is still filling (the first sync): never a wrong fact,
// such as "Never synced" beside "500 jobs cached", or a missing description as if it had none.

/** The status bar's "Last synced" before any sync has finished. */
export function notSyncedYet(syncing: boolean, cachedJobs: number): string {
  if (syncing) return "First sync in progress";
  return cachedJobs > 0 ? "First sync not finished" : "Never synced";
}

/** A posting whose description is not in the cache yet. */
export function descriptionMissing(syncing: boolean): string {
  return syncing
    ? "Description loading… it arrives with the sync in progress."
    : "The description hasn't been downloaded yet; the next sync fetches it.";
}
