import { describe, expect, it } from "vitest";
import { JOB_STATUSES } from "./ipc";
import { rowHeight, statusBadge } from "./display";

describe("display", () => {
  it("gives every status one badge, wherever it is shown", () => {
    expect(JOB_STATUSES.map(statusBadge)).toEqual(["", "ok", "warn", "muted-badge"]);
    expect(statusBadge("OnHold")).toBe("muted-badge");
  });
  it("gives rows one height, searching or not", () => {
    expect(rowHeight()).toBe(84);
  });
});
