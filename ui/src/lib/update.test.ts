import { describe, expect, it } from "vitest";
import { installConfirmText, updateResultText } from "./update";
import { formatDate } from "./time";

describe("updateResultText", () => {
  it("says up to date with the running version", () => {
    expect(updateResultText({ kind: "upToDate", current: "0.1.0" })).toBe("You have the newest version (0.1.0).");
  });
  it("names the new and the running version, and the date when it is readable", () => {
    const base = { kind: "available" as const, current: "0.1.0", version: "0.2.0", notes: null };
    expect(updateResultText({ ...base, date: null })).toBe("Version 0.2.0 is available (you have 0.1.0).");
    expect(updateResultText({ ...base, date: "not a date" })).toBe("Version 0.2.0 is available (you have 0.1.0).");
    const dated = updateResultText({ ...base, date: "2026-12-01T10:00:00Z" });
    expect(dated).toContain("Version 0.2.0 is available (you have 0.1.0), published ");
    expect(dated).toContain(formatDate("2026-12-01T10:00:00Z"));
  });
});

describe("installConfirmText", () => {
  it("says the sync is stopped first only while one runs", () => {
    expect(installConfirmText("0.2.0", true)).toContain("The sync in progress is stopped first");
    expect(installConfirmText("0.2.0", false)).not.toContain("stopped");
    expect(installConfirmText("0.2.0", false)).toContain("signed by Ashby Sync's release key");
    expect(installConfirmText("0.2.0", false)).toContain("version 0.2.0");
  });
});
