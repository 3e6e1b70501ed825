// Chart data: open jobs per top-level department, as horizontal bars.
import type { TreeFacet } from "./ipc";

export interface Bar {
  id: string;
  label: string;
  value: number;
  /** Length relative to the longest bar, 0..1. */
  share: number;
}

export interface BarChart {
  bars: Bar[];
  /** Sum over every department, including those folded into "Other". */
  total: number;
}

/**
 * Top-level departments (teams count towards their department) with at least one job, largest
 * first; beyond `max`, the rest are folded into one "Other" bar.
 */
export function departmentBars(nodes: TreeFacet[], max = 10): BarChart {
  const ids = new Set(nodes.map((n) => n.id));
  const roots = nodes
    .filter((n) => !n.parentId || !ids.has(n.parentId) || n.parentId === n.id)
    .filter((n) => n.totalCount > 0)
    .sort((a, b) => b.totalCount - a.totalCount || a.name.localeCompare(b.name));
  const total = roots.reduce((s, n) => s + n.totalCount, 0);
  const shown = roots.length > max ? roots.slice(0, max - 1) : roots;
  const rest = roots.slice(shown.length);
  const raw = shown.map((n) => ({ id: n.id, label: n.name, value: n.totalCount }));
  if (rest.length) {
    raw.push({
      id: "__other",
      label: `Other (${rest.length} departments)`,
      value: rest.reduce((s, n) => s + n.totalCount, 0),
    });
  }
  const top = Math.max(1, ...raw.map((b) => b.value));
  return { bars: raw.map((b) => ({ ...b, share: b.value / top })), total };
}
