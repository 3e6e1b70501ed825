import { describe, expect, it } from "vitest";
import { defaultFilters, humanize, isNarrowed, optionLabel, toQuery, treeOptions } from "./filters";
import type { TreeFacet } from "./ipc";

const node = (id: string, name: string, parentId: string | null, totalCount: number): TreeFacet => ({
  id, name, parentId, isArchived: false, count: totalCount, totalCount,
});

describe("toQuery", () => {
  it("lists open jobs by last update by default", () => {
    const q = toQuery(defaultFilters(), "  ", 0, 100);
    expect(q).toMatchObject({ search: null, statuses: ["Open"], sort: "updated", listed: null, offset: 0, limit: 100 });
  });
  it("ranks by relevance while searching unless a sort was chosen", () => {
    expect(toQuery(defaultFilters(), " rust ", 0, 50)).toMatchObject({ search: "rust", sort: "relevance" });
    expect(toQuery({ ...defaultFilters(), sort: "title" }, "rust", 0, 50).sort).toBe("title");
  });
  it("maps every filter", () => {
    const f = { ...defaultFilters(), statuses: ["Open", "Closed"], departmentId: "d1", locationId: "l1", employmentType: "FullTime", workplaceType: "Remote", listed: "unlisted" as const, descending: false };
    expect(toQuery(f, "", 200, 100)).toEqual({
      search: null, statuses: ["Open", "Closed"], departmentId: "d1", locationId: "l1", employmentType: "FullTime",
      workplaceType: "Remote", listed: false, sort: "updated", descending: false, offset: 200, limit: 100,
    });
  });
  it("never sends an empty status list", () => {
    expect(toQuery({ ...defaultFilters(), statuses: [] }, "", 0, 10).statuses).toEqual(["Open"]);
  });
  it("knows when filters narrow the list", () => {
    expect(isNarrowed(defaultFilters())).toBe(false);
    expect(isNarrowed({ ...defaultFilters(), sort: "title" })).toBe(false);
    expect(isNarrowed({ ...defaultFilters(), listed: "listed" })).toBe(true);
    expect(isNarrowed({ ...defaultFilters(), statuses: ["Closed"] })).toBe(true);
  });
});

describe("treeOptions", () => {
  const nodes = [
    node("eng", "Engineering", null, 30),
    node("plat", "Platform", "eng", 10),
    node("app", "Applications", "eng", 20),
    node("sales", "Sales", null, 0),
    node("orphan", "Orphan team", "missing", 2),
  ];
  it("puts teams under their department, siblings by name, and hides empty ones", () => {
    expect(treeOptions(nodes).map((o) => [o.id, o.depth])).toEqual([
      ["eng", 0], ["app", 1], ["plat", 1], ["orphan", 0],
    ]);
  });
  it("keeps the selected option even when empty", () => {
    expect(treeOptions(nodes, "sales").map((o) => o.id)).toContain("sales");
  });
  it("survives cycles", () => {
    const cyc = [node("a", "A", "b", 1), node("b", "B", "a", 1), node("c", "C", "c", 1)];
    expect(treeOptions(cyc).map((o) => o.id)).toEqual(["c"]);
  });
  it("labels with indentation and counts", () => {
    expect(optionLabel({ id: "x", name: "Platform", depth: 1, count: 1200 })).toMatch(/└ \u2068Platform\u2069 \(1,200\)$/);
  });
  it("isolates the Ashby name, so a right-to-left override cannot reach the count", () => {
    const label = optionLabel({ id: "x", name: "\u202eevil", depth: 0, count: 3 });
    expect(label).toBe("\u2068\u202eevil\u2069 (3)");
  });
});

describe("humanize", () => {
  it("turns enum values into words", () => {
    expect(humanize("FullTime")).toBe("Full-time");
    expect(humanize("OnSite")).toBe("On-site");
    expect(humanize("Remote")).toBe("Remote");
    expect(humanize("SomethingNew")).toBe("Something New");
    expect(humanize(null)).toBe("—");
  });
});
