import { describe, expect, it } from "vitest";
import { departmentBars } from "./chart";
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
