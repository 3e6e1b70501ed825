// Where a clicked notification takes the window, and what an export says when it is done.
import type { ExportOutcome, NoticeTarget, TreeFacet } from "./ipc";
import { treeOptions } from "./filters";

export type JobsView = "jobs" | "changes" | "history";

/** The app screen and, on the jobs screen, the view a notification's target opens. */
export function routeFor(target: NoticeTarget): { screen: "settings" } | { screen: "jobs"; view: JobsView } {
  switch (target) {
    case "settings":
      return { screen: "settings" };
    case "history":
      return { screen: "jobs", view: "history" };
    case "changes":
      return { screen: "jobs", view: "changes" };
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

export interface DepartmentChoice {
  id: string;
  name: string;
  depth: number;
  chosen: boolean;
}

/** The digest's department choices: the tree (parents before their teams), filtered by name;
 * chosen ones always stay in the list, as do departments without open jobs. */
export function digestDepartmentOptions(nodes: TreeFacet[], chosen: string[], filter: string): DepartmentChoice[] {
  const picked = new Set(chosen);
  // Every department counts as non-empty here: one may be followed before it has jobs.
  const all = treeOptions(nodes.map((n) => ({ ...n, totalCount: 1 })));
  const needle = filter.trim().toLocaleLowerCase();
  return all
    .filter((o) => !needle || picked.has(o.id) || o.name.toLocaleLowerCase().includes(needle))
    .map((o) => ({ id: o.id, name: o.name, depth: needle ? 0 : o.depth, chosen: picked.has(o.id) }));
}

/** `chosen` with `id` added or taken out. */
export function toggleDepartment(chosen: string[], id: string): string[] {
  return chosen.includes(id) ? chosen.filter((c) => c !== id) : [...chosen, id];
}
