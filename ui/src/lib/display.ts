// Small display rules shared by the list, the detail pane and the jobs screen.
import type { JobStatus } from "./ipc";

/** Height of a list row in px: taller while searching (the row shows a description snippet). */
export const ROW_HEIGHT = 62;
export const SEARCH_ROW_HEIGHT = 86;

export function rowHeight(searching: boolean): number {
  return searching ? SEARCH_ROW_HEIGHT : ROW_HEIGHT;
}

/** The badge class for a job status, the same in the list and the detail pane. */
export function statusBadge(status: JobStatus): string {
  switch (status) {
    case "Open":
      return "ok";
    case "Closed":
      return "warn";
    case "Draft":
      return "";
    default:
      // Archived, and any status Ashby adds later.
      return "muted-badge";
  }
}
