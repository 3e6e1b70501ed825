// Small display rules shared by the list, the detail pane and the jobs screen.
import type { JobStatus } from "./ipc";

/** Height of a list row in px, the same while searching and browsing: title, place, and a third
 * line that shows the description snippet while searching and the postings otherwise (so the
 * list never changes its rhythm, and rows never differ). */
export const ROW_HEIGHT = 84;

export function rowHeight(): number {
  return ROW_HEIGHT;
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
