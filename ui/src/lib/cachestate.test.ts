import { describe, expect, it } from "vitest";
import { descriptionMissing, notSyncedYet } from "./cachestate";

describe("a cache that is still filling", () => {
  it("never says Never synced beside cached jobs", () => {
    expect(notSyncedYet(true, 500)).toBe("First sync in progress");
    expect(notSyncedYet(false, 500)).toBe("First sync not finished");
    expect(notSyncedYet(true, 0)).toBe("First sync in progress");
    expect(notSyncedYet(false, 0)).toBe("Never synced");
  });
  it("says a missing description is loading while a sync runs", () => {
    expect(descriptionMissing(true)).toMatch(/^Description loading/);
    expect(descriptionMissing(false)).toMatch(/next sync/);
  });
});
