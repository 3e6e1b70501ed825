// Words for the updater's states (Settings → Updates). The checks and the install run in Rust.
import type { UpdateStatus } from "./ipc";
import { formatDate, parseDate } from "./time";

/** The line under "Check for updates" once the server answered. */
export function updateResultText(s: UpdateStatus): string {
  switch (s.kind) {
    case "upToDate":
      return `You have the newest version (${s.current}).`;
    case "available":
      return `Version ${s.version} is available (you have ${s.current})${publishedOn(s.date)}.`;
  }
}

function publishedOn(date: string | null): string {
  return parseDate(date) ? `, published ${formatDate(date)}` : "";
}

/** What "Install and restart" will do, said before the user agrees. */
export function installConfirmText(version: string, syncing: boolean): string {
  const sync = syncing
    ? " The sync in progress is stopped first; everything it synced so far is kept, and the next sync fetches the rest."
    : "";
  return `Ashby Sync downloads version ${version}, checks that it is signed by Ashby Sync's release key, installs it and restarts.${sync} Your key and synced jobs stay as they are.`;
}
