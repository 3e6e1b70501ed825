import { describe, expect, it } from "vitest";
import { digestDepartmentOptions, exportedText, mayNavigate, routeFor, toggleDepartment } from "./notify";
import type { TreeFacet } from "./ipc";

describe("routeFor", () => {
  it("sends key and permission notices to Settings, the rest to the jobs screen's views", () => {
    expect(routeFor("settings")).toEqual({ screen: "settings" });
    expect(routeFor("jobs")).toEqual({ screen: "jobs", view: "jobs" });
    expect(routeFor("history")).toEqual({ screen: "jobs", view: "history" });
    expect(routeFor("changes")).toEqual({ screen: "jobs", view: "changes" });
  });
});

describe("mayNavigate", () => {
  it("never leaves the wizard or a problem screen", () => {
    expect(mayNavigate("jobs")).toBe(true);
    expect(mayNavigate("settings")).toBe(true);
    expect(mayNavigate("wizard")).toBe(false);
    expect(mayNavigate("replaceKey")).toBe(false);
    expect(mayNavigate("problem")).toBe(false);
  });
});

describe("exportedText", () => {
  it("counts and names the file", () => {
    expect(exportedText({ path: "/tmp/a.csv", jobs: 1234, truncated: false })).toBe("Exported 1,234 jobs to /tmp/a.csv.");
    expect(exportedText({ path: "/tmp/a.json", jobs: 1, truncated: false })).toBe("Exported 1 job to /tmp/a.json.");
    expect(exportedText({ path: "/x.csv", jobs: 2000, truncated: true })).toContain("best matches");
  });
});

describe("digest departments", () => {
  const node = (id: string, name: string, parentId: string | null = null, totalCount = 0): TreeFacet => ({
    id,
    name,
    parentId,
    isArchived: false,
    count: totalCount,
    totalCount,
  });
  const tree = [node("eng", "Engineering", null, 3), node("fe", "Frontend", "eng"), node("sales", "Sales")];

  it("lists every department, teams under their parent, even those without jobs", () => {
    expect(digestDepartmentOptions(tree, ["fe"], "")).toEqual([
      { id: "eng", name: "Engineering", depth: 0, chosen: false },
      { id: "fe", name: "Frontend", depth: 1, chosen: true },
      { id: "sales", name: "Sales", depth: 0, chosen: false },
    ]);
  });

  it("filters by name but keeps what is chosen", () => {
    expect(digestDepartmentOptions(tree, ["sales"], "front").map((o) => o.id)).toEqual(["fe", "sales"]);
  });

  it("toggles a choice", () => {
    expect(toggleDepartment(["eng"], "sales")).toEqual(["eng", "sales"]);
    expect(toggleDepartment(["eng", "sales"], "eng")).toEqual(["sales"]);
  });
});
