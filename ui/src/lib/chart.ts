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

// ---------------------------------------------------------------------------------------------
// Open jobs and listed postings over time (the runs' recorded totals), as two lines.

export interface TrendInput {
  at: string;
  openJobs: number;
  listedPostings: number;
}

export interface TrendLine {
  key: "openJobs" | "listedPostings";
  label: string;
  /** SVG path in the chart's coordinates (`M x y L x y …`); empty without points. */
  path: string;
  /** The newest value, for the legend. */
  last: number | null;
  dots: { x: number; y: number; value: number; at: string }[];
}

export interface TrendChart {
  width: number;
  height: number;
  /** The y axis' top value (a round number at or above the largest value). */
  max: number;
  /** The window's first and last instant (ms). */
  from: number;
  to: number;
  lines: TrendLine[];
  points: number;
}

/** 0 → 1, 7 → 10, 42 → 50, 1234 → 1500: a round axis top. */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * mag >= v) return step * mag;
  }
  return 10 * mag;
}

/** Lays the points of the last `days` days out on a `width` × `height` canvas. */
export function trendChart(points: TrendInput[], days: number, now: number, width = 600, height = 160): TrendChart {
  const from = now - days * 24 * 3600 * 1000;
  const inWindow = points
    .map((p) => ({ ...p, t: new Date(p.at).getTime() }))
    .filter((p) => Number.isFinite(p.t) && p.t >= from)
    .sort((a, b) => a.t - b.t);
  // `now` may lag a run that just finished (the screen's clock ticks every few seconds).
  const to = Math.max(now, inWindow.at(-1)?.t ?? now);
  const max = niceMax(Math.max(0, ...inWindow.map((p) => Math.max(p.openJobs, p.listedPostings))));
  const x = (t: number) => Math.round(((t - from) / (to - from)) * width * 10) / 10;
  const y = (v: number) => Math.round((height - (v / max) * height) * 10) / 10;
  const line = (key: TrendLine["key"], label: string): TrendLine => {
    const dots = inWindow.map((p) => ({ x: x(p.t), y: y(p[key]), value: p[key], at: p.at }));
    return {
      key,
      label,
      path: dots.map((d, i) => `${i ? "L" : "M"}${d.x} ${d.y}`).join(" "),
      last: dots.at(-1)?.value ?? null,
      dots,
    };
  };
  return {
    width,
    height,
    max,
    from,
    to,
    lines: [line("openJobs", "Open jobs"), line("listedPostings", "Listed postings")],
    points: inWindow.length,
  };
}
