import { describe, expect, it } from "vitest";
import { JOB_STATUSES } from "./ipc";
import { rowHeight, statusBadge } from "./display";

describe("display", () => {
  it("gives every status one badge, wherever it is shown", () => {
    expect(JOB_STATUSES.map(statusBadge)).toEqual(["", "ok", "warn", "muted-badge"]);
    expect(statusBadge("OnHold")).toBe("muted-badge");
  });
  it("makes rows taller while searching", () => {
    expect(rowHeight(false)).toBe(62);
    expect(rowHeight(true)).toBe(86);
  });
});
