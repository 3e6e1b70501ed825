// Where a clicked notification takes the window, and what an export says when it is done.
import type { ExportOutcome, NoticeTarget } from "./ipc";

export type JobsView = "jobs" | "changes" | "history";

/** The app screen and, on the jobs screen, the view a notification's target opens. */
export function routeFor(target: NoticeTarget): { screen: "settings" } | { screen: "jobs"; view: JobsView } {
  switch (target) {
    case "settings":
      return { screen: "settings" };
    case "history":
      return { screen: "jobs", view: "history" };
    case "jobs":
      return { screen: "jobs", view: "jobs" };
  }
}

/** Screens a notification may switch away from (not the wizard or a problem screen). */
export function mayNavigate(screen: string): boolean {
  return screen === "jobs" || screen === "settings";
}

/** "Exported 1,234 jobs to /home/me/ashby-jobs.csv." */
export function exportedText(o: ExportOutcome): string {
  const n = o.jobs.toLocaleString("en-US");
  const what = `${n} ${o.jobs === 1 ? "job" : "jobs"}`;
  const more = o.truncated ? " The search matched more; these are its best matches." : "";
  return `Exported ${what} to ${o.path}.${more}`;
}
