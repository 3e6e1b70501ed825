import { describe, expect, it } from "vitest";
import { departmentBars, niceMax, trendChart } from "./chart";
import type { TreeFacet } from "./ipc";

const node = (id: string, parentId: string | null, totalCount: number): TreeFacet => ({
  id, name: id.toUpperCase(), parentId, isArchived: false, count: 0, totalCount,
});

describe("departmentBars", () => {
  it("charts top-level departments largest first, teams counted in their department", () => {
    const c = departmentBars([node("eng", null, 40), node("plat", "eng", 15), node("ops", null, 10), node("empty", null, 0)]);
    expect(c.bars.map((b) => [b.label, b.value, b.share])).toEqual([["ENG", 40, 1], ["OPS", 10, 0.25]]);
    expect(c.total).toBe(50);
  });
  it("folds the long tail into Other", () => {
    const nodes = Array.from({ length: 12 }, (_, i) => node(`d${i}`, null, 100 - i));
    const c = departmentBars(nodes, 5);
    expect(c.bars).toHaveLength(5);
    expect(c.bars[4]?.label).toBe("Other (8 departments)");
    expect(c.bars.reduce((s, b) => s + b.value, 0)).toBe(c.total);
  });
  it("is empty without jobs", () => {
    expect(departmentBars([]).bars).toEqual([]);
  });
});

describe("trendChart", () => {
  const now = Date.parse("2026-06-30T12:00:00Z");
  const day = 24 * 3600 * 1000;
  const at = (daysAgo: number) => new Date(now - daysAgo * day).toISOString();

  it("rounds the axis top up", () => {
    expect([0, 1, 7, 42, 100, 1234].map(niceMax)).toEqual([1, 1, 8, 50, 100, 1500]);
  });

  it("lays out both lines oldest first, within the window", () => {
    const c = trendChart(
      [
        { at: at(10), openJobs: 40, listedPostings: 30 },
        { at: at(100), openJobs: 999, listedPostings: 999 },
        { at: at(90), openJobs: 20, listedPostings: 10 },
        { at: at(0), openJobs: 50, listedPostings: 45 },
      ],
      90,
      now,
      900,
      100,
    );
    expect(c.points).toBe(3);
    expect(c.max).toBe(50);
    const [open, listed] = c.lines;
    expect(open?.label).toBe("Open jobs");
    expect(open?.dots.map((d) => d.value)).toEqual([20, 40, 50]);
    expect(open?.dots[0]).toMatchObject({ x: 0, y: 60 });
    expect(open?.dots[2]).toMatchObject({ x: 900, y: 0 });
    expect(open?.path).toBe("M0 60 L800 20 L900 0");
    expect(listed?.last).toBe(45);
  });

  it("keeps a run that finished after the screen's clock last ticked", () => {
    const c = trendChart([{ at: new Date(now + 5000).toISOString(), openJobs: 3, listedPostings: 2 }], 90, now, 900, 100);
    expect(c.points).toBe(1);
    expect(c.lines[0]?.dots[0]?.x).toBe(900);
  });

  it("has empty lines without points", () => {
    const c = trendChart([], 90, now);
    expect(c.points).toBe(0);
    expect(c.lines.every((l) => l.path === "" && l.last === null)).toBe(true);
  });
});
