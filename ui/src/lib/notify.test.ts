import { describe, expect, it } from "vitest";
import { exportedText, mayNavigate, routeFor } from "./notify";

describe("routeFor", () => {
  it("sends key and permission notices to Settings, the rest to the jobs screen's views", () => {
    expect(routeFor("settings")).toEqual({ screen: "settings" });
    expect(routeFor("jobs")).toEqual({ screen: "jobs", view: "jobs" });
    expect(routeFor("history")).toEqual({ screen: "jobs", view: "history" });
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
