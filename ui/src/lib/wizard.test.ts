import { describe, expect, it } from "vitest";
import { checklistProgress } from "./wizard";

const items = ["jobs", "candidates", "offers"].map((id) => ({ id }));

describe("the step 4 checklist", () => {
  it("is complete only when every item is ticked", () => {
    expect(checklistProgress(items, ["jobs", "candidates", "offers"])).toEqual({ ticked: 3, total: 3, complete: true, label: "3 of 3" });
    expect(checklistProgress(items, ["jobs"])).toEqual({ ticked: 1, total: 3, complete: false, label: "1 of 3" });
  });
  it("ignores ticks of items it doesn't list", () => {
    expect(checklistProgress(items, ["jobs", "reports", "jobs"]).ticked).toBe(1);
  });
  it("counts a step without a checklist as complete", () => {
    expect(checklistProgress([], []).complete).toBe(true);
  });
});
