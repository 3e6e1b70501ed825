import { describe, expect, it } from "vitest";
import { describeChange, groupChanges, KIND_FILTERS, KIND_LABELS, kindFilter, newestId } from "./changes";
import { CHANGE_KINDS, type ChangeRecord, type ChangeSummary } from "./ipc";

const change = (id: number, runId: number, at: string, over: Partial<ChangeRecord> = {}): ChangeRecord => ({
  id, runId, at, kind: "jobAdded", jobId: `j${id}`, jobTitle: `Job ${id}`, postingId: null, postingTitle: null,
  oldValue: null, newValue: null, firstSync: null, ...over,
});
const summary = (runId: number, headline: string): ChangeSummary => ({ runId, counts: [], total: 0, firstSync: null, headline });

describe("groupChanges", () => {
  const now = new Date(2026, 5, 10, 18, 0).getTime();
  const local = (d: number, h: number, m = 0) => new Date(2026, 5, d, h, m).toISOString();

  it("groups newest-first rows by day, then run, with the run's whole headline", () => {
    const rows = [
      change(5, 3, local(10, 14)),
      change(4, 3, local(10, 14)),
      change(3, 2, local(10, 9, 30)),
      change(2, 1, local(9, 16)),
      change(1, 0, local(2, 8)),
    ];
    const days = groupChanges(rows, [summary(3, "2 new jobs"), summary(2, "1 closed"), summary(1, "1 renamed")], now);
    expect(days.map((d) => d.label)).toEqual(["Today", "Yesterday", expect.stringContaining("2")]);
    expect(days[0]?.runs.map((r) => [r.runId, r.headline, r.rows.map((c) => c.id)])).toEqual([
      [3, "2 new jobs", [5, 4]],
      [2, "1 closed", [3]],
    ]);
    expect(days[0]?.runs[0]?.time).toMatch(/(14|02).00/);
    expect(days[2]?.runs[0]?.headline).toBe("");
  });

  it("finds the newest id", () => {
    expect(newestId([change(3, 1, local(1, 1)), change(9, 1, local(1, 1))])).toBe(9);
    expect(newestId([])).toBe(0);
  });
});

describe("describeChange", () => {
  const at = "2026-06-10T12:00:00Z";
  it("says what changed, with old → new", () => {
    expect(describeChange(change(1, 1, at, { kind: "jobClosed", oldValue: "Open", newValue: "Closed" }))).toBe("Closed (Open → Closed)");
    expect(describeChange(change(1, 1, at, { kind: "jobRenamed", oldValue: "Old" }))).toBe("Renamed from “Old”");
    expect(describeChange(change(1, 1, at, { kind: "postingUnlisted", postingTitle: "Backend" }))).toBe("Posting “Backend” unlisted from the job board");
    expect(describeChange(change(1, 1, at, { kind: "departmentChanged", oldValue: null, newValue: "Sales" }))).toBe("Department: none → Sales");
    expect(describeChange(change(1, 1, at, { kind: "firstSync", firstSync: { jobs: 2000, postings: 1800 } }))).toBe("First sync: 2,000 jobs, 1,800 postings");
  });

  it("has words and a filter for every kind", () => {
    for (const k of CHANGE_KINDS) {
      expect(KIND_LABELS[k]).toBeTruthy();
      expect(describeChange(change(1, 1, at, { kind: k }))).not.toBe("");
      if (k !== "firstSync" && k !== "other") expect(KIND_FILTERS.some((f) => f.kinds.includes(k))).toBe(true);
    }
    expect(kindFilter("nope").id).toBe("all");
  });
});
