// The list's filters and how they become a `JobQuery`.
import { DEFAULT_JOB_STATUS, JOB_STATUSES, type JobQuery, type JobSort, type JobStatus, type TreeFacet, type ValueCount } from "./ipc";

/** The statuses the filter offers: the default (Open) first, then Ashby's others in its order. */
export const STATUSES: readonly JobStatus[] = [DEFAULT_JOB_STATUS, ...JOB_STATUSES.filter((s) => s !== DEFAULT_JOB_STATUS)];

export type Listed = "all" | "listed" | "unlisted";
/** `auto`: best match while searching, otherwise most recently updated. */
export type SortChoice = "auto" | Exclude<JobSort, "relevance">;

export interface Filters {
  statuses: JobStatus[];
  departmentId: string;
  locationId: string;
  employmentType: string;
  workplaceType: string;
  listed: Listed;
  sort: SortChoice;
  /** `null`: the sort's natural direction (newest first, A→Z). */
  descending: boolean | null;
}

export function defaultFilters(): Filters {
  return {
    statuses: [DEFAULT_JOB_STATUS],
    departmentId: "",
    locationId: "",
    employmentType: "",
    workplaceType: "",
    listed: "all",
    sort: "auto",
    descending: null,
  };
}

/** Whether any filter narrows the list beyond the default (Open jobs). Sort doesn't narrow. */
export function isNarrowed(f: Filters): boolean {
  const d = defaultFilters();
  return (
    f.statuses.length !== d.statuses.length ||
    f.statuses.some((s) => !d.statuses.includes(s)) ||
    f.departmentId !== "" ||
    f.locationId !== "" ||
    f.employmentType !== "" ||
    f.workplaceType !== "" ||
    f.listed !== "all"
  );
}

/** Search text as the backend wants it: trimmed, `null` when blank. */
export function searchTerm(text: string): string | null {
  const t = text.trim();
  return t === "" ? null : t;
}

export function toQuery(f: Filters, search: string, offset: number, limit: number): JobQuery {
  const term = searchTerm(search);
  return {
    search: term,
    // Never send "no status": the backend would read it as Open, which the UI wouldn't show.
    statuses: f.statuses.length ? [...f.statuses] : [DEFAULT_JOB_STATUS],
    departmentId: f.departmentId || null,
    locationId: f.locationId || null,
    employmentType: f.employmentType || null,
    workplaceType: f.workplaceType || null,
    listed: f.listed === "all" ? null : f.listed === "listed",
    sort: f.sort === "auto" ? (term ? "relevance" : "updated") : f.sort,
    descending: f.descending,
    offset,
    limit,
  };
}

/** The direction a sort uses when the user hasn't chosen one. */
export function naturalDescending(sort: SortChoice, searching: boolean): boolean {
  if (sort === "title") return false;
  if (sort === "auto" && searching) return true;
  return true;
}

/** Facet values plus the chosen one when the search or other filters left it no match (a chosen
 * option never vanishes from its select). */
export function withSelected(values: readonly ValueCount[], selected: string): ValueCount[] {
  if (!selected || values.some((v) => v.value === selected)) return [...values];
  return [...values, { value: selected, count: 0 }].sort((a, b) => a.value.localeCompare(b.value));
}

export interface TreeOption {
  id: string;
  name: string;
  depth: number;
  count: number;
}

/**
 * Departments (or locations) as an indented list: each parent followed by its children, siblings
 * by name. Empty nodes are left out unless `keep` names them (the current selection).
 */
export function treeOptions(nodes: TreeFacet[], keep = ""): TreeOption[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const children = new Map<string | null, TreeFacet[]>();
  for (const n of nodes) {
    const parent = n.parentId && byId.has(n.parentId) && n.parentId !== n.id ? n.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(n);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  const out: TreeOption[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number) => {
    for (const n of children.get(parent) ?? []) {
      if (seen.has(n.id)) continue; // a cycle in the data must not hang the UI
      seen.add(n.id);
      if (n.totalCount > 0 || n.id === keep) {
        out.push({ id: n.id, name: n.name, depth, count: n.totalCount });
        visit(n.id, depth + 1);
      }
    }
  };
  visit(null, 0);
  return out;
}

/** How an option reads in a <select>: children indented under their parent. */
export function optionLabel(o: TreeOption): string {
  return `${"\u00a0\u00a0\u00a0".repeat(o.depth)}${o.depth ? "└ " : ""}${isolate(o.name)} (${o.count.toLocaleString()})`;
}

/** Text from Ashby inside a plain string (an <option> holds no <bdi>): first-strong isolate…pop,
 * so a right-to-left override in the name cannot reorder what follows it. */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

const WORDS: Record<string, string> = {
  FullTime: "Full-time",
  PartTime: "Part-time",
  OnSite: "On-site",
  Intern: "Internship",
};

/** Ashby's enum values as words: `FullTime` → "Full-time", `Remote` → "Remote". */
export function humanize(value: string | null | undefined): string {
  if (!value) return "—";
  return WORDS[value] ?? value.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ");
}
